//! `doImmediateWalletPayment` (DirectPaymentAPI): Pay now with the card of a wallet (modes CPT and DIF) (Payline wallet and payment record operations).

use serde::{Deserialize, Serialize};

use crate::objects::{
    Authentication3DSecure, Authorization, Buyer, Order, PaylineResult, Payment, PrivateDataList,
    Recurring, SubMerchant, ThreeDsInfo, Transaction,
};
use crate::secret::Secret;

messages! {
    /// `doImmediateWalletPaymentRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DoImmediateWalletPaymentRequest {
        #[serde(default)]
        pub version: String = version,
        pub payment: Payment = arg,
        pub order: Order = arg,
        #[serde(default, with = "crate::wire::nil")]
        pub buyer: Option<Buyer>,
        #[serde(default)]
        pub wallet_id: String = into,
        #[serde(default, with = "crate::wire::nil")]
        pub card_ind: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub cvx: Option<Secret>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub recurring: Option<Recurring>,
        #[serde(default, with = "crate::wire::nil")]
        pub private_data_list: Option<PrivateDataList>,
        #[serde(default, with = "crate::wire::nil")]
        pub media: Option<String>,
        #[serde(rename = "authentication3DSecure", default, with = "crate::wire::nil")]
        pub authentication_3d_secure: Option<Authentication3DSecure>,
        #[serde(default, with = "crate::wire::nil")]
        pub sub_merchant: Option<SubMerchant>,
        #[serde(default, with = "crate::wire::nil")]
        pub linked_transaction_id: Option<String>,
        #[serde(rename = "threeDSInfo", default, with = "crate::wire::nil")]
        pub three_ds_info: Option<ThreeDsInfo>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub travel_file_number: Option<String>,
    }

    /// `doImmediateWalletPaymentResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DoImmediateWalletPaymentResponse {
        pub result: PaylineResult = arg,
        #[serde(default, with = "crate::wire::nil")]
        pub transaction: Option<Transaction>,
        #[serde(default, with = "crate::wire::nil")]
        pub authorization: Option<Authorization>,
        #[serde(rename = "authentication3DSecure", default, with = "crate::wire::nil")]
        pub authentication_3d_secure: Option<Authentication3DSecure>,
        #[serde(default, with = "crate::wire::nil")]
        pub linked_transaction_id: Option<String>,
    }
}
