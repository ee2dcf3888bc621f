//! `getWebWallet` (WebPaymentAPI): Read the wallet a buyer created or updated on a hosted page (Payline hosted pages, WebPaymentAPI).

use serde::{Deserialize, Serialize};

use super::{Operation, Request, Response};
use crate::objects::{
    ContractNumberWalletList, ExtendedCard, Owner, PaylineResult, PrivateDataList, Wallet,
};

/// `getWebWalletRequest` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetWebWalletRequest {
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub token: String,
}

/// `getWebWalletResponse` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetWebWalletResponse {
    pub result: PaylineResult,
    #[serde(default, with = "crate::wire::nil")]
    pub wallet: Option<Wallet>,
    #[serde(default, with = "crate::wire::nil")]
    pub owner: Option<Owner>,
    #[serde(default, with = "crate::wire::nil")]
    pub private_data_list: Option<PrivateDataList>,
    #[serde(default)]
    pub extended_card: ExtendedCard,
    #[serde(default, with = "crate::wire::nil")]
    pub media: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub number_of_attempt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_number_wallet_list: Option<ContractNumberWalletList>,
}

impl Request for GetWebWalletRequest {
    const OPERATION: Operation = Operation::GetWebWallet;
    type Response = GetWebWalletResponse;
}

impl Response for GetWebWalletResponse {
    const OPERATION: Operation = Operation::GetWebWallet;
}

impl GetWebWalletRequest {
    /// A `GetWebWalletRequest` at the current `version`; other elements start empty or absent.
    pub fn new(token: impl Into<String>) -> Self {
        Self {
            version: super::VERSION.to_owned(),
            token: token.into(),
        }
    }
}

impl GetWebWalletResponse {
    /// A `GetWebWalletResponse` from its result; other elements start empty or absent.
    pub fn new(result: PaylineResult) -> Self {
        Self {
            result,
            wallet: None,
            owner: None,
            private_data_list: None,
            extended_card: Default::default(),
            media: None,
            number_of_attempt: None,
            contract_number_wallet_list: None,
        }
    }
}

/// The current `version`, every other element empty or absent (to fill field by field).
impl Default for GetWebWalletRequest {
    fn default() -> Self {
        Self::new("")
    }
}
