//! Card objects: `card` sent by the merchant, `cardOut` and `extendedCardType` returned by Payline (Payline card object; doAuthorization response).

use serde::{Deserialize, Serialize};

use crate::secret::Secret;
use crate::values::{CardExpiry, CardType};

/// WSDL `card`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Card {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_key_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted_data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<Secret>,
    pub r#type: CardType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_date: Option<CardExpiry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvx: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_birthday_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_present: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cardholder: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_data: Option<PaymentData>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub par: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_requestor_cryptogram: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_requestor_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last4: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pan_type: Option<String>,
}

/// WSDL `paymentData`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentData {
    #[serde(
        rename = "transactionID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub transaction_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_data: Option<String>,
}

/// WSDL `cardOut`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CardOut {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<CardType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_date: Option<CardExpiry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cardholder: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pan_type: Option<String>,
}

/// WSDL `extendedCardType`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtendedCard {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_cvd: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
}

impl Card {
    /// A `Card` from its mandatory typed values; mandatory text
    /// elements start empty, optional ones absent.
    pub fn new(r#type: CardType) -> Self {
        Self {
            encryption_key_id: None,
            encrypted_data: None,
            number: None,
            r#type,
            expiration_date: None,
            cvx: None,
            owner_birthday_date: None,
            password: None,
            card_present: None,
            cardholder: None,
            token: None,
            payment_data: None,
            par: None,
            token_requestor_cryptogram: None,
            token_requestor_id: None,
            last4: None,
            pan_type: None,
        }
    }
}
