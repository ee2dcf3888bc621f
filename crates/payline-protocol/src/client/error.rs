//! What can go wrong on a call to Payline, sorted by what the caller must do about it.
//!
//! A Payline refusal is *not* an error: the gateway answered, and the response's `result.code`
//! (e.g. `01116` amount limit, `02304` unknown transaction) is returned in `Ok`. The errors
//! below are the cases where no usable answer came back, split by whether Payline may have
//! processed the request:
//!
//! | variant | Payline processed it? | what to do |
//! |---|---|---|
//! | [`ClientError::Config`] | no | fix the configuration |
//! | [`ClientError::NotSent`] | no | retry as is |
//! | [`ClientError::OutcomeUnknown`] | maybe | reconcile (getTransactionDetails / transactionsSearch by order ref) before any retry |
//! | [`ClientError::Http`] | 4xx: no; 408 and 5xx: maybe | see [`ClientError::needs_reconciliation`] |
//! | [`ClientError::Fault`] | no | a request the service rejected as a whole |
//! | [`ClientError::Decode`] | yes, if the HTTP status was 2xx | reconcile |
//! | [`ClientError::Encode`] | no | fix the request |
//!
//! No variant carries a request or response body, so no card number can reach a log through
//! an error.

use core::fmt;

use crate::error::{DecodeError, EncodeError, Fault};

/// An error from [`PaylineClient`](super::PaylineClient).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The configuration is unusable: a base URL that is not http(s), carries credentials or a
    /// query, a merchant id with characters HTTP headers cannot carry, or a TLS setup failure.
    #[error("invalid Payline client configuration: {0}")]
    Config(&'static str),
    /// The request never reached Payline: DNS failure, connection refused, connect timeout,
    /// TLS handshake failure. Nothing was processed, so retrying is safe.
    #[error("request not sent to Payline: {0}")]
    NotSent(#[source] TransportError),
    /// The request was sent (or may have been) and no complete answer came back: the call
    /// timed out, or the connection was closed or reset after sending. Payline may have
    /// processed it; reconcile before retrying, or the buyer may be charged twice.
    #[error("Payline outcome unknown: {0}")]
    OutcomeUnknown(#[source] TransportError),
    /// An HTTP error status with no SOAP answer in the body: 401 for wrong credentials (the
    /// PHP SDK reports this as result code `XXXXX` "Unauthorized"), 404 for a wrong base URL,
    /// 5xx from the service or a proxy in front of it.
    #[error("Payline answered HTTP {status}")]
    Http {
        /// The HTTP status code.
        status: u16,
    },
    /// A SOAP Fault: the service rejected the request as a whole (malformed envelope, schema
    /// violation) without processing it. Any run of 12 or more digits in its texts is masked,
    /// as a server may quote the offending value.
    #[error("Payline SOAP fault: {0}")]
    Fault(Fault),
    /// The answer arrived but could not be read: not UTF-8, too large, not a SOAP envelope, or
    /// not the expected response element. With a 2xx status Payline processed the request.
    #[error("Payline answer (HTTP {status}) could not be decoded: {source}")]
    Decode {
        /// The HTTP status the answer came with.
        status: u16,
        /// Why decoding failed; never contains message text.
        source: DecodeError,
    },
    /// The request could not be encoded (a value XML cannot carry); nothing was sent.
    #[error("request could not be encoded: {0}")]
    Encode(#[source] EncodeError),
}

impl ClientError {
    /// True when Payline may have processed the request although no result was read: the
    /// caller must look the transaction up (by order reference) before retrying.
    ///
    /// That is [`OutcomeUnknown`](Self::OutcomeUnknown), a [`Decode`](Self::Decode) failure on
    /// a 2xx answer, and an HTTP 408 or 5xx status without a SOAP answer: a 500 can come from
    /// the service failing after it acted, a 502/504 from a proxy that got no (valid) answer
    /// from the service behind it, and a 503/408 carries no proof that the request was not
    /// forwarded. Only a SOAP Fault (the service rejected the message as a whole) or a 4xx
    /// (credentials, path) says that nothing was processed.
    pub fn needs_reconciliation(&self) -> bool {
        match self {
            Self::OutcomeUnknown(_) => true,
            Self::Decode { status, .. } => (200..300).contains(status),
            Self::Http { status } => *status == 408 || *status >= 500,
            Self::Config(_) | Self::NotSent(_) | Self::Fault(_) | Self::Encode(_) => false,
        }
    }

    /// True when the request certainly never reached Payline, so sending it again is safe.
    pub fn was_not_sent(&self) -> bool {
        matches!(self, Self::Config(_) | Self::NotSent(_) | Self::Encode(_))
    }
}

/// Masks every run of 12 or more ASCII digits (the shortest card numbers have 12), so a fault
/// text that quotes a card number can be logged.
pub(super) fn mask_card_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if digits.len() >= 12 {
            out.extend(core::iter::repeat_n('*', digits.len()));
        } else {
            out.push_str(digits);
        }
        digits.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            flush(&mut digits, &mut out);
            out.push(c);
        }
    }
    flush(&mut digits, &mut out);
    out
}

/// Which step of the exchange failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// Resolving the host, opening the TCP connection or the TLS handshake failed (or the
    /// connect timeout fired).
    Connect,
    /// The per-call timeout fired after the connection was open.
    Timeout,
    /// The connection was closed or reset while sending or before the whole answer arrived.
    ConnectionLost,
}

/// A network failure, with the HTTP library's error as its source.
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    source: reqwest::Error,
}

impl TransportError {
    pub(super) fn new(kind: TransportErrorKind, source: reqwest::Error) -> Self {
        // reqwest's message includes the URL; the base URL is checked to carry no credentials.
        Self { kind, source }
    }

    /// Which step failed.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// True when a timeout fired (the connect timeout for [`TransportErrorKind::Connect`]).
    pub fn is_timeout(&self) -> bool {
        self.source.is_timeout()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.kind {
            TransportErrorKind::Connect => "could not connect",
            TransportErrorKind::Timeout => "timed out",
            TransportErrorKind::ConnectionLost => "connection lost",
        })
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn masks_digit_runs_of_card_number_length_only() {
        let cases = [
            (
                "card 4970100000000154 refused",
                "card **************** refused",
            ),
            ("123456789012", "************"),
            ("12345678901", "12345678901"),
            ("code 02101, amount 2599", "code 02101, amount 2599"),
            ("a4970100000000154", "a****************"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(mask_card_numbers(input), want);
        }
    }
}
