//! `getBillingRecord` (DirectPaymentAPI): Read one due date (billing record) of a payment record (Payline wallet and payment record operations).

use serde::{Deserialize, Serialize};

use super::{Operation, Request, Response};
use crate::objects::{BillingRecord, Order, PaylineResult, PrivateDataList, Recurring};

/// `getBillingRecordRequest` (impl namespace).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetBillingRecordRequest {
    #[serde(default)]
    pub contract_number: String,
    #[serde(default)]
    pub payment_record_id: String,
    #[serde(default)]
    pub billing_record_id: String,
}

/// `getBillingRecordResponse` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetBillingRecordResponse {
    pub result: PaylineResult,
    /// Mandatory in the schema; Payline leaves it out of error answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurring: Option<Recurring>,
    #[serde(default, with = "crate::wire::nil")]
    pub is_disabled: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub disable_date: Option<String>,
    /// Mandatory in the schema; Payline leaves it out of error answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_record: Option<BillingRecord>,
    #[serde(default, with = "crate::wire::nil")]
    pub order: Option<Order>,
    #[serde(default, with = "crate::wire::nil")]
    pub private_data_list: Option<PrivateDataList>,
    #[serde(default)]
    pub wallet_id: String,
}

impl Request for GetBillingRecordRequest {
    const OPERATION: Operation = Operation::GetBillingRecord;
    type Response = GetBillingRecordResponse;
}

impl Response for GetBillingRecordResponse {
    const OPERATION: Operation = Operation::GetBillingRecord;
}

impl GetBillingRecordRequest {
    /// A `GetBillingRecordRequest` at the current `version`; other elements start empty or absent.
    pub fn new(
        contract_number: impl Into<String>,
        payment_record_id: impl Into<String>,
        billing_record_id: impl Into<String>,
    ) -> Self {
        Self {
            contract_number: contract_number.into(),
            payment_record_id: payment_record_id.into(),
            billing_record_id: billing_record_id.into(),
        }
    }
}

impl GetBillingRecordResponse {
    /// A `GetBillingRecordResponse` from its result; other elements start empty or absent.
    pub fn new(result: PaylineResult) -> Self {
        Self {
            result,
            recurring: None,
            is_disabled: None,
            disable_date: None,
            billing_record: None,
            order: None,
            private_data_list: None,
            wallet_id: Default::default(),
        }
    }
}
