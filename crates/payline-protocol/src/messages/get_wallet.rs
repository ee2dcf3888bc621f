//! `getWallet` (DirectPaymentAPI): Read a wallet: masked card number, token, disabled state (Payline wallet and payment record operations).

use serde::{Deserialize, Serialize};

use crate::objects::{
    ContractNumberWalletList, ExtendedCard, Owner, PaylineResult, PrivateDataList, Wallet,
};

messages! {
    /// `getWalletRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct GetWalletRequest {
        #[serde(default)]
        pub version: String = version,
        #[serde(default)]
        pub contract_number: String = into,
        #[serde(default)]
        pub wallet_id: String = into,
        #[serde(default, with = "crate::wire::nil")]
        pub card_ind: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub media: Option<String>,
    }

    /// `getWalletResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct GetWalletResponse {
        pub result: PaylineResult = arg,
        #[serde(default, with = "crate::wire::nil")]
        pub wallet: Option<Wallet>,
        #[serde(default, with = "crate::wire::nil")]
        pub owner: Option<Owner>,
        #[serde(default, with = "crate::wire::nil")]
        pub is_disabled: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub disable_date: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub private_data_list: Option<PrivateDataList>,
        #[serde(default, with = "crate::wire::nil")]
        pub extended_card: Option<ExtendedCard>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub contract_number_wallet_list: Option<ContractNumberWalletList>,
        #[serde(default, with = "crate::wire::nil")]
        pub media: Option<String>,
    }
}

/// The current `version`, every other element empty or absent (to fill field by field).
impl Default for GetWalletRequest {
    fn default() -> Self {
        Self::new("", "")
    }
}
