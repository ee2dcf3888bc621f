//! `getBillingRecord` (DirectPaymentAPI): Read one due date (billing record) of a payment record (Payline wallet and payment record operations).

use serde::{Deserialize, Serialize};

use crate::objects::{BillingRecord, Order, PaylineResult, PrivateDataList, Recurring};

messages! {
    /// `getBillingRecordRequest` (impl namespace).
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct GetBillingRecordRequest {
        #[serde(default)]
        pub contract_number: String = into,
        #[serde(default)]
        pub payment_record_id: String = into,
        #[serde(default)]
        pub billing_record_id: String = into,
    }

    /// `getBillingRecordResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct GetBillingRecordResponse {
        pub result: PaylineResult = arg,
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
}
