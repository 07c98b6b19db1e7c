//! Representative documents for benchmarks (`clinicdesk bench`), demos and visual checks:
//! a four-item prescription with a logo and a signature, a long table, and the billing
//! documents (invoice, credit note, receipt, cash closing report).

use printpdf::{OutputImageFormat, RawImage, RawImageData, RawImageFormat};

use crate::billing::{
    ClosingDoc, DocKind, DocLine, InvoiceDoc, PartyBlock, PaymentRow, ReceiptDoc, ReceiptKind,
    ReceiptPaper, TaxRow, TotalRow,
};
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

/// The clinic of the billing samples, with the generated logo (left out if it could not
/// be drawn, so the samples stay infallible).
pub fn sample_billing_letterhead() -> Letterhead {
    Letterhead {
        name: "Riverside Family Clinic".into(),
        address_lines: vec![
            "12 Harbour Street, Suite 4".into(),
            "Riverside 4021 · VAT no. EU 123456789".into(),
        ],
        phone: "+1 555 0100".into(),
        email: "billing@riverside-clinic.example".into(),
        logo: sample_logo_png().ok(),
    }
}

fn line(
    description: &str,
    quantity: &str,
    unit_price: &str,
    discount: &str,
    tax: &str,
    amount: &str,
) -> DocLine {
    DocLine {
        description: description.into(),
        quantity: quantity.into(),
        unit_price: unit_price.into(),
        discount: discount.into(),
        tax: tax.into(),
        amount: amount.into(),
    }
}

fn total(label: &str, amount: &str, emphasis: bool) -> TotalRow {
    TotalRow {
        label: label.into(),
        amount: amount.into(),
        emphasis,
    }
}

fn payment(date: &str, method: &str, reference: &str, receipt: &str, amount: &str) -> PaymentRow {
    PaymentRow {
        date: date.into(),
        method: method.into(),
        reference: reference.into(),
        receipt: receipt.into(),
        amount: amount.into(),
    }
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn zsofia() -> PartyBlock {
    PartyBlock {
        name: "Zsófia Kovács-Nagy".into(),
        lines: vec![
            "MRN K7Q-000123-X".into(),
            "Váci utca 12, 2. em. 4".into(),
            "1052 Budapest, Hungary".into(),
            "+36 30 123 4567".into(),
        ],
    }
}

/// An issued seven-line cardiology invoice in euros for Zsófia Kovács-Nagy: two VAT
/// rates, a percentage and a fixed discount, two payments and a balance due. The figures
/// add up (net lines €1,209.50 + VAT €131.75 = €1,341.25; paid €800.00; due €541.25).
pub fn sample_invoice(paper: PaperSize) -> InvoiceDoc {
    InvoiceDoc {
        kind: DocKind::Invoice,
        letterhead: sample_billing_letterhead(),
        title: "Invoice".into(),
        number: "INV-K7Q-000042".into(),
        meta: pairs(&[
            ("Date", "3 December 2026"),
            ("Due", "17 December 2026"),
            ("Doctor", "Dr. Giulia Rossi"),
            ("Visit", "3 December 2026, cardiology"),
        ]),
        bill_to: zsofia(),
        lines: vec![
            line("Specialist consultation — cardiology", "1", "€150.00", "", "VAT 10 %", "€150.00"),
            line("Electrocardiogram (12-lead ECG) with report", "1", "€65.00", "", "VAT 10 %", "€65.00"),
            line("Transthoracic echocardiography", "1", "€220.00", "10 %", "VAT 10 %", "€198.00"),
            line("Cardiac MRI with contrast, including radiologist's report", "1", "€640.00", "", "VAT 10 %", "€640.00"),
            line("Blood panel: lipid profile, HbA1c, NT-proBNP", "1", "€48.50", "", "VAT 10 %", "€48.50"),
            line("Holter monitor rental (24 h)", "2", "€35.00", "−€10.00", "VAT 20 %", "€60.00"),
            line("Compression stockings, class II (pair)", "2", "€24.00", "", "VAT 20 %", "€48.00"),
        ],
        taxes: vec![
            TaxRow { label: "VAT 10 %".into(), base: "€1,101.50".into(), tax: "€110.15".into() },
            TaxRow { label: "VAT 20 %".into(), base: "€108.00".into(), tax: "€21.60".into() },
        ],
        totals: vec![
            total("Subtotal", "€1,241.50", false),
            total("Discounts", "−€32.00", false),
            total("VAT", "€131.75", false),
            total("Total", "€1,341.25", true),
        ],
        payments: vec![
            payment("3 December 2026", "Card", "VISA •••• 4821, auth 083145", "RCT-K7Q-000017", "€500.00"),
            payment("10 December 2026", "Bank transfer", "SEPA ref. RF18 5390 0754 7034", "RCT-K7Q-000023", "€300.00"),
        ],
        balance: Some(total("Balance due", "€541.25", true)),
        amount_in_words: Some("One thousand three hundred forty-one euros and twenty-five cents".into()),
        notes: Some("Please quote the invoice number with your payment. Questions about this invoice: billing@riverside-clinic.example or +1 555 0100.".into()),
        footer: Some("Payment due within 14 days · IBAN DE89 3704 0044 0532 0130 00 · BIC COBADEFFXXX".into()),
        paper,
        watermark: None,
    }
}

/// A credit note for Анна Петрова reversing a duplicated echocardiography line of
/// INV-K7Q-000041, refunded to her card.
pub fn sample_credit_note(paper: PaperSize) -> InvoiceDoc {
    InvoiceDoc {
        kind: DocKind::CreditNote,
        letterhead: sample_billing_letterhead(),
        title: "Credit note".into(),
        number: "CN-K7Q-000007".into(),
        meta: pairs(&[
            ("Date", "4 December 2026"),
            ("Credits invoice", "INV-K7Q-000041"),
            ("Doctor", "Dr. Giulia Rossi"),
            ("Reason", "Echocardiography charged twice"),
        ]),
        bill_to: PartyBlock {
            name: "Анна Петрова".into(),
            lines: vec![
                "MRN K7Q-000311-M".into(),
                "ул. Садовая, д. 15, кв. 8".into(),
                "191023 Санкт-Петербург".into(),
                "+7 812 555 01 23".into(),
            ],
        },
        lines: vec![line(
            "Transthoracic echocardiography (duplicate of line 3 on INV-K7Q-000041)",
            "−1",
            "€220.00",
            "10 %",
            "VAT 10 %",
            "−€198.00",
        )],
        taxes: vec![TaxRow {
            label: "VAT 10 %".into(),
            base: "−€198.00".into(),
            tax: "−€19.80".into(),
        }],
        totals: vec![
            total("Subtotal", "−€220.00", false),
            total("Discounts", "€22.00", false),
            total("VAT", "−€19.80", false),
            total("Total credited", "−€217.80", true),
        ],
        payments: vec![payment(
            "4 December 2026",
            "Card refund",
            "MASTERCARD •••• 1177",
            "RCT-K7Q-000019",
            "−€217.80",
        )],
        balance: Some(total("Refunded in full", "€0.00", true)),
        amount_in_words: Some("Minus two hundred seventeen euros and eighty cents".into()),
        notes: Some("This credit note cancels the duplicated line of invoice INV-K7Q-000041; the rest of that invoice stands.".into()),
        footer: Some("Riverside Family Clinic · VAT no. EU 123456789".into()),
        paper,
        watermark: None,
    }
}

/// The receipt for the €500.00 card payment on [`sample_invoice`].
pub fn sample_receipt(paper: ReceiptPaper) -> ReceiptDoc {
    ReceiptDoc {
        kind: ReceiptKind::Payment,
        letterhead: sample_billing_letterhead(),
        title: "Receipt".into(),
        number: "RCT-K7Q-000017".into(),
        date: "3 December 2026 14:05".into(),
        received_from: zsofia(),
        invoice_number: "INV-K7Q-000042".into(),
        method: "Card".into(),
        reference: "VISA •••• 4821, auth 083145".into(),
        amount: "€500.00".into(),
        amount_in_words: Some("Five hundred euros".into()),
        invoice_total: "€1,341.25".into(),
        balance_after: "€841.25".into(),
        received_by: "Mónika Szabó".into(),
        paper,
    }
}

/// Front desk 1's closing for 3 December 2026: 25 payments over three methods (they add
/// up to the per-method totals), the drawer €5.00 short of float plus cash taken.
pub fn sample_closing(paper: PaperSize) -> ClosingDoc {
    let names = [
        "Zsófia Kovács-Nagy",
        "Анна Петрова",
        "John Smith",
        "María José García",
        "Γιώργος Παπαδόπουλος",
    ];
    let methods = ["Card", "Cash", "Card", "Cash", "Bank transfer"];
    let payments = (0..25)
        .map(|i| {
            let method = methods[i % methods.len()];
            let reference = match method {
                "Card" => format!("VISA •••• {:04}", 1000 + i * 37),
                "Bank transfer" => format!("Transfer from {}", names[(i / 5) % names.len()]),
                _ => String::new(),
            };
            let minutes = 8 * 60 + 5 + i * 24;
            payment(
                &format!("{:02}:{:02}", minutes / 60, minutes % 60),
                method,
                &reference,
                &format!("RCT-K7Q-{:06}", 30 + i),
                &format!("€{}.00", 40 + (i % 6) * 25),
            )
        })
        .collect();
    ClosingDoc {
        letterhead: sample_billing_letterhead(),
        title: "Cash closing report".into(),
        desk: "Front desk 1".into(),
        closed_by: "Mónika Szabó".into(),
        closed_at: "3 December 2026 18:32".into(),
        period: "3 December 2026, 08:00 – 18:30".into(),
        by_method: vec![
            ("Cash".into(), "10".into(), "€1,000.00".into()),
            ("Card".into(), "10".into(), "€1,050.00".into()),
            ("Bank transfer".into(), "5".into(), "€450.00".into()),
            ("Total".into(), "25".into(), "€2,500.00".into()),
        ],
        expected_cash: "€1,200.00".into(),
        counted_cash: "€1,195.00".into(),
        difference: "−€5.00".into(),
        note: Some("Opening float €200.00. €5.00 short; the 14:29 cash payment (RCT-K7Q-000046) is being checked with the patient.".into()),
        payments,
        paper,
    }
}
