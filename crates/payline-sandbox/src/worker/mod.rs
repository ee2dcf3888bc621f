//! The background worker, the top of the engine: bills due dates and runs deferred captures
//! ([`scheduler`]), then sends due notifications ([`delivery`]).
//!
//! It drives the operations and reads the outbox; nothing below calls back into it. Operations
//! only wake it ([`Sandbox::wake`]).

pub(crate) mod delivery;
pub(crate) mod scheduler;

use std::time::Duration;

use crate::state::Sandbox;

/// Background work of a sandbox: due billing records (real time passing) and notifications.
/// Woken by clock moves and operations, and every 500 ms; stops when the sandbox is dropped.
pub(crate) fn spawn(sandbox: &Sandbox) {
    let Ok(handle) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let weak = sandbox.downgrade();
    handle.spawn(async move {
        loop {
            tokio::select! {
                () = weak.woken() => {}
                () = tokio::time::sleep(Duration::from_millis(500)) => {}
            }
            let Some(sandbox) = weak.upgrade() else {
                return;
            };
            if let Err(e) = scheduler::run_due_now(&sandbox).await {
                tracing::warn!(error = %e, "scheduler pass failed");
            }
            if let Err(e) = delivery::dispatch_due(&sandbox).await {
                tracing::warn!(error = %e, "notification pass failed");
            }
        }
    });
}
