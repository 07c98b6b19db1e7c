//! Attachments of a patient's record (scanned letters, lab reports, images): stored inside the
//! encrypted store, so they are encrypted at rest and in every backup, addressed by their
//! SHA-256. Never deleted: a wrong file is marked entered in error (its content stays, for the
//! record's history). Every opening of a file is audited.

use crate::audit::AuditOutcome;
use crate::clinic::{optional_text, required};
use crate::clock::new_id;
use crate::error::{AppError, AppResult};
use crate::registry::Ctx;
use crate::store::ChangeOp;
use base64::Engine;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Large enough for a scanned multi-page letter or a phone photo; larger files belong in an
/// imaging system, not in every workstation's database and backup.
pub const MAX_ATTACHMENT_BYTES: usize = 20 * 1024 * 1024;

/// What a clinic attaches; anything else is refused by name (no executables in the record).
const MEDIA_TYPES: &[(&str, &[&str])] = &[
    ("application/pdf", &["pdf"]),
    ("image/png", &["png"]),
    ("image/jpeg", &["jpg", "jpeg"]),
    ("image/tiff", &["tif", "tiff"]),
    ("text/plain", &["txt"]),
    ("application/dicom", &["dcm"]),
];

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Attachment {
    pub id: String,
    pub patient_id: String,
    pub encounter_id: Option<String>,
    pub file_name: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub description: String,
    pub added_by_name: String,
    pub added_at: String,
    pub entered_in_error: bool,
    pub error_reason: String,
}

const SELECT: &str = "SELECT a.id, a.patient_id, a.encounter_id, a.file_name, a.media_type,
        a.size_bytes, a.sha256, a.description, u.full_name, a.added_at, a.status, a.error_reason
    FROM attachments a JOIN users u ON u.id = a.added_by";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Attachment> {
    let status: String = r.get(10)?;
    Ok(Attachment {
        id: r.get(0)?,
        patient_id: r.get(1)?,
        encounter_id: r.get(2)?,
        file_name: r.get(3)?,
        media_type: r.get(4)?,
        size_bytes: r.get(5)?,
        sha256: r.get(6)?,
        description: r.get(7)?,
        added_by_name: r.get(8)?,
        added_at: r.get(9)?,
        entered_in_error: status == "entered_in_error",
        error_reason: r.get(11)?,
    })
}

fn load(c: &Connection, id: &str) -> AppResult<Attachment> {
    c.prepare_cached(&format!("{SELECT} WHERE a.id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| AppError::not_found("no such attachment").with_field("attachment_id"))
}

pub(crate) fn of_encounter(c: &Connection, encounter_id: &str) -> AppResult<Vec<Attachment>> {
    Ok(c.prepare_cached(&format!(
        "{SELECT} WHERE a.encounter_id = ?1 ORDER BY a.added_at"
    ))?
    .query_map([encounter_id], from_row)?
    .collect::<Result<_, _>>()?)
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AddAttachmentInput {
    pub patient_id: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub encounter_id: Option<String>,
    pub file_name: String,
    pub media_type: String,
    /// The file, base64 (standard alphabet).
    pub content_base64: String,
    #[serde(default)]
    pub description: String,
}

pub(crate) fn add_attachment(ctx: &Ctx<'_>, input: AddAttachmentInput) -> AppResult<Attachment> {
    let me = ctx.user()?.clone();
    let file_name = required(&input.file_name, "file_name", 255)?;
    if file_name.contains(['/', '\\', '\0']) {
        return Err(AppError::field(
            "file_name",
            "the file name must not contain a path",
        ));
    }
    let media_type = input.media_type.trim().to_ascii_lowercase();
    let Some((_, extensions)) = MEDIA_TYPES.iter().find(|(m, _)| *m == media_type) else {
        return Err(AppError::field(
            "media_type",
            format!(
                "{media_type:?} cannot be attached; allowed: PDF, PNG, JPEG, TIFF, text, DICOM"
            ),
        ));
    };
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if !extensions.contains(&extension.as_str()) {
        return Err(AppError::field(
            "file_name",
            format!("a {media_type} file should end in .{}", extensions[0]),
        ));
    }
    let description = optional_text(&input.description, "description", 500)?;
    let content = base64::engine::general_purpose::STANDARD
        .decode(input.content_base64.trim())
        .map_err(|_| AppError::field("content_base64", "the file is damaged (bad base64)"))?;
    if content.is_empty() {
        return Err(AppError::field("content_base64", "the file is empty"));
    }
    if content.len() > MAX_ATTACHMENT_BYTES {
        return Err(AppError::field(
            "content_base64",
            format!(
                "the file is {:.1} MB; at most {} MB",
                content.len() as f64 / 1_048_576.0,
                MAX_ATTACHMENT_BYTES / 1_048_576
            ),
        ));
    }
    let sha256 = hex::encode(Sha256::digest(&content));
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
        }
        w.conn().execute(
            "INSERT INTO attachment_contents (sha256, content) VALUES (?1, ?2)
             ON CONFLICT(sha256) DO NOTHING",
            params![sha256, content],
        )?;
        let id = new_id();
        let now = w.now_text();
        w.conn().execute(
            "INSERT INTO attachments (id, patient_id, encounter_id, file_name, media_type,
                 size_bytes, sha256, description, added_by, added_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
            params![
                id,
                input.patient_id,
                input.encounter_id,
                file_name,
                media_type,
                content.len() as i64,
                sha256,
                description,
                me.id,
                now
            ],
        )?;
        w.record_change("attachments", &id, ChangeOp::Insert)?;
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("attachments", &id)),
            format!("attached {file_name} ({} bytes)", content.len()),
        );
        w.audit(entry)?;
        load(w.conn(), &id)
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PatientAttachmentsInput {
    pub patient_id: String,
}

pub(crate) fn list_attachments(
    ctx: &Ctx<'_>,
    input: PatientAttachmentsInput,
) -> AppResult<Vec<Attachment>> {
    ctx.write(|w| {
        let list: Vec<Attachment> = w
            .conn()
            .prepare_cached(&format!(
                "{SELECT} WHERE a.patient_id = ?1 ORDER BY a.added_at DESC"
            ))?
            .query_map([&input.patient_id], from_row)?
            .collect::<Result<_, _>>()?;
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("patients", &input.patient_id)),
            format!("attachment list read ({} files)", list.len()),
        );
        w.audit(entry)?;
        Ok(list)
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AttachmentRef {
    pub attachment_id: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct AttachmentContent {
    pub attachment: Attachment,
    pub content_base64: String,
}

/// Opens a file; the opening is audited.
pub(crate) fn open_attachment(ctx: &Ctx<'_>, input: AttachmentRef) -> AppResult<AttachmentContent> {
    ctx.write(|w| {
        let attachment = load(w.conn(), &input.attachment_id)?;
        let content: Vec<u8> = w
            .conn()
            .query_row(
                "SELECT content FROM attachment_contents WHERE sha256 = ?1",
                [&attachment.sha256],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| {
                AppError::integrity(format!(
                    "the content of {} is missing from this workstation",
                    attachment.file_name
                ))
            })?;
        if hex::encode(Sha256::digest(&content)) != attachment.sha256 {
            return Err(AppError::integrity(format!(
                "the content of {} does not match its checksum",
                attachment.file_name
            )));
        }
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("attachments", &attachment.id)),
            format!("opened {}", attachment.file_name),
        );
        w.audit(entry)?;
        Ok(AttachmentContent {
            attachment,
            content_base64: base64::engine::general_purpose::STANDARD.encode(content),
        })
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AttachmentErrorInput {
    pub attachment_id: String,
    pub reason: String,
}

pub(crate) fn mark_attachment_entered_in_error(
    ctx: &Ctx<'_>,
    input: AttachmentErrorInput,
) -> AppResult<Attachment> {
    let reason = required(&input.reason, "reason", 500)?;
    ctx.write(|w| {
        let before = load(w.conn(), &input.attachment_id)?;
        if before.entered_in_error {
            return Err(
                AppError::conflict("this attachment is already marked entered in error")
                    .with_field("attachment_id"),
            );
        }
        w.conn().execute(
            "UPDATE attachments SET status = 'entered_in_error', error_reason = ?2, updated_at = ?3
             WHERE id = ?1",
            params![input.attachment_id, reason, w.now_text()],
        )?;
        w.record_change("attachments", &input.attachment_id, ChangeOp::Update)?;
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("attachments", &input.attachment_id)),
            format!("entered in error: {reason}"),
        );
        w.audit(entry)?;
        load(w.conn(), &input.attachment_id)
    })
}
