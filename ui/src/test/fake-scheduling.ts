// The scheduling part of the fake backend (see fake-backend.ts): visit types, doctors' weekly
// availability and exceptions, the slot finder, booking (with weekly series), rescheduling,
// cancelling, the appointment state machine, the waiting queue with its tickets, the waitlist
// and the waiting-room display. It mirrors crates/core/src/scheduling (booking.rs,
// availability.rs, lifecycle.rs, waitlist.rs, display.rs): the same checks in the same order,
// the same messages, codes and fields. Times in inputs are clinic wall-clock time
// ("YYYY-MM-DDTHH:MM" in ClinicSettings.time_zone); everything stored and returned is UTC
// RFC 3339 with milliseconds, like Rust's `to_db_time`.
//
// Sections: time helpers · store · visit types · availability · slot finder · booking ·
// state machine · queue (waiting_queue, call_next_patient) · waitlist · display · demo seed.
// The queue, waitlist and display handlers are separate functions so that the reception
// screens can adjust them without touching booking.
import { DateTime } from "luxon";
import type {
  Appointment,
  AvailabilityBlock,
  AvailabilityException,
  Availability,
  ClinicSettings,
  Commands,
  DayList,
  DoctorAvailability,
  ErrorCode,
  QueueEntry,
  Role,
  SeriesScope,
  Slot,
  Status,
  VisitType,
  WaitingRoomDisplay,
  WaitlistEntry,
} from "../api/generated";
import { textRules } from "./fake-validation";

/** The users the scheduling store reads (the fake's own user objects: availability is written back). */
export interface SchedulingUser {
  id: string;
  username: string;
  full_name: string;
  role: Role;
  active: boolean;
  specialization: string | null;
  availability: Availability;
  availability_changed_at: string | null;
}

/** The patients the scheduling store reads. */
export interface SchedulingPatient {
  id: string;
  mrn: string;
  given_name: string;
  family_name: string;
  merged_into: string | null;
}

export interface SchedulingStoreDeps {
  now: () => Date;
  newId: () => string;
  fail: (code: ErrorCode, message: string, field?: string) => never;
  settings: () => ClinicSettings | null;
  users: () => Iterable<SchedulingUser>;
  patients: () => ReadonlyMap<string, SchedulingPatient>;
  audit: (action: string, detail: string, table: string, id: string) => void;
  /** Minutes after the start before a no-show may be marked (Rust: clinic.no_show_grace_minutes, default 15). */
  noShowGraceMinutes?: number;
}

interface StoredAppointment {
  id: string;
  patient_id: string;
  doctor_id: string;
  visit_type_id: string;
  starts_at: string;
  ends_at: string;
  status: Status;
  reason: string;
  room: string;
  walk_in: boolean;
  series_id: string | null;
  cancel_reason: string;
  checked_in_at: string | null;
  created_at: string;
  updated_at: string;
}

interface StoredBlock {
  id: string;
  doctor_id: string;
  weekday: number;
  start_minute: number;
  end_minute: number;
  room: string;
}

interface StoredException {
  id: string;
  doctor_id: string;
  kind: string;
  starts_at: string;
  ends_at: string;
  reason: string;
}

interface StoredWaitlistEntry {
  id: string;
  patient_id: string;
  doctor_id: string | null;
  specialization: string | null;
  visit_type_id: string;
  note: string;
  status: "waiting" | "offered" | "booked" | "removed";
  offered_doctor_id: string | null;
  offered_starts_at: string | null;
  appointment_id: string | null;
  removed_reason: string;
  created_at: string;
}

interface Transition {
  appointment_id: string;
  from: Status | null;
  to: Status;
  at: string;
  note: string;
}

// ---- time (crates/core/src/scheduling/mod.rs) -------------------------------------------------

const MINUTE = 60_000;
const DAY = 86_400_000;
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** Rust `to_db_time`: RFC 3339, milliseconds, `Z`. */
export const dbTime = (ms: number) => new Date(ms).toISOString();
const ms = (text: string) => Date.parse(text);

/** The zone's offset from UTC at an instant, in minutes. */
function offsetAt(zone: string, instant: number): number {
  const t = DateTime.fromMillis(instant, { zone });
  return t.isValid ? t.offset : 0;
}

/**
 * A clinic wall-clock time is kept as "wall milliseconds": the epoch milliseconds of the same
 * digits read as UTC. Date.UTC / getUTC* then do calendar arithmetic without any zone.
 */
export function wallOf(zone: string, instant: number): number {
  return instant + offsetAt(zone, instant) * MINUTE;
}

/** The UTC instants a wall-clock time names: none (skipped), one, or two (repeated). */
function instantsOf(zone: string, wall: number): number[] {
  const offsets = new Set([offsetAt(zone, wall - DAY), offsetAt(zone, wall), offsetAt(zone, wall + DAY)]);
  const found = new Set<number>();
  for (const off of offsets) {
    const u = wall - off * MINUTE;
    if (offsetAt(zone, u) === off) found.add(u);
  }
  return [...found].sort((a, b) => a - b);
}

/** chrono's NaiveDateTime Display: `2026-03-29 02:30:00`. */
function naiveText(wall: number): string {
  const d = new Date(wall);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:00`;
}

/** Rust `parse_local`: `YYYY-MM-DDTHH:MM` → wall milliseconds. */
function parseLocal(text: string, field: string, fail: SchedulingStoreDeps["fail"]): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(text.trim());
  const bad = () => fail("validation", "a time is written like 2026-03-02T09:30 (clinic time)", field);
  if (!m) return bad();
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59) return bad();
  return wall;
}

/** Rust `local_naive_to_utc`: a skipped or repeated wall-clock time is refused by name. */
function wallToUtc(zone: string, wall: number, field: string, fail: SchedulingStoreDeps["fail"]): number {
  const found = instantsOf(zone, wall);
  if (found.length === 1) return found[0] ?? 0;
  if (found.length > 1) return fail("validation", `${naiveText(wall)} happens twice when the clocks go back; choose another time`, field);
  return fail("validation", `${naiveText(wall)} does not exist (the clocks go forward); choose another time`, field);
}

/** Rust `local_naive_to_utc_lenient`: a skipped time moves past the gap, a repeated one takes the first. */
function wallToUtcLenient(zone: string, wall: number): number {
  let probe = wall;
  for (let i = 0; i < 4; i += 1) {
    const found = instantsOf(zone, probe);
    if (found.length > 0) return found[0] ?? probe;
    probe += 30 * MINUTE;
  }
  return wall;
}

/** Rust `parse_date`: `YYYY-MM-DD` → wall milliseconds of its midnight. */
function parseDate(text: string, field: string, fail: SchedulingStoreDeps["fail"]): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  const bad = () => fail("validation", "a date is written like 2026-03-02", field);
  if (!m) return bad();
  const [y, mo, d] = m.slice(1).map(Number) as [number, number, number];
  const wall = Date.UTC(y, mo - 1, d);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return bad();
  return wall;
}

const dateText = (wall: number) => new Date(wall).toISOString().slice(0, 10);
const midnight = (wall: number) => wall - (((wall % DAY) + DAY) % DAY);
/** `09:30` */
const hmText = (wall: number) => `${pad(new Date(wall).getUTCHours())}:${pad(new Date(wall).getUTCMinutes())}`;
/** chrono `%a %d %b`: `Tue 03 Mar` */
const dayText = (wall: number) => {
  const d = new Date(wall);
  return `${WEEKDAYS[d.getUTCDay()] ?? ""} ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()] ?? ""}`;
};
/** chrono `%Y-%m-%dT%H:%M` */
const localText = (wall: number) => `${dateText(wall)}T${hmText(wall)}`;
/** ISO weekday of a wall time: 1 = Monday … 7 = Sunday. */
const isoWeekday = (wall: number) => ((new Date(wall).getUTCDay() + 6) % 7) + 1;

const HOLDS_TIME: readonly Status[] = ["scheduled", "checked_in", "in_consultation", "completed"];
const PATIENT_BUSY: readonly Status[] = ["scheduled", "checked_in", "in_consultation"];

/** lifecycle.rs `may_become`: the one table of legal transitions. */
export function mayBecome(from: Status, to: Status): boolean {
  const legal: readonly [Status, Status][] = [
    ["scheduled", "checked_in"],
    ["checked_in", "in_consultation"],
    ["in_consultation", "completed"],
    ["scheduled", "cancelled"],
    ["scheduled", "no_show"],
    ["checked_in", "no_show"],
  ];
  return legal.some(([f, t]) => f === from && t === to);
}

const HUMAN_STATUS: Record<Status, string> = {
  scheduled: "scheduled",
  checked_in: "checked in",
  in_consultation: "in consultation",
  completed: "completed",
  cancelled: "cancelled",
  no_show: "a no-show",
};

/** Rust's `{:?}` of a string, close enough: JSON quoting. */
const debug = (v: string) => JSON.stringify(v);

/** display.rs `initials`: "Maria", "López García" → "M. L." */
export function initials(given: string, family: string): string {
  return [given, family]
    .map((n) => Array.from(n.trim())[0])
    .filter((c): c is string => c !== undefined)
    .map((c) => `${c.toUpperCase()}.`)
    .join(" ");
}

// ---- the store -----------------------------------------------------------------------------

export function createSchedulingStore(deps: SchedulingStoreDeps) {
  const { newId, fail } = deps;
  const nowMs = () => deps.now().getTime();
  const nowText = () => dbTime(nowMs());
  const grace = deps.noShowGraceMinutes ?? 15;

  let visitTypes = new Map<string, VisitType & { created_at: string }>();
  let blocks = new Map<string, StoredBlock>();
  let exceptions = new Map<string, StoredException>();
  let appointments = new Map<string, StoredAppointment>();
  let waitlist = new Map<string, StoredWaitlistEntry>();
  let transitions: Transition[] = [];

  const zone = () => deps.settings()?.time_zone ?? "UTC";
  const wall = (instant: number) => wallOf(zone(), instant);
  const hm = (instant: number) => hmText(wall(instant));

  const { required, optionalText: optional } = textRules(fail);

  /** One write transaction: every change of `body` is kept, or none (a series is all or nothing). */
  function write<T>(body: () => T): T {
    const saved = {
      visitTypes: new Map([...visitTypes].map(([k, v]) => [k, { ...v }])),
      blocks: new Map(blocks),
      exceptions: new Map(exceptions),
      appointments: new Map([...appointments].map(([k, v]) => [k, { ...v }])),
      waitlist: new Map([...waitlist].map(([k, v]) => [k, { ...v }])),
      transitions: [...transitions],
      availability: [...deps.users()].map((u) => [u, u.availability, u.availability_changed_at] as const),
    };
    try {
      return body();
    } catch (error) {
      visitTypes = saved.visitTypes;
      blocks = saved.blocks;
      exceptions = saved.exceptions;
      appointments = saved.appointments;
      waitlist = saved.waitlist;
      transitions = saved.transitions;
      for (const [u, availability, changed] of saved.availability) {
        u.availability = availability;
        u.availability_changed_at = changed;
      }
      throw error;
    }
  }

  const userById = (id: string) => [...deps.users()].find((u) => u.id === id);
  /** SQL `ORDER BY full_name` (binary collation). */
  const byName = (a: { full_name: string }, b: { full_name: string }) => (a.full_name < b.full_name ? -1 : a.full_name > b.full_name ? 1 : 0);

  function view(a: StoredAppointment): Appointment {
    const p = deps.patients().get(a.patient_id);
    return {
      id: a.id,
      patient_id: a.patient_id,
      patient_name: p ? `${p.given_name} ${p.family_name}` : "",
      patient_mrn: p?.mrn ?? "",
      doctor_id: a.doctor_id,
      doctor_name: userById(a.doctor_id)?.full_name ?? "",
      visit_type_id: a.visit_type_id,
      visit_type: visitTypes.get(a.visit_type_id)?.name ?? "",
      starts_at: a.starts_at,
      ends_at: a.ends_at,
      status: a.status,
      reason: a.reason,
      room: a.room,
      walk_in: a.walk_in,
      series_id: a.series_id,
      cancel_reason: a.cancel_reason,
      checked_in_at: a.checked_in_at,
    };
  }

  function loadAppointment(id: string): StoredAppointment {
    return appointments.get(id) ?? fail("not_found", "no such appointment", "appointment_id");
  }

  // ---- visit types (availability.rs) --------------------------------------------------------

  function loadVisitType(id: string): VisitType {
    const v = visitTypes.get(id) ?? fail("validation", "no such visit type", "visit_type_id");
    return { id: v.id, name: v.name, minutes: v.minutes, buffer_minutes: v.buffer_minutes, colour: v.colour, active: v.active };
  }

  function listVisitTypes(): VisitType[] {
    return [...visitTypes.values()]
      .sort((a, b) => Number(b.active) - Number(a.active) || a.name.toLowerCase().localeCompare(b.name.toLowerCase()))
      .map((v) => loadVisitType(v.id));
  }

  function saveVisitType(input: Commands["save_visit_type"]["input"]): VisitType {
    const name = required(input.name, "name", 100);
    if (!(input.minutes >= 5 && input.minutes <= 480) || input.minutes % 5 !== 0) fail("validation", "a visit lasts 5 to 480 minutes, in steps of 5", "minutes");
    const buffer = input.buffer_minutes ?? 0;
    if (buffer > 120 || buffer % 5 !== 0 || buffer < 0) fail("validation", "the buffer is 0 to 120 minutes, in steps of 5", "buffer_minutes");
    const colour = input.colour ?? "#0f766e";
    if (!/^#[0-9a-fA-F]{6}$/.test(colour)) fail("validation", "a colour is written like #0f766e", "colour");
    return write(() => {
      if ([...visitTypes.values()].some((v) => v.name.toLowerCase() === name.toLowerCase() && v.id !== input.id)) {
        fail("conflict", `a visit type ${debug(name)} exists already`, "name");
      }
      let id: string;
      if (input.id != null) {
        const before = visitTypes.get(input.id) ?? fail("validation", "no such visit type", "id");
        id = before.id;
        visitTypes.set(id, { ...before, name, minutes: input.minutes, buffer_minutes: buffer, colour, active: input.active ?? true });
      } else {
        id = newId();
        visitTypes.set(id, { id, name, minutes: input.minutes, buffer_minutes: buffer, colour, active: input.active ?? true, created_at: nowText() });
      }
      deps.audit("save_visit_type", `${name}: ${input.minutes} min + ${buffer} min buffer`, "visit_types", id);
      return loadVisitType(id);
    });
  }

  // ---- availability (availability.rs) -------------------------------------------------------

  const hmOfMinute = (minute: number) => `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;

  function parseHm(text: string, field: string): number {
    const t = text.trim();
    if (t === "24:00") return 1440;
    const m = /^(\d{1,2}):(\d{2})$/.exec(t);
    const h = Number(m?.[1]);
    const mi = Number(m?.[2]);
    if (!m || h > 23 || mi > 59) return fail("validation", "a time of day is written like 08:30", field);
    return h * 60 + mi;
  }

  function requireDoctor(doctorId: string) {
    if (userById(doctorId)?.role !== "doctor") fail("validation", "no doctor with this id", "doctor_id");
  }

  function blocksOf(doctorId: string): StoredBlock[] {
    return [...blocks.values()].filter((b) => b.doctor_id === doctorId).sort((a, b) => a.weekday - b.weekday || a.start_minute - b.start_minute);
  }

  function getDoctorAvailability(input: Commands["get_doctor_availability"]["input"]): DoctorAvailability {
    requireDoctor(input.doctor_id);
    const now = nowText();
    const outBlocks: AvailabilityBlock[] = blocksOf(input.doctor_id).map((b) => ({ weekday: b.weekday, start: hmOfMinute(b.start_minute), end: hmOfMinute(b.end_minute), room: b.room }));
    const outExceptions: AvailabilityException[] = [...exceptions.values()]
      .filter((e) => e.doctor_id === input.doctor_id && e.ends_at > now)
      .sort((a, b) => (a.starts_at < b.starts_at ? -1 : a.starts_at > b.starts_at ? 1 : 0))
      .map((e) => ({ id: e.id, kind: e.kind, starts_at: e.starts_at, ends_at: e.ends_at, reason: e.reason }));
    return { doctor_id: input.doctor_id, blocks: outBlocks, exceptions: outExceptions };
  }

  function setWeeklyAvailability(input: Commands["set_weekly_availability"]["input"]): DoctorAvailability {
    const parsed: { weekday: number; start: number; end: number; room: string }[] = [];
    input.blocks.forEach((b, i) => {
      const field = (f: string) => `blocks.${i}.${f}`;
      if (!(b.weekday >= 1 && b.weekday <= 7)) fail("validation", "the weekday is 1 (Monday) to 7 (Sunday)", field("weekday"));
      const start = parseHm(b.start, field("start"));
      const end = parseHm(b.end, field("end"));
      if (end <= start) fail("validation", "a block ends after it starts", field("end"));
      const room = optional(b.room, field("room"), 50);
      const j = parsed.findIndex((p) => p.weekday === b.weekday && start < p.end && p.start < end);
      if (j >= 0) fail("validation", `this block overlaps block ${j + 1}`, field("start"));
      parsed.push({ weekday: b.weekday, start, end, room });
    });
    write(() => {
      requireDoctor(input.doctor_id);
      // A template is configuration, not a clinical record: replaced whole.
      for (const b of blocksOf(input.doctor_id)) blocks.delete(b.id);
      for (const p of parsed) {
        const id = newId();
        blocks.set(id, { id, doctor_id: input.doctor_id, weekday: p.weekday, start_minute: p.start, end_minute: p.end, room: p.room });
      }
      deps.audit("set_weekly_availability", `weekly availability: ${parsed.map((p) => `${p.weekday} ${hmOfMinute(p.start)}–${hmOfMinute(p.end)}`).join(", ")}`, "users", input.doctor_id);
    });
    return getDoctorAvailability({ doctor_id: input.doctor_id });
  }

  function addAvailabilityException(input: Commands["add_availability_exception"]["input"]): DoctorAvailability {
    if (input.kind !== "unavailable" && input.kind !== "extra") fail("validation", "the kind is unavailable (leave, holiday) or extra (one-off hours)", "kind");
    const reason = optional(input.reason, "reason", 200);
    write(() => {
      requireDoctor(input.doctor_id);
      const start = wallToUtc(zone(), parseLocal(input.starts_at, "starts_at", fail), "starts_at", fail);
      const end = wallToUtc(zone(), parseLocal(input.ends_at, "ends_at", fail), "ends_at", fail);
      if (end <= start) fail("validation", "the end is after the start", "ends_at");
      const id = newId();
      exceptions.set(id, { id, doctor_id: input.doctor_id, kind: input.kind, starts_at: dbTime(start), ends_at: dbTime(end), reason });
      deps.audit("add_availability_exception", `${input.kind} ${input.starts_at}–${input.ends_at}: ${reason}`, "users", input.doctor_id);
    });
    return getDoctorAvailability({ doctor_id: input.doctor_id });
  }

  function removeAvailabilityException(input: Commands["remove_availability_exception"]["input"]): DoctorAvailability {
    const doctorId = write(() => {
      const found = exceptions.get(input.exception_id);
      if (!found) return fail("not_found", "no such leave or extra hours", "exception_id");
      exceptions.delete(input.exception_id);
      deps.audit("remove_availability_exception", `removed ${found.kind} ${found.starts_at}–${found.ends_at}`, "users", found.doctor_id);
      return found.doctor_id;
    });
    return getDoctorAvailability({ doctor_id: doctorId });
  }

  type Interval = { start: number; end: number; room: string };

  /** The doctor's working intervals on a clinic date (wall midnight): blocks plus extra hours, minus leave. */
  function workingIntervals(doctorId: string, date: number): Interval[] {
    const z = zone();
    const weekday = isoWeekday(date);
    const at = (minute: number) => wallToUtcLenient(z, date + minute * MINUTE);
    let intervals: Interval[] = blocksOf(doctorId)
      .filter((b) => b.weekday === weekday)
      .map((b) => ({ start: at(b.start_minute), end: at(b.end_minute), room: b.room }));
    const dayStart = wallToUtcLenient(z, date);
    const dayEnd = wallToUtcLenient(z, date + DAY);
    const touching = [...exceptions.values()].filter((e) => e.doctor_id === doctorId && ms(e.starts_at) < dayEnd && ms(e.ends_at) > dayStart);
    for (const e of touching) {
      if (e.kind === "extra") intervals.push({ start: Math.max(ms(e.starts_at), dayStart), end: Math.min(ms(e.ends_at), dayEnd), room: "" });
    }
    // Leave cuts every interval it touches.
    for (const e of touching) {
      if (e.kind !== "unavailable") continue;
      const [s, en] = [ms(e.starts_at), ms(e.ends_at)];
      const cut: Interval[] = [];
      for (const i of intervals) {
        if (en <= i.start || s >= i.end) {
          cut.push(i);
          continue;
        }
        if (i.start < s) cut.push({ start: i.start, end: s, room: i.room });
        if (en < i.end) cut.push({ start: en, end: i.end, room: i.room });
      }
      intervals = cut;
    }
    return intervals.sort((a, b) => a.start - b.start);
  }

  /** The room when [start, end) lies inside the doctor's availability, null otherwise. */
  function coveredByAvailability(doctorId: string, start: number, end: number): string | null {
    const date = midnight(wall(start));
    return workingIntervals(doctorId, date).find((i) => i.start <= start && end <= i.end)?.room ?? null;
  }

  // ---- the slot finder (availability.rs find_slots) -----------------------------------------

  const SEARCH_DAYS = 90;

  function findSlots(input: Commands["find_slots"]["input"]): Slot[] {
    const count = input.count ?? 10;
    if (!(count >= 1 && count <= 50)) fail("validation", "count is between 1 and 50", "count");
    const now = nowMs();
    const visit = loadVisitType(input.visit_type_id);
    const length = (visit.minutes + visit.buffer_minutes) * MINUTE;
    const first = input.from_date != null ? parseDate(input.from_date, "from_date", fail) : midnight(wall(now));
    const specialization = input.specialization?.toLowerCase();
    const doctors = [...deps.users()]
      .filter((u) => u.role === "doctor" && u.active)
      .filter((u) => input.doctor_id == null || u.id === input.doctor_id)
      .filter((u) => specialization == null || u.specialization?.toLowerCase() === specialization)
      .sort(byName);
    if (doctors.length === 0) fail("validation", "no active doctor matches", input.doctor_id != null ? "doctor_id" : "specialization");
    const found: Slot[] = [];
    for (let offset = 0; offset < SEARCH_DAYS; offset += 1) {
      const date = first + offset * DAY;
      const today: Slot[] = [];
      for (const doctor of doctors) {
        const intervals = workingIntervals(doctor.id, date);
        if (intervals.length === 0) continue;
        const from = intervals[0]?.start ?? 0;
        const to = intervals[intervals.length - 1]?.end ?? 0;
        const busy = [...appointments.values()]
          .filter((a) => a.doctor_id === doctor.id && HOLDS_TIME.includes(a.status) && ms(a.starts_at) < to && ms(a.ends_at) > from)
          .map((a) => ({ start: ms(a.starts_at), end: ms(a.ends_at) }))
          .sort((a, b) => a.start - b.start);
        for (const i of intervals) {
          let t = i.start;
          while (t + length <= i.end) {
            const end = t + length;
            const inTheWay = busy.find((b) => b.start < end && b.end > t);
            if (inTheWay) {
              // Jump past the appointment in the way.
              t = Math.max(inTheWay.end, t + 5 * MINUTE);
              continue;
            }
            if (t >= now) {
              today.push({ doctor_id: doctor.id, doctor_name: doctor.full_name, starts_at: dbTime(t), ends_at: dbTime(end), local_start: localText(wall(t)), room: i.room });
            }
            t = end;
          }
        }
      }
      today.sort((a, b) => (a.starts_at < b.starts_at ? -1 : a.starts_at > b.starts_at ? 1 : a.doctor_name < b.doctor_name ? -1 : a.doctor_name > b.doctor_name ? 1 : 0));
      found.push(...today);
      if (found.length >= count) break;
    }
    return found.slice(0, count);
  }

  // ---- booking (booking.rs) -----------------------------------------------------------------

  function firstOverlap(party: "doctor" | "patient", id: string, start: number, end: number, except: string | null): StoredAppointment | undefined {
    const statuses = party === "doctor" ? HOLDS_TIME : PATIENT_BUSY;
    return [...appointments.values()]
      .filter((a) => (party === "doctor" ? a.doctor_id : a.patient_id) === id && a.id !== except)
      .filter((a) => statuses.includes(a.status) && ms(a.starts_at) < end && ms(a.ends_at) > start)
      .sort((a, b) => (a.starts_at < b.starts_at ? -1 : a.starts_at > b.starts_at ? 1 : 0))[0];
  }

  function activePatient(patientId: string) {
    const p = deps.patients().get(patientId);
    if (!p) return fail("validation", "no such patient", "patient_id");
    if (p.merged_into !== null) fail("validation", "this record was merged; use the surviving patient", "patient_id");
  }

  /** check_slot: the doctor, the visit type, availability, the patient's own overlap, the doctor's overlap. */
  function checkSlot(patientId: string, doctorId: string, visitTypeId: string, start: number, except: string | null, outsideAvailability: boolean, acknowledgePatientOverlap: boolean) {
    const doctor = userById(doctorId);
    if (doctor?.role !== "doctor" || !doctor.active) fail("validation", "no active doctor with this id", "doctor_id");
    const visit = loadVisitType(visitTypeId);
    if (!visit.active) fail("validation", `the visit type ${debug(visit.name)} is no longer offered`, "visit_type_id");
    const end = start + (visit.minutes + visit.buffer_minutes) * MINUTE;
    let room = coveredByAvailability(doctorId, start, end);
    if (room === null) {
      if (!outsideAvailability) {
        fail("conflict", `the doctor is not available ${hm(start)}–${hm(end)} on ${dayText(wall(start))}; choose a free slot or book outside availability`, "outside_availability");
      }
      room = "";
    }
    if (!acknowledgePatientOverlap) {
      const other = firstOverlap("patient", patientId, start, end, except);
      if (other) {
        const v = view(other);
        fail("conflict", `${v.patient_name} already has an appointment with ${v.doctor_name} at ${hm(ms(other.starts_at))}`, "acknowledge_patient_overlap");
      }
    }
    const other = firstOverlap("doctor", doctorId, start, end, except);
    if (other) {
      const v = view(other);
      fail("conflict", `${v.doctor_name} already has ${v.patient_name} ${hm(ms(other.starts_at))}–${hm(ms(other.ends_at))}`, "starts_at");
    }
    return { start, end, room };
  }

  /** Names the occurrence a refusal is about ("on Tue 17 Mar 2026: …") for a series. */
  function inOccurrence<T>(series: boolean, local: number, body: () => T): T {
    try {
      return body();
    } catch (error) {
      if (series && error instanceof Error && "appError" in error) {
        const e = (error as Error & { appError: { code: ErrorCode; message: string; field?: string } }).appError;
        fail(e.code, `on ${dayText(local)} ${new Date(local).getUTCFullYear()}: ${e.message}`, e.field);
      }
      throw error;
    }
  }

  function insertAppointment(patientId: string, doctorId: string, visitTypeId: string, checked: { start: number; end: number; room: string }, reason: string, walkIn: boolean, seriesId: string | null): StoredAppointment {
    const at = nowText();
    const a: StoredAppointment = {
      id: newId(),
      patient_id: patientId,
      doctor_id: doctorId,
      visit_type_id: visitTypeId,
      starts_at: dbTime(checked.start),
      ends_at: dbTime(checked.end),
      status: "scheduled",
      reason,
      room: checked.room,
      walk_in: walkIn,
      series_id: seriesId,
      cancel_reason: "",
      checked_in_at: null,
      created_at: at,
      updated_at: at,
    };
    appointments.set(a.id, a);
    recordTransition(a.id, null, "scheduled", reason);
    return a;
  }

  /** booking.rs next_free_start: the doctor's first gap of `minutes` from `from` (within 14 hours), for a walk-in. */
  function nextFreeStart(doctorId: string, from: number, minutes: number): number {
    const HOUR = 3_600_000;
    let at = from;
    const busy = [...appointments.values()]
      .filter((a) => a.doctor_id === doctorId && ["scheduled", "checked_in", "in_consultation", "completed"].includes(a.status))
      .filter((a) => ms(a.starts_at) > from - 10 * HOUR && ms(a.starts_at) < from + 14 * HOUR && ms(a.ends_at) > from)
      .sort((a, b) => (a.starts_at < b.starts_at ? -1 : a.starts_at > b.starts_at ? 1 : 0));
    for (const a of busy) {
      if (at + minutes * MINUTE <= ms(a.starts_at)) break;
      at = Math.max(at, ms(a.ends_at));
    }
    if (at >= from + 14 * HOUR) fail("conflict", "the doctor has no free time left today for a walk-in", "doctor_id");
    return at;
  }

  function bookAppointment(input: Commands["book_appointment"]["input"]): Appointment {
    const reason = optional(input.reason, "reason", 500);
    const walkIn = input.walk_in ?? false;
    let everyWeeks = 1;
    let count = 1;
    if (input.repeat != null) {
      if (walkIn) fail("validation", "a walk-in is not repeated", "repeat");
      if (!(input.repeat.every_weeks >= 1 && input.repeat.every_weeks <= 4)) fail("validation", "repeat every 1 to 4 weeks", "repeat");
      if (!(input.repeat.count >= 2 && input.repeat.count <= 52)) fail("validation", "a series has 2 to 52 appointments", "repeat");
      everyWeeks = input.repeat.every_weeks;
      count = input.repeat.count;
    }
    const series = count > 1;
    const firstLocal = parseLocal(input.starts_at, "starts_at", fail);
    return write(() => {
      activePatient(input.patient_id);
      const seriesId = series ? newId() : null;
      let first: StoredAppointment | null = null;
      for (let i = 0; i < count; i += 1) {
        // The same wall-clock time each week, across daylight-saving changes.
        const local = firstLocal + i * everyWeeks * 7 * DAY;
        const a = inOccurrence(series, local, () => {
          let start = wallToUtc(zone(), local, "starts_at", fail);
          if (walkIn) {
            // Squeezed in at the doctor's first free gap from now: the queue follows.
            const visit = loadVisitType(input.visit_type_id);
            start = nextFreeStart(input.doctor_id, Math.max(start, nowMs()), visit.minutes + visit.buffer_minutes);
          }
          if (i === 0 && !walkIn && start < nowMs() - 5 * MINUTE) fail("validation", "this time has passed; book a later time (or a walk-in)", "starts_at");
          const checked = checkSlot(input.patient_id, input.doctor_id, input.visit_type_id, start, null, (input.outside_availability ?? false) || walkIn, input.acknowledge_patient_overlap ?? false);
          return insertAppointment(input.patient_id, input.doctor_id, input.visit_type_id, checked, reason, walkIn, seriesId);
        });
        first ??= a;
      }
      if (!first) return fail("internal", "nothing was booked");
      if (walkIn) return transition(first.id, "checked_in", "walk-in");
      return view(first);
    });
  }

  /** `before` alone, or it and the later scheduled appointments of its series. */
  function inScope(before: StoredAppointment, scope: SeriesScope): StoredAppointment[] {
    if (before.series_id === null || scope !== "following") return [before];
    const out = [...appointments.values()]
      .filter((a) => a.series_id === before.series_id && a.starts_at >= before.starts_at && a.status === "scheduled")
      .sort((a, b) => (a.starts_at < b.starts_at ? -1 : a.starts_at > b.starts_at ? 1 : 0));
    // `before` is not scheduled: the refusal names its state.
    if (!out.some((a) => a.id === before.id)) out.unshift(before);
    return out;
  }

  function moveOne(before: StoredAppointment, doctorId: string, local: number, input: Commands["reschedule_appointment"]["input"]) {
    if (before.status !== "scheduled") {
      fail("conflict", `only a scheduled appointment can be moved (this one is ${before.status.replaceAll("_", " ")})`, "appointment_id");
    }
    const start = wallToUtc(zone(), local, "starts_at", fail);
    if (start < nowMs() - 5 * MINUTE) fail("validation", "this time has passed; choose a later time", "starts_at");
    const checked = checkSlot(before.patient_id, doctorId, before.visit_type_id, start, before.id, input.outside_availability ?? false, input.acknowledge_patient_overlap ?? false);
    const previous = { doctor_id: before.doctor_id, starts_at: before.starts_at, ends_at: before.ends_at, doctor_name: userById(before.doctor_id)?.full_name ?? "" };
    appointments.set(before.id, { ...before, starts_at: dbTime(checked.start), ends_at: dbTime(checked.end), doctor_id: doctorId, room: checked.room, updated_at: nowText() });
    // The time it left may suit someone on the waitlist.
    offerFreedTime(previous.doctor_id, previous.starts_at, previous.ends_at);
    deps.audit("reschedule_appointment", `moved from ${previous.starts_at} (${previous.doctor_name}) to ${dbTime(checked.start)} (${doctorId})`, "appointments", before.id);
  }

  function rescheduleAppointment(input: Commands["reschedule_appointment"]["input"]): Appointment {
    const newLocal = parseLocal(input.starts_at, "starts_at", fail);
    return write(() => {
      const before = loadAppointment(input.appointment_id);
      const doctorId = input.doctor_id ?? before.doctor_id;
      const moving = inScope(before, input.scope ?? "this");
      const shift = newLocal - wall(ms(before.starts_at));
      // Move the occurrence furthest in the direction of travel first, so that no occurrence
      // lands on one of its own series that has not moved yet.
      const order = shift > 0 ? [...moving].reverse() : moving;
      const series = moving.length > 1;
      for (const a of order) {
        const current = appointments.get(a.id) ?? a;
        const local = wall(ms(current.starts_at)) + shift;
        inOccurrence(series, local, () => {
          moveOne(current, doctorId, local, input);
        });
      }
      return view(loadAppointment(before.id));
    });
  }

  function cancelAppointment(input: Commands["cancel_appointment"]["input"]): Appointment {
    const reason = required(input.reason, "reason", 500);
    return write(() => {
      const before = loadAppointment(input.appointment_id);
      for (const a of inScope(before, input.scope ?? "this")) transition(a.id, "cancelled", reason);
      return view(loadAppointment(before.id));
    });
  }

  function listDay(input: Commands["list_day"]["input"]): DayList {
    const date = parseDate(input.date, "date", fail);
    const days = input.days ?? 1;
    if (!(days >= 1 && days <= 7)) fail("validation", "list 1 to 7 days at a time", "days");
    const z = zone();
    const from = wallToUtcLenient(z, date);
    const to = wallToUtcLenient(z, date + days * DAY);
    const [fromS, toS] = [dbTime(from), dbTime(to)];
    const list = [...appointments.values()]
      .filter((a) => a.starts_at >= fromS && a.starts_at < toS)
      .filter((a) => input.doctor_id == null || a.doctor_id === input.doctor_id)
      .filter((a) => input.include_inactive === true || (a.status !== "cancelled" && a.status !== "no_show"))
      .map(view)
      .sort((a, b) => (a.starts_at < b.starts_at ? -1 : a.starts_at > b.starts_at ? 1 : a.doctor_name < b.doctor_name ? -1 : a.doctor_name > b.doctor_name ? 1 : 0));
    return { date: dateText(date), time_zone: z, day_starts_at: fromS, day_ends_at: toS, appointments: list };
  }

  // ---- the state machine (lifecycle.rs) -----------------------------------------------------

  function recordTransition(appointmentId: string, from: Status | null, to: Status, note: string) {
    transitions.push({ appointment_id: appointmentId, from, to, at: nowText(), note });
    const suffix = note === "" ? "" : `: ${note}`;
    deps.audit("appointment", from === null ? `${to}${suffix}` : `${from} → ${to}${suffix}`, "appointments", appointmentId);
  }

  /** Moves an appointment to `to`, refusing illegal transitions by name. */
  function transition(appointmentId: string, to: Status, note: string): Appointment {
    const before = loadAppointment(appointmentId);
    if (!mayBecome(before.status, to)) fail("conflict", `an appointment that is ${HUMAN_STATUS[before.status]} cannot become ${HUMAN_STATUS[to]}`, "status");
    const now = nowText();
    const after: StoredAppointment = {
      ...before,
      status: to,
      updated_at: now,
      checked_in_at: to === "checked_in" ? now : before.checked_in_at,
      cancel_reason: to === "cancelled" ? note : before.cancel_reason,
    };
    appointments.set(after.id, after);
    recordTransition(after.id, before.status, to, note);
    // Freed time goes to the first matching patient on the waitlist (future time only).
    if (to === "cancelled" || to === "no_show") offerFreedTime(before.doctor_id, before.starts_at, before.ends_at);
    return view(after);
  }

  /** The doctor's status follows their consultations. */
  function setAvailability(doctorId: string, status: Availability) {
    const u = userById(doctorId);
    if (u && u.availability !== status) {
      u.availability = status;
      u.availability_changed_at = nowText();
    }
  }

  /** The consultation starts: the doctor is busy until it ends. */
  function begin(appointmentId: string): Appointment {
    const a = transition(appointmentId, "in_consultation", "");
    setAvailability(a.doctor_id, "busy");
    return a;
  }

  function checkIn(input: Commands["check_in_appointment"]["input"]): Appointment {
    return write(() => transition(input.appointment_id, "checked_in", ""));
  }

  function startConsultation(input: Commands["start_consultation"]["input"]): Appointment {
    return write(() => begin(input.appointment_id));
  }

  function complete(input: Commands["complete_appointment"]["input"]): Appointment {
    return write(() => {
      const a = transition(input.appointment_id, "completed", "");
      // Free again, unless another consultation of theirs is still running.
      if (![...appointments.values()].some((x) => x.doctor_id === a.doctor_id && x.status === "in_consultation")) setAvailability(a.doctor_id, "available");
      return a;
    });
  }

  function markNoShow(input: Commands["mark_no_show"]["input"]): Appointment {
    return write(() => {
      const a = loadAppointment(input.appointment_id);
      const allowedFrom = ms(a.starts_at) + grace * MINUTE;
      if (nowMs() < allowedFrom) fail("conflict", `a no-show can be marked from ${hm(allowedFrom)} on (${grace} minutes after the start)`, "appointment_id");
      return transition(input.appointment_id, "no_show", "");
    });
  }

  // ---- the waiting queue (lifecycle.rs waiting_queue, call_next_patient) ----------------------

  /** The UTC start of the clinic's today (searched with a 25-hour window: DST days). */
  function todayFrom(): number {
    return wallToUtcLenient(zone(), midnight(wall(nowMs())));
  }

  /** Today's ticket numbers: 1, 2, 3 … in check-in order, whatever happened since (never reused in a day). */
  function ticketsToday(): Map<string, number> {
    const from = dbTime(todayFrom());
    const to = dbTime(todayFrom() + 25 * 3_600_000);
    const ids = [...appointments.values()]
      .filter((a) => a.starts_at >= from && a.starts_at < to && a.checked_in_at !== null)
      .sort((a, b) => ((a.checked_in_at ?? "") < (b.checked_in_at ?? "") ? -1 : (a.checked_in_at ?? "") > (b.checked_in_at ?? "") ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((a) => a.id);
    return new Map(ids.map((id, i) => [id, i + 1]));
  }

  /** Today's waiting patients per doctor in calling order: by appointment time, then arrival. */
  function queueIn(doctorId: string | null): QueueEntry[] {
    const from = dbTime(todayFrom());
    const to = dbTime(todayFrom() + 25 * 3_600_000);
    const tickets = ticketsToday();
    const cmp = (x: string | null, y: string | null) => ((x ?? "") < (y ?? "") ? -1 : (x ?? "") > (y ?? "") ? 1 : 0);
    const waiting = [...appointments.values()]
      .filter((a) => a.status === "checked_in" && a.starts_at >= from && a.starts_at < to)
      .filter((a) => doctorId === null || a.doctor_id === doctorId)
      .sort((a, b) => cmp(a.doctor_id, b.doctor_id) || cmp(a.starts_at, b.starts_at) || cmp(a.checked_in_at, b.checked_in_at));
    const out: QueueEntry[] = [];
    for (const a of waiting) {
      const position = out.filter((e) => e.appointment.doctor_id === a.doctor_id).length + 1;
      out.push({ position, ticket: tickets.get(a.id) ?? 0, appointment: view(a) });
    }
    return out;
  }

  function waitingQueue(input: Commands["waiting_queue"]["input"]): QueueEntry[] {
    return queueIn(input.doctor_id ?? null);
  }

  function callNextPatient(input: Commands["call_next_patient"]["input"]): Appointment {
    return write(() => {
      const next = queueIn(input.doctor_id)[0] ?? fail("not_found", "nobody is waiting for this doctor", "doctor_id");
      return begin(next.appointment.id);
    });
  }

  // ---- the waitlist (waitlist.rs) -----------------------------------------------------------

  function entryView(e: StoredWaitlistEntry): WaitlistEntry {
    const p = deps.patients().get(e.patient_id);
    const offered = e.offered_starts_at;
    return {
      id: e.id,
      patient_id: e.patient_id,
      patient_name: p ? `${p.given_name} ${p.family_name}` : "",
      doctor_id: e.doctor_id,
      specialization: e.specialization,
      visit_type_id: e.visit_type_id,
      note: e.note,
      status: e.status,
      offered_doctor_id: e.offered_doctor_id,
      offered_starts_at: offered,
      offered_label: offered === null ? null : `${dayText(wall(ms(offered)))} ${hm(ms(offered))}`,
      appointment_id: e.appointment_id,
      created_at: e.created_at,
    };
  }

  function loadEntry(id: string): StoredWaitlistEntry {
    return waitlist.get(id) ?? fail("not_found", "no such waitlist entry", "entry_id");
  }

  function addToWaitlist(input: Commands["add_to_waitlist"]["input"]): WaitlistEntry {
    const note = optional(input.note, "note", 300);
    const specialization = input.specialization?.trim() || null;
    if (input.doctor_id == null && specialization === null) fail("validation", "choose a doctor or a specialization", "doctor_id");
    return write(() => {
      loadVisitType(input.visit_type_id);
      const p = deps.patients().get(input.patient_id);
      if (!p || p.merged_into !== null) fail("validation", "no such patient", "patient_id");
      if (input.doctor_id != null) {
        const d = userById(input.doctor_id);
        if (d?.role !== "doctor" || !d.active) fail("validation", "no active doctor with this id", "doctor_id");
      }
      const e: StoredWaitlistEntry = {
        id: newId(),
        patient_id: input.patient_id,
        doctor_id: input.doctor_id ?? null,
        specialization,
        visit_type_id: input.visit_type_id,
        note,
        status: "waiting",
        offered_doctor_id: null,
        offered_starts_at: null,
        appointment_id: null,
        removed_reason: "",
        created_at: nowText(),
      };
      waitlist.set(e.id, e);
      deps.audit("add_to_waitlist", "added to the waitlist", "waitlist_entries", e.id);
      return entryView(e);
    });
  }

  function listWaitlist(input: Commands["list_waitlist"]["input"]): WaitlistEntry[] {
    const offersOnly = input.offers_only ?? false;
    return [...waitlist.values()]
      .filter((e) => e.status === "offered" || (e.status === "waiting" && !offersOnly))
      .sort((a, b) => Number(b.status === "offered") - Number(a.status === "offered") || (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0))
      .map(entryView);
  }

  /**
   * Offers freed time [start, end) of `doctorId` to the oldest waiting entry that fits: the same
   * doctor, or the doctor's specialization, and a visit no longer than the gap; passing over
   * `declined` (the entry that just said no to this slot).
   */
  function offerFreedTime(doctorId: string, start: string, end: string, declined: string | null = null): string | null {
    if (ms(start) <= nowMs()) return null;
    const gap = (ms(end) - ms(start)) / MINUTE;
    const doctor = userById(doctorId);
    if (!doctor) return null;
    const fits = (e: StoredWaitlistEntry) => {
      const v = visitTypes.get(e.visit_type_id);
      if (!v) return false;
      const forDoctor = e.doctor_id === doctorId || (e.doctor_id === null && e.specialization !== null && doctor.specialization !== null && e.specialization.toLowerCase() === doctor.specialization.toLowerCase());
      const earlier = [...appointments.values()].some((a) => a.patient_id === e.patient_id && a.status === "scheduled" && a.starts_at <= start);
      return forDoctor && v.minutes + v.buffer_minutes <= gap && !earlier;
    };
    const entry = [...waitlist.values()]
      .filter((e) => e.status === "waiting" && e.id !== declined)
      .filter(fits)
      .sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0))[0];
    if (!entry) return null;
    waitlist.set(entry.id, { ...entry, status: "offered", offered_doctor_id: doctorId, offered_starts_at: start });
    return entry.id;
  }

  function acceptWaitlistOffer(input: Commands["accept_waitlist_offer"]["input"]): Appointment {
    return write(() => {
      const e = loadEntry(input.entry_id);
      const doctor = e.offered_doctor_id;
      const start = e.offered_starts_at;
      if (doctor === null || start === null || e.status !== "offered") return fail("conflict", "this entry has no offer", "entry_id");
      // booking::book_in: every check of a booking, on a slot that was bookable before it was freed.
      activePatient(e.patient_id);
      const at = wallToUtc(zone(), wall(ms(start)), "starts_at", fail);
      if (at < nowMs()) fail("validation", "this offered time has passed", "starts_at");
      const checked = checkSlot(e.patient_id, doctor, e.visit_type_id, at, null, true, false);
      const a = insertAppointment(e.patient_id, doctor, e.visit_type_id, checked, "from the waitlist", false, null);
      waitlist.set(e.id, { ...e, status: "booked", appointment_id: a.id });
      deps.audit("accept_waitlist_offer", "offer booked", "waitlist_entries", e.id);
      return view(a);
    });
  }

  function declineWaitlistOffer(input: Commands["decline_waitlist_offer"]["input"]): WaitlistEntry {
    return write(() => {
      const e = loadEntry(input.entry_id);
      if (e.status !== "offered") fail("conflict", "this entry has no offer", "entry_id");
      waitlist.set(e.id, { ...e, status: "waiting", offered_doctor_id: null, offered_starts_at: null });
      const v = visitTypes.get(e.visit_type_id);
      if (e.offered_doctor_id !== null && e.offered_starts_at !== null && v) {
        const end = dbTime(ms(e.offered_starts_at) + (v.minutes + v.buffer_minutes) * MINUTE);
        offerFreedTime(e.offered_doctor_id, e.offered_starts_at, end, e.id);
      }
      deps.audit("decline_waitlist_offer", "offer declined", "waitlist_entries", e.id);
      return entryView(loadEntry(e.id));
    });
  }

  function removeFromWaitlist(input: Commands["remove_from_waitlist"]["input"]): WaitlistEntry {
    const reason = required(input.reason, "reason", 300);
    return write(() => {
      const e = loadEntry(input.entry_id);
      if (e.status === "booked" || e.status === "removed") fail("conflict", `this entry is already ${e.status}`, "entry_id");
      const after: StoredWaitlistEntry = { ...e, status: "removed", removed_reason: reason };
      waitlist.set(e.id, after);
      deps.audit("remove_from_waitlist", `removed: ${reason}`, "waitlist_entries", e.id);
      return entryView(after);
    });
  }

  // ---- the waiting-room display (display.rs) ------------------------------------------------

  /** Tickets, initials and doctors only: no patient name, reason or visit type. */
  function waitingRoomDisplay(): WaitingRoomDisplay {
    const now = nowMs();
    const tickets = ticketsToday();
    const doctors = [...deps.users()]
      .filter((u) => u.role === "doctor" && u.active)
      .sort(byName)
      .map((d) => {
        const serving = [...appointments.values()]
          .filter((a) => a.doctor_id === d.id && a.status === "in_consultation")
          .sort((a, b) => (a.starts_at > b.starts_at ? -1 : a.starts_at < b.starts_at ? 1 : 0))[0];
        return {
          name: d.full_name,
          specialization: d.specialization,
          availability: d.availability,
          room: coveredByAvailability(d.id, now, now + MINUTE) ?? "",
          now_serving: serving ? (tickets.get(serving.id) ?? null) : null,
        };
      });
    const order = [...deps.users()].filter((u) => u.role === "doctor" && u.active).sort(byName).map((d) => d.id);
    const queue = queueIn(null).map((e) => {
      const p = deps.patients().get(e.appointment.patient_id);
      const index = order.indexOf(e.appointment.doctor_id);
      return {
        ticket: e.ticket,
        initials: initials(p?.given_name ?? "", p?.family_name ?? ""),
        doctor_name: e.appointment.doctor_name,
        doctor_index: index < 0 ? order.length : index,
        position: e.position,
      };
    });
    return { clinic_name: deps.settings()?.name ?? "", generated_at: dbTime(now), doctors, queue };
  }

  // ---- the registry ---------------------------------------------------------------------------

  const handlers = {
    list_visit_types: () => listVisitTypes(),
    save_visit_type: saveVisitType,
    get_doctor_availability: getDoctorAvailability,
    set_weekly_availability: setWeeklyAvailability,
    add_availability_exception: addAvailabilityException,
    remove_availability_exception: removeAvailabilityException,
    find_slots: findSlots,
    book_appointment: bookAppointment,
    reschedule_appointment: rescheduleAppointment,
    cancel_appointment: cancelAppointment,
    list_day: listDay,
    check_in_appointment: checkIn,
    start_consultation: startConsultation,
    complete_appointment: complete,
    mark_no_show: markNoShow,
    waiting_queue: waitingQueue,
    call_next_patient: callNextPatient,
    add_to_waitlist: addToWaitlist,
    list_waitlist: listWaitlist,
    accept_waitlist_offer: acceptWaitlistOffer,
    decline_waitlist_offer: declineWaitlistOffer,
    remove_from_waitlist: removeFromWaitlist,
    waiting_room_display: () => waitingRoomDisplay(),
  } satisfies { [K in keyof Commands]?: (input: Commands[K]["input"]) => Commands[K]["output"] };

  // ---- the demo clinic ------------------------------------------------------------------------

  /**
   * Visit types, weekly availability for the demo doctors and a populated week around today
   * (past appointments completed or no-show, the current one in consultation, later ones
   * scheduled; a weekly follow-up series; a cancelled one).
   */
  function seedDemo() {
    const at = nowText();
    const types: [string, number, number, string][] = [
      ["Consultation", 30, 0, "#0f766e"],
      ["First visit", 45, 15, "#7c3aed"],
      ["Follow-up", 15, 0, "#1d4ed8"],
      ["Vaccination", 15, 5, "#b45309"],
      ["Minor procedure", 60, 15, "#be123c"],
      ["Home visit", 60, 30, "#4b5563"],
    ];
    for (const [name, minutes, buffer, colour] of types) {
      const id = newId();
      visitTypes.set(id, { id, name, minutes, buffer_minutes: buffer, colour, active: name !== "Home visit", created_at: at });
    }
    const typeId = (name: string) => [...visitTypes.values()].find((v) => v.name === name)?.id ?? "";
    const doctor = (username: string) => [...deps.users()].find((u) => u.username === username);
    const rossi = doctor("dr.rossi");
    const okafor = doctor("dr.okafor");
    if (!rossi || !okafor) return;
    const addBlock = (d: SchedulingUser, weekday: number, start: string, end: string, room: string) => {
      const id = newId();
      blocks.set(id, { id, doctor_id: d.id, weekday, start_minute: parseHm(start, "start"), end_minute: parseHm(end, "end"), room });
    };
    for (const weekday of [1, 2, 3, 4, 5]) {
      addBlock(rossi, weekday, "08:30", "12:30", "Room 1");
      addBlock(rossi, weekday, "14:00", "18:00", "Room 1");
    }
    for (const weekday of [1, 2, 4]) addBlock(okafor, weekday, "09:00", "13:00", "Room 2");
    for (const weekday of [3, 5]) addBlock(okafor, weekday, "13:00", "19:00", "Room 2");
    addBlock(okafor, 6, "09:00", "12:00", "Room 2");

    const patient = (family: string) => [...deps.patients().values()].find((p) => p.family_name === family && p.merged_into === null);
    const now = nowMs();
    const today = midnight(wall(now));
    const monday = today - (isoWeekday(today) - 1) * DAY;
    const place = (d: SchedulingUser, family: string, visit: string, day: number, time: string, reason: string, extra: Partial<StoredAppointment> = {}) => {
      const p = patient(family);
      const v = visitTypes.get(typeId(visit));
      if (!p || !v) return;
      const start = wallToUtcLenient(zone(), day + parseHm(time, "time") * MINUTE);
      const end = start + (v.minutes + v.buffer_minutes) * MINUTE;
      if (firstOverlap("doctor", d.id, start, end, null)) return;
      // Past appointments took place; the one running now is in consultation.
      let status: Status = "scheduled";
      let checkedIn: string | null = null;
      if (end <= now) {
        status = "completed";
        checkedIn = dbTime(start - 10 * MINUTE);
      } else if (start <= now) {
        status = "in_consultation";
        checkedIn = dbTime(start - 10 * MINUTE);
      } else if (start - now <= 45 * MINUTE) {
        // Arrived for the next appointment: waiting.
        status = "checked_in";
        checkedIn = dbTime(Math.max(now - 5 * MINUTE, start - 45 * MINUTE));
      }
      const a: StoredAppointment = {
        id: newId(),
        patient_id: p.id,
        doctor_id: d.id,
        visit_type_id: v.id,
        starts_at: dbTime(start),
        ends_at: dbTime(end),
        status,
        reason,
        room: coveredByAvailability(d.id, start, end) ?? "",
        walk_in: false,
        series_id: null,
        cancel_reason: "",
        checked_in_at: checkedIn,
        created_at: at,
        updated_at: at,
        ...extra,
      };
      appointments.set(a.id, a);
    };
    const week: [SchedulingUser, string, string, number, string, string][] = [
      // Monday
      [rossi, "Bianchi", "Consultation", 0, "09:00", "Blood pressure check"],
      [rossi, "Esposito", "Follow-up", 0, "10:00", "Allergy review"],
      [rossi, "Romano", "First visit", 0, "15:00", "New patient"],
      [okafor, "Dupont", "Vaccination", 0, "09:30", "MMR booster"],
      [okafor, "Eze", "Consultation", 0, "11:00", "Cough for two weeks"],
      // Tuesday
      [rossi, "Müller", "Consultation", 1, "08:30", "Back pain"],
      [rossi, "Lefèvre", "Minor procedure", 1, "11:00", "Mole removal"],
      [rossi, "Schmidt", "Follow-up", 1, "16:30", "Fall risk review"],
      [okafor, "Tanaka", "First visit", 1, "10:00", "Growth check"],
      // Wednesday
      [rossi, "Fernández", "Consultation", 2, "09:30", "Diabetes review"],
      [rossi, "O'Brien", "Follow-up", 2, "14:15", "Lab results"],
      [okafor, "Dupont", "Consultation", 2, "14:00", "Earache"],
      [okafor, "Morgan", "Vaccination", 2, "16:00", "Travel vaccines"],
      // Thursday
      [rossi, "Lindström", "First visit", 3, "09:00", "New patient"],
      [rossi, "Garcia", "Consultation", 3, "11:30", "Headaches"],
      [okafor, "Eze", "Follow-up", 3, "09:15", "Chest X-ray results"],
      // Friday
      [rossi, "Bianchi", "Follow-up", 4, "08:45", "Medication review"],
      [rossi, "Ødegaard", "Consultation", 4, "15:00", "Knee pain"],
      [okafor, "Tanaka", "Consultation", 4, "13:30", "Rash"],
    ];
    // Today has its own list below.
    for (const [d, family, visit, day, time, reason] of week) if (monday + day * DAY !== today) place(d, family, visit, monday + day * DAY, time, reason);
    // Today, whatever weekday it is: a full morning and afternoon for Dr. Rossi.
    const todayList: [SchedulingUser, string, string, string, string][] = [
      [rossi, "García López", "Consultation", "08:30", "Persistent cough"],
      [rossi, "Rossi", "Follow-up", "09:00", "Thyroid results"],
      [rossi, "Schmidt", "Consultation", "09:30", "Dizziness"],
      [rossi, "Lefèvre", "Consultation", "10:30", "Sore throat"],
      [rossi, "Romano", "Follow-up", "11:15", "Blood test review"],
      [rossi, "Esposito", "First visit", "14:00", "New patient"],
      [rossi, "Morgan", "Consultation", "15:30", "Sleep problems"],
      [okafor, "Dupont", "Consultation", "09:00", "Fever"],
      [okafor, "Tanaka", "Vaccination", "10:00", "Flu vaccine"],
      [okafor, "Eze", "Consultation", "14:00", "Follow-up of cough"],
      [okafor, "Garcia", "First visit", "16:00", "New patient"],
    ];
    for (const [d, family, visit, time, reason] of todayList) place(d, family, visit, today, time, reason);
    // One patient of the morning did not come; one booking was cancelled.
    const first = [...appointments.values()].find((a) => a.starts_at === dbTime(wallToUtcLenient(zone(), today + 9 * 60 * MINUTE)) && a.doctor_id === rossi.id);
    if (first && first.status === "completed") appointments.set(first.id, { ...first, status: "no_show", checked_in_at: null });
    place(okafor, "Fernández", "Consultation", today, "11:30", "Check-up", { status: "cancelled", cancel_reason: "Patient called to cancel" });
    // A weekly physiotherapy-style follow-up series, starting next week.
    const seriesId = newId();
    for (let i = 0; i < 6; i += 1) place(rossi, "Ødegaard", "Follow-up", monday + 7 * DAY + i * 7 * DAY + 2 * DAY, "12:00", "Weekly knee check", { series_id: seriesId });
    // Someone waiting for an earlier slot with Dr. Rossi.
    const waiting = patient("Schmidt");
    if (waiting) {
      const id = newId();
      waitlist.set(id, { id, patient_id: waiting.id, doctor_id: rossi.id, specialization: null, visit_type_id: typeId("Consultation"), note: "Mornings only", status: "waiting", offered_doctor_id: null, offered_starts_at: null, appointment_id: null, removed_reason: "", created_at: at });
    }
  }

  /**
   * A booking that arrived by sync from another workstation: applied as it is, without the
   * booking rules (Rust's merge applies the row; sync's conflict detection looks at it afterwards).
   */
  function arriveBySync(a: Pick<StoredAppointment, "patient_id" | "doctor_id" | "visit_type_id" | "starts_at" | "ends_at"> & Partial<StoredAppointment>): StoredAppointment {
    const at = nowText();
    const stored: StoredAppointment = {
      id: newId(),
      status: "scheduled",
      reason: "",
      room: coveredByAvailability(a.doctor_id, Date.parse(a.starts_at), Date.parse(a.ends_at)) ?? "",
      walk_in: false,
      series_id: null,
      cancel_reason: "",
      checked_in_at: null,
      created_at: at,
      updated_at: at,
      ...a,
    };
    appointments.set(stored.id, stored);
    return stored;
  }

  return {
    handlers,
    seedDemo,
    arriveBySync,
    get appointments(): ReadonlyMap<string, StoredAppointment> {
      return appointments;
    },
    get visitTypes(): ReadonlyMap<string, VisitType> {
      return visitTypes;
    },
    get waitlist(): ReadonlyMap<string, StoredWaitlistEntry> {
      return waitlist;
    },
    get transitions(): readonly Transition[] {
      return transitions;
    },
  };
}

export type SchedulingStore = ReturnType<typeof createSchedulingStore>;
