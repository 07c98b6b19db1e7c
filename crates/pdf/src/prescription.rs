//! The printed prescription.
//!
//! Every field is a plain string the caller has already formatted (dates in the clinic's
//! zone and locale, doses as written by the prescriber); this module only lays them out.

use crate::fonts::{fonts, Face};
use crate::layout::{Align, Cell, Image, Layout, PaperSize, Text};
pub use crate::letterhead::Letterhead;
use crate::PdfError;

/// Who signs the prescription.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Prescriber {
    pub name: String,
    pub licence_number: String,
    pub specialization: Option<String>,
    /// PNG or JPEG of the signature, drawn above the signature line.
    pub signature: Option<Vec<u8>>,
}

/// The patient as printed on the prescription.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PatientBlock {
    pub name: String,
    pub mrn: String,
    pub date_of_birth: String,
    /// e.g. "40 years"
    pub age: String,
    pub sex: String,
    /// Empty means "No known allergies" is printed.
    pub allergies: Vec<String>,
}

/// One prescribed medication.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PrescriptionItem {
    /// e.g. "Amoxicillin 500 mg capsule"
    pub medication: String,
    pub dose: String,
    pub route: String,
    pub frequency: String,
    pub duration: String,
    pub quantity: String,
    pub refills: u32,
    pub instructions: String,
}

/// Everything printed on a prescription.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Prescription {
    pub letterhead: Letterhead,
    pub prescriber: Prescriber,
    pub patient: PatientBlock,
    /// When it was issued, already formatted in the clinic's zone.
    pub issued: String,
    pub items: Vec<PrescriptionItem>,
    pub notes: Option<String>,
    /// Printed so a pharmacist can check the prescription with the clinic.
    pub verification_code: String,
    pub paper: PaperSize,
    /// Printed across every page when the document is not a valid prescription (a draft
    /// preview, one entered in error).
    pub watermark: Option<String>,
}

/// Renders `prescription` as PDF bytes. Fails on a prescription without items or with a
/// logo or signature that is not a readable PNG/JPEG (the error names which).
pub fn render_prescription(prescription: &Prescription) -> Result<Vec<u8>, PdfError> {
    if prescription.items.is_empty() {
        return Err(PdfError::InvalidLayout(
            "a prescription needs at least one item".into(),
        ));
    }
    // Decode the signature first, so a bad one fails before any layout work.
    let signature = prescription
        .prescriber
        .signature
        .as_deref()
        .map(|bytes| Image::decode("prescriber's signature", bytes))
        .transpose()?;

    let title = format!("Prescription — {}", prescription.patient.name);
    let mut d = Layout::new(prescription.paper, &title);
    // Every page names the patient and carries the code, so a loose page is traceable.
    let patient = &prescription.patient;
    let code = prescription.verification_code.trim();
    let mut footer = format!(
        "{} · {} ({})",
        prescription.letterhead.name, patient.name, patient.mrn
    );
    if !code.is_empty() {
        footer.push_str(&format!(" · Verification code: {code}"));
    }
    d.set_footer_text(footer);
    if let Some(mark) = prescription
        .watermark
        .as_deref()
        .filter(|m| !m.trim().is_empty())
    {
        d.set_watermark(mark);
    }
    d.set_running_header(format!(
        "{} · Prescription for {} (MRN {}), {} · continued",
        prescription.letterhead.name, patient.name, patient.mrn, prescription.issued
    ));
    prescription.letterhead.draw(&mut d)?;

    d.space(3.0);
    d.columns(vec![
        Cell::new(0.5).text(Text::new("Prescription").bold().size(18.0)),
        Cell::new(0.5).space(2.4).text(
            label_value("Date", &prescription.issued)
                .size(10.0)
                .align(Align::Right),
        ),
    ]);
    d.space(2.0);
    patient_block(&mut d, &prescription.patient);

    d.space(4.0);
    let rx = if fonts()?.face(Face::Bold).has('℞') {
        "℞"
    } else {
        "Rx"
    };
    d.text(Text::new(rx).bold().size(17.0));
    d.space(1.0);
    for (number, item) in prescription.items.iter().enumerate() {
        item_row(&mut d, number + 1, item);
        d.space(3.0);
    }

    if let Some(notes) = prescription
        .notes
        .as_deref()
        .filter(|n| !n.trim().is_empty())
    {
        d.subheading("Notes");
        d.paragraph(notes);
    }

    d.space(8.0);
    prescriber_block(
        &mut d,
        &prescription.prescriber,
        signature,
        &prescription.verification_code,
    );
    d.finish()
}

/// "Label: value" with the label bold, never broken between label and value; a short
/// value ("28 days", "1 tablet") is not broken at all.
fn label_value(label: &str, value: &str) -> Text {
    let value = value.trim();
    let value = if value.chars().count() <= 24 {
        value.replace(' ', "\u{a0}")
    } else {
        value.to_string()
    };
    Text::new("")
        .then_bold(format!("{label}:"))
        .then(format!("\u{a0}{value}"))
}

fn patient_block(d: &mut Layout, patient: &PatientBlock) {
    d.rule(0.5, 0.6);
    d.columns(vec![
        Cell::new(0.62)
            .text(Text::new("Patient").size(8.0).gray(0.35))
            .text(Text::new(&patient.name).bold().size(13.0)),
        Cell::new(0.38)
            .text(Text::new("MRN").size(8.0).gray(0.35).align(Align::Right))
            .text(
                Text::new(&patient.mrn)
                    .bold()
                    .size(11.0)
                    .align(Align::Right),
            ),
    ]);
    d.space(1.0);
    let born = match (patient.date_of_birth.trim(), patient.age.trim()) {
        ("", age) => age.to_string(),
        (dob, "") => dob.to_string(),
        (dob, age) => format!("{dob} ({age})"),
    };
    d.columns(vec![
        Cell::new(0.62).text(label_value("Date of birth", &born)),
        Cell::new(0.38).text(label_value("Sex", &patient.sex).align(Align::Right)),
    ]);
    d.space(1.2);
    let allergies: Vec<&str> = patient
        .allergies
        .iter()
        .map(|a| a.trim())
        .filter(|a| !a.is_empty())
        .collect();
    if allergies.is_empty() {
        d.text(Text::new("No known allergies").bold());
    } else {
        // Allergies are the line a pharmacist must not miss: bold, and larger.
        d.text(
            Text::new(format!("Allergies: {}", allergies.join(", ")))
                .bold()
                .size(11.0),
        );
    }
    d.space(1.0);
    d.rule(0.5, 0.6);
}

fn item_row(d: &mut Layout, number: usize, item: &PrescriptionItem) {
    let mut body = Cell::new(0.955).text(Text::new(&item.medication).bold().size(11.0));
    let sig: Vec<Text> = [
        ("Dose", &item.dose),
        ("Route", &item.route),
        ("Frequency", &item.frequency),
        ("Duration", &item.duration),
    ]
    .into_iter()
    .filter(|(_, v)| !v.trim().is_empty())
    .map(|(l, v)| label_value(l, v.trim()))
    .collect();
    if let Some(line) = join(sig) {
        body = body.space(0.6).text(line);
    }
    let mut supply = Vec::new();
    if !item.quantity.trim().is_empty() {
        supply.push(label_value("Quantity", item.quantity.trim()));
    }
    supply.push(label_value("Refills", &item.refills.to_string()));
    if let Some(line) = join(supply) {
        body = body.text(line);
    }
    if !item.instructions.trim().is_empty() {
        body = body.text(label_value("Instructions", item.instructions.trim()));
    }
    d.columns(vec![
        Cell::new(0.045).text(Text::new(format!("{number}.")).bold().size(11.0)),
        body,
    ]);
}

/// Joins label–value texts into one line with " · " between them.
fn join(parts: Vec<Text>) -> Option<Text> {
    let mut parts = parts.into_iter();
    let mut line = parts.next()?;
    for part in parts {
        // The dot stays with the value before it; the line may break after it.
        line = line.then("\u{a0}· ");
        line.spans.extend(part.spans);
    }
    Some(line)
}

fn prescriber_block(
    d: &mut Layout,
    prescriber: &Prescriber,
    signature: Option<Image>,
    verification_code: &str,
) {
    // No code (an unsigned draft): nothing to verify, so nothing is printed for it.
    let verification = if verification_code.trim().is_empty() {
        Cell::new(0.5)
    } else {
        Cell::new(0.5)
            .space(12.0)
            .text(Text::new("Verification code").size(8.0).gray(0.35))
            .text(Text::new(verification_code.trim()).bold().size(14.0))
            .text(
                Text::new(
                    "Pharmacies can confirm this prescription with the clinic using this code.",
                )
                .size(7.5)
                .gray(0.35),
            )
    };
    let mut signed = Cell::new(0.5);
    signed = match signature {
        Some(image) => signed.image(image, 55.0, 16.0, Align::Left),
        None => signed.space(16.0),
    };
    signed = signed
        .rule(0.7, 0.1)
        .text(Text::new(&prescriber.name).bold().size(10.5));
    if let Some(specialization) = prescriber
        .specialization
        .as_deref()
        .filter(|s| !s.trim().is_empty())
    {
        signed = signed.text(Text::new(specialization).size(9.0).gray(0.2));
    }
    signed = signed.text(label_value("Licence no.", &prescriber.licence_number).size(9.0));
    d.columns_at_bottom(vec![verification, signed]);
}
