import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { CommandName } from "../../api/generated";
import type { FakeBackend } from "../../test/fake-backend";
import { demoPatient, openAs, searchPatients, tokenOf } from "../../test/flows";

async function openChart(familyName: string, username: string) {
  const app = await openAs(username, "patients");
  const patient = demoPatient(app.backend, familyName);
  await searchPatients(app.user, patient.mrn);
  await app.user.click(screen.getByTestId(`patient-hit-${patient.mrn}`));
  await screen.findByTestId("chart-name");
  return { ...app, patient };
}

const CLINICAL_READS: CommandName[] = ["list_encounters", "list_problems", "list_attachments", "get_encounter"];
const callsOf = (backend: FakeBackend, name: CommandName) => backend.calls.filter((c) => c.name === name).map((c) => c.input);

describe("the chart's clinical tabs", { timeout: 30_000 }, () => {
  it("are not offered to reception at all, and nothing clinical is read for it", async () => {
    const { backend } = await openChart("García López", "reception");
    expect(screen.getByTestId("chart-tab-overview")).toBeInTheDocument();
    for (const tab of ["problems", "encounters", "attachments"]) expect(screen.queryByTestId(`chart-tab-${tab}`)).not.toBeInTheDocument();
    expect(screen.queryByTestId("consultation-new")).not.toBeInTheDocument();
    expect(backend.calls.filter((c) => (CLINICAL_READS as string[]).includes(c.name))).toEqual([]);
  });

  it("put consultations on the timeline for clinical roles only", async () => {
    const doctor = await openChart("Romano", "dr.rossi");
    const rossi = await tokenOf(doctor.backend, "dr.rossi");
    const e = (await doctor.backend.transport("start_encounter", rossi, { patient_id: doctor.patient.id })) as { id: string };
    await doctor.backend.transport("save_encounter_note", rossi, { encounter_id: e.id, subjective: "", objective: "", assessment: "Blood test review: normal\nno action", plan: "" });
    await doctor.user.click(screen.getByTestId("chart-tab-timeline"));
    const entry = await screen.findByText("Consultation with Dr. Giulia Rossi (open)");
    expect(entry.closest("[data-kind]")).toHaveAttribute("data-kind", "encounter");
    expect(entry.closest("li")).toHaveTextContent("Blood test review: normal");
    expect(entry.closest("li")).not.toHaveTextContent("no action");
    // The same record for reception at another desk: the visit, not what was written.
    const chart = (await doctor.backend.transport("open_patient_chart", await tokenOf(doctor.backend, "reception"), { patient_id: doctor.patient.id })) as { timeline: { kind: string }[] };
    expect(chart.timeline.map((t) => t.kind)).not.toContain("encounter");
  });

  it("are not offered to a pharmacist either (demographics and allergies only)", async () => {
    await openChart("García López", "pharmacy");
    expect(screen.getByTestId("chart-tab-allergies")).toBeInTheDocument();
    for (const tab of ["problems", "encounters", "attachments"]) expect(screen.queryByTestId(`chart-tab-${tab}`)).not.toBeInTheDocument();
  });

  it("are read only for a nurse: no problem to add, no file to attach, no consultation to start", async () => {
    const { user } = await openChart("García López", "nurse.muller");
    expect(screen.queryByTestId("consultation-new")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("chart-tab-problems"));
    expect(await screen.findByText("No problems recorded.")).toBeInTheDocument();
    expect(screen.queryByTestId("problem-add")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("chart-tab-attachments"));
    expect(await screen.findByTestId("attachments-none")).toBeInTheDocument();
    expect(screen.queryByTestId("attachment-add")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("chart-tab-encounters"));
    expect(await screen.findByText("No consultations yet.")).toBeInTheDocument();
    expect(screen.queryByTestId("encounters-new")).not.toBeInTheDocument();
  });

  it("lets a doctor add a problem with its onset, resolve and re-activate it with the history kept", async () => {
    const { user, backend, patient } = await openChart("Schmidt", "dr.rossi");
    await user.click(screen.getByTestId("chart-tab-problems"));
    await user.click(await screen.findByTestId("problem-add"));
    const dialog = within(await screen.findByTestId("problem-dialog"));
    expect(dialog.getByTestId("problem-description")).toHaveFocus();
    await user.click(dialog.getByTestId("problem-submit"));
    expect(await dialog.findByTestId("error-description")).toHaveTextContent("This is required.");

    // Rust judges the onset date.
    await user.type(dialog.getByTestId("problem-description"), "Osteoporosis");
    await user.type(dialog.getByTestId("problem-onset"), "2099-01-01");
    await user.click(dialog.getByTestId("problem-submit"));
    expect(await dialog.findByTestId("error-onset_date")).toHaveTextContent("Onset date cannot be in the future.");
    await user.clear(dialog.getByTestId("problem-onset"));
    await user.type(dialog.getByTestId("problem-onset"), "2021-06-15");
    await user.type(dialog.getByTestId("problem-note"), "On alendronate");
    await user.click(dialog.getByTestId("problem-submit"));
    expect(await screen.findByTestId("problems-notice")).toHaveTextContent("Osteoporosis is on the problem list.");
    const row = await screen.findByTestId("problem-row-Osteoporosis");
    expect(row).toHaveTextContent("15 Jun 2021");
    expect(row).toHaveTextContent("Active");
    expect(row).toHaveTextContent("On alendronate");
    expect(callsOf(backend, "add_problem").at(-1)).toEqual({ patient_id: patient.id, description: "Osteoporosis", onset_date: "2021-06-15", note: "On alendronate" });

    // The same active problem twice: Rust's refusal next to the field.
    await user.click(screen.getByTestId("problem-add"));
    const again = within(await screen.findByTestId("problem-dialog"));
    await user.type(again.getByTestId("problem-description"), "osteoporosis");
    await user.click(again.getByTestId("problem-submit"));
    expect(await again.findByTestId("error-description")).toHaveTextContent("Osteoporosis is already on the active problem list.");
    await user.keyboard("{Escape}");

    // Resolve, with a reason (optional), then re-activate.
    await user.click(within(row).getByTestId("problem-resolve-Osteoporosis"));
    const status = within(await screen.findByTestId("problem-status-dialog"));
    await user.type(status.getByTestId("reason-input"), "T-score improved");
    await user.click(status.getByTestId("reason-submit"));
    expect(await screen.findByTestId("problems-notice")).toHaveTextContent("Osteoporosis is marked resolved.");
    await waitFor(() => {
      expect(screen.getByTestId("problem-row-Osteoporosis")).toHaveAttribute("data-status", "resolved");
    });
    await user.click(screen.getByTestId("problem-reactivate-Osteoporosis"));
    await user.click(within(await screen.findByTestId("problem-status-dialog")).getByTestId("reason-submit"));
    await waitFor(() => {
      expect(screen.getByTestId("problem-row-Osteoporosis")).toHaveAttribute("data-status", "active");
    });

    // Every move is kept, with who and why.
    await user.click(screen.getByTestId("problem-history-toggle-Osteoporosis"));
    const history = within(screen.getByTestId("problem-history-Osteoporosis"));
    const entries = history.getAllByRole("listitem");
    expect(entries).toHaveLength(3);
    expect(entries[0]).toHaveTextContent("Added by Dr. Giulia Rossi");
    expect(entries[1]).toHaveTextContent("Active → Resolved · Dr. Giulia Rossi");
    expect(entries[1]).toHaveTextContent("“T-score improved”");
    expect(entries[2]).toHaveTextContent("Resolved → Active");
  });

  it("marks a problem entered in error only with a reason: struck through, no more changes", async () => {
    const { user, backend, patient } = await openChart("Romano", "dr.rossi");
    await backend.transport("add_problem", await tokenOf(backend, "dr.rossi"), { patient_id: patient.id, description: "Asthma", onset_date: "", note: "" });
    await user.click(screen.getByTestId("chart-tab-problems"));
    await user.click(await screen.findByTestId("problem-mark-error-Asthma"));
    const dialog = within(await screen.findByTestId("problem-status-dialog"));
    await user.click(dialog.getByTestId("reason-submit"));
    expect(await dialog.findByTestId("error-reason")).toHaveTextContent("This is required.");
    await user.type(dialog.getByTestId("reason-input"), "Recorded for the wrong patient");
    await user.click(dialog.getByTestId("reason-submit"));
    await waitFor(() => {
      expect(screen.getByTestId("problem-row-Asthma")).toHaveAttribute("data-status", "entered_in_error");
    });
    expect(within(screen.getByTestId("problem-row-Asthma")).queryAllByRole("button").map((b) => b.dataset.testid)).toEqual(["problem-history-toggle-Asthma"]);
  });

  it("uploads an attachment as base64, lists it, opens it and marks it entered in error", async () => {
    const { user, backend, patient } = await openChart("Bianchi", "dr.rossi");
    await user.click(screen.getByTestId("chart-tab-attachments"));
    expect(await screen.findByTestId("attachments-none")).toBeInTheDocument();

    // The picker offers only what Rust accepts; what Rust refuses anyway shows Rust's words next to the file.
    expect(screen.getByTestId("attachment-file")).toHaveAttribute("accept", expect.stringContaining("application/pdf") as string);
    await user.upload(screen.getByTestId("attachment-file"), new File(["Potassium"], "labs.pdf", { type: "text/plain" }));
    // The file is read before the dialog shows it.
    const refused = within(await screen.findByTestId("attach-dialog"));
    await user.click(await refused.findByTestId("attach-submit"));
    expect(await refused.findByTestId("error-file_name")).toHaveTextContent("A text/plain file should end in .txt.");
    await user.keyboard("{Escape}");

    await user.upload(screen.getByTestId("attachment-file"), new File(["Potassium 4.1 mmol/L"], "labs.txt", { type: "text/plain" }));
    const dialog = within(await screen.findByTestId("attach-dialog"));
    expect(await dialog.findByTestId("attach-file")).toHaveTextContent("labs.txt");
    await user.type(dialog.getByTestId("attach-description"), "Blood test, 3 March");
    await user.click(dialog.getByTestId("attach-submit"));
    expect(await screen.findByTestId("attachment-notice")).toHaveTextContent("labs.txt is attached.");
    const row = within(await screen.findByTestId("attachment-labs.txt"));
    expect(row.getByText("Blood test, 3 March")).toBeInTheDocument();
    expect(row.getByText(/Text · 20 B · added by Dr. Giulia Rossi/)).toBeInTheDocument();
    expect(callsOf(backend, "add_attachment").at(-1)).toEqual({ patient_id: patient.id, encounter_id: null, file_name: "labs.txt", media_type: "text/plain", content_base64: btoa("Potassium 4.1 mmol/L"), description: "Blood test, 3 March" });

    // Opening is Rust's audited read; a text file shows as text.
    await user.click(row.getByTestId("attachment-open-labs.txt"));
    const viewer = within(await screen.findByTestId("attachment-viewer"));
    expect(await viewer.findByTestId("attachment-text")).toHaveTextContent("Potassium 4.1 mmol/L");
    expect(callsOf(backend, "open_attachment")).toHaveLength(1);
    await user.keyboard("{Escape}");

    await user.click(row.getByTestId("attachment-mark-error-labs.txt"));
    const marking = within(await screen.findByTestId("attachment-error-dialog"));
    await user.click(marking.getByTestId("reason-submit"));
    expect(await marking.findByTestId("error-reason")).toHaveTextContent("This is required.");
    await user.type(marking.getByTestId("reason-input"), "Another patient's results");
    await user.click(marking.getByTestId("reason-submit"));
    expect(await screen.findByTestId("attachment-error-reason-labs.txt")).toHaveTextContent("Entered in error: Another patient's results");
    // Kept, never deleted.
    expect(backend.records.attachments.size).toBe(1);
  });

  it("attaches a file to a consultation; the chart lists it with where it came from", async () => {
    const { user, backend, patient } = await openChart("Lefèvre", "dr.rossi");
    const e = (await backend.transport("start_encounter", await tokenOf(backend, "dr.rossi"), { patient_id: patient.id })) as { id: string };
    await user.click(screen.getByTestId("chart-tab-encounters"));
    await user.click(await screen.findByTestId(`encounter-open-${e.id}`));
    const page = within(await screen.findByTestId("consultation"));
    await user.upload(page.getByTestId("attachment-file"), new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], "wound.png", { type: "image/png" }));
    await user.click(await within(await screen.findByTestId("attach-dialog")).findByTestId("attach-submit"));
    expect(await page.findByTestId("attachment-wound.png")).toBeInTheDocument();
    expect(callsOf(backend, "add_attachment").at(-1)).toMatchObject({ encounter_id: e.id, media_type: "image/png" });

    await user.click(screen.getByTestId("consultation-back"));
    await user.click(await screen.findByTestId("chart-tab-attachments"));
    const row = within(await screen.findByTestId("attachment-wound.png"));
    expect(row.getByRole("link", { name: "from a consultation" })).toBeInTheDocument();
  });
});
