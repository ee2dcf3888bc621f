//! Card number (PAN): normalisation, validation and the [`CardNumber`] secret type.

use alloc::{format, string::String, vec::Vec};
use core::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::brand::{BinTable, Brand, DEFAULT_GAPS, MAX_PAN_DIGITS};
use crate::luhn::luhn_valid_bytes;
use crate::validity::Validity;

/// The digits of a card number on the stack, wiped on drop.
#[derive(Zeroize, ZeroizeOnDrop)]
pub(crate) struct PanDigits {
    buf: [u8; MAX_PAN_DIGITS as usize],
    len: usize,
}

impl PanDigits {
    /// Reads buyer input: ASCII digits, with spaces and dashes ignored as separators. Any other
    /// character (letter, full-width or other Unicode digit, control character, tab) is an
    /// error, never skipped, so `4242a4242…` cannot pass as a card number.
    pub(crate) fn parse(input: &str) -> Result<Self, NumberError> {
        let mut pan = Self {
            buf: [0; MAX_PAN_DIGITS as usize],
            len: 0,
        };
        for b in input.bytes() {
            match b {
                b'0'..=b'9' => {
                    let slot = pan.buf.get_mut(pan.len).ok_or(NumberError::TooLong)?;
                    *slot = b;
                    pan.len += 1;
                }
                b' ' | b'-' => {}
                // Also rejects every byte of a multi-byte UTF-8 character.
                _ => return Err(NumberError::InvalidCharacter),
            }
        }
        if pan.len == 0 {
            return Err(NumberError::Empty);
        }
        Ok(pan)
    }

    pub(crate) fn digits(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }
}

/// Strips the spaces and dashes of a typed card number and checks the rest is ASCII digits
/// (at most 19). The result is wiped from memory when dropped.
pub fn normalize_number(input: &str) -> Result<Zeroizing<String>, NumberError> {
    let pan = PanDigits::parse(input)?;
    Ok(Zeroizing::new(ascii_string(pan.digits())))
}

/// ASCII bytes as a `String`, allocated once at its final size (so no grown-out copy of a PAN
/// is left behind in freed memory). One loop shared by every caller, where a
/// `map(char::from).collect()` per call site was an iterator instance of its own.
pub(crate) fn ascii_string(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        out.push(char::from(b));
    }
    out
}

/// Outcome of [`check_number`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberCheck<'t> {
    /// `valid` / `potentially_valid`.
    pub validity: Validity,
    /// Detected brands in display order (co-badge first: `[cb, visa]`); empty when unknown.
    pub brands: Vec<&'t Brand>,
    /// Gap positions for display (the brand's, or groups of four when unknown/ambiguous).
    pub gaps: &'t [u8],
    /// Allowed lengths (the brand's; the union of the candidates' while ambiguous; empty when
    /// no brand can match).
    pub lengths: Vec<u8>,
    /// Expected CVV length (3 when unknown).
    pub cvv_length: u8,
    /// Whether the CVV is required (`true` when unknown).
    pub cvv_required: bool,
}

/// Validates a card number as typed, against `table`.
///
/// Rules (see the README for the reasoning):
/// - only ASCII digits, spaces and dashes; anything else is invalid at once;
/// - more than 19 digits is invalid;
/// - a prefix no brand can have is invalid (we could not send Payline a `card.type`);
/// - `valid` needs a known brand, one of its lengths, and a correct Luhn digit when the brand
///   uses one;
/// - `potentially_valid` is true while valid, or while a longer length of the candidate
///   brand(s) is still reachable: a 16-digit Visa failing Luhn stays potentially valid because
///   Visa also issues 19-digit numbers (the form should judge it on blur).
///
/// ```
/// use card_core::{check_number, BinTable};
/// let table = BinTable::default();
/// let check = check_number(&table, "4970 1011 2233 4455");
/// assert!(check.validity.valid);
/// assert_eq!(check.brands.iter().map(|b| b.id()).collect::<Vec<_>>(), ["cb", "visa"]);
/// assert!(!check_number(&table, "4970 1011 2233 445a").validity.potentially_valid);
/// ```
#[must_use]
pub fn check_number<'t>(table: &'t BinTable, input: &str) -> NumberCheck<'t> {
    let unknown = |validity| NumberCheck {
        validity,
        brands: Vec::new(),
        gaps: DEFAULT_GAPS,
        lengths: Vec::new(),
        cvv_length: 3,
        cvv_required: true,
    };
    let pan = match PanDigits::parse(input) {
        Ok(pan) => pan,
        Err(NumberError::Empty) => return unknown(Validity::INCOMPLETE),
        Err(_) => return unknown(Validity::INVALID),
    };
    let digits = pan.digits();
    let detection = table.detect(digits);
    if detection.brands.is_empty() {
        return unknown(Validity::INVALID);
    }
    let len = u8::try_from(digits.len()).unwrap_or(u8::MAX);
    match detection.lead {
        Some(brand) => {
            let valid =
                brand.lengths().contains(&len) && (!brand.luhn() || luhn_valid_bytes(digits));
            NumberCheck {
                validity: Validity {
                    valid,
                    potentially_valid: valid || len < brand.max_length(),
                },
                brands: detection.brands,
                gaps: brand.gaps(),
                lengths: brand.lengths().to_vec(),
                cvv_length: brand.cvv_length(),
                cvv_required: brand.cvv_required(),
            }
        }
        None => {
            let mut lengths: Vec<u8> = Vec::new();
            for b in &detection.brands {
                lengths.extend_from_slice(b.lengths());
            }
            crate::brand::sort_dedup(&mut lengths);
            let max = lengths.last().copied().unwrap_or(0);
            NumberCheck {
                validity: Validity {
                    valid: false,
                    potentially_valid: len < max,
                },
                brands: detection.brands,
                gaps: DEFAULT_GAPS,
                lengths,
                cvv_length: 3,
                cvv_required: true,
            }
        }
    }
}

/// Why a string is not a usable card number. Never carries the digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NumberError {
    /// No digit at all.
    Empty,
    /// A character other than an ASCII digit, space or dash.
    InvalidCharacter,
    /// More than 19 digits.
    TooLong,
    /// No brand of the table has this prefix.
    UnknownBrand,
    /// The length is not one the brand issues.
    WrongLength,
    /// The Luhn check digit is wrong.
    LuhnMismatch,
}

impl NumberError {
    /// Stable machine-readable code, e.g. `luhn_mismatch`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::InvalidCharacter => "invalid_character",
            Self::TooLong => "too_long",
            Self::UnknownBrand => "unknown_brand",
            Self::WrongLength => "wrong_length",
            Self::LuhnMismatch => "luhn_mismatch",
        }
    }
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "the card number is empty",
            Self::InvalidCharacter => "the card number may hold only digits, spaces and dashes",
            Self::TooLong => "the card number has more than 19 digits",
            Self::UnknownBrand => "the card number matches no known brand",
            Self::WrongLength => "the card number has a length its brand does not issue",
            Self::LuhnMismatch => "the card number's check digit is wrong",
        })
    }
}

impl core::error::Error for NumberError {}

/// A complete, valid card number (PAN): digits only, known brand, allowed length, Luhn checked.
///
/// The only way to get one is [`CardNumber::parse`]. `Debug` shows the last four digits only,
/// there is no `Display`, the digits are read through [`CardNumber::peek`] (grep for it to find
/// every place a PAN is touched), and the memory is wiped on drop.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct CardNumber {
    digits: String,
}

impl CardNumber {
    /// Parses buyer or API input (spaces and dashes allowed) against `table`.
    pub fn parse(table: &BinTable, input: &str) -> Result<Self, NumberError> {
        let pan = PanDigits::parse(input)?;
        let digits = pan.digits();
        let brand = table.detect(digits).lead.ok_or(NumberError::UnknownBrand)?;
        let len = u8::try_from(digits.len()).map_err(|_| NumberError::TooLong)?;
        // A brand whose range is only partially typed cannot be complete: its lengths are ≥ 12.
        if !brand.lengths().contains(&len) {
            return Err(NumberError::WrongLength);
        }
        if brand.luhn() && !luhn_valid_bytes(digits) {
            return Err(NumberError::LuhnMismatch);
        }
        Ok(Self {
            digits: ascii_string(digits),
        })
    }

    /// The digits. Every read of a PAN goes through here.
    #[must_use]
    pub fn peek(&self) -> &str {
        &self.digits
    }

    /// The first six digits (the BIN as Payline shows it).
    #[must_use]
    pub fn bin(&self) -> &str {
        self.digits.get(..6).unwrap_or_default()
    }

    /// The last four digits.
    #[must_use]
    pub fn last4(&self) -> &str {
        self.digits
            .get(self.digits.len().saturating_sub(4)..)
            .unwrap_or_default()
    }

    /// Number of digits.
    #[must_use]
    pub fn len(&self) -> usize {
        self.digits.len()
    }

    /// Always false (a card number has at least 12 digits); present for API symmetry.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.digits.is_empty()
    }

    /// Payline's masked form of a PAN: first six, `X` for the middle, last four
    /// (`497010XXXXXX0154`, as in Payline's `card.number` responses).
    #[must_use]
    pub fn masked(&self) -> String {
        let middle = self.digits.len().saturating_sub(10);
        format!("{}{}{}", self.bin(), "X".repeat(middle), self.last4())
    }

    /// Brands of this number in `table` (co-badge first).
    #[must_use]
    pub fn brands<'t>(&self, table: &'t BinTable) -> Vec<&'t Brand> {
        table.detect(self.digits.as_bytes()).brands
    }
}

impl fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CardNumber(****{})", self.last4())
    }
}
