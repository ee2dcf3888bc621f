//! `doScheduledWalletPayment` (DirectPaymentAPI): Pay once on a future date with the card of a wallet (Payline wallet and payment record operations).

use serde::{Deserialize, Serialize};

use super::{Operation, Request, Response};
use crate::objects::{
    Authentication3DSecure, Order, PaylineResult, Payment, PrivateDataList, Recurring, SubMerchant,
};
use crate::values::{Date, DateTimeMinutes};

/// `doScheduledWalletPaymentRequest` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DoScheduledWalletPaymentRequest {
    #[serde(default)]
    pub version: String,
    pub payment: Payment,
    #[serde(default, with = "crate::wire::nil")]
    pub order_ref: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub order_date: Option<DateTimeMinutes>,
    pub scheduled_date: Date,
    #[serde(default)]
    pub wallet_id: String,
    #[serde(default, with = "crate::wire::nil")]
    pub card_ind: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub order: Option<Order>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurring: Option<Recurring>,
    #[serde(
        rename = "authentication3DSecure",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub authentication_3d_secure: Option<Authentication3DSecure>,
    #[serde(default, with = "crate::wire::nil")]
    pub private_data_list: Option<PrivateDataList>,
    #[serde(default, with = "crate::wire::nil")]
    pub media: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub sub_merchant: Option<SubMerchant>,
    #[serde(default, with = "crate::wire::nil")]
    pub linked_transaction_id: Option<String>,
}

/// `doScheduledWalletPaymentResponse` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DoScheduledWalletPaymentResponse {
    pub result: PaylineResult,
    #[serde(default)]
    pub payment_record_id: String,
}

impl Request for DoScheduledWalletPaymentRequest {
    const OPERATION: Operation = Operation::DoScheduledWalletPayment;
    type Response = DoScheduledWalletPaymentResponse;
}

impl Response for DoScheduledWalletPaymentResponse {
    const OPERATION: Operation = Operation::DoScheduledWalletPayment;
}

impl DoScheduledWalletPaymentRequest {
    /// A `DoScheduledWalletPaymentRequest` at the current `version`; other elements start empty or absent.
    pub fn new(payment: Payment, scheduled_date: Date, wallet_id: impl Into<String>) -> Self {
        Self {
            version: super::VERSION.to_owned(),
            payment,
            order_ref: None,
            order_date: None,
            scheduled_date,
            wallet_id: wallet_id.into(),
            card_ind: None,
            order: None,
            recurring: None,
            authentication_3d_secure: None,
            private_data_list: None,
            media: None,
            sub_merchant: None,
            linked_transaction_id: None,
        }
    }
}

impl DoScheduledWalletPaymentResponse {
    /// A `DoScheduledWalletPaymentResponse` from its result; other elements start empty or absent.
    pub fn new(result: PaylineResult) -> Self {
        Self {
            result,
            payment_record_id: Default::default(),
        }
    }
}
