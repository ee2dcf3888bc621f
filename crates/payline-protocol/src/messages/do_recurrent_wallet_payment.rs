//! `doRecurrentWalletPayment` (DirectPaymentAPI): Create a payment record: instalments (NX) or a subscription (REC) billed by the gateway from a wallet (Payline wallet and payment record operations, recurring object).

use serde::{Deserialize, Serialize};

use super::{Operation, Request, Response};
use crate::objects::{
    Authentication3DSecure, BillingRecordList, Order, PaylineResult, Payment, PrivateDataList,
    Recurring,
};
use crate::secret::Secret;
use crate::values::{Date, DateTimeMinutes};

/// `doRecurrentWalletPaymentRequest` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DoRecurrentWalletPaymentRequest {
    #[serde(default)]
    pub version: String,
    pub payment: Payment,
    #[serde(default)]
    pub order_ref: String,
    pub order_date: DateTimeMinutes,
    pub scheduled_date: Date,
    #[serde(default)]
    pub wallet_id: String,
    #[serde(default, with = "crate::wire::nil")]
    pub card_ind: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub cvx: Option<Secret>,
    pub recurring: Recurring,
    #[serde(default, with = "crate::wire::nil")]
    pub private_data_list: Option<PrivateDataList>,
    #[serde(default, with = "crate::wire::nil")]
    pub order: Option<Order>,
    #[serde(default, with = "crate::wire::nil")]
    pub media: Option<String>,
    #[serde(
        rename = "authentication3DSecure",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub authentication_3d_secure: Option<Authentication3DSecure>,
    #[serde(default, with = "crate::wire::nil")]
    pub linked_transaction_id: Option<String>,
}

/// `doRecurrentWalletPaymentResponse` (impl namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DoRecurrentWalletPaymentResponse {
    pub result: PaylineResult,
    #[serde(default)]
    pub payment_record_id: String,
    #[serde(default)]
    pub billing_record_list: BillingRecordList,
}

impl Request for DoRecurrentWalletPaymentRequest {
    const OPERATION: Operation = Operation::DoRecurrentWalletPayment;
    type Response = DoRecurrentWalletPaymentResponse;
}

impl Response for DoRecurrentWalletPaymentResponse {
    const OPERATION: Operation = Operation::DoRecurrentWalletPayment;
}

impl DoRecurrentWalletPaymentRequest {
    /// A `DoRecurrentWalletPaymentRequest` at the current `version`; other elements start empty or absent.
    pub fn new(
        payment: Payment,
        order_ref: impl Into<String>,
        order_date: DateTimeMinutes,
        scheduled_date: Date,
        wallet_id: impl Into<String>,
        recurring: Recurring,
    ) -> Self {
        Self {
            version: super::VERSION.to_owned(),
            payment,
            order_ref: order_ref.into(),
            order_date,
            scheduled_date,
            wallet_id: wallet_id.into(),
            card_ind: None,
            cvx: None,
            recurring,
            private_data_list: None,
            order: None,
            media: None,
            authentication_3d_secure: None,
            linked_transaction_id: None,
        }
    }
}

impl DoRecurrentWalletPaymentResponse {
    /// A `DoRecurrentWalletPaymentResponse` from its result; other elements start empty or absent.
    pub fn new(result: PaylineResult) -> Self {
        Self {
            result,
            payment_record_id: Default::default(),
            billing_record_list: Default::default(),
        }
    }
}
