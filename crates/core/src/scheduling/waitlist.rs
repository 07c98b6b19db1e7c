//! The waitlist: patients waiting for an earlier slot with a doctor or a specialization.
//! When booked time frees up, the oldest matching entry is offered the slot; reception sees
//! the offer and books it (with every booking check) or declines it.

use super::booking::{book_in, Appointment};
use super::{clinic_zone, local_hm};
use crate::audit::AuditOutcome;
use crate::clinic::{optional_text, required};
use crate::clock::{from_db_time, new_id};
use crate::error::{AppError, AppResult};
use crate::registry::Ctx;
use crate::store::{ChangeOp, WriteTx};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct WaitlistEntry {
    pub id: String,
    pub patient_id: String,
    pub patient_name: String,
    pub doctor_id: Option<String>,
    pub specialization: Option<String>,
    pub visit_type_id: String,
    pub note: String,
    /// `waiting`, `offered`, `booked` or `removed`.
    pub status: String,
    pub offered_doctor_id: Option<String>,
    /// The offered slot, UTC.
    pub offered_starts_at: Option<String>,
    /// The offered slot in clinic time, ready to show ("Tue 03 Mar 10:00").
    pub offered_label: Option<String>,
    pub appointment_id: Option<String>,
    pub created_at: String,
}

fn load_entry(c: &Connection, id: &str) -> AppResult<WaitlistEntry> {
    let zone = clinic_zone(c)?;
    c.prepare_cached(
        "SELECT w.id, w.patient_id, p.given_name || ' ' || p.family_name, w.doctor_id, w.specialization,
                w.visit_type_id, w.note, w.status, w.offered_doctor_id, w.offered_starts_at,
                w.appointment_id, w.created_at
         FROM waitlist_entries w JOIN patients p ON p.id = w.patient_id WHERE w.id = ?1",
    )?
    .query_row([id], |r| {
        let offered: Option<String> = r.get(9)?;
        Ok(WaitlistEntry {
            id: r.get(0)?,
            patient_id: r.get(1)?,
            patient_name: r.get(2)?,
            doctor_id: r.get(3)?,
            specialization: r.get(4)?,
            visit_type_id: r.get(5)?,
            note: r.get(6)?,
            status: r.get(7)?,
            offered_doctor_id: r.get(8)?,
            offered_label: offered.as_deref().and_then(from_db_time).map(|t| {
                format!("{} {}", t.with_timezone(&zone).format("%a %d %b"), local_hm(zone, t))
            }),
            offered_starts_at: offered,
            appointment_id: r.get(10)?,
            created_at: r.get(11)?,
        })
    })
    .optional()?
    .ok_or_else(|| AppError::not_found("no such waitlist entry").with_field("entry_id"))
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AddToWaitlistInput {
    pub patient_id: String,
    pub visit_type_id: String,
    /// A doctor; or a specialization (any of its doctors).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub doctor_id: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub specialization: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub note: Option<String>,
}

pub(crate) fn add_to_waitlist(
    ctx: &Ctx<'_>,
    input: AddToWaitlistInput,
) -> AppResult<WaitlistEntry> {
    let note = optional_text(input.note.as_deref().unwrap_or(""), "note", 300)?;
    let specialization = input
        .specialization
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if input.doctor_id.is_none() && specialization.is_none() {
        return Err(AppError::field(
            "doctor_id",
            "choose a doctor or a specialization",
        ));
    }
    let by = ctx.user().ok().map(|u| u.id.clone());
    ctx.write(|w| {
        super::availability::load_visit_type(w.conn(), &input.visit_type_id)?;
        let exists: bool = w.conn().query_row(
            "SELECT EXISTS(SELECT 1 FROM patients WHERE id = ?1 AND merged_into IS NULL)",
            [&input.patient_id],
            |r| r.get(0),
        )?;
        if !exists {
            return Err(AppError::field("patient_id", "no such patient"));
        }
        if let Some(d) = &input.doctor_id {
            let doctor: bool = w.conn().query_row(
                "SELECT EXISTS(SELECT 1 FROM users WHERE id = ?1 AND role = 'doctor' AND active)",
                [d],
                |r| r.get(0),
            )?;
            if !doctor {
                return Err(AppError::field("doctor_id", "no active doctor with this id"));
            }
        }
        let id = new_id();
        let now = w.now_text();
        w.conn().execute(
            "INSERT INTO waitlist_entries (id, patient_id, doctor_id, specialization, visit_type_id, note,
                 status, created_by, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'waiting', ?7, ?8, ?8)",
            params![id, input.patient_id, input.doctor_id, specialization, input.visit_type_id, note, by, now],
        )?;
        w.record_change("waitlist_entries", &id, ChangeOp::Insert)?;
        let entry = ctx.audit_entry(AuditOutcome::Ok, Some(("waitlist_entries", &id)), "added to the waitlist");
        w.audit(entry)?;
        load_entry(w.conn(), &id)
    })
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListWaitlistInput {
    /// Only entries with an offer waiting for reception.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub offers_only: Option<bool>,
}

pub(crate) fn list_waitlist(
    ctx: &Ctx<'_>,
    input: ListWaitlistInput,
) -> AppResult<Vec<WaitlistEntry>> {
    ctx.read(|c| {
        let ids: Vec<String> = c
            .prepare_cached(
                "SELECT id FROM waitlist_entries
                 WHERE status = 'offered' OR (status = 'waiting' AND NOT ?1)
                 ORDER BY status = 'offered' DESC, created_at",
            )?
            .query_map([input.offers_only.unwrap_or(false)], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        ids.iter().map(|id| load_entry(c, id)).collect()
    })
}

/// Offers freed time [start, end) of `doctor_id` to the oldest waiting entry that fits:
/// the same doctor, or the doctor's specialization, and a visit no longer than the gap.
pub(crate) fn offer_freed_time(
    w: &mut WriteTx<'_>,
    doctor_id: &str,
    start: &str,
    end: &str,
) -> AppResult<Option<String>> {
    offer_to_next(w, doctor_id, start, end, None)
}

/// The same, passing over `declined` (the entry that just said no to this slot).
fn offer_to_next(
    w: &mut WriteTx<'_>,
    doctor_id: &str,
    start: &str,
    end: &str,
    declined: Option<&str>,
) -> AppResult<Option<String>> {
    if from_db_time(start).is_none_or(|s| s <= w.now()) {
        return Ok(None);
    }
    let gap = match (from_db_time(start), from_db_time(end)) {
        (Some(s), Some(e)) => (e - s).num_minutes(),
        _ => return Ok(None),
    };
    let entry: Option<String> = w
        .conn()
        .prepare_cached(
            "SELECT w.id FROM waitlist_entries w
             JOIN visit_types v ON v.id = w.visit_type_id
             JOIN users d ON d.id = ?1
             WHERE w.status = 'waiting' AND w.id IS NOT ?4
               AND (w.doctor_id = ?1 OR (w.doctor_id IS NULL AND w.specialization = d.specialization COLLATE NOCASE))
               AND v.minutes + v.buffer_minutes <= ?2
               AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.patient_id = w.patient_id
                               AND a.status = 'scheduled' AND a.starts_at <= ?3 AND a.starts_at >= ?5)
             ORDER BY w.created_at LIMIT 1",
        )?
        // A scheduled appointment left in the past (never closed) does not count as an
        // earlier one: only what is still ahead of the patient does.
        .query_row(params![doctor_id, gap, start, declined, w.now_text()], |r| r.get(0))
        .optional()?;
    if let Some(id) = &entry {
        w.conn().execute(
            "UPDATE waitlist_entries SET status = 'offered', offered_doctor_id = ?2, offered_starts_at = ?3,
                 offered_at = ?4, updated_at = ?4 WHERE id = ?1",
            params![id, doctor_id, start, w.now_text()],
        )?;
        w.record_change("waitlist_entries", id, ChangeOp::Update)?;
    }
    Ok(entry)
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct WaitlistOfferInput {
    pub entry_id: String,
}

/// Books the offered slot (every booking check applies) and closes the entry.
pub(crate) fn accept_waitlist_offer(
    ctx: &Ctx<'_>,
    input: WaitlistOfferInput,
) -> AppResult<Appointment> {
    ctx.write(|w| {
        let e = load_entry(w.conn(), &input.entry_id)?;
        let (Some(doctor), Some(start)) = (e.offered_doctor_id.clone(), e.offered_starts_at.clone()) else {
            return Err(AppError::conflict("this entry has no offer").with_field("entry_id"));
        };
        if e.status != "offered" {
            return Err(AppError::conflict("this entry has no offer").with_field("entry_id"));
        }
        let zone = clinic_zone(w.conn())?;
        let local = from_db_time(&start)
            .map(|t| t.with_timezone(&zone).format("%Y-%m-%dT%H:%M").to_string())
            .ok_or_else(|| AppError::integrity("a waitlist offer's time is damaged"))?;
        let appointment = book_in(ctx, w, &e.patient_id, &doctor, &e.visit_type_id, &local, "from the waitlist")?;
        w.conn().execute(
            "UPDATE waitlist_entries SET status = 'booked', appointment_id = ?2, updated_at = ?3 WHERE id = ?1",
            params![e.id, appointment.id, w.now_text()],
        )?;
        w.record_change("waitlist_entries", &e.id, ChangeOp::Update)?;
        let entry = ctx.audit_entry(AuditOutcome::Ok, Some(("waitlist_entries", &e.id)), "offer booked");
        w.audit(entry)?;
        Ok(appointment)
    })
}

/// The patient did not want the slot: they keep their place for later slots, and this one
/// goes to the next in line.
pub(crate) fn decline_waitlist_offer(
    ctx: &Ctx<'_>,
    input: WaitlistOfferInput,
) -> AppResult<WaitlistEntry> {
    ctx.write(|w| {
        let e = load_entry(w.conn(), &input.entry_id)?;
        if e.status != "offered" {
            return Err(AppError::conflict("this entry has no offer").with_field("entry_id"));
        }
        w.conn().execute(
            "UPDATE waitlist_entries SET status = 'waiting', offered_doctor_id = NULL, offered_starts_at = NULL,
                 offered_at = NULL, updated_at = ?2 WHERE id = ?1",
            params![e.id, w.now_text()],
        )?;
        w.record_change("waitlist_entries", &e.id, ChangeOp::Update)?;
        if let (Some(doctor), Some(start)) = (&e.offered_doctor_id, &e.offered_starts_at) {
            let minutes: i64 = w.conn().query_row(
                "SELECT minutes + buffer_minutes FROM visit_types WHERE id = ?1",
                [&e.visit_type_id],
                |r| r.get(0),
            )?;
            if let Some(s) = from_db_time(start) {
                let end = crate::clock::to_db_time(s + chrono::Duration::minutes(minutes));
                offer_to_next(w, doctor, start, &end, Some(&e.id))?;
            }
        }
        let entry = ctx.audit_entry(AuditOutcome::Ok, Some(("waitlist_entries", &e.id)), "offer declined");
        w.audit(entry)?;
        load_entry(w.conn(), &e.id)
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RemoveFromWaitlistInput {
    pub entry_id: String,
    pub reason: String,
}

pub(crate) fn remove_from_waitlist(
    ctx: &Ctx<'_>,
    input: RemoveFromWaitlistInput,
) -> AppResult<WaitlistEntry> {
    let reason = required(&input.reason, "reason", 300)?;
    ctx.write(|w| {
        let e = load_entry(w.conn(), &input.entry_id)?;
        if e.status == "booked" || e.status == "removed" {
            return Err(AppError::conflict(format!("this entry is already {}", e.status)).with_field("entry_id"));
        }
        w.conn().execute(
            "UPDATE waitlist_entries SET status = 'removed', removed_reason = ?2, updated_at = ?3 WHERE id = ?1",
            params![e.id, reason, w.now_text()],
        )?;
        w.record_change("waitlist_entries", &e.id, ChangeOp::Update)?;
        let entry = ctx.audit_entry(AuditOutcome::Ok, Some(("waitlist_entries", &e.id)), format!("removed: {reason}"));
        w.audit(entry)?;
        load_entry(w.conn(), &e.id)
    })
}
