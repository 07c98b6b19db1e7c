// The records fake against the rules of crates/core/src/records: the consultation and chart
// tests lean on these answers, so they are checked here once, directly.
import { describe, expect, it } from "vitest";
import type { AppError, CommandName, Commands } from "../api/generated";
import { createFakeBackend, DEMO_USERS } from "./fake-backend";
import { sha256Hex } from "./fake-records";

async function setup() {
  const backend = createFakeBackend({ state: "demo" });
  const as = async (username: string) => {
    const user = DEMO_USERS.find((u) => u.username === username);
    const session = (await backend.transport("login", null, { username, password: user?.password ?? "" })) as Commands["login"]["output"];
    const run = <K extends CommandName>(name: K, input: Commands[K]["input"]) => backend.transport(name, session.token, input) as Promise<Commands[K]["output"]>;
    const refused = async <K extends CommandName>(name: K, input: Commands[K]["input"]) => {
      try {
        await run(name, input);
      } catch (e) {
        return e as AppError;
      }
      throw new Error(`${name} was not refused`);
    };
    return { run, refused };
  };
  const patient = (family: string) => [...backend.patients.values()].find((p) => p.family_name === family)?.id ?? "";
  return { backend, as, patient, rossi: await as("dr.rossi"), okafor: await as("dr.okafor"), nurse: await as("nurse.muller"), reception: await as("reception") };
}

const soap = (encounter_id: string, assessment: string) => ({ encounter_id, subjective: "Cough for 3 days", objective: "", assessment, plan: "" });

describe("the records fake", () => {
  it("keeps every version: drafts, the signed text, then amendments with who and why", async () => {
    const { rossi, patient } = await setup();
    const e = await rossi.run("start_encounter", { patient_id: patient("Bianchi") });
    expect(e.status).toBe("open");
    await rossi.run("save_encounter_note", soap(e.id, "Viral bronchitis"));
    const signed = await rossi.run("sign_encounter", { encounter_id: e.id });
    expect(signed.summary).toMatchObject({ status: "signed", signed_by_name: "Dr. Giulia Rossi", headline: "Viral bronchitis" });
    expect(signed.history.map((v) => v.kind)).toEqual(["draft", "signed"]);

    // Signed: a draft is refused, an amendment needs a reason, and the original stays.
    expect(await rossi.refused("save_encounter_note", soap(e.id, "x"))).toEqual({ code: "conflict", message: "this note is signed: change it with an amendment and a reason", field: "encounter_id" });
    expect(await rossi.refused("amend_encounter_note", { note: soap(e.id, "Bacterial bronchitis"), reason: "  " })).toEqual({ code: "validation", message: "Reason is required", field: "reason" });
    const amended = await rossi.run("amend_encounter_note", { note: soap(e.id, "Bacterial bronchitis"), reason: "Sputum culture positive" });
    expect(amended.history.map((v) => [v.version, v.kind, v.assessment, v.reason])).toEqual([
      [1, "draft", "Viral bronchitis", ""],
      [2, "signed", "Viral bronchitis", ""],
      [3, "amendment", "Bacterial bronchitis", "Sputum culture positive"],
    ]);
    expect(amended.note?.assessment).toBe("Bacterial bronchitis");
    expect(amended.summary.amendments).toBe(1);
  });

  it("signs only with an assessment, and only the encounter's doctor writes; reception reads nothing", async () => {
    const { rossi, okafor, nurse, reception, patient } = await setup();
    const e = await rossi.run("start_encounter", { patient_id: patient("Romano") });
    expect(await rossi.refused("sign_encounter", { encounter_id: e.id })).toEqual({ code: "validation", message: "write at least the assessment before signing", field: "assessment" });
    expect(await okafor.refused("save_encounter_note", soap(e.id, "x"))).toEqual({ code: "permission_denied", message: "only Dr. Giulia Rossi (whose encounter this is) may write its note" });
    expect((await nurse.refused("save_encounter_note", soap(e.id, "x"))).code).toBe("permission_denied");
    expect((await nurse.refused("sign_encounter", { encounter_id: e.id })).code).toBe("permission_denied");
    expect((await reception.refused("get_encounter", { encounter_id: e.id })).code).toBe("permission_denied");
    expect((await reception.refused("list_problems", { patient_id: patient("Romano") })).code).toBe("permission_denied");
    // The nurse reads it and records vitals.
    expect((await nurse.run("get_encounter", { encounter_id: e.id })).summary.id).toBe(e.id);
    expect((await nurse.run("record_vitals", { patient_id: patient("Romano"), encounter_id: e.id, pulse_bpm: 72 })).recorded_by_name).toBe("Jana Müller");
  });

  it("opens the same encounter for a second start from one appointment", async () => {
    const { backend, rossi } = await setup();
    const a = [...backend.scheduling.appointments.values()][0];
    if (!a) throw new Error("no appointment");
    const first = await rossi.run("start_encounter", { patient_id: a.patient_id, appointment_id: a.id });
    const again = await rossi.run("start_encounter", { patient_id: a.patient_id, appointment_id: a.id });
    expect(again.id).toBe(first.id);
    const other = [...backend.patients.values()].find((p) => p.id !== a.patient_id)?.id ?? "";
    expect(await rossi.refused("start_encounter", { patient_id: other, appointment_id: a.id })).toEqual({ code: "validation", message: "this appointment is another patient's", field: "appointment_id" });
  });

  it("marks an encounter entered in error with a reason; it stays readable", async () => {
    const { rossi, patient } = await setup();
    const e = await rossi.run("start_encounter", { patient_id: patient("Bianchi") });
    expect(await rossi.refused("mark_encounter_entered_in_error", { encounter_id: e.id, reason: "" })).toMatchObject({ field: "reason" });
    const marked = await rossi.run("mark_encounter_entered_in_error", { encounter_id: e.id, reason: "Wrong patient" });
    expect(marked.summary).toMatchObject({ status: "entered_in_error", error_reason: "Wrong patient" });
    expect(await rossi.refused("save_encounter_note", soap(e.id, "x"))).toEqual({ code: "conflict", message: "this encounter was marked entered in error", field: "encounter_id" });
    expect((await rossi.run("list_encounters", { patient_id: patient("Bianchi") })).map((x) => x.status)).toEqual(["entered_in_error"]);
  });

  it("validates vitals by field, flags abnormal values and derives the BMI exactly", async () => {
    const { nurse, patient } = await setup();
    const id = patient("Bianchi");
    expect(await nurse.refused("record_vitals", { patient_id: id, temperature_c: "73" })).toEqual({ code: "validation", message: "73 °C is not plausible (expected 30–45 °C)", field: "temperature_c" });
    expect(await nurse.refused("record_vitals", { patient_id: id, temperature_c: "37.25" })).toMatchObject({ message: "one decimal place at most", field: "temperature_c" });
    expect(await nurse.refused("record_vitals", { patient_id: id, systolic_mmhg: 120 })).toMatchObject({ message: "blood pressure needs both the systolic and the diastolic value", field: "diastolic_mmhg" });
    expect(await nurse.refused("record_vitals", { patient_id: id, systolic_mmhg: 80, diastolic_mmhg: 90 })).toMatchObject({ field: "diastolic_mmhg" });
    expect(await nurse.refused("record_vitals", { patient_id: id })).toEqual({ code: "validation", message: "record at least one value", field: "temperature_c" });
    expect(await nurse.refused("record_vitals", { patient_id: id, pulse_bpm: 72.5 })).toMatchObject({ field: "pulse_bpm" });
    const v = await nurse.run("record_vitals", { patient_id: id, temperature_c: "38,4", pulse_bpm: 118, systolic_mmhg: 128, diastolic_mmhg: 82, spo2_percent: 93, weight_kg: "82.5", height_cm: "178" });
    expect(v).toMatchObject({ temperature_c: "38.4", bmi: "26.0", abnormal: ["temperature_c", "pulse_bpm", "spo2_percent"], entered_in_error: false });
    expect(await nurse.refused("mark_vitals_entered_in_error", { vitals_id: v.id, reason: " " })).toMatchObject({ field: "reason" });
    expect(await nurse.run("mark_vitals_entered_in_error", { vitals_id: v.id, reason: "Wrong patient" })).toMatchObject({ entered_in_error: true, error_reason: "Wrong patient" });
  });

  it("keeps each problem's status history; the same active problem twice is refused", async () => {
    const { rossi, nurse, patient } = await setup();
    const id = patient("Schmidt");
    const p = await rossi.run("add_problem", { patient_id: id, description: "Type 2 diabetes", onset_date: "2019-05-01", note: "" });
    expect(await rossi.refused("add_problem", { patient_id: id, description: "type 2 DIABETES", onset_date: "", note: "" })).toEqual({ code: "validation", message: "Type 2 diabetes is already on the active problem list", field: "description" });
    expect(await rossi.refused("add_problem", { patient_id: id, description: "Gout", onset_date: "2999-01-01", note: "" })).toMatchObject({ message: "onset date cannot be in the future", field: "onset_date" });
    expect(await rossi.refused("add_problem", { patient_id: id, description: "Gout", onset_date: "2020-02-30", note: "" })).toMatchObject({ field: "onset_date" });
    expect((await nurse.refused("add_problem", { patient_id: id, description: "Gout", onset_date: "", note: "" })).code).toBe("permission_denied");
    await rossi.run("set_problem_status", { problem_id: p.id, status: "resolved", reason: "HbA1c normal off treatment" });
    expect(await rossi.refused("set_problem_status", { problem_id: p.id, status: "resolved", reason: "" })).toEqual({ code: "validation", message: "this problem is already resolved", field: "status" });
    expect(await rossi.refused("set_problem_status", { problem_id: p.id, status: "entered_in_error", reason: "" })).toMatchObject({ field: "reason" });
    const list = await nurse.run("list_problems", { patient_id: id });
    expect(list[0]?.changes).toEqual([{ from_status: "active", to_status: "resolved", reason: "HbA1c normal off treatment", changed_by_name: "Dr. Giulia Rossi", changed_at: expect.any(String) as string }]);
  });

  it("stores attachments by checksum, refuses wrong types and names, and marks them entered in error", async () => {
    const { rossi, nurse, patient } = await setup();
    const id = patient("Bianchi");
    const text = btoa("Potassium 4.1 mmol/L");
    const base = { patient_id: id, description: "" };
    expect(await rossi.refused("add_attachment", { ...base, file_name: "tool.exe", media_type: "application/x-msdownload", content_base64: text })).toEqual({
      code: "validation",
      message: '"application/x-msdownload" cannot be attached; allowed: PDF, PNG, JPEG, TIFF, text, DICOM',
      field: "media_type",
    });
    expect(await rossi.refused("add_attachment", { ...base, file_name: "labs.pdf", media_type: "text/plain", content_base64: text })).toMatchObject({ message: "a text/plain file should end in .txt", field: "file_name" });
    expect(await rossi.refused("add_attachment", { ...base, file_name: "labs.txt", media_type: "text/plain", content_base64: "abc" })).toMatchObject({ field: "content_base64" });
    expect(await rossi.refused("add_attachment", { ...base, file_name: "labs.txt", media_type: "text/plain", content_base64: "" })).toMatchObject({ message: "the file is empty" });
    expect((await nurse.refused("add_attachment", { ...base, file_name: "labs.txt", media_type: "text/plain", content_base64: text })).code).toBe("permission_denied");
    const a = await rossi.run("add_attachment", { ...base, file_name: "labs.txt", media_type: "TEXT/PLAIN", content_base64: text });
    expect(a).toMatchObject({ media_type: "text/plain", size_bytes: 20, added_by_name: "Dr. Giulia Rossi" });
    expect(a.sha256).toBe(sha256Hex(new TextEncoder().encode("Potassium 4.1 mmol/L")));
    expect((await nurse.run("open_attachment", { attachment_id: a.id })).content_base64).toBe(text);
    await rossi.run("mark_attachment_entered_in_error", { attachment_id: a.id, reason: "Another patient's results" });
    expect(await rossi.refused("mark_attachment_entered_in_error", { attachment_id: a.id, reason: "again" })).toMatchObject({ code: "conflict", field: "attachment_id" });
    // Never deleted: still listed and still opens.
    expect((await nurse.run("list_attachments", { patient_id: id }))[0]).toMatchObject({ entered_in_error: true, error_reason: "Another patient's results" });
    expect((await nurse.run("open_attachment", { attachment_id: a.id })).content_base64).toBe(text);
  });

  it("computes SHA-256 as Rust's sha2 does", () => {
    expect(sha256Hex(new Uint8Array())).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex(new TextEncoder().encode("abc"))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256Hex(new TextEncoder().encode("a".repeat(1000)))).toBe("41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
  });

  it("moves a merged duplicate's records to the survivor", async () => {
    const { backend, rossi, patient } = await setup();
    const duplicate = patient("Bianci");
    const survivor = patient("Bianchi");
    await rossi.run("start_encounter", { patient_id: duplicate });
    await rossi.run("add_problem", { patient_id: duplicate, description: "Asthma", onset_date: "", note: "" });
    const admin = await (async () => {
      const login = (await backend.transport("login", null, { username: "admin", password: "blue lantern orchid 47" })) as Commands["login"]["output"];
      return login.token;
    })();
    const merged = (await backend.transport("merge_patients", admin, { survivor_id: survivor, duplicate_id: duplicate, reason: "same person" })) as Commands["merge_patients"]["output"];
    expect(merged.moved.filter((m) => m.rows > 0).map((m) => m.table)).toEqual(expect.arrayContaining(["encounters", "patient_problems"]));
    expect((await rossi.run("list_problems", { patient_id: survivor })).map((p) => p.description)).toEqual(["Asthma"]);
  });
});
