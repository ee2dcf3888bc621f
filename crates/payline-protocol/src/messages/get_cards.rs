//! `getCards` (DirectPaymentAPI): List the cards of a wallet (multi-card wallets, `cardInd`) (Payline wallet and payment record operations).

use serde::{Deserialize, Serialize};

use super::{Operation, Request, Response};
use crate::objects::{CardsList, Owner, PaylineResult, PrivateDataList};

/// `getCardsRequest` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetCardsRequest {
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub contract_number: String,
    #[serde(default)]
    pub wallet_id: String,
    #[serde(default, with = "crate::wire::nil")]
    pub card_ind: Option<String>,
}

/// `getCardsResponse` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetCardsResponse {
    pub result: PaylineResult,
    #[serde(default, with = "crate::wire::nil")]
    pub cards_list: Option<CardsList>,
    #[serde(default, with = "crate::wire::nil")]
    pub owner: Option<Owner>,
    #[serde(default, with = "crate::wire::nil")]
    pub private_data_list: Option<PrivateDataList>,
}

impl Request for GetCardsRequest {
    const OPERATION: Operation = Operation::GetCards;
    type Response = GetCardsResponse;
}

impl Response for GetCardsResponse {
    const OPERATION: Operation = Operation::GetCards;
}

impl GetCardsRequest {
    /// A `GetCardsRequest` at the current `version`; other elements start empty or absent.
    pub fn new(contract_number: impl Into<String>, wallet_id: impl Into<String>) -> Self {
        Self {
            version: super::VERSION.to_owned(),
            contract_number: contract_number.into(),
            wallet_id: wallet_id.into(),
            card_ind: None,
        }
    }
}

impl GetCardsResponse {
    /// A `GetCardsResponse` from its result; other elements start empty or absent.
    pub fn new(result: PaylineResult) -> Self {
        Self {
            result,
            cards_list: None,
            owner: None,
            private_data_list: None,
        }
    }
}

/// The current `version`, every other element empty or absent (to fill field by field).
impl Default for GetCardsRequest {
    fn default() -> Self {
        Self::new("", "")
    }
}
