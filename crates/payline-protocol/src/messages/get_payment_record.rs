//! `getPaymentRecord` (DirectPaymentAPI): Read a payment record (schedule) and its billing records (Payline wallet and payment record operations).

use serde::{Deserialize, Serialize};

use crate::objects::{BillingRecordList, Order, PaylineResult, PrivateDataList, Recurring};

messages! {
    /// `getPaymentRecordRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct GetPaymentRecordRequest {
        #[serde(default)]
        pub version: String = version,
        #[serde(default)]
        pub contract_number: String = into,
        #[serde(default)]
        pub payment_record_id: String = into,
    }

    /// `getPaymentRecordResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct GetPaymentRecordResponse {
        pub result: PaylineResult = arg,
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
}

/// The current `version`, every other element empty or absent (to fill field by field).
impl Default for GetPaymentRecordRequest {
    fn default() -> Self {
        Self::new("", "")
    }
}
