#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The permission matrix is enforced by the registry for every command and every role.

mod common;

use clinicdesk_core::access::Role;
use clinicdesk_core::registry::Access;
use clinicdesk_core::{registry, Caller, ErrorCode, Workstation};
use serde_json::json;

/// A demo clinic has a user of every role.
fn demo() -> (Workstation, Vec<(Role, Caller)>) {
    let ws = Workstation::in_memory_with_clock(common::clock()).unwrap();
    let demo = ws
        .dispatch(&Caller::Anonymous, "create_demo_clinic", json!({}))
        .unwrap();
    let mut callers = Vec::new();
    for role in Role::ALL {
        let user = demo["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["role"] == role.as_str())
            .unwrap_or_else(|| panic!("demo has no {role}"));
        let caller = common::login(
            &ws,
            user["username"].as_str().unwrap(),
            user["password"].as_str().unwrap(),
        )
        .unwrap();
        callers.push((role, caller));
    }
    (ws, callers)
}

#[test]
fn every_command_checks_the_matrix_for_every_role() {
    let (ws, callers) = demo();
    let mut checked = 0;
    for spec in registry().iter() {
        if matches!(spec.name, "logout" | "lock_session") {
            continue; // would end or lock the sessions used below; covered in auth tests
        }
        for (role, caller) in &callers {
            // Empty input: a permitted call may fail validation, but never on permission.
            let result = ws.dispatch(caller, spec.name, json!({}));
            let denied = matches!(&result, Err(e) if e.code == ErrorCode::PermissionDenied);
            match spec.access {
                Access::Permission(p) => {
                    assert_eq!(denied, !role.has(p), "{} as {role}: {result:?}", spec.name);
                    if denied {
                        let e = result.unwrap_err();
                        assert!(e.message.contains(p.as_str()), "{}", e.message);
                    }
                }
                Access::SignedIn | Access::Public => assert!(!denied, "{} as {role}", spec.name),
            }
            checked += 1;
        }
    }
    assert!(checked >= 7 * 15, "{checked}");
}

#[test]
fn anonymous_callers_reach_only_public_commands() {
    let (ws, _) = demo();
    for spec in registry().iter() {
        let result = ws.dispatch(&Caller::Anonymous, spec.name, json!({}));
        match spec.access {
            Access::Public => assert!(
                !matches!(&result, Err(e) if e.code == ErrorCode::Unauthenticated),
                "{}: {result:?}",
                spec.name
            ),
            _ => assert_eq!(
                result.unwrap_err().code,
                ErrorCode::Unauthenticated,
                "{}",
                spec.name
            ),
        }
    }
}

#[test]
fn a_denied_attempt_is_audited() {
    let (ws, callers) = demo();
    let (_, reception) = callers
        .iter()
        .find(|(r, _)| *r == Role::Receptionist)
        .unwrap();
    let e = ws.dispatch(reception, "list_users", json!({})).unwrap_err();
    assert_eq!(e.code, ErrorCode::PermissionDenied);
    let (outcome, actor): (String, String) = ws
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT outcome, actor_name FROM audit_log WHERE action = 'list_users' ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .unwrap();
    assert_eq!((outcome.as_str(), actor.as_str()), ("denied", "reception"));
}

#[test]
fn the_kiosk_display_cannot_reach_user_or_clinic_management() {
    let (ws, callers) = demo();
    let (_, kiosk) = callers.iter().find(|(r, _)| *r == Role::Kiosk).unwrap();
    for name in [
        "list_users",
        "create_user",
        "list_audit",
        "update_clinic_settings",
        "create_backup",
    ] {
        assert_eq!(
            ws.dispatch(kiosk, name, json!({})).unwrap_err().code,
            ErrorCode::PermissionDenied,
            "{name}"
        );
    }
}

#[test]
fn unknown_commands_are_not_found() {
    let (ws, _) = demo();
    let e = ws
        .dispatch(&Caller::LocalAdmin, "drop_everything", json!({}))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
}
