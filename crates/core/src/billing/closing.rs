//! End-of-day cash closing per desk (workstation): every payment and refund this desk took
//! since its last closing, totals by method, the cash expected in the drawer (cash taken −
//! cash refunded; the till float is set aside before counting) against the cash counted.
//! The closing claims those payments in the same transaction, so a payment taken a moment
//! after the closing belongs to the next one. A difference needs a note.

use super::payments::{payment_from_row, Payment, PaymentMethod, PAYMENT_SELECT};
use super::{money, money_text, settings};
use crate::audit::AuditOutcome;
use crate::clinic::optional_text;
use crate::clock::new_id;
use crate::error::{AppError, AppResult};
use crate::registry::{Ctx, NoInput};
use crate::store::ChangeOp;
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct MethodTotal {
    pub method: PaymentMethod,
    pub count: u32,
    /// Net of refunds.
    pub amount: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct CashClosingPreview {
    pub workstation_id: String,
    /// The previous closing of this desk (None: the first one).
    pub period_start: Option<String>,
    pub payments: Vec<Payment>,
    pub by_method: Vec<MethodTotal>,
    pub expected_cash: String,
    pub currency: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct CashClosing {
    pub id: String,
    pub workstation_id: String,
    pub closed_by_name: Option<String>,
    pub closed_at: String,
    pub period_start: Option<String>,
    pub payment_count: u32,
    pub by_method: Vec<MethodTotal>,
    pub expected_cash: String,
    pub counted_cash: String,
    /// counted − expected: negative means cash is missing.
    pub difference: String,
    pub note: String,
    pub currency: String,
    pub payments: Vec<Payment>,
}

fn open_payments(c: &Connection, workstation_id: &str) -> AppResult<Vec<Payment>> {
    Ok(c.prepare_cached(&format!(
        "{PAYMENT_SELECT} WHERE pm.workstation_id = ?1 AND pm.closing_id IS NULL
             ORDER BY pm.received_at, pm.receipt_number"
    ))?
    .query_map([workstation_id], payment_from_row)?
    .collect::<Result<_, _>>()?)
}

fn totals(
    rules: &money::MoneyRules,
    payments: &[Payment],
) -> AppResult<(Vec<MethodTotal>, Decimal)> {
    let mut by: BTreeMap<&'static str, (PaymentMethod, u32, Decimal)> = BTreeMap::new();
    for p in payments {
        let e = by
            .entry(p.method.as_str())
            .or_insert((p.method, 0, Decimal::ZERO));
        e.1 += 1;
        e.2 += money::parse_stored(&p.amount)?;
    }
    let cash = by.get("cash").map_or(Decimal::ZERO, |e| e.2);
    let list = PaymentMethod::ALL
        .iter()
        .filter_map(|m| by.get(m.as_str()))
        .map(|(m, n, a)| MethodTotal {
            method: *m,
            count: *n,
            amount: money_text(rules, *a),
        })
        .collect();
    Ok((list, cash))
}

fn last_closing(c: &Connection, workstation_id: &str) -> AppResult<Option<String>> {
    Ok(
        c.prepare_cached("SELECT MAX(closed_at) FROM cash_closings WHERE workstation_id = ?1")?
            .query_row([workstation_id], |r| r.get(0))
            .optional()?
            .flatten(),
    )
}

pub(crate) fn cash_closing_preview(ctx: &Ctx<'_>, _: NoInput) -> AppResult<CashClosingPreview> {
    let ws = ctx.ws.store().workstation_id().to_owned();
    ctx.read(|c| {
        let s = settings(c)?;
        let payments = open_payments(c, &ws)?;
        let (by_method, cash) = totals(&s.rules, &payments)?;
        Ok(CashClosingPreview {
            period_start: last_closing(c, &ws)?,
            workstation_id: ws,
            payments,
            by_method,
            expected_cash: money_text(&s.rules, cash),
            currency: s.currency,
        })
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CloseCashInput {
    pub counted_cash: String,
    /// Required when counted and expected cash differ.
    #[serde(default)]
    pub note: String,
}

pub(crate) fn close_cash(ctx: &Ctx<'_>, input: CloseCashInput) -> AppResult<CashClosing> {
    let note = optional_text(&input.note, "note", 1_000)?;
    ctx.write(|w| {
        let s = settings(w.conn())?;
        let counted =
            money::parse_amount(&input.counted_cash, "counted_cash", s.rules.exponent, true)?;
        let ws = w.workstation_id().to_owned();
        let payments = open_payments(w.conn(), &ws)?;
        let (by_method, expected) = totals(&s.rules, &payments)?;
        let difference = s.rules.round(counted - expected);
        if !difference.is_zero() && note.is_empty() {
            return Err(AppError::field(
                "note",
                format!(
                    "the counted cash differs from the expected {} by {}: say why in a note",
                    money_text(&s.rules, expected),
                    difference
                ),
            ));
        }
        let id = new_id();
        let now = w.now_text();
        let period_start = last_closing(w.conn(), &ws)?;
        let me = ctx.user().ok().map(|u| u.id.clone());
        let totals_json = serde_json::to_string(
            &by_method
                .iter()
                .map(|m| (m.method.as_str(), m.amount.clone()))
                .collect::<BTreeMap<_, _>>(),
        )
        .map_err(|e| AppError::internal(e.to_string()))?;
        w.conn().execute(
            "INSERT INTO cash_closings (id, workstation_id, closed_by, closed_at, period_start,
                 payment_count, expected_cash, counted_cash, difference, totals_json, note,
                 created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?4, ?4)",
            params![
                id,
                ws,
                me,
                now,
                period_start,
                payments.len() as i64,
                money_text(&s.rules, expected),
                money_text(&s.rules, counted),
                difference.to_string(),
                totals_json,
                note
            ],
        )?;
        w.record_change("cash_closings", &id, ChangeOp::Insert)?;
        for p in &payments {
            w.conn().execute(
                "UPDATE payments SET closing_id = ?2, updated_at = ?3 WHERE id = ?1",
                params![p.id, id, now],
            )?;
            w.record_change("payments", &p.id, ChangeOp::Update)?;
        }
        w.audit(ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("cash_closings", &id)),
            format!(
                "cash closing: {} payments, expected {} counted {} difference {} {}",
                payments.len(),
                money_text(&s.rules, expected),
                money_text(&s.rules, counted),
                difference,
                s.currency
            ),
        ))?;
        load_closing(w.conn(), &id)
    })
}

pub(crate) fn load_closing(c: &Connection, id: &str) -> AppResult<CashClosing> {
    let s = settings(c)?;
    let mut closing = c
        .prepare_cached(
            "SELECT k.id, k.workstation_id, u.full_name, k.closed_at, k.period_start,
                    k.payment_count, k.expected_cash, k.counted_cash, k.difference, k.note
             FROM cash_closings k LEFT JOIN users u ON u.id = k.closed_by WHERE k.id = ?1",
        )?
        .query_row([id], |r| {
            Ok(CashClosing {
                id: r.get(0)?,
                workstation_id: r.get(1)?,
                closed_by_name: r.get(2)?,
                closed_at: r.get(3)?,
                period_start: r.get(4)?,
                payment_count: r.get(5)?,
                by_method: Vec::new(),
                expected_cash: r.get(6)?,
                counted_cash: r.get(7)?,
                difference: r.get(8)?,
                note: r.get(9)?,
                currency: s.currency.clone(),
                payments: Vec::new(),
            })
        })
        .optional()?
        .ok_or_else(|| AppError::not_found("no such cash closing").with_field("closing_id"))?;
    closing.payments = c
        .prepare_cached(&format!(
            "{PAYMENT_SELECT} WHERE pm.closing_id = ?1 ORDER BY pm.received_at, pm.receipt_number"
        ))?
        .query_map([id], payment_from_row)?
        .collect::<Result<_, _>>()?;
    closing.by_method = totals(&s.rules, &closing.payments)?.0;
    Ok(closing)
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListCashClosingsInput {
    /// Absent: every desk.
    #[serde(default)]
    pub this_desk_only: bool,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub limit: Option<u32>,
}

pub(crate) fn list_cash_closings(
    ctx: &Ctx<'_>,
    input: ListCashClosingsInput,
) -> AppResult<Vec<CashClosing>> {
    let ws = ctx.ws.store().workstation_id().to_owned();
    let limit = input.limit.unwrap_or(30).clamp(1, 200);
    ctx.read(|c| {
        let ids: Vec<String> = c
            .prepare_cached(
                "SELECT id FROM cash_closings WHERE (?1 = '' OR workstation_id = ?1)
                 ORDER BY closed_at DESC LIMIT ?2",
            )?
            .query_map(
                params![
                    if input.this_desk_only {
                        ws.as_str()
                    } else {
                        ""
                    },
                    limit
                ],
                |r| r.get(0),
            )?
            .collect::<Result<_, _>>()?;
        ids.iter().map(|id| load_closing(c, id)).collect()
    })
}
