//! Payment records (`payment_records`): the schedules of doScheduledWalletPayment,
//! doRecurrentWalletPayment and NX / REC hosted pages.

use sqlx::SqliteConnection;
use time::Date;

use super::dates::{from_iso, iso};
use crate::error::{Result, SandboxError};
use crate::schedule::{BillingCycle, Schedule};

/// A stored payment record.
#[derive(Debug, Clone)]
pub(crate) struct PaymentRecord {
    /// Payline `paymentRecordId` (N12).
    pub(crate) id: String,
    /// Wallet and card index charged.
    pub(crate) wallet_id: String,
    /// Card index.
    pub(crate) card_ind: i64,
    /// Contract.
    pub(crate) contract_number: String,
    /// NX, REC (or CPT for doScheduledWalletPayment).
    pub(crate) mode: String,
    /// Order reference of every billing.
    pub(crate) order_ref: String,
    /// ISO 4217 numeric.
    pub(crate) currency: i64,
    /// The schedule.
    pub(crate) schedule: Schedule,
    /// When disabled.
    pub(crate) disabled_at: Option<i64>,
    /// Mode DIF (doScheduledWalletPayment): `payment.differedActionDate`, the capture date of
    /// the authorization the due date makes.
    pub(crate) differed_action_date: Option<Date>,
}

/// The columns of `payment_records` that [`load`] reads; dates are `yyyy-mm-dd` text.
#[derive(sqlx::FromRow)]
struct RecordRow {
    id: String,
    wallet_id: String,
    card_ind: i64,
    contract_number: String,
    mode: String,
    order_ref: String,
    currency: i64,
    billing_cycle: i64,
    start_date: String,
    end_date: Option<String>,
    amount_modification_date: Option<String>,
    new_amount: Option<i64>,
    first_amount: Option<i64>,
    amount: i64,
    billing_day: Option<i64>,
    billing_left: Option<i64>,
    differed_action_date: Option<String>,
    disabled_at: Option<i64>,
}

/// A payment record to create.
#[derive(Debug)]
pub(crate) struct NewRecord<'a> {
    pub(crate) wallet_id: &'a str,
    pub(crate) card_ind: i64,
    pub(crate) contract_number: &'a str,
    pub(crate) mode: &'a str,
    pub(crate) order_ref: &'a str,
    pub(crate) order_date: String,
    pub(crate) currency: i64,
    pub(crate) payment_amount: u64,
    pub(crate) schedule: &'a Schedule,
}

fn i(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn u(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// A fresh Payline `paymentRecordId` (N12).
fn new_record_id() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    let mut id = String::with_capacity(12);
    id.push(char::from(b'1' + rng.random_range(0..9u8)));
    for _ in 1..12 {
        id.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
    id
}

/// Loads a payment record of a merchant.
pub(crate) async fn load(
    conn: &mut SqliteConnection,
    merchant_id: &str,
    id: &str,
) -> Result<Option<PaymentRecord>> {
    let Some(r) = sqlx::query_as::<_, RecordRow>(
        "SELECT * FROM payment_records WHERE merchant_id = ? AND id = ?",
    )
    .bind(merchant_id)
    .bind(id.trim())
    .fetch_optional(conn)
    .await?
    else {
        return Ok(None);
    };
    let bad = SandboxError::Bug("stored payment record unreadable");
    let schedule = Schedule {
        cycle: u32::try_from(r.billing_cycle)
            .ok()
            .and_then(BillingCycle::from_code)
            .ok_or(bad)?,
        start: from_iso(&r.start_date).ok_or(SandboxError::Bug("stored start date unreadable"))?,
        billing_day: r.billing_day.and_then(|d| u8::try_from(d).ok()),
        billing_left: r.billing_left.and_then(|l| u32::try_from(l).ok()),
        end: r.end_date.as_deref().and_then(from_iso),
        first_amount: u(r.first_amount.unwrap_or(r.amount)),
        amount: u(r.amount),
        new_amount: r
            .new_amount
            .zip(r.amount_modification_date.as_deref().and_then(from_iso))
            .map(|(a, d)| (u(a), d)),
    };
    Ok(Some(PaymentRecord {
        id: r.id,
        wallet_id: r.wallet_id,
        card_ind: r.card_ind,
        contract_number: r.contract_number,
        mode: r.mode,
        order_ref: r.order_ref,
        currency: r.currency,
        schedule,
        disabled_at: r.disabled_at,
        differed_action_date: r.differed_action_date.as_deref().and_then(from_iso),
    }))
}

/// Creates a payment record (without its due dates); returns its id.
pub(crate) async fn insert(
    conn: &mut SqliteConnection,
    merchant_id: &str,
    n: &NewRecord<'_>,
    now: i64,
) -> Result<String> {
    let id = new_record_id();
    let s = n.schedule;
    sqlx::query(
        "INSERT INTO payment_records (id, merchant_id, wallet_id, card_ind, contract_number, mode, order_ref, order_date, \
         currency, payment_amount, billing_cycle, start_date, billing_day, billing_left, end_date, first_amount, amount, \
         new_amount, amount_modification_date, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(merchant_id)
    .bind(n.wallet_id)
    .bind(n.card_ind)
    .bind(n.contract_number)
    .bind(n.mode)
    .bind(n.order_ref)
    .bind(&n.order_date)
    .bind(n.currency)
    .bind(i(n.payment_amount))
    .bind(i64::from(s.cycle.code()))
    .bind(iso(s.start))
    .bind(s.billing_day.map(i64::from))
    .bind(s.billing_left.map(i64::from))
    .bind(s.end.map(iso))
    .bind(i(s.first_amount))
    .bind(i(s.amount))
    .bind(s.new_amount.map(|(a, _)| i(a)))
    .bind(s.new_amount.map(|(_, d)| iso(d)))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(id)
}

/// Keeps `payment.differedActionDate` of a DIF schedule.
pub(crate) async fn set_capture_date(
    conn: &mut SqliteConnection,
    id: &str,
    date: Date,
) -> Result<()> {
    sqlx::query("UPDATE payment_records SET differed_action_date = ? WHERE id = ?")
        .bind(iso(date))
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Disables a payment record at `now` (disablePaymentRecord).
pub(crate) async fn disable(conn: &mut SqliteConnection, id: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE payment_records SET disabled_at = ? WHERE id = ?")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Stores the parts of a schedule updatePaymentRecord may change.
pub(crate) async fn update_schedule(
    conn: &mut SqliteConnection,
    id: &str,
    s: &Schedule,
) -> Result<()> {
    sqlx::query(
        "UPDATE payment_records SET billing_day = ?, billing_left = ?, end_date = ?, new_amount = ?, amount_modification_date = ? WHERE id = ?",
    )
    .bind(s.billing_day.map(i64::from))
    .bind(s.billing_left.map(i64::from))
    .bind(s.end.map(iso))
    .bind(s.new_amount.map(|(a, _)| i(a)))
    .bind(s.new_amount.map(|(_, d)| iso(d)))
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}
