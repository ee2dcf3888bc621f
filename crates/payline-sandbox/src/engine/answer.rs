//! Pieces of Payline answers shared by the operations (`transaction`, `card`,
//! `extendedCard`) and the identifiers the gateway issues.

use payline_protocol::Operation;
use payline_protocol::objects::{CardOut, ExtendedCard, Transaction};
use payline_protocol::values::{Outcome, ReturnCode, outcome};
use time::OffsetDateTime;

/// True when an authorization's code is an accepted one (Payline result codes: `00000` and the
/// other ACCEPTED codes; a soft decline `01131` is a 3-D Secure step, not an acceptance).
pub(crate) fn accepted(code: ReturnCode) -> bool {
    outcome(Operation::DoAuthorization, code) == Outcome::Accepted
}

/// True for a refusal by the bank (Payline result codes `01xxx`, "transaction refused by the
/// bank"), as opposed to a request error (`02xxx`) or a 3-D Secure outcome (`03xxx`).
pub(crate) fn bank_refusal(code: ReturnCode) -> bool {
    code.as_str().starts_with("01")
}

/// True for a 3-D Secure module code (Payline result codes `03xxx`).
pub(crate) fn three_ds_code(code: ReturnCode) -> bool {
    code.as_str().starts_with("03")
}

/// Payline response date format `dd/mm/yy HH:mm:ss` (Payline value formats).
pub(crate) fn payline_date(t: OffsetDateTime) -> String {
    let f = time::macros::format_description!(
        "[day]/[month]/[year repr:last_two] [hour]:[minute]:[second]"
    );
    t.format(&f).unwrap_or_default()
}

/// A fresh 14-digit transaction id.
pub(crate) fn new_transaction_id() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    let mut id = String::with_capacity(14);
    id.push(char::from(b'1' + rng.random_range(0..9u8)));
    for _ in 1..14 {
        id.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
    id
}

/// A 6-character bank authorization number (`A55A`-style).
pub(crate) fn new_authorization_number() -> String {
    use rand::Rng;
    const A: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
    let mut rng = rand::rng();
    (0..6)
        .map(|_| char::from(A[rng.random_range(0..A.len())]))
        .collect()
}

/// `transaction` of an answer.
pub(crate) fn transaction(
    id: &str,
    at: OffsetDateTime,
    duplicated: bool,
    three_ds: &str,
) -> Transaction {
    Transaction {
        id: id.to_owned(),
        date: payline_date(at),
        is_duplicated: Some(if duplicated { "1" } else { "0" }.to_owned()),
        is_possible_fraud: Some("0".to_owned()),
        three_d_secure: Some(three_ds.to_owned()),
        ..Transaction::default()
    }
}

/// `card` of an answer (masked number, type, expiry, token).
pub(crate) fn card_out(
    masked: Option<&str>,
    card_type: Option<&str>,
    expiry: Option<&str>,
    token: Option<&str>,
) -> CardOut {
    CardOut {
        number: masked.map(str::to_owned),
        r#type: card_type.and_then(|t| t.parse().ok()),
        expiration_date: expiry.and_then(|e| e.parse().ok()),
        token: token.map(str::to_owned),
        ..CardOut::default()
    }
}

/// `extendedCard` of an answer: sandbox test cards are French test cards.
pub(crate) fn extended_card(card_type: Option<&str>) -> ExtendedCard {
    ExtendedCard {
        country: Some("FRA".to_owned()),
        is_cvd: Some("N".to_owned()),
        bank: Some("99999 - PAYLINE SANDBOX".to_owned()),
        r#type: card_type.map(str::to_owned),
        network: card_type.map(str::to_owned),
        product: Some("Sandbox test card".to_owned()),
    }
}
