//! Card numbers and CVVs never show their digits in `Debug`, errors or masked forms.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)] // a failing test panics

use card_core::{BinTable, CardNumber, Cvv, CvvRule, NumberError};

#[test]
fn card_number_debug_shows_last_four_only() {
    let table = BinTable::default();
    let pan = CardNumber::parse(&table, "4970 1011 2233 4455").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(format!("{pan:?}"), "CardNumber(****4455)");
    assert_eq!(format!("{pan:#?}"), "CardNumber(****4455)");
    let wrapped = Some(&pan);
    assert!(!format!("{wrapped:?}").contains("49701011"));
    assert_eq!(pan.peek(), "4970101122334455");
    assert_eq!(pan.bin(), "497010");
    assert_eq!(pan.last4(), "4455");
    assert_eq!(pan.masked(), "497010XXXXXX4455");
    let amex = CardNumber::parse(&table, "375989111111119").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(amex.masked(), "375989XXXXX1119");
}

#[test]
fn cvv_debug_is_masked_and_keeps_leading_zeros() {
    let cvv = Cvv::parse("012", CvvRule::unknown_brand()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(format!("{cvv:?}"), "Cvv(***)");
    assert_eq!(cvv.peek(), "012");
    let holder = (cvv, "visible");
    assert_eq!(format!("{holder:?}"), "(Cvv(***), \"visible\")");
}

#[test]
fn errors_do_not_echo_input() {
    let table = BinTable::default();
    for input in ["4111111111111112", "4970a01122334455", "411111111111111"] {
        let err = CardNumber::parse(&table, input)
            .err()
            .unwrap_or(NumberError::Empty);
        let text = format!("{err} {err:?}");
        assert!(!text.contains("4111") && !text.contains("4970"), "{text}");
    }
    let err = Cvv::parse("12345", CvvRule::unknown_brand()).err();
    assert!(!format!("{err:?}").contains("12345"));
}
