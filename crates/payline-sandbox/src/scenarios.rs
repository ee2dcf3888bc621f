//! Payline homologation test conventions, as data.
//!
//! * outcome by amount (Payline "Return Codes - Simulator"): only bank `01xxx` outcomes;
//! * outcome by card number: 10th digit `9`, the wanted `01xxx` code in digits 11–15, a valid
//!   Luhn check digit;
//! * 3-D Secure test cards of this sandbox (Payline does not publish its own list).
//!
//! Pure functions: no I/O, no clock.

/// Bank outcome forced by the payment amount (minor units), Payline homologation simulator.
/// The documented amounts are in currency units (333.00 … 333.96).
pub const AMOUNT_OUTCOMES: &[(u64, &str)] = &[
    (33300, "00000"),
    (33308, "00000"),
    (33305, "01100"),
    (33360, "01103"),
    (33302, "01108"),
    (33303, "01109"),
    (33313, "01110"),
    (33314, "01111"),
    (33354, "01201"),
    (33351, "01116"),
    (33355, "01117"),
    (33356, "01118"),
    (33357, "01119"),
    (33358, "01120"),
    (33361, "01121"),
    (33363, "01122"),
    (33331, "01199"),
    (33394, "01913"),
    (33334, "01202"),
    (33338, "01206"),
    (33312, "01902"),
    (33330, "01904"),
    (33391, "01907"),
    (33396, "01909"),
    (33315, "01912"),
    (33316, "01131"),
];

/// Outcome forced by the amount, if any.
pub fn outcome_by_amount(amount: u64) -> Option<&'static str> {
    AMOUNT_OUTCOMES.iter().find(|(a, _)| *a == amount).map(|(_, c)| *c)
}

/// Outcome forced by the card number (homologation convention: 16 digits, 10th digit `9`,
/// digits 11–15 the `01xxx` code). `is_simulated` says which codes the simulator knows; others
/// (Payline: "some such as 01197 are not simulated") are ignored.
pub fn outcome_by_card_number(pan: &str, is_simulated: impl Fn(&str) -> bool) -> Option<&str> {
    let bytes = pan.as_bytes();
    if bytes.len() != 16 || !bytes.iter().all(u8::is_ascii_digit) || bytes.get(9) != Some(&b'9') {
        return None;
    }
    let code = pan.get(10..15)?;
    (code.starts_with("01") && is_simulated(code)).then_some(code)
}

/// What `verifyEnrollment` answers for a card (sandbox 3-D Secure test cards).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enrollment {
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
pub const THREE_DS_CARDS: &[(&str, Enrollment)] = &[
    ("4970101122334455", Enrollment::NotEnrolled),
    ("4970107111111119", Enrollment::Frictionless),
    ("4970105181818183", Enrollment::Challenge),
    ("4970100000000030", Enrollment::Redirect3ds1),
    ("4970100000000113", Enrollment::MethodThenFrictionless),
    ("5130000000000010", Enrollment::NotEnrolled),
    ("378282246310005", Enrollment::NotEnrolled),
];

/// Enrollment of a card number.
pub fn enrollment(pan: &str) -> Enrollment {
    THREE_DS_CARDS.iter().find(|(p, _)| *p == pan).map_or(Enrollment::NotEnrolled, |(_, e)| *e)
}

/// The code a challenge page accepts.
pub const CHALLENGE_CODE: &str = "1234";

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
        assert_eq!(outcome_by_amount(33300), Some("00000"));
        assert_eq!(outcome_by_amount(33305), Some("01100"));
        assert_eq!(outcome_by_amount(33394), Some("01913"));
        assert_eq!(outcome_by_amount(33316), Some("01131"));
        assert_eq!(outcome_by_amount(2599), None);
        assert_eq!(AMOUNT_OUTCOMES.len(), 26);
        // No amount twice.
        for (i, (a, _)) in AMOUNT_OUTCOMES.iter().enumerate() {
            assert!(AMOUNT_OUTCOMES.iter().skip(i + 1).all(|(b, _)| a != b), "{a} twice");
        }
    }

    #[test]
    fn card_number_convention_uses_digits_11_to_15() {
        let any = |_: &str| true;
        // Payline's documented example.
        assert_eq!(outcome_by_card_number("4970103469012066", any), Some("01206"));
        assert_eq!(outcome_by_card_number("4970101122334455", any), None);
        assert_eq!(outcome_by_card_number("497010346901206", any), None);
        assert_eq!(outcome_by_card_number("4970103469012066", |c| c != "01206"), None);
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
