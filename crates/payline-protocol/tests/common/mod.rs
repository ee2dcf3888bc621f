//! Helpers shared by the golden-file tests (`tests/fixtures.rs`, `tests/wallet_fixtures.rs`):
//! reading a file of `tests/fixtures/`, the decode / compare / re-encode round trip, and the
//! small typed values both sides build their expected messages from.

use payline_protocol::objects::{Order, PaylineResult, Transaction};
use payline_protocol::values::{Amount, Currency, DateTimeMinutes, ReturnCode};
use payline_protocol::{
    AnyResponse, Request, decode_any_request, decode_request, decode_response, encode_any_response,
    encode_request, encode_response,
};

/// The text of `tests/fixtures/<path>`.
pub fn fixture(path: &str) -> String {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path);
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// The request file decodes to `expected`, is recognised as its operation by the dispatcher,
/// and survives encoding and decoding again.
pub fn request<R: Request + PartialEq>(path: &str, expected: &R) {
    let xml = fixture(path);
    let decoded: R = decode_request(&xml).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(&decoded, expected, "{path}");
    let any = decode_any_request(&xml).unwrap();
    assert_eq!(any.operation(), R::OPERATION);
    let encoded = encode_request(&decoded).unwrap();
    assert_eq!(
        &decode_request::<R>(&encoded).unwrap(),
        expected,
        "{path} re-encoded"
    );
}

/// The response file decodes to `expected`, encodes to the same envelope directly and through
/// `AnyResponse`, and survives decoding again.
pub fn response<R: Request>(path: &str, expected: &R::Response)
where
    R::Response: PartialEq + Clone + Into<AnyResponse>,
{
    let xml = fixture(path);
    let decoded = decode_response::<R>(&xml).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(&decoded, expected, "{path}");
    let encoded = encode_response(&decoded).unwrap();
    // A server answering through its dispatcher writes the same envelope.
    let any: AnyResponse = decoded.clone().into();
    assert_eq!(any.operation(), R::OPERATION);
    assert_eq!(
        encode_any_response(&any).unwrap(),
        encoded,
        "{path} as AnyResponse"
    );
    assert_eq!(
        &decode_response::<R>(&encoded).unwrap(),
        expected,
        "{path} re-encoded"
    );
}

/// A Payline `dd/mm/yyyy HH:MM` date.
pub fn date_time(s: &str) -> DateTimeMinutes {
    s.parse().unwrap()
}

/// A result with both messages.
pub fn result(code: ReturnCode, short: &str, long: &str) -> PaylineResult {
    let mut r = PaylineResult::new(code);
    r.short_message = Some(short.into());
    r.long_message = Some(long.into());
    r
}

/// A transaction with only its id and date.
pub fn transaction(id: &str, at: &str) -> Transaction {
    Transaction {
        id: id.into(),
        date: at.into(),
        ..Transaction::default()
    }
}

/// A euro order of `amount` minor units.
pub fn order(reference: &str, amount: u64, at: &str) -> Order {
    let mut o = Order::new(
        Amount::from_minor(amount).unwrap(),
        Currency::EUR,
        date_time(at),
    );
    o.r#ref = reference.into();
    o
}
