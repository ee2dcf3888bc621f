//! `media`: the buyer's device as detected by Payline (getTransactionDetails `customerMedia`).

use serde::{Deserialize, Serialize};

/// WSDL `media`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Media {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub operating_system: String,
    #[serde(default)]
    pub browser: String,
    #[serde(default)]
    pub user_agent: String,
}
