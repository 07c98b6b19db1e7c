//! The ICD-10-CM code list (CMS, April 2026 release, public domain) shipped inside the app,
//! and its search by code or by words. The list is embedded gzipped (scripts/icd10.py builds
//! it from a pinned package) and indexed in memory once, at the first use: codes sorted for
//! prefix lookups, and a sorted vocabulary of description words with postings, so that
//! "diab typ 2" finds "Type 2 diabetes mellitus …" by intersecting word prefixes.

use crate::access::Permission;
use crate::error::{AppError, AppResult};
use crate::registry::{command, Access, CommandSpec, Ctx};
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::sync::OnceLock;

static LIST_GZ: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/icd10cm-2026-04.tsv.gz"));

/// Which release of the list the app ships (shown beside the search).
pub const RELEASE: &str = "ICD-10-CM April 2026 (CMS)";

pub(crate) fn commands() -> Vec<CommandSpec> {
    vec![command(
        "search_icd10",
        "Search the ICD-10-CM code list by code (\"E11.9\", \"e119\", \"J45\") or by words of the description (\"diab typ 2\")",
        Access::Permission(Permission::ClinicalRead),
        search_command,
    )]
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct IcdCode {
    /// The code with its dot, e.g. "E11.9".
    pub code: String,
    pub description: String,
    /// A leaf code that can be recorded; categories (e.g. "E11") only group codes.
    pub billable: bool,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SearchIcd10Input {
    pub query: String,
    /// At most this many codes (default 25, at most 100).
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Icd10SearchResult {
    pub codes: Vec<IcdCode>,
    /// How many codes matched in all (the list shows the best `limit` of them).
    pub total: u32,
    pub release: String,
}

fn search_command(_ctx: &Ctx<'_>, input: SearchIcd10Input) -> AppResult<Icd10SearchResult> {
    let limit = match input.limit {
        None => 25,
        Some(n @ 1..=100) => n as usize,
        Some(_) => return Err(AppError::field("limit", "must be between 1 and 100")),
    };
    if input.query.chars().count() > 200 {
        return Err(AppError::field("query", "must be at most 200 characters"));
    }
    let (codes, total) = search(&input.query, limit);
    Ok(Icd10SearchResult {
        codes,
        total: u32::try_from(total).unwrap_or(u32::MAX),
        release: RELEASE.to_owned(),
    })
}

/// One code: where its code and description sit in the decompressed list.
struct Entry {
    code: u32,
    code_len: u8,
    billable: bool,
    description_len: u16,
    description: u32,
}

/// The list and its index, flat (one allocation per array) to keep the resident size small:
/// the text itself, the codes sorted, each code's word ids, and the sorted vocabulary of
/// description words with, per word, the codes using it (ascending).
struct Catalog {
    text: String,
    entries: Vec<Entry>,
    entry_words_start: Vec<u32>,
    entry_words: Vec<u32>,
    vocab_text: String,
    vocab: Vec<(u32, u8)>,
    postings_start: Vec<u32>,
    postings: Vec<u32>,
}

impl Catalog {
    fn code(&self, e: &Entry) -> &str {
        &self.text[e.code as usize..e.code as usize + e.code_len as usize]
    }
    fn description(&self, e: &Entry) -> &str {
        &self.text[e.description as usize..e.description as usize + e.description_len as usize]
    }
    fn word(&self, id: usize) -> &str {
        let (start, len) = self.vocab[id];
        &self.vocab_text[start as usize..start as usize + len as usize]
    }
    fn words_of_entry(&self, idx: usize) -> &[u32] {
        &self.entry_words
            [self.entry_words_start[idx] as usize..self.entry_words_start[idx + 1] as usize]
    }
    fn postings_of(&self, word: usize) -> &[u32] {
        &self.postings[self.postings_start[word] as usize..self.postings_start[word + 1] as usize]
    }
    /// The vocabulary ids of words starting with `prefix`.
    fn word_range(&self, prefix: &str) -> (usize, usize) {
        let lo = self.vocab.partition_point(|&(s, l)| {
            &self.vocab_text[s as usize..s as usize + l as usize] < prefix
        });
        let hi = lo
            + self.vocab[lo..].partition_point(|&(s, l)| {
                self.vocab_text[s as usize..s as usize + l as usize].starts_with(prefix)
            });
        (lo, hi)
    }
}

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(load)
}

/// Builds the index now (benchmarks; the first search otherwise builds it).
pub fn preload() {
    let _ = catalog();
}

/// Lower-case ASCII words (accents and scripts transliterated).
fn normalized_words(text: &str) -> Vec<String> {
    deunicode::deunicode(text)
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// "e119" / "E11.9" / " e11.9 " → "E11.9": every code longer than its category has its dot
/// after the third character, so dotted codes sort and prefix-match like the bare ones.
fn dotted(code: &str) -> String {
    let bare: String = code
        .trim()
        .chars()
        .filter(|c| *c != '.')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if bare.len() > 3 && bare.is_char_boundary(3) {
        format!("{}.{}", &bare[..3], &bare[3..])
    } else {
        bare
    }
}

fn load() -> Catalog {
    let mut text = String::with_capacity(9 << 20);
    // The list is a build-time constant checked by the tests: a broken one is a build defect.
    #[allow(clippy::expect_used)]
    flate2::read::GzDecoder::new(LIST_GZ)
        .read_to_string(&mut text)
        .expect("the embedded ICD-10-CM list is valid gzip");
    let mut entries: Vec<Entry> = Vec::with_capacity(100_000);
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let line = line.trim_end_matches('\n');
        let mut parts = line.splitn(3, '\t');
        let (Some(code), Some(flag), Some(description)) =
            (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        entries.push(Entry {
            code: start as u32,
            code_len: code.len() as u8,
            billable: flag == "1",
            description: (start + code.len() + flag.len() + 2) as u32,
            description_len: description.len().min(u16::MAX as usize) as u16,
        });
    }
    entries.sort_unstable_by(|a, b| {
        text[a.code as usize..a.code as usize + a.code_len as usize]
            .cmp(&text[b.code as usize..b.code as usize + b.code_len as usize])
    });

    // Intern the description words, then number them in sorted order.
    let mut ids: std::collections::HashMap<String, u32> =
        std::collections::HashMap::with_capacity(32_000);
    let mut entry_words_start = Vec::with_capacity(entries.len() + 1);
    let mut entry_words: Vec<u32> = Vec::with_capacity(entries.len() * 9);
    for e in &entries {
        entry_words_start.push(entry_words.len() as u32);
        let description =
            &text[e.description as usize..e.description as usize + e.description_len as usize];
        let first = entry_words.len();
        for w in normalized_words(description) {
            let next = ids.len() as u32;
            let id = *ids.entry(w).or_insert(next);
            if !entry_words[first..].contains(&id) {
                entry_words.push(id);
            }
        }
    }
    entry_words_start.push(entry_words.len() as u32);
    let mut sorted: Vec<(String, u32)> = ids.into_iter().collect();
    sorted.sort_unstable();
    let mut renumber = vec![0u32; sorted.len()];
    let mut vocab_text = String::with_capacity(sorted.iter().map(|(w, _)| w.len()).sum());
    let mut vocab = Vec::with_capacity(sorted.len());
    for (new, (word, old)) in sorted.iter().enumerate() {
        renumber[*old as usize] = new as u32;
        vocab.push((vocab_text.len() as u32, word.len().min(255) as u8));
        vocab_text.push_str(&word[..word.len().min(255)]);
    }
    for id in &mut entry_words {
        *id = renumber[*id as usize];
    }
    // Postings in compressed-row form; entries are visited in code order, so ascending.
    let mut counts = vec![0u32; vocab.len() + 1];
    for &id in &entry_words {
        counts[id as usize + 1] += 1;
    }
    for i in 1..counts.len() {
        counts[i] += counts[i - 1];
    }
    let postings_start = counts.clone();
    let mut fill = counts;
    let mut postings = vec![0u32; entry_words.len()];
    for (idx, pair) in entry_words_start.windows(2).enumerate() {
        for &id in &entry_words[pair[0] as usize..pair[1] as usize] {
            postings[fill[id as usize] as usize] = idx as u32;
            fill[id as usize] += 1;
        }
    }
    text.shrink_to_fit();
    Catalog {
        text,
        entries,
        entry_words_start,
        entry_words,
        vocab_text,
        vocab,
        postings_start,
        postings,
    }
}

fn to_code(cat: &Catalog, e: &Entry) -> IcdCode {
    IcdCode {
        code: cat.code(e).to_owned(),
        description: cat.description(e).to_owned(),
        billable: e.billable,
    }
}

/// The code as written ("e119", "E11.9", " E11.9 "), or None when the list has no such code.
pub fn find(code: &str) -> Option<IcdCode> {
    let key = dotted(code);
    let cat = catalog();
    cat.entries
        .binary_search_by(|e| cat.code(e).cmp(key.as_str()))
        .ok()
        .map(|i| to_code(cat, &cat.entries[i]))
}

/// A query shaped like a code: a letter, a digit, then code characters, a dot allowed.
fn looks_like_code(q: &str) -> bool {
    let mut chars = q.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && matches!(chars.next(), Some(c) if c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '.')
}

/// The best `limit` codes for the query and how many matched in all. A code-shaped query
/// lists that code and the codes under it, in code order; words match description words by
/// prefix, all of them, ranked by whole-word matches, then recordable codes, then the
/// shortest (most general) description.
pub fn search(query: &str, limit: usize) -> (Vec<IcdCode>, usize) {
    let cat = catalog();
    let q = query.trim();
    if q.is_empty() || limit == 0 {
        return (Vec::new(), 0);
    }
    if looks_like_code(q) {
        let key = dotted(q);
        let start = cat.entries.partition_point(|e| cat.code(e) < key.as_str());
        let end =
            start + cat.entries[start..].partition_point(|e| cat.code(e).starts_with(key.as_str()));
        if end > start {
            let hits = cat.entries[start..end.min(start + limit)]
                .iter()
                .map(|e| to_code(cat, e))
                .collect();
            return (hits, end - start);
        }
    }
    let terms = normalized_words(q);
    if terms.is_empty() {
        return (Vec::new(), 0);
    }
    let ranges: Vec<(usize, usize)> = terms.iter().map(|t| cat.word_range(t)).collect();
    // Start from the term with the fewest postings; check the others on each candidate.
    let Some((seed, _)) = ranges
        .iter()
        .enumerate()
        .min_by_key(|(_, (lo, hi))| cat.postings_start[*hi] - cat.postings_start[*lo])
    else {
        return (Vec::new(), 0);
    };
    let (lo, hi) = ranges[seed];
    let mut candidates: Vec<u32> = (lo..hi)
        .flat_map(|w| cat.postings_of(w).iter().copied())
        .collect();
    candidates.sort_unstable();
    candidates.dedup();

    // Rank: more whole-word matches, recordable codes, shorter descriptions, code order.
    type Rank = (std::cmp::Reverse<usize>, bool, u16, u32);
    let mut scored: Vec<Rank> = Vec::new();
    'next: for idx in candidates {
        let words = cat.words_of_entry(idx as usize);
        let mut whole = 0;
        for (t, &(lo, hi)) in terms.iter().zip(&ranges) {
            let mut found = false;
            for &w in words {
                let w = w as usize;
                if (lo..hi).contains(&w) {
                    found = true;
                    if cat.word(w) == t.as_str() {
                        whole += 1;
                        break;
                    }
                }
            }
            if !found {
                continue 'next;
            }
        }
        let e = &cat.entries[idx as usize];
        scored.push((
            std::cmp::Reverse(whole),
            !e.billable,
            e.description_len,
            idx,
        ));
    }
    let total = scored.len();
    if scored.len() > limit {
        scored.select_nth_unstable(limit - 1);
        scored.truncate(limit);
    }
    scored.sort_unstable();
    let hits = scored
        .into_iter()
        .map(|(_, _, _, idx)| to_code(cat, &cat.entries[idx as usize]))
        .collect();
    (hits, total)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_shipped_list_is_the_whole_current_release() {
        let cat = catalog();
        // CMS's April 2026 release: 74,7xx billable codes, ~98k with the categories.
        let billable = cat.entries.iter().filter(|e| e.billable).count();
        assert_eq!(cat.entries.len(), 98_147);
        assert!(
            (74_000..76_000).contains(&billable),
            "{billable} billable codes"
        );
        assert_eq!(find("U07.1").unwrap().description, "COVID-19");
        assert_eq!(
            find("s72001a").unwrap().description,
            "Fracture of unspecified part of neck of right femur, initial encounter for closed fracture"
        );
        assert!(!find("E11").unwrap().billable);
        assert!(find("E11.9").unwrap().billable);
        assert_eq!(find("Z99.99"), None);
    }
}
