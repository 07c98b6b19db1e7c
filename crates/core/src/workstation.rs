//! The workstation: store + clock + sessions, and the one dispatch path for every command.

use crate::accounts::sessions::Sessions;
use crate::audit::AuditOutcome;
use crate::clock::{Clock, SystemClock};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::keys::DbKey;
use crate::registry::{registry, Access, Actor, Ctx};
use crate::store::Store;
use crate::sync::SyncDriver;
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;

/// Who is calling `dispatch`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// No session (status, first-run setup, sign-in).
    Anonymous,
    /// A session token from `login`.
    Session(String),
    /// The headless administration tool (it holds the database key).
    LocalAdmin,
}

pub struct Workstation {
    store: Store,
    clock: Arc<dyn Clock>,
    pub(crate) sessions: Sessions,
    sync_driver: std::sync::RwLock<Option<Arc<dyn SyncDriver>>>,
}

impl std::fmt::Debug for Workstation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workstation")
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

impl Workstation {
    /// Opens (creating if needed) the encrypted database at `path`.
    pub fn open(path: &Path, key: DbKey) -> AppResult<Self> {
        Self::open_with_clock(path, key, Arc::new(SystemClock))
    }

    pub fn open_with_clock(path: &Path, key: DbKey, clock: Arc<dyn Clock>) -> AppResult<Self> {
        Ok(Self::from_store(Store::open(path, key)?, clock))
    }

    /// Opens an existing database only.
    pub fn open_existing(path: &Path, key: DbKey) -> AppResult<Self> {
        Ok(Self::from_store(
            Store::open_existing(path, key)?,
            Arc::new(SystemClock),
        ))
    }

    pub fn in_memory() -> AppResult<Self> {
        Self::in_memory_with_clock(Arc::new(SystemClock))
    }

    pub fn in_memory_with_clock(clock: Arc<dyn Clock>) -> AppResult<Self> {
        Ok(Self::from_store(Store::open_in_memory()?, clock))
    }

    pub fn from_store(store: Store, clock: Arc<dyn Clock>) -> Self {
        Workstation {
            store,
            clock,
            sessions: Sessions::default(),
            sync_driver: std::sync::RwLock::new(None),
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Installs the connection to the central server (the shell or `clinicdesk sync`).
    pub fn set_sync_driver(&self, driver: Arc<dyn SyncDriver>) {
        *self.sync_driver.write().unwrap_or_else(|p| p.into_inner()) = Some(driver);
    }

    pub fn sync_driver(&self) -> Option<Arc<dyn SyncDriver>> {
        self.sync_driver
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Runs command `name` for `caller` with JSON `input`: the one path for the UI and the
    /// CLI alike.
    pub fn dispatch(&self, caller: &Caller, name: &str, input: Value) -> AppResult<Value> {
        let spec = registry()
            .get(name)
            .ok_or_else(|| AppError::not_found(format!("unknown command {name:?}")))?;
        let now = self.clock.now();
        let token = match caller {
            Caller::Session(t) => Some(t.as_str()),
            _ => None,
        };
        let (actor, locked) = match caller {
            Caller::Anonymous => (Actor::Anonymous, false),
            Caller::LocalAdmin => (Actor::LocalAdmin, false),
            Caller::Session(token) => self.resolve_session(token, now)?,
        };
        if locked && spec.access != Access::Public {
            return Err(AppError::new(
                ErrorCode::SessionLocked,
                "the screen is locked; enter your password to unlock",
            ));
        }
        if let Actor::User(user) = &actor {
            let allowed = spec.access == Access::Public
                || matches!(
                    spec.name,
                    "change_password" | "whoami" | "lock_session" | "get_clinic_settings"
                );
            if user.must_change_password && !allowed {
                return Err(AppError::new(
                    ErrorCode::PasswordChangeRequired,
                    "choose a new password before continuing",
                ));
            }
        }
        let ctx = Ctx {
            ws: self,
            actor,
            command: spec.name,
            now,
            session_token: token,
        };
        match spec.access {
            Access::Public => {}
            Access::SignedIn => {
                if ctx.actor == Actor::Anonymous {
                    return Err(sign_in_first());
                }
            }
            Access::Permission(p) => {
                if ctx.actor == Actor::Anonymous {
                    return Err(sign_in_first());
                }
                if !ctx.actor.may(p) {
                    let role = match &ctx.actor {
                        Actor::User(u) => u.role.as_str(),
                        _ => "?",
                    };
                    let entry = ctx.audit_entry(AuditOutcome::Denied, None, format!("needs {p}"));
                    self.store.write(now, |w| w.audit(entry))?;
                    return Err(AppError::new(
                        ErrorCode::PermissionDenied,
                        format!(
                            "the {role} role may not {} (needs {p})",
                            spec.summary.to_lowercase()
                        ),
                    ));
                }
            }
        }
        let result = spec.run(&ctx, input);
        if let Some(token) = token {
            if !locked {
                self.sessions.touch(token, now);
            }
        }
        result
    }

    fn resolve_session(
        &self,
        token: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> AppResult<(Actor, bool)> {
        // One read for the idle limit and the user: this runs before every command.
        let (session, user) = self.store.read(|c| {
            let idle = crate::clinic::idle_lock_minutes_in(c)?;
            let session = self
                .sessions
                .resolve(token, now, chrono::Duration::minutes(idle))
                .ok_or_else(session_ended)?;
            let user = crate::accounts::signed_in_user(c, &session.user_id)?;
            Ok((session, user))
        })?;
        let user = match user {
            Some(user) => user,
            None => {
                // Disabled (or gone) since sign-in: the session ends now.
                self.sessions.end(token);
                return Err(session_ended());
            }
        };
        Ok((Actor::User(user), session.locked))
    }
}

fn sign_in_first() -> AppError {
    AppError::new(ErrorCode::Unauthenticated, "sign in first")
}

fn session_ended() -> AppError {
    AppError::new(
        ErrorCode::Unauthenticated,
        "your session has ended; sign in again",
    )
}
