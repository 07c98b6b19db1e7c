#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Property test: random sequences of bookings, moves, cancellations and lifecycle steps
//! (about 100,000 operations per run) against a model. A booking or move succeeds exactly
//! when the model says the doctor is free, the store never holds two overlapping
//! appointments of one doctor, and a lifecycle step succeeds exactly when the state
//! machine allows it.

mod common;

use clinicdesk_core::scheduling::Status;
use clinicdesk_core::{Caller, Workstation};
use common::*;
use proptest::prelude::*;
use serde_json::json;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::OnceLock;

#[derive(Debug, Clone)]
enum Op {
    Book {
        patient: usize,
        doctor: usize,
        slot: i64,
        visit: usize,
    },
    Move {
        which: usize,
        doctor: usize,
        slot: i64,
    },
    Cancel {
        which: usize,
    },
    Step {
        which: usize,
        to: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..4usize, 0..2usize, 0..40i64, 0..2usize)
            .prop_map(|(patient, doctor, slot, visit)| Op::Book { patient, doctor, slot, visit }),
        2 => (0..64usize, 0..2usize, 0..40i64).prop_map(|(which, doctor, slot)| Op::Move { which, doctor, slot }),
        1 => (0..64usize).prop_map(|which| Op::Cancel { which }),
        2 => (0..64usize, 0..6usize).prop_map(|(which, to)| Op::Step { which, to }),
    ]
}

struct World {
    ws: Workstation,
    desk: Caller,
    doctors: Vec<String>,
    patients: Vec<String>,
    visits: Vec<(String, i64)>, // id, busy minutes
}

/// One clinic for every case; each case books on its own day far ahead, so cases never meet.
fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let ws = clinic(clock());
        let admin = admin(&ws);
        let doctors = ["dr.a", "dr.b"]
            .iter()
            .map(|u| {
                call(
                    &ws,
                    &admin,
                    "create_user",
                    json!({"username": u, "full_name": format!("Dr {u}"), "role": "doctor",
                           "password": STAFF_PASSWORD, "must_change_password": false}),
                )
                .unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        let visits = [("Short", 10, 5), ("Long", 40, 0)]
            .iter()
            .map(|(n, m, b)| {
                let v = call(&ws, &admin, "save_visit_type", json!({"name": n, "minutes": m, "buffer_minutes": b})).unwrap();
                (v["id"].as_str().unwrap().to_string(), i64::from(*m + *b))
            })
            .collect();
        let desk = staff(&ws, "desk", "receptionist");
        let patients = (0..4)
            .map(|i| {
                call(
                    &ws,
                    &desk,
                    "register_patient",
                    json!({"patient": {"given_name": format!("P{i}"), "family_name": "Prop", "sex": "other",
                                        "date_of_birth": format!("19{}0-01-01", 5 + i)},
                           "acknowledge_duplicates": true}),
                )
                .unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        World { ws, desk, doctors, patients, visits }
    })
}

static NEXT_DAY: AtomicI64 = AtomicI64::new(30);

#[derive(Debug, Clone)]
struct Booked {
    id: String,
    doctor: usize,
    start: i64, // minutes from the case's day start
    end: i64,
    status: Status,
}

fn local(day: i64, minute: i64) -> String {
    let date = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap() + chrono::Duration::days(day);
    format!(
        "{}T{:02}:{:02}",
        date.format("%Y-%m-%d"),
        8 + minute / 60,
        minute % 60
    )
}

fn free(model: &[Booked], doctor: usize, start: i64, end: i64, except: Option<&str>) -> bool {
    !model.iter().any(|b| {
        b.doctor == doctor
            && b.status.holds_time()
            && Some(b.id.as_str()) != except
            && b.start < end
            && start < b.end
    })
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let w = world();
    // The session stays fresh: the clock does not move in this test.
    let day = NEXT_DAY.fetch_add(1, Ordering::SeqCst);
    let mut model: Vec<Booked> = Vec::new();
    for op in ops {
        match op {
            Op::Book {
                patient,
                doctor,
                slot,
                visit,
            } => {
                let (start, len) = (slot * 5, w.visits[visit].1);
                let out = call(
                    &w.ws,
                    &w.desk,
                    "book_appointment",
                    json!({"patient_id": w.patients[patient], "doctor_id": w.doctors[doctor],
                           "visit_type_id": w.visits[visit].0, "starts_at": local(day, start),
                           "outside_availability": true, "acknowledge_patient_overlap": true}),
                );
                let expected = free(&model, doctor, start, start + len, None);
                prop_assert_eq!(
                    out.is_ok(),
                    expected,
                    "book {:?}: {:?}",
                    (doctor, start, len),
                    out
                );
                if let Ok(a) = out {
                    model.push(Booked {
                        id: a["id"].as_str().unwrap().into(),
                        doctor,
                        start,
                        end: start + len,
                        status: Status::Scheduled,
                    });
                }
            }
            Op::Move {
                which,
                doctor,
                slot,
            } => {
                if model.is_empty() {
                    continue;
                }
                let i = which % model.len();
                let b = model[i].clone();
                let start = slot * 5;
                let end = start + (b.end - b.start);
                let out = call(
                    &w.ws,
                    &w.desk,
                    "reschedule_appointment",
                    json!({"appointment_id": b.id, "starts_at": local(day, start), "doctor_id": w.doctors[doctor],
                           "outside_availability": true, "acknowledge_patient_overlap": true}),
                );
                let expected =
                    b.status == Status::Scheduled && free(&model, doctor, start, end, Some(&b.id));
                prop_assert_eq!(
                    out.is_ok(),
                    expected,
                    "move {:?} → {:?}: {:?}",
                    b,
                    (doctor, start),
                    out
                );
                if out.is_ok() {
                    model[i] = Booked {
                        doctor,
                        start,
                        end,
                        ..b
                    };
                }
            }
            Op::Cancel { which } => {
                if model.is_empty() {
                    continue;
                }
                let i = which % model.len();
                let out = call(
                    &w.ws,
                    &w.desk,
                    "cancel_appointment",
                    json!({"appointment_id": model[i].id, "reason": "property test"}),
                );
                prop_assert_eq!(out.is_ok(), model[i].status.may_become(Status::Cancelled));
                if out.is_ok() {
                    model[i].status = Status::Cancelled;
                }
            }
            Op::Step { which, to } => {
                if model.is_empty() {
                    continue;
                }
                let i = which % model.len();
                let to = Status::ALL[to];
                let command = match to {
                    Status::CheckedIn => "check_in_appointment",
                    Status::InConsultation => "start_consultation",
                    Status::Completed => "complete_appointment",
                    _ => continue, // cancel is its own op; no-shows need the clock
                };
                let out = call(
                    &w.ws,
                    &w.desk,
                    command,
                    json!({"appointment_id": model[i].id}),
                );
                prop_assert_eq!(
                    out.is_ok(),
                    model[i].status.may_become(to),
                    "{:?} → {:?}",
                    model[i].status,
                    to
                );
                if out.is_ok() {
                    model[i].status = to;
                }
            }
        }
    }
    // The store agrees with the model, and holds no overlap on this case's day (the times
    // are 08:00–12:00 in Rome, well inside the UTC date).
    let date = local(day, 0)[..10].to_string();
    let window = (
        format!("{date}T00:00:00.000Z"),
        format!("{date}T23:59:59.999Z"),
    );
    let overlaps: i64 = w
        .ws
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM appointments a JOIN appointments b
                   ON a.doctor_id = b.doctor_id AND a.id < b.id
                  AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
                 WHERE a.status IN ('scheduled','checked_in','in_consultation','completed')
                   AND b.status IN ('scheduled','checked_in','in_consultation','completed')
                   AND a.starts_at >= ?1 AND a.starts_at < ?2 AND b.starts_at >= ?1 AND b.starts_at < ?2",
                [&window.0, &window.1],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    prop_assert_eq!(overlaps, 0);
    let stored = call(
        &w.ws,
        &w.desk,
        "list_day",
        json!({"date": &local(day, 0)[..10], "include_inactive": true}),
    )
    .unwrap();
    prop_assert_eq!(
        stored["appointments"].as_array().unwrap().len(),
        model.len()
    );
    for b in &model {
        let found = stored["appointments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == b.id.as_str())
            .cloned();
        let found = found.ok_or_else(|| TestCaseError::fail(format!("{} missing", b.id)))?;
        prop_assert_eq!(found["status"].as_str().unwrap(), b.status.as_str());
        prop_assert_eq!(&found["doctor_id"], &json!(w.doctors[b.doctor]));
    }
    Ok(())
}

proptest! {
    // 500 cases of up to 400 operations: about 100,000 operations per run.
    #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn bookings_never_overlap_and_the_state_machine_holds(ops in proptest::collection::vec(op(), 1..400)) {
        run(ops)?;
    }
}
