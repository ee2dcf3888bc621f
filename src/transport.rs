//! HTTP with gloo-net: the gateway's tokenizer (CONTRACTS §4, Payline Ajax API `getToken`)
//! and the payment server's JSON endpoints (§5, §8). Every request has a timeout
//! (`AbortSignal.timeout`, DOM Standard), so a dead network never leaves the buyer waiting.
//!
//! JSON goes through the browser's own `JSON.parse`/`JSON.stringify` rather than serde: the
//! answers are read field by field anyway, and serde_json would add to the WebAssembly.

use card_core::{CardNumber, Cvv, Zeroizing};
use gloo_net::http::Request;
use js_sys::JSON;
use wasm_bindgen::JsValue;
use web_sys::{AbortSignal, UrlSearchParams};

use crate::js;

/// Why a request did not give a usable answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// The request could not be sent or its answer not received (offline, DNS, CORS).
    Network,
    /// No answer within the timeout.
    Timeout,
    /// The server answered with an error status; `code`/`message` from its JSON error body
    /// (`{error: {code, message}}`) when it has one.
    Http {
        /// HTTP status.
        status: u16,
        /// The server's stable error code.
        code: Option<String>,
        /// The server's message.
        message: Option<String>,
    },
    /// A 2xx answer that is not what the contract says.
    BadAnswer,
}

fn send_error(e: &gloo_net::Error) -> TransportError {
    match e {
        gloo_net::Error::JsError(js) if js.name == "TimeoutError" => TransportError::Timeout,
        _ => TransportError::Network,
    }
}

/// The tokenizer's answer: a blob for the payment server, or Payline's error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenAnswer {
    /// `data=<blob>`: the blob, without the prefix.
    Token(String),
    /// `errorCode=<code>`.
    Refused(String),
}

/// Reads the tokenizer's `text/plain` body (Payline Ajax API: `data=…` or `errorCode=…`).
#[must_use]
pub fn parse_token_answer(body: &str) -> Option<TokenAnswer> {
    let body = body.trim();
    if let Some(blob) = body.strip_prefix("data=") {
        return (!blob.is_empty()).then(|| TokenAnswer::Token(blob.to_owned()));
    }
    body.strip_prefix("errorCode=")
        .filter(|c| !c.is_empty() && c.len() <= 16 && c.bytes().all(|b| b.is_ascii_alphanumeric()))
        .map(|c| TokenAnswer::Refused(c.to_owned()))
}

/// The tokenizer coordinates from the checkout session.
#[derive(Debug, Clone)]
pub struct Tokenizer {
    /// getToken URL.
    pub url: String,
    /// Access key reference.
    pub access_key_ref: String,
    /// Encrypted merchant data for this attempt.
    pub data: String,
}

/// The card as it leaves for the gateway. Zeroized on drop (card-core's types).
pub struct CardData {
    /// Card number.
    pub number: CardNumber,
    /// `MMYY`.
    pub expiry: Zeroizing<String>,
    /// CVV, absent when the brand has none and none was typed.
    pub cvv: Option<Cvv>,
}

impl std::fmt::Debug for CardData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardData")
            .field("number", &self.number)
            .field("cvv", &self.cvv)
            .finish_non_exhaustive()
    }
}

/// Sends the card to the gateway's tokenizer. The card is consumed: its copies in WebAssembly
/// memory are wiped as soon as the form body has been built.
pub async fn tokenize(
    tokenizer: &Tokenizer,
    card: CardData,
    timeout_ms: u32,
) -> Result<TokenAnswer, TransportError> {
    let params = UrlSearchParams::new().map_err(|_| TransportError::Network)?;
    params.append("data", &tokenizer.data);
    params.append("accessKeyRef", &tokenizer.access_key_ref);
    params.append("cardNumber", card.number.peek());
    params.append("cardExpirationDate", &card.expiry);
    if let Some(cvv) = &card.cvv {
        params.append("cardCvx", cvv.peek());
    }
    drop(card);
    // A URLSearchParams body is sent as application/x-www-form-urlencoded, a CORS-safelisted
    // type: no preflight, as Payline's servlet expects.
    let signal = AbortSignal::timeout_with_u32(timeout_ms);
    let res = Request::post(&tokenizer.url)
        .abort_signal(Some(&signal))
        .body(params)
        .map_err(|_| TransportError::Network)?
        .send()
        .await
        .map_err(|e| send_error(&e))?;
    if !res.ok() {
        return Err(TransportError::Http {
            status: res.status(),
            code: None,
            message: None,
        });
    }
    let text = res.text().await.map_err(|e| send_error(&e))?;
    parse_token_answer(&text).ok_or(TransportError::BadAnswer)
}

/// `POST url` with a JSON body and `Authorization: Bearer <secret>`; the parsed JSON answer.
pub async fn post_json(
    url: &str,
    secret: &str,
    body: &JsValue,
    timeout_ms: u32,
) -> Result<JsValue, TransportError> {
    let text = JSON::stringify(body).map_err(|_| TransportError::BadAnswer)?;
    let signal = AbortSignal::timeout_with_u32(timeout_ms);
    let req = Request::post(url)
        .header("Authorization", &format!("Bearer {secret}"))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .abort_signal(Some(&signal))
        .body(text)
        .map_err(|_| TransportError::Network)?;
    read_json(req.send().await.map_err(|e| send_error(&e))?).await
}

/// `GET url` with `Authorization: Bearer <secret>`; the parsed JSON answer.
pub async fn get_json(url: &str, secret: &str, timeout_ms: u32) -> Result<JsValue, TransportError> {
    let signal = AbortSignal::timeout_with_u32(timeout_ms);
    let res = Request::get(url)
        .header("Authorization", &format!("Bearer {secret}"))
        .header("Accept", "application/json")
        .abort_signal(Some(&signal))
        .send()
        .await
        .map_err(|e| send_error(&e))?;
    read_json(res).await
}

async fn read_json(res: gloo_net::http::Response) -> Result<JsValue, TransportError> {
    let status = res.status();
    let text = res.text().await.map_err(|e| send_error(&e))?;
    let value = JSON::parse(&text).ok();
    if (200..300).contains(&status) {
        return value
            .filter(JsValue::is_object)
            .ok_or(TransportError::BadAnswer);
    }
    let error = value.map(|v| js::get(&v, "error"));
    Err(TransportError::Http {
        status,
        code: error.as_ref().and_then(|e| js::string(e, "code")),
        message: error.as_ref().and_then(|e| js::string(e, "message")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_data_debug_shows_no_card_data() {
        let table = card_core::BinTable::default();
        let parsed = (
            CardNumber::parse(&table, "4970 1071 1111 1119"),
            Cvv::parse("123", card_core::CvvRule::unknown_brand()),
        );
        assert!(
            parsed.0.is_ok() && parsed.1.is_ok(),
            "test card data must parse"
        );
        let (Ok(number), Ok(cvv)) = parsed else {
            return;
        };
        let card = CardData {
            number,
            expiry: Zeroizing::new("1234".to_owned()),
            cvv: Some(cvv),
        };
        let debug = format!("{card:?}");
        assert!(!debug.contains("49701071"), "{debug}");
        assert!(!debug.contains("123") && !debug.contains("1234"), "{debug}");
        assert!(
            debug.contains("1119"),
            "the last four help support: {debug}"
        );
    }

    #[test]
    fn token_answers() {
        assert_eq!(
            parse_token_answer("data=abc+/="),
            Some(TokenAnswer::Token("abc+/=".into()))
        );
        assert_eq!(
            parse_token_answer("data=abc\n"),
            Some(TokenAnswer::Token("abc".into()))
        );
        assert_eq!(
            parse_token_answer("errorCode=02305"),
            Some(TokenAnswer::Refused("02305".into()))
        );
        assert_eq!(parse_token_answer("data="), None);
        assert_eq!(parse_token_answer("errorCode="), None);
        assert_eq!(parse_token_answer("errorCode=<script>"), None);
        assert_eq!(parse_token_answer("<html>"), None);
        assert_eq!(parse_token_answer(""), None);
    }
}
