//! Payment schedules (Payline `recurring` object, doRecurrentWalletPayment): due dates, amounts
//! and the checks made when a schedule is registered. Pure functions of the given dates; no
//! clock, no I/O.
//!
//! Due dates (sandbox reading of Payline's `recurring` object):
//! * rank 1 is due on the start date (`startDate`, else `scheduledDate`);
//! * daily (10) and weekly (20) cycles add 1 or 7 days per rank;
//! * month-based cycles (40 monthly, 50 every two months, 60 quarterly, 70 every six months,
//!   80 yearly, 90 every two years) move the start month by 1, 2, 3, 6, 12 or 24 months per
//!   rank, on `billingDay` (default: the start date's day), clamped to the end of a shorter
//!   month — `31` is the last day of every month, 28/29 in February;
//! * twice a month (30): two due dates per month, 15 days apart: the billing day brought into
//!   1–15 and 15 days later (billing day 31 → the 1st and the 16th; 30 → the 15th and the
//!   30th, the last day in February);
//! * the schedule stops after `billingLeft` due dates and never goes past `endDate`.

use time::{Date, Duration, Month};

/// Payline `billingCycle` codes (Payline recurring object).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BillingCycle {
    /// `10`.
    Daily,
    /// `20`.
    Weekly,
    /// `30`: twice a month.
    TwiceAMonth,
    /// `40`.
    Monthly,
    /// `50`.
    EveryTwoMonths,
    /// `60`.
    Quarterly,
    /// `70`.
    EverySixMonths,
    /// `80`.
    Yearly,
    /// `90`.
    EveryTwoYears,
}

impl BillingCycle {
    /// The cycle of a Payline code, `None` for anything else (the gateway answers `02509`).
    pub(crate) fn from_code(code: u32) -> Option<Self> {
        Some(match code {
            10 => Self::Daily,
            20 => Self::Weekly,
            30 => Self::TwiceAMonth,
            40 => Self::Monthly,
            50 => Self::EveryTwoMonths,
            60 => Self::Quarterly,
            70 => Self::EverySixMonths,
            80 => Self::Yearly,
            90 => Self::EveryTwoYears,
            _ => return None,
        })
    }

    /// The Payline code.
    pub(crate) fn code(self) -> u32 {
        match self {
            Self::Daily => 10,
            Self::Weekly => 20,
            Self::TwiceAMonth => 30,
            Self::Monthly => 40,
            Self::EveryTwoMonths => 50,
            Self::Quarterly => 60,
            Self::EverySixMonths => 70,
            Self::Yearly => 80,
            Self::EveryTwoYears => 90,
        }
    }

    fn months(self) -> Option<i64> {
        match self {
            Self::Monthly => Some(1),
            Self::EveryTwoMonths => Some(2),
            Self::Quarterly => Some(3),
            Self::EverySixMonths => Some(6),
            Self::Yearly => Some(12),
            Self::EveryTwoYears => Some(24),
            Self::Daily | Self::Weekly | Self::TwiceAMonth => None,
        }
    }
}

/// A schedule as registered (Payline `recurring` plus the payment's first due date).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Schedule {
    /// Frequency.
    pub cycle: BillingCycle,
    /// First due date.
    pub start: Date,
    /// Day of month of the due dates (1–31; 31 = last day), month-based cycles only.
    pub billing_day: Option<u8>,
    /// Number of due dates; `None` = until `end` (or forever).
    pub billing_left: Option<u32>,
    /// No due date after this day.
    pub end: Option<Date>,
    /// Amount of rank 1 (`firstAmount`, else `amount`), minor units.
    pub first_amount: u64,
    /// Amount of the following ranks, minor units.
    pub amount: u64,
    /// `newAmount` from `amountModificationDate` on.
    pub new_amount: Option<(u64, Date)>,
}

/// Most due dates a sandbox schedule may have (Payline `billingLeft` is N3).
pub(crate) const MAX_BILLINGS: u32 = 999;

fn add_months(year: i32, month: Month, months: i64) -> (i32, Month) {
    let index = i64::from(year) * 12 + i64::from(u8::from(month)) - 1 + months;
    let y = i32::try_from(index.div_euclid(12)).unwrap_or(year);
    let m = u8::try_from(index.rem_euclid(12) + 1)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .unwrap_or(month);
    (y, m)
}

/// The day `day` of a month, clamped to its last day (`31` in February → 28 or 29).
pub(crate) fn clamped_day(year: i32, month: Month, day: u8) -> Option<Date> {
    let day = day.clamp(1, month.length(year));
    Date::from_calendar_date(year, month, day).ok()
}

impl Schedule {
    /// Due date of `rank` (1-based), ignoring `billing_left` and `end`. `None` only for dates out
    /// of the calendar's range.
    pub(crate) fn raw_due_date(&self, rank: u32) -> Option<Date> {
        let n = i64::from(rank.checked_sub(1)?);
        if n == 0 {
            return Some(self.start);
        }
        let day = self.billing_day.unwrap_or(self.start.day());
        match self.cycle {
            BillingCycle::Daily => self.start.checked_add(Duration::days(n)),
            BillingCycle::Weekly => self.start.checked_add(Duration::weeks(n)),
            BillingCycle::TwiceAMonth => {
                // The two days of each month: `a` and `a + 15`, where `a` is the billing day
                // brought into 1–15 (billing day 31 → the 1st and the 16th).
                let a = (day.clamp(1, 31) - 1) % 15 + 1;
                let mut found = 0;
                let (mut y, mut m) = (self.start.year(), self.start.month());
                loop {
                    for d in [a, a + 15] {
                        let date = clamped_day(y, m, d)?;
                        if date > self.start {
                            found += 1;
                            if found == n {
                                return Some(date);
                            }
                        }
                    }
                    (y, m) = add_months(y, m, 1);
                }
            }
            cycle => {
                let step = cycle.months()?;
                let (y, m) = add_months(self.start.year(), self.start.month(), n * step);
                clamped_day(y, m, day)
            }
        }
    }

    /// Due date of `rank` when the schedule has it (within `billing_left` and `end`).
    pub(crate) fn due_date(&self, rank: u32) -> Option<Date> {
        if rank == 0 || rank > self.billing_left.unwrap_or(MAX_BILLINGS).min(MAX_BILLINGS) {
            return None;
        }
        let date = self.raw_due_date(rank)?;
        match self.end {
            Some(end) if date > end => None,
            _ => Some(date),
        }
    }

    /// Amount of `rank` due on `date`.
    pub(crate) fn amount_of(&self, rank: u32, date: Date) -> u64 {
        if rank <= 1 {
            return self.first_amount;
        }
        match self.new_amount {
            Some((amount, from)) if date >= from => amount,
            _ => self.amount,
        }
    }

    /// Every due date, in order (at most [`MAX_BILLINGS`]).
    pub(crate) fn due_dates(&self) -> Vec<(u32, Date)> {
        (1..=MAX_BILLINGS)
            .map_while(|r| self.due_date(r).map(|d| (r, d)))
            .collect()
    }

    /// Last due date when the schedule is finite (`billingLeft` or `endDate`).
    pub(crate) fn last_due_date(&self) -> Option<Date> {
        if self.billing_left.is_none() && self.end.is_none() {
            return None;
        }
        self.due_dates().last().map(|(_, d)| *d)
    }

    /// Payline `02506` warning: the card (valid to the end of its expiry month) does not cover
    /// every due date. An open-ended schedule is never covered.
    pub(crate) fn outlives_card(&self, card_last_day: Date) -> bool {
        self.last_due_date().is_none_or(|last| last > card_last_day)
    }
}

/// Payline NX consistency rule (`02509`): `payment.amount = firstAmount + (billingLeft − 1) ×
/// amount`, `firstAmount` defaulting to `amount`.
pub(crate) fn nx_amount_consistent(
    payment_amount: u64,
    first_amount: Option<u64>,
    amount: u64,
    billing_left: u32,
) -> bool {
    let Some(rest) = u64::from(billing_left.saturating_sub(1)).checked_mul(amount) else {
        return false;
    };
    billing_left >= 1 && first_amount.unwrap_or(amount).checked_add(rest) == Some(payment_amount)
}

/// The last day a card expiring `MMYY` can be used.
pub(crate) fn card_last_day(mmyy: &str) -> Option<Date> {
    let month: u8 = mmyy.get(..2)?.parse().ok()?;
    let year: i32 = mmyy.get(2..4)?.parse().ok()?;
    clamped_day(2000 + year, Month::try_from(month).ok()?, 31)
}

/// ReturnCode retry policy of the sandbox scheduler: a refused due date is tried again one day
/// later, at most [`MAX_TRIES`] times in all; then its billing record is disabled (status 4).
pub(crate) const MAX_TRIES: u32 = 3;

/// Delay between two tries of a refused due date.
pub(crate) const RETRY_DELAY: Duration = Duration::days(1);

/// Formats Payline `dd/mm/yyyy`.
pub(crate) fn payline_day(d: Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use time::macros::date;

    fn plan(cycle: u32, start: Date, billing_day: Option<u8>, left: Option<u32>) -> Schedule {
        Schedule {
            cycle: BillingCycle::from_code(cycle).expect("code"),
            start,
            billing_day,
            billing_left: left,
            end: None,
            first_amount: 1000,
            amount: 500,
            new_amount: None,
        }
    }

    fn dates(s: &Schedule, n: u32) -> Vec<Date> {
        (1..=n).filter_map(|r| s.due_date(r)).collect()
    }

    #[test]
    fn codes_round_trip_and_unknown_is_refused() {
        for code in [10, 20, 30, 40, 50, 60, 70, 80, 90] {
            assert_eq!(
                BillingCycle::from_code(code).map(BillingCycle::code),
                Some(code)
            );
        }
        for code in [0, 11, 45, 100] {
            assert_eq!(BillingCycle::from_code(code), None);
        }
    }

    #[test]
    fn every_cycle_table() {
        let start = date!(2026 - 01 - 31);
        let table: &[(u32, [Date; 4])] = &[
            (
                10,
                [
                    date!(2026 - 01 - 31),
                    date!(2026 - 02 - 01),
                    date!(2026 - 02 - 02),
                    date!(2026 - 02 - 03),
                ],
            ),
            (
                20,
                [
                    date!(2026 - 01 - 31),
                    date!(2026 - 02 - 07),
                    date!(2026 - 02 - 14),
                    date!(2026 - 02 - 21),
                ],
            ),
            (
                30,
                [
                    date!(2026 - 01 - 31),
                    date!(2026 - 02 - 01),
                    date!(2026 - 02 - 16),
                    date!(2026 - 03 - 01),
                ],
            ),
            (
                40,
                [
                    date!(2026 - 01 - 31),
                    date!(2026 - 02 - 28),
                    date!(2026 - 03 - 31),
                    date!(2026 - 04 - 30),
                ],
            ),
            (
                50,
                [
                    date!(2026 - 01 - 31),
                    date!(2026 - 03 - 31),
                    date!(2026 - 05 - 31),
                    date!(2026 - 07 - 31),
                ],
            ),
            (
                60,
                [
                    date!(2026 - 01 - 31),
                    date!(2026 - 04 - 30),
                    date!(2026 - 07 - 31),
                    date!(2026 - 10 - 31),
                ],
            ),
            (
                70,
                [
                    date!(2026 - 01 - 31),
                    date!(2026 - 07 - 31),
                    date!(2027 - 01 - 31),
                    date!(2027 - 07 - 31),
                ],
            ),
            (
                80,
                [
                    date!(2026 - 01 - 31),
                    date!(2027 - 01 - 31),
                    date!(2028 - 01 - 31),
                    date!(2029 - 01 - 31),
                ],
            ),
            (
                90,
                [
                    date!(2026 - 01 - 31),
                    date!(2028 - 01 - 31),
                    date!(2030 - 01 - 31),
                    date!(2032 - 01 - 31),
                ],
            ),
        ];
        for (code, want) in table {
            assert_eq!(
                dates(&plan(*code, start, None, None), 4),
                want.to_vec(),
                "cycle {code}"
            );
        }
    }

    #[test]
    fn twice_a_month_uses_the_billing_day_and_15_days_later() {
        let s = plan(30, date!(2026 - 01 - 05), Some(1), None);
        assert_eq!(
            dates(&s, 5),
            vec![
                date!(2026 - 01 - 05),
                date!(2026 - 01 - 16),
                date!(2026 - 02 - 01),
                date!(2026 - 02 - 16),
                date!(2026 - 03 - 01)
            ]
        );
        // Billing day 30: the 15th and the 30th, the 28th in February.
        let s = plan(30, date!(2026 - 02 - 01), Some(30), None);
        assert_eq!(
            dates(&s, 4),
            vec![
                date!(2026 - 02 - 01),
                date!(2026 - 02 - 15),
                date!(2026 - 02 - 28),
                date!(2026 - 03 - 15)
            ]
        );
    }

    #[test]
    fn billing_day_31_is_the_last_day_including_february() {
        let s = plan(40, date!(2027 - 12 - 15), Some(31), Some(14));
        let got = dates(&s, 14);
        assert_eq!(got.len(), 14);
        assert_eq!(got[0], date!(2027 - 12 - 15));
        assert_eq!(got[1], date!(2028 - 01 - 31));
        assert_eq!(got[2], date!(2028 - 02 - 29), "leap year");
        assert_eq!(got[3], date!(2028 - 03 - 31));
        assert_eq!(got[4], date!(2028 - 04 - 30));
        assert_eq!(got[13], date!(2029 - 01 - 31));
        let s = plan(40, date!(2026 - 01 - 31), Some(31), None);
        assert_eq!(s.due_date(2), Some(date!(2026 - 02 - 28)));
        let s = plan(40, date!(2026 - 01 - 10), Some(30), None);
        assert_eq!(s.due_date(2), Some(date!(2026 - 02 - 28)));
        assert_eq!(s.due_date(3), Some(date!(2026 - 03 - 30)));
    }

    #[test]
    fn billing_left_and_end_date_stop_the_schedule() {
        let s = plan(40, date!(2026 - 01 - 10), None, Some(3));
        assert_eq!(s.due_dates().len(), 3);
        assert_eq!(s.due_date(4), None);
        assert_eq!(s.due_date(0), None);
        assert_eq!(s.last_due_date(), Some(date!(2026 - 03 - 10)));
        let mut s = plan(20, date!(2026 - 01 - 01), None, None);
        s.end = Some(date!(2026 - 01 - 29));
        assert_eq!(s.due_dates().len(), 5, "01, 08, 15, 22, 29");
        s.end = Some(date!(2026 - 01 - 28));
        assert_eq!(s.due_dates().len(), 4);
        let open = plan(40, date!(2026 - 01 - 10), None, None);
        assert_eq!(open.last_due_date(), None);
        assert_eq!(open.due_dates().len(), MAX_BILLINGS as usize);
    }

    #[test]
    fn amounts_first_then_recurring_then_new_amount() {
        let mut s = plan(40, date!(2026 - 01 - 10), None, Some(5));
        s.new_amount = Some((700, date!(2026 - 03 - 10)));
        let amounts: Vec<u64> = s
            .due_dates()
            .iter()
            .map(|(r, d)| s.amount_of(*r, *d))
            .collect();
        assert_eq!(amounts, vec![1000, 500, 700, 700, 700]);
    }

    #[test]
    fn nx_consistency_rule() {
        assert!(nx_amount_consistent(3000, Some(1000), 1000, 3));
        assert!(nx_amount_consistent(2000, Some(1000), 500, 3));
        assert!(nx_amount_consistent(1500, None, 500, 3));
        assert!(!nx_amount_consistent(2001, Some(1000), 500, 3));
        assert!(!nx_amount_consistent(0, None, 500, 0));
        assert!(!nx_amount_consistent(u64::MAX, Some(1), u64::MAX, 3));
    }

    #[test]
    fn card_coverage_for_02506() {
        let last = card_last_day("0227").expect("mmyy");
        assert_eq!(last, date!(2027 - 02 - 28));
        let s = plan(40, date!(2026 - 06 - 28), None, Some(9));
        assert_eq!(s.last_due_date(), Some(date!(2027 - 02 - 28)));
        assert!(!s.outlives_card(last));
        let s = plan(40, date!(2026 - 06 - 28), None, Some(10));
        assert!(s.outlives_card(last));
        assert!(plan(40, date!(2026 - 06 - 28), None, None).outlives_card(last));
        assert_eq!(card_last_day("1399"), None);
        assert_eq!(card_last_day("12"), None);
    }

    #[test]
    fn payline_day_format() {
        assert_eq!(payline_day(date!(2027 - 02 - 03)), "03/02/2027");
    }
}
