import { GitMerge, UserPlus } from "lucide-react";
import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import { useLocation } from "wouter";
import type { PatientHit } from "../../api/generated";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { PageHeader } from "../../components/PageHeader";
import { useCan } from "../auth/session";
import { PatientSearch } from "./PatientSearch";

/** The registry: search as you type (recent patients when the box is empty), register, merge. */
export function PatientsPage() {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const canWrite = useCan("patients.write");
  const canMerge = useCan("patients.merge");
  const open = useCallback(
    (hit: PatientHit) => {
      navigate(`/patients/${hit.id}`);
    },
    [navigate],
  );
  const register = () => {
    navigate("/patients/new");
  };

  return (
    <>
      <PageHeader
        title={t("nav.patients")}
        lead={t("patients.lead")}
        actions={
          <>
            {canMerge ? (
              <Button size="lg" data-testid="patient-merge-link" icon={<GitMerge aria-hidden="true" className="size-5" />} onClick={() => { navigate("/patients/merge"); }}>
                {t("patients.mergeAction")}
              </Button>
            ) : null}
            {canWrite ? (
              <Button variant="primary" size="lg" data-testid="patient-new" icon={<UserPlus aria-hidden="true" className="size-5" />} onClick={register}>
                {t("patients.new")}
              </Button>
            ) : null}
          </>
        }
      />
      <Card className="px-5 py-5">
        <PatientSearch
          testId="patient"
          label={t("patients.searchLabel")}
          hideLabel
          placeholder={t("patients.searchPlaceholder")}
          autoFocus
          onOpen={open}
          emptyAction={
            canWrite ? (
              <Button variant="primary" icon={<UserPlus aria-hidden="true" className="size-4" />} onClick={register} data-testid="patient-new-empty">
                {t("patients.new")}
              </Button>
            ) : null
          }
        />
      </Card>
    </>
  );
}
