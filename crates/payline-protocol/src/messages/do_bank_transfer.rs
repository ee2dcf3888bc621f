//! `doBankTransfer` (DirectPaymentAPI): a SEPA credit transfer to a creditor (action 150)
//! (Payline other DirectPaymentAPI operations).

use serde::{Deserialize, Serialize};

use crate::objects::{Creditor, PaylineResult, Payment, PrivateDataList, Transaction};

messages! {
    /// `doBankTransferRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DoBankTransferRequest {
        #[serde(default)]
        pub version: String = version,
        pub payment: Payment = arg,
        #[serde(default)]
        pub creditor: Creditor = arg,
        #[serde(default, with = "crate::wire::nil")]
        pub comment: Option<String>,
        #[serde(rename = "transactionID", default, with = "crate::wire::nil")]
        pub transaction_id: Option<String>,
        #[serde(rename = "orderID", default)]
        pub order_id: String = into,
        #[serde(default, with = "crate::wire::nil")]
        pub private_data_list: Option<PrivateDataList>,
    }

    /// `doBankTransferResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DoBankTransferResponse {
        pub result: PaylineResult = arg,
        #[serde(default)]
        pub transaction: Transaction,
        #[serde(default, with = "crate::wire::nil")]
        pub private_data_list: Option<PrivateDataList>,
    }
}
