//! Card checks of the gateway, over `card-core` (the single owner of card rules): number
//! format, Luhn, expiry against the sandbox date, CVV format. Each failure maps to the Payline
//! code the gateway answers.

use payline_protocol::secret::Secret;
use payline_protocol::values::ReturnCode;
use time::Date;

/// What the sandbox knows about a valid card number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CardInfo {
    /// Payline card type of the card's network (`CB` for a co-badged CB card, `VISA`, …).
    pub card_type: String,
    /// Expected CVV length.
    pub cvv_length: u8,
    /// Whether a CVV must be given.
    pub cvv_required: bool,
}

/// A refused card check, with the Payline code to answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CardError {
    /// Not 12–19 digits: `02625` "Invalid card number format".
    Format,
    /// Luhn check digit wrong: `02614` "Invalid Luhn key".
    Luhn,
    /// Expiry not `MMYY`: `02305` "Invalid field format".
    ExpiryFormat,
    /// Expiry month before the sandbox month: `02624` "Card expired".
    Expired,
    /// CVV missing where required or not the brand's length: `01130` "Invalid CVV2".
    Cvv,
    /// No known network for the number: `02541` "Card not eligible".
    NotEligible,
}

impl CardError {
    /// The Payline result code.
    pub(crate) fn code(self) -> ReturnCode {
        match self {
            CardError::Format => ReturnCode::INVALID_CARD_NUMBER_FORMAT,
            CardError::Luhn => ReturnCode::INVALID_LUHN_KEY,
            CardError::ExpiryFormat => ReturnCode::INVALID_FIELD_FORMAT,
            CardError::Expired => ReturnCode::CARD_EXPIRED_02624,
            CardError::Cvv => ReturnCode::INVALID_CVV2,
            CardError::NotEligible => ReturnCode::CARD_NOT_ELIGIBLE,
        }
    }
}

fn table() -> &'static card_core::BinTable {
    static TABLE: std::sync::OnceLock<card_core::BinTable> = std::sync::OnceLock::new();
    TABLE.get_or_init(card_core::BinTable::default)
}

/// Checks a card number (card-core: digits, brand, length, Luhn) and returns its network rules.
pub(crate) fn check_number(pan: &Secret) -> Result<CardInfo, CardError> {
    let digits = pan.expose();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CardError::Format);
    }
    let card = card_core::CardNumber::parse(table(), digits).map_err(|e| match e {
        card_core::NumberError::LuhnMismatch => CardError::Luhn,
        card_core::NumberError::UnknownBrand => CardError::NotEligible,
        _ => CardError::Format,
    })?;
    // Co-badged cards list the domestic network first (CB, then VISA): Payline reports the card
    // type CB for them; the buyer's network choice travels separately as payment.cardBrand.
    let brands = card.brands(table());
    let brand = brands.first().ok_or(CardError::NotEligible)?;
    Ok(CardInfo {
        card_type: brand.payline_type().to_owned(),
        cvv_length: brand.cvv_length(),
        cvv_required: brand.cvv_required(),
    })
}

/// Parses `MMYY` (card-core) and checks it is not before `today`'s month.
pub(crate) fn check_expiry(mmyy: &str, today: Date) -> Result<(), CardError> {
    let expiry =
        card_core::ExpiryDate::parse_payline_mmyy(mmyy).map_err(|_| CardError::ExpiryFormat)?;
    let year = u16::try_from(today.year()).map_err(|_| CardError::ExpiryFormat)?;
    let today =
        card_core::YearMonth::new(year, u8::from(today.month())).ok_or(CardError::ExpiryFormat)?;
    if expiry.is_expired(today) {
        Err(CardError::Expired)
    } else {
        Ok(())
    }
}

/// Checks a CVV (digits of the brand's length; may be absent only where not required).
pub(crate) fn check_cvv(cvv: Option<&Secret>, info: &CardInfo) -> Result<(), CardError> {
    match cvv.filter(|c| !c.is_empty()) {
        None if info.cvv_required => Err(CardError::Cvv),
        None => Ok(()),
        Some(c) => {
            let c = c.expose();
            if c.len() == usize::from(info.cvv_length) && c.bytes().all(|b| b.is_ascii_digit()) {
                Ok(())
            } else {
                Err(CardError::Cvv)
            }
        }
    }
}

/// `first 6 + X… + last 4`, as Payline masks card numbers in answers.
pub(crate) fn mask(pan: &Secret) -> String {
    let d = pan.expose();
    match (d.get(..6), d.len().checked_sub(4).and_then(|i| d.get(i..))) {
        (Some(first), Some(last)) if d.len() > 10 => {
            format!("{first}{}{last}", "X".repeat(d.len() - 10))
        }
        _ => "X".repeat(d.len()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn number_checks_map_to_payline_codes() {
        assert_eq!(
            check_number(&Secret::new("4970101122334456")).map_err(CardError::code),
            Err(ReturnCode::INVALID_LUHN_KEY)
        );
        assert_eq!(
            check_number(&Secret::new("49701011")).map_err(CardError::code),
            Err(ReturnCode::INVALID_CARD_NUMBER_FORMAT)
        );
        assert_eq!(
            check_number(&Secret::new("4970a01122334455")).map_err(CardError::code),
            Err(ReturnCode::INVALID_CARD_NUMBER_FORMAT)
        );
        let amex = check_number(&Secret::new("378282246310005")).expect("amex");
        assert_eq!((amex.card_type.as_str(), amex.cvv_length), ("AMEX", 4));
        assert_eq!(
            check_number(&Secret::new("4970101122334455")).map(|i| i.card_type),
            Ok("CB".to_owned())
        );
    }

    #[test]
    fn expiry_uses_the_given_date() {
        let today = date!(2026 - 11 - 25);
        assert_eq!(check_expiry("1126", today), Ok(()));
        assert_eq!(check_expiry("1026", today), Err(CardError::Expired));
        assert_eq!(check_expiry("1326", today), Err(CardError::ExpiryFormat));
        assert_eq!(check_expiry("12/6", today), Err(CardError::ExpiryFormat));
    }

    #[test]
    fn cvv_length_follows_the_brand() {
        let visa = CardInfo {
            card_type: "VISA".into(),
            cvv_length: 3,
            cvv_required: true,
        };
        assert!(check_cvv(Some(&Secret::new("123")), &visa).is_ok());
        assert!(check_cvv(Some(&Secret::new("1234")), &visa).is_err());
        assert!(check_cvv(None, &visa).is_err());
        let maestro = CardInfo {
            card_type: "MAESTRO".into(),
            cvv_length: 3,
            cvv_required: false,
        };
        assert!(check_cvv(None, &maestro).is_ok());
    }

    #[test]
    fn masks_like_payline() {
        assert_eq!(mask(&Secret::new("4970101122334455")), "497010XXXXXX4455");
        assert_eq!(mask(&Secret::new("378282246310005")), "378282XXXXX0005");
    }
}
