//! The hosted payment page (doWebPayment) end to end against the sandbox over loopback HTTP: the
//! buyer follows `redirectUrl`, posts the sandbox page's card form, comes back through the
//! payment server (which reads getWebPaymentDetails) and lands on the shop's `returnUrl`.
//! Refusal, cancellation, a buyer who never comes back (the notification, or the reconciler,
//! settles it), expiry, forged and replayed returns and notifications, `/pay` refused, the back
//! office on a hosted payment, and no card data in the server's logs or database.

use std::time::Duration;

use payment_server::config::sandbox_merchant;
use serde_json::{Value, json};

use crate::support::{self, ADMIN, CHECKOUT_ORIGIN, Opts, client, sqlite_url, status};

const RETURN: &str = "http://shop.test:3000/shop/return?order=1";

/// The tests' client follows no redirect, so every hop of the browser is seen.
fn no_redirect() -> reqwest::Client {
    client()
}

async fn hosted_session(s: &support::Server, amount: u64) -> Value {
    let cs = support::create_session(
        s,
        json!({"amount": amount, "currency": "EUR", "mode": "hosted", "returnUrl": RETURN}),
    )
    .await;
    assert_eq!(cs["mode"], "hosted", "{cs}");
    assert!(cs["redirectUrl"].as_str().unwrap().starts_with("http://"));
    cs
}

/// The sandbox page's `token` (from `redirectUrl`).
fn page_token(cs: &Value) -> String {
    let u = cs["redirectUrl"].as_str().unwrap();
    u.split("token=").nth(1).unwrap().to_owned()
}

/// The buyer opens the page and posts its card form (or its Cancel form); returns where the
/// gateway sends the browser next (the payment server's return route).
async fn on_the_page(sb: &support::Sandbox, cs: &Value, card: Option<&str>) -> String {
    let http = no_redirect();
    let r = http
        .get(cs["redirectUrl"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("Card number"), "the sandbox's payment page");
    let token = page_token(cs);
    let (path, form) = match card {
        Some(pan) => (
            "/webpayment/pay",
            vec![
                ("token", token),
                ("cardNumber", pan.to_owned()),
                ("expiryDate", "12/30".to_owned()),
                ("securityCode", "123".to_owned()),
                ("cardholderName", "Jean Dupont".to_owned()),
            ],
        ),
        None => ("/webpayment/cancel", vec![("token", token)]),
    };
    let r = http
        .post(format!("{}{path}", sb.url))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    let back = r.headers()["location"].to_str().unwrap().to_owned();
    let id = cs["id"].as_str().unwrap();
    assert!(
        back.contains(&format!("/hosted/return/{id}")),
        "the gateway sends the buyer back to the payment server: {back}"
    );
    back
}

/// Follows the gateway's redirect to the payment server; returns the shop URL it redirects to.
async fn come_back(url: &str) -> String {
    let r = no_redirect().get(url).send().await.unwrap();
    assert_eq!(r.status(), 303);
    r.headers()["location"].to_str().unwrap().to_owned()
}

async fn count(s: &support::Server, sql: &str, bind: &str) -> i64 {
    let r = sqlx::query(sql)
        .bind(bind)
        .fetch_one(s.state.store().pool())
        .await
        .unwrap();
    sqlx::Row::try_get::<i64, _>(&r, "n").unwrap()
}

async fn events(s: &support::Server, kind: &str) -> i64 {
    count(
        s,
        "SELECT COUNT(*) AS n FROM webhook_events WHERE event_type = $1",
        kind,
    )
    .await
}

async fn notify(s: &support::Server, token: &str) -> u16 {
    client()
        .get(format!("{}/payline/notify", s.url))
        .query(&[("notificationType", "WEBTRS"), ("token", token)])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn wait_for(cs: &Value, want: &str) -> Value {
    for _ in 0..100 {
        let st = status(cs).await;
        if st["status"] == want {
            return st;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("session never became {want}: {}", status(cs).await);
}

async fn sandbox_clock(sb: &support::Sandbox, seconds: u64) {
    let r = client()
        .post(format!("{}/sandbox/clock", sb.url))
        .basic_auth(
            sandbox_merchant::MERCHANT_ID,
            Some(sandbox_merchant::ACCESS_KEY),
        )
        .json(&json!({"advance_seconds": seconds}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

async fn op(s: &support::Server, pid: &str, what: &str, key: &str, body: Value) -> (u16, Value) {
    let r = client()
        .post(format!("{}/api/payments/{pid}/{what}", s.url))
        .bearer_auth(ADMIN)
        .header("idempotency-key", key)
        .json(&body)
        .send()
        .await
        .unwrap();
    let st = r.status().as_u16();
    (st, r.json().await.unwrap_or(Value::Null))
}

async fn with_sandbox(db_url: String) -> (support::Sandbox, support::Server) {
    let sb = support::start_sandbox().await;
    let s = support::start(Opts {
        db_url,
        gateway_base: Some(sb.url.clone()),
        sandbox_mode: true,
        webhook: support::webhook_outbox(),
        ..Opts::default()
    })
    .await;
    (sb, s)
}

#[tokio::test]
async fn hosted_page_authorizes_and_the_back_office_captures_and_refunds() {
    hosted_checkout(sqlite_url()).await;
}

/// The same on PostgreSQL: the intent, the stored page and the outcome's transaction.
#[tokio::test]
async fn hosted_page_on_postgresql() {
    let pg = support::pg::PgCluster::start();
    hosted_checkout(pg.url.clone()).await;
}

async fn hosted_checkout(db_url: String) {
    let (sb, s) = with_sandbox(db_url).await;
    let cs = hosted_session(&s, 2599).await;
    // The page is open at the gateway: the session is taken, no pay can start.
    assert_eq!(status(&cs).await["status"], "processing");
    let back = on_the_page(&sb, &cs, Some("4970101122334455")).await;
    let shop = come_back(&back).await;
    assert_eq!(
        shop,
        format!("{RETURN}&cardCaptureSession={}", cs["id"].as_str().unwrap())
    );
    let st = status(&cs).await;
    assert_eq!(st["status"], "authorized", "{st}");
    let p = &st["payment"];
    assert_eq!(p["status"], "authorized");
    assert_eq!(p["amount"], 2599);
    assert!(p["transactionId"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(p["maskedCard"].as_str().unwrap().contains("XXXX"), "{p}");
    assert_eq!(events(&s, "payment.authorized").await, 1);
    // The gateway's ledger agrees: one accepted authorization for the session's order.
    let l = support::ledger(&sb, cs["orderRef"].as_str().unwrap()).await;
    let auths: Vec<&Value> = l
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "AUTHORIZATION" && e["accepted"] == true)
        .collect();
    assert_eq!(auths.len(), 1, "{l}");

    // The return replayed (the browser's back button, a forged hit): nothing changes.
    assert_eq!(come_back(&back).await, shop);
    assert_eq!(events(&s, "payment.authorized").await, 1);

    // The back office works on it as on a direct checkout.
    let pid = p["paymentId"].as_str().unwrap().to_owned();
    let (st, v) = op(&s, &pid, "capture", "c1", json!({})).await;
    assert_eq!(
        (st, v["payment"]["status"].as_str()),
        (200, Some("captured")),
        "{v}"
    );
    assert_eq!(v["payment"]["capturedAmount"], 2599);
    let (st, v) = op(&s, &pid, "refund", "r1", json!({"amount": 599})).await;
    assert_eq!(
        (st, v["payment"]["status"].as_str()),
        (200, Some("partially_refunded")),
        "{v}"
    );
    let pay = support::payment(&s, &pid).await;
    assert_eq!(pay["refundedAmount"], 599);
    assert_eq!(events(&s, "payment.captured").await, 1);
}

#[tokio::test]
async fn refused_card_and_cancelled_page() {
    let (sb, s) = with_sandbox(sqlite_url()).await;
    // 333.05: the bank refuses (Payline amount-based test codes).
    let cs = hosted_session(&s, 33305).await;
    let back = on_the_page(&sb, &cs, Some("4970101122334455")).await;
    come_back(&back).await;
    let st = status(&cs).await;
    assert_eq!(st["status"], "refused", "{st}");
    assert_eq!(st["payment"]["status"], "refused");
    assert_eq!(st["payment"]["code"], "01100");
    assert_eq!(events(&s, "payment.refused").await, 1);
    // The refused page is watched until the web session can no longer be used (a later
    // authorization under its order reference would be cancelled); the refusal stands.
    let pid = st["payment"]["paymentId"].as_str().unwrap().to_owned();
    let watched =
        "SELECT COUNT(*) AS n FROM attempts WHERE payment_id = $1 AND next_check_at IS NOT NULL";
    assert_eq!(count(&s, watched, &pid).await, 1);
    s.clock.advance(61_000);
    payment_server::background::run_once(&s.state)
        .await
        .unwrap();
    assert_eq!(status(&cs).await["status"], "refused");
    s.clock.advance(20 * 60 * 1000);
    payment_server::background::run_once(&s.state)
        .await
        .unwrap();
    assert_eq!(count(&s, watched, &pid).await, 0, "the watch ends");
    let orphans = "SELECT COUNT(*) AS n FROM orphans WHERE payment_id = $1";
    assert_eq!(count(&s, orphans, &pid).await, 0);

    // The buyer cancels on the page: Payline 02319, nothing charged.
    let cs = hosted_session(&s, 2599).await;
    let back = on_the_page(&sb, &cs, None).await;
    let shop = come_back(&back).await;
    assert!(shop.starts_with(RETURN), "{shop}");
    let st = status(&cs).await;
    assert_eq!(st["status"], "refused", "{st}");
    assert_eq!(st["payment"]["code"], "02319");
    assert!(
        support::ledger(&sb, cs["orderRef"].as_str().unwrap())
            .await
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn the_notification_settles_a_buyer_who_never_comes_back_and_a_replay_changes_nothing() {
    let (sb, s) = with_sandbox(sqlite_url()).await;
    let cs = hosted_session(&s, 2599).await;
    // The buyer pays and closes the tab: the return is never followed.
    on_the_page(&sb, &cs, Some("4970101122334455")).await;
    // The gateway's WEBTRS notification reaches /payline/notify; the server reads
    // getWebPaymentDetails.
    let st = wait_for(&cs, "authorized").await;
    assert_eq!(st["payment"]["status"], "authorized");
    assert_eq!(events(&s, "payment.authorized").await, 1);
    let ops = "SELECT COUNT(*) AS n FROM operations WHERE payment_id = $1";
    let pid = st["payment"]["paymentId"].as_str().unwrap().to_owned();
    assert_eq!(count(&s, ops, &pid).await, 1);
    // Replayed: idempotent.
    let token = page_token(&cs);
    assert_eq!(notify(&s, &token).await, 200);
    assert_eq!(notify(&s, &token).await, 200);
    assert_eq!(events(&s, "payment.authorized").await, 1);
    assert_eq!(count(&s, ops, &pid).await, 1);
    assert_eq!(status(&cs).await["status"], "authorized");
}

#[tokio::test]
async fn without_return_or_notification_the_reconciler_settles_the_page() {
    let sb = support::start_sandbox().await;
    let proxy = support::fault_proxy(&sb.url).await;
    let s = support::start(Opts {
        gateway_base: Some(proxy.url.clone()),
        sandbox_mode: true,
        gateway_timeout_ms: 1_000,
        webhook: support::webhook_outbox(),
        ..Opts::default()
    })
    .await;
    let cs = hosted_session(&s, 2599).await;
    // Every getWebPaymentDetails answer is lost: the notification that arrives cannot be
    // confirmed, and the buyer never comes back.
    *proxy.drop_action.lock().unwrap() = Some("getWebPaymentDetails");
    on_the_page(&sb, &cs, Some("4970101122334455")).await;
    let mut seen = false;
    for _ in 0..100 {
        if proxy
            .requests
            .lock()
            .unwrap()
            .iter()
            .any(|(a, _)| a == "getWebPaymentDetails")
        {
            seen = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(seen, "the notification made the server ask the gateway");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(status(&cs).await["status"], "processing");
    *proxy.drop_action.lock().unwrap() = None;
    // Before its first check nothing is asked; past it, the reconciler reads the page.
    s.clock.advance(61_000);
    payment_server::background::run_once(&s.state)
        .await
        .unwrap();
    let st = status(&cs).await;
    assert_eq!(st["status"], "authorized", "{st}");
    assert_eq!(events(&s, "payment.authorized").await, 1);

    // A page nobody ever pays: checked until the web session expires, then closed.
    let cs = hosted_session(&s, 2599).await;
    s.clock.advance(61_000);
    payment_server::background::run_once(&s.state)
        .await
        .unwrap();
    assert_eq!(status(&cs).await["status"], "processing");
    sandbox_clock(&sb, 16 * 60).await;
    s.clock.advance(16 * 60 * 1000);
    payment_server::background::run_once(&s.state)
        .await
        .unwrap();
    let st = status(&cs).await;
    assert_eq!(st["status"], "refused", "{st}");
    assert_eq!(st["payment"]["code"], "02534", "{st}");
    // Closed: no longer looked at.
    let due =
        "SELECT COUNT(*) AS n FROM attempts WHERE payment_id = $1 AND next_check_at IS NOT NULL";
    assert_eq!(
        count(&s, due, st["payment"]["paymentId"].as_str().unwrap()).await,
        0
    );
}

#[tokio::test]
async fn a_lost_dowebpayment_answer_is_recoverable() {
    let sb = support::start_sandbox().await;
    let proxy = support::fault_proxy(&sb.url).await;
    let s = support::start(Opts {
        gateway_base: Some(proxy.url.clone()),
        sandbox_mode: true,
        gateway_timeout_ms: 1_000,
        ..Opts::default()
    })
    .await;
    *proxy.drop_action.lock().unwrap() = Some("doWebPayment");
    let r = client()
        .post(format!("{}/api/checkout-sessions", s.url))
        .bearer_auth(ADMIN)
        .json(&json!({"amount": 2599, "currency": "EUR", "mode": "hosted", "returnUrl": RETURN, "orderRef": "LOST-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 504);
    *proxy.drop_action.lock().unwrap() = None;
    // The intent was stored before the call: the reconciler finds it and, once the gateway's
    // web session can no longer be used and nothing was paid under its order reference,
    // closes it.
    let row = sqlx::query("SELECT status, session_id FROM hosted_pages WHERE order_ref = 'LOST-1'")
        .fetch_one(s.state.store().pool())
        .await
        .unwrap();
    assert_eq!(
        sqlx::Row::try_get::<String, _>(&row, "status").unwrap(),
        "intent"
    );
    let sid: String = sqlx::Row::try_get(&row, "session_id").unwrap();
    let attempt = "SELECT COUNT(*) AS n FROM attempts a JOIN payments p ON p.id = a.payment_id \
                   WHERE p.session_id = $1 AND a.status = 'hosted'";
    s.clock.advance(60_000);
    payment_server::background::run_once(&s.state)
        .await
        .unwrap();
    assert_eq!(
        count(&s, attempt, &sid).await,
        1,
        "undecided within the page's validity"
    );
    s.clock.advance(16 * 60 * 1000 + 300_000);
    payment_server::background::run_once(&s.state)
        .await
        .unwrap();
    assert_eq!(
        count(&s, attempt, &sid).await,
        0,
        "closed once nothing can land"
    );
}

#[tokio::test]
async fn forged_returns_and_notifications_change_nothing_and_pay_is_refused() {
    let (sb, s) = with_sandbox(sqlite_url()).await;
    let cs = hosted_session(&s, 2599).await;
    let http = no_redirect();
    // Unknown session: no redirect at all.
    let r = http
        .get(format!("{}/hosted/return/cs_forged", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.headers().get("location").is_none());
    // A direct session is not a hosted one, and has no redirectUrl.
    let direct = support::create_session(&s, json!({"amount": 2599, "currency": "EUR"})).await;
    assert!(direct.get("redirectUrl").is_none());
    let r = http
        .get(format!(
            "{}/hosted/return/{}",
            s.url,
            direct["id"].as_str().unwrap()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // The page's own return with a forged token before the buyer paid: the gateway says the
    // page is still open, so nothing changes (the query string is never read).
    let r = http
        .get(format!(
            "{}/hosted/return/{}?paylinetoken=forged&status=ACCEPTED",
            s.url,
            cs["id"].as_str().unwrap()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(status(&cs).await["status"], "processing");
    // A notification for a token that is not ours.
    assert_eq!(notify(&s, "forgedtoken123").await, 200);
    assert_eq!(status(&cs).await["status"], "processing");
    // /pay on a hosted session: 409 with a stable code.
    let (st, v) = support::pay(&cs, &support::pay_body("x", "k1")).await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (409, Some("hosted_session")),
        "{v}"
    );
    // The session still pays normally afterwards.
    let back = on_the_page(&sb, &cs, Some("4970101122334455")).await;
    come_back(&back).await;
    assert_eq!(status(&cs).await["status"], "authorized");
}

#[tokio::test]
async fn hosted_needs_an_allowed_return_url() {
    let (_sb, s) = with_sandbox(sqlite_url()).await;
    for body in [
        json!({"amount": 2599, "currency": "EUR", "mode": "hosted"}),
        json!({"amount": 2599, "currency": "EUR", "mode": "hosted", "returnUrl": "https://evil.example/x"}),
        json!({"amount": 2599, "currency": "EUR", "mode": "hosted", "returnUrl": "http://shop.test:3000@evil.example/"}),
    ] {
        let r = client()
            .post(format!("{}/api/checkout-sessions", s.url))
            .bearer_auth(ADMIN)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{body}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["code"], "invalid_return_url");
    }
    let r = client()
        .post(format!("{}/api/checkout-sessions", s.url))
        .bearer_auth(ADMIN)
        .json(&json!({"amount": 2599, "currency": "EUR", "mode": "iframe", "returnUrl": RETURN}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // "Save this card" cannot be offered on the gateway's page: refused rather than ignored.
    let r = client()
        .post(format!("{}/api/checkout-sessions", s.url))
        .bearer_auth(ADMIN)
        .json(
            &json!({"amount": 2599, "currency": "EUR", "mode": "hosted", "returnUrl": RETURN,
                      "customer": {"id": "cust-1"}, "saveCard": "offer"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "invalid_mode");
    // The demo endpoint (sandbox only) opens a hosted page too, returning to the demo's origin.
    let r = client()
        .post(format!("{}/api/demo/checkout-sessions", s.url))
        .json(&json!({"mode": "hosted", "returnUrl": format!("{}/?hosted=1", s.url)}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["mode"], "hosted");
    assert!(v["redirectUrl"].as_str().is_some(), "{v}");
    // A direct session still works as before, with the checkout origin allowed.
    let v = support::create_session(
        &s,
        json!({"amount": 2599, "currency": "EUR", "returnUrl": format!("{CHECKOUT_ORIGIN}/x")}),
    )
    .await;
    assert!(v.get("mode").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_card_data_in_logs_or_database_for_the_hosted_page() {
    let logs = crate::pci::logs();
    let db_path = support::temp_path("hosted-pci.sqlite");
    let (sb, s) = with_sandbox(format!("sqlite://{}", db_path.display())).await;
    let cards = ["4970101122334455", "5130000000000010"];
    for pan in cards {
        for amount in [2599u64, 33305] {
            let cs = hosted_session(&s, amount).await;
            let back = on_the_page(&sb, &cs, Some(pan)).await;
            come_back(&back).await;
            assert_ne!(status(&cs).await["status"], "processing");
        }
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let text = String::from_utf8_lossy(&logs.0.lock().unwrap()).to_string();
    assert!(
        text.contains("hosted payment page settled"),
        "the test must actually capture the server's logs"
    );
    let mut db = std::fs::read(&db_path).unwrap();
    if let Ok(wal) = std::fs::read(format!("{}-wal", db_path.display())) {
        db.extend_from_slice(&wal);
    }
    let db = String::from_utf8_lossy(&db).to_string();
    for pan in cards {
        assert!(!text.contains(pan), "a card number appears in the logs");
        assert!(!db.contains(pan), "a card number appears in the database");
    }
    assert!(!db.contains("SANDBOXACCESSKEY0001"));
    assert!(
        !crate::pci::luhn_prefix_is_card(&db),
        "a card number in the database"
    );
    assert!(
        !crate::pci::luhn_prefix_is_card(&text),
        "a card number in the logs"
    );
}

#[tokio::test]
async fn a_frictionless_3ds_card_on_the_page_records_its_authentication() {
    let (sb, s) = with_sandbox(sqlite_url()).await;
    let cs = hosted_session(&s, 2599).await;
    let back = on_the_page(&sb, &cs, Some("4970107111111119")).await;
    come_back(&back).await;
    let st = status(&cs).await;
    assert_eq!(st["status"], "authorized", "{st}");
    assert!(st["payment"]["threeDS"]["eci"].as_str().is_some(), "{st}");
}

/// Reads the session's status until `ok` holds, running the reconciler between reads.
async fn settled(s: &support::Server, cs: &Value, ok: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..50 {
        let st = status(cs).await;
        if ok(&st) {
            return st;
        }
        payment_server::background::run_once(&s.state)
            .await
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    status(cs).await
}

/// A hosted page with a customer whose card the shop keeps (`saveCard: "always"`), then one
/// starting 2 instalments: the card paid on the gateway's page is saved from that payment, the
/// saved card pays a later direct checkout, and the plan is registered on it.
#[tokio::test]
async fn the_hosted_page_saves_the_card_and_starts_a_schedule() {
    let sb = support::start_sandbox().await;
    // The schedule's dates are the gateway's real ones: the server's clock starts from today.
    let s = support::start(Opts {
        gateway_base: Some(sb.url.clone()),
        sandbox_mode: true,
        webhook: support::webhook_outbox(),
        clock: support::today_clock(),
        ..Opts::default()
    })
    .await;
    let cs = support::create_session(
        &s,
        json!({"amount": 2599, "currency": "EUR", "mode": "hosted", "returnUrl": RETURN,
               "customer": {"id": "hosted-1"}, "saveCard": "always"}),
    )
    .await;
    let back = on_the_page(&sb, &cs, Some("4970101122334455")).await;
    come_back(&back).await;
    // The return and the gateway's notification race to record the outcome; whichever wins
    // saves the card, and the reconciler finishes what either left.
    let st = settled(&s, &cs, |st| st["payment"]["savedCard"].is_object()).await;
    assert_eq!(st["status"], "authorized", "{st}");
    assert_eq!(st["payment"]["savedCard"]["last4"], "4455", "{st}");
    let card = st["payment"]["savedCard"]["cardId"]
        .as_str()
        .unwrap()
        .to_owned();
    // The saved card pays a direct checkout of the same customer.
    let direct = support::create_session(
        &s,
        json!({"amount": 700, "currency": "EUR", "customer": {"id": "hosted-1"}}),
    )
    .await;
    assert_eq!(direct["savedCards"][0]["cardId"], card.as_str());
    let mut body = support::pay_body("", "saved-1");
    body.as_object_mut().unwrap().remove("tokenData");
    body["savedCard"] = json!(card);
    let (code, v) = support::pay(&direct, &body).await;
    assert_eq!(
        (code, v["status"].as_str()),
        (200, Some("authorized")),
        "{v}"
    );

    // Instalments on the hosted page: the page takes the first one.
    let cs = support::create_session(
        &s,
        json!({"amount": 6000, "currency": "EUR", "mode": "hosted", "returnUrl": RETURN,
               "customer": {"id": "hosted-2"},
               "schedule": {"kind": "instalments", "count": 2, "every": "monthly"}}),
    )
    .await;
    let back = on_the_page(&sb, &cs, Some("4970101122334455")).await;
    come_back(&back).await;
    let st = status(&cs).await;
    assert_eq!(st["payment"]["amount"], 3000, "{st}");
    let id = st["scheduleId"].as_str().unwrap().to_owned();
    let mut sch = Value::Null;
    for _ in 0..50 {
        sch = client()
            .get(format!("{}/api/schedules/{id}", s.url))
            .bearer_auth(ADMIN)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if sch["paymentRecordId"].is_string() {
            break;
        }
        payment_server::background::run_once(&s.state)
            .await
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(sch["paymentRecordId"].is_string(), "registered: {sch}");
    let statuses: Vec<&str> = sch["payments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["paid", "scheduled"], "{sch}");
}
