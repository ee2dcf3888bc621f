use super::ReturnCode;
use crate::enums::Operation;

/// What a result code means for the caller of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// The operation succeeded.
    Accepted,
    /// The operation succeeded, but part of it did not (some wallets not disabled, schedule
    /// created but the card expires before its end, …).
    AcceptedWithWarning,
    /// The bank, the fraud module or a business rule refused it.
    Refused,
    /// Cancelled by the buyer, the merchant or a fallback process.
    Cancelled,
    /// Not final yet: ask again later (partner hold, risk review, buyer still paying).
    Pending,
    /// A 3-D Secure step is needed before authorizing (go to the ACS, run the 3DS method, or
    /// authenticate after a soft decline).
    ThreeDSecureStep,
    /// A technical or request error; nothing was done. Unknown codes land here.
    Error,
}

/// The meaning of `code` as an answer to `operation` (Payline result codes; verifyEnrollment response).
///
/// The same code means different things per operation: `03000` is "go to the ACS" for
/// verifyEnrollment but plain success for verifyAuthentication; `02506` is a warning on a
/// created schedule but an error elsewhere.
pub fn outcome(operation: Operation, code: ReturnCode) -> Outcome {
    use Operation as Op;
    match (operation, code) {
        // 3-D Secure module answers to verifyEnrollment (Payline "3DSecure 03" codes, 3DS V2
        // direct interface): everything ACCEPTED except the frictionless 03102 is a next step.
        (
            Op::VerifyEnrollment,
            ReturnCode::THREE_DS_ACCEPTED
            | ReturnCode::THREE_DS_METHOD_REQUESTED
            | ReturnCode::THREE_DS_CHALLENGE_REQUESTED
            | ReturnCode::THREE_DS_NO_METHOD
            | ReturnCode::THREE_DS_SDK_CHALLENGE_REQUESTED,
        ) => Outcome::ThreeDSecureStep,
        // An authorization refused because authentication is required: soft decline 01131, or
        // the fraud module asking for a challenge (04401/04402), after which Payline's samples
        // run verifyEnrollment.
        (
            Op::DoAuthorization | Op::DoImmediateWalletPayment,
            ReturnCode::THREE_DS_AUTHENTICATION_REQUIRED
            | ReturnCode::FRAUD_CHALLENGE_REQUESTED
            | ReturnCode::FRAUD_CHALLENGE_MANDATED,
        ) => Outcome::ThreeDSecureStep,
        // A schedule is created even though the card expires before its last due date.
        (
            Op::DoRecurrentWalletPayment | Op::DoScheduledWalletPayment,
            ReturnCode::CARD_EXPIRES_BEFORE_SCHEDULE,
        ) => Outcome::AcceptedWithWarning,
        (
            _,
            ReturnCode::OPERATION_SUCCESSFUL_WITH_WARNING
            | ReturnCode::SOME_WALLETS_NOT_DISABLED
            | ReturnCode::SOME_WALLETS_NOT_ENABLED
            | ReturnCode::WALLET_CREATION_ERROR,
        ) => Outcome::AcceptedWithWarning,
        // Wallet and payment-record rules (Payline codes 025xx): the gateway checked the
        // request and refused it on the state of the wallet or schedule (exists, unknown,
        // disabled, NX amounts inconsistent, card not eligible…). Codes about a malformed
        // request (02512–02515, 02518, 02527–02529, 02538, 02539) stay errors.
        (op, code) if is_wallet_operation(op) && WALLET_REFUSALS.contains(&code) => {
            Outcome::Refused
        }
        // A hosted page session that ended without the buyer paying (timed out before or
        // after the redirection) is final and nothing was charged.
        (
            Op::GetWebPaymentDetails | Op::GetWebWallet,
            ReturnCode::SESSION_EXPIRED
            | ReturnCode::BUYER_NOT_REDIRECTED_EXPIRED
            | ReturnCode::WALLET_SESSION_EXPIRED,
        ) => Outcome::Cancelled,
        (_, code) => match code.known().map(|k| k.short_message) {
            Some("ACCEPTED") => Outcome::Accepted,
            Some("REFUSED") => Outcome::Refused,
            Some("CANCELLED") => Outcome::Cancelled,
            Some("INPROGRESS" | "ONHOLD_PARTNER" | "PENDING_RISK") => Outcome::Pending,
            _ => Outcome::Error,
        },
    }
}

/// Business-rule refusals of the wallet and payment-record operations (Payline result codes 025xx-026xx).
const WALLET_REFUSALS: &[ReturnCode] = &[
    ReturnCode::WALLET_ALREADY_EXISTS,
    ReturnCode::WALLET_DOES_NOT_EXIST,
    ReturnCode::CANNOT_UPDATE_NAMES,
    ReturnCode::WALLET_DISABLED,
    ReturnCode::PAYMENT_RECORD_NOT_FOUND,
    ReturnCode::PAYMENT_RECORD_DISABLED,
    ReturnCode::INVALID_RECURRING_OPTION,
    ReturnCode::PAYMENT_RECORD_NOT_FOUND_02510,
    ReturnCode::WALLET_NOT_SUPPORTED_FOR_CARD,
    ReturnCode::CANNOT_DISABLE_WALLET,
    ReturnCode::CANNOT_ENABLE_WALLET,
    ReturnCode::CARD_ALREADY_IN_WALLET,
    ReturnCode::AMEX_RESTRICTION_02522,
    ReturnCode::AMEX_RESTRICTION_02523,
    ReturnCode::AMEX_RESTRICTION_02524,
    ReturnCode::AMEX_RESTRICTION_02525,
    ReturnCode::AMEX_RESTRICTION_02526,
    ReturnCode::NO_CARD_FOR_TOKEN,
    ReturnCode::CARD_NOT_ELIGIBLE,
];

/// Operations that work on a wallet or a payment record (DirectPaymentAPI wallet calls and the
/// hosted pages that can create or use a wallet).
fn is_wallet_operation(op: Operation) -> bool {
    use Operation as Op;
    matches!(
        op,
        Op::CreateWallet
            | Op::UpdateWallet
            | Op::GetWallet
            | Op::GetCards
            | Op::DisableWallet
            | Op::EnableWallet
            | Op::DoImmediateWalletPayment
            | Op::DoScheduledWalletPayment
            | Op::DoRecurrentWalletPayment
            | Op::GetPaymentRecord
            | Op::DisablePaymentRecord
            | Op::UpdatePaymentRecord
            | Op::GetBillingRecord
            | Op::UpdateBillingRecord
            | Op::DoWebPayment
            | Op::GetWebPaymentDetails
            | Op::ManageWebWallet
            | Op::CreateWebWallet
            | Op::UpdateWebWallet
            | Op::GetWebWallet
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests;
