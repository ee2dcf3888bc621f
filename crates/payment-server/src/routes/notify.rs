//! `GET /payline/notify`: Payline's notification URL (Payline notifications). For `TRS`
//! notifications the server fetches the authoritative state with getTransactionDetails and
//! brings the payment up to date; the notification itself is never trusted, so a forged or
//! repeated one changes nothing that the gateway does not confirm.

use std::collections::HashMap;

use crate::error::{AppError, Result};
use crate::model::{AttemptStatus, PaymentStatus};
use crate::payments;
use crate::repo;
use crate::state::AppState;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/payline/notify", get(notify))
}

async fn notify(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<impl IntoResponse> {
    let get = |k: &str| {
        q.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(k))
            .map(|(_, v)| v.trim().to_owned())
    };
    let kind = get("notificationType").unwrap_or_else(|| "TRS".to_owned());
    if kind.eq_ignore_ascii_case("WEBTRS") {
        // End of a hosted payment page: the token only names the page; its outcome is read
        // with getWebPaymentDetails (Payline notifications, WEBTRS).
        let token = get("token")
            .filter(|t| !t.is_empty() && t.len() <= 50)
            .ok_or_else(|| AppError::invalid("invalid_notification", "token is required"))?;
        crate::hosted::notified(&state, &token).await?;
        return Ok((StatusCode::OK, "OK"));
    }
    if kind.eq_ignore_ascii_case("BILL") {
        // A due date of a schedule was billed (Payline notifications, BILL): the payment
        // record is read again from the gateway; the parameters only say which one.
        let record = get("paymentRecordId")
            .filter(|t| !t.is_empty() && t.len() <= 20 && t.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| {
                AppError::invalid("invalid_notification", "paymentRecordId is required")
            })?;
        let order_ref = get("orderRef").filter(|o| !o.is_empty() && o.len() <= 50);
        crate::schedules::notified(&state, &record, order_ref.as_deref()).await?;
        return Ok((StatusCode::OK, "OK"));
    }
    if kind.eq_ignore_ascii_case("WALLET") {
        // A wallet changed at the gateway (Payline notifications, WALLET: edited in the
        // administration centre, or by createWallet/updateWallet): its cards are read again.
        let wallet = get("walletId")
            .filter(|w| !w.is_empty() && w.len() <= 50)
            .ok_or_else(|| AppError::invalid("invalid_notification", "walletId is required"))?;
        crate::wallets::wallet_changed(&state, &wallet).await?;
        return Ok((StatusCode::OK, "OK"));
    }
    // TRSWALLET: a wallet payment's transaction (doImmediateWalletPayment, a schedule's due
    // date); applied like a TRS, from the gateway's own record of the transaction.
    if !kind.eq_ignore_ascii_case("TRS") && !kind.eq_ignore_ascii_case("TRSWALLET") {
        return Ok((StatusCode::OK, "ignored"));
    }
    let txn = get("transactionId")
        .filter(|t| !t.is_empty() && t.len() <= 50)
        .ok_or_else(|| AppError::invalid("invalid_notification", "transactionId is required"))?;
    apply_transaction(&state, &txn).await?;
    Ok((StatusCode::OK, "OK"))
}

/// Fetches a transaction with its history and applies what the gateway says, never what the
/// notification says:
/// * the transaction of an attempt still undecided: that attempt is reconciled now;
/// * an accepted, live authorization of an attempt that is closed without it (a late landing),
///   or a second one beside an authorized attempt's own: an orphan, cancelled with doReset;
/// * the authorization of an authorized payment: its captured/refunded amounts and state are
///   brought to the gateway's (not while a back-office operation of ours holds the payment: that
///   operation books its own result).
pub async fn apply_transaction(state: &AppState, txn: &str) -> Result<()> {
    let Some((res, h)) = crate::backoffice::history(state, txn)
        .await
        .map_err(|e| AppError::GatewayError(e.to_string()))?
    else {
        tracing::info!(transaction = %txn, "notification for a transaction the gateway does not know");
        return Ok(());
    };
    let Some(t) = res.transaction.clone() else {
        return Ok(());
    };
    let order_ref = res
        .order
        .as_ref()
        .map(|o| o.r#ref.clone())
        .or_else(|| t.order_reference.clone())
        .unwrap_or_default();
    let Some(attempt) = repo::attempt_by_order_ref(state, &order_ref).await? else {
        tracing::info!(transaction = %txn, "notification for a transaction that is not ours");
        return Ok(());
    };
    if attempt.status.money_undecided() {
        return crate::hosted::reconcile_any(state, &attempt).await;
    }
    let lookup = crate::checkout::interpret(&res);
    let live = matches!(
        lookup,
        crate::checkout::Lookup::Authorization {
            decision: crate::machine::Decision::Accepted,
            cancelled: false,
            ..
        }
    );
    let own = attempt.status == AttemptStatus::Authorized
        && attempt.transaction_id.as_deref() == Some(t.id.as_str());
    if live && !own {
        let reason = if attempt.status == AttemptStatus::Authorized {
            "duplicate"
        } else {
            "notification_for_closed_attempt"
        };
        return crate::checkout::orphan(
            state,
            &t.id,
            &order_ref,
            Some(&attempt.key.payment_id),
            reason,
        )
        .await;
    }
    let Some(p) = payments::load(state, &attempt.key.payment_id).await? else {
        return Ok(());
    };
    if p.transaction_id.as_deref() != Some(t.id.as_str()) || p.op_in_flight.is_some() {
        return Ok(());
    }
    let status = h.status();
    if status.as_str() != p.status
        || h.captured != p.captured_amount
        || h.refunded != p.refunded_amount
    {
        let mut tx = repo::begin(state).await?;
        // Compare-and-set on what was read, so a back-office operation finishing meanwhile is
        // never overwritten.
        let r = sqlx::query(
            "UPDATE payments SET status = $1, captured_amount = $2, refunded_amount = $3, updated_at = $4 \
             WHERE id = $5 AND status = $6 AND captured_amount = $7 AND refunded_amount = $8 AND op_in_flight IS NULL",
        )
        .bind(status.as_str())
        .bind(h.captured)
        .bind(h.refunded)
        .bind(state.now_ms())
        .bind(&p.id)
        .bind(&p.status)
        .bind(p.captured_amount)
        .bind(p.refunded_amount)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() == 1 {
            let event = match status {
                PaymentStatus::Cancelled => "payment.cancelled",
                PaymentStatus::Refunded | PaymentStatus::PartiallyRefunded => "payment.refunded",
                PaymentStatus::Captured => "payment.captured",
                _ => "payment.authorized",
            };
            repo::enqueue_webhook(state, &mut tx, &p.id, event).await?;
            tracing::info!(payment = %p.id, status = %status, captured = h.captured, refunded = h.refunded, "payment updated from a gateway notification");
        }
        tx.commit().await?;
    }
    Ok(())
}
