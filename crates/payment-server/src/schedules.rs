//! Instalments and subscriptions (schedules contract), managed by the gateway: Payline
//! doRecurrentWalletPayment registers a payment record whose due dates Payline bills day by
//! day on the customer's wallet card, retrying refused ones by its own rule.
//!
//! ```text
//!  session (schedule) ── pending ──(checkout authorized, card in the wallet)──▶ registering
//!  registering ──doRecurrentWalletPayment──▶ active ──(every due date billed)──▶ completed
//!       │  answer lost: unknown ──(BILL notification naming its orderRef)──▶ active
//!       │                     └──(none by the first due date)──▶ failed
//!       └──(refused)──▶ failed                 active ──DELETE (disablePaymentRecord)──▶ cancelled
//! ```
//!
//! The checkout payment is the schedule's first payment (buyer present, 3-D Secure): an
//! instalment plan's checkout pays its first instalment, a subscription's the session amount.
//! What the gateway bills later is read with getPaymentRecord — at a billing notification, and
//! by the reconciler once a due date has passed — never taken from a notification's
//! parameters.
//!
//! A registration creates money movements for months, so it is never sent twice: the row
//! records its send time before the call (compare-and-set, so one sender), and a registration
//! whose answer was lost is `unknown`, not retried. The gateway names the payment record's
//! order reference in each billing notification, which settles it; without one by the first
//! due date nothing was registered, and the shop is told (`schedule.failed`).

use payline_protocol::messages::{
    DisablePaymentRecordRequest, DoRecurrentWalletPaymentRequest, GetPaymentRecordRequest,
    UpdateBillingRecordRequest, UpdatePaymentRecordRequest,
};
use payline_protocol::objects::{BillingRecordForUpdate, Payment, Recurring, RecurringForUpdate};
use payline_protocol::values::{
    Action, Amount, BillingCycle, BillingRecordStatus, Currency, Date as PDate, DateTimeMinutes,
    Mode, ReturnCode,
};
use serde::Deserialize;
use serde_json::{Value, json};
use sqlx::any::AnyRow;
use time::{Date, Duration, Month};

use crate::error::{AppError, Result};
use crate::gateway::{GatewayError, code_message};
use crate::repo;
use crate::state::AppState;
use crate::store::{int, opt_int, opt_text, text};

/// The `schedule` object of a session request.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ScheduleBody {
    kind: String,
    every: String,
    count: Option<Value>,
    amount: Option<Value>,
    start_date: Option<String>,
}

/// How often a schedule bills (Payline billingCycle codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    /// 10.
    Daily,
    /// 20.
    Weekly,
    /// 30.
    TwiceMonthly,
    /// 40.
    Monthly,
    /// 50.
    EveryTwoMonths,
    /// 60.
    Quarterly,
    /// 70.
    EverySixMonths,
    /// 80.
    Yearly,
    /// 90.
    EveryTwoYears,
}

impl Every {
    const ALL: [(Every, &'static str, BillingCycle); 9] = [
        (Every::Daily, "daily", BillingCycle::DAILY),
        (Every::Weekly, "weekly", BillingCycle::WEEKLY),
        (
            Every::TwiceMonthly,
            "twice_monthly",
            BillingCycle::TWICE_A_MONTH,
        ),
        (Every::Monthly, "monthly", BillingCycle::MONTHLY),
        (
            Every::EveryTwoMonths,
            "every_two_months",
            BillingCycle::EVERY_TWO_MONTHS,
        ),
        (Every::Quarterly, "quarterly", BillingCycle::QUARTERLY),
        (
            Every::EverySixMonths,
            "every_six_months",
            BillingCycle::EVERY_SIX_MONTHS,
        ),
        (Every::Yearly, "yearly", BillingCycle::YEARLY),
        (
            Every::EveryTwoYears,
            "every_two_years",
            BillingCycle::EVERY_TWO_YEARS,
        ),
    ];

    /// Parses the contract's name.
    pub fn parse(s: &str) -> Option<Every> {
        Self::ALL
            .iter()
            .find(|(_, n, _)| *n == s)
            .map(|(e, _, _)| *e)
    }

    /// The contract's name.
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(e, _, _)| *e == self)
            .map_or("monthly", |(_, n, _)| n)
    }

    /// Payline `billingCycle`.
    pub fn cycle(self) -> BillingCycle {
        Self::ALL
            .iter()
            .find(|(e, _, _)| *e == self)
            .map_or(BillingCycle::MONTHLY, |(_, _, c)| *c)
    }

    /// The due date one period after `d`: days for daily/weekly/twice a month (15 days), whole
    /// months otherwise, on the same day clamped to the month's end (Payline's due-date rule
    /// for month-based cycles).
    pub fn after(self, d: Date) -> Date {
        let months = match self {
            Every::Daily => return d + Duration::days(1),
            Every::Weekly => return d + Duration::days(7),
            Every::TwiceMonthly => return d + Duration::days(15),
            Every::Monthly => 1,
            Every::EveryTwoMonths => 2,
            Every::Quarterly => 3,
            Every::EverySixMonths => 6,
            Every::Yearly => 12,
            Every::EveryTwoYears => 24,
        };
        add_months(d, months)
    }
}

fn add_months(d: Date, months: i32) -> Date {
    let index = d.year() * 12 + i32::from(u8::from(d.month())) - 1 + months;
    let (y, m) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    let month = Month::try_from(u8::try_from(m).unwrap_or(1)).unwrap_or(Month::January);
    let last = month.length(y);
    Date::from_calendar_date(y, month, d.day().min(last)).unwrap_or(d)
}

/// Instalments or subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The session's amount split in `count` payments (Payline mode NX).
    Instalments,
    /// `amount` every period after the checkout (Payline mode REC).
    Subscription,
}

impl Kind {
    /// The contract's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Instalments => "instalments",
            Kind::Subscription => "subscription",
        }
    }
}

/// A checked `schedule` of a session request.
#[derive(Debug, Clone)]
pub struct NewSchedule {
    /// Kind.
    pub kind: Kind,
    /// Period.
    pub every: Every,
    /// Each payment the gateway bills.
    pub amount: i64,
    /// The checkout payment.
    pub first_amount: i64,
    /// Instalments: all payments, the checkout's included; subscription: the payments after
    /// the checkout (none: until cancelled).
    pub count: Option<i64>,
    /// A subscription's first billed date.
    pub requested_start: Option<Date>,
}

fn bad(message: &str) -> AppError {
    AppError::invalid("invalid_schedule", message.to_owned())
}

/// Checks a session's `schedule` against its amount (minor units) and today's date.
pub fn parse(b: ScheduleBody, session_amount: i64, today: Date) -> Result<NewSchedule> {
    let every = Every::parse(&b.every).ok_or_else(|| {
        bad("schedule.every must be daily, weekly, twice_monthly, monthly, every_two_months, quarterly, every_six_months, yearly or every_two_years")
    })?;
    let int_of = |v: &Option<Value>| v.as_ref().map(|v| v.as_i64().ok_or(()));
    match b.kind.as_str() {
        "instalments" => {
            if b.amount.is_some() || b.start_date.is_some() {
                return Err(bad(
                    "an instalment plan splits the session's amount: no schedule.amount or startDate",
                ));
            }
            let count = match int_of(&b.count) {
                Some(Ok(n)) if (2..=12).contains(&n) => n,
                _ => return Err(bad("schedule.count must be an integer from 2 to 12")),
            };
            // The gateway's instalments are equal (Payline NX: payment.amount = firstAmount +
            // (billingLeft − 1) × amount); the checkout's first one takes the remainder.
            let each = session_amount / count;
            if each == 0 {
                return Err(bad(
                    "the session's amount is too small for this many instalments",
                ));
            }
            Ok(NewSchedule {
                kind: Kind::Instalments,
                every,
                amount: each,
                first_amount: session_amount - each * (count - 1),
                count: Some(count),
                requested_start: None,
            })
        }
        "subscription" => {
            let amount = match int_of(&b.amount) {
                Some(Ok(a)) if a > 0 && Amount::from_minor(a.unsigned_abs()).is_some() => a,
                _ => {
                    return Err(bad(
                        "schedule.amount must be a positive integer in minor units",
                    ));
                }
            };
            let count = match int_of(&b.count) {
                None => None,
                // Payline billingLeft is N3.
                Some(Ok(n)) if (1..=999).contains(&n) => Some(n),
                _ => return Err(bad("schedule.count must be an integer from 1 to 999")),
            };
            let requested_start = match &b.start_date {
                None => None,
                Some(s) => {
                    let d = parse_iso(s)
                        .ok_or_else(|| bad("schedule.startDate must be a date YYYY-MM-DD"))?;
                    if d <= today || d > today + Duration::days(366) {
                        return Err(bad(
                            "schedule.startDate must be after today and within a year",
                        ));
                    }
                    Some(d)
                }
            };
            Ok(NewSchedule {
                kind: Kind::Subscription,
                every,
                amount,
                first_amount: session_amount,
                count,
                requested_start,
            })
        }
        _ => Err(bad("schedule.kind must be instalments or subscription")),
    }
}

/// `YYYY-MM-DD`.
pub fn parse_iso(s: &str) -> Option<Date> {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s, &f).ok()
}

fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn to_payline(d: Date) -> Option<PDate> {
    PDate::new(u16::try_from(d.year()).ok()?, u8::from(d.month()), d.day())
}

fn from_payline(d: PDate) -> Option<Date> {
    let m = Month::try_from(d.month()).ok()?;
    Date::from_calendar_date(i32::from(d.year()), m, d.day()).ok()
}

/// The UTC date of a Unix-ms instant.
pub fn date_of(ms: i64) -> Date {
    time::OffsetDateTime::from_unix_timestamp(ms / 1000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .date()
}

fn start_of(d: Date) -> i64 {
    d.midnight().assume_utc().unix_timestamp() * 1000
}

/// Inserts a session's schedule, in the session's own transaction: a session is never paid
/// without the schedule it was created with.
pub async fn insert(
    tx: &mut repo::Tx,
    s: &NewSchedule,
    session_id: &str,
    customer_id: &str,
    currency: &str,
    order_ref: &str,
    now: i64,
) -> Result<String> {
    let id = crate::ids::new_id("sch_");
    sqlx::query(
        "INSERT INTO schedules (id, session_id, customer_id, kind, every, amount, first_amount, count, currency, \
         requested_start, status, order_ref, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', $11, $12, $12)",
    )
    .bind(&id)
    .bind(session_id)
    .bind(customer_id)
    .bind(s.kind.as_str())
    .bind(s.every.as_str())
    .bind(s.amount)
    .bind(s.first_amount)
    .bind(s.count)
    .bind(currency)
    .bind(s.requested_start.map(iso))
    .bind(order_ref)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// The Payline order reference of a session's payment record: the session's, marked.
pub fn order_ref_of(session_order_ref: &str) -> String {
    format!("{session_order_ref}-S")
}

/// A stored schedule.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// `sch_…`.
    pub id: String,
    /// Its checkout session.
    pub session_id: String,
    /// Owner.
    pub customer_id: String,
    /// The wallet card it bills.
    pub card_id: Option<String>,
    /// `instalments` | `subscription`.
    pub kind: String,
    /// Period name.
    pub every: String,
    /// Each billed amount.
    pub amount: i64,
    /// The checkout payment's amount.
    pub first_amount: i64,
    /// See [`NewSchedule::count`].
    pub count: Option<i64>,
    /// ISO 4217 numeric.
    pub currency: String,
    /// A subscription's requested first billed date.
    pub requested_start: Option<String>,
    /// The first date the gateway bills.
    pub first_due: Option<String>,
    /// See the module.
    pub status: String,
    /// The payment record's order reference.
    pub order_ref: String,
    /// Payline `paymentRecordId`.
    pub payment_record_id: Option<String>,
    /// The checkout payment.
    pub checkout_payment_id: Option<String>,
    /// Code of a failed registration.
    pub code: Option<String>,
    /// Its message.
    pub message: Option<String>,
    /// When the registration was sent.
    pub sent_at: Option<i64>,
    /// Reconciler checks.
    pub checks: i64,
}

impl Schedule {
    fn from_row(r: &AnyRow) -> std::result::Result<Self, sqlx::Error> {
        Ok(Self {
            id: text(r, "id")?,
            session_id: text(r, "session_id")?,
            customer_id: text(r, "customer_id")?,
            card_id: opt_text(r, "card_id")?,
            kind: text(r, "kind")?,
            every: text(r, "every")?,
            amount: int(r, "amount")?,
            first_amount: int(r, "first_amount")?,
            count: opt_int(r, "count")?,
            currency: text(r, "currency")?,
            requested_start: opt_text(r, "requested_start")?,
            first_due: opt_text(r, "first_due")?,
            status: text(r, "status")?,
            order_ref: text(r, "order_ref")?,
            payment_record_id: opt_text(r, "payment_record_id")?,
            checkout_payment_id: opt_text(r, "checkout_payment_id")?,
            code: opt_text(r, "code")?,
            message: opt_text(r, "message")?,
            sent_at: opt_int(r, "sent_at")?,
            checks: int(r, "checks")?,
        })
    }

    fn every(&self) -> Every {
        Every::parse(&self.every).unwrap_or(Every::Monthly)
    }

    fn is_instalments(&self) -> bool {
        self.kind == Kind::Instalments.as_str()
    }

    /// Payments the gateway bills: an instalment plan's count minus the checkout's; a
    /// subscription's count (none: open-ended).
    fn billed_count(&self) -> Option<i64> {
        if self.is_instalments() {
            self.count.map(|c| c - 1)
        } else {
            self.count
        }
    }
}

async fn load_where(state: &AppState, column: &str, value: &str) -> Result<Option<Schedule>> {
    let sql = format!("SELECT * FROM schedules WHERE {column} = $1");
    let row = sqlx::query(&sql)
        .bind(value)
        .fetch_optional(state.store().pool())
        .await?;
    Ok(row.as_ref().map(Schedule::from_row).transpose()?)
}

/// Loads a schedule.
pub async fn load(state: &AppState, id: &str) -> Result<Option<Schedule>> {
    load_where(state, "id", id).await
}

/// The schedule of a checkout session.
pub async fn of_session(state: &AppState, session_id: &str) -> Result<Option<Schedule>> {
    load_where(state, "session_id", session_id).await
}

/// The amount the checkout payment of `session` authorizes: an instalment plan's first
/// instalment, else the session's amount.
pub async fn checkout_amount(
    state: &AppState,
    session_id: &str,
    session_amount: i64,
) -> Result<i64> {
    Ok(of_session(state, session_id)
        .await?
        .map_or(session_amount, |s| s.first_amount))
}

/// A customer's schedules, newest first.
pub async fn of_customer(state: &AppState, customer_id: &str) -> Result<Vec<Schedule>> {
    let rows =
        sqlx::query("SELECT * FROM schedules WHERE customer_id = $1 ORDER BY created_at DESC")
            .bind(customer_id)
            .fetch_all(state.store().pool())
            .await?;
    Ok(rows
        .iter()
        .map(Schedule::from_row)
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// One billing record as stored.
#[derive(Debug, Clone, PartialEq)]
struct Billed {
    rank: i64,
    due_date: String,
    amount: i64,
    status: String,
    transaction_id: Option<String>,
    code: Option<String>,
    tries: i64,
}

async fn billed(state: &AppState, schedule_id: &str) -> Result<Vec<Billed>> {
    let rows = sqlx::query("SELECT * FROM schedule_payments WHERE schedule_id = $1 ORDER BY rank")
        .bind(schedule_id)
        .fetch_all(state.store().pool())
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Billed {
                rank: int(r, "rank")?,
                due_date: text(r, "due_date")?,
                amount: int(r, "amount")?,
                status: text(r, "status")?,
                transaction_id: opt_text(r, "transaction_id")?,
                code: opt_text(r, "code")?,
                tries: int(r, "tries")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, sqlx::Error>>()
        .map_err(AppError::from)
}

/// The shop's view (`GET /api/schedules/{id}`): every payment in date order, the checkout's
/// first, so an instalment plan's amounts add up to the session's amount.
pub async fn view(state: &AppState, s: &Schedule) -> Result<Value> {
    let mut payments = Vec::new();
    if let Some(pid) = &s.checkout_payment_id
        && let Some(p) = crate::payments::load(state, pid).await?
    {
        payments.push(json!({
            "dueDate": iso(date_of(p.authorized_at.unwrap_or(p.created_at))),
            "amount": p.amount,
            "status": if p.authorized_at.is_some() { "paid" } else { "scheduled" },
            "transactionId": p.transaction_id,
        }));
    } else {
        payments.push(
            json!({ "dueDate": Value::Null, "amount": s.first_amount, "status": "scheduled" }),
        );
    }
    let rows = billed(state, &s.id).await?;
    for b in &rows {
        let mut v = json!({ "dueDate": b.due_date, "amount": b.amount, "status": b.status });
        if let Some(t) = &b.transaction_id {
            v["transactionId"] = json!(t);
        }
        if let Some(c) = &b.code {
            v["code"] = json!(c);
        }
        if b.tries > 0 {
            v["tries"] = json!(b.tries);
        }
        payments.push(v);
    }
    // Before the gateway's billing records are read (not registered yet, or registered an
    // instant ago), the plan as it is registered.
    if rows.is_empty()
        && matches!(
            s.status.as_str(),
            "pending" | "registering" | "unknown" | "active"
        )
        && let Some(n) = s.billed_count()
    {
        let start = s
            .first_due
            .as_deref()
            .or(s.requested_start.as_deref())
            .and_then(parse_iso);
        let mut d = start.unwrap_or_else(|| s.every().after(date_of(state.now_ms())));
        for _ in 0..n.min(24) {
            payments.push(json!({ "dueDate": iso(d), "amount": s.amount, "status": "scheduled" }));
            d = s.every().after(d);
        }
    }
    Ok(json!({
        "id": s.id,
        "kind": s.kind,
        "status": public_status(&s.status),
        "every": s.every,
        "amount": s.amount,
        "count": s.count,
        "currency": crate::formats::currency_alpha(&s.currency),
        "customerId": s.customer_id,
        "cardId": s.card_id,
        "sessionId": s.session_id,
        "orderRef": s.order_ref,
        "paymentRecordId": s.payment_record_id,
        "payments": payments,
    }))
}

/// Statuses the shop sees: a schedule not registered yet is `active` (the checkout is under
/// way, the plan stands), an unknown registration too (it is being settled).
fn public_status(s: &str) -> &str {
    match s {
        "pending" | "registering" | "unknown" => "active",
        other => other,
    }
}

/// The card of the schedule's checkout payment is in the wallet: its registration is due.
pub async fn card_saved(state: &AppState, payment_id: &str, card_id: &str) -> Result<()> {
    let now = state.now_ms();
    sqlx::query(
        "UPDATE schedules SET status = 'registering', card_id = $1, checkout_payment_id = $2, next_check_at = $3, updated_at = $3 \
         WHERE status = 'pending' AND session_id = (SELECT session_id FROM payments WHERE id = $2)",
    )
    .bind(card_id)
    .bind(payment_id)
    .bind(now)
    .execute(state.store().pool())
    .await?;
    Ok(())
}

/// Saves a `saving` card ([`crate::wallets::run_save`]) and tells the schedule its checkout
/// started what came of it: in the wallet, the plan can be registered on it; refused by the
/// gateway, it cannot. (Here rather than in the wallet code, so that saving cards knows
/// nothing of schedules.)
pub async fn save_card(state: &AppState, card_id: &str) -> Result<()> {
    let Some(card) = crate::wallets::run_save(state, card_id).await? else {
        return Ok(());
    };
    let Some(pid) = &card.payment_id else {
        return Ok(());
    };
    match card.status {
        crate::model::CardStatus::Active => card_saved(state, pid, &card.id).await,
        crate::model::CardStatus::Failed => {
            card_not_saved(state, pid, card.code.as_deref().unwrap_or_default()).await
        }
        _ => Ok(()),
    }
}

/// The checkout card could not be saved: the plan cannot be registered.
pub async fn card_not_saved(state: &AppState, payment_id: &str, code: &str) -> Result<()> {
    let Some(session_id) =
        sqlx::query_scalar::<_, String>("SELECT session_id FROM payments WHERE id = $1")
            .bind(payment_id)
            .fetch_optional(state.store().pool())
            .await?
    else {
        return Ok(());
    };
    if let Some(s) = of_session(state, &session_id).await?
        && s.status == "pending"
    {
        let s = Schedule {
            checkout_payment_id: Some(payment_id.to_owned()),
            ..s
        };
        fail(
            state,
            &s,
            "pending",
            code,
            "the card could not be saved in the wallet",
        )
        .await?;
    }
    Ok(())
}

async fn fail(state: &AppState, s: &Schedule, from: &str, code: &str, message: &str) -> Result<()> {
    let now = state.now_ms();
    let mut tx = repo::begin(state).await?;
    let n = sqlx::query(
        "UPDATE schedules SET status = 'failed', code = $1, message = $2, checkout_payment_id = COALESCE(checkout_payment_id, $3), \
         next_check_at = NULL, updated_at = $4 WHERE id = $5 AND status = $6",
    )
    .bind(Some(code).filter(|c| !c.is_empty()))
    .bind(message)
    .bind(s.checkout_payment_id.as_deref())
    .bind(now)
    .bind(&s.id)
    .bind(from)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 1 {
        if let Some(pid) = &s.checkout_payment_id {
            let data = json!({ "schedule": { "id": s.id, "status": "failed", "code": code, "message": message } });
            repo::enqueue_event(state, &mut tx, pid, "schedule.failed", data).await?;
        }
        tracing::warn!(schedule = %s.id, code, message, "schedule failed");
    }
    tx.commit().await?;
    Ok(())
}

/// Registers a `registering` schedule at the gateway (doRecurrentWalletPayment). Sent once:
/// the send time is committed first by compare-and-set; a row already sent (its instance died
/// during the call) is `unknown`, never sent again.
pub async fn run_registration(state: &AppState, id: &str) -> Result<()> {
    let Some(s) = load(state, id).await? else {
        return Ok(());
    };
    if s.status != "registering" {
        return Ok(());
    }
    let now = state.now_ms();
    let today = date_of(now);
    let first_due = s
        .requested_start
        .as_deref()
        .and_then(parse_iso)
        .filter(|d| *d > today)
        .unwrap_or_else(|| s.every().after(today));
    if let Some(sent) = s.sent_at {
        // Sent by another caller: still within its call (leave it), or its process died
        // during the call (the outcome is unknown, never sent again).
        if now < sent + repo::stale_after(state) {
            return Ok(());
        }
        return lost(state, &s, first_due).await;
    }
    let claimed = sqlx::query(
        "UPDATE schedules SET sent_at = $1, first_due = $2, next_check_at = $3, updated_at = $1 \
         WHERE id = $4 AND status = 'registering' AND sent_at IS NULL",
    )
    .bind(now)
    .bind(iso(first_due))
    .bind(now + repo::stale_after(state))
    .bind(&s.id)
    .execute(state.store().pool())
    .await?
    .rows_affected();
    if claimed != 1 {
        return Ok(());
    }
    let req = match registration(state, &s, first_due).await {
        Ok(r) => r,
        Err(e) => {
            fail(state, &s, "registering", "", &e.to_string()).await?;
            return Ok(());
        }
    };
    match state.gateway().call(&req).await {
        Err(GatewayError::NotSent(e)) => {
            // Never reached the gateway: it may be sent again.
            tracing::warn!(schedule = %s.id, error = %e, "schedule registration not sent; retrying later");
            sqlx::query("UPDATE schedules SET sent_at = NULL, checks = checks + 1, next_check_at = $1 WHERE id = $2 AND status = 'registering'")
                .bind(now + repo::backoff_ms(state, s.checks))
                .bind(&s.id)
                .execute(state.store().pool())
                .await?;
            Ok(())
        }
        Err(e) => {
            tracing::warn!(schedule = %s.id, error = %e, "schedule registration outcome unknown");
            state.metrics().money("schedule_registration_unknown");
            let s = Schedule {
                sent_at: Some(now),
                ..s
            };
            lost(state, &s, first_due).await
        }
        Ok(res) => {
            let (code, message) = code_message(&res);
            let ok = res.result.code == ReturnCode::OPERATION_SUCCESSFUL
                || res.result.code == ReturnCode::CARD_EXPIRES_BEFORE_SCHEDULE;
            if !ok || res.payment_record_id.trim().is_empty() {
                return fail(state, &s, "registering", &code, &message).await;
            }
            let expiring = res.result.code == ReturnCode::CARD_EXPIRES_BEFORE_SCHEDULE;
            activate(state, &s, res.payment_record_id.trim(), expiring).await?;
            sync(state, &s.id).await
        }
    }
}

/// A registration whose answer was lost: `unknown` until the gateway's first billing
/// notification names its order reference, or failed if none came by then.
async fn lost(state: &AppState, s: &Schedule, first_due: Date) -> Result<()> {
    let deadline = start_of(first_due) + 36 * 3600 * 1000;
    sqlx::query(
        "UPDATE schedules SET status = 'unknown', next_check_at = $1, updated_at = $2 WHERE id = $3 AND status = 'registering'",
    )
    .bind(deadline)
    .bind(state.now_ms())
    .bind(&s.id)
    .execute(state.store().pool())
    .await?;
    Ok(())
}

async fn registration(
    state: &AppState,
    s: &Schedule,
    first_due: Date,
) -> Result<DoRecurrentWalletPaymentRequest> {
    let g = state.settings().gateway.clone();
    let card_id = s
        .card_id
        .as_deref()
        .ok_or_else(|| AppError::Internal("schedule without a card".into()))?;
    let card = crate::wallets::load_card(state, card_id)
        .await?
        .ok_or_else(|| AppError::Internal("schedule card vanished".into()))?;
    let customer = crate::wallets::load_customer(state, &s.customer_id)
        .await?
        .ok_or_else(|| AppError::Internal("schedule customer vanished".into()))?;
    let amount = |a: i64| {
        u64::try_from(a)
            .ok()
            .and_then(Amount::from_minor)
            .ok_or_else(|| AppError::Internal("schedule amount".into()))
    };
    let currency: Currency = s
        .currency
        .parse()
        .map_err(|_| AppError::Internal("stored currency".into()))?;
    let start = to_payline(first_due).ok_or_else(|| AppError::Internal("date".into()))?;
    let (mode, recurring, total) = if s.is_instalments() {
        let left = s.billed_count().unwrap_or(1);
        let r = Recurring {
            start_date: Some(start),
            ..Recurring::instalments(
                amount(s.amount)?,
                amount(s.amount)?,
                s.every().cycle(),
                u16::try_from(left).unwrap_or(1),
            )
        };
        (Mode::NX, r, s.amount * left)
    } else {
        let mut r = Recurring::subscription(amount(s.amount)?, s.every().cycle(), start);
        if let Some(n) = s.count {
            r.billing_left = n.to_string();
        }
        (Mode::REC, r, s.amount)
    };
    let mut payment = Payment::new(currency, Action::AUTHORIZATION_AND_CAPTURE, mode);
    payment.amount = Some(amount(total)?);
    payment.contract_number = Some(g.contract.clone());
    let mut req = DoRecurrentWalletPaymentRequest::new(
        payment,
        s.order_ref.clone(),
        crate::formats::order_date(state.now_ms()),
        start,
        customer.wallet_id,
        recurring,
    );
    req.card_ind = card.card_ind.map(|i| i.to_string());
    // The later due dates are merchant-initiated payments of the series the checkout started.
    req.linked_transaction_id = card.first_transaction_id.clone();
    Ok(req)
}

async fn activate(state: &AppState, s: &Schedule, record_id: &str, expiring: bool) -> Result<()> {
    let now = state.now_ms();
    let mut tx = repo::begin(state).await?;
    let n = sqlx::query(
        "UPDATE schedules SET status = 'active', payment_record_id = $1, next_check_at = $2, updated_at = $2 \
         WHERE id = $3 AND status IN ('registering', 'unknown')",
    )
    .bind(record_id)
    .bind(now)
    .bind(&s.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 1
        && expiring
        && let Some(pid) = &s.checkout_payment_id
    {
        // Payline 02506: the card expires before the last due date; the shop should ask the
        // customer for a new card in time.
        let card = match &s.card_id {
            Some(c) => crate::wallets::load_card(state, c).await?,
            None => None,
        };
        let data = json!({
            "schedule": { "id": s.id },
            "card": card.map(|c| c.short_json()),
        });
        repo::enqueue_event(state, &mut tx, pid, "card.expiring", data).await?;
    }
    tx.commit().await?;
    if n == 1 {
        tracing::info!(schedule = %s.id, payment_record = %record_id, "schedule registered at the gateway");
    }
    Ok(())
}

/// Status of a billing record in the shop's words.
fn status_of(b: &payline_protocol::objects::BillingRecord) -> &'static str {
    let tries = b
        .nb_try
        .as_deref()
        .and_then(|n| n.trim().parse::<i64>().ok())
        .unwrap_or(0);
    match b.status {
        BillingRecordStatus::PAID => "paid",
        BillingRecordStatus::REFUSED => "failed",
        // In progress with a refusal behind it: a retry is scheduled (Payline's retry rule).
        BillingRecordStatus::IN_PROGRESS if tries > 0 => "retrying",
        BillingRecordStatus::IN_PROGRESS => "scheduled",
        // Disabled after repeated refusals, or with its record.
        BillingRecordStatus::DISABLED if tries > 0 => "failed",
        BillingRecordStatus::DISABLED => "cancelled",
        _ => "scheduled",
    }
}

/// Reads the schedule's payment record at the gateway and brings its payments up to date,
/// with a webhook event for each change (one transaction).
pub async fn sync(state: &AppState, id: &str) -> Result<()> {
    let Some(s) = load(state, id).await? else {
        return Ok(());
    };
    let Some(record_id) = s.payment_record_id.clone() else {
        return Ok(());
    };
    let req = GetPaymentRecordRequest::new(state.settings().gateway.contract.clone(), record_id);
    let res = state
        .gateway()
        .call(&req)
        .await
        .map_err(|e| AppError::GatewayError(e.to_string()))?;
    if res.result.code != ReturnCode::OPERATION_SUCCESSFUL {
        tracing::warn!(schedule = %s.id, code = %res.result.code.as_str(), "getPaymentRecord refused");
        return Ok(());
    }
    let before = billed(state, &s.id).await?;
    let now = state.now_ms();
    let mut after = Vec::new();
    for (i, b) in res.billing_record_list.billing_record.iter().enumerate() {
        let rank = b
            .rank
            .as_deref()
            .and_then(|r| r.trim().parse::<i64>().ok())
            .unwrap_or(i as i64 + 1);
        let code = b
            .result
            .as_ref()
            .map(|r| r.code.as_str().to_owned())
            .filter(|c| !c.is_empty() && b.status != BillingRecordStatus::FUTURE);
        after.push(Billed {
            rank,
            due_date: from_payline(b.date).map(iso).unwrap_or_default(),
            amount: i64::try_from(b.amount.minor()).unwrap_or(0),
            status: status_of(b).to_owned(),
            transaction_id: b
                .transaction
                .as_ref()
                .map(|t| t.id.clone())
                .filter(|t| !t.is_empty()),
            code,
            tries: b
                .nb_try
                .as_deref()
                .and_then(|n| n.trim().parse::<i64>().ok())
                .unwrap_or(0),
        });
    }
    let disabled = res.is_disabled.as_deref().map(str::trim) == Some("1");
    let all_paid = !after.is_empty()
        && after.iter().all(|b| b.status == "paid")
        && s.billed_count().is_some_and(|n| after.len() as i64 >= n);
    let any_failed = after.iter().any(|b| b.status == "failed");
    let status = if all_paid {
        "completed"
    } else if disabled || s.status == "cancelled" {
        "cancelled"
    } else if any_failed {
        "failed"
    } else {
        "active"
    };
    // Next look: the day after the earliest due date still open, or in a day.
    let next_open = after
        .iter()
        .filter(|b| matches!(b.status.as_str(), "scheduled" | "retrying"))
        .filter_map(|b| parse_iso(&b.due_date))
        .min();
    let next_check = match (status, next_open) {
        ("completed" | "cancelled", _) => None,
        (_, Some(d)) => Some(start_of(d).max(now) + 3600 * 1000),
        (_, None) => Some(now + 24 * 3600 * 1000),
    };
    let mut tx = repo::begin(state).await?;
    for b in &after {
        let old = before.iter().find(|o| o.rank == b.rank);
        if old == Some(b) {
            continue;
        }
        // Written only over the row as it was read (or as a new row): of two readers racing
        // (a notification and the reconciler), one writes each change, and only that one
        // sends its event.
        let written = match old {
            None => sqlx::query(
                "INSERT INTO schedule_payments (schedule_id, rank, due_date, amount, status, transaction_id, code, tries, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (schedule_id, rank) DO NOTHING",
            )
            .bind(&s.id)
            .bind(b.rank)
            .bind(&b.due_date)
            .bind(b.amount)
            .bind(&b.status)
            .bind(&b.transaction_id)
            .bind(&b.code)
            .bind(b.tries)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected(),
            Some(o) => sqlx::query(
                "UPDATE schedule_payments SET due_date = $1, amount = $2, status = $3, transaction_id = $4, code = $5, \
                 tries = $6, updated_at = $7 WHERE schedule_id = $8 AND rank = $9 AND status = $10 AND tries = $11 AND due_date = $12",
            )
            .bind(&b.due_date)
            .bind(b.amount)
            .bind(&b.status)
            .bind(&b.transaction_id)
            .bind(&b.code)
            .bind(b.tries)
            .bind(now)
            .bind(&s.id)
            .bind(b.rank)
            .bind(&o.status)
            .bind(o.tries)
            .bind(&o.due_date)
            .execute(&mut *tx)
            .await?
            .rows_affected(),
        };
        if written != 1 {
            continue;
        }
        let event = match (old.map(|o| o.status.as_str()), b.status.as_str()) {
            (Some("paid"), "paid") => None,
            (_, "paid") => Some("schedule.payment_succeeded"),
            (Some("failed"), "failed") => None,
            (_, "failed") => Some("schedule.payment_failed"),
            // A new refusal with a retry scheduled.
            (_, "retrying") if old.is_none_or(|o| o.tries < b.tries) => {
                Some("schedule.payment_failed")
            }
            _ => None,
        };
        if let (Some(event), Some(pid)) = (event, &s.checkout_payment_id) {
            let data = json!({
                "schedule": { "id": s.id, "kind": s.kind, "customerId": s.customer_id },
                "schedulePayment": {
                    "rank": b.rank, "dueDate": b.due_date, "amount": b.amount, "status": b.status,
                    "transactionId": b.transaction_id, "code": b.code, "tries": b.tries,
                    "retrying": b.status == "retrying",
                },
            });
            repo::enqueue_event(state, &mut tx, pid, event, data).await?;
        }
    }
    let moved = sqlx::query(
        "UPDATE schedules SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
    )
    .bind(status)
    .bind(now)
    .bind(&s.id)
    .bind(&s.status)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if status != s.status && moved {
        if let Some(pid) = &s.checkout_payment_id {
            let event = match status {
                "completed" => Some("schedule.completed"),
                "cancelled" => Some("schedule.cancelled"),
                _ => None,
            };
            if let Some(event) = event {
                let data = json!({ "schedule": { "id": s.id, "kind": s.kind, "customerId": s.customer_id, "status": status } });
                repo::enqueue_event(state, &mut tx, pid, event, data).await?;
            }
        }
        if status == "cancelled" {
            sqlx::query("UPDATE schedule_payments SET status = 'cancelled', updated_at = $1 WHERE schedule_id = $2 AND status IN ('scheduled', 'retrying')")
                .bind(now)
                .bind(&s.id)
                .execute(&mut *tx)
                .await?;
        }
    }
    sqlx::query("UPDATE schedules SET next_check_at = $1, checks = 0 WHERE id = $2")
        .bind(next_check)
        .bind(&s.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A billing notification (Payline BILL: `paymentRecordId`, `orderRef`…): the schedule it
/// names is read again from the gateway. A registration whose answer was lost is settled by
/// the first one naming its order reference.
pub async fn notified(state: &AppState, record_id: &str, order_ref: Option<&str>) -> Result<()> {
    let s = match load_where(state, "payment_record_id", record_id).await? {
        Some(s) => s,
        None => {
            let Some(s) = (match order_ref {
                Some(o) => load_where(state, "order_ref", o).await?,
                None => None,
            }) else {
                tracing::info!(payment_record = %record_id, "billing notification for a record that is not ours");
                return Ok(());
            };
            if s.status != "unknown" {
                return Ok(());
            }
            // Adopted only if the gateway confirms the record is this order reference's.
            let req = GetPaymentRecordRequest::new(
                state.settings().gateway.contract.clone(),
                record_id.to_owned(),
            );
            let res = state
                .gateway()
                .call(&req)
                .await
                .map_err(|e| AppError::GatewayError(e.to_string()))?;
            let confirmed = res.result.code == ReturnCode::OPERATION_SUCCESSFUL
                && res.order.as_ref().is_some_and(|o| o.r#ref == s.order_ref);
            let wallet = crate::wallets::load_customer(state, &s.customer_id)
                .await?
                .map(|c| c.wallet_id);
            if !confirmed && wallet.as_deref() != Some(res.wallet_id.as_str()) {
                return Ok(());
            }
            activate(state, &s, record_id, false).await?;
            s
        }
    };
    sync(state, &s.id).await
}

/// Schedules the reconciler looks at: registrations due, unknown ones past their deadline,
/// active ones with a due date passed.
pub async fn due(state: &AppState, limit: i64) -> Result<Vec<(String, String)>> {
    let rows = sqlx::query(
        "SELECT id, status FROM schedules WHERE status IN ('registering', 'unknown', 'active', 'failed') \
         AND next_check_at IS NOT NULL AND next_check_at <= $1 ORDER BY next_check_at LIMIT $2",
    )
    .bind(state.now_ms())
    .bind(limit)
    .fetch_all(state.store().pool())
    .await?;
    rows.iter()
        .map(|r| Ok((text(r, "id")?, text(r, "status")?)))
        .collect::<std::result::Result<Vec<_>, sqlx::Error>>()
        .map_err(AppError::from)
}

/// One reconciler look at a schedule.
pub async fn reconcile(state: &AppState, id: &str, status: &str) -> Result<()> {
    let now = state.now_ms();
    // Claimed by pushing its next look back first (compare-and-set on the due time), so an
    // error or a dead instance does not make it spin and two instances never both take it.
    let claimed = sqlx::query(
        "UPDATE schedules SET next_check_at = $1, checks = checks + 1 WHERE id = $2 AND status = $3 AND next_check_at <= $4",
    )
    .bind(now + state.settings().money.lease_ms)
    .bind(id)
    .bind(status)
    .bind(now)
    .execute(state.store().pool())
    .await?
    .rows_affected();
    if claimed != 1 {
        return Ok(());
    }
    match status {
        "registering" => run_registration(state, id).await,
        "unknown" => {
            let Some(s) = load(state, id).await? else {
                return Ok(());
            };
            fail(
                state,
                &s,
                "unknown",
                "",
                "the registration's answer was lost and the gateway billed nothing by the first due date",
            )
            .await
        }
        _ => sync(state, id).await,
    }
}

/// `DELETE /api/schedules/{id}`: nothing more is billed (disablePaymentRecord); a schedule
/// not registered yet is cancelled here, before its registration.
pub async fn cancel(state: &AppState, id: &str) -> Result<Schedule> {
    let s = load(state, id)
        .await?
        .ok_or(AppError::NotFound("schedule"))?;
    match s.status.as_str() {
        "cancelled" => return Ok(s),
        "completed" => {
            return Err(AppError::conflict(
                "schedule_completed",
                "every payment of this schedule was made",
            ));
        }
        "unknown" => {
            return Err(AppError::conflict(
                "schedule_being_settled",
                "this schedule's registration is being settled with the gateway; try again later",
            ));
        }
        "pending" | "registering" if s.payment_record_id.is_none() && s.sent_at.is_none() => {
            let n = sqlx::query("UPDATE schedules SET status = 'cancelled', next_check_at = NULL, updated_at = $1 WHERE id = $2 AND status = $3 AND sent_at IS NULL")
                .bind(state.now_ms())
                .bind(&s.id)
                .bind(&s.status)
                .execute(state.store().pool())
                .await?
                .rows_affected();
            if n != 1 {
                return Err(AppError::conflict(
                    "schedule_being_registered",
                    "this schedule is being registered; try again in a moment",
                ));
            }
            return load(state, id).await?.ok_or(AppError::NotFound("schedule"));
        }
        _ => {}
    }
    let Some(record) = s.payment_record_id.clone() else {
        return Err(AppError::conflict(
            "schedule_being_registered",
            "this schedule is being registered; try again in a moment",
        ));
    };
    let req = DisablePaymentRecordRequest::new(state.settings().gateway.contract.clone(), record);
    // 02508: already disabled, which is what was asked.
    record_call(state, &req, &[ReturnCode::PAYMENT_RECORD_DISABLED]).await?;
    // The gateway's view of what is left (its due dates disabled) and the event, as any
    // change the gateway reports.
    sync(state, &s.id).await?;
    let after = load(state, id)
        .await?
        .ok_or(AppError::NotFound("schedule"))?;
    if !matches!(after.status.as_str(), "cancelled" | "completed") {
        // disablePaymentRecord succeeded: cancelled, even if the record read does not say so.
        let mut tx = repo::begin(state).await?;
        sqlx::query("UPDATE schedules SET status = 'cancelled', next_check_at = NULL, updated_at = $1 WHERE id = $2")
            .bind(state.now_ms())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if let Some(pid) = &after.checkout_payment_id {
            let data = json!({ "schedule": { "id": after.id, "kind": after.kind, "customerId": after.customer_id, "status": "cancelled" } });
            repo::enqueue_event(state, &mut tx, pid, "schedule.cancelled", data).await?;
        }
        tx.commit().await?;
    }
    load(state, id).await?.ok_or(AppError::NotFound("schedule"))
}

/// A shop-initiated change of a payment record (disable, update): `02500`, or one of `also`,
/// is done; any other answer is the gateway's refusal (422), a failed call a 502. These move
/// no money, so a failure is simply reported and may be retried.
async fn record_call<R>(state: &AppState, req: &R, also: &[ReturnCode]) -> Result<R::Response>
where
    R: payline_protocol::Request,
    R::Response: crate::gateway::HasResult,
{
    use crate::gateway::HasResult as _;
    let res = state
        .gateway()
        .call(req)
        .await
        .map_err(|e| AppError::GatewayError(e.to_string()))?;
    let code = res.result().code;
    if code != ReturnCode::OPERATION_SUCCESSFUL && !also.contains(&code) {
        let (code, message) = code_message(&res);
        return Err(AppError::GatewayRefused { code, message });
    }
    Ok(res)
}

/// `PATCH /api/schedules/{id}`: a new amount for what is left (updatePaymentRecord newAmount
/// from today), and/or a new date for the next due date (updateBillingRecord).
pub async fn change(
    state: &AppState,
    id: &str,
    amount: Option<i64>,
    next_date: Option<Date>,
) -> Result<Schedule> {
    let s = load(state, id)
        .await?
        .ok_or(AppError::NotFound("schedule"))?;
    let Some(record) = s.payment_record_id.clone().filter(|_| s.status == "active") else {
        return Err(AppError::conflict(
            "invalid_state",
            format!("the schedule is {}", public_status(&s.status)),
        ));
    };
    let contract = state.settings().gateway.contract.clone();
    if let Some(a) = amount {
        if s.is_instalments() {
            return Err(AppError::invalid(
                "invalid_schedule",
                "an instalment plan's amounts are fixed; change its dates only",
            ));
        }
        let today = date_of(state.now_ms());
        let at = to_payline(today)
            .and_then(|d| DateTimeMinutes::new(d, 0, 0))
            .ok_or_else(|| AppError::Internal("date".into()))?;
        let req = UpdatePaymentRecordRequest::new(
            contract.clone(),
            record.clone(),
            RecurringForUpdate {
                new_amount: u64::try_from(a).ok().and_then(Amount::from_minor),
                amount_modification_date: Some(at),
                ..RecurringForUpdate::default()
            },
        );
        record_call(state, &req, &[]).await?;
        sqlx::query("UPDATE schedules SET amount = $1, updated_at = $2 WHERE id = $3")
            .bind(a)
            .bind(state.now_ms())
            .bind(&s.id)
            .execute(state.store().pool())
            .await?;
    }
    // The next due date: moved when asked, and given the new amount too (a record's first
    // due date keeps its own amount when the record's amount changes, Payline recurring
    // firstAmount).
    sync(state, &s.id).await?;
    let next = billed(state, &s.id)
        .await?
        .into_iter()
        .find(|b| b.status == "scheduled");
    if let Some(next) = next {
        let new_amount = amount.unwrap_or(next.amount);
        let moved = next_date.filter(|d| Some(*d) != parse_iso(&next.due_date));
        if moved.is_some() || new_amount != next.amount {
            let req = UpdateBillingRecordRequest::new(
                contract,
                record,
                next.rank.to_string(),
                BillingRecordForUpdate {
                    date: moved.and_then(to_payline),
                    amount: u64::try_from(new_amount).ok().and_then(Amount::from_minor),
                    ..BillingRecordForUpdate::default()
                },
            );
            record_call(state, &req, &[]).await?;
        }
    } else if next_date.is_some() {
        return Err(AppError::conflict(
            "invalid_state",
            "no payment is left to move",
        ));
    }
    sync(state, &s.id).await?;
    load(state, id).await?.ok_or(AppError::NotFound("schedule"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(y: i32, m: u8, day: u8) -> Date {
        Date::from_calendar_date(y, Month::try_from(m).unwrap(), day).unwrap()
    }

    #[test]
    fn month_based_periods_clamp_to_the_month_end() {
        assert_eq!(Every::Monthly.after(d(2026, 1, 31)), d(2026, 2, 28));
        assert_eq!(Every::Monthly.after(d(2026, 12, 15)), d(2027, 1, 15));
        assert_eq!(Every::Quarterly.after(d(2026, 11, 30)), d(2027, 2, 28));
        assert_eq!(Every::Yearly.after(d(2028, 2, 29)), d(2029, 2, 28));
        assert_eq!(Every::Weekly.after(d(2026, 12, 29)), d(2027, 1, 5));
    }

    #[test]
    fn instalments_split_the_total_and_the_checkout_takes_the_remainder() {
        let today = d(2026, 12, 4);
        let body = |count: i64| ScheduleBody {
            kind: "instalments".into(),
            every: "monthly".into(),
            count: Some(json!(count)),
            amount: None,
            start_date: None,
        };
        let s = parse(body(3), 10_000, today).unwrap();
        assert_eq!((s.first_amount, s.amount), (3_334, 3_333));
        assert_eq!(s.first_amount + 2 * s.amount, 10_000);
        assert!(parse(body(1), 10_000, today).is_err());
        assert!(parse(body(13), 10_000, today).is_err());
        assert!(parse(body(3), 2, today).is_err());
    }

    #[test]
    fn subscriptions_check_amount_count_and_start() {
        let today = d(2026, 12, 4);
        let sub = |amount: Value, count: Option<Value>, start: Option<&str>| ScheduleBody {
            kind: "subscription".into(),
            every: "monthly".into(),
            count,
            amount: Some(amount),
            start_date: start.map(str::to_owned),
        };
        assert!(parse(sub(json!(990), None, None), 990, today).is_ok());
        assert!(parse(sub(json!(0), None, None), 990, today).is_err());
        assert!(parse(sub(json!("990"), None, None), 990, today).is_err());
        assert!(parse(sub(json!(990), Some(json!(1000)), None), 990, today).is_err());
        assert!(parse(sub(json!(990), None, Some("2026-12-04")), 990, today).is_err());
        assert!(parse(sub(json!(990), None, Some("2026-12-05")), 990, today).is_ok());
        assert!(parse(sub(json!(990), None, Some("05/12/2026")), 990, today).is_err());
    }
}
