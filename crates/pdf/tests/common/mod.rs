//! Reading rendered PDFs back with poppler-utils (pdftotext, pdfinfo, pdfimages), the way
//! a person or a pharmacy's software would see them.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::Command;

use clinicdesk_pdf::prescription::{
    Letterhead, PatientBlock, Prescriber, Prescription, PrescriptionItem,
};
use clinicdesk_pdf::PaperSize;

fn run(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let mut file = tempfile::Builder::new().suffix(".pdf").tempfile().unwrap();
    file.write_all(pdf).unwrap();
    let path = file.path().to_str().unwrap().to_string();
    let mut all: Vec<&str> = args.to_vec();
    all.push(&path);
    if tool == "pdftotext" {
        all.push("-");
    }
    let output = Command::new(tool)
        .args(&all)
        .output()
        .unwrap_or_else(|e| panic!("{tool} is needed (apt install poppler-utils): {e}"));
    assert!(
        output.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The document's text in reading order.
pub fn text(pdf: &[u8]) -> String {
    run("pdftotext", &[], pdf)
}

/// The text laid out as on the page (`pdftotext -layout`): columns side by side.
pub fn layout_text(pdf: &[u8]) -> String {
    run("pdftotext", &["-layout"], pdf)
}

/// One page (1-based) laid out as on the page (`pdftotext -layout`).
pub fn page_layout_text(pdf: &[u8], page: usize) -> String {
    let p = page.to_string();
    run("pdftotext", &["-layout", "-f", &p, "-l", &p], pdf)
}

/// The fonts table of `pdffonts`, without its two header lines.
pub fn fonts(pdf: &[u8]) -> Vec<String> {
    run("pdffonts", &[], pdf)
        .lines()
        .skip(2)
        .map(str::to_string)
        .collect()
}

/// The text of one page in content-stream order (`pdftotext -raw`), whitespace removed:
/// rotated text (a watermark) comes back letter by letter otherwise.
pub fn page_letters(pdf: &[u8], page: usize) -> String {
    let p = page.to_string();
    run("pdftotext", &["-raw", "-f", &p, "-l", &p], pdf)
        .split_whitespace()
        .collect()
}

/// The text of one page (1-based).
pub fn page_text(pdf: &[u8], page: usize) -> String {
    let p = page.to_string();
    run("pdftotext", &["-f", &p, "-l", &p], pdf)
}

/// The text with line breaks and hyphen-free wraps undone: all words separated by spaces.
pub fn words(pdf: &[u8]) -> Vec<String> {
    text(pdf).split_whitespace().map(str::to_string).collect()
}

pub fn info(pdf: &[u8]) -> String {
    run("pdfinfo", &[], pdf)
}

pub fn page_count(pdf: &[u8]) -> usize {
    info(pdf)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// (width, height) of each embedded image, from `pdfimages -list` (soft masks left out).
pub fn images(pdf: &[u8]) -> Vec<(u32, u32)> {
    run("pdfimages", &["-list"], pdf)
        .lines()
        .skip(2)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split_whitespace().collect();
            (cols.get(2) == Some(&"image"))
                .then(|| (cols[3].parse().unwrap(), cols[4].parse().unwrap()))
        })
        .collect()
}

/// How many soft masks (transparency) the document's images carry.
pub fn soft_masks(pdf: &[u8]) -> usize {
    run("pdfimages", &["-list"], pdf)
        .lines()
        .filter(|l| l.split_whitespace().nth(2) == Some("smask"))
        .count()
}

/// A word with its box in points (origin top left), as poppler found it.
#[derive(Debug, Clone)]
pub struct Word {
    pub page: usize,
    pub text: String,
    pub x_min: f32,
    pub x_max: f32,
    pub y_min: f32,
    pub y_max: f32,
}

pub struct Page {
    pub width: f32,
    pub height: f32,
}

fn attr(tag: &str, name: &str) -> f32 {
    let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
    let end = start + tag[start..].find('"').unwrap();
    tag[start..end].parse().unwrap()
}

/// Every word with its bounding box (`pdftotext -bbox`), and the page sizes.
pub fn boxes(pdf: &[u8]) -> (Vec<Page>, Vec<Word>) {
    let html = run("pdftotext", &["-bbox"], pdf);
    let (mut pages, mut words) = (Vec::new(), Vec::new());
    for line in html.lines().map(str::trim) {
        if line.starts_with("<page ") {
            pages.push(Page {
                width: attr(line, "width"),
                height: attr(line, "height"),
            });
        } else if line.starts_with("<word ") {
            let text_start = line.find('>').unwrap() + 1;
            let text_end = line.rfind("</word>").unwrap();
            let text = line[text_start..text_end]
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
            words.push(Word {
                page: pages.len(),
                text,
                x_min: attr(line, "xMin"),
                x_max: attr(line, "xMax"),
                y_min: attr(line, "yMin"),
                y_max: attr(line, "yMax"),
            });
        }
    }
    (pages, words)
}

pub const MM: f32 = 72.0 / 25.4;

pub fn item(
    medication: &str,
    quantity: &str,
    refills: u32,
    instructions: &str,
) -> PrescriptionItem {
    PrescriptionItem {
        medication: medication.into(),
        dose: "1 tablet".into(),
        route: "oral".into(),
        frequency: "twice daily".into(),
        duration: "10 days".into(),
        quantity: quantity.into(),
        refills,
        instructions: instructions.into(),
    }
}

/// A prescription without images for `patient`.
pub fn prescription(patient: &str) -> Prescription {
    Prescription {
        letterhead: Letterhead {
            name: "Riverside Family Clinic".into(),
            address_lines: vec!["12 Harbour Street".into(), "Riverside 4021".into()],
            phone: "+1 555 0100".into(),
            email: "reception@riverside.example".into(),
            logo: None,
        },
        prescriber: Prescriber {
            name: "Dr. Maria Rossi".into(),
            licence_number: "MD-448812".into(),
            specialization: Some("General practice".into()),
            signature: None,
        },
        patient: PatientBlock {
            name: patient.into(),
            mrn: "K7Q-000123-X".into(),
            date_of_birth: "14/03/1985".into(),
            age: "40 years".into(),
            sex: "Female".into(),
            allergies: vec!["Penicillin".into(), "Latex".into()],
        },
        issued: "02/12/2025 10:42".into(),
        items: vec![
            item(
                "Amoxicillin 500 mg capsule",
                "30 capsules",
                0,
                "Take with food.",
            ),
            item("Metformin 850 mg tablet", "60 tablets", 3, "Swallow whole."),
        ],
        notes: Some("Review in two weeks.".into()),
        verification_code: "7KQ2-M9XD".into(),
        paper: PaperSize::A4,
        watermark: None,
    }
}
