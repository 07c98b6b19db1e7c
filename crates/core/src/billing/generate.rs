//! Years of billing history for the billing benchmark, deterministic for a seed: issued
//! invoices with 1–5 lines from a price list (three tax rates, line and invoice discounts),
//! payments at the desk (in full or in part), later transfers and insurance payments,
//! invoices never paid, credit notes (whole invoices or one line) with some refunds, and
//! the desk's cash closing at the end of every working day.
//!
//! The price list (with a back-dated older price), the tax category and nothing else go
//! through the ordinary commands. The billing rows are bulk-inserted, a few large
//! `Store::write` transactions in all, in the shapes the commands write: amounts worked out
//! by [`money::compute`], numbers gap-free in this workstation's series in time order,
//! lines inserted while the invoice is a draft and then issued (the store's freeze triggers
//! check every row). Left out, as for history that arrived by import: the change log (sync
//! would not ship these rows) and the per-row audit entries (one entry per batch instead).

use super::money::{self, Discount, LineInput, MoneyRules};
use super::{money_text, next_number, number_text, settings, workstation_code};
use crate::audit::{AuditEntry, AuditOutcome};
use crate::clock::{new_id, to_db_time};
use crate::error::{AppError, AppResult};
use crate::workstation::{Caller, Workstation};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rusqlite::{params, OptionalExtension};
use rust_decimal::Decimal;
use serde_json::json;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::str::FromStr;

/// What was made.
#[derive(Debug, Clone, Default)]
pub struct GeneratedBilling {
    /// Issued invoices.
    pub invoices: usize,
    /// Drafts discarded (never numbered).
    pub discarded: usize,
    pub lines: usize,
    /// Payments (positive).
    pub payments: usize,
    pub refunds: usize,
    pub credit_notes: usize,
    pub closings: usize,
    /// Issued invoices planned never to be paid (bad debt; more are still unpaid because
    /// their payment was due after the last generated day).
    pub never_paid: usize,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// "INV-K7Q".
    pub invoice_series: String,
}

/// The price list the generator uses (created once, by code): code, name, kind, tax
/// (standard, reduced or exempt), unit, today's price.
pub const PRICE_LIST: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "G-CONS-GP",
        "General consultation",
        "consultation",
        "exempt",
        "visit",
        "45.00",
    ),
    (
        "G-CONS-SP",
        "Specialist consultation",
        "consultation",
        "exempt",
        "visit",
        "90.00",
    ),
    (
        "G-CONS-FU",
        "Follow-up visit",
        "consultation",
        "exempt",
        "visit",
        "30.00",
    ),
    (
        "G-ECG",
        "Electrocardiogram (ECG)",
        "procedure",
        "standard",
        "",
        "35.00",
    ),
    (
        "G-USG",
        "Abdominal ultrasound",
        "procedure",
        "standard",
        "",
        "80.00",
    ),
    (
        "G-DRESS",
        "Wound dressing",
        "procedure",
        "standard",
        "",
        "18.50",
    ),
    (
        "G-INJ",
        "Intramuscular injection",
        "procedure",
        "standard",
        "",
        "12.00",
    ),
    (
        "G-SPIRO",
        "Spirometry",
        "procedure",
        "standard",
        "",
        "40.00",
    ),
    (
        "G-CBC",
        "Full blood count",
        "lab_test",
        "exempt",
        "",
        "14.90",
    ),
    ("G-LIPID", "Lipid panel", "lab_test", "exempt", "", "22.40"),
    ("G-HBA1C", "HbA1c", "lab_test", "exempt", "", "18.00"),
    ("G-URINE", "Urinalysis", "lab_test", "exempt", "", "9.60"),
    (
        "G-AMOX",
        "Amoxicillin 500 mg, 12 capsules",
        "medicine",
        "reduced",
        "pack",
        "7.35",
    ),
    (
        "G-IBU",
        "Ibuprofen 400 mg, 20 tablets",
        "medicine",
        "reduced",
        "pack",
        "4.99",
    ),
    (
        "G-VACC",
        "Influenza vaccine",
        "medicine",
        "reduced",
        "dose",
        "19.90",
    ),
    (
        "G-GAUZE",
        "Sterile gauze 10 × 10 cm",
        "supply",
        "standard",
        "pack",
        "2.45",
    ),
    (
        "G-BAND",
        "Elastic bandage",
        "supply",
        "standard",
        "",
        "6.80",
    ),
    (
        "G-SPLINT",
        "Finger splint",
        "supply",
        "standard",
        "",
        "11.25",
    ),
];

/// Rows per transaction (issued invoices; their lines, payments and notes come along).
const BATCH: usize = 50_000;

struct Item {
    id: String,
    code: String,
    name: String,
    kind: String,
    unit: String,
    tax_id: String,
    tax_name: String,
    tax_rate_text: String,
    tax_rate: Decimal,
    /// (valid from, price text, price), oldest first.
    prices: Vec<(String, String, Decimal)>,
}

impl Item {
    fn price_on(&self, day: &str) -> Option<&(String, String, Decimal)> {
        self.prices.iter().rev().find(|p| p.0.as_str() <= day)
    }
}

struct LineRow {
    id: String,
    position: i64,
    item: usize,
    quantity: String,
    unit_price: String,
    discount_kind: &'static str,
    discount_value: String,
    amounts: money::LineAmounts,
}

struct InvoiceRow {
    id: String,
    patient_id: String,
    doctor_id: Option<String>,
    service_date: String,
    discount_kind: &'static str,
    discount_value: String,
    totals: money::Totals,
    due_date: Option<String>,
    desk: Option<String>,
    created_at: String,
    issued_at: String,
    discarded: bool,
    lines: Vec<LineRow>,
}

struct CreditRow {
    id: String,
    invoice_id: String,
    patient_id: String,
    reason: &'static str,
    net: Decimal,
    tax: Decimal,
    total: Decimal,
    issued_by: Option<String>,
    issued_at: String,
    /// (invoice line id, quantity, net, tax, total)
    lines: Vec<(String, String, Decimal, Decimal, Decimal)>,
}

struct PaymentRow {
    id: String,
    invoice_id: String,
    patient_id: String,
    amount: Decimal,
    method: &'static str,
    reference: String,
    credit_note_id: Option<String>,
    received_by: Option<String>,
    received_at: String,
    closing_id: Option<String>,
}

struct ClosingRow {
    id: String,
    closed_by: Option<String>,
    closed_at: String,
    period_start: Option<String>,
    payment_count: i64,
    expected: Decimal,
    counted: Decimal,
    totals_json: String,
    note: &'static str,
}

/// An issued invoice that later events (payments, a credit note) still refer to.
struct InvState {
    id: String,
    patient_id: String,
    total: Decimal,
    paid: Decimal,
    credited: Decimal,
    /// (line id, quantity text, tax, total, credited)
    lines: Vec<(String, String, Decimal, Decimal, bool)>,
    last_method: &'static str,
    paid_anything: bool,
}

impl InvState {
    fn balance(&self) -> Decimal {
        self.total - self.credited - self.paid
    }
}

type Shared = Rc<RefCell<InvState>>;

enum Event {
    Invoice(Box<InvoiceRow>),
    /// None: whatever is left to pay.
    Pay(Shared, Option<Decimal>, &'static str, String),
    Credit(Shared, bool, bool),
}

#[derive(Default)]
struct Batch {
    closings: Vec<ClosingRow>,
    invoices: Vec<InvoiceRow>,
    credits: Vec<CreditRow>,
    payments: Vec<PaymentRow>,
    issued: usize,
}

/// Ensures the generator's tax category and price list exist (by code, through the
/// commands as the built-in administrator) with an older price valid from `first_day`.
fn price_list(ws: &Workstation, first_day: NaiveDate) -> AppResult<Vec<Item>> {
    let admin = Caller::LocalAdmin;
    let reduced: Option<String> = ws.store().read(|c| {
        Ok(c.query_row(
            "SELECT id FROM tax_categories WHERE name = 'Reduced' COLLATE NOCASE",
            [],
            |r| r.get(0),
        )
        .optional()?)
    })?;
    let reduced = match reduced {
        Some(id) => id,
        None => ws.dispatch(
            &admin,
            "save_tax_category",
            json!({"name": "Reduced", "rate": "10"}),
        )?["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    };
    for (code, name, kind, tax, unit, price) in PRICE_LIST {
        let exists: Option<String> = ws.store().read(|c| {
            Ok(c.query_row(
                "SELECT id FROM price_items WHERE code = ?1 COLLATE NOCASE",
                [code],
                |r| r.get(0),
            )
            .optional()?)
        })?;
        if exists.is_none() {
            let tax_id = match *tax {
                "standard" => "tax-standard",
                "reduced" => reduced.as_str(),
                _ => "tax-exempt",
            };
            ws.dispatch(
                &admin,
                "save_price_item",
                json!({"code": code, "name": name, "kind": kind, "tax_category_id": tax_id,
                       "unit": unit, "price": price}),
            )?;
        }
    }
    // The price before today's: 8 % lower, valid over the whole generated period.
    let from = first_day.to_string();
    ws.store().write(ws.now(), |w| {
        let now = w.now_text();
        for (code, _, _, _, _, price) in PRICE_LIST {
            let id: String = w.conn().query_row(
                "SELECT id FROM price_items WHERE code = ?1 COLLATE NOCASE",
                [code],
                |r| r.get(0),
            )?;
            let mut older = money::parse_stored(price)? * Decimal::new(92, 2);
            older = older.round_dp(2);
            older.rescale(2);
            w.conn().execute(
                "INSERT OR IGNORE INTO price_versions (id, price_item_id, price, valid_from,
                     created_by, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, NULL, ?5, ?5)",
                params![new_id(), id, older.to_string(), from, now],
            )?;
        }
        Ok(())
    })?;
    ws.store().read(|c| {
        let mut items = Vec::new();
        for (code, ..) in PRICE_LIST {
            let mut item = c.query_row(
                "SELECT p.id, p.code, p.name, p.kind, p.unit, t.id, t.name, t.rate
                 FROM price_items p JOIN tax_categories t ON t.id = p.tax_category_id
                 WHERE p.code = ?1 COLLATE NOCASE",
                [code],
                |r| {
                    let rate: String = r.get(7)?;
                    Ok(Item {
                        id: r.get(0)?,
                        code: r.get(1)?,
                        name: r.get(2)?,
                        kind: r.get(3)?,
                        unit: r.get(4)?,
                        tax_id: r.get(5)?,
                        tax_name: r.get(6)?,
                        tax_rate: Decimal::from_str(&rate).unwrap_or_default(),
                        tax_rate_text: rate,
                        prices: Vec::new(),
                    })
                },
            )?;
            let mut stmt = c.prepare(
                "SELECT valid_from, price FROM price_versions WHERE price_item_id = ?1
                 ORDER BY valid_from",
            )?;
            for row in stmt.query_map([&item.id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })? {
                let (from, text) = row?;
                let price = money::parse_stored(&text)?;
                item.prices.push((from, text, price));
            }
            items.push(item);
        }
        Ok(items)
    })
}

fn ids(ws: &Workstation, sql: &str) -> AppResult<Vec<String>> {
    ws.store().read(|c| {
        let mut stmt = c.prepare(sql)?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    })
}

/// A moment on a clinic day, `minute` minutes after midnight.
fn at(zone: Tz, day: NaiveDate, minute: i64, second: i64) -> DateTime<Utc> {
    let local =
        day.and_time(NaiveTime::MIN) + Duration::minutes(minute) + Duration::seconds(second);
    crate::scheduling::local_naive_to_utc_lenient(zone, local)
}

fn working(day: NaiveDate) -> bool {
    day.weekday() != Weekday::Sun
}

/// The next working day on or after `day`.
fn open_day(mut day: NaiveDate) -> NaiveDate {
    while !working(day) {
        day += Duration::days(1);
    }
    day
}

/// Makes `count` issued invoices over `years` years ending yesterday (clinic time), with
/// their payments, credit notes, refunds and daily cash closings, for the patients (and
/// the doctors and desk staff, when there are any) already in the store.
pub fn generate_invoices(
    ws: &Workstation,
    count: usize,
    years: u32,
    seed: u64,
    now: DateTime<Utc>,
    mut progress: impl FnMut(usize),
) -> AppResult<GeneratedBilling> {
    let mut rng = StdRng::seed_from_u64(seed);
    let zone = ws.store().read(crate::scheduling::clinic_zone)?;
    let today = now.with_timezone(&zone).date_naive();
    let last_day = today - Duration::days(1);
    let first_day = last_day - Duration::days(i64::from(years.max(1)) * 365) + Duration::days(1);
    let items = price_list(ws, first_day)?;
    let patients = ids(
        ws,
        "SELECT id FROM patients WHERE merged_into IS NULL ORDER BY id",
    )?;
    if patients.is_empty() {
        return Err(AppError::field(
            "patients",
            "generate patients first: invoices need patients",
        ));
    }
    let doctors = ids(
        ws,
        "SELECT id FROM users WHERE role = 'doctor' AND active = 1 ORDER BY username",
    )?;
    let desk = ids(
        ws,
        "SELECT id FROM users WHERE role IN ('receptionist', 'accountant') AND active = 1
         ORDER BY username",
    )?;
    let (rules, series, mut period_start) = ws.store().read(|c| {
        let s = settings(c)?;
        let series = format!("{}-{}", s.invoice_prefix, workstation_code(c)?);
        let last: Option<String> = c
            .query_row(
                "SELECT MAX(closed_at) FROM cash_closings WHERE workstation_id = ?1",
                [ws.store().workstation_id()],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        Ok((s.rules, series, last))
    })?;
    let by_kind = |kind: &str| -> Vec<usize> {
        items
            .iter()
            .enumerate()
            .filter(|(_, i)| i.kind == kind)
            .map(|(n, _)| n)
            .collect()
    };
    let consultations = by_kind("consultation");
    let others: Vec<usize> = (0..items.len())
        .filter(|i| !consultations.contains(i))
        .collect();

    let mut made = GeneratedBilling {
        first_day,
        last_day,
        invoice_series: series,
        ..GeneratedBilling::default()
    };
    let weight = |d: NaiveDate| match d.weekday() {
        Weekday::Sun => 0.0,
        Weekday::Sat => 0.5,
        Weekday::Mon => 1.2,
        _ => 1.0,
    };
    let mut weight_left: f64 = (0..=(last_day - first_day).num_days())
        .map(|i| weight(first_day + Duration::days(i)))
        .sum();
    let mut pending: BTreeMap<NaiveDate, Vec<(DateTime<Utc>, Event)>> = BTreeMap::new();
    let mut batch = Batch::default();
    let mut created = 0usize;
    let mut serial = 0u64;
    let pick = |rng: &mut StdRng, list: &[String]| -> Option<String> { list.choose(rng).cloned() };

    let mut day = first_day;
    while day <= last_day {
        if !working(day) {
            day += Duration::days(1);
            continue;
        }
        let w = weight(day);
        let exact = if weight_left > 0.0 {
            (count - created) as f64 * w / weight_left
        } else {
            0.0
        };
        weight_left -= w;
        let noisy = exact * rng.gen_range(0.9..1.1);
        let mut quota = noisy.floor() as usize + usize::from(rng.gen_bool(noisy.fract()));
        if day == last_day || created + quota > count {
            quota = count - created;
        }
        let day_text = day.to_string();
        let mut events: Vec<(DateTime<Utc>, Event)> = pending.remove(&day).unwrap_or_default();
        // Drafts discarded along the way: about 1 in 250 invoices started.
        let discards = (0..quota).filter(|_| rng.gen_bool(0.004)).count();
        for n in 0..quota + discards {
            let discarded = n >= quota;
            let minute = rng.gen_range(8 * 60..19 * 60);
            let t = at(zone, day, minute, rng.gen_range(0..60));
            let desk_user = pick(&mut rng, &desk);
            let doctor = if !doctors.is_empty() && rng.gen_bool(0.85) {
                pick(&mut rng, &doctors)
            } else {
                None
            };
            let n_lines = match rng.gen_range(0..100) {
                0..=39 => 1,
                40..=74 => 2,
                75..=92 => 3,
                93..=97 => 4,
                _ => 5,
            };
            let mut chosen: Vec<usize> = Vec::new();
            if doctor.is_some() {
                chosen.push(match rng.gen_range(0..100) {
                    0..=59 => consultations[0],
                    60..=84 => consultations[1 % consultations.len()],
                    _ => consultations[2 % consultations.len()],
                });
            }
            while chosen.len() < n_lines {
                let i = others[rng.gen_range(0..others.len())];
                if !chosen.contains(&i) {
                    chosen.push(i);
                }
            }
            let mut lines = Vec::new();
            let mut inputs = Vec::new();
            for (pos, &i) in chosen.iter().enumerate() {
                let item = &items[i];
                let Some((_, price_text, price)) = item.price_on(&day_text) else {
                    continue;
                };
                let quantity = if matches!(item.kind.as_str(), "medicine" | "supply") {
                    Decimal::from(*[1, 1, 1, 2, 2, 3].choose(&mut rng).unwrap_or(&1))
                } else {
                    Decimal::ONE
                };
                let (discount, kind, value) = if rng.gen_bool(0.04) {
                    (Discount::Percent(Decimal::TEN), "percent", "10".to_owned())
                } else {
                    (Discount::None, "none", "0".to_owned())
                };
                inputs.push(LineInput {
                    quantity,
                    unit_price: *price,
                    discount,
                    tax_key: item.tax_id.clone(),
                    tax_rate: item.tax_rate,
                });
                lines.push(LineRow {
                    id: new_id(),
                    position: pos as i64 + 1,
                    item: i,
                    quantity: quantity.normalize().to_string(),
                    unit_price: price_text.clone(),
                    discount_kind: kind,
                    discount_value: value,
                    amounts: money::LineAmounts::default(),
                });
            }
            if lines.is_empty() {
                continue;
            }
            let (mut discount, mut d_kind, mut d_value) = match rng.gen_range(0..100) {
                0..=1 => (Discount::Amount(Decimal::from(5)), "amount", "5".to_owned()),
                2..=3 => (
                    Discount::Percent(Decimal::from(15)),
                    "percent",
                    "15".to_owned(),
                ),
                _ => (Discount::None, "none", "0".to_owned()),
            };
            let totals = match money::compute(&rules, &inputs, discount) {
                Ok(t) => t,
                Err(_) => {
                    (discount, d_kind, d_value) = (Discount::None, "none", "0".to_owned());
                    money::compute(&rules, &inputs, discount)
                        .map_err(|e| AppError::internal(format!("generated totals: {e:?}")))?
                }
            };
            for (l, a) in lines.iter_mut().zip(&totals.lines) {
                l.amounts = *a;
            }
            let due_date = rng
                .gen_bool(0.1)
                .then(|| (day + Duration::days(30)).to_string());
            let created_at = to_db_time(t - Duration::seconds(rng.gen_range(30..300)));
            let state_lines = lines
                .iter()
                .map(|l| {
                    (
                        l.id.clone(),
                        l.quantity.clone(),
                        l.amounts.tax,
                        l.amounts.total,
                        false,
                    )
                })
                .collect();
            let row = InvoiceRow {
                id: new_id(),
                patient_id: patients[rng.gen_range(0..patients.len())].clone(),
                doctor_id: doctor,
                service_date: day_text.clone(),
                discount_kind: d_kind,
                discount_value: d_value,
                totals,
                due_date,
                desk: desk_user,
                created_at,
                issued_at: to_db_time(t),
                discarded,
                lines,
            };
            if discarded {
                events.push((t, Event::Invoice(Box::new(row))));
                continue;
            }
            serial += 1;
            let total = row.totals.total;
            let state = Rc::new(RefCell::new(InvState {
                id: row.id.clone(),
                patient_id: row.patient_id.clone(),
                total,
                paid: Decimal::ZERO,
                credited: Decimal::ZERO,
                lines: state_lines,
                last_method: "cash",
                paid_anything: false,
            }));
            events.push((t, Event::Invoice(Box::new(row))));
            let soon = |rng: &mut StdRng| t + Duration::seconds(rng.gen_range(60..480));
            let later = |rng: &mut StdRng, from: i64, to: i64| {
                let d = open_day(day + Duration::days(rng.gen_range(from..=to)));
                (
                    d,
                    at(
                        zone,
                        d,
                        rng.gen_range(8 * 60..19 * 60),
                        rng.gen_range(0..60),
                    ),
                )
            };
            let desk_method = |rng: &mut StdRng| if rng.gen_bool(0.4) { "cash" } else { "card" };
            let r = rng.gen_range(0..1000);
            match r {
                0..=779 => {
                    let m = desk_method(&mut rng);
                    events.push((
                        soon(&mut rng),
                        Event::Pay(state.clone(), None, m, String::new()),
                    ));
                }
                780..=839 => {
                    let part = rules.round(total * Decimal::new(rng.gen_range(30..=70), 2));
                    let m = desk_method(&mut rng);
                    if part > Decimal::ZERO && part < total {
                        events.push((
                            soon(&mut rng),
                            Event::Pay(state.clone(), Some(part), m, String::new()),
                        ));
                    }
                    let (d, when) = later(&mut rng, 7, 45);
                    let m = desk_method(&mut rng);
                    pending
                        .entry(d)
                        .or_default()
                        .push((when, Event::Pay(state.clone(), None, m, String::new())));
                }
                840..=909 => {
                    let (d, when) = later(&mut rng, 10, 60);
                    pending.entry(d).or_default().push((
                        when,
                        Event::Pay(state.clone(), None, "insurance", format!("CLM-{serial:08}")),
                    ));
                }
                910..=949 => {
                    let (d, when) = later(&mut rng, 2, 30);
                    pending.entry(d).or_default().push((
                        when,
                        Event::Pay(state.clone(), None, "transfer", format!("TRF-{serial:08}")),
                    ));
                }
                950..=984 => {
                    let (d, when) = later(&mut rng, 1, 30);
                    let m = desk_method(&mut rng);
                    pending
                        .entry(d)
                        .or_default()
                        .push((when, Event::Pay(state.clone(), None, m, String::new())));
                }
                _ => made.never_paid += 1,
            }
            // About 1.5 % are corrected by a credit note: the whole invoice or its last line.
            if rng.gen_bool(0.015) {
                let full = rng.gen_bool(0.4);
                let refund = rng.gen_bool(0.8);
                if rng.gen_bool(0.5) {
                    let when = t + Duration::seconds(rng.gen_range(600..3600));
                    events.push((when, Event::Credit(state.clone(), full, refund)));
                } else {
                    let (d, when) = later(&mut rng, 1, 20);
                    pending
                        .entry(d)
                        .or_default()
                        .push((when, Event::Credit(state.clone(), full, refund)));
                }
            }
        }
        created += quota;

        // The day in time order: numbers follow it.
        events.sort_by_key(|e| e.0);
        let closing_id = new_id();
        let close_today = day < last_day;
        let mut by_method: BTreeMap<&'static str, (i64, Decimal)> = BTreeMap::new();
        let mut day_payments = 0i64;
        let mut pay = |batch: &mut Batch,
                       st: &mut InvState,
                       amount: Decimal,
                       method: &'static str,
                       reference: String,
                       credit_note_id: Option<String>,
                       who: Option<String>,
                       when: DateTime<Utc>| {
            let mut amount = rules.round(amount);
            amount.rescale(rules.exponent);
            let e = by_method.entry(method).or_insert((0, Decimal::ZERO));
            e.0 += 1;
            e.1 += amount;
            day_payments += 1;
            batch.payments.push(PaymentRow {
                id: new_id(),
                invoice_id: st.id.clone(),
                patient_id: st.patient_id.clone(),
                amount,
                method,
                reference,
                credit_note_id,
                received_by: who,
                received_at: to_db_time(when),
                closing_id: close_today.then(|| closing_id.clone()),
            });
            st.paid += amount;
            st.last_method = method;
        };
        for (when, event) in events {
            match event {
                Event::Invoice(row) => {
                    made.lines += row.lines.len();
                    if row.discarded {
                        made.discarded += 1;
                    } else {
                        made.invoices += 1;
                        batch.issued += 1;
                    }
                    batch.invoices.push(*row);
                }
                Event::Pay(state, amount, method, reference) => {
                    let mut st = state.borrow_mut();
                    let balance = st.balance();
                    if balance <= Decimal::ZERO {
                        continue;
                    }
                    let amount = amount.map_or(balance, |a| a.min(balance));
                    let who = if matches!(method, "cash" | "card") {
                        pick(&mut rng, &desk)
                    } else {
                        None
                    };
                    pay(
                        &mut batch, &mut st, amount, method, reference, None, who, when,
                    );
                    st.paid_anything = true;
                    made.payments += 1;
                }
                Event::Credit(state, full, refund) => {
                    let mut st = state.borrow_mut();
                    let open: Vec<usize> =
                        (0..st.lines.len()).filter(|i| !st.lines[*i].4).collect();
                    let take: Vec<usize> = if full {
                        open
                    } else {
                        open.last().copied().into_iter().collect()
                    };
                    if take.is_empty() {
                        continue;
                    }
                    let id = new_id();
                    let mut row = CreditRow {
                        id: id.clone(),
                        invoice_id: st.id.clone(),
                        patient_id: st.patient_id.clone(),
                        reason: if full {
                            "invoiced to the wrong patient"
                        } else {
                            "line charged by mistake"
                        },
                        net: Decimal::ZERO,
                        tax: Decimal::ZERO,
                        total: Decimal::ZERO,
                        issued_by: pick(&mut rng, &desk),
                        issued_at: to_db_time(when),
                        lines: Vec::new(),
                    };
                    for i in take {
                        let l = &mut st.lines[i];
                        l.4 = true;
                        let net = l.3 - l.2;
                        row.net += net;
                        row.tax += l.2;
                        row.total += l.3;
                        row.lines.push((l.0.clone(), l.1.clone(), net, l.2, l.3));
                    }
                    st.credited += row.total;
                    let note_total = row.total;
                    let who = row.issued_by.clone();
                    batch.credits.push(row);
                    made.credit_notes += 1;
                    let owed = -st.balance();
                    if refund && owed > Decimal::ZERO {
                        let amount = owed.min(note_total);
                        let method = st.last_method;
                        pay(
                            &mut batch,
                            &mut st,
                            -amount,
                            method,
                            String::new(),
                            Some(id),
                            who,
                            when + Duration::seconds(60),
                        );
                        made.refunds += 1;
                    }
                }
            }
        }
        if close_today && day_payments > 0 {
            let expected = by_method.get("cash").map_or(Decimal::ZERO, |e| e.1);
            let (counted, note) = if rng.gen_bool(0.03) {
                let off = Decimal::new(rng.gen_range(5..500), 2);
                if rng.gen_bool(0.5) && expected >= off {
                    (
                        expected - off,
                        "till short: counted twice, difference noted",
                    )
                } else {
                    (expected + off, "till over: change not given back")
                }
            } else {
                (expected, "")
            };
            let totals: BTreeMap<&str, String> = by_method
                .iter()
                .map(|(m, (_, a))| (*m, money_text(&rules, *a)))
                .collect();
            let closed_at = to_db_time(at(zone, day, 19 * 60 + 30, rng.gen_range(0..1500)));
            batch.closings.push(ClosingRow {
                id: closing_id,
                closed_by: pick(&mut rng, &desk),
                closed_at: closed_at.clone(),
                period_start: period_start.replace(closed_at),
                payment_count: day_payments,
                expected,
                counted,
                totals_json: serde_json::to_string(&totals)
                    .map_err(|e| AppError::internal(e.to_string()))?,
                note,
            });
            made.closings += 1;
        }
        if batch.issued >= BATCH || day == last_day {
            write_batch(ws, &rules, &items, &mut batch, now)?;
            progress(made.invoices);
        }
        day += Duration::days(1);
    }
    write_batch(ws, &rules, &items, &mut batch, now)?;
    Ok(made)
}

fn write_batch(
    ws: &Workstation,
    rules: &MoneyRules,
    items: &[Item],
    batch: &mut Batch,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if batch.invoices.is_empty() && batch.payments.is_empty() && batch.credits.is_empty() {
        return Ok(());
    }
    let b = std::mem::take(batch);
    let workstation = ws.store().workstation_id().to_owned();
    ws.store().write(now, |w| {
        let c = w.conn();
        let s = settings(c)?;
        let code = workstation_code(c)?;
        let inv_series = format!("{}-{code}", s.invoice_prefix);
        let cn_series = format!("CN-{code}");
        let rct_series = format!("RCT-{code}");
        let mut inv_next = next_number(c, "invoices", &inv_series)?;
        let mut cn_next = next_number(c, "credit_notes", &cn_series)?;
        let mut rct_next = next_number(c, "payments", &rct_series)?;
        let text = |d: Decimal| money_text(rules, d);

        let mut stmt = c.prepare_cached(
            "INSERT INTO cash_closings (id, workstation_id, closed_by, closed_at, period_start,
                 payment_count, expected_cash, counted_cash, difference, totals_json, note,
                 created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?4, ?4)",
        )?;
        for k in &b.closings {
            stmt.execute(params![
                k.id,
                workstation,
                k.closed_by,
                k.closed_at,
                k.period_start,
                k.payment_count,
                text(k.expected),
                text(k.counted),
                rules.round(k.counted - k.expected).to_string(),
                k.totals_json,
                k.note
            ])?;
        }
        drop(stmt);

        let mut insert_invoice = c.prepare_cached(
            "INSERT INTO invoices (id, patient_id, workstation_id, doctor_id, service_date,
                 currency, prices_include_tax, rounding, discount_kind, discount_value,
                 subtotal, discount_total, tax_total, total, due_date, created_by, created_at,
                 updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17)",
        )?;
        let mut insert_line = c.prepare_cached(
            "INSERT INTO invoice_lines (id, invoice_id, position, price_item_id, kind, code,
                 description, quantity, unit, unit_price, discount_kind, discount_value,
                 tax_category_id, tax_name, tax_rate, gross, discount, net, tax, total,
                 created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18, ?19, ?20, ?21, ?21)",
        )?;
        let mut issue = c.prepare_cached(
            "UPDATE invoices SET status = 'issued', series = ?2, number = ?3, number_text = ?4,
                 issued_by = ?5, issued_at = ?6, updated_at = ?6 WHERE id = ?1",
        )?;
        let mut discard = c.prepare_cached(
            "UPDATE invoices SET status = 'discarded', discard_reason = 'entered twice by mistake',
                 updated_at = ?2 WHERE id = ?1",
        )?;
        for inv in &b.invoices {
            let t = &inv.totals;
            insert_invoice.execute(params![
                inv.id,
                inv.patient_id,
                workstation,
                inv.doctor_id,
                inv.service_date,
                s.currency,
                rules.prices_include_tax,
                rules.rounding.as_str(),
                inv.discount_kind,
                inv.discount_value,
                t.subtotal.to_string(),
                t.discount_total.to_string(),
                t.tax_total.to_string(),
                t.total.to_string(),
                inv.due_date,
                inv.desk,
                inv.created_at
            ])?;
            for l in &inv.lines {
                let item = &items[l.item];
                let a = &l.amounts;
                insert_line.execute(params![
                    l.id,
                    inv.id,
                    l.position,
                    item.id,
                    item.kind,
                    item.code,
                    item.name,
                    l.quantity,
                    item.unit,
                    l.unit_price,
                    l.discount_kind,
                    l.discount_value,
                    item.tax_id,
                    item.tax_name,
                    item.tax_rate_text,
                    a.gross.to_string(),
                    a.discount.to_string(),
                    a.net.to_string(),
                    a.tax.to_string(),
                    a.total.to_string(),
                    inv.created_at
                ])?;
            }
            if inv.discarded {
                discard.execute(params![inv.id, inv.issued_at])?;
            } else {
                let number = inv_next;
                inv_next += 1;
                issue.execute(params![
                    inv.id,
                    inv_series,
                    number,
                    number_text(&inv_series, number),
                    inv.desk,
                    inv.issued_at
                ])?;
            }
        }
        drop((insert_invoice, insert_line, issue, discard));

        let mut insert_note = c.prepare_cached(
            "INSERT INTO credit_notes (id, invoice_id, patient_id, workstation_id, series, number,
                 number_text, reason, net_total, tax_total, total, issued_by, issued_at, created_at,
                 updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?13)",
        )?;
        let mut insert_note_line = c.prepare_cached(
            "INSERT INTO credit_note_lines (id, credit_note_id, invoice_line_id, quantity, net,
                 tax, total, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        )?;
        for n in &b.credits {
            let number = cn_next;
            cn_next += 1;
            insert_note.execute(params![
                n.id,
                n.invoice_id,
                n.patient_id,
                workstation,
                cn_series,
                number,
                number_text(&cn_series, number),
                n.reason,
                text(n.net),
                text(n.tax),
                text(n.total),
                n.issued_by,
                n.issued_at
            ])?;
            for (line, quantity, net, tax, total) in &n.lines {
                insert_note_line.execute(params![
                    new_id(),
                    n.id,
                    line,
                    quantity,
                    text(*net),
                    text(*tax),
                    text(*total),
                    n.issued_at
                ])?;
            }
        }
        drop((insert_note, insert_note_line));

        let mut insert_payment = c.prepare_cached(
            "INSERT INTO payments (id, invoice_id, patient_id, amount, method, reference,
                 credit_note_id, workstation_id, receipt_series, receipt_number, receipt_text,
                 received_by, received_at, closing_id, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?13, ?13)",
        )?;
        for p in &b.payments {
            let number = rct_next;
            rct_next += 1;
            insert_payment.execute(params![
                p.id,
                p.invoice_id,
                p.patient_id,
                p.amount.to_string(),
                p.method,
                p.reference,
                p.credit_note_id,
                workstation,
                rct_series,
                number,
                number_text(&rct_series, number),
                p.received_by,
                p.received_at,
                p.closing_id
            ])?;
        }
        drop(insert_payment);
        w.audit(AuditEntry {
            actor: crate::Actor::LocalAdmin.audit_actor(),
            action: "generate_invoices".into(),
            outcome: AuditOutcome::Ok,
            record_table: Some("invoices".into()),
            record_id: None,
            detail: format!(
                "generated {} sample invoices, {} credit notes, {} payments and refunds, {} cash closings",
                b.invoices.len(),
                b.credits.len(),
                b.payments.len(),
                b.closings.len()
            ),
        })
    })
}
