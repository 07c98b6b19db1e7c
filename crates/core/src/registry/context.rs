//! What a running command knows: the workstation, who is acting, and when.

use crate::access::{Permission, Role};
use crate::audit::{AuditActor, AuditEntry, AuditOutcome};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::store::WriteTx;
use crate::Workstation;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::Serialize;

/// A signed-in user, as resolved from the session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct SignedInUser {
    pub id: String,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    /// Set after an admin reset: only `change_password` (and signing out) until done.
    pub must_change_password: bool,
}

/// Who runs a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Anonymous,
    User(SignedInUser),
    /// The headless `clinicdesk` tool, acting as the built-in administrator: whoever holds
    /// the database key holds the data anyway.
    LocalAdmin,
}

impl Actor {
    pub fn audit_actor(&self) -> AuditActor {
        match self {
            Actor::Anonymous => AuditActor {
                id: None,
                name: "anonymous".into(),
                role: None,
            },
            Actor::User(u) => AuditActor {
                id: Some(u.id.clone()),
                name: u.username.clone(),
                role: Some(u.role.as_str().into()),
            },
            Actor::LocalAdmin => AuditActor {
                id: None,
                name: "local-admin (clinicdesk cli)".into(),
                role: Some(Role::Admin.as_str().into()),
            },
        }
    }

    pub fn may(&self, permission: Permission) -> bool {
        match self {
            Actor::Anonymous => false,
            Actor::User(u) => u.role.has(permission),
            Actor::LocalAdmin => Role::Admin.has(permission),
        }
    }
}

pub struct Ctx<'a> {
    pub ws: &'a Workstation,
    pub actor: Actor,
    pub command: &'static str,
    pub now: DateTime<Utc>,
    pub(crate) session_token: Option<&'a str>,
}

impl<'a> Ctx<'a> {
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> AppResult<T>) -> AppResult<T> {
        self.ws.store().read(f)
    }

    /// One transaction for the whole command.
    pub fn write<T>(&self, f: impl FnOnce(&mut WriteTx<'_>) -> AppResult<T>) -> AppResult<T> {
        self.ws.store().write(self.now, f)
    }

    /// An audit entry for this command by this actor.
    pub fn audit_entry(
        &self,
        outcome: AuditOutcome,
        record: Option<(&str, &str)>,
        detail: impl Into<String>,
    ) -> AuditEntry {
        AuditEntry {
            actor: self.actor.audit_actor(),
            action: self.command.to_string(),
            outcome,
            record_table: record.map(|(t, _)| t.to_string()),
            record_id: record.map(|(_, id)| id.to_string()),
            detail: detail.into(),
        }
    }

    /// The signed-in user, or an error for the headless administrator / anonymous callers.
    pub fn user(&self) -> AppResult<&SignedInUser> {
        match &self.actor {
            Actor::User(u) => Ok(u),
            _ => Err(AppError::new(
                ErrorCode::Unauthenticated,
                "this needs a signed-in user",
            )),
        }
    }

    pub fn session_token(&self) -> Option<&str> {
        self.session_token
    }
}
