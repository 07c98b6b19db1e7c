#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Editing, deleting, reordering or truncating audit entries is caught by verification.

mod common;

use clinicdesk_core::keys::DbKey;
use clinicdesk_core::{Caller, Workstation};
use serde_json::{json, Value};
use std::path::Path;

/// A clinic file with a few audited actions; returns its key.
fn clinic_with_history(path: &Path) -> DbKey {
    let key = DbKey::generate();
    let ws = common::clinic_file(path, key.clone(), common::clock());
    common::staff(&ws, "dr.rossi", "doctor");
    common::staff(&ws, "reception", "receptionist");
    let admin = common::admin(&ws);
    ws.dispatch(&admin, "disable_user", json!({"username": "reception"}))
        .unwrap();
    key
}

fn verify(path: &Path, key: &DbKey) -> Value {
    let ws = Workstation::open(path, key.clone()).unwrap();
    ws.dispatch(&Caller::LocalAdmin, "verify_database", json!({}))
        .unwrap()
}

/// Tampers as an attacker with the key would: raw SQL, triggers dropped.
fn tamper(path: &Path, key: &DbKey, sql: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.to_hex().as_str()))
        .unwrap();
    conn.execute_batch("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")
        .unwrap();
    conn.execute_batch(sql).unwrap();
}

fn problems(report: &Value) -> String {
    report["audit"]["problems"].to_string()
}

/// A clinic with history, tampered with `sql`: its verification problems (must not be clean).
fn tampered(sql: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let key = clinic_with_history(&path);
    tamper(&path, &key, sql);
    let report = verify(&path, &key);
    assert_eq!(report["clean"], false, "{report}");
    problems(&report)
}

#[test]
fn an_untouched_chain_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let key = clinic_with_history(&path);
    let report = verify(&path, &key);
    assert_eq!(report["clean"], true, "{report}");
    assert!(report["audit"]["entries"].as_i64().unwrap() >= 8);
}

#[test]
fn the_log_refuses_updates_and_deletes_through_sql() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let key = clinic_with_history(&path);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.to_hex().as_str()))
        .unwrap();
    assert!(conn
        .execute("UPDATE audit_log SET actor_name = 'x'", [])
        .is_err());
    assert!(conn.execute("DELETE FROM audit_log", []).is_err());
}

#[test]
fn an_edited_entry_is_caught() {
    let problems = tampered("UPDATE audit_log SET actor_name = 'someone-else' WHERE seq = 3;");
    assert!(problems.contains("entry 3"), "{problems}");
    assert!(problems.contains("altered"), "{problems}");
}

#[test]
fn a_deleted_entry_is_caught() {
    let problems = tampered("DELETE FROM audit_log WHERE seq = 4;");
    assert!(problems.contains("missing"), "{problems}");
}

#[test]
fn reordered_entries_are_caught() {
    // Swap entries 3 and 4 wholesale (keeping positions), as one would to reorder events.
    let problems = tampered(
        "UPDATE audit_log SET seq = -3 WHERE seq = 3;
         UPDATE audit_log SET seq = 3 WHERE seq = 4;
         UPDATE audit_log SET seq = 4 WHERE seq = -3;",
    );
    assert!(problems.contains("entry 3"), "{problems}");
}

#[test]
fn a_truncated_tail_is_caught() {
    let problems = tampered("DELETE FROM audit_log WHERE seq > 3;");
    assert!(problems.contains("truncated"), "{problems}");
}

#[test]
fn a_wholesale_rewrite_without_the_key_is_caught() {
    // An attacker with SQL access but not the audit key cannot recompute the chain: the
    // audit key is derived from the database key, never stored in the file.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let key = clinic_with_history(&path);
    tamper(
        &path,
        &key,
        "UPDATE audit_log SET hmac = '00', prev_hmac = '00';",
    );
    let report = verify(&path, &key);
    assert_eq!(report["clean"], false);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.to_hex().as_str()))
        .unwrap();
    let tables: String = conn
        .query_row(
            "SELECT group_concat(name) FROM sqlite_master WHERE type = 'table'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!tables.contains("key"), "no key table: {tables}");
}

#[test]
fn every_write_command_appends_to_the_change_log_in_the_same_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let key = clinic_with_history(&path);
    let ws = Workstation::open(&path, key).unwrap();
    let (changes, users, distinct_hlc): (i64, i64, i64) = ws
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT (SELECT count(*) FROM change_log), (SELECT count(*) FROM users),
                        (SELECT count(DISTINCT hlc) FROM change_log)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?)
        })
        .unwrap();
    // clinic insert + 3 user inserts + 1 disable update.
    assert_eq!(users, 3);
    assert_eq!(changes, 5);
    assert_eq!(distinct_hlc, changes, "HLCs are unique");
    let row: String = ws
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT row_data FROM change_log WHERE op = 'update' AND table_name = 'users'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let row: Value = serde_json::from_str(&row).unwrap();
    assert_eq!(row["username"], "reception");
    assert_eq!(row["active"], 0);
    // Ids are UUIDv7 minted locally.
    let id = uuid::Uuid::parse_str(row["id"].as_str().unwrap()).unwrap();
    assert_eq!(id.get_version_num(), 7);
}

#[test]
fn a_failed_command_leaves_no_trace_in_rows_or_logs() {
    let ws = common::clinic(common::clock());
    let admin = common::admin(&ws);
    let count = |ws: &Workstation| -> (i64, i64) {
        ws.store()
            .read(|c| {
                Ok(c.query_row(
                    "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM change_log)",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?)
            })
            .unwrap()
    };
    let before = count(&ws);
    let e = ws
        .dispatch(&admin, "create_user", json!({"username": "admin", "full_name": "Dup", "role": "nurse", "password": common::STAFF_PASSWORD}))
        .unwrap_err();
    assert_eq!(e.code, clinicdesk_core::ErrorCode::Conflict);
    assert_eq!(count(&ws), before);
}
