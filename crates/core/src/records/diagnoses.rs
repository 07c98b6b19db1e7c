//! Diagnoses of an encounter, coded with ICD-10-CM. While the encounter is open its doctor
//! adds them freely; after signing, a new diagnosis is an amendment with a reason. A
//! recorded diagnosis never changes: a mistake is marked entered in error with a reason.

use super::{load_summary, EncounterStatus};
use crate::audit::AuditOutcome;
use crate::clinic::{optional_text, required};
use crate::clock::new_id;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::registry::Ctx;
use crate::store::ChangeOp;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
    ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum DiagnosisRank {
    #[default]
    Primary,
    Secondary,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
    ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum DiagnosisCertainty {
    #[default]
    Confirmed,
    Provisional,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Diagnosis {
    pub id: String,
    pub encounter_id: String,
    pub patient_id: String,
    /// ICD-10-CM code with its dot, e.g. "E11.9".
    pub code: String,
    pub description: String,
    pub rank: DiagnosisRank,
    pub certainty: DiagnosisCertainty,
    pub note: String,
    /// Why it was added after signing (empty when added to the open encounter).
    pub amendment_reason: String,
    pub recorded_by_name: String,
    pub recorded_at: String,
    pub entered_in_error: bool,
    pub error_reason: String,
}

const SELECT: &str = "SELECT d.id, d.encounter_id, d.patient_id, d.code, d.description, d.rank,
        d.certainty, d.note, d.amendment_reason, u.full_name, d.recorded_at, d.status, d.error_reason
    FROM encounter_diagnoses d JOIN users u ON u.id = d.recorded_by";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Diagnosis> {
    let rank: String = r.get(5)?;
    let certainty: String = r.get(6)?;
    let status: String = r.get(11)?;
    Ok(Diagnosis {
        id: r.get(0)?,
        encounter_id: r.get(1)?,
        patient_id: r.get(2)?,
        code: r.get(3)?,
        description: r.get(4)?,
        rank: if rank == "secondary" {
            DiagnosisRank::Secondary
        } else {
            DiagnosisRank::Primary
        },
        certainty: if certainty == "provisional" {
            DiagnosisCertainty::Provisional
        } else {
            DiagnosisCertainty::Confirmed
        },
        note: r.get(7)?,
        amendment_reason: r.get(8)?,
        recorded_by_name: r.get(9)?,
        recorded_at: r.get(10)?,
        entered_in_error: status == "entered_in_error",
        error_reason: r.get(12)?,
    })
}

/// An encounter's diagnoses, primary first, then in the order recorded.
pub(crate) fn of_encounter(c: &Connection, encounter_id: &str) -> AppResult<Vec<Diagnosis>> {
    Ok(c.prepare_cached(&format!(
        "{SELECT} WHERE d.encounter_id = ?1 ORDER BY d.rank <> 'primary', d.recorded_at, d.id"
    ))?
    .query_map([encounter_id], from_row)?
    .collect::<Result<_, _>>()?)
}

fn load(c: &Connection, id: &str) -> AppResult<Diagnosis> {
    c.prepare_cached(&format!("{SELECT} WHERE d.id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| AppError::not_found("no such diagnosis").with_field("diagnosis_id"))
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AddDiagnosisInput {
    pub encounter_id: String,
    /// An ICD-10-CM code, with or without its dot.
    pub code: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub rank: Option<DiagnosisRank>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub certainty: Option<DiagnosisCertainty>,
    #[serde(default)]
    pub note: String,
    /// Required once the encounter is signed: the diagnosis is then an amendment.
    #[serde(default)]
    pub reason: String,
}

pub(crate) fn add_diagnosis(ctx: &Ctx<'_>, input: AddDiagnosisInput) -> AppResult<Diagnosis> {
    let me = ctx.user()?.clone();
    let code = input.code.trim();
    if code.is_empty() {
        return Err(AppError::field("code", "choose an ICD-10 code"));
    }
    let coded = super::icd10::find(code).ok_or_else(|| {
        AppError::field(
            "code",
            format!("{code} is not an ICD-10-CM code; search the code list"),
        )
    })?;
    if !coded.billable {
        let example = super::icd10::search(&coded.code, 8)
            .0
            .into_iter()
            .find(|c| c.billable)
            .map(|c| format!(", e.g. {} {}", c.code, c.description))
            .unwrap_or_default();
        return Err(AppError::field(
            "code",
            format!(
                "{} ({}) is a category: choose one of its specific codes{example}",
                coded.code, coded.description
            ),
        ));
    }
    let note = optional_text(&input.note, "note", 2_000)?;
    ctx.write(|w| {
        let e = load_summary(w.conn(), &input.encounter_id)?;
        let reason = match e.status {
            EncounterStatus::Open => String::new(),
            EncounterStatus::Signed => {
                if input.reason.trim().is_empty() {
                    return Err(AppError::field(
                        "reason",
                        "this note is signed: give a reason to add a diagnosis as an amendment",
                    ));
                }
                required(&input.reason, "reason", 500)?
            }
            EncounterStatus::EnteredInError => {
                return Err(
                    AppError::conflict("this encounter was marked entered in error")
                        .with_field("encounter_id"),
                )
            }
        };
        if e.doctor_id != me.id {
            return Err(AppError::new(
                ErrorCode::PermissionDenied,
                format!(
                    "only {} (whose encounter this is) may record its diagnoses",
                    e.doctor_name
                ),
            ));
        }
        let duplicate: Option<String> = w
            .conn()
            .query_row(
                "SELECT id FROM encounter_diagnoses
                 WHERE encounter_id = ?1 AND code = ?2 AND status = 'recorded'",
                params![e.id, coded.code],
                |r| r.get(0),
            )
            .optional()?;
        if duplicate.is_some() {
            return Err(AppError::field(
                "code",
                format!("{} is already a diagnosis of this encounter", coded.code),
            ));
        }
        // One primary diagnosis: a second one defaults to secondary; asking for a second
        // primary explicitly is refused by name.
        let has_primary: bool = w.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM encounter_diagnoses
                 WHERE encounter_id = ?1 AND rank = 'primary' AND status = 'recorded')",
            [&e.id],
            |r| r.get(0),
        )?;
        let rank = match (input.rank, has_primary) {
            (Some(DiagnosisRank::Primary), true) => {
                return Err(AppError::field(
                    "rank",
                    "this encounter already has a primary diagnosis",
                ))
            }
            (Some(rank), _) => rank,
            (None, true) => DiagnosisRank::Secondary,
            (None, false) => DiagnosisRank::Primary,
        };
        let id = new_id();
        let now = w.now_text();
        w.conn().execute(
            "INSERT INTO encounter_diagnoses (id, encounter_id, patient_id, code, description, rank,
                 certainty, note, amendment_reason, recorded_by, recorded_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
            params![
                id,
                e.id,
                e.patient_id,
                coded.code,
                coded.description,
                match rank {
                    DiagnosisRank::Primary => "primary",
                    DiagnosisRank::Secondary => "secondary",
                },
                match input.certainty.unwrap_or_default() {
                    DiagnosisCertainty::Confirmed => "confirmed",
                    DiagnosisCertainty::Provisional => "provisional",
                },
                note,
                reason,
                me.id,
                now
            ],
        )?;
        w.record_change("encounter_diagnoses", &id, ChangeOp::Insert)?;
        let what = if reason.is_empty() {
            format!("diagnosis {}", coded.code)
        } else {
            format!("diagnosis {} added as an amendment: {reason}", coded.code)
        };
        let entry = ctx.audit_entry(AuditOutcome::Ok, Some(("encounters", &e.id)), what);
        w.audit(entry)?;
        load(w.conn(), &id)
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct DiagnosisErrorInput {
    pub diagnosis_id: String,
    pub reason: String,
}

pub(crate) fn mark_diagnosis_entered_in_error(
    ctx: &Ctx<'_>,
    input: DiagnosisErrorInput,
) -> AppResult<Diagnosis> {
    let reason = required(&input.reason, "reason", 500)?;
    let me = ctx.user()?.clone();
    ctx.write(|w| {
        let before = load(w.conn(), &input.diagnosis_id)?;
        if before.entered_in_error {
            return Err(
                AppError::conflict("this diagnosis is already marked entered in error")
                    .with_field("diagnosis_id"),
            );
        }
        let e = load_summary(w.conn(), &before.encounter_id)?;
        if e.doctor_id != me.id {
            return Err(AppError::new(
                ErrorCode::PermissionDenied,
                format!(
                    "only {} (whose encounter this is) may correct its diagnoses",
                    e.doctor_name
                ),
            ));
        }
        w.conn().execute(
            "UPDATE encounter_diagnoses SET status = 'entered_in_error', error_reason = ?2,
                 updated_at = ?3 WHERE id = ?1",
            params![input.diagnosis_id, reason, w.now_text()],
        )?;
        w.record_change("encounter_diagnoses", &input.diagnosis_id, ChangeOp::Update)?;
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("encounters", &e.id)),
            format!("diagnosis {} entered in error: {reason}", before.code),
        );
        w.audit(entry)?;
        load(w.conn(), &input.diagnosis_id)
    })
}
