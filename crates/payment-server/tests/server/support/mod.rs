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
    // A process id is reused: a directory left by an earlier run under the same id (with its
    // database) must not leak into this test.
    let _ = std::fs::remove_dir_all(&dir);
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
    pub webhook: Option<payment_server::config::WebhookConfig>,
    pub gateway_timeout_ms: u64,
    /// `TRUSTED_PROXIES` entries.
    pub trusted_proxies: Vec<String>,
    /// Request timeout, concurrency and rate limits.
    pub limits: payment_server::config::LimitSettings,
    /// `METRICS_TOKEN`.
    pub metrics_token: Option<String>,
    /// Money-safety timings (grace window, leases, 3-D Secure wait).
    pub money: payment_server::config::MoneySettings,
    /// `PAYLINE_ENDPOINTS_DIRECTORY` (a URL), none by default.
    pub endpoints_directory: Option<String>,
    /// `PAYLINE_CONTRACT`, the sandbox's contract with every option by default.
    pub contract: Option<String>,
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
            webhook: None,
            gateway_timeout_ms: 20_000,
            trusted_proxies: Vec::new(),
            limits: payment_server::config::LimitSettings::default(),
            metrics_token: None,
            money: payment_server::config::MoneySettings::default(),
            endpoints_directory: None,
            contract: None,
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
    let base = opts
        .gateway_base
        .clone()
        .unwrap_or_else(|| "http://127.0.0.1:9".into());
    let settings = Settings {
        public_url: format!("http://{addr}"),
        database_url: opts.db_url.clone(),
        gateway: GatewayConfig {
            endpoint: format!("{base}/V4/services/"),
            merchant_id: sandbox_merchant::MERCHANT_ID.into(),
            access_key: Secret::new(sandbox_merchant::ACCESS_KEY),
            access_key_ref: sandbox_merchant::ACCESS_KEY_REF.into(),
            contract: opts
                .contract
                .clone()
                .unwrap_or_else(|| sandbox_merchant::CONTRACT.into()),
            tokenizer_url: format!("{base}/webpayment/getToken"),
            timeout: std::time::Duration::from_millis(opts.gateway_timeout_ms),
            endpoints_directory: opts.endpoints_directory.clone(),
        },
        admin_token: Some(Secret::new(ADMIN)),
        allowed_origins: vec![CHECKOUT_ORIGIN.into(), format!("http://{addr}")],
        webhook: opts.webhook.clone(),
        www_dir: opts.www_dir.clone(),
        pkg_dir: opts.pkg_dir.clone(),
        sandbox: opts.sandbox_mode,
        session_ttl_secs: 30 * 60,
        max_attempts: 5,
        trusted_proxies: payment_server::client_ip::parse_blocks(&opts.trusted_proxies).unwrap(),
        money: opts.money.clone(),
        metrics_token: opts.metrics_token.as_deref().map(Secret::new),
        limits: opts.limits.clone(),
    };
    let store = Store::connect(&opts.db_url).await.expect("database");
    let clock: Arc<dyn Clock> = opts.clock.clone();
    let state = AppState::new(settings, store, clock);
    let router = app(state.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Server {
        url: format!("http://{addr}"),
        state,
        clock: opts.clock,
        task,
    }
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

/// An embedded sandbox on a loopback port 0 (in-memory ledger).
pub struct Sandbox {
    pub url: String,
    pub task: tokio::task::JoinHandle<()>,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub async fn start_sandbox() -> Sandbox {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = payline_sandbox::Config {
        public_url: Some(format!("http://{addr}")),
        ..Default::default()
    };
    let sb = payline_sandbox::Sandbox::open(config, &payline_sandbox::DbLocation::Memory)
        .await
        .unwrap();
    let task = tokio::spawn(async move {
        let _ = payline_sandbox::serve(listener, sb, std::future::pending()).await;
    });
    Sandbox {
        url: format!("http://{addr}"),
        task,
    }
}

/// A sandbox and a payment server using it.
pub async fn start_with_sandbox(db_url: String) -> (Sandbox, Server) {
    let sb = start_sandbox().await;
    let s = start(Opts {
        db_url,
        gateway_base: Some(sb.url.clone()),
        sandbox_mode: true,
        ..Opts::default()
    })
    .await;
    (sb, s)
}

/// Posts the card to the tokenizer as the browser module does (tokenizer contract); returns the
/// blob without `data=`, or the `errorCode=` text as an error.
pub async fn tokenize(
    tokenizer: &serde_json::Value,
    pan: &str,
    exp: &str,
    cvv: Option<&str>,
) -> Result<String, String> {
    let mut form = vec![
        ("data", tokenizer["data"].as_str().unwrap().to_owned()),
        (
            "accessKeyRef",
            tokenizer["accessKeyRef"].as_str().unwrap().to_owned(),
        ),
        ("cardNumber", pan.to_owned()),
        ("cardExpirationDate", exp.to_owned()),
    ];
    if let Some(c) = cvv {
        form.push(("cardCvx", c.to_owned()));
    }
    let body = client()
        .post(tokenizer["url"].as_str().unwrap())
        .form(&form)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    body.strip_prefix("data=").map(str::to_owned).ok_or(body)
}

pub fn pay_body(blob: &str, key: &str) -> serde_json::Value {
    serde_json::json!({
        "tokenData": blob, "brand": "CB", "holder": "Jean Dupont",
        "browser": {"colorDepth": 24, "screenWidth": 1920, "screenHeight": 1080, "timeZoneOffset": -60,
                    "language": "fr-FR", "javaEnabled": false, "userAgent": "Mozilla/5.0 test", "challengeWindowSize": "05"},
        "threeDS": {"mode": "iframe"},
        "idempotencyKey": key,
    })
}

/// POSTs to the pay URL with the client secret and the checkout origin.
pub async fn pay(
    session: &serde_json::Value,
    body: &serde_json::Value,
) -> (u16, serde_json::Value) {
    let r = client()
        .post(session["payUrl"].as_str().unwrap())
        .bearer_auth(session["clientSecret"].as_str().unwrap())
        .header("origin", CHECKOUT_ORIGIN)
        .json(body)
        .send()
        .await
        .unwrap();
    let st = r.status().as_u16();
    (st, r.json().await.unwrap_or(serde_json::Value::Null))
}

pub async fn status(session: &serde_json::Value) -> serde_json::Value {
    client()
        .get(session["statusUrl"].as_str().unwrap())
        .bearer_auth(session["clientSecret"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The shop's view of a payment (`GET /api/payments/{id}` with the admin token).
pub async fn payment(s: &Server, pid: &str) -> serde_json::Value {
    client()
        .get(format!("{}/api/payments/{pid}", s.url))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Tokenizer parameters pointed at the sandbox itself: the browser reaches the tokenizer
/// directly, only the server's SOAP calls go through a fault proxy.
pub fn at_sandbox(sb: &Sandbox, tokenizer: &serde_json::Value) -> serde_json::Value {
    let mut tk = tokenizer.clone();
    tk["url"] = serde_json::json!(format!("{}/webpayment/getToken", sb.url));
    tk
}

/// The sandbox ledger for an order reference (sandbox-control contract).
pub async fn ledger(sb: &Sandbox, order_ref: &str) -> serde_json::Value {
    client()
        .get(format!("{}/sandbox/transactions", sb.url))
        .query(&[("orderRef", order_ref)])
        .basic_auth(
            sandbox_merchant::MERCHANT_ID,
            Some(sandbox_merchant::ACCESS_KEY),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The `action` and hidden fields of the first form of an auto-posting page.
pub fn form_of(html: &str) -> (String, Vec<(String, String)>) {
    fn attr(tag: &str, name: &str) -> Option<String> {
        let key = format!("{name}=\"");
        let i = tag.find(&key)? + key.len();
        let j = tag[i..].find('"')? + i;
        Some(
            tag[i..j]
                .replace("&amp;", "&")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">"),
        )
    }
    let form_start = html.find("<form").expect("a form");
    let form_tag_end = html[form_start..].find('>').unwrap() + form_start;
    let action = attr(&html[form_start..form_tag_end], "action").unwrap_or_default();
    let mut fields = Vec::new();
    let mut rest = &html[form_tag_end..];
    while let Some(i) = rest.find("<input") {
        let end = rest[i..].find('>').unwrap() + i;
        let tag = &rest[i..end];
        if let (Some(n), Some(v)) = (attr(tag, "name"), attr(tag, "value")) {
            fields.push((n, v));
        }
        rest = &rest[end..];
    }
    (action, fields)
}

/// Drives a challenge through the sandbox ACS as the browser would: posts the fields to the
/// ACS, answers with `code` (or cancels), follows the auto-post to the server's /3ds/return.
/// Returns the return page HTML.
pub async fn run_challenge(sb: &Sandbox, answer: &serde_json::Value, code: Option<&str>) -> String {
    let fields: Vec<(String, String)> = answer["fields"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    let page = client()
        .post(answer["url"].as_str().unwrap())
        .form(&fields)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (action, mut hidden) = form_of(&page);
    match code {
        Some(c) => {
            hidden.push(("code".into(), c.into()));
            hidden.push(("action".into(), "submit".into()));
        }
        None => hidden.push(("action".into(), "cancel".into())),
    }
    let url = if action.starts_with("http") {
        action
    } else {
        format!("{}{action}", sb.url)
    };
    let auto = client()
        .post(url)
        .form(&hidden)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (ret, fields) = form_of(&auto);
    client()
        .post(ret)
        .form(&fields)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// A fault-injecting HTTP proxy between the payment server and the sandbox. In `drop` mode it
/// forwards a doAuthorization to the sandbox (the gateway processes it) and then cuts the
/// connection before the answer reaches the server: "connection lost after sending".
pub struct FaultProxy {
    pub url: String,
    /// SOAP action whose answer is cut (`doAuthorization`, `doCapture`…); `None`: pass through.
    pub drop_action: Arc<std::sync::Mutex<Option<&'static str>>>,
    /// SOAP action whose answer is held back 3 s (after the gateway processed it).
    pub delay_action: Arc<std::sync::Mutex<Option<&'static str>>>,
    /// SOAP action whose *request* is held this many ms before it reaches the gateway (a late
    /// landing: the caller has given up by then). Forwarded by a detached task, so it lands
    /// even though the caller hung up.
    pub hold_request: Arc<std::sync::Mutex<Option<(&'static str, u64)>>>,
    /// `(SOAPAction, request body)` of every call forwarded, in order.
    pub requests: Arc<std::sync::Mutex<Vec<(String, String)>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub async fn fault_proxy(upstream: &str) -> FaultProxy {
    use axum::body::Body;
    use axum::extract::Request;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let flag: Arc<std::sync::Mutex<Option<&'static str>>> = Arc::default();
    let upstream = upstream.to_owned();
    let f2 = flag.clone();
    let delay: Arc<std::sync::Mutex<Option<&'static str>>> = Arc::default();
    let d2 = delay.clone();
    let requests: Arc<std::sync::Mutex<Vec<(String, String)>>> = Arc::default();
    let r2 = requests.clone();
    let hold: Arc<std::sync::Mutex<Option<(&'static str, u64)>>> = Arc::default();
    let h2 = hold.clone();
    let handler = move |req: Request| {
        let upstream = upstream.clone();
        let flag = f2.clone();
        let delay = d2.clone();
        let requests = r2.clone();
        let hold = h2.clone();
        async move {
            let (parts, body) = req.into_parts();
            let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
            let soap_action = parts
                .headers
                .get("soapaction")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .trim_matches('"')
                .to_owned();
            requests.lock().unwrap().push((
                soap_action.clone(),
                String::from_utf8_lossy(&bytes).into_owned(),
            ));
            let url = format!(
                "{upstream}{}",
                parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/")
            );
            let mut rb = client().request(parts.method.clone(), url);
            for (k, v) in &parts.headers {
                if k != "host" && k != "content-length" {
                    rb = rb.header(k, v);
                }
            }
            let held = hold
                .lock()
                .unwrap()
                .filter(|(a, _)| *a == soap_action)
                .map(|(_, ms)| ms);
            let (tx, rx) = tokio::sync::oneshot::channel();
            tokio::spawn(async move {
                if let Some(ms) = held {
                    tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
                }
                let res = rb.body(bytes.to_vec()).send().await.unwrap();
                let status = res.status();
                let body = res.bytes().await.unwrap();
                let _ = tx.send((status, body));
            });
            let (status, body) = rx.await.unwrap();
            let action = parts
                .headers
                .get("soapaction")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let cut = *flag.lock().unwrap();
            let late = *delay.lock().unwrap();
            if late.is_some_and(|c| action.trim_matches('"') == c) {
                tokio::time::sleep(std::time::Duration::from_secs(3)).await;
            }
            if cut.is_some_and(|c| action.trim_matches('"') == c) {
                // Headers go out, then the body stream fails: the connection is reset mid-answer.
                let stream = futures_util_stream(body);
                return axum::response::Response::builder()
                    .status(status)
                    .header("content-type", "text/xml")
                    .body(Body::from_stream(stream))
                    .unwrap();
            }
            axum::response::Response::builder()
                .status(status)
                .header("content-type", "text/xml; charset=utf-8")
                .body(Body::from(body))
                .unwrap()
        }
    };
    let app = axum::Router::new().fallback(handler);
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    FaultProxy {
        url: format!("http://{addr}"),
        drop_action: flag,
        delay_action: delay,
        hold_request: hold,
        requests,
        task,
    }
}

/// A body that yields half of `body` and then an error.
fn futures_util_stream(
    body: axum::body::Bytes,
) -> impl futures_util::Stream<Item = Result<axum::body::Bytes, std::io::Error>> + Send + 'static {
    let half = body.slice(..body.len() / 2);
    futures_util::stream::iter(vec![
        Ok(half),
        Err(std::io::Error::other("connection reset by the fault proxy")),
    ])
}

/// A shop webhook on a closed port: events are queued in the outbox whatever happens to
/// their delivery, so tests read them from the database.
pub fn webhook_outbox() -> Option<payment_server::config::WebhookConfig> {
    Some(payment_server::config::WebhookConfig {
        url: "http://127.0.0.1:9/hook".into(),
        secret: Secret::new("whsec"),
        extra_roots: Vec::new(),
    })
}

/// A test clock set to the real time: the sandbox dates schedules from the real day, so a
/// server registering one must be on that day too.
pub fn today_clock() -> Arc<ManualClock> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    Arc::new(ManualClock::new(i64::try_from(now).unwrap()))
}
