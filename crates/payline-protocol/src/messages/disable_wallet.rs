//! `disableWallet` (DirectPaymentAPI): Disable wallets; the answer lists those that could not be disabled (Payline wallet and payment record operations).

use serde::{Deserialize, Serialize};

use crate::objects::{PaylineResult, WalletIdList};

messages! {
    /// `disableWalletRequest` (impl namespace).
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DisableWalletRequest {
        #[serde(default)]
        pub contract_number: String = into,
        #[serde(default, with = "crate::wire::nil")]
        pub card_ind: Option<String>,
        #[serde(default)]
        pub wallet_id_list: WalletIdList = arg,
    }

    /// `disableWalletResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DisableWalletResponse {
        pub result: PaylineResult = arg,
        #[serde(default)]
        pub wallet_id_list: WalletIdList,
    }
}
