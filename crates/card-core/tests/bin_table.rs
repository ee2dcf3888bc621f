//! Run-time BIN table changes: extend, replace, and typed errors that change nothing.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)] // a failing test panics

use card_core::{BinTable, BinTableError, BrandSpec, PrefixRange, TableMode, check_number};

fn spec(id: &str) -> BrandSpec {
    BrandSpec {
        id: id.to_owned(),
        ..BrandSpec::default()
    }
}

fn ids(table: &BinTable, input: &str) -> Vec<String> {
    check_number(table, input)
        .brands
        .iter()
        .map(|b| b.id().to_owned())
        .collect()
}

#[test]
fn builtin_table_has_the_twelve_brands() {
    let table = BinTable::default();
    let ids: Vec<&str> = table.brands().iter().map(|b| b.id()).collect();
    assert_eq!(
        ids,
        [
            "visa",
            "mastercard",
            "amex",
            "cb",
            "maestro",
            "discover",
            "diners",
            "jcb",
            "unionpay",
            "mir",
            "elo",
            "hipercard"
        ]
    );
    let types: Vec<&str> = table.brands().iter().map(|b| b.payline_type()).collect();
    assert_eq!(
        types,
        [
            "VISA",
            "MASTERCARD",
            "AMEX",
            "CB",
            "MAESTRO",
            "DISCOVER",
            "DINERS",
            "JCB",
            "CUP",
            "MIR",
            "ELO",
            "HIPERCARD"
        ]
    );
    // Rebuilding it through the checked path gives the same table.
    let specs: Vec<BrandSpec> = table
        .brands()
        .iter()
        .map(|b| BrandSpec {
            id: b.id().to_owned(),
            name: Some(b.name().to_owned()),
            payline_type: Some(b.payline_type().to_owned()),
            ranges: b.ranges().iter().map(ToString::to_string).collect(),
            lengths: Some(b.lengths().to_vec()),
            gaps: Some(b.gaps().to_vec()),
            cvv_length: Some(b.cvv_length()),
            cvv_required: Some(b.cvv_required()),
            luhn: Some(b.luhn()),
            co_badge: Some(b.co_badge()),
        })
        .collect();
    assert_eq!(BinTable::from_specs(&specs), Ok(table.clone()));
    assert_eq!(
        table.brand_by_payline_type("CB").map(|b| b.id()),
        Some("cb")
    );
    assert_eq!(table.brand("elo").map(|b| b.ranges().len()), Some(25));
}

#[test]
fn prefix_ranges_parse_strictly() {
    for ok in ["4", "497010", "2221-2720", "00000000", "1-9"] {
        assert!(PrefixRange::parse(ok).is_some(), "{ok}");
    }
    for bad in [
        "",
        "-",
        "4-",
        "-4",
        "49x",
        "2720-2221",
        "22-2720",
        "123456789",
        "4 ",
        "４",
        "1-2-3",
        "+4",
    ] {
        assert!(PrefixRange::parse(bad).is_none(), "{bad:?}");
    }
    assert_eq!(
        PrefixRange::parse("0400-0499")
            .map(|r| r.to_string())
            .as_deref(),
        Some("0400-0499")
    );
}

#[test]
fn extend_adds_cb_ranges_to_the_existing_brand() {
    let table = BinTable::default();
    assert_eq!(ids(&table, "4137 8900 0000 0000"), ["visa"]);
    let update = [BrandSpec {
        ranges: vec!["413789".to_owned(), "5131-5132".to_owned()],
        ..spec("cb")
    }];
    let extended = table
        .apply(&update, TableMode::Extend)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ids(&extended, "4137 89"), ["cb", "visa"]);
    assert_eq!(ids(&extended, "5131 00"), ["cb", "mastercard"]);
    assert_eq!(
        ids(&extended, "4970 10"),
        ["cb", "visa"],
        "built-in range kept"
    );
    assert_eq!(
        ids(&table, "4137 89"),
        ["visa"],
        "the original is untouched"
    );
}

#[test]
fn extend_adds_a_new_brand_and_overrides_fields() {
    let table = BinTable::default();
    let new_brand = BrandSpec {
        name: Some("Bancontact".to_owned()),
        payline_type: Some("BCMC".to_owned()),
        ranges: vec!["6703".to_owned()],
        lengths: Some(vec![16, 17, 18, 19]),
        cvv_length: Some(3),
        cvv_required: Some(false),
        ..spec("bcmc")
    };
    let visa_no_19 = BrandSpec {
        lengths: Some(vec![16]),
        ..spec("visa")
    };
    let t = table
        .apply(&[new_brand, visa_no_19], TableMode::Extend)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        ids(&t, "6703 0000"),
        ["bcmc"],
        "longest prefix beats Maestro's 67"
    );
    let bcmc = t.brand("bcmc").unwrap_or_else(|| panic!("added"));
    assert_eq!(
        (bcmc.gaps(), bcmc.luhn(), bcmc.co_badge()),
        (&[4u8, 8, 12, 16][..], true, false),
        "defaults"
    );
    assert!(
        !check_number(&t, "4111 1111 1111 1112")
            .validity
            .potentially_valid,
        "Visa is now 16 only"
    );
}

#[test]
fn replace_uses_only_the_given_brands() {
    let only_visa = BrandSpec {
        name: Some("Visa".to_owned()),
        payline_type: Some("VISA".to_owned()),
        ranges: vec!["4".to_owned()],
        lengths: Some(vec![16]),
        cvv_length: Some(3),
        ..spec("visa")
    };
    let t = BinTable::default()
        .apply(&[only_visa], TableMode::Replace)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(t.brands().len(), 1);
    assert_eq!(ids(&t, "4970 10"), ["visa"]);
    assert!(ids(&t, "5555").is_empty());
}

#[test]
fn bad_tables_are_typed_errors() {
    let table = BinTable::default();
    let full = |id: &str| BrandSpec {
        name: Some("X".to_owned()),
        payline_type: Some("X".to_owned()),
        ranges: vec!["9".to_owned()],
        lengths: Some(vec![16]),
        cvv_length: Some(3),
        ..spec(id)
    };
    let cases: Vec<(Vec<BrandSpec>, TableMode, &str)> = vec![
        (vec![], TableMode::Replace, "empty_table"),
        (vec![spec("")], TableMode::Extend, "invalid_brand_id"),
        (vec![spec("Visa")], TableMode::Extend, "invalid_brand_id"),
        (
            vec![spec(&"x".repeat(33))],
            TableMode::Extend,
            "invalid_brand_id",
        ),
        (
            vec![full("x"), full("x")],
            TableMode::Extend,
            "duplicate_brand",
        ),
        (
            vec![full("x"), full("x")],
            TableMode::Replace,
            "duplicate_brand",
        ),
        (
            vec![BrandSpec {
                name: None,
                ..full("x")
            }],
            TableMode::Extend,
            "missing_field",
        ),
        (
            vec![BrandSpec {
                ranges: vec![],
                ..full("x")
            }],
            TableMode::Extend,
            "missing_field",
        ),
        (vec![spec("visa")], TableMode::Replace, "missing_field"),
        (
            vec![BrandSpec {
                ranges: vec!["49x".to_owned()],
                ..spec("cb")
            }],
            TableMode::Extend,
            "invalid_range",
        ),
        (
            vec![BrandSpec {
                ranges: vec!["2720-2221".to_owned()],
                ..spec("cb")
            }],
            TableMode::Extend,
            "invalid_range",
        ),
        (
            vec![BrandSpec {
                lengths: Some(vec![]),
                ..spec("visa")
            }],
            TableMode::Extend,
            "invalid_lengths",
        ),
        (
            vec![BrandSpec {
                lengths: Some(vec![20]),
                ..spec("visa")
            }],
            TableMode::Extend,
            "invalid_lengths",
        ),
        (
            vec![BrandSpec {
                lengths: Some(vec![11]),
                ..spec("visa")
            }],
            TableMode::Extend,
            "invalid_lengths",
        ),
        (
            vec![BrandSpec {
                gaps: Some(vec![8, 4]),
                ..spec("visa")
            }],
            TableMode::Extend,
            "invalid_gaps",
        ),
        (
            vec![BrandSpec {
                gaps: Some(vec![0]),
                ..spec("visa")
            }],
            TableMode::Extend,
            "invalid_gaps",
        ),
        (
            vec![BrandSpec {
                cvv_length: Some(5),
                ..spec("visa")
            }],
            TableMode::Extend,
            "invalid_cvv_length",
        ),
        (
            vec![BrandSpec {
                name: Some(String::new()),
                ..spec("visa")
            }],
            TableMode::Extend,
            "invalid_text",
        ),
        (
            vec![BrandSpec {
                name: Some("a\u{0}b".to_owned()),
                ..spec("visa")
            }],
            TableMode::Extend,
            "invalid_text",
        ),
        (
            vec![BrandSpec {
                payline_type: Some("visa".to_owned()),
                ..spec("visa")
            }],
            TableMode::Extend,
            "invalid_text",
        ),
        (
            (0..70).map(|i| full(&format!("b{i}"))).collect(),
            TableMode::Replace,
            "too_large",
        ),
        (
            vec![BrandSpec {
                ranges: vec!["9".to_owned(); 2000],
                ..spec("cb")
            }],
            TableMode::Extend,
            "too_large",
        ),
    ];
    for (specs, mode, code) in cases {
        let err = table
            .apply(&specs, mode)
            .err()
            .unwrap_or(BinTableError::EmptyTable);
        assert_eq!(err.code(), code, "{err}");
        assert!(!err.to_string().is_empty());
    }
    assert_eq!(table, BinTable::default());
}
