//! `authorization`: the issuer's authorization number and date (Payline doAuthorization response).

use serde::{Deserialize, Serialize};

use crate::values::{Amount, Currency};

/// WSDL `authorization`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Authorization {
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub date: String,
    #[serde(default, with = "crate::wire::nil")]
    pub authorized_amount: Option<Amount>,
    #[serde(default, with = "crate::wire::nil")]
    pub authorized_currency: Option<Currency>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reattempt: Option<Reattempt>,
}

/// WSDL `reattempt`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reattempt {
    #[serde(default, with = "crate::wire::nil")]
    pub indicator: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub frozen_period: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub allowed_duration: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub max_allowed: Option<String>,
}
