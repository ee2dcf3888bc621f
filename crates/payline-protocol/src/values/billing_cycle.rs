use core::fmt;
use core::str::FromStr;

use super::{InvalidValue, is_digits, serde_via_str};

/// `recurring.billingCycle`, the frequency of a schedule (Payline recurring object, `N2`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BillingCycle(u8);

macro_rules! cycles {
    ($($(#[$doc:meta])* $name:ident = $code:literal,)*) => {
        impl BillingCycle {
            $($(#[$doc])* pub const $name: BillingCycle = BillingCycle($code);)*

            /// Every documented cycle.
            pub const KNOWN: &'static [BillingCycle] = &[$(BillingCycle::$name),*];

            /// The constant's name for a documented cycle.
            pub fn name(self) -> Option<&'static str> {
                match self.0 {
                    $($code => Some(stringify!($name)),)*
                    _ => None,
                }
            }
        }
    };
}

cycles! {
    /// 10: every day.
    DAILY = 10,
    /// 20: every week.
    WEEKLY = 20,
    /// 30: twice a month.
    TWICE_A_MONTH = 30,
    /// 40: every month.
    MONTHLY = 40,
    /// 50: every two months.
    EVERY_TWO_MONTHS = 50,
    /// 60: every quarter.
    QUARTERLY = 60,
    /// 70: every six months.
    EVERY_SIX_MONTHS = 70,
    /// 80: every year.
    YEARLY = 80,
    /// 90: every two years.
    EVERY_TWO_YEARS = 90,
}

impl BillingCycle {
    /// The numeric code.
    pub const fn code(self) -> u8 {
        self.0
    }
}

impl FromStr for BillingCycle {
    type Err = InvalidValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        const ERR: InvalidValue = InvalidValue::new("billing cycle", "2 digits");
        if s.len() != 2 || !is_digits(s, 2) {
            return Err(ERR);
        }
        s.parse::<u8>().map(Self).map_err(|_| ERR)
    }
}

impl fmt::Display for BillingCycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.0)
    }
}

impl fmt::Debug for BillingCycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "BillingCycle::{n}"),
            None => write!(f, "BillingCycle({:02})", self.0),
        }
    }
}

serde_via_str!(BillingCycle);

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn every_known_cycle_round_trips() {
        for c in BillingCycle::KNOWN {
            assert_eq!(c.to_string().parse::<BillingCycle>().unwrap(), *c);
        }
        assert_eq!(BillingCycle::MONTHLY.to_string(), "40");
        assert_eq!("05".parse::<BillingCycle>().unwrap().to_string(), "05");
    }

    #[test]
    fn rejects_non_n2() {
        for bad in ["", "4", "400", "M1"] {
            assert!(bad.parse::<BillingCycle>().is_err(), "{bad:?}");
        }
    }
}
