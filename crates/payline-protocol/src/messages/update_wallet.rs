//! `updateWallet` (DirectPaymentAPI): Change a wallet's buyer data or card (Payline wallet and payment record operations).

use serde::{Deserialize, Serialize};

use crate::objects::{
    Authentication3DSecure, Buyer, CardOut, ContractNumberWalletList, ExtendedCard, Owner,
    PaylineResult, PrivateDataList, Wallet,
};

messages! {
    /// `updateWalletRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct UpdateWalletRequest {
        #[serde(default)]
        pub version: String = version,
        #[serde(default)]
        pub contract_number: String = into,
        #[serde(default, with = "crate::wire::nil")]
        pub card_ind: Option<String>,
        pub wallet: Wallet = arg,
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

    /// `updateWalletResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct UpdateWalletResponse {
        pub result: PaylineResult = arg,
        #[serde(default)]
        pub card: CardOut,
        #[serde(default)]
        pub extended_card: ExtendedCard,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub contract_number_wallet_list: Option<ContractNumberWalletList>,
    }
}
