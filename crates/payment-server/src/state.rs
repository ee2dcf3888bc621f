//! Shared state of the handlers: settings, storage, gateway client, clock, metrics.

use std::sync::Arc;

use crate::config::Settings;
use crate::gateway::Gateway;
use crate::metrics::Metrics;
use crate::store::Store;

/// Wall clock in Unix milliseconds, injected so that tests can move time (expiry, the
/// 7-day authorization limit) without sleeping.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Now, in milliseconds since the Unix epoch.
    fn now_ms(&self) -> i64;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        let now = time::OffsetDateTime::now_utc();
        i64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
    }
}

/// A clock tests move by hand.
#[derive(Debug, Default)]
pub struct ManualClock(std::sync::atomic::AtomicI64);

impl ManualClock {
    /// Starts at `ms`.
    pub fn new(ms: i64) -> Self {
        Self(std::sync::atomic::AtomicI64::new(ms))
    }

    /// Moves forward by `ms`.
    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// The system clock moved by an offset: in sandbox mode the server keeps the embedded
/// sandbox's time (its clock is moved by `POST /sandbox/clock`), so that sessions, the
/// reconciler and schedules see the same day as the gateway that bills them.
#[derive(Debug, Default)]
pub struct OffsetClock(std::sync::atomic::AtomicI64);

impl OffsetClock {
    /// Sets the offset from the system clock, in milliseconds.
    pub fn set_offset_ms(&self, ms: i64) {
        self.0.store(ms, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Clock for OffsetClock {
    fn now_ms(&self) -> i64 {
        SystemClock
            .now_ms()
            .saturating_add(self.0.load(std::sync::atomic::Ordering::SeqCst))
    }
}

/// Everything a handler needs. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    settings: Settings,
    store: Store,
    gateway: Gateway,
    clock: Arc<dyn Clock>,
    metrics: Metrics,
    /// Key sealing the card token and virtual CVV at rest between pay and the 3-D Secure
    /// return (derived from the access key, never stored).
    seal_key: crate::seal::SealKey,
}

impl AppState {
    /// Builds the state.
    pub fn new(settings: Settings, store: Store, clock: Arc<dyn Clock>) -> Self {
        let metrics = Metrics::default();
        let gateway = Gateway::new(&settings.gateway, metrics.clone());
        let seal_key = crate::seal::SealKey::derive(&settings.gateway.access_key);
        Self {
            inner: Arc::new(Inner {
                settings,
                store,
                gateway,
                clock,
                metrics,
                seal_key,
            }),
        }
    }

    /// Settings.
    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// Storage.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Gateway client.
    pub fn gateway(&self) -> &Gateway {
        &self.inner.gateway
    }

    /// Now, Unix ms.
    pub fn now_ms(&self) -> i64 {
        self.inner.clock.now_ms()
    }

    /// Metrics registry.
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// At-rest sealing key.
    pub(crate) fn seal_key(&self) -> &crate::seal::SealKey {
        &self.inner.seal_key
    }
}
