//! Scheduling: visit types, doctors' weekly availability and exceptions, the slot finder,
//! booking without double booking (guaranteed by the store: see the migration's triggers),
//! and the appointment state machine.

mod availability;
mod booking;
pub(crate) mod demo;
mod display;
pub mod generate;
pub mod lifecycle;
mod waitlist;

pub use availability::{AvailabilityBlock, BlockInput, DoctorAvailability, Slot};
pub use booking::{
    appointments_between, day_query_plan, Appointment, DayList, RepeatInput, SeriesScope,
};
pub use display::WaitingRoomDisplay;
pub use lifecycle::Status;

use crate::access::Permission;
use crate::error::{AppError, AppResult};
use crate::registry::{command, Access, CommandSpec};
use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use rusqlite::Connection;

pub(crate) fn commands() -> Vec<CommandSpec> {
    vec![
        command(
            "list_visit_types",
            "List visit types and their lengths",
            Access::SignedIn,
            availability::list_visit_types,
        ),
        command(
            "save_visit_type",
            "Add or change a visit type",
            Access::Permission(Permission::SettingsManage),
            availability::save_visit_type,
        ),
        command(
            "get_doctor_availability",
            "Read a doctor's weekly availability and exceptions",
            Access::Permission(Permission::ScheduleRead),
            availability::get_doctor_availability,
        ),
        command(
            "set_weekly_availability",
            "Replace a doctor's weekly availability",
            Access::Permission(Permission::ScheduleWrite),
            availability::set_weekly_availability,
        ),
        command(
            "add_availability_exception",
            "Add leave, a holiday or extra hours for a doctor",
            Access::Permission(Permission::ScheduleWrite),
            availability::add_availability_exception,
        ),
        command(
            "remove_availability_exception",
            "Take back a leave or extra-hours entry made in error",
            Access::Permission(Permission::ScheduleWrite),
            availability::remove_availability_exception,
        ),
        command(
            "find_slots",
            "Find the next free slots for a visit type",
            Access::Permission(Permission::ScheduleRead),
            availability::find_slots,
        ),
        command(
            "book_appointment",
            "Book an appointment (never over another one of the doctor)",
            Access::Permission(Permission::ScheduleWrite),
            booking::book_appointment,
        ),
        command(
            "reschedule_appointment",
            "Move an appointment to another time or doctor",
            Access::Permission(Permission::ScheduleWrite),
            booking::reschedule_appointment,
        ),
        command(
            "cancel_appointment",
            "Cancel an appointment, with a reason",
            Access::Permission(Permission::ScheduleWrite),
            booking::cancel_appointment,
        ),
        command(
            "list_day",
            "The appointments of one day, for the clinic or one doctor",
            Access::Permission(Permission::ScheduleRead),
            booking::list_day,
        ),
        command(
            "check_in_appointment",
            "Check a patient in for their appointment",
            Access::Permission(Permission::QueueManage),
            lifecycle::check_in,
        ),
        command(
            "start_consultation",
            "Call the patient in: the consultation starts",
            Access::Permission(Permission::QueueCall),
            lifecycle::start_consultation,
        ),
        command(
            "complete_appointment",
            "Mark the consultation completed",
            Access::Permission(Permission::QueueCall),
            lifecycle::complete,
        ),
        command(
            "waiting_queue",
            "Today's waiting patients, per doctor, in calling order",
            Access::Permission(Permission::QueueManage),
            lifecycle::waiting_queue,
        ),
        command(
            "call_next_patient",
            "Call the doctor's next waiting patient in",
            Access::Permission(Permission::QueueCall),
            lifecycle::call_next_patient,
        ),
        command(
            "add_to_waitlist",
            "Put a patient on the waitlist for an earlier slot",
            Access::Permission(Permission::ScheduleWrite),
            waitlist::add_to_waitlist,
        ),
        command(
            "list_waitlist",
            "The waitlist, offers first",
            Access::Permission(Permission::ScheduleRead),
            waitlist::list_waitlist,
        ),
        command(
            "accept_waitlist_offer",
            "Book the slot offered to a waitlist entry",
            Access::Permission(Permission::ScheduleWrite),
            waitlist::accept_waitlist_offer,
        ),
        command(
            "decline_waitlist_offer",
            "Decline an offered slot (it goes to the next in line)",
            Access::Permission(Permission::ScheduleWrite),
            waitlist::decline_waitlist_offer,
        ),
        command(
            "remove_from_waitlist",
            "Take a patient off the waitlist, with a reason",
            Access::Permission(Permission::ScheduleWrite),
            waitlist::remove_from_waitlist,
        ),
        command(
            "mark_no_show",
            "Mark an appointment a no-show (after the grace time)",
            Access::Permission(Permission::QueueManage),
            lifecycle::mark_no_show,
        ),
        command(
            "waiting_room_display",
            "The waiting-room display: tickets, initials and doctors available (no medical data)",
            Access::Permission(Permission::DisplayView),
            display::waiting_room_display,
        ),
    ]
}

/// The clinic's time zone (UTC until set up).
pub(crate) fn clinic_zone(c: &Connection) -> AppResult<Tz> {
    let name: String = c
        .prepare_cached("SELECT time_zone FROM clinic LIMIT 1")?
        .query_row([], |r| r.get(0))
        .unwrap_or_else(|_| "UTC".into());
    name.parse::<Tz>()
        .map_err(|_| AppError::internal(format!("the clinic's time zone {name:?} is unknown")))
}

/// `YYYY-MM-DDTHH:MM` in the clinic's zone → UTC; a wall-clock time that does not exist
/// (the hour skipped when clocks go forward) or exists twice is refused by name.
pub(crate) fn local_to_utc(zone: Tz, text: &str, field: &str) -> AppResult<DateTime<Utc>> {
    local_naive_to_utc(zone, parse_local(text, field)?, field)
}

/// `YYYY-MM-DDTHH:MM` (clinic time), not yet placed in a zone.
pub(crate) fn parse_local(text: &str, field: &str) -> AppResult<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M").map_err(|_| {
        AppError::field(
            field,
            "a time is written like 2026-03-02T09:30 (clinic time)",
        )
    })
}

pub(crate) fn local_naive_to_utc(
    zone: Tz,
    naive: NaiveDateTime,
    field: &str,
) -> AppResult<DateTime<Utc>> {
    match zone.from_local_datetime(&naive) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(_, _) => Err(AppError::field(
            field,
            format!("{naive} happens twice when the clocks go back; choose another time"),
        )),
        LocalResult::None => Err(AppError::field(
            field,
            format!("{naive} does not exist (the clocks go forward); choose another time"),
        )),
    }
}

/// A local wall-clock time → UTC without refusing: a skipped time moves forward past the
/// gap, a repeated one takes its first occurrence (for day and block boundaries).
pub(crate) fn local_naive_to_utc_lenient(zone: Tz, naive: NaiveDateTime) -> DateTime<Utc> {
    let mut probe = naive;
    for _ in 0..4 {
        match zone.from_local_datetime(&probe) {
            LocalResult::Single(t) => return t.with_timezone(&Utc),
            LocalResult::Ambiguous(first, _) => return first.with_timezone(&Utc),
            LocalResult::None => probe += chrono::Duration::minutes(30),
        }
    }
    Utc.from_utc_datetime(&naive)
}

pub(crate) fn parse_date(text: &str, field: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::field(field, "a date is written like 2026-03-02"))
}

/// `09:30` (clinic time) for messages.
pub(crate) fn local_hm(zone: Tz, t: DateTime<Utc>) -> String {
    t.with_timezone(&zone).format("%H:%M").to_string()
}
