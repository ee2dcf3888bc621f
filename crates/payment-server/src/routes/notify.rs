//! `GET /payline/notify`: Payline's notification URL (Payline notifications). For `TRS`
//! notifications the server fetches the authoritative state with getTransactionDetails and
//! brings the payment up to date; the notification itself is never trusted, so a forged or
//! repeated one changes nothing that the gateway does not confirm.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use payline_protocol::messages::{GetTransactionDetailsRequest, VERSION};

use crate::error::{AppError, Result};
use crate::payments::{self, Payment};
use crate::state::AppState;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/payline/notify", get(notify))
}

async fn notify(State(state): State<AppState>, Query(q): Query<HashMap<String, String>>) -> Result<impl IntoResponse> {
    let get = |k: &str| q.iter().find(|(n, _)| n.eq_ignore_ascii_case(k)).map(|(_, v)| v.trim().to_owned());
    let kind = get("notificationType").unwrap_or_else(|| "TRS".to_owned());
    if !kind.eq_ignore_ascii_case("TRS") {
        // Web, wallet and schedule notifications belong to the hosted-page and wallet work.
        return Ok((StatusCode::OK, "ignored"));
    }
    let txn = get("transactionId").filter(|t| !t.is_empty() && t.len() <= 50).ok_or_else(|| {
        AppError::invalid("invalid_notification", "transactionId is required")
    })?;
    apply_transaction(&state, &txn).await?;
    Ok((StatusCode::OK, "OK"))
}

/// Fetches a transaction with its history and updates the payment it belongs to.
pub async fn apply_transaction(state: &AppState, txn: &str) -> Result<()> {
    let req = GetTransactionDetailsRequest {
        version: VERSION.to_owned(),
        transaction_id: Some(txn.to_owned()),
        order_ref: None,
        start_date: None,
        end_date: None,
        transaction_history: Some("Y".to_owned()),
        archive_search: None,
    };
    let res = state.gateway().call(&req).await.map_err(|e| AppError::GatewayError(e.to_string()))?;
    let Some(t) = res.transaction.clone() else { return Ok(()) };
    // Ours by transaction id, else by the attempt's order reference.
    let by_txn = sqlx::query("SELECT * FROM payments WHERE transaction_id = $1").bind(txn).fetch_optional(state.store().pool()).await?;
    let row = match by_txn {
        Some(r) => Some(r),
        None => match t.order_reference.as_deref() {
            Some(r) => {
                sqlx::query("SELECT p.* FROM payments p JOIN attempts a ON a.payment_id = p.id WHERE a.order_ref = $1")
                    .bind(r)
                    .fetch_optional(state.store().pool())
                    .await?
            }
            None => None,
        },
    };
    let Some(row) = row else {
        tracing::info!(transaction = %txn, "notification for a transaction that is not ours");
        return Ok(());
    };
    let p = Payment::from_row(&row)?;
    if p.status == payments::status::UNKNOWN || p.status == payments::status::PROCESSING {
        // The gateway knows the outcome we missed.
        let q = Payment { status: payments::status::UNKNOWN.to_owned(), ..p.clone() };
        crate::checkout::reconcile(state, &q).await?;
        return Ok(());
    }
    if p.transaction_id.as_deref() != Some(t.id.as_str()) {
        return Ok(());
    }
    let mut captured = 0i64;
    let mut refunded = 0i64;
    let mut reset = false;
    for a in res.associated_transactions_list.iter().flat_map(|l| l.associated_transactions.iter()) {
        if a.status.eq_ignore_ascii_case("CANCELLED") {
            continue;
        }
        let amount: i64 = a.amount.trim().parse().unwrap_or(0);
        match a.r#type.to_ascii_uppercase().as_str() {
            "CAPTURE" => captured += amount,
            "REFUND" => refunded += amount,
            "RESET" => reset = true,
            _ => {}
        }
    }
    let status = if reset {
        payments::status::CANCELLED
    } else if refunded > 0 && refunded >= captured {
        payments::status::REFUNDED
    } else if refunded > 0 {
        payments::status::PARTIALLY_REFUNDED
    } else if captured > 0 {
        payments::status::CAPTURED
    } else {
        payments::status::AUTHORIZED
    };
    if status != p.status || captured != p.captured_amount || refunded != p.refunded_amount {
        sqlx::query("UPDATE payments SET status = $1, captured_amount = $2, refunded_amount = $3, updated_at = $4 WHERE id = $5")
            .bind(status)
            .bind(captured)
            .bind(refunded)
            .bind(state.now_ms())
            .bind(&p.id)
            .execute(state.store().pool())
            .await?;
        tracing::info!(payment = %p.id, status, captured, refunded, "payment updated from a gateway notification");
        let event = match status {
            payments::status::CANCELLED => "payment.cancelled",
            payments::status::REFUNDED | payments::status::PARTIALLY_REFUNDED => "payment.refunded",
            payments::status::CAPTURED => "payment.captured",
            _ => "payment.authorized",
        };
        crate::webhook::enqueue(state, &p.id, event).await?;
    }
    Ok(())
}
