//! `verifyAuthentication` (DirectPaymentAPI): Check of the ACS answer (PaRes/CRes) after a challenge (Payline verifyAuthentication).

use serde::{Deserialize, Serialize};

use super::{Operation, Request, Response};
use crate::objects::{Authentication3DSecure, Card, PaylineResult, PrivateDataList};

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
    pub result: PaylineResult,
    #[serde(rename = "authentication3DSecure", default, with = "crate::wire::nil")]
    pub authentication_3d_secure: Option<Authentication3DSecure>,
    #[serde(default, with = "crate::wire::nil")]
    pub mpi_result: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub private_data_list: Option<PrivateDataList>,
}

impl Request for VerifyAuthenticationRequest {
    const OPERATION: Operation = Operation::VerifyAuthentication;
    type Response = VerifyAuthenticationResponse;
}

impl Response for VerifyAuthenticationResponse {
    const OPERATION: Operation = Operation::VerifyAuthentication;
}

impl VerifyAuthenticationResponse {
    /// A `VerifyAuthenticationResponse` from its mandatory typed values; mandatory text
    /// elements start empty, optional ones absent.
    pub fn new(result: PaylineResult) -> Self {
        Self {
            transient: None,
            result,
            authentication_3d_secure: None,
            mpi_result: None,
            private_data_list: None,
        }
    }
}
