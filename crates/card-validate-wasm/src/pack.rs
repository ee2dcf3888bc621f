//! card-core's results packed into numbers and flat strings, and the flat arguments unpacked.
//!
//! Results cross into JavaScript as a `u32` or one `String` whose characters are small numbers
//! (each below 128, so one UTF-8 byte each): no JS object is built on the WebAssembly side,
//! which keeps js-sys, serde and their glue out of the module. `js/validate.js` unpacks them
//! into the same objects the full module returns; the layouts are documented on each function
//! and mirrored by the decoders in this file's tests.
//!
//! Nothing here uses `format!` or `core::fmt`, and nothing indexes or slices: each `format!`
//! call site and each panicking path links formatting code into the module.

use alloc::{borrow::ToOwned, string::String, vec::Vec};

use card_core::{
    BinTable, BinTableError, BrandSpec, Formatted, Validity, YearMonth, check_expiry, check_number,
};

/// `valid` in bit 0, `potentiallyValid` in bit 1.
#[must_use]
pub fn validity_bits(v: Validity) -> u32 {
    u32::from(v.valid) | u32::from(v.potentially_valid) << 1
}

/// A small number as one character (callers keep it below 128: one UTF-8 byte).
fn small(out: &mut String, n: u8) {
    out.push(char::from(n));
}

/// A list as its length then its items.
fn list(out: &mut String, items: &[u8]) {
    small(out, u8::try_from(items.len()).unwrap_or(u8::MAX));
    for &item in items {
        small(out, item);
    }
}

/// `check_number` packed as characters:
/// `[validity bits, cvvLength, cvvRequired, gaps count, gaps…, lengths count, lengths…,
/// brand indexes…]`, a brand index being its position in `table.brands()` (see [`brand_list`]).
/// Every value is below 128: lengths and gaps are at most 19, a table at most 64 brands.
#[must_use]
pub fn pack_number(table: &BinTable, input: &str) -> String {
    let check = check_number(table, input);
    let mut out = String::with_capacity(8 + check.gaps.len() + check.lengths.len());
    // Validity bits are 0–3.
    small(&mut out, validity_bits(check.validity) as u8);
    small(&mut out, check.cvv_length);
    small(&mut out, u8::from(check.cvv_required));
    list(&mut out, check.gaps);
    list(&mut out, &check.lengths);
    for brand in &check.brands {
        let index = table.brands().iter().position(|b| core::ptr::eq(b, *brand));
        small(
            &mut out,
            index.and_then(|i| u8::try_from(i).ok()).unwrap_or(u8::MAX),
        );
    }
    out
}

/// The table's brands as `id\nname\npaylineType\n` per brand, in table order. card-core refuses
/// control characters in every one of these fields, so `\n` cannot occur inside one.
#[must_use]
pub fn brand_list(table: &BinTable) -> String {
    let mut out = String::new();
    for brand in table.brands() {
        for field in [brand.id(), brand.name(), brand.payline_type()] {
            out.push_str(field);
            out.push('\n');
        }
    }
    out
}

/// `check_expiry` packed into a `u32`: validity bits in bits 0–1, and when valid the month in
/// bits 2–5 and the four-digit year from bit 6 (a year is at most 9999 + 20, 14 bits).
/// `year`/`month` are `today` as JS numbers; anything but an integral `{2000–9999, 1–12}`
/// makes the expiry invalid, as in the full module.
#[must_use]
pub fn pack_expiry(input: &str, year: f64, month: f64) -> u32 {
    let today = small_int(year)
        .zip(small_int(month))
        .and_then(|(y, m)| YearMonth::new(y, m));
    let Some(today) = today else {
        return validity_bits(Validity::INVALID);
    };
    let check = check_expiry(input, today);
    let date = check
        .date
        .map_or(0, |d| u32::from(d.month()) << 2 | u32::from(d.year()) << 6);
    validity_bits(check.validity) | date
}

/// An integral JS number that fits `T` (the full module's rule for `today` and table numbers).
#[must_use]
pub fn small_int<T: TryFrom<i64>>(n: f64) -> Option<T> {
    // Without std there is no `f64::fract`: an integral value survives the round trip.
    if !(-1e9..=1e9).contains(&n) {
        return None;
    }
    let int = n as i64;
    if int as f64 != n {
        return None;
    }
    T::try_from(int).ok()
}

/// A caret argument: a finite number, saturated into `u32` (negative → 0); anything else,
/// passed as NaN by the JS side, means "at the end".
#[must_use]
pub fn caret_arg(caret: f64) -> Option<u32> {
    // Saturating float-to-int conversion: negative → 0, huge → u32::MAX (clamped later).
    caret.is_finite().then_some(caret as u32)
}

/// A formatted value packed as its caret (one character) followed by the value. The caret is
/// at most the value's length, and a formatted value is a few dozen ASCII characters at most.
#[must_use]
pub fn pack_formatted(f: &Formatted) -> String {
    let mut out = String::with_capacity(f.value.len() + 1);
    out.push(char::from_u32(f.caret).unwrap_or('\0'));
    out.push_str(&f.value);
    out
}

/// A list of numbers passed from JS as one character per number (each 0–255, checked there).
fn chars_to_u8(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        out.push(u8::try_from(c).unwrap_or(u8::MAX));
    }
    out
}

/// Bits of [`brand_spec`]'s `options`: per optional field, a "given" bit and its value.
pub mod opt {
    /// `cvvLength` given; its value in bits 8–15.
    pub const CVV_LENGTH: u32 = 1;
    /// `cvvRequired` given.
    pub const CVV_REQUIRED: u32 = 1 << 1;
    /// `luhn` given.
    pub const LUHN: u32 = 1 << 2;
    /// `coBadge` given.
    pub const CO_BADGE: u32 = 1 << 3;
    /// Value bits of the three booleans (given bit shifted by this much).
    pub const VALUE_SHIFT: u32 = 4;
    /// Shift of `cvvLength`'s value.
    pub const CVV_SHIFT: u32 = 8;
}

/// A `BrandSpec` with id `id` and the optional numbers and booleans packed in `options`
/// ([`opt`]); the text fields follow with [`set_field`], the ranges one by one.
#[must_use]
pub fn brand_spec(id: &str, options: u32) -> BrandSpec {
    let flag =
        |given: u32| (options & given != 0).then_some(options & given << opt::VALUE_SHIFT != 0);
    BrandSpec {
        id: id.to_owned(),
        cvv_length: (options & opt::CVV_LENGTH != 0).then_some((options >> opt::CVV_SHIFT) as u8),
        cvv_required: flag(opt::CVV_REQUIRED),
        luhn: flag(opt::LUHN),
        co_badge: flag(opt::CO_BADGE),
        ..BrandSpec::default()
    }
}

/// Sets a text field of `spec`: 0 `name`, 1 `paylineType`, 2 `lengths`, 3 `gaps` (numbers as
/// one character each, 0–255, checked by the JS side).
pub fn set_field(spec: &mut BrandSpec, field: u32, text: &str) {
    match field {
        0 => spec.name = Some(text.to_owned()),
        1 => spec.payline_type = Some(text.to_owned()),
        2 => spec.lengths = Some(chars_to_u8(text)),
        3 => spec.gaps = Some(chars_to_u8(text)),
        _ => {}
    }
}

/// A number as one character (read back with JS `codePointAt(0)`), for the results of
/// [`crate::run`] that are numbers. Validity bits are 0–3; a packed expiry is 0–3 when invalid
/// and at least 2000 << 6 when valid (`today` is never before 2000), so neither falls in the
/// surrogates 0xD800–0xDFFF, and 9999 << 6 | 63 stays below 0x10FFFF.
#[must_use]
pub fn flag_char(n: u32) -> String {
    String::from(char::from_u32(n).unwrap_or('\0'))
}

/// `"<code>: <message>"`, the message being `BinTableError`'s `Display` text, put together
/// from its pieces: `to_string()` would link `core::fmt`'s formatting machinery.
#[must_use]
pub fn table_error(e: &BinTableError) -> String {
    let mut out = String::from(e.code());
    out.push_str(": ");
    for part in e.message_parts() {
        out.push_str(part);
    }
    out
}

#[cfg(test)]
mod tests {
    //! The decoders below are the JS wrapper's unpacking, written in Rust, so that every
    //! packed result is checked to round-trip to card-core's own answer.
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use card_core::{Edit, TableMode, format_expiry, format_number};

    #[derive(Debug, PartialEq)]
    struct NumberResult {
        valid: bool,
        potentially_valid: bool,
        cvv_length: u8,
        cvv_required: bool,
        gaps: Vec<u8>,
        lengths: Vec<u8>,
        brand_ids: Vec<String>,
    }

    /// Mirror of `js/validate.js`'s `validateNumber` unpacking.
    fn unpack_number(packed: &str, brand_list: &str) -> NumberResult {
        let codes: Vec<u8> = packed.chars().map(|c| u8::try_from(c).unwrap()).collect();
        let fields: Vec<&str> = brand_list.split('\n').collect();
        let mut i = 3;
        let take_list = |i: &mut usize| {
            let n = usize::from(codes[*i]);
            let items = codes[*i + 1..*i + 1 + n].to_vec();
            *i += 1 + n;
            items
        };
        let gaps = take_list(&mut i);
        let lengths = take_list(&mut i);
        let brand_ids = codes[i..]
            .iter()
            .map(|&b| fields[usize::from(b) * 3].to_owned())
            .collect();
        NumberResult {
            valid: codes[0] & 1 != 0,
            potentially_valid: codes[0] & 2 != 0,
            cvv_length: codes[1],
            cvv_required: codes[2] != 0,
            gaps,
            lengths,
            brand_ids,
        }
    }

    fn expected_number(table: &BinTable, input: &str) -> NumberResult {
        let c = check_number(table, input);
        NumberResult {
            valid: c.validity.valid,
            potentially_valid: c.validity.potentially_valid,
            cvv_length: c.cvv_length,
            cvv_required: c.cvv_required,
            gaps: c.gaps.to_vec(),
            lengths: c.lengths.clone(),
            brand_ids: c.brands.iter().map(|b| b.id().to_owned()).collect(),
        }
    }

    const NUMBERS: &[&str] = &[
        "",
        "4",
        "2",
        "4970 10",
        "4970 1011 2233 4455",
        "4242424242424242",
        "4242424242424241",
        "4242424242424242424",
        "42424242424242424242",
        "378282246310005",
        "36227206271667",
        "6200000000000005",
        "5555-5555-5555-4444",
        "6759649826438453",
        "7",
        "4242a4242",
        "\u{0}",
        "٤٢٤٢",
    ];

    #[test]
    fn number_round_trips_for_the_builtin_table() {
        let table = BinTable::default();
        let list = brand_list(&table);
        for input in NUMBERS {
            let packed = pack_number(&table, input);
            assert!(packed.chars().all(|c| u32::from(c) < 128), "{input:?}");
            assert_eq!(
                unpack_number(&packed, &list),
                expected_number(&table, input),
                "{input:?}"
            );
        }
    }

    #[test]
    fn number_round_trips_for_a_changed_table() {
        let mut spec = brand_spec(
            "bcmc",
            opt::CVV_LENGTH | 3 << opt::CVV_SHIFT | opt::CVV_REQUIRED,
        );
        set_field(&mut spec, 0, "Bancontact");
        set_field(&mut spec, 1, "BCMC");
        set_field(&mut spec, 2, "\u{10}\u{11}\u{12}\u{13}");
        set_field(&mut spec, 3, "\u{4}\u{8}\u{c}\u{10}");
        spec.ranges.push("6703".into());
        let cb = BrandSpec {
            id: "cb".into(),
            ranges: vec!["413789".into()],
            ..BrandSpec::default()
        };
        let table = BinTable::default()
            .apply(&[spec, cb], TableMode::Extend)
            .unwrap();
        let list = brand_list(&table);
        for input in [
            "6703 0000 0000 0003",
            "6703",
            "4137 8900 0000 0003",
            "413789",
        ] {
            let packed = pack_number(&table, input);
            assert_eq!(
                unpack_number(&packed, &list),
                expected_number(&table, input),
                "{input}"
            );
        }
        assert_eq!(
            unpack_number(&pack_number(&table, "6703"), &list).brand_ids,
            ["bcmc"]
        );
    }

    #[test]
    fn brand_list_holds_every_brand_in_order() {
        let table = BinTable::default();
        let list = brand_list(&table);
        let fields: Vec<&str> = list.split('\n').collect();
        assert_eq!(fields.len(), table.brands().len() * 3 + 1);
        for (brand, chunk) in table.brands().iter().zip(fields.chunks(3)) {
            assert_eq!(chunk, [brand.id(), brand.name(), brand.payline_type()]);
        }
    }

    #[test]
    fn expiry_packs_validity_month_and_year() {
        let unpack = |p: u32| (p & 1 != 0, p & 2 != 0, (p >> 2) & 15, p >> 6);
        let today = YearMonth::new(2026, 11).unwrap();
        for input in [
            "12/28",
            "11/26",
            "10/26",
            "1",
            "12/2",
            "13",
            "12 / 2046",
            "11/46",
            "x",
            "",
        ] {
            let c = check_expiry(input, today);
            let (valid, pv, month, year) = unpack(pack_expiry(input, 2026.0, 11.0));
            assert_eq!(
                (valid, pv),
                (c.validity.valid, c.validity.potentially_valid),
                "{input}"
            );
            match c.date {
                Some(d) => {
                    assert_eq!((month, year), (u32::from(d.month()), u32::from(d.year())));
                    // The JS side rebuilds Payline's MMYY from these two numbers.
                    let mmyy = [month / 10, month % 10, year % 100 / 10, year % 10]
                        .map(|d| char::from_digit(d, 10).unwrap())
                        .iter()
                        .collect::<String>();
                    assert_eq!(mmyy, d.payline_mmyy(), "{input}");
                }
                None => assert_eq!((month, year), (0, 0), "{input}"),
            }
        }
        // The far end of the year range still fits.
        let last = pack_expiry("12/99", 9999.0, 1.0);
        assert_eq!((last & 3, (last >> 2) & 15, last >> 6), (3, 12, 9999));
    }

    #[test]
    fn expiry_with_a_malformed_today_is_invalid() {
        for (year, month) in [
            (2026.5, 11.0),
            (2026.0, 13.0),
            (1999.0, 1.0),
            (f64::NAN, 1.0),
            (f64::INFINITY, 1.0),
            (2026.0, -1.0),
            (1e12, 1.0),
        ] {
            assert_eq!(pack_expiry("12/28", year, month), 0, "{year} {month}");
        }
    }

    #[test]
    fn small_int_takes_integral_numbers_only() {
        assert_eq!(small_int::<u8>(255.0), Some(255));
        assert_eq!(small_int::<u8>(-0.0), Some(0));
        assert_eq!(small_int::<u8>(256.0), None);
        assert_eq!(small_int::<u16>(2026.0), Some(2026));
        for n in [
            0.5,
            -1.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e9 + 1.0,
            1e300,
        ] {
            assert_eq!(small_int::<u8>(n), None, "{n}");
        }
        assert_eq!(small_int::<i64>(-1e9), Some(-1_000_000_000));
        assert_eq!(small_int::<i64>(-1e9 - 1.0), None);
    }

    #[test]
    fn caret_and_formatted_pack() {
        assert_eq!(caret_arg(f64::NAN), None);
        assert_eq!(caret_arg(f64::INFINITY), None);
        assert_eq!(caret_arg(-3.0), Some(0));
        assert_eq!(caret_arg(4.7), Some(4));
        assert_eq!(caret_arg(1e20), Some(u32::MAX));
        let table = BinTable::default();
        for (input, caret) in [
            ("49701011", Some(8)),
            ("4242424242424242", None),
            ("", Some(0)),
        ] {
            let f = format_number(&table, input, caret, Edit::Insert);
            let packed = pack_formatted(&f);
            let mut chars = packed.chars();
            assert_eq!(chars.next().map(u32::from), Some(f.caret));
            assert_eq!(chars.as_str(), f.value);
        }
        let f = format_expiry("1228", Some(4), Edit::Unknown);
        assert_eq!(pack_formatted(&f), "\u{7}12 / 28");
    }

    #[test]
    fn brand_spec_unpacks_every_option() {
        let none = brand_spec("x", 0);
        assert_eq!(
            none,
            BrandSpec {
                id: "x".into(),
                ..BrandSpec::default()
            }
        );
        let mut all = brand_spec(
            "y",
            opt::CVV_LENGTH
                | 255 << opt::CVV_SHIFT
                | opt::CVV_REQUIRED
                | opt::LUHN
                | opt::CO_BADGE
                | opt::LUHN << opt::VALUE_SHIFT,
        );
        for (field, text) in [
            (0, "Y name"),
            (1, "Y"),
            (2, "\u{0}\u{ff}\u{10}"),
            (3, ""),
            (9, "z"),
        ] {
            set_field(&mut all, field, text);
        }
        assert_eq!(all.name.as_deref(), Some("Y name"));
        assert_eq!(all.payline_type.as_deref(), Some("Y"));
        assert_eq!(all.lengths, Some(vec![0, 255, 16]));
        assert_eq!(all.gaps, Some(vec![]));
        assert_eq!(all.cvv_length, Some(255));
        assert_eq!(all.cvv_required, Some(false));
        assert_eq!(all.luhn, Some(true));
        assert_eq!(all.co_badge, Some(false));
    }

    #[test]
    fn flags_are_one_non_surrogate_character() {
        for n in [
            0,
            3,
            pack_expiry("01/00", 2000.0, 1.0),
            pack_expiry("12/99", 9999.0, 1.0),
        ] {
            let s = flag_char(n);
            assert_eq!(s.chars().count(), 1);
            assert_eq!(s.chars().next().map(u32::from), Some(n));
        }
        assert!(pack_expiry("01/00", 2000.0, 1.0) > 0xDFFF);
    }

    #[test]
    fn table_errors_match_card_core_display() {
        let s = |t: &str| t.to_owned();
        let errors = [
            BinTableError::EmptyTable,
            BinTableError::TooLarge,
            BinTableError::InvalidBrandId { id: s("X Y") },
            BinTableError::DuplicateBrand { id: s("cb") },
            BinTableError::MissingField {
                id: s("new"),
                field: "lengths",
            },
            BinTableError::InvalidRange {
                id: s("cb"),
                range: s("12-3"),
            },
            BinTableError::InvalidLengths { id: s("a") },
            BinTableError::InvalidGaps { id: s("a") },
            BinTableError::InvalidCvvLength { id: s("a") },
            BinTableError::InvalidText {
                id: s("a"),
                field: "paylineType",
            },
        ];
        for e in &errors {
            assert_eq!(table_error(e), format!("{}: {e}", e.code()));
        }
    }

    #[test]
    fn table_errors_from_apply_match() {
        let table = BinTable::default();
        let bad = [
            vec![BrandSpec {
                id: s("cb"),
                ranges: vec![s("49-4")],
                ..BrandSpec::default()
            }],
            vec![BrandSpec {
                id: s("nouvelle"),
                ..BrandSpec::default()
            }],
        ];
        for specs in bad {
            let e = table.apply(&specs, TableMode::Extend).unwrap_err();
            assert_eq!(table_error(&e), format!("{}: {e}", e.code()));
        }
        fn s(t: &str) -> String {
            t.to_owned()
        }
    }
}
