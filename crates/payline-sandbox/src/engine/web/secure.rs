//! 3-D Secure on the hosted pages: the page's verifyEnrollment (with the 3DS Method step when
//! the ACS asks for it), the ACS, and verifyAuthentication when the buyer comes back.

use payline_protocol::messages::{VerifyAuthenticationRequest, VerifyEnrollmentRequest};
use payline_protocol::objects::{Card, ThreeDsInfo};
use payline_protocol::values::{Action, Amount, Currency, Mode, ReturnCode};
use time::OffsetDateTime;

use super::outcome::{authorize, finish, wallet_refused};
use super::session::{Next, first_amount};
use crate::engine::card::ResolvedCard;
use crate::engine::ctx::Ctx;
use crate::engine::three_ds;
use crate::error::Result;
use crate::store::web_sessions::{self, SessionKind, Status, WebSession, set_status};
use crate::store::{three_ds_sessions, tokens};

/// `threeDSMethodNotificationURL` of the page's verifyEnrollment.
pub(crate) const METHOD_NOTIFY_PATH: &str = "/webpayment/3ds-method-notify";
/// Milliseconds the page waits for the 3DS Method notification (EMV 3DS: 10 seconds, then
/// `threeDSCompInd` N).
pub(crate) const METHOD_TIMEOUT_MS: u32 = 10_000;

/// Amount and order reference the page's verifyEnrollment names: the payment's (the first due
/// date for NX / REC), or on the manageWebWallet page a non-payment authentication (EMV 3DS
/// messageCategory NPA: amount 0) for order reference `walletId`, the binding createWallet and
/// updateWallet accept for a registration.
pub(super) fn authentication_target(s: &WebSession, now: OffsetDateTime) -> Result<(u64, String)> {
    if s.kind == SessionKind::Wallet {
        return Ok((0, s.wallet_id.clone().unwrap_or_default()));
    }
    Ok((first_amount(s, now)?, s.order_ref.clone()))
}

/// 3-D Secure for the page's card when the contract has it and the card is enrolled — the same
/// verifyEnrollment a merchant would call (the card, or `walletId` + `walletCardInd` for the
/// saved card) — else the authorization at once.
pub(super) async fn secure(
    ctx: &mut Ctx<'_>,
    s: &WebSession,
    resolved: &ResolvedCard,
    card: Card,
    wallet: Option<(&str, i64)>,
    holder: Option<&str>,
    return_base: &str,
) -> Result<Next> {
    let Some(contract) = ctx.merchant.contract(&s.contract_number).cloned() else {
        return Ok(Next::Gone("Unknown contract."));
    };
    if !contract.three_ds
        || crate::scenarios::enrollment(resolved.pan.expose())
            == crate::scenarios::Enrollment::NotEnrolled
    {
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
    let md = answer.md_field_value.as_deref().or(answer
        .authentication_3d_secure
        .as_ref()
        .and_then(|a| a.md.as_deref()));
    web_sessions::keep_card(
        ctx.conn,
        &s.token,
        &resolved.token,
        resolved.expiry.as_deref(),
        holder,
        md,
    )
    .await?;
    enrolled(ctx, s, resolved, holder, answer).await
}

/// What a verifyEnrollment answer means for the page.
pub(super) async fn enrolled(
    ctx: &mut Ctx<'_>,
    s: &WebSession,
    resolved: &ResolvedCard,
    holder: Option<&str>,
    answer: payline_protocol::messages::VerifyEnrollmentResponse,
) -> Result<Next> {
    let pair = |n: &Option<String>, v: &Option<String>| n.clone().zip(v.clone());
    match answer.result.code {
        ReturnCode::THREE_DS_FRICTIONLESS => {
            authorize(ctx, s, resolved, holder, answer.authentication_3d_secure).await
        }
        ReturnCode::THREE_DS_CHALLENGE_REQUESTED | ReturnCode::THREE_DS_ACCEPTED => {
            set_status(ctx.conn, &s.token, Status::ThreeDs).await?;
            let fields = [
                pair(&answer.pareq_field_name, &answer.pareq_field_value),
                pair(&answer.md_field_name, &answer.md_field_value),
                pair(&answer.term_url_name, &answer.term_url_value),
            ];
            Ok(Next::Acs {
                url: answer.action_url.clone().unwrap_or_default(),
                fields: fields.into_iter().flatten().collect(),
            })
        }
        // EMV 3DS: the ACS has a 3DS Method URL; the page runs it, then the second round.
        ReturnCode::THREE_DS_METHOD_REQUESTED => {
            set_status(ctx.conn, &s.token, Status::Method).await?;
            let fields = pair(&answer.pareq_field_name, &answer.pareq_field_value)
                .into_iter()
                .collect();
            Ok(Next::Method {
                url: answer.action_url.clone().unwrap_or_default(),
                fields,
            })
        }
        code => Ok(Next::Retry(format!("3-D Secure unavailable ({code})."))),
    }
}

/// After the 3DS Method: the second verifyEnrollment (its `transient`), with `threeDSCompInd`
/// `Y` when the page saw the method complete and the notification reached the sandbox, else `N`
/// (the page's 10 s timeout, or no script), then the challenge or the frictionless result.
pub(crate) async fn method_continue(
    ctx: &mut Ctx<'_>,
    s: &WebSession,
    page_completed: bool,
) -> Result<Next> {
    if s.status != Status::Method && s.status != Status::MethodDone {
        return Ok(Next::Gone("No 3-D Secure device check is waiting."));
    }
    let comp_ind = if page_completed && s.status == Status::MethodDone {
        "Y"
    } else {
        "N"
    };
    let md = s.md.clone().unwrap_or_default();
    let transient = three_ds_sessions::transient(ctx.conn, &md).await?;
    let Some(resolved) = session_card(ctx, s).await? else {
        return Ok(Next::Gone("The card of this session is gone."));
    };
    set_status(ctx.conn, &s.token, Status::InProgress).await?;
    let mut card = Card::new(
        resolved
            .card_type
            .parse()
            .unwrap_or(payline_protocol::values::CardType::CB),
    );
    card.token = Some(resolved.token.clone());
    card.expiration_date = resolved.expiry.as_deref().and_then(|e| e.parse().ok());
    let (amount, order_ref) = authentication_target(s, ctx.now)?;
    let mut req = VerifyEnrollmentRequest::new(card, payload_payment(s, amount));
    req.version = "34".to_owned();
    req.order_ref = order_ref;
    req.transient = transient;
    req.three_ds_info = Some(ThreeDsInfo {
        three_ds_method_result: Some(comp_ind.to_owned()),
        ..ThreeDsInfo::default()
    });
    let answer = three_ds::verify_enrollment(ctx, req).await?;
    let holder = s.cardholder.clone();
    enrolled(ctx, s, &resolved, holder.as_deref(), answer).await
}

/// The card kept on the session between the card form and the 3-D Secure steps.
pub(super) async fn session_card(
    ctx: &mut Ctx<'_>,
    s: &WebSession,
) -> Result<Option<ResolvedCard>> {
    let Some(stored) = tokens::lookup(
        ctx.conn,
        ctx.vault,
        &ctx.merchant.id,
        s.card_token.as_deref().unwrap_or_default(),
    )
    .await?
    else {
        return Ok(None);
    };
    Ok(Some(ResolvedCard {
        token: stored.token,
        pan: stored.pan,
        card_type: stored.card_type,
        masked: stored.masked,
        expiry: s.card_expiry.clone(),
    }))
}

pub(super) fn payload_payment(s: &WebSession, amount: u64) -> payline_protocol::objects::Payment {
    payline_protocol::objects::Payment {
        amount: Amount::from_minor(amount),
        currency: u16::try_from(s.currency)
            .ok()
            .and_then(Currency::from_numeric)
            .unwrap_or(Currency::EUR),
        action: u16::try_from(s.action)
            .ok()
            .and_then(Action::from_code)
            .unwrap_or(Action::AUTHORIZATION_AND_CAPTURE),
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

/// Back from the ACS (`cres` + `threeDSSessionData`, or `PaRes` + `MD`): verifyAuthentication,
/// then the authorization.
pub(crate) async fn three_ds_return(ctx: &mut Ctx<'_>, md: &str, response: &str) -> Result<Next> {
    let Some(s) = web_sessions::at_acs(ctx.conn, md).await? else {
        return Ok(Next::Gone("No payment is waiting for this authentication."));
    };
    let req = VerifyAuthenticationRequest {
        version: "34".to_owned(),
        contract_number: s.contract_number.clone(),
        pares: response.to_owned(),
        md: Some(md.to_owned()),
        ..payline_protocol::messages::VerifyAuthenticationRequest::default()
    };
    let answer = three_ds::verify_authentication(ctx, req).await?;
    let Some(resolved) = session_card(ctx, &s).await? else {
        return Ok(Next::Gone("The card of this session is gone."));
    };
    if answer.result.code != ReturnCode::THREE_DS_ACCEPTED {
        // Authentication failed or cancelled: the payment is refused with that code; on the
        // manageWebWallet page nothing is registered.
        let code = answer.result.code;
        if s.kind == SessionKind::Wallet {
            return wallet_refused(ctx, &s, code).await;
        }
        return finish(
            ctx,
            &s,
            &resolved,
            code,
            None,
            s.cardholder.clone().as_deref(),
        )
        .await;
    }
    authorize(
        ctx,
        &s,
        &resolved,
        s.cardholder.clone().as_deref(),
        answer.authentication_3d_secure,
    )
    .await
}
