//! Outage rehearsal: several endpoints sharing one sandbox, the endpoint directory, injected
//! faults, and payline-protocol's client failing over between them (or refusing to, when a
//! payment may already have been authorized).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use payline_protocol::client::{
    ClientConfig, ClientError, FailoverEvent, FailoverObserver, PaylineClient,
};
use payline_sandbox::{Config, DbLocation, Sandbox};
use serde_json::{Value, json};
use tokio::sync::oneshot;

use crate::common::*;
use crate::soapkit::*;

/// A sandbox served on `n` loopback endpoints.
struct Outage {
    endpoints: Vec<String>,
    http: reqwest::Client,
    _stop: oneshot::Sender<()>,
}

type Events = Arc<Mutex<Vec<FailoverEvent>>>;

impl Outage {
    async fn start(n: usize, ttl_secs: u64) -> Self {
        let config = Config {
            directory_ttl_secs: ttl_secs,
            ..Config::default()
        };
        let sandbox = Sandbox::open(config, &DbLocation::Memory).await.unwrap();
        let mut listeners = Vec::new();
        let mut endpoints = Vec::new();
        for _ in 0..n {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            endpoints.push(format!("http://{}", l.local_addr().unwrap()));
            listeners.push(l);
        }
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(payline_sandbox::serve_endpoints(
            listeners,
            sandbox,
            async {
                let _ = rx.await;
            },
        ));
        Self {
            endpoints,
            http: client(),
            _stop: tx,
        }
    }

    fn base(&self) -> &str {
        &self.endpoints[0]
    }

    fn directory(&self) -> String {
        format!("{}/services/servicesendpoints/SOAP/{MERCHANT}", self.base())
    }

    /// A client of the sandbox's directory; its fail-overs are collected in the events.
    fn client(&self, timeout: Duration) -> (PaylineClient, Events) {
        let config = ClientConfig::new(self.base(), MERCHANT, TestSandbox::access_key())
            .unwrap()
            .without_system_proxy()
            .with_timeout(timeout)
            .allow_insecure_endpoints()
            .with_endpoints_directory(&self.directory())
            .unwrap();
        observed(config)
    }

    async fn fault(&self, body: Value) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}/sandbox/faults", self.base()))
            .basic_auth(MERCHANT, Some(ACCESS_KEY))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn add(&self, body: Value) {
        let (status, answer) = self.fault(body).await;
        assert_eq!(status, 201, "{answer}");
    }

    async fn faults(&self) -> Value {
        let r = self
            .http
            .get(format!("{}/sandbox/faults", self.base()))
            .basic_auth(MERCHANT, Some(ACCESS_KEY))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.json().await.unwrap()
    }

    async fn clear(&self) {
        let r = self
            .http
            .delete(format!("{}/sandbox/faults", self.base()))
            .basic_auth(MERCHANT, Some(ACCESS_KEY))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204);
    }

    async fn ledger(&self, order_ref: &str) -> Vec<Value> {
        TestSandbox::against(self.base()).ledger(order_ref).await
    }
}

fn observed(config: ClientConfig) -> (PaylineClient, Events) {
    let events: Events = Arc::default();
    let sink = events.clone();
    let config = config.with_failover_observer(FailoverObserver::new(move |e| {
        sink.lock().unwrap().push(e.clone());
    }));
    (PaylineClient::new(config).unwrap(), events)
}

fn causes(events: &Events) -> Vec<String> {
    events
        .lock()
        .unwrap()
        .iter()
        .map(|e| e.cause.clone())
        .collect()
}

fn seen(view: &Value) -> Vec<Value> {
    view["failover_headers_seen"].as_array().cloned().unwrap()
}

const SHORT: Duration = Duration::from_millis(800);

#[tokio::test]
async fn the_directory_lists_every_endpoint_and_each_serves_soap_under_services() {
    let o = Outage::start(3, 60).await;
    let dir: Value = o
        .http
        .get(o.directory())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let urls: Vec<String> = dir["urls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap().to_owned())
        .collect();
    let want: Vec<String> = o.endpoints.iter().map(|e| format!("{e}/V4")).collect();
    assert_eq!(urls, want);
    assert_eq!(dir["ttl"], 60);
    // Every endpoint answers `<url>/services/<API>`, and they share one ledger.
    for url in &urls {
        let order_ref = unique_ref("dir");
        let config = ClientConfig::new(
            &format!("{url}/services/"),
            MERCHANT,
            TestSandbox::access_key(),
        )
        .unwrap()
        .without_system_proxy();
        let client = PaylineClient::new(config).unwrap();
        let r = client
            .do_authorization(&simple_auth(&order_ref, 1000, 100))
            .await
            .unwrap();
        assert_eq!(code(&r), "00000");
        assert_eq!(o.ledger(&order_ref).await.len(), 1);
    }
    // An unknown merchant has no directory.
    let r = o
        .http
        .get(format!("{}/services/servicesendpoints/SOAP/999", o.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn an_authorization_fails_over_a_503_from_a_load_balancer_with_the_sdk_headers() {
    let o = Outage::start(2, 60).await;
    o.add(json!({"endpoint": 0, "operation": "doAuthorization", "mode": "http_503", "count": 1}))
        .await;
    let (client, events) = o.client(SHORT);
    let order_ref = unique_ref("lb503");
    let r = client
        .do_authorization(&simple_auth(&order_ref, 1000, 100))
        .await
        .unwrap();
    assert_eq!(code(&r), "00000");
    assert_eq!(o.ledger(&order_ref).await.len(), 1);
    assert_eq!(causes(&events), ["HTTP_503"]);
    let view = o.faults().await;
    assert_eq!(view["faults"][0]["hits"], 1);
    assert_eq!(view["faults"][0]["remaining"], 0);
    let seen = seen(&view);
    assert_eq!(seen.len(), 1, "{view}");
    assert_eq!(seen[0]["endpoint"], 1);
    assert_eq!(seen[0]["operation"], "doAuthorization");
    assert_eq!(seen[0]["cause"], "HTTP_503");
    assert_eq!(seen[0]["index"], "1");
    assert_eq!(
        seen[0]["origin"],
        format!("{}/V4/services/", o.endpoints[0])
    );
    assert!(seen[0]["duration"].as_str().unwrap().parse::<u64>().is_ok());
}

#[tokio::test]
async fn an_authorization_fails_over_an_endpoint_that_refuses_connections() {
    let o = Outage::start(1, 60).await;
    let closed = {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        format!("http://{}/V4", l.local_addr().unwrap())
    };
    let alive = format!("{}/V4", o.base());
    let config = ClientConfig::new(o.base(), MERCHANT, TestSandbox::access_key())
        .unwrap()
        .without_system_proxy()
        .allow_insecure_endpoints()
        .with_failover_endpoints(&[&closed, &alive])
        .unwrap();
    let (client, events) = observed(config);
    let order_ref = unique_ref("refused");
    let r = client
        .do_authorization(&simple_auth(&order_ref, 1000, 100))
        .await
        .unwrap();
    assert_eq!(code(&r), "00000");
    assert_eq!(causes(&events), ["CONNECT"]);
    assert_eq!(seen(&o.faults().await)[0]["cause"], "CONNECT");
    assert_eq!(o.ledger(&order_ref).await.len(), 1);
}

#[tokio::test]
async fn an_authorization_that_may_have_been_processed_never_fails_over() {
    let o = Outage::start(2, 60).await;
    for mode in [
        "http_500_after_processing",
        "timeout_after_processing",
        "reset_after_processing",
    ] {
        o.clear().await;
        o.add(
            json!({"endpoint": 0, "operation": "doAuthorization", "mode": mode, "hold_ms": 5000}),
        )
        .await;
        let (client, events) = o.client(SHORT);
        let order_ref = unique_ref(mode);
        let err = client
            .do_authorization(&simple_auth(&order_ref, 1000, 100))
            .await
            .unwrap_err();
        assert!(err.needs_reconciliation(), "{mode}: {err:?}");
        let kind = match &err {
            ClientError::Http { status } => format!("http {status}"),
            ClientError::OutcomeUnknown(t) => format!("{:?}", t.kind()),
            other => format!("{other:?}"),
        };
        let want = match mode {
            "http_500_after_processing" => "http 500",
            "timeout_after_processing" => "Timeout",
            _ => "ConnectionLost",
        };
        assert_eq!(kind, want, "{mode}");
        // The first endpoint authorized; nobody asked the second.
        let ledger = o.ledger(&order_ref).await;
        assert_eq!(ledger.len(), 1, "{mode}: {ledger:?}");
        assert!(causes(&events).is_empty(), "{mode}");
        assert!(seen(&o.faults().await).is_empty(), "{mode}");
    }
    // A timeout before processing cannot be told from one after: no fail-over either.
    o.clear().await;
    o.add(json!({"endpoint": 0, "operation": "doAuthorization", "mode": "timeout_before_processing", "hold_ms": 5000}))
        .await;
    let (client, events) = o.client(SHORT);
    let order_ref = unique_ref("tbp");
    let err = client
        .do_authorization(&simple_auth(&order_ref, 1000, 100))
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::OutcomeUnknown(_)), "{err:?}");
    assert!(o.ledger(&order_ref).await.is_empty());
    assert!(causes(&events).is_empty());
}

#[tokio::test]
async fn payline_system_error_codes_do_not_move_an_authorization() {
    let o = Outage::start(2, 60).await;
    for (mode, want) in [("result_04901", "04901"), ("result_02101", "02101")] {
        o.clear().await;
        o.add(json!({"endpoint": 0, "operation": "doAuthorization", "mode": mode}))
            .await;
        let (client, events) = o.client(SHORT);
        let order_ref = unique_ref(mode);
        let r = client
            .do_authorization(&simple_auth(&order_ref, 1000, 100))
            .await
            .unwrap();
        assert_eq!(code(&r), want);
        assert!(causes(&events).is_empty());
        assert!(o.ledger(&order_ref).await.is_empty());
    }
}

#[tokio::test]
async fn a_3ds_enrollment_fails_over_on_every_sdk_trigger() {
    let o = Outage::start(2, 60).await;
    for (mode, cause) in [
        ("http_503", "HTTP_503"),
        ("http_500_after_processing", "HTTP_500"),
        ("timeout_before_processing", "TIMEOUT"),
        ("timeout_after_processing", "TIMEOUT"),
        ("result_04901", "APP_04901"),
        ("result_02101", "APP_02101"),
    ] {
        o.clear().await;
        o.add(
            json!({"endpoint": 0, "operation": "verifyEnrollment", "mode": mode, "hold_ms": 5000}),
        )
        .await;
        let (client, events) = o.client(SHORT);
        let order_ref = unique_ref(mode);
        let request = enrollment(&order_ref, 1000, card_by_number(CARD, "CB", Some("123")));
        let r = client.verify_enrollment(&request).await;
        assert!(r.is_ok(), "{mode}: {r:?}");
        assert_eq!(causes(&events), [cause], "{mode}");
        let seen = seen(&o.faults().await);
        assert_eq!(seen.len(), 1, "{mode}");
        assert_eq!(seen[0]["cause"], cause);
        assert_eq!(seen[0]["endpoint"], 1);
    }
}

#[tokio::test]
async fn operations_outside_the_sdks_seven_use_the_fixed_endpoint() {
    let o = Outage::start(2, 60).await;
    o.add(json!({"endpoint": 0, "operation": "doCapture", "mode": "http_503"}))
        .await;
    let (client, events) = o.client(SHORT);
    let order_ref = unique_ref("capture");
    let auth = client
        .do_authorization(&simple_auth(&order_ref, 1000, 100))
        .await
        .unwrap();
    let err = client
        .do_capture(&capture(&auth.transaction.id, 1000))
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::Http { status: 503 }), "{err:?}");
    assert!(causes(&events).is_empty());
}

#[tokio::test]
async fn the_directory_is_read_again_after_its_ttl() {
    let o = Outage::start(2, 1).await;
    let (client, _) = o.client(SHORT);
    let call = || {
        let request = enrollment(
            &unique_ref("ttl"),
            1000,
            card_by_number(CARD, "CB", Some("123")),
        );
        let client = client.clone();
        async move { client.verify_enrollment(&request).await.unwrap() }
    };
    call().await;
    call().await;
    assert_eq!(o.faults().await["directory_reads"], 1);
    tokio::time::sleep(Duration::from_millis(1300)).await;
    call().await;
    assert_eq!(o.faults().await["directory_reads"], 2);
}

#[tokio::test]
async fn an_unusable_directory_leaves_the_fixed_endpoint_in_use() {
    let o = Outage::start(2, 60).await;
    // With the directory, the 503 of endpoint 0 would be failed over; with the fixed endpoint
    // (endpoint 0 too) it is the answer.
    let outage = json!({"endpoint": 0, "operation": "verifyEnrollment", "mode": "http_503"});
    for mode in [
        "directory_not_found",
        "directory_malformed",
        "directory_empty",
        "directory_redirect",
    ] {
        o.clear().await;
        o.add(json!({"mode": mode})).await;
        o.add(outage.clone()).await;
        let (client, events) = o.client(SHORT);
        let request = enrollment(
            &unique_ref(mode),
            1000,
            card_by_number(CARD, "CB", Some("123")),
        );
        let err = client.verify_enrollment(&request).await.unwrap_err();
        assert!(
            matches!(err, ClientError::Http { status: 503 }),
            "{mode}: {err:?}"
        );
        assert!(causes(&events).is_empty(), "{mode}");
        // Read once: a redirect is not followed.
        assert_eq!(o.faults().await["directory_reads"], 1, "{mode}");
    }
    // A directory of another merchant (404).
    o.clear().await;
    o.add(outage.clone()).await;
    let config = ClientConfig::new(o.base(), MERCHANT, TestSandbox::access_key())
        .unwrap()
        .without_system_proxy()
        .allow_insecure_endpoints()
        .with_endpoints_directory(&format!("{}/services/servicesendpoints/SOAP/999", o.base()))
        .unwrap();
    let (client, events) = observed(config);
    let request = enrollment(
        &unique_ref("404"),
        1000,
        card_by_number(CARD, "CB", Some("123")),
    );
    assert!(client.verify_enrollment(&request).await.is_err());
    assert!(causes(&events).is_empty());
    // An http directory without the explicit insecure setting is not even read.
    o.clear().await;
    o.add(outage).await;
    let config = ClientConfig::new(o.base(), MERCHANT, TestSandbox::access_key())
        .unwrap()
        .without_system_proxy()
        .with_endpoints_directory(&o.directory())
        .unwrap();
    let (client, events) = observed(config);
    let request = enrollment(
        &unique_ref("http"),
        1000,
        card_by_number(CARD, "CB", Some("123")),
    );
    assert!(client.verify_enrollment(&request).await.is_err());
    assert!(causes(&events).is_empty());
    assert_eq!(o.faults().await["directory_reads"], 0);
}

#[tokio::test]
async fn fault_controls_check_their_input() {
    let o = Outage::start(2, 60).await;
    for (body, code) in [
        (json!({"mode": "power_cut"}), "unknown_mode"),
        (
            json!({"mode": "http_503", "operation": "doMagic"}),
            "unknown_operation",
        ),
        (
            json!({"mode": "http_503", "endpoint": 2}),
            "unknown_endpoint",
        ),
        (json!({"mode": "http_503", "count": 0}), "bad_count"),
        (json!({"mode": "http_503", "hold_ms": 999_999}), "bad_hold"),
        (json!({"mode": "http_503", "extra": 1}), "bad_request"),
        (json!([]), "bad_request"),
    ] {
        let (status, answer) = o.fault(body.clone()).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(answer["error"]["code"], code, "{body}");
    }
    let r = o
        .http
        .post(format!("{}/sandbox/faults", o.base()))
        .json(&json!({"mode": "http_503"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    o.add(json!({"mode": "http_503", "operation": "doAuthorization", "endpoint": 1, "count": 2}))
        .await;
    let view = o.faults().await;
    assert_eq!(view["faults"].as_array().unwrap().len(), 1);
    assert_eq!(view["faults"][0]["remaining"], 2);
    assert_eq!(view["endpoints"].as_array().unwrap().len(), 2);
    o.clear().await;
    assert!(o.faults().await["faults"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn binary_serves_several_endpoints_listed_by_its_directory() {
    use tokio::io::AsyncBufReadExt as _;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_payline-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--db", ":memory:"])
        .env("PAYLINE_SANDBOX_ENDPOINTS", "2")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let mut next = async || {
        tokio::time::timeout(Duration::from_secs(20), lines.next_line())
            .await
            .unwrap()
            .unwrap()
            .unwrap()
    };
    let first = next().await;
    let base = first
        .strip_prefix("payline-sandbox listening on ")
        .unwrap()
        .to_owned();
    let second = next().await;
    let extra = second
        .strip_prefix("payline-sandbox endpoint 1 on ")
        .unwrap()
        .to_owned();
    let dir: Value = client()
        .get(format!("{base}/services/servicesendpoints/SOAP/{MERCHANT}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        dir["urls"],
        json!([format!("{base}/V4"), format!("{extra}/V4")])
    );
    child.kill().await.unwrap();
}

#[tokio::test]
async fn a_failover_budget_bounds_the_whole_call() {
    let o = Outage::start(2, 60).await;
    o.add(json!({"endpoint": 0, "operation": "verifyEnrollment", "mode": "timeout_before_processing", "hold_ms": 5000}))
        .await;
    let budgeted = |budget: Duration| {
        let config = ClientConfig::new(o.base(), MERCHANT, TestSandbox::access_key())
            .unwrap()
            .without_system_proxy()
            .with_timeout(SHORT)
            .allow_insecure_endpoints()
            .with_endpoints_directory(&o.directory())
            .unwrap()
            .with_failover_budget(budget);
        observed(config)
    };
    // The first endpoint used the budget up: no second try.
    let (client, events) = budgeted(Duration::from_millis(1000));
    let request = enrollment(
        &unique_ref("budget"),
        1000,
        card_by_number(CARD, "CB", Some("123")),
    );
    let started = std::time::Instant::now();
    let err = client.verify_enrollment(&request).await.unwrap_err();
    assert!(matches!(err, ClientError::OutcomeUnknown(_)), "{err:?}");
    assert!(causes(&events).is_empty());
    assert!(started.elapsed() < Duration::from_millis(1000 + 500));
    // Time left: the second endpoint answers.
    let (client, events) = budgeted(Duration::from_secs(3));
    let request = enrollment(
        &unique_ref("budget"),
        1000,
        card_by_number(CARD, "CB", Some("123")),
    );
    assert!(client.verify_enrollment(&request).await.is_ok());
    assert_eq!(causes(&events), ["TIMEOUT"]);
}
