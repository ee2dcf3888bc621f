//! payment-server: the merchant's Payline payment service.
//!
//! ```text
//!  browser (card-capture module)          payment-server                     Payline / sandbox
//!  ─────────────────────────────          ──────────────                     ─────────────────
//!  shop backend ── POST /api/checkout-sessions ─▶ session (amount fixed)
//!  module ◀── {clientSecret, tokenizer{data}} ──
//!  module ── card ─────────────────────────────────────────────────────────▶ getToken servlet
//!  module ── POST …/pay {tokenData} ──▶ decrypt blob, check attempt ── verifyEnrollment ─▶
//!                                     3-D Secure (method, challenge) ─ verifyAuthentication ─▶
//!                                     doAuthorization (cardBrand, cardholder) ──────────────▶
//!  module ◀── {status} ───────────────  every transition stored before it is answered
//!  shop backend ── capture/cancel/refund/reauthorize (Idempotency-Key) ──▶ doCapture/doReset/…
//!  shop ◀── signed webhook events, retried until acknowledged
//! ```
//!
//! State lives in SQLite (default) or PostgreSQL ([`store`]); several instances may share one
//! PostgreSQL database. [`app`] builds the router; `main.rs` only reads the configuration,
//! binds and serves.
//!
//! The exchanges that comments name ("checkout-session contract", "pay contract", "status
//! contract", "return-page contract", …) are described in `docs/interfaces.md` at the root of
//! the repository.

pub mod background;
pub mod backoffice;
pub mod checkout;
pub mod client_ip;
pub mod config;
pub mod error;
pub mod formats;
pub mod gateway;
pub mod hosted;
pub mod http;
pub mod idempotency;
pub mod ids;
pub mod limits;
pub mod machine;
pub mod metrics;
pub mod model;
pub mod openapi;
pub mod payments;
pub mod repo;
pub mod routes;
pub mod schedules;
pub mod seal;
pub mod security;
pub mod sessions;
pub mod state;
pub mod store;
pub mod wallets;
pub mod webhook;

use axum::Router;
use axum::extract::DefaultBodyLimit;

pub use state::AppState;

/// Largest request body accepted (the biggest legitimate one is a 3-D Secure CRes/PaRes form).
pub const BODY_LIMIT: usize = 64 * 1024;

/// The whole HTTP surface, ready to serve.
pub fn app(state: AppState) -> Router {
    let guards = limits::Guards::new(&state.settings().limits);
    let browser_limit =
        || axum::middleware::from_fn_with_state(guards.browser_limit(&state), limits::rate_limit);
    // Browser-facing routes get CORS for the allowed origins and the per-client rate limit. The
    // limit sits inside CORS so that a 429 still carries the CORS headers the page needs to read
    // it, and preflights (answered by the CORS layer) cost no token.
    let browser = routes::sessions::router()
        .merge(routes::pay::router())
        .merge(routes::demo::router())
        .route_layer(browser_limit())
        .layer(axum::middleware::from_fn_with_state(
            security::Cors::new(&state.settings().allowed_origins),
            security::cors,
        ));
    // The ACS posts to /3ds/* through the buyer's browser, without credentials.
    let threeds = routes::threeds::router().route_layer(browser_limit());
    // The hosted payment page sends the buyer back through their browser, without credentials.
    let hosted = routes::hosted::router().route_layer(browser_limit());
    // Payline's notification URL is open to anyone, and each hit costs a gateway call.
    let notify = routes::notify::router().route_layer(axum::middleware::from_fn_with_state(
        guards.notify_limit(&state),
        limits::rate_limit,
    ));
    // Everything but the operations endpoints is subject to load shedding, so that an
    // overloaded instance can still be probed and scraped.
    let guarded = Router::new()
        .merge(browser)
        .merge(threeds)
        .merge(hosted)
        .merge(routes::payments::router())
        .merge(routes::customers::router())
        .merge(routes::schedules::router())
        .merge(notify)
        .fallback(routes::assets::serve)
        .layer(axum::middleware::from_fn_with_state(
            guards.permits(),
            limits::shed_load,
        ));
    let router = Router::new()
        .merge(routes::ops::router())
        .merge(guarded)
        // Layers wrap from the inside out: the body limit applies before any extractor runs;
        // the timeout wraps load shedding, so a request that timed out keeps its slot until its
        // handler ends; the metrics and security-header layers see every answer, refusals
        // included. The timeout stays a middleware of ours: tower-http's TimeoutLayer drops
        // (cancels) the handler's future, which must not happen to a payment between two of its
        // steps (see `limits`).
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            guards.timeout(),
            limits::request_timeout,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::track_requests,
        ));
    security::with_security_headers(router, &state).with_state(state)
}
