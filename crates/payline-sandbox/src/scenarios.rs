//! Payline homologation test conventions, as data.
//!
//! * outcome by amount (Payline "Return Codes - Simulator"): only bank `01xxx` outcomes;
//! * outcome by card number: 10th digit `9`, the wanted `01xxx` code in digits 11–15, a valid
//!   Luhn check digit;
//! * 3-D Secure test cards of this sandbox (Payline does not publish its own list).
//!
//! Pure functions: no I/O, no clock.

use payline_protocol::values::ReturnCode;

/// Bank outcome forced by the payment amount (minor units), Payline homologation simulator.
/// The documented amounts are in currency units (333.00 … 333.96).
pub(crate) const AMOUNT_OUTCOMES: &[(u64, ReturnCode)] = &[
    (33300, ReturnCode::APPROVED),
    (33308, ReturnCode::APPROVED),
    (33305, ReturnCode::DO_NOT_HONOR),
    (33360, ReturnCode::REFERRAL),
    (33302, ReturnCode::REFERRAL_SPECIAL_CONDITIONS),
    (33303, ReturnCode::INVALID_MERCHANT),
    (33313, ReturnCode::INVALID_AMOUNT),
    (33314, ReturnCode::INVALID_CARD_NUMBER),
    (33354, ReturnCode::CARD_EXPIRED_01201),
    (33351, ReturnCode::AMOUNT_LIMIT),
    (33355, ReturnCode::INVALID_PIN),
    (33356, ReturnCode::CARD_NOT_REGISTERED),
    (33357, ReturnCode::NOT_AUTHORIZED_FOR_CARDHOLDER),
    (33358, ReturnCode::REFUSED_BY_TERMINAL),
    (33361, ReturnCode::DEBIT_LIMIT_EXCEEDED),
    (33363, ReturnCode::SECURITY_VIOLATION),
    (33331, ReturnCode::BACKEND_INTERNAL_ERROR),
    (33394, ReturnCode::ACQUIRER_DUPLICATE),
    (33334, ReturnCode::FRAUD_SUSPECTED_BY_PARTNER),
    (33338, ReturnCode::MAX_ATTEMPTS_REACHED),
    (33312, ReturnCode::ACQUIRER_INVALID_TRANSACTION),
    (33330, ReturnCode::ACQUIRER_BAD_REQUEST_FORMAT),
    (33391, ReturnCode::ISSUER_SERVER_ERROR),
    (33396, ReturnCode::BANK_SERVER_INTERNAL_ERROR),
    (33315, ReturnCode::ISSUER_UNAVAILABLE),
    (33316, ReturnCode::THREE_DS_AUTHENTICATION_REQUIRED),
];

/// Outcome forced by the amount, if any.
pub(crate) fn outcome_by_amount(amount: u64) -> Option<ReturnCode> {
    AMOUNT_OUTCOMES
        .iter()
        .find(|(a, _)| *a == amount)
        .map(|(_, c)| *c)
}

/// Outcome forced by the card number (homologation convention: 16 digits, 10th digit `9`,
/// digits 11–15 the `01xxx` code). `is_simulated` says which codes the simulator knows; others
/// (Payline: "some such as 01197 are not simulated") are ignored.
pub(crate) fn outcome_by_card_number(
    pan: &str,
    is_simulated: impl Fn(ReturnCode) -> bool,
) -> Option<ReturnCode> {
    let bytes = pan.as_bytes();
    if bytes.len() != 16 || !bytes.iter().all(u8::is_ascii_digit) || bytes.get(9) != Some(&b'9') {
        return None;
    }
    let digits = pan.get(10..15)?;
    let code: ReturnCode = digits.parse().ok()?;
    (digits.starts_with("01") && is_simulated(code)).then_some(code)
}

/// What `verifyEnrollment` answers for a card (sandbox 3-D Secure test cards).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Enrollment {
    /// `03001`: not enrolled; the merchant may authorize without 3-D Secure.
    NotEnrolled,
    /// `03102`: 3-D Secure 2 frictionless, cardholder authenticated without a challenge.
    Frictionless,
    /// `03101`: 3-D Secure 2 challenge (`creq` / `threeDSSessionData`).
    Challenge,
    /// `03000`: 3-D Secure 1 style redirect (`PaReq` / `MD` / `TermUrl`).
    Redirect3ds1,
    /// `03100`: 3DS Method first, then frictionless on the second verifyEnrollment.
    MethodThenFrictionless,
}

/// The 3-D Secure test cards (README "3-D Secure test cards"). Any other card: not enrolled.
pub(crate) const THREE_DS_CARDS: &[(&str, Enrollment)] = &[
    ("4970101122334455", Enrollment::NotEnrolled),
    ("4970107111111119", Enrollment::Frictionless),
    ("4970105181818183", Enrollment::Challenge),
    ("4970100000000030", Enrollment::Redirect3ds1),
    ("4970100000000113", Enrollment::MethodThenFrictionless),
    ("5130000000000010", Enrollment::NotEnrolled),
    ("378282246310005", Enrollment::NotEnrolled),
];

/// Enrollment of a card number.
pub(crate) fn enrollment(pan: &str) -> Enrollment {
    THREE_DS_CARDS
        .iter()
        .find(|(p, _)| *p == pan)
        .map_or(Enrollment::NotEnrolled, |(_, e)| *e)
}

/// The code a challenge page accepts.
pub(crate) const CHALLENGE_CODE: &str = "1234";

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn luhn(d: &str) -> bool {
        let mut sum = 0;
        for (i, c) in d.bytes().rev().enumerate() {
            let mut v = u32::from(c - b'0');
            if i % 2 == 1 {
                v *= 2;
                if v > 9 {
                    v -= 9;
                }
            }
            sum += v;
        }
        sum % 10 == 0
    }

    #[test]
    fn amount_table_matches_the_homologation_simulator() {
        assert_eq!(outcome_by_amount(33300), Some(ReturnCode::APPROVED));
        assert_eq!(outcome_by_amount(33305), Some(ReturnCode::DO_NOT_HONOR));
        assert_eq!(
            outcome_by_amount(33394),
            Some(ReturnCode::ACQUIRER_DUPLICATE)
        );
        assert_eq!(
            outcome_by_amount(33316),
            Some(ReturnCode::THREE_DS_AUTHENTICATION_REQUIRED)
        );
        assert_eq!(outcome_by_amount(2599), None);
        assert_eq!(AMOUNT_OUTCOMES.len(), 26);
        // No amount twice.
        for (i, (a, _)) in AMOUNT_OUTCOMES.iter().enumerate() {
            assert!(
                AMOUNT_OUTCOMES.iter().skip(i + 1).all(|(b, _)| a != b),
                "{a} twice"
            );
        }
    }

    #[test]
    fn card_number_convention_uses_digits_11_to_15() {
        let any = |_: ReturnCode| true;
        // Payline's documented example.
        assert_eq!(
            outcome_by_card_number("4970103469012066", any),
            Some(ReturnCode::MAX_ATTEMPTS_REACHED)
        );
        assert_eq!(outcome_by_card_number("4970101122334455", any), None);
        assert_eq!(outcome_by_card_number("497010346901206", any), None);
        assert_eq!(
            outcome_by_card_number("4970103469012066", |c| c
                != ReturnCode::MAX_ATTEMPTS_REACHED),
            None
        );
        assert_eq!(outcome_by_card_number("4970103469a12066", any), None);
    }

    #[test]
    fn three_ds_test_cards_are_luhn_valid() {
        for (pan, _) in THREE_DS_CARDS {
            assert!(luhn(pan), "{pan}");
        }
        assert_eq!(enrollment("4970105181818183"), Enrollment::Challenge);
        assert_eq!(enrollment("4970100000000154"), Enrollment::NotEnrolled);
    }
}
