//! The notification outbox (Payline URL notification): the `notifications` table and its
//! delivery attempts.
//!
//! Operations only insert a row here, in their own transaction, so a rolled-back operation
//! notifies nothing; the worker (`crate::worker::delivery`) claims due rows, sends them and
//! records each attempt through this module.

use serde::Serialize;
use sqlx::SqliteConnection;
use time::OffsetDateTime;

use crate::error::Result;

/// Sandbox time between two attempts.
pub(crate) const RETRY_EVERY: time::Duration = time::Duration::minutes(1);
/// Sandbox time after which a failing notification is abandoned.
pub(crate) const RETRY_WINDOW: time::Duration = time::Duration::hours(2);

/// Notification types of Payline (`notificationType`, Payline notifications).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Hosted payment session finished: `token`.
    WebTrs,
    /// Hosted wallet page finished: `token`.
    WebWallet,
    /// Transaction created: `transactionId`.
    Trs,
    /// Wallet payment: `transactionId`, `walletId`.
    TrsWallet,
    /// Wallet created or updated: `walletId`, `contractNumber`.
    Wallet,
    /// Due date of a schedule processed: `paymentRecordId`, `walletId`, `transactionId`,
    /// `billingRecordDate`, `orderRef`.
    Bill,
}

impl Kind {
    /// The wire value of `notificationType`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Kind::WebTrs => "WEBTRS",
            Kind::WebWallet => "WEBWALLET",
            Kind::Trs => "TRS",
            Kind::TrsWallet => "TRSWALLET",
            Kind::Wallet => "WALLET",
            Kind::Bill => "BILL",
        }
    }
}

/// `notifications.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::Type)]
#[sqlx(rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum Status {
    /// To send (now or at `next_attempt_at`).
    Pending,
    /// A 2xx answer was received.
    Delivered,
    /// The 2-hour retry window ran out.
    Abandoned,
    /// A WEBTRS whose result the merchant fetched (getWebPaymentDetails) before it was sent.
    Fetched,
}

/// The query string of a notification: `notificationType` first, then the parameters.
fn query_of(kind: Kind, params: &[(&str, &str)]) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("notificationType", kind.as_str());
    for (k, v) in params {
        q.append_pair(k, v);
    }
    q.finish()
}

/// Records a notification to send (when there is a URL). Part of the caller's transaction, so
/// a rolled-back operation notifies nothing.
pub(crate) async fn enqueue(
    conn: &mut SqliteConnection,
    merchant_id: &str,
    url: Option<&str>,
    kind: Kind,
    params: &[(&str, &str)],
    now: OffsetDateTime,
) -> Result<()> {
    let Some(url) = url.map(str::trim).filter(|u| !u.is_empty()) else {
        return Ok(());
    };
    let t = now.unix_timestamp();
    sqlx::query(
        "INSERT INTO notifications (merchant_id, notification_type, url, query, status, created_at, window_start, \
         next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(merchant_id)
    .bind(kind.as_str())
    .bind(url)
    .bind(query_of(kind, params))
    .bind(Status::Pending)
    .bind(t)
    .bind(t)
    .bind(t)
    .execute(conn)
    .await?;
    Ok(())
}

/// Payline URL notification: once the merchant has fetched the final result of a hosted
/// payment, its WEBTRS notification is no longer sent.
pub(crate) async fn mark_web_payment_fetched(
    conn: &mut SqliteConnection,
    merchant_id: &str,
    token: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE notifications SET status = ? WHERE merchant_id = ? AND status = ? AND query = ?",
    )
    .bind(Status::Fetched)
    .bind(merchant_id)
    .bind(Status::Pending)
    .bind(query_of(Kind::WebTrs, &[("token", token)]))
    .execute(conn)
    .await?;
    Ok(())
}

/// One delivery attempt, as `GET /sandbox/notifications` shows it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AttemptView {
    #[serde(with = "time::serde::rfc3339")]
    at: OffsetDateTime,
    http_status: Option<i64>,
    error: Option<String>,
}

/// A notification and its attempts.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NotificationView {
    id: i64,
    notification_type: String,
    /// The full URL called (query included).
    url: String,
    status: Status,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    attempts: Vec<AttemptView>,
}

#[derive(sqlx::FromRow)]
struct NotificationRow {
    id: i64,
    notification_type: String,
    url: String,
    query: String,
    status: Status,
    created_at: i64,
}

#[derive(sqlx::FromRow)]
struct AttemptRow {
    at: i64,
    http_status: Option<i64>,
    error: Option<String>,
}

fn at(t: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(t).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The URL a notification calls: the merchant's URL plus the query.
pub(crate) fn full_url(url: &str, query: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{query}")
}

/// The merchant's notifications, oldest first (`id` = one only).
pub(crate) async fn list(
    conn: &mut SqliteConnection,
    merchant_id: &str,
    id: Option<i64>,
) -> Result<Vec<NotificationView>> {
    let rows: Vec<NotificationRow> = sqlx::query_as(
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
        let attempts: Vec<AttemptRow> =
            sqlx::query_as("SELECT at, http_status, error FROM notification_attempts WHERE notification_id = ? ORDER BY id")
                .bind(r.id)
                .fetch_all(&mut *conn)
                .await?;
        out.push(NotificationView {
            id: r.id,
            notification_type: r.notification_type,
            url: full_url(&r.url, &r.query),
            status: r.status,
            created_at: at(r.created_at),
            attempts: attempts
                .into_iter()
                .map(|a| AttemptView {
                    at: at(a.at),
                    http_status: a.http_status,
                    error: a.error,
                })
                .collect(),
        });
    }
    Ok(out)
}

/// Makes a notification due now again, with a fresh 2-hour window. `false` when unknown.
pub(crate) async fn resend(
    conn: &mut SqliteConnection,
    merchant_id: &str,
    id: i64,
    now: OffsetDateTime,
) -> Result<bool> {
    let t = now.unix_timestamp();
    let done = sqlx::query(
        "UPDATE notifications SET status = ?, window_start = ?, next_attempt_at = ?, lease_until = NULL \
         WHERE merchant_id = ? AND id = ?",
    )
    .bind(Status::Pending)
    .bind(t)
    .bind(t)
    .bind(merchant_id)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A notification due for an attempt.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct Due {
    /// Row id.
    pub(crate) id: i64,
    /// The merchant's URL.
    pub(crate) url: String,
    /// The query string.
    pub(crate) query: String,
}

/// Notifications due at the sandbox `now` (`real` = real unix seconds, for the leases), at most 100.
pub(crate) async fn due(conn: &mut SqliteConnection, now: i64, real: i64) -> Result<Vec<Due>> {
    Ok(sqlx::query_as(
        "SELECT id, url, query FROM notifications WHERE status = ? AND next_attempt_at <= ? \
         AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_attempt_at, id LIMIT 100",
    )
    .bind(Status::Pending)
    .bind(now)
    .bind(real)
    .fetch_all(conn)
    .await?)
}

/// Leases a due notification until `real + 10` s; `false` when another process (or the next tick)
/// holds it. The lease keeps two senders from sending the same attempt.
pub(crate) async fn claim(conn: &mut SqliteConnection, id: i64, real: i64) -> Result<bool> {
    let claimed = sqlx::query(
        "UPDATE notifications SET lease_until = ? WHERE id = ? AND status = ? \
         AND (lease_until IS NULL OR lease_until < ?)",
    )
    .bind(real + 10)
    .bind(id)
    .bind(Status::Pending)
    .bind(real)
    .execute(conn)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// Records one attempt at the sandbox `now` (`Ok(http status)` or `Err(reason)`) and moves the
/// notification on: delivered on a 2xx, else due again one sandbox minute later, or abandoned
/// once that falls outside the 2-hour window that began with its first attempt.
pub(crate) async fn record_attempt(
    conn: &mut SqliteConnection,
    id: i64,
    now: OffsetDateTime,
    outcome: std::result::Result<u16, String>,
) -> Result<()> {
    let t = now.unix_timestamp();
    let (http_status, error) = match &outcome {
        Ok(s) => (Some(i64::from(*s)), None),
        Err(e) => (None, Some(e.clone())),
    };
    let delivered = matches!(outcome, Ok(s) if (200..300).contains(&s));
    sqlx::query("INSERT INTO notification_attempts (notification_id, at, http_status, error) VALUES (?, ?, ?, ?)")
        .bind(id)
        .bind(t)
        .bind(http_status)
        .bind(error)
        .execute(&mut *conn)
        .await?;
    let (window_start,): (i64,) =
        sqlx::query_as("SELECT window_start FROM notifications WHERE id = ?")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    let next = t + RETRY_EVERY.whole_seconds();
    let new_status = if delivered {
        Status::Delivered
    } else if next > window_start + RETRY_WINDOW.whole_seconds() {
        Status::Abandoned
    } else {
        Status::Pending
    };
    sqlx::query(
        "UPDATE notifications SET status = ?, attempts = attempts + 1, next_attempt_at = ?, lease_until = NULL, \
         delivered_at = CASE WHEN ? THEN ? ELSE delivered_at END WHERE id = ? AND status = ?",
    )
    .bind(new_status)
    .bind(next)
    .bind(delivered)
    .bind(t)
    .bind(id)
    .bind(Status::Pending)
    .execute(conn)
    .await?;
    Ok(())
}
