#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Departments and staff: departments as data, doctors filtered by specialization,
//! department and availability, the staff profile, and who may change what.

mod common;

use clinicdesk_core::{Caller, ErrorCode, Workstation};
use common::*;
use serde_json::{json, Value};

fn department(ws: &Workstation, admin: &Caller, name: &str) -> Value {
    call(
        ws,
        admin,
        "create_department",
        json!({"name": name, "description": format!("{name} ward")}),
    )
    .unwrap()
}

fn doctor(ws: &Workstation, admin: &Caller, username: &str, spec: &str, dept: &str) {
    call(
        ws,
        admin,
        "create_user",
        json!({"username": username, "full_name": format!("Dr. {username}"), "role": "doctor",
               "password": STAFF_PASSWORD, "must_change_password": false,
               "specialization": spec, "licence_number": format!("LIC-{username}"), "department": dept}),
    )
    .unwrap();
}

fn members(ws: &Workstation, who: &Caller, filter: Value) -> Vec<String> {
    call(ws, who, "list_staff", filter).unwrap()["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["username"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_user_can_only_join_an_existing_active_department() {
    let ws = clinic(clock());
    let admin = admin(&ws);
    let e = call(
        &ws,
        &admin,
        "create_user",
        json!({"username": "dr.x", "full_name": "Dr X", "role": "doctor", "password": STAFF_PASSWORD,
               "must_change_password": false, "department": "Cardiology"}),
    )
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("department"));
    let cardio = department(&ws, &admin, "Cardiology");
    // Names are matched case-insensitively and stored as the department spells itself.
    doctor(&ws, &admin, "dr.x", "Cardiology", "cardiology");
    let list = call(&ws, &admin, "list_staff", json!({})).unwrap();
    assert_eq!(list["members"][0]["department"], "Cardiology");
    let dup = call(
        &ws,
        &admin,
        "create_department",
        json!({"name": "CARDIOLOGY"}),
    )
    .unwrap_err();
    assert_eq!(dup.code, ErrorCode::Conflict);
    assert_eq!(dup.field.as_deref(), Some("name"));
    // Deactivated: kept (never deleted), listed on request, no longer assignable.
    call(
        &ws,
        &admin,
        "update_department",
        json!({"id": cardio["id"], "name": "Cardiology", "active": false}),
    )
    .unwrap();
    let active = call(&ws, &admin, "list_departments", json!({})).unwrap();
    assert_eq!(active.as_array().unwrap().len(), 0);
    let all = call(
        &ws,
        &admin,
        "list_departments",
        json!({"include_inactive": true}),
    )
    .unwrap();
    assert_eq!(all[0]["active"], false);
    assert_eq!(all[0]["staff_count"], 1);
    // Its staff keep it (an edit that leaves the department alone still saves) …
    call(
        &ws,
        &admin,
        "update_user",
        json!({"username": "dr.x", "full_name": "Dr. X Renamed", "department": "Cardiology"}),
    )
    .unwrap();
    // … but nobody new joins it.
    staff(&ws, "nurse.y", "nurse");
    let e = call(
        &ws,
        &admin,
        "update_user",
        json!({"username": "nurse.y", "department": "Cardiology"}),
    )
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("department"));
    assert!(e.message.contains("inactive"));
}

#[test]
fn renaming_a_department_renames_it_on_its_staff() {
    let ws = clinic(clock());
    let admin = admin(&ws);
    let d = department(&ws, &admin, "Peds");
    doctor(&ws, &admin, "dr.kid", "Paediatrics", "Peds");
    call(
        &ws,
        &admin,
        "update_department",
        json!({"id": d["id"], "name": "Paediatrics", "description": "Children", "active": true}),
    )
    .unwrap();
    let staff = call(
        &ws,
        &admin,
        "list_staff",
        json!({"department": "Paediatrics"}),
    )
    .unwrap();
    assert_eq!(staff["members"][0]["username"], "dr.kid");
}

#[test]
fn doctors_filter_by_specialization_department_and_availability() {
    let ws = clinic(clock());
    let admin = admin(&ws);
    department(&ws, &admin, "General Medicine");
    department(&ws, &admin, "Cardiology");
    doctor(&ws, &admin, "dr.gp", "General practice", "General Medicine");
    doctor(&ws, &admin, "dr.heart", "Cardiology", "Cardiology");
    doctor(&ws, &admin, "dr.heart2", "Cardiology", "Cardiology");
    let desk = staff(&ws, "desk", "receptionist");
    assert_eq!(
        members(&ws, &desk, json!({"specialization": "cardiology"})),
        ["dr.heart", "dr.heart2"]
    );
    assert_eq!(
        members(&ws, &desk, json!({"department": "General Medicine"})),
        ["dr.gp"]
    );
    // Everyone starts offline; a doctor sets their own status.
    assert!(members(&ws, &desk, json!({"availability": "available"})).is_empty());
    let heart = login(&ws, "dr.heart", STAFF_PASSWORD).unwrap();
    let me = call(
        &ws,
        &heart,
        "set_my_availability",
        json!({"availability": "available"}),
    )
    .unwrap();
    assert_eq!(me["availability"], "available");
    assert_eq!(
        members(
            &ws,
            &desk,
            json!({"role": "doctor", "specialization": "Cardiology", "availability": "available"})
        ),
        ["dr.heart"]
    );
    let list = call(&ws, &desk, "list_staff", json!({"role": "doctor"})).unwrap();
    assert_eq!(
        list["specializations"],
        json!(["Cardiology", "General practice"])
    );
    // Only doctors set an availability.
    let e = call(
        &ws,
        &desk,
        "set_my_availability",
        json!({"availability": "away"}),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::PermissionDenied);
}

#[test]
fn a_doctors_fee_is_exact_and_only_admins_edit_profiles() {
    let ws = clinic(clock());
    let admin = admin(&ws);
    doctor(&ws, &admin, "dr.fee", "General practice", "");
    for (fee, ok) in [
        ("60", true),
        ("45.50", true),
        ("-1", false),
        ("12.345", false),
        ("sixty", false),
    ] {
        let r = call(
            &ws,
            &admin,
            "update_staff_profile",
            json!({"username": "dr.fee", "consultation_fee": fee, "signature_data_url": ""}),
        );
        match (ok, r) {
            (true, Ok(v)) => assert!(v["consultation_fee"].as_str().unwrap().starts_with(fee)),
            (false, Err(e)) => assert_eq!(e.field.as_deref(), Some("consultation_fee"), "{fee}"),
            (ok, r) => panic!("{fee}: expected ok={ok}, got {r:?}"),
        }
    }
    let e = call(
        &ws,
        &admin,
        "update_staff_profile",
        json!({"username": "dr.fee", "consultation_fee": "", "signature_data_url": "data:image/gif;base64,R0lG"}),
    )
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("signature_data_url"));
    let nurse = staff(&ws, "nurse.n", "nurse");
    let e = call(
        &ws,
        &admin,
        "update_staff_profile",
        json!({"username": "nurse.n", "consultation_fee": "10", "signature_data_url": ""}),
    )
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("consultation_fee"));
    let e = call(
        &ws,
        &nurse,
        "create_department",
        json!({"name": "Oncology"}),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::PermissionDenied);
}

#[test]
fn the_demo_clinic_has_departments_doctors_with_fees_and_patients() {
    let ws = Workstation::in_memory_with_clock(clock()).unwrap();
    ws.dispatch(&Caller::Anonymous, "create_demo_clinic", json!({}))
        .unwrap();
    let admin = login(&ws, "admin", "blue lantern orchid 47").unwrap();
    let deps = call(&ws, &admin, "list_departments", json!({})).unwrap();
    assert_eq!(deps.as_array().unwrap().len(), 3);
    let docs = call(&ws, &admin, "list_staff", json!({"role": "doctor"})).unwrap();
    let rossi = docs["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["username"] == "dr.rossi")
        .unwrap();
    assert_eq!(rossi["consultation_fee"], "60.00");
    assert_eq!(rossi["department"], "General Medicine");
    let recent = call(
        &ws,
        &admin,
        "search_patients",
        json!({"query": "", "limit": 100}),
    )
    .unwrap();
    assert_eq!(recent["hits"].as_array().unwrap().len(), 100);
    // A schedule to try: visit types, today's bookings from 09:00 (the clock's Monday, Rome),
    // two patients already waiting, a weekly series next week and a waitlist entry.
    let visits = call(&ws, &admin, "list_visit_types", json!({})).unwrap();
    assert_eq!(visits.as_array().unwrap().len(), 4);
    let desk = login(&ws, "reception", "warm garden ribbon 47").unwrap();
    let today = call(&ws, &desk, "list_day", json!({"date": "2026-03-02"})).unwrap();
    let booked = today["appointments"].as_array().unwrap();
    assert!(booked.len() >= 8, "{today}");
    let queue = call(&ws, &desk, "waiting_queue", json!({})).unwrap();
    assert_eq!(queue.as_array().unwrap().len(), 2);
    let next_week = call(
        &ws,
        &desk,
        "list_day",
        json!({"date": "2026-03-09", "days": 7}),
    )
    .unwrap();
    let series = next_week["appointments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["series_id"].is_string())
        .count();
    assert_eq!(series, 1);
    let waitlist = call(&ws, &desk, "list_waitlist", json!({})).unwrap();
    assert_eq!(waitlist.as_array().unwrap().len(), 1);
    // The waiting-room display account sees the two waiting patients (as tickets).
    let display = login(&ws, "display", "calm screen willow 47").unwrap();
    let shown = call(&ws, &display, "waiting_room_display", json!({})).unwrap();
    assert_eq!(shown["queue"].as_array().unwrap().len(), 2);
}
