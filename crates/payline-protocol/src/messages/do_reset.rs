//! `doReset` (DirectPaymentAPI): Cancellation of a transaction not yet remitted to the bank (Payline doReset).

use serde::{Deserialize, Serialize};

use crate::objects::{PaylineResult, PrivateDataList, Transaction};
use crate::values::{Amount, Currency};

messages! {
    /// `doResetRequest` (impl namespace).
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DoResetRequest {
        #[serde(default)]
        pub version: String,
        #[serde(rename = "transactionID", default)]
        pub transaction_id: String,
        #[serde(default, with = "crate::wire::nil")]
        pub comment: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub media: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub amount: Option<Amount>,
        #[serde(default, with = "crate::wire::nil")]
        pub currency: Option<Currency>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub private_data_list: Option<PrivateDataList>,
        #[serde(default, with = "crate::wire::nil")]
        pub sequence_number: Option<String>,
    }

    /// `doResetResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DoResetResponse {
        pub result: PaylineResult = arg,
        #[serde(default)]
        pub transaction: Transaction,
    }
}
