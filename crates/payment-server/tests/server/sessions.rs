//! Checkout sessions and status (checkout-session and status contracts), errors, auth, CORS.

use serde_json::{Value, json};

use crate::support::{self, ADMIN, CHECKOUT_ORIGIN, Opts, client, create_session};

#[tokio::test]
async fn creates_a_session_exactly_as_the_contract_says() {
    let s = support::start(Opts::default()).await;
    let v = create_session(
        &s,
        json!({"amount": 2599, "currency": "EUR", "orderRef": "order-42"}),
    )
    .await;
    assert!(v["id"].as_str().unwrap().starts_with("cs_"));
    assert!(v["clientSecret"].as_str().unwrap().len() >= 32);
    assert!(!v["nonce"].as_str().unwrap().is_empty());
    assert_eq!(v["amount"], 2599);
    assert_eq!(v["currency"], "EUR");
    assert_eq!(v["orderRef"], "order-42");
    assert!(
        time::OffsetDateTime::parse(
            v["expiresAt"].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339
        )
        .is_ok()
    );
    let id = v["id"].as_str().unwrap();
    assert_eq!(
        v["payUrl"],
        format!("{}/api/checkout-sessions/{id}/pay", s.url)
    );
    assert_eq!(
        v["statusUrl"],
        format!("{}/api/checkout-sessions/{id}", s.url)
    );
    assert_eq!(v["tokenizer"]["accessKeyRef"], "sandbox-ref-1");
    assert!(
        v["tokenizer"]["url"]
            .as_str()
            .unwrap()
            .ends_with("/webpayment/getToken")
    );
    assert_eq!(
        v["acceptedBrands"],
        json!(["CB", "VISA", "MASTERCARD", "AMEX", "MAESTRO"])
    );
    // The tokenizer data decrypts to merchantId;orderRef;contract (Payline Web2Token).
    let key = payline_protocol::secret::Secret::new("SANDBOXACCESSKEY0001");
    let d = payline_protocol::web2token::decrypt_request_data(
        &key,
        v["tokenizer"]["data"].as_str().unwrap(),
    )
    .unwrap();
    assert_eq!(
        (
            d.merchant_id.as_str(),
            d.order_ref.as_str(),
            d.contract.as_str()
        ),
        ("12345678901234", "order-42", "1234567")
    );
}

#[tokio::test]
async fn currency_alpha_or_numeric() {
    let s = support::start(Opts::default()).await;
    for (c, want) in [
        (json!("978"), "EUR"),
        (json!(840), "USD"),
        (json!("gbp"), "GBP"),
        (json!("JPY"), "JPY"),
    ] {
        let v = create_session(&s, json!({"amount": 100, "currency": c})).await;
        assert_eq!(v["currency"], want);
    }
}

async fn post_admin(s: &support::Server, body: Value) -> (u16, Value) {
    let r = client()
        .post(format!("{}/api/checkout-sessions", s.url))
        .bearer_auth(ADMIN)
        .json(&body)
        .send()
        .await
        .unwrap();
    let st = r.status().as_u16();
    (st, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn rejects_bad_input_with_stable_codes_and_changes_nothing() {
    let s = support::start(Opts::default()).await;
    let cases = [
        (json!({"amount": 0, "currency": "EUR"}), "invalid_amount"),
        (json!({"amount": -5, "currency": "EUR"}), "invalid_amount"),
        (json!({"amount": 12.5, "currency": "EUR"}), "invalid_amount"),
        (
            json!({"amount": 1_000_000_000_000u64, "currency": "EUR"}),
            "invalid_amount",
        ),
        (
            json!({"amount": "100", "currency": "EUR"}),
            "invalid_amount",
        ),
        (
            json!({"amount": 100, "currency": "EURO"}),
            "invalid_currency",
        ),
        (
            json!({"amount": 100, "currency": "XYZ"}),
            "invalid_currency",
        ),
        (json!({"amount": 100, "currency": 0}), "invalid_currency"),
        (
            json!({"amount": 100, "currency": "EUR", "orderRef": "a b"}),
            "invalid_order_ref",
        ),
        (
            json!({"amount": 100, "currency": "EUR", "orderRef": "x".repeat(46)}),
            "invalid_order_ref",
        ),
        (
            json!({"amount": 100, "currency": "EUR", "returnUrl": "javascript:alert(1)"}),
            "invalid_return_url",
        ),
        (
            json!({"amount": 100, "currency": "EUR", "extra": 1}),
            "invalid_body",
        ),
        (json!({"currency": "EUR"}), "invalid_body"),
    ];
    for (body, code) in cases {
        let (st, v) = post_admin(&s, body.clone()).await;
        assert_eq!(st, 400, "{body}");
        assert_eq!(v["error"]["code"], code, "{body}: {v}");
        assert!(v["error"]["message"].is_string());
    }
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM checkout_sessions")
        .fetch_one(s.state.store().pool())
        .await
        .unwrap();
    assert_eq!(n, 0);
    let r = client()
        .post(format!("{}/api/checkout-sessions", s.url))
        .bearer_auth(ADMIN)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "invalid_json"
    );
}

#[tokio::test]
async fn admin_token_required() {
    let s = support::start(Opts::default()).await;
    for auth in [None, Some("wrong"), Some("")] {
        let mut rq = client()
            .post(format!("{}/api/checkout-sessions", s.url))
            .json(&json!({"amount": 1, "currency": "EUR"}));
        if let Some(a) = auth {
            rq = rq.bearer_auth(a);
        }
        let r = rq.send().await.unwrap();
        assert_eq!(r.status(), 401);
        assert_eq!(
            r.json::<Value>().await.unwrap()["error"]["code"],
            "unauthorized"
        );
    }
}

#[tokio::test]
async fn duplicate_order_ref_is_a_conflict() {
    let s = support::start(Opts::default()).await;
    create_session(
        &s,
        json!({"amount": 100, "currency": "EUR", "orderRef": "dup-1"}),
    )
    .await;
    let (st, v) = post_admin(
        &s,
        json!({"amount": 100, "currency": "EUR", "orderRef": "dup-1"}),
    )
    .await;
    assert_eq!(st, 409);
    assert_eq!(v["error"]["code"], "order_ref_exists");
}

#[tokio::test]
async fn oversized_body_is_413() {
    let s = support::start(Opts::default()).await;
    let big = "x".repeat(payment_server::BODY_LIMIT + 10);
    let (st, v) = post_admin(
        &s,
        json!({"amount": 1, "currency": "EUR", "description": big}),
    )
    .await;
    assert_eq!(st, 413);
    assert_eq!(v["error"]["code"], "body_too_large");
}

#[tokio::test]
async fn status_needs_the_client_secret_and_expires() {
    let s = support::start(Opts::default()).await;
    let v = create_session(&s, json!({"amount": 2599, "currency": "EUR"})).await;
    let url = v["statusUrl"].as_str().unwrap();
    let secret = v["clientSecret"].as_str().unwrap();
    let r = client().get(url).bearer_auth(secret).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"id": v["id"], "status": "open"})
    );
    // The admin token works too (the shop backend checks the result itself).
    assert_eq!(
        client()
            .get(url)
            .bearer_auth(ADMIN)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        client()
            .get(url)
            .bearer_auth("nope")
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(client().get(url).send().await.unwrap().status(), 401);
    let other = format!("{}/api/checkout-sessions/cs_unknown", s.url);
    let r = client()
        .get(&other)
        .bearer_auth(secret)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // 30 minutes later the session is expired.
    s.clock.advance(30 * 60 * 1000);
    let r = client().get(url).bearer_auth(secret).send().await.unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "expired");
}

#[tokio::test]
async fn demo_sessions_only_in_sandbox_mode() {
    let s = support::start(Opts::default()).await;
    let r = client()
        .post(format!("{}/api/demo/checkout-sessions", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let s = support::start(Opts {
        sandbox_mode: true,
        ..Opts::default()
    })
    .await;
    let r = client()
        .post(format!("{}/api/demo/checkout-sessions", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        (v["amount"].clone(), v["currency"].clone()),
        (json!(2599), json!("EUR"))
    );
    let r = client()
        .post(format!("{}/api/demo/checkout-sessions", s.url))
        .json(&json!({"amount": 33300}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["amount"], 33300);
}

#[tokio::test]
async fn cors_only_for_allowed_origins() {
    let s = support::start(Opts::default()).await;
    let v = create_session(&s, json!({"amount": 100, "currency": "EUR"})).await;
    let url = v["statusUrl"].as_str().unwrap();
    let pre = |origin: &'static str| {
        client()
            .request(reqwest::Method::OPTIONS, url)
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization")
            .send()
    };
    // Lists compared item by item, case-insensitively (RFC 9110 sections 5.1 and 5.6.1).
    let list = |r: &reqwest::Response, name: &str| -> Vec<String> {
        r.headers()
            .get_all(name)
            .iter()
            .flat_map(|v| v.to_str().unwrap().split(','))
            .map(|s| s.trim().to_ascii_lowercase())
            .collect()
    };
    let r = pre(CHECKOUT_ORIGIN).await.unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(r.headers()["access-control-allow-origin"], CHECKOUT_ORIGIN);
    assert_eq!(list(&r, "access-control-allow-methods"), ["get", "post"]);
    assert_eq!(
        list(&r, "access-control-allow-headers"),
        ["authorization", "content-type", "idempotency-key"]
    );
    assert_eq!(r.headers()["access-control-max-age"], "600");
    assert_eq!(list(&r, "vary"), ["origin"]);
    let r = pre("http://evil.test").await.unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.headers().get("access-control-allow-origin").is_none());
    assert!(r.headers().get("access-control-allow-methods").is_none());
    let r = client()
        .get(url)
        .bearer_auth(v["clientSecret"].as_str().unwrap())
        .header("origin", "http://evil.test")
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
    assert!(r.headers().get("access-control-expose-headers").is_none());
    let r = client()
        .get(url)
        .bearer_auth(v["clientSecret"].as_str().unwrap())
        .header("origin", CHECKOUT_ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["access-control-allow-origin"], CHECKOUT_ORIGIN);
}
