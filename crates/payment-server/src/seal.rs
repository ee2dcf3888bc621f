//! Sealing of the gateway card token and virtual CVV while an attempt waits for 3-D Secure.
//!
//! doAuthorization after the ACS needs the token, expiry and virtual CVV that came in the
//! tokenizer blob (Payline Web2Token, Payline Ajax API, using the token). The blob itself is never stored; its
//! fields are sealed with AES-256-GCM under a key derived from the access key, bound to the
//! attempt's order reference (associated data), and the column is cleared when the attempt ends.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use payline_protocol::secret::Secret;
use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// The sealing key. Its `Debug` is masked.
#[derive(Clone)]
pub struct SealKey([u8; 32]);

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(***)")
    }
}

impl Drop for SealKey {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

/// Sealed data did not open (wrong key, tampered, or another attempt's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("sealed card data does not open")]
pub struct UnsealError;

impl SealKey {
    /// Derives the key from the access key; a domain label keeps it distinct from the
    /// Web2Token key (SHA-256 of the bare access key).
    pub fn derive(access_key: &Secret) -> Self {
        let mut h = Sha256::new();
        h.update(b"card-capture payment-server seal v1\0");
        h.update(access_key.expose().as_bytes());
        Self(h.finalize().into())
    }

    /// Seals `plaintext` for `context` (the attempt's order reference).
    pub fn seal(&self, context: &str, plaintext: &Secret) -> String {
        let cipher = Aes256Gcm::new((&self.0).into());
        let mut nonce = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce);
        let payload = Payload {
            msg: plaintext.expose().as_bytes(),
            aad: context.as_bytes(),
        };
        // Encryption with a valid 32-byte key and a 12-byte nonce cannot fail for inputs this
        // small; an empty output would simply not open later.
        let ct = cipher
            .encrypt(Nonce::from_slice(&nonce), payload)
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        STANDARD_NO_PAD.encode(out)
    }

    /// Opens what [`SealKey::seal`] produced for the same context.
    pub fn open(&self, context: &str, sealed: &str) -> Result<Secret, UnsealError> {
        let raw = STANDARD_NO_PAD.decode(sealed).map_err(|_| UnsealError)?;
        if raw.len() < 12 + 16 {
            return Err(UnsealError);
        }
        let (nonce, ct) = raw.split_at(12);
        let cipher = Aes256Gcm::new((&self.0).into());
        let pt = Zeroizing::new(
            cipher
                .decrypt(
                    Nonce::from_slice(nonce),
                    Payload {
                        msg: ct,
                        aad: context.as_bytes(),
                    },
                )
                .map_err(|_| UnsealError)?,
        );
        let s = std::str::from_utf8(&pt).map_err(|_| UnsealError)?;
        Ok(Secret::new(s))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_bound_to_context() {
        let k = SealKey::derive(&Secret::new("KEY"));
        let sealed = k.seal("order-1", &Secret::new("497010AbCdEf4455;1230;123"));
        assert!(!sealed.contains("4455"));
        assert_eq!(
            k.open("order-1", &sealed).expect("opens").expose(),
            "497010AbCdEf4455;1230;123"
        );
        assert_eq!(k.open("order-2", &sealed), Err(UnsealError));
        let other = SealKey::derive(&Secret::new("OTHER"));
        assert_eq!(other.open("order-1", &sealed), Err(UnsealError));
        assert_eq!(k.open("order-1", "garbage!"), Err(UnsealError));
        assert_eq!(format!("{k:?}"), "SealKey(***)");
    }
}
