//! Back-office operations on an authorized payment (Payline doCapture, doReset, doRefund,
//! doReAuthorization). Each runs once per `Idempotency-Key`; a state that forbids it is a 409
//! before any gateway call; a gateway refusal is a 422 carrying the Payline code, and changes
//! nothing here.
//!
//! The discipline that keeps money right under faults:
//! * a payment runs one operation at a time: the operation takes the payment's slot
//!   (`op_in_flight`) by compare-and-set on the state and amounts it was computed from, and
//!   commits its pending row with the send time, before the request leaves. A capture racing a
//!   cancel: one wins, the other gets 409 `operation_in_progress`;
//! * an operation whose answer was lost keeps the slot: nothing else moves the payment until
//!   the reconciler has read the transaction's history at the gateway (and, for "nothing
//!   there", until the grace window has passed), so a retry can never refund twice;
//! * the idempotency key keeps its answer for every outcome once the request may have been
//!   sent, and a key whose holder died finds the operation it started by key and reports it.

use payline_protocol::Request;
use payline_protocol::messages::{
    DoCaptureRequest, DoReAuthorizationRequest, DoRefundRequest, DoResetRequest,
    GetTransactionDetailsRequest, VERSION,
};
use payline_protocol::objects::{Order, Payment as PPayment};
use payline_protocol::values::{Action, Amount, Currency, Mode, Outcome};
use serde_json::{Value, json};

use crate::error::{AppError, Result};
use crate::formats::order_date;
use crate::gateway::{GatewayError, HasResult, code_message, outcome_of};
use crate::model::{OperationStatus, PaymentStatus};
use crate::payments::{self, Payment};
use crate::repo::{self, OperationRow, PaymentChange};
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

    fn event(self) -> &'static str {
        match self {
            Self::Capture | Self::Reauthorize => "payment.captured",
            Self::Cancel => "payment.cancelled",
            Self::Refund => "payment.refunded",
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
    AppError::conflict(
        "invalid_state",
        format!("cannot {what} a payment in status {}", p.status),
    )
}

fn pp(amount: i64, currency: &str, action: Action) -> Result<PPayment> {
    let c: Currency = currency
        .parse()
        .map_err(|_| AppError::Internal("stored currency".into()))?;
    let mut p = PPayment::new(c, action, Mode::CPT);
    p.amount = u64::try_from(amount).ok().and_then(Amount::from_minor);
    Ok(p)
}

/// An operation ready to go: the request, and what it books when accepted.
struct Plan<R> {
    request: R,
    amount: i64,
    currency: String,
    order_ref: Option<String>,
    allowed: &'static [PaymentStatus],
}

fn unknown_for(id: &str) -> AppError {
    AppError::GatewayUnknown(format!(
        "operation {id}: outcome unknown, being reconciled with the gateway"
    ))
}

/// Runs one operation (the caller handles idempotency); `key` is its idempotency key.
pub async fn execute(
    state: &AppState,
    payment_id: &str,
    kind: Kind,
    body: OpBody,
    key: &str,
) -> Result<Value> {
    // A key whose earlier holder got as far as its pending row (and then died, or lost the
    // answer) never sends a second request: it reports that operation.
    if let Some(op) = repo::operation_by_key(state, payment_id, kind.name(), key).await? {
        return match op.status {
            OperationStatus::Accepted | OperationStatus::Reconciled => {
                answer(state, payment_id, kind, None, 0).await
            }
            OperationStatus::Refused => Err(AppError::conflict(
                "operation_refused",
                "this operation was refused by the gateway",
            )),
            OperationStatus::Failed => {
                Err(AppError::GatewayError("operation not processed".into()))
            }
            OperationStatus::Pending | OperationStatus::Unknown => Err(unknown_for(&op.id)),
        };
    }
    let p = payments::load(state, payment_id)
        .await?
        .ok_or(AppError::NotFound("payment"))?;
    let txn = p.transaction_id.clone().unwrap_or_default();
    let amount = match &body.amount {
        Some(a) => Some(crate::sessions::parse_amount(a)?),
        None => None,
    };
    if kind != Kind::Reauthorize && (body.currency.is_some() || body.order_ref.is_some()) {
        return Err(AppError::invalid(
            "invalid_body",
            "currency and orderRef are for reauthorize only",
        ));
    }
    if p.op_in_flight.is_some() {
        return Err(in_progress());
    }
    const CAPTURABLE: &[PaymentStatus] = &[PaymentStatus::Authorized, PaymentStatus::Captured];
    const REFUNDABLE: &[PaymentStatus] =
        &[PaymentStatus::Captured, PaymentStatus::PartiallyRefunded];
    const REAUTHORIZABLE: &[PaymentStatus] = &[
        PaymentStatus::Authorized,
        PaymentStatus::Captured,
        PaymentStatus::Cancelled,
        PaymentStatus::PartiallyRefunded,
        PaymentStatus::Refunded,
    ];
    let allowed = |set: &[PaymentStatus]| set.iter().any(|s| s.as_str() == p.status);
    match kind {
        Kind::Capture => {
            if !allowed(CAPTURABLE) {
                return Err(conflict(&p, "capture"));
            }
            let remaining = p.authorized_amount - p.captured_amount;
            let amount = amount.unwrap_or(remaining);
            if remaining <= 0 {
                return Err(AppError::conflict(
                    "nothing_to_capture",
                    "the authorization is fully captured",
                ));
            }
            let mut req = DoCaptureRequest::new(pp(amount, &p.currency, Action::CAPTURE)?);
            req.transaction_id = txn;
            let plan = Plan {
                request: req,
                amount,
                currency: p.currency.clone(),
                order_ref: None,
                allowed: CAPTURABLE,
            };
            run(state, &p, kind, key, plan, |_, a| PaymentChange::Capture(a)).await
        }
        Kind::Cancel => {
            if !allowed(CAPTURABLE) {
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
            // doReset voids the whole authorization: the journal row carries that amount.
            let plan = Plan {
                request: req,
                amount: p.authorized_amount,
                currency: p.currency.clone(),
                order_ref: None,
                allowed: CAPTURABLE,
            };
            run(state, &p, kind, key, plan, |_, _| PaymentChange::Cancel).await
        }
        Kind::Refund => {
            if !allowed(REFUNDABLE) {
                return Err(conflict(&p, "refund"));
            }
            let remaining = p.captured_amount - p.refunded_amount;
            let amount = amount.unwrap_or(remaining);
            if remaining <= 0 {
                return Err(AppError::conflict(
                    "nothing_to_refund",
                    "the payment is fully refunded",
                ));
            }
            let mut req = DoRefundRequest::new(pp(amount, &p.currency, Action::REFUND)?);
            req.transaction_id = txn;
            let plan = Plan {
                request: req,
                amount,
                currency: p.currency.clone(),
                order_ref: None,
                allowed: REFUNDABLE,
            };
            run(state, &p, kind, key, plan, |_, a| PaymentChange::Refund(a)).await
        }
        Kind::Reauthorize => {
            if !allowed(REAUTHORIZABLE) {
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
            let c: Currency = currency
                .parse()
                .map_err(|_| AppError::Internal("currency".into()))?;
            let a = u64::try_from(amount)
                .ok()
                .and_then(Amount::from_minor)
                .ok_or_else(|| AppError::invalid("invalid_amount", "amount"))?;
            let mut order = Order::new(a, c, order_date(state.now_ms()));
            order.r#ref = order_ref.clone();
            let mut payment = pp(amount, &currency, Action::REAUTHORIZATION)?;
            payment.contract_number = Some(p.contract_number.clone());
            let mut req = DoReAuthorizationRequest::new(payment, order);
            req.transaction_id = txn;
            // Payline re-authorizes then captures (Payline doReAuthorization): the payment
            // then rests on the new transaction, fully captured.
            let plan = Plan {
                request: req,
                amount,
                currency,
                order_ref: Some(order_ref),
                allowed: REAUTHORIZABLE,
            };
            run(state, &p, kind, key, plan, |txn, a| {
                PaymentChange::Reauthorize {
                    transaction_id: txn,
                    amount: a,
                }
            })
            .await
        }
    }
}

fn in_progress() -> AppError {
    AppError::conflict(
        "operation_in_progress",
        "another operation on this payment is in progress or being reconciled",
    )
}

/// Pending row first (with the slot), then the call, then the outcome in one transaction.
async fn run<R>(
    state: &AppState,
    p: &Payment,
    kind: Kind,
    key: &str,
    plan: Plan<R>,
    change: impl for<'t> FnOnce(&'t str, i64) -> PaymentChange<'t>,
) -> Result<Value>
where
    R: Request,
    R::Response: HasResult + TransactionOf,
{
    let now = state.now_ms();
    let row = OperationRow {
        payment_id: &p.id,
        kind: kind.name(),
        status: OperationStatus::Pending,
        amount: plan.amount,
        currency: &plan.currency,
        order_ref: plan.order_ref.as_deref(),
        transaction_id: None,
        code: None,
        message: None,
        idem_key: Some(key),
        sent_at: Some(now),
        now,
    };
    let Some(op_id) = repo::begin_operation(
        state,
        &row,
        plan.allowed,
        (p.captured_amount, p.refunded_amount),
    )
    .await?
    else {
        let now = payments::load(state, &p.id)
            .await?
            .ok_or(AppError::NotFound("payment"))?;
        return Err(if now.op_in_flight.is_some() {
            in_progress()
        } else {
            conflict(&now, kind.name())
        });
    };
    let res = match state.gateway().call(&plan.request).await {
        Ok(r) => r,
        Err(GatewayError::Unknown(m)) => {
            // Keeps the slot: the reconciler reads the history and frees it.
            repo::finish_operation(
                state,
                &p.id,
                &op_id,
                OperationStatus::Unknown,
                None,
                Some("outcome unknown"),
                None,
                PaymentChange::None,
                None,
                None,
            )
            .await?;
            state.metrics().money("operation_unknown");
            tracing::warn!(payment = %p.id, operation = %op_id, kind = kind.name(), "back-office outcome unknown");
            return Err(AppError::GatewayUnknown(m));
        }
        Err(GatewayError::NotSent(m) | GatewayError::Failed(m)) => {
            repo::finish_operation(
                state,
                &p.id,
                &op_id,
                OperationStatus::Failed,
                None,
                Some("not processed"),
                None,
                PaymentChange::None,
                None,
                None,
            )
            .await?;
            return Err(AppError::GatewayError(m));
        }
    };
    let (code, msg) = code_message(&res);
    if !matches!(
        outcome_of(R::OPERATION, &res),
        Outcome::Accepted | Outcome::AcceptedWithWarning
    ) {
        repo::finish_operation(
            state,
            &p.id,
            &op_id,
            OperationStatus::Refused,
            Some(&code),
            Some(&msg),
            None,
            PaymentChange::None,
            None,
            None,
        )
        .await?;
        return Err(AppError::GatewayRefused { code, message: msg });
    }
    let txn = res.transaction_id().to_owned();
    repo::finish_operation(
        state,
        &p.id,
        &op_id,
        OperationStatus::Accepted,
        Some(&code),
        Some(&msg),
        Some(&txn),
        change(&txn, plan.amount),
        Some(kind.event()),
        None,
    )
    .await?;
    answer(state, &p.id, kind, Some(&txn), plan.amount).await
}

/// Responses that name the transaction they made.
pub trait TransactionOf {
    /// The new transaction's id.
    fn transaction_id(&self) -> &str;
}

macro_rules! transaction_of {
    ($($t:ty),*) => { $(impl TransactionOf for $t { fn transaction_id(&self) -> &str { &self.transaction.id } })* };
}
transaction_of!(
    payline_protocol::messages::DoCaptureResponse,
    payline_protocol::messages::DoResetResponse,
    payline_protocol::messages::DoRefundResponse,
    payline_protocol::messages::DoReAuthorizationResponse
);

async fn answer(
    state: &AppState,
    payment_id: &str,
    kind: Kind,
    txn: Option<&str>,
    amount: i64,
) -> Result<Value> {
    let now = payments::load(state, payment_id)
        .await?
        .ok_or(AppError::NotFound("payment"))?;
    Ok(
        json!({ "operation": kind.name(), "transactionId": txn, "amount": amount, "payment": now.admin_json() }),
    )
}

/// The gateway's view of an authorization's follow-ups: captured and refunded sums, reset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct History {
    /// Sum of captures (not cancelled).
    pub captured: i64,
    /// Sum of refunds (not cancelled).
    pub refunded: i64,
    /// A reset was made.
    pub reset: bool,
}

impl History {
    /// The payment status these amounts mean.
    pub fn status(&self) -> PaymentStatus {
        if self.reset {
            PaymentStatus::Cancelled
        } else if self.refunded > 0 && self.refunded >= self.captured {
            PaymentStatus::Refunded
        } else if self.refunded > 0 {
            PaymentStatus::PartiallyRefunded
        } else if self.captured > 0 {
            PaymentStatus::Captured
        } else {
            PaymentStatus::Authorized
        }
    }
}

/// Reads a transaction's follow-ups at the gateway (getTransactionDetails with its history).
pub async fn history(
    state: &AppState,
    txn: &str,
) -> std::result::Result<
    Option<(
        payline_protocol::messages::GetTransactionDetailsResponse,
        History,
    )>,
    GatewayError,
> {
    let req = GetTransactionDetailsRequest {
        version: VERSION.to_owned(),
        transaction_id: Some(txn.to_owned()),
        order_ref: None,
        start_date: None,
        end_date: None,
        transaction_history: Some("Y".to_owned()),
        archive_search: None,
    };
    let res = state.gateway().call(&req).await?;
    if res.transaction.is_none() {
        return Ok(None);
    }
    let mut h = History::default();
    for a in res
        .associated_transactions_list
        .iter()
        .flat_map(|l| l.associated_transactions.iter())
    {
        if a.status.eq_ignore_ascii_case("CANCELLED") {
            continue;
        }
        let amount: i64 = a.amount.trim().parse().unwrap_or(0);
        match a.r#type.to_ascii_uppercase().as_str() {
            "CAPTURE" => h.captured += amount,
            "REFUND" => h.refunded += amount,
            "RESET" => h.reset = true,
            _ => {}
        }
    }
    Ok(Some((res, h)))
}

/// One reconciler check of a back-office operation whose outcome is unknown (or whose instance
/// died while it was out): the gateway's history decides. A change in the operation's direction
/// means it happened; no change means it did not, once the grace window since it was sent has
/// passed (a request held on the way may still land); until then the payment keeps its slot.
pub async fn reconcile_operation(state: &AppState, op: &repo::DueOperation) -> Result<()> {
    let Some(p) = payments::load(state, &op.payment_id).await? else {
        return Ok(());
    };
    let Some(txn) = p.transaction_id.clone() else {
        return Ok(());
    };
    let watching = op.status == OperationStatus::Failed;
    if !watching && p.op_in_flight.as_deref() != Some(op.id.as_str()) {
        return Ok(());
    }
    let (_, h) = match history(state, &txn).await {
        Ok(Some(x)) => x,
        Ok(None) => {
            tracing::warn!(payment = %p.id, "reconciliation: the gateway does not know the payment's transaction");
            return Ok(());
        }
        Err(e) => {
            tracing::warn!(payment = %p.id, error = %e, "reconciliation: gateway unavailable, retrying later");
            return Ok(());
        }
    };
    let happened = match op.kind.as_str() {
        "capture" => h.captured > p.captured_amount,
        "refund" => h.refunded > p.refunded_amount,
        "cancel" => h.reset,
        // A re-authorization makes a new transaction: found by the order reference's history
        // only; until then the operation stays unknown for an operator.
        _ => false,
    };
    let now = state.now_ms();
    if watching {
        // Settled as "not processed" when the grace window ran out; a request held on the way
        // may still have landed. The payment follows the gateway's amounts if it did.
        if happened {
            let event = Kind::event_of(&op.kind);
            if repo::late_operation(
                state,
                &p.id,
                &op.id,
                h.status(),
                h.captured,
                h.refunded,
                event,
            )
            .await?
            {
                tracing::warn!(payment = %p.id, operation = %op.id, "back-office operation processed after its grace window");
                state.metrics().money("operation_landed_late");
            }
        } else if op.watch_until.is_none_or(|u| now >= u) {
            repo::end_operation_watch(state, &op.id).await?;
        }
        return Ok(());
    }
    let grace = state.settings().money.not_found_grace_ms;
    let past_grace = now - op.sent_at.unwrap_or(0) >= grace;
    if !happened && !past_grace {
        return Ok(());
    }
    let (status, event, watch) = if happened {
        (
            OperationStatus::Reconciled,
            Some(Kind::event_of(&op.kind)),
            None,
        )
    } else {
        (OperationStatus::Failed, None, Some(now + grace.max(1)))
    };
    let change = PaymentChange::Absolute {
        status: h.status(),
        captured: h.captured,
        refunded: h.refunded,
    };
    let message = if happened {
        "reconciled"
    } else {
        "not processed (reconciled)"
    };
    if repo::finish_operation(
        state,
        &p.id,
        &op.id,
        status,
        None,
        Some(message),
        None,
        change,
        event,
        watch,
    )
    .await?
    {
        tracing::info!(payment = %p.id, operation = %op.id, happened, "back-office operation reconciled");
        state.metrics().money(if happened {
            "operation_reconciled_done"
        } else {
            "operation_reconciled_not_done"
        });
    }
    Ok(())
}

impl Kind {
    fn event_of(kind: &str) -> &'static str {
        match kind {
            "cancel" => Self::Cancel.event(),
            "refund" => Self::Refund.event(),
            _ => Self::Capture.event(),
        }
    }
}

/// Operations of a payment, oldest first.
pub async fn operations_json(state: &AppState, pid: &str) -> Result<Vec<Value>> {
    use crate::store::{int, opt_text, text};
    let rows =
        sqlx::query("SELECT * FROM operations WHERE payment_id = $1 ORDER BY created_at, id")
            .bind(pid)
            .fetch_all(state.store().pool())
            .await?;
    rows.iter()
        .map(|r| {
            Ok(json!({
                "kind": text(r, "kind")?, "status": text(r, "status")?, "amount": int(r, "amount")?,
                "currency": crate::formats::currency_alpha(&text(r, "currency")?),
                "orderRef": opt_text(r, "order_ref")?, "transactionId": opt_text(r, "transaction_id")?,
                "code": opt_text(r, "code")?, "message": opt_text(r, "message")?,
                "createdAt": crate::formats::rfc3339(int(r, "created_at")?),
            }))
        })
        .collect::<std::result::Result<Vec<_>, sqlx::Error>>()
        .map_err(AppError::from)
}
