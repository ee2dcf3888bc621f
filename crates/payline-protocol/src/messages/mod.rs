//! Messages of the `impl` namespace (`http://impl.ws.payline.experian.com`): one file per
//! operation holding its `<op>Request` and `<op>Response`, fields in WSDL sequence order.
//!
//! Adding an operation: write `messages/<operation>.rs` with the two structs inside a
//! `messages!` block (objects from [`crate::objects`], field shapes as described there; mark
//! the fields `new` takes, see the macro), then add one line to the `messages!` list below,
//! which implements [`Request`] and [`Response`] for the pair; add fixtures under
//! `tests/fixtures/<operation>/` and a case to the schema conformance test.

// A field is its schema element: the element's name in snake_case (serde spells out the
// others), in sequence order, its occurrence given by the field's shape as described above. A
// doc comment that restated the element name would add nothing, so fields carry one only where
// the value needs explaining; every type, function and module stays documented.
#![allow(
    missing_docs,
    reason = "struct fields mirror schema elements one to one"
)]

use core::fmt::Debug;

use serde::Serialize;
use serde::de::DeserializeOwned;

// Re-exported so that `messages::Operation` keeps working; the enums live at the root.
pub use crate::enums::{Api, Operation};

/// The web-service `version` the `new` constructors of requests put in the message: the
/// current level (releases 4.76, 4.77 and 24.x; Payline web services, the version element). It selects which optional
/// fields Payline reads and returns.
pub const VERSION: &str = "34";

/// A request message: the body element a client sends.
pub trait Request: Serialize + DeserializeOwned + Debug {
    /// The operation this request calls.
    const OPERATION: Operation;
    /// The matching response message.
    type Response: Response;
}

/// A response message: the body element the service answers with.
pub trait Response: Serialize + DeserializeOwned + Debug {
    /// The operation this response answers.
    const OPERATION: Operation;
}

/// What the codec does with a response whose type is known only at run time
/// ([`AnyResponse::visit`]): one generic call instead of one codec entry point per operation.
pub(crate) trait ResponseVisitor {
    /// What the visit gives.
    type Output;
    /// Called with the concrete response.
    fn visit<T: Response>(self, response: &T) -> Self::Output;
}

/// `VERSION` as the type of a message's `version` element (`String`, or `Option<String>` where
/// the element is optional).
fn version<T: From<String>>() -> T {
    T::from(VERSION.to_owned())
}

/// The message boilerplate, in two forms.
///
/// In a message file, around the request and response structs: each struct is emitted as
/// written, and a struct whose fields carry markers also gets `new`, taking the marked fields
/// as parameters in field order:
/// - `= arg`: a parameter of the field's type;
/// - `= into`: a parameter `impl Into<type>`;
/// - `= version`: no parameter, the current [`VERSION`];
/// - unmarked fields start at their `Default` (empty text, `None`).
///
/// In this file, the list of operations: declares the modules, re-exports the messages,
/// implements [`Request`] and [`Response`] for each pair and builds [`AnyRequest`] and
/// [`AnyResponse`].
macro_rules! messages {
    // `new`, built field by field: [parameters] [initializers] [markers seen].
    (@new $name:ident [$($p:tt)*] [$($i:tt)*] [$($m:tt)*] $field:ident : $ty:ty = arg; $($rest:tt)*) => {
        messages!(@new $name [$($p)* $field: $ty,] [$($i)* $field,] [$($m)* arg] $($rest)*);
    };
    (@new $name:ident [$($p:tt)*] [$($i:tt)*] [$($m:tt)*] $field:ident : $ty:ty = into; $($rest:tt)*) => {
        messages!(@new $name [$($p)* $field: impl Into<$ty>,] [$($i)* $field: $field.into(),] [$($m)* into] $($rest)*);
    };
    (@new $name:ident [$($p:tt)*] [$($i:tt)*] [$($m:tt)*] $field:ident : $ty:ty = version; $($rest:tt)*) => {
        messages!(@new $name [$($p)*] [$($i)* $field: $crate::messages::version(),] [$($m)* version] $($rest)*);
    };
    (@new $name:ident [$($p:tt)*] [$($i:tt)*] [$($m:tt)*] $field:ident : $ty:ty; $($rest:tt)*) => {
        messages!(@new $name [$($p)*] [$($i)* $field: Default::default(),] [$($m)*] $($rest)*);
    };
    // No marker: the message has no `new` (it is built field by field, or derives `Default`).
    (@new $name:ident [$($p:tt)*] [$($i:tt)*] []) => {};
    (@new $name:ident [$($p:tt)*] [$($i:tt)*] [$($m:tt)+]) => {
        impl $name {
            #[doc = concat!(
                "A `", stringify!($name), "` from its mandatory values; `version`, where the ",
                "message has one, at the current [`VERSION`](crate::messages::VERSION); every ",
                "other element empty or absent."
            )]
            pub fn new($($p)*) -> Self {
                Self { $($i)* }
            }
        }
    };

    () => {};

    // A message struct (in a message file), then the next one.
    (
        $(#[$attr:meta])*
        pub struct $name:ident {
            $(
                $(#[$field_attr:meta])*
                pub $field:ident : $ty:ty $(= $marker:ident)?
            ),* $(,)?
        }
        $($rest:tt)*
    ) => {
        $(#[$attr])*
        pub struct $name {
            $($(#[$field_attr])* pub $field: $ty,)*
        }

        messages!(@new $name [] [] [] $($field : $ty $(= $marker)?;)*);
        messages!($($rest)*);
    };

    // The list of operations (in this file).
    ($($module:ident :: $variant:ident ($request:ident, $response:ident),)*) => {
        $(
            mod $module;
            pub use $module::{$request, $response};

            impl Request for $request {
                const OPERATION: Operation = Operation::$variant;
                type Response = $response;
            }

            impl Response for $response {
                const OPERATION: Operation = Operation::$variant;
            }
        )*

        /// Any request this crate can decode, for a server that dispatches on the body element
        /// (Payline web services, services and operations: every WSDL declares every operation).
        #[derive(Clone, Debug, PartialEq, Eq)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)]
        pub enum AnyRequest {
            $(#[doc = concat!("`", stringify!($request), "`")] $variant($request),)*
        }

        /// Any response this crate can encode, so a server can return one type from its
        /// dispatcher.
        #[derive(Clone, Debug, PartialEq, Eq)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)]
        pub enum AnyResponse {
            $(#[doc = concat!("`", stringify!($response), "`")] $variant($response),)*
        }

        impl AnyRequest {
            /// The operation called.
            pub fn operation(&self) -> Operation {
                match self {
                    $(AnyRequest::$variant(_) => Operation::$variant,)*
                }
            }

            /// Operations with typed messages.
            pub const SUPPORTED: &'static [Operation] = &[$(Operation::$variant),*];

            /// The request of `operation`, read from the codec's deserializer of a body.
            pub(crate) fn decode_body<'de, D: serde::Deserializer<'de>>(
                operation: Operation,
                body: D,
            ) -> Option<Result<AnyRequest, D::Error>> {
                // Every operation of the WSDL is typed today; the arm stays for `Operation`
                // variants a later WSDL adds before their messages are written.
                #[allow(unreachable_patterns)]
                match operation {
                    $(Operation::$variant => Some(<$request as serde::Deserialize>::deserialize(body).map(AnyRequest::$variant)),)*
                    _ => None,
                }
            }
        }

        impl AnyResponse {
            /// The operation answered.
            pub fn operation(&self) -> Operation {
                match self {
                    $(AnyResponse::$variant(_) => Operation::$variant,)*
                }
            }

            /// Hands the response, as its concrete type, to the codec.
            pub(crate) fn visit<V: ResponseVisitor>(&self, visitor: V) -> V::Output {
                match self {
                    $(AnyResponse::$variant(r) => visitor.visit(r),)*
                }
            }
        }

        $(
            impl From<$request> for AnyRequest {
                fn from(r: $request) -> Self {
                    AnyRequest::$variant(r)
                }
            }

            impl From<$response> for AnyResponse {
                fn from(r: $response) -> Self {
                    AnyResponse::$variant(r)
                }
            }
        )*
    };
}

messages! {
    do_authorization::DoAuthorization(DoAuthorizationRequest, DoAuthorizationResponse),
    do_capture::DoCapture(DoCaptureRequest, DoCaptureResponse),
    do_reset::DoReset(DoResetRequest, DoResetResponse),
    do_refund::DoRefund(DoRefundRequest, DoRefundResponse),
    do_credit::DoCredit(DoCreditRequest, DoCreditResponse),
    do_re_authorization::DoReAuthorization(DoReAuthorizationRequest, DoReAuthorizationResponse),
    verify_enrollment::VerifyEnrollment(VerifyEnrollmentRequest, VerifyEnrollmentResponse),
    verify_authentication::VerifyAuthentication(VerifyAuthenticationRequest, VerifyAuthenticationResponse),
    get_token::GetToken(GetTokenRequest, GetTokenResponse),
    get_transaction_details::GetTransactionDetails(GetTransactionDetailsRequest, GetTransactionDetailsResponse),
    transactions_search::TransactionsSearch(TransactionsSearchRequest, TransactionsSearchResponse),
    create_wallet::CreateWallet(CreateWalletRequest, CreateWalletResponse),
    update_wallet::UpdateWallet(UpdateWalletRequest, UpdateWalletResponse),
    get_wallet::GetWallet(GetWalletRequest, GetWalletResponse),
    get_cards::GetCards(GetCardsRequest, GetCardsResponse),
    disable_wallet::DisableWallet(DisableWalletRequest, DisableWalletResponse),
    enable_wallet::EnableWallet(EnableWalletRequest, EnableWalletResponse),
    do_immediate_wallet_payment::DoImmediateWalletPayment(DoImmediateWalletPaymentRequest, DoImmediateWalletPaymentResponse),
    do_scheduled_wallet_payment::DoScheduledWalletPayment(DoScheduledWalletPaymentRequest, DoScheduledWalletPaymentResponse),
    do_recurrent_wallet_payment::DoRecurrentWalletPayment(DoRecurrentWalletPaymentRequest, DoRecurrentWalletPaymentResponse),
    get_payment_record::GetPaymentRecord(GetPaymentRecordRequest, GetPaymentRecordResponse),
    disable_payment_record::DisablePaymentRecord(DisablePaymentRecordRequest, DisablePaymentRecordResponse),
    update_payment_record::UpdatePaymentRecord(UpdatePaymentRecordRequest, UpdatePaymentRecordResponse),
    get_billing_record::GetBillingRecord(GetBillingRecordRequest, GetBillingRecordResponse),
    update_billing_record::UpdateBillingRecord(UpdateBillingRecordRequest, UpdateBillingRecordResponse),
    do_web_payment::DoWebPayment(DoWebPaymentRequest, DoWebPaymentResponse),
    get_web_payment_details::GetWebPaymentDetails(GetWebPaymentDetailsRequest, GetWebPaymentDetailsResponse),
    manage_web_wallet::ManageWebWallet(ManageWebWalletRequest, ManageWebWalletResponse),
    get_web_wallet::GetWebWallet(GetWebWalletRequest, GetWebWalletResponse),
    do_authorization_redirect::DoAuthorizationRedirect(DoAuthorizationRedirectRequest, DoAuthorizationRedirectResponse),
    do_debit::DoDebit(DoDebitRequest, DoDebitResponse),
    do_bank_transfer::DoBankTransfer(DoBankTransferRequest, DoBankTransferResponse),
    do_scoring_cheque::DoScoringCheque(DoScoringChequeRequest, DoScoringChequeResponse),
    get_encryption_key::GetEncryptionKey(GetEncryptionKeyRequest, GetEncryptionKeyResponse),
    get_merchant_settings::GetMerchantSettings(GetMerchantSettingsRequest, GetMerchantSettingsResponse),
    get_balance::GetBalance(GetBalanceRequest, GetBalanceResponse),
    un_block::UnBlock(UnBlockRequest, UnBlockResponse),
    is_registered::IsRegistered(IsRegisteredRequest, IsRegisteredResponse),
    prepare_session::PrepareSession(PrepareSessionRequest, PrepareSessionResponse),
    create_web_wallet::CreateWebWallet(CreateWebWalletRequest, CreateWebWalletResponse),
    update_web_wallet::UpdateWebWallet(UpdateWebWalletRequest, UpdateWebWalletResponse),
    get_alert_details::GetAlertDetails(GetAlertDetailsRequest, GetAlertDetailsResponse),
}
