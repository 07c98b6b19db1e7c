//! ClinicDesk's core: everything but the window.
//!
//! A [`Workstation`] is one workstation's view of the clinic: its encrypted [`store::Store`],
//! a clock, and the signed-in sessions. Every application command runs through
//! [`Workstation::dispatch`], which finds the command in the [`registry`], resolves who is
//! calling, checks the permission matrix, and runs it in one transaction.

pub mod access;
pub mod accounts;
pub mod audit;
pub mod billing;
pub mod clinic;
pub mod clock;
pub mod demo;
pub mod error;
mod fsutil;
pub mod keys;
pub mod maintenance;
pub mod patients;
pub mod prescriptions;
pub mod records;
pub mod registry;
pub mod scheduling;
pub mod staff;
pub mod store;
pub mod sync;
mod workstation;

pub use error::{AppError, AppResult, ErrorCode};
pub use registry::{registry, Actor};
pub use workstation::{Caller, Workstation};

/// This build's version (shown in About and `clinicdesk --version`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Tauri's app identifier; the default database lives in the user's data folder under it.
pub const APP_IDENTIFIER: &str = "org.clinicdesk.desktop";

/// The desktop app's default database: `<data dir>/org.clinicdesk.desktop/clinic.db`.
pub fn default_db_path() -> Option<std::path::PathBuf> {
    dirs::data_dir().map(|d| d.join(APP_IDENTIFIER).join("clinic.db"))
}
