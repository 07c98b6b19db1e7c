//! Printing for real: a prescription, an invoice and an 80 mm roll receipt sent through
//! CUPS to the `ClinicDeskPDF` queue (cups-pdf), which writes what a printer would have
//! printed as a PDF.
//!
//! Set up with `bash scripts/ensure-cups.sh`; run with
//! `cargo test -p clinicdesk-pdf --test cups -- --ignored`.
//!
//! How the printed page is read: cups-pdf only takes PostScript, so CUPS converts our PDF
//! to PostScript and Ghostscript distills it back. PostScript carries no ToUnicode maps,
//! and Ghostscript rebuilds CID-keyed text (all of ours) as Type 3 glyphs with made-up
//! codes: the page *looks* right but its text layer is gibberish, Latin included. So the
//! test reads the page with pdftotext when that works and otherwise the way a person
//! would: it renders it and runs OCR (tesseract, Russian + English) on it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use clinicdesk_pdf::print::{list_printers, page_size_mm, print_pdf, print_pdf_with, PrintOptions};
use clinicdesk_pdf::samples::{sample_invoice, sample_prescription, sample_receipt};
use clinicdesk_pdf::{
    render_invoice, render_prescription, render_receipt, PaperSize, PdfError, ReceiptPaper,
};
use common::{images, info, text};

const QUEUE: &str = "ClinicDeskPDF";

/// Where cups-pdf puts files for the user running the test: `Out` in its config
/// (`${HOME}`/`${USER}` expanded), then its directory for anonymous jobs.
fn output_dirs() -> Vec<PathBuf> {
    let conf = std::fs::read_to_string("/etc/cups/cups-pdf.conf").unwrap_or_default();
    let setting = |key: &str| {
        conf.lines()
            .map(str::trim)
            .filter_map(|l| l.strip_prefix(key))
            .filter(|rest| rest.starts_with([' ', '\t']))
            .map(|rest| rest.trim().to_string())
            .next_back()
    };
    let home = std::env::var("HOME").unwrap_or_default();
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_default();
    let expand = |s: String| s.replace("${HOME}", &home).replace("${USER}", &user);
    vec![
        PathBuf::from(expand(
            setting("Out").unwrap_or_else(|| "${HOME}/PDF".into()),
        )),
        PathBuf::from(expand(
            setting("AnonDirName").unwrap_or_else(|| "/var/spool/cups-pdf/ANONYMOUS".into()),
        )),
    ]
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Waits (up to 30 s) for cups-pdf's file whose name starts with `prefix`, fully written.
fn wait_for_output(prefix: &str) -> (PathBuf, Vec<u8>) {
    let dirs = output_dirs();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut last_size = None;
    while Instant::now() < deadline {
        let found = dirs
            .iter()
            .filter_map(|d| std::fs::read_dir(d).ok())
            .flatten()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| file_name(p).starts_with(prefix) && file_name(p).ends_with(".pdf"));
        if let Some(path) = found {
            let bytes = std::fs::read(&path).unwrap_or_default();
            // Ghostscript may still be writing: wait until the size holds and it is complete.
            if last_size == Some(bytes.len()) && bytes.windows(5).any(|w| w == b"%%EOF") {
                return (path, bytes);
            }
            last_size = Some(bytes.len());
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    panic!("no {prefix}*.pdf appeared in {dirs:?} within 30 s (see /var/log/cups/error_log)");
}

/// The printed page as a person reads it: rendered at 300 dpi, then OCR.
fn ocr(pdf_path: &Path) -> String {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page");
    let status = Command::new("pdftoppm")
        .args([
            "-q",
            "-gray",
            "-r",
            "300",
            "-singlefile",
            "-f",
            "1",
            "-l",
            "1",
        ])
        .arg(pdf_path)
        .arg(&page)
        .status()
        .unwrap();
    assert!(status.success());
    let output = Command::new("tesseract")
        .arg(dir.path().join("page.pgm"))
        .args(["-", "-l", "rus+eng"])
        .output()
        .expect("tesseract is needed (scripts/ensure-cups.sh installs it)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
#[ignore = "needs CUPS and the ClinicDeskPDF queue: bash scripts/ensure-cups.sh"]
fn prints_through_the_cups_pdf_queue() {
    let printers = list_printers().unwrap();
    assert!(
        printers.iter().any(|p| p.name == QUEUE),
        "{QUEUE} not among {printers:?}; run scripts/ensure-cups.sh"
    );

    let rx = sample_prescription().unwrap();
    assert_eq!(rx.patient.name, "Анна Кузнецова");
    let pdf = render_prescription(&rx).unwrap();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    // Letters and digits only: cups-pdf derives the file name from the title.
    let title = format!("clinicdeskcupstest{}x{nanos}", std::process::id());
    let job = print_pdf(&pdf, Some(QUEUE), &title).unwrap();
    assert!(job.starts_with(&format!("{QUEUE}-")), "job id {job:?}");

    let (path, printed) = wait_for_output(&title);
    let printed_info = info(&printed);
    assert!(
        printed_info.contains("Pages:           1"),
        "{printed_info}"
    );
    assert!(
        printed_info.contains("(A4)"),
        "printed on other paper: {printed_info}"
    );
    // The logo and the signature reached the paper as images (not a rasterized page).
    assert_eq!(images(&printed).len(), 2, "{}", path.display());

    let layer = text(&printed);
    let read = if layer.contains("Анна Кузнецова") {
        layer
    } else {
        ocr(&path)
    };
    for expected in ["Анна Кузнецова", "K7Q-000123-X", "7KQ2-M9XD", "MD-448812"] {
        assert!(
            read.contains(expected),
            "{expected:?} not on the printed page ({}):\n{read}",
            path.display()
        );
    }
    std::fs::remove_file(&path).ok();
}

/// Prints `pdf` to the queue under a unique title and returns cups-pdf's file.
fn print_and_collect(pdf: &[u8], kind: &str, options: &PrintOptions) -> (PathBuf, Vec<u8>) {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    // Letters and digits only: cups-pdf derives the file name from the title.
    let title = format!("clinicdesk{kind}{}x{nanos}", std::process::id());
    let job = print_pdf_with(pdf, Some(QUEUE), &title, options).unwrap();
    assert!(job.starts_with(&format!("{QUEUE}-")), "job id {job:?}");
    wait_for_output(&title)
}

/// Hungarian accents folded away: tesseract's English model reads "Kovács" as "Kovacs".
fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'á' => 'a',
            'é' => 'e',
            'í' => 'i',
            'ó' | 'ö' | 'ő' => 'o',
            'ú' | 'ü' | 'ű' => 'u',
            c => c,
        })
        .collect()
}

/// The printed page's words, from its text layer when that is readable, else by OCR.
fn read_printed(path: &Path, printed: &[u8], probe: &str) -> String {
    let layer = text(printed);
    if layer.contains(probe) {
        layer
    } else {
        ocr(path)
    }
}

/// (width, height) in points from pdfinfo's "Page size:" line.
fn printed_size(printed: &[u8]) -> (f32, f32) {
    let info = info(printed);
    let line = info
        .lines()
        .find_map(|l| l.strip_prefix("Page size:"))
        .unwrap();
    let numbers: Vec<f32> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    (numbers[0], numbers[1])
}

#[test]
#[ignore = "needs CUPS and the ClinicDeskPDF queue: bash scripts/ensure-cups.sh"]
fn prints_an_invoice_and_an_80_mm_roll_receipt_through_the_cups_pdf_queue() {
    let printers = list_printers().unwrap();
    assert!(
        printers.iter().any(|p| p.name == QUEUE),
        "{QUEUE} not among {printers:?}; run scripts/ensure-cups.sh"
    );

    // The invoice: one A4 page with the logo, and its figures legible.
    let invoice = sample_invoice(PaperSize::A4);
    assert_eq!(invoice.bill_to.name, "Zsófia Kovács-Nagy");
    let pdf = render_invoice(&invoice).unwrap();
    let (path, printed) = print_and_collect(&pdf, "invoice", &PrintOptions::default());
    let printed_info = info(&printed);
    assert!(
        printed_info.contains("Pages:           1"),
        "{printed_info}"
    );
    assert!(
        printed_info.contains("(A4)"),
        "printed on other paper: {printed_info}"
    );
    assert_eq!(images(&printed).len(), 1, "{}", path.display());
    let read = fold(&read_printed(&path, &printed, "INV-K7Q-000042"));
    for expected in [
        "Zsófia Kovács-Nagy",
        "INV-K7Q-000042",
        // Figures one by one: OCR may read "10 %" as "10%" between them.
        "€1,341.25",
        "€1,101.50",
        "€110.15",
        "RCT-K7Q-000017",
        "Balance due",
        "€541.25",
    ] {
        assert!(
            read.contains(&fold(expected)),
            "{expected:?} not on the printed invoice ({}):\n{read}",
            path.display()
        );
    }
    std::fs::remove_file(&path).ok();

    // The receipt on the roll: asked for a page of its own size, it keeps it.
    let receipt = render_receipt(&sample_receipt(ReceiptPaper::Roll80mm)).unwrap();
    let (width_mm, height_mm) = page_size_mm(&receipt).unwrap();
    assert!((width_mm - 80.0).abs() < 0.01, "{width_mm}");
    let options = PrintOptions {
        media_mm: Some((width_mm, height_mm)),
    };
    let (path, printed) = print_and_collect(&receipt, "receipt", &options);
    assert!(
        info(&printed).contains("Pages:           1"),
        "{}",
        info(&printed)
    );
    let (w, h) = printed_size(&printed);
    let mm = 72.0 / 25.4;
    // cups-pdf rounds the page to whole points.
    assert!((w - 80.0 * mm).abs() < 1.5, "printed {w} pt wide");
    assert!(
        (h - height_mm * mm).abs() < 1.5,
        "printed {h} pt long, sent {height_mm} mm"
    );
    let read = fold(&read_printed(&path, &printed, "RCT-K7Q-000017"));
    for expected in [
        "Receipt",
        "RCT-K7Q-000017",
        "Zsófia Kovács-Nagy",
        "INV-K7Q-000042",
        "Amount received",
        "€500.00",
        "€841.25",
    ] {
        assert!(
            read.contains(&fold(expected)),
            "{expected:?} not on the printed receipt ({}):\n{read}",
            path.display()
        );
    }
    std::fs::remove_file(&path).ok();
}

#[test]
#[ignore = "needs CUPS: bash scripts/ensure-cups.sh"]
fn an_unknown_queue_is_refused_with_what_cups_said() {
    let err = print_pdf(b"%PDF-1.4\n", Some("NoSuchClinicDeskQueue"), "nothing").unwrap_err();
    assert!(matches!(err, PdfError::PrintRefused(_)), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("does not exist"),
        "lp's reason is missing: {message}"
    );
}
