//! `doCapture` (DirectPaymentAPI): Capture of an accepted authorization (Payline doCapture).

use serde::{Deserialize, Serialize};

use super::{Operation, Request, Response};
use crate::objects::{PaylineResult, Payment, PrivateDataList, Transaction};

/// `doCaptureRequest` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DoCaptureRequest {
    #[serde(default)]
    pub version: String,
    #[serde(rename = "transactionID", default)]
    pub transaction_id: String,
    pub payment: Payment,
    #[serde(default, with = "crate::wire::nil")]
    pub private_data_list: Option<PrivateDataList>,
    #[serde(default, with = "crate::wire::nil")]
    pub sequence_number: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub media: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub misc_data: Option<String>,
}

/// `doCaptureResponse` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DoCaptureResponse {
    pub result: PaylineResult,
    #[serde(default)]
    pub transaction: Transaction,
    #[serde(default, with = "crate::wire::nil")]
    pub re_authorization: Option<String>,
}

impl Request for DoCaptureRequest {
    const OPERATION: Operation = Operation::DoCapture;
    type Response = DoCaptureResponse;
}

impl Response for DoCaptureResponse {
    const OPERATION: Operation = Operation::DoCapture;
}

impl DoCaptureRequest {
    /// A `DoCaptureRequest` from its mandatory typed values; mandatory text
    /// elements start empty, optional ones absent.
    pub fn new(payment: Payment) -> Self {
        Self {
            version: super::VERSION.to_owned(),
            transaction_id: Default::default(),
            payment,
            private_data_list: None,
            sequence_number: None,
            media: None,
            misc_data: None,
        }
    }
}

impl DoCaptureResponse {
    /// A `DoCaptureResponse` from its mandatory typed values; mandatory text
    /// elements start empty, optional ones absent.
    pub fn new(result: PaylineResult) -> Self {
        Self {
            result,
            transaction: Default::default(),
            re_authorization: None,
        }
    }
}
