//! Value formats shared by the modules: RFC 3339 instants, alpha currency codes, Payline's
//! order date and the last digits of a masked card number. A leaf: it depends on nothing of this crate.

use payline_protocol::values::{Date, DateTimeMinutes};

/// Alpha code for a numeric one (falls back to the numeric text).
pub fn currency_alpha(numeric: &str) -> String {
    numeric
        .parse::<payline_protocol::values::Currency>()
        .ok()
        .and_then(|c| c.alpha())
        .map(str::to_owned)
        .unwrap_or_else(|| numeric.to_owned())
}

/// RFC 3339 text of a Unix-ms instant.
pub fn rfc3339(ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Payline order date `dd/mm/yyyy HH:mm` (Payline value formats) of a Unix-ms instant.
pub fn order_date(ms: i64) -> DateTimeMinutes {
    let t = time::OffsetDateTime::from_unix_timestamp(ms / 1000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let d = Date::new(
        u16::try_from(t.year()).unwrap_or(1970),
        u8::from(t.month()),
        t.day(),
    );
    d.and_then(|d| DateTimeMinutes::new(d, t.hour(), t.minute()))
        .or_else(|| Date::new(1970, 1, 1).and_then(|d| DateTimeMinutes::new(d, 0, 0)))
        .unwrap_or_else(|| unreachable!("1970-01-01 00:00 is a valid date"))
}

/// The last four digits of a masked number (`497010XXXXXX4455` → `4455`).
pub fn last4_of(masked: &str) -> String {
    let digits: Vec<char> = masked.chars().filter(char::is_ascii_digit).collect();
    let tail: String = masked
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if tail.len() >= 4 {
        tail[tail.len() - 4..].to_owned()
    } else if digits.len() >= 4 {
        digits[digits.len() - 4..].iter().collect()
    } else {
        String::new()
    }
}
