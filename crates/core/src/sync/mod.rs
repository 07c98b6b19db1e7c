//! Sync with a central PostgreSQL server, the workstation's side (docs/SYNC.md).
//!
//! This crate stays free of sqlx and tokio: it stamps and hands out local changes, merges
//! pulled ones, keeps the settings, the status and the conflicts, and offers the commands
//! the UI calls. The connection itself is a [`SyncDriver`] that the desktop shell (or the
//! CLI) installs on the workstation; `clinicdesk-sync` provides it.

mod conflicts;
pub mod credentials;
mod merge;

pub use conflicts::{ConflictBooking, ConflictKind, ConflictPatient, SyncConflict};
pub use merge::{
    apply_pulled, mark_audit_pushed, mark_pushed, pending_changes, pending_count, pull_cursor,
    record_outcome, unpushed_audit, workstation_code, ApplyReport, IncomingChange, OutgoingChange,
};

use crate::access::Permission;
use crate::audit::AuditOutcome;
use crate::error::{AppError, AppResult};
use crate::registry::{command, Access, CommandSpec, Ctx, Done, NoInput};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// Where to sync to, as the driver needs it.
#[derive(Debug, Clone)]
pub struct SyncTarget {
    pub server_url: String,
    /// From the keychain (or typed into "Test connection"); never stored in the database.
    pub password: Option<Zeroizing<String>>,
    pub workstation_name: String,
}

/// What "Test connection" found.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ServerCheck {
    /// e.g. "PostgreSQL 15.19".
    pub server_version: String,
    /// The newest central migration applied on the server.
    pub schema_version: i64,
    /// Workstations registered with the server.
    pub workstations: i64,
    /// Changes stored on the server.
    pub changes: i64,
    pub round_trip_ms: f64,
}

/// The connection's state, kept in memory by the driver.
#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct LiveSync {
    /// Connected to the server (listening for other workstations' changes).
    pub online: bool,
    /// A push or pull is running.
    pub syncing: bool,
    /// "push" or "pull" while a backlog is on its way.
    #[ts(optional = nullable)]
    pub phase: Option<String>,
    pub done: i64,
    #[ts(optional = nullable)]
    pub total: Option<i64>,
}

/// The connection to the central server, installed by the shell or the CLI.
pub trait SyncDriver: Send + Sync {
    /// Connects to `target` and checks its schema (blocking; called off the UI thread).
    fn test_connection(&self, target: &SyncTarget) -> AppResult<ServerCheck>;
    /// The settings changed: start, restart or stop syncing.
    fn reconfigure(&self);
    /// Push and pull as soon as possible (returns at once).
    fn sync_now(&self);
    fn live(&self) -> LiveSync;
}

/// The sync settings as stored.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct SyncSettings {
    pub server_url: String,
    pub enabled: bool,
    pub workstation_name: String,
    /// A password for the server is kept in the OS keychain.
    pub has_password: bool,
    /// This workstation's id (the one its changes carry).
    pub workstation_id: String,
    /// The prefix of this workstation's patient numbers and invoice series.
    pub workstation_code: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SaveSyncSettingsInput {
    pub server_url: String,
    pub enabled: bool,
    pub workstation_name: String,
    /// A new password for the server (kept in the OS keychain); absent keeps the stored one.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub password: Option<String>,
    /// Forget the stored password.
    #[serde(default)]
    pub clear_password: bool,
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct TestSyncConnectionInput {
    pub server_url: String,
    /// Absent: the password stored in the keychain, if any.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub password: Option<String>,
}

/// The status indicator in the frame.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct SyncStatus {
    /// A server is set up and sync is enabled.
    pub enabled: bool,
    /// This process can sync (the app or `clinicdesk sync watch` runs the connection).
    pub running: bool,
    pub live: LiveSync,
    /// Local changes not yet on the server.
    pub pending: i64,
    #[ts(optional = nullable)]
    pub last_sync_at: Option<String>,
    #[ts(optional = nullable)]
    pub last_error: Option<String>,
    #[ts(optional = nullable)]
    pub last_error_at: Option<String>,
    /// Open conflicts this user can act on.
    pub conflicts: i64,
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListSyncConflictsInput {
    /// Also the resolved and dismissed ones.
    #[serde(default)]
    pub include_closed: bool,
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct DismissSyncConflictInput {
    pub conflict_id: String,
    /// Why (e.g. "different people: twins"); kept in the audit log.
    pub reason: String,
}

pub(crate) fn commands() -> Vec<CommandSpec> {
    vec![
        command(
            "get_sync_status",
            "See the sync status (online, pending changes, last sync, conflicts)",
            // Public: the first-run screen follows a joining workstation's first pull.
            Access::Public,
            get_sync_status,
        ),
        command(
            "join_clinic_server",
            "Join a clinic's central server on a new workstation (instead of setting up a clinic)",
            Access::Public,
            join_clinic_server,
        ),
        command(
            "get_sync_settings",
            "See the sync settings",
            Access::Permission(Permission::SyncManage),
            get_sync_settings,
        ),
        command(
            "save_sync_settings",
            "Change the sync settings (server, enable or disable)",
            Access::Permission(Permission::SyncManage),
            save_sync_settings,
        ),
        command(
            "test_sync_connection",
            "Test the connection to a central server",
            Access::Permission(Permission::SyncManage),
            test_sync_connection,
        ),
        command(
            "sync_now",
            "Sync with the central server now",
            Access::SignedIn,
            sync_now,
        ),
        command(
            "list_sync_conflicts",
            "See the conflicts sync found (double bookings, possible duplicates)",
            Access::Permission(Permission::ScheduleRead),
            list_sync_conflicts,
        ),
        command(
            "dismiss_sync_conflict",
            "Dismiss a sync conflict (not the same patient, or a refused change looked at)",
            Access::Permission(Permission::PatientsWrite),
            dismiss_sync_conflict,
        ),
    ]
}

/// The settings row.
pub fn load_settings(c: &Connection) -> AppResult<(String, bool, String, bool)> {
    Ok(c.prepare_cached(
        "SELECT server_url, enabled, workstation_name, has_password FROM sync_settings WHERE id = 1",
    )?
    .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?)
}

/// The target the driver should sync with, or `None` when sync is off.
pub fn configured_target(store: &crate::store::Store) -> AppResult<Option<SyncTarget>> {
    let (server_url, enabled, workstation_name, has_password) = store.read(load_settings)?;
    if !enabled || server_url.is_empty() {
        return Ok(None);
    }
    let password = match (has_password, store.path()) {
        (true, Some(path)) => credentials::load(path)?,
        _ => None,
    };
    Ok(Some(SyncTarget {
        server_url,
        password,
        workstation_name,
    }))
}

fn kinds_for(ctx: &Ctx<'_>) -> Vec<ConflictKind> {
    let mut kinds = Vec::new();
    if ctx.actor.may(Permission::ScheduleRead) {
        kinds.push(ConflictKind::DoubleBooking);
    }
    if ctx.actor.may(Permission::PatientsRead) && ctx.actor.may(Permission::ScheduleRead) {
        kinds.push(ConflictKind::PossibleDuplicate);
    }
    if ctx.actor.may(Permission::SyncManage) {
        kinds.push(ConflictKind::RefusedChange);
    }
    kinds
}

fn get_sync_status(ctx: &Ctx<'_>, _: NoInput) -> AppResult<SyncStatus> {
    let driver = ctx.ws.sync_driver();
    let kinds = kinds_for(ctx);
    let (enabled, pending, last_sync_at, last_error, last_error_at, conflicts) = ctx.read(|c| {
        let (url, enabled, _, _) = load_settings(c)?;
        let (last_sync_at, last_error, last_error_at): (
            Option<String>,
            Option<String>,
            Option<String>,
        ) = c
            .prepare_cached(
                "SELECT last_success_at, last_error, last_error_at FROM sync_state WHERE id = 1",
            )?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok((
            enabled && !url.is_empty(),
            pending_count(c)?,
            last_sync_at,
            last_error,
            last_error_at,
            conflicts::open_count(c, &kinds)?,
        ))
    })?;
    Ok(SyncStatus {
        enabled,
        running: driver.is_some(),
        live: driver.map(|d| d.live()).unwrap_or_default(),
        pending,
        last_sync_at,
        last_error,
        last_error_at,
        conflicts,
    })
}

fn get_sync_settings(ctx: &Ctx<'_>, _: NoInput) -> AppResult<SyncSettings> {
    ctx.read(|c| {
        let (server_url, enabled, workstation_name, has_password) = load_settings(c)?;
        Ok(SyncSettings {
            server_url,
            enabled,
            workstation_name,
            has_password,
            workstation_id: ctx.ws.store().workstation_id().to_owned(),
            workstation_code: crate::billing::workstation_code(c)?,
        })
    })
}

/// Checks a PostgreSQL URL as the settings screen takes it: the scheme, a host, no password
/// inside it (that goes to the keychain), a known sslmode.
pub fn validate_server_url(text: &str) -> AppResult<String> {
    let field = "server_url";
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::field(field, "Enter the server address, e.g. postgres://clinicdesk@db.clinic.local/clinicdesk?sslmode=require"));
    }
    let url = url::Url::parse(text).map_err(|e| {
        AppError::field(
            field,
            format!("The server address is not a valid URL ({e})"),
        )
    })?;
    if !matches!(url.scheme(), "postgres" | "postgresql") {
        return Err(AppError::field(
            field,
            "The server address must start with postgres:// (a PostgreSQL server)",
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(AppError::field(
            field,
            "The server address needs a host name",
        ));
    }
    if url.password().is_some() {
        return Err(AppError::field(
            field,
            "Leave the password out of the address: enter it in the password field, it is kept in the OS keychain",
        ));
    }
    for (key, value) in url.query_pairs() {
        if key == "sslmode"
            && !matches!(
                value.as_ref(),
                "disable" | "allow" | "prefer" | "require" | "verify-ca" | "verify-full"
            )
        {
            return Err(AppError::field(
                field,
                format!("sslmode {value:?} is not one of disable, prefer, require, verify-ca, verify-full"),
            ));
        }
    }
    Ok(text.to_owned())
}

fn save_sync_settings(ctx: &Ctx<'_>, input: SaveSyncSettingsInput) -> AppResult<Done> {
    let server_url = if input.server_url.trim().is_empty() && !input.enabled {
        String::new()
    } else {
        validate_server_url(&input.server_url)?
    };
    let name = input.workstation_name.trim().to_owned();
    if input.enabled && name.is_empty() {
        return Err(AppError::field(
            "workstation_name",
            "Name this workstation (e.g. Reception 1): the server lists workstations by name",
        ));
    }
    if name.chars().count() > 60 {
        return Err(AppError::field(
            "workstation_name",
            "The workstation name is at most 60 characters",
        ));
    }
    let password = input.password.filter(|p| !p.is_empty()).map(Zeroizing::new);
    if (password.is_some() || input.clear_password) && ctx.ws.store().path().is_none() {
        return Err(AppError::field(
            "password",
            "an in-memory workstation cannot keep a password",
        ));
    }
    // The keychain first: if it fails, nothing in the database claims a password.
    if let Some(path) = ctx.ws.store().path() {
        if let Some(password) = &password {
            credentials::store(path, password)?;
        } else if input.clear_password {
            credentials::delete(path)?;
        }
    }
    ctx.write(|w| {
        let (old_url, old_enabled, old_name, old_has) = load_settings(w.conn())?;
        let has_password = if password.is_some() {
            true
        } else if input.clear_password {
            false
        } else {
            old_has
        };
        let by = ctx.actor.audit_actor().name;
        w.conn().execute(
            "UPDATE sync_settings SET server_url = ?1, enabled = ?2, workstation_name = ?3,
                 has_password = ?4, updated_at = ?5, updated_by = ?6 WHERE id = 1",
            params![
                server_url,
                input.enabled,
                name,
                has_password,
                w.now_text(),
                by
            ],
        )?;
        let detail = format!(
            "sync settings: server {old_url:?} → {server_url:?}, enabled {old_enabled} → {}, \
             name {old_name:?} → {name:?}, password {}",
            input.enabled,
            match (old_has, has_password, password.is_some()) {
                (_, _, true) => "replaced",
                (true, false, _) => "forgotten",
                _ => "unchanged",
            }
        );
        w.audit(ctx.audit_entry(AuditOutcome::Ok, None, detail))?;
        Ok(())
    })?;
    if let Some(driver) = ctx.ws.sync_driver() {
        driver.reconfigure();
    }
    Ok(Done::ok())
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct JoinClinicServerInput {
    pub server_url: String,
    pub workstation_name: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub password: Option<String>,
}

/// A fresh workstation joins a clinic: the settings are saved and sync starts; the clinic,
/// its users and its data arrive with the first pull (the first-run screen then shows the
/// sign-in). Only before any clinic exists here.
fn join_clinic_server(ctx: &Ctx<'_>, input: JoinClinicServerInput) -> AppResult<Done> {
    let has_clinic: bool =
        ctx.read(|c| Ok(c.query_row("SELECT EXISTS (SELECT 1 FROM clinic)", [], |r| r.get(0))?))?;
    if has_clinic {
        return Err(AppError::conflict(
            "this workstation already holds a clinic; sync is set up in Settings → Sync",
        ));
    }
    let driver = ctx.ws.sync_driver().ok_or_else(no_driver)?;
    let server_url = validate_server_url(&input.server_url)?;
    let name = input.workstation_name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(AppError::field(
            "workstation_name",
            "Name this workstation (1–60 characters, e.g. Reception 2)",
        ));
    }
    let password = input.password.filter(|p| !p.is_empty()).map(Zeroizing::new);
    let target = SyncTarget {
        server_url: server_url.clone(),
        password: password.clone(),
        workstation_name: name.clone(),
    };
    // Refuse an address that does not answer now rather than leave a workstation waiting.
    driver.test_connection(&target).map_err(|e| AppError {
        field: Some("server_url".into()),
        ..e
    })?;
    if let (Some(path), Some(password)) = (ctx.ws.store().path(), &password) {
        credentials::store(path, password)?;
    }
    ctx.write(|w| {
        w.conn().execute(
            "UPDATE sync_settings SET server_url = ?1, enabled = 1, workstation_name = ?2,
                 has_password = ?3, updated_at = ?4, updated_by = 'first run' WHERE id = 1",
            params![server_url, name, password.is_some(), w.now_text()],
        )?;
        w.audit(ctx.audit_entry(
            AuditOutcome::Ok,
            None,
            format!("joined the clinic server {server_url:?} as {name:?}"),
        ))?;
        Ok(())
    })?;
    driver.reconfigure();
    Ok(Done::ok())
}

fn no_driver() -> AppError {
    AppError::conflict(
        "sync runs in the ClinicDesk app or in `clinicdesk sync watch`, not in this process",
    )
}

fn test_sync_connection(ctx: &Ctx<'_>, input: TestSyncConnectionInput) -> AppResult<ServerCheck> {
    let server_url = validate_server_url(&input.server_url)?;
    let driver = ctx.ws.sync_driver().ok_or_else(no_driver)?;
    let password = match input.password.filter(|p| !p.is_empty()) {
        Some(p) => Some(Zeroizing::new(p)),
        None => match ctx.ws.store().path() {
            Some(path) if ctx.read(load_settings)?.3 => credentials::load(path)?,
            _ => None,
        },
    };
    let target = SyncTarget {
        server_url,
        password,
        workstation_name: ctx.read(load_settings)?.2,
    };
    driver.test_connection(&target).map_err(|e| AppError {
        field: Some("server_url".into()),
        ..e
    })
}

fn sync_now(ctx: &Ctx<'_>, _: NoInput) -> AppResult<Done> {
    if configured_target(ctx.ws.store())?.is_none() {
        return Err(AppError::conflict(
            "sync is not set up on this workstation (an administrator sets it up in Settings → Sync)",
        ));
    }
    ctx.ws.sync_driver().ok_or_else(no_driver)?.sync_now();
    Ok(Done::ok())
}

fn list_sync_conflicts(
    ctx: &Ctx<'_>,
    input: ListSyncConflictsInput,
) -> AppResult<Vec<SyncConflict>> {
    let kinds = kinds_for(ctx);
    ctx.read(|c| conflicts::list(c, &kinds, input.include_closed, 500))
}

fn dismiss_sync_conflict(ctx: &Ctx<'_>, input: DismissSyncConflictInput) -> AppResult<Done> {
    let reason = input.reason.trim().to_owned();
    if reason.is_empty() {
        return Err(AppError::field(
            "reason",
            "Say why the conflict is dismissed",
        ));
    }
    ctx.write(|w| {
        let kind: Option<(String, Option<String>)> = w
            .conn()
            .query_row(
                "SELECT kind, dismissed_at FROM sync_conflicts WHERE id = ?1",
                [&input.conflict_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((kind, dismissed)) = kind else {
            return Err(AppError::not_found("no such sync conflict").with_field("conflict_id"));
        };
        match kind.as_str() {
            "double_booking" => return Err(AppError::conflict(
                "a double booking is resolved by rebooking or cancelling one of the appointments",
            )),
            "refused_change" if !ctx.actor.may(Permission::SyncManage) => {
                return Err(AppError::new(
                    crate::error::ErrorCode::PermissionDenied,
                    "only an administrator may dismiss a refused change (needs sync.manage)",
                ))
            }
            _ => {}
        }
        if dismissed.is_some() {
            return Err(AppError::conflict("this conflict was already dismissed"));
        }
        w.conn().execute(
            "UPDATE sync_conflicts SET dismissed_at = ?2, dismissed_by = ?3 WHERE id = ?1",
            params![
                input.conflict_id,
                w.now_text(),
                ctx.actor.audit_actor().name
            ],
        )?;
        w.audit(ctx.audit_entry(
            AuditOutcome::Ok,
            None,
            format!("dismissed {kind} conflict {}: {reason}", input.conflict_id),
        ))?;
        Ok(Done::ok())
    })
}
