//! `creditor`, the beneficiary of a SEPA credit transfer (Payline doBankTransfer).

use serde::{Deserialize, Serialize};

/// WSDL `creditor`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Creditor {
    #[serde(default)]
    pub bic: String,
    #[serde(default)]
    pub iban: String,
    #[serde(default)]
    pub name: String,
}
