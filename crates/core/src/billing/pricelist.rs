//! The price list: tax categories, and services and items whose prices are dated versions.
//! A price applies from its date (the clinic's calendar) until the next version starts, so
//! a price rise can be entered ahead of time and a draft prices its lines on its service
//! date. Invoice lines copy the price, so an issued invoice never changes with the list.

use super::{clinic_today, money, parse_date, settings};
use crate::audit::AuditOutcome;
use crate::clinic::{optional_text, required};
use crate::clock::new_id;
use crate::error::{AppError, AppResult};
use crate::registry::{Ctx, NoInput};
use crate::store::ChangeOp;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct TaxCategory {
    pub id: String,
    pub name: String,
    /// Percent, exact decimal ("22", "7.5").
    pub rate: String,
    pub active: bool,
}

pub(crate) fn list_tax_categories(ctx: &Ctx<'_>, _: NoInput) -> AppResult<Vec<TaxCategory>> {
    ctx.read(|c| {
        Ok(c.prepare_cached(
            "SELECT id, name, rate, active FROM tax_categories ORDER BY active DESC, name",
        )?
        .query_map([], |r| {
            Ok(TaxCategory {
                id: r.get(0)?,
                name: r.get(1)?,
                rate: r.get(2)?,
                active: r.get(3)?,
            })
        })?
        .collect::<Result<_, _>>()?)
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SaveTaxCategoryInput {
    /// Absent: a new category.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub id: Option<String>,
    pub name: String,
    pub rate: String,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

pub(crate) fn save_tax_category(
    ctx: &Ctx<'_>,
    input: SaveTaxCategoryInput,
) -> AppResult<TaxCategory> {
    let name = required(&input.name, "name", 60)?;
    let rate = crate::clinic::valid_tax_rate(&input.rate, "rate")?;
    ctx.write(|w| {
        let taken: Option<String> = w
            .conn()
            .query_row(
                "SELECT id FROM tax_categories WHERE name = ?1 COLLATE NOCASE",
                [&name],
                |r| r.get(0),
            )
            .optional()?;
        if taken.is_some() && taken != input.id {
            return Err(AppError::field(
                "name",
                format!("a tax category named {name} already exists"),
            ));
        }
        let now = w.now_text();
        let (id, op, detail) = match &input.id {
            Some(id) => {
                let before: String = w
                    .conn()
                    .query_row(
                        "SELECT name || ' ' || rate || '%' FROM tax_categories WHERE id = ?1",
                        [id],
                        |r| r.get(0),
                    )
                    .optional()?
                    .ok_or_else(|| AppError::not_found("no such tax category").with_field("id"))?;
                w.conn().execute(
                    "UPDATE tax_categories SET name = ?2, rate = ?3, active = ?4, updated_at = ?5
                     WHERE id = ?1",
                    params![id, name, rate, input.active, now],
                )?;
                if id == "tax-standard" {
                    // The settings' default tax rate is this category's rate.
                    w.conn().execute(
                        "UPDATE clinic SET default_tax_rate = ?1, updated_at = ?2",
                        params![rate, now],
                    )?;
                }
                (
                    id.clone(),
                    ChangeOp::Update,
                    format!("tax category {before} → {name} {rate}%"),
                )
            }
            None => {
                let id = new_id();
                w.conn().execute(
                    "INSERT INTO tax_categories (id, name, rate, active, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                    params![id, name, rate, input.active, now],
                )?;
                (
                    id,
                    ChangeOp::Insert,
                    format!("tax category {name} {rate}% added"),
                )
            }
        };
        w.record_change("tax_categories", &id, op)?;
        if id == "tax-standard" {
            let clinic_id: Option<String> = w
                .conn()
                .query_row("SELECT id FROM clinic LIMIT 1", [], |r| r.get(0))
                .optional()?;
            if let Some(cid) = clinic_id {
                w.record_change("clinic", &cid, ChangeOp::Update)?;
            }
        }
        w.audit(ctx.audit_entry(AuditOutcome::Ok, Some(("tax_categories", &id)), detail))?;
        Ok(TaxCategory {
            id,
            name,
            rate,
            active: input.active,
        })
    })
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum PriceItemKind {
    Consultation,
    Procedure,
    LabTest,
    Medicine,
    Supply,
    Other,
}

impl PriceItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PriceItemKind::Consultation => "consultation",
            PriceItemKind::Procedure => "procedure",
            PriceItemKind::LabTest => "lab_test",
            PriceItemKind::Medicine => "medicine",
            PriceItemKind::Supply => "supply",
            PriceItemKind::Other => "other",
        }
    }
    pub(crate) fn parse(text: &str) -> PriceItemKind {
        match text {
            "consultation" => PriceItemKind::Consultation,
            "procedure" => PriceItemKind::Procedure,
            "lab_test" => PriceItemKind::LabTest,
            "medicine" => PriceItemKind::Medicine,
            "supply" => PriceItemKind::Supply,
            _ => PriceItemKind::Other,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            PriceItemKind::Consultation => "Consultation",
            PriceItemKind::Procedure => "Procedure",
            PriceItemKind::LabTest => "Lab test",
            PriceItemKind::Medicine => "Medicine",
            PriceItemKind::Supply => "Supply",
            PriceItemKind::Other => "Other",
        }
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct PriceVersion {
    pub price: String,
    /// YYYY-MM-DD, clinic calendar.
    pub valid_from: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct PriceItem {
    pub id: String,
    pub code: String,
    pub name: String,
    pub kind: PriceItemKind,
    pub tax_category_id: String,
    pub tax_category_name: String,
    pub tax_rate: String,
    pub visit_type_id: Option<String>,
    pub visit_type_name: Option<String>,
    pub doctor_id: Option<String>,
    pub doctor_name: Option<String>,
    pub medication_id: Option<String>,
    pub unit: String,
    pub active: bool,
    /// The price on the date asked for (None: not priced yet on that date).
    pub price: Option<String>,
    /// Every version, oldest first.
    pub versions: Vec<PriceVersion>,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListPriceItemsInput {
    /// Words of the code or name.
    #[serde(default)]
    pub query: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub kind: Option<PriceItemKind>,
    #[serde(default)]
    pub include_inactive: bool,
    /// The date prices are shown for (YYYY-MM-DD); absent: today.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub on_date: Option<String>,
}

const ITEM_SELECT: &str = "SELECT p.id, p.code, p.name, p.kind, p.tax_category_id, t.name, t.rate,
        p.visit_type_id, v.name, p.doctor_id, u.full_name, p.medication_id, p.unit, p.active
    FROM price_items p JOIN tax_categories t ON t.id = p.tax_category_id
        LEFT JOIN visit_types v ON v.id = p.visit_type_id
        LEFT JOIN users u ON u.id = p.doctor_id";

fn item_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PriceItem> {
    Ok(PriceItem {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        kind: PriceItemKind::parse(&r.get::<_, String>(3)?),
        tax_category_id: r.get(4)?,
        tax_category_name: r.get(5)?,
        tax_rate: r.get(6)?,
        visit_type_id: r.get(7)?,
        visit_type_name: r.get(8)?,
        doctor_id: r.get(9)?,
        doctor_name: r.get(10)?,
        medication_id: r.get(11)?,
        unit: r.get(12)?,
        active: r.get(13)?,
        price: None,
        versions: Vec::new(),
    })
}

fn versions_of(c: &Connection, id: &str) -> AppResult<Vec<PriceVersion>> {
    Ok(c.prepare_cached(
        "SELECT price, valid_from FROM price_versions WHERE price_item_id = ?1 ORDER BY valid_from",
    )?
    .query_map([id], |r| {
        Ok(PriceVersion {
            price: r.get(0)?,
            valid_from: r.get(1)?,
        })
    })?
    .collect::<Result<_, _>>()?)
}

/// The price of an item on a clinic date.
pub(crate) fn price_on(c: &Connection, item_id: &str, date: &str) -> AppResult<Option<String>> {
    Ok(c.prepare_cached(
        "SELECT price FROM price_versions WHERE price_item_id = ?1 AND valid_from <= ?2
             ORDER BY valid_from DESC LIMIT 1",
    )?
    .query_row(params![item_id, date], |r| r.get(0))
    .optional()?)
}

pub(crate) fn load_item(c: &Connection, id: &str, date: &str) -> AppResult<PriceItem> {
    let mut item = c
        .prepare_cached(&format!("{ITEM_SELECT} WHERE p.id = ?1"))?
        .query_row([id], item_from_row)
        .optional()?
        .ok_or_else(|| {
            AppError::not_found("no such price list entry").with_field("price_item_id")
        })?;
    item.versions = versions_of(c, id)?;
    item.price = price_on(c, id, date)?;
    Ok(item)
}

#[derive(Debug, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct PriceList {
    pub items: Vec<PriceItem>,
    /// The date the prices are for.
    pub on_date: String,
}

pub(crate) fn list_price_items(ctx: &Ctx<'_>, input: ListPriceItemsInput) -> AppResult<PriceList> {
    ctx.read(|c| {
        let date = match &input.on_date {
            Some(d) => parse_date(d, "on_date")?,
            None => clinic_today(c, ctx.now)?,
        }
        .to_string();
        let words: Vec<String> = input
            .query
            .split_whitespace()
            .map(|w| format!("%{}%", w.replace(['%', '_'], "")))
            .collect();
        let mut sql = format!("{ITEM_SELECT} WHERE (?1 = '' OR p.kind = ?1)");
        if !input.include_inactive {
            sql.push_str(" AND p.active = 1");
        }
        for i in 0..words.len() {
            sql.push_str(&format!(
                " AND (p.name LIKE ?{n} OR p.code LIKE ?{n})",
                n = i + 2
            ));
        }
        sql.push_str(" ORDER BY p.kind, p.name COLLATE NOCASE LIMIT 500");
        let mut args: Vec<String> = vec![input
            .kind
            .map(|k| k.as_str().to_owned())
            .unwrap_or_default()];
        args.extend(words);
        let mut stmt = c.prepare(&sql)?;
        let bound: Vec<&dyn rusqlite::ToSql> =
            args.iter().map(|a| a as &dyn rusqlite::ToSql).collect();
        let mut items: Vec<PriceItem> = stmt
            .query_map(bound.as_slice(), item_from_row)?
            .collect::<Result<_, _>>()?;
        for item in &mut items {
            item.versions = versions_of(c, &item.id)?;
            item.price = price_on(c, &item.id, &date)?;
        }
        Ok(PriceList {
            items,
            on_date: date,
        })
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SavePriceItemInput {
    /// Absent: a new entry (then `price` is required).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub id: Option<String>,
    pub code: String,
    pub name: String,
    pub kind: PriceItemKind,
    pub tax_category_id: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub visit_type_id: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub doctor_id: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub medication_id: Option<String>,
    #[serde(default)]
    pub unit: String,
    #[serde(default = "yes")]
    pub active: bool,
    /// A new price; absent: prices stay as they are.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub price: Option<String>,
    /// The day the new price starts (YYYY-MM-DD); absent: today. Not in the past.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub price_valid_from: Option<String>,
}

pub(crate) fn save_price_item(ctx: &Ctx<'_>, input: SavePriceItemInput) -> AppResult<PriceItem> {
    let code = required(&input.code, "code", 30)?;
    let name = required(&input.name, "name", 200)?;
    let unit = optional_text(&input.unit, "unit", 30)?;
    let me = ctx.user().ok().map(|u| u.id.clone());
    ctx.write(|w| {
        let c = w.conn();
        let s = settings(c)?;
        let today = clinic_today(c, ctx.now)?;
        let taken: Option<String> = c
            .query_row(
                "SELECT id FROM price_items WHERE code = ?1 COLLATE NOCASE",
                [&code],
                |r| r.get(0),
            )
            .optional()?;
        if taken.is_some() && taken != input.id {
            return Err(AppError::field(
                "code",
                format!("the code {code} is already used by another entry"),
            ));
        }
        let tax_active: Option<bool> = c
            .query_row(
                "SELECT active FROM tax_categories WHERE id = ?1",
                [&input.tax_category_id],
                |r| r.get(0),
            )
            .optional()?;
        match tax_active {
            None => return Err(AppError::field("tax_category_id", "no such tax category")),
            Some(false) => {
                return Err(AppError::field(
                    "tax_category_id",
                    "that tax category is retired",
                ))
            }
            Some(true) => {}
        }
        if let Some(v) = &input.visit_type_id {
            let ok: Option<i64> = c
                .query_row("SELECT 1 FROM visit_types WHERE id = ?1", [v], |r| r.get(0))
                .optional()?;
            if ok.is_none() {
                return Err(AppError::field("visit_type_id", "no such visit type"));
            }
        }
        if let Some(d) = &input.doctor_id {
            let role: Option<String> = c
                .query_row("SELECT role FROM users WHERE id = ?1", [d], |r| r.get(0))
                .optional()?;
            if role.as_deref() != Some("doctor") {
                return Err(AppError::field("doctor_id", "that is not a doctor"));
            }
        }
        if let Some(m) = &input.medication_id {
            let ok: Option<i64> = c
                .query_row("SELECT 1 FROM medications WHERE id = ?1", [m], |r| r.get(0))
                .optional()?;
            if ok.is_none() {
                return Err(AppError::field("medication_id", "no such medication"));
            }
        }
        if (input.visit_type_id.is_some() || input.doctor_id.is_some())
            && input.kind != PriceItemKind::Consultation
        {
            return Err(AppError::field(
                "kind",
                "only a consultation is priced by visit type or doctor",
            ));
        }
        let price = input
            .price
            .as_deref()
            .map(|p| money::parse_amount(p, "price", s.rules.exponent, true))
            .transpose()?;
        let valid_from = match &input.price_valid_from {
            Some(d) => {
                let d = parse_date(d, "price_valid_from")?;
                if d < today {
                    return Err(AppError::field(
                        "price_valid_from",
                        "a new price starts today or later: invoices already made keep their prices",
                    ));
                }
                d
            }
            None => today,
        }
        .to_string();
        let now = w.now_text();
        let (id, op) = match &input.id {
            Some(id) => {
                let n = w.conn().execute(
                    "UPDATE price_items SET code = ?2, name = ?3, kind = ?4, tax_category_id = ?5,
                         visit_type_id = ?6, doctor_id = ?7, medication_id = ?8, unit = ?9,
                         active = ?10, updated_at = ?11 WHERE id = ?1",
                    params![
                        id,
                        code,
                        name,
                        input.kind.as_str(),
                        input.tax_category_id,
                        input.visit_type_id,
                        input.doctor_id,
                        input.medication_id,
                        unit,
                        input.active,
                        now
                    ],
                )?;
                if n == 0 {
                    return Err(AppError::not_found("no such price list entry").with_field("id"));
                }
                (id.clone(), ChangeOp::Update)
            }
            None => {
                if price.is_none() {
                    return Err(AppError::field("price", "a new entry needs a price"));
                }
                let id = new_id();
                w.conn().execute(
                    "INSERT INTO price_items (id, code, name, kind, tax_category_id, visit_type_id,
                         doctor_id, medication_id, unit, active, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
                    params![
                        id,
                        code,
                        name,
                        input.kind.as_str(),
                        input.tax_category_id,
                        input.visit_type_id,
                        input.doctor_id,
                        input.medication_id,
                        unit,
                        input.active,
                        now
                    ],
                )?;
                (id, ChangeOp::Insert)
            }
        };
        w.record_change("price_items", &id, op)?;
        let mut detail = format!("price list {code} {name}");
        if let Some(p) = price {
            let p = s.rules.round(p).to_string();
            // A version not yet started (or starting today) may be corrected; older ones stay.
            let existing: Option<String> = w
                .conn()
                .query_row(
                    "SELECT id FROM price_versions WHERE price_item_id = ?1 AND valid_from = ?2",
                    params![id, valid_from],
                    |r| r.get(0),
                )
                .optional()?;
            match existing {
                Some(vid) => {
                    w.conn().execute(
                        "UPDATE price_versions SET price = ?2, updated_at = ?3 WHERE id = ?1",
                        params![vid, p, now],
                    )?;
                    w.record_change("price_versions", &vid, ChangeOp::Update)?;
                }
                None => {
                    let vid = new_id();
                    w.conn().execute(
                        "INSERT INTO price_versions (id, price_item_id, price, valid_from, created_by,
                             created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                        params![vid, id, p, valid_from, me, now],
                    )?;
                    w.record_change("price_versions", &vid, ChangeOp::Insert)?;
                }
            }
            detail.push_str(&format!(": price {p} from {valid_from}"));
        }
        w.audit(ctx.audit_entry(AuditOutcome::Ok, Some(("price_items", &id)), detail))?;
        load_item(w.conn(), &id, &today.to_string())
    })
}

/// The consultation price for a visit: the entry for this visit type and doctor, else this
/// visit type for any doctor, else a consultation for this doctor with no visit type.
pub(crate) fn consultation_item(
    c: &Connection,
    visit_type_id: &str,
    doctor_id: &str,
) -> AppResult<Option<String>> {
    Ok(c
        .prepare_cached(
            "SELECT id FROM price_items
             WHERE active = 1 AND kind = 'consultation'
               AND ((visit_type_id = ?1 AND doctor_id = ?2) OR (visit_type_id = ?1 AND doctor_id IS NULL)
                    OR (visit_type_id IS NULL AND doctor_id = ?2))
             ORDER BY (visit_type_id IS NULL), (doctor_id IS NULL), code LIMIT 1",
        )?
        .query_row(params![visit_type_id, doctor_id], |r| r.get(0))
        .optional()?)
}
