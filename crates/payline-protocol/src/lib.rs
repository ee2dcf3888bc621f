//! Payline (Monext) protocol: typed SOAP messages, a SOAP 1.1 codec, Web2Token crypto and,
//! behind the `client` feature, an async HTTP client.
//!
//! ```text
//!   values/ (Amount, Currency, ReturnCode, dates…)
//!      │
//!   objects/ (obj namespace) ── messages/ (impl namespace, one file per operation)
//!      │                              │
//!      └──────────── codec ───────────┘   encode_request / decode_response   (client side)
//!                      │                 decode_any_request / encode_response (server side)
//!                 SOAP envelope text
//!                      │
//!               client (feature "client"): HTTP Basic, SOAPAction, /V4/services/<API>
//! ```
//!
//! Without the `client` feature the crate does no I/O and builds for `wasm32-unknown-unknown`.

pub mod codec;
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
pub use error::{DecodeError, EncodeError, Fault};
pub use messages::{AnyRequest, AnyResponse, Api, Operation, Request, Response};
pub mod web2token;

#[cfg(feature = "client")]
pub mod client;
