//! Notifications to the merchant's `notificationURL` (Payline URL notification):
//! an HTTP GET with query parameters, the type in `notificationType`.
//!
//! Delivery is asynchronous: operations only insert a row (in their own transaction); a
//! background task sends it. Each attempt has a 2 s timeout; a failed notification is tried
//! again one minute of sandbox time later, for 2 hours of sandbox time from its first attempt,
//! then abandoned. Attempts the clock jumped over are not replayed: after a jump, one attempt is
//! made and the next is one sandbox minute after it. Every attempt is recorded. A WEBTRS
//! notification still pending when the merchant fetches the result (getWebPaymentDetails)
//! becomes `FETCHED` and is not sent again.
//!
//! Payline requires the notification page to be reachable over HTTPS: `https` URLs are verified
//! against the platform's roots plus the configuration's `notification_ca_file` (a local
//! receiver's own CA). A certificate that does not verify is a failed attempt, recorded with the
//! TLS reason and retried like any other failure; it is never skipped.

use std::sync::{Arc, Weak};
use std::time::Duration;

use serde::Serialize;
use sqlx::{Row, SqliteConnection};
use time::OffsetDateTime;

use crate::error::{Result, SandboxError};
use crate::{Inner, Sandbox};

/// Per-attempt timeout.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(2);
/// Sandbox time between two attempts.
pub const RETRY_EVERY: time::Duration = time::Duration::minutes(1);
/// Sandbox time after which a failing notification is abandoned.
pub const RETRY_WINDOW: time::Duration = time::Duration::hours(2);

/// Notification types of Payline (Payline notifications).
pub mod kind {
    /// Hosted payment session finished: `token`.
    pub const WEBTRS: &str = "WEBTRS";
    /// Hosted wallet page finished: `token`.
    pub const WEBWALLET: &str = "WEBWALLET";
    /// Transaction created: `transactionId`.
    pub const TRS: &str = "TRS";
    /// Wallet payment: `transactionId`, `walletId`.
    pub const TRSWALLET: &str = "TRSWALLET";
    /// Wallet created or updated: `walletId`, `contractNumber`.
    pub const WALLET: &str = "WALLET";
    /// Due date of a schedule processed: `paymentRecordId`, `walletId`, `transactionId`,
    /// `billingRecordDate`, `orderRef`.
    pub const BILL: &str = "BILL";
}

/// Records a notification to send (when there is a URL). Part of the caller's transaction, so
/// a rolled-back operation notifies nothing.
pub async fn enqueue(
    conn: &mut SqliteConnection,
    merchant_id: &str,
    url: Option<&str>,
    notification_type: &str,
    params: &[(&str, &str)],
    now: OffsetDateTime,
) -> Result<()> {
    let Some(url) = url.map(str::trim).filter(|u| !u.is_empty()) else { return Ok(()) };
    let query = {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("notificationType", notification_type);
        for (k, v) in params {
            q.append_pair(k, v);
        }
        q.finish()
    };
    let t = now.unix_timestamp();
    sqlx::query(
        "INSERT INTO notifications (merchant_id, notification_type, url, query, status, created_at, window_start, \
         next_attempt_at) VALUES (?, ?, ?, ?, 'PENDING', ?, ?, ?)",
    )
    .bind(merchant_id)
    .bind(notification_type)
    .bind(url)
    .bind(query)
    .bind(t)
    .bind(t)
    .bind(t)
    .execute(conn)
    .await?;
    Ok(())
}

/// One delivery attempt, as `GET /sandbox/notifications` shows it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttemptView {
    #[serde(with = "time::serde::rfc3339")]
    at: OffsetDateTime,
    http_status: Option<i64>,
    error: Option<String>,
}

/// A notification and its attempts.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationView {
    id: i64,
    notification_type: String,
    /// The full URL called (query included).
    url: String,
    status: String,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    attempts: Vec<AttemptView>,
}

fn at(t: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(t).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn full_url(url: &str, query: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{query}")
}

/// The merchant's notifications, oldest first (`id` = one only).
pub async fn list(conn: &mut SqliteConnection, merchant_id: &str, id: Option<i64>) -> Result<Vec<NotificationView>> {
    let rows = sqlx::query(
        "SELECT id, notification_type, url, query, status, created_at FROM notifications \
         WHERE merchant_id = ? AND (? IS NULL OR id = ?) ORDER BY id",
    )
    .bind(merchant_id)
    .bind(id)
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id: i64 = r.try_get("id")?;
        let attempts = sqlx::query("SELECT at, http_status, error FROM notification_attempts WHERE notification_id = ? ORDER BY id")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .map(|a| -> Result<AttemptView> {
                Ok(AttemptView { at: at(a.try_get("at")?), http_status: a.try_get("http_status")?, error: a.try_get("error")? })
            })
            .collect::<Result<Vec<_>>>()?;
        let url: String = r.try_get("url")?;
        let query: String = r.try_get("query")?;
        out.push(NotificationView {
            id,
            notification_type: r.try_get("notification_type")?,
            url: full_url(&url, &query),
            status: r.try_get("status")?,
            created_at: at(r.try_get("created_at")?),
            attempts,
        });
    }
    Ok(out)
}

/// Makes a notification due now again, with a fresh 2-hour window. `false` when unknown.
pub async fn resend(conn: &mut SqliteConnection, merchant_id: &str, id: i64, now: OffsetDateTime) -> Result<bool> {
    let t = now.unix_timestamp();
    let done = sqlx::query(
        "UPDATE notifications SET status = 'PENDING', window_start = ?, next_attempt_at = ?, lease_until = NULL \
         WHERE merchant_id = ? AND id = ?",
    )
    .bind(t)
    .bind(t)
    .bind(merchant_id)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The HTTP client of the notifier, built once per sandbox: rustls on ring, the platform's
/// roots and the configured extra roots, no proxy, no redirects (a notification is one GET to the
/// merchant's URL, not to wherever it points), 2 s per attempt.
pub(crate) fn client(config: &crate::Config) -> Result<reqwest::Client> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject as _;

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let ca_error = |path: &std::path::Path, reason: String| {
        crate::config::ConfigError::NotificationCa { path: path.display().to_string(), reason }
    };
    let extra: Vec<CertificateDer<'static>> = match &config.notification_ca_file {
        None => Vec::new(),
        Some(path) => {
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| ca_error(path, e.to_string()))?
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(|e| ca_error(path, e.to_string()))?;
            if certs.is_empty() {
                return Err(ca_error(path, "no CERTIFICATE block".to_owned()).into());
            }
            certs
        }
    };
    let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider.clone())
        .map_err(|e| crate::config::ConfigError::NotificationCa { path: "(platform roots)".to_owned(), reason: e.to_string() })?;
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|_| SandboxError::Bug("rustls protocol versions"))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .timeout(ATTEMPT_TIMEOUT)
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("payline-sandbox/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|_| SandboxError::Bug("notification HTTP client"))
}

fn real_now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// Sends every notification due at the sandbox `now`, each in its own task; returns at once.
pub async fn dispatch_due(sandbox: &Sandbox) -> Result<()> {
    let now = sandbox.clock().now().await?.unix_timestamp();
    let real = real_now();
    let due: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, url, query FROM notifications WHERE status = 'PENDING' AND next_attempt_at <= ? \
         AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_attempt_at, id LIMIT 100",
    )
    .bind(now)
    .bind(real)
    .fetch_all(sandbox.pool())
    .await?;
    for (id, url, query) in due {
        // The lease keeps another process (or the next tick) from sending the same attempt.
        let claimed = sqlx::query(
            "UPDATE notifications SET lease_until = ? WHERE id = ? AND status = 'PENDING' \
             AND (lease_until IS NULL OR lease_until < ?)",
        )
        .bind(real + 10)
        .bind(id)
        .bind(real)
        .execute(sandbox.pool())
        .await?;
        if claimed.rows_affected() != 1 {
            continue;
        }
        let sandbox = sandbox.clone();
        tokio::spawn(async move {
            let outcome = send(sandbox.notifier(), &full_url(&url, &query)).await;
            if let Err(e) = record_attempt(&sandbox, id, outcome).await {
                tracing::warn!(error = %e, notification = id, "could not record a notification attempt");
            }
        });
    }
    Ok(())
}

async fn send(client: &reqwest::Client, url: &str) -> std::result::Result<u16, String> {
    match client.get(url).send().await {
        Ok(r) => Ok(r.status().as_u16()),
        Err(e) if e.is_timeout() => Err("timeout (2 s)".to_owned()),
        Err(e) => match tls_reason(&e) {
            // The merchant needs to know why an https receiver is refused (unknown issuer, name
            // mismatch, expired): the rustls error says it and holds no secret.
            Some(reason) => Err(format!("TLS: {reason}")),
            None if e.is_connect() => Err("connection failed".to_owned()),
            None => Err("request failed".to_owned()),
        },
    }
}

/// The rustls error behind a failed request, if any.
fn tls_reason(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut next = Some(e);
    while let Some(err) = next {
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            return Some(tls.to_string());
        }
        // The connector wraps rustls' error in io::Errors, whose `source()` skips the wrapped
        // error itself: step into it instead.
        next = match err.downcast_ref::<std::io::Error>().and_then(std::io::Error::get_ref) {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => err.source(),
        };
    }
    None
}

async fn record_attempt(sandbox: &Sandbox, id: i64, outcome: std::result::Result<u16, String>) -> Result<()> {
    let now = sandbox.clock().now().await?;
    let t = now.unix_timestamp();
    let (status, error) = match &outcome {
        Ok(s) => (Some(i64::from(*s)), None),
        Err(e) => (None, Some(e.clone())),
    };
    let delivered = matches!(outcome, Ok(s) if (200..300).contains(&s));
    let mut tx = sandbox.pool().begin().await?;
    sqlx::query("INSERT INTO notification_attempts (notification_id, at, http_status, error) VALUES (?, ?, ?, ?)")
        .bind(id)
        .bind(t)
        .bind(status)
        .bind(error)
        .execute(&mut *tx)
        .await?;
    let (window_start,): (i64,) = sqlx::query_as("SELECT window_start FROM notifications WHERE id = ?").bind(id).fetch_one(&mut *tx).await?;
    let next = t + RETRY_EVERY.whole_seconds();
    let new_status = if delivered {
        "DELIVERED"
    } else if next > window_start + RETRY_WINDOW.whole_seconds() {
        "ABANDONED"
    } else {
        "PENDING"
    };
    sqlx::query(
        "UPDATE notifications SET status = ?, attempts = attempts + 1, next_attempt_at = ?, lease_until = NULL, \
         delivered_at = CASE WHEN ? THEN ? ELSE delivered_at END WHERE id = ? AND status = 'PENDING'",
    )
    .bind(new_status)
    .bind(next)
    .bind(delivered)
    .bind(t)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Background work of a sandbox: due billing records (real time passing) and notifications.
/// Woken by clock moves and operations; stops when the sandbox is dropped.
pub(crate) fn spawn_worker(inner: Weak<Inner>, wake: Arc<tokio::sync::Notify>) {
    let Ok(handle) = tokio::runtime::Handle::try_current() else { return };
    handle.spawn(async move {
        loop {
            tokio::select! {
                () = wake.notified() => {}
                () = tokio::time::sleep(Duration::from_millis(500)) => {}
            }
            let Some(inner) = inner.upgrade() else { return };
            let sandbox = Sandbox { inner };
            if let Err(e) = crate::scheduler::run_due_now(&sandbox).await {
                tracing::warn!(error = %e, "scheduler pass failed");
            }
            if let Err(e) = dispatch_due(&sandbox).await {
                tracing::warn!(error = %e, "notification pass failed");
            }
        }
    });
}
