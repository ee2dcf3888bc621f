//! Payline's date formats (Payline value formats). They carry no time zone: Payline reads them in
//! the merchant's (French) local time, so these types are plain calendar values.

use core::fmt;
use core::str::FromStr;

use super::{InvalidValue, serde_via_str};

fn two(s: &[u8]) -> Option<u8> {
    match s {
        [a @ b'0'..=b'9', b @ b'0'..=b'9'] => Some((a - b'0') * 10 + (b - b'0')),
        _ => None,
    }
}

fn four(s: &[u8]) -> Option<u16> {
    match s {
        [a, b, c, d] if s.iter().all(u8::is_ascii_digit) => Some(
            [a, b, c, d]
                .iter()
                .fold(0u16, |acc, x| acc * 10 + u16::from(**x - b'0')),
        ),
        _ => None,
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

/// A calendar date printed `dd/mm/yyyy` (`recurring.startDate`, search dates, delivery date).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    // Field order makes the derived `Ord` chronological.
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// A valid calendar date (years 0–9999), or `None`.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Self> {
        (year <= 9999 && (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month))
            .then_some(Self { year, month, day })
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month.
    pub fn day(self) -> u8 {
        self.day
    }

    fn parse_bytes(b: &[u8]) -> Option<Self> {
        match *b {
            [d0, d1, b'/', m0, m1, b'/', y0, y1, y2, y3] => {
                Self::new(four(&[y0, y1, y2, y3])?, two(&[m0, m1])?, two(&[d0, d1])?)
            }
            _ => None,
        }
    }
}

impl FromStr for Date {
    type Err = InvalidValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_bytes(s.as_bytes()).ok_or(InvalidValue::new("date", "dd/mm/yyyy"))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}/{:02}/{:04}", self.day, self.month, self.year)
    }
}

serde_via_str!(Date);

/// A date and time to the minute printed `dd/mm/yyyy HH:mm` (`order.date`,
/// `recurring.endDate`, `amountModificationDate`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTimeMinutes {
    date: Date,
    hour: u8,
    minute: u8,
}

impl DateTimeMinutes {
    /// A valid date and time, or `None`.
    pub fn new(date: Date, hour: u8, minute: u8) -> Option<Self> {
        (hour < 24 && minute < 60).then_some(Self { date, hour, minute })
    }

    /// The date part.
    pub fn date(self) -> Date {
        self.date
    }

    /// The hour, 0–23.
    pub fn hour(self) -> u8 {
        self.hour
    }

    /// The minute, 0–59.
    pub fn minute(self) -> u8 {
        self.minute
    }
}

impl FromStr for DateTimeMinutes {
    type Err = InvalidValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parse = || {
            let (date, time) = s.as_bytes().split_first_chunk::<10>()?;
            match *time {
                [b' ', h0, h1, b':', n0, n1] => {
                    Self::new(Date::parse_bytes(date)?, two(&[h0, h1])?, two(&[n0, n1])?)
                }
                _ => None,
            }
        };
        parse().ok_or(InvalidValue::new("date and time", "dd/mm/yyyy HH:mm"))
    }
}

impl fmt::Display for DateTimeMinutes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {:02}:{:02}", self.date, self.hour, self.minute)
    }
}

serde_via_str!(DateTimeMinutes);

/// A date with a two-digit year printed `dd/mm/yy` (`payment.differedActionDate`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ShortDate {
    year: u8,
    month: u8,
    day: u8,
}

impl ShortDate {
    /// A valid date in 2000–2099 given by its two-digit year, or `None`.
    pub fn new(year_in_century: u8, month: u8, day: u8) -> Option<Self> {
        Date::new(2000 + u16::from(year_in_century), month, day)
            .filter(|_| year_in_century < 100)
            .map(|_| Self {
                year: year_in_century,
                month,
                day,
            })
    }

    /// The full date, reading the two-digit year as 20yy.
    pub fn to_date(self) -> Date {
        Date {
            year: 2000 + u16::from(self.year),
            month: self.month,
            day: self.day,
        }
    }
}

impl FromStr for ShortDate {
    type Err = InvalidValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parse = || match *s.as_bytes() {
            [d0, d1, b'/', m0, m1, b'/', y0, y1] => {
                Self::new(two(&[y0, y1])?, two(&[m0, m1])?, two(&[d0, d1])?)
            }
            _ => None,
        };
        parse().ok_or(InvalidValue::new("short date", "dd/mm/yy"))
    }
}

impl fmt::Display for ShortDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}/{:02}/{:02}", self.day, self.month, self.year)
    }
}

serde_via_str!(ShortDate);

/// A card expiry printed `MMYY` (`card.expirationDate`).
///
/// Its `Debug` is masked like the rest of the card data (house style rule 7).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CardExpiry {
    year: u8,
    month: u8,
}

impl CardExpiry {
    /// Month 1–12 and two-digit year, or `None`.
    pub fn new(month: u8, year_in_century: u8) -> Option<Self> {
        ((1..=12).contains(&month) && year_in_century < 100).then_some(Self {
            year: year_in_century,
            month,
        })
    }

    /// The month, 1–12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The two-digit year.
    pub fn year_in_century(self) -> u8 {
        self.year
    }
}

impl FromStr for CardExpiry {
    type Err = InvalidValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match *s.as_bytes() {
            [m0, m1, y0, y1] => two(&[m0, m1]).zip(two(&[y0, y1])),
            _ => None,
        }
        .and_then(|(month, year)| Self::new(month, year))
        .ok_or(InvalidValue::new("card expiry", "MMYY"))
    }
}

impl fmt::Display for CardExpiry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}{:02}", self.month, self.year)
    }
}

impl fmt::Debug for CardExpiry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CardExpiry(**/**)")
    }
}

serde_via_str!(CardExpiry);

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn date_round_trips_every_day_of_a_leap_year() {
        for month in 1..=12u8 {
            for day in 1..=days_in_month(2024, month) {
                let d = Date::new(2024, month, day).unwrap();
                assert_eq!(d.to_string().parse::<Date>().unwrap(), d);
            }
        }
        assert_eq!(
            "07/12/2023".parse::<Date>().unwrap().to_string(),
            "07/12/2023"
        );
    }

    #[test]
    fn date_rejects_impossible_or_misformatted() {
        for bad in [
            "29/02/2023",
            "31/04/2024",
            "00/01/2024",
            "01/13/2024",
            "1/1/2024",
            "01-01-2024",
            "01/01/24",
            "01/01/2024 ",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad:?}");
        }
        assert!("29/02/2000".parse::<Date>().is_ok());
        assert!("29/02/1900".parse::<Date>().is_err());
    }

    #[test]
    fn date_time_minutes() {
        let t: DateTimeMinutes = "14/02/2025 09:30".parse().unwrap();
        assert_eq!((t.date().day(), t.hour(), t.minute()), (14, 9, 30));
        assert_eq!(t.to_string(), "14/02/2025 09:30");
        for bad in [
            "14/02/2025 24:00",
            "14/02/2025 09:60",
            "14/02/2025T09:30",
            "14/02/2025 9:30",
            "14/02/2025",
        ] {
            assert!(bad.parse::<DateTimeMinutes>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn short_date() {
        let d: ShortDate = "18/02/25".parse().unwrap();
        assert_eq!(d.to_string(), "18/02/25");
        assert_eq!(d.to_date(), Date::new(2025, 2, 18).unwrap());
        for bad in ["18/02/2025", "30/02/25", "18-02-25", "1/2/25"] {
            assert!(bad.parse::<ShortDate>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn card_expiry_round_trips_every_month_and_masks_debug() {
        for year in 0..100u8 {
            for month in 1..=12u8 {
                let e = CardExpiry::new(month, year).unwrap();
                assert_eq!(e.to_string().parse::<CardExpiry>().unwrap(), e);
            }
        }
        let e: CardExpiry = "1230".parse().unwrap();
        assert_eq!((e.month(), e.year_in_century()), (12, 30));
        assert_eq!(format!("{e:?}"), "CardExpiry(**/**)");
        for bad in ["0030", "1330", "123", "12/30", "12300"] {
            assert!(bad.parse::<CardExpiry>().is_err(), "{bad:?}");
        }
    }
}
