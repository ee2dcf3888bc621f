use core::fmt;
use core::str::FromStr;
use std::borrow::Cow;

use super::{InvalidValue, serde_via_str};

/// `card.type`, Payline's payment-means code (Payline card object): `CB`, `VISA`, `MASTERCARD`,
/// `AMEX-ONE CLICK`, … Open: any code up to 30 printable characters is kept as sent.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CardType(Cow<'static, str>);

macro_rules! card_types {
    ($($name:ident = $text:literal,)*) => {
        impl CardType {
            $(#[doc = concat!("`", $text, "`")] pub const $name: CardType = CardType(Cow::Borrowed($text));)*

            /// The card types named here.
            pub const KNOWN: &'static [CardType] = &[$(CardType::$name),*];
        }
    };
}

card_types! {
    CB = "CB",
    VISA = "VISA",
    MASTERCARD = "MASTERCARD",
    MAESTRO = "MAESTRO",
    AMEX = "AMEX",
    BCMC = "BCMC",
    DINERS = "DINERS",
    DISCOVER = "DISCOVER",
    JCB = "JCB",
    MCVISA = "MCVISA",
    CBPASS = "CBPASS",
    VISAPREPAID = "VISAPREPAID",
    PAYPAL = "PAYPAL",
}

impl CardType {
    /// The wire text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for CardType {
    type Err = InvalidValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() || s.len() > 30 || s.chars().any(|c| c.is_control()) {
            return Err(InvalidValue::new(
                "card type",
                "1 to 30 printable characters",
            ));
        }
        Ok(Self::KNOWN
            .iter()
            .find(|k| k.0 == s)
            .cloned()
            .unwrap_or_else(|| Self(Cow::Owned(s.to_owned()))))
    }
}

impl fmt::Display for CardType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for CardType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CardType({})", self.0)
    }
}

serde_via_str!(CardType);

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_types_round_trip() {
        for k in CardType::KNOWN {
            assert_eq!(k.as_str().parse::<CardType>().unwrap(), *k);
        }
        for text in ["AMEX-ONE CLICK", "SKRILL(MONEYBOOKERS)", "3XCB"] {
            assert_eq!(text.parse::<CardType>().unwrap().as_str(), text);
        }
    }

    #[test]
    fn rejects_bad_types() {
        assert!("".parse::<CardType>().is_err());
        assert!("A\nB".parse::<CardType>().is_err());
        assert!("X".repeat(31).parse::<CardType>().is_err());
    }
}
