//! `doScheduledWalletPayment` (DirectPaymentAPI): Pay once on a future date with the card of a wallet (Payline wallet and payment record operations).

use serde::{Deserialize, Serialize};

use crate::objects::{
    Authentication3DSecure, Order, PaylineResult, Payment, PrivateDataList, Recurring, SubMerchant,
};
use crate::values::{Date, DateTimeMinutes};

messages! {
    /// `doScheduledWalletPaymentRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DoScheduledWalletPaymentRequest {
        #[serde(default)]
        pub version: String = version,
        pub payment: Payment = arg,
        #[serde(default, with = "crate::wire::nil")]
        pub order_ref: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub order_date: Option<DateTimeMinutes>,
        pub scheduled_date: Date = arg,
        #[serde(default)]
        pub wallet_id: String = into,
        #[serde(default, with = "crate::wire::nil")]
        pub card_ind: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub order: Option<Order>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub recurring: Option<Recurring>,
        #[serde(
            rename = "authentication3DSecure",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        pub authentication_3d_secure: Option<Authentication3DSecure>,
        #[serde(default, with = "crate::wire::nil")]
        pub private_data_list: Option<PrivateDataList>,
        #[serde(default, with = "crate::wire::nil")]
        pub media: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub sub_merchant: Option<SubMerchant>,
        #[serde(default, with = "crate::wire::nil")]
        pub linked_transaction_id: Option<String>,
    }

    /// `doScheduledWalletPaymentResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DoScheduledWalletPaymentResponse {
        pub result: PaylineResult = arg,
        #[serde(default)]
        pub payment_record_id: String,
    }
}
