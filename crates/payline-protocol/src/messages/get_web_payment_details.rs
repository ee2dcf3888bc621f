//! `getWebPaymentDetails` (WebPaymentAPI): The authoritative result of a hosted payment page session (Payline hosted pages, WebPaymentAPI).

use serde::{Deserialize, Serialize};

use crate::objects::{
    Authentication3DSecure, Authorization, BankAccountData, BillingRecordList, Buyer, CardOut,
    ContractNumberWalletList, ExtendedCard, Order, PaylineResult, Payment, PaymentAdditionalList,
    PrivateDataList, SubMerchant, Transaction, Wallet,
};

messages! {
    /// `getWebPaymentDetailsRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct GetWebPaymentDetailsRequest {
        #[serde(default)]
        pub version: String = version,
        #[serde(default)]
        pub token: String = into,
    }

    /// `getWebPaymentDetailsResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct GetWebPaymentDetailsResponse {
        pub result: PaylineResult = arg,
        #[serde(default)]
        pub transaction: Transaction,
        /// Mandatory in the schema; Payline leaves it out of error answers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub payment: Option<Payment>,
        #[serde(default)]
        pub authorization: Authorization,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub private_data_list: Option<PrivateDataList>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub payment_record_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub billing_record_list: Option<BillingRecordList>,
        #[serde(
            rename = "authentication3DSecure",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        pub authentication_3d_secure: Option<Authentication3DSecure>,
        #[serde(default)]
        pub card: CardOut,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub extended_card: Option<ExtendedCard>,
        /// Mandatory in the schema; Payline leaves it out of error answers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub order: Option<Order>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub payment_additional_list: Option<PaymentAdditionalList>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub media: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub number_of_attempt: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub wallet: Option<Wallet>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub contract_number_wallet_list: Option<ContractNumberWalletList>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub contract_number: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub bank_account_data: Option<BankAccountData>,
        #[serde(default, with = "crate::wire::nil")]
        pub sub_merchant: Option<SubMerchant>,
        #[serde(default, with = "crate::wire::nil")]
        pub buyer: Option<Buyer>,
        #[serde(default, with = "crate::wire::nil")]
        pub linked_transaction_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub travel_file_number: Option<String>,
    }
}

/// The current `version`, every other element empty or absent (to fill field by field).
impl Default for GetWebPaymentDetailsRequest {
    fn default() -> Self {
        Self::new("")
    }
}
