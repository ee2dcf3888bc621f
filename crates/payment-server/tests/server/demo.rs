//! The demo shop's back-office routes (`/api/demo/…`): absent without `--sandbox`; with it,
//! capture / refund / cancel through them with the admin routes' Idempotency-Key rules (same
//! scope), customers with their saved cards and schedules.

use serde_json::{Value, json};

use crate::support::{self, ADMIN, Opts, Server, client, pay, pay_body, sqlite_url, tokenize};

const CARD: &str = "4970101122334455";

/// An authorized payment of `amount` (optionally for a customer saving the card); its id.
async fn authorized(s: &Server, amount: u64, customer: Option<&str>) -> String {
    let mut body = json!({"amount": amount, "currency": "EUR"});
    if let Some(c) = customer {
        body["customer"] = json!({"id": c, "email": "jean@example.test"});
        body["saveCard"] = json!("always");
    }
    let cs = support::create_session(s, body).await;
    let blob = tokenize(&cs["tokenizer"], CARD, "1230", Some("123"))
        .await
        .unwrap();
    let (_, v) = pay(&cs, &pay_body(&blob, "k")).await;
    assert_eq!(v["status"], "authorized", "{v}");
    v["paymentId"].as_str().unwrap().to_owned()
}

/// A request to the demo API, without any token; `(status, JSON or null)`.
async fn call(
    s: &Server,
    method: reqwest::Method,
    path: &str,
    key: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut r = client().request(method, format!("{}{path}", s.url));
    if let Some(k) = key {
        r = r.header("idempotency-key", k);
    }
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.unwrap();
    let st = r.status().as_u16();
    (st, r.json().await.unwrap_or(Value::Null))
}

async fn op(s: &Server, pid: &str, what: &str, key: Option<&str>, body: Value) -> (u16, Value) {
    call(
        s,
        reqwest::Method::POST,
        &format!("/api/demo/payments/{pid}/{what}"),
        key,
        Some(body),
    )
    .await
}

async fn get(s: &Server, path: &str) -> (u16, Value) {
    call(s, reqwest::Method::GET, path, None, None).await
}

#[tokio::test]
async fn demo_routes_are_404_without_sandbox_mode() {
    let s = support::start(Opts {
        sandbox_mode: false,
        ..Opts::default()
    })
    .await;
    use reqwest::Method;
    for (method, path, key) in [
        (Method::GET, "/api/demo/payments", None),
        (Method::GET, "/api/demo/payments/pay_x", None),
        (Method::POST, "/api/demo/payments/pay_x/capture", Some("k1")),
        (Method::POST, "/api/demo/payments/pay_x/cancel", Some("k2")),
        (Method::POST, "/api/demo/payments/pay_x/refund", Some("k3")),
        (Method::GET, "/api/demo/customers", None),
        (Method::GET, "/api/demo/customers/c1/cards", None),
        (Method::DELETE, "/api/demo/customers/c1/cards/card_x", None),
        (Method::GET, "/api/demo/customers/c1/schedules", None),
        (Method::DELETE, "/api/demo/schedules/sch_x", None),
    ] {
        let (st, v) = call(&s, method.clone(), path, key, Some(json!({}))).await;
        assert_eq!(
            (st, v["error"]["code"].as_str()),
            (404, Some("not_found")),
            "{method} {path}: {v}"
        );
    }
}

#[tokio::test]
async fn capture_refund_and_cancel_through_the_demo_routes() {
    let (sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let first = authorized(&s, 2599, None).await;
    // The test clock stands still: without this both payments would share a creation time.
    s.clock.advance(1_000);
    let second = authorized(&s, 1000, None).await;
    // Newest first, with what the page shows and the state that enables its buttons.
    let (st, list) = get(&s, "/api/demo/payments").await;
    assert_eq!(st, 200, "{list}");
    let items = list["items"].as_array().unwrap();
    let ids: Vec<&str> = items.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![second.as_str(), first.as_str()]);
    let p = &items[1];
    assert_eq!(p["status"], "authorized");
    assert_eq!(p["authorizedAmount"], 2599);
    assert_eq!(p["operationInProgress"], false);
    assert!(p["maskedCard"].as_str().unwrap().ends_with("4455"), "{p}");
    assert!(p["orderRef"].is_string());

    let (st, v) = op(&s, &first, "capture", Some("c1"), json!({"amount": 2000})).await;
    assert_eq!(
        (st, v["payment"]["capturedAmount"].as_i64()),
        (200, Some(2000)),
        "{v}"
    );
    // A refund of part of it: partially refunded.
    let (st, v) = op(&s, &first, "refund", Some("r1"), json!({"amount": 500})).await;
    assert_eq!(
        (st, v["payment"]["status"].as_str()),
        (200, Some("partially_refunded")),
        "{v}"
    );
    // The state still rules: no cancel of a refunded payment, nothing sent.
    let (st, v) = op(&s, &first, "cancel", Some("x1"), json!({})).await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (409, Some("invalid_state")),
        "{v}"
    );
    let (st, detail) = get(&s, &format!("/api/demo/payments/{first}")).await;
    assert_eq!(st, 200);
    // The same view as the admin route's.
    assert_eq!(detail, support::payment(&s, &first).await);
    assert_eq!(detail["refundedAmount"], 500);
    let kinds: Vec<&str> = detail["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["authorization", "capture", "refund"]);
    assert_eq!(detail["attempts"].as_array().unwrap().len(), 1);

    let (st, v) = op(&s, &second, "cancel", Some("x2"), json!({})).await;
    assert_eq!(
        (st, v["payment"]["status"].as_str()),
        (200, Some("cancelled")),
        "{v}"
    );
    let (_, v) = get(&s, "/api/demo/payments/pay_nope").await;
    assert_eq!(v["error"]["code"], "not_found");
    let _ = sb;
}

#[tokio::test]
async fn demo_operations_follow_the_idempotency_rules() {
    let (sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let pid = authorized(&s, 2599, None).await;
    let (st, v) = op(&s, &pid, "capture", None, json!({})).await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (400, Some("missing_idempotency_key"))
    );
    // The same key twice, racing: one capture, the same answer.
    let (a, b) = tokio::join!(
        op(&s, &pid, "capture", Some("cap-1"), json!({"amount": 1000})),
        op(&s, &pid, "capture", Some("cap-1"), json!({"amount": 1000}))
    );
    assert_eq!(a.0, 200, "{}", a.1);
    assert_eq!(a, b);
    // The key with another body is refused.
    let (st, v) = op(&s, &pid, "capture", Some("cap-1"), json!({"amount": 999})).await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (409, Some("idempotency_key_reused")),
        "{v}"
    );
    // One scope with the admin route: the shop backend's retry with that key gets the stored
    // answer, not a second capture.
    let r = client()
        .post(format!("{}/api/payments/{pid}/capture", s.url))
        .bearer_auth(ADMIN)
        .header("idempotency-key", "cap-1")
        .json(&json!({"amount": 1000}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap(), a.1);
    let p = support::payment(&s, &pid).await;
    assert_eq!(p["capturedAmount"], 1000);
    let captures = p["operations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["kind"] == "capture")
        .count();
    assert_eq!(captures, 1);
    let _ = sb;
}

#[tokio::test]
async fn customers_and_their_saved_cards() {
    let (sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let (st, v) = get(&s, "/api/demo/customers").await;
    assert_eq!((st, v), (200, json!({"items": []})));
    authorized(&s, 1500, Some("demo-shopper")).await;
    let (st, v) = get(&s, "/api/demo/customers").await;
    assert_eq!(st, 200);
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{v}");
    assert_eq!(items[0]["id"], "demo-shopper");
    assert_eq!(items[0]["email"], "jean@example.test");
    assert!(items[0]["createdAt"].is_string());
    // The card is saved from the authorized payment; the save may finish just after the answer.
    let mut cards = Value::Null;
    for _ in 0..100 {
        let (st, v) = get(&s, "/api/demo/customers/demo-shopper/cards").await;
        assert_eq!(st, 200, "{v}");
        if v.as_array().is_some_and(|a| !a.is_empty()) {
            cards = v;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let card = cards[0]["cardId"]
        .as_str()
        .expect("a saved card")
        .to_owned();
    assert_eq!(cards[0]["last4"], "4455");
    let (st, _) = call(
        &s,
        reqwest::Method::DELETE,
        &format!("/api/demo/customers/demo-shopper/cards/{card}"),
        None,
        None,
    )
    .await;
    assert_eq!(st, 204);
    let (_, v) = get(&s, "/api/demo/customers/demo-shopper/cards").await;
    assert_eq!(v, json!([]));
    let (st, _) = get(&s, "/api/demo/customers/nobody/cards").await;
    assert_eq!(st, 404);
    let (st, _) = get(&s, "/api/demo/customers/..%2F..%2Fetc/cards").await;
    assert_eq!(st, 404);
    let _ = sb;
}

#[tokio::test]
async fn a_customers_schedule_is_listed_and_cancelled() {
    let sb = support::start_sandbox().await;
    let s = support::start(Opts {
        gateway_base: Some(sb.url.clone()),
        sandbox_mode: true,
        // The gateway dates schedules from the real day: the server's clock starts from it too.
        clock: support::today_clock(),
        ..Opts::default()
    })
    .await;
    let cs = support::create_session(
        &s,
        json!({"amount": 9000, "currency": "EUR", "customer": {"id": "nx-demo"},
               "schedule": {"kind": "instalments", "count": 3, "every": "monthly"}}),
    )
    .await;
    let blob = tokenize(&cs["tokenizer"], CARD, "1230", Some("123"))
        .await
        .unwrap();
    let (_, v) = pay(&cs, &pay_body(&blob, "k")).await;
    assert_eq!(v["status"], "authorized", "{v}");
    let id = v["scheduleId"].as_str().unwrap().to_owned();
    let (st, list) = get(&s, "/api/demo/customers/nx-demo/schedules").await;
    assert_eq!(st, 200, "{list}");
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["status"], "active");
    assert_eq!(list[0]["payments"].as_array().unwrap().len(), 3, "{list}");
    // Its registration at the gateway may still be settling (409): the page says so, and a
    // later click cancels.
    let mut answer = (0, Value::Null);
    for _ in 0..100 {
        answer = call(
            &s,
            reqwest::Method::DELETE,
            &format!("/api/demo/schedules/{id}"),
            None,
            None,
        )
        .await;
        if answer.0 != 409 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        (answer.0, answer.1["status"].as_str()),
        (200, Some("cancelled")),
        "{}",
        answer.1
    );
    let (_, list) = get(&s, "/api/demo/customers/nx-demo/schedules").await;
    assert_eq!(list[0]["status"], "cancelled");
    let (st, _) = get(&s, "/api/demo/customers/nobody/schedules").await;
    assert_eq!(st, 404);
    let (st, _) = call(
        &s,
        reqwest::Method::DELETE,
        "/api/demo/schedules/sch_nope",
        None,
        None,
    )
    .await;
    assert_eq!(st, 404);
    drop(sb);
}
