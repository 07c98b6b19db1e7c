//! `clinicdesk bench sync`: push and pull a backlog through a real PostgreSQL, and the
//! real-time fan-out between two connected workstations.

use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use clinicdesk_core::audit::AuditActor;
use clinicdesk_core::keys::DbKey;
use clinicdesk_core::sync::{LiveSync, SyncTarget};
use clinicdesk_core::{AppError, Caller, Workstation};
use clinicdesk_sync::{CentralServer, SyncEngine};
use serde_json::{json, Value};
use tokio::sync::Notify;

use crate::sync_cmd::{runtime, sync_error};

pub struct SyncBenchOptions {
    /// Changes in the backlog (at least).
    pub changes: usize,
    /// Timed fan-out writes.
    pub fanout: usize,
    /// A PostgreSQL database the bench may create a throwaway database from.
    pub url: String,
    pub dir: PathBuf,
}

/// One measured figure.
pub struct Figure {
    pub work: &'static str,
    pub value: f64,
    pub unit: &'static str,
    /// The budget, and whether larger is better (throughput) or smaller (latency).
    pub budget: Option<(f64, bool)>,
    pub note: String,
}

impl Figure {
    fn pass(&self) -> Option<bool> {
        self.budget.map(|(b, higher)| {
            if higher {
                self.value >= b
            } else {
                self.value < b
            }
        })
    }
}

pub fn markdown(rows: &[Figure]) -> String {
    let mut out =
        String::from("| work | measured | budget | verdict | note |\n|---|---:|---:|---|---|\n");
    for r in rows {
        let budget = r.budget.map_or("—".to_owned(), |(b, higher)| {
            format!("{} {b:.0} {}", if higher { "≥" } else { "<" }, r.unit)
        });
        let verdict = match r.pass() {
            Some(true) => "PASS",
            Some(false) => "MISS",
            None => "—",
        };
        out.push_str(&format!(
            "| {} | {:.1} {} | {budget} | {verdict} | {} |\n",
            r.work, r.value, r.unit, r.note
        ));
    }
    out
}

pub fn to_json(rows: &[Figure]) -> Value {
    Value::Array(
        rows.iter()
            .map(|r| {
                json!({"work": r.work, "value": r.value, "unit": r.unit,
                       "budget": r.budget.map(|b| b.0), "pass": r.pass(), "note": r.note})
            })
            .collect(),
    )
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn workstation(dir: &Path, name: &str) -> Result<Workstation, AppError> {
    let path = dir.join(format!("{name}.db"));
    for suffix in ["", "-wal", "-shm", ".audit-anchor"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    Workstation::open(&path, DbKey::generate())
}

pub fn run(opts: &SyncBenchOptions, log: &mut dyn FnMut(&str)) -> Result<Vec<Figure>, AppError> {
    std::fs::create_dir_all(&opts.dir)
        .map_err(|e| AppError::io(format!("cannot create {}: {e}", opts.dir.display())))?;
    let rt = runtime()?;
    let db_name = format!("clinicdesk_bench_{}", uuid_simple());
    let admin_url = opts.url.clone();
    let bench_url = {
        let mut url = url::Url::parse(&admin_url)
            .map_err(|e| AppError::field("url", format!("not a URL: {e}")))?;
        url.set_path(&format!("/{db_name}"));
        url.to_string()
    };
    rt.block_on(async {
        let admin = sqlx_connect(&admin_url).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db_name}")))
            .execute(&admin)
            .await
            .map_err(|e| AppError::io(format!("cannot create the bench database: {e}")))?;
        admin.close().await;
        CentralServer::migrate(&bench_url)
            .await
            .map_err(|e| sync_error(&e))?;
        Ok::<(), AppError>(())
    })?;
    let result = measure(opts, &rt, &bench_url, log);
    // The throwaway database goes, whatever happened.
    rt.block_on(async {
        if let Ok(admin) = sqlx_connect(&admin_url).await {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {db_name} WITH (FORCE)"
            )))
            .execute(&admin)
            .await;
            admin.close().await;
        }
    });
    result
}

async fn sqlx_connect(url: &str) -> Result<sqlx::PgPool, AppError> {
    sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .map_err(|e| AppError::io(format!("cannot reach PostgreSQL at {url}: {e}")))
}

fn uuid_simple() -> String {
    format!("{:x}", rand::random::<u64>())
}

fn measure(
    opts: &SyncBenchOptions,
    rt: &tokio::runtime::Runtime,
    url: &str,
    log: &mut dyn FnMut(&str),
) -> Result<Vec<Figure>, AppError> {
    let target = |name: &str| SyncTarget {
        server_url: url.to_owned(),
        password: None,
        workstation_name: name.to_owned(),
    };
    let a = Arc::new(workstation(&opts.dir, "sync-bench-a")?);
    a.dispatch(
        &Caller::Anonymous,
        "setup_clinic",
        json!({"clinic_name": "Sync bench", "admin_username": "admin",
               "admin_full_name": "Bench Admin", "admin_password": "ledger walnut harbour 62"}),
    )?;
    log("generating the backlog on workstation A…");
    let actor = AuditActor {
        id: None,
        name: "bench".into(),
        role: None,
    };
    loop {
        let pending = a.store().read(clinicdesk_core::sync::pending_count)?;
        if usize::try_from(pending).unwrap_or(0) >= opts.changes {
            break;
        }
        let missing = opts.changes - usize::try_from(pending).unwrap_or(0);
        clinicdesk_core::patients::generate::generate_patients(
            a.store(),
            missing.div_ceil(2).max(1).min(missing),
            u64::try_from(pending).unwrap_or(0) + 1,
            a.now(),
            actor.clone(),
            |_| {},
        )?;
    }
    let backlog = a.store().read(clinicdesk_core::sync::pending_count)?;
    let nothing = |_: &str, _: u64, _: Option<u64>| {};
    let mut rows = Vec::new();

    let engine_a = rt
        .block_on(SyncEngine::connect(a.clone(), &target("Bench A")))
        .map_err(|e| sync_error(&e))?;
    let started = Instant::now();
    let pushed = rt
        .block_on(engine_a.push_all(&nothing))
        .map_err(|e| sync_error(&e))?;
    let push_s = started.elapsed().as_secs_f64();
    log(&format!(
        "pushed {} changes in {push_s:.2} s",
        pushed.pushed
    ));
    rows.push(Figure {
        work: "push a backlog (changes/s)",
        value: pushed.pushed as f64 / push_s,
        unit: "changes/s",
        budget: Some((5000.0, true)),
        note: format!(
            "{} changes ({} patients with allergies, generated) from one encrypted store in {push_s:.2} s, pages of {}: read + stamp per-field versions, send, mark pushed",
            pushed.pushed,
            a.store().read(|c| Ok(c.query_row("SELECT count(*) FROM patients", [], |r| r.get::<_, i64>(0))?))?,
            clinicdesk_sync::PAGE
        ),
    });

    let b = Arc::new(workstation(&opts.dir, "sync-bench-b")?);
    let engine_b = rt
        .block_on(SyncEngine::connect(b.clone(), &target("Bench B")))
        .map_err(|e| sync_error(&e))?;
    let started = Instant::now();
    let pulled = rt
        .block_on(engine_b.pull_all(&nothing))
        .map_err(|e| sync_error(&e))?;
    let pull_s = started.elapsed().as_secs_f64();
    log(&format!(
        "pulled {} changes in {pull_s:.2} s",
        pulled.pulled
    ));
    rows.push(Figure {
        work: "pull a backlog (changes/s)",
        value: pulled.pulled as f64 / pull_s,
        unit: "changes/s",
        budget: Some((5000.0, true)),
        note: format!(
            "{} changes into a new encrypted store in {pull_s:.2} s: fetch pages, merge field by field, rebuild the search keys, one transaction per page (backlog {backlog})",
            pulled.pulled
        ),
    });

    // Fan-out: both connected and listening; A registers patients, B's change listener
    // notes when each arrives.
    let (tx, rx) = mpsc::channel::<Instant>();
    let tx = Mutex::new(tx);
    b.store().on_change(Arc::new(move |tables: &[String]| {
        if tables.iter().any(|t| t == "patients") {
            let _ = tx.lock().map(|t| t.send(Instant::now()));
        }
    }));
    let stop = Arc::new(Notify::new());
    let local_a = Arc::new(Notify::new());
    {
        let local_a = local_a.clone();
        a.store()
            .on_change(Arc::new(move |_: &[String]| local_a.notify_one()));
    }
    let engines = Arc::new((engine_a, engine_b));
    let watchers = {
        let engines = engines.clone();
        let stop = stop.clone();
        let local_a = local_a.clone();
        rt.spawn(async move {
            let (live_a, live_b) = (
                Mutex::new(LiveSync::default()),
                Mutex::new(LiveSync::default()),
            );
            let (wake_a, wake_b, local_b, stop_b) =
                (Notify::new(), Notify::new(), Notify::new(), Notify::new());
            let watch_a = engines.0.watch(&live_a, &local_a, &wake_a, &stop);
            let watch_b = engines.1.watch(&live_b, &local_b, &wake_b, &stop_b);
            tokio::select! {
                r = watch_a => r,
                r = watch_b => r,
            }
        })
    };
    std::thread::sleep(Duration::from_millis(500));
    while rx.try_recv().is_ok() {}
    let desk = a.dispatch(
        &Caller::Anonymous,
        "login",
        json!({"username": "admin", "password": "ledger walnut harbour 62"}),
    )?;
    let desk = Caller::Session(desk["token"].as_str().unwrap_or_default().to_owned());
    let mut times = Vec::new();
    for i in 0..opts.fanout {
        let started = Instant::now();
        a.dispatch(
            &desk,
            "register_patient",
            json!({"patient": {"given_name": "Fan", "family_name": format!("Out {i}"), "sex": "other",
                               "date_of_birth": "1990-01-01"}, "acknowledge_duplicates": true}),
        )?;
        let arrived = rx.recv_timeout(Duration::from_secs(10)).map_err(|_| {
            AppError::internal(format!(
                "change {i} did not reach workstation B within 10 s"
            ))
        })?;
        times.push(arrived.saturating_duration_since(started));
        std::thread::sleep(Duration::from_millis(50));
    }
    stop.notify_one();
    watchers.abort();
    times.sort();
    let (p50, p95, p99) = (
        percentile(&times, 50.0),
        percentile(&times, 95.0),
        percentile(&times, 99.0),
    );
    log(&format!(
        "fan-out p50 {:.1} ms p95 {:.1} ms p99 {:.1} ms",
        ms(p50),
        ms(p95),
        ms(p99)
    ));
    rows.push(Figure {
        work: "real-time fan-out A → B, p95 (ms)",
        value: ms(p95),
        unit: "ms",
        budget: Some((1000.0, false)),
        note: format!(
            "{} patient registrations on A, each timed from the command's start to B's change listener (after B pulled and committed it): p50 {:.1} ms, p99 {:.1} ms; push on A's own write, NOTIFY, pull on B",
            times.len(),
            ms(p50),
            ms(p99)
        ),
    });
    Ok(rows)
}

pub fn write_doc(path: &Path, opts: &SyncBenchOptions, rows: &[Figure]) -> Result<(), AppError> {
    const BEGIN: &str = "<!-- sync:begin -->";
    const END: &str = "<!-- sync:end -->";
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let section = format!(
        "{BEGIN}\n## Sync\n\nThis section is written by `clinicdesk bench sync --doc docs/BENCHMARKS.md`; do not edit\nthe figures by hand.\n\n**Budgets:** push or pull a backlog at ≥ 5,000 changes/s against local PostgreSQL;\nreal-time fan-out between two workstations p95 under 1 s.\n\n### Latest run — {date}\n\n{table}\nBacklog of at least {changes} changes; {fanout} fan-out writes; {cores} cores; release build;\nPostgreSQL 15 on the same machine (a throwaway database, dropped afterwards).\n\n### Reproduce\n\n```sh\ncargo run --release -p clinicdesk-cli -- bench sync --changes {changes} --doc docs/BENCHMARKS.md\n```\n{END}",
        date = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        table = markdown(rows),
        changes = opts.changes,
        fanout = opts.fanout,
    );
    let old = std::fs::read_to_string(path).unwrap_or_else(|_| "# Benchmarks\n".to_owned());
    let new = match (old.find(BEGIN), old.find(END)) {
        (Some(b), Some(e)) if e > b => format!("{}{section}{}", &old[..b], &old[e + END.len()..]),
        _ => format!("{}\n{section}\n", old.trim_end()),
    };
    std::fs::write(path, new)
        .map_err(|e| AppError::io(format!("cannot write {}: {e}", path.display())))
}
