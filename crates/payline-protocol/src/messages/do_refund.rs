//! `doRefund` (DirectPaymentAPI): Refund of a captured payment (Payline doRefund).

use serde::{Deserialize, Serialize};

use crate::objects::{Details, MiscData, PaylineResult, Payment, PrivateDataList, Transaction};

messages! {
    /// `doRefundRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DoRefundRequest {
        #[serde(default)]
        pub version: String = version,
        #[serde(rename = "transactionID", default)]
        pub transaction_id: String,
        pub payment: Payment = arg,
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
        pub result: PaylineResult = arg,
        #[serde(default)]
        pub transaction: Transaction,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub misc_data: Option<MiscData>,
    }
}
