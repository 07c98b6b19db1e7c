//! The clinic itself: first-run setup, settings, and the public status a fresh window asks for.

use crate::access::{Permission, Role};
use crate::accounts::{self, NewUser, UserView};
use crate::audit::AuditOutcome;
use crate::error::{AppError, AppResult};
use crate::keys::{generate_passphrase, RecoveryEnvelope};
use crate::registry::{command, Access, CommandSpec, Ctx, NoInput};
use crate::store::{ChangeOp, Store};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub(crate) fn commands() -> Vec<CommandSpec> {
    vec![
        command(
            "app_status",
            "Show whether the clinic is set up",
            Access::Public,
            app_status,
        ),
        command(
            "setup_clinic",
            "Set up the clinic and its first administrator",
            Access::Public,
            setup_clinic,
        ),
        command(
            "get_clinic_settings",
            "Read the clinic settings",
            Access::SignedIn,
            get_clinic_settings,
        ),
        command(
            "update_clinic_settings",
            "Change the clinic settings",
            Access::Permission(Permission::SettingsManage),
            update_clinic_settings,
        ),
    ]
}

/// The idle time after which a session locks (15 minutes until set up).
pub(crate) fn idle_lock_minutes(store: &Store) -> AppResult<i64> {
    store.read(idle_lock_minutes_in)
}

pub(crate) fn idle_lock_minutes_in(c: &Connection) -> AppResult<i64> {
    Ok(
        c.prepare_cached("SELECT idle_lock_minutes FROM clinic LIMIT 1")?
            .query_row([], |r| r.get(0))
            .optional()?
            .unwrap_or(15),
    )
}

pub(crate) fn is_initialized(conn: &Connection) -> AppResult<bool> {
    Ok(conn.query_row("SELECT EXISTS(SELECT 1 FROM clinic)", [], |r| r.get(0))?)
}

/// `clinic.db` → `clinic.db.recovery`: the key wrapped by the recovery passphrase.
pub fn recovery_path(db_path: &Path) -> PathBuf {
    let mut name = db_path.as_os_str().to_owned();
    name.push(".recovery");
    PathBuf::from(name)
}

#[derive(Debug, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct AppStatus {
    pub initialized: bool,
    pub clinic_name: Option<String>,
    pub version: String,
    pub workstation_id: String,
    pub schema_version: i64,
}

fn app_status(ctx: &Ctx<'_>, _: NoInput) -> AppResult<AppStatus> {
    let clinic_name: Option<String> = ctx.read(|c| {
        Ok(
            c.query_row("SELECT name FROM clinic LIMIT 1", [], |r| r.get(0))
                .optional()?,
        )
    })?;
    Ok(AppStatus {
        initialized: clinic_name.is_some(),
        clinic_name,
        version: crate::VERSION.to_string(),
        workstation_id: ctx.ws.store().workstation_id().to_string(),
        schema_version: crate::store::latest_version(),
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SetupClinicInput {
    pub clinic_name: String,
    pub admin_username: String,
    pub admin_full_name: String,
    pub admin_password: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub time_zone: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub currency: Option<String>,
}

#[derive(Debug, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct SetupClinicOutput {
    pub clinic_id: String,
    pub admin: UserView,
    /// Shown once: it opens a backup of this clinic on a new machine. Absent for in-memory
    /// stores, which have no backups.
    pub recovery_passphrase: Option<String>,
}

fn setup_clinic(ctx: &Ctx<'_>, input: SetupClinicInput) -> AppResult<SetupClinicOutput> {
    setup(ctx, input)
}

/// First-run setup: the clinic row, its first administrator and the recovery envelope.
pub(crate) fn setup(ctx: &Ctx<'_>, input: SetupClinicInput) -> AppResult<SetupClinicOutput> {
    let name = required(&input.clinic_name, "clinic_name", 200)?;
    let time_zone = match input.time_zone.as_deref() {
        Some(tz) => valid_time_zone(tz, "time_zone")?,
        None => "UTC".to_string(),
    };
    let currency = match input.currency.as_deref() {
        Some(c) => valid_currency(c, "currency")?,
        None => "EUR".to_string(),
    };
    ctx.write(|w| {
        if is_initialized(w.conn())? {
            return Err(AppError::conflict("the clinic is already set up"));
        }
        let id = crate::clock::new_id();
        let now = w.now_text();
        w.conn().execute(
            "INSERT INTO clinic (id, name, time_zone, currency, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            params![id, name, time_zone, currency, now],
        )?;
        w.record_change("clinic", &id, ChangeOp::Insert)?;
        let admin = accounts::insert_user(
            w,
            NewUser {
                username: &input.admin_username,
                full_name: &input.admin_full_name,
                role: Role::Admin,
                password: &input.admin_password,
                password_field: "admin_password",
                username_field: "admin_username",
                full_name_field: "admin_full_name",
                specialization: None,
                licence_number: None,
                department: None,
                must_change_password: false,
            },
        )?;
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("clinic", &id)),
            format!("clinic {name:?}, first admin {}", admin.username),
        );
        w.audit(entry)?;
        // Wrap the database key for recovery before committing: a failure here leaves
        // nothing half set up.
        let recovery_passphrase = match ctx.ws.store().path() {
            Some(db_path) => {
                let passphrase = generate_passphrase();
                RecoveryEnvelope::wrap(ctx.ws.store().key(), &passphrase)?
                    .write_to(&recovery_path(db_path))?;
                Some(passphrase.to_string())
            }
            None => None,
        };
        Ok(SetupClinicOutput {
            clinic_id: id,
            admin,
            recovery_passphrase,
        })
    })
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ClinicSettings {
    pub name: String,
    pub address: String,
    pub phone: String,
    /// IANA time zone, e.g. `Europe/Rome`; times are stored in UTC and shown in this zone.
    pub time_zone: String,
    /// ISO 4217 code, e.g. `EUR`.
    pub currency: String,
    /// BCP 47 language tag for dates and numbers, e.g. `en` or `it-IT`.
    pub locale: String,
    /// Minutes of inactivity before a workstation locks (1–30).
    pub idle_lock_minutes: i64,
    /// The letterhead logo as a `data:image/png;base64,…` (or JPEG) URL, at most 256 KB;
    /// empty for none.
    pub logo_data_url: String,
    /// Default tax rate in percent, an exact decimal such as `22` or `7.5` (0–100).
    pub default_tax_rate: String,
    /// Prefix of invoice numbers, e.g. `INV` (1–10 of A–Z, 0–9, `-`).
    pub invoice_series_prefix: String,
    /// How a national id looks here, as a regular expression (empty: any text).
    pub national_id_pattern: String,
    /// An example national id, shown when one does not match the pattern.
    pub national_id_example: String,
    /// The clinic's email address for the letterhead (empty for none).
    #[serde(default)]
    pub email: String,
    /// Paper of printed documents (prescriptions, invoices).
    #[serde(default)]
    pub paper_size: PaperSize,
    /// Price list prices include tax (tax is taken out of them) or not (tax is added).
    #[serde(default)]
    pub prices_include_tax: bool,
    /// How amounts are rounded to the currency's minor unit.
    #[serde(default)]
    pub rounding: crate::billing::money::Rounding,
    /// Receipts on the paper size above or on an 80 mm thermal roll.
    #[serde(default)]
    pub receipt_paper: crate::billing::ReceiptPaper,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
    ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum PaperSize {
    #[default]
    A4,
    Letter,
}

impl PaperSize {
    pub fn as_str(self) -> &'static str {
        match self {
            PaperSize::A4 => "a4",
            PaperSize::Letter => "letter",
        }
    }
}

fn get_clinic_settings(ctx: &Ctx<'_>, _: NoInput) -> AppResult<ClinicSettings> {
    ctx.read(read_settings)
}

fn read_settings(c: &Connection) -> AppResult<ClinicSettings> {
    c.query_row(
        "SELECT name, address, phone, time_zone, currency, locale, idle_lock_minutes,
                logo_data_url, default_tax_rate, invoice_series_prefix, national_id_pattern,
                national_id_example, email, paper_size, prices_include_tax, rounding,
                receipt_paper
         FROM clinic LIMIT 1",
        [],
        |r| {
            Ok(ClinicSettings {
                name: r.get(0)?,
                address: r.get(1)?,
                phone: r.get(2)?,
                time_zone: r.get(3)?,
                currency: r.get(4)?,
                locale: r.get(5)?,
                idle_lock_minutes: r.get(6)?,
                logo_data_url: r.get(7)?,
                default_tax_rate: r.get(8)?,
                invoice_series_prefix: r.get(9)?,
                national_id_pattern: r.get(10)?,
                national_id_example: r.get(11)?,
                email: r.get(12)?,
                paper_size: if r.get::<_, String>(13)? == "letter" {
                    PaperSize::Letter
                } else {
                    PaperSize::A4
                },
                prices_include_tax: r.get(14)?,
                rounding: crate::billing::money::Rounding::parse(&r.get::<_, String>(15)?),
                receipt_paper: if r.get::<_, String>(16)? == "roll80" {
                    crate::billing::ReceiptPaper::Roll80
                } else {
                    crate::billing::ReceiptPaper::Page
                },
            })
        },
    )
    .optional()?
    .ok_or_else(not_initialized)
}

fn not_initialized() -> AppError {
    AppError::new(
        crate::ErrorCode::NotInitialized,
        "the clinic has not been set up yet",
    )
}

fn update_clinic_settings(ctx: &Ctx<'_>, input: ClinicSettings) -> AppResult<ClinicSettings> {
    let name = required(&input.name, "name", 200)?;
    let address = optional_text(&input.address, "address", 500)?;
    let phone = valid_phone(&input.phone, "phone")?;
    let time_zone = valid_time_zone(&input.time_zone, "time_zone")?;
    let currency = valid_currency(&input.currency, "currency")?;
    let locale = valid_locale(&input.locale, "locale")?;
    let logo = valid_logo(&input.logo_data_url, "logo_data_url")?;
    let tax = valid_tax_rate(&input.default_tax_rate, "default_tax_rate")?;
    let prefix = valid_series_prefix(&input.invoice_series_prefix, "invoice_series_prefix")?;
    let id_pattern = valid_pattern(&input.national_id_pattern, "national_id_pattern")?;
    let id_example = optional_text(&input.national_id_example, "national_id_example", 40)?;
    let email = valid_email(&input.email, "email")?;
    if !id_pattern.is_empty() && !id_example.is_empty() {
        let re = regex::Regex::new(&format!("^(?:{id_pattern})$"))
            .map_err(|e| AppError::field("national_id_pattern", e.to_string()))?;
        if !re.is_match(&id_example.to_uppercase()) {
            return Err(AppError::field(
                "national_id_example",
                "the example does not match the national id pattern",
            ));
        }
    }
    if !(1..=30).contains(&input.idle_lock_minutes) {
        return Err(AppError::field(
            "idle_lock_minutes",
            "the idle lock must be between 1 and 30 minutes",
        ));
    }
    ctx.write(|w| {
        let id: String = w
            .conn()
            .query_row("SELECT id FROM clinic LIMIT 1", [], |r| r.get(0))
            .optional()?
            .ok_or_else(not_initialized)?;
        let before = read_settings(w.conn())?;
        w.conn().execute(
            "UPDATE clinic SET name = ?1, address = ?2, phone = ?3, time_zone = ?4, currency = ?5,
                 locale = ?6, idle_lock_minutes = ?7, logo_data_url = ?8, default_tax_rate = ?9,
                 invoice_series_prefix = ?10, updated_at = ?11, national_id_pattern = ?13,
                 national_id_example = ?14, email = ?15, paper_size = ?16,
                 prices_include_tax = ?17, rounding = ?18, receipt_paper = ?19
             WHERE id = ?12",
            params![
                name,
                address,
                phone,
                time_zone,
                currency,
                locale,
                input.idle_lock_minutes,
                logo,
                tax,
                prefix,
                w.now_text(),
                id,
                id_pattern,
                id_example,
                email,
                input.paper_size.as_str(),
                input.prices_include_tax,
                input.rounding.as_str(),
                match input.receipt_paper {
                    crate::billing::ReceiptPaper::Page => "page",
                    crate::billing::ReceiptPaper::Roll80 => "roll80",
                }
            ],
        )?;
        w.record_change("clinic", &id, ChangeOp::Update)?;
        // The Standard tax category's rate is the default tax rate.
        if w.conn().execute(
            "UPDATE tax_categories SET rate = ?1, updated_at = ?2 WHERE id = 'tax-standard' AND rate <> ?1",
            params![tax, w.now_text()],
        )? > 0
        {
            w.record_change("tax_categories", "tax-standard", ChangeOp::Update)?;
        }
        let after = read_settings(w.conn())?;
        // The logo can be large: the audit records whether it changed, not its bytes.
        let summary = |c: &ClinicSettings| {
            let mut v = serde_json::to_value(c).unwrap_or_default();
            v["logo_data_url"] = serde_json::json!(format!("{} bytes", c.logo_data_url.len()));
            v
        };
        let detail =
            serde_json::json!({"before": summary(&before), "after": summary(&after)}).to_string();
        let entry = ctx.audit_entry(AuditOutcome::Ok, Some(("clinic", &id)), detail);
        w.audit(entry)?;
        Ok(after)
    })
}

// ---- validation shared by the clinic's forms ----

pub(crate) fn required(value: &str, field: &str, max: usize) -> AppResult<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(AppError::field(
            field,
            format!("{} is required", human(field)),
        ));
    }
    if v.chars().count() > max {
        return Err(AppError::field(
            field,
            format!("{} is longer than {max} characters", human(field)),
        ));
    }
    Ok(v.to_string())
}

pub(crate) fn optional_text(value: &str, field: &str, max: usize) -> AppResult<String> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(AppError::field(
            field,
            format!("{} is longer than {max} characters", human(field)),
        ));
    }
    Ok(v.to_string())
}

pub(crate) fn valid_email(value: &str, field: &str) -> AppResult<String> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(String::new());
    }
    let ok = v.len() <= 254
        && !v.chars().any(char::is_whitespace)
        && v.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if ok {
        Ok(v.to_string())
    } else {
        Err(AppError::field(
            field,
            "Email is an address like name@example.com",
        ))
    }
}

pub(crate) fn valid_phone(value: &str, field: &str) -> AppResult<String> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(String::new());
    }
    let digits = v.chars().filter(char::is_ascii_digit).count();
    let allowed = v
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if !allowed || !(6..=15).contains(&digits) {
        return Err(AppError::field(
            field,
            "a phone number has 6 to 15 digits, optionally with + ( ) - . and spaces",
        ));
    }
    Ok(v.to_string())
}

fn valid_time_zone(value: &str, field: &str) -> AppResult<String> {
    let v = value.trim();
    v.parse::<chrono_tz::Tz>()
        .map(|tz| tz.name().to_string())
        .map_err(|_| {
            AppError::field(
                field,
                format!("{v:?} is not a known time zone (e.g. Europe/Rome, America/New_York, UTC)"),
            )
        })
}

fn valid_currency(value: &str, field: &str) -> AppResult<String> {
    let v = value.trim().to_uppercase();
    if v.len() == 3 && v.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(v)
    } else {
        Err(AppError::field(
            field,
            "the currency is a three-letter ISO 4217 code, e.g. EUR or USD",
        ))
    }
}

fn valid_locale(value: &str, field: &str) -> AppResult<String> {
    let v = value.trim();
    let mut parts = v.split('-');
    let lang_ok = parts
        .next()
        .is_some_and(|l| (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_lowercase()));
    let region_ok =
        parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if lang_ok && region_ok {
        Ok(v.to_string())
    } else {
        Err(AppError::field(
            field,
            "the locale is a language tag such as en, en-GB or it-IT",
        ))
    }
}

/// Largest logo accepted, decoded.
pub const MAX_LOGO_BYTES: usize = 256 * 1024;

pub(crate) fn valid_logo(value: &str, field: &str) -> AppResult<String> {
    use base64::Engine;
    let v = value.trim();
    if v.is_empty() {
        return Ok(String::new());
    }
    let (kind, data) = if let Some(d) = v.strip_prefix("data:image/png;base64,") {
        ("png", d)
    } else if let Some(d) = v.strip_prefix("data:image/jpeg;base64,") {
        ("jpeg", d)
    } else {
        return Err(AppError::field(
            field,
            "the logo must be a PNG or JPEG image",
        ));
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|_| AppError::field(field, "the logo image is damaged (bad base64)"))?;
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(AppError::field(
            field,
            format!("the logo is {} KB; at most 256 KB", bytes.len() / 1024),
        ));
    }
    let magic_ok = match kind {
        "png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        _ => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
    };
    if !magic_ok {
        return Err(AppError::field(
            field,
            format!("the logo is not a valid {} image", kind.to_uppercase()),
        ));
    }
    Ok(v.to_string())
}

pub(crate) fn valid_tax_rate(value: &str, field: &str) -> AppResult<String> {
    use rust_decimal::Decimal;
    use std::str::FromStr;
    let v = value.trim();
    let rate = Decimal::from_str(v).map_err(|_| {
        AppError::field(field, "the tax rate is a number in percent, e.g. 22 or 7.5")
    })?;
    if rate < Decimal::ZERO || rate > Decimal::ONE_HUNDRED {
        return Err(AppError::field(
            field,
            "the tax rate is between 0 and 100 percent",
        ));
    }
    if rate.scale() > 3 {
        return Err(AppError::field(
            field,
            "the tax rate has at most 3 decimals",
        ));
    }
    Ok(rate.normalize().to_string())
}

fn valid_pattern(value: &str, field: &str) -> AppResult<String> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(String::new());
    }
    if v.len() > 200 {
        return Err(AppError::field(
            field,
            "the pattern is longer than 200 characters",
        ));
    }
    regex::Regex::new(v).map(|_| v.to_string()).map_err(|_| {
        AppError::field(
            field,
            "not a valid pattern (a regular expression such as [A-Z]{6}[0-9]{2})",
        )
    })
}

fn valid_series_prefix(value: &str, field: &str) -> AppResult<String> {
    let v = value.trim().to_uppercase();
    if (1..=10).contains(&v.len())
        && v.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
    {
        Ok(v)
    } else {
        Err(AppError::field(
            field,
            "the invoice prefix has 1 to 10 letters, digits or dashes",
        ))
    }
}

/// "medication.generic_name" → "Generic name": the message names the field's own part.
fn human(field: &str) -> String {
    let s = field.rsplit('.').next().unwrap_or(field).replace('_', " ");
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().collect::<String>() + c.as_str(),
        None => s,
    }
}
