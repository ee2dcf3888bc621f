//! `transactionsSearch` (ExtendedAPI): Search of transactions by criteria (Payline getTransactionDetails / transactionsSearch).

use serde::{Deserialize, Serialize};

use crate::objects::{PaylineResult, TransactionList};
use crate::secret::Secret;
use crate::values::{Amount, Currency, Date};

messages! {
    /// `transactionsSearchRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct TransactionsSearchRequest {
        #[serde(default)]
        pub version: String = version,
        #[serde(default, with = "crate::wire::nil")]
        pub transaction_id: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub order_ref: Option<String>,
        pub start_date: Date = arg,
        pub end_date: Date = arg,
        #[serde(default, with = "crate::wire::nil")]
        pub contract_number: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub authorization_number: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub return_code: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub payment_mean: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub transaction_type: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub name: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub first_name: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub email: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub card_number: Option<Secret>,
        #[serde(default, with = "crate::wire::nil")]
        pub currency: Option<Currency>,
        #[serde(default, with = "crate::wire::nil")]
        pub min_amount: Option<Amount>,
        #[serde(default, with = "crate::wire::nil")]
        pub max_amount: Option<Amount>,
        #[serde(default, with = "crate::wire::nil")]
        pub wallet_id: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub sequence_number: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub token: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub point_of_sell_id: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub card_network: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub three_d_secured: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub customer_media_id: Option<String>,
    }

    /// `transactionsSearchResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct TransactionsSearchResponse {
        pub result: PaylineResult = arg,
        #[serde(default, with = "crate::wire::nil")]
        pub transaction_list: Option<TransactionList>,
    }
}
