//! `transactionsSearch` (ExtendedAPI): Search of transactions by criteria (Payline getTransactionDetails / transactionsSearch).

use serde::{Deserialize, Serialize};

use super::{Operation, Request, Response};
use crate::objects::{PaylineResult, TransactionList};
use crate::secret::Secret;
use crate::values::{Amount, Currency, Date};

/// `transactionsSearchRequest` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransactionsSearchRequest {
    #[serde(default)]
    pub version: String,
    #[serde(default, with = "crate::wire::nil")]
    pub transaction_id: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub order_ref: Option<String>,
    pub start_date: Date,
    pub end_date: Date,
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
    pub result: PaylineResult,
    #[serde(default, with = "crate::wire::nil")]
    pub transaction_list: Option<TransactionList>,
}

impl Request for TransactionsSearchRequest {
    const OPERATION: Operation = Operation::TransactionsSearch;
    type Response = TransactionsSearchResponse;
}

impl Response for TransactionsSearchResponse {
    const OPERATION: Operation = Operation::TransactionsSearch;
}

impl TransactionsSearchRequest {
    /// A `TransactionsSearchRequest` from its mandatory typed values; mandatory text
    /// elements start empty, optional ones absent.
    pub fn new(start_date: Date, end_date: Date) -> Self {
        Self {
            version: super::VERSION.to_owned(),
            transaction_id: None,
            order_ref: None,
            start_date,
            end_date,
            contract_number: None,
            authorization_number: None,
            return_code: None,
            payment_mean: None,
            transaction_type: None,
            name: None,
            first_name: None,
            email: None,
            card_number: None,
            currency: None,
            min_amount: None,
            max_amount: None,
            wallet_id: None,
            sequence_number: None,
            token: None,
            point_of_sell_id: None,
            card_network: None,
            three_d_secured: None,
            customer_media_id: None,
        }
    }
}

impl TransactionsSearchResponse {
    /// A `TransactionsSearchResponse` from its mandatory typed values; mandatory text
    /// elements start empty, optional ones absent.
    pub fn new(result: PaylineResult) -> Self {
        Self {
            result,
            transaction_list: None,
        }
    }
}
