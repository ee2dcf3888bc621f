//! `verifyAuthentication` (DirectPaymentAPI): Check of the ACS answer (PaRes/CRes) after a challenge (Payline verifyAuthentication).

use serde::{Deserialize, Serialize};

use crate::objects::{Authentication3DSecure, Card, PaylineResult, PrivateDataList};

messages! {
    /// `verifyAuthenticationRequest` (impl namespace).
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct VerifyAuthenticationRequest {
        #[serde(default, with = "crate::wire::nil")]
        pub transient: Option<String>,
        #[serde(default)]
        pub version: String,
        #[serde(default)]
        pub contract_number: String,
        #[serde(default)]
        pub pares: String,
        #[serde(default, with = "crate::wire::nil")]
        pub md: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub card: Option<Card>,
        #[serde(default, with = "crate::wire::nil")]
        pub private_data_list: Option<PrivateDataList>,
    }

    /// `verifyAuthenticationResponse` (impl namespace).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct VerifyAuthenticationResponse {
        #[serde(default, with = "crate::wire::nil")]
        pub transient: Option<String>,
        pub result: PaylineResult = arg,
        #[serde(rename = "authentication3DSecure", default, with = "crate::wire::nil")]
        pub authentication_3d_secure: Option<Authentication3DSecure>,
        #[serde(default, with = "crate::wire::nil")]
        pub mpi_result: Option<String>,
        #[serde(default, with = "crate::wire::nil")]
        pub private_data_list: Option<PrivateDataList>,
    }
}
