// Choosing the patient of a form (a booking, a walk-in, a waitlist entry): the registry's search
// as you type (PatientSearch, compact), then the chosen patient with a "Change" button. Errors of
// `patient_id` (Rust's field) show under it.
import { UserRound } from "lucide-react";
import type { FieldErrors, FieldValues, Path } from "react-hook-form";
import { useTranslation } from "react-i18next";
import type { PatientHit } from "../../api/generated";
import { Button } from "../../components/Button";
import { FieldError } from "../../components/Field";
import { listName } from "./model";
import { PatientSearch } from "./PatientSearch";

/** The chosen patient: from a search hit, or known already (an appointment being moved). */
export interface PickedPatient {
  id: string;
  name: string;
  mrn: string;
}

export const pickedFromHit = (hit: PatientHit): PickedPatient => ({ id: hit.id, name: listName(hit), mrn: hit.mrn });

export function PatientPicker({
  testId,
  label,
  value,
  onChange,
  error,
  limit = 8,
}: {
  testId: string;
  label: string;
  value: PickedPatient | null;
  onChange: (patient: PickedPatient | null) => void;
  error?: string | undefined;
  limit?: number;
}) {
  const { t } = useTranslation();
  return (
    <div className="flex flex-col gap-1.5">
      {value ? (
        <>
          <span className="text-sm font-medium text-ink-800">{label}</span>
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
        </>
      ) : (
        <PatientSearch
          testId={testId}
          label={label}
          placeholder={t("calendar.book.patientPlaceholder")}
          compact
          limit={limit}
          onOpen={(hit) => {
            onChange(pickedFromHit(hit));
          }}
        />
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
