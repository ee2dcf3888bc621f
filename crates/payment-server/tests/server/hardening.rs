//! Hardening: https-only configuration outside the sandbox (PCI DSS 4.2.1), the bounded gateway
//! timeout, and the router's guard rails over real HTTP: per-client rate limits (429 with
//! `Retry-After`, RFC 6585), load shedding and the request timeout (503), and the token on
//! `/metrics`.

use std::time::{Duration, Instant};

use payment_server::config::LimitSettings;
use serde_json::{Value, json};

use crate::support::{self, ADMIN, CHECKOUT_ORIGIN, Opts, client};

// ---------------------------------------------------------------------------------------------
// Start-up refusals, through the real binary.

/// Runs `payment-server` with only `args` (no inherited environment) and returns its exit
/// status and stderr; kills it if it is still running after 20 s (it started: a failure).
fn run_server(args: &[&str]) -> (bool, String) {
    let dir = support::temp_path("cwd");
    let dir = dir.parent().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_payment-server"))
        .env_clear()
        .current_dir(dir)
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
            return (status.success(), err);
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("payment-server started with {args:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

const PRODUCTION: [(&str, &str); 7] = [
    (
        "--payline-endpoint",
        "https://homologation.payline.com/V4/services/",
    ),
    ("--payline-merchant-id", "111"),
    ("--payline-access-key", "KEY"),
    ("--payline-access-key-ref", "ref"),
    ("--payline-contract", "1234567"),
    (
        "--payline-tokenizer-url",
        "https://homologation-webpayment.payline.com/webpayment/getToken",
    ),
    ("--public-url", "https://pay.shop.example"),
];

/// The production flags with `flag` set to `value` (added when it is not one of them).
fn production_with(flag: &'static str, value: &'static str) -> Vec<&'static str> {
    let mut args: Vec<&'static str> = Vec::new();
    for (f, v) in PRODUCTION {
        args.extend([f, if f == flag { value } else { v }]);
    }
    if !PRODUCTION.iter().any(|(f, _)| *f == flag) {
        args.extend([flag, value]);
    }
    args
}

#[test]
fn start_up_refuses_plain_http_outside_the_sandbox() {
    for (flag, name) in [
        ("--payline-endpoint", "PAYLINE_ENDPOINT"),
        ("--payline-tokenizer-url", "PAYLINE_TOKENIZER_URL"),
        ("--public-url", "PUBLIC_URL"),
    ] {
        // Loopback does not make http acceptable outside the sandbox.
        for url in [
            "http://payline.example/V4/services/",
            "http://127.0.0.1:8081/x",
        ] {
            let (ok, err) = run_server(&production_with(flag, url));
            assert!(!ok, "{flag} {url} accepted");
            assert!(
                err.contains(&format!("{name} must be an https URL")),
                "{flag}: {err}"
            );
            assert!(err.contains("PCI DSS 4.2.1"), "{err}");
        }
    }
    let mut args = production_with("--shop-webhook-url", "http://shop.example/hook");
    args.extend(["--shop-webhook-secret", "whsec"]);
    let (ok, err) = run_server(&args);
    assert!(
        !ok && err.contains("SHOP_WEBHOOK_URL must be an https URL"),
        "{err}"
    );
    // Without PUBLIC_URL there is no http default outside the sandbox.
    let args: Vec<&str> = PRODUCTION
        .iter()
        .filter(|(f, _)| *f != "--public-url")
        .flat_map(|(f, v)| [*f, *v])
        .collect();
    let (ok, err) = run_server(&args);
    assert!(!ok && err.contains("PUBLIC_URL is not set"), "{err}");
}

#[test]
fn start_up_refuses_a_sandbox_off_this_machine() {
    let (ok, err) = run_server(&["--sandbox", "--sandbox-url", "http://192.0.2.10:8081"]);
    assert!(
        !ok && err.contains("SANDBOX_URL http://192.0.2.10:8081 is not a loopback"),
        "{err}"
    );
    let (ok, err) = run_server(&[
        "--sandbox",
        "--shop-webhook-url",
        "http://shop.example/hook",
        "--shop-webhook-secret",
        "s",
    ]);
    assert!(
        !ok && err.contains("SHOP_WEBHOOK_URL must be an https URL"),
        "{err}"
    );
}

#[test]
fn start_up_refuses_a_payline_timeout_out_of_bounds() {
    for bad in ["999", "12001", "20000"] {
        let (ok, err) = run_server(&production_with("--payline-timeout-ms", bad));
        assert!(!ok, "{bad} accepted");
        assert!(
            err.contains(&format!(
                "PAYLINE_TIMEOUT_MS is {bad}, outside 1000..=12000"
            )),
            "{err}"
        );
    }
    let (ok, err) = run_server(&production_with("--max-concurrent-requests", "0"));
    assert!(!ok && err.contains("MAX_CONCURRENT_REQUESTS is 0"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Guard rails over HTTP.

fn limits(f: impl FnOnce(&mut LimitSettings)) -> LimitSettings {
    let mut l = LimitSettings::default();
    f(&mut l);
    l
}

/// The `Retry-After` delay-seconds of an answer (RFC 9110 section 10.2.3).
fn retry_after(r: &reqwest::Response) -> u64 {
    r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .expect("delay-seconds")
}

async fn error_code(r: reqwest::Response) -> String {
    let body: Value = r.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    body["error"]["code"].as_str().unwrap().to_owned()
}

/// A "gateway" that accepts connections and never answers. Each accepted connection is
/// reported on the channel.
async fn silent_gateway() -> (
    String,
    tokio::sync::mpsc::UnboundedReceiver<()>,
    tokio::task::JoinHandle<()>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
            let _ = tx.send(());
        }
    });
    (url, rx, task)
}

#[tokio::test]
async fn notify_is_rate_limited_per_client_ip_with_retry_after() {
    // Behind a trusted proxy (loopback here), X-Forwarded-For names the client.
    let s = support::start(Opts {
        trusted_proxies: vec!["127.0.0.1".into()],
        limits: limits(|l| l.notify_rate_limit_per_minute = 3),
        ..Opts::default()
    })
    .await;
    let notify = |ip: &'static str| {
        client()
            .get(format!("{}/payline/notify", s.url))
            .header("x-forwarded-for", ip)
            .send()
    };
    // Without transactionId the notification is refused before any gateway call: the limit is
    // what is under test.
    for _ in 0..3 {
        assert_eq!(notify("203.0.113.7").await.unwrap().status(), 400);
    }
    let r = notify("203.0.113.7").await.unwrap();
    assert_eq!(r.status(), 429);
    // Three per minute: the next token is 20 s away.
    assert!((1..=20).contains(&retry_after(&r)), "{:?}", r.headers());
    assert_eq!(error_code(r).await, "rate_limited");
    // Another client is not affected.
    assert_eq!(notify("198.51.100.8").await.unwrap().status(), 400);
    // The browser-facing routes have their own budget.
    let r = client()
        .get(format!("{}/api/checkout-sessions/cs_unknown", s.url))
        .header("x-forwarded-for", "203.0.113.7")
        .send()
        .await
        .unwrap();
    assert_ne!(r.status(), 429);
}

#[tokio::test]
async fn a_forged_forwarded_for_buys_no_fresh_bucket() {
    // No trusted proxy: the header is ignored, and every request counts against the peer.
    let s = support::start(Opts {
        limits: limits(|l| l.notify_rate_limit_per_minute = 2),
        ..Opts::default()
    })
    .await;
    let notify = |ip: &'static str| {
        client()
            .get(format!("{}/payline/notify", s.url))
            .header("x-forwarded-for", ip)
            .send()
    };
    assert_eq!(notify("192.0.2.1").await.unwrap().status(), 400);
    assert_eq!(notify("192.0.2.2").await.unwrap().status(), 400);
    assert_eq!(notify("192.0.2.3").await.unwrap().status(), 429);
}

#[tokio::test]
async fn browser_routes_are_rate_limited_but_never_the_shop_backend() {
    let s = support::start(Opts {
        trusted_proxies: vec!["127.0.0.1".into()],
        limits: limits(|l| l.rate_limit_per_minute = 2),
        ..Opts::default()
    })
    .await;
    // The shop backend creates every buyer's session from one address: ADMIN_TOKEN is exempt.
    let mut sessions = Vec::new();
    for _ in 0..4 {
        sessions
            .push(support::create_session(&s, json!({"amount": 1000, "currency": "EUR"})).await);
    }
    let cs = &sessions[0];
    let poll = |ip: &'static str| {
        client()
            .get(cs["statusUrl"].as_str().unwrap())
            .bearer_auth(cs["clientSecret"].as_str().unwrap())
            .header("origin", CHECKOUT_ORIGIN)
            .header("x-forwarded-for", ip)
            .send()
    };
    assert_eq!(poll("203.0.113.50").await.unwrap().status(), 200);
    assert_eq!(poll("203.0.113.50").await.unwrap().status(), 200);
    let r = poll("203.0.113.50").await.unwrap();
    assert_eq!(r.status(), 429);
    assert!((1..=30).contains(&retry_after(&r)));
    // The checkout page can read the refusal: CORS headers, and Retry-After exposed to it.
    assert_eq!(r.headers()["access-control-allow-origin"], CHECKOUT_ORIGIN);
    // Header names are case-insensitive (RFC 9110 section 5.1): tower-http writes them lowercase.
    assert!(
        r.headers()["access-control-expose-headers"]
            .to_str()
            .unwrap()
            .eq_ignore_ascii_case("Retry-After")
    );
    assert_eq!(error_code(r).await, "rate_limited");
    // Another buyer, and the shop backend from the limited address, still get through.
    assert_eq!(poll("203.0.113.51").await.unwrap().status(), 200);
    let r = client()
        .get(cs["statusUrl"].as_str().unwrap())
        .bearer_auth(ADMIN)
        .header("x-forwarded-for", "203.0.113.50")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // The 3-D Secure return, posted by the ACS through the buyer's browser, shares the budget.
    let r = client()
        .post(format!("{}/3ds/return", s.url))
        .header("x-forwarded-for", "203.0.113.50")
        .form(&[("cres", "x"), ("threeDSSessionData", "y")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
}

#[tokio::test]
async fn over_the_concurrency_limit_requests_are_shed_at_once() {
    let (gateway, mut accepted, _gw) = silent_gateway().await;
    let s = support::start(Opts {
        gateway_base: Some(gateway),
        gateway_timeout_ms: 2_000,
        limits: limits(|l| l.max_concurrent_requests = 1),
        ..Opts::default()
    })
    .await;
    // This notification waits on the gateway, holding the only slot.
    let url = s.url.clone();
    let slow = tokio::spawn(async move {
        client()
            .get(format!("{url}/payline/notify"))
            .query(&[("transactionId", "12345678901234")])
            .send()
            .await
            .unwrap()
            .status()
    });
    accepted.recv().await.unwrap();
    let started = Instant::now();
    let r = client()
        .get(format!("{}/api/checkout-sessions/cs_unknown", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "refused at once, not queued"
    );
    assert_eq!(retry_after(&r), 1);
    assert_eq!(error_code(r).await, "overloaded");
    // Static files too (the fallback), but not the operations endpoints.
    assert_eq!(
        client()
            .get(format!("{}/index.html", s.url))
            .send()
            .await
            .unwrap()
            .status(),
        503
    );
    assert_eq!(
        client()
            .get(format!("{}/healthz", s.url))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let r = client()
        .get(format!("{}/metrics", s.url))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    let text = r.text().await.unwrap();
    assert!(
        text.contains("route=\"/api/checkout-sessions/{id}\",status=\"503\"} 1"),
        "{text}"
    );
    // Once the slow request is answered (the gateway timed out), its slot is free again.
    let status = slow.await.unwrap();
    assert_ne!(status, 503);
    let r = client()
        .get(format!("{}/api/checkout-sessions/cs_unknown", s.url))
        .send()
        .await
        .unwrap();
    assert_ne!(r.status(), 503);
}

#[tokio::test]
async fn a_request_past_the_timeout_is_answered_503() {
    let (gateway, _accepted, _gw) = silent_gateway().await;
    let s = support::start(Opts {
        gateway_base: Some(gateway),
        gateway_timeout_ms: 10_000,
        limits: limits(|l| l.request_timeout = Duration::from_millis(300)),
        ..Opts::default()
    })
    .await;
    let started = Instant::now();
    let r = client()
        .get(format!("{}/payline/notify", s.url))
        .query(&[("transactionId", "12345678901234")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(
        r.headers().get("content-security-policy").is_some(),
        "security headers on refusals too"
    );
    assert_eq!(error_code(r).await, "request_timeout");
    assert_eq!(
        client()
            .get(format!("{}/healthz", s.url))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn metrics_need_the_admin_or_the_metrics_token_and_healthz_stays_open() {
    let s = support::start(Opts {
        metrics_token: Some("scraper-token-0123456789".into()),
        ..Opts::default()
    })
    .await;
    let metrics = || client().get(format!("{}/metrics", s.url));
    let r = metrics().send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert!(
        r.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    assert_eq!(error_code(r).await, "unauthorized");
    let r = metrics().bearer_auth("not-the-token").send().await.unwrap();
    assert_eq!(r.status(), 401);
    for token in ["scraper-token-0123456789", ADMIN] {
        let r = metrics().bearer_auth(token).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("# TYPE http_requests_total counter")
        );
    }
    // The metrics token opens nothing else.
    let r = client()
        .get(format!("{}/api/payments", s.url))
        .bearer_auth("scraper-token-0123456789")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = client()
        .get(format!("{}/healthz", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}
