//! `unBlock` (DirectPaymentAPI): release a transaction held by the fraud module (Payline other
//! DirectPaymentAPI operations). The schema puts `version` last.

use serde::{Deserialize, Serialize};

use crate::objects::PaylineResult;

messages! {
    /// `unBlockRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct UnBlockRequest {
        #[serde(rename = "transactionID", default)]
        pub transaction_id: String = into,
        #[serde(default, with = "crate::wire::nil")]
        pub transaction_date: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub version: Option<String> = version,
    }

    /// `unBlockResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct UnBlockResponse {
        pub result: PaylineResult = arg,
    }
}
