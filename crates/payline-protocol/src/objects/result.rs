//! `result`: the return code and messages of every response (PROTOCOL.md §3.11, §6).

use serde::{Deserialize, Serialize};

use crate::values::ReturnCode;

/// WSDL `result`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaylineResult {
    pub code: ReturnCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub long_message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_code_label: Option<String>,
}

impl PaylineResult {
    /// A `PaylineResult` from its mandatory typed values; mandatory text
    /// elements start empty, optional ones absent.
    pub fn new(code: ReturnCode) -> Self {
        Self {
            code,
            short_message: None,
            long_message: None,
            partner_code: None,
            partner_code_label: None,
        }
    }
}
