//! Prescriptions: a draft built from the medication catalog (defaults for dose, route,
//! frequency, duration and quantity), checked offline against the patient's allergies and
//! current medications, signed by its prescriber (each warning overridden with a reason,
//! recorded and audited), then locked by the store. A signed item is discontinued with a
//! reason, a prescription is marked entered in error, renewed as a new draft; nothing is
//! changed in place or deleted. The current medication list is worked out from signed items.

mod catalog;
mod checks;
pub(crate) mod print;

pub use catalog::{ListMedicationsInput, Medication, MedicationInput, SaveMedicationInput};
pub use print::{
    render as render_pdf, PrescriptionPdf, PrintPrescriptionInput, PrintResult, Printer,
};

/// Parses the embedded font now rather than at the first print (start-up, benchmarks).
pub fn warm_up_printing() -> AppResult<()> {
    clinicdesk_pdf::warm_up().map_err(|e| AppError::internal(e.to_string()))
}

use crate::access::Permission;
use crate::audit::AuditOutcome;
use crate::clinic::{optional_text, required};
use crate::clock::new_id;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::registry::{command, Access, CommandSpec, Ctx};
use crate::store::{ChangeOp, WriteTx};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

pub(crate) fn commands() -> Vec<CommandSpec> {
    use Permission::{PrescriptionsRead as Read, PrescriptionsWrite as Write};
    vec![
        command(
            "list_medications",
            "The medication catalog (generic and brand names, form, strength, default dosing)",
            Access::SignedIn,
            catalog::list_medications,
        ),
        command(
            "save_medication",
            "Add a medication to the catalog or edit one (retire it with active = false)",
            Access::Permission(Permission::SettingsManage),
            catalog::save_medication,
        ),
        command(
            "create_prescription",
            "Start a draft prescription for a patient (from an encounter or not)",
            Access::Permission(Write),
            create_prescription,
        ),
        command(
            "add_prescription_item",
            "Add a medication to a draft prescription (catalog defaults fill what is not given)",
            Access::Permission(Write),
            add_prescription_item,
        ),
        command(
            "update_prescription_item",
            "Change an item of a draft prescription",
            Access::Permission(Write),
            update_prescription_item,
        ),
        command(
            "remove_prescription_item",
            "Take an item off a draft prescription",
            Access::Permission(Write),
            remove_prescription_item,
        ),
        command(
            "sign_prescription",
            "Sign a prescription: every warning needs an override reason; it is then locked",
            Access::Permission(Write),
            sign_prescription,
        ),
        command(
            "discontinue_prescription_item",
            "Stop a medication of a signed prescription, with a reason",
            Access::Permission(Write),
            discontinue_prescription_item,
        ),
        command(
            "mark_prescription_entered_in_error",
            "Mark a prescription entered in error (or discard a draft), with a reason",
            Access::Permission(Write),
            mark_prescription_entered_in_error,
        ),
        command(
            "renew_prescription",
            "Start a new draft repeating a previous prescription's items",
            Access::Permission(Write),
            renew_prescription,
        ),
        command(
            "get_prescription",
            "Read a prescription with its items and warnings (audited)",
            Access::Permission(Read),
            get_prescription,
        ),
        command(
            "list_prescriptions",
            "A patient's prescriptions, newest first (audited)",
            Access::Permission(Read),
            list_prescriptions,
        ),
        command(
            "current_medications",
            "The medications a patient is taking now, from signed prescriptions (audited)",
            Access::Permission(Read),
            current_medications,
        ),
        command(
            "prescription_pdf",
            "The prescription as a PDF (a draft prints marked as not valid)",
            Access::Permission(Read),
            print::prescription_pdf,
        ),
        command(
            "print_prescription",
            "Print a signed prescription on a system printer (CUPS)",
            Access::Permission(Read),
            print::print_prescription,
        ),
        command(
            "list_printers",
            "The system's printers (CUPS), the default one marked",
            Access::SignedIn,
            print::list_printers,
        ),
    ]
}

macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal : $label:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        #[derive(schemars::JsonSchema, ts_rs::TS)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }
        impl $name {
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            /// How a prescription says it.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
            pub(crate) fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

text_enum!(
    /// How a medication is given.
    Route {
        Oral = "oral": "orally",
        Sublingual = "sublingual": "under the tongue",
        Topical = "topical": "to the skin",
        Inhaled = "inhaled": "inhaled",
        Nasal = "nasal": "into the nose",
        Ophthalmic = "ophthalmic": "into the eye",
        Otic = "otic": "into the ear",
        Rectal = "rectal": "rectally",
        Vaginal = "vaginal": "vaginally",
        Transdermal = "transdermal": "as a patch",
        Subcutaneous = "subcutaneous": "by subcutaneous injection",
        Intramuscular = "intramuscular": "by intramuscular injection",
        Intravenous = "intravenous": "intravenously",
    }
);

text_enum!(
    /// How often a dose is taken.
    Frequency {
        Once = "once": "once (single dose)",
        OnceDaily = "once_daily": "once daily",
        TwiceDaily = "twice_daily": "twice daily",
        ThreeTimesDaily = "three_times_daily": "three times daily",
        FourTimesDaily = "four_times_daily": "four times daily",
        FiveTimesDaily = "five_times_daily": "five times daily",
        Every4Hours = "every_4_hours": "every 4 hours",
        Every6Hours = "every_6_hours": "every 6 hours",
        Every8Hours = "every_8_hours": "every 8 hours",
        Every12Hours = "every_12_hours": "every 12 hours",
        AtBedtime = "at_bedtime": "at bedtime",
        OnceWeekly = "once_weekly": "once weekly",
        AsNeeded = "as_needed": "when needed",
    }
);

impl Frequency {
    /// Doses over `days` days, when the frequency fixes it (not "when needed").
    pub fn doses_in(self, days: u32) -> Option<u32> {
        use Frequency::*;
        Some(match self {
            Once => 1,
            OnceDaily | AtBedtime => days,
            TwiceDaily | Every12Hours => 2 * days,
            ThreeTimesDaily | Every8Hours => 3 * days,
            FourTimesDaily | Every6Hours => 4 * days,
            FiveTimesDaily => 5 * days,
            Every4Hours => 6 * days,
            OnceWeekly => days.div_ceil(7),
            AsNeeded => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum PrescriptionStatus {
    Draft,
    Signed,
    EnteredInError,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Active,
    /// Taken off a draft before signing.
    Removed,
    Discontinued,
    EnteredInError,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    Allergy,
    Duplicate,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct PrescriptionItem {
    pub id: String,
    pub position: u32,
    pub medication_id: String,
    /// As prescribed: "Amoxicillin 500 mg capsule".
    pub medication_name: String,
    pub generic_name: String,
    pub atc_code: String,
    pub allergy_classes: Vec<String>,
    pub dose: String,
    pub route: Route,
    pub frequency: Frequency,
    /// None: ongoing until stopped.
    pub duration_days: Option<u32>,
    pub quantity: u32,
    pub dispense_unit: String,
    pub refills: u32,
    pub instructions: String,
    /// The line a pharmacist reads: "1 capsule orally three times daily for 7 days".
    pub directions: String,
    pub status: ItemStatus,
    pub stop_reason: String,
    pub stopped_by_name: Option<String>,
    pub stopped_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct PrescriptionWarning {
    pub item_id: String,
    pub kind: WarningKind,
    pub message: String,
    /// Set once overridden at signing.
    pub override_reason: Option<String>,
    pub overridden_by_name: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Prescription {
    pub id: String,
    pub patient_id: String,
    pub encounter_id: Option<String>,
    pub prescriber_id: String,
    pub prescriber_name: String,
    pub status: PrescriptionStatus,
    pub notes: String,
    pub verification_code: Option<String>,
    pub renewed_from_id: Option<String>,
    pub created_at: String,
    pub signed_at: Option<String>,
    pub error_reason: String,
    /// In order; items taken off the draft are left out.
    pub items: Vec<PrescriptionItem>,
    /// A draft's current warnings (each needs an override reason to sign); a signed
    /// prescription's overridden ones with their reasons.
    pub warnings: Vec<PrescriptionWarning>,
}

pub(crate) fn directions(
    dose: &str,
    route: Route,
    frequency: Frequency,
    duration_days: Option<u32>,
) -> String {
    let mut s = format!("{} {} {}", dose.trim(), route.label(), frequency.label());
    match (frequency, duration_days) {
        (Frequency::Once, _) | (_, None) => {}
        (_, Some(1)) => s.push_str(" for 1 day"),
        (_, Some(d)) => s.push_str(&format!(" for {d} days")),
    }
    s.trim().to_owned()
}

macro_rules! item_columns {
    () => {
        "i.id, i.position, i.medication_id, i.medication_name, i.generic_name, i.atc_code,
         i.allergy_classes, i.dose, i.route, i.frequency, i.duration_days, i.quantity,
         i.dispense_unit, i.refills, i.instructions, i.status, i.stop_reason, u.full_name,
         i.stopped_at"
    };
}
const ITEM_SELECT: &str = concat!(
    "SELECT ",
    item_columns!(),
    " FROM prescription_items i LEFT JOIN users u ON u.id = i.stopped_by"
);

fn item_from_row(r: &Row<'_>) -> rusqlite::Result<PrescriptionItem> {
    let route = Route::parse(&r.get::<_, String>(8)?).unwrap_or(Route::Oral);
    let frequency = Frequency::parse(&r.get::<_, String>(9)?).unwrap_or(Frequency::OnceDaily);
    let dose: String = r.get(7)?;
    let duration_days: Option<u32> = r.get(10)?;
    let status: String = r.get(15)?;
    Ok(PrescriptionItem {
        id: r.get(0)?,
        position: r.get(1)?,
        medication_id: r.get(2)?,
        medication_name: r.get(3)?,
        generic_name: r.get(4)?,
        atc_code: r.get(5)?,
        allergy_classes: r
            .get::<_, String>(6)?
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        directions: directions(&dose, route, frequency, duration_days),
        dose,
        route,
        frequency,
        duration_days,
        quantity: r.get(11)?,
        dispense_unit: r.get(12)?,
        refills: r.get(13)?,
        instructions: r.get(14)?,
        status: match status.as_str() {
            "removed" => ItemStatus::Removed,
            "discontinued" => ItemStatus::Discontinued,
            "entered_in_error" => ItemStatus::EnteredInError,
            _ => ItemStatus::Active,
        },
        stop_reason: r.get(16)?,
        stopped_by_name: r.get(17)?,
        stopped_at: r.get(18)?,
    })
}

fn items_of(c: &Connection, prescription_id: &str) -> AppResult<Vec<PrescriptionItem>> {
    Ok(c.prepare_cached(&format!(
        "{ITEM_SELECT} WHERE i.prescription_id = ?1 AND i.status <> 'removed' ORDER BY i.position"
    ))?
    .query_map([prescription_id], item_from_row)?
    .collect::<Result<_, _>>()?)
}

/// The patient's current medications outside `except` (a prescription being written).
fn current_outside(
    c: &Connection,
    patient_id: &str,
    except: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<Vec<CurrentMedication>> {
    // Courses count in the clinic's days: signed on its date, ending before its today.
    let zone = crate::scheduling::clinic_zone(c)?;
    let today = now.with_timezone(&zone).date_naive();
    let mut stmt = c.prepare_cached(concat!(
        "SELECT ",
        item_columns!(),
        ", p.signed_at, p.id, pu.full_name
         FROM prescription_items i LEFT JOIN users u ON u.id = i.stopped_by
             JOIN prescriptions p ON p.id = i.prescription_id
             JOIN users pu ON pu.id = p.prescriber_id
         WHERE i.patient_id = ?1 AND i.status = 'active' AND p.status = 'signed' AND p.id <> ?2
         ORDER BY p.signed_at DESC, i.position"
    ))?;
    let rows = stmt.query_map(params![patient_id, except], |r| {
        Ok((
            item_from_row(r)?,
            r.get::<_, String>(19)?,
            r.get::<_, String>(20)?,
            r.get::<_, String>(21)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (item, signed_at, prescription_id, prescriber_name) = row?;
        let signed_on = chrono::DateTime::parse_from_rfc3339(&signed_at)
            .map(|d| d.with_timezone(&zone).date_naive())
            .unwrap_or(today);
        // A course lasts its duration once, plus once per refill; no duration: ongoing.
        let ends_on = item
            .duration_days
            .map(|d| signed_on + chrono::Days::new(u64::from(d) * (1 + u64::from(item.refills))));
        if ends_on.is_some_and(|end| end < today) {
            continue;
        }
        out.push(CurrentMedication {
            prescription_id,
            prescriber_name,
            signed_at,
            ends_on: ends_on.map(|d| d.to_string()),
            item,
        });
    }
    Ok(out)
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct CurrentMedication {
    pub item: PrescriptionItem,
    pub prescription_id: String,
    pub prescriber_name: String,
    pub signed_at: String,
    /// The last day of the course (with its refills); None: ongoing.
    pub ends_on: Option<String>,
}

fn to_other(m: &CurrentMedication) -> checks::OtherMedication {
    checks::OtherMedication {
        name: m.item.medication_name.clone(),
        generic_name: m.item.generic_name.clone(),
        atc_code: m.item.atc_code.clone(),
        group: m.item.allergy_classes.first().cloned().unwrap_or_default(),
        source: format!(
            "prescribed {} by {}",
            m.signed_at.get(..10).unwrap_or(&m.signed_at),
            m.prescriber_name
        ),
    }
}

struct Header {
    id: String,
    patient_id: String,
    encounter_id: Option<String>,
    prescriber_id: String,
    prescriber_name: String,
    status: PrescriptionStatus,
    notes: String,
    verification_code: Option<String>,
    renewed_from_id: Option<String>,
    created_at: String,
    signed_at: Option<String>,
    error_reason: String,
}

fn header(c: &Connection, id: &str) -> AppResult<Header> {
    c.prepare_cached(
        "SELECT p.id, p.patient_id, p.encounter_id, p.prescriber_id, u.full_name, p.status,
                p.notes, p.verification_code, p.renewed_from_id, p.created_at, p.signed_at,
                p.error_reason
         FROM prescriptions p JOIN users u ON u.id = p.prescriber_id WHERE p.id = ?1",
    )?
    .query_row([id], |r| {
        let status: String = r.get(5)?;
        Ok(Header {
            id: r.get(0)?,
            patient_id: r.get(1)?,
            encounter_id: r.get(2)?,
            prescriber_id: r.get(3)?,
            prescriber_name: r.get(4)?,
            status: match status.as_str() {
                "signed" => PrescriptionStatus::Signed,
                "entered_in_error" => PrescriptionStatus::EnteredInError,
                _ => PrescriptionStatus::Draft,
            },
            notes: r.get(6)?,
            verification_code: r.get(7)?,
            renewed_from_id: r.get(8)?,
            created_at: r.get(9)?,
            signed_at: r.get(10)?,
            error_reason: r.get(11)?,
        })
    })
    .optional()?
    .ok_or_else(|| AppError::not_found("no such prescription").with_field("prescription_id"))
}

pub(crate) fn load(
    c: &Connection,
    id: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<Prescription> {
    let h = header(c, id)?;
    let items = items_of(c, id)?;
    let warnings = if h.status == PrescriptionStatus::Draft {
        let current = current_outside(c, &h.patient_id, id, now)?;
        let others: Vec<_> = current.iter().map(to_other).collect();
        checks::warnings(c, &h.patient_id, &items, &others)?
            .into_iter()
            .map(|w| PrescriptionWarning {
                item_id: w.item_id,
                kind: w.kind,
                message: w.message,
                override_reason: None,
                overridden_by_name: None,
            })
            .collect()
    } else {
        c.prepare_cached(
            "SELECT o.item_id, o.kind, o.warning, o.reason, u.full_name
             FROM prescription_overrides o JOIN users u ON u.id = o.overridden_by
             WHERE o.prescription_id = ?1 ORDER BY o.overridden_at, o.id",
        )?
        .query_map([id], |r| {
            let kind: String = r.get(1)?;
            Ok(PrescriptionWarning {
                item_id: r.get(0)?,
                kind: if kind == "allergy" {
                    WarningKind::Allergy
                } else {
                    WarningKind::Duplicate
                },
                message: r.get(2)?,
                override_reason: Some(r.get(3)?),
                overridden_by_name: Some(r.get(4)?),
            })
        })?
        .collect::<Result<_, _>>()?
    };
    Ok(Prescription {
        id: h.id,
        patient_id: h.patient_id,
        encounter_id: h.encounter_id,
        prescriber_id: h.prescriber_id,
        prescriber_name: h.prescriber_name,
        status: h.status,
        notes: h.notes,
        verification_code: h.verification_code,
        renewed_from_id: h.renewed_from_id,
        created_at: h.created_at,
        signed_at: h.signed_at,
        error_reason: h.error_reason,
        items,
        warnings,
    })
}

/// The draft `id`, written by the signed-in prescriber.
fn own_draft(w: &WriteTx<'_>, ctx: &Ctx<'_>, id: &str) -> AppResult<Header> {
    let h = header(w.conn(), id)?;
    if h.status != PrescriptionStatus::Draft {
        return Err(AppError::conflict(
            "this prescription is signed and locked: discontinue an item, or renew it as a new draft",
        )
        .with_field("prescription_id"));
    }
    let me = ctx.user()?;
    if h.prescriber_id != me.id {
        return Err(AppError::new(
            ErrorCode::PermissionDenied,
            format!(
                "only {} (who is writing it) may change this draft",
                h.prescriber_name
            ),
        ));
    }
    Ok(h)
}

fn audit_on(
    w: &mut WriteTx<'_>,
    ctx: &Ctx<'_>,
    prescription_id: &str,
    detail: String,
) -> AppResult<()> {
    let entry = ctx.audit_entry(
        AuditOutcome::Ok,
        Some(("prescriptions", prescription_id)),
        detail,
    );
    w.audit(entry)
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CreatePrescriptionInput {
    pub patient_id: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub encounter_id: Option<String>,
    #[serde(default)]
    pub notes: String,
}

fn create_prescription(ctx: &Ctx<'_>, input: CreatePrescriptionInput) -> AppResult<Prescription> {
    let notes = optional_text(&input.notes, "notes", 1_000)?;
    let me = ctx.user()?.clone();
    ctx.write(|w| {
        crate::patients::require_active(w.conn(), &input.patient_id)?;
        if let Some(e) = &input.encounter_id {
            let (patient, status): (String, String) = w
                .conn()
                .query_row(
                    "SELECT patient_id, status FROM encounters WHERE id = ?1",
                    [e],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
                .ok_or_else(|| AppError::field("encounter_id", "no such encounter"))?;
            if patient != input.patient_id {
                return Err(AppError::field(
                    "encounter_id",
                    "that encounter belongs to another patient",
                ));
            }
            if status == "entered_in_error" {
                return Err(AppError::field(
                    "encounter_id",
                    "that encounter was marked entered in error",
                ));
            }
        }
        let id = new_id();
        let now = w.now_text();
        w.conn().execute(
            "INSERT INTO prescriptions (id, patient_id, encounter_id, prescriber_id, notes,
                 created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            params![id, input.patient_id, input.encounter_id, me.id, notes, now],
        )?;
        w.record_change("prescriptions", &id, ChangeOp::Insert)?;
        audit_on(w, ctx, &id, "prescription draft started".into())?;
        load(w.conn(), &id, ctx.now)
    })
}

/// What a prescriber may set on an item; each absent field keeps its current value (or,
/// on a new item, the catalog's default).
#[derive(Debug, Default, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ItemFields {
    #[serde(default)]
    #[ts(optional = nullable)]
    pub dose: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub route: Option<Route>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub frequency: Option<Frequency>,
    /// Days; 0 means ongoing (no end date).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub duration_days: Option<u32>,
    /// Dispense units; absent: worked out from dose, frequency and duration when it can be.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub quantity: Option<u32>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub refills: Option<u32>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub instructions: Option<String>,
}

struct ItemValues {
    dose: String,
    route: Route,
    frequency: Frequency,
    duration_days: Option<u32>,
    quantity: u32,
    refills: u32,
    instructions: String,
}

/// The quantity that covers the course: units per dose × doses, else the catalog's.
fn worked_out_quantity(med: &Medication, frequency: Frequency, days: Option<u32>) -> Option<u32> {
    match (med.units_per_dose, days.and_then(|d| frequency.doses_in(d))) {
        (Some(units), Some(doses)) => Some(units * doses),
        (Some(units), None) if frequency == Frequency::Once => Some(units),
        _ => med.default_quantity,
    }
}

fn resolve(
    med: &Medication,
    base: Option<&PrescriptionItem>,
    f: ItemFields,
) -> AppResult<ItemValues> {
    let dosing_changed = f.frequency.is_some() || f.duration_days.is_some() || f.dose.is_some();
    let dose = match f.dose {
        Some(d) => required(&d, "dose", 80)?,
        None => base.map_or(med.default_dose.clone(), |b| b.dose.clone()),
    };
    if dose.trim().is_empty() {
        return Err(AppError::field(
            "dose",
            "give the dose (e.g. 1 tablet, 500 mg)",
        ));
    }
    let route = f.route.or(base.map(|b| b.route)).unwrap_or(med.route);
    let frequency = f
        .frequency
        .or(base.map(|b| b.frequency))
        .unwrap_or(med.default_frequency);
    let duration_days = match f.duration_days {
        Some(0) => None,
        Some(d) if d > 365 => {
            return Err(AppError::field(
                "duration_days",
                "at most 365 days; 0 for ongoing",
            ))
        }
        Some(d) => Some(d),
        None => base.map_or(med.default_duration_days, |b| b.duration_days),
    };
    let quantity = match f.quantity {
        Some(q) => Some(q),
        None if base.is_some() && !dosing_changed => base.map(|b| b.quantity),
        None => worked_out_quantity(med, frequency, duration_days),
    };
    let quantity = match quantity {
        Some(q) if (1..=1000).contains(&q) => q,
        Some(_) => return Err(AppError::field("quantity", "must be between 1 and 1000")),
        None => {
            return Err(AppError::field(
                "quantity",
                format!("give the quantity to dispense (in {})", med.dispense_unit),
            ))
        }
    };
    let refills = f.refills.or(base.map(|b| b.refills)).unwrap_or(0);
    if refills > 12 {
        return Err(AppError::field("refills", "at most 12 refills"));
    }
    let instructions = match f.instructions {
        Some(i) => optional_text(&i, "instructions", 500)?,
        None => base.map_or(med.default_instructions.clone(), |b| b.instructions.clone()),
    };
    Ok(ItemValues {
        dose,
        route,
        frequency,
        duration_days,
        quantity,
        refills,
        instructions,
    })
}

fn insert_item(
    w: &mut WriteTx<'_>,
    prescription: &Header,
    med: &Medication,
    v: &ItemValues,
) -> AppResult<String> {
    let position: u32 = w.conn().query_row(
        "SELECT coalesce(max(position), 0) + 1 FROM prescription_items WHERE prescription_id = ?1",
        [&prescription.id],
        |r| r.get(0),
    )?;
    let id = new_id();
    let now = w.now_text();
    w.conn().execute(
        "INSERT INTO prescription_items (id, prescription_id, patient_id, position, medication_id,
             medication_name, generic_name, atc_code, allergy_classes, dose, route, frequency,
             duration_days, quantity, dispense_unit, refills, instructions, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?18)",
        params![
            id,
            prescription.id,
            prescription.patient_id,
            position,
            med.id,
            med.display_name,
            med.generic_name,
            med.atc_code,
            med.allergy_classes.join(", "),
            v.dose,
            v.route.as_str(),
            v.frequency.as_str(),
            v.duration_days,
            v.quantity,
            med.dispense_unit,
            v.refills,
            v.instructions,
            now
        ],
    )?;
    w.record_change("prescription_items", &id, ChangeOp::Insert)?;
    Ok(id)
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AddPrescriptionItemInput {
    pub prescription_id: String,
    pub medication_id: String,
    #[serde(flatten)]
    pub fields: ItemFields,
}

fn add_prescription_item(
    ctx: &Ctx<'_>,
    input: AddPrescriptionItemInput,
) -> AppResult<Prescription> {
    ctx.write(|w| {
        let h = own_draft(w, ctx, &input.prescription_id)?;
        let med = catalog::load(w.conn(), &input.medication_id)?;
        if !med.active {
            return Err(AppError::field(
                "medication_id",
                format!("{} was retired from the catalog", med.display_name),
            ));
        }
        let values = resolve(&med, None, input.fields)?;
        insert_item(w, &h, &med, &values)?;
        audit_on(w, ctx, &h.id, format!("item added: {}", med.display_name))?;
        load(w.conn(), &h.id, ctx.now)
    })
}

fn item_header(w: &WriteTx<'_>, item_id: &str) -> AppResult<(PrescriptionItem, String)> {
    w.conn()
        .prepare_cached(concat!(
            "SELECT ",
            item_columns!(),
            ", i.prescription_id
             FROM prescription_items i LEFT JOIN users u ON u.id = i.stopped_by WHERE i.id = ?1"
        ))?
        .query_row([item_id], |r| Ok((item_from_row(r)?, r.get(19)?)))
        .optional()?
        .ok_or_else(|| AppError::not_found("no such prescription item").with_field("item_id"))
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdatePrescriptionItemInput {
    pub item_id: String,
    #[serde(flatten)]
    pub fields: ItemFields,
}

fn update_prescription_item(
    ctx: &Ctx<'_>,
    input: UpdatePrescriptionItemInput,
) -> AppResult<Prescription> {
    ctx.write(|w| {
        let (item, prescription_id) = item_header(w, &input.item_id)?;
        let h = own_draft(w, ctx, &prescription_id)?;
        if item.status != ItemStatus::Active {
            return Err(
                AppError::conflict("this item was taken off the draft").with_field("item_id")
            );
        }
        let med = catalog::load(w.conn(), &item.medication_id)?;
        let v = resolve(&med, Some(&item), input.fields)?;
        w.conn().execute(
            "UPDATE prescription_items SET dose = ?2, route = ?3, frequency = ?4,
                 duration_days = ?5, quantity = ?6, refills = ?7, instructions = ?8, updated_at = ?9
             WHERE id = ?1",
            params![
                item.id,
                v.dose,
                v.route.as_str(),
                v.frequency.as_str(),
                v.duration_days,
                v.quantity,
                v.refills,
                v.instructions,
                w.now_text()
            ],
        )?;
        w.record_change("prescription_items", &item.id, ChangeOp::Update)?;
        audit_on(
            w,
            ctx,
            &h.id,
            format!("item changed: {}", item.medication_name),
        )?;
        load(w.conn(), &h.id, ctx.now)
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PrescriptionItemRef {
    pub item_id: String,
}

fn remove_prescription_item(ctx: &Ctx<'_>, input: PrescriptionItemRef) -> AppResult<Prescription> {
    ctx.write(|w| {
        let (item, prescription_id) = item_header(w, &input.item_id)?;
        let h = own_draft(w, ctx, &prescription_id)?;
        w.conn().execute(
            "UPDATE prescription_items SET status = 'removed', updated_at = ?2 WHERE id = ?1",
            params![item.id, w.now_text()],
        )?;
        w.record_change("prescription_items", &item.id, ChangeOp::Update)?;
        audit_on(
            w,
            ctx,
            &h.id,
            format!("item taken off the draft: {}", item.medication_name),
        )?;
        load(w.conn(), &h.id, ctx.now)
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct WarningOverride {
    pub item_id: String,
    pub kind: WarningKind,
    pub reason: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SignPrescriptionInput {
    pub prescription_id: String,
    /// A reason for each warning the draft shows (allergy, duplicate), per item and kind.
    #[serde(default)]
    pub overrides: Vec<WarningOverride>,
}

/// Eight characters a pharmacist can read back on the phone (no 0/O, 1/I/L).
fn verification_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut rng = rand::thread_rng();
    let chars: String = (0..8)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{}-{}", &chars[..4], &chars[4..])
}

fn sign_prescription(ctx: &Ctx<'_>, input: SignPrescriptionInput) -> AppResult<Prescription> {
    let me = ctx.user()?.clone();
    ctx.write(|w| {
        let h = own_draft(w, ctx, &input.prescription_id)?;
        let draft = load(w.conn(), &h.id, ctx.now)?;
        if draft.items.iter().all(|i| i.status != ItemStatus::Active) {
            return Err(AppError::field(
                "items",
                "add at least one medication before signing",
            ));
        }
        let mut missing = Vec::new();
        let mut accepted = Vec::new();
        for warning in &draft.warnings {
            let reason = input
                .overrides
                .iter()
                .find(|o| o.item_id == warning.item_id && o.kind == warning.kind)
                .map(|o| o.reason.trim())
                .filter(|r| !r.is_empty());
            match reason {
                Some(r) if r.chars().count() <= 500 => accepted.push((warning, r.to_owned())),
                Some(_) => {
                    return Err(AppError::field(
                        "overrides",
                        "a reason is at most 500 characters",
                    ))
                }
                None => missing.push(warning.message.clone()),
            }
        }
        if !missing.is_empty() {
            return Err(AppError::field(
                "overrides",
                format!("give a reason to override: {}", missing.join("; ")),
            ));
        }
        let now = w.now_text();
        for (warning, reason) in &accepted {
            let id = new_id();
            w.conn().execute(
                "INSERT INTO prescription_overrides (id, prescription_id, item_id, patient_id, kind,
                     warning, reason, overridden_by, overridden_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
                params![
                    id,
                    h.id,
                    warning.item_id,
                    h.patient_id,
                    match warning.kind {
                        WarningKind::Allergy => "allergy",
                        WarningKind::Duplicate => "duplicate",
                    },
                    warning.message,
                    reason,
                    me.id,
                    now
                ],
            )?;
            w.record_change("prescription_overrides", &id, ChangeOp::Insert)?;
            audit_on(
                w,
                ctx,
                &h.id,
                format!("warning overridden ({}): {reason}", warning.message),
            )?;
        }
        let code = loop {
            let code = verification_code();
            let taken: bool = w.conn().query_row(
                "SELECT EXISTS (SELECT 1 FROM prescriptions WHERE verification_code = ?1)",
                [&code],
                |r| r.get(0),
            )?;
            if !taken {
                break code;
            }
        };
        w.conn().execute(
            "UPDATE prescriptions SET status = 'signed', signed_at = ?2, verification_code = ?3,
                 updated_at = ?2 WHERE id = ?1",
            params![h.id, now, code],
        )?;
        w.record_change("prescriptions", &h.id, ChangeOp::Update)?;
        let names: Vec<&str> = draft
            .items
            .iter()
            .filter(|i| i.status == ItemStatus::Active)
            .map(|i| i.medication_name.as_str())
            .collect();
        audit_on(
            w,
            ctx,
            &h.id,
            format!("prescription signed: {}", names.join(", ")),
        )?;
        load(w.conn(), &h.id, ctx.now)
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct StopItemInput {
    pub item_id: String,
    pub reason: String,
}

fn discontinue_prescription_item(ctx: &Ctx<'_>, input: StopItemInput) -> AppResult<Prescription> {
    let reason = required(&input.reason, "reason", 500)?;
    let me = ctx.user()?.clone();
    ctx.write(|w| {
        let (item, prescription_id) = item_header(w, &input.item_id)?;
        let h = header(w.conn(), &prescription_id)?;
        if h.status != PrescriptionStatus::Signed {
            return Err(AppError::conflict(
                "only a signed prescription's items are discontinued (edit a draft instead)",
            )
            .with_field("item_id"));
        }
        if item.status != ItemStatus::Active {
            return Err(
                AppError::conflict("this medication was already stopped").with_field("item_id")
            );
        }
        let now = w.now_text();
        w.conn().execute(
            "UPDATE prescription_items SET status = 'discontinued', stop_reason = ?2,
                 stopped_by = ?3, stopped_at = ?4, updated_at = ?4 WHERE id = ?1",
            params![item.id, reason, me.id, now],
        )?;
        w.record_change("prescription_items", &item.id, ChangeOp::Update)?;
        audit_on(
            w,
            ctx,
            &h.id,
            format!("{} discontinued: {reason}", item.medication_name),
        )?;
        load(w.conn(), &h.id, ctx.now)
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PrescriptionErrorInput {
    pub prescription_id: String,
    pub reason: String,
}

fn mark_prescription_entered_in_error(
    ctx: &Ctx<'_>,
    input: PrescriptionErrorInput,
) -> AppResult<Prescription> {
    let reason = required(&input.reason, "reason", 500)?;
    let me = ctx.user()?.clone();
    ctx.write(|w| {
        let h = header(w.conn(), &input.prescription_id)?;
        if h.status == PrescriptionStatus::EnteredInError {
            return Err(AppError::conflict("this prescription is already marked entered in error")
                .with_field("prescription_id"));
        }
        if h.prescriber_id != me.id {
            return Err(AppError::new(
                ErrorCode::PermissionDenied,
                format!("only {} (who wrote it) may mark this prescription entered in error", h.prescriber_name),
            ));
        }
        let now = w.now_text();
        w.conn().execute(
            "UPDATE prescriptions SET status = 'entered_in_error', error_reason = ?2, updated_at = ?3
             WHERE id = ?1",
            params![h.id, reason, now],
        )?;
        w.record_change("prescriptions", &h.id, ChangeOp::Update)?;
        audit_on(w, ctx, &h.id, format!("prescription entered in error: {reason}"))?;
        load(w.conn(), &h.id, ctx.now)
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PrescriptionRef {
    pub prescription_id: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RenewPrescriptionInput {
    pub prescription_id: String,
    /// The consultation the renewal is written in, if any.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub encounter_id: Option<String>,
}

fn renew_prescription(ctx: &Ctx<'_>, input: RenewPrescriptionInput) -> AppResult<Prescription> {
    let me = ctx.user()?.clone();
    ctx.write(|w| {
        let old = load(w.conn(), &input.prescription_id, ctx.now)?;
        match old.status {
            PrescriptionStatus::Draft => {
                return Err(AppError::conflict("a draft is edited, not renewed")
                    .with_field("prescription_id"))
            }
            PrescriptionStatus::EnteredInError => {
                return Err(AppError::conflict(
                    "this prescription was entered in error and is not renewed",
                )
                .with_field("prescription_id"))
            }
            PrescriptionStatus::Signed => {}
        }
        if let Some(e) = &input.encounter_id {
            let patient: Option<String> = w
                .conn()
                .query_row("SELECT patient_id FROM encounters WHERE id = ?1", [e], |r| r.get(0))
                .optional()?;
            if patient.as_deref() != Some(old.patient_id.as_str()) {
                return Err(AppError::field(
                    "encounter_id",
                    "no such encounter of this patient",
                ));
            }
        }
        crate::patients::require_active(w.conn(), &old.patient_id)?;
        let id = new_id();
        let now = w.now_text();
        w.conn().execute(
            "INSERT INTO prescriptions (id, patient_id, encounter_id, prescriber_id, notes, renewed_from_id,
                 created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
            params![id, old.patient_id, input.encounter_id, me.id, old.notes, old.id, now],
        )?;
        w.record_change("prescriptions", &id, ChangeOp::Insert)?;
        let draft = header(w.conn(), &id)?;
        let mut repeated = Vec::new();
        for item in old
            .items
            .iter()
            // What was stopped (a side effect, a mistake) is not repeated.
            .filter(|i| i.status == ItemStatus::Active)
        {
            let med = catalog::load(w.conn(), &item.medication_id)?;
            if !med.active {
                continue;
            }
            let v = ItemValues {
                dose: item.dose.clone(),
                route: item.route,
                frequency: item.frequency,
                duration_days: item.duration_days,
                quantity: item.quantity,
                refills: item.refills,
                instructions: item.instructions.clone(),
            };
            insert_item(w, &draft, &med, &v)?;
            repeated.push(item.medication_name.clone());
        }
        audit_on(
            w,
            ctx,
            &id,
            format!("renewed from {}: {}", old.id, repeated.join(", ")),
        )?;
        load(w.conn(), &id, ctx.now)
    })
}

fn get_prescription(ctx: &Ctx<'_>, input: PrescriptionRef) -> AppResult<Prescription> {
    ctx.write(|w| {
        let p = load(w.conn(), &input.prescription_id, ctx.now)?;
        audit_on(w, ctx, &p.id, "prescription read".into())?;
        Ok(p)
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PatientPrescriptionsInput {
    pub patient_id: String,
}

fn list_prescriptions(
    ctx: &Ctx<'_>,
    input: PatientPrescriptionsInput,
) -> AppResult<Vec<Prescription>> {
    ctx.write(|w| {
        let ids: Vec<String> = w
            .conn()
            .prepare_cached(
                "SELECT id FROM prescriptions WHERE patient_id = ?1 ORDER BY created_at DESC, id LIMIT 500",
            )?
            .query_map([&input.patient_id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let list = ids
            .iter()
            .map(|id| load(w.conn(), id, ctx.now))
            .collect::<AppResult<Vec<_>>>()?;
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("patients", &input.patient_id)),
            format!("prescriptions read ({})", list.len()),
        );
        w.audit(entry)?;
        Ok(list)
    })
}

fn current_medications(
    ctx: &Ctx<'_>,
    input: PatientPrescriptionsInput,
) -> AppResult<Vec<CurrentMedication>> {
    ctx.write(|w| {
        let list = current_outside(w.conn(), &input.patient_id, "", ctx.now)?;
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("patients", &input.patient_id)),
            format!("current medications read ({})", list.len()),
        );
        w.audit(entry)?;
        Ok(list)
    })
}
