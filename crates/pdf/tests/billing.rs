//! The billing documents read back as a patient, an accountant or a cashier would
//! (pdftotext, pdfinfo): invoices and credit notes, receipts on paper and on an 80 mm
//! roll, and the cash closing report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use clinicdesk_pdf::samples::{sample_closing, sample_credit_note, sample_invoice, sample_receipt};
use clinicdesk_pdf::{
    render_closing_report, render_invoice, render_receipt, DocLine, PaperSize, PartyBlock,
    PdfError, ReceiptKind, ReceiptPaper,
};
use common::{
    boxes, info, layout_text, page_count, page_layout_text, page_letters, page_text, text, MM,
};

/// Collapses whitespace so wrapped lines compare as one line.
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first line of `pdftotext -layout` output that starts with `label`, its spacing
/// collapsed: a label and its amount printed side by side come back on one line.
fn line_with(layout: &str, label: &str) -> String {
    layout
        .lines()
        .map(flat)
        .find(|l| l.starts_with(label))
        .unwrap_or_else(|| panic!("no line starting {label:?} in:\n{layout}"))
}

/// Whether some line of `pdftotext -layout` output reads exactly `expected`.
fn has_line(layout: &str, expected: &str) -> bool {
    layout.lines().any(|l| flat(l) == expected)
}

/// Every page's (width, height) in points, from pdfinfo.
fn page_sizes(pdf: &[u8]) -> Vec<(f32, f32)> {
    let pages = page_count(pdf);
    let (found, _) = boxes(pdf);
    assert_eq!(found.len(), pages);
    found.iter().map(|p| (p.width, p.height)).collect()
}

const PAPERS: [(PaperSize, &str); 2] = [
    (PaperSize::A4, "Page size:       595.276 x 841.89 pts (A4)"),
    (PaperSize::Letter, "Page size:       612 x 792 pts (letter)"),
];

#[test]
fn an_invoice_prints_every_field_on_a4_and_letter() {
    for (paper, size) in PAPERS {
        let doc = sample_invoice(paper);
        let pdf = render_invoice(&doc).unwrap();
        assert!(info(&pdf).contains(size), "{paper:?}: {}", info(&pdf));
        let all = flat(&text(&pdf));
        for expected in [
            "Riverside Family Clinic",
            "12 Harbour Street, Suite 4",
            "Phone: +1 555 0100",
            "Email: billing@riverside-clinic.example",
            "Invoice",
            "INV-K7Q-000042",
            "Date: 3 December 2026",
            "Due: 17 December 2026",
            "Doctor: Dr. Giulia Rossi",
            "Visit: 3 December 2026, cardiology",
            "Bill to",
            "Zsófia Kovács-Nagy",
            "MRN K7Q-000123-X",
            "Váci utca 12, 2. em. 4",
            "1052 Budapest, Hungary",
            "+36 30 123 4567",
            "Tax breakdown",
            "Payments",
            "VISA •••• 4821, auth 083145",
            "RCT-K7Q-000017",
            "RCT-K7Q-000023",
            "In words: One thousand three hundred forty-one euros and twenty-five cents",
            "Please quote the invoice number with your payment.",
            "Payment due within 14 days",
        ] {
            assert!(
                all.contains(expected),
                "{paper:?}: {expected:?} missing:\n{all}"
            );
        }
        assert!(
            !all.contains("DRAFT"),
            "an issued invoice says DRAFT: {all}"
        );

        // Each line, total, tax row and payment reads across with its figures.
        let layout = layout_text(&pdf);
        for (label, figures) in [
            (
                "Specialist consultation — cardiology",
                "1 €150.00 VAT 10 % €150.00",
            ),
            (
                "Transthoracic echocardiography",
                "1 €220.00 10 % VAT 10 % €198.00",
            ),
            (
                "Holter monitor rental (24 h)",
                "2 €35.00 −€10.00 VAT 20 % €60.00",
            ),
            ("Compression stockings", "2 €24.00 VAT 20 % €48.00"),
            ("Subtotal", "€1,241.50"),
            ("Discounts", "−€32.00"),
            ("Total €", "€1,341.25"),
            ("VAT 10 % €1,101.50", "€110.15"),
            ("3 December 2026 Card", "RCT-K7Q-000017 €500.00"),
            ("10 December 2026 Bank transfer", "RCT-K7Q-000023 €300.00"),
            ("Balance due", "€541.25"),
        ] {
            let line = line_with(&layout, label);
            assert!(line.contains(figures), "{paper:?}: {label:?} → {line:?}");
        }
        assert!(line_with(&layout, "VAT 20 % €108.00").ends_with("€21.60"));
        assert!(has_line(&layout, "VAT €131.75"), "{layout}");
        // The footer names the document on every page.
        for page in 1..=page_count(&pdf) {
            let t = flat(&page_text(&pdf, page));
            assert!(t.contains("Invoice INV-K7Q-000042 · Payment due"), "{t}");
        }
    }
}

#[test]
fn numbers_are_right_aligned_and_the_total_is_emphasised() {
    let pdf = render_invoice(&sample_invoice(PaperSize::A4)).unwrap();
    let (pages, words) = boxes(&pdf);
    let right = pages[0].width - 18.0 * MM;
    let find = |w: &str| words.iter().find(|x| x.text == w).unwrap();
    // The amounts column and the totals end at the same edge, near the right margin.
    let edges: Vec<f32> = ["€150.00", "€48.00", "€1,241.50", "€1,341.25", "€541.25"]
        .iter()
        .map(|w| {
            words
                .iter()
                .filter(|x| x.text == *w)
                .map(|x| x.x_max)
                .fold(0.0, f32::max)
        })
        .collect();
    for edge in &edges[2..] {
        assert!((edge - right).abs() < 1.0, "{edges:?} against {right}");
    }
    for edge in &edges[..2] {
        assert!((right - edge) < 4.0 * MM, "{edges:?}");
    }
    let height = |w: &str| {
        let word = find(w);
        word.y_max - word.y_min
    };
    assert!(height("€1,341.25") > height("€1,241.50") * 1.1);
}

#[test]
fn a_credit_note_looks_like_an_invoice_and_names_what_it_credits() {
    for (paper, size) in PAPERS {
        let pdf = render_invoice(&sample_credit_note(paper)).unwrap();
        assert!(info(&pdf).contains(size), "{}", info(&pdf));
        let all = flat(&text(&pdf));
        for expected in [
            "Credit note",
            "CN-K7Q-000007",
            "Date: 4 December 2026",
            "Credits invoice: INV-K7Q-000041",
            "Reason: Echocardiography charged twice",
            "Анна Петрова",
            "MRN K7Q-000311-M",
            "ул. Садовая, д. 15, кв. 8",
            "191023 Санкт-Петербург",
            "MASTERCARD •••• 1177",
            "Minus two hundred seventeen euros and eighty cents",
        ] {
            assert!(all.contains(expected), "{expected:?} missing:\n{all}");
        }
        let layout = layout_text(&pdf);
        for (label, figures) in [
            (
                "Transthoracic echocardiography",
                "−1 €220.00 10 % VAT 10 % −€198.00",
            ),
            ("Subtotal", "−€220.00"),
            ("Total credited", "−€217.80"),
            ("VAT 10 % −€198.00", "−€19.80"),
            ("4 December 2026 Card refund", "RCT-K7Q-000019 −€217.80"),
            ("Refunded in full", "€0.00"),
        ] {
            let line = line_with(&layout, label);
            assert!(line.contains(figures), "{label:?} → {line:?}");
        }
        assert!(all.contains("Credit note CN-K7Q-000007 · Riverside Family Clinic"));
    }
}

#[test]
fn a_long_invoice_repeats_its_table_header_and_numbers_its_pages() {
    let mut doc = sample_invoice(PaperSize::A4);
    let sample = doc.lines.clone();
    doc.lines = (1..=80)
        .map(|i| DocLine {
            description: format!("Service item {i:02} {}", sample[i % 7].description),
            ..sample[i % 7].clone()
        })
        .collect();
    let pdf = render_invoice(&doc).unwrap();
    let pages = page_count(&pdf);
    assert!(pages >= 3, "80 lines on {pages} pages");
    let mut last_line_page = 0;
    for page in 1..=pages {
        let t = flat(&page_text(&pdf, page));
        assert!(
            t.contains(&format!("Page {page} of {pages}")),
            "page {page}: {t}"
        );
        assert!(t.contains("Invoice INV-K7Q-000042"), "page {page}: {t}");
        let continued =
            "Riverside Family Clinic · Invoice INV-K7Q-000042 · Zsófia Kovács-Nagy · continued";
        assert_eq!(t.contains(continued), page > 1, "page {page}: {t}");
        if t.contains("Service item") {
            last_line_page = page;
            let layout = page_layout_text(&pdf, page);
            let lines: Vec<String> = layout.lines().map(flat).collect();
            let header = "Description Qty Unit price Discount Tax Amount";
            let count = lines.iter().filter(|l| *l == header).count();
            assert_eq!(count, 1, "page {page} has no table header:\n{layout}");
            let at = lines.iter().position(|l| l == header);
            let first = lines.iter().position(|l| l.starts_with("Service item"));
            assert!(
                at < first,
                "page {page}: a line before the header:\n{layout}"
            );
        }
    }
    assert!(last_line_page >= 2);
    // Every line exactly once; the totals after the last line.
    let all = flat(&text(&pdf));
    for i in 1..=80 {
        assert_eq!(
            all.matches(&format!("Service item {i:02} ")).count(),
            1,
            "line {i}"
        );
    }
    assert!(all.find("Service item 80").unwrap() < all.find("Subtotal").unwrap());
    assert_eq!(all.matches("€1,341.25").count(), 1);
}

#[test]
fn a_draft_prints_draft_and_its_watermark_and_an_issued_invoice_neither() {
    let mut doc = sample_invoice(PaperSize::A4);
    doc.number = String::new();
    doc.watermark = Some("DRAFT — NOT AN INVOICE".into());
    doc.lines = (0..40).map(|i| doc.lines[i % 7].clone()).collect();
    let pdf = render_invoice(&doc).unwrap();
    let pages = page_count(&pdf);
    assert!(pages >= 2);
    for page in 1..=pages {
        assert!(
            page_letters(&pdf, page).contains("DRAFT—NOTANINVOICE"),
            "no watermark on page {page}"
        );
    }
    let all = flat(&text(&pdf));
    assert!(all.contains("Invoice DRAFT"), "{all}");
    assert!(!all.contains("INV-K7Q-000042"), "{all}");

    let issued = render_invoice(&sample_invoice(PaperSize::A4)).unwrap();
    assert!(!page_letters(&issued, 1).contains("NOTANINVOICE"));
    // A blank watermark is no watermark.
    let mut blank = sample_invoice(PaperSize::A4);
    blank.watermark = Some("  ".into());
    assert_eq!(
        page_letters(&render_invoice(&blank).unwrap(), 1),
        page_letters(&issued, 1)
    );
}

#[test]
fn columns_nobody_uses_are_left_out() {
    let mut doc = sample_invoice(PaperSize::A4);
    for line in &mut doc.lines {
        line.discount = String::new();
        line.tax = String::new();
    }
    doc.taxes.clear();
    doc.payments.clear();
    doc.balance = None;
    let pdf = render_invoice(&doc).unwrap();
    let all = flat(&text(&pdf));
    let layout = layout_text(&pdf);
    assert!(
        has_line(&layout, "Description Qty Unit price Amount"),
        "{layout}"
    );
    for gone in ["Discount ", "Tax breakdown", "Payments", "Balance due"] {
        assert!(!all.contains(gone), "{gone:?} printed: {all}");
    }
    assert!(all.contains("Subtotal") && all.contains("€1,341.25"));
}

#[test]
fn documents_that_cannot_be_printed_are_refused_with_what_is_wrong() {
    let mut doc = sample_invoice(PaperSize::A4);
    doc.lines.clear();
    match render_invoice(&doc) {
        Err(e @ PdfError::InvalidLayout(_)) => {
            assert!(
                e.to_string()
                    .contains("invoice INV-K7Q-000042 has no lines"),
                "{e}"
            );
            assert_eq!(e.code(), "invalid_layout");
        }
        other => panic!("expected an invalid layout, got {other:?}"),
    }
    let mut note = sample_credit_note(PaperSize::A4);
    note.lines.clear();
    note.number = String::new();
    let e = render_invoice(&note).unwrap_err();
    assert!(
        e.to_string().contains("credit note DRAFT has no lines"),
        "{e}"
    );

    let e = render_invoice(&sample_invoice(PaperSize::ROLL_80MM)).unwrap_err();
    assert!(
        matches!(e, PdfError::InvalidLayout(_)) && e.to_string().contains("roll"),
        "{e}"
    );
    let e = render_closing_report(&sample_closing(PaperSize::ROLL_80MM)).unwrap_err();
    assert!(e.to_string().contains("roll"), "{e}");

    let mut receipt = sample_receipt(ReceiptPaper::Roll80mm);
    receipt.amount = " ".into();
    let e = render_receipt(&receipt).unwrap_err();
    assert!(
        e.to_string()
            .contains("receipt RCT-K7Q-000017 has no amount"),
        "{e}"
    );

    let mut doc = sample_invoice(PaperSize::A4);
    doc.letterhead.logo = Some(b"not an image".to_vec());
    let e = render_invoice(&doc).unwrap_err();
    assert!(e.to_string().contains("clinic logo"), "{e}");
}

const RECEIPT_FIELDS: [&str; 14] = [
    "Riverside Family Clinic",
    "Receipt",
    "RCT-K7Q-000017",
    "3 December 2026 14:05",
    "Received from",
    "Zsófia Kovács-Nagy",
    "MRN K7Q-000123-X",
    "Váci utca 12, 2. em. 4",
    "INV-K7Q-000042",
    "VISA •••• 4821, auth 083145",
    "€500.00",
    "Five hundred euros",
    "€841.25",
    "Received by: Mónika Szabó",
];

#[test]
fn a_receipt_on_a4_and_letter_prints_every_field() {
    for (paper, size) in PAPERS {
        let pdf = render_receipt(&sample_receipt(ReceiptPaper::Page(paper))).unwrap();
        assert!(info(&pdf).contains(size), "{}", info(&pdf));
        assert_eq!(page_count(&pdf), 1);
        let all = flat(&text(&pdf));
        for expected in RECEIPT_FIELDS {
            assert!(
                all.contains(expected),
                "{paper:?}: {expected:?} missing:\n{all}"
            );
        }
        let layout = layout_text(&pdf);
        for (label, value) in [
            ("Invoice ", "INV-K7Q-000042"),
            ("Payment method", "Card"),
            ("Amount received", "€500.00"),
            ("Invoice total", "€1,341.25"),
            ("Balance after payment", "€841.25"),
        ] {
            let line = line_with(&layout, label);
            assert!(line.contains(value), "{label:?} → {line:?}");
        }
    }
}

#[test]
fn a_refund_receipt_says_refunded() {
    let mut doc = sample_receipt(ReceiptPaper::Roll80mm);
    doc.kind = ReceiptKind::Refund;
    doc.title = String::new();
    doc.amount = "−€217.80".into();
    let pdf = render_receipt(&doc).unwrap();
    let all = flat(&text(&pdf));
    assert!(line_with(&layout_text(&pdf), "Amount refunded").ends_with("−€217.80"));
    for expected in [
        "Refund receipt",
        "Refunded to",
        "Balance after refund",
        "Refunded by: Mónika Szabó",
    ] {
        assert!(all.contains(expected), "{expected:?} missing:\n{all}");
    }
    assert!(!all.contains("Received from"), "{all}");
}

#[test]
fn an_80_mm_roll_receipt_is_one_narrow_page_as_long_as_its_content() {
    let doc = sample_receipt(ReceiptPaper::Roll80mm);
    let pdf = render_receipt(&doc).unwrap();
    assert_eq!(page_count(&pdf), 1);
    let (width, height) = page_sizes(&pdf)[0];
    assert!((width - 80.0 * MM).abs() < 0.1, "width {width}");
    assert!(
        info(&pdf).contains("Page size:       226.772 x "),
        "{}",
        info(&pdf)
    );
    let all = flat(&text(&pdf));
    for expected in RECEIPT_FIELDS {
        assert!(all.contains(expected), "{expected:?} missing:\n{all}");
    }
    assert!(!all.contains("Page 1"), "a roll has no page numbers: {all}");

    // Every word inside the 4 mm margins; the last one just above the bottom margin.
    let (_, words) = boxes(&pdf);
    for w in &words {
        assert!(
            w.x_min >= 4.0 * MM - 0.5 && w.x_max <= width - 4.0 * MM + 0.5,
            "{w:?}"
        );
    }
    let lowest = words.iter().map(|w| w.y_max).fold(0.0, f32::max);
    assert!(
        lowest < height - 3.0 * MM,
        "{lowest} of {height}: cut through the text"
    );
    assert!(
        lowest > height - 8.0 * MM,
        "{lowest} of {height}: blank paper at the end"
    );
    let top = words.iter().map(|w| w.y_min).fold(f32::MAX, f32::min);
    assert!(top > 4.0 * MM - 0.5, "{top}");

    // A receipt with less on it is a shorter page; with more, a longer one.
    let mut short = doc.clone();
    short.letterhead.logo = None;
    short.received_from = PartyBlock {
        name: "Анна Петрова".into(),
        lines: vec!["MRN K7Q-000311-M".into()],
    };
    short.reference = String::new();
    short.amount_in_words = None;
    let short_pdf = render_receipt(&short).unwrap();
    let (short_w, short_h) = page_sizes(&short_pdf)[0];
    assert!(flat(&text(&short_pdf)).contains("Анна Петрова"));
    let mut long = doc.clone();
    long.received_from.lines = (1..=12).map(|i| format!("Address line {i}")).collect();
    long.amount_in_words = Some("Five hundred euros, paid by card at the front desk after the consultation and the echocardiography".into());
    let (long_w, long_h) = page_sizes(&render_receipt(&long).unwrap())[0];
    assert_eq!((short_w, long_w), (width, width));
    assert!(
        short_h + 30.0 < height,
        "short {short_h} vs sample {height}"
    );
    assert!(
        long_h > height + 8.0 * 8.5 + 10.0,
        "long {long_h} vs sample {height}"
    );
}

#[test]
fn a_closing_report_lists_the_methods_the_cash_count_and_every_payment() {
    for (paper, size) in PAPERS {
        let doc = sample_closing(paper);
        let pdf = render_closing_report(&doc).unwrap();
        assert!(info(&pdf).contains(size), "{}", info(&pdf));
        let all = flat(&text(&pdf));
        for expected in [
            "Cash closing report",
            "Desk: Front desk 1",
            "Period: 3 December 2026, 08:00 – 18:30",
            "Closed by: Mónika Szabó",
            "Closed at: 3 December 2026 18:32",
            "By payment method",
            "Cash drawer",
            "Note: Opening float €200.00.",
            "Transfer from Анна Петрова",
            "Checked by",
        ] {
            assert!(
                all.contains(expected),
                "{paper:?}: {expected:?} missing:\n{all}"
            );
        }
        let layout = layout_text(&pdf);
        for (label, figures) in [
            ("Cash 10", "€1,000.00"),
            ("Bank transfer 5", "€450.00"),
            ("Total 25", "€2,500.00"),
            ("Expected cash", "€1,200.00"),
            ("Counted cash", "€1,195.00"),
            ("Difference", "−€5.00"),
        ] {
            let line = line_with(&layout, label);
            assert!(line.contains(figures), "{label:?} → {line:?}");
        }
        let note = doc.note.as_deref().unwrap();
        for payment in &doc.payments {
            let expected = 1 + usize::from(note.contains(&payment.receipt));
            let found = all.matches(&payment.receipt).count();
            assert_eq!(found, expected, "{}", payment.receipt);
        }
        let pages = page_count(&pdf);
        for page in 1..=pages {
            let t = flat(&page_text(&pdf, page));
            assert!(t.contains(&format!("Page {page} of {pages}")), "{t}");
        }
        // The signature lines come once, after the last payment.
        let last = flat(&page_text(&pdf, pages));
        assert!(last.find("RCT-K7Q-000054").unwrap() < last.find("Checked by").unwrap());
    }
}
