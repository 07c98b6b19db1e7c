//! A decade of appointments for the scheduling benchmark: doctors with weekly hours, visit
//! types, and appointments packed into their working days, deterministic for a seed.
//!
//! Doctors, hours and visit types go through the ordinary commands. The appointments are
//! bulk-inserted (the store's no-overlap triggers still check every row) without per-row
//! change-log, transition or audit rows: they stand for history that arrived by import.
//! 14:00–15:00 is left free every day so that the booking benchmark books real free time.

use crate::audit::{AuditEntry, AuditOutcome};
use crate::clock::{new_id, to_db_time};
use crate::error::{AppError, AppResult};
use crate::workstation::{Caller, Workstation};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

/// What was made: ids the benchmark needs.
#[derive(Debug, Clone)]
pub struct GeneratedSchedule {
    pub doctors: Vec<String>,
    /// (id, minutes with buffer)
    pub visit_types: Vec<(String, i64)>,
    pub specializations: Vec<String>,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub appointments: usize,
}

const SPECIALIZATIONS: [&str; 6] = [
    "General practice",
    "Paediatrics",
    "Cardiology",
    "Dermatology",
    "Gynaecology",
    "Orthopaedics",
];
const PASSWORD: &str = "bench doctor meadow 58";
/// The free hour every day (clinic time), for the booking benchmark.
pub const FREE_HOUR: u32 = 14;
const BATCH: usize = 20_000;

/// Makes `doctors` doctors (Mon–Sat 08:00–20:00) and `count` appointments over `years`
/// years ending 90 days after `now`, for patients already in the store.
pub fn generate_schedule(
    ws: &Workstation,
    doctors: usize,
    count: usize,
    years: u32,
    seed: u64,
    now: DateTime<Utc>,
    mut progress: impl FnMut(usize),
) -> AppResult<GeneratedSchedule> {
    let admin = Caller::LocalAdmin;
    let mut rng = StdRng::seed_from_u64(seed);
    let mut settings = ws.dispatch(&admin, "get_clinic_settings", json!({}))?;
    settings["time_zone"] = json!("Europe/Rome");
    ws.dispatch(&admin, "update_clinic_settings", settings)?;
    let zone = ws.store().read(super::clinic_zone)?;
    let mut visit_types = Vec::new();
    for (name, minutes, buffer) in [("Consultation", 10, 5), ("New patient", 25, 5)] {
        let v = ws.dispatch(
            &admin,
            "save_visit_type",
            json!({"name": name, "minutes": minutes, "buffer_minutes": buffer}),
        )?;
        visit_types.push((
            v["id"].as_str().unwrap_or_default().to_string(),
            i64::from(minutes + buffer),
        ));
    }
    let mut ids = Vec::new();
    for d in 0..doctors {
        let specialization = SPECIALIZATIONS[d % SPECIALIZATIONS.len()];
        let user = ws.dispatch(
            &admin,
            "create_user",
            json!({"username": format!("dr.bench{d:02}"), "full_name": format!("Dr. Bench {d:02}"),
                   "role": "doctor", "password": PASSWORD, "must_change_password": false,
                   "specialization": specialization}),
        )?;
        let id = user["id"].as_str().unwrap_or_default().to_string();
        let blocks: Vec<_> = (1..=6)
            .map(|wd| json!({"weekday": wd, "start": "08:00", "end": "20:00", "room": format!("R{:02}", d + 1)}))
            .collect();
        ws.dispatch(
            &admin,
            "set_weekly_availability",
            json!({"doctor_id": id, "blocks": blocks}),
        )?;
        ids.push(id);
    }
    let patients: Vec<String> = ws.store().read(|c| {
        let mut stmt = c.prepare("SELECT id FROM patients WHERE merged_into IS NULL")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    })?;
    if patients.is_empty() {
        return Err(AppError::field(
            "patients",
            "generate patients first: appointments need patients",
        ));
    }
    let last_day = now.with_timezone(&zone).date_naive() + Duration::days(90);
    let first_day = last_day - Duration::days(i64::from(years) * 365);
    let working_days = (0..=(last_day - first_day).num_days())
        .filter(|i| {
            (first_day + Duration::days(*i))
                .weekday()
                .number_from_monday()
                <= 6
        })
        .count();
    let per_day = count as f64 / (doctors * working_days).max(1) as f64;
    let today = now.with_timezone(&zone).date_naive();
    let mut rows: Vec<[String; 7]> = Vec::with_capacity(BATCH);
    let mut made = 0usize;
    let mut day = first_day;
    while day <= last_day && made < count {
        if day.weekday().number_from_monday() <= 6 {
            for doctor in &ids {
                // About `per_day` appointments, from 08:00, small gaps, none in the free hour.
                let quota = (per_day + rng.gen_range(-0.5..0.5)).round().max(0.0) as usize;
                let mut minute = 8 * 60;
                for _ in 0..quota {
                    if made + rows.len() >= count {
                        break;
                    }
                    let (visit, len) = &visit_types[usize::from(rng.gen_bool(0.2))];
                    minute += 5 * rng.gen_range(0..2);
                    if minute < FREE_HOUR as i64 * 60 + 60 && minute + len > FREE_HOUR as i64 * 60 {
                        minute = FREE_HOUR as i64 * 60 + 60;
                    }
                    if minute + len > 20 * 60 {
                        break;
                    }
                    let local = day.and_time(NaiveTime::MIN) + Duration::minutes(minute);
                    let start = super::local_naive_to_utc_lenient(zone, local);
                    let end = start + Duration::minutes(*len);
                    let status = if day >= today {
                        "scheduled"
                    } else {
                        match rng.gen_range(0..100) {
                            0..=4 => "no_show",
                            5..=9 => "cancelled",
                            _ => "completed",
                        }
                    };
                    rows.push([
                        new_id(),
                        patients[rng.gen_range(0..patients.len())].clone(),
                        doctor.clone(),
                        visit.clone(),
                        to_db_time(start),
                        to_db_time(end),
                        status.to_string(),
                    ]);
                    minute += len;
                }
            }
        }
        if rows.len() >= BATCH || day == last_day {
            made += insert_batch(ws, &mut rows, now)?;
            progress(made);
        }
        day += Duration::days(1);
    }
    made += insert_batch(ws, &mut rows, now)?;
    progress(made);
    Ok(GeneratedSchedule {
        doctors: ids,
        visit_types,
        specializations: SPECIALIZATIONS.iter().map(|s| s.to_string()).collect(),
        first_day,
        last_day,
        appointments: made,
    })
}

fn insert_batch(
    ws: &Workstation,
    rows: &mut Vec<[String; 7]>,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    if rows.is_empty() {
        return Ok(0);
    }
    let n = rows.len();
    ws.store().write(now, |w| {
        let now_text = w.now_text();
        let mut stmt = w.conn().prepare_cached(
            "INSERT INTO appointments (id, patient_id, doctor_id, visit_type_id, starts_at, ends_at,
                 status, room, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, '', ?8, ?8)",
        )?;
        for r in rows.iter() {
            stmt.execute(rusqlite::params![
                r[0], r[1], r[2], r[3], r[4], r[5], r[6], now_text
            ])?;
        }
        drop(stmt);
        w.audit(AuditEntry {
            actor: crate::Actor::LocalAdmin.audit_actor(),
            action: "generate_schedule".into(),
            outcome: AuditOutcome::Ok,
            record_table: Some("appointments".into()),
            record_id: None,
            detail: format!("generated {n} sample appointments"),
        })
    })?;
    rows.clear();
    Ok(n)
}
