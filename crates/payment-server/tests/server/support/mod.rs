//! Test harness: a payment-server on a loopback port 0, over SQLite or PostgreSQL.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod pg;

use std::sync::Arc;

use payline_protocol::secret::Secret;
use payment_server::config::{GatewayConfig, Settings, sandbox_merchant};
use payment_server::state::{Clock, ManualClock};
use payment_server::store::Store;
use payment_server::{AppState, app};

pub const ADMIN: &str = "test-admin-token-0123456789";
pub const CHECKOUT_ORIGIN: &str = "http://shop.test:3000";

/// A unique temporary path.
pub fn temp_path(name: &str) -> std::path::PathBuf {
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("payment-server-test-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// A fresh SQLite database URL.
pub fn sqlite_url() -> String {
    format!("sqlite://{}", temp_path("db.sqlite").display())
}

/// What a test server runs with.
pub struct Opts {
    pub db_url: String,
    /// Base URL of a sandbox (or any gateway) — `None`: an unreachable placeholder.
    pub gateway_base: Option<String>,
    pub sandbox_mode: bool,
    pub clock: Arc<ManualClock>,
    pub www_dir: String,
    pub pkg_dir: String,
}

impl Default for Opts {
    fn default() -> Self {
        Self {
            db_url: sqlite_url(),
            gateway_base: None,
            sandbox_mode: false,
            clock: Arc::new(ManualClock::new(1_790_000_000_000)),
            www_dir: "www".into(),
            pkg_dir: "pkg".into(),
        }
    }
}

pub struct Server {
    pub url: String,
    pub state: AppState,
    pub clock: Arc<ManualClock>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub async fn start(opts: Opts) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let base = opts.gateway_base.clone().unwrap_or_else(|| "http://127.0.0.1:9".into());
    let settings = Settings {
        public_url: format!("http://{addr}"),
        database_url: opts.db_url.clone(),
        gateway: GatewayConfig {
            endpoint: format!("{base}/V4/services/"),
            merchant_id: sandbox_merchant::MERCHANT_ID.into(),
            access_key: Secret::new(sandbox_merchant::ACCESS_KEY),
            access_key_ref: sandbox_merchant::ACCESS_KEY_REF.into(),
            contract: sandbox_merchant::CONTRACT.into(),
            tokenizer_url: format!("{base}/webpayment/getToken"),
        },
        admin_token: Some(Secret::new(ADMIN)),
        allowed_origins: vec![CHECKOUT_ORIGIN.into(), format!("http://{addr}")],
        webhook: None,
        www_dir: opts.www_dir.clone(),
        pkg_dir: opts.pkg_dir.clone(),
        sandbox: opts.sandbox_mode,
        session_ttl_secs: 30 * 60,
        max_attempts: 5,
    };
    let store = Store::connect(&opts.db_url).await.expect("database");
    let clock: Arc<dyn Clock> = opts.clock.clone();
    let state = AppState::new(settings, store, clock);
    let router = app(state.clone());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Server { url: format!("http://{addr}"), state, clock: opts.clock, task }
}

pub fn client() -> reqwest::Client {
    payment_server::http::client(std::time::Duration::from_secs(60)).unwrap()
}

/// Creates a session through the admin API; returns the JSON answer.
pub async fn create_session(s: &Server, body: serde_json::Value) -> serde_json::Value {
    let r = client()
        .post(format!("{}/api/checkout-sessions", s.url))
        .bearer_auth(ADMIN)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "session creation");
    r.json().await.unwrap()
}
