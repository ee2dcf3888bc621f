//! Payment records (schedules) and their billing records, the due dates (Payline recurring object).

use serde::{Deserialize, Serialize};

use super::{Authorization, PaylineResult, Transaction};
use crate::values::{Amount, BillingRecordStatus, Date, DateTimeMinutes};

/// WSDL `billingRecordList`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingRecordList {
    #[serde(default)]
    pub billing_record: Vec<BillingRecord>,
}

/// WSDL `billingRecord`: one due date of a payment record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingRecord {
    pub date: Date,
    pub amount: Amount,
    pub status: BillingRecordStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<PaylineResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction: Option<Transaction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization: Option<Authorization>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nb_try: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<String>,
}

impl BillingRecord {
    /// A `BillingRecord` from its mandatory values; other elements start empty or absent.
    pub fn new(date: Date, amount: Amount, status: BillingRecordStatus) -> Self {
        Self {
            date,
            amount,
            status,
            result: None,
            transaction: None,
            authorization: None,
            nb_try: None,
            rank: None,
        }
    }
}

/// WSDL `billingRecordForUpdate` (updateBillingRecord): nil elements are left unchanged.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingRecordForUpdate {
    #[serde(default, with = "crate::wire::nil")]
    pub date: Option<Date>,
    #[serde(default, with = "crate::wire::nil")]
    pub amount: Option<Amount>,
    #[serde(default, with = "crate::wire::nil")]
    pub status: Option<BillingRecordStatus>,
    #[serde(default, with = "crate::wire::nil")]
    pub execution_date: Option<String>,
}

/// WSDL `recurringForUpdate` (updatePaymentRecord): nil elements are left unchanged.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecurringForUpdate {
    #[serde(default, with = "crate::wire::nil")]
    pub billing_left: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub billing_day: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub end_date: Option<DateTimeMinutes>,
    #[serde(default, with = "crate::wire::nil")]
    pub new_amount: Option<Amount>,
    #[serde(default, with = "crate::wire::nil")]
    pub amount_modification_date: Option<DateTimeMinutes>,
}

impl From<Vec<BillingRecord>> for BillingRecordList {
    fn from(billing_record: Vec<BillingRecord>) -> Self {
        Self { billing_record }
    }
}
