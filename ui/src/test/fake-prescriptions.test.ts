// The diagnoses and prescriptions fake against the rules of crates/core (prescriptions/*.rs,
// records/diagnoses.rs, records/icd10.rs), following crates/core/tests/prescriptions.rs and
// diagnoses.rs: the panels' tests lean on these answers, so they are checked here once, directly.
import { describe, expect, it } from "vitest";
import type { AppError, CommandName, Commands } from "../api/generated";
import { createClinicalBackend } from "../features/prescriptions/clinical-harness";
import { allergyMatch, directionsOf, searchIcd10, tinyPdf } from "./fake-prescriptions";

async function setup() {
  const clinic = createClinicalBackend();
  const as = async (username: string) => {
    const run = await clinic.as(username);
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
  const patient = clinic.patient("Rossi").id;
  return { clinic, patient, rossi: await as("dr.rossi"), okafor: await as("dr.okafor"), nurse: await as("nurse.muller"), reception: await as("reception"), admin: await as("admin") };
}

type Caller = Awaited<ReturnType<typeof setup>>["rossi"];

async function draft(who: Caller, patient: string, medications: string[] = []) {
  let p = await who.run("create_prescription", { patient_id: patient, notes: "" });
  for (const m of medications) p = await who.run("add_prescription_item", { prescription_id: p.id, medication_id: m });
  return p;
}

describe("the prescriptions fake", () => {
  it("fills the catalog's defaults and works the quantity out (the_catalog_fills_sensible_defaults_and_works_out_the_quantity)", async () => {
    const { rossi, patient, clinic } = await setup();
    const byBrand = await rossi.run("list_medications", { query: "ventolin", include_inactive: false });
    expect(byBrand.map((m) => m.generic_name)).toEqual(["Salbutamol"]);
    const p = await draft(rossi, patient, ["med-amoxicillin-500-mg-capsule"]);
    const item = p.items[0];
    expect(item).toMatchObject({ medication_name: "Amoxicillin 500 mg capsule", dose: "1 capsule", route: "oral", frequency: "three_times_daily", duration_days: 7, quantity: 21, directions: "1 capsule orally three times daily for 7 days" });
    const id = item?.id ?? "";
    expect((await rossi.run("update_prescription_item", { item_id: id, duration_days: 10 })).items[0]?.quantity).toBe(30);
    const kept = await rossi.run("update_prescription_item", { item_id: id, quantity: 28, refills: 1 });
    expect(kept.items[0]).toMatchObject({ quantity: 28, duration_days: 10, refills: 1 });
    // Only the instructions change: the quantity given stays.
    expect((await rossi.run("update_prescription_item", { item_id: id, instructions: "With food" })).items[0]?.quantity).toBe(28);
    for (const [field, value, message] of [
      ["quantity", 0, "must be between 1 and 1000"],
      ["refills", 13, "at most 12 refills"],
      ["duration_days", 400, "at most 365 days; 0 for ongoing"],
      ["dose", " ", "Dose is required"],
    ] as const) {
      expect(await rossi.refused("update_prescription_item", { item_id: id, [field]: value })).toEqual({ code: "validation", message, field });
    }
    const empty = await draft(rossi, patient);
    expect(await rossi.refused("sign_prescription", { prescription_id: empty.id, overrides: [] })).toEqual({ code: "validation", message: "add at least one medication before signing", field: "items" });
    expect((await rossi.run("remove_prescription_item", { item_id: id })).items).toEqual([]);
    expect(clinic.prescriptions.items.get(id)?.status).toBe("removed");
    // Catalog quantities: a single dose, an inhaler "when needed", an ongoing insulin pen.
    const more = await draft(rossi, patient, ["med-fluconazole-150-mg-capsule", "med-salbutamol-100-micrograms-dose-inhaler", "med-insulin-glargine-100-units-ml-3-ml-pre-filled-pen"]);
    expect(more.items.map((i) => [i.quantity, i.directions])).toEqual([
      [1, "1 capsule orally once (single dose)"],
      [1, "2 puffs inhaled when needed"],
      [5, "10 units by subcutaneous injection at bedtime"],
    ]);
  });

  it("warns of an allergy and signs only with a recorded reason (an_allergy_warns_and_signing_needs_a_recorded_reason)", async () => {
    const { rossi, patient } = await setup();
    await rossi.run("record_allergy", { patient_id: patient, allergy: { substance: "Penicillin", reaction: "anaphylaxis", severity: "severe" } });
    const p = await draft(rossi, patient, ["med-amoxicillin-and-clavulanic-acid-875-mg-125-mg-tablet"]);
    expect(p.warnings).toEqual([
      {
        item_id: p.items[0]?.id,
        kind: "allergy",
        message: "recorded allergy to Penicillin (severe: anaphylaxis); Amoxicillin and clavulanic acid 875 mg/125 mg tablet matches its class penicillins",
        override_reason: null,
        overridden_by_name: null,
      },
    ]);
    const itemId = p.items[0]?.id ?? "";
    for (const overrides of [[], [{ item_id: itemId, kind: "allergy" as const, reason: "  " }]]) {
      const err = await rossi.refused("sign_prescription", { prescription_id: p.id, overrides });
      expect(err.field).toBe("overrides");
      expect(err.message).toBe(`give a reason to override: ${p.warnings[0]?.message ?? ""}`);
    }
    const signed = await rossi.run("sign_prescription", { prescription_id: p.id, overrides: [{ item_id: itemId, kind: "allergy", reason: "tolerated amoxicillin in 2024 under observation" }] });
    expect(signed.status).toBe("signed");
    expect(signed.verification_code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    expect(signed.warnings[0]).toMatchObject({ override_reason: "tolerated amoxicillin in 2024 under observation", overridden_by_name: "Dr. Giulia Rossi" });
    expect(await rossi.refused("update_prescription_item", { item_id: itemId, quantity: 99 })).toEqual({
      code: "conflict",
      message: "this prescription is signed and locked: discontinue an item, or renew it as a new draft",
      field: "prescription_id",
    });
    expect((await draft(rossi, patient, ["med-azithromycin-500-mg-tablet"])).warnings).toEqual([]);
  });

  it("warns of duplicates of current medications and of the same group (duplicates_of_current_medications_and_of_the_same_group_warn)", async () => {
    const { rossi, nurse, patient } = await setup();
    const first = await rossi.run("sign_prescription", { prescription_id: (await draft(rossi, patient, ["med-lisinopril-10-mg-tablet", "med-metformin-500-mg-tablet"])).id, overrides: [] });
    const current = await nurse.run("current_medications", { patient_id: patient });
    expect(current).toHaveLength(2);
    const end = new Date(`${(first.signed_at ?? "").slice(0, 10)}T00:00:00Z`);
    end.setUTCDate(end.getUTCDate() + 30);
    expect(current[0]?.ends_on).toBe(end.toISOString().slice(0, 10));
    const p = await draft(rossi, patient, ["med-ramipril-5-mg-capsule", "med-metformin-850-mg-tablet", "med-ibuprofen-400-mg-tablet", "med-ibuprofen-400-mg-tablet"]);
    const on = (first.signed_at ?? "").slice(0, 10);
    expect(p.warnings.map((w) => w.message)).toEqual([
      `therapeutic duplicate: Ramipril 5 mg capsule and Lisinopril 10 mg tablet are both ace inhibitors (prescribed ${on} by Dr. Giulia Rossi)`,
      `Metformin is already prescribed (Metformin 500 mg tablet, prescribed ${on} by Dr. Giulia Rossi)`,
      "Ibuprofen is already prescribed (Ibuprofen 400 mg tablet, on this prescription)",
    ]);
    const overrides = p.warnings.map((w) => ({ item_id: w.item_id, kind: w.kind, reason: "switching therapy" }));
    expect((await rossi.refused("sign_prescription", { prescription_id: p.id, overrides: overrides.slice(0, 2) })).field).toBe("overrides");
    await rossi.run("sign_prescription", { prescription_id: p.id, overrides });
    const lisinopril = first.items[0]?.id ?? "";
    expect(await rossi.refused("discontinue_prescription_item", { item_id: lisinopril, reason: "" })).toEqual({ code: "validation", message: "Reason is required", field: "reason" });
    const stopped = await rossi.run("discontinue_prescription_item", { item_id: lisinopril, reason: "dry cough; switched to ramipril trial" });
    expect(stopped.items[0]).toMatchObject({ status: "discontinued", stopped_by_name: "Dr. Giulia Rossi", stop_reason: "dry cough; switched to ramipril trial" });
    expect(await rossi.refused("discontinue_prescription_item", { item_id: lisinopril, reason: "again" })).toEqual({ code: "conflict", message: "this medication was already stopped", field: "item_id" });
    const names = (await rossi.run("current_medications", { patient_id: patient })).map((m) => m.item.medication_name);
    expect(names).not.toContain("Lisinopril 10 mg tablet");
    expect(names).toContain("Ramipril 5 mg capsule");
  });

  it("renews as the renewing doctor's draft; entered in error keeps it readable (renew_repeats_a_prescription_and_entered_in_error_keeps_it_readable)", async () => {
    const { rossi, okafor, patient, clinic } = await setup();
    let p = await rossi.run("create_prescription", { patient_id: patient, notes: "" });
    p = await rossi.run("add_prescription_item", { prescription_id: p.id, medication_id: "med-atorvastatin-20-mg-tablet", refills: 2, instructions: "Take in the evening." });
    p = await rossi.run("sign_prescription", { prescription_id: p.id, overrides: [] });
    expect(await rossi.refused("renew_prescription", { prescription_id: (await draft(rossi, patient)).id })).toEqual({ code: "conflict", message: "a draft is edited, not renewed", field: "prescription_id" });
    const renewed = await okafor.run("renew_prescription", { prescription_id: p.id });
    expect(renewed).toMatchObject({ status: "draft", renewed_from_id: p.id, prescriber_name: "Dr. Chinedu Okafor", encounter_id: null });
    expect(renewed.items[0]).toMatchObject({ medication_name: "Atorvastatin 20 mg tablet", refills: 2, instructions: "Take in the evening." });
    expect(await rossi.refused("sign_prescription", { prescription_id: renewed.id, overrides: [] })).toEqual({ code: "permission_denied", message: "only Dr. Chinedu Okafor (who is writing it) may change this draft" });
    expect(renewed.warnings[0]?.kind).toBe("duplicate");
    expect(await okafor.refused("mark_prescription_entered_in_error", { prescription_id: p.id, reason: "wrong patient" })).toEqual({
      code: "permission_denied",
      message: "only Dr. Giulia Rossi (who wrote it) may mark this prescription entered in error",
    });
    const marked = await rossi.run("mark_prescription_entered_in_error", { prescription_id: p.id, reason: "written for the wrong patient" });
    expect(marked).toMatchObject({ status: "entered_in_error", error_reason: "written for the wrong patient" });
    expect(marked.items).toHaveLength(1);
    expect(await rossi.run("current_medications", { patient_id: patient })).toEqual([]);
    expect((await rossi.run("list_prescriptions", { patient_id: patient })).length).toBe(3);
    // The chart's timeline: signed and entered-in-error prescriptions, not drafts.
    expect(clinic.prescriptions.timelineOf(patient).map((t) => [t.kind, t.title, t.detail])).toEqual([["prescription", "Prescription by Dr. Giulia Rossi (entered in error)", "Atorvastatin 20 mg tablet"]]);
  });

  it("lets each role do only what its work needs, and checks the catalog's fields (each_role_sees_and_does_only_what_its_work_needs)", async () => {
    const { rossi, nurse, reception, admin, patient, clinic } = await setup();
    const p = await rossi.run("sign_prescription", { prescription_id: (await draft(rossi, patient, ["med-paracetamol-500-mg-tablet"])).id, overrides: [] });
    await nurse.run("get_prescription", { prescription_id: p.id });
    await (await clinic.as("pharmacy"))("get_prescription", { prescription_id: p.id });
    for (const who of [reception, admin]) expect((await who.refused("get_prescription", { prescription_id: p.id })).code).toBe("permission_denied");
    expect((await nurse.refused("create_prescription", { patient_id: patient, notes: "" })).code).toBe("permission_denied");
    const medication = {
      generic_name: "Mebendazole",
      brand_names: ["Vermox"],
      form: "chewable tablet",
      strength: "100 mg",
      route: "oral" as const,
      atc_code: "P02CA01",
      allergy_classes: ["Benzimidazoles"],
      dispense_unit: "tablet",
      default_dose: "1 tablet",
      units_per_dose: 1,
      default_frequency: "twice_daily" as const,
      default_duration_days: 3,
      default_instructions: "",
      active: true,
    };
    expect((await rossi.refused("save_medication", { medication })).code).toBe("permission_denied");
    expect(await admin.refused("save_medication", { medication: { ...medication, atc_code: "P02-CA" } })).toEqual({ code: "validation", message: "an ATC code looks like J01CA04 (or a group such as J01CA)", field: "medication.atc_code" });
    expect(await admin.refused("save_medication", { medication: { ...medication, generic_name: " " } })).toEqual({ code: "validation", message: "Generic name is required", field: "medication.generic_name" });
    expect(await admin.refused("save_medication", { medication: { ...medication, units_per_dose: null } })).toEqual({ code: "validation", message: "give a default quantity, or the units per dose so it can be worked out", field: "medication.default_quantity" });
    const saved = await admin.run("save_medication", { medication });
    expect(saved).toMatchObject({ display_name: "Mebendazole 100 mg chewable tablet", allergy_classes: ["benzimidazoles"], default_quantity: null });
    expect((await admin.refused("save_medication", { medication })).message).toBe("Mebendazole 100 mg chewable tablet is already in the catalog");
    await admin.run("save_medication", { id: saved.id, medication: { ...medication, active: false } });
    expect(await rossi.run("list_medications", { query: "mebendazole", include_inactive: false })).toEqual([]);
    expect(await rossi.run("list_medications", { query: "mebendazole", include_inactive: true })).toHaveLength(1);
    expect(await rossi.refused("add_prescription_item", { prescription_id: (await draft(rossi, patient)).id, medication_id: saved.id })).toEqual({
      code: "validation",
      message: "Mebendazole 100 mg chewable tablet was retired from the catalog",
      field: "medication_id",
    });
  });

  it("renders a small real PDF, previews drafts, prints only signed prescriptions", async () => {
    const { rossi, patient, clinic } = await setup();
    expect(await rossi.refused("prescription_pdf", { prescription_id: (await draft(rossi, patient)).id })).toEqual({ code: "validation", message: "this prescription has no items to print", field: "prescription_id" });
    const d = await draft(rossi, patient, ["med-amoxicillin-500-mg-capsule"]);
    const preview = await rossi.run("prescription_pdf", { prescription_id: d.id });
    expect(preview.draft).toBe(true);
    expect(atob(preview.content_base64).startsWith("%PDF-1.4")).toBe(true);
    expect(preview.file_name).toBe(`prescription-${clinic.patient("Rossi").mrn}-${d.created_at.slice(0, 10)}.pdf`);
    expect(await rossi.refused("print_prescription", { prescription_id: d.id })).toEqual({ code: "conflict", message: "sign the prescription before printing it (the preview shows the draft)", field: "prescription_id" });
    await rossi.run("sign_prescription", { prescription_id: d.id, overrides: [] });
    expect(await rossi.run("print_prescription", { prescription_id: d.id })).toEqual({ job_id: "Reception_Laser-1" });
    expect(await rossi.run("print_prescription", { prescription_id: d.id, printer: "ClinicDeskPDF" })).toEqual({ job_id: "ClinicDeskPDF-2" });
    expect(await rossi.refused("print_prescription", { prescription_id: d.id, printer: "Nowhere" })).toEqual({
      code: "conflict",
      message: "the print system refused the job: lp failed (exit status: 1): lp: The printer or class does not exist.",
      field: "printer",
    });
    expect((await rossi.refused("print_prescription", { prescription_id: d.id, printer: "two words" })).message).toBe('"two words" is not a valid printer name');
    expect(await rossi.run("list_printers", {})).toEqual([
      { name: "Reception_Laser", is_default: true },
      { name: "Office_Inkjet", is_default: false },
      { name: "ClinicDeskPDF", is_default: false },
    ]);
    // The PDF's cross-reference table points at its objects.
    const pdf = atob(tinyPdf([{ text: "Prescription (draft)" }]));
    const xref = Number(/startxref\n(\d+)/.exec(pdf)?.[1]);
    expect(pdf.slice(xref, xref + 4)).toBe("xref");
    const first = Number(/0000000000 65535 f \n(\d{10})/.exec(pdf)?.[1]);
    expect(pdf.slice(first, first + 7)).toBe("1 0 obj");
  });

  it("matches allergies as checks.rs does, and writes directions as Rust does", () => {
    const pen = ["penicillins", "beta-lactams"];
    expect(allergyMatch("Penicillin", "Amoxicillin", [], pen)).toBe("class penicillins");
    expect(allergyMatch("PENICILLINS", "Flucloxacillin", [], pen)).toBe("class penicillins");
    expect(allergyMatch("beta-lactam antibiotics", "Cefalexin", [], ["cephalosporins", "beta-lactams"])).toBe("class beta-lactams");
    expect(allergyMatch("amoxicillin", "Amoxicillin and clavulanic acid", [], pen)).toBe("Amoxicillin and clavulanic acid");
    expect(allergyMatch("Amoxicillin (rash 2019)", "Amoxicillin", [], pen)).toBe("Amoxicillin");
    expect(allergyMatch("Aspirin", "Acetylsalicylic acid", ["Aspirin"], ["salicylates", "nsaids"])).toBe("brand aspirin");
    expect(allergyMatch("Aspirin", "Ibuprofen", [], ["nsaids"])).toBe("class nsaids");
    expect(allergyMatch("Sulfa drugs", "Trimethoprim and sulfamethoxazole", [], ["sulfonamides"])).toBe("class sulfonamides");
    expect(allergyMatch("Opiates", "Codeine phosphate", [], ["opioids"])).toBe("class opioids");
    for (const [substance, generic, classes] of [
      ["Peanuts", "Amoxicillin", pen],
      ["Latex", "Ibuprofen", ["nsaids"]],
      ["Penicillin", "Azithromycin", ["macrolides"]],
      ["Sulfa", "Ibuprofen", ["nsaids"]],
    ] as const) {
      expect(allergyMatch(substance, generic, [], classes)).toBeNull();
    }
    expect(directionsOf("1 tablet", "oral", "once_daily", 1)).toBe("1 tablet orally once daily for 1 day");
    expect(directionsOf("1 capsule", "oral", "once", 7)).toBe("1 capsule orally once (single dose)");
  });
});

describe("the ICD-10 and diagnoses fake", () => {
  it("searches by words and by code as icd10.rs ranks them", () => {
    expect(searchIcd10("diab typ 2", 25).codes.map((c) => c.code)).toEqual(["E11.65", "E11.9", "E11.21", "E11.8", "E11.22", "E11.00", "E11", "E11.0", "E11.2", "E11.6"]);
    expect(searchIcd10("e119", 25).codes).toEqual([{ code: "E11.9", description: "Type 2 diabetes mellitus without complications", billable: true }]);
    expect(searchIcd10("J45", 3)).toEqual({ codes: [expect.objectContaining({ code: "J45" }), expect.objectContaining({ code: "J45.2" }), expect.objectContaining({ code: "J45.20" })], total: 8 });
    expect(searchIcd10("covid", 25).codes.map((c) => c.code)).toEqual(["U07.1"]);
    expect(searchIcd10("   ", 25)).toEqual({ codes: [], total: 0 });
  });

  it("codes diagnoses from the list, ranks them, refuses categories and, after signing, wants a reason (diagnoses.rs)", async () => {
    const { rossi, okafor, nurse, patient } = await setup();
    const e = await rossi.run("start_encounter", { patient_id: patient });
    const d = await rossi.run("add_diagnosis", { encounter_id: e.id, code: "e119", note: "", reason: "" });
    expect(d).toMatchObject({ code: "E11.9", description: "Type 2 diabetes mellitus without complications", rank: "primary", certainty: "confirmed", amendment_reason: "", recorded_by_name: "Dr. Giulia Rossi" });
    expect((await rossi.run("add_diagnosis", { encounter_id: e.id, code: "I10", certainty: "provisional", note: "", reason: "" })).rank).toBe("secondary");
    expect(await rossi.refused("add_diagnosis", { encounter_id: e.id, code: "J45.909", rank: "primary", note: "", reason: "" })).toEqual({ code: "validation", message: "this encounter already has a primary diagnosis", field: "rank" });
    expect(await rossi.refused("add_diagnosis", { encounter_id: e.id, code: "Q99.99X", note: "", reason: "" })).toEqual({ code: "validation", message: "Q99.99X is not an ICD-10-CM code; search the code list", field: "code" });
    expect(await rossi.refused("add_diagnosis", { encounter_id: e.id, code: "E11.9", note: "", reason: "" })).toEqual({ code: "validation", message: "E11.9 is already a diagnosis of this encounter", field: "code" });
    expect(await rossi.refused("add_diagnosis", { encounter_id: e.id, code: "E11", note: "", reason: "" })).toEqual({
      code: "validation",
      message: "E11 (Type 2 diabetes mellitus) is a category: choose one of its specific codes, e.g. E11.00 Type 2 diabetes mellitus with hyperosmolarity without nonketotic hyperglycemic-hyperosmolar coma (NKHHC)",
      field: "code",
    });
    expect(await okafor.refused("add_diagnosis", { encounter_id: e.id, code: "J06.9", note: "", reason: "" })).toEqual({ code: "permission_denied", message: "only Dr. Giulia Rossi (whose encounter this is) may record its diagnoses" });
    expect((await nurse.run("get_encounter", { encounter_id: e.id })).diagnoses.map((x) => x.code)).toEqual(["E11.9", "I10"]);

    await rossi.run("save_encounter_note", { encounter_id: e.id, subjective: "", objective: "", assessment: "Diabetes", plan: "" });
    await rossi.run("sign_encounter", { encounter_id: e.id });
    expect(await rossi.refused("add_diagnosis", { encounter_id: e.id, code: "E78.5", note: "", reason: " " })).toEqual({ code: "validation", message: "this note is signed: give a reason to add a diagnosis as an amendment", field: "reason" });
    const amendment = await rossi.run("add_diagnosis", { encounter_id: e.id, code: "E78.5", note: "", reason: "lipids came back high" });
    expect(amendment.amendment_reason).toBe("lipids came back high");
    expect(await rossi.refused("mark_diagnosis_entered_in_error", { diagnosis_id: d.id, reason: "" })).toEqual({ code: "validation", message: "Reason is required", field: "reason" });
    expect(await okafor.refused("mark_diagnosis_entered_in_error", { diagnosis_id: d.id, reason: "x" })).toEqual({ code: "permission_denied", message: "only Dr. Giulia Rossi (whose encounter this is) may correct its diagnoses" });
    const marked = await rossi.run("mark_diagnosis_entered_in_error", { diagnosis_id: d.id, reason: "wrong patient" });
    expect(marked).toMatchObject({ entered_in_error: true, error_reason: "wrong patient" });
    // The problem list takes a diagnosis' code, but not one entered in error.
    expect(await rossi.refused("add_problem", { patient_id: patient, description: "", from_diagnosis_id: d.id, onset_date: "", note: "" })).toEqual({ code: "validation", message: "that diagnosis was marked entered in error", field: "from_diagnosis_id" });
    const problem = await rossi.run("add_problem", { patient_id: patient, description: "", from_diagnosis_id: amendment.id, onset_date: "", note: "" });
    expect(problem).toMatchObject({ code: "E78.5", description: "Hyperlipidemia, unspecified", from_diagnosis_id: amendment.id });
    expect((await rossi.run("add_problem", { patient_id: patient, description: "", code: "i10", onset_date: "", note: "" })).description).toBe("Essential (primary) hypertension");
  });
});
