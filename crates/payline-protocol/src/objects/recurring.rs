//! `recurring`: an instalment or subscription schedule (PROTOCOL.md §5.8.3).

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
}
