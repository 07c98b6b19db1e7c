//! The layout helper: page breaks, repeated table headers, page numbers, wrapping that
//! keeps every word inside the margins, alignment, images, paper sizes, errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use clinicdesk_pdf::layout::{Align, Cell, Column, Image, Layout, Margins, PaperSize, Table, Text};
use clinicdesk_pdf::samples::{png_from_rgba, sample_logo_png};
use clinicdesk_pdf::PdfError;
use common::{
    boxes, fonts, images, info, layout_text, page_count, page_letters, page_text, text, MM,
};

const MARGIN: f32 = 18.0 * MM;

/// A 90-row table of visits: each row has a unique reference and a reason long enough to
/// wrap in its column on some rows.
fn visits_table(rows: usize) -> Table {
    let mut table = Table::new(vec![
        Column::new("Reference", 0.16),
        Column::new("Patient", 0.3),
        Column::new("Reason for visit", 0.39),
        Column::new("Amount", 0.15).align(Align::Right),
    ]);
    for i in 1..=rows {
        let reason = if i % 3 == 0 {
            "Follow-up of hypertension with medication review and a repeat blood test"
        } else {
            "Vaccination"
        };
        table = table.row([
            format!("R{i:03}"),
            [
                "Анна Кузнецова",
                "Zsófia Kovács-Nagy",
                "Γιώργος Παπαδόπουλος",
            ][i % 3]
                .to_string(),
            reason.to_string(),
            format!("{}.50", 10 + i),
        ]);
    }
    table
}

fn table_document(rows: usize) -> Vec<u8> {
    let mut d = Layout::new(PaperSize::A4, "Visits");
    d.set_footer_text("Riverside Family Clinic · visits report");
    d.heading("Visits in November");
    d.table(&visits_table(rows));
    d.finish().unwrap()
}

#[test]
fn a_long_table_spans_pages_with_its_header_on_each_and_page_numbers() {
    let pdf = table_document(90);
    let pages = page_count(&pdf);
    assert!(pages >= 3, "90 rows on {pages} pages");
    for page in 1..=pages {
        let t = page_text(&pdf, page);
        assert_eq!(
            t.matches("Reason for visit").count(),
            1,
            "header on page {page}:\n{t}"
        );
        assert_eq!(
            t.matches(&format!("Page {page} of {pages}")).count(),
            1,
            "page {page}"
        );
        assert!(
            t.contains("Riverside Family Clinic · visits report"),
            "footer text on page {page}"
        );
        // The header comes before the page's first row.
        let header = t.find("Reference").unwrap();
        let first_row = t.find("R0").unwrap();
        assert!(
            header < first_row,
            "page {page} starts with a row, then the header"
        );
    }
    assert_eq!(text(&pdf).matches("Visits in November").count(), 1);
}

#[test]
fn every_table_row_is_printed_once_in_order_with_its_cells_in_their_columns() {
    let pdf = table_document(90);
    let all = text(&pdf);
    let mut last = 0;
    for i in 1..=90 {
        let reference = format!("R{i:03}");
        assert_eq!(all.matches(&reference).count(), 1, "{reference}");
        let at = all.find(&reference).unwrap();
        assert!(at > last, "{reference} out of order");
        last = at;
    }

    let (pages, words) = boxes(&pdf);
    let content = pages[0].width - 2.0 * MARGIN;
    // Column edges from the fractions; wrapped reasons stay inside their column.
    let reason_left = MARGIN + 0.46 * content;
    let reason_right = MARGIN + 0.85 * content;
    for w in words
        .iter()
        .filter(|w| ["hypertension", "medication", "review", "repeat"].contains(&w.text.as_str()))
    {
        assert!(
            w.x_min >= reason_left && w.x_max <= reason_right,
            "{w:?} outside the reason column"
        );
    }
    // Amounts are right-aligned: they all end at the same x, inside the right padding.
    let amounts: Vec<f32> = words
        .iter()
        .filter(|w| w.text.ends_with(".50"))
        .map(|w| w.x_max)
        .collect();
    assert_eq!(amounts.len(), 90);
    let right = pages[0].width - MARGIN;
    for x in &amounts {
        assert!(
            (x - amounts[0]).abs() < 0.5,
            "amounts not aligned: {x} vs {}",
            amounts[0]
        );
        assert!(
            *x <= right && *x > right - 3.0 * MM,
            "amount ends at {x}, content ends at {right}"
        );
    }
}

#[test]
fn a_long_paragraph_keeps_every_word_inside_the_margins() {
    let sentence = "The patient reports intermittent epigastric discomfort after meals, relieved by antacids, without weight loss, dysphagia or melaena; examination shows mild tenderness only.";
    let paragraph = [sentence; 30].join(" ");
    let unbreakable = "https://records.riverside-clinic.example/patients/K7Q-000123-X/encounters/2025-12-02/attachments/ultrasound-report-final-signed.pdf";
    let mut d = Layout::new(PaperSize::Letter, "Notes");
    d.paragraph(&paragraph);
    d.paragraph(unbreakable);
    let pdf = d.finish().unwrap();

    let words: Vec<String> = text(&pdf).split_whitespace().map(str::to_string).collect();
    let expected: Vec<&str> = paragraph.split_whitespace().collect();
    let printed: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .take(expected.len())
        .collect();
    assert_eq!(printed, expected, "words lost or reordered");
    let rest: String = words[expected.len()..]
        .iter()
        .filter(|w| !w.starts_with("Page") && !w.contains("of") && w.parse::<u32>().is_err())
        .map(String::as_str)
        .collect();
    assert_eq!(
        rest, unbreakable,
        "the long word was not kept whole across lines"
    );

    let (pages, boxes) = boxes(&pdf);
    assert!(pages.len() >= 2, "30 sentences should not fit on one page");
    for w in &boxes {
        assert!(
            w.x_max <= pages[0].width - MARGIN + 0.5,
            "{:?} ends at {} (page {})",
            w.text,
            w.x_max,
            w.page
        );
        assert!(
            w.x_min >= MARGIN - 0.5,
            "{:?} starts in the left margin",
            w.text
        );
        assert!(
            w.y_max <= pages[0].height - 12.0 * MM,
            "{:?} runs into the bottom margin",
            w.text
        );
    }
    // The text really fills the line: some line ends close to the right margin.
    let widest = boxes.iter().map(|w| w.x_max).fold(0.0, f32::max);
    assert!(
        widest > pages[0].width - MARGIN - 15.0,
        "lines end at {widest}: wrapping far too early"
    );
}

#[test]
fn right_and_centred_text_are_aligned_to_the_content_box() {
    let mut d = Layout::new(PaperSize::A4, "Alignment");
    d.text(Text::new("Rightmost").align(Align::Right));
    d.text(Text::new("Middle").align(Align::Center).size(14.0));
    d.text(Text::new("Leftmost"));
    let pdf = d.finish().unwrap();
    let (pages, words) = boxes(&pdf);
    let find = |t: &str| words.iter().find(|w| w.text == t).unwrap();
    let width = pages[0].width;
    assert!((find("Rightmost").x_max - (width - MARGIN)).abs() < 0.6);
    let middle = find("Middle");
    assert!(((middle.x_min + middle.x_max) / 2.0 - width / 2.0).abs() < 0.6);
    assert!((find("Leftmost").x_min - MARGIN).abs() < 0.6);
}

#[test]
fn bold_text_is_measured_with_the_bold_font() {
    // Bold DejaVu is wider than regular: if it were measured with regular widths, a bold
    // right-aligned line would overflow the margin.
    let mut d = Layout::new(PaperSize::A4, "Bold");
    d.text(
        Text::new("WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW")
            .bold()
            .align(Align::Right),
    );
    let pdf = d.finish().unwrap();
    let (pages, words) = boxes(&pdf);
    for w in &words {
        assert!(w.x_max <= pages[0].width - MARGIN + 0.6, "{w:?}");
        assert!(w.x_min >= MARGIN - 0.6, "{w:?}");
    }
    let joined: String = words
        .iter()
        .filter(|w| w.text.starts_with('W'))
        .map(|w| w.text.as_str())
        .collect();
    assert_eq!(joined.len(), 57);
}

#[test]
fn key_values_columns_and_rules_render_in_reading_order() {
    let mut d = Layout::new(PaperSize::A4, "Summary");
    d.key_value("Patient", "Анна Кузнецова");
    d.key_value("Address", "Flat 4, 12 Harbour Street, Riverside 4021, a long address that has to wrap inside its value column without touching the label");
    d.rule(0.5, 0.5);
    d.columns(vec![
        Cell::new(1.0).text(Text::new("Left column")),
        Cell::new(1.0).text(Text::new("Right column").align(Align::Right)),
    ]);
    let pdf = d.finish().unwrap();
    let t = layout_text(&pdf);
    let line_of = |needle: &str| {
        t.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_default()
            .to_string()
    };
    assert!(line_of("Patient").contains("Анна Кузнецова"), "{t}");
    assert!(line_of("Address").contains("Flat 4"), "{t}");
    assert!(line_of("Left column").contains("Right column"), "{t}");
    let flat = t.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("without touching the label"), "{t}");
    let (pages, words) = boxes(&pdf);
    // 30 % of the width left after the 4 mm gutter, then the gutter.
    let value_left = MARGIN + 0.3 * (pages[0].width - 2.0 * MARGIN - 4.0 * MM) + 4.0 * MM;
    let address_words = ["Flat", "Harbour", "wrap", "label"];
    for w in words
        .iter()
        .filter(|w| address_words.contains(&w.text.as_str()))
    {
        assert!(w.x_min >= value_left - 0.6, "{w:?} is in the label column");
    }
}

#[test]
fn a4_and_letter_pages_have_their_sizes() {
    for (paper, expected) in [
        (PaperSize::A4, "Page size:       595.276 x 841.89 pts (A4)"),
        (PaperSize::Letter, "Page size:       612 x 792 pts (letter)"),
    ] {
        let mut d = Layout::new(paper, "Size");
        d.paragraph("Hello");
        let pdf = d.finish().unwrap();
        assert!(info(&pdf).contains(expected), "{paper:?}: {}", info(&pdf));
    }
}

#[test]
fn images_are_embedded_and_scaled_into_their_box_keeping_their_shape() {
    // A 40 × 10 px image (4:1) in a 50 × 50 mm box must come out 50 × 12.5 mm.
    let wide = png_from_rgba(40, 10, vec![30; 40 * 10 * 4]).unwrap();
    let mut d = Layout::new(PaperSize::A4, "Images");
    d.image(
        Image::decode("banner", &wide).unwrap(),
        50.0,
        50.0,
        Align::Left,
    );
    d.paragraph("Below the image");
    d.image(
        Image::decode("clinic logo", &sample_logo_png().unwrap()).unwrap(),
        20.0,
        20.0,
        Align::Right,
    );
    let pdf = d.finish().unwrap();
    let mut found = images(&pdf);
    found.sort();
    assert_eq!(found, vec![(40, 10), (160, 160)]);
    // The text after the banner starts below it (12.5 mm image from the 16 mm top margin).
    let (_, words) = boxes(&pdf);
    let below = words.iter().find(|w| w.text == "Below").unwrap();
    assert!(
        below.y_min >= (16.0 + 12.5) * MM - 0.5,
        "text overlaps the image: {below:?}"
    );
    assert!(
        below.y_min <= (16.0 + 12.5 + 6.0) * MM,
        "image taller than its aspect ratio: {below:?}"
    );
}

#[test]
fn a_bad_image_is_an_error_naming_it() {
    let err = Image::decode("referral letterhead", b"\xFF\xD8\xFFnot really a jpeg").unwrap_err();
    assert!(matches!(err, PdfError::Image { .. }));
    assert!(err.to_string().contains("referral letterhead"), "{err}");
}

#[test]
fn an_invalid_table_makes_finish_fail_with_the_reason() {
    let mut d = Layout::new(PaperSize::A4, "Broken");
    d.table(&Table::new(vec![Column::new("A", 0.5), Column::new("B", 0.5)]).row(["only one cell"]));
    let err = d.finish().unwrap_err();
    assert!(matches!(err, PdfError::InvalidLayout(_)));
    assert!(err.to_string().contains("row 1 has 1 cells"), "{err}");

    let mut d = Layout::new(PaperSize::A4, "Broken");
    d.table(&Table::new(vec![Column::new("A", 0.0)]));
    assert!(d.finish().unwrap_err().to_string().contains("column \"A\""));
}

#[test]
fn fonts_are_subset_so_documents_stay_small() {
    // Full DejaVu Sans regular + bold are about 1.4 MB; subset, a page of text is tens of KB.
    let pdf = table_document(40);
    assert!(pdf.len() < 80_000, "{} bytes: fonts not subset?", pdf.len());
    let faces = fonts(&pdf);
    assert_eq!(faces.len(), 2, "{faces:?}");
    for face in &faces {
        // name, type (2 words), encoding, emb, sub, uni
        let cols: Vec<&str> = face.split_whitespace().collect();
        assert!(cols[0].contains("+DejaVuSans"), "{face}");
        assert_eq!(
            &cols[4..7],
            ["yes", "yes", "yes"],
            "embedded, subset, with ToUnicode: {face}"
        );
    }
}

#[test]
fn characters_the_font_lacks_are_marked_not_dropped() {
    // DejaVu Sans has no CJK: the name must not silently lose characters.
    let mut d = Layout::new(PaperSize::A4, "Missing glyphs");
    d.paragraph("Patient: 李雷 Wang");
    let t = text(&d.finish().unwrap());
    assert!(t.contains("Patient: \u{FFFD}\u{FFFD} Wang"), "{t:?}");
}

#[test]
fn margins_can_be_changed() {
    let margins = Margins {
        left: 40.0,
        ..Margins::default()
    };
    let mut d = Layout::new(PaperSize::A4, "Margins").with_margins(margins);
    d.paragraph("Indented");
    let (_, words) = boxes(&d.finish().unwrap());
    assert!((words[0].x_min - 40.0 * MM).abs() < 0.6, "{:?}", words[0]);
}

#[test]
fn a_watermark_is_on_every_page_behind_the_text() {
    let mut d = Layout::new(PaperSize::A4, "Draft");
    d.set_watermark("DRAFT NOT VALID");
    d.table(&visits_table(60));
    let pdf = d.finish().unwrap();
    let pages = page_count(&pdf);
    assert!(pages >= 2);
    for page in 1..=pages {
        let letters = page_letters(&pdf, page);
        assert!(letters.contains("DRAFTNOTVALID"), "page {page}: {letters}");
        // The table is still there on top of it.
        assert!(
            page_text(&pdf, page).contains("Reason for visit"),
            "page {page}"
        );
    }
}

/// (width, height) in points of each page.
fn sizes(pdf: &[u8]) -> Vec<(f32, f32)> {
    boxes(pdf).0.iter().map(|p| (p.width, p.height)).collect()
}

#[test]
fn a_roll_page_is_as_tall_as_its_content_without_page_numbers() {
    let roll = |paragraphs: usize, footer: Option<&str>| {
        let mut d = Layout::new(PaperSize::ROLL_80MM, "Slip");
        if let Some(text) = footer {
            d.set_footer_text(text);
        }
        for i in 1..=paragraphs {
            d.paragraph(&format!("Line {i}: Анна Кузнецова"));
        }
        // Nothing to push to on a roll: no blank paper before the signature.
        d.columns_at_bottom(vec![Cell::new(1.0).text(Text::new("Signed"))]);
        d.finish().unwrap()
    };
    let (short, long) = (roll(1, None), roll(10, None));
    let (short_size, long_size) = (sizes(&short), sizes(&long));
    assert_eq!((short_size.len(), long_size.len()), (1, 1));
    let ((w, short_h), (_, long_h)) = (short_size[0], long_size[0]);
    assert!((w - 80.0 * MM).abs() < 0.1, "{w}");
    // Nine more lines of 10 pt text (12.5 pt each) and the space after them (2 mm).
    let grown = long_h - short_h;
    assert!((grown - 9.0 * (12.5 + 2.0 * MM)).abs() < 1.0, "{grown}");
    // 4 mm margins, one line, space, the signature line: a couple of centimetres.
    assert!(short_h < 30.0 * MM, "{short_h}");
    let t = text(&long);
    assert!(t.contains("Line 10: Анна Кузнецова") && t.contains("Signed"));
    assert!(!t.contains("Page 1"), "{t}");
    let (_, words) = boxes(&long);
    let signed = words.iter().find(|w| w.text == "Signed").unwrap();
    assert!(signed.y_max > long_h - 8.0 * MM && signed.y_max < long_h - 3.0 * MM);

    // With footer text, the footer sits below the content, still without page numbers.
    let footed = roll(1, Some("Thank you · Riverside Family Clinic"));
    let (_, footed_h) = sizes(&footed)[0];
    assert!((footed_h - short_h - 9.0 * MM).abs() < 0.5, "{footed_h}");
    let t = text(&footed);
    assert!(t.contains("Thank you · Riverside Family Clinic") && !t.contains("Page 1"));
}

#[test]
fn a_roll_longer_than_the_longest_page_continues_on_a_second_cut_page() {
    let mut d = Layout::new(PaperSize::Roll { width_mm: 58 }, "Long slip");
    for i in 1..=600 {
        d.text(Text::new(format!("Row {i}")));
    }
    let pdf = d.finish().unwrap();
    let found = sizes(&pdf);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!((found[0].0 - 58.0 * MM).abs() < 0.1);
    assert!((found[0].1 - 2000.0 * MM).abs() < 0.5, "{found:?}");
    assert!(found[1].1 < found[0].1 / 2.0, "{found:?}");
    let t = text(&pdf);
    assert!(t.contains("Row 1\n") && t.contains("Row 600"));
}
