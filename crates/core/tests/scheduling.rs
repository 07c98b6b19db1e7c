#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Scheduling: availability, booking without double booking (also with two writers on one
//! file), the state machine, time zones and daylight saving, the slot finder.

mod common;

use clinicdesk_core::keys::DbKey;
use clinicdesk_core::{Caller, ErrorCode, Workstation};
use common::*;
use serde_json::{json, Value};

struct Clinic {
    ws: Workstation,
    desk: Caller,
    doctor: String,
    doctor2: String,
    visit: String,
    maria: String,
    luca: String,
}

fn setup_on(ws: Workstation) -> Clinic {
    let admin = admin(&ws);
    let mut settings = call(&ws, &admin, "get_clinic_settings", json!({})).unwrap();
    settings["time_zone"] = json!("Europe/Rome");
    call(&ws, &admin, "update_clinic_settings", settings).unwrap();
    let mut doctors = Vec::new();
    for (username, name) in [
        ("dr.rossi", "Dr. Giulia Rossi"),
        ("dr.verdi", "Dr. Paolo Verdi"),
    ] {
        let d = call(
            &ws,
            &admin,
            "create_user",
            json!({"username": username, "full_name": name, "role": "doctor", "password": STAFF_PASSWORD,
                   "must_change_password": false, "specialization": "General practice"}),
        )
        .unwrap();
        let id = d["id"].as_str().unwrap().to_string();
        let blocks: Vec<Value> = (1..=5)
            .map(|wd| json!({"weekday": wd, "start": "09:00", "end": "13:00", "room": "A1"}))
            .collect();
        call(
            &ws,
            &admin,
            "set_weekly_availability",
            json!({"doctor_id": id, "blocks": blocks}),
        )
        .unwrap();
        doctors.push(id);
    }
    let visit = call(
        &ws,
        &admin,
        "save_visit_type",
        json!({"name": "Follow-up", "minutes": 25, "buffer_minutes": 5}),
    )
    .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let desk = staff(&ws, "desk", "receptionist");
    let patient = |g: &str, f: &str| {
        call(
            &ws,
            &desk,
            "register_patient",
            json!({"patient": {"given_name": g, "family_name": f, "sex": "female", "date_of_birth": "1980-01-01"},
                   "acknowledge_duplicates": true}),
        )
        .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let maria = patient("Maria", "Lopez");
    let luca = patient("Luca", "Bianchi");
    Clinic {
        ws,
        desk,
        doctor: doctors[0].clone(),
        doctor2: doctors[1].clone(),
        visit,
        maria,
        luca,
    }
}

fn setup() -> Clinic {
    setup_on(clinic(clock()))
}

impl Clinic {
    fn book(
        &self,
        patient: &str,
        doctor: &str,
        at: &str,
    ) -> Result<Value, clinicdesk_core::AppError> {
        call(
            &self.ws,
            &self.desk,
            "book_appointment",
            json!({"patient_id": patient, "doctor_id": doctor, "visit_type_id": self.visit, "starts_at": at}),
        )
    }
}

#[test]
fn a_doctor_is_never_booked_twice_and_the_refusal_says_who_is_there() {
    let c = setup();
    // Tuesday 3 March 2026, 10:00 in Rome = 09:00 UTC.
    let first = c.book(&c.maria, &c.doctor, "2026-03-03T10:00").unwrap();
    assert_eq!(first["starts_at"], "2026-03-03T09:00:00.000Z");
    assert_eq!(first["ends_at"], "2026-03-03T09:30:00.000Z"); // 25 min + 5 min buffer
    assert_eq!(first["status"], "scheduled");
    assert_eq!(first["room"], "A1");
    let e = c.book(&c.luca, &c.doctor, "2026-03-03T10:15").unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    assert_eq!(e.field.as_deref(), Some("starts_at"));
    assert_eq!(
        e.message,
        "Dr. Giulia Rossi already has Maria Lopez 10:00–10:30"
    );
    // Back to back is fine; another doctor at the same time is fine.
    c.book(&c.luca, &c.doctor, "2026-03-03T10:30").unwrap();
    c.book(&c.luca, &c.doctor2, "2026-03-03T10:00").unwrap();
    // A cancelled appointment frees its time (a reason is required).
    let e = call(
        &c.ws,
        &c.desk,
        "cancel_appointment",
        json!({"appointment_id": first["id"], "reason": " "}),
    )
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("reason"));
    call(
        &c.ws,
        &c.desk,
        "cancel_appointment",
        json!({"appointment_id": first["id"], "reason": "patient called"}),
    )
    .unwrap();
    c.book(&c.maria, &c.doctor, "2026-03-03T10:00").unwrap();
}

#[test]
fn the_store_itself_refuses_an_overlap_even_without_the_command() {
    let c = setup();
    c.book(&c.maria, &c.doctor, "2026-03-03T10:00").unwrap();
    let err = c
        .ws
        .store()
        .read(|conn| {
            Ok(conn.execute(
                "INSERT INTO appointments (id, patient_id, doctor_id, visit_type_id, starts_at, ends_at,
                     status, created_at, updated_at)
                 VALUES ('x', ?1, ?2, ?3, '2026-03-03T09:10:00.000Z', '2026-03-03T09:20:00.000Z',
                     'scheduled', 'now', 'now')",
                rusqlite::params![c.luca, c.doctor, c.visit],
            ))
        })
        .unwrap()
        .unwrap_err();
    assert!(err.to_string().contains("double booking"), "{err}");
}

#[test]
fn two_workstations_writing_one_file_cannot_both_book_the_same_slot() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    let key = DbKey::generate();
    let c = setup_on(clinic_file(&path, key.clone(), clock()));
    let (doctor, visit, maria, luca) = (
        c.doctor.clone(),
        c.visit.clone(),
        c.maria.clone(),
        c.luca.clone(),
    );
    let other = Workstation::open_with_clock(&path, key, clock()).unwrap();
    let other_desk = login(&other, "desk", STAFF_PASSWORD).unwrap();
    let mut wins = 0;
    for hour in 9..13 {
        for minute in [0, 30] {
            let at = format!("2026-03-04T{hour:02}:{minute:02}");
            let (a, b) = std::thread::scope(|s| {
                let one = s.spawn(|| {
                    call(&c.ws, &c.desk, "book_appointment",
                         json!({"patient_id": maria, "doctor_id": doctor, "visit_type_id": visit, "starts_at": at}))
                });
                let two = s.spawn(|| {
                    call(&other, &other_desk, "book_appointment",
                         json!({"patient_id": luca, "doctor_id": doctor, "visit_type_id": visit, "starts_at": at}))
                });
                (one.join().unwrap(), two.join().unwrap())
            });
            assert!(
                a.is_ok() != b.is_ok(),
                "exactly one wins at {at}: {a:?} / {b:?}"
            );
            let loser = a.err().or(b.err()).unwrap();
            assert_eq!(loser.code, ErrorCode::Conflict, "{loser:?}");
            wins += 1;
        }
    }
    assert_eq!(wins, 8);
    let day = call(
        &c.ws,
        &c.desk,
        "list_day",
        json!({"date": "2026-03-04", "doctor_id": c.doctor}),
    )
    .unwrap();
    assert_eq!(day["appointments"].as_array().unwrap().len(), 8);
}

#[test]
fn availability_patient_overlap_and_past_times_are_checked() {
    let c = setup();
    // Saturday: no availability.
    let e = c.book(&c.maria, &c.doctor, "2026-03-07T10:00").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("outside_availability"));
    let ok = call(
        &c.ws,
        &c.desk,
        "book_appointment",
        json!({"patient_id": c.maria, "doctor_id": c.doctor, "visit_type_id": c.visit,
               "starts_at": "2026-03-07T10:00", "outside_availability": true}),
    )
    .unwrap();
    assert_eq!(ok["status"], "scheduled");
    // The same patient with another doctor at the same time: warned first.
    let e = call(
        &c.ws,
        &c.desk,
        "book_appointment",
        json!({"patient_id": c.maria, "doctor_id": c.doctor2, "visit_type_id": c.visit,
               "starts_at": "2026-03-07T10:10", "outside_availability": true}),
    )
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("acknowledge_patient_overlap"));
    assert!(
        e.message
            .contains("Maria Lopez already has an appointment with Dr. Giulia Rossi at 10:00"),
        "{}",
        e.message
    );
    // Past times are refused (but walk-ins are now).
    let e = c.book(&c.maria, &c.doctor, "2026-03-02T08:00").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("starts_at"));
    let walk_in = call(
        &c.ws,
        &c.desk,
        "book_appointment",
        json!({"patient_id": c.luca, "doctor_id": c.doctor, "visit_type_id": c.visit,
               "starts_at": "2026-03-02T09:00", "walk_in": true}),
    )
    .unwrap();
    assert_eq!(walk_in["status"], "checked_in");
    assert_eq!(walk_in["walk_in"], true);
    assert_eq!(walk_in["starts_at"], "2026-03-02T08:00:00.000Z"); // now: 09:00 in Rome
                                                                  // A second walk-in while the doctor is taken is squeezed in at the first free gap
                                                                  // (after the first walk-in and Maria's 09:30 booking), never over them.
    c.book(&c.maria, &c.doctor, "2026-03-02T09:30").unwrap();
    let squeezed = call(
        &c.ws,
        &c.desk,
        "book_appointment",
        json!({"patient_id": c.maria, "doctor_id": c.doctor, "visit_type_id": c.visit,
               "starts_at": "2026-03-02T09:00", "walk_in": true, "acknowledge_patient_overlap": true}),
    )
    .unwrap();
    assert_eq!(squeezed["starts_at"], "2026-03-02T09:00:00.000Z"); // 10:00 in Rome
    assert_eq!(squeezed["status"], "checked_in");
    // Bad input names its field.
    let e = c.book(&c.maria, &c.doctor, "03/03/2026 10:00").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("starts_at"));
    let e = c.book(&c.maria, "nobody", "2026-03-03T10:00").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("doctor_id"));
}

#[test]
fn the_lifecycle_follows_the_state_machine_and_records_every_step() {
    let c = setup();
    let nurse = staff(&c.ws, "nurse.a", "nurse");
    let a = c.book(&c.maria, &c.doctor, "2026-03-02T10:00").unwrap();
    let id = a["id"].clone();
    let step = |name: &str| call(&c.ws, &nurse, name, json!({"appointment_id": id}));
    // Completing a scheduled appointment skips steps: refused by name.
    let e = step("complete_appointment").unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    assert_eq!(
        e.message,
        "an appointment that is scheduled cannot become completed"
    );
    assert_eq!(
        step("check_in_appointment").unwrap()["status"],
        "checked_in"
    );
    assert!(step("check_in_appointment").is_err());
    assert_eq!(
        step("start_consultation").unwrap()["status"],
        "in_consultation"
    );
    assert_eq!(step("complete_appointment").unwrap()["status"], "completed");
    // Final: nothing more.
    let e = call(
        &c.ws,
        &c.desk,
        "cancel_appointment",
        json!({"appointment_id": id, "reason": "late"}),
    )
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("status"));
    // Every step is recorded with who and when, and audited.
    let steps: Vec<(String, String)> = c
        .ws
        .store()
        .read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT coalesce(from_status, '-'), to_status FROM appointment_transitions
                 WHERE appointment_id = ?1 AND by_user IS NOT NULL ORDER BY at, rowid",
            )?;
            let rows = stmt.query_map([id.as_str().unwrap()], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .unwrap();
    assert_eq!(
        steps,
        [
            ("-", "scheduled"),
            ("scheduled", "checked_in"),
            ("checked_in", "in_consultation"),
            ("in_consultation", "completed")
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    // Queue steps belong to reception, nurses and doctors; the waiting-room kiosk has none.
    let kiosk = staff(&c.ws, "lobby", "kiosk");
    let e = call(
        &c.ws,
        &kiosk,
        "check_in_appointment",
        json!({"appointment_id": id}),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::PermissionDenied);
}

#[test]
fn a_no_show_waits_for_the_grace_time() {
    let clock = clock();
    let c = setup_on(clinic(clock.clone()));
    staff(&c.ws, "nurse.b", "nurse");
    // 10:00 Rome = 09:00 UTC; the clock is at 08:00 UTC.
    let a = c.book(&c.maria, &c.doctor, "2026-03-02T10:00").unwrap();
    clock.advance(chrono::Duration::minutes(70)); // 10:10 Rome: inside the 15-minute grace
    let nurse = login(&c.ws, "nurse.b", STAFF_PASSWORD).unwrap(); // (idle-locked meanwhile)
    let e = call(
        &c.ws,
        &nurse,
        "mark_no_show",
        json!({"appointment_id": a["id"]}),
    )
    .unwrap_err();
    assert!(e.message.contains("10:15"), "{}", e.message);
    clock.advance(chrono::Duration::minutes(6));
    let done = call(
        &c.ws,
        &nurse,
        "mark_no_show",
        json!({"appointment_id": a["id"]}),
    )
    .unwrap();
    assert_eq!(done["status"], "no_show");
    // Its time is free again (a fresh desk session: the old one idled out meanwhile).
    let desk = login(&c.ws, "desk", STAFF_PASSWORD).unwrap();
    call(
        &c.ws,
        &desk,
        "book_appointment",
        json!({"patient_id": c.luca, "doctor_id": c.doctor, "visit_type_id": c.visit, "starts_at": "2026-03-02T10:20"}),
    )
    .unwrap();
}

#[test]
fn daylight_saving_days_are_handled_in_the_clinics_zone() {
    let c = setup();
    let admin = admin(&c.ws);
    // Sunday 29 March 2026: Rome skips 02:00–03:00. Give the doctor Sunday hours across it.
    let blocks: Vec<Value> = (1..=7)
        .map(|wd| json!({"weekday": wd, "start": "01:00", "end": "05:00"}))
        .collect();
    call(
        &c.ws,
        &admin,
        "set_weekly_availability",
        json!({"doctor_id": c.doctor, "blocks": blocks}),
    )
    .unwrap();
    let e = c.book(&c.maria, &c.doctor, "2026-03-29T02:30").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("starts_at"));
    assert!(e.message.contains("does not exist"), "{}", e.message);
    // 01:30 is +01:00, 03:30 is +02:00: one real hour apart.
    let a = c.book(&c.maria, &c.doctor, "2026-03-29T01:30").unwrap();
    assert_eq!(a["starts_at"], "2026-03-29T00:30:00.000Z");
    let b = c.book(&c.luca, &c.doctor, "2026-03-29T03:30").unwrap();
    assert_eq!(b["starts_at"], "2026-03-29T01:30:00.000Z");
    // The local day is 23 hours long.
    let day = call(&c.ws, &c.desk, "list_day", json!({"date": "2026-03-29"})).unwrap();
    assert_eq!(day["day_starts_at"], "2026-03-28T23:00:00.000Z");
    assert_eq!(day["day_ends_at"], "2026-03-29T22:00:00.000Z");
    assert_eq!(day["appointments"].as_array().unwrap().len(), 2);
    // The slot finder skips the missing hour: 01:00, (01:30 taken), 03:00 … in local time.
    let slots = call(
        &c.ws,
        &c.desk,
        "find_slots",
        json!({"visit_type_id": c.visit, "doctor_id": c.doctor, "from_date": "2026-03-29", "count": 4}),
    )
    .unwrap();
    let starts: Vec<&str> = slots
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["local_start"].as_str().unwrap())
        .collect();
    assert_eq!(
        starts,
        [
            "2026-03-29T01:00",
            "2026-03-29T03:00",
            "2026-03-29T04:00",
            "2026-03-29T04:30"
        ]
    );
}

#[test]
fn the_slot_finder_skips_booked_time_and_leave() {
    let c = setup();
    c.book(&c.maria, &c.doctor, "2026-03-03T09:00").unwrap();
    let admin = admin(&c.ws);
    let leave = call(
        &c.ws,
        &admin,
        "add_availability_exception",
        json!({"doctor_id": c.doctor, "kind": "unavailable", "starts_at": "2026-03-03T09:30",
               "ends_at": "2026-03-03T12:00", "reason": "training"}),
    )
    .unwrap();
    let slots = call(
        &c.ws,
        &c.desk,
        "find_slots",
        json!({"visit_type_id": c.visit, "doctor_id": c.doctor, "from_date": "2026-03-03", "count": 3}),
    )
    .unwrap();
    let starts: Vec<&str> = slots
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["local_start"].as_str().unwrap())
        .collect();
    assert_eq!(
        starts,
        ["2026-03-03T12:00", "2026-03-03T12:30", "2026-03-04T09:00"]
    );
    // Booking into the leave is refused as outside availability.
    let e = c.book(&c.luca, &c.doctor, "2026-03-03T10:00").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("outside_availability"));
    // The whole clinic: both doctors, earliest first.
    let slots = call(
        &c.ws,
        &c.desk,
        "find_slots",
        json!({"visit_type_id": c.visit, "from_date": "2026-03-03", "count": 2}),
    )
    .unwrap();
    assert_eq!(slots[0]["doctor_id"], c.doctor2);
    assert_eq!(slots[0]["local_start"], "2026-03-03T09:00");
    // A leave entered by mistake is taken back: the time is bookable again.
    let removed = call(
        &c.ws,
        &admin,
        "remove_availability_exception",
        json!({"exception_id": leave["exceptions"][0]["id"]}),
    )
    .unwrap();
    assert_eq!(removed["exceptions"], json!([]));
    c.book(&c.luca, &c.doctor, "2026-03-03T10:00").unwrap();
    let e = call(
        &c.ws,
        &admin,
        "remove_availability_exception",
        json!({"exception_id": leave["exceptions"][0]["id"]}),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert_eq!(e.field.as_deref(), Some("exception_id"));
}

#[test]
fn rescheduling_keeps_the_same_guarantees() {
    let c = setup();
    let a = c.book(&c.maria, &c.doctor, "2026-03-03T09:00").unwrap();
    c.book(&c.luca, &c.doctor, "2026-03-03T10:00").unwrap();
    let e = call(
        &c.ws,
        &c.desk,
        "reschedule_appointment",
        json!({"appointment_id": a["id"], "starts_at": "2026-03-03T10:15"}),
    )
    .unwrap_err();
    assert_eq!(
        e.message,
        "Dr. Giulia Rossi already has Luca Bianchi 10:00–10:30"
    );
    // Moving onto its own time (a small shift) is not a conflict with itself.
    let moved = call(
        &c.ws,
        &c.desk,
        "reschedule_appointment",
        json!({"appointment_id": a["id"], "starts_at": "2026-03-03T09:15"}),
    )
    .unwrap();
    assert_eq!(moved["starts_at"], "2026-03-03T08:15:00.000Z");
    // To another doctor.
    let moved = call(
        &c.ws,
        &c.desk,
        "reschedule_appointment",
        json!({"appointment_id": a["id"], "starts_at": "2026-03-03T10:00", "doctor_id": c.doctor2}),
    )
    .unwrap();
    assert_eq!(moved["doctor_id"], c.doctor2);
}

#[test]
fn the_queue_calls_patients_in_order_and_the_doctor_is_busy_meanwhile() {
    let c = setup();
    let nurse = staff(&c.ws, "nurse.q", "nurse");
    // Luca at 10:00, Maria at 09:30; Luca arrives first, but the queue follows appointment times.
    let luca = c.book(&c.luca, &c.doctor, "2026-03-02T10:00").unwrap();
    let maria = c.book(&c.maria, &c.doctor, "2026-03-02T09:30").unwrap();
    for a in [&luca, &maria] {
        call(
            &c.ws,
            &c.desk,
            "check_in_appointment",
            json!({"appointment_id": a["id"]}),
        )
        .unwrap();
    }
    let queue = call(
        &c.ws,
        &nurse,
        "waiting_queue",
        json!({"doctor_id": c.doctor}),
    )
    .unwrap();
    let order: Vec<&str> = queue
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["appointment"]["patient_name"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["Maria Lopez", "Luca Bianchi"]);
    assert_eq!(queue[1]["position"], 2);
    // Calling next starts Maria's consultation and makes the doctor busy.
    let called = call(
        &c.ws,
        &nurse,
        "call_next_patient",
        json!({"doctor_id": c.doctor}),
    )
    .unwrap();
    assert_eq!(called["id"], maria["id"]);
    assert_eq!(called["status"], "in_consultation");
    let doctors = call(
        &c.ws,
        &c.desk,
        "list_staff",
        json!({"role": "doctor", "availability": "busy"}),
    )
    .unwrap();
    assert_eq!(doctors["members"][0]["id"], json!(c.doctor));
    call(
        &c.ws,
        &nurse,
        "complete_appointment",
        json!({"appointment_id": maria["id"]}),
    )
    .unwrap();
    let doctors = call(
        &c.ws,
        &c.desk,
        "list_staff",
        json!({"role": "doctor", "availability": "available"}),
    )
    .unwrap();
    assert_eq!(doctors["members"][0]["id"], json!(c.doctor));
    let next = call(
        &c.ws,
        &nurse,
        "call_next_patient",
        json!({"doctor_id": c.doctor}),
    )
    .unwrap();
    assert_eq!(next["id"], luca["id"]);
    let e = call(
        &c.ws,
        &nurse,
        "call_next_patient",
        json!({"doctor_id": c.doctor}),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    // The chart's timeline shows the visit.
    let chart = call(
        &c.ws,
        &nurse,
        "open_patient_chart",
        json!({"patient_id": c.maria}),
    )
    .unwrap();
    let titles: Vec<&str> = chart["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&"Follow-up with Dr. Giulia Rossi (completed)"),
        "{titles:?}"
    );
}

#[test]
fn freed_time_is_offered_to_the_waitlist_in_order_and_booked_from_the_offer() {
    let c = setup();
    let admin = admin(&c.ws);
    let anna = call(
        &c.ws,
        &c.desk,
        "register_patient",
        json!({"patient": {"given_name": "Anna", "family_name": "Neri", "sex": "female", "date_of_birth": "1990-05-05"}}),
    )
    .unwrap()["id"]
        .clone();
    // Maria holds Tuesday 10:00; Luca (first) and Anna wait for an earlier slot.
    let held = c.book(&c.maria, &c.doctor, "2026-03-03T10:00").unwrap();
    let e = call(
        &c.ws,
        &c.desk,
        "add_to_waitlist",
        json!({"patient_id": c.luca, "visit_type_id": c.visit}),
    )
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("doctor_id"));
    let luca = call(
        &c.ws,
        &c.desk,
        "add_to_waitlist",
        json!({"patient_id": c.luca, "visit_type_id": c.visit, "doctor_id": c.doctor}),
    )
    .unwrap();
    let anna_entry = call(
        &c.ws,
        &c.desk,
        "add_to_waitlist",
        json!({"patient_id": anna, "visit_type_id": c.visit, "specialization": "General practice"}),
    )
    .unwrap();
    assert_eq!(luca["status"], "waiting");
    // Maria cancels: Luca, first in line, is offered her slot.
    call(
        &c.ws,
        &c.desk,
        "cancel_appointment",
        json!({"appointment_id": held["id"], "reason": "travelling"}),
    )
    .unwrap();
    let offers = call(
        &c.ws,
        &c.desk,
        "list_waitlist",
        json!({"offers_only": true}),
    )
    .unwrap();
    assert_eq!(offers.as_array().unwrap().len(), 1);
    assert_eq!(offers[0]["id"], luca["id"]);
    assert_eq!(offers[0]["offered_label"], "Tue 03 Mar 10:00");
    // Luca declines: the slot goes to Anna (same specialization); Luca keeps his place.
    call(
        &c.ws,
        &c.desk,
        "decline_waitlist_offer",
        json!({"entry_id": luca["id"]}),
    )
    .unwrap();
    let offers = call(
        &c.ws,
        &c.desk,
        "list_waitlist",
        json!({"offers_only": true}),
    )
    .unwrap();
    assert_eq!(offers[0]["id"], anna_entry["id"]);
    let booked = call(
        &c.ws,
        &c.desk,
        "accept_waitlist_offer",
        json!({"entry_id": anna_entry["id"]}),
    )
    .unwrap();
    assert_eq!(booked["starts_at"], "2026-03-03T09:00:00.000Z");
    assert_eq!(booked["patient_id"], anna);
    let all = call(&c.ws, &c.desk, "list_waitlist", json!({})).unwrap();
    assert_eq!(all.as_array().unwrap().len(), 1, "Anna's entry is closed");
    assert_eq!(all[0]["status"], "waiting");
    // Removing needs a reason; an entry is never deleted.
    let e = call(
        &c.ws,
        &admin,
        "remove_from_waitlist",
        json!({"entry_id": luca["id"], "reason": ""}),
    )
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("reason"));
    call(
        &c.ws,
        &admin,
        "remove_from_waitlist",
        json!({"entry_id": luca["id"], "reason": "found another clinic"}),
    )
    .unwrap();
    assert!(call(&c.ws, &c.desk, "list_waitlist", json!({}))
        .unwrap()
        .as_array()
        .unwrap()
        .is_empty());
}

fn starts(ws: &Workstation, who: &Caller, date: &str, days: u32) -> Vec<(String, String)> {
    let list = call(
        ws,
        who,
        "list_day",
        json!({"date": date, "days": days, "include_inactive": true}),
    )
    .unwrap();
    list["appointments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["starts_at"].as_str().unwrap().to_string(),
                a["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_weekly_series_is_booked_whole_or_not_at_all_across_daylight_saving() {
    let c = setup();
    let luca = c.book(&c.luca, &c.doctor, "2026-03-31T10:00").unwrap();
    let weekly = |count: u32| {
        call(
            &c.ws,
            &c.desk,
            "book_appointment",
            json!({"patient_id": c.maria, "doctor_id": c.doctor, "visit_type_id": c.visit,
                   "starts_at": "2026-03-17T10:00", "repeat": {"every_weeks": 1, "count": count}}),
        )
    };
    let e = weekly(1).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("repeat"));
    // The third week is taken: nothing of the series is booked, and the refusal says when.
    let e = weekly(3).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    assert_eq!(
        e.message,
        "on Tue 31 Mar 2026: Dr. Giulia Rossi already has Luca Bianchi 10:00–10:30"
    );
    assert_eq!(starts(&c.ws, &c.desk, "2026-03-16", 7), []);
    call(
        &c.ws,
        &c.desk,
        "cancel_appointment",
        json!({"appointment_id": luca["id"], "reason": "patient called"}),
    )
    .unwrap();
    let first = weekly(3).unwrap();
    assert!(first["series_id"].is_string());
    // 10:00 in Rome every week: 09:00 UTC before the clocks change on 29 March, 08:00 after.
    let booked: Vec<String> = ["2026-03-16", "2026-03-23", "2026-03-30"]
        .iter()
        .flat_map(|d| starts(&c.ws, &c.desk, d, 7))
        .filter(|(_, status)| status == "scheduled")
        .map(|(at, _)| at)
        .collect();
    assert_eq!(
        booked,
        [
            "2026-03-17T09:00:00.000Z",
            "2026-03-24T09:00:00.000Z",
            "2026-03-31T08:00:00.000Z"
        ]
    );
    let e = call(
        &c.ws,
        &c.desk,
        "list_day",
        json!({"date": "2026-03-16", "days": 8}),
    )
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("days"));
}

#[test]
fn a_series_is_changed_one_appointment_or_from_one_on() {
    let c = setup();
    let first = call(
        &c.ws,
        &c.desk,
        "book_appointment",
        json!({"patient_id": c.maria, "doctor_id": c.doctor, "visit_type_id": c.visit,
               "starts_at": "2026-03-03T09:00", "repeat": {"every_weeks": 1, "count": 4}}),
    )
    .unwrap();
    let series = first["series_id"].clone();
    let occurrence = |date: &str| {
        let day = call(&c.ws, &c.desk, "list_day", json!({"date": date})).unwrap();
        day["appointments"][0].clone()
    };
    let moved = |appointment: &Value, at: &str, scope: &str| {
        call(
            &c.ws,
            &c.desk,
            "reschedule_appointment",
            json!({"appointment_id": appointment["id"], "starts_at": at, "scope": scope}),
        )
    };
    let local = |utc: &str| utc[11..16].to_string();
    // This one only: 10 March moves to 11:00 (Rome), the others stay, it stays in the series.
    let second = moved(&occurrence("2026-03-10"), "2026-03-10T11:00", "this").unwrap();
    assert_eq!(local(second["starts_at"].as_str().unwrap()), "10:00"); // 11:00 Rome = 10:00 UTC
    assert_eq!(second["series_id"], series);
    // From 17 March on: both later ones move three hours later, the earlier ones do not.
    moved(&occurrence("2026-03-17"), "2026-03-17T12:00", "following").unwrap();
    let at = |date: &str| local(occurrence(date)["starts_at"].as_str().unwrap());
    assert_eq!(
        [
            at("2026-03-03"),
            at("2026-03-10"),
            at("2026-03-17"),
            at("2026-03-24")
        ],
        ["08:00", "10:00", "11:00", "11:00"]
    );
    // A move that does not fit every occurrence moves none of them.
    c.book(&c.luca, &c.doctor, "2026-03-24T10:00").unwrap();
    let e = moved(&occurrence("2026-03-17"), "2026-03-17T10:00", "following").unwrap_err();
    assert_eq!(
        e.message,
        "on Tue 24 Mar 2026: Dr. Giulia Rossi already has Luca Bianchi 10:00–10:30"
    );
    assert_eq!(at("2026-03-17"), "11:00");
    // Cancelling from 17 March on cancels the last two only.
    call(
        &c.ws,
        &c.desk,
        "cancel_appointment",
        json!({"appointment_id": occurrence("2026-03-17")["id"], "reason": "moving away", "scope": "following"}),
    )
    .unwrap();
    let statuses: Vec<String> = starts(&c.ws, &c.desk, "2026-03-02", 7)
        .into_iter()
        .chain(starts(&c.ws, &c.desk, "2026-03-09", 7))
        .chain(starts(&c.ws, &c.desk, "2026-03-16", 7))
        .chain(starts(&c.ws, &c.desk, "2026-03-23", 7))
        .filter(|(at, _)| at.starts_with("2026-03-"))
        .map(|(_, status)| status)
        .collect();
    // Luca's 24 March appointment is scheduled too (it is not in the series).
    assert_eq!(
        statuses,
        [
            "scheduled",
            "scheduled",
            "cancelled",
            "scheduled",
            "cancelled"
        ]
    );
}

#[test]
fn a_series_moves_a_week_later_onto_its_own_time() {
    let c = setup();
    let first = call(
        &c.ws,
        &c.desk,
        "book_appointment",
        json!({"patient_id": c.maria, "doctor_id": c.doctor, "visit_type_id": c.visit,
               "starts_at": "2026-03-03T09:00", "repeat": {"every_weeks": 1, "count": 3}}),
    )
    .unwrap();
    // Each occurrence lands where the next one was: it works because the last moves first.
    call(
        &c.ws,
        &c.desk,
        "reschedule_appointment",
        json!({"appointment_id": first["id"], "starts_at": "2026-03-10T09:00", "scope": "following"}),
    )
    .unwrap();
    let weeks: Vec<String> = ["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23"]
        .iter()
        .flat_map(|d| starts(&c.ws, &c.desk, d, 7))
        .map(|(at, _)| at[..10].to_string())
        .collect();
    assert_eq!(weeks, ["2026-03-10", "2026-03-17", "2026-03-24"]);
}

#[test]
fn the_waiting_room_display_shows_tickets_and_initials_only() {
    let c = setup();
    let kiosk = staff(&c.ws, "kiosk.hall", "kiosk");
    let luca = c.book(&c.luca, &c.doctor, "2026-03-02T10:00").unwrap();
    let maria = c.book(&c.maria, &c.doctor, "2026-03-02T09:30").unwrap();
    // Luca arrives first: ticket 1; Maria second: ticket 2, but she is called first.
    for a in [&luca, &maria] {
        call(
            &c.ws,
            &c.desk,
            "check_in_appointment",
            json!({"appointment_id": a["id"]}),
        )
        .unwrap();
    }
    let queue = call(&c.ws, &c.desk, "waiting_queue", json!({})).unwrap();
    assert_eq!(queue[0]["ticket"], 2);
    assert_eq!(queue[1]["ticket"], 1);
    let display = call(&c.ws, &kiosk, "waiting_room_display", json!({})).unwrap();
    assert_eq!(
        display["queue"],
        json!([
            {"ticket": 2, "initials": "M. L.", "doctor_name": "Dr. Giulia Rossi", "doctor_index": 0, "position": 1},
            {"ticket": 1, "initials": "L. B.", "doctor_name": "Dr. Giulia Rossi", "doctor_index": 0, "position": 2}
        ])
    );
    let text = display.to_string();
    for secret in ["Maria", "Lopez", "Bianchi", "Follow-up", "MRN", "mrn"] {
        assert!(!text.contains(secret), "the display shows {secret}: {text}");
    }
    // 09:00 in Rome: Dr. Rossi is in her morning block, room A1.
    let rossi = &display["doctors"][0];
    assert_eq!(rossi["name"], "Dr. Giulia Rossi");
    assert_eq!(rossi["room"], "A1");
    assert_eq!(rossi["now_serving"], Value::Null);
    // Reception checks in; calling patients in is for nurses and doctors.
    let e = call(
        &c.ws,
        &c.desk,
        "call_next_patient",
        json!({"doctor_id": c.doctor}),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::PermissionDenied);
    let nurse = staff(&c.ws, "nurse.d", "nurse");
    call(
        &c.ws,
        &nurse,
        "call_next_patient",
        json!({"doctor_id": c.doctor}),
    )
    .unwrap();
    let display = call(&c.ws, &kiosk, "waiting_room_display", json!({})).unwrap();
    assert_eq!(display["doctors"][0]["now_serving"], 2);
    assert_eq!(display["doctors"][0]["availability"], "busy");
    assert_eq!(display["queue"].as_array().unwrap().len(), 1);
    // The kiosk account cannot read the real queue or the day list.
    for name in ["waiting_queue", "list_day"] {
        let e = call(&c.ws, &kiosk, name, json!({"date": "2026-03-02"})).unwrap_err();
        assert_eq!(e.code, ErrorCode::PermissionDenied, "{name}");
    }
}

#[test]
fn every_committed_write_tells_the_listeners_which_tables_changed() {
    let c = setup();
    let heard = std::sync::Arc::new(std::sync::Mutex::new(Vec::<Vec<String>>::new()));
    let sink = heard.clone();
    c.ws.store()
        .on_change(std::sync::Arc::new(move |tables: &[String]| {
            sink.lock().unwrap().push(tables.to_vec());
        }));
    c.book(&c.maria, &c.doctor, "2026-03-03T10:00").unwrap();
    assert_eq!(
        *heard.lock().unwrap(),
        [vec![
            "appointment_transitions".to_string(),
            "appointments".to_string()
        ]]
    );
    // A refused booking committed nothing: nobody is told anything.
    c.book(&c.luca, &c.doctor, "2026-03-03T10:00").unwrap_err();
    // Reads tell nobody either.
    call(&c.ws, &c.desk, "list_day", json!({"date": "2026-03-03"})).unwrap();
    assert_eq!(heard.lock().unwrap().len(), 1);
}

#[test]
fn a_night_shift_books_and_offers_slots_across_midnight() {
    let c = setup();
    let admin = admin(&c.ws);
    // Dr. Verdi works nights: Monday 20:00–24:00 and on into Tuesday 00:00–02:00.
    call(
        &c.ws,
        &admin,
        "set_weekly_availability",
        json!({"doctor_id": c.doctor2, "blocks": [
            {"weekday": 1, "start": "20:00", "end": "24:00", "room": "Night"},
            {"weekday": 2, "start": "00:00", "end": "02:00", "room": "Night"}]}),
    )
    .unwrap();
    // A 30-minute visit at 23:45 runs past midnight and stays inside the night shift.
    let late = c.book(&c.maria, &c.doctor2, "2026-03-02T23:45").unwrap();
    assert_eq!(late["starts_at"], "2026-03-02T22:45:00.000Z");
    assert_eq!(late["ends_at"], "2026-03-02T23:15:00.000Z");
    assert_eq!(late["room"], "Night");
    // It is on Monday's list (it starts on Monday), not Tuesday's.
    let monday = call(
        &c.ws,
        &c.desk,
        "list_day",
        json!({"date": "2026-03-02", "doctor_id": c.doctor2}),
    )
    .unwrap();
    assert_eq!(monday["appointments"].as_array().unwrap().len(), 1);
    let tuesday = call(
        &c.ws,
        &c.desk,
        "list_day",
        json!({"date": "2026-03-03", "doctor_id": c.doctor2}),
    )
    .unwrap();
    assert_eq!(tuesday["appointments"].as_array().unwrap().len(), 0);
    // Nobody can be booked over it from the Tuesday side.
    let e = c.book(&c.luca, &c.doctor2, "2026-03-03T00:00").unwrap_err();
    assert_eq!(
        e.message,
        "Dr. Paolo Verdi already has Maria Lopez 23:45–00:15"
    );
    // The slot finder walks the shift as one: 23:15, then 00:15 (after Maria), each once.
    let slots = call(
        &c.ws,
        &c.desk,
        "find_slots",
        json!({"visit_type_id": c.visit, "doctor_id": c.doctor2, "from_date": "2026-03-02", "count": 12}),
    )
    .unwrap();
    let starts: Vec<&str> = slots
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["local_start"].as_str().unwrap())
        .collect();
    assert_eq!(
        starts,
        [
            "2026-03-02T20:00",
            "2026-03-02T20:30",
            "2026-03-02T21:00",
            "2026-03-02T21:30",
            "2026-03-02T22:00",
            "2026-03-02T22:30",
            "2026-03-02T23:00",
            "2026-03-03T00:15",
            "2026-03-03T00:45",
            "2026-03-03T01:15",
            // Next Monday night.
            "2026-03-09T20:00",
            "2026-03-09T20:30"
        ]
    );
}
