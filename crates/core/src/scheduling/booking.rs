//! Booking, rescheduling and cancelling. The store refuses any overlap of a doctor's
//! appointments (triggers in the migration); here the same check runs first so that the
//! refusal can say who is already booked ("Dr. Rossi already has Maria Lopez 10:00–10:30").

use super::availability::{covered_by_availability, load_visit_type};
use super::lifecycle::{record_transition, transition, Status};
use super::{clinic_zone, local_hm, local_to_utc, parse_date};
use crate::clinic::{optional_text, required};
use crate::clock::{from_db_time, new_id, to_db_time};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::registry::Ctx;
use crate::store::{ChangeOp, WriteTx};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

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

fn active_patient(c: &Connection, patient_id: &str) -> AppResult<()> {
    let merged: Option<Option<String>> = c
        .prepare_cached("SELECT merged_into FROM patients WHERE id = ?1")?
        .query_row([patient_id], |r| r.get(0))
        .optional()?;
    match merged {
        None => Err(AppError::field("patient_id", "no such patient")),
        Some(Some(_)) => Err(AppError::field(
            "patient_id",
            "this record was merged; book the surviving patient",
        )),
        Some(None) => Ok(()),
    }
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
    active_patient(w.conn(), patient_id)?;
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
    ctx.write(|w| {
        active_patient(w.conn(), &input.patient_id)?;
        let zone = clinic_zone(w.conn())?;
        let start = local_to_utc(zone, &input.starts_at, "starts_at")?;
        if !walk_in && start < w.now() - Duration::minutes(5) {
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
        )?;
        let id = insert_appointment(
            ctx,
            w,
            &input.patient_id,
            &input.doctor_id,
            &input.visit_type_id,
            &checked,
            &reason,
            walk_in,
            None,
        )?;
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
}

pub(crate) fn reschedule_appointment(
    ctx: &Ctx<'_>,
    input: RescheduleAppointmentInput,
) -> AppResult<Appointment> {
    ctx.write(|w| {
        let before = load_appointment(w.conn(), &input.appointment_id)?;
        if before.status != Status::Scheduled {
            return Err(AppError::conflict(format!(
                "only a scheduled appointment can be moved (this one is {})",
                before.status.as_str().replace('_', " ")
            ))
            .with_field("appointment_id"));
        }
        let zone = clinic_zone(w.conn())?;
        let start = local_to_utc(zone, &input.starts_at, "starts_at")?;
        if start < w.now() - Duration::minutes(5) {
            return Err(AppError::field("starts_at", "this time has passed; choose a later time"));
        }
        let doctor_id = input.doctor_id.clone().unwrap_or_else(|| before.doctor_id.clone());
        let checked = check_slot(
            w.conn(),
            &before.patient_id,
            &doctor_id,
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
            .map_err(|e| map_overlap(w.conn(), e, &doctor_id, &start_s, &end_s, Some(&before.id)))?;
        w.record_change("appointments", &before.id, ChangeOp::Update)?;
        // The time it left may suit someone on the waitlist.
        super::waitlist::offer_freed_time(w, &before.doctor_id, &before.starts_at, &before.ends_at)?;
        let entry = ctx.audit_entry(
            crate::audit::AuditOutcome::Ok,
            Some(("appointments", &before.id)),
            format!("moved from {} ({}) to {} ({})", before.starts_at, before.doctor_name, start_s, doctor_id),
        );
        w.audit(entry)?;
        load_appointment(w.conn(), &before.id)
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CancelAppointmentInput {
    pub appointment_id: String,
    pub reason: String,
}

pub(crate) fn cancel_appointment(
    ctx: &Ctx<'_>,
    input: CancelAppointmentInput,
) -> AppResult<Appointment> {
    let reason = required(&input.reason, "reason", 500)?;
    ctx.write(|w| transition(ctx, w, &input.appointment_id, Status::Cancelled, &reason))
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

pub(crate) fn list_day(ctx: &Ctx<'_>, input: ListDayInput) -> AppResult<DayList> {
    let date = parse_date(&input.date, "date")?;
    ctx.read(|c| {
        let zone = clinic_zone(c)?;
        let from = super::local_naive_to_utc_lenient(zone, date.and_time(NaiveTime::MIN));
        let next = date
            .succ_opt()
            .ok_or_else(|| AppError::field("date", "date out of range"))?;
        let to = super::local_naive_to_utc_lenient(zone, next.and_time(NaiveTime::MIN));
        let (from_s, to_s) = (to_db_time(from), to_db_time(to));
        let mut stmt = c.prepare_cached(&format!(
            "{APPOINTMENT_SELECT}
             WHERE a.starts_at >= ?1 AND a.starts_at < ?2
               AND (?3 IS NULL OR a.doctor_id = ?3)
               AND (?4 OR a.status NOT IN ('cancelled', 'no_show'))
             ORDER BY a.starts_at, u.full_name"
        ))?;
        let appointments = stmt
            .query_map(
                params![
                    from_s,
                    to_s,
                    input.doctor_id,
                    input.include_inactive.unwrap_or(false)
                ],
                appointment_from_row,
            )?
            .collect::<Result<_, _>>()?;
        Ok(DayList {
            date: date.format("%Y-%m-%d").to_string(),
            time_zone: zone.name().to_string(),
            day_starts_at: from_s,
            day_ends_at: to_s,
            appointments,
        })
    })
}
