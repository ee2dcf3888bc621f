//! Notifications to the merchant's `notificationURL` (Payline URL notification):
//! an HTTP GET with query parameters, the type in `notificationType`.
//!
//! Delivery is asynchronous: operations only insert a row in the outbox
//! ([`crate::store::outbox`], in their own transaction); this task sends it. Each attempt has a 2 s timeout; a failed notification is tried
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

use std::time::Duration;

use time::OffsetDateTime;

use crate::config::{Config, ConfigError};
use crate::error::{Result, SandboxError};
use crate::state::Sandbox;
use crate::store::outbox;

/// Per-attempt timeout.
pub(crate) const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(2);

/// The HTTP client of the notifier, built once per sandbox: the shared TLS client builder
/// (rustls on ring, the platform's roots and the configured extra roots, no redirects: a
/// notification is one GET to the merchant's URL, not to wherever it points), 2 s per attempt,
/// and no proxy.
pub(crate) fn client(config: &Config) -> Result<reqwest::Client> {
    use payline_protocol::tls;

    let extra = match &config.notification_ca_file {
        None => Vec::new(),
        Some(path) => {
            tls::read_pem_certificates(path).map_err(|e| ConfigError::NotificationCa {
                path: path.display().to_string(),
                reason: e.to_string(),
            })?
        }
    };
    let builder = tls::client_builder(
        concat!("payline-sandbox/", env!("CARGO_PKG_VERSION")),
        ATTEMPT_TIMEOUT,
        extra,
    )
    .map_err(|e| match e {
        tls::ClientTlsError::Roots(e) => SandboxError::from(ConfigError::NotificationCa {
            path: "(platform roots)".to_owned(),
            reason: e.to_string(),
        }),
        _ => SandboxError::Bug("rustls protocol versions"),
    })?;
    builder
        .no_proxy()
        .build()
        .map_err(|_| SandboxError::Bug("notification HTTP client"))
}

fn real_now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// Sends every notification due at the sandbox `now`, each in its own task; returns at once.
pub(crate) async fn dispatch_due(sandbox: &Sandbox) -> Result<()> {
    let now = sandbox.clock().now().await?.unix_timestamp();
    let real = real_now();
    let mut conn = sandbox.pool().acquire().await?;
    for due in outbox::due(&mut conn, now, real).await? {
        if !outbox::claim(&mut conn, due.id, real).await? {
            continue;
        }
        let sandbox = sandbox.clone();
        tokio::spawn(async move {
            let outcome = send(sandbox.notifier(), &outbox::full_url(&due.url, &due.query)).await;
            if let Err(e) = record_attempt(&sandbox, due.id, outcome).await {
                tracing::warn!(error = %e, notification = due.id, "could not record a notification attempt");
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
        next = match err
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => err.source(),
        };
    }
    None
}

async fn record_attempt(
    sandbox: &Sandbox,
    id: i64,
    outcome: std::result::Result<u16, String>,
) -> Result<()> {
    let now = sandbox.clock().now().await?;
    let mut tx = sandbox.pool().begin().await?;
    outbox::record_attempt(&mut tx, id, now, outcome).await?;
    tx.commit().await?;
    Ok(())
}
