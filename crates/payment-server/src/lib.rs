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

pub mod config;
pub mod error;
pub mod background;
pub mod backoffice;
pub mod checkout;
pub mod client_ip;
pub mod gateway;
pub mod http;
pub mod ids;
pub mod idempotency;
pub mod machine;
pub mod metrics;
pub mod model;
pub mod openapi;
pub mod payments;
pub mod repo;
pub mod routes;
pub mod seal;
pub mod security;
pub mod sessions;
pub mod state;
pub mod store;
pub mod webhook;

use axum::Router;
use axum::extract::DefaultBodyLimit;

pub use state::AppState;

/// Largest request body accepted (the biggest legitimate one is a 3-D Secure CRes/PaRes form).
pub const BODY_LIMIT: usize = 64 * 1024;

/// The whole HTTP surface, ready to serve.
pub fn app(state: AppState) -> Router {
    // Browser-facing routes get CORS for the allowed origins; the rest is for the shop backend,
    // the gateway and operators.
    let browser = routes::sessions::router()
        .merge(routes::pay::router())
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::cors));
    Router::new()
        .merge(browser)
        .merge(routes::ops::router())
        .merge(routes::threeds::router())
        .merge(routes::payments::router())
        .merge(routes::notify::router())
        .fallback(routes::assets::serve)
        // Layers wrap from the inside out: the body limit applies before any extractor runs,
        // and the headers/metrics layer sees every answer, errors included.
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::headers_and_metrics))
        .with_state(state)
}
