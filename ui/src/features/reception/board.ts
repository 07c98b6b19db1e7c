// The reception board's model: the clinic's today, the day's appointments by stage, and the
// queries every panel of the board shares (one cache entry each, refreshed by `clinic-changed`).
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { Appointment, Status } from "../../api/generated";
import { clinicSettingsQuery, commandQuery } from "../../api/queries";
import { clinicClock, type ClinicClock } from "../../lib/clinic-time";

/** The tables a reception action may change (what to refetch after it). */
export const BOARD_TABLES = ["appointments", "appointment_transitions", "waitlist_entries", "users"] as const;

/** What a clinician may do with an appointment's consultation from the board: start it, open it, or nothing. */
export type Consult = "start" | "open" | null;

export type GroupId = "upcoming" | "waiting" | "in_consultation" | "done" | "no_show";

/** The board's stages, in the order of a patient's visit. Cancelled appointments are left out. */
export const GROUPS: readonly { id: GroupId; status: Status }[] = [
  { id: "upcoming", status: "scheduled" },
  { id: "waiting", status: "checked_in" },
  { id: "in_consultation", status: "in_consultation" },
  { id: "done", status: "completed" },
  { id: "no_show", status: "no_show" },
];

/** The clinic's wall clock, once its time zone is known; it moves on every 30 s (and past midnight). */
export function useClinicClock(): ClinicClock | null {
  const settings = useQuery(clinicSettingsQuery());
  const zone = settings.data?.time_zone;
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => {
      setNow(new Date());
    }, 30_000);
    return () => {
      clearInterval(timer);
    };
  }, []);
  return zone === undefined ? null : clinicClock(zone, now);
}

/** Today's appointments, no-shows included (the board shows them; cancelled ones it leaves out). */
export function useToday(date: string | null) {
  return useQuery({
    ...commandQuery("list_day", { date: date ?? "", include_inactive: true }),
    enabled: date !== null,
    // Events keep it current; this only catches what an event could not (e.g. a missed one).
    refetchInterval: 60_000,
  });
}

export const visitTypesQuery = () => commandQuery("list_visit_types", {});

/** Lower case without accents, for matching what reception types. */
export function folded(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** Whether an appointment matches the board's search (patient name or MRN, doctor). */
export function matches(a: Appointment, query: string): boolean {
  const words = folded(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = folded(`${a.patient_name} ${a.patient_mrn} ${a.doctor_name}`);
  return words.every((w) => haystack.includes(w));
}

/** The day's appointments by stage, by time; the waiting ones by ticket (who came first). */
export function grouped(appointments: readonly Appointment[], tickets: ReadonlyMap<string, number>): Map<GroupId, Appointment[]> {
  const out = new Map<GroupId, Appointment[]>(GROUPS.map((g) => [g.id, []]));
  for (const a of appointments) {
    const group = GROUPS.find((g) => g.status === a.status);
    if (group) out.get(group.id)?.push(a);
  }
  for (const [id, list] of out) {
    list.sort((x, y) => (id === "waiting" ? (tickets.get(x.id) ?? 0) - (tickets.get(y.id) ?? 0) : 0) || compare(x.starts_at, y.starts_at));
  }
  return out;
}

/**
 * The day's ticket numbers as Rust numbers them (lifecycle.rs `tickets_today`): 1, 2, 3 … in
 * check-in order, never reused; for patients no longer in the queue (called in, done).
 */
export function ticketsOf(appointments: readonly Appointment[]): Map<string, number> {
  const checkedIn = appointments
    .filter((a) => a.checked_in_at !== null)
    .sort((a, b) => compare(a.checked_in_at ?? "", b.checked_in_at ?? "") || compare(a.id, b.id));
  return new Map(checkedIn.map((a, i) => [a.id, i + 1]));
}

/** SQLite's binary collation (what Rust's ORDER BY on text does). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
