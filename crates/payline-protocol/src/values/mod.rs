//! Value types of Payline fields (Payline value formats; payment, card and recurring objects; result codes).
//!
//! Each type parses the exact wire text and prints it back unchanged, so a message decoded and
//! re-encoded is byte-identical in its values. Code types are open: a code Payline adds later is
//! kept as is instead of failing the whole message.

mod action;
mod amount;
mod billing_cycle;
mod billing_record_status;
mod card_type;
mod currency;
mod date;
mod mode;
mod outcome;
mod return_code;

pub use action::Action;
pub use amount::Amount;
pub use billing_cycle::BillingCycle;
pub use billing_record_status::BillingRecordStatus;
pub use card_type::CardType;
pub use currency::Currency;
pub use date::{CardExpiry, Date, DateTimeMinutes, ShortDate};
pub use mode::Mode;
pub use outcome::{Outcome, outcome};
pub use return_code::{KnownCode, ReturnCode};

/// A field value that does not have the format Payline defines for it.
///
/// The offending text is not kept: values may sit next to card data in a message, and this
/// error can end up in a log.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind}: expected {expected}")]
pub struct InvalidValue {
    kind: &'static str,
    expected: &'static str,
}

impl InvalidValue {
    pub(crate) const fn new(kind: &'static str, expected: &'static str) -> Self {
        Self { kind, expected }
    }

    /// Which value type rejected the text (`"amount"`, `"currency"`, …).
    pub fn kind(&self) -> &'static str {
        self.kind
    }
}

/// Implements `Serialize`/`Deserialize` as the wire text through `Display`/`FromStr`.
macro_rules! serde_via_str {
    ($ty:ty) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use serde_via_str;

/// True when `s` is 1..=`max` ASCII digits.
pub(crate) fn is_digits(s: &str, max: usize) -> bool {
    !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
}
