//! How a page session ends: the authorization of a payment page (ledger entry, wallet and
//! schedule when asked), or the registration of a wallet page's card; then the notification
//! and the way back to the merchant.

use payline_protocol::objects::Authentication3DSecure;
use payline_protocol::values::ReturnCode;

use super::session::{Next, first_amount, notify_end, recurring_of, with_token};
use crate::engine::answer::{
    accepted, new_authorization_number, new_transaction_id, three_ds_code,
};
use crate::engine::card::{ResolvedCard, bank_outcome};
use crate::engine::ctx::Ctx;
use crate::engine::{payments, records, three_ds, wallets};
use crate::error::Result;
use crate::rules;
use crate::store::ledger::{self, Entry, Kind, State};
use crate::store::web_sessions::{self, SessionKind, Status, WebSession, set_status};

/// The authorization of the page (bank outcome of the homologation conventions), recorded in
/// the ledger; 3-D Secure consumed once for this card, amount, currency, order and contract.
pub(super) async fn authorize(
    ctx: &mut Ctx<'_>,
    s: &WebSession,
    card: &ResolvedCard,
    holder: Option<&str>,
    auth: Option<Authentication3DSecure>,
) -> Result<Next> {
    if s.kind == SessionKind::Wallet {
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

pub(super) async fn finish(
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
    payments::plan_web_deferred(ctx, &s.token, &entry).await?;
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
            if crate::store::wallets::wallet(ctx.conn, &ctx.merchant.id, w)
                .await?
                .is_none()
            {
                wallets::save_wallet(ctx, w, &s.contract_number, card, holder, &entry.id).await?;
            }
            web_sessions::set_wallet(ctx.conn, &s.token, w).await?;
        }
        if let (Some(rec), Some(w)) = (recurring_of(s), &wallet_id) {
            let web = records::WebSchedule {
                wallet_id: w,
                contract_number: &s.contract_number,
                mode: &s.mode,
                order_ref: &s.order_ref,
                currency: s.currency,
                payment_amount: u64::try_from(s.amount).unwrap_or(0),
                recurring: &rec,
                first_transaction: &entry.id,
            };
            if let Ok((id, _)) = records::register_web_schedule(ctx, &web).await? {
                record_id = Some(id);
            }
        }
    }
    web_sessions::finish(
        ctx.conn,
        &s.token,
        code,
        Some(&entry.id),
        record_id.as_deref(),
    )
    .await?;
    notify_end(ctx, s).await?;
    Ok(Next::Redirect(with_token(&s.return_url, &s.token)))
}

/// Registers the manageWebWallet page's card as card 1 of `buyer.walletId`: the authentication
/// (when 3-D Secure ran) consumed once with createWallet's binding rules, the 1 EUR check, the
/// card stored; the session ends with `00000` (getWebWallet `02500`) and WEBWALLET. A refused
/// check shows the form again.
pub(super) async fn register_web_wallet(
    ctx: &mut Ctx<'_>,
    s: &WebSession,
    card: &ResolvedCard,
    holder: Option<&str>,
    auth: Option<Authentication3DSecure>,
) -> Result<Next> {
    let Some(wallet_id) = s.wallet_id.clone() else {
        return Ok(Next::Gone("No wallet."));
    };
    let registered =
        wallets::register_resolved(ctx, &s.contract_number, &wallet_id, card, auth.as_ref())
            .await?;
    let check_id = match registered {
        Ok(v) => v,
        // An authentication that does not bind (it cannot happen with the page's own) ends the
        // session like a failed one; a refused check lets the buyer try another card.
        Err(code) if three_ds_code(code) => return wallet_refused(ctx, s, code).await,
        Err(code) => {
            set_status(ctx.conn, &s.token, Status::InProgress).await?;
            return Ok(Next::Retry(format!("Card refused ({code}).")));
        }
    };
    wallets::save_wallet(ctx, &wallet_id, &s.contract_number, card, holder, &check_id).await?;
    web_sessions::finish(
        ctx.conn,
        &s.token,
        ReturnCode::APPROVED,
        Some(&check_id),
        None,
    )
    .await?;
    notify_end(ctx, s).await?;
    Ok(Next::Redirect(with_token(&s.return_url, &s.token)))
}

/// The manageWebWallet page's authentication failed (`03003`), was cancelled at the ACS
/// (`03022`) or did not verify: nothing is registered (no check, no wallet, no card); the
/// session ends with that code (getWebWallet answers it), WEBWALLET is notified and the buyer
/// goes back to `returnURL`.
pub(super) async fn wallet_refused(
    ctx: &mut Ctx<'_>,
    s: &WebSession,
    code: ReturnCode,
) -> Result<Next> {
    web_sessions::finish(ctx.conn, &s.token, code, None, None).await?;
    notify_end(ctx, s).await?;
    Ok(Next::Redirect(with_token(&s.return_url, &s.token)))
}
