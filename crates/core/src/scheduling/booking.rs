//! Booking, rescheduling and cancelling. The store refuses any overlap of a doctor's
//! appointments (triggers in the migration); here the same check runs first so that the
//! refusal can say who is already booked ("Dr. Rossi already has Maria Lopez 10:00–10:30").

use super::availability::{covered_by_availability, load_visit_type};
use super::lifecycle::{record_transition, transition, Status};
use super::{clinic_zone, local_hm, local_naive_to_utc, local_to_utc, parse_date, parse_local};
use crate::clinic::{optional_text, required};
use crate::clock::{from_db_time, new_id, to_db_time};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::registry::Ctx;
use crate::store::{ChangeOp, WriteTx};
use chrono::{DateTime, Duration, NaiveDateTime, NaiveTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Appointment {
    pub id: String,
    pub patient_id: String,
    pub patient_name: String,
    pub patient_mrn: String,
    pub doctor_id: String,
    pub doctor_name: String,
    pub visit_type_id: String,
    pub visit_type: String,
    /// UTC, RFC 3339.
    pub starts_at: String,
    /// End of the visit plus its buffer (the doctor's busy time), UTC.
    pub ends_at: String,
    pub status: Status,
    pub reason: String,
    pub room: String,
    pub walk_in: bool,
    pub series_id: Option<String>,
    pub cancel_reason: String,
    pub checked_in_at: Option<String>,
}

const APPOINTMENT_SELECT: &str = "SELECT a.id, a.patient_id,
        p.given_name || ' ' || p.family_name, p.mrn, a.doctor_id, u.full_name, a.visit_type_id,
        v.name, a.starts_at, a.ends_at, a.status, a.reason, a.room, a.walk_in, a.series_id,
        a.cancel_reason, a.checked_in_at
    FROM appointments a
    JOIN patients p ON p.id = a.patient_id
    JOIN users u ON u.id = a.doctor_id
    JOIN visit_types v ON v.id = a.visit_type_id";

fn appointment_from_row(r: &Row<'_>) -> rusqlite::Result<Appointment> {
    let status: String = r.get(10)?;
    Ok(Appointment {
        id: r.get(0)?,
        patient_id: r.get(1)?,
        patient_name: r.get(2)?,
        patient_mrn: r.get(3)?,
        doctor_id: r.get(4)?,
        doctor_name: r.get(5)?,
        visit_type_id: r.get(6)?,
        visit_type: r.get(7)?,
        starts_at: r.get(8)?,
        ends_at: r.get(9)?,
        status: Status::parse(&status).unwrap_or(Status::Cancelled),
        reason: r.get(11)?,
        room: r.get(12)?,
        walk_in: r.get(13)?,
        series_id: r.get(14)?,
        cancel_reason: r.get(15)?,
        checked_in_at: r.get(16)?,
    })
}

pub(crate) fn load_appointment(c: &Connection, id: &str) -> AppResult<Appointment> {
    c.prepare_cached(&format!("{APPOINTMENT_SELECT} WHERE a.id = ?1"))?
        .query_row([id], appointment_from_row)
        .optional()?
        .ok_or_else(|| AppError::not_found("no such appointment").with_field("appointment_id"))
}

/// The first appointment of `doctor_id` that holds time overlapping [start, end).
fn doctor_conflict(
    c: &Connection,
    doctor_id: &str,
    start: &str,
    end: &str,
    except: Option<&str>,
) -> AppResult<Option<Appointment>> {
    first_overlap(c, Party::Doctor, doctor_id, start, end, except)
}

/// The patient's own overlapping appointment (a completed one no longer matters to them).
fn patient_conflict(
    c: &Connection,
    patient_id: &str,
    start: &str,
    end: &str,
    except: Option<&str>,
) -> AppResult<Option<Appointment>> {
    first_overlap(c, Party::Patient, patient_id, start, end, except)
}

#[derive(Clone, Copy)]
enum Party {
    Doctor,
    Patient,
}

fn first_overlap(
    c: &Connection,
    party: Party,
    id: &str,
    start: &str,
    end: &str,
    except: Option<&str>,
) -> AppResult<Option<Appointment>> {
    let (column, statuses) = match party {
        Party::Doctor => (
            "doctor_id",
            "'scheduled', 'checked_in', 'in_consultation', 'completed'",
        ),
        Party::Patient => ("patient_id", "'scheduled', 'checked_in', 'in_consultation'"),
    };
    Ok(c.prepare_cached(&format!(
        "{APPOINTMENT_SELECT}
             WHERE a.{column} = ?1 AND a.id IS NOT ?4
               AND a.status IN ({statuses})
               AND a.starts_at < ?3 AND a.ends_at > ?2
               AND a.starts_at > strftime('%Y-%m-%dT%H:%M:%fZ', ?2, '-10 hours')
             ORDER BY a.starts_at LIMIT 1"
    ))?
    .query_row(params![id, start, end, except], appointment_from_row)
    .optional()?)
}

fn double_booking(c: &Connection, other: &Appointment, field: &str) -> AppResult<AppError> {
    let zone = clinic_zone(c)?;
    let span = |t: &str| {
        from_db_time(t)
            .map(|t| local_hm(zone, t))
            .unwrap_or_default()
    };
    Ok(AppError::new(
        ErrorCode::Conflict,
        format!(
            "{} already has {} {}–{}",
            other.doctor_name,
            other.patient_name,
            span(&other.starts_at),
            span(&other.ends_at)
        ),
    )
    .with_field(field))
}

/// The store's own refusal (the trigger), turned into the same message.
fn map_overlap(
    c: &Connection,
    e: rusqlite::Error,
    doctor_id: &str,
    start: &str,
    end: &str,
    except: Option<&str>,
) -> AppError {
    if e.to_string().contains("double booking") {
        if let Ok(Some(other)) = doctor_conflict(c, doctor_id, start, end, except) {
            if let Ok(err) = double_booking(c, &other, "starts_at") {
                return err;
            }
        }
        return AppError::conflict("the doctor already has an appointment at that time")
            .with_field("starts_at");
    }
    e.into()
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct BookAppointmentInput {
    pub patient_id: String,
    pub doctor_id: String,
    pub visit_type_id: String,
    /// Clinic time, `YYYY-MM-DDTHH:MM`.
    pub starts_at: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub reason: Option<String>,
    /// A walk-in: booked now, already checked in.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub walk_in: Option<bool>,
    /// Book outside the doctor's availability anyway (reception decides).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub outside_availability: Option<bool>,
    /// Book although the patient has another appointment at that time.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub acknowledge_patient_overlap: Option<bool>,
    /// Repeat the booking (e.g. weekly for 8 weeks): every occurrence is checked, all are
    /// booked or none.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub repeat: Option<RepeatInput>,
}

#[derive(Debug, Clone, Copy, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RepeatInput {
    /// Weeks between occurrences (1–4).
    pub every_weeks: u32,
    /// Occurrences in all, the first included (2–52).
    pub count: u32,
}

/// Which appointments of a series a change applies to.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum SeriesScope {
    /// This appointment only (it stays in its series).
    #[default]
    This,
    /// This one and the later ones of its series that are still scheduled.
    Following,
}

/// Names the occurrence a refusal is about ("on Tue 17 Mar 2026: …") for a series.
fn in_occurrence(e: AppError, series: bool, local: NaiveDateTime) -> AppError {
    if !series {
        return e;
    }
    AppError {
        message: format!("on {}: {}", local.format("%a %d %b %Y"), e.message),
        ..e
    }
}

struct Checked {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    room: String,
}

/// Everything a booking or a move checks before writing: the doctor, the visit type, the
/// time, availability, the patient's own overlap and the doctor's overlap.
#[allow(clippy::too_many_arguments)]
fn check_slot(
    c: &Connection,
    patient_id: &str,
    doctor_id: &str,
    visit_type_id: &str,
    start: DateTime<Utc>,
    except: Option<&str>,
    outside_availability: bool,
    acknowledge_patient_overlap: bool,
) -> AppResult<Checked> {
    let doctor: Option<(String, bool)> = c
        .prepare_cached("SELECT role, active FROM users WHERE id = ?1")?
        .query_row([doctor_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match doctor {
        Some((role, true)) if role == "doctor" => {}
        _ => {
            return Err(AppError::field(
                "doctor_id",
                "no active doctor with this id",
            ));
        }
    }
    let visit = load_visit_type(c, visit_type_id)?;
    if !visit.active {
        return Err(AppError::field(
            "visit_type_id",
            format!("the visit type {:?} is no longer offered", visit.name),
        ));
    }
    let end = start + Duration::minutes(i64::from(visit.minutes + visit.buffer_minutes));
    let (start_s, end_s) = (to_db_time(start), to_db_time(end));
    let room = match covered_by_availability(c, doctor_id, start, end)? {
        Some(room) => room,
        None if outside_availability => String::new(),
        None => {
            let zone = clinic_zone(c)?;
            return Err(AppError::new(
                ErrorCode::Conflict,
                format!(
                    "the doctor is not available {}–{} on {}; choose a free slot or book outside availability",
                    local_hm(zone, start),
                    local_hm(zone, end),
                    start.with_timezone(&zone).format("%a %d %b")
                ),
            )
            .with_field("outside_availability"));
        }
    };
    if !acknowledge_patient_overlap {
        if let Some(other) = patient_conflict(c, patient_id, &start_s, &end_s, except)? {
            let zone = clinic_zone(c)?;
            let at = from_db_time(&other.starts_at)
                .map(|t| local_hm(zone, t))
                .unwrap_or_default();
            return Err(AppError::new(
                ErrorCode::Conflict,
                format!(
                    "{} already has an appointment with {} at {at}",
                    other.patient_name, other.doctor_name
                ),
            )
            .with_field("acknowledge_patient_overlap"));
        }
    }
    if let Some(other) = doctor_conflict(c, doctor_id, &start_s, &end_s, except)? {
        return Err(double_booking(c, &other, "starts_at")?);
    }
    Ok(Checked { start, end, room })
}

/// The first time from `from` at which the doctor is free for `minutes` (within 14 hours).
fn next_free_start(
    c: &Connection,
    doctor_id: &str,
    from: DateTime<Utc>,
    minutes: i64,
) -> AppResult<DateTime<Utc>> {
    let mut at = from;
    let busy: Vec<(String, String)> = c
        .prepare_cached(
            "SELECT starts_at, ends_at FROM appointments
             WHERE doctor_id = ?1 AND status IN ('scheduled', 'checked_in', 'in_consultation', 'completed')
               AND starts_at > strftime('%Y-%m-%dT%H:%M:%fZ', ?2, '-10 hours') AND starts_at < ?3
               AND ends_at > ?2
             ORDER BY starts_at",
        )?
        .query_map(
            params![doctor_id, to_db_time(from), to_db_time(from + Duration::hours(14))],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
        .collect::<Result<_, _>>()?;
    for (start, end) in busy {
        let (Some(start), Some(end)) = (from_db_time(&start), from_db_time(&end)) else {
            continue;
        };
        if at + Duration::minutes(minutes) <= start {
            break;
        }
        at = at.max(end);
    }
    if at >= from + Duration::hours(14) {
        return Err(
            AppError::conflict("the doctor has no free time left today for a walk-in")
                .with_field("doctor_id"),
        );
    }
    Ok(at)
}

#[allow(clippy::too_many_arguments)]
fn insert_appointment(
    ctx: &Ctx<'_>,
    w: &mut WriteTx<'_>,
    patient_id: &str,
    doctor_id: &str,
    visit_type_id: &str,
    checked: &Checked,
    reason: &str,
    walk_in: bool,
    series_id: Option<&str>,
) -> AppResult<String> {
    let id = new_id();
    let now = w.now_text();
    let by = ctx.user().ok().map(|u| u.id.clone());
    let (start_s, end_s) = (to_db_time(checked.start), to_db_time(checked.end));
    w.conn()
        .execute(
            "INSERT INTO appointments (id, patient_id, doctor_id, visit_type_id, starts_at, ends_at,
                 status, reason, room, walk_in, series_id, created_by, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'scheduled', ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
            params![id, patient_id, doctor_id, visit_type_id, start_s, end_s, reason, checked.room, walk_in, series_id, by, now],
        )
        .map_err(|e| map_overlap(w.conn(), e, doctor_id, &start_s, &end_s, None))?;
    w.record_change("appointments", &id, ChangeOp::Insert)?;
    record_transition(ctx, w, &id, None, Status::Scheduled, reason)?;
    Ok(id)
}

/// Books a waitlist offer inside the caller's transaction: every check of a booking, on a
/// slot that was bookable before it was freed.
pub(crate) fn book_in(
    ctx: &Ctx<'_>,
    w: &mut WriteTx<'_>,
    patient_id: &str,
    doctor_id: &str,
    visit_type_id: &str,
    local_start: &str,
    reason: &str,
) -> AppResult<Appointment> {
    crate::patients::require_active(w.conn(), patient_id)?;
    let zone = clinic_zone(w.conn())?;
    let start = local_to_utc(zone, local_start, "starts_at")?;
    if start < w.now() {
        return Err(AppError::field("starts_at", "this offered time has passed"));
    }
    let checked = check_slot(
        w.conn(),
        patient_id,
        doctor_id,
        visit_type_id,
        start,
        None,
        true,
        false,
    )?;
    let id = insert_appointment(
        ctx,
        w,
        patient_id,
        doctor_id,
        visit_type_id,
        &checked,
        reason,
        false,
        None,
    )?;
    load_appointment(w.conn(), &id)
}

pub(crate) fn book_appointment(
    ctx: &Ctx<'_>,
    input: BookAppointmentInput,
) -> AppResult<Appointment> {
    let reason = optional_text(input.reason.as_deref().unwrap_or(""), "reason", 500)?;
    let walk_in = input.walk_in.unwrap_or(false);
    let (every_weeks, count) = match input.repeat {
        None => (1, 1),
        Some(_) if walk_in => {
            return Err(AppError::field("repeat", "a walk-in is not repeated"));
        }
        Some(r) => {
            if !(1..=4).contains(&r.every_weeks) {
                return Err(AppError::field("repeat", "repeat every 1 to 4 weeks"));
            }
            if !(2..=52).contains(&r.count) {
                return Err(AppError::field(
                    "repeat",
                    "a series has 2 to 52 appointments",
                ));
            }
            (r.every_weeks, r.count)
        }
    };
    let series = count > 1;
    let first_local = parse_local(&input.starts_at, "starts_at")?;
    ctx.write(|w| {
        crate::patients::require_active(w.conn(), &input.patient_id)?;
        let zone = clinic_zone(w.conn())?;
        let series_id = series.then(new_id);
        let mut first = None;
        for i in 0..count {
            // The same wall-clock time each week, across daylight-saving changes.
            let local = first_local + Duration::weeks(i64::from(i * every_weeks));
            let mut start = local_naive_to_utc(zone, local, "starts_at")
                .map_err(|e| in_occurrence(e, series, local))?;
            if walk_in {
                // Squeezed in at the doctor's first free gap from now: the queue follows.
                let visit = load_visit_type(w.conn(), &input.visit_type_id)?;
                let length = i64::from(visit.minutes + visit.buffer_minutes);
                start = next_free_start(w.conn(), &input.doctor_id, start.max(w.now()), length)?;
            }
            if i == 0 && !walk_in && start < w.now() - Duration::minutes(5) {
                return Err(AppError::field(
                    "starts_at",
                    "this time has passed; book a later time (or a walk-in)",
                ));
            }
            let checked = check_slot(
                w.conn(),
                &input.patient_id,
                &input.doctor_id,
                &input.visit_type_id,
                start,
                None,
                input.outside_availability.unwrap_or(false) || walk_in,
                input.acknowledge_patient_overlap.unwrap_or(false),
            )
            .map_err(|e| in_occurrence(e, series, local))?;
            let id = insert_appointment(
                ctx,
                w,
                &input.patient_id,
                &input.doctor_id,
                &input.visit_type_id,
                &checked,
                &reason,
                walk_in,
                series_id.as_deref(),
            )
            .map_err(|e| in_occurrence(e, series, local))?;
            first.get_or_insert(id);
        }
        let id = first.ok_or_else(|| AppError::internal("nothing was booked"))?;
        if walk_in {
            return transition(ctx, w, &id, Status::CheckedIn, "walk-in");
        }
        load_appointment(w.conn(), &id)
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RescheduleAppointmentInput {
    pub appointment_id: String,
    /// Clinic time, `YYYY-MM-DDTHH:MM`.
    pub starts_at: String,
    /// Another doctor (default: the same).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub doctor_id: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub outside_availability: Option<bool>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub acknowledge_patient_overlap: Option<bool>,
    /// For an appointment of a series: this one only (default) or this and the following ones
    /// (each moved by the same amount of clinic time, to the same doctor).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub scope: Option<SeriesScope>,
}

pub(crate) fn reschedule_appointment(
    ctx: &Ctx<'_>,
    input: RescheduleAppointmentInput,
) -> AppResult<Appointment> {
    let new_local = parse_local(&input.starts_at, "starts_at")?;
    ctx.write(|w| {
        let before = load_appointment(w.conn(), &input.appointment_id)?;
        let zone = clinic_zone(w.conn())?;
        let doctor_id = input
            .doctor_id
            .clone()
            .unwrap_or_else(|| before.doctor_id.clone());
        let moving = in_scope(w.conn(), &before, input.scope.unwrap_or_default())?;
        let shift = new_local - utc_to_local(zone, &before.starts_at)?;
        // Move the occurrence furthest in the direction of travel first, so that no
        // occurrence lands on one of its own series that has not moved yet.
        let order: Vec<&Appointment> = if shift > Duration::zero() {
            moving.iter().rev().collect()
        } else {
            moving.iter().collect()
        };
        let series = moving.len() > 1;
        for a in order {
            let local = utc_to_local(zone, &a.starts_at)? + shift;
            move_one(ctx, w, a, &doctor_id, local, &input)
                .map_err(|e| in_occurrence(e, series, local))?;
        }
        load_appointment(w.conn(), &before.id)
    })
}

/// `before` alone, or it and the later scheduled appointments of its series.
fn in_scope(
    c: &Connection,
    before: &Appointment,
    scope: SeriesScope,
) -> AppResult<Vec<Appointment>> {
    let series_id = match (&before.series_id, scope) {
        (Some(series_id), SeriesScope::Following) => series_id,
        _ => return Ok(vec![before.clone()]),
    };
    let mut stmt = c.prepare_cached(&format!(
        "{APPOINTMENT_SELECT} WHERE a.series_id = ?1 AND a.starts_at >= ?2 AND a.status = 'scheduled'
         ORDER BY a.starts_at"
    ))?;
    let rows = stmt.query_map(params![series_id, before.starts_at], appointment_from_row)?;
    let mut out: Vec<Appointment> = rows.collect::<Result<_, _>>()?;
    if !out.iter().any(|a| a.id == before.id) {
        // `before` is not scheduled: the refusal below names its state.
        out.insert(0, before.clone());
    }
    Ok(out)
}

fn utc_to_local(zone: chrono_tz::Tz, stored: &str) -> AppResult<NaiveDateTime> {
    let t = from_db_time(stored)
        .ok_or_else(|| AppError::internal(format!("a stored time is unreadable: {stored:?}")))?;
    Ok(t.with_timezone(&zone).naive_local())
}

fn move_one(
    ctx: &Ctx<'_>,
    w: &mut WriteTx<'_>,
    before: &Appointment,
    doctor_id: &str,
    local: NaiveDateTime,
    input: &RescheduleAppointmentInput,
) -> AppResult<()> {
    if before.status != Status::Scheduled {
        return Err(AppError::conflict(format!(
            "only a scheduled appointment can be moved (this one is {})",
            before.status.as_str().replace('_', " ")
        ))
        .with_field("appointment_id"));
    }
    let zone = clinic_zone(w.conn())?;
    let start = local_naive_to_utc(zone, local, "starts_at")?;
    if start < w.now() - Duration::minutes(5) {
        return Err(AppError::field(
            "starts_at",
            "this time has passed; choose a later time",
        ));
    }
    let checked = check_slot(
        w.conn(),
        &before.patient_id,
        doctor_id,
        &before.visit_type_id,
        start,
        Some(&before.id),
        input.outside_availability.unwrap_or(false),
        input.acknowledge_patient_overlap.unwrap_or(false),
    )?;
    let (start_s, end_s) = (to_db_time(checked.start), to_db_time(checked.end));
    w.conn()
        .execute(
            "UPDATE appointments SET starts_at = ?2, ends_at = ?3, doctor_id = ?4, room = ?5, updated_at = ?6
             WHERE id = ?1",
            params![before.id, start_s, end_s, doctor_id, checked.room, w.now_text()],
        )
        .map_err(|e| map_overlap(w.conn(), e, doctor_id, &start_s, &end_s, Some(&before.id)))?;
    w.record_change("appointments", &before.id, ChangeOp::Update)?;
    // The time it left may suit someone on the waitlist.
    super::waitlist::offer_freed_time(w, &before.doctor_id, &before.starts_at, &before.ends_at)?;
    let entry = ctx.audit_entry(
        crate::audit::AuditOutcome::Ok,
        Some(("appointments", &before.id)),
        format!(
            "moved from {} ({}) to {} ({})",
            before.starts_at, before.doctor_name, start_s, doctor_id
        ),
    );
    w.audit(entry)
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CancelAppointmentInput {
    pub appointment_id: String,
    pub reason: String,
    /// For an appointment of a series: this one only (default) or this and the following ones.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub scope: Option<SeriesScope>,
}

pub(crate) fn cancel_appointment(
    ctx: &Ctx<'_>,
    input: CancelAppointmentInput,
) -> AppResult<Appointment> {
    let reason = required(&input.reason, "reason", 500)?;
    ctx.write(|w| {
        let before = load_appointment(w.conn(), &input.appointment_id)?;
        for a in in_scope(w.conn(), &before, input.scope.unwrap_or_default())? {
            transition(ctx, w, &a.id, Status::Cancelled, &reason)?;
        }
        load_appointment(w.conn(), &before.id)
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListDayInput {
    /// The clinic's local date, `YYYY-MM-DD`.
    pub date: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub doctor_id: Option<String>,
    /// Include cancelled and no-show appointments.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub include_inactive: Option<bool>,
    /// How many days from `date` (1–7, default 1): 7 for a week view.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub days: Option<u32>,
}

#[derive(Debug, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct DayList {
    pub date: String,
    pub time_zone: String,
    /// UTC bounds of the local day (23 or 25 hours long on daylight-saving days).
    pub day_starts_at: String,
    pub day_ends_at: String,
    pub appointments: Vec<Appointment>,
}

/// The statement behind the calendar: appointments starting in [from, to) (UTC), one doctor's
/// or everyone's. Doctors' and visit types' names come from two small lookups instead of a
/// join per row (a clinic day of a large group is well over a thousand rows).
const DAY_QUERY: &str = "SELECT a.id, a.patient_id,
        p.given_name || ' ' || p.family_name, p.mrn, a.doctor_id, '', a.visit_type_id,
        '', a.starts_at, a.ends_at, a.status, a.reason, a.room, a.walk_in, a.series_id,
        a.cancel_reason, a.checked_in_at
    FROM appointments a
    JOIN patients p ON p.id = a.patient_id
    WHERE a.starts_at >= ?1 AND a.starts_at < ?2
      AND (?3 IS NULL OR a.doctor_id = ?3)
      AND (?4 OR a.status NOT IN ('cancelled', 'no_show'))
    ORDER BY a.starts_at";

/// The rows of the calendar for [from, to) (UTC), in time order then by doctor: also what
/// the benchmark times without the command path around it.
pub fn appointments_between(
    c: &Connection,
    from: &str,
    to: &str,
    doctor_id: Option<&str>,
    include_inactive: bool,
) -> AppResult<Vec<Appointment>> {
    let doctors = names_by_id(c, "SELECT id, full_name FROM users")?;
    let visits = names_by_id(c, "SELECT id, name FROM visit_types")?;
    let mut stmt = c.prepare_cached(DAY_QUERY)?;
    let rows = stmt.query_map(
        params![from, to, doctor_id, include_inactive],
        appointment_from_row,
    )?;
    let mut out: Vec<Appointment> = rows.collect::<Result<_, _>>()?;
    for a in &mut out {
        a.doctor_name = doctors.get(&a.doctor_id).cloned().unwrap_or_default();
        a.visit_type = visits.get(&a.visit_type_id).cloned().unwrap_or_default();
    }
    // Already in time order: a stable sort only orders each start time by doctor.
    out.sort_by(|x, y| {
        x.starts_at
            .cmp(&y.starts_at)
            .then_with(|| x.doctor_name.cmp(&y.doctor_name))
    });
    Ok(out)
}

/// id → name.
type NamesById = HashMap<String, String>;

/// id → name of a small table (`sql` selects the two columns).
fn names_by_id(c: &Connection, sql: &str) -> AppResult<NamesById> {
    let mut stmt = c.prepare_cached(sql)?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// `EXPLAIN QUERY PLAN` of the calendar's statement (for the benchmark's report).
pub fn day_query_plan(c: &Connection) -> AppResult<Vec<String>> {
    let mut stmt = c.prepare(&format!("EXPLAIN QUERY PLAN {DAY_QUERY}"))?;
    let rows = stmt.query_map(params!["", "", None::<String>, false], |r| r.get(3))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn list_day(ctx: &Ctx<'_>, input: ListDayInput) -> AppResult<DayList> {
    let date = parse_date(&input.date, "date")?;
    let days = input.days.unwrap_or(1);
    if !(1..=7).contains(&days) {
        return Err(AppError::field("days", "list 1 to 7 days at a time"));
    }
    ctx.read(|c| {
        let zone = clinic_zone(c)?;
        let from = super::local_naive_to_utc_lenient(zone, date.and_time(NaiveTime::MIN));
        let next = date
            .checked_add_days(chrono::Days::new(u64::from(days)))
            .ok_or_else(|| AppError::field("date", "date out of range"))?;
        let to = super::local_naive_to_utc_lenient(zone, next.and_time(NaiveTime::MIN));
        let (from_s, to_s) = (to_db_time(from), to_db_time(to));
        let appointments = appointments_between(
            c,
            &from_s,
            &to_s,
            input.doctor_id.as_deref(),
            input.include_inactive.unwrap_or(false),
        )?;
        Ok(DayList {
            date: date.format("%Y-%m-%d").to_string(),
            time_zone: zone.name().to_string(),
            day_starts_at: from_s,
            day_ends_at: to_s,
            appointments,
        })
    })
}
