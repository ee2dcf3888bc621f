//! `getWallet` (DirectPaymentAPI): Read a wallet: masked card number, token, disabled state (Payline wallet and payment record operations).

use serde::{Deserialize, Serialize};

use super::{Operation, Request, Response};
use crate::objects::{
    ContractNumberWalletList, ExtendedCard, Owner, PaylineResult, PrivateDataList, Wallet,
};

/// `getWalletRequest` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetWalletRequest {
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub contract_number: String,
    #[serde(default)]
    pub wallet_id: String,
    #[serde(default, with = "crate::wire::nil")]
    pub card_ind: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub media: Option<String>,
}

/// `getWalletResponse` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetWalletResponse {
    pub result: PaylineResult,
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

impl Request for GetWalletRequest {
    const OPERATION: Operation = Operation::GetWallet;
    type Response = GetWalletResponse;
}

impl Response for GetWalletResponse {
    const OPERATION: Operation = Operation::GetWallet;
}

impl GetWalletRequest {
    /// A `GetWalletRequest` at the current `version`; other elements start empty or absent.
    pub fn new(contract_number: impl Into<String>, wallet_id: impl Into<String>) -> Self {
        Self {
            version: super::VERSION.to_owned(),
            contract_number: contract_number.into(),
            wallet_id: wallet_id.into(),
            card_ind: None,
            media: None,
        }
    }
}

impl GetWalletResponse {
    /// A `GetWalletResponse` from its result; other elements start empty or absent.
    pub fn new(result: PaylineResult) -> Self {
        Self {
            result,
            wallet: None,
            owner: None,
            is_disabled: None,
            disable_date: None,
            private_data_list: None,
            extended_card: None,
            contract_number_wallet_list: None,
            media: None,
        }
    }
}

/// The current `version`, every other element empty or absent (to fill field by field).
impl Default for GetWalletRequest {
    fn default() -> Self {
        Self::new("", "")
    }
}
