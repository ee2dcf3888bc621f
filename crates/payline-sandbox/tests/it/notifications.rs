//! Notifications to the merchant's notification URL (Payline URL notification): HTTP GET with
//! `notificationType` and the documented parameters, retried every sandbox minute for 2 hours.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use payline_protocol::values::Mode;
use payline_sandbox::{Config, DbLocation};
use serde_json::Value;

use crate::common::*;
use crate::soapkit::*;
use crate::walletkit::*;

#[derive(Clone, Default)]
struct Receiver {
    /// Answers 500 to this many requests first.
    fail_first: usize,
    /// Delay before answering.
    delay: Duration,
    seen: Arc<Mutex<Vec<String>>>,
    count: Arc<AtomicUsize>,
}

async fn receive(State(r): State<Receiver>, RawQuery(q): RawQuery) -> StatusCode {
    let n = r.count.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(r.delay).await;
    r.seen.lock().expect("lock").push(q.unwrap_or_default());
    if n < r.fail_first {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    }
}

async fn start_receiver(r: Receiver) -> String {
    let app = axum::Router::new()
        .route("/notify", axum::routing::get(receive))
        .with_state(r);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}/notify")
}

async fn sandbox_notifying(url: &str) -> TestSandbox {
    let mut config = Config::default();
    for m in &mut config.merchants {
        m.notification_url = Some(url.to_owned());
    }
    TestSandbox::start_with(config, DbLocation::Memory).await
}

async fn notifications(s: &TestSandbox) -> Vec<Value> {
    let resp = s
        .http
        .get(s.url("/sandbox/notifications"))
        .basic_auth(MERCHANT, Some(ACCESS_KEY))
        .send()
        .await
        .expect("list");
    assert_eq!(resp.status(), 200);
    resp.json::<Vec<Value>>().await.expect("json")
}

/// Waits (real time, bounded) until `pred` holds for the notification list.
async fn wait_for(s: &TestSandbox, what: &str, pred: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let list = notifications(s).await;
        if pred(&list) {
            return list;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {list:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn attempts(n: &Value) -> usize {
    n["attempts"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn wallet_notification_is_retried_every_sandbox_minute_until_delivered() {
    let r = Receiver {
        fail_first: 2,
        ..Receiver::default()
    };
    let url = start_receiver(r.clone()).await;
    let s = sandbox_notifying(&url).await;
    let wallet = new_wallet(&s, "nw").await;

    let list = wait_for(&s, "first attempt", |l| {
        l.first().is_some_and(|n| attempts(n) == 1)
    })
    .await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["notificationType"], "WALLET");
    assert_eq!(list[0]["status"], "PENDING");
    assert_eq!(list[0]["attempts"][0]["httpStatus"], 500);
    // No retry before a sandbox minute has passed.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(r.count.load(Ordering::SeqCst), 1);
    s.advance(60).await;
    wait_for(&s, "second attempt", |l| {
        l.first().is_some_and(|n| attempts(n) == 2)
    })
    .await;
    s.advance(60).await;
    let list = wait_for(&s, "delivery", |l| {
        l.first().is_some_and(|n| n["status"] == "DELIVERED")
    })
    .await;
    assert_eq!(attempts(&list[0]), 3);
    assert_eq!(list[0]["attempts"][2]["httpStatus"], 200);
    let seen = r.seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 3);
    let params: Vec<(String, String)> = form_urlencoded::parse(seen[0].as_bytes())
        .into_owned()
        .collect();
    assert_eq!(
        params,
        vec![
            ("notificationType".to_owned(), "WALLET".to_owned()),
            ("walletId".to_owned(), wallet.clone()),
            ("contractNumber".to_owned(), CONTRACT.to_owned()),
        ]
    );

    // Resend on demand: one more GET, delivered.
    let id = list[0]["id"].as_i64().expect("id");
    let resp = s
        .http
        .post(s.url(&format!("/sandbox/notifications/{id}/resend")))
        .basic_auth(MERCHANT, Some(ACCESS_KEY))
        .send()
        .await
        .expect("resend");
    assert_eq!(resp.status(), 202);
    wait_for(&s, "resend", |l| {
        l.first()
            .is_some_and(|n| attempts(n) == 4 && n["status"] == "DELIVERED")
    })
    .await;
    assert_eq!(r.count.load(Ordering::SeqCst), 4);
    let missing = s
        .http
        .post(s.url("/sandbox/notifications/999999/resend"))
        .basic_auth(MERCHANT, Some(ACCESS_KEY))
        .send()
        .await
        .expect("resend");
    assert_eq!(missing.status(), 404);
    let anonymous = s
        .http
        .post(s.url(&format!("/sandbox/notifications/{id}/resend")))
        .send()
        .await
        .expect("resend");
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn unreachable_receiver_is_abandoned_after_two_hours_of_sandbox_time() {
    // A port nobody listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/notify", listener.local_addr().expect("addr"));
    drop(listener);
    let s = sandbox_notifying(&url).await;
    new_wallet(&s, "gone").await;
    wait_for(&s, "first attempt", |l| {
        l.first().is_some_and(|n| attempts(n) == 1)
    })
    .await;
    for i in 2..=4 {
        s.advance(60).await;
        wait_for(&s, "retry", |l| l.first().is_some_and(|n| attempts(n) == i)).await;
    }
    // Jump past the 2-hour window: one last attempt, then abandoned.
    s.advance(2 * 3600).await;
    let list = wait_for(&s, "abandon", |l| {
        l.first().is_some_and(|n| n["status"] == "ABANDONED")
    })
    .await;
    assert_eq!(attempts(&list[0]), 5);
    assert!(
        list[0]["attempts"]
            .as_array()
            .expect("attempts")
            .iter()
            .all(|a| a["error"] == "connection failed")
    );
    s.advance(600).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(
        attempts(&notifications(&s).await[0]),
        5,
        "abandoned: no more attempts"
    );
}

#[tokio::test]
async fn the_clock_never_waits_on_a_slow_receiver_and_attempts_time_out_after_2_s() {
    let r = Receiver {
        delay: Duration::from_secs(5),
        ..Receiver::default()
    };
    let url = start_receiver(r.clone()).await;
    let s = sandbox_notifying(&url).await;
    let wallet = new_wallet(&s, "slow").await;
    let today = sandbox_today(&s).await;
    // A monthly plan: each billing notifies BILL.
    let order_ref = unique_ref("o");
    let rec = recurring(1_000, 40, Some(3));
    let resp = call(
        &s,
        &recurrent(&wallet, &order_ref, 3_000, Mode::NX, rec, today),
    )
    .await;
    assert_eq!(code(&resp), "02500");
    let started = Instant::now();
    s.advance(70 * 86_400).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "clock move took {:?}",
        started.elapsed()
    );
    assert_eq!(s.ledger(&order_ref).await.len(), 3);
    let list = wait_for(&s, "timeouts", |l| {
        l.iter().filter(|n| attempts(n) >= 1).count() == 4
    })
    .await;
    let bills: Vec<&Value> = list
        .iter()
        .filter(|n| n["notificationType"] == "BILL")
        .collect();
    assert_eq!(bills.len(), 3);
    assert!(
        list.iter()
            .all(|n| n["attempts"][0]["error"] == "timeout (2 s)"),
        "{list:?}"
    );
    let q = bills[0]["url"].as_str().expect("url");
    let query = q.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let params: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let names: Vec<&str> = params.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "notificationType",
            "paymentRecordId",
            "walletId",
            "transactionId",
            "billingRecordDate",
            "orderRef"
        ]
    );
    assert!(params.contains(&("paymentRecordId".to_owned(), resp.payment_record_id.clone())));
    assert!(params.contains(&("orderRef".to_owned(), order_ref.clone())));
    assert!(params.contains(&("billingRecordDate".to_owned(), day(today))));
}

#[tokio::test]
async fn immediate_wallet_payment_notifies_trswallet() {
    let r = Receiver::default();
    let url = start_receiver(r.clone()).await;
    let s = sandbox_notifying(&url).await;
    let wallet = new_wallet(&s, "trs").await;
    let pay = call(&s, &immediate(&wallet, &unique_ref("o"), 1_000, Mode::CPT)).await;
    let tid = pay.transaction.expect("transaction").id;
    let list = wait_for(&s, "deliveries", |l| {
        l.len() == 2 && l.iter().all(|n| n["status"] == "DELIVERED")
    })
    .await;
    assert_eq!(list[1]["notificationType"], "TRSWALLET");
    let seen = r.seen.lock().expect("lock").clone();
    assert!(
        seen.iter()
            .any(|q| q
                == &format!("notificationType=TRSWALLET&transactionId={tid}&walletId={wallet}")),
        "{seen:?}"
    );
}

#[tokio::test]
async fn do_authorization_notifies_trs_to_the_point_of_sale_url() {
    let r = Receiver::default();
    let url = start_receiver(r.clone()).await;
    let s = sandbox_notifying(&url).await;
    let auth = call(&s, &simple_auth(&unique_ref("trs"), 1_000, 101)).await;
    assert_eq!(code(&auth), "00000");
    wait_for(&s, "delivery", |l| {
        l.len() == 1 && l[0]["status"] == "DELIVERED"
    })
    .await;
    let seen = r.seen.lock().expect("lock").clone();
    assert_eq!(
        seen,
        vec![format!(
            "notificationType=TRS&transactionId={}",
            auth.transaction.id
        )]
    );
}
