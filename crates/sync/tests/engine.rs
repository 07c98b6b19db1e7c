//! Workstations syncing through the real PostgreSQL (`CLINICDESK_TEST_PG_URL`, default
//! postgres://postgres@127.0.0.1:5432/test), each with its own encrypted file, against a
//! fresh database per test: convergence after random offline interleavings, the invariants
//! after it, faults (connections cut mid-push and mid-pull, killed sessions), and real-time
//! fan-out through LISTEN/NOTIFY.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clinicdesk_core::keys::DbKey;
use clinicdesk_core::store::SYNCED_TABLES;
use clinicdesk_core::sync::{LiveSync, SyncTarget};
use clinicdesk_core::{Caller, Workstation};
use clinicdesk_sync::{CentralServer, SyncEngine};
use proptest::prelude::*;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use support::with_fresh_database;
use tokio::sync::Notify;

const ADMIN_PASSWORD: &str = "violet tractor umbrella";
const STAFF_PASSWORD: &str = "copper kettle meadow 31";

fn nothing(_: &str, _: u64, _: Option<u64>) {}

struct Desk {
    ws: Arc<Workstation>,
    _dir: tempfile::TempDir,
    desk: Option<Caller>,
}

impl Desk {
    fn new() -> Desk {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workstation::open(&dir.path().join("clinic.db"), DbKey::generate()).unwrap();
        Desk {
            ws: Arc::new(ws),
            _dir: dir,
            desk: None,
        }
    }

    fn call(&self, name: &str, input: Value) -> Result<Value, clinicdesk_core::AppError> {
        self.ws.dispatch(self.desk.as_ref().unwrap(), name, input)
    }

    fn sign_in(&mut self, username: &str, password: &str) {
        let out = self
            .ws
            .dispatch(
                &Caller::Anonymous,
                "login",
                json!({"username": username, "password": password}),
            )
            .unwrap();
        self.desk = Some(Caller::Session(out["token"].as_str().unwrap().to_owned()));
    }
}

fn target(url: &str, name: &str) -> SyncTarget {
    SyncTarget {
        server_url: url.to_owned(),
        password: None,
        workstation_name: name.to_owned(),
    }
}

async fn sync(desk: &Desk, url: &str) -> clinicdesk_sync::RoundReport {
    let engine = SyncEngine::connect(desk.ws.clone(), &target(url, "desk"))
        .await
        .unwrap();
    let report = engine.round(&nothing).await.unwrap();
    engine.server().close().await;
    report
}

/// A clinic on workstation A: an admin, a receptionist, a doctor with weekday hours, a
/// visit type.
fn clinic_a() -> (Desk, String, String) {
    let mut a = Desk::new();
    a.ws.dispatch(
        &Caller::Anonymous,
        "setup_clinic",
        json!({"clinic_name": "Ambulatorio Santa Lucía", "admin_username": "admin",
               "admin_full_name": "Ada Admin", "admin_password": ADMIN_PASSWORD}),
    )
    .unwrap();
    a.sign_in("admin", ADMIN_PASSWORD);
    let doctor = a
        .call(
            "create_user",
            json!({"username": "dr.rossi", "full_name": "Dr. Giulia Rossi", "role": "doctor",
                   "password": STAFF_PASSWORD, "must_change_password": false,
                   "specialization": "General practice"}),
        )
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let blocks: Vec<Value> = (1..=5)
        .map(|wd| json!({"weekday": wd, "start": "08:00", "end": "18:00", "room": "A1"}))
        .collect();
    a.call(
        "set_weekly_availability",
        json!({"doctor_id": doctor, "blocks": blocks}),
    )
    .unwrap();
    let visit = a
        .call(
            "save_visit_type",
            json!({"name": "Follow-up", "minutes": 30, "buffer_minutes": 0}),
        )
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    a.call(
        "create_user",
        json!({"username": "desk", "full_name": "Front Desk", "role": "receptionist",
               "password": STAFF_PASSWORD, "must_change_password": false}),
    )
    .unwrap();
    a.sign_in("desk", STAFF_PASSWORD);
    (a, doctor, visit)
}

/// Per synced table, a hash of its rows in id order.
fn table_hashes(ws: &Workstation) -> BTreeMap<&'static str, String> {
    ws.store()
        .read(|c| {
            let mut out = BTreeMap::new();
            for table in SYNCED_TABLES {
                let mut stmt = c.prepare(&format!("SELECT * FROM \"{table}\" ORDER BY id"))?;
                let n = stmt.column_count();
                let mut rows = stmt.query([])?;
                let mut hash = Sha256::new();
                while let Some(row) = rows.next()? {
                    for i in 0..n {
                        let v: rusqlite::types::Value = row.get(i)?;
                        hash.update(format!("{v:?}|").as_bytes());
                    }
                }
                out.insert(*table, hex::encode(hash.finalize()));
            }
            Ok(out)
        })
        .unwrap()
}

fn ids(ws: &Workstation, sql: &str) -> BTreeSet<String> {
    ws.store()
        .read(|c| {
            let mut stmt = c.prepare(sql)?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .unwrap()
}

/// Pairs of active appointments of one doctor that overlap.
fn overlapping_pairs(ws: &Workstation) -> BTreeSet<(String, String)> {
    ws.store()
        .read(|c| {
            let mut stmt = c.prepare(
                "SELECT a.id, b.id FROM appointments a JOIN appointments b
                   ON a.doctor_id = b.doctor_id AND a.id < b.id
                  AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
                 WHERE a.status IN ('scheduled','checked_in','in_consultation','completed')
                   AND b.status IN ('scheduled','checked_in','in_consultation','completed')",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .unwrap()
}

fn open_conflict_pairs(desk: &Desk) -> BTreeSet<(String, String)> {
    desk.call("list_sync_conflicts", json!({}))
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "double_booking")
        .map(|c| {
            let b = c["bookings"].as_array().unwrap();
            let (x, y) = (
                b[0]["appointment_id"].as_str().unwrap().to_owned(),
                b[1]["appointment_id"].as_str().unwrap().to_owned(),
            );
            if x < y {
                (x, y)
            } else {
                (y, x)
            }
        })
        .collect()
}

/// Numbers of a series: unique, and 1..=n without gaps per prefix.
fn assert_gap_free(ws: &Workstation, sql: &str, what: &str) {
    let mut by_series: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    ws.store()
        .read(|c| {
            let mut stmt = c.prepare(sql)?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
            for row in rows {
                let (series, n) = row?;
                by_series.entry(series).or_default().push(n);
            }
            Ok(())
        })
        .unwrap();
    for (series, mut numbers) in by_series {
        numbers.sort_unstable();
        let expected: Vec<i64> = (1..=i64::try_from(numbers.len()).unwrap()).collect();
        assert_eq!(numbers, expected, "{what} of series {series}");
    }
}

#[derive(Debug, Clone)]
enum Op {
    Register {
        on: usize,
        name: u8,
    },
    EditPhone {
        on: usize,
        patient: usize,
        phone: u16,
    },
    EditAddress {
        on: usize,
        patient: usize,
        street: u8,
    },
    Book {
        on: usize,
        patient: usize,
        slot: u8,
    },
    Reschedule {
        on: usize,
        appointment: usize,
        slot: u8,
    },
    Cancel {
        on: usize,
        appointment: usize,
    },
    Invoice {
        on: usize,
        patient: usize,
    },
    Sync {
        on: usize,
    },
}

fn op(workstations: usize) -> impl Strategy<Value = Op> {
    let on = 0..workstations;
    prop_oneof![
        2 => (on.clone(), any::<u8>()).prop_map(|(on, name)| Op::Register { on, name }),
        1 => (on.clone(), any::<usize>(), any::<u16>())
            .prop_map(|(on, patient, phone)| Op::EditPhone { on, patient, phone }),
        1 => (on.clone(), any::<usize>(), any::<u8>())
            .prop_map(|(on, patient, street)| Op::EditAddress { on, patient, street }),
        3 => (on.clone(), any::<usize>(), 0u8..12)
            .prop_map(|(on, patient, slot)| Op::Book { on, patient, slot }),
        1 => (on.clone(), any::<usize>(), 0u8..12)
            .prop_map(|(on, appointment, slot)| Op::Reschedule { on, appointment, slot }),
        1 => (on.clone(), any::<usize>()).prop_map(|(on, appointment)| Op::Cancel { on, appointment }),
        1 => (on.clone(), any::<usize>()).prop_map(|(on, patient)| Op::Invoice { on, patient }),
        2 => on.prop_map(|on| Op::Sync { on }),
    ]
}

/// Next Monday's clinic-time slot `n` (30 minutes each from 09:00).
fn slot(n: u8) -> String {
    let monday = {
        let today = chrono::Utc::now().date_naive();
        let ahead = 7 - i64::from(chrono::Datelike::weekday(&today).num_days_from_monday());
        today + chrono::Duration::days(ahead)
    };
    let minutes = 9 * 60 + u32::from(n) * 30;
    format!("{monday}T{:02}:{:02}", minutes / 60, minutes % 60)
}

struct Run {
    desks: Vec<Desk>,
    doctor: String,
    visit: String,
    /// Ids every workstation must hold after convergence (reported successes).
    patients: BTreeSet<String>,
    appointments: BTreeSet<String>,
    invoices: BTreeSet<String>,
}

impl Run {
    fn pick(&self, set: &BTreeSet<String>, on: usize, n: usize, table: &str) -> Option<String> {
        // Only what this workstation already holds can be acted on there.
        let here = ids(&self.desks[on].ws, &format!("SELECT id FROM {table}"));
        let known: Vec<&String> = set.iter().filter(|id| here.contains(*id)).collect();
        (!known.is_empty()).then(|| known[n % known.len()].clone())
    }

    async fn apply(&mut self, op: &Op, url: &str) {
        match *op {
            Op::Register { on, name } => {
                let out = self.desks[on].call(
                    "register_patient",
                    json!({"patient": {"given_name": format!("Given{name}"), "family_name": format!("Family{}", name / 3),
                                       "sex": "female", "date_of_birth": "1970-01-01"},
                           "acknowledge_duplicates": true}),
                );
                self.patients
                    .insert(out.unwrap()["id"].as_str().unwrap().to_owned());
            }
            Op::EditPhone { on, patient, phone } => {
                if let Some(id) = self.pick(&self.patients, on, patient, "patients") {
                    edit(
                        &self.desks[on],
                        &id,
                        "phone",
                        json!(format!("+39 06 {phone:07}")),
                    );
                }
            }
            Op::EditAddress {
                on,
                patient,
                street,
            } => {
                if let Some(id) = self.pick(&self.patients, on, patient, "patients") {
                    edit(
                        &self.desks[on],
                        &id,
                        "address",
                        json!(format!("Via Roma {street}")),
                    );
                }
            }
            Op::Book {
                on,
                patient,
                slot: s,
            } => {
                if let Some(id) = self.pick(&self.patients, on, patient, "patients") {
                    let out = self.desks[on].call(
                        "book_appointment",
                        json!({"patient_id": id, "doctor_id": self.doctor, "visit_type_id": self.visit,
                               "starts_at": slot(s), "outside_availability": true}),
                    );
                    // Refused locally when this workstation already sees the slot taken.
                    if let Ok(out) = out {
                        self.appointments
                            .insert(out["id"].as_str().unwrap().to_owned());
                    }
                }
            }
            Op::Reschedule {
                on,
                appointment,
                slot: s,
            } => {
                if let Some(id) = self.pick(&self.appointments, on, appointment, "appointments") {
                    let _ = self.desks[on].call(
                        "reschedule_appointment",
                        json!({"appointment_id": id, "starts_at": slot(s), "outside_availability": true}),
                    );
                }
            }
            Op::Cancel { on, appointment } => {
                if let Some(id) = self.pick(&self.appointments, on, appointment, "appointments") {
                    let _ = self.desks[on].call(
                        "cancel_appointment",
                        json!({"appointment_id": id, "reason": "patient called"}),
                    );
                }
            }
            Op::Invoice { on, patient } => {
                if let Some(id) = self.pick(&self.patients, on, patient, "patients") {
                    let draft = self.desks[on]
                        .call("create_invoice", json!({"patient_id": id}))
                        .unwrap();
                    let invoice = draft["id"].as_str().unwrap().to_owned();
                    self.desks[on]
                        .call(
                            "add_invoice_line",
                            json!({"invoice_id": invoice, "description": "Consultation",
                                   "quantity": "1", "unit_price": "50.00"}),
                        )
                        .unwrap();
                    self.desks[on]
                        .call("issue_invoice", json!({"invoice_id": invoice}))
                        .unwrap();
                    self.invoices.insert(invoice);
                }
            }
            Op::Sync { on } => {
                sync(&self.desks[on], url).await;
            }
        }
    }
}

fn edit(desk: &Desk, id: &str, field: &str, value: Value) {
    let chart = desk
        .call("open_patient_chart", json!({"patient_id": id}))
        .unwrap();
    let p = &chart["patient"];
    let mut input = serde_json::Map::new();
    for key in [
        "given_name",
        "family_name",
        "sex",
        "date_of_birth",
        "phone",
        "address",
    ] {
        input.insert(key.into(), p[key].clone());
    }
    input.insert(field.into(), value);
    desk.call(
        "update_patient",
        json!({"patient_id": id, "patient": input}),
    )
    .unwrap();
}

async fn converge_and_check(run: &Run, url: &str) {
    // Two full rounds in order: everything reaches everyone.
    for _ in 0..2 {
        for desk in &run.desks {
            sync(desk, url).await;
        }
    }
    let reference = table_hashes(&run.desks[0].ws);
    for (i, desk) in run.desks.iter().enumerate() {
        assert_eq!(table_hashes(&desk.ws), reference, "workstation {i} differs");
        // No reported success lost.
        let here = ids(&desk.ws, "SELECT id FROM patients");
        assert!(run.patients.is_subset(&here), "patients lost on {i}");
        let here = ids(&desk.ws, "SELECT id FROM appointments");
        assert!(
            run.appointments.is_subset(&here),
            "appointments lost on {i}"
        );
        let here = ids(&desk.ws, "SELECT id FROM invoices");
        assert!(run.invoices.is_subset(&here), "invoices lost on {i}");
        // Every overlap is on the conflicts screen, and nothing else is.
        assert_eq!(
            open_conflict_pairs(desk),
            overlapping_pairs(&desk.ws),
            "on {i}"
        );
        assert_gap_free(
            &desk.ws,
            "SELECT series, number FROM invoices WHERE number IS NOT NULL",
            "invoice numbers",
        );
        assert_gap_free(
            &desk.ws,
            "SELECT substr(mrn, 1, 3), CAST(substr(mrn, 5, 6) AS INTEGER) FROM patients",
            "patient numbers",
        );
    }
    // The server: a fresh workstation that pulls everything holds the same rows.
    let mut fresh = Desk::new();
    sync(&fresh, url).await;
    assert_eq!(table_hashes(&fresh.ws), reference, "a fresh pull differs");
    fresh.sign_in("desk", STAFF_PASSWORD);
    // And no change is stored twice on the server.
    let db = sqlx::PgPool::connect(url).await.unwrap();
    let (all, distinct): (i64, i64) =
        sqlx::query_as("SELECT count(*), count(DISTINCT change_id) FROM clinicdesk.changes")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(all, distinct);
    db.close().await;
}

async fn start(url: &str, workstations: usize) -> Run {
    CentralServer::migrate(url).await.unwrap();
    let (a, doctor, visit) = clinic_a();
    sync(&a, url).await;
    let mut desks = vec![a];
    for _ in 1..workstations {
        let mut d = Desk::new();
        sync(&d, url).await;
        d.sign_in("desk", STAFF_PASSWORD);
        desks.push(d);
    }
    Run {
        desks,
        doctor,
        visit,
        patients: BTreeSet::new(),
        appointments: BTreeSet::new(),
        invoices: BTreeSet::new(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]
    #[test]
    fn three_workstations_converge_after_random_offline_work(ops in prop::collection::vec(op(3), 10..40)) {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(with_fresh_database(move |url| async move {
            let mut run = start(&url, 3).await;
            for op in &ops {
                run.apply(op, &url).await;
            }
            converge_and_check(&run, &url).await;
        }));
    }
}

#[tokio::test]
async fn the_same_slot_booked_on_two_offline_desks_is_one_visible_conflict_everywhere() {
    with_fresh_database(|url| async move {
        let mut run = start(&url, 2).await;
        run.apply(&Op::Register { on: 0, name: 1 }, &url).await;
        run.apply(&Op::Sync { on: 0 }, &url).await;
        run.apply(&Op::Sync { on: 1 }, &url).await;
        run.apply(
            &Op::Book {
                on: 0,
                patient: 0,
                slot: 2,
            },
            &url,
        )
        .await;
        run.apply(
            &Op::Book {
                on: 1,
                patient: 0,
                slot: 2,
            },
            &url,
        )
        .await;
        assert_eq!(run.appointments.len(), 2);
        converge_and_check(&run, &url).await;
        for desk in &run.desks {
            assert_eq!(open_conflict_pairs(desk).len(), 1);
        }
        // The central exclusion constraint saw it too.
        let db = sqlx::PgPool::connect(&url).await.unwrap();
        let central: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM clinicdesk.booking_conflicts WHERE resolved_at IS NULL",
        )
        .fetch_one(&db)
        .await
        .unwrap();
        assert_eq!(central, 1);
        db.close().await;
    })
    .await;
}

#[tokio::test]
async fn a_push_cut_mid_way_is_retried_without_loss_or_duplicates() {
    with_fresh_database(|url| async move {
        let run = start(&url, 2).await;
        let a = &run.desks[0];
        clinicdesk_core::patients::generate::generate_patients(
            a.ws.store(),
            12_000,
            3,
            a.ws.now(),
            clinicdesk_core::audit::AuditActor {
                id: None,
                name: "test".into(),
                role: None,
            },
            |_| {},
        )
        .unwrap();
        let pg: std::net::SocketAddr = "127.0.0.1:5432".parse().unwrap();
        let proxy = support::proxy::Proxy::start(pg).await;
        let via_proxy = url.replace("127.0.0.1:5432", &proxy.addr().to_string());
        let engine = SyncEngine::connect(a.ws.clone(), &target(&via_proxy, "A"))
            .await
            .unwrap();
        let cut = {
            let proxy = proxy.clone();
            tokio::spawn(async move {
                // Once some megabytes went through, drop every connection.
                while proxy.bytes() < 3_000_000 {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                proxy.cut();
            })
        };
        let first = engine.push_all(&nothing).await;
        cut.await.unwrap();
        assert!(first.is_err(), "the cut push should fail: {first:?}");
        let pending_after_cut =
            a.ws.store()
                .read(clinicdesk_core::sync::pending_count)
                .unwrap();
        assert!(pending_after_cut > 0);
        // Back online (directly): everything arrives exactly once.
        sync(a, &url).await;
        assert_eq!(
            a.ws.store()
                .read(clinicdesk_core::sync::pending_count)
                .unwrap(),
            0
        );
        converge_and_check(&run, &url).await;
        let here = ids(&run.desks[1].ws, "SELECT id FROM patients");
        assert!(here.len() >= 12_000);
    })
    .await;
}

#[tokio::test]
async fn a_pull_whose_session_is_killed_resumes_from_its_cursor() {
    with_fresh_database(|url| async move {
        let run = start(&url, 2).await;
        let a = &run.desks[0];
        clinicdesk_core::patients::generate::generate_patients(
            a.ws.store(),
            15_000,
            4,
            a.ws.now(),
            clinicdesk_core::audit::AuditActor { id: None, name: "test".into(), role: None },
            |_| {},
        )
        .unwrap();
        sync(a, &url).await;
        let b = &run.desks[1];
        let engine = SyncEngine::connect(b.ws.clone(), &target(&url, "B")).await.unwrap();
        let killer = {
            let url = url.clone();
            tokio::spawn(async move {
                let db = sqlx::PgPool::connect(&url).await.unwrap();
                tokio::time::sleep(Duration::from_millis(300)).await;
                // What a server restart looks like to a client: every session ends.
                sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'clinicdesk-sync' AND datname = current_database()")
                    .execute(&db)
                    .await
                    .unwrap();
                db.close().await;
            })
        };
        let first = engine.pull_all(&nothing).await;
        killer.await.unwrap();
        let cursor = b.ws.store().read(clinicdesk_core::sync::pull_cursor).unwrap();
        eprintln!("first pull: {first:?}, cursor {cursor}");
        converge_and_check(&run, &url).await;
    })
    .await;
}

#[tokio::test]
async fn a_change_on_one_workstation_reaches_a_listening_one_within_a_second() {
    with_fresh_database(|url| async move {
        let run = start(&url, 2).await;
        let (a, b) = (&run.desks[0], &run.desks[1]);
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Instant>();
        b.ws.store().on_change(Arc::new(move |tables: &[String]| {
            if tables.iter().any(|t| t == "patients") {
                let _ = tx.send(Instant::now());
            }
        }));
        let local_a = Arc::new(Notify::new());
        {
            let local_a = local_a.clone();
            a.ws.store().on_change(Arc::new(move |_: &[String]| local_a.notify_one()));
        }
        let engine_a = Arc::new(SyncEngine::connect(a.ws.clone(), &target(&url, "A")).await.unwrap());
        let engine_b = Arc::new(SyncEngine::connect(b.ws.clone(), &target(&url, "B")).await.unwrap());
        let stop = Arc::new(Notify::new());
        let watchers = {
            let (engine_a, engine_b, stop, local_a) = (engine_a.clone(), engine_b.clone(), stop.clone(), local_a.clone());
            tokio::spawn(async move {
                let (la, lb) = (Mutex::new(LiveSync::default()), Mutex::new(LiveSync::default()));
                let (wa, wb, local_b, stop_b) = (Notify::new(), Notify::new(), Notify::new(), Notify::new());
                tokio::select! {
                    r = engine_a.watch(&la, &local_a, &wa, &stop) => r,
                    r = engine_b.watch(&lb, &local_b, &wb, &stop_b) => r,
                }
            })
        };
        tokio::time::sleep(Duration::from_millis(500)).await;
        while rx.try_recv().is_ok() {}
        let mut worst = Duration::ZERO;
        for i in 0..10 {
            let started = Instant::now();
            let ws = a.ws.clone();
            let desk = a.desk.clone().unwrap();
            tokio::task::spawn_blocking(move || {
                ws.dispatch(&desk, "register_patient", json!({"patient": {"given_name": "Fan", "family_name": format!("Out {i}"),
                    "sex": "other", "date_of_birth": "1990-01-01"}, "acknowledge_duplicates": true})).unwrap();
            })
            .await
            .unwrap();
            let at = tokio::time::timeout(Duration::from_secs(5), rx.recv())
                .await
                .unwrap_or_else(|_| panic!("change {i} never reached B"))
                .unwrap();
            worst = worst.max(at.saturating_duration_since(started));
            while rx.try_recv().is_ok() {}
        }
        stop.notify_one();
        watchers.abort();
        // Seconds, not the timer's 30: the NOTIFY woke B.
        assert!(worst < Duration::from_secs(3), "fan-out took {worst:?}");
    })
    .await;
}
