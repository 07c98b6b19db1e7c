#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The problem list and attachments: every status change kept, nothing changed in place or
//! deleted (the store refuses it too), files checked by hash, who may write and read, reads
//! audited.

mod common;

use base64::Engine;
use clinicdesk_core::ErrorCode;
use common::*;
use serde_json::json;

type Clinic = RecordsClinic;

fn setup() -> Clinic {
    records_clinic("Zsófia", "Kovács-Nagy", "female", "1971-02-03")
}

#[test]
fn the_problem_list_keeps_every_status_change() {
    let c = setup();
    let p = call(
        &c.ws,
        &c.doctor,
        "add_problem",
        json!({"patient_id": c.patient, "description": "Type 2 diabetes", "onset_date": "2019-05-01"}),
    )
    .unwrap();
    assert_eq!(p["status"], "active");
    assert_eq!(p["onset_date"], "2019-05-01");
    // The same active problem twice is refused; a problem needs a description.
    let err = call(
        &c.ws,
        &c.doctor,
        "add_problem",
        json!({"patient_id": c.patient, "description": "type 2 DIABETES"}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("description"));
    let err = call(
        &c.ws,
        &c.doctor,
        "add_problem",
        json!({"patient_id": c.patient}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("description"));
    let err = call(
        &c.ws,
        &c.doctor,
        "add_problem",
        json!({"patient_id": c.patient, "description": "Knee pain", "onset_date": "03/2020"}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("onset_date"));
    let knee = call(
        &c.ws,
        &c.doctor,
        "add_problem",
        json!({"patient_id": c.patient, "description": "Knee pain after a fall"}),
    )
    .unwrap();

    let resolved = call(
        &c.ws,
        &c.doctor,
        "set_problem_status",
        json!({"problem_id": knee["id"], "status": "resolved", "reason": "physio completed"}),
    )
    .unwrap();
    assert_eq!(resolved["status"], "resolved");
    call(
        &c.ws,
        &c.doctor,
        "set_problem_status",
        json!({"problem_id": knee["id"], "status": "active", "reason": "pain is back"}),
    )
    .unwrap();
    let err = call(
        &c.ws,
        &c.doctor,
        "set_problem_status",
        json!({"problem_id": p["id"], "status": "entered_in_error"}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("reason"));

    // Nurses read the list (audited); the history shows both moves with who and why.
    let list = call(
        &c.ws,
        &c.nurse,
        "list_problems",
        json!({"patient_id": c.patient}),
    )
    .unwrap();
    let knee = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["description"] == "Knee pain after a fall")
        .unwrap();
    let changes = knee["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0]["to_status"], "resolved");
    assert_eq!(changes[0]["reason"], "physio completed");
    assert_eq!(changes[1]["to_status"], "active");
    assert_eq!(changes[1]["changed_by_name"], "Staff dr.rossi");
    assert!(audit_details(&c.ws)
        .iter()
        .any(|d| d.contains("problem list read")));

    // Nurses and reception cannot write it; reception cannot even read it.
    for who in [&c.nurse, &c.desk] {
        let err = call(
            &c.ws,
            who,
            "add_problem",
            json!({"patient_id": c.patient, "description": "Asthma"}),
        )
        .unwrap_err();
        assert_eq!(err.code, ErrorCode::PermissionDenied);
    }
    let err = call(
        &c.ws,
        &c.desk,
        "list_problems",
        json!({"patient_id": c.patient}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::PermissionDenied);
}

#[test]
fn attachments_are_stored_encrypted_checked_and_never_deleted() {
    let c = setup();
    let e = c.encounter();
    let pdf = b"%PDF-1.4\n% a referral letter\n".to_vec();
    let b64 = base64::engine::general_purpose::STANDARD.encode(&pdf);
    let a = call(
        &c.ws,
        &c.doctor,
        "add_attachment",
        json!({"patient_id": c.patient, "encounter_id": e["id"], "file_name": "referral.pdf",
               "media_type": "application/pdf", "content_base64": b64,
               "description": "Cardiology referral"}),
    )
    .unwrap();
    assert_eq!(a["size_bytes"], pdf.len());
    assert_eq!(a["sha256"].as_str().unwrap().len(), 64);
    // Refusals name the field.
    for (input, field) in [
        (
            json!({"patient_id": c.patient, "file_name": "x.exe", "media_type": "application/x-msdownload", "content_base64": b64}),
            "media_type",
        ),
        (
            json!({"patient_id": c.patient, "file_name": "scan.png", "media_type": "application/pdf", "content_base64": b64}),
            "file_name",
        ),
        (
            json!({"patient_id": c.patient, "file_name": "../etc/passwd.pdf", "media_type": "application/pdf", "content_base64": b64}),
            "file_name",
        ),
        (
            json!({"patient_id": c.patient, "file_name": "a.pdf", "media_type": "application/pdf", "content_base64": "%%%"}),
            "content_base64",
        ),
        (
            json!({"patient_id": c.patient, "file_name": "a.pdf", "media_type": "application/pdf", "content_base64": ""}),
            "content_base64",
        ),
    ] {
        let err = call(&c.ws, &c.doctor, "add_attachment", input).unwrap_err();
        assert_eq!(err.field.as_deref(), Some(field), "{}", err.message);
    }
    // The nurse opens it: the same bytes, and the opening is audited.
    let opened = call(
        &c.ws,
        &c.nurse,
        "open_attachment",
        json!({"attachment_id": a["id"]}),
    )
    .unwrap();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(opened["content_base64"].as_str().unwrap())
        .unwrap();
    assert_eq!(bytes, pdf);
    assert!(audit_details(&c.ws)
        .iter()
        .any(|d| d.contains("opened referral.pdf")));
    // The encounter lists it; reception may not open it.
    let full = call(
        &c.ws,
        &c.doctor,
        "get_encounter",
        json!({"encounter_id": e["id"]}),
    )
    .unwrap();
    assert_eq!(full["attachments"][0]["file_name"], "referral.pdf");
    let err = call(
        &c.ws,
        &c.desk,
        "open_attachment",
        json!({"attachment_id": a["id"]}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::PermissionDenied);

    // Entered in error keeps the file; the store refuses deleting either part.
    let marked = call(
        &c.ws,
        &c.doctor,
        "mark_attachment_entered_in_error",
        json!({"attachment_id": a["id"], "reason": "another patient's letter"}),
    )
    .unwrap();
    assert_eq!(marked["entered_in_error"], true);
    let list = call(
        &c.ws,
        &c.doctor,
        "list_attachments",
        json!({"patient_id": c.patient}),
    )
    .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    c.ws.store()
        .read(|conn| {
            assert!(conn.execute("DELETE FROM attachments", []).is_err());
            assert!(conn.execute("DELETE FROM attachment_contents", []).is_err());
            assert!(conn
                .execute("UPDATE attachment_contents SET content = x'00'", [])
                .is_err());
            Ok(())
        })
        .unwrap();
}
