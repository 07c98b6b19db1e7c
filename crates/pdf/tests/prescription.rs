//! The printed prescription, read back as a pharmacist (pdftotext) would read it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use clinicdesk_pdf::samples::{png_from_rgba, sample_logo_png, sample_signature_png};
use clinicdesk_pdf::{render_prescription, PaperSize, PdfError};
use common::{boxes, images, info, item, page_count, page_text, prescription, text, words};

/// Collapses whitespace so wrapped lines compare as one line.
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_cyrillic_patient_and_everything_a_pharmacist_needs_are_printed() {
    let pdf = render_prescription(&prescription("Анна Кузнецова")).unwrap();
    let all = flat(&text(&pdf));
    for expected in [
        "Riverside Family Clinic",
        "12 Harbour Street",
        "Phone: +1 555 0100",
        "Email: reception@riverside.example",
        "Prescription",
        "Date: 02/12/2025 10:42",
        "Анна Кузнецова",
        "K7Q-000123-X",
        "Date of birth: 14/03/1985 (40 years)",
        "Sex: Female",
        "Allergies: Penicillin, Latex",
        "1. Amoxicillin 500 mg capsule",
        "2. Metformin 850 mg tablet",
        "Dose: 1 tablet · Route: oral · Frequency: twice daily · Duration: 10 days",
        "Quantity: 30 capsules · Refills: 0",
        "Quantity: 60 tablets · Refills: 3",
        "Instructions: Take with food.",
        "Instructions: Swallow whole.",
        "Review in two weeks.",
        "Dr. Maria Rossi",
        "General practice",
        "Licence no.: MD-448812",
        "Verification code: 7KQ2-M9XD",
    ] {
        assert!(all.contains(expected), "{expected:?} missing from:\n{all}");
    }
    // The code is in the prescriber block and in the footer of the page.
    assert_eq!(all.matches("7KQ2-M9XD").count(), 2, "{all}");
    assert!(!all.contains("No known allergies"));
    // Items appear in the prescribed order.
    let first = all.find("Amoxicillin").unwrap();
    let second = all.find("Metformin").unwrap();
    assert!(first < second);
}

#[test]
fn accented_latin_and_greek_names_come_back_exactly() {
    for name in [
        "Zsófia Kovács-Nagy",
        "Γιώργος Παπαδόπουλος",
        "Ørjan Åberg-Łukasz",
    ] {
        let pdf = render_prescription(&prescription(name)).unwrap();
        let all = flat(&text(&pdf));
        // Once in the patient block, once in the footer.
        assert_eq!(all.matches(name).count(), 2, "{name}: {all}");
    }
}

#[test]
fn a_patient_without_allergies_is_marked_no_known_allergies() {
    let mut rx = prescription("John Smith");
    rx.patient.allergies = vec![];
    let all = flat(&text(&render_prescription(&rx).unwrap()));
    assert!(all.contains("No known allergies"), "{all}");
    assert!(!all.contains("Allergies:"), "{all}");

    // Blank entries are not an allergy list either.
    rx.patient.allergies = vec!["  ".into()];
    let all = flat(&text(&render_prescription(&rx).unwrap()));
    assert!(all.contains("No known allergies"), "{all}");
}

#[test]
fn the_allergies_line_is_set_bold_and_larger_than_body_text() {
    let pdf = render_prescription(&prescription("Анна Кузнецова")).unwrap();
    let (_, words) = boxes(&pdf);
    let height = |w: &str| {
        let word = words.iter().find(|x| x.text.starts_with(w)).unwrap();
        word.y_max - word.y_min
    };
    // "Penicillin" (allergy) against "Review" (a body-text note).
    assert!(height("Penicillin") > height("Review") * 1.05);
}

#[test]
fn logo_and_signature_are_embedded_as_images() {
    let mut rx = prescription("Анна Кузнецова");
    let without = render_prescription(&rx).unwrap();
    assert!(images(&without).is_empty());

    rx.letterhead.logo = Some(sample_logo_png().unwrap());
    rx.prescriber.signature = Some(sample_signature_png().unwrap());
    let pdf = render_prescription(&rx).unwrap();
    let mut found = images(&pdf);
    found.sort();
    assert_eq!(found, vec![(160, 160), (360, 110)]);
    // Transparency is flattened onto white: a soft mask would make PostScript print paths
    // rasterize the whole page, text included.
    assert_eq!(common::soft_masks(&pdf), 0);
    // The text is unaffected by the images beside it.
    let all = flat(&text(&pdf));
    assert!(all.contains("Riverside Family Clinic") && all.contains("Licence no.: MD-448812"));
}

#[test]
fn a_jpeg_logo_and_a_tiny_png_signature_are_accepted() {
    let jpeg = {
        let pixels: Vec<u8> = (0..40 * 20)
            .flat_map(|i| [(i % 255) as u8, 90, 160])
            .collect();
        let raw = printpdf::RawImage {
            pixels: printpdf::RawImageData::U8(pixels),
            width: 40,
            height: 20,
            data_format: printpdf::RawImageFormat::RGB8,
            tag: Vec::new(),
        };
        raw.encode_to_bytes(&[printpdf::OutputImageFormat::Jpeg])
            .unwrap()
            .0
    };
    assert!(jpeg.starts_with(&[0xFF, 0xD8]));
    let tiny_png = png_from_rgba(2, 1, vec![0, 0, 0, 255, 0, 0, 0, 0]).unwrap();
    let mut rx = prescription("Анна Кузнецова");
    rx.letterhead.logo = Some(jpeg);
    rx.prescriber.signature = Some(tiny_png);
    let pdf = render_prescription(&rx).unwrap();
    let mut found = images(&pdf);
    found.sort();
    assert_eq!(found, vec![(2, 1), (40, 20)]);
}

#[test]
fn a_corrupt_logo_or_signature_is_an_error_naming_it() {
    let png = sample_logo_png().unwrap();
    let truncated = png[..png.len() / 2].to_vec();
    let mut garbage = b"\x89PNG\r\n\x1a\n".to_vec();
    garbage.extend_from_slice(&[0x55; 64]);

    for (bytes, why) in [
        (truncated, "truncated PNG"),
        (garbage, "PNG signature, garbage after"),
        (b"GIF89a....".to_vec(), "not PNG or JPEG"),
        (Vec::new(), "empty"),
    ] {
        let mut rx = prescription("Анна Кузнецова");
        rx.letterhead.logo = Some(bytes.clone());
        match render_prescription(&rx) {
            Err(e @ PdfError::Image { .. }) => {
                assert!(e.to_string().contains("clinic logo"), "{why}: {e}");
                assert_eq!(e.code(), "invalid_image");
            }
            other => panic!("{why}: expected an image error, got {other:?}"),
        }

        let mut rx = prescription("Анна Кузнецова");
        rx.prescriber.signature = Some(bytes);
        match render_prescription(&rx) {
            Err(e @ PdfError::Image { .. }) => {
                assert!(e.to_string().contains("signature"), "{why}: {e}")
            }
            other => panic!("{why}: expected an image error, got {other:?}"),
        }
    }
}

#[test]
fn a4_and_letter_paper_are_honoured() {
    let mut rx = prescription("Анна Кузнецова");
    rx.paper = PaperSize::A4;
    let a4 = info(&render_prescription(&rx).unwrap());
    assert!(
        a4.contains("Page size:       595.276 x 841.89 pts (A4)"),
        "{a4}"
    );
    rx.paper = PaperSize::Letter;
    let letter = info(&render_prescription(&rx).unwrap());
    assert!(
        letter.contains("Page size:       612 x 792 pts (letter)"),
        "{letter}"
    );
}

#[test]
fn a_prescription_without_items_is_refused() {
    let mut rx = prescription("Анна Кузнецова");
    rx.items.clear();
    assert!(matches!(
        render_prescription(&rx),
        Err(PdfError::InvalidLayout(_))
    ));
}

#[test]
fn a_long_prescription_continues_on_more_pages_and_every_page_names_the_patient() {
    let mut rx = prescription("Анна Кузнецова");
    rx.items = (1..=24)
        .map(|i| {
            item(
                &format!("Medication number {i} 10 mg tablet"),
                "20 tablets",
                1,
                "Take with water.",
            )
        })
        .collect();
    let pdf = render_prescription(&rx).unwrap();
    let pages = page_count(&pdf);
    assert!(pages >= 2, "24 items fit on one page?");
    for page in 1..=pages {
        let t = flat(&page_text(&pdf, page));
        assert!(
            t.contains(&format!("Page {page} of {pages}")),
            "page {page}: {t}"
        );
        assert!(
            t.contains("Анна Кузнецова (K7Q-000123-X)"),
            "page {page}: {t}"
        );
        assert!(
            t.contains("Verification code: 7KQ2-M9XD"),
            "page {page}: {t}"
        );
        // Continuation pages say what they continue; the first page has the letterhead.
        let continued =
            "Prescription for Анна Кузнецова (MRN K7Q-000123-X), 02/12/2025 10:42 · continued";
        assert_eq!(t.contains(continued), page > 1, "page {page}: {t}");
    }
    // Every item is printed exactly once, none lost at a page break.
    let all = flat(&text(&pdf));
    for i in 1..=24 {
        assert_eq!(
            all.matches(&format!("Medication number {i} 10 mg")).count(),
            1,
            "item {i}"
        );
    }
    // The prescriber signs once, on the last page, below the last item.
    let last = flat(&page_text(&pdf, pages));
    assert!(last.contains("Licence no.: MD-448812"));
    assert!(last.find("Medication number 24").unwrap() < last.find("Dr. Maria Rossi").unwrap());
    assert_eq!(all.matches("MD-448812").count(), 1);
}

#[test]
fn the_prescriber_block_sits_at_the_bottom_of_the_page_above_the_footer() {
    let pdf = render_prescription(&prescription("Анна Кузнецова")).unwrap();
    let (pages, words) = boxes(&pdf);
    let licence = words.iter().find(|w| w.text == "MD-448812").unwrap();
    let footer = words.iter().find(|w| w.text == "Page").unwrap();
    let height = pages[0].height;
    assert!(
        licence.y_max > height * 0.8,
        "licence at {} of {height}",
        licence.y_max
    );
    assert!(
        licence.y_max < footer.y_min,
        "the prescriber block overlaps the footer"
    );
}

#[test]
fn no_word_is_lost_or_runs_past_the_margins() {
    let mut rx = prescription("Анна Кузнецова");
    let long = "Apply a thin layer to the affected skin of both forearms twice daily, morning and evening, after washing and drying gently; avoid the eyes, mouth and broken skin; wash hands afterwards unless the hands are being treated; stop and call the clinic if redness or swelling spreads";
    rx.items[0].instructions = long.into();
    rx.notes = Some("Pseudomonas-aeruginosa-culture-reference-AB12345678901234567890-requested-by-the-laboratory-for-follow-up".into());
    let pdf = render_prescription(&rx).unwrap();
    let all = words(&pdf).join(" ");
    assert!(all.contains(long), "{all}");
    // The unbreakable note comes back whole once the line breaks are removed.
    let joined: String = text(&pdf).split_whitespace().collect();
    assert!(joined.contains("Pseudomonas-aeruginosa-culture-reference-AB12345678901234567890-requested-by-the-laboratory-for-follow-up"));
    let (pages, boxes) = boxes(&pdf);
    let right = pages[0].width - 18.0 * common::MM;
    for w in &boxes {
        assert!(
            w.x_max <= right + 0.5,
            "{:?} ends at {} past {right}",
            w.text,
            w.x_max
        );
        assert!(
            w.x_min >= 18.0 * common::MM - 0.5,
            "{:?} starts in the margin",
            w.text
        );
    }
}

#[test]
fn without_a_verification_code_no_empty_code_line_is_printed() {
    let mut rx = prescription("Анна Кузнецова");
    rx.verification_code = "  ".into();
    let all = flat(&text(&render_prescription(&rx).unwrap()));
    assert!(!all.contains("Verification code"), "{all}");
    assert!(all.contains("Licence no.: MD-448812"), "{all}");
}
