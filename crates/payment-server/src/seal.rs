//! Sealing of the gateway card token and virtual CVV while an attempt waits for 3-D Secure.
//!
//! doAuthorization after the ACS needs the token, expiry and virtual CVV that came in the
//! tokenizer blob (Payline Web2Token, Payline Ajax API, using the token). The blob itself is never stored; its
//! fields are sealed with AES-256-GCM under a key derived from the access key with HKDF-SHA256
//! (RFC 5869), bound to the attempt's order reference (associated data), and the column is
//! cleared when the attempt ends.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use hkdf::Hkdf;
use payline_protocol::secret::Secret;
use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// HKDF salt (RFC 5869 section 3.1). It is not secret, and it is fixed because every instance
/// must derive the same key from the access key alone, with nothing stored beside it.
const HKDF_SALT: &[u8] = b"card-capture payment-server";

/// HKDF info (RFC 5869 section 3.2): ties the output to this one use, so that no other key
/// taken from the same access key (the Web2Token key is SHA-256 of the bare access key) can
/// equal it. A new version of the sealed format gets a new info string.
const HKDF_INFO: &[u8] = b"seal v2: AES-256-GCM key of the sealed card data";

/// AES-GCM nonce length (96 bits, the size GCM is specified for).
const NONCE_LEN: usize = 12;
/// AES-GCM tag length.
const TAG_LEN: usize = 16;

/// The sealing key. Its `Debug` is masked.
#[derive(Clone)]
pub struct SealKey {
    /// HKDF-SHA256 of the access key: seals and opens.
    current: [u8; 32],
    /// The derivation used before HKDF (SHA-256 of a label and the access key): opens only.
    ///
    /// Rows sealed under it stay readable for the attempts that were waiting for 3-D Secure
    /// when the HKDF version was deployed. Remove it (and [`legacy_v1_key`]) in a later release,
    /// once every instance has run the HKDF version for longer than `THREE_DS_TIMEOUT_SECS`
    /// (30 minutes by default): by then each attempt sealed the old way has ended and had its
    /// sealed data wiped.
    legacy_v1: [u8; 32],
}

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(***)")
    }
}

impl Drop for SealKey {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.current);
        zeroize::Zeroize::zeroize(&mut self.legacy_v1);
    }
}

/// Sealed data did not open (wrong key, tampered, or another attempt's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("sealed card data does not open")]
pub struct UnsealError;

/// The key before HKDF: SHA-256 over a domain label and the access key. Opening only.
fn legacy_v1_key(access_key: &Secret) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"card-capture payment-server seal v1\0");
    h.update(access_key.expose().as_bytes());
    h.finalize().into()
}

impl SealKey {
    /// Derives the key from the access key: HKDF-SHA256 (RFC 5869) with a fixed salt and info
    /// (`HKDF_SALT`, `HKDF_INFO`). The access key is the input keying material; HKDF's extract step turns it
    /// into a uniform pseudorandom key whatever its alphabet and length.
    #[allow(
        clippy::expect_used,
        reason = "32 bytes is within HKDF-SHA256's limit of 255 * 32 (RFC 5869 section 2.3)"
    )]
    pub fn derive(access_key: &Secret) -> Self {
        let mut current = [0u8; 32];
        Hkdf::<Sha256>::new(Some(HKDF_SALT), access_key.expose().as_bytes())
            .expand(HKDF_INFO, &mut current)
            .expect("a 32-byte HKDF-SHA256 output");
        Self {
            current,
            legacy_v1: legacy_v1_key(access_key),
        }
    }

    /// Seals `plaintext` for `context` (the attempt's order reference).
    pub fn seal(&self, context: &str, plaintext: &Secret) -> String {
        let cipher = Aes256Gcm::new((&self.current).into());
        let mut nonce = [0u8; NONCE_LEN];
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

    /// Opens what [`SealKey::seal`] produced for the same context, or what the release before
    /// HKDF sealed (see `SealKey::legacy_v1`). The format is the same, so both keys are tried;
    /// GCM's tag refuses the wrong one.
    pub fn open(&self, context: &str, sealed: &str) -> Result<Secret, UnsealError> {
        let raw = STANDARD_NO_PAD.decode(sealed).map_err(|_| UnsealError)?;
        open_with(&self.current, context, &raw)
            .or_else(|_| open_with(&self.legacy_v1, context, &raw))
    }
}

/// Opens nonce || ciphertext || tag under `key`, with `context` as associated data.
fn open_with(key: &[u8; 32], context: &str, raw: &[u8]) -> Result<Secret, UnsealError> {
    if raw.len() < NONCE_LEN + TAG_LEN {
        return Err(UnsealError);
    }
    let (nonce, ct) = raw.split_at(NONCE_LEN);
    let cipher = Aes256Gcm::new(key.into());
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    const CARD: &str = "497010AbCdEf4455;1230;123";

    /// Sealed for "order-1" under access key "KEY" by the derivation before HKDF (SHA-256 of the
    /// v1 label and the key), nonce 01..0c: what a row written by the previous release holds.
    const SEALED_V1: &str =
        "AQIDBAUGBwgJCgsMenUVcpDSEy6Pvrji95Anxd1QsnRDpVpWGExJgM29G7HEogzQwV4WSPM";

    /// Sealed for "order-1" under access key "KEY" with the HKDF key, nonce 0c..17.
    const SEALED_V2: &str =
        "DA0ODxAREhMUFRYXsqepmgO7vktZtDzP9clQi3mL2wTDPOyhm+59NcBOh6u48fc5gQyOTDk";

    fn key() -> SealKey {
        SealKey::derive(&Secret::new("KEY"))
    }

    /// Flips one bit of byte `at` of the decoded value.
    fn flip(sealed: &str, at: usize) -> String {
        let mut raw = STANDARD_NO_PAD.decode(sealed).unwrap();
        raw[at] ^= 0x01;
        STANDARD_NO_PAD.encode(raw)
    }

    #[test]
    fn derivation_is_hkdf_sha256_with_the_documented_salt_and_info() {
        // Computed apart from this crate (RFC 5869 HKDF-SHA256, IKM "KEY", salt and info as
        // in HKDF_SALT and HKDF_INFO): a change of either breaks every sealed row.
        assert_eq!(
            hex::encode(key().current),
            "7c406e4c1a395deb8d59925010174a4c51baa43e08219745071a6e1b8f4fc659"
        );
        assert_ne!(key().current, key().legacy_v1);
        assert_eq!(key().open("order-1", SEALED_V2).unwrap().expose(), CARD);
    }

    #[test]
    fn round_trip_bound_to_context() {
        let k = key();
        let sealed = k.seal("order-1", &Secret::new(CARD));
        assert!(!sealed.contains("4455"));
        assert_eq!(k.open("order-1", &sealed).expect("opens").expose(), CARD);
        assert_ne!(sealed, k.seal("order-1", &Secret::new(CARD)), "fresh nonce");
        assert_eq!(k.open("order-2", &sealed), Err(UnsealError));
        assert_eq!(k.open("", &sealed), Err(UnsealError));
        let other = SealKey::derive(&Secret::new("OTHER"));
        assert_eq!(other.open("order-1", &sealed), Err(UnsealError));
        assert_eq!(k.open("order-1", "garbage!"), Err(UnsealError));
        assert_eq!(format!("{k:?}"), "SealKey(***)");
    }

    #[test]
    fn new_seals_use_the_hkdf_key_only() {
        let k = key();
        let raw = STANDARD_NO_PAD
            .decode(k.seal("order-1", &Secret::new(CARD)))
            .unwrap();
        assert_eq!(
            open_with(&k.current, "order-1", &raw).unwrap().expose(),
            CARD
        );
        assert_eq!(open_with(&k.legacy_v1, "order-1", &raw), Err(UnsealError));
    }

    #[test]
    fn value_sealed_before_hkdf_still_opens_for_its_context_only() {
        let k = key();
        assert_eq!(k.open("order-1", SEALED_V1).unwrap().expose(), CARD);
        assert_eq!(k.open("order-2", SEALED_V1), Err(UnsealError));
        assert_eq!(
            SealKey::derive(&Secret::new("OTHER")).open("order-1", SEALED_V1),
            Err(UnsealError)
        );
        let raw = STANDARD_NO_PAD.decode(SEALED_V1).unwrap();
        assert_eq!(open_with(&k.current, "order-1", &raw), Err(UnsealError));
    }

    #[test]
    fn tampered_value_is_refused() {
        let k = key();
        let fresh = k.seal("order-1", &Secret::new(CARD));
        for sealed in [SEALED_V1, SEALED_V2, fresh.as_str()] {
            let len = STANDARD_NO_PAD.decode(sealed).unwrap().len();
            // Nonce, ciphertext and tag: a single flipped bit anywhere fails the tag.
            for at in 0..len {
                assert_eq!(
                    k.open("order-1", &flip(sealed, at)),
                    Err(UnsealError),
                    "{at}"
                );
            }
            let raw = STANDARD_NO_PAD.decode(sealed).unwrap();
            for cut in [0, NONCE_LEN, NONCE_LEN + TAG_LEN - 1, len - 1] {
                let short = STANDARD_NO_PAD.encode(&raw[..cut]);
                assert_eq!(k.open("order-1", &short), Err(UnsealError), "{cut}");
            }
            let mut longer = raw.clone();
            longer.push(0);
            let longer = STANDARD_NO_PAD.encode(longer);
            assert_eq!(k.open("order-1", &longer), Err(UnsealError));
        }
    }
}
