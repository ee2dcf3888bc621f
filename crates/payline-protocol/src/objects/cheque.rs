//! `cheque` and `scoringCheque`, the cheque guarantee service (Payline doScoringCheque).

use serde::{Deserialize, Serialize};

/// WSDL `cheque`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cheque {
    #[serde(default)]
    pub number: String,
}

/// WSDL `scoringCheque`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoringCheque {
    #[serde(default)]
    pub cheque_number: String,
    #[serde(default)]
    pub additional_data_response: String,
    #[serde(default)]
    pub terminal_id: String,
    #[serde(default)]
    pub additional_private_data: String,
}
