//! The medication catalog: generic name, brands, form, strength, route, ATC code, the
//! classes an allergy may name, and default dosing. Shipped with a starter list (the
//! migration seeds it with fixed ids); admins add and edit entries and retire them
//! (inactive), never delete them — prescriptions point at them.

use super::{Frequency, Route};
use crate::audit::AuditOutcome;
use crate::clinic::{optional_text, required};
use crate::clock::new_id;
use crate::error::{AppError, AppResult};
use crate::registry::Ctx;
use crate::store::ChangeOp;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Medication {
    pub id: String,
    pub generic_name: String,
    pub brand_names: Vec<String>,
    pub form: String,
    pub strength: String,
    /// "Amoxicillin 500 mg capsule": how the medication is named on a prescription.
    pub display_name: String,
    pub route: Route,
    /// WHO ATC code (e.g. "J01CA04"); empty when unknown.
    pub atc_code: String,
    /// Classes an allergy may name ("penicillins", "nsaids").
    pub allergy_classes: Vec<String>,
    /// What is counted when dispensing ("tablet", "bottle (100 ml)").
    pub dispense_unit: String,
    pub default_dose: String,
    /// Dispense units per dose when countable (used to work out the quantity).
    pub units_per_dose: Option<u32>,
    pub default_frequency: Frequency,
    /// None: ongoing, until stopped.
    pub default_duration_days: Option<u32>,
    pub default_quantity: Option<u32>,
    pub default_instructions: String,
    pub active: bool,
}

pub(crate) const COLUMNS: &str = "id, generic_name, brand_names, form, strength, route, atc_code,
    allergy_classes, dispense_unit, default_dose, units_per_dose, default_frequency,
    default_duration_days, default_quantity, default_instructions, active";

fn list_of(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

pub(crate) fn display_name(generic: &str, strength: &str, form: &str) -> String {
    [generic, strength, form]
        .iter()
        .filter(|s| !s.trim().is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn from_row(r: &Row<'_>) -> rusqlite::Result<Medication> {
    let generic: String = r.get(1)?;
    let form: String = r.get(3)?;
    let strength: String = r.get(4)?;
    let route: String = r.get(5)?;
    let frequency: String = r.get(11)?;
    Ok(Medication {
        id: r.get(0)?,
        display_name: display_name(&generic, &strength, &form),
        generic_name: generic,
        brand_names: list_of(&r.get::<_, String>(2)?),
        form,
        strength,
        route: Route::parse(&route).unwrap_or(Route::Oral),
        atc_code: r.get(6)?,
        allergy_classes: list_of(&r.get::<_, String>(7)?),
        dispense_unit: r.get(8)?,
        default_dose: r.get(9)?,
        units_per_dose: r.get(10)?,
        default_frequency: Frequency::parse(&frequency).unwrap_or(Frequency::OnceDaily),
        default_duration_days: r.get(12)?,
        default_quantity: r.get(13)?,
        default_instructions: r.get(14)?,
        active: r.get(15)?,
    })
}

pub(crate) fn load(c: &Connection, id: &str) -> AppResult<Medication> {
    c.prepare_cached(&format!("SELECT {COLUMNS} FROM medications WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| AppError::field("medication_id", "no such medication in the catalog"))
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListMedicationsInput {
    /// Words of the generic or a brand name ("amox", "ventolin"); empty lists all.
    #[serde(default)]
    pub query: String,
    #[serde(default)]
    pub include_inactive: bool,
}

pub(crate) fn list_medications(
    ctx: &Ctx<'_>,
    input: ListMedicationsInput,
) -> AppResult<Vec<Medication>> {
    let words: Vec<String> = deunicode::deunicode(&input.query)
        .to_lowercase()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    ctx.read(|c| {
        let mut stmt = c.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM medications ORDER BY generic_name COLLATE NOCASE, strength, form"
        ))?;
        let all = stmt.query_map([], from_row)?;
        let mut out = Vec::new();
        for m in all {
            let m = m?;
            if !m.active && !input.include_inactive {
                continue;
            }
            let haystack = deunicode::deunicode(&format!(
                "{} {} {}",
                m.display_name,
                m.brand_names.join(" "),
                m.atc_code
            ))
            .to_lowercase();
            if words.iter().all(|w| haystack.contains(w.as_str())) {
                out.push(m);
            }
        }
        Ok(out)
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct MedicationInput {
    pub generic_name: String,
    #[serde(default)]
    pub brand_names: Vec<String>,
    pub form: String,
    pub strength: String,
    pub route: Route,
    #[serde(default)]
    pub atc_code: String,
    #[serde(default)]
    pub allergy_classes: Vec<String>,
    pub dispense_unit: String,
    #[serde(default)]
    pub default_dose: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub units_per_dose: Option<u32>,
    pub default_frequency: Frequency,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub default_duration_days: Option<u32>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub default_quantity: Option<u32>,
    #[serde(default)]
    pub default_instructions: String,
    /// False retires the medication: kept for old prescriptions, no longer offered.
    pub active: bool,
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SaveMedicationInput {
    /// Absent: a new catalog entry.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub id: Option<String>,
    pub medication: MedicationInput,
}

/// ATC codes have 1, 3, 4, 5 or 7 characters: A, A10, A10B, A10BA, A10BA02.
fn valid_atc(code: &str) -> bool {
    let b = code.as_bytes();
    let shape = [
        u8::is_ascii_uppercase,
        u8::is_ascii_digit,
        u8::is_ascii_digit,
        u8::is_ascii_uppercase,
        u8::is_ascii_uppercase,
        u8::is_ascii_digit,
        u8::is_ascii_digit,
    ];
    matches!(b.len(), 1 | 3 | 4 | 5 | 7) && b.iter().zip(shape).all(|(c, ok)| ok(c))
}

fn check_range(value: Option<u32>, field: &str, max: u32) -> AppResult<Option<u32>> {
    match value {
        Some(v) if v == 0 || v > max => Err(AppError::field(
            field,
            format!("must be between 1 and {max}"),
        )),
        v => Ok(v),
    }
}

pub(crate) fn save_medication(ctx: &Ctx<'_>, input: SaveMedicationInput) -> AppResult<Medication> {
    let m = input.medication;
    let generic = required(&m.generic_name, "medication.generic_name", 120)?;
    let form = required(&m.form, "medication.form", 60)?;
    let strength = required(&m.strength, "medication.strength", 60)?;
    let unit = required(&m.dispense_unit, "medication.dispense_unit", 40)?;
    let dose = optional_text(&m.default_dose, "medication.default_dose", 80)?;
    let instructions = optional_text(
        &m.default_instructions,
        "medication.default_instructions",
        500,
    )?;
    let atc = m.atc_code.trim().to_ascii_uppercase();
    if !atc.is_empty() && !valid_atc(&atc) {
        return Err(AppError::field(
            "medication.atc_code",
            "an ATC code looks like J01CA04 (or a group such as J01CA)",
        ));
    }
    let join = |items: &[String], field: &str| -> AppResult<String> {
        let cleaned: Vec<String> = items
            .iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        if cleaned.iter().any(|s| s.contains(',') || s.len() > 80) {
            return Err(AppError::field(
                field,
                "each name is at most 80 characters, without commas",
            ));
        }
        Ok(cleaned.join(", "))
    };
    let brands = join(&m.brand_names, "medication.brand_names")?;
    let classes = join(&m.allergy_classes, "medication.allergy_classes")?.to_lowercase();
    let units = check_range(m.units_per_dose, "medication.units_per_dose", 100)?;
    let days = check_range(
        m.default_duration_days,
        "medication.default_duration_days",
        365,
    )?;
    let quantity = check_range(m.default_quantity, "medication.default_quantity", 1000)?;
    if units.is_none() && quantity.is_none() {
        return Err(AppError::field(
            "medication.default_quantity",
            "give a default quantity, or the units per dose so it can be worked out",
        ));
    }
    ctx.write(|w| {
        let now = w.now_text();
        let (id, op) = match &input.id {
            Some(id) => {
                load(w.conn(), id).map_err(|e| e.with_field("id"))?;
                (id.clone(), ChangeOp::Update)
            }
            None => (new_id(), ChangeOp::Insert),
        };
        let same: Option<String> = w
            .conn()
            .query_row(
                "SELECT id FROM medications WHERE id <> ?1 AND lower(generic_name) = lower(?2)
                   AND lower(strength) = lower(?3) AND lower(form) = lower(?4)",
                params![id, generic, strength, form],
                |r| r.get(0),
            )
            .optional()?;
        if same.is_some() {
            return Err(AppError::field(
                "medication.generic_name",
                format!("{} is already in the catalog", display_name(&generic, &strength, &form)),
            ));
        }
        w.conn().execute(
            "INSERT INTO medications (id, generic_name, brand_names, form, strength, route,
                 atc_code, allergy_classes, dispense_unit, default_dose, units_per_dose,
                 default_frequency, default_duration_days, default_quantity,
                 default_instructions, active, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17)
             ON CONFLICT (id) DO UPDATE SET generic_name = excluded.generic_name,
                 brand_names = excluded.brand_names, form = excluded.form,
                 strength = excluded.strength, route = excluded.route,
                 atc_code = excluded.atc_code, allergy_classes = excluded.allergy_classes,
                 dispense_unit = excluded.dispense_unit, default_dose = excluded.default_dose,
                 units_per_dose = excluded.units_per_dose,
                 default_frequency = excluded.default_frequency,
                 default_duration_days = excluded.default_duration_days,
                 default_quantity = excluded.default_quantity,
                 default_instructions = excluded.default_instructions,
                 active = excluded.active, updated_at = excluded.updated_at",
            params![
                id,
                generic,
                brands,
                form,
                strength,
                m.route.as_str(),
                atc,
                classes,
                unit,
                dose,
                units,
                m.default_frequency.as_str(),
                days,
                quantity,
                instructions,
                m.active,
                now
            ],
        )?;
        w.record_change("medications", &id, op)?;
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("medications", &id)),
            format!(
                "catalog {}: {}",
                if op == ChangeOp::Insert { "added" } else { "edited" },
                display_name(&generic, &strength, &form)
            ),
        );
        w.audit(entry)?;
        load(w.conn(), &id)
    })
}

#[cfg(test)]
mod tests {
    use super::valid_atc;

    #[test]
    fn atc_codes_are_checked_by_shape() {
        for ok in ["J", "J01", "J01C", "J01CA", "J01CA04"] {
            assert!(valid_atc(ok), "{ok}");
        }
        for bad in [
            "", "J0", "J01CA0", "j01ca04", "J01CA04X", "101CA04", "J01C404",
        ] {
            assert!(!valid_atc(bad), "{bad}");
        }
    }
}
