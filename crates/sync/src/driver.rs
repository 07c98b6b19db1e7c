//! Sync in the background of a running app (or `clinicdesk sync watch`): a tokio task that
//! connects when sync is enabled, stays connected ([`SyncEngine::watch`]), reconnects with
//! a growing pause after a failure, and restarts when the settings change. It is the
//! workstation's [`SyncDriver`], so the UI's commands reach it.

use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use clinicdesk_core::error::{AppError, AppResult, ErrorCode};
use clinicdesk_core::sync::{configured_target, LiveSync, ServerCheck, SyncDriver, SyncTarget};
use clinicdesk_core::Workstation;
use tokio::runtime::Handle;
use tokio::sync::Notify;

use crate::engine::{connection_url, set_live, SyncEngine};
use crate::{CentralServer, SyncError};

const MAX_PAUSE: Duration = Duration::from_secs(30);

struct Inner {
    ws: Weak<Workstation>,
    runtime: Handle,
    live: Mutex<LiveSync>,
    /// This workstation wrote something: push it.
    local: Notify,
    /// Someone asked to sync now.
    wake: Notify,
    /// The settings changed.
    reconfigure: Notify,
    stop: Notify,
}

/// The background sync of one workstation.
#[derive(Clone)]
pub struct BackgroundSync {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for BackgroundSync {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BackgroundSync").finish_non_exhaustive()
    }
}

impl BackgroundSync {
    /// Installs background sync on `ws` (as its driver) and starts its task on `runtime`.
    /// With sync disabled the task only waits for the settings to change.
    pub fn start(ws: &Arc<Workstation>, runtime: Handle) -> BackgroundSync {
        let inner = Arc::new(Inner {
            ws: Arc::downgrade(ws),
            runtime: runtime.clone(),
            live: Mutex::new(LiveSync::default()),
            local: Notify::new(),
            wake: Notify::new(),
            reconfigure: Notify::new(),
            stop: Notify::new(),
        });
        let sync = BackgroundSync { inner };
        ws.set_sync_driver(Arc::new(sync.clone()));
        let weak = Arc::downgrade(&sync.inner);
        ws.store().on_change(Arc::new(move |_tables| {
            if let Some(inner) = weak.upgrade() {
                inner.local.notify_one();
            }
        }));
        runtime.spawn(supervise(sync.inner.clone()));
        sync
    }

    /// Ends the background task (at the next wake-up).
    pub fn stop(&self) {
        self.inner.stop.notify_one();
        self.inner.reconfigure.notify_one();
    }

    pub fn live(&self) -> LiveSync {
        self.inner
            .live
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

async fn supervise(inner: Arc<Inner>) {
    let mut pause = Duration::from_secs(1);
    loop {
        let Some(ws) = inner.ws.upgrade() else { return };
        let target = {
            let ws = ws.clone();
            tokio::task::spawn_blocking(move || configured_target(ws.store()))
                .await
                .ok()
                .and_then(Result::ok)
                .flatten()
        };
        let Some(target) = target else {
            set_live(&inner.live, |l| *l = LiveSync::default());
            drop(ws);
            tokio::select! {
                () = inner.reconfigure.notified() => continue,
                () = inner.stop.notified() => return,
            }
        };
        let started = Instant::now();
        let outcome = match SyncEngine::connect(ws.clone(), &target).await {
            Ok(engine) => {
                let result = tokio::select! {
                    r = engine.watch(&inner.live, &inner.local, &inner.wake, &inner.stop) => Some(r),
                    () = inner.reconfigure.notified() => None,
                };
                if let Some(Err(e)) = &result {
                    engine.note(Some(e)).await;
                }
                engine.server().close().await;
                result
            }
            Err(e) => {
                note_error(&ws, &e).await;
                Some(Err(e))
            }
        };
        set_live(&inner.live, |l| *l = LiveSync::default());
        drop(ws);
        match outcome {
            // Stopped, or the settings changed: go round at once.
            Some(Ok(())) => return,
            None => {
                pause = Duration::from_secs(1);
                continue;
            }
            Some(Err(e)) => {
                tracing::warn!("sync: {e}; retrying in {}s", pause.as_secs());
                if started.elapsed() > MAX_PAUSE {
                    pause = Duration::from_secs(1);
                }
                tokio::select! {
                    () = tokio::time::sleep(pause) => {}
                    () = inner.wake.notified() => {}
                    () = inner.reconfigure.notified() => {}
                    () = inner.stop.notified() => return,
                }
                pause = (pause * 2).min(MAX_PAUSE);
            }
        }
    }
}

async fn note_error(ws: &Arc<Workstation>, e: &SyncError) {
    let ws = ws.clone();
    let message = e.to_string();
    let _ = tokio::task::spawn_blocking(move || {
        clinicdesk_core::sync::record_outcome(ws.store(), ws.now(), Some(&message))
    })
    .await;
}

/// A sync error as the UI shows it.
pub(crate) fn app_error(e: &SyncError) -> AppError {
    let code = match e {
        SyncError::InvalidUrl(_) => ErrorCode::Validation,
        SyncError::SchemaTooNew { .. } | SyncError::SchemaNotMigrated { .. } => ErrorCode::Conflict,
        _ => ErrorCode::Io,
    };
    AppError::new(code, e.to_string())
}

impl SyncDriver for BackgroundSync {
    fn test_connection(&self, target: &SyncTarget) -> AppResult<ServerCheck> {
        let url = connection_url(target).map_err(|e| app_error(&e))?;
        self.inner.runtime.block_on(async move {
            let started = Instant::now();
            let server = CentralServer::connect(&url)
                .await
                .map_err(|e| app_error(&e))?;
            let check = server.check().await.map_err(|e| app_error(&e));
            server.close().await;
            let mut check = check?;
            check.round_trip_ms = started.elapsed().as_secs_f64() * 1000.0;
            Ok(check)
        })
    }

    fn reconfigure(&self) {
        self.inner.reconfigure.notify_one();
    }

    fn sync_now(&self) {
        self.inner.wake.notify_one();
    }

    fn live(&self) -> LiveSync {
        BackgroundSync::live(self)
    }
}
