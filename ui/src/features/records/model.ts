// What the medical-records screens share: their queries, the tables their writes change, the
// SOAP sections and vitals fields as Rust names them, and how a record's values are shown.
import type { QueryClient } from "@tanstack/react-query";
import type { TFunction } from "i18next";
import type { Encounter, EncounterStatus, NoteVersion, ProblemStatus, Vitals } from "../../api/generated";
import { refreshAfterWrite } from "../../api/live";
import { commandKey, commandQuery } from "../../api/queries";

export const encounterQuery = (encounterId: string) => commandQuery("get_encounter", { encounter_id: encounterId });
export const encountersQuery = (patientId: string) => commandQuery("list_encounters", { patient_id: patientId });
export const problemsQuery = (patientId: string) => commandQuery("list_problems", { patient_id: patientId });
export const attachmentsQuery = (patientId: string) => commandQuery("list_attachments", { patient_id: patientId });

/** Where a consultation opens (inside the patient's record: the navigation marks Patients). */
export function encounterPath(patientId: string, encounterId: string): string {
  return `/patients/${patientId}/encounters/${encounterId}`;
}

/** Tables the records commands write (Rust's change log names). */
export const RECORDS_TABLES = {
  note: ["encounter_notes", "encounters"],
  encounter: ["encounters"],
  vitals: ["vitals"],
  problems: ["patient_problems", "patient_problem_changes"],
  attachments: ["attachments"],
} as const;

/**
 * After a write that answered with the whole encounter: show that answer at once, and refetch
 * whatever else reads the tables (lists, the chart) without waiting for it, so the screen's
 * buttons are free again as soon as Rust has answered.
 */
export function encounterWritten(queryClient: QueryClient, encounter: Encounter, tables: readonly string[]): void {
  queryClient.setQueryData(commandKey("get_encounter", { encounter_id: encounter.summary.id }), encounter);
  void refreshAfterWrite(queryClient, tables);
}

/** The note's sections, in the order a note is written (Rust's field names). */
export const SOAP_FIELDS = ["subjective", "objective", "assessment", "plan"] as const;
export type SoapField = (typeof SOAP_FIELDS)[number];
export type SoapText = Record<SoapField, string>;

export const soapOf = (note: NoteVersion | null): SoapText => ({
  subjective: note?.subjective ?? "",
  objective: note?.objective ?? "",
  assessment: note?.assessment ?? "",
  plan: note?.plan ?? "",
});

/** The most a note section holds (records/mod.rs `Soap::from_input`). */
export const SOAP_MAX = 20_000;

export const statusTone: Record<EncounterStatus, "info" | "ok" | "warn"> = { open: "info", signed: "ok", entered_in_error: "warn" };

export function encounterStatusLabel(t: TFunction, status: EncounterStatus): string {
  return t(`records.status.${status}`);
}

export function problemStatusLabel(t: TFunction, status: ProblemStatus): string {
  return t(`records.problems.status.${status}`);
}

/** Vitals as Rust names them: decimal text (°C, kg, cm) or whole numbers. */
export const VITALS_DECIMALS = ["temperature_c", "weight_kg", "height_cm"] as const;
export const VITALS_INTEGERS = ["pulse_bpm", "systolic_mmhg", "diastolic_mmhg", "respiratory_rate", "spo2_percent"] as const;
export type VitalsField = (typeof VITALS_DECIMALS)[number] | (typeof VITALS_INTEGERS)[number];
export const VITALS_FIELDS: readonly VitalsField[] = ["temperature_c", "pulse_bpm", "systolic_mmhg", "diastolic_mmhg", "respiratory_rate", "spo2_percent", "weight_kg", "height_cm"];

/** One measurement as the history shows it (blood pressure is one line of two values). */
export type Reading = "temperature_c" | "pulse_bpm" | "blood_pressure" | "respiratory_rate" | "spo2_percent" | "weight_kg" | "height_cm" | "bmi";
export const READINGS: readonly Reading[] = ["temperature_c", "pulse_bpm", "blood_pressure", "respiratory_rate", "spo2_percent", "weight_kg", "height_cm", "bmi"];

/** A decimal string in the clinic's locale, with the digits it has (Intl reads decimal strings exactly). */
export function decimalText(locale: string, value: string): string {
  const fraction = value.split(".")[1]?.length ?? 0;
  try {
    return new Intl.NumberFormat(locale, { minimumFractionDigits: fraction, maximumFractionDigits: fraction }).format(value as `${number}`);
  } catch {
    return value;
  }
}

/** A reading's value (without its unit), or null when it was not measured. */
export function readingValue(locale: string, v: Vitals, reading: Reading): string | null {
  switch (reading) {
    case "blood_pressure":
      return v.systolic_mmhg === null || v.diastolic_mmhg === null ? null : `${String(v.systolic_mmhg)}/${String(v.diastolic_mmhg)}`;
    case "temperature_c":
    case "weight_kg":
    case "height_cm":
    case "bmi": {
      const value = v[reading];
      return value === null ? null : decimalText(locale, value);
    }
    default: {
      const value = v[reading];
      return value === null ? null : String(value);
    }
  }
}

/** Whether Rust flagged a reading outside the normal adult range. */
export function readingAbnormal(v: Vitals, reading: Reading): boolean {
  return reading === "blood_pressure" ? v.abnormal.includes("systolic_mmhg") || v.abnormal.includes("diastolic_mmhg") : v.abnormal.includes(reading);
}

/** A file's size as people read it ("18 KB", "2.4 MB"). */
export function sizeText(locale: string, bytes: number): string {
  const format = (n: number, unit: string) => `${new Intl.NumberFormat(locale, { maximumFractionDigits: n < 10 ? 1 : 0 }).format(n)} ${unit}`;
  if (bytes < 1024) return `${String(bytes)} B`;
  if (bytes < 1024 * 1024) return format(bytes / 1024, "KB");
  return format(bytes / (1024 * 1024), "MB");
}
