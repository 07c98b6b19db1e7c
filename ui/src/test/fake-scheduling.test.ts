// The scheduling fake against the rules of crates/core/src/scheduling: the screens' tests lean
// on these answers, so they are checked here once, directly.
import { describe, expect, it } from "vitest";
import type { AppError, CommandName, Commands } from "../api/generated";
import { createFakeBackend, DEMO_USERS } from "./fake-backend";

// Monday 2 March 2026, 07:00 in Rome (06:00 UTC): the whole working day is ahead.
const MONDAY_0700 = new Date("2026-03-02T06:00:00Z");

async function setup(role = "reception", at = MONDAY_0700) {
  let clock = at.getTime();
  const backend = createFakeBackend({ state: "demo", now: () => new Date(clock) });
  const demo = DEMO_USERS.find((u) => u.username === role);
  const login = (await backend.transport("login", null, { username: role, password: demo?.password ?? "" })) as Commands["login"]["output"];
  const run = <K extends CommandName>(name: K, input: Commands[K]["input"]) => backend.transport(name, login.token, input) as Promise<Commands[K]["output"]>;
  const refused = async <K extends CommandName>(name: K, input: Commands[K]["input"]) => {
    try {
      await run(name, input);
    } catch (e) {
      return e as AppError;
    }
    throw new Error(`${name} was not refused`);
  };
  const staff = await run("list_staff", { role: "doctor" });
  const doctor = (name: string) => staff.members.find((m) => m.full_name.includes(name))?.id ?? "";
  const types = await run("list_visit_types", {});
  const type = (name: string) => types.find((t) => t.name === name)?.id ?? "";
  const patient = (family: string) => [...backend.patients.values()].find((p) => p.family_name === family)?.id ?? "";
  const advance = (minutes: number) => {
    clock += minutes * 60_000;
  };
  /** The same commands as another demo user (signed in now). */
  const as = async (username: string) => {
    const user = DEMO_USERS.find((u) => u.username === username);
    const session = (await backend.transport("login", null, { username, password: user?.password ?? "" })) as Commands["login"]["output"];
    return <K extends CommandName>(name: K, input: Commands[K]["input"]) => backend.transport(name, session.token, input) as Promise<Commands[K]["output"]>;
  };
  return { backend, run, refused, doctor, type, patient, advance, as };
}

describe("the scheduling fake", () => {
  it("seeds visit types, availability and a populated day", async () => {
    const { run, doctor } = await setup();
    const types = await run("list_visit_types", {});
    expect(types.map((t) => t.name)).toEqual(["Consultation", "First visit", "Follow-up", "Minor procedure", "Vaccination", "Home visit"]);
    const availability = await run("get_doctor_availability", { doctor_id: doctor("Rossi") });
    expect(availability.blocks[0]).toEqual({ weekday: 1, start: "08:30", end: "12:30", room: "Room 1" });
    const day = await run("list_day", { date: "2026-03-02" });
    expect(day.time_zone).toBe("Europe/Rome");
    expect(day.day_starts_at).toBe("2026-03-01T23:00:00.000Z");
    expect(day.appointments.length).toBeGreaterThan(5);
    const week = await run("list_day", { date: "2026-03-02", days: 7, include_inactive: true });
    expect(week.day_ends_at).toBe("2026-03-08T23:00:00.000Z");
    expect(week.appointments.some((a) => a.status === "cancelled")).toBe(true);
  });

  it("refuses a double booking by naming who is booked, and the times in clinic time", async () => {
    const { run, refused, doctor, type, patient } = await setup();
    const booked = await run("book_appointment", { patient_id: patient("Bianchi"), doctor_id: doctor("Rossi"), visit_type_id: type("Consultation"), starts_at: "2026-03-09T10:00" });
    expect(booked.starts_at).toBe("2026-03-09T09:00:00.000Z");
    expect(booked.ends_at).toBe("2026-03-09T09:30:00.000Z");
    expect(booked.room).toBe("Room 1");
    const e = await refused("book_appointment", { patient_id: patient("Romano"), doctor_id: doctor("Rossi"), visit_type_id: type("Follow-up"), starts_at: "2026-03-09T10:15" });
    expect(e).toEqual({ code: "conflict", message: "Dr. Giulia Rossi already has Marco Bianchi 10:00–10:30", field: "starts_at" });
  });

  it("asks about availability and the patient's own overlap, in Rust's order", async () => {
    const { run, refused, doctor, type, patient } = await setup();
    const outside = await refused("book_appointment", { patient_id: patient("Bianchi"), doctor_id: doctor("Rossi"), visit_type_id: type("Consultation"), starts_at: "2026-03-09T12:45" });
    expect(outside).toEqual({ code: "conflict", message: "the doctor is not available 12:45–13:15 on Mon 09 Mar; choose a free slot or book outside availability", field: "outside_availability" });
    await run("book_appointment", { patient_id: patient("Bianchi"), doctor_id: doctor("Rossi"), visit_type_id: type("Consultation"), starts_at: "2026-03-09T12:45", outside_availability: true });
    const overlap = await refused("book_appointment", { patient_id: patient("Bianchi"), doctor_id: doctor("Okafor"), visit_type_id: type("Consultation"), starts_at: "2026-03-09T12:30" });
    expect(overlap).toEqual({ code: "conflict", message: "Marco Bianchi already has an appointment with Dr. Giulia Rossi at 12:45", field: "acknowledge_patient_overlap" });
    const ok = await run("book_appointment", { patient_id: patient("Bianchi"), doctor_id: doctor("Okafor"), visit_type_id: type("Consultation"), starts_at: "2026-03-09T12:30", acknowledge_patient_overlap: true });
    expect(ok.status).toBe("scheduled");
  });

  it("books a weekly series all or nothing, naming the refused occurrence", async () => {
    const { backend, run, refused, doctor, type, patient } = await setup();
    const before = backend.scheduling.appointments.size;
    await run("book_appointment", { patient_id: patient("Romano"), doctor_id: doctor("Rossi"), visit_type_id: type("Consultation"), starts_at: "2026-03-23T10:00" });
    const e = await refused("book_appointment", { patient_id: patient("Bianchi"), doctor_id: doctor("Rossi"), visit_type_id: type("Consultation"), starts_at: "2026-03-09T10:00", repeat: { every_weeks: 1, count: 4 } });
    expect(e).toEqual({ code: "conflict", message: "on Mon 23 Mar 2026: Dr. Giulia Rossi already has Luca Romano 10:00–10:30", field: "starts_at" });
    expect(backend.scheduling.appointments.size).toBe(before + 1);
    // Across the change to summer time (29 March) the wall-clock time stays 10:00.
    const first = await run("book_appointment", { patient_id: patient("Bianchi"), doctor_id: doctor("Rossi"), visit_type_id: type("Follow-up"), starts_at: "2026-03-17T10:00", repeat: { every_weeks: 2, count: 3 } });
    const series = [...backend.scheduling.appointments.values()].filter((a) => a.series_id !== null && a.series_id === first.series_id).map((a) => a.starts_at).sort();
    expect(series).toEqual(["2026-03-17T09:00:00.000Z", "2026-03-31T08:00:00.000Z", "2026-04-14T08:00:00.000Z"]);
    expect(await refused("book_appointment", { patient_id: patient("Bianchi"), doctor_id: doctor("Rossi"), visit_type_id: type("Follow-up"), starts_at: "2026-03-17T11:00", repeat: { every_weeks: 5, count: 3 } })).toEqual({
      code: "validation",
      message: "repeat every 1 to 4 weeks",
      field: "repeat",
    });
  });

  it("moves this or the following occurrences of a series, and cancels with a reason", async () => {
    const { backend, run, refused, doctor, type, patient } = await setup();
    const first = await run("book_appointment", { patient_id: patient("Bianchi"), doctor_id: doctor("Rossi"), visit_type_id: type("Follow-up"), starts_at: "2026-03-10T09:00", repeat: { every_weeks: 1, count: 3 } });
    const all = () => [...backend.scheduling.appointments.values()].filter((a) => a.series_id === first.series_id).sort((a, b) => a.starts_at.localeCompare(b.starts_at));
    const second = all()[1];
    await run("reschedule_appointment", { appointment_id: second?.id ?? "", starts_at: "2026-03-17T09:30", scope: "following" });
    expect(all().map((a) => a.starts_at)).toEqual(["2026-03-10T08:00:00.000Z", "2026-03-17T08:30:00.000Z", "2026-03-24T08:30:00.000Z"]);
    expect(await refused("cancel_appointment", { appointment_id: first.id, reason: "  " })).toEqual({ code: "validation", message: "Reason is required", field: "reason" });
    await run("cancel_appointment", { appointment_id: second?.id ?? "", reason: "moved away", scope: "following" });
    expect(all().map((a) => a.status)).toEqual(["scheduled", "cancelled", "cancelled"]);
    expect(await refused("reschedule_appointment", { appointment_id: second?.id ?? "", starts_at: "2026-03-18T09:30" })).toEqual({
      code: "conflict",
      message: "only a scheduled appointment can be moved (this one is cancelled)",
      field: "appointment_id",
    });
  });

  it("follows the state machine, the no-show grace time, the queue and its tickets", async () => {
    const { run, refused, doctor, type, patient, advance, as } = await setup("reception");
    const nurse = await as("nurse.muller");
    const a = await run("book_appointment", { patient_id: patient("Bianchi"), doctor_id: doctor("Okafor"), visit_type_id: type("Consultation"), starts_at: "2026-03-02T12:00" });
    const b = await run("book_appointment", { patient_id: patient("Romano"), doctor_id: doctor("Okafor"), visit_type_id: type("Consultation"), starts_at: "2026-03-02T12:30" });
    expect(await refused("mark_no_show", { appointment_id: a.id })).toEqual({ code: "conflict", message: "a no-show can be marked from 12:15 on (15 minutes after the start)", field: "appointment_id" });
    // Reception checks in; completing (and calling in) is for nurses and doctors.
    expect((await refused("complete_appointment", { appointment_id: a.id })).code).toBe("permission_denied");
    await expect(nurse("complete_appointment", { appointment_id: a.id })).rejects.toEqual({ code: "conflict", message: "an appointment that is scheduled cannot become completed", field: "status" });
    await run("check_in_appointment", { appointment_id: b.id });
    advance(1);
    await run("check_in_appointment", { appointment_id: a.id });
    const walkIn = await run("book_appointment", { patient_id: patient("Eze"), doctor_id: doctor("Okafor"), visit_type_id: type("Follow-up"), starts_at: "2026-03-02T07:00", walk_in: true });
    expect(walkIn.status).toBe("checked_in");
    expect(walkIn.walk_in).toBe(true);
    const queue = await run("waiting_queue", { doctor_id: doctor("Okafor") });
    // Called by appointment time (the walk-in's time is its arrival); tickets by check-in order.
    expect(queue.map((e) => [e.position, e.ticket, e.appointment.patient_name])).toEqual([
      [1, 3, "Chinedu Eze"],
      [2, 2, "Marco Bianchi"],
      [3, 1, "Luca Romano"],
    ]);
    const display = await run("waiting_room_display", {});
    expect(display.queue.filter((t) => t.doctor_name === "Dr. Chinedu Okafor")).toEqual([
      { ticket: 3, initials: "C. E.", doctor_name: "Dr. Chinedu Okafor", doctor_index: 0, position: 1 },
      { ticket: 2, initials: "M. B.", doctor_name: "Dr. Chinedu Okafor", doctor_index: 0, position: 2 },
      { ticket: 1, initials: "L. R.", doctor_name: "Dr. Chinedu Okafor", doctor_index: 0, position: 3 },
    ]);
    expect(JSON.stringify(display)).not.toContain("Bianchi");
    const called = await nurse("call_next_patient", { doctor_id: doctor("Okafor") });
    expect(called.patient_name).toBe("Chinedu Eze");
    const okafor = (await run("list_staff", { role: "doctor" })).members.find((m) => m.full_name.includes("Okafor"));
    expect(okafor?.availability).toBe("busy");
    expect((await run("waiting_room_display", {})).doctors.find((d) => d.name.includes("Okafor"))?.now_serving).toBe(3);
  });

  it("offers freed time to the oldest fitting waitlist entry", async () => {
    const { run, doctor, type, patient } = await setup();
    const a = await run("book_appointment", { patient_id: patient("Bianchi"), doctor_id: doctor("Rossi"), visit_type_id: type("Consultation"), starts_at: "2026-03-03T17:00" });
    const entry = await run("add_to_waitlist", { patient_id: patient("Bianci"), visit_type_id: type("Follow-up"), specialization: "General practice" });
    await run("cancel_appointment", { appointment_id: a.id, reason: "patient is away" });
    const offers = await run("list_waitlist", { offers_only: true });
    expect(offers.map((o) => [o.id, o.offered_label])).toEqual([[entry.id, "Tue 03 Mar 17:00"]]);
    const booked = await run("accept_waitlist_offer", { entry_id: entry.id });
    expect(booked.reason).toBe("from the waitlist");
    expect(booked.starts_at).toBe("2026-03-03T16:00:00.000Z");
  });

  it("finds free slots around the booked ones", async () => {
    const { run, doctor, type } = await setup();
    const slots = await run("find_slots", { visit_type_id: type("Consultation"), doctor_id: doctor("Okafor"), from_date: "2026-03-09", count: 3 });
    expect(slots.map((s) => s.local_start)).toEqual(["2026-03-09T09:00", "2026-03-09T09:30", "2026-03-09T10:00"]);
    const clinic = await run("find_slots", { visit_type_id: type("Follow-up"), from_date: "2026-03-09", count: 2 });
    expect(clinic.map((s) => [s.local_start, s.doctor_name])).toEqual([
      ["2026-03-09T08:30", "Dr. Giulia Rossi"],
      ["2026-03-09T08:45", "Dr. Giulia Rossi"],
    ]);
  });
});
