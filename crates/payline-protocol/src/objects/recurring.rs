//! `recurring`: an instalment or subscription schedule (Payline recurring object).

use serde::{Deserialize, Serialize};

use crate::values::{Amount, BillingCycle, Date, DateTimeMinutes};

/// WSDL `recurring`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recurring {
    #[serde(default, with = "crate::wire::nil")]
    pub first_amount: Option<Amount>,
    pub amount: Amount,
    pub billing_cycle: BillingCycle,
    #[serde(default)]
    pub billing_left: String,
    #[serde(default, with = "crate::wire::nil")]
    pub billing_day: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub start_date: Option<Date>,
    #[serde(default, with = "crate::wire::nil")]
    pub end_date: Option<DateTimeMinutes>,
    #[serde(default, with = "crate::wire::nil")]
    pub new_amount: Option<Amount>,
    #[serde(default, with = "crate::wire::nil")]
    pub amount_modification_date: Option<DateTimeMinutes>,
    #[serde(default, with = "crate::wire::nil")]
    pub billing_rank: Option<String>,
}

impl Recurring {
    /// A `Recurring` from its mandatory typed values; mandatory text
    /// elements start empty, optional ones absent.
    pub fn new(amount: Amount, billing_cycle: BillingCycle) -> Self {
        Self {
            first_amount: None,
            amount,
            billing_cycle,
            billing_left: Default::default(),
            billing_day: None,
            start_date: None,
            end_date: None,
            new_amount: None,
            amount_modification_date: None,
            billing_rank: None,
        }
    }

    /// Payment in instalments (mode NX): `billing_left` due dates, the first of
    /// `first_amount` and the others of `amount`. Payline requires
    /// `payment.amount = first_amount + (billing_left − 1) × amount` (code 02509 otherwise).
    pub fn instalments(
        first_amount: Amount,
        amount: Amount,
        billing_cycle: BillingCycle,
        billing_left: u16,
    ) -> Self {
        Self {
            first_amount: Some(first_amount),
            billing_left: billing_left.to_string(),
            ..Self::new(amount, billing_cycle)
        }
    }

    /// A subscription (mode REC): `amount` every `billing_cycle` from `start_date` until the
    /// record is disabled.
    pub fn subscription(amount: Amount, billing_cycle: BillingCycle, start_date: Date) -> Self {
        Self {
            start_date: Some(start_date),
            ..Self::new(amount, billing_cycle)
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn instalments_and_subscriptions_fill_the_documented_fields() {
        let nx = Recurring::instalments(
            Amount::from_minor(3400).unwrap(),
            Amount::from_minor(3300).unwrap(),
            BillingCycle::MONTHLY,
            3,
        );
        assert_eq!(nx.first_amount.map(|a| a.minor()), Some(3400));
        assert_eq!(nx.amount.minor(), 3300);
        assert_eq!(nx.billing_left, "3");
        assert_eq!(nx.start_date, None);

        let start: Date = "31/01/2027".parse().unwrap();
        let rec = Recurring::subscription(
            Amount::from_minor(999).unwrap(),
            BillingCycle::MONTHLY,
            start,
        );
        assert_eq!(rec.start_date, Some(start));
        assert_eq!(rec.first_amount, None);
        assert_eq!(rec.billing_left, "");
    }
}
