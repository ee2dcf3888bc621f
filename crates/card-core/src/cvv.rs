//! Card verification value (CVV2/CVC2/CID): a string of digits, never a number, because
//! leading zeros matter (`012` is a valid CVV).

use alloc::{borrow::ToOwned, string::String};
use core::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::brand::Brand;
use crate::validity::Validity;

/// What CVV a card needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CvvRule {
    min: u8,
    max: u8,
    required: bool,
}

impl CvvRule {
    /// The rule of a brand of the table: its length, and whether a CVV may be left out.
    #[must_use]
    pub fn for_brand(brand: &Brand) -> Self {
        Self {
            min: brand.cvv_length(),
            max: brand.cvv_length(),
            required: brand.cvv_required(),
        }
    }

    /// Brand not known yet: 3 or 4 digits, required.
    #[must_use]
    pub fn unknown_brand() -> Self {
        Self {
            min: 3,
            max: 4,
            required: true,
        }
    }

    /// Whether an empty CVV is refused.
    #[must_use]
    pub fn required(self) -> bool {
        self.required
    }
}

/// Checks a CVV as typed.
///
/// ASCII digits only (no spaces: browsers' one-time-code and autofill give bare digits);
/// shorter than the brand's length is potentially valid; an empty CVV is valid when the brand
/// does not require one (Payline omits `cardCvx` for Maestro, Diners, JCB) and incomplete
/// otherwise.
///
/// ```
/// use card_core::{check_cvv, CvvRule};
/// assert!(check_cvv("012", CvvRule::unknown_brand()).valid);
/// assert!(check_cvv("01", CvvRule::unknown_brand()).potentially_valid);
/// assert!(!check_cvv("01a", CvvRule::unknown_brand()).potentially_valid);
/// ```
#[must_use]
pub fn check_cvv(input: &str, rule: CvvRule) -> Validity {
    if input.is_empty() {
        return if rule.required {
            Validity::INCOMPLETE
        } else {
            Validity::VALID
        };
    }
    if input.len() > usize::from(rule.max) || !input.bytes().all(|b| b.is_ascii_digit()) {
        return Validity::INVALID;
    }
    if input.len() < usize::from(rule.min) {
        Validity::INCOMPLETE
    } else {
        Validity::VALID
    }
}

/// Why a CVV is refused. Never carries the digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CvvError {
    /// Empty (call sites decide whether an absent CVV is acceptable, see [`CvvRule::required`]).
    Empty,
    /// A character other than an ASCII digit.
    NotDigits,
    /// Not the length the brand uses.
    WrongLength,
}

impl CvvError {
    /// Stable machine-readable code.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::NotDigits => "not_digits",
            Self::WrongLength => "wrong_length",
        }
    }
}

impl fmt::Display for CvvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "the security code is empty",
            Self::NotDigits => "the security code may hold only digits",
            Self::WrongLength => "the security code has the wrong length",
        })
    }
}

impl core::error::Error for CvvError {}

/// A well-formed CVV. `Debug` prints `Cvv(***)`, there is no `Display`, the digits are read
/// through [`Cvv::peek`], and the memory is wiped on drop.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct Cvv {
    digits: String,
}

impl Cvv {
    /// Parses a CVV for `rule`. An empty input is [`CvvError::Empty`] even when the brand does
    /// not require a CVV: "no CVV" is `Option::<Cvv>::None` at the call site.
    pub fn parse(input: &str, rule: CvvRule) -> Result<Self, CvvError> {
        if input.is_empty() {
            return Err(CvvError::Empty);
        }
        if !input.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CvvError::NotDigits);
        }
        if !(usize::from(rule.min)..=usize::from(rule.max)).contains(&input.len()) {
            return Err(CvvError::WrongLength);
        }
        Ok(Self {
            digits: input.to_owned(),
        })
    }

    /// The digits. Every read of a CVV goes through here.
    #[must_use]
    pub fn peek(&self) -> &str {
        &self.digits
    }
}

impl fmt::Debug for Cvv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Cvv(***)")
    }
}
