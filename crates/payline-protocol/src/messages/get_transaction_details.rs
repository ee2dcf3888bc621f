//! `getTransactionDetails` (ExtendedAPI): Details of one transaction, whatever its state (Payline getTransactionDetails / transactionsSearch).

use serde::{Deserialize, Serialize};

use crate::objects::{
    AssociatedTransactionsList, Authentication3DSecure, Authorization, BankAccountData, Buyer,
    CardOut, ExtendedCard, Media, Order, PaylineResult, Payment, PaymentAdditionalList,
    PointOfSell, PrivateDataList, RoutingRule, StatusHistoryList, SubMerchant, Transaction,
};
use crate::values::Date;

messages! {
    /// `getTransactionDetailsRequest` (impl namespace).
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct GetTransactionDetailsRequest {
        #[serde(default)]
        pub version: String,
        #[serde(default, with = "crate::wire::nil")]
        pub transaction_id: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub order_ref: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub start_date: Option<Date>,
        #[serde(default, with = "crate::wire::nil")]
        pub end_date: Option<Date>,
        #[serde(default, with = "crate::wire::nil")]
        pub transaction_history: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub archive_search: Option<String>,
    }

    /// `getTransactionDetailsResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct GetTransactionDetailsResponse {
        pub result: PaylineResult = arg,
        #[serde(default, with = "crate::wire::nil")]
        pub transaction: Option<Transaction>,
        #[serde(default, with = "crate::wire::nil")]
        pub payment: Option<Payment>,
        #[serde(default, with = "crate::wire::nil")]
        pub authorization: Option<Authorization>,
        #[serde(default, with = "crate::wire::nil")]
        pub order: Option<Order>,
        #[serde(default, with = "crate::wire::nil")]
        pub buyer: Option<Buyer>,
        #[serde(default, with = "crate::wire::nil")]
        pub private_data_list: Option<PrivateDataList>,
        #[serde(default)]
        pub card: CardOut,
        #[serde(default)]
        pub extended_card: ExtendedCard,
        #[serde(default, with = "crate::wire::nil")]
        pub associated_transactions_list: Option<AssociatedTransactionsList>,
        #[serde(default, with = "crate::wire::nil")]
        pub status_history_list: Option<StatusHistoryList>,
        #[serde(default, with = "crate::wire::nil")]
        pub media: Option<String>,
        #[serde(default)]
        pub customer_media: Media,
        #[serde(default)]
        pub contract_number: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub payment_additional_list: Option<PaymentAdditionalList>,
        #[serde(default, with = "crate::wire::nil")]
        pub bank_account_data: Option<BankAccountData>,
        #[serde(default, with = "crate::wire::nil")]
        pub sub_merchant: Option<SubMerchant>,
        #[serde(
            rename = "authentication3DSecure",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        pub authentication_3d_secure: Option<Authentication3DSecure>,
        #[serde(default)]
        pub point_of_sell: PointOfSell,
        #[serde(default)]
        pub routing_rule: RoutingRule,
        #[serde(default, with = "crate::wire::nil")]
        pub linked_transaction_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub travel_file_number: Option<String>,
    }
}
