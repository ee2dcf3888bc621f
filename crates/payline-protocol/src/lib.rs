//! Payline (Monext) protocol.
