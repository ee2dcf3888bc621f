//! `enableWallet` (DirectPaymentAPI): Enable a disabled wallet again (Payline wallet and payment record operations).

use serde::{Deserialize, Serialize};

use super::{Operation, Request, Response};
use crate::objects::PaylineResult;

/// `enableWalletRequest` (impl namespace).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnableWalletRequest {
    #[serde(default)]
    pub contract_number: String,
    #[serde(default, with = "crate::wire::nil")]
    pub card_ind: Option<String>,
    #[serde(default)]
    pub wallet_id: String,
}

/// `enableWalletResponse` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnableWalletResponse {
    pub result: PaylineResult,
}

impl Request for EnableWalletRequest {
    const OPERATION: Operation = Operation::EnableWallet;
    type Response = EnableWalletResponse;
}

impl Response for EnableWalletResponse {
    const OPERATION: Operation = Operation::EnableWallet;
}

impl EnableWalletRequest {
    /// A `EnableWalletRequest` at the current `version`; other elements start empty or absent.
    pub fn new(contract_number: impl Into<String>, wallet_id: impl Into<String>) -> Self {
        Self {
            contract_number: contract_number.into(),
            card_ind: None,
            wallet_id: wallet_id.into(),
        }
    }
}

impl EnableWalletResponse {
    /// A `EnableWalletResponse` from its result; other elements start empty or absent.
    pub fn new(result: PaylineResult) -> Self {
        Self { result }
    }
}
