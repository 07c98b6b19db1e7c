//! One workstation syncing with the central server: push the local change log, pull and
//! merge everyone else's, and — in `watch` — stay connected, listening for other
//! workstations' pushes (NOTIFY is only a wake-up: the cursor is the truth, and a timer
//! pulls anyway).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clinicdesk_core::sync::{
    apply_pulled, mark_pushed, pending_changes, pull_cursor, record_outcome, IncomingChange,
    LiveSync, OutgoingChange, SyncTarget,
};
use clinicdesk_core::Workstation;
use serde::Serialize;
use sqlx::postgres::PgListener;
use tokio::sync::Notify;
use uuid::Uuid;

use crate::{CentralServer, Change, ChangeNotification, ChangeOp, SyncError, CHANGES_CHANNEL};

/// Changes per push request and per pulled page.
pub const PAGE: usize = 5_000;
/// Without any notification, a connected workstation still pulls this often.
pub const TIMER: Duration = Duration::from_secs(30);

/// What one sync round did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RoundReport {
    pub pushed: u64,
    /// Pushed changes the server already had (a retry after a lost acknowledgement).
    pub already_on_server: u64,
    pub pulled: u64,
    pub refused: u64,
    pub new_conflicts: u64,
    pub audit_entries: u64,
}

/// Progress of a long push or pull: phase ("push" / "pull"), done, total when known.
pub type Progress<'a> = &'a (dyn Fn(&str, u64, Option<u64>) + Send + Sync);

/// A workstation connected to its central server.
pub struct SyncEngine {
    ws: Arc<Workstation>,
    server: CentralServer,
    url: String,
    me: Uuid,
}

impl std::fmt::Debug for SyncEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncEngine")
            .field("me", &self.me)
            .finish_non_exhaustive()
    }
}

/// The URL with the keychain's password put in (never stored or shown).
pub fn connection_url(target: &SyncTarget) -> Result<String, SyncError> {
    let Some(password) = &target.password else {
        return Ok(target.server_url.clone());
    };
    let mut url = url::Url::parse(&target.server_url)
        .map_err(|e| SyncError::Database(sqlx::Error::Configuration(Box::new(e))))?;
    url.set_password(Some(password.as_str())).map_err(|()| {
        SyncError::Database(sqlx::Error::Configuration(
            "the server address cannot carry a password".into(),
        ))
    })?;
    Ok(url.to_string())
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, clinicdesk_core::error::AppError> + Send + 'static,
) -> Result<T, SyncError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| SyncError::Local(e.to_string()))?
        .map_err(|e| SyncError::Local(e.message))
}

impl SyncEngine {
    /// Connects (the server's schema must match this build), registers this workstation
    /// with its name and its number prefix.
    pub async fn connect(
        ws: Arc<Workstation>,
        target: &SyncTarget,
    ) -> Result<SyncEngine, SyncError> {
        let url = connection_url(target)?;
        let server = CentralServer::connect(&url).await?;
        let me = Uuid::parse_str(ws.store().workstation_id())
            .map_err(|e| SyncError::Local(format!("workstation id: {e}")))?;
        let code = {
            let ws = ws.clone();
            blocking(move || clinicdesk_core::sync::workstation_code(ws.store())).await?
        };
        let name = if target.workstation_name.trim().is_empty() {
            format!("Workstation {code}")
        } else {
            target.workstation_name.clone()
        };
        server.register_workstation(me, &name, Some(&code)).await?;
        Ok(SyncEngine {
            ws,
            server,
            url,
            me,
        })
    }

    pub fn server(&self) -> &CentralServer {
        &self.server
    }

    pub fn workstation_id(&self) -> Uuid {
        self.me
    }

    /// Pulls everything new, then pushes everything pending (pulling first means a
    /// workstation of another clinic is refused before it sends anything).
    pub async fn round(&self, progress: Progress<'_>) -> Result<RoundReport, SyncError> {
        let mut report = self.pull_all(progress).await?;
        let pushed = self.push_all(progress).await?;
        report.pushed = pushed.pushed;
        report.already_on_server = pushed.already_on_server;
        report.audit_entries = pushed.audit_entries;
        Ok(report)
    }

    /// Pushes the whole local outbox, page by page; each page is acknowledged locally only
    /// after the server committed it (a retry re-sends, the server skips what it has).
    pub async fn push_all(&self, progress: Progress<'_>) -> Result<RoundReport, SyncError> {
        let mut report = RoundReport::default();
        let total = {
            let ws = self.ws.clone();
            blocking(move || ws.store().read(clinicdesk_core::sync::pending_count)).await?
        };
        let total = u64::try_from(total).unwrap_or(0);
        loop {
            let page = {
                let ws = self.ws.clone();
                blocking(move || pending_changes(ws.store(), ws.now(), PAGE)).await?
            };
            let Some(last) = page.last().map(|c| c.seq) else {
                break;
            };
            let changes = page.iter().map(to_change).collect::<Result<Vec<_>, _>>()?;
            let pushed = self.server.push(&changes).await?;
            {
                let ws = self.ws.clone();
                blocking(move || mark_pushed(ws.store(), ws.now(), last)).await?;
            }
            report.pushed += pushed.inserted;
            report.already_on_server += pushed.duplicates;
            progress(
                "push",
                report.pushed + report.already_on_server,
                Some(total),
            );
            if page.len() < PAGE {
                break;
            }
        }
        report.audit_entries = self.push_audit().await?;
        Ok(report)
    }

    /// Pulls and applies every change made elsewhere since the cursor, page by page; each
    /// page and its cursor commit together.
    pub async fn pull_all(&self, progress: Progress<'_>) -> Result<RoundReport, SyncError> {
        let mut report = RoundReport::default();
        loop {
            let cursor = {
                let ws = self.ws.clone();
                blocking(move || ws.store().read(pull_cursor)).await?
            };
            let page = self
                .server
                .pull(cursor, self.me, i64::try_from(PAGE).unwrap_or(i64::MAX))
                .await?;
            let full = page.changes.len() >= PAGE;
            if page.changes.is_empty() && page.cursor <= cursor {
                break;
            }
            let incoming: Vec<IncomingChange> = page.changes.iter().map(to_incoming).collect();
            let count = incoming.len();
            let next = page.cursor;
            let applied = {
                let ws = self.ws.clone();
                blocking(move || apply_pulled(ws.store(), ws.now(), &incoming, next)).await?
            };
            report.pulled += u64::try_from(count).unwrap_or(0);
            report.refused += u64::try_from(applied.refused).unwrap_or(0);
            report.new_conflicts += u64::try_from(applied.new_conflicts).unwrap_or(0);
            progress("pull", report.pulled, None);
            if !full {
                break;
            }
        }
        Ok(report)
    }

    async fn push_audit(&self) -> Result<u64, SyncError> {
        let mut total = 0;
        loop {
            let (entries, last) = {
                let ws = self.ws.clone();
                blocking(move || clinicdesk_core::sync::unpushed_audit(ws.store(), PAGE)).await?
            };
            let Some(last) = last else { break };
            let records: Vec<crate::AuditRecord> = entries
                .into_iter()
                .map(|e| {
                    serde_json::from_value(e)
                        .map_err(|e| SyncError::Local(format!("audit entry: {e}")))
                })
                .collect::<Result<_, _>>()?;
            let count = records.len();
            total += self.server.push_audit(&records).await?;
            let ws = self.ws.clone();
            blocking(move || clinicdesk_core::sync::mark_audit_pushed(ws.store(), ws.now(), last))
                .await?;
            if count < PAGE {
                break;
            }
        }
        Ok(total)
    }

    /// Stays connected until `stop` is notified: pulls when another workstation's push is
    /// announced, pushes when this workstation writes (`local` is notified), syncs on
    /// `wake` and on a timer. Returns on the first connection error (the caller reconnects).
    pub async fn watch(
        &self,
        live: &Mutex<LiveSync>,
        local: &Notify,
        wake: &Notify,
        stop: &Notify,
    ) -> Result<(), SyncError> {
        let mut listener = PgListener::connect(&self.url)
            .await
            .map_err(SyncError::Connect)?;
        listener.listen(CHANGES_CHANNEL).await?;
        set_live(live, |l| l.online = true);
        let progress = |phase: &str, done: u64, total: Option<u64>| {
            set_live(live, |l| {
                l.phase = Some(phase.to_owned());
                l.done = i64::try_from(done).unwrap_or(i64::MAX);
                l.total = total.and_then(|t| i64::try_from(t).ok());
            });
        };
        let run = |what: u8| async move {
            set_live(live, |l| l.syncing = true);
            let outcome = match what {
                0 => self.pull_all(&progress).await.map(|_| ()),
                1 => self.push_all(&progress).await.map(|_| ()),
                _ => self.round(&progress).await.map(|_| ()),
            };
            set_live(live, |l| {
                l.syncing = false;
                l.phase = None;
                l.done = 0;
                l.total = None;
            });
            outcome
        };
        run(2).await?;
        self.note(None).await;
        let mut last_round = Instant::now();
        loop {
            let until_timer = TIMER.saturating_sub(last_round.elapsed());
            tokio::select! {
                notification = listener.try_recv() => {
                    match notification? {
                        Some(n) => {
                            let from_me = ChangeNotification::from_payload(n.payload())
                                .is_ok_and(|n| n.workstation_id == self.me);
                            if !from_me {
                                run(0).await?;
                            }
                        }
                        // The listening connection dropped: notifications may have been
                        // missed, so pull (the next try_recv reconnects).
                        None => {
                            run(0).await?;
                        }
                    }
                }
                () = local.notified() => {
                    run(1).await?;
                }
                () = wake.notified() => {
                    run(2).await?;
                    last_round = Instant::now();
                }
                () = tokio::time::sleep(until_timer) => {
                    run(2).await?;
                    last_round = Instant::now();
                }
                () = stop.notified() => {
                    return Ok(());
                }
            }
            self.note(None).await;
        }
    }

    /// Records the outcome for the status indicator.
    pub async fn note(&self, error: Option<&SyncError>) {
        let ws = self.ws.clone();
        let message = error.map(ToString::to_string);
        let _ = blocking(move || record_outcome(ws.store(), ws.now(), message.as_deref())).await;
    }
}

pub(crate) fn set_live(live: &Mutex<LiveSync>, f: impl FnOnce(&mut LiveSync)) {
    f(&mut live.lock().unwrap_or_else(|p| p.into_inner()));
}

fn to_change(c: &OutgoingChange) -> Result<Change, SyncError> {
    let uuid = |text: &str, what: &str| {
        Uuid::parse_str(text).map_err(|e| {
            SyncError::Local(format!(
                "change {}: {what} {text:?} is not a uuid: {e}",
                c.id
            ))
        })
    };
    let op =
        c.op.parse::<ChangeOp>()
            .map_err(|e| SyncError::Local(e.to_string()))?;
    Ok(Change {
        id: uuid(&c.id, "id")?,
        hlc: c.hlc.clone(),
        workstation_id: uuid(&c.workstation_id, "workstation")?,
        table_name: c.table_name.clone(),
        row_id: c.row_id.clone(),
        op,
        row_data: c.row_data.clone(),
        field_hlcs: c.field_hlcs.clone(),
    })
}

fn to_incoming(p: &crate::PulledChange) -> IncomingChange {
    IncomingChange {
        server_seq: p.server_seq,
        id: p.change.id.to_string(),
        hlc: p.change.hlc.clone(),
        workstation_id: p.change.workstation_id.to_string(),
        table_name: p.change.table_name.clone(),
        row_id: p.change.row_id.clone(),
        op: p.change.op.as_str().to_owned(),
        row_data: p.change.row_data.clone(),
        field_hlcs: p.change.field_hlcs.clone(),
    }
}
