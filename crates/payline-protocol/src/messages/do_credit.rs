//! `doCredit` (DirectPaymentAPI): Stand-alone credit to a card (Payline doCredit).

use serde::{Deserialize, Serialize};

use super::{Operation, Request, Response};
use crate::objects::{
    Buyer, Card, CardOut, ExtendedCard, Order, Owner, PaylineResult, Payment, PrivateDataList,
    SubMerchant, Transaction,
};

/// `doCreditRequest` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DoCreditRequest {
    #[serde(default)]
    pub version: String,
    pub payment: Payment,
    pub card: Card,
    #[serde(default, with = "crate::wire::nil")]
    pub comment: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub order: Option<Order>,
    #[serde(default, with = "crate::wire::nil")]
    pub buyer: Option<Buyer>,
    #[serde(default, with = "crate::wire::nil")]
    pub owner: Option<Owner>,
    #[serde(default, with = "crate::wire::nil")]
    pub private_data_list: Option<PrivateDataList>,
    #[serde(default, with = "crate::wire::nil")]
    pub misc_data: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub media: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub sub_merchant: Option<SubMerchant>,
}

/// `doCreditResponse` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DoCreditResponse {
    pub result: PaylineResult,
    #[serde(default)]
    pub transaction: Transaction,
    #[serde(default)]
    pub card: CardOut,
    #[serde(default)]
    pub extended_card: ExtendedCard,
}

impl Request for DoCreditRequest {
    const OPERATION: Operation = Operation::DoCredit;
    type Response = DoCreditResponse;
}

impl Response for DoCreditResponse {
    const OPERATION: Operation = Operation::DoCredit;
}

impl DoCreditRequest {
    /// A `DoCreditRequest` from its mandatory typed values; mandatory text
    /// elements start empty, optional ones absent.
    pub fn new(payment: Payment, card: Card) -> Self {
        Self {
            version: super::VERSION.to_owned(),
            payment,
            card,
            comment: None,
            order: None,
            buyer: None,
            owner: None,
            private_data_list: None,
            misc_data: None,
            media: None,
            sub_merchant: None,
        }
    }
}

impl DoCreditResponse {
    /// A `DoCreditResponse` from its mandatory typed values; mandatory text
    /// elements start empty, optional ones absent.
    pub fn new(result: PaylineResult) -> Self {
        Self {
            result,
            transaction: Default::default(),
            card: Default::default(),
            extended_card: Default::default(),
        }
    }
}
