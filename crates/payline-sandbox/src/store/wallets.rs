//! Wallets and their cards (`wallets`, `wallet_cards`): the rows the wallet operations, the
//! hosted wallet pages and the scheduler read.

use sqlx::SqliteConnection;

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
pub(crate) async fn wallet(conn: &mut SqliteConnection, merchant_id: &str, wallet_id: &str) -> Result<Option<WalletRow>> {
    Ok(sqlx::query_as(
        "SELECT wallet_id, contract_number, last_name, first_name, email, disabled_at FROM wallets \
         WHERE merchant_id = ? AND wallet_id = ?",
    )
    .bind(merchant_id)
    .bind(wallet_id)
    .fetch_optional(conn)
    .await?)
}

const CARD_COLUMNS: &str = "card_ind, token, card_type, masked_pan, expiry, cardholder, disabled_at";

/// One card of a wallet.
pub(crate) async fn card(conn: &mut SqliteConnection, merchant_id: &str, wallet_id: &str, ind: i64) -> Result<Option<WalletCard>> {
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
pub(crate) async fn cards(conn: &mut SqliteConnection, merchant_id: &str, wallet_id: &str) -> Result<Vec<WalletCard>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {CARD_COLUMNS} FROM wallet_cards WHERE merchant_id = ? AND wallet_id = ? ORDER BY card_ind"
    ))
    .bind(merchant_id)
    .bind(wallet_id)
    .fetch_all(conn)
    .await?)
}
