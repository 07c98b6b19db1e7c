//! Patients: the registry (MRNs issued offline), validation, search as you type, duplicate
//! detection, merging, allergies and the chart.

mod duplicates;
pub mod generate;
pub mod keys;
mod merge;
mod record;
pub mod search;

pub(crate) use duplicates::candidates_of_patient;
pub use duplicates::{DuplicateCandidate, DuplicateQuery};
pub use merge::{MergePatientsInput, MergeResult};
pub(crate) use record::{load_allergies, load_patient, reindex_patient};
pub use record::{
    Allergy, AllergyInput, AllergySeverity, AllergyStatus, Patient, PatientChart, PatientInput,
    Sex, TimelineEntry,
};
pub use search::{MatchKind, PatientHit, SearchPatientsInput, SearchResult};

use crate::access::Permission;
use crate::registry::{command, Access, CommandSpec};

pub(crate) fn commands() -> Vec<CommandSpec> {
    vec![
        command(
            "search_patients",
            "Find patients by name, phone, MRN or date of birth",
            Access::Permission(Permission::PatientsRead),
            search::search_patients,
        ),
        command(
            "find_patient_duplicates",
            "List registered patients who may be the same person",
            Access::Permission(Permission::PatientsRead),
            duplicates::find_patient_duplicates,
        ),
        command(
            "register_patient",
            "Register a new patient and issue their MRN",
            Access::Permission(Permission::PatientsWrite),
            record::register_patient,
        ),
        command(
            "update_patient",
            "Change a patient's demographics",
            Access::Permission(Permission::PatientsWrite),
            record::update_patient,
        ),
        command(
            "open_patient_chart",
            "Open a patient's chart (the read is audited)",
            Access::Permission(Permission::PatientsRead),
            record::open_patient_chart,
        ),
        command(
            "record_allergy",
            "Record an allergy for a patient",
            Access::Permission(Permission::PatientsWrite),
            record::record_allergy,
        ),
        command(
            "set_allergy_status",
            "Mark an allergy resolved or entered in error",
            Access::Permission(Permission::PatientsWrite),
            record::set_allergy_status,
        ),
        command(
            "merge_patients",
            "Merge a duplicate patient into the surviving one",
            Access::Permission(Permission::PatientsMerge),
            merge::merge_patients,
        ),
    ]
}

/// Refuses a patient that does not exist or was merged into another (name the survivor's
/// record instead): every command that adds to a patient's record checks this.
pub(crate) fn require_active(
    c: &rusqlite::Connection,
    patient_id: &str,
) -> crate::error::AppResult<()> {
    use rusqlite::OptionalExtension;
    let merged: Option<Option<String>> = c
        .prepare_cached("SELECT merged_into FROM patients WHERE id = ?1")?
        .query_row([patient_id], |r| r.get(0))
        .optional()?;
    match merged {
        None => Err(crate::error::AppError::field(
            "patient_id",
            "no such patient",
        )),
        Some(Some(_)) => Err(crate::error::AppError::field(
            "patient_id",
            "this record was merged; use the surviving patient",
        )),
        Some(None) => Ok(()),
    }
}
