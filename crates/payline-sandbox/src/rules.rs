//! Date rules of the Payline gateway, as pure functions of a given `now`.

use time::{Duration, OffsetDateTime, Time};

/// An authorization must be captured within 7 days (Payline doAuthorization, mode CPT action
/// 100), after which doCapture answers `02602`.
pub(crate) const AUTHORIZATION_VALIDITY: Duration = Duration::days(7);

/// Duplicate window for an order reference (Payline re-authorization rule 6: 24 h).
pub(crate) const DUPLICATE_WINDOW: Duration = Duration::hours(24);

/// Validity of a virtual CVV issued by the tokenizer.
pub(crate) const VIRTUAL_CVV_VALIDITY: Duration = Duration::minutes(15);

/// Lifetime of a 3-D Secure session (enrollment to authorization).
pub(crate) const THREE_DS_SESSION_VALIDITY: Duration = Duration::minutes(30);

/// Settlement time of an operation made at `at`: the next midnight UTC of the sandbox clock.
pub(crate) fn settlement_time(at: OffsetDateTime) -> OffsetDateTime {
    let at = at.to_offset(time::UtcOffset::UTC);
    (at.date() + Duration::days(1))
        .with_time(Time::MIDNIGHT)
        .assume_utc()
}

/// True while a 7-day authorization made at `created` may still be captured.
pub(crate) fn authorization_valid(created: OffsetDateTime, now: OffsetDateTime) -> bool {
    now < created + AUTHORIZATION_VALIDITY
}

/// Last instant a transaction created at `created` may be re-authorized: 11 calendar months
/// later (Payline re-authorization rule 3), the day clamped to the end of a shorter month.
pub(crate) fn reauthorization_deadline(created: OffsetDateTime) -> OffsetDateTime {
    let created = created.to_offset(time::UtcOffset::UTC);
    let months = i32::from(u8::from(created.month())) - 1 + 11;
    let year = created.year() + months / 12;
    let month = time::Month::try_from(u8::try_from(months % 12 + 1).unwrap_or(1))
        .unwrap_or(time::Month::January);
    let day = created.day().min(month.length(year));
    match time::Date::from_calendar_date(year, month, day) {
        Ok(date) => date.with_time(created.time()).assume_utc(),
        // Unreachable for real dates; fall back to 334 days.
        Err(_) => created + Duration::days(334),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn settles_at_next_utc_midnight() {
        assert_eq!(
            settlement_time(datetime!(2026-11-25 17:00 UTC)),
            datetime!(2026-11-26 00:00 UTC)
        );
        assert_eq!(
            settlement_time(datetime!(2026-11-25 00:00 UTC)),
            datetime!(2026-11-26 00:00 UTC)
        );
        assert_eq!(
            settlement_time(datetime!(2026-12-31 23:59:59 UTC)),
            datetime!(2027-01-01 00:00 UTC)
        );
    }

    #[test]
    fn seven_day_validity_boundary() {
        let t = datetime!(2026-01-01 12:00 UTC);
        assert!(authorization_valid(
            t,
            t + Duration::days(7) - Duration::seconds(1)
        ));
        assert!(!authorization_valid(t, t + Duration::days(7)));
    }

    #[test]
    fn eleven_months_clamps_the_day() {
        assert_eq!(
            reauthorization_deadline(datetime!(2026-01-15 10:00 UTC)),
            datetime!(2026-12-15 10:00 UTC)
        );
        assert_eq!(
            reauthorization_deadline(datetime!(2026-03-31 10:00 UTC)),
            datetime!(2027-02-28 10:00 UTC)
        );
        assert_eq!(
            reauthorization_deadline(datetime!(2027-03-31 10:00 UTC)),
            datetime!(2028-02-29 10:00 UTC)
        );
        assert_eq!(
            reauthorization_deadline(datetime!(2026-12-01 00:00 UTC)),
            datetime!(2027-11-01 00:00 UTC)
        );
    }
}
