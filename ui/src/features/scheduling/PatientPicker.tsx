// Choosing the patient of a booking: the registry's search as you type (PatientSearch, compact),
// then the chosen patient with a "Change" button.
import { UserRound } from "lucide-react";
import { useTranslation } from "react-i18next";
import type { PatientHit } from "../../api/generated";
import { Button } from "../../components/Button";
import { FieldError } from "../../components/Field";
import { listName } from "../patients/model";
import { PatientSearch } from "../patients/PatientSearch";

export interface PickedPatient {
  id: string;
  name: string;
  mrn: string;
}

export const pickedFromHit = (hit: PatientHit): PickedPatient => ({ id: hit.id, name: listName(hit), mrn: hit.mrn });

export function PatientPicker({ value, onChange, error, testId }: { value: PickedPatient | null; onChange: (patient: PickedPatient | null) => void; error?: string | undefined; testId: string }) {
  const { t } = useTranslation();
  if (value) {
    return (
      <div className="flex flex-col gap-1.5">
        <span className="text-sm font-medium text-ink-800">{t("calendar.book.patient")}</span>
        <div className="flex items-center justify-between gap-3 rounded-md border border-ink-300 bg-ink-50 px-3 py-2" data-testid={`${testId}-chosen`}>
          <span className="flex min-w-0 items-center gap-2.5">
            <UserRound aria-hidden="true" className="size-5 shrink-0 text-ink-500" />
            <span className="min-w-0">
              <span className="block truncate font-medium text-ink-900">{value.name}</span>
              <span className="block font-mono text-xs text-ink-600">{value.mrn}</span>
            </span>
          </span>
          <Button
            size="sm"
            variant="ghost"
            data-testid={`${testId}-change`}
            onClick={() => {
              onChange(null);
            }}
          >
            {t("calendar.book.changePatient")}
          </Button>
        </div>
        {error ? <FieldError name="patient_id" message={error} /> : null}
      </div>
    );
  }
  return (
    <div className="flex flex-col gap-1">
      <PatientSearch
        testId={testId}
        label={t("calendar.book.patient")}
        placeholder={t("calendar.book.patientPlaceholder")}
        compact
        limit={8}
        onOpen={(hit) => {
          onChange(pickedFromHit(hit));
        }}
      />
      {error ? <FieldError name="patient_id" message={error} /> : null}
    </div>
  );
}
