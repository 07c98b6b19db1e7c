//! The waiting-room display: ticket numbers, initials and which doctors are available now.
//! It runs under the kiosk account, which sees no patient or clinical data: nothing here
//! names a patient, a reason for visit or a visit type.

use super::lifecycle::{queue_in, tickets_today};
use crate::error::AppResult;
use crate::registry::{Ctx, NoInput};
use crate::staff::Availability;
use chrono::Duration;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

#[derive(Debug, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct WaitingRoomDisplay {
    pub clinic_name: String,
    /// UTC, RFC 3339.
    pub generated_at: String,
    pub doctors: Vec<DisplayDoctor>,
    /// Waiting patients in calling order per doctor: ticket numbers and initials only.
    pub queue: Vec<DisplayTicket>,
}

#[derive(Debug, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct DisplayDoctor {
    pub name: String,
    pub specialization: Option<String>,
    pub availability: Availability,
    pub room: String,
    /// The ticket in consultation with this doctor now.
    pub now_serving: Option<u32>,
}

#[derive(Debug, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct DisplayTicket {
    pub ticket: u32,
    pub initials: String,
    pub doctor_name: String,
    /// The doctor's place in `doctors` (two doctors may share a name).
    pub doctor_index: u32,
    pub position: u32,
}

/// "Maria", "López García" → "M. L."
pub(crate) fn initials(given: &str, family: &str) -> String {
    [given, family]
        .iter()
        .filter_map(|n| n.trim().chars().next())
        .map(|ch| format!("{}.", ch.to_uppercase()))
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn waiting_room_display(ctx: &Ctx<'_>, _: NoInput) -> AppResult<WaitingRoomDisplay> {
    let now = ctx.now;
    ctx.read(|c| {
        let clinic_name: String = c
            .query_row("SELECT name FROM clinic LIMIT 1", [], |r| r.get(0))
            .optional()?
            .unwrap_or_default();
        let tickets = tickets_today(c, now)?;
        let rows: Vec<(String, String, Option<String>, String)> = c
            .prepare_cached(
                "SELECT id, full_name, specialization, availability FROM users
                 WHERE role = 'doctor' AND active ORDER BY full_name",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<_, _>>()?;
        let mut doctors = Vec::with_capacity(rows.len());
        let ids: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
        for (id, name, specialization, availability) in rows {
            let serving: Option<String> = c
                .prepare_cached(
                    "SELECT id FROM appointments WHERE doctor_id = ?1 AND status = 'in_consultation'
                     ORDER BY starts_at DESC LIMIT 1",
                )?
                .query_row(params![id], |r| r.get(0))
                .optional()?;
            let room = super::availability::covered_by_availability(
                c,
                &id,
                now,
                now + Duration::minutes(1),
            )?
            .unwrap_or_default();
            doctors.push(DisplayDoctor {
                name,
                specialization,
                availability: Availability::parse(&availability),
                room,
                now_serving: serving.and_then(|s| tickets.get(&s).copied()),
            });
        }
        let mut queue = Vec::new();
        for entry in queue_in(c, now, None)? {
            let (given, family): (String, String) = c
                .prepare_cached("SELECT given_name, family_name FROM patients WHERE id = ?1")?
                .query_row([&entry.appointment.patient_id], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            let doctor_index = ids
                .iter()
                .position(|id| *id == entry.appointment.doctor_id)
                .unwrap_or(ids.len()) as u32;
            queue.push(DisplayTicket {
                ticket: entry.ticket,
                initials: initials(&given, &family),
                doctor_name: entry.appointment.doctor_name,
                doctor_index,
                position: entry.position,
            });
        }
        Ok(WaitingRoomDisplay {
            clinic_name,
            generated_at: crate::clock::to_db_time(now),
            doctors,
            queue,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::initials;

    #[test]
    fn initials_only() {
        assert_eq!(initials("Maria", "López García"), "M. L.");
        assert_eq!(initials("ñaki", "  "), "Ñ.");
        assert_eq!(initials("Юлия", "Иванова"), "Ю. И.");
    }
}
