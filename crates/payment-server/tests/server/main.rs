//! Integration tests of the payment server over HTTP, on SQLite and on a throw-away
//! PostgreSQL cluster. One binary; one module per area.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod support;

mod backoffice;
mod checkout;
mod client_ip;
mod demo;
mod failover;
mod hardening;
mod hosted;
mod money;
mod pci;
mod resilience;
mod schedules;
mod serving;
mod sessions;
mod storage;
mod wallets;
mod webhook_tls;
