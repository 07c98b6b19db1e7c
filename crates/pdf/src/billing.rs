//! The printed billing documents: invoices and credit notes, payment and refund receipts
//! (on a page or an 80 mm receipt roll), and the end-of-day cash closing report.
//!
//! As with the prescription, every field is a string the caller has already formatted
//! (money in the clinic's currency and locale, dates in its zone and language). Nothing is
//! parsed or added up here, so the paper shows exactly the figures the books hold. Blank
//! optional strings are left out rather than printed as empty labels.

use crate::layout::{Align, Cell, Column, Layout, PaperSize, Table, Text, GUTTER_MM};
use crate::{Letterhead, PdfError};

/// A person or organisation on a document: the patient billed, the payer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PartyBlock {
    /// Printed bold, e.g. "Zsófia Kovács-Nagy".
    pub name: String,
    /// Printed under the name in this order, e.g. "MRN K7Q-000123-X", address lines,
    /// phone, a tax number. Blank lines are left out.
    pub lines: Vec<String>,
}

/// One line of an invoice or credit note.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DocLine {
    /// What was provided, e.g. "Specialist consultation — cardiology"; wraps.
    pub description: String,
    /// e.g. "1", "2", "0.5 h".
    pub quantity: String,
    /// Price of one unit, e.g. "€150.00".
    pub unit_price: String,
    /// "" for none, "10 %" or "−€10.00". The column is left out when every line's is blank.
    pub discount: String,
    /// The line's tax, e.g. "VAT 10 %", "Exempt". Left out when every line's is blank.
    pub tax: String,
    /// The line's amount as it counts towards the subtotal, e.g. "€198.00".
    pub amount: String,
}

/// One row of the tax breakdown: everything taxed at one rate.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TaxRow {
    /// e.g. "VAT 10 %".
    pub label: String,
    /// The taxable amount at this rate, e.g. "€1,101.50".
    pub base: String,
    /// The tax at this rate, e.g. "€110.15".
    pub tax: String,
}

/// A labelled amount in a totals block ("Subtotal", "Total", "Balance due").
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TotalRow {
    pub label: String,
    pub amount: String,
    /// Set in bold, larger, below a rule: the total, the balance due.
    pub emphasis: bool,
}

/// A payment (or refund) applied to a document, or taken at the desk.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PaymentRow {
    /// e.g. "3 December 2026" or "14:05".
    pub date: String,
    /// e.g. "Card", "Cash", "Bank transfer".
    pub method: String,
    /// The card authorisation, transfer reference…; may be blank.
    pub reference: String,
    /// The receipt number, e.g. "RCT-K7Q-000017"; may be blank.
    pub receipt: String,
    /// e.g. "€500.00", "−€217.80" for a refund.
    pub amount: String,
}

/// Which billing document an [`InvoiceDoc`] is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DocKind {
    #[default]
    Invoice,
    /// Reverses (part of) an invoice; name the credited invoice in [`InvoiceDoc::meta`].
    CreditNote,
}

impl DocKind {
    fn noun(self) -> &'static str {
        match self {
            DocKind::Invoice => "invoice",
            DocKind::CreditNote => "credit note",
        }
    }

    fn default_title(self) -> &'static str {
        match self {
            DocKind::Invoice => "Invoice",
            DocKind::CreditNote => "Credit note",
        }
    }
}

/// An invoice or a credit note, as printed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InvoiceDoc {
    pub kind: DocKind,
    pub letterhead: Letterhead,
    /// The document's name as printed, e.g. "Invoice", "Credit note", "Számla"; blank
    /// prints the English name of `kind`.
    pub title: String,
    /// e.g. "INV-K7Q-000042"; blank for a draft, which prints "DRAFT" instead.
    pub number: String,
    /// Labelled facts under the number, in order: ("Date", "3 December 2026"),
    /// ("Doctor", "Dr. Giulia Rossi"), ("Credits invoice", "INV-K7Q-000041"),
    /// ("Reason", "…"). Pairs with a blank value are left out.
    pub meta: Vec<(String, String)>,
    /// Who is billed: printed under "Bill to".
    pub bill_to: PartyBlock,
    /// At least one; the table continues over pages with its header repeated.
    pub lines: Vec<DocLine>,
    /// The tax breakdown table; empty leaves it out (a tax-free invoice).
    pub taxes: Vec<TaxRow>,
    /// The totals block under the lines, in order: "Subtotal", "Discounts", "VAT",
    /// "Total" (emphasised)…
    pub totals: Vec<TotalRow>,
    /// Payments and refunds applied so far; empty leaves the section out.
    pub payments: Vec<PaymentRow>,
    /// After the payments: "Balance due" or "Paid in full", usually emphasised.
    pub balance: Option<TotalRow>,
    /// e.g. "One thousand three hundred forty-one euros and twenty-five cents".
    pub amount_in_words: Option<String>,
    pub notes: Option<String>,
    /// Printed in every page's footer beside the document number: "Prices include VAT",
    /// payment terms, bank details (two short lines at most).
    pub footer: Option<String>,
    /// A4 or Letter; a receipt roll is refused.
    pub paper: PaperSize,
    /// Across every page of a document that is not (yet) valid: "DRAFT — NOT AN
    /// INVOICE". An issued document has none.
    pub watermark: Option<String>,
}

/// What a receipt is printed on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReceiptPaper {
    /// A sheet of A4 or Letter (or any [`PaperSize::Roll`], printed as a roll).
    Page(PaperSize),
    /// An 80 mm thermal roll: one page exactly as long as the receipt.
    Roll80mm,
}

impl Default for ReceiptPaper {
    fn default() -> ReceiptPaper {
        ReceiptPaper::Page(PaperSize::A4)
    }
}

impl ReceiptPaper {
    fn paper_size(self) -> PaperSize {
        match self {
            ReceiptPaper::Page(paper) => paper,
            ReceiptPaper::Roll80mm => PaperSize::ROLL_80MM,
        }
    }
}

/// Whether a receipt is for money taken or money given back; it picks the labels
/// ("Received from" or "Refunded to", …).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReceiptKind {
    #[default]
    Payment,
    Refund,
}

/// A receipt for one payment or refund.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReceiptDoc {
    pub kind: ReceiptKind,
    pub letterhead: Letterhead,
    /// e.g. "Receipt", "Refund receipt"; blank prints "Receipt" or "Refund receipt".
    pub title: String,
    /// e.g. "RCT-K7Q-000017".
    pub number: String,
    /// When the money changed hands, e.g. "3 December 2026 14:05".
    pub date: String,
    /// The payer (or, for a refund, who was refunded).
    pub received_from: PartyBlock,
    /// The invoice (or credit note) paid; blank leaves the row out.
    pub invoice_number: String,
    /// e.g. "Card", "Cash".
    pub method: String,
    /// e.g. "VISA •••• 4821, auth 083145"; blank leaves the row out.
    pub reference: String,
    /// The amount received or refunded, e.g. "€500.00". Required.
    pub amount: String,
    /// e.g. "Five hundred euros".
    pub amount_in_words: Option<String>,
    /// The invoice's total; blank leaves the row out.
    pub invoice_total: String,
    /// What is still due on the invoice after this payment; blank leaves the row out.
    pub balance_after: String,
    /// The staff member who took the payment.
    pub received_by: String,
    pub paper: ReceiptPaper,
}

/// The end-of-day cash closing report of one desk.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClosingDoc {
    pub letterhead: Letterhead,
    /// e.g. "Cash closing report"; blank prints that.
    pub title: String,
    /// e.g. "Front desk 1".
    pub desk: String,
    pub closed_by: String,
    /// e.g. "3 December 2026 18:32".
    pub closed_at: String,
    /// e.g. "3 December 2026, 08:00 – 18:30".
    pub period: String,
    /// (method, number of payments, amount), e.g. ("Card", "14", "€2,310.50"). A
    /// ("Total", …) row, when wanted, is the caller's last row.
    pub by_method: Vec<(String, String, String)>,
    /// Cash the drawer should hold (opening float plus cash taken, minus cash refunded).
    pub expected_cash: String,
    pub counted_cash: String,
    /// Counted minus expected, e.g. "−€5.00"; printed emphasised.
    pub difference: String,
    /// Why the drawer is off, who was told…
    pub note: Option<String>,
    /// Every payment and refund of the period.
    pub payments: Vec<PaymentRow>,
    /// A4 or Letter; a receipt roll is refused.
    pub paper: PaperSize,
}

fn non_blank(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}

fn opt_non_blank(s: &Option<String>) -> Option<&str> {
    s.as_deref().and_then(non_blank)
}

/// "Label: value", never broken between label and value; a short value not at all.
fn label_value(label: &str, value: &str) -> Text {
    let value = value.trim();
    let value = if value.chars().count() <= 24 {
        value.replace(' ', "\u{a0}")
    } else {
        value.to_string()
    };
    Text::new("")
        .then_bold(format!("{}:", label.trim()))
        .then(format!("\u{a0}{value}"))
}

/// The party block: a small grey label, the name in bold, then its lines.
fn party_cell(width: f32, label: &str, party: &PartyBlock, name_size: f32, size: f32) -> Cell {
    let mut cell = Cell::new(width)
        .text(Text::new(label).size(size - 1.5).gray(0.35))
        .text(Text::new(party.name.trim()).bold().size(name_size));
    for line in party.lines.iter().filter_map(|l| non_blank(l)) {
        cell = cell.text(Text::new(line).size(size).gray(0.1));
    }
    cell
}

/// The totals box: a column `BOX` of the content width at the right, labels at its left
/// edge and amounts at its right.
const BOX: f32 = 0.46;

/// Cells for one row of the totals box: a spacer, the label, the amount. Widths are in
/// millimetres (the layout scales weights, and these add up to the usable width), so the
/// label starts exactly where [`box_cells`] puts a full-width cell.
fn box_row(d: &Layout, label: Cell, amount: Cell) -> Vec<Cell> {
    let width = d.content_width_mm();
    let inner = width * BOX - GUTTER_MM;
    vec![
        Cell::new(width * (1.0 - BOX) - GUTTER_MM),
        Cell {
            width: inner * 0.56,
            ..label
        },
        Cell {
            width: inner * 0.44,
            ..amount
        },
    ]
}

/// A single cell spanning the totals box.
fn box_cells(d: &Layout, cell: Cell) -> Vec<Cell> {
    let width = d.content_width_mm();
    vec![
        Cell::new(width * (1.0 - BOX) - GUTTER_MM),
        Cell {
            width: width * BOX,
            ..cell
        },
    ]
}

fn total_row(d: &mut Layout, row: &TotalRow) {
    let (size, style): (f32, fn(Text) -> Text) = if row.emphasis {
        (12.0, Text::bold)
    } else {
        (10.0, |t| t)
    };
    if row.emphasis {
        d.space(0.6);
        let rule = box_cells(d, Cell::new(1.0).rule(0.8, 0.2));
        d.columns(rule);
    }
    let label = Cell::new(1.0).text(style(Text::new(row.label.trim()).size(size)));
    let amount =
        Cell::new(1.0).text(style(Text::new(row.amount.trim()).size(size)).align(Align::Right));
    let cells = box_row(d, label, amount);
    d.columns(cells);
    d.space(if row.emphasis { 1.2 } else { 0.4 });
}

fn totals_block(d: &mut Layout, rows: &[TotalRow]) {
    // Kept together: a total cut from its subtotal reads as a different figure.
    d.ensure_space(rows.len() as f32 * 6.0 + 4.0);
    for row in rows {
        total_row(d, row);
    }
}

/// A small bold section title, kept with the `keep_mm` of what follows it.
fn section(d: &mut Layout, title: &str, keep_mm: f32) {
    d.space(4.0);
    d.ensure_space(keep_mm + 6.0);
    d.text(Text::new(title).bold().size(10.5));
    d.space(1.2);
}

fn payments_table(payments: &[PaymentRow]) -> Table {
    let show =
        |field: fn(&PaymentRow) -> &String| payments.iter().any(|p| non_blank(field(p)).is_some());
    let (reference, receipt) = (show(|p| &p.reference), show(|p| &p.receipt));
    let mut columns = vec![Column::new("Date", 0.2), Column::new("Method", 0.16)];
    if reference {
        columns.push(Column::new("Reference", 0.32));
    }
    if receipt {
        columns.push(Column::new("Receipt", 0.18));
    }
    columns.push(Column::new("Amount", 0.14).align(Align::Right));
    let mut table = Table::new(columns);
    for p in payments {
        let mut row = vec![p.date.clone(), p.method.clone()];
        if reference {
            row.push(p.reference.clone());
        }
        if receipt {
            row.push(p.receipt.clone());
        }
        row.push(p.amount.clone());
        table.rows.push(row);
    }
    table
}

fn refuse_roll(paper: PaperSize, what: &str) -> Result<(), PdfError> {
    if paper.is_roll() {
        return Err(PdfError::InvalidLayout(format!(
            "{what} cannot be printed on a receipt roll; use A4 or Letter"
        )));
    }
    Ok(())
}

/// Renders an invoice or a credit note as PDF bytes. Fails with
/// [`PdfError::InvalidLayout`] for a document without lines or on a receipt roll, and with
/// [`PdfError::Image`] for a logo that is not a readable PNG/JPEG.
pub fn render_invoice(doc: &InvoiceDoc) -> Result<Vec<u8>, PdfError> {
    let noun = doc.kind.noun();
    let number = non_blank(&doc.number).unwrap_or("DRAFT");
    if doc.lines.is_empty() {
        return Err(PdfError::InvalidLayout(format!(
            "{noun} {number} has no lines; it needs at least one"
        )));
    }
    refuse_roll(doc.paper, &format!("{noun} {number}"))?;
    let title = non_blank(&doc.title).unwrap_or(doc.kind.default_title());

    let mut d = Layout::new(doc.paper, &format!("{title} {number}"));
    // Every page names the document, so a loose page can be put back.
    let mut footer = format!("{title} {number}");
    if let Some(text) = opt_non_blank(&doc.footer) {
        footer.push_str(" · ");
        footer.push_str(text);
    }
    d.set_footer_text(footer);
    d.set_running_header(format!(
        "{} · {title} {number} · {} · continued",
        doc.letterhead.name.trim(),
        doc.bill_to.name.trim()
    ));
    if let Some(mark) = opt_non_blank(&doc.watermark) {
        d.set_watermark(mark);
    }
    doc.letterhead.draw(&mut d)?;

    d.space(4.0);
    let mut heading = Cell::new(0.5)
        .text(Text::new(title).bold().size(20.0).align(Align::Right))
        .text(Text::new(number).bold().size(12.0).align(Align::Right))
        .space(2.0);
    for (label, value) in &doc.meta {
        if non_blank(value).is_some() {
            heading = heading.text(label_value(label, value).size(9.5).align(Align::Right));
        }
    }
    d.columns(vec![
        party_cell(0.5, "Bill to", &doc.bill_to, 12.0, 9.5),
        heading,
    ]);

    d.space(5.0);
    d.table(&lines_table(&doc.lines));
    d.space(3.0);
    totals_block(&mut d, &doc.totals);
    if let Some(words) = opt_non_blank(&doc.amount_in_words) {
        let text = Cell::new(1.0).text(
            Text::new("")
                .then_bold("In words: ")
                .then(words)
                .size(8.5)
                .gray(0.2),
        );
        let cells = box_cells(&d, text);
        d.columns(cells);
    }

    if !doc.taxes.is_empty() {
        section(&mut d, "Tax breakdown", 12.0);
        let mut table = Table::new(vec![
            Column::new("Tax", 0.5),
            Column::new("Taxable amount", 0.25).align(Align::Right),
            Column::new("Tax amount", 0.25).align(Align::Right),
        ]);
        for row in &doc.taxes {
            table = table.row([&row.label, &row.base, &row.tax].map(|s| s.trim().to_string()));
        }
        d.table(&table);
    }

    if !doc.payments.is_empty() {
        section(&mut d, "Payments", 12.0);
        d.table(&payments_table(&doc.payments));
    }
    if let Some(balance) = &doc.balance {
        d.space(3.0);
        totals_block(&mut d, std::slice::from_ref(balance));
    }

    if let Some(notes) = opt_non_blank(&doc.notes) {
        section(&mut d, "Notes", 5.0);
        d.text(Text::new(notes).size(9.5));
    }
    d.finish()
}

fn lines_table(lines: &[DocLine]) -> Table {
    let discount = lines.iter().any(|l| non_blank(&l.discount).is_some());
    let tax = lines.iter().any(|l| non_blank(&l.tax).is_some());
    let mut columns = vec![
        Column::new("Description", 0.45),
        Column::new("Qty", 0.06).align(Align::Right),
        Column::new("Unit price", 0.13).align(Align::Right),
    ];
    if discount {
        columns.push(Column::new("Discount", 0.11).align(Align::Right));
    }
    if tax {
        columns.push(Column::new("Tax", 0.11).align(Align::Right));
    }
    columns.push(Column::new("Amount", 0.14).align(Align::Right));
    let mut table = Table::new(columns);
    for line in lines {
        let mut row = vec![
            line.description.trim().to_string(),
            line.quantity.trim().to_string(),
            line.unit_price.trim().to_string(),
        ];
        if discount {
            row.push(line.discount.trim().to_string());
        }
        if tax {
            row.push(line.tax.trim().to_string());
        }
        row.push(line.amount.trim().to_string());
        table.rows.push(row);
    }
    table
}

/// The labels of a receipt: (party, amount, balance, staff).
fn receipt_labels(kind: ReceiptKind) -> (&'static str, &'static str, &'static str, &'static str) {
    match kind {
        ReceiptKind::Payment => (
            "Received from",
            "Amount received",
            "Balance after payment",
            "Received by",
        ),
        ReceiptKind::Refund => (
            "Refunded to",
            "Amount refunded",
            "Balance after refund",
            "Refunded by",
        ),
    }
}

/// Renders a receipt as PDF bytes: on a page, or on a receipt roll as one page exactly as
/// long as the receipt. Fails with [`PdfError::InvalidLayout`] for a receipt without an
/// amount, and with [`PdfError::Image`] for an unreadable logo.
pub fn render_receipt(doc: &ReceiptDoc) -> Result<Vec<u8>, PdfError> {
    let number = non_blank(&doc.number).unwrap_or("");
    if non_blank(&doc.amount).is_none() {
        return Err(PdfError::InvalidLayout(format!(
            "receipt {number} has no amount"
        )));
    }
    let title = non_blank(&doc.title).unwrap_or(match doc.kind {
        ReceiptKind::Payment => "Receipt",
        ReceiptKind::Refund => "Refund receipt",
    });
    let paper = doc.paper.paper_size();
    let mut d = Layout::new(paper, format!("{title} {number}").trim());
    if paper.is_roll() {
        roll_receipt(&mut d, doc, title, number)?;
    } else {
        page_receipt(&mut d, doc, title, number)?;
    }
    d.finish()
}

/// The rows of a receipt after its amount: (label, value), blank values left out.
fn receipt_details<'a>(doc: &'a ReceiptDoc, balance: &'a str) -> Vec<(&'a str, &'a str)> {
    [
        ("Invoice total", &doc.invoice_total),
        (balance, &doc.balance_after),
    ]
    .into_iter()
    .filter_map(|(label, value)| non_blank(value).map(|v| (label, v)))
    .collect()
}

fn receipt_facts(doc: &ReceiptDoc) -> Vec<(&'static str, &str)> {
    [
        ("Invoice", &doc.invoice_number),
        ("Payment method", &doc.method),
        ("Reference", &doc.reference),
    ]
    .into_iter()
    .filter_map(|(label, value)| non_blank(value).map(|v| (label, v)))
    .collect()
}

fn page_receipt(
    d: &mut Layout,
    doc: &ReceiptDoc,
    title: &str,
    number: &str,
) -> Result<(), PdfError> {
    let (party, amount_label, balance_label, staff) = receipt_labels(doc.kind);
    let mut footer = format!("{title} {number}");
    if let Some(invoice) = non_blank(&doc.invoice_number) {
        footer.push_str(&format!(" · for {invoice}"));
    }
    d.set_footer_text(footer.trim());
    doc.letterhead.draw(d)?;

    d.space(4.0);
    let mut heading = Cell::new(0.5).text(Text::new(title).bold().size(20.0).align(Align::Right));
    if !number.is_empty() {
        heading = heading.text(Text::new(number).bold().size(12.0).align(Align::Right));
    }
    if let Some(date) = non_blank(&doc.date) {
        heading = heading
            .space(2.0)
            .text(label_value("Date", date).size(9.5).align(Align::Right));
    }
    d.columns(vec![
        party_cell(0.5, party, &doc.received_from, 12.0, 9.5),
        heading,
    ]);

    d.space(7.0);
    let row = |d: &mut Layout, label: &str, value: Text| {
        d.columns(vec![
            Cell::new(0.34).text(Text::new(label).bold().size(value.size)),
            Cell::new(0.66).text(value),
        ]);
        d.space(1.2);
    };
    d.rule(0.5, 0.6);
    for (label, value) in receipt_facts(doc) {
        row(d, label, Text::new(value));
    }
    d.rule(0.5, 0.6);
    d.space(1.0);
    row(
        d,
        amount_label,
        Text::new(doc.amount.trim()).bold().size(15.0),
    );
    if let Some(words) = opt_non_blank(&doc.amount_in_words) {
        row(d, "In words", Text::new(words).size(9.5));
    }
    d.rule(0.5, 0.6);
    for (label, value) in receipt_details(doc, balance_label) {
        row(d, label, Text::new(value));
    }

    if let Some(name) = non_blank(&doc.received_by) {
        d.space(16.0);
        d.columns(vec![
            Cell::new(0.55),
            Cell::new(0.45)
                .rule(0.7, 0.1)
                .text(label_value(staff, name).size(9.5)),
        ]);
    }
    Ok(())
}

fn roll_receipt(
    d: &mut Layout,
    doc: &ReceiptDoc,
    title: &str,
    number: &str,
) -> Result<(), PdfError> {
    let (party, amount_label, balance_label, staff) = receipt_labels(doc.kind);
    let size = 8.5;
    doc.letterhead.draw_compact(d)?;
    d.space(2.0);
    d.text(Text::new(title).bold().size(12.0).align(Align::Center));
    if !number.is_empty() {
        d.text(Text::new(number).bold().size(9.5).align(Align::Center));
    }
    if let Some(date) = non_blank(&doc.date) {
        d.text(Text::new(date).size(size).align(Align::Center));
    }
    d.space(1.5);
    d.rule(0.5, 0.4);
    d.space(0.6);
    d.columns(vec![party_cell(1.0, party, &doc.received_from, 9.5, size)]);
    d.space(1.0);
    d.rule(0.5, 0.4);
    d.space(0.6);

    // Label at the left, value at the right, as on a till slip.
    let row = |d: &mut Layout, label: &str, value: &str, bold: bool, size: f32| {
        let style = |t: Text| if bold { t.bold() } else { t };
        d.columns(vec![
            Cell::new(0.55).text(style(Text::new(label).size(size))),
            Cell::new(0.45).text(style(Text::new(value).size(size)).align(Align::Right)),
        ]);
        d.space(0.5);
    };
    for (label, value) in receipt_facts(doc) {
        row(d, label, value, false, size);
    }
    d.rule(0.5, 0.4);
    d.space(0.6);
    row(d, amount_label, doc.amount.trim(), true, 10.0);
    if let Some(words) = opt_non_blank(&doc.amount_in_words) {
        d.text(Text::new(words).size(7.5).gray(0.2));
        d.space(0.8);
    }
    for (label, value) in receipt_details(doc, balance_label) {
        row(d, label, value, false, size);
    }
    d.rule(0.5, 0.4);
    if let Some(name) = non_blank(&doc.received_by) {
        d.space(0.6);
        d.text(label_value(staff, name).size(size));
    }
    Ok(())
}

/// Renders the end-of-day cash closing report as PDF bytes: the desk and period, totals
/// per payment method, the cash count with its difference, every payment, and signature
/// lines. Fails with [`PdfError::InvalidLayout`] on a receipt roll and with
/// [`PdfError::Image`] for an unreadable logo.
pub fn render_closing_report(doc: &ClosingDoc) -> Result<Vec<u8>, PdfError> {
    refuse_roll(doc.paper, "a cash closing report")?;
    let title = non_blank(&doc.title).unwrap_or("Cash closing report");
    let mut d = Layout::new(doc.paper, &format!("{title} — {}", doc.desk.trim()));
    let identity: Vec<&str> = [title, &doc.desk, &doc.period]
        .into_iter()
        .filter_map(non_blank)
        .collect();
    d.set_footer_text(identity.join(" · "));
    d.set_running_header(format!(
        "{} · {} · continued",
        doc.letterhead.name.trim(),
        identity.join(" · ")
    ));
    doc.letterhead.draw(&mut d)?;

    d.space(4.0);
    let mut facts = Cell::new(0.5);
    for (label, value) in [
        ("Desk", &doc.desk),
        ("Period", &doc.period),
        ("Closed by", &doc.closed_by),
        ("Closed at", &doc.closed_at),
    ] {
        if let Some(value) = non_blank(value) {
            facts = facts.text(label_value(label, value).size(9.5).align(Align::Right));
        }
    }
    d.columns(vec![
        Cell::new(0.5).text(Text::new(title).bold().size(18.0)),
        facts,
    ]);

    section(&mut d, "By payment method", 12.0);
    let mut table = Table::new(vec![
        Column::new("Method", 0.5),
        Column::new("Payments", 0.2).align(Align::Right),
        Column::new("Amount", 0.3).align(Align::Right),
    ]);
    for (method, count, amount) in &doc.by_method {
        table = table.row([method, count, amount].map(|s| s.trim().to_string()));
    }
    if doc.by_method.is_empty() {
        d.text(Text::new("No payments in this period.").size(9.5));
    } else {
        d.table(&table);
    }

    section(&mut d, "Cash drawer", 16.0);
    let rows: Vec<TotalRow> = [
        ("Expected cash", &doc.expected_cash, false),
        ("Counted cash", &doc.counted_cash, false),
        ("Difference", &doc.difference, true),
    ]
    .into_iter()
    .filter_map(|(label, amount, emphasis)| {
        non_blank(amount).map(|amount| TotalRow {
            label: label.into(),
            amount: amount.into(),
            emphasis,
        })
    })
    .collect();
    totals_block(&mut d, &rows);
    if let Some(note) = opt_non_blank(&doc.note) {
        d.space(1.5);
        d.text(Text::new("").then_bold("Note: ").then(note).size(9.5));
    }

    section(&mut d, "Payments", 12.0);
    if doc.payments.is_empty() {
        d.text(Text::new("No payments in this period.").size(9.5));
    } else {
        d.table(&payments_table(&doc.payments));
    }

    d.space(10.0);
    let signature = |label: &str, name: &str| {
        let mut cell = Cell::new(0.5).space(14.0).rule(0.7, 0.1);
        cell = cell.text(Text::new(label).size(8.0).gray(0.35));
        if let Some(name) = non_blank(name) {
            cell = cell.text(Text::new(name).size(9.5));
        }
        cell
    };
    d.columns_at_bottom(vec![
        signature("Closed by", &doc.closed_by),
        signature("Checked by", ""),
    ]);
    d.finish()
}
