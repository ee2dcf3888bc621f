//! The demo shop's back office (`www/backoffice.html`), sandbox only (`--sandbox`; 404
//! otherwise, like `POST /api/demo/checkout-sessions`): `GET /api/demo/payments`,
//! `GET /api/demo/payments/{id}`, `POST /api/demo/payments/{id}/{capture,cancel,refund}`,
//! `GET /api/demo/customers`, `GET /api/demo/customers/{id}/cards`,
//! `DELETE /api/demo/customers/{id}/cards/{card}`, `GET /api/demo/customers/{id}/schedules`,
//! `DELETE /api/demo/schedules/{id}`.
//!
//! The shop-backend API behind them needs `ADMIN_TOKEN`, which a web page must never hold; in
//! sandbox mode nothing real is at stake, so these routes skip the token and call the very same
//! functions as the admin routes (same answers, same Idempotency-Key rules and scope: a key
//! names one operation whichever route it came through). They sit with the browser-facing
//! routes (`crate::app`): per-client rate limit, and CORS for the allowed origins only. The
//! operations and the card deletion need a preflight from any other origin (a custom
//! `Idempotency-Key` header, `DELETE`), which that CORS layer refuses, so another site open in
//! the same browser cannot drive them.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::backoffice::Kind;
use crate::error::{AppError, Result};
use crate::formats::rfc3339;
use crate::payments::Payment;
use crate::routes::customers::known_customer;
use crate::routes::payments::{body_or_default, detail, run_op};
use crate::schedules;
use crate::state::AppState;
use crate::wallets;

/// How many payments and customers the back office lists (newest first).
const LIST_LIMIT: i64 = 50;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/demo/payments", get(list_payments))
        .route("/api/demo/payments/{id}", get(one_payment))
        .route("/api/demo/payments/{id}/capture", post(capture))
        .route("/api/demo/payments/{id}/cancel", post(cancel))
        .route("/api/demo/payments/{id}/refund", post(refund))
        .route("/api/demo/customers", get(list_customers))
        .route("/api/demo/customers/{id}/cards", get(list_cards))
        .route("/api/demo/customers/{id}/cards/{card}", delete(delete_card))
        .route("/api/demo/customers/{id}/schedules", get(list_schedules))
        .route("/api/demo/schedules/{id}", delete(cancel_schedule))
}

/// Outside sandbox mode these routes do not exist.
fn sandbox_only(state: &AppState) -> Result<()> {
    if state.settings().sandbox {
        Ok(())
    } else {
        Err(AppError::NotFound("route"))
    }
}

/// `{"items": [...]}`: the latest payments as `GET /api/payments` lists them, plus
/// `operationInProgress` (a back-office operation holds the payment: the page offers nothing
/// until it is settled).
async fn list_payments(State(state): State<AppState>) -> Result<Json<Value>> {
    sandbox_only(&state)?;
    let rows = sqlx::query("SELECT * FROM payments ORDER BY created_at DESC, id DESC LIMIT $1")
        .bind(LIST_LIMIT)
        .fetch_all(state.store().pool())
        .await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|r| {
            Payment::from_row(r).map(|p| {
                let mut v = p.admin_json();
                v["operationInProgress"] = json!(p.op_in_flight.is_some());
                v
            })
        })
        .collect::<std::result::Result<_, _>>()?;
    Ok(Json(json!({ "items": items })))
}

async fn one_payment(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>> {
    sandbox_only(&state)?;
    Ok(Json(detail(&state, &id).await?))
}

async fn operation(
    state: AppState,
    id: String,
    headers: HeaderMap,
    kind: Kind,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Value>)> {
    sandbox_only(&state)?;
    let body = body_or_default(body).await?;
    run_op(state, id, &headers, kind, body).await
}

async fn capture(
    State(s): State<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
    b: axum::body::Bytes,
) -> Result<(StatusCode, Json<Value>)> {
    operation(s, id, h, Kind::Capture, b).await
}

async fn cancel(
    State(s): State<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
    b: axum::body::Bytes,
) -> Result<(StatusCode, Json<Value>)> {
    operation(s, id, h, Kind::Cancel, b).await
}

async fn refund(
    State(s): State<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
    b: axum::body::Bytes,
) -> Result<(StatusCode, Json<Value>)> {
    operation(s, id, h, Kind::Refund, b).await
}

/// `{"items": [{id, email, firstName, lastName, createdAt}]}`, newest first.
async fn list_customers(State(state): State<AppState>) -> Result<Json<Value>> {
    sandbox_only(&state)?;
    let items: Vec<Value> = wallets::latest_customers(&state, LIST_LIMIT)
        .await?
        .into_iter()
        .map(|(c, created_at)| {
            json!({
                "id": c.id,
                "email": c.email,
                "firstName": c.first_name,
                "lastName": c.last_name,
                "createdAt": rfc3339(created_at),
            })
        })
        .collect();
    Ok(Json(json!({ "items": items })))
}

/// As `GET /api/customers/{id}/cards`: the customer's usable cards.
async fn list_cards(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>> {
    sandbox_only(&state)?;
    let c = known_customer(&state, &id).await?;
    let now = state.now_ms();
    let cards: Vec<Value> = wallets::active_cards(&state, &c.id)
        .await?
        .iter()
        .map(|card| card.json(now))
        .collect();
    Ok(Json(Value::Array(cards)))
}

/// As `DELETE /api/customers/{id}/cards/{cardId}`.
async fn delete_card(
    State(state): State<AppState>,
    Path((id, card)): Path<(String, String)>,
) -> Result<StatusCode> {
    sandbox_only(&state)?;
    let c = known_customer(&state, &id).await?;
    wallets::delete_card(&state, &c.id, &card).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// As `GET /api/schedules?customerId={id}`: the customer's instalment plans and subscriptions.
async fn list_schedules(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    sandbox_only(&state)?;
    let c = known_customer(&state, &id).await?;
    let mut out = Vec::new();
    for s in schedules::of_customer(&state, &c.id).await? {
        out.push(schedules::view(&state, &s).await?);
    }
    Ok(Json(Value::Array(out)))
}

/// As `DELETE /api/schedules/{id}`: nothing more is billed; cancelling again is a no-op.
async fn cancel_schedule(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    sandbox_only(&state)?;
    let s = schedules::cancel(&state, &id).await?;
    Ok(Json(schedules::view(&state, &s).await?))
}
