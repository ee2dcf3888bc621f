//! Payline (Monext) protocol.

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
