//! `getMerchantSettings` (DirectPaymentAPI): the merchant's points of sale with their contracts
//! (Payline other DirectPaymentAPI operations).

use serde::{Deserialize, Serialize};

use crate::objects::{ListPointOfSell, PaylineResult};

messages! {
    /// `getMerchantSettingsRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct GetMerchantSettingsRequest {
        #[serde(default, with = "crate::wire::nil")]
        pub version: Option<String> = version,
    }

    /// `getMerchantSettingsResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct GetMerchantSettingsResponse {
        pub result: PaylineResult = arg,
        #[serde(default)]
        pub list_point_of_sell: ListPointOfSell,
    }
}

/// The current `version`.
impl Default for GetMerchantSettingsRequest {
    fn default() -> Self {
        Self::new()
    }
}
