//! `doScoringCheque` (DirectPaymentAPI): the cheque guarantee check (Payline other
//! DirectPaymentAPI operations).

use serde::{Deserialize, Serialize};

use crate::objects::{Cheque, Order, PaylineResult, Payment, PrivateDataList, ScoringCheque, Transaction};

messages! {
    /// `doScoringChequeRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DoScoringChequeRequest {
        #[serde(default)]
        pub version: String = version,
        pub payment: Payment = arg,
        #[serde(default)]
        pub cheque: Cheque = arg,
        pub order: Order = arg,
        #[serde(default, with = "crate::wire::nil")]
        pub private_data_list: Option<PrivateDataList>,
        #[serde(default, with = "crate::wire::nil")]
        pub media: Option<String>,
    }

    /// `doScoringChequeResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DoScoringChequeResponse {
        pub result: PaylineResult = arg,
        #[serde(default)]
        pub transaction: Transaction,
        #[serde(default)]
        pub scoring_cheque: ScoringCheque,
    }
}
