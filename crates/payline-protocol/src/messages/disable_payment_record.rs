//! `disablePaymentRecord` (DirectPaymentAPI): Stop a payment record: no further due date is billed (Payline wallet and payment record operations).

use serde::{Deserialize, Serialize};

use super::{Operation, Request, Response};
use crate::objects::PaylineResult;

/// `disablePaymentRecordRequest` (impl namespace).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DisablePaymentRecordRequest {
    #[serde(default)]
    pub contract_number: String,
    #[serde(default)]
    pub payment_record_id: String,
}

/// `disablePaymentRecordResponse` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DisablePaymentRecordResponse {
    pub result: PaylineResult,
}

impl Request for DisablePaymentRecordRequest {
    const OPERATION: Operation = Operation::DisablePaymentRecord;
    type Response = DisablePaymentRecordResponse;
}

impl Response for DisablePaymentRecordResponse {
    const OPERATION: Operation = Operation::DisablePaymentRecord;
}

impl DisablePaymentRecordRequest {
    /// A `DisablePaymentRecordRequest` at the current `version`; other elements start empty or absent.
    pub fn new(contract_number: impl Into<String>, payment_record_id: impl Into<String>) -> Self {
        Self {
            contract_number: contract_number.into(),
            payment_record_id: payment_record_id.into(),
        }
    }
}

impl DisablePaymentRecordResponse {
    /// A `DisablePaymentRecordResponse` from its result; other elements start empty or absent.
    pub fn new(result: PaylineResult) -> Self {
        Self { result }
    }
}
