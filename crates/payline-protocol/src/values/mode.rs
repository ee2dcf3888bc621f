use core::fmt;
use core::str::FromStr;
use std::borrow::Cow;

use super::{InvalidValue, serde_via_str};

/// `payment.mode` (Payline action and mode codes): `CPT`, `DIF`, `NX`, `REC`, or another `AN3` code
/// (legacy financing sub-modes `001`–`007`), kept as sent.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Mode(Cow<'static, str>);

impl Mode {
    /// One-shot payment ("comptant").
    pub const CPT: Mode = Mode(Cow::Borrowed("CPT"));
    /// Deferred capture on `differedActionDate`.
    pub const DIF: Mode = Mode(Cow::Borrowed("DIF"));
    /// N instalments (needs `recurring`).
    pub const NX: Mode = Mode(Cow::Borrowed("NX"));
    /// Recurring subscription (needs `recurring`).
    pub const REC: Mode = Mode(Cow::Borrowed("REC"));

    /// The wire text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Mode {
    type Err = InvalidValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() || s.len() > 3 || !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(InvalidValue::new("mode", "1 to 3 letters or digits"));
        }
        Ok(match s {
            "CPT" => Self::CPT,
            "DIF" => Self::DIF,
            "NX" => Self::NX,
            "REC" => Self::REC,
            other => Self(Cow::Owned(other.to_owned())),
        })
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mode({})", self.0)
    }
}

serde_via_str!(Mode);

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_modes_round_trip() {
        for text in ["CPT", "DIF", "NX", "REC", "001", "X"] {
            assert_eq!(text.parse::<Mode>().unwrap().to_string(), text);
        }
        assert_eq!("NX".parse::<Mode>().unwrap(), Mode::NX);
    }

    #[test]
    fn rejects_bad_modes() {
        for bad in ["", "CPTX", "C T", "<a>"] {
            assert!(bad.parse::<Mode>().is_err(), "{bad:?}");
        }
    }
}
