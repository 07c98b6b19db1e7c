//! The workstation's half of the sync protocol: stamping local changes with per-field
//! versions before they leave, and merging pulled changes into the store field by field
//! (docs/SYNC.md, "Conflict rules").
//!
//! State kept per synced row (`sync_rows`): the row as last merged and, per column, the HLC
//! of the change that set its value. A local change is diffed against it (columns whose
//! value changed take the change's HLC); a pulled change's column wins where its HLC is
//! newer. That is a last-writer-wins register per field: the same set of changes gives the
//! same rows on every workstation, whatever order they arrive in.

use super::conflicts;
use crate::clock::to_db_time;
use crate::error::{AppError, AppResult};
use crate::store::{Store, SYNCED_TABLES};
use base64::Engine;
use chrono::{DateTime, Utc};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One local change on its way to the server (the change log's row, stamped).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutgoingChange {
    pub seq: i64,
    pub id: String,
    pub hlc: String,
    pub workstation_id: String,
    pub table_name: String,
    pub row_id: String,
    pub op: String,
    pub row_data: Option<Value>,
    pub field_hlcs: Option<Value>,
}

/// A change pulled from the server, made on another workstation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncomingChange {
    pub server_seq: i64,
    pub id: String,
    pub hlc: String,
    pub workstation_id: String,
    pub table_name: String,
    pub row_id: String,
    pub op: String,
    pub row_data: Option<Value>,
    pub field_hlcs: Option<Value>,
}

/// What applying one pulled page did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ApplyReport {
    /// Changes merged into the store (including ones that changed nothing: already known).
    pub applied: usize,
    /// Changes this store's rules refused; each is a conflict on the conflicts screen.
    pub refused: usize,
    /// New conflicts found (double bookings, possible duplicate patients, refusals).
    pub new_conflicts: usize,
    /// Tables whose rows changed.
    pub tables: Vec<String>,
}

/// Stamps every change-log entry not yet stamped, oldest first. Runs before a push and
/// before pulled changes are applied, inside their transaction, so the merge state always
/// follows the order things really happened in on this workstation.
pub(crate) fn stamp_pending(conn: &Connection) -> AppResult<usize> {
    let pending: Vec<(i64, String, String, String, String, Option<String>)> = {
        let mut stmt = conn.prepare_cached(
            "SELECT seq, hlc, table_name, row_id, op, row_data FROM change_log
             WHERE field_hlcs IS NULL ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?;
        rows.collect::<Result<_, _>>()?
    };
    for (seq, hlc, table, row_id, op, row_data) in &pending {
        let mut state = RowState::load(conn, table, row_id)?;
        if op == "delete" {
            state.deleted_hlc = Some(hlc.clone());
            state.data = Map::new();
            state.save(conn, table, row_id)?;
            conn.prepare_cached("UPDATE change_log SET field_hlcs = '{}' WHERE seq = ?1")?
                .execute([seq])?;
            continue;
        }
        let new: Map<String, Value> = match row_data.as_deref().map(serde_json::from_str) {
            Some(Ok(Value::Object(map))) => map,
            _ => {
                return Err(AppError::internal(format!(
                    "change log entry {seq} has no row data"
                )))
            }
        };
        for (column, value) in &new {
            if state.data.get(column) != Some(value) || !state.fields.contains_key(column) {
                state.fields.insert(column.clone(), hlc.clone());
            }
        }
        state.data = new;
        state.deleted_hlc = None;
        state.save(conn, table, row_id)?;
        conn.prepare_cached("UPDATE change_log SET field_hlcs = ?2 WHERE seq = ?1")?
            .execute(params![
                seq,
                serde_json::to_string(&state.fields).map_err(json_error)?
            ])?;
    }
    Ok(pending.len())
}

/// Up to `limit` stamped local changes not yet acknowledged by the server, oldest first.
pub fn pending_changes(
    store: &Store,
    now: DateTime<Utc>,
    limit: usize,
) -> AppResult<Vec<OutgoingChange>> {
    store.write(now, |w| {
        stamp_pending(w.conn())?;
        Ok(())
    })?;
    store.read(|c| {
        let mut stmt = c.prepare_cached(
            "SELECT seq, id, hlc, workstation_id, table_name, row_id, op, row_data, field_hlcs
             FROM change_log WHERE pushed_at IS NULL ORDER BY seq LIMIT ?1",
        )?;
        let rows = stmt.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
            let json = |i: usize| -> rusqlite::Result<Option<Value>> {
                let text: Option<String> = r.get(i)?;
                Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
            };
            Ok(OutgoingChange {
                seq: r.get(0)?,
                id: r.get(1)?,
                hlc: r.get(2)?,
                workstation_id: r.get(3)?,
                table_name: r.get(4)?,
                row_id: r.get(5)?,
                op: r.get(6)?,
                row_data: json(7)?,
                field_hlcs: json(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    })
}

/// Local changes not yet acknowledged by the server.
pub fn pending_count(c: &Connection) -> AppResult<i64> {
    Ok(
        c.prepare_cached("SELECT count(*) FROM change_log WHERE pushed_at IS NULL")?
            .query_row([], |r| r.get(0))?,
    )
}

/// Marks changes up to and including `last_seq` as stored by the server.
pub fn mark_pushed(store: &Store, now: DateTime<Utc>, last_seq: i64) -> AppResult<()> {
    store.write(now, |w| {
        let at = w.now_text();
        w.conn()
            .prepare_cached(
                "UPDATE change_log SET pushed_at = ?2 WHERE pushed_at IS NULL AND seq <= ?1",
            )?
            .execute(params![last_seq, at])?;
        w.conn()
            .prepare_cached("UPDATE sync_state SET last_push_at = ?1 WHERE id = 1")?
            .execute([&at])?;
        Ok(())
    })
}

/// The server cursor this workstation has applied up to.
pub fn pull_cursor(c: &Connection) -> AppResult<i64> {
    Ok(
        c.prepare_cached("SELECT pull_cursor FROM sync_state WHERE id = 1")?
            .query_row([], |r| r.get(0))?,
    )
}

/// Applies one page of pulled changes and moves the cursor to `cursor`, in one transaction:
/// a crash leaves either the whole page applied with its cursor or neither, so a page is
/// never applied twice nor skipped. Pulled changes never enter the local change log.
pub fn apply_pulled(
    store: &Store,
    now: DateTime<Utc>,
    changes: &[IncomingChange],
    cursor: i64,
) -> AppResult<ApplyReport> {
    store.write(now, |w| {
        let mut report = ApplyReport::default();
        let old_cursor = pull_cursor(w.conn())?;
        if cursor < old_cursor {
            return Err(AppError::internal(format!(
                "the server cursor went back from {old_cursor} to {cursor}"
            )));
        }
        stamp_pending(w.conn())?;
        w.conn()
            .execute("INSERT INTO sync_applying (active) VALUES (1)", [])?;
        let local_clinic: Option<String> = w
            .conn()
            .query_row("SELECT id FROM clinic LIMIT 1", [], |r| r.get(0))
            .optional()?;
        if let (Some(mine), Some(theirs)) = (
            &local_clinic,
            changes
                .iter()
                .find(|c| c.table_name == "clinic" && c.op != "delete"),
        ) {
            if *mine != theirs.row_id {
                return Err(AppError::conflict(
                    "this workstation was set up as a clinic of its own, and the server holds \
                     another clinic: a workstation joins a clinic server from a fresh start \
                     (\"Join a clinic server\" on the first-run screen)",
                ));
            }
        }
        let mut columns = Columns::default();
        let mut tables = BTreeSet::new();
        let mut appointments = Vec::new();
        let mut patients = Vec::new();
        let at = w.now_text();
        for change in changes {
            if !SYNCED_TABLES.contains(&change.table_name.as_str()) {
                return Err(AppError::conflict(format!(
                    "another workstation sent rows of {:?}, a table this version of ClinicDesk \
                     does not have: update this workstation",
                    change.table_name
                )));
            }
            w.observe_hlc(&change.hlc);
            w.conn().execute_batch("SAVEPOINT sync_change")?;
            match apply_one(w.conn(), &mut columns, change, &at) {
                Ok(changed) => {
                    w.conn().execute_batch("RELEASE sync_change")?;
                    report.applied += 1;
                    if changed {
                        tables.insert(change.table_name.clone());
                        match change.table_name.as_str() {
                            "appointments" => appointments.push(change.row_id.clone()),
                            "patients" => patients.push(change.row_id.clone()),
                            _ => {}
                        }
                    }
                }
                Err(ApplyError::Refused(reason)) => {
                    w.conn()
                        .execute_batch("ROLLBACK TO sync_change; RELEASE sync_change")?;
                    report.refused += 1;
                    if conflicts::record_refused(w.conn(), change, &reason, &at)? {
                        report.new_conflicts += 1;
                    }
                }
                Err(ApplyError::Fatal(e)) => return Err(e),
            }
        }
        w.conn().execute("DELETE FROM sync_applying", [])?;
        for id in &patients {
            crate::patients::reindex_patient(w.conn(), id)?;
            if let Some(target) = merged_into(w.conn(), id)? {
                crate::patients::reindex_patient(w.conn(), &target)?;
            }
        }
        report.new_conflicts += conflicts::detect_double_bookings(w.conn(), &appointments, &at)?;
        report.new_conflicts += conflicts::detect_duplicates(w.conn(), &patients, now, &at)?;
        w.conn()
            .prepare_cached(
                "UPDATE sync_state SET pull_cursor = ?1, last_pull_at = ?2 WHERE id = 1",
            )?
            .execute(params![cursor, at])?;
        for table in &tables {
            w.mark_changed(table);
        }
        report.tables = tables.into_iter().collect();
        Ok(report)
    })
}

fn merged_into(c: &Connection, id: &str) -> AppResult<Option<String>> {
    Ok(
        c.prepare_cached("SELECT merged_into FROM patients WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .flatten(),
    )
}

enum ApplyError {
    /// A rule of this store (trigger, constraint) refused the change.
    Refused(String),
    Fatal(AppError),
}

impl From<AppError> for ApplyError {
    fn from(e: AppError) -> Self {
        ApplyError::Fatal(e)
    }
}

impl From<rusqlite::Error> for ApplyError {
    fn from(e: rusqlite::Error) -> Self {
        match &e {
            rusqlite::Error::SqliteFailure(f, message)
                if matches!(f.code, rusqlite::ErrorCode::ConstraintViolation) =>
            {
                ApplyError::Refused(message.clone().unwrap_or_else(|| e.to_string()))
            }
            _ => ApplyError::Fatal(e.into()),
        }
    }
}

impl From<serde_json::Error> for ApplyError {
    fn from(e: serde_json::Error) -> Self {
        ApplyError::Fatal(AppError::internal(e.to_string()))
    }
}

/// The declared columns of each synced table (name → is a BLOB), read once per page.
#[derive(Default)]
struct Columns(HashMap<String, BTreeMap<String, bool>>);

impl Columns {
    fn of(&mut self, c: &Connection, table: &str) -> AppResult<&BTreeMap<String, bool>> {
        if !self.0.contains_key(table) {
            let mut stmt = c.prepare(&format!("PRAGMA table_info(\"{table}\")"))?;
            let cols = stmt
                .query_map([], |r| {
                    let name: String = r.get(1)?;
                    let kind: String = r.get(2)?;
                    Ok((name, kind.eq_ignore_ascii_case("blob")))
                })?
                .collect::<Result<BTreeMap<_, _>, _>>()?;
            self.0.insert(table.to_owned(), cols);
        }
        Ok(&self.0[table])
    }
}

/// Merges one pulled change; `Ok(true)` when the store's row changed.
fn apply_one(
    c: &Connection,
    columns: &mut Columns,
    change: &IncomingChange,
    at: &str,
) -> Result<bool, ApplyError> {
    let table = change.table_name.as_str();
    let mut state = RowState::load(c, table, &change.row_id)?;
    if change.op == "delete" {
        let newest_local = state.fields.values().max().cloned();
        if state.deleted_hlc.as_deref() >= Some(change.hlc.as_str())
            || newest_local.as_deref() > Some(change.hlc.as_str())
        {
            // Already gone, or changed here after the other workstation deleted it: the
            // newer change wins, the delete is history on the server.
            return Ok(false);
        }
        let existed = c.execute(
            &format!("DELETE FROM \"{table}\" WHERE id = ?1"),
            [&change.row_id],
        )? > 0;
        state.deleted_hlc = Some(change.hlc.clone());
        state.data = Map::new();
        state.save(c, table, &change.row_id)?;
        return Ok(existed);
    }
    let Some(Value::Object(incoming)) = &change.row_data else {
        return Err(AppError::internal(format!("change {} has no row data", change.id)).into());
    };
    let remote_hlcs = match &change.field_hlcs {
        Some(Value::Object(map)) => map.clone(),
        _ => Map::new(),
    };
    if state
        .deleted_hlc
        .as_deref()
        .is_some_and(|d| d >= change.hlc.as_str())
    {
        return Ok(false);
    }
    let known = columns.of(c, table)?.clone();
    let existed = !state.data.is_empty();
    let mut changed_columns = Vec::new();
    for (column, value) in incoming {
        if !known.contains_key(column) {
            return Err(ApplyError::Fatal(AppError::conflict(format!(
                "another workstation sent {table}.{column}, a column this version of ClinicDesk \
                 does not have: update this workstation"
            ))));
        }
        let remote_hlc = remote_hlcs
            .get(column)
            .and_then(Value::as_str)
            .unwrap_or(change.hlc.as_str())
            .to_owned();
        let local_hlc = state.fields.get(column).cloned();
        let local_value = state.data.get(column);
        let remote_wins = local_hlc.as_deref().is_none_or(|l| remote_hlc.as_str() > l);
        if remote_wins {
            if local_value != Some(value) {
                if let (Some(old), Some(old_hlc)) = (local_value, &local_hlc) {
                    record_overwrite(
                        c,
                        table,
                        &change.row_id,
                        column,
                        (value, &remote_hlc),
                        (old, old_hlc),
                        at,
                    )?;
                }
                changed_columns.push(column.clone());
                state.data.insert(column.clone(), value.clone());
            }
            state.fields.insert(column.clone(), remote_hlc);
        }
    }
    state.deleted_hlc = None;
    if changed_columns.is_empty() && existed {
        state.save(c, table, &change.row_id)?;
        return Ok(false);
    }
    let row_exists = existed
        || c.prepare_cached(&format!("SELECT 1 FROM \"{table}\" WHERE id = ?1"))?
            .query_row([&change.row_id], |_| Ok(()))
            .optional()?
            .is_some();
    if row_exists {
        let sets: Vec<String> = changed_columns
            .iter()
            .enumerate()
            .map(|(i, col)| format!("\"{col}\" = ?{}", i + 2))
            .collect();
        let sql = format!("UPDATE \"{table}\" SET {} WHERE id = ?1", sets.join(", "));
        let mut values = vec![SqlValue::Text(change.row_id.clone())];
        for col in &changed_columns {
            values.push(to_sql(&state.data[col], known[col])?);
        }
        c.prepare_cached(&sql)?
            .execute(rusqlite::params_from_iter(values))?;
    } else {
        let names: Vec<&String> = state.data.keys().collect();
        let sql = format!(
            "INSERT INTO \"{table}\" ({}) VALUES ({})",
            names
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(", "),
            (1..=names.len())
                .map(|i| format!("?{i}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let values = names
            .iter()
            .map(|n| to_sql(&state.data[*n], known[*n]))
            .collect::<Result<Vec<_>, _>>()?;
        c.prepare_cached(&sql)?
            .execute(rusqlite::params_from_iter(values))?;
    }
    state.save(c, table, &change.row_id)?;
    Ok(true)
}

fn to_sql(value: &Value, blob: bool) -> Result<SqlValue, ApplyError> {
    Ok(match value {
        Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Integer(i64::from(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => SqlValue::Integer(i),
            None => SqlValue::Real(n.as_f64().unwrap_or_default()),
        },
        Value::String(s) if blob => SqlValue::Blob(
            base64::engine::general_purpose::STANDARD
                .decode(s)
                .map_err(|e| ApplyError::Refused(format!("a blob that is not base64: {e}")))?,
        ),
        Value::String(s) => SqlValue::Text(s.clone()),
        other => SqlValue::Text(other.to_string()),
    })
}

fn record_overwrite(
    c: &Connection,
    table: &str,
    row_id: &str,
    field: &str,
    kept: (&Value, &str),
    lost: (&Value, &str),
    at: &str,
) -> AppResult<()> {
    c.prepare_cached(
        "INSERT INTO sync_overwrites
             (table_name, row_id, field, kept_value, kept_hlc, lost_value, lost_hlc, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        table,
        row_id,
        field,
        kept.0.to_string(),
        kept.1,
        lost.0.to_string(),
        lost.1,
        at
    ])?;
    Ok(())
}

/// One row's merge state (`sync_rows`).
struct RowState {
    data: Map<String, Value>,
    fields: BTreeMap<String, String>,
    deleted_hlc: Option<String>,
}

impl RowState {
    fn load(c: &Connection, table: &str, row_id: &str) -> AppResult<RowState> {
        let row: Option<(Option<String>, String, Option<String>)> = c
            .prepare_cached(
                "SELECT row_data, field_hlcs, deleted_hlc FROM sync_rows
                 WHERE table_name = ?1 AND row_id = ?2",
            )?
            .query_row([table, row_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let object = |text: Option<&str>| -> AppResult<Map<String, Value>> {
            match text.map(serde_json::from_str::<Value>) {
                None => Ok(Map::new()),
                Some(Ok(Value::Object(map))) => Ok(map),
                Some(_) => Err(AppError::internal(format!(
                    "sync state of {table} {row_id} is not an object"
                ))),
            }
        };
        Ok(match row {
            None => RowState {
                data: Map::new(),
                fields: BTreeMap::new(),
                deleted_hlc: None,
            },
            Some((data, fields, deleted_hlc)) => RowState {
                data: object(data.as_deref())?,
                fields: serde_json::from_str(&fields).map_err(json_error)?,
                deleted_hlc,
            },
        })
    }

    fn save(&self, c: &Connection, table: &str, row_id: &str) -> AppResult<()> {
        let data = (!self.data.is_empty())
            .then(|| serde_json::to_string(&self.data))
            .transpose()
            .map_err(json_error)?;
        c.prepare_cached(
            "INSERT INTO sync_rows (table_name, row_id, row_data, field_hlcs, deleted_hlc)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (table_name, row_id) DO UPDATE SET row_data = excluded.row_data,
                 field_hlcs = excluded.field_hlcs, deleted_hlc = excluded.deleted_hlc",
        )?
        .execute(params![
            table,
            row_id,
            data,
            serde_json::to_string(&self.fields).map_err(json_error)?,
            self.deleted_hlc
        ])?;
        Ok(())
    }
}

fn json_error(e: serde_json::Error) -> AppError {
    AppError::internal(format!("sync state: {e}"))
}

/// Records the outcome of a sync attempt for the status indicator.
pub fn record_outcome(store: &Store, now: DateTime<Utc>, error: Option<&str>) -> AppResult<()> {
    let at = to_db_time(now);
    store.write(now, |w| {
        match error {
            None => w
                .conn()
                .prepare_cached(
                    "UPDATE sync_state SET last_success_at = ?1, last_error = NULL,
                         last_error_at = NULL WHERE id = 1",
                )?
                .execute([&at])?,
            Some(message) => w
                .conn()
                .prepare_cached(
                    "UPDATE sync_state SET last_error = ?1, last_error_at = ?2 WHERE id = 1",
                )?
                .execute(params![message, at])?,
        };
        Ok(())
    })
}

/// Up to `limit` audit entries not yet on the server (as JSON objects with the column
/// names), and the seq of the last one.
pub fn unpushed_audit(store: &Store, limit: usize) -> AppResult<(Vec<Value>, Option<i64>)> {
    store.read(|c| {
        let from: i64 = c
            .prepare_cached("SELECT audit_pushed_seq FROM sync_state WHERE id = 1")?
            .query_row([], |r| r.get(0))?;
        let mut stmt = c.prepare_cached(
            "SELECT seq, id, at, workstation_id, actor_id, actor_name, actor_role, action,
                    outcome, record_table, record_id, detail, prev_hmac, hmac
             FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let names: Vec<String> = stmt.column_names().into_iter().map(String::from).collect();
        let rows = stmt.query_map(
            params![from, i64::try_from(limit).unwrap_or(i64::MAX)],
            |r| {
                let mut obj = Map::new();
                for (i, name) in names.iter().enumerate() {
                    let value = match r.get_ref(i)? {
                        rusqlite::types::ValueRef::Integer(n) => Value::from(n),
                        rusqlite::types::ValueRef::Text(t) => {
                            Value::from(String::from_utf8_lossy(t).into_owned())
                        }
                        _ => Value::Null,
                    };
                    obj.insert(name.clone(), value);
                }
                Ok(Value::Object(obj))
            },
        )?;
        let entries: Vec<Value> = rows.collect::<Result<_, _>>()?;
        let last = entries.last().and_then(|e| e["seq"].as_i64());
        Ok((entries, last))
    })
}

/// The server has the audit entries up to `last_seq`.
pub fn mark_audit_pushed(store: &Store, now: DateTime<Utc>, last_seq: i64) -> AppResult<()> {
    store.write(now, |w| {
        w.conn()
            .prepare_cached(
                "UPDATE sync_state SET audit_pushed_seq = max(audit_pushed_seq, ?1) WHERE id = 1",
            )?
            .execute([last_seq])?;
        Ok(())
    })
}

/// This workstation's code: the prefix of its patient numbers and invoice series.
pub fn workstation_code(store: &Store) -> AppResult<String> {
    store.read(crate::billing::workstation_code)
}
