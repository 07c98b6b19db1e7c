//! `clinicdesk write-loop`: issues and pays invoices in a loop through the real registry
//! commands (each its own transaction), printing one line per committed command, so a test
//! can kill the process at any moment and check that everything it was told about is in
//! the file, whole (crates/cli/tests/crash.rs).
//!
//! Output, one line per successful command, flushed at once:
//! `ready <workstation id>`, `draft <invoice id>`, `line <invoice id> <line id>`,
//! `issued <invoice id> <number> <lines> <total>`,
//! `paid <payment id> <receipt> <amount> <invoice id>`, and `done <n>` at the end.

use clinicdesk_core::{AppError, Caller, Workstation};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use std::io::Write;

/// The account the loop works as (an accountant: billing.write); its password is new
/// (random) at every run and never printed.
pub const LOOP_USER: &str = "write.loop";
/// The loop's own patient, found again by name.
const PATIENT: (&str, &str) = ("Crash", "Write-Loop");
/// code, name, kind, tax, price.
const ITEMS: [(&str, &str, &str, &str, &str); 4] = [
    (
        "LOOP-CONS",
        "Consultation (write-loop)",
        "consultation",
        "tax-exempt",
        "50.00",
    ),
    (
        "LOOP-LAB",
        "Blood test (write-loop)",
        "lab_test",
        "tax-exempt",
        "12.40",
    ),
    (
        "LOOP-SUP",
        "Dressing pack (write-loop)",
        "supply",
        "tax-standard",
        "3.35",
    ),
    (
        "LOOP-MED",
        "Ibuprofen (write-loop)",
        "medicine",
        "tax-standard",
        "7.99",
    ),
];

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_default().to_owned()
}

fn random_password(rng: &mut StdRng) -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..28)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Money text ("12.34", "-3.00") as minor units, for a currency of 2 decimals.
fn cents(text: &str) -> Option<i64> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if frac.len() > 2 {
        return None;
    }
    let negative = int.starts_with('-');
    let whole: i64 = int.trim_start_matches('-').parse().ok()?;
    let frac: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().ok()?
    };
    let v = whole * 100 + frac;
    Some(if negative { -v } else { v })
}

fn money(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// What the loop needs: its user (signed in), its patient and its price list.
fn prepare(ws: &Workstation, rng: &mut StdRng) -> Result<(Caller, String, Vec<String>), AppError> {
    let admin = Caller::LocalAdmin;
    let password = random_password(rng);
    let users = ws.dispatch(&admin, "list_users", json!({}))?;
    let existing = users
        .as_array()
        .and_then(|a| a.iter().find(|u| u["username"] == LOOP_USER).cloned());
    match existing {
        Some(user) => {
            if user["active"].as_bool() != Some(true) {
                ws.dispatch(&admin, "enable_user", json!({"username": LOOP_USER}))?;
            }
            ws.dispatch(
                &admin,
                "reset_password",
                json!({"username": LOOP_USER, "new_password": password,
                       "must_change_password": false}),
            )?;
        }
        None => {
            ws.dispatch(
                &admin,
                "create_user",
                json!({"username": LOOP_USER, "full_name": "Write Loop (crash test)",
                       "role": "accountant", "password": password,
                       "must_change_password": false}),
            )?;
        }
    }
    let login = ws.dispatch(
        &Caller::Anonymous,
        "login",
        json!({"username": LOOP_USER, "password": password}),
    )?;
    let session = Caller::Session(login["token"].as_str().unwrap_or_default().to_owned());

    let patient: Option<String> = ws.store().read(|c| {
        let mut stmt = c.prepare(
            "SELECT id FROM patients WHERE given_name = ?1 AND family_name = ?2
             AND merged_into IS NULL ORDER BY created_at LIMIT 1",
        )?;
        let mut rows = stmt.query([PATIENT.0, PATIENT.1])?;
        Ok(match rows.next()? {
            Some(r) => Some(r.get(0)?),
            None => None,
        })
    })?;
    let patient = match patient {
        Some(p) => p,
        None => id(&ws.dispatch(
            &admin,
            "register_patient",
            json!({"patient": {"given_name": PATIENT.0, "family_name": PATIENT.1,
                               "sex": "unknown", "date_of_birth": "1970-01-01"},
                   "acknowledge_duplicates": true}),
        )?),
    };
    let mut items = Vec::new();
    for (code, name, kind, tax, price) in ITEMS {
        let found: Option<String> = ws.store().read(|c| {
            let mut stmt =
                c.prepare("SELECT id FROM price_items WHERE code = ?1 COLLATE NOCASE")?;
            let mut rows = stmt.query([code])?;
            Ok(match rows.next()? {
                Some(r) => Some(r.get(0)?),
                None => None,
            })
        })?;
        items.push(match found {
            Some(i) => i,
            None => id(&ws.dispatch(
                &admin,
                "save_price_item",
                json!({"code": code, "name": name, "kind": kind, "tax_category_id": tax,
                       "price": price}),
            )?),
        });
    }
    Ok((session, patient, items))
}

/// Runs the loop `count` times (None: until killed); returns how many invoices were paid.
pub fn run(
    ws: &Workstation,
    count: Option<u64>,
    seed: u64,
    out: &mut dyn Write,
) -> Result<u64, AppError> {
    let mut rng = StdRng::seed_from_u64(seed);
    let (session, patient, items) = prepare(ws, &mut rng)?;
    let mut say = |line: String| -> Result<(), AppError> {
        writeln!(out, "{line}")
            .and_then(|_| out.flush())
            .map_err(|e| AppError::io(format!("standard output: {e}")))
    };
    say(format!("ready {}", ws.store().workstation_id()))?;
    let mut done = 0u64;
    while count.is_none_or(|n| done < n) {
        let draft = ws.dispatch(
            &session,
            "create_invoice",
            json!({"patient_id": patient, "notes": format!("write-loop {seed} #{done}")}),
        )?;
        let invoice = id(&draft);
        say(format!("draft {invoice}"))?;
        let lines = rng.gen_range(1..=3);
        for _ in 0..lines {
            let item = &items[rng.gen_range(0..items.len())];
            let inv = ws.dispatch(
                &session,
                "add_invoice_line",
                json!({"invoice_id": invoice, "price_item_id": item,
                       "quantity": rng.gen_range(1..=3).to_string()}),
            )?;
            let line = inv["lines"]
                .as_array()
                .and_then(|l| l.last())
                .map(id)
                .unwrap_or_default();
            say(format!("line {invoice} {line}"))?;
        }
        let issued = ws.dispatch(&session, "issue_invoice", json!({"invoice_id": invoice}))?;
        let total = issued["total"].as_str().unwrap_or_default().to_owned();
        say(format!(
            "issued {invoice} {} {} {total}",
            issued["number"].as_str().unwrap_or_default(),
            issued["lines"].as_array().map_or(0, Vec::len)
        ))?;
        // A third of the patients pay half now (the rest stays outstanding).
        let full = cents(&total).unwrap_or(0);
        let amount = if rng.gen_bool(1.0 / 3.0) && full >= 2 {
            money(full / 2)
        } else {
            total.clone()
        };
        let paid = ws.dispatch(
            &session,
            "record_payment",
            json!({"invoice_id": invoice, "amount": amount,
                   "method": if rng.gen_bool(0.5) { "cash" } else { "card" }}),
        )?;
        say(format!(
            "paid {} {} {} {invoice}",
            paid["payment"]["id"].as_str().unwrap_or_default(),
            paid["payment"]["receipt_number"]
                .as_str()
                .unwrap_or_default(),
            paid["payment"]["amount"].as_str().unwrap_or_default()
        ))?;
        done += 1;
    }
    let _ = ws.dispatch(&session, "logout", json!({}));
    say(format!("done {done}"))?;
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cents_read_stored_money() {
        assert_eq!(cents("12.34"), Some(1234));
        assert_eq!(cents("-3.00"), Some(-300));
        assert_eq!(cents("7"), Some(700));
        assert_eq!(cents("0.5"), Some(50));
        assert_eq!(cents("1.234"), None);
        assert_eq!(money(1234), "12.34");
        assert_eq!(money(5), "0.05");
    }
}
