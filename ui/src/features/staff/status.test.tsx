import { screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { openAs, startClockAt, todays, tokenOf } from "../../test/flows";

// Wednesday 4 March 2026, 10:05 in Rome: Dr. Rossi has patients later this morning.
const NOW = "2026-03-04T09:05:00Z";

describe("a doctor's status in the header", () => {
  beforeEach(() => {
    startClockAt(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("shows the doctor's own availability and changes it from the menu", async () => {
    const { user, backend } = await openAs("dr.rossi");
    const button = await screen.findByTestId("status-menu");
    await waitFor(() => {
      expect(button).toHaveTextContent("Offline");
    });
    expect(button).toHaveAttribute("aria-expanded", "false");
    await user.click(button);
    const menu = within(screen.getByRole("menu", { name: "My status" }));
    expect(menu.getByRole("menuitemradio", { name: "Offline" })).toHaveAttribute("aria-checked", "true");
    await user.click(menu.getByRole("menuitemradio", { name: "Available" }));
    await waitFor(() => {
      expect(button).toHaveTextContent("Available");
    });
    expect(screen.queryByRole("menu")).not.toBeInTheDocument();
    expect(backend.calls.filter((c) => c.name === "set_my_availability").map((c) => c.input)).toEqual([{ availability: "available" }]);
    expect(backend.users.get("dr.rossi")?.availability).toBe("available");
  });

  it("is driven by the keyboard: arrows move, Enter chooses, Escape closes", async () => {
    const { user, backend } = await openAs("dr.rossi");
    const button = await screen.findByTestId("status-menu");
    await waitFor(() => {
      expect(button).toBeEnabled();
    });
    button.focus();
    await user.keyboard("{Enter}");
    expect(screen.getByTestId("status-option-offline")).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("menu")).not.toBeInTheDocument();
    expect(button).toHaveFocus();
    await user.keyboard("{Enter}");
    await user.keyboard("{ArrowUp}{ArrowUp}");
    expect(screen.getByTestId("status-option-busy")).toHaveFocus();
    await user.keyboard("{ArrowUp}{Enter}");
    await waitFor(() => {
      expect(backend.calls.filter((c) => c.name === "set_my_availability").map((c) => c.input)).toEqual([{ availability: "available" }]);
    });
    await waitFor(() => {
      expect(button).toHaveTextContent("Available");
    });
  });

  it("turns busy by itself when the doctor's next patient is called in elsewhere", async () => {
    const { backend } = await openAs("dr.rossi");
    const button = await screen.findByTestId("status-menu");
    await waitFor(() => {
      expect(button).toHaveTextContent("Offline");
    });
    // Reception checks the next patient in; the nurse calls them in to Dr. Rossi.
    const next = todays(backend, "scheduled", "dr.rossi");
    await backend.transport("check_in_appointment", await tokenOf(backend, "reception"), { appointment_id: next.id });
    await backend.transport("call_next_patient", await tokenOf(backend, "nurse.muller"), { doctor_id: next.doctor_id });
    // Rust set "busy"; the clinic-changed event (users) brings it to the header.
    await waitFor(() => {
      expect(button).toHaveTextContent("Busy");
    });
    expect(button).toHaveAttribute("data-availability", "busy");
  });

  it("is not in the header of staff who do not see patients as doctors", async () => {
    await openAs("reception");
    expect(screen.queryByTestId("status-menu")).not.toBeInTheDocument();
  });
});
