//! `doDebit` (DirectPaymentAPI): a debit of a card (action 204) under an authorization the
//! merchant obtained out of band, whose number and date it gives (Payline doCredit / doDebit).

use serde::{Deserialize, Serialize};

use crate::objects::{
    Authentication3DSecure, Authorization, Buyer, Card, CardOut, ExtendedCard, Order, Owner,
    PaylineResult, Payment, PrivateDataList, SubMerchant, Transaction,
};

messages! {
    /// `doDebitRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DoDebitRequest {
        #[serde(default)]
        pub version: String = version,
        pub payment: Payment = arg,
        pub card: Card = arg,
        pub order: Order = arg,
        #[serde(default, with = "crate::wire::nil")]
        pub buyer: Option<Buyer>,
        #[serde(default, with = "crate::wire::nil")]
        pub owner: Option<Owner>,
        #[serde(default, with = "crate::wire::nil")]
        pub private_data_list: Option<PrivateDataList>,
        #[serde(default, with = "crate::wire::nil")]
        pub misc_data: Option<String>,
        #[serde(rename = "authentication3DSecure", default, with = "crate::wire::nil")]
        pub authentication_3d_secure: Option<Authentication3DSecure>,
        #[serde(default)]
        pub authorization: Authorization = arg,
        #[serde(default, with = "crate::wire::nil")]
        pub media: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub sub_merchant: Option<SubMerchant>,
    }

    /// `doDebitResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DoDebitResponse {
        pub result: PaylineResult = arg,
        #[serde(default)]
        pub transaction: Transaction,
        #[serde(default)]
        pub card: CardOut,
        #[serde(default)]
        pub extended_card: ExtendedCard,
    }
}
