//! HTTP routes, one module per resource.

mod acs;
mod control;
mod form;
mod limits;
mod outage;
mod soap;
mod tokenizer;
mod webpayment;

pub use limits::{MAX_BODY_BYTES, REQUEST_TIMEOUT};

use axum::Router;
use axum::routing::{get, post};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::state::Sandbox;

/// All routes of the sandbox.
pub(crate) fn router(sandbox: Sandbox) -> Router {
    Router::new()
        // Payline accepts `/V4/services/<API>` and the fail-over form `/services/<API>`
        // (PHP SDK endpoint directory).
        .route("/V4/services/{api}", post(soap::handle))
        .route("/services/{api}", post(soap::handle))
        .route(
            "/services/servicesendpoints/SOAP/{merchant_id}",
            get(outage::directory),
        )
        .route(
            "/sandbox/faults",
            get(outage::list).post(outage::add).delete(outage::clear),
        )
        .route(
            "/webpayment/getToken",
            post(tokenizer::get_token).options(tokenizer::preflight),
        )
        .route(
            "/sandbox/clock",
            get(control::get_clock).post(control::advance_clock),
        )
        .route("/sandbox/transactions", get(control::transactions))
        .route("/sandbox/notifications", get(control::notifications))
        .route(
            "/sandbox/notifications/{id}/resend",
            post(control::resend_notification),
        )
        .merge(acs::routes())
        .merge(webpayment::routes())
        .with_state(sandbox)
        // The SOAP handler reads its body with its own limit so that an oversized envelope gets a
        // SOAP Fault; this outer limit (a little larger) protects every other route.
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES * 2))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
}
