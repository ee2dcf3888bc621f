//! The histories of a fraud-module alert (Payline getAlertDetails, ExtendedAPI). The schema
//! spells these elements in PascalCase, unlike the rest of the objects.

use serde::{Deserialize, Serialize};

/// WSDL `CustomerTransHist`: the buyer's earlier transactions.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerTransHist {
    #[serde(rename = "CustomerTrans", default)]
    pub customer_trans: Vec<CustomerTrans>,
}

/// WSDL `CustomerTrans`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomerTrans {
    #[serde(rename = "IsLCLFAlerted", default)]
    pub is_lclf_alerted: String,
    #[serde(default)]
    pub external_transaction_id: String,
    #[serde(default)]
    pub reference_order: String,
    #[serde(default)]
    pub card_code: String,
    #[serde(default)]
    pub transaction_date: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub pos_label: String,
}

/// WSDL `PaymentMeansTransHist`: earlier transactions with the same means of payment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentMeansTransHist {
    #[serde(rename = "PaymentMeansTrans", default)]
    pub payment_means_trans: Vec<PaymentMeansTrans>,
}

/// WSDL `PaymentMeansTrans`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PaymentMeansTrans {
    #[serde(rename = "IsLCLFAlerted", default)]
    pub is_lclf_alerted: String,
    #[serde(default)]
    pub external_transaction_id: String,
    #[serde(default)]
    pub reference_order: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_data: Option<String>,
    #[serde(default)]
    pub transaction_date: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub pos_label: String,
}

/// WSDL `AlertsTransHist`: the alerts raised on the transaction.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertsTransHist {
    #[serde(rename = "AlertsTrans", default)]
    pub alerts_trans: Vec<AlertsTrans>,
}

/// WSDL `AlertsTrans`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AlertsTrans {
    #[serde(default)]
    pub alert_id: String,
    #[serde(default)]
    pub explanation_label: String,
    #[serde(default)]
    pub explanation_code: String,
    #[serde(default)]
    pub rule_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_action: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_criteria: Option<String>,
}
