//! CVV and cardholder name checks.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)] // a failing test panics

use card_core::{
    BinTable, Cvv, CvvError, CvvRule, Validity, check_cvv, check_holder, holder_for_authorization,
    normalize_holder,
};

fn rule(brand: &str) -> CvvRule {
    let table = BinTable::default();
    table
        .brand(brand)
        .map_or_else(|| panic!("no brand {brand}"), CvvRule::for_brand)
}

#[test]
fn cvv_table() {
    let any = CvvRule::unknown_brand();
    let cases: &[(&str, CvvRule, Validity)] = &[
        ("123", any, Validity::VALID),
        ("1234", any, Validity::VALID),
        ("000", any, Validity::VALID),
        ("12", any, Validity::INCOMPLETE),
        ("", any, Validity::INCOMPLETE),
        ("12345", any, Validity::INVALID),
        ("12a", any, Validity::INVALID),
        ("1 23", any, Validity::INVALID),
        (" 123", any, Validity::INVALID),
        ("１２３", any, Validity::INVALID),
        ("12\u{0}", any, Validity::INVALID),
        ("123", rule("amex"), Validity::INCOMPLETE),
        ("1234", rule("amex"), Validity::VALID),
        ("1234", rule("visa"), Validity::INVALID),
        ("012", rule("cb"), Validity::VALID),
        ("", rule("visa"), Validity::INCOMPLETE),
        // Brands Payline sends without CVV: empty is fine, a given CVV must still be right.
        ("", rule("maestro"), Validity::VALID),
        ("", rule("diners"), Validity::VALID),
        ("", rule("jcb"), Validity::VALID),
        ("12", rule("maestro"), Validity::INCOMPLETE),
        ("123", rule("maestro"), Validity::VALID),
    ];
    for (input, rule, expected) in cases {
        assert_eq!(check_cvv(input, *rule), *expected, "{input:?} {rule:?}");
    }
    let long = "1".repeat(10_000);
    assert_eq!(check_cvv(&long, any), Validity::INVALID);
}

#[test]
fn cvv_parse() {
    assert_eq!(
        Cvv::parse("0123", rule("amex")).map(|c| c.peek().to_owned()),
        Ok("0123".to_owned())
    );
    assert_eq!(Cvv::parse("", rule("maestro")).err(), Some(CvvError::Empty));
    assert_eq!(
        Cvv::parse("12a", rule("visa")).err(),
        Some(CvvError::NotDigits)
    );
    assert_eq!(
        Cvv::parse("1234", rule("visa")).err(),
        Some(CvvError::WrongLength)
    );
    assert!(!rule("jcb").required());
    assert!(rule("visa").required());
}

#[test]
fn holder_table() {
    let exactly_45 = format!("{} {}", "A".repeat(22), "B".repeat(22));
    let over_45 = format!("{} {}", "A".repeat(22), "B".repeat(23));
    // Astral-plane letters count two UTF-16 units each, as in Java and JavaScript.
    let astral_45 = format!("{}{}", "𠀀".repeat(22), "A");
    let astral_46 = "𠀀".repeat(23);
    let cases: &[(&str, Validity)] = &[
        ("Jean Dupont", Validity::VALID),
        ("  Jean Dupont  ", Validity::VALID),
        ("Zoë O'Brien-Dupont", Validity::VALID),
        ("Zoë O’Brien", Validity::VALID),
        ("J. R. R. Tolkien", Validity::VALID),
        ("Jo", Validity::VALID),
        ("李小龍", Validity::VALID),
        ("Δημήτρης Παπαδόπουλος", Validity::VALID),
        ("Иван Петров", Validity::VALID),
        ("Rene\u{301}e Dupont", Validity::VALID), // decomposed accent
        (&exactly_45, Validity::VALID),
        (&astral_45, Validity::VALID),
        (&astral_46, Validity::INVALID),
        ("", Validity::INCOMPLETE),
        ("   ", Validity::INCOMPLETE),
        ("J", Validity::INCOMPLETE),
        (".", Validity::INCOMPLETE),
        ("- '", Validity::INCOMPLETE),
        (&over_45, Validity::INVALID),
        ("Jean2 Dupont", Validity::INVALID),
        ("4970 1011 2233 4455", Validity::INVALID),
        ("Jean\tDupont", Validity::INVALID),
        ("Jean\u{0}", Validity::INVALID),
        ("Jean\u{202e}Dupont", Validity::INVALID),
        ("<script>", Validity::INVALID),
        ("Jean 😀", Validity::INVALID),
        ("Jean_Dupont", Validity::INVALID),
        ("Jean, Dupont", Validity::INVALID),
    ];
    for (input, expected) in cases {
        assert_eq!(check_holder(input), *expected, "{input:?}");
    }
    assert_eq!(check_holder(&"a".repeat(10_000)), Validity::INVALID);
    assert_eq!(check_holder(&" ".repeat(10_000)), Validity::INVALID);
}

#[test]
fn holder_is_cut_for_authorization_at_a_word_boundary() {
    let cases = [
        ("Jean Dupont", "Jean Dupont"),
        ("  Jean   Dupont ", "Jean Dupont"),
        (
            "Maria Fernanda Rodriguez de la Cruz",
            "Maria Fernanda Rodriguez de la",
        ),
        (
            "Maria Fernanda Rodriguez Delacruz",
            "Maria Fernanda Rodriguez",
        ),
        // Exactly 30 stays whole.
        (
            "Abcdefghij Abcdefghij Abcdefgh",
            "Abcdefghij Abcdefghij Abcdefgh",
        ),
        // One word longer than 30 is cut at 30.
        (
            "Abcdefghijklmnopqrstuvwxyzabcdefghij",
            "Abcdefghijklmnopqrstuvwxyzabcd",
        ),
    ];
    for (input, expected) in cases {
        let cut = holder_for_authorization(input);
        assert_eq!(cut, expected, "{input:?}");
        assert!(cut.encode_utf16().count() <= 30);
    }
    // Never splits a surrogate pair.
    let astral = "𠀀".repeat(20);
    let cut = holder_for_authorization(&astral);
    assert_eq!(cut.encode_utf16().count(), 30);
    assert_eq!(normalize_holder(" a \u{a0} b "), "a b");
    assert_eq!(normalize_holder(""), "");
    assert_eq!(normalize_holder(" \t\n "), "");
    assert_eq!(normalize_holder("Jean"), "Jean");
    assert_eq!(
        normalize_holder("\tJean \n  Dupont-Durand\r\n"),
        "Jean Dupont-Durand"
    );
}
