//! The anonymous types the impl schema declares inside two responses: `listPointOfSell`
//! (getMerchantSettings) and `balance` (getBalance). Their children are in the `impl`
//! namespace, which the codec knows (Payline web services, getMerchantSettings and getBalance).

use serde::{Deserialize, Serialize};

use super::PointOfSell;

/// `getMerchantSettingsResponse/listPointOfSell`: the merchant's points of sale.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListPointOfSell {
    #[serde(default)]
    pub point_of_sell: Vec<PointOfSell>,
}

/// `getBalanceResponse/balance`: a gift card's balance, amount in minor units as text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Balance {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}
