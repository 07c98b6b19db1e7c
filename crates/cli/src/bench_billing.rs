//! `clinicdesk bench billing`: the invoice PDF, issuing and paying an invoice, the
//! outstanding balances and the monthly revenue report, through the real command path on a
//! real encrypted file holding years of billing (default 1,000,000 issued invoices with
//! their lines, payments, credit notes and daily cash closings).

use crate::bench::{bench_clinic, ms, percentile, replace_section, sign_in_admin};
use clinicdesk_core::billing::generate::{generate_invoices, GeneratedBilling};
use clinicdesk_core::billing::{render_document, BillingDocument};
use clinicdesk_core::patients::generate::generate_patients;
use clinicdesk_core::{AppError, Caller, Workstation};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub struct BillingOptions {
    pub invoices: usize,
    pub patients: usize,
    pub years: u32,
    pub queries: usize,
    pub dir: PathBuf,
    pub seed: u64,
}

pub use crate::bench_schedule::Row;

/// What the run found and did, for the document.
pub struct Facts {
    pub issued: i64,
    pub lines: i64,
    pub payments: i64,
    pub credit_notes: i64,
    pub closings: i64,
    pub patients: i64,
    pub generated_in: String,
    pub db_bytes: u64,
    pub load_before: String,
    pub load_after: String,
}

const DESK_PASSWORD: &str = "ledger walnut harbour 62";
/// Bumped when the generator's output changes: a cached clinic of another version is
/// made again, as it is when the schema changes.
const GENERATOR_VERSION: u32 = 1;

/// The default clinic size for a number of invoices: ten invoices per patient, at least 50
/// patients, at most 100,000.
pub fn default_patients(invoices: usize) -> usize {
    (invoices / 10).clamp(50, 100_000)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn login(ws: &Workstation, username: &str) -> Result<Caller, AppError> {
    let out = ws.dispatch(
        &Caller::Anonymous,
        "login",
        json!({"username": username, "password": DESK_PASSWORD}),
    )?;
    Ok(Caller::Session(
        out["token"].as_str().unwrap_or_default().to_string(),
    ))
}

/// The clinic, generated once and reused while the schema and the generator stay the same.
fn clinic(
    opts: &BillingOptions,
    log: &mut dyn FnMut(&str),
) -> Result<(Workstation, String), AppError> {
    let stem = format!(
        "billing-{}i-{}p-{}y-seed{}",
        opts.invoices, opts.patients, opts.years, opts.seed
    );
    let stamp = format!(
        "schema {} generator {GENERATOR_VERSION}",
        clinicdesk_core::store::latest_version()
    );
    let ready_path = opts.dir.join(format!("{stem}.ready"));
    if let Ok(text) = std::fs::read_to_string(&ready_path) {
        if text.lines().next() != Some(stamp.as_str()) {
            log(&format!(
                "the cached {stem} was made by another schema or generator: making it again"
            ));
            // Without its ready file, bench_clinic removes the database and starts over.
            let _ = std::fs::remove_file(&ready_path);
        }
    }
    let (ws, ready) = bench_clinic(&opts.dir, &stem)?;
    if !ready.exists() {
        let started = Instant::now();
        let admin = sign_in_admin(&ws)?;
        let mut settings = ws.dispatch(&admin, "get_clinic_settings", json!({}))?;
        settings["time_zone"] = json!("Europe/Rome");
        ws.dispatch(&admin, "update_clinic_settings", settings)?;
        ws.dispatch(
            &admin,
            "save_tax_category",
            json!({"id": "tax-standard", "name": "Standard", "rate": "22"}),
        )?;
        for (username, full_name, role) in [
            ("acc.bench", "Ada Ledger", "accountant"),
            ("desk.bench", "Rita Front", "receptionist"),
            ("desk.bench2", "Marco Sportello", "receptionist"),
            ("dr.bill01", "Dr. Giulia Rossi", "doctor"),
            ("dr.bill02", "Dr. Tomás Herrera", "doctor"),
            ("dr.bill03", "Dr. Anna Kowalska", "doctor"),
            ("dr.bill04", "Dr. Kenji Sato", "doctor"),
            ("dr.bill05", "Dr. Fatima Haddad", "doctor"),
            ("dr.bill06", "Dr. Lukas Brenner", "doctor"),
        ] {
            ws.dispatch(
                &admin,
                "create_user",
                json!({"username": username, "full_name": full_name, "role": role,
                       "password": DESK_PASSWORD, "must_change_password": false}),
            )?;
        }
        log(&format!("generating {} patients", opts.patients));
        generate_patients(
            ws.store(),
            opts.patients,
            opts.seed,
            chrono::Utc::now(),
            clinicdesk_core::Actor::LocalAdmin.audit_actor(),
            |_| {},
        )?;
        log(&format!(
            "generating {} issued invoices over {} years",
            opts.invoices, opts.years
        ));
        let step = (opts.invoices / 10).max(1);
        let mut next = step;
        let made: GeneratedBilling = generate_invoices(
            &ws,
            opts.invoices,
            opts.years,
            opts.seed,
            chrono::Utc::now(),
            |done| {
                if done >= next {
                    eprintln!("  {done}/{} invoices", opts.invoices);
                    next = (done / step + 1) * step;
                }
            },
        )?;
        let secs = started.elapsed().as_secs_f64();
        log(&format!(
            "generated in {secs:.0} s: {} invoices ({} lines), {} discarded drafts, {} payments, {} refunds, {} credit notes, {} cash closings, {} to {}",
            made.invoices,
            made.lines,
            made.discarded,
            made.payments,
            made.refunds,
            made.credit_notes,
            made.closings,
            made.first_day,
            made.last_day
        ));
        std::fs::write(
            &ready,
            format!(
                "{stamp}\n{secs:.0} s, {} to {}\n",
                made.first_day, made.last_day
            ),
        )
        .map_err(|e| AppError::io(e.to_string()))?;
    }
    let generated = std::fs::read_to_string(&ready)
        .ok()
        .and_then(|t| t.lines().nth(1).map(str::to_owned))
        .unwrap_or_default();
    Ok((ws, generated))
}

fn summarize(
    work: &'static str,
    budget_ms: Option<f64>,
    mut times: Vec<Duration>,
    note: String,
) -> Row {
    times.sort();
    Row {
        work,
        budget_ms,
        p50: percentile(&times, 0.5),
        p95: percentile(&times, 0.95),
        p99: percentile(&times, 0.99),
        note,
    }
}

fn count(ws: &Workstation, sql: &str) -> Result<i64, AppError> {
    ws.store().read(|c| Ok(c.query_row(sql, [], |r| r.get(0))?))
}

fn ids(ws: &Workstation, sql: &str) -> Result<Vec<String>, AppError> {
    ws.store().read(|c| {
        let mut stmt = c.prepare(sql)?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    })
}

/// `runs` timed calls after `warm` untimed ones.
fn measure(
    warm: usize,
    runs: usize,
    mut op: impl FnMut(usize) -> Result<(), AppError>,
) -> Result<Vec<Duration>, AppError> {
    for i in 0..warm {
        op(i)?;
    }
    let mut times = Vec::with_capacity(runs);
    for i in 0..runs {
        let t = Instant::now();
        op(warm + i)?;
        times.push(t.elapsed());
    }
    Ok(times)
}

pub fn run(
    opts: &BillingOptions,
    log: &mut dyn FnMut(&str),
) -> Result<(Vec<Row>, Facts), AppError> {
    let (ws, generated_in) = clinic(opts, log)?;
    let load_before = load_average();
    let desk = login(&ws, "acc.bench")?;
    let mut rng = StdRng::seed_from_u64(opts.seed ^ 0xb111);
    let issued = count(&ws, "SELECT count(*) FROM invoices WHERE status = 'issued'")?;
    let facts_counts = (
        count(&ws, "SELECT count(*) FROM invoice_lines")?,
        count(&ws, "SELECT count(*) FROM payments")?,
        count(&ws, "SELECT count(*) FROM credit_notes")?,
        count(&ws, "SELECT count(*) FROM cash_closings")?,
        count(&ws, "SELECT count(*) FROM patients")?,
    );
    log(&format!(
        "{issued} issued invoices, {} lines, {} payments, {} credit notes, {} closings, {} patients",
        facts_counts.0, facts_counts.1, facts_counts.2, facts_counts.3, facts_counts.4
    ));
    let mut rows = Vec::new();

    // Issued invoices drawn at random across the whole history (rowids are dense).
    let max_rowid = count(&ws, "SELECT COALESCE(max(rowid), 0) FROM invoices")?;
    let mut sample: Vec<String> = Vec::new();
    let mut tries = 0;
    while sample.len() < 200 && tries < 20_000 && max_rowid > 0 {
        tries += 1;
        let rowid = rng.gen_range(1..=max_rowid);
        let id: Option<String> = ws.store().read(|c| {
            let mut stmt =
                c.prepare_cached("SELECT id FROM invoices WHERE rowid = ?1 AND status = 'issued'")?;
            let mut rows = stmt.query([rowid])?;
            Ok(match rows.next()? {
                Some(r) => Some(r.get(0)?),
                None => None,
            })
        })?;
        sample.extend(id);
    }
    if sample.is_empty() {
        return Err(AppError::internal(
            "the benchmark clinic has no issued invoices",
        ));
    }
    let line_avg = ws.store().read(|c| {
        let mut total = 0i64;
        for id in &sample {
            total += c.query_row(
                "SELECT count(*) FROM invoice_lines WHERE invoice_id = ?1",
                [id],
                |r| r.get::<_, i64>(0),
            )?;
        }
        Ok(total as f64 / sample.len() as f64)
    })?;

    // The invoice PDF: the command, the core's renderer, and the pdf crate alone.
    clinicdesk_core::prescriptions::warm_up_printing()?;
    let mut bytes = 0usize;
    let times = measure(20, opts.queries, |i| {
        let out = ws.dispatch(
            &desk,
            "invoice_pdf",
            json!({"invoice_id": sample[i % sample.len()]}),
        )?;
        bytes += out["content_base64"].as_str().map_or(0, str::len) * 3 / 4;
        Ok(())
    })?;
    rows.push(summarize(
        "invoice_pdf command (load, render, base64, JSON)",
        Some(20.0),
        times,
        format!(
            "{} random issued invoices of the {issued}, {line_avg:.1} lines on average, A4, ~{} KB each",
            sample.len(),
            bytes / (opts.queries + 20).max(1) / 1024
        ),
    ));
    let times = measure(20, opts.queries, |i| {
        ws.store().read(|c| {
            render_document(c, BillingDocument::Invoice, &sample[i % sample.len()], None)
                .map(|_| ())
        })
    })?;
    rows.push(summarize(
        "render_document (load from the store + layout + PDF)",
        Some(20.0),
        times,
        "the same invoices, no command path".into(),
    ));
    // The floor: the pdf crate's sample invoice cut to the same number of lines, without
    // the logo the benchmark clinic does not have, one payment.
    let mut doc = clinicdesk_pdf::samples::sample_invoice(clinicdesk_pdf::PaperSize::A4);
    doc.letterhead.logo = None;
    doc.lines.truncate((line_avg.round() as usize).max(1));
    doc.payments.truncate(1);
    let times = measure(20, opts.queries, |_| {
        clinicdesk_pdf::billing::render_invoice(&doc)
            .map(|_| ())
            .map_err(|e| AppError::internal(e.to_string()))
    })?;
    rows.push(summarize(
        "— the pdf crate alone (render_invoice, no store)",
        None,
        times,
        format!(
            "its sample invoice cut to {} lines, one payment, no logo: the floor",
            doc.lines.len()
        ),
    ));

    // Issue + pay: realistic drafts (a consultation and 1–2 more lines) made beforehand.
    let patients = ids(
        &ws,
        "SELECT id FROM patients WHERE merged_into IS NULL LIMIT 5000",
    )?;
    let doctors = ids(&ws, "SELECT id FROM users WHERE role = 'doctor'")?;
    let consults = ids(
        &ws,
        "SELECT id FROM price_items WHERE code LIKE 'G-CONS-%' ORDER BY code",
    )?;
    let extras = ids(
        &ws,
        "SELECT id FROM price_items WHERE code LIKE 'G-%' AND kind <> 'consultation' ORDER BY code",
    )?;
    if patients.is_empty() || consults.is_empty() || extras.is_empty() {
        return Err(AppError::internal(
            "the benchmark clinic has no patients or price list",
        ));
    }
    let warm = 20;
    log(&format!(
        "preparing {} drafts through the commands",
        opts.queries + warm
    ));
    let mut drafts = Vec::new();
    for _ in 0..opts.queries + warm {
        let mut input = json!({"patient_id": patients[rng.gen_range(0..patients.len())]});
        if !doctors.is_empty() {
            input["doctor_id"] = json!(doctors[rng.gen_range(0..doctors.len())]);
        }
        let inv = ws.dispatch(&desk, "create_invoice", input)?;
        let id = inv["id"].clone();
        ws.dispatch(
            &desk,
            "add_invoice_line",
            json!({"invoice_id": id, "price_item_id": consults[rng.gen_range(0..consults.len())]}),
        )?;
        for _ in 0..rng.gen_range(1..=2) {
            ws.dispatch(
                &desk,
                "add_invoice_line",
                json!({"invoice_id": id, "price_item_id": extras[rng.gen_range(0..extras.len())],
                       "quantity": rng.gen_range(1..=2).to_string()}),
            )?;
        }
        drafts.push(id);
    }
    let (mut both, mut issue_t, mut pay_t) = (Vec::new(), Vec::new(), Vec::new());
    for (i, id) in drafts.iter().enumerate() {
        let t0 = Instant::now();
        let inv = ws.dispatch(&desk, "issue_invoice", json!({"invoice_id": id}))?;
        let t1 = Instant::now();
        ws.dispatch(
            &desk,
            "record_payment",
            json!({"invoice_id": id, "amount": inv["total"],
                   "method": if i % 3 == 0 { "cash" } else { "card" }}),
        )?;
        let t2 = Instant::now();
        if i >= warm {
            both.push(t2 - t0);
            issue_t.push(t1 - t0);
            pay_t.push(t2 - t1);
        }
    }
    rows.push(summarize(
        "issue + pay (issue_invoice, then record_payment in full)",
        Some(10.0),
        both,
        format!("drafts of 2–3 lines; two transactions, each committed to disk, on {issued} issued invoices"),
    ));
    rows.push(summarize(
        "— issue_invoice alone",
        None,
        issue_t,
        "next number of the series, totals once more, freeze, change log, audit".into(),
    ));
    rows.push(summarize(
        "— record_payment alone",
        None,
        pay_t,
        "balance check, next receipt number, audit".into(),
    ));

    // The reports: no budget in the spec, the figure only.
    let runs = (opts.queries / 30).clamp(3, 10);
    let mut shown = (0u64, 0u64, 0usize);
    let times = measure(1, runs, |_| {
        let out = ws.dispatch(&desk, "list_outstanding", json!({}))?;
        shown = (
            out["invoice_count"].as_u64().unwrap_or(0),
            out["patients"].as_array().map_or(0, Vec::len) as u64,
            serde_json::to_string(&out).map_or(0, |s| s.len()),
        );
        Ok(())
    })?;
    rows.push(summarize(
        "list_outstanding (every patient with a balance)",
        None,
        times,
        format!(
            "{runs} runs; {} unpaid invoices of {} patients, {:.1} MB of JSON; scans every issued invoice",
            shown.0,
            shown.1,
            shown.2 as f64 / 1e6
        ),
    ));
    let today = chrono::Utc::now().date_naive();
    let from = today - chrono::Duration::days(364);
    let mut months = (0usize, 0u64);
    let times = measure(1, runs, |_| {
        let out = ws.dispatch(
            &desk,
            "revenue_report",
            json!({"from": from.to_string(), "to": today.to_string(), "group_by": "month"}),
        )?;
        months = (
            out["rows"].as_array().map_or(0, Vec::len),
            out["total"]["count"].as_u64().unwrap_or(0),
        );
        Ok(())
    })?;
    rows.push(summarize(
        "revenue_report by month over the last year",
        None,
        times,
        format!(
            "{runs} runs; {} months, {} invoices in the period",
            months.0, months.1
        ),
    ));

    for r in &rows {
        log(&format!(
            "{:<60} p50 {:>9.3} ms p95 {:>9.3} ms p99 {:>9.3} ms {}",
            r.work,
            ms(r.p50),
            ms(r.p95),
            ms(r.p99),
            r.note
        ));
    }
    let db_bytes = ws
        .store()
        .path()
        .and_then(|p| std::fs::metadata(p).ok())
        .map_or(0, |m| m.len());
    let facts = Facts {
        issued,
        lines: facts_counts.0,
        payments: facts_counts.1,
        credit_notes: facts_counts.2,
        closings: facts_counts.3,
        patients: facts_counts.4,
        generated_in,
        db_bytes,
        load_before,
        load_after: load_average(),
    };
    Ok((rows, facts))
}

pub use crate::bench_schedule::markdown;

pub fn to_json(rows: &[Row]) -> Value {
    Value::Array(
        rows.iter()
            .map(|r| {
                json!({"work": r.work, "p50_ms": ms(r.p50), "p95_ms": ms(r.p95),
                       "p99_ms": ms(r.p99), "budget_ms": r.budget_ms, "note": r.note,
                       "pass": r.budget_ms.map(|b| ms(r.p99) < b)})
            })
            .collect(),
    )
}

pub fn write_doc(
    path: &Path,
    opts: &BillingOptions,
    rows: &[Row],
    facts: &Facts,
) -> Result<(), AppError> {
    const BEGIN: &str = "<!-- billing:begin -->";
    const END: &str = "<!-- billing:end -->";
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let section = format!(
        r#"{BEGIN}
## Billing

This section is written by `clinicdesk bench billing --doc docs/BENCHMARKS.md`; do not edit
the figures by hand.

**Budgets:** render one invoice PDF under 20 ms; issue + pay under 10 ms at 1,000,000
invoices (p99).

### Latest run — {date}

{table}
{queries} operations of each kind after a warm-up of 20 (reports: a few runs after one
warm-up); {cores} cores; release build. Load average (1, 5, 15 min) before the timed part:
{load_before}; after: {load_after}.

### What is measured, and how

- **Data.** One real SQLCipher file ({size:.1} GB): {issued} issued invoices with
  {lines} lines, {payments} payments and refunds, {credit_notes} credit notes and {closings}
  daily cash closings over {years} years ending yesterday, for {patients} generated
  patients, six doctors and two desks (`generate_invoices`, seed {seed}; generated in
  {generated_in}). 1–5 lines an invoice (about 2 on average) from an 18-entry price list at
  22 %, 10 % and exempt tax, with an older price before today's, some line and invoice
  discounts; most are paid in full at the desk, some in part, by insurance or transfer
  weeks later, at a later visit, or never; 1.5 % are credited (whole or one line), most
  of those refunded; every working day's desk is closed (the last day's is open). The
  rows are bulk-inserted in the commands' shapes (totals by `money::compute`, numbers
  gap-free in the workstation's series in time order, lines added while the invoice is a
  draft, then issued — the freeze triggers check every row), without per-row change log
  and audit entries (history as if imported). Cached under `--dir` and made again when the
  schema or the generator changes.
- **Invoice PDF** = `invoice_pdf` through `Workstation::dispatch` with a signed-in
  accountant, for invoices drawn at random across the whole history: the invoice loaded
  (header, lines, payments, credit notes), laid out (letterhead, lines, tax breakdown,
  totals, payments, amount in words), written with the DejaVu subset embedded, base64
  and JSON. Then `render_document` on the same invoices without the command path, and
  `clinicdesk_pdf::billing::render_invoice` on the pdf crate's own sample invoice (no
  store at all) as the floor.
- **Issue + pay** = `issue_invoice` then `record_payment` of the invoice's total, through
  the command path on the file holding the history, timed together; the drafts (a
  consultation and 1–2 more lines, for random patients and doctors) were made through the
  commands beforehand. Each is one IMMEDIATE transaction with the change log and the audit
  entry, committed with `synchronous = FULL`.
- **Outstanding** = `list_outstanding` (every patient with a balance and their unpaid
  invoices, largest balance first) and **revenue** = `revenue_report` grouped by month
  for the last 365 days, both through the command path. No budget was set for them.

### Reproduce

```sh
cargo build --release -p clinicdesk-cli
target/release/clinicdesk bench billing --doc docs/BENCHMARKS.md
```

The first run generates the database (kept under `--dir`, default
`~/.cache/clinicdesk/bench`); later runs reuse it (each run adds its issued drafts).
{END}"#,
        date = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ"),
        table = markdown(rows),
        queries = opts.queries,
        load_before = facts.load_before,
        load_after = facts.load_after,
        size = facts.db_bytes as f64 / 1e9,
        issued = facts.issued,
        lines = facts.lines,
        payments = facts.payments,
        credit_notes = facts.credit_notes,
        closings = facts.closings,
        years = opts.years,
        patients = facts.patients,
        seed = opts.seed,
        generated_in = facts.generated_in,
    );
    replace_section(path, BEGIN, END, &section)
}
