#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Prescriptions: catalog defaults, allergy and duplicate-therapy warnings with recorded
//! override reasons, signing locks (store-enforced), discontinue / entered in error / renew,
//! the current medication list, roles, and the printed PDF read back with pdftotext.

mod common;

use base64::Engine;
use clinicdesk_core::{Caller, ErrorCode};
use common::*;
use serde_json::{json, Value};

fn setup() -> RecordsClinic {
    records_clinic("Анна", "Кузнецова", "female", "1986-04-17")
}

fn med(c: &RecordsClinic, query: &str, form: &str) -> String {
    let list = call(
        &c.ws,
        &c.doctor,
        "list_medications",
        json!({"query": query}),
    )
    .unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .find(|m| m["form"] == form)
        .unwrap_or_else(|| panic!("no {query} {form} in {list}"))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn draft(c: &RecordsClinic, who: &Caller) -> Value {
    call(
        &c.ws,
        who,
        "create_prescription",
        json!({"patient_id": c.patient}),
    )
    .unwrap()
}

fn add(
    c: &RecordsClinic,
    p: &Value,
    medication_id: &str,
    extra: Value,
) -> Result<Value, clinicdesk_core::AppError> {
    let mut input = json!({"prescription_id": p["id"], "medication_id": medication_id});
    input
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    call(&c.ws, &c.doctor, "add_prescription_item", input)
}

fn sign(
    c: &RecordsClinic,
    p: &Value,
    overrides: Value,
) -> Result<Value, clinicdesk_core::AppError> {
    call(
        &c.ws,
        &c.doctor,
        "sign_prescription",
        json!({"prescription_id": p["id"], "overrides": overrides}),
    )
}

fn allergy(c: &RecordsClinic, substance: &str) {
    call(
        &c.ws,
        &c.doctor,
        "record_allergy",
        json!({"patient_id": c.patient,
               "allergy": {"substance": substance, "reaction": "anaphylaxis", "severity": "severe"}}),
    )
    .unwrap();
}

#[test]
fn the_catalog_fills_sensible_defaults_and_works_out_the_quantity() {
    let c = setup();
    // The starter catalog: generics with brands, searchable by either.
    let by_brand = call(
        &c.ws,
        &c.desk,
        "list_medications",
        json!({"query": "ventolin"}),
    )
    .unwrap();
    assert_eq!(by_brand[0]["generic_name"], "Salbutamol");
    let amox = med(&c, "amoxicillin 500", "capsule");
    let p = draft(&c, &c.doctor);
    assert_eq!(p["status"], "draft");
    let p = add(&c, &p, &amox, json!({})).unwrap();
    let item = &p["items"][0];
    assert_eq!(item["medication_name"], "Amoxicillin 500 mg capsule");
    assert_eq!(item["dose"], "1 capsule");
    assert_eq!(item["route"], "oral");
    assert_eq!(item["frequency"], "three_times_daily");
    assert_eq!(item["duration_days"], 7);
    assert_eq!(item["quantity"], 21, "1 capsule × 3 a day × 7 days");
    assert_eq!(
        item["directions"],
        "1 capsule orally three times daily for 7 days"
    );
    // A longer course recomputes the quantity; a quantity given stays as given.
    let p = call(
        &c.ws,
        &c.doctor,
        "update_prescription_item",
        json!({"item_id": item["id"], "duration_days": 10}),
    )
    .unwrap();
    assert_eq!(p["items"][0]["quantity"], 30);
    let p = call(
        &c.ws,
        &c.doctor,
        "update_prescription_item",
        json!({"item_id": item["id"], "quantity": 28, "refills": 1}),
    )
    .unwrap();
    assert_eq!(p["items"][0]["quantity"], 28);
    assert_eq!(p["items"][0]["duration_days"], 10, "kept");
    // Bad values name their field.
    for (field, value) in [
        ("quantity", json!(0)),
        ("refills", json!(13)),
        ("duration_days", json!(400)),
        ("dose", json!(" ")),
    ] {
        let err = call(
            &c.ws,
            &c.doctor,
            "update_prescription_item",
            json!({"item_id": item["id"], field: value}),
        )
        .unwrap_err();
        assert_eq!(
            err.field.as_deref(),
            Some(field),
            "{field}: {}",
            err.message
        );
    }
    // Nothing to sign without items; an item taken off is gone from the draft.
    let empty = draft(&c, &c.doctor);
    let err = sign(&c, &empty, json!([])).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("items"));
    let p = call(
        &c.ws,
        &c.doctor,
        "remove_prescription_item",
        json!({"item_id": item["id"]}),
    )
    .unwrap();
    assert_eq!(p["items"].as_array().unwrap().len(), 0);
}

#[test]
fn an_allergy_warns_and_signing_needs_a_recorded_reason() {
    let c = setup();
    allergy(&c, "Penicillin");
    let p = draft(&c, &c.doctor);
    let p = add(
        &c,
        &p,
        &med(&c, "amoxicillin clavulanic", "tablet"),
        json!({}),
    )
    .unwrap();
    let warnings = p["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0]["kind"], "allergy");
    assert!(warnings[0]["message"]
        .as_str()
        .unwrap()
        .contains("Penicillin"));
    let item_id = p["items"][0]["id"].clone();
    // No reason, or an empty one: refused, nothing signed.
    for overrides in [
        json!([]),
        json!([{"item_id": item_id, "kind": "allergy", "reason": "  "}]),
    ] {
        let err = sign(&c, &p, overrides).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("overrides"));
        assert!(err.message.contains("Penicillin"), "{}", err.message);
    }
    let still = call(
        &c.ws,
        &c.doctor,
        "get_prescription",
        json!({"prescription_id": p["id"]}),
    )
    .unwrap();
    assert_eq!(still["status"], "draft");
    // With a reason: signed, locked, the override kept with who and why, and audited.
    let signed = sign(
        &c,
        &p,
        json!([{"item_id": item_id, "kind": "allergy", "reason": "tolerated amoxicillin in 2024 under observation"}]),
    )
    .unwrap();
    assert_eq!(signed["status"], "signed");
    let code = signed["verification_code"].as_str().unwrap();
    assert!(
        code.len() == 9 && code.as_bytes()[4] == b'-' && !code.contains(['0', 'O', '1', 'I']),
        "{code}"
    );
    assert_eq!(
        signed["warnings"][0]["override_reason"],
        "tolerated amoxicillin in 2024 under observation"
    );
    assert_eq!(
        signed["warnings"][0]["overridden_by_name"],
        "Staff dr.rossi"
    );
    assert!(audit_details(&c.ws)
        .iter()
        .any(|d| d.contains("warning overridden") && d.contains("tolerated amoxicillin")));
    // Locked: no edits through commands, and the store refuses them too.
    let err = call(
        &c.ws,
        &c.doctor,
        "update_prescription_item",
        json!({"item_id": item_id, "quantity": 99}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    c.ws.store()
        .read(|conn| {
            assert!(conn
                .execute("UPDATE prescription_items SET dose = '2 tablets'", [])
                .is_err());
            assert!(conn
                .execute("UPDATE prescriptions SET notes = 'changed'", [])
                .is_err());
            assert!(conn
                .execute("UPDATE prescription_overrides SET reason = 'x'", [])
                .is_err());
            assert!(conn.execute("DELETE FROM prescription_items", []).is_err());
            assert!(conn.execute("DELETE FROM prescriptions", []).is_err());
            Ok(())
        })
        .unwrap();
    // A cephalosporin warns too, as a possible cross-reaction.
    let cross = draft(&c, &c.doctor);
    let cross = add(&c, &cross, &med(&c, "cefalexin", "capsule"), json!({})).unwrap();
    let message = cross["warnings"][0]["message"].as_str().unwrap();
    assert!(message.contains("possible cross-reaction"), "{message}");
    // An unrelated antibiotic does not warn.
    let unrelated = draft(&c, &c.doctor);
    let unrelated = add(
        &c,
        &unrelated,
        &med(&c, "azithromycin", "tablet"),
        json!({}),
    )
    .unwrap();
    assert_eq!(unrelated["warnings"].as_array().unwrap().len(), 0);
}

#[test]
fn duplicates_of_current_medications_and_of_the_same_group_warn() {
    let c = setup();
    let first = draft(&c, &c.doctor);
    let first = add(&c, &first, &med(&c, "lisinopril", "tablet"), json!({})).unwrap();
    let first = add(&c, &first, &med(&c, "metformin 500", "tablet"), json!({})).unwrap();
    let first = sign(&c, &first, json!([])).unwrap();
    let current = call(
        &c.ws,
        &c.nurse,
        "current_medications",
        json!({"patient_id": c.patient}),
    )
    .unwrap();
    assert_eq!(current.as_array().unwrap().len(), 2);
    assert_eq!(current[0]["ends_on"], "2026-04-01", "30 days from 2 March");

    let p = draft(&c, &c.doctor);
    // Another ACE inhibitor: a therapeutic duplicate (same ATC group C09AA).
    let p = add(&c, &p, &med(&c, "ramipril", "capsule"), json!({})).unwrap();
    // The same substance at another strength: the same medication.
    let p = add(&c, &p, &med(&c, "metformin 850", "tablet"), json!({})).unwrap();
    // Twice on one prescription.
    let ibu = med(&c, "ibuprofen", "tablet");
    let p = add(&c, &p, &ibu, json!({})).unwrap();
    let p = add(&c, &p, &ibu, json!({})).unwrap();
    let messages: Vec<&str> = p["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(
        messages[0].contains("therapeutic duplicate") && messages[0].contains("Lisinopril"),
        "{}",
        messages[0]
    );
    assert!(
        messages[1].contains("Metformin is already prescribed"),
        "{}",
        messages[1]
    );
    assert!(
        messages[2].contains("on this prescription"),
        "{}",
        messages[2]
    );
    let overrides: Vec<Value> = p["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| json!({"item_id": w["item_id"], "kind": w["kind"], "reason": "switching therapy"}))
        .collect();
    // A reason for two of three is not enough.
    let err = sign(&c, &p, json!(overrides[..2])).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("overrides"));
    sign(&c, &p, json!(overrides)).unwrap();

    // Stopping lisinopril takes it off the current list, with the reason kept.
    let lisinopril = &first["items"][0];
    let err = call(
        &c.ws,
        &c.doctor,
        "discontinue_prescription_item",
        json!({"item_id": lisinopril["id"], "reason": ""}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("reason"));
    let stopped = call(
        &c.ws,
        &c.doctor,
        "discontinue_prescription_item",
        json!({"item_id": lisinopril["id"], "reason": "dry cough; switched to ramipril trial"}),
    )
    .unwrap();
    assert_eq!(stopped["items"][0]["status"], "discontinued");
    assert_eq!(stopped["items"][0]["stopped_by_name"], "Staff dr.rossi");
    let current = call(
        &c.ws,
        &c.doctor,
        "current_medications",
        json!({"patient_id": c.patient}),
    )
    .unwrap();
    let names: Vec<&str> = current
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["item"]["medication_name"].as_str().unwrap())
        .collect();
    assert!(!names.contains(&"Lisinopril 10 mg tablet"), "{names:?}");
    assert!(names.contains(&"Ramipril 5 mg capsule"), "{names:?}");
}

#[test]
fn renew_repeats_a_prescription_and_entered_in_error_keeps_it_readable() {
    let c = setup();
    let p = draft(&c, &c.doctor);
    let p = add(
        &c,
        &p,
        &med(&c, "atorvastatin", "tablet"),
        json!({"refills": 2, "instructions": "Take in the evening."}),
    )
    .unwrap();
    let p = add(&c, &p, &med(&c, "naproxen", "tablet"), json!({})).unwrap();
    let p = sign(&c, &p, json!([])).unwrap();
    // Naproxen is stopped for a side effect: a renewal does not bring it back.
    call(
        &c.ws,
        &c.doctor,
        "discontinue_prescription_item",
        json!({"item_id": p["items"][1]["id"], "reason": "dyspepsia"}),
    )
    .unwrap();
    // Another doctor renews it: a new draft of theirs with the same items.
    let renewed = call(
        &c.ws,
        &c.other_doctor,
        "renew_prescription",
        json!({"prescription_id": p["id"]}),
    )
    .unwrap();
    assert_eq!(renewed["status"], "draft");
    assert_eq!(renewed["renewed_from_id"], p["id"]);
    assert_eq!(renewed["prescriber_name"], "Staff dr.verdi");
    assert_eq!(
        renewed["items"][0]["medication_name"],
        "Atorvastatin 20 mg tablet"
    );
    assert_eq!(renewed["items"][0]["refills"], 2);
    assert_eq!(renewed["items"][0]["instructions"], "Take in the evening.");
    assert_eq!(
        renewed["items"].as_array().unwrap().len(),
        1,
        "the stopped naproxen is left out"
    );
    // Its draft is theirs alone: dr.rossi may neither sign nor change it.
    let err = sign(&c, &renewed, json!([])).unwrap_err();
    assert_eq!(err.code, ErrorCode::PermissionDenied);
    // Still taking it: the renewal warns about the same medication.
    assert_eq!(renewed["warnings"][0]["kind"], "duplicate");
    // Only the prescriber marks it entered in error, with a reason; it stays readable.
    let err = call(
        &c.ws,
        &c.other_doctor,
        "mark_prescription_entered_in_error",
        json!({"prescription_id": p["id"], "reason": "wrong patient"}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::PermissionDenied);
    let marked = call(
        &c.ws,
        &c.doctor,
        "mark_prescription_entered_in_error",
        json!({"prescription_id": p["id"], "reason": "written for the wrong patient"}),
    )
    .unwrap();
    assert_eq!(marked["status"], "entered_in_error");
    assert_eq!(marked["error_reason"], "written for the wrong patient");
    assert_eq!(marked["items"].as_array().unwrap().len(), 2);
    // It is no longer renewed.
    let err = call(
        &c.ws,
        &c.doctor,
        "renew_prescription",
        json!({"prescription_id": p["id"]}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    let current = call(
        &c.ws,
        &c.doctor,
        "current_medications",
        json!({"patient_id": c.patient}),
    )
    .unwrap();
    assert_eq!(current.as_array().unwrap().len(), 0);
    let list = call(
        &c.ws,
        &c.doctor,
        "list_prescriptions",
        json!({"patient_id": c.patient}),
    )
    .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
}

#[test]
fn each_role_sees_and_does_only_what_its_work_needs() {
    let c = setup();
    let pharmacist = staff(&c.ws, "pharma", "pharmacist");
    let admin = admin(&c.ws);
    let p = draft(&c, &c.doctor);
    let p = add(&c, &p, &med(&c, "paracetamol", "tablet"), json!({})).unwrap();
    let p = sign(&c, &p, json!([])).unwrap();
    // Nurses and pharmacists read prescriptions; reception and admin do not.
    for who in [&c.nurse, &pharmacist] {
        call(
            &c.ws,
            who,
            "get_prescription",
            json!({"prescription_id": p["id"]}),
        )
        .unwrap();
    }
    for who in [&c.desk, &admin] {
        let err = call(
            &c.ws,
            who,
            "get_prescription",
            json!({"prescription_id": p["id"]}),
        )
        .unwrap_err();
        assert_eq!(err.code, ErrorCode::PermissionDenied);
        let err = call(
            &c.ws,
            who,
            "current_medications",
            json!({"patient_id": c.patient}),
        )
        .unwrap_err();
        assert_eq!(err.code, ErrorCode::PermissionDenied);
    }
    // Only doctors write them.
    for who in [&c.nurse, &pharmacist, &c.desk, &admin] {
        let err = call(
            &c.ws,
            who,
            "create_prescription",
            json!({"patient_id": c.patient}),
        )
        .unwrap_err();
        assert_eq!(err.code, ErrorCode::PermissionDenied);
    }
    // The chart's timeline shows the prescription to clinical roles, not to reception.
    let kinds = |who: &Caller| -> Vec<(String, String)> {
        let chart = call(
            &c.ws,
            who,
            "open_patient_chart",
            json!({"patient_id": c.patient}),
        )
        .unwrap();
        chart["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["kind"].as_str().unwrap().to_string(),
                    t["detail"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert!(kinds(&c.doctor).contains(&("prescription".into(), "Paracetamol 500 mg tablet".into())));
    assert!(kinds(&pharmacist).iter().any(|(k, _)| k == "prescription"));
    assert!(!kinds(&c.desk)
        .iter()
        .any(|(k, _)| k == "prescription" || k == "encounter"));
    // Every read is audited.
    assert!(
        audit_details(&c.ws)
            .iter()
            .filter(|d| d.as_str() == "prescription read")
            .count()
            >= 2
    );
    // The catalog is extended by admin only, with checked fields.
    let new_med = json!({"medication": {
        "generic_name": "Mebendazole", "brand_names": ["Vermox"], "form": "chewable tablet",
        "strength": "100 mg", "route": "oral", "atc_code": "P02CA01", "allergy_classes": ["benzimidazoles"],
        "dispense_unit": "tablet", "default_dose": "1 tablet", "units_per_dose": 1,
        "default_frequency": "twice_daily", "default_duration_days": 3, "active": true}});
    let err = call(&c.ws, &c.doctor, "save_medication", new_med.clone()).unwrap_err();
    assert_eq!(err.code, ErrorCode::PermissionDenied);
    let mut bad = new_med.clone();
    bad["medication"]["atc_code"] = json!("P02-CA");
    let err = call(&c.ws, &admin, "save_medication", bad).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("medication.atc_code"));
    let saved = call(&c.ws, &admin, "save_medication", new_med.clone()).unwrap();
    assert_eq!(saved["display_name"], "Mebendazole 100 mg chewable tablet");
    let err = call(&c.ws, &admin, "save_medication", new_med).unwrap_err();
    assert!(
        err.message.contains("already in the catalog"),
        "{}",
        err.message
    );
    // Retired: kept, no longer offered, refused on a new item.
    let mut retire = json!({"id": saved["id"], "medication": saved.clone()});
    let m = retire["medication"].as_object_mut().unwrap();
    for k in ["id", "display_name"] {
        m.remove(k);
    }
    m.insert("active".into(), json!(false));
    call(&c.ws, &admin, "save_medication", retire).unwrap();
    let offered = call(
        &c.ws,
        &c.doctor,
        "list_medications",
        json!({"query": "mebendazole"}),
    )
    .unwrap();
    assert_eq!(offered.as_array().unwrap().len(), 0);
    let d = draft(&c, &c.doctor);
    let err = add(&c, &d, saved["id"].as_str().unwrap(), json!({})).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("medication_id"));
}

fn pdf_text(bytes: &[u8]) -> String {
    pdftotext(bytes, "-layout")
}

/// The text without any whitespace, in content order: a diagonal watermark comes back whole.
fn pdf_letters(bytes: &[u8]) -> String {
    pdftotext(bytes, "-raw").split_whitespace().collect()
}

fn pdftotext(bytes: &[u8], mode: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args([mode])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by scripts/deps.sh");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_printed_prescription_names_everyone_in_their_own_script() {
    let c = setup();
    let admin = admin(&c.ws);
    call(
        &c.ws,
        &admin,
        "create_user",
        json!({"username": "dr.kovacs", "full_name": "Dr Zsófia Kovács-Nagy", "role": "doctor",
               "password": STAFF_PASSWORD, "must_change_password": false,
               "licence_number": "HU-MED-48213", "specialization": "General practice"}),
    )
    .unwrap();
    let doctor = login(&c.ws, "dr.kovacs", STAFF_PASSWORD).unwrap();
    allergy(&c, "Sulfa");
    let p = draft(&c, &doctor);
    let amox = med(&c, "amoxicillin 500", "capsule");
    let p = call(
        &c.ws,
        &doctor,
        "add_prescription_item",
        json!({"prescription_id": p["id"], "medication_id": amox}),
    )
    .unwrap();
    let salbutamol = med(&c, "salbutamol", "inhaler");
    let p = call(
        &c.ws,
        &doctor,
        "add_prescription_item",
        json!({"prescription_id": p["id"], "medication_id": salbutamol}),
    )
    .unwrap();
    // The draft previews, marked as not valid.
    let preview = call(
        &c.ws,
        &doctor,
        "prescription_pdf",
        json!({"prescription_id": p["id"]}),
    )
    .unwrap();
    assert_eq!(preview["draft"], true);
    let draft_pdf = base64::engine::general_purpose::STANDARD
        .decode(preview["content_base64"].as_str().unwrap())
        .unwrap();
    // Kept for looking at (pdftoppm) after a run.
    std::fs::write(
        std::env::temp_dir().join("clinicdesk-prescription-draft.pdf"),
        &draft_pdf,
    )
    .unwrap();
    let letters = pdf_letters(&draft_pdf);
    assert!(letters.contains("DRAFT—NOTVALID"), "{letters}");
    let signed = call(
        &c.ws,
        &doctor,
        "sign_prescription",
        json!({"prescription_id": p["id"]}),
    )
    .unwrap();
    let out = call(
        &c.ws,
        &c.nurse,
        "prescription_pdf",
        json!({"prescription_id": p["id"]}),
    )
    .unwrap();
    assert_eq!(out["draft"], false);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(out["content_base64"].as_str().unwrap())
        .unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    let text = pdf_text(&bytes);
    for expected in [
        "Ambulatorio Santa Lucía",
        "Анна Кузнецова",
        "Dr Zsófia Kovács-Nagy",
        "HU-MED-48213",
        "Amoxicillin 500 mg capsule",
        "Salbutamol 100 micrograms/dose inhaler",
        "Sulfa",
        signed["verification_code"].as_str().unwrap(),
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    assert!(out["file_name"]
        .as_str()
        .unwrap()
        .starts_with("prescription-"));
    std::fs::write(
        std::env::temp_dir().join("clinicdesk-prescription-signed.pdf"),
        &bytes,
    )
    .unwrap();
    assert!(
        !pdf_letters(&bytes).contains("NOTVALID"),
        "a signed prescription carries no watermark"
    );
    // Printing a draft is refused (the preview is for drafts).
    let d = draft(&c, &c.doctor);
    let d = add(&c, &d, &amox, json!({})).unwrap();
    let err = call(
        &c.ws,
        &c.doctor,
        "print_prescription",
        json!({"prescription_id": d["id"]}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
}

#[test]
fn the_demo_clinic_has_consultations_prescriptions_and_an_overridden_warning() {
    let ws = clinicdesk_core::Workstation::in_memory_with_clock(clock()).unwrap();
    ws.dispatch(&Caller::Anonymous, "create_demo_clinic", json!({}))
        .unwrap();
    let doctor = login(&ws, "dr.rossi", "quiet harbour maple 47").unwrap();
    let (signed, open, overrides): (i64, i64, i64) = ws
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT (SELECT count(*) FROM encounters WHERE status = 'signed'),
                        (SELECT count(*) FROM encounters WHERE status = 'open'),
                        (SELECT count(*) FROM prescription_overrides)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?)
        })
        .unwrap();
    assert_eq!((signed, open, overrides), (6, 1, 1));
    // The override is the aspirin intolerance on the ibuprofen prescription.
    let patient: String = ws
        .store()
        .read(|c| {
            Ok(
                c.query_row("SELECT patient_id FROM prescription_overrides", [], |r| {
                    r.get(0)
                })?,
            )
        })
        .unwrap();
    let list = call(
        &ws,
        &doctor,
        "list_prescriptions",
        json!({"patient_id": patient}),
    )
    .unwrap();
    assert_eq!(
        list[0]["items"][0]["medication_name"],
        "Ibuprofen 400 mg tablet"
    );
    assert!(list[0]["warnings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("Aspirin"));
}
