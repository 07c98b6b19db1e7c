//! `clinicdesk bench records`: opening a chart with a long history, ICD-10 search, and the
//! prescription PDF, through the real command path on a real encrypted file.

use crate::bench::{bench_clinic, ms, percentile, replace_section, sign_in_admin};
use clinicdesk_core::{AppError, Caller, Workstation};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub struct RecordsOptions {
    pub encounters: usize,
    pub queries: usize,
    pub dir: PathBuf,
}

pub struct Row {
    pub work: &'static str,
    pub budget_ms: f64,
    pub p50: Duration,
    pub p95: Duration,
    pub p99: Duration,
    pub note: String,
}

const DOCTOR_PASSWORD: &str = "quiet harbour maple 47";

fn login(ws: &Workstation, username: &str) -> Result<Caller, AppError> {
    let out = ws.dispatch(
        &Caller::Anonymous,
        "login",
        json!({"username": username, "password": DOCTOR_PASSWORD}),
    )?;
    Ok(Caller::Session(
        out["token"].as_str().unwrap_or_default().to_string(),
    ))
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_default().to_string()
}

/// A patient with `n` signed encounters (note, vitals, a diagnosis each), problems,
/// allergies and prescriptions, written through the commands once and kept.
fn clinic(
    opts: &RecordsOptions,
    log: &mut dyn FnMut(&str),
) -> Result<(Workstation, String), AppError> {
    let stem = format!("records-{}e", opts.encounters);
    let (ws, ready) = bench_clinic(&opts.dir, &stem)?;
    if !ready.exists() {
        let admin = sign_in_admin(&ws)?;
        ws.dispatch(
            &admin,
            "create_user",
            json!({"username": "dr.bench", "full_name": "Dr Ilaria Bench", "role": "doctor",
                   "password": DOCTOR_PASSWORD, "must_change_password": false,
                   "licence_number": "IT-OMCeO-12345"}),
        )?;
        let doctor = login(&ws, "dr.bench")?;
        let patient = ws.dispatch(
            &doctor,
            "register_patient",
            json!({"patient": {"given_name": "Анна", "family_name": "Кузнецова", "sex": "female",
                               "date_of_birth": "1961-04-17"}}),
        )?;
        let patient_id = id(&patient);
        for substance in ["Penicillin", "Latex"] {
            ws.dispatch(
                &doctor,
                "record_allergy",
                json!({"patient_id": patient_id,
                       "allergy": {"substance": substance, "reaction": "rash", "severity": "moderate"}}),
            )?;
        }
        let codes = [
            "I10", "E11.9", "J06.9", "M54.50", "K21.9", "J45.909", "R51.9", "N39.0",
        ];
        log(&format!(
            "writing {} encounters through the commands",
            opts.encounters
        ));
        for n in 0..opts.encounters {
            let e = ws.dispatch(
                &doctor,
                "start_encounter",
                json!({"patient_id": patient_id}),
            )?;
            ws.dispatch(
                &doctor,
                "save_encounter_note",
                json!({"encounter_id": e["id"],
                       "subjective": format!("Follow-up visit {n}: feels better, occasional headache."),
                       "objective": "Alert, well perfused. Chest clear. Abdomen soft.",
                       "assessment": "Hypertension, controlled on current therapy.",
                       "plan": "Continue medication; review in three months; labs before next visit."}),
            )?;
            ws.dispatch(
                &doctor,
                "record_vitals",
                json!({"patient_id": patient_id, "encounter_id": e["id"], "temperature_c": "36.8",
                       "pulse_bpm": 72, "systolic_mmhg": 128, "diastolic_mmhg": 82,
                       "spo2_percent": 98, "weight_kg": "71.5", "height_cm": "165"}),
            )?;
            ws.dispatch(
                &doctor,
                "add_diagnosis",
                json!({"encounter_id": e["id"], "code": codes[n % codes.len()]}),
            )?;
            ws.dispatch(&doctor, "sign_encounter", json!({"encounter_id": e["id"]}))?;
        }
        let p = ws.dispatch(
            &doctor,
            "create_prescription",
            json!({"patient_id": patient_id}),
        )?;
        for med in [
            "med-amlodipine-5-mg-tablet",
            "med-metformin-500-mg-tablet",
            "med-atorvastatin-20-mg-tablet",
            "med-salbutamol-100-micrograms-dose-inhaler",
        ] {
            ws.dispatch(
                &doctor,
                "add_prescription_item",
                json!({"prescription_id": p["id"], "medication_id": med}),
            )?;
        }
        ws.dispatch(
            &doctor,
            "sign_prescription",
            json!({"prescription_id": p["id"]}),
        )?;
        std::fs::write(&ready, &patient_id).map_err(|e| AppError::io(e.to_string()))?;
        return Ok((ws, patient_id));
    }
    let patient_id = std::fs::read_to_string(&ready).map_err(|e| AppError::io(e.to_string()))?;
    Ok((ws, patient_id.trim().to_string()))
}

fn measure(
    queries: usize,
    mut op: impl FnMut(usize) -> Result<(), AppError>,
) -> Result<(Duration, Duration, Duration), AppError> {
    for i in 0..20 {
        op(i)?;
    }
    let mut times = Vec::with_capacity(queries);
    for i in 0..queries {
        let t = Instant::now();
        op(i)?;
        times.push(t.elapsed());
    }
    times.sort();
    Ok((
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        percentile(&times, 0.99),
    ))
}

const ICD_QUERIES: &[&str] = &[
    "e11",
    "E11.9",
    "j45909",
    "i1",
    "s72.0",
    "diab",
    "diabetes type 2",
    "hypert",
    "essential hyp",
    "fract femur",
    "asthma",
    "pneum",
    "chest pain",
    "m54",
    "low back pain",
    "covid",
    "otitis media",
    "urinary tract infect",
    "migraine",
    "a",
    "d",
    "fracture",
    "infection",
    "pain",
];

/// This process's resident memory (Linux; 0 elsewhere).
fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .nth(1)
                .and_then(|p| p.parse::<u64>().ok())
        })
        .map_or(0, |pages| pages * 4096)
}

pub fn run(opts: &RecordsOptions, log: &mut dyn FnMut(&str)) -> Result<Vec<Row>, AppError> {
    // The ICD-10 index is built at the first search; measured first, before anything else
    // in this process (writing the benchmark's diagnoses) would build it.
    let before = resident_bytes();
    let loading = Instant::now();
    clinicdesk_core::records::icd10::preload();
    let load_ms = loading.elapsed().as_secs_f64() * 1000.0;
    let index_mib = (resident_bytes().saturating_sub(before)) as f64 / (1024.0 * 1024.0);
    let (ws, patient_id) = clinic(opts, log)?;
    let doctor = login(&ws, "dr.bench")?;
    let mut rows = Vec::new();

    let (p50, p95, p99) = measure(opts.queries, |_| {
        ws.dispatch(
            &doctor,
            "open_patient_chart",
            json!({"patient_id": patient_id}),
        )?;
        ws.dispatch(
            &doctor,
            "list_encounters",
            json!({"patient_id": patient_id}),
        )?;
        Ok(())
    })?;
    rows.push(Row {
        work: "open a chart (chart + encounter list)",
        budget_ms: 30.0,
        p50,
        p95,
        p99,
        note: format!("{} signed encounters, audited reads", opts.encounters),
    });

    let encounters = ws.dispatch(
        &doctor,
        "list_encounters",
        json!({"patient_id": patient_id}),
    )?;
    let ids: Vec<Value> = encounters
        .as_array()
        .map(|a| a.iter().map(|e| e["id"].clone()).collect())
        .unwrap_or_default();
    let (p50, p95, p99) = measure(opts.queries, |i| {
        ws.dispatch(
            &doctor,
            "get_encounter",
            json!({"encounter_id": ids[i % ids.len().max(1)]}),
        )?;
        Ok(())
    })?;
    rows.push(Row {
        work: "open one encounter (note, history, vitals, diagnoses)",
        budget_ms: 30.0,
        p50,
        p95,
        p99,
        note: "audited read".into(),
    });

    let (p50, p95, p99) = measure(opts.queries.max(ICD_QUERIES.len() * 10), |i| {
        ws.dispatch(
            &doctor,
            "search_icd10",
            json!({"query": ICD_QUERIES[i % ICD_QUERIES.len()], "limit": 25}),
        )?;
        Ok(())
    })?;
    rows.push(Row {
        work: "ICD-10 search (codes and words)",
        budget_ms: 10.0,
        p50,
        p95,
        p99,
        note: format!(
            "{} queries incl. one-letter prefixes, 98,147 codes; index built in {load_ms:.0} ms, +{index_mib:.1} MiB resident",
            ICD_QUERIES.len()
        ),
    });

    let list = ws.dispatch(
        &doctor,
        "list_prescriptions",
        json!({"patient_id": patient_id}),
    )?;
    let prescription = list[0]["id"].as_str().unwrap_or_default().to_string();
    clinicdesk_core::prescriptions::warm_up_printing()?;
    let (p50, p95, p99) = measure(opts.queries, |_| {
        ws.store().read(|c| {
            clinicdesk_core::prescriptions::render_pdf(c, &prescription, chrono::Utc::now())
                .map(|_| ())
        })
    })?;
    rows.push(Row {
        work: "render a prescription PDF",
        budget_ms: 20.0,
        p50,
        p95,
        p99,
        note: "4 items, A4, DejaVu subset embedded".into(),
    });
    let (p50, p95, p99) = measure(opts.queries, |_| {
        ws.dispatch(
            &doctor,
            "prescription_pdf",
            json!({"prescription_id": prescription}),
        )?;
        Ok(())
    })?;
    rows.push(Row {
        work: "prescription_pdf command (render + base64 + audit)",
        budget_ms: 20.0,
        p50,
        p95,
        p99,
        note: "audited: one write transaction".into(),
    });
    Ok(rows)
}

pub fn markdown(rows: &[Row]) -> String {
    let mut out = String::from(
        "| work | p50 ms | p95 ms | p99 ms | budget | verdict | note |\n|---|---:|---:|---:|---:|---|---|\n",
    );
    for r in rows {
        out.push_str(&format!(
            "| {} | {:.2} | {:.2} | {:.2} | {} ms | {} | {} |\n",
            r.work,
            ms(r.p50),
            ms(r.p95),
            ms(r.p99),
            r.budget_ms,
            if ms(r.p99) < r.budget_ms {
                "PASS"
            } else {
                "MISS"
            },
            r.note
        ));
    }
    out
}

pub fn write_doc(path: &Path, opts: &RecordsOptions, rows: &[Row]) -> Result<(), AppError> {
    const BEGIN: &str = "<!-- records:begin -->";
    const END: &str = "<!-- records:end -->";
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let section = format!(
        r#"{BEGIN}
## Medical records and prescriptions

This section is written by `clinicdesk bench records --doc docs/BENCHMARKS.md`; do not edit
the figures by hand.

### Latest run — {date}

{table}
{queries} operations of each kind after a warm-up of 20 (ICD: at least 240 queries); {cores}
cores; release build.

### What is measured, and how

- **Data.** One real SQLCipher file with one patient holding {encounters} signed encounters
  (SOAP note, vitals, one ICD-10 diagnosis each), two allergies and a signed prescription of
  four items, all written through the commands (`Workstation::dispatch`) as a doctor.
- **Open a chart** = `open_patient_chart` then `list_encounters`, as the chart screen does,
  each an audited read (the audit entry is a write transaction with its commit).
- **ICD-10 search** = `search_icd10` for a mix of codes, code prefixes and word prefixes,
  including one-letter queries (the widest), over the shipped 98,147-code list; the in-memory
  index is built before timing (the app builds it at start-up).
- **Prescription PDF** = laying out and writing the PDF from the stored prescription
  (clinic letterhead, prescriber, patient, items), then the command with base64 and audit.

### Reproduce

```sh
cargo build --release -p clinicdesk-cli
target/release/clinicdesk bench records --doc docs/BENCHMARKS.md
```
{END}"#,
        date = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ"),
        table = markdown(rows),
        queries = opts.queries,
        encounters = opts.encounters,
    );
    replace_section(path, BEGIN, END, &section)
}
