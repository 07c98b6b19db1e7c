//! `clinicdesk bench schedule`: booking with its conflict check, one clinic day for all
//! doctors, and the slot finder, through the real command path on a real encrypted file
//! holding a decade of appointments (default 50 doctors, 5,000,000 appointments).

use crate::bench::{bench_clinic, ms, percentile, replace_section, sign_in_admin};
use chrono::{Datelike, Duration as Days, NaiveDate};
use clinicdesk_core::patients::generate::generate_patients;
use clinicdesk_core::scheduling::generate::{generate_schedule, GeneratedSchedule, FREE_HOUR};
use clinicdesk_core::{AppError, Caller, Workstation};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub struct ScheduleOptions {
    pub appointments: usize,
    pub doctors: usize,
    pub patients: usize,
    pub years: u32,
    pub queries: usize,
    pub dir: PathBuf,
    pub seed: u64,
}

pub struct Row {
    pub work: &'static str,
    pub budget_ms: Option<f64>,
    pub p50: Duration,
    pub p95: Duration,
    pub p99: Duration,
    pub note: String,
}

/// The clinic, generated once and reused (its facts re-read from the file).
fn clinic(
    opts: &ScheduleOptions,
    log: &mut dyn FnMut(&str),
) -> Result<(Workstation, GeneratedSchedule), AppError> {
    let stem = format!(
        "schedule-{}d-{}a-{}p-seed{}",
        opts.doctors, opts.appointments, opts.patients, opts.seed
    );
    let (ws, ready) = bench_clinic(&opts.dir, &stem)?;
    if !ready.exists() {
        let started = Instant::now();
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
            "generating {} appointments for {} doctors over {} years",
            opts.appointments, opts.doctors, opts.years
        ));
        let step = (opts.appointments / 10).max(1);
        let mut next = step;
        generate_schedule(
            &ws,
            opts.doctors,
            opts.appointments,
            opts.years,
            opts.seed,
            chrono::Utc::now(),
            |done| {
                if done >= next {
                    eprintln!("  {done}/{} appointments", opts.appointments);
                    next += step;
                }
            },
        )?;
        let secs = started.elapsed().as_secs_f64();
        log(&format!("generated in {secs:.0} s"));
        std::fs::write(&ready, format!("{secs:.1}\n")).map_err(|e| AppError::io(e.to_string()))?;
    }
    let facts = ws.store().read(|c| {
        let doctors: Vec<String> = c
            .prepare("SELECT id FROM users WHERE role = 'doctor' AND username LIKE 'dr.bench%' ORDER BY username")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let visit_types: Vec<(String, i64)> = c
            .prepare("SELECT id, minutes + buffer_minutes FROM visit_types ORDER BY minutes")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let specializations: Vec<String> = c
            .prepare("SELECT DISTINCT specialization FROM users WHERE role = 'doctor' AND specialization IS NOT NULL")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let (first, last, count): (String, String, i64) = c.query_row(
            "SELECT min(starts_at), max(starts_at), count(*) FROM appointments",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let day = |s: &str| NaiveDate::parse_from_str(&s[..10], "%Y-%m-%d").unwrap_or_default();
        Ok(GeneratedSchedule {
            doctors,
            visit_types,
            specializations,
            first_day: day(&first),
            last_day: day(&last),
            appointments: count as usize,
        })
    })?;
    Ok((ws, facts))
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

fn timed(
    ws: &Workstation,
    who: &Caller,
    name: &str,
    input: Value,
) -> Result<(Duration, Value), AppError> {
    let t = Instant::now();
    let out = ws.dispatch(who, name, input)?;
    Ok((t.elapsed(), out))
}

pub fn run(opts: &ScheduleOptions, log: &mut dyn FnMut(&str)) -> Result<Vec<Row>, AppError> {
    let (ws, facts) = clinic(opts, log)?;
    log(&format!(
        "{} appointments, {} doctors, {} to {}",
        facts.appointments,
        facts.doctors.len(),
        facts.first_day,
        facts.last_day
    ));
    let session = sign_in_admin(&ws)?;
    let mut rng = StdRng::seed_from_u64(opts.seed ^ 0x5eed);
    let patients: Vec<String> = ws.store().read(|c| {
        let mut stmt = c.prepare("SELECT id FROM patients LIMIT 20000")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    })?;
    let today = chrono::Utc::now().date_naive();
    let working = |d: NaiveDate| d.weekday().number_from_monday() <= 6;
    let future: Vec<NaiveDate> = (1..=(facts.last_day - today).num_days())
        .map(|i| today + Days::days(i))
        .filter(|d| working(*d))
        .collect();
    let span = (facts.last_day - facts.first_day).num_days().max(1);
    let any_day = |rng: &mut StdRng| facts.first_day + Days::days(rng.gen_range(0..span));
    let short = facts
        .visit_types
        .first()
        .ok_or_else(|| AppError::internal("no visit types"))?
        .0
        .clone();
    let mut rows = Vec::new();

    // Booking: 15-minute times in the daily free hour of future days. Each run draws its
    // own (earlier runs on this file took some): a time found taken, or a patient who has
    // another appointment then, is skipped and not timed.
    let mut free: Vec<(usize, NaiveDate, u32)> = Vec::new();
    for (d, _) in facts.doctors.iter().enumerate() {
        for day in &future {
            for q in 0..4 {
                free.push((d, *day, q * 15));
            }
        }
    }
    let mut draw = StdRng::seed_from_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
    );
    free.shuffle(&mut draw);
    let mut book = Vec::new();
    let (mut taken, mut overlaps, mut warm) = (0, 0, 0);
    for (d, day, minute) in free {
        if book.len() >= opts.queries {
            break;
        }
        let input = json!({"patient_id": patients[draw.gen_range(0..patients.len())],
            "doctor_id": facts.doctors[d], "visit_type_id": short,
            "starts_at": format!("{day}T{FREE_HOUR:02}:{minute:02}")});
        let t = Instant::now();
        let out = ws.dispatch(&session, "book_appointment", input);
        let took = t.elapsed();
        match out {
            Ok(_) if warm < 50 => warm += 1,
            Ok(_) => book.push(took),
            Err(e) if e.field.as_deref() == Some("acknowledge_patient_overlap") => overlaps += 1,
            Err(e) if e.field.as_deref() == Some("starts_at") => taken += 1,
            Err(e) => return Err(e),
        }
    }
    log(&format!(
        "book: {} booked and timed, {taken} times already taken, {overlaps} patient overlaps",
        book.len()
    ));
    rows.push(summarize(
        "book an appointment (conflict check, one transaction, fsync)",
        Some(10.0),
        book,
        String::new(),
    ));

    // One clinic day, all doctors: the command, and its statement alone (same rows read).
    let plan = ws
        .store()
        .read(clinicdesk_core::scheduling::day_query_plan)?;
    log(&format!("day query plan: {}", plan.join(" | ")));
    let mut day_times = Vec::new();
    let mut raw_times = Vec::new();
    let mut shown = 0usize;
    for i in 0..opts.queries + 50 {
        let mut day = any_day(&mut rng);
        while !working(day) {
            day = day.succ_opt().unwrap_or(day);
        }
        let (took, out) = timed(&ws, &session, "list_day", json!({"date": day.to_string()}))?;
        let (from, to) = (
            out["day_starts_at"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            out["day_ends_at"].as_str().unwrap_or_default().to_string(),
        );
        let t = Instant::now();
        ws.store().read(|c| {
            clinicdesk_core::scheduling::appointments_between(c, &from, &to, None, false)
        })?;
        let raw = t.elapsed();
        if i >= 50 {
            day_times.push(took);
            raw_times.push(raw);
            shown += out["appointments"].as_array().map_or(0, Vec::len);
        }
    }
    let avg = shown as f64 / opts.queries.max(1) as f64;
    rows.push(summarize(
        "clinic day calendar (all doctors, one day)",
        Some(30.0),
        day_times,
        format!("{avg:.0} appointments per day on average"),
    ));
    rows.push(summarize(
        "— its statement alone (same rows, no command path or JSON)",
        None,
        raw_times,
        String::new(),
    ));

    // The slot finder, for a doctor, a specialization and the whole clinic.
    for (work, scope) in [
        ("slot finder: next 10 free slots, one doctor", 0),
        ("slot finder: next 10 free slots, a specialization", 1),
        ("slot finder: next 10 free slots, whole clinic", 2),
    ] {
        let mut times = Vec::new();
        for i in 0..opts.queries + 20 {
            let from = future[rng.gen_range(0..future.len())];
            let mut input =
                json!({"visit_type_id": short, "from_date": from.to_string(), "count": 10});
            match scope {
                0 => {
                    input["doctor_id"] = json!(facts.doctors[rng.gen_range(0..facts.doctors.len())])
                }
                1 => {
                    input["specialization"] =
                        json!(facts.specializations[rng.gen_range(0..facts.specializations.len())])
                }
                _ => {}
            }
            let (took, out) = timed(&ws, &session, "find_slots", input)?;
            if out.as_array().map_or(0, Vec::len) < 10 {
                return Err(AppError::internal(format!(
                    "{work}: fewer than 10 slots from {from}"
                )));
            }
            if i >= 20 {
                times.push(took);
            }
        }
        rows.push(summarize(work, Some(20.0), times, String::new()));
    }
    for r in &rows {
        log(&format!(
            "{:<62} p50 {:>7.3} ms p95 {:>7.3} ms p99 {:>7.3} ms {}",
            r.work,
            ms(r.p50),
            ms(r.p95),
            ms(r.p99),
            r.note
        ));
    }
    Ok(rows)
}

pub fn markdown(rows: &[Row]) -> String {
    let mut out = String::from(
        "| work | p50 | p95 | p99 | budget (p99) | verdict | note |\n|---|---:|---:|---:|---:|---|---|\n",
    );
    for r in rows {
        let (budget, verdict) = match r.budget_ms {
            Some(b) => (
                format!("{b:.0} ms"),
                if ms(r.p99) < b { "PASS" } else { "MISS" },
            ),
            None => ("—".into(), "—"),
        };
        out.push_str(&format!(
            "| {} | {:.3} ms | {:.3} ms | {:.3} ms | {budget} | {verdict} | {} |\n",
            r.work,
            ms(r.p50),
            ms(r.p95),
            ms(r.p99),
            r.note
        ));
    }
    out
}

pub fn write_doc(path: &Path, opts: &ScheduleOptions, rows: &[Row]) -> Result<(), AppError> {
    const BEGIN: &str = "<!-- schedule:begin -->";
    const END: &str = "<!-- schedule:end -->";
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let section = format!(
        r#"{BEGIN}
## Scheduling

This section is written by `clinicdesk bench schedule --doc docs/BENCHMARKS.md`; do not edit
the figures by hand.

### Latest run — {date}

{table}
{queries} operations of each kind after a warm-up of 20–50; {cores} cores; release build.

### What is measured, and how

- **Data.** One real SQLCipher file: {patients} generated patients, {doctors} doctors (six
  specializations, Mon–Sat 08:00–20:00, Europe/Rome), {appointments} appointments over
  {years} years ending 90 days from today (`generate_schedule`, seed {seed}): each doctor's
  working days are packed with 15- and 30-minute visits from 08:00, past ones completed,
  cancelled or no-show, and 14:00–15:00 is left free every day. The appointments are
  bulk-inserted — the store's no-overlap triggers check every row — without per-row change
  log, transition and audit rows (history as if imported).
- **Book** = `book_appointment` through `Workstation::dispatch` with a signed-in session:
  patient and doctor checks, availability, the patient's and the doctor's overlap queries,
  the insert (checked again by the trigger), the transition row, the change-log entry, the
  audit entry, one IMMEDIATE transaction and its commit to disk. Times are free quarters of
  the free hour on random future days of random doctors.
- **Day** = `list_day` for a random working day of the decade, all doctors, every
  appointment joined to its patient, doctor and visit type, as JSON.
- **Slots** = `find_slots` for the next 10 free 15-minute slots from a random future date:
  one doctor, a specialization (about eight doctors), the whole clinic.

### Reading the figures

- Booking's tail is the commit's fsync (the transaction itself takes well under 2 ms): on
  this 2-core machine with a parallel build running, the p99 went up to 9–20 ms while p50
  stayed under 3 ms. Measure on an idle machine.
- The clinic day returns ~1,400 appointments of 50 doctors. About 60% of its time is the
  statement (a range scan of `appointments_by_day`, each row joined to its patient); the
  rest is building the JSON. Doctors' and visit types' names come from two small lookups
  rather than a join per row (that alone took the statement from ~10 ms to ~6.5 ms p50).

### Reproduce

```sh
cargo build --release -p clinicdesk-cli
target/release/clinicdesk bench schedule --doc docs/BENCHMARKS.md
```

The first run generates the database (kept under `--dir`, default
`~/.cache/clinicdesk/bench`).
{END}"#,
        date = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ"),
        table = markdown(rows),
        queries = opts.queries,
        patients = opts.patients,
        doctors = opts.doctors,
        appointments = opts.appointments,
        years = opts.years,
        seed = opts.seed,
    );
    replace_section(path, BEGIN, END, &section)
}
