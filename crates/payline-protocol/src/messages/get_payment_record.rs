//! `getPaymentRecord` (DirectPaymentAPI): Read a payment record (schedule) and its billing records (Payline wallet and payment record operations).

use serde::{Deserialize, Serialize};

use super::{Operation, Request, Response};
use crate::objects::{BillingRecordList, Order, PaylineResult, PrivateDataList, Recurring};

/// `getPaymentRecordRequest` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetPaymentRecordRequest {
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub contract_number: String,
    #[serde(default)]
    pub payment_record_id: String,
}

/// `getPaymentRecordResponse` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetPaymentRecordResponse {
    pub result: PaylineResult,
    /// Mandatory in the schema; Payline leaves it out of error answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurring: Option<Recurring>,
    #[serde(default, with = "crate::wire::nil")]
    pub is_disabled: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub disable_date: Option<String>,
    #[serde(default)]
    pub billing_record_list: BillingRecordList,
    #[serde(default, with = "crate::wire::nil")]
    pub private_data_list: Option<PrivateDataList>,
    #[serde(default, with = "crate::wire::nil")]
    pub order: Option<Order>,
    #[serde(default)]
    pub wallet_id: String,
}

impl Request for GetPaymentRecordRequest {
    const OPERATION: Operation = Operation::GetPaymentRecord;
    type Response = GetPaymentRecordResponse;
}

impl Response for GetPaymentRecordResponse {
    const OPERATION: Operation = Operation::GetPaymentRecord;
}

impl GetPaymentRecordRequest {
    /// A `GetPaymentRecordRequest` at the current `version`; other elements start empty or absent.
    pub fn new(contract_number: impl Into<String>, payment_record_id: impl Into<String>) -> Self {
        Self {
            version: super::VERSION.to_owned(),
            contract_number: contract_number.into(),
            payment_record_id: payment_record_id.into(),
        }
    }
}

impl GetPaymentRecordResponse {
    /// A `GetPaymentRecordResponse` from its result; other elements start empty or absent.
    pub fn new(result: PaylineResult) -> Self {
        Self {
            result,
            recurring: None,
            is_disabled: None,
            disable_date: None,
            billing_record_list: Default::default(),
            private_data_list: None,
            order: None,
            wallet_id: Default::default(),
        }
    }
}

/// The current `version`, every other element empty or absent (to fill field by field).
impl Default for GetPaymentRecordRequest {
    fn default() -> Self {
        Self::new("", "")
    }
}
