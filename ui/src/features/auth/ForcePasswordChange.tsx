import { KeyRound, LogOut } from "lucide-react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { CenteredPage } from "../../components/States";
import { ChangePasswordForm } from "../account/ChangePasswordForm";
import { useSession, useSessionApi } from "./session";

/** After an admin set the password: nothing else is reachable until the user picks their own. */
export function ForcePasswordChange() {
  const { t } = useTranslation();
  const api = useSessionApi();
  const { user } = useSession();
  return (
    <CenteredPage testId="must-change-screen">
      <Card className="px-8 py-7">
        <div className="mb-4 flex size-11 items-center justify-center rounded-full bg-accent-50 text-accent-700">
          <KeyRound aria-hidden="true" className="size-6" />
        </div>
        <h1 className="text-xl font-semibold text-ink-900">{t("mustChange.title")}</h1>
        <p className="mt-1 mb-5 text-[0.9375rem] text-ink-600">
          {t("frame.signedInAs", { name: user.full_name, role: t(`roles.${user.role}`) })}. {t("mustChange.lead")}
        </p>
        <ChangePasswordForm onChanged={api.passwordChanged} />
      </Card>
      <div className="mt-4 flex justify-center">
        <Button variant="ghost" data-testid="logout" icon={<LogOut aria-hidden="true" className="size-4" />} onClick={() => void api.signOut()}>
          {t("frame.logout")}
        </Button>
      </div>
    </CenteredPage>
  );
}
