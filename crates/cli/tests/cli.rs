//! End-to-end tests of the `clinicdesk` administration tool: the real binary, run against
//! real encrypted database files in a temporary folder of each test's own, always with an
//! explicit `--key-file` (never the OS keychain).
//!
//! The sections follow the tool's contract: set-up and users, backups and restores (also
//! on a new machine with the recovery passphrase), permissions and sign-in throttling via
//! `call`, bad input for every subcommand, tamper evidence, the command registry, the demo
//! clinic, and encryption at rest.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tempfile::TempDir;

const CLINIC_NAME: &str = "Ambulatorio Quercia Verde";
const ADMIN: &str = "boss";
const ADMIN_PASSWORD: &str = "violet tractor umbrella";
const STAFF_PASSWORD: &str = "copper lantern meadow river";
const OTHER_PASSWORD: &str = "granite pelican orchard seven";

/// Every role, as the CLI spells it.
const ROLES: [&str; 7] = [
    "admin",
    "doctor",
    "nurse",
    "receptionist",
    "pharmacist",
    "accountant",
    "kiosk",
];

// ---------------------------------------------------------------------------------------
// Fixture and helpers
// ---------------------------------------------------------------------------------------

/// The binary, with nothing inherited that could point it at another database or key.
fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_clinicdesk"));
    cmd.env_remove("CLINICDESK_DB")
        .env_remove("CLINICDESK_KEY_FILE")
        .timeout(Duration::from_secs(120));
    cmd
}

/// `clinicdesk --db DB --key-file KEY`.
fn clinicdesk(db: &Path, key: &Path) -> Command {
    let mut cmd = bin();
    cmd.arg("--db").arg(db).arg("--key-file").arg(key);
    cmd
}

/// One clinic in a temporary folder of its own: `clinic.db` and `clinic.key`.
struct Clinic {
    dir: TempDir,
    db: PathBuf,
    key: PathBuf,
    /// Printed once by `init`.
    recovery_passphrase: String,
}

impl Clinic {
    /// The paths only: nothing is created.
    fn empty() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("clinic.db");
        let key = dir.path().join("clinic.key");
        Clinic {
            dir,
            db,
            key,
            recovery_passphrase: String::new(),
        }
    }

    /// A clinic set up by `init --json`, with the administrator `boss`.
    fn new() -> Self {
        let mut clinic = Self::empty();
        let out = ok_json(
            clinic
                .json()
                .args([
                    "init",
                    "--clinic-name",
                    CLINIC_NAME,
                    "--admin-username",
                    ADMIN,
                ])
                .args([
                    "--admin-full-name",
                    "Beatrice Boss",
                    "--admin-password-stdin",
                ])
                .write_stdin(format!("{ADMIN_PASSWORD}\n")),
        );
        assert_eq!(out["admin"]["username"], ADMIN);
        assert_eq!(out["admin"]["role"], "admin");
        clinic.recovery_passphrase = out["recovery_passphrase"]
            .as_str()
            .expect("init prints the recovery passphrase")
            .into();
        clinic
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `clinicdesk --db <db> --key-file <key>`.
    fn cmd(&self) -> Command {
        clinicdesk(&self.db, &self.key)
    }

    /// The same with `--json`.
    fn json(&self) -> Command {
        let mut cmd = self.cmd();
        cmd.arg("--json");
        cmd
    }

    /// `user add` (password `STAFF_PASSWORD`); returns the new account.
    fn add_user(&self, username: &str, role: &str, extra: &[&str]) -> Value {
        let user = ok_json(
            self.json()
                .args(["user", "add", "--username", username, "--role", role])
                .args([
                    "--full-name",
                    &format!("Full Name Of {username}"),
                    "--password-stdin",
                ])
                .args(extra)
                .write_stdin(format!("{STAFF_PASSWORD}\n")),
        );
        assert_eq!(user["username"], username);
        assert_eq!(user["role"], role);
        assert_eq!(user["active"], true);
        user
    }

    /// `user list --json`.
    fn users(&self) -> Vec<Value> {
        ok_json(self.json().args(["user", "list"]))
            .as_array()
            .expect("user list --json is an array")
            .clone()
    }

    fn usernames(&self) -> BTreeSet<String> {
        self.users()
            .iter()
            .map(|u| u["username"].as_str().unwrap().to_string())
            .collect()
    }

    /// `call NAME --as USER --password-stdin --input INPUT --json`, not yet run.
    fn call(&self, name: &str, as_user: &str, password: &str, input: &Value) -> Command {
        let mut cmd = self.json();
        cmd.args([
            "call",
            name,
            "--as",
            as_user,
            "--password-stdin",
            "--input",
            &input.to_string(),
        ])
        .write_stdin(format!("{password}\n"));
        cmd
    }

    /// `call whoami` must succeed; returns its output.
    fn whoami(&self, as_user: &str, password: &str) -> Value {
        let me = ok_json(&mut self.call("whoami", as_user, password, &json!({})));
        assert_eq!(me["user"]["username"], as_user);
        me
    }

    /// `backup --out <dir>/NAME`; returns the backup path.
    fn backup(&self, name: &str) -> PathBuf {
        let out = self.path(name);
        let report = ok_json(self.json().arg("backup").arg("--out").arg(&out));
        assert_eq!(report["path"], out.display().to_string());
        assert!(report["bytes"].as_u64().unwrap() > 0);
        out
    }

    fn verify_passes(&self) {
        self.cmd()
            .arg("verify")
            .assert()
            .success()
            .stdout(predicate::str::contains("audit chain: ok"));
    }
}

/// Runs `cmd`, which must succeed, and parses its stdout as JSON.
#[track_caller]
fn ok_json(cmd: &mut Command) -> Value {
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "expected success, got {:?}\nstdout: {stdout}\nstderr: {stderr}",
        out.status
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {stdout}"))
}

/// Runs `cmd` (with `--json`), which must fail with exit 1, nothing on stdout and one JSON
/// error `{code, message, field?}` on stderr; checks the code, the field, and that the
/// message mentions every word of `mentions` (case-insensitively).
#[track_caller]
fn fails(cmd: &mut Command, code: &str, field: Option<&str>, mentions: &[&str]) -> Value {
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "expected exit 1\nstdout: {stdout}\nstderr: {stderr}"
    );
    assert!(
        stdout.trim().is_empty(),
        "a failure printed to stdout: {stdout}"
    );
    let err: Value = serde_json::from_str(stderr.trim())
        .unwrap_or_else(|e| panic!("stderr is not one JSON error ({e}): {stderr}"));
    assert_eq!(err["code"], code, "wrong code: {err}");
    if let Some(field) = field {
        assert_eq!(err["field"], field, "wrong field: {err}");
    }
    let message = err["message"]
        .as_str()
        .expect("the error has a message")
        .to_lowercase();
    for word in mentions {
        assert!(
            message.contains(&word.to_lowercase()),
            "the message {message:?} does not mention {word:?}"
        );
    }
    err
}

/// Runs `cmd` (text mode), which must fail with exit 1 and a one-line
/// `clinicdesk: error: …` on stderr; returns that line.
#[track_caller]
fn fails_text(cmd: &mut Command, mentions: &[&str]) -> String {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(
        out.status.code(),
        Some(1),
        "expected exit 1; stderr: {stderr}"
    );
    assert!(
        out.stdout.is_empty(),
        "a failure printed to stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "not a one-line message: {stderr:?}"
    );
    assert!(stderr.starts_with("clinicdesk: error: "), "{stderr:?}");
    for word in mentions {
        assert!(
            stderr.to_lowercase().contains(&word.to_lowercase()),
            "{stderr:?} does not mention {word:?}"
        );
    }
    stderr
}

/// The file names in `dir`, sorted.
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn mode_of(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A well-formed key file (mode 0600) holding a key that opens no clinic of ours.
fn write_foreign_key(path: &Path) {
    fs::write(path, format!("{}\n", "5a".repeat(32))).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o600)).unwrap();
}

/// `<db>` + suffix, e.g. `clinic.db.audit-anchor`.
fn beside(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

// ---------------------------------------------------------------------------------------
// 1. Set-up, users, backup, restore, verify
// ---------------------------------------------------------------------------------------

#[test]
fn init_creates_owner_only_files_and_prints_the_passphrase_once() {
    let clinic = Clinic::empty();
    let assert = clinic
        .cmd()
        .args([
            "init",
            "--clinic-name",
            CLINIC_NAME,
            "--admin-username",
            ADMIN,
            "--admin-password-stdin",
        ])
        .write_stdin(format!("{ADMIN_PASSWORD}\n"))
        .assert()
        .success();
    let text = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(text.contains("RECOVERY PASSPHRASE"), "{text}");
    assert!(text.contains(ADMIN), "{text}");
    // Six groups of five characters, as printed for the clinic safe.
    let passphrase = text
        .lines()
        .map(str::trim)
        .find(|l| l.len() == 35 && l.split('-').count() == 6)
        .unwrap_or_else(|| panic!("no passphrase line in {text}"));

    assert_eq!(
        mode_of(&clinic.key),
        0o600,
        "the key file must be owner-only"
    );
    assert_eq!(
        mode_of(&clinic.db),
        0o600,
        "the database must be owner-only"
    );
    assert_eq!(mode_of(&beside(&clinic.db, ".recovery")), 0o600);
    let key_hex = fs::read_to_string(&clinic.key).unwrap();
    assert_eq!(key_hex.trim().len(), 64);
    assert!(key_hex.trim().chars().all(|c| c.is_ascii_hexdigit()));

    // Later commands never print it again.
    let list = clinic.cmd().args(["user", "list"]).assert().success();
    assert!(!String::from_utf8_lossy(&list.get_output().stdout).contains(passphrase));
    clinic.verify_passes();
}

#[test]
fn users_of_every_role_survive_backup_and_restore() {
    let clinic = Clinic::new();
    // A doctor's department must exist first; an unknown one is refused by name.
    fails(
        clinic
            .cmd()
            .args([
                "--json",
                "user",
                "add",
                "--username",
                "dr.nobody",
                "--role",
                "doctor",
                "--full-name",
                "Dr. Nobody",
                "--department",
                "Cardiology",
                "--password-stdin",
            ])
            .write_stdin(format!("{STAFF_PASSWORD}\n")),
        "validation",
        Some("department"),
        &["Cardiology"],
    );
    ok_json(&mut clinic.call(
        "create_department",
        ADMIN,
        ADMIN_PASSWORD,
        &serde_json::json!({"name": "Cardiology", "description": "Heart and vessels"}),
    ));

    let doctor = clinic.add_user(
        "dr.grey",
        "doctor",
        &[
            "--licence-number",
            "MED-IT-4242",
            "--specialization",
            "Cardiology",
            "--department",
            "Cardiology",
        ],
    );
    assert_eq!(doctor["licence_number"], "MED-IT-4242");
    assert_eq!(doctor["specialization"], "Cardiology");
    assert_eq!(doctor["must_change_password"], false);
    let staff = [
        ("nurse.joy", "nurse"),
        ("front.desk", "receptionist"),
        ("pharma.ken", "pharmacist"),
        ("ledger.amy", "accountant"),
        ("lobby.screen", "kiosk"),
        ("deputy.admin", "admin"),
    ];
    for (username, role) in staff {
        let user = clinic.add_user(username, role, &[]);
        assert!(user["licence_number"].is_null());
    }
    let temp = clinic.add_user("new.starter", "nurse", &["--temporary"]);
    assert_eq!(
        temp["must_change_password"], true,
        "--temporary makes the user choose a password"
    );

    // Text listing: a header, then one line per user with role and status.
    let listing = clinic.cmd().args(["user", "list"]).assert().success();
    let text = String::from_utf8_lossy(&listing.get_output().stdout).to_string();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    for column in ["USERNAME", "ROLE", "STATUS", "FULL NAME"] {
        assert!(header.contains(column), "{header}");
    }
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 9, "{text}");
    for (username, role) in staff
        .iter()
        .chain(&[("dr.grey", "doctor"), (ADMIN, "admin")])
    {
        let row = rows
            .iter()
            .find(|r| r.split_whitespace().next() == Some(*username))
            .unwrap_or_else(|| panic!("{username} missing from\n{text}"));
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(&cols[1..3], &[*role, "active"], "{row}");
    }

    // JSON listing: every role is there, and no password hash ever leaves the tool.
    let users = clinic.users();
    assert_eq!(users.len(), 9);
    let roles: BTreeSet<&str> = users.iter().map(|u| u["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ROLES.into_iter().collect());
    let raw = serde_json::to_string(&users).unwrap();
    assert!(
        !raw.contains("argon2") && !raw.contains("password_hash"),
        "{raw}"
    );

    // Each new account signs in with its own permissions.
    let me = clinic.whoami("dr.grey", STAFF_PASSWORD);
    assert_eq!(me["user"]["role"], "doctor");
    assert_eq!(me["user"]["licence_number"], "MED-IT-4242");
    let perms = |v: &Value| -> BTreeSet<String> {
        v["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_string())
            .collect()
    };
    assert!(perms(&me).contains("prescriptions.write"));
    for (username, role) in staff {
        let me = clinic.whoami(username, STAFF_PASSWORD);
        assert_eq!(me["user"]["role"], role);
        let p = perms(&me);
        assert_eq!(p.contains("users.manage"), role == "admin", "{role}: {p:?}");
        if role == "receptionist" || role == "kiosk" {
            assert!(
                !p.contains("clinical.read"),
                "{role} must not read clinical notes"
            );
        }
        if role == "kiosk" {
            assert!(
                !p.contains("patients.read"),
                "the kiosk must not read patients"
            );
        }
    }

    // Backup, with its recovery file beside it, both owner-only and encrypted.
    let backup = clinic.path("clinic-backup.cdb");
    let report = ok_json(clinic.json().arg("backup").arg("--out").arg(&backup));
    let recovery = beside(&backup, ".recovery");
    assert_eq!(report["recovery_file"], recovery.display().to_string());
    assert_eq!(
        report["bytes"].as_u64().unwrap(),
        fs::metadata(&backup).unwrap().len()
    );
    assert!(recovery.is_file());
    assert_eq!(mode_of(&backup), 0o600);

    // Restore into a new database with the same key: same users, clean verification.
    let restored = clinic.path("restored.db");
    let report = ok_json(
        clinicdesk(&restored, &clinic.key)
            .args(["--json", "restore", "--from"])
            .arg(&backup),
    );
    assert_eq!(report["restored_to"], restored.display().to_string());
    assert!(report["audit_entries"].as_i64().unwrap() > 9, "{report}");
    clinicdesk(&restored, &clinic.key)
        .arg("verify")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("audit chain: ok")
                .and(predicate::str::contains("database: ok")),
        );
    let restored_users =
        ok_json(clinicdesk(&restored, &clinic.key).args(["--json", "user", "list"]));
    assert_eq!(
        restored_users,
        Value::Array(users),
        "the restored clinic has exactly the same accounts"
    );
    assert!(
        beside(&restored, ".recovery").is_file(),
        "the restored clinic keeps its recovery file"
    );
    ok_json(
        clinicdesk(&restored, &clinic.key)
            .args([
                "--json",
                "call",
                "whoami",
                "--as",
                "dr.grey",
                "--password-stdin",
            ])
            .write_stdin(STAFF_PASSWORD),
    );
    clinic.verify_passes();
}

// ---------------------------------------------------------------------------------------
// 2. Restore on a new machine with the recovery passphrase
// ---------------------------------------------------------------------------------------

/// Copies a backup and its recovery file into a fresh folder, as a USB stick would.
fn carry_to_new_machine(backup: &Path) -> (TempDir, PathBuf) {
    let machine = tempfile::tempdir().unwrap();
    let copy = machine.path().join("carried.cdb");
    fs::copy(backup, &copy).unwrap();
    fs::copy(beside(backup, ".recovery"), beside(&copy, ".recovery")).unwrap();
    (machine, copy)
}

#[test]
fn restore_on_a_new_machine_with_the_recovery_passphrase() {
    let clinic = Clinic::new();
    clinic.add_user("nurse.joy", "nurse", &[]);
    let backup = clinic.backup("clinic.cdb");
    let (machine, carried) = carry_to_new_machine(&backup);
    let db = machine.path().join("data").join("clinic.db");
    let key = machine.path().join("keys").join("clinic.key");
    assert!(!key.exists());

    let report = ok_json(
        clinicdesk(&db, &key)
            .args(["--json", "restore", "--recovery-passphrase-stdin", "--from"])
            .arg(&carried)
            .write_stdin(format!("{}\n", clinic.recovery_passphrase)),
    );
    assert_eq!(report["restored_to"], db.display().to_string());
    assert_eq!(mode_of(&key), 0o600, "the new key file is owner-only");
    assert_eq!(
        fs::read_to_string(&key).unwrap().trim(),
        fs::read_to_string(&clinic.key).unwrap().trim(),
        "the passphrase recovers the clinic's own key"
    );
    clinicdesk(&db, &key)
        .arg("verify")
        .assert()
        .success()
        .stdout(predicate::str::contains("audit chain: ok"));
    let users = ok_json(clinicdesk(&db, &key).args(["--json", "user", "list"]));
    let names: BTreeSet<&str> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, BTreeSet::from([ADMIN, "nurse.joy"]));
    ok_json(
        clinicdesk(&db, &key)
            .args([
                "--json",
                "call",
                "whoami",
                "--as",
                "nurse.joy",
                "--password-stdin",
            ])
            .write_stdin(STAFF_PASSWORD),
    );

    // Typed back from paper: lower case, spaces instead of dashes.
    let (machine2, carried2) = carry_to_new_machine(&backup);
    let sloppy = clinic.recovery_passphrase.to_lowercase().replace('-', " ");
    let db2 = machine2.path().join("clinic.db");
    let key2 = machine2.path().join("clinic.key");
    clinicdesk(&db2, &key2)
        .args(["restore", "--recovery-passphrase-stdin", "--from"])
        .arg(&carried2)
        .write_stdin(format!("{sloppy}\n"))
        .assert()
        .success()
        .stdout(predicate::str::contains("Restored"));
    clinicdesk(&db2, &key2).arg("verify").assert().success();
}

#[test]
fn a_wrong_recovery_passphrase_restores_nothing() {
    let clinic = Clinic::new();
    let backup = clinic.backup("clinic.cdb");
    let (machine, carried) = carry_to_new_machine(&backup);
    let before = files_in(machine.path());
    let db = machine.path().join("clinic.db");
    let key = machine.path().join("clinic.key");

    // A plausible passphrase, one character off.
    let mut wrong: Vec<char> = clinic.recovery_passphrase.chars().collect();
    wrong[0] = if wrong[0] == 'A' { 'B' } else { 'A' };
    let wrong: String = wrong.into_iter().collect();
    fails(
        clinicdesk(&db, &key)
            .args(["--json", "restore", "--recovery-passphrase-stdin", "--from"])
            .arg(&carried)
            .write_stdin(format!("{wrong}\n")),
        "wrong_key",
        Some("recovery_passphrase"),
        &["passphrase"],
    );
    assert_eq!(files_in(machine.path()), before, "no key file, no database");

    fails_text(
        clinicdesk(&db, &key)
            .args(["restore", "--recovery-passphrase-stdin", "--from"])
            .arg(&carried)
            .write_stdin("not-the-passphrase\n"),
        &["passphrase"],
    );
    assert_eq!(files_in(machine.path()), before);

    // Without the passphrase the new machine has no key: the message names the key file.
    fails(
        clinicdesk(&db, &key)
            .args(["--json", "restore", "--from"])
            .arg(&carried),
        "not_found",
        None,
        &["key file", &key.display().to_string()],
    );
    assert_eq!(files_in(machine.path()), before);

    // An empty passphrase is refused before anything is read.
    fails(
        clinicdesk(&db, &key)
            .args(["--json", "restore", "--recovery-passphrase-stdin", "--from"])
            .arg(&carried)
            .write_stdin(""),
        "validation",
        Some("recovery_passphrase"),
        &["empty"],
    );
    assert_eq!(files_in(machine.path()), before);
}

// ---------------------------------------------------------------------------------------
// 3. Restore never overwrites by accident
// ---------------------------------------------------------------------------------------

#[test]
fn restore_refuses_to_overwrite_without_force_and_replaces_with_force() {
    let clinic = Clinic::new();
    clinic.add_user("before.backup", "nurse", &[]);
    let backup = clinic.backup("clinic.cdb");
    clinic.add_user("after.backup", "nurse", &[]);
    let db_bytes = fs::read(&clinic.db).unwrap();

    fails(
        clinic.json().args(["restore", "--from"]).arg(&backup),
        "conflict",
        Some("db"),
        &["already exists", "--force"],
    );
    fails_text(
        clinic.cmd().args(["restore", "--from"]).arg(&backup),
        &["--force"],
    );
    assert_eq!(
        fs::read(&clinic.db).unwrap(),
        db_bytes,
        "the live database is untouched"
    );
    assert!(clinic.usernames().contains("after.backup"));

    clinic
        .cmd()
        .args(["restore", "--force", "--from"])
        .arg(&backup)
        .assert()
        .success();
    assert_eq!(
        clinic.usernames(),
        BTreeSet::from([ADMIN.to_string(), "before.backup".to_string()])
    );
    clinic.verify_passes();
    clinic.whoami("before.backup", STAFF_PASSWORD);
    // The restored clinic keeps working: new accounts and backups.
    clinic.add_user("after.restore", "doctor", &[]);
    clinic.verify_passes();
}

/// BUG (reported): `restore --recovery-passphrase-stdin` stores the unwrapped key in
/// `--key-file` *before* the restore runs, and leaves it there when the restore fails
/// (here: the target exists and --force is missing). The contract says nothing is left
/// half-written; and the stray key later blocks restoring another clinic's backup there
/// ("a different database key is already stored").
#[test]
fn a_failed_restore_with_the_passphrase_leaves_no_key_file() {
    let clinic = Clinic::new();
    let backup = clinic.backup("clinic.cdb");
    let (machine, carried) = carry_to_new_machine(&backup);
    let db = machine.path().join("clinic.db");
    fs::write(
        &db,
        b"an existing file the operator did not mean to replace",
    )
    .unwrap();
    let key = machine.path().join("clinic.key");
    fails(
        clinicdesk(&db, &key)
            .args(["--json", "restore", "--recovery-passphrase-stdin", "--from"])
            .arg(&carried)
            .write_stdin(format!("{}\n", clinic.recovery_passphrase)),
        "conflict",
        Some("db"),
        &["--force"],
    );
    assert!(!key.exists(), "the failed restore left a key file behind");
}

// ---------------------------------------------------------------------------------------
// 4. Permissions and sign-in via `call`
// ---------------------------------------------------------------------------------------

#[test]
fn roles_are_enforced_through_call_and_denials_are_audited() {
    let clinic = Clinic::new();
    clinic.add_user("front.desk", "receptionist", &[]);

    fails(
        &mut clinic.call("list_users", "front.desk", STAFF_PASSWORD, &json!({})),
        "permission_denied",
        None,
        &["receptionist", "users.manage"],
    );
    let intruder = json!({"username": "sneaky.admin", "full_name": "Sneaky", "role": "admin", "password": OTHER_PASSWORD});
    fails(
        &mut clinic.call("create_user", "front.desk", STAFF_PASSWORD, &intruder),
        "permission_denied",
        None,
        &["users.manage"],
    );
    assert!(
        !clinic.usernames().contains("sneaky.admin"),
        "a denied create_user created nobody"
    );

    // The same commands work for the administrator.
    let listed = ok_json(&mut clinic.call("list_users", ADMIN, ADMIN_PASSWORD, &json!({})));
    assert_eq!(listed.as_array().unwrap().len(), 2);
    let nurse = json!({"username": "nurse.joy", "full_name": "Joy", "role": "nurse", "password": OTHER_PASSWORD});
    let created = ok_json(&mut clinic.call("create_user", ADMIN, ADMIN_PASSWORD, &nurse));
    assert_eq!(created["role"], "nurse");
    assert_eq!(
        created["must_change_password"], true,
        "accounts made in the app default to a temporary password"
    );
    clinic.whoami("nurse.joy", OTHER_PASSWORD);

    // Both denials are in the audit log, attributed to the receptionist.
    let audit =
        ok_json(&mut clinic.call("list_audit", ADMIN, ADMIN_PASSWORD, &json!({"limit": 500})));
    let denied: BTreeSet<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["outcome"] == "denied" && e["actor_name"] == "front.desk")
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(denied, BTreeSet::from(["create_user", "list_users"]));
    // And the receptionist may not read the audit log either.
    fails(
        &mut clinic.call("list_audit", "front.desk", STAFF_PASSWORD, &json!({})),
        "permission_denied",
        None,
        &[],
    );
    clinic.verify_passes();
}

#[test]
fn a_wrong_password_and_an_unknown_user_look_the_same() {
    let clinic = Clinic::new();
    let wrong = fails(
        &mut clinic.call("whoami", ADMIN, OTHER_PASSWORD, &json!({})),
        "invalid_credentials",
        None,
        &["password"],
    );
    let unknown = fails(
        &mut clinic.call("whoami", "nobody.here", OTHER_PASSWORD, &json!({})),
        "invalid_credentials",
        None,
        &[],
    );
    assert_eq!(wrong, unknown, "no account enumeration through the error");
    fails_text(
        clinic
            .cmd()
            .args(["call", "whoami", "--as", ADMIN, "--password-stdin"])
            .write_stdin(format!("{OTHER_PASSWORD}\n")),
        &["wrong username or password"],
    );
}

#[test]
fn five_wrong_passwords_lock_the_account_until_an_admin_resets_it() {
    let clinic = Clinic::new();
    clinic.add_user("nurse.joy", "nurse", &[]);
    for attempt in 1..=4 {
        let err = fails(
            &mut clinic.call("whoami", "nurse.joy", OTHER_PASSWORD, &json!({})),
            "invalid_credentials",
            None,
            &[],
        );
        assert!(err.get("field").is_none(), "attempt {attempt}: {err}");
    }
    fails(
        &mut clinic.call("whoami", "nurse.joy", OTHER_PASSWORD, &json!({})),
        "locked_out",
        None,
        &["locked until"],
    );
    // Locked even for the right password.
    fails(
        &mut clinic.call("whoami", "nurse.joy", STAFF_PASSWORD, &json!({})),
        "locked_out",
        None,
        &["too many failed sign-ins"],
    );
    let listing = clinic.cmd().args(["user", "list"]).assert().success();
    let text = String::from_utf8_lossy(&listing.get_output().stdout).to_string();
    let row = text.lines().find(|l| l.starts_with("nurse.joy")).unwrap();
    assert_eq!(row.split_whitespace().nth(2), Some("locked"), "{text}");
    let locked = clinic
        .users()
        .into_iter()
        .find(|u| u["username"] == "nurse.joy")
        .unwrap();
    assert!(locked["locked_until"].is_string(), "{locked}");
    // Other accounts are not affected.
    clinic.whoami(ADMIN, ADMIN_PASSWORD);

    // The administrator's reset clears the lock.
    let reset = ok_json(
        clinic
            .json()
            .args([
                "user",
                "passwd",
                "--username",
                "nurse.joy",
                "--temporary",
                "--password-stdin",
            ])
            .write_stdin(format!("{OTHER_PASSWORD}\n")),
    );
    assert!(reset["locked_until"].is_null(), "{reset}");
    assert_eq!(reset["must_change_password"], true);
    let me = clinic.whoami("nurse.joy", OTHER_PASSWORD);
    assert_eq!(me["user"]["must_change_password"], true);
    fails(
        &mut clinic.call("whoami", "nurse.joy", STAFF_PASSWORD, &json!({})),
        "invalid_credentials",
        None,
        &[],
    );
    let listing = clinic.cmd().args(["user", "list"]).assert().success();
    let text = String::from_utf8_lossy(&listing.get_output().stdout).to_string();
    let row = text.lines().find(|l| l.starts_with("nurse.joy")).unwrap();
    assert_eq!(row.split_whitespace().nth(2), Some("active"), "{text}");
    clinic.verify_passes();
}

#[test]
fn a_temporary_password_must_be_changed_before_anything_else() {
    let clinic = Clinic::new();
    clinic.add_user("deputy.admin", "admin", &["--temporary"]);
    let me = clinic.whoami("deputy.admin", STAFF_PASSWORD);
    assert_eq!(me["user"]["must_change_password"], true);
    fails(
        &mut clinic.call("list_users", "deputy.admin", STAFF_PASSWORD, &json!({})),
        "password_change_required",
        None,
        &["new password"],
    );
    let change = json!({"current_password": STAFF_PASSWORD, "new_password": OTHER_PASSWORD});
    ok_json(&mut clinic.call("change_password", "deputy.admin", STAFF_PASSWORD, &change));
    let listed =
        ok_json(&mut clinic.call("list_users", "deputy.admin", OTHER_PASSWORD, &json!({})));
    assert_eq!(listed.as_array().unwrap().len(), 2);
    fails(
        &mut clinic.call("whoami", "deputy.admin", STAFF_PASSWORD, &json!({})),
        "invalid_credentials",
        None,
        &[],
    );
}

#[test]
fn a_disabled_account_cannot_sign_in_until_enabled() {
    let clinic = Clinic::new();
    clinic.add_user("nurse.joy", "nurse", &[]);
    let user = ok_json(
        clinic
            .json()
            .args(["user", "disable", "--username", "nurse.joy"]),
    );
    assert_eq!(user["active"], false);
    fails(
        &mut clinic.call("whoami", "nurse.joy", STAFF_PASSWORD, &json!({})),
        "account_disabled",
        None,
        &["disabled"],
    );
    clinic
        .cmd()
        .args(["user", "list"])
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"(?m)^nurse\.joy\s+nurse\s+disabled\s").unwrap());
    // Accounts are never deleted: enabling restores access with the same password.
    clinic
        .cmd()
        .args(["user", "enable", "--username", "nurse.joy"])
        .assert()
        .success()
        .stdout(predicate::str::contains("enabled"));
    clinic.whoami("nurse.joy", STAFF_PASSWORD);
}

// ---------------------------------------------------------------------------------------
// 5. Bad input, subcommand by subcommand
// ---------------------------------------------------------------------------------------

/// `init` with a password from stdin, `--json`.
fn init_cmd(db: &Path, key: &Path, extra: &[&str], stdin: &str) -> Command {
    let mut cmd = clinicdesk(db, key);
    cmd.args([
        "--json",
        "init",
        "--clinic-name",
        CLINIC_NAME,
        "--admin-username",
        ADMIN,
    ])
    .args(extra)
    .write_stdin(stdin.to_string());
    cmd
}

#[test]
fn a_failed_init_leaves_nothing_behind() {
    let c = Clinic::empty();
    let stdin = format!("{ADMIN_PASSWORD}\n");
    let flag: &[&str] = &["--admin-password-stdin"];
    let cases: [(&[&str], &str, &str, &[&str]); 8] = [
        (flag, "password1234\n", "admin_password", &["too common"]),
        (flag, "short pw\n", "admin_password", &["at least 12"]),
        (
            flag,
            "boss violet tractor\n",
            "admin_password",
            &["username"],
        ),
        (&[], &stdin, "admin_password", &["--admin-password-stdin"]),
        (flag, "", "admin_password", &["empty"]),
        (flag, "\n", "admin_password", &["empty"]),
        (
            &["--admin-password-stdin", "--time-zone", "Mars/Olympus"],
            &stdin,
            "time_zone",
            &["Mars/Olympus"],
        ),
        (
            &["--admin-password-stdin", "--currency", "EURO"],
            &stdin,
            "currency",
            &["ISO 4217"],
        ),
    ];
    for (extra, input, field, mentions) in cases {
        fails(
            &mut init_cmd(&c.db, &c.key, extra, input),
            "validation",
            Some(field),
            mentions,
        );
        assert_eq!(
            files_in(c.dir.path()),
            Vec::<String>::new(),
            "{extra:?} left files behind"
        );
    }
    // A bad clinic name or administrator username.
    fails(
        clinicdesk(&c.db, &c.key)
            .args([
                "--json",
                "init",
                "--clinic-name",
                "  ",
                "--admin-username",
                ADMIN,
                "--admin-password-stdin",
            ])
            .write_stdin(stdin.clone()),
        "validation",
        Some("clinic_name"),
        &["required"],
    );
    fails(
        clinicdesk(&c.db, &c.key)
            .args([
                "--json",
                "init",
                "--clinic-name",
                CLINIC_NAME,
                "--admin-username",
                "9lives",
                "--admin-password-stdin",
            ])
            .write_stdin(stdin.clone()),
        "validation",
        Some("admin_username"),
        &["username"],
    );
    fails_text(
        clinicdesk(&c.db, &c.key)
            .args([
                "init",
                "--clinic-name",
                CLINIC_NAME,
                "--admin-username",
                ADMIN,
                "--admin-password-stdin",
            ])
            .write_stdin("password1234\n"),
        &["password", "[admin_password]"],
    );
    assert_eq!(files_in(c.dir.path()), Vec::<String>::new());

    // A key file that was provisioned beforehand is kept (only what init made is removed).
    write_foreign_key(&c.key);
    let key_before = fs::read(&c.key).unwrap();
    fails(
        &mut init_cmd(&c.db, &c.key, &["--admin-password-stdin"], "password1234\n"),
        "validation",
        Some("admin_password"),
        &[],
    );
    assert_eq!(files_in(c.dir.path()), vec!["clinic.key".to_string()]);
    assert_eq!(fs::read(&c.key).unwrap(), key_before);
    // ... and a good init then uses it.
    ok_json(&mut init_cmd(
        &c.db,
        &c.key,
        &["--admin-password-stdin"],
        &stdin,
    ));
    assert_eq!(fs::read(&c.key).unwrap(), key_before);
}

#[test]
fn init_twice_is_a_conflict_and_changes_nothing() {
    let clinic = Clinic::new();
    let db_before = fs::read(&clinic.db).unwrap();
    let key_before = fs::read(&clinic.key).unwrap();
    let recovery_before = fs::read(beside(&clinic.db, ".recovery")).unwrap();
    fails(
        &mut init_cmd(
            &clinic.db,
            &clinic.key,
            &["--admin-password-stdin"],
            &format!("{OTHER_PASSWORD}\n"),
        ),
        "conflict",
        None,
        &["already set up"],
    );
    fails(
        clinic.json().arg("demo"),
        "conflict",
        None,
        &["already set up"],
    );
    assert_eq!(
        fs::read(&clinic.db).unwrap(),
        db_before,
        "a refused init changes nothing"
    );
    assert_eq!(
        fs::read(&clinic.key).unwrap(),
        key_before,
        "the key is never replaced"
    );
    assert_eq!(
        fs::read(beside(&clinic.db, ".recovery")).unwrap(),
        recovery_before,
        "nor the recovery file"
    );
    assert_eq!(clinic.usernames(), BTreeSet::from([ADMIN.to_string()]));
    clinic.whoami(ADMIN, ADMIN_PASSWORD);
    fails(
        &mut clinic.call("whoami", ADMIN, OTHER_PASSWORD, &json!({})),
        "invalid_credentials",
        None,
        &[],
    );
    clinic.verify_passes();
}

#[test]
fn user_add_rejects_bad_input_and_names_the_field() {
    let clinic = Clinic::new();
    let add = |username: &str, role: &str, full_name: &str, extra: &[&str], stdin: &str| {
        let mut cmd = clinic.json();
        cmd.args([
            "user",
            "add",
            &format!("--username={username}"),
            "--role",
            role,
            "--full-name",
            full_name,
        ])
        .args(extra)
        .write_stdin(stdin.to_string());
        cmd
    };
    let pw = format!("{STAFF_PASSWORD}\n");
    let ps = ["--password-stdin"];

    let err = fails(
        &mut add("nurse.joy", "surgeon", "Joy", &ps, &pw),
        "validation",
        Some("role"),
        &["surgeon"],
    );
    for role in ROLES {
        assert!(
            err["message"].as_str().unwrap().contains(role),
            "the message lists the roles: {err}"
        );
    }
    fails(
        &mut add(ADMIN, "nurse", "Joy", &ps, &pw),
        "conflict",
        Some("username"),
        &["taken"],
    );
    fails(
        &mut add("BOSS", "nurse", "Joy", &ps, &pw),
        "conflict",
        Some("username"),
        &["taken"],
    );
    fails(
        &mut add("nurse.joy", "nurse", "Joy", &ps, "password1234\n"),
        "validation",
        Some("password"),
        &["too common"],
    );
    fails(
        &mut add("nurse.joy", "nurse", "Joy", &ps, "short\n"),
        "validation",
        Some("password"),
        &["at least 12"],
    );
    fails(
        &mut add(
            "nurse.joy",
            "nurse",
            "Joy",
            &ps,
            "nurse.joy violet tractor\n",
        ),
        "validation",
        Some("password"),
        &["username"],
    );
    for bad in [
        "jo",
        "9lives",
        "has space",
        "ünïcode",
        "-dash",
        &"x".repeat(33),
    ] {
        fails(
            &mut add(bad, "nurse", "Joy", &ps, &pw),
            "validation",
            Some("username"),
            &["3 to 32"],
        );
    }
    fails(
        &mut add("nurse.joy", "nurse", " ", &ps, &pw),
        "validation",
        Some("full_name"),
        &["required"],
    );
    fails(
        &mut add(
            "nurse.joy",
            "nurse",
            "Joy",
            &["--password-stdin", "--licence-number", "MED-1"],
            &pw,
        ),
        "validation",
        Some("licence_number"),
        &["only doctors"],
    );
    fails(
        &mut add("nurse.joy", "nurse", "Joy", &[], &pw),
        "validation",
        Some("password"),
        &["--password-stdin"],
    );
    fails(
        &mut add("nurse.joy", "nurse", "Joy", &ps, ""),
        "validation",
        Some("password"),
        &["empty"],
    );
    fails_text(
        clinic
            .cmd()
            .args([
                "user",
                "add",
                "--username",
                "nurse.joy",
                "--role",
                "surgeon",
                "--full-name",
                "Joy",
                "--password-stdin",
            ])
            .write_stdin(pw.clone()),
        &["unknown role", "[role]"],
    );
    assert_eq!(
        clinic.usernames(),
        BTreeSet::from([ADMIN.to_string()]),
        "no bad input created an account"
    );
    // A missing required option is a usage error (clap), still non-zero and named.
    clinic
        .cmd()
        .args([
            "user",
            "add",
            "--username",
            "nurse.joy",
            "--full-name",
            "Joy",
            "--password-stdin",
        ])
        .write_stdin(pw)
        .assert()
        .failure()
        .stderr(predicate::str::contains("--role"));
}

#[test]
fn user_management_of_an_unknown_user_names_it() {
    let clinic = Clinic::new();
    fails(
        clinic
            .json()
            .args(["user", "passwd", "--username", "ghost", "--password-stdin"])
            .write_stdin(format!("{OTHER_PASSWORD}\n")),
        "not_found",
        Some("username"),
        &["ghost"],
    );
    fails(
        clinic
            .json()
            .args(["user", "disable", "--username", "ghost"]),
        "not_found",
        Some("username"),
        &["ghost"],
    );
    fails(
        clinic
            .json()
            .args(["user", "enable", "--username", "ghost"]),
        "not_found",
        Some("username"),
        &["ghost"],
    );
    fails_text(
        clinic
            .cmd()
            .args(["user", "disable", "--username", "ghost"]),
        &["ghost", "[username]"],
    );
    // passwd: the new password follows the policy; the flag and stdin are required.
    fails(
        clinic
            .json()
            .args(["user", "passwd", "--username", ADMIN, "--password-stdin"])
            .write_stdin("password1234\n"),
        "validation",
        Some("new_password"),
        &["too common"],
    );
    fails(
        clinic
            .json()
            .args(["user", "passwd", "--username", ADMIN])
            .write_stdin(format!("{OTHER_PASSWORD}\n")),
        "validation",
        Some("password"),
        &["--password-stdin"],
    );
    fails(
        clinic
            .json()
            .args(["user", "passwd", "--username", ADMIN, "--password-stdin"])
            .write_stdin(""),
        "validation",
        Some("new_password"),
        &["empty"],
    );
    clinic.whoami(ADMIN, ADMIN_PASSWORD);
}

#[test]
fn the_last_active_administrator_cannot_be_disabled() {
    let clinic = Clinic::new();
    fails(
        clinic.json().args(["user", "disable", "--username", ADMIN]),
        "conflict",
        Some("username"),
        &["last active administrator"],
    );
    clinic.add_user("deputy.admin", "admin", &[]);
    clinic
        .cmd()
        .args(["user", "disable", "--username", ADMIN])
        .assert()
        .success();
    fails(
        clinic
            .json()
            .args(["user", "disable", "--username", "deputy.admin"]),
        "conflict",
        Some("username"),
        &["last active administrator"],
    );
    clinic.whoami("deputy.admin", STAFF_PASSWORD);
    fails(
        &mut clinic.call("whoami", ADMIN, ADMIN_PASSWORD, &json!({})),
        "account_disabled",
        None,
        &[],
    );
    clinic
        .cmd()
        .args(["user", "enable", "--username", ADMIN])
        .assert()
        .success();
    clinic.whoami(ADMIN, ADMIN_PASSWORD);
}

/// Every subcommand that opens the database, as argument lists (after the global options),
/// with what it reads from stdin.
fn database_commands(scratch: &Path) -> Vec<(Vec<String>, &'static str)> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let pw = "granite pelican orchard seven\n";
    vec![
        (s(&["user", "list"]), ""),
        (
            s(&[
                "user",
                "add",
                "--username",
                "nurse.joy",
                "--role",
                "nurse",
                "--full-name",
                "Joy",
                "--password-stdin",
            ]),
            pw,
        ),
        (
            s(&["user", "passwd", "--username", ADMIN, "--password-stdin"]),
            pw,
        ),
        (s(&["user", "disable", "--username", ADMIN]), ""),
        (s(&["user", "enable", "--username", ADMIN]), ""),
        (s(&["migrate"]), ""),
        (s(&["verify"]), ""),
        (
            vec![
                "backup".into(),
                "--out".into(),
                scratch.join("out.cdb").display().to_string(),
            ],
            "",
        ),
        (
            s(&["call", "whoami", "--as", ADMIN, "--password-stdin"]),
            "violet tractor umbrella\n",
        ),
    ]
}

#[test]
fn a_wrong_key_is_refused_by_every_command_and_changes_nothing() {
    let clinic = Clinic::new();
    let backup = clinic.backup("clinic.cdb");
    let scratch = tempfile::tempdir().unwrap();
    let wrong = scratch.path().join("wrong.key");
    write_foreign_key(&wrong);
    let db_before = fs::read(&clinic.db).unwrap();
    let files_before = files_in(clinic.dir.path());

    for (args, stdin) in database_commands(scratch.path()) {
        let mut cmd = clinicdesk(&clinic.db, &wrong);
        cmd.arg("--json").args(&args).write_stdin(stdin);
        fails(&mut cmd, "wrong_key", None, &["key"]);
    }
    // init/demo on the existing database, and restore with a key that does not open the backup.
    fails(
        &mut init_cmd(
            &clinic.db,
            &wrong,
            &["--admin-password-stdin"],
            &format!("{OTHER_PASSWORD}\n"),
        ),
        "wrong_key",
        None,
        &[],
    );
    fails(
        clinicdesk(&clinic.db, &wrong).args(["--json", "demo"]),
        "wrong_key",
        None,
        &[],
    );
    let target = scratch.path().join("restored.db");
    fails(
        clinicdesk(&target, &wrong)
            .args(["--json", "restore", "--from"])
            .arg(&backup),
        "wrong_key",
        None,
        &[],
    );
    fails_text(
        clinicdesk(&clinic.db, &wrong).args(["user", "list"]),
        &["does not open"],
    );

    assert_eq!(
        fs::read(&clinic.db).unwrap(),
        db_before,
        "a wrong key must not touch the database"
    );
    assert_eq!(files_in(clinic.dir.path()), files_before);
    assert_eq!(
        files_in(scratch.path()),
        vec!["wrong.key".to_string()],
        "no backup, no restored database, no leftovers"
    );
    clinic.verify_passes();
}

#[test]
fn a_missing_unsafe_or_malformed_key_file_is_refused_and_never_replaced() {
    let clinic = Clinic::new();
    let scratch = tempfile::tempdir().unwrap();
    let missing = scratch.path().join("typo.key");
    let open = scratch.path().join("open.key");
    fs::copy(&clinic.key, &open).unwrap();
    fs::set_permissions(&open, fs::Permissions::from_mode(0o644)).unwrap();
    let malformed = scratch.path().join("malformed.key");
    fs::write(&malformed, "this is not a key\n").unwrap();
    fs::set_permissions(&malformed, fs::Permissions::from_mode(0o600)).unwrap();
    let short = scratch.path().join("short.key");
    fs::write(&short, "abcdef0123\n").unwrap();
    fs::set_permissions(&short, fs::Permissions::from_mode(0o600)).unwrap();

    for (args, stdin) in database_commands(scratch.path()) {
        let run = |key: &Path| {
            let mut cmd = clinicdesk(&clinic.db, key);
            cmd.arg("--json").args(&args).write_stdin(stdin);
            cmd
        };
        fails(
            &mut run(&missing),
            "not_found",
            None,
            &["key file", "does not exist", &missing.display().to_string()],
        );
        assert!(
            !missing.exists(),
            "{args:?} created a key file: a typo must never make a new key"
        );
        fails(
            &mut run(&open),
            "validation",
            None,
            &["readable by other users", "chmod 600"],
        );
        assert_eq!(
            mode_of(&open),
            0o644,
            "the tool does not silently change the mode"
        );
        fails(
            &mut run(&malformed),
            "validation",
            None,
            &["64 hexadecimal characters"],
        );
        fails(
            &mut run(&short),
            "validation",
            None,
            &["64 hexadecimal characters"],
        );
    }
    fails_text(clinicdesk(&clinic.db, &open).arg("verify"), &["chmod 600"]);
    // Restore without a passphrase needs the key too.
    let backup = clinic.backup("clinic.cdb");
    let target = scratch.path().join("restored.db");
    fails(
        clinicdesk(&target, &missing)
            .args(["--json", "restore", "--from"])
            .arg(&backup),
        "not_found",
        None,
        &["key file"],
    );
    assert!(!target.exists() && !missing.exists());
    clinic.verify_passes();
}

#[test]
fn a_missing_database_is_refused_and_not_created() {
    let clinic = Clinic::new();
    let scratch = tempfile::tempdir().unwrap();
    let nowhere = scratch.path().join("typo.db");
    let key_before = fs::read(&clinic.key).unwrap();
    for (args, stdin) in database_commands(scratch.path()) {
        let mut cmd = clinicdesk(&nowhere, &clinic.key);
        cmd.arg("--json").args(&args).write_stdin(stdin);
        fails(
            &mut cmd,
            "not_found",
            Some("db"),
            &["does not exist", &nowhere.display().to_string()],
        );
        assert_eq!(
            files_in(scratch.path()),
            Vec::<String>::new(),
            "{args:?} created something"
        );
    }
    fails_text(
        clinicdesk(&nowhere, &clinic.key).arg("verify"),
        &["does not exist", "[db]"],
    );
    assert_eq!(fs::read(&clinic.key).unwrap(), key_before);
}

#[test]
fn call_rejects_bad_input_and_names_the_field() {
    let clinic = Clinic::new();
    let raw_call = |name: &str, input: &str, stdin: &str| {
        let mut cmd = clinic.json();
        cmd.args([
            "call",
            name,
            "--as",
            ADMIN,
            "--password-stdin",
            "--input",
            input,
        ])
        .write_stdin(stdin.to_string());
        cmd
    };
    let pw = format!("{ADMIN_PASSWORD}\n");
    fails(
        &mut raw_call("create_user", "{not json", &pw),
        "validation",
        Some("input"),
        &["not valid JSON"],
    );
    fails(
        &mut raw_call("create_user", "", &pw),
        "validation",
        Some("input"),
        &["not valid JSON"],
    );
    fails(
        &mut raw_call("delete_everything", "{}", &pw),
        "not_found",
        None,
        &["unknown command", "delete_everything"],
    );
    fails(
        &mut raw_call("create_user", r#"{"username": "nurse.joy"}"#, &pw),
        "validation",
        Some("full_name"),
        &["full_name is required"],
    );
    let nurse = json!({"username": "nurse.joy", "full_name": "Joy", "role": "nurse"});
    fails(
        &mut raw_call("create_user", &nurse.to_string(), &pw),
        "validation",
        Some("password"),
        &["password is required"],
    );
    let extra = json!({"username": "nurse.joy", "full_name": "Joy", "role": "nurse", "password": OTHER_PASSWORD, "salary": 1});
    fails(
        &mut raw_call("create_user", &extra.to_string(), &pw),
        "validation",
        Some("salary"),
        &["salary"],
    );
    let bad_role = json!({"username": "nurse.joy", "full_name": "Joy", "role": "surgeon", "password": OTHER_PASSWORD});
    fails(
        &mut raw_call("create_user", &bad_role.to_string(), &pw),
        "validation",
        Some("role"),
        &["surgeon"],
    );
    fails(
        &mut raw_call("list_audit", r#"{"limit": "many"}"#, &pw),
        "validation",
        Some("limit"),
        &[],
    );
    fails(
        &mut raw_call("list_audit", r#"{"limit": 0}"#, &pw),
        "validation",
        Some("limit"),
        &["between 1 and 500"],
    );
    // The password flag and a non-empty stdin are required.
    fails(
        clinic
            .json()
            .args(["call", "whoami", "--as", ADMIN])
            .write_stdin(pw.clone()),
        "validation",
        Some("password"),
        &["--password-stdin"],
    );
    fails(
        &mut raw_call("whoami", "{}", ""),
        "validation",
        Some("password"),
        &["empty"],
    );
    fails_text(
        clinic
            .cmd()
            .args([
                "call",
                "whoami",
                "--as",
                ADMIN,
                "--password-stdin",
                "--input",
                "{oops",
            ])
            .write_stdin(pw),
        &["--input", "[input]"],
    );
    assert_eq!(clinic.usernames(), BTreeSet::from([ADMIN.to_string()]));
}

#[test]
fn backup_and_restore_reject_bad_paths() {
    let clinic = Clinic::new();
    let missing_dir = clinic.path("no-such-folder").join("clinic.cdb");
    fails(
        clinic.json().arg("backup").arg("--out").arg(&missing_dir),
        "validation",
        Some("path"),
        &["does not exist"],
    );
    fails_text(
        clinic.cmd().arg("backup").arg("--out").arg(&missing_dir),
        &["no-such-folder", "[path]"],
    );
    assert!(!clinic.path("no-such-folder").exists());
    // A backup over the live database would destroy it.
    fails(
        clinic.json().arg("backup").arg("--out").arg(&clinic.db),
        "validation",
        Some("path"),
        &["live database"],
    );
    clinic
        .json()
        .args(["backup", "--out", ""])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--out"));
    clinic.verify_passes();

    let target = clinic.path("restored.db");
    let missing = clinic.path("missing.cdb");
    fails(
        clinicdesk(&target, &clinic.key)
            .args(["--json", "restore", "--from"])
            .arg(&missing),
        "not_found",
        Some("from"),
        &["does not exist"],
    );
    fails(
        clinicdesk(&target, &clinic.key)
            .args(["--json", "restore", "--recovery-passphrase-stdin", "--from"])
            .arg(&missing)
            .write_stdin(format!("{}\n", clinic.recovery_passphrase)),
        "io",
        None,
        &["recovery"],
    );
    // Not a backup at all: refused, and no half-restored database.
    let junk = clinic.path("junk.cdb");
    fs::write(&junk, vec![0x42u8; 8192]).unwrap();
    let before = files_in(clinic.dir.path());
    let out = clinicdesk(&target, &clinic.key)
        .args(["--json", "restore", "--from"])
        .arg(&junk)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        files_in(clinic.dir.path()),
        before,
        "no staging file or database left behind"
    );
    // The backup and the target the same file.
    fails(
        clinic
            .json()
            .args(["restore", "--force", "--from"])
            .arg(&clinic.db),
        "validation",
        Some("from"),
        &["same file"],
    );
    clinic.verify_passes();
}

#[test]
fn migrate_on_a_current_database_says_it_is_current() {
    let clinic = Clinic::new();
    clinic
        .cmd()
        .arg("migrate")
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"^Schema is current \(version \d+\)\.\n$").unwrap());
    let out = ok_json(clinic.json().arg("migrate"));
    assert_eq!(out["applied"], json!([]));
    assert!(out["schema_version"].as_i64().unwrap() > 0);
    clinic.verify_passes();
}

// ---------------------------------------------------------------------------------------
// 6. Tamper evidence: the audit anchor beside the database
// ---------------------------------------------------------------------------------------

/// `verify` must fail (exit 1) and say so; returns the problems from `--json`.
#[track_caller]
fn verify_fails(db: &Path, key: &Path, mentions: &[&str]) -> Vec<String> {
    let out = clinicdesk(db, key).arg("verify").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(
        out.status.code(),
        Some(1),
        "verify passed a tampered clinic\nstdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        stderr.contains("TAMPERED") && stderr.contains("verification FAILED"),
        "{stderr}"
    );
    for word in mentions {
        assert!(
            stderr.contains(word),
            "{stderr:?} does not mention {word:?}"
        );
    }
    let out = clinicdesk(db, key)
        .args(["--json", "verify"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["clean"], false);
    report["audit"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect()
}

fn clinic_with_staff() -> Clinic {
    let clinic = Clinic::new();
    clinic.add_user("nurse.joy", "nurse", &[]);
    clinic.add_user("dr.grey", "doctor", &[]);
    clinic.verify_passes();
    clinic
}

#[test]
fn verify_detects_a_deleted_audit_anchor() {
    let clinic = clinic_with_staff();
    let anchor = beside(&clinic.db, ".audit-anchor");
    let saved = fs::read(&anchor).unwrap();
    fs::remove_file(&anchor).unwrap();
    let problems = verify_fails(&clinic.db, &clinic.key, &["anchor", "missing"]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    // Putting it back makes the clinic verify again: the anchor was the only problem.
    fs::write(&anchor, saved).unwrap();
    clinic.verify_passes();
}

#[test]
fn verify_detects_a_database_rolled_back_to_an_older_copy() {
    let clinic = clinic_with_staff();
    let backup = clinic.backup("older.cdb");
    let older = clinic.path("older.db");
    clinicdesk(&older, &clinic.key)
        .args(["restore", "--from"])
        .arg(&backup)
        .assert()
        .success();
    clinicdesk(&older, &clinic.key)
        .arg("verify")
        .assert()
        .success();
    // More work happens on the live clinic after that copy was made.
    clinic.add_user("pharma.ken", "pharmacist", &[]);
    clinic.add_user("front.desk", "receptionist", &[]);

    // Someone swaps the older copy in under the live name, keeping the live anchor.
    fs::copy(&older, &clinic.db).unwrap();
    let problems = verify_fails(&clinic.db, &clinic.key, &["truncated or rolled back"]);
    assert!(
        problems.iter().any(|p| p.contains("log ends at entry")),
        "{problems:?}"
    );

    // Equally: the newer anchor beside the older copy.
    fs::copy(
        beside(&clinic.db, ".audit-anchor"),
        beside(&older, ".audit-anchor"),
    )
    .unwrap();
    verify_fails(&older, &clinic.key, &["truncated or rolled back"]);
}

#[test]
fn verify_detects_a_forged_or_garbled_anchor() {
    let clinic = clinic_with_staff();
    let anchor = beside(&clinic.db, ".audit-anchor");
    // Another clinic's genuine anchor (another key) does not pass for this one's.
    let other = Clinic::new();
    other.add_user("nurse.joy", "nurse", &[]);
    other.add_user("dr.grey", "doctor", &[]);
    fs::copy(beside(&other.db, ".audit-anchor"), &anchor).unwrap();
    verify_fails(&clinic.db, &clinic.key, &["forged or altered"]);
    // A hand-edited anchor.
    let text = fs::read_to_string(beside(&other.db, ".audit-anchor")).unwrap();
    let mut anchor_json: Value = serde_json::from_str(&text).unwrap();
    anchor_json["seq"] = json!(anchor_json["seq"].as_i64().unwrap() + 100);
    fs::write(&anchor, anchor_json.to_string()).unwrap();
    verify_fails(&clinic.db, &clinic.key, &["anchor"]);
    fs::write(&anchor, b"garbage").unwrap();
    verify_fails(&clinic.db, &clinic.key, &["malformed"]);
}

/// BUG (reported): after a rollback to an older copy, every later write appends to the old
/// chain and `write_anchor` moves the anchor forward as soon as the old chain grows past
/// it, so the rollback (here: two staff accounts silently gone) stops being detected after
/// a few ordinary commands — even failed sign-ins write audit entries.
#[test]
fn a_rollback_stays_detected_after_later_writes() {
    let clinic = clinic_with_staff();
    let backup = clinic.backup("older.cdb");
    let older = clinic.path("older.db");
    clinicdesk(&older, &clinic.key)
        .args(["restore", "--from"])
        .arg(&backup)
        .assert()
        .success();
    clinic.add_user("pharma.ken", "pharmacist", &[]);
    clinic.add_user("front.desk", "receptionist", &[]);
    fs::copy(&older, &clinic.db).unwrap();
    verify_fails(&clinic.db, &clinic.key, &["truncated or rolled back"]);
    for _ in 0..4 {
        let _ = clinic
            .call("whoami", ADMIN, OTHER_PASSWORD, &json!({}))
            .output()
            .unwrap();
    }
    verify_fails(&clinic.db, &clinic.key, &[]);
}

// ---------------------------------------------------------------------------------------
// 7. The command registry
// ---------------------------------------------------------------------------------------

#[test]
fn commands_lists_every_registry_command_with_access_and_schema() {
    let list = ok_json(bin().args(["--json", "commands"]));
    let list = list.as_array().unwrap();
    let listed: BTreeSet<&str> = list.iter().map(|c| c["name"].as_str().unwrap()).collect();
    let registry: BTreeSet<&str> = clinicdesk_core::registry().iter().map(|c| c.name).collect();
    assert_eq!(
        listed, registry,
        "commands --json lists exactly the registry"
    );
    assert_eq!(listed.len(), list.len(), "no command listed twice");
    for name in [
        "login",
        "create_user",
        "setup_clinic",
        "verify_database",
        "create_backup",
        "whoami",
        "list_users",
    ] {
        assert!(listed.contains(name), "{name} missing");
    }
    let by_name = |name: &str| list.iter().find(|c| c["name"] == name).unwrap();
    for c in list {
        assert!(!c["summary"].as_str().unwrap().is_empty(), "{c}");
        let access = c["access"].as_str().unwrap();
        assert!(
            access == "public"
                || access == "signed-in"
                || (access.contains('.') && !access.contains(' ')),
            "{}: access {access:?}",
            c["name"]
        );
        assert_eq!(
            c["input_schema"]["type"], "object",
            "{}: {}",
            c["name"], c["input_schema"]
        );
    }
    assert_eq!(by_name("login")["access"], "public");
    assert_eq!(by_name("setup_clinic")["access"], "public");
    assert_eq!(by_name("whoami")["access"], "signed-in");
    assert_eq!(by_name("create_user")["access"], "users.manage");
    assert_eq!(by_name("list_users")["access"], "users.manage");
    assert_eq!(by_name("verify_database")["access"], "audit.view");
    assert_eq!(by_name("create_backup")["access"], "backup.manage");

    let schema = &by_name("create_user")["input_schema"];
    let props: BTreeSet<&str> = schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for field in [
        "username",
        "full_name",
        "role",
        "password",
        "licence_number",
    ] {
        assert!(
            props.contains(field),
            "create_user schema lacks {field}: {schema}"
        );
    }
    let required: BTreeSet<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        required,
        BTreeSet::from(["full_name", "password", "role", "username"])
    );
    let login_required = by_name("login")["input_schema"]["required"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(login_required.len(), 2);

    // The text form: one line per command with its access.
    let text = bin().arg("commands").assert().success();
    let text = String::from_utf8_lossy(&text.get_output().stdout).to_string();
    assert_eq!(text.lines().count(), registry.len());
    assert!(
        text.lines()
            .any(|l| l.starts_with("create_user") && l.contains("users.manage")),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------
// 8. The demo clinic
// ---------------------------------------------------------------------------------------

#[test]
fn demo_has_a_user_of_every_role_whose_password_signs_in() {
    let clinic = Clinic::empty();
    let demo = ok_json(clinic.json().arg("demo"));
    let users = demo["users"].as_array().unwrap();
    let roles: BTreeSet<&str> = users.iter().map(|u| u["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ROLES.into_iter().collect(), "a user of every role");
    assert!(demo["recovery_passphrase"].is_string());
    assert_eq!(mode_of(&clinic.key), 0o600);
    for user in users {
        let (username, password) = (
            user["username"].as_str().unwrap(),
            user["password"].as_str().unwrap(),
        );
        let me = clinic.whoami(username, password);
        assert_eq!(me["user"]["role"], user["role"], "{username}");
    }
    let listed: BTreeSet<String> = clinic.usernames();
    let demo_names: BTreeSet<String> = users
        .iter()
        .map(|u| u["username"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, demo_names);
    clinic.verify_passes();

    // The text form prints every username with its role and password.
    let text_clinic = Clinic::empty();
    let out = text_clinic.cmd().arg("demo").assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    for user in users {
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == user["username"].as_str())
            .unwrap_or_else(|| panic!("{} missing from\n{text}", user["username"]));
        assert!(line.contains(user["role"].as_str().unwrap()), "{line}");
        assert!(line.ends_with(user["password"].as_str().unwrap()), "{line}");
    }
    assert!(text.contains("Recovery passphrase"), "{text}");
}

// ---------------------------------------------------------------------------------------
// 9. Encryption at rest
// ---------------------------------------------------------------------------------------

#[test]
fn the_database_and_its_backup_hold_no_plaintext() {
    let clinic = Clinic::new();
    clinic.add_user("zanzibar.nurse", "nurse", &[]);
    clinic.add_user(
        "dr.quillfeather",
        "doctor",
        &["--licence-number", "MED-XQ-987654"],
    );
    clinic.whoami("zanzibar.nurse", STAFF_PASSWORD);
    let backup = clinic.backup("clinic.cdb");
    let key_hex = fs::read_to_string(&clinic.key).unwrap().trim().to_string();

    let secrets: [&[u8]; 8] = [
        CLINIC_NAME.as_bytes(),
        b"Quercia",
        ADMIN.as_bytes(),
        b"zanzibar.nurse",
        b"dr.quillfeather",
        b"Full Name Of",
        b"MED-XQ-987654",
        b"CREATE TABLE",
    ];
    let mut checked = 0;
    for path in [
        clinic.db.clone(),
        beside(&clinic.db, "-wal"),
        beside(&clinic.db, "-shm"),
        backup.clone(),
        beside(&backup, "-wal"),
    ] {
        let Ok(bytes) = fs::read(&path) else { continue };
        checked += 1;
        if path == clinic.db || path == backup {
            assert!(bytes.len() >= 4096, "{}", path.display());
            assert!(
                !bytes.starts_with(b"SQLite format 3"),
                "{} is a plain SQLite file",
                path.display()
            );
        }
        for secret in secrets {
            assert!(
                !contains(&bytes, secret),
                "{} contains {:?} in plaintext",
                path.display(),
                String::from_utf8_lossy(secret)
            );
        }
        assert!(
            !contains(&bytes, key_hex.as_bytes()),
            "{} contains the key",
            path.display()
        );
    }
    assert!(checked >= 2, "the database and the backup were read");
    // Nothing beside the database gives away the key or the names either.
    for path in [
        beside(&clinic.db, ".recovery"),
        beside(&clinic.db, ".audit-anchor"),
        beside(&backup, ".recovery"),
    ] {
        let bytes = fs::read(&path).unwrap();
        assert!(
            !contains(&bytes, key_hex.as_bytes()),
            "{} contains the key",
            path.display()
        );
        assert!(
            !contains(&bytes, key_hex.to_uppercase().as_bytes()),
            "{} contains the key",
            path.display()
        );
        assert!(
            !contains(&bytes, b"zanzibar.nurse") && !contains(&bytes, b"Quercia"),
            "{}",
            path.display()
        );
    }
}

// ---------------------------------------------------------------------------------------
// Sample data and the search benchmark
// ---------------------------------------------------------------------------------------

fn patient_names(clinic: &Clinic) -> Vec<String> {
    let out = ok_json(&mut clinic.call(
        "search_patients",
        ADMIN,
        ADMIN_PASSWORD,
        &serde_json::json!({"query": "", "limit": 100}),
    ));
    let mut names: Vec<String> = out["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            format!(
                "{} {} {}",
                h["given_name"], h["family_name"], h["date_of_birth"]
            )
        })
        .collect();
    names.sort();
    names
}

#[test]
fn generate_makes_the_same_patients_for_the_same_seed() {
    let a = Clinic::new();
    let b = Clinic::new();
    for clinic in [&a, &b] {
        let out = ok_json(
            clinic
                .json()
                .args(["generate", "patients", "--count", "60", "--seed", "42"]),
        );
        assert_eq!(out["patients"], 60);
    }
    let names = patient_names(&a);
    assert_eq!(names.len(), 60);
    assert_eq!(names, patient_names(&b));
    // A non-ASCII name is among them (accented or another script).
    assert!(names.iter().any(|n| !n.is_ascii()), "{names:?}");
    fails(
        a.json().args(["generate", "patients", "--count", "0"]),
        "validation",
        Some("count"),
        &["--count"],
    );
    a.verify_passes();
}

#[test]
fn the_search_benchmark_runs_end_to_end_on_a_small_clinic() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok_json(
        bin()
            .args([
                "--json",
                "bench",
                "search",
                "--sizes",
                "400",
                "--queries",
                "8",
                "--dir",
            ])
            .arg(dir.path()),
    );
    let rows = out.as_array().unwrap();
    assert_eq!(rows.len(), 5, "{out}");
    for row in rows {
        assert_eq!(row["patients"], 400);
        assert!(row["command_p99_ms"].as_f64().unwrap() > 0.0);
        assert!(row["hits_avg"].as_f64().unwrap() > 0.0, "{row}");
    }
}

#[test]
fn the_scheduling_benchmark_runs_end_to_end_on_a_small_clinic() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("BENCHMARKS.md");
    std::fs::write(&doc, "# Benchmarks\n\nKept above.\n").unwrap();
    let out = ok_json(
        bin()
            .args([
                "--json",
                "bench",
                "schedule",
                "--appointments",
                "3000",
                "--doctors",
                "3",
                "--patients",
                "300",
                "--years",
                "1",
                "--queries",
                "10",
                "--dir",
            ])
            .arg(dir.path())
            .arg("--doc")
            .arg(&doc),
    );
    let rows = out.as_array().unwrap();
    let works: Vec<&str> = rows.iter().map(|r| r["work"].as_str().unwrap()).collect();
    assert_eq!(works.len(), 6, "{out}");
    assert!(works[0].starts_with("book an appointment"), "{works:?}");
    for row in rows {
        assert!(row["p99_ms"].as_f64().unwrap() > 0.0, "{row}");
    }
    // The clinic day lists the generated appointments (3000 over a year of 3 doctors).
    assert!(rows[1]["note"]
        .as_str()
        .unwrap()
        .contains("appointments per day"));
    let written = std::fs::read_to_string(&doc).unwrap();
    assert!(
        written.starts_with("# Benchmarks\n\nKept above."),
        "{written}"
    );
    assert!(written.contains("<!-- schedule:begin -->") && written.contains("## Scheduling"));
}

#[test]
fn the_records_benchmark_runs_end_to_end_on_a_small_chart() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("BENCHMARKS.md");
    std::fs::write(&doc, "# Benchmarks\n").unwrap();
    let out = ok_json(
        bin()
            .args([
                "--json",
                "bench",
                "records",
                "--encounters",
                "5",
                "--queries",
                "5",
                "--dir",
            ])
            .arg(dir.path())
            .arg("--doc")
            .arg(&doc),
    );
    let rows = out.as_array().unwrap();
    let works: Vec<&str> = rows.iter().map(|r| r["work"].as_str().unwrap()).collect();
    assert_eq!(works.len(), 5, "{out}");
    assert!(works[0].starts_with("open a chart"), "{works:?}");
    assert!(rows[0]["note"]
        .as_str()
        .unwrap()
        .starts_with("5 signed encounters"));
    for row in rows {
        assert!(row["p99_ms"].as_f64().unwrap() > 0.0, "{row}");
    }
    let written = std::fs::read_to_string(&doc).unwrap();
    assert!(written.contains("<!-- records:begin -->") && written.contains("## Medical records"));
}

#[test]
fn the_billing_benchmark_runs_end_to_end_on_a_small_clinic() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("BENCHMARKS.md");
    std::fs::write(&doc, "# Benchmarks\n\nKept above.\n").unwrap();
    let run = || {
        ok_json(
            bin()
                .args([
                    "--json",
                    "bench",
                    "billing",
                    "--invoices",
                    "300",
                    "--queries",
                    "5",
                    "--dir",
                ])
                .arg(dir.path())
                .arg("--doc")
                .arg(&doc),
        )
    };
    let out = run();
    let rows = out.as_array().unwrap();
    let works: Vec<&str> = rows.iter().map(|r| r["work"].as_str().unwrap()).collect();
    assert_eq!(works.len(), 8, "{out}");
    for (i, start) in [
        "invoice_pdf command",
        "render_document",
        "— the pdf crate alone",
        "issue + pay",
        "— issue_invoice alone",
        "— record_payment alone",
        "list_outstanding",
        "revenue_report by month",
    ]
    .iter()
    .enumerate()
    {
        assert!(works[i].starts_with(start), "{works:?}");
    }
    for row in rows {
        assert!(row["p99_ms"].as_f64().unwrap() > 0.0, "{row}");
    }
    assert_eq!(rows[0]["budget_ms"], 20.0);
    assert_eq!(rows[3]["budget_ms"], 10.0);
    assert!(
        rows[0]["note"].as_str().unwrap().contains("of the 300"),
        "{}",
        rows[0]
    );
    assert!(
        rows[7]["note"].as_str().unwrap().contains("months"),
        "{}",
        rows[7]
    );
    let written = std::fs::read_to_string(&doc).unwrap();
    assert!(
        written.starts_with("# Benchmarks\n\nKept above."),
        "{written}"
    );
    assert!(written.contains("<!-- billing:begin -->") && written.contains("## Billing"));
    // The second run reuses the clinic (and its earlier run's invoices stay numbered).
    let again = run();
    assert!(
        again[0]["note"].as_str().unwrap().contains("of the 325"),
        "{}",
        again[0]
    );
    assert_eq!(written.matches("<!-- billing:begin -->").count(), 1);
}

#[test]
fn generate_schedule_needs_patients_first() {
    let clinic = Clinic::new();
    fails(
        clinic
            .json()
            .args(["generate", "schedule", "--count", "100", "--doctors", "2"]),
        "validation",
        Some("patients"),
        &["generate patients first"],
    );
}
