//! Any bytes through every decoder: must return, never panic.
//! Run with `cargo +nightly fuzz run decode` from `crates/payline-protocol/fuzz`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use payline_protocol::messages::{
    DoAuthorizationRequest, DoRecurrentWalletPaymentRequest, GetPaymentRecordRequest,
    GetTransactionDetailsRequest, GetWebPaymentDetailsRequest, VerifyEnrollmentRequest,
};
use payline_protocol::{decode_any_request, decode_response};

fuzz_target!(|data: &[u8]| {
    if let Ok(xml) = std::str::from_utf8(data) {
        let _ = decode_any_request(xml);
        let _ = decode_response::<DoAuthorizationRequest>(xml);
        let _ = decode_response::<VerifyEnrollmentRequest>(xml);
        let _ = decode_response::<GetTransactionDetailsRequest>(xml);
        let _ = decode_response::<DoRecurrentWalletPaymentRequest>(xml);
        let _ = decode_response::<GetPaymentRecordRequest>(xml);
        let _ = decode_response::<GetWebPaymentDetailsRequest>(xml);
    }
});
