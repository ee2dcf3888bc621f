//! No input makes the core panic, and the two flags stay consistent.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)] // a failing test panics

use card_core::{
    BinTable, CardNumber, Cvv, CvvRule, Edit, ExpiryDate, YearMonth, check_cvv, check_expiry,
    check_holder, check_number, detect_brands, format_expiry, format_number, parse_expiry,
};
use proptest::prelude::*;

fn today() -> YearMonth {
    YearMonth::new(2026, 11).unwrap_or_else(|| unreachable!())
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        Just(Edit::Unknown),
        Just(Edit::Insert),
        Just(Edit::DeleteBackward),
        Just(Edit::DeleteForward),
        Just(Edit::Delete)
    ]
}

/// Strings biased towards what the fields see, plus anything.
fn field_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9 /-]{0,30}",
        "[0-9]{0,24}",
        "[0-9a-z /\\-\u{0}\t\u{a0}０-９٠-٩😀é\u{301}\u{202e}]{0,40}",
        any::<String>(),
    ]
}

fn exercise(text: &str, caret: Option<u32>, edit: Edit) {
    let table = BinTable::default();
    let n = check_number(&table, text);
    assert!(!n.validity.valid || n.validity.potentially_valid);
    let e = check_expiry(text, today());
    assert!(!e.validity.valid || e.validity.potentially_valid);
    assert_eq!(e.date.is_some(), e.validity.valid);
    let _ = parse_expiry(text, today());
    let _ = ExpiryDate::parse_payline_mmyy(text);
    let c = check_cvv(text, CvvRule::unknown_brand());
    assert!(!c.valid || c.potentially_valid);
    let h = check_holder(text);
    assert!(!h.valid || h.potentially_valid);
    let _ = detect_brands(&table, text);
    let _ = CardNumber::parse(&table, text);
    let _ = Cvv::parse(text, CvvRule::unknown_brand());

    let f = format_number(&table, text, caret, edit);
    assert!(f.value.bytes().all(|b| b.is_ascii_digit() || b == b' '));
    assert!(f.value.bytes().filter(u8::is_ascii_digit).count() <= 19);
    assert!(usize::try_from(f.caret).unwrap_or(usize::MAX) <= f.value.len());
    // Formatting is idempotent (for the same kind of edit) and keeps the number's validity.
    let again = format_number(&table, &f.value, None, edit);
    assert_eq!(again.value, f.value);
    let digits: String = f.value.chars().filter(char::is_ascii_digit).collect();
    assert_eq!(
        check_number(&table, &f.value).validity,
        check_number(&table, &digits).validity
    );

    let x = format_expiry(text, caret, edit);
    assert!(x.value.len() <= 8, "{:?}", x.value); // `MM / 20Y` while a 4-digit year is typed
    assert!(
        x.value
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b' ' || b == b'/')
    );
    assert!(usize::try_from(x.caret).unwrap_or(usize::MAX) <= x.value.len());
    let again = format_expiry(&x.value, None, edit).value;
    if edit == Edit::Unknown {
        // Without the edit kind, `MM /` is read as a Backspace on the separator (→ `MM`) and
        // `MM` as typing (→ `MM / `): the only instability allowed is that separator.
        assert!(
            again == x.value || again == format!("{} / ", x.value),
            "{text:?} {caret:?}: {again:?}"
        );
    } else {
        assert_eq!(again, x.value, "{text:?} {caret:?} {edit:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_and_flags_are_consistent(text in field_text(), caret in proptest::option::of(0u32..64), edit in edit()) {
        exercise(&text, caret, edit);
    }
}

#[test]
fn huge_and_odd_inputs() {
    let inputs = [
        String::new(),
        "4".repeat(10_000),
        "4111 ".repeat(2_000),
        "a".repeat(10_000),
        "😀".repeat(10_000),
        "\u{0}".repeat(10_000),
        " ".repeat(10_000),
        "/".repeat(10_000),
        "-".repeat(10_000),
        "12/".repeat(3_000),
        "\u{301}".repeat(10_000),
        "\u{feff}4111111111111111".to_owned(),
    ];
    for text in &inputs {
        for caret in [None, Some(0), Some(1), Some(5_000), Some(u32::MAX)] {
            for edit in [
                Edit::Unknown,
                Edit::Insert,
                Edit::DeleteBackward,
                Edit::DeleteForward,
            ] {
                exercise(text, caret, edit);
            }
        }
    }
}
