#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Patients: registration and validation, MRNs, search, duplicates, merge, chart, access.

mod common;

use clinicdesk_core::{Caller, ErrorCode, Workstation};
use common::*;
use serde_json::{json, Value};

fn maria() -> Value {
    json!({
        "given_name": "María José",
        "family_name": "García López",
        "sex": "female",
        "date_of_birth": "1980-02-29",
        "phone": "+39 06 1234 5678",
        "email": "maria@example.com",
    })
}

fn register(ws: &Workstation, who: &Caller, patient: Value) -> Value {
    call(ws, who, "register_patient", json!({"patient": patient})).unwrap()
}

fn register_anyway(ws: &Workstation, who: &Caller, patient: Value) -> Value {
    call(
        ws,
        who,
        "register_patient",
        json!({"patient": patient, "acknowledge_duplicates": true}),
    )
    .unwrap()
}

fn search(ws: &Workstation, who: &Caller, q: &str) -> Vec<Value> {
    call(ws, who, "search_patients", json!({"query": q})).unwrap()["hits"]
        .as_array()
        .unwrap()
        .clone()
}

fn names(hits: &[Value]) -> Vec<String> {
    hits.iter()
        .map(|h| {
            format!(
                "{} {}",
                h["given_name"].as_str().unwrap(),
                h["family_name"].as_str().unwrap()
            )
        })
        .collect()
}

fn person(given: &str, family: &str, dob: &str, phone: &str) -> Value {
    json!({"given_name": given, "family_name": family, "sex": "unknown",
           "date_of_birth": dob, "phone": phone})
}

#[test]
fn registration_issues_a_checked_mrn_and_stores_every_field() {
    let ws = clinic(clock());
    let desk = staff(&ws, "desk", "receptionist");
    let mut input = maria();
    input["emergency_contact_name"] = json!("Pedro García");
    input["emergency_contact_phone"] = json!("+39 333 111 2222");
    input["insurance_payer"] = json!("Sanitas");
    input["insurance_member_number"] = json!("M-778");
    let p = call(
        &ws,
        &desk,
        "register_patient",
        json!({"patient": input, "allergies": [{"substance": "Penicillin", "reaction": "Rash", "severity": "severe"}]}),
    )
    .unwrap();
    let mrn = p["mrn"].as_str().unwrap();
    assert!(clinicdesk_core::patients::keys::mrn_is_valid(mrn), "{mrn}");
    assert_eq!(p["age_years"], 46); // on 2026-03-02
    assert_eq!(p["insurance_payer"], "Sanitas");
    let chart = call(
        &ws,
        &desk,
        "open_patient_chart",
        json!({"patient_id": p["id"]}),
    )
    .unwrap();
    assert_eq!(chart["allergies"][0]["substance"], "Penicillin");
    assert_eq!(chart["allergies"][0]["severity"], "severe");
    assert_eq!(chart["patient"]["emergency_contact_name"], "Pedro García");
    // A second patient gets the next number of the same workstation.
    let other = register(&ws, &desk, person("Luca", "Bianchi", "1990-01-01", ""));
    assert_ne!(other["mrn"], p["mrn"]);
    assert_eq!(&other["mrn"].as_str().unwrap()[..4], &mrn[..4]);
}

#[test]
fn bad_input_names_the_field() {
    let ws = clinic(clock());
    let admin = admin(&ws);
    let cases = [
        (
            "given_name",
            json!({"given_name": " ", "family_name": "X", "sex": "male", "date_of_birth": "1990-01-01"}),
        ),
        (
            "family_name",
            json!({"given_name": "A", "family_name": "", "sex": "male", "date_of_birth": "1990-01-01"}),
        ),
        (
            "sex",
            json!({"given_name": "A", "family_name": "B", "date_of_birth": "1990-01-01"}),
        ),
        (
            "date_of_birth",
            json!({"given_name": "A", "family_name": "B", "sex": "male"}),
        ),
        (
            "date_of_birth",
            json!({"given_name": "A", "family_name": "B", "sex": "male", "date_of_birth": "2026-03-03"}),
        ),
        (
            "date_of_birth",
            json!({"given_name": "A", "family_name": "B", "sex": "male", "date_of_birth": "31/12/1990"}),
        ),
        (
            "estimated_age_years",
            json!({"given_name": "A", "family_name": "B", "sex": "male", "estimated_age_years": 140}),
        ),
        (
            "phone",
            json!({"given_name": "A", "family_name": "B", "sex": "male", "date_of_birth": "1990-01-01", "phone": "call me"}),
        ),
        (
            "email",
            json!({"given_name": "A", "family_name": "B", "sex": "male", "date_of_birth": "1990-01-01", "email": "a@b"}),
        ),
        (
            "insurance_payer",
            json!({"given_name": "A", "family_name": "B", "sex": "male", "date_of_birth": "1990-01-01", "insurance_member_number": "77"}),
        ),
        (
            "patient.sex",
            json!({"given_name": "A", "family_name": "B", "sex": "robot", "date_of_birth": "1990-01-01"}),
        ),
    ];
    for (field, patient) in cases {
        let e = call(&ws, &admin, "register_patient", json!({"patient": patient})).unwrap_err();
        assert_eq!(e.field.as_deref(), Some(field), "{e:?}");
    }
    // Nothing was half-written.
    assert!(search(&ws, &admin, "").is_empty());
}

#[test]
fn an_estimated_age_gives_an_estimated_birth_date() {
    let ws = clinic(clock());
    let admin = admin(&ws);
    let p = register(
        &ws,
        &admin,
        json!({"given_name": "Unknown", "family_name": "Traveller", "sex": "male", "estimated_age_years": 40}),
    );
    assert_eq!(p["dob_estimated"], true);
    assert_eq!(p["date_of_birth"], "1985-09-02"); // on 2026-03-02: 40 years and 6 months back
    assert_eq!(p["age_years"], 40);
    // Saving the same estimate again keeps the stored date (no drift).
    let again = call(
        &ws,
        &admin,
        "update_patient",
        json!({"patient_id": p["id"], "patient": {"given_name": "Unknown", "family_name": "Traveller",
               "sex": "male", "estimated_age_years": 40, "phone": "+39 333 000 1111"}}),
    )
    .unwrap();
    assert_eq!(again["date_of_birth"], "1985-09-02");
}

#[test]
fn the_national_id_follows_the_clinics_configured_format() {
    let ws = clinic(clock());
    let admin = admin(&ws);
    let mut settings = call(&ws, &admin, "get_clinic_settings", json!({})).unwrap();
    settings["national_id_pattern"] = json!("[A-Z]{6}[0-9]{2}[A-Z][0-9]{2}[A-Z][0-9]{3}[A-Z]");
    settings["national_id_example"] = json!("RSSMRA80A01H501U");
    call(&ws, &admin, "update_clinic_settings", settings.clone()).unwrap();
    let mut p = person("Mario", "Rossi", "1980-01-01", "");
    p["national_id"] = json!("12345");
    let e = call(&ws, &admin, "register_patient", json!({"patient": p})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("national_id"));
    assert!(e.message.contains("RSSMRA80A01H501U"), "{}", e.message);
    p["national_id"] = json!("rssmra80a01h501u");
    let ok = register(&ws, &admin, p);
    assert_eq!(ok["national_id"], "RSSMRA80A01H501U");
    // A broken pattern is refused at the settings, naming the field.
    settings["national_id_pattern"] = json!("[A-Z");
    let e = call(&ws, &admin, "update_clinic_settings", settings).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("national_id_pattern"));
}

#[test]
fn two_workstations_issue_mrns_that_never_collide() {
    let a = clinic(clock());
    let b = clinic(clock());
    let (aa, ba) = (admin(&a), admin(&b));
    let mut seen = std::collections::HashSet::new();
    for i in 0..150 {
        let dob = format!("19{:02}-01-01", 10 + i % 80);
        for (ws, who) in [(&a, &aa), (&b, &ba)] {
            let p = register_anyway(ws, who, person(&format!("P{i}"), "Same", &dob, ""));
            let mrn = p["mrn"].as_str().unwrap().to_string();
            assert!(clinicdesk_core::patients::keys::mrn_is_valid(&mrn));
            assert!(seen.insert(mrn.clone()), "{mrn} issued twice");
        }
    }
}

fn search_fixture() -> (Workstation, Caller) {
    let ws = clinic(clock());
    let who = staff(&ws, "desk", "receptionist");
    for (g, f, dob, phone) in [
        ("María", "García", "1980-02-29", "+39 06 1234 5678"),
        ("Mariana", "Garcés", "1975-05-05", "+34 911 222 333"),
        ("Mario", "Rossi", "1964-11-30", "333 987 6543"),
        ("Jürgen", "Müller", "1955-07-07", "+49 30 1234567"),
        ("Иван", "Петров", "1990-09-09", ""),
        ("Lucía", "García Martín", "2001-01-01", ""),
        ("Marianne", "Smith", "1988-08-08", ""),
    ] {
        register_anyway(&ws, &who, person(g, f, dob, phone));
    }
    (ws, who)
}

#[test]
fn search_by_prefix_ranks_whole_words_first_and_ignores_accents() {
    let (ws, who) = search_fixture();
    let hits = names(&search(&ws, &who, "mari"));
    assert_eq!(hits.len(), 4, "{hits:?}");
    // "maria" (a whole word) before "mariana", "marianne", "mario".
    assert_eq!(hits[0], "María García");
    let hits = names(&search(&ws, &who, "muller"));
    assert_eq!(hits, ["Jürgen Müller"]);
    let hits = names(&search(&ws, &who, "MÜLL"));
    assert_eq!(hits, ["Jürgen Müller"]);
    // Any word, any order.
    assert_eq!(names(&search(&ws, &who, "garcia maria")), ["María García"]);
    assert_eq!(names(&search(&ws, &who, "maria garc"))[0], "María García");
    let mut mar_garc = names(&search(&ws, &who, "mar garc"));
    mar_garc.sort();
    assert_eq!(
        mar_garc,
        ["Lucía García Martín", "Mariana Garcés", "María García"]
    );
    let both = names(&search(&ws, &who, "garcia"));
    assert_eq!(both.len(), 2, "{both:?}");
    // Non-Latin scripts find themselves, and their transliteration finds them too.
    assert_eq!(names(&search(&ws, &who, "Иван")), ["Иван Петров"]);
    assert_eq!(names(&search(&ws, &who, "petrov")), ["Иван Петров"]);
}

#[test]
fn one_typo_is_tolerated_but_marked() {
    let (ws, who) = search_fixture();
    for typo in ["garsia", "gracia", "muler", "rosi mario", "mario rossu"] {
        let hits = search(&ws, &who, typo);
        assert!(!hits.is_empty(), "{typo} found nothing");
        assert_eq!(hits[0]["matched"], "typo", "{typo}");
    }
    assert_eq!(names(&search(&ws, &who, "garsia"))[0], "María García");
    // Unrelated words stay unmatched.
    assert!(search(&ws, &who, "zzyzx").is_empty());
}

#[test]
fn search_by_phone_in_any_format_mrn_and_birth_date() {
    let (ws, who) = search_fixture();
    for q in [
        "+39 06 1234 5678",
        "0039 06 12345678",
        "06-1234-5678",
        "3906123",
        "612345678",
    ] {
        assert_eq!(names(&search(&ws, &who, q)), ["María García"], "{q}");
    }
    let maria = search(&ws, &who, "maria garcia")[0].clone();
    let mrn = maria["mrn"].as_str().unwrap();
    let out = call(
        &ws,
        &who,
        "search_patients",
        json!({"query": mrn.to_lowercase()}),
    )
    .unwrap();
    assert_eq!(out["interpreted_as"], "mrn");
    assert_eq!(out["hits"][0]["id"], maria["id"]);
    assert_eq!(names(&search(&ws, &who, "1980-02-29")), ["María García"]);
    assert_eq!(names(&search(&ws, &who, "29/02/1980")), ["María García"]);
}

#[test]
fn an_empty_box_lists_recently_opened_patients_first() {
    let (ws, who) = search_fixture();
    let rossi = search(&ws, &who, "rossi")[0]["id"].clone();
    call(
        &ws,
        &who,
        "open_patient_chart",
        json!({"patient_id": rossi}),
    )
    .unwrap();
    let recent = search(&ws, &who, "");
    assert_eq!(recent[0]["id"], rossi);
    assert_eq!(recent[0]["matched"], "recent");
    assert_eq!(recent.len(), 7);
}

#[test]
fn duplicates_are_caught_at_registration_and_can_be_overridden() {
    let ws = clinic(clock());
    let desk = staff(&ws, "desk", "receptionist");
    let first = register(&ws, &desk, maria());
    // Same birth date and a similar name (accent and one letter off).
    let e = call(
        &ws,
        &desk,
        "register_patient",
        json!({"patient": person("Maria Jose", "Garcia Lopes", "1980-02-29", "")}),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    assert_eq!(e.field.as_deref(), Some("acknowledge_duplicates"));
    // The same phone with a different name.
    let found = call(
        &ws,
        &desk,
        "find_patient_duplicates",
        json!({"patient": person("Pedro", "Sanz", "2010-10-10", "0612345678")}),
    )
    .unwrap();
    assert_eq!(found[0]["patient"]["id"], first["id"]);
    assert_eq!(found[0]["reasons"][0], "same phone number");
    // A different person with another birth date is not a duplicate.
    let none = call(
        &ws,
        &desk,
        "find_patient_duplicates",
        json!({"patient": person("María", "García", "1999-01-01", "")}),
    )
    .unwrap();
    assert_eq!(none.as_array().unwrap().len(), 0);
    // Registering anyway works and the pair is now two records.
    register_anyway(
        &ws,
        &desk,
        person("Maria Jose", "Garcia Lopes", "1980-02-29", ""),
    );
    assert_eq!(search(&ws, &desk, "garcia").len(), 2);
}

#[test]
fn merge_moves_everything_and_leaves_a_tombstone_that_resolves() {
    let ws = clinic(clock());
    let admin = admin(&ws);
    let survivor = register(&ws, &admin, person("Anna", "Berg", "1970-03-03", ""));
    let mut dup_input = person("Ana", "Berg", "1970-03-03", "+46 70 123 4567");
    dup_input["email"] = json!("anna@example.se");
    let dup = register_anyway(&ws, &admin, dup_input);
    call(
        &ws,
        &admin,
        "record_allergy",
        json!({"patient_id": dup["id"], "allergy": {"substance": "Latex", "severity": "moderate"}}),
    )
    .unwrap();
    let out = call(
        &ws,
        &admin,
        "merge_patients",
        json!({"survivor_id": survivor["id"], "duplicate_id": dup["id"], "reason": "same person, registered twice"}),
    )
    .unwrap();
    assert_eq!(out["moved"][0]["table"], "patient_allergies");
    assert_eq!(out["moved"][0]["rows"], 1);
    // Blanks in the survivor were filled, nothing of the duplicate lost.
    assert_eq!(out["survivor"]["phone"], "+46 70 123 4567");
    assert_eq!(out["survivor"]["email"], "anna@example.se");
    let chart = call(
        &ws,
        &admin,
        "open_patient_chart",
        json!({"patient_id": dup["id"]}),
    )
    .unwrap();
    assert_eq!(chart["patient"]["id"], survivor["id"]);
    assert_eq!(chart["redirected_from"], dup["id"]);
    assert_eq!(chart["redirected_from_mrn"], dup["mrn"]);
    assert_eq!(chart["allergies"][0]["substance"], "Latex");
    assert_eq!(chart["merged_mrns"][0], dup["mrn"]);
    // The duplicate no longer shows in search, but its MRN finds the survivor.
    let hits = search(&ws, &admin, "berg");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["id"], survivor["id"]);
    let by_old = search(&ws, &admin, dup["mrn"].as_str().unwrap());
    assert_eq!(by_old[0]["id"], survivor["id"]);
    // The tombstone cannot be merged again or edited.
    let again = call(
        &ws,
        &admin,
        "merge_patients",
        json!({"survivor_id": survivor["id"], "duplicate_id": dup["id"], "reason": "again"}),
    )
    .unwrap_err();
    assert_eq!(again.field.as_deref(), Some("duplicate_id"));
    let edit = call(
        &ws,
        &admin,
        "update_patient",
        json!({"patient_id": dup["id"], "patient": person("Ana", "Berg", "1970-03-03", "")}),
    )
    .unwrap_err();
    assert_eq!(edit.code, ErrorCode::Conflict);
    // Audited, with the reason.
    let audit = call(&ws, &admin, "list_audit", json!({"limit": 20})).unwrap();
    let merge = audit
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "merge_patients")
        .unwrap();
    assert!(merge["detail"]
        .as_str()
        .unwrap()
        .contains("registered twice"));
}

#[test]
fn who_may_read_register_edit_and_merge_patients() {
    let ws = clinic(clock());
    let admin = admin(&ws);
    let p = register(&ws, &admin, maria());
    let patient = maria();
    for (role, read, write, merge) in [
        ("receptionist", true, true, false),
        ("doctor", true, true, false),
        ("nurse", true, true, false),
        ("accountant", true, false, false),
        ("pharmacist", true, false, false),
        ("kiosk", false, false, false),
    ] {
        let who = staff(&ws, &format!("u.{role}"), role);
        let r = call(&ws, &who, "search_patients", json!({"query": "maria"}));
        assert_eq!(r.is_ok(), read, "{role} search");
        let r = call(
            &ws,
            &who,
            "open_patient_chart",
            json!({"patient_id": p["id"]}),
        );
        assert_eq!(r.is_ok(), read, "{role} chart");
        let r = call(
            &ws,
            &who,
            "update_patient",
            json!({"patient_id": p["id"], "patient": patient.clone()}),
        );
        assert_eq!(r.is_ok(), write, "{role} edit");
        let r = call(
            &ws,
            &who,
            "merge_patients",
            json!({"survivor_id": p["id"], "duplicate_id": "x", "reason": "x"}),
        );
        assert_eq!(
            r.as_ref().err().map(|e| e.code) == Some(ErrorCode::PermissionDenied),
            !merge,
            "{role} merge"
        );
    }
}

#[test]
fn opening_a_chart_is_audited_and_an_edit_records_what_changed() {
    let ws = clinic(clock());
    let nurse = staff(&ws, "nurse.a", "nurse");
    let p = register(&ws, &nurse, maria());
    call(
        &ws,
        &nurse,
        "open_patient_chart",
        json!({"patient_id": p["id"]}),
    )
    .unwrap();
    let mut edited = maria();
    edited["phone"] = json!("+39 06 9999 0000");
    let after = call(
        &ws,
        &nurse,
        "update_patient",
        json!({"patient_id": p["id"], "patient": edited}),
    )
    .unwrap();
    assert_eq!(after["phone"], "+39 06 9999 0000");
    // The old number no longer finds her; the new one does.
    assert!(search(&ws, &nurse, "0612345678").is_empty());
    assert_eq!(search(&ws, &nurse, "06 9999 0000").len(), 1);
    let admin = admin(&ws);
    let audit = call(&ws, &admin, "list_audit", json!({"limit": 50})).unwrap();
    let entries = audit.as_array().unwrap();
    let opened = entries
        .iter()
        .find(|a| a["action"] == "open_patient_chart")
        .unwrap();
    assert_eq!(opened["actor_name"], "nurse.a");
    assert_eq!(opened["record_id"], p["id"]);
    let update = entries
        .iter()
        .find(|a| a["action"] == "update_patient")
        .unwrap();
    assert_eq!(update["detail"], "changed: phone");
}

#[test]
fn allergies_are_never_deleted_only_marked() {
    let ws = clinic(clock());
    let doc = staff(&ws, "dr.a", "doctor");
    let p = register(&ws, &doc, maria());
    let a = call(
        &ws,
        &doc,
        "record_allergy",
        json!({"patient_id": p["id"], "allergy": {"substance": "Aspirin", "severity": "mild"}}),
    )
    .unwrap();
    let dup = call(
        &ws,
        &doc,
        "record_allergy",
        json!({"patient_id": p["id"], "allergy": {"substance": "aspirin", "severity": "mild"}}),
    )
    .unwrap_err();
    assert_eq!(dup.field.as_deref(), Some("allergy.substance"));
    let e = call(
        &ws,
        &doc,
        "set_allergy_status",
        json!({"allergy_id": a["id"], "status": "entered_in_error", "reason": ""}),
    )
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("reason"));
    call(
        &ws,
        &doc,
        "set_allergy_status",
        json!({"allergy_id": a["id"], "status": "entered_in_error", "reason": "wrong patient"}),
    )
    .unwrap();
    let again = call(
        &ws,
        &doc,
        "set_allergy_status",
        json!({"allergy_id": a["id"], "status": "entered_in_error", "reason": "twice"}),
    )
    .unwrap_err();
    assert_eq!(again.field.as_deref(), Some("status"));
    let chart = call(
        &ws,
        &doc,
        "open_patient_chart",
        json!({"patient_id": p["id"]}),
    )
    .unwrap();
    assert_eq!(chart["allergies"][0]["status"], "entered_in_error");
    let titles: Vec<&str> = chart["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&"Allergy to Aspirin marked entered in error"),
        "{titles:?}"
    );
    assert!(
        titles.last().unwrap().starts_with("Registered as"),
        "{titles:?}"
    );
    let hit = &search(&ws, &doc, "maria")[0];
    assert_eq!(hit["has_allergies"], false);
}
