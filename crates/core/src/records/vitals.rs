//! Vitals: validated against plausible ranges (a typo is refused by name), values outside the
//! normal adult range flagged, BMI derived. Recorded values never change; a mistake is marked
//! entered in error with a reason.

use crate::audit::AuditOutcome;
use crate::clinic::{optional_text, required};
use crate::clock::new_id;
use crate::error::{AppError, AppResult};
use crate::registry::Ctx;
use crate::store::ChangeOp;
use rusqlite::{params, Connection, OptionalExtension, Row};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Debug, Default, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct VitalsInput {
    pub patient_id: String,
    /// The encounter they belong to (none for triage before a consultation).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub encounter_id: Option<String>,
    /// °C, decimal text, e.g. "37.2".
    #[serde(default)]
    #[ts(optional = nullable)]
    pub temperature_c: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub pulse_bpm: Option<u32>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub systolic_mmhg: Option<u32>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub diastolic_mmhg: Option<u32>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub respiratory_rate: Option<u32>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub spo2_percent: Option<u32>,
    /// kg, decimal text.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub weight_kg: Option<String>,
    /// cm, decimal text.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub height_cm: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Vitals {
    pub id: String,
    pub patient_id: String,
    pub encounter_id: Option<String>,
    pub recorded_by_name: String,
    pub recorded_at: String,
    pub temperature_c: Option<String>,
    pub pulse_bpm: Option<u32>,
    pub systolic_mmhg: Option<u32>,
    pub diastolic_mmhg: Option<u32>,
    pub respiratory_rate: Option<u32>,
    pub spo2_percent: Option<u32>,
    pub weight_kg: Option<String>,
    pub height_cm: Option<String>,
    /// Derived from weight and height (kg/m², one decimal).
    pub bmi: Option<String>,
    /// The fields outside their normal range, e.g. `["pulse_bpm", "spo2_percent"]`.
    pub abnormal: Vec<String>,
    pub note: String,
    pub entered_in_error: bool,
    pub error_reason: String,
}

/// (field, plausible range refused outside it, normal range flagged outside it, unit)
type Range = (&'static str, f64, f64, f64, f64, &'static str);

const RANGES: &[Range] = &[
    ("temperature_c", 30.0, 45.0, 36.0, 37.9, "°C"),
    ("pulse_bpm", 20.0, 250.0, 60.0, 100.0, "beats/min"),
    ("systolic_mmhg", 50.0, 300.0, 90.0, 139.0, "mmHg"),
    ("diastolic_mmhg", 20.0, 200.0, 60.0, 89.0, "mmHg"),
    ("respiratory_rate", 4.0, 80.0, 12.0, 20.0, "breaths/min"),
    ("spo2_percent", 50.0, 100.0, 95.0, 100.0, "%"),
    ("weight_kg", 0.3, 500.0, f64::MIN, f64::MAX, "kg"),
    ("height_cm", 20.0, 272.0, f64::MIN, f64::MAX, "cm"),
    ("bmi", 0.0, f64::MAX, 18.5, 29.9, "kg/m²"),
];

fn range(field: &str) -> &'static Range {
    RANGES.iter().find(|r| r.0 == field).unwrap_or(&RANGES[0])
}

/// Refuses an implausible value by name; says whether it is outside the normal range.
fn check(field: &str, value: f64) -> AppResult<bool> {
    let (_, low, high, normal_low, normal_high, unit) = *range(field);
    if !(low..=high).contains(&value) {
        return Err(AppError::field(
            field,
            format!("{value} {unit} is not plausible (expected {low}–{high} {unit})"),
        ));
    }
    Ok(!(normal_low..=normal_high).contains(&value))
}

fn decimal(field: &str, text: &str) -> AppResult<Decimal> {
    let d = Decimal::from_str(text.trim().replace(',', ".").as_str())
        .map_err(|_| AppError::field(field, "write a number, e.g. 37.2"))?;
    if d.scale() > 1 {
        return Err(AppError::field(field, "one decimal place at most"));
    }
    Ok(d)
}

pub(crate) fn record_vitals(ctx: &Ctx<'_>, input: VitalsInput) -> AppResult<Vitals> {
    let me = ctx.user()?.clone();
    let note = optional_text(input.note.as_deref().unwrap_or(""), "note", 1000)?;
    let mut abnormal: Vec<&str> = Vec::new();
    let mut flag = |field: &'static str, value: f64| -> AppResult<()> {
        if check(field, value)? {
            abnormal.push(field);
        }
        Ok(())
    };
    let temperature = match &input.temperature_c {
        Some(t) => {
            let d = decimal("temperature_c", t)?;
            flag("temperature_c", d.to_f64().unwrap_or(0.0))?;
            Some(d)
        }
        None => None,
    };
    for (field, value) in [
        ("pulse_bpm", input.pulse_bpm),
        ("systolic_mmhg", input.systolic_mmhg),
        ("diastolic_mmhg", input.diastolic_mmhg),
        ("respiratory_rate", input.respiratory_rate),
        ("spo2_percent", input.spo2_percent),
    ] {
        if let Some(v) = value {
            flag(field, f64::from(v))?;
        }
    }
    match (input.systolic_mmhg, input.diastolic_mmhg) {
        (Some(s), Some(d)) if d >= s => {
            return Err(AppError::field(
                "diastolic_mmhg",
                "the diastolic pressure must be lower than the systolic",
            ));
        }
        (Some(_), None) | (None, Some(_)) => {
            return Err(AppError::field(
                if input.systolic_mmhg.is_none() {
                    "systolic_mmhg"
                } else {
                    "diastolic_mmhg"
                },
                "blood pressure needs both the systolic and the diastolic value",
            ));
        }
        _ => {}
    }
    let weight = match &input.weight_kg {
        Some(w) => {
            let d = decimal("weight_kg", w)?;
            flag("weight_kg", d.to_f64().unwrap_or(0.0))?;
            Some(d)
        }
        None => None,
    };
    let height = match &input.height_cm {
        Some(h) => {
            let d = decimal("height_cm", h)?;
            flag("height_cm", d.to_f64().unwrap_or(0.0))?;
            Some(d)
        }
        None => None,
    };
    if let (Some(w), Some(h)) = (weight, height) {
        if let Some(b) = bmi(w, h) {
            flag("bmi", b.to_f64().unwrap_or(0.0))?;
        }
    }
    let nothing = temperature.is_none()
        && weight.is_none()
        && height.is_none()
        && [
            input.pulse_bpm,
            input.systolic_mmhg,
            input.respiratory_rate,
            input.spo2_percent,
        ]
        .iter()
        .all(Option::is_none);
    if nothing {
        return Err(AppError::field(
            "temperature_c",
            "record at least one value",
        ));
    }
    ctx.write(|w| {
        crate::patients::require_active(w.conn(), &input.patient_id)?;
        if let Some(encounter_id) = &input.encounter_id {
            let e = super::load_summary(w.conn(), encounter_id)?;
            if e.patient_id != input.patient_id {
                return Err(AppError::field(
                    "encounter_id",
                    "this encounter is another patient's",
                ));
            }
            if e.status != super::EncounterStatus::Open {
                return Err(AppError::field(
                    "encounter_id",
                    "this encounter is closed (signed or entered in error): record the vitals on the patient or a new encounter",
                ));
            }
        }
        let id = new_id();
        w.conn().execute(
            "INSERT INTO vitals (id, patient_id, encounter_id, recorded_by, recorded_at, temperature_c,
                 pulse_bpm, systolic_mmhg, diastolic_mmhg, respiratory_rate, spo2_percent, weight_kg,
                 height_cm, abnormal, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![
                id,
                input.patient_id,
                input.encounter_id,
                me.id,
                w.now_text(),
                temperature.map(|d| d.to_string()),
                input.pulse_bpm,
                input.systolic_mmhg,
                input.diastolic_mmhg,
                input.respiratory_rate,
                input.spo2_percent,
                weight.map(|d| d.to_string()),
                height.map(|d| d.to_string()),
                abnormal.join(","),
                note
            ],
        )?;
        w.record_change("vitals", &id, ChangeOp::Insert)?;
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("vitals", &id)),
            if abnormal.is_empty() {
                "vitals recorded".to_string()
            } else {
                format!("vitals recorded; abnormal: {}", abnormal.join(", "))
            },
        );
        w.audit(entry)?;
        load(w.conn(), &id)
    })
}

/// kg / m², one decimal.
fn bmi(weight_kg: Decimal, height_cm: Decimal) -> Option<Decimal> {
    let m = height_cm / Decimal::from(100);
    (m > Decimal::ZERO).then(|| (weight_kg / (m * m)).round_dp(1))
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct VitalsErrorInput {
    pub vitals_id: String,
    pub reason: String,
}

pub(crate) fn mark_vitals_entered_in_error(
    ctx: &Ctx<'_>,
    input: VitalsErrorInput,
) -> AppResult<Vitals> {
    let reason = required(&input.reason, "reason", 500)?;
    ctx.write(|w| {
        let before = load(w.conn(), &input.vitals_id)?;
        if before.entered_in_error {
            return Err(
                AppError::conflict("these vitals are already marked entered in error")
                    .with_field("vitals_id"),
            );
        }
        w.conn().execute(
            "UPDATE vitals SET status = 'entered_in_error', error_reason = ?2 WHERE id = ?1",
            params![input.vitals_id, reason],
        )?;
        w.record_change("vitals", &input.vitals_id, ChangeOp::Update)?;
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("vitals", &input.vitals_id)),
            format!("entered in error: {reason}"),
        );
        w.audit(entry)?;
        load(w.conn(), &input.vitals_id)
    })
}

const SELECT: &str = "SELECT v.id, v.patient_id, v.encounter_id, u.full_name, v.recorded_at,
        v.temperature_c, v.pulse_bpm, v.systolic_mmhg, v.diastolic_mmhg, v.respiratory_rate,
        v.spo2_percent, v.weight_kg, v.height_cm, v.abnormal, v.note, v.status, v.error_reason
    FROM vitals v JOIN users u ON u.id = v.recorded_by";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Vitals> {
    let weight: Option<String> = r.get(11)?;
    let height: Option<String> = r.get(12)?;
    let abnormal: String = r.get(13)?;
    let status: String = r.get(15)?;
    let parse = |s: &Option<String>| s.as_deref().and_then(|t| Decimal::from_str(t).ok());
    Ok(Vitals {
        id: r.get(0)?,
        patient_id: r.get(1)?,
        encounter_id: r.get(2)?,
        recorded_by_name: r.get(3)?,
        recorded_at: r.get(4)?,
        temperature_c: r.get(5)?,
        pulse_bpm: r.get(6)?,
        systolic_mmhg: r.get(7)?,
        diastolic_mmhg: r.get(8)?,
        respiratory_rate: r.get(9)?,
        spo2_percent: r.get(10)?,
        bmi: parse(&weight)
            .zip(parse(&height))
            .and_then(|(w, h)| bmi(w, h))
            .map(|b| b.to_string()),
        weight_kg: weight,
        height_cm: height,
        abnormal: abnormal
            .split(',')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        note: r.get(14)?,
        entered_in_error: status == "entered_in_error",
        error_reason: r.get(16)?,
    })
}

fn load(c: &Connection, id: &str) -> AppResult<Vitals> {
    c.prepare_cached(&format!("{SELECT} WHERE v.id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| AppError::not_found("no such vitals").with_field("vitals_id"))
}

pub(crate) fn of_encounter(c: &Connection, encounter_id: &str) -> AppResult<Vec<Vitals>> {
    let mut stmt = c.prepare_cached(&format!(
        "{SELECT} WHERE v.encounter_id = ?1 ORDER BY v.recorded_at"
    ))?;
    let rows = stmt.query_map([encounter_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}
