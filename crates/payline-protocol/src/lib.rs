//! Payline (Monext) protocol.

pub mod secret;
pub mod web2token;
