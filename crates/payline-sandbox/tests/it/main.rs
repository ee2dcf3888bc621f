//! Integration tests: the sandbox runs on a loopback port 0 inside each test and is driven over
//! HTTP, as a merchant, a browser or a test harness would.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

mod codes;
mod control;
mod dif;
mod failover;
mod hosted;
mod notifications;
mod notify_tls;
mod operations;
mod payments;
mod reauth;
mod scheduler;
mod schedules;
mod soap;
mod soapkit;
mod three_ds;
mod tokenizer;
mod wallet_3ds;
mod walletkit;
mod wallets;
