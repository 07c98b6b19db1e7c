//! Visit types, doctors' weekly availability (clinic local time), exceptions (UTC), and the
//! slot finder.

use super::{clinic_zone, local_naive_to_utc_lenient, local_to_utc, parse_date};
use crate::audit::AuditOutcome;
use crate::clinic::{optional_text, required};
use crate::clock::{from_db_time, new_id, to_db_time};
use crate::error::{AppError, AppResult};
use crate::registry::Ctx;
use crate::store::ChangeOp;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Timelike, Utc};
use chrono_tz::Tz;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct VisitType {
    pub id: String,
    pub name: String,
    pub minutes: u32,
    pub buffer_minutes: u32,
    /// `#rrggbb`, for the calendar.
    pub colour: String,
    pub active: bool,
}

pub(crate) fn load_visit_type(c: &Connection, id: &str) -> AppResult<VisitType> {
    c.prepare_cached(
        "SELECT id, name, minutes, buffer_minutes, colour, active FROM visit_types WHERE id = ?1",
    )?
    .query_row([id], |r| {
        Ok(VisitType {
            id: r.get(0)?,
            name: r.get(1)?,
            minutes: r.get(2)?,
            buffer_minutes: r.get(3)?,
            colour: r.get(4)?,
            active: r.get(5)?,
        })
    })
    .optional()?
    .ok_or_else(|| AppError::field("visit_type_id", "no such visit type"))
}

pub(crate) fn list_visit_types(
    ctx: &Ctx<'_>,
    _: crate::registry::NoInput,
) -> AppResult<Vec<VisitType>> {
    ctx.read(|c| {
        let ids: Vec<String> = c
            .prepare_cached("SELECT id FROM visit_types ORDER BY active DESC, name COLLATE NOCASE")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        ids.iter().map(|id| load_visit_type(c, id)).collect()
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SaveVisitTypeInput {
    /// Absent to add a new one.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub id: Option<String>,
    pub name: String,
    pub minutes: u32,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub buffer_minutes: Option<u32>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub colour: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub active: Option<bool>,
}

pub(crate) fn save_visit_type(ctx: &Ctx<'_>, input: SaveVisitTypeInput) -> AppResult<VisitType> {
    let name = required(&input.name, "name", 100)?;
    if !(5..=480).contains(&input.minutes) || !input.minutes.is_multiple_of(5) {
        return Err(AppError::field(
            "minutes",
            "a visit lasts 5 to 480 minutes, in steps of 5",
        ));
    }
    let buffer = input.buffer_minutes.unwrap_or(0);
    if buffer > 120 || !buffer.is_multiple_of(5) {
        return Err(AppError::field(
            "buffer_minutes",
            "the buffer is 0 to 120 minutes, in steps of 5",
        ));
    }
    let colour = input.colour.clone().unwrap_or_else(|| "#0f766e".into());
    let colour_ok = colour.len() == 7
        && colour.starts_with('#')
        && colour[1..].chars().all(|ch| ch.is_ascii_hexdigit());
    if !colour_ok {
        return Err(AppError::field(
            "colour",
            "a colour is written like #0f766e",
        ));
    }
    ctx.write(|w| {
        let taken: bool = w.conn().query_row(
            "SELECT EXISTS(SELECT 1 FROM visit_types WHERE name = ?1 COLLATE NOCASE AND id IS NOT ?2)",
            params![name, input.id],
            |r| r.get(0),
        )?;
        if taken {
            return Err(AppError::conflict(format!("a visit type {name:?} exists already")).with_field("name"));
        }
        let now = w.now_text();
        let id = match &input.id {
            Some(id) => {
                load_visit_type(w.conn(), id).map_err(|e| e.with_field("id"))?;
                w.conn().execute(
                    "UPDATE visit_types SET name = ?2, minutes = ?3, buffer_minutes = ?4, colour = ?5,
                         active = ?6, updated_at = ?7 WHERE id = ?1",
                    params![id, name, input.minutes, buffer, colour, input.active.unwrap_or(true), now],
                )?;
                w.record_change("visit_types", id, ChangeOp::Update)?;
                id.clone()
            }
            None => {
                let id = new_id();
                w.conn().execute(
                    "INSERT INTO visit_types (id, name, minutes, buffer_minutes, colour, active, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                    params![id, name, input.minutes, buffer, colour, input.active.unwrap_or(true), now],
                )?;
                w.record_change("visit_types", &id, ChangeOp::Insert)?;
                id
            }
        };
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("visit_types", &id)),
            format!("{name}: {} min + {buffer} min buffer", input.minutes),
        );
        w.audit(entry)?;
        load_visit_type(w.conn(), &id)
    })
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct AvailabilityBlock {
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub weekday: u32,
    /// `HH:MM`, clinic time.
    pub start: String,
    pub end: String,
    pub room: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct AvailabilityException {
    pub id: String,
    /// `unavailable` (leave, holiday) or `extra` (one-off hours).
    pub kind: String,
    pub starts_at: String,
    pub ends_at: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct DoctorAvailability {
    pub doctor_id: String,
    pub blocks: Vec<AvailabilityBlock>,
    /// Exceptions that end after now.
    pub exceptions: Vec<AvailabilityException>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct DoctorRef {
    pub doctor_id: String,
}

fn hm(minute: u32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

fn parse_hm(text: &str, field: &str) -> AppResult<u32> {
    let t = text.trim();
    if t == "24:00" {
        return Ok(1440);
    }
    NaiveTime::parse_from_str(t, "%H:%M")
        .map(|t| t.hour() * 60 + t.minute())
        .map_err(|_| AppError::field(field, "a time of day is written like 08:30"))
}

fn require_doctor(c: &Connection, doctor_id: &str) -> AppResult<()> {
    let role: Option<String> = c
        .prepare_cached("SELECT role FROM users WHERE id = ?1")?
        .query_row([doctor_id], |r| r.get(0))
        .optional()?;
    match role.as_deref() {
        Some("doctor") => Ok(()),
        _ => Err(AppError::field("doctor_id", "no doctor with this id")),
    }
}

fn load_blocks(c: &Connection, doctor_id: &str) -> AppResult<Vec<(u32, u32, u32, String)>> {
    let mut stmt = c.prepare_cached(
        "SELECT weekday, start_minute, end_minute, room FROM availability_blocks
         WHERE doctor_id = ?1 ORDER BY weekday, start_minute",
    )?;
    let rows = stmt.query_map([doctor_id], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn get_doctor_availability(
    ctx: &Ctx<'_>,
    input: DoctorRef,
) -> AppResult<DoctorAvailability> {
    let now = to_db_time(ctx.now);
    ctx.read(|c| {
        require_doctor(c, &input.doctor_id)?;
        let blocks = load_blocks(c, &input.doctor_id)?
            .into_iter()
            .map(|(weekday, s, e, room)| AvailabilityBlock {
                weekday,
                start: hm(s),
                end: hm(e),
                room,
            })
            .collect();
        let mut stmt = c.prepare_cached(
            "SELECT id, kind, starts_at, ends_at, reason FROM availability_exceptions
             WHERE doctor_id = ?1 AND ends_at > ?2 ORDER BY starts_at",
        )?;
        let exceptions = stmt
            .query_map(params![input.doctor_id, now], |r| {
                Ok(AvailabilityException {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    starts_at: r.get(2)?,
                    ends_at: r.get(3)?,
                    reason: r.get(4)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(DoctorAvailability {
            doctor_id: input.doctor_id.clone(),
            blocks,
            exceptions,
        })
    })
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct BlockInput {
    pub weekday: u32,
    pub start: String,
    pub end: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub room: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SetWeeklyAvailabilityInput {
    pub doctor_id: String,
    pub blocks: Vec<BlockInput>,
}

pub(crate) fn set_weekly_availability(
    ctx: &Ctx<'_>,
    input: SetWeeklyAvailabilityInput,
) -> AppResult<DoctorAvailability> {
    let mut parsed = Vec::new();
    for (i, b) in input.blocks.iter().enumerate() {
        let field = |f: &str| format!("blocks.{i}.{f}");
        if !(1..=7).contains(&b.weekday) {
            return Err(AppError::field(
                field("weekday"),
                "the weekday is 1 (Monday) to 7 (Sunday)",
            ));
        }
        let start = parse_hm(&b.start, &field("start"))?;
        let end = parse_hm(&b.end, &field("end"))?;
        if end <= start {
            return Err(AppError::field(
                field("end"),
                "a block ends after it starts",
            ));
        }
        let room = optional_text(b.room.as_deref().unwrap_or(""), &field("room"), 50)?;
        if let Some(j) = parsed
            .iter()
            .position(|(w, s, e, _): &(u32, u32, u32, String)| {
                *w == b.weekday && start < *e && *s < end
            })
        {
            return Err(AppError::field(
                field("start"),
                format!("this block overlaps block {}", j + 1),
            ));
        }
        parsed.push((b.weekday, start, end, room));
    }
    ctx.write(|w| {
        require_doctor(w.conn(), &input.doctor_id)?;
        let old: Vec<String> = w
            .conn()
            .prepare("SELECT id FROM availability_blocks WHERE doctor_id = ?1")?
            .query_map([&input.doctor_id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for id in &old {
            w.record_change("availability_blocks", id, ChangeOp::Delete)?;
        }
        // A template is configuration, not a clinical record: replaced whole.
        w.conn().execute("DELETE FROM availability_blocks WHERE doctor_id = ?1", [&input.doctor_id])?;
        let now = w.now_text();
        for (weekday, start, end, room) in &parsed {
            let id = new_id();
            w.conn().execute(
                "INSERT INTO availability_blocks (id, doctor_id, weekday, start_minute, end_minute, room, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                params![id, input.doctor_id, weekday, start, end, room, now],
            )?;
            w.record_change("availability_blocks", &id, ChangeOp::Insert)?;
        }
        let summary: Vec<String> = parsed.iter().map(|(wd, s, e, _)| format!("{wd} {}–{}", hm(*s), hm(*e))).collect();
        let entry = ctx.audit_entry(AuditOutcome::Ok, Some(("users", &input.doctor_id)), format!("weekly availability: {}", summary.join(", ")));
        w.audit(entry)?;
        Ok(())
    })?;
    get_doctor_availability(
        ctx,
        DoctorRef {
            doctor_id: input.doctor_id,
        },
    )
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AddAvailabilityExceptionInput {
    pub doctor_id: String,
    /// `unavailable` (leave, holiday) or `extra` (one-off hours).
    pub kind: String,
    /// Clinic time, `YYYY-MM-DDTHH:MM`.
    pub starts_at: String,
    pub ends_at: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub reason: Option<String>,
}

pub(crate) fn add_availability_exception(
    ctx: &Ctx<'_>,
    input: AddAvailabilityExceptionInput,
) -> AppResult<DoctorAvailability> {
    if input.kind != "unavailable" && input.kind != "extra" {
        return Err(AppError::field(
            "kind",
            "the kind is unavailable (leave, holiday) or extra (one-off hours)",
        ));
    }
    let reason = optional_text(input.reason.as_deref().unwrap_or(""), "reason", 200)?;
    ctx.write(|w| {
        require_doctor(w.conn(), &input.doctor_id)?;
        let zone = clinic_zone(w.conn())?;
        let start = local_to_utc(zone, &input.starts_at, "starts_at")?;
        let end = local_to_utc(zone, &input.ends_at, "ends_at")?;
        if end <= start {
            return Err(AppError::field("ends_at", "the end is after the start"));
        }
        let id = new_id();
        w.conn().execute(
            "INSERT INTO availability_exceptions (id, doctor_id, kind, starts_at, ends_at, reason, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![id, input.doctor_id, input.kind, to_db_time(start), to_db_time(end), reason, w.now_text()],
        )?;
        w.record_change("availability_exceptions", &id, ChangeOp::Insert)?;
        let entry = ctx.audit_entry(AuditOutcome::Ok, Some(("users", &input.doctor_id)), format!("{} {}–{}: {reason}", input.kind, input.starts_at, input.ends_at));
        w.audit(entry)?;
        Ok(())
    })?;
    get_doctor_availability(
        ctx,
        DoctorRef {
            doctor_id: input.doctor_id,
        },
    )
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RemoveAvailabilityExceptionInput {
    pub exception_id: String,
}

/// Takes back a leave or extra-hours entry made in error (audited; sync sees the delete).
pub(crate) fn remove_availability_exception(
    ctx: &Ctx<'_>,
    input: RemoveAvailabilityExceptionInput,
) -> AppResult<DoctorAvailability> {
    let doctor_id = ctx.write(|w| {
        let found: Option<(String, String, String, String)> = w
            .conn()
            .query_row(
                "SELECT doctor_id, kind, starts_at, ends_at FROM availability_exceptions WHERE id = ?1",
                [&input.exception_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let (doctor_id, kind, starts_at, ends_at) = found.ok_or_else(|| {
            AppError::not_found("no such leave or extra hours").with_field("exception_id")
        })?;
        w.conn().execute(
            "DELETE FROM availability_exceptions WHERE id = ?1",
            [&input.exception_id],
        )?;
        w.record_change("availability_exceptions", &input.exception_id, ChangeOp::Delete)?;
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("users", &doctor_id)),
            format!("removed {kind} {starts_at}–{ends_at}"),
        );
        w.audit(entry)?;
        Ok(doctor_id)
    })?;
    get_doctor_availability(ctx, DoctorRef { doctor_id })
}

/// An exception: its kind and UTC span.
type Exception = (String, DateTime<Utc>, DateTime<Utc>);
/// A working interval: UTC span and room.
type Interval = (DateTime<Utc>, DateTime<Utc>, String);

/// Exceptions of a doctor overlapping [from, to).
fn exceptions_between(
    c: &Connection,
    doctor_id: &str,
    from: &str,
    to: &str,
) -> AppResult<Vec<Exception>> {
    let mut stmt = c.prepare_cached(
        "SELECT kind, starts_at, ends_at FROM availability_exceptions
         WHERE doctor_id = ?1 AND starts_at < ?3 AND ends_at > ?2",
    )?;
    let rows = stmt.query_map(params![doctor_id, from, to], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (kind, s, e) = row?;
        if let (Some(s), Some(e)) = (from_db_time(&s), from_db_time(&e)) {
            out.push((kind, s, e));
        }
    }
    Ok(out)
}

/// The doctor's working intervals on a local date (UTC), with their rooms: template blocks
/// plus extra hours, minus leave.
/// A doctor's working intervals of one clinic date, where hours that run to midnight and go
/// on after it (a night shift: 22:00–24:00, then 00:00–02:00 the next day) are one interval,
/// owned by the evening it began: a visit or a slot may cross midnight.
fn working_intervals(
    c: &Connection,
    zone: Tz,
    doctor_id: &str,
    blocks: &[(u32, u32, u32, String)],
    date: NaiveDate,
) -> AppResult<Vec<Interval>> {
    let mut own = day_intervals(c, zone, doctor_id, blocks, date)?;
    let midnight = |d: NaiveDate| local_naive_to_utc_lenient(zone, d.and_time(NaiveTime::MIN));
    let day_start = midnight(date);
    if let Some(before) = date.pred_opt() {
        if day_intervals(c, zone, doctor_id, blocks, before)?
            .iter()
            .any(|(_, end, _)| *end == day_start)
        {
            own.retain(|(start, _, _)| *start != day_start);
        }
    }
    if let Some(after) = date.succ_opt() {
        let day_end = midnight(after);
        if own.iter().any(|(_, end, _)| *end == day_end) {
            let next = day_intervals(c, zone, doctor_id, blocks, after)?;
            if let Some((_, goes_on_to, _)) = next.iter().find(|(start, _, _)| *start == day_end) {
                for interval in own.iter_mut().filter(|(_, end, _)| *end == day_end) {
                    interval.1 = *goes_on_to;
                }
            }
        }
    }
    Ok(own)
}

/// The intervals of one clinic date alone: its template blocks plus extra hours, minus leave.
fn day_intervals(
    c: &Connection,
    zone: Tz,
    doctor_id: &str,
    blocks: &[(u32, u32, u32, String)],
    date: NaiveDate,
) -> AppResult<Vec<Interval>> {
    let weekday = date.weekday().number_from_monday();
    let at = |minute: u32| -> Option<DateTime<Utc>> {
        if minute >= 1440 {
            return date
                .succ_opt()
                .map(|d| local_naive_to_utc_lenient(zone, d.and_time(NaiveTime::MIN)));
        }
        let time = NaiveTime::from_hms_opt(minute / 60, minute % 60, 0)?;
        Some(local_naive_to_utc_lenient(zone, date.and_time(time)))
    };
    let mut intervals: Vec<Interval> = blocks
        .iter()
        .filter(|(wd, ..)| *wd == weekday)
        .filter_map(|(_, s, e, room)| Some((at(*s)?, at(*e)?, room.clone())))
        .collect();
    let day_start = local_naive_to_utc_lenient(zone, date.and_time(NaiveTime::MIN));
    let day_end = date
        .succ_opt()
        .map(|d| local_naive_to_utc_lenient(zone, d.and_time(NaiveTime::MIN)))
        .unwrap_or(day_start + Duration::hours(24));
    let exceptions =
        exceptions_between(c, doctor_id, &to_db_time(day_start), &to_db_time(day_end))?;
    for (kind, s, e) in &exceptions {
        if kind == "extra" {
            intervals.push(((*s).max(day_start), (*e).min(day_end), String::new()));
        }
    }
    // Leave cuts every interval it touches.
    for (kind, s, e) in &exceptions {
        if kind != "unavailable" {
            continue;
        }
        let mut cut = Vec::new();
        for (is, ie, room) in intervals {
            if *e <= is || *s >= ie {
                cut.push((is, ie, room));
                continue;
            }
            if is < *s {
                cut.push((is, *s, room.clone()));
            }
            if *e < ie {
                cut.push((*e, ie, room));
            }
        }
        intervals = cut;
    }
    intervals.sort_by_key(|(s, ..)| *s);
    Ok(intervals)
}

/// The room when [start, end) lies inside the doctor's availability, `None` otherwise.
pub(crate) fn covered_by_availability(
    c: &Connection,
    doctor_id: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> AppResult<Option<String>> {
    let zone = clinic_zone(c)?;
    let blocks = load_blocks(c, doctor_id)?;
    let date = start.with_timezone(&zone).date_naive();
    // After midnight, the interval may belong to the evening before (a night run).
    let mut intervals = working_intervals(c, zone, doctor_id, &blocks, date)?;
    if let Some(before) = date.pred_opt() {
        intervals.extend(working_intervals(c, zone, doctor_id, &blocks, before)?);
    }
    Ok(intervals
        .into_iter()
        .find(|(s, e, _)| *s <= start && end <= *e)
        .map(|(_, _, room)| room))
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Slot {
    pub doctor_id: String,
    pub doctor_name: String,
    /// UTC, RFC 3339.
    pub starts_at: String,
    pub ends_at: String,
    /// Clinic time, `YYYY-MM-DDTHH:MM`, ready to book.
    pub local_start: String,
    pub room: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct FindSlotsInput {
    pub visit_type_id: String,
    /// One doctor; or leave out for a specialization or the whole clinic.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub doctor_id: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub specialization: Option<String>,
    /// First clinic date to look at (default: today).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub from_date: Option<String>,
    /// 1–50, default 10.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub count: Option<u32>,
}

/// Days ahead the finder looks before giving up.
const SEARCH_DAYS: i64 = 90;

pub(crate) fn find_slots(ctx: &Ctx<'_>, input: FindSlotsInput) -> AppResult<Vec<Slot>> {
    let count = input.count.unwrap_or(10) as usize;
    if !(1..=50).contains(&count) {
        return Err(AppError::field("count", "count is between 1 and 50"));
    }
    let now = ctx.now;
    ctx.read(|c| {
        let zone = clinic_zone(c)?;
        let visit = load_visit_type(c, &input.visit_type_id)?;
        let length = Duration::minutes(i64::from(visit.minutes + visit.buffer_minutes));
        let first = match &input.from_date {
            Some(d) => parse_date(d, "from_date")?,
            None => now.with_timezone(&zone).date_naive(),
        };
        let mut stmt = c.prepare_cached(
            "SELECT id, full_name FROM users
             WHERE role = 'doctor' AND active AND (?1 IS NULL OR id = ?1)
               AND (?2 IS NULL OR specialization = ?2 COLLATE NOCASE)
             ORDER BY full_name",
        )?;
        let doctors: Vec<(String, String)> = stmt
            .query_map(params![input.doctor_id, input.specialization], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        if doctors.is_empty() {
            return Err(AppError::field(
                if input.doctor_id.is_some() { "doctor_id" } else { "specialization" },
                "no active doctor matches",
            ));
        }
        let blocks: Vec<Vec<(u32, u32, u32, String)>> =
            doctors.iter().map(|(id, _)| load_blocks(c, id)).collect::<AppResult<_>>()?;
        let mut busy_stmt = c.prepare_cached(
            "SELECT starts_at, ends_at FROM appointments
             WHERE doctor_id = ?1 AND status IN ('scheduled', 'checked_in', 'in_consultation', 'completed')
               AND starts_at < ?3 AND ends_at > ?2
               AND starts_at > strftime('%Y-%m-%dT%H:%M:%fZ', ?2, '-10 hours')
             ORDER BY starts_at",
        )?;
        let mut found: Vec<Slot> = Vec::new();
        for offset in 0..SEARCH_DAYS {
            let Some(date) = first.checked_add_signed(Duration::days(offset)) else { break };
            let mut today: Vec<Slot> = Vec::new();
            for ((doctor_id, name), blocks) in doctors.iter().zip(&blocks) {
                let intervals = working_intervals(c, zone, doctor_id, blocks, date)?;
                if intervals.is_empty() {
                    continue;
                }
                let (from, to) = (intervals[0].0, intervals[intervals.len() - 1].1);
                let busy: Vec<(DateTime<Utc>, DateTime<Utc>)> = busy_stmt
                    .query_map(params![doctor_id, to_db_time(from), to_db_time(to)], |r| {
                        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                    })?
                    .filter_map(|r| r.ok())
                    .filter_map(|(s, e)| Some((from_db_time(&s)?, from_db_time(&e)?)))
                    .collect();
                for (is, ie, room) in &intervals {
                    let mut t = *is;
                    while t + length <= *ie {
                        let end = t + length;
                        match busy.iter().find(|(bs, be)| *bs < end && *be > t) {
                            // Jump past the appointment in the way.
                            Some((_, be)) => t = (*be).max(t + Duration::minutes(5)),
                            None => {
                                if t >= now {
                                    today.push(Slot {
                                        doctor_id: doctor_id.clone(),
                                        doctor_name: name.clone(),
                                        starts_at: to_db_time(t),
                                        ends_at: to_db_time(end),
                                        local_start: t.with_timezone(&zone).format("%Y-%m-%dT%H:%M").to_string(),
                                        room: room.clone(),
                                    });
                                }
                                t = end;
                            }
                        }
                    }
                }
            }
            today.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then_with(|| a.doctor_name.cmp(&b.doctor_name)));
            found.extend(today);
            if found.len() >= count {
                break;
            }
        }
        found.truncate(count);
        Ok(found)
    })
}
