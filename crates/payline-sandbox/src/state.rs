//! The sandbox handle shared by the HTTP routes and the background worker.

use std::sync::{Arc, RwLock, Weak};

use sqlx::SqlitePool;

use crate::config::Config;
use crate::db::Clock;
use crate::faults::FaultBook;
use crate::vault::Vault;

/// The sandbox: configuration, database, clock and card vault. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Sandbox {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: Config,
    pool: SqlitePool,
    clock: Clock,
    vault: Vault,
    // Operations read then write several rows (captured sums, duplicate checks): they run one
    // at a time so two concurrent captures cannot both pass the `02613` check.
    write_lock: tokio::sync::Mutex<()>,
    // Wakes the background worker (due billings, notifications) after a clock move or an
    // operation that queued a notification.
    wake: Arc<tokio::sync::Notify>,
    // The notifier's HTTP client (one connection pool and TLS configuration per sandbox).
    notifier: reqwest::Client,
    // Injected faults and the fail-over headers seen (outage rehearsal).
    faults: FaultBook,
    // The endpoints listed by the endpoint directory (`http://HOST:PORT/V4`), once serving.
    endpoints: RwLock<Vec<String>>,
}

/// A handle that does not keep the sandbox alive: the worker holds one and stops when the
/// last [`Sandbox`] is dropped.
#[derive(Debug)]
pub(crate) struct WeakSandbox {
    inner: Weak<Inner>,
    wake: Arc<tokio::sync::Notify>,
}

impl WeakSandbox {
    /// The sandbox, while one is still held elsewhere.
    pub(crate) fn upgrade(&self) -> Option<Sandbox> {
        self.inner.upgrade().map(|inner| Sandbox { inner })
    }

    /// Waits until [`Sandbox::wake`] is called (a wake-up before the wait is kept).
    pub(crate) async fn woken(&self) {
        self.wake.notified().await;
    }
}

impl Sandbox {
    /// Assembles a sandbox from its opened parts.
    pub(crate) fn new(
        config: Config,
        pool: SqlitePool,
        clock: Clock,
        vault: Vault,
        notifier: reqwest::Client,
    ) -> Self {
        let inner = Inner {
            config,
            pool,
            clock,
            vault,
            write_lock: tokio::sync::Mutex::new(()),
            wake: Arc::new(tokio::sync::Notify::new()),
            notifier,
            faults: FaultBook::default(),
            endpoints: RwLock::new(Vec::new()),
        };
        Self {
            inner: Arc::new(inner),
        }
    }

    /// Wakes the background worker (notifications to send, billings due).
    pub(crate) fn wake(&self) {
        self.inner.wake.notify_one();
    }

    pub(crate) fn downgrade(&self) -> WeakSandbox {
        WeakSandbox {
            inner: Arc::downgrade(&self.inner),
            wake: self.inner.wake.clone(),
        }
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

    pub(crate) fn vault(&self) -> &Vault {
        &self.inner.vault
    }

    pub(crate) fn faults(&self) -> &FaultBook {
        &self.inner.faults
    }

    /// The endpoints the directory lists (`http://HOST:PORT/V4`, the SOAP services under
    /// `/services/<API>`), in order; empty until [`serve_endpoints`](crate::serve_endpoints)
    /// runs.
    pub fn endpoint_urls(&self) -> Vec<String> {
        self.inner
            .endpoints
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub(crate) fn set_endpoint_urls(&self, urls: Vec<String>) {
        *self
            .inner
            .endpoints
            .write()
            .unwrap_or_else(|p| p.into_inner()) = urls;
    }

    pub(crate) async fn lock(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.inner.write_lock.lock().await
    }
}
