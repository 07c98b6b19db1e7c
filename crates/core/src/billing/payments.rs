//! Payments and refunds. A payment is taken against an issued invoice, never more than its
//! balance (overpayment is refused, not kept as credit: docs/BILLING.md); a refund pays back
//! what a credit note made owed, as a negative payment naming that credit note. Each gets a
//! receipt numbered in this workstation's receipt series, and belongs to this desk's next
//! cash closing.

use super::{money, money_text, next_number, number_text, settings, workstation_code};
use crate::audit::AuditOutcome;
use crate::clinic::optional_text;
use crate::clock::new_id;
use crate::error::{AppError, AppResult};
use crate::registry::Ctx;
use crate::store::ChangeOp;
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Cash,
    Card,
    Transfer,
    Insurance,
}

impl PaymentMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "cash",
            PaymentMethod::Card => "card",
            PaymentMethod::Transfer => "transfer",
            PaymentMethod::Insurance => "insurance",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "Cash",
            PaymentMethod::Card => "Card",
            PaymentMethod::Transfer => "Bank transfer",
            PaymentMethod::Insurance => "Insurance",
        }
    }
    pub(crate) fn parse(text: &str) -> PaymentMethod {
        match text {
            "card" => PaymentMethod::Card,
            "transfer" => PaymentMethod::Transfer,
            "insurance" => PaymentMethod::Insurance,
            _ => PaymentMethod::Cash,
        }
    }
    pub const ALL: [PaymentMethod; 4] = [
        PaymentMethod::Cash,
        PaymentMethod::Card,
        PaymentMethod::Transfer,
        PaymentMethod::Insurance,
    ];
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Payment {
    pub id: String,
    pub invoice_id: String,
    pub invoice_number: Option<String>,
    /// Positive for a payment, negative for a refund.
    pub amount: String,
    pub is_refund: bool,
    pub method: PaymentMethod,
    pub reference: String,
    pub credit_note_id: Option<String>,
    pub credit_note_number: Option<String>,
    /// "RCT-K7Q-000007".
    pub receipt_number: String,
    pub received_at: String,
    pub received_by_name: Option<String>,
    pub workstation_id: String,
    /// Set once the desk's cash closing took it.
    pub closing_id: Option<String>,
}

pub(crate) const PAYMENT_SELECT: &str = "SELECT pm.id, pm.invoice_id, i.number_text, pm.amount,
        pm.method, pm.reference, pm.credit_note_id, cn.number_text, pm.receipt_text,
        pm.received_at, u.full_name, pm.workstation_id, pm.closing_id
    FROM payments pm JOIN invoices i ON i.id = pm.invoice_id
        LEFT JOIN credit_notes cn ON cn.id = pm.credit_note_id
        LEFT JOIN users u ON u.id = pm.received_by";

pub(crate) fn payment_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Payment> {
    let amount: String = r.get(3)?;
    Ok(Payment {
        id: r.get(0)?,
        invoice_id: r.get(1)?,
        invoice_number: r.get(2)?,
        is_refund: amount.starts_with('-'),
        amount,
        method: PaymentMethod::parse(&r.get::<_, String>(4)?),
        reference: r.get(5)?,
        credit_note_id: r.get(6)?,
        credit_note_number: r.get(7)?,
        receipt_number: r.get(8)?,
        received_at: r.get(9)?,
        received_by_name: r.get(10)?,
        workstation_id: r.get(11)?,
        closing_id: r.get(12)?,
    })
}

pub(crate) fn payments_of(c: &Connection, invoice_id: &str) -> AppResult<Vec<Payment>> {
    Ok(c.prepare_cached(&format!(
        "{PAYMENT_SELECT} WHERE pm.invoice_id = ?1 ORDER BY pm.received_at, pm.receipt_number"
    ))?
    .query_map([invoice_id], payment_from_row)?
    .collect::<Result<_, _>>()?)
}

pub(crate) fn load_payment(c: &Connection, id: &str) -> AppResult<Payment> {
    c.prepare_cached(&format!("{PAYMENT_SELECT} WHERE pm.id = ?1"))?
        .query_row([id], payment_from_row)
        .optional()?
        .ok_or_else(|| AppError::not_found("no such payment").with_field("payment_id"))
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RecordPaymentInput {
    pub invoice_id: String,
    pub amount: String,
    pub method: PaymentMethod,
    /// Card slip / transfer reference / insurance claim number (required for transfer and
    /// insurance).
    #[serde(default)]
    pub reference: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct PaymentRecorded {
    pub payment: Payment,
    pub invoice: super::Invoice,
}

fn check_reference(method: PaymentMethod, reference: &str) -> AppResult<String> {
    let r = optional_text(reference, "reference", 100)?;
    if r.is_empty() && matches!(method, PaymentMethod::Transfer | PaymentMethod::Insurance) {
        return Err(AppError::field(
            "reference",
            if method == PaymentMethod::Transfer {
                "a bank transfer needs a reference (the bank's transaction reference)"
            } else {
                "an insurance payment needs a reference (the insurer's claim number)"
            },
        ));
    }
    Ok(r)
}

/// Inserts a payment (positive) or refund (negative) with the next receipt number; returns
/// (payment id, receipt number).
struct NewPayment<'a> {
    invoice_id: &'a str,
    patient_id: &'a str,
    amount: Decimal,
    method: PaymentMethod,
    reference: &'a str,
    credit_note_id: Option<&'a str>,
}

fn insert_payment(
    w: &mut crate::store::WriteTx<'_>,
    ctx: &Ctx<'_>,
    new: NewPayment<'_>,
) -> AppResult<(String, String)> {
    let NewPayment {
        invoice_id,
        patient_id,
        amount,
        method,
        reference,
        credit_note_id,
    } = new;
    let series = format!("RCT-{}", workstation_code(w.conn())?);
    let number = next_number(w.conn(), "payments", &series)?;
    let text = number_text(&series, number);
    let id = new_id();
    let now = w.now_text();
    let ws = w.workstation_id().to_owned();
    let me = ctx.user().ok().map(|u| u.id.clone());
    w.conn().execute(
        "INSERT INTO payments (id, invoice_id, patient_id, amount, method, reference, credit_note_id,
             workstation_id, receipt_series, receipt_number, receipt_text, received_by, received_at,
             created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?13)",
        params![
            id,
            invoice_id,
            patient_id,
            amount.to_string(),
            method.as_str(),
            reference,
            credit_note_id,
            ws,
            series,
            number,
            text,
            me,
            now
        ],
    )?;
    w.record_change("payments", &id, ChangeOp::Insert)?;
    Ok((id, text))
}

pub(crate) fn record_payment(
    ctx: &Ctx<'_>,
    input: RecordPaymentInput,
) -> AppResult<PaymentRecorded> {
    let reference = check_reference(input.method, &input.reference)?;
    ctx.write(|w| {
        let invoice = super::invoices::load(w.conn(), &input.invoice_id)?;
        if invoice.status != super::InvoiceStatus::Issued {
            return Err(AppError::conflict(
                "only an issued invoice takes payments: issue the draft first",
            )
            .with_field("invoice_id"));
        }
        let rules = settings(w.conn())?.rules;
        let rules = money::MoneyRules {
            exponent: money::currency_exponent(&invoice.currency),
            ..rules
        };
        let amount = money::parse_amount(&input.amount, "amount", rules.exponent, false)?;
        let balance = money::parse_stored(&invoice.balance)?;
        if balance <= Decimal::ZERO {
            return Err(AppError::conflict(format!(
                "invoice {} has nothing left to pay",
                invoice.number.as_deref().unwrap_or("")
            ))
            .with_field("amount"));
        }
        if amount > balance {
            return Err(AppError::field(
                "amount",
                format!(
                    "the payment is more than the balance of {} {}: the clinic does not keep overpayments",
                    money_text(&rules, balance),
                    invoice.currency
                ),
            ));
        }
        let amount = rules.round(amount);
        let (id, receipt) = insert_payment(
            w,
            ctx,
            NewPayment {
                invoice_id: &invoice.id,
                patient_id: &invoice.patient.id,
                amount,
                method: input.method,
                reference: &reference,
                credit_note_id: None,
            },
        )?;
        w.audit(ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("payments", &id)),
            format!(
                "payment {amount} {} by {} on invoice {} (receipt {receipt})",
                invoice.currency,
                input.method.as_str(),
                invoice.number.as_deref().unwrap_or("")
            ),
        ))?;
        Ok(PaymentRecorded {
            payment: load_payment(w.conn(), &id)?,
            invoice: super::invoices::load(w.conn(), &invoice.id)?,
        })
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RecordRefundInput {
    pub credit_note_id: String,
    /// Positive: the money paid back.
    pub amount: String,
    pub method: PaymentMethod,
    #[serde(default)]
    pub reference: String,
}

pub(crate) fn record_refund(ctx: &Ctx<'_>, input: RecordRefundInput) -> AppResult<PaymentRecorded> {
    let reference = check_reference(input.method, &input.reference)?;
    ctx.write(|w| {
        let (invoice_id, note_total, note_number): (String, String, String) = w
            .conn()
            .query_row(
                "SELECT invoice_id, total, number_text FROM credit_notes WHERE id = ?1",
                [&input.credit_note_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or_else(|| AppError::field("credit_note_id", "no such credit note"))?;
        let invoice = super::invoices::load(w.conn(), &invoice_id)?;
        let exponent = money::currency_exponent(&invoice.currency);
        let mut amount = money::parse_amount(&input.amount, "amount", exponent, false)?;
        amount.rescale(exponent);
        let owed = -money::parse_stored(&invoice.balance)?;
        let refunded_on_note: Decimal = invoice
            .payments
            .iter()
            .filter(|p| p.credit_note_id.as_deref() == Some(&input.credit_note_id))
            .map(|p| money::parse_stored(&p.amount))
            .sum::<AppResult<Decimal>>()?
            .abs();
        let left_on_note = money::parse_stored(&note_total)? - refunded_on_note;
        let limit = owed.min(left_on_note);
        if limit <= Decimal::ZERO {
            return Err(AppError::conflict(format!(
                "nothing is owed back on credit note {note_number}"
            ))
            .with_field("amount"));
        }
        if amount > limit {
            return Err(AppError::field(
                "amount",
                format!(
                    "the refund is more than the {limit} {} owed back on credit note {note_number}",
                    invoice.currency
                ),
            ));
        }
        let (id, receipt) = insert_payment(
            w,
            ctx,
            NewPayment {
                invoice_id: &invoice.id,
                patient_id: &invoice.patient.id,
                amount: -amount,
                method: input.method,
                reference: &reference,
                credit_note_id: Some(&input.credit_note_id),
            },
        )?;
        w.audit(ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("payments", &id)),
            format!(
                "refund {amount} {} by {} for credit note {note_number} (receipt {receipt})",
                invoice.currency,
                input.method.as_str()
            ),
        ))?;
        Ok(PaymentRecorded {
            payment: load_payment(w.conn(), &id)?,
            invoice: super::invoices::load(w.conn(), &invoice.id)?,
        })
    })
}
