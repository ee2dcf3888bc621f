//! `bankAccountData`: bank account of a non-card payment; sent empty for cards (Payline doAuthorization request).

use serde::{Deserialize, Serialize};

/// WSDL `bankAccountData`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BankAccountData {
    #[serde(default, with = "crate::wire::nil")]
    pub country_code: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub bank_code: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub account_number: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub key: Option<String>,
}
