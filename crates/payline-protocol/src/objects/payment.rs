//! `payment`: amount, currency, action and mode of an operation (Payline payment object).

use serde::{Deserialize, Serialize};

use crate::values::{Action, Amount, Currency, Mode, ShortDate};

/// WSDL `payment`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    #[serde(default, with = "crate::wire::nil")]
    pub amount: Option<Amount>,
    pub currency: Currency,
    pub action: Action,
    pub mode: Mode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub differed_action_date: Option<ShortDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soft_descriptor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_brand: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cumulated_amount: Option<Amount>,
}

impl Payment {
    /// A `Payment` from its mandatory typed values; mandatory text
    /// elements start empty, optional ones absent.
    pub fn new(currency: Currency, action: Action, mode: Mode) -> Self {
        Self {
            amount: None,
            currency,
            action,
            mode,
            contract_number: None,
            differed_action_date: None,
            method: None,
            soft_descriptor: None,
            card_brand: None,
            registration_token: None,
            cumulated_amount: None,
        }
    }
}
