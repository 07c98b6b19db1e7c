//! Writes the sample documents as PDFs, for looking at them (and timing them):
//! `cargo run -p clinicdesk-pdf --release --example samples -- [out_dir]`
//! (default: `$CARGO_TARGET_DIR/artifacts/pdf-samples`, else `target/artifacts/pdf-samples`).

use std::path::PathBuf;
use std::time::Instant;

use clinicdesk_pdf::samples::{
    sample_closing, sample_credit_note, sample_invoice, sample_prescription, sample_receipt,
    sample_table_document,
};
use clinicdesk_pdf::{
    render_closing_report, render_invoice, render_prescription, render_receipt, warm_up, PaperSize,
    ReceiptPaper,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("target"))
                .join("artifacts/pdf-samples")
        });
    std::fs::create_dir_all(&out)?;

    let started = Instant::now();
    warm_up()?;
    println!(
        "fonts parsed in {:.1} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );

    let prescription = sample_prescription()?;
    let pdf = render_prescription(&prescription)?;
    std::fs::write(out.join("prescription.pdf"), &pdf)?;
    let mut letter = prescription.clone();
    letter.paper = PaperSize::Letter;
    std::fs::write(
        out.join("prescription-letter.pdf"),
        render_prescription(&letter)?,
    )?;
    let mut long = prescription.clone();
    long.patient.name = "Γιώργος Παπαδόπουλος".into();
    long.patient.allergies.clear();
    long.items = (0..18).map(|i| prescription.items[i % 4].clone()).collect();
    std::fs::write(
        out.join("prescription-long.pdf"),
        render_prescription(&long)?,
    )?;
    std::fs::write(
        out.join("table.pdf"),
        sample_table_document(PaperSize::A4, 60)?,
    )?;

    let runs = 200;
    let started = Instant::now();
    for _ in 0..runs {
        let pdf = render_prescription(&prescription)?;
        std::hint::black_box(pdf);
    }
    let per = started.elapsed().as_secs_f64() * 1000.0 / f64::from(runs);
    println!(
        "prescription: {} bytes, {per:.2} ms per render (mean of {runs})",
        pdf.len()
    );
    let mut plain = prescription.clone();
    plain.letterhead.logo = None;
    plain.prescriber.signature = None;
    let started = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(render_prescription(&plain)?);
    }
    let per = started.elapsed().as_secs_f64() * 1000.0 / f64::from(runs);
    println!("prescription without logo and signature: {per:.2} ms per render");

    let started = Instant::now();
    let table = sample_table_document(PaperSize::A4, 60)?;
    println!(
        "3-page table: {} bytes in {:.2} ms",
        table.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );

    // Billing documents.
    let invoice = sample_invoice(PaperSize::A4);
    std::fs::write(out.join("invoice.pdf"), render_invoice(&invoice)?)?;
    std::fs::write(
        out.join("invoice-letter.pdf"),
        render_invoice(&sample_invoice(PaperSize::Letter))?,
    )?;
    let mut long = invoice.clone();
    long.number = String::new();
    long.watermark = Some("DRAFT — NOT AN INVOICE".into());
    long.lines = (0..80)
        .map(|i| invoice.lines[i % invoice.lines.len()].clone())
        .collect();
    std::fs::write(out.join("invoice-long-draft.pdf"), render_invoice(&long)?)?;
    std::fs::write(
        out.join("credit-note.pdf"),
        render_invoice(&sample_credit_note(PaperSize::A4))?,
    )?;
    std::fs::write(
        out.join("receipt.pdf"),
        render_receipt(&sample_receipt(ReceiptPaper::Page(PaperSize::A4)))?,
    )?;
    std::fs::write(
        out.join("receipt-roll.pdf"),
        render_receipt(&sample_receipt(ReceiptPaper::Roll80mm))?,
    )?;
    std::fs::write(
        out.join("closing.pdf"),
        render_closing_report(&sample_closing(PaperSize::A4))?,
    )?;
    for (name, render) in [
        (
            "invoice (A4, logo)",
            Box::new(|| render_invoice(&sample_invoice(PaperSize::A4)))
                as Box<dyn Fn() -> Result<Vec<u8>, clinicdesk_pdf::PdfError>>,
        ),
        (
            "80-line draft invoice",
            Box::new(move || render_invoice(&long)),
        ),
        (
            "receipt (80 mm roll)",
            Box::new(|| render_receipt(&sample_receipt(ReceiptPaper::Roll80mm))),
        ),
        (
            "closing report",
            Box::new(|| render_closing_report(&sample_closing(PaperSize::A4))),
        ),
    ] {
        let started = Instant::now();
        for _ in 0..runs {
            std::hint::black_box(render()?);
        }
        let per = started.elapsed().as_secs_f64() * 1000.0 / f64::from(runs);
        println!("{name}: {per:.2} ms per render (sample built each time)");
    }
    println!("written to {}", out.display());
    Ok(())
}
