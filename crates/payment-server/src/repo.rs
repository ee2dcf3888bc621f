//! The money paths' SQL, each state change one database transaction.
//!
//! Rules every function here keeps:
//! * a transition is a compare-and-set on the old state (`… WHERE status = $old`); a caller
//!   that loses the race changes nothing and is told so;
//! * the payment, the session, the operation journal and the shop webhook event (the
//!   transactional outbox) change in the same transaction as the attempt, so a crash leaves
//!   either all of it or none;
//! * a gateway call that can move money has its pending record committed before it is sent,
//!   with the time it was sent ([`apply_attempt`] to `authorizing`, [`begin_operation`],
//!   [`orphan_sending`]).
//!
//! SQLite transactions start with `BEGIN IMMEDIATE`: a deferred transaction that reads first
//! and writes later can fail at once with SQLITE_BUSY when another writer got in between (the
//! busy timeout does not apply to that upgrade), whereas an immediate one waits its turn.

use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};

use crate::error::{AppError, Result};
use crate::machine::{self, Step};
use crate::model::{AttemptStatus, OperationStatus, OrphanStatus, PaymentStatus, SessionStatus};
use crate::state::AppState;
use crate::store::{Backend, int, opt_int, opt_text, text};

/// An open write transaction, holding this process's turn to write on SQLite until it ends
/// (see [`crate::store::Store::writer_turn`]).
pub struct Tx {
    inner: Transaction<'static, Any>,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl std::fmt::Debug for Tx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tx")
    }
}

impl std::ops::Deref for Tx {
    type Target = <Transaction<'static, Any> as std::ops::Deref>::Target;
    fn deref(&self) -> &Self::Target {
        &self.inner
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.inner
    }
}

impl Tx {
    /// Commits, then gives the turn to write to the next writer.
    pub async fn commit(self) -> std::result::Result<(), sqlx::Error> {
        self.inner.commit().await
    }

    /// Rolls back (dropping a `Tx` does too).
    pub async fn rollback(self) -> std::result::Result<(), sqlx::Error> {
        self.inner.rollback().await
    }
}

/// Starts a write transaction (see the module docs for `BEGIN IMMEDIATE`).
pub async fn begin(state: &AppState) -> Result<Tx> {
    let store = state.store();
    let turn = store.writer_turn().await?;
    let inner = match store.backend() {
        Backend::Sqlite => store.pool().begin_with("BEGIN IMMEDIATE").await?,
        Backend::Postgres => store.pool().begin().await?,
    };
    Ok(Tx { inner, _turn: turn })
}

// ---------------------------------------------------------------------------------------------
// Attempts

/// What starting an attempt stores, all in one transaction.
#[derive(Debug)]
pub struct NewAttempt<'a> {
    /// Session.
    pub session_id: &'a str,
    /// Attempt number the session is at.
    pub n: i64,
    /// Its order reference.
    pub order_ref: &'a str,
    /// Existing payment of the session, or the id of the one to create.
    pub payment_id: &'a str,
    /// True when the payment row must be created.
    pub new_payment: bool,
    /// Session amount and currency (copied to a new payment).
    pub amount: i64,
    /// ISO 4217 numeric.
    pub currency: &'a str,
    /// Contract.
    pub contract: &'a str,
    /// Brand chosen by the buyer.
    pub brand: &'a str,
    /// Payline card type of the token.
    pub card_type: &'a str,
    /// SHA-256 of the tokenizer blob (accepted once).
    pub blob_hash: &'a str,
    /// Sealed card token, expiry and virtual CVV.
    pub card_sealed: Option<&'a str>,
    /// Non-secret context (JSON).
    pub context: &'a str,
    /// `iframe` or `redirect`.
    pub three_ds_mode: &'a str,
    /// Checked redirect-mode return URL.
    pub return_url: Option<&'a str>,
    /// Checkout page origin.
    pub origin: &'a str,
    /// When a verifyEnrollment still running counts as stalled.
    pub stale_at: i64,
    /// The saved card it pays with.
    pub saved_card_id: Option<&'a str>,
    /// The card is to be saved once authorized.
    pub save: Option<PlannedSave<'a>>,
}

/// Why an attempt could not start.
#[derive(Debug, PartialEq, Eq)]
pub enum StartRefused {
    /// The session is not open for attempt `n` (another attempt runs, or it moved on).
    NotOpen,
    /// The blob was used before.
    BlobUsed,
}

/// Claims the session for attempt `n` and stores the payment and the attempt: one transaction.
pub async fn start_attempt(
    state: &AppState,
    a: &NewAttempt<'_>,
) -> Result<std::result::Result<(), StartRefused>> {
    let now = state.now_ms();
    let mut tx = begin(state).await?;
    let claimed = sqlx::query(
        "UPDATE checkout_sessions SET status = 'processing', checkout_origin = $1, payment_id = $2 \
         WHERE id = $3 AND attempt = $4 AND status IN ('open', 'refused') AND expires_at > $5",
    )
    .bind(a.origin)
    .bind(a.payment_id)
    .bind(a.session_id)
    .bind(a.n)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if claimed != 1 {
        tx.rollback().await?;
        return Ok(Err(StartRefused::NotOpen));
    }
    let fresh = sqlx::query("INSERT INTO consumed_blobs (blob_hash, session_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        .bind(a.blob_hash)
        .bind(a.session_id)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if fresh != 1 {
        tx.rollback().await?;
        return Ok(Err(StartRefused::BlobUsed));
    }
    if a.new_payment {
        sqlx::query(
            "INSERT INTO payments (id, session_id, status, amount, currency, order_ref, contract_number, brand, card_type, created_at, updated_at, saved_card_id) \
             VALUES ($1, $2, 'processing', $3, $4, $5, $6, $7, $8, $9, $9, $10)",
        )
        .bind(a.payment_id)
        .bind(a.session_id)
        .bind(a.amount)
        .bind(a.currency)
        .bind(a.order_ref)
        .bind(a.contract)
        .bind(a.brand)
        .bind(a.card_type)
        .bind(now)
        .bind(a.saved_card_id)
        .execute(&mut *tx)
        .await?;
    } else {
        sqlx::query(
            "UPDATE payments SET status = 'processing', order_ref = $1, code = NULL, message = NULL, brand = $2, \
             card_type = $3, updated_at = $4, saved_card_id = $5, masked_card = NULL WHERE id = $6",
        )
        .bind(a.order_ref)
        .bind(a.brand)
        .bind(a.card_type)
        .bind(now)
        .bind(a.saved_card_id)
        .bind(a.payment_id)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "INSERT INTO attempts (payment_id, n, order_ref, status, card_sealed, browser, three_ds_mode, return_url, \
         next_check_at, created_at, updated_at, saved_card_id) VALUES ($1, $2, $3, 'enrolling', $4, $5, $6, $7, $8, $9, $9, $10)",
    )
    .bind(a.payment_id)
    .bind(a.n)
    .bind(a.order_ref)
    .bind(a.card_sealed)
    .bind(a.context)
    .bind(a.three_ds_mode)
    .bind(a.return_url)
    .bind(a.stale_at)
    .bind(now)
    .bind(a.saved_card_id)
    .execute(&mut *tx)
    .await?;
    if let Some(save) = &a.save {
        plan_save(&mut tx, save, a.payment_id, a.n, now).await?;
    }
    tx.commit().await?;
    Ok(Ok(()))
}

/// The data a transition stores besides the new state.
#[derive(Debug, Default, Clone)]
pub struct AttemptData {
    /// Payline result code.
    pub code: Option<String>,
    /// Payline message.
    pub message: Option<String>,
    /// Transaction id (authorization, or the refusal's).
    pub transaction_id: Option<String>,
    /// MD / threeDSSessionData.
    pub md: Option<String>,
    /// verifyEnrollment's transient.
    pub transient: Option<String>,
    /// 3-D Secure version of a challenge (`1`, `2`).
    pub three_ds_version: Option<String>,
    /// What an accepted authorization adds to the payment.
    pub authorized: Option<Authorized>,
    /// When the attempt is next looked at by the reconciler (None: never).
    pub next_check_at: Option<i64>,
    /// Until when a closed attempt is watched for a late landing.
    pub watch_until: Option<i64>,
    /// Until when a 3-D Secure step may wait.
    pub wait_expires_at: Option<i64>,
    /// doAuthorization's send time (set with the move to `authorizing`).
    pub sent_at: Option<i64>,
}

/// An accepted authorization.
#[derive(Debug, Clone)]
pub struct Authorized {
    /// Payline transaction id.
    pub transaction_id: String,
    /// Masked card number.
    pub masked_card: Option<String>,
    /// ECI of the authentication.
    pub eci: Option<String>,
    /// 1 when liability shifts.
    pub liability_shift: Option<i64>,
    /// True when 3-D Secure authenticated the buyer.
    pub authenticated: bool,
    /// Operation journal message (`reconciled` when found by the reconciler).
    pub journal_message: String,
}

/// Identifies an attempt.
#[derive(Debug, Clone)]
pub struct AttemptRef {
    /// Payment.
    pub payment_id: String,
    /// Number.
    pub n: i64,
    /// Session.
    pub session_id: String,
    /// Order reference.
    pub order_ref: String,
}

/// Stores `from → step.to` with its consequences for the payment and the session and the
/// webhook event, in one transaction. False (nothing changed) when the attempt was no longer
/// in `from`.
pub async fn apply_attempt(
    state: &AppState,
    a: &AttemptRef,
    from: AttemptStatus,
    step: Step,
    d: &AttemptData,
) -> Result<bool> {
    let now = state.now_ms();
    let c = machine::consequences(step.to);
    let mut tx = begin(state).await?;
    let changed = sqlx::query(
        "UPDATE attempts SET status = $1, updated_at = $2, code = COALESCE($3, code), message = COALESCE($4, message), \
         transaction_id = COALESCE($5, transaction_id), md = COALESCE($6, md), \
         transient = CASE WHEN $7 = 1 THEN NULL ELSE COALESCE($8, transient) END, \
         card_sealed = CASE WHEN $7 = 1 THEN NULL ELSE card_sealed END, sent_at = COALESCE($9, sent_at), \
         next_check_at = $10, watch_until = $11, wait_expires_at = $12, claimed_until = NULL, \
         checks = CASE WHEN $1 = status THEN checks ELSE 0 END \
         WHERE payment_id = $13 AND n = $14 AND status = $15",
    )
    .bind(step.to.as_str())
    .bind(now)
    .bind(d.code.as_deref())
    .bind(d.message.as_deref())
    .bind(d.transaction_id.as_deref())
    .bind(d.md.as_deref())
    .bind(i64::from(c.wipe_card))
    .bind(d.transient.as_deref())
    .bind(d.sent_at)
    .bind(d.next_check_at)
    .bind(d.watch_until)
    .bind(d.wait_expires_at)
    .bind(&a.payment_id)
    .bind(a.n)
    .bind(from.as_str())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    if step.to == from {
        // A re-check that changed nothing but the schedule.
        tx.commit().await?;
        return Ok(true);
    }
    match &d.authorized {
        Some(au) => {
            sqlx::query(
                "UPDATE payments SET status = $1, transaction_id = $2, code = $3, message = $4, \
                 masked_card = COALESCE($5, masked_card), eci = COALESCE($6, eci), liability_shift = COALESCE($7, liability_shift), \
                 three_ds_version = CASE WHEN $8 = 1 THEN COALESCE(three_ds_version, '2') ELSE three_ds_version END, \
                 authorized_amount = amount, authorized_at = $9, order_ref = $10, updated_at = $9 WHERE id = $11",
            )
            .bind(c.payment.as_str())
            .bind(&au.transaction_id)
            .bind(d.code.as_deref())
            .bind(d.message.as_deref())
            .bind(au.masked_card.as_deref())
            .bind(au.eci.as_deref())
            .bind(au.liability_shift)
            .bind(i64::from(au.authenticated))
            .bind(now)
            .bind(&a.order_ref)
            .bind(&a.payment_id)
            .execute(&mut *tx)
            .await?;
            let (amount, currency): (i64, String) = {
                let r = sqlx::query("SELECT amount, currency FROM payments WHERE id = $1")
                    .bind(&a.payment_id)
                    .fetch_one(&mut *tx)
                    .await?;
                (int(&r, "amount")?, text(&r, "currency")?)
            };
            insert_operation(
                &mut tx,
                &OperationRow {
                    payment_id: &a.payment_id,
                    kind: "authorization",
                    status: OperationStatus::Accepted,
                    amount,
                    currency: &currency,
                    order_ref: Some(&a.order_ref),
                    transaction_id: Some(&au.transaction_id),
                    code: d.code.as_deref(),
                    message: Some(&au.journal_message),
                    idem_key: None,
                    sent_at: None,
                    now,
                },
            )
            .await?;
        }
        None => {
            sqlx::query(
                "UPDATE payments SET status = $1, code = COALESCE($2, code), message = COALESCE($3, message), \
                 three_ds_version = COALESCE($4, three_ds_version), updated_at = $5 WHERE id = $6",
            )
            .bind(c.payment.as_str())
            .bind(d.code.as_deref())
            .bind(d.message.as_deref())
            .bind(d.three_ds_version.as_deref())
            .bind(now)
            .bind(&a.payment_id)
            .execute(&mut *tx)
            .await?;
        }
    }
    match c.session {
        // Attempt n+1 gets its own order reference (reserved with the session); past the limit
        // the session stays refused and further pays get 429.
        SessionStatus::Refused => {
            sqlx::query("UPDATE checkout_sessions SET status = 'refused', attempt = attempt + 1 WHERE id = $1 AND attempt = $2")
                .bind(&a.session_id)
                .bind(a.n)
                .execute(&mut *tx)
                .await?;
        }
        s => {
            sqlx::query("UPDATE checkout_sessions SET status = $1 WHERE id = $2 AND attempt = $3")
                .bind(s.as_str())
                .bind(&a.session_id)
                .bind(a.n)
                .execute(&mut *tx)
                .await?;
        }
    }
    if let Some(event) = c.webhook {
        enqueue_webhook(state, &mut tx, &a.payment_id, event).await?;
    }
    // A card to be saved with this payment becomes due with the authorization, or is dropped
    // with the attempt: in this same transaction, so a crash can never save a card of a
    // payment that was not authorized, nor forget one of a payment that was.
    on_attempt_decided(
        &mut tx,
        &a.payment_id,
        a.n,
        step.to,
        d.authorized.as_ref().map(|au| au.transaction_id.as_str()),
        d.authorized
            .as_ref()
            .and_then(|au| au.masked_card.as_deref()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Columns of an attempt the runners need.
#[derive(Debug, Clone)]
pub struct AttemptRow {
    /// Key.
    pub key: AttemptRef,
    /// State.
    pub status: AttemptStatus,
    /// When doAuthorization was sent.
    pub sent_at: Option<i64>,
    /// Reconciler checks so far.
    pub checks: i64,
    /// Late-landing watch end.
    pub watch_until: Option<i64>,
    /// Own transaction, once authorized.
    pub transaction_id: Option<String>,
}

const ATTEMPT_COLUMNS: &str = "a.payment_id, a.n, a.order_ref, a.status, a.sent_at, a.checks, a.watch_until, a.transaction_id, p.session_id";

fn attempt_row(r: &AnyRow) -> std::result::Result<AttemptRow, sqlx::Error> {
    Ok(AttemptRow {
        key: AttemptRef {
            payment_id: text(r, "payment_id")?,
            n: int(r, "n")?,
            session_id: text(r, "session_id")?,
            order_ref: text(r, "order_ref")?,
        },
        status: AttemptStatus::from_sql(&text(r, "status")?)?,
        sent_at: opt_int(r, "sent_at")?,
        checks: int(r, "checks")?,
        watch_until: opt_int(r, "watch_until")?,
        transaction_id: opt_text(r, "transaction_id")?,
    })
}

/// The attempt with this order reference.
pub async fn attempt_by_order_ref(state: &AppState, order_ref: &str) -> Result<Option<AttemptRow>> {
    let sql = format!(
        "SELECT {ATTEMPT_COLUMNS} FROM attempts a JOIN payments p ON p.id = a.payment_id WHERE a.order_ref = $1"
    );
    let r = sqlx::query(&sql)
        .bind(order_ref)
        .fetch_optional(state.store().pool())
        .await?;
    Ok(r.as_ref().map(attempt_row).transpose()?)
}

/// Attempts whose check is due and that nobody holds.
pub async fn due_attempts(state: &AppState, limit: i64) -> Result<Vec<AttemptRow>> {
    let now = state.now_ms();
    let sql = format!(
        "SELECT {ATTEMPT_COLUMNS} FROM attempts a JOIN payments p ON p.id = a.payment_id \
         WHERE a.next_check_at <= $1 AND (a.claimed_until IS NULL OR a.claimed_until < $1) \
         ORDER BY a.next_check_at LIMIT $2"
    );
    let rows = sqlx::query(&sql)
        .bind(now)
        .bind(limit)
        .fetch_all(state.store().pool())
        .await?;
    rows.iter()
        .map(attempt_row)
        .collect::<std::result::Result<_, _>>()
        .map_err(AppError::from)
}

/// Claims a due attempt for one check: a lease against other instances, and the next check
/// time pushed back first (exponential backoff), so that a check that crashes or keeps failing
/// never starves the rows behind it.
pub async fn claim_attempt(state: &AppState, a: &AttemptRow, next_check_at: i64) -> Result<bool> {
    let now = state.now_ms();
    let r = sqlx::query(
        "UPDATE attempts SET claimed_until = $1, next_check_at = $2, checks = checks + 1 \
         WHERE payment_id = $3 AND n = $4 AND status = $5 AND checks = $6 AND (claimed_until IS NULL OR claimed_until < $7)",
    )
    .bind(now + state.settings().money.lease_ms)
    .bind(next_check_at)
    .bind(&a.key.payment_id)
    .bind(a.n())
    .bind(a.status.as_str())
    .bind(a.checks)
    .bind(now)
    .execute(state.store().pool())
    .await?;
    Ok(r.rows_affected() == 1)
}

impl AttemptRow {
    /// Attempt number.
    pub fn n(&self) -> i64 {
        self.key.n
    }
}

/// Gives a claimed row back once its check is done (its next check time stays as the claim or
/// the check set it). `table` is one of the three reconciled tables.
pub async fn release_claim(state: &AppState, table: Claimed, key: &str, n: i64) -> Result<()> {
    let q = match table {
        Claimed::Attempt => {
            sqlx::query("UPDATE attempts SET claimed_until = NULL WHERE payment_id = $1 AND n = $2")
                .bind(key)
                .bind(n)
        }
        Claimed::Operation => {
            sqlx::query("UPDATE operations SET claimed_until = NULL WHERE id = $1").bind(key)
        }
        Claimed::Orphan => {
            sqlx::query("UPDATE orphans SET claimed_until = NULL WHERE transaction_id = $1")
                .bind(key)
        }
    };
    q.execute(state.store().pool()).await?;
    Ok(())
}

/// The tables whose rows the reconciler claims.
#[derive(Debug, Clone, Copy)]
pub enum Claimed {
    /// `attempts`.
    Attempt,
    /// `operations`.
    Operation,
    /// `orphans`.
    Orphan,
}

/// Ends the late-landing watch of a closed attempt (or reschedules it).
pub async fn reschedule_attempt(
    state: &AppState,
    a: &AttemptRow,
    next_check_at: Option<i64>,
) -> Result<()> {
    sqlx::query("UPDATE attempts SET next_check_at = $1, claimed_until = NULL WHERE payment_id = $2 AND n = $3 AND status = $4")
        .bind(next_check_at)
        .bind(&a.key.payment_id)
        .bind(a.n())
        .bind(a.status.as_str())
        .execute(state.store().pool())
        .await?;
    Ok(())
}

/// Attempts whose 3-D Secure wait ran out.
pub async fn expired_waits(state: &AppState, limit: i64) -> Result<Vec<AttemptRow>> {
    let sql = format!(
        "SELECT {ATTEMPT_COLUMNS} FROM attempts a JOIN payments p ON p.id = a.payment_id \
         WHERE a.status IN ('method', 'challenge') AND a.wait_expires_at <= $1 LIMIT $2"
    );
    let rows = sqlx::query(&sql)
        .bind(state.now_ms())
        .bind(limit)
        .fetch_all(state.store().pool())
        .await?;
    rows.iter()
        .map(attempt_row)
        .collect::<std::result::Result<_, _>>()
        .map_err(AppError::from)
}

// ---------------------------------------------------------------------------------------------
// Operations

/// A journal row.
#[derive(Debug)]
pub struct OperationRow<'a> {
    /// Payment.
    pub payment_id: &'a str,
    /// `authorization`, `capture`, `cancel`, `refund`, `reauthorization`.
    pub kind: &'a str,
    /// State.
    pub status: OperationStatus,
    /// Minor units.
    pub amount: i64,
    /// ISO 4217 numeric.
    pub currency: &'a str,
    /// Order reference (re-authorization).
    pub order_ref: Option<&'a str>,
    /// Transaction id.
    pub transaction_id: Option<&'a str>,
    /// Result code.
    pub code: Option<&'a str>,
    /// Message.
    pub message: Option<&'a str>,
    /// Idempotency key that started it.
    pub idem_key: Option<&'a str>,
    /// When it was sent.
    pub sent_at: Option<i64>,
    /// Now.
    pub now: i64,
}

async fn insert_operation(tx: &mut Tx, o: &OperationRow<'_>) -> Result<String> {
    let id = crate::ids::sortable_id("op_", o.now);
    sqlx::query(
        "INSERT INTO operations (id, payment_id, kind, status, amount, currency, order_ref, transaction_id, code, message, \
         idem_key, sent_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
    )
    .bind(&id)
    .bind(o.payment_id)
    .bind(o.kind)
    .bind(o.status.as_str())
    .bind(o.amount)
    .bind(o.currency)
    .bind(o.order_ref)
    .bind(o.transaction_id)
    .bind(o.code)
    .bind(o.message)
    .bind(o.idem_key)
    .bind(o.sent_at)
    .bind(o.now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// A back-office operation already started with this idempotency key.
#[derive(Debug, Clone)]
pub struct KeyedOperation {
    /// Id.
    pub id: String,
    /// State.
    pub status: OperationStatus,
}

/// The operation an idempotency key started, if any.
pub async fn operation_by_key(
    state: &AppState,
    payment_id: &str,
    kind: &str,
    key: &str,
) -> Result<Option<KeyedOperation>> {
    let r = sqlx::query(
        "SELECT id, status FROM operations WHERE payment_id = $1 AND kind = $2 AND idem_key = $3",
    )
    .bind(payment_id)
    .bind(kind)
    .bind(key)
    .fetch_optional(state.store().pool())
    .await?;
    r.map(|r| {
        Ok(KeyedOperation {
            id: text(&r, "id")?,
            status: OperationStatus::from_sql(&text(&r, "status")?)?,
        })
    })
    .transpose()
    .map_err(|e: sqlx::Error| AppError::from(e))
}

/// A watched operation found processed after all (a late landing): the payment's amounts and
/// state become the gateway's, the operation is recorded as reconciled, in one transaction and
/// only while no other operation holds the payment. False when nothing changed.
pub async fn late_operation(
    state: &AppState,
    payment_id: &str,
    op_id: &str,
    status: PaymentStatus,
    captured: i64,
    refunded: i64,
    event: &str,
) -> Result<bool> {
    let now = state.now_ms();
    let mut tx = begin(state).await?;
    let r = sqlx::query(
        "UPDATE payments SET status = $1, captured_amount = $2, refunded_amount = $3, updated_at = $4 \
         WHERE id = $5 AND op_in_flight IS NULL",
    )
    .bind(status.as_str())
    .bind(captured)
    .bind(refunded)
    .bind(now)
    .bind(payment_id)
    .execute(&mut *tx)
    .await?;
    if r.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    sqlx::query(
        "UPDATE operations SET status = 'reconciled', message = 'processed late (reconciled)', next_check_at = NULL, \
         watch_until = NULL, claimed_until = NULL, updated_at = $1 WHERE id = $2 AND status = 'failed'",
    )
    .bind(now)
    .bind(op_id)
    .execute(&mut *tx)
    .await?;
    enqueue_webhook(state, &mut tx, payment_id, event).await?;
    tx.commit().await?;
    Ok(true)
}

/// Stops watching an operation.
pub async fn end_operation_watch(state: &AppState, op_id: &str) -> Result<()> {
    sqlx::query("UPDATE operations SET next_check_at = NULL, watch_until = NULL, claimed_until = NULL WHERE id = $1 AND status = 'failed'")
        .bind(op_id)
        .execute(state.store().pool())
        .await?;
    Ok(())
}

/// Takes the payment's back-office slot for a new operation and commits its pending row with
/// the send time, in one transaction. `allowed` are the payment states the operation applies
/// to, and `amounts` the captured/refunded amounts the caller computed from: when either
/// changed meanwhile, or another operation holds the slot, nothing is written and the answer
/// is `None` (the caller answers 409).
pub async fn begin_operation(
    state: &AppState,
    o: &OperationRow<'_>,
    allowed: &[PaymentStatus],
    seen: (i64, i64),
) -> Result<Option<String>> {
    let mut tx = begin(state).await?;
    let id = crate::ids::sortable_id("op_", o.now);
    let mut sql = String::from(
        "UPDATE payments SET op_in_flight = $1, updated_at = $2 WHERE id = $3 AND op_in_flight IS NULL \
         AND captured_amount = $4 AND refunded_amount = $5 AND status IN (",
    );
    for (i, _) in allowed.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!("${}", 6 + i));
    }
    sql.push(')');
    let mut q = sqlx::query(&sql)
        .bind(&id)
        .bind(o.now)
        .bind(o.payment_id)
        .bind(seen.0)
        .bind(seen.1);
    for s in allowed {
        q = q.bind(s.as_str());
    }
    if q.execute(&mut *tx).await?.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(None);
    }
    sqlx::query(
        "INSERT INTO operations (id, payment_id, kind, status, amount, currency, order_ref, transaction_id, code, message, \
         idem_key, sent_at, next_check_at, created_at, updated_at) \
         VALUES ($1, $2, $3, 'pending', $4, $5, $6, $7, NULL, NULL, $8, $9, $10, $11, $11)",
    )
    .bind(&id)
    .bind(o.payment_id)
    .bind(o.kind)
    .bind(o.amount)
    .bind(o.currency)
    .bind(o.order_ref)
    .bind(o.transaction_id)
    .bind(o.idem_key)
    .bind(o.sent_at)
    .bind(o.sent_at.map(|t| t + stale_after(state)))
    .bind(o.now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// How a finished back-office operation changes the payment.
#[derive(Debug)]
pub enum PaymentChange<'a> {
    /// Nothing (refused, failed).
    None,
    /// Captured `amount` more.
    Capture(i64),
    /// Cancelled.
    Cancel,
    /// Refunded `amount` more.
    Refund(i64),
    /// Re-authorized (and captured) under a new transaction.
    Reauthorize {
        /// New transaction.
        transaction_id: &'a str,
        /// Its amount.
        amount: i64,
    },
    /// Amounts and state read from the gateway's history.
    Absolute {
        /// Status.
        status: PaymentStatus,
        /// Captured.
        captured: i64,
        /// Refunded.
        refunded: i64,
    },
}

/// Ends operation `op_id` (still `pending`/`unknown`) with `status`, applies `change` to the
/// payment, frees the payment's slot (unless the outcome is unknown) and queues `event`: one
/// transaction. False when the operation was already ended by someone else.
#[allow(clippy::too_many_arguments)]
pub async fn finish_operation(
    state: &AppState,
    payment_id: &str,
    op_id: &str,
    status: OperationStatus,
    code: Option<&str>,
    message: Option<&str>,
    transaction_id: Option<&str>,
    change: PaymentChange<'_>,
    event: Option<&str>,
    watch_until: Option<i64>,
) -> Result<bool> {
    let now = state.now_ms();
    let mut tx = begin(state).await?;
    let next_check = match status {
        OperationStatus::Unknown => Some(now),
        OperationStatus::Failed if watch_until.is_some() => Some(now + backoff_ms(state, 0)),
        _ => None,
    };
    let ended = sqlx::query(
        "UPDATE operations SET status = $1, code = COALESCE($2, code), message = COALESCE($3, message), \
         transaction_id = COALESCE($4, transaction_id), next_check_at = $5, claimed_until = NULL, updated_at = $6, \
         watch_until = $8, checks = 0 WHERE id = $7 AND status IN ('pending', 'unknown')",
    )
    .bind(status.as_str())
    .bind(code)
    .bind(message)
    .bind(transaction_id)
    .bind(next_check)
    .bind(now)
    .bind(op_id)
    .bind(watch_until)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if ended != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    let release = status != OperationStatus::Unknown && status != OperationStatus::Pending;
    let set = match &change {
        PaymentChange::None => "",
        PaymentChange::Capture(_) => {
            ", status = 'captured', captured_amount = captured_amount + $5"
        }
        // doReset voids the authorization with its captures not yet settled (Payline doReset).
        PaymentChange::Cancel => ", status = 'cancelled', captured_amount = 0",
        PaymentChange::Refund(_) => {
            ", refunded_amount = refunded_amount + $5, \
             status = CASE WHEN refunded_amount + $5 >= captured_amount THEN 'refunded' ELSE 'partially_refunded' END"
        }
        PaymentChange::Reauthorize { .. } => {
            ", status = 'captured', transaction_id = $5, authorized_amount = $6, captured_amount = $6, \
             refunded_amount = 0, authorized_at = $2"
        }
        PaymentChange::Absolute { .. } => {
            ", status = $5, captured_amount = $6, refunded_amount = $7"
        }
    };
    let sql = format!(
        "UPDATE payments SET op_in_flight = CASE WHEN $1 = 1 THEN NULL ELSE op_in_flight END, updated_at = $2{set} \
         WHERE id = $3 AND op_in_flight = $4"
    );
    let q = sqlx::query(&sql)
        .bind(i64::from(release))
        .bind(now)
        .bind(payment_id)
        .bind(op_id);
    let q = match change {
        PaymentChange::None | PaymentChange::Cancel => q,
        PaymentChange::Capture(a) | PaymentChange::Refund(a) => q.bind(a),
        PaymentChange::Reauthorize {
            transaction_id,
            amount,
        } => q.bind(transaction_id.to_owned()).bind(amount),
        PaymentChange::Absolute {
            status,
            captured,
            refunded,
        } => q.bind(status.as_str()).bind(captured).bind(refunded),
    };
    q.execute(&mut *tx).await?;
    if let Some(e) = event {
        enqueue_webhook(state, &mut tx, payment_id, e).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// A back-office operation to reconcile.
#[derive(Debug, Clone)]
pub struct DueOperation {
    /// Id.
    pub id: String,
    /// Payment.
    pub payment_id: String,
    /// Kind.
    pub kind: String,
    /// State.
    pub status: OperationStatus,
    /// Amount.
    pub amount: i64,
    /// Sent at.
    pub sent_at: Option<i64>,
    /// Checks so far.
    pub checks: i64,
    /// For an operation settled as not processed: until when a late landing is looked for.
    pub watch_until: Option<i64>,
}

/// Back-office operations whose outcome must be read from the gateway (unknown, or pending
/// and stale: the instance died while the call was out).
pub async fn due_operations(state: &AppState, limit: i64) -> Result<Vec<DueOperation>> {
    let now = state.now_ms();
    let rows = sqlx::query(
        "SELECT id, payment_id, kind, status, amount, sent_at, checks, watch_until FROM operations \
         WHERE status IN ('pending', 'unknown', 'failed') AND next_check_at <= $1 AND (claimed_until IS NULL OR claimed_until < $1) \
         ORDER BY next_check_at LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(state.store().pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(DueOperation {
                id: text(r, "id")?,
                payment_id: text(r, "payment_id")?,
                kind: text(r, "kind")?,
                status: OperationStatus::from_sql(&text(r, "status")?)?,
                amount: int(r, "amount")?,
                sent_at: opt_int(r, "sent_at")?,
                checks: int(r, "checks")?,
                watch_until: opt_int(r, "watch_until")?,
            })
        })
        .collect::<std::result::Result<_, sqlx::Error>>()
        .map_err(AppError::from)
}

/// Claims a due operation for one check (lease + backoff, as [`claim_attempt`]).
pub async fn claim_operation(
    state: &AppState,
    o: &DueOperation,
    next_check_at: i64,
) -> Result<bool> {
    let now = state.now_ms();
    let r = sqlx::query(
        "UPDATE operations SET claimed_until = $1, next_check_at = $2, checks = checks + 1, \
         status = CASE WHEN status = 'pending' THEN 'unknown' ELSE status END \
         WHERE id = $3 AND checks = $4 AND status IN ('pending', 'unknown', 'failed') AND (claimed_until IS NULL OR claimed_until < $5)",
    )
    .bind(now + state.settings().money.lease_ms)
    .bind(next_check_at)
    .bind(&o.id)
    .bind(o.checks)
    .bind(now)
    .execute(state.store().pool())
    .await?;
    Ok(r.rows_affected() == 1)
}

// ---------------------------------------------------------------------------------------------
// Orphans

/// Records an accepted authorization nobody owns; idempotent by transaction id. True when it
/// is new.
pub async fn add_orphan(
    state: &AppState,
    transaction_id: &str,
    order_ref: &str,
    payment_id: Option<&str>,
    reason: &str,
    amount: Option<i64>,
) -> Result<bool> {
    let now = state.now_ms();
    let r = sqlx::query(
        "INSERT INTO orphans (transaction_id, order_ref, payment_id, reason, status, amount, next_check_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'pending', $5, $6, $6, $6) ON CONFLICT DO NOTHING",
    )
    .bind(transaction_id)
    .bind(order_ref)
    .bind(payment_id)
    .bind(reason)
    .bind(amount)
    .bind(now)
    .execute(state.store().pool())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// An orphan to cancel.
#[derive(Debug, Clone)]
pub struct Orphan {
    /// Transaction.
    pub transaction_id: String,
    /// Its order reference.
    pub order_ref: String,
    /// The payment of the attempt it belongs to.
    pub payment_id: Option<String>,
    /// Why it is an orphan.
    pub reason: String,
    /// State.
    pub status: OrphanStatus,
    /// Checks so far.
    pub checks: i64,
}

/// Orphans due for work.
pub async fn due_orphans(state: &AppState, limit: i64) -> Result<Vec<Orphan>> {
    let rows = sqlx::query(
        "SELECT transaction_id, order_ref, payment_id, reason, status, checks FROM orphans \
         WHERE status IN ('pending', 'cancelling') AND next_check_at <= $1 AND (claimed_until IS NULL OR claimed_until < $1) \
         ORDER BY next_check_at LIMIT $2",
    )
    .bind(state.now_ms())
    .bind(limit)
    .fetch_all(state.store().pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Orphan {
                transaction_id: text(r, "transaction_id")?,
                order_ref: text(r, "order_ref")?,
                payment_id: opt_text(r, "payment_id")?,
                reason: text(r, "reason")?,
                status: OrphanStatus::from_sql(&text(r, "status")?)?,
                checks: int(r, "checks")?,
            })
        })
        .collect::<std::result::Result<_, sqlx::Error>>()
        .map_err(AppError::from)
}

/// Claims an orphan (lease + backoff).
pub async fn claim_orphan(state: &AppState, o: &Orphan, next_check_at: i64) -> Result<bool> {
    let now = state.now_ms();
    let r = sqlx::query(
        "UPDATE orphans SET claimed_until = $1, next_check_at = $2, checks = checks + 1 \
         WHERE transaction_id = $3 AND checks = $4 AND (claimed_until IS NULL OR claimed_until < $5)",
    )
    .bind(now + state.settings().money.lease_ms)
    .bind(next_check_at)
    .bind(&o.transaction_id)
    .bind(o.checks)
    .bind(now)
    .execute(state.store().pool())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The pending record of doReset on an orphan, committed before it is sent.
pub async fn orphan_sending(state: &AppState, transaction_id: &str) -> Result<()> {
    let now = state.now_ms();
    sqlx::query("UPDATE orphans SET status = 'cancelling', sent_at = $1, updated_at = $1 WHERE transaction_id = $2")
        .bind(now)
        .bind(transaction_id)
        .execute(state.store().pool())
        .await?;
    Ok(())
}

/// Ends an orphan: cancelled (webhook `payment.orphan_cancelled` in the same transaction) or
/// failed.
pub async fn orphan_done(state: &AppState, o: &Orphan, status: OrphanStatus) -> Result<()> {
    let now = state.now_ms();
    let mut tx = begin(state).await?;
    let r = sqlx::query(
        "UPDATE orphans SET status = $1, updated_at = $2, claimed_until = NULL WHERE transaction_id = $3 AND status IN ('pending', 'cancelling')",
    )
    .bind(status.as_str())
    .bind(now)
    .bind(&o.transaction_id)
    .execute(&mut *tx)
    .await?;
    if r.rows_affected() == 1
        && status == OrphanStatus::Cancelled
        && let Some(pid) = &o.payment_id
    {
        let extra = json!({ "transactionId": o.transaction_id, "orderRef": o.order_ref, "reason": o.reason });
        enqueue_webhook_with(state, &mut tx, pid, "payment.orphan_cancelled", Some(extra)).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// How long the oldest undecided doAuthorization has waited, for the metrics and the alarm.
pub async fn undecided_oldest_ms(state: &AppState) -> Result<Option<i64>> {
    let r = sqlx::query(
        "SELECT MIN(updated_at) AS t FROM attempts WHERE status IN ('authorizing', 'unknown')",
    )
    .fetch_one(state.store().pool())
    .await?;
    Ok(opt_int(&r, "t")?.map(|t| state.now_ms() - t))
}

// ---------------------------------------------------------------------------------------------
// Webhook outbox

/// Queues an event for the payment's state as it stands inside `tx` (no-op without a webhook
/// URL).
pub async fn enqueue_webhook(
    state: &AppState,
    tx: &mut Tx,
    payment_id: &str,
    event_type: &str,
) -> Result<()> {
    enqueue_webhook_with(state, tx, payment_id, event_type, None).await
}

async fn enqueue_webhook_with(
    state: &AppState,
    tx: &mut Tx,
    payment_id: &str,
    event_type: &str,
    extra: Option<serde_json::Value>,
) -> Result<()> {
    if state.settings().webhook.is_none() {
        return Ok(());
    }
    let Some(row) = sqlx::query("SELECT * FROM payments WHERE id = $1")
        .bind(payment_id)
        .fetch_optional(&mut **tx)
        .await?
    else {
        return Ok(());
    };
    let p = crate::payments::Payment::from_row(&row)?;
    let id = crate::ids::new_id("evt_");
    let now = state.now_ms();
    let mut body = json!({
        "id": id,
        "type": event_type,
        "createdAt": crate::formats::rfc3339(now),
        "payment": p.admin_json(),
    });
    if let Some(x) = extra {
        body["orphan"] = x;
    }
    sqlx::query(
        "INSERT INTO webhook_events (id, payment_id, event_type, body, status, attempts, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5)",
    )
    .bind(&id)
    .bind(payment_id)
    .bind(event_type)
    .bind(body.to_string())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Enqueues a shop webhook event whose body is `data` plus `{id, type, createdAt}` (events
/// about something other than one payment's state: schedules, cards), in the caller's
/// transaction. `payment_id` files it with the payment it belongs to.
pub async fn enqueue_event(
    state: &AppState,
    tx: &mut Tx,
    payment_id: &str,
    event_type: &str,
    data: serde_json::Value,
) -> Result<()> {
    if state.settings().webhook.is_none() {
        return Ok(());
    }
    let id = crate::ids::new_id("evt_");
    let now = state.now_ms();
    let mut body =
        json!({ "id": id, "type": event_type, "createdAt": crate::formats::rfc3339(now) });
    if let (Some(b), serde_json::Value::Object(d)) = (body.as_object_mut(), data) {
        b.extend(d);
    }
    sqlx::query(
        "INSERT INTO webhook_events (id, payment_id, event_type, body, status, attempts, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5)",
    )
    .bind(&id)
    .bind(payment_id)
    .bind(event_type)
    .bind(body.to_string())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// When a call that is still marked running counts as stalled (its instance died): the
/// gateway timeout plus a margin.
pub fn stale_after(state: &AppState) -> i64 {
    i64::try_from(state.settings().gateway.timeout.as_millis()).unwrap_or(i64::MAX / 4) + 5_000
}

/// Backoff of the `checks`-th re-check: the worker period doubling, capped at a quarter of the
/// grace window (so "not found" is re-read a few times within it) and at 30 s.
pub fn backoff_ms(state: &AppState, checks: i64) -> i64 {
    let m = &state.settings().money;
    let base = i64::try_from(m.worker_interval.as_millis())
        .unwrap_or(2_000)
        .max(10);
    let cap = (m.not_found_grace_ms / 4).clamp(base, 30_000);
    base.saturating_mul(1_i64 << checks.clamp(0, 20)).min(cap)
}

// Cards saved with a payment (customers and saved cards): planned with the attempt and decided
// with it, in the same transactions as the attempt's own changes.

/// What a pay that saves its card plans.
#[derive(Debug)]
pub struct PlannedSave<'a> {
    /// Owner.
    pub customer_id: &'a str,
    /// Payline brand chosen.
    pub brand: &'a str,
    /// Payline card type.
    pub card_type: &'a str,
    /// `MMYY` from the tokenizer.
    pub expiry: &'a str,
}

/// Records, with the attempt (same transaction), that its card is to be saved once it is
/// authorized.
pub async fn plan_save(
    tx: &mut Tx,
    p: &PlannedSave<'_>,
    payment_id: &str,
    n: i64,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO saved_cards (id, customer_id, status, brand, card_type, last4, expiry, payment_id, attempt_n, created_at, updated_at) \
         VALUES ($1, $2, 'pending', $3, $4, '', $5, $6, $7, $8, $8)",
    )
    .bind(crate::ids::new_id("card_"))
    .bind(p.customer_id)
    .bind(p.brand)
    .bind(p.card_type)
    .bind(p.expiry)
    .bind(payment_id)
    .bind(n)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Inside an attempt's transition (same transaction): an authorized attempt makes its planned
/// save due, with the transaction it is saved from; a closed one discards it.
pub async fn on_attempt_decided(
    tx: &mut Tx,
    payment_id: &str,
    n: i64,
    to: AttemptStatus,
    transaction_id: Option<&str>,
    masked_card: Option<&str>,
    now: i64,
) -> Result<()> {
    match to {
        AttemptStatus::Authorized => {
            let last4 = masked_card
                .map(crate::formats::last4_of)
                .unwrap_or_default();
            // A card planned without its type (paid on the hosted page) takes the payment's.
            sqlx::query(
                "UPDATE saved_cards SET status = 'saving', first_transaction_id = $1, last4 = $2, \
                 card_type = CASE WHEN card_type = '' THEN COALESCE((SELECT card_type FROM payments WHERE id = $4), '') ELSE card_type END, \
                 brand = CASE WHEN brand = '' THEN COALESCE((SELECT COALESCE(brand, card_type) FROM payments WHERE id = $4), '') ELSE brand END, \
                 next_check_at = $3, updated_at = $3 WHERE payment_id = $4 AND attempt_n = $5 AND status = 'pending'",
            )
            .bind(transaction_id)
            .bind(last4)
            .bind(now)
            .bind(payment_id)
            .bind(n)
            .execute(&mut **tx)
            .await?;
        }
        AttemptStatus::Refused
        | AttemptStatus::Abandoned
        | AttemptStatus::Failed
        | AttemptStatus::Expired => {
            sqlx::query(
                "UPDATE saved_cards SET status = 'discarded', updated_at = $1 \
                 WHERE payment_id = $2 AND attempt_n = $3 AND status = 'pending'",
            )
            .bind(now)
            .bind(payment_id)
            .bind(n)
            .execute(&mut **tx)
            .await?;
        }
        _ => {}
    }
    Ok(())
}
