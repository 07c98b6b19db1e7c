import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
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
    const { user, backend } = await openAs("display");
    await user.keyboard("{Control>}k{/Control}");
    await user.type(await screen.findByTestId("palette-input"), "garcia");
    expect(await screen.findByText("Nothing matches.")).toBeInTheDocument();
    expect(backend.calls.some((c) => c.name === "search_patients")).toBe(false);
  });
});
