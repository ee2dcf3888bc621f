//! `doCapture` (DirectPaymentAPI): Capture of an accepted authorization (Payline doCapture).

use serde::{Deserialize, Serialize};

use crate::objects::{PaylineResult, Payment, PrivateDataList, Transaction};

messages! {
    /// `doCaptureRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DoCaptureRequest {
        #[serde(default)]
        pub version: String = version,
        #[serde(rename = "transactionID", default)]
        pub transaction_id: String,
        pub payment: Payment = arg,
        #[serde(default, with = "crate::wire::nil")]
        pub private_data_list: Option<PrivateDataList>,
        #[serde(default, with = "crate::wire::nil")]
        pub sequence_number: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub media: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub misc_data: Option<String>,
    }

    /// `doCaptureResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DoCaptureResponse {
        pub result: PaylineResult = arg,
        #[serde(default)]
        pub transaction: Transaction,
        #[serde(default, with = "crate::wire::nil")]
        pub re_authorization: Option<String>,
    }
}
