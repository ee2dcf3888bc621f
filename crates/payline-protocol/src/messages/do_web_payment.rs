//! `doWebPayment` (WebPaymentAPI): Open a hosted payment page session; the buyer is redirected to `redirectURL` (Payline hosted pages, WebPaymentAPI).

use serde::{Deserialize, Serialize};

use super::{Operation, Request, Response};
use crate::objects::{
    Buyer, ContractNumberWalletList, Order, Owner, PaylineResult, Payment, PrivateDataList,
    Recurring, SelectedContractList, SubMerchant, ThreeDsInfo,
};

/// `doWebPaymentRequest` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DoWebPaymentRequest {
    #[serde(default)]
    pub version: String,
    pub payment: Payment,
    #[serde(rename = "returnURL", default)]
    pub return_url: String,
    #[serde(rename = "cancelURL", default)]
    pub cancel_url: String,
    pub order: Order,
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
    pub result: PaylineResult,
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

impl Request for DoWebPaymentRequest {
    const OPERATION: Operation = Operation::DoWebPayment;
    type Response = DoWebPaymentResponse;
}

impl Response for DoWebPaymentResponse {
    const OPERATION: Operation = Operation::DoWebPayment;
}

impl DoWebPaymentRequest {
    /// A `DoWebPaymentRequest` at the current `version`; other elements start empty or absent.
    pub fn new(
        payment: Payment,
        return_url: impl Into<String>,
        cancel_url: impl Into<String>,
        order: Order,
    ) -> Self {
        Self {
            version: super::VERSION.to_owned(),
            payment,
            return_url: return_url.into(),
            cancel_url: cancel_url.into(),
            order,
            notification_url: None,
            selected_contract_list: None,
            second_selected_contract_list: None,
            private_data_list: None,
            language_code: None,
            custom_payment_page_code: None,
            buyer: None,
            owner: None,
            security_mode: None,
            recurring: None,
            custom_payment_template_url: None,
            contract_number_wallet_list: None,
            merchant_name: None,
            sub_merchant: None,
            misc_data: None,
            asynchronous_retry_timeout: None,
            three_ds_info: None,
            merchant_score: None,
            skip_smart_display: None,
        }
    }
}

impl DoWebPaymentResponse {
    /// A `DoWebPaymentResponse` from its result; other elements start empty or absent.
    pub fn new(result: PaylineResult) -> Self {
        Self {
            result,
            token: None,
            redirect_url: None,
            step_code: None,
            req_code: None,
            method: None,
        }
    }
}
