import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { memoryLocation } from "wouter/memory-location";
import { setSessionToken, setTransport } from "../../api/gateway";
import type { LoginOutput } from "../../api/generated";
import { createQueryClient } from "../../api/queries";
import { App } from "../../app/App";
import { createFakeBackend } from "../../test/fake-backend";
import { demoPatient, openAs } from "../../test/flows";

describe("patients in the command palette", () => {
  it("finds a patient with Ctrl+K (from 2 characters) and opens the chart", async () => {
    const { user, backend } = await openAs("reception");
    const esposito = demoPatient(backend, "Esposito");
    await user.keyboard("{Control>}k{/Control}");
    const input = await screen.findByTestId("palette-input");
    await user.type(input, "e");
    expect(backend.calls.some((c) => c.name === "search_patients")).toBe(false);
    await user.type(input, "sposito fra");
    const item = await screen.findByTestId(`palette-patient-${esposito.id}`);
    expect(item).toHaveTextContent("Esposito, Francesca");
    expect(item).toHaveTextContent(`${esposito.mrn} · `);
    expect(item).toHaveTextContent("Allergies");
    expect(within(screen.getByTestId("command-palette")).getByText("Patients")).toBeInTheDocument();
    expect(backend.calls.filter((c) => c.name === "search_patients").at(-1)?.input).toEqual({ query: "esposito fra", limit: 8 });
    await waitFor(() => {
      expect(item).toHaveAttribute("data-selected", "true");
    });
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("chart-name")).toHaveTextContent("Francesca Esposito");
    expect(screen.queryByTestId("palette-input")).not.toBeInTheDocument();
  });

  it("offers to register a new patient to those who may", async () => {
    const { user } = await openAs("reception");
    await user.keyboard("{Control>}k{/Control}");
    await user.type(await screen.findByTestId("palette-input"), "new pat");
    await user.click(await screen.findByTestId("palette-action-new-patient"));
    expect(await screen.findByTestId("patient-given-name")).toBeInTheDocument();
  });

  it("never searches patients for a role without patients.read", async () => {
    // The one role without it (the kiosk) only ever sees the waiting-room display: a signed-in
    // session stripped of patients.read stands in for it here.
    const backend = createFakeBackend({ state: "demo" });
    setTransport(backend.transport);
    const output = (await backend.transport("login", null, { username: "accounts", password: "steady ledger violet 47" })) as LoginOutput;
    setSessionToken(output.token);
    const session = {
      user: output.user,
      permissions: new Set(output.permissions.filter((p) => p !== "patients.read")),
      idleLockMinutes: output.idle_lock_minutes,
      location: memoryLocation({ path: "/" }),
    };
    const user = userEvent.setup();
    render(<App queryClient={createQueryClient()} initialSession={{ phase: "active", session }} />);
    await screen.findByTestId("app-frame");
    await user.keyboard("{Control>}k{/Control}");
    await user.type(await screen.findByTestId("palette-input"), "garcia");
    expect(await screen.findByText("Nothing matches.")).toBeInTheDocument();
    expect(backend.calls.some((c) => c.name === "search_patients")).toBe(false);
  });

  it("gives the kiosk no palette at all: it only sees the waiting-room display", async () => {
    const { user, backend } = await openAs("display");
    await user.keyboard("{Control>}k{/Control}");
    expect(screen.queryByTestId("palette-input")).not.toBeInTheDocument();
    expect(backend.calls.some((c) => c.name === "search_patients")).toBe(false);
  });
});
