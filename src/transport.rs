//! HTTP with the browser's `fetch` (Fetch Standard): the gateway's tokenizer (tokenizer
//! contract, Payline Ajax API `getToken`) and the payment server's JSON endpoints (pay and
//! status contracts). Every request has a timeout
//! (`AbortSignal.timeout`, DOM Standard), so a dead network never leaves the buyer waiting.
//!
//! JSON goes through the browser's own `JSON.parse`/`JSON.stringify` rather than serde: the
//! answers are read field by field anyway, and serde_json would add to the WebAssembly. `fetch`
//! is called through web-sys directly: a request builder crate (gloo-net) adds about 6 KB of
//! WebAssembly for the three requests made here.

use card_core::{CardNumber, Cvv, Zeroizing};
use js_sys::{JSON, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, RequestInit, Response, UrlSearchParams};

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

impl TransportError {
    /// The request may have done its work without the page learning the outcome: no answer
    /// (network failure, timeout) or a gateway-side failure (502, 503, 504: `gateway_error`,
    /// `overloaded`, `gateway_timeout`, `request_timeout`, or a proxy's own page). After a
    /// pay or continue, the payment server may still authorize the payment; only its status
    /// URL can tell.
    pub fn undecided(&self) -> bool {
        matches!(
            self,
            TransportError::Network
                | TransportError::Timeout
                | TransportError::Http {
                    status: 502..=504,
                    ..
                }
        )
    }
}

/// Whether `url` may carry card data or the session's secret: `https:`, or `http:` to this
/// machine only (`localhost`, `127.0.0.0/8`, `[::1]`), which never crosses a network, so the
/// offline sandbox works. PCI DSS v4.0 requirement 4.2.1: strong cryptography safeguards the
/// PAN during transmission over open, public networks; the token and the client secret sent
/// to the payment server get the same rule. Anything else (plain `http:` to another host,
/// `javascript:`, `data:`, a relative or malformed URL) is refused before a request is made.
///
/// Scheme and host come from the browser's own URL parser (WHATWG URL Standard, the parser
/// `fetch` uses), so the host checked is the host connected to: no user info
/// (`http://127.0.0.1@example.com/` is `example.com`), IPv4 in dotted decimal
/// (`http://0x7f.1/` is `127.0.0.1`), IPv6 compressed (`[::1]`), lower case. A host of only
/// digits and dots is an IPv4 address after parsing (the standard's "ends in a number" rule),
/// so `127.` followed by digits and dots is in `127.0.0.0/8`, and `127.0.0.1.example.com` is
/// not.
pub fn secure_url(url: &str) -> bool {
    let Ok(u) = web_sys::Url::new(url) else {
        return false;
    };
    match u.protocol().as_str() {
        "https:" => true,
        "http:" => {
            let host = u.hostname();
            host == "localhost"
                || host == "[::1]"
                || (host.starts_with("127.")
                    && host.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
        }
        _ => false,
    }
}

/// A rejected `fetch()` or body read: the timeout signal aborts with a `TimeoutError`
/// DOMException (DOM Standard, `AbortSignal.timeout()`); anything else is a network error
/// (`TypeError`, Fetch Standard).
fn send_error(e: &JsValue) -> TransportError {
    if js::string(e, "name").as_deref() == Some("TimeoutError") {
        TransportError::Timeout
    } else {
        TransportError::Network
    }
}

async fn settle(promise: Result<Promise, JsValue>) -> Result<JsValue, TransportError> {
    JsFuture::from(promise.map_err(|e| send_error(&e))?)
        .await
        .map_err(|e| send_error(&e))
}

/// `fetch(url, {method, headers, body, signal, keepalive})`, the timeout starting now.
async fn fetch(
    method: &str,
    url: &str,
    headers: &[(&str, JsValue)],
    body: Option<&JsValue>,
    timeout_ms: u32,
    keepalive: bool,
) -> Result<Response, TransportError> {
    let window = web_sys::window().ok_or(TransportError::Network)?;
    let init = RequestInit::new();
    init.set_method(method);
    if keepalive {
        // Not among web-sys's RequestInit setters; a plain property of the init dictionary.
        js::set(&init, "keepalive", true);
    }
    if !headers.is_empty() {
        init.set_headers(&js::object(headers));
    }
    if let Some(body) = body {
        init.set_body(body);
    }
    init.set_signal(Some(&AbortSignal::timeout_with_u32(timeout_ms)));
    settle(Ok(window.fetch_with_str_and_init(url, &init)))
        .await?
        .dyn_into::<Response>()
        .map_err(|_| TransportError::Network)
}

/// The body as text; a timeout can still fire while it streams in.
async fn text(res: &Response) -> Result<String, TransportError> {
    settle(res.text())
        .await?
        .as_string()
        .ok_or(TransportError::BadAnswer)
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
    let res = fetch(
        "POST",
        &tokenizer.url,
        &[],
        Some(params.as_ref()),
        timeout_ms,
        false,
    )
    .await?;
    if !res.ok() {
        return Err(TransportError::Http {
            status: res.status(),
            code: None,
            message: None,
        });
    }
    let text = text(&res).await?;
    parse_token_answer(&text).ok_or(TransportError::BadAnswer)
}

/// `POST url` with a JSON body and `Authorization: Bearer <secret>`; the parsed JSON answer.
/// `keepalive` (Fetch Standard): the request is still sent if the page unloads meanwhile (a
/// `destroy()` run from `pagehide`).
pub async fn post_json(
    url: &str,
    secret: &str,
    body: &JsValue,
    timeout_ms: u32,
    keepalive: bool,
) -> Result<JsValue, TransportError> {
    let text = JSON::stringify(body).map_err(|_| TransportError::BadAnswer)?;
    let headers = [
        ("Authorization", bearer(secret)),
        ("Content-Type", JsValue::from_str("application/json")),
        ("Accept", JsValue::from_str("application/json")),
    ];
    let res = fetch(
        "POST",
        url,
        &headers,
        Some(text.as_ref()),
        timeout_ms,
        keepalive,
    )
    .await?;
    read_json(res).await
}

/// `GET url` with `Authorization: Bearer <secret>`; the parsed JSON answer.
pub async fn get_json(url: &str, secret: &str, timeout_ms: u32) -> Result<JsValue, TransportError> {
    let headers = [
        ("Authorization", bearer(secret)),
        ("Accept", JsValue::from_str("application/json")),
    ];
    read_json(fetch("GET", url, &headers, None, timeout_ms, false).await?).await
}

/// `Bearer <secret>` (RFC 6750 §2.1).
fn bearer(secret: &str) -> JsValue {
    let mut value = String::with_capacity(7 + secret.len());
    value.push_str("Bearer ");
    value.push_str(secret);
    JsValue::from(value)
}

async fn read_json(res: Response) -> Result<JsValue, TransportError> {
    let status = res.status();
    let text = text(&res).await?;
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
