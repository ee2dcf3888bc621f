use core::fmt;
use core::str::FromStr;

use super::{InvalidValue, serde_via_str};

/// An ISO 4217 numeric currency code, `N3` on the wire (`978` EUR, Payline value formats).
///
/// Any three-digit code is accepted; [`Currency::alpha`] and [`Currency::minor_unit_digits`]
/// know the common ones.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency(u16);

/// (numeric, alpha, minor-unit digits) from ISO 4217.
const KNOWN: &[(u16, &str, u8)] = &[
    (36, "AUD", 2),
    (124, "CAD", 2),
    (156, "CNY", 2),
    (203, "CZK", 2),
    (208, "DKK", 2),
    (344, "HKD", 2),
    (348, "HUF", 2),
    (356, "INR", 2),
    (392, "JPY", 0),
    (410, "KRW", 0),
    (484, "MXN", 2),
    (504, "MAD", 2),
    (554, "NZD", 2),
    (578, "NOK", 2),
    (643, "RUB", 2),
    (682, "SAR", 2),
    (702, "SGD", 2),
    (710, "ZAR", 2),
    (752, "SEK", 2),
    (756, "CHF", 2),
    (784, "AED", 2),
    (788, "TND", 3),
    (826, "GBP", 2),
    (840, "USD", 2),
    (946, "RON", 2),
    (949, "TRY", 2),
    (952, "XOF", 0),
    (953, "XPF", 0),
    (975, "BGN", 2),
    (978, "EUR", 2),
    (985, "PLN", 2),
    (986, "BRL", 2),
];

impl Currency {
    /// Euro.
    pub const EUR: Currency = Currency(978);
    /// US dollar.
    pub const USD: Currency = Currency(840);
    /// Pound sterling.
    pub const GBP: Currency = Currency(826);
    /// Swiss franc.
    pub const CHF: Currency = Currency(756);
    /// Canadian dollar.
    pub const CAD: Currency = Currency(124);
    /// Japanese yen (no minor unit).
    pub const JPY: Currency = Currency(392);

    /// A numeric code, or `None` outside 1..=999.
    pub const fn from_numeric(code: u16) -> Option<Self> {
        if code >= 1 && code <= 999 {
            Some(Self(code))
        } else {
            None
        }
    }

    /// The currency with this alpha code, if it is one of the common currencies.
    pub fn from_alpha(alpha: &str) -> Option<Self> {
        KNOWN
            .iter()
            .find(|(_, a, _)| a.eq_ignore_ascii_case(alpha))
            .map(|(n, _, _)| Self(*n))
    }

    /// The numeric code.
    pub const fn numeric(self) -> u16 {
        self.0
    }

    /// The alpha code, for the common currencies.
    pub fn alpha(self) -> Option<&'static str> {
        KNOWN
            .iter()
            .find(|(n, _, _)| *n == self.0)
            .map(|(_, a, _)| *a)
    }

    /// Number of decimal digits of the minor unit (2 for EUR, 0 for JPY), for the common
    /// currencies.
    pub fn minor_unit_digits(self) -> Option<u8> {
        KNOWN
            .iter()
            .find(|(n, _, _)| *n == self.0)
            .map(|(_, _, d)| *d)
    }
}

impl FromStr for Currency {
    type Err = InvalidValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        const ERR: InvalidValue = InvalidValue::new("currency", "3 digits (ISO 4217 numeric)");
        if s.len() != 3 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ERR);
        }
        s.parse::<u16>()
            .ok()
            .and_then(Self::from_numeric)
            .ok_or(ERR)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:03}", self.0)
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.alpha() {
            Some(a) => write!(f, "Currency({a})"),
            None => write!(f, "Currency({:03})", self.0),
        }
    }
}

serde_via_str!(Currency);

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn every_known_currency_round_trips() {
        for (n, a, _) in KNOWN {
            let c = Currency::from_numeric(*n).unwrap();
            assert_eq!(c.alpha(), Some(*a));
            assert_eq!(Currency::from_alpha(a), Some(c));
            assert_eq!(c.to_string().parse::<Currency>().unwrap(), c);
            assert_eq!(c.to_string().len(), 3);
        }
        assert_eq!(Currency::from_numeric(36).unwrap().to_string(), "036");
    }

    #[test]
    fn unknown_numeric_codes_are_kept() {
        let c: Currency = "999".parse().unwrap();
        assert_eq!(c.alpha(), None);
        assert_eq!(c.to_string(), "999");
        assert_eq!(format!("{c:?}"), "Currency(999)");
        assert_eq!(format!("{:?}", Currency::EUR), "Currency(EUR)");
    }

    #[test]
    fn rejects_non_n3() {
        for bad in ["", "97", "9780", "EUR", "000", "-78", " 978"] {
            assert!(bad.parse::<Currency>().is_err(), "{bad:?}");
        }
    }
}
