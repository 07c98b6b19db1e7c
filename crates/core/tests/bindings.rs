//! The UI's TypeScript types are generated from the Rust types; this fails when the
//! committed file drifts. Regenerate with:
//! `UPDATE_BINDINGS=1 cargo test -p clinicdesk-core --test bindings`

use clinicdesk_core::registry::bindings::typescript_bindings;
use std::path::PathBuf;

#[test]
fn the_committed_typescript_bindings_match_the_rust_types() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/api/generated.ts");
    let fresh = typescript_bindings();
    if std::env::var("UPDATE_BINDINGS").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &fresh).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is out of date with the Rust types; run `UPDATE_BINDINGS=1 cargo test -p clinicdesk-core --test bindings` and commit it",
        path.display()
    );
}

#[test]
fn every_command_and_the_error_type_are_declared() {
    let ts = typescript_bindings();
    for name in [
        "login",
        "create_user",
        "setup_clinic",
        "verify_database",
        "app_status",
    ] {
        assert!(
            ts.contains(&format!("  {name}: {{ input: ")),
            "{name} missing from Commands"
        );
    }
    for ty in [
        "export type AppError",
        "export type ErrorCode",
        "export type LoginOutput",
        "export type Role",
        "export type Permission",
    ] {
        assert!(ts.contains(ty), "{ty} missing");
    }
    assert!(!ts.contains("bigint"), "i64 is a JSON number");
}
