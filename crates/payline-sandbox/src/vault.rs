//! Card-number vault: PANs are stored only AES-256-GCM encrypted under a sandbox key, and looked
//! up by a keyed SHA-256 fingerprint so that the same card gets the same token.
//!
//! The key is generated at first start and kept in the sandbox database: this protects the
//! ledger file from casual reading (a copied row shows no PAN), not from someone holding the
//! whole database. It is a test gateway: only test cards belong in it.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use payline_protocol::secret::Secret;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::SqlitePool;
use zeroize::Zeroizing;

use crate::error::{Result, SandboxError};

/// Encrypts, decrypts and fingerprints card numbers.
#[derive(Clone)]
pub(crate) struct Vault {
    key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vault(***)")
    }
}

impl Vault {
    /// Loads the vault key from the database, creating it on first start.
    pub(crate) async fn load(pool: &SqlitePool) -> Result<Self> {
        let mut fresh = [0u8; 32];
        rand::rng().fill_bytes(&mut fresh);
        sqlx::query("INSERT OR IGNORE INTO meta (key, value) VALUES ('vault_key', ?)")
            .bind(&fresh[..])
            .execute(pool)
            .await?;
        fresh.iter_mut().for_each(|b| *b = 0);
        let (stored,): (Vec<u8>,) =
            sqlx::query_as("SELECT value FROM meta WHERE key = 'vault_key'")
                .fetch_one(pool)
                .await?;
        let stored = Zeroizing::new(stored);
        let key: [u8; 32] = stored
            .as_slice()
            .try_into()
            .map_err(|_| SandboxError::Vault)?;
        Ok(Self {
            key: Zeroizing::new(key),
        })
    }

    /// A vault with a fixed key (unit tests).
    #[cfg(test)]
    pub(crate) fn with_key(key: [u8; 32]) -> Self {
        Self {
            key: Zeroizing::new(key),
        }
    }

    /// Encrypts a PAN: `(nonce, ciphertext)`.
    pub(crate) fn seal(&self, pan: &Secret) -> Result<(Vec<u8>, Vec<u8>)> {
        let cipher = Aes256Gcm::new_from_slice(&self.key[..]).map_err(|_| SandboxError::Vault)?;
        let mut nonce = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = cipher
            .encrypt(Nonce::from_slice(&nonce), pan.expose().as_bytes())
            .map_err(|_| SandboxError::Vault)?;
        Ok((nonce.to_vec(), sealed))
    }

    /// Decrypts a PAN sealed by [`Vault::seal`].
    pub(crate) fn open(&self, nonce: &[u8], sealed: &[u8]) -> Result<Secret> {
        if nonce.len() != 12 {
            return Err(SandboxError::Vault);
        }
        let cipher = Aes256Gcm::new_from_slice(&self.key[..]).map_err(|_| SandboxError::Vault)?;
        let plain = Zeroizing::new(
            cipher
                .decrypt(Nonce::from_slice(nonce), sealed)
                .map_err(|_| SandboxError::Vault)?,
        );
        let text = std::str::from_utf8(&plain).map_err(|_| SandboxError::Vault)?;
        Ok(Secret::new(text))
    }

    /// Keyed fingerprint of a secret value (PAN or virtual CVV), hex.
    pub(crate) fn fingerprint(&self, domain: &str, value: &str) -> String {
        let mut h = Sha256::new();
        h.update(&self.key[..]);
        h.update(domain.as_bytes());
        h.update([0u8]);
        h.update(value.as_bytes());
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_round_trip_and_tamper() {
        let v = Vault::with_key([7; 32]);
        let pan = Secret::new("4970101122334455");
        let (n, c) = v.seal(&pan).expect("seal");
        assert!(
            !c.windows(16).any(|w| w == b"4970101122334455"),
            "ciphertext must not contain the PAN"
        );
        assert_eq!(v.open(&n, &c).expect("open").expose(), "4970101122334455");
        let mut bad = c.clone();
        if let Some(b) = bad.first_mut() {
            *b ^= 1;
        }
        assert!(v.open(&n, &bad).is_err());
        assert!(format!("{v:?}") == "Vault(***)");
    }

    #[test]
    fn fingerprint_is_keyed_and_stable() {
        let a = Vault::with_key([1; 32]);
        let b = Vault::with_key([2; 32]);
        assert_eq!(
            a.fingerprint("pan", "4970101122334455"),
            a.fingerprint("pan", "4970101122334455")
        );
        assert_ne!(
            a.fingerprint("pan", "4970101122334455"),
            b.fingerprint("pan", "4970101122334455")
        );
        assert_ne!(a.fingerprint("pan", "1"), a.fingerprint("cvv", "1"));
    }
}
