import { screen, waitFor, within } from "@testing-library/react";
import type { UserEvent } from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { RegisterPatientInput } from "../../api/generated";
import { demoPatient, openAs, searchPatients, signInAs } from "../../test/flows";
import { renderApp } from "../../test/render";

async function openForm(username = "reception") {
  const app = await openAs(username, "patients");
  await app.user.click(await screen.findByTestId("patient-new"));
  await screen.findByTestId("patient-given-name");
  return app;
}

async function fillBasics(user: UserEvent, v: { given: string; family: string; sex: string; dob?: string; phone?: string }) {
  await user.type(screen.getByTestId("patient-given-name"), v.given);
  await user.type(screen.getByTestId("patient-family-name"), v.family);
  await user.selectOptions(screen.getByTestId("patient-sex"), v.sex);
  if (v.dob) await user.type(screen.getByTestId("patient-date-of-birth"), v.dob);
  if (v.phone) await user.type(screen.getByTestId("patient-phone"), v.phone);
}

describe("patient registration", () => {
  it("checks the form before anything is sent, showing every problem next to its field", async () => {
    const { user, backend } = await openForm();
    expect(screen.getByTestId("patient-given-name")).toHaveFocus();
    await user.type(screen.getByTestId("patient-date-of-birth"), "31/02/1990");
    await user.type(screen.getByTestId("patient-email"), "maria@example");
    await user.type(screen.getByTestId("patient-phone"), "12-34");
    await user.type(screen.getByTestId("patient-insurance-member"), "SAN-1");
    await user.click(screen.getByTestId("patient-allergy-add"));
    await user.click(screen.getByTestId("patient-submit"));

    expect(await screen.findByTestId("error-given_name")).toHaveTextContent("This is required.");
    expect(screen.getByTestId("error-family_name")).toHaveTextContent("This is required.");
    expect(screen.getByTestId("error-sex")).toHaveTextContent("Choose the patient's sex");
    expect(screen.getByTestId("error-date_of_birth")).toHaveTextContent("A date such as 1984-03-15 or 15/03/1984.");
    expect(screen.getByTestId("error-email")).toHaveTextContent("An email address such as name@example.com.");
    expect(screen.getByTestId("error-phone")).toHaveTextContent("6 to 15 digits");
    expect(screen.getByTestId("error-insurance_payer")).toHaveTextContent("Name the insurer of this member number.");
    expect(screen.getByTestId("error-allergies.0.substance")).toHaveTextContent("This is required.");
    expect(backend.calls.some((c) => c.name === "find_patient_duplicates" || c.name === "register_patient")).toBe(false);
  });

  it("refuses a date of birth in the future and an estimated age over 130", async () => {
    const { user } = await openForm();
    await fillBasics(user, { given: "Ana", family: "Lee", sex: "female", dob: "2999-01-01" });
    await user.click(screen.getByTestId("patient-submit"));
    expect(await screen.findByTestId("error-date_of_birth")).toHaveTextContent("cannot be in the future");
    await user.click(screen.getByTestId("patient-dob-mode-estimate"));
    await user.type(await screen.findByTestId("patient-estimated-age"), "131");
    await user.click(screen.getByTestId("patient-submit"));
    expect(await screen.findByTestId("error-estimated_age_years")).toHaveTextContent("from 0 to 130");
  });

  it("shows a Rust field error next to its field, nested names included", async () => {
    const { user, backend } = await openForm();
    await fillBasics(user, { given: "Ana", family: "Lee", sex: "female", dob: "1990-05-06" });
    await user.click(screen.getByTestId("patient-allergy-add"));
    await user.type(screen.getByTestId("patient-allergy-substance-0"), "Penicillin");

    // The clinic's national id pattern is Rust's to apply: the duplicate check validates first.
    backend.failNext("find_patient_duplicates", { code: "validation", message: "a phone number has 6 to 15 digits", field: "patient.phone" });
    await user.click(screen.getByTestId("patient-submit"));
    expect(await screen.findByTestId("error-phone")).toHaveTextContent("A phone number has 6 to 15 digits.");
    expect(screen.getByTestId("patient-phone")).toHaveFocus();

    backend.failNext("register_patient", { code: "validation", message: "Substance is longer than 200 characters", field: "allergies.0.substance" });
    await user.click(screen.getByTestId("patient-submit"));
    expect(await screen.findByTestId("error-allergies.0.substance")).toHaveTextContent("Substance is longer than 200 characters.");
    expect(screen.queryByTestId("form-error")).not.toBeInTheDocument();
  });

  it("applies the clinic's national id format, on the client and from Rust", async () => {
    const app = renderApp({ state: "demo" });
    const settings = app.backend.settings;
    if (!settings) throw new Error("no clinic");
    settings.national_id_pattern = "[A-Z]{6}[0-9]{2}";
    settings.national_id_example = "RSSMRA80";
    const { user, backend } = app;
    await signInAs(user, "reception");
    await user.click(await screen.findByTestId("nav-patients"));
    await user.click(await screen.findByTestId("patient-new"));
    expect(await screen.findByText("For example RSSMRA80")).toBeInTheDocument();
    await fillBasics(user, { given: "Ana", family: "Lee", sex: "female", dob: "1990-05-06" });
    await user.type(screen.getByTestId("patient-national-id"), "12345");
    await user.click(screen.getByTestId("patient-submit"));
    expect(await screen.findByTestId("error-national_id")).toHaveTextContent("This id does not have this clinic's national id format (e.g. RSSMRA80).");
    expect(backend.calls.some((c) => c.name === "find_patient_duplicates")).toBe(false);

    // Rust stays the judge (its regex dialect, a pattern changed meanwhile): its error lands there too.
    await user.clear(screen.getByTestId("patient-national-id"));
    await user.type(screen.getByTestId("patient-national-id"), "lsnmra90");
    // Valid here: the client's error went with the change.
    await waitFor(() => {
      expect(screen.queryByTestId("error-national_id")).not.toBeInTheDocument();
    });
    backend.failNext("find_patient_duplicates", { code: "validation", message: "National id does not have this clinic's format (e.g. RSSMRA80)", field: "patient.national_id" });
    await user.click(screen.getByTestId("patient-submit"));
    expect(await screen.findByTestId("error-national_id")).toHaveTextContent("National id does not have this clinic's format (e.g. RSSMRA80).");
  });

  it("registers with allergies and opens the new chart", async () => {
    const { user, backend } = await openForm();
    await fillBasics(user, { given: "Zsófia", family: "Kovács-Nagy", sex: "female", dob: "14/02/1987", phone: "+36 20 555 1234" });
    expect(screen.getByText(/14 Feb 1987 · \d+ years old/)).toBeInTheDocument();
    await user.click(screen.getByTestId("patient-allergy-add"));
    await user.type(screen.getByTestId("patient-allergy-substance-0"), "Penicillin");
    await user.type(screen.getByTestId("patient-allergy-reaction-0"), "Anaphylaxis");
    await user.selectOptions(screen.getByTestId("patient-allergy-severity-0"), "severe");
    await user.click(screen.getByTestId("patient-allergy-add"));
    await user.click(screen.getByTestId("patient-allergy-remove-1"));
    await user.click(screen.getByTestId("patient-submit"));

    expect(await screen.findByTestId("chart-name")).toHaveTextContent("Zsófia Kovács-Nagy");
    const registered = backend.calls.find((c) => c.name === "register_patient")?.input as RegisterPatientInput;
    expect(registered.patient).toMatchObject({ given_name: "Zsófia", family_name: "Kovács-Nagy", sex: "female", date_of_birth: "1987-02-14", estimated_age_years: null, phone: "+36 20 555 1234" });
    expect(registered.allergies).toEqual([{ substance: "Penicillin", reaction: "Anaphylaxis", severity: "severe" }]);
    expect(registered.acknowledge_duplicates).toBe(false);
    const mrn = demoPatient(backend, "Kovács-Nagy").mrn;
    expect(screen.getByTestId("chart-notice")).toHaveTextContent(`Zsófia Kovács-Nagy is registered as ${mrn}.`);
    expect(screen.getByTestId("chart-mrn")).toHaveTextContent(mrn);
    expect(within(screen.getByTestId("chart-allergies")).getByTestId("allergy-chip-Penicillin")).toHaveTextContent("Severe");
  });

  it("registers with an estimated age, marked as estimated on the chart", async () => {
    const { user, backend } = await openForm();
    await fillBasics(user, { given: "Chidi", family: "Okeke", sex: "male" });
    await user.click(screen.getByTestId("patient-dob-mode-estimate"));
    await user.type(await screen.findByTestId("patient-estimated-age"), "40");
    await user.click(screen.getByTestId("patient-submit"));
    expect(await screen.findByTestId("chart-age")).toHaveTextContent(/~\d+ y · born c\. \d{4} \(estimated\)/);
    expect(backend.calls.find((c) => c.name === "register_patient")?.input).toMatchObject({ patient: { date_of_birth: null, estimated_age_years: 40 } });
  });

  it("prompts on possible duplicates, and opens the existing patient instead", async () => {
    const { user, backend } = await openForm();
    const existing = demoPatient(backend, "García López");
    await fillBasics(user, { given: "Maria", family: "Garcia Lopez", sex: "female", dob: "1984-03-15" });
    await user.click(screen.getByTestId("patient-submit"));

    // The (closed) dialog element is always there: wait for what it shows when open.
    const candidate = await screen.findByTestId(`duplicate-candidate-${existing.mrn}`);
    const dialog = screen.getByTestId("duplicate-dialog");
    expect(dialog).toHaveAttribute("open");
    expect(candidate).toHaveTextContent("García López, María");
    expect(candidate).toHaveTextContent("Same date of birth, similar name");
    expect(within(dialog).getByTestId("duplicate-back")).toHaveFocus();
    expect(backend.calls.some((c) => c.name === "register_patient")).toBe(false);

    await user.click(within(candidate).getByTestId(`duplicate-open-${existing.mrn}`));
    expect(await screen.findByTestId("chart-mrn")).toHaveTextContent(existing.mrn);
    expect(backend.calls.some((c) => c.name === "register_patient")).toBe(false);
    expect([...backend.patients.values()].filter((p) => p.family_name.startsWith("Garc")).length).toBe(2);
  });

  it("registers anyway after the prompt, acknowledging the duplicates", async () => {
    const { user, backend } = await openForm();
    const existing = demoPatient(backend, "García López");
    await fillBasics(user, { given: "Rosa", family: "Delgado", sex: "female", dob: "1979-08-08", phone: "(612) 345-678" });
    await user.click(screen.getByTestId("patient-submit"));
    expect(await screen.findByTestId(`duplicate-candidate-${existing.mrn}`)).toHaveTextContent("Same phone number");
    const dialog = screen.getByTestId("duplicate-dialog");

    await user.click(within(dialog).getByTestId("duplicate-register-anyway"));
    expect(await screen.findByTestId("chart-name")).toHaveTextContent("Rosa Delgado");
    const registered = backend.calls.filter((c) => c.name === "register_patient");
    expect(registered).toHaveLength(1);
    expect(registered[0]?.input).toMatchObject({ acknowledge_duplicates: true });
    expect(screen.queryByTestId("duplicate-dialog")).not.toBeInTheDocument();
  });

  it("goes back to the form from the prompt with everything kept", async () => {
    const { user } = await openForm();
    await fillBasics(user, { given: "Maria", family: "Garcia Lopez", sex: "female", dob: "1984-03-15" });
    await user.click(screen.getByTestId("patient-submit"));
    await user.click(await screen.findByTestId("duplicate-back"));
    await waitFor(() => {
      expect(screen.getByTestId("duplicate-dialog")).not.toHaveAttribute("open");
    });
    expect(screen.getByTestId("patient-family-name")).toHaveValue("Garcia Lopez");
  });

  it("edits the demographics with update_patient and keeps the photo and estimated birth", async () => {
    const { user, backend } = await openAs("reception", "patients");
    const eze = demoPatient(backend, "Eze");
    await searchPatients(user, eze.mrn);
    await user.click(screen.getByTestId(`patient-hit-${eze.mrn}`));
    await user.click(await screen.findByTestId("patient-edit"));
    expect(await screen.findByTestId("patient-estimated-age")).toHaveValue(new Date().getUTCFullYear() - Number(eze.date_of_birth?.slice(0, 4)));
    await user.clear(screen.getByTestId("patient-phone"));
    await user.type(screen.getByTestId("patient-phone"), "+234 803 555 0199");
    await user.click(screen.getByTestId("patient-submit"));

    expect(await screen.findByTestId("chart-notice")).toHaveTextContent("The details of Chinedu Eze were saved.");
    expect(screen.getByTestId("chart-phone")).toHaveTextContent("+234 803 555 0199");
    expect(backend.calls.find((c) => c.name === "find_patient_duplicates")?.input).toMatchObject({ exclude_patient_id: eze.id });
    expect(backend.calls.find((c) => c.name === "update_patient")?.input).toMatchObject({ patient_id: eze.id, patient: { phone: "+234 803 555 0199", photo_data_url: "" } });
    expect(backend.patients.get(eze.id)?.date_of_birth).toBe(eze.date_of_birth);
    expect(backend.patients.get(eze.id)?.dob_estimated).toBe(true);
  });

  it("is not offered to a pharmacist, whose route says so", async () => {
    const { user } = await openAs("pharmacy", "patients");
    await screen.findByTestId("patient-results");
    expect(screen.queryByTestId("patient-new")).not.toBeInTheDocument();
    await user.keyboard("{Control>}k{/Control}");
    await user.type(await screen.findByTestId("palette-input"), "register");
    expect(within(screen.getByTestId("command-palette")).queryByText("Register a new patient")).not.toBeInTheDocument();
  });
});
