//! Card expiry date: parsing what buyers type, Payline's `MMYY`, and the range check against a
//! `today` passed in by the caller (the core never reads a clock).

use alloc::string::String;
use core::fmt;

use crate::validity::Validity;

/// How far ahead an expiry may be: 20 years (card-validator's limit; no issuer prints more).
pub const MAX_YEARS_AHEAD: u16 = 20;

/// Inputs longer than this are invalid without further reading.
const MAX_INPUT_BYTES: usize = 32;

/// A calendar month: the caller's "today" for expiry checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct YearMonth {
    year: u16,
    month: u8,
}

impl YearMonth {
    /// `None` unless `month` is 1–12 and `year` is 2000–9999.
    #[must_use]
    pub fn new(year: u16, month: u8) -> Option<Self> {
        ((1..=12).contains(&month) && (2000..=9999).contains(&year)).then_some(Self { year, month })
    }
    /// Four-digit year.
    #[must_use]
    pub fn year(self) -> u16 {
        self.year
    }
    /// Month, 1–12.
    #[must_use]
    pub fn month(self) -> u8 {
        self.month
    }
    /// Months since year 0, for comparisons.
    fn index(self) -> u32 {
        u32::from(self.year) * 12 + u32::from(self.month) - 1
    }
}

/// A card's expiry month. The card is usable until the end of that month.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ExpiryDate {
    // Field order makes the derived `Ord` chronological.
    year: u16,
    month: u8,
}

impl ExpiryDate {
    /// `None` unless `month` is 1–12 and `year` is 2000–9999.
    #[must_use]
    pub fn new(month: u8, year: u16) -> Option<Self> {
        YearMonth::new(year, month).map(|ym| Self {
            year: ym.year,
            month: ym.month,
        })
    }

    /// Month, 1–12.
    #[must_use]
    pub fn month(self) -> u8 {
        self.month
    }

    /// Four-digit year.
    #[must_use]
    pub fn year(self) -> u16 {
        self.year
    }

    /// Payline `card.expirationDate` / Web2Token `cardExpirationDate`: `MMYY`.
    ///
    /// Written digit by digit rather than with `format!`, whose integer padding would link
    /// `core::fmt`'s formatting code into the WebAssembly modules for these four digits.
    #[must_use]
    pub fn payline_mmyy(self) -> String {
        let yy = self.year % 100;
        crate::number::ascii_string(&[
            b'0' + self.month / 10,
            b'0' + self.month % 10,
            b'0' + (yy / 10) as u8,
            b'0' + (yy % 10) as u8,
        ])
    }

    /// Parses Payline's `MMYY` (exactly four ASCII digits, month 01–12; `YY` is 20YY).
    pub fn parse_payline_mmyy(text: &str) -> Result<Self, ExpiryError> {
        let b = text.as_bytes();
        if b.len() != 4 || !b.iter().all(u8::is_ascii_digit) {
            return Err(ExpiryError::Malformed);
        }
        let n = |i: usize| b.get(i).map_or(0, |d| d - b'0');
        let month = n(0) * 10 + n(1);
        let year = 2000 + u16::from(n(2) * 10 + n(3));
        Self::new(month, year).ok_or(ExpiryError::InvalidMonth)
    }

    /// True when the last day of the expiry month is before `today`'s month.
    #[must_use]
    pub fn is_expired(self, today: YearMonth) -> bool {
        self.as_year_month().index() < today.index()
    }

    /// Checks the date is neither past nor more than [`MAX_YEARS_AHEAD`] years ahead.
    pub fn check_range(self, today: YearMonth) -> Result<(), ExpiryError> {
        let (me, now) = (self.as_year_month().index(), today.index());
        if me < now {
            Err(ExpiryError::Expired)
        } else if me > now + u32::from(MAX_YEARS_AHEAD) * 12 {
            Err(ExpiryError::TooFarAhead)
        } else {
            Ok(())
        }
    }

    fn as_year_month(self) -> YearMonth {
        YearMonth {
            year: self.year,
            month: self.month,
        }
    }
}

impl fmt::Debug for ExpiryDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ExpiryDate({:02}/{})", self.month, self.year)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for ExpiryDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("ExpiryDate", 3)?;
        st.serialize_field("month", &self.month)?;
        st.serialize_field("year", &self.year)?;
        st.serialize_field("payline", &self.payline_mmyy())?;
        st.end()
    }
}

/// Why an expiry is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ExpiryError {
    /// Not one of the accepted shapes.
    Malformed,
    /// Month not 01–12.
    InvalidMonth,
    /// Before the current month.
    Expired,
    /// More than [`MAX_YEARS_AHEAD`] years ahead.
    TooFarAhead,
}

impl ExpiryError {
    /// Stable machine-readable code.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Malformed => "malformed",
            Self::InvalidMonth => "invalid_month",
            Self::Expired => "expired",
            Self::TooFarAhead => "too_far_ahead",
        }
    }
}

impl fmt::Display for ExpiryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Malformed => "the expiry date is not MM/YY",
            Self::InvalidMonth => "the expiry month is not 01-12",
            Self::Expired => "the card has expired",
            Self::TooFarAhead => "the expiry date is too far in the future",
        })
    }
}

impl core::error::Error for ExpiryError {}

/// Outcome of [`check_expiry`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpiryCheck {
    /// `valid` / `potentially_valid`.
    pub validity: Validity,
    /// The date, present exactly when `validity.valid`.
    pub date: Option<ExpiryDate>,
}

/// Checks an expiry as typed, relative to `today`.
///
/// Accepted shapes (ASCII spaces around the whole value and around the slash are ignored):
/// `MM/YY`, `MM / YY`, `MM/YYYY`, `M/YY`, `MMYY`, and `MMYYYY`. Two-digit years are taken in
/// the century window `today.year - 50 ..= today.year + 49`. A past month or one more than
/// 20 years ahead is invalid. While typing, a value is potentially valid when some completion
/// of it is valid: `12/2` (could be `12/28`) and `12/20` (could be `12/2030`) both are.
///
/// ```
/// use card_core::{check_expiry, YearMonth};
/// let today = YearMonth::new(2026, 11).unwrap_or_else(|| unreachable!());
/// let check = check_expiry("12 / 28", today);
/// assert!(check.validity.valid);
/// assert_eq!(check.date.map(|d| d.payline_mmyy()), Some("1228".to_owned()));
/// assert!(!check_expiry("10/26", today).validity.potentially_valid);
/// ```
#[must_use]
pub fn check_expiry(input: &str, today: YearMonth) -> ExpiryCheck {
    let invalid = ExpiryCheck {
        validity: Validity::INVALID,
        date: None,
    };
    let incomplete = ExpiryCheck {
        validity: Validity::INCOMPLETE,
        date: None,
    };
    let (month, year_text) = match split(input) {
        Parts::Invalid => return invalid,
        Parts::Incomplete => return incomplete,
        Parts::MonthYear(month, year_text) => (month, year_text),
    };
    let year_value = digits_value(year_text);
    let in_range =
        |year: u16| ExpiryDate::new(month, year).is_some_and(|d| d.check_range(today).is_ok());
    // Some four-digit year within range starts with the typed digits.
    let four_digit_completion = || {
        let scale = 10u16.pow(u32::try_from(4usize.saturating_sub(year_text.len())).unwrap_or(0));
        (today.year..=today.year.saturating_add(MAX_YEARS_AHEAD))
            .any(|y| in_range(y) && y / scale == year_value)
    };
    let reachable = match year_text.len() {
        0 => true,
        1 => {
            (0..10).any(|d| in_range(expand_two_digit_year(year_value * 10 + d, today)))
                || four_digit_completion()
        }
        2 => {
            let year = expand_two_digit_year(year_value, today);
            if in_range(year) {
                return ExpiryCheck {
                    validity: Validity::VALID,
                    date: ExpiryDate::new(month, year),
                };
            }
            four_digit_completion()
        }
        3 => four_digit_completion(),
        _ => {
            if in_range(year_value) {
                return ExpiryCheck {
                    validity: Validity::VALID,
                    date: ExpiryDate::new(month, year_value),
                };
            }
            false
        }
    };
    if reachable { incomplete } else { invalid }
}

/// Parses a complete expiry (any shape [`check_expiry`] accepts) and checks its range.
pub fn parse_expiry(input: &str, today: YearMonth) -> Result<ExpiryDate, ExpiryError> {
    let (month, year_text) = match split(input) {
        Parts::MonthYear(month, year_text) => (month, year_text),
        Parts::Invalid | Parts::Incomplete => return Err(ExpiryError::Malformed),
    };
    let year = match year_text.len() {
        2 => expand_two_digit_year(digits_value(year_text), today),
        4 => digits_value(year_text),
        _ => return Err(ExpiryError::Malformed),
    };
    let date = ExpiryDate::new(month, year).ok_or(ExpiryError::Malformed)?;
    date.check_range(today)?;
    Ok(date)
}

/// An expiry as typed, split into its month and year digits.
enum Parts<'a> {
    /// Cannot become a date by typing more.
    Invalid,
    /// Nothing, or only the first month digit, typed yet.
    Incomplete,
    /// A month 1–12 and 0–4 year digits.
    MonthYear(u8, &'a str),
}

fn split(input: &str) -> Parts<'_> {
    if input.len() > MAX_INPUT_BYTES {
        return Parts::Invalid;
    }
    let s = input.trim_matches(' ');
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let (month_text, year_text) = match s.split_once('/') {
        Some((m, y)) => {
            let (m, y) = (m.trim_end_matches(' '), y.trim_start_matches(' '));
            if m.is_empty() || m.len() > 2 || !all_digits(m) || !all_digits(y) {
                return Parts::Invalid;
            }
            (m, y)
        }
        None => {
            if !all_digits(s) {
                return Parts::Invalid;
            }
            // `0`, `1` begin MM; `2`–`9` are the M of M/YY.
            if s.len() < 2 {
                return Parts::Incomplete;
            }
            // All ASCII digits, so byte 2 is a char boundary; the checked split keeps
            // `str` slicing's panic path (and its formatting code) out of the WebAssembly.
            let Some(parts) = s.split_at_checked(2) else {
                return Parts::Invalid;
            };
            parts
        }
    };
    let month = u8::try_from(digits_value(month_text)).unwrap_or(0);
    if !(1..=12).contains(&month) || year_text.len() > 4 {
        return Parts::Invalid;
    }
    Parts::MonthYear(month, year_text)
}

/// Value of at most four ASCII digits (callers check the digits).
fn digits_value(text: &str) -> u16 {
    text.bytes().take(4).fold(0u16, |acc, b| {
        acc * 10 + u16::from(b.wrapping_sub(b'0') % 10)
    })
}

/// Maps `YY` into `today.year - 50 ..= today.year + 49`.
fn expand_two_digit_year(yy: u16, today: YearMonth) -> u16 {
    let century = today.year - today.year % 100;
    let year = century + yy % 100;
    if year + 50 < today.year {
        year + 100
    } else if year > today.year + 49 {
        year.saturating_sub(100)
    } else {
        year
    }
}
