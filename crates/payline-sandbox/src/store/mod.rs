//! The store: every table the operations share, as typed rows, and the SQL that reads and
//! writes them. Nothing here knows Payline's rules or answers; it sits under the engine.

pub(crate) mod ledger;
pub(crate) mod outbox;
pub(crate) mod tokens;
pub(crate) mod wallets;
