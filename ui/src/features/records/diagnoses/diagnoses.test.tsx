import { screen, waitFor, within } from "@testing-library/react";
import type { UserEvent } from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { CommandName } from "../../../api/generated";
import type { ClinicalBackend } from "../../prescriptions/clinical-harness";
import { createClinicalBackend, renderAs, WithEncounter } from "../../prescriptions/test-render";
import { DiagnosesPanel } from "./DiagnosesPanel";

const callsOf = (clinic: ClinicalBackend, name: CommandName) => clinic.backend.calls.filter((c) => c.name === name).map((c) => c.input);

async function searchCodes(user: UserEvent, text: string) {
  const input = await screen.findByTestId("icd-search");
  await user.clear(input);
  await user.type(input, text);
  await waitFor(() => {
    const list = screen.getByTestId("icd-results");
    expect(list).toHaveAttribute("data-query", text.trim());
    expect(list).toHaveAttribute("data-current", "true");
  });
}

const activeOption = () => {
  const input = screen.getByTestId("icd-search");
  const id = input.getAttribute("aria-activedescendant");
  return id === null ? null : document.getElementById(id);
};

async function consultation(clinic: ClinicalBackend, familyName: string, sign = false) {
  const rossi = await clinic.as("dr.rossi");
  const e = await rossi("start_encounter", { patient_id: clinic.patient(familyName).id });
  if (sign) {
    await rossi("save_encounter_note", { encounter_id: e.id, subjective: "Sore throat", objective: "Exudate", assessment: "Tonsillitis", plan: "Azithromycin" });
    await rossi("sign_encounter", { encounter_id: e.id });
  }
  return e;
}

function panel(encounterId: string) {
  return <WithEncounter encounterId={encounterId}>{(encounter) => <DiagnosesPanel encounter={encounter} />}</WithEncounter>;
}

describe("the diagnoses of a consultation", { timeout: 30_000 }, () => {
  it("finds E11.9 by “diab typ 2”, shows categories greyed and never picks them, and records primary then secondary diagnoses", async () => {
    const clinic = createClinicalBackend({ latency: 40 });
    const e = await consultation(clinic, "Bianchi");
    const { user } = await renderAs(clinic, "dr.rossi", panel(e.id));
    expect(await screen.findByTestId("diagnoses-none")).toHaveTextContent("No diagnosis recorded yet.");

    await searchCodes(user, "diab typ 2");
    const results = screen.getByTestId("icd-results");
    expect(within(results).getByTestId("icd-option-E11.9")).toHaveTextContent("Type 2 diabetes mellitus without complications");
    // How many matched, and which release of the list answers.
    expect(screen.getByTestId("icd-status")).toHaveTextContent(/^10 of 10 codes · ICD-10-CM April 2026 \(CMS\)$/);
    // Recordable codes first (the shortest description first), categories after, greyed and not choosable.
    const category = within(results).getByTestId("icd-option-E11");
    expect(category).toHaveAttribute("aria-disabled", "true");
    expect(category).toHaveTextContent("Category");
    expect(within(results).getByTestId("icd-option-E11.9")).not.toHaveAttribute("aria-disabled");
    await user.click(category);
    expect(screen.queryByTestId("diagnosis-chosen")).not.toBeInTheDocument();

    // Keyboard: the first recordable code is active; ↓ moves; Enter chooses.
    expect(activeOption()).toHaveTextContent("E11.65");
    await user.keyboard("{ArrowDown}");
    expect(activeOption()).toHaveTextContent("E11.9");
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("diagnosis-chosen")).toHaveTextContent("E11.9Type 2 diabetes mellitus without complications");
    // The first diagnosis of the consultation is primary, confirmed; no amendment reason while it is open.
    expect(screen.getByTestId("diagnosis-rank")).toHaveValue("primary");
    expect(screen.getByTestId("diagnosis-rank")).toHaveFocus();
    expect(screen.getByTestId("diagnosis-certainty")).toHaveValue("confirmed");
    expect(screen.queryByTestId("diagnosis-reason")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("diagnosis-submit"));

    const first = await screen.findByTestId("diagnosis-E11.9");
    expect(first).toHaveTextContent("Primary");
    expect(first).toHaveTextContent("Confirmed");
    expect(screen.getByTestId("diagnoses-notice")).toHaveTextContent("E11.9 Type 2 diabetes mellitus without complications is recorded.");
    expect(callsOf(clinic, "add_diagnosis")).toEqual([{ encounter_id: e.id, code: "E11.9", rank: "primary", certainty: "confirmed", note: "", reason: "" }]);

    // A code search skips the categories at its head: Enter takes the first recordable code.
    await searchCodes(user, "i10");
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("diagnosis-chosen")).toHaveTextContent("I10Essential (primary) hypertension");
    expect(screen.getByTestId("diagnosis-rank")).toHaveValue("secondary");
    await user.selectOptions(screen.getByTestId("diagnosis-certainty"), "provisional");
    await user.type(screen.getByTestId("diagnosis-note"), "Home readings only");
    await user.click(screen.getByTestId("diagnosis-submit"));
    const second = await screen.findByTestId("diagnosis-I10");
    expect(second).toHaveTextContent("Secondary");
    expect(second).toHaveTextContent("Provisional");
    expect(second).toHaveTextContent("Home readings only");
    // Primary first.
    expect(within(screen.getByTestId("diagnoses-list")).getAllByRole("listitem").map((li) => li.dataset.testid)).toEqual(["diagnosis-E11.9", "diagnosis-I10"]);

    await searchCodes(user, "J45");
    expect(activeOption()).toHaveTextContent("J45.20");
    await user.keyboard("{Enter}");
    // A second primary: Rust refuses it by field.
    await user.selectOptions(await screen.findByTestId("diagnosis-rank"), "primary");
    await user.click(screen.getByTestId("diagnosis-submit"));
    expect(await screen.findByTestId("error-rank")).toHaveTextContent("This encounter already has a primary diagnosis.");
  });

  it("puts a diagnosis on the problem list and marks one entered in error with a reason (struck through, kept)", async () => {
    const clinic = createClinicalBackend({ latency: 40 });
    const e = await consultation(clinic, "Bianchi");
    const rossi = await clinic.as("dr.rossi");
    const dx = await rossi("add_diagnosis", { encounter_id: e.id, code: "E11.9", note: "", reason: "" });
    await rossi("add_diagnosis", { encounter_id: e.id, code: "J06.9", note: "", reason: "" });
    const { user } = await renderAs(clinic, "dr.rossi", panel(e.id));

    await user.click(await screen.findByTestId("diagnosis-to-problem-E11.9"));
    expect(await screen.findByTestId("diagnoses-notice")).toHaveTextContent("E11.9 Type 2 diabetes mellitus without complications is on the problem list now.");
    expect(callsOf(clinic, "add_problem")).toEqual([{ patient_id: dx.patient_id, description: "", from_diagnosis_id: dx.id, onset_date: "", note: "" }]);
    expect([...clinic.records.problems.values()].map((p) => [p.code, p.description, p.from_diagnosis_id])).toEqual([["E11.9", "Type 2 diabetes mellitus without complications", dx.id]]);
    await waitFor(() => {
      expect(within(screen.getByTestId("diagnosis-E11.9")).getByText("On the problem list")).toBeInTheDocument();
    });
    expect(screen.queryByTestId("diagnosis-to-problem-E11.9")).not.toBeInTheDocument();

    await user.click(screen.getByTestId("diagnosis-mark-error-J06.9"));
    const dialog = within(await screen.findByTestId("diagnosis-error-dialog"));
    expect(dialog.getByText("Mark J06.9 entered in error?")).toBeInTheDocument();
    await user.click(dialog.getByTestId("reason-submit"));
    expect(await dialog.findByTestId("error-reason")).toHaveTextContent("This is required.");
    await user.type(dialog.getByTestId("reason-input"), "Wrong patient's symptoms");
    await user.click(dialog.getByTestId("reason-submit"));
    await waitFor(() => {
      expect(screen.getByTestId("diagnosis-J06.9")).toHaveAttribute("data-status", "entered_in_error");
    });
    const errored = within(screen.getByTestId("diagnosis-J06.9"));
    expect(errored.getByText("J06.9")).toHaveClass("line-through");
    expect(errored.getByTestId("diagnosis-error-reason-J06.9")).toHaveTextContent("Entered in error: Wrong patient's symptoms");
    expect(errored.queryByTestId("diagnosis-mark-error-J06.9")).not.toBeInTheDocument();
    expect(screen.getByTestId("diagnoses-notice")).toHaveTextContent("J06.9 is marked entered in error.");
  });

  it("asks for an amendment reason once the consultation is signed, and shows it with the diagnosis", async () => {
    const clinic = createClinicalBackend({ latency: 40 });
    const e = await consultation(clinic, "Esposito", true);
    const { user } = await renderAs(clinic, "dr.rossi", panel(e.id));
    expect(await screen.findByTestId("diagnosis-signed-hint")).toHaveTextContent("This consultation is signed: a diagnosis added now is an amendment with a reason.");
    await searchCodes(user, "strep tonsil");
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("diagnosis-chosen")).toHaveTextContent("J03.00");
    await user.click(screen.getByTestId("diagnosis-submit"));
    expect(await screen.findByTestId("error-reason")).toHaveTextContent("This is required.");
    expect(callsOf(clinic, "add_diagnosis")).toEqual([]);
    await user.type(screen.getByTestId("diagnosis-reason"), "Throat swab came back positive");
    await user.click(screen.getByTestId("diagnosis-submit"));
    const row = await screen.findByTestId("diagnosis-J03.00");
    expect(within(row).getByTestId("diagnosis-amendment-J03.00")).toHaveTextContent("Added after signing: Throat swab came back positive");
    expect(callsOf(clinic, "add_diagnosis")).toEqual([{ encounter_id: e.id, code: "J03.00", rank: "primary", certainty: "confirmed", note: "", reason: "Throat swab came back positive" }]);
  });

  it("shows the diagnoses to a nurse without the means to change them", async () => {
    const clinic = createClinicalBackend({ latency: 40 });
    const e = await consultation(clinic, "Bianchi");
    await (await clinic.as("dr.rossi"))("add_diagnosis", { encounter_id: e.id, code: "I10", note: "", reason: "" });
    await renderAs(clinic, "nurse.muller", panel(e.id));
    expect(await screen.findByTestId("diagnosis-I10")).toHaveTextContent("Essential (primary) hypertension");
    expect(screen.getByTestId("diagnoses-read-only")).toHaveTextContent("Diagnoses are recorded by Dr. Giulia Rossi, whose consultation this is.");
    expect(screen.queryByTestId("icd-search")).not.toBeInTheDocument();
    expect(screen.queryByTestId("diagnosis-mark-error-I10")).not.toBeInTheDocument();
    expect(screen.queryByTestId("diagnosis-to-problem-I10")).not.toBeInTheDocument();
  });
});
