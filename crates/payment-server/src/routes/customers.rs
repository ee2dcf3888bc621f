//! Customers and saved cards, for the shop backend (customers-and-saved-cards contract):
//! `GET /api/customers/{id}/cards`, `DELETE /api/customers/{id}/cards/{cardId}`,
//! `POST /api/customers/{id}/cards/{cardId}/charges`. All need the admin token.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::{AppError, JsonBody, Result};
use crate::security::require_admin;
use crate::sessions::{parse_amount, parse_currency, parse_order_ref};
use crate::state::AppState;
use crate::wallets;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/customers/{id}/cards", get(list_cards))
        .route("/api/customers/{id}/cards/{card}", delete(delete_card))
        .route("/api/customers/{id}/cards/{card}/charges", post(charge))
}

/// An unknown customer and one whose id is malformed look the same: 404.
pub(crate) async fn known_customer(state: &AppState, id: &str) -> Result<wallets::Customer> {
    let id = wallets::parse_customer_id(id).map_err(|_| AppError::NotFound("customer"))?;
    wallets::load_customer(state, &id)
        .await?
        .ok_or(AppError::NotFound("customer"))
}

async fn list_cards(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>> {
    require_admin(&state, &headers)?;
    let c = known_customer(&state, &id).await?;
    let now = state.now_ms();
    let cards: Vec<Value> = wallets::active_cards(&state, &c.id)
        .await?
        .iter()
        .map(|card| card.json(now))
        .collect();
    Ok(Json(Value::Array(cards)))
}

async fn delete_card(
    State(state): State<AppState>,
    Path((id, card)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<StatusCode> {
    require_admin(&state, &headers)?;
    let c = known_customer(&state, &id).await?;
    wallets::delete_card(&state, &c.id, &card).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ChargeBody {
    amount: Value,
    currency: Value,
    order_ref: Option<String>,
}

/// A merchant-initiated charge. Answers `201` with the payment as `GET /api/payments/{id}`
/// shows it (authorized or refused), or `202` with it while its outcome is unknown and being
/// reconciled; the same `Idempotency-Key` answers the same and never charges twice (once the
/// charge may have been sent, the key keeps whatever answer came, as for back-office
/// operations: a retry reads the payment instead of charging again).
async fn charge(
    State(state): State<AppState>,
    Path((id, card)): Path<(String, String)>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<ChargeBody>,
) -> Result<(StatusCode, Json<Value>)> {
    require_admin(&state, &headers)?;
    let key = crate::idempotency::header_key(&headers)?;
    crate::idempotency::validate_key(&key)?;
    let amount = parse_amount(&body.amount)?;
    let currency = parse_currency(&body.currency)?;
    let order_ref = body.order_ref.as_deref().map(parse_order_ref).transpose()?;
    let c = known_customer(&state, &id).await?;
    let hash = crate::ids::sha256_hex(
        json!({"a": amount, "c": currency, "o": order_ref, "card": card})
            .to_string()
            .as_bytes(),
    );
    let scope = format!("charge:{}", c.id);
    let (st, v) = crate::idempotency::run_keeping_unknown(&state, &scope, &key, &hash, || async {
        let p =
            crate::checkout::charge_saved_card(&state, &c.id, &card, amount, currency, order_ref)
                .await?;
        let st = if p.status == crate::payments::status::UNKNOWN {
            StatusCode::ACCEPTED
        } else {
            StatusCode::CREATED
        };
        Ok((st, p.admin_json()))
    })
    .await?;
    Ok((st, Json(v)))
}
