import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { FakeBackend } from "../../test/fake-backend";
import { demoPatient, openAs, searchPatients } from "../../test/flows";

async function openChart(familyName: string, username = "reception") {
  const app = await openAs(username, "patients");
  const patient = demoPatient(app.backend, familyName);
  await searchPatients(app.user, patient.mrn);
  await app.user.click(screen.getByTestId(`patient-hit-${patient.mrn}`));
  await screen.findByTestId("chart-name");
  return { ...app, patient };
}

const allergyStatus = (backend: FakeBackend, substance: string) => [...backend.allergies.values()].find((a) => a.substance === substance)?.status;

describe("patient chart", () => {
  it("shows who the patient is, the allergies banner by severity and the alerts", async () => {
    const { patient, backend } = await openChart("García López");
    expect(screen.getByTestId("chart-name")).toHaveTextContent("María García López");
    expect(screen.getByTestId("chart-mrn")).toHaveTextContent(patient.mrn);
    expect(screen.getByTestId("chart-sex")).toHaveTextContent("Female");
    expect(screen.getByTestId("chart-age")).toHaveTextContent(/\d+ y · born 15 Mar 1984/);
    expect(screen.getByTestId("chart-phone")).toHaveTextContent("+34 612 345 678");
    expect(screen.getByTestId("chart-insurance")).toHaveTextContent("Sanitas · SAN-448812");
    const banner = screen.getByTestId("chart-allergies");
    const chips = within(banner).getAllByRole("listitem");
    // Severe first.
    expect(chips[0]).toHaveTextContent("PenicillinSevere· Anaphylaxis");
    expect(chips[1]).toHaveTextContent("LatexModerate· Contact rash");
    expect(screen.getByTestId("chart-alerts")).toHaveTextContent("Hard of hearing: face the patient and speak clearly");
    expect(within(screen.getByTestId("chart-overview")).getByText("Javier García")).toBeInTheDocument();
    // Opening the chart is the audited read.
    expect(backend.calls.filter((c) => c.name === "open_patient_chart").at(-1)?.input).toEqual({ patient_id: patient.id });
  });

  it("says 'No known allergies' when there are none", async () => {
    await openChart("Rossi");
    expect(screen.getByTestId("chart-no-allergies")).toHaveTextContent("No known allergies");
    expect(screen.queryByTestId("chart-alerts")).not.toBeInTheDocument();
  });

  it("records an allergy: client checks, Rust's field error, then the banner and timeline show it", async () => {
    const { user, backend, patient } = await openChart("García López");
    await user.click(screen.getByTestId("allergy-record"));
    const dialog = await screen.findByTestId("allergy-dialog");
    expect(within(dialog).getByTestId("allergy-substance")).toHaveFocus();
    await user.click(within(dialog).getByTestId("allergy-submit"));
    expect(await within(dialog).findByTestId("error-substance")).toHaveTextContent("This is required.");
    expect(within(dialog).getByTestId("error-severity")).toHaveTextContent("This is required.");

    // Rust refuses a second active allergy to the same substance and names `allergy.substance`.
    await user.type(within(dialog).getByTestId("allergy-substance"), "penicillin");
    await user.selectOptions(within(dialog).getByTestId("allergy-severity"), "mild");
    await user.click(within(dialog).getByTestId("allergy-submit"));
    await waitFor(() => {
      expect(within(dialog).getByTestId("error-substance")).toHaveTextContent("An active allergy to penicillin is already recorded.");
    });

    await user.clear(within(dialog).getByTestId("allergy-substance"));
    await user.type(within(dialog).getByTestId("allergy-substance"), "Aspirin");
    await user.type(within(dialog).getByTestId("allergy-reaction"), "Wheezing");
    await user.click(within(dialog).getByTestId("allergy-submit"));
    expect(await screen.findByTestId("chart-notice")).toHaveTextContent("The allergy to Aspirin was recorded.");
    expect(await within(screen.getByTestId("chart-allergies")).findByTestId("allergy-chip-Aspirin")).toHaveTextContent("Mild");
    expect(backend.calls.filter((c) => c.name === "record_allergy").at(-1)?.input).toEqual({
      patient_id: patient.id,
      allergy: { substance: "Aspirin", reaction: "Wheezing", severity: "mild" },
    });

    await user.click(screen.getByTestId("chart-tab-timeline"));
    const entries = await screen.findAllByTestId("timeline-entry");
    // Newest first; kinds the UI does not know yet would show the same way.
    expect(entries[0]).toHaveTextContent("Allergy recorded: Aspirin");
    expect(entries[0]).toHaveAttribute("data-kind", "allergy");
    expect(entries.some((e) => e.getAttribute("data-kind") === "registered")).toBe(true);
  });

  it("marks an allergy resolved with a reason, and it leaves the banner but stays on the chart", async () => {
    const { user, backend } = await openChart("García López");
    await user.click(screen.getByTestId("chart-tab-allergies"));
    expect(screen.getByTestId("chart-tab-allergies")).toHaveAttribute("aria-selected", "true");
    await user.click(await screen.findByTestId("allergy-resolve-Latex"));
    const dialog = await screen.findByTestId("allergy-status-dialog");
    await user.click(within(dialog).getByTestId("status-submit"));
    expect(await within(dialog).findByTestId("error-reason")).toHaveTextContent("This is required.");
    await user.type(within(dialog).getByTestId("status-reason"), "Tolerated latex gloves since 2024");
    await user.click(within(dialog).getByTestId("status-submit"));

    expect(await screen.findByTestId("chart-notice")).toHaveTextContent("The allergy to Latex is marked resolved.");
    await waitFor(() => {
      expect(within(screen.getByTestId("chart-allergies")).queryByTestId("allergy-chip-Latex")).not.toBeInTheDocument();
    });
    expect(within(screen.getByTestId("allergy-row-Latex")).getByText("Resolved")).toBeInTheDocument();
    expect(allergyStatus(backend, "Latex")).toBe("resolved");
    expect(backend.calls.find((c) => c.name === "set_allergy_status")?.input).toMatchObject({ status: "resolved", reason: "Tolerated latex gloves since 2024" });
    // Resolved can become active again; nothing offers to delete.
    expect(screen.getByTestId("allergy-reactivate-Latex")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /delete/i })).not.toBeInTheDocument();
  });

  it("marks an allergy entered in error: struck through, no further changes", async () => {
    const { user, backend } = await openChart("Ødegaard");
    await user.click(screen.getByTestId("chart-tab-allergies"));
    await user.click(await screen.findByTestId("allergy-mark-error-Sulfonamides"));
    const dialog = await screen.findByTestId("allergy-status-dialog");
    expect(dialog).toHaveTextContent("cannot be made active again");
    await user.type(within(dialog).getByTestId("status-reason"), "Recorded for the wrong patient");
    await user.click(within(dialog).getByTestId("status-submit"));
    const row = await screen.findByTestId("allergy-row-Sulfonamides");
    // Until the chart is read again the row still has its buttons (one of them says "Entered in error").
    await waitFor(() => {
      expect(within(row).queryAllByRole("button")).toHaveLength(0);
    });
    expect(within(row).getByText("Entered in error")).toBeInTheDocument();
    expect(allergyStatus(backend, "Sulfonamides")).toBe("entered_in_error");
    expect(screen.getByTestId("chart-no-allergies")).toBeInTheDocument();
  });

  it("moves between the chart's tabs with the arrow keys", async () => {
    const { user } = await openChart("García López");
    screen.getByTestId("chart-tab-overview").focus();
    await user.keyboard("{ArrowRight}");
    expect(screen.getByTestId("chart-tab-allergies")).toHaveFocus();
    expect(await screen.findByTestId("allergies-table")).toBeInTheDocument();
    await user.keyboard("{End}");
    expect(await screen.findByTestId("chart-timeline")).toBeInTheDocument();
  });

  it("offers no changes to a pharmacist (read only)", async () => {
    await openChart("García López", "pharmacy");
    expect(screen.getByTestId("chart-allergies")).toBeInTheDocument();
    expect(screen.queryByTestId("patient-edit")).not.toBeInTheDocument();
    expect(screen.queryByTestId("allergy-record")).not.toBeInTheDocument();
  });

  it("opening a merged record shows the surviving chart and says so", async () => {
    const { user, backend } = await openAs("reception", "patients");
    const bianchi = demoPatient(backend, "Bianchi");
    const bianci = demoPatient(backend, "Bianci");
    // Merged on another workstation, after this one listed the old record.
    await searchPatients(user, bianci.mrn);
    const row = screen.getByTestId(`patient-hit-${bianci.mrn}`);
    const admin = await backend.transport("login", null, { username: "admin", password: "blue lantern orchid 47" });
    await backend.asAnotherWorkstation(() => backend.transport("merge_patients", (admin as { token: string }).token, { survivor_id: bianchi.id, duplicate_id: bianci.id, reason: "same person" }));
    await user.click(row);
    expect(await screen.findByTestId("chart-redirected")).toHaveTextContent(`merged records: ${bianci.mrn}`);
    expect(screen.getByTestId("chart-mrn")).toHaveTextContent(bianchi.mrn);
    expect(within(screen.getByTestId("chart-allergies")).getByTestId("allergy-chip-Ibuprofen")).toBeInTheDocument();
  });
});
