// The field checks every fake store mirrors from crates/core/src/clinic/mod.rs (`required`,
// `optional_text`, `human`) and patients::require_active, written once.
import type { ErrorCode } from "../api/generated";

type Fail = (code: ErrorCode, message: string, field?: string) => never;

/** Characters as Rust counts them (`chars().count()`). */
export const chars = (s: string) => Array.from(s).length;

/** clinic::human: "medication.generic_name" → "Generic name" (the field's own part). */
export function human(field: string): string {
  const s = (field.split(".").at(-1) ?? field).replaceAll("_", " ");
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** clinic::required and clinic::optional_text, failing through the store's `fail`. */
export function textRules(fail: Fail) {
  const required = (value: string, field: string, max: number): string => {
    const v = value.trim();
    if (v === "") fail("validation", `${human(field)} is required`, field);
    if (chars(v) > max) fail("validation", `${human(field)} is longer than ${max} characters`, field);
    return v;
  };
  const optionalText = (value: string | null | undefined, field: string, max: number): string => {
    const v = (value ?? "").trim();
    if (chars(v) > max) fail("validation", `${human(field)} is longer than ${max} characters`, field);
    return v;
  };
  return { required, optionalText };
}

/** patients::require_active: the patient exists and was not merged away. */
export function requireActivePatient(patients: ReadonlyMap<string, { merged_into: string | null }>, patientId: string, fail: Fail): void {
  const p = patients.get(patientId);
  if (!p) return fail("validation", "no such patient", "patient_id");
  if (p.merged_into !== null) fail("validation", "this record was merged; use the surviving patient", "patient_id");
}
