//! The two promises under faults — a buyer is never charged twice, an accepted payment is never
//! lost — checked against the sandbox's ledger, not against the server's own view: the grace
//! window for "not found", late landings and notifications for closed attempts cancelled,
//! back-office races and lost answers, leases, 3-D Secure waits, redirects, order references,
//! and the database going away.

use std::time::Duration;

use payline_protocol::secret::Secret;
use payment_server::config::MoneySettings;
use serde_json::{Value, json};

use crate::support::{
    self, ADMIN, Opts, client, ledger, pay, pay_body, sqlite_url, status, tokenize,
};

const GRACE_MS: i64 = 60_000;

fn money() -> MoneySettings {
    MoneySettings {
        not_found_grace_ms: GRACE_MS,
        ..MoneySettings::default()
    }
}

/// Live (accepted, not cancelled) authorizations of an order reference at the gateway.
async fn live(sb: &support::Sandbox, order_ref: &str) -> Vec<Value> {
    ledger(sb, order_ref)
        .await
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["type"] == "AUTHORIZATION"
                && e["accepted"] == true
                && e["state"] != "CANCELLED"
                && e["state"] != "REFUSED"
        })
        .cloned()
        .collect()
}

async fn events(s: &support::Server, kind: &str) -> i64 {
    let r = sqlx::query("SELECT COUNT(*) AS n FROM webhook_events WHERE event_type = $1")
        .bind(kind)
        .fetch_one(s.state.store().pool())
        .await
        .unwrap();
    sqlx::Row::try_get::<i64, _>(&r, "n").unwrap()
}

async fn round(s: &support::Server) -> payment_server::background::Round {
    // Past every backoff the previous round set.
    s.clock.advance(31_000);
    payment_server::background::run_once(&s.state)
        .await
        .unwrap()
}

#[tokio::test]
async fn not_found_is_final_only_after_the_grace_window_and_a_late_landing_is_then_cancelled() {
    late_landing_after_the_grace_window(sqlite_url()).await;
}

/// The same on PostgreSQL: the transactions, claims and compare-and-sets run on both.
#[tokio::test]
async fn not_found_grace_and_late_landing_on_postgresql() {
    let pg = support::pg::PgCluster::start();
    late_landing_after_the_grace_window(pg.url.clone()).await;
}

async fn late_landing_after_the_grace_window(db_url: String) {
    let sb = support::start_sandbox().await;
    let proxy = support::fault_proxy(&sb.url).await;
    let s = support::start(Opts {
        db_url,
        gateway_base: Some(proxy.url.clone()),
        sandbox_mode: true,
        gateway_timeout_ms: 1_000,
        money: money(),
        webhook: support::webhook_outbox(),
        ..Opts::default()
    })
    .await;
    let cs = support::create_session(&s, json!({"amount": 2599, "currency": "EUR"})).await;
    let order_ref = cs["orderRef"].as_str().unwrap().to_owned();
    let blob = tokenize(
        &support::at_sandbox(&sb, &cs["tokenizer"]),
        "4970101122334455",
        "1230",
        Some("123"),
    )
    .await
    .unwrap();
    // The request is held on the way for 4 s: the server gives up after 1 s.
    *proxy.hold_request.lock().unwrap() = Some(("doAuthorization", 4_000));
    let (st, v) = pay(&cs, &pay_body(&blob, "k1")).await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (504, Some("gateway_timeout")),
        "{v}"
    );
    *proxy.hold_request.lock().unwrap() = None;
    // Not found yet, within the grace window: still undecided, the session stays locked.
    round(&s).await;
    assert_eq!(status(&cs).await["payment"]["status"], "unknown");
    let (st, v) = pay(&cs, &pay_body(&blob, "k2")).await;
    assert_eq!(
        st, 504,
        "a second pay while undecided must not start anything: {v}"
    );
    // Past the grace window (the clock moved 62 s) with still nothing at the gateway: the
    // attempt failed, the buyer may pay again under a new order reference.
    round(&s).await;
    let st = status(&cs).await;
    assert_eq!(st["status"], "refused", "{st}");
    let blob2 = tokenize(
        &support::at_sandbox(&sb, &st["retry"]["tokenizer"]),
        "4970101122334455",
        "1230",
        Some("123"),
    )
    .await
    .unwrap();
    let (code, v) = pay(&cs, &pay_body(&blob2, "k3")).await;
    assert_eq!(
        (code, v["status"].as_str()),
        (200, Some("authorized")),
        "{v}"
    );
    // The held request lands now: a second live authorization for this buyer…
    tokio::time::sleep(Duration::from_millis(3_500)).await;
    assert_eq!(
        live(&sb, &order_ref).await.len(),
        1,
        "the late landing happened"
    );
    // …which the watch finds and cancels.
    round(&s).await;
    round(&s).await;
    assert!(
        live(&sb, &order_ref).await.is_empty(),
        "{}",
        ledger(&sb, &order_ref).await
    );
    assert_eq!(live(&sb, &format!("{order_ref}-2")).await.len(), 1);
    assert_eq!(status(&cs).await["status"], "authorized");
    assert_eq!(events(&s, "payment.orphan_cancelled").await, 1);
    let m = s.state.metrics().render();
    assert!(
        m.contains("payment_safety_events_total{event=\"orphan_cancelled\"} 1"),
        "{m}"
    );
}

#[tokio::test]
async fn a_landing_within_the_grace_window_is_the_payment() {
    let sb = support::start_sandbox().await;
    let proxy = support::fault_proxy(&sb.url).await;
    let s = support::start(Opts {
        gateway_base: Some(proxy.url.clone()),
        sandbox_mode: true,
        gateway_timeout_ms: 1_000,
        money: money(),
        ..Opts::default()
    })
    .await;
    let cs = support::create_session(&s, json!({"amount": 2599, "currency": "EUR"})).await;
    let order_ref = cs["orderRef"].as_str().unwrap().to_owned();
    let blob = tokenize(
        &support::at_sandbox(&sb, &cs["tokenizer"]),
        "4970101122334455",
        "1230",
        Some("123"),
    )
    .await
    .unwrap();
    *proxy.hold_request.lock().unwrap() = Some(("doAuthorization", 2_000));
    assert_eq!(pay(&cs, &pay_body(&blob, "k1")).await.0, 504);
    *proxy.hold_request.lock().unwrap() = None;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    // The browser retries with its key: the server looks the order up and answers it.
    let (st, v) = pay(&cs, &pay_body(&blob, "k1")).await;
    assert_eq!((st, v["status"].as_str()), (200, Some("authorized")), "{v}");
    assert_eq!(live(&sb, &order_ref).await.len(), 1);
    let p = status(&cs).await;
    assert_eq!(
        p["payment"]["transactionId"],
        live(&sb, &order_ref).await[0]["id"]
    );
}

#[tokio::test]
async fn a_notification_for_a_closed_attempt_cancels_its_authorization() {
    let (sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let cs = support::create_session(&s, json!({"amount": 2599, "currency": "EUR"})).await;
    let order_ref = cs["orderRef"].as_str().unwrap().to_owned();
    // A challenge the page abandons: attempt 1 is closed.
    let blob = tokenize(&cs["tokenizer"], "4970105181818183", "1230", Some("123"))
        .await
        .unwrap();
    let (_, v) = pay(&cs, &pay_body(&blob, "k")).await;
    assert_eq!(v["status"], "challenge", "{v}");
    let r = client()
        .post(format!(
            "{}/api/checkout-sessions/{}/abandon",
            s.url,
            cs["id"].as_str().unwrap()
        ))
        .bearer_auth(cs["clientSecret"].as_str().unwrap())
        .header("origin", support::CHECKOUT_ORIGIN)
        .json(&json!({"paymentId": v["paymentId"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // An authorization appears at the gateway under that order reference anyway.
    let cfg = payline_protocol::client::ClientConfig::new(
        &sb.url,
        "12345678901234",
        Secret::new("SANDBOXACCESSKEY0001"),
    )
    .unwrap();
    let c = payline_protocol::client::PaylineClient::new(cfg).unwrap();
    let mut p = payline_protocol::objects::Payment::new(
        payline_protocol::values::Currency::EUR,
        payline_protocol::values::Action::AUTHORIZATION,
        payline_protocol::values::Mode::CPT,
    );
    p.amount = payline_protocol::values::Amount::from_minor(2599);
    p.contract_number = Some("1234567".into());
    let mut card = payline_protocol::objects::Card::new(payline_protocol::values::CardType::CB);
    card.number = Some(Secret::new("4970101122334455"));
    card.expiration_date = "1230".parse().ok();
    card.cvx = Some(Secret::new("123"));
    let mut order = payline_protocol::objects::Order::new(
        payline_protocol::values::Amount::from_minor(2599).unwrap(),
        payline_protocol::values::Currency::EUR,
        payment_server::formats::order_date(1_790_000_000_000),
    );
    order.r#ref = order_ref.clone();
    let res = c
        .call(&payline_protocol::messages::DoAuthorizationRequest::new(
            p, card, order,
        ))
        .await
        .unwrap();
    assert_eq!(res.result.code.as_str(), "00000");
    assert_eq!(live(&sb, &order_ref).await.len(), 1);
    // Its notification: confirmed with the gateway, found to belong to a closed attempt.
    let r = client()
        .get(format!("{}/payline/notify", s.url))
        .query(&[
            ("notificationType", "TRS"),
            ("transactionId", res.transaction.id.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    round(&s).await;
    assert!(
        live(&sb, &order_ref).await.is_empty(),
        "{}",
        ledger(&sb, &order_ref).await
    );
    // A forged notification for it again changes nothing.
    let r = client()
        .get(format!("{}/payline/notify", s.url))
        .query(&[
            ("notificationType", "TRS"),
            ("transactionId", res.transaction.id.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(status(&cs).await["status"], "refused");
}

async fn authorized(sb: &support::Sandbox, s: &support::Server) -> (Value, String) {
    let cs = support::create_session(s, json!({"amount": 2599, "currency": "EUR"})).await;
    let blob = tokenize(
        &support::at_sandbox(sb, &cs["tokenizer"]),
        "4970101122334455",
        "1230",
        Some("123"),
    )
    .await
    .unwrap();
    let (_, v) = pay(&cs, &pay_body(&blob, "k")).await;
    assert_eq!(v["status"], "authorized", "{v}");
    (cs, v["paymentId"].as_str().unwrap().to_owned())
}

fn op(
    s: &support::Server,
    pid: &str,
    kind: &str,
    key: &str,
    body: Value,
) -> reqwest::RequestBuilder {
    client()
        .post(format!("{}/api/payments/{pid}/{kind}", s.url))
        .bearer_auth(ADMIN)
        .header("idempotency-key", key)
        .json(&body)
}

#[tokio::test]
async fn a_capture_racing_a_cancel_has_exactly_one_winner() {
    let sb = support::start_sandbox().await;
    let proxy = support::fault_proxy(&sb.url).await;
    let s = support::start(Opts {
        gateway_base: Some(proxy.url.clone()),
        sandbox_mode: true,
        ..Opts::default()
    })
    .await;
    let (cs, pid) = authorized(&sb, &s).await;
    // The capture's answer takes 3 s; the cancel arrives meanwhile.
    *proxy.delay_action.lock().unwrap() = Some("doCapture");
    let capture = tokio::spawn(op(&s, &pid, "capture", "c1", json!({})).send());
    tokio::time::sleep(Duration::from_millis(500)).await;
    let cancel = op(&s, &pid, "cancel", "x1", json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(cancel.status(), 409);
    let v: Value = cancel.json().await.unwrap();
    assert_eq!(v["error"]["code"], "operation_in_progress");
    let capture = capture.await.unwrap().unwrap();
    assert_eq!(capture.status(), 200);
    let entries = ledger(&sb, cs["orderRef"].as_str().unwrap()).await;
    let kinds: Vec<&str> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["AUTHORIZATION", "CAPTURE"], "{entries}");
}

#[tokio::test]
async fn a_refund_whose_answer_was_lost_is_never_sent_twice() {
    let sb = support::start_sandbox().await;
    let proxy = support::fault_proxy(&sb.url).await;
    let s = support::start(Opts {
        gateway_base: Some(proxy.url.clone()),
        sandbox_mode: true,
        money: money(),
        ..Opts::default()
    })
    .await;
    let (cs, pid) = authorized(&sb, &s).await;
    assert_eq!(
        op(&s, &pid, "capture", "c1", json!({}))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    *proxy.drop_action.lock().unwrap() = Some("doRefund");
    assert_eq!(
        op(&s, &pid, "refund", "r1", json!({"amount": 1000}))
            .send()
            .await
            .unwrap()
            .status(),
        504
    );
    *proxy.drop_action.lock().unwrap() = None;
    // The same key: its answer is kept. Another key: the payment is held until reconciled.
    assert_eq!(
        op(&s, &pid, "refund", "r1", json!({"amount": 1000}))
            .send()
            .await
            .unwrap()
            .status(),
        504
    );
    let r = op(&s, &pid, "refund", "r2", json!({"amount": 1000}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let refunds = |l: Value| {
        l.as_array()
            .unwrap()
            .iter()
            .filter(|e| e["type"] == "REFUND")
            .count()
    };
    assert_eq!(
        refunds(ledger(&sb, cs["orderRef"].as_str().unwrap()).await),
        1
    );
    // The reconciler reads the history: the refund happened.
    round(&s).await;
    let p: Value = support::payment(&s, &pid).await;
    assert_eq!(
        (p["status"].as_str(), p["refundedAmount"].as_i64()),
        (Some("partially_refunded"), Some(1000)),
        "{p}"
    );
    // Now a new key refunds the rest, once.
    assert_eq!(
        op(&s, &pid, "refund", "r3", json!({}))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        refunds(ledger(&sb, cs["orderRef"].as_str().unwrap()).await),
        2
    );
    let r = op(&s, &pid, "refund", "r4", json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
}

#[tokio::test]
async fn an_idempotency_key_whose_holder_died_is_taken_over_after_its_lease() {
    let s = support::start(Opts::default()).await;
    let claim = payment_server::idempotency::claim(&s.state, "t", "k", "h")
        .await
        .unwrap();
    assert_eq!(claim, payment_server::idempotency::Claim::Owner);
    // The owner never answers (its process died). Within the lease a second request waits and
    // gives up with 409; past it, the key is taken over.
    s.clock.advance(MoneySettings::default().lease_ms + 1);
    let again = payment_server::idempotency::claim(&s.state, "t", "k", "h")
        .await
        .unwrap();
    assert_eq!(again, payment_server::idempotency::Claim::Owner);
}

#[tokio::test]
async fn a_three_ds_wait_expires_wipes_the_card_and_a_late_acs_answer_authorizes_nothing() {
    let (sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let cs = support::create_session(&s, json!({"amount": 2599, "currency": "EUR"})).await;
    let blob = tokenize(&cs["tokenizer"], "4970105181818183", "1230", Some("123"))
        .await
        .unwrap();
    let (_, answer) = pay(&cs, &pay_body(&blob, "k")).await;
    assert_eq!(answer["status"], "challenge");
    s.clock
        .advance(MoneySettings::default().three_ds_wait_ms + 1);
    payment_server::background::run_once(&s.state)
        .await
        .unwrap();
    let r = sqlx::query("SELECT status, card_sealed FROM attempts")
        .fetch_one(s.state.store().pool())
        .await
        .unwrap();
    assert_eq!(
        sqlx::Row::try_get::<String, _>(&r, "status").unwrap(),
        "expired"
    );
    assert!(
        sqlx::Row::try_get::<Option<String>, _>(&r, "card_sealed")
            .unwrap()
            .is_none()
    );
    // The buyer finishes the challenge anyway: nothing is authorized.
    support::run_challenge(&sb, &answer, Some("1234")).await;
    assert!(live(&sb, cs["orderRef"].as_str().unwrap()).await.is_empty());
    assert_ne!(status(&cs).await["status"], "authorized");
}

#[tokio::test]
async fn a_redirect_return_url_off_the_allowed_origins_is_refused() {
    let (_sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let cs = support::create_session(&s, json!({"amount": 2599, "currency": "EUR"})).await;
    let blob = tokenize(&cs["tokenizer"], "4970105181818183", "1230", Some("123"))
        .await
        .unwrap();
    for bad in [
        "https://evil.example/back",
        "http://shop.test:3000@evil.example/",
        "http://shop.test:30001/",
    ] {
        let mut body = pay_body(&blob, "k");
        body["threeDS"] = json!({"mode": "redirect", "returnUrl": bad});
        let (st, v) = pay(&cs, &body).await;
        assert_eq!(
            (st, v["error"]["code"].as_str()),
            (400, Some("invalid_return_url")),
            "{bad}: {v}"
        );
    }
    assert_eq!(status(&cs).await["status"], "open", "nothing was stored");
    let mut body = pay_body(&blob, "k");
    body["threeDS"] = json!({"mode": "redirect", "returnUrl": format!("{}/order/done?x=1", support::CHECKOUT_ORIGIN)});
    let (st, v) = pay(&cs, &body).await;
    assert_eq!((st, v["status"].as_str()), (200, Some("challenge")), "{v}");
}

#[tokio::test]
async fn a_shop_order_reference_never_collides_with_a_retry_reference() {
    let s = support::start(Opts::default()).await;
    let create = |r: &str| {
        client()
            .post(format!("{}/api/checkout-sessions", s.url))
            .bearer_auth(ADMIN)
            .json(&json!({"amount": 100, "currency": "EUR", "orderRef": r}))
            .send()
    };
    assert_eq!(create("1001").await.unwrap().status(), 201);
    let r = create("1001-2").await.unwrap();
    assert_eq!(r.status(), 409);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "order_ref_exists"
    );
    // The other way round.
    assert_eq!(create("2002-3").await.unwrap().status(), 201);
    assert_eq!(create("2002").await.unwrap().status(), 409);
    assert_eq!(create("2002-30").await.unwrap().status(), 201);
}

#[tokio::test]
async fn a_locked_sqlite_database_is_a_clear_503_and_work_resumes() {
    use sqlx::Connection as _;
    let db = sqlite_url();
    let s = support::start(Opts {
        db_url: db.clone(),
        ..Opts::default()
    })
    .await;
    let create = || {
        client()
            .post(format!("{}/api/checkout-sessions", s.url))
            .bearer_auth(ADMIN)
            .json(&json!({"amount": 100, "currency": "EUR"}))
            .send()
    };
    assert_eq!(create().await.unwrap().status(), 201);
    // Another process holds the write lock (a backup, an operator's shell…).
    let mut other = sqlx::SqliteConnection::connect(&db).await.unwrap();
    sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut other)
        .await
        .unwrap();
    let r = create().await.unwrap();
    assert_eq!(r.status(), 503);
    assert!(r.headers().contains_key("retry-after"));
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "storage_unavailable"
    );
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    drop(other);
    assert_eq!(create().await.unwrap().status(), 201);
    let n = sqlx::query("SELECT COUNT(*) AS n FROM checkout_sessions")
        .fetch_one(s.state.store().pool())
        .await
        .unwrap();
    assert_eq!(
        sqlx::Row::try_get::<i64, _>(&n, "n").unwrap(),
        2,
        "the refused request wrote nothing"
    );
    let n = sqlx::query("SELECT COUNT(*) AS n FROM order_refs")
        .fetch_one(s.state.store().pool())
        .await
        .unwrap();
    assert_eq!(
        sqlx::Row::try_get::<i64, _>(&n, "n").unwrap(),
        10,
        "nor half of its order references"
    );
}

#[tokio::test]
async fn postgresql_stopped_mid_flow_is_a_clear_503_and_work_resumes() {
    let pg = support::pg::PgCluster::start();
    let (sb, s) = support::start_with_sandbox(pg.url.clone()).await;
    let (_cs, pid) = authorized(&sb, &s).await;
    pg.stop();
    let r = op(&s, &pid, "capture", "c1", json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "storage_unavailable"
    );
    pg.start_again();
    // Nothing was sent while the database was away; the same key now captures, once.
    let r = op(&s, &pid, "capture", "c1", json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    let p: Value = support::payment(&s, &pid).await;
    assert_eq!(p["capturedAmount"], 2599);
}
