//! Expiry parsing against a fixed `today` (no clock in the core).
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)] // a failing test panics

use card_core::{ExpiryDate, ExpiryError, YearMonth, check_expiry, parse_expiry};

fn ym(year: u16, month: u8) -> YearMonth {
    YearMonth::new(year, month).unwrap_or_else(|| panic!("bad month {year}-{month}"))
}

/// (input, valid, potentially valid, Payline MMYY when valid), with today = November 2026.
#[test]
fn expiry_table() {
    let today = ym(2026, 11);
    let cases: &[(&str, bool, bool, Option<&str>)] = &[
        // Accepted shapes.
        ("12/28", true, true, Some("1228")),
        ("12 / 28", true, true, Some("1228")),
        ("12/2028", true, true, Some("1228")),
        ("12 / 2028", true, true, Some("1228")),
        ("1228", true, true, Some("1228")),
        ("122028", true, true, Some("1228")),
        ("2/28", true, true, Some("0228")),
        ("2 / 28", true, true, Some("0228")),
        (" 12/28 ", true, true, Some("1228")),
        // Current month is still valid; the previous one is not.
        ("11/26", true, true, Some("1126")),
        ("10/26", false, false, None),
        ("10/2026", false, false, None),
        // 20 years ahead to the month, and one month more.
        ("11/46", true, true, Some("1146")),
        ("12/46", false, false, None),
        ("11/2046", true, true, Some("1146")),
        // Typing in progress.
        ("", false, true, None),
        ("0", false, true, None),
        ("1", false, true, None),
        ("2", false, true, None),
        ("9", false, true, None),
        ("12", false, true, None),
        ("12/", false, true, None),
        ("12 / ", false, true, None),
        ("12/2", false, true, None),
        ("122", false, true, None),
        // "20" as YY is past, but it may be the start of 2030.
        ("12/20", false, true, None),
        ("12/202", false, true, None),
        ("12/203", false, true, None),
        // Could never become valid.
        ("12/19", false, false, None),
        ("12/1", false, false, None),
        ("12/2025", false, false, None),
        ("12/207", false, false, None),
        ("13", false, false, None),
        ("00", false, false, None),
        ("0/28", false, false, None),
        ("13/28", false, false, None),
        ("/28", false, false, None),
        ("12/28/", false, false, None),
        ("12/28/1", false, false, None),
        ("12-28", false, false, None),
        ("12 28", false, false, None),
        ("ab/cd", false, false, None),
        ("１２/２８", false, false, None),
        ("12/280", false, false, None),
        ("12/20288", false, false, None),
        ("123/28", false, false, None),
        ("12\t/28", false, false, None),
    ];
    for &(input, valid, potentially_valid, payline) in cases {
        let check = check_expiry(input, today);
        assert_eq!(
            (check.validity.valid, check.validity.potentially_valid),
            (valid, potentially_valid),
            "{input:?}: {check:?}"
        );
        assert_eq!(
            check.date.map(ExpiryDate::payline_mmyy).as_deref(),
            payline,
            "{input:?}"
        );
    }
}

#[test]
fn december_and_january_boundaries() {
    assert!(check_expiry("12/26", ym(2026, 12)).validity.valid);
    assert!(
        !check_expiry("11/26", ym(2026, 12))
            .validity
            .potentially_valid
    );
    assert!(check_expiry("01/27", ym(2026, 12)).validity.valid);
    assert!(check_expiry("12/46", ym(2026, 12)).validity.valid);
    assert!(!check_expiry("01/47", ym(2026, 12)).validity.valid);
    // Century window: in 2095, "05" is 2105.
    assert_eq!(
        check_expiry("01/05", ym(2095, 6))
            .date
            .map(ExpiryDate::year),
        Some(2105)
    );
}

#[test]
fn parse_gives_typed_errors() {
    let today = ym(2026, 11);
    assert_eq!(
        parse_expiry("12/28", today).map(|d| (d.month(), d.year())),
        Ok((12, 2028))
    );
    assert_eq!(parse_expiry("10/26", today), Err(ExpiryError::Expired));
    assert_eq!(parse_expiry("12/47", today), Err(ExpiryError::TooFarAhead));
    assert_eq!(parse_expiry("12/2", today), Err(ExpiryError::Malformed));
    assert_eq!(parse_expiry("13/28", today), Err(ExpiryError::Malformed));
    assert_eq!(parse_expiry("", today), Err(ExpiryError::Malformed));
}

#[test]
fn payline_mmyy_round_trip() {
    for (text, month, year) in [("1228", 12, 2028), ("0130", 1, 2030), ("1255", 12, 2055)] {
        let date = ExpiryDate::parse_payline_mmyy(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!((date.month(), date.year()), (month, year));
        assert_eq!(date.payline_mmyy(), text);
    }
    assert_eq!(
        ExpiryDate::parse_payline_mmyy("1328"),
        Err(ExpiryError::InvalidMonth)
    );
    assert_eq!(
        ExpiryDate::parse_payline_mmyy("0028"),
        Err(ExpiryError::InvalidMonth)
    );
    for bad in ["", "122", "12285", "12a8", "12/8", "１２２８"] {
        assert_eq!(
            ExpiryDate::parse_payline_mmyy(bad),
            Err(ExpiryError::Malformed),
            "{bad:?}"
        );
    }
    let date = ExpiryDate::new(2, 2030).unwrap_or_else(|| panic!("valid"));
    assert!(!date.is_expired(ym(2030, 2)));
    assert!(date.is_expired(ym(2030, 3)));
    assert_eq!(format!("{date:?}"), "ExpiryDate(02/2030)");
}

#[test]
fn year_month_rejects_nonsense() {
    assert!(YearMonth::new(2026, 0).is_none());
    assert!(YearMonth::new(2026, 13).is_none());
    assert!(YearMonth::new(1999, 1).is_none());
    assert!(ExpiryDate::new(12, 10_000).is_none());
}
