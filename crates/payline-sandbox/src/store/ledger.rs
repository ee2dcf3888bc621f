//! The sandbox ledger: every transaction with its amounts, state and link to the transaction
//! it follows (capture → authorization, refund → payment, re-authorization → original, …).
//!
//! Never holds a card number (only the masked number and the sandbox token) nor a CVV.

use payline_protocol::values::ReturnCode;
use serde::Serialize;
use sqlx::SqliteConnection;
use time::OffsetDateTime;

use super::StoredCode;
use crate::error::Result;

/// Kind of ledger entry, named after the Payline operation that created it
/// (`transactions.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::Type)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sqlx(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum Kind {
    /// doAuthorization (action 100 or 101).
    Authorization,
    /// doCapture (action 201).
    Capture,
    /// doReset: the cancellation record; the cancelled entry becomes `CANCELLED`.
    Reset,
    /// doRefund (action 421).
    Refund,
    /// doCredit (action 422).
    Credit,
    /// doDebit (action 204): a debit captured at once.
    Debit,
    /// doReAuthorization: an authorization, followed by its capture unless made with action
    /// 100.
    ReAuthorization,
}

impl Kind {
    /// The stored name, as getTransactionDetails and transactionsSearch show it in `type`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Kind::Authorization => "AUTHORIZATION",
            Kind::Capture => "CAPTURE",
            Kind::Reset => "RESET",
            Kind::Refund => "REFUND",
            Kind::Credit => "CREDIT",
            Kind::Debit => "DEBIT",
            Kind::ReAuthorization => "RE_AUTHORIZATION",
        }
    }
}

/// State of a ledger entry (`transactions.state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::Type)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sqlx(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum State {
    /// Accepted authorization, nothing captured yet.
    Authorized,
    /// Accepted authorization past its 7-day validity with nothing captured.
    Expired,
    /// Authorization with at least one capture, or capture entry waiting for settlement.
    Captured,
    /// Refund waiting for settlement.
    Refunded,
    /// Credit waiting for settlement.
    Credited,
    /// Sent to the bank at the sandbox midnight (UTC) after it was made; only doRefund applies.
    Settled,
    /// Cancelled by doReset.
    Cancelled,
    /// Refused (bank outcome, duplicate, card check…).
    Refused,
    /// A doReset record.
    Done,
}

impl State {
    /// The state of a new authorization entry: refused, captured at once (action 101,
    /// authorization + capture) or authorized only (action 100, mode DIF included).
    pub(crate) fn of_authorization(accepted: bool, action: i64) -> Self {
        match (accepted, action) {
            (false, _) => State::Refused,
            (true, 101) => State::Captured,
            (true, _) => State::Authorized,
        }
    }

    /// The stored name, as getTransactionDetails shows it in `associatedTransactions.status`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            State::Authorized => "AUTHORIZED",
            State::Expired => "EXPIRED",
            State::Captured => "CAPTURED",
            State::Refunded => "REFUNDED",
            State::Credited => "CREDITED",
            State::Settled => "SETTLED",
            State::Cancelled => "CANCELLED",
            State::Refused => "REFUSED",
            State::Done => "DONE",
        }
    }
}

/// One ledger entry.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Entry {
    /// Payline transaction id (14 digits).
    pub id: String,
    /// Operation.
    #[serde(rename = "type")]
    pub kind: Kind,
    /// Payline action code (100, 101, 201, 202, 421, 422; 0 for a reset).
    pub action: i64,
    /// Payment mode (`CPT`).
    pub mode: String,
    /// Contract used.
    pub contract_number: String,
    /// Merchant order reference.
    pub order_ref: String,
    /// Amount, minor units.
    pub amount: i64,
    /// ISO 4217 numeric currency.
    pub currency: i64,
    /// Payline result code returned for the operation.
    pub result_code: ReturnCode,
    /// True when the result code was an accepted one.
    pub accepted: bool,
    /// State.
    pub state: State,
    /// Payline card type (`card.type`).
    pub card_type: Option<String>,
    /// Co-badge choice (`payment.cardBrand`).
    pub card_brand: Option<String>,
    /// Masked card number (first 6, last 4).
    pub masked_card: Option<String>,
    /// Sandbox card token.
    pub token: Option<String>,
    /// Card expiry `MMYY`.
    pub expiry: Option<String>,
    /// `Y` when 3-D Secure authenticated, else `N`.
    pub three_d_secure: String,
    /// ECI of the 3-D Secure authentication.
    pub eci: Option<String>,
    /// True when the authentication shifts liability to the issuer.
    pub liability_shift: bool,
    /// Bank authorization number.
    pub authorization_number: Option<String>,
    /// The transaction this one follows.
    pub original_id: Option<String>,
    /// `isDuplicated` of the answer.
    pub is_duplicated: bool,
    /// Creation time, sandbox clock, RFC 3339.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Settlement time for captures, refunds and credits (sandbox midnight UTC).
    #[serde(with = "time::serde::rfc3339::option")]
    pub settles_at: Option<OffsetDateTime>,
}

const COLUMNS: &str = "id, kind, action, mode, contract_number, order_ref, amount, currency, result_code, accepted, \
     state, card_type, card_brand, masked_pan, token, expiry, three_ds, eci, liability_shift, authorization_number, \
     original_id, is_duplicated, created_at, settles_at";

fn ts(secs: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(secs).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// A `transactions` row as read ([`COLUMNS`]); flags are 0/1 integers, instants Unix seconds.
#[derive(sqlx::FromRow)]
struct EntryRow {
    id: String,
    kind: Kind,
    action: i64,
    mode: String,
    contract_number: String,
    order_ref: String,
    amount: i64,
    currency: i64,
    result_code: StoredCode,
    accepted: i64,
    state: State,
    card_type: Option<String>,
    card_brand: Option<String>,
    masked_pan: Option<String>,
    token: Option<String>,
    expiry: Option<String>,
    three_ds: String,
    eci: Option<String>,
    liability_shift: i64,
    authorization_number: Option<String>,
    original_id: Option<String>,
    is_duplicated: i64,
    created_at: i64,
    settles_at: Option<i64>,
}

impl From<EntryRow> for Entry {
    fn from(r: EntryRow) -> Self {
        Entry {
            id: r.id,
            kind: r.kind,
            action: r.action,
            mode: r.mode,
            contract_number: r.contract_number,
            order_ref: r.order_ref,
            amount: r.amount,
            currency: r.currency,
            result_code: r.result_code.0,
            accepted: r.accepted != 0,
            state: r.state,
            card_type: r.card_type,
            card_brand: r.card_brand,
            masked_card: r.masked_pan,
            token: r.token,
            expiry: r.expiry,
            three_d_secure: r.three_ds,
            eci: r.eci,
            liability_shift: r.liability_shift != 0,
            authorization_number: r.authorization_number,
            original_id: r.original_id,
            is_duplicated: r.is_duplicated != 0,
            created_at: ts(r.created_at),
            settles_at: r.settles_at.map(ts),
        }
    }
}

/// Writes a new entry.
pub(crate) async fn insert(
    conn: &mut SqliteConnection,
    merchant_id: &str,
    e: &Entry,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO transactions (id, merchant_id, kind, action, mode, contract_number, order_ref, amount, currency, \
         result_code, accepted, state, card_type, card_brand, masked_pan, token, expiry, three_ds, eci, liability_shift, \
         authorization_number, original_id, is_duplicated, created_at, settles_at) \
         VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    )
    .bind(&e.id)
    .bind(merchant_id)
    .bind(e.kind)
    .bind(e.action)
    .bind(&e.mode)
    .bind(&e.contract_number)
    .bind(&e.order_ref)
    .bind(e.amount)
    .bind(e.currency)
    .bind(StoredCode(e.result_code))
    .bind(i64::from(e.accepted))
    .bind(e.state)
    .bind(&e.card_type)
    .bind(&e.card_brand)
    .bind(&e.masked_card)
    .bind(&e.token)
    .bind(&e.expiry)
    .bind(&e.three_d_secure)
    .bind(&e.eci)
    .bind(i64::from(e.liability_shift))
    .bind(&e.authorization_number)
    .bind(&e.original_id)
    .bind(i64::from(e.is_duplicated))
    .bind(e.created_at.unix_timestamp())
    .bind(e.settles_at.map(OffsetDateTime::unix_timestamp))
    .execute(conn)
    .await?;
    Ok(())
}

/// One entry of a merchant.
pub(crate) async fn get(
    conn: &mut SqliteConnection,
    merchant_id: &str,
    id: &str,
) -> Result<Option<Entry>> {
    let sql = format!("SELECT {COLUMNS} FROM transactions WHERE merchant_id = ? AND id = ?");
    let row = sqlx::query_as::<_, EntryRow>(&sql)
        .bind(merchant_id)
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(Entry::from))
}

/// Entries of a merchant for an order reference, oldest first.
pub(crate) async fn by_order_ref(
    conn: &mut SqliteConnection,
    merchant_id: &str,
    order_ref: &str,
) -> Result<Vec<Entry>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM transactions WHERE merchant_id = ? AND order_ref = ? ORDER BY created_at, rowid"
    );
    let rows = sqlx::query_as::<_, EntryRow>(&sql)
        .bind(merchant_id)
        .bind(order_ref)
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(Entry::from).collect())
}

/// Entries that follow `original_id`, oldest first.
pub(crate) async fn follow_ups(
    conn: &mut SqliteConnection,
    original_id: &str,
) -> Result<Vec<Entry>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM transactions WHERE original_id = ? ORDER BY created_at, rowid"
    );
    let rows = sqlx::query_as::<_, EntryRow>(&sql)
        .bind(original_id)
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(Entry::from).collect())
}

/// Entries of a merchant created in `[from, to)`, with optional filters, oldest first.
pub(crate) async fn search(
    conn: &mut SqliteConnection,
    merchant_id: &str,
    from: OffsetDateTime,
    to: OffsetDateTime,
    order_ref: Option<&str>,
    transaction_id: Option<&str>,
    limit: i64,
) -> Result<Vec<Entry>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM transactions WHERE merchant_id = ? AND created_at >= ? AND created_at < ? \
         AND (? IS NULL OR order_ref = ?) AND (? IS NULL OR id = ?) ORDER BY created_at, rowid LIMIT ?"
    );
    let rows = sqlx::query_as::<_, EntryRow>(&sql)
        .bind(merchant_id)
        .bind(from.unix_timestamp())
        .bind(to.unix_timestamp())
        .bind(order_ref)
        .bind(order_ref)
        .bind(transaction_id)
        .bind(transaction_id)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(Entry::from).collect())
}

/// Changes the state of an entry.
pub(crate) async fn set_state(conn: &mut SqliteConnection, id: &str, state: State) -> Result<()> {
    sqlx::query("UPDATE transactions SET state = ? WHERE id = ?")
        .bind(state)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Sum and count of the follow-ups of `original_id` of this kind that still stand (in one of
/// `states`): the captures of an authorization, the refunds of a payment.
pub(crate) async fn standing_follow_ups(
    conn: &mut SqliteConnection,
    original_id: &str,
    kind: Kind,
    states: [State; 2],
) -> Result<(i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT COALESCE(SUM(amount), 0), COUNT(*) FROM transactions WHERE original_id = ? AND kind = ? \
         AND state IN (?, ?)",
    )
    .bind(original_id)
    .bind(kind)
    .bind(states[0])
    .bind(states[1])
    .fetch_one(conn)
    .await?)
}

/// Records a 3-D Secure authentication (`three_ds` Y, its ECI and liability shift) on the entry
/// billed for rank 1 of a payment record.
pub(crate) async fn authenticate_first_billing(
    conn: &mut SqliteConnection,
    record_id: &str,
    eci: &str,
    liability_shift: bool,
) -> Result<()> {
    sqlx::query(
        "UPDATE transactions SET three_ds = 'Y', eci = ?, liability_shift = ? WHERE id = \
         (SELECT transaction_id FROM billing_records WHERE payment_record_id = ? AND rank = 1 AND transaction_id IS NOT NULL)",
    )
    .bind(eci)
    .bind(liability_shift)
    .bind(record_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// How many accepted authorizations (and re-authorizations) of the merchant use `order_ref`
/// since `since` (Payline duplicate control).
pub(crate) async fn accepted_authorizations_since(
    conn: &mut SqliteConnection,
    merchant_id: &str,
    order_ref: &str,
    since: OffsetDateTime,
) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM transactions WHERE merchant_id = ? AND order_ref = ? AND accepted = 1 \
         AND kind IN (?, ?) AND created_at > ?",
    )
    .bind(merchant_id)
    .bind(order_ref)
    .bind(Kind::Authorization)
    .bind(Kind::ReAuthorization)
    .bind(since.unix_timestamp())
    .fetch_one(conn)
    .await?;
    Ok(n)
}

/// Cancels an entry (doReset).
pub(crate) async fn cancel(
    conn: &mut SqliteConnection,
    id: &str,
    now: OffsetDateTime,
) -> Result<()> {
    sqlx::query("UPDATE transactions SET state = ?, cancelled_at = ? WHERE id = ?")
        .bind(State::Cancelled)
        .bind(now.unix_timestamp())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Runs the date-driven state changes that fell due: settlement at sandbox midnight and the
/// 7-day expiry of uncaptured authorizations. Idempotent; called before every operation and
/// after the clock moves, so the ledger always shows states as of sandbox now.
pub(crate) async fn sweep(conn: &mut SqliteConnection, now: OffsetDateTime) -> Result<()> {
    let now = now.unix_timestamp();
    sqlx::query(
        "UPDATE transactions SET state = ? WHERE settles_at IS NOT NULL AND settles_at <= ? \
         AND state IN (?, ?, ?)",
    )
    .bind(State::Settled)
    .bind(now)
    .bind(State::Captured)
    .bind(State::Refunded)
    .bind(State::Credited)
    .execute(&mut *conn)
    .await?;
    // A DIF authorization whose capture is still planned is left to the scheduler, which
    // captures it at its due instant (always inside the 7 days) or records why not. A
    // re-authorization made with action 100 expires like an authorization, 7 days after its
    // own creation.
    sqlx::query(
        "UPDATE transactions SET state = ? WHERE kind IN (?, ?) AND action = 100 \
         AND state = ? AND created_at <= ? \
         AND id NOT IN (SELECT authorization_id FROM deferred_captures WHERE status = ?)",
    )
    .bind(State::Expired)
    .bind(Kind::Authorization)
    .bind(Kind::ReAuthorization)
    .bind(State::Authorized)
    // `created_at + validity <= now`, written as a bound on the column so that the
    // (state, created_at) index reads only the rows that expire.
    .bind(now - crate::rules::AUTHORIZATION_VALIDITY.whole_seconds())
    .bind(deferred::Status::Pending)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Deferred capture (Payline mode DIF): the capture the gateway makes on
/// `payment.differedActionDate`, one per accepted DIF authorization.
pub(crate) mod deferred {
    use serde::Serialize;
    use sqlx::SqliteConnection;
    use time::{Date, OffsetDateTime};

    use crate::error::Result;
    use crate::store::dates::from_iso;

    /// `deferred_captures.status`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::Type)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    #[sqlx(rename_all = "SCREAMING_SNAKE_CASE")]
    pub(crate) enum Status {
        /// Waiting for its due instant.
        Pending,
        /// Made by the scheduler (`capture_id`).
        Captured,
        /// Not made; `reason` says why.
        Skipped,
    }

    /// Why a deferred capture was skipped (`deferred_captures.reason`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::Type)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    #[sqlx(rename_all = "SCREAMING_SNAKE_CASE")]
    pub(crate) enum SkipReason {
        /// The merchant captured the authorization first (doCapture).
        MerchantCapture,
        /// The authorization was cancelled (doReset).
        Cancelled,
        /// The authorization was past its 7-day validity at the due instant.
        Expired,
    }

    /// The planned capture of a DIF authorization.
    #[derive(Debug, Clone, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub(crate) struct Deferred {
        /// The authorization.
        pub authorization_id: String,
        /// `payment.differedActionDate`.
        #[serde(serialize_with = "crate::store::dates::serialize_iso")]
        pub capture_date: Date,
        /// Sandbox instant the capture falls due.
        #[serde(with = "time::serde::rfc3339")]
        pub due_at: OffsetDateTime,
        /// Pending, captured or skipped.
        pub status: Status,
        /// Why it was skipped.
        pub reason: Option<SkipReason>,
        /// The capture entry the scheduler made.
        pub capture_id: Option<String>,
        /// Wallet of a wallet payment (notified TRSWALLET).
        #[serde(skip)]
        pub wallet_id: Option<String>,
        /// When it was captured or skipped.
        #[serde(with = "time::serde::rfc3339::option")]
        pub executed_at: Option<OffsetDateTime>,
    }

    /// The capture date as stored; kept under this name for the callers that show it.
    pub(crate) use crate::store::dates::iso;

    /// Stores `payment.differedActionDate` on a ledger entry.
    pub(crate) async fn set_date(
        conn: &mut SqliteConnection,
        transaction_id: &str,
        date: Date,
    ) -> Result<()> {
        sqlx::query("UPDATE transactions SET differed_action_date = ? WHERE id = ?")
            .bind(iso(date))
            .bind(transaction_id)
            .execute(conn)
            .await?;
        Ok(())
    }

    /// `payment.differedActionDate` of a ledger entry.
    pub(crate) async fn date_of(
        conn: &mut SqliteConnection,
        transaction_id: &str,
    ) -> Result<Option<Date>> {
        let row: Option<(Option<String>,)> =
            sqlx::query_as("SELECT differed_action_date FROM transactions WHERE id = ?")
                .bind(transaction_id)
                .fetch_optional(conn)
                .await?;
        Ok(row.and_then(|(d,)| d).as_deref().and_then(from_iso))
    }

    /// Plans the capture of an accepted DIF authorization.
    pub(crate) async fn plan(
        conn: &mut SqliteConnection,
        merchant_id: &str,
        authorization_id: &str,
        wallet_id: Option<&str>,
        date: Date,
        due_at: OffsetDateTime,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO deferred_captures (authorization_id, merchant_id, wallet_id, capture_date, due_at, status) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(authorization_id)
        .bind(merchant_id)
        .bind(wallet_id)
        .bind(iso(date))
        .bind(due_at.unix_timestamp())
        .bind(Status::Pending)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// The planned capture of an authorization, if it is a DIF one.
    pub(crate) async fn get(
        conn: &mut SqliteConnection,
        authorization_id: &str,
    ) -> Result<Option<Deferred>> {
        /// The columns read; the date is `yyyy-mm-dd` text, instants Unix seconds.
        #[derive(sqlx::FromRow)]
        struct DeferredRow {
            authorization_id: String,
            capture_date: String,
            due_at: i64,
            status: Status,
            reason: Option<SkipReason>,
            capture_id: Option<String>,
            wallet_id: Option<String>,
            executed_at: Option<i64>,
        }
        let Some(r) = sqlx::query_as::<_, DeferredRow>(
            "SELECT * FROM deferred_captures WHERE authorization_id = ?",
        )
        .bind(authorization_id)
        .fetch_optional(conn)
        .await?
        else {
            return Ok(None);
        };
        Ok(Some(Deferred {
            authorization_id: r.authorization_id,
            capture_date: from_iso(&r.capture_date).ok_or(crate::error::SandboxError::Bug(
                "stored capture date unreadable",
            ))?,
            due_at: super::ts(r.due_at),
            status: r.status,
            reason: r.reason,
            capture_id: r.capture_id,
            wallet_id: r.wallet_id,
            executed_at: r.executed_at.map(super::ts),
        }))
    }

    /// Gives up a planned capture for `reason` (the merchant captured or cancelled first);
    /// nothing when it is not pending.
    pub(crate) async fn skip(
        conn: &mut SqliteConnection,
        authorization_id: &str,
        reason: SkipReason,
        now: OffsetDateTime,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE deferred_captures SET status = ?, reason = ?, executed_at = ? \
             WHERE authorization_id = ? AND status = ?",
        )
        .bind(Status::Skipped)
        .bind(reason)
        .bind(now.unix_timestamp())
        .bind(authorization_id)
        .bind(Status::Pending)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// The oldest pending capture due at `until` or before: (authorization, due instant,
    /// merchant).
    pub(crate) async fn next_due(
        pool: &sqlx::SqlitePool,
        until: i64,
    ) -> Result<Option<(String, i64, String)>> {
        Ok(sqlx::query_as(
            "SELECT authorization_id, due_at, merchant_id FROM deferred_captures WHERE status = ? AND due_at <= ? \
             ORDER BY due_at, authorization_id LIMIT 1",
        )
        .bind(Status::Pending)
        .bind(until)
        .fetch_optional(pool)
        .await?)
    }

    /// Claims a due capture, guarded by the values read, so that of two processes only one
    /// runs it. Must be the first write of the capture's transaction; the same transaction
    /// then records the outcome ([`done`]).
    pub(crate) async fn claim(
        conn: &mut SqliteConnection,
        authorization_id: &str,
        due_at: i64,
        now: OffsetDateTime,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE deferred_captures SET status = ?, executed_at = ? \
             WHERE authorization_id = ? AND status = ? AND due_at = ?",
        )
        .bind(Status::Captured)
        .bind(now.unix_timestamp())
        .bind(authorization_id)
        .bind(Status::Pending)
        .bind(due_at)
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records the outcome of a claimed capture: the capture made, or why it was skipped.
    pub(crate) async fn done(
        conn: &mut SqliteConnection,
        authorization_id: &str,
        outcome: std::result::Result<&str, SkipReason>,
    ) -> Result<()> {
        let (status, capture_id, reason) = match outcome {
            Ok(capture) => (Status::Captured, Some(capture), None),
            Err(reason) => (Status::Skipped, None, Some(reason)),
        };
        sqlx::query("UPDATE deferred_captures SET status = ?, capture_id = ?, reason = ? WHERE authorization_id = ?")
            .bind(status)
            .bind(capture_id)
            .bind(reason)
            .bind(authorization_id)
            .execute(conn)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{Kind, State};

    // The control API (serde), the database (sqlx, same renaming rule) and the Payline answers
    // (`as_str`) must spell a state or kind the same way.
    #[test]
    fn state_and_kind_names_agree() {
        let states = [
            State::Authorized,
            State::Expired,
            State::Captured,
            State::Refunded,
            State::Credited,
            State::Settled,
            State::Cancelled,
            State::Refused,
            State::Done,
        ];
        for s in states {
            assert_eq!(
                serde_json::to_value(s).ok(),
                Some(serde_json::Value::from(s.as_str()))
            );
        }
        let kinds = [
            Kind::Authorization,
            Kind::Capture,
            Kind::Reset,
            Kind::Refund,
            Kind::Credit,
            Kind::Debit,
            Kind::ReAuthorization,
        ];
        for k in kinds {
            assert_eq!(
                serde_json::to_value(k).ok(),
                Some(serde_json::Value::from(k.as_str()))
            );
        }
    }
}
