//! `getToken` (DirectPaymentAPI): Server-side tokenization of a card number (Payline getToken).

use serde::{Deserialize, Serialize};

use super::{Operation, Request, Response};
use crate::objects::PaylineResult;
use crate::secret::Secret;
use crate::values::{CardExpiry, CardType};

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
    pub result: PaylineResult,
    #[serde(default)]
    pub token: String,
    #[serde(default)]
    pub masked_card_number: String,
    pub expiration_date: CardExpiry,
    #[serde(default)]
    pub virtual_card: String,
    pub card_type: CardType,
    #[serde(default)]
    pub card_product: String,
    #[serde(default)]
    pub acceptance_network: String,
    #[serde(default)]
    pub bank: String,
}

impl Request for GetTokenRequest {
    const OPERATION: Operation = Operation::GetToken;
    type Response = GetTokenResponse;
}

impl Response for GetTokenResponse {
    const OPERATION: Operation = Operation::GetToken;
}

impl GetTokenResponse {
    /// A `GetTokenResponse` from its mandatory typed values; mandatory text
    /// elements start empty, optional ones absent.
    pub fn new(result: PaylineResult, expiration_date: CardExpiry, card_type: CardType) -> Self {
        Self {
            result,
            token: Default::default(),
            masked_card_number: Default::default(),
            expiration_date,
            virtual_card: Default::default(),
            card_type,
            card_product: Default::default(),
            acceptance_network: Default::default(),
            bank: Default::default(),
        }
    }
}
