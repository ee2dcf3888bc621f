//! The shop backend's operations on an authorized payment, under the same faults: captures
//! (full, partial, two partial), partial refunds, cancels, and a capture racing a cancel. Each
//! request has its own idempotency key and is retried with that key when its answer is lost.
//!
//! Within one payment every capture and every refund asks a different amount, so that the
//! gateway's ledger tells which key each entry came from.

use std::time::Duration;

use rand::Rng;
use rand::rngs::StdRng;
use serde_json::json;

use crate::Ctx;
use crate::buyer::Op;
use crate::web::{Reply, backoff, send};

/// Runs one scenario, drawn from `rng`, on payment `pid` of `amount`; returns the requests made.
pub async fn run(ctx: &Ctx, rng: &mut StdRng, index: usize, pid: &str, amount: i64) -> Vec<Op> {
    let key = |rng: &mut StdRng, what: &str| format!("{what}-{index}-{:08x}", rng.random::<u32>());
    let mut ops = Vec::new();
    match rng.random_range(0..6) {
        0 => ops.push(op(ctx, pid, "capture", Some(amount), key(rng, "cap")).await),
        1 => {
            // Two partial captures, the second smaller than the first.
            let first = amount * 2 / 5 + rng.random_range(0..50);
            let second = amount * 2 / 5 - rng.random_range(1..50);
            ops.push(op(ctx, pid, "capture", Some(first), key(rng, "cap")).await);
            ops.push(op(ctx, pid, "capture", Some(second), key(rng, "cap")).await);
        }
        2 => {
            let captured = amount * 3 / 5;
            ops.push(op(ctx, pid, "capture", Some(captured), key(rng, "cap")).await);
            if wait_captured(ctx, pid).await {
                ops.push(op(ctx, pid, "refund", Some(captured / 3), key(rng, "ref")).await);
            }
        }
        3 => ops.push(op(ctx, pid, "cancel", None, key(rng, "can")).await),
        4 => {
            // The shop's two back-office screens disagree: a capture and a cancel at once.
            let (k1, k2) = (key(rng, "cap"), key(rng, "can"));
            let (a, b) = tokio::join!(
                op(ctx, pid, "capture", Some(amount / 2 + 1), k1),
                op(ctx, pid, "cancel", None, k2)
            );
            ops.push(a);
            ops.push(b);
        }
        _ => {
            ops.push(op(ctx, pid, "capture", Some(amount), key(rng, "cap")).await);
            if wait_captured(ctx, pid).await {
                ops.push(op(ctx, pid, "refund", Some(amount / 4), key(rng, "ref")).await);
                ops.push(op(ctx, pid, "refund", Some(amount / 3), key(rng, "ref")).await);
            }
        }
    }
    ops
}

/// One operation, retried with the same key while no final answer comes back.
async fn op(ctx: &Ctx, pid: &str, kind: &'static str, amount: Option<i64>, key: String) -> Op {
    let url = format!("{}/api/payments/{pid}/{kind}", ctx.server);
    let body = match amount {
        Some(a) => json!({ "amount": a }),
        None => json!({}),
    };
    let mut status = None;
    for t in 0..5u32 {
        let rb = ctx
            .http
            .post(&url)
            .bearer_auth(crate::ADMIN_TOKEN)
            .header("idempotency-key", &key)
            .json(&body);
        let r = send(rb).await;
        match &r {
            Reply::Http(409, _) if r.error_code() == "idempotency_key_in_use" => status = Some(409),
            Reply::Http(st, _) if !r.retryable() => {
                return Op {
                    kind,
                    key,
                    amount,
                    status: Some(*st),
                };
            }
            Reply::Http(st, _) => status = Some(*st),
            Reply::Transport => {}
        }
        backoff(t).await;
    }
    Op {
        kind,
        key,
        amount,
        status,
    }
}

/// Waits (bounded) until the server shows a capture on the payment: a refund needs one, and a
/// capture whose answer was lost is settled by the server in the background.
async fn wait_captured(ctx: &Ctx, pid: &str) -> bool {
    for _ in 0..12 {
        let rb = ctx
            .http
            .get(format!("{}/api/payments/{pid}", ctx.server))
            .bearer_auth(crate::ADMIN_TOKEN);
        if let Reply::Http(200, v) = send(rb).await {
            if v["capturedAmount"].as_i64().unwrap_or(0) > 0 {
                return true;
            }
            if matches!(v["status"].as_str(), Some("cancelled" | "refused")) {
                return false;
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    false
}
