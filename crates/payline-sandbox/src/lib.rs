//! A stateful, offline Payline (Monext) gateway for tests and demos.
//!
//! ```text
//!  Payline client ──SOAP──▶ /V4/services/{DirectPaymentAPI,WebPaymentAPI,ExtendedAPI}
//!  browser ─────form──────▶ /webpayment/getToken          (Web2Token tokenizer)
//!  browser ─────form──────▶ /acs/…                        (3-D Secure ACS simulator)
//!  browser ─────form──────▶ /webpayment/…                 (hosted payment and wallet pages)
//!  tests ───────JSON──────▶ /sandbox/clock, /sandbox/transactions, /sandbox/notifications,
//!                           /sandbox/faults (outage rehearsal)
//!  client ──────JSON──────▶ /services/servicesendpoints/SOAP/{merchantId} (endpoint directory)
//!                   │
//!                   ▼
//!        worker  scheduler (due dates, on clock moves, at start, every 500 ms)
//!                delivery  (HTTP GET to notification URLs, retried on the sandbox clock)
//!                   │
//!                   ▼
//!        engine  one module per operation family (Payline rules, answers)
//!                   │
//!                   ▼
//!        store   ledger / tokens / wallets / web sessions / notification outbox (SQLite)
//! ```
//!
//! The routes call the engine and the worker; the worker drives the engine and reads the
//! outbox; the engine writes to the outbox and never calls the worker back, it only wakes it.
//!
//! Outcomes follow Payline's homologation conventions (amount and card-number tables in
//! `scenarios`); every date rule reads the sandbox clock, which tests move forward. The
//! tokenizer and the `/sandbox/…` endpoints follow the tokenizer and sandbox-control contracts
//! of `docs/interfaces.md`.
//!
//! Embedding (the payment server runs it in-process on a loopback port):
//!
//! ```no_run
//! # async fn run() -> Result<(), payline_sandbox::SandboxError> {
//! use payline_sandbox::{Config, DbLocation, Sandbox};
//! let sandbox = Sandbox::open(Config::default(), &DbLocation::Memory).await?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(payline_sandbox::SandboxError::Io)?;
//! let addr = listener.local_addr().map_err(payline_sandbox::SandboxError::Io)?;
//! tokio::spawn(payline_sandbox::serve(listener, sandbox, std::future::pending()));
//! println!("payline-sandbox listening on http://{addr}");
//! # Ok(()) }
//! ```

// The public surface is what an embedder needs (`Sandbox`, the configuration, `serve`/`app`,
// the errors, the scheduler hook the tests drive); everything else is `pub(crate)` or narrower,
// and this lint (an error under the workspace's `clippy -D warnings` gate) keeps it that way.
#![warn(unreachable_pub)]

// Layers, each module importing only from the ones listed before it:
//   foundation  error, config, db (pool, clock), vault, cards, rules, scenarios, schedule
//   store       SQL and typed rows: ledger, card tokens, wallets, notification outbox
//   engine      answers and card resolution, then one module per operation family
//   state       the `Sandbox` handle (pool, clock, vault, write lock, worker wake-up, faults)
//   worker      scheduler tick and notification delivery, on top of the engine
//   routes      HTTP: SOAP dispatch, tokenizer, ACS pages, hosted pages, control API,
//               served by `listener` (one per endpoint)
mod auth;
mod cards;
mod config;
mod db;
mod engine;
mod error;
mod faults;
mod listener;
mod routes;
mod rules;
mod scenarios;
mod schedule;
mod state;
mod store;
mod vault;
mod worker;

use std::future::Future;

use axum::Router;

pub use config::{Config, ConfigError, ContractConfig, MerchantConfig};
pub use db::{Clock, DEFAULT_DB_PATH, DbLocation};
pub use error::SandboxError;
pub use routes::{MAX_BODY_BYTES, REQUEST_TIMEOUT};
pub use state::Sandbox;

/// Runs what fell due on the sandbox clock, as the background worker does. Tests call it to
/// check that two sandboxes sharing one database never bill a due date twice.
pub mod scheduler {
    pub use crate::worker::scheduler::run_due_now;
}

impl Sandbox {
    /// Opens (or creates) the database, applies the schema and loads the card vault key.
    pub async fn open(config: Config, db: &DbLocation) -> Result<Self, SandboxError> {
        let notifier = worker::delivery::client(&config)?;
        let pool = db::open(db).await?;
        let vault = vault::Vault::load(&pool).await?;
        let clock = Clock::new(pool.clone());
        let sandbox = Sandbox::new(config, pool, clock, vault, notifier);
        // Catch up on what fell due while no sandbox was running (or before a crash).
        worker::scheduler::run_due_now(&sandbox).await?;
        worker::spawn(&sandbox);
        Ok(sandbox)
    }

    /// The HTTP application.
    pub fn router(&self) -> Router {
        routes::router(self.clone())
    }
}

/// Opens a sandbox and returns its HTTP application.
pub async fn app(config: Config, db: &DbLocation) -> Result<Router, SandboxError> {
    Ok(Sandbox::open(config, db).await?.router())
}

/// Serves the sandbox on `listener` until `shutdown` completes, then finishes the requests in
/// flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    sandbox: Sandbox,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), SandboxError> {
    serve_endpoints(vec![listener], sandbox, shutdown).await
}

/// Serves the sandbox on several endpoints at once, all sharing its state, until `shutdown`
/// completes. The endpoint directory lists them in this order as `http://HOST:PORT/V4`, so that
/// a fail-over client (Payline PHP SDK endpoint directory) calls `…/V4/services/<API>` on each;
/// faults name them by this index.
pub async fn serve_endpoints(
    listeners: Vec<tokio::net::TcpListener>,
    sandbox: Sandbox,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), SandboxError> {
    let mut urls = Vec::with_capacity(listeners.len());
    for l in &listeners {
        urls.push(format!(
            "http://{}/V4",
            l.local_addr().map_err(SandboxError::Io)?
        ));
    }
    sandbox.set_endpoint_urls(urls);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop.send(true);
    });
    let router = sandbox.router();
    let mut servers = tokio::task::JoinSet::new();
    for (index, l) in listeners.into_iter().enumerate() {
        let mut stopped = stopped.clone();
        let app = router
            .clone()
            .into_make_service_with_connect_info::<listener::Connection>();
        let server = axum::serve(listener::EndpointListener::new(l, index), app)
            .with_graceful_shutdown(async move {
                let _ = stopped.wait_for(|s| *s).await;
            });
        servers.spawn(async move { server.await });
    }
    let mut result = Ok(());
    while let Some(done) = servers.join_next().await {
        match done {
            Ok(Ok(())) => {}
            Ok(Err(e)) => result = Err(SandboxError::Io(e)),
            Err(_) => result = Err(SandboxError::Bug("an endpoint server panicked")),
        }
    }
    result
}
