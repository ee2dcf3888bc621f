//! Payline (Monext) protocol.

pub mod secret;
pub mod web2token;

#[cfg(feature = "client")]
pub mod client;
