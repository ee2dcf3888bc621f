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
    let a = support::start(Opts {
        db_url: db_url.clone(),
        ..Opts::default()
    })
    .await;
    let b = support::start(Opts {
        db_url,
        ..Opts::default()
    })
    .await;
    let executed = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for i in 0..16 {
        let state = if i % 2 == 0 {
            a.state.clone()
        } else {
            b.state.clone()
        };
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
    let e = idempotency::claim(&a.state, "test", "key-1", "hash-2")
        .await
        .unwrap_err();
    assert_eq!(e.code(), "idempotency_key_reused");
    // A rejected request releases its key.
    let r = idempotency::run(&a.state, "test", "key-2", "h", || async {
        Err::<(StatusCode, serde_json::Value), _>(payment_server::error::AppError::invalid(
            "x", "y",
        ))
    })
    .await;
    assert!(r.is_err());
    assert_eq!(
        idempotency::claim(&b.state, "test", "key-2", "h2")
            .await
            .unwrap(),
        Claim::Owner
    );
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
        let s = support::start(Opts {
            db_url: db_url.clone(),
            ..Opts::default()
        })
        .await;
        let v = support::create_session(
            &s,
            json!({"amount": 4200, "currency": "EUR", "orderRef": "restart-1"}),
        )
        .await;
        id = v["id"].as_str().unwrap().to_owned();
    }
    // A second start re-runs the migrations (no-op) and sees the session.
    let s = support::start(Opts {
        db_url,
        ..Opts::default()
    })
    .await;
    let got = payment_server::sessions::load(&s.state, &id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (got.amount, got.currency.as_str(), got.order_ref.as_str()),
        (4200, "978", "restart-1")
    );
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

/// Scale-out: two instances on one PostgreSQL, one separately started sandbox; the same pay
/// races on both instances: one authorization, one answer; state read from either instance.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_one_postgres_pay_race_and_checkout() {
    let pg = PgCluster::start();
    let sb = support::start_sandbox().await;
    let a = support::start(Opts {
        db_url: pg.url.clone(),
        gateway_base: Some(sb.url.clone()),
        sandbox_mode: true,
        ..Opts::default()
    })
    .await;
    let b = support::start(Opts {
        db_url: pg.url.clone(),
        gateway_base: Some(sb.url.clone()),
        sandbox_mode: true,
        ..Opts::default()
    })
    .await;
    let cs = support::create_session(&a, json!({"amount": 2599, "currency": "EUR"})).await;
    let blob = support::tokenize(&cs["tokenizer"], "4970101122334455", "1230", Some("123"))
        .await
        .unwrap();
    let body = support::pay_body(&blob, "race");
    let mut on_b = cs.clone();
    on_b["payUrl"] = json!(cs["payUrl"].as_str().unwrap().replace(&a.url, &b.url));
    let (ra, rb) = tokio::join!(support::pay(&cs, &body), support::pay(&on_b, &body));
    assert_eq!(ra, rb);
    assert_eq!(ra.1["status"], "authorized", "{:?}", ra);
    let l = support::ledger(&sb, cs["orderRef"].as_str().unwrap()).await;
    assert_eq!(l.as_array().unwrap().len(), 1, "{l}");
    let mut st_b = cs.clone();
    st_b["statusUrl"] = json!(cs["statusUrl"].as_str().unwrap().replace(&a.url, &b.url));
    assert_eq!(support::status(&st_b).await["status"], "authorized");
    // A challenge started on A finishes on B (the ACS return reaches the other instance).
    let cs = support::create_session(&a, json!({"amount": 1500, "currency": "EUR"})).await;
    let blob = support::tokenize(&cs["tokenizer"], "4970105181818183", "1230", Some("123"))
        .await
        .unwrap();
    let (_, v) = support::pay(&cs, &support::pay_body(&blob, "k")).await;
    assert_eq!(v["status"], "challenge");
    support::run_challenge(&sb, &v, Some("1234")).await;
    assert_eq!(support::status(&cs).await["status"], "authorized");
}
