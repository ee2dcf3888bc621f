//! Test harness: an in-process sandbox on 127.0.0.1:0 with an in-memory database.

use payline_protocol::secret::Secret;
use payline_sandbox::{Config, DbLocation, Sandbox};
use serde_json::Value;
use tokio::sync::oneshot;

pub const MERCHANT: &str = "12345678901234";
pub const ACCESS_KEY: &str = "SANDBOXACCESSKEY0001";
pub const KEY_REF: &str = "sandbox-ref-1";
pub const CONTRACT: &str = "1234567";
#[allow(dead_code)]
pub const CONTRACT_NO_REAUTH: &str = "7654321";

pub struct TestSandbox {
    pub base: String,
    pub http: reqwest::Client,
    /// payline-protocol's client, configured for this sandbox and the built-in merchant.
    pub payline: payline_protocol::client::PaylineClient,
    _stop: oneshot::Sender<()>,
}

impl TestSandbox {
    pub async fn start() -> Self {
        Self::start_with(Config::default(), DbLocation::Memory).await
    }

    pub async fn start_with(config: Config, db: DbLocation) -> Self {
        let sandbox = Sandbox::open(config, &db).await.expect("open sandbox");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(payline_sandbox::serve(listener, sandbox, async {
            let _ = rx.await;
        }));
        let base = format!("http://{addr}");
        let config =
            payline_protocol::client::ClientConfig::new(&base, MERCHANT, Secret::new(ACCESS_KEY))
                .expect("client config");
        let payline = payline_protocol::client::PaylineClient::new(config).expect("client");
        Self {
            base,
            http: client(),
            payline,
            _stop: tx,
        }
    }

    /// A client for a sandbox already running at `base` (the binary).
    pub fn against(base: &str) -> Self {
        let config =
            payline_protocol::client::ClientConfig::new(base, MERCHANT, Secret::new(ACCESS_KEY))
                .expect("client config");
        let payline = payline_protocol::client::PaylineClient::new(config).expect("client");
        let (tx, _rx) = oneshot::channel::<()>();
        Self {
            base: base.to_owned(),
            http: client(),
            payline,
            _stop: tx,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn access_key() -> Secret {
        Secret::new(ACCESS_KEY)
    }

    pub async fn ledger(&self, order_ref: &str) -> Vec<Value> {
        let resp = self
            .http
            .get(self.url("/sandbox/transactions"))
            .query(&[("orderRef", order_ref)])
            .basic_auth(MERCHANT, Some(ACCESS_KEY))
            .send()
            .await
            .expect("ledger");
        assert_eq!(resp.status(), 200);
        resp.json::<Value>()
            .await
            .expect("json")
            .as_array()
            .cloned()
            .expect("array")
    }

    pub async fn advance(&self, seconds: i64) -> Value {
        let resp = self
            .http
            .post(self.url("/sandbox/clock"))
            .basic_auth(MERCHANT, Some(ACCESS_KEY))
            .json(&serde_json::json!({ "advance_seconds": seconds }))
            .send()
            .await
            .expect("clock");
        assert_eq!(resp.status(), 200);
        resp.json().await.expect("json")
    }

    /// Tokenizes a card through the browser tokenizer; returns the raw servlet body.
    pub async fn tokenize(
        &self,
        order_ref: &str,
        contract: &str,
        pan: &str,
        exp: &str,
        cvx: Option<&str>,
    ) -> String {
        let data = payline_protocol::web2token::encrypt_request_data(
            &Self::access_key(),
            MERCHANT,
            order_ref,
            contract,
        );
        let mut form = vec![
            ("data", data),
            ("accessKeyRef", KEY_REF.to_owned()),
            ("cardNumber", pan.to_owned()),
            ("cardExpirationDate", exp.to_owned()),
        ];
        if let Some(c) = cvx {
            form.push(("cardCvx", c.to_owned()));
        }
        let resp = self
            .http
            .post(self.url("/webpayment/getToken"))
            .form(&form)
            .send()
            .await
            .expect("getToken");
        assert_eq!(resp.status(), 200);
        resp.text().await.expect("body")
    }
}

/// An expiry two years ahead of the real date (the sandbox clock starts at the real time).
pub fn future_expiry() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!("12{:02}", (now.year() + 2) % 100)
}

pub fn unique_ref(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// An HTTP client. reqwest is built with `rustls-no-provider` in this workspace (the
/// payline-protocol client picks ring), so a crypto provider is installed once first.
pub fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// Starts the `payline-sandbox` binary on `db` and a free loopback port; returns the child
/// (killed on drop) and its base URL read from the first stdout line.
pub async fn spawn_binary(db: &std::path::Path) -> (tokio::process::Child, String) {
    use tokio::io::AsyncBufReadExt as _;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_payline-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--db"])
        .arg(db)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let first = tokio::time::timeout(std::time::Duration::from_secs(20), lines.next_line())
        .await
        .expect("start")
        .expect("read")
        .expect("line");
    let base = first
        .strip_prefix("payline-sandbox listening on ")
        .expect("banner")
        .to_owned();
    (child, base)
}
