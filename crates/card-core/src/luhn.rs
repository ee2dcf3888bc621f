//! The Luhn (mod 10) check digit, ISO/IEC 7812-1 Annex B.
//!
//! Implemented here rather than taken from the `luhn` crate: that crate's `valid` silently
//! skips non-digit characters (`"4242a4242…"` passes), and its `checksum` panics on bytes
//! outside `[0-9A-Z]`. This version looks at ASCII digits only and says "no" to anything else.

/// True when `digits` is a non-empty string of ASCII digits whose Luhn sum is a multiple of 10.
///
/// Any other character (space, dash, letter, non-ASCII digit) makes the answer `false`:
/// callers strip separators first (see [`crate::normalize_number`]).
///
/// ```
/// assert!(card_core::luhn_valid("4970101122334455"));
/// assert!(!card_core::luhn_valid("4970101122334456"));
/// assert!(!card_core::luhn_valid("4970 1011 2233 4455"));
/// assert!(!card_core::luhn_valid(""));
/// ```
#[must_use]
pub fn luhn_valid(digits: &str) -> bool {
    luhn_valid_bytes(digits.as_bytes())
}

/// Same as [`luhn_valid`] on ASCII bytes.
pub(crate) fn luhn_valid_bytes(digits: &[u8]) -> bool {
    if digits.is_empty() {
        return false;
    }
    let mut sum: u32 = 0;
    for (i, b) in digits.iter().rev().enumerate() {
        if !b.is_ascii_digit() {
            return false;
        }
        let mut d = u32::from(b - b'0');
        // Every second digit from the right is doubled; 2·d > 9 loses 9 (sum of its digits).
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

/// The check digit (`0`–`9`) that makes `payload` followed by it Luhn-valid, or `None` when
/// `payload` is empty or holds anything but ASCII digits.
///
/// Useful to build test numbers (Payline's card-number result simulation recomputes the last
/// digit after changing digits 10–15).
///
/// ```
/// assert_eq!(card_core::luhn_check_digit("497010346901206"), Some(6));
/// ```
#[must_use]
pub fn luhn_check_digit(payload: &str) -> Option<u8> {
    let bytes = payload.as_bytes();
    if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut sum: u32 = 0;
    for (i, b) in bytes.iter().rev().enumerate() {
        let mut d = u32::from(b - b'0');
        // The check digit will sit at position 0, so the payload's last digit is doubled.
        if i % 2 == 0 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    u8::try_from((10 - sum % 10) % 10).ok()
}
