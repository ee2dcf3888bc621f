//! Hosted-page sessions (`web_sessions`): one row per doWebPayment or manageWebWallet token,
//! with what the buyer did on the page.

use payline_protocol::values::ReturnCode;
use sqlx::SqliteConnection;
use time::OffsetDateTime;

use super::StoredCode;
use crate::error::Result;

/// What a session is for (`web_sessions.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum SessionKind {
    /// doWebPayment: a payment page; notified as WEBTRS.
    Payment,
    /// manageWebWallet: a wallet page; notified as WEBWALLET.
    Wallet,
}

/// Life-cycle state of a session (`web_sessions.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum Status {
    /// Created, buyer not redirected yet.
    Created,
    /// Page shown.
    #[sqlx(rename = "INPROGRESS")]
    InProgress,
    /// The page runs the ACS's 3DS Method, waiting for its notification.
    Method,
    /// The 3DS Method notified the page's `threeDSMethodNotificationURL`.
    MethodDone,
    /// Buyer at the ACS.
    #[sqlx(rename = "THREEDS")]
    ThreeDs,
    /// Finished (accepted or refused).
    Done,
    /// Cancelled by the buyer.
    Cancelled,
}

/// A hosted session.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct WebSession {
    /// Session token.
    pub(crate) token: String,
    /// Merchant.
    pub(crate) merchant_id: String,
    /// Payment or wallet page.
    pub(crate) kind: SessionKind,
    /// Contract.
    pub(crate) contract_number: String,
    /// payment.amount, minor units.
    pub(crate) amount: i64,
    /// ISO 4217 numeric.
    pub(crate) currency: i64,
    /// 100 or 101.
    pub(crate) action: i64,
    /// CPT, DIF, NX, REC.
    pub(crate) mode: String,
    /// Order reference.
    pub(crate) order_ref: String,
    /// Buyer's return.
    pub(crate) return_url: String,
    /// Buyer's cancel.
    pub(crate) cancel_url: String,
    /// Where WEBTRS / WEBWALLET go.
    pub(crate) notification_url: Option<String>,
    /// buyer.walletId.
    pub(crate) wallet_id: Option<String>,
    /// recurring (NX / REC), JSON.
    pub(crate) recurring_json: Option<String>,
    /// Life-cycle state.
    pub(crate) status: Status,
    /// Payment attempts on the page.
    pub(crate) attempts: i64,
    /// Outcome code.
    pub(crate) result_code: Option<StoredCode>,
    /// Ledger entry of the outcome.
    pub(crate) transaction_id: Option<String>,
    /// NX / REC record created.
    pub(crate) payment_record_id: Option<String>,
    /// Card token kept for the 3-D Secure return.
    pub(crate) card_token: Option<String>,
    /// Card expiry kept for the 3-D Secure return.
    pub(crate) card_expiry: Option<String>,
    /// Cardholder.
    pub(crate) cardholder: Option<String>,
    /// 3-D Secure session id.
    pub(crate) md: Option<String>,
    /// Expiry (sandbox unix seconds).
    pub(crate) expires_at: i64,
}

/// A session to create.
#[derive(Debug)]
pub(crate) struct NewSession<'a> {
    /// Payment or wallet page.
    pub(crate) kind: SessionKind,
    /// Merchant.
    pub(crate) merchant_id: &'a str,
    /// Contract.
    pub(crate) contract_number: &'a str,
    /// payment.amount, minor units.
    pub(crate) amount: i64,
    /// ISO 4217 numeric.
    pub(crate) currency: i64,
    /// 100 or 101.
    pub(crate) action: i64,
    /// CPT, DIF, NX, REC.
    pub(crate) mode: &'a str,
    /// Order reference.
    pub(crate) order_ref: &'a str,
    /// Buyer's return.
    pub(crate) return_url: &'a str,
    /// Buyer's cancel.
    pub(crate) cancel_url: &'a str,
    /// Where WEBTRS / WEBWALLET go.
    pub(crate) notification_url: Option<&'a str>,
    /// buyer.walletId.
    pub(crate) wallet_id: Option<&'a str>,
    /// recurring (NX / REC), JSON.
    pub(crate) recurring_json: Option<String>,
    /// Creation (sandbox now).
    pub(crate) created_at: OffsetDateTime,
    /// End of validity.
    pub(crate) expires_at: OffsetDateTime,
}

fn new_token() -> String {
    use rand::Rng;
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..32)
        .map(|_| char::from(A[rng.random_range(0..A.len())]))
        .collect()
}

/// Creates a session in state `CREATED`; returns its token.
pub(crate) async fn insert(conn: &mut SqliteConnection, n: NewSession<'_>) -> Result<String> {
    let token = new_token();
    sqlx::query(
        "INSERT INTO web_sessions (token, merchant_id, kind, contract_number, amount, currency, action, mode, order_ref, \
         return_url, cancel_url, notification_url, wallet_id, recurring_json, status, created_at, expires_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&token)
    .bind(n.merchant_id)
    .bind(n.kind)
    .bind(n.contract_number)
    .bind(n.amount)
    .bind(n.currency)
    .bind(n.action)
    .bind(n.mode)
    .bind(n.order_ref)
    .bind(n.return_url.trim())
    .bind(n.cancel_url.trim())
    .bind(n.notification_url.map(str::trim).filter(|u| !u.is_empty()))
    .bind(n.wallet_id.map(str::trim).filter(|w| !w.is_empty()))
    .bind(n.recurring_json)
    .bind(Status::Created)
    .bind(n.created_at.unix_timestamp())
    .bind(n.expires_at.unix_timestamp())
    .execute(conn)
    .await?;
    Ok(token)
}

/// Loads a session by token (any merchant: the buyer's browser has no credentials).
pub(crate) async fn load(conn: &mut SqliteConnection, token: &str) -> Result<Option<WebSession>> {
    Ok(sqlx::query_as("SELECT * FROM web_sessions WHERE token = ?")
        .bind(token.trim())
        .fetch_optional(conn)
        .await?)
}

/// The token of the session that started the 3-D Secure session `md`, in any state.
pub(crate) async fn token_of_md(conn: &mut SqliteConnection, md: &str) -> Result<Option<String>> {
    let row: Option<(String,)> = sqlx::query_as("SELECT token FROM web_sessions WHERE md = ?")
        .bind(md)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|(t,)| t))
}

/// The session waiting at the ACS for the 3-D Secure session `md`.
pub(crate) async fn at_acs(conn: &mut SqliteConnection, md: &str) -> Result<Option<WebSession>> {
    Ok(
        sqlx::query_as("SELECT * FROM web_sessions WHERE md = ? AND status = ?")
            .bind(md)
            .bind(Status::ThreeDs)
            .fetch_optional(conn)
            .await?,
    )
}

/// Moves a session to `status`.
pub(crate) async fn set_status(
    conn: &mut SqliteConnection,
    token: &str,
    status: Status,
) -> Result<()> {
    sqlx::query("UPDATE web_sessions SET status = ? WHERE token = ?")
        .bind(status)
        .bind(token)
        .execute(conn)
        .await?;
    Ok(())
}

/// Marks a session's page as shown (`CREATED` → `INPROGRESS`).
pub(crate) async fn shown(conn: &mut SqliteConnection, token: &str) -> Result<()> {
    sqlx::query("UPDATE web_sessions SET status = ? WHERE token = ? AND status = ?")
        .bind(Status::InProgress)
        .bind(token)
        .bind(Status::Created)
        .execute(conn)
        .await?;
    Ok(())
}

/// Counts a new attempt of the buyer on the page (back to `INPROGRESS`).
pub(crate) async fn new_attempt(conn: &mut SqliteConnection, token: &str) -> Result<()> {
    sqlx::query("UPDATE web_sessions SET attempts = attempts + 1, status = ? WHERE token = ?")
        .bind(Status::InProgress)
        .bind(token)
        .execute(conn)
        .await?;
    Ok(())
}

/// Keeps the card (as its token) and the 3-D Secure session on the session, for the steps
/// after the ACS.
pub(crate) async fn keep_card(
    conn: &mut SqliteConnection,
    token: &str,
    card_token: &str,
    card_expiry: Option<&str>,
    cardholder: Option<&str>,
    md: Option<&str>,
) -> Result<()> {
    sqlx::query("UPDATE web_sessions SET card_token = ?, card_expiry = ?, cardholder = ?, md = ? WHERE token = ?")
        .bind(card_token)
        .bind(card_expiry)
        .bind(cardholder)
        .bind(md)
        .bind(token)
        .execute(conn)
        .await?;
    Ok(())
}

/// The ACS's 3DS Method posted `threeDSMethodData` to the page's notification URL: recorded on
/// the waiting session of that 3-D Secure session. False when none waits.
pub(crate) async fn method_notified(conn: &mut SqliteConnection, md: &str) -> Result<bool> {
    let done = sqlx::query("UPDATE web_sessions SET status = ? WHERE md = ? AND status = ?")
        .bind(Status::MethodDone)
        .bind(md)
        .bind(Status::Method)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Keeps `payment.differedActionDate` (`yyyy-mm-dd`) of a DIF page until the buyer pays.
pub(crate) async fn set_capture_date(
    conn: &mut SqliteConnection,
    token: &str,
    date: &str,
) -> Result<()> {
    sqlx::query("UPDATE web_sessions SET differed_action_date = ? WHERE token = ?")
        .bind(date)
        .bind(token)
        .execute(conn)
        .await?;
    Ok(())
}

/// The `differedActionDate` kept for a DIF page, if any.
pub(crate) async fn capture_date(
    conn: &mut SqliteConnection,
    token: &str,
) -> Result<Option<String>> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("SELECT differed_action_date FROM web_sessions WHERE token = ?")
            .bind(token)
            .fetch_optional(conn)
            .await?;
    Ok(row.and_then(|(d,)| d))
}

/// Records the wallet a payment page saved the card in.
pub(crate) async fn set_wallet(
    conn: &mut SqliteConnection,
    token: &str,
    wallet_id: &str,
) -> Result<()> {
    sqlx::query("UPDATE web_sessions SET wallet_id = ? WHERE token = ?")
        .bind(wallet_id)
        .bind(token)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends a session with its outcome: `DONE`, the code, and the ledger entry and payment record
/// it made, if any.
pub(crate) async fn finish(
    conn: &mut SqliteConnection,
    token: &str,
    code: ReturnCode,
    transaction_id: Option<&str>,
    payment_record_id: Option<&str>,
) -> Result<()> {
    sqlx::query("UPDATE web_sessions SET status = ?, result_code = ?, transaction_id = ?, payment_record_id = ? WHERE token = ?")
        .bind(Status::Done)
        .bind(StoredCode(code))
        .bind(transaction_id)
        .bind(payment_record_id)
        .bind(token)
        .execute(conn)
        .await?;
    Ok(())
}
