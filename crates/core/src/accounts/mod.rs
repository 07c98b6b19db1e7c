//! Staff accounts: sign-in with throttling, sessions with idle lock, password changes and
//! resets, and user management. Accounts are disabled, never deleted.

pub mod password;
pub(crate) mod sessions;

use crate::access::{Permission, Role};
use crate::audit::{AuditActor, AuditEntry, AuditOutcome};
use crate::clock::{from_db_time, new_id, to_db_time};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::registry::{command, Access, CommandSpec, Ctx, Done, NoInput, SignedInUser};
use crate::store::{ChangeOp, WriteTx};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// Consecutive failures allowed before the account locks.
pub const FREE_FAILURES: i64 = 5;
/// Hard cap on wrong guesses per account per rolling hour.
pub const MAX_FAILURES_PER_HOUR: i64 = 20;

pub(crate) fn commands() -> Vec<CommandSpec> {
    use Permission::UsersManage;
    vec![
        command("login", "Sign in", Access::Public, login),
        command("logout", "Sign out", Access::Public, logout),
        command(
            "lock_session",
            "Lock the screen",
            Access::SignedIn,
            lock_session,
        ),
        command(
            "unlock_session",
            "Unlock the screen",
            Access::Public,
            unlock_session,
        ),
        command(
            "whoami",
            "Show the signed-in user",
            Access::SignedIn,
            whoami,
        ),
        command(
            "change_password",
            "Change your own password",
            Access::SignedIn,
            change_password,
        ),
        command(
            "create_user",
            "Create a user account",
            Access::Permission(UsersManage),
            create_user,
        ),
        command(
            "list_users",
            "List user accounts",
            Access::Permission(UsersManage),
            list_users,
        ),
        command(
            "update_user",
            "Edit a user account",
            Access::Permission(UsersManage),
            update_user,
        ),
        command(
            "reset_password",
            "Reset a user's password",
            Access::Permission(UsersManage),
            reset_password,
        ),
        command(
            "disable_user",
            "Disable a user account",
            Access::Permission(UsersManage),
            disable_user,
        ),
        command(
            "enable_user",
            "Enable a user account",
            Access::Permission(UsersManage),
            enable_user,
        ),
    ]
}

/// A user account as the UI and CLI show it (never the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct UserView {
    pub id: String,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub active: bool,
    pub must_change_password: bool,
    pub specialization: Option<String>,
    pub licence_number: Option<String>,
    pub department: Option<String>,
    /// Set while the account is locked after failed sign-ins (UTC).
    pub locked_until: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

const USER_COLUMNS: &str =
    "u.id, u.username, u.full_name, u.role, u.active, u.must_change_password,
     u.specialization, u.licence_number, u.department, l.locked_until, u.created_at, u.updated_at";

fn user_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<UserView> {
    let role: String = r.get(3)?;
    Ok(UserView {
        id: r.get(0)?,
        username: r.get(1)?,
        full_name: r.get(2)?,
        role: role.parse().unwrap_or(Role::Kiosk),
        active: r.get(4)?,
        must_change_password: r.get(5)?,
        specialization: r.get(6)?,
        licence_number: r.get(7)?,
        department: r.get(8)?,
        locked_until: r.get(9)?,
        created_at: r.get(10)?,
        updated_at: r.get(11)?,
    })
}

fn find_user(conn: &Connection, username: &str) -> AppResult<Option<UserView>> {
    Ok(conn
        .query_row(
            &format!("SELECT {USER_COLUMNS} FROM users u LEFT JOIN auth_lockouts l ON l.user_id = u.id WHERE u.username = ?1"),
            [username.trim()],
            user_from_row,
        )
        .optional()?)
}

fn get_user_by_id(conn: &Connection, id: &str) -> AppResult<UserView> {
    conn.query_row(
        &format!("SELECT {USER_COLUMNS} FROM users u LEFT JOIN auth_lockouts l ON l.user_id = u.id WHERE u.id = ?1"),
        [id],
        user_from_row,
    )
    .optional()?
    .ok_or_else(|| AppError::not_found("no such user"))
}

fn require_user(conn: &Connection, username: &str) -> AppResult<UserView> {
    find_user(conn, username)?.ok_or_else(|| {
        AppError::not_found(format!("there is no user {:?}", username.trim()))
            .with_field("username")
    })
}

/// The active user behind a session, or `None` when disabled since sign-in.
pub(crate) fn signed_in_user(c: &Connection, user_id: &str) -> AppResult<Option<SignedInUser>> {
    {
        // Every command of a session runs this: a cached statement.
        let row = c
            .prepare_cached(
                "SELECT id, username, full_name, role, must_change_password
                 FROM users WHERE id = ?1 AND active = 1",
            )?
            .query_row([user_id], |r| {
                let role: String = r.get(3)?;
                Ok(SignedInUser {
                    id: r.get(0)?,
                    username: r.get(1)?,
                    full_name: r.get(2)?,
                    role: role.parse().unwrap_or(Role::Kiosk),
                    must_change_password: r.get(4)?,
                })
            })
            .optional()?;
        Ok(row)
    }
}

fn password_hash_of(conn: &Connection, user_id: &str) -> AppResult<String> {
    Ok(conn.query_row(
        "SELECT password_hash FROM users WHERE id = ?1",
        [user_id],
        |r| r.get(0),
    )?)
}

// ---- creating users ----

pub(crate) struct NewUser<'a> {
    pub username: &'a str,
    pub full_name: &'a str,
    pub role: Role,
    pub password: &'a str,
    pub username_field: &'a str,
    pub full_name_field: &'a str,
    pub password_field: &'a str,
    pub specialization: Option<&'a str>,
    pub licence_number: Option<&'a str>,
    pub department: Option<&'a str>,
    pub must_change_password: bool,
}

fn valid_username(value: &str, field: &str) -> AppResult<String> {
    let v = value.trim().to_lowercase();
    let ok_chars = v
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    let starts = v.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    if !(3..=32).contains(&v.len()) || !ok_chars || !starts {
        return Err(AppError::field(
            field,
            "a username has 3 to 32 characters: letters, digits, dot, dash or underscore, starting with a letter",
        ));
    }
    Ok(v)
}

fn optional_field(value: Option<&str>, field: &str) -> AppResult<Option<String>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) if v.chars().count() > 120 => {
            Err(AppError::field(field, "this is longer than 120 characters"))
        }
        Some(v) => Ok(Some(v.to_string())),
    }
}

pub(crate) fn insert_user(w: &mut WriteTx<'_>, new: NewUser<'_>) -> AppResult<UserView> {
    let username = valid_username(new.username, new.username_field)?;
    let full_name = crate::clinic::required(new.full_name, new.full_name_field, 200)?;
    password::check_policy(new.password, &username, new.password_field)?;
    let specialization = optional_field(new.specialization, "specialization")?;
    let licence_number = optional_field(new.licence_number, "licence_number")?;
    let department = optional_field(new.department, "department")?;
    let department = crate::staff::resolve_department(w.conn(), department, "department")?;
    if new.role != Role::Doctor && (specialization.is_some() || licence_number.is_some()) {
        return Err(AppError::field(
            if specialization.is_some() {
                "specialization"
            } else {
                "licence_number"
            },
            "only doctors carry a specialization and licence number",
        ));
    }
    if find_user(w.conn(), &username)?.is_some() {
        return Err(
            AppError::conflict(format!("the username {username:?} is taken"))
                .with_field(new.username_field),
        );
    }
    let hash = password::hash(new.password)?;
    let id = new_id();
    let now = w.now_text();
    w.conn().execute(
        "INSERT INTO users (id, username, full_name, role, password_hash, must_change_password,
             specialization, licence_number, department, password_changed_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?10)",
        params![
            id,
            username,
            full_name,
            new.role.as_str(),
            hash,
            new.must_change_password,
            specialization,
            licence_number,
            department,
            now
        ],
    )?;
    w.record_change("users", &id, ChangeOp::Insert)?;
    get_user_by_id(w.conn(), &id)
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CreateUserInput {
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub password: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub specialization: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub licence_number: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub department: Option<String>,
    /// Ask the user to choose their own password at first sign-in (default: yes).
    #[serde(default = "yes")]
    pub must_change_password: bool,
}

fn yes() -> bool {
    true
}

fn create_user(ctx: &Ctx<'_>, input: CreateUserInput) -> AppResult<UserView> {
    ctx.write(|w| {
        let user = insert_user(
            w,
            NewUser {
                username: &input.username,
                full_name: &input.full_name,
                role: input.role,
                password: &input.password,
                username_field: "username",
                full_name_field: "full_name",
                password_field: "password",
                specialization: input.specialization.as_deref(),
                licence_number: input.licence_number.as_deref(),
                department: input.department.as_deref(),
                must_change_password: input.must_change_password,
            },
        )?;
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("users", &user.id)),
            format!("created {} as {}", user.username, user.role),
        );
        w.audit(entry)?;
        Ok(user)
    })
}

fn list_users(ctx: &Ctx<'_>, _: NoInput) -> AppResult<Vec<UserView>> {
    ctx.read(|c| {
        let mut stmt = c.prepare(&format!(
            "SELECT {USER_COLUMNS} FROM users u LEFT JOIN auth_lockouts l ON l.user_id = u.id
             ORDER BY u.active DESC, u.full_name COLLATE NOCASE"
        ))?;
        let now = to_db_time(ctx.now);
        let rows = stmt.query_map([], user_from_row)?;
        rows.map(|row| {
            let mut user = row?;
            // A lock that has run out is no lock.
            if user
                .locked_until
                .as_deref()
                .is_some_and(|t| t <= now.as_str())
            {
                user.locked_until = None;
            }
            Ok(user)
        })
        .collect()
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserInput {
    /// The account to edit (usernames never change: the audit trail refers to them).
    pub username: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub full_name: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub role: Option<Role>,
    /// Doctors only; an empty string clears it.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub specialization: Option<String>,
    /// Doctors only; an empty string clears it.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub licence_number: Option<String>,
    /// An empty string clears it.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub department: Option<String>,
}

/// Refuses to take away `user`'s administration when it is the last active administrator
/// (the clinic would be left with nobody who can manage accounts).
fn ensure_not_last_admin(conn: &Connection, user: &UserView, field: &str) -> AppResult<()> {
    if user.role != Role::Admin || !user.active {
        return Ok(());
    }
    let admins: i64 = conn.query_row(
        "SELECT count(*) FROM users WHERE role = 'admin' AND active = 1",
        [],
        |r| r.get(0),
    )?;
    if admins <= 1 {
        return Err(AppError::conflict(
            "this is the last active administrator; make another user an administrator first",
        )
        .with_field(field));
    }
    Ok(())
}

fn update_user(ctx: &Ctx<'_>, input: UpdateUserInput) -> AppResult<UserView> {
    ctx.write(|w| {
        let before = require_user(w.conn(), &input.username)?;
        let full_name = match &input.full_name {
            Some(name) => crate::clinic::required(name, "full_name", 200)?,
            None => before.full_name.clone(),
        };
        let role = input.role.unwrap_or(before.role);
        if role != Role::Admin {
            ensure_not_last_admin(w.conn(), &before, "role")?;
        }
        let pick = |given: &Option<String>, current: &Option<String>, field: &str| -> AppResult<Option<String>> {
            match given {
                Some(v) => optional_field(Some(v), field),
                None => Ok(current.clone()),
            }
        };
        let mut specialization = pick(&input.specialization, &before.specialization, "specialization")?;
        let mut licence_number = pick(&input.licence_number, &before.licence_number, "licence_number")?;
        let unchanged = |given: &str| {
            before
                .department
                .as_deref()
                .is_some_and(|d| d.eq_ignore_ascii_case(given.trim()))
        };
        let department = match &input.department {
            // Keeping the current department is always allowed, even once it is inactive.
            Some(given) if unchanged(given) => before.department.clone(),
            Some(_) => crate::staff::resolve_department(
                w.conn(),
                pick(&input.department, &before.department, "department")?,
                "department",
            )?,
            None => before.department.clone(),
        };
        if role != Role::Doctor {
            let given = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
            if given(&input.specialization) || given(&input.licence_number) {
                return Err(AppError::field(
                    if given(&input.specialization) { "specialization" } else { "licence_number" },
                    "only doctors carry a specialization and licence number",
                ));
            }
            specialization = None;
            licence_number = None;
        }
        w.conn().execute(
            "UPDATE users SET full_name = ?1, role = ?2, specialization = ?3, licence_number = ?4,
                 department = ?5, updated_at = ?6 WHERE id = ?7",
            params![full_name, role.as_str(), specialization, licence_number, department, w.now_text(), before.id],
        )?;
        w.record_change("users", &before.id, ChangeOp::Update)?;
        let after = get_user_by_id(w.conn(), &before.id)?;
        let detail = serde_json::json!({
            "before": {"full_name": before.full_name, "role": before.role, "specialization": before.specialization,
                       "licence_number": before.licence_number, "department": before.department},
            "after": {"full_name": after.full_name, "role": after.role, "specialization": after.specialization,
                      "licence_number": after.licence_number, "department": after.department},
        });
        let entry = ctx.audit_entry(AuditOutcome::Ok, Some(("users", &after.id)), detail.to_string());
        w.audit(entry)?;
        Ok(after)
    })
}

// ---- signing in ----

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct LoginInput {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct LoginOutput {
    /// Bearer token for this session; send it with every command.
    pub token: String,
    pub user: UserView,
    pub permissions: Vec<Permission>,
    pub idle_lock_minutes: i64,
}

fn invalid_credentials() -> AppError {
    AppError::new(ErrorCode::InvalidCredentials, "wrong username or password")
}

fn locked_out(until: DateTime<Utc>, now: DateTime<Utc>) -> AppError {
    let minutes = ((until - now).num_seconds() + 59) / 60;
    AppError::new(
        ErrorCode::LockedOut,
        format!(
            "too many failed sign-ins: this account is locked until {} UTC (about {} minute{})",
            until.format("%H:%M"),
            minutes.max(1),
            if minutes == 1 { "" } else { "s" }
        ),
    )
}

fn locked_until(
    conn: &Connection,
    user_id: &str,
    now: DateTime<Utc>,
) -> AppResult<Option<DateTime<Utc>>> {
    let until: Option<String> = conn
        .query_row(
            "SELECT locked_until FROM auth_lockouts WHERE user_id = ?1",
            [user_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    Ok(until.as_deref().and_then(from_db_time).filter(|t| *t > now))
}

/// Counts a wrong password; returns the lock time when this failure locked the account.
/// Escalation: after 5 consecutive failures, 1 minute, then 2, 4, … up to 60; and never
/// more than 20 wrong guesses in any hour.
fn record_failure(w: &mut WriteTx<'_>, user_id: &str) -> AppResult<Option<DateTime<Utc>>> {
    let now = w.now();
    let now_text = to_db_time(now);
    let c = w.conn();
    c.execute(
        "INSERT INTO auth_failures (user_id, at) VALUES (?1, ?2)",
        params![user_id, now_text],
    )?;
    c.execute(
        "DELETE FROM auth_failures WHERE user_id = ?1 AND at < ?2",
        params![user_id, to_db_time(now - Duration::days(1))],
    )?;
    let consecutive: i64 = c
        .query_row(
            "SELECT consecutive_failures FROM auth_lockouts WHERE user_id = ?1",
            [user_id],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0)
        + 1;
    let mut until = None;
    if consecutive >= FREE_FAILURES {
        let exponent = u32::try_from(consecutive - FREE_FAILURES)
            .unwrap_or(u32::MAX)
            .min(6);
        until = Some(now + Duration::minutes((1i64 << exponent).min(60)));
    }
    let hour_ago = to_db_time(now - Duration::hours(1));
    let (in_hour, oldest): (i64, Option<String>) = c.query_row(
        "SELECT count(*), min(at) FROM auth_failures WHERE user_id = ?1 AND at > ?2",
        params![user_id, hour_ago],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if in_hour >= MAX_FAILURES_PER_HOUR {
        if let Some(cap) = oldest
            .as_deref()
            .and_then(from_db_time)
            .map(|t| t + Duration::hours(1))
        {
            until = Some(until.map_or(cap, |u: DateTime<Utc>| u.max(cap)));
        }
    }
    c.execute(
        "INSERT INTO auth_lockouts (user_id, consecutive_failures, locked_until) VALUES (?1, ?2, ?3)
         ON CONFLICT(user_id) DO UPDATE SET consecutive_failures = excluded.consecutive_failures,
             locked_until = coalesce(excluded.locked_until, auth_lockouts.locked_until)",
        params![user_id, consecutive, until.map(to_db_time)],
    )?;
    Ok(until)
}

fn clear_failures(w: &WriteTx<'_>, user_id: &str) -> AppResult<()> {
    w.conn()
        .execute("DELETE FROM auth_lockouts WHERE user_id = ?1", [user_id])?;
    Ok(())
}

fn auth_entry(
    actor: AuditActor,
    action: &str,
    outcome: AuditOutcome,
    user_id: Option<&str>,
    detail: String,
) -> AuditEntry {
    AuditEntry {
        actor,
        action: action.to_string(),
        outcome,
        record_table: user_id.map(|_| "users".to_string()),
        record_id: user_id.map(str::to_string),
        detail,
    }
}

/// Checks `password` for `user` with throttling, recording the attempt in the audit log.
/// The outer result is the store's; the inner one the sign-in's.
fn check_password(
    ctx: &Ctx<'_>,
    user: &UserView,
    password: &str,
    action: &str,
) -> AppResult<AppResult<()>> {
    let now = ctx.now;
    let actor = AuditActor {
        id: Some(user.id.clone()),
        name: user.username.clone(),
        role: Some(user.role.as_str().into()),
    };
    if let Some(until) = ctx.read(|c| locked_until(c, &user.id, now))? {
        ctx.write(|w| {
            w.audit(auth_entry(
                actor.clone(),
                action,
                AuditOutcome::Failed,
                Some(&user.id),
                "refused: account locked".into(),
            ))
        })?;
        return Ok(Err(locked_out(until, now)));
    }
    // The slow hash check runs outside the write transaction, so it never blocks writers.
    let hash = ctx.read(|c| password_hash_of(c, &user.id))?;
    let matches = password::verify(&hash, password);
    ctx.write(|w| {
        if matches {
            clear_failures(w, &user.id)?;
            return Ok(Ok(()));
        }
        let locked = record_failure(w, &user.id)?;
        w.audit(auth_entry(
            actor.clone(),
            action,
            AuditOutcome::Failed,
            Some(&user.id),
            "wrong password".into(),
        ))?;
        Ok(Err(match locked {
            Some(until) => locked_out(until, now),
            None => invalid_credentials(),
        }))
    })
}

fn login(ctx: &Ctx<'_>, input: LoginInput) -> AppResult<LoginOutput> {
    if input.username.trim().is_empty() {
        return Err(AppError::field("username", "enter your username"));
    }
    if input.password.is_empty() {
        return Err(AppError::field("password", "enter your password"));
    }
    let user = match ctx.read(|c| find_user(c, &input.username))? {
        Some(user) => user,
        None => {
            password::verify_against_dummy(&input.password);
            let name = input.username.trim().chars().take(64).collect::<String>();
            ctx.write(|w| {
                w.audit(auth_entry(
                    AuditActor {
                        id: None,
                        name: "anonymous".into(),
                        role: None,
                    },
                    "login",
                    AuditOutcome::Failed,
                    None,
                    format!("unknown username {name:?}"),
                ))
            })?;
            return Err(invalid_credentials());
        }
    };
    check_password(ctx, &user, &input.password, "login")??;
    if !user.active {
        ctx.write(|w| {
            w.audit(auth_entry(
                AuditActor {
                    id: Some(user.id.clone()),
                    name: user.username.clone(),
                    role: Some(user.role.as_str().into()),
                },
                "login",
                AuditOutcome::Failed,
                Some(&user.id),
                "refused: account disabled".into(),
            ))
        })?;
        return Err(AppError::new(
            ErrorCode::AccountDisabled,
            "this account is disabled; ask an administrator",
        ));
    }
    let signed_in = SignedInUser {
        id: user.id.clone(),
        username: user.username.clone(),
        full_name: user.full_name.clone(),
        role: user.role,
        must_change_password: user.must_change_password,
    };
    ctx.write(|w| {
        w.audit(auth_entry(
            crate::registry::Actor::User(signed_in.clone()).audit_actor(),
            "login",
            AuditOutcome::Ok,
            Some(&user.id),
            String::new(),
        ))
    })?;
    let token = ctx.ws.sessions.start(&signed_in, ctx.now);
    let user = ctx.read(|c| get_user_by_id(c, &signed_in.id))?;
    Ok(LoginOutput {
        token,
        permissions: user.role.permissions(),
        idle_lock_minutes: crate::clinic::idle_lock_minutes(ctx.ws.store())?,
        user,
    })
}

fn logout(ctx: &Ctx<'_>, _: NoInput) -> AppResult<Done> {
    if let Some(token) = ctx.session_token() {
        if ctx.ws.sessions.end(token).is_some() {
            let entry = ctx.audit_entry(AuditOutcome::Ok, None, String::new());
            ctx.write(|w| w.audit(entry))?;
        }
    }
    Ok(Done::ok())
}

fn lock_session(ctx: &Ctx<'_>, _: NoInput) -> AppResult<Done> {
    let token = ctx.session_token().ok_or_else(|| {
        AppError::new(
            ErrorCode::Unauthenticated,
            "only a signed-in session can be locked",
        )
    })?;
    ctx.ws.sessions.set_locked(token, true, ctx.now);
    Ok(Done::ok())
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UnlockInput {
    pub password: String,
}

fn unlock_session(ctx: &Ctx<'_>, input: UnlockInput) -> AppResult<LoginOutput> {
    let token = ctx.session_token().ok_or_else(|| {
        AppError::new(
            ErrorCode::Unauthenticated,
            "there is no session to unlock; sign in",
        )
    })?;
    let signed_in = ctx.user()?.clone();
    if input.password.is_empty() {
        return Err(AppError::field("password", "enter your password"));
    }
    let user = ctx.read(|c| get_user_by_id(c, &signed_in.id))?;
    check_password(ctx, &user, &input.password, "unlock_session")??;
    ctx.ws.sessions.set_locked(token, false, ctx.now);
    let entry = ctx.audit_entry(AuditOutcome::Ok, Some(("users", &user.id)), String::new());
    ctx.write(|w| w.audit(entry))?;
    Ok(LoginOutput {
        token: token.to_string(),
        permissions: user.role.permissions(),
        idle_lock_minutes: crate::clinic::idle_lock_minutes(ctx.ws.store())?,
        user,
    })
}

#[derive(Debug, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct WhoAmI {
    pub user: UserView,
    pub permissions: Vec<Permission>,
    pub idle_lock_minutes: i64,
}

fn whoami(ctx: &Ctx<'_>, _: NoInput) -> AppResult<WhoAmI> {
    let me = ctx.user()?;
    let user = ctx.read(|c| get_user_by_id(c, &me.id))?;
    Ok(WhoAmI {
        permissions: user.role.permissions(),
        idle_lock_minutes: crate::clinic::idle_lock_minutes(ctx.ws.store())?,
        user,
    })
}

// ---- passwords ----

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordInput {
    pub current_password: String,
    pub new_password: String,
}

fn set_password(
    w: &mut WriteTx<'_>,
    user_id: &str,
    new_password: &str,
    must_change: bool,
) -> AppResult<()> {
    let hash = password::hash(new_password)?;
    let now = w.now_text();
    w.conn().execute(
        "UPDATE users SET password_hash = ?1, must_change_password = ?2, password_changed_at = ?3, updated_at = ?3
         WHERE id = ?4",
        params![hash, must_change, now, user_id],
    )?;
    w.record_change("users", user_id, ChangeOp::Update)
}

fn change_password(ctx: &Ctx<'_>, input: ChangePasswordInput) -> AppResult<Done> {
    let me = ctx.user()?.clone();
    if input.current_password.is_empty() {
        return Err(AppError::field(
            "current_password",
            "enter your current password",
        ));
    }
    password::check_policy(&input.new_password, &me.username, "new_password")?;
    if input.new_password == input.current_password {
        return Err(AppError::field(
            "new_password",
            "the new password must differ from the current one",
        ));
    }
    let user = ctx.read(|c| get_user_by_id(c, &me.id))?;
    check_password(ctx, &user, &input.current_password, "change_password")?.map_err(|e| {
        if e.code == ErrorCode::InvalidCredentials {
            AppError::field("current_password", "the current password is wrong")
        } else {
            e
        }
    })?;
    ctx.write(|w| {
        set_password(w, &me.id, &input.new_password, false)?;
        let entry = ctx.audit_entry(AuditOutcome::Ok, Some(("users", &me.id)), String::new());
        w.audit(entry)
    })?;
    Ok(Done::ok())
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordInput {
    pub username: String,
    pub new_password: String,
    /// Make the user choose a new password at next sign-in (default: yes).
    #[serde(default = "yes")]
    pub must_change_password: bool,
}

fn reset_password(ctx: &Ctx<'_>, input: ResetPasswordInput) -> AppResult<UserView> {
    let user = ctx.write(|w| {
        let user = require_user(w.conn(), &input.username)?;
        password::check_policy(&input.new_password, &user.username, "new_password")?;
        set_password(w, &user.id, &input.new_password, input.must_change_password)?;
        clear_failures(w, &user.id)?;
        let entry = ctx.audit_entry(
            AuditOutcome::Ok,
            Some(("users", &user.id)),
            format!("reset password of {}", user.username),
        );
        w.audit(entry)?;
        get_user_by_id(w.conn(), &user.id)
    })?;
    ctx.ws.sessions.end_all_of(&user.id);
    Ok(user)
}

#[derive(Debug, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UsernameInput {
    pub username: String,
}

fn set_active(ctx: &Ctx<'_>, username: &str, active: bool) -> AppResult<UserView> {
    let user = ctx.write(|w| {
        let user = require_user(w.conn(), username)?;
        if !active {
            if let crate::registry::Actor::User(me) = &ctx.actor {
                if me.id == user.id {
                    return Err(AppError::field(
                        "username",
                        "you cannot disable your own account",
                    ));
                }
            }
            ensure_not_last_admin(w.conn(), &user, "username")?;
        }
        if user.active != active {
            w.conn().execute(
                "UPDATE users SET active = ?1, updated_at = ?2 WHERE id = ?3",
                params![active, w.now_text(), user.id],
            )?;
            w.record_change("users", &user.id, ChangeOp::Update)?;
            let entry = ctx.audit_entry(
                AuditOutcome::Ok,
                Some(("users", &user.id)),
                user.username.clone(),
            );
            w.audit(entry)?;
        }
        get_user_by_id(w.conn(), &user.id)
    })?;
    if !active {
        ctx.ws.sessions.end_all_of(&user.id);
    }
    Ok(user)
}

fn disable_user(ctx: &Ctx<'_>, input: UsernameInput) -> AppResult<UserView> {
    set_active(ctx, &input.username, false)
}

fn enable_user(ctx: &Ctx<'_>, input: UsernameInput) -> AppResult<UserView> {
    set_active(ctx, &input.username, true)
}
