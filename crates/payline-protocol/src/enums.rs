//! The names of Payline's services and operations, at the root of the crate: values,
//! objects, messages and the codec all name operations, so the enums depend on nothing in the
//! crate and everything else may depend on them.

use core::fmt;

/// The three Payline SOAP services; the name is the last segment of the endpoint path
/// (`/V4/services/DirectPaymentAPI`, Payline web services, services and operations).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Api {
    /// `DirectPaymentAPI`: server-to-server payments, wallets, schedules, 3-D Secure.
    DirectPayment,
    /// `WebPaymentAPI`: hosted payment pages.
    WebPayment,
    /// `ExtendedAPI`: transaction search and details.
    Extended,
}

impl Api {
    /// The service name as it appears in the URL path.
    pub const fn name(self) -> &'static str {
        match self {
            Api::DirectPayment => "DirectPaymentAPI",
            Api::WebPayment => "WebPaymentAPI",
            Api::Extended => "ExtendedAPI",
        }
    }
}

impl fmt::Display for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

macro_rules! operations {
    ($($variant:ident = $name:literal, $api:ident;)*) => {
        /// A Payline SOAP operation (WSDL portType operations, Payline web services, services and operations).
        ///
        /// Every operation of the WSDL is listed, so that a server can name what it received;
        /// typed messages exist for those in `AnyRequest::SUPPORTED`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Operation {
            $(#[doc = concat!("`", $name, "` (", stringify!($api), ")")] $variant,)*
        }

        impl Operation {
            /// Every operation of the WSDL.
            pub const ALL: &'static [Operation] = &[$(Operation::$variant),*];

            /// The operation name, as in the WSDL (`doAuthorization`).
            pub const fn name(self) -> &'static str {
                match self {
                    $(Operation::$variant => $name,)*
                }
            }

            /// The service that serves it.
            pub const fn api(self) -> Api {
                match self {
                    $(Operation::$variant => Api::$api,)*
                }
            }

            /// The operation with this WSDL name.
            pub fn from_name(name: &str) -> Option<Operation> {
                match name {
                    $($name => Some(Operation::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

operations! {
    DoAuthorization = "doAuthorization", DirectPayment;
    DoAuthorizationRedirect = "doAuthorizationRedirect", DirectPayment;
    DoCapture = "doCapture", DirectPayment;
    DoReAuthorization = "doReAuthorization", DirectPayment;
    DoDebit = "doDebit", DirectPayment;
    DoRefund = "doRefund", DirectPayment;
    DoReset = "doReset", DirectPayment;
    DoCredit = "doCredit", DirectPayment;
    CreateWallet = "createWallet", DirectPayment;
    UpdateWallet = "updateWallet", DirectPayment;
    GetWallet = "getWallet", DirectPayment;
    GetCards = "getCards", DirectPayment;
    DisableWallet = "disableWallet", DirectPayment;
    EnableWallet = "enableWallet", DirectPayment;
    DoImmediateWalletPayment = "doImmediateWalletPayment", DirectPayment;
    DoScheduledWalletPayment = "doScheduledWalletPayment", DirectPayment;
    DoRecurrentWalletPayment = "doRecurrentWalletPayment", DirectPayment;
    GetPaymentRecord = "getPaymentRecord", DirectPayment;
    DisablePaymentRecord = "disablePaymentRecord", DirectPayment;
    UpdatePaymentRecord = "updatePaymentRecord", DirectPayment;
    GetBillingRecord = "getBillingRecord", DirectPayment;
    UpdateBillingRecord = "updateBillingRecord", DirectPayment;
    VerifyEnrollment = "verifyEnrollment", DirectPayment;
    VerifyAuthentication = "verifyAuthentication", DirectPayment;
    DoScoringCheque = "doScoringCheque", DirectPayment;
    GetEncryptionKey = "getEncryptionKey", DirectPayment;
    GetMerchantSettings = "getMerchantSettings", DirectPayment;
    GetBalance = "getBalance", DirectPayment;
    GetToken = "getToken", DirectPayment;
    UnBlock = "unBlock", DirectPayment;
    DoBankTransfer = "doBankTransfer", DirectPayment;
    IsRegistered = "isRegistered", DirectPayment;
    PrepareSession = "prepareSession", DirectPayment;
    DoWebPayment = "doWebPayment", WebPayment;
    GetWebPaymentDetails = "getWebPaymentDetails", WebPayment;
    ManageWebWallet = "manageWebWallet", WebPayment;
    CreateWebWallet = "createWebWallet", WebPayment;
    UpdateWebWallet = "updateWebWallet", WebPayment;
    GetWebWallet = "getWebWallet", WebPayment;
    GetTransactionDetails = "getTransactionDetails", Extended;
    TransactionsSearch = "transactionsSearch", Extended;
    GetAlertDetails = "getAlertDetails", Extended;
}

impl Operation {
    /// The `SOAPAction` HTTP header value: the bare operation name (WSDL `soapAction`).
    /// PHP's SoapClient sends it between double quotes; servers should accept both.
    pub const fn soap_action(self) -> &'static str {
        self.name()
    }

    /// The name of the request element (`doAuthorizationRequest`).
    pub fn request_element(self) -> String {
        let mut s = String::with_capacity(self.name().len() + 7);
        s.push_str(self.name());
        s.push_str("Request");
        s
    }

    /// The name of the response element (`doAuthorizationResponse`).
    pub fn response_element(self) -> String {
        let mut s = String::with_capacity(self.name().len() + 8);
        s.push_str(self.name());
        s.push_str("Response");
        s
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_apis_match_the_wsdl_services() {
        assert_eq!(Operation::ALL.len(), 42);
        for op in Operation::ALL {
            assert_eq!(Operation::from_name(op.name()), Some(*op));
        }
        assert_eq!(Operation::DoAuthorization.api().name(), "DirectPaymentAPI");
        assert_eq!(Operation::DoWebPayment.api(), Api::WebPayment);
        assert_eq!(Operation::TransactionsSearch.api(), Api::Extended);
        assert_eq!(Operation::DoCapture.request_element(), "doCaptureRequest");
        assert_eq!(Operation::from_name("doauthorization"), None);
    }
}
