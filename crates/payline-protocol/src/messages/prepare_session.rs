//! `prepareSession` (DirectPaymentAPI): opens a partner payment session, Apple Pay's, for an
//! order (Payline other DirectPaymentAPI operations, 4.74).

use serde::{Deserialize, Serialize};

use crate::objects::PaylineResult;

messages! {
    /// `prepareSessionRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct PrepareSessionRequest {
        #[serde(default)]
        pub version: String = version,
        #[serde(default)]
        pub contract_number: String = into,
        #[serde(default)]
        pub order_ref: String = into,
        #[serde(default)]
        pub misc_data: String,
    }

    /// `prepareSessionResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct PrepareSessionResponse {
        pub result: PaylineResult = arg,
        #[serde(default)]
        pub data: String,
    }
}
