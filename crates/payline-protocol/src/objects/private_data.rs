//! Merchant key/value lists: `privateDataList` (echoed back by Payline) and `miscData` (Payline doAuthorization request; doRefund).

use serde::{Deserialize, Serialize};

/// WSDL `privateDataList`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrivateDataList {
    #[serde(default)]
    pub private_data: Vec<PrivateData>,
}

/// WSDL `privateData`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrivateData {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub value: String,
}

/// WSDL `miscData`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MiscData {
    #[serde(default)]
    pub misc_data_pair: Vec<MiscDataPair>,
}

/// WSDL `miscDataPair`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MiscDataPair {
    #[serde(default)]
    pub key: String,
    #[serde(default, with = "crate::wire::nil")]
    pub value: Option<String>,
}
