import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { demoPatient, openAs, searchPatients } from "../../test/flows";

async function openPatients(username = "reception") {
  const app = await openAs(username, "patients");
  // The empty box lists the recent patients.
  await screen.findByTestId("patient-results");
  return app;
}

const options = () => within(screen.getByTestId("patient-results")).queryAllByRole("option");

describe("patient search", () => {
  it("starts in the search box with the recent patients listed", async () => {
    const { backend } = await openPatients();
    expect(screen.getByTestId("patient-search")).toHaveFocus();
    await waitFor(() => {
      expect(options().length).toBeGreaterThan(5);
    });
    expect(screen.getByTestId("patient-status")).toHaveTextContent(/recent patients/);
    expect(backend.calls.find((c) => c.name === "search_patients")?.input).toEqual({ query: "", limit: 20 });
  });

  it("finds by name words in any order, accents ignored, and shows the ranked rows", async () => {
    const { user, backend } = await openPatients();
    const garcia = demoPatient(backend, "García López");
    await searchPatients(user, "lopez mar");
    expect(options()).toHaveLength(1);
    const row = screen.getByTestId(`patient-hit-${garcia.mrn}`);
    expect(row).toHaveTextContent("García López, María");
    expect(row).toHaveTextContent("Female");
    expect(row).toHaveTextContent("15 Mar 1984");
    expect(row).toHaveTextContent("+34 612 345 678");
    expect(within(row).getByText("Allergies")).toBeInTheDocument();
    expect(row).toHaveAttribute("aria-selected", "true");
    // Typing pauses are what is searched, not every keystroke.
    const searched = backend.calls.filter((c) => c.name === "search_patients").map((c) => (c.input as { query: string }).query);
    expect(searched).toContain("lopez mar");
    expect(searched.length).toBeLessThan("lopez mar".length);
  });

  it("finds by phone digits in another format and by MRN", async () => {
    const { user, backend } = await openPatients();
    const garcia = demoPatient(backend, "García López");
    await searchPatients(user, "0034 612-345-678");
    expect(options()).toHaveLength(1);
    expect(screen.getByTestId(`patient-hit-${garcia.mrn}`)).toHaveAttribute("data-matched", "phone");
    expect(screen.getByTestId("patient-status")).toHaveTextContent("matched by phone number");

    await searchPatients(user, garcia.mrn.toLowerCase().replaceAll("-", ""));
    expect(options()).toHaveLength(1);
    expect(screen.getByTestId(`patient-hit-${garcia.mrn}`)).toHaveAttribute("data-matched", "mrn");
    expect(screen.getByTestId("patient-status")).toHaveTextContent("matched by MRN");
  });

  it("tolerates a typo and says so", async () => {
    const { user, backend } = await openPatients();
    const bianci = demoPatient(backend, "Bianci");
    await searchPatients(user, "marco bianki");
    const row = screen.getByTestId(`patient-hit-${bianci.mrn}`);
    expect(row).toHaveAttribute("data-matched", "typo");
    expect(within(row).getByText("Similar spelling")).toBeInTheDocument();
  });

  it("moves with the arrow keys and opens the chart with Enter", async () => {
    const { user, backend } = await openPatients();
    const rossi = demoPatient(backend, "Rossi");
    const romano = demoPatient(backend, "Romano");
    await searchPatients(user, "ro");
    expect(options()).toHaveLength(2);
    const first = screen.getByTestId(`patient-hit-${romano.mrn}`);
    const second = screen.getByTestId(`patient-hit-${rossi.mrn}`);
    expect(first).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{ArrowDown}");
    expect(second).toHaveAttribute("aria-selected", "true");
    expect(screen.getByTestId("patient-search")).toHaveAttribute("aria-activedescendant", second.id);
    await user.keyboard("{ArrowUp}{ArrowDown}{Enter}");
    expect(await screen.findByTestId("chart-name")).toHaveTextContent("Giulia Rossi");
    expect(screen.getByTestId("chart-mrn")).toHaveTextContent(rossi.mrn);
    expect(screen.getByTestId("nav-patients")).toHaveAttribute("aria-current", "page");
  });

  it("opens the first result of what was typed when Enter comes before the results", async () => {
    const { user, backend } = await openPatients();
    const tanaka = demoPatient(backend, "Tanaka");
    // No pause between the last key and Enter: the search for "tanaka" has not run yet.
    await user.type(screen.getByTestId("patient-search"), "tanaka{Enter}");
    expect(await screen.findByTestId("chart-name")).toHaveTextContent("Aiko Tanaka");
    expect(screen.getByTestId("chart-mrn")).toHaveTextContent(tanaka.mrn);
  });

  it("says when nothing matches and offers to register", async () => {
    const { user } = await openPatients();
    await user.type(screen.getByTestId("patient-search"), "qwxz");
    const empty = await screen.findByTestId("patient-empty");
    expect(empty).toHaveTextContent("No patient matches “qwxz”.");
    await user.click(within(empty).getByTestId("patient-new-empty"));
    expect(await screen.findByTestId("patient-given-name")).toHaveFocus();
  });

  it("lets a pharmacist search but not register, and gives the kiosk no patients at all", async () => {
    await openPatients("pharmacy");
    expect(screen.queryByTestId("patient-new")).not.toBeInTheDocument();
    expect(screen.queryByTestId("patient-merge-link")).not.toBeInTheDocument();
  });

  it("hides patients from the waiting-room display", async () => {
    const { backend } = await openAs("display");
    await screen.findByTestId("display-doctor-0");
    expect(screen.queryByTestId("nav-patients")).not.toBeInTheDocument();
    expect(backend.calls.some((c) => c.name === "search_patients")).toBe(false);
  });
});
