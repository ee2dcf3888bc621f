//! Payment records managed by the gateway (Payline doRecurrentWalletPayment,
//! doScheduledWalletPayment, getPaymentRecord, disablePaymentRecord, updatePaymentRecord,
//! getBillingRecord, updateBillingRecord) and the billing of one due date.
//!
//! A payment record holds the schedule ([`crate::schedule`]); each due date is a billing
//! record (status 0 future, 1 paid, 2 refused, 3 retry scheduled, 4 disabled after repeated
//! refusals). Finite schedules get every billing record at registration; an open-ended one gets
//! the next record when a due date is processed.

use payline_protocol::messages::{
    DisablePaymentRecordRequest, DisablePaymentRecordResponse, DoRecurrentWalletPaymentRequest,
    DoRecurrentWalletPaymentResponse, DoScheduledWalletPaymentRequest,
    DoScheduledWalletPaymentResponse, GetBillingRecordRequest, GetBillingRecordResponse,
    GetPaymentRecordRequest, GetPaymentRecordResponse, UpdateBillingRecordRequest,
    UpdateBillingRecordResponse, UpdatePaymentRecordRequest, UpdatePaymentRecordResponse,
};
use payline_protocol::objects::{
    BillingRecord, BillingRecordList, PaylineResult, PrivateDataList, Recurring,
};
use payline_protocol::values::{
    Amount, BillingCycle as WireCycle, BillingRecordStatus, DateTimeMinutes, ReturnCode,
};
use sqlx::SqliteConnection;
use time::{Date, OffsetDateTime, Time};

use super::answer::{bank_refusal, transaction};
use super::card::usable_card;
use super::ctx::Ctx;
use super::wallets::{self, WalletCharge};
use crate::error::Result;
use crate::schedule::{self, BillingCycle, MAX_TRIES, RETRY_DELAY, Schedule};
use crate::store::billing_records::{self as billings, BillingRow, BillingStatus};
use crate::store::outbox;
use crate::store::payment_records::{self as records_store, NewRecord, PaymentRecord, load};

fn to_date(d: payline_protocol::values::Date) -> Option<Date> {
    let month = time::Month::try_from(d.month()).ok()?;
    Date::from_calendar_date(i32::from(d.year()), month, d.day()).ok()
}

fn to_wire_date(d: Date) -> Option<payline_protocol::values::Date> {
    payline_protocol::values::Date::new(u16::try_from(d.year()).ok()?, u8::from(d.month()), d.day())
}

fn due_instant(d: Date) -> i64 {
    d.with_time(Time::MIDNIGHT).assume_utc().unix_timestamp()
}

fn amount_u(v: Option<Amount>) -> Option<u64> {
    v.map(Amount::minor)
}

fn i(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn u(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn payline_datetime(t: i64) -> String {
    OffsetDateTime::from_unix_timestamp(t)
        .map(super::answer::payline_date)
        .unwrap_or_default()
}

fn billing_out(b: &BillingRow) -> Option<BillingRecord> {
    let mut out = BillingRecord::new(
        to_wire_date(b.date)?,
        Amount::from_minor(u(b.amount))?,
        b.status.wire(),
    );
    out.nb_try = Some(b.nb_try.to_string());
    out.rank = Some(b.rank.to_string());
    if let Some(code) = b.result_code {
        out.result = Some(PaylineResult::documented(code));
    }
    if let (Some(id), Some(at)) = (&b.transaction_id, b.executed_at) {
        let at = OffsetDateTime::from_unix_timestamp(at).unwrap_or(OffsetDateTime::UNIX_EPOCH);
        out.transaction = Some(transaction(id, at, false, "N"));
    }
    Some(out)
}

fn list_out(rows: &[BillingRow]) -> BillingRecordList {
    BillingRecordList {
        billing_record: rows.iter().filter_map(billing_out).collect(),
    }
}

fn recurring_out(r: &PaymentRecord) -> Option<Recurring> {
    let s = &r.schedule;
    let mut out = Recurring::new(Amount::from_minor(s.amount)?, wire_cycle(s.cycle));
    out.first_amount = Amount::from_minor(s.first_amount);
    out.billing_left = s.billing_left.map(|l| l.to_string()).unwrap_or_default();
    out.billing_day = s.billing_day.map(|d| format!("{d:02}"));
    out.start_date = to_wire_date(s.start);
    out.end_date = s
        .end
        .and_then(to_wire_date)
        .and_then(|d| DateTimeMinutes::new(d, 0, 0));
    if let Some((amount, from)) = s.new_amount {
        out.new_amount = Amount::from_minor(amount);
        out.amount_modification_date =
            to_wire_date(from).and_then(|d| DateTimeMinutes::new(d, 0, 0));
    }
    Some(out)
}

fn wire_cycle(cycle: BillingCycle) -> WireCycle {
    match cycle {
        BillingCycle::Daily => WireCycle::DAILY,
        BillingCycle::Weekly => WireCycle::WEEKLY,
        BillingCycle::TwiceAMonth => WireCycle::TWICE_A_MONTH,
        BillingCycle::Monthly => WireCycle::MONTHLY,
        BillingCycle::EveryTwoMonths => WireCycle::EVERY_TWO_MONTHS,
        BillingCycle::Quarterly => WireCycle::QUARTERLY,
        BillingCycle::EverySixMonths => WireCycle::EVERY_SIX_MONTHS,
        BillingCycle::Yearly => WireCycle::YEARLY,
        BillingCycle::EveryTwoYears => WireCycle::EVERY_TWO_YEARS,
    }
}

/// The schedule of a request, or `02509` (invalid recurring option).
fn schedule_of(rec: &Recurring, start: Date) -> std::result::Result<Schedule, ReturnCode> {
    let cycle = BillingCycle::from_code(u32::from(rec.billing_cycle.code()))
        .ok_or(ReturnCode::INVALID_RECURRING_OPTION)?;
    let billing_left = match rec.billing_left.trim() {
        "" => None,
        s => Some(
            s.parse::<u32>()
                .ok()
                .filter(|n| (1..=schedule::MAX_BILLINGS).contains(n))
                .ok_or(ReturnCode::INVALID_RECURRING_OPTION)?,
        ),
    };
    let billing_day = match rec
        .billing_day
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(s) => Some(
            s.parse::<u8>()
                .ok()
                .filter(|d| (1..=31).contains(d))
                .ok_or(ReturnCode::INVALID_RECURRING_OPTION)?,
        ),
    };
    let new_amount = match (amount_u(rec.new_amount), rec.amount_modification_date) {
        (Some(a), Some(d)) => Some((
            a,
            to_date(d.date()).ok_or(ReturnCode::INVALID_RECURRING_OPTION)?,
        )),
        (None, None) => None,
        _ => return Err(ReturnCode::INVALID_RECURRING_OPTION),
    };
    let end = rec.end_date.and_then(|d| to_date(d.date()));
    Ok(Schedule {
        cycle,
        start,
        billing_day,
        billing_left,
        end,
        first_amount: amount_u(rec.first_amount).unwrap_or(rec.amount.minor()),
        amount: rec.amount.minor(),
        new_amount,
    })
}

async fn insert_record(ctx: &mut Ctx<'_>, n: &NewRecord<'_>) -> Result<String> {
    let id = records_store::insert(ctx.conn, &ctx.merchant.id, n, ctx.now.unix_timestamp()).await?;
    let s = n.schedule;
    // Finite schedules: every due date now; open-ended: the first (the next ones follow).
    let dates = if s.billing_left.is_some() || s.end.is_some() {
        s.due_dates()
    } else {
        s.due_date(1).map(|d| vec![(1, d)]).unwrap_or_default()
    };
    for (rank, date) in dates {
        billings::insert(
            ctx.conn,
            &id,
            rank,
            date,
            due_instant(date),
            i(s.amount_of(rank, date)),
        )
        .await?;
    }
    Ok(id)
}

/// Bills the record's due dates that fell due at `ctx.now` (used at registration).
async fn bill_due(ctx: &mut Ctx<'_>, record_id: &str) -> Result<()> {
    for (id, status, nb_try, next) in
        billings::due_of_record(ctx.conn, record_id, ctx.now.unix_timestamp()).await?
    {
        if billings::claim(ctx.conn, id, status, nb_try, next).await? {
            bill(ctx, id).await?;
        }
    }
    Ok(())
}

/// Bills a claimed billing record at `ctx.now`: authorization + capture on the wallet card,
/// recorded in the ledger and linked to the record; then the status per the retry policy
/// ([`MAX_TRIES`] tries one day apart for bank refusals, then status 4; a refusal by the gateway
/// itself — wallet disabled or unknown, card expired or no longer accepted — is final, status 2);
/// a BILL notification; the next due date of an open-ended schedule.
pub(crate) async fn bill(ctx: &mut Ctx<'_>, billing_id: i64) -> Result<()> {
    let (b, record_id) = billings::by_id(ctx.conn, billing_id).await?;
    let Some(rec) = load(ctx.conn, &ctx.merchant.id, &record_id).await? else {
        return Err(crate::error::SandboxError::Bug(
            "billing record without payment record",
        ));
    };
    let ind = rec.card_ind.to_string();
    // Mode DIF: an authorization only, captured by the gateway on the record's
    // differedActionDate; otherwise authorization + capture.
    let action = if rec.mode == "DIF" { 100 } else { 101 };
    let (code, entry_id) =
        match usable_card(ctx.conn, &ctx.merchant.id, &rec.wallet_id, Some(&ind)).await? {
            Err(code) => (code, None),
            Ok((_, card)) => {
                let spec = WalletCharge {
                    contract_number: &rec.contract_number,
                    order_ref: &rec.order_ref,
                    amount: b.amount,
                    currency: rec.currency,
                    action,
                    mode: &rec.mode,
                };
                let (code, entry) = wallets::charge(ctx, &card, &spec).await?;
                super::payments::plan_deferred(
                    ctx,
                    &entry,
                    rec.differed_action_date,
                    Some(&rec.wallet_id),
                )
                .await?;
                (code, Some(entry.id))
            }
        };
    let now = ctx.now.unix_timestamp();
    let (status, next) = if super::answer::accepted(code) {
        (BillingStatus::Paid, b.next_try_at)
    } else if bank_refusal(code) && b.nb_try < i64::from(MAX_TRIES) {
        (BillingStatus::Retry, now + RETRY_DELAY.whole_seconds())
    } else if bank_refusal(code) {
        (BillingStatus::Disabled, b.next_try_at)
    } else {
        (BillingStatus::Refused, b.next_try_at)
    };
    billings::record_try(
        ctx.conn,
        billing_id,
        status,
        next,
        code,
        entry_id.as_deref(),
        now,
    )
    .await?;
    let url = ctx.merchant.notification_url.clone();
    let date = schedule::payline_day(b.date);
    let tid = entry_id.clone().unwrap_or_default();
    let params = [
        ("paymentRecordId", rec.id.as_str()),
        ("walletId", rec.wallet_id.as_str()),
        ("transactionId", tid.as_str()),
        ("billingRecordDate", date.as_str()),
        ("orderRef", rec.order_ref.as_str()),
    ];
    outbox::enqueue(
        ctx.conn,
        &ctx.merchant.id,
        url.as_deref(),
        outbox::Kind::Bill,
        &params,
        ctx.now,
    )
    .await?;
    // Open-ended schedule: the next due date.
    if let Some((rank, date)) = u32::try_from(b.rank + 1)
        .ok()
        .and_then(|r| rec.schedule.due_date(r).map(|d| (r, d)))
    {
        billings::insert(
            ctx.conn,
            &rec.id,
            rank,
            date,
            due_instant(date),
            i(rec.schedule.amount_of(rank, date)),
        )
        .await?;
    }
    Ok(())
}

/// doRecurrentWalletPayment: mode NX or REC (`02308`), wallet (`02503`, `02505`), card type on
/// the contract (`02541`), recurring options and the NX amount rule (`02509`), `cvx` (`01130`,
/// [`wallets::check_wallet_cvx`], bound to `orderRef`); the record is
/// created even when the card expires before the last due date, with `02506` as a warning.
pub(crate) async fn do_recurrent_wallet_payment(
    ctx: &mut Ctx<'_>,
    req: DoRecurrentWalletPaymentRequest,
) -> Result<DoRecurrentWalletPaymentResponse> {
    let refuse =
        |code: ReturnCode| DoRecurrentWalletPaymentResponse::new(PaylineResult::documented(code));
    let mode = req.payment.mode.as_str().to_owned();
    if mode != "NX" && mode != "REC" {
        return Ok(refuse(ReturnCode::INVALID_PAYMENT_MODE));
    }
    let contract_number = req.payment.contract_number.clone().unwrap_or_default();
    let Some(contract) = ctx.merchant.contract(&contract_number).cloned() else {
        return Ok(refuse(ReturnCode::INVALID_CONTRACT_NUMBER));
    };
    let order_ref = req.order_ref.trim().to_owned();
    let Some(payment_amount) = amount_u(req.payment.amount).filter(|a| *a > 0) else {
        return Ok(refuse(ReturnCode::INVALID_FIELD_FORMAT));
    };
    if order_ref.is_empty() {
        return Ok(refuse(ReturnCode::INVALID_FIELD_FORMAT));
    }
    let (_, card) = match usable_card(
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
    if !contract.accepts(&card.card_type) {
        return Ok(refuse(ReturnCode::CARD_NOT_ELIGIBLE));
    }
    let Some(scheduled) = to_date(req.scheduled_date) else {
        return Ok(refuse(ReturnCode::INVALID_FIELD_FORMAT));
    };
    let start = req
        .recurring
        .start_date
        .and_then(to_date)
        .unwrap_or(scheduled);
    if start < ctx.now.date() {
        return Ok(refuse(ReturnCode::INVALID_FIELD_FORMAT));
    }
    let s = match schedule_of(&req.recurring, start) {
        Ok(s) => s,
        Err(code) => return Ok(refuse(code)),
    };
    if mode == "NX" {
        let Some(left) = s.billing_left else {
            return Ok(refuse(ReturnCode::INVALID_RECURRING_OPTION));
        };
        if !schedule::nx_amount_consistent(
            payment_amount,
            amount_u(req.recurring.first_amount),
            s.amount,
            left,
        ) {
            return Ok(refuse(ReturnCode::INVALID_RECURRING_OPTION));
        }
    }
    let outlives = schedule::card_last_day(&card.expiry).is_none_or(|last| s.outlives_card(last));
    // authentication3DSecure (v27): verified for the buyer-present registration, bound to
    // payment.amount; the later due dates are merchant-initiated.
    let spec = WalletCharge {
        contract_number: &contract_number,
        order_ref: &order_ref,
        amount: i(payment_amount),
        currency: i64::from(req.payment.currency.numeric()),
        action: 101,
        mode: &mode,
    };
    // cvx (v27): the card's CVV, or the tokenizer's virtual CVV issued for `orderRef` (the
    // reference the record and its due dates carry), consumed once; a wrong one refuses the
    // registration with `01130` and creates nothing.
    if let Err(code) = wallets::check_wallet_cvx(ctx, &card, &order_ref, req.cvx.as_ref()).await? {
        return Ok(refuse(code));
    }
    let authenticated = match wallets::verify_schedule_authentication(
        ctx,
        &card,
        &spec,
        req.authentication_3d_secure.as_ref(),
    )
    .await?
    {
        Ok(a) => a,
        Err(code) => return Ok(refuse(code)),
    };
    let n = NewRecord {
        wallet_id: req.wallet_id.trim(),
        card_ind: card.card_ind,
        contract_number: &contract_number,
        mode: &mode,
        order_ref: &order_ref,
        order_date: req.order_date.to_string(),
        currency: i64::from(req.payment.currency.numeric()),
        payment_amount,
        schedule: &s,
    };
    let id = insert_record(ctx, &n).await?;
    // A due date of today is billed now, in this operation.
    bill_due(ctx, &id).await?;
    if let Some(done) = &authenticated {
        wallets::authenticate_first_billing(ctx.conn, &id, done).await?;
    }
    let rows = billings::all(ctx.conn, &id).await?;
    Ok(DoRecurrentWalletPaymentResponse {
        result: PaylineResult::documented(if outlives {
            ReturnCode::CARD_EXPIRES_BEFORE_SCHEDULE
        } else {
            ReturnCode::OPERATION_SUCCESSFUL
        }),
        payment_record_id: id,
        billing_record_list: list_out(&rows),
    })
}

/// doScheduledWalletPayment: one payment on `scheduledDate`, as a one-due-date record
/// (`02503`, `02505`; `02506` when the card expires before the date, nothing created). Mode
/// DIF: the due date is an authorization (action 100) captured on `differedActionDate`, which
/// lies within 6 days of `scheduledDate` (`02305`, `02321`, see [`super::payments::check_deferred`]).
pub(crate) async fn do_scheduled_wallet_payment(
    ctx: &mut Ctx<'_>,
    req: DoScheduledWalletPaymentRequest,
) -> Result<DoScheduledWalletPaymentResponse> {
    let refuse =
        |code: ReturnCode| DoScheduledWalletPaymentResponse::new(PaylineResult::documented(code));
    let mode = req.payment.mode.as_str().to_owned();
    if mode != "CPT" && mode != "DIF" {
        return Ok(refuse(ReturnCode::INVALID_PAYMENT_MODE));
    }
    let contract_number = req.payment.contract_number.clone().unwrap_or_default();
    if ctx.merchant.contract(&contract_number).is_none() {
        return Ok(refuse(ReturnCode::INVALID_CONTRACT_NUMBER));
    }
    let Some(amount) = amount_u(req.payment.amount).filter(|a| *a > 0) else {
        return Ok(refuse(ReturnCode::INVALID_FIELD_FORMAT));
    };
    let order_ref = req
        .order_ref
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .or(req.order.as_ref().map(|o| o.r#ref.trim()))
        .unwrap_or_default()
        .to_owned();
    if order_ref.is_empty() {
        return Ok(refuse(ReturnCode::INVALID_FIELD_FORMAT));
    }
    let (_, card) = match usable_card(
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
    let Some(date) = to_date(req.scheduled_date).filter(|d| *d >= ctx.now.date()) else {
        return Ok(refuse(ReturnCode::INVALID_FIELD_FORMAT));
    };
    // Mode DIF: the due date's authorization is captured on differedActionDate, at most 6 days
    // after the scheduled date.
    let action = i64::from(req.payment.action.code());
    let capture_date = match super::payments::check_deferred(
        &mode,
        action,
        req.payment.differed_action_date,
        date,
        ctx.now.date(),
    ) {
        Ok(d) => d,
        Err(code) => return Ok(refuse(code)),
    };
    if schedule::card_last_day(&card.expiry).is_none_or(|last| date > last) {
        return Ok(refuse(ReturnCode::CARD_EXPIRES_BEFORE_SCHEDULE));
    }
    let spec = WalletCharge {
        contract_number: &contract_number,
        order_ref: &order_ref,
        amount: i(amount),
        currency: i64::from(req.payment.currency.numeric()),
        action: 101,
        mode: &mode,
    };
    let authenticated = match wallets::verify_schedule_authentication(
        ctx,
        &card,
        &spec,
        req.authentication_3d_secure.as_ref(),
    )
    .await?
    {
        Ok(a) => a,
        Err(code) => return Ok(refuse(code)),
    };
    let s = Schedule {
        cycle: BillingCycle::Daily,
        start: date,
        billing_day: None,
        billing_left: Some(1),
        end: None,
        first_amount: amount,
        amount,
        new_amount: None,
    };
    let n = NewRecord {
        wallet_id: req.wallet_id.trim(),
        card_ind: card.card_ind,
        contract_number: &contract_number,
        mode: &mode,
        order_ref: &order_ref,
        order_date: req.order_date.map(|d| d.to_string()).unwrap_or_default(),
        currency: i64::from(req.payment.currency.numeric()),
        payment_amount: amount,
        schedule: &s,
    };
    let id = insert_record(ctx, &n).await?;
    if let Some(d) = capture_date {
        records_store::set_capture_date(ctx.conn, &id, d).await?;
    }
    bill_due(ctx, &id).await?;
    if let Some(done) = &authenticated {
        wallets::authenticate_first_billing(ctx.conn, &id, done).await?;
    }
    Ok(DoScheduledWalletPaymentResponse {
        result: PaylineResult::documented(ReturnCode::OPERATION_SUCCESSFUL),
        payment_record_id: id,
    })
}

fn disabled_fields(rec: &PaymentRecord) -> (String, String) {
    let flag = if rec.disabled_at.is_some() { "1" } else { "0" }.to_owned();
    (
        flag,
        rec.disabled_at.map(payline_datetime).unwrap_or_default(),
    )
}

/// The same, for the responses whose `isDisabled` and `disableDate` are optional: the date is
/// left out while the record is active.
fn disabled_optional(rec: &PaymentRecord) -> (Option<String>, Option<String>) {
    let (flag, date) = disabled_fields(rec);
    (Some(flag), Some(date).filter(|d| !d.is_empty()))
}

/// getPaymentRecord: the schedule and every billing record; `02507` unknown.
pub(crate) async fn get_payment_record(
    ctx: &mut Ctx<'_>,
    req: GetPaymentRecordRequest,
) -> Result<GetPaymentRecordResponse> {
    let Some(rec) = load(ctx.conn, &ctx.merchant.id, &req.payment_record_id).await? else {
        return Ok(GetPaymentRecordResponse::new(PaylineResult::documented(
            ReturnCode::PAYMENT_RECORD_NOT_FOUND,
        )));
    };
    let rows = billings::all(ctx.conn, &rec.id).await?;
    let (is_disabled, disable_date) = disabled_optional(&rec);
    Ok(GetPaymentRecordResponse {
        result: PaylineResult::documented(ReturnCode::OPERATION_SUCCESSFUL),
        recurring: recurring_out(&rec),
        is_disabled,
        disable_date,
        billing_record_list: list_out(&rows),
        private_data_list: None,
        order: None,
        wallet_id: rec.wallet_id,
    })
}

/// disablePaymentRecord: no further due date is billed; `02508` already disabled, `02507`
/// unknown.
pub(crate) async fn disable_payment_record(
    ctx: &mut Ctx<'_>,
    req: DisablePaymentRecordRequest,
) -> Result<DisablePaymentRecordResponse> {
    let Some(rec) = load(ctx.conn, &ctx.merchant.id, &req.payment_record_id).await? else {
        return Ok(DisablePaymentRecordResponse::new(
            PaylineResult::documented(ReturnCode::PAYMENT_RECORD_NOT_FOUND),
        ));
    };
    if rec.disabled_at.is_some() {
        return Ok(DisablePaymentRecordResponse::new(
            PaylineResult::documented(ReturnCode::PAYMENT_RECORD_DISABLED),
        ));
    }
    records_store::disable(ctx.conn, &rec.id, ctx.now.unix_timestamp()).await?;
    Ok(DisablePaymentRecordResponse::new(
        PaylineResult::documented(ReturnCode::OPERATION_SUCCESSFUL),
    ))
}

/// updatePaymentRecord: `billingLeft`, `billingDay`, `endDate`, `newAmount` from
/// `amountModificationDate`; due dates not yet billed are recomputed. `02507` unknown, `02508`
/// disabled, `02509` invalid option.
pub(crate) async fn update_payment_record(
    ctx: &mut Ctx<'_>,
    req: UpdatePaymentRecordRequest,
) -> Result<UpdatePaymentRecordResponse> {
    let refuse =
        |code: ReturnCode| UpdatePaymentRecordResponse::new(PaylineResult::documented(code));
    let Some(mut rec) = load(ctx.conn, &ctx.merchant.id, &req.payment_record_id).await? else {
        return Ok(refuse(ReturnCode::PAYMENT_RECORD_NOT_FOUND));
    };
    if rec.disabled_at.is_some() {
        return Ok(refuse(ReturnCode::PAYMENT_RECORD_DISABLED));
    }
    let u = &req.recurring;
    if let Some(left) = u
        .billing_left
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let Some(n) = left
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=schedule::MAX_BILLINGS).contains(n))
        else {
            return Ok(refuse(ReturnCode::INVALID_RECURRING_OPTION));
        };
        rec.schedule.billing_left = Some(n);
    }
    if let Some(day) = u
        .billing_day
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let Some(d) = day.parse::<u8>().ok().filter(|d| (1..=31).contains(d)) else {
            return Ok(refuse(ReturnCode::INVALID_RECURRING_OPTION));
        };
        rec.schedule.billing_day = Some(d);
    }
    if let Some(end) = u.end_date {
        rec.schedule.end = to_date(end.date());
    }
    match (amount_u(u.new_amount), u.amount_modification_date) {
        (Some(a), Some(d)) => rec.schedule.new_amount = to_date(d.date()).map(|d| (a, d)),
        (None, None) => {}
        _ => return Ok(refuse(ReturnCode::INVALID_RECURRING_OPTION)),
    }
    let s = &rec.schedule;
    let finite = s.billing_left.is_some() || s.end.is_some();
    records_store::update_schedule(ctx.conn, &rec.id, s).await?;
    // Recompute the future: drop untouched future records, then lay the schedule again.
    billings::delete_untried(ctx.conn, &rec.id).await?;
    let kept = billings::all(ctx.conn, &rec.id).await?;
    let next_rank = kept.last().map_or(1, |b| b.rank + 1);
    let today = ctx.now.date();
    let first = u32::try_from(next_rank).unwrap_or(u32::MAX);
    let mut rank = first;
    while let Some(date) = s.due_date(rank) {
        if date >= today {
            billings::insert(
                ctx.conn,
                &rec.id,
                rank,
                date,
                due_instant(date),
                i(s.amount_of(rank, date)),
            )
            .await?;
            if !finite {
                break;
            }
        }
        rank = rank.saturating_add(1);
        if rank > schedule::MAX_BILLINGS {
            break;
        }
    }
    let (flag, date) = disabled_fields(&rec);
    Ok(UpdatePaymentRecordResponse {
        result: PaylineResult::documented(ReturnCode::OPERATION_SUCCESSFUL),
        recurring: recurring_out(&rec),
        is_disabled: flag,
        disable_date: date,
        private_data_list: PrivateDataList::default(),
        order: None,
        wallet_id: rec.wallet_id,
    })
}

/// getBillingRecord: one due date of a record (`02507` unknown record or billing record).
pub(crate) async fn get_billing_record(
    ctx: &mut Ctx<'_>,
    req: GetBillingRecordRequest,
) -> Result<GetBillingRecordResponse> {
    let mut out = GetBillingRecordResponse::new(PaylineResult::documented(
        ReturnCode::PAYMENT_RECORD_NOT_FOUND,
    ));
    let Some(rec) = load(ctx.conn, &ctx.merchant.id, &req.payment_record_id).await? else {
        return Ok(out);
    };
    let Some(b) = billings::by_rank(ctx.conn, &rec.id, &req.billing_record_id).await? else {
        return Ok(out);
    };
    (out.is_disabled, out.disable_date) = disabled_optional(&rec);
    out.result = PaylineResult::documented(ReturnCode::OPERATION_SUCCESSFUL);
    out.recurring = recurring_out(&rec);
    out.billing_record = billing_out(&b);
    out.wallet_id = rec.wallet_id;
    Ok(out)
}

/// updateBillingRecord: date, amount or status of a due date not yet paid (`02507` unknown,
/// `02508` record disabled, `02509` paid already or invalid value).
pub(crate) async fn update_billing_record(
    ctx: &mut Ctx<'_>,
    req: UpdateBillingRecordRequest,
) -> Result<UpdateBillingRecordResponse> {
    let refuse =
        |code: ReturnCode| UpdateBillingRecordResponse::new(PaylineResult::documented(code));
    let Some(rec) = load(ctx.conn, &ctx.merchant.id, &req.payment_record_id).await? else {
        return Ok(refuse(ReturnCode::PAYMENT_RECORD_NOT_FOUND));
    };
    if rec.disabled_at.is_some() {
        return Ok(refuse(ReturnCode::PAYMENT_RECORD_DISABLED));
    }
    let Some(b) = billings::by_rank(ctx.conn, &rec.id, &req.billing_record_id).await? else {
        return Ok(refuse(ReturnCode::PAYMENT_RECORD_NOT_FOUND));
    };
    if b.status == BillingStatus::Paid {
        return Ok(refuse(ReturnCode::INVALID_RECURRING_OPTION));
    }
    let upd = &req.billing_record_for_update;
    let mut date = b.date;
    let mut next = b.next_try_at;
    if let Some(d) = upd.date {
        let Some(d) = to_date(d).filter(|d| *d >= ctx.now.date()) else {
            return Ok(refuse(ReturnCode::INVALID_RECURRING_OPTION));
        };
        date = d;
        next = due_instant(d);
    }
    let amount = upd.amount.map_or(b.amount, |a| i(a.minor()));
    let status = match upd.status {
        None => b.status,
        // A merchant may put a due date back to future (0) or disable it (4).
        Some(s) if s == BillingRecordStatus::FUTURE => BillingStatus::Future,
        Some(s) if s == BillingRecordStatus::DISABLED => BillingStatus::Disabled,
        Some(_) => return Ok(refuse(ReturnCode::INVALID_RECURRING_OPTION)),
    };
    billings::update(ctx.conn, b.id, date, next, amount, status).await?;
    let Some(b) = billings::by_rank(ctx.conn, &rec.id, &b.rank.to_string()).await? else {
        return Ok(refuse(ReturnCode::PAYMENT_RECORD_NOT_FOUND));
    };
    let (is_disabled, disable_date) = disabled_optional(&rec);
    Ok(UpdateBillingRecordResponse {
        result: PaylineResult::documented(ReturnCode::OPERATION_SUCCESSFUL),
        recurring: recurring_out(&rec),
        is_disabled,
        disable_date,
        billing_record: billing_out(&b),
        order: None,
        private_data_list: None,
        wallet_id: rec.wallet_id,
    })
}

/// What the hosted page registers for an NX / REC payment whose first due date it has just
/// authorized.
#[derive(Debug)]
pub(crate) struct WebSchedule<'a> {
    /// Wallet holding the card.
    pub wallet_id: &'a str,
    /// Contract.
    pub contract_number: &'a str,
    /// NX or REC.
    pub mode: &'a str,
    /// Order reference.
    pub order_ref: &'a str,
    /// ISO 4217 numeric.
    pub currency: i64,
    /// payment.amount.
    pub payment_amount: u64,
    /// The recurring object of doWebPayment.
    pub recurring: &'a Recurring,
    /// The first due date's ledger entry (already authorized by the page).
    pub first_transaction: &'a str,
}

/// Checks a doWebPayment `recurring` for mode NX / REC (`02509`) and returns the amount of its
/// first due date.
pub(crate) fn web_first_amount(
    mode: &str,
    payment_amount: u64,
    rec: &Recurring,
    today: Date,
) -> std::result::Result<u64, ReturnCode> {
    let s = schedule_of(rec, rec.start_date.and_then(to_date).unwrap_or(today))?;
    if mode == "NX" {
        let left = s.billing_left.ok_or(ReturnCode::INVALID_RECURRING_OPTION)?;
        if !schedule::nx_amount_consistent(
            payment_amount,
            amount_u(rec.first_amount),
            s.amount,
            left,
        ) {
            return Err(ReturnCode::INVALID_RECURRING_OPTION);
        }
    }
    Ok(s.first_amount)
}

/// Registers the payment record of a hosted NX / REC payment; rank 1 is the page's own
/// authorization (status 1).
pub(crate) async fn register_web_schedule(
    ctx: &mut Ctx<'_>,
    w: &WebSchedule<'_>,
) -> Result<std::result::Result<(String, Vec<BillingRow>), ReturnCode>> {
    let today = ctx.now.date();
    let s = match schedule_of(w.recurring, today) {
        Ok(s) => s,
        Err(code) => return Ok(Err(code)),
    };
    let n = NewRecord {
        wallet_id: w.wallet_id,
        card_ind: 1,
        contract_number: w.contract_number,
        mode: w.mode,
        order_ref: w.order_ref,
        order_date: String::new(),
        currency: w.currency,
        payment_amount: w.payment_amount,
        schedule: &s,
    };
    let id = insert_record(ctx, &n).await?;
    billings::first_paid(ctx.conn, &id, w.first_transaction, ctx.now.unix_timestamp()).await?;
    if let Some(date) = s.due_date(2) {
        billings::insert(
            ctx.conn,
            &id,
            2,
            date,
            due_instant(date),
            i(s.amount_of(2, date)),
        )
        .await?;
    }
    let rows = billings::all(ctx.conn, &id).await?;
    Ok(Ok((id, rows)))
}

/// Billing records of a payment record as the wire list.
pub(crate) async fn billing_list(
    conn: &mut SqliteConnection,
    record_id: &str,
) -> Result<BillingRecordList> {
    Ok(list_out(&billings::all(conn, record_id).await?))
}
