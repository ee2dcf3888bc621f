//! Back-office operations on an authorized payment (Payline doCapture, doReset, doRefund,
//! doReAuthorization, Payline doCapture, doReset, doRefund, doReAuthorization). Each runs once per `Idempotency-Key`; a state
//! that forbids it is a 409 before any gateway call; a gateway refusal is a 422 carrying the
//! Payline code, and changes nothing here.

use payline_protocol::Request;
use payline_protocol::messages::{DoCaptureRequest, DoReAuthorizationRequest, DoRefundRequest, DoResetRequest, VERSION};
use payline_protocol::objects::{Order, Payment as PPayment};
use payline_protocol::values::{Action, Amount, Currency, Mode, Outcome};
use serde_json::{Value, json};

use crate::checkout::{order_date, record_operation};
use crate::error::{AppError, Result};
use crate::gateway::{GatewayError, HasResult, code_message, outcome_of};
use crate::payments::{self, Payment, status as ps};
use crate::state::AppState;

/// Which operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// doCapture.
    Capture,
    /// doReset.
    Cancel,
    /// doRefund.
    Refund,
    /// doReAuthorization.
    Reauthorize,
}

impl Kind {
    /// Name used in routes, operations and idempotency scopes.
    pub fn name(self) -> &'static str {
        match self {
            Self::Capture => "capture",
            Self::Cancel => "cancel",
            Self::Refund => "refund",
            Self::Reauthorize => "reauthorization",
        }
    }
}

/// Parameters of an operation (all optional; defaults from the payment).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OpBody {
    /// Minor units.
    pub amount: Option<Value>,
    /// Re-authorization currency (must equal the original's, Payline 02620).
    pub currency: Option<Value>,
    /// Re-authorization order reference.
    pub order_ref: Option<String>,
}

fn conflict(p: &Payment, what: &str) -> AppError {
    AppError::conflict("invalid_state", format!("cannot {what} a payment in status {}", p.status))
}

/// What an operation's journal row carries: the amount it concerns, its currency and, for a
/// re-authorization, the new order reference.
struct Entry<'a> {
    amount: i64,
    currency: &'a str,
    order_ref: Option<&'a str>,
}

/// Sends one back-office request and keeps only an accepted answer (Payline result codes
/// 00000 and their warning variants). A refusal is recorded and becomes a 422 with the Payline
/// code. A failed call whose outcome is unknown is recorded as `unknown`: the background worker
/// then re-reads the transaction (getTransactionDetails with its history) and brings the
/// captured and refunded amounts up to date.
async fn send<R>(state: &AppState, p: &Payment, kind: Kind, req: &R, entry: &Entry<'_>) -> Result<(R::Response, String, String)>
where
    R: Request,
    R::Response: HasResult,
{
    let res = match state.gateway().call(req).await {
        Ok(r) => r,
        Err(GatewayError::Unknown(m)) => {
            record_operation(state, &p.id, kind.name(), "unknown", entry.amount, entry.currency, entry.order_ref, None, "", "outcome unknown").await?;
            return Err(AppError::GatewayUnknown(m));
        }
        Err(GatewayError::NotSent(m) | GatewayError::Failed(m)) => return Err(AppError::GatewayError(m)),
    };
    let (code, msg) = code_message(&res);
    if !matches!(outcome_of(R::OPERATION, &res), Outcome::Accepted | Outcome::AcceptedWithWarning) {
        record_operation(state, &p.id, kind.name(), "refused", entry.amount, entry.currency, entry.order_ref, None, &code, &msg).await?;
        return Err(AppError::GatewayRefused { code, message: msg });
    }
    Ok((res, code, msg))
}

/// After the payment row is updated: journals the accepted operation, queues its webhook and
/// answers with the payment as it now stands.
async fn accepted(state: &AppState, p: &Payment, kind: Kind, entry: &Entry<'_>, txn: &str, (code, msg): (String, String), event: &str) -> Result<Value> {
    record_operation(state, &p.id, kind.name(), "accepted", entry.amount, entry.currency, entry.order_ref, Some(txn), &code, &msg).await?;
    crate::webhook::enqueue(state, &p.id, event).await?;
    let now = payments::load(state, &p.id).await?.ok_or(AppError::NotFound("payment"))?;
    Ok(json!({ "operation": kind.name(), "transactionId": txn, "amount": entry.amount, "payment": now.admin_json() }))
}

fn pp(amount: i64, currency: &str, action: Action) -> Result<PPayment> {
    let c: Currency = currency.parse().map_err(|_| AppError::Internal("stored currency".into()))?;
    let mut p = PPayment::new(c, action, Mode::CPT);
    p.amount = u64::try_from(amount).ok().and_then(Amount::from_minor);
    Ok(p)
}

/// Runs one operation (the caller handles idempotency).
pub async fn execute(state: &AppState, payment_id: &str, kind: Kind, body: OpBody) -> Result<Value> {
    let p = payments::load(state, payment_id).await?.ok_or(AppError::NotFound("payment"))?;
    let txn = p.transaction_id.clone().unwrap_or_default();
    let amount = match &body.amount {
        Some(a) => Some(crate::sessions::parse_amount(a)?),
        None => None,
    };
    if kind != Kind::Reauthorize && (body.currency.is_some() || body.order_ref.is_some()) {
        return Err(AppError::invalid("invalid_body", "currency and orderRef are for reauthorize only"));
    }
    match kind {
        Kind::Capture => {
            if !(p.status == ps::AUTHORIZED || p.status == ps::CAPTURED) {
                return Err(conflict(&p, "capture"));
            }
            let remaining = p.authorized_amount - p.captured_amount;
            let amount = amount.unwrap_or(remaining);
            if amount <= 0 {
                return Err(AppError::conflict("nothing_to_capture", "the authorization is fully captured"));
            }
            let mut req = DoCaptureRequest::new(pp(amount, &p.currency, Action::CAPTURE)?);
            req.transaction_id = txn;
            let entry = Entry { amount, currency: &p.currency, order_ref: None };
            let (res, code, msg) = send(state, &p, kind, &req, &entry).await?;
            sqlx::query("UPDATE payments SET status = 'captured', captured_amount = captured_amount + $1, updated_at = $2 WHERE id = $3")
                .bind(amount)
                .bind(state.now_ms())
                .bind(&p.id)
                .execute(state.store().pool())
                .await?;
            accepted(state, &p, kind, &entry, &res.transaction.id, (code, msg), "payment.captured").await
        }
        Kind::Cancel => {
            if !(p.status == ps::AUTHORIZED || p.status == ps::CAPTURED) {
                return Err(conflict(&p, "cancel"));
            }
            if amount.is_some() {
                return Err(AppError::invalid("invalid_body", "cancel takes no amount"));
            }
            let req = DoResetRequest {
                version: VERSION.to_owned(),
                transaction_id: txn,
                comment: None,
                media: None,
                amount: None,
                currency: None,
                private_data_list: None,
                sequence_number: None,
            };
            // doReset voids the whole authorization: every row of it carries that amount.
            let entry = Entry { amount: p.authorized_amount, currency: &p.currency, order_ref: None };
            let (res, code, msg) = send(state, &p, kind, &req, &entry).await?;
            sqlx::query("UPDATE payments SET status = 'cancelled', captured_amount = 0, updated_at = $1 WHERE id = $2")
                .bind(state.now_ms())
                .bind(&p.id)
                .execute(state.store().pool())
                .await?;
            accepted(state, &p, kind, &entry, &res.transaction.id, (code, msg), "payment.cancelled").await
        }
        Kind::Refund => {
            if !(p.status == ps::CAPTURED || p.status == ps::PARTIALLY_REFUNDED) {
                return Err(conflict(&p, "refund"));
            }
            let remaining = p.captured_amount - p.refunded_amount;
            let amount = amount.unwrap_or(remaining);
            if amount <= 0 {
                return Err(AppError::conflict("nothing_to_refund", "the payment is fully refunded"));
            }
            let mut req = DoRefundRequest::new(pp(amount, &p.currency, Action::REFUND)?);
            req.transaction_id = txn;
            let entry = Entry { amount, currency: &p.currency, order_ref: None };
            let (res, code, msg) = send(state, &p, kind, &req, &entry).await?;
            sqlx::query(
                "UPDATE payments SET refunded_amount = refunded_amount + $1, \
                 status = CASE WHEN refunded_amount + $1 >= captured_amount THEN 'refunded' ELSE 'partially_refunded' END, \
                 updated_at = $2 WHERE id = $3",
            )
            .bind(amount)
            .bind(state.now_ms())
            .bind(&p.id)
            .execute(state.store().pool())
            .await?;
            accepted(state, &p, kind, &entry, &res.transaction.id, (code, msg), "payment.refunded").await
        }
        Kind::Reauthorize => {
            if !matches!(p.status.as_str(), ps::AUTHORIZED | ps::CAPTURED | ps::CANCELLED | ps::PARTIALLY_REFUNDED | ps::REFUNDED) {
                return Err(conflict(&p, "re-authorize"));
            }
            let amount = amount.unwrap_or(p.amount);
            let currency = match &body.currency {
                Some(c) => crate::sessions::parse_currency(c)?,
                None => p.currency.clone(),
            };
            let order_ref = match &body.order_ref {
                Some(r) => crate::sessions::parse_order_ref(r)?,
                None => p.order_ref.clone(),
            };
            let c: Currency = currency.parse().map_err(|_| AppError::Internal("currency".into()))?;
            let a = u64::try_from(amount).ok().and_then(Amount::from_minor).ok_or_else(|| AppError::invalid("invalid_amount", "amount"))?;
            let mut order = Order::new(a, c, order_date(state.now_ms()));
            order.r#ref = order_ref.clone();
            let mut payment = pp(amount, &currency, Action::REAUTHORIZATION)?;
            payment.contract_number = Some(p.contract_number.clone());
            let mut req = DoReAuthorizationRequest::new(payment, order);
            req.transaction_id = txn;
            let entry = Entry { amount, currency: &currency, order_ref: Some(&order_ref) };
            let (res, code, msg) = send(state, &p, kind, &req, &entry).await?;
            // Payline re-authorizes then captures (Payline doReAuthorization): the payment now rests on
            // the new transaction, fully captured.
            let now = state.now_ms();
            sqlx::query(
                "UPDATE payments SET status = 'captured', transaction_id = $1, authorized_amount = $2, captured_amount = $2, \
                 refunded_amount = 0, authorized_at = $3, updated_at = $3 WHERE id = $4",
            )
            .bind(&res.transaction.id)
            .bind(amount)
            .bind(now)
            .bind(&p.id)
            .execute(state.store().pool())
            .await?;
            accepted(state, &p, kind, &entry, &res.transaction.id, (code, msg), "payment.captured").await
        }
    }
}

/// Operations of a payment, oldest first.
pub async fn operations_json(state: &AppState, pid: &str) -> Result<Vec<Value>> {
    use crate::store::{int, opt_text, text};
    let rows = sqlx::query("SELECT * FROM operations WHERE payment_id = $1 ORDER BY created_at, id")
        .bind(pid)
        .fetch_all(state.store().pool())
        .await?;
    rows.iter()
        .map(|r| {
            Ok(json!({
                "kind": text(r, "kind")?, "status": text(r, "status")?, "amount": int(r, "amount")?,
                "currency": crate::sessions::currency_alpha(&text(r, "currency")?),
                "orderRef": opt_text(r, "order_ref")?, "transactionId": opt_text(r, "transaction_id")?,
                "code": opt_text(r, "code")?, "message": opt_text(r, "message")?,
                "createdAt": crate::sessions::rfc3339(int(r, "created_at")?),
            }))
        })
        .collect::<std::result::Result<Vec<_>, sqlx::Error>>()
        .map_err(AppError::from)
}
