//! `updatePaymentRecord` (DirectPaymentAPI): Change the remaining due dates of a payment record (Payline wallet and payment record operations).

use serde::{Deserialize, Serialize};

use super::{Operation, Request, Response};
use crate::objects::{Order, PaylineResult, PrivateDataList, Recurring, RecurringForUpdate};

/// `updatePaymentRecordRequest` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdatePaymentRecordRequest {
    #[serde(default, with = "crate::wire::nil")]
    pub version: Option<String>,
    #[serde(default)]
    pub contract_number: String,
    #[serde(default)]
    pub payment_record_id: String,
    #[serde(default)]
    pub recurring: RecurringForUpdate,
}

/// `updatePaymentRecordResponse` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdatePaymentRecordResponse {
    pub result: PaylineResult,
    /// Mandatory in the schema; Payline leaves it out of error answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurring: Option<Recurring>,
    #[serde(default)]
    pub is_disabled: String,
    #[serde(default)]
    pub disable_date: String,
    #[serde(default)]
    pub private_data_list: PrivateDataList,
    /// Mandatory in the schema; Payline leaves it out of error answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<Order>,
    #[serde(default)]
    pub wallet_id: String,
}

impl Request for UpdatePaymentRecordRequest {
    const OPERATION: Operation = Operation::UpdatePaymentRecord;
    type Response = UpdatePaymentRecordResponse;
}

impl Response for UpdatePaymentRecordResponse {
    const OPERATION: Operation = Operation::UpdatePaymentRecord;
}

impl UpdatePaymentRecordRequest {
    /// A `UpdatePaymentRecordRequest` at the current `version`; other elements start empty or absent.
    pub fn new(
        contract_number: impl Into<String>,
        payment_record_id: impl Into<String>,
        recurring: RecurringForUpdate,
    ) -> Self {
        Self {
            version: Some(super::VERSION.to_owned()),
            contract_number: contract_number.into(),
            payment_record_id: payment_record_id.into(),
            recurring,
        }
    }
}

impl UpdatePaymentRecordResponse {
    /// A `UpdatePaymentRecordResponse` from its result; other elements start empty or absent.
    pub fn new(result: PaylineResult) -> Self {
        Self {
            result,
            recurring: None,
            is_disabled: Default::default(),
            disable_date: Default::default(),
            private_data_list: Default::default(),
            order: None,
            wallet_id: Default::default(),
        }
    }
}

/// The current `version`, every other element empty or absent (to fill field by field).
impl Default for UpdatePaymentRecordRequest {
    fn default() -> Self {
        Self::new("", "", Default::default())
    }
}
