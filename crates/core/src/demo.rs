//! The demo clinic: a user of every role, for evaluation. Later capabilities add their
//! sample data here.

use crate::access::Role;
use crate::audit::AuditOutcome;
use crate::error::{AppError, AppResult};
use crate::registry::{command, Access, CommandSpec, Ctx, NoInput};
use crate::store::ChangeOp;
use crate::{accounts, clinic, Caller};
use serde::Serialize;

pub(crate) fn commands() -> Vec<CommandSpec> {
    vec![command(
        "create_demo_clinic",
        "Set up a demo clinic with sample users",
        Access::Public,
        create_demo_clinic,
    )]
}

/// A demo account and its (published) password.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct DemoUser {
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub password: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct DemoClinic {
    pub clinic_name: String,
    pub users: Vec<DemoUser>,
    /// Shown once, like a real clinic's (absent for in-memory stores).
    pub recovery_passphrase: Option<String>,
}

struct Seed {
    username: &'static str,
    full_name: &'static str,
    role: Role,
    password: &'static str,
    specialization: Option<&'static str>,
    licence: Option<&'static str>,
    department: Option<&'static str>,
}

const SEEDS: &[Seed] = &[
    Seed {
        username: "admin",
        full_name: "Alex Admin",
        role: Role::Admin,
        password: "blue lantern orchid 47",
        specialization: None,
        licence: None,
        department: None,
    },
    Seed {
        username: "dr.rossi",
        full_name: "Dr. Giulia Rossi",
        role: Role::Doctor,
        password: "quiet harbour maple 47",
        specialization: Some("General practice"),
        licence: Some("MED-IT-20417"),
        department: Some("General Medicine"),
    },
    Seed {
        username: "dr.okafor",
        full_name: "Dr. Chinedu Okafor",
        role: Role::Doctor,
        password: "bright meadow pebble 47",
        specialization: Some("Paediatrics"),
        licence: Some("MED-NG-88213"),
        department: Some("Paediatrics"),
    },
    Seed {
        username: "nurse.muller",
        full_name: "Jana Müller",
        role: Role::Nurse,
        password: "silver compass tide 47",
        specialization: None,
        licence: None,
        department: Some("General Medicine"),
    },
    Seed {
        username: "reception",
        full_name: "María López",
        role: Role::Receptionist,
        password: "warm garden ribbon 47",
        specialization: None,
        licence: None,
        department: None,
    },
    Seed {
        username: "pharmacy",
        full_name: "Søren Nielsen",
        role: Role::Pharmacist,
        password: "clear window saffron 47",
        specialization: None,
        licence: None,
        department: None,
    },
    Seed {
        username: "accounts",
        full_name: "Aiko Tanaka",
        role: Role::Accountant,
        password: "steady ledger violet 47",
        specialization: None,
        licence: None,
        department: None,
    },
    Seed {
        username: "display",
        full_name: "Waiting Room Display",
        role: Role::Kiosk,
        password: "calm screen willow 47",
        specialization: None,
        licence: None,
        department: None,
    },
];

const DEPARTMENTS: &[(&str, &str)] = &[
    ("General Medicine", "Family and general practice"),
    ("Paediatrics", "Children and adolescents"),
    ("Cardiology", "Heart and vessels"),
];

/// Doctors' default consultation fees in the demo clinic.
const DEMO_FEES: &[(&str, &str)] = &[("dr.rossi", "60.00"), ("dr.okafor", "75.00")];

/// Sample patients in the demo clinic (generated deterministically).
pub const DEMO_PATIENTS: usize = 300;

pub const DEMO_CLINIC_NAME: &str = "Demo Clinic (sample data)";

fn create_demo_clinic(ctx: &Ctx<'_>, _: NoInput) -> AppResult<DemoClinic> {
    let admin = &SEEDS[0];
    let setup = clinic::setup(
        ctx,
        clinic::SetupClinicInput {
            clinic_name: DEMO_CLINIC_NAME.into(),
            admin_username: admin.username.into(),
            admin_full_name: admin.full_name.into(),
            admin_password: admin.password.into(),
            time_zone: Some("Europe/Rome".into()),
            currency: Some("EUR".into()),
        },
    )?;
    ctx.write(|w| {
        for (name, description) in DEPARTMENTS {
            let id = crate::clock::new_id();
            w.conn().execute(
                "INSERT INTO departments (id, name, description, active, created_at, updated_at)
                 VALUES (?1, ?2, ?3, 1, ?4, ?4)",
                rusqlite::params![id, name, description, w.now_text()],
            )?;
            w.record_change("departments", &id, ChangeOp::Insert)?;
        }
        for seed in &SEEDS[1..] {
            let user = accounts::insert_user(
                w,
                accounts::NewUser {
                    username: seed.username,
                    full_name: seed.full_name,
                    role: seed.role,
                    password: seed.password,
                    username_field: "username",
                    full_name_field: "full_name",
                    password_field: "password",
                    specialization: seed.specialization,
                    licence_number: seed.licence,
                    department: seed.department,
                    must_change_password: false,
                },
            )?;
            let entry = ctx.audit_entry(AuditOutcome::Ok, Some(("users", &user.id)), format!("demo user {}", user.username));
            w.audit(entry)?;
        }
        w.conn().execute(
            "UPDATE clinic SET address = 'Via Roma 1, 00100 Roma', phone = '+39 06 1234 5678', locale = 'en-GB'",
            [],
        )?;
        let id: String = w.conn().query_row("SELECT id FROM clinic", [], |r| r.get(0))?;
        w.record_change("clinic", &id, ChangeOp::Update)?;
        for (username, fee) in DEMO_FEES {
            let uid: String =
                w.conn().query_row("SELECT id FROM users WHERE username = ?1", [username], |r| r.get(0))?;
            w.conn().execute("UPDATE users SET consultation_fee = ?2 WHERE id = ?1", rusqlite::params![uid, fee])?;
            w.record_change("users", &uid, ChangeOp::Update)?;
        }
        Ok::<_, AppError>(())
    })?;
    crate::patients::generate::generate_patients(
        ctx.ws.store(),
        DEMO_PATIENTS,
        2026,
        ctx.now,
        ctx.actor.audit_actor(),
        |_| {},
    )?;
    // The schedule is made as the demo's admin and receptionist would make it.
    let sign_in = |seed: &Seed| -> AppResult<Caller> {
        let out = ctx.ws.dispatch(
            &Caller::Anonymous,
            "login",
            serde_json::json!({"username": seed.username, "password": seed.password}),
        )?;
        Ok(Caller::Session(
            out["token"].as_str().unwrap_or_default().to_string(),
        ))
    };
    let desk = SEEDS
        .iter()
        .find(|s| s.role == Role::Receptionist)
        .ok_or_else(|| AppError::internal("the demo has no receptionist"))?;
    let (admin_session, desk_session) = (sign_in(admin)?, sign_in(desk)?);
    crate::scheduling::demo::seed(ctx.ws, ctx.now, &admin_session, &desk_session)?;
    let role_seed = |role: Role| {
        SEEDS
            .iter()
            .find(|s| s.role == role)
            .ok_or_else(|| AppError::internal("the demo lacks a role"))
    };
    let doctor_session = sign_in(role_seed(Role::Doctor)?)?;
    let nurse_session = sign_in(role_seed(Role::Nurse)?)?;
    crate::records::demo::seed(ctx.ws, &doctor_session, &nurse_session)?;
    let accountant_session = sign_in(role_seed(Role::Accountant)?)?;
    let rossi: Option<String> = ctx.ws.store().read(|c| {
        Ok(c.query_row(
            "SELECT id FROM users WHERE username = 'dr.rossi'",
            [],
            |r| r.get(0),
        )
        .ok())
    })?;
    crate::billing::demo::seed(ctx.ws, &accountant_session, &desk_session, rossi)?;
    for session in [
        admin_session,
        desk_session,
        doctor_session,
        nurse_session,
        accountant_session,
    ] {
        ctx.ws.dispatch(&session, "logout", serde_json::json!({}))?;
    }
    Ok(DemoClinic {
        clinic_name: DEMO_CLINIC_NAME.into(),
        users: SEEDS
            .iter()
            .map(|s| DemoUser {
                username: s.username.into(),
                full_name: s.full_name.into(),
                role: s.role,
                password: s.password.into(),
            })
            .collect(),
        recovery_passphrase: setup.recovery_passphrase,
    })
}
