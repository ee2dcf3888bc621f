//! Back office: capture, cancel, refund, reauthorize with Idempotency-Key; refusals (422 with
//! the Payline code), state conflicts (409), the list and expiringWithin.

use serde_json::{Value, json};

use crate::support::{self, ADMIN, client, ledger, pay, pay_body, sqlite_url, tokenize};

async fn authorized(s: &support::Server, amount: u64) -> (Value, String) {
    let cs = support::create_session(s, json!({"amount": amount, "currency": "EUR"})).await;
    let blob = tokenize(&cs["tokenizer"], "4970101122334455", "1230", Some("123"))
        .await
        .unwrap();
    let (_, v) = pay(&cs, &pay_body(&blob, "k")).await;
    assert_eq!(v["status"], "authorized", "{v}");
    (cs, v["paymentId"].as_str().unwrap().to_owned())
}

async fn op(
    s: &support::Server,
    pid: &str,
    what: &str,
    key: Option<&str>,
    body: Value,
) -> (u16, Value) {
    let mut r = client()
        .post(format!("{}/api/payments/{pid}/{what}", s.url))
        .bearer_auth(ADMIN)
        .json(&body);
    if let Some(k) = key {
        r = r.header("idempotency-key", k);
    }
    let r = r.send().await.unwrap();
    let st = r.status().as_u16();
    (st, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn capture_partial_then_rest_then_refunds() {
    let (sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let (cs, pid) = authorized(&s, 2599).await;
    let p = support::payment(&s, &pid).await;
    assert_eq!(
        (p["status"].as_str(), p["authorizedAmount"].as_i64()),
        (Some("authorized"), Some(2599))
    );
    assert_eq!(p["attempts"].as_array().unwrap().len(), 1);
    assert!(p["authorizationExpiresAt"].is_string());
    // Refund before capture: a state conflict, no gateway call.
    let (st, v) = op(&s, &pid, "refund", Some("r0"), json!({})).await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (409, Some("invalid_state"))
    );
    let (st, v) = op(&s, &pid, "capture", Some("c1"), json!({"amount": 1000})).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["payment"]["capturedAmount"], 1000);
    // More than what is left: Payline refuses (02613) → 422 with the code, nothing changes.
    let (st, v) = op(&s, &pid, "capture", Some("c2"), json!({"amount": 5000})).await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (422, Some("02613")),
        "{v}"
    );
    assert_eq!(support::payment(&s, &pid).await["capturedAmount"], 1000);
    let (st, v) = op(&s, &pid, "capture", Some("c3"), json!({})).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["payment"]["capturedAmount"], 2599);
    let (st, v) = op(&s, &pid, "capture", Some("c4"), json!({})).await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (409, Some("nothing_to_capture"))
    );
    let (st, v) = op(&s, &pid, "refund", Some("r1"), json!({"amount": 599})).await;
    assert_eq!(
        (st, v["payment"]["status"].as_str()),
        (200, Some("partially_refunded")),
        "{v}"
    );
    let (st, v) = op(&s, &pid, "refund", Some("r2"), json!({"amount": 5000})).await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (422, Some("02613")),
        "{v}"
    );
    let (st, v) = op(&s, &pid, "refund", Some("r3"), json!({})).await;
    assert_eq!(
        (st, v["payment"]["status"].as_str()),
        (200, Some("refunded")),
        "{v}"
    );
    let p = support::payment(&s, &pid).await;
    let kinds: Vec<(&str, &str)> = p["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["kind"].as_str().unwrap(), o["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("authorization", "accepted"),
            ("capture", "accepted"),
            ("capture", "refused"),
            ("capture", "accepted"),
            ("refund", "accepted"),
            ("refund", "refused"),
            ("refund", "accepted"),
        ]
    );
    let _ = (sb, cs);
}

#[tokio::test]
async fn same_idempotency_key_one_capture_even_when_racing() {
    let (sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let (cs, pid) = authorized(&s, 2599).await;
    let (a, b) = tokio::join!(
        op(&s, &pid, "capture", Some("cap-1"), json!({"amount": 1000})),
        op(&s, &pid, "capture", Some("cap-1"), json!({"amount": 1000}))
    );
    assert_eq!(a, b);
    assert_eq!(a.0, 200, "{:?}", a);
    let again = op(&s, &pid, "capture", Some("cap-1"), json!({"amount": 1000})).await;
    assert_eq!(again, a);
    // The same key with another body is refused.
    let (st, v) = op(&s, &pid, "capture", Some("cap-1"), json!({"amount": 1})).await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (409, Some("idempotency_key_reused"))
    );
    assert_eq!(support::payment(&s, &pid).await["capturedAmount"], 1000);
    let l = ledger(&sb, cs["orderRef"].as_str().unwrap()).await;
    let txs = l.as_array().cloned().unwrap_or_default();
    let captures = txs.iter().filter(|t| t["type"] == "CAPTURE").count();
    assert_eq!(captures, 1, "{l}");
    let (st, v) = op(&s, &pid, "capture", None, json!({})).await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (400, Some("missing_idempotency_key"))
    );
}

#[tokio::test]
async fn cancel_then_conflicts() {
    let (_sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let (_cs, pid) = authorized(&s, 2599).await;
    let (st, v) = op(&s, &pid, "cancel", Some("x1"), json!({})).await;
    assert_eq!(
        (st, v["payment"]["status"].as_str()),
        (200, Some("cancelled")),
        "{v}"
    );
    let (st, v) = op(&s, &pid, "cancel", Some("x2"), json!({})).await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (409, Some("invalid_state"))
    );
    let (st, _) = op(&s, &pid, "capture", Some("x3"), json!({})).await;
    assert_eq!(st, 409);
}

#[tokio::test]
async fn refused_payment_cannot_be_captured() {
    let (_sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let cs = support::create_session(&s, json!({"amount": 33305, "currency": "EUR"})).await;
    let blob = tokenize(&cs["tokenizer"], "4970101122334455", "1230", Some("123"))
        .await
        .unwrap();
    let (_, v) = pay(&cs, &pay_body(&blob, "k")).await;
    assert_eq!(v["status"], "refused");
    let pid = v["paymentId"].as_str().unwrap();
    let (st, v) = op(&s, pid, "capture", Some("c"), json!({})).await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (409, Some("invalid_state"))
    );
    let (st, _) = op(&s, "pay_unknown", "capture", Some("c"), json!({})).await;
    assert_eq!(st, 404);
}

#[tokio::test]
async fn reauthorize_rules_from_the_gateway() {
    let (_sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let (_cs, pid) = authorized(&s, 2599).await;
    // Another currency: Payline 02620, nothing stored.
    let (st, v) = op(
        &s,
        &pid,
        "reauthorize",
        Some("ra1"),
        json!({"currency": "USD"}),
    )
    .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (422, Some("02620")),
        "{v}"
    );
    // Same order ref within 24 h: a duplicate (02001).
    let (st, v) = op(&s, &pid, "reauthorize", Some("ra2"), json!({})).await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (422, Some("02001")),
        "{v}"
    );
    let (st, v) = op(
        &s,
        &pid,
        "reauthorize",
        Some("ra3"),
        json!({"orderRef": "reauth-1", "amount": 3000}),
    )
    .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["payment"]["authorizedAmount"], 3000);
}

/// A merchant whose contract lacks Payline's re-authorization option (the sandbox's second
/// contract): the gateway answers 02619 and the payment is unchanged.
#[tokio::test]
async fn reauthorize_without_the_contract_option() {
    let sb = support::start_sandbox().await;
    let s = support::start(support::Opts {
        gateway_base: Some(sb.url.clone()),
        sandbox_mode: true,
        contract: Some("7654321".into()),
        ..support::Opts::default()
    })
    .await;
    let (_cs, pid) = authorized(&s, 2599).await;
    let (st, v) = op(
        &s,
        &pid,
        "reauthorize",
        Some("ra-no-option"),
        json!({"orderRef": "reauth-no-option"}),
    )
    .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (422, Some("02619")),
        "{v}"
    );
    let p = support::payment(&s, &pid).await;
    assert_eq!(
        (p["status"].as_str(), p["authorizedAmount"].as_i64()),
        (Some("authorized"), Some(2599)),
        "{p}"
    );
}

#[tokio::test]
async fn admin_only_and_list_with_filters_paging_and_expiring_within() {
    let (_sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let (_, p1) = authorized(&s, 1000).await;
    s.clock.advance(1000);
    let (_, p2) = authorized(&s, 2000).await;
    s.clock.advance(1000);
    let (_, p3) = authorized(&s, 3000).await;
    op(&s, &p3, "capture", Some("c"), json!({})).await;
    let r = client()
        .get(format!("{}/api/payments/{p1}", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let list = |q: &'static str| {
        let s = &s;
        async move {
            let r = client()
                .get(format!("{}/api/payments?{q}", s.url))
                .bearer_auth(ADMIN)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            r.json::<Value>().await.unwrap()
        }
    };
    let ids = |v: &Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(&list("").await),
        vec![p3.clone(), p2.clone(), p1.clone()]
    );
    assert_eq!(
        ids(&list("status=authorized").await),
        vec![p2.clone(), p1.clone()]
    );
    let page1 = list("limit=2").await;
    assert_eq!(ids(&page1), vec![p3.clone(), p2.clone()]);
    let cursor = page1["nextCursor"].as_str().unwrap().to_owned();
    let r = client()
        .get(format!("{}/api/payments", s.url))
        .query(&[("limit", "2"), ("cursor", cursor.as_str())])
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    let page2: Value = r.json().await.unwrap();
    assert_eq!(ids(&page2), vec![p1.clone()]);
    assert!(page2["nextCursor"].is_null());
    // Six days later, authorizations expiring within 48 h are the uncaptured ones.
    assert!(ids(&list("expiringWithin=48h").await).is_empty());
    s.clock.advance(6 * 24 * 3600 * 1000);
    assert_eq!(
        ids(&list("expiringWithin=48h").await),
        vec![p2.clone(), p1.clone()]
    );
    let r = client()
        .get(format!("{}/api/payments?status=bogus", s.url))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}
