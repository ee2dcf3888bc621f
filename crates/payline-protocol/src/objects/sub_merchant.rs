//! `subMerchant`, for payment facilitators (Payline doAuthorization request).

use serde::{Deserialize, Serialize};

/// WSDL `subMerchant`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubMerchant {
    #[serde(default)]
    pub sub_merchant_id: String,
    #[serde(default, with = "crate::wire::nil")]
    pub sub_merchant_name: Option<String>,
    #[serde(rename = "subMerchantMCC", default)]
    pub sub_merchant_mcc: String,
    #[serde(rename = "subMerchantSIRET", default, with = "crate::wire::nil")]
    pub sub_merchant_siret: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub sub_merchant_tax_code: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub sub_merchant_street: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub sub_merchant_city: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub sub_merchant_zip_code: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub sub_merchant_country: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub sub_merchant_state: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub sub_merchant_email_address: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub sub_merchant_phone_number: Option<String>,
}
