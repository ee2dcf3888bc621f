//! `doReAuthorization` (DirectPaymentAPI): Renewal of an earlier authorization (Payline doReAuthorization).

use serde::{Deserialize, Serialize};

use crate::objects::{
    CardOut, ExtendedCard, Order, PaylineResult, Payment, PrivateDataList, Transaction,
};

messages! {
    /// `doReAuthorizationRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DoReAuthorizationRequest {
        #[serde(default)]
        pub version: String = version,
        #[serde(rename = "transactionID", default)]
        pub transaction_id: String,
        pub payment: Payment = arg,
        pub order: Order = arg,
        #[serde(default, with = "crate::wire::nil")]
        pub private_data_list: Option<PrivateDataList>,
        #[serde(default, with = "crate::wire::nil")]
        pub media: Option<String>,
    }

    /// `doReAuthorizationResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DoReAuthorizationResponse {
        pub result: PaylineResult = arg,
        #[serde(default)]
        pub transaction: Transaction,
        #[serde(default)]
        pub card: CardOut,
        #[serde(default)]
        pub extended_card: ExtendedCard,
    }
}
