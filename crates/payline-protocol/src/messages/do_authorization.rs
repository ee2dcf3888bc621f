//! `doAuthorization` (DirectPaymentAPI): Authorization of a card payment, with or without capture (Payline doAuthorization).

use serde::{Deserialize, Serialize};

use crate::objects::{
    Authentication3DSecure, Authorization, BankAccountData, Buyer, Card, CardOut, ExtendedCard,
    Order, Owner, PaylineResult, Payment, PrivateDataList, Recurring, SubMerchant, ThreeDsInfo,
    Transaction,
};

messages! {
    /// `doAuthorizationRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DoAuthorizationRequest {
        #[serde(default, with = "crate::wire::nil")]
        pub transient: Option<String>,
        #[serde(default)]
        pub version: String = version,
        pub payment: Payment = arg,
        #[serde(default)]
        pub bank_account_data: BankAccountData,
        pub card: Card = arg,
        pub order: Order = arg,
        #[serde(default, with = "crate::wire::nil")]
        pub buyer: Option<Buyer>,
        #[serde(default, with = "crate::wire::nil")]
        pub owner: Option<Owner>,
        #[serde(default, with = "crate::wire::nil")]
        pub private_data_list: Option<PrivateDataList>,
        #[serde(rename = "authentication3DSecure", default, with = "crate::wire::nil")]
        pub authentication_3d_secure: Option<Authentication3DSecure>,
        #[serde(default, with = "crate::wire::nil")]
        pub media: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub sub_merchant: Option<SubMerchant>,
        #[serde(default, with = "crate::wire::nil")]
        pub asynchronous_retry_timeout: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub linked_transaction_id: Option<String>,
        #[serde(rename = "threeDSInfo", default, with = "crate::wire::nil")]
        pub three_ds_info: Option<ThreeDsInfo>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub travel_file_number: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub recurring: Option<Recurring>,
    }

    /// `doAuthorizationResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DoAuthorizationResponse {
        #[serde(default, with = "crate::wire::nil")]
        pub transient: Option<String>,
        pub result: PaylineResult = arg,
        #[serde(default)]
        pub transaction: Transaction,
        #[serde(default)]
        pub authorization: Authorization,
        #[serde(default)]
        pub card: CardOut,
        #[serde(default)]
        pub extended_card: ExtendedCard,
        #[serde(default, with = "crate::wire::nil")]
        pub private_data_list: Option<PrivateDataList>,
        #[serde(default)]
        pub contract_number: String,
        #[serde(default, with = "crate::wire::nil")]
        pub linked_transaction_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub travel_file_number: Option<String>,
        #[serde(
            rename = "authentication3DSecure",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        pub authentication_3d_secure: Option<Authentication3DSecure>,
        #[serde(default, with = "crate::wire::nil")]
        pub result_container: Option<String>,
    }
}
