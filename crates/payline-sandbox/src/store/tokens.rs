//! Card tokens (Payline PAN tokens: first 6 + 6 letters/digits + last 4) and virtual CVVs.
//!
//! A card number lives only encrypted in `tokens`; the same card gets the same token for the
//! same merchant. A virtual CVV is valid once, for the order reference it was issued for, for
//! 15 minutes (sandbox clock), and is stored only as a keyed hash.

use payline_protocol::secret::Secret;
use rand::Rng;
use sqlx::SqliteConnection;
use time::OffsetDateTime;

use crate::cards;
use crate::error::Result;
use crate::rules::VIRTUAL_CVV_VALIDITY;
use crate::vault::Vault;

/// A stored card, decrypted.
#[derive(Debug)]
pub(crate) struct StoredCard {
    /// The token.
    pub token: String,
    /// The card number.
    pub pan: Secret,
    /// Payline card type.
    pub card_type: String,
    /// Masked number.
    pub masked: String,
}

const TOKEN_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789";

fn new_token(pan: &str) -> String {
    let mut rng = rand::rng();
    let middle_len = pan.len().saturating_sub(10).max(1);
    let mut middle = String::with_capacity(middle_len);
    // The first middle character is a letter so a token can never be read as a card number.
    middle.push(char::from(TOKEN_ALPHABET[rng.random_range(0..48)]));
    for _ in 1..middle_len {
        middle.push(char::from(
            TOKEN_ALPHABET[rng.random_range(0..TOKEN_ALPHABET.len())],
        ));
    }
    let first = pan.get(..6).unwrap_or("000000");
    let last = pan
        .len()
        .checked_sub(4)
        .and_then(|i| pan.get(i..))
        .unwrap_or("0000");
    format!("{first}{middle}{last}")
}

/// The token of a checked card number, created on first use.
pub(crate) async fn tokenize(
    conn: &mut SqliteConnection,
    vault: &Vault,
    merchant_id: &str,
    pan: &Secret,
    card_type: &str,
    now: OffsetDateTime,
) -> Result<String> {
    let fingerprint = vault.fingerprint("pan", pan.expose());
    let existing: Option<(String,)> =
        sqlx::query_as("SELECT token FROM tokens WHERE merchant_id = ? AND fingerprint = ?")
            .bind(merchant_id)
            .bind(&fingerprint)
            .fetch_optional(&mut *conn)
            .await?;
    if let Some((token,)) = existing {
        return Ok(token);
    }
    let (nonce, sealed) = vault.seal(pan)?;
    loop {
        let token = new_token(pan.expose());
        let inserted = sqlx::query(
            "INSERT OR IGNORE INTO tokens (token, merchant_id, fingerprint, pan_nonce, pan_cipher, card_type, masked_pan, created_at) \
             VALUES (?,?,?,?,?,?,?,?)",
        )
        .bind(&token)
        .bind(merchant_id)
        .bind(&fingerprint)
        .bind(&nonce)
        .bind(&sealed)
        .bind(card_type)
        .bind(cards::mask(pan))
        .bind(now.unix_timestamp())
        .execute(&mut *conn)
        .await?;
        if inserted.rows_affected() == 1 {
            return Ok(token);
        }
        // A token collision (or a concurrent insert of the same card): try again / read back.
        let existing: Option<(String,)> =
            sqlx::query_as("SELECT token FROM tokens WHERE merchant_id = ? AND fingerprint = ?")
                .bind(merchant_id)
                .bind(&fingerprint)
                .fetch_optional(&mut *conn)
                .await?;
        if let Some((token,)) = existing {
            return Ok(token);
        }
    }
}

/// The card behind a token of this merchant.
pub(crate) async fn lookup(
    conn: &mut SqliteConnection,
    vault: &Vault,
    merchant_id: &str,
    token: &str,
) -> Result<Option<StoredCard>> {
    #[derive(sqlx::FromRow)]
    struct SealedCard {
        pan_nonce: Vec<u8>,
        pan_cipher: Vec<u8>,
        card_type: String,
        masked_pan: String,
    }
    let row: Option<SealedCard> = sqlx::query_as("SELECT pan_nonce, pan_cipher, card_type, masked_pan FROM tokens WHERE merchant_id = ? AND token = ?")
        .bind(merchant_id)
        .bind(token)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(StoredCard {
        token: token.to_owned(),
        pan: vault.open(&row.pan_nonce, &row.pan_cipher)?,
        card_type: row.card_type,
        masked: row.masked_pan,
    }))
}

/// Issues a virtual CVV for a token and order reference.
pub(crate) async fn issue_virtual_cvv(
    conn: &mut SqliteConnection,
    vault: &Vault,
    merchant_id: &str,
    token: &str,
    order_ref: &str,
    length: u8,
    now: OffsetDateTime,
) -> Result<Secret> {
    let cvv = {
        // ThreadRng is not Send: dropped before the next await.
        let mut rng = rand::rng();
        Secret::new(
            (0..length.max(3))
                .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
                .collect::<String>(),
        )
    };
    sqlx::query("INSERT INTO virtual_cvvs (merchant_id, token, order_ref, cvv_hash, expires_at) VALUES (?,?,?,?,?)")
        .bind(merchant_id)
        .bind(token)
        .bind(order_ref)
        .bind(vault.fingerprint("vcvv", cvv.expose()))
        .bind((now + VIRTUAL_CVV_VALIDITY).unix_timestamp())
        .execute(&mut *conn)
        .await?;
    Ok(cvv)
}

/// Consumes a virtual CVV: true when it was issued for this token and order reference, is not
/// expired and was not used before. It is then used up.
pub(crate) async fn consume_virtual_cvv(
    conn: &mut SqliteConnection,
    vault: &Vault,
    merchant_id: &str,
    token: &str,
    order_ref: &str,
    cvv: &Secret,
    now: OffsetDateTime,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE virtual_cvvs SET used = 1 WHERE id = (SELECT id FROM virtual_cvvs WHERE merchant_id = ? AND token = ? \
         AND order_ref = ? AND cvv_hash = ? AND used = 0 AND expires_at > ? LIMIT 1)",
    )
    .bind(merchant_id)
    .bind(token)
    .bind(order_ref)
    .bind(vault.fingerprint("vcvv", cvv.expose()))
    .bind(now.unix_timestamp())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Checks the `cvx` given with a stored card (Payline doImmediateWalletPayment `cvx`,
/// doRecurrentWalletPayment `cvx`): either a virtual CVV the tokenizer issued for this token,
/// consumed like doAuthorization consumes one (once, for `order_ref`, within 15 minutes), or
/// the card's own CVV, which must have the brand's length. A value that matches a virtual CVV
/// once issued for this token (used, expired or bound to another order reference) is refused
/// rather than read as a plain CVV, so a replayed virtual CVV never passes. Absent: accepted (a
/// merchant-initiated payment on a stored card has no CVV). `Err` is the refusal, `01130`.
pub(crate) async fn check_stored_card_cvx(
    conn: &mut SqliteConnection,
    vault: &Vault,
    merchant_id: &str,
    card: &StoredCard,
    order_ref: &str,
    cvx: Option<&Secret>,
    now: OffsetDateTime,
) -> Result<std::result::Result<(), cards::CardError>> {
    let Some(cvx) = cvx.filter(|c| !c.is_empty()) else {
        return Ok(Ok(()));
    };
    if consume_virtual_cvv(conn, vault, merchant_id, &card.token, order_ref, cvx, now).await? {
        return Ok(Ok(()));
    }
    let (issued,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM virtual_cvvs WHERE merchant_id = ? AND token = ? AND cvv_hash = ?",
    )
    .bind(merchant_id)
    .bind(&card.token)
    .bind(vault.fingerprint("vcvv", cvx.expose()))
    .fetch_one(&mut *conn)
    .await?;
    if issued > 0 {
        return Ok(Err(cards::CardError::Cvv));
    }
    let info = cards::check_number(&card.pan).map_err(|_| crate::error::SandboxError::Vault)?;
    Ok(cards::check_cvv(Some(cvx), &info))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn token_shape_keeps_first6_last4() {
        let t = new_token("4970101122334455");
        assert_eq!(t.len(), 16);
        assert!(t.starts_with("497010") && t.ends_with("4455"));
        assert!(t.as_bytes().get(6).is_some_and(u8::is_ascii_alphabetic));
        let a = new_token("378282246310005");
        assert_eq!(a.len(), 15);
    }
}
