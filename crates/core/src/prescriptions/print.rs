//! The prescription as printed: the pdf crate lays it out from the clinic's letterhead,
//! the prescriber (licence number, signature image), the patient (MRN, date of birth, age,
//! allergies) and the items; the paper size comes from the clinic settings. Printing goes
//! to the system printer through CUPS (`lp`). Every rendering and print is audited.

use super::{load, ItemStatus, Prescription, PrescriptionRef, PrescriptionStatus};
use crate::audit::AuditOutcome;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::registry::{Ctx, NoInput};
use base64::Engine;
use chrono::{DateTime, Utc};
use clinicdesk_pdf::prescription as doc;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct PrescriptionPdf {
    /// e.g. "prescription-K7Q-000123-X-2026-12-03.pdf"
    pub file_name: String,
    pub content_base64: String,
    /// A draft prints marked "not valid for dispensing".
    pub draft: bool,
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PrintPrescriptionInput {
    pub prescription_id: String,
    /// A CUPS queue; absent: the system's default printer.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub printer: Option<String>,
}

#[derive(Debug, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct PrintResult {
    /// The print system's job id (e.g. "ClinicDeskPDF-12").
    pub job_id: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Printer {
    pub name: String,
    pub is_default: bool,
}

fn data_url_bytes(url: &str) -> Option<Vec<u8>> {
    let (_, data) = url.split_once(";base64,")?;
    base64::engine::general_purpose::STANDARD.decode(data).ok()
}

fn pdf_error(e: clinicdesk_pdf::PdfError) -> AppError {
    AppError::new(
        ErrorCode::Internal,
        format!("the prescription could not be printed: {e}"),
    )
}

/// The clinic's letterhead and paper size, as every printed document uses them.
pub(crate) fn letterhead(
    c: &Connection,
) -> AppResult<(clinicdesk_pdf::Letterhead, clinicdesk_pdf::PaperSize)> {
    let (name, address, phone, email, logo, paper): (
        String,
        String,
        String,
        String,
        String,
        String,
    ) = c
        .query_row(
            "SELECT name, address, phone, email, logo_data_url, paper_size FROM clinic LIMIT 1",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .optional()?
        .ok_or_else(|| AppError::conflict("the clinic is not set up yet"))?;
    Ok((
        clinicdesk_pdf::Letterhead {
            name,
            address_lines: address
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            phone,
            email,
            logo: data_url_bytes(&logo),
        },
        if paper == "letter" {
            clinicdesk_pdf::PaperSize::Letter
        } else {
            clinicdesk_pdf::PaperSize::A4
        },
    ))
}

/// Everything the document needs, read in one go.
fn document(
    c: &Connection,
    p: &Prescription,
    now: DateTime<Utc>,
) -> AppResult<(doc::Prescription, String)> {
    let zone = crate::scheduling::clinic_zone(c)?;
    let (letterhead, paper) = letterhead(c)?;
    let (prescriber, licence, specialization, signature): (String, Option<String>, Option<String>, String) = c
        .query_row(
            "SELECT full_name, licence_number, specialization, signature_data_url FROM users WHERE id = ?1",
            [&p.prescriber_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
    let today = now.with_timezone(&zone).date_naive();
    let patient = crate::patients::load_patient(c, &p.patient_id, today)?;
    let allergies: Vec<String> = crate::patients::load_allergies(c, &p.patient_id)?
        .into_iter()
        .filter(|a| a.status == crate::patients::AllergyStatus::Active)
        .map(|a| {
            format!(
                "{} ({})",
                a.substance,
                serde_json::to_value(a.severity)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            )
        })
        .collect();
    let when = p.signed_at.as_deref().unwrap_or(&p.created_at);
    let issued = DateTime::parse_from_rfc3339(when)
        .map(|d| {
            d.with_timezone(&zone)
                .format("%-d %B %Y, %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| when.to_owned());
    let date_of_birth = match (&patient.date_of_birth, patient.dob_estimated) {
        (Some(d), false) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(|d| d.format("%-d %B %Y").to_string())
            .unwrap_or_else(|_| d.clone()),
        (Some(_), true) => "estimated".into(),
        (None, _) => "unknown".into(),
    };
    let items = p
        .items
        .iter()
        .filter(|i| i.status == ItemStatus::Active || p.status != PrescriptionStatus::Draft)
        .map(|i| doc::PrescriptionItem {
            medication: match i.status {
                ItemStatus::Discontinued => format!("{} — discontinued", i.medication_name),
                ItemStatus::EnteredInError => format!("{} — entered in error", i.medication_name),
                _ => i.medication_name.clone(),
            },
            dose: i.dose.clone(),
            route: i.route.label().to_owned(),
            frequency: i.frequency.label().to_owned(),
            duration: match i.duration_days {
                None => "ongoing".into(),
                Some(1) => "1 day".into(),
                Some(d) => format!("{d} days"),
            },
            quantity: format!("{} × {}", i.quantity, i.dispense_unit),
            refills: i.refills,
            instructions: i.instructions.clone(),
        })
        .collect();
    let mrn = patient.mrn.clone();
    let file_name = format!(
        "prescription-{}-{}.pdf",
        mrn,
        when.get(..10).unwrap_or("draft")
    );
    let full_name = [
        patient.given_name.as_str(),
        patient.other_names.as_str(),
        patient.family_name.as_str(),
    ]
    .iter()
    .filter(|s| !s.trim().is_empty())
    .copied()
    .collect::<Vec<_>>()
    .join(" ");
    let document = doc::Prescription {
        letterhead,
        prescriber: doc::Prescriber {
            name: prescriber,
            licence_number: licence.unwrap_or_default(),
            specialization: specialization.filter(|s| !s.trim().is_empty()),
            signature: if p.status == PrescriptionStatus::Signed {
                data_url_bytes(&signature)
            } else {
                None
            },
        },
        patient: doc::PatientBlock {
            name: full_name,
            mrn,
            date_of_birth,
            age: patient
                .age_years
                .map(|a| format!("{a} years"))
                .unwrap_or_default(),
            sex: patient.sex.as_str().to_owned(),
            allergies,
        },
        issued,
        items,
        notes: Some(p.notes.clone()).filter(|n| !n.trim().is_empty()),
        verification_code: p.verification_code.clone().unwrap_or_default(),
        paper,
        watermark: match p.status {
            PrescriptionStatus::Draft => Some("DRAFT — NOT VALID".into()),
            PrescriptionStatus::EnteredInError => Some("ENTERED IN ERROR — NOT VALID".into()),
            PrescriptionStatus::Signed => None,
        },
    };
    Ok((document, file_name))
}

/// The PDF bytes of a prescription and its file name (for the CLI and benchmarks too).
pub fn render(
    c: &Connection,
    prescription_id: &str,
    now: DateTime<Utc>,
) -> AppResult<(Vec<u8>, String, Prescription)> {
    let p = load(c, prescription_id, now)?;
    if p.items.iter().all(|i| i.status == ItemStatus::Removed) {
        return Err(AppError::field(
            "prescription_id",
            "this prescription has no items to print",
        ));
    }
    let (document, file_name) = document(c, &p, now)?;
    let bytes = clinicdesk_pdf::render_prescription(&document).map_err(pdf_error)?;
    Ok((bytes, file_name, p))
}

pub(crate) fn prescription_pdf(
    ctx: &Ctx<'_>,
    input: PrescriptionRef,
) -> AppResult<PrescriptionPdf> {
    let (bytes, file_name, p) = ctx.read(|c| render(c, &input.prescription_id, ctx.now))?;
    ctx.write(|w| {
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("prescriptions", &p.id)),
            "prescription rendered as PDF",
        );
        w.audit(entry)
    })?;
    Ok(PrescriptionPdf {
        file_name,
        content_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
        draft: p.status == PrescriptionStatus::Draft,
    })
}

pub(crate) fn print_prescription(
    ctx: &Ctx<'_>,
    input: PrintPrescriptionInput,
) -> AppResult<PrintResult> {
    let (bytes, file_name, p) = ctx.read(|c| render(c, &input.prescription_id, ctx.now))?;
    if p.status != PrescriptionStatus::Signed {
        return Err(AppError::conflict(match p.status {
            PrescriptionStatus::Draft => {
                "sign the prescription before printing it (the preview shows the draft)"
            }
            _ => "this prescription was marked entered in error and is not printed",
        })
        .with_field("prescription_id"));
    }
    let printer = input
        .printer
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let job_id = clinicdesk_pdf::print::print_pdf(&bytes, printer, &file_name)
        .map_err(|e| AppError::conflict(e.to_string()).with_field("printer"))?;
    ctx.write(|w| {
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("prescriptions", &p.id)),
            format!(
                "prescription printed on {} (job {job_id})",
                printer.unwrap_or("the default printer")
            ),
        );
        w.audit(entry)
    })?;
    Ok(PrintResult { job_id })
}

pub(crate) fn list_printers(_ctx: &Ctx<'_>, _input: NoInput) -> AppResult<Vec<Printer>> {
    let list =
        clinicdesk_pdf::print::list_printers().map_err(|e| AppError::conflict(e.to_string()))?;
    Ok(list
        .into_iter()
        .map(|p| Printer {
            name: p.name,
            is_default: p.is_default,
        })
        .collect())
}
