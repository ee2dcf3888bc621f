//! Payline (Monext) protocol.

pub mod secret;
