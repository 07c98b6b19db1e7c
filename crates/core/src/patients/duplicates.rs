//! Duplicate detection at registration: the same or a similar name with the same date of
//! birth, the same phone number, or the same national id.

use super::keys::{name_words, phone_digits};
use super::record::{Clean, PatientInput};
use super::search::PatientHit;
use crate::error::AppResult;
use crate::registry::Ctx;
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct DuplicateCandidate {
    pub patient: PatientHit,
    /// Why it was proposed, e.g. "same date of birth and a similar name".
    pub reasons: Vec<String>,
}

/// The registration form as far as duplicates go.
#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct DuplicateQuery {
    pub patient: PatientInput,
    /// When editing: the patient being edited is not its own duplicate.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub exclude_patient_id: Option<String>,
}

pub(crate) fn find_patient_duplicates(
    ctx: &Ctx<'_>,
    input: DuplicateQuery,
) -> AppResult<Vec<DuplicateCandidate>> {
    let today = ctx.now.date_naive();
    ctx.read(|c| {
        let clean = super::record::validate(c, &input.patient, today)?;
        candidates(c, &clean, input.exclude_patient_id.as_deref(), today)
    })
}

/// Possible duplicates of a stored patient (sync: a patient registered on another
/// workstation), as (patient id, reasons).
pub(crate) fn candidates_of_patient(
    c: &Connection,
    id: &str,
    today: NaiveDate,
) -> AppResult<Vec<(String, Vec<String>)>> {
    let row = c
        .prepare_cached(
            "SELECT given_name, family_name, date_of_birth, phone, phone_alt, national_id
             FROM patients WHERE id = ?1 AND merged_into IS NULL",
        )?
        .query_row([id], |r| {
            Ok(Clean {
                given_name: r.get(0)?,
                family_name: r.get(1)?,
                other_names: String::new(),
                sex: super::record::Sex::Unknown,
                date_of_birth: r.get(2)?,
                dob_estimated: false,
                phone: r.get(3)?,
                phone_alt: r.get(4)?,
                email: String::new(),
                address: String::new(),
                national_id: r.get(5)?,
                emergency_contact_name: String::new(),
                emergency_contact_phone: String::new(),
                emergency_contact_relation: String::new(),
                insurance_payer: String::new(),
                insurance_member_number: String::new(),
                notes: String::new(),
                alerts: String::new(),
                photo_data_url: String::new(),
            })
        })
        .optional()?;
    let Some(clean) = row else {
        return Ok(Vec::new());
    };
    Ok(candidates(c, &clean, Some(id), today)?
        .into_iter()
        .map(|d| (d.patient.id, d.reasons))
        .collect())
}

/// Whether two names are probably the same person's: family and given name each equal or
/// one or two letters apart (by length), in either order.
fn similar_names(a_given: &str, a_family: &str, b_given: &str, b_family: &str) -> bool {
    let close = |x: &str, y: &str| {
        let (x, y) = (name_words(x).join(" "), name_words(y).join(" "));
        if x.is_empty() || y.is_empty() {
            return false;
        }
        let allowed = if x.len().min(y.len()) >= 6 { 2 } else { 1 };
        x == y
            || strsim::osa_distance(&x, &y) <= allowed
            || x.split(' ').next() == y.split(' ').next()
    };
    (close(a_given, b_given) && close(a_family, b_family))
        || (close(a_given, b_family) && close(a_family, b_given))
}

pub(crate) fn candidates(
    c: &Connection,
    p: &Clean,
    exclude: Option<&str>,
    today: NaiveDate,
) -> AppResult<Vec<DuplicateCandidate>> {
    let mut found: Vec<(String, Vec<String>)> = Vec::new();
    let mut add = |id: String, reason: &str| {
        if exclude == Some(id.as_str()) {
            return;
        }
        match found.iter_mut().find(|(fid, _)| *fid == id) {
            Some((_, reasons)) => {
                if !reasons.iter().any(|r| r == reason) {
                    reasons.push(reason.to_string());
                }
            }
            None => found.push((id, vec![reason.to_string()])),
        }
    };
    if let Some(dob) = &p.date_of_birth {
        let mut stmt = c.prepare_cached(
            "SELECT p.id, p.given_name, p.family_name FROM patient_search_terms k
             JOIN patients p ON p.id = k.patient_id
             WHERE k.key = ?1 LIMIT 2000",
        )?;
        let rows = stmt.query_map([format!("d:{dob}")], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (id, given, family) = row?;
            if similar_names(&p.given_name, &p.family_name, &given, &family) {
                add(id, "same date of birth and a similar name");
            }
        }
    }
    for phone in [&p.phone, &p.phone_alt] {
        let digits = phone_digits(phone);
        if digits.len() < 6 {
            continue;
        }
        // The last nine digits: the same number with or without a country code.
        let tail: String = digits.chars().rev().take(9).collect();
        let mut stmt = c.prepare_cached(
            "SELECT patient_id FROM patient_search_terms
             WHERE key >= ?1 AND key < ?1 || x'F4' LIMIT 50",
        )?;
        let ids: Vec<String> = stmt
            .query_map([format!("r:{tail}")], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for id in ids {
            add(id, "same phone number");
        }
    }
    if !p.national_id.is_empty() {
        let mut stmt = c.prepare_cached(
            "SELECT id FROM patients WHERE national_id = ?1 AND merged_into IS NULL LIMIT 10",
        )?;
        let ids: Vec<String> = stmt
            .query_map([&p.national_id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for id in ids {
            add(id, "same national id");
        }
    }
    // Strongest evidence first: more reasons, then the national id.
    found.sort_by_key(|(_, reasons)| std::cmp::Reverse(reasons.len()));
    found.truncate(20);
    let ids: Vec<String> = found.iter().map(|(id, _)| id.clone()).collect();
    let hits = super::search::load_hits(c, &ids, today)?;
    Ok(hits
        .into_iter()
        .zip(found)
        .map(|(patient, (_, reasons))| DuplicateCandidate { patient, reasons })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::similar_names;

    #[test]
    fn similar_names_tolerate_typos_order_and_accents() {
        assert!(similar_names("María", "García", "Maria", "Garcia"));
        assert!(similar_names("Maria", "Garcia", "Garcia", "Maria"));
        assert!(similar_names("Jon", "Smith", "John", "Smith"));
        assert!(similar_names("Anna Lisa", "Berg", "Anna", "Berg"));
        assert!(!similar_names("Maria", "Garcia", "Mario", "Rossi"));
        assert!(!similar_names("Ana", "Li", "Bo", "Wu"));
    }
}
