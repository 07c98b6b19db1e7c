//! `clinicdesk`: the headless administration tool. Every subcommand that touches clinic data
//! goes through the core's command registry, so it gets the same checks and audit as the UI.

use clap::{Args, Parser, Subcommand};
use clinicdesk_core::keys::{KeyFile, KeySource, Keychain, RecoveryEnvelope};
use clinicdesk_core::{AppError, Caller, ErrorCode, Workstation};
use serde_json::{json, Value};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod bench;
mod bench_billing;
mod bench_records;
mod bench_schedule;
mod bench_sync;
mod sync_cmd;
mod write_loop;

#[derive(Parser)]
#[command(
    name = "clinicdesk",
    version,
    about = "ClinicDesk administration: set up, users, backups, verification, scripted commands"
)]
struct Cli {
    /// The clinic database (default: the desktop app's, in the user's data folder).
    #[arg(long, global = true, env = "CLINICDESK_DB")]
    db: Option<PathBuf>,
    /// Headless key source: a file holding the 256-bit key as 64 hex characters (mode 0600).
    /// Without it the OS keychain is used.
    #[arg(long, global = true, env = "CLINICDESK_KEY_FILE")]
    key_file: Option<PathBuf>,
    /// Machine-readable output: JSON on stdout; errors as {code, message, field} on stderr.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the database, the clinic and its first administrator.
    Init(InitArgs),
    /// Manage user accounts (as the built-in administrator).
    #[command(subcommand)]
    User(UserCommand),
    /// Apply pending schema migrations.
    Migrate,
    /// Check database integrity, foreign keys and the audit chain.
    Verify,
    /// Write an encrypted backup (sqlcipher_export), with the recovery file beside it.
    Backup {
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a backup into --db (refuses to replace an existing database without --force).
    Restore {
        #[arg(long)]
        from: PathBuf,
        #[arg(long)]
        force: bool,
        /// Open the backup with its recovery passphrase (read from stdin) on a machine that
        /// does not hold the key; the key is then stored in --key-file or the keychain.
        #[arg(long)]
        recovery_passphrase_stdin: bool,
    },
    /// Create a demo clinic with a user of every role, and print their passwords.
    Demo,
    /// Add deterministic sample data to an existing clinic (for evaluation and benchmarks).
    #[command(subcommand)]
    Generate(GenerateCommand),
    /// Run a benchmark (build with --release; see docs/BENCHMARKS.md).
    #[command(subcommand)]
    Bench(BenchCommand),
    /// List the command registry: names, permissions, input schemas.
    Commands,
    /// Crash-safety test driver, for a THROWAWAY clinic only: issues and pays invoices in a
    /// loop through the real commands, as the accountant `write.loop` (created, or given a
    /// new random password, by the built-in administrator) for the patient "Crash
    /// Write-Loop" with four LOOP-* price list entries (created when missing). Each round:
    /// a draft, 1–3 lines, issue, a payment (a third of them half the total), each its own
    /// transaction. After every committed command one line is printed and flushed:
    /// `ready <workstation>`, `draft <invoice>`, `line <invoice> <line>`,
    /// `issued <invoice> <number> <lines> <total>`, `paid <payment> <receipt> <amount>
    /// <invoice>`, and `done <n>` at the end. Issued invoices and payments are never
    /// deleted: do not run it on a real clinic's database.
    WriteLoop {
        /// Rounds to run; without it, until the process is stopped.
        #[arg(long)]
        count: Option<u64>,
        /// The same seed gives the same lines, quantities and payments.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Sync with the central PostgreSQL server (docs/SYNC.md).
    #[command(subcommand)]
    Sync(SyncCommand),
    /// Run one registry command as a user: same checks and audit as the desktop app.
    Call {
        name: String,
        #[arg(long = "as")]
        as_user: String,
        #[arg(long)]
        password_stdin: bool,
        /// The command's input as a JSON object.
        #[arg(long, default_value = "{}")]
        input: String,
    },
}

#[derive(Args)]
struct SyncServerArgs {
    /// The central server, e.g. postgres://clinicdesk@db.clinic.local/clinicdesk?sslmode=require
    /// (default: the workstation's sync settings).
    #[arg(long, env = "CLINICDESK_SYNC_URL")]
    url: Option<String>,
    /// Read the server password from stdin (default: the OS keychain, as set in the app).
    #[arg(long)]
    password_stdin: bool,
}

#[derive(Subcommand)]
enum SyncCommand {
    /// Create or upgrade the central schema (run once, by the role that owns it).
    Migrate {
        #[command(flatten)]
        server: SyncServerArgs,
    },
    /// Pull everything new and push everything pending, then exit. A --db that does not
    /// exist yet is created: a new workstation joins the clinic by pulling it.
    Once {
        #[command(flatten)]
        server: SyncServerArgs,
        /// This workstation's name on the server (default: the settings').
        #[arg(long)]
        name: Option<String>,
        /// No progress lines on stderr.
        #[arg(long)]
        quiet: bool,
    },
    /// Stay connected: pull as soon as another workstation pushes, push this one's changes,
    /// reconnect after failures; ends when stdin closes.
    Watch {
        #[command(flatten)]
        server: SyncServerArgs,
        #[arg(long)]
        name: Option<String>,
    },
    /// The sync status: pending changes, last sync, last error, open conflicts.
    Status,
}

#[derive(Subcommand)]
enum GenerateCommand {
    /// Generate patients with realistic, skewed names (accented and non-Latin included).
    Patients {
        #[arg(long)]
        count: usize,
        /// The same seed gives the same patients.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Generate doctors with weekly hours and a history of appointments for the patients
    /// already in the clinic.
    Schedule {
        #[arg(long, default_value_t = 50)]
        doctors: usize,
        #[arg(long)]
        count: usize,
        #[arg(long, default_value_t = 10)]
        years: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Patient search as you type at several clinic sizes: the command and the raw SQL.
    Search {
        /// Clinic sizes, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "10000,100000,1000000")]
        sizes: Vec<usize>,
        /// Queries per kind and size.
        #[arg(long, default_value_t = 400)]
        queries: usize,
        /// Where the generated databases are kept between runs.
        #[arg(long)]
        dir: Option<PathBuf>,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Also write the results into this Markdown file's search section (between
        /// `<!-- search:begin -->` and `<!-- search:end -->`), e.g. docs/BENCHMARKS.md.
        #[arg(long)]
        doc: Option<PathBuf>,
    },
    /// Opening a chart with a long history, ICD-10 search and the prescription PDF.
    Records {
        /// Signed encounters of the benchmark patient.
        #[arg(long, default_value_t = 200)]
        encounters: usize,
        /// Operations per kind.
        #[arg(long, default_value_t = 300)]
        queries: usize,
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Also write the results into this Markdown file's records section.
        #[arg(long)]
        doc: Option<PathBuf>,
    },
    /// The invoice PDF, issue + pay, outstanding balances and the monthly revenue report on
    /// years of billing.
    Billing {
        /// Issued invoices in the benchmark clinic.
        #[arg(long, default_value_t = 1_000_000)]
        invoices: usize,
        /// Patients (default: a tenth of the invoices, 50 to 100000).
        #[arg(long)]
        patients: Option<usize>,
        /// Years of history, ending yesterday.
        #[arg(long, default_value_t = 5)]
        years: u32,
        /// Operations per kind.
        #[arg(long, default_value_t = 300)]
        queries: usize,
        #[arg(long)]
        dir: Option<PathBuf>,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Also write the results into this Markdown file's billing section.
        #[arg(long)]
        doc: Option<PathBuf>,
    },
    /// Push and pull a backlog through a real PostgreSQL, and the fan-out between two
    /// connected workstations (a throwaway database is created and dropped).
    Sync {
        /// Changes in the backlog.
        #[arg(long, default_value_t = 100_000)]
        changes: usize,
        /// Timed fan-out writes.
        #[arg(long, default_value_t = 40)]
        fanout: usize,
        /// A PostgreSQL server the bench may create a database on.
        #[arg(
            long,
            env = "CLINICDESK_TEST_PG_URL",
            default_value = "postgres://postgres@127.0.0.1:5432/test"
        )]
        url: String,
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Also write the results into this Markdown file's sync section.
        #[arg(long)]
        doc: Option<PathBuf>,
    },
    /// Booking, the clinic day and the slot finder on a decade of appointments.
    Schedule {
        #[arg(long, default_value_t = 5_000_000)]
        appointments: usize,
        #[arg(long, default_value_t = 50)]
        doctors: usize,
        #[arg(long, default_value_t = 100_000)]
        patients: usize,
        #[arg(long, default_value_t = 10)]
        years: u32,
        /// Operations per kind.
        #[arg(long, default_value_t = 500)]
        queries: usize,
        #[arg(long)]
        dir: Option<PathBuf>,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Also write the results into this Markdown file's scheduling section.
        #[arg(long)]
        doc: Option<PathBuf>,
    },
}

#[derive(Args)]
struct InitArgs {
    #[arg(long)]
    clinic_name: String,
    #[arg(long)]
    admin_username: String,
    #[arg(long, default_value = "Administrator")]
    admin_full_name: String,
    #[arg(long)]
    admin_password_stdin: bool,
    /// IANA time zone, e.g. Europe/Rome (default UTC).
    #[arg(long)]
    time_zone: Option<String>,
    /// ISO 4217 currency code (default EUR).
    #[arg(long)]
    currency: Option<String>,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user account.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        full_name: String,
        #[arg(long)]
        password_stdin: bool,
        #[arg(long)]
        specialization: Option<String>,
        #[arg(long)]
        licence_number: Option<String>,
        #[arg(long)]
        department: Option<String>,
        /// The user must choose a new password at first sign-in.
        #[arg(long)]
        temporary: bool,
    },
    /// List user accounts.
    List,
    /// Set a user's password (clears a sign-in lockout).
    Passwd {
        #[arg(long)]
        username: String,
        #[arg(long)]
        password_stdin: bool,
        /// The user must choose a new password at next sign-in.
        #[arg(long)]
        temporary: bool,
    },
    /// Disable a user account (accounts are never deleted).
    Disable {
        #[arg(long)]
        username: String,
    },
    /// Enable a disabled user account.
    Enable {
        #[arg(long)]
        username: String,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() && std::env::args().any(|a| a == "--json") => {
            let message = e
                .to_string()
                .lines()
                .next()
                .unwrap_or("invalid arguments")
                .trim_start_matches("error: ")
                .to_string();
            let error = json!({"code": "validation", "message": message});
            eprintln!("{error}");
            return ExitCode::from(2);
        }
        Err(e) => e.exit(),
    };
    let json = cli.json;
    match run(cli) {
        Ok(Outcome::Done(text, value)) => {
            emit(json, &text, &value);
            ExitCode::SUCCESS
        }
        Ok(Outcome::Failed(text, value)) => {
            emit(json, &text, &value);
            ExitCode::from(1)
        }
        Err(e) => {
            if json {
                eprintln!(
                    "{}",
                    serde_json::to_string(&e).unwrap_or_else(|_| e.message.clone())
                );
            } else {
                let field = e
                    .field
                    .as_deref()
                    .map(|f| format!(" [{f}]"))
                    .unwrap_or_default();
                eprintln!("clinicdesk: error: {}{field}", e.message);
            }
            ExitCode::from(1)
        }
    }
}

enum Outcome {
    /// Human text and the JSON value.
    Done(String, Value),
    /// Ran, but found problems (verify).
    Failed(String, Value),
}

fn emit(json: bool, text: &str, value: &Value) {
    use std::io::Write;
    let out = if json {
        serde_json::to_string_pretty(value).unwrap_or_default()
    } else {
        text.to_string()
    };
    if !out.is_empty() {
        // A closed pipe (`| head`) is not an error of ours.
        let _ = writeln!(std::io::stdout().lock(), "{out}");
    }
}

fn db_path(cli: &Cli) -> Result<PathBuf, AppError> {
    cli.db
        .clone()
        .or_else(clinicdesk_core::default_db_path)
        .ok_or_else(|| AppError::field("db", "no data folder on this system; pass --db"))
}

fn key_source(cli: &Cli, db: &Path) -> Box<dyn KeySource> {
    match &cli.key_file {
        Some(path) => Box::new(KeyFile::new(path)),
        None => Box::new(Keychain::for_database(db)),
    }
}

/// Reads one line from stdin (a password), without its line ending.
fn read_secret(flag: &str, field: &str) -> Result<String, AppError> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| AppError::io(format!("could not read standard input: {e}")))?;
    let secret = line.trim_end_matches(['\n', '\r']).to_string();
    if secret.is_empty() {
        return Err(AppError::field(
            field,
            format!("{flag}: standard input was empty"),
        ));
    }
    Ok(secret)
}

fn require_flag(set: bool, flag: &str, field: &str) -> Result<(), AppError> {
    if set {
        Ok(())
    } else {
        Err(AppError::field(
            field,
            format!("the password is read from standard input: pass {flag}"),
        ))
    }
}

/// Opens an existing database with its key.
/// Where benchmark databases are kept between runs.
fn bench_dir(dir: Option<&PathBuf>) -> Result<PathBuf, AppError> {
    match dir {
        Some(d) => Ok(d.clone()),
        None => Ok(dirs::cache_dir()
            .ok_or_else(|| AppError::field("dir", "no cache folder here; pass --dir"))?
            .join("clinicdesk")
            .join("bench")),
    }
}

fn open(cli: &Cli) -> Result<Workstation, AppError> {
    let db = db_path(cli)?;
    if !db.exists() {
        return Err(AppError::new(
            ErrorCode::NotFound,
            format!(
                "database file {} does not exist (run `clinicdesk init` first)",
                db.display()
            ),
        )
        .with_field("db"));
    }
    let key = key_source(cli, &db).load()?;
    Workstation::open_existing(&db, key)
}

/// Creates a database (and its key) for init/demo; removes what it created if setup fails.
fn create_and<T>(
    cli: &Cli,
    f: impl FnOnce(&Workstation) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let db = db_path(cli)?;
    let source = key_source(cli, &db);
    let db_existed = db.exists();
    let key_existed = source.exists()?;
    let key = if db_existed {
        source.load()?
    } else {
        source.load_or_create()?
    };
    let result = Workstation::open(&db, key).and_then(|ws| f(&ws));
    if result.is_err() && !db_existed {
        for suffix in ["", "-wal", "-shm", ".audit-anchor", ".recovery"] {
            let mut name = db.as_os_str().to_owned();
            name.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(name));
        }
        if !key_existed {
            if let Some(path) = &cli.key_file {
                let _ = std::fs::remove_file(path);
            } else {
                let _ = Keychain::for_database(&db).delete();
            }
        }
    }
    result
}

fn run_sync(cli: &Cli, cmd: &SyncCommand) -> Result<Outcome, AppError> {
    let password =
        |server: &SyncServerArgs| -> Result<Option<zeroize::Zeroizing<String>>, AppError> {
            if server.password_stdin {
                Ok(Some(zeroize::Zeroizing::new(read_secret(
                    "--password-stdin",
                    "password",
                )?)))
            } else {
                Ok(None)
            }
        };
    let (text, value) = match cmd {
        SyncCommand::Migrate { server } => {
            let url = server.url.as_deref().ok_or_else(|| {
                AppError::field("url", "--url is required: the central database to prepare")
            })?;
            sync_cmd::migrate(url, password(server)?)?
        }
        SyncCommand::Once {
            server,
            name,
            quiet,
        } => {
            let ws = open_or_join(cli, server.url.is_some())?;
            let target = sync_cmd::target(
                &ws,
                server.url.as_deref(),
                name.as_deref(),
                password(server)?,
            )?;
            sync_cmd::once(ws, &target, *quiet || cli.json)?
        }
        SyncCommand::Watch { server, name } => {
            let ws = open_or_join(cli, server.url.is_some())?;
            let target = sync_cmd::target(
                &ws,
                server.url.as_deref(),
                name.as_deref(),
                password(server)?,
            )?;
            sync_cmd::watch(ws, &target)?
        }
        SyncCommand::Status => {
            let ws = open(cli)?;
            let status = admin(&ws, "get_sync_status", json!({}))?;
            let text = format!(
                "sync {}; {} changes pending; last sync {}; {} open conflicts{}",
                if status["enabled"] == true {
                    "enabled"
                } else {
                    "not set up"
                },
                status["pending"],
                status["last_sync_at"].as_str().unwrap_or("never"),
                status["conflicts"],
                status["last_error"]
                    .as_str()
                    .map(|e| format!("; last error: {e}"))
                    .unwrap_or_default()
            );
            (text, status)
        }
    };
    Ok(Outcome::Done(text, value))
}

/// The workstation's database; with `join`, a missing one is created (empty, to be filled
/// by the first pull).
fn open_or_join(cli: &Cli, join: bool) -> Result<Workstation, AppError> {
    let db = db_path(cli)?;
    if db.exists() || !join {
        return open(cli);
    }
    let key = key_source(cli, &db).load_or_create()?;
    Workstation::open(&db, key)
}

fn admin(ws: &Workstation, name: &str, input: Value) -> Result<Value, AppError> {
    ws.dispatch(&Caller::LocalAdmin, name, input)
}

fn run(cli: Cli) -> Result<Outcome, AppError> {
    match &cli.command {
        Command::Init(args) => {
            require_flag(
                args.admin_password_stdin,
                "--admin-password-stdin",
                "admin_password",
            )?;
            let password = read_secret("--admin-password-stdin", "admin_password")?;
            let input = json!({
                "clinic_name": args.clinic_name,
                "admin_username": args.admin_username,
                "admin_full_name": args.admin_full_name,
                "admin_password": password,
                "time_zone": args.time_zone,
                "currency": args.currency,
            });
            let out = create_and(&cli, |ws| {
                ws.dispatch(&Caller::Anonymous, "setup_clinic", input)
            })?;
            let passphrase = out["recovery_passphrase"].as_str().unwrap_or("");
            let text = format!(
                "Clinic {:?} set up in {}.\nAdministrator: {}\n\nRECOVERY PASSPHRASE (shown once; store it safely, e.g. printed in the clinic safe):\n  {passphrase}\nIt opens a backup of this clinic on a new machine.",
                args.clinic_name,
                db_path(&cli)?.display(),
                out["admin"]["username"].as_str().unwrap_or(""),
            );
            Ok(Outcome::Done(text, out))
        }
        Command::User(cmd) => run_user(&cli, cmd),
        Command::Migrate => {
            let db = db_path(&cli)?;
            if !db.exists() {
                return Err(AppError::not_found(format!(
                    "database file {} does not exist",
                    db.display()
                ))
                .with_field("db"));
            }
            let key = key_source(&cli, &db).load()?;
            let store = clinicdesk_core::store::Store::open_existing(&db, key)?;
            let applied = store.applied_on_open().to_vec();
            let version = store.schema_versions()?.last().copied().unwrap_or(0);
            let text = if applied.is_empty() {
                format!("Schema is current (version {version}).")
            } else {
                applied
                    .iter()
                    .map(|m| format!("applied {} {}", m.version, m.name))
                    .chain(std::iter::once(format!(
                        "Schema is now at version {version}."
                    )))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            Ok(Outcome::Done(
                text,
                json!({"applied": applied, "schema_version": version}),
            ))
        }
        Command::Verify => {
            let ws = open(&cli)?;
            let report = admin(&ws, "verify_database", json!({}))?;
            let mut lines = Vec::new();
            let db_problems: Vec<&str> = report["database_problems"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let audit_problems: Vec<&str> = report["audit"]["problems"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            lines.push(format!(
                "database: {}",
                if db_problems.is_empty() {
                    "ok (integrity_check, foreign_key_check)".to_string()
                } else {
                    format!("{} problem(s)", db_problems.len())
                }
            ));
            lines.extend(db_problems.iter().map(|p| format!("  - {p}")));
            lines.push(format!(
                "audit chain: {} ({} entries)",
                if audit_problems.is_empty() {
                    "ok"
                } else {
                    "TAMPERED"
                },
                report["audit"]["entries"]
            ));
            lines.extend(audit_problems.iter().map(|p| format!("  - {p}")));
            if report["clean"].as_bool() == Some(true) {
                Ok(Outcome::Done(lines.join("\n"), report))
            } else {
                lines.push("verification FAILED".into());
                if !cli.json {
                    eprintln!("{}", lines.join("\n"));
                    return Ok(Outcome::Failed(String::new(), report));
                }
                Ok(Outcome::Failed(lines.join("\n"), report))
            }
        }
        Command::Backup { out } => {
            let ws = open(&cli)?;
            let report = admin(&ws, "create_backup", json!({"path": out}))?;
            let text = format!(
                "Backup written to {} ({} bytes){}",
                report["path"].as_str().unwrap_or(""),
                report["bytes"],
                report["recovery_file"]
                    .as_str()
                    .map(|r| format!("; recovery file {r}"))
                    .unwrap_or_default()
            );
            Ok(Outcome::Done(text, report))
        }
        Command::Restore {
            from,
            force,
            recovery_passphrase_stdin,
        } => {
            let db = db_path(&cli)?;
            let source = key_source(&cli, &db);
            let mut stored_new_key = false;
            let key = if *recovery_passphrase_stdin {
                let passphrase = read_secret("--recovery-passphrase-stdin", "recovery_passphrase")?;
                let envelope_path = clinicdesk_core::clinic::recovery_path(from);
                let key = RecoveryEnvelope::read_from(&envelope_path)?.unwrap_key(&passphrase)?;
                if source.exists()? {
                    if source.load()? != key {
                        return Err(AppError::conflict(
                            "a different database key is already stored for this database; choose another --key-file or --db",
                        ));
                    }
                } else {
                    source.store_new(&key)?;
                    stored_new_key = true;
                }
                key
            } else {
                source.load()?
            };
            let report = match clinicdesk_core::maintenance::restore_backup(from, &db, &key, *force)
            {
                Ok(report) => report,
                Err(e) => {
                    // Nothing half-written: a key stored for this restore goes with it.
                    if stored_new_key {
                        let _ = source.remove();
                    }
                    return Err(e);
                }
            };
            let value =
                serde_json::to_value(&report).map_err(|e| AppError::internal(e.to_string()))?;
            let text = format!(
                "Restored {} into {} (schema {}, {} audit entries verified).",
                from.display(),
                report.restored_to,
                report.schema_version,
                report.audit_entries
            );
            Ok(Outcome::Done(text, value))
        }
        Command::Demo => {
            let out = create_and(&cli, |ws| {
                ws.dispatch(&Caller::Anonymous, "create_demo_clinic", json!({}))
            })?;
            let mut text = format!(
                "{} created. Demo users (password after the colon):\n",
                out["clinic_name"].as_str().unwrap_or("")
            );
            for u in out["users"].as_array().into_iter().flatten() {
                text.push_str(&format!(
                    "  {:<14} {:<13} {}: {}\n",
                    u["username"].as_str().unwrap_or(""),
                    u["role"].as_str().unwrap_or(""),
                    u["full_name"].as_str().unwrap_or(""),
                    u["password"].as_str().unwrap_or("")
                ));
            }
            if let Some(p) = out["recovery_passphrase"].as_str() {
                text.push_str(&format!("Recovery passphrase: {p}"));
            }
            Ok(Outcome::Done(text.trim_end().to_string(), out))
        }
        Command::Generate(GenerateCommand::Patients { count, seed }) => {
            if *count == 0 || *count > 10_000_000 {
                return Err(AppError::field(
                    "count",
                    "--count is between 1 and 10000000",
                ));
            }
            let ws = open(&cli)?;
            let started = std::time::Instant::now();
            let done = clinicdesk_core::patients::generate::generate_patients(
                ws.store(),
                *count,
                *seed,
                chrono::Utc::now(),
                clinicdesk_core::Actor::LocalAdmin.audit_actor(),
                |done| {
                    if !cli.json && (done % 50_000 == 0 || done == *count) {
                        eprintln!("  {done}/{count} patients");
                    }
                },
            )?;
            let secs = started.elapsed().as_secs_f64();
            let out =
                json!({"patients": done, "seed": seed, "seconds": (secs * 10.0).round() / 10.0});
            Ok(Outcome::Done(
                format!(
                    "Generated {done} patients in {secs:.1} s ({:.0} per second).",
                    done as f64 / secs
                ),
                out,
            ))
        }
        Command::Generate(GenerateCommand::Schedule {
            doctors,
            count,
            years,
            seed,
        }) => {
            if *doctors == 0 || *doctors > 500 {
                return Err(AppError::field("doctors", "--doctors is between 1 and 500"));
            }
            if *years == 0 || *years > 30 {
                return Err(AppError::field("years", "--years is between 1 and 30"));
            }
            let ws = open(&cli)?;
            let started = std::time::Instant::now();
            let made = clinicdesk_core::scheduling::generate::generate_schedule(
                &ws,
                *doctors,
                *count,
                *years,
                *seed,
                chrono::Utc::now(),
                |done| {
                    if !cli.json {
                        eprintln!("  {done}/{count} appointments");
                    }
                },
            )?;
            let secs = started.elapsed().as_secs_f64();
            Ok(Outcome::Done(
                format!(
                    "Generated {} doctors and {} appointments ({} to {}) in {secs:.1} s.",
                    made.doctors.len(),
                    made.appointments,
                    made.first_day,
                    made.last_day
                ),
                json!({"doctors": made.doctors.len(), "appointments": made.appointments,
                       "first_day": made.first_day.to_string(), "last_day": made.last_day.to_string()}),
            ))
        }
        Command::Bench(BenchCommand::Billing {
            invoices,
            patients,
            years,
            queries,
            dir,
            seed,
            doc,
        }) => {
            if *invoices == 0 || *invoices > 20_000_000 {
                return Err(AppError::field(
                    "invoices",
                    "--invoices is between 1 and 20000000",
                ));
            }
            if *years == 0 || *years > 30 {
                return Err(AppError::field("years", "--years is between 1 and 30"));
            }
            if *queries == 0 {
                return Err(AppError::field("queries", "--queries is at least 1"));
            }
            let opts = bench_billing::BillingOptions {
                invoices: *invoices,
                patients: patients.unwrap_or_else(|| bench_billing::default_patients(*invoices)),
                years: *years,
                queries: *queries,
                dir: bench_dir(dir.as_ref())?,
                seed: *seed,
            };
            let (rows, facts) = bench_billing::run(&opts, &mut |line| eprintln!("{line}"))?;
            if let Some(doc) = doc {
                bench_billing::write_doc(doc, &opts, &rows, &facts)?;
                eprintln!("wrote {}", doc.display());
            }
            Ok(Outcome::Done(
                bench_billing::markdown(&rows),
                bench_billing::to_json(&rows),
            ))
        }
        Command::Bench(BenchCommand::Sync {
            changes,
            fanout,
            url,
            dir,
            doc,
        }) => {
            if *changes == 0 || *fanout == 0 {
                return Err(AppError::field(
                    "changes",
                    "--changes and --fanout are at least 1",
                ));
            }
            let opts = bench_sync::SyncBenchOptions {
                changes: *changes,
                fanout: *fanout,
                url: url.clone(),
                dir: bench_dir(dir.as_ref())?,
            };
            let rows = bench_sync::run(&opts, &mut |line| eprintln!("{line}"))?;
            if let Some(doc) = doc {
                bench_sync::write_doc(doc, &opts, &rows)?;
                eprintln!("wrote {}", doc.display());
            }
            Ok(Outcome::Done(
                bench_sync::markdown(&rows),
                bench_sync::to_json(&rows),
            ))
        }
        Command::Sync(cmd) => run_sync(&cli, cmd),
        Command::WriteLoop { count, seed } => {
            let ws = open(&cli)?;
            let mut stdout = std::io::stdout().lock();
            let done = write_loop::run(&ws, *count, *seed, &mut stdout)?;
            Ok(Outcome::Done(String::new(), json!({"paid": done})))
        }
        Command::Bench(BenchCommand::Records {
            encounters,
            queries,
            dir,
            doc,
        }) => {
            let opts = bench_records::RecordsOptions {
                encounters: *encounters,
                queries: *queries,
                dir: bench_dir(dir.as_ref())?,
            };
            let rows = bench_records::run(&opts, &mut |line| eprintln!("{line}"))?;
            if let Some(doc) = doc {
                bench_records::write_doc(doc, &opts, &rows)?;
                eprintln!("wrote {}", doc.display());
            }
            let value: Vec<Value> = rows
                .iter()
                .map(|r| {
                    json!({"work": r.work, "p50_ms": bench::ms(r.p50), "p95_ms": bench::ms(r.p95),
                           "p99_ms": bench::ms(r.p99), "budget_ms": r.budget_ms, "note": r.note})
                })
                .collect();
            Ok(Outcome::Done(
                bench_records::markdown(&rows),
                Value::Array(value),
            ))
        }
        Command::Bench(BenchCommand::Schedule {
            appointments,
            doctors,
            patients,
            years,
            queries,
            dir,
            seed,
            doc,
        }) => {
            let opts = bench_schedule::ScheduleOptions {
                appointments: *appointments,
                doctors: *doctors,
                patients: *patients,
                years: *years,
                queries: *queries,
                dir: bench_dir(dir.as_ref())?,
                seed: *seed,
            };
            let rows = bench_schedule::run(&opts, &mut |line| eprintln!("{line}"))?;
            if let Some(doc) = doc {
                bench_schedule::write_doc(doc, &opts, &rows)?;
                eprintln!("wrote {}", doc.display());
            }
            let value: Vec<Value> = rows
                .iter()
                .map(|r| {
                    json!({"work": r.work, "p50_ms": bench::ms(r.p50), "p95_ms": bench::ms(r.p95),
                           "p99_ms": bench::ms(r.p99), "budget_ms": r.budget_ms, "note": r.note})
                })
                .collect();
            Ok(Outcome::Done(
                bench_schedule::markdown(&rows),
                Value::Array(value),
            ))
        }
        Command::Bench(BenchCommand::Search {
            sizes,
            queries,
            dir,
            seed,
            doc,
        }) => {
            let opts = bench::BenchOptions {
                sizes: sizes.clone(),
                queries: *queries,
                dir: bench_dir(dir.as_ref())?,
                seed: *seed,
            };
            let rows = bench::run(&opts, &mut |line| eprintln!("{line}"))?;
            if let Some(doc) = doc {
                bench::write_doc(doc, &opts, &rows)?;
                eprintln!("wrote {}", doc.display());
            }
            let value: Vec<Value> = rows
                .iter()
                .map(|r| {
                    json!({"patients": r.size, "query": r.kind,
                           "command_p50_ms": bench::ms(r.command_p50), "command_p99_ms": bench::ms(r.command_p99),
                           "raw_p50_ms": bench::ms(r.raw_p50), "raw_p99_ms": bench::ms(r.raw_p99),
                           "hits_avg": r.avg_hits})
                })
                .collect();
            Ok(Outcome::Done(bench::markdown(&rows), Value::Array(value)))
        }
        Command::Commands => {
            let registry = clinicdesk_core::registry();
            let list: Vec<Value> = registry
                .iter()
                .map(|c| {
                    json!({
                        "name": c.name,
                        "summary": c.summary,
                        "access": c.access.describe(),
                        "input_schema": c.input_schema(),
                        "output_schema": c.output_schema(),
                    })
                })
                .collect();
            let text = registry
                .iter()
                .map(|c| format!("{:<24} {:<20} {}", c.name, c.access.describe(), c.summary))
                .collect::<Vec<_>>()
                .join("\n");
            Ok(Outcome::Done(text, Value::Array(list)))
        }
        Command::Call {
            name,
            as_user,
            password_stdin,
            input,
        } => {
            require_flag(*password_stdin, "--password-stdin", "password")?;
            let input: Value = serde_json::from_str(input)
                .map_err(|e| AppError::field("input", format!("--input is not valid JSON: {e}")))?;
            let password = read_secret("--password-stdin", "password")?;
            let ws = open(&cli)?;
            let login = ws.dispatch(
                &Caller::Anonymous,
                "login",
                json!({"username": as_user, "password": password}),
            )?;
            let token = login["token"].as_str().unwrap_or_default().to_string();
            let caller = Caller::Session(token);
            let result = ws.dispatch(&caller, name, input);
            let _ = ws.dispatch(&caller, "logout", json!({}));
            let out = result?;
            let text = serde_json::to_string_pretty(&out).unwrap_or_default();
            Ok(Outcome::Done(text, out))
        }
    }
}

fn run_user(cli: &Cli, cmd: &UserCommand) -> Result<Outcome, AppError> {
    match cmd {
        UserCommand::Add {
            username,
            role,
            full_name,
            password_stdin,
            specialization,
            licence_number,
            department,
            temporary,
        } => {
            let role: clinicdesk_core::access::Role = role.parse()?;
            require_flag(*password_stdin, "--password-stdin", "password")?;
            let password = read_secret("--password-stdin", "password")?;
            let ws = open(cli)?;
            let user = admin(
                &ws,
                "create_user",
                json!({
                    "username": username, "full_name": full_name, "role": role, "password": password,
                    "specialization": specialization, "licence_number": licence_number,
                    "department": department, "must_change_password": temporary,
                }),
            )?;
            let text = format!(
                "User {} ({}) added.",
                user["username"].as_str().unwrap_or(""),
                user["role"].as_str().unwrap_or("")
            );
            Ok(Outcome::Done(text, user))
        }
        UserCommand::List => {
            let ws = open(cli)?;
            let users = admin(&ws, "list_users", json!({}))?;
            let mut text = format!(
                "{:<16} {:<13} {:<9} {}",
                "USERNAME", "ROLE", "STATUS", "FULL NAME"
            );
            for u in users.as_array().into_iter().flatten() {
                let status = if u["active"].as_bool() != Some(true) {
                    "disabled"
                } else if !u["locked_until"].is_null() {
                    "locked"
                } else {
                    "active"
                };
                text.push_str(&format!(
                    "\n{:<16} {:<13} {:<9} {}",
                    u["username"].as_str().unwrap_or(""),
                    u["role"].as_str().unwrap_or(""),
                    status,
                    u["full_name"].as_str().unwrap_or("")
                ));
            }
            Ok(Outcome::Done(text, users))
        }
        UserCommand::Passwd {
            username,
            password_stdin,
            temporary,
        } => {
            require_flag(*password_stdin, "--password-stdin", "password")?;
            let password = read_secret("--password-stdin", "new_password")?;
            let ws = open(cli)?;
            let user = admin(
                &ws,
                "reset_password",
                json!({"username": username, "new_password": password, "must_change_password": temporary}),
            )?;
            Ok(Outcome::Done(
                format!(
                    "Password of {} set.",
                    user["username"].as_str().unwrap_or("")
                ),
                user,
            ))
        }
        UserCommand::Disable { username } => {
            let ws = open(cli)?;
            let user = admin(&ws, "disable_user", json!({"username": username}))?;
            Ok(Outcome::Done(
                format!("User {} disabled.", user["username"].as_str().unwrap_or("")),
                user,
            ))
        }
        UserCommand::Enable { username } => {
            let ws = open(cli)?;
            let user = admin(&ws, "enable_user", json!({"username": username}))?;
            Ok(Outcome::Done(
                format!("User {} enabled.", user["username"].as_str().unwrap_or("")),
                user,
            ))
        }
    }
}
