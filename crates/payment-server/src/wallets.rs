//! Customers and saved cards (customers-and-saved-cards contract): one Payline wallet per shop
//! customer, several cards in it, each at its own `cardInd`.
//!
//! The server never holds a card number or a card token. A card is saved *from the payment
//! that used it*: once that payment is authorized, createWallet (first card) or updateWallet
//! (next cards, at a new `cardInd`) names its transaction (Payline wallet object: "card or
//! transactionID required"). That transaction is also the card-on-file series' first,
//! buyer-present payment: merchant-initiated charges name it as `linkedTransactionId`.
//!
//! ```text
//!  pay (saveCard) ── pending ──(payment authorized, same transaction)──▶ saving ──createWallet/──▶ active
//!                       │                                                   │     updateWallet
//!                       └──(refused, abandoned, failed, expired)──▶ discarded └──(card refused)──▶ failed
//!  DELETE ── active ──▶ deleting ──disableWallet──▶ deleted
//! ```
//!
//! Every row is written before the gateway call it leads to, and the background reconciler
//! retries a `saving` or `deleting` card whose call failed or whose process died. Saves of
//! one customer run one at a time under a lease on the customer row, so two saves never both
//! create the wallet or take the same `cardInd`; a save retried after a lost answer writes the
//! same wallet slot again (an overwrite with the same card, harmless) instead of a new one.

use payline_protocol::messages::{CreateWalletRequest, DisableWalletRequest, UpdateWalletRequest};
use payline_protocol::objects::{Card, CardOut, Wallet, WalletIdList};
use payline_protocol::values::{CardType, ReturnCode};
use serde::Deserialize;
use serde_json::{Value, json};
use sqlx::any::AnyRow;

use crate::error::{AppError, Result};
use crate::formats::last4_of;
use crate::gateway::{GatewayError, code_message};
use crate::model::CardStatus;
use crate::repo;
use crate::state::AppState;
use crate::store::{int, opt_int, opt_text, text};

/// The `customer` object of a session request.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CustomerBody {
    /// The shop's customer id.
    pub id: String,
    /// E-mail, passed to the wallet.
    pub email: Option<String>,
    /// First name, passed to the wallet.
    pub first_name: Option<String>,
    /// Last name, passed to the wallet.
    pub last_name: Option<String>,
}

/// A checked customer id: 1–50 of `[A-Za-z0-9_.-]` (the contract's alphabet; also what a URL
/// path segment carries without escaping).
pub fn parse_customer_id(id: &str) -> Result<String> {
    let ok = !id.is_empty()
        && id.len() <= 50
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if ok {
        Ok(id.to_owned())
    } else {
        Err(AppError::invalid(
            "invalid_customer",
            "customer.id must be 1–50 characters among letters, digits, '-', '_' and '.'",
        ))
    }
}

/// Checks a session request's customer (Payline wallet owner fields: e-mail AN150, names
/// AN100).
pub fn parse_customer(b: CustomerBody) -> Result<CustomerBody> {
    let id = parse_customer_id(&b.id)?;
    let field = |v: Option<String>, max: usize, name: &'static str| -> Result<Option<String>> {
        match v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()) {
            Some(s) if s.chars().count() > max || s.chars().any(char::is_control) => {
                Err(AppError::invalid(
                    "invalid_customer",
                    format!("customer.{name} is at most {max} characters"),
                ))
            }
            v => Ok(v),
        }
    };
    let email = field(b.email, 150, "email")?;
    if email.as_deref().is_some_and(|e| !e.contains('@')) {
        return Err(AppError::invalid(
            "invalid_customer",
            "customer.email is not an e-mail address",
        ));
    }
    Ok(CustomerBody {
        id,
        email,
        first_name: field(b.first_name, 100, "firstName")?,
        last_name: field(b.last_name, 100, "lastName")?,
    })
}

/// A stored customer.
#[derive(Debug, Clone)]
pub struct Customer {
    /// The shop's id.
    pub id: String,
    /// Payline `walletId`.
    pub wallet_id: String,
    /// createWallet succeeded.
    pub wallet_created: bool,
    /// The `cardInd` the next saved card takes.
    pub next_card_ind: i64,
    /// Owner fields.
    pub email: Option<String>,
    /// Owner fields.
    pub first_name: Option<String>,
    /// Owner fields.
    pub last_name: Option<String>,
}

impl Customer {
    fn from_row(r: &AnyRow) -> std::result::Result<Self, sqlx::Error> {
        Ok(Self {
            id: text(r, "id")?,
            wallet_id: text(r, "wallet_id")?,
            wallet_created: int(r, "wallet_created")? == 1,
            next_card_ind: int(r, "next_card_ind")?,
            email: opt_text(r, "email")?,
            first_name: opt_text(r, "first_name")?,
            last_name: opt_text(r, "last_name")?,
        })
    }
}

/// Creates the customer, or updates its owner fields (given ones only).
pub async fn upsert_customer(state: &AppState, c: &CustomerBody) -> Result<Customer> {
    let now = state.now_ms();
    // Payline walletId is AN50 and unique per point of sale: ours is random, not the shop's id,
    // so that two shops' customers on one merchant account never meet in one wallet.
    let wallet_id = format!(
        "W{}",
        &crate::ids::sha256_hex(crate::ids::random_token(16).as_bytes())[..24]
    );
    sqlx::query(
        "INSERT INTO customers (id, wallet_id, email, first_name, last_name, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (id) DO UPDATE SET \
         email = COALESCE(EXCLUDED.email, customers.email), \
         first_name = COALESCE(EXCLUDED.first_name, customers.first_name), \
         last_name = COALESCE(EXCLUDED.last_name, customers.last_name), updated_at = EXCLUDED.updated_at",
    )
    .bind(&c.id)
    .bind(&wallet_id)
    .bind(c.email.as_deref())
    .bind(c.first_name.as_deref())
    .bind(c.last_name.as_deref())
    .bind(now)
    .execute(state.store().pool())
    .await?;
    load_customer(state, &c.id)
        .await?
        .ok_or_else(|| AppError::Internal("customer vanished".into()))
}

/// Loads a customer.
pub async fn load_customer(state: &AppState, id: &str) -> Result<Option<Customer>> {
    let row = sqlx::query("SELECT * FROM customers WHERE id = $1")
        .bind(id)
        .fetch_optional(state.store().pool())
        .await?;
    Ok(row.as_ref().map(Customer::from_row).transpose()?)
}

/// The newest customers first (at most `limit`), each with its creation time (Unix ms): the
/// sandbox back office's list (`routes::demo`); the shop backend knows its own customers.
pub async fn latest_customers(state: &AppState, limit: i64) -> Result<Vec<(Customer, i64)>> {
    let rows = sqlx::query("SELECT * FROM customers ORDER BY created_at DESC, id DESC LIMIT $1")
        .bind(limit)
        .fetch_all(state.store().pool())
        .await?;
    Ok(rows
        .iter()
        .map(|r| Ok((Customer::from_row(r)?, int(r, "created_at")?)))
        .collect::<std::result::Result<Vec<_>, sqlx::Error>>()?)
}

/// A stored saved card.
#[derive(Debug, Clone)]
pub struct SavedCard {
    /// `card_…`.
    pub id: String,
    /// Owner.
    pub customer_id: String,
    /// Payline `cardInd`, once reserved.
    pub card_ind: Option<i64>,
    /// Life cycle.
    pub status: CardStatus,
    /// Payline brand (`CB`, `VISA`…).
    pub brand: String,
    /// Payline card type.
    pub card_type: String,
    /// Last four digits (from the gateway's masked number).
    pub last4: String,
    /// `MMYY`.
    pub expiry: String,
    /// The payment it was saved with.
    pub payment_id: Option<String>,
    /// The buyer-present payment's transaction (merchant-initiated charges link to it).
    pub first_transaction_id: Option<String>,
    /// Gateway code of a failed save.
    pub code: Option<String>,
    /// Gateway message of a failed save.
    pub message: Option<String>,
    /// Reconciler checks so far.
    pub checks: i64,
}

impl SavedCard {
    fn from_row(r: &AnyRow) -> std::result::Result<Self, sqlx::Error> {
        Ok(Self {
            id: text(r, "id")?,
            customer_id: text(r, "customer_id")?,
            card_ind: opt_int(r, "card_ind")?,
            status: CardStatus::from_sql(&text(r, "status")?)?,
            brand: text(r, "brand")?,
            card_type: text(r, "card_type")?,
            last4: text(r, "last4")?,
            expiry: text(r, "expiry")?,
            payment_id: opt_text(r, "payment_id")?,
            first_transaction_id: opt_text(r, "first_transaction_id")?,
            code: opt_text(r, "code")?,
            message: opt_text(r, "message")?,
            checks: int(r, "checks")?,
        })
    }

    /// True once the card's expiry month has ended at `now_ms` (a card is valid through the
    /// last day of its expiry month, ISO/IEC 7813).
    pub fn is_expired(&self, now_ms: i64) -> bool {
        expiry_passed(&self.expiry, now_ms)
    }

    /// `{cardId, brand, last4, expiry}` (pay answer's `savedCard`).
    pub fn short_json(&self) -> Value {
        json!({ "cardId": self.id, "brand": self.brand, "last4": self.last4, "expiry": self.expiry })
    }

    /// `{cardId, brand, last4, expiry, expired}` (session's `savedCards`, card list).
    pub fn json(&self, now_ms: i64) -> Value {
        let mut v = self.short_json();
        v["expired"] = Value::Bool(self.is_expired(now_ms));
        v
    }
}

/// True when the `MMYY` expiry's month is over at `now_ms` (UTC). An unreadable expiry counts
/// as passed: such a card cannot be charged.
pub fn expiry_passed(mmyy: &str, now_ms: i64) -> bool {
    let (Some(m), Some(y)) = (
        mmyy.get(..2).and_then(|m| m.parse::<u8>().ok()),
        mmyy.get(2..4).and_then(|y| y.parse::<i32>().ok()),
    ) else {
        return true;
    };
    if !(1..=12).contains(&m) || mmyy.len() != 4 {
        return true;
    }
    let now = time::OffsetDateTime::from_unix_timestamp(now_ms / 1000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let (ny, nm) = (now.year(), u8::from(now.month()));
    let y = 2000 + y;
    (y, m) < (ny, nm)
}

/// Loads a card.
pub async fn load_card(state: &AppState, id: &str) -> Result<Option<SavedCard>> {
    let row = sqlx::query("SELECT * FROM saved_cards WHERE id = $1")
        .bind(id)
        .fetch_optional(state.store().pool())
        .await?;
    Ok(row.as_ref().map(SavedCard::from_row).transpose()?)
}

/// A customer's card, for the shop or the buyer: unknown, another customer's, or not (yet)
/// in the wallet → 404.
pub async fn customer_card(
    state: &AppState,
    customer_id: &str,
    card_id: &str,
) -> Result<SavedCard> {
    match load_card(state, card_id).await? {
        Some(c) if c.customer_id == customer_id && c.status == CardStatus::Active => Ok(c),
        _ => Err(AppError::NotFound("card")),
    }
}

/// The customer's usable cards, oldest first.
pub async fn active_cards(state: &AppState, customer_id: &str) -> Result<Vec<SavedCard>> {
    let rows = sqlx::query(
        "SELECT * FROM saved_cards WHERE customer_id = $1 AND status = 'active' ORDER BY card_ind, created_at",
    )
    .bind(customer_id)
    .fetch_all(state.store().pool())
    .await?;
    Ok(rows
        .iter()
        .map(SavedCard::from_row)
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// The card saved with a payment, once it is in the wallet.
pub async fn saved_with_payment(state: &AppState, payment_id: &str) -> Result<Option<SavedCard>> {
    let row = sqlx::query(
        "SELECT * FROM saved_cards WHERE payment_id = $1 AND status = 'active' ORDER BY created_at DESC",
    )
    .bind(payment_id)
    .fetch_optional(state.store().pool())
    .await?;
    Ok(row.as_ref().map(SavedCard::from_row).transpose()?)
}

/// Takes the customer's save lease; false when another save of this customer holds it.
async fn take_lease(state: &AppState, customer_id: &str) -> Result<bool> {
    let now = state.now_ms();
    let r = sqlx::query(
        "UPDATE customers SET save_lease_until = $1 WHERE id = $2 \
         AND (save_lease_until IS NULL OR save_lease_until <= $3)",
    )
    .bind(now + state.settings().money.lease_ms)
    .bind(customer_id)
    .bind(now)
    .execute(state.store().pool())
    .await?;
    Ok(r.rows_affected() == 1)
}

async fn release_lease(state: &AppState, customer_id: &str) -> Result<()> {
    sqlx::query("UPDATE customers SET save_lease_until = NULL WHERE id = $1")
        .bind(customer_id)
        .execute(state.store().pool())
        .await?;
    Ok(())
}

/// Saves a `saving` card in the customer's wallet. Returns the card as it is afterwards; a
/// gateway failure leaves it `saving` for the reconciler (with backoff) and is not an error.
pub async fn run_save(state: &AppState, card_id: &str) -> Result<Option<SavedCard>> {
    let Some(card) = load_card(state, card_id).await? else {
        return Ok(None);
    };
    if card.status != CardStatus::Saving {
        return Ok(Some(card));
    }
    if !take_lease(state, &card.customer_id).await? {
        return Ok(Some(card));
    }
    let out = save_under_lease(state, &card).await;
    release_lease(state, &card.customer_id).await?;
    out?;
    load_card(state, card_id).await
}

async fn save_under_lease(state: &AppState, card: &SavedCard) -> Result<()> {
    let customer = load_customer(state, &card.customer_id)
        .await?
        .ok_or_else(|| AppError::Internal("customer vanished".into()))?;
    let Some(txn) = card.first_transaction_id.clone() else {
        return finish_save(
            state,
            card,
            Err(("", "no transaction to save the card from")),
        )
        .await;
    };
    let g = state.settings().gateway.clone();
    let card_type: CardType = card
        .card_type
        .parse()
        .map_err(|_| AppError::Internal("stored card type".into()))?;
    let mut wallet = Wallet::new(customer.wallet_id.clone(), Card::new(card_type));
    wallet.email = customer.email.clone();
    wallet.first_name = customer.first_name.clone();
    wallet.last_name = customer.last_name.clone();
    wallet.card_brand = Some(card.brand.clone());
    let mut create_first = !customer.wallet_created;
    loop {
        if create_first {
            let mut req = CreateWalletRequest::new(g.contract.clone(), wallet.clone());
            req.transaction_id = Some(txn.clone());
            match state.gateway().call(&req).await {
                Err(e) => return retry_later(state, card, &e).await,
                Ok(res) if res.result.code == ReturnCode::WALLET_ALREADY_EXISTS => {
                    // Our own createWallet whose answer was lost (saves of a customer run one at
                    // a time): the wallet exists, and this card is in it at cardInd 1. Write the
                    // same card there again to read it back.
                    mark_wallet_created(state, &customer.id, 1).await?;
                    reserve_ind(state, card, Some(1)).await?;
                    create_first = false;
                    continue;
                }
                Ok(res) => {
                    let (code, message) = code_message(&res);
                    if res.result.code == ReturnCode::OPERATION_SUCCESSFUL {
                        mark_wallet_created(state, &customer.id, 1).await?;
                        return finish_save(state, card, Ok((1, &res.card))).await;
                    }
                    return finish_save(state, card, Err((&code, &message))).await;
                }
            }
        }
        let ind = match card.card_ind {
            Some(i) => i,
            None => reserve_ind(state, card, None).await?,
        };
        let mut req = UpdateWalletRequest::new(g.contract.clone(), wallet.clone());
        req.card_ind = Some(ind.to_string());
        req.transaction_id = Some(txn.clone());
        return match state.gateway().call(&req).await {
            Err(e) => retry_later(state, card, &e).await,
            Ok(res) => {
                let (code, message) = code_message(&res);
                if res.result.code == ReturnCode::OPERATION_SUCCESSFUL {
                    finish_save(state, card, Ok((ind, &res.card))).await
                } else if res.result.code == ReturnCode::WALLET_DOES_NOT_EXIST {
                    // The wallet is gone (disabled by the back office, or never made): start a
                    // new one with this card.
                    sqlx::query("UPDATE customers SET wallet_created = 0 WHERE id = $1")
                        .bind(&customer.id)
                        .execute(state.store().pool())
                        .await?;
                    create_first = true;
                    continue;
                } else {
                    finish_save(state, card, Err((&code, &message))).await
                }
            }
        };
    }
}

/// Reserves the card's `cardInd` before the wallet call (`fixed`, or the customer's next one).
async fn reserve_ind(state: &AppState, card: &SavedCard, fixed: Option<i64>) -> Result<i64> {
    let mut tx = repo::begin(state).await?;
    let ind = match fixed {
        Some(i) => i,
        None => {
            let r = sqlx::query("SELECT next_card_ind FROM customers WHERE id = $1")
                .bind(&card.customer_id)
                .fetch_one(&mut *tx)
                .await?;
            int(&r, "next_card_ind")?
        }
    };
    // A card still holding this slot (a failed or deleted one) gives it up: the wallet slot is
    // overwritten by the new card.
    sqlx::query("UPDATE saved_cards SET card_ind = NULL WHERE customer_id = $1 AND card_ind = $2 AND id <> $3 AND status IN ('failed', 'deleted', 'discarded')")
        .bind(&card.customer_id)
        .bind(ind)
        .bind(&card.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE saved_cards SET card_ind = $1, updated_at = $2 WHERE id = $3")
        .bind(ind)
        .bind(state.now_ms())
        .bind(&card.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE customers SET next_card_ind = $1 WHERE id = $2 AND next_card_ind <= $3")
        .bind(ind + 1)
        .bind(&card.customer_id)
        .bind(ind)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(ind)
}

async fn mark_wallet_created(state: &AppState, customer_id: &str, ind: i64) -> Result<()> {
    sqlx::query(
        "UPDATE customers SET wallet_created = 1, next_card_ind = CASE WHEN next_card_ind <= $1 THEN $2 ELSE next_card_ind END WHERE id = $3",
    )
    .bind(ind)
    .bind(ind + 1)
    .bind(customer_id)
    .execute(state.store().pool())
    .await?;
    Ok(())
}

async fn retry_later(state: &AppState, card: &SavedCard, e: &GatewayError) -> Result<()> {
    let now = state.now_ms();
    tracing::warn!(card = %card.id, error = %e, "saving the card in the wallet failed; retrying later");
    sqlx::query("UPDATE saved_cards SET checks = checks + 1, next_check_at = $1, updated_at = $2 WHERE id = $3 AND status = 'saving'")
        .bind(now + repo::backoff_ms(state, card.checks))
        .bind(now)
        .bind(&card.id)
        .execute(state.store().pool())
        .await?;
    Ok(())
}

async fn finish_save(
    state: &AppState,
    card: &SavedCard,
    out: std::result::Result<(i64, &CardOut), (&str, &str)>,
) -> Result<()> {
    let now = state.now_ms();
    match out {
        Ok((ind, c)) => {
            let last4 = c
                .number
                .as_deref()
                .map(last4_of)
                .filter(|l| !l.is_empty())
                .unwrap_or_else(|| card.last4.clone());
            let expiry = c
                .expiration_date
                .map(|e| e.to_string())
                .filter(|e| e.len() == 4)
                .unwrap_or_else(|| card.expiry.clone());
            let mut tx = repo::begin(state).await?;
            sqlx::query("UPDATE saved_cards SET card_ind = NULL WHERE customer_id = $1 AND card_ind = $2 AND id <> $3")
                .bind(&card.customer_id)
                .bind(ind)
                .bind(&card.id)
                .execute(&mut *tx)
                .await?;
            // A card still active at this slot was overwritten in the wallet (the gateway's
            // slot holds one card): it is no longer usable.
            sqlx::query("UPDATE saved_cards SET status = 'deleted', updated_at = $1 WHERE customer_id = $2 AND card_ind IS NULL AND status = 'active' AND id <> $3")
                .bind(now)
                .bind(&card.customer_id)
                .bind(&card.id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE saved_cards SET status = 'active', card_ind = $1, last4 = $2, expiry = $3, next_check_at = NULL, \
                 updated_at = $4 WHERE id = $5 AND status = 'saving'",
            )
            .bind(ind)
            .bind(&last4)
            .bind(&expiry)
            .bind(now)
            .bind(&card.id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            tracing::info!(card = %card.id, customer = %card.customer_id, card_ind = ind, "card saved in the wallet");
            state.metrics().money("card_saved");
        }
        Err((code, message)) => {
            sqlx::query(
                "UPDATE saved_cards SET status = 'failed', code = $1, message = $2, next_check_at = NULL, updated_at = $3 \
                 WHERE id = $4 AND status = 'saving'",
            )
            .bind(Some(code).filter(|c| !c.is_empty()))
            .bind(message)
            .bind(now)
            .bind(&card.id)
            .execute(state.store().pool())
            .await?;
            tracing::warn!(card = %card.id, code, "the gateway refused to save the card");
            state.metrics().money("card_save_failed");
        }
    }
    Ok(())
}

/// Cards whose wallet call is due (saves and deletions), oldest first.
pub async fn due_cards(state: &AppState, limit: i64) -> Result<Vec<(String, CardStatus)>> {
    let rows = sqlx::query(
        "SELECT id, status FROM saved_cards WHERE status IN ('saving', 'deleting') AND next_check_at <= $1 \
         ORDER BY next_check_at LIMIT $2",
    )
    .bind(state.now_ms())
    .bind(limit)
    .fetch_all(state.store().pool())
    .await?;
    rows.iter()
        .map(|r| Ok((text(r, "id")?, CardStatus::from_sql(&text(r, "status")?)?)))
        .collect::<std::result::Result<Vec<_>, sqlx::Error>>()
        .map_err(AppError::from)
}

/// Claims a due card for one run (pushes its next check back first, so a process that dies
/// mid-call leaves it due again later, never twice at once).
pub async fn claim_card(state: &AppState, id: &str, status: CardStatus) -> Result<bool> {
    let now = state.now_ms();
    let r = sqlx::query(
        "UPDATE saved_cards SET next_check_at = $1 WHERE id = $2 AND status = $3 AND next_check_at <= $4",
    )
    .bind(now + state.settings().money.lease_ms)
    .bind(id)
    .bind(status.as_str())
    .bind(now)
    .execute(state.store().pool())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// `DELETE /api/customers/{id}/cards/{cardId}`: the card stops being usable at once
/// (`deleting`), then disableWallet removes it at the gateway. Deleting a deleted card is a
/// no-op.
pub async fn delete_card(state: &AppState, customer_id: &str, card_id: &str) -> Result<()> {
    let card = match load_card(state, card_id).await? {
        Some(c) if c.customer_id == customer_id => c,
        _ => return Err(AppError::NotFound("card")),
    };
    match card.status {
        CardStatus::Deleted | CardStatus::Deleting => {}
        CardStatus::Active => {
            let now = state.now_ms();
            sqlx::query("UPDATE saved_cards SET status = 'deleting', next_check_at = $1, updated_at = $1 WHERE id = $2 AND status = 'active'")
                .bind(now)
                .bind(card_id)
                .execute(state.store().pool())
                .await?;
        }
        _ => return Err(AppError::NotFound("card")),
    }
    run_delete(state, card_id).await
}

/// disableWallet for a `deleting` card; a gateway failure leaves it for the reconciler.
pub async fn run_delete(state: &AppState, card_id: &str) -> Result<()> {
    let Some(card) = load_card(state, card_id).await? else {
        return Ok(());
    };
    if card.status != CardStatus::Deleting {
        return Ok(());
    }
    let customer = load_customer(state, &card.customer_id)
        .await?
        .ok_or_else(|| AppError::Internal("customer vanished".into()))?;
    let done = match card.card_ind {
        None => true,
        Some(ind) => {
            let mut req = DisableWalletRequest::new(
                state.settings().gateway.contract.clone(),
                WalletIdList {
                    wallet_id: vec![customer.wallet_id.clone()],
                },
            );
            req.card_ind = Some(ind.to_string());
            match state.gateway().call(&req).await {
                Err(e) => {
                    tracing::warn!(card = %card.id, error = %e, "disabling the card at the gateway failed; retrying later");
                    false
                }
                // 02500 done; 02516 "cannot disable": already disabled or gone, which is
                // what was asked.
                Ok(res) => {
                    res.result.code == ReturnCode::OPERATION_SUCCESSFUL
                        || res.result.code == ReturnCode::CANNOT_DISABLE_WALLET
                }
            }
        }
    };
    let now = state.now_ms();
    if done {
        sqlx::query("UPDATE saved_cards SET status = 'deleted', next_check_at = NULL, updated_at = $1 WHERE id = $2 AND status = 'deleting'")
            .bind(now)
            .bind(card_id)
            .execute(state.store().pool())
            .await?;
    } else {
        sqlx::query("UPDATE saved_cards SET checks = checks + 1, next_check_at = $1, updated_at = $2 WHERE id = $3 AND status = 'deleting'")
            .bind(now + repo::backoff_ms(state, card.checks))
            .bind(now)
            .bind(card_id)
            .execute(state.store().pool())
            .await?;
    }
    Ok(())
}

/// A WALLET notification: the wallet's cards are read with getCards, and a card of ours that
/// the gateway reports disabled (in the administration centre, or expired there) stops being
/// offered. Nothing is taken from the notification but the wallet id; an unknown wallet is
/// ignored.
pub async fn wallet_changed(state: &AppState, wallet_id: &str) -> Result<()> {
    let Some(customer_id) =
        sqlx::query_scalar::<_, String>("SELECT id FROM customers WHERE wallet_id = $1")
            .bind(wallet_id)
            .fetch_optional(state.store().pool())
            .await?
    else {
        tracing::info!(wallet = %wallet_id, "wallet notification for a wallet that is not ours");
        return Ok(());
    };
    let req = payline_protocol::messages::GetCardsRequest::new(
        state.settings().gateway.contract.clone(),
        wallet_id.to_owned(),
    );
    let res = state
        .gateway()
        .call(&req)
        .await
        .map_err(|e| AppError::GatewayError(e.to_string()))?;
    if res.result.code != ReturnCode::OPERATION_SUCCESSFUL {
        return Ok(());
    }
    let disabled: Vec<i64> = res
        .cards_list
        .iter()
        .flat_map(|l| l.cards.iter())
        .filter(|c| c.is_disabled.as_deref().map(str::trim) == Some("1"))
        .filter_map(|c| c.card_ind.as_deref().and_then(|i| i.trim().parse().ok()))
        .collect();
    let now = state.now_ms();
    for ind in disabled {
        let n = sqlx::query(
            "UPDATE saved_cards SET status = 'deleted', updated_at = $1 WHERE customer_id = $2 AND card_ind = $3 AND status = 'active'",
        )
        .bind(now)
        .bind(&customer_id)
        .bind(ind)
        .execute(state.store().pool())
        .await?
        .rows_affected();
        if n > 0 {
            tracing::info!(customer = %customer_id, card_ind = ind, "card disabled at the gateway: no longer offered");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_four_digits_of_masked_numbers() {
        assert_eq!(last4_of("497010XXXXXX4455"), "4455");
        assert_eq!(last4_of("4970 10XX XXXX 4455"), "4455");
        assert_eq!(last4_of("XXXX"), "");
    }

    #[test]
    fn a_card_is_valid_through_its_expiry_month() {
        // 2026-12-04 UTC.
        let now = 1_796_342_400_000;
        assert!(!expiry_passed("1226", now));
        assert!(expiry_passed("1126", now));
        assert!(!expiry_passed("0127", now));
        assert!(expiry_passed("1326", now));
        assert!(expiry_passed("12", now));
        assert!(expiry_passed("ab26", now));
    }

    #[test]
    fn customer_ids_use_the_contract_alphabet() {
        assert!(parse_customer_id("cust_42.a-b").is_ok());
        assert!(parse_customer_id("").is_err());
        assert!(parse_customer_id(&"a".repeat(51)).is_err());
        assert!(parse_customer_id("a/b").is_err());
        assert!(parse_customer_id("é").is_err());
    }
}
