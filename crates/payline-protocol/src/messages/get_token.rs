//! `getToken` (DirectPaymentAPI): Server-side tokenization of a card number (Payline getToken).

use serde::{Deserialize, Serialize};

use crate::objects::PaylineResult;
use crate::secret::Secret;
use crate::values::{CardExpiry, CardType};

messages! {
    /// `getTokenRequest` (impl namespace).
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct GetTokenRequest {
        #[serde(default)]
        pub card_number: Secret,
        #[serde(default, with = "crate::wire::nil")]
        pub expiration_date: Option<CardExpiry>,
        #[serde(default)]
        pub contract_number: String,
    }

    /// `getTokenResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct GetTokenResponse {
        pub result: PaylineResult = arg,
        #[serde(default)]
        pub token: String,
        #[serde(default)]
        pub masked_card_number: String,
        pub expiration_date: CardExpiry = arg,
        #[serde(default)]
        pub virtual_card: String,
        pub card_type: CardType = arg,
        #[serde(default)]
        pub card_product: String,
        #[serde(default)]
        pub acceptance_network: String,
        #[serde(default)]
        pub bank: String,
    }
}
