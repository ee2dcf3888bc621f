//! `disablePaymentRecord` (DirectPaymentAPI): Stop a payment record: no further due date is billed (Payline wallet and payment record operations).

use serde::{Deserialize, Serialize};

use crate::objects::PaylineResult;

messages! {
    /// `disablePaymentRecordRequest` (impl namespace).
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DisablePaymentRecordRequest {
        #[serde(default)]
        pub contract_number: String = into,
        #[serde(default)]
        pub payment_record_id: String = into,
    }

    /// `disablePaymentRecordResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DisablePaymentRecordResponse {
        pub result: PaylineResult = arg,
    }
}
