//! One write transaction: rows, their change-log entries and audit entries commit together.

use crate::audit::{self, AuditEntry, AuditHead, AuditKey};
use crate::clock::{new_id, to_db_time};
use crate::error::AppError;
use base64::Engine;
use chrono::{DateTime, Utc};
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde_json::{Map, Value};

/// Tables whose rows sync between workstations. A change to any other table is a bug.
pub const SYNCED_TABLES: &[&str] = &[
    "clinic",
    "users",
    "departments",
    "patients",
    "patient_allergies",
    "visit_types",
    "availability_blocks",
    "availability_exceptions",
    "appointments",
    "appointment_transitions",
    "waitlist_entries",
    "encounters",
    "encounter_notes",
    "vitals",
    "encounter_diagnoses",
    "patient_problems",
    "patient_problem_changes",
    "attachments",
    "medications",
    "prescriptions",
    "prescription_items",
    "prescription_overrides",
    "tax_categories",
    "price_items",
    "price_versions",
    "invoices",
    "invoice_lines",
    "credit_notes",
    "credit_note_lines",
    "payments",
    "cash_closings",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeOp {
    Insert,
    Update,
    Delete,
}

impl ChangeOp {
    fn as_str(self) -> &'static str {
        match self {
            ChangeOp::Insert => "insert",
            ChangeOp::Update => "update",
            ChangeOp::Delete => "delete",
        }
    }
}

/// A hybrid logical clock: wall-clock milliseconds plus a counter, so changes made on one
/// workstation order correctly even when its clock stalls or steps back, and changes of
/// different workstations compare by time first. Text form sorts: `ms-counter-workstation`.
#[derive(Debug, Clone)]
pub(crate) struct Hlc {
    last_ms: i64,
    counter: u32,
    node: String,
}

impl Hlc {
    pub(crate) fn resume(conn: &Connection, node: &str) -> rusqlite::Result<Hlc> {
        let last: Option<String> = conn
            .query_row("SELECT max(hlc) FROM change_log", [], |r| r.get(0))
            .optional()?
            .flatten();
        let (last_ms, counter) = last
            .as_deref()
            .and_then(|s| {
                let mut parts = s.splitn(3, '-');
                let ms = parts.next()?.parse().ok()?;
                let counter = parts.next()?.parse().ok()?;
                Some((ms, counter))
            })
            .unwrap_or((0, 0));
        Ok(Hlc {
            last_ms,
            counter,
            node: node.to_string(),
        })
    }

    pub(crate) fn tick(&mut self, now_ms: i64) -> String {
        if now_ms > self.last_ms {
            self.last_ms = now_ms;
            self.counter = 0;
        } else {
            self.counter += 1;
            if self.counter > 99_999 {
                self.last_ms += 1;
                self.counter = 0;
            }
        }
        format!("{:013}-{:05}-{}", self.last_ms, self.counter, self.node)
    }

    /// Moves the clock past an HLC received from another workstation, so a change made
    /// here afterwards always orders after what this workstation has seen, even when the
    /// other workstation's wall clock runs ahead.
    pub(crate) fn observe(&mut self, remote: &str) {
        let mut parts = remote.splitn(3, '-');
        let (Some(Ok(ms)), Some(Ok(counter))) = (
            parts.next().map(str::parse::<i64>),
            parts.next().map(str::parse::<u32>),
        ) else {
            return;
        };
        if (ms, counter) > (self.last_ms, self.counter) {
            self.last_ms = ms;
            self.counter = counter;
        }
    }
}

pub struct WriteTx<'a> {
    tx: Transaction<'a>,
    hlc: &'a mut Hlc,
    workstation_id: &'a str,
    audit_key: &'a AuditKey,
    now: DateTime<Utc>,
    audit_head: Option<AuditHead>,
    changed: std::collections::BTreeSet<&'static str>,
}

impl<'a> WriteTx<'a> {
    pub(crate) fn new(
        tx: Transaction<'a>,
        hlc: &'a mut Hlc,
        workstation_id: &'a str,
        audit_key: &'a AuditKey,
        now: DateTime<Utc>,
    ) -> Self {
        WriteTx {
            tx,
            hlc,
            workstation_id,
            audit_key,
            now,
            audit_head: None,
            changed: std::collections::BTreeSet::new(),
        }
    }

    /// The transaction's connection, for SQL.
    pub fn conn(&self) -> &Connection {
        &self.tx
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    pub fn now_text(&self) -> String {
        to_db_time(self.now)
    }

    pub fn workstation_id(&self) -> &str {
        self.workstation_id
    }

    /// Appends the current state of `table`/`row_id` to the change log (for sync).
    pub fn record_change(
        &mut self,
        table: &str,
        row_id: &str,
        op: ChangeOp,
    ) -> Result<(), AppError> {
        let Some(&table) = SYNCED_TABLES.iter().find(|t| **t == table) else {
            return Err(AppError::internal(format!("{table} is not a synced table")));
        };
        self.changed.insert(table);
        let row_data = match op {
            ChangeOp::Delete => None,
            ChangeOp::Insert | ChangeOp::Update => Some(
                row_as_json(&self.tx, table, row_id)?
                    .ok_or_else(|| {
                        AppError::internal(format!("{table} {row_id} vanished before logging"))
                    })?
                    .to_string(),
            ),
        };
        let hlc = self.hlc.tick(self.now.timestamp_millis());
        self.tx.execute(
            "INSERT INTO change_log (id, hlc, workstation_id, table_name, row_id, op, row_data)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                new_id(),
                hlc,
                self.workstation_id,
                table,
                row_id,
                op.as_str(),
                row_data
            ],
        )?;
        Ok(())
    }

    /// Sync: the clock moves past an HLC pulled from another workstation.
    pub(crate) fn observe_hlc(&mut self, remote: &str) {
        self.hlc.observe(remote);
    }

    /// Sync: rows of `table` arrived from another workstation (listeners are told after
    /// the commit, as for local writes).
    pub(crate) fn mark_changed(&mut self, table: &str) {
        if let Some(&table) = SYNCED_TABLES.iter().find(|t| **t == table) {
            self.changed.insert(table);
        }
    }

    /// Appends an entry to the audit chain, in this transaction.
    pub fn audit(&mut self, entry: AuditEntry) -> Result<(), AppError> {
        let head = audit::append(
            &self.tx,
            self.audit_key,
            self.workstation_id,
            self.now,
            &entry,
        )?;
        self.audit_head = Some(head);
        Ok(())
    }

    /// Commits; returns the audit chain's new head and the synced tables that changed.
    pub(crate) fn commit(self) -> Result<(Option<AuditHead>, Vec<String>), AppError> {
        self.tx.commit()?;
        let changed = self.changed.into_iter().map(String::from).collect();
        Ok((self.audit_head, changed))
    }
}

/// The row as a JSON object, column by column (blobs as base64).
fn row_as_json(conn: &Connection, table: &str, row_id: &str) -> Result<Option<Value>, AppError> {
    // `table` comes from SYNCED_TABLES, never from input.
    let mut stmt = conn.prepare_cached(&format!("SELECT * FROM \"{table}\" WHERE id = ?1"))?;
    let names: Vec<String> = stmt.column_names().into_iter().map(String::from).collect();
    let row = stmt
        .query_row([row_id], |r| {
            let mut obj = Map::new();
            for (i, name) in names.iter().enumerate() {
                let value = match r.get_ref(i)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(n) => Value::from(n),
                    ValueRef::Real(x) => Value::from(x),
                    ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(b) => {
                        Value::from(base64::engine::general_purpose::STANDARD.encode(b))
                    }
                };
                obj.insert(name.clone(), value);
            }
            Ok(Value::Object(obj))
        })
        .optional()?;
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hlc_is_monotonic_even_when_the_clock_steps_back() {
        let mut hlc = Hlc {
            last_ms: 0,
            counter: 0,
            node: "w".into(),
        };
        let a = hlc.tick(1_000);
        let b = hlc.tick(1_000);
        let c = hlc.tick(900);
        let d = hlc.tick(2_000);
        assert!(a < b && b < c && c < d, "{a} {b} {c} {d}");
        assert_eq!(d, "0000000002000-00000-w");
    }
}
