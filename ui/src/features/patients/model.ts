// What the patient screens share: names, ages, labels of Rust's field names and reasons, and
// the query keys every patient write invalidates.
import type { QueryClient } from "@tanstack/react-query";
import type { TFunction } from "i18next";
import type { AllergySeverity, AllergyStatus, MatchKind, Patient, PatientHit, Sex } from "../../api/generated";
import type { ClinicFormat } from "../../lib/format";

export const SEXES: readonly Sex[] = ["female", "male", "other", "unknown"];
export const SEVERITIES: readonly AllergySeverity[] = ["severe", "moderate", "mild", "unknown"];

type Named = Pick<Patient, "given_name" | "family_name" | "other_names">;

/** "Zsófia Anna Kovács-Nagy": how the chart names the patient. */
export function fullName(p: Named): string {
  return [p.given_name, p.other_names, p.family_name].filter((s) => s.trim() !== "").join(" ");
}

/** "Kovács-Nagy, Zsófia Anna": lists sort and scan by family name. */
export function listName(p: Named): string {
  const given = [p.given_name, p.other_names].filter((s) => s.trim() !== "").join(" ");
  return given === "" ? p.family_name : `${p.family_name}, ${given}`;
}

type Dated = Pick<PatientHit, "date_of_birth" | "dob_estimated" | "age_years">;

/** "41 y" or "~41 y" (estimated); an em dash when unknown. */
export function ageText(t: TFunction, p: Dated): string {
  if (p.age_years === null) return t("common.none");
  return p.dob_estimated ? t("patients.ageEstimated", { count: p.age_years }) : t("patients.age", { count: p.age_years });
}

/** "15 Mar 1984", or "c. 1984 (estimated)": an estimated date of birth only knows its year. */
export function birthText(t: TFunction, format: ClinicFormat, p: Dated): string {
  if (p.date_of_birth === null) return t("common.none");
  return p.dob_estimated ? t("patients.bornAbout", { year: p.date_of_birth.slice(0, 4) }) : format.calendarDate(p.date_of_birth);
}

export function sexLabel(t: TFunction, sex: Sex): string {
  return t(`patients.sex.${sex}`);
}

export function severityLabel(t: TFunction, severity: AllergySeverity): string {
  return t(`allergies.severity.${severity}`);
}

export function statusLabel(t: TFunction, status: AllergyStatus): string {
  return t(`allergies.status.${status}`);
}

/**
 * The small hint next to a search result, when it says something the row does not: a typo match.
 * (Recent patients fill the whole list of an empty box; the list's heading says so once.)
 */
export function matchHint(t: TFunction, matched: MatchKind): string | null {
  return matched === "typo" ? t("patients.matchTypo") : null;
}

/** Demographic fields as Rust names them (form fields, merge's filled fields). */
export const PATIENT_FIELDS = [
  "given_name",
  "family_name",
  "other_names",
  "sex",
  "date_of_birth",
  "estimated_age_years",
  "phone",
  "phone_alt",
  "email",
  "address",
  "national_id",
  "emergency_contact_name",
  "emergency_contact_relation",
  "emergency_contact_phone",
  "insurance_payer",
  "insurance_member_number",
  "alerts",
  "notes",
  "photo_data_url",
] as const;
export type PatientField = (typeof PATIENT_FIELDS)[number];

const isPatientField = (name: string): name is PatientField => (PATIENT_FIELDS as readonly string[]).includes(name);

/** A Rust field name as the form labels it ("insurance_payer" → "Insurance"); unknown names as they are. */
export function fieldLabel(t: TFunction, name: string): string {
  return isPatientField(name) ? t(`patients.fields.${name}`) : name.replaceAll("_", " ");
}

const REASONS: Record<string, "patients.reasons.dobAndName" | "patients.reasons.phone" | "patients.reasons.nationalId"> = {
  "same date of birth and a similar name": "patients.reasons.dobAndName",
  "same phone number": "patients.reasons.phone",
  "same national id": "patients.reasons.nationalId",
};

/** Why Rust proposed a duplicate, in the user's language (Rust's own words for reasons it adds later). */
export function reasonText(t: TFunction, reason: string): string {
  const key = REASONS[reason];
  return key ? t(key) : reason.charAt(0).toUpperCase() + reason.slice(1);
}

/** After any write to a patient: searches, charts and duplicate checks answer differently now. */
export async function patientsChanged(queryClient: QueryClient): Promise<void> {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: ["search_patients"] }),
    queryClient.invalidateQueries({ queryKey: ["open_patient_chart"] }),
    queryClient.invalidateQueries({ queryKey: ["palette"] }),
  ]);
}

/**
 * A message for the next chart that opens (e.g. "registered as …" after the form navigated
 * there). Kept in memory only, and only for that patient.
 */
let pendingNotice: { patientId: string; message: string } | null = null;

export function setChartNotice(patientId: string, message: string): void {
  pendingNotice = { patientId, message };
}

/** The message waiting for this patient's chart (read in render; cleared by `clearChartNotice` in an effect). */
export function peekChartNotice(patientId: string): string | null {
  return pendingNotice?.patientId === patientId ? pendingNotice.message : null;
}

export function clearChartNotice(patientId: string): void {
  if (pendingNotice?.patientId === patientId) pendingNotice = null;
}
