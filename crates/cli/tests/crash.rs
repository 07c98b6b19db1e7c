//! Crash safety of issuing and paying: `clinicdesk write-loop` runs as a child process on a
//! real encrypted clinic and is killed with SIGKILL at a random moment, 25 times in a row
//! on the same file. After every kill the file is opened again and checked: everything the
//! child reported as done is there as reported; invoice, receipt and credit note numbers
//! are gap-free and unique per series; no issued invoice lacks lines or has totals other
//! than the sum of its lines; no invoice is paid beyond its total; `integrity_check`,
//! `foreign_key_check` and the audit chain (with its anchor) are clean.
//!
//! Also: two workstations opened on the same file, issuing and paying from two threads at
//! once, end with gap-free unique numbers.
//!
//! With `CLINICDESK_CRASH_DOC=docs/BENCHMARKS.md` the kill test writes its figures into
//! that file's crash-safety section (between `<!-- billing-crash:begin -->` and
//! `<!-- billing-crash:end -->`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use clinicdesk_core::keys::{KeyFile, KeySource};
use clinicdesk_core::{Caller, Workstation};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ADMIN_PASSWORD: &str = "violet tractor umbrella";
const DESK_PASSWORD: &str = "copper lantern meadow river";

/// A clinic made by `clinicdesk init`, in a folder of its own.
fn new_clinic() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("clinic.db");
    let key = dir.path().join("clinic.key");
    assert_cmd::Command::new(env!("CARGO_BIN_EXE_clinicdesk"))
        .env_remove("CLINICDESK_DB")
        .env_remove("CLINICDESK_KEY_FILE")
        .arg("--db")
        .arg(&db)
        .arg("--key-file")
        .arg(&key)
        .args(["init", "--clinic-name", "Crash Test Clinic"])
        .args(["--admin-username", "boss", "--admin-password-stdin"])
        .write_stdin(format!("{ADMIN_PASSWORD}\n"))
        .timeout(Duration::from_secs(60))
        .assert()
        .success();
    (dir, db, key)
}

fn open(db: &Path, key: &Path) -> Workstation {
    Workstation::open_existing(db, KeyFile::new(key).load().unwrap()).unwrap()
}

/// Money text ("12.34", "0", "-3.00") in cents.
fn cents(text: &str) -> i64 {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    assert!(frac.len() <= 2, "more than two decimals: {text}");
    let negative = int.starts_with('-');
    let whole: i64 = int.trim_start_matches('-').parse().unwrap();
    let frac: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().unwrap()
    };
    let v = whole * 100 + frac;
    if negative {
        -v
    } else {
        v
    }
}

fn sum(list: &str) -> i64 {
    list.split('|').filter(|s| !s.is_empty()).map(cents).sum()
}

/// What one check looked at.
#[derive(Default, Debug, Clone, Copy)]
struct Checked {
    invoices: usize,
    lines: usize,
    payments: usize,
}

/// Everything the file must satisfy, and every line the children printed so far.
fn check_file(db: &Path, key: &Path, reported: &[String]) -> Checked {
    let ws = open(db, key);
    let problems = ws.store().integrity_problems().unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    let report = ws
        .dispatch(&Caller::LocalAdmin, "verify_database", json!({}))
        .unwrap();
    assert_eq!(report["clean"], true, "{report}");
    let mut checked = Checked::default();
    ws.store()
        .read(|c| {
            // Every reported line, as reported.
            for line in reported {
                let f: Vec<&str> = line.split(' ').collect();
                match f[0] {
                    "ready" | "done" => {}
                    "draft" => {
                        let n: i64 = c.query_row(
                            "SELECT count(*) FROM invoices WHERE id = ?1",
                            [f[1]],
                            |r| r.get(0),
                        )?;
                        assert_eq!(n, 1, "lost: {line}");
                    }
                    "line" => {
                        let invoice: String = c
                            .query_row(
                                "SELECT invoice_id FROM invoice_lines WHERE id = ?1 AND status = 'active'",
                                [f[2]],
                                |r| r.get(0),
                            )
                            .unwrap_or_else(|e| panic!("lost: {line} ({e})"));
                        assert_eq!(invoice, f[1], "{line}");
                    }
                    "issued" => {
                        let (status, number, total, lines): (String, String, String, i64) = c
                            .query_row(
                                "SELECT status, number_text, total,
                                        (SELECT count(*) FROM invoice_lines l
                                         WHERE l.invoice_id = i.id AND l.status = 'active')
                                 FROM invoices i WHERE id = ?1",
                                [f[1]],
                                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                            )
                            .unwrap_or_else(|e| panic!("lost: {line} ({e})"));
                        assert_eq!(status, "issued", "{line}");
                        assert_eq!(number, f[2], "{line}");
                        assert_eq!(lines.to_string(), f[3], "{line}");
                        assert_eq!(total, f[4], "{line}");
                    }
                    "paid" => {
                        let (receipt, amount, invoice): (String, String, String) = c
                            .query_row(
                                "SELECT receipt_text, amount, invoice_id FROM payments WHERE id = ?1",
                                [f[1]],
                                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                            )
                            .unwrap_or_else(|e| panic!("lost: {line} ({e})"));
                        assert_eq!((receipt.as_str(), amount.as_str(), invoice.as_str()), (f[2], f[3], f[4]), "{line}");
                    }
                    other => panic!("unexpected output {other:?}: {line}"),
                }
            }
            // Gap-free, unique numbers per series, each number's text matching.
            for (table, series, number, text, filter) in [
                ("invoices", "series", "number", "number_text", "status = 'issued'"),
                ("payments", "receipt_series", "receipt_number", "receipt_text", "1 = 1"),
                ("credit_notes", "series", "number", "number_text", "1 = 1"),
            ] {
                let mut stmt = c.prepare(&format!(
                    "SELECT {series}, count(*), count(DISTINCT {number}), min({number}), max({number}),
                            sum({text} <> {series} || '-' || printf('%06d', {number}))
                     FROM {table} WHERE {filter} GROUP BY {series}"
                ))?;
                let rows = stmt.query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, i64>(4)?,
                        r.get::<_, i64>(5)?,
                    ))
                })?;
                for row in rows {
                    let (s, n, distinct, min, max, wrong_text) = row?;
                    assert_eq!((n, distinct, min, max, wrong_text), (max, max, 1, max, 0),
                        "{table} series {s}: {n} rows, {distinct} distinct numbers, {min}..={max}, {wrong_text} texts wrong");
                }
            }
            // Unissued invoices carry no number.
            let numbered: i64 = c.query_row(
                "SELECT count(*) FROM invoices WHERE status <> 'issued' AND (number IS NOT NULL OR number_text IS NOT NULL)",
                [],
                |r| r.get(0),
            )?;
            assert_eq!(numbered, 0);
            // No issued invoice without lines.
            let bare: i64 = c.query_row(
                "SELECT count(*) FROM invoices i WHERE status = 'issued' AND NOT EXISTS
                     (SELECT 1 FROM invoice_lines l WHERE l.invoice_id = i.id AND l.status = 'active')",
                [],
                |r| r.get(0),
            )?;
            assert_eq!(bare, 0, "issued invoices without lines");
            // Totals are the sums of the lines.
            let mut stmt = c.prepare(
                "SELECT i.number_text, i.subtotal, i.discount_total, i.tax_total, i.total,
                        group_concat(l.gross, '|'), group_concat(l.discount, '|'),
                        group_concat(l.tax, '|'), group_concat(l.total, '|'), count(l.id)
                 FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id AND l.status = 'active'
                 WHERE i.status = 'issued' GROUP BY i.id",
            )?;
            let rows = stmt.query_map([], |r| {
                let t: [String; 9] = [
                    r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?,
                    r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?,
                ];
                Ok((t, r.get::<_, i64>(9)?))
            })?;
            for row in rows {
                let (t, n) = row?;
                checked.invoices += 1;
                checked.lines += n as usize;
                assert_eq!(cents(&t[1]), sum(&t[5]), "{}: subtotal", t[0]);
                assert_eq!(cents(&t[2]), sum(&t[6]), "{}: discounts", t[0]);
                assert_eq!(cents(&t[3]), sum(&t[7]), "{}: tax", t[0]);
                assert_eq!(cents(&t[4]), sum(&t[8]), "{}: total", t[0]);
                assert_eq!(cents(&t[4]), cents(&t[1]) - cents(&t[2]) + cents(&t[3]), "{}", t[0]);
            }
            // Payments: only on issued invoices, never beyond the total.
            let mut stmt = c.prepare(
                "SELECT i.number_text, i.status, i.total, group_concat(p.amount, '|'), count(p.id)
                 FROM payments p JOIN invoices i ON i.id = p.invoice_id GROUP BY i.id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            })?;
            for row in rows {
                let (number, status, total, amounts, n) = row?;
                checked.payments += n as usize;
                assert_eq!(status, "issued", "{number:?}");
                assert!(sum(&amounts) <= cents(&total), "{number:?} overpaid");
            }
            Ok(())
        })
        .unwrap();
    checked
}

/// Replaces the part of a Markdown file between the markers (or appends the section).
fn replace_section(path: &Path, begin: &str, end: &str, section: &str) {
    let existing = std::fs::read_to_string(path).unwrap_or_else(|_| "# Benchmarks\n".into());
    let updated = match (existing.find(begin), existing.find(end)) {
        (Some(a), Some(b)) if b > a => format!(
            "{}{}{}",
            &existing[..a],
            section,
            &existing[b + end.len()..]
        ),
        _ => format!("{}\n\n{}\n", existing.trim_end(), section),
    };
    std::fs::write(path, updated).unwrap();
}

#[test]
fn killing_the_write_loop_at_random_moments_loses_and_breaks_nothing() {
    const ROUNDS: usize = 25;
    let started = Instant::now();
    let (_dir, db, key) = new_clinic();
    let mut rng = StdRng::seed_from_u64(20261203);
    let mut reported: Vec<String> = Vec::new();
    let (mut mid_loop, mut before_ready, mut max_round_lines) = (0, 0, 0);
    let mut last = Checked::default();
    let mut delays = Vec::new();
    for round in 0..ROUNDS {
        let delay = Duration::from_millis(rng.gen_range(30..=400));
        delays.push(delay.as_millis());
        let mut child = Command::new(env!("CARGO_BIN_EXE_clinicdesk"))
            .env_remove("CLINICDESK_DB")
            .env_remove("CLINICDESK_KEY_FILE")
            .arg("--db")
            .arg(&db)
            .arg("--key-file")
            .arg(&key)
            .args(["write-loop", "--seed", &(1000 + round).to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut stderr = child.stderr.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<String>>()
        });
        let errors = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        std::thread::sleep(delay);
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        let lines = reader.join().unwrap();
        let errors = errors.join().unwrap();
        assert_eq!(
            status.signal(),
            Some(9),
            "round {round}: the loop ended by itself ({status}): {errors}"
        );
        // A line cut by the kill (no newline yet) is not a report.
        let complete: Vec<String> = lines
            .into_iter()
            .filter(|l| {
                let n = l.split(' ').count();
                matches!(
                    (l.split(' ').next().unwrap_or(""), n),
                    ("ready", 2) | ("draft", 2) | ("line", 3) | ("issued", 5) | ("paid", 5)
                )
            })
            .collect();
        if complete.iter().all(|l| !l.starts_with("ready")) {
            before_ready += 1;
        } else if complete.len() > 1 {
            mid_loop += 1;
        }
        max_round_lines = max_round_lines.max(complete.len());
        reported.extend(complete);
        last = check_file(&db, &key, &reported);
    }
    let elapsed = started.elapsed();
    let issued = reported.iter().filter(|l| l.starts_with("issued")).count();
    let paid = reported.iter().filter(|l| l.starts_with("paid")).count();
    eprintln!(
        "{ROUNDS} kills survived ({mid_loop} mid-loop, {before_ready} before the loop was ready) in {:.1} s; {} reported lines ({issued} issued, {paid} paid) all found; last check: {} issued invoices, {} lines, {} payments",
        elapsed.as_secs_f64(),
        reported.len(),
        last.invoices,
        last.lines,
        last.payments
    );
    assert!(
        mid_loop >= 5,
        "only {mid_loop} of {ROUNDS} kills landed mid-loop"
    );
    assert!(issued > 0 && paid > 0);
    if let Ok(doc) = std::env::var("CLINICDESK_CRASH_DOC") {
        let section = format!(
            r#"<!-- billing-crash:begin -->
### Crash safety of issuing (`clinicdesk write-loop`)

Written by `CLINICDESK_CRASH_DOC=docs/BENCHMARKS.md cargo test -p clinicdesk-cli --test crash
-- --nocapture`; do not edit the figures by hand.

Run of {date} ({profile} build): **{ROUNDS} SIGKILLs survived, 0 problems.** {mid_loop}
kills landed mid-loop (after the child had reported work), {before_ready} while it was
still starting (opening the store, its account, patient and price list); delays 30–400 ms
after the start (seeded, min {min} ms, max {max} ms); {secs:.1} s in all.

After every kill the file was opened again and checked in full: all {reported} lines the
children had printed so far ({issued} issued invoices with their number, line count and
total, {paid} payments with their receipt and amount, every draft and line) were found as
printed; after the last kill the file held {invoices} issued invoices with {lines} lines
and {payments} payments, invoice, receipt and credit note numbers gap-free from 1 and
unique per series, every issued invoice with lines and totals equal to the sums of its
lines, no payment beyond an invoice's total, `integrity_check` ok, `foreign_key_check`
empty, and the audit chain and its anchor verified (`verify_database`).

The child is `clinicdesk write-loop`: draft → 1–3 lines → issue → payment (a third of
them half the total), each a registry command in its own transaction, one line printed
and flushed after each commit. A second test has two workstations on the same encrypted
file issue and pay 50 invoices each from two threads at once: numbers and receipts end
gap-free and unique.
<!-- billing-crash:end -->"#,
            date = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ"),
            profile = if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            },
            min = delays.iter().min().unwrap(),
            max = delays.iter().max().unwrap(),
            secs = elapsed.as_secs_f64(),
            reported = reported.len(),
            invoices = last.invoices,
            lines = last.lines,
            payments = last.payments,
        );
        replace_section(
            Path::new(&doc),
            "<!-- billing-crash:begin -->",
            "<!-- billing-crash:end -->",
            &section,
        );
    }
}

#[test]
fn two_workstations_on_one_file_issue_gap_free_unique_numbers() {
    const EACH: usize = 50;
    let (_dir, db, key) = new_clinic();
    let (patient, item) = {
        let ws = open(&db, &key);
        let admin = Caller::LocalAdmin;
        ws.dispatch(
            &admin,
            "create_user",
            json!({"username": "desk", "full_name": "Front Desk", "role": "receptionist",
                   "password": DESK_PASSWORD, "must_change_password": false}),
        )
        .unwrap();
        let patient = ws
            .dispatch(
                &admin,
                "register_patient",
                json!({"patient": {"given_name": "Ines", "family_name": "Parallel",
                                   "sex": "female", "date_of_birth": "1988-02-29"}}),
            )
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let item = ws
            .dispatch(
                &admin,
                "save_price_item",
                json!({"code": "CONS", "name": "Consultation", "kind": "consultation",
                       "tax_category_id": "tax-standard", "price": "64.90"}),
            )
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        (patient, item)
    };
    let barrier = std::sync::Barrier::new(2);
    let results: Vec<Vec<(String, String)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|t| {
                let (db, key, patient, item, barrier) = (&db, &key, &patient, &item, &barrier);
                s.spawn(move || {
                    let ws = open(db, key);
                    let login = ws
                        .dispatch(
                            &Caller::Anonymous,
                            "login",
                            json!({"username": "desk", "password": DESK_PASSWORD}),
                        )
                        .unwrap();
                    let me = Caller::Session(login["token"].as_str().unwrap().to_owned());
                    barrier.wait();
                    let mut out = Vec::new();
                    for n in 0..EACH {
                        let draft = ws
                            .dispatch(
                                &me,
                                "create_invoice",
                                json!({"patient_id": patient, "notes": format!("thread {t} #{n}")}),
                            )
                            .unwrap();
                        ws.dispatch(
                            &me,
                            "add_invoice_line",
                            json!({"invoice_id": draft["id"], "price_item_id": item,
                                   "quantity": (1 + n % 3).to_string()}),
                        )
                        .unwrap();
                        let issued: Value = ws
                            .dispatch(&me, "issue_invoice", json!({"invoice_id": draft["id"]}))
                            .unwrap();
                        let paid = ws
                            .dispatch(
                                &me,
                                "record_payment",
                                json!({"invoice_id": draft["id"], "amount": issued["total"],
                                       "method": "card"}),
                            )
                            .unwrap();
                        out.push((
                            issued["number"].as_str().unwrap().to_owned(),
                            paid["payment"]["receipt_number"]
                                .as_str()
                                .unwrap()
                                .to_owned(),
                        ));
                    }
                    out
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let series = |text: &str| text.rsplit_once('-').unwrap().0.to_owned();
    let number = |text: &str| -> usize { text.rsplit_once('-').unwrap().1.parse().unwrap() };
    let mut invoices: BTreeMap<usize, usize> = BTreeMap::new();
    let mut receipts: BTreeMap<usize, usize> = BTreeMap::new();
    let first = &results[0][0];
    for (t, list) in results.iter().enumerate() {
        assert_eq!(list.len(), EACH);
        for (inv, rct) in list {
            assert_eq!(series(inv), series(&first.0), "one series: {inv}");
            assert_eq!(series(rct), series(&first.1), "one series: {rct}");
            assert!(invoices.insert(number(inv), t).is_none(), "{inv} twice");
            assert!(receipts.insert(number(rct), t).is_none(), "{rct} twice");
        }
    }
    let all: Vec<usize> = (1..=2 * EACH).collect();
    assert_eq!(invoices.keys().copied().collect::<Vec<_>>(), all);
    assert_eq!(receipts.keys().copied().collect::<Vec<_>>(), all);
    // The two really ran at once: their numbers interleave.
    let switches = invoices
        .values()
        .collect::<Vec<_>>()
        .windows(2)
        .filter(|w| w[0] != w[1])
        .count();
    eprintln!("invoice numbers alternate between the threads {switches} times");
    // And the file agrees (and is clean).
    let checked = check_file(&db, &key, &[]);
    assert_eq!(checked.invoices, 2 * EACH);
    assert_eq!(checked.payments, 2 * EACH);
}
