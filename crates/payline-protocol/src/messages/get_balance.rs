//! `getBalance` (DirectPaymentAPI): the balance of a gift card (Payline other DirectPaymentAPI
//! operations).

use serde::{Deserialize, Serialize};

use crate::objects::{Balance, PaylineResult};

messages! {
    /// `getBalanceRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct GetBalanceRequest {
        #[serde(default)]
        pub version: String = version,
        #[serde(rename = "cardID", default)]
        pub card_id: String = into,
        #[serde(default)]
        pub contract_number: String = into,
    }

    /// `getBalanceResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct GetBalanceResponse {
        pub result: PaylineResult = arg,
        #[serde(default)]
        pub balance: Balance,
        #[serde(default)]
        pub crdproduct: String,
        #[serde(default)]
        pub crdprogram: String,
        #[serde(default)]
        pub crddesign: String,
    }
}
