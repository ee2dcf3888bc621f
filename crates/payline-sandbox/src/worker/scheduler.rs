//! The scheduler: bills the due dates of payment records on the sandbox clock.
//!
//! Also runs the deferred captures of DIF authorizations (Payline `payment.differedActionDate`),
//! with the same guarantees.
//!
//! Guarantees:
//! * **date order**: due billing records and deferred captures are processed oldest first (due
//!   instant, then id; a billing before a capture due at the same instant, since billing a DIF
//!   due date may plan a capture for that instant), each at its own due instant (00:00 UTC of the
//!   due date, or the retry instant), so a ledger entry carries the date it was due, not the date
//!   the clock was moved to;
//! * **exactly once**: a billing record (or a deferred capture) is claimed — its try counted (or
//!   its status moved off `PENDING`), guarded by the values read — and completed — ledger entry,
//!   status, notification, next due date — in one database transaction whose first statement is
//!   the claim. A crash before the commit leaves it due; after it, done. Two processes sharing
//!   the database cannot both claim one try;
//! * **catch-up**: moving the clock, starting the sandbox and a background tick every 500 ms all
//!   run everything due up to the sandbox now.

use time::OffsetDateTime;

use crate::engine::ctx::Ctx;
use crate::engine::payments;
use crate::engine::records;
use crate::error::Result;
use crate::state::Sandbox;
use crate::store::billing_records::{self, BillingStatus};
use crate::store::ledger::deferred;

/// The next job: a billing record, or a deferred capture (authorization id, due instant).
enum Job {
    Billing {
        id: i64,
        status: BillingStatus,
        nb_try: i64,
        next: i64,
    },
    Capture {
        authorization_id: String,
        due: i64,
    },
}

impl Job {
    fn key(&self) -> String {
        match self {
            Job::Billing { id, .. } => format!("billing:{id}"),
            Job::Capture {
                authorization_id, ..
            } => format!("capture:{authorization_id}"),
        }
    }
}

async fn next_job(sandbox: &Sandbox, until: i64) -> Result<Option<(Job, i64, String)>> {
    let billing = billing_records::next_due(&mut *sandbox.pool().acquire().await?, until).await?;
    let capture = deferred::next_due(sandbox.pool(), until).await?;
    Ok(match (billing, capture) {
        (Some(b), Some((authorization_id, due, merchant))) if due < b.3 => Some((
            Job::Capture {
                authorization_id,
                due,
            },
            due,
            merchant,
        )),
        (Some((id, status, nb_try, next, merchant)), _) => Some((
            Job::Billing {
                id,
                status,
                nb_try,
                next,
            },
            next,
            merchant,
        )),
        (None, Some((authorization_id, due, merchant))) => Some((
            Job::Capture {
                authorization_id,
                due,
            },
            due,
            merchant,
        )),
        (None, None) => None,
    })
}

/// Runs every due date and deferred capture up to `until`, in date order; returns how many
/// ran. The caller holds the sandbox's write lock.
pub(crate) async fn run_due(sandbox: &Sandbox, until: OffsetDateTime) -> Result<u32> {
    let until = until.unix_timestamp();
    let mut ran = 0;
    // Jobs that could not run in this process (merchant no longer configured): skipped.
    let mut skipped = Vec::new();
    while let Some((job, at, merchant_id)) = next_job(sandbox, until).await? {
        let Some(merchant) = sandbox.config().merchant(&merchant_id) else {
            let key = job.key();
            if skipped.contains(&key) {
                break;
            }
            skipped.push(key);
            continue;
        };
        let at = OffsetDateTime::from_unix_timestamp(at)
            .map_err(|_| crate::error::SandboxError::Bug("due instant"))?;
        let mut tx = sandbox.pool().begin().await?;
        let claimed = match &job {
            Job::Billing {
                id,
                status,
                nb_try,
                next,
            } => billing_records::claim(&mut tx, *id, *status, *nb_try, *next).await?,
            Job::Capture {
                authorization_id,
                due,
            } => deferred::claim(&mut tx, authorization_id, *due, at).await?,
        };
        if !claimed {
            // Another process ran it first.
            continue;
        }
        let mut ctx = Ctx {
            conn: &mut tx,
            vault: sandbox.vault(),
            merchant,
            now: at,
            public_url: String::new(),
        };
        match &job {
            Job::Billing { id, .. } => records::bill(&mut ctx, *id).await?,
            Job::Capture {
                authorization_id, ..
            } => payments::run_deferred_capture(&mut ctx, authorization_id).await?,
        }
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
