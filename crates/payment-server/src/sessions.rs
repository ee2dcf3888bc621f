//! Checkout sessions (checkout-session contract): the order and amount, fixed by the shop backend before
//! the browser sees anything, and the attempt counter that gives every pay attempt its own
//! Payline order reference.

use payline_protocol::secret::Secret;
use payline_protocol::web2token::encrypt_request_data;
use serde_json::{Value, json};
use sqlx::any::AnyRow;

use crate::error::{AppError, Result};
use crate::formats::{currency_alpha, rfc3339};
use crate::model::{SaveCard, SessionKind};
use crate::state::AppState;
use crate::store::{int, opt_text, text};

/// Session status as the browser sees it (status contract), as stored (the text of
/// [`SessionStatus`](crate::model::SessionStatus)).
pub mod status {
    use crate::model::SessionStatus;
    /// Waiting for a pay.
    pub const OPEN: &str = SessionStatus::Open.as_str();
    /// A pay is running, waiting for 3-D Secure, or its outcome is being reconciled.
    pub const PROCESSING: &str = SessionStatus::Processing.as_str();
    /// The payment is authorized (it may since have been captured or refunded).
    pub const AUTHORIZED: &str = SessionStatus::Authorized.as_str();
    /// The last attempt was refused (another one may be offered).
    pub const REFUSED: &str = SessionStatus::Refused.as_str();
    /// Past `expiresAt` without an authorization.
    pub const EXPIRED: &str = SessionStatus::Expired.as_str();
}

/// A stored checkout session.
#[derive(Debug, Clone)]
pub struct Session {
    /// `cs_…`.
    pub id: String,
    /// SHA-256 of the client secret.
    pub secret_hash: String,
    /// Nonce echoed by the 3-D Secure return page's postMessage.
    pub nonce: String,
    /// Minor units.
    pub amount: i64,
    /// ISO 4217 numeric, 3 digits.
    pub currency: String,
    /// The shop's order reference (attempt 1 pays under it).
    pub order_ref: String,
    /// Shop's description.
    pub description: Option<String>,
    /// Where a full-page 3-D Secure redirect returns.
    pub return_url: Option<String>,
    /// See [`status`].
    pub status: String,
    /// Current attempt number, 1-based.
    pub attempt: i64,
    /// The session's payment, once paid.
    pub payment_id: Option<String>,
    /// Origin of the checkout page, recorded at pay time (postMessage target).
    pub checkout_origin: Option<String>,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub expires_at: i64,
    /// The shop's customer (saved cards), if any.
    pub customer_id: Option<String>,
    /// What the session offers for the buyer's card.
    pub save_card: SaveCard,
    /// A buyer's checkout, or the carrier of a merchant-initiated charge.
    pub kind: SessionKind,
}

impl Session {
    fn from_row(r: &AnyRow) -> std::result::Result<Self, sqlx::Error> {
        Ok(Self {
            id: text(r, "id")?,
            secret_hash: text(r, "secret_hash")?,
            nonce: text(r, "nonce")?,
            amount: int(r, "amount")?,
            currency: text(r, "currency")?,
            order_ref: text(r, "order_ref")?,
            description: opt_text(r, "description")?,
            return_url: opt_text(r, "return_url")?,
            status: text(r, "status")?,
            attempt: int(r, "attempt")?,
            payment_id: opt_text(r, "payment_id")?,
            checkout_origin: opt_text(r, "checkout_origin")?,
            created_at: int(r, "created_at")?,
            expires_at: int(r, "expires_at")?,
            customer_id: opt_text(r, "customer_id")?,
            save_card: SaveCard::from_sql(&text(r, "save_card")?)?,
            kind: SessionKind::from_sql(&text(r, "kind")?)?,
        })
    }

    /// The Payline order reference of attempt `n`: the shop's for the first, `<orderRef>-<n>`
    /// after (Payline refuses a second accepted authorization on one order ref, code 02001).
    pub fn attempt_order_ref(&self, n: i64) -> String {
        attempt_order_ref(&self.order_ref, n)
    }

    /// True when the session is past its expiry and not paid.
    pub fn is_expired(&self, now_ms: i64) -> bool {
        self.status == status::EXPIRED
            || (now_ms >= self.expires_at
                && (self.status == status::OPEN || self.status == status::REFUSED))
    }

    /// Alpha currency code when known, else the numeric one.
    pub fn currency_display(&self) -> String {
        currency_alpha(&self.currency)
    }
}

/// See [`Session::attempt_order_ref`].
pub fn attempt_order_ref(base: &str, n: i64) -> String {
    if n <= 1 {
        base.to_owned()
    } else {
        format!("{base}-{n}")
    }
}

/// Parses the currency of a session request: alpha (`"EUR"`) or numeric (`"978"` or `978`).
pub fn parse_currency(v: &Value) -> Result<String> {
    use payline_protocol::values::Currency;
    let bad = || {
        AppError::invalid(
            "invalid_currency",
            "currency must be an ISO 4217 code, alpha (EUR) or numeric (978)",
        )
    };
    let c = match v {
        Value::String(s) if s.len() == 3 && s.bytes().all(|b| b.is_ascii_alphabetic()) => {
            Currency::from_alpha(s).ok_or_else(bad)?
        }
        Value::String(s) => s.parse::<Currency>().map_err(|_| bad())?,
        Value::Number(n) => n
            .as_u64()
            .and_then(|n| u16::try_from(n).ok())
            .and_then(Currency::from_numeric)
            .ok_or_else(bad)?,
        _ => return Err(bad()),
    };
    Ok(format!("{:03}", c.numeric()))
}

/// Parses an amount in minor units: a positive integer within Payline's N12.
pub fn parse_amount(v: &Value) -> Result<i64> {
    let bad = || {
        AppError::invalid(
            "invalid_amount",
            "amount must be a positive integer in minor units (at most 12 digits)",
        )
    };
    let n = v.as_u64().ok_or_else(bad)?;
    if n == 0 || payline_protocol::values::Amount::from_minor(n).is_none() {
        return Err(bad());
    }
    i64::try_from(n).map_err(|_| bad())
}

/// Order references: Payline `order.ref` is AN50 and we append `-<n>` for retries, so the
/// shop's part is at most 45 characters of a conservative alphabet.
pub fn parse_order_ref(v: &str) -> Result<String> {
    let ok = !v.is_empty()
        && v.len() <= 45
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if ok {
        Ok(v.to_owned())
    } else {
        Err(AppError::invalid(
            "invalid_order_ref",
            "orderRef must be 1–45 characters among letters, digits, '-', '_' and '.'",
        ))
    }
}

/// What creating a session takes.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Minor units.
    pub amount: i64,
    /// ISO 4217 numeric.
    pub currency: String,
    /// Shop's order ref, or generated.
    pub order_ref: Option<String>,
    /// Free text (at most 255 characters).
    pub description: Option<String>,
    /// Redirect-mode return URL.
    pub return_url: Option<String>,
    /// The shop's customer (created or updated with the session).
    pub customer_id: Option<String>,
    /// What the session offers for the buyer's card (needs a customer unless `never`).
    pub save_card: SaveCard,
    /// Checkout or merchant-initiated charge.
    pub kind: SessionKind,
    /// Instalments or a subscription paid from this checkout (needs a customer).
    pub schedule: Option<crate::schedules::NewSchedule>,
}

/// A created session and its client secret (shown once).
#[derive(Debug)]
pub struct Created {
    /// The session.
    pub session: Session,
    /// The browser's bearer token for this session.
    pub client_secret: Secret,
}

/// Inserts a session.
pub async fn create(state: &AppState, new: NewSession) -> Result<Created> {
    let now = state.now_ms();
    let client_secret = Secret::new(crate::ids::random_token(24));
    let order_ref = match new.order_ref {
        Some(r) => r,
        None => format!(
            "CC{}",
            crate::ids::random_token(12).replace(['-', '_'], "0")
        ),
    };
    let session = Session {
        id: crate::ids::new_id("cs_"),
        secret_hash: crate::ids::sha256_hex(client_secret.expose().as_bytes()),
        nonce: crate::ids::random_token(16),
        amount: new.amount,
        currency: new.currency,
        order_ref,
        description: new.description,
        return_url: new.return_url,
        status: status::OPEN.to_owned(),
        attempt: 1,
        payment_id: None,
        checkout_origin: None,
        created_at: now,
        expires_at: now + state.settings().session_ttl_secs * 1000,
        customer_id: new.customer_id,
        save_card: new.save_card,
        kind: new.kind,
    };
    // The session and every order reference its attempts may use, in one transaction: an
    // order reference is one Payline order (its duplicate check, code 02001), so a shop order
    // `1001-2` must never be attempt 2 of order `1001`, whichever is created first.
    let mut tx = crate::repo::begin(state).await?;
    let res = sqlx::query(
        "INSERT INTO checkout_sessions (id, secret_hash, nonce, amount, currency, order_ref, \
         description, return_url, status, attempt, created_at, expires_at, customer_id, save_card, kind) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT DO NOTHING",
    )
    .bind(&session.id)
    .bind(&session.secret_hash)
    .bind(&session.nonce)
    .bind(session.amount)
    .bind(&session.currency)
    .bind(&session.order_ref)
    .bind(&session.description)
    .bind(&session.return_url)
    .bind(&session.status)
    .bind(session.attempt)
    .bind(session.created_at)
    .bind(session.expires_at)
    .bind(&session.customer_id)
    .bind(session.save_card.as_str())
    .bind(session.kind.as_str())
    .execute(&mut *tx)
    .await?;
    let mut free = res.rows_affected() == 1;
    // A schedule, with its payment record's own order reference registered like the attempts'.
    if free && let (Some(sch), Some(customer)) = (&new.schedule, &session.customer_id) {
        let order_ref = crate::schedules::order_ref_of(&session.order_ref);
        free = sqlx::query("INSERT INTO order_refs (order_ref, session_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(&order_ref)
            .bind(&session.id)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        if free {
            crate::schedules::insert(
                &mut tx,
                sch,
                &session.id,
                customer,
                &session.currency,
                &order_ref,
                now,
            )
            .await?;
        }
    }
    for n in 1..=state.settings().max_attempts {
        if !free {
            break;
        }
        free = sqlx::query("INSERT INTO order_refs (order_ref, session_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(session.attempt_order_ref(n))
            .bind(&session.id)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
    }
    if !free {
        tx.rollback().await?;
        return Err(AppError::conflict(
            "order_ref_exists",
            "this orderRef, or one of the retry references derived from it (orderRef-2 …), is already used by another checkout session",
        ));
    }
    tx.commit().await?;
    Ok(Created {
        session,
        client_secret,
    })
}

/// Loads a session.
pub async fn load(state: &AppState, id: &str) -> Result<Option<Session>> {
    let row = sqlx::query("SELECT * FROM checkout_sessions WHERE id = $1")
        .bind(id)
        .fetch_optional(state.store().pool())
        .await?;
    Ok(row.as_ref().map(Session::from_row).transpose()?)
}

/// Compare-and-set of a session's status. True when this caller made the transition.
pub async fn transition(state: &AppState, id: &str, from: &[&str], to: &str) -> Result<bool> {
    // `from` is a short fixed list of status constants; one statement per candidate keeps the
    // SQL identical on both databases.
    for f in from {
        let r =
            sqlx::query("UPDATE checkout_sessions SET status = $1 WHERE id = $2 AND status = $3")
                .bind(to)
                .bind(id)
                .bind(*f)
                .execute(state.store().pool())
                .await?;
        if r.rows_affected() == 1 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Marks an open session expired when its time has passed (idempotent).
pub async fn expire_if_due(state: &AppState, s: &mut Session) -> Result<()> {
    if s.status != status::EXPIRED && s.is_expired(state.now_ms()) {
        transition(
            state,
            &s.id,
            &[status::OPEN, status::REFUSED],
            status::EXPIRED,
        )
        .await?;
        s.status = status::EXPIRED.to_owned();
    }
    Ok(())
}

/// Expires every due session; returns how many. Run by the background reconciler.
pub async fn expire_due(state: &AppState) -> Result<u64> {
    let r = sqlx::query(
        "UPDATE checkout_sessions SET status = 'expired' \
         WHERE status IN ('open', 'refused') AND expires_at <= $1",
    )
    .bind(state.now_ms())
    .execute(state.store().pool())
    .await?;
    Ok(r.rows_affected())
}

/// Loads a session for a browser-facing call: the client secret (or the admin token) must
/// match, else 401; unknown id 404.
pub async fn authorize(
    state: &AppState,
    id: &str,
    headers: &axum::http::HeaderMap,
) -> Result<Session> {
    let token = crate::security::bearer(headers);
    let session = load(state, id).await?;
    let Some(session) = session else {
        // Unknown id and missing credentials look the same to a caller without a token.
        return Err(if token.is_some() {
            AppError::NotFound("checkout session")
        } else {
            AppError::Unauthorized
        });
    };
    let ok = crate::security::is_admin(state, headers)
        || token.is_some_and(|t| crate::ids::secret_matches(t, &session.secret_hash));
    if ok {
        Ok(session)
    } else {
        Err(AppError::Unauthorized)
    }
}

/// Fresh tokenizer parameters for attempt `n` (checkout-session contract): `data` encrypts
/// `merchantId;orderRef;contract` with the access key (Payline Web2Token).
pub fn tokenizer_json(state: &AppState, session: &Session, n: i64) -> Value {
    let g = &state.settings().gateway;
    let data = encrypt_request_data(
        &g.access_key,
        &g.merchant_id,
        &session.attempt_order_ref(n),
        &g.contract,
    );
    json!({ "url": g.tokenizer_url, "accessKeyRef": g.access_key_ref, "data": data })
}

/// The 201 answer of session creation (checkout-session contract; with a customer, its
/// saved cards and what the session offers, customers-and-saved-cards contract).
pub async fn created_json(state: &AppState, c: &Created) -> Result<Value> {
    let s = &c.session;
    let base = &state.settings().public_url;
    let mut v = json!({
        "id": s.id,
        "clientSecret": c.client_secret.expose(),
        "nonce": s.nonce,
        "amount": s.amount,
        "currency": s.currency_display(),
        "orderRef": s.order_ref,
        "expiresAt": rfc3339(s.expires_at),
        "tokenizer": tokenizer_json(state, s, s.attempt),
        "payUrl": format!("{base}/api/checkout-sessions/{}/pay", s.id),
        "statusUrl": format!("{base}/api/checkout-sessions/{}", s.id),
        "acceptedBrands": ACCEPTED_BRANDS,
    });
    if let Some(customer) = &s.customer_id {
        let now = state.now_ms();
        let cards = crate::wallets::active_cards(state, customer).await?;
        v["customer"] = json!({ "id": customer });
        v["savedCards"] = cards.iter().map(|c| c.json(now)).collect();
        v["saveCard"] = Value::String(s.save_card.as_str().to_owned());
    }
    if let Some(sch) = crate::schedules::of_session(state, &s.id).await? {
        v["schedule"] = crate::schedules::view(state, &sch).await?;
        v["scheduleId"] = json!(sch.id);
    }
    Ok(v)
}

/// Brands the contract accepts, as Payline names them (`payment.cardBrand`).
pub const ACCEPTED_BRANDS: [&str; 5] = ["CB", "VISA", "MASTERCARD", "AMEX", "MAESTRO"];
