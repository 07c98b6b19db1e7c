import { screen, waitFor, within } from "@testing-library/react";
import type { UserEvent } from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { CommandName } from "../../api/generated";
import { CurrentMedications } from "./CurrentMedications";
import { PrescriptionPanel } from "./PrescriptionPanel";
import { createClinicalBackend, renderAs } from "./test-render";
import type { ClinicalBackend } from "./clinical-harness";

// Every answer takes a while, as on a busy workstation: the flows wait for answers, never for time.
const LATENCY = 40;

const callsOf = (clinic: ClinicalBackend, name: CommandName) => clinic.backend.calls.filter((c) => c.name === name).map((c) => c.input);
/** The fake's only prescription and its first item (their ids, for the calls expected). */
const onlyIds = (clinic: ClinicalBackend) => ({
  prescription: [...clinic.prescriptions.prescriptions.keys()].at(-1) ?? "",
  item: [...clinic.prescriptions.items.values()].at(0)?.id ?? "",
});

/** Types into a search box and waits until its results answer exactly that text. */
async function search(user: UserEvent, prefix: string, text: string) {
  const input = await screen.findByTestId(`${prefix}-search`);
  await user.clear(input);
  await user.type(input, text);
  await waitFor(() => {
    const list = screen.getByTestId(`${prefix}-results`);
    expect(list).toHaveAttribute("data-query", text.trim());
    expect(list).toHaveAttribute("data-current", "true");
  });
}

/** A signed prescription of Dr. Rossi's for a patient, written at another desk. */
async function signedBy(clinic: ClinicalBackend, familyName: string, medications: { id: string; refills?: number; instructions?: string }[]) {
  const rossi = await clinic.as("dr.rossi");
  let p = await rossi("create_prescription", { patient_id: clinic.patient(familyName).id, notes: "" });
  for (const m of medications) p = await rossi("add_prescription_item", { prescription_id: p.id, medication_id: m.id, refills: m.refills ?? null, instructions: m.instructions ?? null });
  return rossi("sign_prescription", { prescription_id: p.id, overrides: p.warnings.map((w) => ({ item_id: w.item_id, kind: w.kind, reason: "known and accepted" })) });
}

describe("the prescription panel", { timeout: 30_000 }, () => {
  it("warns of a recorded allergy in red, keeps Sign disabled until a reason is given, then signs, locks and shows the verification code", async () => {
    const clinic = createClinicalBackend({ latency: LATENCY });
    // María García López has a severe penicillin allergy (anaphylaxis).
    const patient = clinic.patient("García López");
    const rossi = await clinic.as("dr.rossi");
    const encounter = await rossi("start_encounter", { patient_id: patient.id });
    const { user } = await renderAs(clinic, "dr.rossi", <PrescriptionPanel patientId={patient.id} encounterId={encounter.id} />);

    // No prescription in this consultation yet: start one (tied to the encounter).
    await user.type(await screen.findByTestId("rx-notes"), "Patient prefers capsules.");
    await user.click(screen.getByTestId("rx-start"));
    expect(await screen.findByTestId("rx-status")).toHaveTextContent("Draft");
    expect(callsOf(clinic, "create_prescription")).toEqual([{ patient_id: patient.id, encounter_id: encounter.id, notes: "Patient prefers capsules." }]);
    expect(screen.getByTestId("rx-sign")).toBeDisabled();
    expect(screen.getByTestId("rx-sign-hint")).toHaveTextContent("Add at least one medication to sign.");

    // The catalog by a part of the name: the option shows strength, form and brands.
    await search(user, "rx-med", "amox");
    const option = screen.getByTestId("rx-med-option-med-amoxicillin-500-mg-capsule");
    expect(option).toHaveTextContent("Amoxicillin 500 mg · capsule");
    expect(option).toHaveTextContent("Amoxil");
    await user.click(option);

    // The catalog's defaults are filled in; the quantity is left to Rust to work out.
    const editor = within(await screen.findByTestId("rx-editor"));
    expect(editor.getByTestId("rx-dose")).toHaveValue("1 capsule");
    expect(editor.getByTestId("rx-dose")).toHaveFocus();
    expect(editor.getByTestId("rx-route")).toHaveValue("oral");
    expect(editor.getByTestId("rx-frequency")).toHaveValue("three_times_daily");
    expect(editor.getByTestId("rx-duration")).toHaveValue("7");
    expect(editor.getByTestId("rx-quantity")).toHaveValue("");
    expect(editor.getByTestId("rx-instructions")).toHaveValue("Complete the whole course.");
    await user.click(editor.getByTestId("rx-editor-submit"));

    const item = within(await screen.findByTestId("rx-item-1"));
    // The keyboard is back in the catalog search, for the next medication.
    expect(await screen.findByTestId("rx-med-search")).toHaveFocus();
    expect(item.getByTestId("rx-directions")).toHaveTextContent("1 capsule orally three times daily for 7 days");
    expect(item.getByTestId("rx-quantity-line")).toHaveTextContent("Dispense 21 × capsule");
    expect(callsOf(clinic, "add_prescription_item")).toEqual([
      { prescription_id: onlyIds(clinic).prescription, medication_id: "med-amoxicillin-500-mg-capsule", dose: "1 capsule", route: "oral", frequency: "three_times_daily", duration_days: 7, refills: 0, instructions: "Complete the whole course." },
    ]);

    // Rust's allergy warning, in red, with the item; Sign stays disabled until it has a reason.
    const warning = item.getByRole("group", { name: "Allergy: Amoxicillin 500 mg capsule" });
    expect(warning).toHaveAttribute("data-kind", "allergy");
    expect(warning.className).toContain("bg-danger-50");
    expect(warning).toHaveTextContent("Recorded allergy to Penicillin (severe: Anaphylaxis); Amoxicillin 500 mg capsule matches its class penicillins.");
    expect(screen.getByTestId("rx-sign")).toBeDisabled();
    expect(screen.getByTestId("rx-sign-hint")).toHaveTextContent("1 warning needs a reason before signing.");
    const reason = within(warning).getByLabelText("Reason to override");
    await user.type(reason, "   ");
    expect(screen.getByTestId("rx-sign")).toBeDisabled();
    await user.clear(reason);
    await user.type(reason, "Tolerated amoxicillin in 2024 under observation");
    expect(screen.getByTestId("rx-sign")).toBeEnabled();

    // Sign, after a confirmation that repeats what is signed and overridden.
    await user.click(screen.getByTestId("rx-sign"));
    const confirm = within(await screen.findByTestId("confirm-dialog"));
    expect(confirm.getByText(/You sign as Dr\. Giulia Rossi/)).toBeInTheDocument();
    expect(confirm.getByText("Tolerated amoxicillin in 2024 under observation", { exact: false })).toBeInTheDocument();
    await user.click(confirm.getByTestId("confirm-submit"));

    const code = await screen.findByTestId("rx-verification");
    expect(code.textContent).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    expect(screen.getByTestId("rx-status")).toHaveTextContent("Signed");
    expect(screen.getByTestId("rx-notice")).toHaveTextContent(`The prescription is signed. Verification code ${code.textContent}.`);
    expect(callsOf(clinic, "sign_prescription")).toEqual([
      { prescription_id: onlyIds(clinic).prescription, overrides: [{ item_id: onlyIds(clinic).item, kind: "allergy", reason: "Tolerated amoxicillin in 2024 under observation" }] },
    ]);
    // Locked: nothing to edit, remove, add or sign; the override is kept with who and why.
    expect(screen.queryByTestId("rx-item-edit-1")).not.toBeInTheDocument();
    expect(screen.queryByTestId("rx-item-remove-1")).not.toBeInTheDocument();
    expect(screen.queryByTestId("rx-add")).not.toBeInTheDocument();
    expect(screen.queryByTestId("rx-sign")).not.toBeInTheDocument();
    expect(screen.queryByLabelText("Reason to override")).not.toBeInTheDocument();
    expect(screen.getByTestId("rx-overrides")).toHaveTextContent("Overridden by Dr. Giulia Rossi: Tolerated amoxicillin in 2024 under observation");
    expect(screen.getByTestId("rx-item-discontinue-1")).toBeInTheDocument();
    expect(clinic.prescriptions.overrides.map((o) => [o.kind, o.reason])).toEqual([["allergy", "Tolerated amoxicillin in 2024 under observation"]]);
  });

  it("edits an item (Rust works the quantity out again) and shows Rust's field error next to its field", async () => {
    const clinic = createClinicalBackend({ latency: LATENCY });
    const patient = clinic.patient("Bianchi");
    const { user } = await renderAs(clinic, "dr.rossi", <PrescriptionPanel patientId={patient.id} />);
    await user.click(await screen.findByTestId("rx-start"));
    await search(user, "rx-med", "ibupro");
    await user.keyboard("{Enter}");
    await user.click(within(await screen.findByTestId("rx-editor")).getByTestId("rx-editor-submit"));
    expect(within(await screen.findByTestId("rx-item-1")).getByTestId("rx-quantity-line")).toHaveTextContent("Dispense 15 × tablet");

    // A longer course: only the duration is sent, and Rust recomputes the quantity.
    await user.click(screen.getByTestId("rx-item-edit-1"));
    const editor = within(await screen.findByTestId("rx-editor"));
    await user.clear(editor.getByTestId("rx-duration"));
    await user.type(editor.getByTestId("rx-duration"), "7");
    await user.click(editor.getByTestId("rx-editor-submit"));
    await waitFor(() => {
      expect(within(screen.getByTestId("rx-item-1")).getByTestId("rx-quantity-line")).toHaveTextContent("Dispense 21 × tablet");
    });
    expect(callsOf(clinic, "update_prescription_item")).toEqual([{ item_id: onlyIds(clinic).item, duration_days: 7 }]);
    expect(within(screen.getByTestId("rx-item-1")).getByTestId("rx-directions")).toHaveTextContent("1 tablet orally three times daily for 7 days");

    // An ongoing course cannot be counted for a tablet taken "when needed": Rust asks for the quantity.
    await user.click(screen.getByTestId("rx-item-edit-1"));
    const again = within(await screen.findByTestId("rx-editor"));
    await user.selectOptions(again.getByTestId("rx-frequency"), "as_needed");
    await user.clear(again.getByTestId("rx-duration"));
    await user.type(again.getByTestId("rx-duration"), "0");
    await user.clear(again.getByTestId("rx-quantity"));
    await user.click(again.getByTestId("rx-editor-submit"));
    expect(await again.findByTestId("error-quantity")).toHaveTextContent("Give the quantity to dispense (in tablet).");
    await user.type(again.getByTestId("rx-quantity"), "20");
    await user.click(again.getByTestId("rx-editor-submit"));
    await waitFor(() => {
      expect(within(screen.getByTestId("rx-item-1")).getByTestId("rx-directions")).toHaveTextContent("1 tablet orally when needed");
    });
    expect(screen.getByTestId("rx-item-1")).toHaveTextContent("Ongoing");

    // Taken off the draft.
    await user.click(screen.getByTestId("rx-item-remove-1"));
    expect(await screen.findByTestId("rx-no-items")).toBeInTheDocument();
    expect(screen.getByTestId("rx-notice")).toHaveTextContent("Ibuprofen 400 mg tablet is off the draft.");
  });

  it("discontinues a signed item only with a reason, and keeps it on the prescription", async () => {
    const clinic = createClinicalBackend({ latency: LATENCY });
    const signed = await signedBy(clinic, "Rossi", [{ id: "med-lisinopril-10-mg-tablet" }, { id: "med-metformin-500-mg-tablet" }]);
    const { user } = await renderAs(clinic, "dr.rossi", <PrescriptionPanel patientId={signed.patient_id} prescriptionId={signed.id} />);
    await user.click(await screen.findByTestId("rx-item-discontinue-1"));
    const dialog = within(await screen.findByTestId("rx-reason-dialog"));
    expect(dialog.getByText("Discontinue Lisinopril 10 mg tablet?")).toBeInTheDocument();
    // No reason: refused before Rust is asked.
    await user.click(dialog.getByTestId("reason-submit"));
    expect(await dialog.findByTestId("error-reason")).toHaveTextContent("This is required.");
    expect(callsOf(clinic, "discontinue_prescription_item")).toEqual([]);
    await user.type(dialog.getByTestId("reason-input"), "Dry cough");
    await user.click(dialog.getByTestId("reason-submit"));

    await waitFor(() => {
      expect(screen.getByTestId("rx-item-1")).toHaveAttribute("data-status", "discontinued");
    });
    const item = within(screen.getByTestId("rx-item-1"));
    expect(item.getByText("Discontinued")).toBeInTheDocument();
    expect(item.getByTestId("rx-stop-reason")).toHaveTextContent(/^Discontinued by Dr\. Giulia Rossi, .+: Dry cough$/);
    expect(screen.queryByTestId("rx-item-discontinue-1")).not.toBeInTheDocument();
    expect(screen.getByTestId("rx-item-discontinue-2")).toBeInTheDocument();
    expect(screen.getByTestId("rx-notice")).toHaveTextContent("Lisinopril 10 mg tablet is discontinued.");
    expect(callsOf(clinic, "discontinue_prescription_item")).toEqual([{ item_id: signed.items[0]?.id, reason: "Dry cough" }]);
  });

  it("renews a signed prescription as a new draft with the same items, which warns of the medication still taken", async () => {
    const clinic = createClinicalBackend({ latency: LATENCY });
    const signed = await signedBy(clinic, "Rossi", [{ id: "med-atorvastatin-20-mg-tablet", refills: 2, instructions: "Take in the evening." }]);
    const { user } = await renderAs(clinic, "dr.okafor", <PrescriptionPanel patientId={signed.patient_id} prescriptionId={signed.id} />);
    expect(await screen.findByTestId("rx-status")).toHaveTextContent("Signed");
    // Another doctor may renew it (and discontinue), but only its prescriber marks it entered in error.
    expect(screen.queryByTestId("rx-mark-error")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("rx-renew"));

    await waitFor(() => {
      expect(screen.getByTestId("rx-status")).toHaveTextContent("Draft");
    });
    expect(screen.getByTestId("rx-notice")).toHaveTextContent("A new draft repeats these medications. Check it and sign it.");
    const renewed = screen.getByTestId("rx-prescription");
    expect(renewed.dataset.prescriptionId).not.toBe(signed.id);
    expect(renewed).toHaveTextContent("Dr. Chinedu Okafor · started");
    expect(renewed).toHaveTextContent("a renewal of an earlier prescription");
    const item = within(screen.getByTestId("rx-item-1"));
    expect(item.getByText("Atorvastatin 20 mg tablet")).toBeInTheDocument();
    expect(item.getByTestId("rx-directions")).toHaveTextContent("1 tablet orally once daily for 30 days");
    expect(screen.getByTestId("rx-item-1")).toHaveTextContent("2 refills");
    expect(screen.getByTestId("rx-item-1")).toHaveTextContent("Take in the evening.");
    // The patient still takes the signed one: a duplicate warning, in amber, needs a reason too.
    const duplicate = item.getByRole("group", { name: "Duplicate therapy: Atorvastatin 20 mg tablet" });
    expect(duplicate.className).toContain("bg-warn-50");
    expect(duplicate).toHaveTextContent("Atorvastatin is already prescribed (Atorvastatin 20 mg tablet, prescribed");
    expect(screen.getByTestId("rx-sign")).toBeDisabled();
    await user.type(within(duplicate).getByLabelText("Reason to override"), "Repeat prescription");
    expect(screen.getByTestId("rx-sign")).toBeEnabled();
    expect(callsOf(clinic, "renew_prescription")).toEqual([{ prescription_id: signed.id }]);
  });

  it("shows prescriptions to nurses read only, and another doctor's draft read only", async () => {
    const clinic = createClinicalBackend({ latency: LATENCY });
    const signed = await signedBy(clinic, "Rossi", [{ id: "med-amlodipine-5-mg-tablet" }]);
    const rossi = await clinic.as("dr.rossi");
    let draft = await rossi("create_prescription", { patient_id: signed.patient_id, notes: "" });
    draft = await rossi("add_prescription_item", { prescription_id: draft.id, medication_id: "med-paracetamol-500-mg-tablet" });

    const { unmount } = await renderAs(clinic, "nurse.muller", <PrescriptionPanel patientId={signed.patient_id} prescriptionId={signed.id} />);
    expect(await screen.findByTestId("rx-verification")).toHaveTextContent(signed.verification_code ?? "");
    expect(screen.getByTestId("rx-read-only")).toHaveTextContent("You can read prescriptions; doctors write and sign them.");
    for (const id of ["rx-renew", "rx-mark-error", "rx-item-discontinue-1", "rx-new", "rx-sign", "rx-add"]) expect(screen.queryByTestId(id)).not.toBeInTheDocument();
    expect(screen.getByTestId("rx-preview")).toBeInTheDocument();
    unmount();

    // The chart's medications for the nurse: current ones and the history, without writing.
    const chart = await renderAs(clinic, "nurse.muller", <CurrentMedications patientId={signed.patient_id} />);
    const current = await screen.findByTestId("current-medications");
    expect(within(current).getByText("Amlodipine 5 mg tablet")).toBeInTheDocument();
    expect(within(current).getByText("1 tablet orally once daily for 30 days")).toBeInTheDocument();
    expect(within(current).getByText("Dr. Giulia Rossi")).toBeInTheDocument();
    const history = await screen.findByTestId("rx-history");
    expect(within(history).getByTestId(`rx-history-${draft.id}`)).toHaveTextContent("Draft");
    expect(within(history).getByTestId(`rx-history-${signed.id}`)).toHaveTextContent(signed.verification_code ?? "");
    expect(screen.queryByTestId("rx-chart-new")).not.toBeInTheDocument();
    expect(screen.queryByTestId(`rx-history-renew-${signed.id}`)).not.toBeInTheDocument();
    await chart.user.click(screen.getByTestId(`rx-history-open-${draft.id}`));
    const dialog = within(await screen.findByTestId("rx-dialog"));
    expect(await dialog.findByTestId("rx-read-only")).toHaveTextContent("You can read prescriptions; doctors write and sign them. Draft: not valid for dispensing until it is signed.");
    expect(dialog.queryByTestId("rx-sign")).not.toBeInTheDocument();
  });

  it("lets a doctor read but not change another doctor's draft", async () => {
    const clinic = createClinicalBackend({ latency: LATENCY });
    const rossi = await clinic.as("dr.rossi");
    let draft = await rossi("create_prescription", { patient_id: clinic.patient("Bianchi").id, notes: "" });
    draft = await rossi("add_prescription_item", { prescription_id: draft.id, medication_id: "med-omeprazole-20-mg-capsule" });
    await renderAs(clinic, "dr.okafor", <PrescriptionPanel patientId={draft.patient_id} prescriptionId={draft.id} />);
    expect(await screen.findByTestId("rx-read-only")).toHaveTextContent("Dr. Giulia Rossi is writing this draft; only they can change and sign it.");
    for (const id of ["rx-sign", "rx-add", "rx-item-edit-1", "rx-item-remove-1", "rx-discard", "rx-renew"]) expect(screen.queryByTestId(id)).not.toBeInTheDocument();
  });

  it("renews from the chart's history and opens the new draft", async () => {
    const clinic = createClinicalBackend({ latency: LATENCY });
    const signed = await signedBy(clinic, "Bianchi", [{ id: "med-omeprazole-20-mg-capsule" }]);
    const { user } = await renderAs(clinic, "dr.rossi", <CurrentMedications patientId={signed.patient_id} />);
    expect(within(await screen.findByTestId("current-medications")).getByText("Omeprazole 20 mg capsule")).toBeInTheDocument();
    await user.click(await screen.findByTestId(`rx-history-renew-${signed.id}`));
    const dialog = within(await screen.findByTestId("rx-dialog"));
    expect(await dialog.findByTestId("rx-status")).toHaveTextContent("Draft");
    expect(dialog.getByTestId("rx-item-1")).toHaveTextContent("Omeprazole 20 mg capsule");
    // The history lists the new draft too.
    await waitFor(() => {
      expect(within(screen.getByTestId("rx-history")).getAllByRole("row")).toHaveLength(3);
    });
  });
});
