//! Back-office operations on an authorized payment (Payline doCapture, doReset, doRefund,
//! doReAuthorization, PROTOCOL.md §5.1–§5.5). Each runs once per `Idempotency-Key`; a state
//! that forbids it is a 409 before any gateway call; a gateway refusal is a 422 carrying the
//! Payline code, and changes nothing here.

use payline_protocol::Operation;
use payline_protocol::messages::{DoCaptureRequest, DoReAuthorizationRequest, DoRefundRequest, DoResetRequest, VERSION};
use payline_protocol::objects::{Order, Payment as PPayment};
use payline_protocol::values::{Action, Amount, Currency, Mode, Outcome};
use serde_json::{Value, json};

use crate::checkout::{order_date, record_operation};
use crate::error::{AppError, Result};
use crate::gateway::{GatewayError, code_message, outcome_of};
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

/// A failed gateway call. When its outcome is unknown the operation is recorded as `unknown`:
/// the background worker then re-reads the transaction (getTransactionDetails with its
/// history) and brings the captured and refunded amounts up to date.
async fn gateway_err(state: &AppState, p: &Payment, kind: Kind, amount: i64, e: GatewayError) -> AppError {
    match e {
        GatewayError::Unknown(m) => {
            if let Err(err) = record_operation(state, &p.id, kind.name(), "unknown", amount, &p.currency, None, None, "", "outcome unknown").await {
                return err;
            }
            AppError::GatewayUnknown(m)
        }
        GatewayError::NotSent(m) | GatewayError::Failed(m) => AppError::GatewayError(m),
    }
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
    let g = state.gateway();
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
            let res = match g.call(&req).await {
                Ok(r) => r,
                Err(e) => return Err(gateway_err(state, &p, kind, amount, e).await),
            };
            let (code, msg) = code_message(&res);
            if !matches!(outcome_of(Operation::DoCapture, &res), Outcome::Accepted | Outcome::AcceptedWithWarning) {
                record_operation(state, &p.id, kind.name(), "refused", amount, &p.currency, None, None, &code, &msg).await?;
                return Err(AppError::GatewayRefused { code, message: msg });
            }
            sqlx::query("UPDATE payments SET status = 'captured', captured_amount = captured_amount + $1, updated_at = $2 WHERE id = $3")
                .bind(amount)
                .bind(state.now_ms())
                .bind(&p.id)
                .execute(state.store().pool())
                .await?;
            record_operation(state, &p.id, kind.name(), "accepted", amount, &p.currency, None, Some(&res.transaction.id), &code, &msg).await?;
            crate::webhook::enqueue(state, &p.id, "payment.captured").await?;
            op_answer(state, &p.id, kind, &res.transaction.id, amount).await
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
            let res = match g.call(&req).await {
                Ok(r) => r,
                Err(e) => return Err(gateway_err(state, &p, kind, p.authorized_amount, e).await),
            };
            let (code, msg) = code_message(&res);
            if !matches!(outcome_of(Operation::DoReset, &res), Outcome::Accepted | Outcome::AcceptedWithWarning) {
                record_operation(state, &p.id, kind.name(), "refused", 0, &p.currency, None, None, &code, &msg).await?;
                return Err(AppError::GatewayRefused { code, message: msg });
            }
            sqlx::query("UPDATE payments SET status = 'cancelled', captured_amount = 0, updated_at = $1 WHERE id = $2")
                .bind(state.now_ms())
                .bind(&p.id)
                .execute(state.store().pool())
                .await?;
            record_operation(state, &p.id, kind.name(), "accepted", p.authorized_amount, &p.currency, None, Some(&res.transaction.id), &code, &msg).await?;
            crate::webhook::enqueue(state, &p.id, "payment.cancelled").await?;
            op_answer(state, &p.id, kind, &res.transaction.id, p.authorized_amount).await
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
            let res = match g.call(&req).await {
                Ok(r) => r,
                Err(e) => return Err(gateway_err(state, &p, kind, amount, e).await),
            };
            let (code, msg) = code_message(&res);
            if !matches!(outcome_of(Operation::DoRefund, &res), Outcome::Accepted | Outcome::AcceptedWithWarning) {
                record_operation(state, &p.id, kind.name(), "refused", amount, &p.currency, None, None, &code, &msg).await?;
                return Err(AppError::GatewayRefused { code, message: msg });
            }
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
            record_operation(state, &p.id, kind.name(), "accepted", amount, &p.currency, None, Some(&res.transaction.id), &code, &msg).await?;
            crate::webhook::enqueue(state, &p.id, "payment.refunded").await?;
            op_answer(state, &p.id, kind, &res.transaction.id, amount).await
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
            let res = match g.call(&req).await {
                Ok(r) => r,
                Err(e) => return Err(gateway_err(state, &p, kind, amount, e).await),
            };
            let (code, msg) = code_message(&res);
            if !matches!(outcome_of(Operation::DoReAuthorization, &res), Outcome::Accepted | Outcome::AcceptedWithWarning) {
                record_operation(state, &p.id, kind.name(), "refused", amount, &currency, Some(&order_ref), None, &code, &msg).await?;
                return Err(AppError::GatewayRefused { code, message: msg });
            }
            // Payline re-authorizes then captures (PROTOCOL.md §5.5): the payment now rests on
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
            record_operation(state, &p.id, kind.name(), "accepted", amount, &currency, Some(&order_ref), Some(&res.transaction.id), &code, &msg).await?;
            crate::webhook::enqueue(state, &p.id, "payment.captured").await?;
            op_answer(state, &p.id, kind, &res.transaction.id, amount).await
        }
    }
}

async fn op_answer(state: &AppState, pid: &str, kind: Kind, txn: &str, amount: i64) -> Result<Value> {
    let p = payments::load(state, pid).await?.ok_or(AppError::NotFound("payment"))?;
    Ok(json!({ "operation": kind.name(), "transactionId": txn, "amount": amount, "payment": p.admin_json() }))
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
