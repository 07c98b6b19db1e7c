import { screen, waitFor, within } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { BookAppointmentInput } from "../../api/generated";
import { clinicTime, nextTicket, openAs, patientName, searchPatients, startClockAt, todays, tokenOf } from "../../test/flows";

// Wednesday 4 March 2026, 10:05 in Rome: the demo day has visits done, one running and more to come.
const NOW = "2026-03-04T09:05:00Z";
const TODAY = "2026-03-04";

async function openToday(username = "reception") {
  const app = await openAs(username, "today");
  await screen.findByTestId("today-board");
  return app;
}

describe("reception's Today board", () => {
  beforeEach(() => {
    startClockAt(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("lists today's appointments by stage, for the clinic's date", async () => {
    const { backend } = await openToday();
    const next = todays(backend, "scheduled");
    const running = todays(backend, "in_consultation");
    expect(within(screen.getByTestId("today-group-upcoming")).getByTestId(`today-row-${next.id}`)).toHaveTextContent(patientName(backend, next.patient_id));
    expect(within(screen.getByTestId("today-group-in_consultation")).getByTestId(`today-row-${running.id}`)).toBeInTheDocument();
    const noShow = todays(backend, "no_show");
    expect(within(screen.getByTestId("today-group-no_show")).getByTestId(`today-row-${noShow.id}`)).toBeInTheDocument();
    expect(backend.calls.find((c) => c.name === "list_day")?.input).toEqual({ date: TODAY, include_inactive: true });
    // A cancelled booking is not on the board.
    const cancelled = todays(backend, "cancelled");
    expect(screen.queryByTestId(`today-row-${cancelled.id}`)).not.toBeInTheDocument();
  });

  it("checks a patient in: they join the doctor's queue with the day's next ticket", async () => {
    const { user, backend } = await openToday();
    const next = todays(backend, "scheduled", "dr.rossi");
    const name = patientName(backend, next.patient_id);
    const ticket = nextTicket(backend);
    await user.click(screen.getByTestId(`check-in-${next.id}`));
    expect(await screen.findByTestId("today-notice")).toHaveTextContent(`${name} is checked in and waiting for Dr. Giulia Rossi.`);
    const queue = within(screen.getByTestId("queue-doctor-dr.rossi"));
    expect(await queue.findByTestId(`queue-ticket-${next.id}`)).toHaveTextContent(`#${ticket}`);
    expect(within(queue.getByTestId(`queue-entry-${next.id}`)).getByText(name)).toBeInTheDocument();
    await waitFor(() => {
      expect(within(screen.getByTestId("today-group-waiting")).getByTestId(`ticket-${next.id}`)).toHaveTextContent(`#${ticket}`);
    });
    expect(backend.calls.filter((c) => c.name === "check_in_appointment").map((c) => c.input)).toEqual([{ appointment_id: next.id }]);
  });

  it("lets the doctor call the next patient in (and turn busy), then complete the visit", async () => {
    const { user, backend } = await openToday("dr.rossi");
    const rossi = within(screen.getByTestId("queue-doctor-dr.rossi"));
    const next = todays(backend, "scheduled", "dr.rossi");
    await user.click(screen.getByTestId(`check-in-${next.id}`));
    await rossi.findByTestId(`queue-entry-${next.id}`);
    // The first in Dr. Rossi's queue is called: whoever that is, by the ticket shown.
    const first = rossi.getAllByTestId(/^queue-entry-/)[0];
    const calledId = first?.dataset.testid?.replace("queue-entry-", "") ?? "";
    const called = backend.scheduling.appointments.get(calledId);
    const name = patientName(backend, called?.patient_id ?? "");
    const ticket = within(first ?? document.body).getByTestId(`queue-ticket-${calledId}`).textContent;
    await user.click(rossi.getByTestId("call-next-dr.rossi"));
    expect(await screen.findByText(`Ticket ${ticket.replace("#", "")} (${name}) is called in to Dr. Giulia Rossi.`)).toBeInTheDocument();
    expect(await rossi.findByText("Busy")).toBeInTheDocument();
    expect(await rossi.findByTestId("queue-with-dr.rossi")).toHaveTextContent(`${ticket} ${name}`);
    expect(backend.calls.find((c) => c.name === "call_next_patient")?.input).toEqual({ doctor_id: next.doctor_id });
    expect(backend.scheduling.appointments.get(calledId)?.status).toBe("in_consultation");

    await user.click(await within(screen.getByTestId("today-group-in_consultation")).findByTestId(`complete-${calledId}`));
    expect(await screen.findByText(`The visit of ${name} is completed.`)).toBeInTheDocument();
    await waitFor(() => {
      expect(within(screen.getByTestId("today-group-done")).getByTestId(`today-row-${calledId}`)).toBeInTheDocument();
    });
    expect(await rossi.findByText("Available")).toBeInTheDocument();
  });

  it("leaves calling in and completing to doctors and nurses", async () => {
    const { backend } = await openToday();
    const running = todays(backend, "in_consultation");
    await screen.findByTestId("queue-doctor-dr.rossi");
    expect(screen.queryByTestId("call-next-dr.rossi")).not.toBeInTheDocument();
    expect(screen.getByTestId(`today-row-${running.id}`)).toBeInTheDocument();
    expect(screen.queryByTestId(`complete-${running.id}`)).not.toBeInTheDocument();
  });

  it("shows Rust's refusal of a no-show before the grace time, as Rust words it", async () => {
    const { user, backend } = await openToday();
    const next = todays(backend, "scheduled");
    await user.click(screen.getByTestId(`no-show-${next.id}`));
    const from = clinicTime(backend, Date.parse(next.starts_at) + 15 * 60_000);
    expect(await screen.findByTestId("today-error")).toHaveTextContent(`A no-show can be marked from ${from} on (15 minutes after the start).`);
    expect(within(screen.getByTestId("today-group-upcoming")).getByTestId(`today-row-${next.id}`)).toBeInTheDocument();
  });

  it("checks a walk-in in: booked now in clinic time, straight into the queue", async () => {
    const { user, backend } = await openToday();
    // Rust squeezes the walk-in into the doctor's first free gap from now.
    const doctor = backend.users.get("dr.rossi") ?? { id: "", username: "", full_name: "" };
    await user.click(screen.getByTestId("walk-in"));
    const dialog = within(await screen.findByTestId("walk-in-dialog"));
    await user.click(dialog.getByTestId("walk-in-submit"));
    expect(await dialog.findByTestId("error-patient_id")).toHaveTextContent("Choose a patient.");
    expect(dialog.getByTestId("error-doctor_id")).toHaveTextContent("Choose a doctor.");
    await searchPatients(user, "bianchi marco", "walk-in-patient");
    await user.click(dialog.getByText("Bianchi, Marco", { exact: true }));
    expect(dialog.getByTestId("walk-in-patient-chosen")).toHaveTextContent("Bianchi, Marco");
    await user.selectOptions(dialog.getByTestId("walk-in-doctor"), doctor.id);
    const followUp = [...backend.scheduling.visitTypes.values()].find((v) => v.name === "Follow-up");
    await user.selectOptions(dialog.getByTestId("walk-in-visit-type"), followUp?.id ?? "");
    await user.type(dialog.getByTestId("walk-in-reason"), "Dressing change");
    await user.click(dialog.getByTestId("walk-in-submit"));
    expect(await screen.findByTestId("today-notice")).toHaveTextContent(`Marco Bianchi is checked in as a walk-in for ${doctor.full_name}.`);
    const input = backend.calls.find((c) => c.name === "book_appointment")?.input as BookAppointmentInput;
    expect(input).toMatchObject({ doctor_id: doctor.id, visit_type_id: followUp?.id, walk_in: true, reason: "Dressing change" });
    expect(input.starts_at).toMatch(/^2026-03-04T10:0[5-9]$/);
    const queue = within(screen.getByTestId(`queue-doctor-${doctor.username}`));
    expect(await queue.findByText("Marco Bianchi")).toBeInTheDocument();
    expect(within(screen.getByTestId("today-group-waiting")).getByText("Walk-in")).toBeInTheDocument();
  });

  it("puts Rust's refusal of a walk-in next to the field it names", async () => {
    const { user, backend } = await openToday();
    backend.failNext("book_appointment", { code: "validation", message: "this record was merged; use the surviving patient", field: "patient_id" });
    await user.click(screen.getByTestId("walk-in"));
    const dialog = within(await screen.findByTestId("walk-in-dialog"));
    await searchPatients(user, "romano", "walk-in-patient");
    await user.click(dialog.getByText("Romano, Luca", { exact: true }));
    await user.selectOptions(dialog.getByTestId("walk-in-doctor"), backend.users.get("dr.rossi")?.id ?? "");
    await user.click(dialog.getByTestId("walk-in-submit"));
    expect(await dialog.findByTestId("error-patient_id")).toHaveTextContent("This record was merged; use the surviving patient.");
  });

  it("finds today's patient with / and checks them in with Enter", async () => {
    const { user, backend } = await openToday();
    const next = todays(backend, "scheduled");
    const patient = backend.patients.get(next.patient_id);
    await user.keyboard("/");
    const search = screen.getByTestId("today-search");
    expect(search).toHaveFocus();
    await user.type(search, patient?.mrn ?? "");
    expect(screen.getByTestId(`today-row-${next.id}`)).toHaveAttribute("aria-current", "true");
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("today-notice")).toHaveTextContent(`${patientName(backend, next.patient_id)} is checked in`);
    await waitFor(() => {
      expect(backend.calls.filter((c) => c.name === "check_in_appointment").map((c) => c.input)).toEqual([{ appointment_id: next.id }]);
    });
    expect(screen.getByTestId("today-shortcuts")).toHaveTextContent("Enter check in the chosen patient");
  });

  it("follows changes made elsewhere (the clinic-changed event)", async () => {
    const { backend } = await openToday();
    const next = todays(backend, "scheduled");
    const ticket = nextTicket(backend);
    // Another desk checks the patient in.
    await backend.transport("check_in_appointment", await tokenOf(backend, "nurse.muller"), { appointment_id: next.id });
    const row = await within(screen.getByTestId("today-group-waiting")).findByTestId(`today-row-${next.id}`);
    await waitFor(() => {
      expect(row).toHaveTextContent(`#${ticket}`);
    });
  });

  it("opens the waiting-room display in its own Tauri window", async () => {
    const created: unknown[] = [];
    mockIPC((cmd, payload) => {
      if (cmd === "plugin:window|get_all_windows") return [];
      if (cmd === "plugin:webview|create_webview_window") created.push(payload);
      return null;
    });
    try {
      const { user } = await openToday();
      await user.click(screen.getByTestId("open-display"));
      await waitFor(() => {
        expect(created).toEqual([{ options: { label: "display", url: "/display", title: "ClinicDesk — Waiting room", width: 1280, height: 720 } }]);
      });
      await waitFor(() => {
        expect(screen.getByTestId("open-display")).toBeEnabled();
      });
      expect(screen.queryByTestId("today-error")).not.toBeInTheDocument();
    } finally {
      clearMocks();
    }
  });

  it("shows an administrator the board without the queue's actions", async () => {
    const { backend } = await openToday("admin");
    const next = todays(backend, "scheduled");
    expect(screen.getByTestId(`today-row-${next.id}`)).toBeInTheDocument();
    expect(screen.queryByTestId(`check-in-${next.id}`)).not.toBeInTheDocument();
    expect(screen.queryByTestId(`no-show-${next.id}`)).not.toBeInTheDocument();
    expect(screen.queryByTestId("queue-panel")).not.toBeInTheDocument();
    expect(backend.calls.some((c) => c.name === "waiting_queue")).toBe(false);
    expect(screen.getByTestId("walk-in")).toBeInTheDocument();
  });

  it("is not offered to a pharmacist", async () => {
    await openAs("pharmacy");
    expect(screen.queryByTestId("nav-today")).not.toBeInTheDocument();
  });
});
