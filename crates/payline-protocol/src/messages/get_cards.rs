//! `getCards` (DirectPaymentAPI): List the cards of a wallet (multi-card wallets, `cardInd`) (Payline wallet and payment record operations).

use serde::{Deserialize, Serialize};

use crate::objects::{CardsList, Owner, PaylineResult, PrivateDataList};

messages! {
    /// `getCardsRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct GetCardsRequest {
        #[serde(default)]
        pub version: String = version,
        #[serde(default)]
        pub contract_number: String = into,
        #[serde(default)]
        pub wallet_id: String = into,
        #[serde(default, with = "crate::wire::nil")]
        pub card_ind: Option<String>,
    }

    /// `getCardsResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct GetCardsResponse {
        pub result: PaylineResult = arg,
        #[serde(default, with = "crate::wire::nil")]
        pub cards_list: Option<CardsList>,
        #[serde(default, with = "crate::wire::nil")]
        pub owner: Option<Owner>,
        #[serde(default, with = "crate::wire::nil")]
        pub private_data_list: Option<PrivateDataList>,
    }
}

/// The current `version`, every other element empty or absent (to fill field by field).
impl Default for GetCardsRequest {
    fn default() -> Self {
        Self::new("", "")
    }
}
