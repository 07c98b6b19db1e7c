#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Billing: the dated price list, invoices from a completed appointment and by hand, exact
//! totals, issuing (gap-free numbers, frozen by the store), payments (no overpayment),
//! credit notes and refunds, the end-of-day cash closing, reports and CSV, roles, and the
//! printed documents read back with pdftotext.

mod common;

use base64::Engine;
use clinicdesk_core::{Caller, ErrorCode};
use common::*;
use serde_json::{json, Value};

struct Billing {
    c: RecordsClinic,
    accountant: Caller,
    doctor_id: String,
    visit_type: String,
}

fn setup() -> Billing {
    let c = records_clinic("Zsófia", "Kovács-Nagy", "female", "1984-05-06");
    let accountant = staff(&c.ws, "acc", "accountant");
    let admin = admin(&c.ws);
    call(
        &c.ws,
        &admin,
        "save_tax_category",
        json!({"id": "tax-standard", "name": "Standard", "rate": "22"}),
    )
    .unwrap();
    let doctor_id = call(&c.ws, &admin, "list_staff", json!({"role": "doctor"})).unwrap()
        ["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["username"] == "dr.rossi")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let visit_type = call(
        &c.ws,
        &admin,
        "save_visit_type",
        json!({"name": "First visit", "minutes": 30}),
    )
    .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    Billing {
        c,
        accountant,
        doctor_id,
        visit_type,
    }
}

fn item(b: &Billing, code: &str, name: &str, kind: &str, price: &str, tax: &str) -> String {
    call(
        &b.c.ws,
        &b.accountant,
        "save_price_item",
        json!({"code": code, "name": name, "kind": kind, "tax_category_id": tax, "price": price}),
    )
    .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn draft(b: &Billing) -> Value {
    call(
        &b.c.ws,
        &b.c.desk,
        "create_invoice",
        json!({"patient_id": b.c.patient}),
    )
    .unwrap()
}

fn add(b: &Billing, invoice: &Value, input: Value) -> Value {
    let mut input = input;
    input["invoice_id"] = invoice["id"].clone();
    call(&b.c.ws, &b.c.desk, "add_invoice_line", input).unwrap()
}

fn issue(b: &Billing, invoice: &Value) -> Value {
    call(
        &b.c.ws,
        &b.c.desk,
        "issue_invoice",
        json!({"invoice_id": invoice["id"]}),
    )
    .unwrap()
}

fn pay(
    b: &Billing,
    invoice: &Value,
    amount: &str,
    method: &str,
) -> Result<Value, clinicdesk_core::AppError> {
    call(
        &b.c.ws,
        &b.c.desk,
        "record_payment",
        json!({"invoice_id": invoice["id"], "amount": amount, "method": method, "reference": "slip 1"}),
    )
}

/// An issued invoice: 80.00 consultation (22 %) with 10 % off, 3 × 4.99 supplies (22 %),
/// 25.00 lab test (exempt) with 5.00 off, and 10.00 off the invoice.
fn sample_invoice(b: &Billing) -> Value {
    let consult = item(
        b,
        "CONS",
        "Consultation",
        "consultation",
        "80",
        "tax-standard",
    );
    let gauze = item(
        b,
        "GAUZE",
        "Sterile gauze",
        "supply",
        "4.99",
        "tax-standard",
    );
    let lab = item(
        b,
        "CBC",
        "Full blood count",
        "lab_test",
        "25.00",
        "tax-exempt",
    );
    let inv = draft(b);
    add(
        b,
        &inv,
        json!({"price_item_id": consult, "discount_kind": "percent", "discount_value": "10"}),
    );
    add(b, &inv, json!({"price_item_id": gauze, "quantity": "3"}));
    add(
        b,
        &inv,
        json!({"price_item_id": lab, "discount_kind": "amount", "discount_value": "5"}),
    );
    let inv = call(
        &b.c.ws,
        &b.c.desk,
        "update_invoice",
        json!({"invoice_id": inv["id"], "discount_kind": "amount", "discount_value": "10"}),
    )
    .unwrap();
    issue(b, &inv)
}

#[test]
fn totals_are_exact_and_worked_out_once() {
    let b = setup();
    let inv = sample_invoice(&b);
    assert_eq!(inv["subtotal"], "119.97");
    // 8.00 + 5.00 own; the 10.00 is shared 6.73 / 1.40 / 1.87 over 72.00 / 14.97 / 20.00.
    assert_eq!(inv["discount_total"], "23.00");
    let lines = inv["lines"].as_array().unwrap();
    let nets: Vec<&str> = lines.iter().map(|l| l["net"].as_str().unwrap()).collect();
    assert_eq!(nets, ["65.27", "13.57", "18.13"]);
    // Tax once per rate: 22 % of 78.84 = 17.3448 → 17.34; exempt 0.
    assert_eq!(inv["tax_total"], "17.34");
    assert_eq!(inv["total"], "114.31");
    let taxes = inv["taxes"].as_array().unwrap();
    assert_eq!(taxes[0]["base"], "78.84");
    assert_eq!(taxes[0]["tax"], "17.34");
    assert_eq!(taxes[1]["tax"], "0.00");
    assert_eq!(inv["balance"], "114.31");
    assert_eq!(inv["payment_status"], "unpaid");
}

#[test]
fn prices_including_tax_take_the_tax_out() {
    let b = setup();
    let admin = admin(&b.c.ws);
    let mut settings = call(&b.c.ws, &admin, "get_clinic_settings", json!({})).unwrap();
    settings["prices_include_tax"] = json!(true);
    call(&b.c.ws, &admin, "update_clinic_settings", settings).unwrap();
    let consult = item(
        &b,
        "CONS",
        "Consultation",
        "consultation",
        "122",
        "tax-standard",
    );
    let inv = draft(&b);
    let inv = add(&b, &inv, json!({"price_item_id": consult}));
    assert_eq!(inv["total"], "122.00");
    assert_eq!(inv["tax_total"], "22.00");
    assert_eq!(inv["net_total"], "100.00");
}

#[test]
fn the_price_list_keeps_old_prices_for_old_dates() {
    let b = setup();
    let consult = item(
        &b,
        "CONS",
        "Consultation",
        "consultation",
        "80",
        "tax-standard",
    );
    // The clinic's today is 2026-03-02: a rise from April is entered ahead of time.
    call(
        &b.c.ws,
        &b.accountant,
        "save_price_item",
        json!({"id": consult, "code": "CONS", "name": "Consultation", "kind": "consultation",
               "tax_category_id": "tax-standard", "price": "90", "price_valid_from": "2026-04-01"}),
    )
    .unwrap();
    let on = |d: &str| {
        call(
            &b.c.ws,
            &b.c.desk,
            "list_price_items",
            json!({"on_date": d}),
        )
        .unwrap()["items"][0]["price"]
            .clone()
    };
    assert_eq!(on("2026-03-31"), "80.00");
    assert_eq!(on("2026-04-01"), "90.00");
    let err = call(
        &b.c.ws,
        &b.accountant,
        "save_price_item",
        json!({"id": consult, "code": "CONS", "name": "Consultation", "kind": "consultation",
               "tax_category_id": "tax-standard", "price": "70", "price_valid_from": "2026-03-01"}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("price_valid_from"));
    // A draft prices its lines on its service date: before the first price there is none.
    let inv = call(
        &b.c.ws,
        &b.c.desk,
        "create_invoice",
        json!({"patient_id": b.c.patient, "service_date": "2026-03-01"}),
    )
    .unwrap();
    let err = call(
        &b.c.ws,
        &b.c.desk,
        "add_invoice_line",
        json!({"invoice_id": inv["id"], "price_item_id": consult}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("price_item_id"));
    assert!(
        err.message.contains("no price on 2026-03-01"),
        "{}",
        err.message
    );
    let today = add(&b, &draft(&b), json!({"price_item_id": consult}));
    assert_eq!(today["lines"][0]["unit_price"], "80.00");
    // Field errors name the field; reception does not edit the list.
    let err = call(
        &b.c.ws,
        &b.accountant,
        "save_price_item",
        json!({"code": "cons", "name": "Dup", "kind": "procedure", "tax_category_id": "tax-standard", "price": "1"}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("code"));
    let err = call(
        &b.c.ws,
        &b.accountant,
        "save_price_item",
        json!({"code": "X1", "name": "X", "kind": "procedure", "tax_category_id": "tax-standard", "price": "1.234"}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("price"));
    let err = call(
        &b.c.ws,
        &b.c.desk,
        "save_price_item",
        json!({"code": "X2", "name": "X", "kind": "procedure", "tax_category_id": "tax-standard", "price": "1"}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::PermissionDenied);
}

fn completed_appointment(b: &Billing) -> Value {
    let appt = call(
        &b.c.ws,
        &b.c.desk,
        "book_appointment",
        json!({"patient_id": b.c.patient, "doctor_id": b.doctor_id, "visit_type_id": b.visit_type,
               "starts_at": "2026-03-02T09:00", "walk_in": true}),
    )
    .unwrap();
    let err = call(
        &b.c.ws,
        &b.c.desk,
        "create_invoice_from_appointment",
        json!({"appointment_id": appt["id"]}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("appointment_id"));
    assert!(err.message.contains("checked in"), "{}", err.message);
    call(
        &b.c.ws,
        &b.c.doctor,
        "start_consultation",
        json!({"appointment_id": appt["id"]}),
    )
    .unwrap();
    call(
        &b.c.ws,
        &b.c.doctor,
        "complete_appointment",
        json!({"appointment_id": appt["id"]}),
    )
    .unwrap();
    appt
}

#[test]
fn an_invoice_from_a_completed_appointment_prices_its_consultation() {
    let b = setup();
    item(
        &b,
        "CONS",
        "Consultation (any)",
        "consultation",
        "60",
        "tax-exempt",
    );
    call(
        &b.c.ws,
        &b.accountant,
        "save_price_item",
        json!({"code": "FIRST-ROSSI", "name": "First visit, Dr. Rossi", "kind": "consultation",
               "tax_category_id": "tax-exempt", "visit_type_id": b.visit_type,
               "doctor_id": b.doctor_id, "price": "95"}),
    )
    .unwrap();
    let appt = completed_appointment(&b);
    let inv = call(
        &b.c.ws,
        &b.c.desk,
        "create_invoice_from_appointment",
        json!({"appointment_id": appt["id"]}),
    )
    .unwrap();
    assert_eq!(inv["status"], "draft");
    assert_eq!(inv["doctor_id"], b.doctor_id.as_str());
    assert_eq!(inv["lines"][0]["description"], "First visit, Dr. Rossi");
    assert_eq!(inv["total"], "95.00");
    let err = call(
        &b.c.ws,
        &b.c.desk,
        "create_invoice_from_appointment",
        json!({"appointment_id": appt["id"]}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert!(err.message.contains("already invoiced"), "{}", err.message);
}

#[test]
fn issuing_numbers_gap_free_and_freezes_the_invoice() {
    let b = setup();
    let consult = item(
        &b,
        "CONS",
        "Consultation",
        "consultation",
        "80",
        "tax-standard",
    );
    let empty = draft(&b);
    let err = call(
        &b.c.ws,
        &b.c.desk,
        "issue_invoice",
        json!({"invoice_id": empty["id"]}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("invoice_id"));
    let mut numbers = Vec::new();
    for _ in 0..3 {
        let inv = draft(&b);
        add(&b, &inv, json!({"price_item_id": consult}));
        numbers.push(issue(&b, &inv)["number"].as_str().unwrap().to_owned());
    }
    let prefix = numbers[0].rsplit_once('-').unwrap().0.to_owned();
    assert!(prefix.starts_with("INV-"), "{prefix}");
    assert_eq!(
        numbers,
        (1..=3)
            .map(|n| format!("{prefix}-{n:06}"))
            .collect::<Vec<_>>()
    );
    // Frozen: commands refuse, and so does the store itself.
    let issued = call(
        &b.c.ws,
        &b.c.desk,
        "list_invoices",
        json!({"status": "issued"}),
    )
    .unwrap()[0]
        .clone();
    let err = call(
        &b.c.ws,
        &b.c.desk,
        "update_invoice",
        json!({"invoice_id": issued["id"], "notes": "changed"}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    let id = issued["id"].as_str().unwrap().to_owned();
    let raw = b.c.ws.store().write(chrono::Utc::now(), |w| {
        w.conn()
            .execute("UPDATE invoices SET total = '1.00' WHERE id = ?1", [&id])
            .map_err(clinicdesk_core::AppError::from)
    });
    assert!(raw.is_err());
    let raw = b.c.ws.store().write(chrono::Utc::now(), |w| {
        w.conn()
            .execute("DELETE FROM invoices WHERE id = ?1", [&id])
            .map_err(clinicdesk_core::AppError::from)
    });
    assert!(raw.is_err());
    // A draft is discarded with a reason, never deleted; its number is never taken.
    let d = draft(&b);
    let d = call(
        &b.c.ws,
        &b.c.desk,
        "discard_invoice",
        json!({"invoice_id": d["id"], "reason": "opened by mistake"}),
    )
    .unwrap();
    assert_eq!(d["status"], "discarded");
    assert!(d["number"].is_null());
}

#[test]
fn payments_never_exceed_the_balance_and_get_receipts() {
    let b = setup();
    let inv = sample_invoice(&b);
    let first = pay(&b, &inv, "50", "cash").unwrap();
    assert_eq!(first["invoice"]["paid"], "50.00");
    assert_eq!(first["invoice"]["balance"], "64.31");
    assert_eq!(first["invoice"]["payment_status"], "partly_paid");
    let err = pay(&b, &inv, "64.32", "card").unwrap_err();
    assert_eq!(err.field.as_deref(), Some("amount"));
    assert!(err.message.contains("64.31"), "{}", err.message);
    let err = call(
        &b.c.ws,
        &b.c.desk,
        "record_payment",
        json!({"invoice_id": inv["id"], "amount": "10", "method": "transfer"}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("reference"));
    let err = pay(&b, &inv, "-5", "cash").unwrap_err();
    assert_eq!(err.field.as_deref(), Some("amount"));
    let second = pay(&b, &inv, "64.31", "card").unwrap();
    assert_eq!(second["invoice"]["balance"], "0.00");
    assert_eq!(second["invoice"]["payment_status"], "paid");
    let r1 = first["payment"]["receipt_number"].as_str().unwrap();
    let r2 = second["payment"]["receipt_number"].as_str().unwrap();
    assert!(r1.starts_with("RCT-") && r1.ends_with("-000001"), "{r1}");
    assert!(r2.ends_with("-000002"), "{r2}");
    let err = pay(&b, &inv, "1", "cash").unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    // A draft takes no payment; a doctor takes none at all.
    let d = draft(&b);
    assert_eq!(
        pay(&b, &d, "1", "cash").unwrap_err().code,
        ErrorCode::Conflict
    );
    let err = call(
        &b.c.ws,
        &b.c.doctor,
        "record_payment",
        json!({"invoice_id": inv["id"], "amount": "1", "method": "cash"}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::PermissionDenied);
}

#[test]
fn credit_notes_correct_issued_invoices_and_refunds_pay_back() {
    let b = setup();
    let inv = sample_invoice(&b);
    pay(&b, &inv, "114.31", "cash").unwrap();
    let lines = inv["lines"].as_array().unwrap().clone();
    // Reception does not credit; the accountant does, by line and quantity.
    let err = call(
        &b.c.ws,
        &b.c.desk,
        "issue_credit_note",
        json!({"invoice_id": inv["id"], "reason": "x"}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::PermissionDenied);
    let err = call(
        &b.c.ws,
        &b.accountant,
        "issue_credit_note",
        json!({"invoice_id": inv["id"], "reason": "two packs unused",
               "lines": [{"invoice_line_id": lines[1]["id"], "quantity": "4"}]}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("lines[0].quantity"));
    let after = call(
        &b.c.ws,
        &b.accountant,
        "issue_credit_note",
        json!({"invoice_id": inv["id"], "reason": "two packs unused",
               "lines": [{"invoice_line_id": lines[1]["id"], "quantity": "2"}]}),
    )
    .unwrap();
    let note = &after["credit_notes"][0];
    assert!(note["number"].as_str().unwrap().ends_with("-000001"));
    // The 17.34 tax is shared 14.36 / 2.98 (largest remainder), so the gauze line is
    // 13.57 + 2.98 = 16.55; two thirds of it: 11.03 with 1.99 tax.
    assert_eq!(after["lines"][1]["tax"], "2.98");
    assert_eq!(note["total"], "11.03");
    assert_eq!(note["tax_total"], "1.99");
    assert_eq!(after["balance"], "-11.03");
    assert_eq!(after["payment_status"], "refund_due");
    assert_eq!(after["lines"][1]["credited_quantity"], "2");
    // The rest of everything: the credit notes add up to the invoice to the cent.
    let full = call(
        &b.c.ws,
        &b.accountant,
        "issue_credit_note",
        json!({"invoice_id": inv["id"], "reason": "patient complaint"}),
    )
    .unwrap();
    assert_eq!(full["credited"], "114.31");
    let err = call(
        &b.c.ws,
        &b.accountant,
        "issue_credit_note",
        json!({"invoice_id": inv["id"], "reason": "again"}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    // Refunds: up to what is owed back, against a credit note, by the accountant.
    let note_id = full["credit_notes"][1]["id"].clone();
    let err = call(
        &b.c.ws,
        &b.c.desk,
        "record_refund",
        json!({"credit_note_id": note_id, "amount": "10", "method": "cash"}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::PermissionDenied);
    let err = call(
        &b.c.ws,
        &b.accountant,
        "record_refund",
        json!({"credit_note_id": note_id, "amount": "103.29", "method": "cash"}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("amount"));
    let refunded = call(
        &b.c.ws,
        &b.accountant,
        "record_refund",
        json!({"credit_note_id": note_id, "amount": "103.28", "method": "cash"}),
    )
    .unwrap();
    assert_eq!(refunded["payment"]["amount"], "-103.28");
    assert!(refunded["payment"]["is_refund"].as_bool().unwrap());
    assert_eq!(refunded["invoice"]["balance"], "-11.03");
    let first_note = full["credit_notes"][0]["id"].clone();
    let done = call(
        &b.c.ws,
        &b.accountant,
        "record_refund",
        json!({"credit_note_id": first_note, "amount": "11.03", "method": "cash"}),
    )
    .unwrap();
    assert_eq!(done["invoice"]["balance"], "0.00");
    assert_eq!(done["invoice"]["paid"], "0.00");
    assert_eq!(done["invoice"]["payment_status"], "credited");
}

#[test]
fn the_cash_closing_counts_this_desks_takings_since_the_last_one() {
    let b = setup();
    let inv = sample_invoice(&b);
    pay(&b, &inv, "40", "cash").unwrap();
    pay(&b, &inv, "30", "card").unwrap();
    let preview = call(&b.c.ws, &b.c.desk, "cash_closing_preview", json!({})).unwrap();
    assert_eq!(preview["expected_cash"], "40.00");
    assert_eq!(preview["payments"].as_array().unwrap().len(), 2);
    let err = call(
        &b.c.ws,
        &b.c.desk,
        "close_cash",
        json!({"counted_cash": "35"}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("note"));
    let closing = call(
        &b.c.ws,
        &b.c.desk,
        "close_cash",
        json!({"counted_cash": "35", "note": "5.00 short, change given twice"}),
    )
    .unwrap();
    assert_eq!(closing["difference"], "-5.00");
    assert_eq!(closing["payment_count"], 2);
    let methods: Vec<(String, String)> = closing["by_method"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["method"].as_str().unwrap().into(),
                m["amount"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        methods,
        [
            ("cash".into(), "40.00".into()),
            ("card".into(), "30.00".into())
        ]
    );
    // A payment after the closing belongs to the next one.
    pay(&b, &inv, "10", "cash").unwrap();
    let next = call(&b.c.ws, &b.c.desk, "cash_closing_preview", json!({})).unwrap();
    assert_eq!(next["expected_cash"], "10.00");
    assert_eq!(next["period_start"], closing["closed_at"]);
    let pdf = call(
        &b.c.ws,
        &b.c.desk,
        "cash_closing_pdf",
        json!({"closing_id": closing["id"]}),
    )
    .unwrap();
    let text = pdf_text(&decode(&pdf));
    assert!(text.contains("5.00 short"), "{text}");
    assert!(text.contains("€40.00"), "{text}");
}

#[test]
fn reports_sum_revenue_by_method_service_and_day() {
    let b = setup();
    let inv = sample_invoice(&b);
    pay(&b, &inv, "100", "cash").unwrap();
    pay(&b, &inv, "14.31", "insurance").unwrap();
    let report = |by: &str| {
        call(
            &b.c.ws,
            &b.accountant,
            "revenue_report",
            json!({"from": "2026-03-01", "to": "2026-03-31", "group_by": by}),
        )
        .unwrap()
    };
    let by_method = report("method");
    assert_eq!(by_method["total"]["net"], "114.31");
    assert_eq!(by_method["rows"].as_array().unwrap().len(), 2);
    let by_service = report("service");
    assert_eq!(by_service["total"]["net"], "114.31");
    assert_eq!(by_service["rows"][0]["label"], "Consultation");
    let by_day = report("day");
    assert_eq!(by_day["rows"][0]["key"], "2026-03-02");
    assert_eq!(by_day["rows"][0]["tax"], "17.34");
    let csv = call(
        &b.c.ws,
        &b.accountant,
        "export_revenue_csv",
        json!({"from": "2026-03-01", "to": "2026-03-31", "group_by": "method"}),
    )
    .unwrap();
    let content = csv["content"].as_str().unwrap();
    assert!(
        content.starts_with("\u{feff}method,count,collected,refunded,net,tax\n"),
        "{content}"
    );
    assert!(content.contains("Total,2,114.31,0.00,114.31"), "{content}");
    // Reception sees outstanding balances, not revenue.
    let err = call(
        &b.c.ws,
        &b.c.desk,
        "revenue_report",
        json!({"from": "2026-03-01", "to": "2026-03-31", "group_by": "day"}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::PermissionDenied);
    let err = call(
        &b.c.ws,
        &b.accountant,
        "revenue_report",
        json!({"from": "2026-03-31", "to": "2026-03-01", "group_by": "day"}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("to"));
}

#[test]
fn outstanding_lists_unpaid_invoices_per_patient() {
    let b = setup();
    let inv = sample_invoice(&b);
    let second = sample_invoice_again(&b);
    // 65.5738 × 1 = 65.57, + 22 % = 14.43.
    assert_eq!(second["total"], "80.00");
    pay(&b, &inv, "14.31", "cash").unwrap();
    let out = call(&b.c.ws, &b.c.desk, "list_outstanding", json!({})).unwrap();
    assert_eq!(out["invoice_count"], 2);
    assert_eq!(out["total_balance"], "180.00");
    assert_eq!(out["patients"][0]["balance"], "180.00");
    pay(&b, &second, "80", "card").unwrap();
    let out = call(&b.c.ws, &b.c.desk, "list_outstanding", json!({})).unwrap();
    assert_eq!(out["invoice_count"], 1);
    let csv = call(&b.c.ws, &b.accountant, "export_outstanding_csv", json!({})).unwrap();
    assert!(
        csv["content"].as_str().unwrap().contains(",100.00\n"),
        "{csv}"
    );
}

fn sample_invoice_again(b: &Billing) -> Value {
    let id = call(
        &b.c.ws,
        &b.c.desk,
        "list_price_items",
        json!({"query": "CONS"}),
    )
    .unwrap()["items"][0]["id"]
        .clone();
    let inv = draft(b);
    add(
        b,
        &inv,
        json!({"price_item_id": id, "unit_price": "65.5738"}),
    );
    issue(b, &inv)
}

fn decode(pdf: &Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(pdf["content_base64"].as_str().unwrap())
        .unwrap()
}

fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by scripts/deps.sh");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_printed_invoice_receipt_and_credit_note_carry_every_figure() {
    let b = setup();
    let inv = sample_invoice(&b);
    let paid = pay(&b, &inv, "50", "card").unwrap();
    let pdf = call(
        &b.c.ws,
        &b.c.desk,
        "invoice_pdf",
        json!({"invoice_id": inv["id"]}),
    )
    .unwrap();
    assert_eq!(pdf["draft"], false);
    let text = pdf_text(&decode(&pdf));
    for needle in [
        "Zsófia Kovács-Nagy",
        inv["number"].as_str().unwrap(),
        "Ambulatorio Santa Lucía",
        "Sterile gauze",
        "€119.97",
        "€17.34",
        "€114.31",
        "€64.31",
        paid["payment"]["receipt_number"].as_str().unwrap(),
        "One hundred fourteen EUR, 31/100",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
    let receipt = call(
        &b.c.ws,
        &b.c.desk,
        "receipt_pdf",
        json!({"payment_id": paid["payment"]["id"], "paper": "roll80"}),
    )
    .unwrap();
    let text = pdf_text(&decode(&receipt));
    assert!(text.contains("€50.00") && text.contains("€64.31"), "{text}");
    let credited = call(
        &b.c.ws,
        &b.accountant,
        "issue_credit_note",
        json!({"invoice_id": inv["id"], "reason": "duplicate visit"}),
    )
    .unwrap();
    let note = call(
        &b.c.ws,
        &b.accountant,
        "credit_note_pdf",
        json!({"credit_note_id": credited["credit_notes"][0]["id"]}),
    )
    .unwrap();
    let text = pdf_text(&decode(&note));
    assert!(text.contains("duplicate visit"), "{text}");
    assert!(text.contains(inv["number"].as_str().unwrap()), "{text}");
    // A draft previews with its watermark and is refused by the printer path.
    let d = draft(&b);
    let id =
        call(&b.c.ws, &b.c.desk, "list_price_items", json!({})).unwrap()["items"][0]["id"].clone();
    add(&b, &d, json!({"price_item_id": id}));
    let preview = call(
        &b.c.ws,
        &b.c.desk,
        "invoice_pdf",
        json!({"invoice_id": d["id"]}),
    )
    .unwrap();
    assert_eq!(preview["draft"], true);
    let err = call(
        &b.c.ws,
        &b.c.desk,
        "print_billing_document",
        json!({"document": "invoice", "id": d["id"]}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
}

#[test]
fn the_demo_clinic_has_a_price_list_and_invoices_in_every_state() {
    let ws = clinicdesk_core::Workstation::in_memory_with_clock(clock()).unwrap();
    ws.dispatch(&Caller::Anonymous, "create_demo_clinic", json!({}))
        .unwrap();
    let desk = login(&ws, "reception", "warm garden ribbon 47").unwrap();
    let prices = call(&ws, &desk, "list_price_items", json!({})).unwrap();
    assert!(prices["items"].as_array().unwrap().len() >= 10);
    let invoices = call(&ws, &desk, "list_invoices", json!({})).unwrap();
    let statuses: Vec<&str> = invoices
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == "issued").count(), 5);
    assert_eq!(statuses.iter().filter(|s| **s == "draft").count(), 1);
    let outstanding = call(&ws, &desk, "list_outstanding", json!({})).unwrap();
    assert_eq!(outstanding["invoice_count"], 3);
    let accounts = login(&ws, "accounts", "steady ledger violet 47").unwrap();
    let report = call(
        &ws,
        &accounts,
        "revenue_report",
        json!({"from": "2026-03-01", "to": "2026-03-31", "group_by": "method"}),
    )
    .unwrap();
    assert_eq!(report["rows"].as_array().unwrap().len(), 2);
}

#[test]
fn the_chart_shows_invoices_to_billing_roles_only() {
    let b = setup();
    let inv = sample_invoice(&b);
    let number = inv["number"].as_str().unwrap();
    let chart = |who: &Caller| {
        call(
            &b.c.ws,
            who,
            "open_patient_chart",
            json!({"patient_id": b.c.patient}),
        )
        .unwrap()["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["title"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let desk = chart(&b.c.desk);
    assert!(
        desk.iter()
            .any(|t| t.contains(number) && t.contains("€114.31")),
        "{desk:?}"
    );
    let doctor = chart(&b.c.doctor);
    assert!(!doctor.iter().any(|t| t.contains("Invoice")), "{doctor:?}");
}
