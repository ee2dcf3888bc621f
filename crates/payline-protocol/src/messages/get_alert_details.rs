//! `getAlertDetails` (ExtendedAPI): an alert of the fraud module with the histories behind it
//! (Payline other DirectPaymentAPI operations). The schema spells these elements in
//! PascalCase, `result` excepted.

use serde::{Deserialize, Serialize};

use crate::objects::{AlertsTransHist, CustomerTransHist, PaylineResult, PaymentMeansTransHist};

messages! {
    /// `getAlertDetailsRequest` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct GetAlertDetailsRequest {
        #[serde(rename = "version", default, with = "crate::wire::nil")]
        pub version: Option<String> = version,
        #[serde(default)]
        pub alert_id: String = into,
        #[serde(default)]
        pub transaction_id: String = into,
        #[serde(default, with = "crate::wire::nil")]
        pub transaction_date: Option<String>,
    }

    /// `getAlertDetailsResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct GetAlertDetailsResponse {
        #[serde(rename = "result")]
        pub result: PaylineResult = arg,
        #[serde(default)]
        pub alert_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub explanation_code: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub explanation_label: Option<String>,
        #[serde(default)]
        pub transaction_status: String,
        #[serde(default)]
        pub merchant_label: String,
        #[serde(default)]
        pub pos_label: String,
        #[serde(default)]
        pub transaction_id: String,
        #[serde(default)]
        pub security_level: String,
        #[serde(default)]
        pub transaction_date: String,
        #[serde(default)]
        pub transaction_amount: String,
        #[serde(default)]
        pub transaction_currency: String,
        #[serde(default)]
        pub payment_type: String,
        #[serde(default)]
        pub payment_data: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub holder_name: Option<String>,
        #[serde(default)]
        pub reference_data: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub customer_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub buyer_first_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub buyer_last_name: Option<String>,
        #[serde(default)]
        pub customer_trans_hist: CustomerTransHist,
        #[serde(default)]
        pub payment_means_trans_hist: PaymentMeansTransHist,
        #[serde(default)]
        pub alerts_trans_hist: AlertsTransHist,
    }
}
