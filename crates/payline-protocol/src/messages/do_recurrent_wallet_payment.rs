//! `doRecurrentWalletPayment` (DirectPaymentAPI): Create a payment record: instalments (NX) or a subscription (REC) billed by the gateway from a wallet (Payline wallet and payment record operations, recurring object).

use serde::{Deserialize, Serialize};

use crate::objects::{
    Authentication3DSecure, BillingRecordList, Order, PaylineResult, Payment, PrivateDataList,
    Recurring,
};
use crate::secret::Secret;
use crate::values::{Date, DateTimeMinutes};

messages! {
    /// `doRecurrentWalletPaymentRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DoRecurrentWalletPaymentRequest {
        #[serde(default)]
        pub version: String = version,
        pub payment: Payment = arg,
        #[serde(default)]
        pub order_ref: String = into,
        pub order_date: DateTimeMinutes = arg,
        pub scheduled_date: Date = arg,
        #[serde(default)]
        pub wallet_id: String = into,
        #[serde(default, with = "crate::wire::nil")]
        pub card_ind: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub cvx: Option<Secret>,
        pub recurring: Recurring = arg,
        #[serde(default, with = "crate::wire::nil")]
        pub private_data_list: Option<PrivateDataList>,
        #[serde(default, with = "crate::wire::nil")]
        pub order: Option<Order>,
        #[serde(default, with = "crate::wire::nil")]
        pub media: Option<String>,
        #[serde(
            rename = "authentication3DSecure",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        pub authentication_3d_secure: Option<Authentication3DSecure>,
        #[serde(default, with = "crate::wire::nil")]
        pub linked_transaction_id: Option<String>,
    }

    /// `doRecurrentWalletPaymentResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DoRecurrentWalletPaymentResponse {
        pub result: PaylineResult = arg,
        #[serde(default)]
        pub payment_record_id: String,
        #[serde(default)]
        pub billing_record_list: BillingRecordList,
    }
}
