import { DatabaseZap } from "lucide-react";
import { useTranslation } from "react-i18next";
import { CommandError } from "../api/gateway";
import { Card } from "../components/Card";
import { CenteredPage } from "../components/States";

const KNOWN = ["wrong_key", "keychain", "io", "schema_too_new"] as const;
type Known = (typeof KNOWN)[number];

/** The store could not be opened: nothing else can work, so say why in full. */
export function FatalScreen({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const code = error instanceof CommandError ? error.code : "internal";
  const message = error instanceof Error ? error.message : String(error);
  const explanation = (KNOWN as readonly string[]).includes(code) ? t(`fatal.${code as Known}`) : t("fatal.other");
  return (
    <CenteredPage wide testId="fatal-error">
      <Card className="mx-auto max-w-2xl px-8 py-8" >
        <div role="alert" className="flex flex-col gap-4">
          <div className="flex items-center gap-3 text-danger-700">
            <DatabaseZap aria-hidden="true" className="size-8 shrink-0" />
            <h1 className="text-xl font-semibold">{t("fatal.title")}</h1>
          </div>
          <p className="text-base text-ink-800">{explanation}</p>
          <p className="text-[0.9375rem] text-ink-600">{t("fatal.help")}</p>
          <div className="rounded-md border border-ink-200 bg-ink-50 px-4 py-3">
            <p className="text-xs font-semibold tracking-wide text-ink-600 uppercase">{t("fatal.detail")}</p>
            <p className="mt-1 font-mono text-sm break-words text-ink-900" data-testid="fatal-message">
              {message}
            </p>
            <p className="mt-2 text-xs text-ink-600">
              {t("fatal.code")}: <span className="font-mono" data-testid="fatal-code">{code}</span>
            </p>
          </div>
        </div>
      </Card>
    </CenteredPage>
  );
}
