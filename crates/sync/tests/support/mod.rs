//! Shared by the sync integration tests: a fresh PostgreSQL database per test, and a TCP
//! proxy that can cut connections.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod proxy;

use std::future::Future;
use std::str::FromStr;

use sqlx::postgres::PgConnectOptions;
use sqlx::{AssertSqlSafe, ConnectOptions, Connection};
use uuid::Uuid;

const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

pub fn base_url() -> String {
    std::env::var("CLINICDESK_TEST_PG_URL").unwrap_or_else(|_| DEFAULT_PG_URL.to_owned())
}

/// Runs `body` with the URL of a brand-new empty database, then drops that database, also
/// when `body` panicked (it runs as its own task so the panic can be caught and re-raised).
pub async fn with_fresh_database<F, Fut>(body: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let base = base_url();
    let options = PgConnectOptions::from_str(&base)
        .unwrap_or_else(|e| panic!("CLINICDESK_TEST_PG_URL={base:?} is not a PostgreSQL URL: {e}"));
    let mut admin = options.connect().await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is not answering at {base}: {e}\n\
             The central sync tests need a running server: start PostgreSQL (the test \
             script does) or point CLINICDESK_TEST_PG_URL at one."
        )
    });
    let name = format!("clinicdesk_test_{}", Uuid::new_v4().simple());
    sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .unwrap_or_else(|e| panic!("cannot create test database {name} via {base}: {e}"));
    let url = options.clone().database(&name).to_url_lossy().to_string();

    let outcome = tokio::spawn(body(url)).await;

    // FORCE ends connections the body left open (pools, listeners, a panicked transaction).
    sqlx::query(AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(&mut admin)
    .await
    .unwrap_or_else(|e| panic!("cannot drop test database {name}: {e}"));
    let _ = admin.close().await;
    if let Err(error) = outcome {
        match error.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(error) => panic!("test body did not finish: {error}"),
        }
    }
}
