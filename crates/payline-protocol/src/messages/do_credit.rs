//! `doCredit` (DirectPaymentAPI): Stand-alone credit to a card (Payline doCredit).

use serde::{Deserialize, Serialize};

use crate::objects::{
    Buyer, Card, CardOut, ExtendedCard, Order, Owner, PaylineResult, Payment, PrivateDataList,
    SubMerchant, Transaction,
};

messages! {
    /// `doCreditRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DoCreditRequest {
        #[serde(default)]
        pub version: String = version,
        pub payment: Payment = arg,
        pub card: Card = arg,
        #[serde(default, with = "crate::wire::nil")]
        pub comment: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub order: Option<Order>,
        #[serde(default, with = "crate::wire::nil")]
        pub buyer: Option<Buyer>,
        #[serde(default, with = "crate::wire::nil")]
        pub owner: Option<Owner>,
        #[serde(default, with = "crate::wire::nil")]
        pub private_data_list: Option<PrivateDataList>,
        #[serde(default, with = "crate::wire::nil")]
        pub misc_data: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub media: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub sub_merchant: Option<SubMerchant>,
    }

    /// `doCreditResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DoCreditResponse {
        pub result: PaylineResult = arg,
        #[serde(default)]
        pub transaction: Transaction,
        #[serde(default)]
        pub card: CardOut,
        #[serde(default)]
        pub extended_card: ExtendedCard,
    }
}
