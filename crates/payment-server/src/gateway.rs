//! The Payline gateway as the server uses it: the payline-protocol client plus metrics.

use crate::config::GatewayConfig;
use crate::metrics::Metrics;

/// Gateway client. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Gateway {
    config: GatewayConfig,
    metrics: Metrics,
}

impl Gateway {
    /// A client for `config`.
    pub fn new(config: &GatewayConfig, metrics: Metrics) -> Self {
        Self { config: config.clone(), metrics }
    }

    /// The settings.
    pub fn config(&self) -> &GatewayConfig {
        &self.config
    }

    /// The metrics registry calls are recorded in.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }
}
