//! Hosted pages (Payline WebPaymentAPI): doWebPayment, getWebPaymentDetails, manageWebWallet,
//! createWebWallet, updateWebWallet, getWebWallet, and what the buyer does on the pages (pay, cancel, come back from 3-D
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
//!
//! Inside, imports point down: `mod.rs` (the SOAP operations) and `page` (the buyer's actions)
//! sit on `secure` (the 3-D Secure steps of the page), which sits on `outcome` (the
//! authorization or registration that ends a session), which sits on `session` (the page's
//! shared pieces). The session rows themselves are in [`crate::store::web_sessions`].

mod outcome;
mod page;
mod secure;
mod session;

pub(crate) use page::{cancel, pay_with_card, pay_with_wallet, save_web_wallet};
pub(crate) use secure::{METHOD_TIMEOUT_MS, method_continue, three_ds_return};
pub(crate) use session::{CardForm, Next, usable};

use payline_protocol::messages::{
    CreateWebWalletRequest, CreateWebWalletResponse, DoWebPaymentRequest, DoWebPaymentResponse,
    GetWebPaymentDetailsRequest, GetWebPaymentDetailsResponse, GetWebWalletRequest,
    GetWebWalletResponse, ManageWebWalletRequest, ManageWebWalletResponse, UpdateWebWalletRequest,
    UpdateWebWalletResponse,
};
use payline_protocol::objects::PaylineResult;
use payline_protocol::values::{Amount, ReturnCode};
use time::Duration;

use self::session::{StoredRecurring, empty};
use super::answer::{accepted, card_out, extended_card, transaction};
use super::card::card_ind;
use super::ctx::Ctx;
use super::{payments, records, reports, three_ds, wallets};
use crate::error::Result;
use crate::store::wallets as wallet_rows;
use crate::store::web_sessions::{self, NewSession, SessionKind, Status, WebSession, load};
use crate::store::{StoredCode, ledger, outbox};

/// How long a hosted session stays usable (sandbox time).
pub(crate) const WEB_SESSION_VALIDITY: Duration = Duration::minutes(15);

/// doWebPayment: a session and the page URL. Modes CPT, DIF, NX, REC (`02308`); NX / REC need
/// `recurring` (`02509`, NX amount rule); contract `02303`; `returnURL`, `cancelURL`, order
/// reference and amount `02305`.
pub(crate) async fn do_web_payment(
    ctx: &mut Ctx<'_>,
    req: DoWebPaymentRequest,
) -> Result<DoWebPaymentResponse> {
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
    let capture_date = match payments::check_deferred(
        &mode,
        action,
        req.payment.differed_action_date,
        today,
        today,
    ) {
        Ok(d) => d,
        Err(code) => return Ok(refuse(code)),
    };
    let Some(amount) = req.payment.amount.map(Amount::minor).filter(|a| *a > 0) else {
        return Ok(refuse(ReturnCode::INVALID_FIELD_FORMAT));
    };
    if empty(&req.return_url) || empty(&req.cancel_url) || empty(&req.order.r#ref) {
        return Ok(refuse(ReturnCode::INVALID_FIELD_FORMAT));
    }
    let recurring_json = if mode == "NX" || mode == "REC" {
        let Some(rec) = &req.recurring else {
            return Ok(refuse(ReturnCode::INVALID_RECURRING_OPTION));
        };
        if let Err(code) = records::web_first_amount(&mode, amount, rec, ctx.now.date()) {
            return Ok(refuse(code));
        }
        Some(
            serde_json::to_string(&StoredRecurring::from(rec))
                .map_err(|_| crate::error::SandboxError::Bug("recurring to JSON"))?,
        )
    } else {
        None
    };
    let wallet_id = req.buyer.as_ref().and_then(|b| b.wallet_id.clone());
    let session = NewSession {
        kind: SessionKind::Payment,
        merchant_id: &ctx.merchant.id,
        contract_number: &contract,
        amount: i64::try_from(amount).unwrap_or(i64::MAX),
        currency: i64::from(req.payment.currency.numeric()),
        action,
        mode: &mode,
        order_ref: req.order.r#ref.trim(),
        return_url: &req.return_url,
        cancel_url: &req.cancel_url,
        notification_url: req.notification_url.as_deref(),
        wallet_id: wallet_id.as_deref(),
        recurring_json,
        created_at: ctx.now,
        expires_at: ctx.now + WEB_SESSION_VALIDITY,
    };
    let token = web_sessions::insert(ctx.conn, session).await?;
    payments::remember_web_deferred(ctx.conn, &token, capture_date).await?;
    Ok(DoWebPaymentResponse {
        redirect_url: Some(format!("{}/webpayment/?token={token}", ctx.public_url)),
        token: Some(token),
        ..DoWebPaymentResponse::new(PaylineResult::documented(ReturnCode::APPROVED))
    })
}

/// What a hosted wallet page needs from the request that opens it.
struct WalletPage<'a> {
    contract_number: &'a str,
    wallet_id: &'a str,
    return_url: &'a str,
    cancel_url: &'a str,
    notification_url: Option<&'a str>,
}

/// Opens a hosted wallet page: a wallet session for `walletId` (the 1 EUR card check of
/// createWallet, as an authorization that is never captured) and the page URL. `02305` without
/// `returnURL` or `cancelURL`.
async fn open_wallet_page(
    ctx: &mut Ctx<'_>,
    page: WalletPage<'_>,
) -> Result<std::result::Result<(String, String), ReturnCode>> {
    if page.return_url.trim().is_empty() || page.cancel_url.trim().is_empty() {
        return Ok(Err(ReturnCode::INVALID_FIELD_FORMAT));
    }
    let order_ref = format!("wallet-check:{}", page.wallet_id);
    let session = NewSession {
        kind: SessionKind::Wallet,
        merchant_id: &ctx.merchant.id,
        contract_number: page.contract_number,
        amount: wallets::CHECK_AMOUNT,
        currency: wallets::EUR,
        action: 100,
        mode: "CPT",
        order_ref: &order_ref,
        return_url: page.return_url,
        cancel_url: page.cancel_url,
        notification_url: page.notification_url,
        wallet_id: Some(page.wallet_id),
        recurring_json: None,
        created_at: ctx.now,
        expires_at: ctx.now + WEB_SESSION_VALIDITY,
    };
    let token = web_sessions::insert(ctx.conn, session).await?;
    let url = format!("{}/webpayment/wallet?token={token}", ctx.public_url);
    Ok(Ok((token, url)))
}

/// The trimmed `walletId`, when one is given.
fn given_wallet_id(w: Option<&str>) -> Option<String> {
    w.map(str::trim)
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
}

/// manageWebWallet: a page where the buyer registers a card in `buyer.walletId`, creating the
/// wallet or replacing its card 1. `02303` unknown contract, `02513` without `walletId`.
pub(crate) async fn manage_web_wallet(
    ctx: &mut Ctx<'_>,
    req: ManageWebWalletRequest,
) -> Result<ManageWebWalletResponse> {
    let refuse = |code: ReturnCode| ManageWebWalletResponse::new(PaylineResult::documented(code));
    if ctx.merchant.contract(req.contract_number.trim()).is_none() {
        return Ok(refuse(ReturnCode::INVALID_CONTRACT_NUMBER));
    }
    let Some(wallet_id) = given_wallet_id(req.buyer.wallet_id.as_deref()) else {
        return Ok(refuse(ReturnCode::WALLET_ID_REQUIRED));
    };
    let page = WalletPage {
        contract_number: req.contract_number.trim(),
        wallet_id: &wallet_id,
        return_url: &req.return_url,
        cancel_url: &req.cancel_url,
        notification_url: req.notification_url.as_deref(),
    };
    Ok(match open_wallet_page(ctx, page).await? {
        Ok((token, redirect_url)) => ManageWebWalletResponse {
            result: PaylineResult::documented(ReturnCode::APPROVED),
            token,
            redirect_url,
        },
        Err(code) => refuse(code),
    })
}

/// createWebWallet: manageWebWallet's page for a new wallet only (Payline hosted pages,
/// WebPaymentAPI): `02502` when `buyer.walletId` already names a wallet, else as
/// manageWebWallet.
pub(crate) async fn create_web_wallet(
    ctx: &mut Ctx<'_>,
    req: CreateWebWalletRequest,
) -> Result<CreateWebWalletResponse> {
    let refuse = |code: ReturnCode| CreateWebWalletResponse::new(PaylineResult::documented(code));
    if ctx.merchant.contract(req.contract_number.trim()).is_none() {
        return Ok(refuse(ReturnCode::INVALID_CONTRACT_NUMBER));
    }
    let Some(wallet_id) = given_wallet_id(req.buyer.wallet_id.as_deref()) else {
        return Ok(refuse(ReturnCode::WALLET_ID_REQUIRED));
    };
    if wallet_rows::wallet(ctx.conn, &ctx.merchant.id, &wallet_id)
        .await?
        .is_some()
    {
        return Ok(refuse(ReturnCode::WALLET_ALREADY_EXISTS));
    }
    let page = WalletPage {
        contract_number: req.contract_number.trim(),
        wallet_id: &wallet_id,
        return_url: &req.return_url,
        cancel_url: &req.cancel_url,
        notification_url: req.notification_url.as_deref(),
    };
    Ok(match open_wallet_page(ctx, page).await? {
        Ok((token, redirect_url)) => CreateWebWalletResponse {
            result: PaylineResult::documented(ReturnCode::APPROVED),
            token,
            redirect_url,
        },
        Err(code) => refuse(code),
    })
}

/// updateWebWallet: manageWebWallet's page for an existing wallet (Payline hosted pages,
/// WebPaymentAPI). `02303` unknown contract, `02513` without `walletId`, `02503` unknown
/// wallet, `02505` disabled wallet, `02515` when none of `updatePersonalDetails`,
/// `updateOwnerDetails`, `updatePaymentDetails` is `1`, `02518` a `cardInd` that is not a
/// card of the wallet. The sandbox's page registers a new card as card 1 (manageWebWallet's
/// page), so another `cardInd` than 1 is refused with `02518` as well.
pub(crate) async fn update_web_wallet(
    ctx: &mut Ctx<'_>,
    req: UpdateWebWalletRequest,
) -> Result<UpdateWebWalletResponse> {
    let refuse = |code: ReturnCode| UpdateWebWalletResponse::new(PaylineResult::documented(code));
    if ctx.merchant.contract(req.contract_number.trim()).is_none() {
        return Ok(refuse(ReturnCode::INVALID_CONTRACT_NUMBER));
    }
    let Some(wallet_id) = given_wallet_id(Some(&req.wallet_id)) else {
        return Ok(refuse(ReturnCode::WALLET_ID_REQUIRED));
    };
    let Some(w) = wallet_rows::wallet(ctx.conn, &ctx.merchant.id, &wallet_id).await? else {
        return Ok(refuse(ReturnCode::WALLET_DOES_NOT_EXIST));
    };
    if w.disabled_at.is_some() {
        return Ok(refuse(ReturnCode::WALLET_DISABLED));
    }
    let chosen = |flag: &Option<String>| flag.as_deref().map(str::trim) == Some("1");
    if !(chosen(&req.update_personal_details)
        || chosen(&req.update_owner_details)
        || chosen(&req.update_payment_details))
    {
        return Ok(refuse(ReturnCode::NOTHING_TO_UPDATE));
    }
    if card_ind(req.card_ind.as_deref()) != Some(1) {
        return Ok(refuse(ReturnCode::INVALID_CARD_INDEX));
    }
    let page = WalletPage {
        contract_number: req.contract_number.trim(),
        wallet_id: &wallet_id,
        return_url: &req.return_url,
        cancel_url: &req.cancel_url,
        notification_url: req.notification_url.as_deref(),
    };
    Ok(match open_wallet_page(ctx, page).await? {
        Ok((token, redirect_url)) => UpdateWebWalletResponse {
            result: PaylineResult::documented(ReturnCode::APPROVED),
            token,
            redirect_url,
        },
        Err(code) => refuse(code),
    })
}

pub(super) fn pending_code(s: &WebSession, now: i64) -> ReturnCode {
    let expired = s.expires_at <= now;
    match (s.status, expired) {
        (Status::Created, false) => ReturnCode::BUYER_NOT_REDIRECTED_YET,
        (Status::Created, true) => ReturnCode::BUYER_NOT_REDIRECTED_EXPIRED,
        (Status::Cancelled, _) => ReturnCode::CANCELLED_BY_BUYER,
        (_, true) => ReturnCode::SESSION_EXPIRED,
        _ => ReturnCode::PAYMENT_DATA_PENDING,
    }
}

/// getWebPaymentDetails: the authoritative outcome of a session.
pub(crate) async fn get_web_payment_details(
    ctx: &mut Ctx<'_>,
    req: GetWebPaymentDetailsRequest,
) -> Result<GetWebPaymentDetailsResponse> {
    let mut out = GetWebPaymentDetailsResponse::new(PaylineResult::documented(
        ReturnCode::NO_TRANSACTION_FOR_TOKEN,
    ));
    let Some(s) = load(ctx.conn, &req.token)
        .await?
        .filter(|s| s.merchant_id == ctx.merchant.id && s.kind == SessionKind::Payment)
    else {
        return Ok(out);
    };
    out.contract_number = Some(s.contract_number.clone());
    out.number_of_attempt = Some(s.attempts.to_string());
    let entry = match (s.status, &s.transaction_id) {
        (Status::Done, Some(id)) => ledger::get(ctx.conn, &ctx.merchant.id, id).await?,
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
    out.authorization = wallets::authorization(&e, e.created_at);
    out.card = card_out(
        e.masked_card.as_deref(),
        e.card_type.as_deref(),
        e.expiry.as_deref(),
        e.token.as_deref(),
    );
    out.extended_card = Some(extended_card(e.card_type.as_deref()));
    out.payment = Some(reports::payment_view(ctx.conn, &e).await?);
    // The authentication the payment used (ECI, CAVV, resultContainer), as doAuthorization
    // echoes it.
    if let (true, Some(md)) = (e.three_d_secure == "Y", &s.md) {
        out.authentication_3d_secure = three_ds::get(ctx.conn, md)
            .await?
            .map(|t| three_ds::authentication(&t));
    }
    if let Some(id) = &s.payment_record_id {
        out.payment_record_id = Some(id.clone());
        out.billing_record_list = Some(records::billing_list(ctx.conn, id).await?);
    }
    if let Some(w) = &s.wallet_id {
        out.wallet = wallets::wallet_view(ctx.conn, &ctx.merchant.id, w).await?;
    }
    Ok(out)
}

/// getWebWallet: the wallet saved through a manageWebWallet page.
pub(crate) async fn get_web_wallet(
    ctx: &mut Ctx<'_>,
    req: GetWebWalletRequest,
) -> Result<GetWebWalletResponse> {
    let mut out = GetWebWalletResponse::new(PaylineResult::documented(
        ReturnCode::NO_TRANSACTION_FOR_TOKEN,
    ));
    let Some(s) = load(ctx.conn, &req.token)
        .await?
        .filter(|s| s.merchant_id == ctx.merchant.id && s.kind == SessionKind::Wallet)
    else {
        return Ok(out);
    };
    out.number_of_attempt = Some(s.attempts.to_string());
    match (s.status, s.result_code) {
        (Status::Done, Some(StoredCode(code))) => {
            out.result = PaylineResult::documented(if accepted(code) {
                ReturnCode::OPERATION_SUCCESSFUL
            } else {
                code
            });
            // A refused registration (failed or cancelled 3-D Secure) saved no card: no wallet.
            if let (true, Some(w)) = (accepted(code), &s.wallet_id) {
                out.wallet = wallets::wallet_view(ctx.conn, &ctx.merchant.id, w).await?;
                out.extended_card =
                    extended_card(out.wallet.as_ref().map(|w| w.card.r#type.as_str()));
            }
        }
        _ => out.result = PaylineResult::documented(pending_code(&s, ctx.now.unix_timestamp())),
    }
    Ok(out)
}
