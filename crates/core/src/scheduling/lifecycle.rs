//! The appointment state machine. Every transition is checked against one table, recorded
//! in `appointment_transitions` (who, when) and audited.
//!
//! ```text
//! Scheduled → CheckedIn → InConsultation → Completed
//! Scheduled → Cancelled
//! Scheduled / CheckedIn → NoShow   (once the grace time after the start has passed)
//! ```

use super::booking::{load_appointment, Appointment};
use crate::audit::AuditOutcome;
use crate::clock::new_id;
use crate::error::{AppError, AppResult};
use crate::registry::Ctx;
use crate::store::{ChangeOp, WriteTx};
use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Scheduled,
    CheckedIn,
    InConsultation,
    Completed,
    Cancelled,
    NoShow,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Scheduled,
        Status::CheckedIn,
        Status::InConsultation,
        Status::Completed,
        Status::Cancelled,
        Status::NoShow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Scheduled => "scheduled",
            Status::CheckedIn => "checked_in",
            Status::InConsultation => "in_consultation",
            Status::Completed => "completed",
            Status::Cancelled => "cancelled",
            Status::NoShow => "no_show",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Whether an appointment in this state holds the doctor's time.
    pub fn holds_time(self) -> bool {
        !matches!(self, Status::Cancelled | Status::NoShow)
    }

    /// The legal transitions: the one table the whole state machine follows.
    pub fn may_become(self, to: Status) -> bool {
        use Status::*;
        matches!(
            (self, to),
            (Scheduled, CheckedIn)
                | (CheckedIn, InConsultation)
                | (InConsultation, Completed)
                | (Scheduled, Cancelled)
                | (Scheduled, NoShow)
                | (CheckedIn, NoShow)
        )
    }

    fn human(self) -> &'static str {
        match self {
            Status::Scheduled => "scheduled",
            Status::CheckedIn => "checked in",
            Status::InConsultation => "in consultation",
            Status::Completed => "completed",
            Status::Cancelled => "cancelled",
            Status::NoShow => "a no-show",
        }
    }
}

/// Moves an appointment to `to`, refusing illegal transitions by name; records and audits.
pub(crate) fn transition(
    ctx: &Ctx<'_>,
    w: &mut WriteTx<'_>,
    appointment_id: &str,
    to: Status,
    note: &str,
) -> AppResult<Appointment> {
    let before = load_appointment(w.conn(), appointment_id)?;
    if !before.status.may_become(to) {
        return Err(AppError::conflict(format!(
            "an appointment that is {} cannot become {}",
            before.status.human(),
            to.human()
        ))
        .with_field("status"));
    }
    let now = w.now_text();
    let checked_in_at = (to == Status::CheckedIn).then(|| now.clone());
    w.conn().execute(
        "UPDATE appointments SET status = ?2, updated_at = ?3,
             checked_in_at = coalesce(?4, checked_in_at),
             cancel_reason = CASE WHEN ?2 = 'cancelled' THEN ?5 ELSE cancel_reason END
         WHERE id = ?1",
        params![appointment_id, to.as_str(), now, checked_in_at, note],
    )?;
    record_transition(ctx, w, appointment_id, Some(before.status), to, note)?;
    w.record_change("appointments", appointment_id, ChangeOp::Update)?;
    if !to.holds_time() {
        // Freed time goes to the first matching patient on the waitlist (future time only).
        super::waitlist::offer_freed_time(
            w,
            &before.doctor_id,
            &before.starts_at,
            &before.ends_at,
        )?;
    }
    load_appointment(w.conn(), appointment_id)
}

/// Appends the transition row and its audit entry.
pub(crate) fn record_transition(
    ctx: &Ctx<'_>,
    w: &mut WriteTx<'_>,
    appointment_id: &str,
    from: Option<Status>,
    to: Status,
    note: &str,
) -> AppResult<()> {
    let id = new_id();
    let by = ctx.user().ok().map(|u| u.id.clone());
    w.conn().execute(
        "INSERT INTO appointment_transitions (id, appointment_id, from_status, to_status, at, by_user, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![id, appointment_id, from.map(Status::as_str), to.as_str(), w.now_text(), by, note],
    )?;
    w.record_change("appointment_transitions", &id, ChangeOp::Insert)?;
    let detail = match from {
        Some(f) => format!("{} → {}{}", f.as_str(), to.as_str(), suffix(note)),
        None => format!("{}{}", to.as_str(), suffix(note)),
    };
    let entry = ctx.audit_entry(
        AuditOutcome::Ok,
        Some(("appointments", appointment_id)),
        detail,
    );
    w.audit(entry)
}

fn suffix(note: &str) -> String {
    if note.is_empty() {
        String::new()
    } else {
        format!(": {note}")
    }
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AppointmentRef {
    pub appointment_id: String,
}

pub(crate) fn check_in(ctx: &Ctx<'_>, input: AppointmentRef) -> AppResult<Appointment> {
    ctx.write(|w| transition(ctx, w, &input.appointment_id, Status::CheckedIn, ""))
}

pub(crate) fn start_consultation(ctx: &Ctx<'_>, input: AppointmentRef) -> AppResult<Appointment> {
    ctx.write(|w| begin(ctx, w, &input.appointment_id))
}

/// The consultation starts: the doctor is busy until it ends.
fn begin(ctx: &Ctx<'_>, w: &mut WriteTx<'_>, appointment_id: &str) -> AppResult<Appointment> {
    let a = transition(ctx, w, appointment_id, Status::InConsultation, "")?;
    set_availability(w, &a.doctor_id, "busy")?;
    Ok(a)
}

pub(crate) fn complete(ctx: &Ctx<'_>, input: AppointmentRef) -> AppResult<Appointment> {
    ctx.write(|w| {
        let a = transition(ctx, w, &input.appointment_id, Status::Completed, "")?;
        // Free again, unless another consultation of theirs is still running.
        let still_busy: bool = w.conn().query_row(
            "SELECT EXISTS(SELECT 1 FROM appointments WHERE doctor_id = ?1 AND status = 'in_consultation')",
            [&a.doctor_id],
            |r| r.get(0),
        )?;
        if !still_busy {
            set_availability(w, &a.doctor_id, "available")?;
        }
        Ok(a)
    })
}

/// The doctor's status follows their consultations (they set it by hand otherwise).
fn set_availability(w: &mut WriteTx<'_>, doctor_id: &str, status: &str) -> AppResult<()> {
    let changed = w.conn().execute(
        "UPDATE users SET availability = ?2, availability_changed_at = ?3
         WHERE id = ?1 AND availability <> ?2",
        params![doctor_id, status, w.now_text()],
    )?;
    if changed > 0 {
        w.record_change("users", doctor_id, ChangeOp::Update)?;
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct QueueEntry {
    /// 1, 2, 3 … in the order patients will be called.
    pub position: u32,
    /// The day's check-in number (the ticket shown on the waiting-room display).
    pub ticket: u32,
    pub appointment: Appointment,
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct QueueInput {
    /// One doctor's queue; all doctors when left out.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub doctor_id: Option<String>,
}

/// Today's waiting patients (checked in, not yet called), per doctor in the order they will
/// be called: by appointment time, walk-ins by arrival (their time is their arrival).
pub(crate) fn waiting_queue(ctx: &Ctx<'_>, input: QueueInput) -> AppResult<Vec<QueueEntry>> {
    let now = ctx.now;
    ctx.read(|c| queue_in(c, now, input.doctor_id.as_deref()))
}

/// The UTC bounds of the clinic's today (searched with a 25-hour window: DST days).
fn today_from(c: &rusqlite::Connection, now: DateTime<Utc>) -> AppResult<DateTime<Utc>> {
    let zone = super::clinic_zone(c)?;
    let today = now.with_timezone(&zone).date_naive();
    Ok(super::local_naive_to_utc_lenient(
        zone,
        today.and_time(chrono::NaiveTime::MIN),
    ))
}

/// Today's ticket numbers: 1, 2, 3 … in the order patients checked in, whatever happened
/// to them since (a number is never reused in a day).
pub(crate) fn tickets_today(
    c: &rusqlite::Connection,
    now: DateTime<Utc>,
) -> AppResult<HashMap<String, u32>> {
    let from = today_from(c, now)?;
    let ids: Vec<String> = c
        .prepare_cached(
            "SELECT id FROM appointments
             WHERE starts_at >= ?1 AND starts_at < ?2 AND checked_in_at IS NOT NULL
             ORDER BY checked_in_at, id",
        )?
        .query_map(
            params![
                crate::clock::to_db_time(from),
                crate::clock::to_db_time(from + chrono::Duration::hours(25))
            ],
            |r| r.get(0),
        )?
        .collect::<Result<_, _>>()?;
    Ok(ids.into_iter().zip(1..).collect())
}

pub(crate) fn queue_in(
    c: &rusqlite::Connection,
    now: DateTime<Utc>,
    doctor_id: Option<&str>,
) -> AppResult<Vec<QueueEntry>> {
    let from = today_from(c, now)?;
    let tickets = tickets_today(c, now)?;
    let ids: Vec<String> = c
        .prepare_cached(
            "SELECT a.id FROM appointments a JOIN users u ON u.id = a.doctor_id
             WHERE a.status = 'checked_in' AND a.starts_at >= ?1 AND a.starts_at < ?2
               AND (?3 IS NULL OR a.doctor_id = ?3)
             ORDER BY u.full_name, a.doctor_id, a.starts_at, a.checked_in_at",
        )?
        .query_map(
            params![
                crate::clock::to_db_time(from),
                crate::clock::to_db_time(from + chrono::Duration::hours(25)),
                doctor_id
            ],
            |r| r.get(0),
        )?
        .collect::<Result<_, _>>()?;
    let mut out: Vec<QueueEntry> = Vec::new();
    for id in ids {
        let appointment = load_appointment(c, &id)?;
        let position = out
            .iter()
            .filter(|e| e.appointment.doctor_id == appointment.doctor_id)
            .count() as u32
            + 1;
        out.push(QueueEntry {
            position,
            ticket: tickets.get(&appointment.id).copied().unwrap_or(0),
            appointment,
        });
    }
    Ok(out)
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CallNextInput {
    pub doctor_id: String,
}

/// Calls the first waiting patient of the doctor in: their consultation starts.
pub(crate) fn call_next_patient(ctx: &Ctx<'_>, input: CallNextInput) -> AppResult<Appointment> {
    ctx.write(|w| {
        let next = queue_in(w.conn(), w.now(), Some(&input.doctor_id))?
            .into_iter()
            .next()
            .ok_or_else(|| {
                AppError::not_found("nobody is waiting for this doctor").with_field("doctor_id")
            })?;
        begin(ctx, w, &next.appointment.id)
    })
}

pub(crate) fn mark_no_show(ctx: &Ctx<'_>, input: AppointmentRef) -> AppResult<Appointment> {
    ctx.write(|w| {
        let a = load_appointment(w.conn(), &input.appointment_id)?;
        let grace: i64 = w.conn().query_row(
            "SELECT no_show_grace_minutes FROM clinic LIMIT 1",
            [],
            |r| r.get(0),
        )?;
        let start = crate::clock::from_db_time(&a.starts_at)
            .ok_or_else(|| AppError::integrity("an appointment's start time is damaged"))?;
        let allowed_from = start + chrono::Duration::minutes(grace);
        if w.now() < allowed_from {
            return Err(AppError::conflict(format!(
                "a no-show can be marked from {} on ({grace} minutes after the start)",
                super::local_hm(super::clinic_zone(w.conn())?, allowed_from)
            ))
            .with_field("appointment_id"));
        }
        transition(ctx, w, &input.appointment_id, Status::NoShow, "")
    })
}

#[cfg(test)]
mod tests {
    use super::Status::{self, *};

    #[test]
    fn only_the_documented_transitions_are_legal() {
        let legal = [
            (Scheduled, CheckedIn),
            (CheckedIn, InConsultation),
            (InConsultation, Completed),
            (Scheduled, Cancelled),
            (Scheduled, NoShow),
            (CheckedIn, NoShow),
        ];
        for from in Status::ALL {
            for to in Status::ALL {
                assert_eq!(
                    from.may_become(to),
                    legal.contains(&(from, to)),
                    "{from:?} → {to:?}"
                );
            }
        }
        // Final states stay final.
        for done in [Completed, Cancelled, NoShow] {
            assert!(Status::ALL.iter().all(|to| !done.may_become(*to)));
        }
    }
}
