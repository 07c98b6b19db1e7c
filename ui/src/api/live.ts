// Live updates: Rust emits `clinic-changed` with the tables a committed write touched (on this
// workstation, or arrived by sync), and the cached answers that read those tables are refetched.
// Mounted once per window (the app frame, which also holds the waiting-room display).
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { onClinicChanged } from "./gateway";
import type { CommandName } from "./generated";

const SCHEDULE: readonly CommandName[] = ["list_day", "waiting_queue", "find_slots", "waiting_room_display", "open_patient_chart"];
const AVAILABILITY: readonly CommandName[] = ["get_doctor_availability", "find_slots", "waiting_room_display"];
/** What an invoice's change shows in: the invoice, the lists and balances, its PDF. */
const INVOICE_READS: readonly CommandName[] = ["get_invoice", "list_invoices", "list_outstanding", "invoice_pdf"];
const CLOSING_READS: readonly CommandName[] = ["cash_closing_preview", "list_cash_closings", "cash_closing_pdf"];

/** What sync's conflicts read: a double booking closes when a booking moves, a duplicate when merged. */
const CONFLICT_READS: readonly CommandName[] = ["list_sync_conflicts"];

/**
 * Read on every change, whatever the table: the sync indicator's local changes not yet on the
 * server, its last sync and its conflicts count (a committed write is a pending change; rows that
 * arrive by sync come with new conflicts).
 */
export const READ_ON_EVERY_CHANGE: readonly CommandName[] = ["get_sync_status"];

/** Which read commands answer from each table (table names as in Rust's change log). */
export const READS_BY_TABLE: Readonly<Record<string, readonly CommandName[]>> = {
  appointments: [...SCHEDULE, "list_waitlist", ...CONFLICT_READS],
  appointment_transitions: SCHEDULE,
  waitlist_entries: ["list_waitlist"],
  availability_blocks: AVAILABILITY,
  availability_exceptions: AVAILABILITY,
  visit_types: ["list_visit_types", "find_slots", "list_day", "waiting_queue"],
  // Doctors' names, availability (also set by Rust during a consultation), profiles.
  users: ["list_staff", "list_users", "list_departments", "waiting_room_display", "list_day", "waiting_queue", "find_slots"],
  departments: ["list_departments", "list_staff", "list_users"],
  patients: ["search_patients", "open_patient_chart", "list_day", "waiting_queue", "list_waitlist", "waiting_room_display", "get_invoice", "list_invoices", "list_outstanding", ...CONFLICT_READS],
  // A draft prescription's allergy warnings are worked out at every read.
  patient_allergies: ["search_patients", "open_patient_chart", "get_prescription", "list_prescriptions"],
  clinic: ["get_clinic_settings", "app_status", "waiting_room_display", "list_day", "waiting_queue"],
  // Medical records: the consultation (get_encounter) and the chart's clinical tabs.
  encounters: ["get_encounter", "list_encounters", "open_patient_chart"],
  encounter_notes: ["get_encounter", "list_encounters", "open_patient_chart"],
  vitals: ["get_encounter"],
  patient_problems: ["list_problems"],
  patient_problem_changes: ["list_problems"],
  attachments: ["get_encounter", "list_attachments"],
  encounter_diagnoses: ["get_encounter", "open_patient_chart", "list_encounters"],
  // Prescriptions: the consultation's builder, the chart's medications and timeline.
  medications: ["list_medications"],
  prescriptions: ["get_prescription", "list_prescriptions", "current_medications", "prescription_pdf", "open_patient_chart"],
  prescription_items: ["get_prescription", "list_prescriptions", "current_medications", "prescription_pdf", "open_patient_chart"],
  prescription_overrides: ["get_prescription", "list_prescriptions"],
  // Billing: the price list, invoices with their payments and credit notes, the desk's cash closing
  // and the reports (every figure an invoice screen, a PDF or a report shows is read from these).
  tax_categories: ["list_tax_categories", "list_price_items"],
  price_items: ["list_price_items"],
  price_versions: ["list_price_items"],
  invoices: [...INVOICE_READS, "revenue_report", "receipt_pdf", "credit_note_pdf"],
  invoice_lines: [...INVOICE_READS, "revenue_report", "credit_note_pdf"],
  credit_notes: [...INVOICE_READS, "revenue_report", "credit_note_pdf", "receipt_pdf"],
  credit_note_lines: [...INVOICE_READS, "revenue_report", "credit_note_pdf"],
  payments: [...INVOICE_READS, "revenue_report", "receipt_pdf", "credit_note_pdf", ...CLOSING_READS],
  cash_closings: CLOSING_READS,
  // Sync: the settings screen, and what sync found (names of doctors and patients come from users and patients).
  sync_settings: ["get_sync_settings"],
  sync_conflicts: CONFLICT_READS,
};

/** The read commands to refetch after a change of `tables`. */
export function readsOf(tables: readonly string[]): Set<CommandName> {
  if (tables.length === 0) return new Set();
  return new Set([...READ_ON_EVERY_CHANGE, ...tables.flatMap((table) => READS_BY_TABLE[table] ?? [])]);
}

/**
 * Refetches the cached answers that read `tables`. A refetch already running is restarted: it
 * may have been answered before the write.
 */
export function refreshAfterWrite(queryClient: QueryClient, tables: readonly string[]): Promise<void> {
  const stale = readsOf(tables);
  if (stale.size === 0) return Promise.resolve();
  return queryClient.invalidateQueries({ predicate: (query) => stale.has(query.queryKey[0] as CommandName) });
}

/** Refetches the cached queries whose command reads a table another write changed. */
export function useLiveUpdates(): void {
  const queryClient = useQueryClient();
  useEffect(
    () =>
      onClinicChanged((tables) => {
        void refreshAfterWrite(queryClient, tables);
      }),
    [queryClient],
  );
}
