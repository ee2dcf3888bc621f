//! The account-level operations of the three services: getMerchantSettings, isRegistered and
//! getAlertDetails, and the answer to the operations a card sandbox has no service for.

use payline_protocol::messages::{
    GetAlertDetailsRequest, GetAlertDetailsResponse, GetMerchantSettingsRequest,
    GetMerchantSettingsResponse, IsRegisteredRequest, IsRegisteredResponse,
};
use payline_protocol::objects::{Contract, Contracts, PaylineResult, PointOfSell};
use payline_protocol::values::ReturnCode;

use super::card::usable_card;
use super::ctx::Ctx;
use crate::error::Result;

/// The result of an operation the merchant's account does not have: doAuthorizationRedirect,
/// doBankTransfer, doScoringCheque, getEncryptionKey, getBalance, unBlock and prepareSession
/// (a partner, cheque, transfer, gift-card or fraud-module service, or the hosted 3-D Secure
/// redirection, which the sandbox does not emulate). Payline answers a call outside the
/// account's permissions with `09201`, "No permission for this API call" (Payline result
/// codes, access); nothing is read or stored.
pub(crate) fn not_enabled() -> PaylineResult {
    PaylineResult::documented(ReturnCode::NO_PERMISSION)
}

/// getMerchantSettings: the merchant's point of sale with its contracts, one `contract` per
/// card type a sandbox contract accepts (a Payline contract is for one means of payment), and
/// the point of sale's notification URL (Payline other DirectPaymentAPI operations).
pub(crate) fn get_merchant_settings(
    ctx: &Ctx<'_>,
    _req: GetMerchantSettingsRequest,
) -> GetMerchantSettingsResponse {
    let contract = ctx
        .merchant
        .contracts
        .iter()
        .flat_map(|c| {
            c.brands.iter().map(|brand| Contract {
                card_type: Some(brand.clone()),
                label: Some(format!("{brand} {}", c.number)),
                contract_number: Some(c.number.clone()),
                currency: Some("978".to_owned()),
                ..Contract::default()
            })
        })
        .collect();
    let mut out = GetMerchantSettingsResponse::new(PaylineResult::documented(ReturnCode::APPROVED));
    out.list_point_of_sell.point_of_sell.push(PointOfSell {
        label: Some(format!("Sandbox point of sale {}", ctx.merchant.id)),
        notification_url: ctx.merchant.notification_url.clone(),
        contracts: Contracts { contract },
        ..PointOfSell::default()
    });
    out
}

/// isRegistered: whether the buyer is registered for one-click card payments on this point of
/// sale, that is whether `buyer.walletId` names a usable wallet; its card 1's token in
/// `token`, the card type in `data`. Payline documents only the message's shape for this
/// operation (Payline other DirectPaymentAPI operations); the codes are those of the wallet
/// operations: `02303` unknown contract, `02513` without `walletId`, `02503` unknown wallet,
/// `02505` disabled wallet, `02500` registered.
pub(crate) async fn is_registered(
    ctx: &mut Ctx<'_>,
    req: IsRegisteredRequest,
) -> Result<IsRegisteredResponse> {
    let refuse = |code: ReturnCode| IsRegisteredResponse::new(PaylineResult::documented(code));
    let contract = req.payment.contract_number.as_deref().unwrap_or_default();
    if ctx.merchant.contract(contract.trim()).is_none() {
        return Ok(refuse(ReturnCode::INVALID_CONTRACT_NUMBER));
    }
    let Some(wallet_id) = req
        .buyer
        .as_ref()
        .and_then(|b| b.wallet_id.as_deref())
        .map(str::trim)
        .filter(|w| !w.is_empty())
    else {
        return Ok(refuse(ReturnCode::WALLET_ID_REQUIRED));
    };
    Ok(
        match usable_card(ctx.conn, &ctx.merchant.id, wallet_id, None).await? {
            Ok((_, card)) => IsRegisteredResponse {
                result: PaylineResult::documented(ReturnCode::OPERATION_SUCCESSFUL),
                token: card.token,
                data: card.card_type,
            },
            Err(code) => refuse(code),
        },
    )
}

/// getAlertDetails (ExtendedAPI): the sandbox does not emulate the fraud module, so no
/// transaction has an alert: `04101` ("Missing field") without `AlertId` or `TransactionId`,
/// else `04301` ("Data not found") with both echoed (Payline result codes, fraud module).
pub(crate) fn get_alert_details(req: GetAlertDetailsRequest) -> GetAlertDetailsResponse {
    let alert_id = req.alert_id.trim().to_owned();
    let transaction_id = req.transaction_id.trim().to_owned();
    if alert_id.is_empty() || transaction_id.is_empty() {
        return GetAlertDetailsResponse::new(PaylineResult::documented(
            ReturnCode::FRAUD_MISSING_FIELD,
        ));
    }
    let mut out =
        GetAlertDetailsResponse::new(PaylineResult::documented(ReturnCode::FRAUD_DATA_NOT_FOUND));
    out.alert_id = alert_id;
    out.transaction_id = transaction_id;
    out
}
