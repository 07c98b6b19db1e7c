//! The ClinicDesk desktop shell: opens the workstation's encrypted store and forwards every
//! UI request to the core's command registry, and runs sync in the background. No clinic
//! rule lives here.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use clinicdesk_core::keys::{KeyFile, KeySource, Keychain};
use clinicdesk_core::{AppError, Caller, Workstation};
use std::path::PathBuf;
use std::sync::Arc;
use tauri::{Emitter, Manager};

/// The opened workstation, or why it could not be opened (shown by the UI).
struct Desk(Result<Arc<Workstation>, AppError>);

fn open_workstation(app: &tauri::App) -> Result<Workstation, AppError> {
    let db: PathBuf = match std::env::var_os("CLINICDESK_DB") {
        Some(path) => PathBuf::from(path),
        None => app
            .path()
            .app_data_dir()
            .map_err(|e| AppError::io(format!("no data folder for ClinicDesk: {e}")))?
            .join("clinic.db"),
    };
    let key = match std::env::var_os("CLINICDESK_KEY_FILE") {
        Some(path) => KeyFile::new(path).load_or_create()?,
        None => Keychain::for_database(&db).load_or_create()?,
    };
    tracing::info!("opening {}", db.display());
    Workstation::open(&db, key)
}

/// The one IPC command: runs registry command `name` for the session `token`.
#[tauri::command]
async fn dispatch(
    state: tauri::State<'_, Desk>,
    name: String,
    token: Option<String>,
    input: serde_json::Value,
) -> Result<serde_json::Value, AppError> {
    let ws = state.0.clone()?;
    let caller = match token {
        Some(token) => Caller::Session(token),
        None => Caller::Anonymous,
    };
    // Commands hash passwords and fsync: keep them off the async runtime's threads.
    tauri::async_runtime::spawn_blocking(move || ws.dispatch(&caller, &name, input))
        .await
        .map_err(|e| AppError::internal(format!("the command stopped unexpectedly: {e}")))?
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let result = tauri::Builder::default()
        .setup(|app| {
            let desk = open_workstation(app).map(Arc::new);
            match &desk {
                Ok(ws) => {
                    // Every committed change (and, with sync, every change that arrives)
                    // reaches every open window at once: the calendar, the queue, the
                    // waiting-room display and the doctors' status follow it.
                    let handle = app.handle().clone();
                    ws.store().on_change(Arc::new(move |tables: &[String]| {
                        let payload = serde_json::json!({ "tables": tables });
                        if let Err(e) = handle.emit("clinic-changed", payload) {
                            tracing::warn!("could not tell the windows about a change: {e}");
                        }
                    }));
                }
                Err(e) => tracing::error!("cannot open the clinic database: {e}"),
            }
            if let Ok(ws) = &desk {
                // Sync with the central server in the background (it waits quietly while
                // sync is not enabled; the settings screen wakes it).
                let runtime = tauri::async_runtime::handle().inner().clone();
                app.manage(clinicdesk_sync::BackgroundSync::start(ws, runtime));
            }
            app.manage(Desk(desk));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![dispatch])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        tracing::error!("ClinicDesk could not start: {e}");
        std::process::exit(1);
    }
}
