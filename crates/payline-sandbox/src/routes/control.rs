//! Sandbox control for tests and demos (sandbox-control contract): the clock and the ledger.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::auth::{authenticate, unauthorized};
use crate::error::Result;
use crate::state::Sandbox;
use crate::store::ledger;

#[derive(Serialize)]
struct ClockView {
    #[serde(with = "time::serde::rfc3339")]
    now: OffsetDateTime,
    offset_seconds: i64,
}

async fn clock_view(sandbox: &Sandbox) -> Result<Response> {
    let now = sandbox.clock().now().await?;
    let offset_seconds = sandbox.clock().offset().await?;
    Ok(Json(ClockView {
        now,
        offset_seconds,
    })
    .into_response())
}

/// `GET /sandbox/clock` → `{"now": "<RFC 3339>", "offset_seconds": N}`.
pub(super) async fn get_clock(
    State(sandbox): State<Sandbox>,
    headers: HeaderMap,
) -> Result<Response> {
    if authenticate(&headers, sandbox.config()).is_none() {
        return Ok(unauthorized());
    }
    clock_view(&sandbox).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    advance_seconds: i64,
}

fn bad_request(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(serde_json::json!({ "error": { "code": "bad_request", "message": message } })),
    )
        .into_response()
}

/// `POST /sandbox/clock {"advance_seconds": N}`: moves the clock forward (N ≥ 0) and returns
/// once every date-driven change that fell due (due dates of payment records, deferred
/// captures of DIF authorizations, settlement, expiry) has been applied.
pub(super) async fn advance_clock(
    State(sandbox): State<Sandbox>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    if authenticate(&headers, sandbox.config()).is_none() {
        return Ok(unauthorized());
    }
    let Ok(advance) = serde_json::from_slice::<Advance>(&body) else {
        return Ok(bad_request("expected {\"advance_seconds\": N}"));
    };
    if advance.advance_seconds < 0 {
        return Ok(bad_request(
            "advance_seconds must be >= 0: the sandbox clock only moves forward",
        ));
    }
    {
        let _guard = sandbox.lock().await;
        sandbox.clock().advance(advance.advance_seconds).await?;
        let now = sandbox.clock().now().await?;
        // Every due date and deferred capture that fell due, in date order, each in its own
        // transaction.
        crate::worker::scheduler::run_due(&sandbox, now).await?;
        let mut conn = sandbox.pool().acquire().await?;
        ledger::sweep(&mut conn, now).await?;
    }
    // Notifications are sent in the background: the clock never waits on a receiver.
    sandbox.wake();
    clock_view(&sandbox).await
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LedgerQuery {
    order_ref: Option<String>,
}

/// `GET /sandbox/transactions?orderRef=…` → the merchant's ledger entries for the order
/// reference (never a card number or CVV). A DIF authorization also carries
/// `differedActionDate` and `deferredCapture` (status, reason, due instant, capture id).
pub(crate) async fn transactions(
    State(sandbox): State<Sandbox>,
    headers: HeaderMap,
    Query(q): Query<LedgerQuery>,
) -> Result<Response> {
    let Some(merchant) = authenticate(&headers, sandbox.config()) else {
        return Ok(unauthorized());
    };
    let Some(order_ref) = q.order_ref.filter(|r| !r.is_empty()) else {
        return Ok(bad_request("orderRef is required"));
    };
    let _guard = sandbox.lock().await;
    let now = sandbox.clock().now().await?;
    let mut conn = sandbox.pool().acquire().await?;
    ledger::sweep(&mut conn, now).await?;
    let entries = ledger::by_order_ref(&mut conn, &merchant.id, &order_ref).await?;
    let mut out = Vec::with_capacity(entries.len());
    for e in entries {
        let date = ledger::deferred::date_of(&mut conn, &e.id).await?;
        let plan = ledger::deferred::get(&mut conn, &e.id).await?;
        let mut v = serde_json::to_value(&e)
            .map_err(|_| crate::error::SandboxError::Bug("ledger entry to JSON"))?;
        if let (Some(obj), Some(d)) = (v.as_object_mut(), date) {
            obj.insert(
                "differedActionDate".to_owned(),
                ledger::deferred::iso(d).into(),
            );
            let plan = serde_json::to_value(&plan)
                .map_err(|_| crate::error::SandboxError::Bug("deferred capture to JSON"))?;
            obj.insert("deferredCapture".to_owned(), plan);
        }
        out.push(v);
    }
    Ok(Json(out).into_response())
}

#[derive(Deserialize)]
pub(crate) struct NotificationQuery {
    id: Option<i64>,
}

/// `GET /sandbox/notifications[?id=N]` → the merchant's notifications with every attempt.
pub(crate) async fn notifications(
    State(sandbox): State<Sandbox>,
    headers: HeaderMap,
    Query(q): Query<NotificationQuery>,
) -> Result<Response> {
    let Some(merchant) = authenticate(&headers, sandbox.config()) else {
        return Ok(unauthorized());
    };
    let mut conn = sandbox.pool().acquire().await?;
    Ok(Json(crate::store::outbox::list(&mut conn, &merchant.id, q.id).await?).into_response())
}

/// `POST /sandbox/notifications/{id}/resend`: sends the notification again now (a fresh 2-hour
/// retry window); `202` with the notification, `404` when unknown.
pub(crate) async fn resend_notification(
    State(sandbox): State<Sandbox>,
    headers: HeaderMap,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> Result<Response> {
    let Some(merchant) = authenticate(&headers, sandbox.config()) else {
        return Ok(unauthorized());
    };
    let now = sandbox.clock().now().await?;
    let mut conn = sandbox.pool().acquire().await?;
    if !crate::store::outbox::resend(&mut conn, &merchant.id, id, now).await? {
        return Ok((StatusCode::NOT_FOUND, Json(serde_json::json!({ "error": { "code": "not_found", "message": "no such notification" } })))
            .into_response());
    }
    let view = crate::store::outbox::list(&mut conn, &merchant.id, Some(id)).await?;
    drop(conn);
    sandbox.wake();
    Ok((StatusCode::ACCEPTED, Json(view)).into_response())
}
