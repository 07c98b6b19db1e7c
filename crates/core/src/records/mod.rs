//! Medical records: encounters with their SOAP note, signing, amendments, "entered in error",
//! and vitals. The note is stored as append-only versions (drafts while the encounter is open,
//! the signed text, then amendments with a reason), so the original and every change stay
//! readable; the migration's triggers refuse anything else. Every read of a note is audited.

mod attachments;
pub(crate) mod demo;
mod diagnoses;
pub mod icd10;
mod problems;
mod vitals;

pub use attachments::{
    AddAttachmentInput, Attachment, AttachmentContent, AttachmentErrorInput, AttachmentRef,
    PatientAttachmentsInput, MAX_ATTACHMENT_BYTES,
};
pub use diagnoses::{
    AddDiagnosisInput, Diagnosis, DiagnosisCertainty, DiagnosisErrorInput, DiagnosisRank,
};
pub use icd10::{Icd10SearchResult, IcdCode, SearchIcd10Input};
pub use problems::{
    AddProblemInput, PatientProblemsInput, Problem, ProblemChange, ProblemStatus,
    ProblemStatusInput,
};
pub use vitals::{Vitals, VitalsInput};

use crate::access::Permission;
use crate::audit::AuditOutcome;
use crate::clinic::{optional_text, required};
use crate::clock::new_id;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::registry::{command, Access, CommandSpec, Ctx};
use crate::store::{ChangeOp, WriteTx};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

pub(crate) fn commands() -> Vec<CommandSpec> {
    let mut commands = vec![
        command(
            "start_encounter",
            "Open an encounter (a consultation) for a patient, from an appointment or not",
            Access::Permission(Permission::ClinicalWrite),
            start_encounter,
        ),
        command(
            "save_encounter_note",
            "Save the SOAP note of an open encounter (each save is kept)",
            Access::Permission(Permission::ClinicalWrite),
            save_encounter_note,
        ),
        command(
            "sign_encounter",
            "Sign an encounter: its note is locked",
            Access::Permission(Permission::ClinicalSign),
            sign_encounter,
        ),
        command(
            "amend_encounter_note",
            "Amend a signed note, with a reason (the original is kept)",
            Access::Permission(Permission::ClinicalSign),
            amend_encounter_note,
        ),
        command(
            "mark_encounter_entered_in_error",
            "Mark an encounter entered in error, with a reason (it stays readable)",
            Access::Permission(Permission::ClinicalSign),
            mark_encounter_entered_in_error,
        ),
        command(
            "get_encounter",
            "Read an encounter: the current note, its history and vitals (audited)",
            Access::Permission(Permission::ClinicalRead),
            get_encounter,
        ),
        command(
            "list_encounters",
            "A patient's encounters, newest first (no note text)",
            Access::Permission(Permission::ClinicalRead),
            list_encounters,
        ),
        command(
            "record_vitals",
            "Record vitals (validated, abnormal values flagged)",
            Access::Permission(Permission::VitalsWrite),
            vitals::record_vitals,
        ),
        command(
            "mark_vitals_entered_in_error",
            "Mark recorded vitals entered in error, with a reason",
            Access::Permission(Permission::VitalsWrite),
            vitals::mark_vitals_entered_in_error,
        ),
        command(
            "add_problem",
            "Add a problem to the patient's problem list (coded or free text)",
            Access::Permission(Permission::ClinicalWrite),
            problems::add_problem,
        ),
        command(
            "set_problem_status",
            "Resolve, re-activate or mark entered in error a problem (history kept)",
            Access::Permission(Permission::ClinicalWrite),
            problems::set_problem_status,
        ),
        command(
            "list_problems",
            "The patient's problem list with each problem's history (audited)",
            Access::Permission(Permission::ClinicalRead),
            problems::list_problems,
        ),
        command(
            "add_attachment",
            "Attach a file (PDF, image, text) to a patient's record, stored encrypted",
            Access::Permission(Permission::ClinicalWrite),
            attachments::add_attachment,
        ),
        command(
            "list_attachments",
            "A patient's attachments, newest first (audited)",
            Access::Permission(Permission::ClinicalRead),
            attachments::list_attachments,
        ),
        command(
            "open_attachment",
            "Open an attached file (audited)",
            Access::Permission(Permission::ClinicalRead),
            attachments::open_attachment,
        ),
        command(
            "mark_attachment_entered_in_error",
            "Mark an attachment entered in error, with a reason (the file is kept)",
            Access::Permission(Permission::ClinicalWrite),
            attachments::mark_attachment_entered_in_error,
        ),
        command(
            "add_diagnosis",
            "Add an ICD-10-CM diagnosis to an encounter (after signing: an amendment with a reason)",
            Access::Permission(Permission::ClinicalWrite),
            diagnoses::add_diagnosis,
        ),
        command(
            "mark_diagnosis_entered_in_error",
            "Mark a diagnosis entered in error, with a reason (it stays readable)",
            Access::Permission(Permission::ClinicalWrite),
            diagnoses::mark_diagnosis_entered_in_error,
        ),
    ];
    commands.extend(icd10::commands());
    commands
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum EncounterStatus {
    Open,
    Signed,
    EnteredInError,
}

impl EncounterStatus {
    fn parse(s: &str) -> Self {
        match s {
            "open" => Self::Open,
            "signed" => Self::Signed,
            _ => Self::EnteredInError,
        }
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct EncounterSummary {
    pub id: String,
    pub patient_id: String,
    pub doctor_id: String,
    pub doctor_name: String,
    pub appointment_id: Option<String>,
    /// UTC, RFC 3339.
    pub started_at: String,
    pub status: EncounterStatus,
    pub signed_at: Option<String>,
    pub signed_by_name: Option<String>,
    pub error_reason: String,
    /// The assessment's first line (for lists and the chart timeline).
    pub headline: String,
    pub amendments: u32,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    Draft,
    Signed,
    Amendment,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct NoteVersion {
    pub version: u32,
    pub kind: NoteKind,
    pub subjective: String,
    pub objective: String,
    pub assessment: String,
    pub plan: String,
    /// Why an amendment was made (empty for drafts and the signed text).
    pub reason: String,
    pub author_name: String,
    pub written_at: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Encounter {
    pub summary: EncounterSummary,
    /// The note as it reads now (the last version), if any was written.
    pub note: Option<NoteVersion>,
    /// Every version, oldest first: drafts, the signed text, amendments.
    pub history: Vec<NoteVersion>,
    pub vitals: Vec<Vitals>,
    /// ICD-10-CM diagnoses, primary first (entered-in-error ones included, marked).
    pub diagnoses: Vec<Diagnosis>,
    pub attachments: Vec<Attachment>,
}

const SUMMARY_SELECT: &str = "SELECT e.id, e.patient_id, e.doctor_id, d.full_name, e.appointment_id,
        e.started_at, e.status, e.signed_at, s.full_name, e.error_reason,
        coalesce((SELECT n.assessment FROM encounter_notes n WHERE n.encounter_id = e.id
                  ORDER BY n.version DESC LIMIT 1), ''),
        (SELECT count(*) FROM encounter_notes n WHERE n.encounter_id = e.id AND n.kind = 'amendment')
    FROM encounters e
    JOIN users d ON d.id = e.doctor_id
    LEFT JOIN users s ON s.id = e.signed_by";

fn summary_from_row(r: &Row<'_>) -> rusqlite::Result<EncounterSummary> {
    let status: String = r.get(6)?;
    let assessment: String = r.get(10)?;
    Ok(EncounterSummary {
        id: r.get(0)?,
        patient_id: r.get(1)?,
        doctor_id: r.get(2)?,
        doctor_name: r.get(3)?,
        appointment_id: r.get(4)?,
        started_at: r.get(5)?,
        status: EncounterStatus::parse(&status),
        signed_at: r.get(7)?,
        signed_by_name: r.get(8)?,
        error_reason: r.get(9)?,
        headline: assessment
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(120)
            .collect(),
        amendments: r.get(11)?,
    })
}

pub(crate) fn load_summary(c: &Connection, id: &str) -> AppResult<EncounterSummary> {
    c.prepare_cached(&format!("{SUMMARY_SELECT} WHERE e.id = ?1"))?
        .query_row([id], summary_from_row)
        .optional()?
        .ok_or_else(|| AppError::not_found("no such encounter").with_field("encounter_id"))
}

fn history(c: &Connection, encounter_id: &str) -> AppResult<Vec<NoteVersion>> {
    let mut stmt = c.prepare_cached(
        "SELECT n.version, n.kind, n.subjective, n.objective, n.assessment, n.plan, n.reason,
                u.full_name, n.written_at
         FROM encounter_notes n JOIN users u ON u.id = n.author_id
         WHERE n.encounter_id = ?1 ORDER BY n.version",
    )?;
    let rows = stmt.query_map([encounter_id], |r| {
        let kind: String = r.get(1)?;
        Ok(NoteVersion {
            version: r.get(0)?,
            kind: match kind.as_str() {
                "draft" => NoteKind::Draft,
                "signed" => NoteKind::Signed,
                _ => NoteKind::Amendment,
            },
            subjective: r.get(2)?,
            objective: r.get(3)?,
            assessment: r.get(4)?,
            plan: r.get(5)?,
            reason: r.get(6)?,
            author_name: r.get(7)?,
            written_at: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct StartEncounterInput {
    pub patient_id: String,
    /// The appointment this consultation is for (none for a walk-in without one).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub appointment_id: Option<String>,
}

fn start_encounter(ctx: &Ctx<'_>, input: StartEncounterInput) -> AppResult<EncounterSummary> {
    let me = ctx.user()?.clone();
    ctx.write(|w| {
        crate::patients::require_active(w.conn(), &input.patient_id)?;
        if let Some(appointment_id) = &input.appointment_id {
            let booked: Option<(String, String, String, String)> = w
                .conn()
                .query_row(
                    "SELECT a.patient_id, a.doctor_id, u.full_name, a.status
                     FROM appointments a JOIN users u ON u.id = a.doctor_id WHERE a.id = ?1",
                    [appointment_id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            match booked {
                None => return Err(AppError::field("appointment_id", "no such appointment")),
                Some((p, ..)) if p != input.patient_id => {
                    return Err(AppError::field(
                        "appointment_id",
                        "this appointment is another patient's",
                    ))
                }
                // The consultation belongs to the doctor the patient was booked with.
                Some((_, doctor, name, _)) if doctor != me.id => {
                    return Err(AppError::field(
                        "appointment_id",
                        format!("this appointment is with {name}; start a walk-in consultation instead"),
                    ))
                }
                Some((.., status)) if matches!(status.as_str(), "cancelled" | "no_show") => {
                    return Err(AppError::field(
                        "appointment_id",
                        format!("this appointment was {}", status.replace('_', " ")),
                    ))
                }
                Some(_) => {}
            }
            // One encounter per appointment: a second start opens the existing one.
            let existing: Option<String> = w
                .conn()
                .query_row(
                    "SELECT id FROM encounters WHERE appointment_id = ?1 AND status <> 'entered_in_error'",
                    [appointment_id],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(id) = existing {
                return load_summary(w.conn(), &id);
            }
        }
        let id = new_id();
        let now = w.now_text();
        w.conn().execute(
            "INSERT INTO encounters (id, patient_id, doctor_id, appointment_id, started_at, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?5)",
            params![id, input.patient_id, me.id, input.appointment_id, now],
        )?;
        w.record_change("encounters", &id, ChangeOp::Insert)?;
        let entry = ctx.audit_entry(AuditOutcome::Ok, Some(("encounters", &id)), "encounter started");
        w.audit(entry)?;
        load_summary(w.conn(), &id)
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct EncounterNoteInput {
    pub encounter_id: String,
    #[serde(default)]
    pub subjective: String,
    #[serde(default)]
    pub objective: String,
    #[serde(default)]
    pub assessment: String,
    #[serde(default)]
    pub plan: String,
}

struct Soap {
    subjective: String,
    objective: String,
    assessment: String,
    plan: String,
}

impl Soap {
    fn from_input(input: &EncounterNoteInput) -> AppResult<Soap> {
        Ok(Soap {
            subjective: optional_text(&input.subjective, "subjective", 20_000)?,
            objective: optional_text(&input.objective, "objective", 20_000)?,
            assessment: optional_text(&input.assessment, "assessment", 20_000)?,
            plan: optional_text(&input.plan, "plan", 20_000)?,
        })
    }
}

/// Appends a version of the note; the store refuses anything but an amendment once signed.
fn append_version(
    ctx: &Ctx<'_>,
    w: &mut WriteTx<'_>,
    encounter_id: &str,
    kind: &str,
    soap: &Soap,
    reason: &str,
) -> AppResult<u32> {
    let me = ctx.user()?;
    let version: u32 = w.conn().query_row(
        "SELECT coalesce(max(version), 0) + 1 FROM encounter_notes WHERE encounter_id = ?1",
        [encounter_id],
        |r| r.get(0),
    )?;
    let id = new_id();
    w.conn()
        .execute(
            "INSERT INTO encounter_notes (id, encounter_id, version, kind, subjective, objective,
                 assessment, plan, reason, author_id, written_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                id,
                encounter_id,
                version,
                kind,
                soap.subjective,
                soap.objective,
                soap.assessment,
                soap.plan,
                reason,
                me.id,
                w.now_text()
            ],
        )
        .map_err(|e| {
            if e.to_string().contains("only by an amendment") {
                AppError::new(
                    ErrorCode::Conflict,
                    "this note is signed: change it with an amendment and a reason",
                )
                .with_field("encounter_id")
            } else {
                e.into()
            }
        })?;
    w.record_change("encounter_notes", &id, ChangeOp::Insert)?;
    w.conn().execute(
        "UPDATE encounters SET updated_at = ?2 WHERE id = ?1",
        params![encounter_id, w.now_text()],
    )?;
    w.record_change("encounters", encounter_id, ChangeOp::Update)?;
    Ok(version)
}

/// The encounter, refused unless it is `open` (or, for amendments, `signed`) and the caller
/// is its doctor.
fn editable(
    ctx: &Ctx<'_>,
    c: &Connection,
    encounter_id: &str,
    want: EncounterStatus,
) -> AppResult<EncounterSummary> {
    let e = load_summary(c, encounter_id)?;
    if e.status != want {
        let message = match (e.status, want) {
            (EncounterStatus::Signed, EncounterStatus::Open) => {
                "this note is signed: change it with an amendment and a reason"
            }
            (EncounterStatus::Open, EncounterStatus::Signed) => {
                "this note is not signed yet: edit it directly"
            }
            _ => "this encounter was marked entered in error",
        };
        return Err(AppError::conflict(message).with_field("encounter_id"));
    }
    if e.doctor_id != ctx.user()?.id {
        return Err(AppError::new(
            ErrorCode::PermissionDenied,
            format!(
                "only {} (whose encounter this is) may write its note",
                e.doctor_name
            ),
        ));
    }
    Ok(e)
}

fn save_encounter_note(ctx: &Ctx<'_>, input: EncounterNoteInput) -> AppResult<Encounter> {
    let soap = Soap::from_input(&input)?;
    ctx.write(|w| {
        editable(ctx, w.conn(), &input.encounter_id, EncounterStatus::Open)?;
        append_version(ctx, w, &input.encounter_id, "draft", &soap, "")?;
        read_encounter(w.conn(), &input.encounter_id)
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct EncounterRef {
    pub encounter_id: String,
}

fn sign_encounter(ctx: &Ctx<'_>, input: EncounterRef) -> AppResult<Encounter> {
    let me = ctx.user()?.clone();
    ctx.write(|w| {
        editable(ctx, w.conn(), &input.encounter_id, EncounterStatus::Open)?;
        let last = history(w.conn(), &input.encounter_id)?.pop();
        let Some(last) = last.filter(|n| !n.assessment.trim().is_empty()) else {
            return Err(AppError::field(
                "assessment",
                "write at least the assessment before signing",
            ));
        };
        // The signed text is its own version: what was signed can always be shown as signed.
        let soap = Soap {
            subjective: last.subjective,
            objective: last.objective,
            assessment: last.assessment,
            plan: last.plan,
        };
        append_version(ctx, w, &input.encounter_id, "signed", &soap, "")?;
        w.conn().execute(
            "UPDATE encounters SET status = 'signed', signed_at = ?2, signed_by = ?3, updated_at = ?2
             WHERE id = ?1",
            params![input.encounter_id, w.now_text(), me.id],
        )?;
        w.record_change("encounters", &input.encounter_id, ChangeOp::Update)?;
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("encounters", &input.encounter_id)),
            "signed",
        );
        w.audit(entry)?;
        read_encounter(w.conn(), &input.encounter_id)
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AmendNoteInput {
    pub note: EncounterNoteInput,
    /// Why the signed note changes (kept with the amendment).
    pub reason: String,
}

fn amend_encounter_note(ctx: &Ctx<'_>, input: AmendNoteInput) -> AppResult<Encounter> {
    let soap = Soap::from_input(&input.note)?;
    let reason = required(&input.reason, "reason", 500)?;
    let id = input.note.encounter_id.clone();
    ctx.write(|w| {
        editable(ctx, w.conn(), &id, EncounterStatus::Signed)?;
        let current: Option<(String, String, String, String)> = w
            .conn()
            .query_row(
                "SELECT subjective, objective, assessment, plan FROM encounter_notes
                 WHERE encounter_id = ?1 ORDER BY version DESC LIMIT 1",
                [&id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        if current.is_some_and(|(s, o, a, p)| {
            s == soap.subjective && o == soap.objective && a == soap.assessment && p == soap.plan
        }) {
            return Err(AppError::field(
                "note",
                "the amendment changes nothing: edit the note before saving it",
            ));
        }
        let version = append_version(ctx, w, &id, "amendment", &soap, &reason)?;
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("encounters", &id)),
            format!("amendment {version}: {reason}"),
        );
        w.audit(entry)?;
        read_encounter(w.conn(), &id)
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct EnteredInErrorInput {
    pub encounter_id: String,
    pub reason: String,
}

fn mark_encounter_entered_in_error(
    ctx: &Ctx<'_>,
    input: EnteredInErrorInput,
) -> AppResult<Encounter> {
    let reason = required(&input.reason, "reason", 500)?;
    ctx.write(|w| {
        let e = load_summary(w.conn(), &input.encounter_id)?;
        if e.status == EncounterStatus::EnteredInError {
            return Err(
                AppError::conflict("this encounter is already marked entered in error")
                    .with_field("encounter_id"),
            );
        }
        if e.doctor_id != ctx.user()?.id {
            return Err(AppError::new(
                ErrorCode::PermissionDenied,
                format!(
                    "only {} (whose encounter this is) may mark it",
                    e.doctor_name
                ),
            ));
        }
        w.conn().execute(
            "UPDATE encounters SET status = 'entered_in_error', error_reason = ?2, updated_at = ?3
             WHERE id = ?1",
            params![input.encounter_id, reason, w.now_text()],
        )?;
        w.record_change("encounters", &input.encounter_id, ChangeOp::Update)?;
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("encounters", &input.encounter_id)),
            format!("entered in error: {reason}"),
        );
        w.audit(entry)?;
        read_encounter(w.conn(), &input.encounter_id)
    })
}

fn read_encounter(c: &Connection, id: &str) -> AppResult<Encounter> {
    let summary = load_summary(c, id)?;
    let history = history(c, id)?;
    let vitals = vitals::of_encounter(c, id)?;
    Ok(Encounter {
        note: history.last().cloned(),
        summary,
        history,
        vitals,
        diagnoses: diagnoses::of_encounter(c, id)?,
        attachments: attachments::of_encounter(c, id)?,
    })
}

/// Reads an encounter; the read itself is audited (who read which note, when).
fn get_encounter(ctx: &Ctx<'_>, input: EncounterRef) -> AppResult<Encounter> {
    ctx.write(|w| {
        let encounter = read_encounter(w.conn(), &input.encounter_id)?;
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("encounters", &input.encounter_id)),
            "note read",
        );
        w.audit(entry)?;
        Ok(encounter)
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PatientEncountersInput {
    pub patient_id: String,
}

fn list_encounters(
    ctx: &Ctx<'_>,
    input: PatientEncountersInput,
) -> AppResult<Vec<EncounterSummary>> {
    ctx.write(|w| {
        let list: Vec<EncounterSummary> = w
            .conn()
            .prepare_cached(&format!(
                "{SUMMARY_SELECT} WHERE e.patient_id = ?1 ORDER BY e.started_at DESC"
            ))?
            .query_map([&input.patient_id], summary_from_row)?
            .collect::<Result<_, _>>()?;
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("patients", &input.patient_id)),
            format!("encounter list read ({} encounters)", list.len()),
        );
        w.audit(entry)?;
        Ok(list)
    })
}
