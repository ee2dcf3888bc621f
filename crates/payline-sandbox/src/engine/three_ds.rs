//! 3-D Secure: verifyEnrollment, verifyAuthentication and the sessions the ACS pages drive
//! (3-D Secure contract). A session binds card, amount, currency, order reference and contract; the
//! ACS answer (PaRes / CRes) is consumed once by verifyAuthentication, and the successful
//! authentication once by doAuthorization.

use base64::Engine as _;
use payline_protocol::messages::{
    VerifyAuthenticationRequest, VerifyAuthenticationResponse, VerifyEnrollmentRequest,
    VerifyEnrollmentResponse,
};
use payline_protocol::objects::{Authentication3DSecure, PaylineResult};
use payline_protocol::values::ReturnCode;
use rand::RngCore;
use sqlx::SqliteConnection;

use super::card::{ResolvedCard, resolve_card, resolve_wallet_card};
use super::ctx::Ctx;
use crate::config::ContractConfig;
use crate::error::Result;
use crate::rules::THREE_DS_SESSION_VALIDITY;
use crate::scenarios::{self, Enrollment};
use crate::store::three_ds_sessions::{self as sessions, Flow, NewSession, Status};
pub(crate) use crate::store::three_ds_sessions::{Binding, Session, get};

fn random_b64(n: usize) -> String {
    let mut b = vec![0u8; n];
    rand::rng().fill_bytes(&mut b);
    base64::engine::general_purpose::STANDARD.encode(b)
}

fn random_hex(n: usize) -> String {
    let mut b = vec![0u8; n];
    rand::rng().fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A 3DS2-style UUID session id (MD, AN36).
fn new_uuid() -> String {
    let h = random_hex(16);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Base64url of a JSON object (creq, cres, threeDSMethodData, resultContainer use this shape).
pub(crate) fn b64_json(v: &serde_json::Value) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
}

/// Decodes a base64url JSON value; `None` when it is not one.
pub(crate) fn json_b64(s: &str) -> Option<serde_json::Value> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s.trim().trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn authenticated_values(
    s: &Session,
    eci: &str,
    auth_type: &str,
    comp_ind: Option<&str>,
) -> (String, String, String, String) {
    let cavv = random_b64(20);
    let xid = random_b64(20);
    let mut outcome = serde_json::json!({
        "containerVersion": "2",
        "eci": eci,
        "authenticationValue": cavv,
        "effectiveAuthType": auth_type,
        "transStatus": "Y",
        "transStatusReason": "00",
        "dsTransID": new_uuid(),
        "acsTransID": s.md,
        "messageVersion": "2.2.0",
        "purchaseAmount": s.binding.amount.to_string(),
        "purchaseCurrency": s.binding.currency.to_string(),
        "merchantName": "Payline sandbox merchant",
    });
    // EMV 3DS threeDSCompInd of the AReq after a 3DS Method round: `Y` the method completed,
    // `N` it did not (timeout), `U` unknown. Shown so that a merchant can see what the ACS got.
    if let (Some(ind), Some(map)) = (comp_ind, outcome.as_object_mut()) {
        map.insert(
            "threeDSCompInd".to_owned(),
            serde_json::Value::String(ind.to_owned()),
        );
    }
    (eci.to_owned(), cavv, xid, b64_json(&outcome))
}

async fn authenticate(
    conn: &mut SqliteConnection,
    s: &mut Session,
    auth_type: &str,
    comp_ind: Option<&str>,
) -> Result<()> {
    let (eci, cavv, xid, container) = authenticated_values(s, "05", auth_type, comp_ind);
    sessions::mark_authenticated(conn, &s.md, &eci, &cavv, &xid, &container).await?;
    s.status = Status::Authenticated;
    s.eci = Some(eci);
    s.cavv = Some(cavv);
    s.xid = Some(xid);
    s.result_container = Some(container);
    Ok(())
}

/// The `authentication3DSecure` values of an authenticated session (getWebPaymentDetails).
pub(crate) fn authentication(s: &Session) -> Authentication3DSecure {
    authentication_of(s)
}

fn authentication_of(s: &Session) -> Authentication3DSecure {
    Authentication3DSecure {
        md: Some(s.md.clone()),
        eci: s.eci.clone(),
        cavv: s.cavv.clone(),
        xid: s.xid.clone(),
        cavv_algorithm: Some("2".to_owned()),
        pa_res_status: Some("Y".to_owned()),
        ve_res_status: Some("Y".to_owned()),
        result_container: s.result_container.clone(),
        ..Authentication3DSecure::default()
    }
}

fn enrollment_answer(code: ReturnCode) -> VerifyEnrollmentResponse {
    VerifyEnrollmentResponse::new(PaylineResult::documented(code))
}

/// The card a verifyEnrollment authenticates: `card` (number, or token + expiry), or, when
/// `card` carries neither, the wallet card named by `walletId` + `walletCardInd` (Payline
/// verifyEnrollment v10, "authenticate a wallet card": `02503` unknown, `02505` disabled, and the
/// stored card's expiry and type).
async fn enrollment_card(
    ctx: &mut Ctx<'_>,
    req: &VerifyEnrollmentRequest,
    contract: &ContractConfig,
    order_ref: &str,
) -> Result<std::result::Result<ResolvedCard, ReturnCode>> {
    let card_given = req.card.number.as_ref().is_some_and(|n| !n.is_empty())
        || req
            .card
            .token
            .as_deref()
            .is_some_and(|t| !t.trim().is_empty());
    match req
        .wallet_id
        .as_deref()
        .map(str::trim)
        .filter(|w| !w.is_empty())
    {
        Some(wallet_id) if !card_given => {
            Ok(
                resolve_wallet_card(ctx, wallet_id, req.wallet_card_ind.as_deref(), contract)
                    .await?
                    .map(|(_, c)| c),
            )
        }
        _ => resolve_card(ctx, &req.card, contract, order_ref, false).await,
    }
}

/// verifyEnrollment: decides by the sandbox 3-D Secure test cards.
pub(crate) async fn verify_enrollment(
    ctx: &mut Ctx<'_>,
    req: VerifyEnrollmentRequest,
) -> Result<VerifyEnrollmentResponse> {
    let now = ctx.now.unix_timestamp();
    let info = req.three_ds_info.as_ref();
    // Second round after the 3DS Method: the transient names the session.
    if let Some(transient) = req.transient.as_deref().filter(|t| !t.trim().is_empty()) {
        let Some(mut s) =
            sessions::by_transient(ctx.conn, transient.trim(), &ctx.merchant.id).await?
        else {
            return Ok(enrollment_answer(
                ReturnCode::THREE_DS_METHOD_RESULT_INCONSISTENT,
            ));
        };
        if s.status != Status::MethodPending || s.expires_at <= now {
            return Ok(enrollment_answer(
                ReturnCode::THREE_DS_METHOD_RESULT_INCONSISTENT,
            ));
        }
        let method_result = info
            .and_then(|i| i.three_ds_method_result.clone())
            .filter(|r| matches!(r.as_str(), "Y" | "N" | "U"));
        let comp_ind = method_result.as_deref().unwrap_or("U");
        sessions::set_method_result(ctx.conn, &s.md, comp_ind).await?;
        authenticate(ctx.conn, &mut s, "FR", Some(comp_ind)).await?;
        let mut answer = enrollment_answer(ReturnCode::THREE_DS_FRICTIONLESS);
        answer.mpi_result = Some("Y".to_owned());
        answer.authentication_3d_secure = Some(authentication_of(&s));
        return Ok(answer);
    }

    let contract_number = req.payment.contract_number.clone().unwrap_or_default();
    let Some(contract) = ctx.merchant.contract(&contract_number).cloned() else {
        return Ok(enrollment_answer(ReturnCode::INVALID_CONTRACT_NUMBER));
    };
    let order_ref = match req.order_ref.trim() {
        "" => req
            .order
            .as_ref()
            .map(|o| o.r#ref.trim().to_owned())
            .unwrap_or_default(),
        r => r.to_owned(),
    };
    if order_ref.is_empty() {
        return Ok(enrollment_answer(ReturnCode::INVALID_FIELD_FORMAT));
    }
    let card = match enrollment_card(ctx, &req, &contract, &order_ref).await? {
        Ok(c) => c,
        Err(code) => return Ok(enrollment_answer(code)),
    };
    if !contract.three_ds {
        return Ok(enrollment_answer(ReturnCode::THREE_DS_NOT_PARTICIPATING));
    }
    let enrollment = scenarios::enrollment(card.pan.expose());
    if enrollment == Enrollment::NotEnrolled {
        let mut a = enrollment_answer(ReturnCode::THREE_DS_NOT_ENROLLED);
        a.mpi_result = Some("N".to_owned());
        a.token = Some(card.token);
        return Ok(a);
    }
    let md = if enrollment == Enrollment::Redirect3ds1 {
        random_hex(10)
    } else {
        new_uuid()
    };
    let (flow, status) = match enrollment {
        Enrollment::Frictionless => (Flow::Frictionless, Status::Pending),
        Enrollment::Challenge => (Flow::Challenge, Status::Pending),
        Enrollment::Redirect3ds1 => (Flow::Redirect, Status::Pending),
        _ => (Flow::Method, Status::MethodPending),
    };
    let transient = (flow == Flow::Method).then(|| random_hex(24));
    let amount = req
        .payment
        .amount
        .map_or(0, |a| i64::try_from(a.minor()).unwrap_or(i64::MAX));
    let currency = i64::from(req.payment.currency.numeric());
    let browser = info
        .and_then(|i| i.browser.as_ref())
        .and_then(|b| serde_json::to_string(b).ok());
    let notification_url = info.and_then(|i| i.three_ds_method_notification_url.clone());
    let new = NewSession {
        md: &md,
        merchant_id: &ctx.merchant.id,
        flow,
        status,
        binding: Binding {
            fingerprint: ctx.vault.fingerprint("pan", card.pan.expose()),
            amount,
            currency,
            order_ref: order_ref.clone(),
            contract_number: contract_number.clone(),
        },
        card_type: &card.card_type,
        transient: transient.as_deref(),
        return_url: req.return_url.as_deref(),
        method_notification_url: notification_url.as_deref(),
        user_agent: req.user_agent.as_deref(),
        browser_json: browser.as_deref(),
        created_at: now,
        expires_at: (ctx.now + THREE_DS_SESSION_VALIDITY).unix_timestamp(),
    };
    sessions::insert(ctx.conn, &new).await?;
    let Some(mut session) = get(ctx.conn, &md).await? else {
        return Err(crate::error::SandboxError::Bug(
            "3-D Secure session vanished",
        ));
    };
    let base = ctx.public_url.trim_end_matches('/').to_owned();
    let mut a = match enrollment {
        Enrollment::Frictionless => {
            authenticate(ctx.conn, &mut session, "FR", None).await?;
            let mut a = enrollment_answer(ReturnCode::THREE_DS_FRICTIONLESS);
            a.mpi_result = Some("Y".to_owned());
            a.authentication_3d_secure = Some(authentication_of(&session));
            a
        }
        Enrollment::Challenge => {
            let mut a = enrollment_answer(ReturnCode::THREE_DS_CHALLENGE_REQUESTED);
            a.action_url = Some(format!("{base}/acs/challenge"));
            a.action_method = Some("POST".to_owned());
            a.pareq_field_name = Some("creq".to_owned());
            a.pareq_field_value = Some(b64_json(&serde_json::json!({
                "threeDSServerTransID": md,
                "acsTransID": md,
                "messageType": "CReq",
                "messageVersion": "2.2.0",
                "challengeWindowSize": info.and_then(|i| i.challenge_window_size.clone()).unwrap_or_else(|| "05".to_owned()),
            })));
            a.md_field_name = Some("threeDSSessionData".to_owned());
            a.md_field_value = Some(md.clone());
            a.mpi_result = Some("C".to_owned());
            a
        }
        Enrollment::Redirect3ds1 => {
            let mut a = enrollment_answer(ReturnCode::THREE_DS_ACCEPTED);
            a.action_url = Some(format!("{base}/acs/pareq"));
            a.action_method = Some("POST".to_owned());
            a.pareq_field_name = Some("PaReq".to_owned());
            a.pareq_field_value = Some(b64_json(
                &serde_json::json!({ "messageType": "PAReq", "md": md }),
            ));
            a.term_url_name = Some("TermUrl".to_owned());
            a.term_url_value = None;
            a.md_field_name = Some("MD".to_owned());
            a.md_field_value = Some(md.clone());
            a
        }
        _ => {
            let mut a = enrollment_answer(ReturnCode::THREE_DS_METHOD_REQUESTED);
            a.action_url = Some(format!("{base}/acs/method"));
            a.action_method = Some("POST".to_owned());
            a.pareq_field_name = Some("threeDSMethodData".to_owned());
            a.pareq_field_value = Some(b64_json(&serde_json::json!({
                "threeDSServerTransID": md,
                "threeDSMethodNotificationURL": notification_url,
            })));
            a.md_field_name = Some("threeDSSessionData".to_owned());
            a.md_field_value = Some(md.clone());
            a.transient = transient;
            a
        }
    };
    a.token = Some(card.token);
    Ok(a)
}

/// Consumes an ACS answer: the stored PaRes/CRes must be given back unchanged, once.
async fn consume_response(
    ctx: &mut Ctx<'_>,
    s: &mut Session,
    pares: &str,
) -> Result<std::result::Result<(), ReturnCode>> {
    let Some(expected) = s.challenge_response.clone() else {
        // The ACS page did not finish yet: challenge not finalized.
        return Ok(Err(ReturnCode::THREE_DS_CHALLENGE_NOT_FINALIZED));
    };
    if s.response_consumed {
        return Ok(Err(ReturnCode::THREE_DS_AUTHENTICATION_VALUE_UNAVAILABLE));
    }
    if pares.trim() != expected {
        return Ok(Err(ReturnCode::THREE_DS_INVALID_PARES));
    }
    sessions::consume_response(ctx.conn, &s.md).await?;
    s.response_consumed = true;
    match s.status {
        Status::AcsAuthenticated => {
            authenticate(ctx.conn, s, "CH", None).await?;
            Ok(Ok(()))
        }
        Status::AcsCancelled => {
            sessions::set_status(ctx.conn, &s.md, Status::Cancelled).await?;
            Ok(Err(ReturnCode::THREE_DS_AUTHENTICATION_CHECK_FAILED))
        }
        _ => {
            sessions::set_status(ctx.conn, &s.md, Status::Failed).await?;
            Ok(Err(ReturnCode::THREE_DS_AUTHENTICATION_FAILED))
        }
    }
}

/// verifyAuthentication: consumes the PaRes / CRes posted back by the ACS.
pub(crate) async fn verify_authentication(
    ctx: &mut Ctx<'_>,
    req: VerifyAuthenticationRequest,
) -> Result<VerifyAuthenticationResponse> {
    let answer =
        |code: ReturnCode| VerifyAuthenticationResponse::new(PaylineResult::documented(code));
    let md = req.md.as_deref().map(str::trim).unwrap_or_default();
    let Some(mut s) = get(ctx.conn, md)
        .await?
        .filter(|s| s.merchant_id == ctx.merchant.id)
    else {
        return Ok(answer(ReturnCode::THREE_DS_ENROLLMENT_CALL_NOT_FOUND));
    };
    if s.binding.contract_number != req.contract_number.trim() {
        return Ok(answer(ReturnCode::THREE_DS_MERCHANT_DATA_ERROR));
    }
    if s.expires_at <= ctx.now.unix_timestamp() {
        return Ok(answer(
            ReturnCode::THREE_DS_AUTHENTICATION_VALUE_UNAVAILABLE,
        ));
    }
    match consume_response(ctx, &mut s, &req.pares).await? {
        Ok(()) => {
            let mut a = answer(ReturnCode::THREE_DS_ACCEPTED);
            a.authentication_3d_secure = Some(authentication_of(&s));
            a.mpi_result = Some("Y".to_owned());
            Ok(a)
        }
        Err(code) => {
            let mut a = answer(code);
            a.mpi_result = Some("N".to_owned());
            Ok(a)
        }
    }
}

/// A successful authentication used by doAuthorization.
#[derive(Debug)]
pub(crate) struct Consumed {
    /// ECI to record.
    pub eci: String,
    /// Whether the authentication shifts liability (fully authenticated ECI 05 / 02).
    pub liability_shift: bool,
    /// Values echoed in the doAuthorization answer.
    pub authentication: Authentication3DSecure,
}

/// doAuthorization's use of an MD: once, for the same card, amount, currency, order reference
/// and contract; the values given must be those the sandbox issued (tampering: `03006`).
pub(crate) async fn consume_for_authorization(
    ctx: &mut Ctx<'_>,
    given: &Authentication3DSecure,
    binding: &Binding,
) -> Result<std::result::Result<Consumed, ReturnCode>> {
    consume_matching(ctx, given, |b| b == binding).await
}

/// Like [`consume_for_authorization`], with the binding accepted by `accepts` (a wallet
/// registration accepts a non-payment authentication of amount 0 as well as one of the 1 EUR
/// check). Every other rule is the same: once, unaltered, finished, not expired, `03010` when
/// the binding is refused.
pub(crate) async fn consume_matching(
    ctx: &mut Ctx<'_>,
    given: &Authentication3DSecure,
    accepts: impl Fn(&Binding) -> bool,
) -> Result<std::result::Result<Consumed, ReturnCode>> {
    let md = given.md.as_deref().map(str::trim).unwrap_or_default();
    let Some(mut s) = get(ctx.conn, md)
        .await?
        .filter(|s| s.merchant_id == ctx.merchant.id)
    else {
        return Ok(Err(ReturnCode::THREE_DS_ENROLLMENT_CALL_NOT_FOUND));
    };
    if s.expires_at <= ctx.now.unix_timestamp() {
        return Ok(Err(ReturnCode::THREE_DS_AUTHENTICATION_VALUE_UNAVAILABLE));
    }
    // 3DS1 samples send the PaRes straight to doAuthorization instead of verifyAuthentication.
    if let Some(pares) = given.pares.as_deref().filter(|p| !p.trim().is_empty()) {
        if !s.response_consumed {
            if let Err(code) = consume_response(ctx, &mut s, pares).await? {
                return Ok(Err(code));
            }
        } else if Some(pares.trim()) != s.challenge_response.as_deref() {
            return Ok(Err(ReturnCode::THREE_DS_INVALID_PARES));
        }
    }
    match s.status {
        Status::Authenticated => {}
        Status::Failed | Status::AcsFailed => {
            return Ok(Err(ReturnCode::THREE_DS_AUTHENTICATION_FAILED));
        }
        Status::Cancelled | Status::AcsCancelled => {
            return Ok(Err(ReturnCode::THREE_DS_AUTHENTICATION_CHECK_FAILED));
        }
        _ => return Ok(Err(ReturnCode::THREE_DS_CHALLENGE_NOT_FINALIZED)),
    }
    if s.auth_consumed {
        return Ok(Err(ReturnCode::THREE_DS_AUTHENTICATION_VALUE_UNAVAILABLE));
    }
    if !accepts(&s.binding) {
        return Ok(Err(ReturnCode::THREE_DS_MERCHANT_DATA_ERROR));
    }
    let differs = |given: &Option<String>, issued: &Option<String>| {
        given
            .as_deref()
            .is_some_and(|g| !g.trim().is_empty() && Some(g.trim()) != issued.as_deref())
    };
    if differs(&given.cavv, &s.cavv) || differs(&given.eci, &s.eci) || differs(&given.xid, &s.xid) {
        return Ok(Err(ReturnCode::THREE_DS_INVALID_PARES));
    }
    if !sessions::consume_authentication(ctx.conn, &s.md).await? {
        return Ok(Err(ReturnCode::THREE_DS_AUTHENTICATION_VALUE_UNAVAILABLE));
    }
    let eci = s.eci.clone().unwrap_or_default();
    Ok(Ok(Consumed {
        liability_shift: matches!(eci.as_str(), "05" | "02"),
        eci,
        authentication: authentication_of(&s),
    }))
}
