//! Random identifiers and secrets.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// `prefix` + 128 random bits, URL-safe.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}{}", random_token(16))
}

/// An id that sorts by creation: `prefix` + zero-padded Unix ms + a per-process sequence +
/// randomness (the sequence orders ids created in the same millisecond by one instance).
pub fn sortable_id(prefix: &str, now_ms: i64) -> String {
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % 1_000_000;
    format!("{prefix}{now_ms:013}{seq:06}{}", random_token(6))
}

/// `bytes` random bytes as unpadded base64url.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// Hex SHA-256, for storing client secrets, blob fingerprints and request fingerprints.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Constant-time comparison of a presented secret with a stored SHA-256.
pub fn secret_matches(presented: &str, stored_hash: &str) -> bool {
    use subtle::ConstantTimeEq;
    let h = sha256_hex(presented.as_bytes());
    h.as_bytes().ct_eq(stored_hash.as_bytes()).into()
}

/// Constant-time comparison of two secrets of any length (hashes first, so the length does not
/// leak either).
pub fn secrets_equal(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    Sha256::digest(a.as_bytes())
        .ct_eq(&Sha256::digest(b.as_bytes()))
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_distinct_and_prefixed() {
        let a = new_id("cs_");
        let b = new_id("cs_");
        assert!(a.starts_with("cs_") && a.len() == 3 + 22);
        assert_ne!(a, b);
    }

    #[test]
    fn secret_hash_check() {
        let s = random_token(24);
        let h = sha256_hex(s.as_bytes());
        assert!(secret_matches(&s, &h));
        assert!(!secret_matches("other", &h));
        assert!(secrets_equal("x", "x"));
        assert!(!secrets_equal("x", "y"));
    }
}
