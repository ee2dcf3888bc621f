//! Transaction history lists of getTransactionDetails (Payline getTransactionDetails / transactionsSearch).

use serde::{Deserialize, Serialize};

/// WSDL `associatedTransactionsList`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssociatedTransactionsList {
    #[serde(default)]
    pub associated_transactions: Vec<AssociatedTransactions>,
}

/// WSDL `associatedTransactions`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssociatedTransactions {
    #[serde(default)]
    pub transaction_id: String,
    #[serde(default)]
    pub r#type: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub origin_transaction_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// WSDL `statusHistoryList`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusHistoryList {
    #[serde(default)]
    pub status_history: Vec<StatusHistory>,
}

/// WSDL `statusHistory`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusHistory {
    #[serde(default)]
    pub transaction_id: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub fees: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub origin_transaction_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fees_value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fees_currency: Option<String>,
}
