//! `isRegistered` (DirectPaymentAPI): whether the buyer is registered with a partner payment
//! method, with the partner's token and data (Payline other DirectPaymentAPI operations).

use serde::{Deserialize, Serialize};

use crate::objects::{Buyer, Order, PaylineResult, Payment, PrivateDataList};

messages! {
    /// `isRegisteredRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct IsRegisteredRequest {
        #[serde(default)]
        pub version: String = version,
        pub payment: Payment = arg,
        pub order: Order = arg,
        #[serde(default, with = "crate::wire::nil")]
        pub private_data_list: Option<PrivateDataList>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub buyer: Option<Buyer>,
        #[serde(default, with = "crate::wire::nil")]
        pub misc_data: Option<String>,
    }

    /// `isRegisteredResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct IsRegisteredResponse {
        pub result: PaylineResult = arg,
        #[serde(default)]
        pub token: String,
        #[serde(default)]
        pub data: String,
    }
}
