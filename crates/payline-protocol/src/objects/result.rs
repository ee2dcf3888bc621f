//! `result`: the return code and messages of every response (Payline result and transaction objects; result codes).

use serde::{Deserialize, Serialize};

use crate::values::ReturnCode;

/// WSDL `result`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaylineResult {
    pub code: ReturnCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub long_message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_code_label: Option<String>,
}

impl PaylineResult {
    /// A `PaylineResult` from its mandatory typed values; mandatory text
    /// elements start empty, optional ones absent.
    pub fn new(code: ReturnCode) -> Self {
        Self {
            code,
            short_message: None,
            long_message: None,
            partner_code: None,
            partner_code_label: None,
        }
    }

    /// A result with the short and long messages Payline documents for `code` (none for an
    /// undocumented code), as a gateway answers.
    pub fn documented(code: ReturnCode) -> Self {
        let known = code.known();
        Self {
            short_message: known.map(|k| k.short_message.to_owned()),
            long_message: known.map(|k| k.long_message.to_owned()),
            ..Self::new(code)
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn documented_results_carry_paylines_messages() {
        let r = PaylineResult::documented(ReturnCode::WALLET_ALREADY_EXISTS);
        assert_eq!(r.code.as_str(), "02502");
        assert_eq!(r.short_message.as_deref(), Some("ERROR"));
        assert_eq!(
            r.long_message.as_deref(),
            Some("Wallet with the same identifier exists")
        );
        let unknown = PaylineResult::documented("09999".parse().unwrap());
        assert_eq!(unknown.short_message, None);
        assert_eq!(unknown.long_message, None);
    }
}
