//! `manageWebWallet` (WebPaymentAPI): Open a hosted page where the buyer creates or updates a wallet (Payline hosted pages, WebPaymentAPI).

use serde::{Deserialize, Serialize};

use super::{Operation, Request, Response};
use crate::objects::{
    Buyer, ContractNumberWalletList, Owner, PaylineResult, PrivateDataList, SelectedContractList,
    ThreeDsInfo,
};

/// `manageWebWalletRequest` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManageWebWalletRequest {
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub contract_number: String,
    #[serde(default, with = "crate::wire::nil")]
    pub selected_contract_list: Option<SelectedContractList>,
    #[serde(default, with = "crate::wire::nil")]
    pub update_personal_details: Option<String>,
    #[serde(default)]
    pub buyer: Buyer,
    #[serde(default, with = "crate::wire::nil")]
    pub owner: Option<Owner>,
    #[serde(default, with = "crate::wire::nil")]
    pub language_code: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub custom_payment_page_code: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub security_mode: Option<String>,
    #[serde(rename = "returnURL", default)]
    pub return_url: String,
    #[serde(rename = "cancelURL", default)]
    pub cancel_url: String,
    #[serde(rename = "notificationURL", default, with = "crate::wire::nil")]
    pub notification_url: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub private_data_list: Option<PrivateDataList>,
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
    #[serde(rename = "threeDSInfo", default, with = "crate::wire::nil")]
    pub three_ds_info: Option<ThreeDsInfo>,
}

/// `manageWebWalletResponse` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManageWebWalletResponse {
    pub result: PaylineResult,
    #[serde(default)]
    pub token: String,
    #[serde(rename = "redirectURL", default)]
    pub redirect_url: String,
}

impl Request for ManageWebWalletRequest {
    const OPERATION: Operation = Operation::ManageWebWallet;
    type Response = ManageWebWalletResponse;
}

impl Response for ManageWebWalletResponse {
    const OPERATION: Operation = Operation::ManageWebWallet;
}

impl ManageWebWalletRequest {
    /// A `ManageWebWalletRequest` at the current `version`; other elements start empty or absent.
    pub fn new(
        contract_number: impl Into<String>,
        buyer: Buyer,
        return_url: impl Into<String>,
        cancel_url: impl Into<String>,
    ) -> Self {
        Self {
            version: super::VERSION.to_owned(),
            contract_number: contract_number.into(),
            selected_contract_list: None,
            update_personal_details: None,
            buyer,
            owner: None,
            language_code: None,
            custom_payment_page_code: None,
            security_mode: None,
            return_url: return_url.into(),
            cancel_url: cancel_url.into(),
            notification_url: None,
            private_data_list: None,
            custom_payment_template_url: None,
            contract_number_wallet_list: None,
            merchant_name: None,
            three_ds_info: None,
        }
    }
}

impl ManageWebWalletResponse {
    /// A `ManageWebWalletResponse` from its result; other elements start empty or absent.
    pub fn new(result: PaylineResult) -> Self {
        Self {
            result,
            token: Default::default(),
            redirect_url: Default::default(),
        }
    }
}

/// The current `version`, every other element empty or absent (to fill field by field).
impl Default for ManageWebWalletRequest {
    fn default() -> Self {
        Self::new("", Default::default(), "", "")
    }
}
