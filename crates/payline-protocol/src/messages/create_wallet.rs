//! `createWallet` (DirectPaymentAPI): Register a buyer's card in a wallet, checked by a 1 EUR authorization that is never captured (Payline wallet and payment record operations).

use serde::{Deserialize, Serialize};

use super::{Operation, Request, Response};
use crate::objects::{
    Authentication3DSecure, Buyer, CardOut, ContractNumberWalletList, ExtendedCard,
    FraudResultDetails, Owner, PaylineResult, PrivateDataList, Wallet,
};

/// `createWalletRequest` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateWalletRequest {
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub contract_number: String,
    pub wallet: Wallet,
    #[serde(default, with = "crate::wire::nil")]
    pub buyer: Option<Buyer>,
    #[serde(default, with = "crate::wire::nil")]
    pub owner: Option<Owner>,
    #[serde(default, with = "crate::wire::nil")]
    pub private_data_list: Option<PrivateDataList>,
    #[serde(rename = "authentication3DSecure", default, with = "crate::wire::nil")]
    pub authentication_3d_secure: Option<Authentication3DSecure>,
    #[serde(default, with = "crate::wire::nil")]
    pub media: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub contract_number_wallet_list: Option<ContractNumberWalletList>,
    #[serde(rename = "transactionID", default, with = "crate::wire::nil")]
    pub transaction_id: Option<String>,
}

/// `createWalletResponse` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateWalletResponse {
    pub result: PaylineResult,
    #[serde(default)]
    pub card: CardOut,
    #[serde(default)]
    pub extended_card: ExtendedCard,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_number_wallet_list: Option<ContractNumberWalletList>,
    #[serde(default, with = "crate::wire::nil")]
    pub fraud_result_details: Option<FraudResultDetails>,
}

impl Request for CreateWalletRequest {
    const OPERATION: Operation = Operation::CreateWallet;
    type Response = CreateWalletResponse;
}

impl Response for CreateWalletResponse {
    const OPERATION: Operation = Operation::CreateWallet;
}

impl CreateWalletRequest {
    /// A `CreateWalletRequest` at the current `version`; other elements start empty or absent.
    pub fn new(contract_number: impl Into<String>, wallet: Wallet) -> Self {
        Self {
            version: super::VERSION.to_owned(),
            contract_number: contract_number.into(),
            wallet,
            buyer: None,
            owner: None,
            private_data_list: None,
            authentication_3d_secure: None,
            media: None,
            contract_number_wallet_list: None,
            transaction_id: None,
        }
    }
}

impl CreateWalletResponse {
    /// A `CreateWalletResponse` from its result; other elements start empty or absent.
    pub fn new(result: PaylineResult) -> Self {
        Self {
            result,
            card: Default::default(),
            extended_card: Default::default(),
            contract_number_wallet_list: None,
            fraud_result_details: None,
        }
    }
}
