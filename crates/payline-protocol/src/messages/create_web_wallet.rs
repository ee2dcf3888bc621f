//! `createWebWallet` (WebPaymentAPI): open a hosted page where the buyer registers a card in a
//! new wallet (Payline hosted pages, WebPaymentAPI). manageWebWallet's elder, without its
//! `merchantName` and `threeDSInfo`.

use serde::{Deserialize, Serialize};

use crate::objects::{
    Buyer, ContractNumberWalletList, Owner, PaylineResult, PrivateDataList, SelectedContractList,
};

messages! {
    /// `createWebWalletRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct CreateWebWalletRequest {
        #[serde(default)]
        pub version: String = version,
        #[serde(default)]
        pub contract_number: String = into,
        #[serde(default, with = "crate::wire::nil")]
        pub selected_contract_list: Option<SelectedContractList>,
        #[serde(default, with = "crate::wire::nil")]
        pub update_personal_details: Option<String>,
        #[serde(default)]
        pub buyer: Buyer = arg,
        #[serde(default, with = "crate::wire::nil")]
        pub owner: Option<Owner>,
        #[serde(default, with = "crate::wire::nil")]
        pub language_code: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub custom_payment_page_code: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub security_mode: Option<String>,
        #[serde(rename = "returnURL", default)]
        pub return_url: String = into,
        #[serde(rename = "cancelURL", default)]
        pub cancel_url: String = into,
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
    }

    /// `createWebWalletResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct CreateWebWalletResponse {
        pub result: PaylineResult = arg,
        #[serde(default)]
        pub token: String,
        #[serde(rename = "redirectURL", default)]
        pub redirect_url: String,
    }
}

/// The current `version`, every other element empty or absent (to fill field by field).
impl Default for CreateWebWalletRequest {
    fn default() -> Self {
        Self::new("", Default::default(), "", "")
    }
}
