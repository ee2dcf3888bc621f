//! 3-D Secure sessions (`threeds_sessions`): what verifyEnrollment started, what the ACS pages
//! and verifyAuthentication did with it, and whether doAuthorization used it.

use sqlx::SqliteConnection;

use crate::error::Result;

/// State of a 3-D Secure session (`threeds_sessions.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum Status {
    /// 3DS Method asked (`03100`), waiting for the second verifyEnrollment.
    MethodPending,
    /// Waiting for the cardholder on the ACS page.
    Pending,
    /// The ACS page finished; its answer waits for verifyAuthentication.
    AcsAuthenticated,
    /// The ACS page finished with a wrong code.
    AcsFailed,
    /// The cardholder pressed Cancel.
    AcsCancelled,
    /// Authenticated (frictionless, or verifyAuthentication accepted the answer).
    Authenticated,
    /// verifyAuthentication saw a failed authentication.
    Failed,
    /// verifyAuthentication saw a cancelled challenge.
    Cancelled,
}

/// How a 3-D Secure session authenticates (`threeds_sessions.flow`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum Flow {
    /// 3-D Secure 2 frictionless.
    Frictionless,
    /// 3-D Secure 2 challenge (`creq` / `cres`).
    Challenge,
    /// 3-D Secure 1 style redirect (`PaReq` / `PaRes`).
    Redirect,
    /// 3DS Method, then frictionless.
    Method,
}

/// What an authorization must match to use a session.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub(crate) struct Binding {
    /// Keyed fingerprint of the card number.
    pub(crate) fingerprint: String,
    /// Amount, minor units.
    pub(crate) amount: i64,
    /// ISO 4217 numeric.
    pub(crate) currency: i64,
    /// Order reference.
    pub(crate) order_ref: String,
    /// Contract.
    pub(crate) contract_number: String,
}

/// A 3-D Secure session row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct Session {
    /// MD / threeDSSessionData.
    pub(crate) md: String,
    /// Owner.
    pub(crate) merchant_id: String,
    /// How it authenticates.
    pub(crate) flow: Flow,
    /// Where it is.
    pub(crate) status: Status,
    /// Binding.
    #[sqlx(flatten)]
    pub(crate) binding: Binding,
    /// returnURL / TermUrl.
    pub(crate) return_url: Option<String>,
    /// threeDSMethodNotificationURL.
    pub(crate) method_notification_url: Option<String>,
    /// The PaRes / CRes the ACS issued.
    pub(crate) challenge_response: Option<String>,
    /// The PaRes / CRes was consumed by verifyAuthentication.
    pub(crate) response_consumed: bool,
    /// The authentication was consumed by doAuthorization.
    pub(crate) auth_consumed: bool,
    /// ECI.
    pub(crate) eci: Option<String>,
    /// CAVV.
    pub(crate) cavv: Option<String>,
    /// XID.
    pub(crate) xid: Option<String>,
    /// resultContainer.
    pub(crate) result_container: Option<String>,
    /// Expiry (unix seconds, sandbox clock).
    pub(crate) expires_at: i64,
}

/// A session to create (verifyEnrollment of an enrolled card).
#[derive(Debug)]
pub(crate) struct NewSession<'a> {
    /// MD / threeDSSessionData.
    pub(crate) md: &'a str,
    /// Owner.
    pub(crate) merchant_id: &'a str,
    /// How it authenticates.
    pub(crate) flow: Flow,
    /// Where it starts.
    pub(crate) status: Status,
    /// What an authorization must match.
    pub(crate) binding: Binding,
    /// Payline card type.
    pub(crate) card_type: &'a str,
    /// The transient of a 3DS Method round.
    pub(crate) transient: Option<&'a str>,
    /// returnURL / TermUrl.
    pub(crate) return_url: Option<&'a str>,
    /// threeDSMethodNotificationURL.
    pub(crate) method_notification_url: Option<&'a str>,
    /// Buyer's user agent.
    pub(crate) user_agent: Option<&'a str>,
    /// `browser` of threeDSInfo, JSON.
    pub(crate) browser_json: Option<&'a str>,
    /// Creation (sandbox unix seconds).
    pub(crate) created_at: i64,
    /// Expiry (sandbox unix seconds).
    pub(crate) expires_at: i64,
}

/// Creates a session.
pub(crate) async fn insert(conn: &mut SqliteConnection, n: &NewSession<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO threeds_sessions (md, merchant_id, contract_number, flow, status, fingerprint, amount, currency, order_ref, \
         card_type, transient, return_url, method_notification_url, user_agent, browser_json, created_at, expires_at) \
         VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    )
    .bind(n.md)
    .bind(n.merchant_id)
    .bind(&n.binding.contract_number)
    .bind(n.flow)
    .bind(n.status)
    .bind(&n.binding.fingerprint)
    .bind(n.binding.amount)
    .bind(n.binding.currency)
    .bind(&n.binding.order_ref)
    .bind(n.card_type)
    .bind(n.transient)
    .bind(n.return_url)
    .bind(n.method_notification_url)
    .bind(n.user_agent)
    .bind(n.browser_json)
    .bind(n.created_at)
    .bind(n.expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// A session by MD.
pub(crate) async fn get(conn: &mut SqliteConnection, md: &str) -> Result<Option<Session>> {
    Ok(
        sqlx::query_as("SELECT * FROM threeds_sessions WHERE md = ?")
            .bind(md)
            .fetch_optional(conn)
            .await?,
    )
}

/// The `transient` verifyEnrollment gave with a 3DS Method step (it names the session in the
/// second verifyEnrollment), if any.
pub(crate) async fn transient(conn: &mut SqliteConnection, md: &str) -> Result<Option<String>> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("SELECT transient FROM threeds_sessions WHERE md = ?")
            .bind(md)
            .fetch_optional(conn)
            .await?;
    Ok(row.and_then(|(t,)| t))
}

pub(crate) async fn set_status(
    conn: &mut SqliteConnection,
    md: &str,
    status: Status,
) -> Result<()> {
    sqlx::query("UPDATE threeds_sessions SET status = ? WHERE md = ?")
        .bind(status)
        .bind(md)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records the `threeDSCompInd` the second verifyEnrollment gave after a 3DS Method.
pub(crate) async fn set_method_result(
    conn: &mut SqliteConnection,
    md: &str,
    comp_ind: &str,
) -> Result<()> {
    sqlx::query("UPDATE threeds_sessions SET method_result = ? WHERE md = ?")
        .bind(comp_ind)
        .bind(md)
        .execute(conn)
        .await?;
    Ok(())
}

/// Marks the ACS outcome of a challenge and stores the answer the page will post.
pub(crate) async fn finish_challenge(
    conn: &mut SqliteConnection,
    md: &str,
    new_status: Status,
    response: &str,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE threeds_sessions SET status = ?, challenge_response = ? WHERE md = ? AND status = ?",
    )
    .bind(new_status)
    .bind(response)
    .bind(md)
    .bind(Status::Pending)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records that the 3DS Method page ran.
pub(crate) async fn method_completed(conn: &mut SqliteConnection, md: &str) -> Result<bool> {
    let done =
        sqlx::query("UPDATE threeds_sessions SET method_result = 'Y' WHERE md = ? AND status = ?")
            .bind(md)
            .bind(Status::MethodPending)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Sets the TermUrl of a 3DS1 session (the merchant gives it to the ACS, not to Payline).
pub(crate) async fn set_term_url(conn: &mut SqliteConnection, md: &str, url: &str) -> Result<()> {
    sqlx::query("UPDATE threeds_sessions SET return_url = ? WHERE md = ?")
        .bind(url)
        .bind(md)
        .execute(conn)
        .await?;
    Ok(())
}

/// The merchant's session a 3DS Method round named by its `transient`.
pub(crate) async fn by_transient(
    conn: &mut SqliteConnection,
    transient: &str,
    merchant_id: &str,
) -> Result<Option<Session>> {
    Ok(
        sqlx::query_as("SELECT * FROM threeds_sessions WHERE transient = ? AND merchant_id = ?")
            .bind(transient)
            .bind(merchant_id)
            .fetch_optional(conn)
            .await?,
    )
}

/// Records a successful authentication: its ECI, CAVV, XID and result container.
pub(crate) async fn mark_authenticated(
    conn: &mut SqliteConnection,
    md: &str,
    eci: &str,
    cavv: &str,
    xid: &str,
    result_container: &str,
) -> Result<()> {
    sqlx::query("UPDATE threeds_sessions SET status = ?, eci = ?, cavv = ?, xid = ?, result_container = ? WHERE md = ?")
        .bind(Status::Authenticated)
        .bind(eci)
        .bind(cavv)
        .bind(xid)
        .bind(result_container)
        .bind(md)
        .execute(conn)
        .await?;
    Ok(())
}

/// Marks the ACS answer (PaRes / CRes) as consumed by verifyAuthentication.
pub(crate) async fn consume_response(conn: &mut SqliteConnection, md: &str) -> Result<()> {
    sqlx::query(
        "UPDATE threeds_sessions SET response_consumed = 1 WHERE md = ? AND response_consumed = 0",
    )
    .bind(md)
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks the authentication as used by an authorization; `false` when it already was (an
/// authentication covers one payment).
pub(crate) async fn consume_authentication(conn: &mut SqliteConnection, md: &str) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE threeds_sessions SET auth_consumed = 1 WHERE md = ? AND auth_consumed = 0",
    )
    .bind(md)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
