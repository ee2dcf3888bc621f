//! `updatePaymentRecord` (DirectPaymentAPI): Change the remaining due dates of a payment record (Payline wallet and payment record operations).

use serde::{Deserialize, Serialize};

use crate::objects::{Order, PaylineResult, PrivateDataList, Recurring, RecurringForUpdate};

messages! {
    /// `updatePaymentRecordRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct UpdatePaymentRecordRequest {
        #[serde(default, with = "crate::wire::nil")]
        pub version: Option<String> = version,
        #[serde(default)]
        pub contract_number: String = into,
        #[serde(default)]
        pub payment_record_id: String = into,
        #[serde(default)]
        pub recurring: RecurringForUpdate = arg,
    }

    /// `updatePaymentRecordResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct UpdatePaymentRecordResponse {
        pub result: PaylineResult = arg,
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
}

/// The current `version`, every other element empty or absent (to fill field by field).
impl Default for UpdatePaymentRecordRequest {
    fn default() -> Self {
        Self::new("", "", Default::default())
    }
}
