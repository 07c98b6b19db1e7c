import { screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { FakeBackend } from "../../test/fake-backend";
import { openAs, searchPatients, startClockAt, todaysAppointments, tokenOf } from "../../test/flows";

// Wednesday 4 March 2026, 10:05 in Rome. The demo waitlist has a patient waiting for Dr. Rossi.
const NOW = "2026-03-04T09:05:00Z";

async function openWaitlist(username = "reception") {
  const app = await openAs(username, "today");
  await screen.findByTestId("waitlist");
  return app;
}

/** Frees half an hour of Dr. Rossi's later today from another desk: Rust offers it to the waitlist. */
async function freeRossiSlot(backend: FakeBackend) {
  const rossi = backend.users.get("dr.rossi")?.id;
  const later = todaysAppointments(backend).find((a) => a.doctor_id === rossi && a.status === "scheduled" && Date.parse(a.ends_at) - Date.parse(a.starts_at) >= 30 * 60_000);
  if (!later) throw new Error("the demo day has no later half hour of Dr. Rossi");
  await backend.transport("cancel_appointment", await tokenOf(backend, "reception"), { appointment_id: later.id, reason: "Patient called to cancel" });
  const offered = [...backend.scheduling.waitlist.values()].find((e) => e.status === "offered");
  if (!offered) throw new Error("the freed slot was offered to nobody");
  return offered;
}

describe("the waitlist on the Today board", () => {
  beforeEach(() => {
    startClockAt(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("adds a patient to the waitlist for a doctor", async () => {
    const { user, backend } = await openWaitlist();
    await user.click(screen.getByTestId("waitlist-add"));
    const dialog = within(await screen.findByTestId("waitlist-add-dialog"));
    await user.click(dialog.getByTestId("waitlist-add-submit"));
    expect(await dialog.findByTestId("error-patient_id")).toHaveTextContent("Choose a patient.");
    expect(dialog.getByTestId("error-doctor_id")).toHaveTextContent("Choose a doctor or a specialization.");
    expect(dialog.getByTestId("error-visit_type_id")).toHaveTextContent("Choose a visit type.");
    await searchPatients(user, "romano", "waitlist-patient");
    await user.click(dialog.getByText("Romano, Luca", { exact: true }));
    await user.selectOptions(dialog.getByTestId("waitlist-who"), "specialization:Paediatrics");
    const consultation = [...backend.scheduling.visitTypes.values()].find((v) => v.name === "Consultation");
    await user.selectOptions(dialog.getByTestId("waitlist-visit-type"), consultation?.id ?? "");
    await user.type(dialog.getByTestId("waitlist-note"), "Afternoons only");
    await user.click(dialog.getByTestId("waitlist-add-submit"));
    expect(await screen.findByTestId("today-notice")).toHaveTextContent("Luca Romano is on the waitlist.");
    const entry = [...backend.scheduling.waitlist.values()].find((e) => e.note === "Afternoons only");
    expect(entry).toMatchObject({ doctor_id: null, specialization: "Paediatrics", visit_type_id: consultation?.id, status: "waiting" });
    expect(await screen.findByTestId(`waitlist-entry-${entry?.id ?? ""}`)).toHaveTextContent("Afternoons only");
  });

  it("shows a freed slot offered to the waitlist as it happens, and books it", async () => {
    const { user, backend } = await openWaitlist();
    const offered = await freeRossiSlot(backend);
    const entry = await screen.findByTestId(`waitlist-entry-${offered.id}`);
    await waitFor(() => {
      expect(entry).toHaveAttribute("data-status", "offered");
    });
    const label = within(entry).getByTestId(`waitlist-offer-${offered.id}`).textContent;
    expect(label).toMatch(/^Free slot: Wed 04 Mar \d\d:\d\d with Dr\. Giulia Rossi$/);
    expect(screen.getByTestId("waitlist-panel")).toHaveTextContent("1 offer");
    await user.click(within(entry).getByTestId(`waitlist-accept-${offered.id}`));
    const slot = label.replace("Free slot: ", "").replace(" with Dr. Giulia Rossi", "");
    expect(await screen.findByTestId("today-notice")).toHaveTextContent(`is booked on ${slot}.`);
    await waitFor(() => {
      expect(screen.queryByTestId(`waitlist-entry-${offered.id}`)).not.toBeInTheDocument();
    });
    expect(backend.calls.filter((c) => c.name === "accept_waitlist_offer").map((c) => c.input)).toEqual([{ entry_id: offered.id }]);
    expect(backend.scheduling.waitlist.get(offered.id)?.status).toBe("booked");
  });

  it("declines an offer: the patient keeps their place on the list", async () => {
    const { user, backend } = await openWaitlist();
    const offered = await freeRossiSlot(backend);
    const entry = await screen.findByTestId(`waitlist-entry-${offered.id}`);
    await user.click(await within(entry).findByTestId(`waitlist-decline-${offered.id}`));
    expect(await screen.findByTestId("today-notice")).toHaveTextContent("keeps their place; the slot goes to the next in line.");
    await waitFor(() => {
      expect(screen.getByTestId(`waitlist-entry-${offered.id}`)).toHaveAttribute("data-status", "waiting");
    });
    expect(backend.calls.filter((c) => c.name === "decline_waitlist_offer").map((c) => c.input)).toEqual([{ entry_id: offered.id }]);
  });

  it("takes a patient off the waitlist with a reason", async () => {
    const { user, backend } = await openWaitlist();
    const waiting = [...backend.scheduling.waitlist.values()].find((e) => e.status === "waiting");
    const id = waiting?.id ?? "";
    await user.click(await screen.findByTestId(`waitlist-remove-${id}`));
    const dialog = within(await screen.findByTestId("waitlist-remove-dialog"));
    await user.click(dialog.getByTestId("waitlist-remove-submit"));
    expect(await dialog.findByTestId("error-reason")).toHaveTextContent("This is required.");
    await user.type(dialog.getByTestId("waitlist-remove-reason"), "Booked by phone");
    await user.click(dialog.getByTestId("waitlist-remove-submit"));
    expect(await screen.findByTestId("today-notice")).toHaveTextContent("is off the waitlist.");
    await waitFor(() => {
      expect(screen.queryByTestId(`waitlist-entry-${id}`)).not.toBeInTheDocument();
    });
    expect(backend.calls.find((c) => c.name === "remove_from_waitlist")?.input).toEqual({ entry_id: id, reason: "Booked by phone" });
  });

  it("shows a doctor the waitlist without its actions", async () => {
    const { backend } = await openWaitlist("dr.okafor");
    const waiting = [...backend.scheduling.waitlist.values()].find((e) => e.status === "waiting");
    expect(screen.getByTestId(`waitlist-entry-${waiting?.id ?? ""}`)).toBeInTheDocument();
    expect(screen.queryByTestId("waitlist-add")).not.toBeInTheDocument();
    expect(screen.queryByTestId(`waitlist-remove-${waiting?.id ?? ""}`)).not.toBeInTheDocument();
    expect(screen.queryByTestId("walk-in")).not.toBeInTheDocument();
  });
});
