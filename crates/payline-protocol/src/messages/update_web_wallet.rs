//! `updateWebWallet` (WebPaymentAPI): open a hosted page where the buyer updates an existing
//! wallet, choosing what may change (Payline hosted pages, WebPaymentAPI).

use serde::{Deserialize, Serialize};

use crate::objects::{Buyer, ContractNumberWalletList, PaylineResult, PrivateDataList};

messages! {
    /// `updateWebWalletRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct UpdateWebWalletRequest {
        #[serde(default)]
        pub version: String = version,
        #[serde(default)]
        pub contract_number: String = into,
        #[serde(default, with = "crate::wire::nil")]
        pub card_ind: Option<String>,
        #[serde(default)]
        pub wallet_id: String = into,
        #[serde(default, with = "crate::wire::nil")]
        pub update_personal_details: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub update_owner_details: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub update_payment_details: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub buyer: Option<Buyer>,
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

    /// `updateWebWalletResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct UpdateWebWalletResponse {
        pub result: PaylineResult = arg,
        #[serde(default)]
        pub token: String,
        #[serde(rename = "redirectURL", default)]
        pub redirect_url: String,
    }
}

/// The current `version`, every other element empty or absent (to fill field by field).
impl Default for UpdateWebWalletRequest {
    fn default() -> Self {
        Self::new("", "", "", "")
    }
}
