use core::fmt;
use core::str::FromStr;

use super::{InvalidValue, is_digits, serde_via_str};

/// An amount in the smallest unit of its currency (`2599` = 25.99 EUR).
///
/// Payline amounts are `N12`: at most 12 digits, no sign, no decimal point (Payline value formats).
/// Leading zeros are accepted on input and not printed back, as Payline never sends them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(u64);

impl Amount {
    /// The largest `N12` value.
    pub const MAX: Amount = Amount(999_999_999_999);
    /// Zero, used for account verification (action 108) and 3-D Secure only checks.
    pub const ZERO: Amount = Amount(0);

    /// An amount in minor units, or `None` above the 12-digit wire limit.
    pub const fn from_minor(minor: u64) -> Option<Self> {
        if minor <= Self::MAX.0 {
            Some(Self(minor))
        } else {
            None
        }
    }

    /// The amount in minor units.
    pub const fn minor(self) -> u64 {
        self.0
    }

    /// `self + other`, or `None` past the wire limit.
    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        self.0.checked_add(other.0).and_then(Self::from_minor)
    }

    /// `self - other`, or `None` below zero.
    pub fn checked_sub(self, other: Amount) -> Option<Amount> {
        self.0.checked_sub(other.0).map(Self)
    }
}

impl FromStr for Amount {
    type Err = InvalidValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        const ERR: InvalidValue = InvalidValue::new("amount", "1 to 12 digits (minor units)");
        if !is_digits(s, 12) {
            return Err(ERR);
        }
        s.parse::<u64>().map(Self).map_err(|_| ERR)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

serde_via_str!(Amount);

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn accepts_n12() {
        for (text, minor) in [("0", 0), ("2599", 2599), ("999999999999", 999_999_999_999)] {
            let a: Amount = text.parse().unwrap();
            assert_eq!(a.minor(), minor);
            assert_eq!(a.to_string(), text);
        }
        assert_eq!("0042".parse::<Amount>().unwrap().minor(), 42);
    }

    #[test]
    fn rejects_non_n12() {
        for bad in [
            "",
            "-1",
            "+1",
            "25.99",
            "1e3",
            " 1",
            "1000000000000",
            "１２",
        ] {
            assert!(bad.parse::<Amount>().is_err(), "{bad:?}");
        }
        assert_eq!(Amount::from_minor(1_000_000_000_000), None);
    }

    #[test]
    fn arithmetic_stays_in_range() {
        assert_eq!(Amount::MAX.checked_add(Amount(1)), None);
        assert_eq!(Amount(1).checked_sub(Amount(2)), None);
        assert_eq!(Amount(5).checked_sub(Amount(2)), Some(Amount(3)));
    }
}
