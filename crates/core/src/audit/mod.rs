//! The tamper-evident audit log.
//!
//! Every entry's HMAC covers its own content, its position (`seq`) and the previous entry's
//! HMAC, keyed by a key derived from the database key, which the database never stores. So
//! editing, deleting or reordering entries breaks the chain. Truncating the tail is caught
//! by the anchor: the newest (seq, HMAC), itself MACed, kept in a file *beside* the
//! database and rewritten after every commit that adds entries.

pub(crate) mod commands;

use crate::clock::{new_id, to_db_time};
use crate::error::AppError;
use crate::keys::DbKey;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

type HmacSha256 = Hmac<Sha256>;

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The audit chain's key, derived from the database key.
pub(crate) struct AuditKey(Zeroizing<[u8; 32]>);

impl AuditKey {
    pub(crate) fn derive_from(key: &DbKey) -> Self {
        AuditKey(key.derive("clinicdesk audit chain v1"))
    }

    fn mac(&self, parts: &[&str]) -> String {
        // HMAC accepts keys of any length, so new_from_slice cannot fail for 32 bytes.
        let mut mac = match HmacSha256::new_from_slice(self.0.as_ref()) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC takes any key length"),
        };
        for part in parts {
            // Length-prefixed so that field boundaries cannot shift.
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        hex::encode(mac.finalize().into_bytes())
    }
}

/// Who did something, as the audit log records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct AuditActor {
    pub id: Option<String>,
    pub name: String,
    pub role: Option<String>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum AuditOutcome {
    Ok,
    Denied,
    Failed,
}

impl AuditOutcome {
    fn as_str(self) -> &'static str {
        match self {
            AuditOutcome::Ok => "ok",
            AuditOutcome::Denied => "denied",
            AuditOutcome::Failed => "failed",
        }
    }
}

/// An entry to append.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub actor: AuditActor,
    pub action: String,
    pub outcome: AuditOutcome,
    pub record_table: Option<String>,
    pub record_id: Option<String>,
    pub detail: String,
}

/// The newest entry's position and HMAC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditHead {
    pub seq: i64,
    pub hmac: String,
}

/// A stored entry, as the audit viewer shows it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct AuditRecord {
    pub seq: i64,
    pub id: String,
    pub at: String,
    pub workstation_id: String,
    pub actor_id: Option<String>,
    pub actor_name: String,
    pub actor_role: Option<String>,
    pub action: String,
    pub outcome: String,
    pub record_table: Option<String>,
    pub record_id: Option<String>,
    pub detail: String,
    #[serde(skip)]
    prev_hmac: String,
    #[serde(skip)]
    hmac: String,
}

impl AuditRecord {
    fn content_mac(&self, key: &AuditKey) -> String {
        key.mac(&[
            &self.seq.to_string(),
            &self.id,
            &self.at,
            &self.workstation_id,
            self.actor_id.as_deref().unwrap_or("\u{0}"),
            &self.actor_name,
            self.actor_role.as_deref().unwrap_or("\u{0}"),
            &self.action,
            &self.outcome,
            self.record_table.as_deref().unwrap_or("\u{0}"),
            self.record_id.as_deref().unwrap_or("\u{0}"),
            &self.detail,
            &self.prev_hmac,
        ])
    }

    fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(AuditRecord {
            seq: r.get(0)?,
            id: r.get(1)?,
            at: r.get(2)?,
            workstation_id: r.get(3)?,
            actor_id: r.get(4)?,
            actor_name: r.get(5)?,
            actor_role: r.get(6)?,
            action: r.get(7)?,
            outcome: r.get(8)?,
            record_table: r.get(9)?,
            record_id: r.get(10)?,
            detail: r.get(11)?,
            prev_hmac: r.get(12)?,
            hmac: r.get(13)?,
        })
    }
}

const COLUMNS: &str = "seq, id, at, workstation_id, actor_id, actor_name, actor_role, action, outcome, record_table, record_id, detail, prev_hmac, hmac";

pub(crate) fn append(
    conn: &Connection,
    key: &AuditKey,
    workstation_id: &str,
    now: DateTime<Utc>,
    entry: &AuditEntry,
) -> Result<AuditHead, AppError> {
    let last: Option<(i64, String)> = conn
        .query_row(
            "SELECT seq, hmac FROM audit_log ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (prev_seq, prev_hmac) = last.unwrap_or((0, GENESIS.to_string()));
    let mut record = AuditRecord {
        seq: prev_seq + 1,
        id: new_id(),
        at: to_db_time(now),
        workstation_id: workstation_id.to_string(),
        actor_id: entry.actor.id.clone(),
        actor_name: entry.actor.name.clone(),
        actor_role: entry.actor.role.clone(),
        action: entry.action.clone(),
        outcome: entry.outcome.as_str().to_string(),
        record_table: entry.record_table.clone(),
        record_id: entry.record_id.clone(),
        detail: entry.detail.clone(),
        prev_hmac,
        hmac: String::new(),
    };
    record.hmac = record.content_mac(key);
    conn.execute(
        &format!("INSERT INTO audit_log ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"),
        params![
            record.seq,
            record.id,
            record.at,
            record.workstation_id,
            record.actor_id,
            record.actor_name,
            record.actor_role,
            record.action,
            record.outcome,
            record.record_table,
            record.record_id,
            record.detail,
            record.prev_hmac,
            record.hmac
        ],
    )?;
    Ok(AuditHead {
        seq: record.seq,
        hmac: record.hmac,
    })
}

/// The newest entries first, for the audit viewer.
pub fn recent(
    conn: &Connection,
    before_seq: Option<i64>,
    limit: u32,
) -> Result<Vec<AuditRecord>, AppError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM audit_log WHERE seq < ?1 ORDER BY seq DESC LIMIT ?2"
    ))?;
    let rows = stmt.query_map(
        params![before_seq.unwrap_or(i64::MAX), limit],
        AuditRecord::from_row,
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// What `verify` found.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ChainReport {
    pub entries: i64,
    pub problems: Vec<String>,
}

impl ChainReport {
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Walks the whole chain; `db_path` (when the store is a file) locates the anchor.
pub(crate) fn verify_chain(
    conn: &Connection,
    key: &AuditKey,
    db_path: Option<&Path>,
) -> Result<ChainReport, AppError> {
    let mut problems = Vec::new();
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM audit_log ORDER BY seq"))?;
    let mut rows = stmt.query([])?;
    let mut expected_seq = 1i64;
    let mut prev_hmac = GENESIS.to_string();
    let mut entries = 0i64;
    let mut hmac_at: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
    let mut last_seq = 0i64;
    while let Some(row) = rows.next()? {
        let record = AuditRecord::from_row(row)?;
        entries += 1;
        if problems.len() < 20 {
            if record.seq != expected_seq {
                problems.push(format!(
                    "entries {expected_seq}..{} are missing (deleted)",
                    record.seq - 1
                ));
            } else if record.prev_hmac != prev_hmac {
                problems.push(format!(
                    "entry {} does not follow entry {} (reordered or replaced)",
                    record.seq,
                    record.seq - 1
                ));
            }
            if record.content_mac(key) != record.hmac {
                problems.push(format!(
                    "entry {} ({} by {} at {}) was altered",
                    record.seq, record.action, record.actor_name, record.at
                ));
            }
        }
        expected_seq = record.seq + 1;
        prev_hmac = record.hmac.clone();
        last_seq = record.seq;
        hmac_at.insert(record.seq, record.hmac);
    }
    if let Some(path) = db_path {
        match read_anchor(path, key) {
            Ok(Some(anchor)) => {
                if anchor.seq > last_seq {
                    problems.push(format!(
                        "the log ends at entry {last_seq} but entry {} existed (truncated or rolled back)",
                        anchor.seq
                    ));
                } else if hmac_at.get(&anchor.seq) != Some(&anchor.hmac) {
                    problems.push(format!(
                        "entry {} differs from the one recorded in the anchor",
                        anchor.seq
                    ));
                }
            }
            Ok(None) => {
                if entries > 0 {
                    problems.push(format!(
                        "the audit anchor file {} is missing",
                        anchor_path(path).display()
                    ));
                }
            }
            Err(problem) => problems.push(problem),
        }
    }
    Ok(ChainReport { entries, problems })
}

/// `clinic.db` → `clinic.db.audit-anchor`.
pub fn anchor_path(db_path: &Path) -> PathBuf {
    let mut name = db_path.as_os_str().to_owned();
    name.push(".audit-anchor");
    PathBuf::from(name)
}

#[derive(Serialize, Deserialize)]
struct Anchor {
    seq: i64,
    hmac: String,
    mac: String,
}

fn anchor_mac(key: &AuditKey, head: &AuditHead) -> String {
    key.mac(&["anchor", &head.seq.to_string(), &head.hmac])
}

/// Records `head` beside the database, after a commit that added entries. Never moves the
/// anchor backwards (another process may have written a newer one), and never moves it at
/// all when the anchored entry is no longer in this chain (the database was rolled back or
/// replaced): the stale anchor stays as evidence for `verify` until a restore resets it. A
/// failure here never fails the committed command: the anchor only ever lags.
pub(crate) fn write_anchor(conn: &Connection, db_path: &Path, key: &AuditKey, head: &AuditHead) {
    let path = anchor_path(db_path);
    match read_anchor(db_path, key) {
        Ok(Some(current)) => {
            if current.seq >= head.seq {
                return;
            }
            let anchored: Option<String> = conn
                .query_row(
                    "SELECT hmac FROM audit_log WHERE seq = ?1",
                    [current.seq],
                    |r| r.get(0),
                )
                .optional()
                .ok()
                .flatten();
            if anchored.as_deref() != Some(current.hmac.as_str()) {
                tracing::warn!(
                    "audit anchor {} does not match this log; kept as evidence",
                    path.display()
                );
                return;
            }
        }
        Ok(None) => {}
        Err(problem) => {
            tracing::warn!("{problem}; kept as evidence");
            return;
        }
    }
    let anchor = Anchor {
        seq: head.seq,
        hmac: head.hmac.clone(),
        mac: anchor_mac(key, head),
    };
    if let Ok(bytes) = serde_json::to_vec(&anchor) {
        if let Err(e) = crate::fsutil::write_atomically(&path, &bytes, false) {
            tracing::warn!("could not update the audit anchor {}: {e}", path.display());
        }
    }
}

/// Replaces the anchor outright (after a restore, the restored log is the truth).
pub(crate) fn reset_anchor(
    db_path: &Path,
    key: &AuditKey,
    head: Option<&AuditHead>,
) -> std::io::Result<()> {
    let path = anchor_path(db_path);
    match head {
        None => match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        },
        Some(head) => {
            let anchor = Anchor {
                seq: head.seq,
                hmac: head.hmac.clone(),
                mac: anchor_mac(key, head),
            };
            let bytes = serde_json::to_vec(&anchor).map_err(std::io::Error::other)?;
            crate::fsutil::write_atomically(&path, &bytes, true)
        }
    }
}

fn read_anchor(db_path: &Path, key: &AuditKey) -> Result<Option<AuditHead>, String> {
    let path = anchor_path(db_path);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(format!(
                "cannot read the audit anchor {}: {e}",
                path.display()
            ))
        }
    };
    let anchor: Anchor = serde_json::from_slice(&bytes)
        .map_err(|_| format!("the audit anchor {} is malformed", path.display()))?;
    let head = AuditHead {
        seq: anchor.seq,
        hmac: anchor.hmac,
    };
    if anchor_mac(key, &head) != anchor.mac {
        return Err(format!(
            "the audit anchor {} was forged or altered",
            path.display()
        ));
    }
    Ok(Some(head))
}

/// The newest entry, if any.
pub(crate) fn head(conn: &Connection) -> Result<Option<AuditHead>, AppError> {
    Ok(conn
        .query_row(
            "SELECT seq, hmac FROM audit_log ORDER BY seq DESC LIMIT 1",
            [],
            |r| {
                Ok(AuditHead {
                    seq: r.get(0)?,
                    hmac: r.get(1)?,
                })
            },
        )
        .optional()?)
}
