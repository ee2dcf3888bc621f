//! Due dates of payment records (`billing_records`): one row per rank, with its status, tries
//! and the ledger entry of its last try.

use payline_protocol::values::{BillingRecordStatus, ReturnCode};
use sqlx::SqliteConnection;
use time::Date;

use super::StoredCode;
use super::dates::{from_iso, iso};
use crate::error::{Result, SandboxError};

/// Status of a due date (`billing_records.status`), Payline's `billingRecord.status` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[repr(i64)]
pub(crate) enum BillingStatus {
    /// 0: not due yet.
    Future = 0,
    /// 1: billed, the authorization was accepted.
    Paid = 1,
    /// 2: billed, refused for good.
    Refused = 2,
    /// 3: a retry is scheduled after a bank refusal.
    Retry = 3,
    /// 4: disabled after repeated refusals, or by the merchant.
    Disabled = 4,
}

impl BillingStatus {
    /// The wire value.
    pub(crate) fn wire(self) -> BillingRecordStatus {
        match self {
            BillingStatus::Future => BillingRecordStatus::FUTURE,
            BillingStatus::Paid => BillingRecordStatus::PAID,
            BillingStatus::Refused => BillingRecordStatus::REFUSED,
            BillingStatus::Retry => BillingRecordStatus::IN_PROGRESS,
            BillingStatus::Disabled => BillingRecordStatus::DISABLED,
        }
    }
}

/// One billing record as stored.
#[derive(Debug, Clone)]
pub(crate) struct BillingRow {
    /// Row id.
    pub(crate) id: i64,
    /// Rank 1..n (Payline `billingRecordId` in the sandbox).
    pub(crate) rank: i64,
    /// Due date.
    pub(crate) date: Date,
    /// Amount, minor units.
    pub(crate) amount: i64,
    /// Status.
    pub(crate) status: BillingStatus,
    /// Tries so far.
    pub(crate) nb_try: i64,
    /// Next try (sandbox unix seconds).
    pub(crate) next_try_at: i64,
    /// Code of the last try.
    pub(crate) result_code: Option<ReturnCode>,
    /// Ledger entry of the last try.
    pub(crate) transaction_id: Option<String>,
    /// When the last try ran.
    pub(crate) executed_at: Option<i64>,
}

/// The row as read; `due_date` is `yyyy-mm-dd` text.
#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    payment_record_id: String,
    rank: i64,
    due_date: String,
    amount: i64,
    status: BillingStatus,
    nb_try: i64,
    next_try_at: i64,
    result_code: Option<StoredCode>,
    transaction_id: Option<String>,
    executed_at: Option<i64>,
}

impl Row {
    fn into_billing(self) -> Result<(BillingRow, String)> {
        let date =
            from_iso(&self.due_date).ok_or(SandboxError::Bug("stored due date unreadable"))?;
        let row = BillingRow {
            id: self.id,
            rank: self.rank,
            date,
            amount: self.amount,
            status: self.status,
            nb_try: self.nb_try,
            next_try_at: self.next_try_at,
            result_code: self.result_code.map(|c| c.0),
            transaction_id: self.transaction_id,
            executed_at: self.executed_at,
        };
        Ok((row, self.payment_record_id))
    }
}

/// Lays a due date (nothing when the rank exists).
pub(crate) async fn insert(
    conn: &mut SqliteConnection,
    record_id: &str,
    rank: u32,
    date: Date,
    due_at: i64,
    amount: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT OR IGNORE INTO billing_records (payment_record_id, rank, due_date, amount, status, nb_try, next_try_at) \
         VALUES (?, ?, ?, ?, ?, 0, ?)",
    )
    .bind(record_id)
    .bind(i64::from(rank))
    .bind(iso(date))
    .bind(amount)
    .bind(BillingStatus::Future)
    .bind(due_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Billing records of a payment record, by rank.
pub(crate) async fn all(conn: &mut SqliteConnection, record_id: &str) -> Result<Vec<BillingRow>> {
    let rows: Vec<Row> =
        sqlx::query_as("SELECT * FROM billing_records WHERE payment_record_id = ? ORDER BY rank")
            .bind(record_id)
            .fetch_all(conn)
            .await?;
    rows.into_iter()
        .map(|r| r.into_billing().map(|(b, _)| b))
        .collect()
}

/// A billing record by its `billingRecordId`: in the sandbox, its rank in the payment record
/// (the `rank` every billing record of getPaymentRecord carries).
pub(crate) async fn by_rank(
    conn: &mut SqliteConnection,
    record_id: &str,
    billing_id: &str,
) -> Result<Option<BillingRow>> {
    let Ok(rank) = billing_id.trim().parse::<i64>() else {
        return Ok(None);
    };
    let row: Option<Row> =
        sqlx::query_as("SELECT * FROM billing_records WHERE payment_record_id = ? AND rank = ?")
            .bind(record_id)
            .bind(rank)
            .fetch_optional(conn)
            .await?;
    row.map(|r| r.into_billing().map(|(b, _)| b)).transpose()
}

/// A billing record by row id, with its payment record id.
pub(crate) async fn by_id(conn: &mut SqliteConnection, id: i64) -> Result<(BillingRow, String)> {
    let row: Row = sqlx::query_as("SELECT * FROM billing_records WHERE id = ?")
        .bind(id)
        .fetch_one(conn)
        .await?;
    row.into_billing()
}

/// The record's due dates to bill at `now` or before (row id, status, tries, due instant), in
/// date order.
pub(crate) async fn due_of_record(
    conn: &mut SqliteConnection,
    record_id: &str,
    now: i64,
) -> Result<Vec<(i64, BillingStatus, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT id, status, nb_try, next_try_at FROM billing_records WHERE payment_record_id = ? AND status IN (?, ?) \
         AND next_try_at <= ? ORDER BY next_try_at, id",
    )
    .bind(record_id)
    .bind(BillingStatus::Future)
    .bind(BillingStatus::Retry)
    .bind(now)
    .fetch_all(conn)
    .await?)
}

/// The oldest due date to bill at `until` or before, of an enabled payment record: (billing
/// record id, status, tries, due instant, merchant).
pub(crate) async fn next_due(
    conn: &mut SqliteConnection,
    until: i64,
) -> Result<Option<(i64, BillingStatus, i64, i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT b.id, b.status, b.nb_try, b.next_try_at, p.merchant_id FROM billing_records b \
         JOIN payment_records p ON p.id = b.payment_record_id \
         WHERE b.status IN (?, ?) AND b.next_try_at <= ? AND p.disabled_at IS NULL \
         ORDER BY b.next_try_at, b.id LIMIT 1",
    )
    .bind(BillingStatus::Future)
    .bind(BillingStatus::Retry)
    .bind(until)
    .fetch_optional(conn)
    .await?)
}

/// Claims a due billing record: counts the try, guarded by the values read, so that of two
/// processes only one bills it. Must be the first write of the billing's transaction.
pub(crate) async fn claim(
    conn: &mut SqliteConnection,
    id: i64,
    status: BillingStatus,
    nb_try: i64,
    next_try_at: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE billing_records SET nb_try = nb_try + 1 WHERE id = ? AND status = ? AND nb_try = ? AND next_try_at = ?",
    )
    .bind(id)
    .bind(status)
    .bind(nb_try)
    .bind(next_try_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records the outcome of a try: the new status and next try, the code and ledger entry.
pub(crate) async fn record_try(
    conn: &mut SqliteConnection,
    id: i64,
    status: BillingStatus,
    next_try_at: i64,
    code: ReturnCode,
    transaction_id: Option<&str>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE billing_records SET status = ?, next_try_at = ?, result_code = ?, transaction_id = ?, executed_at = ? WHERE id = ?",
    )
    .bind(status)
    .bind(next_try_at)
    .bind(StoredCode(code))
    .bind(transaction_id)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Drops the future due dates never tried (before the schedule is laid again).
pub(crate) async fn delete_untried(conn: &mut SqliteConnection, record_id: &str) -> Result<()> {
    sqlx::query(
        "DELETE FROM billing_records WHERE payment_record_id = ? AND status = ? AND nb_try = 0",
    )
    .bind(record_id)
    .bind(BillingStatus::Future)
    .execute(conn)
    .await?;
    Ok(())
}

/// Changes a due date's date, next try, amount and status (updateBillingRecord).
pub(crate) async fn update(
    conn: &mut SqliteConnection,
    id: i64,
    date: Date,
    next_try_at: i64,
    amount: i64,
    status: BillingStatus,
) -> Result<()> {
    sqlx::query("UPDATE billing_records SET due_date = ?, next_try_at = ?, amount = ?, status = ? WHERE id = ?")
        .bind(iso(date))
        .bind(next_try_at)
        .bind(amount)
        .bind(status)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Marks rank 1 as paid by the authorization a hosted page made (one try, `00000`).
pub(crate) async fn first_paid(
    conn: &mut SqliteConnection,
    record_id: &str,
    transaction_id: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE billing_records SET status = ?, nb_try = 1, result_code = ?, transaction_id = ?, executed_at = ? \
         WHERE payment_record_id = ? AND rank = 1",
    )
    .bind(BillingStatus::Paid)
    .bind(StoredCode(ReturnCode::APPROVED))
    .bind(transaction_id)
    .bind(now)
    .bind(record_id)
    .execute(conn)
    .await?;
    Ok(())
}
