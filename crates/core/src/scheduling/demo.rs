//! The demo clinic's schedule: visit types, the doctors' weekly hours, bookings in every
//! other free slot of the next days, a weekly series, two patients already waiting and one on the waitlist. Made
//! through the ordinary commands (as the demo's admin and receptionist), so every row is
//! checked, recorded and audited like a real clinic's.

use crate::error::AppResult;
use crate::workstation::{Caller, Workstation};
use chrono::{DateTime, Datelike, Duration, Utc};
use serde_json::{json, Value};

const VISIT_TYPES: &[(&str, u32, u32, &str)] = &[
    ("Consultation", 20, 5, "#0f766e"),
    ("New patient", 40, 5, "#7c3aed"),
    ("Follow-up", 10, 5, "#2563eb"),
    ("Vaccination", 10, 5, "#b45309"),
];

/// Weekly hours: (username, weekdays, start, end, room).
const HOURS: &[(&str, &[u32], &str, &str, &str)] = &[
    ("dr.rossi", &[1, 2, 3, 4, 5], "08:30", "12:30", "Room 1"),
    ("dr.rossi", &[1, 3, 5], "14:00", "18:00", "Room 1"),
    ("dr.rossi", &[6], "09:00", "12:00", "Room 1"),
    ("dr.okafor", &[1, 2, 3, 4, 5], "09:00", "13:00", "Room 2"),
    ("dr.okafor", &[2, 4], "15:00", "19:00", "Room 2"),
];

const REASONS: &[&str] = &[
    "Check-up",
    "Blood pressure review",
    "Cough for a week",
    "Vaccination",
    "Test results",
];

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_default().to_string()
}

pub(crate) fn seed(
    ws: &Workstation,
    now: DateTime<Utc>,
    admin: &Caller,
    desk: &Caller,
) -> AppResult<()> {
    let mut visits = Vec::new();
    for (name, minutes, buffer, colour) in VISIT_TYPES {
        visits.push(id(&ws.dispatch(
            admin,
            "save_visit_type",
            json!({"name": name, "minutes": minutes, "buffer_minutes": buffer, "colour": colour}),
        )?));
    }
    let staff = ws.dispatch(admin, "list_staff", json!({"role": "doctor"}))?;
    let doctor = |username: &str| {
        staff["members"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|m| m["username"] == username)
            .map(id)
            .unwrap_or_default()
    };
    let doctors = [doctor("dr.rossi"), doctor("dr.okafor")];
    for (d, username) in ["dr.rossi", "dr.okafor"].iter().enumerate() {
        let blocks: Vec<Value> = HOURS
            .iter()
            .filter(|h| h.0 == *username)
            .flat_map(|(_, days, start, end, room)| {
                days.iter()
                    .map(move |wd| json!({"weekday": wd, "start": start, "end": end, "room": room}))
            })
            .collect();
        ws.dispatch(
            admin,
            "set_weekly_availability",
            json!({"doctor_id": doctors[d], "blocks": blocks}),
        )?;
    }
    let patients: Vec<String> = ws.store().read(|c| {
        let mut stmt = c.prepare("SELECT id FROM patients ORDER BY mrn LIMIT 60")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    })?;
    if patients.len() < 40 {
        return Ok(());
    }
    // The next free slots of each doctor, from now, for a week: about every other one booked.
    let zone = ws.store().read(super::clinic_zone)?;
    let today = now.with_timezone(&zone).date_naive();
    let mut next_patient = 0usize;
    let mut today_booked = Vec::new();
    for (d, doctor_id) in doctors.iter().enumerate() {
        let slots = ws.dispatch(
            desk,
            "find_slots",
            json!({"visit_type_id": visits[0], "doctor_id": doctor_id,
                   "from_date": today.to_string(), "count": 40}),
        )?;
        for (i, slot) in slots.as_array().into_iter().flatten().enumerate() {
            if (i + d) % 2 == 1 {
                continue;
            }
            let visit = &visits[[0, 2, 0, 1, 3][(i / 2) % 5]];
            let reason = REASONS[i % REASONS.len()];
            let booked = ws.dispatch(
                desk,
                "book_appointment",
                json!({"patient_id": patients[next_patient % patients.len()], "doctor_id": doctor_id,
                       "visit_type_id": visit, "starts_at": slot["local_start"],
                       "reason": reason}),
            );
            // A slot next to a longer visit may no longer fit: the demo just skips it.
            if let Ok(a) = booked {
                next_patient += 1;
                if slot["local_start"]
                    .as_str()
                    .is_some_and(|s| s.starts_with(&today.to_string()))
                {
                    today_booked.push(id(&a));
                }
            }
        }
    }
    // Two patients of today are already in the waiting room.
    for appointment in today_booked.iter().take(2) {
        ws.dispatch(
            desk,
            "check_in_appointment",
            json!({"appointment_id": appointment}),
        )?;
    }
    // A weekly follow-up series, and a patient waiting for an earlier slot.
    let local = now.with_timezone(&zone);
    let next_monday =
        (local + Duration::days(8 - i64::from(local.weekday().number_from_monday()))).date_naive();
    let _ = ws.dispatch(
        desk,
        "book_appointment",
        json!({"patient_id": patients[50], "doctor_id": doctors[0], "visit_type_id": visits[2],
               "starts_at": format!("{next_monday}T08:30"), "reason": "Physiotherapy review",
               "outside_availability": true, "repeat": {"every_weeks": 1, "count": 6}}),
    );
    ws.dispatch(
        desk,
        "add_to_waitlist",
        json!({"patient_id": patients[55], "doctor_id": doctors[1], "visit_type_id": visits[0],
               "note": "Any morning; prefers early"}),
    )?;
    Ok(())
}
