import { useTranslation } from "react-i18next";
import { Card, CardSection } from "../../components/Card";
import { PageHeader } from "../../components/PageHeader";
import { ChangePasswordForm } from "./ChangePasswordForm";

export function ChangePasswordPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t("account.title")} lead={t("account.lead")} />
      <Card>
        <CardSection>
          <ChangePasswordForm />
        </CardSection>
      </Card>
    </>
  );
}
