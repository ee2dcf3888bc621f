//! Payline (Monext) protocol: typed SOAP messages, a SOAP 1.1 codec, Web2Token crypto and,
//! behind the `client` feature, an async HTTP client.
//!
//! Each module uses only the modules listed below it, so there is no cycle inside the crate
//! (the layering of rustls: plain enums at the root, values and codec below the messages'
//! users):
//!
//! ```text
//!   client     feature "client": HTTP Basic, SOAPAction, /V4/services/<API>
//!   tls        feature "client": PEM roots and the TLS client builder of the servers' other
//!              outgoing HTTP (webhook, notifications); uses no other module
//!   codec      envelopes: encode_request / decode_response   (client side)
//!                         decode_any_request / encode_response (server side)
//!   error      DecodeError, EncodeError, Fault
//!   messages   impl namespace, one file per operation; AnyRequest / AnyResponse
//!   objects    obj namespace
//!   wire       serde helpers (nil elements, secrets)
//!   values     Amount, Currency, ReturnCode, dates…
//!   web2token  Web2Token crypto (uses secret only)
//!   secret     card numbers, CVV, keys: redacted Debug, zeroized
//!   enums      Operation, Api
//! ```
//!
//! Without the `client` feature the crate does no I/O and builds for `wasm32-unknown-unknown`.

pub mod codec;
mod enums;
pub mod error;
pub mod messages;
pub mod objects;
pub mod secret;
pub mod values;
mod wire;

pub use codec::{
    decode_any_request, decode_request, decode_response, encode_any_response, encode_fault,
    encode_request, encode_response,
};
pub use enums::{Api, Operation};
pub use error::{DecodeError, EncodeError, Fault};
pub use messages::{AnyRequest, AnyResponse, Request, Response};
pub mod web2token;

#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "client")]
pub mod tls;
