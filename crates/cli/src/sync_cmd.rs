//! `clinicdesk sync …`: prepare the central database, sync once, or stay connected.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clinicdesk_core::sync::{configured_target, LiveSync, SyncTarget};
use clinicdesk_core::{AppError, ErrorCode, Workstation};
use clinicdesk_sync::{CentralServer, SyncEngine, SyncError};
use serde_json::{json, Value};
use tokio::sync::Notify;
use zeroize::Zeroizing;

pub fn runtime() -> Result<tokio::runtime::Runtime, AppError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| AppError::internal(format!("cannot start the async runtime: {e}")))
}

pub fn sync_error(e: &SyncError) -> AppError {
    let code = match e {
        SyncError::InvalidUrl(_) => ErrorCode::Validation,
        SyncError::SchemaTooNew { .. }
        | SyncError::SchemaNotMigrated { .. }
        | SyncError::Local(_)
        | SyncError::WorkstationCodeTaken { .. } => ErrorCode::Conflict,
        _ => ErrorCode::Io,
    };
    AppError::new(code, e.to_string())
}

/// `sync migrate`: applies the central migrations (run once by the schema's owner).
pub fn migrate(
    url: &str,
    password: Option<Zeroizing<String>>,
) -> Result<(String, Value), AppError> {
    let url = clinicdesk_core::sync::validate_server_url(url).map_err(|e| e.with_field("url"))?;
    let target = SyncTarget {
        server_url: url,
        password,
        workstation_name: String::new(),
    };
    let url = clinicdesk_sync::connection_url(&target).map_err(|e| sync_error(&e))?;
    let applied = runtime()?
        .block_on(CentralServer::migrate(&url))
        .map_err(|e| sync_error(&e))?;
    let text = if applied.is_empty() {
        "The central database is current.".to_owned()
    } else {
        applied
            .iter()
            .map(|v| format!("applied central migration {v}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    Ok((text, json!({"applied": applied})))
}

/// The target from the flags, else from the workstation's settings.
pub fn target(
    ws: &Workstation,
    url: Option<&str>,
    name: Option<&str>,
    password: Option<Zeroizing<String>>,
) -> Result<SyncTarget, AppError> {
    match url {
        Some(url) => Ok(SyncTarget {
            server_url: clinicdesk_core::sync::validate_server_url(url)
                .map_err(|e| e.with_field("url"))?,
            password,
            workstation_name: name.unwrap_or_default().to_owned(),
        }),
        None => {
            let mut target = configured_target(ws.store())?.ok_or_else(|| {
                AppError::field(
                    "url",
                    "sync is not set up on this workstation: pass --url (or set it up in Settings → Sync)",
                )
            })?;
            if password.is_some() {
                target.password = password;
            }
            if let Some(name) = name {
                target.workstation_name = name.to_owned();
            }
            Ok(target)
        }
    }
}

/// `sync once`: pull everything new, push everything pending; progress on stderr.
pub fn once(
    ws: Workstation,
    target: &SyncTarget,
    quiet: bool,
) -> Result<(String, Value), AppError> {
    let ws = Arc::new(ws);
    let started = Instant::now();
    let report = runtime()?.block_on(async {
        let engine = SyncEngine::connect(ws.clone(), target).await?;
        let last = Mutex::new(Instant::now());
        let progress = |phase: &str, done: u64, total: Option<u64>| {
            let mut last = last.lock().unwrap_or_else(|p| p.into_inner());
            if quiet || last.elapsed() < Duration::from_millis(500) {
                return;
            }
            *last = Instant::now();
            let total = total.map(|t| format!(" / {t}")).unwrap_or_default();
            let _ = writeln!(std::io::stderr(), "{phase}: {done}{total}");
        };
        let result = engine.round(&progress).await;
        engine.note(result.as_ref().err()).await;
        engine.server().close().await;
        result
    });
    let report = report.map_err(|e| sync_error(&e))?;
    let seconds = started.elapsed().as_secs_f64();
    let text = format!(
        "pulled {} changes ({} refused, {} new conflicts), pushed {} ({} already on the server), {} audit entries, in {seconds:.1} s",
        report.pulled,
        report.refused,
        report.new_conflicts,
        report.pushed,
        report.already_on_server,
        report.audit_entries
    );
    let mut value = serde_json::to_value(&report).unwrap_or(Value::Null);
    value["seconds"] = json!(seconds);
    Ok((text, value))
}

/// `sync watch`: stays connected (listening for other workstations), reconnecting after a
/// failure, until stdin closes or the process is stopped.
pub fn watch(ws: Workstation, target: &SyncTarget) -> Result<(String, Value), AppError> {
    let ws = Arc::new(ws);
    let live = Mutex::new(LiveSync::default());
    let local = Arc::new(Notify::new());
    let wake = Notify::new();
    let stop = Arc::new(Notify::new());
    {
        let local = local.clone();
        ws.store()
            .on_change(Arc::new(move |_tables: &[String]| local.notify_one()));
    }
    // Closing stdin (or Ctrl+D) ends the watch cleanly.
    {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut sink = Vec::new();
            let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut sink);
            stop.notify_one();
        });
    }
    runtime()?.block_on(async {
        let mut pause = Duration::from_secs(1);
        loop {
            match SyncEngine::connect(ws.clone(), target).await {
                Ok(engine) => {
                    eprintln!("sync: connected as {}", engine.workstation_id());
                    pause = Duration::from_secs(1);
                    let result = engine.watch(&live, &local, &wake, &stop).await;
                    engine.server().close().await;
                    match result {
                        Ok(()) => return Ok::<(), AppError>(()),
                        Err(e) => {
                            engine.note(Some(&e)).await;
                            eprintln!("sync: {e}; reconnecting in {}s", pause.as_secs());
                        }
                    }
                }
                Err(e @ (SyncError::SchemaTooNew { .. } | SyncError::SchemaNotMigrated { .. })) => {
                    return Err(sync_error(&e));
                }
                Err(e) => eprintln!("sync: {e}; retrying in {}s", pause.as_secs()),
            }
            tokio::select! {
                () = tokio::time::sleep(pause) => {}
                () = stop.notified() => return Ok(()),
            }
            pause = (pause * 2).min(Duration::from_secs(30));
        }
    })?;
    Ok(("sync watch ended".to_owned(), json!({"ended": true})))
}
