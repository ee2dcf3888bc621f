//! Additional payments of a multi-means payment (getTransactionDetails, Payline getTransactionDetails / transactionsSearch).

use serde::{Deserialize, Serialize};

use super::{Authentication3DSecure, Authorization, CardOut, ExtendedCard, Payment, Transaction};

/// WSDL `paymentAdditionalList`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentAdditionalList {
    #[serde(default)]
    pub payment_additional: Vec<PaymentAdditional>,
}

/// WSDL `paymentAdditional`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentAdditional {
    #[serde(default)]
    pub transaction: Transaction,
    pub payment: Payment,
    #[serde(default)]
    pub authorization: Authorization,
    #[serde(
        rename = "authentication3DSecure",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub authentication_3d_secure: Option<Authentication3DSecure>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<CardOut>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_card: Option<ExtendedCard>,
}

impl PaymentAdditional {
    /// A `PaymentAdditional` from its mandatory typed values; mandatory text
    /// elements start empty, optional ones absent.
    pub fn new(payment: Payment) -> Self {
        Self {
            transaction: Default::default(),
            payment,
            authorization: Default::default(),
            authentication_3d_secure: None,
            card: None,
            extended_card: None,
        }
    }
}
