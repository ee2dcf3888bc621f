//! `key`, the merchant's public key for card data encryption (Payline getEncryptionKey).

use serde::{Deserialize, Serialize};

/// WSDL `key`. `keyId` and `size` are `xsd:integer` in the schema; they are kept as the text
/// Payline sends, as this crate does not compute with them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Key {
    #[serde(default)]
    pub key_id: String,
    #[serde(default)]
    pub modulus: String,
    #[serde(default)]
    pub merchant_key_name: String,
    #[serde(default)]
    pub public_exponent: String,
    #[serde(default)]
    pub expiration_date: String,
    #[serde(default, with = "crate::wire::nil")]
    pub cipher: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub algo: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub size: Option<String>,
}
