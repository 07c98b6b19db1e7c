//! Representative documents for benchmarks (`clinicdesk bench`), demos and visual checks:
//! a four-item prescription with a logo and a signature, and a long table.

use printpdf::{OutputImageFormat, RawImage, RawImageData, RawImageFormat};

use crate::layout::{Align, Column, Layout, PaperSize, Table};
use crate::prescription::{PatientBlock, Prescriber, Prescription, PrescriptionItem};
use crate::{Letterhead, PdfError};

/// Encodes RGBA pixels as a PNG (for sample logos and signatures).
pub fn png_from_rgba(width: usize, height: usize, rgba: Vec<u8>) -> Result<Vec<u8>, PdfError> {
    let image = RawImage {
        pixels: RawImageData::U8(rgba),
        width,
        height,
        data_format: RawImageFormat::RGBA8,
        tag: Vec::new(),
    };
    image
        .encode_to_bytes(&[OutputImageFormat::Png])
        .map(|(bytes, _)| bytes)
        .map_err(|reason| PdfError::Image {
            name: "sample image".into(),
            reason,
        })
}

/// A 160 × 160 clinic logo: a green cross in a ring, transparent around it.
pub fn sample_logo_png() -> Result<Vec<u8>, PdfError> {
    let size = 160usize;
    let mut rgba = vec![0u8; size * size * 4];
    let centre = size as f32 / 2.0;
    for y in 0..size {
        for x in 0..size {
            let (dx, dy) = (x as f32 + 0.5 - centre, y as f32 + 0.5 - centre);
            let r = (dx * dx + dy * dy).sqrt();
            let in_cross =
                (dx.abs() < 17.0 && dy.abs() < 52.0) || (dy.abs() < 17.0 && dx.abs() < 52.0);
            let colour = if in_cross {
                Some([22, 128, 92])
            } else if (66.0..76.0).contains(&r) {
                Some([22, 96, 128])
            } else {
                None
            };
            if let Some([red, green, blue]) = colour {
                let i = (y * size + x) * 4;
                rgba[i..i + 4].copy_from_slice(&[red, green, blue, 255]);
            }
        }
    }
    png_from_rgba(size, size, rgba)
}

/// A 360 × 110 handwritten-looking signature stroke in dark blue on transparent.
pub fn sample_signature_png() -> Result<Vec<u8>, PdfError> {
    let (w, h) = (360usize, 110usize);
    let mut rgba = vec![0u8; w * h * 4];
    let mut plot = |x: f32, y: f32| {
        for oy in -2i32..=2 {
            for ox in -2i32..=2 {
                let (px, py) = (x as i32 + ox, y as i32 + oy);
                if px >= 0 && py >= 0 && (px as usize) < w && (py as usize) < h {
                    let i = (py as usize * w + px as usize) * 4;
                    rgba[i..i + 4].copy_from_slice(&[20, 30, 110, 255]);
                }
            }
        }
    };
    for step in 0..4000 {
        let t = step as f32 / 4000.0;
        let x = 20.0 + t * 320.0;
        let y = 60.0 + 28.0 * (t * 19.0).sin() * (1.0 - t * 0.6) - 14.0 * (t * 3.0).cos();
        plot(x, y);
    }
    for step in 0..600 {
        let t = step as f32 / 600.0;
        plot(40.0 + t * 290.0, 92.0 - t * 6.0);
    }
    png_from_rgba(w, h, rgba)
}

/// A realistic four-item prescription for a Cyrillic-named patient, with logo and
/// signature (images generated, so the crate ships no binaries).
pub fn sample_prescription() -> Result<Prescription, PdfError> {
    let item = |medication: &str,
                dose: &str,
                route: &str,
                frequency: &str,
                duration: &str,
                quantity: &str,
                refills: u32,
                instructions: &str| PrescriptionItem {
        medication: medication.into(),
        dose: dose.into(),
        route: route.into(),
        frequency: frequency.into(),
        duration: duration.into(),
        quantity: quantity.into(),
        refills,
        instructions: instructions.into(),
    };
    Ok(Prescription {
        letterhead: Letterhead {
            name: "Riverside Family Clinic".into(),
            address_lines: vec![
                "12 Harbour Street, Suite 4".into(),
                "Riverside 4021".into(),
            ],
            phone: "+1 555 0100".into(),
            email: "reception@riverside-clinic.example".into(),
            logo: Some(sample_logo_png()?),
        },
        prescriber: Prescriber {
            name: "Dr. Maria Rossi".into(),
            licence_number: "MD-448812".into(),
            specialization: Some("General practice".into()),
            signature: Some(sample_signature_png()?),
        },
        patient: PatientBlock {
            name: "Анна Кузнецова".into(),
            mrn: "K7Q-000123-X".into(),
            date_of_birth: "14/03/1985".into(),
            age: "40 years".into(),
            sex: "Female".into(),
            allergies: vec!["Penicillin".into(), "Sulfonamides".into()],
        },
        issued: "02/12/2025 10:42".into(),
        items: vec![
            item("Azithromycin 500 mg tablet", "1 tablet", "oral", "once daily", "3 days", "3 tablets", 0, "Take at the same time each day, with or without food."),
            item("Ibuprofen 400 mg tablet", "1 tablet", "oral", "every 8 hours as needed for pain", "5 days", "15 tablets", 0, "Take with food. Do not exceed 3 tablets in 24 hours."),
            item("Salbutamol 100 micrograms/dose inhaler", "2 puffs", "inhaled", "up to four times daily when breathless", "30 days", "1 inhaler (200 doses)", 2, "Shake before use; use a spacer."),
            item("Omeprazole 20 mg gastro-resistant capsule", "1 capsule", "oral", "once daily before breakfast", "28 days", "28 capsules", 1, ""),
        ],
        notes: Some("Review in one week if the cough persists. Patient advised to stop smoking; leaflet given.".into()),
        verification_code: "7KQ2-M9XD".into(),
        paper: PaperSize::A4,
        watermark: None,
    })
}

/// A document with a header, a paragraph and a `rows`-row table of appointments
/// (the table spans pages; its header repeats on each).
pub fn sample_table_document(paper: PaperSize, rows: usize) -> Result<Vec<u8>, PdfError> {
    let mut d = Layout::new(paper, "Appointments");
    d.set_footer_text("Riverside Family Clinic · appointment list");
    d.heading("Appointments, 2 December 2025");
    d.paragraph("Every appointment booked for the day, with the reason given when booking. Times are in the clinic's time zone.");
    let mut table = Table::new(vec![
        Column::new("Time", 0.1),
        Column::new("Patient", 0.27),
        Column::new("Clinician", 0.2),
        Column::new("Reason", 0.31),
        Column::new("Fee", 0.12).align(Align::Right),
    ]);
    let names = [
        "Анна Кузнецова",
        "Zsófia Kovács-Nagy",
        "Γιώργος Παπαδόπουλος",
        "John Smith",
        "María José García",
    ];
    let reasons = [
        "Follow-up",
        "Persistent dry cough for three weeks, worse at night; requests review of inhaler technique",
        "Vaccination",
        "Blood pressure check and repeat prescription",
        "Sick note",
    ];
    for i in 0..rows {
        table = table.row([
            format!("{:02}:{:02}", 8 + i / 4, (i % 4) * 15),
            names[i % names.len()].to_string(),
            if i % 2 == 0 {
                "Dr. Maria Rossi"
            } else {
                "Dr. Ahmed Khan"
            }
            .to_string(),
            reasons[i % reasons.len()].to_string(),
            format!("{}.00", 40 + (i % 3) * 15),
        ]);
    }
    d.table(&table);
    d.finish()
}
