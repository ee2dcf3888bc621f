//! Guard rails of the HTTP surface, as router layers ([`crate::app`] places them):
//!
//! - **Request timeout** ([`request_timeout`]): every request is answered within
//!   [`REQUEST_TIMEOUT`], at worst with 503 `request_timeout` (RFC 9110 section 15.6.4). The
//!   handler is not cancelled: it runs on in its own task, so a payment is never cut between two
//!   of its steps (its state stays consistent, and the buyer's retry with the same idempotency
//!   key finds the outcome). A client that disconnects does not cancel it either.
//! - **Load shedding** ([`shed_load`]): at most `MAX_CONCURRENT_REQUESTS` requests run at once;
//!   one more is refused at once with 503 `overloaded` and `Retry-After` (RFC 9110 sections
//!   15.6.4 and 10.2.3) instead of waiting in an unbounded queue, where it would only time out
//!   later while holding a connection. A request that timed out keeps its slot until its
//!   handler ends, since it still uses the database and the gateway. `/healthz` and `/metrics`
//!   are not counted, so that an overloaded instance can still be observed.
//! - **Per-client rate limit** ([`rate_limit`]): a token bucket per client IP ([`RateLimiter`])
//!   on the browser-facing routes and on `GET /payline/notify`, which is unauthenticated and
//!   costs a gateway call per hit. Over the limit: 429 `rate_limited` with `Retry-After`
//!   (RFC 6585 section 4). The client IP is [`crate::client_ip`]'s (`TRUSTED_PROXIES`), so a
//!   forged `X-Forwarded-For` buys no fresh bucket. Requests bearing `ADMIN_TOKEN` are the shop
//!   backend, which creates every buyer's session from a handful of addresses: they are never
//!   limited per IP.
//!
//! Every refusal has the API's error shape, `{"error": {"code", "message"}}` ([`crate::error`]).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tokio::sync::Semaphore;

use crate::config::LimitSettings;
use crate::state::AppState;

// The timeouts and the defaults of the settings live with the settings (crate::config).
pub use crate::config::{
    DEFAULT_MAX_CONCURRENT_REQUESTS, DEFAULT_NOTIFY_RATE_LIMIT_PER_MINUTE,
    DEFAULT_RATE_LIMIT_PER_MINUTE, MAX_CONCURRENT_REQUESTS_CEILING, MODULE_REQUEST_TIMEOUT,
    REQUEST_TIMEOUT,
};

/// Clients tracked at most by one limiter (about 100 bytes each): past it, new clients are let
/// through untracked rather than refused, so that a flood from many addresses cannot lock
/// buyers out; the concurrency limit still bounds the load.
pub const MAX_TRACKED_CLIENTS: usize = 100_000;

/// `Retry-After` of a 503 `overloaded`, seconds.
const OVERLOADED_RETRY_AFTER_SECS: u64 = 1;

/// A refusal by one of the guard rails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// 429 `rate_limited`: this client sent too many requests; retry after this many seconds.
    RateLimited {
        /// `Retry-After`, seconds.
        retry_after_secs: u64,
    },
    /// 503 `overloaded`: the server is at its concurrency limit.
    Overloaded,
    /// 503 `request_timeout`: the request took longer than [`REQUEST_TIMEOUT`].
    RequestTimeout,
}

impl Refusal {
    /// HTTP status.
    pub fn status(self) -> StatusCode {
        match self {
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Overloaded | Self::RequestTimeout => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// Stable machine-readable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::RateLimited { .. } => "rate_limited",
            Self::Overloaded => "overloaded",
            Self::RequestTimeout => "request_timeout",
        }
    }

    fn message(self) -> &'static str {
        match self {
            Self::RateLimited { .. } => "too many requests from this address, retry later",
            Self::Overloaded => "the server is busy, retry shortly",
            Self::RequestTimeout => {
                "the request took too long; an operation with an idempotency key may be retried \
                 with the same key to learn its outcome"
            }
        }
    }

    fn retry_after_secs(self) -> Option<u64> {
        match self {
            Self::RateLimited { retry_after_secs } => Some(retry_after_secs),
            Self::Overloaded => Some(OVERLOADED_RETRY_AFTER_SECS),
            Self::RequestTimeout => None,
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let body = json!({ "error": { "code": self.code(), "message": self.message() } });
        let mut res = (self.status(), axum::Json(body)).into_response();
        if let Some(secs) = self.retry_after_secs() {
            // RFC 9110 section 10.2.3: delay-seconds.
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

/// The shared state of the guard layers of one router.
#[derive(Debug, Clone)]
pub struct Guards {
    timeout: Duration,
    permits: Arc<Semaphore>,
    browser: Option<Arc<RateLimiter>>,
    notify: Option<Arc<RateLimiter>>,
}

impl Guards {
    /// Guards for these settings (a rate of 0 turns that limit off).
    pub fn new(settings: &LimitSettings) -> Self {
        let limiter = |per_minute: u32| {
            (per_minute > 0).then(|| Arc::new(RateLimiter::new(per_minute, MAX_TRACKED_CLIENTS)))
        };
        Self {
            timeout: settings.request_timeout,
            permits: Arc::new(Semaphore::new(
                settings
                    .max_concurrent_requests
                    .clamp(1, Semaphore::MAX_PERMITS),
            )),
            browser: limiter(settings.rate_limit_per_minute),
            notify: limiter(settings.notify_rate_limit_per_minute),
        }
    }

    /// State of the [`request_timeout`] layer.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// State of the [`shed_load`] layer.
    pub fn permits(&self) -> Arc<Semaphore> {
        self.permits.clone()
    }

    /// State of the [`rate_limit`] layer of the browser-facing routes.
    pub fn browser_limit(&self, state: &AppState) -> ClientLimit {
        ClientLimit {
            state: state.clone(),
            limiter: self.browser.clone(),
        }
    }

    /// State of the [`rate_limit`] layer of `GET /payline/notify`.
    pub fn notify_limit(&self, state: &AppState) -> ClientLimit {
        ClientLimit {
            state: state.clone(),
            limiter: self.notify.clone(),
        }
    }
}

/// State of one [`rate_limit`] layer: the limiter (`None`: off) and the settings it reads
/// (`TRUSTED_PROXIES`, `ADMIN_TOKEN`).
#[derive(Debug, Clone)]
pub struct ClientLimit {
    state: AppState,
    limiter: Option<Arc<RateLimiter>>,
}

/// Answers 503 `request_timeout` when the rest of the stack takes longer than the timeout. The
/// handler runs in its own task and is left to finish (see the module docs).
pub async fn request_timeout(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned());
    let mut task = tokio::spawn(next.run(req));
    match tokio::time::timeout(limit, &mut task).await {
        Ok(Ok(res)) => res,
        Ok(Err(e)) => {
            // A panicking handler: the payload may hold request data, so only the route is logged.
            tracing::error!(
                route = route.as_deref().unwrap_or("unmatched"),
                panicked = e.is_panic(),
                "handler failed"
            );
            crate::error::AppError::Internal("handler failed".to_owned()).into_response()
        }
        Err(_) => {
            tracing::warn!(
                route = route.as_deref().unwrap_or("unmatched"),
                timeout_ms = u64::try_from(limit.as_millis()).unwrap_or(u64::MAX),
                "request timed out; its handler runs on to completion"
            );
            Refusal::RequestTimeout.into_response()
        }
    }
}

/// Refuses the request with 503 `overloaded` when every slot is taken; otherwise holds a slot
/// until the inner service has answered.
pub async fn shed_load(
    State(permits): State<Arc<Semaphore>>,
    req: Request,
    next: Next,
) -> Response {
    let Ok(_slot) = permits.try_acquire() else {
        return Refusal::Overloaded.into_response();
    };
    next.run(req).await
}

/// Counts the request against its client's bucket; 429 `rate_limited` when it is empty.
pub async fn rate_limit(State(limit): State<ClientLimit>, req: Request, next: Next) -> Response {
    let Some(limiter) = &limit.limiter else {
        return next.run(req).await;
    };
    if crate::security::is_admin(&limit.state, req.headers()) {
        return next.run(req).await;
    }
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let client = peer.map(|peer| {
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok());
        // A malformed header from a trusted proxy names nobody: the request then counts
        // against the proxy itself, never against a fresh bucket.
        crate::client_ip::client_ip(peer, forwarded, &limit.state.settings().trusted_proxies)
            .unwrap_or(peer)
    });
    match limiter.check(client, Instant::now()) {
        Ok(()) => next.run(req).await,
        Err(wait) => Refusal::RateLimited {
            retry_after_secs: wait.as_secs().max(1),
        }
        .into_response(),
    }
}

/// What a bucket is keyed by: an IPv4 address, or the /64 prefix of an IPv6 one (an end site
/// usually gets a whole /64 or more, RFC 6177, so one client could otherwise use 2^64 buckets).
/// `None`: the peer address is unknown (a router served without connect info); all such
/// requests share one bucket.
type ClientKey = Option<IpAddr>;

fn key_of(ip: Option<IpAddr>) -> ClientKey {
    ip.map(|ip| match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let prefix = u128::from(v6) & !((1_u128 << 64) - 1);
                IpAddr::V6(Ipv6Addr::from(prefix))
            }
        },
        v4 => v4,
    })
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

#[derive(Debug)]
struct Table {
    buckets: HashMap<ClientKey, Bucket>,
    last_sweep: Instant,
    /// Whether the table has been full since the last sweep (logged once per sweep).
    warned_full: bool,
}

/// Token buckets per client, in this process (each instance of the server limits on its own).
///
/// A bucket holds up to `per_minute` tokens, refills at `per_minute` per minute, and each
/// request takes one: a client may send a burst of `per_minute` requests, then `per_minute`
/// per minute. A bucket untouched for a minute is full again, the same as no bucket, so such
/// buckets are dropped (every minute, and when the table reaches its size limit): memory is
/// bounded by the clients seen in the last minute, and at most `max_clients`.
#[derive(Debug)]
pub struct RateLimiter {
    capacity: f64,
    per_sec: f64,
    max_clients: usize,
    table: Mutex<Table>,
}

/// A bucket idle this long is full again (capacity / refill rate = one minute).
const IDLE: Duration = Duration::from_secs(60);

/// Smallest time between two sweeps triggered by a full table, so that a full table does not
/// make every new client pay for a scan.
const FULL_SWEEP_GAP: Duration = Duration::from_secs(1);

impl RateLimiter {
    /// A limiter of `per_minute` requests per client (at least 1), tracking at most
    /// `max_clients` clients.
    pub fn new(per_minute: u32, max_clients: usize) -> Self {
        let capacity = f64::from(per_minute.max(1));
        Self {
            capacity,
            per_sec: capacity / 60.0,
            max_clients,
            table: Mutex::new(Table {
                buckets: HashMap::new(),
                last_sweep: Instant::now(),
                warned_full: false,
            }),
        }
    }

    /// Takes one token of `client`'s bucket at `now`; `Err(wait)` when it is empty, with the
    /// time until a token is back.
    pub fn check(&self, client: Option<IpAddr>, now: Instant) -> Result<(), Duration> {
        let key = key_of(client);
        let mut guard = match self.table.lock() {
            Ok(t) => t,
            // A panic while holding the lock leaves plain numbers, still usable.
            Err(poisoned) => poisoned.into_inner(),
        };
        let table = &mut *guard;
        let since_sweep = now.saturating_duration_since(table.last_sweep);
        let known = table.buckets.contains_key(&key);
        let full = table.buckets.len() >= self.max_clients;
        if since_sweep >= IDLE || (full && !known && since_sweep >= FULL_SWEEP_GAP) {
            table
                .buckets
                .retain(|_, b| now.saturating_duration_since(b.updated) < IDLE);
            table.last_sweep = now;
            table.warned_full = false;
        }
        if !table.buckets.contains_key(&key) {
            if table.buckets.len() >= self.max_clients {
                if !table.warned_full {
                    table.warned_full = true;
                    tracing::warn!(
                        clients = self.max_clients,
                        "rate limiter table full; new clients pass untracked"
                    );
                }
                return Ok(());
            }
            table.buckets.insert(
                key,
                Bucket {
                    tokens: self.capacity,
                    updated: now,
                },
            );
        }
        let Some(bucket) = table.buckets.get_mut(&key) else {
            return Ok(());
        };
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.per_sec).min(self.capacity);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let secs = ((1.0 - bucket.tokens) / self.per_sec).ceil();
            Err(Duration::from_secs_f64(secs.clamp(1.0, IDLE.as_secs_f64())))
        }
    }

    /// Clients tracked now.
    pub fn tracked(&self) -> usize {
        match self.table.lock() {
            Ok(t) => t.buckets.len(),
            Err(poisoned) => poisoned.into_inner().buckets.len(),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn burst_then_refill_at_the_configured_rate() {
        let l = RateLimiter::new(60, 10);
        let t0 = Instant::now();
        for _ in 0..60 {
            assert_eq!(l.check(ip("203.0.113.1"), t0), Ok(()));
        }
        // Empty: one token per second comes back.
        assert_eq!(l.check(ip("203.0.113.1"), t0), Err(Duration::from_secs(1)));
        assert_eq!(
            l.check(ip("203.0.113.1"), t0 + Duration::from_millis(1_000)),
            Ok(())
        );
        assert!(
            l.check(ip("203.0.113.1"), t0 + Duration::from_millis(1_100))
                .is_err()
        );
        // Another client has its own bucket.
        assert_eq!(l.check(ip("203.0.113.2"), t0), Ok(()));
    }

    #[test]
    fn retry_after_is_the_time_to_the_next_token() {
        let l = RateLimiter::new(2, 10);
        let t0 = Instant::now();
        assert!(l.check(ip("198.51.100.1"), t0).is_ok());
        assert!(l.check(ip("198.51.100.1"), t0).is_ok());
        // Two per minute: the next token is 30 s away.
        assert_eq!(
            l.check(ip("198.51.100.1"), t0),
            Err(Duration::from_secs(30))
        );
    }

    #[test]
    fn ipv6_clients_are_counted_per_64_prefix_and_mapped_ipv4_as_ipv4() {
        let l = RateLimiter::new(1, 10);
        let t0 = Instant::now();
        assert!(l.check(ip("2001:db8:1:2::1"), t0).is_ok());
        assert!(l.check(ip("2001:db8:1:2:ffff::9"), t0).is_err());
        assert!(l.check(ip("2001:db8:1:3::1"), t0).is_ok());
        assert!(l.check(ip("192.0.2.1"), t0).is_ok());
        assert!(l.check(ip("::ffff:192.0.2.1"), t0).is_err());
    }

    #[test]
    fn idle_buckets_are_dropped_and_the_table_is_bounded() {
        let l = RateLimiter::new(10, 3);
        let t0 = Instant::now();
        for i in 1..=3 {
            assert!(l.check(ip(&format!("192.0.2.{i}")), t0).is_ok());
        }
        assert_eq!(l.tracked(), 3);
        // Full: a fourth client passes, untracked.
        assert!(l.check(ip("192.0.2.4"), t0).is_ok());
        assert_eq!(l.tracked(), 3);
        // A minute later the idle buckets are gone.
        let later = t0 + IDLE;
        assert!(l.check(ip("192.0.2.9"), later).is_ok());
        assert_eq!(l.tracked(), 1);
    }

    #[test]
    fn refusals_have_the_api_error_shape() {
        for (r, status, code, retry) in [
            (
                Refusal::RateLimited {
                    retry_after_secs: 7,
                },
                429,
                "rate_limited",
                Some("7"),
            ),
            (Refusal::Overloaded, 503, "overloaded", Some("1")),
            (Refusal::RequestTimeout, 503, "request_timeout", None),
        ] {
            let res = r.into_response();
            assert_eq!(res.status().as_u16(), status);
            assert_eq!(
                res.headers()
                    .get(header::RETRY_AFTER)
                    .map(|v| v.to_str().unwrap()),
                retry
            );
            assert_eq!(r.code(), code);
        }
    }
}
