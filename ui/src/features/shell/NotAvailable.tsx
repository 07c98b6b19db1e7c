import { ShieldOff } from "lucide-react";
import { useTranslation } from "react-i18next";
import { Link } from "wouter";
import { Card } from "../../components/Card";
import { useSession } from "../auth/session";

export function NotAvailable() {
  const { t } = useTranslation();
  const { user } = useSession();
  return (
    <Card className="mx-auto mt-10 max-w-lg px-8 py-8 text-center" >
      <div data-testid="not-available" className="flex flex-col items-center gap-3">
        <ShieldOff aria-hidden="true" className="size-9 text-ink-500" />
        <h1 className="text-xl font-semibold text-ink-900">{t("notAvailable.title")}</h1>
        <p className="text-[0.9375rem] text-ink-600">{t("notAvailable.body", { role: t(`roles.${user.role}`) })}</p>
        <Link href="/" className="mt-2 font-medium text-accent-700 underline underline-offset-2 hover:text-accent-900">
          {t("notAvailable.home")}
        </Link>
      </div>
    </Card>
  );
}
