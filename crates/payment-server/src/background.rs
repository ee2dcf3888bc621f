//! The background workers of each instance:
//!
//! * the **reconciler**: attempts whose doAuthorization outcome is unknown (or whose instance
//!   died while a call was out), closed attempts watched for a late-landing authorization,
//!   back-office operations with an unknown outcome, and orphan authorizations to cancel;
//! * the **sweeper**: sessions past their expiry, 3-D Secure waits past theirs, retention;
//! * the **webhook deliverer**, on its own task so that a slow shop endpoint never delays a
//!   reconciliation.
//!
//! Every row is claimed with a lease and its next check pushed back (exponential backoff)
//! before it is worked on, so several instances on one database never work a row twice, a row
//! that keeps failing never starves the ones behind it, and one failing row is logged and
//! skipped, never aborting the round.

use std::time::Duration;

use payline_protocol::Operation;
use payline_protocol::messages::{DoResetRequest, VERSION};
use payline_protocol::values::Outcome;

use crate::error::Result;
use crate::gateway::{code_message, outcome_of};
use crate::model::OrphanStatus;
use crate::repo;
use crate::state::AppState;

/// Rows looked at per kind and round.
const BATCH: i64 = 50;

/// Retention of answered idempotency keys (a client retries within minutes, not days).
pub const KEY_RETENTION_MS: i64 = 24 * 3600 * 1000;
/// Retention of consumed tokenizer blob hashes (a blob names one attempt of one session, which
/// ends within hours).
pub const BLOB_RETENTION_MS: i64 = 7 * 24 * 3600 * 1000;
/// Retention of delivered webhook events and their attempts.
pub const WEBHOOK_RETENTION_MS: i64 = 30 * 24 * 3600 * 1000;

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    /// Sessions expired.
    pub expired: u64,
    /// Rows checked by the reconciler (attempts, operations, orphans).
    pub checked: usize,
    /// Rows whose check failed (logged, retried later).
    pub failed: usize,
    /// Webhook events delivered.
    pub delivered: usize,
}

/// One reconciler and sweeper round (without webhook delivery).
pub async fn run_once(state: &AppState) -> Result<Round> {
    let mut round = Round {
        expired: crate::sessions::expire_due(state).await?,
        ..Round::default()
    };
    for row in repo::expired_waits(state, BATCH).await? {
        isolate(
            &mut round,
            "3-D Secure wait expiry",
            crate::checkout::expire_wait(state, &row).await,
        );
    }
    for row in repo::due_attempts(state, BATCH).await? {
        let next = state.now_ms() + repo::backoff_ms(state, row.checks);
        if !repo::claim_attempt(state, &row, next).await? {
            continue;
        }
        round.checked += 1;
        isolate(
            &mut round,
            "attempt reconciliation",
            crate::hosted::reconcile_any(state, &row).await,
        );
        repo::release_claim(
            state,
            repo::Claimed::Attempt,
            &row.key.payment_id,
            row.key.n,
        )
        .await?;
    }
    for op in repo::due_operations(state, BATCH).await? {
        let next = state.now_ms() + repo::backoff_ms(state, op.checks);
        if !repo::claim_operation(state, &op, next).await? {
            continue;
        }
        round.checked += 1;
        isolate(
            &mut round,
            "operation reconciliation",
            crate::backoffice::reconcile_operation(state, &op).await,
        );
        repo::release_claim(state, repo::Claimed::Operation, &op.id, 0).await?;
    }
    for o in repo::due_orphans(state, BATCH).await? {
        let next = state.now_ms() + repo::backoff_ms(state, o.checks);
        if !repo::claim_orphan(state, &o, next).await? {
            continue;
        }
        round.checked += 1;
        isolate(
            &mut round,
            "orphan cancellation",
            cancel_orphan(state, &o).await,
        );
        repo::release_claim(state, repo::Claimed::Orphan, &o.transaction_id, 0).await?;
    }
    // Saved cards whose wallet call (save or deletion) failed or whose process died.
    for (id, status) in crate::wallets::due_cards(state, BATCH).await? {
        if !crate::wallets::claim_card(state, &id, status).await? {
            continue;
        }
        round.checked += 1;
        let r = match status {
            crate::model::CardStatus::Deleting => crate::wallets::run_delete(state, &id).await,
            _ => crate::schedules::save_card(state, &id).await,
        };
        isolate(&mut round, "saved card", r);
    }
    // Schedules: registrations due, unknown ones past their deadline, due dates passed.
    for (id, status) in crate::schedules::due(state, BATCH).await? {
        round.checked += 1;
        isolate(
            &mut round,
            "schedule",
            crate::schedules::reconcile(state, &id, &status).await,
        );
    }
    watch_age(state).await?;
    retention(state).await?;
    Ok(round)
}

fn isolate(round: &mut Round, what: &str, r: Result<()>) {
    if let Err(e) = r {
        round.failed += 1;
        tracing::warn!(error = %e, "{what} failed; retried later");
    }
}

/// Cancels an accepted authorization nobody owns. The gateway's history is read first, so a
/// doReset whose answer was lost (or a second instance) never resets twice; the doReset itself
/// is recorded as sent before it leaves.
pub async fn cancel_orphan(state: &AppState, o: &repo::Orphan) -> Result<()> {
    let h = match crate::backoffice::history(state, &o.transaction_id).await {
        Ok(Some((_, h))) => h,
        Ok(None) => {
            tracing::warn!(transaction = %o.transaction_id, "orphan unknown to the gateway");
            return repo::orphan_done(state, o, OrphanStatus::Failed).await;
        }
        Err(e) => {
            tracing::warn!(transaction = %o.transaction_id, error = %e, "orphan check: gateway unavailable, retrying later");
            return Ok(());
        }
    };
    if h.reset {
        tracing::warn!(transaction = %o.transaction_id, order_ref = %o.order_ref, reason = %o.reason, "orphan authorization cancelled");
        state.metrics().money("orphan_cancelled");
        return repo::orphan_done(state, o, OrphanStatus::Cancelled).await;
    }
    if h.captured > 0 {
        // Settled money is not ours to void: an operator refunds it.
        tracing::error!(transaction = %o.transaction_id, "orphan authorization already captured: refund it by hand");
        return repo::orphan_done(state, o, OrphanStatus::Failed).await;
    }
    repo::orphan_sending(state, &o.transaction_id).await?;
    let req = DoResetRequest {
        version: VERSION.to_owned(),
        transaction_id: o.transaction_id.clone(),
        comment: Some("card-capture: authorization without an order".to_owned()),
        media: None,
        amount: None,
        currency: None,
        private_data_list: None,
        sequence_number: None,
    };
    match state.gateway().call(&req).await {
        Ok(res)
            if matches!(
                outcome_of(Operation::DoReset, &res),
                Outcome::Accepted | Outcome::AcceptedWithWarning
            ) =>
        {
            tracing::warn!(transaction = %o.transaction_id, order_ref = %o.order_ref, reason = %o.reason, "orphan authorization cancelled");
            state.metrics().money("orphan_cancelled");
            repo::orphan_done(state, o, OrphanStatus::Cancelled).await
        }
        Ok(res) => {
            // Refused: the next round reads the history again (already reset, captured, …).
            let (code, _) = code_message(&res);
            tracing::warn!(transaction = %o.transaction_id, code, "doReset of an orphan refused; checking again later");
            Ok(())
        }
        Err(e) => {
            tracing::warn!(transaction = %o.transaction_id, error = %e, "doReset of an orphan failed; checking again later");
            Ok(())
        }
    }
}

/// How long before an undecided payment is worth an operator's look: well past the grace
/// window, the reconciler should long have decided.
fn undecided_alarm_ms(state: &AppState) -> i64 {
    state.settings().money.not_found_grace_ms + 10 * 60 * 1000
}

async fn watch_age(state: &AppState) -> Result<()> {
    let age = repo::undecided_oldest_ms(state).await?;
    state.metrics().set_undecided_age(age.unwrap_or(0));
    if let Some(a) = age
        && a > undecided_alarm_ms(state)
    {
        tracing::warn!(
            age_ms = a,
            "a payment has been undecided for too long: check the gateway connection"
        );
    }
    Ok(())
}

/// Deletes what nobody needs any more: answered idempotency keys, blob hashes, delivered
/// webhook events.
async fn retention(state: &AppState) -> Result<()> {
    let now = state.now_ms();
    let pool = state.store().pool();
    sqlx::query("DELETE FROM idempotency_keys WHERE (completed_at IS NOT NULL AND completed_at < $1) OR (completed_at IS NULL AND created_at < $1 AND (lease_until IS NULL OR lease_until < $2))")
        .bind(now - KEY_RETENTION_MS)
        .bind(now)
        .execute(pool)
        .await?;
    sqlx::query("DELETE FROM consumed_blobs WHERE created_at < $1")
        .bind(now - BLOB_RETENTION_MS)
        .execute(pool)
        .await?;
    sqlx::query("DELETE FROM webhook_attempts WHERE event_id IN (SELECT id FROM webhook_events WHERE status = 'delivered' AND delivered_at < $1)")
        .bind(now - WEBHOOK_RETENTION_MS)
        .execute(pool)
        .await?;
    sqlx::query("DELETE FROM webhook_events WHERE status = 'delivered' AND delivered_at < $1")
        .bind(now - WEBHOOK_RETENTION_MS)
        .execute(pool)
        .await?;
    Ok(())
}

/// The worker tasks: the reconciler/sweeper and the webhook deliverer, each every
/// `RECONCILE_INTERVAL_MS`, until dropped.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    let every = state.settings().money.worker_interval;
    let webhooks = state.clone();
    let deliverer = tokio::spawn(async move {
        let roots = webhooks
            .settings()
            .webhook
            .as_ref()
            .map(|w| w.extra_roots.clone())
            .unwrap_or_default();
        let Some(http) = crate::http::client_trusting(Duration::from_secs(10), &roots) else {
            return;
        };
        loop {
            if let Err(e) = crate::webhook::deliver_due(&webhooks, &http).await {
                tracing::warn!(error = %e, "webhook round failed");
            }
            tokio::time::sleep(every).await;
        }
    });
    tokio::spawn(async move {
        // Aborting this task also stops the deliverer.
        let _guard = AbortOnDrop(deliverer);
        loop {
            if let Err(e) = run_once(&state).await {
                tracing::warn!(error = %e, "background round failed");
            }
            tokio::time::sleep(every).await;
        }
    })
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
