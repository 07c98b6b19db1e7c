#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The real OS keychain (Secret Service). Ignored by default because it needs a session bus
//! and an unlocked keyring; the test script runs it under
//! `dbus-run-session` + `gnome-keyring-daemon --unlock --components=secrets`.

use clinicdesk_core::keys::{KeySource, Keychain};
use clinicdesk_core::{Caller, Workstation};
use serde_json::json;

#[test]
#[ignore = "needs a Secret Service: run via scripts/test.sh"]
fn the_key_persists_in_the_real_keychain_and_opens_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("clinic.db");
    let keychain = Keychain::for_database(&db);
    assert!(!keychain.exists().unwrap(), "a fresh path has no key yet");

    let key = keychain
        .load_or_create()
        .expect("the keychain stores and reads back the key");
    let ws = Workstation::open(&db, key.clone()).unwrap();
    ws.dispatch(
        &Caller::Anonymous,
        "setup_clinic",
        json!({"clinic_name": "Keychain Clinic", "admin_username": "admin", "admin_full_name": "A", "admin_password": "violet tractor umbrella"}),
    )
    .unwrap();
    drop(ws);

    // A separate entry object (as after an app restart) reads the same key from the store,
    // which proves it was not kept by keyring's in-process mock.
    let again = Keychain::for_database(&db).load().unwrap();
    assert_eq!(again, key);
    let ws = Workstation::open(&db, again).unwrap();
    let status = ws
        .dispatch(&Caller::Anonymous, "app_status", json!({}))
        .unwrap();
    assert_eq!(status["clinic_name"], "Keychain Clinic");

    // Never silently replaced.
    assert!(keychain
        .store_new(&clinicdesk_core::keys::DbKey::generate())
        .is_err());
    keychain.delete().unwrap();
    assert!(!keychain.exists().unwrap());
}
