//! Card number validation and brand detection, table-driven.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)] // a failing test panics

use card_core::{
    BinTable, CardNumber, NumberError, check_number, detect_brands, luhn_check_digit, luhn_valid,
};

/// `payload` followed by its Luhn check digit.
fn with_check_digit(payload: &str) -> String {
    let d = luhn_check_digit(payload).unwrap_or_else(|| panic!("bad payload {payload}"));
    format!("{payload}{d}")
}

fn ids(input: &str) -> Vec<String> {
    let table = BinTable::default();
    check_number(&table, input)
        .brands
        .iter()
        .map(|b| b.id().to_owned())
        .collect()
}

#[test]
fn luhn_known_vectors() {
    for ok in [
        "4970101122334455",
        "4111111111111111",
        "378282246310005",
        "79927398713",
        "0",
    ] {
        assert!(luhn_valid(ok), "{ok}");
    }
    for bad in [
        "4970101122334456",
        "79927398710",
        "",
        "4111 1111 1111 1111",
        "4242a4242424242",
        "４１１１",
    ] {
        assert!(!luhn_valid(bad), "{bad:?}");
    }
    // Payline's card-number result simulation example recomputes the last digit.
    assert_eq!(luhn_check_digit("497010346901206"), Some(6));
    assert_eq!(luhn_check_digit("7992739871"), Some(3));
    assert_eq!(luhn_check_digit(""), None);
    assert_eq!(luhn_check_digit("12a"), None);
}

#[test]
fn accepts_test_numbers_of_every_brand() {
    let generated_19_visa = with_check_digit("400000000000000000");
    let generated_mc_2720 = with_check_digit("272099000000000");
    let generated_maestro_12 = with_check_digit("50000000000");
    let generated_mir = with_check_digit("220138200000001");
    let generated_elo = with_check_digit("401178000000000");
    let generated_hipercard = with_check_digit("384100111122223");
    let generated_unionpay_81 = with_check_digit("817199992766000");
    let cases: Vec<(&str, &[&str])> = vec![
        ("4111 1111 1111 1111", &["visa"]),
        ("4012888888881881", &["visa"]),
        (&generated_19_visa, &["visa"]),
        ("5555 5555 5555 4444", &["mastercard"]),
        ("5105105105105100", &["mastercard"]),
        ("2223003122003222", &["mastercard"]),
        (&generated_mc_2720, &["mastercard"]),
        ("3782 822463 10005", &["amex"]),
        ("371449635398431", &["amex"]),
        ("375989111111119", &["amex"]),
        ("4970101122334455", &["cb", "visa"]),
        ("4970100000000154", &["cb", "visa"]),
        ("4970102121041646", &["cb", "visa"]),
        ("4970107111111119", &["cb", "visa"]),
        ("4970105181818183", &["cb", "visa"]),
        ("4970103469012066", &["cb", "visa"]),
        ("6759649826438453", &["maestro"]),
        (&generated_maestro_12, &["maestro"]),
        ("6011111111111117", &["discover"]),
        ("6011000990139424", &["discover"]),
        ("30569309025904", &["diners"]),
        ("38520000023237", &["diners"]),
        ("3530111333300000", &["jcb"]),
        ("3566002020360505", &["jcb"]),
        ("6200000000000005", &["unionpay"]),
        (&generated_unionpay_81, &["unionpay"]),
        (&generated_mir, &["mir"]),
        ("6362970000457013", &["elo"]),
        (&generated_elo, &["elo"]),
        ("6062826786276634", &["hipercard"]),
        (&generated_hipercard, &["hipercard"]),
    ];
    let table = BinTable::default();
    for (pan, brands) in cases {
        let check = check_number(&table, pan);
        assert!(check.validity.valid, "{pan} should be valid: {check:?}");
        assert!(check.validity.potentially_valid, "{pan}");
        assert_eq!(ids(pan), brands, "{pan}");
        assert!(CardNumber::parse(&table, pan).is_ok(), "{pan}");
    }
}

#[test]
fn brand_rules_reach_the_result() {
    let table = BinTable::default();
    let amex = check_number(&table, "3782");
    assert_eq!(
        (amex.gaps, amex.lengths.as_slice(), amex.cvv_length),
        (&[4u8, 10][..], &[15u8][..], 4)
    );
    let diners = check_number(&table, "3622");
    assert_eq!(diners.gaps, &[4, 10]);
    assert!(
        !diners.cvv_required,
        "Payline's samples send no CVV for Diners"
    );
    let maestro = check_number(&table, "6759");
    assert!(!maestro.cvv_required);
    let cb = check_number(&table, "497010");
    assert_eq!(
        cb.brands
            .iter()
            .map(|b| b.payline_type())
            .collect::<Vec<_>>(),
        ["CB", "VISA"]
    );
    assert!(cb.cvv_required);
}

/// (input, valid, potentially valid, brand ids): the edge cases the README explains.
#[test]
fn edge_cases() {
    let visa_16_bad_luhn = "4111 1111 1111 1112";
    let visa_19 = with_check_digit("411111111111111111");
    let cases: &[(&str, bool, bool, &[&str])] = &[
        // Nothing typed: not valid, not an error yet, no brand.
        ("", false, true, &[]),
        ("   ", false, true, &[]),
        // Partial numbers.
        ("4", false, true, &["visa"]),
        ("4111 1111", false, true, &["visa"]),
        // A prefix shared by several brands: all listed in table order, no lead brand yet.
        ("2", false, true, &["mastercard", "jcb", "mir"]),
        ("3", false, true, &["amex", "diners", "jcb", "hipercard"]),
        ("22", false, true, &["mastercard", "mir"]),
        ("222", false, true, &["mastercard"]),
        // A complete prefix wins over longer ones that might still match: Visa until Elo's
        // six digits are typed; CB appears once its range is complete.
        ("4011", false, true, &["visa"]),
        ("401178", false, true, &["elo"]),
        ("49701", false, true, &["visa"]),
        ("497010", false, true, &["cb", "visa"]),
        // A prefix that no brand has: invalid at once (we could not send a Payline card.type).
        ("9", false, false, &[]),
        ("7", false, false, &[]),
        ("1", false, true, &["jcb"]), // JCB's 1800
        ("19", false, false, &[]),
        ("0000", false, false, &[]),
        // A complete number of an unknown brand.
        ("9999 9999 9999 9995", false, false, &[]),
        // 16-digit Visa failing Luhn: Visa also issues 19 digits, so it stays potentially valid.
        (visa_16_bad_luhn, false, true, &["visa"]),
        // Mastercard is 16 digits only: a Luhn failure at 16 is final.
        ("5555 5555 5555 4445", false, false, &["mastercard"]),
        ("5555 5555 5555 44444", false, false, &["mastercard"]),
        // Amex at 15 failing Luhn.
        ("378282246310006", false, false, &["amex"]),
        // Too short but on its way.
        ("3782 8224 6310 00", false, true, &["amex"]),
        // 17 and 18 digits of Visa: 18 is a Visa length, 17 is not.
        ("41111111111111111", false, true, &["visa"]),
        // 19-digit Visa.
        (&visa_19, true, true, &["visa"]),
        // Over 19 digits.
        ("4111 1111 1111 1111 1111", false, false, &[]),
        // UnionPay has no Luhn digit: a number failing Luhn is still valid.
        ("6212345678900000", true, true, &["unionpay"]),
        // Separators: spaces and dashes anywhere.
        ("4111-1111-1111-1111", true, true, &["visa"]),
        (" 4111 1111 1111 1111 ", true, true, &["visa"]),
        ("4111--1111  1111-1111", true, true, &["visa"]),
    ];
    let table = BinTable::default();
    for &(input, valid, potentially_valid, brands) in cases {
        let check = check_number(&table, input);
        assert_eq!(
            (check.validity.valid, check.validity.potentially_valid),
            (valid, potentially_valid),
            "{input:?}: {check:?}"
        );
        assert_eq!(ids(input), brands, "{input:?}");
    }
    assert!(!luhn_valid("6212345678900000"));
}

#[test]
fn rejects_anything_but_digits_spaces_and_dashes() {
    let table = BinTable::default();
    let long_digits = "4".repeat(10_000);
    let long_letters = "a".repeat(10_000);
    let hostile = [
        "4242a4242 4242 4242",
        "4111 1111 1111 111l",
        "４１１１ １１１１ １１１１ １１１１", // full-width digits
        "٤١١١١١١١١١١١١١١١",                    // Arabic-Indic digits
        "4111\t1111 1111 1111",
        "4111\n1111 1111 1111",
        "4111 1111 1111 1111\r",
        "4111\u{0}1111 1111 1111",
        "4111\u{a0}1111 1111 1111", // no-break space
        "4111.1111.1111.1111",
        "4111/1111/1111/1111",
        "+4111111111111111",
        "4111\u{200b}111111111111", // zero-width space
        "4111\u{202e}111111111111", // right-to-left override
        "😀",
        &long_digits,
        &long_letters,
    ];
    for input in hostile {
        let check = check_number(&table, input);
        assert!(
            !check.validity.valid && !check.validity.potentially_valid,
            "{:?}",
            input.get(..40)
        );
        assert!(check.brands.is_empty());
        assert!(CardNumber::parse(&table, input).is_err());
    }
}

#[test]
fn card_number_parse_errors_are_typed() {
    let table = BinTable::default();
    let cases = [
        ("", NumberError::Empty),
        ("  - ", NumberError::Empty),
        ("4111a", NumberError::InvalidCharacter),
        ("41111111111111111111", NumberError::TooLong),
        ("9999999999999995", NumberError::UnknownBrand),
        ("411111111111111", NumberError::WrongLength),
        ("4111111111111112", NumberError::LuhnMismatch),
        // A partial prefix has no lead brand.
        ("2", NumberError::UnknownBrand),
    ];
    for (input, error) in cases {
        assert_eq!(
            CardNumber::parse(&table, input).err(),
            Some(error),
            "{input:?}"
        );
        // Error texts never carry digits.
        assert!(
            !error
                .to_string()
                .chars()
                .any(|c| c.is_ascii_digit() && c != '1' && c != '9'),
            "{error}"
        );
    }
}

#[test]
fn detect_brands_takes_bare_digits_only() {
    let table = BinTable::default();
    let names = |d: &str| {
        detect_brands(&table, d)
            .iter()
            .map(|b| b.id().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(names("4970101122334455"), ["cb", "visa"]);
    assert_eq!(names("5555555555554444"), ["mastercard"]);
    assert!(names("4970 1011").is_empty(), "spaces are not digits here");
    assert!(names("").is_empty());
    assert!(names("41111111111111111111").is_empty());
}
