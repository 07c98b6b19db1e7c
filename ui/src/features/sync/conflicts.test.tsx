import { screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createFakeBackend, type FakeBackend } from "../../test/fake-backend";
import { clinicTime, patientName, todays } from "../../test/flows";
import { openAt, patientId, startClock } from "../billing/test-render";

const SYNC = { settings: { server_url: "postgres://clinicdesk@db.clinic.local/clinicdesk", enabled: true, workstation_name: "Reception 1" }, lastSyncMinutesAgo: 1 };

const inputsOf = (backend: FakeBackend, name: string) => backend.calls.filter((c) => c.name === name).map((c) => c.input);

/** The demo clinic with Dr. Rossi's next scheduled appointment of today booked again by another desk. */
function doubleBooked() {
  const backend = createFakeBackend({ state: "demo", latency: 5, sync: SYNC });
  const existing = todays(backend, "scheduled", "dr.rossi");
  const arrivedId = backend.doubleBookingArrives(existing.id, { patientId: patientId(backend, "Esposito"), bookedBy: "María López" });
  const conflictId = [...backend.sync.conflicts.keys()][0] ?? "";
  return { backend, existing, arrivedId, conflictId };
}

beforeEach(() => {
  startClock();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("the sync conflicts screen", { timeout: 30_000 }, () => {
  it("shows a double booking's two bookings side by side, in the clinic's time, with who booked them", async () => {
    const { backend, existing, arrivedId, conflictId } = doubleBooked();
    await openAt("reception", "/sync/conflicts", { backend });
    const card = await screen.findByTestId(`conflict-${conflictId}`);
    expect(card).toHaveAttribute("data-kind", "double_booking");
    expect(card).toHaveAttribute("data-open", "true");
    expect(within(card).getByRole("heading", { name: "Double booking" })).toBeInTheDocument();
    expect(card).toHaveTextContent("Dr. Giulia Rossi is booked twice at overlapping times.");

    const first = within(card).getByTestId(`conflict-booking-${existing.id}`);
    const second = within(card).getByTestId(`conflict-booking-${arrivedId}`);
    expect(first).toHaveTextContent(patientName(backend, existing.patient_id));
    expect(second).toHaveTextContent(patientName(backend, patientId(backend, "Esposito")));
    for (const side of [first, second]) {
      expect(side).toHaveTextContent("Dr. Giulia Rossi");
      expect(within(side).getByTestId("conflict-booking-when")).toHaveTextContent(`4 Mar 2026, ${clinicTime(backend, existing.starts_at)}–${clinicTime(backend, existing.ends_at)}`);
      expect(side).toHaveTextContent("Scheduled");
    }
    expect(within(second).getByTestId("conflict-booking-by")).toHaveTextContent("María López");
    // Rust knows who booked it only when that user is known here (the demo's bookings have no author).
    expect(within(first).getByTestId("conflict-booking-by")).toHaveTextContent("Not known on this workstation");
    expect(within(first).getByRole("button", { name: `Rebook ${patientName(backend, existing.patient_id)}` })).toBeInTheDocument();
    // Not something to dismiss: it closes when one booking moves.
    expect(within(card).queryByRole("button", { name: /dismiss/i })).not.toBeInTheDocument();
  });

  it("rebooks one of the two with the calendar's reschedule form; the conflict then closes", async () => {
    const { backend, arrivedId, conflictId } = doubleBooked();
    const { user } = await openAt("reception", "/sync/conflicts", { backend });
    const card = await screen.findByTestId(`conflict-${conflictId}`);
    await user.click(within(card).getByTestId(`conflict-rebook-${arrivedId}`));

    // The scheduling feature's own dialog, with the appointment's start in clinic time.
    const dialog = await screen.findByTestId("reschedule-dialog");
    expect(dialog).toHaveTextContent(`A new time or doctor for ${patientName(backend, patientId(backend, "Esposito"))}`);
    expect(within(dialog).getByTestId("reschedule-start-date")).toHaveValue("2026-03-04");
    expect(within(dialog).getByTestId("reschedule-start-time")).toHaveValue(clinicTime(backend, backend.scheduling.appointments.get(arrivedId)?.starts_at ?? ""));
    // The same checks as a booking: still overlapping is refused under the start.
    await user.click(within(dialog).getByTestId("reschedule-submit"));
    expect(await within(dialog).findByTestId("error-starts_at")).toBeInTheDocument();

    await user.selectOptions(within(dialog).getByTestId("reschedule-start-time"), "12:00");
    await user.click(within(dialog).getByTestId("reschedule-submit"));
    expect(await screen.findByTestId("conflicts-notice")).toHaveTextContent(`The appointment of ${patientName(backend, patientId(backend, "Esposito"))} is moved.`);
    expect(inputsOf(backend, "reschedule_appointment").at(-1)).toEqual({ appointment_id: arrivedId, starts_at: "2026-03-04T12:00" });
    await waitFor(() => {
      expect(screen.queryByTestId(`conflict-${conflictId}`)).not.toBeInTheDocument();
    });
    expect(screen.getByText("No open conflicts")).toBeInTheDocument();

    // Resolved, it is still there for the record.
    await user.click(screen.getByTestId("conflicts-show-closed"));
    const closed = await screen.findByTestId(`conflict-${conflictId}`);
    expect(closed).toHaveAttribute("data-open", "false");
    expect(closed).toHaveTextContent("Resolved");
    expect(within(closed).queryByTestId(`conflict-rebook-${arrivedId}`)).not.toBeInTheDocument();
  });

  it("cancels one booking with the calendar's cancel dialog, which asks for a reason", async () => {
    const { backend, existing, conflictId } = doubleBooked();
    const { user } = await openAt("reception", "/sync/conflicts", { backend });
    const card = await screen.findByTestId(`conflict-${conflictId}`);
    await user.click(within(card).getByTestId(`conflict-cancel-${existing.id}`));
    const dialog = await screen.findByTestId("cancel-dialog");
    await user.type(within(dialog).getByTestId("cancel-reason"), "Booked twice: the patient keeps the other desk's booking");
    await user.click(within(dialog).getByTestId("cancel-submit"));
    expect(await screen.findByTestId("conflicts-notice")).toHaveTextContent("is cancelled.");
    expect(backend.scheduling.appointments.get(existing.id)?.status).toBe("cancelled");
    await waitFor(() => {
      expect(screen.queryByTestId(`conflict-${conflictId}`)).not.toBeInTheDocument();
    });
  });

  it("offers no rebooking to a role that only reads the schedule", async () => {
    const { backend, arrivedId, conflictId } = doubleBooked();
    await openAt("nurse.muller", "/sync/conflicts", { backend });
    const card = await screen.findByTestId(`conflict-${conflictId}`);
    expect(within(card).getByTestId(`conflict-booking-${arrivedId}`)).toBeInTheDocument();
    expect(within(card).queryByTestId(`conflict-rebook-${arrivedId}`)).not.toBeInTheDocument();
  });

  it("dismisses a possible duplicate as two people, with a reason", async () => {
    const backend = createFakeBackend({ state: "demo", latency: 5, sync: SYNC });
    const bianchi = patientId(backend, "Bianchi");
    const arrived = backend.duplicateArrives(bianchi);
    const conflictId = [...backend.sync.conflicts.keys()][0] ?? "";
    const { user } = await openAt("reception", "/sync/conflicts", { backend });
    const card = await screen.findByTestId(`conflict-${conflictId}`);
    expect(within(card).getByRole("heading", { name: "Possible duplicate patient" })).toBeInTheDocument();
    expect(card).toHaveTextContent("Why: same date of birth and a similar name");
    const [here, there] = [within(card).getByTestId(`conflict-patient-${bianchi}`), within(card).getByTestId(`conflict-patient-${arrived}`)];
    expect(here).toHaveTextContent("Marco Bianchi");
    expect(here).toHaveTextContent(backend.patients.get(bianchi)?.mrn ?? "?");
    expect(here).toHaveTextContent("12 Apr 1975");
    expect(there).toHaveTextContent(backend.patients.get(arrived)?.mrn ?? "?");
    expect(backend.patients.get(arrived)?.mrn).toMatch(/^B2B-/);
    // Merging is for administrators.
    expect(within(card).queryByTestId(`conflict-merge-${conflictId}`)).not.toBeInTheDocument();

    await user.click(within(card).getByTestId(`conflict-not-same-${conflictId}`));
    const dialog = await screen.findByTestId("dismiss-dialog");
    expect(dialog).toHaveTextContent("Marco Bianchi · Marco Bianchi stay two records");
    await user.click(within(dialog).getByTestId("dismiss-submit"));
    expect(await within(dialog).findByTestId("error-reason")).toHaveTextContent("This is required.");
    expect(inputsOf(backend, "dismiss_sync_conflict")).toEqual([]);
    await user.type(within(dialog).getByTestId("dismiss-reason"), "Father and son: different phone numbers");
    await user.click(within(dialog).getByTestId("dismiss-submit"));

    expect(await screen.findByTestId("conflicts-notice")).toHaveTextContent("The conflict is dismissed.");
    expect(inputsOf(backend, "dismiss_sync_conflict")).toEqual([{ conflict_id: conflictId, reason: "Father and son: different phone numbers" }]);
    expect(backend.sync.conflicts.get(conflictId)?.dismissed_by).toBe("reception");
    await waitFor(() => {
      expect(screen.queryByTestId(`conflict-${conflictId}`)).not.toBeInTheDocument();
    });
    await user.click(screen.getByTestId("conflicts-show-closed"));
    const closed = await screen.findByTestId(`conflict-${conflictId}`);
    expect(closed).toHaveTextContent("Dismissed");
    expect(closed).toHaveTextContent("by reception");
  });

  it("opens the merge screen with both records chosen, for an administrator", async () => {
    const backend = createFakeBackend({ state: "demo", latency: 5, sync: SYNC });
    const bianchi = patientId(backend, "Bianchi");
    const arrived = backend.duplicateArrives(bianchi);
    const conflictId = [...backend.sync.conflicts.keys()][0] ?? "";
    const { user, location } = await openAt("admin", "/sync/conflicts", { backend });
    await user.click(await screen.findByTestId(`conflict-merge-${conflictId}`));
    expect(location.history.at(-1)).toBe(`/patients/merge/${bianchi}/${arrived}`);
    // Both sides are filled in: the comparison shows.
    expect((await screen.findAllByText("Side by side")).length).toBeGreaterThan(0);
    for (const id of [bianchi, arrived]) expect(screen.getAllByText(new RegExp(backend.patients.get(id)?.mrn ?? "?")).length).toBeGreaterThan(0);
    expect(screen.getByTestId("nav-merge")).toHaveAttribute("aria-current", "page");
  });

  it("lets an administrator dismiss a refused change; other roles do not see it", async () => {
    const backend = createFakeBackend({ state: "demo", latency: 5, sync: SYNC });
    const conflictId = backend.sync.changeRefused({ table_name: "invoices", row_id: "0190c0de-0000-7000-8000-0000000000aa", reason: "an issued invoice cannot change" });
    const reception = await openAt("reception", "/sync/conflicts", { backend });
    expect(await screen.findByText("No open conflicts")).toBeInTheDocument();
    reception.unmount();

    const { user } = await openAt("admin", "/sync/conflicts", { backend });
    const card = await screen.findByTestId(`conflict-${conflictId}`);
    expect(card).toHaveTextContent("Change refused by this workstation");
    expect(card).toHaveTextContent("invoices");
    expect(card).toHaveTextContent("0190c0de-0000-7000-8000-0000000000aa");
    expect(within(card).getByTestId(`conflict-detail-${conflictId}`)).toHaveTextContent(/^an issued invoice cannot change \(change .+ from workstation .+, update\)$/);
    await user.click(within(card).getByTestId(`conflict-dismiss-${conflictId}`));
    const dialog = await screen.findByTestId("dismiss-dialog");
    await user.type(within(dialog).getByTestId("dismiss-reason"), "Checked with the other desk");
    await user.click(within(dialog).getByTestId("dismiss-submit"));
    expect(await screen.findByTestId("conflicts-notice")).toHaveTextContent("The conflict is dismissed.");
    expect(backend.sync.conflicts.get(conflictId)?.dismissed_at).not.toBeNull();
  });

  it("is open to the roles that read the schedule only", async () => {
    await openAt("accounts", "/sync/conflicts");
    expect(await screen.findByTestId("not-available")).toBeInTheDocument();
  });
});
