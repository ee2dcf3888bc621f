//! `getWebWallet` (WebPaymentAPI): Read the wallet a buyer created or updated on a hosted page (Payline hosted pages, WebPaymentAPI).

use serde::{Deserialize, Serialize};

use crate::objects::{
    ContractNumberWalletList, ExtendedCard, Owner, PaylineResult, PrivateDataList, Wallet,
};

messages! {
    /// `getWebWalletRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct GetWebWalletRequest {
        #[serde(default)]
        pub version: String = version,
        #[serde(default)]
        pub token: String = into,
    }

    /// `getWebWalletResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct GetWebWalletResponse {
        pub result: PaylineResult = arg,
        #[serde(default, with = "crate::wire::nil")]
        pub wallet: Option<Wallet>,
        #[serde(default, with = "crate::wire::nil")]
        pub owner: Option<Owner>,
        #[serde(default, with = "crate::wire::nil")]
        pub private_data_list: Option<PrivateDataList>,
        #[serde(default)]
        pub extended_card: ExtendedCard,
        #[serde(default, with = "crate::wire::nil")]
        pub media: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub number_of_attempt: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub contract_number_wallet_list: Option<ContractNumberWalletList>,
    }
}

/// The current `version`, every other element empty or absent (to fill field by field).
impl Default for GetWebWalletRequest {
    fn default() -> Self {
        Self::new("")
    }
}
