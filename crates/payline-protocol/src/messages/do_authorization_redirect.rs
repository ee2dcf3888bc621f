//! `doAuthorizationRedirect` (DirectPaymentAPI): an authorization whose 3-D Secure redirection
//! Payline runs itself; the outcome is read with getWebPaymentDetails (Payline
//! doAuthorizationRedirect, v17).

use serde::{Deserialize, Serialize};

use crate::objects::{
    Buyer, Card, Order, Owner, PaylineResult, Payment, PrivateDataList, Recurring, SubMerchant,
};

messages! {
    /// `doAuthorizationRedirectRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DoAuthorizationRedirectRequest {
        #[serde(default)]
        pub version: String = version,
        pub payment: Payment = arg,
        pub card: Card = arg,
        #[serde(rename = "returnURL", default)]
        pub return_url: String = into,
        #[serde(rename = "cancelURL", default)]
        pub cancel_url: String = into,
        pub order: Order = arg,
        #[serde(rename = "notificationURL", default, with = "crate::wire::nil")]
        pub notification_url: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub private_data_list: Option<PrivateDataList>,
        #[serde(default, with = "crate::wire::nil")]
        pub language_code: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub buyer: Option<Buyer>,
        #[serde(default, with = "crate::wire::nil")]
        pub owner: Option<Owner>,
        #[serde(default, with = "crate::wire::nil")]
        pub security_mode: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub recurring: Option<Recurring>,
        #[serde(default, with = "crate::wire::nil")]
        pub merchant_name: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub sub_merchant: Option<SubMerchant>,
        #[serde(default, with = "crate::wire::nil")]
        pub misc_data: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub asynchronous_retry_timeout: Option<String>,
    }

    /// `doAuthorizationRedirectResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DoAuthorizationRedirectResponse {
        pub result: PaylineResult = arg,
        #[serde(rename = "redirectURL", default)]
        pub redirect_url: String,
    }
}
