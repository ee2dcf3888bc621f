//! The background worker of each instance: expires sessions, reconciles payments whose outcome
//! is unknown (or that stalled mid-call), delivers shop webhooks. Every step claims its rows
//! with a compare-and-set, so several instances can run it against one database.

use std::time::Duration;

use crate::error::Result;
use crate::payments::{self, Payment};
use crate::state::AppState;

/// How often the worker runs.
pub const TICK: Duration = Duration::from_secs(2);

/// A payment stuck in `processing` this long (the instance died mid-call) is treated as
/// unknown and reconciled.
pub const STALE_MS: i64 = 2 * 60 * 1000;

/// One round of work; returns (expired sessions, reconciled payments, delivered events).
pub async fn run_once(state: &AppState, http: Option<&reqwest::Client>) -> Result<(u64, usize, usize)> {
    let expired = crate::sessions::expire_due(state).await?;
    // Stalled calls become unknown first: only a reconciliation may settle them.
    sqlx::query("UPDATE payments SET status = 'unknown', updated_at = $1 WHERE status = 'processing' AND updated_at <= $2")
        .bind(state.now_ms())
        .bind(state.now_ms() - STALE_MS)
        .execute(state.store().pool())
        .await?;
    let rows = sqlx::query("SELECT * FROM payments WHERE status = 'unknown' ORDER BY updated_at LIMIT 50")
        .fetch_all(state.store().pool())
        .await?;
    let mut reconciled = 0;
    for r in &rows {
        let p = Payment::from_row(r)?;
        crate::checkout::reconcile(state, &p).await?;
        if payments::load(state, &p.id).await?.is_some_and(|q| q.status != payments::status::UNKNOWN) {
            reconciled += 1;
        }
    }
    // Back-office operations whose outcome is unknown: the transaction's history at the
    // gateway is authoritative.
    let ops = sqlx::query(
        "SELECT DISTINCT p.id, p.transaction_id FROM operations o JOIN payments p ON p.id = o.payment_id \
         WHERE o.status = 'unknown' AND o.kind <> 'authorization' AND p.transaction_id IS NOT NULL LIMIT 50",
    )
    .fetch_all(state.store().pool())
    .await?;
    for r in &ops {
        let (pid, txn) = (crate::store::text(r, "id")?, crate::store::text(r, "transaction_id")?);
        if crate::routes::notify::apply_transaction(state, &txn).await.is_ok() {
            sqlx::query("UPDATE operations SET status = 'reconciled', updated_at = $1 WHERE payment_id = $2 AND status = 'unknown'")
                .bind(state.now_ms())
                .bind(&pid)
                .execute(state.store().pool())
                .await?;
            reconciled += 1;
        }
    }
    let delivered = match http {
        Some(c) => crate::webhook::deliver_due(state, c).await?,
        None => 0,
    };
    Ok((expired, reconciled, delivered))
}

/// Runs [`run_once`] every [`TICK`] until the task is dropped.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let roots = state.settings().webhook.as_ref().map(|w| w.extra_roots.clone()).unwrap_or_default();
        let http = crate::http::client_trusting(Duration::from_secs(10), &roots);
        loop {
            if let Err(e) = run_once(&state, http.as_ref()).await {
                tracing::warn!(error = %e, "background round failed");
            }
            tokio::time::sleep(TICK).await;
        }
    })
}
