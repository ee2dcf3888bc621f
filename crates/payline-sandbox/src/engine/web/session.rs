//! What the page's steps share: the buyer's card form, what the page does next, the session
//! checks and the stored `recurring` of NX / REC pages.

use payline_protocol::objects::Recurring;
use payline_protocol::secret::Secret;
use payline_protocol::values::Amount;
use sqlx::SqliteConnection;
use time::OffsetDateTime;

use crate::engine::ctx::Ctx;
use crate::engine::records;
use crate::error::Result;
use crate::store::outbox;
use crate::store::web_sessions::{SessionKind, Status, WebSession, load};

/// Card data the buyer typed on the page.
#[derive(Debug)]
pub(crate) struct CardForm {
    /// Card number (spaces allowed).
    pub number: Secret,
    /// `MM/YY` or `MMYY`.
    pub expiry: String,
    /// Security code.
    pub cvv: Option<Secret>,
    /// Cardholder name.
    pub holder: Option<String>,
}

/// What the page does next.
#[derive(Debug)]
pub(crate) enum Next {
    /// Back to the merchant (303 to this URL).
    Redirect(String),
    /// The buyer goes to the ACS: post these fields to `url`.
    Acs {
        /// ACS page.
        url: String,
        /// Form fields.
        fields: Vec<(String, String)>,
    },
    /// The 3DS Method: post `fields` to the ACS's `url` in a hidden iframe, wait for the
    /// notification (or the timeout), then continue.
    Method {
        /// ACS 3DS Method page.
        url: String,
        /// Form fields (`threeDSMethodData`).
        fields: Vec<(String, String)>,
    },
    /// Show the form again with this message (card refused before any authorization).
    Retry(String),
    /// The session cannot be used (unknown, expired, finished).
    Gone(&'static str),
}

pub(super) fn with_token(url: &str, token: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}paylinetoken={token}")
}

/// A usable session for a page action, else why not.
pub(crate) async fn usable(
    conn: &mut SqliteConnection,
    token: &str,
    now: OffsetDateTime,
) -> Result<std::result::Result<WebSession, &'static str>> {
    let Some(s) = load(conn, token).await? else {
        return Ok(Err("This payment session does not exist."));
    };
    if s.expires_at <= now.unix_timestamp() {
        return Ok(Err("This payment session has expired."));
    }
    if s.status == Status::Done || s.status == Status::Cancelled {
        return Ok(Err("This payment session is finished."));
    }
    Ok(Ok(s))
}

pub(super) async fn notify_end(ctx: &mut Ctx<'_>, s: &WebSession) -> Result<()> {
    let url = s
        .notification_url
        .clone()
        .or_else(|| ctx.merchant.notification_url.clone());
    let kind = if s.kind == SessionKind::Wallet {
        outbox::Kind::WebWallet
    } else {
        outbox::Kind::WebTrs
    };
    outbox::enqueue(
        ctx.conn,
        &ctx.merchant.id,
        url.as_deref(),
        kind,
        &[("token", s.token.as_str())],
        ctx.now,
    )
    .await
}

pub(super) fn normalize_expiry(raw: &str) -> String {
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    match digits.len() {
        4 => digits,
        // MM/YYYY
        6 => format!("{}{}", &digits[..2], &digits[4..]),
        _ => digits,
    }
}

/// The `recurring` of a session as stored (its wire values as text).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub(super) struct StoredRecurring {
    first_amount: Option<u64>,
    amount: u64,
    billing_cycle: String,
    billing_left: String,
    billing_day: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    new_amount: Option<u64>,
    amount_modification_date: Option<String>,
}

impl From<&Recurring> for StoredRecurring {
    fn from(r: &Recurring) -> Self {
        Self {
            first_amount: r.first_amount.map(Amount::minor),
            amount: r.amount.minor(),
            billing_cycle: r.billing_cycle.to_string(),
            billing_left: r.billing_left.clone(),
            billing_day: r.billing_day.clone(),
            start_date: r.start_date.map(|d| d.to_string()),
            end_date: r.end_date.map(|d| d.to_string()),
            new_amount: r.new_amount.map(Amount::minor),
            amount_modification_date: r.amount_modification_date.map(|d| d.to_string()),
        }
    }
}

impl StoredRecurring {
    fn to_recurring(&self) -> Option<Recurring> {
        let mut r = Recurring::new(
            Amount::from_minor(self.amount)?,
            self.billing_cycle.parse().ok()?,
        );
        r.first_amount = self.first_amount.and_then(Amount::from_minor);
        r.billing_left = self.billing_left.clone();
        r.billing_day = self.billing_day.clone();
        r.start_date = self.start_date.as_deref().and_then(|d| d.parse().ok());
        r.end_date = self.end_date.as_deref().and_then(|d| d.parse().ok());
        r.new_amount = self.new_amount.and_then(Amount::from_minor);
        r.amount_modification_date = self
            .amount_modification_date
            .as_deref()
            .and_then(|d| d.parse().ok());
        Some(r)
    }
}

pub(super) fn recurring_of(s: &WebSession) -> Option<Recurring> {
    s.recurring_json
        .as_deref()
        .and_then(|j| serde_json::from_str::<StoredRecurring>(j).ok())
        .and_then(|r| r.to_recurring())
}

/// Amount the page authorizes: the first due date for NX / REC, else payment.amount.
pub(super) fn first_amount(s: &WebSession, now: OffsetDateTime) -> Result<u64> {
    let total = u64::try_from(s.amount).unwrap_or(0);
    match recurring_of(s) {
        Some(rec) => records::web_first_amount(&s.mode, total, &rec, now.date())
            .map_err(|_| crate::error::SandboxError::Bug("recurring checked at doWebPayment")),
        None => Ok(total),
    }
}
pub(super) fn empty(s: &str) -> bool {
    s.trim().is_empty()
}
