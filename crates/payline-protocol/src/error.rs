//! Errors of the codec.

use core::fmt;

/// A message that could not be decoded.
///
/// No variant carries element text from the input: a malformed message may contain a card
/// number, and these errors end up in logs.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input is larger than [`MAX_MESSAGE_BYTES`](crate::codec::MAX_MESSAGE_BYTES):
    /// a misbehaving peer or an attack, not a Payline message.
    #[error("message of {actual} bytes exceeds the {limit}-byte limit")]
    TooLarge {
        /// Size of the input.
        actual: usize,
        /// The limit.
        limit: usize,
    },
    /// Elements nested deeper than [`MAX_DEPTH`](crate::codec::MAX_DEPTH); Payline messages
    /// are at most about ten levels deep.
    #[error("elements nested deeper than {0} levels")]
    TooDeep(usize),
    /// Not well-formed XML (truncated body, mismatched tags, bad entity, DTD, …).
    #[error("malformed XML at byte {position}: {reason}")]
    Malformed {
        /// Byte offset where the reader stopped.
        position: u64,
        /// What kind of error (never input text).
        reason: &'static str,
    },
    /// Well-formed XML that is not a SOAP 1.1 envelope with a body element.
    #[error("not a SOAP envelope: {0}")]
    NotSoap(&'static str),
    /// The body holds another message than the one expected (for example the response of
    /// another operation: PHP's SoapClient returns null in that case).
    #[error("expected body element {expected}, found {found}")]
    UnexpectedElement {
        /// The element expected.
        expected: String,
        /// The local name found (truncated to 64 characters).
        found: String,
    },
    /// The body element names no operation this crate has messages for.
    #[error("unsupported operation element {0}")]
    UnsupportedOperation(String),
    /// The message does not fit its type: a mandatory element is missing or a value has the
    /// wrong format.
    #[error("invalid message: {0}")]
    Invalid(String),
    /// The peer answered with a SOAP Fault instead of a message.
    #[error("SOAP fault: {0}")]
    Fault(Fault),
}

/// A message that could not be encoded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// A value holds a character XML 1.0 cannot carry (a control character other than tab or
    /// line feed, U+FFFE, U+FFFF): the message would be rejected by any XML parser.
    #[error("a value contains a character XML 1.0 cannot carry (U+{0:04X})")]
    InvalidCharacter(u32),
    /// The serializer failed: this is a bug in this crate.
    #[error("serializer error (this is a bug): {0}")]
    Serializer(String),
}

/// A SOAP 1.1 Fault (`soapenv:Fault`), the answer to a request the service could not process
/// at all (SOAP 1.1 §4.4). Payline reports business errors in `result.code`; faults are for
/// requests that cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// `faultcode`, a qualified name: `soapenv:Client` (the request is wrong) or
    /// `soapenv:Server` (the service failed).
    pub code: String,
    /// `faultstring`, a human-readable explanation.
    pub string: String,
    /// `faultactor`, optional.
    pub actor: Option<String>,
    /// `detail` as text, optional.
    pub detail: Option<String>,
}

impl Fault {
    /// A fault blaming the request (`soapenv:Client`).
    pub fn client(string: impl Into<String>) -> Self {
        Self {
            code: "soapenv:Client".to_owned(),
            string: string.into(),
            actor: None,
            detail: None,
        }
    }

    /// A fault blaming the service (`soapenv:Server`).
    pub fn server(string: impl Into<String>) -> Self {
        Self {
            code: "soapenv:Server".to_owned(),
            string: string.into(),
            actor: None,
            detail: None,
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.string)
    }
}
