//! `getEncryptionKey` (DirectPaymentAPI): the public key the merchant encrypts card data with
//! (Payline other DirectPaymentAPI operations).

use serde::{Deserialize, Serialize};

use crate::objects::{Key, PaylineResult};

messages! {
    /// `getEncryptionKeyRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct GetEncryptionKeyRequest {
        #[serde(default, with = "crate::wire::nil")]
        pub version: Option<String> = version,
        #[serde(default, with = "crate::wire::nil")]
        pub merchant_key_name: Option<String>,
    }

    /// `getEncryptionKeyResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct GetEncryptionKeyResponse {
        pub result: PaylineResult = arg,
        #[serde(default)]
        pub key: Key,
    }
}

/// The current `version`, no key name.
impl Default for GetEncryptionKeyRequest {
    fn default() -> Self {
        Self::new()
    }
}
