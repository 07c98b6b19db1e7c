#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The workstation's half of sync without a server: changes handed from one store to
//! another as the server would (in push order, with a growing server_seq), so the merge
//! rules are tested on their own. crates/sync/tests/ runs the same through PostgreSQL.

mod common;

use clinicdesk_core::clock::ManualClock;
use clinicdesk_core::store::SYNCED_TABLES;
use clinicdesk_core::sync::{
    apply_pulled, mark_pushed, pending_changes, IncomingChange, OutgoingChange,
};
use clinicdesk_core::{Caller, ErrorCode, Workstation};
use common::*;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

static SERVER_SEQ: AtomicI64 = AtomicI64::new(0);

/// A stand-in for the server: the log of everything pushed, in push order.
#[derive(Default)]
pub struct Log(Vec<(i64, OutgoingChange)>);

impl Log {
    /// Pushes `ws`'s outbox.
    fn push(&mut self, ws: &Workstation) {
        let page = pending_changes(ws.store(), ws.now(), 1_000_000).unwrap();
        if let Some(last) = page.last() {
            mark_pushed(ws.store(), ws.now(), last.seq).unwrap();
        }
        for c in page {
            self.0
                .push((SERVER_SEQ.fetch_add(1, Ordering::SeqCst) + 1, c));
        }
    }

    /// Pulls into `ws` everything after its cursor made elsewhere.
    fn pull(&self, ws: &Workstation) -> clinicdesk_core::sync::ApplyReport {
        let me = ws.store().workstation_id().to_owned();
        let cursor = ws.store().read(clinicdesk_core::sync::pull_cursor).unwrap();
        let page: Vec<IncomingChange> = self
            .0
            .iter()
            .filter(|(seq, c)| *seq > cursor && c.workstation_id != me)
            .map(|(seq, c)| incoming(*seq, c))
            .collect();
        let head = self.0.last().map_or(cursor, |(s, _)| *s).max(cursor);
        apply_pulled(ws.store(), ws.now(), &page, head).unwrap()
    }

    fn sync(&mut self, ws: &Workstation) {
        self.pull(ws);
        self.push(ws);
    }
}

/// A pushed change as a puller receives it.
fn incoming(server_seq: i64, c: &OutgoingChange) -> IncomingChange {
    IncomingChange {
        server_seq,
        id: c.id.clone(),
        hlc: c.hlc.clone(),
        workstation_id: c.workstation_id.clone(),
        table_name: c.table_name.clone(),
        row_id: c.row_id.clone(),
        op: c.op.clone(),
        row_data: c.row_data.clone(),
        field_hlcs: c.field_hlcs.clone(),
    }
}

/// A hash of every synced table's rows, in id order.
pub fn content_hash(ws: &Workstation) -> String {
    table_hashes(ws).join(",")
}

/// Per table: `table:hash`.
pub fn table_hashes(ws: &Workstation) -> Vec<String> {
    ws.store()
        .read(|c| {
            let mut out = Vec::new();
            for table in SYNCED_TABLES {
                let mut hash = Sha256::new();
                let mut stmt = c.prepare(&format!("SELECT * FROM \"{table}\" ORDER BY id"))?;
                let n = stmt.column_count();
                let mut rows = stmt.query([])?;
                hash.update(table.as_bytes());
                while let Some(row) = rows.next()? {
                    for i in 0..n {
                        let v: rusqlite::types::Value = row.get(i)?;
                        hash.update(format!("{v:?}|").as_bytes());
                    }
                }
                out.push(format!("{table}:{}", &hex::encode(hash.finalize())[..12]));
            }
            Ok(out)
        })
        .unwrap()
}

fn joined(clock: Arc<ManualClock>) -> Workstation {
    Workstation::in_memory_with_clock(clock).unwrap()
}

fn patient(ws: &Workstation, who: &Caller, given: &str, family: &str) -> String {
    let phone = format!(
        "+39 333 {:07}",
        given.len() * 1000 + family.len() * 7 + given.bytes().map(usize::from).sum::<usize>()
    );
    call(
        ws,
        who,
        "register_patient",
        json!({"patient": {"given_name": given, "family_name": family, "sex": "female",
                           "date_of_birth": "1980-05-17", "phone": phone},
               "acknowledge_duplicates": true}),
    )
    .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn get_patient(ws: &Workstation, who: &Caller, id: &str) -> Value {
    call(ws, who, "open_patient_chart", json!({"patient_id": id})).unwrap()
}

#[test]
fn a_fresh_workstation_joins_by_pulling_and_its_users_can_sign_in() {
    let clock = clock();
    let a = clinic(clock.clone());
    let desk = staff(&a, "desk", "receptionist");
    let id = patient(&a, &desk, "Zoë", "Ångström");
    let mut log = Log::default();
    log.push(&a);

    let b = joined(clock);
    let report = log.pull(&b);
    assert!(report.applied >= 4, "{report:?}");
    assert_eq!(report.refused, 0);
    assert_eq!(content_hash(&a), content_hash(&b));
    // Users came along (with their password hashes), and the search index was rebuilt.
    let desk_b = login(&b, "desk", STAFF_PASSWORD).unwrap();
    let found = call(&b, &desk_b, "search_patients", json!({"query": "angst"})).unwrap();
    assert_eq!(found["hits"][0]["id"], json!(id), "{found}");
    // Nothing pulled entered B's own change log.
    assert_eq!(
        pending_changes(b.store(), b.now(), 10)
            .unwrap()
            .iter()
            .filter(|c| c.table_name != "clinic" && c.table_name != "users")
            .count(),
        0
    );
}

#[test]
fn pulled_changes_never_enter_the_local_change_log() {
    let clock = clock();
    let a = clinic(clock.clone());
    let mut log = Log::default();
    log.push(&a);
    let b = joined(clock);
    log.pull(&b);
    let logged: i64 = b
        .store()
        .read(|c| Ok(c.query_row("SELECT count(*) FROM change_log", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(logged, 0);
}

#[test]
fn edits_of_different_fields_on_two_workstations_both_survive() {
    let clock = clock();
    let a = clinic(clock.clone());
    let desk_a = staff(&a, "desk", "receptionist");
    let id = patient(&a, &desk_a, "Maria", "Lopez");
    let mut log = Log::default();
    log.push(&a);
    let b = joined(clock.clone());
    log.pull(&b);
    let desk_b = login(&b, "desk", STAFF_PASSWORD).unwrap();

    // Offline: A changes the phone, B the address.
    let mut on_a = get_patient(&a, &desk_a, &id);
    clock.advance(chrono::Duration::seconds(5));
    on_a["patient"]["phone"] = json!("+39 06 5550101");
    update(&a, &desk_a, &id, &on_a["patient"]);
    clock.advance(chrono::Duration::seconds(5));
    let mut on_b = get_patient(&b, &desk_b, &id);
    on_b["patient"]["address"] = json!("Via Roma 1, Milano");
    update(&b, &desk_b, &id, &on_b["patient"]);

    log.sync(&a);
    log.sync(&b);
    log.sync(&a);
    for (ws, who) in [(&a, &desk_a), (&b, &desk_b)] {
        let p = get_patient(ws, who, &id);
        assert_eq!(p["patient"]["phone"], "+39 06 5550101", "{p}");
        assert_eq!(p["patient"]["address"], "Via Roma 1, Milano", "{p}");
    }
    assert_eq!(table_hashes(&a), table_hashes(&b));
}

#[test]
fn the_same_field_edited_twice_keeps_the_newest_and_the_loser_in_history() {
    let clock = clock();
    let a = clinic(clock.clone());
    let desk_a = staff(&a, "desk", "receptionist");
    let id = patient(&a, &desk_a, "Maria", "Lopez");
    let mut log = Log::default();
    log.push(&a);
    let b = joined(clock.clone());
    log.pull(&b);
    let desk_b = login(&b, "desk", STAFF_PASSWORD).unwrap();

    let mut p = get_patient(&a, &desk_a, &id)["patient"].clone();
    clock.advance(chrono::Duration::seconds(5));
    p["phone"] = json!("+39 06 1111111");
    update(&a, &desk_a, &id, &p);
    clock.advance(chrono::Duration::seconds(5));
    p["phone"] = json!("+39 06 2222222");
    update(&b, &desk_b, &id, &p);
    // B's edit is newer; whoever syncs first, both end with it.
    log.sync(&b);
    log.sync(&a);
    log.sync(&b);
    for (ws, who) in [(&a, &desk_a), (&b, &desk_b)] {
        assert_eq!(
            get_patient(ws, who, &id)["patient"]["phone"],
            "+39 06 2222222"
        );
    }
    let lost: Vec<String> = a
        .store()
        .read(|c| {
            let mut s = c.prepare(
                "SELECT lost_value FROM sync_overwrites WHERE table_name = 'patients' AND field = 'phone'",
            )?;
            let rows = s.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .unwrap();
    assert_eq!(lost, vec!["\"+39 06 1111111\"".to_owned()]);
    assert_eq!(content_hash(&a), content_hash(&b));
}

fn update(ws: &Workstation, who: &Caller, id: &str, patient: &Value) {
    let mut input = serde_json::Map::new();
    for key in [
        "given_name",
        "family_name",
        "sex",
        "date_of_birth",
        "phone",
        "address",
    ] {
        input.insert(key.into(), patient[key].clone());
    }
    call(
        ws,
        who,
        "update_patient",
        json!({"patient_id": id, "patient": input}),
    )
    .unwrap();
}

#[test]
fn a_workstation_of_another_clinic_is_refused_before_anything_is_merged() {
    let clock = clock();
    let a = clinic(clock.clone());
    let b = clinic(clock);
    let mut log = Log::default();
    log.push(&a);
    let before = content_hash(&b);
    let cursor = b.store().read(clinicdesk_core::sync::pull_cursor).unwrap();
    let page: Vec<IncomingChange> = log.0.iter().map(|(seq, c)| incoming(*seq, c)).collect();
    let e = apply_pulled(b.store(), b.now(), &page, 99).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    assert!(e.message.contains("another clinic"), "{}", e.message);
    assert_eq!(content_hash(&b), before);
    assert_eq!(
        b.store().read(clinicdesk_core::sync::pull_cursor).unwrap(),
        cursor
    );
}

#[test]
fn a_column_this_version_does_not_know_stops_sync_with_update_this_workstation() {
    let clock = clock();
    let a = clinic(clock.clone());
    let mut log = Log::default();
    log.push(&a);
    let b = joined(clock);
    log.pull(&b);
    let (seq, mut change) = log.0[log.0.len() - 1].clone();
    change.id = uuid::Uuid::now_v7().to_string();
    change.hlc = format!("9999999999999-00000-{}", change.workstation_id);
    change.row_data.as_mut().unwrap()["added_in_a_newer_version"] = json!(1);
    let incoming = IncomingChange {
        server_seq: seq + 1000,
        id: change.id,
        hlc: change.hlc,
        workstation_id: change.workstation_id,
        table_name: change.table_name,
        row_id: change.row_id,
        op: change.op,
        row_data: change.row_data,
        field_hlcs: None,
    };
    let e = apply_pulled(b.store(), b.now(), &[incoming], seq + 1000).unwrap_err();
    assert!(
        e.message.contains("update this workstation"),
        "{}",
        e.message
    );
}

#[test]
fn duplicate_patients_registered_on_two_workstations_are_offered_for_merge() {
    let clock = clock();
    let a = clinic(clock.clone());
    let desk_a = staff(&a, "desk", "receptionist");
    let mut log = Log::default();
    log.push(&a);
    let b = joined(clock);
    log.pull(&b);
    let desk_b = login(&b, "desk", STAFF_PASSWORD).unwrap();
    patient(&a, &desk_a, "Giovanni", "Esposito");
    patient(&b, &desk_b, "Giovanni", "Esposito");
    log.sync(&a);
    log.sync(&b);
    log.sync(&a);
    for (ws, who) in [(&a, &desk_a), (&b, &desk_b)] {
        let conflicts = call(ws, who, "list_sync_conflicts", json!({})).unwrap();
        let conflicts = conflicts.as_array().unwrap();
        assert_eq!(conflicts.len(), 1, "{conflicts:?}");
        assert_eq!(conflicts[0]["kind"], "possible_duplicate");
        assert_eq!(conflicts[0]["patients"].as_array().unwrap().len(), 2);
        let status = call(ws, who, "get_sync_status", json!({})).unwrap();
        assert_eq!(status["conflicts"], 1);
    }
    // Reception decides they are two people: dismissed, with the reason audited.
    let id = call(&a, &desk_a, "list_sync_conflicts", json!({})).unwrap()[0]["id"].clone();
    call(
        &a,
        &desk_a,
        "dismiss_sync_conflict",
        json!({"conflict_id": id, "reason": "father and son"}),
    )
    .unwrap();
    assert_eq!(
        call(&a, &desk_a, "list_sync_conflicts", json!({})).unwrap(),
        json!([])
    );
}

#[test]
fn sync_settings_validate_the_address_and_keep_passwords_out_of_it() {
    let clock = clock();
    let a = clinic(clock);
    let admin = admin(&a);
    let desk = staff(&a, "desk", "receptionist");
    for (url, says) in [
        ("mysql://db/clinic", "postgres://"),
        ("postgres://clinic:secret@db/clinic", "keychain"),
        ("postgres://db/clinic?sslmode=sometimes", "sslmode"),
        ("", "server address"),
    ] {
        let e = call(
            &a,
            &admin,
            "save_sync_settings",
            json!({"server_url": url, "enabled": true, "workstation_name": "Reception 1"}),
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("server_url"), "{url}");
        assert!(e.message.contains(says), "{url}: {}", e.message);
    }
    let e = call(
        &a,
        &admin,
        "save_sync_settings",
        json!({"server_url": "postgres://db/clinic", "enabled": true, "workstation_name": " "}),
    )
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("workstation_name"));
    call(
        &a,
        &admin,
        "save_sync_settings",
        json!({"server_url": "postgresql://clinicdesk@db.clinic.local:5432/clinicdesk?sslmode=verify-full",
               "enabled": true, "workstation_name": "Reception 1"}),
    )
    .unwrap();
    let settings = call(&a, &admin, "get_sync_settings", json!({})).unwrap();
    assert_eq!(settings["enabled"], true);
    assert_eq!(settings["workstation_name"], "Reception 1");
    assert_eq!(settings["has_password"], false);
    // Reception sees the status but not the settings; without a running driver "sync now"
    // says where sync runs.
    assert_eq!(
        call(&a, &desk, "get_sync_settings", json!({}))
            .unwrap_err()
            .code,
        ErrorCode::PermissionDenied
    );
    let status = call(&a, &desk, "get_sync_status", json!({})).unwrap();
    assert_eq!(status["enabled"], true);
    assert_eq!(status["running"], false);
    let e = call(&a, &desk, "sync_now", json!({})).unwrap_err();
    assert!(e.message.contains("sync watch"), "{}", e.message);
    assert!(audit_details(&a)
        .iter()
        .any(|d| d.contains("sync settings") && d.contains("Reception 1")));
}

/// Two workstations of one clinic, both with a doctor who works every weekday morning.
fn scheduling_pair() -> (
    Workstation,
    Workstation,
    Caller,
    Caller,
    String,
    String,
    String,
    Log,
) {
    let clock = clock();
    let a = clinic(clock.clone());
    let admin_a = admin(&a);
    let doctor = call(
        &a,
        &admin_a,
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
        .map(|wd| json!({"weekday": wd, "start": "09:00", "end": "13:00", "room": "A1"}))
        .collect();
    call(
        &a,
        &admin_a,
        "set_weekly_availability",
        json!({"doctor_id": doctor, "blocks": blocks}),
    )
    .unwrap();
    let visit = call(
        &a,
        &admin_a,
        "save_visit_type",
        json!({"name": "Follow-up", "minutes": 30, "buffer_minutes": 0}),
    )
    .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let desk_a = staff(&a, "desk", "receptionist");
    let maria = patient(&a, &desk_a, "Maria", "Lopez");
    let mut log = Log::default();
    log.push(&a);
    let b = joined(clock);
    log.pull(&b);
    let desk_b = login(&b, "desk", STAFF_PASSWORD).unwrap();
    (a, b, desk_a, desk_b, doctor, visit, maria, log)
}

fn book(
    ws: &Workstation,
    who: &Caller,
    patient: &str,
    doctor: &str,
    visit: &str,
    at: &str,
) -> String {
    call(
        ws,
        who,
        "book_appointment",
        json!({"patient_id": patient, "doctor_id": doctor, "visit_type_id": visit, "starts_at": at}),
    )
    .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn an_offline_double_booking_is_a_visible_conflict_until_reception_rebooks() {
    let (a, b, desk_a, desk_b, doctor, visit, maria, mut log) = scheduling_pair();
    let luca = patient(&b, &desk_b, "Luca", "Bianchi");
    // Both desks offline: the same doctor at 10:00 and 10:15 on Tuesday.
    let on_a = book(&a, &desk_a, &maria, &doctor, &visit, "2026-03-03T10:00");
    let on_b = book(&b, &desk_b, &luca, &doctor, &visit, "2026-03-03T10:15");
    log.sync(&a);
    log.sync(&b);
    log.sync(&a);
    // Nothing was refused or lost: both bookings are on both workstations.
    for (ws, who) in [(&a, &desk_a), (&b, &desk_b)] {
        let both: i64 = ws
            .store()
            .read(|c| {
                Ok(c.query_row(
                    "SELECT count(*) FROM appointments WHERE id IN (?1, ?2) AND status = 'scheduled'",
                    [&on_a, &on_b],
                    |r| r.get(0),
                )?)
            })
            .unwrap();
        assert_eq!(both, 2);
        let conflicts = call(ws, who, "list_sync_conflicts", json!({})).unwrap();
        let conflicts = conflicts.as_array().unwrap();
        assert_eq!(conflicts.len(), 1, "{conflicts:?}");
        assert_eq!(conflicts[0]["kind"], "double_booking");
        let ids: Vec<&str> = conflicts[0]["bookings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["appointment_id"].as_str().unwrap())
            .collect();
        assert!(ids.contains(&on_a.as_str()) && ids.contains(&on_b.as_str()));
        assert_eq!(
            call(ws, who, "get_sync_status", json!({})).unwrap()["conflicts"],
            1
        );
    }
    assert_eq!(content_hash(&a), content_hash(&b));
    // Reception on B rebooks its patient to 11:00: resolved on both after sync.
    call(
        &b,
        &desk_b,
        "reschedule_appointment",
        json!({"appointment_id": on_b, "starts_at": "2026-03-03T11:00"}),
    )
    .unwrap();
    log.sync(&b);
    log.sync(&a);
    for (ws, who) in [(&a, &desk_a), (&b, &desk_b)] {
        assert_eq!(
            call(ws, who, "list_sync_conflicts", json!({})).unwrap(),
            json!([])
        );
        let all = call(
            ws,
            who,
            "list_sync_conflicts",
            json!({"include_closed": true}),
        )
        .unwrap();
        assert_eq!(all[0]["open"], false);
    }
    assert_eq!(content_hash(&a), content_hash(&b));
    // Locally the rule stands: booking over an existing appointment is still refused.
    let e = call(
        &a,
        &desk_a,
        "book_appointment",
        json!({"patient_id": maria, "doctor_id": doctor, "visit_type_id": visit,
               "starts_at": "2026-03-03T11:00"}),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
}
