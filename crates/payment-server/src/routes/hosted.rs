//! `GET|POST /hosted/return/{id}`: where the gateway's hosted payment page sends the buyer back
//! (its `returnURL` and `cancelURL`, Payline doWebPayment), hosted-page contract.
//!
//! The hit comes through the buyer's browser, so it carries no credentials and nothing in it
//! is trusted: not the query string (Payline adds the page token), not the body. The route only
//! reads the outcome of the session's own stored token from the gateway
//! ([`crate::hosted::settle`]) and then redirects to the session's stored `returnUrl` (checked
//! against `ALLOWED_ORIGINS` again, so that a configuration change never turns an old session
//! into an open redirect). An unknown session gets a 404 page and no redirect.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::state::AppState;
use crate::{checkout, hosted, sessions};

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/hosted/return/{id}", get(back).post(back))
}

fn page(status: StatusCode, text: &'static str) -> Response {
    let body = format!(
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Payment</title></head>\
         <body><p>{text}</p></body></html>"
    );
    let mut r = (status, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

async fn back(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let unknown = || page(StatusCode::NOT_FOUND, "This payment is not known here.");
    let hosted_page = match hosted::load(&state, &id).await {
        Ok(Some(p)) => p,
        Ok(None) => return unknown(),
        Err(e) => {
            tracing::error!(error = %e, "hosted return: storage failure");
            return page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The payment could not be checked; the shop will confirm it.",
            );
        }
    };
    // Gateway or storage trouble leaves the outcome to the notification and the reconciler:
    // the shop's page reads the session's status either way.
    if let Err(e) = hosted::settle(&state, &hosted_page, hosted::Cue::Return).await {
        tracing::warn!(session = %id, error = %e, "hosted return: outcome not read yet");
    }
    let session = match sessions::load(&state, &id).await {
        Ok(Some(s)) => s,
        _ => return unknown(),
    };
    let Some(url) = session
        .return_url
        .as_deref()
        .filter(|u| checkout::on_allowed_origin(&state, u))
    else {
        return page(
            StatusCode::OK,
            "Payment finished. You may return to the shop.",
        );
    };
    let sep = if url.contains('?') { '&' } else { '?' };
    let target = format!("{url}{sep}cardCaptureSession={}", session.id);
    // RFC 9110 §15.4.4: 303 makes the browser GET the shop's page whatever method came in.
    match HeaderValue::from_str(&target) {
        Ok(loc) => {
            let mut r = StatusCode::SEE_OTHER.into_response();
            r.headers_mut().insert(header::LOCATION, loc);
            r.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
        Err(_) => page(
            StatusCode::OK,
            "Payment finished. You may return to the shop.",
        ),
    }
}
