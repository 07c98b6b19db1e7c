//! Warnings before signing, worked out offline from the patient's record: a recorded
//! allergy naming the medication, one of its brands or its class; the same medication or a
//! therapeutic duplicate (the same ATC level-4 group, e.g. two ACE inhibitors) on this
//! prescription or among the patient's current medications.

use super::{PrescriptionItem, WarningKind};
use crate::error::AppResult;
use rusqlite::Connection;

/// What an allergy may call a class that the catalog names differently.
const CLASS_ALIASES: &[(&str, &str)] = &[
    ("sulfa", "sulfonamides"),
    ("sulpha", "sulfonamides"),
    ("sulphonamide", "sulfonamides"),
    ("opiate", "opioids"),
    ("non steroidal anti inflammatory", "nsaids"),
    ("asa", "salicylates"),
    // Aspirin-sensitive patients often react to other NSAIDs as well.
    ("aspirin", "nsaids"),
    ("penicillin", "penicillins"),
    ("beta lactam", "beta-lactams"),
    ("quinolone", "fluoroquinolones"),
    ("statin", "statins"),
];

fn normalize(text: &str) -> String {
    deunicode::deunicode(text)
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Classes whose allergies often extend to another class (warned as a possible
/// cross-reaction, overridable like any allergy warning).
const CROSS_REACTIVE: &[(&str, &str)] = &[
    ("penicillins", "cephalosporins"),
    ("cephalosporins", "penicillins"),
];

/// "penicillins" and "penicillin" meet.
fn stem(word: &str) -> &str {
    word.strip_suffix('s').unwrap_or(word)
}

/// Whether an allergy to `substance` concerns a medication with these names and classes;
/// returns what matched, for the warning.
pub(crate) fn allergy_match(
    substance: &str,
    generic: &str,
    brands: &[String],
    classes: &[String],
) -> Option<String> {
    let s = normalize(substance);
    if s.len() < 3 {
        return None;
    }
    let contains = |hay: &str, needle: &str| {
        needle.len() >= 4 && format!(" {hay} ").contains(&format!(" {needle}"))
    };
    let g = normalize(generic);
    if contains(&g, stem(&s)) || contains(&s, &g) {
        return Some(generic.to_owned());
    }
    for b in brands {
        let b = normalize(b);
        if b == s || contains(&s, &b) {
            return Some(format!("brand {}", b));
        }
    }
    let named_class = CLASS_ALIASES
        .iter()
        .find(|(alias, _)| s == *alias || stem(&s) == *alias || contains(&s, alias))
        .map(|(_, class)| (*class).to_owned());
    for c in classes {
        let cn = normalize(c);
        if named_class.as_deref().map(normalize).as_deref() == Some(cn.as_str())
            || stem(&cn) == stem(&s)
            || contains(&s, stem(&cn))
        {
            return Some(format!("class {c}"));
        }
    }
    None
}

pub(crate) struct Warning {
    pub item_id: String,
    pub kind: WarningKind,
    pub message: String,
}

struct ActiveAllergy {
    substance: String,
    reaction: String,
    severity: String,
}

/// Another medication the patient is taking (or will, on this prescription).
pub(crate) struct OtherMedication {
    pub name: String,
    pub generic_name: String,
    pub atc_code: String,
    pub group: String,
    /// "on this prescription" / "prescribed 2026-11-02 by Dr …".
    pub source: String,
}

fn duplicate_of(item: &PrescriptionItem, other: &OtherMedication) -> Option<String> {
    let same_substance = if item.atc_code.len() == 7 && other.atc_code.len() == 7 {
        item.atc_code == other.atc_code
    } else {
        normalize(&item.generic_name) == normalize(&other.generic_name)
    };
    if same_substance {
        return Some(format!(
            "{} is already prescribed ({}, {})",
            item.generic_name, other.name, other.source
        ));
    }
    if item.atc_code.len() >= 5
        && other.atc_code.len() >= 5
        && item.atc_code[..5] == other.atc_code[..5]
    {
        let group = if other.group.is_empty() {
            format!("ATC group {}", &item.atc_code[..5])
        } else {
            other.group.clone()
        };
        return Some(format!(
            "therapeutic duplicate: {} and {} are both {group} ({})",
            item.medication_name, other.name, other.source
        ));
    }
    None
}

/// The warnings for a prescription's active items, against the patient's active allergies
/// and current medications (`current` excludes this prescription's own items).
pub(crate) fn warnings(
    c: &Connection,
    patient_id: &str,
    items: &[PrescriptionItem],
    current: &[OtherMedication],
) -> AppResult<Vec<Warning>> {
    let mut stmt = c.prepare_cached(
        "SELECT substance, reaction, severity FROM patient_allergies
         WHERE patient_id = ?1 AND status = 'active' ORDER BY recorded_at",
    )?;
    let allergies: Vec<ActiveAllergy> = stmt
        .query_map([patient_id], |r| {
            Ok(ActiveAllergy {
                substance: r.get(0)?,
                reaction: r.get(1)?,
                severity: r.get(2)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut brands_of = c.prepare_cached("SELECT brand_names FROM medications WHERE id = ?1")?;
    let mut out = Vec::new();
    let active: Vec<&PrescriptionItem> = items
        .iter()
        .filter(|i| i.status == super::ItemStatus::Active)
        .collect();
    for (n, item) in active.iter().enumerate() {
        let brands: String = brands_of
            .query_row([&item.medication_id], |r| r.get(0))
            .unwrap_or_default();
        let brands: Vec<String> = brands.split(',').map(|b| b.trim().to_owned()).collect();
        for a in &allergies {
            if let Some(matched) = allergy_match(
                &a.substance,
                &item.generic_name,
                &brands,
                &item.allergy_classes,
            ) {
                let reaction = if a.reaction.trim().is_empty() {
                    String::new()
                } else {
                    format!(": {}", a.reaction.trim())
                };
                out.push(Warning {
                    item_id: item.id.clone(),
                    kind: WarningKind::Allergy,
                    message: format!(
                        "recorded allergy to {} ({}{reaction}); {} matches its {matched}",
                        a.substance, a.severity, item.medication_name
                    ),
                });
            } else if let Some((allergen, class)) =
                CROSS_REACTIVE.iter().find(|(allergen, class)| {
                    item.allergy_classes.iter().any(|c| c == class)
                        && allergy_match(&a.substance, "", &[], &[(*allergen).to_owned()]).is_some()
                })
            {
                out.push(Warning {
                    item_id: item.id.clone(),
                    kind: WarningKind::Allergy,
                    message: format!(
                        "recorded allergy to {} ({}); possible cross-reaction: {} is one of the {class}, related to the {allergen}",
                        a.substance, a.severity, item.medication_name
                    ),
                });
            }
        }
        let earlier = active[..n].iter().map(|o| OtherMedication {
            name: o.medication_name.clone(),
            generic_name: o.generic_name.clone(),
            atc_code: o.atc_code.clone(),
            group: o.allergy_classes.first().cloned().unwrap_or_default(),
            source: "on this prescription".into(),
        });
        for other in earlier.collect::<Vec<_>>().iter().chain(current) {
            if let Some(message) = duplicate_of(item, other) {
                out.push(Warning {
                    item_id: item.id.clone(),
                    kind: WarningKind::Duplicate,
                    message,
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::allergy_match;

    fn classes(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn allergies_match_the_substance_its_brands_and_its_class() {
        let pen = classes(&["penicillins", "beta-lactams"]);
        let none: Vec<String> = vec![];
        // The class, singular or plural, any case.
        assert!(allergy_match("Penicillin", "Amoxicillin", &none, &pen).is_some());
        assert!(allergy_match("PENICILLINS", "Flucloxacillin", &none, &pen).is_some());
        assert!(allergy_match(
            "beta-lactam antibiotics",
            "Cefalexin",
            &none,
            &classes(&["cephalosporins", "beta-lactams"])
        )
        .is_some());
        // The substance inside a combination, and a name inside a longer allergy text.
        assert!(allergy_match(
            "amoxicillin",
            "Amoxicillin and clavulanic acid",
            &none,
            &pen
        )
        .is_some());
        assert!(allergy_match("Amoxicillin (rash 2019)", "Amoxicillin", &none, &pen).is_some());
        // A brand, and an alias of a class.
        let asa = classes(&["salicylates", "nsaids"]);
        assert!(
            allergy_match("Aspirin", "Acetylsalicylic acid", &["Aspirin".into()], &asa).is_some()
        );
        assert!(allergy_match("NSAIDs", "Ibuprofen", &none, &classes(&["nsaids"])).is_some());
        assert!(allergy_match("Aspirin", "Ibuprofen", &none, &classes(&["nsaids"])).is_some());
        let sulfa = classes(&["sulfonamides"]);
        assert!(allergy_match(
            "Sulfa drugs",
            "Trimethoprim and sulfamethoxazole",
            &none,
            &sulfa
        )
        .is_some());
        assert!(allergy_match(
            "Opiates",
            "Codeine phosphate",
            &none,
            &classes(&["opioids"])
        )
        .is_some());
        // Unrelated allergies do not warn (no false alarms from short or partial words).
        assert!(allergy_match("Peanuts", "Amoxicillin", &none, &pen).is_none());
        assert!(allergy_match("Latex", "Ibuprofen", &none, &classes(&["nsaids"])).is_none());
        assert!(allergy_match(
            "Penicillin",
            "Azithromycin",
            &none,
            &classes(&["macrolides"])
        )
        .is_none());
        assert!(allergy_match("Sulfa", "Ibuprofen", &none, &classes(&["nsaids"])).is_none());
    }
}
