#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Property tests.
//!
//! 1. Random sequences of bookings, weekly series, moves and cancellations of one
//!    appointment or of a series from one on, and lifecycle steps (about 100,000 operations
//!    per run) against a model: a booking or move succeeds exactly when the model says the
//!    doctor is free (for every occurrence of a series), the store never holds two
//!    overlapping appointments of one doctor, and a lifecycle step succeeds exactly when the
//!    state machine allows it.
//! 2. Two workstations on one encrypted file, each in its own thread, racing random
//!    bookings, series and moves over the same doctors and hours: whatever interleaving
//!    happens, the file never holds an overlap and every reported success is in it.

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
    BookSeries {
        patient: usize,
        doctor: usize,
        slot: i64,
        visit: usize,
        count: i64,
    },
    MoveFollowing {
        which: usize,
        doctor: usize,
        slot: i64,
    },
    CancelFollowing {
        which: usize,
    },
}

/// Weeks a series may span (one case's days are `day`, `day + 7`, `day + 14`).
const WEEKS: i64 = 3;

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..4usize, 0..2usize, 0..40i64, 0..2usize)
            .prop_map(|(patient, doctor, slot, visit)| Op::Book { patient, doctor, slot, visit }),
        2 => (0..64usize, 0..2usize, 0..40i64).prop_map(|(which, doctor, slot)| Op::Move { which, doctor, slot }),
        1 => (0..64usize).prop_map(|which| Op::Cancel { which }),
        2 => (0..64usize, 0..6usize).prop_map(|(which, to)| Op::Step { which, to }),
        1 => (0..4usize, 0..2usize, 0..40i64, 0..2usize, 2..=WEEKS)
            .prop_map(|(patient, doctor, slot, visit, count)| Op::BookSeries { patient, doctor, slot, visit, count }),
        1 => (0..64usize, 0..2usize, 0..40i64).prop_map(|(which, doctor, slot)| Op::MoveFollowing { which, doctor, slot }),
        1 => (0..64usize).prop_map(|which| Op::CancelFollowing { which }),
    ]
}

struct World {
    ws: Workstation,
    desk: Caller,
    nurse: Caller,
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
        let nurse = staff(&ws, "nurse", "nurse");
        World { ws, desk, nurse, doctors, patients, visits }
    })
}

static NEXT_CASE: AtomicI64 = AtomicI64::new(0);

/// The case's first day: cases never share a day, even across the weeks of their series.
fn case_day() -> i64 {
    let case = NEXT_CASE.fetch_add(1, Ordering::SeqCst);
    30 + case % 7 + 7 * WEEKS * (case / 7)
}

#[derive(Debug, Clone)]
struct Booked {
    id: String,
    doctor: usize,
    week: i64,
    start: i64, // minutes from 08:00 of the case's day in that week
    end: i64,
    status: Status,
    series: Option<String>,
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

fn free(
    model: &[Booked],
    doctor: usize,
    week: i64,
    start: i64,
    end: i64,
    except: Option<&str>,
) -> bool {
    !model.iter().any(|b| {
        b.doctor == doctor
            && b.week == week
            && b.status.holds_time()
            && Some(b.id.as_str()) != except
            && b.start < end
            && start < b.end
    })
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let w = world();
    // The session stays fresh: the clock does not move in this test.
    let day = case_day();
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
                let expected = free(&model, doctor, 0, start, start + len, None);
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
                        week: 0,
                        start,
                        end: start + len,
                        status: Status::Scheduled,
                        series: None,
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
                    json!({"appointment_id": b.id, "starts_at": local(day + 7 * b.week, start), "doctor_id": w.doctors[doctor],
                           "outside_availability": true, "acknowledge_patient_overlap": true}),
                );
                let expected = b.status == Status::Scheduled
                    && free(&model, doctor, b.week, start, end, Some(&b.id));
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
                // Reception checks in; a nurse calls the patient in and completes.
                let who = if to == Status::CheckedIn {
                    &w.desk
                } else {
                    &w.nurse
                };
                let out = call(&w.ws, who, command, json!({"appointment_id": model[i].id}));
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
            Op::BookSeries {
                patient,
                doctor,
                slot,
                visit,
                count,
            } => {
                let (start, len) = (slot * 5, w.visits[visit].1);
                let out = call(
                    &w.ws,
                    &w.desk,
                    "book_appointment",
                    json!({"patient_id": w.patients[patient], "doctor_id": w.doctors[doctor],
                           "visit_type_id": w.visits[visit].0, "starts_at": local(day, start),
                           "repeat": {"every_weeks": 1, "count": count},
                           "outside_availability": true, "acknowledge_patient_overlap": true}),
                );
                let expected =
                    (0..count).all(|week| free(&model, doctor, week, start, start + len, None));
                prop_assert_eq!(
                    out.is_ok(),
                    expected,
                    "series {:?}: {:?}",
                    (doctor, start, len, count),
                    out
                );
                if let Ok(first) = out {
                    let series = first["series_id"].as_str().map(String::from);
                    prop_assert!(series.is_some());
                    let listed = call(
                        &w.ws,
                        &w.desk,
                        "list_day",
                        json!({"date": &local(day, 0)[..10], "days": 7 * WEEKS, "include_inactive": true}),
                    );
                    // 21 days is more than one listing may hold: read each week instead.
                    prop_assert!(listed.is_err());
                    for week in 0..count {
                        let listed = call(
                            &w.ws,
                            &w.desk,
                            "list_day",
                            json!({"date": &local(day + 7 * week, 0)[..10]}),
                        )
                        .unwrap();
                        let id = listed["appointments"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .find(|a| a["series_id"].as_str() == series.as_deref())
                            .map(|a| a["id"].as_str().unwrap().to_string())
                            .ok_or_else(|| {
                                TestCaseError::fail(format!("week {week} of the series is missing"))
                            })?;
                        model.push(Booked {
                            id,
                            doctor,
                            week,
                            start,
                            end: start + len,
                            status: Status::Scheduled,
                            series: series.clone(),
                        });
                    }
                }
            }
            Op::MoveFollowing {
                which,
                doctor,
                slot,
            } => {
                if model.is_empty() {
                    continue;
                }
                let b = model[which % model.len()].clone();
                let shift = slot * 5 - b.start;
                let moving: Vec<usize> = (0..model.len())
                    .filter(|&j| {
                        model[j].id == b.id
                            || (b.series.is_some()
                                && model[j].series == b.series
                                && model[j].week > b.week
                                && model[j].status == Status::Scheduled)
                    })
                    .collect();
                // Stay between 06:00 and 18:00: away from midnight and daylight-saving hours.
                if moving
                    .iter()
                    .any(|&j| model[j].start + shift < -120 || model[j].end + shift > 600)
                {
                    continue;
                }
                let out = call(
                    &w.ws,
                    &w.desk,
                    "reschedule_appointment",
                    json!({"appointment_id": b.id, "starts_at": local(day + 7 * b.week, slot * 5),
                           "doctor_id": w.doctors[doctor], "scope": "following",
                           "outside_availability": true, "acknowledge_patient_overlap": true}),
                );
                let expected = b.status == Status::Scheduled
                    && moving.iter().all(|&j| {
                        let m = &model[j];
                        free(
                            &model,
                            doctor,
                            m.week,
                            m.start + shift,
                            m.end + shift,
                            Some(&m.id),
                        )
                    });
                prop_assert_eq!(
                    out.is_ok(),
                    expected,
                    "move following {:?} by {}: {:?}",
                    b,
                    shift,
                    out
                );
                if out.is_ok() {
                    for j in moving {
                        model[j].doctor = doctor;
                        model[j].start += shift;
                        model[j].end += shift;
                    }
                }
            }
            Op::CancelFollowing { which } => {
                if model.is_empty() {
                    continue;
                }
                let b = model[which % model.len()].clone();
                let out = call(
                    &w.ws,
                    &w.desk,
                    "cancel_appointment",
                    json!({"appointment_id": b.id, "reason": "property test", "scope": "following"}),
                );
                prop_assert_eq!(
                    out.is_ok(),
                    b.status == Status::Scheduled,
                    "cancel following {:?}",
                    b
                );
                if out.is_ok() {
                    for m in model.iter_mut() {
                        if m.id == b.id
                            || (b.series.is_some()
                                && m.series == b.series
                                && m.week > b.week
                                && m.status == Status::Scheduled)
                        {
                            m.status = Status::Cancelled;
                        }
                    }
                }
            }
        }
    }
    // The store agrees with the model, week by week, and holds no overlap on the case's days
    // (the clinic here keeps UTC; every time stays between 06:00 and 18:00).
    for week in 0..WEEKS {
        let date = local(day + 7 * week, 0)[..10].to_string();
        prop_assert_eq!(overlaps_on(&w.ws, &date), 0);
        let stored = call(
            &w.ws,
            &w.desk,
            "list_day",
            json!({"date": date, "include_inactive": true}),
        )
        .unwrap();
        let stored = stored["appointments"].as_array().unwrap();
        let expected: Vec<&Booked> = model.iter().filter(|b| b.week == week).collect();
        prop_assert_eq!(stored.len(), expected.len());
        for b in expected {
            let found = stored
                .iter()
                .find(|a| a["id"] == b.id.as_str())
                .ok_or_else(|| TestCaseError::fail(format!("{} missing", b.id)))?;
            prop_assert_eq!(found["status"].as_str().unwrap(), b.status.as_str());
            prop_assert_eq!(&found["doctor_id"], &json!(w.doctors[b.doctor]));
            let minute_of_day = |t: &str| {
                let t = chrono::DateTime::parse_from_rfc3339(t)
                    .unwrap()
                    .with_timezone(&chrono::Utc);
                i64::from(chrono::Timelike::hour(&t)) * 60 + i64::from(chrono::Timelike::minute(&t))
            };
            prop_assert_eq!(
                minute_of_day(found["starts_at"].as_str().unwrap()),
                480 + b.start
            );
        }
    }
    Ok(())
}

/// Pairs of overlapping time-holding appointments of one doctor starting on `date` (UTC).
fn overlaps_on(ws: &Workstation, date: &str) -> i64 {
    let window = (
        format!("{date}T00:00:00.000Z"),
        format!("{date}T23:59:59.999Z"),
    );
    ws.store()
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
        .unwrap()
}

proptest! {
    // 500 cases of up to 400 operations: about 100,000 operations per run.
    #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn bookings_never_overlap_and_the_state_machine_holds(ops in proptest::collection::vec(op(), 1..400)) {
        run(ops)?;
    }
}

/// Two workstations on one encrypted file, as two desks of a clinic without a server.
struct Pair {
    _dir: tempfile::TempDir,
    desks: [(Workstation, Caller); 2],
    doctors: Vec<String>,
    patients: Vec<String>,
    visits: Vec<String>,
}

fn pair() -> &'static Pair {
    static PAIR: OnceLock<Pair> = OnceLock::new();
    PAIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("clinic.db");
        let key = clinicdesk_core::keys::DbKey::generate();
        let one = clinic_file(&path, key.clone(), clock());
        let admin = admin(&one);
        let doctors = ["dr.x", "dr.y"]
            .iter()
            .map(|u| {
                call(&one, &admin, "create_user",
                    json!({"username": u, "full_name": format!("Dr {u}"), "role": "doctor",
                           "password": STAFF_PASSWORD, "must_change_password": false}))
                .unwrap()["id"].as_str().unwrap().to_string()
            })
            .collect();
        let visits = [("Quick", 10, 5), ("Long", 40, 0)]
            .iter()
            .map(|(n, m, b)| {
                call(&one, &admin, "save_visit_type", json!({"name": n, "minutes": m, "buffer_minutes": b}))
                    .unwrap()["id"].as_str().unwrap().to_string()
            })
            .collect();
        let desk_one = staff(&one, "desk", "receptionist");
        let patients = (0..4)
            .map(|i| {
                call(&one, &desk_one, "register_patient",
                    json!({"patient": {"given_name": format!("R{i}"), "family_name": "Race", "sex": "other",
                                        "date_of_birth": format!("19{}0-01-01", 5 + i)},
                           "acknowledge_duplicates": true}))
                .unwrap()["id"].as_str().unwrap().to_string()
            })
            .collect();
        let two = Workstation::open_with_clock(&path, key, clock()).unwrap();
        let desk_two = login(&two, "desk", STAFF_PASSWORD).unwrap();
        Pair {
            _dir: dir,
            desks: [(one, desk_one), (two, desk_two)],
            doctors,
            patients,
            visits,
        }
    })
}

#[derive(Debug, Clone)]
enum RaceOp {
    Book {
        patient: usize,
        doctor: usize,
        slot: i64,
        visit: usize,
        count: i64,
    },
    Move {
        which: usize,
        doctor: usize,
        slot: i64,
        following: bool,
    },
}

fn race_op() -> impl Strategy<Value = RaceOp> {
    prop_oneof![
        3 => (0..4usize, 0..2usize, 0..24i64, 0..2usize, prop_oneof![3 => Just(1i64), 1 => 2..=WEEKS])
            .prop_map(|(patient, doctor, slot, visit, count)| RaceOp::Book { patient, doctor, slot, visit, count }),
        1 => (0..32usize, 0..2usize, 0..24i64, any::<bool>())
            .prop_map(|(which, doctor, slot, following)| RaceOp::Move { which, doctor, slot, following }),
    ]
}

/// One desk's run: what it was told succeeded, id → (starts_at, doctor_id) as last reported.
fn desk_run(
    p: &Pair,
    desk: usize,
    day: i64,
    ops: &[RaceOp],
) -> Result<Vec<(String, String, String)>, String> {
    let (ws, caller) = (&p.desks[desk].0, &p.desks[desk].1);
    let mut mine: Vec<(String, String, String)> = Vec::new();
    for op in ops {
        let out = match op {
            RaceOp::Book {
                patient,
                doctor,
                slot,
                visit,
                count,
            } => {
                let mut input = json!({"patient_id": p.patients[*patient], "doctor_id": p.doctors[*doctor],
                    "visit_type_id": p.visits[*visit], "starts_at": local(day, slot * 10),
                    "outside_availability": true, "acknowledge_patient_overlap": true});
                if *count > 1 {
                    input["repeat"] = json!({"every_weeks": 1, "count": count});
                }
                call(ws, caller, "book_appointment", input)
            }
            RaceOp::Move {
                which,
                doctor,
                slot,
                following,
            } => {
                if mine.is_empty() {
                    continue;
                }
                let (id, _, _) = mine[which % mine.len()].clone();
                call(
                    ws,
                    caller,
                    "reschedule_appointment",
                    json!({"appointment_id": id, "starts_at": local(day, slot * 10), "doctor_id": p.doctors[*doctor],
                           "scope": if *following { "following" } else { "this" },
                           "outside_availability": true, "acknowledge_patient_overlap": true}),
                )
            }
        };
        match out {
            Ok(a) => {
                let id = a["id"].as_str().unwrap().to_string();
                let entry = (
                    id.clone(),
                    a["starts_at"].as_str().unwrap().to_string(),
                    a["doctor_id"].as_str().unwrap().to_string(),
                );
                match mine.iter_mut().find(|m| m.0 == id) {
                    Some(m) => *m = entry,
                    None => mine.push(entry),
                }
            }
            // The only acceptable refusal: the time is taken (by either desk).
            Err(e) if e.code == clinicdesk_core::ErrorCode::Conflict => {}
            Err(e) => return Err(format!("{op:?}: {e:?}")),
        }
    }
    Ok(mine)
}

static NEXT_RACE: AtomicI64 = AtomicI64::new(0);

fn race(a: Vec<RaceOp>, b: Vec<RaceOp>) -> Result<(), TestCaseError> {
    let p = pair();
    let case = NEXT_RACE.fetch_add(1, Ordering::SeqCst);
    let day = 30 + case % 7 + 7 * WEEKS * (case / 7);
    let (one, two) = std::thread::scope(|s| {
        let one = s.spawn(|| desk_run(p, 0, day, &a));
        let two = s.spawn(|| desk_run(p, 1, day, &b));
        (one.join().unwrap(), two.join().unwrap())
    });
    let reported: Vec<_> = one
        .map_err(TestCaseError::fail)?
        .into_iter()
        .chain(two.map_err(TestCaseError::fail)?)
        .collect();
    let ws = &p.desks[0].0;
    for week in 0..WEEKS {
        prop_assert_eq!(overlaps_on(ws, &local(day + 7 * week, 0)[..10]), 0);
    }
    // Every success either desk was told about is in the file as it was told.
    for (id, starts_at, doctor) in reported {
        let stored: (String, String, String) = ws
            .store()
            .read(|c| {
                Ok(c.query_row(
                    "SELECT starts_at, doctor_id, status FROM appointments WHERE id = ?1",
                    [&id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )?)
            })
            .unwrap();
        prop_assert_eq!(&stored.0, &starts_at);
        prop_assert_eq!(&stored.1, &doctor);
        prop_assert_eq!(stored.2.as_str(), "scheduled");
    }
    Ok(())
}

proptest! {
    // 24 races of up to 2 × 40 operations on one encrypted file.
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn two_desks_racing_on_one_file_never_double_book(
        a in proptest::collection::vec(race_op(), 1..40),
        b in proptest::collection::vec(race_op(), 1..40),
    ) {
        race(a, b)?;
    }
}
