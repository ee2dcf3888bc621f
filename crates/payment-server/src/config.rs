//! Configuration: environment variables, each with a matching command-line flag (the flag wins).
//!
//! Without `--sandbox`, every gateway setting must be given: the server never falls back to a
//! fake gateway by itself. With `--sandbox`, the embedded sandbox and its built-in merchant are
//! used, and `PUBLIC_URL` must stay on loopback (the sandbox is not a payment gateway).
//!
//! Transport (PCI DSS v4.0 requirement 4.2.1: strong cryptography whenever cardholder data
//! crosses an open network): without `--sandbox`, `PAYLINE_ENDPOINT`, `PAYLINE_TOKENIZER_URL`,
//! `PUBLIC_URL`, `SHOP_WEBHOOK_URL` and every `ALLOWED_ORIGINS` entry must be `https`. The
//! tokenizer URL receives the card number from the buyer's browser; the endpoint carries the
//! card token, the access key and the virtual CVV; `PUBLIC_URL` is where the browser sends the
//! tokenizer blob and the 3-D Secure results; the webhook carries payment data to the shop, and
//! the checkout origins serve the page that holds the card form. Plain `http` is accepted only
//! with `--sandbox`, and then only for a loopback host ([`is_loopback_url`]): nothing leaves the
//! machine.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use payline_protocol::secret::Secret;

/// `http://localhost:P` for `http://127.0.0.1:P` and the other way round; `None` otherwise.
fn loopback_alias(origin: &str) -> Option<String> {
    let rest = origin.strip_prefix("http://")?;
    if let Some(port) = rest.strip_prefix("127.0.0.1") {
        Some(format!("http://localhost{port}"))
    } else {
        rest.strip_prefix("localhost")
            .map(|port| format!("http://127.0.0.1{port}"))
    }
}

/// The sandbox's built-in merchant (payline-sandbox README): used only with `--sandbox`.
pub mod sandbox_merchant {
    /// Merchant id.
    pub const MERCHANT_ID: &str = "12345678901234";
    /// Access key (a sandbox value, not a secret).
    pub const ACCESS_KEY: &str = "SANDBOXACCESSKEY0001";
    /// Access key reference given to the tokenizer.
    pub const ACCESS_KEY_REF: &str = "sandbox-ref-1";
    /// Contract with 3-D Secure and the re-authorization option.
    pub const CONTRACT: &str = "1234567";
}

/// Command line and environment. `payment-server --help` prints this.
#[derive(Debug, Parser)]
#[command(
    name = "payment-server",
    version,
    about = "The merchant's Payline payment service: checkout sessions, 3-D Secure, back office.",
    long_about = None
)]
pub struct Cli {
    /// Start the offline payline-sandbox in this process on a loopback port and use its
    /// built-in merchant. For the demo and tests only.
    #[arg(long)]
    pub sandbox: bool,

    /// With `--sandbox`: use the payline-sandbox already running at this loopback base URL
    /// (e.g. `http://127.0.0.1:8081`) instead of starting one in this process, so that the
    /// gateway outlives this process (restart and fault-injection tests, a shared demo sandbox).
    #[arg(long, env = "SANDBOX_URL", requires = "sandbox")]
    pub sandbox_url: Option<String>,

    /// Address to listen on (port 0: any free port).
    #[arg(long, env = "LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Public base URL of this server, used for the 3-D Secure return URL and the URLs handed
    /// to the browser. Required without --sandbox, and https (PCI DSS 4.2.1). With --sandbox:
    /// a loopback URL, by default http://<LISTEN address>.
    #[arg(long, env = "PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Database: `sqlite://path` (default ./data/payment-server.db) or `postgres://…`.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,

    /// Payline web services base URL, e.g. https://homologation.payline.com/V4/services/
    /// (without --sandbox: required, https).
    #[arg(long, env = "PAYLINE_ENDPOINT")]
    pub payline_endpoint: Option<String>,

    /// Payline merchant id (required without --sandbox).
    #[arg(long, env = "PAYLINE_MERCHANT_ID")]
    pub payline_merchant_id: Option<String>,

    /// Payline access key (required without --sandbox). Prefer the environment over the flag.
    #[arg(long, env = "PAYLINE_ACCESS_KEY", hide_env_values = true)]
    pub payline_access_key: Option<String>,

    /// Reference of the access key, given to the tokenizer (required without --sandbox).
    #[arg(long, env = "PAYLINE_ACCESS_KEY_REF")]
    pub payline_access_key_ref: Option<String>,

    /// Payline contract number used for payments (required without --sandbox).
    #[arg(long, env = "PAYLINE_CONTRACT")]
    pub payline_contract: Option<String>,

    /// URL of the gateway's Ajax tokenizer, e.g.
    /// https://homologation-webpayment.payline.com/webpayment/getToken (required without
    /// --sandbox, https).
    #[arg(long, env = "PAYLINE_TOKENIZER_URL")]
    pub payline_tokenizer_url: Option<String>,

    /// Timeout of one Payline call, in milliseconds, 1000 to 12000: a pay makes up to two calls
    /// in a row and must be answered before the browser module's 35 s request timeout.
    #[arg(long, env = "PAYLINE_TIMEOUT_MS", default_value_t = PAYLINE_TIMEOUT_MS_DEFAULT)]
    pub payline_timeout_ms: u64,

    /// Payline endpoint directory for fail-over between Payline's endpoints: `auto` (default:
    /// Payline's own directory when PAYLINE_ENDPOINT is Payline's homologation or production
    /// base, none otherwise), `off`, or the directory URL (https; with --sandbox, a loopback
    /// http URL such as http://127.0.0.1:8081/services/servicesendpoints/SOAP/12345678901234).
    /// A payment is moved to another endpoint only when it provably never reached the first.
    #[arg(long, env = "PAYLINE_ENDPOINTS_DIRECTORY", default_value = "auto")]
    pub payline_endpoints_directory: String,

    /// Bearer token of the shop backend for /api/checkout-sessions and /api/payments.
    #[arg(long, env = "ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,

    /// Bearer token that may read `/metrics` besides `ADMIN_TOKEN`, for a metrics scraper that
    /// must not hold the admin token.
    #[arg(long, env = "METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,

    /// Requests served at the same time. One more is refused at once with 503 `overloaded`
    /// and `Retry-After` instead of waiting in a queue (`/healthz` and `/metrics` are exempt).
    #[arg(long, env = "MAX_CONCURRENT_REQUESTS", default_value_t = DEFAULT_MAX_CONCURRENT_REQUESTS)]
    pub max_concurrent_requests: usize,

    /// Requests per minute from one client IP on the browser-facing routes (sessions, pay,
    /// 3-D Secure); a burst of this many is allowed. Over it: 429 `rate_limited`. 0: no limit.
    #[arg(long, env = "RATE_LIMIT_PER_MINUTE", default_value_t = DEFAULT_RATE_LIMIT_PER_MINUTE)]
    pub rate_limit_per_minute: u32,

    /// Requests per minute from one client IP on `GET /payline/notify` (each one costs a
    /// getTransactionDetails call). Payline sends its notifications from a few addresses, so
    /// keep it above the shop's peak transaction rate. 0: no limit.
    #[arg(long, env = "NOTIFY_RATE_LIMIT_PER_MINUTE", default_value_t = DEFAULT_NOTIFY_RATE_LIMIT_PER_MINUTE)]
    pub notify_rate_limit_per_minute: u32,

    /// Comma-separated origins of the checkout pages allowed to call the browser-facing API and
    /// to frame the 3-D Secure return page (https without --sandbox: the page holds the card
    /// form).
    #[arg(long, env = "ALLOWED_ORIGINS", value_delimiter = ',')]
    pub allowed_origins: Vec<String>,

    /// Comma-separated addresses or CIDR blocks of the reverse proxies in front of this server.
    /// Only requests from them have their `X-Forwarded-For` read for the buyer's IP (Payline
    /// `buyer.ip`); from anyone else the header is ignored.
    #[arg(long, env = "TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<String>,

    /// URL receiving the signed payment events (https; http only to a loopback host with
    /// --sandbox).
    #[arg(long, env = "SHOP_WEBHOOK_URL")]
    pub shop_webhook_url: Option<String>,

    /// HMAC-SHA256 secret signing the payment events.
    #[arg(long, env = "SHOP_WEBHOOK_SECRET", hide_env_values = true)]
    pub shop_webhook_secret: Option<String>,

    /// PEM file of extra root certificates trusted for an https SHOP_WEBHOOK_URL, besides the
    /// platform's (a shop backend behind an internal CA).
    #[arg(long, env = "SHOP_WEBHOOK_CA_FILE")]
    pub shop_webhook_ca_file: Option<std::path::PathBuf>,

    /// Directory with the demo pages (www/).
    #[arg(long, env = "WWW_DIR", default_value = "www")]
    pub www_dir: String,

    /// Directory with the built module (pkg/).
    #[arg(long, env = "PKG_DIR", default_value = "pkg")]
    pub pkg_dir: String,

    /// A doAuthorization whose answer was lost counts as "never happened" only when the gateway
    /// still has no transaction for it this long after it was sent (a request held up in the
    /// network may land late). Milliseconds.
    #[arg(long, env = "PAYLINE_NOT_FOUND_GRACE_MS", default_value_t = 300_000)]
    pub payline_not_found_grace_ms: u64,

    /// Period of the background workers (reconciler, sweeps, webhook delivery), milliseconds.
    #[arg(long, env = "RECONCILE_INTERVAL_MS", default_value_t = 2_000)]
    pub reconcile_interval_ms: u64,

    /// How long a payment may wait for the buyer's 3-D Secure step before the attempt is
    /// closed and its sealed card data wiped, seconds.
    #[arg(long, env = "THREE_DS_TIMEOUT_SECS", default_value_t = 1_800)]
    pub three_ds_timeout_secs: u64,

    /// Lease of a claimed idempotency key or reconciler row, milliseconds: a holder that died
    /// frees it after this long. Longer than the longest request (30 s).
    #[arg(long, env = "LEASE_MS", default_value_t = 60_000)]
    pub lease_ms: u64,

    /// Log as JSON lines instead of text.
    #[arg(long, env = "LOG_JSON")]
    pub log_json: bool,
}

/// Gateway settings: where and as whom the server talks to Payline.
#[derive(Debug, Clone)]
pub struct GatewayConfig {
    /// Base URL of the web services (`…/V4/services/`).
    pub endpoint: String,
    /// Merchant id.
    pub merchant_id: String,
    /// Access key (HTTP Basic password and Web2Token key).
    pub access_key: Secret,
    /// Reference of the access key, for the tokenizer.
    pub access_key_ref: String,
    /// Contract number.
    pub contract: String,
    /// Tokenizer servlet URL.
    pub tokenizer_url: String,
    /// Per-call timeout; past it the outcome of a call that was sent is unknown.
    pub timeout: std::time::Duration,
    /// URL of the Payline endpoint directory the client fails over with; `None`: the endpoint
    /// alone.
    pub endpoints_directory: Option<String>,
}

/// Validated settings the server runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Public base URL, no trailing slash.
    pub public_url: String,
    /// Database URL.
    pub database_url: String,
    /// Gateway.
    pub gateway: GatewayConfig,
    /// Shop backend token; `None` disables the admin API (401).
    pub admin_token: Option<Secret>,
    /// Allowed checkout origins (`scheme://host[:port]`).
    pub allowed_origins: Vec<String>,
    /// Signed shop events.
    pub webhook: Option<WebhookConfig>,
    /// Serving the demo and module.
    pub www_dir: String,
    /// Built module directory.
    pub pkg_dir: String,
    /// Sandbox mode: the demo session endpoint exists.
    pub sandbox: bool,
    /// Session lifetime in seconds (checkout-session contract: 30 minutes).
    pub session_ttl_secs: i64,
    /// Attempts per session (pay contract: 5).
    pub max_attempts: i64,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<crate::client_ip::IpBlock>,
    /// Timings of the money-safety rules.
    pub money: MoneySettings,
    /// Bearer token that may read `/metrics` (besides the admin token).
    pub metrics_token: Option<Secret>,
    /// Request timeout, concurrency limit and per-client rate limits.
    pub limits: LimitSettings,
}

/// Default of `PAYLINE_TIMEOUT_MS`: 10 s.
pub const PAYLINE_TIMEOUT_MS_DEFAULT: u64 = 10_000;

/// Smallest accepted `PAYLINE_TIMEOUT_MS`: below a second, an ordinary slow answer (3-D Secure
/// directory lookups behind verifyEnrollment) would become an unknown outcome to reconcile.
pub const PAYLINE_TIMEOUT_MS_MIN: u64 = 1_000;

/// Largest accepted `PAYLINE_TIMEOUT_MS`.
///
/// A pay request makes at most two sequential gateway calls (verifyEnrollment, then
/// doAuthorization; the 3-D Secure return likewise makes verifyAuthentication then
/// doAuthorization), and the server must give its answer before the browser module gives up on
/// the request (its request timeout is 35 s): a buyer's page must never report an error for a
/// payment that is still running on the server and may end authorized. Two calls of 12 s plus
/// the database work fit in the server's 30 s request timeout
/// ([`REQUEST_TIMEOUT`]), which itself ends before the module's 35 s; a
/// compile-time check below keeps these three numbers in that order.
pub const PAYLINE_TIMEOUT_MS_MAX: u64 = 12_000;

/// Longest time a request may take before it is answered 503 `request_timeout`.
///
/// It must leave room for the slowest legitimate request, a pay that makes two gateway calls in
/// a row, each up to `PAYLINE_TIMEOUT_MS` (at most [`PAYLINE_TIMEOUT_MS_MAX`]), plus the
/// database work around them; and it must end before the browser module stops waiting
/// ([`MODULE_REQUEST_TIMEOUT`]), so that the page always gets the server's answer.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The browser module's request timeout (`timeouts.request` of `mount()`): past it, the page
/// reports an error whatever the server does.
pub const MODULE_REQUEST_TIMEOUT: Duration = Duration::from_secs(35);

/// Time kept for the database and the server's own work besides two gateway calls.
const MARGIN: Duration = Duration::from_secs(5);

// The order of the three timeouts is what keeps a buyer's page from reporting an error for a
// payment still running here: checked when the crate compiles.
const _: () = {
    let gateway_ms = 2 * PAYLINE_TIMEOUT_MS_MAX as u128;
    assert!(gateway_ms + MARGIN.as_millis() <= REQUEST_TIMEOUT.as_millis());
    assert!(REQUEST_TIMEOUT.as_millis() < MODULE_REQUEST_TIMEOUT.as_millis());
};

/// Default of `MAX_CONCURRENT_REQUESTS`.
pub const DEFAULT_MAX_CONCURRENT_REQUESTS: usize = 512;

/// Largest accepted `MAX_CONCURRENT_REQUESTS`.
pub const MAX_CONCURRENT_REQUESTS_CEILING: u64 = 1_000_000;

/// Default of `RATE_LIMIT_PER_MINUTE`: a checkout makes about ten requests to the limited
/// routes, and several buyers may share one address (a company or a mobile operator's NAT).
pub const DEFAULT_RATE_LIMIT_PER_MINUTE: u32 = 600;

/// Default of `NOTIFY_RATE_LIMIT_PER_MINUTE`: Payline notifies once per transaction event, from
/// a few addresses.
pub const DEFAULT_NOTIFY_RATE_LIMIT_PER_MINUTE: u32 = 120;

/// Guard rails of the HTTP surface (applied by the `limits` module).
#[derive(Debug, Clone)]
pub struct LimitSettings {
    /// Longest time a request may take before it is answered 503 `request_timeout`
    /// ([`REQUEST_TIMEOUT`]; not a setting, shorter only in tests).
    pub request_timeout: std::time::Duration,
    /// `MAX_CONCURRENT_REQUESTS`.
    pub max_concurrent_requests: usize,
    /// `RATE_LIMIT_PER_MINUTE` (0: off).
    pub rate_limit_per_minute: u32,
    /// `NOTIFY_RATE_LIMIT_PER_MINUTE` (0: off).
    pub notify_rate_limit_per_minute: u32,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            request_timeout: REQUEST_TIMEOUT,
            max_concurrent_requests: DEFAULT_MAX_CONCURRENT_REQUESTS,
            rate_limit_per_minute: DEFAULT_RATE_LIMIT_PER_MINUTE,
            notify_rate_limit_per_minute: DEFAULT_NOTIFY_RATE_LIMIT_PER_MINUTE,
        }
    }
}

/// Timings of the money-safety rules (reconciliation, leases, 3-D Secure waits).
#[derive(Debug, Clone)]
pub struct MoneySettings {
    /// "Not found" at the gateway is final only this long after doAuthorization was sent.
    pub not_found_grace_ms: i64,
    /// Period of the background workers.
    pub worker_interval: std::time::Duration,
    /// Longest wait for the buyer's 3-D Secure step.
    pub three_ds_wait_ms: i64,
    /// Lease of a claimed idempotency key or reconciler row: a holder that died frees it
    /// after this long.
    pub lease_ms: i64,
}

impl Default for MoneySettings {
    fn default() -> Self {
        Self {
            not_found_grace_ms: 300_000,
            worker_interval: std::time::Duration::from_secs(2),
            three_ds_wait_ms: 30 * 60 * 1000,
            lease_ms: 60_000,
        }
    }
}

/// Shop webhook destination.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// Destination URL.
    pub url: String,
    /// HMAC key.
    pub secret: Secret,
    /// Extra trusted roots (`SHOP_WEBHOOK_CA_FILE`), DER.
    pub extra_roots: Vec<rustls::pki_types::CertificateDer<'static>>,
}

/// A setting that makes start-up impossible.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A gateway setting is missing and `--sandbox` was not given.
    #[error(
        "{0} is not set: the payment server needs the Payline gateway settings \
         (PAYLINE_ENDPOINT, PAYLINE_MERCHANT_ID, PAYLINE_ACCESS_KEY, PAYLINE_ACCESS_KEY_REF, \
         PAYLINE_CONTRACT, PAYLINE_TOKENIZER_URL), or --sandbox for the offline sandbox"
    )]
    MissingGatewaySetting(&'static str),
    /// In sandbox mode, PUBLIC_URL points off this machine.
    #[error("PUBLIC_URL {0} is not a loopback URL: --sandbox is for this machine only")]
    SandboxPublicUrl(String),
    /// `SANDBOX_URL` (or the sandbox base URL) points off this machine.
    #[error("SANDBOX_URL {0} is not a loopback http(s) URL: the sandbox is for this machine only")]
    SandboxUrl(String),
    /// Without `--sandbox`, PUBLIC_URL has no default.
    #[error(
        "PUBLIC_URL is not set: without --sandbox it must be the https URL buyers reach this \
         server at (TLS may end at a reverse proxy in front of it)"
    )]
    PublicUrlRequired,
    /// A URL that must be https is not (PCI DSS 4.2.1).
    #[error(
        "{name} must be an https URL, not {value}: card data, tokens and credentials cross \
         networks only over TLS (PCI DSS 4.2.1); plain http is accepted only with --sandbox and a \
         loopback host"
    )]
    InsecureUrl {
        /// Setting name.
        name: &'static str,
        /// The URL's scheme and host only (a path or query may hold a token).
        value: String,
    },
    /// A number outside its accepted range.
    #[error("{name} is {value}, outside {min}..={max}: {why}")]
    OutOfRange {
        /// Setting name.
        name: &'static str,
        /// Given value.
        value: u64,
        /// Smallest accepted.
        min: u64,
        /// Largest accepted.
        max: u64,
        /// Why the bounds.
        why: &'static str,
    },
    /// A URL or origin that does not parse.
    #[error("{name} is not a valid http(s) URL: {value}")]
    InvalidUrl {
        /// Setting name.
        name: &'static str,
        /// Offending value (never a secret).
        value: String,
    },
    /// Webhook URL without secret or the reverse.
    #[error("SHOP_WEBHOOK_URL and SHOP_WEBHOOK_SECRET go together")]
    WebhookHalfConfigured,
    /// `SHOP_WEBHOOK_CA_FILE` cannot be read or holds no certificate.
    #[error("SHOP_WEBHOOK_CA_FILE {path}: {reason}")]
    WebhookCa {
        /// The file.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A `TRUSTED_PROXIES` entry that is not an address or CIDR block.
    #[error(transparent)]
    TrustedProxies(#[from] crate::client_ip::InvalidBlock),
}

/// The certificates of a PEM file (the shared loader); at least one.
fn read_ca_file(
    path: &std::path::Path,
) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>, ConfigError> {
    payline_protocol::tls::read_pem_certificates(path).map_err(|e| ConfigError::WebhookCa {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

/// The host of an `http(s)` URL (without brackets for IPv6), after any `user:password@`
/// (RFC 3986 section 3.2): in `http://127.0.0.1:80@evil.example/` the host is `evil.example`.
fn host_of(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    Some(host).filter(|h| !h.is_empty())
}

/// True for `http(s)://localhost…`, `127.x`, `[::1]`.
pub fn is_loopback_url(url: &str) -> bool {
    let Some(host) = host_of(url) else {
        return false;
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

fn check_url(name: &'static str, value: &str) -> Result<String, ConfigError> {
    let ok = host_of(value).is_some() && !value.contains(char::is_whitespace);
    if ok {
        Ok(value.trim_end_matches('/').to_owned())
    } else {
        Err(ConfigError::InvalidUrl {
            name,
            value: value.to_owned(),
        })
    }
}

/// PCI DSS 4.2.1: `https`, or, with `--sandbox` only, `http` to a loopback host.
fn require_tls(name: &'static str, url: &str, sandbox: bool) -> Result<(), ConfigError> {
    if url.starts_with("https://") || (sandbox && is_loopback_url(url)) {
        Ok(())
    } else {
        Err(ConfigError::InsecureUrl {
            name,
            value: redacted(url),
        })
    }
}

/// `scheme://host[:port]` of a URL without its user information, path or query, which may
/// hold credentials: what an error message may show.
fn redacted(url: &str) -> String {
    let origin = origin_of(url);
    match origin.split_once("://") {
        Some((scheme, authority)) => {
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            format!("{scheme}://{host}")
        }
        None => origin,
    }
}

/// `value` within `min..=max`, else a [`ConfigError::OutOfRange`] saying `why`.
fn in_range(
    name: &'static str,
    value: u64,
    min: u64,
    max: u64,
    why: &'static str,
) -> Result<u64, ConfigError> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(ConfigError::OutOfRange {
            name,
            value,
            min,
            max,
            why,
        })
    }
}

impl Cli {
    /// The endpoint directory URL from `PAYLINE_ENDPOINTS_DIRECTORY`: `auto` gives Payline's own
    /// for Payline's homologation and production endpoints (`endpoint`, the merchant id), as
    /// Payline's PHP SDK does; an explicit URL must be https (PCI DSS 4.2.1: the client then
    /// sends the access key and card data to the hosts it lists), or loopback http with
    /// `--sandbox`.
    fn endpoints_directory(
        &self,
        endpoint: Option<(&str, &str)>,
        sandbox: bool,
    ) -> Result<Option<String>, ConfigError> {
        let value = self.payline_endpoints_directory.trim();
        if value.eq_ignore_ascii_case("off") {
            return Ok(None);
        }
        if value.is_empty() || value.eq_ignore_ascii_case("auto") {
            return Ok(endpoint.and_then(|(endpoint, merchant_id)| {
                payline_protocol::client::ClientConfig::payline_directory_url(endpoint, merchant_id)
            }));
        }
        let url = check_url("PAYLINE_ENDPOINTS_DIRECTORY", value)?;
        require_tls("PAYLINE_ENDPOINTS_DIRECTORY", &url, sandbox)?;
        Ok(Some(url))
    }

    /// The `--sandbox-url` base URL, checked: an http(s) URL on a loopback host, without its
    /// trailing slash.
    pub fn sandbox_base(&self) -> Result<Option<String>, ConfigError> {
        self.sandbox_url
            .as_deref()
            .map(check_sandbox_base)
            .transpose()
    }

    /// Validates the command line for a server listening on `bound` (the real address after
    /// binding, so that port 0 gives a usable default PUBLIC_URL in sandbox mode).
    /// `sandbox_endpoint` is the sandbox's base URL in sandbox mode.
    pub fn settings(
        &self,
        bound: SocketAddr,
        sandbox_endpoint: Option<&str>,
    ) -> Result<Settings, ConfigError> {
        let sandbox = self.sandbox;
        let public_url = match &self.public_url {
            Some(u) => Some(check_url("PUBLIC_URL", u)?),
            None if sandbox => Some(format!("http://{bound}")),
            // Reported after the gateway settings, the first thing a new deployment lacks.
            None => None,
        };
        let timeout = std::time::Duration::from_millis(in_range(
            "PAYLINE_TIMEOUT_MS",
            self.payline_timeout_ms,
            PAYLINE_TIMEOUT_MS_MIN,
            PAYLINE_TIMEOUT_MS_MAX,
            "a pay request makes up to two gateway calls in a row, and must be answered before \
             the browser module's 35 s request timeout",
        )?);
        let gateway = match (sandbox, sandbox_endpoint) {
            (true, Some(base)) => {
                if let Some(u) = public_url.as_deref().filter(|u| !is_loopback_url(u)) {
                    return Err(ConfigError::SandboxPublicUrl(u.to_owned()));
                }
                let base = check_sandbox_base(base)?;
                GatewayConfig {
                    endpoint: format!("{base}/V4/services/"),
                    merchant_id: sandbox_merchant::MERCHANT_ID.to_owned(),
                    access_key: Secret::new(sandbox_merchant::ACCESS_KEY),
                    access_key_ref: sandbox_merchant::ACCESS_KEY_REF.to_owned(),
                    contract: sandbox_merchant::CONTRACT.to_owned(),
                    tokenizer_url: format!("{base}/webpayment/getToken"),
                    timeout,
                    // `auto` is off here: the sandbox is not Payline's homologation or production.
                    endpoints_directory: self.endpoints_directory(None, sandbox)?,
                }
            }
            _ => {
                fn need<'a>(
                    v: &'a Option<String>,
                    name: &'static str,
                ) -> Result<&'a str, ConfigError> {
                    v.as_deref()
                        .filter(|s| !s.trim().is_empty())
                        .ok_or(ConfigError::MissingGatewaySetting(name))
                }
                let endpoint = need(&self.payline_endpoint, "PAYLINE_ENDPOINT")?;
                let endpoint = check_url("PAYLINE_ENDPOINT", endpoint)?;
                require_tls("PAYLINE_ENDPOINT", &endpoint, sandbox)?;
                let merchant_id = need(&self.payline_merchant_id, "PAYLINE_MERCHANT_ID")?;
                let access_key = need(&self.payline_access_key, "PAYLINE_ACCESS_KEY")?;
                let access_key_ref = need(&self.payline_access_key_ref, "PAYLINE_ACCESS_KEY_REF")?;
                let contract = need(&self.payline_contract, "PAYLINE_CONTRACT")?;
                let tokenizer = need(&self.payline_tokenizer_url, "PAYLINE_TOKENIZER_URL")?;
                let tokenizer_url = check_url("PAYLINE_TOKENIZER_URL", tokenizer)?;
                require_tls("PAYLINE_TOKENIZER_URL", &tokenizer_url, sandbox)?;
                GatewayConfig {
                    endpoint: format!("{endpoint}/"),
                    merchant_id: merchant_id.to_owned(),
                    access_key: Secret::new(access_key),
                    access_key_ref: access_key_ref.to_owned(),
                    contract: contract.to_owned(),
                    tokenizer_url,
                    timeout,
                    endpoints_directory: self
                        .endpoints_directory(Some((&endpoint, merchant_id)), sandbox)?,
                }
            }
        };
        let public_url = public_url.ok_or(ConfigError::PublicUrlRequired)?;
        require_tls("PUBLIC_URL", &public_url, sandbox)?;
        let mut allowed_origins = Vec::new();
        for o in self
            .allowed_origins
            .iter()
            .map(|o| o.trim())
            .filter(|o| !o.is_empty())
        {
            let origin = check_url("ALLOWED_ORIGINS", o)?;
            // The checkout page holds the card form: served over plain http, anyone on the path
            // could rewrite it and read the card before it is tokenized. The sandbox demo and
            // tests name made-up http origins, which never reach a real gateway.
            if !sandbox {
                require_tls("ALLOWED_ORIGINS", &origin, false)?;
            }
            allowed_origins.push(origin);
        }
        // The demo pages are served by this server itself: its own origin is always allowed.
        let own_origin = origin_of(&public_url);
        // In the sandbox, the demo is also served under the loopback's other name (localhost
        // for 127.0.0.1 and back): a page there is another origin than the payment server, as a
        // shop page is in production, which is what the isolated fields need to be shown.
        let alias = sandbox.then(|| loopback_alias(&own_origin)).flatten();
        for origin in std::iter::once(own_origin).chain(alias) {
            if !allowed_origins.contains(&origin) {
                allowed_origins.push(origin);
            }
        }
        let webhook = match (&self.shop_webhook_url, &self.shop_webhook_secret) {
            (Some(u), Some(s)) if !s.is_empty() => {
                let url = check_url("SHOP_WEBHOOK_URL", u)?;
                require_tls("SHOP_WEBHOOK_URL", &url, sandbox)?;
                Some(WebhookConfig {
                    url,
                    secret: Secret::new(s.as_str()),
                    extra_roots: match &self.shop_webhook_ca_file {
                        Some(path) => read_ca_file(path)?,
                        None => Vec::new(),
                    },
                })
            }
            (None, None) => None,
            _ => return Err(ConfigError::WebhookHalfConfigured),
        };
        let max_concurrent = in_range(
            "MAX_CONCURRENT_REQUESTS",
            u64::try_from(self.max_concurrent_requests).unwrap_or(u64::MAX),
            1,
            MAX_CONCURRENT_REQUESTS_CEILING,
            "at least one request must be served, and the limit must stay below what the \
             process can hold",
        )?;
        Ok(Settings {
            public_url,
            database_url: self
                .database_url
                .clone()
                .unwrap_or_else(|| "sqlite://data/payment-server.db".to_owned()),
            gateway,
            admin_token: self
                .admin_token
                .as_deref()
                .filter(|t| !t.is_empty())
                .map(Secret::new),
            allowed_origins,
            webhook,
            www_dir: self.www_dir.clone(),
            pkg_dir: self.pkg_dir.clone(),
            sandbox,
            session_ttl_secs: 30 * 60,
            max_attempts: 5,
            trusted_proxies: crate::client_ip::parse_blocks(&self.trusted_proxies)?,
            money: MoneySettings {
                not_found_grace_ms: i64::try_from(self.payline_not_found_grace_ms)
                    .unwrap_or(i64::MAX),
                worker_interval: std::time::Duration::from_millis(
                    self.reconcile_interval_ms.max(10),
                ),
                three_ds_wait_ms: i64::try_from(self.three_ds_timeout_secs.saturating_mul(1000))
                    .unwrap_or(i64::MAX),
                lease_ms: i64::try_from(self.lease_ms.max(1_000)).unwrap_or(i64::MAX),
            },
            metrics_token: self
                .metrics_token
                .as_deref()
                .filter(|t| !t.is_empty())
                .map(Secret::new),
            limits: LimitSettings {
                max_concurrent_requests: usize::try_from(max_concurrent).unwrap_or(usize::MAX),
                rate_limit_per_minute: self.rate_limit_per_minute,
                notify_rate_limit_per_minute: self.notify_rate_limit_per_minute,
                ..LimitSettings::default()
            },
        })
    }
}

/// The sandbox's base URL: http(s) on a loopback host (the sandbox is not a payment gateway and
/// its merchant is public), without its trailing slash.
fn check_sandbox_base(url: &str) -> Result<String, ConfigError> {
    match check_url("SANDBOX_URL", url) {
        Ok(base) if is_loopback_url(&base) => Ok(base),
        _ => Err(ConfigError::SandboxUrl(redacted(url))),
    }
}

/// `scheme://host[:port]` of a URL (RFC 6454 serialisation, as browsers send it in `Origin`).
pub fn origin_of(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    format!("{scheme}://{authority}")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;
