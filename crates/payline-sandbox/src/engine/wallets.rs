//! Wallets (Payline createWallet, updateWallet, getWallet, getCards, disableWallet,
//! enableWallet) and wallet payments (doImmediateWalletPayment, doScheduledWalletPayment).
//!
//! A wallet belongs to the merchant (one point of sale in the sandbox) and holds several cards
//! addressed by `cardInd` (default 1). Cards are kept as sandbox tokens (the number stays
//! encrypted in the token vault). Registering a card runs Payline's check: a 1 EUR (100 minor
//! units) authorization, recorded in the ledger and never captured.
//!
//! 3-D Secure (Payline `authentication3DSecure` on createWallet, updateWallet,
//! doImmediateWalletPayment, doScheduledWalletPayment, doRecurrentWalletPayment): an
//! authentication given is verified as doAuthorization verifies it — once, unaltered, bound to
//! the wallet card, the amount, currency, order reference (the `walletId` for a registration)
//! and contract — and recorded on the ledger entry it covers. It is *required* only where the
//! buyer is present for a payment: doImmediateWalletPayment of an enrolled card on a 3-D Secure
//! contract without it is a soft decline `01131`, like doAuthorization. A registration (the 1 EUR
//! check, a non-payment authentication in EMV 3DS terms) and the registration of a schedule take
//! it when given; the due dates the scheduler bills later are merchant-initiated and never
//! authenticated.
//!
//! The `cvx` of doImmediateWalletPayment and doRecurrentWalletPayment is checked as
//! doAuthorization checks a CVV ([`check_wallet_cvx`]): the tokenizer's virtual CVV for the
//! payment's order reference, once, or the card's CVV of the brand's length; absent is accepted.

use payline_protocol::messages::{
    CreateWalletRequest, CreateWalletResponse, DisableWalletRequest, DisableWalletResponse,
    DoImmediateWalletPaymentRequest, DoImmediateWalletPaymentResponse, EnableWalletRequest,
    EnableWalletResponse, GetCardsRequest, GetCardsResponse, GetWalletRequest, GetWalletResponse,
    UpdateWalletRequest, UpdateWalletResponse,
};
use payline_protocol::objects::{
    Authentication3DSecure, Authorization, Card, Cards, CardsList, PaylineResult, Wallet,
    WalletIdList,
};
use payline_protocol::secret::Secret;
use payline_protocol::values::ReturnCode;
use sqlx::SqliteConnection;
use time::OffsetDateTime;

use super::answer::{
    accepted, card_out, extended_card, new_authorization_number, new_transaction_id, payline_date,
    transaction,
};
use super::card::{ResolvedCard, bank_outcome, card_ind, resolve_card, usable_card};
use super::ctx::Ctx;
use super::three_ds::{self, Binding, Consumed};
use crate::config::ContractConfig;
use crate::error::Result;
use crate::rules;
use crate::store::ledger::{self, Entry, Kind, State};
use crate::store::outbox;
use crate::store::tokens;
use crate::store::wallets::{
    self as wallet_rows, NewCard, Owner, WalletCard, WalletRow, card, cards, wallet,
};

/// Amount of the card check made when a card is registered: 1 EUR.
pub(crate) const CHECK_AMOUNT: i64 = 100;
/// ISO 4217 numeric code of the euro.
pub(crate) const EUR: i64 = 978;

/// The `authentication3DSecure` of a request when it names a session (an empty `md` counts as
/// none, as in doAuthorization).
pub(crate) fn given_authentication(
    a: Option<&Authentication3DSecure>,
) -> Option<&Authentication3DSecure> {
    a.filter(|a| a.md.as_deref().is_some_and(|m| !m.trim().is_empty()))
}

/// Verifies a wallet operation's authentication for this card: consumed once when given and
/// bound as `accepts` says (the codes of doAuthorization: `03004`, `03006`, `03010`, `03011`,
/// `03003`, `03022`, `03030`); when absent and `required`, an enrolled card on a 3-D Secure
/// contract is a soft decline `01131`.
pub(crate) async fn verify_authentication(
    ctx: &mut Ctx<'_>,
    pan: &Secret,
    contract: &ContractConfig,
    given: Option<&Authentication3DSecure>,
    required: bool,
    accepts: impl Fn(&Binding) -> bool,
) -> Result<std::result::Result<Option<Consumed>, ReturnCode>> {
    match given_authentication(given) {
        Some(a) => Ok(three_ds::consume_matching(ctx, a, accepts).await?.map(Some)),
        None if required
            && contract.three_ds
            && crate::scenarios::enrollment(pan.expose())
                != crate::scenarios::Enrollment::NotEnrolled =>
        {
            Ok(Err(ReturnCode::THREE_DS_AUTHENTICATION_REQUIRED))
        }
        None => Ok(Ok(None)),
    }
}

/// The binding of a payment on `pan`: amount, currency, order reference and contract exactly.
pub(crate) fn payment_binding(ctx: &Ctx<'_>, pan: &Secret, spec: &WalletCharge<'_>) -> Binding {
    Binding {
        fingerprint: ctx.vault.fingerprint("pan", pan.expose()),
        amount: spec.amount,
        currency: spec.currency,
        order_ref: spec.order_ref.to_owned(),
        contract_number: spec.contract_number.to_owned(),
    }
}

/// Checks the `cvx` given with a wallet card for a payment under `order_ref`
/// ([`tokens::check_stored_card_cvx`]): `02540` when the card's token is gone, `01130`
/// for a virtual CVV not issued for this order reference, used or expired, or a CVV not of the
/// brand's length; absent is accepted.
pub(crate) async fn check_wallet_cvx(
    ctx: &mut Ctx<'_>,
    card: &WalletCard,
    order_ref: &str,
    cvx: Option<&Secret>,
) -> Result<std::result::Result<(), ReturnCode>> {
    if cvx.is_none_or(|c| c.is_empty()) {
        return Ok(Ok(()));
    }
    let Some(stored) = tokens::lookup(ctx.conn, ctx.vault, &ctx.merchant.id, &card.token).await?
    else {
        return Ok(Err(ReturnCode::NO_CARD_FOR_TOKEN));
    };
    let checked = tokens::check_stored_card_cvx(
        ctx.conn,
        ctx.vault,
        &ctx.merchant.id,
        &stored,
        order_ref,
        cvx,
        ctx.now,
    )
    .await?;
    Ok(checked.map_err(crate::cards::CardError::code))
}

/// Verifies the authentication given to doScheduledWalletPayment / doRecurrentWalletPayment for
/// the wallet card, bound to `payment.amount`, currency, order reference and contract (the same
/// payment object the merchant sent to verifyEnrollment). Never required: the due dates are
/// billed later without the buyer.
pub(crate) async fn verify_schedule_authentication(
    ctx: &mut Ctx<'_>,
    card: &WalletCard,
    spec: &WalletCharge<'_>,
    given: Option<&Authentication3DSecure>,
) -> Result<std::result::Result<Option<Consumed>, ReturnCode>> {
    if given_authentication(given).is_none() {
        return Ok(Ok(None));
    }
    let Some(contract) = ctx.merchant.contract(spec.contract_number).cloned() else {
        return Ok(Err(ReturnCode::INVALID_CONTRACT_NUMBER));
    };
    let Some(stored) = tokens::lookup(ctx.conn, ctx.vault, &ctx.merchant.id, &card.token).await?
    else {
        return Ok(Err(ReturnCode::NO_CARD_FOR_TOKEN));
    };
    let binding = payment_binding(ctx, &stored.pan, spec);
    verify_authentication(ctx, &stored.pan, &contract, given, false, |b| *b == binding).await
}

/// Records a verified authentication on the ledger entry billed for rank 1 of a payment record
/// in the call that registered it (the buyer-present first due date); later due dates stay
/// unauthenticated.
pub(crate) async fn authenticate_first_billing(
    conn: &mut SqliteConnection,
    record_id: &str,
    done: &Consumed,
) -> Result<()> {
    ledger::authenticate_first_billing(conn, record_id, &done.eci, done.liability_shift).await
}

/// The 1 EUR check authorization of a card being registered, recorded in the ledger and never
/// captured (it expires after 7 days like any authorization). Returns the code and the entry id.
async fn check_card(
    ctx: &mut Ctx<'_>,
    contract_number: &str,
    wallet_id: &str,
    card: &ResolvedCard,
    three: Option<&Consumed>,
) -> Result<(ReturnCode, String)> {
    let code = bank_outcome(&card.pan, CHECK_AMOUNT.unsigned_abs());
    let ok = accepted(code);
    let entry = Entry {
        id: new_transaction_id(),
        kind: Kind::Authorization,
        action: 100,
        mode: "CPT".to_owned(),
        contract_number: contract_number.to_owned(),
        // A reference of its own, so that the check never makes a later payment a duplicate.
        order_ref: format!("wallet-check:{wallet_id}"),
        amount: CHECK_AMOUNT,
        currency: EUR,
        result_code: code,
        accepted: ok,
        state: if ok {
            State::Authorized
        } else {
            State::Refused
        },
        card_type: Some(card.card_type.clone()),
        card_brand: None,
        masked_card: Some(card.masked.clone()),
        token: Some(card.token.clone()),
        expiry: card.expiry.clone(),
        three_d_secure: if three.is_some() { "Y" } else { "N" }.to_owned(),
        eci: three.map(|t| t.eci.clone()),
        liability_shift: three.is_some_and(|t| t.liability_shift),
        authorization_number: ok.then(new_authorization_number),
        original_id: None,
        is_duplicated: false,
        created_at: ctx.now,
        settles_at: None,
    };
    ledger::insert(ctx.conn, &ctx.merchant.id, &entry).await?;
    Ok((code, entry.id))
}

/// Resolves and checks the card of a wallet request. The virtual CVV of a tokenized card is the
/// one the tokenizer issued for the order reference `walletId`. An `authentication3DSecure`
/// given must come from a verifyEnrollment of this card with order reference `walletId` on this
/// contract, for amount 0 (a non-payment authentication) or for the 1 EUR check; a failed,
/// tampered, replayed or mismatched one refuses the registration with its `03xxx` code before
/// the check is made.
pub(crate) async fn register_card(
    ctx: &mut Ctx<'_>,
    contract_number: &str,
    wallet_id: &str,
    card: &Card,
    authentication: Option<&Authentication3DSecure>,
) -> Result<std::result::Result<(ResolvedCard, String), ReturnCode>> {
    let Some(contract) = ctx.merchant.contract(contract_number).cloned() else {
        return Ok(Err(ReturnCode::INVALID_CONTRACT_NUMBER));
    };
    let resolved = match resolve_card(ctx, card, &contract, wallet_id, true).await? {
        Ok(c) => c,
        Err(code) => return Ok(Err(code)),
    };
    Ok(
        register_resolved(ctx, contract_number, wallet_id, &resolved, authentication)
            .await?
            .map(|check_id| (resolved, check_id)),
    )
}

/// [`register_card`] for a card already resolved and checked (the manageWebWallet page, back
/// from 3-D Secure: the card is kept as its token, the CVV was checked before the ACS): the
/// authentication's binding, then the 1 EUR check. Returns the check's ledger id.
pub(crate) async fn register_resolved(
    ctx: &mut Ctx<'_>,
    contract_number: &str,
    wallet_id: &str,
    resolved: &ResolvedCard,
    authentication: Option<&Authentication3DSecure>,
) -> Result<std::result::Result<String, ReturnCode>> {
    let Some(contract) = ctx.merchant.contract(contract_number).cloned() else {
        return Ok(Err(ReturnCode::INVALID_CONTRACT_NUMBER));
    };
    let fingerprint = ctx.vault.fingerprint("pan", resolved.pan.expose());
    let accepts = |b: &Binding| {
        b.fingerprint == fingerprint
            && b.order_ref == wallet_id
            && b.contract_number == contract_number
            && (b.amount == 0 || (b.amount == CHECK_AMOUNT && b.currency == EUR))
    };
    let three = match verify_authentication(
        ctx,
        &resolved.pan,
        &contract,
        authentication,
        false,
        accepts,
    )
    .await?
    {
        Ok(t) => t,
        Err(code) => return Ok(Err(code)),
    };
    let (code, check_id) =
        check_card(ctx, contract_number, wallet_id, resolved, three.as_ref()).await?;
    if !accepted(code) {
        return Ok(Err(code));
    }
    Ok(Ok(check_id))
}

#[allow(clippy::too_many_arguments)]
async fn store_card(
    conn: &mut SqliteConnection,
    merchant_id: &str,
    wallet_id: &str,
    ind: i64,
    card: &ResolvedCard,
    cardholder: Option<&str>,
    check_id: &str,
    now: OffsetDateTime,
) -> Result<()> {
    let new = NewCard {
        card_ind: ind,
        token: &card.token,
        card_type: &card.card_type,
        masked: &card.masked,
        expiry: card.expiry.as_deref().unwrap_or_default(),
        cardholder,
        check_id,
    };
    wallet_rows::store_card(conn, merchant_id, wallet_id, new, now).await
}

fn owner_of(w: &Wallet) -> Owner<'_> {
    Owner {
        last_name: opt(&w.last_name),
        first_name: opt(&w.first_name),
        email: opt(&w.email),
    }
}

fn opt(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn card_given(card: &Card) -> bool {
    card.number.as_ref().is_some_and(|n| !n.is_empty()) || opt(&card.token).is_some()
}

/// The card of an earlier transaction, for createWallet/updateWallet with `transactionID`
/// instead of a card (Payline wallet object: "card or transactionID required"): an accepted
/// authorization of this merchant whose card is still known and valid. That payment already
/// checked the card, so no 1 EUR check is made; its id is the registration's check. `02301`
/// unknown transaction, `02302` not an accepted authorization (refused, cancelled, a capture,
/// a refund…), `02540` its token is gone, `02541`-like eligibility and the expiry as for a card.
pub(crate) async fn card_of_transaction(
    ctx: &mut Ctx<'_>,
    contract_number: &str,
    transaction_id: &str,
) -> Result<std::result::Result<(ResolvedCard, String), ReturnCode>> {
    let Some(contract) = ctx.merchant.contract(contract_number).cloned() else {
        return Ok(Err(ReturnCode::INVALID_CONTRACT_NUMBER));
    };
    let Some(entry) = ledger::get(ctx.conn, &ctx.merchant.id, transaction_id.trim()).await? else {
        return Ok(Err(ReturnCode::INVALID_TRANSACTION_ID));
    };
    let usable = entry.kind == Kind::Authorization
        && entry.accepted
        && !matches!(entry.state, State::Cancelled | State::Refused);
    let (Some(token), Some(expiry)) = (entry.token.as_deref(), entry.expiry.as_deref()) else {
        return Ok(Err(ReturnCode::INVALID_TRANSACTION));
    };
    if !usable {
        return Ok(Err(ReturnCode::INVALID_TRANSACTION));
    }
    let Some(stored) = tokens::lookup(ctx.conn, ctx.vault, &ctx.merchant.id, token).await? else {
        return Ok(Err(ReturnCode::NO_CARD_FOR_TOKEN));
    };
    if !contract.accepts(&stored.card_type) {
        return Ok(Err(ReturnCode::CARD_NOT_ELIGIBLE));
    }
    if let Err(e) = crate::cards::check_expiry(expiry, ctx.now.date()) {
        return Ok(Err(e.code()));
    }
    Ok(Ok((
        ResolvedCard {
            token: stored.token,
            pan: stored.pan,
            card_type: stored.card_type,
            masked: stored.masked,
            expiry: Some(expiry.to_owned()),
        },
        entry.id,
    )))
}

/// createWallet: `02502` when the wallet exists; the card is checked (1 EUR authorization).
pub(crate) async fn create_wallet(
    ctx: &mut Ctx<'_>,
    req: CreateWalletRequest,
) -> Result<CreateWalletResponse> {
    let refuse = |code: ReturnCode| CreateWalletResponse::new(PaylineResult::documented(code));
    let wallet_id = req.wallet.wallet_id.trim().to_owned();
    if wallet_id.is_empty() || req.contract_number.trim().is_empty() {
        return Ok(refuse(ReturnCode::INVALID_FIELD_FORMAT));
    }
    if wallet(ctx.conn, &ctx.merchant.id, &wallet_id)
        .await?
        .is_some()
    {
        return Ok(refuse(ReturnCode::WALLET_ALREADY_EXISTS));
    }
    let from_transaction = opt(&req.transaction_id).map(str::to_owned);
    if !card_given(&req.wallet.card) && from_transaction.is_none() {
        return Ok(refuse(ReturnCode::INVALID_FIELD_FORMAT));
    }
    let contract_number = req.contract_number.trim().to_owned();
    let registered = match &from_transaction {
        Some(id) if !card_given(&req.wallet.card) => {
            card_of_transaction(ctx, &contract_number, id).await?
        }
        _ => {
            register_card(
                ctx,
                &contract_number,
                &wallet_id,
                &req.wallet.card,
                req.authentication_3d_secure.as_ref(),
            )
            .await?
        }
    };
    let (card, check_id) = match registered {
        Ok(c) => c,
        Err(code) => return Ok(refuse(code)),
    };
    wallet_rows::insert(
        ctx.conn,
        &ctx.merchant.id,
        &wallet_id,
        &contract_number,
        owner_of(&req.wallet),
        ctx.now,
    )
    .await?;
    let holder = opt(&req.wallet.card.cardholder).map(str::to_owned);
    store_card(
        ctx.conn,
        &ctx.merchant.id,
        &wallet_id,
        1,
        &card,
        holder.as_deref(),
        &check_id,
        ctx.now,
    )
    .await?;
    notify_wallet(ctx, &wallet_id, &contract_number).await?;
    Ok(CreateWalletResponse {
        card: card_out(
            Some(&card.masked),
            Some(&card.card_type),
            card.expiry.as_deref(),
            Some(&card.token),
        ),
        extended_card: extended_card(Some(&card.card_type)),
        ..CreateWalletResponse::new(PaylineResult::documented(ReturnCode::OPERATION_SUCCESSFUL))
    })
}

async fn notify_wallet(ctx: &mut Ctx<'_>, wallet_id: &str, contract_number: &str) -> Result<()> {
    let url = ctx.merchant.notification_url.clone();
    let params = [("walletId", wallet_id), ("contractNumber", contract_number)];
    outbox::enqueue(
        ctx.conn,
        &ctx.merchant.id,
        url.as_deref(),
        outbox::Kind::Wallet,
        &params,
        ctx.now,
    )
    .await
}

/// updateWallet: `02503` unknown wallet, `02505` disabled; owner fields are replaced; new card
/// data (at `cardInd`, a new index adds a card) is checked with a new 1 EUR authorization; an
/// empty card keeps the stored one.
pub(crate) async fn update_wallet(
    ctx: &mut Ctx<'_>,
    req: UpdateWalletRequest,
) -> Result<UpdateWalletResponse> {
    let refuse = |code: ReturnCode| UpdateWalletResponse::new(PaylineResult::documented(code));
    let wallet_id = req.wallet.wallet_id.trim().to_owned();
    let Some(w) = wallet(ctx.conn, &ctx.merchant.id, &wallet_id).await? else {
        return Ok(refuse(ReturnCode::WALLET_DOES_NOT_EXIST));
    };
    if w.disabled_at.is_some() {
        return Ok(refuse(ReturnCode::WALLET_DISABLED));
    }
    let Some(ind) = card_ind(req.card_ind.as_deref()) else {
        return Ok(refuse(ReturnCode::INVALID_CARD_INDEX));
    };
    let contract_number = Some(req.contract_number.trim())
        .filter(|c| !c.is_empty())
        .map_or_else(|| w.contract_number.clone(), str::to_owned);
    let existing = card(ctx.conn, &ctx.merchant.id, &wallet_id, ind).await?;
    let from_transaction = opt(&req.transaction_id).map(str::to_owned);
    let stored = if card_given(&req.wallet.card) || from_transaction.is_some() {
        let registered = match &from_transaction {
            Some(id) if !card_given(&req.wallet.card) => {
                card_of_transaction(ctx, &contract_number, id).await?
            }
            _ => {
                register_card(
                    ctx,
                    &contract_number,
                    &wallet_id,
                    &req.wallet.card,
                    req.authentication_3d_secure.as_ref(),
                )
                .await?
            }
        };
        let (card, check_id) = match registered {
            Ok(c) => c,
            Err(code) => return Ok(refuse(code)),
        };
        let holder = opt(&req.wallet.card.cardholder).map(str::to_owned);
        store_card(
            ctx.conn,
            &ctx.merchant.id,
            &wallet_id,
            ind,
            &card,
            holder.as_deref(),
            &check_id,
            ctx.now,
        )
        .await?;
        WalletCard {
            card_ind: ind,
            token: card.token,
            card_type: card.card_type,
            masked: card.masked,
            expiry: card.expiry.unwrap_or_default(),
            cardholder: holder,
            disabled_at: None,
        }
    } else {
        match existing {
            Some(c) => c,
            None => return Ok(refuse(ReturnCode::INVALID_CARD_INDEX)),
        }
    };
    wallet_rows::update_owner(
        ctx.conn,
        &ctx.merchant.id,
        &wallet_id,
        owner_of(&req.wallet),
    )
    .await?;
    notify_wallet(ctx, &wallet_id, &contract_number).await?;
    Ok(UpdateWalletResponse {
        result: PaylineResult::documented(ReturnCode::OPERATION_SUCCESSFUL),
        card: card_out(
            Some(&stored.masked),
            Some(&stored.card_type),
            Some(&stored.expiry),
            Some(&stored.token),
        ),
        extended_card: extended_card(Some(&stored.card_type)),
        contract_number_wallet_list: None,
    })
}

/// Payline `disableDate` format `dd/mm/yy HH:mm`.
fn disable_date(t: Option<i64>) -> Option<String> {
    let t = OffsetDateTime::from_unix_timestamp(t?).ok()?;
    let f = time::macros::format_description!("[day]/[month]/[year repr:last_two] [hour]:[minute]");
    t.format(&f).ok()
}

fn wallet_card(c: &WalletCard) -> Card {
    let mut card = Card::new(
        c.card_type
            .parse()
            .unwrap_or(payline_protocol::values::CardType::CB),
    );
    // The answer carries the masked number: Payline never returns a full number.
    card.number = Some(Secret::new(c.masked.clone()));
    card.expiration_date = c.expiry.parse().ok();
    card.token = Some(c.token.clone());
    card.cardholder = c.cardholder.clone();
    card
}

fn wallet_out(w: &WalletRow, c: &WalletCard) -> Wallet {
    let mut out = Wallet::new(w.wallet_id.clone(), wallet_card(c));
    out.last_name = w.last_name.clone();
    out.first_name = w.first_name.clone();
    out.email = w.email.clone();
    out.default = Some(if c.card_ind == 1 { "Y" } else { "N" }.to_owned());
    out.card_brand = Some(c.card_type.clone());
    out
}

/// getWallet: the wallet with the card at `cardInd` (masked number and token), `isDisabled`
/// and `disableDate`; `02503` unknown.
pub(crate) async fn get_wallet(
    ctx: &mut Ctx<'_>,
    req: GetWalletRequest,
) -> Result<GetWalletResponse> {
    let mut out =
        GetWalletResponse::new(PaylineResult::documented(ReturnCode::WALLET_DOES_NOT_EXIST));
    let Some(w) = wallet(ctx.conn, &ctx.merchant.id, req.wallet_id.trim()).await? else {
        return Ok(out);
    };
    let Some(ind) = card_ind(req.card_ind.as_deref()) else {
        return Ok(out);
    };
    let Some(c) = card(ctx.conn, &ctx.merchant.id, &w.wallet_id, ind).await? else {
        return Ok(out);
    };
    let disabled = w.disabled_at.or(c.disabled_at);
    out.result = PaylineResult::documented(ReturnCode::OPERATION_SUCCESSFUL);
    out.is_disabled = Some(if disabled.is_some() { "1" } else { "0" }.to_owned());
    out.disable_date = disable_date(disabled);
    out.extended_card = Some(extended_card(Some(&c.card_type)));
    out.wallet = Some(wallet_out(&w, &c));
    Ok(out)
}

/// getCards: every card of the wallet (or the one at `cardInd`).
pub(crate) async fn get_cards(ctx: &mut Ctx<'_>, req: GetCardsRequest) -> Result<GetCardsResponse> {
    let mut out =
        GetCardsResponse::new(PaylineResult::documented(ReturnCode::WALLET_DOES_NOT_EXIST));
    let Some(w) = wallet(ctx.conn, &ctx.merchant.id, req.wallet_id.trim()).await? else {
        return Ok(out);
    };
    let only = match req
        .card_ind
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(_) => match card_ind(req.card_ind.as_deref()) {
            Some(i) => Some(i),
            None => return Ok(out),
        },
    };
    let list: Vec<Cards> = cards(ctx.conn, &ctx.merchant.id, &w.wallet_id)
        .await?
        .into_iter()
        .filter(|c| only.is_none_or(|i| i == c.card_ind))
        .map(|c| {
            let disabled = w.disabled_at.or(c.disabled_at);
            let mut e = Cards::new(w.wallet_id.clone(), wallet_card(&c));
            e.last_name = w.last_name.clone();
            e.first_name = w.first_name.clone();
            e.email = w.email.clone();
            e.card_ind = Some(c.card_ind.to_string());
            e.is_disabled = Some(if disabled.is_some() { "1" } else { "0" }.to_owned());
            e.disable_date = disable_date(disabled);
            e.extended_card = Some(extended_card(Some(&c.card_type)));
            e.default = Some(if c.card_ind == 1 { "Y" } else { "N" }.to_owned());
            e
        })
        .collect();
    if list.is_empty() {
        return Ok(out);
    }
    out.result = PaylineResult::documented(ReturnCode::OPERATION_SUCCESSFUL);
    out.cards_list = Some(CardsList { cards: list });
    Ok(out)
}

/// disableWallet: each listed wallet (or only its card at `cardInd`); the answer lists those
/// that could not be disabled (unknown, or already disabled): `02516` none disabled, `02517`
/// some.
pub(crate) async fn disable_wallet(
    ctx: &mut Ctx<'_>,
    req: DisableWalletRequest,
) -> Result<DisableWalletResponse> {
    let ind = req
        .card_ind
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| card_ind(Some(s)));
    let mut failed = Vec::new();
    let ids = req.wallet_id_list.wallet_id;
    for id in &ids {
        let done = match ind {
            // A `cardInd` that is not an index disables nothing.
            Some(None) => false,
            Some(Some(i)) => {
                wallet_rows::disable(ctx.conn, &ctx.merchant.id, id.trim(), Some(i), ctx.now)
                    .await?
            }
            None => {
                wallet_rows::disable(ctx.conn, &ctx.merchant.id, id.trim(), None, ctx.now).await?
            }
        };
        if !done {
            failed.push(id.clone());
        }
    }
    let code = if ids.is_empty() || failed.len() == ids.len() {
        ReturnCode::CANNOT_DISABLE_WALLET
    } else if failed.is_empty() {
        ReturnCode::OPERATION_SUCCESSFUL
    } else {
        ReturnCode::SOME_WALLETS_NOT_DISABLED
    };
    Ok(DisableWalletResponse {
        result: PaylineResult::documented(code),
        wallet_id_list: WalletIdList { wallet_id: failed },
    })
}

/// enableWallet: `02503` unknown, `02519` not disabled.
pub(crate) async fn enable_wallet(
    ctx: &mut Ctx<'_>,
    req: EnableWalletRequest,
) -> Result<EnableWalletResponse> {
    let id = req.wallet_id.trim();
    if wallet(ctx.conn, &ctx.merchant.id, id).await?.is_none() {
        return Ok(EnableWalletResponse::new(PaylineResult::documented(
            ReturnCode::WALLET_DOES_NOT_EXIST,
        )));
    }
    let ind = req
        .card_ind
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| card_ind(Some(s)));
    let done = match ind {
        // A `cardInd` that is not an index enables nothing.
        Some(None) => false,
        Some(Some(i)) => wallet_rows::enable(ctx.conn, &ctx.merchant.id, id, Some(i)).await?,
        None => wallet_rows::enable(ctx.conn, &ctx.merchant.id, id, None).await?,
    };
    Ok(EnableWalletResponse::new(PaylineResult::documented(
        if done {
            ReturnCode::OPERATION_SUCCESSFUL
        } else {
            ReturnCode::CANNOT_ENABLE_WALLET
        },
    )))
}

/// What a wallet payment charges.
#[derive(Debug)]
pub(crate) struct WalletCharge<'a> {
    /// Contract.
    pub contract_number: &'a str,
    /// Order reference.
    pub order_ref: &'a str,
    /// Amount, minor units.
    pub amount: i64,
    /// ISO 4217 numeric.
    pub currency: i64,
    /// 100 authorization, 101 authorization + capture.
    pub action: i64,
    /// Payline mode (CPT, DIF, NX, REC).
    pub mode: &'a str,
}

/// Authorizes a wallet card (the bank outcome of the homologation conventions; the card's
/// expiry against `now`, `02624`) and records it in the ledger. Returns the code and entry.
/// Without authentication: the scheduler's merchant-initiated due dates.
pub(crate) async fn charge(
    ctx: &mut Ctx<'_>,
    c: &WalletCard,
    charge: &WalletCharge<'_>,
) -> Result<(ReturnCode, Entry)> {
    let (code, entry, _) = charge_with(ctx, c, charge, None, None, false).await?;
    Ok((code, entry))
}

/// [`charge`] with the buyer's `cvx` and 3-D Secure: after the card checks, the `cvx` given is
/// checked ([`tokens::check_stored_card_cvx`]: a virtual CVV issued for this card and
/// the payment's order reference, consumed once, or a CVV of the brand's length; `01130`
/// otherwise), then `authentication` is verified for this payment ([`verify_authentication`], bound exactly to the amount, currency, order reference
/// and contract; `required` makes its absence a soft decline `01131` for an enrolled card on a
/// 3-D Secure contract); a refusal is recorded with its code, an authentication on the entry
/// (3-D Secure, ECI, liability shift) and returned for the answer.
pub(crate) async fn charge_with(
    ctx: &mut Ctx<'_>,
    c: &WalletCard,
    charge: &WalletCharge<'_>,
    cvx: Option<&Secret>,
    authentication: Option<&Authentication3DSecure>,
    required: bool,
) -> Result<(ReturnCode, Entry, Option<Authentication3DSecure>)> {
    let stored = tokens::lookup(ctx.conn, ctx.vault, &ctx.merchant.id, &c.token).await?;
    let contract = ctx.merchant.contract(charge.contract_number).cloned();
    let mut three = None;
    let code = match (&stored, &contract) {
        (_, None) => ReturnCode::INVALID_CONTRACT_NUMBER,
        (None, _) => ReturnCode::NO_CARD_FOR_TOKEN,
        (Some(_), Some(k)) if !k.accepts(&c.card_type) => ReturnCode::CARD_NOT_ELIGIBLE,
        (Some(s), Some(k)) => match crate::cards::check_expiry(&c.expiry, ctx.now.date()) {
            Err(e) => e.code(),
            Ok(()) => match tokens::check_stored_card_cvx(
                ctx.conn,
                ctx.vault,
                &ctx.merchant.id,
                s,
                charge.order_ref,
                cvx,
                ctx.now,
            )
            .await?
            {
                Err(e) => e.code(),
                Ok(()) => {
                    let binding = payment_binding(ctx, &s.pan, charge);
                    match verify_authentication(ctx, &s.pan, k, authentication, required, |b| {
                        *b == binding
                    })
                    .await?
                    {
                        Err(code) => code,
                        Ok(t) => {
                            three = t;
                            bank_outcome(&s.pan, charge.amount.unsigned_abs())
                        }
                    }
                }
            },
        },
    };
    let ok = accepted(code);
    let entry = Entry {
        id: new_transaction_id(),
        kind: Kind::Authorization,
        action: charge.action,
        mode: charge.mode.to_owned(),
        contract_number: charge.contract_number.to_owned(),
        order_ref: charge.order_ref.to_owned(),
        amount: charge.amount,
        currency: charge.currency,
        result_code: code,
        accepted: ok,
        state: State::of_authorization(ok, charge.action),
        card_type: Some(c.card_type.clone()),
        card_brand: None,
        masked_card: Some(c.masked.clone()),
        token: Some(c.token.clone()),
        expiry: Some(c.expiry.clone()),
        three_d_secure: if three.is_some() { "Y" } else { "N" }.to_owned(),
        eci: three.as_ref().map(|t| t.eci.clone()),
        liability_shift: three.as_ref().is_some_and(|t| t.liability_shift),
        authorization_number: ok.then(new_authorization_number),
        original_id: None,
        is_duplicated: false,
        created_at: ctx.now,
        settles_at: (ok && charge.action == 101).then(|| rules::settlement_time(ctx.now)),
    };
    ledger::insert(ctx.conn, &ctx.merchant.id, &entry).await?;
    Ok((code, entry, three.map(|t| t.authentication)))
}

fn authorization_of(entry: &Entry, now: OffsetDateTime) -> Authorization {
    Authorization {
        number: entry.authorization_number.clone().unwrap_or_default(),
        date: payline_date(now),
        authorized_amount: entry
            .accepted
            .then(|| payline_protocol::values::Amount::from_minor(entry.amount.unsigned_abs()))
            .flatten(),
        authorized_currency: entry
            .accepted
            .then(|| {
                u16::try_from(entry.currency)
                    .ok()
                    .and_then(payline_protocol::values::Currency::from_numeric)
            })
            .flatten(),
        reattempt: None,
    }
}

/// Ledger entry → `authorization` of an answer.
pub(crate) fn authorization(entry: &Entry, now: OffsetDateTime) -> Authorization {
    authorization_of(entry, now)
}

/// doImmediateWalletPayment: mode CPT or DIF (`02308`); `02503`/`02505`; the card's expiry;
/// `cvx` (a virtual CVV for `order.ref` or the card's CVV, `01130`, recorded as a refusal);
/// 3-D Secure (the buyer is present: an enrolled card on a 3-D Secure contract needs
/// `authentication3DSecure`, else `01131`; echoed in the answer); the bank outcome; a TRSWALLET
/// notification.
pub(crate) async fn do_immediate_wallet_payment(
    ctx: &mut Ctx<'_>,
    req: DoImmediateWalletPaymentRequest,
) -> Result<DoImmediateWalletPaymentResponse> {
    let refuse =
        |code: ReturnCode| DoImmediateWalletPaymentResponse::new(PaylineResult::documented(code));
    let mode = req.payment.mode.as_str().to_owned();
    if mode != "CPT" && mode != "DIF" {
        return Ok(refuse(ReturnCode::INVALID_PAYMENT_MODE));
    }
    let action = i64::from(req.payment.action.code());
    if action != 100 && action != 101 {
        return Ok(refuse(ReturnCode::INVALID_ACTION));
    }
    // Mode DIF: action 100 and payment.differedActionDate within 6 days.
    let today = ctx.now.date();
    let capture_date = match super::payments::check_deferred(
        &mode,
        action,
        req.payment.differed_action_date,
        today,
        today,
    ) {
        Ok(d) => d,
        Err(code) => return Ok(refuse(code)),
    };
    let contract_number = req.payment.contract_number.clone().unwrap_or_default();
    if ctx.merchant.contract(&contract_number).is_none() {
        return Ok(refuse(ReturnCode::INVALID_CONTRACT_NUMBER));
    }
    let Some(amount) = req.payment.amount.map(|a| a.minor()).filter(|a| *a > 0) else {
        return Ok(refuse(ReturnCode::INVALID_FIELD_FORMAT));
    };
    let order_ref = req.order.r#ref.trim().to_owned();
    if order_ref.is_empty() {
        return Ok(refuse(ReturnCode::INVALID_FIELD_FORMAT));
    }
    let (w, c) = match usable_card(
        ctx.conn,
        &ctx.merchant.id,
        &req.wallet_id,
        req.card_ind.as_deref(),
    )
    .await?
    {
        Ok(v) => v,
        Err(code) => return Ok(refuse(code)),
    };
    let spec = WalletCharge {
        contract_number: &contract_number,
        order_ref: &order_ref,
        amount: i64::try_from(amount).unwrap_or(i64::MAX),
        currency: i64::from(req.payment.currency.numeric()),
        action,
        mode: &mode,
    };
    // A merchant-initiated payment (the buyer is not there) names the first, buyer-present
    // payment of the card in `linkedTransactionId` (Payline: "keep and send on following
    // payments of the series", v26 on wallet payments). 3-D Secure is then not asked for: EMV
    // 3DS authenticates a present cardholder, and merchant-initiated transactions are outside
    // strong customer authentication (PSD2 RTS, EBA Q&A 2018_4031). A link that does not name
    // an accepted authorization of this very card is refused (`02302`).
    let linked = opt(&req.linked_transaction_id).map(str::to_owned);
    let merchant_initiated = match &linked {
        None => false,
        Some(id) => {
            if !links_to_card(ctx, id, &c.token).await? {
                return Ok(refuse(ReturnCode::INVALID_TRANSACTION));
            }
            true
        }
    };
    // cvx (N3): the card's CVV or the tokenizer's virtual CVV, issued for order.ref.
    let (code, entry, authentication) = charge_with(
        ctx,
        &c,
        &spec,
        req.cvx.as_ref(),
        req.authentication_3d_secure.as_ref(),
        !merchant_initiated,
    )
    .await?;
    super::payments::plan_deferred(ctx, &entry, capture_date, Some(&w.wallet_id)).await?;
    let url = ctx.merchant.notification_url.clone();
    let params = [
        ("transactionId", entry.id.as_str()),
        ("walletId", w.wallet_id.as_str()),
    ];
    outbox::enqueue(
        ctx.conn,
        &ctx.merchant.id,
        url.as_deref(),
        outbox::Kind::TrsWallet,
        &params,
        ctx.now,
    )
    .await?;
    Ok(DoImmediateWalletPaymentResponse {
        result: PaylineResult::documented(code),
        transaction: Some(transaction(
            &entry.id,
            ctx.now,
            false,
            &entry.three_d_secure,
        )),
        authorization: Some(authorization_of(&entry, ctx.now)),
        authentication_3d_secure: authentication,
        linked_transaction_id: linked,
    })
}

/// True when `transaction_id` is an accepted authorization of this merchant made with the card
/// behind `card_token` (same card number, whatever token it was paid with).
async fn links_to_card(ctx: &mut Ctx<'_>, transaction_id: &str, card_token: &str) -> Result<bool> {
    let Some(entry) = ledger::get(ctx.conn, &ctx.merchant.id, transaction_id.trim()).await? else {
        return Ok(false);
    };
    if entry.kind != Kind::Authorization || !entry.accepted {
        return Ok(false);
    }
    let Some(first) = entry.token.as_deref() else {
        return Ok(false);
    };
    let a = tokens::lookup(ctx.conn, ctx.vault, &ctx.merchant.id, first).await?;
    let b = tokens::lookup(ctx.conn, ctx.vault, &ctx.merchant.id, card_token).await?;
    Ok(match (a, b) {
        (Some(a), Some(b)) => a.pan.expose() == b.pan.expose(),
        _ => false,
    })
}

/// Stores a card already checked (by the 1 EUR check or by a payment, `check_id`) as card 1 of
/// a new wallet, or as the new card 1 of an existing one; notifies WALLET.
pub(crate) async fn save_wallet(
    ctx: &mut Ctx<'_>,
    wallet_id: &str,
    contract_number: &str,
    card: &ResolvedCard,
    cardholder: Option<&str>,
    check_id: &str,
) -> Result<()> {
    wallet_rows::insert_if_absent(
        ctx.conn,
        &ctx.merchant.id,
        wallet_id,
        contract_number,
        cardholder,
        ctx.now,
    )
    .await?;
    store_card(
        ctx.conn,
        &ctx.merchant.id,
        wallet_id,
        1,
        card,
        cardholder,
        check_id,
        ctx.now,
    )
    .await?;
    notify_wallet(ctx, wallet_id, contract_number).await
}

/// The wallet as getWallet shows it (card 1), for the hosted pages.
pub(crate) async fn wallet_view(
    conn: &mut SqliteConnection,
    merchant_id: &str,
    wallet_id: &str,
) -> Result<Option<Wallet>> {
    let Some(w) = wallet(conn, merchant_id, wallet_id).await? else {
        return Ok(None);
    };
    let Some(c) = card(conn, merchant_id, wallet_id, 1).await? else {
        return Ok(None);
    };
    Ok(Some(wallet_out(&w, &c)))
}
