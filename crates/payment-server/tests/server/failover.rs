//! Checkout through an outage of Payline's first endpoint: the sandbox serves two endpoints
//! listed by its endpoint directory, the first answers every SOAP call with a 503 from a load
//! balancer, and the payment server fails over to the second (`PAYLINE_ENDPOINTS_DIRECTORY`); or
//! the first authorizes and then drops the connection, and the payment is reconciled instead of
//! being sent to the second.

use serde_json::{Value, json};

use crate::support::{
    self, ADMIN, Opts, client, ledger, pay, pay_body, sqlite_url, status, tokenize,
};
use payment_server::config::sandbox_merchant;

const NOT_ENROLLED: &str = "4970101122334455";

/// A sandbox on two loopback endpoints; `url` is the first.
async fn two_endpoint_sandbox() -> support::Sandbox {
    let first = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let second = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", first.local_addr().unwrap());
    let config = payline_sandbox::Config {
        public_url: Some(url.clone()),
        ..Default::default()
    };
    let sb = payline_sandbox::Sandbox::open(config, &payline_sandbox::DbLocation::Memory)
        .await
        .unwrap();
    let task = tokio::spawn(async move {
        let _ =
            payline_sandbox::serve_endpoints(vec![first, second], sb, std::future::pending()).await;
    });
    support::Sandbox { url, task }
}

#[tokio::test]
async fn checkout_is_authorized_once_with_the_first_endpoint_down() {
    let sb = two_endpoint_sandbox().await;
    let directory = format!(
        "{}/services/servicesendpoints/SOAP/{}",
        sb.url,
        sandbox_merchant::MERCHANT_ID
    );
    let s = support::start(Opts {
        db_url: sqlite_url(),
        gateway_base: Some(sb.url.clone()),
        sandbox_mode: true,
        endpoints_directory: Some(directory),
        ..Opts::default()
    })
    .await;
    // Endpoint 0, also the fixed PAYLINE_ENDPOINT, is down for every operation.
    let r = client()
        .post(format!("{}/sandbox/faults", sb.url))
        .basic_auth(
            sandbox_merchant::MERCHANT_ID,
            Some(sandbox_merchant::ACCESS_KEY),
        )
        .json(&json!({"endpoint": 0, "mode": "http_503"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);

    let cs = support::create_session(&s, json!({"amount": 2599, "currency": "EUR"})).await;
    let blob = tokenize(&cs["tokenizer"], NOT_ENROLLED, "1230", Some("123"))
        .await
        .unwrap();
    let (st, v) = pay(&cs, &pay_body(&blob, "k1")).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["status"], "authorized", "{v}");
    assert_eq!(status(&cs).await["status"], "authorized");
    let l = ledger(&sb, cs["orderRef"].as_str().unwrap()).await;
    assert_eq!(l.as_array().map(Vec::len), Some(1), "{l}");

    // Both calls of the pay (verifyEnrollment, doAuthorization) reached endpoint 1 with the
    // fail-over headers, and the server counted them.
    let faults: Value = client()
        .get(format!("{}/sandbox/faults", sb.url))
        .basic_auth(
            sandbox_merchant::MERCHANT_ID,
            Some(sandbox_merchant::ACCESS_KEY),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let seen = faults["failover_headers_seen"].as_array().unwrap();
    let operations: Vec<&str> = seen
        .iter()
        .map(|h| h["operation"].as_str().unwrap())
        .collect();
    assert!(operations.contains(&"doAuthorization"), "{faults}");
    assert!(
        seen.iter()
            .all(|h| h["endpoint"] == 1 && h["cause"] == "HTTP_503"),
        "{faults}"
    );
    let metrics = client()
        .get(format!("{}/metrics", s.url))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let want = format!(
        "payline_failovers_total{{cause=\"HTTP_503\"}} {}",
        seen.len()
    );
    assert!(metrics.contains(&want), "{want}\n{metrics}");
}

#[tokio::test]
async fn an_authorization_lost_after_processing_is_reconciled_never_sent_to_another_endpoint() {
    let sb = two_endpoint_sandbox().await;
    let directory = format!(
        "{}/services/servicesendpoints/SOAP/{}",
        sb.url,
        sandbox_merchant::MERCHANT_ID
    );
    let s = support::start(Opts {
        db_url: sqlite_url(),
        gateway_base: Some(sb.url.clone()),
        sandbox_mode: true,
        endpoints_directory: Some(directory),
        ..Opts::default()
    })
    .await;
    // Endpoint 0 authorizes, then resets the connection instead of answering.
    let r = client()
        .post(format!("{}/sandbox/faults", sb.url))
        .basic_auth(
            sandbox_merchant::MERCHANT_ID,
            Some(sandbox_merchant::ACCESS_KEY),
        )
        .json(&json!({"endpoint": 0, "operation": "doAuthorization", "mode": "reset_after_processing", "count": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let cs = support::create_session(&s, json!({"amount": 2599, "currency": "EUR"})).await;
    let blob = tokenize(&cs["tokenizer"], NOT_ENROLLED, "1230", Some("123"))
        .await
        .unwrap();
    let (st, v) = pay(&cs, &pay_body(&blob, "k1")).await;
    assert_ne!(st, 200, "{v}");
    assert_eq!(status(&cs).await["payment"]["status"], "unknown");
    let order_ref = cs["orderRef"].as_str().unwrap();
    assert_eq!(
        ledger(&sb, order_ref).await.as_array().map(Vec::len),
        Some(1)
    );
    // The browser retries: the server reconciles with the gateway, no second authorization.
    let (st, v) = pay(&cs, &pay_body(&blob, "k1")).await;
    assert_eq!((st, v["status"].as_str()), (200, Some("authorized")), "{v}");
    assert_eq!(
        ledger(&sb, order_ref).await.as_array().map(Vec::len),
        Some(1)
    );
    let metrics = client()
        .get(format!("{}/metrics", s.url))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!metrics.contains("payline_failovers_total{"), "{metrics}");
}
