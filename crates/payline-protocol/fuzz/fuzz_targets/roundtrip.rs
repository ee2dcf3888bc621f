//! Whatever request the decoder accepts, the encoder writes back and the decoder reads again
//! to the same value. Run with `cargo +nightly fuzz run roundtrip`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use payline_protocol::{AnyRequest, decode_any_request, decode_request, encode_request};

fuzz_target!(|data: &[u8]| {
    let Ok(xml) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(AnyRequest::DoAuthorization(r)) = decode_any_request(xml) {
        // Values with characters XML cannot carry are refused by the encoder, not written.
        if let Ok(encoded) = encode_request(&r) {
            assert_eq!(decode_request(&encoded).ok(), Some(r));
        }
    }
});
