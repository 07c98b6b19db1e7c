import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../api/errors";
import { appStatusQuery } from "../../api/queries";
import { Banner } from "../../components/Banner";
import { Card, CardSection } from "../../components/Card";
import { Logo } from "../../components/Logo";
import { PageHeader } from "../../components/PageHeader";
import { LoadingState } from "../../components/States";

export function AboutPage() {
  const { t } = useTranslation();
  const status = useQuery(appStatusQuery());
  return (
    <>
      <PageHeader title={t("about.title")} />
      <Card className="max-w-3xl">
        <CardSection>
          {status.isPending ? (
            <LoadingState label={t("common.loading")} />
          ) : status.isError ? (
            <Banner tone="error" testId="form-error">{errorMessage(status.error)}</Banner>
          ) : (
            <div className="flex gap-5">
              <Logo className="size-12" />
              <dl className="grid flex-1 grid-cols-[max-content_1fr] gap-x-6 gap-y-2 text-[0.9375rem]">
                <dt className="text-ink-600">{t("about.version")}</dt>
                <dd className="font-medium text-ink-900" data-testid="about-version">{status.data.version}</dd>
                <dt className="text-ink-600">{t("about.clinic")}</dt>
                <dd className="text-ink-900">{status.data.clinic_name ?? t("common.none")}</dd>
                <dt className="text-ink-600">{t("about.workstation")}</dt>
                <dd className="font-mono text-sm text-ink-900 select-all" data-testid="about-workstation">{status.data.workstation_id}</dd>
                <dt className="text-ink-600">{t("about.schema")}</dt>
                <dd className="font-mono text-sm text-ink-900" data-testid="about-schema">{status.data.schema_version}</dd>
              </dl>
            </div>
          )}
        </CardSection>
        <CardSection title={t("about.licencesTitle")} className="border-t border-ink-100">
          <p className="text-[0.9375rem] text-ink-700">{t("about.licences")}</p>
          <p className="mt-3 text-[0.9375rem] text-ink-700">{t("about.privacy")}</p>
        </CardSection>
      </Card>
    </>
  );
}
