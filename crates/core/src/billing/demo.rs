//! The demo clinic's billing, made through the commands as its accountant and reception
//! would: a 22 % standard rate, a price list (consultations by visit type, procedures, lab
//! tests, a medicine, a supply; medical services exempt), and invoices for the patients of
//! the demo consultations — paid in cash, partly paid by card, unpaid, and one draft.

use crate::error::AppResult;
use crate::{Caller, Workstation};
use serde_json::{json, Value};

/// (code, name, kind, tax category, price, visit type name).
type PriceSeed = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
);
/// (codes with quantities, payment: "full" or an amount, method).
type InvoiceSeed = (
    &'static [(&'static str, &'static str)],
    Option<&'static str>,
    &'static str,
);

const PRICES: &[PriceSeed] = &[
    (
        "CONS",
        "Consultation",
        "consultation",
        "tax-exempt",
        "60.00",
        Some("Consultation"),
    ),
    (
        "CONS-NEW",
        "New patient consultation",
        "consultation",
        "tax-exempt",
        "90.00",
        Some("New patient"),
    ),
    (
        "CONS-FU",
        "Follow-up visit",
        "consultation",
        "tax-exempt",
        "35.00",
        Some("Follow-up"),
    ),
    (
        "VACC",
        "Vaccination visit",
        "consultation",
        "tax-exempt",
        "25.00",
        Some("Vaccination"),
    ),
    (
        "ECG",
        "Electrocardiogram",
        "procedure",
        "tax-exempt",
        "45.00",
        None,
    ),
    (
        "DRESS",
        "Wound dressing",
        "procedure",
        "tax-exempt",
        "20.00",
        None,
    ),
    (
        "CBC",
        "Full blood count",
        "lab_test",
        "tax-exempt",
        "18.50",
        None,
    ),
    ("HBA1C", "HbA1c", "lab_test", "tax-exempt", "22.00", None),
    (
        "URINE",
        "Urine dipstick",
        "lab_test",
        "tax-exempt",
        "8.00",
        None,
    ),
    (
        "CERT",
        "Medical certificate (non-clinical)",
        "other",
        "tax-standard",
        "30.00",
        None,
    ),
    (
        "GAUZE",
        "Sterile gauze, pack of 10",
        "supply",
        "tax-standard",
        "4.90",
        None,
    ),
    (
        "PARA",
        "Paracetamol 500 mg, 20 tablets",
        "medicine",
        "tax-standard",
        "3.20",
        None,
    ),
];

const INVOICES: &[InvoiceSeed] = &[
    (&[("CONS", "1"), ("URINE", "1")], Some("full"), "cash"),
    (&[("CONS-NEW", "1"), ("ECG", "1")], Some("100.00"), "card"),
    (&[("CONS", "1"), ("HBA1C", "1"), ("CBC", "1")], None, "cash"),
    (&[("CONS-FU", "1"), ("CERT", "1")], Some("full"), "card"),
    (
        &[("CONS", "1"), ("DRESS", "1"), ("GAUZE", "2")],
        None,
        "cash",
    ),
];

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_default().to_string()
}

pub(crate) fn seed(
    ws: &Workstation,
    accountant: &Caller,
    desk: &Caller,
    doctor_id: Option<String>,
) -> AppResult<()> {
    ws.dispatch(
        accountant,
        "save_tax_category",
        json!({"id": "tax-standard", "name": "Standard", "rate": "22"}),
    )?;
    let visit_types = ws.dispatch(desk, "list_visit_types", json!({}))?;
    let visit_id = |name: &str| -> Option<String> {
        visit_types
            .as_array()?
            .iter()
            .find(|v| v["name"] == name)
            .map(id)
    };
    let mut items = std::collections::HashMap::new();
    for (code, name, kind, tax, price, visit) in PRICES {
        let saved = ws.dispatch(
            accountant,
            "save_price_item",
            json!({"code": code, "name": name, "kind": kind, "tax_category_id": tax,
                   "price": price, "visit_type_id": visit.and_then(visit_id),
                   "unit": if *kind == "consultation" { "visit" } else { "" }}),
        )?;
        items.insert(*code, id(&saved));
    }
    let patients: Vec<String> = ws.store().read(|c| {
        let mut stmt = c.prepare("SELECT id FROM patients ORDER BY mrn LIMIT 6")?;
        let ids = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ids)
    })?;
    for ((lines, payment, method), patient) in INVOICES.iter().zip(&patients) {
        let inv = ws.dispatch(
            desk,
            "create_invoice",
            json!({"patient_id": patient, "doctor_id": doctor_id}),
        )?;
        for (code, quantity) in *lines {
            ws.dispatch(
                desk,
                "add_invoice_line",
                json!({"invoice_id": id(&inv), "price_item_id": items.get(code),
                       "quantity": quantity}),
            )?;
        }
        let issued = ws.dispatch(desk, "issue_invoice", json!({"invoice_id": id(&inv)}))?;
        if let Some(amount) = payment {
            let amount = if *amount == "full" {
                issued["balance"].clone()
            } else {
                json!(amount)
            };
            ws.dispatch(
                desk,
                "record_payment",
                json!({"invoice_id": id(&inv), "amount": amount, "method": method,
                       "reference": if *method == "card" { "card slip 0042" } else { "" }}),
            )?;
        }
    }
    // One draft left for the evaluator to finish and issue.
    if let Some(patient) = patients.get(INVOICES.len()) {
        let inv = ws.dispatch(
            desk,
            "create_invoice",
            json!({"patient_id": patient, "doctor_id": doctor_id}),
        )?;
        ws.dispatch(
            desk,
            "add_invoice_line",
            json!({"invoice_id": id(&inv), "price_item_id": items.get("VACC")}),
        )?;
    }
    Ok(())
}
