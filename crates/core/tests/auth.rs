#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Sign-in, throttling and lockout, idle lock, passwords, disabled accounts.

mod common;

use chrono::Duration;
use clinicdesk_core::{Caller, ErrorCode};
use common::{call, login, ADMIN_PASSWORD, STAFF_PASSWORD};
use serde_json::json;

#[test]
fn sign_in_with_the_right_password_and_not_with_a_wrong_one() {
    let ws = common::clinic(common::clock());
    let caller = login(&ws, "ADMIN", ADMIN_PASSWORD).expect("usernames are case-insensitive");
    let me = call(&ws, &caller, "whoami", json!({})).unwrap();
    assert_eq!(me["user"]["username"], "admin");
    assert!(me["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p == "users.manage"));

    let wrong = login(&ws, "admin", "violet tractor umbrellA").unwrap_err();
    assert_eq!(wrong.code, ErrorCode::InvalidCredentials);
    let unknown = login(&ws, "nobody", ADMIN_PASSWORD).unwrap_err();
    assert_eq!(unknown.code, ErrorCode::InvalidCredentials);
    assert_eq!(
        wrong.message, unknown.message,
        "no hint whether the user exists"
    );
    let empty = login(&ws, "admin", "").unwrap_err();
    assert_eq!(empty.field.as_deref(), Some("password"));
}

#[test]
fn five_failures_lock_the_account_with_escalating_waits() {
    let clock = common::clock();
    let ws = common::clinic(clock.clone());
    common::staff(&ws, "reception", "receptionist");
    for i in 1..=4 {
        let e = login(&ws, "reception", "wrong guess number x").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidCredentials, "attempt {i}");
    }
    let fifth = login(&ws, "reception", "wrong guess number x").unwrap_err();
    assert_eq!(fifth.code, ErrorCode::LockedOut, "{}", fifth.message);
    // Locked: even the right password is refused, and not counted.
    let e = login(&ws, "reception", STAFF_PASSWORD).unwrap_err();
    assert_eq!(e.code, ErrorCode::LockedOut);
    assert!(e.message.contains("locked until"), "{}", e.message);

    clock.advance(Duration::seconds(61));
    // One more wrong guess after the first lock doubles the wait to 2 minutes.
    assert_eq!(
        login(&ws, "reception", "wrong guess number x")
            .unwrap_err()
            .code,
        ErrorCode::LockedOut
    );
    clock.advance(Duration::seconds(61));
    assert_eq!(
        login(&ws, "reception", STAFF_PASSWORD).unwrap_err().code,
        ErrorCode::LockedOut
    );
    clock.advance(Duration::seconds(60));
    login(&ws, "reception", STAFF_PASSWORD).expect("unlocked after the wait");
    // Success resets the counter: 4 more failures do not lock.
    for _ in 0..4 {
        assert_eq!(
            login(&ws, "reception", "wrong guess number x")
                .unwrap_err()
                .code,
            ErrorCode::InvalidCredentials
        );
    }
}

#[test]
fn no_more_than_twenty_guesses_per_hour() {
    let clock = common::clock();
    let ws = common::clinic(clock.clone());
    common::staff(&ws, "nurse.ana", "nurse");
    let mut guesses = 0;
    // An attacker who waits out every lock and keeps guessing for an hour.
    for _ in 0..60 * 6 {
        match login(&ws, "nurse.ana", "wrong guess number x") {
            Err(e) if e.code == ErrorCode::InvalidCredentials => guesses += 1,
            Err(e) if e.code == ErrorCode::LockedOut && e.message.contains("wrong") => guesses += 1,
            Err(e) if e.code == ErrorCode::LockedOut => {}
            other => panic!("{other:?}"),
        }
        clock.advance(Duration::seconds(10));
    }
    // Count real password checks: failures recorded in the audit log within the hour.
    let audited = ws
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM audit_log WHERE action = 'login' AND detail = 'wrong password'
                 AND at < '2026-03-02T09:00:00.000Z'",
                [],
                |r| r.get::<_, i64>(0),
            )?)
        })
        .unwrap();
    assert!(
        audited <= 20,
        "{audited} guesses checked within the first hour"
    );
    assert!(audited >= 5);
    let _ = guesses;
}

#[test]
fn an_admin_reset_clears_a_lockout_and_requires_a_new_password() {
    let ws = common::clinic(common::clock());
    common::staff(&ws, "dr.house", "doctor");
    for _ in 0..5 {
        let _ = login(&ws, "dr.house", "wrong guess number x");
    }
    assert_eq!(
        login(&ws, "dr.house", STAFF_PASSWORD).unwrap_err().code,
        ErrorCode::LockedOut
    );
    let admin = common::admin(&ws);
    let users = call(&ws, &admin, "list_users", json!({})).unwrap();
    let house = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "dr.house")
        .unwrap();
    assert!(!house["locked_until"].is_null(), "the admin sees the lock");
    let user = call(
        &ws,
        &admin,
        "reset_password",
        json!({"username": "dr.house", "new_password": "granite sparrow orbit 8"}),
    )
    .unwrap();
    assert_eq!(user["must_change_password"], true);
    assert!(user["locked_until"].is_null());
    let caller = login(&ws, "dr.house", "granite sparrow orbit 8").unwrap();
    assert_eq!(
        call(&ws, &caller, "whoami", json!({})).unwrap()["user"]["must_change_password"],
        true
    );
    call(&ws, &caller, "change_password", json!({"current_password": "granite sparrow orbit 8", "new_password": "amber falcon river 12"})).unwrap();
    assert_eq!(
        call(&ws, &caller, "whoami", json!({})).unwrap()["user"]["must_change_password"],
        false
    );
    assert!(login(&ws, "dr.house", "granite sparrow orbit 8").is_err());
    login(&ws, "dr.house", "amber falcon river 12").unwrap();
}

#[test]
fn password_policy_names_the_field() {
    let ws = common::clinic(common::clock());
    let admin = common::admin(&ws);
    for (password, needle) in [
        ("short", "at least 12"),
        ("password1234", "common"),
        ("admin-rules-the-clinic", "username"),
    ] {
        let e = call(
            &ws,
            &admin,
            "change_password",
            json!({"current_password": ADMIN_PASSWORD, "new_password": password}),
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("new_password"), "{password}");
        assert!(e.message.contains(needle), "{password}: {}", e.message);
    }
    let e = call(&ws, &admin, "change_password", json!({"current_password": "not my password at all", "new_password": "amber falcon river 12"})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("current_password"));
    login(&ws, "admin", ADMIN_PASSWORD).expect("unchanged after the failures");
}

#[test]
fn an_idle_session_locks_and_only_its_user_unlocks_it() {
    let clock = common::clock();
    let ws = common::clinic(clock.clone());
    let reception = common::staff(&ws, "reception", "receptionist");
    let admin = common::admin(&ws);
    // The clinic chose 5 minutes.
    let mut settings = call(&ws, &admin, "get_clinic_settings", json!({})).unwrap();
    settings["idle_lock_minutes"] = json!(5);
    call(&ws, &admin, "update_clinic_settings", settings).unwrap();

    clock.advance(Duration::minutes(4));
    call(&ws, &reception, "whoami", json!({})).expect("activity within the limit");
    clock.advance(Duration::minutes(4));
    call(&ws, &reception, "whoami", json!({})).expect("activity restarts the idle timer");
    clock.advance(Duration::minutes(5));
    let e = call(&ws, &reception, "whoami", json!({})).unwrap_err();
    assert_eq!(e.code, ErrorCode::SessionLocked);

    // Someone else's password does not unlock it.
    let e = call(
        &ws,
        &reception,
        "unlock_session",
        json!({"password": ADMIN_PASSWORD}),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidCredentials);
    assert_eq!(
        call(&ws, &reception, "whoami", json!({})).unwrap_err().code,
        ErrorCode::SessionLocked
    );
    call(
        &ws,
        &reception,
        "unlock_session",
        json!({"password": STAFF_PASSWORD}),
    )
    .unwrap();
    call(&ws, &reception, "whoami", json!({})).expect("unlocked");

    // Another user may sign in on the locked workstation instead.
    call(&ws, &reception, "lock_session", json!({})).unwrap();
    assert_eq!(
        call(&ws, &reception, "whoami", json!({})).unwrap_err().code,
        ErrorCode::SessionLocked
    );
    let other = login(&ws, "admin", ADMIN_PASSWORD).unwrap();
    call(&ws, &other, "whoami", json!({})).unwrap();
}

#[test]
fn idle_limit_is_between_1_and_30_minutes() {
    let ws = common::clinic(common::clock());
    let admin = common::admin(&ws);
    let mut settings = call(&ws, &admin, "get_clinic_settings", json!({})).unwrap();
    assert_eq!(settings["idle_lock_minutes"], 15, "default");
    settings["idle_lock_minutes"] = json!(31);
    let e = call(&ws, &admin, "update_clinic_settings", settings).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("idle_lock_minutes"));
}

#[test]
fn disabling_a_user_ends_their_sessions_and_keeps_the_account() {
    let ws = common::clinic(common::clock());
    let doctor = common::staff(&ws, "dr.who", "doctor");
    let admin = common::admin(&ws);
    call(&ws, &admin, "disable_user", json!({"username": "dr.who"})).unwrap();
    assert_eq!(
        call(&ws, &doctor, "whoami", json!({})).unwrap_err().code,
        ErrorCode::Unauthenticated
    );
    let e = login(&ws, "dr.who", STAFF_PASSWORD).unwrap_err();
    assert_eq!(e.code, ErrorCode::AccountDisabled);
    let users = call(&ws, &admin, "list_users", json!({})).unwrap();
    assert!(users
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["username"] == "dr.who" && u["active"] == false));
    // Rows are never deleted, even by hand.
    let deleted = ws
        .store()
        .read(|c| Ok(c.execute("DELETE FROM users WHERE username = 'dr.who'", [])));
    assert!(deleted.unwrap().is_err(), "the trigger refuses deletes");
    call(&ws, &admin, "enable_user", json!({"username": "dr.who"})).unwrap();
    login(&ws, "dr.who", STAFF_PASSWORD).unwrap();
}

#[test]
fn the_last_admin_and_oneself_cannot_be_disabled() {
    let ws = common::clinic(common::clock());
    let admin = common::admin(&ws);
    let e = call(&ws, &admin, "disable_user", json!({"username": "admin"})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("username"));
    let e = ws
        .dispatch(
            &Caller::LocalAdmin,
            "disable_user",
            json!({"username": "admin"}),
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict, "{}", e.message);
}

#[test]
fn user_creation_validates_each_field() {
    let ws = common::clinic(common::clock());
    let admin = common::admin(&ws);
    let base = json!({"username": "new.nurse", "full_name": "New Nurse", "role": "nurse", "password": STAFF_PASSWORD});
    let cases = [
        ("username", json!("x"), "username"),
        ("username", json!("admin"), "username"),
        ("full_name", json!("  "), "full_name"),
        ("role", json!("surgeon"), "role"),
        ("password", json!("short"), "password"),
    ];
    for (key, value, field) in cases {
        let mut input = base.clone();
        input[key] = value.clone();
        let e = call(&ws, &admin, "create_user", input).unwrap_err();
        assert_eq!(e.field.as_deref(), Some(field), "{key}={value}: {e:?}");
    }
    let mut input = base.clone();
    input["licence_number"] = json!("LIC-1");
    let e = call(&ws, &admin, "create_user", input).unwrap_err();
    assert_eq!(
        e.field.as_deref(),
        Some("licence_number"),
        "only doctors carry a licence"
    );
    let mut input = base;
    input["role"] = json!("doctor");
    input["licence_number"] = json!("LIC-1");
    input["specialization"] = json!("Cardiology");
    let user = call(&ws, &admin, "create_user", input).unwrap();
    assert_eq!(user["licence_number"], "LIC-1");
    assert!(user.get("password_hash").is_none(), "never exposed");
}

#[test]
fn sessions_end_at_logout() {
    let ws = common::clinic(common::clock());
    let admin = common::admin(&ws);
    call(&ws, &admin, "logout", json!({})).unwrap();
    assert_eq!(
        call(&ws, &admin, "whoami", json!({})).unwrap_err().code,
        ErrorCode::Unauthenticated
    );
    let forged = Caller::Session("00".repeat(32));
    assert_eq!(
        call(&ws, &forged, "whoami", json!({})).unwrap_err().code,
        ErrorCode::Unauthenticated
    );
}

#[test]
fn setup_runs_once() {
    let ws = common::clinic(common::clock());
    let e = ws
        .dispatch(
            &Caller::Anonymous,
            "setup_clinic",
            json!({"clinic_name": "Again", "admin_username": "boss", "admin_full_name": "B", "admin_password": STAFF_PASSWORD}),
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    let e = ws
        .dispatch(&Caller::Anonymous, "create_demo_clinic", json!({}))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
}

#[test]
fn an_admin_edits_a_user_and_the_role_takes_effect_at_once() {
    let ws = common::clinic(common::clock());
    let nurse = common::staff(&ws, "ana", "nurse");
    let admin = common::admin(&ws);
    assert_eq!(
        call(&ws, &nurse, "list_users", json!({})).unwrap_err().code,
        ErrorCode::PermissionDenied
    );
    let user = call(
        &ws,
        &admin,
        "update_user",
        json!({"username": "ana", "role": "admin", "full_name": "Ana Pérez"}),
    )
    .unwrap();
    assert_eq!(user["role"], "admin");
    assert_eq!(user["full_name"], "Ana Pérez");
    call(&ws, &nurse, "list_users", json!({})).expect("the open session now has admin rights");

    let e = call(
        &ws,
        &admin,
        "update_user",
        json!({"username": "ana", "role": "nurse", "licence_number": "L-1"}),
    )
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("licence_number"));
    let doc = call(&ws, &admin, "update_user", json!({"username": "ana", "role": "doctor", "licence_number": "L-1", "specialization": "Dermatology"})).unwrap();
    assert_eq!(doc["licence_number"], "L-1");
    let back = call(
        &ws,
        &admin,
        "update_user",
        json!({"username": "ana", "role": "nurse"}),
    )
    .unwrap();
    assert!(
        back["licence_number"].is_null(),
        "doctor fields leave with the role"
    );

    let e = call(
        &ws,
        &admin,
        "update_user",
        json!({"username": "admin", "role": "nurse"}),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict, "the last admin stays admin");
    let e = call(
        &ws,
        &admin,
        "update_user",
        json!({"username": "ghost", "full_name": "X"}),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
}

#[test]
fn clinic_settings_validate_logo_tax_and_invoice_prefix() {
    let ws = common::clinic(common::clock());
    let admin = common::admin(&ws);
    let settings = call(&ws, &admin, "get_clinic_settings", json!({})).unwrap();
    assert_eq!(settings["invoice_series_prefix"], "INV");
    assert_eq!(settings["default_tax_rate"], "0");
    let cases = [
        ("default_tax_rate", json!("abc")),
        ("default_tax_rate", json!("101")),
        ("default_tax_rate", json!("-1")),
        ("invoice_series_prefix", json!("")),
        ("invoice_series_prefix", json!("INV 2026!")),
        ("logo_data_url", json!("data:image/gif;base64,R0lGOD")),
        ("logo_data_url", json!("data:image/png;base64,bm90IGEgcG5n")),
        ("time_zone", json!("Mars/Olympus")),
        ("currency", json!("EURO")),
        ("phone", json!("call me")),
    ];
    for (field, value) in cases {
        let mut input = settings.clone();
        input[field] = value.clone();
        let e = call(&ws, &admin, "update_clinic_settings", input).unwrap_err();
        assert_eq!(e.field.as_deref(), Some(field), "{field}={value}");
    }
    // A real 1×1 PNG, an exact decimal rate and a lower-case prefix are accepted.
    let png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    let mut input = settings.clone();
    input["logo_data_url"] = json!(png);
    input["default_tax_rate"] = json!("22.50");
    input["invoice_series_prefix"] = json!("rm-a");
    input["time_zone"] = json!("Europe/Rome");
    let saved = call(&ws, &admin, "update_clinic_settings", input).unwrap();
    assert_eq!(saved["default_tax_rate"], "22.5");
    assert_eq!(saved["invoice_series_prefix"], "RM-A");
    assert_eq!(saved["logo_data_url"], png);
}
