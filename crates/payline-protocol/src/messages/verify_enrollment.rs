//! `verifyEnrollment` (DirectPaymentAPI): 3-D Secure enrollment check, first step of an authentication (Payline verifyEnrollment, request and response).

use serde::{Deserialize, Serialize};

use crate::objects::{
    Authentication3DSecure, Buyer, Card, Order, PaylineResult, Payment, PrivateDataList, Recurring,
    SdkChallenge, SubMerchant, ThreeDsInfo,
};
use crate::secret::Secret;

messages! {
    /// `verifyEnrollmentRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct VerifyEnrollmentRequest {
        #[serde(default, with = "crate::wire::nil")]
        pub transient: Option<String>,
        #[serde(default)]
        pub version: String = version,
        pub card: Card = arg,
        pub payment: Payment = arg,
        #[serde(default)]
        pub order_ref: String,
        #[serde(default, with = "crate::wire::nil")]
        pub md_field_value: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub user_agent: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub wallet_id: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub wallet_card_ind: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub generate_virtual_cvx: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub merchant_name: Option<String>,
        #[serde(
            rename = "merchantURL",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        pub merchant_url: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub merchant_country_code: Option<String>,
        #[serde(rename = "returnURL", default, with = "crate::wire::nil")]
        pub return_url: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub order: Option<Order>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub buyer: Option<Buyer>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub sub_merchant: Option<SubMerchant>,
        #[serde(default, with = "crate::wire::nil")]
        pub recurring: Option<Recurring>,
        #[serde(rename = "threeDSInfo", default, with = "crate::wire::nil")]
        pub three_ds_info: Option<ThreeDsInfo>,
        #[serde(default, with = "crate::wire::nil")]
        pub merchant_score: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub private_data_list: Option<PrivateDataList>,
    }

    /// `verifyEnrollmentResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct VerifyEnrollmentResponse {
        #[serde(default, with = "crate::wire::nil")]
        pub transient: Option<String>,
        pub result: PaylineResult = arg,
        #[serde(default, with = "crate::wire::nil")]
        pub action_url: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub action_method: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub pareq_field_name: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub pareq_field_value: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub term_url_name: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub term_url_value: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub md_field_name: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub md_field_value: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub mpi_result: Option<String>,
        #[serde(rename = "authentication3DSecure", default, with = "crate::wire::nil")]
        pub authentication_3d_secure: Option<Authentication3DSecure>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub virtual_cvx: Option<Secret>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub token: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub private_data_list: Option<PrivateDataList>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub sdk_challenge: Option<SdkChallenge>,
    }
}
