//! `POST …/pay`, `POST …/continue`, `POST …/abandon` (pay contract).

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::post;
use serde::Deserialize;
use serde_json::Value;

use crate::checkout::{self, PayRequest, RequestMeta};
use crate::error::{AppError, JsonBody, Result};
use crate::sessions::{self, status as sst};
use crate::state::AppState;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/checkout-sessions/{id}/pay", post(pay))
        .route(
            "/api/checkout-sessions/{id}/continue",
            post(continue_method),
        )
        .route("/api/checkout-sessions/{id}/abandon", post(abandon))
}

/// The checkout page's origin: it must be one of ALLOWED_ORIGINS (it becomes the postMessage
/// target of the 3-D Secure return page).
fn checked_origin(state: &AppState, headers: &HeaderMap) -> Result<Option<String>> {
    match headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        None => Ok(None),
        Some(o) if state.settings().allowed_origins.iter().any(|a| a == o) => {
            Ok(Some(o.to_owned()))
        }
        Some(_) => Err(AppError::Forbidden("origin not allowed")),
    }
}

async fn pay(
    State(state): State<AppState>,
    Path(id): Path<String>,
    peer: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<PayRequest>,
) -> Result<(StatusCode, Json<Value>)> {
    let session = sessions::authorize(&state, &id, &headers).await?;
    crate::hosted::refuse_pay(&state, &id).await?;
    let origin = checked_origin(&state, &headers)?;
    checkout::validate(&req)?;
    let mut s = session;
    sessions::expire_if_due(&state, &mut s).await?;
    if s.status == sst::EXPIRED {
        return Err(AppError::Expired);
    }
    let meta = RequestMeta {
        origin,
        accept: headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        // Payline buyer.ip: the peer, or X-Forwarded-For behind a trusted proxy (client_ip).
        ip: peer
            .and_then(|axum::Extension(axum::extract::ConnectInfo(addr))| {
                let forwarded = headers
                    .get_all("x-forwarded-for")
                    .iter()
                    .filter_map(|v| v.to_str().ok());
                crate::client_ip::client_ip(addr.ip(), forwarded, &state.settings().trusted_proxies)
            })
            .map(|ip| ip.to_string()),
    };
    // The request fingerprint covers what the buyer sent, so a reused key with another body
    // is refused; the blob itself is only hashed.
    let canon = serde_json::json!({
        "t": crate::ids::sha256_hex(req.token_data.as_bytes()), "b": req.brand, "h": req.holder,
    });
    let hash = crate::ids::sha256_hex(canon.to_string().as_bytes());
    let scope = format!("pay:{id}");
    let key = req.idempotency_key.clone();
    let (st, body) = crate::idempotency::run(&state, &scope, &key, &hash, || async {
        checkout::pay(&state, &id, req, meta)
            .await
            .map(|v| (StatusCode::OK, v.to_json()))
    })
    .await?;
    Ok((st, Json(body)))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ContinueBody {
    payment_id: String,
    method_completed: bool,
}

async fn continue_method(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(b): JsonBody<ContinueBody>,
) -> Result<Json<Value>> {
    let session = sessions::authorize(&state, &id, &headers).await?;
    checked_origin(&state, &headers)?;
    Ok(Json(
        checkout::continue_method(&state, &session, &b.payment_id, b.method_completed)
            .await?
            .to_json(),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AbandonBody {
    payment_id: String,
}

async fn abandon(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(b): JsonBody<AbandonBody>,
) -> Result<Json<Value>> {
    let session = sessions::authorize(&state, &id, &headers).await?;
    checked_origin(&state, &headers)?;
    Ok(Json(
        checkout::abandon(&state, &session, &b.payment_id)
            .await?
            .to_json(),
    ))
}
