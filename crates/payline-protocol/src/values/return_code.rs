use core::fmt;
use core::str::FromStr;

use super::{InvalidValue, serde_via_str};

/// `result.code`: a five-character Payline return code (Payline result codes).
///
/// A string, not a number: leading zeros matter (`00000`) and the SDKs use `XXXXX` for transport
/// errors. Any five ASCII letters or digits are accepted, so a code Payline adds later survives a
/// round trip; the documented ones are named constants with their messages ([`ReturnCode::known`]).
/// What a code means depends on the operation: see [`outcome`](super::outcome).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReturnCode([u8; 5]);

/// A documented return code with the messages Payline sends with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct KnownCode {
    /// The code.
    pub code: ReturnCode,
    /// The constant's name (`APPROVED`).
    pub name: &'static str,
    /// `result.shortMessage`: the status word (`ACCEPTED`, `REFUSED`, `ERROR`, …).
    pub short_message: &'static str,
    /// `result.longMessage`, in our English wording of Payline's label.
    pub long_message: &'static str,
}

/// Only called in `const` items below: a literal that is not five bytes fails the build, it
/// cannot panic at run time.
#[allow(clippy::panic)]
const fn code(s: &str) -> ReturnCode {
    match *s.as_bytes() {
        [a, b, c, d, e] => ReturnCode([a, b, c, d, e]),
        _ => panic!("a return code has five characters"),
    }
}

macro_rules! codes {
    ($($name:ident = $code:literal, $short:literal, $long:literal;)*) => {
        impl ReturnCode {
            $(#[doc = concat!("`", $code, "` ", $short, ": ", $long, ".")]
              pub const $name: ReturnCode = code($code);)*

            /// Every documented code, in code order.
            pub const KNOWN: &'static [KnownCode] = &[$(KnownCode {
                code: ReturnCode::$name,
                name: stringify!($name),
                short_message: $short,
                long_message: $long,
            }),*];
        }
    };
}

// Codes and status words from Payline's return-code pages (Payline result codes). Where Payline's page
// gives no status word (codes known from the wallet pages or the third-party list, marked † in
// result codes), the word is ERROR, except for the codes Payline lists as "accepted" (00000, 02400, 02500,
// 02501, 02517, 02520, 02616, 03000, 04000) and two web-session states that are not failures:
// 02533 (buyer not redirected yet, session active: INPROGRESS) and 02536 (buyer cancelled:
// CANCELLED).
codes! {
    APPROVED = "00000", "ACCEPTED", "Transaction approved";
    DO_NOT_HONOR = "01100", "REFUSED", "Transaction refused (do not honor)";
    CARD_EXPIRED = "01101", "REFUSED", "Card expired";
    INVALID_BIRTH_DATE = "01102", "REFUSED", "Invalid birth date";
    REFERRAL = "01103", "REFUSED", "Referral, contact your bank for authorization";
    REFERRAL_SPECIAL_CONDITIONS = "01108", "REFUSED", "Referral (special conditions)";
    INVALID_MERCHANT = "01109", "ERROR", "Invalid merchant";
    INVALID_AMOUNT = "01110", "ERROR", "Invalid amount";
    INVALID_CARD_NUMBER = "01111", "REFUSED", "Invalid card number";
    EXPENSES_NOT_ACCEPTED = "01113", "REFUSED", "Transaction refused (expenses not accepted)";
    ACCOUNT_DOES_NOT_EXIST = "01114", "REFUSED", "Account does not exist";
    FUNCTION_DOES_NOT_EXIST = "01115", "REFUSED", "Function does not exist";
    AMOUNT_LIMIT = "01116", "REFUSED", "Amount limit (insufficient funds or ceiling)";
    INVALID_PIN = "01117", "REFUSED", "Invalid PIN";
    CARD_NOT_REGISTERED = "01118", "REFUSED", "Card not registered";
    NOT_AUTHORIZED_FOR_CARDHOLDER = "01119", "REFUSED", "Transaction not authorized for this cardholder";
    REFUSED_BY_TERMINAL = "01120", "REFUSED", "Refused by terminal";
    DEBIT_LIMIT_EXCEEDED = "01121", "REFUSED", "Debit limit exceeded";
    SECURITY_VIOLATION = "01122", "REFUSED", "Security violation";
    DEBIT_FREQUENCY_EXCEEDED = "01123", "REFUSED", "Debit frequency exceeded";
    INACTIVE_CARD = "01125", "REFUSED", "Inactive card";
    INVALID_PIN_FORMAT = "01126", "REFUSED", "Invalid PIN format";
    INVALID_PIN_CONTROL_KEY = "01128", "REFUSED", "Invalid PIN control key";
    COUNTERFEIT_SUSPECTED = "01129", "REFUSED", "Counterfeit suspected";
    INVALID_CVV2 = "01130", "REFUSED", "Invalid CVV2";
    THREE_DS_AUTHENTICATION_REQUIRED = "01131", "REFUSED", "3-D Secure authentication required (soft decline)";
    RECURRING_PAYMENT_REVOKED = "01132", "REFUSED", "Revocation of this recurring payment";
    ALL_RECURRING_PAYMENTS_REVOKED = "01133", "REFUSED", "Revocation of all recurring payments for this card";
    INVALID_BANK = "01180", "ERROR", "Invalid bank";
    INVALID_CURRENCY = "01181", "ERROR", "Invalid currency";
    CONVERSION_RATE_NOT_FOUND = "01182", "ERROR", "Conversion rate not found";
    MAX_AMOUNT_EXCEEDED = "01183", "REFUSED", "Max amount exceeded";
    MAX_USES_EXCEEDED = "01184", "REFUSED", "Max uses exceeded";
    USED_ORDER = "01185", "ERROR", "Used order";
    INCOMPLETE_BANK_RESPONSE = "01196", "ERROR", "Incomplete bank server response";
    ACQUIRER_COMMUNICATION_ERROR = "01197", "ERROR", "Acquirer communication error";
    ACQUIRER_CONFIGURATION_ERROR = "01198", "ERROR", "Acquirer configuration error";
    BACKEND_INTERNAL_ERROR = "01199", "ERROR", "System internal error (backend)";
    TRANSACTION_REFUSED = "01200", "REFUSED", "Transaction refused";
    CARD_EXPIRED_01201 = "01201", "REFUSED", "Card expired";
    FRAUD_SUSPECTED_BY_PARTNER = "01202", "REFUSED", "Fraud suspected by payment partner";
    MAX_ATTEMPTS_REACHED = "01206", "REFUSED", "Maximum number of attempts reached";
    SPECIAL_CONDITION = "01207", "REFUSED", "Special condition";
    CARD_LOST = "01208", "REFUSED", "Card lost";
    CARD_STOLEN = "01209", "REFUSED", "Card stolen";
    CARD_BIN_NOT_AUTHORIZED = "01280", "REFUSED", "Card BIN not authorized";
    CHEQUE_01401 = "01401", "REFUSED", "Cheque refused";
    CHEQUE_01402 = "01402", "REFUSED", "Cheque refused";
    CHEQUE_01403 = "01403", "REFUSED", "Cheque refused";
    CHEQUE_01404 = "01404", "REFUSED", "Cheque refused";
    CHEQUE_01405 = "01405", "REFUSED", "Cheque refused";
    CHEQUE_01406 = "01406", "REFUSED", "Cheque refused";
    CHEQUE_01407 = "01407", "REFUSED", "Cheque refused";
    CHEQUE_01430 = "01430", "REFUSED", "Cheque refused";
    ACQUIRER_INVALID_TRANSACTION = "01902", "ERROR", "Acquirer: invalid transaction";
    ACQUIRER_BAD_REQUEST_FORMAT = "01904", "ERROR", "Acquirer: bad request format";
    ISSUER_SERVER_ERROR = "01907", "ERROR", "Issuer server error";
    BANK_SERVER_INTERNAL_ERROR = "01909", "ERROR", "Bank server internal error";
    ISSUER_UNAVAILABLE = "01912", "ERROR", "Issuer server unknown or unavailable";
    ACQUIRER_DUPLICATE = "01913", "ERROR", "Duplicated transaction at the acquirer";
    TRANSACTION_NOT_FOUND_AT_BANK = "01914", "ERROR", "Transaction cannot be found";
    OPERATION_REFUSED = "01915", "REFUSED", "Operation refused";
    NOT_RESETTABLE_AT_BANK = "01917", "ERROR", "Transaction not resettable";
    BANK_SERVER_UNAVAILABLE_01940 = "01940", "ERROR", "Bank server unavailable";
    BANK_SERVER_UNAVAILABLE_01941 = "01941", "ERROR", "Bank server communication error";
    BANK_SERVER_UNAVAILABLE_01942 = "01942", "ERROR", "Bank server communication error";
    BANK_SERVER_UNAVAILABLE_01943 = "01943", "ERROR", "Bank server invalid response";
    ON_HOLD_PARTNER = "02000", "ONHOLD_PARTNER", "In progress, wait for payment status";
    DUPLICATE_TRANSACTION = "02001", "ERROR", "Duplicate transaction";
    DUPLICATE_PENDING_TRANSACTION = "02002", "ERROR", "Duplicate pending transaction";
    ISSUER_ERROR_MUST_CANCEL = "02003", "REFUSED", "Issuer communication error, transaction must be cancelled";
    ISSUER_ERROR_CANCELLED = "02004", "CANCELLED", "Issuer communication error, transaction cancelled";
    ON_HOLD_PARTNER_02005 = "02005", "ONHOLD_PARTNER", "In progress, wait for payment status";
    RETRY_IN_PROGRESS = "02006", "ONHOLD_PARTNER", "Retry in progress";
    CANCELLED_BY_USER = "02008", "CANCELLED", "Cancelled by user";
    TO_BE_REVERSED = "02009", "CANCELLED", "To be reversed (fallback process)";
    FUNCTION_NOT_AVAILABLE = "02010", "ERROR", "Requested function not available";
    TO_BE_REVERSED_FALLBACK = "02011", "ERROR", "To be reversed in fallback mode";
    UNMATCHED_PARTNER_CODE = "02012", "ERROR", "Unmatched partner return code";
    ISSUER_ERROR_02013 = "02013", "ERROR", "Issuer communication error, cancelled";
    HANDLED_BY_MERCHANT = "02014", "CANCELLED", "Handled by merchant";
    DELEGATED_TO_PARTNER = "02015", "REFUSED", "In progress (delegated to partner)";
    HELD_BY_PARTNER = "02016", "ONHOLD_PARTNER", "Held by partner, wait for payment method return";
    REFUSED_BY_PARTNER = "02020", "REFUSED", "Refused by partner";
    FRONTEND_INTERNAL_ERROR = "02101", "ERROR", "System internal error (frontend)";
    EXTERNAL_SERVER_ERROR = "02102", "ERROR", "Acquirer or external server communication error";
    CONNECTION_TIMEOUT = "02103", "ERROR", "Connection timeout, retry later";
    TOKENIZER_ERROR = "02104", "ERROR", "Tokenizer internal error";
    CAPTURE_ALREADY_SENT = "02105", "ERROR", "Capture already sent for settlement before cancellation";
    PAYMENT_PARTNER_ERROR = "02106", "ERROR", "Payment partner error";
    INVALID_AMOUNT_02110 = "02110", "ERROR", "Invalid amount";
    ENCRYPTION_KEY_UNKNOWN = "02201", "ERROR", "Encryption key does not exist";
    ENCRYPTION_KEY_OUT_OF_DATE = "02202", "ERROR", "Encryption key out of date";
    TOO_MANY_KEY_PAIRS = "02203", "ERROR", "Too many active key pairs";
    INVALID_MERCHANT_KEY_NAME = "02204", "ERROR", "Invalid merchantKeyName";
    INVALID_TRANSACTION_ID = "02301", "ERROR", "Transaction ID is invalid";
    INVALID_TRANSACTION = "02302", "ERROR", "Transaction is invalid";
    INVALID_CONTRACT_NUMBER = "02303", "ERROR", "Invalid contract number";
    NO_TRANSACTION_FOR_TOKEN = "02304", "ERROR", "No transaction found for this token";
    INVALID_FIELD_FORMAT = "02305", "ERROR", "Invalid field format";
    PAYMENT_DATA_PENDING = "02306", "INPROGRESS", "Buyer still has to fill in payment data";
    INVALID_CUSTOM_PAGE_CODE = "02307", "ERROR", "Invalid custom payment page code";
    INVALID_PAYMENT_MODE = "02308", "ERROR", "Invalid value for payment mode";
    CUSTOM_PAGE_CODE_INACTIVE = "02309", "ERROR", "Custom payment page code inactive";
    NO_MATCHING_TRANSACTION = "02310", "ERROR", "No transaction matches the search criteria";
    TOO_MANY_TRANSACTIONS = "02311", "ERROR", "Too many transactions match";
    INVALID_SEARCH_CRITERIA = "02312", "ERROR", "Search criteria invalid";
    NOT_CAPTURABLE = "02313", "ERROR", "Transaction capturable flag disabled";
    NOT_REFUNDABLE = "02314", "ERROR", "Transaction refundable flag disabled";
    TOKEN_DOES_NOT_EXIST = "02317", "ERROR", "Token does not exist";
    TOKEN_DOES_NOT_EXIST_02318 = "02318", "ERROR", "Token does not exist (check primary and secondary endpoints)";
    CANCELLED_BY_BUYER = "02319", "CANCELLED", "Payment cancelled by the buyer";
    SEARCH_INTERVAL_TOO_LONG = "02320", "ERROR", "Search time interval too long";
    INVALID_ACTION = "02321", "ERROR", "Invalid value for payment action";
    INVALID_CARDHOLDER = "02322", "ERROR", "Invalid cardholder name";
    BIRTH_DATE_WITH_3DS = "02323", "ERROR", "Birth date must not be sent with 3-D Secure";
    SESSION_EXPIRED = "02324", "ERROR", "Session expired before the buyer finished";
    MASS_ACCEPTED = "02400", "ACCEPTED", "Accepted";
    MASS_SOME_FAILED = "02401", "ERROR", "Some transactions failed";
    MASS_WAITING = "02402", "ERROR", "Waiting for treatment";
    MASS_NOT_FOUND = "02403", "ERROR", "No mass treatment found";
    OPERATION_SUCCESSFUL = "02500", "ACCEPTED", "Operation successful";
    OPERATION_SUCCESSFUL_WITH_WARNING = "02501", "ACCEPTED", "Operation successful with warning";
    WALLET_ALREADY_EXISTS = "02502", "ERROR", "Wallet with the same identifier exists";
    WALLET_DOES_NOT_EXIST = "02503", "ERROR", "Wallet does not exist";
    CANNOT_UPDATE_NAMES = "02504", "ERROR", "Cannot update last name and first name";
    WALLET_DISABLED = "02505", "ERROR", "Wallet is disabled";
    CARD_EXPIRES_BEFORE_SCHEDULE = "02506", "ERROR", "Wallet cannot operate on scheduled date (card expires before)";
    PAYMENT_RECORD_NOT_FOUND = "02507", "ERROR", "Cannot find payment record";
    PAYMENT_RECORD_DISABLED = "02508", "ERROR", "Payment record is disabled";
    INVALID_RECURRING_OPTION = "02509", "ERROR", "Invalid recurring option";
    PAYMENT_RECORD_NOT_FOUND_02510 = "02510", "ERROR", "Cannot find payment record";
    WALLET_NOT_SUPPORTED_FOR_CARD = "02511", "ERROR", "Wallet not supported for this card";
    NAMES_REQUIRED_FOR_WALLET = "02512", "ERROR", "Last name and first name required for wallet";
    WALLET_ID_REQUIRED = "02513", "ERROR", "walletId required";
    PRIVATE_DATA_LIMIT = "02514", "ERROR", "Private data count limited to 99";
    NOTHING_TO_UPDATE = "02515", "ERROR", "Must choose the data to update";
    CANNOT_DISABLE_WALLET = "02516", "ERROR", "Cannot disable the wallet";
    SOME_WALLETS_NOT_DISABLED = "02517", "ACCEPTED", "Some wallets could not be disabled";
    INVALID_CARD_INDEX = "02518", "ERROR", "Invalid card index";
    CANNOT_ENABLE_WALLET = "02519", "ERROR", "Cannot enable the wallet";
    SOME_WALLETS_NOT_ENABLED = "02520", "ACCEPTED", "Some wallets could not be enabled";
    CARD_ALREADY_IN_WALLET = "02521", "ERROR", "Card already exists in this wallet";
    AMEX_RESTRICTION_02522 = "02522", "ERROR", "AMEX recurring or one-click restriction";
    AMEX_RESTRICTION_02523 = "02523", "ERROR", "AMEX recurring or one-click restriction";
    AMEX_RESTRICTION_02524 = "02524", "ERROR", "AMEX recurring or one-click restriction";
    AMEX_RESTRICTION_02525 = "02525", "ERROR", "AMEX recurring or one-click restriction";
    AMEX_RESTRICTION_02526 = "02526", "ERROR", "AMEX recurring or one-click restriction";
    INVALID_CONTROL_OPTION = "02527", "ERROR", "Invalid control option";
    ONE_CONTRACT_REQUIRED = "02528", "ERROR", "selectedContractList must hold exactly one contract";
    SAME_CONTRACT_REQUIRED = "02529", "ERROR", "Information must reference the same contract";
    WALLET_MANAGEMENT_NOT_ALLOWED = "02532", "ERROR", "Wallet management not allowed for this account";
    BUYER_NOT_REDIRECTED_YET = "02533", "INPROGRESS", "Buyer not yet redirected to payment pages";
    BUYER_NOT_REDIRECTED_EXPIRED = "02534", "ERROR", "Buyer not redirected and session expired";
    WALLET_SESSION_EXPIRED = "02535", "ERROR", "Session expired before wallet operation";
    WALLET_OPERATION_CANCELLED = "02536", "CANCELLED", "Buyer cancelled the operation";
    NUMBER_AND_TOKEN = "02538", "ERROR", "Give either card number or card token, not both";
    EXPIRY_REQUIRED_FOR_TOKEN = "02539", "ERROR", "Expiration date mandatory for this token format";
    NO_CARD_FOR_TOKEN = "02540", "ERROR", "No card found for this token";
    CARD_NOT_ELIGIBLE = "02541", "ERROR", "Card not eligible";
    RESET_NOT_SUPPORTED = "02600", "ERROR", "Reset not supported for this transaction type";
    RESET_ALREADY_DONE = "02601", "ERROR", "Reset already done";
    AUTHORIZATION_EXPIRED = "02602", "ERROR", "Authorization already expired";
    NOT_RESETTABLE = "02603", "ERROR", "Authorization not resettable";
    TRANSACTION_DOES_NOT_EXIST = "02604", "ERROR", "Transaction does not exist";
    INVALID_CONFIGURATION_02605 = "02605", "ERROR", "Invalid functional or monetic profile or sequence configuration";
    INVALID_CONFIGURATION_02606 = "02606", "ERROR", "Invalid functional or monetic profile or sequence configuration";
    INVALID_CONFIGURATION_02607 = "02607", "ERROR", "Invalid functional or monetic profile or sequence configuration";
    INVALID_CONFIGURATION_02608 = "02608", "ERROR", "Invalid functional or monetic profile or sequence configuration";
    INVALID_CONFIGURATION_02609 = "02609", "ERROR", "Invalid functional or monetic profile or sequence configuration";
    MAX_AMOUNT_EXCEEDED_02610 = "02610", "ERROR", "Max amount exceeded";
    MIN_AMOUNT_NOT_REACHED = "02611", "ERROR", "Min amount not reached";
    AMOUNT_DIFFERS_FROM_ORIGINAL = "02612", "ERROR", "Amount differs from original transaction";
    MAX_CAPTURE_OR_REFUND_SUM_EXCEEDED = "02613", "ERROR", "Maximum sum of captures or refunds exceeded";
    INVALID_LUHN_KEY = "02614", "ERROR", "Invalid Luhn key";
    VIRTUAL_CARD_DENIED = "02615", "ERROR", "Virtual card denied";
    WALLET_CREATION_ERROR = "02616", "ACCEPTED", "Error while creating the wallet";
    ALREADY_CAPTURED = "02617", "ERROR", "Transaction already captured";
    NOT_YET_CAPTURED = "02618", "ERROR", "Transaction not yet captured";
    NO_REAUTHORIZATION_OPTION = "02619", "ERROR", "You do not have the reauthorization option";
    CURRENCY_DIFFERS_FROM_ORIGINAL = "02620", "ERROR", "Currency must be the same as the original authorization";
    OPERATION_NOT_ALLOWED_ON_SITE = "02621", "ERROR", "Operation not allowed on this site";
    REAUTHORIZATION_ON_VIRTUAL_CARD = "02622", "ERROR", "Re-authorization not allowed on virtual card";
    MAX_ATTEMPTS_REACHED_02623 = "02623", "ERROR", "Maximum number of attempts reached";
    CARD_EXPIRED_02624 = "02624", "ERROR", "Card expired";
    INVALID_CARD_NUMBER_FORMAT = "02625", "ERROR", "Invalid card number format";
    CREDIT_REFUSED_BY_CUSTOMER = "02640", "REFUSED", "Credit refused by customer";
    PARTNER_TRANSACTION_REFUSED = "02998", "REFUSED", "Transaction refused";
    THREE_DS_ACCEPTED = "03000", "ACCEPTED", "Transaction accepted";
    THREE_DS_NOT_ENROLLED = "03001", "REFUSED", "Not enrolled";
    THREE_DS_NOT_PARTICIPATING = "03002", "ERROR", "Not participating or attempt";
    THREE_DS_AUTHENTICATION_FAILED = "03003", "REFUSED", "Authentication failed";
    THREE_DS_ENROLLMENT_CALL_NOT_FOUND = "03004", "ERROR", "Cannot find verifyEnrollment call";
    THREE_DS_TRANSACTION_EXISTS = "03005", "ERROR", "Transaction already exists";
    THREE_DS_INVALID_PARES = "03006", "ERROR", "Invalid PARes or CRes";
    THREE_DS_DS_OR_ACS_ERROR = "03007", "ERROR", "DS or ACS error";
    THREE_DS_PAYLINE_ERROR = "03008", "ERROR", "Payline technical error";
    THREE_DS_TECHNICAL_ERROR = "03009", "ERROR", "3-D Secure technical error";
    THREE_DS_MERCHANT_DATA_ERROR = "03010", "ERROR", "Merchant data error";
    THREE_DS_AUTHENTICATION_VALUE_UNAVAILABLE = "03011", "ERROR", "Authentication value no longer available";
    THREE_DS_NO_DIRECTORY_SERVER = "03012", "ERROR", "No directory server";
    THREE_DS_ENROLLMENT_CHECK_FAILED = "03021", "ERROR", "Enrollment verification failed";
    THREE_DS_AUTHENTICATION_CHECK_FAILED = "03022", "CANCELLED", "Authentication verification failed";
    THREE_DS_CHALLENGE_NOT_FINALIZED = "03030", "INPROGRESS", "Challenge not finalized";
    THREE_DS_METHOD_REQUESTED = "03100", "ACCEPTED", "3-D Secure method requested before enrollment";
    THREE_DS_CHALLENGE_REQUESTED = "03101", "ACCEPTED", "Accepted, challenge requested";
    THREE_DS_FRICTIONLESS = "03102", "ACCEPTED", "Accepted, cardholder authenticated";
    THREE_DS_NO_METHOD = "03103", "ACCEPTED", "No 3-D Secure method requested or mandatory parameter missing";
    THREE_DS_SDK_CHALLENGE_REQUESTED = "03104", "ACCEPTED", "Accepted, SDK challenge requested";
    THREE_DS_METHOD_RESULT_INCONSISTENT = "03200", "ERROR", "threeDSMethodResult inconsistent with md";
    FRAUD_ACCEPTED = "04000", "ACCEPTED", "Transaction accepted";
    FRAUD_PENDING_REVIEW = "04001", "PENDING_RISK", "Accepted, pending risk review";
    FRAUD_DETECTED = "04002", "REFUSED", "Fraud detected";
    FRAUD_SUSPECTED = "04003", "PENDING_RISK", "Fraud suspected";
    FRAUD_MISSING_FIELD = "04101", "ERROR", "Missing field";
    FRAUD_INCORRECT_RULE_NAME = "04102", "ERROR", "Incorrect rule name";
    FRAUD_DUPLICATE_DATA = "04103", "ERROR", "Duplicate data";
    FRAUD_FIELD_MUST_BE_NULL = "04104", "ERROR", "Field value must be null";
    FRAUD_DATA_NOT_FOUND = "04301", "REFUSED", "Data not found";
    FRAUD_EMPTY_LIST = "04302", "REFUSED", "Empty list";
    FRAUD_CONFIGURATION_NOT_FOUND = "04303", "ERROR", "Configuration not found";
    FRAUD_CHALLENGE_REQUESTED = "04401", "REFUSED", "Challenge requested (requestor preference)";
    FRAUD_CHALLENGE_MANDATED = "04402", "REFUSED", "Challenge requested (mandate)";
    FRAUD_NO_PREFERENCE = "04403", "REFUSED", "No preference";
    FRAUD_FRICTIONLESS = "04404", "REFUSED", "Frictionless";
    FRAUD_SYSTEM_ERROR = "04901", "ERROR", "System error";
    FRAUD_UNAUTHORIZED_ACCESS = "04902", "ERROR", "Unauthorized service access";
    WRONG_LOGIN = "09101", "ERROR", "Username or password incorrect";
    ACCOUNT_LOCKED = "09102", "ERROR", "Account locked or inactive";
    CLIENT_CERTIFICATE_DISABLED = "09104", "ERROR", "Client certificate disabled";
    NO_PERMISSION = "09201", "ERROR", "No permission for this API call";
    TOO_MANY_REQUESTS = "91429", "ERROR", "Too many requests, retry later";
    CARD_BLOCKED = "92423", "REFUSED", "Card blocked, request not processed";
    TECHNICAL_ERROR = "XXXXX", "ERROR", "Technical error";
}

impl ReturnCode {
    /// The documented entry for this code, if any.
    pub fn known(self) -> Option<&'static KnownCode> {
        Self::KNOWN
            .binary_search_by(|k| k.code.cmp(&self))
            .ok()
            .and_then(|i| Self::KNOWN.get(i))
    }

    /// The wire text.
    pub fn as_str(&self) -> &str {
        // Only ASCII alphanumerics are ever stored (see `FromStr`), so this cannot fail.
        core::str::from_utf8(&self.0).unwrap_or("XXXXX")
    }
}

impl FromStr for ReturnCode {
    type Err = InvalidValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.as_bytes() {
            &[a, b, c, d, e] if s.bytes().all(|x| x.is_ascii_alphanumeric()) => {
                Ok(Self([a, b, c, d, e]))
            }
            _ => Err(InvalidValue::new("return code", "5 letters or digits")),
        }
    }
}

impl fmt::Display for ReturnCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for ReturnCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.known() {
            Some(k) => write!(f, "ReturnCode::{}({})", k.name, self.as_str()),
            None => write!(f, "ReturnCode({})", self.as_str()),
        }
    }
}

serde_via_str!(ReturnCode);

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn known_table_is_sorted_unique_and_round_trips() {
        for pair in ReturnCode::KNOWN.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{:?} before {:?}",
                pair[0].code,
                pair[1].code
            );
        }
        for k in ReturnCode::KNOWN {
            let parsed: ReturnCode = k.code.to_string().parse().unwrap();
            assert_eq!(parsed, k.code);
            assert_eq!(parsed.known(), Some(k));
            assert!(!k.long_message.is_empty());
            assert!(
                [
                    "ACCEPTED",
                    "REFUSED",
                    "ERROR",
                    "CANCELLED",
                    "INPROGRESS",
                    "ONHOLD_PARTNER",
                    "PENDING_RISK"
                ]
                .contains(&k.short_message),
                "{}",
                k.name
            );
        }
    }

    #[test]
    fn leading_zeros_and_unknown_codes_survive() {
        assert_eq!(ReturnCode::APPROVED.to_string(), "00000");
        assert_eq!(
            format!("{:?}", ReturnCode::APPROVED),
            "ReturnCode::APPROVED(00000)"
        );
        let unknown: ReturnCode = "02999".parse().unwrap();
        assert_eq!(unknown.known(), None);
        assert_eq!(unknown.to_string(), "02999");
        assert_eq!(format!("{unknown:?}"), "ReturnCode(02999)");
        assert_eq!(
            "XXXXX".parse::<ReturnCode>().unwrap(),
            ReturnCode::TECHNICAL_ERROR
        );
    }

    #[test]
    fn rejects_non_codes() {
        for bad in ["", "0000", "000000", "0000 ", "00-00", "é0000"] {
            assert!(bad.parse::<ReturnCode>().is_err(), "{bad:?}");
        }
    }
}
