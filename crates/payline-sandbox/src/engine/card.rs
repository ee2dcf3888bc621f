//! Card resolution and the bank's answer, shared by every operation that authorizes.
//!
//! A card comes in three shapes: a number with expiry and CVV, a sandbox token (with a virtual
//! CVV from the tokenizer) or a wallet card (`walletId` + `cardInd`). Each resolves to a
//! [`ResolvedCard`] or to the Payline code that refuses it, in the order Payline checks them.

use payline_protocol::objects::Card;
use payline_protocol::secret::Secret;
use payline_protocol::values::ReturnCode;
use sqlx::SqliteConnection;

use super::ctx::Ctx;
use crate::cards::{self, CardInfo};
use crate::config::ContractConfig;
use crate::error::Result;
use crate::scenarios;
use crate::store::tokens;
use crate::store::wallets::{WalletCard, WalletRow, card, wallet};

/// A card resolved from a request (by number or by token).
#[derive(Debug)]
pub(crate) struct ResolvedCard {
    /// Sandbox token of the card.
    pub(crate) token: String,
    /// Card number.
    pub(crate) pan: Secret,
    /// Payline card type.
    pub(crate) card_type: String,
    /// Masked number.
    pub(crate) masked: String,
    /// Expiry `MMYY`.
    pub(crate) expiry: Option<String>,
}

/// True when an optional text field is absent or blank (Payline treats both as not given).
pub(crate) fn empty(s: &Option<String>) -> bool {
    s.as_deref().is_none_or(|v| v.trim().is_empty())
}

/// Checks the card of a request: number or token (not both, `02538`), Luhn, expiry, CVV or the
/// virtual CVV issued by the tokenizer for this order reference.
pub(crate) async fn resolve_card(
    ctx: &mut Ctx<'_>,
    card: &Card,
    contract: &ContractConfig,
    order_ref: &str,
    require_cvv: bool,
) -> Result<std::result::Result<ResolvedCard, ReturnCode>> {
    let number = card.number.as_ref().filter(|n| !n.is_empty());
    let has_token = !empty(&card.token);
    let expiry = card.expiration_date.map(|e| e.to_string());
    if number.is_some() && has_token {
        return Ok(Err(ReturnCode::NUMBER_AND_TOKEN));
    }
    let today = ctx.now.date();
    if let Some(pan) = number {
        let info: CardInfo = match cards::check_number(pan) {
            Ok(i) => i,
            Err(e) => return Ok(Err(e.code())),
        };
        let Some(exp) = expiry.as_deref() else {
            return Ok(Err(ReturnCode::INVALID_FIELD_FORMAT));
        };
        if let Err(e) = cards::check_expiry(exp, today) {
            return Ok(Err(e.code()));
        }
        if let (true, Err(e)) = (require_cvv, cards::check_cvv(card.cvx.as_ref(), &info)) {
            return Ok(Err(e.code()));
        }
        if !contract.accepts(card.r#type.as_str()) || !contract.accepts(&info.card_type) {
            return Ok(Err(ReturnCode::CARD_NOT_ELIGIBLE));
        }
        let token = tokens::tokenize(
            ctx.conn,
            ctx.vault,
            &ctx.merchant.id,
            pan,
            &info.card_type,
            ctx.now,
        )
        .await?;
        return Ok(Ok(ResolvedCard {
            token,
            pan: pan.clone(),
            card_type: info.card_type,
            masked: cards::mask(pan),
            expiry,
        }));
    }
    let Some(token) = card.token.as_deref().filter(|t| !t.trim().is_empty()) else {
        return Ok(Err(ReturnCode::INVALID_FIELD_FORMAT));
    };
    let Some(stored) = tokens::lookup(ctx.conn, ctx.vault, &ctx.merchant.id, token).await? else {
        return Ok(Err(ReturnCode::NO_CARD_FOR_TOKEN));
    };
    // Payline: the expiry is mandatory with this token format (first 6 + 6 + last 4).
    let Some(exp) = expiry else {
        return Ok(Err(ReturnCode::EXPIRY_REQUIRED_FOR_TOKEN));
    };
    if let Err(e) = cards::check_expiry(&exp, today) {
        return Ok(Err(e.code()));
    }
    if !contract.accepts(&stored.card_type) {
        return Ok(Err(ReturnCode::CARD_NOT_ELIGIBLE));
    }
    if require_cvv {
        let info =
            cards::check_number(&stored.pan).map_err(|_| crate::error::SandboxError::Vault)?;
        match card.cvx.as_ref().filter(|c| !c.is_empty()) {
            // The virtual CVV is valid once, for the order reference it was issued for, 15 min.
            Some(vcvv) => {
                let valid = tokens::consume_virtual_cvv(
                    ctx.conn,
                    ctx.vault,
                    &ctx.merchant.id,
                    token,
                    order_ref,
                    vcvv,
                    ctx.now,
                )
                .await?;
                if !valid {
                    return Ok(Err(ReturnCode::INVALID_CVV2));
                }
            }
            None if info.cvv_required => return Ok(Err(ReturnCode::INVALID_CVV2)),
            None => {}
        }
    }
    Ok(Ok(ResolvedCard {
        token: stored.token,
        pan: stored.pan,
        card_type: stored.card_type,
        masked: stored.masked,
        expiry: Some(exp),
    }))
}

/// The bank outcome for an authorization (Payline homologation conventions: card number first,
/// then amount; otherwise approved).
pub(crate) fn bank_outcome(pan: &Secret, amount: u64) -> ReturnCode {
    // Only documented codes are simulated (Payline: "some such as 01197 are not simulated").
    let simulated = |code: ReturnCode| code.known().is_some();
    scenarios::outcome_by_card_number(pan.expose(), simulated)
        .or_else(|| scenarios::outcome_by_amount(amount))
        .unwrap_or(ReturnCode::APPROVED)
}

/// Parses `cardInd` (N2, default 1); `None` when not a number in 1–99.
pub(crate) fn card_ind(raw: Option<&str>) -> Option<i64> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(1),
        Some(s) => s.parse::<i64>().ok().filter(|n| (1..=99).contains(n)),
    }
}

/// A wallet card usable for a payment, or the Payline refusal: `02503` unknown wallet or card
/// index, `02505` wallet (or this card) disabled.
pub(crate) async fn usable_card(
    conn: &mut SqliteConnection,
    merchant_id: &str,
    wallet_id: &str,
    raw_ind: Option<&str>,
) -> Result<std::result::Result<(WalletRow, WalletCard), ReturnCode>> {
    let Some(w) = wallet(conn, merchant_id, wallet_id.trim()).await? else {
        return Ok(Err(ReturnCode::WALLET_DOES_NOT_EXIST));
    };
    let Some(ind) = card_ind(raw_ind) else {
        return Ok(Err(ReturnCode::WALLET_DOES_NOT_EXIST));
    };
    let Some(c) = card(conn, merchant_id, &w.wallet_id, ind).await? else {
        return Ok(Err(ReturnCode::WALLET_DOES_NOT_EXIST));
    };
    if w.disabled_at.is_some() || c.disabled_at.is_some() {
        return Ok(Err(ReturnCode::WALLET_DISABLED));
    }
    Ok(Ok((w, c)))
}

/// A usable wallet card with its number, for an operation on `contract`: [`usable_card`]'s
/// codes, then `02540` (token gone), `02541` (card type not on the contract) and the card's
/// expiry.
pub(crate) async fn resolve_wallet_card(
    ctx: &mut Ctx<'_>,
    wallet_id: &str,
    raw_ind: Option<&str>,
    contract: &ContractConfig,
) -> Result<std::result::Result<(WalletCard, ResolvedCard), ReturnCode>> {
    let (_, c) = match usable_card(ctx.conn, &ctx.merchant.id, wallet_id, raw_ind).await? {
        Ok(v) => v,
        Err(code) => return Ok(Err(code)),
    };
    let Some(stored) = tokens::lookup(ctx.conn, ctx.vault, &ctx.merchant.id, &c.token).await?
    else {
        return Ok(Err(ReturnCode::NO_CARD_FOR_TOKEN));
    };
    if !contract.accepts(&c.card_type) {
        return Ok(Err(ReturnCode::CARD_NOT_ELIGIBLE));
    }
    if let Err(e) = cards::check_expiry(&c.expiry, ctx.now.date()) {
        return Ok(Err(e.code()));
    }
    let resolved = ResolvedCard {
        token: stored.token,
        pan: stored.pan,
        card_type: stored.card_type,
        masked: stored.masked,
        expiry: Some(c.expiry.clone()),
    };
    Ok(Ok((c, resolved)))
}
