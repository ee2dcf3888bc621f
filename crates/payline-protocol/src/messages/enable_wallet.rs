//! `enableWallet` (DirectPaymentAPI): Enable a disabled wallet again (Payline wallet and payment record operations).

use serde::{Deserialize, Serialize};

use crate::objects::PaylineResult;

messages! {
    /// `enableWalletRequest` (impl namespace).
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct EnableWalletRequest {
        #[serde(default)]
        pub contract_number: String = into,
        #[serde(default, with = "crate::wire::nil")]
        pub card_ind: Option<String>,
        #[serde(default)]
        pub wallet_id: String = into,
    }

    /// `enableWalletResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct EnableWalletResponse {
        pub result: PaylineResult = arg,
    }
}
