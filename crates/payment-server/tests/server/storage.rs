//! Storage and idempotency on SQLite and PostgreSQL: migrations, the unique-key race with two
//! server instances on one database.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::StatusCode;
use payment_server::idempotency::{self, Claim};
use serde_json::json;

use crate::support::{self, Opts, pg::PgCluster, sqlite_url};

/// Two instances on one database: 16 identical requests race; exactly one executes, all get
/// its answer.
async fn idempotency_race(db_url: String) {
    let a = support::start(Opts { db_url: db_url.clone(), ..Opts::default() }).await;
    let b = support::start(Opts { db_url, ..Opts::default() }).await;
    let executed = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for i in 0..16 {
        let state = if i % 2 == 0 { a.state.clone() } else { b.state.clone() };
        let executed = executed.clone();
        tasks.push(tokio::spawn(async move {
            idempotency::run(&state, "test", "key-1", "hash-1", || async move {
                let n = executed.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(150)).await;
                Ok((StatusCode::CREATED, json!({"n": n})))
            })
            .await
        }));
    }
    for t in tasks {
        let (st, v) = t.await.unwrap().unwrap();
        assert_eq!(st, StatusCode::CREATED);
        assert_eq!(v, json!({"n": 0}));
    }
    assert_eq!(executed.load(Ordering::SeqCst), 1);
    // Same key, another request: refused, nothing executed.
    let e = idempotency::claim(&a.state, "test", "key-1", "hash-2").await.unwrap_err();
    assert_eq!(e.code(), "idempotency_key_reused");
    // A rejected request releases its key.
    let r = idempotency::run(&a.state, "test", "key-2", "h", || async {
        Err::<(StatusCode, serde_json::Value), _>(payment_server::error::AppError::invalid("x", "y"))
    })
    .await;
    assert!(r.is_err());
    assert_eq!(idempotency::claim(&b.state, "test", "key-2", "h2").await.unwrap(), Claim::Owner);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn idempotency_race_on_sqlite() {
    idempotency_race(sqlite_url()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn idempotency_race_on_postgres() {
    let pg = PgCluster::start();
    idempotency_race(pg.url.clone()).await;
}

async fn sessions_survive_restart(db_url: String) {
    let id;
    {
        let s = support::start(Opts { db_url: db_url.clone(), ..Opts::default() }).await;
        let v = support::create_session(&s, json!({"amount": 4200, "currency": "EUR", "orderRef": "restart-1"})).await;
        id = v["id"].as_str().unwrap().to_owned();
    }
    // A second start re-runs the migrations (no-op) and sees the session.
    let s = support::start(Opts { db_url, ..Opts::default() }).await;
    let got = payment_server::sessions::load(&s.state, &id).await.unwrap().unwrap();
    assert_eq!((got.amount, got.currency.as_str(), got.order_ref.as_str()), (4200, "978", "restart-1"));
}

#[tokio::test]
async fn sessions_survive_restart_on_sqlite() {
    sessions_survive_restart(sqlite_url()).await;
}

#[tokio::test]
async fn sessions_survive_restart_on_postgres() {
    let pg = PgCluster::start();
    sessions_survive_restart(pg.url.clone()).await;
}
