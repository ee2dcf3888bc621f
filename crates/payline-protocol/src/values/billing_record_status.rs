use core::fmt;
use core::str::FromStr;

use super::{InvalidValue, serde_via_str};

/// `billingRecord.status`, the state of one due date of a payment record (Payline object
/// billingRecord, Payline recurring object, `AN1`). Open: an unknown digit is kept as is.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BillingRecordStatus(u8);

macro_rules! statuses {
    ($($(#[$doc:meta])* $name:ident = $code:literal,)*) => {
        impl BillingRecordStatus {
            $($(#[$doc])* pub const $name: BillingRecordStatus = BillingRecordStatus($code);)*

            /// Every documented status.
            pub const KNOWN: &'static [BillingRecordStatus] = &[$(BillingRecordStatus::$name),*];

            /// The constant's name for a documented status.
            pub fn name(self) -> Option<&'static str> {
                match self.0 {
                    $($code => Some(stringify!($name)),)*
                    _ => None,
                }
            }
        }
    };
}

statuses! {
    /// 0: not due yet.
    FUTURE = 0,
    /// 1: billed, the authorization was accepted.
    PAID = 1,
    /// 2: billed, the authorization was refused.
    REFUSED = 2,
    /// 3: in progress, or a retry is scheduled after a refusal.
    IN_PROGRESS = 3,
    /// 4: disabled after repeated errors (or with its payment record).
    DISABLED = 4,
}

impl BillingRecordStatus {
    /// The status digit.
    pub const fn code(self) -> u8 {
        self.0
    }

    /// True once nothing more will happen to this due date (paid, refused or disabled).
    pub const fn is_final(self) -> bool {
        matches!(self.0, 1 | 2 | 4)
    }
}

impl FromStr for BillingRecordStatus {
    type Err = InvalidValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.as_bytes() {
            [d @ b'0'..=b'9'] => Ok(Self(d - b'0')),
            _ => Err(InvalidValue::new("billing record status", "1 digit")),
        }
    }
}

impl fmt::Display for BillingRecordStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Debug for BillingRecordStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "BillingRecordStatus::{n}"),
            None => write!(f, "BillingRecordStatus({})", self.0),
        }
    }
}

serde_via_str!(BillingRecordStatus);

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn documented_statuses_zero_to_four_round_trip() {
        let codes: Vec<String> = BillingRecordStatus::KNOWN
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(codes, ["0", "1", "2", "3", "4"]);
        for s in BillingRecordStatus::KNOWN {
            assert_eq!(s.to_string().parse::<BillingRecordStatus>(), Ok(*s));
        }
        let unknown: BillingRecordStatus = "7".parse().unwrap();
        assert_eq!(unknown.to_string(), "7");
        assert_eq!(unknown.name(), None);
        assert_eq!(format!("{unknown:?}"), "BillingRecordStatus(7)");
        assert_eq!(
            format!("{:?}", BillingRecordStatus::PAID),
            "BillingRecordStatus::PAID"
        );
    }

    #[test]
    fn only_final_statuses_are_final() {
        assert!(!BillingRecordStatus::FUTURE.is_final());
        assert!(!BillingRecordStatus::IN_PROGRESS.is_final());
        assert!(BillingRecordStatus::PAID.is_final());
        assert!(BillingRecordStatus::REFUSED.is_final());
        assert!(BillingRecordStatus::DISABLED.is_final());
    }

    #[test]
    fn rejects_anything_but_one_digit() {
        for bad in ["", "01", "A", " 1", "-1"] {
            assert!(bad.parse::<BillingRecordStatus>().is_err(), "{bad:?}");
        }
    }
}
