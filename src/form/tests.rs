//! Host tests of the form state machine: when messages appear, brands, co-badge choice, CVV
//! rule, acceptance.
#![allow(clippy::expect_used)]

use card_core::{BinTable, YearMonth};

use super::*;

fn today() -> YearMonth {
    YearMonth::new(2026, 11).expect("valid month")
}

fn form() -> (Form, BinTable) {
    (Form::new(None, None), BinTable::default())
}

fn type_in(f: &mut Form, t: &BinTable, field: Field, value: &str) -> Changes {
    f.update(t, field, value, today())
}

#[test]
fn untouched_form_shows_nothing_and_is_incomplete() {
    let (f, _) = form();
    for field in Field::ALL {
        assert_eq!(
            f.view(field),
            FieldView {
                look: Look::Empty,
                message: None
            }
        );
        assert_eq!(f.problem(field), Some(Problem::Required));
    }
    assert!(!f.complete());
}

#[test]
fn incomplete_input_is_not_flagged_while_typing_but_is_after_blur() {
    let (mut f, t) = form();
    type_in(&mut f, &t, Field::Number, "4970 10");
    assert_eq!(
        f.view(Field::Number),
        FieldView {
            look: Look::PotentiallyValid,
            message: None
        }
    );
    f.blur(Field::Number);
    assert_eq!(
        f.view(Field::Number),
        FieldView {
            look: Look::Invalid,
            message: Some(Problem::Incomplete)
        }
    );
    type_in(&mut f, &t, Field::Number, "4970 1011 2233 4455");
    assert_eq!(
        f.view(Field::Number),
        FieldView {
            look: Look::Valid,
            message: None
        }
    );
}

#[test]
fn impossible_input_is_flagged_at_once() {
    let (mut f, t) = form();
    type_in(&mut f, &t, Field::Number, "4a");
    assert_eq!(f.view(Field::Number).message, Some(Problem::Invalid));
    type_in(&mut f, &t, Field::Expiry, "13");
    assert_eq!(f.view(Field::Expiry).message, Some(Problem::Invalid));
}

#[test]
fn sixteen_digit_visa_with_a_typo_is_invalid_once_left() {
    let (mut f, t) = form();
    type_in(&mut f, &t, Field::Number, "4111 1111 1111 1112");
    assert_eq!(
        f.view(Field::Number).message,
        None,
        "Visa also issues 19 digits"
    );
    f.blur(Field::Number);
    assert_eq!(f.view(Field::Number).message, Some(Problem::Invalid));
}

#[test]
fn empty_fields_are_flagged_only_on_submit() {
    let (mut f, _) = form();
    f.focus(Field::Holder);
    f.blur(Field::Holder);
    assert_eq!(
        f.view(Field::Holder).message,
        None,
        "tabbing through is not an error"
    );
    f.touch_all();
    for field in Field::ALL {
        assert_eq!(f.view(field).message, Some(Problem::Required), "{field:?}");
    }
}

#[test]
fn expiry_problems_are_specific() {
    let (mut f, t) = form();
    type_in(&mut f, &t, Field::Expiry, "10 / 26");
    assert_eq!(f.problem(Field::Expiry), Some(Problem::Expired));
    type_in(&mut f, &t, Field::Expiry, "12 / 49");
    assert_eq!(f.problem(Field::Expiry), Some(Problem::TooFarAhead));
    type_in(&mut f, &t, Field::Expiry, "11 / 26");
    assert_eq!(
        f.problem(Field::Expiry),
        None,
        "the current month is still valid"
    );
}

#[test]
fn co_badged_card_offers_a_choice_with_the_merchant_default() {
    let t = BinTable::default();
    let mut f = Form::new(None, Some("VISA".into()));
    let c = type_in(&mut f, &t, Field::Number, "4970 1011 2233 4455");
    assert!(c.brands);
    assert!(f.co_badged());
    let types: Vec<&str> = f.brands().iter().map(|b| b.payline_type.as_str()).collect();
    assert_eq!(types, ["CB", "VISA"]);
    assert_eq!(
        f.chosen_brand().map(|b| b.payline_type.as_str()),
        Some("VISA")
    );
    let c = f.choose_brand(&t, "CB");
    assert!(c.brands);
    assert_eq!(
        f.chosen_brand().map(|b| b.payline_type.as_str()),
        Some("CB")
    );
    assert!(
        !f.choose_brand(&t, "AMEX").brands,
        "not one of the card's brands"
    );
    assert_eq!(
        f.chosen_brand().map(|b| b.payline_type.as_str()),
        Some("CB")
    );
}

#[test]
fn without_a_default_the_co_badge_brand_comes_first() {
    let (mut f, t) = form();
    type_in(&mut f, &t, Field::Number, "4970101122334455");
    assert_eq!(
        f.chosen_brand().map(|b| b.payline_type.as_str()),
        Some("CB")
    );
}

#[test]
fn ambiguous_prefix_is_no_choice_and_no_brand() {
    let (mut f, t) = form();
    type_in(&mut f, &t, Field::Number, "2");
    assert!(f.brands().len() > 1);
    assert!(!f.co_badged());
    assert!(f.chosen_brand().is_none());
}

#[test]
fn brand_the_session_refuses_is_an_inline_error() {
    let t = BinTable::default();
    let mut f = Form::new(Some(vec!["CB".into(), "VISA".into()]), None);
    type_in(&mut f, &t, Field::Number, "3782 822463 10005");
    assert_eq!(
        f.view(Field::Number).message,
        Some(Problem::BrandNotAccepted)
    );
    // A co-badged card with one accepted brand: no choice, that brand.
    let mut f = Form::new(Some(vec!["CB".into()]), None);
    type_in(&mut f, &t, Field::Number, "4970101122334455");
    assert!(!f.co_badged());
    assert_eq!(
        f.chosen_brand().map(|b| b.payline_type.as_str()),
        Some("CB")
    );
    assert_eq!(f.problem(Field::Number), None);
}

#[test]
fn cvv_follows_the_brand() {
    let (mut f, t) = form();
    assert_eq!(f.cvv_max_length(), 4, "unknown brand: up to 4");
    let c = type_in(&mut f, &t, Field::Number, "3782 822463 10005");
    assert!(c.cvv_rule);
    assert_eq!(f.cvv_max_length(), 4);
    type_in(&mut f, &t, Field::Cvv, "123");
    assert_eq!(
        f.problem(Field::Cvv),
        Some(Problem::Incomplete),
        "Amex prints 4 digits"
    );
    type_in(&mut f, &t, Field::Number, "4970 1011 2233 4455");
    assert_eq!(f.cvv_max_length(), 3);
    type_in(&mut f, &t, Field::Cvv, "123");
    assert_eq!(f.problem(Field::Cvv), None);
}

#[test]
fn number_max_length_follows_the_brand() {
    let (mut f, t) = form();
    assert_eq!(
        f.number_max_chars(),
        None,
        "unknown: no limit, so a paste is not cut"
    );
    type_in(&mut f, &t, Field::Number, "5130");
    assert_eq!(
        f.number_max_chars(),
        Some(19),
        "Mastercard: 16 digits and 3 spaces"
    );
    type_in(&mut f, &t, Field::Number, "3782");
    assert_eq!(f.number_max_chars(), Some(17), "Amex: 15 digits, 4-6-5");
}

#[test]
fn optional_cvv_may_stay_empty() {
    let (mut f, t) = form();
    // Maestro: Payline omits cardCvx.
    type_in(&mut f, &t, Field::Number, "6759 6498 2643 8453");
    assert!(!f.cvv_required());
    type_in(&mut f, &t, Field::Cvv, "");
    assert_eq!(f.problem(Field::Cvv), None);
}

#[test]
fn complete_form_and_reset() {
    let (mut f, t) = form();
    type_in(&mut f, &t, Field::Number, "4970 1071 1111 1119");
    type_in(&mut f, &t, Field::Expiry, "12 / 34");
    type_in(&mut f, &t, Field::Cvv, "123");
    type_in(&mut f, &t, Field::Holder, "Jeanne Martin");
    assert!(f.complete());
    assert_eq!(
        f.number_max_chars(),
        Some(23),
        "co-badged with Visa: 19 digits and 4 spaces"
    );
    f.reset();
    assert!(!f.complete());
    assert!(f.brands().is_empty());
}

#[test]
fn hostile_input_never_panics() {
    let (mut f, t) = form();
    for s in [
        "",
        " ",
        "\u{0}",
        "٤٩٧٠",
        "4".repeat(10_000).as_str(),
        "🙂",
        "\u{202e}12/34",
    ] {
        for field in Field::ALL {
            type_in(&mut f, &t, field, s);
            let _ = f.view(field);
            f.blur(field);
        }
    }
}
