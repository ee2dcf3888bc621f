//! `transaction`, as returned by every payment operation and by the ExtendedAPI (Payline result and transaction objects; getTransactionDetails).

use serde::{Deserialize, Serialize};

use super::{CardOut, ExtendedCard, Payment, PointOfSell};

/// WSDL `transaction`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transaction {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_duplicated: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub is_possible_fraud: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fraud_result: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fraud_result_details: Option<FraudResultDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub three_d_secure: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soft_descriptor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scoring: Option<Scoring>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_wallet_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_wallet_contract_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_additional_data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avs: Option<Avs>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment: Option<Payment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub point_of_sell: Option<PointOfSell>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<CardOut>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_card: Option<ExtendedCard>,
}

/// WSDL `fraudResultDetails`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FraudResultDetails {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub short_message: String,
    #[serde(default)]
    pub long_message: String,
}

/// WSDL `scoring`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Scoring {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

/// WSDL `avs`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Avs {
    #[serde(default)]
    pub result: String,
    #[serde(default)]
    pub result_from_acquirer: String,
}

/// WSDL `transactionList`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransactionList {
    #[serde(default)]
    pub transaction: Vec<Transaction>,
}
