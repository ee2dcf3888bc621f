//! Idempotent requests: the same key gives the same answer and never a second gateway
//! operation, also when two identical requests race on two instances.
//!
//! The first request inserts `(scope, key)`; the primary key makes exactly one insert succeed,
//! whatever the instance. That request executes and stores its answer. A concurrent one polls
//! the row until the answer is there (or gives up with 409 after a while). A key reused with a
//! different request body is refused. A request rejected before it changed anything releases
//! its key, so that the corrected request can use it.
//!
//! The owner holds the key under a lease: if its instance dies before it stores an answer, the
//! next request with that key takes it over once the lease has run out. That is safe because
//! what the owner may have done is in the database, not in the key: a pay finds its session's
//! attempt (undecided ones are reconciled first), a back-office operation finds the operation
//! row its key started.

use std::time::Duration;

use axum::http::StatusCode;
use serde_json::Value;

use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::store::{opt_int, opt_text, text};

/// How long a second request waits for the first one's answer.
const WAIT: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(25);

/// Result of claiming a key.
#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    /// This request owns the key and must execute.
    Owner,
    /// The answer stored by an earlier request.
    Stored(StatusCode, Value),
}

/// Claims `(scope, key)` for a request whose canonical form hashes to `request_hash`, waiting
/// for a concurrent owner's answer when there is one.
pub async fn claim(state: &AppState, scope: &str, key: &str, request_hash: &str) -> Result<Claim> {
    validate_key(key)?;
    let pool = state.store().pool();
    let lease = state.settings().money.lease_ms;
    let inserted = sqlx::query(
        "INSERT INTO idempotency_keys (scope, idem_key, request_hash, created_at, lease_until) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
    )
    .bind(scope)
    .bind(key)
    .bind(request_hash)
    .bind(state.now_ms())
    .bind(state.now_ms() + lease)
    .execute(pool)
    .await?
    .rows_affected();
    if inserted == 1 {
        return Ok(Claim::Owner);
    }
    let started = tokio::time::Instant::now();
    loop {
        let row = sqlx::query(
            "SELECT request_hash, status_code, body FROM idempotency_keys WHERE scope = $1 AND idem_key = $2",
        )
        .bind(scope)
        .bind(key)
        .fetch_optional(pool)
        .await?;
        let Some(row) = row else {
            // The owner released the key (its request was rejected without effect): try again
            // as a fresh request.
            return Box::pin(claim(state, scope, key, request_hash)).await;
        };
        if text(&row, "request_hash")? != request_hash {
            return Err(AppError::conflict(
                "idempotency_key_reused",
                "this idempotency key was used for a different request",
            ));
        }
        if let (Some(code), Some(body)) = (opt_int(&row, "status_code")?, opt_text(&row, "body")?) {
            let status = u16::try_from(code)
                .ok()
                .and_then(|c| StatusCode::from_u16(c).ok())
                .unwrap_or(StatusCode::OK);
            let body: Value = serde_json::from_str(&body)
                .map_err(|e| AppError::Internal(format!("stored idempotent answer: {e}")))?;
            return Ok(Claim::Stored(status, body));
        }
        // The owner died without an answer: take the key over (one winner, by compare-and-set).
        let now = state.now_ms();
        let taken = sqlx::query(
            "UPDATE idempotency_keys SET lease_until = $1 WHERE scope = $2 AND idem_key = $3 \
             AND status_code IS NULL AND (lease_until IS NULL OR lease_until < $4)",
        )
        .bind(now + lease)
        .bind(scope)
        .bind(key)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected();
        if taken == 1 {
            tracing::warn!(
                scope,
                "idempotency key taken over after its holder's lease ran out"
            );
            return Ok(Claim::Owner);
        }
        if started.elapsed() > WAIT {
            return Err(AppError::conflict(
                "idempotency_key_in_use",
                "a request with this idempotency key is still being processed",
            ));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Stores the owner's answer.
pub async fn complete(
    state: &AppState,
    scope: &str,
    key: &str,
    status: StatusCode,
    body: &Value,
) -> Result<()> {
    sqlx::query(
        "UPDATE idempotency_keys SET status_code = $1, body = $2, completed_at = $3 \
         WHERE scope = $4 AND idem_key = $5",
    )
    .bind(i64::from(status.as_u16()))
    .bind(body.to_string())
    .bind(state.now_ms())
    .bind(scope)
    .bind(key)
    .execute(state.store().pool())
    .await?;
    Ok(())
}

/// Gives the key up (the owner's request changed nothing).
pub async fn release(state: &AppState, scope: &str, key: &str) -> Result<()> {
    sqlx::query(
        "DELETE FROM idempotency_keys WHERE scope = $1 AND idem_key = $2 AND status_code IS NULL",
    )
    .bind(scope)
    .bind(key)
    .execute(state.store().pool())
    .await?;
    Ok(())
}

/// The `Idempotency-Key` header the shop backend's money-moving routes require.
pub fn header_key(headers: &axum::http::HeaderMap) -> Result<String> {
    headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .ok_or_else(|| {
            AppError::invalid(
                "missing_idempotency_key",
                "the Idempotency-Key header is required",
            )
        })
}

/// Keys are client-chosen: 1–255 printable ASCII characters.
pub fn validate_key(key: &str) -> Result<()> {
    if !key.is_empty() && key.len() <= 255 && key.bytes().all(|b| (0x21..0x7f).contains(&b)) {
        Ok(())
    } else {
        Err(AppError::invalid(
            "invalid_idempotency_key",
            "the idempotency key must be 1–255 printable ASCII characters",
        ))
    }
}

/// Runs `op` once per `(scope, key)`: the owner executes and stores its answer (successes and
/// gateway refusals, which are final), other requests get the stored answer. Any other error
/// releases the key: for a pay that is safe, because the session's own state (an undecided
/// attempt is reconciled first, a started attempt keeps the session `processing`) prevents a
/// second authorization, and the retried pay then answers the gateway's outcome.
pub async fn run<F, Fut>(
    state: &AppState,
    scope: &str,
    key: &str,
    request_hash: &str,
    op: F,
) -> Result<(StatusCode, Value)>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<(StatusCode, Value)>>,
{
    run_inner(state, scope, key, request_hash, false, op).await
}

/// As [`run`], for back-office operations: once the request may have been sent, the key keeps
/// whatever answer came (an unknown outcome, a gateway or storage failure alike), so a retry with
/// the same key can never send a second capture or refund. Only an answer given before anything
/// was written (validation, a state conflict, an unknown payment) releases the key.
pub async fn run_keeping_unknown<F, Fut>(
    state: &AppState,
    scope: &str,
    key: &str,
    request_hash: &str,
    op: F,
) -> Result<(StatusCode, Value)>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<(StatusCode, Value)>>,
{
    run_inner(state, scope, key, request_hash, true, op).await
}

async fn run_inner<F, Fut>(
    state: &AppState,
    scope: &str,
    key: &str,
    request_hash: &str,
    keep_after_send: bool,
    op: F,
) -> Result<(StatusCode, Value)>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<(StatusCode, Value)>>,
{
    match claim(state, scope, key, request_hash).await? {
        Claim::Stored(status, body) if status.is_success() => Ok((status, body)),
        // A stored error answer is replayed as the same error.
        Claim::Stored(status, body) => Err(AppError::Replayed(status, body)),
        Claim::Owner => match op().await {
            Ok((status, body)) => {
                complete(state, scope, key, status, &body).await?;
                Ok((status, body))
            }
            Err(e @ AppError::GatewayRefused { .. }) => {
                complete(state, scope, key, e.status(), &e.body()).await?;
                Err(e)
            }
            Err(
                e @ (AppError::GatewayUnknown(_)
                | AppError::GatewayError(_)
                | AppError::Storage(_)
                | AppError::Internal(_)),
            ) if keep_after_send => {
                // If storage itself is down this fails too; the key then stays unanswered
                // under its lease and the next holder finds the operation by key.
                let _ = complete(state, scope, key, e.status(), &e.body()).await;
                Err(e)
            }
            Err(e) => {
                release(state, scope, key).await?;
                Err(e)
            }
        },
    }
}
