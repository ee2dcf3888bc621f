//! What the buyer does on a hosted page: pay with a typed card or the saved card, save a card
//! on a wallet page, or cancel.

use payline_protocol::objects::Card;
use payline_protocol::secret::Secret;

use super::secure::secure;
use super::session::{CardForm, Next, normalize_expiry, notify_end, with_token};
use crate::cards;
use crate::engine::card::{resolve_card, resolve_wallet_card};
use crate::engine::ctx::Ctx;
use crate::error::Result;
use crate::store::web_sessions::{self, Status, WebSession, set_status};

/// "Cancel": back to `cancelURL`; WEBTRS notified.
pub(crate) async fn cancel(ctx: &mut Ctx<'_>, s: &WebSession) -> Result<Next> {
    set_status(ctx.conn, &s.token, Status::Cancelled).await?;
    notify_end(ctx, s).await?;
    Ok(Next::Redirect(with_token(&s.cancel_url, &s.token)))
}

/// "Pay" with a typed card: card checks, 3-D Secure through the ACS simulator when the card is
/// enrolled on a 3-D Secure contract, then the authorization.
pub(crate) async fn pay_with_card(
    ctx: &mut Ctx<'_>,
    s: &WebSession,
    form: CardForm,
    return_base: &str,
) -> Result<Next> {
    web_sessions::new_attempt(ctx.conn, &s.token).await?;
    let pan = Secret::new(
        form.number
            .expose()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>(),
    );
    let info = match cards::check_number(&pan) {
        Ok(i) => i,
        Err(e) => return Ok(Next::Retry(format!("Card refused ({}).", e.code()))),
    };
    if let Err(e) = cards::check_cvv(form.cvv.as_ref(), &info) {
        return Ok(Next::Retry(format!(
            "Security code refused ({}).",
            e.code()
        )));
    }
    let Ok(card_type) = info.card_type.parse() else {
        return Ok(Next::Retry("Card refused (02541).".to_owned()));
    };
    let mut card = Card::new(card_type);
    card.number = Some(pan.clone());
    card.expiration_date = normalize_expiry(&form.expiry).parse().ok();
    if card.expiration_date.is_none() {
        return Ok(Next::Retry("Expiry date refused (02305).".to_owned()));
    }
    card.cvx = form.cvv.clone();
    card.cardholder = form.holder.clone();
    let Some(contract) = ctx.merchant.contract(&s.contract_number).cloned() else {
        return Ok(Next::Gone("Unknown contract."));
    };
    let resolved = match resolve_card(ctx, &card, &contract, &s.order_ref, false).await? {
        Ok(c) => c,
        Err(code) => return Ok(Next::Retry(format!("Card refused ({code})."))),
    };
    secure(
        ctx,
        s,
        &resolved,
        card,
        None,
        form.holder.as_deref(),
        return_base,
    )
    .await
}

/// "Pay with the saved card" of an existing `buyer.walletId` (no card data typed): 3-D Secure
/// like a typed card when the card is enrolled on a 3-D Secure contract (the buyer is present).
pub(crate) async fn pay_with_wallet(
    ctx: &mut Ctx<'_>,
    s: &WebSession,
    return_base: &str,
) -> Result<Next> {
    let Some(w) = s.wallet_id.clone() else {
        return Ok(Next::Retry("No saved card.".to_owned()));
    };
    let Some(contract) = ctx.merchant.contract(&s.contract_number).cloned() else {
        return Ok(Next::Gone("Unknown contract."));
    };
    let (c, card) = match resolve_wallet_card(ctx, &w, None, &contract).await? {
        Ok(v) => v,
        Err(code) => return Ok(Next::Retry(format!("Saved card refused ({code})."))),
    };
    web_sessions::new_attempt(ctx.conn, &s.token).await?;
    // verifyEnrollment by walletId + walletCardInd: the card carries only its type.
    let by_wallet = Card::new(
        card.card_type
            .parse()
            .unwrap_or(payline_protocol::values::CardType::CB),
    );
    secure(
        ctx,
        s,
        &card,
        by_wallet,
        Some((&w, c.card_ind)),
        c.cardholder.as_deref(),
        return_base,
    )
    .await
}

/// "Save" on the manageWebWallet page: the card's checks (number, expiry, CVV, contract), then
/// 3-D Secure when the contract has it and the card is enrolled (a non-payment authentication,
/// see [`authentication_target`], through the 3DS Method step and the ACS like a payment), then
/// [`register_web_wallet`].
pub(crate) async fn save_web_wallet(
    ctx: &mut Ctx<'_>,
    s: &WebSession,
    form: CardForm,
    return_base: &str,
) -> Result<Next> {
    web_sessions::new_attempt(ctx.conn, &s.token).await?;
    let Some(wallet_id) = s.wallet_id.clone() else {
        return Ok(Next::Gone("No wallet."));
    };
    let Some(contract) = ctx.merchant.contract(&s.contract_number).cloned() else {
        return Ok(Next::Gone("Unknown contract."));
    };
    let pan = Secret::new(
        form.number
            .expose()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>(),
    );
    let card_type = cards::check_number(&pan)
        .ok()
        .and_then(|i| i.card_type.parse().ok())
        .unwrap_or(payline_protocol::values::CardType::CB);
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
    secure(
        ctx,
        s,
        &resolved,
        card,
        None,
        form.holder.as_deref(),
        return_base,
    )
    .await
}
