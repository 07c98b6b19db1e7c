//! Search as you type. Every path is a B-tree range scan on normalized keys with a LIMIT
//! (`patient_search_terms`), so the time depends on the page size, not on how many
//! "Maria Garcia"s the clinic has. A typo is looked up in the small name vocabulary
//! (`name_word_variants`) and then scanned the same way. See docs/ARCHITECTURE.md.

use super::keys::{self, name_words, phone_digits, MIN_TYPO_LEN};
use super::record::{age_on, Sex};
use crate::error::{AppError, AppResult};
use crate::registry::Ctx;
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// How a result matched, best first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    Mrn,
    Phone,
    DateOfBirth,
    Name,
    /// One letter off (a typo).
    Typo,
    /// Opened or changed recently (empty search box).
    Recent,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct PatientHit {
    pub id: String,
    pub mrn: String,
    pub given_name: String,
    pub family_name: String,
    pub other_names: String,
    pub sex: Sex,
    pub date_of_birth: Option<String>,
    pub dob_estimated: bool,
    pub age_years: Option<u32>,
    pub phone: String,
    /// An active allergy is recorded (shown as a marker in lists).
    pub has_allergies: bool,
    pub matched: MatchKind,
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SearchPatientsInput {
    /// Name words (any order, prefixes, one typo), phone digits in any format, an MRN, or a
    /// date of birth (YYYY-MM-DD or DD/MM/YYYY). Empty: recent patients.
    pub query: String,
    /// 1–100, default 20.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct SearchResult {
    pub hits: Vec<PatientHit>,
    /// The query as understood (`name`, `phone`, `mrn`, `date_of_birth`, `recent`).
    pub interpreted_as: String,
}

pub(crate) fn search_patients(
    ctx: &Ctx<'_>,
    input: SearchPatientsInput,
) -> AppResult<SearchResult> {
    let limit = input.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(AppError::field("limit", "limit is between 1 and 100"));
    }
    if input.query.chars().count() > 200 {
        return Err(AppError::field(
            "query",
            "the search is longer than 200 characters",
        ));
    }
    let today = ctx.now.date_naive();
    ctx.read(|c| search(c, &input.query, limit as usize, today))
}

/// Collects hits in rank order, without repeats, up to the page size.
struct Page {
    limit: usize,
    today: NaiveDate,
    seen: HashSet<String>,
    hits: Vec<PatientHit>,
}

impl Page {
    fn new(limit: usize, today: NaiveDate) -> Self {
        Page {
            limit,
            today,
            seen: HashSet::new(),
            hits: Vec::new(),
        }
    }
    fn full(&self) -> bool {
        self.hits.len() >= self.limit
    }
    fn push(&mut self, mut hit: PatientHit, kind: MatchKind) {
        if !self.full() && self.seen.insert(hit.id.clone()) {
            hit.matched = kind;
            self.hits.push(hit);
        }
    }
}

/// The columns of a hit, read in the same statement as the scan (no second lookup).
pub const HIT_COLUMNS: &str = "p.id, p.mrn, p.given_name, p.family_name, p.other_names,
    p.sex, p.date_of_birth, p.dob_estimated, p.phone,
    EXISTS(SELECT 1 FROM patient_allergies a WHERE a.patient_id = p.id AND a.status = 'active')";

pub fn hit_from_row(r: &rusqlite::Row<'_>, today: NaiveDate) -> rusqlite::Result<PatientHit> {
    let dob: Option<String> = r.get(6)?;
    let sex: String = r.get(5)?;
    Ok(PatientHit {
        id: r.get(0)?,
        mrn: r.get(1)?,
        given_name: r.get(2)?,
        family_name: r.get(3)?,
        other_names: r.get(4)?,
        sex: Sex::parse(&sex),
        age_years: dob.as_deref().and_then(|d| age_on(d, today)),
        date_of_birth: dob,
        dob_estimated: r.get(7)?,
        phone: r.get(8)?,
        has_allergies: r.get(9)?,
        matched: MatchKind::Name,
    })
}

/// Rows fetched per step of a scan: a page plus a few for patients matching twice.
const CHUNK: usize = 24;

/// Patients whose key starts with `prefix`, in key order (shorter, exact words first),
/// fetched a chunk at a time until `out` says the page is full or `limit` rows were seen.
fn scan_prefix(
    c: &Connection,
    prefix: &str,
    limit: usize,
    today: NaiveDate,
    out: &mut dyn FnMut(PatientHit) -> bool,
) -> AppResult<()> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {HIT_COLUMNS}, k.key FROM patient_search_terms k JOIN patients p ON p.id = k.patient_id
         WHERE k.key >= ?2 AND k.key < ?1 || x'F4' AND (k.key > ?2 OR k.patient_id > ?3)
         ORDER BY k.key, k.patient_id LIMIT ?4"
    ))?;
    scan_chunks(&mut stmt, prefix, limit, today, out)
}

/// The same, for one exact key.
fn scan_exact(
    c: &Connection,
    key: &str,
    limit: usize,
    today: NaiveDate,
    out: &mut dyn FnMut(PatientHit) -> bool,
) -> AppResult<()> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {HIT_COLUMNS}, k.key FROM patient_search_terms k JOIN patients p ON p.id = k.patient_id
         WHERE k.key = ?1 AND k.patient_id > ?3 -- ?2 (the key again) is unused here
         ORDER BY k.patient_id LIMIT ?4"
    ))?;
    scan_chunks(&mut stmt, key, limit, today, out)
}

/// Keyset pagination over (key, patient_id): no row is read twice and none skipped.
fn scan_chunks(
    stmt: &mut rusqlite::CachedStatement<'_>,
    key: &str,
    limit: usize,
    today: NaiveDate,
    out: &mut dyn FnMut(PatientHit) -> bool,
) -> AppResult<()> {
    let mut after = (key.to_string(), String::new());
    let mut seen = 0;
    while seen < limit {
        let chunk = CHUNK.min(limit - seen);
        let mut rows = stmt.query(params![key, after.0, after.1, chunk as i64])?;
        let mut got = 0;
        while let Some(r) = rows.next()? {
            got += 1;
            let hit = hit_from_row(r, today)?;
            after = (r.get(10)?, hit.id.clone());
            if !out(hit) {
                return Ok(());
            }
        }
        seen += got;
        if got < chunk {
            break;
        }
    }
    Ok(())
}

/// How many keys start with `prefix`, counting no further than `cap`.
fn count_prefix(c: &Connection, prefix: &str, cap: usize) -> AppResult<usize> {
    let mut stmt = c.prepare_cached(
        "SELECT count(*) FROM (SELECT 1 FROM patient_search_terms
                               WHERE key >= ?1 AND key < ?1 || x'F4' LIMIT ?2)",
    )?;
    Ok(stmt.query_row(params![prefix, cap as i64], |r| r.get::<_, i64>(0))? as usize)
}

fn name_norm(hit: &PatientHit) -> String {
    keys::normalized_name(&hit.given_name, &hit.family_name, &hit.other_names)
}

/// Most candidates checked when words must be intersected.
const INTERSECT_CAP: usize = 400;
/// … when the whole-name scan already found a few (the page only needs topping up).
const TOP_UP_CAP: usize = 100;

/// Parses `YYYY-MM-DD`, `DD/MM/YYYY` or `DD.MM.YYYY`.
fn parse_date(q: &str) -> Option<NaiveDate> {
    ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(q, f).ok())
}

pub fn search(
    c: &Connection,
    query: &str,
    limit: usize,
    today: NaiveDate,
) -> AppResult<SearchResult> {
    let q = query.trim();
    let mut page = Page::new(limit, today);
    let interpreted_as;
    if q.is_empty() {
        interpreted_as = "recent";
        recent(c, &mut page)?;
    } else if let Some(date) = parse_date(q) {
        interpreted_as = "date_of_birth";
        let key = format!("d:{}", date.format("%Y-%m-%d"));
        scan_exact(c, &key, limit, today, &mut |hit| {
            page.push(hit, MatchKind::DateOfBirth);
            !page.full()
        })?;
    } else if q
        .chars()
        .all(|ch| ch.is_ascii_digit() || " +-().".contains(ch))
        && phone_digits(q).len() >= 3
    {
        interpreted_as = "phone";
        let digits = phone_digits(q);
        // The start of the number as stored, then its end (typed without the country code).
        scan_prefix(c, &format!("p:{digits}"), limit, today, &mut |hit| {
            page.push(hit, MatchKind::Phone);
            !page.full()
        })?;
        if !page.full() && digits.len() >= 4 {
            // Its last ten digits at most, so an international prefix typed or left out
            // (0039…, +39…, 06…) still meets the stored number.
            let rev: String = digits.chars().rev().take(10).collect();
            scan_prefix(c, &format!("r:{rev}"), limit, today, &mut |hit| {
                page.push(hit, MatchKind::Phone);
                !page.full()
            })?;
        }
        // A bare number (no spaces: MRNs have none) may also be the sequence part of an MRN.
        if !page.full() && !q.contains(' ') {
            mrn_search(c, q, &mut page)?;
        }
    } else {
        let looks_like_mrn = !q.contains(' ')
            && q.chars().any(|ch| ch.is_ascii_digit())
            && q.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-');
        if looks_like_mrn {
            mrn_search(c, q, &mut page)?;
        }
        interpreted_as = if looks_like_mrn && !page.hits.is_empty() {
            "mrn"
        } else {
            "name"
        };
        name_search(c, q, &mut page)?;
    }
    Ok(SearchResult {
        hits: page.hits,
        interpreted_as: interpreted_as.into(),
    })
}

fn mrn_search(c: &Connection, q: &str, page: &mut Page) -> AppResult<()> {
    let key = keys::mrn_key(q);
    if key.len() < 3 {
        return Ok(());
    }
    let (limit, today) = (page.limit, page.today);
    scan_prefix(c, &format!("m:{key}"), limit, today, &mut |hit| {
        page.push(hit, MatchKind::Mrn);
        !page.full()
    })
}

fn recent(c: &Connection, page: &mut Page) -> AppResult<()> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {HIT_COLUMNS} FROM recent_patients r JOIN patients p ON p.id = r.patient_id
         WHERE p.merged_into IS NULL ORDER BY r.opened_at DESC LIMIT ?1"
    ))?;
    let hits: Vec<PatientHit> = stmt
        .query_map([page.limit as i64], |r| hit_from_row(r, page.today))?
        .collect::<Result<_, _>>()?;
    for hit in hits {
        page.push(hit, MatchKind::Recent);
    }
    if !page.full() {
        let mut stmt = c.prepare_cached(&format!(
            "SELECT {HIT_COLUMNS} FROM patients p
             WHERE p.merged_into IS NULL ORDER BY p.updated_at DESC LIMIT ?1"
        ))?;
        let hits: Vec<PatientHit> = stmt
            .query_map([page.limit as i64], |r| hit_from_row(r, page.today))?
            .collect::<Result<_, _>>()?;
        for hit in hits {
            page.push(hit, MatchKind::Recent);
        }
    }
    Ok(())
}

fn name_search(c: &Connection, q: &str, page: &mut Page) -> AppResult<()> {
    let words = name_words(q);
    if words.is_empty() || page.full() {
        return Ok(());
    }
    let (limit, today) = (page.limit, page.today);
    // Over-fetch a little: one patient can own several matching keys.
    let fetch = limit * 2;
    if words.len() == 1 {
        scan_prefix(c, &format!("w:{}", words[0]), fetch, today, &mut |hit| {
            page.push(hit, MatchKind::Name);
            !page.full()
        })?;
    } else {
        // Whole-name keys answer "maria garc" and "garcia mar" in one scan.
        scan_prefix(
            c,
            &format!("n:{}", words.join(" ")),
            fetch,
            today,
            &mut |hit| {
                page.push(hit, MatchKind::Name);
                !page.full()
            },
        )?;
        if !page.full() {
            intersect(c, &words, None, page, MatchKind::Name)?;
        }
    }
    // Typos only when what was typed finds (almost) nothing as it stands.
    if page.hits.len() < limit.min(3) {
        typo_search(c, &words, page)?;
    }
    Ok(())
}

/// Words in any order and position: scan the rarest word, check the others on each name.
/// `alternatives[i]`, when given, lists full words accepted for word i besides its prefix.
fn intersect(
    c: &Connection,
    words: &[String],
    alternatives: Option<&[Vec<String>]>,
    page: &mut Page,
    kind: MatchKind,
) -> AppResult<()> {
    // Searching hard is for when little was found; topping up a page stays cheap.
    let cap = if page.hits.len() < 3 {
        INTERSECT_CAP
    } else {
        TOP_UP_CAP
    };
    let accepts = |norm: &str, i: usize| {
        norm.contains(&format!(" {}", words[i]))
            || alternatives
                .is_some_and(|alts| alts[i].iter().any(|a| norm.contains(&format!(" {a} "))))
    };
    // Each driver choice: the typed prefix, plus any alternative full words.
    let mut best: Option<(usize, usize)> = None;
    for (i, w) in words.iter().enumerate() {
        let mut n = count_prefix(c, &format!("w:{w}"), cap + 1)?;
        if let Some(alts) = alternatives {
            for a in &alts[i] {
                n += count_exact(c, &format!("w:{a}"), cap + 1)?;
            }
        }
        if best.is_none_or(|(_, bn)| n < bn) {
            best = Some((i, n));
        }
    }
    let Some((driver, _)) = best else {
        return Ok(());
    };
    let today = page.today;
    let mut candidates = Vec::new();
    scan_prefix(c, &format!("w:{}", words[driver]), cap, today, &mut |hit| {
        candidates.push(hit);
        true
    })?;
    if let Some(alts) = alternatives {
        for a in &alts[driver] {
            scan_exact(c, &format!("w:{a}"), cap, today, &mut |hit| {
                candidates.push(hit);
                candidates.len() < cap * 2
            })?;
        }
    }
    for hit in candidates {
        if page.full() {
            break;
        }
        if page.seen.contains(&hit.id) {
            continue;
        }
        let norm = name_norm(&hit);
        if (0..words.len()).all(|i| i == driver || accepts(&norm, i)) {
            page.push(hit, kind);
        }
    }
    Ok(())
}

fn count_exact(c: &Connection, key: &str, cap: usize) -> AppResult<usize> {
    let mut stmt = c.prepare_cached(
        "SELECT count(*) FROM (SELECT 1 FROM patient_search_terms WHERE key = ?1 LIMIT ?2)",
    )?;
    Ok(stmt.query_row(params![key, cap as i64], |r| r.get::<_, i64>(0))? as usize)
}

/// Name words within one typo of what was typed, most common first.
fn typo_words(c: &Connection, typed: &str) -> AppResult<Vec<String>> {
    if typed.chars().count() < MIN_TYPO_LEN {
        return Ok(Vec::new());
    }
    let mut stmt = c.prepare_cached(
        "SELECT v.word, w.patients FROM name_word_variants v JOIN name_words w ON w.word = v.word
         WHERE v.variant = ?1 AND w.patients > 0 LIMIT 200",
    )?;
    let mut found: Vec<(String, i64)> = Vec::new();
    for variant in keys::query_variants(typed) {
        let rows = stmt.query_map([&variant], |r| Ok((r.get(0)?, r.get(1)?)))?;
        for row in rows {
            let (word, n): (String, i64) = row?;
            if !word.starts_with(typed)
                && keys::within_one_typo_of_prefix(typed, &word)
                && !found.iter().any(|(w, _)| *w == word)
            {
                found.push((word, n));
            }
        }
    }
    found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    found.truncate(20);
    Ok(found.into_iter().map(|(w, _)| w).collect())
}

fn typo_search(c: &Connection, words: &[String], page: &mut Page) -> AppResult<()> {
    let alternatives: Vec<Vec<String>> = words
        .iter()
        .map(|w| typo_words(c, w))
        .collect::<AppResult<_>>()?;
    if alternatives.iter().all(Vec::is_empty) {
        return Ok(());
    }
    if words.len() == 1 {
        let (fetch, today) = (page.limit * 2, page.today);
        for word in &alternatives[0] {
            scan_exact(c, &format!("w:{word}"), fetch, today, &mut |hit| {
                page.push(hit, MatchKind::Typo);
                !page.full()
            })?;
            if page.full() {
                break;
            }
        }
        return Ok(());
    }
    intersect(c, words, Some(&alternatives), page, MatchKind::Typo)
}

/// Hits for known ids, in the order given (duplicate candidates).
pub(crate) fn load_hits(
    c: &Connection,
    ids: &[String],
    today: NaiveDate,
) -> AppResult<Vec<PatientHit>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {HIT_COLUMNS} FROM patients p WHERE p.id = ?1"
    ))?;
    let mut hits = Vec::with_capacity(ids.len());
    for id in ids {
        hits.extend(
            stmt.query_row([id], |r| hit_from_row(r, today))
                .optional()?,
        );
    }
    Ok(hits)
}
