import { screen, waitFor, within } from "@testing-library/react";
import type { UserEvent } from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CommandName, Commands } from "../../api/generated";
import type { FakeBackend, FakeBackendOptions } from "../../test/fake-backend";
import { demoPatient, openAs, patientName, searchPatients, startClockAt, todays, tokenOf } from "../../test/flows";

// Wednesday 4 March 2026, 10:05 in Rome: the demo day has visits done, one running and more to come.
const NOW = "2026-03-04T09:05:00Z";

/** Runs commands as another signed-in user (another desk or window of the same clinic). */
async function as(backend: FakeBackend, username: string) {
  const token = await tokenOf(backend, username);
  return <K extends CommandName>(name: K, input: Commands[K]["input"]) => backend.transport(name, token, input) as Promise<Commands[K]["output"]>;
}

const callsOf = (backend: FakeBackend, name: CommandName) => backend.calls.filter((c) => c.name === name).map((c) => c.input);

/** Opens a patient's chart, its Consultations tab, and the consultation `encounterId`. */
async function openConsultation(user: UserEvent, backend: FakeBackend, familyName: string, encounterId: string) {
  const patient = demoPatient(backend, familyName);
  await user.click(await screen.findByTestId("nav-patients"));
  await searchPatients(user, patient.mrn);
  await user.click(screen.getByTestId(`patient-hit-${patient.mrn}`));
  await user.click(await screen.findByTestId("chart-tab-encounters"));
  await user.click(await screen.findByTestId(`encounter-open-${encounterId}`));
  return screen.findByTestId("consultation");
}

/** A consultation Dr. Rossi started (and wrote, and maybe signed) at another workstation. */
async function startedByRossi(backend: FakeBackend, familyName: string, note?: { assessment: string; sign?: boolean }) {
  const rossi = await as(backend, "dr.rossi");
  const patient = demoPatient(backend, familyName);
  const e = await rossi("start_encounter", { patient_id: patient.id });
  if (note) {
    await rossi("save_encounter_note", { encounter_id: e.id, subjective: "Cough and fever for three days", objective: "Crackles right base", assessment: note.assessment, plan: "Amoxicillin 500 mg three times a day for 7 days" });
    if (note.sign) await rossi("sign_encounter", { encounter_id: e.id });
  }
  return e;
}

async function signIn(username: string, options: FakeBackendOptions = {}) {
  return openAs(username, undefined, options);
}

// Whole flows through the app (the first one with IPC latency): more than the default 5 s on a busy machine.
describe("the consultation", { timeout: 30_000 }, () => {
  beforeEach(() => {
    startClockAt(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("is started by the doctor from the queue: vitals with Rust's checks and flags, the SOAP note, signed and then read only", async () => {
    // Each answer takes 150 ms, as over a busy workstation: the flow waits for answers, never for time.
    const { user, backend } = await openAs("dr.rossi", "today", { latency: 150 });
    await screen.findByTestId("today-board");
    const next = todays(backend, "scheduled", "dr.rossi");
    const name = patientName(backend, next.patient_id);
    await (await as(backend, "reception"))("check_in_appointment", { appointment_id: next.id });

    // Start consultation in the doctor's own queue: the patient is called in, the encounter starts.
    await user.click(await within(screen.getByTestId("queue-doctor-dr.rossi")).findByTestId(`queue-start-${next.id}`));
    const page = within(await screen.findByTestId("consultation"));
    expect(page.getByTestId("consultation-patient")).toHaveTextContent(name);
    expect(page.getByTestId("consultation-status")).toHaveTextContent("Draft");
    expect(page.getByText("From an appointment")).toBeInTheDocument();
    expect(callsOf(backend, "start_consultation")).toEqual([{ appointment_id: next.id }]);
    expect(callsOf(backend, "start_encounter")).toEqual([{ patient_id: next.patient_id, appointment_id: next.id }]);
    expect(backend.scheduling.appointments.get(next.id)?.status).toBe("in_consultation");

    // Vitals: Rust refuses an implausible value by field, with the plausible range.
    const vitals = within(page.getByTestId("vitals-panel"));
    await user.type(vitals.getByTestId("vitals-temperature_c"), "73");
    await user.click(vitals.getByTestId("vitals-submit"));
    expect(await vitals.findByTestId("error-temperature_c")).toHaveTextContent("73 °C is not plausible (expected 30–45 °C).");
    expect(backend.records.vitals.size).toBe(0);
    // The form's own checks: both pressures or neither.
    await user.clear(vitals.getByTestId("vitals-temperature_c"));
    await user.type(vitals.getByTestId("vitals-temperature_c"), "38,4");
    await user.type(vitals.getByTestId("vitals-pulse_bpm"), "118");
    await user.type(vitals.getByTestId("vitals-systolic_mmhg"), "128");
    await user.type(vitals.getByTestId("vitals-spo2_percent"), "93");
    await user.click(vitals.getByTestId("vitals-submit"));
    expect(await vitals.findByTestId("error-diastolic_mmhg")).toHaveTextContent("Blood pressure needs both the systolic and the diastolic value.");
    await user.type(vitals.getByTestId("vitals-diastolic_mmhg"), "82");
    await user.type(vitals.getByTestId("vitals-weight_kg"), "82.5");
    await user.type(vitals.getByTestId("vitals-height_cm"), "178");
    await user.click(vitals.getByTestId("vitals-submit"));
    // Abnormal values are flagged as Rust flags them.
    expect(await vitals.findByTestId("vitals-notice")).toHaveTextContent("Vitals recorded. Outside the normal range: Temp., Pulse, SpO₂.");
    const recorded = [...backend.records.vitals.values()][0];
    const entry = within(await vitals.findByTestId(`vitals-entry-${recorded?.id ?? ""}`));
    expect(entry.getByTestId(`vitals-${recorded?.id ?? ""}-pulse_bpm`)).toHaveAttribute("data-abnormal", "true");
    expect(entry.getByTestId(`vitals-${recorded?.id ?? ""}-pulse_bpm`)).toHaveTextContent("118 /min (outside the normal range)");
    expect(entry.getByTestId(`vitals-${recorded?.id ?? ""}-blood_pressure`)).not.toHaveAttribute("data-abnormal");
    expect(entry.getByTestId(`vitals-${recorded?.id ?? ""}-bmi`)).toHaveTextContent("26.0 kg/m²");
    // The readings come first now; another set is one click away.
    expect(vitals.queryByTestId("vitals-temperature_c")).not.toBeInTheDocument();
    await user.click(vitals.getByTestId("vitals-record"));
    expect(vitals.getByTestId("vitals-temperature_c")).toHaveValue("");
    await user.click(vitals.getByTestId("vitals-cancel"));

    // The SOAP note: a saved draft, then signed.
    const note = within(page.getByTestId("note-panel"));
    await user.type(note.getByTestId("note-subjective"), "Cough and fever for three days");
    await user.type(note.getByTestId("note-objective"), "Crackles right base");
    expect(note.getByTestId("note-dirty")).toHaveTextContent("Unsaved changes");
    await user.click(note.getByTestId("note-save"));
    await waitFor(() => {
      expect(note.getByTestId("note-status")).toHaveTextContent("Draft saved by Dr. Giulia Rossi");
    });
    expect(note.getByTestId("note-dirty")).toHaveAttribute("data-dirty", "false");
    // Signing needs an assessment (Rust says the same).
    await waitFor(() => {
      expect(note.getByTestId("note-sign")).toBeEnabled();
    });
    await user.click(note.getByTestId("note-sign"));
    expect(await note.findByTestId("error-assessment")).toHaveTextContent("Write at least the assessment before signing.");
    await user.type(note.getByTestId("note-assessment"), "Community-acquired pneumonia, right lower lobe");
    await user.type(note.getByTestId("note-plan"), "Amoxicillin; review in 48 h");
    await user.click(note.getByTestId("note-sign"));
    const confirm = within(await screen.findByTestId("confirm-dialog"));
    expect(confirm.getByText(/later changes are amendments with a reason/)).toBeInTheDocument();
    await user.click(confirm.getByTestId("confirm-submit"));

    expect(await page.findByTestId("consultation-notice")).toHaveTextContent("The note is signed and locked.");
    expect(page.getByTestId("consultation-status")).toHaveTextContent("Signed");
    // Read only now: no boxes, no save, no sign; the signed text as written.
    await waitFor(() => {
      expect(page.getByTestId("note-panel")).toHaveAttribute("data-mode", "read");
    });
    expect(page.queryByTestId("note-assessment")).not.toBeInTheDocument();
    expect(page.queryByTestId("note-save")).not.toBeInTheDocument();
    expect(page.queryByTestId("note-sign")).not.toBeInTheDocument();
    expect(page.getByTestId("note-text-assessment")).toHaveTextContent("Community-acquired pneumonia, right lower lobe");
    expect(page.getByTestId("note-status")).toHaveTextContent("Signed by Dr. Giulia Rossi");
    expect(page.getByTestId("note-amend")).toBeInTheDocument();
    // What was on screen was saved before the signature: draft, draft, signed.
    const encounterId = (callsOf(backend, "sign_encounter")[0] as { encounter_id: string }).encounter_id;
    expect(backend.records.notes.filter((n) => n.encounter_id === encounterId).map((n) => n.kind)).toEqual(["draft", "draft", "signed"]);
    // After signing, vitals are no longer recorded on this consultation.
    expect(page.queryByTestId("vitals-submit")).not.toBeInTheDocument();
    expect(page.queryByTestId("vitals-record")).not.toBeInTheDocument();
  });

  it("amends a signed note only with a reason; the history keeps the original and shows who changed what and why", async () => {
    const { user, backend } = await signIn("dr.rossi");
    const e = await startedByRossi(backend, "García López", { assessment: "Viral bronchitis", sign: true });
    const page = within(await openConsultation(user, backend, "García López", e.id));
    // The allergies must not be missed during the consultation.
    expect(within(page.getByTestId("chart-allergies")).getByTestId("allergy-chip-Penicillin")).toHaveTextContent("Severe");

    await user.click(page.getByTestId("note-amend"));
    const dialog = within(await screen.findByTestId("amend-dialog"));
    expect(dialog.getByTestId("amend-assessment")).toHaveValue("Viral bronchitis");
    await user.click(dialog.getByTestId("amend-submit"));
    expect(await dialog.findByTestId("error-reason")).toHaveTextContent("This is required.");
    await user.type(dialog.getByTestId("amend-reason"), "Chest X-ray shows consolidation");
    await user.click(dialog.getByTestId("amend-submit"));
    expect(await dialog.findByTestId("form-error")).toHaveTextContent("The amendment changes nothing");
    await user.clear(dialog.getByTestId("amend-assessment"));
    await user.type(dialog.getByTestId("amend-assessment"), "Community-acquired pneumonia");
    await user.click(dialog.getByTestId("amend-submit"));

    expect(await page.findByTestId("consultation-notice")).toHaveTextContent("The amendment is saved; the signed original is kept in the history.");
    await waitFor(() => {
      expect(page.getByTestId("note-text-assessment")).toHaveTextContent("Community-acquired pneumonia");
    });
    expect(callsOf(backend, "amend_encounter_note").at(-1)).toMatchObject({ note: { encounter_id: e.id, assessment: "Community-acquired pneumonia" }, reason: "Chest X-ray shows consolidation" });

    // The history is open once a note was amended: the amendment by whom and why, the original kept.
    const history = within(page.getByTestId("note-history"));
    expect(page.getByTestId("note-history-toggle")).toHaveAttribute("aria-expanded", "true");
    const amendment = within(history.getByTestId("note-version-3"));
    expect(history.getByTestId("note-version-3")).toHaveAttribute("data-kind", "amendment");
    expect(amendment.getByTestId("note-version-3-by")).toHaveTextContent("Version 3 by Dr. Giulia Rossi");
    expect(amendment.getByTestId("note-version-3-reason")).toHaveTextContent("Reason: Chest X-ray shows consolidation");
    expect(amendment.getByTestId("note-version-3-before-assessment")).toHaveTextContent("Viral bronchitis");
    expect(amendment.getByTestId("note-version-3-after-assessment")).toHaveTextContent("Community-acquired pneumonia");
    // Only the assessment changed.
    expect(within(amendment.getByTestId("note-version-3-changes")).getAllByText(/^Changed:/)).toHaveLength(1);
    expect(history.getByTestId("note-version-2")).toHaveAttribute("data-kind", "signed");
    await user.click(history.getByTestId("note-version-2-toggle"));
    expect(within(history.getByTestId("note-version-2")).getByText("Viral bronchitis")).toBeInTheDocument();
    // The draft before signing folds away behind one line.
    expect(history.queryByTestId("note-version-1")).not.toBeInTheDocument();
    await user.click(history.getByTestId("note-history-drafts"));
    expect(history.getByTestId("note-version-1")).toHaveAttribute("data-kind", "draft");
    expect(page.getByTestId("note-panel")).toHaveTextContent("Amended once");
  });

  it("is marked entered in error only with a reason; it stays readable and nothing in it changes", async () => {
    const { user, backend } = await signIn("dr.rossi");
    const e = await startedByRossi(backend, "Romano", { assessment: "Tension headache" });
    const page = within(await openConsultation(user, backend, "Romano", e.id));
    expect(page.getByTestId("note-assessment")).toHaveValue("Tension headache");

    await user.click(page.getByTestId("consultation-mark-error"));
    const dialog = within(await screen.findByTestId("encounter-error-dialog"));
    await user.click(dialog.getByTestId("reason-submit"));
    expect(await dialog.findByTestId("error-reason")).toHaveTextContent("This is required.");
    expect(callsOf(backend, "mark_encounter_entered_in_error")).toEqual([]);
    await user.type(dialog.getByTestId("reason-input"), "Opened for the wrong patient");
    await user.click(dialog.getByTestId("reason-submit"));

    expect(await page.findByTestId("consultation-error-banner")).toHaveTextContent("This consultation was marked entered in error: Opened for the wrong patient.");
    expect(page.getByTestId("consultation-status")).toHaveTextContent("Entered in error");
    expect(page.getByTestId("note-text-assessment")).toHaveTextContent("Tension headache");
    for (const id of ["note-save", "note-sign", "note-amend", "vitals-submit", "attachment-add", "consultation-mark-error"]) {
      expect(page.queryByTestId(id)).not.toBeInTheDocument();
    }
    expect(backend.records.encounters.get(e.id)?.status).toBe("entered_in_error");
  });

  it("lets a nurse record vitals with a triage note, but not write, sign or attach", async () => {
    const { user, backend } = await signIn("nurse.muller");
    const e = await startedByRossi(backend, "Schmidt", { assessment: "Fall at home, no fracture" });
    const page = within(await openConsultation(user, backend, "Schmidt", e.id));
    expect(page.getByTestId("consultation-alerts")).toHaveTextContent("Fall risk");
    expect(page.getByTestId("note-panel")).toHaveAttribute("data-mode", "read");
    expect(page.getByTestId("note-readonly-reason")).toHaveTextContent("written and signed by Dr. Giulia Rossi");
    expect(page.getByTestId("note-text-assessment")).toHaveTextContent("Fall at home, no fracture");
    for (const id of ["note-save", "note-sign", "consultation-mark-error", "attachment-add"]) {
      expect(page.queryByTestId(id)).not.toBeInTheDocument();
    }

    const vitals = within(page.getByTestId("vitals-panel"));
    await user.type(vitals.getByTestId("vitals-pulse_bpm"), "72.5");
    await user.click(vitals.getByTestId("vitals-submit"));
    expect(await vitals.findByTestId("error-pulse_bpm")).toHaveTextContent("A whole number, e.g. 72.");
    await user.clear(vitals.getByTestId("vitals-pulse_bpm"));
    await user.type(vitals.getByTestId("vitals-pulse_bpm"), "72");
    await user.type(vitals.getByTestId("vitals-note"), "Pain 3/10 in the left hip");
    await user.click(vitals.getByTestId("vitals-submit"));
    expect(await vitals.findByTestId("vitals-notice")).toHaveTextContent("Vitals recorded.");
    const history = within(await vitals.findByTestId("vitals-history"));
    expect(history.getByText(/Jana Müller/)).toBeInTheDocument();
    expect(history.getByText("Pain 3/10 in the left hip")).toBeInTheDocument();
    expect(callsOf(backend, "record_vitals")).toEqual([expect.objectContaining({ encounter_id: e.id, pulse_bpm: 72, note: "Pain 3/10 in the left hip", temperature_c: null })]);
    // Rust would refuse her a note anyway.
    await expect((await as(backend, "nurse.muller"))("sign_encounter", { encounter_id: e.id })).rejects.toMatchObject({ code: "permission_denied" });
  });

  it("marks vitals entered in error with a reason: struck through, kept", async () => {
    const { user, backend } = await signIn("nurse.muller");
    const e = await startedByRossi(backend, "Romano");
    const v = await (await as(backend, "dr.rossi"))("record_vitals", { patient_id: e.patient_id, encounter_id: e.id, pulse_bpm: 180 });
    const page = within(await openConsultation(user, backend, "Romano", e.id));
    await user.click(await page.findByTestId(`vitals-mark-error-${v.id}`));
    const dialog = within(await screen.findByTestId("vitals-error-dialog"));
    await user.type(dialog.getByTestId("reason-input"), "Pulse oximeter slipped");
    await user.click(dialog.getByTestId("reason-submit"));
    expect(await page.findByTestId(`vitals-error-reason-${v.id}`)).toHaveTextContent("Entered in error: Pulse oximeter slipped");
    expect(page.getByTestId(`vitals-entry-${v.id}`)).toHaveAttribute("data-error", "true");
    expect(page.queryByTestId(`vitals-mark-error-${v.id}`)).not.toBeInTheDocument();
  });

  it("opens a running consultation for the nurse from the board, and says so when the doctor has not started one", async () => {
    const { user, backend } = await openAs("nurse.muller", "today");
    const running = todays(backend, "in_consultation");
    await user.click(await screen.findByTestId(`open-consultation-${running.id}`));
    expect(await screen.findByTestId("today-error")).toHaveTextContent("The doctor has not opened this consultation yet.");

    const doctor = [...backend.users.values()].find((u) => u.id === running.doctor_id)?.username ?? "";
    const e = await (await as(backend, doctor))("start_encounter", { patient_id: running.patient_id, appointment_id: running.id });
    await user.click(screen.getByTestId(`open-consultation-${running.id}`));
    expect(await screen.findByTestId("consultation")).toHaveAttribute("data-status", "open");
    expect(callsOf(backend, "get_encounter")).toContainEqual({ encounter_id: e.id });
    expect(callsOf(backend, "start_encounter")).toHaveLength(1);
  });

  it("starts a walk-in consultation from the chart, without an appointment", async () => {
    const { user, backend } = await openAs("dr.okafor", "patients");
    const patient = demoPatient(backend, "Dupont");
    await searchPatients(user, patient.mrn);
    await user.click(screen.getByTestId(`patient-hit-${patient.mrn}`));
    await user.click(await screen.findByTestId("consultation-new"));
    const confirm = within(await screen.findByTestId("confirm-dialog"));
    expect(confirm.getByText(/Zoé Dupont without an appointment/)).toBeInTheDocument();
    await user.click(confirm.getByTestId("confirm-submit"));
    const page = within(await screen.findByTestId("consultation"));
    expect(page.getByText("Walk-in without an appointment")).toBeInTheDocument();
    expect(page.getByText(/Dr\. Chinedu Okafor/)).toBeInTheDocument();
    expect(callsOf(backend, "start_encounter")).toEqual([{ patient_id: patient.id, appointment_id: null }]);
    // Back on the chart, the consultation is listed.
    await user.click(screen.getByTestId("consultation-back"));
    await user.click(await screen.findByTestId("chart-tab-encounters"));
    const row = await screen.findByTestId(/^encounter-row-/);
    expect(row).toHaveTextContent("Draft");
    expect(row).toHaveTextContent("walk-in");
  });

  it("is not offered to reception on the board, nor for other doctors' patients", async () => {
    const { backend } = await openAs("reception", "today");
    await screen.findByTestId("today-board");
    const running = todays(backend, "in_consultation");
    expect(screen.getByTestId(`today-row-${running.id}`)).toBeInTheDocument();
    expect(screen.queryByTestId(`open-consultation-${running.id}`)).not.toBeInTheDocument();
    expect(screen.queryAllByTestId(/^(start|open)-consultation-|^queue-(start|open)-/)).toEqual([]);
  });

  it("is offered to a doctor for their own patients only", async () => {
    const { backend } = await openAs("dr.okafor", "today");
    await screen.findByTestId("today-board");
    const reception = await as(backend, "reception");
    const rossis = todays(backend, "scheduled", "dr.rossi");
    const okafors = todays(backend, "scheduled", "dr.okafor");
    await reception("check_in_appointment", { appointment_id: rossis.id });
    await reception("check_in_appointment", { appointment_id: okafors.id });
    expect(await screen.findByTestId(`start-consultation-${okafors.id}`)).toHaveAccessibleName(`Start consultation: ${patientName(backend, okafors.patient_id)}`);
    expect(await screen.findByTestId(`queue-start-${okafors.id}`)).toBeInTheDocument();
    expect(screen.queryByTestId(`start-consultation-${rossis.id}`)).not.toBeInTheDocument();
    expect(screen.queryByTestId(`queue-start-${rossis.id}`)).not.toBeInTheDocument();
  });

  it("keeps what was typed when the doctor leaves the screen without saving", async () => {
    const { user, backend } = await signIn("dr.rossi");
    const e = await startedByRossi(backend, "Tanaka");
    const page = within(await openConsultation(user, backend, "Tanaka", e.id));
    await user.type(page.getByTestId("note-subjective"), "Itchy rash on both forearms");
    await user.click(screen.getByTestId("consultation-back"));
    await screen.findByTestId("chart-name");
    await waitFor(() => {
      expect(backend.records.notes.filter((n) => n.encounter_id === e.id).map((n) => [n.kind, n.subjective])).toEqual([["draft", "Itchy rash on both forearms"]]);
    });
  });

  it("shows another doctor's consultation read only", async () => {
    const { user, backend } = await signIn("dr.okafor");
    const e = await startedByRossi(backend, "Bianchi", { assessment: "Hypertension review" });
    const page = within(await openConsultation(user, backend, "Bianchi", e.id));
    expect(page.getByTestId("note-readonly-reason")).toHaveTextContent("Only Dr. Giulia Rossi, whose consultation this is, writes and signs this note.");
    expect(page.queryByTestId("note-sign")).not.toBeInTheDocument();
    expect(page.queryByTestId("consultation-mark-error")).not.toBeInTheDocument();
    // Vitals and files are the consultation's, whoever records them.
    expect(page.getByTestId("vitals-submit")).toBeInTheDocument();
  });
});
