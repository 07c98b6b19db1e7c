#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]
//! Shared fixtures: workstations with a hand-moved clock, signed-in sessions.

use chrono::{TimeZone, Utc};
use clinicdesk_core::clock::ManualClock;
use clinicdesk_core::keys::DbKey;
use clinicdesk_core::{AppError, Caller, Workstation};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::Arc;

pub const ADMIN_PASSWORD: &str = "violet tractor umbrella";
pub const STAFF_PASSWORD: &str = "copper kettle meadow 31";

pub fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap(),
    ))
}

/// An in-memory clinic with an admin `admin`.
pub fn clinic(clock: Arc<ManualClock>) -> Workstation {
    let ws = Workstation::in_memory_with_clock(clock).unwrap();
    setup(&ws);
    ws
}

/// An encrypted clinic file at `path` with an admin `admin`.
pub fn clinic_file(path: &Path, key: DbKey, clock: Arc<ManualClock>) -> Workstation {
    let ws = Workstation::open_with_clock(path, key, clock).unwrap();
    setup(&ws);
    ws
}

fn setup(ws: &Workstation) {
    ws.dispatch(
        &Caller::Anonymous,
        "setup_clinic",
        json!({
            "clinic_name": "Ambulatorio Santa Lucía",
            "admin_username": "admin",
            "admin_full_name": "Ada Admin",
            "admin_password": ADMIN_PASSWORD,
        }),
    )
    .unwrap();
}

pub fn login(ws: &Workstation, username: &str, password: &str) -> Result<Caller, AppError> {
    let out = ws.dispatch(
        &Caller::Anonymous,
        "login",
        json!({"username": username, "password": password}),
    )?;
    Ok(Caller::Session(out["token"].as_str().unwrap().to_string()))
}

pub fn admin(ws: &Workstation) -> Caller {
    login(ws, "admin", ADMIN_PASSWORD).unwrap()
}

/// Creates a user of `role` with STAFF_PASSWORD and signs them in.
pub fn staff(ws: &Workstation, username: &str, role: &str) -> Caller {
    let admin = admin(ws);
    ws.dispatch(
        &admin,
        "create_user",
        json!({"username": username, "full_name": format!("Staff {username}"), "role": role,
               "password": STAFF_PASSWORD, "must_change_password": false}),
    )
    .unwrap();
    login(ws, username, STAFF_PASSWORD).unwrap()
}

pub fn call(
    ws: &Workstation,
    caller: &Caller,
    name: &str,
    input: Value,
) -> Result<Value, AppError> {
    ws.dispatch(caller, name, input)
}

/// A clinic for medical-record tests: two doctors, a nurse, reception and one patient.
pub struct RecordsClinic {
    pub ws: Workstation,
    pub doctor: Caller,
    pub other_doctor: Caller,
    pub nurse: Caller,
    pub desk: Caller,
    pub patient: String,
}

impl RecordsClinic {
    /// A walk-in consultation of the patient, opened by the doctor.
    pub fn encounter(&self) -> Value {
        call(
            &self.ws,
            &self.doctor,
            "start_encounter",
            json!({"patient_id": self.patient}),
        )
        .unwrap()
    }
}

/// Registers the patient (`given`, `family`, `sex`, date of birth) at reception.
pub fn records_clinic(given: &str, family: &str, sex: &str, dob: &str) -> RecordsClinic {
    let ws = clinic(clock());
    let doctor = staff(&ws, "dr.rossi", "doctor");
    let other_doctor = staff(&ws, "dr.verdi", "doctor");
    let nurse = staff(&ws, "nurse", "nurse");
    let desk = staff(&ws, "desk", "receptionist");
    let patient = call(
        &ws,
        &desk,
        "register_patient",
        json!({"patient": {"given_name": given, "family_name": family, "sex": sex,
                           "date_of_birth": dob}}),
    )
    .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    RecordsClinic {
        ws,
        doctor,
        other_doctor,
        nurse,
        desk,
        patient,
    }
}

/// The audit log's detail texts (newest first).
pub fn audit_details(ws: &Workstation) -> Vec<String> {
    let admin = admin(ws);
    call(ws, &admin, "list_audit", json!({"limit": 500}))
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["detail"].as_str().unwrap_or_default().to_string())
        .collect()
}
