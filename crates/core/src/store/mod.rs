//! The encrypted local store: one SQLCipher file per workstation.
//!
//! `Store::open(path, key)` keys the connection first, proves the key with a read, sets the
//! durability pragmas, runs `quick_check`, and applies pending migrations. Reads borrow the
//! connection; writes run in one IMMEDIATE transaction that also appends to the change log
//! (and the audit chain) before it commits.

mod migrations;
mod write;

pub use migrations::{latest_version, AppliedMigration};
pub use write::{ChangeOp, WriteTx, SYNCED_TABLES};

use crate::audit::{self, AuditKey};
use crate::clock::to_db_time;
use crate::error::{AppError, ErrorCode};
use crate::keys::DbKey;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use write::Hlc;

/// Errors of the store; converted to [`AppError`] at the command edge.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database key does not open {path} (wrong key, or not a ClinicDesk database)")]
    WrongKey { path: String },
    #[error("this database has schema version {db_version}, newer than this ClinicDesk build knows ({build_version}); install the newer ClinicDesk")]
    SchemaTooNew { db_version: i64, build_version: i64 },
    #[error("migration {version} ({name}) differs from the one applied to this database")]
    MigrationChanged { version: i64, name: String },
    #[error("migration {version} ({name}) failed: {source}")]
    MigrationFailed {
        version: i64,
        name: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("the database failed its integrity check: {0}")]
    Corrupt(String),
    #[error("database file {path} does not exist")]
    Missing { path: String },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        let code = match &e {
            StoreError::WrongKey { .. } => ErrorCode::WrongKey,
            StoreError::SchemaTooNew { .. } => ErrorCode::SchemaTooNew,
            StoreError::MigrationChanged { .. } | StoreError::Corrupt(_) => ErrorCode::Integrity,
            StoreError::MigrationFailed { .. } | StoreError::Sqlite(_) => ErrorCode::Storage,
            StoreError::Missing { .. } => ErrorCode::NotFound,
            StoreError::Io { .. } => ErrorCode::Io,
        };
        AppError::new(code, e.to_string())
    }
}

impl From<rusqlite::Error> for AppError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sqlite(e).into()
    }
}

/// How long a writer waits for another process's write lock before giving up.
const BUSY_TIMEOUT_MS: u32 = 10_000;

pub struct Store {
    conn: Mutex<Connection>,
    path: Option<PathBuf>,
    key: DbKey,
    audit_key: AuditKey,
    workstation_id: String,
    hlc: Mutex<Hlc>,
    applied_on_open: Vec<AppliedMigration>,
    listeners: Mutex<Vec<ChangeListener>>,
}

/// Called after a write commits, with the synced tables it changed (sorted, no repeats):
/// the desktop shell turns it into a `clinic-changed` event for every open window.
pub type ChangeListener = std::sync::Arc<dyn Fn(&[String]) + Send + Sync>;

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("workstation_id", &self.workstation_id)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (or creates) the encrypted database at `path` with `key`.
    pub fn open(path: &Path, key: DbKey) -> Result<Store, StoreError> {
        Self::open_with(path, key, true)
    }

    /// Opens an existing database; refuses to create one.
    pub fn open_existing(path: &Path, key: DbKey) -> Result<Store, StoreError> {
        Self::open_with(path, key, false)
    }

    fn open_with(path: &Path, key: DbKey, create: bool) -> Result<Store, StoreError> {
        let shown = path.display().to_string();
        if !create && !path.exists() {
            return Err(StoreError::Missing { path: shown });
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
                path: dir.display().to_string(),
                source,
            })?;
        }
        // CREATE stays on even for existing files: ATTACH (backups) inherits these flags.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let existed = path.exists();
        let conn = Connection::open_with_flags(path, flags)?;
        // SQLCipher would print decryption failures to stderr; a wrong key is reported as
        // WrongKey instead. Then the key, before anything reads the file.
        conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
        conn.execute_batch(&format!(
            "PRAGMA key = \"{}\";",
            key.sqlcipher_raw().as_str()
        ))?;
        // SQLCipher only notices a wrong key on the first read of the file.
        let probe: Result<i64, _> =
            conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0));
        match probe {
            Ok(_) => {}
            Err(rusqlite::Error::SqliteFailure(err, _))
                if err.code == rusqlite::ErrorCode::NotADatabase =>
            {
                return Err(StoreError::WrongKey { path: shown })
            }
            Err(e) => return Err(e.into()),
        }
        let store = Self::finish_open(conn, Some(path.to_path_buf()), key)?;
        if !existed {
            let _ = crate::fsutil::restrict_to_owner(path);
            // A new database starts a new chain: an anchor left by an old file at this
            // path must not flag it as truncated.
            audit::reset_anchor(path, &store.audit_key, None).map_err(|source| StoreError::Io {
                path: audit::anchor_path(path).display().to_string(),
                source,
            })?;
        }
        Ok(store)
    }

    /// A throwaway, unencrypted in-memory store (tests, benchmarks of logic).
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory()?;
        Self::finish_open(conn, None, DbKey::generate())
    }

    fn finish_open(
        mut conn: Connection,
        path: Option<PathBuf>,
        key: DbKey,
    ) -> Result<Store, StoreError> {
        conn.busy_timeout(std::time::Duration::from_millis(u64::from(BUSY_TIMEOUT_MS)))?;
        if path.is_some() {
            let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(StoreError::Corrupt(format!(
                    "could not enable WAL (got {mode})"
                )));
            }
        }
        conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
        // Decrypted pages stay in SQLite's own cache (up to 64 MiB, filled only as used):
        // every page read from the file otherwise costs a decryption and an HMAC check.
        conn.execute_batch("PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;")?;
        // Search alone prepares a dozen statements; the default cache of 16 would re-parse.
        conn.set_prepared_statement_cache_capacity(256);
        let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if check != "ok" {
            return Err(StoreError::Corrupt(check));
        }
        let now = to_db_time(Utc::now());
        let applied_on_open = migrations::migrate(&mut conn, &now)?;
        let workstation_id = ensure_workstation_id(&conn, &now)?;
        let hlc = Hlc::resume(&conn, &workstation_id)?;
        let audit_key = AuditKey::derive_from(&key);
        Ok(Store {
            conn: Mutex::new(conn),
            path,
            key,
            audit_key,
            workstation_id,
            hlc: Mutex::new(hlc),
            applied_on_open,
            listeners: Mutex::new(Vec::new()),
        })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn workstation_id(&self) -> &str {
        &self.workstation_id
    }

    pub fn key(&self) -> &DbKey {
        &self.key
    }

    pub(crate) fn audit_key(&self) -> &AuditKey {
        &self.audit_key
    }

    /// Migrations this open applied (empty when the schema was current).
    pub fn applied_on_open(&self) -> &[AppliedMigration] {
        &self.applied_on_open
    }

    pub fn schema_versions(&self) -> Result<Vec<i64>, StoreError> {
        migrations::applied_versions(&self.lock())
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (the transaction rolls
        // back on drop), so a poisoned mutex is safe to keep using.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` with the connection for reading.
    pub fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let conn = self.lock();
        if !conn.is_autocommit() {
            return f(&conn);
        }
        // One read transaction for the whole command: one consistent snapshot, and one
        // file lock instead of one per statement (a search runs several).
        conn.prepare_cached("BEGIN DEFERRED")?.execute([])?;
        let result = f(&conn);
        let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
        let ended = conn.prepare_cached(end).and_then(|mut s| s.execute([]));
        match (result, ended) {
            (Ok(v), Ok(_)) => Ok(v),
            (Ok(_), Err(e)) => Err(e.into()),
            (Err(e), _) => Err(e),
        }
    }

    /// Runs `f` inside one IMMEDIATE transaction: everything it writes (rows, change log,
    /// audit entries) commits together or not at all.
    pub fn write<T>(
        &self,
        now: DateTime<Utc>,
        f: impl FnOnce(&mut WriteTx<'_>) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let mut conn = self.lock();
        let mut hlc = self.hlc.lock().unwrap_or_else(|p| p.into_inner());
        let hlc_before = hlc.clone();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut w = WriteTx::new(tx, &mut hlc, &self.workstation_id, &self.audit_key, now);
        let result = f(&mut w);
        match result {
            Ok(value) => {
                let (head, changed) = w.commit()?;
                drop(hlc);
                if let (Some(head), Some(path)) = (head, &self.path) {
                    // The anchor lives outside the database so truncating the log is caught.
                    audit::write_anchor(&conn, path, &self.audit_key, &head);
                }
                // Listeners may read: tell them once the connection is free again.
                drop(conn);
                self.notify_changed(&changed);
                Ok(value)
            }
            Err(e) => {
                drop(w); // rolls back
                *hlc = hlc_before;
                Err(e)
            }
        }
    }

    /// Registers `listener` for every committed change of synced tables.
    pub fn on_change(&self, listener: ChangeListener) {
        self.listeners
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(listener);
    }

    /// Tells the listeners that `tables` changed: called after each local write, and by
    /// sync when rows from other workstations have been applied.
    pub fn notify_changed(&self, tables: &[String]) {
        if tables.is_empty() {
            return;
        }
        let listeners = self
            .listeners
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        for listener in listeners {
            listener(tables);
        }
    }

    /// `integrity_check` and `foreign_key_check`: an empty list means clean.
    pub fn integrity_problems(&self) -> Result<Vec<String>, StoreError> {
        let conn = self.lock();
        let mut problems = Vec::new();
        let mut stmt = conn.prepare("PRAGMA integrity_check")?;
        for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
            let row = row?;
            if row != "ok" {
                problems.push(format!("integrity_check: {row}"));
            }
        }
        let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
        let rows = stmt.query_map([], |r| {
            Ok(format!(
                "foreign_key_check: {} row {} points to a missing {}",
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?.unwrap_or_default(),
                r.get::<_, String>(2)?
            ))
        })?;
        for row in rows {
            problems.push(row?);
        }
        Ok(problems)
    }

    /// Writes an encrypted copy (same key) to `out` via `sqlcipher_export`: a consistent
    /// snapshot, written to a temp file and renamed into place only when complete.
    pub fn export_to(&self, out: &Path) -> Result<(), StoreError> {
        let io = |source: std::io::Error| StoreError::Io {
            path: out.display().to_string(),
            source,
        };
        let tmp = crate::fsutil::sibling_temp(out, "export");
        let conn = self.lock();
        let result = (|| -> Result<(), StoreError> {
            conn.execute(
                "ATTACH DATABASE ?1 AS export_target KEY ?2",
                rusqlite::params![tmp.to_string_lossy(), self.key.sqlcipher_raw().as_str()],
            )?;
            let exported =
                conn.execute_batch("BEGIN; SELECT sqlcipher_export('export_target'); COMMIT;");
            if exported.is_err() {
                let _ = conn.execute_batch("ROLLBACK;");
            }
            let detached = conn.execute_batch("DETACH DATABASE export_target;");
            exported?;
            detached?;
            crate::fsutil::restrict_to_owner(&tmp).map_err(io)?;
            let file = std::fs::File::open(&tmp).map_err(io)?;
            file.sync_all().map_err(io)?;
            std::fs::rename(&tmp, out).map_err(io)?;
            crate::fsutil::sync_parent(out).map_err(io)?;
            Ok(())
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }
}

fn ensure_workstation_id(conn: &Connection, now: &str) -> Result<String, StoreError> {
    let existing: Option<String> = conn
        .query_row(
            "SELECT value FROM local_meta WHERE key = 'workstation_id'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let id = crate::clock::new_id();
    conn.execute(
        "INSERT INTO local_meta (key, value) VALUES ('workstation_id', ?1), ('created_at', ?2)
         ON CONFLICT(key) DO NOTHING",
        rusqlite::params![id, now],
    )?;
    // Another process may have won the race; read back whichever id stuck.
    Ok(conn.query_row(
        "SELECT value FROM local_meta WHERE key = 'workstation_id'",
        [],
        |r| r.get(0),
    )?)
}
