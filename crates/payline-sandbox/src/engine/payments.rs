//! doAuthorization, doCapture, doReset, doRefund, doCredit, doDebit, doReAuthorization.

use payline_protocol::messages::{
    DoAuthorizationRequest, DoAuthorizationResponse, DoCaptureRequest, DoCaptureResponse,
    DoCreditRequest, DoCreditResponse, DoDebitRequest, DoDebitResponse, DoReAuthorizationRequest,
    DoReAuthorizationResponse, DoRefundRequest, DoRefundResponse, DoResetRequest, DoResetResponse,
};
use payline_protocol::objects::{Authorization, PaylineResult, Payment, Transaction};
use payline_protocol::values::{Amount, ReturnCode, ShortDate};
use sqlx::SqliteConnection;
use time::{Date, Duration, OffsetDateTime};

use super::answer::{
    accepted, card_out, extended_card, new_authorization_number, new_transaction_id, payline_date,
    transaction,
};
use super::card::{ResolvedCard, bank_outcome, empty, resolve_card};
use super::ctx::Ctx;
use super::three_ds;
use crate::config::ContractConfig;
use crate::error::Result;
use crate::rules::{self, DUPLICATE_WINDOW};
use crate::scenarios;
use crate::store::ledger::{self, Entry, Kind, State, deferred};
use crate::store::{outbox, tokens, web_sessions};

/// True when an accepted authorization already uses this order reference in the last 24 h.
async fn is_duplicate(
    conn: &mut SqliteConnection,
    merchant_id: &str,
    order_ref: &str,
    now: OffsetDateTime,
) -> Result<bool> {
    ledger::accepted_authorizations_since(conn, merchant_id, order_ref, now - DUPLICATE_WINDOW)
        .await
        .map(|n| n > 0)
}

fn refused_authorization(
    code: ReturnCode,
    ctx: &Ctx<'_>,
    contract: String,
) -> DoAuthorizationResponse {
    DoAuthorizationResponse {
        transaction: Transaction {
            id: String::new(),
            date: payline_date(ctx.now),
            ..Transaction::default()
        },
        authorization: Authorization {
            number: String::new(),
            date: payline_date(ctx.now),
            authorized_amount: None,
            authorized_currency: None,
            reattempt: None,
        },
        contract_number: contract,
        ..DoAuthorizationResponse::new(PaylineResult::documented(code))
    }
}

fn amount_of(a: Option<Amount>) -> Option<u64> {
    a.map(Amount::minor).filter(|m| *m > 0)
}

/// Latest `payment.differedActionDate` after the authorization date (Payline doAuthorization,
/// payment object: `differedActionDate <= authorizationDate + 6 days`).
pub(crate) const MAX_DEFERRAL: Duration = Duration::days(6);

/// Checks mode DIF and `payment.differedActionDate` (Payline payment object), wherever DIF is
/// allowed (doAuthorization, doImmediateWalletPayment, doScheduledWalletPayment, doWebPayment):
/// DIF is an authorization only (action 100, else `02321`) whose date is required, not before
/// `today` nor the authorization day, and at most [`MAX_DEFERRAL`] after the authorization day
/// (`02305`); another mode must leave the date empty (`02305`). Returns the capture date of a
/// DIF payment.
pub(crate) fn check_deferred(
    mode: &str,
    action: i64,
    date: Option<ShortDate>,
    authorization_day: Date,
    today: Date,
) -> std::result::Result<Option<Date>, ReturnCode> {
    if mode != "DIF" {
        return if date.is_some() {
            Err(ReturnCode::INVALID_FIELD_FORMAT)
        } else {
            Ok(None)
        };
    }
    if action != 100 {
        return Err(ReturnCode::INVALID_ACTION);
    }
    let d = date.ok_or(ReturnCode::INVALID_FIELD_FORMAT)?.to_date();
    let month = time::Month::try_from(d.month()).map_err(|_| ReturnCode::INVALID_FIELD_FORMAT)?;
    let d = Date::from_calendar_date(i32::from(d.year()), month, d.day())
        .map_err(|_| ReturnCode::INVALID_FIELD_FORMAT)?;
    if d < today || d < authorization_day || d > authorization_day + MAX_DEFERRAL {
        return Err(ReturnCode::INVALID_FIELD_FORMAT);
    }
    Ok(Some(d))
}

/// Records the capture date of a DIF authorization on its ledger entry and, when it was
/// accepted, plans the capture: due at 00:00 UTC of the date, or at once when the
/// authorization is later than that (a date of today). `wallet_id`: a wallet payment, notified
/// TRSWALLET when captured.
pub(crate) async fn plan_deferred(
    ctx: &mut Ctx<'_>,
    entry: &Entry,
    date: Option<Date>,
    wallet_id: Option<&str>,
) -> Result<()> {
    let Some(date) = date else { return Ok(()) };
    deferred::set_date(ctx.conn, &entry.id, date).await?;
    if entry.accepted && entry.kind == Kind::Authorization && entry.action == 100 {
        let due = date.midnight().assume_utc().max(entry.created_at);
        deferred::plan(ctx.conn, &ctx.merchant.id, &entry.id, wallet_id, date, due).await?;
    }
    Ok(())
}

/// doWebPayment in mode DIF: keeps the capture date with the hosted session until the buyer
/// pays.
pub(crate) async fn remember_web_deferred(
    conn: &mut SqliteConnection,
    token: &str,
    date: Option<Date>,
) -> Result<()> {
    let Some(date) = date else { return Ok(()) };
    web_sessions::set_capture_date(conn, token, &deferred::iso(date)).await
}

/// The hosted page's authorization of a DIF session: [`plan_deferred`] with the session's date.
pub(crate) async fn plan_web_deferred(ctx: &mut Ctx<'_>, token: &str, entry: &Entry) -> Result<()> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = web_sessions::capture_date(ctx.conn, token)
        .await?
        .and_then(|d| Date::parse(&d, &format).ok());
    plan_deferred(ctx, entry, date, None).await
}

/// Runs a deferred capture claimed by the scheduler, at `ctx.now` (its due instant): the full
/// authorized amount captured (action 201, settled at the next sandbox midnight like doCapture's)
/// and a TRS (or TRSWALLET) notification; or skipped, with the reason recorded, when the
/// authorization was cancelled, already captured, or past its 7-day validity.
pub(crate) async fn run_deferred_capture(ctx: &mut Ctx<'_>, authorization_id: &str) -> Result<()> {
    let Some(auth) = ledger::get(ctx.conn, &ctx.merchant.id, authorization_id).await? else {
        return Err(crate::error::SandboxError::Bug(
            "deferred capture without its authorization",
        ));
    };
    let wallet_id = deferred::get(ctx.conn, authorization_id)
        .await?
        .and_then(|d| d.wallet_id);
    let captured = captured_amount(ctx.conn, &auth).await?;
    let skip = if auth.state == State::Cancelled {
        Some(deferred::SkipReason::Cancelled)
    } else if captured > 0 || auth.state == State::Captured || auth.state == State::Settled {
        Some(deferred::SkipReason::MerchantCapture)
    } else if auth.state == State::Expired || !rules::authorization_valid(auth.created_at, ctx.now)
    {
        ledger::set_state(ctx.conn, &auth.id, State::Expired).await?;
        Some(deferred::SkipReason::Expired)
    } else {
        None
    };
    if let Some(reason) = skip {
        return deferred::done(ctx.conn, authorization_id, Err(reason)).await;
    }
    let mut capture = follow_up(
        ctx,
        Kind::Capture,
        201,
        &auth,
        auth.amount,
        auth.currency,
        State::Captured,
    );
    capture.mode = auth.mode.clone();
    capture.settles_at = Some(rules::settlement_time(ctx.now));
    ledger::insert(ctx.conn, &ctx.merchant.id, &capture).await?;
    ledger::set_state(ctx.conn, &auth.id, State::Captured).await?;
    deferred::done(ctx.conn, authorization_id, Ok(&capture.id)).await?;
    // Payline URL notification of the new transaction (the point of sale's notification URL):
    // TRSWALLET for a wallet payment, TRS otherwise.
    let url = ctx.merchant.notification_url.clone();
    match wallet_id.as_deref() {
        Some(w) => {
            let params = [("transactionId", capture.id.as_str()), ("walletId", w)];
            outbox::enqueue(
                ctx.conn,
                &ctx.merchant.id,
                url.as_deref(),
                outbox::Kind::TrsWallet,
                &params,
                ctx.now,
            )
            .await
        }
        None => {
            let params = [("transactionId", capture.id.as_str())];
            outbox::enqueue(
                ctx.conn,
                &ctx.merchant.id,
                url.as_deref(),
                outbox::Kind::Trs,
                &params,
                ctx.now,
            )
            .await
        }
    }
}

/// doAuthorization (actions 100 and 101, mode CPT; mode DIF with action 100 and
/// `differedActionDate`, captured by the scheduler on that date).
pub(crate) async fn do_authorization(
    ctx: &mut Ctx<'_>,
    req: DoAuthorizationRequest,
) -> Result<DoAuthorizationResponse> {
    let contract_number = req.payment.contract_number.clone().unwrap_or_default();
    let Some(contract) = ctx.merchant.contract(&contract_number) else {
        return Ok(refused_authorization(
            ReturnCode::INVALID_CONTRACT_NUMBER,
            ctx,
            contract_number,
        ));
    };
    let contract = contract.clone();
    let action = req.payment.action.code();
    if action != 100 && action != 101 {
        return Ok(refused_authorization(
            ReturnCode::INVALID_ACTION,
            ctx,
            contract_number,
        ));
    }
    let mode = req.payment.mode.as_str().to_owned();
    if mode != "CPT" && mode != "DIF" {
        return Ok(refused_authorization(
            ReturnCode::INVALID_PAYMENT_MODE,
            ctx,
            contract_number,
        ));
    }
    let today = ctx.now.date();
    let capture_date = match check_deferred(
        &mode,
        i64::from(action),
        req.payment.differed_action_date,
        today,
        today,
    ) {
        Ok(d) => d,
        Err(code) => return Ok(refused_authorization(code, ctx, contract_number)),
    };
    let Some(amount) = amount_of(req.payment.amount) else {
        return Ok(refused_authorization(
            ReturnCode::INVALID_FIELD_FORMAT,
            ctx,
            contract_number,
        ));
    };
    let currency = i64::from(req.payment.currency.numeric());
    let order_ref = req.order.r#ref.trim().to_owned();
    if order_ref.is_empty() {
        return Ok(refused_authorization(
            ReturnCode::INVALID_FIELD_FORMAT,
            ctx,
            contract_number,
        ));
    }
    let card = match resolve_card(ctx, &req.card, &contract, &order_ref, true).await? {
        Ok(c) => c,
        Err(code) => return Ok(refused_authorization(code, ctx, contract_number)),
    };
    let card_brand = req
        .payment
        .card_brand
        .clone()
        .filter(|b| !b.trim().is_empty());
    let amount_i = i64::try_from(amount).unwrap_or(i64::MAX);

    let mut entry = Entry {
        id: new_transaction_id(),
        kind: Kind::Authorization,
        action: i64::from(action),
        mode,
        contract_number: contract_number.clone(),
        order_ref: order_ref.clone(),
        amount: amount_i,
        currency,
        // Code, acceptance and state are set below, once the checks and the bank have answered.
        result_code: ReturnCode::APPROVED,
        accepted: false,
        state: State::Refused,
        card_type: Some(card.card_type.clone()),
        card_brand,
        masked_card: Some(card.masked.clone()),
        token: Some(card.token.clone()),
        expiry: card.expiry.clone(),
        three_d_secure: "N".to_owned(),
        eci: None,
        liability_shift: false,
        authorization_number: None,
        original_id: None,
        is_duplicated: false,
        created_at: ctx.now,
        settles_at: None,
    };

    // Payline duplicate control: order.ref is the key; an accepted authorization with the same
    // reference in the last 24 h makes this one a duplicate, and nothing is charged.
    let mut code = ReturnCode::APPROVED;
    let mut auth_3ds = None;
    if is_duplicate(ctx.conn, &ctx.merchant.id, &order_ref, ctx.now).await? {
        code = ReturnCode::DUPLICATE_TRANSACTION;
        entry.is_duplicated = true;
    } else {
        let given = req
            .authentication_3d_secure
            .as_ref()
            .filter(|a| !empty(&a.md));
        match given {
            Some(a) => {
                let check = three_ds::Binding {
                    fingerprint: ctx.vault.fingerprint("pan", card.pan.expose()),
                    amount: amount_i,
                    currency,
                    order_ref: order_ref.clone(),
                    contract_number: contract_number.clone(),
                };
                match three_ds::consume_for_authorization(ctx, a, &check).await? {
                    Ok(done) => {
                        entry.three_d_secure = "Y".to_owned();
                        entry.eci = Some(done.eci.clone());
                        entry.liability_shift = done.liability_shift;
                        auth_3ds = Some(done.authentication);
                    }
                    Err(c) => code = c,
                }
            }
            // An enrolled card on a 3-D Secure contract without authentication: soft decline,
            // "3DS authentication required" (Payline 01131); run verifyEnrollment first.
            None if contract.three_ds
                && scenarios::enrollment(card.pan.expose())
                    != scenarios::Enrollment::NotEnrolled =>
            {
                code = ReturnCode::THREE_DS_AUTHENTICATION_REQUIRED;
            }
            None => {}
        }
        if code == ReturnCode::APPROVED {
            code = bank_outcome(&card.pan, amount);
        }
    }
    entry.result_code = code;
    entry.accepted = accepted(code);
    entry.state = State::of_authorization(entry.accepted, entry.action);
    if entry.accepted {
        entry.authorization_number = Some(new_authorization_number());
        entry.settles_at = (action == 101).then(|| rules::settlement_time(ctx.now));
    }
    ledger::insert(ctx.conn, &ctx.merchant.id, &entry).await?;
    plan_deferred(ctx, &entry, capture_date, None).await?;
    // Payline URL notification TRS (point of sale's notification URL), Payline notifications.
    let url = ctx.merchant.notification_url.clone();
    outbox::enqueue(
        ctx.conn,
        &ctx.merchant.id,
        url.as_deref(),
        outbox::Kind::Trs,
        &[("transactionId", entry.id.as_str())],
        ctx.now,
    )
    .await?;

    Ok(DoAuthorizationResponse {
        transient: None,
        result: PaylineResult::documented(code),
        transaction: transaction(
            &entry.id,
            ctx.now,
            entry.is_duplicated,
            &entry.three_d_secure,
        ),
        authorization: Authorization {
            number: entry.authorization_number.clone().unwrap_or_default(),
            date: payline_date(ctx.now),
            authorized_amount: entry.accepted.then_some(req.payment.amount).flatten(),
            authorized_currency: entry.accepted.then_some(req.payment.currency),
            reattempt: None,
        },
        card: card_out(
            Some(&card.masked),
            Some(&card.card_type),
            card.expiry.as_deref(),
            Some(&card.token),
        ),
        extended_card: extended_card(Some(&card.card_type)),
        private_data_list: req.private_data_list,
        contract_number,
        linked_transaction_id: None,
        travel_file_number: None,
        authentication_3d_secure: auth_3ds,
        result_container: None,
    })
}

fn bare(ctx: &Ctx<'_>) -> Transaction {
    Transaction {
        id: String::new(),
        date: payline_date(ctx.now),
        ..Transaction::default()
    }
}

/// True for a payment captured with its authorization: action 101, a debit, and a
/// re-authorization made with any action but 100 (Payline's samples send 202, re-authorization, which Payline
/// runs as an authorization followed by a capture; Payline doReAuthorization).
fn captured_at_once(payment: &Entry) -> bool {
    payment.action == 101
        || payment.kind == Kind::Debit
        || (payment.kind == Kind::ReAuthorization && payment.action != 100)
}

/// True for an authorization the merchant captures with doCapture within its 7 days: an
/// authorization not captured at once, or a re-authorization made with action 100.
fn capturable(payment: &Entry) -> bool {
    match payment.kind {
        Kind::Authorization => !captured_at_once(payment),
        Kind::ReAuthorization => payment.action == 100,
        _ => false,
    }
}

/// Amount captured on a payment (an authorization or re-authorization).
async fn captured_amount(conn: &mut SqliteConnection, payment: &Entry) -> Result<i64> {
    if payment.state == State::Cancelled {
        return Ok(0);
    }
    if captured_at_once(payment) {
        return Ok(payment.amount);
    }
    let (sum, _) = ledger::standing_follow_ups(
        conn,
        &payment.id,
        Kind::Capture,
        [State::Captured, State::Settled],
    )
    .await?;
    Ok(sum)
}

async fn refunded_amount(conn: &mut SqliteConnection, payment_id: &str) -> Result<i64> {
    let (sum, _) = ledger::standing_follow_ups(
        conn,
        payment_id,
        Kind::Refund,
        [State::Refunded, State::Settled],
    )
    .await?;
    Ok(sum)
}

fn follow_up(
    ctx: &Ctx<'_>,
    kind: Kind,
    action: i64,
    original: &Entry,
    amount: i64,
    currency: i64,
    st: State,
) -> Entry {
    Entry {
        id: new_transaction_id(),
        kind,
        action,
        mode: "CPT".to_owned(),
        contract_number: original.contract_number.clone(),
        order_ref: original.order_ref.clone(),
        amount,
        currency,
        result_code: ReturnCode::APPROVED,
        accepted: true,
        state: st,
        card_type: original.card_type.clone(),
        card_brand: original.card_brand.clone(),
        masked_card: original.masked_card.clone(),
        token: original.token.clone(),
        expiry: original.expiry.clone(),
        three_d_secure: "N".to_owned(),
        eci: None,
        liability_shift: false,
        authorization_number: None,
        original_id: Some(original.id.clone()),
        is_duplicated: false,
        created_at: ctx.now,
        settles_at: None,
    }
}

/// doCapture: partial captures up to the authorized amount (`02613` beyond), within the 7-day
/// validity (`02602` after), never on a refused or cancelled authorization. A re-authorization
/// made with action 100 is captured like an authorization, within its own 7 days.
pub(crate) async fn do_capture(
    ctx: &mut Ctx<'_>,
    req: DoCaptureRequest,
) -> Result<DoCaptureResponse> {
    let refuse = |code: ReturnCode, ctx: &Ctx<'_>| DoCaptureResponse {
        transaction: bare(ctx),
        ..DoCaptureResponse::new(PaylineResult::documented(code))
    };
    let Some(auth) = ledger::get(ctx.conn, &ctx.merchant.id, req.transaction_id.trim()).await?
    else {
        return Ok(refuse(ReturnCode::INVALID_TRANSACTION_ID, ctx));
    };
    if matches!(
        auth.kind,
        Kind::Authorization | Kind::ReAuthorization | Kind::Debit
    ) && captured_at_once(&auth)
    {
        return Ok(refuse(
            if auth.accepted {
                ReturnCode::ALREADY_CAPTURED
            } else {
                ReturnCode::INVALID_TRANSACTION
            },
            ctx,
        ));
    }
    if !capturable(&auth) || !auth.accepted || auth.state == State::Cancelled {
        return Ok(refuse(ReturnCode::INVALID_TRANSACTION, ctx));
    }
    if !rules::authorization_valid(auth.created_at, ctx.now) {
        return Ok(refuse(ReturnCode::AUTHORIZATION_EXPIRED, ctx));
    }
    let Some(amount) = amount_of(req.payment.amount) else {
        return Ok(refuse(ReturnCode::INVALID_FIELD_FORMAT, ctx));
    };
    let currency = i64::from(req.payment.currency.numeric());
    if currency != auth.currency {
        return Ok(refuse(ReturnCode::INVALID_FIELD_FORMAT, ctx));
    }
    let amount = i64::try_from(amount).unwrap_or(i64::MAX);
    let captured = captured_amount(ctx.conn, &auth).await?;
    if captured.saturating_add(amount) > auth.amount {
        return Ok(refuse(ReturnCode::MAX_CAPTURE_OR_REFUND_SUM_EXCEEDED, ctx));
    }
    let mut capture = follow_up(
        ctx,
        Kind::Capture,
        201,
        &auth,
        amount,
        currency,
        State::Captured,
    );
    capture.settles_at = Some(rules::settlement_time(ctx.now));
    ledger::insert(ctx.conn, &ctx.merchant.id, &capture).await?;
    ledger::set_state(ctx.conn, &auth.id, State::Captured).await?;
    // Mode DIF: the merchant captured first, so the gateway's capture on the date is not made.
    deferred::skip(
        ctx.conn,
        &auth.id,
        deferred::SkipReason::MerchantCapture,
        ctx.now,
    )
    .await?;
    Ok(DoCaptureResponse {
        result: PaylineResult::documented(ReturnCode::APPROVED),
        transaction: transaction(&capture.id, ctx.now, false, "N"),
        re_authorization: Some("0".to_owned()),
    })
}

/// doReset: cancels an authorization, or a capture/refund/credit not yet settled (settlement
/// happens at the sandbox midnight UTC after it; then only doRefund applies, `02105`).
pub(crate) async fn do_reset(ctx: &mut Ctx<'_>, req: DoResetRequest) -> Result<DoResetResponse> {
    let refuse = |code: ReturnCode, ctx: &Ctx<'_>| DoResetResponse {
        result: PaylineResult::documented(code),
        transaction: bare(ctx),
    };
    let Some(target) = ledger::get(ctx.conn, &ctx.merchant.id, req.transaction_id.trim()).await?
    else {
        return Ok(refuse(ReturnCode::TRANSACTION_DOES_NOT_EXIST, ctx));
    };
    if target.kind == Kind::Reset || !target.accepted {
        return Ok(refuse(ReturnCode::NOT_RESETTABLE, ctx));
    }
    if target.state == State::Cancelled {
        return Ok(refuse(ReturnCode::RESET_ALREADY_DONE, ctx));
    }
    if target.state == State::Settled {
        return Ok(refuse(ReturnCode::CAPTURE_ALREADY_SENT, ctx));
    }
    let children = ledger::follow_ups(ctx.conn, &target.id).await?;
    if matches!(target.kind, Kind::Authorization | Kind::ReAuthorization) && target.action == 100 {
        if !rules::authorization_valid(target.created_at, ctx.now) {
            return Ok(refuse(ReturnCode::AUTHORIZATION_EXPIRED, ctx));
        }
        if children
            .iter()
            .any(|c| c.kind == Kind::Capture && c.state == State::Settled)
        {
            return Ok(refuse(ReturnCode::CAPTURE_ALREADY_SENT, ctx));
        }
        for c in children
            .iter()
            .filter(|c| c.kind == Kind::Capture && c.state == State::Captured)
        {
            ledger::cancel(ctx.conn, &c.id, ctx.now).await?;
        }
    }
    if matches!(target.kind, Kind::Authorization | Kind::ReAuthorization)
        && children
            .iter()
            .any(|c| c.kind == Kind::Refund && c.state != State::Cancelled)
    {
        return Ok(refuse(ReturnCode::NOT_RESETTABLE, ctx));
    }
    ledger::cancel(ctx.conn, &target.id, ctx.now).await?;
    // Mode DIF: a cancelled authorization is not captured on its date.
    deferred::skip(
        ctx.conn,
        &target.id,
        deferred::SkipReason::Cancelled,
        ctx.now,
    )
    .await?;
    // The last capture cancelled: the authorization is back to authorized, capturable again.
    if let (Kind::Capture, Some(auth_id)) = (target.kind, &target.original_id) {
        let (_, active) = ledger::standing_follow_ups(
            ctx.conn,
            auth_id,
            Kind::Capture,
            [State::Captured, State::Settled],
        )
        .await?;
        if active == 0 {
            ledger::set_state(ctx.conn, auth_id, State::Authorized).await?;
        }
    }
    let reset = follow_up(
        ctx,
        Kind::Reset,
        0,
        &target,
        target.amount,
        target.currency,
        State::Done,
    );
    ledger::insert(ctx.conn, &ctx.merchant.id, &reset).await?;
    Ok(DoResetResponse {
        result: PaylineResult::documented(ReturnCode::APPROVED),
        transaction: transaction(&reset.id, ctx.now, false, "N"),
    })
}

/// doRefund: after capture only (`02618`), partial refunds up to the captured amount (`02613`).
pub(crate) async fn do_refund(ctx: &mut Ctx<'_>, req: DoRefundRequest) -> Result<DoRefundResponse> {
    let refuse = |code: ReturnCode, ctx: &Ctx<'_>| DoRefundResponse {
        transaction: bare(ctx),
        ..DoRefundResponse::new(PaylineResult::documented(code))
    };
    let Some(mut payment) =
        ledger::get(ctx.conn, &ctx.merchant.id, req.transaction_id.trim()).await?
    else {
        return Ok(refuse(ReturnCode::INVALID_TRANSACTION_ID, ctx));
    };
    // A refund given a capture's id refunds the payment that capture belongs to.
    if payment.kind == Kind::Capture {
        let Some(parent) = payment.original_id.clone() else {
            return Ok(refuse(ReturnCode::INVALID_TRANSACTION, ctx));
        };
        let Some(p) = ledger::get(ctx.conn, &ctx.merchant.id, &parent).await? else {
            return Ok(refuse(ReturnCode::INVALID_TRANSACTION, ctx));
        };
        payment = p;
    }
    if !matches!(
        payment.kind,
        Kind::Authorization | Kind::ReAuthorization | Kind::Debit
    ) || !payment.accepted
    {
        return Ok(refuse(ReturnCode::INVALID_TRANSACTION, ctx));
    }
    let Some(amount) = amount_of(req.payment.amount) else {
        return Ok(refuse(ReturnCode::INVALID_FIELD_FORMAT, ctx));
    };
    let currency = i64::from(req.payment.currency.numeric());
    if currency != payment.currency {
        return Ok(refuse(ReturnCode::INVALID_FIELD_FORMAT, ctx));
    }
    let amount = i64::try_from(amount).unwrap_or(i64::MAX);
    let captured = captured_amount(ctx.conn, &payment).await?;
    if captured == 0 {
        return Ok(refuse(ReturnCode::NOT_YET_CAPTURED, ctx));
    }
    let refunded = refunded_amount(ctx.conn, &payment.id).await?;
    if refunded.saturating_add(amount) > captured {
        return Ok(refuse(ReturnCode::MAX_CAPTURE_OR_REFUND_SUM_EXCEEDED, ctx));
    }
    let mut refund = follow_up(
        ctx,
        Kind::Refund,
        421,
        &payment,
        amount,
        currency,
        State::Refunded,
    );
    refund.settles_at = Some(rules::settlement_time(ctx.now));
    ledger::insert(ctx.conn, &ctx.merchant.id, &refund).await?;
    Ok(DoRefundResponse {
        transaction: transaction(&refund.id, ctx.now, false, "N"),
        ..DoRefundResponse::new(PaylineResult::documented(ReturnCode::APPROVED))
    })
}

/// The refusals doCredit and doDebit share before the card is read, in this order: contract
/// (`02303`), the operation's own action (`02321`), mode CPT only (`02308`, Payline action and
/// mode codes), an amount above zero (`02305`).
fn check_card_movement(
    ctx: &Ctx<'_>,
    payment: &Payment,
    action: u16,
) -> std::result::Result<(ContractConfig, u64), ReturnCode> {
    let contract_number = payment.contract_number.as_deref().unwrap_or_default();
    let contract = ctx
        .merchant
        .contract(contract_number.trim())
        .cloned()
        .ok_or(ReturnCode::INVALID_CONTRACT_NUMBER)?;
    if payment.action.code() != action {
        return Err(ReturnCode::INVALID_ACTION);
    }
    if payment.mode.as_str() != "CPT" {
        return Err(ReturnCode::INVALID_PAYMENT_MODE);
    }
    let amount = amount_of(payment.amount).ok_or(ReturnCode::INVALID_FIELD_FORMAT)?;
    Ok((contract, amount))
}

/// What a credit or a debit moves: its kind, payment, contract, amount and order reference.
struct Movement<'a> {
    kind: Kind,
    payment: &'a Payment,
    contract: &'a ContractConfig,
    amount: u64,
    order_ref: String,
}

/// The ledger entry of a credit or debit on `card`, accepted or refused with `code`; an
/// accepted one settles at the next sandbox midnight, like a capture.
fn card_movement(ctx: &Ctx<'_>, m: Movement<'_>, card: &ResolvedCard, code: ReturnCode) -> Entry {
    let ok = accepted(code);
    Entry {
        id: new_transaction_id(),
        kind: m.kind,
        action: i64::from(m.payment.action.code()),
        mode: "CPT".to_owned(),
        contract_number: m.contract.number.clone(),
        order_ref: m.order_ref,
        amount: i64::try_from(m.amount).unwrap_or(i64::MAX),
        currency: i64::from(m.payment.currency.numeric()),
        result_code: code,
        accepted: ok,
        state: match (ok, m.kind) {
            (false, _) => State::Refused,
            (true, Kind::Credit) => State::Credited,
            (true, _) => State::Captured,
        },
        card_type: Some(card.card_type.clone()),
        card_brand: m
            .payment
            .card_brand
            .clone()
            .filter(|b| !b.trim().is_empty()),
        masked_card: Some(card.masked.clone()),
        token: Some(card.token.clone()),
        expiry: card.expiry.clone(),
        three_d_secure: "N".to_owned(),
        eci: None,
        liability_shift: false,
        authorization_number: None,
        original_id: None,
        is_duplicated: false,
        created_at: ctx.now,
        settles_at: ok.then(|| rules::settlement_time(ctx.now)),
    }
}

/// The bank's answer to a credit or a debit: the card-number simulation of Payline's
/// homologation (10th digit 9, then the `01xxx` code); the amount simulation is documented for
/// authorizations only (Payline test data, return-code simulation).
fn movement_outcome(card: &ResolvedCard) -> ReturnCode {
    scenarios::outcome_by_card_number(card.pan.expose(), |c| c.known().is_some())
        .unwrap_or(ReturnCode::APPROVED)
}

/// doCredit: a stand-alone credit to a card (action 422). Refused, with nothing stored, for an
/// unknown contract (`02303`), another action (`02321`), another mode than CPT (`02308`), no
/// amount (`02305`) or a card that does not pass the checks (number, expiry, token: the codes
/// of [`resolve_card`]); refused by the bank, stored as `REFUSED`, for a card simulating a
/// bank refusal.
pub(crate) async fn do_credit(ctx: &mut Ctx<'_>, req: DoCreditRequest) -> Result<DoCreditResponse> {
    let refuse = |code: ReturnCode, ctx: &Ctx<'_>| DoCreditResponse {
        transaction: bare(ctx),
        ..DoCreditResponse::new(PaylineResult::documented(code))
    };
    let (contract, amount) = match check_card_movement(ctx, &req.payment, 422) {
        Ok(v) => v,
        Err(code) => return Ok(refuse(code, ctx)),
    };
    let order_ref = req
        .order
        .as_ref()
        .map(|o| o.r#ref.trim().to_owned())
        .unwrap_or_default();
    let card = match resolve_card(ctx, &req.card, &contract, &order_ref, false).await? {
        Ok(c) => c,
        Err(code) => return Ok(refuse(code, ctx)),
    };
    let code = movement_outcome(&card);
    let movement = Movement {
        kind: Kind::Credit,
        payment: &req.payment,
        contract: &contract,
        amount,
        order_ref,
    };
    let entry = card_movement(ctx, movement, &card, code);
    ledger::insert(ctx.conn, &ctx.merchant.id, &entry).await?;
    Ok(DoCreditResponse {
        result: PaylineResult::documented(code),
        transaction: transaction(&entry.id, ctx.now, false, "N"),
        card: card_out(
            Some(&card.masked),
            Some(&card.card_type),
            card.expiry.as_deref(),
            Some(&card.token),
        ),
        extended_card: extended_card(Some(&card.card_type)),
    })
}

/// doDebit: a debit of a card (action 204) under an authorization the merchant obtained out of
/// band, by phone for instance, whose number and date it gives (Payline doCredit / doDebit).
/// The refusals of doCredit, plus `02305` without the authorization's number or date or
/// without an order reference. An accepted debit is captured at once (settled at the next
/// sandbox midnight): doReset cancels it before, doRefund refunds it after.
pub(crate) async fn do_debit(ctx: &mut Ctx<'_>, req: DoDebitRequest) -> Result<DoDebitResponse> {
    let refuse = |code: ReturnCode, ctx: &Ctx<'_>| DoDebitResponse {
        transaction: bare(ctx),
        ..DoDebitResponse::new(PaylineResult::documented(code))
    };
    let (contract, amount) = match check_card_movement(ctx, &req.payment, 204) {
        Ok(v) => v,
        Err(code) => return Ok(refuse(code, ctx)),
    };
    let number = req.authorization.number.trim().to_owned();
    if number.is_empty() || req.authorization.date.trim().is_empty() {
        return Ok(refuse(ReturnCode::INVALID_FIELD_FORMAT, ctx));
    }
    let order_ref = req.order.r#ref.trim().to_owned();
    if order_ref.is_empty() {
        return Ok(refuse(ReturnCode::INVALID_FIELD_FORMAT, ctx));
    }
    let card = match resolve_card(ctx, &req.card, &contract, &order_ref, false).await? {
        Ok(c) => c,
        Err(code) => return Ok(refuse(code, ctx)),
    };
    let code = movement_outcome(&card);
    let movement = Movement {
        kind: Kind::Debit,
        payment: &req.payment,
        contract: &contract,
        amount,
        order_ref,
    };
    let mut entry = card_movement(ctx, movement, &card, code);
    entry.authorization_number = entry.accepted.then_some(number);
    ledger::insert(ctx.conn, &ctx.merchant.id, &entry).await?;
    // Payline URL notification TRS, as for any new payment (Payline notifications).
    let url = ctx.merchant.notification_url.clone();
    outbox::enqueue(
        ctx.conn,
        &ctx.merchant.id,
        url.as_deref(),
        outbox::Kind::Trs,
        &[("transactionId", entry.id.as_str())],
        ctx.now,
    )
    .await?;
    Ok(DoDebitResponse {
        result: PaylineResult::documented(code),
        transaction: transaction(&entry.id, ctx.now, false, "N"),
        card: card_out(
            Some(&card.masked),
            Some(&card.card_type),
            card.expiry.as_deref(),
            Some(&card.token),
        ),
        extended_card: extended_card(Some(&card.card_type)),
    })
}

/// doReAuthorization: a new authorization on the card of an earlier transaction, with its
/// capture or without (`payment.action`: 100 an authorization only, captured with doCapture
/// within its own 7-day validity; 101, and 202 as Payline's samples send it, an authorization
/// and its capture; any other `02321`), with the rules of Payline's re-authorization page
/// (numbered as there):
/// 1–2 accepted authorizations, auth+captures and re-authorizations qualify; 3 up to 11 months
/// after the original's creation (`02602` after); 4 same contract (`02303`); 5 order reference
/// copied when none is given; 6 a duplicate within 24 h unless the reference differs (`02001`);
/// 7 allowed on a cancelled transaction; 8 never a liability shift; 9 no amount rule; 10 same
/// currency (`02620`, nothing stored); 11 the contract's re-authorization option (`02619`).
pub(crate) async fn do_re_authorization(
    ctx: &mut Ctx<'_>,
    req: DoReAuthorizationRequest,
) -> Result<DoReAuthorizationResponse> {
    let refuse = |code: ReturnCode, ctx: &Ctx<'_>| DoReAuthorizationResponse {
        transaction: bare(ctx),
        ..DoReAuthorizationResponse::new(PaylineResult::documented(code))
    };
    let Some(original) = ledger::get(ctx.conn, &ctx.merchant.id, req.transaction_id.trim()).await?
    else {
        return Ok(refuse(ReturnCode::INVALID_TRANSACTION_ID, ctx));
    };
    // Rules 1, 2 and 7: accepted authorizations (any capture state, cancelled too) and
    // re-authorizations.
    if !matches!(original.kind, Kind::Authorization | Kind::ReAuthorization) || !original.accepted {
        return Ok(refuse(ReturnCode::INVALID_TRANSACTION, ctx));
    }
    let Some(contract) = ctx.merchant.contract(&original.contract_number).cloned() else {
        return Ok(refuse(ReturnCode::INVALID_CONTRACT_NUMBER, ctx));
    };
    // Rule 11.
    if !contract.reauthorization {
        return Ok(refuse(ReturnCode::NO_REAUTHORIZATION_OPTION, ctx));
    }
    // Rule 4.
    if req
        .payment
        .contract_number
        .as_deref()
        .is_some_and(|c| !c.trim().is_empty() && c.trim() != original.contract_number)
    {
        return Ok(refuse(ReturnCode::INVALID_CONTRACT_NUMBER, ctx));
    }
    // The re-authorization's own action (Payline payment object, action codes).
    let action = i64::from(req.payment.action.code());
    if !matches!(action, 100 | 101 | 202) {
        return Ok(refuse(ReturnCode::INVALID_ACTION, ctx));
    }
    // Rule 10: refused without storing anything.
    let currency = i64::from(req.payment.currency.numeric());
    if currency != original.currency {
        return Ok(refuse(ReturnCode::CURRENCY_DIFFERS_FROM_ORIGINAL, ctx));
    }
    // Rule 3.
    if ctx.now > rules::reauthorization_deadline(original.created_at) {
        return Ok(refuse(ReturnCode::AUTHORIZATION_EXPIRED, ctx));
    }
    // Rule 9: any amount.
    let Some(amount) = amount_of(req.payment.amount) else {
        return Ok(refuse(ReturnCode::INVALID_FIELD_FORMAT, ctx));
    };
    // Rule 5.
    let order_ref = match req.order.r#ref.trim() {
        "" => original.order_ref.clone(),
        given => given.to_owned(),
    };
    let Some(token) = original.token.clone() else {
        return Ok(refuse(ReturnCode::INVALID_TRANSACTION, ctx));
    };
    let Some(stored) = tokens::lookup(ctx.conn, ctx.vault, &ctx.merchant.id, &token).await? else {
        return Ok(refuse(ReturnCode::NO_CARD_FOR_TOKEN, ctx));
    };
    let mut entry = follow_up(
        ctx,
        Kind::ReAuthorization,
        action,
        &original,
        i64::try_from(amount).unwrap_or(i64::MAX),
        currency,
        State::Refused,
    );
    entry.order_ref = order_ref.clone();
    entry.card_brand = original.card_brand.clone();
    // Rule 6.
    let code = if is_duplicate(ctx.conn, &ctx.merchant.id, &order_ref, ctx.now).await? {
        entry.is_duplicated = true;
        ReturnCode::DUPLICATE_TRANSACTION
    } else {
        bank_outcome(&stored.pan, amount)
    };
    entry.result_code = code;
    entry.accepted = accepted(code);
    // Rule 8: the buyer is absent, no authentication, no liability shift.
    entry.three_d_secure = "N".to_owned();
    entry.liability_shift = false;
    if entry.accepted {
        entry.authorization_number = Some(new_authorization_number());
        if captured_at_once(&entry) {
            entry.state = State::Captured;
            entry.settles_at = Some(rules::settlement_time(ctx.now));
        } else {
            // Action 100: authorized, valid 7 days from now, like any authorization (it
            // expires in `ledger::sweep` unless captured).
            entry.state = State::Authorized;
        }
    }
    ledger::insert(ctx.conn, &ctx.merchant.id, &entry).await?;
    Ok(DoReAuthorizationResponse {
        result: PaylineResult::documented(code),
        transaction: transaction(&entry.id, ctx.now, entry.is_duplicated, "N"),
        card: card_out(
            Some(&stored.masked),
            Some(&stored.card_type),
            original.expiry.as_deref(),
            Some(&stored.token),
        ),
        extended_card: extended_card(Some(&stored.card_type)),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use time::macros::date;

    fn short(s: &str) -> Option<ShortDate> {
        Some(s.parse().expect("dd/mm/yy"))
    }

    /// (mode, action, differedActionDate, authorization day) → outcome.
    type Case = (
        &'static str,
        i64,
        Option<ShortDate>,
        Date,
        std::result::Result<Option<Date>, ReturnCode>,
    );

    #[test]
    fn differed_action_date_rules() {
        let today = date!(2026 - 11 - 25);
        let cases: &[Case] = &[
            ("CPT", 101, None, today, Ok(None)),
            (
                "CPT",
                100,
                short("27/11/26"),
                today,
                Err(ReturnCode::INVALID_FIELD_FORMAT),
            ),
            (
                "NX",
                101,
                short("27/11/26"),
                today,
                Err(ReturnCode::INVALID_FIELD_FORMAT),
            ),
            ("DIF", 100, short("25/11/26"), today, Ok(Some(today))),
            (
                "DIF",
                100,
                short("01/12/26"),
                today,
                Ok(Some(date!(2026 - 12 - 01))),
            ),
            (
                "DIF",
                100,
                short("02/12/26"),
                today,
                Err(ReturnCode::INVALID_FIELD_FORMAT),
            ),
            (
                "DIF",
                100,
                short("24/11/26"),
                today,
                Err(ReturnCode::INVALID_FIELD_FORMAT),
            ),
            (
                "DIF",
                100,
                None,
                today,
                Err(ReturnCode::INVALID_FIELD_FORMAT),
            ),
            (
                "DIF",
                101,
                short("27/11/26"),
                today,
                Err(ReturnCode::INVALID_ACTION),
            ),
            // doScheduledWalletPayment: from the scheduled day to 6 days after it.
            (
                "DIF",
                100,
                short("10/12/26"),
                date!(2026 - 12 - 04),
                Ok(Some(date!(2026 - 12 - 10))),
            ),
            (
                "DIF",
                100,
                short("11/12/26"),
                date!(2026 - 12 - 04),
                Err(ReturnCode::INVALID_FIELD_FORMAT),
            ),
            (
                "DIF",
                100,
                short("03/12/26"),
                date!(2026 - 12 - 04),
                Err(ReturnCode::INVALID_FIELD_FORMAT),
            ),
            // Across a year end.
            (
                "DIF",
                100,
                short("03/01/27"),
                date!(2026 - 12 - 28),
                Ok(Some(date!(2027 - 01 - 03))),
            ),
            (
                "DIF",
                100,
                short("04/01/27"),
                date!(2026 - 12 - 28),
                Err(ReturnCode::INVALID_FIELD_FORMAT),
            ),
        ];
        for (mode, action, d, day, want) in cases {
            assert_eq!(
                check_deferred(mode, *action, *d, *day, today.min(*day)),
                *want,
                "{mode} {action} {d:?} {day}"
            );
        }
    }
}
