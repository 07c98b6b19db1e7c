//! Applies the embedded SQL migrations, each in its own transaction, and refuses a
//! database written by a newer build.

use super::StoreError;
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

pub(crate) struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// The newest schema version this build knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map(|m| m.version).unwrap_or(0)
}

fn checksum(sql: &str) -> String {
    hex::encode(Sha256::digest(sql.as_bytes()))
}

/// A migration applied by [`migrate`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct AppliedMigration {
    pub version: i64,
    pub name: String,
}

pub(crate) fn migrate(
    conn: &mut Connection,
    now: &str,
) -> Result<Vec<AppliedMigration>, StoreError> {
    migrate_with(conn, MIGRATIONS, now)
}

fn migrate_with(
    conn: &mut Connection,
    migrations: &[Migration],
    now: &str,
) -> Result<Vec<AppliedMigration>, StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER PRIMARY KEY,
             name       TEXT NOT NULL,
             checksum   TEXT NOT NULL,
             applied_at TEXT NOT NULL
         )",
    )?;
    let newest_known = migrations.last().map(|m| m.version).unwrap_or(0);
    let db_newest: Option<i64> = conn
        .query_row("SELECT max(version) FROM schema_migrations", [], |r| {
            r.get(0)
        })
        .optional()?
        .flatten();
    if let Some(db_version) = db_newest.filter(|v| *v > newest_known) {
        return Err(StoreError::SchemaTooNew {
            db_version,
            build_version: newest_known,
        });
    }

    let mut applied = Vec::new();
    for m in migrations {
        let recorded: Option<String> = conn
            .query_row(
                "SELECT checksum FROM schema_migrations WHERE version = ?1",
                [m.version],
                |r| r.get(0),
            )
            .optional()?;
        match recorded {
            Some(sum) if sum == checksum(m.sql) => continue,
            Some(_) => {
                return Err(StoreError::MigrationChanged {
                    version: m.version,
                    name: m.name.to_string(),
                })
            }
            None => {}
        }
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another process may have applied it while we waited for the write lock.
        let already: bool = tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM schema_migrations WHERE version = ?1)",
            [m.version],
            |r| r.get(0),
        )?;
        if already {
            continue;
        }
        tx.execute_batch(m.sql)
            .map_err(|source| StoreError::MigrationFailed {
                version: m.version,
                name: m.name.to_string(),
                source,
            })?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?1, ?2, ?3, ?4)",
            params![m.version, m.name, checksum(m.sql), now],
        )?;
        tx.commit()?;
        applied.push(AppliedMigration {
            version: m.version,
            name: m.name.to_string(),
        });
    }
    Ok(applied)
}

/// The versions recorded in the database, oldest first.
pub(crate) fn applied_versions(conn: &Connection) -> Result<Vec<i64>, StoreError> {
    let mut stmt = conn.prepare("SELECT version FROM schema_migrations ORDER BY version")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const M1: Migration = Migration {
        version: 1,
        name: "one",
        sql: "CREATE TABLE a (id TEXT PRIMARY KEY);",
    };
    const M2: Migration = Migration {
        version: 2,
        name: "two",
        sql: "ALTER TABLE a ADD COLUMN b TEXT;",
    };
    const BAD: Migration = Migration {
        version: 3,
        name: "bad",
        sql: "CREATE TABLE c (x); SELECT nonsense FROM nowhere;",
    };

    #[test]
    fn upgrade_applies_only_the_new_migration_and_records_it() {
        let mut conn = Connection::open_in_memory().unwrap();
        let first = migrate_with(&mut conn, &[M1], "t0").unwrap();
        assert_eq!(first.len(), 1);
        conn.execute("INSERT INTO a (id) VALUES ('kept')", [])
            .unwrap();
        let second = migrate_with(&mut conn, &[M1, M2], "t1").unwrap();
        assert_eq!(
            second.iter().map(|m| m.version).collect::<Vec<_>>(),
            vec![2]
        );
        let b: Option<String> = conn
            .query_row("SELECT b FROM a WHERE id = 'kept'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(b, None, "existing rows survive the upgrade");
        assert_eq!(applied_versions(&conn).unwrap(), vec![1, 2]);
        assert!(migrate_with(&mut conn, &[M1, M2], "t2").unwrap().is_empty());
    }

    #[test]
    fn an_older_build_refuses_a_newer_database() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate_with(&mut conn, &[M1, M2], "t0").unwrap();
        let err = migrate_with(&mut conn, &[M1], "t1").unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::SchemaTooNew {
                    db_version: 2,
                    build_version: 1
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn a_failed_migration_leaves_nothing_half_applied() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate_with(&mut conn, &[M1], "t0").unwrap();
        let err = migrate_with(&mut conn, &[M1, M2, BAD], "t1").unwrap_err();
        assert!(
            matches!(err, StoreError::MigrationFailed { version: 3, .. }),
            "{err}"
        );
        // M2 committed in its own transaction; BAD rolled back entirely (table c absent).
        assert_eq!(applied_versions(&conn).unwrap(), vec![1, 2]);
        let c: bool = conn
            .query_row(
                "SELECT EXISTS(SELECT 1 FROM sqlite_master WHERE name = 'c')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(!c);
    }

    #[test]
    fn an_edited_migration_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate_with(&mut conn, &[M1], "t0").unwrap();
        let edited = Migration {
            sql: "CREATE TABLE a (id TEXT PRIMARY KEY, extra TEXT);",
            ..M1
        };
        assert!(matches!(
            migrate_with(&mut conn, &[edited], "t1").unwrap_err(),
            StoreError::MigrationChanged { version: 1, .. }
        ));
    }

    #[test]
    fn the_embedded_list_is_ordered_and_not_empty() {
        assert!(!MIGRATIONS.is_empty());
        assert!(MIGRATIONS.windows(2).all(|w| w[0].version < w[1].version));
    }
}
