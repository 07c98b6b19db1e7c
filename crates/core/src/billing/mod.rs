//! Billing: the price list (items with dated price versions), invoices (draft → issued, then
//! frozen; corrected only by credit notes), payments and refunds with receipts, the
//! end-of-day cash closing of each desk, revenue reports and the printed documents.
//! Numbers are gap-free within a series; each workstation has its own series (the
//! workstation code of its MRNs), so offline workstations never collide. See docs/BILLING.md.

mod closing;
mod credit;
pub(crate) mod demo;
pub mod generate;
mod invoices;
pub mod money;
mod payments;
mod pricelist;
pub(crate) mod print;
mod reports;

pub use closing::{CashClosing, CashClosingPreview, CloseCashInput, MethodTotal};
pub use credit::{CreditNote, CreditNoteLine, IssueCreditNoteInput};
pub use invoices::{
    Invoice, InvoiceLine, InvoicePatient, InvoiceStatus, InvoiceSummary, PaymentStatus, TaxLine,
};
pub use payments::{Payment, PaymentMethod, RecordPaymentInput};
pub use pricelist::{PriceItem, PriceItemKind, PriceVersion, TaxCategory};
pub use print::{render as render_document, BillingDocument, BillingPdf, ReceiptPaper};

use crate::access::Permission;
use crate::error::{AppError, AppResult};
use crate::registry::{command, Access, CommandSpec};
use money::{MoneyRules, Rounding};
use rusqlite::{Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub(crate) fn commands() -> Vec<CommandSpec> {
    use Permission::{
        BillingRead as Read, BillingRefund as Refund, BillingWrite as Write,
        PriceListManage as Manage, ReportsFinance as Finance,
    };
    vec![
        command(
            "list_tax_categories",
            "The tax categories and their rates",
            Access::Permission(Read),
            pricelist::list_tax_categories,
        ),
        command(
            "save_tax_category",
            "Add or edit a tax category (retire it with active = false)",
            Access::Permission(Manage),
            pricelist::save_tax_category,
        ),
        command(
            "list_price_items",
            "The price list: services and items with the price valid on a date",
            Access::Permission(Read),
            pricelist::list_price_items,
        ),
        command(
            "save_price_item",
            "Add or edit a price list entry; a new price starts on its date, older invoices keep theirs",
            Access::Permission(Manage),
            pricelist::save_price_item,
        ),
        command(
            "create_invoice",
            "Start a draft invoice for a patient",
            Access::Permission(Write),
            invoices::create_invoice,
        ),
        command(
            "create_invoice_from_appointment",
            "Start a draft invoice from a completed appointment, with its consultation priced",
            Access::Permission(Write),
            invoices::create_invoice_from_appointment,
        ),
        command(
            "add_invoice_line",
            "Add a line to a draft invoice (from the price list or typed by hand)",
            Access::Permission(Write),
            invoices::add_invoice_line,
        ),
        command(
            "update_invoice_line",
            "Change a line of a draft invoice",
            Access::Permission(Write),
            invoices::update_invoice_line,
        ),
        command(
            "remove_invoice_line",
            "Take a line off a draft invoice",
            Access::Permission(Write),
            invoices::remove_invoice_line,
        ),
        command(
            "update_invoice",
            "Change a draft invoice's discount, notes or due date",
            Access::Permission(Write),
            invoices::update_invoice,
        ),
        command(
            "issue_invoice",
            "Issue a draft: it gets the next number of this workstation's series and is frozen",
            Access::Permission(Write),
            invoices::issue_invoice,
        ),
        command(
            "discard_invoice",
            "Discard a draft invoice, with a reason (issued invoices are credited instead)",
            Access::Permission(Write),
            invoices::discard_invoice,
        ),
        command(
            "get_invoice",
            "An invoice with its lines, tax breakdown, payments, credit notes and balance",
            Access::Permission(Read),
            invoices::get_invoice,
        ),
        command(
            "list_invoices",
            "Invoices, newest first, by patient, status, number or outstanding balance",
            Access::Permission(Read),
            invoices::list_invoices,
        ),
        command(
            "record_payment",
            "Take a payment against an issued invoice (never more than its balance); a receipt is numbered",
            Access::Permission(Write),
            payments::record_payment,
        ),
        command(
            "record_refund",
            "Pay back money owed after a credit note (a negative payment with its own receipt)",
            Access::Permission(Refund),
            payments::record_refund,
        ),
        command(
            "issue_credit_note",
            "Credit an issued invoice in full or by lines and quantities, with a reason",
            Access::Permission(Refund),
            credit::issue_credit_note,
        ),
        command(
            "list_outstanding",
            "Patients with an outstanding balance, and their unpaid invoices",
            Access::Permission(Read),
            reports::list_outstanding,
        ),
        command(
            "cash_closing_preview",
            "What this desk has taken since its last closing, and the cash expected in the drawer",
            Access::Permission(Write),
            closing::cash_closing_preview,
        ),
        command(
            "close_cash",
            "Close this desk's day: counted cash against expected, the difference recorded",
            Access::Permission(Write),
            closing::close_cash,
        ),
        command(
            "list_cash_closings",
            "Past cash closings, newest first",
            Access::Permission(Read),
            closing::list_cash_closings,
        ),
        command(
            "revenue_report",
            "Revenue by day, month, service, doctor or payment method over a period",
            Access::Permission(Finance),
            reports::revenue_report,
        ),
        command(
            "export_revenue_csv",
            "The revenue report as CSV",
            Access::Permission(Finance),
            reports::export_revenue_csv,
        ),
        command(
            "export_outstanding_csv",
            "Outstanding invoices as CSV",
            Access::Permission(Finance),
            reports::export_outstanding_csv,
        ),
        command(
            "invoice_pdf",
            "An invoice as a PDF (a draft prints marked as not an invoice)",
            Access::Permission(Read),
            print::invoice_pdf,
        ),
        command(
            "credit_note_pdf",
            "A credit note as a PDF",
            Access::Permission(Read),
            print::credit_note_pdf,
        ),
        command(
            "receipt_pdf",
            "A payment's receipt as a PDF (page or 80 mm roll)",
            Access::Permission(Read),
            print::receipt_pdf,
        ),
        command(
            "cash_closing_pdf",
            "A cash closing report as a PDF",
            Access::Permission(Read),
            print::cash_closing_pdf,
        ),
        command(
            "print_billing_document",
            "Print an invoice, credit note, receipt or closing report on a system printer (CUPS)",
            Access::Permission(Read),
            print::print_billing_document,
        ),
    ]
}

/// How a discount is given.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    Default,
    schemars::JsonSchema,
    ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum DiscountKind {
    #[default]
    None,
    Percent,
    Amount,
}

impl DiscountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DiscountKind::None => "none",
            DiscountKind::Percent => "percent",
            DiscountKind::Amount => "amount",
        }
    }
    pub(crate) fn parse(text: &str) -> DiscountKind {
        match text {
            "percent" => DiscountKind::Percent,
            "amount" => DiscountKind::Amount,
            _ => DiscountKind::None,
        }
    }
}

/// A discount as typed: checked and turned into exact decimals.
pub(crate) fn parse_discount(
    kind: DiscountKind,
    value: &str,
    field: &str,
    exponent: u32,
) -> AppResult<(money::Discount, String)> {
    Ok(match kind {
        DiscountKind::None => (money::Discount::None, "0".into()),
        DiscountKind::Percent => {
            let p = parse_percent(value, field)?;
            (money::Discount::Percent(p), p.normalize().to_string())
        }
        DiscountKind::Amount => {
            let a = money::parse_amount(value, field, exponent, true)?;
            (money::Discount::Amount(a), a.to_string())
        }
    })
}

pub(crate) fn stored_discount(kind: &str, value: &str) -> AppResult<money::Discount> {
    Ok(match DiscountKind::parse(kind) {
        DiscountKind::None => money::Discount::None,
        DiscountKind::Percent => money::Discount::Percent(money::parse_stored(value)?),
        DiscountKind::Amount => money::Discount::Amount(money::parse_stored(value)?),
    })
}

fn parse_percent(value: &str, field: &str) -> AppResult<Decimal> {
    use std::str::FromStr;
    let p = Decimal::from_str(value.trim())
        .map_err(|_| AppError::field(field, "the discount is a percent, e.g. 10 or 12.5"))?;
    if p < Decimal::ZERO || p > Decimal::ONE_HUNDRED {
        return Err(AppError::field(
            field,
            "a percent discount is between 0 and 100",
        ));
    }
    if p.normalize().scale() > 2 {
        return Err(AppError::field(
            field,
            "a percent discount has at most 2 decimals",
        ));
    }
    Ok(p)
}

/// The clinic's billing settings.
#[derive(Debug, Clone)]
pub(crate) struct BillingSettings {
    pub currency: String,
    pub locale: String,
    pub rules: MoneyRules,
    pub invoice_prefix: String,
    pub receipt_roll: bool,
}

pub(crate) fn settings(c: &Connection) -> AppResult<BillingSettings> {
    c.prepare_cached(
        "SELECT currency, locale, rounding, prices_include_tax, invoice_series_prefix, receipt_paper
         FROM clinic LIMIT 1",
    )?
    .query_row([], |r| {
        let currency: String = r.get(0)?;
        let rounding: String = r.get(2)?;
        let inclusive: bool = r.get(3)?;
        Ok(BillingSettings {
            rules: MoneyRules::for_currency(&currency, Rounding::parse(&rounding), inclusive),
            currency,
            locale: r.get(1)?,
            invoice_prefix: r.get(4)?,
            receipt_roll: r.get::<_, String>(5)? == "roll80",
        })
    })
    .optional()?
    .ok_or_else(|| AppError::conflict("the clinic is not set up yet"))
}

/// This workstation's code in document numbers: the prefix of its MRNs ("K7Q").
pub(crate) fn workstation_code(c: &Connection) -> AppResult<String> {
    Ok(
        c.prepare_cached("SELECT value FROM local_meta WHERE key = 'mrn_prefix'")?
            .query_row([], |r| r.get(0))?,
    )
}

/// The next number of a series: one more than the highest used, inside the writing
/// (IMMEDIATE) transaction, so numbers are gap-free and never shared — a rolled-back
/// transaction gives its number back with everything else.
pub(crate) fn next_number(c: &Connection, table: &str, series: &str) -> AppResult<i64> {
    let (series_col, number_col) = match table {
        "invoices" => ("series", "number"),
        "credit_notes" => ("series", "number"),
        "payments" => ("receipt_series", "receipt_number"),
        _ => return Err(AppError::internal(format!("{table} has no number series"))),
    };
    let max: Option<i64> = c
        .prepare_cached(&format!(
            "SELECT MAX({number_col}) FROM {table} WHERE {series_col} = ?1"
        ))?
        .query_row([series], |r| r.get(0))?;
    Ok(max.unwrap_or(0) + 1)
}

pub(crate) fn number_text(series: &str, number: i64) -> String {
    format!("{series}-{number:06}")
}

/// Today in the clinic's time zone.
pub(crate) fn clinic_today(
    c: &Connection,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<chrono::NaiveDate> {
    let zone = crate::scheduling::clinic_zone(c)?;
    Ok(now.with_timezone(&zone).date_naive())
}

pub(crate) fn parse_date(text: &str, field: &str) -> AppResult<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::field(field, "the date is written YYYY-MM-DD, e.g. 2026-12-03"))
}

/// A stored amount at the currency's scale, as text for the UI ("12.50").
pub(crate) fn money_text(rules: &MoneyRules, d: Decimal) -> String {
    rules.round(d).to_string()
}

/// The chart's billing entries (for roles that read billing): issued invoices and credit
/// notes, newest first.
pub(crate) fn chart_timeline(
    c: &Connection,
    patient_id: &str,
) -> AppResult<Vec<crate::patients::TimelineEntry>> {
    let s = settings(c)?;
    let mut out = Vec::new();
    let mut stmt = c.prepare_cached(
        "SELECT i.issued_at, i.number_text, i.total, i.currency,
                (SELECT group_concat(l.description, '; ') FROM invoice_lines l
                  WHERE l.invoice_id = i.id AND l.status = 'active')
         FROM invoices i WHERE i.patient_id = ?1 AND i.status = 'issued'
         ORDER BY i.issued_at DESC LIMIT 200",
    )?;
    let rows = stmt.query_map([patient_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    for row in rows {
        let (at, number, total, currency, lines) = row?;
        out.push(crate::patients::TimelineEntry {
            at,
            kind: "invoice".into(),
            title: format!(
                "Invoice {number} issued, {}",
                money::format_money(money::parse_stored(&total)?, &currency, &s.locale)
            ),
            detail: lines.unwrap_or_default(),
        });
    }
    let mut stmt = c.prepare_cached(
        "SELECT n.issued_at, n.number_text, n.total, i.currency, i.number_text, n.reason
         FROM credit_notes n JOIN invoices i ON i.id = n.invoice_id
         WHERE n.patient_id = ?1 ORDER BY n.issued_at DESC LIMIT 200",
    )?;
    let rows = stmt.query_map([patient_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    for row in rows {
        let (at, number, total, currency, invoice, reason) = row?;
        out.push(crate::patients::TimelineEntry {
            at,
            kind: "credit_note".into(),
            title: format!(
                "Credit note {number} for {invoice}, {}",
                money::format_money(money::parse_stored(&total)?, &currency, &s.locale)
            ),
            detail: reason,
        });
    }
    Ok(out)
}
