// What the scheduling screens share: clinic-time conversions (Rust takes clinic wall-clock time
// "YYYY-MM-DDTHH:MM" and answers UTC; the screens show the clinic's zone, never the machine's),
// status colours, the calendar's event shape and the queries every scheduling write refreshes.
import type { QueryClient } from "@tanstack/react-query";
import type { TFunction } from "i18next";
import { DateTime } from "luxon";
import { CommandError } from "../../api/gateway";
import type { Appointment, AvailabilityBlock, DoctorAvailability, Permission, SeriesScope, Status } from "../../api/generated";

export const STATUSES: readonly Status[] = ["scheduled", "checked_in", "in_consultation", "completed", "no_show", "cancelled"];

/** The calendar's working-hours window (widened when an appointment lies outside it). */
export const DAY_START_HOUR = 7;
export const DAY_END_HOUR = 20;
/** Minutes per calendar slot. */
export const STEP_MINUTES = 15;

/** `2026-03-02T09:30` in the clinic's zone: what Rust's booking commands take. */
export function toClinicLocal(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toFormat("yyyy-LL-dd'T'HH:mm");
}

/** The clinic date (`YYYY-MM-DD`) of an instant. */
export function clinicDateOf(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toFormat("yyyy-LL-dd");
}

/** Today in the clinic. */
export function clinicToday(zone: string): string {
  return clinicDateOf(new Date(), zone);
}

/** The instant a clinic wall-clock time (`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`) names. */
export function fromClinicLocal(text: string, zone: string): Date {
  return DateTime.fromISO(text, { zone }).toJSDate();
}

/** A clinic date moved by whole days. */
export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: "UTC" }).plus({ days }).toFormat("yyyy-LL-dd");
}

/** The Monday of a clinic date's week (weeks start on Monday). */
export function mondayOf(date: string): string {
  const d = DateTime.fromISO(date, { zone: "UTC" });
  return d.minus({ days: d.weekday - 1 }).toFormat("yyyy-LL-dd");
}

/** The next quarter hour from now in the clinic: the default time of a new booking. */
export function nextQuarterHour(zone: string): string {
  const now = DateTime.now().setZone(zone);
  const next = now.startOf("hour").plus({ minutes: Math.floor(now.minute / STEP_MINUTES + 1) * STEP_MINUTES });
  return next.toFormat("yyyy-LL-dd'T'HH:mm");
}

/** Now in the clinic, to the minute (a walk-in starts now). */
export function clinicNow(zone: string): string {
  return DateTime.now().setZone(zone).toFormat("yyyy-LL-dd'T'HH:mm");
}

/**
 * The DateTime "class" the calendar's luxon localizer calls, with every date read in the
 * clinic's zone: the calendar's days, hours and slots are the clinic's, whatever the machine's
 * zone (react-big-calendar's localizer only calls these four).
 */
export function zonedDateTime(zone: string) {
  return {
    fromJSDate: (date: Date) => DateTime.fromJSDate(date, { zone }),
    local: () => DateTime.local({ zone }),
    max: DateTime.max.bind(DateTime),
    min: DateTime.min.bind(DateTime),
  };
}

/** One appointment on the calendar. */
export interface CalendarEvent {
  id: string;
  title: string;
  start: Date;
  end: Date;
  resourceId: string;
  appointment: Appointment;
}

export function toEvent(a: Appointment): CalendarEvent {
  return { id: a.id, title: a.patient_name, start: new Date(a.starts_at), end: new Date(a.ends_at), resourceId: a.doctor_id, appointment: a };
}

export function statusLabel(t: TFunction, status: Status): string {
  return t(`calendar.status.${status}`);
}

/** Which actions a status allows (lifecycle.rs may_become), and which permission each needs. */
export type AppointmentAction = "check_in" | "start" | "complete" | "no_show" | "reschedule" | "cancel";

const ACTIONS: Record<Status, readonly AppointmentAction[]> = {
  scheduled: ["check_in", "reschedule", "no_show", "cancel"],
  checked_in: ["start", "no_show"],
  in_consultation: ["complete"],
  completed: [],
  cancelled: [],
  no_show: [],
};

export const ACTION_PERMISSION: Record<AppointmentAction, Permission> = {
  check_in: "queue.manage",
  start: "queue.call",
  complete: "queue.call",
  no_show: "queue.manage",
  reschedule: "schedule.write",
  cancel: "schedule.write",
};

export function actionsFor(status: Status, permissions: ReadonlySet<Permission>): AppointmentAction[] {
  return ACTIONS[status].filter((a) => permissions.has(ACTION_PERMISSION[a]));
}

/** Whether a clinic time lies inside a doctor's weekly blocks, minus leave, plus extra hours. */
export function isAvailableAt(availability: DoctorAvailability | undefined, instant: Date, zone: string): boolean {
  if (!availability) return true;
  const t = instant.getTime();
  const inException = (kind: string) => availability.exceptions.some((e) => e.kind === kind && Date.parse(e.starts_at) <= t && t < Date.parse(e.ends_at));
  if (inException("unavailable")) return false;
  if (inException("extra")) return true;
  const local = DateTime.fromJSDate(instant, { zone });
  const minute = local.hour * 60 + local.minute;
  const toMinute = (hm: string) => (hm === "24:00" ? 1440 : Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5)));
  return availability.blocks.some((b: AvailabilityBlock) => b.weekday === local.weekday && toMinute(b.start) <= minute && minute < toMinute(b.end));
}

/** After any scheduling write: every screen that shows appointments, queues or slots reads again. */
export async function schedulingChanged(queryClient: QueryClient): Promise<void> {
  await Promise.all(
    ["list_day", "find_slots", "waiting_queue", "list_waitlist", "waiting_room_display", "list_staff", "open_patient_chart"].map((name) =>
      queryClient.invalidateQueries({ queryKey: [name] }),
    ),
  );
}

/** The flags a refusal asks the user to confirm before sending again. */
export type Confirmable = "outside_availability" | "acknowledge_patient_overlap";

/** A refusal that the user may override (outside the doctor's hours, the patient's other appointment). */
export function confirmableOf(error: unknown): Confirmable | null {
  if (error instanceof CommandError && error.code === "conflict" && (error.field === "outside_availability" || error.field === "acknowledge_patient_overlap")) {
    return error.field;
  }
  return null;
}

export const SCOPES: readonly SeriesScope[] = ["this", "following"];
