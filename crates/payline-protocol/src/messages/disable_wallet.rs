//! `disableWallet` (DirectPaymentAPI): Disable wallets; the answer lists those that could not be disabled (Payline wallet and payment record operations).

use serde::{Deserialize, Serialize};

use super::{Operation, Request, Response};
use crate::objects::{PaylineResult, WalletIdList};

/// `disableWalletRequest` (impl namespace).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DisableWalletRequest {
    #[serde(default)]
    pub contract_number: String,
    #[serde(default, with = "crate::wire::nil")]
    pub card_ind: Option<String>,
    #[serde(default)]
    pub wallet_id_list: WalletIdList,
}

/// `disableWalletResponse` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DisableWalletResponse {
    pub result: PaylineResult,
    #[serde(default)]
    pub wallet_id_list: WalletIdList,
}

impl Request for DisableWalletRequest {
    const OPERATION: Operation = Operation::DisableWallet;
    type Response = DisableWalletResponse;
}

impl Response for DisableWalletResponse {
    const OPERATION: Operation = Operation::DisableWallet;
}

impl DisableWalletRequest {
    /// A `DisableWalletRequest` at the current `version`; other elements start empty or absent.
    pub fn new(contract_number: impl Into<String>, wallet_id_list: WalletIdList) -> Self {
        Self {
            contract_number: contract_number.into(),
            card_ind: None,
            wallet_id_list,
        }
    }
}

impl DisableWalletResponse {
    /// A `DisableWalletResponse` from its result; other elements start empty or absent.
    pub fn new(result: PaylineResult) -> Self {
        Self {
            result,
            wallet_id_list: Default::default(),
        }
    }
}
