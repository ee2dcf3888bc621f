//! Calendar dates in TEXT columns: `yyyy-mm-dd` (ISO 8601 calendar date, the form of Payline's
//! own date fields), one format for every table that stores one.

use time::Date;

/// `yyyy-mm-dd`, as stored.
pub(crate) fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// A stored `yyyy-mm-dd`; `None` when the text is not one.
pub(crate) fn from_iso(s: &str) -> Option<Date> {
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

/// Serde `serialize_with` for a date shown as stored (the sandbox-control JSON).
pub(crate) fn serialize_iso<S: serde::Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&iso(*d))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_other_text() {
        let d = Date::from_calendar_date(2026, time::Month::March, 7).unwrap();
        assert_eq!(iso(d), "2026-03-07");
        assert_eq!(from_iso("2026-03-07"), Some(d));
        assert_eq!(from_iso("07/03/2026"), None);
        assert_eq!(from_iso("2026-02-30"), None);
    }
}
