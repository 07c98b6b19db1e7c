//! Departments and staff: the clinic's departments, the staff side of user accounts
//! (consultation fee, prescription signature) and each doctor's availability status.

use crate::access::{Permission, Role};
use crate::audit::AuditOutcome;
use crate::clinic::{optional_text, required, valid_logo};
use crate::clock::new_id;
use crate::error::{AppError, AppResult};
use crate::registry::{command, Access, CommandSpec, Ctx};
use crate::store::ChangeOp;
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

pub(crate) fn commands() -> Vec<CommandSpec> {
    vec![
        command(
            "list_departments",
            "List the clinic's departments",
            Access::SignedIn,
            list_departments,
        ),
        command(
            "create_department",
            "Add a department",
            Access::Permission(Permission::UsersManage),
            create_department,
        ),
        command(
            "update_department",
            "Rename, describe, deactivate or reactivate a department",
            Access::Permission(Permission::UsersManage),
            update_department,
        ),
        command(
            "list_staff",
            "List staff, filtered by role, specialization, department and availability",
            Access::SignedIn,
            list_staff,
        ),
        command(
            "update_staff_profile",
            "Set a staff member's consultation fee and prescription signature",
            Access::Permission(Permission::UsersManage),
            update_staff_profile,
        ),
        command(
            "set_my_availability",
            "Set your own availability (available, busy, away, offline)",
            Access::Permission(Permission::AvailabilitySetOwn),
            set_my_availability,
        ),
    ]
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Department {
    pub id: String,
    pub name: String,
    pub description: String,
    pub active: bool,
    /// Active accounts in this department.
    pub staff_count: u32,
}

/// A department name as given on a user account, checked against the departments: the
/// stored spelling, or a field error. Empty means none.
pub(crate) fn resolve_department(
    conn: &Connection,
    name: Option<String>,
    field: &str,
) -> AppResult<Option<String>> {
    let Some(name) = name.filter(|n| !n.trim().is_empty()) else {
        return Ok(None);
    };
    let found: Option<(String, bool)> = conn
        .query_row(
            "SELECT name, active FROM departments WHERE name = ?1 COLLATE NOCASE",
            [name.trim()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match found {
        Some((stored, true)) => Ok(Some(stored)),
        Some((stored, false)) => Err(AppError::field(
            field,
            format!("the department {stored:?} is inactive"),
        )),
        None => Err(AppError::field(
            field,
            format!(
                "there is no department {:?}; add it under Departments first",
                name.trim()
            ),
        )),
    }
}

fn load_departments(conn: &Connection, include_inactive: bool) -> AppResult<Vec<Department>> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.id, d.name, d.description, d.active,
                (SELECT count(*) FROM users u WHERE u.department = d.name COLLATE NOCASE AND u.active)
         FROM departments d WHERE d.active OR ?1 ORDER BY d.name COLLATE NOCASE",
    )?;
    let rows = stmt.query_map([include_inactive], |r| {
        Ok(Department {
            id: r.get(0)?,
            name: r.get(1)?,
            description: r.get(2)?,
            active: r.get(3)?,
            staff_count: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn load_department(conn: &Connection, id: &str) -> AppResult<Department> {
    load_departments(conn, true)?
        .into_iter()
        .find(|d| d.id == id)
        .ok_or_else(|| AppError::not_found("no such department").with_field("id"))
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListDepartmentsInput {
    #[serde(default)]
    #[ts(optional = nullable)]
    pub include_inactive: Option<bool>,
}

fn list_departments(ctx: &Ctx<'_>, input: ListDepartmentsInput) -> AppResult<Vec<Department>> {
    ctx.read(|c| load_departments(c, input.include_inactive.unwrap_or(false)))
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct DepartmentInput {
    pub name: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub description: Option<String>,
}

fn taken(conn: &Connection, name: &str, except: Option<&str>) -> AppResult<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM departments WHERE name = ?1 COLLATE NOCASE AND id IS NOT ?2)",
        params![name, except],
        |r| r.get(0),
    )?)
}

fn create_department(ctx: &Ctx<'_>, input: DepartmentInput) -> AppResult<Department> {
    let name = required(&input.name, "name", 100)?;
    let description = optional_text(
        input.description.as_deref().unwrap_or(""),
        "description",
        500,
    )?;
    ctx.write(|w| {
        if taken(w.conn(), &name, None)? {
            return Err(
                AppError::conflict(format!("a department {name:?} exists already"))
                    .with_field("name"),
            );
        }
        let id = new_id();
        let now = w.now_text();
        w.conn().execute(
            "INSERT INTO departments (id, name, description, active, created_at, updated_at)
             VALUES (?1, ?2, ?3, 1, ?4, ?4)",
            params![id, name, description, now],
        )?;
        w.record_change("departments", &id, ChangeOp::Insert)?;
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("departments", &id)),
            format!("created {name:?}"),
        );
        w.audit(entry)?;
        load_department(w.conn(), &id)
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateDepartmentInput {
    pub id: String,
    pub name: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub description: Option<String>,
    pub active: bool,
}

fn update_department(ctx: &Ctx<'_>, input: UpdateDepartmentInput) -> AppResult<Department> {
    let name = required(&input.name, "name", 100)?;
    let description = optional_text(
        input.description.as_deref().unwrap_or(""),
        "description",
        500,
    )?;
    ctx.write(|w| {
        let before = load_department(w.conn(), &input.id)?;
        if taken(w.conn(), &name, Some(&input.id))? {
            return Err(AppError::conflict(format!("a department {name:?} exists already"))
                .with_field("name"));
        }
        let now = w.now_text();
        w.conn().execute(
            "UPDATE departments SET name = ?2, description = ?3, active = ?4, updated_at = ?5 WHERE id = ?1",
            params![input.id, name, description, input.active, now],
        )?;
        w.record_change("departments", &input.id, ChangeOp::Update)?;
        if before.name != name {
            // Staff follow the rename in the same transaction.
            let ids: Vec<String> = w
                .conn()
                .prepare("SELECT id FROM users WHERE department = ?1 COLLATE NOCASE")?
                .query_map([&before.name], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            for id in ids {
                w.conn().execute(
                    "UPDATE users SET department = ?2, updated_at = ?3 WHERE id = ?1",
                    params![id, name, now],
                )?;
                w.record_change("users", &id, ChangeOp::Update)?;
            }
        }
        let detail = serde_json::json!({
            "before": {"name": before.name, "description": before.description, "active": before.active},
            "after": {"name": name, "description": description, "active": input.active},
        })
        .to_string();
        let entry = ctx.audit_entry(AuditOutcome::Ok, Some(("departments", &input.id)), detail);
        w.audit(entry)?;
        load_department(w.conn(), &input.id)
    })
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    Available,
    Busy,
    Away,
    Offline,
}

impl Availability {
    fn as_str(self) -> &'static str {
        match self {
            Availability::Available => "available",
            Availability::Busy => "busy",
            Availability::Away => "away",
            Availability::Offline => "offline",
        }
    }
    /// Anything unknown reads as offline.
    pub(crate) fn parse(s: &str) -> Self {
        match s {
            "available" => Self::Available,
            "busy" => Self::Busy,
            "away" => Self::Away,
            _ => Self::Offline,
        }
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct StaffMember {
    pub id: String,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub active: bool,
    pub specialization: Option<String>,
    pub licence_number: Option<String>,
    pub department: Option<String>,
    /// Default consultation fee, exact decimal text (empty: none).
    pub consultation_fee: String,
    pub signature_data_url: String,
    pub availability: Availability,
    pub availability_changed_at: Option<String>,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListStaffInput {
    #[serde(default)]
    #[ts(optional = nullable)]
    pub role: Option<Role>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub specialization: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub department: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub availability: Option<Availability>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub include_inactive: Option<bool>,
}

#[derive(Debug, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct StaffList {
    pub members: Vec<StaffMember>,
    /// Every doctor specialization in use (for the filter).
    pub specializations: Vec<String>,
}

const STAFF_COLUMNS: &str = "id, username, full_name, role, active, specialization, licence_number,
    department, consultation_fee, signature_data_url, availability, availability_changed_at";

fn staff_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StaffMember> {
    Ok(StaffMember {
        id: r.get(0)?,
        username: r.get(1)?,
        full_name: r.get(2)?,
        role: r.get::<_, String>(3)?.parse().unwrap_or(Role::Kiosk),
        active: r.get(4)?,
        specialization: r.get(5)?,
        licence_number: r.get(6)?,
        department: r.get(7)?,
        consultation_fee: r.get(8)?,
        signature_data_url: r.get(9)?,
        availability: Availability::parse(&r.get::<_, String>(10)?),
        availability_changed_at: r.get(11)?,
    })
}

fn list_staff(ctx: &Ctx<'_>, input: ListStaffInput) -> AppResult<StaffList> {
    ctx.read(|c| {
        let mut stmt = c.prepare_cached(&format!(
            "SELECT {STAFF_COLUMNS} FROM users
             WHERE role <> 'kiosk'
               AND (?1 IS NULL OR role = ?1)
               AND (?2 IS NULL OR specialization = ?2 COLLATE NOCASE)
               AND (?3 IS NULL OR department = ?3 COLLATE NOCASE)
               AND (?4 IS NULL OR availability = ?4)
               AND (active OR ?5)
             ORDER BY role = 'doctor' DESC, full_name COLLATE NOCASE"
        ))?;
        let members = stmt
            .query_map(
                params![
                    input.role.map(Role::as_str),
                    input.specialization.as_deref().filter(|s| !s.is_empty()),
                    input.department.as_deref().filter(|s| !s.is_empty()),
                    input.availability.map(Availability::as_str),
                    input.include_inactive.unwrap_or(false)
                ],
                staff_from_row,
            )?
            .collect::<Result<_, _>>()?;
        let specializations = c
            .prepare_cached(
                "SELECT DISTINCT specialization FROM users
                 WHERE role = 'doctor' AND specialization IS NOT NULL AND active
                 ORDER BY specialization COLLATE NOCASE",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(StaffList {
            members,
            specializations,
        })
    })
}

fn load_staff(conn: &Connection, username: &str) -> AppResult<StaffMember> {
    conn.prepare_cached(&format!(
        "SELECT {STAFF_COLUMNS} FROM users WHERE username = ?1 COLLATE NOCASE"
    ))?
    .query_row([username.trim()], staff_from_row)
    .optional()?
    .ok_or_else(|| AppError::not_found(format!("no user {username:?}")).with_field("username"))
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateStaffProfileInput {
    pub username: String,
    /// An exact decimal such as `60` or `45.50`; empty for none.
    pub consultation_fee: String,
    /// A PNG or JPEG data URL of the signature, at most 256 KB; empty for none.
    pub signature_data_url: String,
}

fn valid_fee(value: &str) -> AppResult<String> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(String::new());
    }
    let fee = Decimal::from_str(v).map_err(|_| {
        AppError::field(
            "consultation_fee",
            "the fee is an amount such as 60 or 45.50",
        )
    })?;
    if fee.is_sign_negative() {
        return Err(AppError::field(
            "consultation_fee",
            "the fee cannot be negative",
        ));
    }
    if fee.scale() > 2 {
        return Err(AppError::field(
            "consultation_fee",
            "the fee has at most 2 decimals",
        ));
    }
    if fee > Decimal::from(1_000_000) {
        return Err(AppError::field(
            "consultation_fee",
            "the fee is larger than 1,000,000",
        ));
    }
    Ok(fee.round_dp(2).to_string())
}

fn update_staff_profile(ctx: &Ctx<'_>, input: UpdateStaffProfileInput) -> AppResult<StaffMember> {
    let fee = valid_fee(&input.consultation_fee)?;
    let signature = valid_logo(&input.signature_data_url, "signature_data_url").map_err(|e| {
        AppError::field("signature_data_url", e.message.replace("logo", "signature"))
    })?;
    ctx.write(|w| {
        let before = load_staff(w.conn(), &input.username)?;
        if (!fee.is_empty() || !signature.is_empty()) && before.role != Role::Doctor {
            return Err(AppError::field(
                if fee.is_empty() { "signature_data_url" } else { "consultation_fee" },
                "only doctors carry a consultation fee and prescription signature",
            ));
        }
        w.conn().execute(
            "UPDATE users SET consultation_fee = ?2, signature_data_url = ?3, updated_at = ?4 WHERE id = ?1",
            params![before.id, fee, signature, w.now_text()],
        )?;
        w.record_change("users", &before.id, ChangeOp::Update)?;
        let detail = serde_json::json!({
            "consultation_fee": {"before": before.consultation_fee, "after": fee},
            "signature_changed": before.signature_data_url != signature,
        })
        .to_string();
        let entry = ctx.audit_entry(AuditOutcome::Ok, Some(("users", &before.id)), detail);
        w.audit(entry)?;
        load_staff(w.conn(), &before.username)
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SetMyAvailabilityInput {
    pub availability: Availability,
}

fn set_my_availability(ctx: &Ctx<'_>, input: SetMyAvailabilityInput) -> AppResult<StaffMember> {
    let me = ctx.user()?.clone();
    ctx.write(|w| {
        w.conn().execute(
            "UPDATE users SET availability = ?2, availability_changed_at = ?3, updated_at = ?3 WHERE id = ?1",
            params![me.id, input.availability.as_str(), w.now_text()],
        )?;
        w.record_change("users", &me.id, ChangeOp::Update)?;
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("users", &me.id)),
            format!("availability {}", input.availability.as_str()),
        );
        w.audit(entry)?;
        load_staff(w.conn(), &me.username)
    })
}
