//! The central server against a real PostgreSQL (`CLINICDESK_TEST_PG_URL`, default
//! postgres://postgres@127.0.0.1:5432/test). Each test gets a database of its own, created
//! through that URL and dropped afterwards (also when the test fails), so tests run in
//! parallel and re-run cleanly. No server is a failure, never a skip.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use clinicdesk_sync::{
    CentralServer, Change, ChangeNotification, ChangeOp, SyncError, CHANGES_CHANNEL,
};
use serde_json::json;
use sqlx::postgres::{PgListener, PgPool};
use uuid::Uuid;

mod support;
use support::with_fresh_database;

const WAIT: Duration = Duration::from_secs(10);

/// A plain pool for looking at the database behind the API's back.
async fn inspect(url: &str) -> PgPool {
    PgPool::connect(url).await.unwrap()
}

async fn count_changes(db: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM clinicdesk.changes")
        .fetch_one(db)
        .await
        .unwrap()
}

fn hlc(workstation: Uuid, n: usize) -> String {
    format!(
        "{:013}-{:05}-{workstation}",
        1_763_769_600_000 + n / 100_000,
        n % 100_000
    )
}

/// The `n`th change logged by `workstation`: inserts, updates and deletes in turn.
fn change(workstation: Uuid, n: usize, table: &str) -> Change {
    let op = [ChangeOp::Insert, ChangeOp::Update, ChangeOp::Delete][n % 3];
    Change {
        id: Uuid::now_v7(),
        hlc: hlc(workstation, n),
        workstation_id: workstation,
        table_name: table.to_owned(),
        row_id: Uuid::now_v7().to_string(),
        op,
        row_data: (op != ChangeOp::Delete).then(|| {
            json!({"n": n, "name": format!("Patient {n}"), "balance": "12.50", "tags": ["a", "b"]})
        }),
        field_hlcs: None,
    }
}

fn changes(workstation: Uuid, range: std::ops::Range<usize>, table: &str) -> Vec<Change> {
    range.map(|n| change(workstation, n, table)).collect()
}

/// The central schema prepared (`sync migrate`), then a connection as a workstation makes.
async fn ready(url: &str) -> CentralServer {
    CentralServer::migrate(url).await.unwrap();
    CentralServer::connect(url).await.unwrap()
}

async fn server_with_workstations(url: &str, names: &[&str]) -> (CentralServer, Vec<Uuid>) {
    let server = ready(url).await;
    let mut ids = Vec::new();
    for name in names {
        let id = Uuid::now_v7();
        server.register_workstation(id, name, None).await.unwrap();
        ids.push(id);
    }
    (server, ids)
}

fn migration_files() -> i64 {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations/central");
    let count = std::fs::read_dir(dir)
        .unwrap()
        .filter(|entry| {
            entry
                .as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|ext| ext == "sql")
        })
        .count();
    i64::try_from(count).unwrap()
}

#[tokio::test]
async fn migrations_apply_twice_and_leave_an_ordinary_schema() {
    with_fresh_database(|url| async move {
        ready(&url).await.close().await;
        ready(&url).await.close().await;
        // Workstations starting together race to migrate; the migrator's lock serialises them.
        let racers: Vec<_> = (0..3)
            .map(|_| {
                let url = url.clone();
                tokio::spawn(async move { CentralServer::migrate(&url).await.map(|_| ()) })
            })
            .collect();
        for racer in racers {
            racer.await.unwrap().unwrap();
        }

        let db = inspect(&url).await;
        let mut tables: Vec<(String, String)> = sqlx::query_as(
            "SELECT table_schema::text, table_name::text FROM information_schema.tables
             WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
             ORDER BY 1, 2",
        )
        .fetch_all(&db)
        .await
        .unwrap();
        tables.sort();
        let expected: Vec<(String, String)> = [
            "_sqlx_migrations",
            "appointment_bookings",
            "audit_entries",
            "booking_conflicts",
            "changes",
            "workstations",
        ]
        .iter()
        .map(|t| ("clinicdesk".to_owned(), (*t).to_owned()))
        .collect();
        assert_eq!(tables, expected, "everything lives in schema clinicdesk");

        let applied: i64 =
            sqlx::query_scalar("SELECT count(*) FROM clinicdesk._sqlx_migrations WHERE success")
                .fetch_one(&db)
                .await
                .unwrap();
        assert_eq!(
            applied,
            migration_files(),
            "each migration applied exactly once"
        );
        db.close().await;
    })
    .await;
}

#[tokio::test]
async fn a_database_migrated_by_a_newer_build_is_refused() {
    with_fresh_database(|url| async move {
        ready(&url).await.close().await;
        let db = inspect(&url).await;
        sqlx::query(
            "INSERT INTO clinicdesk._sqlx_migrations
                 (version, description, success, checksum, execution_time)
             VALUES (99991231235959, 'from a newer ClinicDesk', true, '\\x00', 0)",
        )
        .execute(&db)
        .await
        .unwrap();
        db.close().await;

        let error = CentralServer::connect(&url).await.unwrap_err();
        assert!(
            matches!(
                error,
                SyncError::SchemaTooNew {
                    version: 99991231235959
                }
            ),
            "{error:?}"
        );
        assert!(
            error.to_string().contains("update this workstation"),
            "{error}"
        );
        let error = CentralServer::migrate(&url).await.unwrap_err();
        assert!(matches!(error, SyncError::SchemaTooNew { .. }), "{error:?}");
    })
    .await;
}

#[tokio::test]
async fn workstations_register_once_and_can_be_renamed() {
    with_fresh_database(|url| async move {
        let server = ready(&url).await;
        let id = Uuid::now_v7();
        let first = server
            .register_workstation(id, "  Reception 1 ", None)
            .await
            .unwrap();
        assert_eq!(first.name, "Reception 1");
        let again = server
            .register_workstation(id, "Front desk", None)
            .await
            .unwrap();
        assert_eq!(again.id, id);
        assert_eq!(again.name, "Front desk");
        assert_eq!(again.first_seen_at, first.first_seen_at);
        assert!(again.last_seen_at >= first.last_seen_at);
        assert!(matches!(
            server
                .register_workstation(Uuid::now_v7(), "   ", None)
                .await,
            Err(SyncError::EmptyWorkstationName)
        ));
        let db = inspect(&url).await;
        let count: i64 = sqlx::query_scalar("SELECT count(*) FROM clinicdesk.workstations")
            .fetch_one(&db)
            .await
            .unwrap();
        assert_eq!(count, 1);
        db.close().await;
    })
    .await;
}

#[tokio::test]
async fn pushing_the_same_batch_twice_stores_it_once() {
    with_fresh_database(|url| async move {
        let (server, ws) = server_with_workstations(&url, &["A"]).await;
        let batch = changes(ws[0], 0..50, "patients");

        let first = server.push(&batch).await.unwrap();
        assert_eq!((first.inserted, first.duplicates), (50, 0));
        let second = server.push(&batch).await.unwrap();
        assert_eq!((second.inserted, second.duplicates), (0, 50));

        // A retry after a partial acknowledgement: half old, some new.
        let mut retry = batch[25..].to_vec();
        retry.extend(changes(ws[0], 50..60, "patients"));
        let third = server.push(&retry).await.unwrap();
        assert_eq!((third.inserted, third.duplicates), (10, 25));

        // The same change twice within one push.
        let twice = vec![change(ws[0], 60, "visits"); 2];
        let fourth = server.push(&twice).await.unwrap();
        assert_eq!((fourth.inserted, fourth.duplicates), (1, 1));

        let empty = server.push(&[]).await.unwrap();
        assert_eq!((empty.inserted, empty.duplicates), (0, 0));

        let db = inspect(&url).await;
        assert_eq!(count_changes(&db).await, 61);
        db.close().await;
    })
    .await;
}

#[tokio::test]
async fn pull_returns_other_workstations_changes_in_server_order() {
    with_fresh_database(|url| async move {
        let (server, ws) = server_with_workstations(&url, &["A", "B", "C"]).await;
        let (a, b, c) = (ws[0], ws[1], ws[2]);
        let a1 = changes(a, 0..3, "patients");
        let b1 = changes(b, 0..2, "appointments");
        let a2 = changes(a, 3..5, "patients");
        let c1 = changes(c, 0..3, "invoices");
        for batch in [&a1, &b1, &a2, &c1] {
            server.push(batch).await.unwrap();
        }

        let for_a = server.pull(0, a, 100).await.unwrap().changes;
        let expected_for_a: Vec<&Change> = b1.iter().chain(&c1).collect();
        assert_eq!(
            for_a.iter().map(|p| &p.change).collect::<Vec<_>>(),
            expected_for_a,
            "B's then C's changes, unchanged by the round trip, none of A's own"
        );
        assert!(for_a.windows(2).all(|w| w[0].server_seq < w[1].server_seq));

        let for_b = server.pull(0, b, 100).await.unwrap().changes;
        let expected_for_b: Vec<&Change> = a1.iter().chain(&a2).chain(&c1).collect();
        assert_eq!(
            for_b.iter().map(|p| &p.change).collect::<Vec<_>>(),
            expected_for_b
        );

        // Paging with the cursor yields the same sequence, one at a time.
        let mut cursor = 0;
        let mut paged = Vec::new();
        loop {
            let page = server.pull(cursor, b, 2).await.unwrap().changes;
            let Some(last) = page.last() else { break };
            assert!(page.len() <= 2);
            cursor = last.server_seq;
            paged.extend(page);
        }
        assert_eq!(paged, for_b);

        // Nothing after the newest change; a cursor past the end is fine too.
        let newest = for_b.last().unwrap().server_seq;
        assert!(server
            .pull(newest, b, 100)
            .await
            .unwrap()
            .changes
            .is_empty());
        assert!(matches!(
            server.pull(0, b, 0).await,
            Err(SyncError::InvalidPullLimit(0))
        ));
    })
    .await;
}

#[tokio::test]
async fn a_ten_thousand_change_backlog_is_pushed_in_one_go() {
    with_fresh_database(|url| async move {
        let (server, ws) = server_with_workstations(&url, &["Backlog", "Reader"]).await;
        let backlog: Vec<Change> = (0..10_000)
            .map(|n| change(ws[0], n, ["patients", "appointments", "invoices"][n % 3]))
            .collect();

        let report = server.push(&backlog).await.unwrap();
        assert_eq!((report.inserted, report.duplicates), (10_000, 0));

        let pulled = server.pull(0, ws[1], 20_000).await.unwrap().changes;
        assert_eq!(pulled.len(), 10_000);
        assert!(
            pulled.iter().map(|p| &p.change).eq(backlog.iter()),
            "pulled in exactly the order pushed, content intact"
        );
        assert!(pulled.windows(2).all(|w| w[0].server_seq < w[1].server_seq));

        let again = server.push(&backlog).await.unwrap();
        assert_eq!((again.inserted, again.duplicates), (0, 10_000));
        let db = inspect(&url).await;
        assert_eq!(count_changes(&db).await, 10_000);
        db.close().await;
    })
    .await;
}

async fn next_notification(listener: &mut PgListener) -> ChangeNotification {
    let notification = tokio::time::timeout(WAIT, listener.recv())
        .await
        .unwrap_or_else(|_| panic!("no notification on {CHANGES_CHANNEL} within {WAIT:?}"))
        .unwrap();
    assert_eq!(notification.channel(), CHANGES_CHANNEL);
    ChangeNotification::from_payload(notification.payload()).unwrap()
}

#[tokio::test]
async fn new_changes_are_announced_on_the_changes_channel() {
    with_fresh_database(|url| async move {
        let (server, ws) = server_with_workstations(&url, &["A", "Listener"]).await;
        let mut listener = PgListener::connect(&url).await.unwrap();
        listener.listen(CHANGES_CHANNEL).await.unwrap();

        let mut batch = changes(ws[0], 0..3, "patients");
        batch.push(change(ws[0], 3, "visits"));
        server.push(&batch).await.unwrap();
        let seqs: Vec<i64> = server
            .pull(0, ws[1], 10)
            .await
            .unwrap()
            .changes
            .iter()
            .map(|p| p.server_seq)
            .collect();

        // One notification per (workstation, table) in the statement, carrying its newest seq.
        let patients = next_notification(&mut listener).await;
        assert_eq!(
            patients,
            ChangeNotification {
                server_seq: seqs[2],
                workstation_id: ws[0],
                table_name: "patients".into(),
                count: 3,
            }
        );
        let visits = next_notification(&mut listener).await;
        assert_eq!(
            visits,
            ChangeNotification {
                server_seq: seqs[3],
                workstation_id: ws[0],
                table_name: "visits".into(),
                count: 1,
            }
        );

        // Re-pushing stores nothing and so announces nothing: the next notification is
        // the one for the genuinely new change that follows.
        server.push(&batch).await.unwrap();
        let fresh = change(ws[0], 4, "patients");
        server.push(std::slice::from_ref(&fresh)).await.unwrap();
        let next = next_notification(&mut listener).await;
        let fresh_seq = server.pull(seqs[3], ws[1], 10).await.unwrap().changes[0].server_seq;
        assert_eq!((next.server_seq, next.count), (fresh_seq, 1));
        assert_eq!(next.table_name, "patients");
    })
    .await;
}

#[tokio::test]
async fn a_push_naming_an_unregistered_workstation_stores_nothing() {
    with_fresh_database(|url| async move {
        let (server, ws) = server_with_workstations(&url, &["A"]).await;
        let stranger = Uuid::now_v7();
        let mut batch = changes(ws[0], 0..3, "patients");
        batch.push(change(stranger, 0, "patients"));

        let error = server.push(&batch).await.unwrap_err();
        assert!(
            matches!(error, SyncError::UnregisteredWorkstation(id) if id == stranger),
            "{error:?}"
        );
        let db = inspect(&url).await;
        assert_eq!(count_changes(&db).await, 0);
        db.close().await;
    })
    .await;
}

#[tokio::test]
async fn an_invalid_change_rejects_its_whole_push() {
    with_fresh_database(|url| async move {
        let (server, ws) = server_with_workstations(&url, &["A"]).await;
        let mut batch = changes(ws[0], 0..3, "patients");
        let mut bad = change(ws[0], 3, "patients");
        bad.hlc = "yesterday".into();
        batch.push(bad.clone());

        let error = server.push(&batch).await.unwrap_err();
        assert!(
            matches!(&error, SyncError::InvalidChange { change_id, .. } if *change_id == bad.id),
            "{error:?}"
        );
        let db = inspect(&url).await;
        assert_eq!(count_changes(&db).await, 0);
        db.close().await;
    })
    .await;
}

#[tokio::test]
async fn the_change_log_is_append_only() {
    with_fresh_database(|url| async move {
        let (server, ws) = server_with_workstations(&url, &["A"]).await;
        server
            .push(&changes(ws[0], 0..2, "patients"))
            .await
            .unwrap();
        let db = inspect(&url).await;
        for statement in [
            "UPDATE clinicdesk.changes SET table_name = 'visits'",
            "DELETE FROM clinicdesk.changes",
            "TRUNCATE clinicdesk.changes",
        ] {
            let error = sqlx::query(statement).execute(&db).await.unwrap_err();
            assert!(
                error.to_string().contains("append-only"),
                "{statement}: {error}"
            );
        }
        assert_eq!(count_changes(&db).await, 2);
        db.close().await;
    })
    .await;
}

/// server_seq is handed out at insert time; if a later writer could commit first, a
/// puller would move its cursor past the earlier, still uncommitted row and miss it.
#[tokio::test]
async fn a_push_waits_for_an_earlier_writer_to_commit() {
    with_fresh_database(|url| async move {
        let (server, ws) = server_with_workstations(&url, &["A", "B", "Reader"]).await;
        let db = inspect(&url).await;

        // Workstation A's write, by hand, left uncommitted: it holds server_seq 1.
        let early = change(ws[0], 0, "patients");
        let mut open = db.begin().await.unwrap();
        sqlx::query(
            "INSERT INTO clinicdesk.changes
                 (change_id, hlc, workstation_id, table_name, row_id, op, row_data)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(early.id)
        .bind(&early.hlc)
        .bind(early.workstation_id)
        .bind(&early.table_name)
        .bind(&early.row_id)
        .bind(early.op.as_str())
        .bind(&early.row_data)
        .execute(&mut *open)
        .await
        .unwrap();

        let late = change(ws[1], 0, "patients");
        let pusher = {
            let server = server.clone();
            let late = late.clone();
            tokio::spawn(async move { server.push(&[late]).await })
        };
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(
            !pusher.is_finished(),
            "B's push must wait for A's open write"
        );
        assert!(server.pull(0, ws[2], 10).await.unwrap().changes.is_empty());

        open.commit().await.unwrap();
        let report = tokio::time::timeout(WAIT, pusher)
            .await
            .expect("B's push finishes once A commits")
            .unwrap()
            .unwrap();
        assert_eq!(report.inserted, 1);
        let pulled = server.pull(0, ws[2], 10).await.unwrap().changes;
        let order: Vec<Uuid> = pulled.iter().map(|p| p.change.id).collect();
        assert_eq!(order, vec![early.id, late.id]);
        db.close().await;
    })
    .await;
}

#[tokio::test]
async fn connect_reports_a_bad_url_and_an_unreachable_server() {
    assert!(matches!(
        CentralServer::connect("postgres://postgres@127.0.0.1:notaport/x").await,
        Err(SyncError::InvalidUrl(_))
    ));
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    let error = CentralServer::connect("postgres://postgres@127.0.0.1:1/clinicdesk")
        .await
        .unwrap_err();
    assert!(matches!(error, SyncError::Connect(_)), "{error:?}");
}

#[tokio::test]
async fn a_database_never_migrated_is_refused_until_sync_migrate_ran() {
    with_fresh_database(|url| async move {
        let error = CentralServer::connect(&url).await.unwrap_err();
        assert!(
            matches!(error, SyncError::SchemaNotMigrated { .. }),
            "{error:?}"
        );
        assert!(
            error.to_string().contains("clinicdesk sync migrate"),
            "{error}"
        );
        let applied = CentralServer::migrate(&url).await.unwrap();
        assert_eq!(i64::try_from(applied.len()).unwrap(), migration_files());
        assert!(CentralServer::migrate(&url).await.unwrap().is_empty());
        CentralServer::connect(&url).await.unwrap().close().await;
    })
    .await;
}

#[tokio::test]
async fn a_workstation_code_is_used_by_one_workstation_only() {
    with_fresh_database(|url| async move {
        let server = ready(&url).await;
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        server
            .register_workstation(a, "Reception 1", Some("K7Q"))
            .await
            .unwrap();
        // Registering again (every connect does) is fine.
        server
            .register_workstation(a, "Reception 1", Some("K7Q"))
            .await
            .unwrap();
        let error = server
            .register_workstation(b, "Reception 2", Some("K7Q"))
            .await
            .unwrap_err();
        assert!(
            matches!(&error, SyncError::WorkstationCodeTaken { code, other } if code == "K7Q" && other == "Reception 1"),
            "{error:?}"
        );
        assert!(error.to_string().contains("must be changed"), "{error}");
    })
    .await;
}

#[tokio::test]
async fn the_pull_cursor_moves_past_a_workstations_own_changes() {
    with_fresh_database(|url| async move {
        let (server, ws) = server_with_workstations(&url, &["A", "B"]).await;
        server
            .push(&changes(ws[0], 0..5, "patients"))
            .await
            .unwrap();
        // A sees nothing of its own, but may store the head as its cursor.
        let page = server.pull(0, ws[0], 100).await.unwrap();
        assert!(page.changes.is_empty());
        assert!(page.cursor >= 5, "{}", page.cursor);
        // B pages through: a full page stops at its last change.
        let page = server.pull(0, ws[1], 2).await.unwrap();
        assert_eq!(page.changes.len(), 2);
        assert_eq!(page.cursor, page.changes[1].server_seq);
        let rest = server.pull(page.cursor, ws[1], 100).await.unwrap();
        assert_eq!(rest.changes.len(), 3);
        assert_eq!(rest.cursor, rest.changes[2].server_seq);
    })
    .await;
}

#[tokio::test]
async fn the_setup_script_gives_a_workstation_role_just_enough_to_sync() {
    with_fresh_database(|url| async move {
        let script = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../scripts/central-setup.sql"
        ))
        .unwrap();
        let db = inspect(&url).await;
        sqlx::raw_sql(sqlx::AssertSqlSafe(script.clone()))
            .execute(&db)
            .await
            .unwrap();
        // The owner migrates (trust auth here; a password in a clinic).
        let as_role = |role: &str| {
            let mut u = url::Url::parse(&url).unwrap();
            u.set_username(role).unwrap();
            u.to_string()
        };
        CentralServer::migrate(&as_role("clinicdesk_owner"))
            .await
            .unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(script))
            .execute(&db)
            .await
            .unwrap();
        let role = format!("cd_ws_{}", Uuid::new_v4().simple());
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "CREATE ROLE {role} LOGIN IN ROLE clinicdesk_ws"
        )))
        .execute(&db)
        .await
        .unwrap();
        let outcome = async {
            let ws_url = as_role(&role);
            let server = CentralServer::connect(&ws_url).await.unwrap();
            let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
            server
                .register_workstation(a, "A", Some("AAA"))
                .await
                .unwrap();
            server
                .register_workstation(b, "B", Some("BBB"))
                .await
                .unwrap();
            server.push(&changes(a, 0..3, "patients")).await.unwrap();
            assert_eq!(server.pull(0, b, 10).await.unwrap().changes.len(), 3);
            server.close().await;
            let mine = PgPool::connect(&ws_url).await.unwrap();
            for forbidden in [
                "UPDATE clinicdesk.changes SET hlc = hlc",
                "DELETE FROM clinicdesk.changes",
                "DELETE FROM clinicdesk._sqlx_migrations",
                "CREATE TABLE clinicdesk.mine (x int)",
            ] {
                assert!(
                    sqlx::query(forbidden).execute(&mine).await.is_err(),
                    "{forbidden} was allowed"
                );
            }
            mine.close().await;
        };
        outcome.await;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'"
        )))
        .execute(&db)
        .await
        .unwrap();
        // Roles belong to the cluster: this test's own one goes.
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP OWNED BY {role}; DROP ROLE {role}"
        )))
        .execute(&db)
        .await
        .unwrap();
        db.close().await;
    })
    .await;
}
