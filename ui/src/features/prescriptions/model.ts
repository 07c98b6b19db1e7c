// What the prescription panels share: their queries, the tables their writes change (Rust's
// change-log names), the catalog's routes and frequencies, and small helpers (the PDF as bytes,
// the warnings of a draft grouped per item and kind, as Rust wants one reason for each).
import type { QueryClient } from "@tanstack/react-query";
import type { Frequency, Prescription, PrescriptionWarning, Route, WarningKind } from "../../api/generated";
import { refreshAfterWrite } from "../../api/live";
import { commandKey, commandQuery } from "../../api/queries";

export const prescriptionQuery = (prescriptionId: string) => commandQuery("get_prescription", { prescription_id: prescriptionId });
export const prescriptionsQuery = (patientId: string) => commandQuery("list_prescriptions", { patient_id: patientId });
export const currentMedicationsQuery = (patientId: string) => commandQuery("current_medications", { patient_id: patientId });

/** Tables the prescription commands write. */
export const RX_TABLES = {
  prescription: ["prescriptions"],
  items: ["prescription_items"],
  signed: ["prescriptions", "prescription_overrides"],
  renewed: ["prescriptions", "prescription_items"],
  catalog: ["medications"],
} as const;

/** Every read that a prescription write may change (also refreshed directly, not only by `clinic-changed`). */
const RX_READS = ["get_prescription", "list_prescriptions", "current_medications", "prescription_pdf"] as const;

/**
 * After a write that answered with the whole prescription: show that answer at once, and refetch
 * the lists and the current medications (they read the same tables) without waiting for it.
 */
export function prescriptionWritten(queryClient: QueryClient, prescription: Prescription, tables: readonly string[]): void {
  queryClient.setQueryData(commandKey("get_prescription", { prescription_id: prescription.id }), prescription);
  void refreshAfterWrite(queryClient, tables);
  void queryClient.invalidateQueries({
    predicate: (q) => {
      const name = q.queryKey[0] as string;
      if (name === "get_prescription") return (q.queryKey[1] as { prescription_id?: string } | undefined)?.prescription_id !== prescription.id;
      return (RX_READS as readonly string[]).includes(name);
    },
  });
}

/** The routes and frequencies as Rust names them, in the order a prescriber looks for them. */
export const ROUTES: readonly Route[] = ["oral", "sublingual", "inhaled", "nasal", "topical", "transdermal", "ophthalmic", "otic", "rectal", "vaginal", "subcutaneous", "intramuscular", "intravenous"];
export const FREQUENCIES: readonly Frequency[] = [
  "once_daily",
  "twice_daily",
  "three_times_daily",
  "four_times_daily",
  "five_times_daily",
  "every_4_hours",
  "every_6_hours",
  "every_8_hours",
  "every_12_hours",
  "at_bedtime",
  "once_weekly",
  "as_needed",
  "once",
];

/** The warnings that need one reason each: Rust takes a reason per item and kind. */
export interface WarningGroup {
  key: string;
  item_id: string;
  kind: WarningKind;
  messages: string[];
  warnings: PrescriptionWarning[];
}

export const warningKey = (itemId: string, kind: WarningKind) => `${itemId}|${kind}`;

export function warningGroups(warnings: readonly PrescriptionWarning[]): WarningGroup[] {
  const groups = new Map<string, WarningGroup>();
  for (const w of warnings) {
    const key = warningKey(w.item_id, w.kind);
    const group = groups.get(key) ?? { key, item_id: w.item_id, kind: w.kind, messages: [], warnings: [] };
    group.messages.push(w.message);
    group.warnings.push(w);
    groups.set(key, group);
  }
  // Allergies first: they are the dangerous ones.
  return [...groups.values()].sort((a, b) => Number(a.kind !== "allergy") - Number(b.kind !== "allergy"));
}

/** The most an override reason holds (sign_prescription). */
export const OVERRIDE_REASON_MAX = 500;

/** Bytes of a base64 text (the browser's own decoder). */
export function bytesOf(base64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** Saves `base64` as a file through the browser's download (nothing leaves the workstation). */
export function saveFile(name: string, mediaType: string, base64: string): boolean {
  if (typeof URL.createObjectURL !== "function") return false;
  const url = URL.createObjectURL(new Blob([bytesOf(base64)], { type: mediaType }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 10_000);
  return true;
}

/** The date a prescription is known by: when it was signed, else when it was started. */
export const prescriptionDate = (p: Pick<Prescription, "signed_at" | "created_at">) => p.signed_at ?? p.created_at;
