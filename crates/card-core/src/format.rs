//! As-you-type formatting with caret tracking.
//!
//! Each function takes the field's value and caret after the browser applied the buyer's edit
//! (`input` event), and returns the formatted value and where the caret goes. Carets count
//! UTF-16 code units, as `HTMLInputElement.selectionStart` does; `None` means "at the end".
//!
//! Rules, written down because they are what the tests check:
//! - Formatting keeps ASCII digits only; anything else typed is dropped (validation of the raw
//!   value, not formatting, is what rejects letters).
//! - The caret stays after the same digit it followed; inserted separators and the automatic
//!   leading `0` of the month do not move it backwards. After an insertion, a caret that lands
//!   just before a separator jumps over it, so typing continues in the next group.
//! - Backspace over a separator deletes the digit before it (otherwise the separator would
//!   reappear and Backspace would seem stuck); Delete over a separator deletes the digit after
//!   it. The edit kind comes from `InputEvent.inputType` ([`Edit::from_input_type`]); when it
//!   is unknown, a separator missing exactly at the caret between two digits is taken as a
//!   Backspace (the common case).
//! - Number: spaces at the brand's gaps (4-4-4-4, Amex 4-6-5, Diners 4-6-4, 19-digit cards
//!   4-4-4-4-3); digits past the brand's longest length (19 when unknown) are dropped.
//! - Expiry: `MM / YY`. A first digit `2`–`9` becomes `02`–`09`; `1` followed by `3`–`9`
//!   becomes `01 / 3`… ; a typed `/` after one digit pads it (`1/` → `01 / `). The separator
//!   appears as soon as the month is complete and stays while intact; a deletion that damages
//!   it removes it, so Backspace from `12 / ` gives `12`, and Backspace from `12 / |28`
//!   deletes the `2` of the month (`1 / 28`). A pasted `MM/YYYY` keeps the last two year
//!   digits. After a deletion no `0` is added (`2 / 28` stays as the buyer left it).

use alloc::{string::String, vec::Vec};

use crate::brand::{BinTable, DEFAULT_GAPS, MAX_PAN_DIGITS};

/// The kind of edit that produced the value, from `InputEvent.inputType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Edit {
    /// Not known (no event type given).
    #[default]
    Unknown,
    /// Typing, pasting, dropping, autofill: any `insert*`.
    Insert,
    /// Backspace-like: `deleteContentBackward`, `deleteWordBackward`, …
    DeleteBackward,
    /// Delete-key-like: `deleteContentForward`, `deleteWordForward`, …
    DeleteForward,
    /// Any other deletion (`deleteByCut`, `deleteByDrag`, …).
    Delete,
}

impl Edit {
    /// Maps an `InputEvent.inputType` value (Input Events Level 2).
    #[must_use]
    pub fn from_input_type(input_type: &str) -> Self {
        if input_type.starts_with("insert") {
            Self::Insert
        } else if input_type.starts_with("delete") {
            if input_type.ends_with("Backward") {
                Self::DeleteBackward
            } else if input_type.ends_with("Forward") {
                Self::DeleteForward
            } else {
                Self::Delete
            }
        } else {
            Self::Unknown
        }
    }

    fn is_deletion(self) -> bool {
        matches!(
            self,
            Self::DeleteBackward | Self::DeleteForward | Self::Delete
        )
    }
}

/// A formatted value and its caret (UTF-16 code units).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Formatted {
    /// The formatted value.
    pub value: String,
    /// The caret position in it.
    pub caret: u32,
}

/// Longest input read; the rest is ignored (a field never legitimately holds more).
const MAX_SCAN_CHARS: usize = 256;

/// One ASCII digit of the input, with its index among the input's digits.
#[derive(Debug, Clone, Copy)]
struct Digit {
    ch: u8,
    src: usize,
}

/// What formatting needs to know about the input.
struct Scan {
    digits: Vec<Digit>,
    /// Digits strictly before the caret.
    before: usize,
    /// UTF-16 offset of each digit's start and end.
    spans: Vec<(usize, usize)>,
    /// The characters just before and at the caret.
    prev: Option<char>,
    next: Option<char>,
    /// UTF-16 offset of the first `/`.
    slash: Option<usize>,
}

fn scan(input: &str, caret: Option<u32>) -> Scan {
    let caret = caret.map_or(usize::MAX, |c| usize::try_from(c).unwrap_or(usize::MAX));
    let mut s = Scan {
        digits: Vec::new(),
        before: 0,
        spans: Vec::new(),
        prev: None,
        next: None,
        slash: None,
    };
    let mut pos = 0usize;
    for c in input.chars().take(MAX_SCAN_CHARS) {
        let end = pos + c.len_utf16();
        if pos < caret {
            s.prev = Some(c);
        } else if s.next.is_none() {
            s.next = Some(c);
        }
        if c.is_ascii_digit() {
            if pos < caret {
                s.before += 1;
            }
            let src = s.digits.len();
            s.digits.push(Digit { ch: c as u8, src });
            s.spans.push((pos, end));
        } else if c == '/' && s.slash.is_none() {
            s.slash = Some(pos);
        }
        pos = end;
    }
    s
}

/// Caret after the last output character that came from a digit before the caret.
fn caret_after(out: &[(u8, Option<usize>)], before: usize) -> usize {
    out.iter()
        .rposition(|(_, src)| src.is_some_and(|s| s < before))
        .map_or(0, |i| i + 1)
}

// Loops below rather than `map` + `collect`/`extend` chains: each chain is an iterator
// instance of its own in the WebAssembly modules.
fn finish(out: &[(u8, Option<usize>)], caret: usize) -> Formatted {
    let mut value = String::with_capacity(out.len());
    for &(b, _) in out {
        value.push(char::from(b));
    }
    Formatted {
        value,
        caret: u32::try_from(caret.min(out.len())).unwrap_or(0),
    }
}

/// `count` UTF-16 units of `input` from unit `start`, as text (a lone surrogate as `?`).
fn utf16_text(input: &str, start: usize, count: usize) -> String {
    let mut out = String::new();
    for u in input.encode_utf16().skip(start).take(count) {
        out.push(char::from_u32(u32::from(u)).unwrap_or('?'));
    }
    out
}

/// Appends typed digits, each with the index of the digit it came from.
fn push_digits(out: &mut Vec<(u8, Option<usize>)>, digits: &[Digit]) {
    for x in digits {
        out.push((x.ch, Some(x.src)));
    }
}

fn gaps_and_max<'t>(table: &'t BinTable, digits: &[Digit]) -> (&'t [u8], usize) {
    let mut bytes: Vec<u8> = Vec::with_capacity(usize::from(MAX_PAN_DIGITS));
    for d in digits.iter().take(usize::from(MAX_PAN_DIGITS)) {
        bytes.push(d.ch);
    }
    match table.detect(&bytes).lead {
        Some(brand) => (brand.gaps(), usize::from(brand.max_length())),
        None => (DEFAULT_GAPS, usize::from(MAX_PAN_DIGITS)),
    }
}

/// Formats a card number as typed: `4970 1011 2233 4455`, `3759 891111 11119`.
///
/// ```
/// use card_core::{format_number, BinTable, Edit};
/// let table = BinTable::default();
/// let f = format_number(&table, "41111", Some(5), Edit::Insert);
/// assert_eq!((f.value.as_str(), f.caret), ("4111 1", 6));
/// // Backspace right after the space removed the space: the digit before it goes too.
/// let f = format_number(&table, "41111", Some(4), Edit::DeleteBackward);
/// assert_eq!((f.value.as_str(), f.caret), ("4111", 3));
/// ```
#[must_use]
pub fn format_number(table: &BinTable, input: &str, caret: Option<u32>, edit: Edit) -> Formatted {
    let mut s = scan(input, caret);
    let mut before = s.before;
    let between_digits =
        s.prev.is_some_and(|c| c.is_ascii_digit()) && s.next.is_some_and(|c| c.is_ascii_digit());
    if between_digits && before > 0 {
        let (gaps, _) = gaps_and_max(table, &s.digits);
        if gaps.iter().any(|&g| usize::from(g) == before) {
            match edit {
                Edit::DeleteBackward | Edit::Unknown => {
                    s.digits.remove(before - 1);
                    before -= 1;
                }
                Edit::DeleteForward if before < s.digits.len() => {
                    s.digits.remove(before);
                }
                _ => {}
            }
        }
    }
    let (gaps, max) = gaps_and_max(table, &s.digits);
    s.digits.truncate(max);
    let mut out: Vec<(u8, Option<usize>)> = Vec::with_capacity(s.digits.len() + 4);
    for (i, d) in s.digits.iter().enumerate() {
        if i > 0 && gaps.iter().any(|&g| usize::from(g) == i) {
            out.push((b' ', None));
        }
        out.push((d.ch, Some(d.src)));
    }
    let mut at = caret_after(&out, before);
    if !edit.is_deletion() && out.get(at).is_some_and(|&(b, _)| b == b' ') {
        at += 1;
    }
    finish(&out, at)
}

/// Whether the month is the first digit alone: `2`–`9`, or `1` followed by `3`–`9`.
fn month_starts_single(d: &[Digit]) -> bool {
    let first = d.first().map(|x| x.ch);
    let second = d.get(1).map(|x| x.ch);
    matches!(first, Some(b'2'..=b'9'))
        || (first == Some(b'1') && matches!(second, Some(b'3'..=b'9')))
}

/// Formats an expiry date as typed: `MM / YY`.
///
/// ```
/// use card_core::{format_expiry, Edit};
/// let f = format_expiry("4", Some(1), Edit::Insert);
/// assert_eq!((f.value.as_str(), f.caret), ("04 / ", 5));
/// let f = format_expiry("12 /", Some(4), Edit::DeleteBackward);
/// assert_eq!((f.value.as_str(), f.caret), ("12", 2));
/// ```
#[must_use]
pub fn format_expiry(input: &str, caret: Option<u32>, edit: Edit) -> Formatted {
    let s = scan(input, caret);
    let deleting = edit.is_deletion();
    let d = &s.digits;
    // Split into month and year digits; `pad` = a `0` goes in front of the month.
    let (mut month, mut year, pad): (Vec<Digit>, Vec<Digit>, bool) = match s.slash {
        Some(slash) => {
            let n = s
                .spans
                .iter()
                .take_while(|(start, _)| *start < slash)
                .count();
            let (m, y) = d.split_at(n.min(d.len()));
            if m.len() >= 2 && month_starts_single(m) {
                // `37/…` cannot be month 37: read it as `03 / 7…`, as without the slash.
                let (m1, rest) = m.split_at(1);
                let mut year = rest.to_vec();
                year.extend_from_slice(y);
                (m1.to_vec(), year, true)
            } else {
                let pad = m.len() == 1 && !deleting && m.first().is_some_and(|x| x.ch != b'0');
                (m.to_vec(), y.to_vec(), pad)
            }
        }
        None => {
            // After a deletion a lone digit is left as the buyer left it; with a second digit
            // the month cannot be `2x` or `13`–`19`, so the 0 goes in anyway.
            let single = (!deleting || d.len() >= 2) && month_starts_single(d);
            let n = if single { 1 } else { 2 }.min(d.len());
            let (m, y) = d.split_at(n);
            (m.to_vec(), y.to_vec(), single)
        }
    };
    month.truncate(2);
    let mut before = s.before;
    let mut ate_month_digit = false;
    // Backspace/Delete over a damaged separator between a full month and the year.
    if month.len() == 2 && !year.is_empty() {
        let month_end = month
            .last()
            .and_then(|x| s.spans.get(x.src))
            .map_or(0, |sp| sp.1);
        let year_start = year
            .first()
            .and_then(|x| s.spans.get(x.src))
            .map_or(0, |sp| sp.0);
        let caret_pos = caret.map_or(usize::MAX, |c| usize::try_from(c).unwrap_or(usize::MAX));
        let sep = utf16_text(input, month_end, year_start.saturating_sub(month_end));
        let damaged = match edit {
            Edit::DeleteBackward | Edit::DeleteForward => sep != " / ",
            Edit::Unknown => matches!(sep.as_str(), " /" | "/ " | "  "),
            _ => false,
        };
        if damaged && (month_end..=year_start).contains(&caret_pos) {
            if edit == Edit::DeleteForward {
                year.remove(0);
            } else if let Some(last) = month.pop() {
                before = before.min(last.src);
                ate_month_digit = true;
            }
        }
    }
    // A buyer typing a four-digit year: `20` then `2` stays `202` (it may become 2028), and
    // `2028` becomes `28`. Any other third digit is dropped.
    let starts_20 =
        year.first().is_some_and(|x| x.ch == b'2') && year.get(1).is_some_and(|x| x.ch == b'0');
    if starts_20 && year.len() >= 4 {
        year.truncate(4);
        year.drain(..2);
    } else if !(starts_20 && year.len() == 3) {
        year.truncate(2);
    }
    let month_len = month.len() + usize::from(pad);
    // What follows the month when no year digit does: the intact separator `" / "` stays
    // (Backspace on the last year digit leaves `12 / `), a damaged one goes.
    let (intact_trailing, damaged_trailing) = {
        let after_month = month
            .last()
            .and_then(|x| s.spans.get(x.src))
            .map_or(0, |sp| sp.1);
        let rest = utf16_text(input, after_month, 4);
        (
            rest.starts_with(" / "),
            !pad && matches!(rest.as_str(), " " | " /" | "  "),
        )
    };
    let separator = !year.is_empty()
        || (month_len == 2
            && (intact_trailing || !(deleting || (edit == Edit::Unknown && damaged_trailing))));
    let mut out: Vec<(u8, Option<usize>)> = Vec::with_capacity(7);
    if pad {
        out.push((b'0', None));
    }
    push_digits(&mut out, &month);
    if separator {
        for b in *b" / " {
            out.push((b, None));
        }
    }
    push_digits(&mut out, &year);
    let mut at = caret_after(&out, before);
    // Past the separator when typing on, or when the caret already was past the month.
    let caret_pos = caret.map_or(usize::MAX, |c| usize::try_from(c).unwrap_or(usize::MAX));
    let month_end = month
        .last()
        .and_then(|x| s.spans.get(x.src))
        .map_or(0, |sp| sp.1);
    if separator && at == month_len && !ate_month_digit && (!deleting || caret_pos > month_end) {
        at += 3;
    }
    finish(&out, at)
}
