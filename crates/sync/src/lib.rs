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
//! ```no_run
//! # async fn demo(url: &str, me: uuid::Uuid, outbox: Vec<clinicdesk_sync::Change>)
//! # -> Result<(), clinicdesk_sync::SyncError> {
//! use clinicdesk_sync::CentralServer;
//!
//! let server = CentralServer::connect(url).await?; // applies pending central migrations
//! server.register_workstation(me, "Reception 1").await?;
//! let report = server.push(&outbox).await?; // safe to repeat after a crash
//! let incoming = server.pull(0, me, 1_000).await?;
//! # let _ = (report, incoming);
//! # Ok(())
//! # }
//! ```
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod central;
mod change;
mod error;

pub use central::{CentralServer, PushReport, Workstation, CHANGES_CHANNEL, PUSH_BATCH_ROWS};
pub use change::{Change, ChangeNotification, ChangeOp, PulledChange};
pub use error::SyncError;
