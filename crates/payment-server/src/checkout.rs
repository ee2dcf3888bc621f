//! The pay flow (pay and 3-D Secure contracts): tokenizer blob → verifyEnrollment → 3-D Secure
//! steps → doAuthorization, one attempt at a time.
//!
//! This is the runner of the attempt state machine ([`crate::machine`]): it asks the machine
//! for the transition an answer causes, stores it with [`repo::apply_attempt`] (one database
//! transaction, compare-and-set on the old state, the webhook event in the same transaction),
//! and only then performs the effect. doAuthorization in particular is sent only after the
//! move to `authorizing` — its pending record, with the send time — is committed, so a crash at
//! any point leaves a row the reconciler ([`reconcile_attempt`]) settles from the gateway.

use payline_protocol::Operation;
use payline_protocol::messages::{
    DoAuthorizationRequest, DoImmediateWalletPaymentRequest, GetTransactionDetailsRequest,
    GetTransactionDetailsResponse, VerifyAuthenticationRequest, VerifyEnrollmentRequest,
};
use payline_protocol::objects::{
    Authentication3DSecure, Browser, Buyer, Card, Order, Payment as PPayment, ThreeDsInfo,
};
use payline_protocol::secret::Secret;
use payline_protocol::values::{
    Action, Amount, CardExpiry, CardType, Currency, Mode, Outcome, ReturnCode,
};
use payline_protocol::web2token::decrypt_token_answer;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::any::AnyRow;

use crate::error::{AppError, Result};
use crate::gateway::{GatewayError, code_message, outcome_of};
use crate::machine::{self, Decision, Effect, Enrollment, Event, Step};
use crate::model::{AttemptStatus, SaveCard};
use crate::payments::{self, Payment};
use crate::repo::{self, AttemptData, AttemptRef, AttemptRow};
use crate::sessions::{self, Session};
use crate::state::AppState;
use crate::store::{int, opt_int, opt_text, text};

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
/// A new card comes as `tokenData` + `brand` + `holder`; a saved card as `savedCard` alone
/// (customers-and-saved-cards contract).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PayRequest {
    /// The tokenizer's blob, without `data=` (new card).
    #[serde(default)]
    pub token_data: String,
    /// Payline brand chosen by the buyer (`payment.cardBrand`; new card).
    #[serde(default)]
    pub brand: String,
    /// Cardholder name (new card).
    #[serde(default)]
    pub holder: String,
    /// The customer's saved card to pay with (`cardId`).
    pub saved_card: Option<String>,
    /// The buyer ticked "save this card" (honoured when the session offers it).
    pub save_card: Option<bool>,
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
    /// Paid with a saved card: the wallet and its `cardInd`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    wallet: Option<WalletCardRef>,
}

/// A saved card as the gateway addresses it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct WalletCardRef {
    card_id: String,
    wallet_id: String,
    card_ind: i64,
    /// A merchant-initiated charge (no buyer, no 3-D Secure) links to this first,
    /// buyer-present payment of the card (Payline `linkedTransactionId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    merchant_initiated_link: Option<String>,
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
    /// State.
    pub status: AttemptStatus,
    /// MD / threeDSSessionData.
    pub md: Option<String>,
    /// verifyEnrollment's transient.
    pub transient: Option<String>,
    card_sealed: Option<String>,
    context: Option<String>,
    /// `iframe` or `redirect`.
    pub three_ds_mode: Option<String>,
    /// Redirect-mode return URL (checked against the allowed origins at pay time).
    pub return_url: Option<String>,
    /// When doAuthorization was sent.
    pub sent_at: Option<i64>,
}

impl Attempt {
    fn from_row(r: &AnyRow) -> std::result::Result<Self, sqlx::Error> {
        Ok(Self {
            payment_id: text(r, "payment_id")?,
            n: int(r, "n")?,
            order_ref: text(r, "order_ref")?,
            status: AttemptStatus::from_sql(&text(r, "status")?)?,
            md: opt_text(r, "md")?,
            transient: opt_text(r, "transient")?,
            card_sealed: opt_text(r, "card_sealed")?,
            context: opt_text(r, "browser")?,
            three_ds_mode: opt_text(r, "three_ds_mode")?,
            return_url: opt_text(r, "return_url")?,
            sent_at: opt_int(r, "sent_at")?,
        })
    }

    fn context(&self) -> AttemptContext {
        self.context
            .as_deref()
            .and_then(|c| serde_json::from_str(c).ok())
            .unwrap_or_default()
    }

    fn key(&self, session_id: &str) -> AttemptRef {
        AttemptRef {
            payment_id: self.payment_id.clone(),
            n: self.n,
            session_id: session_id.to_owned(),
            order_ref: self.order_ref.clone(),
        }
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

/// One attempt in the shop's view.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttemptView {
    /// Number.
    pub n: i64,
    /// Order reference.
    pub order_ref: String,
    /// State.
    pub status: String,
    /// Payline code.
    pub code: Option<String>,
    /// Payline message.
    pub message: Option<String>,
    /// Transaction.
    pub transaction_id: Option<String>,
    /// RFC 3339.
    pub created_at: String,
}

/// All attempts of a payment, oldest first (for the shop's view).
pub async fn attempts_json(state: &AppState, payment_id: &str) -> Result<Vec<AttemptView>> {
    let rows = sqlx::query("SELECT n, order_ref, status, code, message, transaction_id, created_at FROM attempts WHERE payment_id = $1 ORDER BY n")
        .bind(payment_id)
        .fetch_all(state.store().pool())
        .await?;
    rows.iter()
        .map(|r| {
            Ok(AttemptView {
                n: int(r, "n")?,
                order_ref: text(r, "order_ref")?,
                status: text(r, "status")?,
                code: opt_text(r, "code")?,
                message: opt_text(r, "message")?,
                transaction_id: opt_text(r, "transaction_id")?,
                created_at: crate::formats::rfc3339(int(r, "created_at")?),
            })
        })
        .collect::<std::result::Result<Vec<_>, sqlx::Error>>()
        .map_err(AppError::from)
}

/// The pay/continue/abandon answers (pay contract), typed.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum PayAnswer {
    /// Authorized.
    #[serde(rename_all = "camelCase")]
    Authorized {
        /// Payment.
        payment_id: String,
        /// Payline transaction.
        transaction_id: Option<String>,
        /// The saved card paid with, or the card just saved (`{cardId, brand, last4, expiry}`).
        #[serde(skip_serializing_if = "Option::is_none")]
        saved_card: Option<Value>,
        /// The instalments or subscription this checkout started.
        #[serde(skip_serializing_if = "Option::is_none")]
        schedule_id: Option<String>,
    },
    /// Refused; `retry` carries the next attempt's tokenizer data while attempts remain.
    #[serde(rename_all = "camelCase")]
    Refused {
        /// Payment.
        payment_id: String,
        /// Payline code.
        code: String,
        /// Payline message.
        message: String,
        /// Next attempt.
        #[serde(skip_serializing_if = "Option::is_none")]
        retry: Option<Retry>,
    },
    /// Run the 3DS Method in a hidden iframe, then `/continue`.
    #[serde(rename_all = "camelCase")]
    Method {
        /// Payment.
        payment_id: String,
        /// ACS method URL.
        url: String,
        /// Fields to post.
        fields: serde_json::Map<String, Value>,
    },
    /// Run the challenge.
    #[serde(rename_all = "camelCase")]
    Challenge {
        /// Payment.
        payment_id: String,
        /// `POST`.
        method: String,
        /// ACS URL.
        url: String,
        /// Fields to post.
        fields: serde_json::Map<String, Value>,
    },
}

/// The next attempt's tokenizer data.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Retry {
    /// Tokenizer parameters.
    pub tokenizer: Value,
}

impl PayAnswer {
    /// As JSON.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// The answer of a refused attempt, with the retry while attempts remain.
async fn refused_answer(
    state: &AppState,
    session_id: &str,
    payment_id: &str,
    code: &str,
    message: &str,
) -> Result<PayAnswer> {
    let s = sessions::load(state, session_id)
        .await?
        .ok_or(AppError::NotFound("checkout session"))?;
    let retry = (s.status == sessions::status::REFUSED
        && s.attempt <= state.settings().max_attempts)
        .then(|| Retry {
            tokenizer: sessions::tokenizer_json(state, &s, s.attempt),
        });
    Ok(PayAnswer::Refused {
        payment_id: payment_id.to_owned(),
        code: code.to_owned(),
        message: message.to_owned(),
        retry,
    })
}

/// Validates the pay body; nothing is stored for an invalid one.
pub fn validate(req: &PayRequest) -> Result<()> {
    if let Some(card) = &req.saved_card {
        if !req.token_data.is_empty() || req.save_card.is_some() {
            return Err(AppError::invalid(
                "invalid_body",
                "pay with either tokenData or savedCard, not both",
            ));
        }
        if card.is_empty() || card.len() > 64 || !card.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(AppError::invalid(
                "invalid_saved_card",
                "savedCard must be a cardId",
            ));
        }
        crate::idempotency::validate_key(&req.idempotency_key)?;
        return validate_presentation(req);
    }
    if req.token_data.is_empty() || req.token_data.len() > payline_protocol::web2token::MAX_DATA_LEN
    {
        return Err(AppError::invalid(
            "invalid_token_data",
            "tokenData is missing or too long",
        ));
    }
    if !sessions::ACCEPTED_BRANDS.contains(&req.brand.as_str()) {
        return Err(AppError::invalid(
            "invalid_brand",
            "brand is not one of the accepted brands",
        ));
    }
    let n = req.holder.trim().chars().count();
    if !(2..=45).contains(&n) || req.holder.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "invalid_holder",
            "holder must be 2–45 characters",
        ));
    }
    crate::idempotency::validate_key(&req.idempotency_key)?;
    validate_presentation(req)
}

/// The 3-D Secure presentation and browser data of a pay body.
fn validate_presentation(req: &PayRequest) -> Result<()> {
    if let Some(t) = &req.three_ds {
        match (t.mode.as_str(), &t.return_url) {
            ("iframe", _) => {}
            ("redirect", Some(u))
                if (u.starts_with("https://") || u.starts_with("http://")) && u.len() <= 2048 => {}
            ("redirect", _) => {
                return Err(AppError::invalid(
                    "invalid_return_url",
                    "threeDS.returnUrl is required for redirect mode",
                ));
            }
            _ => {
                return Err(AppError::invalid(
                    "invalid_three_ds_mode",
                    "threeDS.mode must be iframe or redirect",
                ));
            }
        }
    }
    if let Some(w) = &req.browser.challenge_window_size
        && !["01", "02", "03", "04", "05"].contains(&w.as_str())
    {
        return Err(AppError::invalid(
            "invalid_browser",
            "browser.challengeWindowSize must be 01–05",
        ));
    }
    Ok(())
}

/// Where a full-page 3-D Secure redirect may send the buyer back: the session's own `returnUrl`,
/// or a URL on one of `ALLOWED_ORIGINS`. Anything else would make the return page an open
/// redirect (OWASP "Unvalidated Redirects and Forwards"): a page that takes the buyer, after
/// the bank's page, to a URL the browser chose.
pub fn check_return_url(state: &AppState, session: &Session, url: &str) -> Result<()> {
    if session.return_url.as_deref() == Some(url) || on_allowed_origin(state, url) {
        Ok(())
    } else {
        Err(AppError::invalid(
            "invalid_return_url",
            "threeDS.returnUrl must be the session's returnUrl or on an allowed origin",
        ))
    }
}

/// True when `url` is well formed and on one of `ALLOWED_ORIGINS`.
pub fn on_allowed_origin(state: &AppState, url: &str) -> bool {
    let origin = crate::config::origin_of(url);
    // `https://shop.example@evil.example/` has the authority `shop.example@evil.example`; a
    // backslash or a missing path separator could be read differently by a browser.
    let well_formed = !origin.contains(['@', '\\'])
        && url
            .strip_prefix(origin.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?', '#']));
    well_formed && state.settings().allowed_origins.contains(&origin)
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
pub async fn pay(
    state: &AppState,
    session_id: &str,
    req: PayRequest,
    meta: RequestMeta,
) -> Result<PayAnswer> {
    let mut session = sessions::load(state, session_id)
        .await?
        .ok_or(AppError::NotFound("checkout session"))?;
    // A merchant-initiated charge's carrier is never paid through this route.
    if session.kind != crate::model::SessionKind::Checkout {
        return Err(AppError::NotFound("checkout session"));
    }
    sessions::expire_if_due(state, &mut session).await?;
    // A pay retried after an unknown outcome gets the gateway's outcome first; it never starts
    // anything while a doAuthorization may be in flight or processed.
    if session.status == sessions::status::PROCESSING
        && let Some(pid) = session.payment_id.clone()
        && let Some(a) = load_attempt(state, &pid, session.attempt).await?
        && a.status.money_undecided()
    {
        // A doAuthorization still within its own timeout is left to its caller.
        let stale = a
            .sent_at
            .is_none_or(|t| state.now_ms() >= t + repo::stale_after(state));
        if a.status == AttemptStatus::Authorizing && !stale {
            return Err(AppError::conflict(
                "payment_in_progress",
                "a payment attempt is in progress for this session",
            ));
        }
        if let Some(row) = repo::attempt_by_order_ref(state, &a.order_ref).await? {
            reconcile_attempt(state, &row).await?;
        }
        let a = load_attempt(state, &pid, a.n)
            .await?
            .ok_or_else(|| AppError::Internal("attempt vanished".into()))?;
        match a.status {
            AttemptStatus::Authorized => {
                let p = payments::load(state, &pid)
                    .await?
                    .ok_or(AppError::NotFound("payment"))?;
                return with_saved_card(
                    state,
                    PayAnswer::Authorized {
                        payment_id: p.id,
                        transaction_id: p.transaction_id,
                        saved_card: None,
                        schedule_id: None,
                    },
                )
                .await;
            }
            s if s.money_undecided() => {
                return Err(AppError::GatewayUnknown(
                    "outcome still being reconciled".into(),
                ));
            }
            _ => {
                session = sessions::load(state, session_id)
                    .await?
                    .ok_or(AppError::NotFound("checkout session"))?;
            }
        }
    }
    match session.status.as_str() {
        sessions::status::EXPIRED => return Err(AppError::Expired),
        sessions::status::AUTHORIZED => {
            return Err(AppError::conflict(
                "already_authorized",
                "this checkout session is already paid",
            ));
        }
        sessions::status::PROCESSING => {
            return Err(AppError::conflict(
                "payment_in_progress",
                "a payment attempt is in progress for this session",
            ));
        }
        sessions::status::REFUSED if session.attempt > state.settings().max_attempts => {
            return Err(AppError::TooManyAttempts);
        }
        _ => {}
    }
    let n = session.attempt;
    let order_ref = session.attempt_order_ref(n);
    let source = match &req.saved_card {
        Some(card_id) => saved_card_source(state, &session, card_id, n).await?,
        None => new_card_source(state, &req, &order_ref)?,
    };
    let (mode, return_url) = match &req.three_ds {
        Some(t) => (t.mode.clone(), t.return_url.clone()),
        None => ("iframe".to_owned(), None),
    };
    if let Some(u) = &return_url {
        check_return_url(state, &session, u)?;
    }
    let origin = meta
        .origin
        .clone()
        .unwrap_or_else(|| crate::config::origin_of(&state.settings().public_url));
    let ctx = AttemptContext {
        brand: source.brand.clone(),
        holder: source.holder.clone(),
        card_type: source.card_type.clone(),
        browser: req.browser.clone(),
        accept_header: meta.accept.clone(),
        ip: meta.ip.clone(),
        wallet: source.wallet.clone(),
    };
    let context = serde_json::to_string(&ctx).map_err(|e| AppError::Internal(e.to_string()))?;
    let pid = session
        .payment_id
        .clone()
        .unwrap_or_else(|| crate::ids::new_id("pay_"));
    // Saved when the session says always, or offers it and the buyer ticked the box.
    let save = match (&session.customer_id, session.save_card, &source.expiry) {
        (Some(customer), SaveCard::Always, Some(expiry))
        | (Some(customer), SaveCard::Offer, Some(expiry))
            if session.save_card == SaveCard::Always || req.save_card == Some(true) =>
        {
            Some(crate::repo::PlannedSave {
                customer_id: customer,
                brand: &source.brand,
                card_type: &source.card_type,
                expiry,
            })
        }
        _ => None,
    };
    let now = state.now_ms();
    let g = state.settings().gateway.clone();
    // Session claim, blob, payment and attempt (and the card to save): all or nothing.
    let started = repo::start_attempt(
        state,
        &repo::NewAttempt {
            session_id: &session.id,
            n,
            order_ref: &order_ref,
            payment_id: &pid,
            new_payment: session.payment_id.is_none(),
            // An instalment plan's checkout pays its first instalment.
            amount: crate::schedules::checkout_amount(state, &session.id, session.amount).await?,
            currency: &session.currency,
            contract: &g.contract,
            brand: &source.brand,
            card_type: &source.card_type,
            blob_hash: &source.blob_hash,
            card_sealed: source.sealed.as_deref(),
            context: &context,
            three_ds_mode: &mode,
            return_url: return_url.as_deref(),
            origin: &origin,
            stale_at: now + repo::stale_after(state),
            saved_card_id: source.wallet.as_ref().map(|w| w.card_id.as_str()),
            save,
        },
    )
    .await?;
    match started {
        Ok(()) => {}
        Err(repo::StartRefused::BlobUsed) => {
            return Err(AppError::conflict(
                "token_already_used",
                "this tokenData was already used",
            ));
        }
        Err(repo::StartRefused::NotOpen) => {
            return Err(AppError::conflict(
                "payment_in_progress",
                "a payment attempt is in progress for this session",
            ));
        }
    }
    let attempt = load_attempt(state, &pid, n)
        .await?
        .ok_or_else(|| AppError::Internal("attempt vanished".into()))?;
    let payment = payments::load(state, &pid)
        .await?
        .ok_or_else(|| AppError::Internal("payment vanished".into()))?;
    tracing::info!(session = %session.id, payment = %pid, attempt = n, order_ref = %order_ref, brand = %source.brand, saved_card = source.wallet.is_some(), "pay attempt started");
    let answer = enroll(state, &session, &payment, &attempt, None).await?;
    with_saved_card(state, answer).await
}

/// What an attempt pays with.
struct Source {
    brand: String,
    holder: String,
    card_type: String,
    /// Sealed token, expiry and virtual CVV of a new card.
    sealed: Option<String>,
    /// Accepted once: the tokenizer blob's hash, or the attempt's own for a saved card.
    blob_hash: String,
    /// A saved card.
    wallet: Option<WalletCardRef>,
    /// `MMYY` of a new card (for a card to save).
    expiry: Option<String>,
}

/// A new card from the tokenizer's blob. The blob must decrypt with our access key and name
/// the current attempt's order ref: a blob made for another session or an earlier attempt is
/// refused.
fn new_card_source(state: &AppState, req: &PayRequest, order_ref: &str) -> Result<Source> {
    let g = &state.settings().gateway;
    let answer = decrypt_token_answer(&g.access_key, &req.token_data).map_err(|_| {
        AppError::invalid(
            "invalid_token_data",
            "tokenData does not decrypt for this merchant",
        )
    })?;
    if answer.order_ref != order_ref {
        return Err(AppError::conflict(
            "token_not_for_attempt",
            "tokenData was issued for another checkout attempt",
        ));
    }
    let card_type: CardType = answer.card_type.parse().map_err(|_| {
        AppError::invalid("invalid_token_data", "tokenData has no usable card type")
    })?;
    let expiry: CardExpiry =
        answer.expiration_date.expose().parse().map_err(|_| {
            AppError::invalid("invalid_token_data", "tokenData has no usable expiry")
        })?;
    let sealed_plain = Secret::new(format!(
        "{};{};{}",
        answer.token.expose(),
        answer.expiration_date.expose(),
        answer.virtual_cvv.expose()
    ));
    Ok(Source {
        brand: req.brand.clone(),
        holder: req.holder.trim().to_owned(),
        card_type: card_type.as_str().to_owned(),
        sealed: Some(state.seal_key().seal(order_ref, &sealed_plain)),
        blob_hash: crate::ids::sha256_hex(req.token_data.as_bytes()),
        wallet: None,
        expiry: Some(expiry.to_string()),
    })
}

/// A saved card of the session's customer: unknown or another customer's → 404, expired →
/// 409 `card_expired`.
async fn saved_card_source(
    state: &AppState,
    session: &Session,
    card_id: &str,
    n: i64,
) -> Result<Source> {
    let customer_id = session
        .customer_id
        .as_deref()
        .ok_or(AppError::NotFound("card"))?;
    let card = crate::wallets::customer_card(state, customer_id, card_id).await?;
    usable_card(state, &card)?;
    let customer = crate::wallets::load_customer(state, customer_id)
        .await?
        .ok_or(AppError::NotFound("card"))?;
    Ok(Source {
        brand: card.brand.clone(),
        holder: String::new(),
        card_type: card.card_type.clone(),
        sealed: None,
        blob_hash: crate::ids::sha256_hex(format!("saved-card:{}:{n}", session.id).as_bytes()),
        wallet: Some(WalletCardRef {
            card_id: card.id.clone(),
            wallet_id: customer.wallet_id,
            card_ind: card
                .card_ind
                .ok_or_else(|| AppError::Internal("active card without cardInd".into()))?,
            merchant_initiated_link: None,
        }),
        expiry: None,
    })
}

/// A saved card past its expiry month is refused before anything is sent (the gateway would
/// refuse it too, Payline card expiry check).
fn usable_card(state: &AppState, card: &crate::wallets::SavedCard) -> Result<()> {
    if card.is_expired(state.now_ms()) {
        return Err(AppError::conflict(
            "card_expired",
            format!(
                "the saved card ending {} expired at the end of {}/20{}; ask the customer for another card",
                card.last4,
                card.expiry.get(..2).unwrap_or("??"),
                card.expiry.get(2..).unwrap_or("??")
            ),
        ));
    }
    Ok(())
}

/// After an authorization decided outside a pay answer (the hosted page's return or
/// notification): the card saved and the schedule registered, as [`with_saved_card`] does for
/// a pay.
pub async fn after_authorized(state: &AppState, payment_id: &str) -> Result<()> {
    with_saved_card(
        state,
        PayAnswer::Authorized {
            payment_id: payment_id.to_owned(),
            transaction_id: None,
            saved_card: None,
            schedule_id: None,
        },
    )
    .await
    .map(|_| ())
}

/// An authorized answer carries the saved card it paid with, or the card it just saved
/// (customers-and-saved-cards contract). The save itself runs here, right after the
/// authorization; if the gateway is slow or down it stays due and the reconciler finishes it.
async fn with_saved_card(state: &AppState, answer: PayAnswer) -> Result<PayAnswer> {
    let PayAnswer::Authorized {
        payment_id,
        transaction_id,
        saved_card: None,
        ..
    } = answer
    else {
        return Ok(answer);
    };
    let p = payments::load(state, &payment_id).await?;
    let saved = if let Some(card_id) = p.as_ref().and_then(|p| p.saved_card_id.clone()) {
        crate::wallets::load_card(state, &card_id).await?
    } else {
        let due: Option<String> = sqlx::query_scalar(
            "SELECT id FROM saved_cards WHERE payment_id = $1 AND status = 'saving'",
        )
        .bind(&payment_id)
        .fetch_optional(state.store().pool())
        .await?;
        if let Some(id) = due {
            crate::schedules::save_card(state, &id).await?;
        }
        crate::wallets::saved_with_payment(state, &payment_id).await?
    };
    // The schedule this checkout pays for is registered on the card now; a slow or failing
    // gateway leaves it to the reconciler.
    let mut schedule_id = None;
    if let Some(p) = &p
        && let Some(s) = crate::schedules::of_session(state, &p.session_id).await?
    {
        if s.status == "registering"
            && let Err(e) = crate::schedules::run_registration(state, &s.id).await
        {
            tracing::warn!(schedule = %s.id, error = %e, "schedule registration failed; retried later");
        }
        schedule_id = Some(s.id);
    }
    Ok(PayAnswer::Authorized {
        payment_id,
        transaction_id,
        saved_card: saved.map(|c| c.short_json()),
        schedule_id,
    })
}

/// Stores a transition; `Ok(false)` when another actor moved the attempt first.
async fn store(
    state: &AppState,
    session: &Session,
    a: &Attempt,
    step: Step,
    d: &AttemptData,
) -> Result<bool> {
    let stored = repo::apply_attempt(state, &a.key(&session.id), a.status, step, d).await?;
    if !stored {
        tracing::info!(payment = %a.payment_id, attempt = a.n, from = %a.status, to = %step.to, "transition lost a race; nothing changed");
    }
    Ok(stored)
}

fn step_of(a: &Attempt, event: Event) -> Result<Step> {
    machine::next(a.status, event).map_err(|_| {
        AppError::conflict(
            "invalid_state",
            format!("the payment attempt is {}", a.status),
        )
    })
}

/// verifyEnrollment (first round, or the second one after the 3DS Method with its transient)
/// and what follows from its answer.
pub async fn enroll(
    state: &AppState,
    session: &Session,
    p: &Payment,
    a: &Attempt,
    method_result: Option<&str>,
) -> Result<PayAnswer> {
    let g = state.settings().gateway.clone();
    let ctx = a.context();
    // A saved card is authenticated by its wallet and cardInd, with no card data of ours
    // (Payline verifyEnrollment: walletId, walletCardInd).
    let card = match &ctx.wallet {
        Some(_) => Card::new(
            ctx.card_type
                .parse()
                .map_err(|_| AppError::Internal("card type".into()))?,
        ),
        None => attempt_card(state, a, false)?,
    };
    let payment = payline_payment(
        p.amount,
        &p.currency,
        &g.contract,
        Some(ctx.brand.clone()),
        Action::AUTHORIZATION,
    )?;
    let mut req = VerifyEnrollmentRequest::new(card, payment);
    if let Some(w) = &ctx.wallet {
        req.wallet_id = Some(w.wallet_id.clone());
        req.wallet_card_ind = Some(w.card_ind.to_string());
    }
    req.order_ref = a.order_ref.clone();
    req.order = Some(payline_order(state, p, &a.order_ref)?);
    req.user_agent = ctx.browser.user_agent.clone();
    req.return_url = Some(format!("{}/3ds/return", state.settings().public_url));
    req.three_ds_info = Some(three_ds_info(state, a, method_result));
    req.buyer = buyer(&ctx);
    req.transient = method_result.and(a.transient.clone());
    let res = match state.gateway().call(&req).await {
        Ok(r) => r,
        Err(e) => return call_failed(state, session, a, e).await,
    };
    let (code, message) = code_message(&res);
    let three_ds1 = res.result.code == ReturnCode::THREE_DS_ACCEPTED;
    let enrollment = match res.result.code {
        // Not enrolled / not participating: authorize without 3-D Secure (a per-contract
        // policy; the sandbox allows it).
        ReturnCode::THREE_DS_NOT_ENROLLED | ReturnCode::THREE_DS_NOT_PARTICIPATING => {
            Enrollment::NotEnrolled
        }
        ReturnCode::THREE_DS_FRICTIONLESS => Enrollment::Frictionless,
        ReturnCode::THREE_DS_METHOD_REQUESTED => Enrollment::Method,
        // 3DS2 challenge, or the 3DS1 PaReq redirect.
        ReturnCode::THREE_DS_CHALLENGE_REQUESTED | ReturnCode::THREE_DS_ACCEPTED => {
            Enrollment::Challenge
        }
        _ => Enrollment::Refused,
    };
    let step = step_of(a, Event::Enrollment(enrollment))?;
    let wait = state.now_ms() + state.settings().money.three_ds_wait_ms;
    match (enrollment, step.effect) {
        // Frictionless: its authentication3DSecure goes into doAuthorization.
        (_, Effect::Authorize) => {
            let auth = (enrollment == Enrollment::Frictionless)
                .then(|| res.authentication_3d_secure.clone())
                .flatten();
            let transient = (enrollment == Enrollment::Frictionless)
                .then(|| res.transient.clone())
                .flatten();
            authorize(state, session, p, a, step, auth, transient).await
        }
        // 3DS Method first: the page posts threeDSMethodData in a hidden iframe, then /continue.
        (Enrollment::Method, _) => {
            let d = AttemptData {
                transient: res.transient.clone(),
                md: res.md_field_value.clone(),
                wait_expires_at: Some(wait),
                ..AttemptData::default()
            };
            if !store(state, session, a, step, &d).await? {
                return Err(AppError::conflict(
                    "payment_in_progress",
                    "this attempt is already being processed",
                ));
            }
            let field = res
                .pareq_field_name
                .clone()
                .unwrap_or_else(|| "threeDSMethodData".to_owned());
            let mut fields = serde_json::Map::new();
            fields.insert(
                field,
                Value::String(res.pareq_field_value.clone().unwrap_or_default()),
            );
            Ok(PayAnswer::Method {
                payment_id: p.id.clone(),
                url: res.action_url.clone().unwrap_or_default(),
                fields,
            })
        }
        // Challenge (3DS2: creq + threeDSSessionData) or 3DS1 redirect (PaReq + MD + TermUrl).
        (Enrollment::Challenge, _) => {
            let md = res.md_field_value.clone().unwrap_or_default();
            let mut fields = serde_json::Map::new();
            if let (Some(n), Some(v)) = (&res.pareq_field_name, &res.pareq_field_value) {
                fields.insert(n.clone(), Value::String(v.clone()));
            }
            if let Some(n) = &res.md_field_name {
                fields.insert(n.clone(), Value::String(md.clone()));
            }
            if three_ds1 {
                let term = res
                    .term_url_name
                    .clone()
                    .unwrap_or_else(|| "TermUrl".to_owned());
                fields.insert(
                    term,
                    Value::String(format!("{}/3ds/return", state.settings().public_url)),
                );
            }
            let d = AttemptData {
                md: Some(md),
                transient: res.transient.clone(),
                three_ds_version: Some(if three_ds1 { "1" } else { "2" }.to_owned()),
                wait_expires_at: Some(wait),
                ..AttemptData::default()
            };
            if !store(state, session, a, step, &d).await? {
                return Err(AppError::conflict(
                    "payment_in_progress",
                    "this attempt is already being processed",
                ));
            }
            let method = res
                .action_method
                .clone()
                .unwrap_or_else(|| "POST".to_owned());
            Ok(PayAnswer::Challenge {
                payment_id: p.id.clone(),
                method,
                url: res.action_url.clone().unwrap_or_default(),
                fields,
            })
        }
        _ => {
            let d = AttemptData {
                code: Some(code.clone()),
                message: Some(message.clone()),
                ..AttemptData::default()
            };
            store(state, session, a, step, &d).await?;
            tracing::info!(payment = %p.id, attempt = a.n, code, "payment attempt refused");
            refused_answer(state, &session.id, &p.id, &code, &message).await
        }
    }
}

/// A call that moves no money (verifyEnrollment, verifyAuthentication) failed: the attempt is
/// closed as failed and the session reopens for a new attempt; 502.
async fn call_failed(
    state: &AppState,
    session: &Session,
    a: &Attempt,
    e: GatewayError,
) -> Result<PayAnswer> {
    let step = step_of(a, Event::CallFailed)?;
    let d = AttemptData {
        message: Some("gateway failure".to_owned()),
        ..AttemptData::default()
    };
    store(state, session, a, step, &d).await?;
    Err(AppError::GatewayError(e.to_string()))
}

/// doAuthorization for the attempt, with the 3-D Secure authentication when there is one.
/// `step` is the machine's move to `authorizing`: it is committed, with the send time, before
/// the request leaves.
async fn authorize(
    state: &AppState,
    session: &Session,
    p: &Payment,
    a: &Attempt,
    step: Step,
    auth: Option<Authentication3DSecure>,
    transient: Option<String>,
) -> Result<PayAnswer> {
    let g = state.settings().gateway.clone();
    let ctx = a.context();
    let payment = payline_payment(
        p.amount,
        &p.currency,
        &g.contract,
        Some(ctx.brand.clone()),
        Action::AUTHORIZATION,
    )?;
    let order = payline_order(state, p, &a.order_ref)?;
    let authenticated = auth.is_some();
    let eci = auth.as_ref().and_then(|x| x.eci.clone());
    // A saved card pays with doImmediateWalletPayment (its wallet and cardInd, the 3-D Secure
    // authentication as for a new card); a merchant-initiated charge names the card's first,
    // buyer-present payment instead (Payline `linkedTransactionId`) and has no authentication.
    let call = match &ctx.wallet {
        Some(w) => {
            let mut req = DoImmediateWalletPaymentRequest::new(payment, order, w.wallet_id.clone());
            req.card_ind = Some(w.card_ind.to_string());
            req.authentication_3d_secure = auth;
            req.linked_transaction_id = w.merchant_initiated_link.clone();
            req.buyer = buyer(&ctx);
            AuthorizationCall::Wallet(Box::new(req))
        }
        None => {
            let card = attempt_card(state, a, true)?;
            let mut req = DoAuthorizationRequest::new(payment, card, order);
            req.authentication_3d_secure = auth;
            req.transient = transient;
            req.buyer = buyer(&ctx);
            AuthorizationCall::Card(Box::new(req))
        }
    };
    let now = state.now_ms();
    let pending = AttemptData {
        sent_at: Some(now),
        next_check_at: Some(now + repo::stale_after(state)),
        ..AttemptData::default()
    };
    if !store(state, session, a, step, &pending).await? {
        return Err(AppError::conflict(
            "payment_in_progress",
            "this attempt is already being processed",
        ));
    }
    let a = Attempt {
        status: AttemptStatus::Authorizing,
        sent_at: Some(now),
        ..a.clone()
    };
    let res = match call.send(state).await {
        Ok(r) => r,
        Err(e @ GatewayError::NotSent(_)) => {
            // Provably never reached the gateway: the attempt failed, a new one may follow.
            let d = AttemptData {
                message: Some("gateway unreachable".to_owned()),
                ..AttemptData::default()
            };
            store(state, session, &a, step_of(&a, Event::NotSent)?, &d).await?;
            return Err(AppError::GatewayError(e.to_string()));
        }
        Err(e) => {
            // Sent (or maybe sent), no answer read: the money may have moved. Stored as unknown
            // before answering; only the reconciler (by order ref, after the grace window for
            // "not found") decides, and nothing is retried meanwhile.
            let d = AttemptData {
                message: Some("outcome unknown".to_owned()),
                next_check_at: Some(state.now_ms()),
                ..AttemptData::default()
            };
            store(state, session, &a, step_of(&a, Event::AnswerLost)?, &d).await?;
            tracing::warn!(payment = %p.id, order_ref = %a.order_ref, error = %e, "doAuthorization outcome unknown");
            state.metrics().money("authorization_unknown");
            return Err(AppError::GatewayUnknown(e.to_string()));
        }
    };
    let AuthorizationAnswer {
        code,
        message,
        accepted,
        transaction_id: txn,
        masked_card,
    } = res;
    if accepted {
        let t = txn.clone().unwrap_or_default();
        let d = AttemptData {
            code: Some(code.clone()),
            message: Some(message.clone()),
            transaction_id: txn.clone(),
            authorized: Some(repo::Authorized {
                transaction_id: t.clone(),
                masked_card,
                liability_shift: authenticated
                    .then(|| i64::from(matches!(eci.as_deref(), Some("05" | "02")))),
                eci,
                authenticated,
                journal_message: message.clone(),
            }),
            ..AttemptData::default()
        };
        if store(
            state,
            session,
            &a,
            step_of(&a, Event::Authorization(Decision::Accepted))?,
            &d,
        )
        .await?
        {
            tracing::info!(payment = %p.id, transaction = %t, "payment authorized");
            return Ok(PayAnswer::Authorized {
                payment_id: p.id.clone(),
                transaction_id: txn,
                saved_card: None,
                schedule_id: None,
            });
        }
        // Someone closed the attempt while the call was out (its instance counted it stalled):
        // the machine decides from the state it is in now.
        return settle_accepted_elsewhere(state, &a, &t)
            .await
            .map(|_| PayAnswer::Authorized {
                payment_id: p.id.clone(),
                transaction_id: txn,
                saved_card: None,
                schedule_id: None,
            });
    }
    let d = AttemptData {
        code: Some(code.clone()),
        message: Some(message.clone()),
        transaction_id: txn,
        ..AttemptData::default()
    };
    store(
        state,
        session,
        &a,
        step_of(&a, Event::Authorization(Decision::Refused))?,
        &d,
    )
    .await?;
    tracing::info!(payment = %p.id, attempt = a.n, code, "payment attempt refused");
    refused_answer(state, &session.id, &p.id, &code, &message).await
}

/// The authorization of an attempt: doAuthorization for a new card, doImmediateWalletPayment
/// for a saved one.
enum AuthorizationCall {
    Card(Box<DoAuthorizationRequest>),
    Wallet(Box<DoImmediateWalletPaymentRequest>),
}

/// What either authorization answered.
struct AuthorizationAnswer {
    code: String,
    message: String,
    accepted: bool,
    transaction_id: Option<String>,
    masked_card: Option<String>,
}

impl AuthorizationCall {
    async fn send(
        &self,
        state: &AppState,
    ) -> std::result::Result<AuthorizationAnswer, GatewayError> {
        let accepted = |o: Outcome| matches!(o, Outcome::Accepted | Outcome::AcceptedWithWarning);
        Ok(match self {
            Self::Card(req) => {
                let res = state.gateway().call(req.as_ref()).await?;
                let (code, message) = code_message(&res);
                AuthorizationAnswer {
                    code,
                    message,
                    accepted: accepted(outcome_of(Operation::DoAuthorization, &res)),
                    transaction_id: Some(res.transaction.id.clone()).filter(|t| !t.is_empty()),
                    masked_card: res.card.number.clone().filter(|m| !m.is_empty()),
                }
            }
            Self::Wallet(req) => {
                let res = state.gateway().call(req.as_ref()).await?;
                let (code, message) = code_message(&res);
                AuthorizationAnswer {
                    code,
                    message,
                    accepted: accepted(outcome_of(Operation::DoImmediateWalletPayment, &res)),
                    transaction_id: res
                        .transaction
                        .as_ref()
                        .map(|t| t.id.clone())
                        .filter(|t| !t.is_empty()),
                    masked_card: None,
                }
            }
        })
    }
}

/// An accepted authorization whose attempt moved on before the answer was stored: adopted
/// if the attempt is still undecided, else cancelled as an orphan.
async fn settle_accepted_elsewhere(state: &AppState, a: &Attempt, txn: &str) -> Result<()> {
    if let Some(row) = repo::attempt_by_order_ref(state, &a.order_ref).await? {
        reconcile_attempt(state, &row).await?;
        let now = repo::attempt_by_order_ref(state, &a.order_ref).await?;
        if now.is_some_and(|r| {
            r.status == AttemptStatus::Authorized && r.transaction_id.as_deref() == Some(txn)
        }) {
            return Ok(());
        }
    }
    orphan(
        state,
        txn,
        &a.order_ref,
        Some(&a.payment_id),
        "answer_for_closed_attempt",
    )
    .await?;
    Err(AppError::conflict(
        "attempt_closed",
        "the attempt was closed; its authorization is being cancelled",
    ))
}

/// Records an orphan authorization for cancellation (idempotent), with a warning and a metric.
pub async fn orphan(
    state: &AppState,
    txn: &str,
    order_ref: &str,
    payment_id: Option<&str>,
    reason: &str,
) -> Result<()> {
    if repo::add_orphan(state, txn, order_ref, payment_id, reason, None).await? {
        tracing::warn!(transaction = %txn, order_ref = %order_ref, reason, "accepted authorization without an owner: cancelling it");
        state.metrics().money("orphan_found");
    }
    Ok(())
}

/// `POST …/continue`: the second verifyEnrollment after the 3DS Method round.
pub async fn continue_method(
    state: &AppState,
    session: &Session,
    payment_id: &str,
    completed: bool,
) -> Result<PayAnswer> {
    let p = owned_payment(state, session, payment_id).await?;
    let waiting = || AppError::conflict("invalid_state", "no 3-D Secure method round is waiting");
    let a = load_attempt(state, &p.id, session.attempt)
        .await?
        .ok_or_else(waiting)?;
    let step = machine::next(a.status, Event::MethodContinued).map_err(|_| waiting())?;
    if !store(
        state,
        session,
        &a,
        step,
        &AttemptData {
            next_check_at: Some(state.now_ms() + repo::stale_after(state)),
            ..AttemptData::default()
        },
    )
    .await?
    {
        return Err(waiting());
    }
    let a = Attempt {
        status: step.to,
        ..a
    };
    // EMV 3DS threeDSCompInd: Y when the method page completed, N after the 10 s timeout.
    let answer = enroll(
        state,
        session,
        &p,
        &a,
        Some(if completed { "Y" } else { "N" }),
    )
    .await?;
    with_saved_card(state, answer).await
}

async fn owned_payment(state: &AppState, session: &Session, payment_id: &str) -> Result<Payment> {
    if session.payment_id.as_deref() != Some(payment_id) {
        return Err(AppError::NotFound("payment"));
    }
    payments::load(state, payment_id)
        .await?
        .ok_or(AppError::NotFound("payment"))
}

/// `POST …/abandon`: closes a 3-D Secure attempt the page gave up on; a later ACS answer for it
/// is refused and never authorized.
pub async fn abandon(state: &AppState, session: &Session, payment_id: &str) -> Result<PayAnswer> {
    let p = owned_payment(state, session, payment_id).await?;
    let not_waiting =
        || AppError::conflict("invalid_state", "the attempt is not waiting for 3-D Secure");
    let a = load_attempt(state, &p.id, session.attempt)
        .await?
        .ok_or_else(not_waiting)?;
    let step = machine::next(a.status, Event::Abandon).map_err(|_| not_waiting())?;
    // Payline 02319: payment cancelled by the buyer.
    let code = ReturnCode::CANCELLED_BY_BUYER;
    let (code, message) = (
        code.as_str(),
        code.known()
            .map_or("Payment cancelled by the buyer", |k| k.long_message),
    );
    let d = AttemptData {
        code: Some(code.to_owned()),
        message: Some(message.to_owned()),
        ..AttemptData::default()
    };
    if !store(state, session, &a, step, &d).await? {
        return Err(not_waiting());
    }
    refused_answer(state, &session.id, &p.id, code, message).await
}

/// The ACS posted back (`/3ds/return`): verifyAuthentication, then doAuthorization with its
/// result. Returns the session for the return page; an unknown or closed attempt authorizes
/// nothing.
pub async fn three_ds_return(state: &AppState, md: &str, pares: &str) -> Result<Option<Session>> {
    let Some(a) = attempt_by_md(state, md).await? else {
        return Ok(None);
    };
    let Some(p) = payments::load(state, &a.payment_id).await? else {
        return Ok(None);
    };
    let Some(session) = sessions::load(state, &p.session_id).await? else {
        return Ok(None);
    };
    let Ok(step) = machine::next(a.status, Event::AcsReturned) else {
        // Abandoned, expired, replayed or already handled: nothing is authorized.
        tracing::warn!(payment = %p.id, attempt = a.n, status = %a.status, "3-D Secure return for an attempt that is not waiting");
        return Ok(Some(session));
    };
    let stale = AttemptData {
        next_check_at: Some(state.now_ms() + repo::stale_after(state)),
        ..AttemptData::default()
    };
    if !store(state, &session, &a, step, &stale).await? {
        return Ok(Some(session));
    }
    let a = Attempt {
        status: step.to,
        ..a
    };
    let req = VerifyAuthenticationRequest {
        transient: a.transient.clone(),
        version: payline_protocol::messages::VERSION.to_owned(),
        contract_number: state.settings().gateway.contract.clone(),
        pares: pares.to_owned(),
        md: Some(md.to_owned()),
        card: None,
        private_data_list: None,
    };
    match state.gateway().call(&req).await {
        Err(e) => {
            let _ = call_failed(state, &session, &a, e).await;
        }
        Ok(res) => {
            let (code, message) = code_message(&res);
            let ok = res.result.code == ReturnCode::THREE_DS_ACCEPTED;
            let step = step_of(&a, Event::Authentication { authenticated: ok })?;
            if ok {
                let transient = res.transient.clone().or_else(|| a.transient.clone());
                // Gateway trouble is stored in the attempt; the page reads the status.
                match authorize(
                    state,
                    &session,
                    &p,
                    &a,
                    step,
                    res.authentication_3d_secure.clone(),
                    transient,
                )
                .await
                {
                    Ok(answer) => {
                        // The card to save goes in the wallet now (the page reads the status
                        // next); trouble leaves it to the reconciler.
                        if let Err(e) = with_saved_card(state, answer).await {
                            tracing::warn!(payment = %p.id, error = %e, "saving the card after 3-D Secure failed; retried later");
                        }
                    }
                    Err(
                        AppError::GatewayUnknown(_)
                        | AppError::GatewayError(_)
                        | AppError::Conflict { .. },
                    ) => {}
                    Err(e) => return Err(e),
                }
            } else {
                // A failed or cancelled challenge (03022, 03003, …) ends the attempt as refused.
                let d = AttemptData {
                    code: Some(code),
                    message: Some(message),
                    ..AttemptData::default()
                };
                store(state, &session, &a, step, &d).await?;
            }
        }
    }
    sessions::load(state, &session.id).await
}

/// What getTransactionDetails says about one order reference or transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// An authorization decided by the gateway: accepted (live or since cancelled) or refused.
    Authorization {
        /// Its transaction.
        transaction_id: String,
        /// The decision.
        decision: Decision,
        /// Cancelled (doReset) since.
        cancelled: bool,
        /// Payline code and message.
        code: String,
        /// Message.
        message: String,
        /// Masked card.
        masked_card: Option<String>,
    },
    /// The gateway has no transaction for it.
    NotFound,
    /// Another kind of record, or an answer that decides nothing.
    Inconclusive,
}

/// Reads an order reference's latest transaction at the gateway.
pub async fn lookup_order_ref(
    state: &AppState,
    order_ref: &str,
) -> std::result::Result<Lookup, GatewayError> {
    let req = GetTransactionDetailsRequest {
        version: payline_protocol::messages::VERSION.to_owned(),
        transaction_id: None,
        order_ref: Some(order_ref.to_owned()),
        start_date: None,
        end_date: None,
        transaction_history: Some("Y".to_owned()),
        archive_search: None,
    };
    let res = state.gateway().call(&req).await?;
    Ok(interpret(&res))
}

/// Payline "transaction not found" codes of getTransactionDetails (Payline return codes).
const NOT_FOUND: [ReturnCode; 4] = [
    ReturnCode::INVALID_TRANSACTION_ID,
    ReturnCode::NO_TRANSACTION_FOR_TOKEN,
    ReturnCode::NO_MATCHING_TRANSACTION,
    ReturnCode::TRANSACTION_DOES_NOT_EXIST,
];

/// The meaning of a getTransactionDetails answer for an authorization.
pub fn interpret(res: &GetTransactionDetailsResponse) -> Lookup {
    let (code, message) = code_message(res);
    let txn = res
        .transaction
        .as_ref()
        .map(|t| t.id.clone())
        .filter(|t| !t.is_empty());
    let Some(t) = txn else {
        return if NOT_FOUND.contains(&res.result.code) {
            Lookup::NotFound
        } else {
            Lookup::Inconclusive
        };
    };
    // Payline action codes: 100 authorization, 101 authorization + capture.
    let action = res.payment.as_ref().map(|p| p.action.code());
    if !matches!(action, Some(100 | 101)) {
        return Lookup::Inconclusive;
    }
    let decision = match outcome_of(Operation::GetTransactionDetails, res) {
        Outcome::Accepted | Outcome::AcceptedWithWarning => Decision::Accepted,
        Outcome::Refused | Outcome::Cancelled => Decision::Refused,
        _ => return Lookup::Inconclusive,
    };
    let cancelled = res
        .associated_transactions_list
        .iter()
        .flat_map(|l| l.associated_transactions.iter())
        .any(|x| {
            x.r#type.eq_ignore_ascii_case("RESET") && !x.status.eq_ignore_ascii_case("CANCELLED")
        });
    Lookup::Authorization {
        transaction_id: t,
        decision,
        cancelled,
        code,
        message,
        masked_card: res.card.number.clone().filter(|m| !m.is_empty()),
    }
}

/// One reconciler check of an attempt: an undecided doAuthorization (answer lost, or its
/// instance died while the call was out), a non-money call that stalled, or a closed attempt
/// still watched for a late landing. Looks the attempt's order reference up at the gateway and
/// applies what the machine says; an accepted authorization the attempt may not keep is
/// recorded as an orphan and cancelled.
pub async fn reconcile_attempt(state: &AppState, row: &AttemptRow) -> Result<()> {
    let now = state.now_ms();
    let a = load_attempt(state, &row.key.payment_id, row.key.n)
        .await?
        .ok_or_else(|| AppError::Internal("attempt vanished".into()))?;
    if a.status != row.status {
        return Ok(());
    }
    if a.status == AttemptStatus::Hosted {
        // A hosted page is read with getWebPaymentDetails (crate::hosted::reconcile_any).
        return Ok(());
    }
    let session = sessions::load(state, &row.key.session_id)
        .await?
        .ok_or(AppError::NotFound("checkout session"))?;
    if matches!(
        a.status,
        AttemptStatus::Enrolling | AttemptStatus::Authenticating
    ) {
        // verifyEnrollment/verifyAuthentication move no money: a stalled one just fails.
        let d = AttemptData {
            message: Some("stalled".to_owned()),
            ..AttemptData::default()
        };
        store(state, &session, &a, step_of(&a, Event::Stalled)?, &d).await?;
        return Ok(());
    }
    if matches!(a.status, AttemptStatus::Method | AttemptStatus::Challenge) {
        return repo::reschedule_attempt(state, row, None).await;
    }
    let lookup = match lookup_order_ref(state, &a.order_ref).await {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!(payment = %a.payment_id, error = %e, "reconciliation: gateway unavailable, retrying later");
            return Ok(());
        }
    };
    let grace = state.settings().money.not_found_grace_ms;
    let past_grace = now - a.sent_at.unwrap_or(0) >= grace;
    let event = match &lookup {
        Lookup::Authorization {
            cancelled: true, ..
        } => None,
        Lookup::Authorization { decision, .. } => Some(Event::Authorization(*decision)),
        Lookup::NotFound => Some(Event::NotFound { past_grace }),
        Lookup::Inconclusive => None,
    };
    let watching = a.status.is_closed();
    let keep_watching = || async {
        let until = row.watch_until.unwrap_or(0);
        // The claim already pushed next_check_at back; past the watch, stop looking.
        if now >= until {
            repo::reschedule_attempt(state, row, None).await
        } else {
            Ok(())
        }
    };
    let Some(event) = event else {
        tracing::warn!(payment = %a.payment_id, order_ref = %a.order_ref, "reconciliation inconclusive, retrying later");
        return if watching {
            keep_watching().await
        } else {
            Ok(())
        };
    };
    let Ok(step) = machine::next(a.status, event) else {
        return if watching {
            keep_watching().await
        } else {
            Ok(())
        };
    };
    if step.effect == Effect::CancelOrphan {
        if let Lookup::Authorization { transaction_id, .. } = &lookup {
            orphan(
                state,
                transaction_id,
                &a.order_ref,
                Some(&a.payment_id),
                "late_landing",
            )
            .await?;
        }
        return repo::reschedule_attempt(state, row, None).await;
    }
    if step.to == a.status {
        return if watching {
            keep_watching().await
        } else {
            Ok(())
        };
    }
    let mut d = AttemptData::default();
    match &lookup {
        Lookup::Authorization {
            transaction_id,
            decision,
            code,
            message,
            masked_card,
            ..
        } => {
            d.code = Some(code.clone());
            d.message = Some(message.clone());
            d.transaction_id = Some(transaction_id.clone());
            if *decision == Decision::Accepted {
                d.authorized = Some(repo::Authorized {
                    transaction_id: transaction_id.clone(),
                    masked_card: masked_card.clone(),
                    eci: None,
                    liability_shift: None,
                    authenticated: false,
                    journal_message: "reconciled".to_owned(),
                });
            }
        }
        Lookup::NotFound if step.to == AttemptStatus::Failed => {
            d.message =
                Some("no transaction at the gateway for this attempt (reconciled)".to_owned());
            // A request held somewhere could still land: keep looking for a while, and
            // cancel it if it does.
            d.watch_until = Some(now + grace.max(1));
            d.next_check_at = Some(now + repo::backoff_ms(state, 0));
        }
        _ => {}
    }
    if step.to == AttemptStatus::Unknown {
        // A stalled doAuthorization now undecided: keep checking it.
        d.next_check_at = Some(now + repo::backoff_ms(state, row.checks));
    }
    if store(state, &session, &a, step, &d).await? {
        tracing::info!(payment = %a.payment_id, attempt = a.n, to = %step.to, "reconciled");
        state.metrics().money(&format!("reconciled_{}", step.to));
    }
    Ok(())
}

/// The attempt's 3-D Secure wait ran out: closed, card data wiped, the session moves on.
pub async fn expire_wait(state: &AppState, row: &AttemptRow) -> Result<()> {
    let Some(a) = load_attempt(state, &row.key.payment_id, row.key.n).await? else {
        return Ok(());
    };
    let Ok(step) = machine::next(a.status, Event::WaitExpired) else {
        return Ok(());
    };
    let Some(session) = sessions::load(state, &row.key.session_id).await? else {
        return Ok(());
    };
    // Payline 02319-like: the buyer never finished 3-D Secure.
    let d = AttemptData {
        code: Some(ReturnCode::CANCELLED_BY_BUYER.as_str().to_owned()),
        message: Some("3-D Secure not completed in time".to_owned()),
        ..AttemptData::default()
    };
    if store(state, &session, &a, step, &d).await? {
        tracing::info!(payment = %a.payment_id, attempt = a.n, "3-D Secure wait expired");
    }
    Ok(())
}

/// The card of an attempt, from its sealed data.
fn attempt_card(state: &AppState, a: &Attempt, for_authorization: bool) -> Result<Card> {
    let sealed = a
        .card_sealed
        .as_deref()
        .ok_or_else(|| AppError::conflict("attempt_closed", "this attempt is closed"))?;
    let plain = state
        .seal_key()
        .open(&a.order_ref, sealed)
        .map_err(|_| AppError::Internal("sealed card data does not open".into()))?;
    let mut parts = plain.expose().splitn(3, ';');
    let (Some(token), Some(exp), Some(cvv)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(AppError::Internal("sealed card data malformed".into()));
    };
    let ctx = a.context();
    let card_type: CardType = ctx
        .card_type
        .parse()
        .map_err(|_| AppError::Internal("card type".into()))?;
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

fn payline_payment(
    session_amount: i64,
    currency: &str,
    contract: &str,
    brand: Option<String>,
    action: Action,
) -> Result<PPayment> {
    let currency: Currency = currency
        .parse()
        .map_err(|_| AppError::Internal("stored currency".into()))?;
    let mut p = PPayment::new(currency, action, Mode::CPT);
    p.amount = u64::try_from(session_amount)
        .ok()
        .and_then(Amount::from_minor);
    p.contract_number = Some(contract.to_owned());
    p.card_brand = brand;
    Ok(p)
}

fn payline_order(state: &AppState, p: &Payment, order_ref: &str) -> Result<Order> {
    let currency: Currency = p
        .currency
        .parse()
        .map_err(|_| AppError::Internal("stored currency".into()))?;
    let amount = u64::try_from(p.amount)
        .ok()
        .and_then(Amount::from_minor)
        .ok_or_else(|| AppError::Internal("stored amount".into()))?;
    let mut o = Order::new(amount, currency, crate::formats::order_date(state.now_ms()));
    o.r#ref = order_ref.to_owned();
    Ok(o)
}

/// Payline `buyer` with the buyer's IP (fraud scoring, EMV 3-D Secure browser IP), when known.
fn buyer(ctx: &AttemptContext) -> Option<Buyer> {
    ctx.ip.as_ref().map(|ip| Buyer {
        ip: Some(ip.clone()),
        ..Buyer::default()
    })
}

fn three_ds_info(state: &AppState, a: &Attempt, method_result: Option<&str>) -> ThreeDsInfo {
    let ctx = a.context();
    let b = &ctx.browser;
    let s = |v: &Option<Value>| {
        v.as_ref().map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    };
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
        three_ds_method_notification_url: Some(format!(
            "{}/3ds/method-notify",
            state.settings().public_url
        )),
        three_ds_method_result: method_result.map(str::to_owned),
        challenge_window_size: b.challenge_window_size.clone(),
        ..ThreeDsInfo::default()
    }
}

/// A merchant-initiated charge of a saved card (customers-and-saved-cards contract): no buyer,
/// no 3-D Secure. It is carried by a session of its own (kind `charge`, never shown to a
/// browser) so that it is one more attempt of the same machine: the attempt is stored, then
/// moved to `authorizing` with its send time before doImmediateWalletPayment leaves, and an
/// answer that is lost is reconciled by its order reference like any checkout.
///
/// Returns the payment and whether its outcome is still unknown.
pub async fn charge_saved_card(
    state: &AppState,
    customer_id: &str,
    card_id: &str,
    amount: i64,
    currency: String,
    order_ref: Option<String>,
) -> Result<Payment> {
    let card = crate::wallets::customer_card(state, customer_id, card_id).await?;
    usable_card(state, &card)?;
    let customer = crate::wallets::load_customer(state, customer_id)
        .await?
        .ok_or(AppError::NotFound("customer"))?;
    let link = card.first_transaction_id.clone().ok_or_else(|| {
        AppError::conflict(
            "card_not_chargeable",
            "this card was not saved from a payment, so it cannot be charged without the buyer",
        )
    })?;
    let created = sessions::create(
        state,
        sessions::NewSession {
            amount,
            currency,
            order_ref,
            description: Some("merchant-initiated charge".to_owned()),
            return_url: None,
            customer_id: Some(customer_id.to_owned()),
            save_card: SaveCard::Never,
            kind: crate::model::SessionKind::Charge,
            schedule: None,
        },
    )
    .await?;
    let session = created.session;
    let n = session.attempt;
    let order_ref = session.attempt_order_ref(n);
    let ctx = AttemptContext {
        brand: card.brand.clone(),
        card_type: card.card_type.clone(),
        wallet: Some(WalletCardRef {
            card_id: card.id.clone(),
            wallet_id: customer.wallet_id.clone(),
            card_ind: card
                .card_ind
                .ok_or_else(|| AppError::Internal("active card without cardInd".into()))?,
            merchant_initiated_link: Some(link),
        }),
        ..AttemptContext::default()
    };
    let context = serde_json::to_string(&ctx).map_err(|e| AppError::Internal(e.to_string()))?;
    let pid = crate::ids::new_id("pay_");
    let origin = crate::config::origin_of(&state.settings().public_url);
    let g = state.settings().gateway.clone();
    let started = repo::start_attempt(
        state,
        &repo::NewAttempt {
            session_id: &session.id,
            n,
            order_ref: &order_ref,
            payment_id: &pid,
            new_payment: true,
            amount: session.amount,
            currency: &session.currency,
            contract: &g.contract,
            brand: &card.brand,
            card_type: &card.card_type,
            blob_hash: &crate::ids::sha256_hex(format!("charge:{}", session.id).as_bytes()),
            card_sealed: None,
            context: &context,
            three_ds_mode: "none",
            return_url: None,
            origin: &origin,
            stale_at: state.now_ms() + repo::stale_after(state),
            saved_card_id: Some(&card.id),
            save: None,
        },
    )
    .await?;
    if started.is_err() {
        return Err(AppError::Internal("charge session not open".into()));
    }
    let attempt = load_attempt(state, &pid, n)
        .await?
        .ok_or_else(|| AppError::Internal("attempt vanished".into()))?;
    let payment = payments::load(state, &pid)
        .await?
        .ok_or_else(|| AppError::Internal("payment vanished".into()))?;
    tracing::info!(payment = %pid, customer = %customer_id, card = %card.id, order_ref = %order_ref, amount, "merchant-initiated charge started");
    let step = step_of(&attempt, Event::SendAuthorization)?;
    match authorize(state, &session, &payment, &attempt, step, None, None).await {
        Ok(_) | Err(AppError::GatewayUnknown(_)) => {}
        Err(e) => return Err(e),
    }
    payments::load(state, &pid)
        .await?
        .ok_or_else(|| AppError::Internal("payment vanished".into()))
}
