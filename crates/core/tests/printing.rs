#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `print_prescription` through a real CUPS queue (`ClinicDeskPDF`, cups-pdf): the printers
//! are listed, the job is accepted and audited. Needs `bash scripts/ensure-cups.sh`; run with
//! `cargo test -p clinicdesk-core --test printing -- --ignored` (the test script does). What
//! the queue printed is read back by clinicdesk-pdf's own CUPS test.

mod common;

use clinicdesk_core::ErrorCode;
use common::*;
use serde_json::json;

#[test]
#[ignore = "needs a CUPS scheduler with the ClinicDeskPDF queue (scripts/ensure-cups.sh)"]
fn a_signed_prescription_prints_on_the_clinics_printer_and_the_job_is_audited() {
    let c = records_clinic("Анна", "Кузнецова", "female", "1986-04-17");
    let printers = call(&c.ws, &c.doctor, "list_printers", json!({})).unwrap();
    assert!(
        printers
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "ClinicDeskPDF"),
        "{printers}"
    );
    let p = call(
        &c.ws,
        &c.doctor,
        "create_prescription",
        json!({"patient_id": c.patient}),
    )
    .unwrap();
    call(
        &c.ws,
        &c.doctor,
        "add_prescription_item",
        json!({"prescription_id": p["id"], "medication_id": "med-cetirizine-10-mg-tablet"}),
    )
    .unwrap();
    call(
        &c.ws,
        &c.doctor,
        "sign_prescription",
        json!({"prescription_id": p["id"]}),
    )
    .unwrap();
    // The nurse prints it for the patient.
    let job = call(
        &c.ws,
        &c.nurse,
        "print_prescription",
        json!({"prescription_id": p["id"], "printer": "ClinicDeskPDF"}),
    )
    .unwrap();
    let job_id = job["job_id"].as_str().unwrap();
    assert!(job_id.starts_with("ClinicDeskPDF-"), "{job_id}");
    assert!(audit_details(&c.ws)
        .iter()
        .any(|d| d.contains("printed on ClinicDeskPDF") && d.contains(job_id)));
    // A queue that does not exist is refused by name, and nothing is audited as printed.
    let err = call(
        &c.ws,
        &c.nurse,
        "print_prescription",
        json!({"prescription_id": p["id"], "printer": "NoSuchPrinter"}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert_eq!(err.field.as_deref(), Some("printer"));
    assert!(!audit_details(&c.ws)
        .iter()
        .any(|d| d.contains("NoSuchPrinter")));
}

#[test]
#[ignore = "needs a CUPS scheduler with the ClinicDeskPDF queue (scripts/ensure-cups.sh)"]
fn reception_prints_an_invoice_and_a_roll_receipt_and_the_jobs_are_audited() {
    let c = records_clinic("Zsófia", "Kovács-Nagy", "female", "1984-05-06");
    let admin = admin(&c.ws);
    let item = call(
        &c.ws,
        &admin,
        "save_price_item",
        json!({"code": "CONS", "name": "Consultation", "kind": "consultation",
               "tax_category_id": "tax-exempt", "price": "60"}),
    )
    .unwrap();
    let inv = call(
        &c.ws,
        &c.desk,
        "create_invoice",
        json!({"patient_id": c.patient}),
    )
    .unwrap();
    call(
        &c.ws,
        &c.desk,
        "add_invoice_line",
        json!({"invoice_id": inv["id"], "price_item_id": item["id"]}),
    )
    .unwrap();
    call(
        &c.ws,
        &c.desk,
        "issue_invoice",
        json!({"invoice_id": inv["id"]}),
    )
    .unwrap();
    let paid = call(
        &c.ws,
        &c.desk,
        "record_payment",
        json!({"invoice_id": inv["id"], "amount": "60", "method": "cash"}),
    )
    .unwrap();
    for (document, id, paper) in [
        ("invoice", inv["id"].clone(), json!(null)),
        ("receipt", paid["payment"]["id"].clone(), json!("roll80")),
    ] {
        let job = call(
            &c.ws,
            &c.desk,
            "print_billing_document",
            json!({"document": document, "id": id, "printer": "ClinicDeskPDF", "paper": paper}),
        )
        .unwrap();
        let job_id = job["job_id"].as_str().unwrap().to_owned();
        assert!(job_id.starts_with("ClinicDeskPDF-"), "{job_id}");
        assert!(audit_details(&c.ws)
            .iter()
            .any(|d| d.contains("printed on ClinicDeskPDF") && d.contains(&job_id)));
    }
    let err = call(
        &c.ws,
        &c.desk,
        "print_billing_document",
        json!({"document": "invoice", "id": inv["id"], "printer": "NoSuchQueue"}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert_eq!(err.field.as_deref(), Some("printer"));
}
