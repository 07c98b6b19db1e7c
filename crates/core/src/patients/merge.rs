//! Merging a duplicate into the surviving patient: every record moves, blanks in the
//! survivor are filled from the duplicate, and the duplicate stays as a tombstone that
//! points to the survivor (its MRN keeps finding the survivor). Audited.

use super::record::{load_patient, reindex_patient, Patient};
use crate::audit::AuditOutcome;
use crate::clinic::required;
use crate::error::{AppError, AppResult};
use crate::registry::Ctx;
use crate::store::ChangeOp;
use rusqlite::params;
use serde::{Deserialize, Serialize};

/// Tables that point at a patient, and whether their rows sync. Each capability that adds
/// a patient-linked table adds it here, so a merge moves it too (a test checks the schema).
pub(crate) const PATIENT_LINKED: &[(&str, &str, bool)] = &[
    ("patient_allergies", "patient_id", true),
    ("appointments", "patient_id", true),
    ("waitlist_entries", "patient_id", true),
    ("encounters", "patient_id", true),
    ("vitals", "patient_id", true),
    ("encounter_diagnoses", "patient_id", true),
    ("patient_problems", "patient_id", true),
    ("attachments", "patient_id", true),
    ("prescriptions", "patient_id", true),
    ("prescription_items", "patient_id", true),
    ("prescription_overrides", "patient_id", true),
    ("invoices", "patient_id", true),
    ("credit_notes", "patient_id", true),
    ("payments", "patient_id", true),
    ("recent_patients", "patient_id", false),
];

/// Demographic fields a merge fills in the survivor when they are blank there.
const FILLABLE: &[&str] = &[
    "other_names",
    "date_of_birth",
    "phone",
    "phone_alt",
    "email",
    "address",
    "national_id",
    "emergency_contact_name",
    "emergency_contact_phone",
    "emergency_contact_relation",
    "insurance_payer",
    "insurance_member_number",
    "notes",
    "alerts",
    "photo_data_url",
];

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct MergePatientsInput {
    /// The record that stays.
    pub survivor_id: String,
    /// The duplicate: its records move to the survivor and it becomes a tombstone.
    pub duplicate_id: String,
    /// Why (kept in the audit log).
    pub reason: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct MovedRecords {
    pub table: String,
    pub rows: u32,
}

#[derive(Debug, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct MergeResult {
    pub survivor: Patient,
    pub duplicate_mrn: String,
    pub moved: Vec<MovedRecords>,
    /// Survivor fields that were blank and now hold the duplicate's value.
    pub filled_fields: Vec<String>,
}

pub(crate) fn merge_patients(ctx: &Ctx<'_>, input: MergePatientsInput) -> AppResult<MergeResult> {
    let reason = required(&input.reason, "reason", 500)?;
    if input.survivor_id == input.duplicate_id {
        return Err(AppError::field(
            "duplicate_id",
            "a patient cannot be merged into itself",
        ));
    }
    let today = ctx.now.date_naive();
    ctx.write(|w| {
        let survivor = load_patient(w.conn(), &input.survivor_id, today)
            .map_err(|e| e.with_field("survivor_id"))?;
        let duplicate = load_patient(w.conn(), &input.duplicate_id, today)
            .map_err(|e| e.with_field("duplicate_id"))?;
        if survivor.merged_into.is_some() {
            return Err(AppError::conflict("the surviving record was itself merged away")
                .with_field("survivor_id"));
        }
        if duplicate.merged_into.is_some() {
            return Err(AppError::conflict("this duplicate was already merged")
                .with_field("duplicate_id"));
        }
        let mut moved = Vec::new();
        for (table, column, synced) in PATIENT_LINKED {
            let ids: Vec<String> = if *synced {
                let mut stmt = w
                    .conn()
                    .prepare(&format!("SELECT id FROM {table} WHERE {column} = ?1"))?;
                let rows = stmt.query_map([&duplicate.id], |r| r.get(0))?;
                rows.collect::<Result<_, _>>()?
            } else {
                Vec::new()
            };
            let n = if *table == "recent_patients" {
                // One row per patient: keep the survivor's, drop the duplicate's.
                w.conn().execute(
                    "DELETE FROM recent_patients WHERE patient_id = ?1",
                    [&duplicate.id],
                )?
            } else {
                w.conn().execute(
                    &format!("UPDATE {table} SET {column} = ?1 WHERE {column} = ?2"),
                    params![survivor.id, duplicate.id],
                )?
            };
            for id in &ids {
                w.record_change(table, id, ChangeOp::Update)?;
            }
            if *synced {
                moved.push(MovedRecords {
                    table: table.to_string(),
                    rows: n as u32,
                });
            }
        }
        let mut filled_fields = Vec::new();
        for field in FILLABLE {
            let n = w.conn().execute(
                &format!(
                    "UPDATE patients SET {field} = (SELECT {field} FROM patients WHERE id = ?2)
                     WHERE id = ?1 AND coalesce({field}, '') = ''
                       AND coalesce((SELECT {field} FROM patients WHERE id = ?2), '') <> ''"
                ),
                params![survivor.id, duplicate.id],
            )?;
            if n > 0 {
                filled_fields.push(field.to_string());
            }
        }
        if filled_fields.iter().any(|f| f == "date_of_birth") {
            w.conn().execute(
                "UPDATE patients SET dob_estimated = (SELECT dob_estimated FROM patients WHERE id = ?2)
                 WHERE id = ?1",
                params![survivor.id, duplicate.id],
            )?;
        }
        let now = w.now_text();
        w.conn().execute(
            "UPDATE patients SET merged_into = ?1, merged_at = ?2, updated_at = ?2 WHERE id = ?3",
            params![survivor.id, now, duplicate.id],
        )?;
        w.conn().execute(
            "UPDATE patients SET updated_at = ?2 WHERE id = ?1",
            params![survivor.id, now],
        )?;
        reindex_patient(w.conn(), &duplicate.id)?;
        reindex_patient(w.conn(), &survivor.id)?;
        w.record_change("patients", &duplicate.id, ChangeOp::Update)?;
        w.record_change("patients", &survivor.id, ChangeOp::Update)?;
        let detail = serde_json::json!({
            "survivor": survivor.mrn,
            "duplicate": duplicate.mrn,
            "moved": moved.iter().map(|m| (m.table.clone(), m.rows)).collect::<std::collections::BTreeMap<_, _>>(),
            "filled": filled_fields,
            "reason": reason,
        })
        .to_string();
        let entry = ctx.audit_entry(AuditOutcome::Ok, Some(("patients", &survivor.id)), detail);
        w.audit(entry)?;
        Ok(MergeResult {
            survivor: load_patient(w.conn(), &survivor.id, today)?,
            duplicate_mrn: duplicate.mrn,
            moved,
            filled_fields,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::PATIENT_LINKED;
    use crate::store::Store;

    #[test]
    fn every_table_that_points_at_a_patient_is_moved_by_a_merge() {
        let store = Store::open_in_memory().unwrap();
        let linked: Vec<(String, String)> = store
            .read(|c| {
                let mut out = Vec::new();
                let mut tables =
                    c.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?;
                let names: Vec<String> = tables
                    .query_map([], |r| r.get(0))?
                    .collect::<Result<_, _>>()?;
                for t in names {
                    let mut cols =
                        c.prepare(&format!("SELECT name FROM pragma_table_info('{t}')"))?;
                    let cols: Vec<String> = cols
                        .query_map([], |r| r.get(0))?
                        .collect::<Result<_, _>>()?;
                    for col in cols {
                        if col == "patient_id" && t != "patient_search_terms" {
                            out.push((t.clone(), col));
                        }
                    }
                }
                Ok(out)
            })
            .unwrap();
        for (table, column) in linked {
            assert!(
                PATIENT_LINKED
                    .iter()
                    .any(|(t, c, _)| *t == table && *c == column),
                "{table}.{column} points at a patient but merge_patients does not move it"
            );
        }
    }
}
