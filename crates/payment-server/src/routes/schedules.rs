//! Schedules for the shop backend (schedules contract): `GET /api/schedules/{id}`,
//! `GET /api/schedules?customerId=`, `DELETE /api/schedules/{id}`, `PATCH /api/schedules/{id}`.
//! All need the admin token.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::Value;

use crate::error::{AppError, JsonBody, Result};
use crate::schedules;
use crate::security::require_admin;
use crate::state::AppState;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/schedules", get(list))
        .route("/api/schedules/{id}", get(one).delete(cancel).patch(change))
}

async fn one(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>> {
    require_admin(&state, &headers)?;
    let s = schedules::load(&state, &id)
        .await?
        .ok_or(AppError::NotFound("schedule"))?;
    Ok(Json(schedules::view(&state, &s).await?))
}

async fn list(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Json<Value>> {
    require_admin(&state, &headers)?;
    let customer = q
        .get("customerId")
        .ok_or_else(|| AppError::invalid("invalid_query", "customerId is required"))?;
    let customer = crate::wallets::parse_customer_id(customer)?;
    let mut out = Vec::new();
    for s in schedules::of_customer(&state, &customer).await? {
        out.push(schedules::view(&state, &s).await?);
    }
    Ok(Json(Value::Array(out)))
}

async fn cancel(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>> {
    require_admin(&state, &headers)?;
    let s = schedules::cancel(&state, &id).await?;
    Ok(Json(schedules::view(&state, &s).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ChangeBody {
    amount: Option<Value>,
    next_date: Option<String>,
}

async fn change(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(b): JsonBody<ChangeBody>,
) -> Result<Json<Value>> {
    require_admin(&state, &headers)?;
    if b.amount.is_none() && b.next_date.is_none() {
        return Err(AppError::invalid(
            "invalid_body",
            "give amount and/or nextDate",
        ));
    }
    let amount = b
        .amount
        .as_ref()
        .map(crate::sessions::parse_amount)
        .transpose()?;
    let today = schedules::date_of(state.now_ms());
    let next_date = match &b.next_date {
        None => None,
        Some(d) => {
            let d = schedules::parse_iso(d).ok_or_else(|| {
                AppError::invalid("invalid_schedule", "nextDate must be a date YYYY-MM-DD")
            })?;
            if d <= today {
                return Err(AppError::invalid(
                    "invalid_schedule",
                    "nextDate must be after today",
                ));
            }
            Some(d)
        }
    };
    let s = schedules::change(&state, &id, amount, next_date).await?;
    Ok(Json(schedules::view(&state, &s).await?))
}
