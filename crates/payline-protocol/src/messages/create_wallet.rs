//! `createWallet` (DirectPaymentAPI): Register a buyer's card in a wallet, checked by a 1 EUR authorization that is never captured (Payline wallet and payment record operations).

use serde::{Deserialize, Serialize};

use crate::objects::{
    Authentication3DSecure, Buyer, CardOut, ContractNumberWalletList, ExtendedCard,
    FraudResultDetails, Owner, PaylineResult, PrivateDataList, Wallet,
};

messages! {
    /// `createWalletRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct CreateWalletRequest {
        #[serde(default)]
        pub version: String = version,
        #[serde(default)]
        pub contract_number: String = into,
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

    /// `createWalletResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct CreateWalletResponse {
        pub result: PaylineResult = arg,
        #[serde(default)]
        pub card: CardOut,
        #[serde(default)]
        pub extended_card: ExtendedCard,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub contract_number_wallet_list: Option<ContractNumberWalletList>,
        #[serde(default, with = "crate::wire::nil")]
        pub fraud_result_details: Option<FraudResultDetails>,
    }
}
