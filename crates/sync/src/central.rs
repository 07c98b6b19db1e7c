use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::migrate::{MigrateError, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::{ConnectOptions, Connection, Row};
use uuid::Uuid;

use crate::{Change, ChangeOp, PulledChange, SyncError};

/// The PostgreSQL channel on which every insert into the change log is announced
/// (payload: [`crate::ChangeNotification`]).
pub const CHANGES_CHANNEL: &str = "clinicdesk_changes";

/// Rows per INSERT statement when pushing; all batches of one push share one transaction.
/// Large enough to amortise round trips, small enough to keep each message modest.
pub const PUSH_BATCH_ROWS: usize = 2_000;

const SCHEMA: &str = "clinicdesk";
// Kept inside the schema so the whole central footprint is one schema.
const MIGRATIONS_TABLE: &str = "clinicdesk._sqlx_migrations";
// A workstation talks to the server from one sync task at a time; a few connections cover
// a push overlapping a pull and a listener.
const MAX_CONNECTIONS: u32 = 4;
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);
// Bounds a connect to a host that never answers (no refusal, just silence).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A workstation as the central server knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Workstation {
    pub id: Uuid,
    pub name: String,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// What one [`CentralServer::push`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct PushReport {
    /// Changes the server did not have before.
    pub inserted: u64,
    /// Changes it already had (an earlier push that was not acknowledged, or a repeat).
    pub duplicates: u64,
}

/// A connection pool to the central PostgreSQL database, its schema brought up to date.
#[derive(Debug, Clone)]
pub struct CentralServer {
    pool: PgPool,
}

impl CentralServer {
    /// Connects and applies any pending central migrations (embedded in the binary).
    ///
    /// Fails with [`SyncError::SchemaTooNew`] if a newer ClinicDesk already migrated the
    /// database further than this build knows. Migrations take an advisory lock, so many
    /// workstations may connect at once.
    pub async fn connect(url: &str) -> Result<CentralServer, SyncError> {
        let mut options = PgConnectOptions::from_str(url).map_err(SyncError::InvalidUrl)?;
        if options.get_application_name().is_none() {
            options = options.application_name("clinicdesk-sync");
        }
        // Probe with one plain connection first: the pool retries a refused connection
        // until its acquire timeout, but an offline server should be reported at once.
        let probe = tokio::time::timeout(CONNECT_TIMEOUT, options.connect())
            .await
            .map_err(|_| {
                SyncError::Connect(sqlx::Error::Io(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!("no answer within {}s", CONNECT_TIMEOUT.as_secs()),
                )))
            })?
            .map_err(SyncError::Connect)?;
        // Best effort: the server drops the session anyway when the socket closes.
        let _ = probe.close().await;
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_lazy_with(options);
        let server = CentralServer { pool };
        server.check_schema().await?;
        Ok(server)
    }

    /// Applies pending central migrations (embedded in the binary); returns the versions
    /// applied now. Run once per upgrade by the role that owns the schema
    /// (`clinicdesk sync migrate`). Migrations take an advisory lock, so concurrent runs
    /// are safe. A database migrated further than this build knows is refused.
    pub async fn migrate(url: &str) -> Result<Vec<i64>, SyncError> {
        let options = PgConnectOptions::from_str(url).map_err(SyncError::InvalidUrl)?;
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(CONNECT_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(SyncError::Connect)?;
        let before = applied_versions(&pool).await.unwrap_or_default();
        let result = central_migrator()
            .run(&pool)
            .await
            .map_err(|error| match error {
                MigrateError::VersionMissing(version) => SyncError::SchemaTooNew { version },
                other => SyncError::Migration(other),
            });
        let after = applied_versions(&pool).await.unwrap_or_default();
        pool.close().await;
        result?;
        Ok(after.into_iter().filter(|v| !before.contains(v)).collect())
    }

    /// Refuses a schema that is behind this build (run `sync migrate`) or ahead of it
    /// (update this workstation).
    async fn check_schema(&self) -> Result<(), SyncError> {
        let applied = applied_versions(&self.pool).await?;
        let known: Vec<i64> = central_migrator().iter().map(|m| m.version).collect();
        if let Some(unknown) = applied.iter().find(|v| !known.contains(v)) {
            return Err(SyncError::SchemaTooNew { version: *unknown });
        }
        if let Some(missing) = known.iter().find(|v| !applied.contains(v)) {
            return Err(SyncError::SchemaNotMigrated { missing: *missing });
        }
        Ok(())
    }

    /// The newest central migration applied.
    pub async fn schema_version(&self) -> Result<i64, SyncError> {
        Ok(applied_versions(&self.pool)
            .await?
            .into_iter()
            .max()
            .unwrap_or(0))
    }

    /// What "Test connection" shows: server version, schema version, counts.
    pub async fn check(&self) -> Result<clinicdesk_core::sync::ServerCheck, SyncError> {
        let version: String = sqlx::query_scalar("SHOW server_version")
            .fetch_one(&self.pool)
            .await?;
        let (workstations, changes): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM clinicdesk.workstations),
                    (SELECT COALESCE(max(server_seq), 0) FROM clinicdesk.changes)",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(clinicdesk_core::sync::ServerCheck {
            server_version: format!(
                "PostgreSQL {}",
                version.split_whitespace().next().unwrap_or(&version)
            ),
            schema_version: self.schema_version().await?,
            workstations,
            changes,
            round_trip_ms: 0.0,
        })
    }

    /// Closes the pool, waiting for connections in use to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Records a workstation (or renames it); its id is the one it mints changes with.
    /// Idempotent: registering again keeps `first_seen_at`.
    pub async fn register_workstation(
        &self,
        id: Uuid,
        name: &str,
        code: Option<&str>,
    ) -> Result<Workstation, SyncError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(SyncError::EmptyWorkstationName);
        }
        if let Some(code) = code {
            let other: Option<String> = sqlx::query_scalar(
                "SELECT name FROM clinicdesk.workstations WHERE code = $1 AND id <> $2",
            )
            .bind(code)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
            if let Some(other) = other {
                return Err(SyncError::WorkstationCodeTaken {
                    code: code.to_owned(),
                    other,
                });
            }
        }
        let row = sqlx::query(
            "INSERT INTO clinicdesk.workstations (id, name, code) VALUES ($1, $2, $3)
             ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name,
                 code = COALESCE(EXCLUDED.code, clinicdesk.workstations.code), last_seen_at = now()
             RETURNING id, name, first_seen_at, last_seen_at",
        )
        .bind(id)
        .bind(name)
        .bind(code)
        .fetch_one(&self.pool)
        .await?;
        Ok(Workstation {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            first_seen_at: row.try_get("first_seen_at")?,
            last_seen_at: row.try_get("last_seen_at")?,
        })
    }

    /// Stores changes in the central log, all or nothing, in the order given (which should
    /// be the local log's order). Changes the server already has are skipped, so pushing
    /// the same outbox again after a crash or a lost acknowledgement is harmless.
    ///
    /// Every change is validated first and every workstation it names must be registered;
    /// otherwise nothing is stored.
    pub async fn push(&self, changes: &[Change]) -> Result<PushReport, SyncError> {
        for change in changes {
            change.validate()?;
        }
        if changes.is_empty() {
            return Ok(PushReport::default());
        }
        let mut workstation_ids: Vec<Uuid> = changes.iter().map(|c| c.workstation_id).collect();
        workstation_ids.sort_unstable();
        workstation_ids.dedup();

        let mut tx = self.pool.begin().await?;
        // The insert trigger takes this lock too; taking it first orders it before the
        // workstation row locks below, so two pushes can never wait on each other in a cycle.
        sqlx::query("SELECT clinicdesk.lock_change_log()")
            .execute(&mut *tx)
            .await?;
        let seen: Vec<Uuid> = sqlx::query_scalar(
            "UPDATE clinicdesk.workstations SET last_seen_at = now()
             WHERE id = ANY($1) RETURNING id",
        )
        .bind(&workstation_ids)
        .fetch_all(&mut *tx)
        .await?;
        if let Some(unknown) = workstation_ids.iter().find(|id| !seen.contains(id)) {
            // Dropping `tx` rolls back.
            return Err(SyncError::UnregisteredWorkstation(*unknown));
        }

        let mut inserted = 0;
        for batch in changes.chunks(PUSH_BATCH_ROWS) {
            inserted += insert_batch(&mut tx, batch).await?;
        }
        tx.commit().await?;

        let total = u64::try_from(changes.len()).unwrap_or(u64::MAX);
        Ok(PushReport {
            inserted,
            duplicates: total.saturating_sub(inserted),
        })
    }

    /// Changes from workstations other than `exclude_workstation` with a `server_seq`
    /// greater than `after_server_seq`, oldest first, at most `limit` of them.
    ///
    /// Pass the `server_seq` of the last change applied as the next cursor (0 to start).
    /// Because writers of the log are serialised until commit, a row with a smaller
    /// `server_seq` can never appear after a pull has moved past it.
    pub async fn pull(
        &self,
        after_server_seq: i64,
        exclude_workstation: Uuid,
        limit: i64,
    ) -> Result<PullPage, SyncError> {
        if limit < 1 {
            return Err(SyncError::InvalidPullLimit(limit));
        }
        // One snapshot for the page and the head: a push committing between the two reads
        // could otherwise be skipped by a cursor moved to the head.
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .execute(&mut *tx)
            .await?;
        let rows = sqlx::query(
            "SELECT server_seq, received_at, change_id, hlc, workstation_id, table_name,
                    row_id, op, row_data, field_hlcs
             FROM clinicdesk.changes
             WHERE server_seq > $1 AND workstation_id <> $2
             ORDER BY server_seq
             LIMIT $3",
        )
        .bind(after_server_seq)
        .bind(exclude_workstation)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        let changes: Vec<PulledChange> = rows
            .iter()
            .map(pulled_change)
            .collect::<Result<_, sqlx::Error>>()?;
        let full = i64::try_from(changes.len()).unwrap_or(i64::MAX) >= limit;
        let cursor = if full {
            changes.last().map_or(after_server_seq, |c| c.server_seq)
        } else {
            let head: Option<i64> =
                sqlx::query_scalar("SELECT max(server_seq) FROM clinicdesk.changes")
                    .fetch_one(&mut *tx)
                    .await?;
            head.unwrap_or(0).max(after_server_seq)
        };
        tx.commit().await?;
        Ok(PullPage { changes, cursor })
    }

    /// Stores audit entries of workstations, idempotently; returns how many were new.
    pub async fn push_audit(&self, entries: &[AuditRecord]) -> Result<u64, SyncError> {
        let mut inserted = 0;
        for batch in entries.chunks(PUSH_BATCH_ROWS) {
            let col = |f: fn(&AuditRecord) -> Option<String>| -> Vec<Option<String>> {
                batch.iter().map(f).collect()
            };
            let result = sqlx::query(
                "INSERT INTO clinicdesk.audit_entries
                     (workstation_id, seq, id, at, actor_id, actor_name, actor_role, action,
                      outcome, record_table, record_id, detail, prev_hmac, hmac)
                 SELECT * FROM UNNEST($1::uuid[], $2::bigint[], $3::text[], $4::text[],
                     $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                     $11::text[], $12::text[], $13::text[], $14::text[])
                 ON CONFLICT (workstation_id, seq) DO NOTHING",
            )
            .bind(
                batch
                    .iter()
                    .map(|e| e.workstation_id)
                    .collect::<Vec<Uuid>>(),
            )
            .bind(batch.iter().map(|e| e.seq).collect::<Vec<i64>>())
            .bind(col(|e| Some(e.id.clone())))
            .bind(col(|e| Some(e.at.clone())))
            .bind(col(|e| e.actor_id.clone()))
            .bind(col(|e| Some(e.actor_name.clone())))
            .bind(col(|e| e.actor_role.clone()))
            .bind(col(|e| Some(e.action.clone())))
            .bind(col(|e| Some(e.outcome.clone())))
            .bind(col(|e| e.record_table.clone()))
            .bind(col(|e| e.record_id.clone()))
            .bind(col(|e| Some(e.detail.clone())))
            .bind(col(|e| Some(e.prev_hmac.clone())))
            .bind(col(|e| Some(e.hmac.clone())))
            .execute(&self.pool)
            .await?;
            inserted += result.rows_affected();
        }
        Ok(inserted)
    }
}

/// One page of [`CentralServer::pull`].
#[derive(Debug, Clone, PartialEq)]
pub struct PullPage {
    pub changes: Vec<PulledChange>,
    /// The cursor to store once these changes are applied: the last change's server_seq
    /// for a full page, else the newest committed server_seq (so a workstation whose newest
    /// changes are all its own moves past them).
    pub cursor: i64,
}

/// A workstation's audit entry as stored centrally (the local `audit_log` columns).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, Serialize)]
pub struct AuditRecord {
    pub workstation_id: Uuid,
    pub seq: i64,
    pub id: String,
    pub at: String,
    pub actor_id: Option<String>,
    pub actor_name: String,
    pub actor_role: Option<String>,
    pub action: String,
    pub outcome: String,
    pub record_table: Option<String>,
    pub record_id: Option<String>,
    pub detail: String,
    pub prev_hmac: String,
    pub hmac: String,
}

async fn applied_versions(pool: &PgPool) -> Result<Vec<i64>, SyncError> {
    let exists: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
        .bind(MIGRATIONS_TABLE)
        .fetch_one(pool)
        .await?;
    if !exists {
        return Ok(Vec::new());
    }
    Ok(sqlx::query_scalar(
        "SELECT version FROM clinicdesk._sqlx_migrations WHERE success ORDER BY version",
    )
    .fetch_all(pool)
    .await?)
}

fn central_migrator() -> Migrator {
    // Path relative to this crate's Cargo.toml; build.rs reruns the build when it changes.
    let mut migrator = sqlx::migrate!("../../migrations/central");
    migrator.create_schema(SCHEMA);
    migrator.dangerous_set_table_name(MIGRATIONS_TABLE);
    migrator
}

async fn insert_batch(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    batch: &[Change],
) -> Result<u64, sqlx::Error> {
    let ids: Vec<Uuid> = batch.iter().map(|c| c.id).collect();
    let hlcs: Vec<&str> = batch.iter().map(|c| c.hlc.as_str()).collect();
    let workstations: Vec<Uuid> = batch.iter().map(|c| c.workstation_id).collect();
    let tables: Vec<&str> = batch.iter().map(|c| c.table_name.as_str()).collect();
    let rows: Vec<&str> = batch.iter().map(|c| c.row_id.as_str()).collect();
    let ops: Vec<&str> = batch.iter().map(|c| c.op.as_str()).collect();
    let data: Vec<Option<&serde_json::Value>> = batch.iter().map(|c| c.row_data.as_ref()).collect();
    let fields: Vec<Option<&serde_json::Value>> =
        batch.iter().map(|c| c.field_hlcs.as_ref()).collect();
    // One statement per batch: seven arrays instead of seven parameters per row. ORDER BY
    // the array position so server_seq follows the order the workstation logged them in.
    let result = sqlx::query(
        "INSERT INTO clinicdesk.changes
             (change_id, hlc, workstation_id, table_name, row_id, op, row_data, field_hlcs)
         SELECT change_id, hlc, workstation_id, table_name, row_id, op, row_data, field_hlcs
         FROM UNNEST($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[],
                     $6::text[], $7::jsonb[], $8::jsonb[])
              WITH ORDINALITY
              AS pushed (change_id, hlc, workstation_id, table_name, row_id, op, row_data,
                         field_hlcs, position)
         ORDER BY position
         ON CONFLICT (change_id) DO NOTHING",
    )
    .bind(&ids)
    .bind(&hlcs)
    .bind(&workstations)
    .bind(&tables)
    .bind(&rows)
    .bind(&ops)
    .bind(&data)
    .bind(&fields)
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected())
}

fn pulled_change(row: &PgRow) -> Result<PulledChange, sqlx::Error> {
    let op: String = row.try_get("op")?;
    let op = ChangeOp::from_str(&op).map_err(|error| sqlx::Error::ColumnDecode {
        index: "op".into(),
        source: Box::new(error),
    })?;
    Ok(PulledChange {
        server_seq: row.try_get("server_seq")?,
        received_at: row.try_get("received_at")?,
        change: Change {
            id: row.try_get("change_id")?,
            hlc: row.try_get("hlc")?,
            workstation_id: row.try_get("workstation_id")?,
            table_name: row.try_get("table_name")?,
            row_id: row.try_get("row_id")?,
            op,
            row_data: row.try_get("row_data")?,
            field_hlcs: row.try_get("field_hlcs")?,
        },
    })
}
