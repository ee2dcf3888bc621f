//! The scheduler: bills the due dates of payment records on the sandbox clock.
//!
//! Guarantees:
//! * **date order**: due billing records are processed oldest first (due instant, then id),
//!   each at its own due instant (00:00 UTC of the due date, or the retry instant), so a ledger
//!   entry carries the date it was due, not the date the clock was moved to;
//! * **exactly once**: a billing record is claimed (its try counted, guarded by the values read)
//!   and completed — ledger entry, status, notification, next due date — in one database
//!   transaction whose first statement is the claim. A crash before the commit leaves the record
//!   due; after it, done. Two processes sharing the database cannot both claim one try;
//! * **catch-up**: moving the clock, starting the sandbox and a background tick every 500 ms all
//!   run every record due up to the sandbox now.

use time::OffsetDateTime;

use crate::engine::{records, Ctx};
use crate::error::Result;
use crate::Sandbox;

type Due = (i64, i64, i64, i64, String);

async fn next_due(sandbox: &Sandbox, until: i64) -> Result<Option<Due>> {
    Ok(sqlx::query_as(
        "SELECT b.id, b.status, b.nb_try, b.next_try_at, p.merchant_id FROM billing_records b \
         JOIN payment_records p ON p.id = b.payment_record_id \
         WHERE b.status IN (0, 3) AND b.next_try_at <= ? AND p.disabled_at IS NULL \
         ORDER BY b.next_try_at, b.id LIMIT 1",
    )
    .bind(until)
    .fetch_optional(sandbox.pool())
    .await?)
}

/// Bills every due date up to `until`, in date order; returns how many tries ran. The caller
/// holds the sandbox's write lock.
pub async fn run_due(sandbox: &Sandbox, until: OffsetDateTime) -> Result<u32> {
    let until = until.unix_timestamp();
    let mut ran = 0;
    // Ids that could not be billed by this process (merchant no longer configured): skipped.
    let mut skipped = Vec::new();
    while let Some((id, status, nb_try, next, merchant_id)) = next_due(sandbox, until).await? {
        let Some(merchant) = sandbox.config().merchant(&merchant_id) else {
            if skipped.contains(&id) {
                break;
            }
            skipped.push(id);
            continue;
        };
        let at = OffsetDateTime::from_unix_timestamp(next).map_err(|_| crate::error::SandboxError::Bug("due instant"))?;
        let mut tx = sandbox.pool().begin().await?;
        if !records::claim(&mut tx, id, status, nb_try, next).await? {
            // Another process billed it first.
            continue;
        }
        let mut ctx = Ctx { conn: &mut tx, vault: sandbox.vault(), merchant, now: at, public_url: String::new() };
        records::bill(&mut ctx, id).await?;
        tx.commit().await?;
        ran += 1;
    }
    Ok(ran)
}

/// [`run_due`] up to the sandbox now, under the write lock; wakes the notifier when it billed.
pub async fn run_due_now(sandbox: &Sandbox) -> Result<u32> {
    let ran = {
        let _guard = sandbox.lock().await;
        let now = sandbox.clock().now().await?;
        run_due(sandbox, now).await?
    };
    if ran > 0 {
        sandbox.wake();
    }
    Ok(ran)
}
