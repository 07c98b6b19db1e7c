//! Audit viewer and verification commands.

use super::{recent, verify_chain, AuditOutcome, AuditRecord, ChainReport};
use crate::access::Permission;
use crate::error::AppResult;
use crate::registry::{command, Access, CommandSpec, Ctx, NoInput};
use serde::{Deserialize, Serialize};

pub(crate) fn commands() -> Vec<CommandSpec> {
    vec![
        command(
            "list_audit",
            "View the audit log",
            Access::Permission(Permission::AuditView),
            list_audit,
        ),
        command(
            "verify_database",
            "Verify the database and the audit chain",
            Access::Permission(Permission::AuditView),
            verify_database,
        ),
    ]
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListAuditInput {
    /// Page backwards: entries older than this position.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub before_seq: Option<i64>,
    /// At most this many entries (1–500, default 100).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub limit: Option<u32>,
}

fn list_audit(ctx: &Ctx<'_>, input: ListAuditInput) -> AppResult<Vec<AuditRecord>> {
    let limit = input.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(crate::AppError::field(
            "limit",
            "the page size is between 1 and 500",
        ));
    }
    let rows = ctx.read(|c| recent(c, input.before_seq, limit))?;
    // Reading the audit log is itself audited.
    let entry = ctx.audit_entry(AuditOutcome::Ok, None, format!("{} entries", rows.len()));
    ctx.write(|w| w.audit(entry))?;
    Ok(rows)
}

#[derive(Debug, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct VerifyReport {
    /// Problems of `integrity_check` and `foreign_key_check`; empty when clean.
    pub database_problems: Vec<String>,
    pub audit: ChainReport,
    pub clean: bool,
}

fn verify_database(ctx: &Ctx<'_>, _: NoInput) -> AppResult<VerifyReport> {
    let store = ctx.ws.store();
    let database_problems = store.integrity_problems()?;
    let audit = store.read(|c| verify_chain(c, store.audit_key(), store.path()))?;
    let clean = database_problems.is_empty() && audit.is_clean();
    Ok(VerifyReport {
        database_problems,
        audit,
        clean,
    })
}
