//! Normalization and search keys. Names are transliterated to ASCII and lower-cased
//! (`Müller` → `muller`, `Иван` → `ivan`, `王伟` → `wang wei`), so accents are ignored and a
//! query typed in any script meets the index on the same terms.

use std::collections::BTreeSet;

/// Lower-case ASCII words of a name, transliterated; empty words dropped.
pub fn name_words(text: &str) -> Vec<String> {
    let ascii = deunicode::deunicode(text).to_lowercase();
    ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// A name as one normalized string with a space on either side: `" maria garcia lopez "`,
/// so that `" gar"` tests for a word starting with `gar`.
pub fn normalized_name(given: &str, family: &str, other: &str) -> String {
    let words: Vec<String> = [given, family, other]
        .into_iter()
        .flat_map(name_words)
        .collect();
    format!(" {} ", words.join(" "))
}

/// The digits of a phone number, whatever its formatting.
pub fn phone_digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// The MRN as keyed: upper-case letters and digits only.
pub fn mrn_key(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Everything the index needs to know about a patient.
pub struct Indexed<'a> {
    pub given_name: &'a str,
    pub family_name: &'a str,
    pub other_names: &'a str,
    pub phones: [&'a str; 2],
    pub mrn: &'a str,
    pub date_of_birth: Option<&'a str>,
}

/// Longest prefix of a name word that the typo index covers.
pub const MAX_VARIANT_PREFIX: usize = 12;
/// Shortest typed word for which a typo is tolerated (shorter ones match too much).
pub const MIN_TYPO_LEN: usize = 4;

impl Indexed<'_> {
    /// The patient's name, normalized, with a space on either side: `" maria garcia lopez "`,
    /// so that `" gar"` tests for a word starting with `gar`.
    pub fn name_norm(&self) -> String {
        normalized_name(self.given_name, self.family_name, self.other_names)
    }

    pub fn all_words(&self) -> Vec<String> {
        let mut words = name_words(self.given_name);
        words.extend(name_words(self.family_name));
        words.extend(name_words(self.other_names));
        words
    }

    /// All search keys of the patient.
    pub fn keys(&self) -> BTreeSet<String> {
        let mut keys = BTreeSet::new();
        let given = name_words(self.given_name);
        let family = name_words(self.family_name);
        let other = name_words(self.other_names);
        for w in given.iter().chain(&family).chain(&other) {
            keys.insert(format!("w:{w}"));
        }
        // Whole names, so "maria garc" and "garcia mar" are one range scan each.
        let join = |parts: &[&Vec<String>]| {
            parts
                .iter()
                .flat_map(|p| p.iter().map(String::as_str))
                .collect::<Vec<_>>()
                .join(" ")
        };
        keys.insert(format!("n:{}", join(&[&given, &family])));
        keys.insert(format!("n:{}", join(&[&family, &given])));
        if !other.is_empty() {
            keys.insert(format!("n:{}", join(&[&given, &other, &family])));
            keys.insert(format!("n:{}", join(&[&other, &family])));
        }
        for phone in self.phones {
            let digits = phone_digits(phone);
            if digits.len() >= 6 {
                keys.insert(format!("r:{}", digits.chars().rev().collect::<String>()));
                keys.insert(format!("p:{digits}"));
            }
        }
        keys.insert(format!("m:{}", mrn_key(self.mrn)));
        if let Some(dob) = self.date_of_birth {
            keys.insert(format!("d:{dob}"));
        }
        keys
    }
}

/// The typo-index variants of a name word: each prefix of 3..=12 letters (the whole word if
/// shorter) and each of those with one letter deleted.
pub fn word_variants(word: &str) -> BTreeSet<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut out = BTreeSet::new();
    let shortest = MIN_TYPO_LEN - 1;
    if chars.len() < shortest {
        return out;
    }
    let longest = chars.len().min(MAX_VARIANT_PREFIX);
    for len in shortest..=longest {
        let prefix = &chars[..len];
        out.insert(prefix.iter().collect());
        for skip in 0..len {
            out.insert(
                prefix
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != skip)
                    .map(|(_, c)| c)
                    .collect(),
            );
        }
    }
    out
}

/// What was typed, and its one-letter deletions: looked up in the variants index.
pub fn query_variants(typed: &str) -> BTreeSet<String> {
    let chars: Vec<char> = typed.chars().take(MAX_VARIANT_PREFIX).collect();
    let mut out = BTreeSet::new();
    out.insert(chars.iter().collect());
    for skip in 0..chars.len() {
        out.insert(
            chars
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, c)| c)
                .collect(),
        );
    }
    out
}

/// Whether `word` starts with something one edit (insert, delete, substitute, swap) away
/// from `typed` — the check after the variants index proposed `word`.
pub fn within_one_typo_of_prefix(typed: &str, word: &str) -> bool {
    let t: Vec<char> = typed.chars().collect();
    let w: Vec<char> = word.chars().collect();
    [t.len().saturating_sub(1), t.len(), t.len() + 1]
        .into_iter()
        .filter(|&len| len > 0 && len <= w.len())
        .any(|len| {
            let prefix: String = w[..len].iter().collect();
            strsim::osa_distance(typed, &prefix) <= 1
        })
}

/// Luhn mod 32 check character over the Crockford-like alphabet used in MRNs.
const MRN_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";

fn code_point(c: char) -> Option<usize> {
    MRN_ALPHABET.iter().position(|&a| a as char == c)
}

/// The check character of an MRN body (letters and digits, dashes ignored): Luhn mod N,
/// which catches every single-character error and most adjacent swaps.
pub fn mrn_check_char(body: &str) -> char {
    let n = MRN_ALPHABET.len();
    let mut factor = 2;
    let mut sum = 0;
    for c in body.chars().rev().filter(char::is_ascii_alphanumeric) {
        let cp = code_point(c.to_ascii_uppercase()).unwrap_or(0);
        let addend = factor * cp;
        factor = if factor == 2 { 1 } else { 2 };
        sum += addend / n + addend % n;
    }
    let check = (n - sum % n) % n;
    MRN_ALPHABET[check] as char
}

/// `K7Q` + 123 → `K7Q-000123-X`.
pub fn format_mrn(prefix: &str, seq: i64) -> String {
    let body = format!("{prefix}-{seq:06}");
    let check = mrn_check_char(&body);
    format!("{body}-{check}")
}

/// Whether an MRN's check character is right (so a mistyped MRN is caught, not searched).
pub fn mrn_is_valid(mrn: &str) -> bool {
    let key = mrn_key(mrn);
    let Some(check) = key.chars().last() else {
        return false;
    };
    key.len() >= 3 && mrn_check_char(&key[..key.len() - 1]) == check
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_accents_and_scripts_meet_in_ascii() {
        assert_eq!(
            name_words("José-María  Müller"),
            ["jose", "maria", "muller"]
        );
        assert_eq!(name_words("Иван"), ["ivan"]);
        assert_eq!(name_words("Ørsted O'Brien"), ["orsted", "o", "brien"]);
        assert!(!name_words("王伟").is_empty());
    }

    #[test]
    fn phone_formats_reduce_to_digits() {
        assert_eq!(phone_digits("+39 (06) 1234-5678"), "390612345678");
    }

    #[test]
    fn mrn_check_character_catches_single_errors_and_swaps() {
        let mrn = format_mrn("K7Q", 123);
        assert!(mrn.starts_with("K7Q-000123-"));
        assert!(mrn_is_valid(&mrn));
        assert!(mrn_is_valid(&mrn.to_lowercase().replace('-', "")));
        // Every single-character substitution in the body is caught.
        let body: Vec<char> = mrn.chars().collect();
        for i in 0..body.len() - 2 {
            if body[i] == '-' {
                continue;
            }
            for &c in MRN_ALPHABET {
                let c = c as char;
                if c == body[i] {
                    continue;
                }
                let mut wrong = body.clone();
                wrong[i] = c;
                let wrong: String = wrong.into_iter().collect();
                assert!(!mrn_is_valid(&wrong), "{wrong} passed");
            }
        }
        // Adjacent swaps of distinct digits in the sequence are caught.
        assert!(!mrn_is_valid(&mrn.replace("000123", "000213")));
    }

    #[test]
    fn one_typo_in_a_prefix_is_recognised() {
        assert!(within_one_typo_of_prefix("garsia", "garcia"));
        assert!(within_one_typo_of_prefix("gracia", "garcia")); // swap
        assert!(within_one_typo_of_prefix("garca", "garcia")); // deletion
        assert!(within_one_typo_of_prefix("garcc", "garcia")); // partial word, substituted
        assert!(!within_one_typo_of_prefix("gomez", "garcia"));
        // The variants index proposes the word for each of these.
        let variants = word_variants("garcia");
        for typed in ["garsia", "gracia", "garca", "garcc"] {
            assert!(
                query_variants(typed).iter().any(|v| variants.contains(v)),
                "{typed}"
            );
        }
    }

    #[test]
    fn keys_cover_words_names_phones_mrn_and_birth_date() {
        let p = Indexed {
            given_name: "María José",
            family_name: "García",
            other_names: "",
            phones: ["+39 06 1234 5678", ""],
            mrn: "K7Q-000123-X",
            date_of_birth: Some("1980-02-29"),
        };
        let keys = p.keys();
        for k in [
            "w:maria",
            "w:jose",
            "w:garcia",
            "n:maria jose garcia",
            "n:garcia maria jose",
            "p:390612345678",
            "r:876543216093",
            "m:K7Q000123X",
            "d:1980-02-29",
        ] {
            assert!(keys.contains(k), "{k} missing from {keys:?}");
        }
        assert_eq!(p.name_norm(), " maria jose garcia ");
    }
}
