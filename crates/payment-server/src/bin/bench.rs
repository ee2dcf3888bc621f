//! `payment-server-bench`: completed checkouts per second on loopback (create session →
//! tokenize at the sandbox → pay, not-enrolled card), on SQLite and on PostgreSQL, with p50/p99
//! latency, next to the same load generator against a trivial axum handler (the framework
//! ceiling on this machine).
//!
//! Run with `cargo run --release -p payment-server --bin payment-server-bench -- [--seconds N]
//! [--concurrency N] [--no-postgres]`. Everything runs in this process: the sandbox, the
//! server and the load generator share the machine's cores, as they would on one small host.

#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs
)]

#[path = "../../tests/server/support/pg.rs"]
mod pg;

use std::sync::Arc;
use std::time::{Duration, Instant};

use payline_protocol::secret::Secret;
use payment_server::config::{GatewayConfig, Settings, sandbox_merchant};
use payment_server::state::SystemClock;
use payment_server::store::Store;
use payment_server::{AppState, app};
use serde_json::{Value, json};

const ADMIN: &str = "bench-admin-token";

struct Args {
    seconds: u64,
    concurrency: usize,
    postgres: bool,
}

fn args() -> Args {
    let mut a = Args {
        seconds: 10,
        concurrency: 16,
        postgres: true,
    };
    let mut it = std::env::args().skip(1);
    while let Some(x) = it.next() {
        match x.as_str() {
            "--seconds" => a.seconds = it.next().and_then(|v| v.parse().ok()).unwrap_or(a.seconds),
            "--concurrency" => {
                a.concurrency = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(a.concurrency)
            }
            "--no-postgres" => a.postgres = false,
            _ => panic!("unknown argument {x}"),
        }
    }
    a
}

async fn start_sandbox() -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let config = payline_sandbox::Config {
        public_url: Some(format!("http://{addr}")),
        ..Default::default()
    };
    let path = std::env::temp_dir().join(format!("bench-sandbox-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let sb = payline_sandbox::Sandbox::open(config, &payline_sandbox::DbLocation::File(path))
        .await
        .unwrap();
    tokio::spawn(async move {
        let _ = payline_sandbox::serve(l, sb, std::future::pending()).await;
    });
    format!("http://{addr}")
}

async fn start_server(db_url: &str, sandbox: &str) -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let settings = Settings {
        public_url: format!("http://{addr}"),
        database_url: db_url.to_owned(),
        gateway: GatewayConfig {
            endpoint: format!("{sandbox}/V4/services/"),
            merchant_id: sandbox_merchant::MERCHANT_ID.into(),
            access_key: Secret::new(sandbox_merchant::ACCESS_KEY),
            access_key_ref: sandbox_merchant::ACCESS_KEY_REF.into(),
            contract: sandbox_merchant::CONTRACT.into(),
            tokenizer_url: format!("{sandbox}/webpayment/getToken"),
            timeout: std::time::Duration::from_secs(20),
            endpoints_directory: None,
        },
        admin_token: Some(Secret::new(ADMIN)),
        allowed_origins: vec![format!("http://{addr}")],
        webhook: None,
        www_dir: "www".into(),
        pkg_dir: "pkg".into(),
        sandbox: true,
        session_ttl_secs: 1800,
        max_attempts: 5,
        trusted_proxies: Vec::new(),
        money: payment_server::config::MoneySettings::default(),
        metrics_token: None,
        // The load generator is one client on loopback: per-client limits off, and room for
        // every concurrent checkout.
        limits: payment_server::config::LimitSettings {
            rate_limit_per_minute: 0,
            notify_rate_limit_per_minute: 0,
            ..payment_server::config::LimitSettings::default()
        },
    };
    let store = Store::connect(db_url).await.unwrap();
    let state = AppState::new(settings, store, Arc::new(SystemClock));
    let router = app(state);
    tokio::spawn(async move {
        let _ = axum::serve(l, router).await;
    });
    format!("http://{addr}")
}

async fn start_trivial() -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let router = axum::Router::new().route(
        "/{*p}",
        axum::routing::post(|| async { axum::Json(json!({"ok": true})) }),
    );
    tokio::spawn(async move {
        let _ = axum::serve(l, router).await;
    });
    format!("http://{addr}")
}

async fn checkout(c: &reqwest::Client, server: &str) -> bool {
    let Ok(r) = c
        .post(format!("{server}/api/checkout-sessions"))
        .bearer_auth(ADMIN)
        .json(&json!({"amount": 2599, "currency": "EUR"}))
        .send()
        .await
    else {
        return false;
    };
    let Ok(cs) = r.json::<Value>().await else {
        return false;
    };
    let t = &cs["tokenizer"];
    let form = [
        ("data", t["data"].as_str().unwrap_or_default()),
        (
            "accessKeyRef",
            t["accessKeyRef"].as_str().unwrap_or_default(),
        ),
        ("cardNumber", "4970101122334455"),
        ("cardExpirationDate", "1230"),
        ("cardCvx", "123"),
    ];
    let Ok(r) = c
        .post(t["url"].as_str().unwrap_or_default())
        .form(&form)
        .send()
        .await
    else {
        return false;
    };
    let Ok(text) = r.text().await else {
        return false;
    };
    let Some(blob) = text.strip_prefix("data=") else {
        return false;
    };
    let key = payment_server::ids::random_token(12);
    let body = json!({"tokenData": blob, "brand": "CB", "holder": "Jean Dupont", "threeDS": {"mode": "iframe"}, "idempotencyKey": key});
    let Ok(r) = c
        .post(cs["payUrl"].as_str().unwrap_or_default())
        .bearer_auth(cs["clientSecret"].as_str().unwrap_or_default())
        .json(&body)
        .send()
        .await
    else {
        return false;
    };
    r.json::<Value>()
        .await
        .is_ok_and(|v| v["status"] == "authorized")
}

async fn trivial(c: &reqwest::Client, server: &str) -> bool {
    // Three round trips, as many as one checkout makes.
    for p in ["a", "b", "c"] {
        let Ok(r) = c
            .post(format!("{server}/{p}"))
            .json(&json!({"x": 1}))
            .send()
            .await
        else {
            return false;
        };
        if r.bytes().await.is_err() {
            return false;
        }
    }
    true
}

struct Report {
    per_sec: f64,
    p50: Duration,
    p99: Duration,
    failed: usize,
}

async fn load<F, Fut>(args: &Args, f: F) -> Report
where
    F: Fn(reqwest::Client) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let mut tasks = Vec::new();
    for _ in 0..args.concurrency {
        let f = f.clone();
        tasks.push(tokio::spawn(async move {
            let c = payment_server::http::client(Duration::from_secs(30)).unwrap();
            let mut lat = Vec::new();
            let mut failed = 0;
            while Instant::now() < deadline {
                let t = Instant::now();
                if f(c.clone()).await {
                    lat.push(t.elapsed());
                } else {
                    failed += 1;
                }
            }
            (lat, failed)
        }));
    }
    let started = Instant::now();
    let mut all = Vec::new();
    let mut failed = 0;
    for t in tasks {
        let (l, f) = t.await.unwrap();
        all.extend(l);
        failed += f;
    }
    let secs = started.elapsed().as_secs_f64().max(args.seconds as f64);
    all.sort();
    let pct = |p: f64| {
        all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    Report {
        per_sec: all.len() as f64 / secs,
        p50: pct(0.50),
        p99: pct(0.99),
        failed,
    }
}

fn line(name: &str, r: &Report) {
    println!(
        "{name:<28} {:>9.1}/s  p50 {:>7.2} ms  p99 {:>7.2} ms  failed {}",
        r.per_sec,
        r.p50.as_secs_f64() * 1e3,
        r.p99.as_secs_f64() * 1e3,
        r.failed
    );
}

#[tokio::main]
async fn main() {
    let args = args();
    println!(
        "payment-server-bench: {} s per run, {} concurrent clients, {} CPU cores",
        args.seconds,
        args.concurrency,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let sandbox = start_sandbox().await;
    let trivial_url = start_trivial().await;
    let t = load(&args, move |c| {
        let u = trivial_url.clone();
        async move { trivial(&c, &u).await }
    })
    .await;
    line("axum trivial (3 requests)", &t);
    let sqlite = std::env::temp_dir().join(format!("bench-server-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&sqlite);
    let server = start_server(&format!("sqlite://{}", sqlite.display()), &sandbox).await;
    let r = load(&args, move |c| {
        let u = server.clone();
        async move { checkout(&c, &u).await }
    })
    .await;
    line("checkout, SQLite", &r);
    println!(
        "  ratio to the framework ceiling: {:.3}",
        r.per_sec / t.per_sec
    );
    if args.postgres {
        let cluster = pg::PgCluster::start();
        let server = start_server(&cluster.url, &sandbox).await;
        let r = load(&args, move |c| {
            let u = server.clone();
            async move { checkout(&c, &u).await }
        })
        .await;
        line("checkout, PostgreSQL", &r);
        println!(
            "  ratio to the framework ceiling: {:.3}",
            r.per_sec / t.per_sec
        );
        drop(cluster);
    }
}
