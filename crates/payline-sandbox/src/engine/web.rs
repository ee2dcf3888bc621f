//! Hosted pages (Payline WebPaymentAPI): doWebPayment, getWebPaymentDetails, manageWebWallet,
//! getWebWallet, and what the buyer does on the pages (pay, cancel, come back from 3-D
//! Secure, save a wallet card).
//!
//! Session life: `CREATED` (buyer not redirected yet, `02533`; expired `02534`) → `INPROGRESS`
//! once the page was shown (`02306`; expired `02324`) → `METHOD` while the page runs the ACS's
//! 3DS Method in a hidden iframe (`METHOD_DONE` once its notification arrived) → `THREEDS` while
//! the buyer is at the ACS → `DONE` (the authorization's own code) or `CANCELLED` (`02319`). A
//! session lasts [`WEB_SESSION_VALIDITY`] of sandbox time.
//!
//! 3-D Secure runs for a typed card and for the saved card of `buyer.walletId` alike (the page's
//! verifyEnrollment names the wallet card by `walletId` + `walletCardInd`), and on the
//! manageWebWallet page before a card is registered: a non-payment authentication (amount 0,
//! order reference = `walletId`, as createWallet binds a registration), through the same 3DS
//! Method step and ACS pages; a failed or cancelled authentication registers nothing.

use payline_protocol::messages::{
    DoWebPaymentRequest, DoWebPaymentResponse, GetWebPaymentDetailsRequest, GetWebPaymentDetailsResponse,
    GetWebWalletRequest, GetWebWalletResponse, ManageWebWalletRequest, ManageWebWalletResponse, VerifyAuthenticationRequest,
    VerifyEnrollmentRequest,
};
use payline_protocol::objects::{PaylineResult, Authentication3DSecure, Card, Recurring, ThreeDsInfo};
use payline_protocol::secret::Secret;
use payline_protocol::values::{ReturnCode, Action, Amount, Currency, Mode};
use sqlx::{Row, SqliteConnection};
use time::{Duration, OffsetDateTime};

use super::answer::{accepted, card_out, extended_card, new_authorization_number, new_transaction_id, three_ds_code, transaction};
use super::card::{bank_outcome, resolve_card, resolve_wallet_card, ResolvedCard};
use super::ctx::Ctx;
use super::three_ds;
use crate::error::Result;
use crate::store::ledger::{self, return_code, State, Entry, Kind};
use crate::store::{outbox, tokens};
use crate::{cards, rules};

/// How long a hosted session stays usable (sandbox time).
pub const WEB_SESSION_VALIDITY: Duration = Duration::minutes(15);

/// A hosted session.
#[derive(Debug, Clone)]
pub struct WebSession {
    /// Session token.
    pub token: String,
    /// Merchant.
    pub merchant_id: String,
    /// `PAYMENT` or `WALLET`.
    pub kind: String,
    /// Contract.
    pub contract_number: String,
    /// payment.amount, minor units.
    pub amount: i64,
    /// ISO 4217 numeric.
    pub currency: i64,
    /// 100 or 101.
    pub action: i64,
    /// CPT, DIF, NX, REC.
    pub mode: String,
    /// Order reference.
    pub order_ref: String,
    /// Buyer's return.
    pub return_url: String,
    /// Buyer's cancel.
    pub cancel_url: String,
    /// Where WEBTRS / WEBWALLET go.
    pub notification_url: Option<String>,
    /// buyer.walletId.
    pub wallet_id: Option<String>,
    /// recurring (NX / REC), JSON.
    pub recurring_json: Option<String>,
    /// Life-cycle state.
    pub status: String,
    /// Payment attempts on the page.
    pub attempts: i64,
    /// Outcome code.
    pub result_code: Option<ReturnCode>,
    /// Ledger entry of the outcome.
    pub transaction_id: Option<String>,
    /// NX / REC record created.
    pub payment_record_id: Option<String>,
    /// Card token kept for the 3-D Secure return.
    pub card_token: Option<String>,
    /// Card expiry kept for the 3-D Secure return.
    pub card_expiry: Option<String>,
    /// Cardholder.
    pub cardholder: Option<String>,
    /// 3-D Secure session id.
    pub md: Option<String>,
    /// Expiry (sandbox unix seconds).
    pub expires_at: i64,
}

/// Session states.
pub mod st {
    /// Created, buyer not redirected yet.
    pub const CREATED: &str = "CREATED";
    /// Page shown.
    pub const INPROGRESS: &str = "INPROGRESS";
    /// The page runs the ACS's 3DS Method, waiting for its notification.
    pub const METHOD: &str = "METHOD";
    /// The 3DS Method notified the page's `threeDSMethodNotificationURL`.
    pub const METHOD_DONE: &str = "METHOD_DONE";
    /// Buyer at the ACS.
    pub const THREEDS: &str = "THREEDS";
    /// Finished (accepted or refused).
    pub const DONE: &str = "DONE";
    /// Cancelled by the buyer.
    pub const CANCELLED: &str = "CANCELLED";
}

fn new_token() -> String {
    use rand::Rng;
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..32).map(|_| char::from(A[rng.random_range(0..A.len())])).collect()
}

/// Loads a session by token (any merchant: the buyer's browser has no credentials).
pub async fn load(conn: &mut SqliteConnection, token: &str) -> Result<Option<WebSession>> {
    let Some(r) = sqlx::query("SELECT * FROM web_sessions WHERE token = ?").bind(token.trim()).fetch_optional(conn).await? else {
        return Ok(None);
    };
    Ok(Some(WebSession {
        token: r.try_get("token")?,
        merchant_id: r.try_get("merchant_id")?,
        kind: r.try_get("kind")?,
        contract_number: r.try_get("contract_number")?,
        amount: r.try_get("amount")?,
        currency: r.try_get("currency")?,
        action: r.try_get("action")?,
        mode: r.try_get("mode")?,
        order_ref: r.try_get("order_ref")?,
        return_url: r.try_get("return_url")?,
        cancel_url: r.try_get("cancel_url")?,
        notification_url: r.try_get("notification_url")?,
        wallet_id: r.try_get("wallet_id")?,
        recurring_json: r.try_get("recurring_json")?,
        status: r.try_get("status")?,
        attempts: r.try_get("attempts")?,
        result_code: r.try_get::<Option<String>, _>("result_code")?.map(return_code).transpose()?,
        transaction_id: r.try_get("transaction_id")?,
        payment_record_id: r.try_get("payment_record_id")?,
        card_token: r.try_get("card_token")?,
        card_expiry: r.try_get("card_expiry")?,
        cardholder: r.try_get("cardholder")?,
        md: r.try_get("md")?,
        expires_at: r.try_get("expires_at")?,
    }))
}

async fn set_status(conn: &mut SqliteConnection, token: &str, status: &str) -> Result<()> {
    sqlx::query("UPDATE web_sessions SET status = ? WHERE token = ?").bind(status).bind(token).execute(conn).await?;
    Ok(())
}

/// Marks a session's page as shown (`CREATED` → `INPROGRESS`).
pub async fn shown(conn: &mut SqliteConnection, token: &str) -> Result<()> {
    sqlx::query("UPDATE web_sessions SET status = 'INPROGRESS' WHERE token = ? AND status = 'CREATED'").bind(token).execute(conn).await?;
    Ok(())
}

fn empty(s: &str) -> bool {
    s.trim().is_empty()
}

#[allow(clippy::too_many_arguments)]
async fn insert_session(
    ctx: &mut Ctx<'_>,
    kind: &str,
    contract: &str,
    amount: i64,
    currency: i64,
    action: i64,
    mode: &str,
    order_ref: &str,
    return_url: &str,
    cancel_url: &str,
    notification_url: Option<&str>,
    wallet_id: Option<&str>,
    recurring_json: Option<String>,
) -> Result<String> {
    let token = new_token();
    sqlx::query(
        "INSERT INTO web_sessions (token, merchant_id, kind, contract_number, amount, currency, action, mode, order_ref, \
         return_url, cancel_url, notification_url, wallet_id, recurring_json, status, created_at, expires_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'CREATED', ?, ?)",
    )
    .bind(&token)
    .bind(&ctx.merchant.id)
    .bind(kind)
    .bind(contract)
    .bind(amount)
    .bind(currency)
    .bind(action)
    .bind(mode)
    .bind(order_ref)
    .bind(return_url.trim())
    .bind(cancel_url.trim())
    .bind(notification_url.map(str::trim).filter(|u| !u.is_empty()))
    .bind(wallet_id.map(str::trim).filter(|w| !w.is_empty()))
    .bind(recurring_json)
    .bind(ctx.now.unix_timestamp())
    .bind((ctx.now + WEB_SESSION_VALIDITY).unix_timestamp())
    .execute(&mut *ctx.conn)
    .await?;
    Ok(token)
}

/// doWebPayment: a session and the page URL. Modes CPT, DIF, NX, REC (`02308`); NX / REC need
/// `recurring` (`02509`, NX amount rule); contract `02303`; `returnURL`, `cancelURL`, order
/// reference and amount `02305`.
pub async fn do_web_payment(ctx: &mut Ctx<'_>, req: DoWebPaymentRequest) -> Result<DoWebPaymentResponse> {
    let refuse = |code: ReturnCode| DoWebPaymentResponse::new(PaylineResult::documented(code));
    let contract = req.payment.contract_number.clone().unwrap_or_default();
    if ctx.merchant.contract(&contract).is_none() {
        return Ok(refuse(ReturnCode::INVALID_CONTRACT_NUMBER));
    }
    let mode = req.payment.mode.as_str().to_owned();
    if !["CPT", "DIF", "NX", "REC"].contains(&mode.as_str()) {
        return Ok(refuse(ReturnCode::INVALID_PAYMENT_MODE));
    }
    let action = i64::from(req.payment.action.code());
    if action != 100 && action != 101 {
        return Ok(refuse(ReturnCode::INVALID_ACTION));
    }
    // Mode DIF: action 100 and payment.differedActionDate within 6 days.
    let today = ctx.now.date();
    let capture_date = match super::payments::check_deferred(&mode, action, req.payment.differed_action_date, today, today) {
        Ok(d) => d,
        Err(code) => return Ok(refuse(code)),
    };
    let Some(amount) = req.payment.amount.map(Amount::minor).filter(|a| *a > 0) else { return Ok(refuse(ReturnCode::INVALID_FIELD_FORMAT)) };
    if empty(&req.return_url) || empty(&req.cancel_url) || empty(&req.order.r#ref) {
        return Ok(refuse(ReturnCode::INVALID_FIELD_FORMAT));
    }
    let recurring_json = if mode == "NX" || mode == "REC" {
        let Some(rec) = &req.recurring else { return Ok(refuse(ReturnCode::INVALID_RECURRING_OPTION)) };
        if let Err(code) = super::records::web_first_amount(&mode, amount, rec, ctx.now.date()) {
            return Ok(refuse(code));
        }
        Some(serde_json::to_string(&StoredRecurring::from(rec)).map_err(|_| crate::error::SandboxError::Bug("recurring to JSON"))?)
    } else {
        None
    };
    let wallet_id = req.buyer.as_ref().and_then(|b| b.wallet_id.clone());
    let token = insert_session(
        ctx,
        "PAYMENT",
        &contract,
        i64::try_from(amount).unwrap_or(i64::MAX),
        i64::from(req.payment.currency.numeric()),
        action,
        &mode,
        req.order.r#ref.trim(),
        &req.return_url,
        &req.cancel_url,
        req.notification_url.as_deref(),
        wallet_id.as_deref(),
        recurring_json,
    )
    .await?;
    super::payments::remember_web_deferred(ctx.conn, &token, capture_date).await?;
    Ok(DoWebPaymentResponse {
        redirect_url: Some(format!("{}/webpayment/?token={token}", ctx.public_url)),
        token: Some(token),
        ..DoWebPaymentResponse::new(PaylineResult::documented(ReturnCode::APPROVED))
    })
}

/// manageWebWallet: a page where the buyer registers (or replaces) the card of
/// `buyer.walletId` (`02513` without one).
pub async fn manage_web_wallet(ctx: &mut Ctx<'_>, req: ManageWebWalletRequest) -> Result<ManageWebWalletResponse> {
    let refuse = |code: ReturnCode| ManageWebWalletResponse { result: PaylineResult::documented(code), token: String::new(), redirect_url: String::new() };
    if ctx.merchant.contract(req.contract_number.trim()).is_none() {
        return Ok(refuse(ReturnCode::INVALID_CONTRACT_NUMBER));
    }
    let Some(wallet_id) = req.buyer.wallet_id.as_deref().map(str::trim).filter(|w| !w.is_empty()).map(str::to_owned) else {
        return Ok(refuse(ReturnCode::WALLET_ID_REQUIRED));
    };
    if empty(&req.return_url) || empty(&req.cancel_url) {
        return Ok(refuse(ReturnCode::INVALID_FIELD_FORMAT));
    }
    let token = insert_session(
        ctx,
        "WALLET",
        req.contract_number.trim(),
        super::wallets::CHECK_AMOUNT,
        super::wallets::EUR,
        100,
        "CPT",
        &format!("wallet-check:{wallet_id}"),
        &req.return_url,
        &req.cancel_url,
        req.notification_url.as_deref(),
        Some(&wallet_id),
        None,
    )
    .await?;
    Ok(ManageWebWalletResponse {
        result: PaylineResult::documented(ReturnCode::APPROVED),
        redirect_url: format!("{}/webpayment/wallet?token={token}", ctx.public_url),
        token,
    })
}

fn pending_code(s: &WebSession, now: i64) -> ReturnCode {
    let expired = s.expires_at <= now;
    match (s.status.as_str(), expired) {
        (st::CREATED, false) => ReturnCode::BUYER_NOT_REDIRECTED_YET,
        (st::CREATED, true) => ReturnCode::BUYER_NOT_REDIRECTED_EXPIRED,
        (st::CANCELLED, _) => ReturnCode::CANCELLED_BY_BUYER,
        (_, true) => ReturnCode::SESSION_EXPIRED,
        _ => ReturnCode::PAYMENT_DATA_PENDING,
    }
}

/// getWebPaymentDetails: the authoritative outcome of a session.
pub async fn get_web_payment_details(ctx: &mut Ctx<'_>, req: GetWebPaymentDetailsRequest) -> Result<GetWebPaymentDetailsResponse> {
    let mut out = GetWebPaymentDetailsResponse::new(PaylineResult::documented(ReturnCode::NO_TRANSACTION_FOR_TOKEN));
    let Some(s) = load(ctx.conn, &req.token).await?.filter(|s| s.merchant_id == ctx.merchant.id && s.kind == "PAYMENT") else {
        return Ok(out);
    };
    out.contract_number = Some(s.contract_number.clone());
    out.number_of_attempt = Some(s.attempts.to_string());
    let entry = match (&s.status[..], &s.transaction_id) {
        (st::DONE, Some(id)) => ledger::get(ctx.conn, &ctx.merchant.id, id).await?,
        _ => None,
    };
    let Some(e) = entry else {
        out.result = PaylineResult::documented(pending_code(&s, ctx.now.unix_timestamp()));
        return Ok(out);
    };
    // Payline URL notification: once the merchant has fetched the final result, the WEBTRS
    // notification is no longer sent.
    outbox::mark_web_payment_fetched(ctx.conn, &ctx.merchant.id, &s.token).await?;
    out.result = PaylineResult::documented(e.result_code);
    out.transaction = transaction(&e.id, e.created_at, false, &e.three_d_secure);
    out.authorization = super::wallets::authorization(&e, e.created_at);
    out.card = card_out(e.masked_card.as_deref(), e.card_type.as_deref(), e.expiry.as_deref(), e.token.as_deref());
    out.extended_card = Some(extended_card(e.card_type.as_deref()));
    out.payment = Some(super::reports::payment_view(ctx.conn, &e).await?);
    // The authentication the payment used (ECI, CAVV, resultContainer), as doAuthorization
    // echoes it.
    if let (true, Some(md)) = (e.three_d_secure == "Y", &s.md) {
        out.authentication_3d_secure = three_ds::get(ctx.conn, md).await?.map(|t| three_ds::authentication(&t));
    }
    if let Some(id) = &s.payment_record_id {
        out.payment_record_id = Some(id.clone());
        out.billing_record_list = Some(super::records::billing_list(ctx.conn, id).await?);
    }
    if let Some(w) = &s.wallet_id {
        out.wallet = super::wallets::wallet_view(ctx.conn, &ctx.merchant.id, w).await?;
    }
    Ok(out)
}

/// getWebWallet: the wallet saved through a manageWebWallet page.
pub async fn get_web_wallet(ctx: &mut Ctx<'_>, req: GetWebWalletRequest) -> Result<GetWebWalletResponse> {
    let mut out = GetWebWalletResponse::new(PaylineResult::documented(ReturnCode::NO_TRANSACTION_FOR_TOKEN));
    let Some(s) = load(ctx.conn, &req.token).await?.filter(|s| s.merchant_id == ctx.merchant.id && s.kind == "WALLET") else {
        return Ok(out);
    };
    out.number_of_attempt = Some(s.attempts.to_string());
    match (s.status.as_str(), s.result_code) {
        (st::DONE, Some(code)) => {
            out.result = PaylineResult::documented(if accepted(code) { ReturnCode::OPERATION_SUCCESSFUL } else { code });
            // A refused registration (failed or cancelled 3-D Secure) saved no card: no wallet.
            if let (true, Some(w)) = (accepted(code), &s.wallet_id) {
                out.wallet = super::wallets::wallet_view(ctx.conn, &ctx.merchant.id, w).await?;
                out.extended_card = extended_card(out.wallet.as_ref().map(|w| w.card.r#type.as_str()));
            }
        }
        _ => out.result = PaylineResult::documented(pending_code(&s, ctx.now.unix_timestamp())),
    }
    Ok(out)
}

/// Card data the buyer typed on the page.
#[derive(Debug)]
pub struct CardForm {
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
pub enum Next {
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

fn with_token(url: &str, token: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}paylinetoken={token}")
}

/// A usable session for a page action, else why not.
pub async fn usable(conn: &mut SqliteConnection, token: &str, now: OffsetDateTime) -> Result<std::result::Result<WebSession, &'static str>> {
    let Some(s) = load(conn, token).await? else { return Ok(Err("This payment session does not exist.")) };
    if s.expires_at <= now.unix_timestamp() {
        return Ok(Err("This payment session has expired."));
    }
    if s.status == st::DONE || s.status == st::CANCELLED {
        return Ok(Err("This payment session is finished."));
    }
    Ok(Ok(s))
}

/// "Cancel": back to `cancelURL`; WEBTRS notified.
pub async fn cancel(ctx: &mut Ctx<'_>, s: &WebSession) -> Result<Next> {
    set_status(ctx.conn, &s.token, st::CANCELLED).await?;
    notify_end(ctx, s).await?;
    Ok(Next::Redirect(with_token(&s.cancel_url, &s.token)))
}

async fn notify_end(ctx: &mut Ctx<'_>, s: &WebSession) -> Result<()> {
    let url = s.notification_url.clone().or_else(|| ctx.merchant.notification_url.clone());
    let kind = if s.kind == "WALLET" { outbox::Kind::WebWallet } else { outbox::Kind::WebTrs };
    outbox::enqueue(ctx.conn, &ctx.merchant.id, url.as_deref(), kind, &[("token", s.token.as_str())], ctx.now).await
}

fn normalize_expiry(raw: &str) -> String {
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    match digits.len() {
        4 => digits,
        // MM/YYYY
        6 => format!("{}{}", &digits[..2], &digits[4..]),
        _ => digits,
    }
}

/// "Pay" with a typed card: card checks, 3-D Secure through the ACS simulator when the card is
/// enrolled on a 3-D Secure contract, then the authorization.
pub async fn pay_with_card(ctx: &mut Ctx<'_>, s: &WebSession, form: CardForm, return_base: &str) -> Result<Next> {
    sqlx::query("UPDATE web_sessions SET attempts = attempts + 1, status = 'INPROGRESS' WHERE token = ?")
        .bind(&s.token)
        .execute(&mut *ctx.conn)
        .await?;
    let pan = Secret::new(form.number.expose().chars().filter(|c| !c.is_whitespace()).collect::<String>());
    let info = match cards::check_number(&pan) {
        Ok(i) => i,
        Err(e) => return Ok(Next::Retry(format!("Card refused ({}).", e.code()))),
    };
    if let Err(e) = cards::check_cvv(form.cvv.as_ref(), &info) {
        return Ok(Next::Retry(format!("Security code refused ({}).", e.code())));
    }
    let Ok(card_type) = info.card_type.parse() else { return Ok(Next::Retry("Card refused (02541).".to_owned())) };
    let mut card = Card::new(card_type);
    card.number = Some(pan.clone());
    card.expiration_date = normalize_expiry(&form.expiry).parse().ok();
    if card.expiration_date.is_none() {
        return Ok(Next::Retry("Expiry date refused (02305).".to_owned()));
    }
    card.cvx = form.cvv.clone();
    card.cardholder = form.holder.clone();
    let Some(contract) = ctx.merchant.contract(&s.contract_number).cloned() else { return Ok(Next::Gone("Unknown contract.")) };
    let resolved = match resolve_card(ctx, &card, &contract, &s.order_ref, false).await? {
        Ok(c) => c,
        Err(code) => return Ok(Next::Retry(format!("Card refused ({code})."))),
    };
    secure(ctx, s, &resolved, card, None, form.holder.as_deref(), return_base).await
}

/// `threeDSMethodNotificationURL` of the page's verifyEnrollment.
pub const METHOD_NOTIFY_PATH: &str = "/webpayment/3ds-method-notify";
/// Milliseconds the page waits for the 3DS Method notification (EMV 3DS: 10 seconds, then
/// `threeDSCompInd` N).
pub const METHOD_TIMEOUT_MS: u32 = 10_000;

/// Amount and order reference the page's verifyEnrollment names: the payment's (the first due
/// date for NX / REC), or on the manageWebWallet page a non-payment authentication (EMV 3DS
/// messageCategory NPA: amount 0) for order reference `walletId`, the binding createWallet and
/// updateWallet accept for a registration.
fn authentication_target(s: &WebSession, now: OffsetDateTime) -> Result<(u64, String)> {
    if s.kind == "WALLET" {
        return Ok((0, s.wallet_id.clone().unwrap_or_default()));
    }
    Ok((first_amount(s, now)?, s.order_ref.clone()))
}

/// 3-D Secure for the page's card when the contract has it and the card is enrolled — the same
/// verifyEnrollment a merchant would call (the card, or `walletId` + `walletCardInd` for the
/// saved card) — else the authorization at once.
async fn secure(
    ctx: &mut Ctx<'_>,
    s: &WebSession,
    resolved: &ResolvedCard,
    card: Card,
    wallet: Option<(&str, i64)>,
    holder: Option<&str>,
    return_base: &str,
) -> Result<Next> {
    let Some(contract) = ctx.merchant.contract(&s.contract_number).cloned() else { return Ok(Next::Gone("Unknown contract.")) };
    if !contract.three_ds || crate::scenarios::enrollment(resolved.pan.expose()) == crate::scenarios::Enrollment::NotEnrolled {
        return authorize(ctx, s, resolved, holder, None).await;
    }
    let (amount, order_ref) = authentication_target(s, ctx.now)?;
    let req = VerifyEnrollmentRequest {
        transient: None,
        version: "34".to_owned(),
        card,
        payment: payload_payment(s, amount),
        order_ref,
        md_field_value: None,
        user_agent: None,
        wallet_id: wallet.map(|(w, _)| w.to_owned()),
        wallet_card_ind: wallet.map(|(_, i)| i.to_string()),
        generate_virtual_cvx: None,
        merchant_name: None,
        merchant_url: None,
        merchant_country_code: None,
        return_url: Some(format!("{return_base}/webpayment/3ds-return")),
        order: None,
        buyer: None,
        sub_merchant: None,
        recurring: None,
        three_ds_info: Some(ThreeDsInfo {
            three_ds_method_notification_url: Some(format!("{return_base}{METHOD_NOTIFY_PATH}")),
            ..ThreeDsInfo::default()
        }),
        merchant_score: None,
        private_data_list: None,
    };
    let answer = three_ds::verify_enrollment(ctx, req).await?;
    sqlx::query("UPDATE web_sessions SET card_token = ?, card_expiry = ?, cardholder = ?, md = ? WHERE token = ?")
        .bind(&resolved.token)
        .bind(&resolved.expiry)
        .bind(holder)
        .bind(answer.md_field_value.as_deref().or(answer.authentication_3d_secure.as_ref().and_then(|a| a.md.as_deref())))
        .bind(&s.token)
        .execute(&mut *ctx.conn)
        .await?;
    enrolled(ctx, s, resolved, holder, answer).await
}

/// What a verifyEnrollment answer means for the page.
async fn enrolled(
    ctx: &mut Ctx<'_>,
    s: &WebSession,
    resolved: &ResolvedCard,
    holder: Option<&str>,
    answer: payline_protocol::messages::VerifyEnrollmentResponse,
) -> Result<Next> {
    let pair = |n: &Option<String>, v: &Option<String>| n.clone().zip(v.clone());
    match answer.result.code {
        ReturnCode::THREE_DS_FRICTIONLESS => authorize(ctx, s, resolved, holder, answer.authentication_3d_secure).await,
        ReturnCode::THREE_DS_CHALLENGE_REQUESTED | ReturnCode::THREE_DS_ACCEPTED => {
            set_status(ctx.conn, &s.token, st::THREEDS).await?;
            let fields = [
                pair(&answer.pareq_field_name, &answer.pareq_field_value),
                pair(&answer.md_field_name, &answer.md_field_value),
                pair(&answer.term_url_name, &answer.term_url_value),
            ];
            Ok(Next::Acs { url: answer.action_url.clone().unwrap_or_default(), fields: fields.into_iter().flatten().collect() })
        }
        // EMV 3DS: the ACS has a 3DS Method URL; the page runs it, then the second round.
        ReturnCode::THREE_DS_METHOD_REQUESTED => {
            set_status(ctx.conn, &s.token, st::METHOD).await?;
            let fields = pair(&answer.pareq_field_name, &answer.pareq_field_value).into_iter().collect();
            Ok(Next::Method { url: answer.action_url.clone().unwrap_or_default(), fields })
        }
        code => Ok(Next::Retry(format!("3-D Secure unavailable ({code})."))),
    }
}

/// The ACS's 3DS Method posted `threeDSMethodData` to the page's notification URL: recorded on
/// the waiting session of that 3-D Secure session. False when none waits.
pub async fn method_notified(conn: &mut SqliteConnection, md: &str) -> Result<bool> {
    let done = sqlx::query("UPDATE web_sessions SET status = 'METHOD_DONE' WHERE md = ? AND status = 'METHOD'")
        .bind(md)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// After the 3DS Method: the second verifyEnrollment (its `transient`), with `threeDSCompInd`
/// `Y` when the page saw the method complete and the notification reached the sandbox, else `N`
/// (the page's 10 s timeout, or no script), then the challenge or the frictionless result.
pub async fn method_continue(ctx: &mut Ctx<'_>, s: &WebSession, page_completed: bool) -> Result<Next> {
    if s.status != st::METHOD && s.status != st::METHOD_DONE {
        return Ok(Next::Gone("No 3-D Secure device check is waiting."));
    }
    let comp_ind = if page_completed && s.status == st::METHOD_DONE { "Y" } else { "N" };
    let md = s.md.clone().unwrap_or_default();
    let transient: Option<(Option<String>,)> =
        sqlx::query_as("SELECT transient FROM threeds_sessions WHERE md = ?").bind(&md).fetch_optional(&mut *ctx.conn).await?;
    let Some(resolved) = session_card(ctx, s).await? else { return Ok(Next::Gone("The card of this session is gone.")) };
    set_status(ctx.conn, &s.token, st::INPROGRESS).await?;
    let mut card = Card::new(resolved.card_type.parse().unwrap_or(payline_protocol::values::CardType::CB));
    card.token = Some(resolved.token.clone());
    card.expiration_date = resolved.expiry.as_deref().and_then(|e| e.parse().ok());
    let (amount, order_ref) = authentication_target(s, ctx.now)?;
    let mut req = VerifyEnrollmentRequest::new(card, payload_payment(s, amount));
    req.version = "34".to_owned();
    req.order_ref = order_ref;
    req.transient = transient.and_then(|(t,)| t);
    req.three_ds_info = Some(ThreeDsInfo { three_ds_method_result: Some(comp_ind.to_owned()), ..ThreeDsInfo::default() });
    let answer = three_ds::verify_enrollment(ctx, req).await?;
    let holder = s.cardholder.clone();
    enrolled(ctx, s, &resolved, holder.as_deref(), answer).await
}

/// The card kept on the session between the card form and the 3-D Secure steps.
async fn session_card(ctx: &mut Ctx<'_>, s: &WebSession) -> Result<Option<ResolvedCard>> {
    let Some(stored) = tokens::lookup(ctx.conn, ctx.vault, &ctx.merchant.id, s.card_token.as_deref().unwrap_or_default()).await?
    else {
        return Ok(None);
    };
    Ok(Some(ResolvedCard { token: stored.token, pan: stored.pan, card_type: stored.card_type, masked: stored.masked, expiry: s.card_expiry.clone() }))
}

fn payload_payment(s: &WebSession, amount: u64) -> payline_protocol::objects::Payment {
    payline_protocol::objects::Payment {
        amount: Amount::from_minor(amount),
        currency: u16::try_from(s.currency).ok().and_then(Currency::from_numeric).unwrap_or(Currency::EUR),
        action: u16::try_from(s.action).ok().and_then(Action::from_code).unwrap_or(Action::AUTHORIZATION_AND_CAPTURE),
        mode: s.mode.parse().unwrap_or(Mode::CPT),
        contract_number: Some(s.contract_number.clone()),
        differed_action_date: None,
        method: None,
        soft_descriptor: None,
        card_brand: None,
        registration_token: None,
        cumulated_amount: None,
    }
}

/// The `recurring` of a session as stored (its wire values as text).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct StoredRecurring {
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
        let mut r = Recurring::new(Amount::from_minor(self.amount)?, self.billing_cycle.parse().ok()?);
        r.first_amount = self.first_amount.and_then(Amount::from_minor);
        r.billing_left = self.billing_left.clone();
        r.billing_day = self.billing_day.clone();
        r.start_date = self.start_date.as_deref().and_then(|d| d.parse().ok());
        r.end_date = self.end_date.as_deref().and_then(|d| d.parse().ok());
        r.new_amount = self.new_amount.and_then(Amount::from_minor);
        r.amount_modification_date = self.amount_modification_date.as_deref().and_then(|d| d.parse().ok());
        Some(r)
    }
}

fn recurring_of(s: &WebSession) -> Option<Recurring> {
    s.recurring_json.as_deref().and_then(|j| serde_json::from_str::<StoredRecurring>(j).ok()).and_then(|r| r.to_recurring())
}

/// Amount the page authorizes: the first due date for NX / REC, else payment.amount.
fn first_amount(s: &WebSession, now: OffsetDateTime) -> Result<u64> {
    let total = u64::try_from(s.amount).unwrap_or(0);
    match recurring_of(s) {
        Some(rec) => super::records::web_first_amount(&s.mode, total, &rec, now.date())
            .map_err(|_| crate::error::SandboxError::Bug("recurring checked at doWebPayment")),
        None => Ok(total),
    }
}

/// Back from the ACS (`cres` + `threeDSSessionData`, or `PaRes` + `MD`): verifyAuthentication,
/// then the authorization.
pub async fn three_ds_return(ctx: &mut Ctx<'_>, md: &str, response: &str) -> Result<Next> {
    let Some(s) = sqlx::query("SELECT token FROM web_sessions WHERE md = ? AND status = 'THREEDS'")
        .bind(md)
        .fetch_optional(&mut *ctx.conn)
        .await?
    else {
        return Ok(Next::Gone("No payment is waiting for this authentication."));
    };
    let token: String = s.try_get("token")?;
    let Some(s) = load(ctx.conn, &token).await? else { return Ok(Next::Gone("Unknown session.")) };
    let req = VerifyAuthenticationRequest {
        version: "34".to_owned(),
        contract_number: s.contract_number.clone(),
        pares: response.to_owned(),
        md: Some(md.to_owned()),
        ..payline_protocol::messages::VerifyAuthenticationRequest::default()
    };
    let answer = three_ds::verify_authentication(ctx, req).await?;
    let Some(resolved) = session_card(ctx, &s).await? else { return Ok(Next::Gone("The card of this session is gone.")) };
    if answer.result.code != ReturnCode::THREE_DS_ACCEPTED {
        // Authentication failed or cancelled: the payment is refused with that code; on the
        // manageWebWallet page nothing is registered.
        let code = answer.result.code;
        if s.kind == "WALLET" {
            return wallet_refused(ctx, &s, code).await;
        }
        return finish(ctx, &s, &resolved, code, None, s.cardholder.clone().as_deref()).await;
    }
    authorize(ctx, &s, &resolved, s.cardholder.clone().as_deref(), answer.authentication_3d_secure).await
}

/// The authorization of the page (bank outcome of the homologation conventions), recorded in
/// the ledger; 3-D Secure consumed once for this card, amount, currency, order and contract.
async fn authorize(
    ctx: &mut Ctx<'_>,
    s: &WebSession,
    card: &ResolvedCard,
    holder: Option<&str>,
    auth: Option<Authentication3DSecure>,
) -> Result<Next> {
    if s.kind == "WALLET" {
        return register_web_wallet(ctx, s, card, holder, auth).await;
    }
    let amount = first_amount(s, ctx.now)?;
    let mut three = None;
    let mut code = ReturnCode::APPROVED;
    if let Some(a) = &auth {
        let binding = three_ds::Binding {
            fingerprint: ctx.vault.fingerprint("pan", card.pan.expose()),
            amount: i64::try_from(amount).unwrap_or(i64::MAX),
            currency: s.currency,
            order_ref: s.order_ref.clone(),
            contract_number: s.contract_number.clone(),
        };
        match three_ds::consume_for_authorization(ctx, a, &binding).await? {
            Ok(c) => three = Some(c),
            Err(c) => code = c.to_owned(),
        }
    }
    if code == ReturnCode::APPROVED {
        code = bank_outcome(&card.pan, amount);
    }
    finish(ctx, s, card, code, three, holder).await
}

async fn finish(
    ctx: &mut Ctx<'_>,
    s: &WebSession,
    card: &ResolvedCard,
    code: ReturnCode,
    three: Option<three_ds::Consumed>,
    holder: Option<&str>,
) -> Result<Next> {
    let ok = accepted(code);
    let amount = i64::try_from(first_amount(s, ctx.now)?).unwrap_or(i64::MAX);
    let entry = Entry {
        id: new_transaction_id(),
        kind: Kind::Authorization,
        action: s.action,
        mode: s.mode.clone(),
        contract_number: s.contract_number.clone(),
        order_ref: s.order_ref.clone(),
        amount,
        currency: s.currency,
        result_code: code,
        accepted: ok,
        state: State::of_authorization(ok, s.action),
        card_type: Some(card.card_type.clone()),
        card_brand: None,
        masked_card: Some(card.masked.clone()),
        token: Some(card.token.clone()),
        expiry: card.expiry.clone(),
        three_d_secure: if three.is_some() { "Y" } else { "N" }.to_owned(),
        eci: three.as_ref().map(|t| t.eci.clone()),
        liability_shift: three.as_ref().is_some_and(|t| t.liability_shift),
        authorization_number: ok.then(new_authorization_number),
        original_id: None,
        is_duplicated: false,
        created_at: ctx.now,
        settles_at: (ok && s.action == 101).then(|| rules::settlement_time(ctx.now)),
    };
    ledger::insert(ctx.conn, &ctx.merchant.id, &entry).await?;
    super::payments::plan_web_deferred(ctx, &s.token, &entry).await?;
    let mut record_id = None;
    if ok {
        // buyer.walletId unknown: the wallet is created from this card (the payment is its
        // check). NX / REC: a wallet is needed to bill the next due dates.
        let wallet_id = match (&s.wallet_id, recurring_of(s)) {
            (Some(w), _) => Some(w.clone()),
            (None, Some(_)) => Some(format!("web-{}", s.token)),
            (None, None) => None,
        };
        if let Some(w) = &wallet_id {
            if crate::store::wallets::wallet(ctx.conn, &ctx.merchant.id, w).await?.is_none() {
                super::wallets::save_wallet(ctx, w, &s.contract_number, card, holder, &entry.id).await?;
            }
            sqlx::query("UPDATE web_sessions SET wallet_id = ? WHERE token = ?").bind(w).bind(&s.token).execute(&mut *ctx.conn).await?;
        }
        if let (Some(rec), Some(w)) = (recurring_of(s), &wallet_id) {
            let web = super::records::WebSchedule {
                wallet_id: w,
                contract_number: &s.contract_number,
                mode: &s.mode,
                order_ref: &s.order_ref,
                currency: s.currency,
                payment_amount: u64::try_from(s.amount).unwrap_or(0),
                recurring: &rec,
                first_transaction: &entry.id,
            };
            if let Ok((id, _)) = super::records::register_web_schedule(ctx, &web).await? {
                record_id = Some(id);
            }
        }
    }
    sqlx::query("UPDATE web_sessions SET status = 'DONE', result_code = ?, transaction_id = ?, payment_record_id = ? WHERE token = ?")
        .bind(code.as_str())
        .bind(&entry.id)
        .bind(&record_id)
        .bind(&s.token)
        .execute(&mut *ctx.conn)
        .await?;
    notify_end(ctx, s).await?;
    Ok(Next::Redirect(with_token(&s.return_url, &s.token)))
}

/// "Pay with the saved card" of an existing `buyer.walletId` (no card data typed): 3-D Secure
/// like a typed card when the card is enrolled on a 3-D Secure contract (the buyer is present).
pub async fn pay_with_wallet(ctx: &mut Ctx<'_>, s: &WebSession, return_base: &str) -> Result<Next> {
    let Some(w) = s.wallet_id.clone() else { return Ok(Next::Retry("No saved card.".to_owned())) };
    let Some(contract) = ctx.merchant.contract(&s.contract_number).cloned() else { return Ok(Next::Gone("Unknown contract.")) };
    let (c, card) = match resolve_wallet_card(ctx, &w, None, &contract).await? {
        Ok(v) => v,
        Err(code) => return Ok(Next::Retry(format!("Saved card refused ({code})."))),
    };
    sqlx::query("UPDATE web_sessions SET attempts = attempts + 1, status = 'INPROGRESS' WHERE token = ?")
        .bind(&s.token)
        .execute(&mut *ctx.conn)
        .await?;
    // verifyEnrollment by walletId + walletCardInd: the card carries only its type.
    let by_wallet = Card::new(card.card_type.parse().unwrap_or(payline_protocol::values::CardType::CB));
    secure(ctx, s, &card, by_wallet, Some((&w, c.card_ind)), c.cardholder.as_deref(), return_base).await
}

/// "Save" on the manageWebWallet page: the card's checks (number, expiry, CVV, contract), then
/// 3-D Secure when the contract has it and the card is enrolled (a non-payment authentication,
/// see [`authentication_target`], through the 3DS Method step and the ACS like a payment), then
/// [`register_web_wallet`].
pub async fn save_web_wallet(ctx: &mut Ctx<'_>, s: &WebSession, form: CardForm, return_base: &str) -> Result<Next> {
    sqlx::query("UPDATE web_sessions SET attempts = attempts + 1, status = 'INPROGRESS' WHERE token = ?")
        .bind(&s.token)
        .execute(&mut *ctx.conn)
        .await?;
    let Some(wallet_id) = s.wallet_id.clone() else { return Ok(Next::Gone("No wallet.")) };
    let Some(contract) = ctx.merchant.contract(&s.contract_number).cloned() else { return Ok(Next::Gone("Unknown contract.")) };
    let pan = Secret::new(form.number.expose().chars().filter(|c| !c.is_whitespace()).collect::<String>());
    let card_type = cards::check_number(&pan).ok().and_then(|i| i.card_type.parse().ok()).unwrap_or(payline_protocol::values::CardType::CB);
    let mut card = Card::new(card_type);
    card.number = Some(pan);
    card.expiration_date = normalize_expiry(&form.expiry).parse().ok();
    card.cvx = form.cvv;
    card.cardholder = form.holder.clone();
    // The CVV is checked here, before the ACS: it is never kept for the return.
    let resolved = match resolve_card(ctx, &card, &contract, &wallet_id, true).await? {
        Ok(c) => c,
        Err(code) => return Ok(Next::Retry(format!("Card refused ({code})."))),
    };
    card.cvx = None;
    secure(ctx, s, &resolved, card, None, form.holder.as_deref(), return_base).await
}

/// Registers the manageWebWallet page's card as card 1 of `buyer.walletId`: the authentication
/// (when 3-D Secure ran) consumed once with createWallet's binding rules, the 1 EUR check, the
/// card stored; the session ends with `00000` (getWebWallet `02500`) and WEBWALLET. A refused
/// check shows the form again.
async fn register_web_wallet(
    ctx: &mut Ctx<'_>,
    s: &WebSession,
    card: &ResolvedCard,
    holder: Option<&str>,
    auth: Option<Authentication3DSecure>,
) -> Result<Next> {
    let Some(wallet_id) = s.wallet_id.clone() else { return Ok(Next::Gone("No wallet.")) };
    let registered = super::wallets::register_resolved(ctx, &s.contract_number, &wallet_id, card, auth.as_ref()).await?;
    let check_id = match registered {
        Ok(v) => v,
        // An authentication that does not bind (it cannot happen with the page's own) ends the
        // session like a failed one; a refused check lets the buyer try another card.
        Err(code) if three_ds_code(code) => return wallet_refused(ctx, s, code).await,
        Err(code) => {
            set_status(ctx.conn, &s.token, st::INPROGRESS).await?;
            return Ok(Next::Retry(format!("Card refused ({code}).")));
        }
    };
    super::wallets::save_wallet(ctx, &wallet_id, &s.contract_number, card, holder, &check_id).await?;
    sqlx::query("UPDATE web_sessions SET status = 'DONE', result_code = ?, transaction_id = ? WHERE token = ?")
        .bind(ReturnCode::APPROVED.as_str())
        .bind(&check_id)
        .bind(&s.token)
        .execute(&mut *ctx.conn)
        .await?;
    notify_end(ctx, s).await?;
    Ok(Next::Redirect(with_token(&s.return_url, &s.token)))
}

/// The manageWebWallet page's authentication failed (`03003`), was cancelled at the ACS
/// (`03022`) or did not verify: nothing is registered (no check, no wallet, no card); the
/// session ends with that code (getWebWallet answers it), WEBWALLET is notified and the buyer
/// goes back to `returnURL`.
async fn wallet_refused(ctx: &mut Ctx<'_>, s: &WebSession, code: ReturnCode) -> Result<Next> {
    sqlx::query("UPDATE web_sessions SET status = 'DONE', result_code = ? WHERE token = ?")
        .bind(code.as_str())
        .bind(&s.token)
        .execute(&mut *ctx.conn)
        .await?;
    notify_end(ctx, s).await?;
    Ok(Next::Redirect(with_token(&s.return_url, &s.token)))
}
