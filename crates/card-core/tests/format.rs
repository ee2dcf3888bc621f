//! As-you-type formatting. Cases are written with `|` marking the caret: the input is the
//! field after the browser applied the edit, the expectation is what the field shows next.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)] // a failing test panics

use card_core::{BinTable, Edit, Formatted, format_expiry, format_number};

/// Splits `"41|11"` into `("4111", Some(2))`; without `|` the caret is absent.
fn parse(marked: &str) -> (String, Option<u32>) {
    match marked.find('|') {
        Some(i) => (
            marked.replacen('|', "", 1),
            Some(u32::try_from(marked[..i].encode_utf16().count()).unwrap_or(0)),
        ),
        None => (marked.to_owned(), None),
    }
}

fn show(f: &Formatted) -> String {
    let units: Vec<u16> = f.value.encode_utf16().collect();
    let at = usize::try_from(f.caret).unwrap_or(0).min(units.len());
    format!(
        "{}|{}",
        String::from_utf16_lossy(&units[..at]),
        String::from_utf16_lossy(&units[at..])
    )
}

#[test]
fn number_formatting() {
    use Edit::{DeleteBackward, DeleteForward, Insert, Unknown};
    let cases: &[(&str, Edit, &str)] = &[
        // Typing at the end.
        ("4|", Insert, "4|"),
        ("4111|", Insert, "4111|"),
        ("41111|", Insert, "4111 1|"),
        ("4111 1111 1111 1111|", Insert, "4111 1111 1111 1111|"),
        // 19-digit Visa: 4-4-4-4-3.
        ("4111 1111 1111 11111|", Insert, "4111 1111 1111 1111 1|"),
        (
            "4111 1111 1111 1111 111|",
            Insert,
            "4111 1111 1111 1111 111|",
        ),
        // A 20th digit is dropped; Mastercard stops at 16.
        (
            "4111 1111 1111 1111 1111|",
            Insert,
            "4111 1111 1111 1111 111|",
        ),
        ("5555 5555 5555 44441|", Insert, "5555 5555 5555 4444|"),
        // Amex 4-6-5, Diners 4-6-4, CB 4-4-4-4.
        ("378282246310005|", Insert, "3782 822463 10005|"),
        ("3782 82246|", Insert, "3782 82246|"),
        ("3782 822463|", Insert, "3782 822463|"),
        ("36227206271667|", Insert, "3622 720627 1667|"),
        ("4970101122334455|", Insert, "4970 1011 2233 4455|"),
        // Paste with dashes or without separators; letters dropped.
        ("4111-1111-1111-1111|", Insert, "4111 1111 1111 1111|"),
        ("4a|", Insert, "4|"),
        ("4111 1111 1111 1111", Unknown, "4111 1111 1111 1111|"),
        // Typing in the middle keeps the caret after the typed digit.
        ("419|11 1111", Insert, "419|1 1111 1"),
        ("41112| 1111", Insert, "4111 2|111 1"),
        // Landing just before a separator after an insertion: jump over it.
        ("4112|1 1111", Insert, "4112 |1111 1"),
        // Backspace right after a space: the space and the digit before it go.
        ("4111|1111", DeleteBackward, "411|1 111"),
        ("4111 1111|1111", DeleteBackward, "4111 111|1 111"),
        // Unknown edit kind: a separator missing at the caret is taken as Backspace.
        ("4111|1111", Unknown, "411|1 111"),
        // Delete key right before a space: the space and the digit after it go.
        ("4111|1111", DeleteForward, "4111| 111"),
        // Backspace on a digit: caret stays after the previous digit, before the space.
        ("4111 |111", DeleteBackward, "4111| 111"),
        ("4111 1|11", DeleteBackward, "4111 1|11"),
        // Everything deleted.
        ("|", DeleteBackward, "|"),
        // Caret at the start and beyond the end.
        ("|4111", Insert, "|4111"),
    ];
    let table = BinTable::default();
    for &(input, edit, expected) in cases {
        let (value, caret) = parse(input);
        let got = format_number(&table, &value, caret, edit);
        assert_eq!(show(&got), expected, "{input:?} {edit:?}");
    }
    let got = format_number(&table, "4111", Some(100), Edit::Insert);
    assert_eq!(show(&got), "4111|");
}

#[test]
fn expiry_formatting() {
    use Edit::{DeleteBackward, DeleteForward, Insert, Unknown};
    let cases: &[(&str, Edit, &str)] = &[
        ("0|", Insert, "0|"),
        ("1|", Insert, "1|"),
        // Auto-prefix 0 for 2-9, and for 1 followed by 3-9.
        ("4|", Insert, "04 / |"),
        ("9|", Insert, "09 / |"),
        ("13|", Insert, "01 / 3|"),
        // Month complete: the separator appears, caret after it.
        ("12|", Insert, "12 / |"),
        ("10|", Insert, "10 / |"),
        ("1/|", Insert, "01 / |"),
        ("12/|", Insert, "12 / |"),
        ("12 / 2|", Insert, "12 / 2|"),
        ("12 / 28|", Insert, "12 / 28|"),
        // Extra digits are dropped.
        ("12 / 289|", Insert, "12 / 28|"),
        // A four-digit year typed out: kept while it may be one, then shortened.
        ("12 / 202|", Insert, "12 / 202|"),
        ("12 / 2028|", Insert, "12 / 28|"),
        ("12 / 205|", Insert, "12 / 205|"),
        ("12 / 20281|", Insert, "12 / 28|"),
        // Pastes.
        ("1228|", Insert, "12 / 28|"),
        ("12/2028|", Insert, "12 / 28|"),
        ("12 / 2028", Unknown, "12 / 28|"),
        ("ab|", Insert, "|"),
        // Backspace on the last year digit keeps the separator…
        ("12 / |", DeleteBackward, "12 / |"),
        // …the next Backspace damages it, and it goes.
        ("12 /|", DeleteBackward, "12|"),
        ("12 /|", Unknown, "12|"),
        ("1|", DeleteBackward, "1|"),
        // Backspace over the separator with a year after it deletes the month's last digit,
        // and no 0 is added after a deletion.
        ("12 /|28", DeleteBackward, "1| / 28"),
        ("12 /|28", Unknown, "1| / 28"),
        ("02 / 28", Unknown, "02 / 28|"),
        ("|2 / 28", DeleteBackward, "|2 / 28"),
        // Delete key before the separator deletes the year's first digit.
        ("12| /28", DeleteForward, "12| / 8"),
        // Editing the year keeps the caret in place.
        ("12 / |8", DeleteBackward, "12 / |8"),
    ];
    for &(input, edit, expected) in cases {
        let (value, caret) = parse(input);
        let got = format_expiry(&value, caret, edit);
        assert_eq!(show(&got), expected, "{input:?} {edit:?}");
    }
}

#[test]
fn input_types_map_to_edits() {
    let cases = [
        ("insertText", Edit::Insert),
        ("insertFromPaste", Edit::Insert),
        ("insertReplacementText", Edit::Insert),
        ("deleteContentBackward", Edit::DeleteBackward),
        ("deleteWordBackward", Edit::DeleteBackward),
        ("deleteContentForward", Edit::DeleteForward),
        ("deleteByCut", Edit::Delete),
        ("historyUndo", Edit::Unknown),
        ("", Edit::Unknown),
    ];
    for (t, edit) in cases {
        assert_eq!(Edit::from_input_type(t), edit, "{t}");
    }
}

#[test]
fn carets_count_utf16_units() {
    let table = BinTable::default();
    // "😀" is two UTF-16 units: the caret after it and the digit is 3.
    let got = format_number(&table, "😀4", Some(3), Edit::Insert);
    assert_eq!(show(&got), "4|");
    let got = format_number(&table, "😀4", Some(2), Edit::Insert);
    assert_eq!(show(&got), "|4");
    // A caret inside a surrogate pair counts the character as before it.
    let got = format_expiry("😀12", Some(1), Edit::Insert);
    assert_eq!(got.value, "12 / ");
}

/// What a browser does with one key press: insert at the caret, or Backspace before it.
fn press(value: &str, caret: u32, key: Option<char>) -> (String, u32, Edit) {
    let units: Vec<u16> = value.encode_utf16().collect();
    let at = usize::try_from(caret).unwrap_or(0).min(units.len());
    match key {
        Some(c) => {
            let mut buf = [0u16; 2];
            let typed = c.encode_utf16(&mut buf);
            let next = [&units[..at], &*typed, &units[at..]].concat();
            (
                String::from_utf16_lossy(&next),
                caret + u32::try_from(typed.len()).unwrap_or(1),
                Edit::Insert,
            )
        }
        None if at == 0 => (value.to_owned(), 0, Edit::DeleteBackward),
        None => {
            let next = [&units[..at - 1], &units[at..]].concat();
            (
                String::from_utf16_lossy(&next),
                caret - 1,
                Edit::DeleteBackward,
            )
        }
    }
}

#[test]
fn typing_then_backspacing_a_whole_number_never_sticks() {
    let table = BinTable::default();
    for (pan, shown) in [
        ("4970101122334455", "4970 1011 2233 4455"),
        ("378282246310005", "3782 822463 10005"),
        ("36227206271667", "3622 720627 1667"),
        ("4000000000000000006", "4000 0000 0000 0000 006"),
    ] {
        let (mut value, mut caret) = (String::new(), 0u32);
        for c in pan.chars() {
            let (v, k, edit) = press(&value, caret, Some(c));
            let f = format_number(&table, &v, Some(k), edit);
            (value, caret) = (f.value, f.caret);
            assert_eq!(
                usize::try_from(caret).unwrap_or(0),
                value.len(),
                "caret stays at the end while typing"
            );
        }
        assert_eq!(value, shown);
        // Backspace from the end: one digit goes per press, whatever the separators.
        let mut digits = pan.len();
        while digits > 0 {
            let (v, k, edit) = press(&value, caret, None);
            let f = format_number(&table, &v, Some(k), edit);
            (value, caret) = (f.value, f.caret);
            let now = value.chars().filter(char::is_ascii_digit).count();
            assert_eq!(now, digits - 1, "{value:?}");
            digits = now;
        }
        assert_eq!((value.as_str(), caret), ("", 0));
    }
}

#[test]
fn typing_then_backspacing_an_expiry_never_sticks() {
    for (typed, shown) in [
        ("1228", "12 / 28"),
        ("428", "04 / 28"),
        ("1/28", "01 / 28"),
        ("12/2028", "12 / 28"),
    ] {
        let (mut value, mut caret) = (String::new(), 0u32);
        for c in typed.chars() {
            let (v, k, edit) = press(&value, caret, Some(c));
            let f = format_expiry(&v, Some(k), edit);
            (value, caret) = (f.value, f.caret);
        }
        assert_eq!(value, shown, "{typed}");
        // Every Backspace changes the field, and it empties in at most 6 presses.
        for _ in 0..6 {
            if value.is_empty() {
                break;
            }
            let before = value.clone();
            let (v, k, edit) = press(&value, caret, None);
            let f = format_expiry(&v, Some(k), edit);
            (value, caret) = (f.value, f.caret);
            assert!(value.len() < before.len(), "{before:?} -> {value:?}");
        }
        assert_eq!(value, "", "{typed}");
    }
}
