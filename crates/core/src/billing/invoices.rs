//! Invoices: a draft is built by hand or from a completed appointment, its amounts worked
//! out again (money.rs) at every change; issuing numbers it from this workstation's series
//! and freezes it (the store refuses any later change); a draft may be discarded with a
//! reason, an issued invoice only credited.

use super::credit::{credit_notes_of, CreditNote};
use super::payments::{payments_of, Payment};
use super::pricelist::{consultation_item, load_item, PriceItemKind};
use super::{
    clinic_today, money, money_text, next_number, number_text, parse_date, parse_discount,
    settings, stored_discount, workstation_code, DiscountKind,
};
use crate::audit::AuditOutcome;
use crate::clinic::{optional_text, required};
use crate::clock::new_id;
use crate::error::{AppError, AppResult};
use crate::registry::Ctx;
use crate::store::{ChangeOp, WriteTx};
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    Draft,
    Issued,
    Discarded,
}

/// Where an issued invoice stands with its money.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// Draft or discarded: nothing is owed.
    NotIssued,
    Unpaid,
    PartlyPaid,
    Paid,
    /// Credited in full and nothing was paid, or everything paid was refunded.
    Credited,
    /// After a credit note the clinic owes the patient money back.
    RefundDue,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct InvoicePatient {
    pub id: String,
    pub name: String,
    pub mrn: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct InvoiceLine {
    pub id: String,
    pub position: i64,
    pub price_item_id: Option<String>,
    pub kind: PriceItemKind,
    pub code: String,
    pub description: String,
    /// Exact decimal text ("1", "2.5").
    pub quantity: String,
    pub unit: String,
    pub unit_price: String,
    pub discount_kind: DiscountKind,
    pub discount_value: String,
    pub tax_category_id: String,
    pub tax_name: String,
    pub tax_rate: String,
    /// quantity × unit price.
    pub gross: String,
    /// The line's own discount plus its share of the invoice's.
    pub discount: String,
    /// Without tax.
    pub net: String,
    pub tax: String,
    /// With tax.
    pub total: String,
    /// How much of the quantity credit notes have taken back.
    pub credited_quantity: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct TaxLine {
    pub name: String,
    pub rate: String,
    pub base: String,
    pub tax: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Invoice {
    pub id: String,
    pub patient: InvoicePatient,
    pub status: InvoiceStatus,
    /// "INV-K7Q-000042" once issued.
    pub number: Option<String>,
    pub appointment_id: Option<String>,
    pub encounter_id: Option<String>,
    pub doctor_id: Option<String>,
    pub doctor_name: Option<String>,
    pub service_date: String,
    pub currency: String,
    pub prices_include_tax: bool,
    /// The rounding rule the invoice was made with.
    pub rounding: money::Rounding,
    pub discount_kind: DiscountKind,
    pub discount_value: String,
    pub notes: String,
    pub due_date: Option<String>,
    pub lines: Vec<InvoiceLine>,
    pub taxes: Vec<TaxLine>,
    pub subtotal: String,
    pub discount_total: String,
    pub net_total: String,
    pub tax_total: String,
    pub total: String,
    /// Σ credit notes.
    pub credited: String,
    /// Σ payments − Σ refunds.
    pub paid: String,
    /// total − credited − paid; negative: money owed back to the patient.
    pub balance: String,
    pub payment_status: PaymentStatus,
    pub payments: Vec<Payment>,
    pub credit_notes: Vec<CreditNote>,
    pub created_by_name: Option<String>,
    pub created_at: String,
    pub issued_at: Option<String>,
    pub issued_by_name: Option<String>,
    pub discard_reason: String,
}

const LINE_SELECT: &str = "SELECT l.id, l.position, l.price_item_id, l.kind, l.code, l.description,
        l.quantity, l.unit, l.unit_price, l.discount_kind, l.discount_value, l.tax_category_id,
        l.tax_name, l.tax_rate, l.gross, l.discount, l.net, l.tax, l.total,
        COALESCE((SELECT group_concat(cl.quantity, '|') FROM credit_note_lines cl
                  WHERE cl.invoice_line_id = l.id), '')
    FROM invoice_lines l";

fn line_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<InvoiceLine> {
    let credited: String = r.get(19)?;
    let credited_quantity: Decimal = credited
        .split('|')
        .filter_map(|q| Decimal::from_str(q).ok())
        .sum();
    Ok(InvoiceLine {
        id: r.get(0)?,
        position: r.get(1)?,
        price_item_id: r.get(2)?,
        kind: PriceItemKind::parse(&r.get::<_, String>(3)?),
        code: r.get(4)?,
        description: r.get(5)?,
        quantity: r.get(6)?,
        unit: r.get(7)?,
        unit_price: r.get(8)?,
        discount_kind: DiscountKind::parse(&r.get::<_, String>(9)?),
        discount_value: r.get(10)?,
        tax_category_id: r.get(11)?,
        tax_name: r.get(12)?,
        tax_rate: r.get(13)?,
        gross: r.get(14)?,
        discount: r.get(15)?,
        net: r.get(16)?,
        tax: r.get(17)?,
        total: r.get(18)?,
        credited_quantity: credited_quantity.normalize().to_string(),
    })
}

pub(crate) fn lines_of(c: &Connection, invoice_id: &str) -> AppResult<Vec<InvoiceLine>> {
    Ok(c.prepare_cached(&format!(
        "{LINE_SELECT} WHERE l.invoice_id = ?1 AND l.status = 'active' ORDER BY l.position"
    ))?
    .query_map([invoice_id], line_from_row)?
    .collect::<Result<_, _>>()?)
}

struct Header {
    patient: InvoicePatient,
    status: InvoiceStatus,
    number: Option<String>,
    appointment_id: Option<String>,
    encounter_id: Option<String>,
    doctor_id: Option<String>,
    doctor_name: Option<String>,
    service_date: String,
    currency: String,
    prices_include_tax: bool,
    rounding: String,
    discount_kind: DiscountKind,
    discount_value: String,
    notes: String,
    due_date: Option<String>,
    totals: [String; 4],
    created_by_name: Option<String>,
    created_at: String,
    issued_at: Option<String>,
    issued_by_name: Option<String>,
    discard_reason: String,
}

fn header(c: &Connection, id: &str) -> AppResult<Header> {
    c.prepare_cached(
        "SELECT i.patient_id, p.given_name || ' ' || p.family_name, p.mrn, i.status, i.number_text,
                i.appointment_id, i.encounter_id, i.doctor_id, d.full_name, i.service_date,
                i.currency, i.prices_include_tax, i.rounding, i.discount_kind, i.discount_value,
                i.notes, i.due_date, i.subtotal, i.discount_total, i.tax_total, i.total,
                cu.full_name, i.created_at, i.issued_at, iu.full_name, i.discard_reason
         FROM invoices i JOIN patients p ON p.id = i.patient_id
             LEFT JOIN users d ON d.id = i.doctor_id
             LEFT JOIN users cu ON cu.id = i.created_by
             LEFT JOIN users iu ON iu.id = i.issued_by
         WHERE i.id = ?1",
    )?
    .query_row([id], |r| {
        Ok(Header {
            patient: InvoicePatient {
                id: r.get(0)?,
                name: r.get(1)?,
                mrn: r.get(2)?,
            },
            status: match r.get::<_, String>(3)?.as_str() {
                "issued" => InvoiceStatus::Issued,
                "discarded" => InvoiceStatus::Discarded,
                _ => InvoiceStatus::Draft,
            },
            number: r.get(4)?,
            appointment_id: r.get(5)?,
            encounter_id: r.get(6)?,
            doctor_id: r.get(7)?,
            doctor_name: r.get(8)?,
            service_date: r.get(9)?,
            currency: r.get(10)?,
            prices_include_tax: r.get(11)?,
            rounding: r.get(12)?,
            discount_kind: DiscountKind::parse(&r.get::<_, String>(13)?),
            discount_value: r.get(14)?,
            notes: r.get(15)?,
            due_date: r.get(16)?,
            totals: [r.get(17)?, r.get(18)?, r.get(19)?, r.get(20)?],
            created_by_name: r.get(21)?,
            created_at: r.get(22)?,
            issued_at: r.get(23)?,
            issued_by_name: r.get(24)?,
            discard_reason: r.get(25)?,
        })
    })
    .optional()?
    .ok_or_else(|| AppError::not_found("no such invoice").with_field("invoice_id"))
}

fn rules_of(h: &Header) -> money::MoneyRules {
    money::MoneyRules::for_currency(
        &h.currency,
        money::Rounding::parse(&h.rounding),
        h.prices_include_tax,
    )
}

/// The invoice as the UI and the PDF show it.
pub(crate) fn load(c: &Connection, id: &str) -> AppResult<Invoice> {
    let h = header(c, id)?;
    let rules = rules_of(&h);
    let lines = lines_of(c, id)?;
    // The tax breakdown, grouped as money.rs grouped it: by category and rate.
    let mut taxes: Vec<(String, String, String, Decimal, Decimal)> = Vec::new();
    for l in &lines {
        let net = money::parse_stored(&l.net)?;
        let tax = money::parse_stored(&l.tax)?;
        match taxes
            .iter_mut()
            .find(|t| t.0 == l.tax_category_id && t.2 == l.tax_rate)
        {
            Some(t) => {
                t.3 += net;
                t.4 += tax;
            }
            None => taxes.push((
                l.tax_category_id.clone(),
                l.tax_name.clone(),
                l.tax_rate.clone(),
                net,
                tax,
            )),
        }
    }
    let payments = payments_of(c, id)?;
    let credit_notes = credit_notes_of(c, id)?;
    let total = money::parse_stored(&h.totals[3])?;
    let credited: Decimal = credit_notes
        .iter()
        .map(|n| money::parse_stored(&n.total))
        .sum::<AppResult<Decimal>>()?;
    let paid: Decimal = payments
        .iter()
        .map(|p| money::parse_stored(&p.amount))
        .sum::<AppResult<Decimal>>()?;
    let balance = total - credited - paid;
    let payment_status = match h.status {
        InvoiceStatus::Draft | InvoiceStatus::Discarded => PaymentStatus::NotIssued,
        InvoiceStatus::Issued => {
            if balance < Decimal::ZERO {
                PaymentStatus::RefundDue
            } else if balance.is_zero() {
                if paid.is_zero() && credited > Decimal::ZERO {
                    PaymentStatus::Credited
                } else {
                    PaymentStatus::Paid
                }
            } else if paid > Decimal::ZERO {
                PaymentStatus::PartlyPaid
            } else {
                PaymentStatus::Unpaid
            }
        }
    };
    let net_total: Decimal = lines
        .iter()
        .map(|l| money::parse_stored(&l.net))
        .sum::<AppResult<Decimal>>()?;
    Ok(Invoice {
        id: id.to_owned(),
        patient: h.patient,
        status: h.status,
        number: h.number,
        appointment_id: h.appointment_id,
        encounter_id: h.encounter_id,
        doctor_id: h.doctor_id,
        doctor_name: h.doctor_name,
        service_date: h.service_date,
        currency: h.currency,
        prices_include_tax: h.prices_include_tax,
        rounding: rules.rounding,
        discount_kind: h.discount_kind,
        discount_value: h.discount_value,
        notes: h.notes,
        due_date: h.due_date,
        lines,
        taxes: taxes
            .into_iter()
            .map(|(_, name, rate, base, tax)| TaxLine {
                name,
                rate,
                base: money_text(&rules, base),
                tax: money_text(&rules, tax),
            })
            .collect(),
        subtotal: h.totals[0].clone(),
        discount_total: h.totals[1].clone(),
        net_total: money_text(&rules, net_total),
        tax_total: h.totals[2].clone(),
        total: h.totals[3].clone(),
        credited: money_text(&rules, credited),
        paid: money_text(&rules, paid),
        balance: money_text(&rules, balance),
        payment_status,
        payments,
        credit_notes,
        created_by_name: h.created_by_name,
        created_at: h.created_at,
        issued_at: h.issued_at,
        issued_by_name: h.issued_by_name,
        discard_reason: h.discard_reason,
    })
}

/// Works the draft's amounts out again and stores them (lines and totals).
fn recompute(w: &WriteTx<'_>, invoice_id: &str) -> AppResult<()> {
    let c = w.conn();
    let h = header(c, invoice_id)?;
    let rules = rules_of(&h);
    let lines = lines_of(c, invoice_id)?;
    let inputs = lines
        .iter()
        .map(|l| {
            Ok(money::LineInput {
                quantity: money::parse_stored(&l.quantity)?,
                unit_price: money::parse_stored(&l.unit_price)?,
                discount: stored_discount(l.discount_kind.as_str(), &l.discount_value)?,
                tax_key: l.tax_category_id.clone(),
                tax_rate: money::parse_stored(&l.tax_rate)?,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let discount = stored_discount(h.discount_kind.as_str(), &h.discount_value)?;
    let totals = money::compute(&rules, &inputs, discount).map_err(|e| match e {
        money::TotalsError::LineDiscountTooLarge { line } => AppError::field(
            "discount_value",
            format!(
                "the discount on line {} is more than the line's amount",
                line + 1
            ),
        ),
        money::TotalsError::InvoiceDiscountTooLarge => AppError::field(
            "discount_value",
            "the invoice discount is more than the invoice's amount",
        ),
    })?;
    let now = w.now_text();
    for (l, a) in lines.iter().zip(&totals.lines) {
        c.prepare_cached(
            "UPDATE invoice_lines SET gross = ?2, discount = ?3, net = ?4, tax = ?5, total = ?6,
                 updated_at = ?7
             WHERE id = ?1 AND (gross, discount, net, tax, total) IS NOT (?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            l.id,
            a.gross.to_string(),
            a.discount.to_string(),
            a.net.to_string(),
            a.tax.to_string(),
            a.total.to_string(),
            now
        ])?;
    }
    c.prepare_cached(
        "UPDATE invoices SET subtotal = ?2, discount_total = ?3, tax_total = ?4, total = ?5,
             updated_at = ?6 WHERE id = ?1",
    )?
    .execute(params![
        invoice_id,
        totals.subtotal.to_string(),
        totals.discount_total.to_string(),
        totals.tax_total.to_string(),
        totals.total.to_string(),
        now
    ])?;
    Ok(())
}

/// Logs the invoice and its lines for sync after a change of the draft.
fn log_draft(w: &mut WriteTx<'_>, invoice_id: &str, op: ChangeOp) -> AppResult<()> {
    w.record_change("invoices", invoice_id, op)?;
    let ids: Vec<String> = w
        .conn()
        .prepare_cached("SELECT id FROM invoice_lines WHERE invoice_id = ?1")?
        .query_map([invoice_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for id in ids {
        w.record_change("invoice_lines", &id, ChangeOp::Update)?;
    }
    Ok(())
}

fn require_draft(c: &Connection, invoice_id: &str) -> AppResult<Header> {
    let h = header(c, invoice_id)?;
    match h.status {
        InvoiceStatus::Draft => Ok(h),
        InvoiceStatus::Issued => Err(AppError::conflict(format!(
            "invoice {} is issued and can no longer change: correct it with a credit note",
            h.number.as_deref().unwrap_or("")
        ))
        .with_field("invoice_id")),
        InvoiceStatus::Discarded => {
            Err(AppError::conflict("this draft was discarded").with_field("invoice_id"))
        }
    }
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CreateInvoiceInput {
    pub patient_id: String,
    /// The date of the service (YYYY-MM-DD, prices of that day); absent: today.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub service_date: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub doctor_id: Option<String>,
    #[serde(default)]
    pub notes: String,
}

/// What a new draft starts with.
struct NewInvoice<'a> {
    patient_id: &'a str,
    service_date: &'a str,
    doctor_id: Option<&'a str>,
    appointment_id: Option<&'a str>,
    encounter_id: Option<&'a str>,
    notes: &'a str,
}

fn insert_invoice(w: &mut WriteTx<'_>, ctx: &Ctx<'_>, new: NewInvoice<'_>) -> AppResult<String> {
    let NewInvoice {
        patient_id,
        service_date,
        doctor_id,
        appointment_id,
        encounter_id,
        notes,
    } = new;
    let s = settings(w.conn())?;
    let id = new_id();
    let now = w.now_text();
    let me = ctx.user().ok().map(|u| u.id.clone());
    let ws = w.workstation_id().to_owned();
    w.conn().execute(
        "INSERT INTO invoices (id, patient_id, workstation_id, appointment_id, encounter_id,
             doctor_id, service_date, currency, prices_include_tax, rounding, notes, created_by,
             created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)",
        params![
            id,
            patient_id,
            ws,
            appointment_id,
            encounter_id,
            doctor_id,
            service_date,
            s.currency,
            s.rules.prices_include_tax,
            s.rules.rounding.as_str(),
            notes,
            me,
            now
        ],
    )?;
    Ok(id)
}

fn check_doctor(c: &Connection, doctor_id: &str) -> AppResult<()> {
    let role: Option<String> = c
        .query_row("SELECT role FROM users WHERE id = ?1", [doctor_id], |r| {
            r.get(0)
        })
        .optional()?;
    if role.as_deref() != Some("doctor") {
        return Err(AppError::field("doctor_id", "that is not a doctor"));
    }
    Ok(())
}

pub(crate) fn create_invoice(ctx: &Ctx<'_>, input: CreateInvoiceInput) -> AppResult<Invoice> {
    let notes = optional_text(&input.notes, "notes", 1_000)?;
    ctx.write(|w| {
        crate::patients::require_active(w.conn(), &input.patient_id)?;
        let today = clinic_today(w.conn(), ctx.now)?;
        let date = match &input.service_date {
            Some(d) => {
                let d = parse_date(d, "service_date")?;
                if d > today {
                    return Err(AppError::field(
                        "service_date",
                        "the service date cannot be in the future",
                    ));
                }
                d
            }
            None => today,
        };
        if let Some(d) = &input.doctor_id {
            check_doctor(w.conn(), d)?;
        }
        let id = insert_invoice(
            w,
            ctx,
            NewInvoice {
                patient_id: &input.patient_id,
                service_date: &date.to_string(),
                doctor_id: input.doctor_id.as_deref(),
                appointment_id: None,
                encounter_id: None,
                notes: &notes,
            },
        )?;
        w.record_change("invoices", &id, ChangeOp::Insert)?;
        w.audit(ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("invoices", &id)),
            "draft invoice started",
        ))?;
        load(w.conn(), &id)
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct FromAppointmentInput {
    pub appointment_id: String,
}

pub(crate) fn create_invoice_from_appointment(
    ctx: &Ctx<'_>,
    input: FromAppointmentInput,
) -> AppResult<Invoice> {
    ctx.write(|w| {
        let row: Option<(String, String, String, String, String, String, String)> = w
            .conn()
            .query_row(
                "SELECT a.patient_id, a.doctor_id, a.visit_type_id, a.status, a.starts_at, v.name, u.full_name
                 FROM appointments a JOIN visit_types v ON v.id = a.visit_type_id
                     JOIN users u ON u.id = a.doctor_id WHERE a.id = ?1",
                [&input.appointment_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
            )
            .optional()?;
        let (patient_id, doctor_id, visit_type_id, status, starts_at, visit_name, doctor_name) =
            row.ok_or_else(|| AppError::field("appointment_id", "no such appointment"))?;
        if status != "completed" {
            return Err(AppError::field(
                "appointment_id",
                format!(
                    "only a completed appointment is invoiced (this one is {})",
                    status.replace('_', " ")
                ),
            ));
        }
        let existing: Option<String> = w
            .conn()
            .query_row(
                "SELECT COALESCE(number_text, 'a draft') FROM invoices
                 WHERE appointment_id = ?1 AND status <> 'discarded'",
                [&input.appointment_id],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(n) = existing {
            return Err(AppError::conflict(format!(
                "this appointment is already invoiced ({n})"
            ))
            .with_field("appointment_id"));
        }
        crate::patients::require_active(w.conn(), &patient_id)?;
        let zone = crate::scheduling::clinic_zone(w.conn())?;
        let date = chrono::DateTime::parse_from_rfc3339(&starts_at)
            .map(|d| d.with_timezone(&zone).date_naive())
            .map_err(|_| AppError::internal("a stored appointment time is damaged"))?
            .to_string();
        let encounter: Option<String> = w
            .conn()
            .query_row(
                "SELECT id FROM encounters WHERE appointment_id = ?1 AND status <> 'entered_in_error'
                 ORDER BY created_at LIMIT 1",
                [&input.appointment_id],
                |r| r.get(0),
            )
            .optional()?;
        let id = insert_invoice(
            w,
            ctx,
            NewInvoice {
                patient_id: &patient_id,
                service_date: &date,
                doctor_id: Some(&doctor_id),
                appointment_id: Some(&input.appointment_id),
                encounter_id: encounter.as_deref(),
                notes: "",
            },
        )?;
        // The consultation, priced from the list; else the doctor's own fee.
        match consultation_item(w.conn(), &visit_type_id, &doctor_id)? {
            Some(item) => {
                add_line_from_item(w, &id, &date, &item, Decimal::ONE, None, None)?;
            }
            None => {
                let fee: Option<String> = w
                    .conn()
                    .query_row(
                        "SELECT consultation_fee FROM users WHERE id = ?1",
                        [&doctor_id],
                        |r| r.get(0),
                    )
                    .optional()?
                    .flatten();
                let fee = fee.filter(|f| !f.is_empty()).ok_or_else(|| {
                    AppError::conflict(format!(
                        "the price list has no consultation for {visit_name} with {doctor_name}, and the doctor has no fee: add one to the price list first"
                    ))
                    .with_field("appointment_id")
                })?;
                insert_line(
                    w,
                    &id,
                    NewLine {
                        price_item_id: None,
                        kind: PriceItemKind::Consultation,
                        code: String::new(),
                        description: format!("{visit_name} — {doctor_name}"),
                        quantity: Decimal::ONE,
                        unit: "visit".into(),
                        unit_price: money::parse_stored(&fee)?,
                        tax_category_id: "tax-standard".into(),
                        discount: (DiscountKind::None, "0".into()),
                    },
                )?;
            }
        }
        recompute(w, &id)?;
        log_draft(w, &id, ChangeOp::Insert)?;
        w.audit(ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("invoices", &id)),
            format!("draft invoice started from appointment {}", input.appointment_id),
        ))?;
        load(w.conn(), &id)
    })
}

struct NewLine {
    price_item_id: Option<String>,
    kind: PriceItemKind,
    code: String,
    description: String,
    quantity: Decimal,
    unit: String,
    unit_price: Decimal,
    tax_category_id: String,
    discount: (DiscountKind, String),
}

fn insert_line(w: &WriteTx<'_>, invoice_id: &str, line: NewLine) -> AppResult<String> {
    let c = w.conn();
    let (tax_name, tax_rate, tax_active): (String, String, bool) = c
        .query_row(
            "SELECT name, rate, active FROM tax_categories WHERE id = ?1",
            [&line.tax_category_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .ok_or_else(|| AppError::field("tax_category_id", "no such tax category"))?;
    if !tax_active {
        return Err(AppError::field(
            "tax_category_id",
            "that tax category is retired",
        ));
    }
    let position: i64 = c.query_row(
        "SELECT COALESCE(MAX(position), 0) + 1 FROM invoice_lines WHERE invoice_id = ?1",
        [invoice_id],
        |r| r.get(0),
    )?;
    let id = new_id();
    c.execute(
        "INSERT INTO invoice_lines (id, invoice_id, position, price_item_id, kind, code, description,
             quantity, unit, unit_price, discount_kind, discount_value, tax_category_id, tax_name,
             tax_rate, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16)",
        params![
            id,
            invoice_id,
            position,
            line.price_item_id,
            line.kind.as_str(),
            line.code,
            line.description,
            line.quantity.normalize().to_string(),
            line.unit,
            line.unit_price.to_string(),
            line.discount.0.as_str(),
            line.discount.1,
            line.tax_category_id,
            tax_name,
            tax_rate,
            w.now_text()
        ],
    )?;
    Ok(id)
}

fn add_line_from_item(
    w: &WriteTx<'_>,
    invoice_id: &str,
    service_date: &str,
    item_id: &str,
    quantity: Decimal,
    unit_price: Option<Decimal>,
    description: Option<String>,
) -> AppResult<String> {
    let item = load_item(w.conn(), item_id, service_date)?;
    if !item.active {
        return Err(AppError::field(
            "price_item_id",
            format!("{} is no longer on the price list", item.name),
        ));
    }
    let price = match unit_price {
        Some(p) => p,
        None => money::parse_stored(item.price.as_deref().ok_or_else(|| {
            AppError::field(
                "price_item_id",
                format!("{} has no price on {service_date}", item.name),
            )
        })?)?,
    };
    insert_line(
        w,
        invoice_id,
        NewLine {
            price_item_id: Some(item.id.clone()),
            kind: item.kind,
            code: item.code.clone(),
            description: description.unwrap_or(item.name),
            quantity,
            unit: item.unit,
            unit_price: price,
            tax_category_id: item.tax_category_id,
            discount: (DiscountKind::None, "0".into()),
        },
    )
}

fn parse_quantity(text: &str, field: &str) -> AppResult<Decimal> {
    let q = Decimal::from_str(text.trim())
        .map_err(|_| AppError::field(field, "the quantity is a number, e.g. 1 or 2.5"))?;
    if q <= Decimal::ZERO {
        return Err(AppError::field(
            field,
            "the quantity must be more than zero",
        ));
    }
    if q > Decimal::from(100_000) {
        return Err(AppError::field(field, "the quantity is too large"));
    }
    if q.normalize().scale() > 3 {
        return Err(AppError::field(
            field,
            "the quantity has at most 3 decimals",
        ));
    }
    Ok(q)
}

fn parse_unit_price(text: &str, field: &str) -> AppResult<Decimal> {
    // Unit prices may be finer than the currency (0.125 per ml); line amounts are rounded.
    let p = money::parse_amount(text, field, 4, true)?;
    Ok(p)
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AddInvoiceLineInput {
    pub invoice_id: String,
    /// From the price list; absent: a line typed by hand (description, unit price required).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub price_item_id: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub description: Option<String>,
    /// Default "1".
    #[serde(default)]
    #[ts(optional = nullable)]
    pub quantity: Option<String>,
    /// Default: the price list's price on the service date.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub unit_price: Option<String>,
    /// For a line typed by hand; default: Standard.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub tax_category_id: Option<String>,
    #[serde(default)]
    pub discount_kind: DiscountKind,
    #[serde(default)]
    pub discount_value: String,
}

pub(crate) fn add_invoice_line(ctx: &Ctx<'_>, input: AddInvoiceLineInput) -> AppResult<Invoice> {
    let quantity = match &input.quantity {
        Some(q) => parse_quantity(q, "quantity")?,
        None => Decimal::ONE,
    };
    let unit_price = input
        .unit_price
        .as_deref()
        .map(|p| parse_unit_price(p, "unit_price"))
        .transpose()?;
    let description = input
        .description
        .as_deref()
        .map(|d| required(d, "description", 200))
        .transpose()?;
    ctx.write(|w| {
        let h = require_draft(w.conn(), &input.invoice_id)?;
        let exponent = rules_of(&h).exponent;
        let discount = parse_discount(
            input.discount_kind,
            &input.discount_value,
            "discount_value",
            exponent,
        )?;
        let line_id = match &input.price_item_id {
            Some(item) => {
                let id = add_line_from_item(
                    w,
                    &input.invoice_id,
                    &h.service_date,
                    item,
                    quantity,
                    unit_price,
                    description,
                )?;
                if let Some(tax) = &input.tax_category_id {
                    set_line_tax(w, &id, tax)?;
                }
                id
            }
            None => insert_line(
                w,
                &input.invoice_id,
                NewLine {
                    price_item_id: None,
                    kind: PriceItemKind::Other,
                    code: String::new(),
                    description: description.ok_or_else(|| {
                        AppError::field("description", "a line typed by hand needs a description")
                    })?,
                    quantity,
                    unit: String::new(),
                    unit_price: unit_price.ok_or_else(|| {
                        AppError::field("unit_price", "a line typed by hand needs a unit price")
                    })?,
                    tax_category_id: input
                        .tax_category_id
                        .clone()
                        .unwrap_or_else(|| "tax-standard".into()),
                    discount: (DiscountKind::None, "0".into()),
                },
            )?,
        };
        w.conn().execute(
            "UPDATE invoice_lines SET discount_kind = ?2, discount_value = ?3 WHERE id = ?1",
            params![line_id, input.discount_kind.as_str(), discount.1],
        )?;
        recompute(w, &input.invoice_id)?;
        log_draft(w, &input.invoice_id, ChangeOp::Update)?;
        w.record_change("invoice_lines", &line_id, ChangeOp::Insert)?;
        w.audit(ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("invoices", &input.invoice_id)),
            "line added to draft invoice",
        ))?;
        load(w.conn(), &input.invoice_id)
    })
}

fn set_line_tax(w: &WriteTx<'_>, line_id: &str, tax_category_id: &str) -> AppResult<()> {
    let (name, rate, active): (String, String, bool) = w
        .conn()
        .query_row(
            "SELECT name, rate, active FROM tax_categories WHERE id = ?1",
            [tax_category_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .ok_or_else(|| AppError::field("tax_category_id", "no such tax category"))?;
    if !active {
        return Err(AppError::field(
            "tax_category_id",
            "that tax category is retired",
        ));
    }
    w.conn().execute(
        "UPDATE invoice_lines SET tax_category_id = ?2, tax_name = ?3, tax_rate = ?4 WHERE id = ?1",
        params![line_id, tax_category_id, name, rate],
    )?;
    Ok(())
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateInvoiceLineInput {
    pub line_id: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub description: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub quantity: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub unit_price: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub tax_category_id: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub discount_kind: Option<DiscountKind>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub discount_value: Option<String>,
}

fn invoice_of_line(c: &Connection, line_id: &str) -> AppResult<String> {
    c.query_row(
        "SELECT invoice_id FROM invoice_lines WHERE id = ?1 AND status = 'active'",
        [line_id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| AppError::not_found("no such invoice line").with_field("line_id"))
}

pub(crate) fn update_invoice_line(
    ctx: &Ctx<'_>,
    input: UpdateInvoiceLineInput,
) -> AppResult<Invoice> {
    let quantity = input
        .quantity
        .as_deref()
        .map(|q| parse_quantity(q, "quantity"))
        .transpose()?;
    let unit_price = input
        .unit_price
        .as_deref()
        .map(|p| parse_unit_price(p, "unit_price"))
        .transpose()?;
    let description = input
        .description
        .as_deref()
        .map(|d| required(d, "description", 200))
        .transpose()?;
    ctx.write(|w| {
        let invoice_id = invoice_of_line(w.conn(), &input.line_id)?;
        let h = require_draft(w.conn(), &invoice_id)?;
        let c = w.conn();
        if let Some(q) = quantity {
            c.execute(
                "UPDATE invoice_lines SET quantity = ?2 WHERE id = ?1",
                params![input.line_id, q.normalize().to_string()],
            )?;
        }
        if let Some(p) = unit_price {
            c.execute(
                "UPDATE invoice_lines SET unit_price = ?2 WHERE id = ?1",
                params![input.line_id, p.to_string()],
            )?;
        }
        if let Some(d) = &description {
            c.execute(
                "UPDATE invoice_lines SET description = ?2 WHERE id = ?1",
                params![input.line_id, d],
            )?;
        }
        if let Some(t) = &input.tax_category_id {
            set_line_tax(w, &input.line_id, t)?;
        }
        if input.discount_kind.is_some() || input.discount_value.is_some() {
            let (kind, value): (String, String) = w.conn().query_row(
                "SELECT discount_kind, discount_value FROM invoice_lines WHERE id = ?1",
                [&input.line_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let kind = input.discount_kind.unwrap_or(DiscountKind::parse(&kind));
            let value = input.discount_value.clone().unwrap_or(value);
            let (_, value) = parse_discount(kind, &value, "discount_value", rules_of(&h).exponent)?;
            w.conn().execute(
                "UPDATE invoice_lines SET discount_kind = ?2, discount_value = ?3 WHERE id = ?1",
                params![input.line_id, kind.as_str(), value],
            )?;
        }
        w.conn().execute(
            "UPDATE invoice_lines SET updated_at = ?2 WHERE id = ?1",
            params![input.line_id, w.now_text()],
        )?;
        recompute(w, &invoice_id)?;
        log_draft(w, &invoice_id, ChangeOp::Update)?;
        w.audit(ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("invoices", &invoice_id)),
            "line of draft invoice changed",
        ))?;
        load(w.conn(), &invoice_id)
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RemoveInvoiceLineInput {
    pub line_id: String,
}

pub(crate) fn remove_invoice_line(
    ctx: &Ctx<'_>,
    input: RemoveInvoiceLineInput,
) -> AppResult<Invoice> {
    ctx.write(|w| {
        let invoice_id = invoice_of_line(w.conn(), &input.line_id)?;
        require_draft(w.conn(), &invoice_id)?;
        w.conn().execute(
            "UPDATE invoice_lines SET status = 'removed', updated_at = ?2 WHERE id = ?1",
            params![input.line_id, w.now_text()],
        )?;
        recompute(w, &invoice_id)?;
        log_draft(w, &invoice_id, ChangeOp::Update)?;
        w.audit(ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("invoices", &invoice_id)),
            "line removed from draft invoice",
        ))?;
        load(w.conn(), &invoice_id)
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateInvoiceInput {
    pub invoice_id: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub discount_kind: Option<DiscountKind>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub discount_value: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub notes: Option<String>,
    /// YYYY-MM-DD; an empty text clears it.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub due_date: Option<String>,
}

pub(crate) fn update_invoice(ctx: &Ctx<'_>, input: UpdateInvoiceInput) -> AppResult<Invoice> {
    let notes = input
        .notes
        .as_deref()
        .map(|n| optional_text(n, "notes", 1_000))
        .transpose()?;
    ctx.write(|w| {
        let h = require_draft(w.conn(), &input.invoice_id)?;
        let kind = input.discount_kind.unwrap_or(h.discount_kind);
        let value = input
            .discount_value
            .clone()
            .unwrap_or(h.discount_value.clone());
        let (_, value) = parse_discount(kind, &value, "discount_value", rules_of(&h).exponent)?;
        let due = match input.due_date.as_deref().map(str::trim) {
            None => h.due_date.clone(),
            Some("") => None,
            Some(d) => {
                let due = parse_date(d, "due_date")?;
                if due.to_string() < h.service_date {
                    return Err(AppError::field(
                        "due_date",
                        "the due date cannot be before the service date",
                    ));
                }
                Some(due.to_string())
            }
        };
        w.conn().execute(
            "UPDATE invoices SET discount_kind = ?2, discount_value = ?3, notes = ?4, due_date = ?5,
                 updated_at = ?6 WHERE id = ?1",
            params![
                input.invoice_id,
                kind.as_str(),
                value,
                notes.unwrap_or(h.notes),
                due,
                w.now_text()
            ],
        )?;
        recompute(w, &input.invoice_id)?;
        log_draft(w, &input.invoice_id, ChangeOp::Update)?;
        w.audit(ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("invoices", &input.invoice_id)),
            "draft invoice changed",
        ))?;
        load(w.conn(), &input.invoice_id)
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct InvoiceRef {
    pub invoice_id: String,
}

/// Issues a draft inside the caller's transaction: the next number of this workstation's
/// series, totals worked out one last time, frozen.
pub(crate) fn issue_in(w: &mut WriteTx<'_>, ctx: &Ctx<'_>, invoice_id: &str) -> AppResult<String> {
    require_draft(w.conn(), invoice_id)?;
    let patient: String = w.conn().query_row(
        "SELECT patient_id FROM invoices WHERE id = ?1",
        [invoice_id],
        |r| r.get(0),
    )?;
    crate::patients::require_active(w.conn(), &patient)?;
    let lines = lines_of(w.conn(), invoice_id)?.len();
    if lines == 0 {
        return Err(AppError::field(
            "invoice_id",
            "an invoice needs at least one line before it is issued",
        ));
    }
    recompute(w, invoice_id)?;
    let s = settings(w.conn())?;
    let series = format!("{}-{}", s.invoice_prefix, workstation_code(w.conn())?);
    let number = next_number(w.conn(), "invoices", &series)?;
    let text = number_text(&series, number);
    let me = ctx.user().ok().map(|u| u.id.clone());
    let now = w.now_text();
    w.conn().execute(
        "UPDATE invoices SET status = 'issued', series = ?2, number = ?3, number_text = ?4,
             issued_by = ?5, issued_at = ?6, updated_at = ?6 WHERE id = ?1",
        params![invoice_id, series, number, text, me, now],
    )?;
    log_draft(w, invoice_id, ChangeOp::Update)?;
    let total: String = w.conn().query_row(
        "SELECT total FROM invoices WHERE id = ?1",
        [invoice_id],
        |r| r.get(0),
    )?;
    w.audit(ctx.audit_entry(
        AuditOutcome::Ok,
        Some(("invoices", invoice_id)),
        format!("invoice {text} issued, total {total} {}", s.currency),
    ))?;
    Ok(text)
}

pub(crate) fn issue_invoice(ctx: &Ctx<'_>, input: InvoiceRef) -> AppResult<Invoice> {
    ctx.write(|w| {
        issue_in(w, ctx, &input.invoice_id)?;
        load(w.conn(), &input.invoice_id)
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct DiscardInvoiceInput {
    pub invoice_id: String,
    pub reason: String,
}

pub(crate) fn discard_invoice(ctx: &Ctx<'_>, input: DiscardInvoiceInput) -> AppResult<Invoice> {
    let reason = required(&input.reason, "reason", 500)?;
    ctx.write(|w| {
        require_draft(w.conn(), &input.invoice_id)?;
        w.conn().execute(
            "UPDATE invoices SET status = 'discarded', discard_reason = ?2, updated_at = ?3
             WHERE id = ?1",
            params![input.invoice_id, reason, w.now_text()],
        )?;
        w.record_change("invoices", &input.invoice_id, ChangeOp::Update)?;
        w.audit(ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("invoices", &input.invoice_id)),
            format!("draft invoice discarded: {reason}"),
        ))?;
        load(w.conn(), &input.invoice_id)
    })
}

pub(crate) fn get_invoice(ctx: &Ctx<'_>, input: InvoiceRef) -> AppResult<Invoice> {
    ctx.read(|c| load(c, &input.invoice_id))
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct InvoiceSummary {
    pub id: String,
    pub number: Option<String>,
    pub status: InvoiceStatus,
    pub patient: InvoicePatient,
    pub doctor_name: Option<String>,
    pub service_date: String,
    pub issued_at: Option<String>,
    pub due_date: Option<String>,
    pub currency: String,
    pub total: String,
    pub credited: String,
    pub paid: String,
    pub balance: String,
    pub created_at: String,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListInvoicesInput {
    #[serde(default)]
    #[ts(optional = nullable)]
    pub patient_id: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub status: Option<InvoiceStatus>,
    /// Only issued invoices with a balance above zero.
    #[serde(default)]
    pub outstanding_only: bool,
    /// An invoice number (or its end: "42", "000042").
    #[serde(default)]
    pub number: String,
    /// At most 200; default 50.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub limit: Option<u32>,
}

pub(crate) const SUMMARY_SELECT: &str = "SELECT i.id, i.number_text, i.status, i.patient_id,
        p.given_name || ' ' || p.family_name, p.mrn, d.full_name, i.service_date, i.issued_at,
        i.due_date, i.currency, i.total, i.rounding, i.prices_include_tax, i.created_at,
        COALESCE((SELECT group_concat(total, '|') FROM credit_notes WHERE invoice_id = i.id), ''),
        COALESCE((SELECT group_concat(amount, '|') FROM payments WHERE invoice_id = i.id), '')
    FROM invoices i JOIN patients p ON p.id = i.patient_id LEFT JOIN users d ON d.id = i.doctor_id";

fn sum_list(text: &str) -> Decimal {
    text.split('|')
        .filter_map(|t| Decimal::from_str(t).ok())
        .sum()
}

pub(crate) fn summary_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<InvoiceSummary> {
    let currency: String = r.get(10)?;
    let rules = money::MoneyRules::for_currency(
        &currency,
        money::Rounding::parse(&r.get::<_, String>(12)?),
        r.get(13)?,
    );
    let total_text: String = r.get(11)?;
    let total = Decimal::from_str(&total_text).unwrap_or_default();
    let credited = sum_list(&r.get::<_, String>(15)?);
    let paid = sum_list(&r.get::<_, String>(16)?);
    Ok(InvoiceSummary {
        id: r.get(0)?,
        number: r.get(1)?,
        status: match r.get::<_, String>(2)?.as_str() {
            "issued" => InvoiceStatus::Issued,
            "discarded" => InvoiceStatus::Discarded,
            _ => InvoiceStatus::Draft,
        },
        patient: InvoicePatient {
            id: r.get(3)?,
            name: r.get(4)?,
            mrn: r.get(5)?,
        },
        doctor_name: r.get(6)?,
        service_date: r.get(7)?,
        issued_at: r.get(8)?,
        due_date: r.get(9)?,
        currency,
        total: total_text,
        credited: money_text(&rules, credited),
        paid: money_text(&rules, paid),
        balance: money_text(&rules, total - credited - paid),
        created_at: r.get(14)?,
    })
}

pub(crate) fn list_invoices(
    ctx: &Ctx<'_>,
    input: ListInvoicesInput,
) -> AppResult<Vec<InvoiceSummary>> {
    let limit = input.limit.unwrap_or(50).clamp(1, 200);
    ctx.read(|c| {
        let mut sql = format!("{SUMMARY_SELECT} WHERE 1 = 1");
        let mut args: Vec<String> = Vec::new();
        if let Some(p) = &input.patient_id {
            args.push(p.clone());
            sql.push_str(&format!(" AND i.patient_id = ?{}", args.len()));
        }
        if let Some(s) = input.status {
            args.push(
                match s {
                    InvoiceStatus::Draft => "draft",
                    InvoiceStatus::Issued => "issued",
                    InvoiceStatus::Discarded => "discarded",
                }
                .into(),
            );
            sql.push_str(&format!(" AND i.status = ?{}", args.len()));
        }
        if input.outstanding_only {
            sql.push_str(" AND i.status = 'issued'");
        }
        let number = input.number.trim();
        if !number.is_empty() {
            args.push(format!(
                "%{}",
                number.to_uppercase().replace(['%', '_'], "")
            ));
            sql.push_str(&format!(" AND i.number_text LIKE ?{}", args.len()));
        }
        sql.push_str(" ORDER BY i.created_at DESC, i.id DESC");
        if !input.outstanding_only {
            sql.push_str(&format!(" LIMIT {limit}"));
        }
        let mut stmt = c.prepare(&sql)?;
        let bound: Vec<&dyn rusqlite::ToSql> =
            args.iter().map(|a| a as &dyn rusqlite::ToSql).collect();
        let mut out: Vec<InvoiceSummary> = stmt
            .query_map(bound.as_slice(), summary_from_row)?
            .collect::<Result<_, _>>()?;
        if input.outstanding_only {
            out.retain(|s| Decimal::from_str(&s.balance).is_ok_and(|b| b > Decimal::ZERO));
            out.truncate(limit as usize);
        }
        Ok(out)
    })
}
