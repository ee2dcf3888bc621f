//! Cardholder name.
//!
//! Payline `card.cardholder`: at least 2 characters, at most 45 in `verifyEnrollment` and 30 in
//! `doAuthorization` (Payline `card` object; a bad value is result code 02322). Lengths are
//! counted in UTF-16 code units, as Java (Payline) and JavaScript (`maxlength`) count them.

use alloc::string::String;

use crate::validity::Validity;

/// Shortest accepted name.
pub const HOLDER_MIN: usize = 2;
/// Longest accepted name (Payline verifyEnrollment).
pub const HOLDER_MAX: usize = 45;
/// Longest name sent in Payline doAuthorization.
pub const HOLDER_MAX_AUTHORIZATION: usize = 30;

/// Characters allowed besides letters: space, apostrophes (ASCII and typographic), hyphen, dot.
fn is_punctuation(c: char) -> bool {
    matches!(c, ' ' | '\'' | '\u{2019}' | '-' | '.')
}

/// Combining marks, so that decomposed (NFD) accents such as `e` + U+0301 are letters too.
fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// Checks a cardholder name as typed.
///
/// Leading and trailing whitespace is ignored. The rest may hold Unicode letters (and
/// combining marks), spaces, apostrophes (`'`, `’`), hyphens and dots, and must contain a
/// letter. Any digit, control character or other symbol makes the name invalid: a name with
/// digits in it is nearly always a card number typed into the wrong field. Valid at 2–45
/// UTF-16 code units; 0–1 is incomplete; over 45 is invalid.
///
/// ```
/// use card_core::check_holder;
/// assert!(check_holder("  Zoë O'Brien-Dupont ").valid);
/// assert!(!check_holder("4970 1011 2233 4455").potentially_valid);
/// assert!(check_holder("J").potentially_valid);
/// ```
#[must_use]
pub fn check_holder(input: &str) -> Validity {
    // 45 UTF-16 units take at most 180 bytes; longer input cannot be valid (whitespace aside).
    if input.len() > 4 * 1024 {
        return Validity::INVALID;
    }
    let name = input.trim();
    let mut units = 0usize;
    let mut letters = false;
    for c in name.chars() {
        if c.is_alphabetic() || is_combining_mark(c) {
            letters |= c.is_alphabetic();
        } else if !is_punctuation(c) {
            return Validity::INVALID;
        }
        units += c.len_utf16();
    }
    if units > HOLDER_MAX {
        Validity::INVALID
    } else if units < HOLDER_MIN || !letters {
        Validity::INCOMPLETE
    } else {
        Validity::VALID
    }
}

/// The name in the form sent to Payline: trimmed, runs of spaces collapsed to one.
#[must_use]
pub fn normalize_holder(input: &str) -> String {
    // Pushed word by word rather than `collect::<Vec<_>>().join(" ")`: the generic join costs
    // about 1 KB in the browser module.
    let mut out = String::with_capacity(input.len());
    for word in input.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Cuts a name to Payline doAuthorization's 30 characters at a word boundary.
///
/// The name is normalised first ([`normalize_holder`]). Whole words are kept while they fit;
/// when even the first word is longer than 30, it is cut at 30 UTF-16 code units (never inside
/// a surrogate pair).
///
/// ```
/// assert_eq!(
///     card_core::holder_for_authorization("Maria Fernanda Rodriguez de la Cruz"),
///     "Maria Fernanda Rodriguez de la"
/// );
/// ```
#[must_use]
pub fn holder_for_authorization(name: &str) -> String {
    let name = normalize_holder(name);
    let units = |s: &str| s.chars().map(char::len_utf16).sum::<usize>();
    if units(&name) <= HOLDER_MAX_AUTHORIZATION {
        return name;
    }
    let mut out = String::new();
    for word in name.split(' ') {
        let extra = units(word) + usize::from(!out.is_empty());
        if units(&out) + extra > HOLDER_MAX_AUTHORIZATION {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        let mut used = 0;
        for c in name.chars() {
            used += c.len_utf16();
            if used > HOLDER_MAX_AUTHORIZATION {
                break;
            }
            out.push(c);
        }
    }
    out
}
