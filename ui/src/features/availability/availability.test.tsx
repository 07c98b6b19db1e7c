import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Commands } from "../../api/generated";
import { openAs } from "../../test/flows";

async function openAvailability(username = "admin", doctor = "dr.rossi") {
  const app = await openAs(username, "availability");
  const picker = await screen.findByTestId("availability-doctor");
  await waitFor(() => {
    expect(picker).toBeEnabled();
  });
  await app.user.selectOptions(picker, app.backend.users.get(doctor)?.id ?? "");
  await screen.findByTestId("weekly-editor");
  return app;
}

function lastCall<K extends keyof Commands>(calls: { name: string; input: unknown }[], name: K): Commands[K]["input"] | undefined {
  return calls.filter((c) => c.name === name).at(-1)?.input as Commands[K]["input"] | undefined;
}

describe("doctors' availability", () => {
  it("edits a doctor's weekly hours: several blocks a day, each in a room", async () => {
    const { user, backend } = await openAvailability();
    const monday = within(screen.getByTestId("weekday-1"));
    await waitFor(() => {
      expect(monday.getAllByTestId(/^block-\d+$/)).toHaveLength(2);
    });
    expect(screen.getByTestId("block-start-0")).toHaveValue("08:30");
    expect(screen.getByTestId("block-end-1")).toHaveValue("18:00");
    expect(screen.getByTestId("block-room-0")).toHaveValue("Room 1");
    const before = backend.scheduling.appointments.size;
    const count = screen.getAllByTestId(/^block-\d+$/).length;

    await user.click(screen.getByTestId("block-add-6"));
    const saturday = within(screen.getByTestId("weekday-6"));
    expect(saturday.getByTestId(`block-start-${count}`)).toHaveValue("09:00");
    await user.clear(saturday.getByTestId(`block-end-${count}`));
    await user.type(saturday.getByTestId(`block-end-${count}`), "12:00");
    await user.type(saturday.getByTestId(`block-room-${count}`), "Room 3");
    // A second block on Saturday afternoon.
    await user.click(screen.getByTestId("block-add-6"));
    await user.click(screen.getByTestId("weekly-save"));
    expect(await screen.findByTestId("weekly-saved")).toHaveTextContent("The weekly hours are saved.");
    const input = lastCall(backend.calls, "set_weekly_availability");
    expect(input?.doctor_id).toBe(backend.users.get("dr.rossi")?.id);
    expect(input?.blocks.filter((b) => b.weekday === 6)).toEqual([
      { weekday: 6, start: "09:00", end: "12:00", room: "Room 3" },
      { weekday: 6, start: "14:00", end: "18:00", room: "Room 3" },
    ]);
    expect(input?.blocks).toHaveLength(count + 2);
    expect(backend.scheduling.appointments.size).toBe(before);
  });

  it("checks the hours before sending them, and puts Rust's errors on the block they name", async () => {
    const { user, backend } = await openAvailability();
    await user.clear(screen.getByTestId("block-end-0"));
    await user.type(screen.getByTestId("block-end-0"), "08:00");
    await user.clear(screen.getByTestId("block-start-1"));
    await user.type(screen.getByTestId("block-start-1"), "12:00");
    await user.clear(screen.getByTestId("block-end-2"));
    await user.type(screen.getByTestId("block-end-2"), "noon");
    await user.click(screen.getByTestId("weekly-save"));
    expect(await screen.findByTestId("error-blocks.0.end")).toHaveTextContent("The end must be after the start.");
    expect(screen.getByTestId("error-blocks.2.end")).toHaveTextContent("Write a time of day like 08:30.");
    expect(backend.calls.some((c) => c.name === "set_weekly_availability")).toBe(false);

    await user.clear(screen.getByTestId("block-end-0"));
    await user.type(screen.getByTestId("block-end-0"), "12:30");
    await user.clear(screen.getByTestId("block-end-2"));
    await user.type(screen.getByTestId("block-end-2"), "12:30");
    await user.click(screen.getByTestId("weekly-save"));
    expect(await screen.findByTestId("error-blocks.1.start")).toHaveTextContent("These hours overlap other hours of the same day.");
    await user.clear(screen.getByTestId("block-start-1"));
    await user.type(screen.getByTestId("block-start-1"), "14:00");

    backend.failNext("set_weekly_availability", { code: "validation", message: "Room is longer than 50 characters", field: "blocks.1.room" });
    await user.click(screen.getByTestId("weekly-save"));
    expect(await screen.findByTestId("error-blocks.1.room")).toHaveTextContent("Room is longer than 50 characters.");
    expect(screen.getByTestId("block-room-1")).toHaveAttribute("aria-invalid", "true");
  });

  it("adds leave in clinic time and lists it", async () => {
    const { user, backend } = await openAvailability();
    await user.click(screen.getByTestId("availability-tab-exceptions"));
    await screen.findByText("No leave or extra hours ahead.");
    await user.type(screen.getByTestId("exception-starts-at"), "2030-03-12T18:00");
    await user.type(screen.getByTestId("exception-ends-at"), "2030-03-10T08:00");
    await user.click(screen.getByTestId("exception-submit"));
    expect(await screen.findByTestId("error-ends_at")).toHaveTextContent("The end must be after the start.");

    await user.clear(screen.getByTestId("exception-starts-at"));
    await user.type(screen.getByTestId("exception-starts-at"), "2030-03-10T08:00");
    await user.clear(screen.getByTestId("exception-ends-at"));
    await user.type(screen.getByTestId("exception-ends-at"), "2030-03-12T18:00");
    await user.type(screen.getByTestId("exception-reason"), "Conference");
    await user.click(screen.getByTestId("exception-submit"));
    expect(await screen.findByTestId("exception-saved")).toBeInTheDocument();
    const table = within(await screen.findByTestId("exceptions-table"));
    expect(table.getByText("Conference")).toBeInTheDocument();
    expect(table.getByText("Away")).toBeInTheDocument();
    expect(lastCall(backend.calls, "add_availability_exception")).toEqual({
      doctor_id: backend.users.get("dr.rossi")?.id,
      kind: "unavailable",
      starts_at: "2030-03-10T08:00",
      ends_at: "2030-03-12T18:00",
      reason: "Conference",
    });
  });

  it("takes back leave entered by mistake, after a second click", async () => {
    const { user, backend } = await openAvailability();
    await user.click(screen.getByTestId("availability-tab-exceptions"));
    await screen.findByText("No leave or extra hours ahead.");
    await user.type(screen.getByTestId("exception-starts-at"), "2030-04-01T08:00");
    await user.type(screen.getByTestId("exception-ends-at"), "2030-04-01T12:00");
    await user.type(screen.getByTestId("exception-reason"), "Typed the wrong doctor");
    await user.click(screen.getByTestId("exception-submit"));
    const table = within(await screen.findByTestId("exceptions-table"));
    const row = table.getByText("Typed the wrong doctor").closest("tr");
    const id = row?.getAttribute("data-testid")?.replace("exception-", "") ?? "";
    await user.click(screen.getByTestId(`exception-remove-${id}`));
    // Nothing is removed until the second, explicit click.
    expect(backend.calls.some((c) => c.name === "remove_availability_exception")).toBe(false);
    await user.click(screen.getByTestId(`exception-remove-confirm-${id}`));
    expect(await screen.findByText("No leave or extra hours ahead.")).toBeInTheDocument();
    expect(lastCall(backend.calls, "remove_availability_exception")).toEqual({ exception_id: id });
  });

  it("manages visit types: lengths in steps of 5, names unique (Rust's error on the field)", async () => {
    const { user, backend } = await openAs("admin", "availability");
    await user.click(await screen.findByTestId("availability-tab-visitTypes"));
    expect(within(await screen.findByTestId("visit-types-table")).getByTestId("visit-type-Consultation")).toHaveTextContent("30 min");
    await user.click(screen.getByTestId("visit-type-create"));
    const dialog = within(await screen.findByTestId("visit-type-dialog"));
    await user.type(dialog.getByTestId("visit-type-name"), "consultation");
    await user.clear(dialog.getByTestId("visit-type-minutes"));
    await user.type(dialog.getByTestId("visit-type-minutes"), "7");
    await user.clear(dialog.getByTestId("visit-type-buffer"));
    await user.type(dialog.getByTestId("visit-type-buffer"), "200");
    await user.click(dialog.getByTestId("visit-type-submit"));
    expect(await dialog.findByTestId("error-minutes")).toHaveTextContent("A visit lasts 5 to 480 minutes, in steps of 5.");
    expect(dialog.getByTestId("error-buffer_minutes")).toHaveTextContent("The buffer is 0 to 120 minutes, in steps of 5.");
    expect(backend.calls.some((c) => c.name === "save_visit_type")).toBe(false);

    await user.clear(dialog.getByTestId("visit-type-minutes"));
    await user.type(dialog.getByTestId("visit-type-minutes"), "10");
    await user.clear(dialog.getByTestId("visit-type-buffer"));
    await user.type(dialog.getByTestId("visit-type-buffer"), "5");
    await user.click(dialog.getByTestId("visit-type-submit"));
    expect(await dialog.findByTestId("error-name")).toHaveTextContent(/^A visit type .consultation. exists already\.$/);

    await user.clear(dialog.getByTestId("visit-type-name"));
    await user.type(dialog.getByTestId("visit-type-name"), "Telephone consult");
    await user.click(dialog.getByTestId("visit-type-submit"));
    expect(await screen.findByTestId("visit-types-notice")).toHaveTextContent("Telephone consult is saved.");
    expect(await screen.findByTestId("visit-type-Telephone consult")).toHaveTextContent("10 min");
    expect(lastCall(backend.calls, "save_visit_type")).toEqual({ id: null, name: "Telephone consult", minutes: 10, buffer_minutes: 5, colour: "#0f766e", active: true });
  });

  it("retires a visit type (it stays on past appointments)", async () => {
    const { user, backend } = await openAs("admin", "availability");
    await user.click(await screen.findByTestId("availability-tab-visitTypes"));
    await user.click(await screen.findByTestId("visit-type-edit-Vaccination"));
    const dialog = within(await screen.findByTestId("visit-type-dialog"));
    expect(dialog.getByTestId("visit-type-minutes")).toHaveValue(15);
    await user.click(dialog.getByTestId("visit-type-active"));
    await user.click(dialog.getByTestId("visit-type-submit"));
    expect(await within(await screen.findByTestId("visit-type-Vaccination")).findByText("No longer offered")).toBeInTheDocument();
    expect(lastCall(backend.calls, "save_visit_type")).toMatchObject({ name: "Vaccination", active: false });
  });

  it("leaves visit types to administrators", async () => {
    await openAvailability("reception");
    expect(screen.getByTestId("availability-tab-exceptions")).toBeInTheDocument();
    expect(screen.queryByTestId("availability-tab-visitTypes")).not.toBeInTheDocument();
  });

  it("is not offered to a doctor (reception and administrators keep the hours)", async () => {
    await openAs("dr.okafor");
    expect(screen.queryByTestId("nav-availability")).not.toBeInTheDocument();
  });
});
