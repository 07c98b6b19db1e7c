#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Medical records: a signed note is locked, later changes are amendments that keep the
//! original, "entered in error" instead of delete, vitals validated and flagged, who may
//! write, sign and read, and every read audited.

mod common;

use clinicdesk_core::ErrorCode;
use common::*;
use serde_json::{json, Value};

type Clinic = RecordsClinic;

fn setup() -> Clinic {
    records_clinic("Дарья", "Смирнова", "female", "1990-04-12")
}

fn note(encounter: &Value, assessment: &str) -> Value {
    json!({"encounter_id": encounter["id"], "subjective": "Cough for a week",
           "objective": "Chest clear", "assessment": assessment, "plan": "Fluids, review in 7 days"})
}

#[test]
fn a_signed_note_is_locked_and_amendments_keep_the_original() {
    let c = setup();
    let e = call(
        &c.ws,
        &c.doctor,
        "start_encounter",
        json!({"patient_id": c.patient}),
    )
    .unwrap();
    assert_eq!(e["status"], "open");
    // Nothing to sign yet.
    let err = call(
        &c.ws,
        &c.doctor,
        "sign_encounter",
        json!({"encounter_id": e["id"]}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("assessment"));
    // Drafts are saved as versions while open.
    call(
        &c.ws,
        &c.doctor,
        "save_encounter_note",
        note(&e, "Viral URTI?"),
    )
    .unwrap();
    call(
        &c.ws,
        &c.doctor,
        "save_encounter_note",
        note(&e, "Viral upper respiratory infection"),
    )
    .unwrap();
    let signed = call(
        &c.ws,
        &c.doctor,
        "sign_encounter",
        json!({"encounter_id": e["id"]}),
    )
    .unwrap();
    assert_eq!(signed["summary"]["status"], "signed");
    assert_eq!(signed["note"]["kind"], "signed");
    assert_eq!(
        signed["note"]["assessment"],
        "Viral upper respiratory infection"
    );
    // Locked: a plain save is refused, by the command and by the store itself.
    let err = call(
        &c.ws,
        &c.doctor,
        "save_encounter_note",
        note(&e, "Pneumonia"),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert!(err.message.contains("amendment"), "{}", err.message);
    let raw = c.ws.store().read(|conn| {
        Ok(conn.execute(
            "INSERT INTO encounter_notes (id, encounter_id, version, kind, assessment, author_id, written_at)
             SELECT 'x', id, 99, 'draft', 'sneaky', doctor_id, started_at FROM encounters",
            [],
        ))
    });
    assert!(
        raw.unwrap().is_err(),
        "the store refuses a draft after signing"
    );
    let raw =
        c.ws.store()
            .read(|conn| Ok(conn.execute("UPDATE encounter_notes SET assessment = 'changed'", [])));
    assert!(raw.unwrap().is_err(), "note versions are never updated");
    // Vitals go on an open encounter only.
    let err = call(
        &c.ws,
        &c.nurse,
        "record_vitals",
        json!({"patient_id": c.patient, "encounter_id": e["id"], "pulse_bpm": 70}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("encounter_id"));
    // An amendment needs a reason and keeps everything before it.
    let mut amendment = json!({"note": note(&e, "Community-acquired pneumonia"), "reason": " "});
    let err = call(&c.ws, &c.doctor, "amend_encounter_note", amendment.clone()).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("reason"));
    amendment["reason"] = json!("X-ray result came back");
    let amended = call(&c.ws, &c.doctor, "amend_encounter_note", amendment.clone()).unwrap();
    // The same text again is no amendment.
    let err = call(&c.ws, &c.doctor, "amend_encounter_note", amendment).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("note"));
    assert_eq!(amended["summary"]["amendments"], 1);
    assert_eq!(
        amended["summary"]["headline"],
        "Community-acquired pneumonia"
    );
    let kinds: Vec<&str> = amended["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["draft", "draft", "signed", "amendment"]);
    assert_eq!(
        amended["history"][2]["assessment"],
        "Viral upper respiratory infection"
    );
    assert_eq!(amended["history"][3]["reason"], "X-ray result came back");
    // Only the encounter's doctor writes its note.
    let err = call(
        &c.ws,
        &c.other_doctor,
        "amend_encounter_note",
        json!({"note": note(&e, "Asthma"), "reason": "second opinion"}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::PermissionDenied);
}

#[test]
fn entered_in_error_keeps_the_encounter_readable_and_nothing_is_deleted() {
    let c = setup();
    let e = call(
        &c.ws,
        &c.doctor,
        "start_encounter",
        json!({"patient_id": c.patient}),
    )
    .unwrap();
    call(
        &c.ws,
        &c.doctor,
        "save_encounter_note",
        note(&e, "Wrong patient"),
    )
    .unwrap();
    let err = call(
        &c.ws,
        &c.doctor,
        "mark_encounter_entered_in_error",
        json!({"encounter_id": e["id"], "reason": ""}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("reason"));
    let marked = call(
        &c.ws,
        &c.doctor,
        "mark_encounter_entered_in_error",
        json!({"encounter_id": e["id"], "reason": "opened on the wrong chart"}),
    )
    .unwrap();
    assert_eq!(marked["summary"]["status"], "entered_in_error");
    assert_eq!(marked["note"]["assessment"], "Wrong patient");
    let err = call(&c.ws, &c.doctor, "save_encounter_note", note(&e, "again")).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    let list = call(
        &c.ws,
        &c.nurse,
        "list_encounters",
        json!({"patient_id": c.patient}),
    )
    .unwrap();
    assert_eq!(list[0]["error_reason"], "opened on the wrong chart");
    for sql in ["DELETE FROM encounters", "DELETE FROM encounter_notes"] {
        let raw = c.ws.store().read(|conn| Ok(conn.execute(sql, [])));
        assert!(raw.unwrap().is_err(), "{sql} is refused by the store");
    }
}

#[test]
fn vitals_are_validated_flagged_and_never_changed() {
    let c = setup();
    let vitals = |input: Value| call(&c.ws, &c.nurse, "record_vitals", input);
    // Implausible values are refused by name.
    let e = vitals(json!({"patient_id": c.patient, "temperature_c": "73.0"})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("temperature_c"));
    assert!(e.message.contains("not plausible"), "{}", e.message);
    let e = vitals(json!({"patient_id": c.patient, "systolic_mmhg": 120})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("diastolic_mmhg"));
    let e = vitals(json!({"patient_id": c.patient, "systolic_mmhg": 80, "diastolic_mmhg": 95}))
        .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("diastolic_mmhg"));
    assert!(e.message.contains("must be lower"), "{}", e.message);
    let e = vitals(json!({"patient_id": c.patient})).unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation);
    // A fever and a fast pulse are flagged; BMI is derived.
    let v = vitals(
        json!({"patient_id": c.patient, "temperature_c": "38,4", "pulse_bpm": 112,
                          "systolic_mmhg": 118, "diastolic_mmhg": 76, "spo2_percent": 97,
                          "weight_kg": "70.0", "height_cm": "175"}),
    )
    .unwrap();
    assert_eq!(v["temperature_c"], "38.4");
    assert_eq!(v["bmi"], "22.9");
    assert_eq!(v["abnormal"], json!(["temperature_c", "pulse_bpm"]));
    // Values never change; a mistake is marked with a reason.
    let raw =
        c.ws.store()
            .read(|conn| Ok(conn.execute("UPDATE vitals SET pulse_bpm = 80", [])));
    assert!(raw.unwrap().is_err());
    let marked = call(
        &c.ws,
        &c.nurse,
        "mark_vitals_entered_in_error",
        json!({"vitals_id": v["id"], "reason": "thermometer not reset"}),
    )
    .unwrap();
    assert_eq!(marked["entered_in_error"], true);
    assert_eq!(marked["pulse_bpm"], 112);
}

#[test]
fn roles_see_only_what_their_work_needs_and_reads_are_audited() {
    let c = setup();
    let e = call(
        &c.ws,
        &c.doctor,
        "start_encounter",
        json!({"patient_id": c.patient}),
    )
    .unwrap();
    call(
        &c.ws,
        &c.doctor,
        "save_encounter_note",
        note(&e, "Migraine"),
    )
    .unwrap();
    // Nurses record vitals and read; they do not write or sign notes.
    call(
        &c.ws,
        &c.nurse,
        "record_vitals",
        json!({"patient_id": c.patient, "encounter_id": e["id"], "pulse_bpm": 72}),
    )
    .unwrap();
    let read = call(
        &c.ws,
        &c.nurse,
        "get_encounter",
        json!({"encounter_id": e["id"]}),
    )
    .unwrap();
    assert_eq!(read["vitals"][0]["pulse_bpm"], 72);
    for (name, input) in [
        ("save_encounter_note", note(&e, "x")),
        ("sign_encounter", json!({"encounter_id": e["id"]})),
    ] {
        let err = call(&c.ws, &c.nurse, name, input).unwrap_err();
        assert_eq!(err.code, ErrorCode::PermissionDenied, "nurse {name}");
    }
    // Reception sees no clinical content at all.
    for (name, input) in [
        ("get_encounter", json!({"encounter_id": e["id"]})),
        ("list_encounters", json!({"patient_id": c.patient})),
        (
            "record_vitals",
            json!({"patient_id": c.patient, "pulse_bpm": 70}),
        ),
    ] {
        let err = call(&c.ws, &c.desk, name, input).unwrap_err();
        assert_eq!(err.code, ErrorCode::PermissionDenied, "reception {name}");
    }
    // Every read of the note is in the audit log, with who read it.
    let admin = admin(&c.ws);
    let audit = call(&c.ws, &admin, "list_audit", json!({"limit": 500})).unwrap();
    let reads: Vec<&Value> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["record_id"] == e["id"] && a["detail"] == "note read")
        .collect();
    assert_eq!(reads.len(), 1, "{audit}");
    assert_eq!(reads[0]["actor_name"], "nurse");
    assert_eq!(reads[0]["actor_role"], "nurse");
}

#[test]
fn one_encounter_per_appointment_and_only_for_its_patient() {
    let c = setup();
    let admin = admin(&c.ws);
    let doctor_id = call(&c.ws, &admin, "list_staff", json!({"role": "doctor"})).unwrap()
        ["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["username"] == "dr.rossi")
        .unwrap()["id"]
        .clone();
    let visit = call(
        &c.ws,
        &admin,
        "save_visit_type",
        json!({"name": "Consultation", "minutes": 20}),
    )
    .unwrap();
    let appointment = call(
        &c.ws,
        &c.desk,
        "book_appointment",
        json!({"patient_id": c.patient, "doctor_id": doctor_id, "visit_type_id": visit["id"],
               "starts_at": "2026-03-02T09:00", "walk_in": true}),
    )
    .unwrap();
    // The consultation is the booked doctor's: another doctor is told to start a walk-in.
    let err = call(
        &c.ws,
        &c.other_doctor,
        "start_encounter",
        json!({"patient_id": c.patient, "appointment_id": appointment["id"]}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("appointment_id"));
    assert!(err.message.contains("walk-in"), "{}", err.message);
    let first = call(
        &c.ws,
        &c.doctor,
        "start_encounter",
        json!({"patient_id": c.patient, "appointment_id": appointment["id"]}),
    )
    .unwrap();
    let again = call(
        &c.ws,
        &c.doctor,
        "start_encounter",
        json!({"patient_id": c.patient, "appointment_id": appointment["id"]}),
    )
    .unwrap();
    assert_eq!(first["id"], again["id"]);
    let other = call(
        &c.ws,
        &c.desk,
        "register_patient",
        json!({"patient": {"given_name": "José", "family_name": "Núñez", "sex": "male",
                           "date_of_birth": "1970-01-01"}}),
    )
    .unwrap();
    let err = call(
        &c.ws,
        &c.doctor,
        "start_encounter",
        json!({"patient_id": other["id"], "appointment_id": appointment["id"]}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("appointment_id"));
}
