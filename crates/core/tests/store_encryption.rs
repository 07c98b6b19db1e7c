#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The file is unreadable without the key, and a wrong key is refused clearly.

mod common;

use clinicdesk_core::keys::DbKey;
use clinicdesk_core::store::{Store, StoreError};
use clinicdesk_core::{Caller, ErrorCode, Workstation};
use serde_json::json;

fn file_bytes_with_wal(path: &std::path::Path) -> Vec<u8> {
    let mut bytes = std::fs::read(path).unwrap();
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    if let Ok(more) = std::fs::read(std::path::PathBuf::from(wal)) {
        bytes.extend(more);
    }
    bytes
}

#[test]
fn the_file_has_no_plaintext_header_and_no_plaintext_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    let key = DbKey::generate();
    let ws = common::clinic_file(&path, key, common::clock());
    let admin = common::admin(&ws);
    ws.dispatch(
        &admin,
        "create_user",
        json!({"username": "canary.user", "full_name": "Zebulon Canarywright", "role": "nurse",
               "password": common::STAFF_PASSWORD}),
    )
    .unwrap();

    let bytes = file_bytes_with_wal(&path);
    assert!(bytes.len() > 4096);
    assert_ne!(
        &bytes[..16],
        b"SQLite format 3\0",
        "header must be encrypted"
    );
    for canary in [
        "Canarywright",
        "canary.user",
        "Santa Luc",
        "argon2id",
        "CREATE TABLE",
    ] {
        assert!(
            !bytes.windows(canary.len()).any(|w| w == canary.as_bytes()),
            "{canary:?} found in plaintext"
        );
    }
    drop(ws);
    // After a clean close the data is all in the main file; still no plaintext.
    let bytes = std::fs::read(&path).unwrap();
    assert!(!bytes.windows(12).any(|w| w == b"Canarywright"));
}

#[test]
fn a_wrong_key_is_refused_with_wrong_key_and_nothing_is_changed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    let key = DbKey::generate();
    drop(common::clinic_file(&path, key.clone(), common::clock()));
    let before = std::fs::read(&path).unwrap();

    let err = Store::open(&path, DbKey::generate()).unwrap_err();
    assert!(matches!(err, StoreError::WrongKey { .. }), "{err}");
    let err = Workstation::open(&path, DbKey::generate()).unwrap_err();
    assert_eq!(err.code, ErrorCode::WrongKey);
    assert!(err.message.contains("clinic.db"));
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "a failed open writes nothing"
    );

    // The right key still opens it, with its data.
    let ws = Workstation::open(&path, key).unwrap();
    let status = ws
        .dispatch(&Caller::Anonymous, "app_status", json!({}))
        .unwrap();
    assert_eq!(status["clinic_name"], "Ambulatorio Santa Lucía");
}

#[test]
fn a_plain_sqlite_file_is_not_mistaken_for_a_clinic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.db");
    std::fs::write(
        &path,
        b"this is not a database at all, just text ...........",
    )
    .unwrap();
    let err = Store::open(&path, DbKey::generate()).unwrap_err();
    assert!(matches!(err, StoreError::WrongKey { .. }), "{err}");
}

#[test]
fn the_key_opens_the_file_as_a_standard_sqlcipher_raw_key() {
    // An administrator can open the file with any SQLCipher 4 shell using the key file's hex.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    let key = DbKey::generate();
    drop(common::clinic_file(&path, key.clone(), common::clock()));
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.to_hex().as_str()))
        .unwrap();
    let name: String = conn
        .query_row("SELECT name FROM clinic", [], |r| r.get(0))
        .unwrap();
    assert_eq!(name, "Ambulatorio Santa Lucía");
}

#[test]
fn open_sets_the_durability_pragmas() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("c.db"), DbKey::generate()).unwrap();
    store
        .read(|c| {
            let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
            let sync: i64 = c.query_row("PRAGMA synchronous", [], |r| r.get(0))?;
            let fk: i64 = c.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
            let busy: i64 = c.query_row("PRAGMA busy_timeout", [], |r| r.get(0))?;
            assert_eq!(mode, "wal");
            assert_eq!(sync, 2, "FULL");
            assert_eq!(fk, 1);
            assert!(busy >= 5000);
            Ok(())
        })
        .unwrap();
}

#[test]
fn a_database_from_a_newer_build_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let key = DbKey::generate();
    let store = Store::open(&path, key.clone()).unwrap();
    let latest = clinicdesk_core::store::latest_version();
    assert_eq!(
        store.schema_versions().unwrap().last().copied(),
        Some(latest)
    );
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.to_hex().as_str()))
        .unwrap();
    conn.execute(
        "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?1, 'future', 'x', 'now')",
        [latest + 1],
    )
    .unwrap();
    drop(conn);
    let err = Workstation::open(&path, key).unwrap_err();
    assert_eq!(err.code, ErrorCode::SchemaTooNew);
    assert!(err.message.contains("newer"), "{}", err.message);
}

#[test]
fn open_existing_does_not_create_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.db");
    let err = Workstation::open_existing(&path, DbKey::generate()).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(!path.exists());
}
