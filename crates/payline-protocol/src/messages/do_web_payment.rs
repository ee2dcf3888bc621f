//! `doWebPayment` (WebPaymentAPI): Open a hosted payment page session; the buyer is redirected to `redirectURL` (Payline hosted pages, WebPaymentAPI).

use serde::{Deserialize, Serialize};

use crate::objects::{
    Buyer, ContractNumberWalletList, Order, Owner, PaylineResult, Payment, PrivateDataList,
    Recurring, SelectedContractList, SubMerchant, ThreeDsInfo,
};

messages! {
    /// `doWebPaymentRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DoWebPaymentRequest {
        #[serde(default)]
        pub version: String = version,
        pub payment: Payment = arg,
        #[serde(rename = "returnURL", default)]
        pub return_url: String = into,
        #[serde(rename = "cancelURL", default)]
        pub cancel_url: String = into,
        pub order: Order = arg,
        #[serde(rename = "notificationURL", default, with = "crate::wire::nil")]
        pub notification_url: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub selected_contract_list: Option<SelectedContractList>,
        #[serde(default, with = "crate::wire::nil")]
        pub second_selected_contract_list: Option<SelectedContractList>,
        #[serde(default, with = "crate::wire::nil")]
        pub private_data_list: Option<PrivateDataList>,
        #[serde(default, with = "crate::wire::nil")]
        pub language_code: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub custom_payment_page_code: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub buyer: Option<Buyer>,
        #[serde(default, with = "crate::wire::nil")]
        pub owner: Option<Owner>,
        #[serde(default, with = "crate::wire::nil")]
        pub security_mode: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub recurring: Option<Recurring>,
        #[serde(
            rename = "customPaymentTemplateURL",
            default,
            with = "crate::wire::nil"
        )]
        pub custom_payment_template_url: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub contract_number_wallet_list: Option<ContractNumberWalletList>,
        #[serde(default, with = "crate::wire::nil")]
        pub merchant_name: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub sub_merchant: Option<SubMerchant>,
        #[serde(default, with = "crate::wire::nil")]
        pub misc_data: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub asynchronous_retry_timeout: Option<String>,
        #[serde(rename = "threeDSInfo", default, with = "crate::wire::nil")]
        pub three_ds_info: Option<ThreeDsInfo>,
        #[serde(default, with = "crate::wire::nil")]
        pub merchant_score: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub skip_smart_display: Option<String>,
    }

    /// `doWebPaymentResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DoWebPaymentResponse {
        pub result: PaylineResult = arg,
        #[serde(default, with = "crate::wire::nil")]
        pub token: Option<String>,
        #[serde(rename = "redirectURL", default, with = "crate::wire::nil")]
        pub redirect_url: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub step_code: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub req_code: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub method: Option<String>,
    }
}
