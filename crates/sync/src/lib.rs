//! ClinicDesk's central side of sync: the PostgreSQL schema (migrations/central) and the
//! transport that workstations use to push their local change log and pull everyone
//! else's.
//!
//! The model is an append-only log (STYLE.md lesson 9): every local write becomes a
//! [`Change`] with a locally minted UUIDv7 id, so pushing is idempotent (a change already
//! on the server is skipped, never duplicated) and offline workstations never collide.
//! The server numbers changes in arrival order (`server_seq`); a workstation pulls others'
//! changes after the last `server_seq` it has applied.
//!
//! [`SyncEngine`] is one workstation's side of the protocol (push, pull and merge, and the
//! LISTEN/NOTIFY `watch`); [`BackgroundSync`] runs it in the desktop app.
//!
//! ```no_run
//! # async fn demo(url: &str, me: uuid::Uuid, outbox: Vec<clinicdesk_sync::Change>)
//! # -> Result<(), clinicdesk_sync::SyncError> {
//! use clinicdesk_sync::CentralServer;
//!
//! CentralServer::migrate(url).await?; // once, by the schema's owner (`clinicdesk sync migrate`)
//! let server = CentralServer::connect(url).await?; // refuses a schema of another version
//! server.register_workstation(me, "Reception 1", Some("K7Q")).await?;
//! let report = server.push(&outbox).await?; // safe to repeat after a crash
//! let incoming = server.pull(0, me, 1_000).await?; // changes + the cursor they cover
//! # let _ = (report, incoming);
//! # Ok(())
//! # }
//! ```
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod central;
mod change;
mod driver;
mod engine;
mod error;

pub use central::{
    AuditRecord, CentralServer, PullPage, PushReport, Workstation, CHANGES_CHANNEL, PUSH_BATCH_ROWS,
};
pub use change::{Change, ChangeNotification, ChangeOp, PulledChange};
pub use driver::BackgroundSync;
pub use engine::{connection_url, Progress, RoundReport, SyncEngine, PAGE, TIMER};
pub use error::SyncError;
