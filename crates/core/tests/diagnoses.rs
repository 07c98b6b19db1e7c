#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Diagnoses coded with ICD-10-CM: the shipped code list and its search, codes checked
//! against it, categories refused, a diagnosis after signing is an amendment with a reason,
//! nothing is changed or deleted (the store refuses it too), problems coded from diagnoses.

mod common;

use clinicdesk_core::ErrorCode;
use common::*;
use serde_json::{json, Value};

fn setup() -> RecordsClinic {
    records_clinic("Zsófia", "Kovács-Nagy", "female", "1971-02-03")
}

fn sign(c: &RecordsClinic, e: &Value) {
    call(
        &c.ws,
        &c.doctor,
        "save_encounter_note",
        json!({"encounter_id": e["id"], "assessment": "Type 2 diabetes, poorly controlled"}),
    )
    .unwrap();
    call(
        &c.ws,
        &c.doctor,
        "sign_encounter",
        json!({"encounter_id": e["id"]}),
    )
    .unwrap();
}

#[test]
fn diagnoses_are_coded_from_the_icd10_list_and_ranked() {
    let c = setup();
    let e = c.encounter();
    // Without the dot, any case: stored with the dot and the list's description.
    let d = call(
        &c.ws,
        &c.doctor,
        "add_diagnosis",
        json!({"encounter_id": e["id"], "code": "e119"}),
    )
    .unwrap();
    assert_eq!(d["code"], "E11.9");
    assert_eq!(
        d["description"],
        "Type 2 diabetes mellitus without complications"
    );
    assert_eq!(d["rank"], "primary");
    assert_eq!(d["certainty"], "confirmed");
    // The second defaults to secondary; a second primary is refused by name.
    let d2 = call(
        &c.ws,
        &c.doctor,
        "add_diagnosis",
        json!({"encounter_id": e["id"], "code": "I10", "certainty": "provisional"}),
    )
    .unwrap();
    assert_eq!(d2["rank"], "secondary");
    let err = call(
        &c.ws,
        &c.doctor,
        "add_diagnosis",
        json!({"encounter_id": e["id"], "code": "J45.909", "rank": "primary"}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("rank"));
    // Unknown codes and the same code twice name the field.
    let err = call(
        &c.ws,
        &c.doctor,
        "add_diagnosis",
        json!({"encounter_id": e["id"], "code": "Q99.99X"}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("code"));
    assert!(
        err.message.contains("not an ICD-10-CM code"),
        "{}",
        err.message
    );
    let err = call(
        &c.ws,
        &c.doctor,
        "add_diagnosis",
        json!({"encounter_id": e["id"], "code": "E11.9"}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("code"));
    // The encounter carries them, primary first.
    let full = call(
        &c.ws,
        &c.nurse,
        "get_encounter",
        json!({"encounter_id": e["id"]}),
    )
    .unwrap();
    let codes: Vec<&str> = full["diagnoses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["E11.9", "I10"]);
}

#[test]
fn after_signing_a_diagnosis_is_an_amendment_and_mistakes_are_entered_in_error() {
    let c = setup();
    let e = c.encounter();
    let d = call(
        &c.ws,
        &c.doctor,
        "add_diagnosis",
        json!({"encounter_id": e["id"], "code": "E11.9"}),
    )
    .unwrap();
    sign(&c, &e);
    let err = call(
        &c.ws,
        &c.doctor,
        "add_diagnosis",
        json!({"encounter_id": e["id"], "code": "I10"}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("reason"));
    let amended = call(
        &c.ws,
        &c.doctor,
        "add_diagnosis",
        json!({"encounter_id": e["id"], "code": "I10", "reason": "BP readings reviewed"}),
    )
    .unwrap();
    assert_eq!(amended["amendment_reason"], "BP readings reviewed");

    // Another doctor may not correct it; its doctor marks it with a reason.
    let err = call(
        &c.ws,
        &c.other_doctor,
        "mark_diagnosis_entered_in_error",
        json!({"diagnosis_id": d["id"], "reason": "wrong patient"}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::PermissionDenied);
    let err = call(
        &c.ws,
        &c.doctor,
        "mark_diagnosis_entered_in_error",
        json!({"diagnosis_id": d["id"], "reason": " "}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("reason"));
    let marked = call(
        &c.ws,
        &c.doctor,
        "mark_diagnosis_entered_in_error",
        json!({"diagnosis_id": d["id"], "reason": "coded on the wrong encounter"}),
    )
    .unwrap();
    assert_eq!(marked["entered_in_error"], true);
    // Still readable, with its reason.
    let full = call(
        &c.ws,
        &c.doctor,
        "get_encounter",
        json!({"encounter_id": e["id"]}),
    )
    .unwrap();
    let first = &full["diagnoses"][0];
    assert_eq!(first["code"], "E11.9");
    assert_eq!(first["error_reason"], "coded on the wrong encounter");

    // The store itself refuses changing or deleting a recorded diagnosis.
    c.ws.store()
        .read(|conn| {
            let changed = conn.execute(
                "UPDATE encounter_diagnoses SET code = 'I11.9' WHERE id = ?1",
                [amended["id"].as_str().unwrap()],
            );
            assert!(changed.is_err(), "a diagnosis was changed in place");
            let deleted = conn.execute("DELETE FROM encounter_diagnoses", []);
            assert!(deleted.is_err(), "a diagnosis was deleted");
            Ok(())
        })
        .unwrap();
}

fn search(c: &RecordsClinic, query: &str) -> Vec<(String, String)> {
    let out = call(
        &c.ws,
        &c.doctor,
        "search_icd10",
        json!({"query": query, "limit": 10}),
    )
    .unwrap();
    out["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["code"].as_str().unwrap().to_string(),
                c["description"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_code_list_is_searched_by_code_or_by_words() {
    let c = setup();
    // By code, with or without the dot: the code itself, then the codes under it.
    let by_code = search(&c, "e11.6");
    assert_eq!(by_code[0].0, "E11.6");
    assert!(by_code.iter().all(|(code, _)| code.starts_with("E11.6")));
    assert_eq!(search(&c, "j45909")[0].0, "J45.909");
    // By words, abbreviated and in any order: every word must match.
    let words = search(&c, "diab typ 2 without compl");
    assert_eq!(
        words[0],
        (
            "E11.9".to_string(),
            "Type 2 diabetes mellitus without complications".to_string()
        )
    );
    let hypertension = search(&c, "essential hypertension");
    assert_eq!(hypertension[0].0, "I10");
    // Accents are ignored (the list writes "Ménière's disease").
    assert!(search(&c, "meniere")
        .iter()
        .any(|(code, _)| code.starts_with("H81.0")));
    // Recent codes are there (COVID-19 arrived in 2020).
    assert_eq!(search(&c, "covid")[0].0, "U07.1");
    // Nothing for nonsense; the total counts every match.
    assert!(search(&c, "zzqxv").is_empty());
    let out = call(
        &c.ws,
        &c.doctor,
        "search_icd10",
        json!({"query": "fracture femur", "limit": 5}),
    )
    .unwrap();
    assert_eq!(out["codes"].as_array().unwrap().len(), 5);
    assert!(out["total"].as_u64().unwrap() > 100);
    let err = call(
        &c.ws,
        &c.doctor,
        "search_icd10",
        json!({"query": "asthma", "limit": 0}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("limit"));
    // Reception has no clinical access, so no code search either.
    let err = call(&c.ws, &c.desk, "search_icd10", json!({"query": "asthma"})).unwrap_err();
    assert_eq!(err.code, ErrorCode::PermissionDenied);
}

#[test]
fn a_category_is_not_a_diagnosis_and_only_the_encounters_doctor_codes_it() {
    let c = setup();
    let e = c.encounter();
    let err = call(
        &c.ws,
        &c.doctor,
        "add_diagnosis",
        json!({"encounter_id": e["id"], "code": "E11"}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("code"));
    assert!(err.message.contains("category"), "{}", err.message);
    assert!(
        err.message.contains("E11."),
        "suggests a specific code: {}",
        err.message
    );
    let err = call(
        &c.ws,
        &c.other_doctor,
        "add_diagnosis",
        json!({"encounter_id": e["id"], "code": "E11.9"}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::PermissionDenied);
    for who in [&c.nurse, &c.desk] {
        let err = call(
            &c.ws,
            who,
            "add_diagnosis",
            json!({"encounter_id": e["id"], "code": "E11.9"}),
        )
        .unwrap_err();
        assert_eq!(err.code, ErrorCode::PermissionDenied);
    }
    // The nurse reads the encounter's diagnoses; nothing was recorded by the refusals.
    let full = call(
        &c.ws,
        &c.nurse,
        "get_encounter",
        json!({"encounter_id": e["id"]}),
    )
    .unwrap();
    assert_eq!(full["diagnoses"].as_array().unwrap().len(), 0);
}

#[test]
fn problems_are_coded_from_a_diagnosis_or_the_code_list() {
    let c = setup();
    let e = c.encounter();
    let d = call(
        &c.ws,
        &c.doctor,
        "add_diagnosis",
        json!({"encounter_id": e["id"], "code": "I10"}),
    )
    .unwrap();
    let from_dx = call(
        &c.ws,
        &c.doctor,
        "add_problem",
        json!({"patient_id": c.patient, "from_diagnosis_id": d["id"], "onset_date": "2024-05-01"}),
    )
    .unwrap();
    assert_eq!(from_dx["code"], "I10");
    assert_eq!(from_dx["description"], "Essential (primary) hypertension");
    let coded = call(
        &c.ws,
        &c.doctor,
        "add_problem",
        json!({"patient_id": c.patient, "code": "j45909", "description": "Asthma since childhood"}),
    )
    .unwrap();
    assert_eq!(coded["code"], "J45.909");
    assert_eq!(coded["description"], "Asthma since childhood");
    let err = call(
        &c.ws,
        &c.doctor,
        "add_problem",
        json!({"patient_id": c.patient, "code": "X00.000"}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("code"));
    // A diagnosis of another patient cannot code this patient's problem.
    let other = call(
        &c.ws,
        &c.desk,
        "register_patient",
        json!({"patient": {"given_name": "Анна", "family_name": "Кузнецова", "sex": "female",
                           "date_of_birth": "1988-09-12"}}),
    )
    .unwrap();
    let err = call(
        &c.ws,
        &c.doctor,
        "add_problem",
        json!({"patient_id": other["id"], "from_diagnosis_id": d["id"]}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("from_diagnosis_id"));
    // The doctor's chart timeline shows the consultation with its code; reception's does not.
    let timeline = |who| {
        call(
            &c.ws,
            who,
            "open_patient_chart",
            json!({"patient_id": c.patient}),
        )
        .unwrap()["timeline"]
            .as_array()
            .unwrap()
            .clone()
    };
    let doctors = timeline(&c.doctor);
    let consult = doctors.iter().find(|t| t["kind"] == "encounter").unwrap();
    assert!(
        consult["detail"].as_str().unwrap().starts_with("I10"),
        "{consult}"
    );
    assert!(!timeline(&c.desk).iter().any(|t| t["kind"] == "encounter"));
}
