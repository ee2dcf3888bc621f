//! Wallets and their cards (`wallets`, `wallet_cards`): the rows the wallet operations, the
//! hosted wallet pages and the scheduler read.

use sqlx::SqliteConnection;
use time::OffsetDateTime;

use crate::error::Result;

/// A card stored in a wallet.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct WalletCard {
    /// Index of the card in the wallet.
    pub(crate) card_ind: i64,
    /// Sandbox token.
    pub(crate) token: String,
    /// Payline card type.
    pub(crate) card_type: String,
    /// Masked number.
    #[sqlx(rename = "masked_pan")]
    pub(crate) masked: String,
    /// Expiry `MMYY`.
    pub(crate) expiry: String,
    /// Cardholder name.
    pub(crate) cardholder: Option<String>,
    /// When the card was disabled.
    pub(crate) disabled_at: Option<i64>,
}

/// A wallet with its owner fields.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct WalletRow {
    /// Merchant id of the wallet.
    pub(crate) wallet_id: String,
    /// Contract the wallet was created with.
    pub(crate) contract_number: String,
    /// Owner's last name.
    pub(crate) last_name: Option<String>,
    /// First name.
    pub(crate) first_name: Option<String>,
    /// E-mail.
    pub(crate) email: Option<String>,
    /// When the wallet was disabled.
    pub(crate) disabled_at: Option<i64>,
}

/// The wallet, if it exists.
pub(crate) async fn wallet(
    conn: &mut SqliteConnection,
    merchant_id: &str,
    wallet_id: &str,
) -> Result<Option<WalletRow>> {
    Ok(sqlx::query_as(
        "SELECT wallet_id, contract_number, last_name, first_name, email, disabled_at FROM wallets \
         WHERE merchant_id = ? AND wallet_id = ?",
    )
    .bind(merchant_id)
    .bind(wallet_id)
    .fetch_optional(conn)
    .await?)
}

const CARD_COLUMNS: &str =
    "card_ind, token, card_type, masked_pan, expiry, cardholder, disabled_at";

/// One card of a wallet.
pub(crate) async fn card(
    conn: &mut SqliteConnection,
    merchant_id: &str,
    wallet_id: &str,
    ind: i64,
) -> Result<Option<WalletCard>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {CARD_COLUMNS} FROM wallet_cards WHERE merchant_id = ? AND wallet_id = ? AND card_ind = ?"
    ))
    .bind(merchant_id)
    .bind(wallet_id)
    .bind(ind)
    .fetch_optional(conn)
    .await?)
}

/// Every card of a wallet, by index.
pub(crate) async fn cards(
    conn: &mut SqliteConnection,
    merchant_id: &str,
    wallet_id: &str,
) -> Result<Vec<WalletCard>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {CARD_COLUMNS} FROM wallet_cards WHERE merchant_id = ? AND wallet_id = ? ORDER BY card_ind"
    ))
    .bind(merchant_id)
    .bind(wallet_id)
    .fetch_all(conn)
    .await?)
}

/// The owner fields of a wallet (`wallet.lastName`, `firstName`, `email`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Owner<'a> {
    /// Last name.
    pub(crate) last_name: Option<&'a str>,
    /// First name.
    pub(crate) first_name: Option<&'a str>,
    /// E-mail.
    pub(crate) email: Option<&'a str>,
}

/// Creates a wallet (createWallet).
pub(crate) async fn insert(
    conn: &mut SqliteConnection,
    merchant_id: &str,
    wallet_id: &str,
    contract_number: &str,
    owner: Owner<'_>,
    now: OffsetDateTime,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO wallets (merchant_id, wallet_id, contract_number, last_name, first_name, email, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(merchant_id)
    .bind(wallet_id)
    .bind(contract_number)
    .bind(owner.last_name)
    .bind(owner.first_name)
    .bind(owner.email)
    .bind(now.unix_timestamp())
    .execute(conn)
    .await?;
    Ok(())
}

/// Creates a wallet unless it exists (a wallet saved from a hosted page or a payment).
pub(crate) async fn insert_if_absent(
    conn: &mut SqliteConnection,
    merchant_id: &str,
    wallet_id: &str,
    contract_number: &str,
    last_name: Option<&str>,
    now: OffsetDateTime,
) -> Result<()> {
    sqlx::query("INSERT OR IGNORE INTO wallets (merchant_id, wallet_id, contract_number, last_name, created_at) VALUES (?, ?, ?, ?, ?)")
        .bind(merchant_id)
        .bind(wallet_id)
        .bind(contract_number)
        .bind(last_name)
        .bind(now.unix_timestamp())
        .execute(conn)
        .await?;
    Ok(())
}

/// Updates the owner fields given (updateWallet); the others stay.
pub(crate) async fn update_owner(
    conn: &mut SqliteConnection,
    merchant_id: &str,
    wallet_id: &str,
    owner: Owner<'_>,
) -> Result<()> {
    sqlx::query(
        "UPDATE wallets SET last_name = COALESCE(?, last_name), first_name = COALESCE(?, first_name), \
         email = COALESCE(?, email) WHERE merchant_id = ? AND wallet_id = ?",
    )
    .bind(owner.last_name)
    .bind(owner.first_name)
    .bind(owner.email)
    .bind(merchant_id)
    .bind(wallet_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// A card to store at an index of a wallet (its number stays in the token vault).
#[derive(Debug, Clone, Copy)]
pub(crate) struct NewCard<'a> {
    /// Index in the wallet.
    pub(crate) card_ind: i64,
    /// Sandbox token.
    pub(crate) token: &'a str,
    /// Payline card type.
    pub(crate) card_type: &'a str,
    /// Masked number.
    pub(crate) masked: &'a str,
    /// Expiry `MMYY`.
    pub(crate) expiry: &'a str,
    /// Cardholder name.
    pub(crate) cardholder: Option<&'a str>,
    /// The ledger entry of the check (or payment) that accepted the card.
    pub(crate) check_id: &'a str,
}

/// Stores a card at its index, replacing (and re-enabling) the card that was there.
pub(crate) async fn store_card(
    conn: &mut SqliteConnection,
    merchant_id: &str,
    wallet_id: &str,
    card: NewCard<'_>,
    now: OffsetDateTime,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO wallet_cards (merchant_id, wallet_id, card_ind, token, card_type, masked_pan, expiry, cardholder, \
         is_default, check_transaction_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (merchant_id, wallet_id, card_ind) DO UPDATE SET token = excluded.token, card_type = excluded.card_type, \
         masked_pan = excluded.masked_pan, expiry = excluded.expiry, cardholder = excluded.cardholder, \
         check_transaction_id = excluded.check_transaction_id, disabled_at = NULL",
    )
    .bind(merchant_id)
    .bind(wallet_id)
    .bind(card.card_ind)
    .bind(card.token)
    .bind(card.card_type)
    .bind(card.masked)
    .bind(card.expiry)
    .bind(card.cardholder)
    .bind(card.card_ind == 1)
    .bind(card.check_id)
    .bind(now.unix_timestamp())
    .execute(conn)
    .await?;
    Ok(())
}

/// Disables a wallet (`card_ind` `None`) or one of its cards at `now`; `false` when it is
/// unknown or already disabled.
pub(crate) async fn disable(
    conn: &mut SqliteConnection,
    merchant_id: &str,
    wallet_id: &str,
    card_ind: Option<i64>,
    now: OffsetDateTime,
) -> Result<bool> {
    let t = now.unix_timestamp();
    let done = match card_ind {
        Some(i) => sqlx::query(
            "UPDATE wallet_cards SET disabled_at = ? WHERE merchant_id = ? AND wallet_id = ? AND card_ind = ? AND disabled_at IS NULL",
        )
        .bind(t)
        .bind(merchant_id)
        .bind(wallet_id)
        .bind(i)
        .execute(conn)
        .await?,
        None => sqlx::query("UPDATE wallets SET disabled_at = ? WHERE merchant_id = ? AND wallet_id = ? AND disabled_at IS NULL")
            .bind(t)
            .bind(merchant_id)
            .bind(wallet_id)
            .execute(conn)
            .await?,
    };
    Ok(done.rows_affected() == 1)
}

/// Enables a disabled wallet (`card_ind` `None`) or one of its cards; `false` when it is
/// unknown or not disabled.
pub(crate) async fn enable(
    conn: &mut SqliteConnection,
    merchant_id: &str,
    wallet_id: &str,
    card_ind: Option<i64>,
) -> Result<bool> {
    let done = match card_ind {
        Some(i) => sqlx::query(
            "UPDATE wallet_cards SET disabled_at = NULL WHERE merchant_id = ? AND wallet_id = ? AND card_ind = ? AND disabled_at IS NOT NULL",
        )
        .bind(merchant_id)
        .bind(wallet_id)
        .bind(i)
        .execute(conn)
        .await?,
        None => sqlx::query("UPDATE wallets SET disabled_at = NULL WHERE merchant_id = ? AND wallet_id = ? AND disabled_at IS NOT NULL")
            .bind(merchant_id)
            .bind(wallet_id)
            .execute(conn)
            .await?,
    };
    Ok(done.rows_affected() == 1)
}
