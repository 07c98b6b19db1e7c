import { act, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { FakeBackend } from "../../test/fake-backend";
import { openAs, patientName, startClockAt, todays, todaysAppointments, tokenOf } from "../../test/flows";
import { DISPLAY_REFETCH_MS } from "./DisplayPage";

// Wednesday 4 March 2026, 10:05 in Rome: visits done, one running, more to come.
const NOW = "2026-03-04T09:05:00Z";

/** The doctor's column on the display, by the doctor's name. */
function column(name: string) {
  const found = screen.getAllByTestId(/^display-doctor-\d+$/).find((el) => el.querySelector("h2")?.textContent === name);
  if (!found) throw new Error(`no display column for ${name}`);
  return within(found);
}

/** Checks the next scheduled patient of a doctor in from the reception desk (another window). */
async function checkInNext(backend: FakeBackend, doctor: string) {
  const next = todays(backend, "scheduled", doctor);
  await backend.transport("check_in_appointment", await tokenOf(backend, "reception"), { appointment_id: next.id });
  return next;
}

describe("the waiting-room display", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("shows tickets, initials and the doctors' availability, and no patient's name", async () => {
    startClockAt(NOW);
    const { backend } = await openAs("display", undefined, {});
    const waiting = await checkInNext(backend, "dr.rossi");
    const patient = backend.patients.get(waiting.patient_id);
    const ticket = [...backend.scheduling.appointments.values()].filter((a) => a.checked_in_at !== null && todaysAppointments(backend).includes(a)).length;
    const rossi = await waitFor(() => column("Dr. Giulia Rossi"));
    const shown = await rossi.findByTestId(`display-ticket-${ticket}`);
    expect(shown).toHaveTextContent(`${ticket}${patient?.given_name.charAt(0) ?? ""}. ${patient?.family_name.charAt(0) ?? ""}.`);
    expect(rossi.getByText("General practice · Room 1")).toBeInTheDocument();
    expect(screen.getByTestId("display-clinic")).toHaveTextContent("Demo Clinic (sample data)");

    // Nobody's name, MRN or reason for the visit: only tickets and initials.
    const text = screen.getByTestId("display-page").textContent;
    const doctors = ["Dr. Giulia Rossi", "Dr. Chinedu Okafor"];
    for (const a of todaysAppointments(backend)) {
      const name = patientName(backend, a.patient_id);
      if (!doctors.some((d) => d.includes(name))) expect(text).not.toContain(name);
      expect(text).not.toContain(backend.patients.get(a.patient_id)?.mrn ?? "MRN");
      if (a.reason) expect(text).not.toContain(a.reason);
    }
    // The kiosk's session reads the display and nothing else (it has no other permission).
    const kiosk = backend.calls.find((c) => c.name === "waiting_room_display")?.token;
    const read = new Set(backend.calls.filter((c) => c.token === kiosk).map((c) => c.name));
    expect([...read].filter((name) => !["waiting_room_display", "get_clinic_settings", "app_status", "whoami"].includes(name))).toEqual([]);
  });

  it("shows who is being seen now, and follows the clinic-changed event at once", async () => {
    startClockAt(NOW);
    const { backend } = await openAs("display");
    const okafor = await waitFor(() => column("Dr. Chinedu Okafor"));
    const running = todays(backend, "in_consultation", "dr.okafor");
    const runningTicket = [...backend.scheduling.appointments.values()]
      .filter((a) => a.checked_in_at !== null && todaysAppointments(backend).includes(a))
      .sort((a, b) => (a.checked_in_at ?? "").localeCompare(b.checked_in_at ?? ""))
      .findIndex((a) => a.id === running.id) + 1;
    expect(await okafor.findByText(String(runningTicket))).toBeInTheDocument();

    // The nurse calls Dr. Rossi's next patient in: the display changes without waiting for its poll.
    const next = await checkInNext(backend, "dr.rossi");
    const rossi = column("Dr. Giulia Rossi");
    const before = backend.calls.filter((c) => c.name === "waiting_room_display").length;
    await backend.transport("call_next_patient", await tokenOf(backend, "nurse.muller"), { doctor_id: next.doctor_id });
    await waitFor(
      () => {
        expect(rossi.getByText("Busy")).toBeInTheDocument();
      },
      { timeout: DISPLAY_REFETCH_MS / 3 },
    );
    expect(backend.calls.filter((c) => c.name === "waiting_room_display").length).toBeGreaterThan(before);

    // A change that arrives by sync is announced the same way.
    const doctor = backend.users.get("dr.okafor");
    if (doctor) doctor.availability = "away";
    act(() => {
      backend.emitClinicChanged(["users"]);
    });
    expect(await okafor.findByText("Away")).toBeInTheDocument();
  });

  it("refetches every 15 seconds even without an event", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    vi.setSystemTime(new Date(NOW));
    const { backend } = await openAs("display", undefined, {});
    const rossi = await waitFor(() => column("Dr. Giulia Rossi"));
    expect(await rossi.findByText("Offline")).toBeInTheDocument();
    // Changed where no event reaches this window (e.g. before sync announces it).
    const doctor = backend.users.get("dr.rossi");
    if (doctor) doctor.availability = "available";
    await act(async () => {
      await vi.advanceTimersByTimeAsync(DISPLAY_REFETCH_MS);
    });
    expect(await rossi.findByText("Available")).toBeInTheDocument();
  });
});
