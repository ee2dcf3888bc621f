//! `manageWebWallet` (WebPaymentAPI): Open a hosted page where the buyer creates or updates a wallet (Payline hosted pages, WebPaymentAPI).

use serde::{Deserialize, Serialize};

use crate::objects::{
    Buyer, ContractNumberWalletList, Owner, PaylineResult, PrivateDataList, SelectedContractList,
    ThreeDsInfo,
};

messages! {
    /// `manageWebWalletRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct ManageWebWalletRequest {
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
        #[serde(default, with = "crate::wire::nil")]
        pub merchant_name: Option<String>,
        #[serde(rename = "threeDSInfo", default, with = "crate::wire::nil")]
        pub three_ds_info: Option<ThreeDsInfo>,
    }

    /// `manageWebWalletResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct ManageWebWalletResponse {
        pub result: PaylineResult = arg,
        #[serde(default)]
        pub token: String,
        #[serde(rename = "redirectURL", default)]
        pub redirect_url: String,
    }
}

/// The current `version`, every other element empty or absent (to fill field by field).
impl Default for ManageWebWalletRequest {
    fn default() -> Self {
        Self::new("", Default::default(), "", "")
    }
}
