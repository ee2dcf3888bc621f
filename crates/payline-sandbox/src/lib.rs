//! A stateful, offline Payline (Monext) gateway for tests and demos.
//!
//! ```text
//!  Payline client ──SOAP──▶ /V4/services/{DirectPaymentAPI,WebPaymentAPI,ExtendedAPI}
//!  browser ─────form──────▶ /webpayment/getToken          (Web2Token tokenizer)
//!  browser ─────form──────▶ /acs/…                        (3-D Secure ACS simulator)
//!  browser ─────form──────▶ /webpayment/…                 (hosted payment and wallet pages)
//!  tests ───────JSON──────▶ /sandbox/clock, /sandbox/transactions, /sandbox/notifications
//!                   │
//!                   ▼
//!        engine (Payline rules) ── ledger / tokens / 3DS sessions / wallets /
//!                   │              payment records / web sessions (SQLite) ── clock offset
//!                   ▼
//!        scheduler (due dates, on clock moves, at start, every 500 ms)
//!        notifier  (HTTP GET to notification URLs, retried on the sandbox clock)
//! ```
//!
//! Outcomes follow Payline's homologation conventions (amount and card-number tables in
//! [`scenarios`]); every date rule reads the sandbox clock, which tests move forward.
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

pub mod auth;
pub mod cards;
pub mod config;
pub mod db;
pub mod engine;
pub mod error;
pub mod ledger;
pub mod notify;
pub mod routes;
pub mod rules;
pub mod scenarios;
pub mod schedule;
pub mod scheduler;
pub mod vault;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use sqlx::SqlitePool;

pub use config::Config;
pub use db::{Clock, DbLocation};
pub use error::SandboxError;

/// Largest request body accepted (Payline `transient` is up to 100 KB).
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Time limit of one request.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The sandbox: configuration, database, clock and card vault. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Sandbox {
    inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    config: Config,
    pool: SqlitePool,
    clock: Clock,
    vault: vault::Vault,
    // Operations read then write several rows (captured sums, duplicate checks): they run one
    // at a time so two concurrent captures cannot both pass the `02613` check.
    write_lock: tokio::sync::Mutex<()>,
    // Wakes the background worker (due billings, notifications) after a clock move or an
    // operation that queued a notification.
    wake: Arc<tokio::sync::Notify>,
    // The notifier's HTTP client (one connection pool and TLS configuration per sandbox).
    notifier: reqwest::Client,
}

impl Sandbox {
    /// Opens (or creates) the database, applies the schema and loads the card vault key.
    pub async fn open(config: Config, db: &DbLocation) -> Result<Self, SandboxError> {
        let notifier = notify::client(&config)?;
        let pool = db::open(db).await?;
        let vault = vault::Vault::load(&pool).await?;
        let clock = Clock::new(pool.clone());
        let wake = Arc::new(tokio::sync::Notify::new());
        let inner = Arc::new(Inner { config, pool, clock, vault, write_lock: tokio::sync::Mutex::new(()), wake: wake.clone(), notifier });
        let sandbox = Self { inner };
        // Catch up on what fell due while no sandbox was running (or before a crash).
        scheduler::run_due_now(&sandbox).await?;
        notify::spawn_worker(Arc::downgrade(&sandbox.inner), wake);
        Ok(sandbox)
    }

    /// Wakes the background worker (notifications to send, billings due).
    pub(crate) fn wake(&self) {
        self.inner.wake.notify_one();
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The sandbox clock.
    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.inner.pool
    }

    pub(crate) fn notifier(&self) -> &reqwest::Client {
        &self.inner.notifier
    }

    pub(crate) fn vault(&self) -> &vault::Vault {
        &self.inner.vault
    }

    pub(crate) async fn lock(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.inner.write_lock.lock().await
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
    axum::serve(listener, sandbox.router()).with_graceful_shutdown(shutdown).await.map_err(SandboxError::Io)
}
