//! The patient's problem list: long-running conditions, active or resolved, optionally coded
//! with ICD-10-CM (often taken from an encounter's diagnosis). A problem's text never changes;
//! its status moves active ⇄ resolved, or to entered in error, and every move is kept with who,
//! when and why.

use crate::audit::AuditOutcome;
use crate::clinic::{optional_text, required};
use crate::clock::new_id;
use crate::error::{AppError, AppResult};
use crate::registry::Ctx;
use crate::store::ChangeOp;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum ProblemStatus {
    Active,
    Resolved,
    EnteredInError,
}

impl ProblemStatus {
    fn as_str(self) -> &'static str {
        match self {
            ProblemStatus::Active => "active",
            ProblemStatus::Resolved => "resolved",
            ProblemStatus::EnteredInError => "entered_in_error",
        }
    }
    fn parse(s: &str) -> Self {
        match s {
            "active" => ProblemStatus::Active,
            "resolved" => ProblemStatus::Resolved,
            _ => ProblemStatus::EnteredInError,
        }
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ProblemChange {
    pub from_status: ProblemStatus,
    pub to_status: ProblemStatus,
    pub reason: String,
    pub changed_by_name: String,
    pub changed_at: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Problem {
    pub id: String,
    pub patient_id: String,
    /// ICD-10-CM code with its dot, or empty for an uncoded problem.
    pub code: String,
    pub description: String,
    /// Clinic-local date (YYYY-MM-DD), or empty when unknown.
    pub onset_date: String,
    pub note: String,
    pub from_diagnosis_id: Option<String>,
    pub status: ProblemStatus,
    pub noted_by_name: String,
    pub noted_at: String,
    pub updated_at: String,
    /// Every status change, oldest first.
    pub changes: Vec<ProblemChange>,
}

const SELECT: &str = "SELECT p.id, p.patient_id, p.code, p.description, p.onset_date, p.note,
        p.from_diagnosis_id, p.status, u.full_name, p.noted_at, p.updated_at
    FROM patient_problems p JOIN users u ON u.id = p.noted_by";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Problem> {
    let status: String = r.get(7)?;
    Ok(Problem {
        id: r.get(0)?,
        patient_id: r.get(1)?,
        code: r.get(2)?,
        description: r.get(3)?,
        onset_date: r.get(4)?,
        note: r.get(5)?,
        from_diagnosis_id: r.get(6)?,
        status: ProblemStatus::parse(&status),
        noted_by_name: r.get(8)?,
        noted_at: r.get(9)?,
        updated_at: r.get(10)?,
        changes: Vec::new(),
    })
}

fn with_changes(c: &Connection, mut p: Problem) -> AppResult<Problem> {
    p.changes = c
        .prepare_cached(
            "SELECT h.from_status, h.to_status, h.reason, u.full_name, h.changed_at
             FROM patient_problem_changes h JOIN users u ON u.id = h.changed_by
             WHERE h.problem_id = ?1 ORDER BY h.changed_at, h.id",
        )?
        .query_map([&p.id], |r| {
            let from: String = r.get(0)?;
            let to: String = r.get(1)?;
            Ok(ProblemChange {
                from_status: ProblemStatus::parse(&from),
                to_status: ProblemStatus::parse(&to),
                reason: r.get(2)?,
                changed_by_name: r.get(3)?,
                changed_at: r.get(4)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(p)
}

fn load(c: &Connection, id: &str) -> AppResult<Problem> {
    let p = c
        .prepare_cached(&format!("{SELECT} WHERE p.id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| AppError::not_found("no such problem").with_field("problem_id"))?;
    with_changes(c, p)
}

/// A patient's problems: active first, then resolved, then entered in error; newest first.
pub(crate) fn of_patient(c: &Connection, patient_id: &str) -> AppResult<Vec<Problem>> {
    let list: Vec<Problem> = c
        .prepare_cached(&format!(
            "{SELECT} WHERE p.patient_id = ?1
             ORDER BY CASE p.status WHEN 'active' THEN 0 WHEN 'resolved' THEN 1 ELSE 2 END,
                      p.noted_at DESC"
        ))?
        .query_map([patient_id], from_row)?
        .collect::<Result<_, _>>()?;
    list.into_iter().map(|p| with_changes(c, p)).collect()
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AddProblemInput {
    pub patient_id: String,
    /// Free text; may be left empty when a code or a diagnosis names the problem.
    #[serde(default)]
    pub description: String,
    /// An ICD-10-CM code (with or without its dot) to code the problem with.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub code: Option<String>,
    /// A diagnosis of this patient that the problem comes from (its code is taken).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub from_diagnosis_id: Option<String>,
    /// YYYY-MM-DD, or empty when unknown.
    #[serde(default)]
    pub onset_date: String,
    #[serde(default)]
    pub note: String,
}

pub(crate) fn add_problem(ctx: &Ctx<'_>, input: AddProblemInput) -> AppResult<Problem> {
    let me = ctx.user()?.clone();
    let note = optional_text(&input.note, "note", 2_000)?;
    let onset = input.onset_date.trim().to_string();
    if !onset.is_empty() {
        let date = chrono::NaiveDate::parse_from_str(&onset, "%Y-%m-%d")
            .map_err(|_| AppError::field("onset_date", "onset date must be a date (YYYY-MM-DD)"))?;
        if date > ctx.now.date_naive() + chrono::Days::new(1) {
            return Err(AppError::field(
                "onset_date",
                "onset date cannot be in the future",
            ));
        }
    }
    ctx.write(|w| {
        crate::patients::require_active(w.conn(), &input.patient_id)?;
        // A problem is coded from a diagnosis of this patient, from the ICD-10-CM list, or
        // left as free text (the `code` column stays empty).
        let mut code = String::new();
        let mut coded_description = String::new();
        if let Some(diagnosis_id) = &input.from_diagnosis_id {
            let (patient, dx_code, dx_description, status): (String, String, String, String) = w
                .conn()
                .query_row(
                    "SELECT patient_id, code, description, status FROM encounter_diagnoses
                     WHERE id = ?1",
                    [diagnosis_id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?
                .ok_or_else(|| AppError::field("from_diagnosis_id", "no such diagnosis"))?;
            if patient != input.patient_id {
                return Err(AppError::field(
                    "from_diagnosis_id",
                    "that diagnosis belongs to another patient",
                ));
            }
            if status == "entered_in_error" {
                return Err(AppError::field(
                    "from_diagnosis_id",
                    "that diagnosis was marked entered in error",
                ));
            }
            code = dx_code;
            coded_description = dx_description;
        } else if let Some(raw) = input.code.as_deref().filter(|c| !c.trim().is_empty()) {
            let icd = super::icd10::find(raw).ok_or_else(|| {
                AppError::field(
                    "code",
                    format!(
                        "{} is not an ICD-10-CM code; search the code list",
                        raw.trim()
                    ),
                )
            })?;
            code = icd.code;
            coded_description = icd.description;
        }
        let description = if input.description.trim().is_empty() && !code.is_empty() {
            coded_description
        } else {
            required(&input.description, "description", 500)?
        };
        let already: Option<String> = w
            .conn()
            .query_row(
                "SELECT description FROM patient_problems
                 WHERE patient_id = ?1 AND status = 'active' AND lower(description) = lower(?2)",
                params![input.patient_id, description],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(existing) = already {
            return Err(AppError::field(
                "description",
                format!("{existing} is already on the active problem list"),
            ));
        }
        let id = new_id();
        let now = w.now_text();
        w.conn().execute(
            "INSERT INTO patient_problems (id, patient_id, code, description, onset_date, note,
                 from_diagnosis_id, noted_by, noted_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
            params![
                id,
                input.patient_id,
                code,
                description,
                onset,
                note,
                input.from_diagnosis_id,
                me.id,
                now
            ],
        )?;
        w.record_change("patient_problems", &id, ChangeOp::Insert)?;
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("patients", &input.patient_id)),
            if code.is_empty() {
                format!("problem added: {description}")
            } else {
                format!("problem added: {code} {description}")
            },
        );
        w.audit(entry)?;
        load(w.conn(), &id)
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ProblemStatusInput {
    pub problem_id: String,
    pub status: ProblemStatus,
    /// Optional when resolving or re-activating; required for entered in error.
    #[serde(default)]
    pub reason: String,
}

pub(crate) fn set_problem_status(ctx: &Ctx<'_>, input: ProblemStatusInput) -> AppResult<Problem> {
    let me = ctx.user()?.clone();
    let reason = match input.status {
        ProblemStatus::EnteredInError => required(&input.reason, "reason", 500)?,
        _ => optional_text(&input.reason, "reason", 500)?,
    };
    ctx.write(|w| {
        let before = load(w.conn(), &input.problem_id)?;
        if before.status == ProblemStatus::EnteredInError {
            return Err(
                AppError::conflict("this problem was marked entered in error")
                    .with_field("problem_id"),
            );
        }
        if before.status == input.status {
            return Err(AppError::field(
                "status",
                format!("this problem is already {}", input.status.as_str()),
            ));
        }
        let now = w.now_text();
        w.conn().execute(
            "UPDATE patient_problems SET status = ?2, updated_at = ?3 WHERE id = ?1",
            params![input.problem_id, input.status.as_str(), now],
        )?;
        w.record_change("patient_problems", &input.problem_id, ChangeOp::Update)?;
        let change_id = new_id();
        w.conn().execute(
            "INSERT INTO patient_problem_changes (id, problem_id, from_status, to_status, reason,
                 changed_by, changed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                change_id,
                input.problem_id,
                before.status.as_str(),
                input.status.as_str(),
                reason,
                me.id,
                now
            ],
        )?;
        w.record_change("patient_problem_changes", &change_id, ChangeOp::Insert)?;
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("patients", &before.patient_id)),
            format!(
                "problem {} → {}{}",
                before.description,
                input.status.as_str(),
                if reason.is_empty() {
                    String::new()
                } else {
                    format!(": {reason}")
                }
            ),
        );
        w.audit(entry)?;
        load(w.conn(), &input.problem_id)
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PatientProblemsInput {
    pub patient_id: String,
}

/// The problem list; the read is audited.
pub(crate) fn list_problems(ctx: &Ctx<'_>, input: PatientProblemsInput) -> AppResult<Vec<Problem>> {
    ctx.write(|w| {
        let list = of_patient(w.conn(), &input.patient_id)?;
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("patients", &input.patient_id)),
            format!("problem list read ({} problems)", list.len()),
        );
        w.audit(entry)?;
        Ok(list)
    })
}
