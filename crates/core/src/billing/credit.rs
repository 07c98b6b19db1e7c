//! Credit notes: the only way to correct an issued invoice. A credit note takes back whole
//! lines or part of their quantity (never more than is left uncredited), numbered in this
//! workstation's credit note series. A part takes the line's amounts in proportion, rounded;
//! the last part of a line takes exactly what is left, so a line credited in full in several
//! steps adds up to its amounts to the cent.

use super::{money, next_number, number_text, workstation_code, InvoiceStatus};
use crate::audit::AuditOutcome;
use crate::clinic::required;
use crate::clock::new_id;
use crate::error::{AppError, AppResult};
use crate::registry::Ctx;
use crate::store::ChangeOp;
use rusqlite::{params, Connection};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct CreditNoteLine {
    pub invoice_line_id: String,
    pub description: String,
    pub quantity: String,
    pub net: String,
    pub tax: String,
    pub total: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct CreditNote {
    pub id: String,
    pub invoice_id: String,
    /// "CN-K7Q-000003".
    pub number: String,
    pub reason: String,
    pub net_total: String,
    pub tax_total: String,
    pub total: String,
    /// Paid back against this note so far (positive).
    pub refunded: String,
    pub issued_at: String,
    pub issued_by_name: Option<String>,
    pub lines: Vec<CreditNoteLine>,
}

pub(crate) fn credit_notes_of(c: &Connection, invoice_id: &str) -> AppResult<Vec<CreditNote>> {
    let mut notes: Vec<CreditNote> = c
        .prepare_cached(
            "SELECT n.id, n.invoice_id, n.number_text, n.reason, n.net_total, n.tax_total, n.total,
                    COALESCE((SELECT group_concat(amount, '|') FROM payments WHERE credit_note_id = n.id), ''),
                    n.issued_at, u.full_name
             FROM credit_notes n LEFT JOIN users u ON u.id = n.issued_by
             WHERE n.invoice_id = ?1 ORDER BY n.issued_at, n.number",
        )?
        .query_map([invoice_id], |r| {
            let refunds: String = r.get(7)?;
            let refunded: Decimal = refunds
                .split('|')
                .filter_map(|a| Decimal::from_str(a).ok())
                .sum();
            Ok(CreditNote {
                id: r.get(0)?,
                invoice_id: r.get(1)?,
                number: r.get(2)?,
                reason: r.get(3)?,
                net_total: r.get(4)?,
                tax_total: r.get(5)?,
                total: r.get(6)?,
                refunded: refunded.abs().to_string(),
                issued_at: r.get(8)?,
                issued_by_name: r.get(9)?,
                lines: Vec::new(),
            })
        })?
        .collect::<Result<_, _>>()?;
    for n in &mut notes {
        n.lines = c
            .prepare_cached(
                "SELECT cl.invoice_line_id, l.description, cl.quantity, cl.net, cl.tax, cl.total
                 FROM credit_note_lines cl JOIN invoice_lines l ON l.id = cl.invoice_line_id
                 WHERE cl.credit_note_id = ?1 ORDER BY l.position",
            )?
            .query_map([&n.id], |r| {
                Ok(CreditNoteLine {
                    invoice_line_id: r.get(0)?,
                    description: r.get(1)?,
                    quantity: r.get(2)?,
                    net: r.get(3)?,
                    tax: r.get(4)?,
                    total: r.get(5)?,
                })
            })?
            .collect::<Result<_, _>>()?;
    }
    Ok(notes)
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CreditLineInput {
    pub invoice_line_id: String,
    pub quantity: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct IssueCreditNoteInput {
    pub invoice_id: String,
    pub reason: String,
    /// The lines and quantities taken back; absent: everything not yet credited.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub lines: Option<Vec<CreditLineInput>>,
}

pub(crate) fn issue_credit_note(
    ctx: &Ctx<'_>,
    input: IssueCreditNoteInput,
) -> AppResult<super::Invoice> {
    let reason = required(&input.reason, "reason", 500)?;
    ctx.write(|w| {
        let invoice = super::invoices::load(w.conn(), &input.invoice_id)?;
        if invoice.status != InvoiceStatus::Issued {
            return Err(AppError::conflict(
                "only an issued invoice is credited (a draft is changed or discarded)",
            )
            .with_field("invoice_id"));
        }
        let rules = money::MoneyRules::for_currency(
            &invoice.currency,
            invoice.rounding,
            invoice.prices_include_tax,
        );
        // What each line still has uncredited: (quantity, net, tax, total).
        let mut wanted: Vec<(usize, Decimal)> = Vec::new();
        match &input.lines {
            None => {
                for (i, l) in invoice.lines.iter().enumerate() {
                    let left = money::parse_stored(&l.quantity)?
                        - money::parse_stored(&l.credited_quantity)?;
                    if left > Decimal::ZERO {
                        wanted.push((i, left));
                    }
                }
            }
            Some(lines) => {
                if lines.is_empty() {
                    return Err(AppError::field("lines", "choose at least one line to credit"));
                }
                for (k, cl) in lines.iter().enumerate() {
                    let field = format!("lines[{k}].quantity");
                    let i = invoice
                        .lines
                        .iter()
                        .position(|l| l.id == cl.invoice_line_id)
                        .ok_or_else(|| {
                            AppError::field(
                                format!("lines[{k}].invoice_line_id"),
                                "that line is not on this invoice",
                            )
                        })?;
                    if wanted.iter().any(|(j, _)| *j == i) {
                        return Err(AppError::field(
                            format!("lines[{k}].invoice_line_id"),
                            "that line is listed twice",
                        ));
                    }
                    let q = Decimal::from_str(cl.quantity.trim())
                        .map_err(|_| AppError::field(&field, "the quantity is a number, e.g. 1"))?;
                    if q <= Decimal::ZERO {
                        return Err(AppError::field(&field, "the quantity must be more than zero"));
                    }
                    let l = &invoice.lines[i];
                    let left = money::parse_stored(&l.quantity)?
                        - money::parse_stored(&l.credited_quantity)?;
                    if q > left {
                        return Err(AppError::field(
                            &field,
                            format!(
                                "only {} of “{}” is left to credit",
                                left.normalize(),
                                l.description
                            ),
                        ));
                    }
                    wanted.push((i, q));
                }
            }
        }
        if wanted.is_empty() {
            return Err(AppError::conflict(format!(
                "invoice {} is already credited in full",
                invoice.number.as_deref().unwrap_or("")
            ))
            .with_field("invoice_id"));
        }
        let mut parts = Vec::new();
        for (i, q) in wanted {
            let l = &invoice.lines[i];
            let quantity = money::parse_stored(&l.quantity)?;
            let credited_q = money::parse_stored(&l.credited_quantity)?;
            let (done_tax, done_total) = credited_so_far(w.conn(), &l.id)?;
            let line_tax = money::parse_stored(&l.tax)?;
            let line_total = money::parse_stored(&l.total)?;
            let (tax, total) = if credited_q + q == quantity {
                (line_tax - done_tax, line_total - done_total)
            } else {
                (
                    rules.round(line_tax * q / quantity),
                    rules.round(line_total * q / quantity),
                )
            };
            parts.push((l.id.clone(), q, total - tax, tax, total));
        }
        let net_total: Decimal = parts.iter().map(|p| p.2).sum();
        let tax_total: Decimal = parts.iter().map(|p| p.3).sum();
        let total: Decimal = parts.iter().map(|p| p.4).sum();
        let series = format!("CN-{}", workstation_code(w.conn())?);
        let number = next_number(w.conn(), "credit_notes", &series)?;
        let text = number_text(&series, number);
        let id = new_id();
        let now = w.now_text();
        let ws = w.workstation_id().to_owned();
        let me = ctx.user().ok().map(|u| u.id.clone());
        w.conn().execute(
            "INSERT INTO credit_notes (id, invoice_id, patient_id, workstation_id, series, number,
                 number_text, reason, net_total, tax_total, total, issued_by, issued_at, created_at,
                 updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?13)",
            params![
                id,
                invoice.id,
                invoice.patient.id,
                ws,
                series,
                number,
                text,
                reason,
                rules.round(net_total).to_string(),
                rules.round(tax_total).to_string(),
                rules.round(total).to_string(),
                me,
                now
            ],
        )?;
        w.record_change("credit_notes", &id, ChangeOp::Insert)?;
        for (line_id, q, net, tax, total) in parts {
            let cl = new_id();
            w.conn().execute(
                "INSERT INTO credit_note_lines (id, credit_note_id, invoice_line_id, quantity, net,
                     tax, total, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
                params![
                    cl,
                    id,
                    line_id,
                    q.normalize().to_string(),
                    rules.round(net).to_string(),
                    rules.round(tax).to_string(),
                    rules.round(total).to_string(),
                    now
                ],
            )?;
            w.record_change("credit_note_lines", &cl, ChangeOp::Insert)?;
        }
        w.audit(ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("credit_notes", &id)),
            format!(
                "credit note {text} for invoice {}: {} {} — {reason}",
                invoice.number.as_deref().unwrap_or(""),
                rules.round(total),
                invoice.currency
            ),
        ))?;
        super::invoices::load(w.conn(), &invoice.id)
    })
}

fn credited_so_far(c: &Connection, line_id: &str) -> AppResult<(Decimal, Decimal)> {
    let rows: Vec<(String, String)> = c
        .prepare_cached("SELECT tax, total FROM credit_note_lines WHERE invoice_line_id = ?1")?
        .query_map([line_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut tax = Decimal::ZERO;
    let mut total = Decimal::ZERO;
    for (t, tt) in rows {
        tax += money::parse_stored(&t)?;
        total += money::parse_stored(&tt)?;
    }
    Ok((tax, total))
}
