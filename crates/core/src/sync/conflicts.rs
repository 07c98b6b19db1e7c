//! What sync finds that a person must look at (`sync_conflicts`): two bookings of one
//! doctor that overlap, a pulled change this store's rules refused, a patient registered on
//! two workstations. A double booking stays open while both bookings are active and
//! overlap, so rebooking or cancelling either one resolves it everywhere.

use super::merge::IncomingChange;
use crate::clock::new_id;
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use serde::Serialize;

const ACTIVE: &str = "('scheduled', 'checked_in', 'in_consultation', 'completed')";

/// Records a refused change; `true` when it is new.
pub(crate) fn record_refused(
    c: &Connection,
    change: &IncomingChange,
    reason: &str,
    at: &str,
) -> AppResult<bool> {
    let detail = format!(
        "{reason} (change {} from workstation {}, {})",
        change.id, change.workstation_id, change.op
    );
    Ok(c.prepare_cached(
        "INSERT INTO sync_conflicts
             (id, kind, table_name, row_id, other_row_id, detail, change_id, detected_at)
         VALUES (?1, 'refused_change', ?2, ?3, ?4, ?5, ?4, ?6)
         ON CONFLICT (kind, row_id, other_row_id) DO NOTHING",
    )?
    .execute(params![
        new_id(),
        change.table_name,
        change.row_id,
        change.id,
        detail,
        at
    ])? > 0)
}

/// Overlaps between the given (just applied) appointments and any other active booking of
/// the same doctor; returns how many pairs are new.
pub(crate) fn detect_double_bookings(c: &Connection, ids: &[String], at: &str) -> AppResult<usize> {
    let mut found = 0;
    let mut overlaps = c.prepare_cached(&format!(
        "SELECT b.id FROM appointments a JOIN appointments b
             ON b.doctor_id = a.doctor_id AND b.id <> a.id AND b.status IN {ACTIVE}
            AND b.starts_at < a.ends_at AND b.ends_at > a.starts_at
            AND b.starts_at > strftime('%Y-%m-%dT%H:%M:%fZ', a.starts_at, '-10 hours')
         WHERE a.id = ?1 AND a.status IN {ACTIVE}"
    ))?;
    for id in ids {
        let others: Vec<String> = overlaps
            .query_map([id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for other in others {
            // One row per pair, whichever side found it.
            let (first, second) = if *id < other {
                (id.clone(), other)
            } else {
                (other, id.clone())
            };
            found += c
                .prepare_cached(
                    "INSERT INTO sync_conflicts
                         (id, kind, table_name, row_id, other_row_id, detail, detected_at)
                     VALUES (?1, 'double_booking', 'appointments', ?2, ?3,
                             'two workstations booked the doctor at overlapping times', ?4)
                     ON CONFLICT (kind, row_id, other_row_id) DO NOTHING",
                )?
                .execute(params![new_id(), first, second, at])?;
        }
    }
    Ok(found)
}

/// Possible duplicates among patients registered elsewhere (a different MRN prefix, i.e.
/// another workstation) and the ones already here.
pub(crate) fn detect_duplicates(
    c: &Connection,
    ids: &[String],
    now: DateTime<Utc>,
    at: &str,
) -> AppResult<usize> {
    let mut found = 0;
    let prefix = |id: &str| -> AppResult<Option<String>> {
        Ok(
            c.prepare_cached("SELECT substr(mrn, 1, 3) FROM patients WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .ok(),
        )
    };
    for id in ids {
        let mine = prefix(id)?;
        for (other, reasons) in crate::patients::candidates_of_patient(c, id, now.date_naive())? {
            if prefix(&other)? == mine {
                continue;
            }
            let (first, second) = if *id < other {
                (id.clone(), other)
            } else {
                (other, id.clone())
            };
            found += c
                .prepare_cached(
                    "INSERT INTO sync_conflicts
                         (id, kind, table_name, row_id, other_row_id, detail, detected_at)
                     VALUES (?1, 'possible_duplicate', 'patients', ?2, ?3, ?4, ?5)
                     ON CONFLICT (kind, row_id, other_row_id) DO NOTHING",
                )?
                .execute(params![new_id(), first, second, reasons.join("; "), at])?;
        }
    }
    Ok(found)
}

/// An appointment as the conflicts screen shows it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ConflictBooking {
    pub appointment_id: String,
    pub patient_id: String,
    pub patient_name: String,
    pub doctor_id: String,
    pub doctor_name: String,
    pub starts_at: String,
    pub ends_at: String,
    pub status: String,
    /// Who booked it (the user's name), when known on this workstation.
    pub booked_by: String,
    pub booked_at: String,
}

/// A patient of a possible-duplicate pair.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ConflictPatient {
    pub patient_id: String,
    pub mrn: String,
    pub name: String,
    #[ts(optional = nullable)]
    pub date_of_birth: Option<String>,
    pub phone: String,
    #[ts(optional = nullable)]
    pub merged_into: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ConflictKind {
    DoubleBooking,
    RefusedChange,
    PossibleDuplicate,
}

/// One entry of the conflicts screen.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct SyncConflict {
    pub id: String,
    pub kind: ConflictKind,
    pub detected_at: String,
    /// Still needs someone: both bookings active and overlapping, both patients unmerged,
    /// a refusal not yet dismissed.
    pub open: bool,
    pub detail: String,
    /// Double booking: the two bookings.
    pub bookings: Vec<ConflictBooking>,
    /// Possible duplicate: the two patients.
    pub patients: Vec<ConflictPatient>,
    /// Refused change: what it was about.
    pub table_name: String,
    pub row_id: String,
    #[ts(optional = nullable)]
    pub dismissed_at: Option<String>,
    pub dismissed_by: String,
}

fn booking(c: &Connection, id: &str) -> AppResult<Option<ConflictBooking>> {
    let mut stmt = c.prepare_cached(
        "SELECT a.id, a.patient_id,
                COALESCE(p.given_name || ' ' || p.family_name, ''),
                a.doctor_id, COALESCE(d.full_name, ''), a.starts_at, a.ends_at, a.status,
                COALESCE(u.full_name, ''), a.created_at
         FROM appointments a
         LEFT JOIN patients p ON p.id = a.patient_id
         LEFT JOIN users d ON d.id = a.doctor_id
         LEFT JOIN users u ON u.id = a.created_by
         WHERE a.id = ?1",
    )?;
    let mut rows = stmt.query_map([id], |r| {
        Ok(ConflictBooking {
            appointment_id: r.get(0)?,
            patient_id: r.get(1)?,
            patient_name: r.get(2)?,
            doctor_id: r.get(3)?,
            doctor_name: r.get(4)?,
            starts_at: r.get(5)?,
            ends_at: r.get(6)?,
            status: r.get(7)?,
            booked_by: r.get(8)?,
            booked_at: r.get(9)?,
        })
    })?;
    Ok(rows.next().transpose()?)
}

fn patient(c: &Connection, id: &str) -> AppResult<Option<ConflictPatient>> {
    let mut stmt = c.prepare_cached(
        "SELECT id, mrn, given_name || ' ' || family_name, date_of_birth, phone, merged_into
         FROM patients WHERE id = ?1",
    )?;
    let mut rows = stmt.query_map([id], |r| {
        Ok(ConflictPatient {
            patient_id: r.get(0)?,
            mrn: r.get(1)?,
            name: r.get(2)?,
            date_of_birth: r.get(3)?,
            phone: r.get(4)?,
            merged_into: r.get(5)?,
        })
    })?;
    Ok(rows.next().transpose()?)
}

fn overlapping(a: &ConflictBooking, b: &ConflictBooking) -> bool {
    let active = |s: &str| {
        matches!(
            s,
            "scheduled" | "checked_in" | "in_consultation" | "completed"
        )
    };
    active(&a.status)
        && active(&b.status)
        && a.doctor_id == b.doctor_id
        && a.starts_at < b.ends_at
        && b.starts_at < a.ends_at
}

/// Conflicts, newest first; `kinds` limits them (the caller passes what the role may see).
pub(crate) fn list(
    c: &Connection,
    kinds: &[ConflictKind],
    include_closed: bool,
    limit: usize,
) -> AppResult<Vec<SyncConflict>> {
    let mut stmt = c.prepare_cached(
        "SELECT id, kind, table_name, row_id, other_row_id, detail, detected_at, dismissed_at,
                COALESCE(dismissed_by, '')
         FROM sync_conflicts ORDER BY detected_at DESC, id",
    )?;
    // Each row as a conflict (kind decided below) with the other row's id beside it.
    let rows: Vec<(SyncConflict, String, String)> = stmt
        .query_map([], |r| {
            let dismissed_at: Option<String> = r.get(7)?;
            Ok((
                SyncConflict {
                    id: r.get(0)?,
                    kind: ConflictKind::RefusedChange,
                    detected_at: r.get(6)?,
                    open: dismissed_at.is_none(),
                    detail: r.get(5)?,
                    bookings: Vec::new(),
                    patients: Vec::new(),
                    table_name: r.get(2)?,
                    row_id: r.get(3)?,
                    dismissed_at,
                    dismissed_by: r.get(8)?,
                },
                r.get(1)?,
                r.get(4)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for (mut conflict, kind, other) in rows {
        let kind = match kind.as_str() {
            "double_booking" => ConflictKind::DoubleBooking,
            "possible_duplicate" => ConflictKind::PossibleDuplicate,
            _ => ConflictKind::RefusedChange,
        };
        if !kinds.contains(&kind) {
            continue;
        }
        conflict.kind = kind;
        let row_id = conflict.row_id.clone();
        match kind {
            ConflictKind::DoubleBooking => {
                conflict.bookings = [booking(c, &row_id)?, booking(c, &other)?]
                    .into_iter()
                    .flatten()
                    .collect();
                conflict.open &= conflict.bookings.len() == 2
                    && overlapping(&conflict.bookings[0], &conflict.bookings[1]);
            }
            ConflictKind::PossibleDuplicate => {
                conflict.patients = [patient(c, &row_id)?, patient(c, &other)?]
                    .into_iter()
                    .flatten()
                    .collect();
                conflict.open &= conflict.patients.len() == 2
                    && conflict.patients.iter().all(|p| p.merged_into.is_none());
            }
            ConflictKind::RefusedChange => {}
        }
        if conflict.open || include_closed {
            out.push(conflict);
        }
        if out.len() >= limit {
            break;
        }
    }
    Ok(out)
}

/// Open conflicts of the given kinds (the status indicator's count).
pub(crate) fn open_count(c: &Connection, kinds: &[ConflictKind]) -> AppResult<i64> {
    Ok(i64::try_from(list(c, kinds, false, usize::MAX)?.len()).unwrap_or(i64::MAX))
}
