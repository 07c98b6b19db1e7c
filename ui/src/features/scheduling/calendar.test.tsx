import { configure, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { BookAppointmentInput } from "../../api/generated";
import type { FakeBackend } from "../../test/fake-backend";
import { demoPatient, openAs, searchPatients } from "../../test/flows";
import { captured, gesture } from "./calendar-harness";

// jsdom cannot drag or select by pointer: the drag-and-drop addon becomes a pass-through whose
// props the tests call (calendar-harness.ts); the real calendar still renders every event.
vi.mock("react-big-calendar/lib/addons/dragAndDrop", async () => {
  const { createElement } = await import("react");
  const harness = await import("./calendar-harness");
  return {
    default: (Calendar: Parameters<typeof createElement>[0]) =>
      function CapturingCalendar(props: Record<string, unknown>) {
        harness.captured.props = props as unknown as typeof harness.captured.props;
        return createElement(Calendar, props);
      },
  };
});

// Monday 2 March 2026, 07:00 in Rome (06:00 UTC): the clinic's whole day is ahead, whatever
// the machine's own zone.
const NOW = new Date("2026-03-02T06:00:00Z");
/** An instant from clinic (Rome, UTC+1 in March before the 29th) wall-clock time. */
const rome = (local: string) => new Date(`${local}:00+01:00`);

// The calendar renders hundreds of slots: give slow machines time, waiting for what is awaited.
configure({ asyncUtilTimeout: 5_000 });
vi.setConfig({ testTimeout: 30_000 });

beforeAll(() => {
  // react-big-calendar's pointer handling asks what lies under the pointer; jsdom has no layout.
  if (typeof document.elementFromPoint !== "function") {
    Object.defineProperty(document, "elementFromPoint", { value: () => null, configurable: true });
  }
});

/** Goes to a clinic date with the date box. */
async function goTo(date: string) {
  fireEvent.change(await screen.findByTestId("calendar-date"), { target: { value: date } });
  await waitFor(() => {
    expect(screen.getByTestId("calendar")).toHaveAttribute("data-date", date);
  });
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"], now: NOW });
  captured.props = null;
});
afterEach(() => {
  vi.useRealTimers();
});

const doctorId = (backend: FakeBackend, username: string) => backend.users.get(username)?.id ?? "";
const callsOf = (backend: FakeBackend, name: string) => backend.calls.filter((c) => c.name === name);
/** The appointment of a demo patient on the fake (by family name and clinic start). */
function appointmentOf(backend: FakeBackend, family: string, start: Date) {
  const patient = demoPatient(backend, family);
  const found = [...backend.scheduling.appointments.values()].find((a) => a.patient_id === patient.id && a.starts_at === start.toISOString());
  if (!found) throw new Error(`no appointment of ${family} at ${start.toISOString()}`);
  return found;
}

async function openCalendar(username: string, options = {}) {
  const app = await openAs(username, "calendar", options);
  await screen.findByTestId("calendar");
  await waitFor(() => {
    expect(screen.getAllByTestId(/^event-/).length).toBeGreaterThan(3);
  });
  return app;
}

describe("the calendar", () => {
  it("shows the clinic's day with the doctors as columns, coloured by status", async () => {
    const { backend } = await openCalendar("reception");
    expect(screen.getByTestId("calendar")).toHaveAttribute("data-date", "2026-03-02");
    expect(screen.getByTestId("calendar-heading")).toHaveTextContent(/Monday,? 2 March 2026/);
    expect(screen.getAllByText("Dr. Giulia Rossi").length).toBeGreaterThan(0);
    expect(screen.getAllByText("Dr. Chinedu Okafor").length).toBeGreaterThan(0);
    const schmidt = appointmentOf(backend, "Schmidt", rome("2026-03-02T09:30"));
    const event = screen.getByTestId(`event-${schmidt.id}`);
    expect(event).toHaveAttribute("data-status", "scheduled");
    // Clinic time, not the machine's.
    expect(event).toHaveTextContent("09:30–10:00");
    expect(event).toHaveTextContent("Anna Schmidt");
    expect(event).toHaveTextContent("Consultation");
    expect(within(screen.getByTestId("calendar-legend")).getByText("No-show")).toBeInTheDocument();
    expect(callsOf(backend, "list_day").at(-1)?.input).toEqual({ date: "2026-03-02" });
  });

  it("shows one doctor's week, and cancelled appointments only when asked", async () => {
    const { user, backend } = await openCalendar("reception");
    await user.click(screen.getByTestId("calendar-view-week"));
    await user.selectOptions(await screen.findByTestId("calendar-week-doctor"), doctorId(backend, "dr.okafor"));
    await waitFor(() => {
      expect(callsOf(backend, "list_day").at(-1)?.input).toEqual({ date: "2026-03-02", days: 7, doctor_id: doctorId(backend, "dr.okafor") });
    });
    const cancelled = appointmentOf(backend, "Fernández", rome("2026-03-02T11:30"));
    expect(screen.queryByTestId(`event-${cancelled.id}`)).not.toBeInTheDocument();
    await user.click(screen.getByTestId("calendar-show-cancelled"));
    expect(await screen.findByTestId(`event-${cancelled.id}`)).toHaveAttribute("data-status", "cancelled");
    await user.click(screen.getByTestId("calendar-next"));
    await waitFor(() => {
      expect(callsOf(backend, "list_day").at(-1)?.input).toMatchObject({ date: "2026-03-09", days: 7 });
    });
  });
});

describe("booking", () => {
  it("books from an empty slot: doctor and time come from the slot", async () => {
    const { user, backend } = await openCalendar("reception");
    await gesture.selectSlot(rome("2026-03-02T12:00"), doctorId(backend, "dr.okafor"));
    const dialog = await screen.findByTestId("booking-dialog");
    expect(within(dialog).getByTestId("book-doctor")).toHaveValue(doctorId(backend, "dr.okafor"));
    expect(within(dialog).getByTestId("book-start-date")).toHaveValue("2026-03-02");
    expect(within(dialog).getByTestId("book-start-time")).toHaveValue("12:00");
    await searchPatients(user, "Bianchi", "book-patient");
    const bianchi = demoPatient(backend, "Bianchi");
    await user.click(screen.getByTestId(`book-patient-hit-${bianchi.mrn}`));
    await user.type(within(dialog).getByTestId("book-reason"), "Blood pressure");
    await user.click(within(dialog).getByTestId("book-submit"));
    expect(await screen.findByTestId("calendar-notice")).toHaveTextContent("Marco Bianchi is booked for");
    const input = callsOf(backend, "book_appointment").at(-1)?.input as BookAppointmentInput;
    expect(input).toEqual({
      patient_id: bianchi.id,
      doctor_id: doctorId(backend, "dr.okafor"),
      visit_type_id: [...backend.scheduling.visitTypes.values()].find((v) => v.name === "Consultation")?.id,
      starts_at: "2026-03-02T12:00",
      reason: "Blood pressure",
    });
    const booked = appointmentOf(backend, "Bianchi", rome("2026-03-02T12:00"));
    expect(await screen.findByTestId(`event-${booked.id}`)).toHaveTextContent("12:00–12:30");
    // The new appointment's details open beside the calendar.
    expect(await screen.findByTestId("appointment-panel")).toHaveTextContent("Marco Bianchi");
  });

  it("shows Rust's double-booking refusal verbatim under the start time", async () => {
    const { user, backend } = await openCalendar("reception");
    await gesture.selectSlot(rome("2026-03-02T09:45"), doctorId(backend, "dr.rossi"));
    await searchPatients(user, "Romano", "book-patient");
    await user.click(screen.getByTestId(`book-patient-hit-${demoPatient(backend, "Romano").mrn}`));
    await user.click(screen.getByTestId("book-submit"));
    expect(await screen.findByTestId("error-starts_at")).toHaveTextContent("Dr. Giulia Rossi already has Anna Schmidt 09:30–10:00");
    expect(screen.getByTestId("booking-dialog")).toHaveAttribute("open");
  });

  it("asks before booking a patient who has another appointment then, and books on confirmation", async () => {
    const { user, backend } = await openCalendar("reception", { latency: 15 });
    await gesture.selectSlot(rome("2026-03-02T10:30"), doctorId(backend, "dr.okafor"));
    await searchPatients(user, "Lefèvre", "book-patient");
    await user.click(screen.getByTestId(`book-patient-hit-${demoPatient(backend, "Lefèvre").mrn}`));
    await user.click(screen.getByTestId("book-submit"));
    const prompt = await screen.findByTestId("prompt-acknowledge_patient_overlap");
    expect(prompt).toHaveTextContent("Hélène Lefèvre already has an appointment with Dr. Giulia Rossi at 10:30");
    await user.click(within(prompt).getByTestId("prompt-confirm"));
    expect(await screen.findByTestId("calendar-notice")).toHaveTextContent("Hélène Lefèvre is booked");
    const sent = callsOf(backend, "book_appointment").map((c) => c.input as BookAppointmentInput);
    expect(sent).toHaveLength(2);
    expect(sent[0]?.acknowledge_patient_overlap).toBeUndefined();
    expect(sent[1]?.acknowledge_patient_overlap).toBe(true);
  });

  it("offers to book outside the doctor's availability", async () => {
    const { user, backend } = await openCalendar("reception");
    await gesture.selectSlot(rome("2026-03-02T13:00"), doctorId(backend, "dr.rossi"));
    await searchPatients(user, "Tanaka", "book-patient");
    await user.click(screen.getByTestId(`book-patient-hit-${demoPatient(backend, "Tanaka").mrn}`));
    await user.click(screen.getByTestId("book-submit"));
    const prompt = await screen.findByTestId("prompt-outside_availability");
    expect(prompt).toHaveTextContent("The doctor is not available 13:00–13:30 on Mon 02 Mar");
    await user.click(within(prompt).getByTestId("prompt-confirm"));
    expect(await screen.findByTestId("calendar-notice")).toHaveTextContent("Aiko Tanaka is booked");
    expect((callsOf(backend, "book_appointment").at(-1)?.input as BookAppointmentInput).outside_availability).toBe(true);
  });

  it("books a weekly series, all of it, and marks it on the calendar", async () => {
    const { user, backend } = await openCalendar("reception");
    await gesture.selectSlot(rome("2026-03-09T10:00"), doctorId(backend, "dr.rossi"));
    await searchPatients(user, "Bianchi", "book-patient");
    await user.click(screen.getByTestId(`book-patient-hit-${demoPatient(backend, "Bianchi").mrn}`));
    await user.click(screen.getByTestId("book-repeat"));
    await user.selectOptions(screen.getByTestId("book-every-weeks"), "1");
    await user.clear(screen.getByTestId("book-count"));
    await user.type(screen.getByTestId("book-count"), "4");
    await user.click(screen.getByTestId("book-submit"));
    expect(await screen.findByTestId("calendar-notice")).toHaveTextContent("Marco Bianchi is booked 4 times");
    expect((callsOf(backend, "book_appointment").at(-1)?.input as BookAppointmentInput).repeat).toEqual({ every_weeks: 1, count: 4 });
    const series = [...backend.scheduling.appointments.values()].filter((a) => a.patient_id === demoPatient(backend, "Bianchi").id && a.series_id !== null);
    expect(series.map((a) => a.starts_at).sort()).toEqual(["2026-03-09T09:00:00.000Z", "2026-03-16T09:00:00.000Z", "2026-03-23T09:00:00.000Z", "2026-03-30T08:00:00.000Z"]);
    // The calendar went to the first one; it carries the series marker.
    const first = series.find((a) => a.starts_at === "2026-03-09T09:00:00.000Z");
    const event = await screen.findByTestId(`event-${first?.id ?? ""}`);
    expect(within(event).getByLabelText("Weekly series")).toBeInTheDocument();
  });

  it("refuses a series whose count is out of range before asking Rust", async () => {
    const { user, backend } = await openCalendar("reception");
    await gesture.selectSlot(rome("2026-03-09T10:00"), doctorId(backend, "dr.rossi"));
    await searchPatients(user, "Bianchi", "book-patient");
    await user.click(screen.getByTestId(`book-patient-hit-${demoPatient(backend, "Bianchi").mrn}`));
    await user.click(screen.getByTestId("book-repeat"));
    await user.clear(screen.getByTestId("book-count"));
    await user.type(screen.getByTestId("book-count"), "60");
    await user.click(screen.getByTestId("book-submit"));
    expect(await screen.findByTestId("error-count")).toHaveTextContent("From 2 to 52 appointments.");
    expect(callsOf(backend, "book_appointment")).toHaveLength(0);
  });

  it("books a walk-in now, checked in", async () => {
    const { user, backend } = await openCalendar("reception");
    await user.click(screen.getByTestId("calendar-walk-in"));
    await searchPatients(user, "Eze", "book-patient");
    await user.click(screen.getByTestId(`book-patient-hit-${demoPatient(backend, "Eze").mrn}`));
    await user.selectOptions(screen.getByTestId("book-doctor"), doctorId(backend, "dr.okafor"));
    await user.click(screen.getByTestId("book-submit"));
    expect(await screen.findByTestId("calendar-notice")).toBeInTheDocument();
    expect(callsOf(backend, "book_appointment").at(-1)?.input).toMatchObject({ walk_in: true, starts_at: "2026-03-02T07:00", doctor_id: doctorId(backend, "dr.okafor") });
    expect(await screen.findByTestId("appointment-status")).toHaveTextContent("Checked in");
  });

  it("finds free slots and books one with one click", async () => {
    const { user, backend } = await openCalendar("reception");
    await user.click(screen.getByTestId("calendar-find-slot"));
    const dialog = await screen.findByTestId("find-slot-dialog");
    await searchPatients(user, "Morgan", "find-patient");
    await user.click(screen.getByTestId(`find-patient-hit-${demoPatient(backend, "Morgan").mrn}`));
    await user.selectOptions(within(dialog).getByTestId("find-scope"), `doctor:${doctorId(backend, "dr.okafor")}`);
    await waitFor(() => {
      expect(callsOf(backend, "find_slots").at(-1)?.input).toMatchObject({ doctor_id: doctorId(backend, "dr.okafor") });
    });
    // Okafor's Monday: Zoé Dupont 09:00–09:30, then free until Aiko Tanaka at 10:00.
    const slot = await within(dialog).findByTestId(`slot-2026-03-02T09:30-${doctorId(backend, "dr.okafor")}`);
    await user.click(slot);
    expect(await screen.findByTestId("calendar-notice")).toHaveTextContent("Alex Morgan is booked");
    expect(callsOf(backend, "book_appointment").at(-1)?.input).toMatchObject({ starts_at: "2026-03-02T09:30", doctor_id: doctorId(backend, "dr.okafor") });
  });
});

describe("moving by drag and drop", () => {
  it("reschedules a dropped appointment; a refusal snaps it back and says why", async () => {
    const { backend } = await openCalendar("reception", { latency: 20 });
    const rossi = doctorId(backend, "dr.rossi");
    const schmidt = appointmentOf(backend, "Schmidt", rome("2026-03-02T09:30"));
    const event = () => screen.getByTestId(`event-${schmidt.id}`);

    // Onto Hélène Lefèvre's time: refused.
    await gesture.drop(schmidt.id, rome("2026-03-02T10:30"), rossi);
    expect(await screen.findByTestId("calendar-alert")).toHaveTextContent("Dr. Giulia Rossi already has Hélène Lefèvre 10:30–11:00");
    expect(callsOf(backend, "reschedule_appointment")[0]?.input).toEqual({ appointment_id: schmidt.id, starts_at: "2026-03-02T10:30" });
    await waitFor(() => {
      expect(event()).toHaveAttribute("data-start", rome("2026-03-02T09:30").toISOString());
    });

    // Onto a free time of the other doctor: moved.
    const okafor = doctorId(backend, "dr.okafor");
    await gesture.drop(schmidt.id, rome("2026-03-02T12:00"), okafor);
    expect(await screen.findByTestId("calendar-notice")).toHaveTextContent("Anna Schmidt moved to");
    expect(callsOf(backend, "reschedule_appointment").at(-1)?.input).toEqual({ appointment_id: schmidt.id, starts_at: "2026-03-02T12:00", doctor_id: okafor });
    await waitFor(() => {
      expect(event()).toHaveAttribute("data-start", rome("2026-03-02T12:00").toISOString());
      expect(event()).toHaveAttribute("data-doctor", okafor);
    });
    expect(screen.queryByTestId("calendar-alert")).not.toBeInTheDocument();
  });

  it("asks whether a repeating appointment moves alone or with the following ones", async () => {
    const { user, backend } = await openCalendar("reception");
    await goTo("2026-03-11");
    const ødegaard = appointmentOf(backend, "Ødegaard", rome("2026-03-11T12:00"));
    await screen.findByTestId(`event-${ødegaard.id}`);
    await gesture.drop(ødegaard.id, rome("2026-03-11T11:30"), doctorId(backend, "dr.rossi"));
    await user.click(await screen.findByTestId("scope-following"));
    expect(await screen.findByTestId("calendar-notice")).toHaveTextContent("Søren Ødegaard moved to");
    expect(callsOf(backend, "reschedule_appointment").at(-1)?.input).toEqual({ appointment_id: ødegaard.id, starts_at: "2026-03-11T11:30", scope: "following" });
    const series = [...backend.scheduling.appointments.values()].filter((a) => a.series_id === ødegaard.series_id);
    expect(series.every((a) => a.starts_at.endsWith("T10:30:00.000Z") || a.starts_at.endsWith("T09:30:00.000Z"))).toBe(true);
  });

  it("lets only scheduled appointments be dragged, and only by roles that book", async () => {
    const { backend } = await openCalendar("dr.rossi");
    const schmidt = appointmentOf(backend, "Schmidt", rome("2026-03-02T09:30"));
    expect(gesture.canDrag(schmidt.id)).toBe(false);
    expect(captured.props?.onSelectSlot).toBeDefined();
    expect(captured.props?.selectable).toBe(false);
  });
});

describe("an appointment's details and actions", () => {
  it("opens from the keyboard: Tab to an appointment, Enter", async () => {
    const { user, backend } = await openCalendar("reception");
    const schmidt = appointmentOf(backend, "Schmidt", rome("2026-03-02T09:30"));
    const event = screen.getByTestId(`event-${schmidt.id}`).closest<HTMLElement>('[role="button"]');
    expect(event).not.toBeNull();
    event?.focus();
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("appointment-panel")).toHaveTextContent("Anna Schmidt");
    await user.click(screen.getByTestId("appointment-close"));
    await waitFor(() => {
      expect(screen.queryByTestId("appointment-panel")).not.toBeInTheDocument();
    });
  });

  it("cancelling requires a reason", async () => {
    const { user, backend } = await openCalendar("reception");
    const schmidt = appointmentOf(backend, "Schmidt", rome("2026-03-02T09:30"));
    await user.click(screen.getByTestId(`event-${schmidt.id}`));
    const panel = await screen.findByTestId("appointment-panel");
    expect(panel).toHaveTextContent("Anna Schmidt");
    expect(within(panel).getByTestId("appointment-chart")).toHaveAttribute("href", `/patients/${schmidt.patient_id}`);
    await user.click(within(panel).getByTestId("appointment-cancel"));
    const dialog = await screen.findByTestId("cancel-dialog");
    await user.click(within(dialog).getByTestId("cancel-submit"));
    expect(await within(dialog).findByTestId("error-reason")).toHaveTextContent("This is required.");
    expect(callsOf(backend, "cancel_appointment")).toHaveLength(0);
    await user.type(within(dialog).getByTestId("cancel-reason"), "Patient is unwell");
    await user.click(within(dialog).getByTestId("cancel-submit"));
    expect(await screen.findByTestId("calendar-notice")).toHaveTextContent("The appointment of Anna Schmidt is cancelled.");
    expect(callsOf(backend, "cancel_appointment")[0]?.input).toEqual({ appointment_id: schmidt.id, reason: "Patient is unwell" });
    await waitFor(() => {
      expect(screen.queryByTestId(`event-${schmidt.id}`)).not.toBeInTheDocument();
    });
  });

  it("cancels this and the following appointments of a series", async () => {
    const { user, backend } = await openCalendar("reception");
    await goTo("2026-03-11");
    const ødegaard = appointmentOf(backend, "Ødegaard", rome("2026-03-11T12:00"));
    await user.click(await screen.findByTestId(`event-${ødegaard.id}`));
    await user.click(await screen.findByTestId("appointment-cancel"));
    await user.type(await screen.findByTestId("cancel-reason"), "Knee is better");
    await user.click(screen.getByTestId("cancel-scope-following"));
    await user.click(screen.getByTestId("cancel-submit"));
    expect(await screen.findByTestId("calendar-notice")).toHaveTextContent("cancelled");
    expect(callsOf(backend, "cancel_appointment")[0]?.input).toEqual({ appointment_id: ødegaard.id, reason: "Knee is better", scope: "following" });
    expect([...backend.scheduling.appointments.values()].filter((a) => a.series_id === ødegaard.series_id).every((a) => a.status === "cancelled")).toBe(true);
  });

  it("offers reception what reception does, and shows Rust's no-show refusal", async () => {
    const { user, backend } = await openCalendar("reception");
    const schmidt = appointmentOf(backend, "Schmidt", rome("2026-03-02T09:30"));
    await user.click(screen.getByTestId(`event-${schmidt.id}`));
    const panel = await screen.findByTestId("appointment-panel");
    for (const id of ["appointment-check-in", "appointment-reschedule", "appointment-no-show", "appointment-cancel"]) expect(within(panel).getByTestId(id)).toBeInTheDocument();
    await user.click(within(panel).getByTestId("appointment-no-show"));
    expect(await within(panel).findByTestId("appointment-error")).toHaveTextContent("A no-show can be marked from 09:45 on (15 minutes after the start).");
    await user.click(within(panel).getByTestId("appointment-check-in"));
    await waitFor(() => {
      expect(within(screen.getByTestId("appointment-panel")).getByTestId("appointment-status")).toHaveTextContent("Checked in");
    });
    expect(callsOf(backend, "check_in_appointment")[0]?.input).toEqual({ appointment_id: schmidt.id });
    // Calling the patient in is for nurses and doctors (queue.call), not reception.
    expect(within(screen.getByTestId("appointment-panel")).queryByTestId("appointment-start")).not.toBeInTheDocument();
  });

  it("offers an administrator booking and cancelling, not the queue", async () => {
    const { user, backend } = await openCalendar("admin");
    expect(screen.getByTestId("calendar-book")).toBeInTheDocument();
    const schmidt = appointmentOf(backend, "Schmidt", rome("2026-03-02T09:30"));
    await user.click(screen.getByTestId(`event-${schmidt.id}`));
    const panel = await screen.findByTestId("appointment-panel");
    expect(within(panel).getByTestId("appointment-reschedule")).toBeInTheDocument();
    expect(within(panel).getByTestId("appointment-cancel")).toBeInTheDocument();
    expect(within(panel).queryByTestId("appointment-check-in")).not.toBeInTheDocument();
    expect(within(panel).queryByTestId("appointment-no-show")).not.toBeInTheDocument();
  });

  it("offers a doctor the queue actions but not booking, moving or cancelling", async () => {
    const { user, backend } = await openCalendar("dr.rossi");
    expect(screen.queryByTestId("calendar-book")).not.toBeInTheDocument();
    expect(screen.queryByTestId("calendar-walk-in")).not.toBeInTheDocument();
    const schmidt = appointmentOf(backend, "Schmidt", rome("2026-03-02T09:30"));
    await user.click(screen.getByTestId(`event-${schmidt.id}`));
    const panel = await screen.findByTestId("appointment-panel");
    expect(within(panel).queryByTestId("appointment-reschedule")).not.toBeInTheDocument();
    expect(within(panel).queryByTestId("appointment-cancel")).not.toBeInTheDocument();
    await user.click(within(panel).getByTestId("appointment-check-in"));
    await user.click(await screen.findByTestId("appointment-start"));
    await user.click(await screen.findByTestId("appointment-complete"));
    await waitFor(() => {
      expect(screen.getByTestId("appointment-status")).toHaveTextContent("Completed");
    });
    expect(callsOf(backend, "start_consultation")[0]?.input).toEqual({ appointment_id: schmidt.id });
    expect(screen.getByTestId(`event-${schmidt.id}`)).toHaveAttribute("data-status", "completed");
  });

  it("reschedules from the details with the same checks as a booking", async () => {
    const { user, backend } = await openCalendar("reception");
    const schmidt = appointmentOf(backend, "Schmidt", rome("2026-03-02T09:30"));
    await user.click(screen.getByTestId(`event-${schmidt.id}`));
    await user.click(await screen.findByTestId("appointment-reschedule"));
    const dialog = await screen.findByTestId("reschedule-dialog");
    expect(within(dialog).getByTestId("reschedule-start-time")).toHaveValue("09:30");
    await user.selectOptions(within(dialog).getByTestId("reschedule-start-time"), "10:45");
    await user.click(within(dialog).getByTestId("reschedule-submit"));
    expect(await within(dialog).findByTestId("error-starts_at")).toHaveTextContent("Dr. Giulia Rossi already has Hélène Lefèvre 10:30–11:00");
    await user.selectOptions(within(dialog).getByTestId("reschedule-start-time"), "12:00");
    await user.click(within(dialog).getByTestId("reschedule-submit"));
    expect(await screen.findByTestId("calendar-notice")).toHaveTextContent("The appointment of Anna Schmidt is moved.");
    expect(callsOf(backend, "reschedule_appointment").at(-1)?.input).toEqual({ appointment_id: schmidt.id, starts_at: "2026-03-02T12:00" });
  });
});
