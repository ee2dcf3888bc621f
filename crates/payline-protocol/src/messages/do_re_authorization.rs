//! `doReAuthorization` (DirectPaymentAPI): Renewal of an earlier authorization (Payline doReAuthorization).

use serde::{Deserialize, Serialize};

use super::{Operation, Request, Response};
use crate::objects::{
    CardOut, ExtendedCard, Order, PaylineResult, Payment, PrivateDataList, Transaction,
};

/// `doReAuthorizationRequest` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DoReAuthorizationRequest {
    #[serde(default)]
    pub version: String,
    #[serde(rename = "transactionID", default)]
    pub transaction_id: String,
    pub payment: Payment,
    pub order: Order,
    #[serde(default, with = "crate::wire::nil")]
    pub private_data_list: Option<PrivateDataList>,
    #[serde(default, with = "crate::wire::nil")]
    pub media: Option<String>,
}

/// `doReAuthorizationResponse` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DoReAuthorizationResponse {
    pub result: PaylineResult,
    #[serde(default)]
    pub transaction: Transaction,
    #[serde(default)]
    pub card: CardOut,
    #[serde(default)]
    pub extended_card: ExtendedCard,
}

impl Request for DoReAuthorizationRequest {
    const OPERATION: Operation = Operation::DoReAuthorization;
    type Response = DoReAuthorizationResponse;
}

impl Response for DoReAuthorizationResponse {
    const OPERATION: Operation = Operation::DoReAuthorization;
}

impl DoReAuthorizationRequest {
    /// A `DoReAuthorizationRequest` from its mandatory typed values; mandatory text
    /// elements start empty, optional ones absent.
    pub fn new(payment: Payment, order: Order) -> Self {
        Self {
            version: super::VERSION.to_owned(),
            transaction_id: Default::default(),
            payment,
            order,
            private_data_list: None,
            media: None,
        }
    }
}

impl DoReAuthorizationResponse {
    /// A `DoReAuthorizationResponse` from its mandatory typed values; mandatory text
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
