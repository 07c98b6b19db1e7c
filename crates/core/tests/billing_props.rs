#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Property tests of billing. (1) For random invoices, the totals obey the documented rule
//! (billing/money.rs): totals = Σ lines − discounts + tax, tax once per rate with the
//! clinic's rounding, shares that add up exactly. (2) For random sequences of payments,
//! credit notes and refunds through the real commands, each succeeds exactly when the
//! model says it may, and balance = total − credited − payments + refunds after every step.

mod common;

use clinicdesk_core::billing::money::{compute, Discount, LineInput, MoneyRules, Rounding};
use common::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::str::FromStr;

fn dec(units: i64, scale: u32) -> Decimal {
    Decimal::new(units, scale)
}

fn line_strategy() -> impl Strategy<Value = LineInput> {
    (
        1i64..5_000,   // quantity in thousandths
        0i64..500_000, // unit price in ten-thousandths
        0u8..3,        // discount kind
        0i64..10_000,  // discount value
        0usize..3,     // tax group
    )
        .prop_map(|(q, p, kind, v, tax)| {
            let rates = ["22", "10", "0"];
            LineInput {
                quantity: dec(q, 3),
                unit_price: dec(p, 4),
                discount: match kind {
                    0 => Discount::None,
                    1 => Discount::Percent(dec(v % 10_001, 2)),
                    // An amount, kept under the line's gross below.
                    _ => Discount::Amount(dec(v, 2)),
                },
                tax_key: format!("t{tax}"),
                tax_rate: Decimal::from_str(rates[tax]).unwrap(),
            }
        })
}

fn rules_strategy() -> impl Strategy<Value = MoneyRules> {
    (
        prop_oneof![Just(0u32), Just(2u32), Just(3u32)],
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(exponent, even, inclusive)| MoneyRules {
            exponent,
            rounding: if even {
                Rounding::HalfEven
            } else {
                Rounding::HalfUp
            },
            prices_include_tax: inclusive,
        })
}

proptest! {
    #![proptest_config(Config { cases: 2_000, ..Config::default() })]

    #[test]
    fn totals_follow_the_documented_rule(
        rules in rules_strategy(),
        mut lines in prop::collection::vec(line_strategy(), 1..8),
        invoice_kind in 0u8..3,
        invoice_value in 0i64..5_000,
    ) {
        // Line amount discounts never above the line's gross (the command refuses those).
        for l in &mut lines {
            let gross = rules.round(l.quantity * l.unit_price);
            if let Discount::Amount(a) = l.discount {
                l.discount = Discount::Amount(rules.round(a.min(gross)));
            }
        }
        let after_lines: Decimal = lines.iter().map(|l| {
            let g = rules.round(l.quantity * l.unit_price);
            g - match l.discount {
                Discount::None => Decimal::ZERO,
                Discount::Percent(p) => rules.round(g * p / Decimal::ONE_HUNDRED),
                Discount::Amount(a) => a,
            }
        }).sum();
        let invoice_discount = match invoice_kind {
            0 => Discount::None,
            1 => Discount::Percent(dec(invoice_value % 10_001, 2)),
            _ => Discount::Amount(rules.round(dec(invoice_value, 2)).min(after_lines)),
        };
        let t = compute(&rules, &lines, invoice_discount).unwrap();
        let unit_scale = |d: Decimal| d.scale() == rules.exponent;
        prop_assert!(unit_scale(t.total) && unit_scale(t.tax_total) && unit_scale(t.subtotal));
        for (l, a) in lines.iter().zip(&t.lines) {
            prop_assert_eq!(a.gross, rules.round(l.quantity * l.unit_price));
            prop_assert!(a.discount >= Decimal::ZERO && a.discount <= a.gross);
            prop_assert_eq!(a.net + a.tax, a.total);
            prop_assert!(a.net >= Decimal::ZERO && a.tax >= Decimal::ZERO);
            prop_assert!(unit_scale(a.net) && unit_scale(a.tax) && unit_scale(a.discount) && unit_scale(a.total));
        }
        if rules.prices_include_tax {
            prop_assert_eq!(t.total, t.subtotal - t.discount_total);
        } else {
            prop_assert_eq!(t.total, t.subtotal - t.discount_total + t.tax_total);
        }
        prop_assert_eq!(t.total, t.net_total + t.tax_total);
        if let Discount::Amount(a) = invoice_discount {
            // The invoice discount is shared to the minor unit: nothing more, nothing less.
            let own: Decimal = t.lines.iter().zip(&lines).map(|(x, l)| match l.discount {
                Discount::None => Decimal::ZERO,
                Discount::Percent(p) => rules.round(x.gross * p / Decimal::ONE_HUNDRED),
                Discount::Amount(v) => v,
            }).sum();
            prop_assert_eq!(t.discount_total - own, a);
        }
        for g in &t.taxes {
            let members: Vec<_> = lines.iter().zip(&t.lines)
                .filter(|(l, _)| l.tax_key == g.tax_key).map(|(_, a)| *a).collect();
            let amounts: Decimal = members.iter().map(|a| a.gross - a.discount).sum();
            let expected = if rules.prices_include_tax {
                rules.round(amounts * g.rate / (Decimal::ONE_HUNDRED + g.rate))
            } else {
                rules.round(amounts * g.rate / Decimal::ONE_HUNDRED)
            };
            prop_assert_eq!(g.tax, expected);
            prop_assert_eq!(members.iter().map(|a| a.tax).sum::<Decimal>(), g.tax);
            prop_assert_eq!(members.iter().map(|a| a.net).sum::<Decimal>(), g.base);
        }
    }
}

#[derive(Debug, Clone)]
enum Op {
    Pay {
        cents: i64,
        method: usize,
    },
    /// Credit `units` of line `line` (0 = everything left).
    Credit {
        line: usize,
        units: u32,
    },
    /// Refund against the newest credit note.
    Refund {
        cents: i64,
    },
}

fn op_strategy() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (1i64..20_000, 0usize..4).prop_map(|(cents, method)| Op::Pay { cents, method }),
        2 => (0usize..3, 0u32..4).prop_map(|(line, units)| Op::Credit { line, units }),
        2 => (1i64..20_000).prop_map(|cents| Op::Refund { cents }),
    ]
}

fn d(v: &Value) -> Decimal {
    Decimal::from_str(v.as_str().unwrap()).unwrap()
}

#[test]
fn balance_is_total_minus_credits_minus_payments_plus_refunds() {
    let c = records_clinic("Анна", "Петрова", "female", "1990-02-03");
    let accountant = staff(&c.ws, "acc", "accountant");
    let admin = admin(&c.ws);
    call(
        &c.ws,
        &admin,
        "save_tax_category",
        json!({"id": "tax-standard", "name": "Standard", "rate": "22"}),
    )
    .unwrap();
    let items: Vec<Value> = [
        ("A", "33.33", "tax-standard"),
        ("B", "7.10", "tax-exempt"),
        ("C", "19.99", "tax-standard"),
    ]
    .iter()
    .map(|(code, price, tax)| {
        call(
            &c.ws,
            &accountant,
            "save_price_item",
            json!({"code": code, "name": format!("Service {code}"), "kind": "procedure",
                       "tax_category_id": tax, "price": price}),
        )
        .unwrap()["id"]
            .clone()
    })
    .collect();
    let methods = ["cash", "card", "transfer", "insurance"];
    let mut runner = TestRunner::new(Config {
        cases: 128,
        ..Config::default()
    });
    let strategy = (
        prop::collection::vec(1u32..4, 3),
        prop::collection::vec(op_strategy(), 1..14),
    );
    runner
        .run(&strategy, |(quantities, ops)| {
            let inv = call(&c.ws, &c.desk, "create_invoice", json!({"patient_id": c.patient})).unwrap();
            for (item, q) in items.iter().zip(&quantities) {
                call(&c.ws, &c.desk, "add_invoice_line",
                     json!({"invoice_id": inv["id"], "price_item_id": item, "quantity": q.to_string()}))
                    .unwrap();
            }
            let mut inv = call(&c.ws, &c.desk, "issue_invoice", json!({"invoice_id": inv["id"]})).unwrap();
            let total = d(&inv["total"]);
            let (mut paid, mut refunded, mut credited) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
            let mut left: Vec<u32> = quantities.clone();
            for op in ops {
                let balance = total - credited - paid + refunded;
                match op {
                    Op::Pay { cents, method } => {
                        let amount = Decimal::new(cents, 2);
                        let r = call(&c.ws, &c.desk, "record_payment", json!({
                            "invoice_id": inv["id"], "amount": amount.to_string(),
                            "method": methods[method], "reference": "ref"}));
                        let allowed = balance > Decimal::ZERO && amount <= balance;
                        prop_assert_eq!(r.is_ok(), allowed, "pay {} on balance {}: {:?}", amount, balance, r);
                        if let Ok(v) = r {
                            paid += amount;
                            inv = v["invoice"].clone();
                        }
                    }
                    Op::Credit { line, units } => {
                        let lines = match units {
                            0 => Value::Null,
                            u => json!([{"invoice_line_id": inv["lines"][line]["id"], "quantity": u.to_string()}]),
                        };
                        let r = call(&c.ws, &accountant, "issue_credit_note", json!({
                            "invoice_id": inv["id"], "reason": "property test", "lines": lines}));
                        let allowed = if units == 0 { left.iter().any(|l| *l > 0) } else { units <= left[line] };
                        prop_assert_eq!(r.is_ok(), allowed, "credit {}×{} with {:?} left: {:?}", units, line, left, r);
                        if let Ok(v) = r {
                            if units == 0 { left = vec![0; 3]; } else { left[line] -= units; }
                            let notes = v["credit_notes"].as_array().unwrap();
                            credited += d(&notes.last().unwrap()["total"]);
                            inv = v;
                        }
                    }
                    Op::Refund { cents } => {
                        let Some(note) = inv["credit_notes"].as_array().unwrap().last().cloned() else { continue };
                        let amount = Decimal::new(cents, 2);
                        let owed = -balance;
                        let note_left = d(&note["total"]) - d(&note["refunded"]);
                        let r = call(&c.ws, &accountant, "record_refund", json!({
                            "credit_note_id": note["id"], "amount": amount.to_string(), "method": "cash"}));
                        let allowed = amount <= owed.min(note_left);
                        prop_assert_eq!(r.is_ok(), allowed, "refund {} owed {} note {}: {:?}", amount, owed, note_left, r);
                        if let Ok(v) = r {
                            refunded += amount;
                            inv = v["invoice"].clone();
                        }
                    }
                }
                let balance = total - credited - paid + refunded;
                prop_assert_eq!(d(&inv["balance"]), balance);
                prop_assert_eq!(d(&inv["credited"]), credited);
                prop_assert_eq!(d(&inv["paid"]), paid - refunded);
                prop_assert!(credited <= total);
                let status = inv["payment_status"].as_str().unwrap();
                let expected = if balance < Decimal::ZERO { "refund_due" }
                    else if balance.is_zero() { if (paid - refunded).is_zero() && !credited.is_zero() { "credited" } else { "paid" } }
                    else if paid - refunded > Decimal::ZERO { "partly_paid" } else { "unpaid" };
                prop_assert_eq!(status, expected);
            }
            // Credit notes of a line never add up to more than the line.
            for l in inv["lines"].as_array().unwrap() {
                prop_assert!(d(&l["credited_quantity"]) <= d(&l["quantity"]));
            }
            Ok(())
        })
        .unwrap();
}
