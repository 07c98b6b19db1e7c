// A patient field for reception's dialogs: search as you type (PatientSearch), then the chosen
// patient with a way to change it. Errors of `patient_id` (Rust's field) show under it.
import { UserRound } from "lucide-react";
import type { FieldErrors, FieldValues, Path } from "react-hook-form";
import { useTranslation } from "react-i18next";
import type { PatientHit } from "../../api/generated";
import { Button } from "../../components/Button";
import { FieldError } from "../../components/Field";
import { listName } from "../patients/model";
import { PatientSearch } from "../patients/PatientSearch";

export function PatientPicker({ testId, label, value, onChange, error }: { testId: string; label: string; value: PatientHit | null; onChange: (hit: PatientHit | null) => void; error?: string | undefined }) {
  const { t } = useTranslation();
  return (
    <div className="flex flex-col gap-1.5">
      {value ? (
        <>
          <span className="text-sm font-medium text-ink-800">{label}</span>
          <div className="flex items-center justify-between gap-3 rounded-md border border-ink-200 bg-ink-50 px-3 py-2" data-testid={`${testId}-chosen`}>
            <span className="flex min-w-0 items-center gap-2.5">
              <UserRound aria-hidden="true" className="size-4.5 shrink-0 text-ink-500" />
              <span className="min-w-0">
                <span className="block truncate font-medium text-ink-900">{listName(value)}</span>
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
              {t("today.changePatient")}
            </Button>
          </div>
        </>
      ) : (
        <PatientSearch testId={testId} label={label} placeholder={t("today.patientPlaceholder")} compact limit={5} onOpen={onChange} />
      )}
      {error ? <FieldError name="patient_id" message={error} /> : null}
    </div>
  );
}

/**
 * After a refused submit: the patient search when no patient is chosen (it is no form input),
 * else the first field with an error, in the form's order.
 */
export function focusFirstError<T extends FieldValues>(errors: FieldErrors<T>, testId: string, setFocus: (name: Path<T>) => void) {
  const names = Object.keys(errors) as Path<T>[];
  if (names.includes("patient_id" as Path<T>)) {
    document.querySelector<HTMLElement>(`[data-testid="${testId}-search"], [data-testid="${testId}-change"]`)?.focus();
  } else if (names[0] !== undefined) {
    setFocus(names[0]);
  }
}
