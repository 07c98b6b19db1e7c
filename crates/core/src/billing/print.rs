//! Billing documents as printed: invoice, credit note, receipt (page or 80 mm roll) and the
//! cash closing report, laid out by the pdf crate from the amounts stored here (never worked
//! out again), formatted in the clinic's currency and locale. Printing goes through CUPS.

use super::closing::{load_closing, CashClosing};
use super::credit::CreditNote;
use super::invoices::{load, Invoice, InvoiceStatus};
use super::money::{amount_in_words, format_money, parse_stored};
use super::payments::{load_payment, Payment};
use super::settings;
use crate::audit::AuditOutcome;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::prescriptions::print::letterhead;
use crate::prescriptions::PrintResult;
use crate::registry::Ctx;
use base64::Engine;
use chrono::DateTime;
use chrono_tz::Tz;
use clinicdesk_pdf::billing as doc;
use rusqlite::Connection;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct BillingPdf {
    /// e.g. "invoice-INV-K7Q-000042.pdf"
    pub file_name: String,
    pub content_base64: String,
    /// A draft invoice prints marked "not an invoice".
    pub draft: bool,
}

/// Which printed document.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum BillingDocument {
    Invoice,
    CreditNote,
    Receipt,
    CashClosing,
}

/// Receipt paper: the clinic's page size or an 80 mm thermal roll.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
    ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptPaper {
    #[default]
    Page,
    Roll80,
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ReceiptPdfInput {
    pub payment_id: String,
    /// Absent: the clinic's receipt setting.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub paper: Option<ReceiptPaper>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PrintBillingDocumentInput {
    pub document: BillingDocument,
    /// The invoice, credit note, payment (for a receipt) or closing id.
    pub id: String,
    /// A CUPS queue; absent: the system's default printer.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub printer: Option<String>,
    /// Receipts only; absent: the clinic's setting.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub paper: Option<ReceiptPaper>,
}

struct Fmt {
    currency: String,
    locale: String,
    zone: Tz,
}

impl Fmt {
    fn new(c: &Connection, currency: Option<&str>) -> AppResult<Fmt> {
        let s = settings(c)?;
        Ok(Fmt {
            currency: currency.map_or(s.currency, str::to_owned),
            locale: s.locale,
            zone: crate::scheduling::clinic_zone(c)?,
        })
    }
    fn money(&self, text: &str) -> AppResult<String> {
        Ok(format_money(
            parse_stored(text)?,
            &self.currency,
            &self.locale,
        ))
    }
    fn neg(&self, text: &str) -> AppResult<String> {
        Ok(format_money(
            -parse_stored(text)?,
            &self.currency,
            &self.locale,
        ))
    }
    fn words(&self, text: &str) -> AppResult<Option<String>> {
        Ok(amount_in_words(
            parse_stored(text)?,
            &self.currency,
            &self.locale,
        ))
    }
    fn date(&self, text: &str) -> String {
        if let Ok(d) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return d.format("%-d %B %Y").to_string();
        }
        DateTime::parse_from_rfc3339(text)
            .map(|d| d.with_timezone(&self.zone).format("%-d %B %Y").to_string())
            .unwrap_or_else(|_| text.to_owned())
    }
    fn time(&self, text: &str) -> String {
        DateTime::parse_from_rfc3339(text)
            .map(|d| {
                d.with_timezone(&self.zone)
                    .format("%-d %b %Y, %H:%M")
                    .to_string()
            })
            .unwrap_or_else(|_| text.to_owned())
    }
}

fn pdf_error(e: clinicdesk_pdf::PdfError) -> AppError {
    AppError::new(
        ErrorCode::Internal,
        format!("the document could not be printed: {e}"),
    )
}

fn bill_to(c: &Connection, patient_id: &str, name: &str, mrn: &str) -> AppResult<doc::PartyBlock> {
    let (address, phone): (String, String) = c.query_row(
        "SELECT address, phone FROM patients WHERE id = ?1",
        [patient_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut lines = vec![format!("MRN {mrn}")];
    lines.extend(
        address
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned),
    );
    if !phone.trim().is_empty() {
        lines.push(phone);
    }
    Ok(doc::PartyBlock {
        name: name.to_owned(),
        lines,
    })
}

fn percent(rate: &str) -> String {
    format!("{rate} %")
}

fn payment_rows(f: &Fmt, payments: &[Payment]) -> AppResult<Vec<doc::PaymentRow>> {
    payments
        .iter()
        .map(|p| {
            Ok(doc::PaymentRow {
                date: f.time(&p.received_at),
                method: if p.is_refund {
                    format!("Refund — {}", p.method.label())
                } else {
                    p.method.label().to_owned()
                },
                reference: p.reference.clone(),
                receipt: p.receipt_number.clone(),
                amount: f.money(&p.amount)?,
            })
        })
        .collect()
}

fn invoice_doc(c: &Connection, inv: &Invoice) -> AppResult<doc::InvoiceDoc> {
    let f = Fmt::new(c, Some(&inv.currency))?;
    let (letterhead, paper) = letterhead(c)?;
    let mut meta = vec![(
        "Date".to_owned(),
        inv.issued_at
            .as_deref()
            .map(|d| f.date(d))
            .unwrap_or_else(|| f.date(&inv.created_at)),
    )];
    meta.push(("Service date".into(), f.date(&inv.service_date)));
    if let Some(d) = &inv.doctor_name {
        meta.push(("Doctor".into(), d.clone()));
    }
    if let Some(d) = &inv.due_date {
        meta.push(("Due".into(), f.date(d)));
    }
    let lines = inv
        .lines
        .iter()
        .map(|l| {
            Ok(doc::DocLine {
                description: l.description.clone(),
                quantity: format!(
                    "{}{}",
                    l.quantity,
                    if l.unit.is_empty() {
                        String::new()
                    } else {
                        format!(" {}", l.unit)
                    }
                ),
                unit_price: f.money(&l.unit_price)?,
                discount: if parse_stored(&l.discount)?.is_zero() {
                    String::new()
                } else {
                    f.neg(&l.discount)?
                },
                tax: percent(&l.tax_rate),
                amount: f.money(if inv.prices_include_tax {
                    &l.total
                } else {
                    &l.net
                })?,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let taxes = inv
        .taxes
        .iter()
        .map(|t| {
            Ok(doc::TaxRow {
                label: format!("{} {}", t.name, percent(&t.rate)),
                base: f.money(&t.base)?,
                tax: f.money(&t.tax)?,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let mut totals = vec![doc::TotalRow {
        label: "Subtotal".into(),
        amount: f.money(&inv.subtotal)?,
        emphasis: false,
    }];
    if !parse_stored(&inv.discount_total)?.is_zero() {
        totals.push(doc::TotalRow {
            label: "Discounts".into(),
            amount: f.neg(&inv.discount_total)?,
            emphasis: false,
        });
    }
    totals.push(doc::TotalRow {
        label: if inv.prices_include_tax {
            "Tax included".into()
        } else {
            "Tax".into()
        },
        amount: f.money(&inv.tax_total)?,
        emphasis: false,
    });
    totals.push(doc::TotalRow {
        label: "Total".into(),
        amount: f.money(&inv.total)?,
        emphasis: true,
    });
    if !parse_stored(&inv.credited)?.is_zero() {
        totals.push(doc::TotalRow {
            label: "Credited".into(),
            amount: f.neg(&inv.credited)?,
            emphasis: false,
        });
    }
    let balance = parse_stored(&inv.balance)?;
    let issued = inv.status == InvoiceStatus::Issued;
    Ok(doc::InvoiceDoc {
        kind: doc::DocKind::Invoice,
        letterhead,
        title: "Invoice".into(),
        number: inv.number.clone().unwrap_or_default(),
        meta,
        bill_to: bill_to(c, &inv.patient.id, &inv.patient.name, &inv.patient.mrn)?,
        lines,
        taxes,
        totals,
        payments: payment_rows(&f, &inv.payments)?,
        balance: issued
            .then(|| -> AppResult<doc::TotalRow> {
                Ok(if balance > Decimal::ZERO {
                    doc::TotalRow {
                        label: "Balance due".into(),
                        amount: f.money(&inv.balance)?,
                        emphasis: true,
                    }
                } else if balance < Decimal::ZERO {
                    doc::TotalRow {
                        label: "Owed to the patient".into(),
                        amount: f.neg(&inv.balance)?,
                        emphasis: true,
                    }
                } else {
                    doc::TotalRow {
                        label: "Paid in full".into(),
                        amount: f.money(&inv.balance)?,
                        emphasis: true,
                    }
                })
            })
            .transpose()?,
        amount_in_words: f.words(&inv.total)?,
        notes: Some(inv.notes.clone()).filter(|n| !n.trim().is_empty()),
        footer: Some(if inv.prices_include_tax {
            "Prices include tax.".to_owned()
        } else {
            "Prices exclude tax; tax is shown per rate.".to_owned()
        }),
        paper,
        watermark: match inv.status {
            InvoiceStatus::Draft => Some("DRAFT — NOT AN INVOICE".into()),
            InvoiceStatus::Discarded => Some("DISCARDED — NOT AN INVOICE".into()),
            InvoiceStatus::Issued => None,
        },
    })
}

fn credit_note_doc(c: &Connection, inv: &Invoice, note: &CreditNote) -> AppResult<doc::InvoiceDoc> {
    let f = Fmt::new(c, Some(&inv.currency))?;
    let (letterhead, paper) = letterhead(c)?;
    let mut lines = Vec::new();
    let mut taxes: Vec<doc::TaxRow> = Vec::new();
    let mut tax_sums: Vec<(String, Decimal, Decimal)> = Vec::new();
    for cl in &note.lines {
        let line = inv.lines.iter().find(|l| l.id == cl.invoice_line_id);
        let label = line
            .map(|l| format!("{} {}", l.tax_name, percent(&l.tax_rate)))
            .unwrap_or_default();
        lines.push(doc::DocLine {
            description: cl.description.clone(),
            quantity: cl.quantity.clone(),
            unit_price: match line {
                Some(l) => f.money(&l.unit_price)?,
                None => String::new(),
            },
            discount: String::new(),
            tax: label.clone(),
            amount: f.neg(if inv.prices_include_tax {
                &cl.total
            } else {
                &cl.net
            })?,
        });
        let (net, tax) = (parse_stored(&cl.net)?, parse_stored(&cl.tax)?);
        match tax_sums.iter_mut().find(|t| t.0 == label) {
            Some(t) => {
                t.1 += net;
                t.2 += tax;
            }
            None => tax_sums.push((label, net, tax)),
        }
    }
    for (label, net, tax) in tax_sums {
        taxes.push(doc::TaxRow {
            label,
            base: format_money(-net, &f.currency, &f.locale),
            tax: format_money(-tax, &f.currency, &f.locale),
        });
    }
    let refunds: Vec<Payment> = inv
        .payments
        .iter()
        .filter(|p| p.credit_note_id.as_deref() == Some(&note.id))
        .cloned()
        .collect();
    Ok(doc::InvoiceDoc {
        kind: doc::DocKind::CreditNote,
        letterhead,
        title: "Credit note".into(),
        number: note.number.clone(),
        meta: vec![
            ("Date".into(), f.date(&note.issued_at)),
            (
                "Credits invoice".into(),
                inv.number.clone().unwrap_or_default(),
            ),
            ("Reason".into(), note.reason.clone()),
        ],
        bill_to: bill_to(c, &inv.patient.id, &inv.patient.name, &inv.patient.mrn)?,
        lines,
        taxes,
        totals: vec![
            doc::TotalRow {
                label: "Without tax".into(),
                amount: f.neg(&note.net_total)?,
                emphasis: false,
            },
            doc::TotalRow {
                label: "Tax".into(),
                amount: f.neg(&note.tax_total)?,
                emphasis: false,
            },
            doc::TotalRow {
                label: "Total credited".into(),
                amount: f.neg(&note.total)?,
                emphasis: true,
            },
        ],
        payments: payment_rows(&f, &refunds)?,
        balance: Some(doc::TotalRow {
            label: "Invoice balance after credit".into(),
            amount: f.money(&inv.balance)?,
            emphasis: false,
        }),
        amount_in_words: f.words(&note.total)?,
        notes: None,
        footer: Some(format!(
            "This credit note corrects invoice {}.",
            inv.number.as_deref().unwrap_or("")
        )),
        paper,
        watermark: None,
    })
}

fn receipt_doc(
    c: &Connection,
    p: &Payment,
    paper: Option<ReceiptPaper>,
) -> AppResult<doc::ReceiptDoc> {
    let inv = load(c, &p.invoice_id)?;
    let f = Fmt::new(c, Some(&inv.currency))?;
    let (letterhead, page) = letterhead(c)?;
    let roll = match paper {
        Some(ReceiptPaper::Roll80) => true,
        Some(ReceiptPaper::Page) => false,
        None => settings(c)?.receipt_roll,
    };
    // The balance right after this payment: total − credits − payments up to this one.
    let mut after = parse_stored(&inv.total)? - parse_stored(&inv.credited)?;
    for q in &inv.payments {
        after -= parse_stored(&q.amount)?;
        if q.id == p.id {
            break;
        }
    }
    let amount = parse_stored(&p.amount)?;
    Ok(doc::ReceiptDoc {
        kind: if p.is_refund {
            doc::ReceiptKind::Refund
        } else {
            doc::ReceiptKind::Payment
        },
        letterhead,
        title: if p.is_refund {
            "Refund receipt".into()
        } else {
            "Receipt".into()
        },
        number: p.receipt_number.clone(),
        date: f.time(&p.received_at),
        received_from: bill_to(c, &inv.patient.id, &inv.patient.name, &inv.patient.mrn)?,
        invoice_number: inv.number.clone().unwrap_or_default(),
        method: p.method.label().to_owned(),
        reference: p.reference.clone(),
        amount: format_money(amount.abs(), &f.currency, &f.locale),
        amount_in_words: amount_in_words(amount.abs(), &f.currency, &f.locale),
        invoice_total: f.money(&inv.total)?,
        balance_after: format_money(after, &f.currency, &f.locale),
        received_by: p.received_by_name.clone().unwrap_or_default(),
        paper: if roll {
            doc::ReceiptPaper::Roll80mm
        } else {
            doc::ReceiptPaper::Page(page)
        },
    })
}

fn closing_doc(c: &Connection, k: &CashClosing) -> AppResult<doc::ClosingDoc> {
    let f = Fmt::new(c, Some(&k.currency))?;
    let (letterhead, paper) = letterhead(c)?;
    let this_desk: String = c.query_row(
        "SELECT value FROM local_meta WHERE key = 'workstation_id'",
        [],
        |r| r.get(0),
    )?;
    Ok(doc::ClosingDoc {
        letterhead,
        title: "Cash closing".into(),
        desk: if k.workstation_id == this_desk {
            format!("Desk {}", super::workstation_code(c)?)
        } else {
            format!("Desk {}", &k.workstation_id)
        },
        closed_by: k.closed_by_name.clone().unwrap_or_default(),
        closed_at: f.time(&k.closed_at),
        period: match &k.period_start {
            Some(s) => format!("{} – {}", f.time(s), f.time(&k.closed_at)),
            None => format!("until {}", f.time(&k.closed_at)),
        },
        by_method: k
            .by_method
            .iter()
            .map(|m| {
                Ok((
                    m.method.label().to_owned(),
                    m.count.to_string(),
                    f.money(&m.amount)?,
                ))
            })
            .collect::<AppResult<Vec<_>>>()?,
        expected_cash: f.money(&k.expected_cash)?,
        counted_cash: f.money(&k.counted_cash)?,
        difference: f.money(&k.difference)?,
        note: Some(k.note.clone()).filter(|n| !n.trim().is_empty()),
        payments: payment_rows(&f, &k.payments)?,
        paper,
    })
}

/// A rendered billing document.
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub file_name: String,
    /// A draft or discarded invoice: previewed, never printed.
    pub draft: bool,
    /// The record for the audit entry: (table, id).
    pub record: (&'static str, String),
}

/// Renders a billing document (for the commands, the CLI and benchmarks).
pub fn render(
    c: &Connection,
    document: BillingDocument,
    id: &str,
    paper: Option<ReceiptPaper>,
) -> AppResult<Rendered> {
    match document {
        BillingDocument::Invoice => {
            let inv = load(c, id)?;
            if inv.lines.is_empty() {
                return Err(AppError::field(
                    "invoice_id",
                    "this invoice has no lines to print",
                ));
            }
            let bytes = doc::render_invoice(&invoice_doc(c, &inv)?).map_err(pdf_error)?;
            let name = match &inv.number {
                Some(n) => format!("invoice-{n}.pdf"),
                None => format!("invoice-draft-{}.pdf", inv.patient.mrn),
            };
            Ok(Rendered {
                bytes,
                file_name: name,
                draft: inv.status != InvoiceStatus::Issued,
                record: ("invoices", inv.id),
            })
        }
        BillingDocument::CreditNote => {
            let invoice_id: String = c
                .query_row(
                    "SELECT invoice_id FROM credit_notes WHERE id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .map_err(|_| AppError::not_found("no such credit note").with_field("id"))?;
            let inv = load(c, &invoice_id)?;
            let note = inv
                .credit_notes
                .iter()
                .find(|n| n.id == id)
                .ok_or_else(|| AppError::not_found("no such credit note").with_field("id"))?;
            let bytes = doc::render_invoice(&credit_note_doc(c, &inv, note)?).map_err(pdf_error)?;
            Ok(Rendered {
                bytes,
                file_name: format!("credit-note-{}.pdf", note.number),
                draft: false,
                record: ("credit_notes", note.id.clone()),
            })
        }
        BillingDocument::Receipt => {
            let p = load_payment(c, id)?;
            let bytes = doc::render_receipt(&receipt_doc(c, &p, paper)?).map_err(pdf_error)?;
            Ok(Rendered {
                bytes,
                file_name: format!("receipt-{}.pdf", p.receipt_number),
                draft: false,
                record: ("payments", p.id),
            })
        }
        BillingDocument::CashClosing => {
            let k = load_closing(c, id)?;
            let bytes = doc::render_closing_report(&closing_doc(c, &k)?).map_err(pdf_error)?;
            Ok(Rendered {
                bytes,
                file_name: format!("cash-closing-{}.pdf", k.closed_at.get(..10).unwrap_or("")),
                draft: false,
                record: ("cash_closings", k.id),
            })
        }
    }
}

fn pdf_of(
    ctx: &Ctx<'_>,
    document: BillingDocument,
    id: &str,
    paper: Option<ReceiptPaper>,
) -> AppResult<BillingPdf> {
    let Rendered {
        bytes,
        file_name,
        draft,
        ..
    } = ctx.read(|c| render(c, document, id, paper))?;
    Ok(BillingPdf {
        file_name,
        content_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
        draft,
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct InvoicePdfInput {
    pub invoice_id: String,
}

pub(crate) fn invoice_pdf(ctx: &Ctx<'_>, input: InvoicePdfInput) -> AppResult<BillingPdf> {
    pdf_of(ctx, BillingDocument::Invoice, &input.invoice_id, None)
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CreditNotePdfInput {
    pub credit_note_id: String,
}

pub(crate) fn credit_note_pdf(ctx: &Ctx<'_>, input: CreditNotePdfInput) -> AppResult<BillingPdf> {
    pdf_of(
        ctx,
        BillingDocument::CreditNote,
        &input.credit_note_id,
        None,
    )
}

pub(crate) fn receipt_pdf(ctx: &Ctx<'_>, input: ReceiptPdfInput) -> AppResult<BillingPdf> {
    pdf_of(
        ctx,
        BillingDocument::Receipt,
        &input.payment_id,
        input.paper,
    )
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CashClosingPdfInput {
    pub closing_id: String,
}

pub(crate) fn cash_closing_pdf(ctx: &Ctx<'_>, input: CashClosingPdfInput) -> AppResult<BillingPdf> {
    pdf_of(ctx, BillingDocument::CashClosing, &input.closing_id, None)
}

pub(crate) fn print_billing_document(
    ctx: &Ctx<'_>,
    input: PrintBillingDocumentInput,
) -> AppResult<PrintResult> {
    let Rendered {
        bytes,
        file_name,
        draft,
        record: (table, record),
    } = ctx.read(|c| render(c, input.document, &input.id, input.paper))?;
    if draft {
        return Err(AppError::conflict(
            "issue the invoice before printing it (the preview shows the draft)",
        )
        .with_field("id"));
    }
    let printer = input
        .printer
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    // A roll receipt asks the queue for a page its own size, not the default sheet.
    let roll = clinicdesk_pdf::print::page_size_mm(&bytes).filter(|(w, _)| *w < 100.0);
    let job_id = match roll {
        Some(size) => clinicdesk_pdf::print::print_pdf_with(
            &bytes,
            printer,
            &file_name,
            &clinicdesk_pdf::print::PrintOptions {
                media_mm: Some(size),
            },
        ),
        None => clinicdesk_pdf::print::print_pdf(&bytes, printer, &file_name),
    }
    .map_err(|e| AppError::conflict(e.to_string()).with_field("printer"))?;
    ctx.write(|w| {
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some((table, &record)),
            format!(
                "{file_name} printed on {} (job {job_id})",
                printer.unwrap_or("the default printer")
            ),
        );
        w.audit(entry)
    })?;
    Ok(PrintResult { job_id })
}
