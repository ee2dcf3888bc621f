//! `doRefund` (DirectPaymentAPI): Refund of a captured payment (Payline doRefund).

use serde::{Deserialize, Serialize};

use super::{Operation, Request, Response};
use crate::objects::{Details, MiscData, PaylineResult, Payment, PrivateDataList, Transaction};

/// `doRefundRequest` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DoRefundRequest {
    #[serde(default)]
    pub version: String,
    #[serde(rename = "transactionID", default)]
    pub transaction_id: String,
    pub payment: Payment,
    #[serde(default, with = "crate::wire::nil")]
    pub comment: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub private_data_list: Option<PrivateDataList>,
    #[serde(default, with = "crate::wire::nil")]
    pub sequence_number: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub media: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Details>,
    #[serde(default, with = "crate::wire::nil")]
    pub misc_data: Option<String>,
}

/// `doRefundResponse` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DoRefundResponse {
    pub result: PaylineResult,
    #[serde(default)]
    pub transaction: Transaction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub misc_data: Option<MiscData>,
}

impl Request for DoRefundRequest {
    const OPERATION: Operation = Operation::DoRefund;
    type Response = DoRefundResponse;
}

impl Response for DoRefundResponse {
    const OPERATION: Operation = Operation::DoRefund;
}

impl DoRefundRequest {
    /// A `DoRefundRequest` from its mandatory typed values; mandatory text
    /// elements start empty, optional ones absent.
    pub fn new(payment: Payment) -> Self {
        Self {
            version: super::VERSION.to_owned(),
            transaction_id: Default::default(),
            payment,
            comment: None,
            private_data_list: None,
            sequence_number: None,
            media: None,
            details: None,
            misc_data: None,
        }
    }
}

impl DoRefundResponse {
    /// A `DoRefundResponse` from its mandatory typed values; mandatory text
    /// elements start empty, optional ones absent.
    pub fn new(result: PaylineResult) -> Self {
        Self {
            result,
            transaction: Default::default(),
            misc_data: None,
        }
    }
}
