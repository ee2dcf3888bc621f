//! Outage rehearsal: the endpoint directory and the fault controls.
//!
//! `GET /services/servicesendpoints/SOAP/{merchantId}` is the endpoint directory of Payline's
//! PHP SDK 4.x (`{"urls": [...], "ttl": N}`, each url followed by `/services/<API>`); like
//! Payline's, it takes no credentials. `POST|GET|DELETE /sandbox/faults` (Basic auth of a
//! sandbox merchant, as every `/sandbox/*` route) add, list and clear faults.

use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use payline_protocol::Operation;
use serde::Deserialize;

use crate::auth::{authenticate, unauthorized};
use crate::faults::{DEFAULT_HOLD, FaultMode};
use crate::state::Sandbox;

/// Longest hold a `timeout_*` fault accepts (the sandbox's request time limit cuts it anyway).
const MAX_HOLD_MS: u64 = 120_000;

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(serde_json::json!({ "error": { "code": code, "message": message } })),
    )
        .into_response()
}

/// The endpoints the directory lists: those being served, or the one this request came to.
fn endpoint_urls(sandbox: &Sandbox, headers: &HeaderMap) -> Vec<String> {
    let urls = sandbox.endpoint_urls();
    if !urls.is_empty() {
        return urls;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1:8081");
    vec![format!("http://{host}/V4")]
}

#[derive(Deserialize)]
pub(crate) struct DirectoryQuery {
    hop: Option<u8>,
}

/// `GET /services/servicesendpoints/SOAP/{merchantId}` → `{"urls": [...], "ttl": N}`; 404 for
/// a merchant the sandbox does not know.
pub(crate) async fn directory(
    State(sandbox): State<Sandbox>,
    Path(merchant_id): Path<String>,
    Query(q): Query<DirectoryQuery>,
    headers: HeaderMap,
) -> Response {
    if sandbox.config().merchant(&merchant_id).is_none() {
        return StatusCode::NOT_FOUND.into_response();
    }
    let fault = sandbox.faults().directory_read();
    let urls = endpoint_urls(&sandbox, &headers);
    let ttl = sandbox.config().directory_ttl_secs;
    match fault {
        Some(FaultMode::DirectoryNotFound) => StatusCode::NOT_FOUND.into_response(),
        Some(FaultMode::DirectoryMalformed) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            "{\"urls\": \"not a list\"",
        )
            .into_response(),
        Some(FaultMode::DirectoryEmpty) => {
            Json(serde_json::json!({ "urls": [], "ttl": ttl })).into_response()
        }
        // A redirect to the same directory, which answers normally on the second hop: a client
        // that followed it would get a usable list (and a second read would be counted).
        Some(FaultMode::DirectoryRedirect) if q.hop.is_none() => (
            StatusCode::FOUND,
            [(
                header::LOCATION,
                format!("/services/servicesendpoints/SOAP/{merchant_id}?hop=1"),
            )],
        )
            .into_response(),
        _ => Json(serde_json::json!({ "urls": urls, "ttl": ttl })).into_response(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewFault {
    endpoint: Option<usize>,
    operation: Option<String>,
    mode: String,
    count: Option<u64>,
    hold_ms: Option<u64>,
}

/// `POST /sandbox/faults {endpoint?, operation?, mode, count?, hold_ms?}` → 201 with the fault.
///
/// Errors (400): `bad_request` (not that JSON), `unknown_mode`, `unknown_operation`,
/// `unknown_endpoint` (no endpoint with that index), `bad_count` (0), `bad_hold`.
pub(crate) async fn add(
    State(sandbox): State<Sandbox>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if authenticate(&headers, sandbox.config()).is_none() {
        return unauthorized();
    }
    let Ok(new) = serde_json::from_slice::<NewFault>(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "expected {\"mode\": …, \"endpoint\"?: N, \"operation\"?: \"doAuthorization\", \"count\"?: N, \"hold_ms\"?: N}",
        );
    };
    let Ok(mode) = serde_json::from_value::<FaultMode>(serde_json::Value::String(new.mode)) else {
        return error(
            StatusCode::BAD_REQUEST,
            "unknown_mode",
            "mode must be one of http_503, http_500_after_processing, timeout_before_processing, \
             timeout_after_processing, reset_after_processing, result_04901, result_02101, \
             directory_not_found, directory_malformed, directory_empty, directory_redirect",
        );
    };
    if let Some(op) = &new.operation
        && Operation::from_name(op).is_none()
    {
        return error(
            StatusCode::BAD_REQUEST,
            "unknown_operation",
            "operation must be a Payline SOAP operation name, e.g. doAuthorization",
        );
    }
    let endpoints = endpoint_urls(&sandbox, &headers).len();
    if new.endpoint.is_some_and(|e| e >= endpoints) {
        return error(
            StatusCode::BAD_REQUEST,
            "unknown_endpoint",
            "endpoint is the 0-based index of an endpoint listed by the directory",
        );
    }
    if new.count == Some(0) {
        return error(
            StatusCode::BAD_REQUEST,
            "bad_count",
            "count must be at least 1 (absent: unlimited)",
        );
    }
    let hold = match new.hold_ms {
        None => DEFAULT_HOLD,
        Some(ms) if ms <= MAX_HOLD_MS => Duration::from_millis(ms),
        Some(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "bad_hold",
                "hold_ms must be at most 120000",
            );
        }
    };
    let fault = sandbox
        .faults()
        .add(new.endpoint, new.operation, mode, new.count, hold);
    (StatusCode::CREATED, Json(fault)).into_response()
}

/// `GET /sandbox/faults` → the faults with their hits, the `x-failover-*` headers seen and the
/// number of directory reads.
pub(crate) async fn list(State(sandbox): State<Sandbox>, headers: HeaderMap) -> Response {
    if authenticate(&headers, sandbox.config()).is_none() {
        return unauthorized();
    }
    let mut view = serde_json::to_value(sandbox.faults().view()).unwrap_or_default();
    if let Some(obj) = view.as_object_mut() {
        obj.insert(
            "endpoints".to_owned(),
            endpoint_urls(&sandbox, &headers).into(),
        );
    }
    Json(view).into_response()
}

/// `DELETE /sandbox/faults` → 204: every fault removed, headers and reads forgotten.
pub(crate) async fn clear(State(sandbox): State<Sandbox>, headers: HeaderMap) -> Response {
    if authenticate(&headers, sandbox.config()).is_none() {
        return unauthorized();
    }
    sandbox.faults().clear();
    StatusCode::NO_CONTENT.into_response()
}
