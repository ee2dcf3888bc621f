use core::fmt;
use core::str::FromStr;

use super::{InvalidValue, is_digits, serde_via_str};

/// `payment.action`, the kind of operation (Payline action and mode codes, Payline "action codes").
///
/// Open: any 3-digit code is kept, the documented ones have names.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Action(u16);

macro_rules! actions {
    ($($(#[$doc:meta])* $name:ident = $code:literal,)*) => {
        impl Action {
            $($(#[$doc])* pub const $name: Action = Action($code);)*

            /// Every documented action.
            pub const KNOWN: &'static [Action] = &[$(Action::$name),*];

            /// The constant's name for a documented action.
            pub fn name(self) -> Option<&'static str> {
                match self.0 {
                    $($code => Some(stringify!($name)),)*
                    _ => None,
                }
            }
        }
    };
}

actions! {
    /// 100: authorization only, capture later.
    AUTHORIZATION = 100,
    /// 101: authorization and capture in one call.
    AUTHORIZATION_AND_CAPTURE = 101,
    /// 108: account verification (amount 0).
    ACCOUNT_VERIFICATION = 108,
    /// 109: obtain a token PAN only.
    TOKEN_PAN = 109,
    /// 110: first authorization of a card-on-file series.
    AUTHORIZATION_COF_FIRST = 110,
    /// 111: as 110, with capture.
    AUTHORIZATION_AND_CAPTURE_COF_FIRST = 111,
    /// 120: authorization without CVV.
    AUTHORIZATION_WITHOUT_CVX = 120,
    /// 121: as 120, with capture.
    AUTHORIZATION_AND_CAPTURE_WITHOUT_CVX = 121,
    /// 122: recurring with known amount, authorization.
    AUTHORIZATION_COF = 122,
    /// 123: recurring with known amount, authorization and capture.
    AUTHORIZATION_AND_CAPTURE_COF = 123,
    /// 124: installment, authorization.
    AUTHORIZATION_NX = 124,
    /// 125: installment, authorization and capture.
    AUTHORIZATION_AND_CAPTURE_NX = 125,
    /// 126: split shipment, authorization.
    AUTHORIZATION_SPLIT_SHIPMENT = 126,
    /// 127: split shipment, authorization and capture.
    AUTHORIZATION_AND_CAPTURE_SPLIT_SHIPMENT = 127,
    /// 128: other recurring, authorization.
    AUTHORIZATION_OTHER_COF = 128,
    /// 129: other recurring, authorization and capture.
    AUTHORIZATION_AND_CAPTURE_OTHER_COF = 129,
    /// 148: account verification for a shared (multi-card) payment.
    ACCOUNT_VERIFICATION_SHARED_PAYMENT = 148,
    /// 150: SEPA credit transfer (doBankTransfer).
    SEPA_CREDIT_TRANSFER = 150,
    /// 201: capture ("validation"), doCapture.
    CAPTURE = 201,
    /// 202: re-authorization, doReAuthorization.
    REAUTHORIZATION = 202,
    /// 204: debit, doDebit.
    DEBIT = 204,
    /// 421: refund, doRefund.
    REFUND = 421,
    /// 422: stand-alone credit, doCredit.
    CREDIT = 422,
    /// 500: SEPA mandate signature.
    MANDATE_SIGNATURE = 500,
}

impl Action {
    /// An action from its number, or `None` above 999.
    pub const fn from_code(code: u16) -> Option<Self> {
        if code <= 999 { Some(Self(code)) } else { None }
    }

    /// The numeric code.
    pub const fn code(self) -> u16 {
        self.0
    }
}

impl FromStr for Action {
    type Err = InvalidValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        const ERR: InvalidValue = InvalidValue::new("action", "3 digits");
        if s.len() != 3 || !is_digits(s, 3) {
            return Err(ERR);
        }
        s.parse::<u16>().map(Self).map_err(|_| ERR)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:03}", self.0)
    }
}

impl fmt::Debug for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "Action::{n}"),
            None => write!(f, "Action({:03})", self.0),
        }
    }
}

serde_via_str!(Action);

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn every_known_action_round_trips() {
        for a in Action::KNOWN {
            assert_eq!(a.to_string().parse::<Action>().unwrap(), *a);
            assert!(a.name().is_some());
        }
        assert_eq!(Action::AUTHORIZATION_AND_CAPTURE.to_string(), "101");
        assert_eq!(format!("{:?}", Action::REFUND), "Action::REFUND");
    }

    #[test]
    fn unknown_actions_are_kept() {
        let a: Action = "777".parse().unwrap();
        assert_eq!(a.name(), None);
        assert_eq!(a.to_string(), "777");
        assert_eq!(format!("{a:?}"), "Action(777)");
    }

    #[test]
    fn rejects_non_n3() {
        for bad in ["", "10", "1010", "abc", "+01", " 101"] {
            assert!(bad.parse::<Action>().is_err(), "{bad:?}");
        }
    }
}
