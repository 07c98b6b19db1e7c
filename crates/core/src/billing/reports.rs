//! Billing reports: outstanding balances, and revenue over a period by day, month, service,
//! doctor or payment method, with CSV export. Revenue is what was invoiced (issued
//! invoices, by issue date) less what was credited (credit notes, by their date); by
//! payment method it is what was collected less what was refunded. Days are the clinic's.
//!
//! Amounts are summed exactly: stored amounts always carry the currency's decimals, so
//! `REPLACE(amount, '.', '')` is the amount in minor units as an integer.

use super::invoices::{summary_from_row, InvoicePatient, InvoiceSummary, SUMMARY_SELECT};
use super::payments::PaymentMethod;
use super::{money, money_text, parse_date, settings};
use crate::error::{AppError, AppResult};
use crate::registry::{Ctx, NoInput};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use rusqlite::params;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::str::FromStr;

/// Issued invoices with a balance above zero (a refund due is not "outstanding").
const OUTSTANDING_WHERE: &str = "i.status = 'issued' AND
    CAST(REPLACE(i.total, '.', '') AS INTEGER)
    - COALESCE((SELECT SUM(CAST(REPLACE(n.total, '.', '') AS INTEGER)) FROM credit_notes n WHERE n.invoice_id = i.id), 0)
    - COALESCE((SELECT SUM(CAST(REPLACE(pm.amount, '.', '') AS INTEGER)) FROM payments pm WHERE pm.invoice_id = i.id), 0) > 0";

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct OutstandingPatient {
    pub patient: InvoicePatient,
    pub invoices: Vec<InvoiceSummary>,
    pub balance: String,
    /// The oldest unpaid invoice's issue time.
    pub oldest_issued_at: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Outstanding {
    pub patients: Vec<OutstandingPatient>,
    pub total_balance: String,
    pub invoice_count: u32,
    pub currency: String,
}

fn outstanding_invoices(c: &rusqlite::Connection) -> AppResult<Vec<InvoiceSummary>> {
    Ok(c.prepare_cached(&format!(
        "{SUMMARY_SELECT} WHERE {OUTSTANDING_WHERE} ORDER BY i.issued_at"
    ))?
    .query_map([], summary_from_row)?
    .collect::<Result<_, _>>()?)
}

pub(crate) fn list_outstanding(ctx: &Ctx<'_>, _: NoInput) -> AppResult<Outstanding> {
    ctx.read(|c| {
        let s = settings(c)?;
        let invoices = outstanding_invoices(c)?;
        let mut by_patient: Vec<OutstandingPatient> = Vec::new();
        let mut total = Decimal::ZERO;
        for inv in &invoices {
            let balance = money::parse_stored(&inv.balance)?;
            total += balance;
            match by_patient
                .iter_mut()
                .find(|p| p.patient.id == inv.patient.id)
            {
                Some(p) => {
                    p.balance = money_text(&s.rules, money::parse_stored(&p.balance)? + balance);
                    p.invoices.push(inv.clone());
                }
                None => by_patient.push(OutstandingPatient {
                    patient: inv.patient.clone(),
                    invoices: vec![inv.clone()],
                    balance: inv.balance.clone(),
                    oldest_issued_at: inv.issued_at.clone().unwrap_or_default(),
                }),
            }
        }
        // Largest balance first.
        by_patient.sort_by(|a, b| {
            let (x, y) = (
                Decimal::from_str(&a.balance).unwrap_or_default(),
                Decimal::from_str(&b.balance).unwrap_or_default(),
            );
            y.cmp(&x).then(a.oldest_issued_at.cmp(&b.oldest_issued_at))
        });
        Ok(Outstanding {
            invoice_count: invoices.len() as u32,
            patients: by_patient,
            total_balance: money_text(&s.rules, total),
            currency: s.currency,
        })
    })
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum RevenueGrouping {
    Day,
    Month,
    Service,
    Doctor,
    Method,
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RevenueReportInput {
    /// First day, YYYY-MM-DD (clinic calendar).
    pub from: String,
    /// Last day, included.
    pub to: String,
    pub group_by: RevenueGrouping,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct RevenueRow {
    pub key: String,
    pub label: String,
    /// Invoices (or lines, by service; payments, by method).
    pub count: u32,
    /// Invoiced (by method: collected).
    pub gross: String,
    /// Credited (by method: refunded).
    pub credited: String,
    pub net: String,
    /// Tax in the net amount (not by method).
    pub tax: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct RevenueReport {
    pub from: String,
    pub to: String,
    pub group_by: RevenueGrouping,
    pub rows: Vec<RevenueRow>,
    pub total: RevenueRow,
    pub currency: String,
}

#[derive(Default)]
struct Acc {
    label: String,
    count: u32,
    gross: Decimal,
    credited: Decimal,
    tax: Decimal,
}

fn bounds(zone: &Tz, from: NaiveDate, to: NaiveDate) -> AppResult<(String, String)> {
    let start = |d: NaiveDate| -> AppResult<String> {
        let local = d
            .and_hms_opt(0, 0, 0)
            .ok_or_else(|| AppError::internal("bad date"))?;
        let t = zone
            .from_local_datetime(&local)
            .earliest()
            .ok_or_else(|| AppError::internal("no local midnight"))?;
        Ok(t.with_timezone(&Utc)
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
    };
    let next = to
        .succ_opt()
        .ok_or_else(|| AppError::field("to", "that date is out of range"))?;
    Ok((start(from)?, start(next)?))
}

fn local_day(zone: &Tz, at: &str) -> String {
    DateTime::parse_from_rfc3339(at)
        .map(|d| d.with_timezone(zone).date_naive().to_string())
        .unwrap_or_else(|_| at.get(..10).unwrap_or(at).to_owned())
}

pub(crate) fn revenue_report(ctx: &Ctx<'_>, input: RevenueReportInput) -> AppResult<RevenueReport> {
    let from = parse_date(&input.from, "from")?;
    let to = parse_date(&input.to, "to")?;
    if to < from {
        return Err(AppError::field("to", "the period ends before it starts"));
    }
    if (to - from).num_days() > 366 * 20 {
        return Err(AppError::field("to", "a report covers at most 20 years"));
    }
    ctx.read(|c| {
        let s = settings(c)?;
        let zone = crate::scheduling::clinic_zone(c)?;
        let (lo, hi) = bounds(&zone, from, to)?;
        let mut acc: BTreeMap<String, Acc> = BTreeMap::new();
        let dec = |t: &str| money::parse_stored(t);
        let key_of_time = |at: &str| -> (String, String) {
            let day = local_day(&zone, at);
            match input.group_by {
                RevenueGrouping::Month => {
                    let m = day.get(..7).unwrap_or(&day).to_owned();
                    (m.clone(), m)
                }
                _ => (day.clone(), day),
            }
        };
        match input.group_by {
            RevenueGrouping::Day | RevenueGrouping::Month | RevenueGrouping::Doctor => {
                let by_doctor = input.group_by == RevenueGrouping::Doctor;
                let mut stmt = c.prepare_cached(
                    "SELECT i.issued_at, i.total, i.tax_total, COALESCE(i.doctor_id, ''),
                            COALESCE(d.full_name, 'No doctor')
                     FROM invoices i LEFT JOIN users d ON d.id = i.doctor_id
                     WHERE i.status = 'issued' AND i.issued_at >= ?1 AND i.issued_at < ?2",
                )?;
                let rows = stmt.query_map(params![lo, hi], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, String>(4)?))
                })?;
                for row in rows {
                    let (at, total, tax, doctor, name) = row?;
                    let (k, label) = if by_doctor { (doctor, name) } else { key_of_time(&at) };
                    let a = acc.entry(k).or_default();
                    a.label = label;
                    a.count += 1;
                    a.gross += dec(&total)?;
                    a.tax += dec(&tax)?;
                }
                let mut stmt = c.prepare_cached(
                    "SELECT n.issued_at, n.total, n.tax_total, COALESCE(i.doctor_id, ''),
                            COALESCE(d.full_name, 'No doctor')
                     FROM credit_notes n JOIN invoices i ON i.id = n.invoice_id
                         LEFT JOIN users d ON d.id = i.doctor_id
                     WHERE n.issued_at >= ?1 AND n.issued_at < ?2",
                )?;
                let rows = stmt.query_map(params![lo, hi], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, String>(4)?))
                })?;
                for row in rows {
                    let (at, total, tax, doctor, name) = row?;
                    let (k, label) = if by_doctor { (doctor, name) } else { key_of_time(&at) };
                    let a = acc.entry(k).or_default();
                    a.label = label;
                    a.credited += dec(&total)?;
                    a.tax -= dec(&tax)?;
                }
            }
            RevenueGrouping::Service => {
                let mut stmt = c.prepare_cached(
                    "SELECT COALESCE(l.price_item_id, 'line:' || l.description), l.description,
                            l.total, l.tax
                     FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
                     WHERE i.status = 'issued' AND i.issued_at >= ?1 AND i.issued_at < ?2
                       AND l.status = 'active'",
                )?;
                let rows = stmt.query_map(params![lo, hi], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
                })?;
                for row in rows {
                    let (k, label, total, tax) = row?;
                    let a = acc.entry(k).or_default();
                    a.label = label;
                    a.count += 1;
                    a.gross += dec(&total)?;
                    a.tax += dec(&tax)?;
                }
                let mut stmt = c.prepare_cached(
                    "SELECT COALESCE(l.price_item_id, 'line:' || l.description), l.description,
                            cl.total, cl.tax
                     FROM credit_note_lines cl JOIN credit_notes n ON n.id = cl.credit_note_id
                         JOIN invoice_lines l ON l.id = cl.invoice_line_id
                     WHERE n.issued_at >= ?1 AND n.issued_at < ?2",
                )?;
                let rows = stmt.query_map(params![lo, hi], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
                })?;
                for row in rows {
                    let (k, label, total, tax) = row?;
                    let a = acc.entry(k).or_default();
                    if a.label.is_empty() {
                        a.label = label;
                    }
                    a.credited += dec(&total)?;
                    a.tax -= dec(&tax)?;
                }
            }
            RevenueGrouping::Method => {
                let mut stmt = c.prepare_cached(
                    "SELECT method, amount FROM payments WHERE received_at >= ?1 AND received_at < ?2",
                )?;
                let rows = stmt.query_map(params![lo, hi], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                })?;
                for row in rows {
                    let (method, amount) = row?;
                    let m = PaymentMethod::parse(&method);
                    let a = acc.entry(m.as_str().to_owned()).or_default();
                    a.label = m.label().to_owned();
                    let v = dec(&amount)?;
                    if v.is_sign_negative() {
                        a.credited -= v;
                    } else {
                        a.count += 1;
                        a.gross += v;
                    }
                }
            }
        }
        let row = |k: String, a: &Acc| RevenueRow {
            key: k,
            label: a.label.clone(),
            count: a.count,
            gross: money_text(&s.rules, a.gross),
            credited: money_text(&s.rules, a.credited),
            net: money_text(&s.rules, a.gross - a.credited),
            tax: money_text(&s.rules, a.tax),
        };
        let mut sum = Acc {
            label: "Total".into(),
            ..Acc::default()
        };
        let mut rows = Vec::new();
        for (k, a) in &acc {
            sum.count += a.count;
            sum.gross += a.gross;
            sum.credited += a.credited;
            sum.tax += a.tax;
            rows.push(row(k.clone(), a));
        }
        if matches!(
            input.group_by,
            RevenueGrouping::Service | RevenueGrouping::Doctor
        ) {
            rows.sort_by(|a, b| {
                Decimal::from_str(&b.net)
                    .unwrap_or_default()
                    .cmp(&Decimal::from_str(&a.net).unwrap_or_default())
                    .then(a.label.cmp(&b.label))
            });
        }
        Ok(RevenueReport {
            from: from.to_string(),
            to: to.to_string(),
            group_by: input.group_by,
            rows,
            total: row(String::new(), &sum),
            currency: s.currency,
        })
    })
}

#[derive(Debug, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct CsvExport {
    pub file_name: String,
    pub content: String,
    pub rows: u32,
}

fn csv_text(header: &[&str], rows: &[Vec<String>]) -> AppResult<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header)
        .map_err(|e| AppError::internal(e.to_string()))?;
    for r in rows {
        w.write_record(r)
            .map_err(|e| AppError::internal(e.to_string()))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| AppError::internal(e.to_string()))?;
    // A byte-order mark, so spreadsheet programs read names like García as UTF-8.
    String::from_utf8(bytes)
        .map(|text| format!("\u{feff}{text}"))
        .map_err(|e| AppError::internal(e.to_string()))
}

pub(crate) fn export_revenue_csv(ctx: &Ctx<'_>, input: RevenueReportInput) -> AppResult<CsvExport> {
    let group = input.group_by;
    let report = revenue_report(ctx, input)?;
    let by = match group {
        RevenueGrouping::Day => "day",
        RevenueGrouping::Month => "month",
        RevenueGrouping::Service => "service",
        RevenueGrouping::Doctor => "doctor",
        RevenueGrouping::Method => "method",
    };
    let (gross, credited) = if group == RevenueGrouping::Method {
        ("collected", "refunded")
    } else {
        ("invoiced", "credited")
    };
    let mut rows: Vec<Vec<String>> = report
        .rows
        .iter()
        .map(|r| {
            vec![
                r.label.clone(),
                r.count.to_string(),
                r.gross.clone(),
                r.credited.clone(),
                r.net.clone(),
                r.tax.clone(),
            ]
        })
        .collect();
    let t = &report.total;
    rows.push(vec![
        "Total".into(),
        t.count.to_string(),
        t.gross.clone(),
        t.credited.clone(),
        t.net.clone(),
        t.tax.clone(),
    ]);
    let header = [by, "count", gross, credited, "net", "tax"];
    Ok(CsvExport {
        file_name: format!("revenue-by-{by}-{}-to-{}.csv", report.from, report.to),
        rows: rows.len() as u32,
        content: csv_text(&header, &rows)?,
    })
}

pub(crate) fn export_outstanding_csv(ctx: &Ctx<'_>, _: NoInput) -> AppResult<CsvExport> {
    let today = ctx.read(|c| super::clinic_today(c, ctx.now))?;
    ctx.read(|c| {
        let zone = crate::scheduling::clinic_zone(c)?;
        let invoices = outstanding_invoices(c)?;
        let rows: Vec<Vec<String>> = invoices
            .iter()
            .map(|i| {
                vec![
                    i.number.clone().unwrap_or_default(),
                    i.issued_at
                        .as_deref()
                        .map(|a| local_day(&zone, a))
                        .unwrap_or_default(),
                    i.due_date.clone().unwrap_or_default(),
                    i.patient.mrn.clone(),
                    i.patient.name.clone(),
                    i.doctor_name.clone().unwrap_or_default(),
                    i.currency.clone(),
                    i.total.clone(),
                    i.credited.clone(),
                    i.paid.clone(),
                    i.balance.clone(),
                ]
            })
            .collect();
        Ok(CsvExport {
            file_name: format!("outstanding-invoices-{today}.csv"),
            rows: rows.len() as u32,
            content: csv_text(
                &[
                    "invoice", "issued", "due", "mrn", "patient", "doctor", "currency", "total",
                    "credited", "paid", "balance",
                ],
                &rows,
            )?,
        })
    })
}
