//! Backups and restores. A backup is an encrypted copy made by `sqlcipher_export` (never a
//! raw copy of a live file), with the recovery envelope beside it.

use crate::access::Permission;
use crate::audit::{self, AuditOutcome};
use crate::clinic::recovery_path;
use crate::error::{AppError, AppResult};
use crate::keys::DbKey;
use crate::registry::{command, Access, CommandSpec, Ctx};
use crate::store::Store;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub(crate) fn commands() -> Vec<CommandSpec> {
    vec![command(
        "create_backup",
        "Write an encrypted backup",
        Access::Permission(Permission::BackupManage),
        create_backup,
    )]
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct BackupInput {
    /// Where to write the backup file (its folder must exist).
    pub path: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct BackupReport {
    pub path: String,
    pub bytes: u64,
    /// The recovery envelope written beside it, when the clinic has one.
    pub recovery_file: Option<String>,
}

fn create_backup(ctx: &Ctx<'_>, input: BackupInput) -> AppResult<BackupReport> {
    let out = PathBuf::from(input.path.trim());
    if input.path.trim().is_empty() {
        return Err(AppError::field("path", "choose where to write the backup"));
    }
    let store = ctx.ws.store();
    if store.path().is_some_and(|p| same_file(p, &out)) {
        return Err(AppError::field(
            "path",
            "the backup cannot overwrite the live database",
        ));
    }
    match out.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) if !dir.is_dir() => {
            return Err(AppError::field(
                "path",
                format!("the folder {} does not exist", dir.display()),
            ))
        }
        _ => {}
    }
    // The entry goes in first so the backup records its own making.
    let entry = ctx.audit_entry(
        AuditOutcome::Ok,
        None,
        format!("backup to {}", out.display()),
    );
    ctx.write(|w| w.audit(entry))?;
    store.export_to(&out)?;
    let recovery_file = match store.path().map(recovery_path).filter(|p| p.exists()) {
        Some(envelope) => {
            let target = recovery_path(&out);
            std::fs::copy(&envelope, &target).map_err(|e| {
                AppError::io(format!(
                    "could not copy the recovery file to {}: {e}",
                    target.display()
                ))
            })?;
            Some(target.display().to_string())
        }
        None => None,
    };
    let bytes = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
    Ok(BackupReport {
        path: out.display().to_string(),
        bytes,
        recovery_file,
    })
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[derive(Debug, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct RestoreReport {
    pub restored_to: String,
    pub schema_version: i64,
    pub audit_entries: i64,
}

/// Restores `from` into `to`: the backup is copied beside the target, opened with `key`,
/// upgraded if older, checked (integrity, foreign keys, audit chain), and only then moved
/// into place. The live database is never touched unless everything passed.
pub fn restore_backup(
    from: &Path,
    to: &Path,
    key: &DbKey,
    force: bool,
) -> AppResult<RestoreReport> {
    if !from.is_file() {
        return Err(
            AppError::not_found(format!("backup file {} does not exist", from.display()))
                .with_field("from"),
        );
    }
    if to.exists() && !force {
        return Err(AppError::conflict(format!(
            "{} already exists; pass --force to replace it with the backup",
            to.display()
        ))
        .with_field("db"));
    }
    if same_file(from, to) {
        return Err(AppError::field(
            "from",
            "the backup and the target are the same file",
        ));
    }
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| AppError::io(format!("{}: {e}", dir.display())))?;
    }
    let staging = crate::fsutil::sibling_temp(to, "restore");
    let cleanup = |p: &Path| {
        for suffix in ["", "-wal", "-shm"] {
            let mut name = p.as_os_str().to_owned();
            name.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(name));
        }
    };
    let result = (|| -> AppResult<RestoreReport> {
        std::fs::copy(from, &staging)
            .map_err(|e| AppError::io(format!("could not copy {}: {e}", from.display())))?;
        crate::fsutil::restrict_to_owner(&staging).map_err(|e| AppError::io(e.to_string()))?;
        let (schema_version, head, entries) = {
            let store = Store::open_existing(&staging, key.clone())?;
            let problems = store.integrity_problems()?;
            if let Some(first) = problems.first() {
                return Err(AppError::integrity(format!(
                    "the backup is damaged: {first}"
                )));
            }
            let report = store.read(|c| audit::verify_chain(c, store.audit_key(), None))?;
            if let Some(first) = report.problems.first() {
                return Err(AppError::integrity(format!(
                    "the backup's audit log does not verify: {first}"
                )));
            }
            let head = store.read(audit::head)?;
            let version = store.schema_versions()?.last().copied().unwrap_or(0);
            (version, head, report.entries)
        };
        // Stale WAL files of the old database must not be replayed into the restored one.
        cleanup(to);
        std::fs::rename(&staging, to).map_err(|e| {
            AppError::io(format!(
                "could not move the restored database into place: {e}"
            ))
        })?;
        crate::fsutil::sync_parent(to).map_err(|e| AppError::io(e.to_string()))?;
        audit::reset_anchor(to, &audit::AuditKey::derive_from(key), head.as_ref())
            .map_err(|e| AppError::io(format!("could not write the audit anchor: {e}")))?;
        let envelope = recovery_path(from);
        if envelope.exists() {
            std::fs::copy(&envelope, recovery_path(to))
                .map_err(|e| AppError::io(format!("could not copy the recovery file: {e}")))?;
        }
        Ok(RestoreReport {
            restored_to: to.display().to_string(),
            schema_version,
            audit_entries: entries,
        })
    })();
    if result.is_err() {
        cleanup(&staging);
    }
    result
}
