//! SOAP 1.1 codec: typed messages to and from envelopes (Payline web services: SOAP binding and envelopes).
//!
//! ```text
//!   encode:  message ──serde (encode.rs: prefixed names, escaped text)──▶ envelope
//!   decode:  envelope ──tolerant reader (decode.rs)──▶ body tree (local names, no nil/empty) ──serde──▶ message
//! ```
//!
//! One pass each way. The tolerant reader first tries its own reader of plain, well-formed
//! envelopes (`decode/fast.rs`) and falls back to quick-xml's reader for anything else, whose
//! errors are the ones reported.
//!
//! **Encoding is strict.** Element order is the order of the struct fields, which is the
//! WSDL sequence. The operation element and its direct children are written in the `impl`
//! namespace, everything below them in the `obj` namespace (the types of those elements live in
//! the objects schema, `elementFormDefault="qualified"`). Nillable mandatory elements that have
//! no value are written `xsi:nil="true"`. Every value is escaped.
//!
//! **Decoding is tolerant**, as Payline's clients and servers differ (Payline SOAP envelopes): any
//! namespace prefix or a default namespace, children without namespace, `xsi:type` and other
//! attributes are ignored (elements are matched by local name); elements with `xsi:nil="true"`
//! and empty elements are treated as absent; unknown elements are skipped. A SOAP Fault in the
//! body becomes [`DecodeError::Fault`]. Input is bounded by [`MAX_MESSAGE_BYTES`] and
//! [`MAX_DEPTH`]; no input makes the codec panic.

mod decode;
mod encode;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use crate::enums::Operation;
use crate::error::{DecodeError, EncodeError, Fault};
use crate::messages::{AnyRequest, AnyResponse, Request, Response, ResponseVisitor};

/// SOAP 1.1 envelope namespace.
pub const SOAP_ENV_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// Namespace of Payline's operation elements.
pub const IMPL_NS: &str = "http://impl.ws.payline.experian.com";
/// Namespace of Payline's object types.
pub const OBJ_NS: &str = "http://obj.ws.payline.experian.com";
/// XML Schema instance namespace (`xsi:nil`).
pub const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// Largest message the decoder reads. The biggest legitimate Payline messages are a
/// transactionsSearch answer (up to 5000 transactions) and `transient` values up to 100 KB.
pub const MAX_MESSAGE_BYTES: usize = 8 * 1024 * 1024;
/// Deepest element nesting the decoder accepts (Payline messages stay under 12 levels).
pub const MAX_DEPTH: usize = 48;

/// Encodes a request as a SOAP envelope, ready to POST with `SOAPAction: R::OPERATION`.
pub fn encode_request<R: Request>(request: &R) -> Result<String, EncodeError> {
    encode::envelope(R::OPERATION.name(), "Request", request)
}

/// Encodes a response as a SOAP envelope (the server side: the sandbox).
pub fn encode_response<T: Response>(response: &T) -> Result<String, EncodeError> {
    encode::envelope(T::OPERATION.name(), "Response", response)
}

/// Encodes any response as a SOAP envelope.
pub fn encode_any_response(response: &AnyResponse) -> Result<String, EncodeError> {
    struct Encode;
    impl ResponseVisitor for Encode {
        type Output = Result<String, EncodeError>;
        fn visit<T: Response>(self, response: &T) -> Self::Output {
            encode_response(response)
        }
    }
    response.visit(Encode)
}

/// Encodes a SOAP 1.1 Fault envelope. Its children are unqualified, as SOAP 1.1 §4.4 defines.
pub fn encode_fault(fault: &Fault) -> Result<String, EncodeError> {
    let mut w = Writer::new(Vec::with_capacity(512));
    let io = |e: std::io::Error| EncodeError::Serializer(e.to_string());
    let texts = [
        Some(&fault.code),
        Some(&fault.string),
        fault.actor.as_ref(),
        fault.detail.as_ref(),
    ];
    for t in texts.into_iter().flatten() {
        check_chars(t)?;
    }
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .map_err(io)?;
    w.write_event(Event::Start(
        BytesStart::new("soapenv:Envelope").with_attributes([("xmlns:soapenv", SOAP_ENV_NS)]),
    ))
    .map_err(io)?;
    w.write_event(Event::Start(BytesStart::new("soapenv:Body")))
        .map_err(io)?;
    w.write_event(Event::Start(BytesStart::new("soapenv:Fault")))
        .map_err(io)?;
    for (name, value) in [
        ("faultcode", Some(&fault.code)),
        ("faultstring", Some(&fault.string)),
        ("faultactor", fault.actor.as_ref()),
        ("detail", fault.detail.as_ref()),
    ] {
        if let Some(value) = value {
            w.create_element(name)
                .write_text_content(BytesText::new(value))
                .map_err(io)?;
        }
    }
    w.write_event(Event::End(BytesEnd::new("soapenv:Fault")))
        .map_err(io)?;
    w.write_event(Event::End(BytesEnd::new("soapenv:Body")))
        .map_err(io)?;
    w.write_event(Event::End(BytesEnd::new("soapenv:Envelope")))
        .map_err(io)?;
    into_string(w.into_inner())
}

/// Decodes a request envelope of a known operation (the server side).
pub fn decode_request<R: Request>(xml: &str) -> Result<R, DecodeError> {
    let body = decode::read_body(xml)?;
    body.expect(R::OPERATION, "Request")?;
    body.deserialize()
}

/// Decodes any supported request, dispatching on the body element's name (a server receives
/// every operation on a few URLs; Payline web services, services and operations).
pub fn decode_any_request(xml: &str) -> Result<AnyRequest, DecodeError> {
    let body = decode::read_body(xml)?;
    let name = body.name();
    let operation = name
        .strip_suffix("Request")
        .and_then(Operation::from_name)
        .ok_or_else(|| DecodeError::UnsupportedOperation(decode::truncate(name)))?;
    AnyRequest::decode_body(operation, body.deserializer())
        .ok_or_else(|| DecodeError::UnsupportedOperation(decode::truncate(name)))?
        .map_err(decode::de_error)
}

/// Decodes the response to request type `R` (the client side). A SOAP Fault gives
/// [`DecodeError::Fault`].
pub fn decode_response<R: Request>(xml: &str) -> Result<R::Response, DecodeError> {
    let body = decode::read_body(xml)?;
    body.expect(R::OPERATION, "Response")?;
    body.deserialize()
}

/// The operation named by the body element of a request envelope, without decoding the
/// message (for routing or logging).
pub fn request_operation(xml: &str) -> Result<Operation, DecodeError> {
    let body = decode::read_body(xml)?;
    let name = body.name();
    name.strip_suffix("Request")
        .and_then(Operation::from_name)
        .ok_or_else(|| DecodeError::UnsupportedOperation(decode::truncate(name)))
}

/// The `result.code` of a response envelope, whatever the operation, without decoding the
/// rest of the message (`None` when the body is not a message with a `result`). The client's
/// endpoint fail-over reads it before the typed decoding (Payline result codes `02101`,
/// `04901`).
pub fn response_result_code(xml: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Code {
        code: String,
    }
    #[derive(serde::Deserialize)]
    struct WithResult {
        result: Code,
    }
    let body = decode::read_body(xml).ok()?;
    if !body.name().ends_with("Response") {
        return None;
    }
    body.deserialize::<WithResult>()
        .ok()
        .map(|r| r.result.code.trim().to_owned())
}

/// True when `xml` is a SOAP envelope (a message or a Fault): an answer from the service
/// itself rather than an error page from something in front of it.
pub fn is_soap_envelope(xml: &str) -> bool {
    matches!(decode::read_body(xml), Ok(_) | Err(DecodeError::Fault(_)))
}

fn into_string(bytes: Vec<u8>) -> Result<String, EncodeError> {
    String::from_utf8(bytes).map_err(|e| EncodeError::Serializer(e.to_string()))
}

/// XML 1.0 `Char` production (§2.2): Rust `char`s exclude surrogates already.
fn check_chars(s: &str) -> Result<(), EncodeError> {
    match s.chars().find(|&c| matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')) {
        Some(c) => Err(EncodeError::InvalidCharacter(u32::from(c))),
        None => Ok(()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod differential;
#[cfg(test)]
mod reference;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests;
