//! The patient record: validation, registration with an offline MRN, edits, allergies,
//! the chart, and keeping the search index in step with every write.

use super::duplicates;
use super::keys::{self, Indexed};
use crate::audit::AuditOutcome;
use crate::clinic::{optional_text, required, valid_email, valid_logo, valid_phone};
use crate::clock::new_id;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::registry::Ctx;
use crate::store::{ChangeOp, WriteTx};
use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension, Row, ToSql};
use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
    Other,
    Unknown,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
            Sex::Other => "other",
            Sex::Unknown => "unknown",
        }
    }
    pub(crate) fn parse(s: &str) -> Sex {
        match s {
            "female" => Sex::Female,
            "male" => Sex::Male,
            "other" => Sex::Other,
            _ => Sex::Unknown,
        }
    }
}

impl ToSql for Sex {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(self.as_str().into())
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum AllergySeverity {
    Mild,
    Moderate,
    Severe,
    Unknown,
}

impl AllergySeverity {
    fn as_str(self) -> &'static str {
        match self {
            AllergySeverity::Mild => "mild",
            AllergySeverity::Moderate => "moderate",
            AllergySeverity::Severe => "severe",
            AllergySeverity::Unknown => "unknown",
        }
    }
    fn parse(s: &str) -> Self {
        match s {
            "mild" => Self::Mild,
            "moderate" => Self::Moderate,
            "severe" => Self::Severe,
            _ => Self::Unknown,
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum AllergyStatus {
    Active,
    Resolved,
    EnteredInError,
}

impl AllergyStatus {
    fn as_str(self) -> &'static str {
        match self {
            AllergyStatus::Active => "active",
            AllergyStatus::Resolved => "resolved",
            AllergyStatus::EnteredInError => "entered_in_error",
        }
    }
    fn parse(s: &str) -> Self {
        match s {
            "resolved" => Self::Resolved,
            "entered_in_error" => Self::EnteredInError,
            _ => Self::Active,
        }
    }
}

/// What the registration and edit forms send.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PatientInput {
    pub given_name: String,
    pub family_name: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub other_names: Option<String>,
    pub sex: Option<Sex>,
    /// `YYYY-MM-DD`; or give `estimated_age_years` when the date is not known.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub date_of_birth: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub estimated_age_years: Option<u32>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub phone: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub phone_alt: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub email: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub address: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub national_id: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub emergency_contact_name: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub emergency_contact_phone: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub emergency_contact_relation: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub insurance_payer: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub insurance_member_number: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub notes: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub alerts: Option<String>,
    /// A PNG or JPEG `data:` URL, at most 256 KB; empty for none.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub photo_data_url: Option<String>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AllergyInput {
    pub substance: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub reaction: Option<String>,
    pub severity: AllergySeverity,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Allergy {
    pub id: String,
    pub substance: String,
    pub reaction: String,
    pub severity: AllergySeverity,
    pub status: AllergyStatus,
    pub recorded_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Patient {
    pub id: String,
    pub mrn: String,
    pub given_name: String,
    pub family_name: String,
    pub other_names: String,
    pub sex: Sex,
    pub date_of_birth: Option<String>,
    pub dob_estimated: bool,
    /// Whole years at the time of the request (in UTC).
    pub age_years: Option<u32>,
    pub phone: String,
    pub phone_alt: String,
    pub email: String,
    pub address: String,
    pub national_id: String,
    pub emergency_contact_name: String,
    pub emergency_contact_phone: String,
    pub emergency_contact_relation: String,
    pub insurance_payer: String,
    pub insurance_member_number: String,
    pub notes: String,
    pub alerts: String,
    pub photo_data_url: String,
    /// The surviving patient's id when this record was merged into another.
    pub merged_into: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// One line of the chart's timeline (appointments, encounters, prescriptions and invoices
/// join here as their capabilities land).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct TimelineEntry {
    pub at: String,
    /// `registered`, `merged`, `allergy`, …
    pub kind: String,
    pub title: String,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct PatientChart {
    pub patient: Patient,
    /// Every allergy ever recorded (entered-in-error ones included, marked).
    pub allergies: Vec<Allergy>,
    /// MRNs of records merged into this one.
    pub merged_mrns: Vec<String>,
    /// Set when the chart asked for was merged: the id that was asked for…
    pub redirected_from: Option<String>,
    /// … and its MRN.
    pub redirected_from_mrn: Option<String>,
    pub timeline: Vec<TimelineEntry>,
}

/// Validated, normalized demographics, ready for SQL.
pub(crate) struct Clean {
    pub given_name: String,
    pub family_name: String,
    pub other_names: String,
    pub sex: Sex,
    pub date_of_birth: Option<String>,
    pub dob_estimated: bool,
    pub phone: String,
    pub phone_alt: String,
    pub email: String,
    pub address: String,
    pub national_id: String,
    pub emergency_contact_name: String,
    pub emergency_contact_phone: String,
    pub emergency_contact_relation: String,
    pub insurance_payer: String,
    pub insurance_member_number: String,
    pub notes: String,
    pub alerts: String,
    pub photo_data_url: String,
}

impl Clean {
    /// The demographic columns and their values: the one list that inserts and edits share.
    fn columns(&self) -> [(&'static str, &dyn ToSql); 19] {
        [
            ("given_name", &self.given_name),
            ("family_name", &self.family_name),
            ("other_names", &self.other_names),
            ("sex", &self.sex),
            ("date_of_birth", &self.date_of_birth),
            ("dob_estimated", &self.dob_estimated),
            ("phone", &self.phone),
            ("phone_alt", &self.phone_alt),
            ("email", &self.email),
            ("address", &self.address),
            ("national_id", &self.national_id),
            ("emergency_contact_name", &self.emergency_contact_name),
            ("emergency_contact_phone", &self.emergency_contact_phone),
            (
                "emergency_contact_relation",
                &self.emergency_contact_relation,
            ),
            ("insurance_payer", &self.insurance_payer),
            ("insurance_member_number", &self.insurance_member_number),
            ("notes", &self.notes),
            ("alerts", &self.alerts),
            ("photo_data_url", &self.photo_data_url),
        ]
    }
}

fn opt(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

/// Checks every field and names the first bad one.
pub(crate) fn validate(
    conn: &Connection,
    input: &PatientInput,
    today: NaiveDate,
) -> AppResult<Clean> {
    let given_name = required(&input.given_name, "given_name", 100)?;
    let family_name = required(&input.family_name, "family_name", 100)?;
    let other_names = optional_text(opt(&input.other_names), "other_names", 100)?;
    let sex = input.sex.ok_or_else(|| {
        AppError::field("sex", "Sex is required (female, male, other or unknown)")
    })?;
    let (date_of_birth, dob_estimated) = birth_date(input, today)?;
    let phone = valid_phone(opt(&input.phone), "phone")?;
    let phone_alt = valid_phone(opt(&input.phone_alt), "phone_alt")?;
    let email = valid_email(opt(&input.email), "email")?;
    let address = optional_text(opt(&input.address), "address", 500)?;
    let national_id = valid_national_id(conn, opt(&input.national_id))?;
    let emergency_contact_name = optional_text(
        opt(&input.emergency_contact_name),
        "emergency_contact_name",
        200,
    )?;
    let emergency_contact_phone = valid_phone(
        opt(&input.emergency_contact_phone),
        "emergency_contact_phone",
    )?;
    let emergency_contact_relation = optional_text(
        opt(&input.emergency_contact_relation),
        "emergency_contact_relation",
        100,
    )?;
    let insurance_payer = optional_text(opt(&input.insurance_payer), "insurance_payer", 200)?;
    let insurance_member_number = optional_text(
        opt(&input.insurance_member_number),
        "insurance_member_number",
        100,
    )?;
    if !insurance_member_number.is_empty() && insurance_payer.is_empty() {
        return Err(AppError::field(
            "insurance_payer",
            "Insurance payer is required with a member number",
        ));
    }
    let notes = optional_text(opt(&input.notes), "notes", 4000)?;
    let alerts = optional_text(opt(&input.alerts), "alerts", 500)?;
    let photo_data_url = valid_logo(opt(&input.photo_data_url), "photo_data_url")
        .map_err(|e| AppError::field("photo_data_url", e.message.replace("logo", "photo")))?;
    Ok(Clean {
        given_name,
        family_name,
        other_names,
        sex,
        date_of_birth,
        dob_estimated,
        phone,
        phone_alt,
        email,
        address,
        national_id,
        emergency_contact_name,
        emergency_contact_phone,
        emergency_contact_relation,
        insurance_payer,
        insurance_member_number,
        notes,
        alerts,
        photo_data_url,
    })
}

fn birth_date(input: &PatientInput, today: NaiveDate) -> AppResult<(Option<String>, bool)> {
    let field = "date_of_birth";
    match (opt(&input.date_of_birth).trim(), input.estimated_age_years) {
        ("", None) => Err(AppError::field(
            field,
            "Date of birth is required (or an estimated age)",
        )),
        ("", Some(age)) => {
            if age > 130 {
                return Err(AppError::field(
                    "estimated_age_years",
                    "Estimated age is between 0 and 130 years",
                ));
            }
            // Half a year past the birthday that makes them `age` today: the age shown stays
            // what was typed for the next six months and never starts one year short.
            let dob = today
                .checked_sub_months(chrono::Months::new(age * 12 + 6))
                .ok_or_else(|| {
                    AppError::field("estimated_age_years", "Estimated age is out of range")
                })?;
            Ok((Some(dob.format("%Y-%m-%d").to_string()), true))
        }
        (text, _) => {
            let dob = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                AppError::field(
                    field,
                    "Date of birth is a date like 1980-02-29 (YYYY-MM-DD)",
                )
            })?;
            if dob > today {
                return Err(AppError::field(
                    field,
                    "Date of birth cannot be in the future",
                ));
            }
            if today.year() - dob.year() > 130 {
                return Err(AppError::field(
                    field,
                    "Date of birth is more than 130 years ago",
                ));
            }
            Ok((Some(dob.format("%Y-%m-%d").to_string()), false))
        }
    }
}

fn valid_national_id(conn: &Connection, value: &str) -> AppResult<String> {
    // Upper case always, so the same id typed twice compares equal (duplicates check).
    let v = value.trim().to_uppercase();
    if v.is_empty() {
        return Ok(v);
    }
    if v.chars().count() > 40 {
        return Err(AppError::field(
            "national_id",
            "National id is longer than 40 characters",
        ));
    }
    let (pattern, example): (String, String) = conn
        .query_row(
            "SELECT national_id_pattern, national_id_example FROM clinic LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .unwrap_or_default();
    if pattern.is_empty() {
        return Ok(v);
    }
    let re = regex::Regex::new(&format!("^(?:{pattern})$")).map_err(|e| {
        AppError::internal(format!("the clinic's national id pattern is broken: {e}"))
    })?;
    if re.is_match(&v.to_uppercase()) {
        Ok(v.to_uppercase())
    } else if example.is_empty() {
        Err(AppError::field(
            "national_id",
            "National id does not have this clinic's format",
        ))
    } else {
        Err(AppError::field(
            "national_id",
            format!("National id does not have this clinic's format (e.g. {example})"),
        ))
    }
}

/// Issues the next MRN of this workstation: its prefix, a sequence and a check character.
fn issue_mrn(conn: &Connection) -> AppResult<String> {
    let prefix: String = conn.query_row(
        "SELECT value FROM local_meta WHERE key = 'mrn_prefix'",
        [],
        |r| r.get(0),
    )?;
    let next: i64 = conn
        .query_row(
            "SELECT value FROM local_meta WHERE key = 'mrn_next'",
            [],
            |r| r.get::<_, String>(0),
        )?
        .parse()
        .map_err(|_| AppError::internal("the MRN sequence is damaged"))?;
    // Skip any number already taken (e.g. restored from elsewhere): never a collision.
    let mut seq = next;
    let mut mrn = keys::format_mrn(&prefix, seq);
    while conn
        .query_row("SELECT 1 FROM patients WHERE mrn = ?1", [&mrn], |_| Ok(()))
        .optional()?
        .is_some()
    {
        seq += 1;
        mrn = keys::format_mrn(&prefix, seq);
    }
    conn.execute(
        "UPDATE local_meta SET value = ?1 WHERE key = 'mrn_next'",
        [(seq + 1).to_string()],
    )?;
    Ok(mrn)
}

/// Inserts a validated patient with the next MRN, indexes it and logs it for sync; no audit.
pub(crate) fn insert_patient(
    w: &mut WriteTx<'_>,
    c: &Clean,
    created_by: Option<&str>,
) -> AppResult<(String, String)> {
    let id = new_id();
    let mrn = issue_mrn(w.conn())?;
    let now = w.now_text();
    let fields = c.columns();
    let names: Vec<&str> = fields.iter().map(|(n, _)| *n).collect();
    let slots: Vec<String> = (0..fields.len()).map(|i| format!("?{}", i + 5)).collect();
    let sql = format!(
        "INSERT INTO patients (id, mrn, created_by, created_at, updated_at, {})
         VALUES (?1, ?2, ?3, ?4, ?4, {})",
        names.join(", "),
        slots.join(", ")
    );
    let mut values: Vec<&dyn ToSql> = vec![&id, &mrn, &created_by, &now];
    values.extend(fields.iter().map(|(_, v)| *v));
    w.conn().prepare_cached(&sql)?.execute(values.as_slice())?;
    reindex_patient(w.conn(), &id)?;
    w.record_change("patients", &id, ChangeOp::Insert)?;
    Ok((id, mrn))
}

/// Rebuilds the patient's search keys and the name vocabulary from the row (after any
/// write, including rows that arrive by sync). A merged patient has no keys of its own.
pub fn reindex_patient(conn: &Connection, id: &str) -> AppResult<()> {
    let old_words: Vec<String> = {
        let mut stmt = conn.prepare_cached(
            "SELECT substr(key, 3) FROM patient_search_terms
             WHERE patient_id = ?1 AND key >= 'w:' AND key < 'w;'",
        )?;
        let rows = stmt.query_map([id], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    conn.prepare_cached("DELETE FROM patient_search_terms WHERE patient_id = ?1")?
        .execute([id])?;
    for w in &old_words {
        conn.prepare_cached("UPDATE name_words SET patients = patients - 1 WHERE word = ?1")?
            .execute([w])?;
    }
    let row = conn
        .prepare_cached(
            "SELECT given_name, family_name, other_names, phone, phone_alt, mrn, date_of_birth,
                    merged_into
             FROM patients WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<String>>(7)?,
            ))
        })
        .optional()?;
    let Some((given, family, other, phone, phone_alt, mrn, dob, merged_into)) = row else {
        return Ok(());
    };
    if merged_into.is_some() {
        return Ok(());
    }
    let indexed = Indexed {
        given_name: &given,
        family_name: &family,
        other_names: &other,
        phones: [&phone, &phone_alt],
        mrn: &mrn,
        date_of_birth: dob.as_deref(),
    };
    let mut insert = conn.prepare_cached(
        "INSERT OR IGNORE INTO patient_search_terms (key, patient_id) VALUES (?1, ?2)",
    )?;
    for key in indexed.keys() {
        insert.execute(params![key, id])?;
    }
    // Records merged into this one stay findable by their MRN.
    let mut merged = conn.prepare_cached("SELECT mrn FROM patients WHERE merged_into = ?1")?;
    let merged_mrns: Vec<String> = merged
        .query_map([id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for m in merged_mrns {
        insert.execute(params![format!("m:{}", keys::mrn_key(&m)), id])?;
    }
    let mut words: Vec<String> = indexed.all_words();
    words.sort();
    words.dedup();
    for word in words {
        let new = conn
            .prepare_cached(
                "INSERT INTO name_words (word, patients) VALUES (?1, 1)
                 ON CONFLICT(word) DO UPDATE SET patients = patients + 1
                 RETURNING patients",
            )?
            .query_row([&word], |r| r.get::<_, i64>(0))?
            == 1;
        if new {
            let mut variant = conn.prepare_cached(
                "INSERT OR IGNORE INTO name_word_variants (variant, word) VALUES (?1, ?2)",
            )?;
            for v in keys::word_variants(&word) {
                variant.execute(params![v, word])?;
            }
        }
    }
    Ok(())
}

const PATIENT_COLUMNS: &str = "id, mrn, given_name, family_name, other_names, sex, date_of_birth,
    dob_estimated, phone, phone_alt, email, address, national_id, emergency_contact_name,
    emergency_contact_phone, emergency_contact_relation, insurance_payer, insurance_member_number,
    notes, alerts, photo_data_url, merged_into, created_at, updated_at";

pub(crate) fn age_on(dob: &str, today: NaiveDate) -> Option<u32> {
    let dob = NaiveDate::parse_from_str(dob, "%Y-%m-%d").ok()?;
    today.years_since(dob)
}

fn patient_from_row(r: &Row<'_>, today: NaiveDate) -> rusqlite::Result<Patient> {
    let dob: Option<String> = r.get(6)?;
    Ok(Patient {
        id: r.get(0)?,
        mrn: r.get(1)?,
        given_name: r.get(2)?,
        family_name: r.get(3)?,
        other_names: r.get(4)?,
        sex: Sex::parse(&r.get::<_, String>(5)?),
        age_years: dob.as_deref().and_then(|d| age_on(d, today)),
        date_of_birth: dob,
        dob_estimated: r.get(7)?,
        phone: r.get(8)?,
        phone_alt: r.get(9)?,
        email: r.get(10)?,
        address: r.get(11)?,
        national_id: r.get(12)?,
        emergency_contact_name: r.get(13)?,
        emergency_contact_phone: r.get(14)?,
        emergency_contact_relation: r.get(15)?,
        insurance_payer: r.get(16)?,
        insurance_member_number: r.get(17)?,
        notes: r.get(18)?,
        alerts: r.get(19)?,
        photo_data_url: r.get(20)?,
        merged_into: r.get(21)?,
        created_at: r.get(22)?,
        updated_at: r.get(23)?,
    })
}

pub(crate) fn load_patient(conn: &Connection, id: &str, today: NaiveDate) -> AppResult<Patient> {
    conn.prepare_cached(&format!(
        "SELECT {PATIENT_COLUMNS} FROM patients WHERE id = ?1"
    ))?
    .query_row([id], |r| patient_from_row(r, today))
    .optional()?
    .ok_or_else(|| AppError::not_found("no such patient").with_field("patient_id"))
}

pub(crate) fn load_allergies(conn: &Connection, patient_id: &str) -> AppResult<Vec<Allergy>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, substance, reaction, severity, status, recorded_at, updated_at
         FROM patient_allergies WHERE patient_id = ?1
         ORDER BY status = 'active' DESC, recorded_at",
    )?;
    let rows = stmt.query_map([patient_id], |r| {
        Ok(Allergy {
            id: r.get(0)?,
            substance: r.get(1)?,
            reaction: r.get(2)?,
            severity: AllergySeverity::parse(&r.get::<_, String>(3)?),
            status: AllergyStatus::parse(&r.get::<_, String>(4)?),
            recorded_at: r.get(5)?,
            updated_at: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn insert_allergy(
    w: &mut WriteTx<'_>,
    patient_id: &str,
    a: &AllergyInput,
    field_prefix: &str,
    by: Option<&str>,
) -> AppResult<String> {
    let substance = required(&a.substance, &format!("{field_prefix}substance"), 200)?;
    let reaction = optional_text(opt(&a.reaction), &format!("{field_prefix}reaction"), 500)?;
    let duplicate: bool = w.conn().query_row(
        "SELECT EXISTS(SELECT 1 FROM patient_allergies
                       WHERE patient_id = ?1 AND status = 'active' AND lower(substance) = lower(?2))",
        params![patient_id, substance],
        |r| r.get(0),
    )?;
    if duplicate {
        return Err(AppError::field(
            format!("{field_prefix}substance"),
            format!("An active allergy to {substance} is already recorded"),
        ));
    }
    let id = new_id();
    let now = w.now_text();
    w.conn().execute(
        "INSERT INTO patient_allergies (id, patient_id, substance, reaction, severity, status,
             recorded_by, recorded_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'active', ?6, ?7, ?7)",
        params![
            id,
            patient_id,
            substance,
            reaction,
            a.severity.as_str(),
            by,
            now
        ],
    )?;
    w.record_change("patient_allergies", &id, ChangeOp::Insert)?;
    Ok(id)
}

fn today(ctx: &Ctx<'_>) -> NaiveDate {
    ctx.now.date_naive()
}

fn actor_id(ctx: &Ctx<'_>) -> Option<String> {
    ctx.user().ok().map(|u| u.id.clone())
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RegisterPatientInput {
    pub patient: PatientInput,
    /// Allergies known at registration.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub allergies: Option<Vec<AllergyInput>>,
    /// Set once the user has seen the possible duplicates and registers anyway.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub acknowledge_duplicates: Option<bool>,
}

pub(crate) fn register_patient(ctx: &Ctx<'_>, input: RegisterPatientInput) -> AppResult<Patient> {
    let by = actor_id(ctx);
    ctx.write(|w| {
        let clean = validate(w.conn(), &input.patient, today(ctx))?;
        if !input.acknowledge_duplicates.unwrap_or(false) {
            let candidates = duplicates::candidates(w.conn(), &clean, None, today(ctx))?;
            if let Some(first) = candidates.first() {
                return Err(AppError::new(
                    ErrorCode::Conflict,
                    format!(
                        "{} possible duplicate(s), e.g. {} {} ({}): open the existing patient, or register anyway",
                        candidates.len(),
                        first.patient.given_name,
                        first.patient.family_name,
                        first.patient.mrn
                    ),
                )
                .with_field("acknowledge_duplicates"));
            }
        }
        let (id, mrn) = insert_patient(w, &clean, by.as_deref())?;
        for (i, a) in input.allergies.iter().flatten().enumerate() {
            insert_allergy(w, &id, a, &format!("allergies.{i}."), by.as_deref())?;
        }
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("patients", &id)),
            format!("registered {mrn}"),
        );
        w.audit(entry)?;
        load_patient(w.conn(), &id, today(ctx))
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdatePatientInput {
    pub patient_id: String,
    pub patient: PatientInput,
}

pub(crate) fn update_patient(ctx: &Ctx<'_>, input: UpdatePatientInput) -> AppResult<Patient> {
    ctx.write(|w| {
        let before = load_patient(w.conn(), &input.patient_id, today(ctx))?;
        if before.merged_into.is_some() {
            return Err(AppError::conflict(
                "this record was merged into another patient; edit the surviving record",
            )
            .with_field("patient_id"));
        }
        let mut c = validate(w.conn(), &input.patient, today(ctx))?;
        // The same estimated age sent back keeps the stored estimate (no drift on re-save).
        if c.dob_estimated
            && before.dob_estimated
            && input.patient.estimated_age_years == before.age_years
        {
            c.date_of_birth = before.date_of_birth.clone();
        }
        let now = w.now_text();
        let fields = c.columns();
        let sets: Vec<String> = fields
            .iter()
            .enumerate()
            .map(|(i, (n, _))| format!("{n} = ?{}", i + 3))
            .collect();
        let sql = format!(
            "UPDATE patients SET updated_at = ?2, {} WHERE id = ?1",
            sets.join(", ")
        );
        let mut values: Vec<&dyn ToSql> = vec![&input.patient_id, &now];
        values.extend(fields.iter().map(|(_, v)| *v));
        w.conn().prepare_cached(&sql)?.execute(values.as_slice())?;
        reindex_patient(w.conn(), &input.patient_id)?;
        w.record_change("patients", &input.patient_id, ChangeOp::Update)?;
        let after = load_patient(w.conn(), &input.patient_id, today(ctx))?;
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("patients", &input.patient_id)),
            changed_fields(&before, &after),
        );
        w.audit(entry)?;
        Ok(after)
    })
}

/// `changed: family_name, phone` — which fields an edit touched (values stay in the row
/// history of the change log, not in the audit text).
fn changed_fields(before: &Patient, after: &Patient) -> String {
    let (Ok(serde_json::Value::Object(b)), Ok(serde_json::Value::Object(a))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return String::new();
    };
    let changed: Vec<&str> = a
        .iter()
        .filter(|(k, v)| k.as_str() != "updated_at" && b.get(*k) != Some(*v))
        .map(|(k, _)| k.as_str())
        .collect();
    if changed.is_empty() {
        "no changes".into()
    } else {
        format!("changed: {}", changed.join(", "))
    }
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct OpenPatientChartInput {
    pub patient_id: String,
}

pub(crate) fn open_patient_chart(
    ctx: &Ctx<'_>,
    input: OpenPatientChartInput,
) -> AppResult<PatientChart> {
    ctx.write(|w| {
        let asked = load_patient(w.conn(), &input.patient_id, today(ctx))?;
        // A merged record opens its survivor (following a chain of merges).
        let mut patient = asked.clone();
        let mut hops = 0;
        while let Some(next) = patient.merged_into.clone() {
            patient = load_patient(w.conn(), &next, today(ctx))?;
            hops += 1;
            if hops > 16 {
                return Err(AppError::integrity("a merge chain loops"));
            }
        }
        let redirected_from = (patient.id != asked.id).then(|| asked.id.clone());
        let redirected_from_mrn = (patient.id != asked.id).then(|| asked.mrn.clone());
        let allergies = load_allergies(w.conn(), &patient.id)?;
        let merged_mrns: Vec<String> = w
            .conn()
            .prepare_cached("SELECT mrn FROM patients WHERE merged_into = ?1 ORDER BY mrn")?
            .query_map([&patient.id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        // Encounters and prescriptions join the timeline only for roles that read them;
        // reception sees that visits happened (appointments), not what was written.
        let role = ctx.user().ok().map(|u| u.role);
        let clinical = role.is_some_and(|r| r.has(crate::access::Permission::ClinicalRead));
        let prescriptions =
            role.is_some_and(|r| r.has(crate::access::Permission::PrescriptionsRead));
        let billing = role.is_some_and(|r| r.has(crate::access::Permission::BillingRead));
        let mut timeline = timeline(w.conn(), &patient, &allergies)?;
        if billing {
            timeline.extend(crate::billing::chart_timeline(w.conn(), &patient.id)?);
        }
        if clinical || prescriptions || billing {
            timeline.extend(clinical_timeline(
                w.conn(),
                &patient.id,
                clinical,
                prescriptions,
            )?);
            timeline.sort_by(|a, b| {
                b.at.cmp(&a.at)
                    .then_with(|| (a.kind == "registered").cmp(&(b.kind == "registered")))
            });
        }
        w.conn()
            .prepare_cached(
                "INSERT INTO recent_patients (patient_id, opened_at) VALUES (?1, ?2)
                 ON CONFLICT(patient_id) DO UPDATE SET opened_at = excluded.opened_at",
            )?
            .execute(params![patient.id, w.now_text()])?;
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("patients", &patient.id)),
            format!("opened chart {}", patient.mrn),
        );
        w.audit(entry)?;
        Ok(PatientChart {
            patient,
            allergies,
            merged_mrns,
            redirected_from,
            redirected_from_mrn,
            timeline,
        })
    })
}

fn timeline(
    conn: &Connection,
    patient: &Patient,
    allergies: &[Allergy],
) -> AppResult<Vec<TimelineEntry>> {
    let mut out = vec![TimelineEntry {
        at: patient.created_at.clone(),
        kind: "registered".into(),
        title: format!("Registered as {}", patient.mrn),
        detail: String::new(),
    }];
    for a in allergies {
        out.push(TimelineEntry {
            at: a.recorded_at.clone(),
            kind: "allergy".into(),
            title: format!("Allergy recorded: {}", a.substance),
            detail: a.reaction.clone(),
        });
        let changed = match a.status {
            AllergyStatus::Active => None,
            AllergyStatus::Resolved => Some("resolved"),
            AllergyStatus::EnteredInError => Some("entered in error"),
        };
        if let Some(what) = changed {
            out.push(TimelineEntry {
                at: a.updated_at.clone(),
                kind: "allergy_status".into(),
                title: format!("Allergy to {} marked {what}", a.substance),
                detail: String::new(),
            });
        }
    }
    let mut visits = conn.prepare_cached(
        "SELECT a.starts_at, a.status, u.full_name, v.name, a.reason, a.cancel_reason
         FROM appointments a JOIN users u ON u.id = a.doctor_id JOIN visit_types v ON v.id = a.visit_type_id
         WHERE a.patient_id = ?1 ORDER BY a.starts_at DESC LIMIT 200",
    )?;
    let rows = visits.query_map([&patient.id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    for row in rows {
        let (at, status, doctor, visit, reason, cancel_reason) = row?;
        out.push(TimelineEntry {
            at,
            kind: "appointment".into(),
            title: format!("{visit} with {doctor} ({})", status.replace('_', " ")),
            detail: if cancel_reason.is_empty() {
                reason
            } else {
                format!("cancelled: {cancel_reason}")
            },
        });
    }
    let mut stmt = conn.prepare_cached(
        "SELECT mrn, merged_at FROM patients WHERE merged_into = ?1 AND merged_at IS NOT NULL",
    )?;
    let merged = stmt.query_map([&patient.id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    for m in merged {
        let (mrn, at) = m?;
        out.push(TimelineEntry {
            at,
            kind: "merged".into(),
            title: format!("Merged record {mrn} into this chart"),
            detail: String::new(),
        });
    }
    // Newest first; at the same instant, registration last (it came first).
    out.sort_by(|a, b| {
        b.at.cmp(&a.at)
            .then_with(|| (a.kind == "registered").cmp(&(b.kind == "registered")))
    });
    Ok(out)
}

/// Encounters (with the assessment's first line) and prescriptions (with their items).
fn clinical_timeline(
    conn: &Connection,
    patient_id: &str,
    encounters: bool,
    prescriptions: bool,
) -> AppResult<Vec<TimelineEntry>> {
    let mut out = Vec::new();
    if encounters {
        let mut stmt = conn.prepare_cached(
            "SELECT e.started_at, e.status, u.full_name,
                    coalesce((SELECT n.assessment FROM encounter_notes n WHERE n.encounter_id = e.id
                              ORDER BY n.version DESC LIMIT 1), ''),
                    (SELECT group_concat(d.code, ', ') FROM encounter_diagnoses d
                      WHERE d.encounter_id = e.id AND d.status = 'recorded')
             FROM encounters e JOIN users u ON u.id = e.doctor_id
             WHERE e.patient_id = ?1 ORDER BY e.started_at DESC LIMIT 200",
        )?;
        let rows = stmt.query_map([patient_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        for row in rows {
            let (at, status, doctor, assessment, codes) = row?;
            let headline = assessment
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(120)
                .collect::<String>();
            out.push(TimelineEntry {
                at,
                kind: "encounter".into(),
                title: format!("Consultation with {doctor} ({})", status.replace('_', " ")),
                detail: match codes {
                    Some(c) if !c.is_empty() => format!("{c} — {headline}"),
                    _ => headline,
                },
            });
        }
    }
    if prescriptions {
        let mut stmt = conn.prepare_cached(
            "SELECT coalesce(p.signed_at, p.created_at), p.status, u.full_name,
                    (SELECT group_concat(i.medication_name, '; ') FROM prescription_items i
                      WHERE i.prescription_id = p.id AND i.status <> 'removed')
             FROM prescriptions p JOIN users u ON u.id = p.prescriber_id
             WHERE p.patient_id = ?1 AND p.status <> 'draft' ORDER BY p.created_at DESC LIMIT 200",
        )?;
        let rows = stmt.query_map([patient_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        for row in rows {
            let (at, status, doctor, items) = row?;
            out.push(TimelineEntry {
                at,
                kind: "prescription".into(),
                title: if status == "entered_in_error" {
                    format!("Prescription by {doctor} (entered in error)")
                } else {
                    format!("Prescription by {doctor}")
                },
                detail: items.unwrap_or_default(),
            });
        }
    }
    Ok(out)
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RecordAllergyInput {
    pub patient_id: String,
    pub allergy: AllergyInput,
}

pub(crate) fn record_allergy(ctx: &Ctx<'_>, input: RecordAllergyInput) -> AppResult<Allergy> {
    let by = actor_id(ctx);
    ctx.write(|w| {
        let patient = load_patient(w.conn(), &input.patient_id, today(ctx))?;
        if patient.merged_into.is_some() {
            return Err(
                AppError::conflict("this record was merged; use the surviving record")
                    .with_field("patient_id"),
            );
        }
        let id = insert_allergy(w, &patient.id, &input.allergy, "allergy.", by.as_deref())?;
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("patient_allergies", &id)),
            format!("allergy for {}", patient.mrn),
        );
        w.audit(entry)?;
        load_allergies(w.conn(), &patient.id)?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or_else(|| AppError::internal("the allergy vanished"))
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SetAllergyStatusInput {
    pub allergy_id: String,
    pub status: AllergyStatus,
    /// Why (kept in the audit log); required.
    pub reason: String,
}

pub(crate) fn set_allergy_status(
    ctx: &Ctx<'_>,
    input: SetAllergyStatusInput,
) -> AppResult<Allergy> {
    let reason = required(&input.reason, "reason", 500)?;
    ctx.write(|w| {
        let (patient_id, current): (String, String) = w
            .conn()
            .query_row(
                "SELECT patient_id, status FROM patient_allergies WHERE id = ?1",
                [&input.allergy_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| AppError::not_found("no such allergy").with_field("allergy_id"))?;
        if current == input.status.as_str() {
            return Err(AppError::field(
                "status",
                format!("the allergy is already {}", current.replace('_', " ")),
            ));
        }
        if current == "entered_in_error" {
            return Err(AppError::conflict(
                "an allergy entered in error stays that way; record a new one instead",
            )
            .with_field("status"));
        }
        w.conn().execute(
            "UPDATE patient_allergies SET status = ?2, updated_at = ?3 WHERE id = ?1",
            params![input.allergy_id, input.status.as_str(), w.now_text()],
        )?;
        w.record_change("patient_allergies", &input.allergy_id, ChangeOp::Update)?;
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("patient_allergies", &input.allergy_id)),
            format!("{current} → {}: {reason}", input.status.as_str()),
        );
        w.audit(entry)?;
        load_allergies(w.conn(), &patient_id)?
            .into_iter()
            .find(|a| a.id == input.allergy_id)
            .ok_or_else(|| AppError::internal("the allergy vanished"))
    })
}
