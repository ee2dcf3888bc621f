//! The pay flow (pay and 3-D Secure contracts): tokenizer blob → verifyEnrollment → 3-D Secure steps →
//! doAuthorization, one attempt at a time, every step stored before it is answered.
//!
//! Attempt statuses: `enrolling` (verifyEnrollment running), `method` (waiting for the 3DS
//! Method round), `challenge` (waiting for the ACS), `authenticating` (verifyAuthentication
//! running), `authorizing` (doAuthorization running), then `authorized`, `refused`,
//! `abandoned`, `failed` (the gateway call failed and nothing happened) or `unknown`.

use payline_protocol::messages::{
    DoAuthorizationRequest, GetTransactionDetailsRequest, VerifyAuthenticationRequest, VerifyEnrollmentRequest,
};
use payline_protocol::objects::{Authentication3DSecure, Browser, Buyer, Card, Order, Payment as PPayment, ThreeDsInfo};
use payline_protocol::secret::Secret;
use payline_protocol::values::{Action, Amount, CardExpiry, CardType, Currency, Date, DateTimeMinutes, Mode, Outcome};
use payline_protocol::web2token::decrypt_token_answer;
use payline_protocol::Operation;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sqlx::any::AnyRow;

use crate::error::{AppError, Result};
use crate::gateway::{GatewayError, code_message, outcome_of};
use crate::payments::{self, Payment};
use crate::sessions::{self, Session, status as sst};
use crate::state::AppState;
use crate::store::{int, opt_text, text};

/// Attempt statuses.
pub mod attempt_status {
    /// verifyEnrollment running.
    pub const ENROLLING: &str = "enrolling";
    /// Waiting for the 3DS Method round (`/continue`).
    pub const METHOD: &str = "method";
    /// Waiting for the ACS to post to `/3ds/return`.
    pub const CHALLENGE: &str = "challenge";
    /// verifyAuthentication running.
    pub const AUTHENTICATING: &str = "authenticating";
    /// doAuthorization running.
    pub const AUTHORIZING: &str = "authorizing";
    /// Authorized.
    pub const AUTHORIZED: &str = "authorized";
    /// Refused by the gateway or 3-D Secure.
    pub const REFUSED: &str = "refused";
    /// Closed by the page (challenge timed out or cancelled).
    pub const ABANDONED: &str = "abandoned";
    /// A gateway call failed before anything happened.
    pub const FAILED: &str = "failed";
    /// doAuthorization's outcome is unknown.
    pub const UNKNOWN: &str = "unknown";
}
use attempt_status as ast;

/// Browser data of the pay request (EMV 3DS browser fields).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BrowserInfo {
    /// Screen colour depth.
    pub color_depth: Option<Value>,
    /// Screen width.
    pub screen_width: Option<Value>,
    /// Screen height.
    pub screen_height: Option<Value>,
    /// Minutes from UTC.
    pub time_zone_offset: Option<Value>,
    /// `navigator.language`.
    pub language: Option<String>,
    /// `navigator.javaEnabled()`.
    pub java_enabled: Option<bool>,
    /// `navigator.userAgent`.
    pub user_agent: Option<String>,
    /// EMV challenge window size `01`–`05`.
    pub challenge_window_size: Option<String>,
}

/// 3-D Secure presentation asked by the page.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ThreeDsOptions {
    /// `iframe` or `redirect`.
    pub mode: String,
    /// Where a redirect returns (required for `redirect`).
    pub return_url: Option<String>,
}

/// The pay request (pay contract). The amount is not part of it: it comes from the session.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PayRequest {
    /// The tokenizer's blob, without `data=`.
    pub token_data: String,
    /// Payline brand chosen by the buyer (`payment.cardBrand`).
    pub brand: String,
    /// Cardholder name.
    pub holder: String,
    /// Browser data.
    #[serde(default)]
    pub browser: BrowserInfo,
    /// 3-D Secure presentation.
    #[serde(rename = "threeDS")]
    pub three_ds: Option<ThreeDsOptions>,
    /// Idempotency key of this pay.
    pub idempotency_key: String,
}

/// Non-secret context of an attempt, stored as JSON beside the sealed card data.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct AttemptContext {
    brand: String,
    holder: String,
    card_type: String,
    browser: BrowserInfo,
    accept_header: Option<String>,
    ip: Option<String>,
}

/// A stored attempt.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// Payment.
    pub payment_id: String,
    /// 1-based number.
    pub n: i64,
    /// Payline order reference.
    pub order_ref: String,
    /// See [`attempt_status`].
    pub status: String,
    /// MD / threeDSSessionData.
    pub md: Option<String>,
    /// verifyEnrollment's transient.
    pub transient: Option<String>,
    card_sealed: Option<String>,
    context: Option<String>,
    /// `iframe` or `redirect`.
    pub three_ds_mode: Option<String>,
    /// Redirect-mode return URL.
    pub return_url: Option<String>,
}

impl Attempt {
    fn from_row(r: &AnyRow) -> std::result::Result<Self, sqlx::Error> {
        Ok(Self {
            payment_id: text(r, "payment_id")?,
            n: int(r, "n")?,
            order_ref: text(r, "order_ref")?,
            status: text(r, "status")?,
            md: opt_text(r, "md")?,
            transient: opt_text(r, "transient")?,
            card_sealed: opt_text(r, "card_sealed")?,
            context: opt_text(r, "browser")?,
            three_ds_mode: opt_text(r, "three_ds_mode")?,
            return_url: opt_text(r, "return_url")?,
        })
    }

    fn context(&self) -> AttemptContext {
        self.context.as_deref().and_then(|c| serde_json::from_str(c).ok()).unwrap_or_default()
    }
}

/// Loads the attempt `n` of a payment.
pub async fn load_attempt(state: &AppState, payment_id: &str, n: i64) -> Result<Option<Attempt>> {
    let row = sqlx::query("SELECT * FROM attempts WHERE payment_id = $1 AND n = $2")
        .bind(payment_id)
        .bind(n)
        .fetch_optional(state.store().pool())
        .await?;
    Ok(row.as_ref().map(Attempt::from_row).transpose()?)
}

/// Finds the attempt waiting for the ACS answer with this MD.
pub async fn attempt_by_md(state: &AppState, md: &str) -> Result<Option<Attempt>> {
    let row = sqlx::query("SELECT * FROM attempts WHERE md = $1")
        .bind(md)
        .fetch_optional(state.store().pool())
        .await?;
    Ok(row.as_ref().map(Attempt::from_row).transpose()?)
}

/// All attempts of a payment, oldest first (for the shop's view).
pub async fn attempts_json(state: &AppState, payment_id: &str) -> Result<Vec<Value>> {
    let rows = sqlx::query("SELECT n, order_ref, status, code, message, transaction_id, created_at FROM attempts WHERE payment_id = $1 ORDER BY n")
        .bind(payment_id)
        .fetch_all(state.store().pool())
        .await?;
    rows.iter()
        .map(|r| {
            Ok(json!({
                "n": int(r, "n")?, "orderRef": text(r, "order_ref")?, "status": text(r, "status")?,
                "code": opt_text(r, "code")?, "message": opt_text(r, "message")?,
                "transactionId": opt_text(r, "transaction_id")?, "createdAt": sessions::rfc3339(int(r, "created_at")?),
            }))
        })
        .collect::<std::result::Result<Vec<_>, sqlx::Error>>()
        .map_err(AppError::from)
}

async fn set_attempt_status(state: &AppState, a: &Attempt, from: &str, to: &str) -> Result<bool> {
    let r = sqlx::query("UPDATE attempts SET status = $1, updated_at = $2 WHERE payment_id = $3 AND n = $4 AND status = $5")
        .bind(to)
        .bind(state.now_ms())
        .bind(&a.payment_id)
        .bind(a.n)
        .bind(from)
        .execute(state.store().pool())
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Ends an attempt: status, code, message; the sealed card data is wiped.
async fn close_attempt(state: &AppState, a: &Attempt, to: &str, code: Option<&str>, message: Option<&str>, txn: Option<&str>) -> Result<()> {
    sqlx::query(
        "UPDATE attempts SET status = $1, code = $2, message = $3, transaction_id = $4, card_sealed = NULL, \
         transient = NULL, updated_at = $5 WHERE payment_id = $6 AND n = $7",
    )
    .bind(to)
    .bind(code)
    .bind(message)
    .bind(txn)
    .bind(state.now_ms())
    .bind(&a.payment_id)
    .bind(a.n)
    .execute(state.store().pool())
    .await?;
    Ok(())
}

/// Validates the pay body; nothing is stored for an invalid one.
pub fn validate(req: &PayRequest) -> Result<()> {
    if req.token_data.is_empty() || req.token_data.len() > payline_protocol::web2token::MAX_DATA_LEN {
        return Err(AppError::invalid("invalid_token_data", "tokenData is missing or too long"));
    }
    if !sessions::ACCEPTED_BRANDS.contains(&req.brand.as_str()) {
        return Err(AppError::invalid("invalid_brand", "brand is not one of the accepted brands"));
    }
    let n = req.holder.trim().chars().count();
    if !(2..=45).contains(&n) || req.holder.chars().any(char::is_control) {
        return Err(AppError::invalid("invalid_holder", "holder must be 2–45 characters"));
    }
    crate::idempotency::validate_key(&req.idempotency_key)?;
    if let Some(t) = &req.three_ds {
        match (t.mode.as_str(), &t.return_url) {
            ("iframe", _) => {}
            ("redirect", Some(u)) if u.starts_with("https://") || u.starts_with("http://") => {}
            ("redirect", _) => return Err(AppError::invalid("invalid_return_url", "threeDS.returnUrl is required for redirect mode")),
            _ => return Err(AppError::invalid("invalid_three_ds_mode", "threeDS.mode must be iframe or redirect")),
        }
    }
    if let Some(w) = &req.browser.challenge_window_size
        && !["01", "02", "03", "04", "05"].contains(&w.as_str()) {
            return Err(AppError::invalid("invalid_browser", "browser.challengeWindowSize must be 01–05"));
        }
    Ok(())
}

/// Payline's doAuthorization takes a cardholder of at most 30 characters (Payline card object):
/// cut at a word boundary when there is one.
pub fn cardholder_30(holder: &str) -> String {
    let h = holder.split_whitespace().collect::<Vec<_>>().join(" ");
    if h.chars().count() <= 30 {
        return h;
    }
    let cut: String = h.chars().take(30).collect();
    let next_is_space = h.chars().nth(30) == Some(' ');
    if next_is_space {
        return cut;
    }
    match cut.rfind(' ') {
        Some(i) if i >= 2 => cut[..i].to_owned(),
        _ => cut,
    }
}

/// Request context from the HTTP layer.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    /// `Origin` of the checkout page.
    pub origin: Option<String>,
    /// `Accept` header (EMV 3DS browser data).
    pub accept: Option<String>,
    /// Client IP.
    pub ip: Option<String>,
}

/// `POST /api/checkout-sessions/{id}/pay`, after authentication and validation: executes once
/// per idempotency key.
pub async fn pay(state: &AppState, session_id: &str, req: PayRequest, meta: RequestMeta) -> Result<Value> {
    let mut session = sessions::load(state, session_id).await?.ok_or(AppError::NotFound("checkout session"))?;
    sessions::expire_if_due(state, &mut session).await?;
    // A pay retried after an unknown outcome settles the earlier attempt first.
    if session.status == sst::PROCESSING
        && let Some(pid) = session.payment_id.clone() {
            let pid = pid.as_str();
            if let Some(p) = payments::load(state, pid).await?
                && p.status == payments::status::UNKNOWN {
                    reconcile(state, &p).await?;
                    session = sessions::load(state, session_id).await?.ok_or(AppError::NotFound("checkout session"))?;
                    // The retried pay gets the outcome the gateway had reached.
                    if let Some(q) = payments::load(state, pid).await? {
                        match q.status.as_str() {
                            payments::status::AUTHORIZED => {
                                return Ok(json!({ "status": "authorized", "paymentId": q.id, "transactionId": q.transaction_id }));
                            }
                            payments::status::UNKNOWN => {
                                return Err(AppError::GatewayUnknown("outcome still unknown".into()));
                            }
                            _ => {}
                        }
                    }
                }
        }
    match session.status.as_str() {
        sst::EXPIRED => return Err(AppError::Expired),
        sst::AUTHORIZED => return Err(AppError::conflict("already_authorized", "this checkout session is already paid")),
        sst::PROCESSING => return Err(AppError::conflict("payment_in_progress", "a payment attempt is in progress for this session")),
        sst::REFUSED if session.attempt > state.settings().max_attempts => return Err(AppError::TooManyAttempts),
        _ => {}
    }
    let n = session.attempt;
    let order_ref = session.attempt_order_ref(n);
    let g = state.settings().gateway.clone();
    // The blob must decrypt with our access key and name the current attempt's order ref:
    // a blob made for another session or an earlier attempt is refused.
    let answer = decrypt_token_answer(&g.access_key, &req.token_data)
        .map_err(|_| AppError::invalid("invalid_token_data", "tokenData does not decrypt for this merchant"))?;
    if answer.order_ref != order_ref {
        return Err(AppError::conflict("token_not_for_attempt", "tokenData was issued for another checkout attempt"));
    }
    let card_type: CardType = answer
        .card_type
        .parse()
        .map_err(|_| AppError::invalid("invalid_token_data", "tokenData has no usable card type"))?;
    let _expiry: CardExpiry = answer
        .expiration_date
        .expose()
        .parse()
        .map_err(|_| AppError::invalid("invalid_token_data", "tokenData has no usable expiry"))?;
    // Accept each blob once (its hash only is stored; the blob never is).
    let blob_hash = crate::ids::sha256_hex(req.token_data.as_bytes());
    let fresh = sqlx::query("INSERT INTO consumed_blobs (blob_hash, session_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        .bind(&blob_hash)
        .bind(&session.id)
        .bind(state.now_ms())
        .execute(state.store().pool())
        .await?
        .rows_affected();
    if fresh == 0 {
        return Err(AppError::conflict("token_already_used", "this tokenData was already used"));
    }
    if !sessions::transition(state, &session.id, &[sst::OPEN, sst::REFUSED], sst::PROCESSING).await? {
        return Err(AppError::conflict("payment_in_progress", "a payment attempt is in progress for this session"));
    }
    let origin = meta.origin.clone().unwrap_or_else(|| crate::config::origin_of(&state.settings().public_url));
    sqlx::query("UPDATE checkout_sessions SET checkout_origin = $1 WHERE id = $2")
        .bind(&origin)
        .bind(&session.id)
        .execute(state.store().pool())
        .await?;
    let now = state.now_ms();
    let pid = match &session.payment_id {
        Some(pid) => {
            sqlx::query("UPDATE payments SET status = 'processing', order_ref = $1, code = NULL, message = NULL, brand = $2, card_type = $3, updated_at = $4 WHERE id = $5")
                .bind(&order_ref)
                .bind(&req.brand)
                .bind(card_type.as_str())
                .bind(now)
                .bind(pid)
                .execute(state.store().pool())
                .await?;
            pid.clone()
        }
        None => {
            let pid = crate::ids::new_id("pay_");
            sqlx::query(
                "INSERT INTO payments (id, session_id, status, amount, currency, order_ref, contract_number, brand, card_type, created_at, updated_at) \
                 VALUES ($1, $2, 'processing', $3, $4, $5, $6, $7, $8, $9, $9)",
            )
            .bind(&pid)
            .bind(&session.id)
            .bind(session.amount)
            .bind(&session.currency)
            .bind(&order_ref)
            .bind(&g.contract)
            .bind(&req.brand)
            .bind(card_type.as_str())
            .bind(now)
            .execute(state.store().pool())
            .await?;
            sqlx::query("UPDATE checkout_sessions SET payment_id = $1 WHERE id = $2")
                .bind(&pid)
                .bind(&session.id)
                .execute(state.store().pool())
                .await?;
            pid
        }
    };
    let sealed_plain = Secret::new(format!("{};{};{}", answer.token.expose(), answer.expiration_date.expose(), answer.virtual_cvv.expose()));
    let sealed = state.seal_key().seal(&order_ref, &sealed_plain);
    let ctx = AttemptContext {
        brand: req.brand.clone(),
        holder: req.holder.trim().to_owned(),
        card_type: card_type.as_str().to_owned(),
        browser: req.browser.clone(),
        accept_header: meta.accept.clone(),
        ip: meta.ip.clone(),
    };
    let (mode, return_url) = match &req.three_ds {
        Some(t) => (t.mode.clone(), t.return_url.clone()),
        None => ("iframe".to_owned(), None),
    };
    sqlx::query(
        "INSERT INTO attempts (payment_id, n, order_ref, status, card_sealed, browser, three_ds_mode, return_url, created_at, updated_at) \
         VALUES ($1, $2, $3, 'enrolling', $4, $5, $6, $7, $8, $8) \
         ON CONFLICT (payment_id, n) DO UPDATE SET status = 'enrolling', card_sealed = $4, browser = $5, three_ds_mode = $6, \
         return_url = $7, md = NULL, transient = NULL, code = NULL, message = NULL, updated_at = $8",
    )
    .bind(&pid)
    .bind(n)
    .bind(&order_ref)
    .bind(&sealed)
    .bind(serde_json::to_string(&ctx).unwrap_or_default())
    .bind(&mode)
    .bind(&return_url)
    .bind(now)
    .execute(state.store().pool())
    .await?;
    let attempt = load_attempt(state, &pid, n).await?.ok_or_else(|| AppError::Internal("attempt vanished".into()))?;
    let payment = payments::load(state, &pid).await?.ok_or_else(|| AppError::Internal("payment vanished".into()))?;
    tracing::info!(session = %session.id, payment = %pid, attempt = n, order_ref = %order_ref, brand = %req.brand, "pay attempt started");
    enroll(state, &session, &payment, &attempt, None).await
}

/// The card of an attempt, from its sealed data.
fn attempt_card(state: &AppState, a: &Attempt, for_authorization: bool) -> Result<Card> {
    let sealed = a.card_sealed.as_deref().ok_or_else(|| AppError::conflict("attempt_closed", "this attempt is closed"))?;
    let plain = state.seal_key().open(&a.order_ref, sealed).map_err(|_| AppError::Internal("sealed card data does not open".into()))?;
    let mut parts = plain.expose().splitn(3, ';');
    let (Some(token), Some(exp), Some(cvv)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(AppError::Internal("sealed card data malformed".into()));
    };
    let ctx = a.context();
    let card_type: CardType = ctx.card_type.parse().map_err(|_| AppError::Internal("card type".into()))?;
    let mut card = Card::new(card_type);
    card.token = Some(token.to_owned());
    card.expiration_date = exp.parse().ok();
    if for_authorization {
        card.cvx = Some(Secret::new(cvv));
        card.cardholder = Some(cardholder_30(&ctx.holder));
    } else {
        // verifyEnrollment takes up to 45 characters (Payline card object).
        card.cardholder = Some(ctx.holder.chars().take(45).collect());
    }
    Ok(card)
}

fn payline_payment(session_amount: i64, currency: &str, contract: &str, brand: Option<String>, action: Action) -> Result<PPayment> {
    let currency: Currency = currency.parse().map_err(|_| AppError::Internal("stored currency".into()))?;
    let mut p = PPayment::new(currency, action, Mode::CPT);
    p.amount = u64::try_from(session_amount).ok().and_then(Amount::from_minor);
    p.contract_number = Some(contract.to_owned());
    p.card_brand = brand;
    Ok(p)
}

/// Payline order date `dd/mm/yyyy HH:mm` (Payline value formats) of a Unix-ms instant.
pub fn order_date(ms: i64) -> DateTimeMinutes {
    let t = time::OffsetDateTime::from_unix_timestamp(ms / 1000).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let d = Date::new(u16::try_from(t.year()).unwrap_or(1970), u8::from(t.month()), t.day());
    d.and_then(|d| DateTimeMinutes::new(d, t.hour(), t.minute()))
        .or_else(|| Date::new(1970, 1, 1).and_then(|d| DateTimeMinutes::new(d, 0, 0)))
        .unwrap_or_else(|| unreachable!("1970-01-01 00:00 is a valid date"))
}

fn payline_order(state: &AppState, p: &Payment, order_ref: &str) -> Result<Order> {
    let currency: Currency = p.currency.parse().map_err(|_| AppError::Internal("stored currency".into()))?;
    let amount = u64::try_from(p.amount).ok().and_then(Amount::from_minor).ok_or_else(|| AppError::Internal("stored amount".into()))?;
    let mut o = Order::new(amount, currency, order_date(state.now_ms()));
    o.r#ref = order_ref.to_owned();
    Ok(o)
}

/// Payline `buyer` with the buyer's IP (fraud scoring, EMV 3-D Secure browser IP), when known.
fn buyer(ctx: &AttemptContext) -> Option<Buyer> {
    ctx.ip.as_ref().map(|ip| Buyer { ip: Some(ip.clone()), ..Buyer::default() })
}

fn three_ds_info(state: &AppState, a: &Attempt, method_result: Option<&str>) -> ThreeDsInfo {
    let ctx = a.context();
    let b = &ctx.browser;
    let s = |v: &Option<Value>| v.as_ref().map(|v| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    });
    ThreeDsInfo {
        challenge_ind: Some("01".to_owned()),
        browser: Some(Browser {
            accept_header: ctx.accept_header.clone(),
            java_enabled: b.java_enabled.map(|j| j.to_string()),
            javascript_enabled: Some("true".to_owned()),
            language: b.language.clone(),
            color_depth: s(&b.color_depth),
            screen_height: s(&b.screen_height),
            screen_width: s(&b.screen_width),
            time_zone_offset: s(&b.time_zone_offset),
            user_agent: b.user_agent.clone(),
        }),
        three_ds_method_notification_url: Some(format!("{}/3ds/method-notify", state.settings().public_url)),
        three_ds_method_result: method_result.map(str::to_owned),
        challenge_window_size: b.challenge_window_size.clone(),
        ..ThreeDsInfo::default()
    }
}

/// verifyEnrollment (first round, or the second one after the 3DS Method with its transient)
/// and what follows from its answer.
pub async fn enroll(state: &AppState, session: &Session, p: &Payment, a: &Attempt, method_result: Option<&str>) -> Result<Value> {
    let g = state.settings().gateway.clone();
    let card = attempt_card(state, a, false)?;
    let ctx = a.context();
    let payment = payline_payment(p.amount, &p.currency, &g.contract, Some(ctx.brand.clone()), Action::AUTHORIZATION)?;
    let mut req = VerifyEnrollmentRequest::new(card, payment);
    req.order_ref = a.order_ref.clone();
    req.order = Some(payline_order(state, p, &a.order_ref)?);
    req.user_agent = ctx.browser.user_agent.clone();
    req.return_url = Some(format!("{}/3ds/return", state.settings().public_url));
    req.three_ds_info = Some(three_ds_info(state, a, method_result));
    req.buyer = buyer(&ctx);
    req.transient = method_result.and(a.transient.clone());
    let res = match state.gateway().call(&req).await {
        Ok(r) => r,
        Err(e) => return gateway_failed_before_money(state, session, p, a, e).await,
    };
    let code = res.result.code;
    let (code_s, message) = code_message(&res);
    match code_s.as_str() {
        // Not enrolled / not participating: authorize without 3-D Secure (a per-contract
        // policy; the sandbox allows it).
        "03001" | "03002" => authorize(state, session, p, a, None, None).await,
        // Frictionless: its authentication3DSecure goes into doAuthorization.
        "03102" => authorize(state, session, p, a, res.authentication_3d_secure.clone(), res.transient.clone()).await,
        // 3DS Method first: the page posts threeDSMethodData in a hidden iframe, then /continue.
        "03100" => {
            let url = res.action_url.clone().unwrap_or_default();
            let field = res.pareq_field_name.clone().unwrap_or_else(|| "threeDSMethodData".to_owned());
            let value = res.pareq_field_value.clone().unwrap_or_default();
            sqlx::query("UPDATE attempts SET status = 'method', transient = $1, md = $2, updated_at = $3 WHERE payment_id = $4 AND n = $5")
                .bind(&res.transient)
                .bind(&res.md_field_value)
                .bind(state.now_ms())
                .bind(&a.payment_id)
                .bind(a.n)
                .execute(state.store().pool())
                .await?;
            payments::transition(state, &p.id, payments::status::PROCESSING, payments::status::PENDING_3DS).await?;
            Ok(json!({ "status": "method", "paymentId": p.id, "url": url, "fields": { field: value } }))
        }
        // Challenge (3DS2: creq + threeDSSessionData) or 3DS1 redirect (PaReq + MD + TermUrl).
        "03101" | "03000" => {
            let url = res.action_url.clone().unwrap_or_default();
            let md = res.md_field_value.clone().unwrap_or_default();
            let mut fields = serde_json::Map::new();
            if let (Some(n), Some(v)) = (&res.pareq_field_name, &res.pareq_field_value) {
                fields.insert(n.clone(), json!(v));
            }
            if let Some(n) = &res.md_field_name {
                fields.insert(n.clone(), json!(md));
            }
            if code_s == "03000" {
                let term = res.term_url_name.clone().unwrap_or_else(|| "TermUrl".to_owned());
                fields.insert(term, json!(format!("{}/3ds/return", state.settings().public_url)));
            }
            sqlx::query("UPDATE attempts SET status = 'challenge', md = $1, transient = COALESCE($2, transient), updated_at = $3 WHERE payment_id = $4 AND n = $5")
                .bind(&md)
                .bind(&res.transient)
                .bind(state.now_ms())
                .bind(&a.payment_id)
                .bind(a.n)
                .execute(state.store().pool())
                .await?;
            sqlx::query("UPDATE payments SET status = 'pending_3ds', three_ds_version = $1, updated_at = $2 WHERE id = $3")
                .bind(if code_s == "03000" { "1" } else { "2" })
                .bind(state.now_ms())
                .bind(&p.id)
                .execute(state.store().pool())
                .await?;
            let method = res.action_method.clone().unwrap_or_else(|| "POST".to_owned());
            Ok(json!({ "status": "challenge", "paymentId": p.id, "method": method, "url": url, "fields": fields }))
        }
        _ => {
            let _ = code;
            refuse(state, session, p, a, &code_s, &message, None).await
        }
    }
}

/// A gateway call that moves no money (verifyEnrollment, verifyAuthentication) failed: the
/// attempt is closed as failed, the session reopens for a new attempt, 502/504.
async fn gateway_failed_before_money(state: &AppState, session: &Session, p: &Payment, a: &Attempt, e: GatewayError) -> Result<Value> {
    close_attempt(state, a, ast::FAILED, None, Some("gateway failure"), None).await?;
    next_attempt(state, session, p, "refused", None, Some("gateway failure")).await?;
    Err(match e {
        GatewayError::Unknown(m) => AppError::GatewayUnknown(m),
        GatewayError::NotSent(m) | GatewayError::Failed(m) => AppError::GatewayError(m),
    })
}

/// Moves the session to the next attempt (or to a final refusal when none is left) and the
/// payment to `refused`.
async fn next_attempt(state: &AppState, session: &Session, p: &Payment, pay_status: &str, code: Option<&str>, message: Option<&str>) -> Result<Session> {
    sqlx::query("UPDATE payments SET status = $1, code = $2, message = $3, updated_at = $4 WHERE id = $5")
        .bind(pay_status)
        .bind(code)
        .bind(message)
        .bind(state.now_ms())
        .bind(&p.id)
        .execute(state.store().pool())
        .await?;
    // Attempt n+1 gets its own order reference; past the limit the session stays refused and
    // further pays get 429.
    sqlx::query("UPDATE checkout_sessions SET status = 'refused', attempt = attempt + 1 WHERE id = $1")
        .bind(&session.id)
        .execute(state.store().pool())
        .await?;
    sessions::load(state, &session.id).await?.ok_or(AppError::NotFound("checkout session"))
}

/// A refused attempt: stored, then answered with a retry while attempts remain.
async fn refuse(state: &AppState, session: &Session, p: &Payment, a: &Attempt, code: &str, message: &str, txn: Option<&str>) -> Result<Value> {
    close_attempt(state, a, ast::REFUSED, Some(code), Some(message), txn).await?;
    let s = next_attempt(state, session, p, payments::status::REFUSED, Some(code), Some(message)).await?;
    tracing::info!(payment = %p.id, attempt = a.n, code, "payment attempt refused");
    crate::webhook::enqueue(state, &p.id, "payment.refused").await?;
    let mut v = json!({ "status": "refused", "paymentId": p.id, "code": code, "message": message });
    if s.attempt <= state.settings().max_attempts {
        v["retry"] = json!({ "tokenizer": sessions::tokenizer_json(state, &s, s.attempt) });
    }
    Ok(v)
}

/// doAuthorization for the attempt, with the 3-D Secure authentication when there is one.
pub async fn authorize(state: &AppState, session: &Session, p: &Payment, a: &Attempt, auth: Option<Authentication3DSecure>, transient: Option<String>) -> Result<Value> {
    let g = state.settings().gateway.clone();
    let from = a.status.clone();
    if !set_attempt_status(state, a, &from, ast::AUTHORIZING).await? {
        return Err(AppError::conflict("payment_in_progress", "this attempt is already being processed"));
    }
    sqlx::query("UPDATE payments SET status = 'processing', updated_at = $1 WHERE id = $2")
        .bind(state.now_ms())
        .bind(&p.id)
        .execute(state.store().pool())
        .await?;
    let card = attempt_card(state, a, true)?;
    let ctx = a.context();
    let payment = payline_payment(p.amount, &p.currency, &g.contract, Some(ctx.brand.clone()), Action::AUTHORIZATION)?;
    let mut req = DoAuthorizationRequest::new(payment, card, payline_order(state, p, &a.order_ref)?);
    let three_ds = auth.as_ref().map(|x| (x.eci.clone(), x.result_container.is_some()));
    req.authentication_3d_secure = auth;
    req.transient = transient;
    req.buyer = buyer(&ctx);
    let res = match state.gateway().call(&req).await {
        Ok(r) => r,
        Err(GatewayError::Unknown(m)) => {
            // Sent, no answer: the money may have moved. Stored as unknown before answering;
            // reconciliation (by order ref) decides before anything is retried.
            close_attempt(state, a, ast::UNKNOWN, None, Some("outcome unknown"), None).await?;
            payments::transition(state, &p.id, payments::status::PROCESSING, payments::status::UNKNOWN).await?;
            tracing::warn!(payment = %p.id, order_ref = %a.order_ref, "doAuthorization outcome unknown");
            return Err(AppError::GatewayUnknown(m));
        }
        Err(e) => return gateway_failed_before_money(state, session, p, a, e).await,
    };
    let (code, message) = code_message(&res);
    match outcome_of(Operation::DoAuthorization, &res) {
        Outcome::Accepted | Outcome::AcceptedWithWarning => {
            let txn = res.transaction.id.clone();
            let masked = res.card.number.clone();
            let liability = three_ds.as_ref().map(|(eci, _)| i64::from(matches!(eci.as_deref(), Some("05" | "02"))));
            let now = state.now_ms();
            close_attempt(state, a, ast::AUTHORIZED, Some(&code), Some(&message), Some(&txn)).await?;
            sqlx::query(
                "UPDATE payments SET status = 'authorized', transaction_id = $1, code = $2, message = $3, masked_card = $4, \
                 eci = $5, liability_shift = $6, three_ds_version = CASE WHEN $7 = 1 THEN COALESCE(three_ds_version, '2') ELSE three_ds_version END, \
                 authorized_amount = amount, authorized_at = $8, order_ref = $9, updated_at = $8 WHERE id = $10",
            )
            .bind(&txn)
            .bind(&code)
            .bind(&message)
            .bind(&masked)
            .bind(three_ds.as_ref().and_then(|(e, _)| e.clone()))
            .bind(liability)
            .bind(i64::from(three_ds.is_some()))
            .bind(now)
            .bind(&a.order_ref)
            .bind(&p.id)
            .execute(state.store().pool())
            .await?;
            record_operation(state, &p.id, "authorization", "accepted", p.amount, &p.currency, Some(&a.order_ref), Some(&txn), &code, &message).await?;
            sessions::transition(state, &session.id, &[sst::PROCESSING], sst::AUTHORIZED).await?;
            crate::webhook::enqueue(state, &p.id, "payment.authorized").await?;
            tracing::info!(payment = %p.id, transaction = %txn, "payment authorized");
            Ok(json!({ "status": "authorized", "paymentId": p.id, "transactionId": txn }))
        }
        _ => refuse(state, session, p, a, &code, &message, Some(&res.transaction.id).filter(|t| !t.is_empty()).map(String::as_str)).await,
    }
}

/// Records a gateway operation on a payment.
#[allow(clippy::too_many_arguments)]
pub async fn record_operation(state: &AppState, pid: &str, kind: &str, status: &str, amount: i64, currency: &str, order_ref: Option<&str>, txn: Option<&str>, code: &str, message: &str) -> Result<()> {
    let now = state.now_ms();
    sqlx::query(
        "INSERT INTO operations (id, payment_id, kind, status, amount, currency, order_ref, transaction_id, code, message, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
    )
    .bind(crate::ids::sortable_id("op_", now))
    .bind(pid)
    .bind(kind)
    .bind(status)
    .bind(amount)
    .bind(currency)
    .bind(order_ref)
    .bind(txn)
    .bind(code)
    .bind(message)
    .bind(now)
    .execute(state.store().pool())
    .await?;
    Ok(())
}

/// `POST …/continue`: the second verifyEnrollment after the 3DS Method round.
pub async fn continue_method(state: &AppState, session: &Session, payment_id: &str, completed: bool) -> Result<Value> {
    let p = owned_payment(state, session, payment_id).await?;
    let a = load_attempt(state, &p.id, current_attempt_n(session)).await?.ok_or_else(|| AppError::conflict("invalid_state", "no 3-D Secure method round is waiting"))?;
    if !set_attempt_status(state, &a, ast::METHOD, ast::ENROLLING).await? {
        return Err(AppError::conflict("invalid_state", "no 3-D Secure method round is waiting"));
    }
    payments::transition(state, &p.id, payments::status::PENDING_3DS, payments::status::PROCESSING).await?;
    let a = load_attempt(state, &p.id, a.n).await?.ok_or_else(|| AppError::Internal("attempt vanished".into()))?;
    // EMV 3DS threeDSCompInd: Y when the method page completed, N after the 10 s timeout.
    enroll(state, session, &p, &a, Some(if completed { "Y" } else { "N" })).await
}

fn current_attempt_n(session: &Session) -> i64 {
    session.attempt
}

async fn owned_payment(state: &AppState, session: &Session, payment_id: &str) -> Result<Payment> {
    if session.payment_id.as_deref() != Some(payment_id) {
        return Err(AppError::NotFound("payment"));
    }
    payments::load(state, payment_id).await?.ok_or(AppError::NotFound("payment"))
}

/// `POST …/abandon`: closes a 3-D Secure attempt the page gave up on; a later ACS answer for it
/// is refused and never authorized.
pub async fn abandon(state: &AppState, session: &Session, payment_id: &str) -> Result<Value> {
    let p = owned_payment(state, session, payment_id).await?;
    let a = load_attempt(state, &p.id, session.attempt).await?.ok_or_else(|| AppError::conflict("invalid_state", "nothing to abandon"))?;
    let mut closed = false;
    for from in [ast::METHOD, ast::CHALLENGE] {
        if set_attempt_status(state, &a, from, ast::ABANDONED).await? {
            closed = true;
            break;
        }
    }
    if !closed {
        return Err(AppError::conflict("invalid_state", "the attempt is not waiting for 3-D Secure"));
    }
    let a = load_attempt(state, &p.id, a.n).await?.ok_or_else(|| AppError::Internal("attempt vanished".into()))?;
    // Payline 02319: payment cancelled by the buyer.
    let (code, message) = ("02319", "Payment cancelled by the buyer");
    close_attempt(state, &a, ast::ABANDONED, Some(code), Some(message), None).await?;
    let s = next_attempt(state, session, &p, payments::status::REFUSED, Some(code), Some(message)).await?;
    let mut v = json!({ "status": "refused", "paymentId": p.id, "code": code, "message": message });
    if s.attempt <= state.settings().max_attempts {
        v["retry"] = json!({ "tokenizer": sessions::tokenizer_json(state, &s, s.attempt) });
    }
    Ok(v)
}

/// The ACS posted back (`/3ds/return`): verifyAuthentication, then doAuthorization with its
/// result. Returns the session for the return page; an unknown or closed attempt authorizes
/// nothing.
pub async fn three_ds_return(state: &AppState, md: &str, pares: &str) -> Result<Option<Session>> {
    let Some(a) = attempt_by_md(state, md).await? else { return Ok(None) };
    let Some(p) = payments::load(state, &a.payment_id).await? else { return Ok(None) };
    let Some(session) = sessions::load(state, &p.session_id).await? else { return Ok(None) };
    if !set_attempt_status(state, &a, ast::CHALLENGE, ast::AUTHENTICATING).await? {
        // Abandoned, replayed or already handled: nothing is authorized.
        tracing::warn!(payment = %p.id, attempt = a.n, status = %a.status, "3-D Secure return for an attempt that is not waiting");
        return Ok(Some(session));
    }
    payments::transition(state, &p.id, payments::status::PENDING_3DS, payments::status::PROCESSING).await?;
    let a = load_attempt(state, &p.id, a.n).await?.ok_or_else(|| AppError::Internal("attempt vanished".into()))?;
    let req = VerifyAuthenticationRequest {
        transient: a.transient.clone(),
        version: payline_protocol::messages::VERSION.to_owned(),
        contract_number: state.settings().gateway.contract.clone(),
        pares: pares.to_owned(),
        md: Some(md.to_owned()),
        card: None,
        private_data_list: None,
    };
    let res = match state.gateway().call(&req).await {
        Ok(r) => r,
        Err(e) => {
            let _ = gateway_failed_before_money(state, &session, &p, &a, e).await;
            return sessions::load(state, &session.id).await;
        }
    };
    let (code, message) = code_message(&res);
    if code == "03000" {
        authorize_after_3ds(state, &session, &p, &a, res.authentication_3d_secure.clone(), res.transient.clone()).await?;
    } else {
        // A failed or cancelled challenge (03022, 03003, …) ends the attempt as refused.
        refuse(state, &session, &p, &a, &code, &message, None).await?;
    }
    sessions::load(state, &session.id).await
}

async fn authorize_after_3ds(state: &AppState, session: &Session, p: &Payment, a: &Attempt, auth: Option<Authentication3DSecure>, transient: Option<String>) -> Result<()> {
    match authorize(state, session, p, a, auth, transient.or_else(|| a.transient.clone())).await {
        Ok(_) | Err(AppError::GatewayUnknown(_) | AppError::GatewayError(_)) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Settles a payment whose doAuthorization outcome is unknown: asks the gateway for the
/// transaction of the attempt's order reference (getTransactionDetails by `orderRef`, which is
/// unique per attempt). Accepted → authorized; refused → the attempt is refused; explicitly not
/// found → the request never took effect, the attempt failed and a new attempt (new order ref)
/// may follow. Any other answer leaves the payment unknown for the next round.
pub async fn reconcile(state: &AppState, p: &Payment) -> Result<()> {
    let req = GetTransactionDetailsRequest {
        version: payline_protocol::messages::VERSION.to_owned(),
        transaction_id: None,
        order_ref: Some(p.order_ref.clone()),
        start_date: None,
        end_date: None,
        transaction_history: None,
        archive_search: None,
    };
    let res = match state.gateway().call(&req).await {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(payment = %p.id, error = %e, "reconciliation: gateway unavailable, retrying later");
            return Ok(());
        }
    };
    let Some(session) = sessions::load(state, &p.session_id).await? else { return Ok(()) };
    let Some(a) = load_attempt(state, &p.id, session.attempt).await? else { return Ok(()) };
    let (code, message) = code_message(&res);
    let txn = res.transaction.as_ref().map(|t| t.id.clone()).filter(|t| !t.is_empty());
    let not_found = matches!(code.as_str(), "02301" | "02304" | "02310" | "02604");
    match (txn, outcome_of(Operation::GetTransactionDetails, &res)) {
        (Some(t), Outcome::Accepted | Outcome::AcceptedWithWarning) => {
            let now = state.now_ms();
            let masked = res.card.number.clone();
            let r = sqlx::query(
                "UPDATE payments SET status = 'authorized', transaction_id = $1, masked_card = COALESCE($2, masked_card), \
                 code = $3, message = $4, authorized_amount = amount, authorized_at = $5, updated_at = $5 \
                 WHERE id = $6 AND status = 'unknown'",
            )
            .bind(&t)
            .bind(&masked)
            .bind(&code)
            .bind(&message)
            .bind(now)
            .bind(&p.id)
            .execute(state.store().pool())
            .await?;
            if r.rows_affected() == 1 {
                close_attempt(state, &a, ast::AUTHORIZED, Some(&code), Some("reconciled"), Some(&t)).await?;
                record_operation(state, &p.id, "authorization", "accepted", p.amount, &p.currency, Some(&p.order_ref), Some(&t), &code, "reconciled").await?;
                sessions::transition(state, &session.id, &[sst::PROCESSING], sst::AUTHORIZED).await?;
                crate::webhook::enqueue(state, &p.id, "payment.reconciled").await?;
                tracing::info!(payment = %p.id, transaction = %t, "reconciled: authorized");
            }
        }
        (Some(t), Outcome::Refused | Outcome::Cancelled) => {
            if payments::transition(state, &p.id, payments::status::UNKNOWN, payments::status::PROCESSING).await? {
                refuse(state, &session, p, &a, &code, &message, Some(&t)).await?;
                tracing::info!(payment = %p.id, code = %code, "reconciled: refused");
            }
        }
        (None, _) if not_found => {
            if payments::transition(state, &p.id, payments::status::UNKNOWN, payments::status::REFUSED).await? {
                let msg = "No transaction at the gateway for this attempt (reconciled)";
                close_attempt(state, &a, ast::FAILED, Some(&code), Some(msg), None).await?;
                next_attempt(state, &session, p, payments::status::REFUSED, Some(&code), Some(msg)).await?;
                tracing::info!(payment = %p.id, "reconciled: no authorization at the gateway");
            }
        }
        _ => tracing::warn!(payment = %p.id, code = %code, "reconciliation inconclusive, retrying later"),
    }
    Ok(())
}
