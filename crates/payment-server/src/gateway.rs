//! The Payline gateway as the server uses it: the payline-protocol client, with every call
//! timed and counted by operation and result code, and every endpoint fail-over counted by
//! cause (`PAYLINE_ENDPOINTS_DIRECTORY`).

use std::time::Instant;

use payline_protocol::client::{ClientConfig, ClientError, FailoverObserver, PaylineClient};
use payline_protocol::messages::*;
use payline_protocol::objects::PaylineResult;
use payline_protocol::values::{Outcome, ReturnCode, outcome};
use payline_protocol::{Operation, Request};

use crate::config::GatewayConfig;
use crate::metrics::Metrics;

/// How a gateway call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GatewayError {
    /// The request never reached Payline (or could not be built): nothing happened there.
    #[error("not sent: {0}")]
    NotSent(String),
    /// Sent, but no answer was read (timeout, connection lost): the outcome must be reconciled.
    #[error("outcome unknown: {0}")]
    Unknown(String),
    /// Payline answered something that is not a response message (fault, HTTP error).
    #[error("gateway failure: {0}")]
    Failed(String),
}

impl From<ClientError> for GatewayError {
    fn from(e: ClientError) -> Self {
        if e.needs_reconciliation() {
            Self::Unknown(e.to_string())
        } else if e.was_not_sent() {
            Self::NotSent(e.to_string())
        } else {
            Self::Failed(e.to_string())
        }
    }
}

/// Gateway client. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Gateway {
    config: GatewayConfig,
    client: Option<PaylineClient>,
    metrics: Metrics,
}

/// Responses carrying a Payline `result`.
pub trait HasResult {
    /// The result object.
    fn result(&self) -> &PaylineResult;
}

macro_rules! has_result {
    ($($t:ty),*) => { $(impl HasResult for $t { fn result(&self) -> &PaylineResult { &self.result } })* };
}
has_result!(
    VerifyEnrollmentResponse,
    VerifyAuthenticationResponse,
    DoAuthorizationResponse,
    DoCaptureResponse,
    DoResetResponse,
    DoRefundResponse,
    DoReAuthorizationResponse,
    GetTransactionDetailsResponse,
    TransactionsSearchResponse,
    DoImmediateWalletPaymentResponse,
    CreateWalletResponse,
    UpdateWalletResponse,
    DisableWalletResponse,
    DoRecurrentWalletPaymentResponse,
    GetPaymentRecordResponse,
    DisablePaymentRecordResponse,
    UpdatePaymentRecordResponse,
    UpdateBillingRecordResponse,
    GetCardsResponse
);

/// The outcome of a response for its operation (payline-protocol's table).
pub fn outcome_of<R: HasResult>(op: Operation, r: &R) -> Outcome {
    outcome(op, r.result().code)
}

/// `(code, long message)` of a response.
pub fn code_message<R: HasResult>(r: &R) -> (String, String) {
    let res = r.result();
    let msg = res
        .long_message
        .clone()
        .or_else(|| res.code.known().map(|k| k.long_message.to_owned()))
        .unwrap_or_default();
    (res.code.as_str().to_owned(), msg)
}

/// True when `code` is `c`.
pub fn is(code: ReturnCode, c: &str) -> bool {
    code.as_str() == c
}

impl Gateway {
    /// A client for `config`. A configuration the client refuses makes every call fail as
    /// "not sent" (start-up validated the settings already).
    pub fn new(config: &GatewayConfig, metrics: Metrics) -> Self {
        let client = ClientConfig::new(
            &config.endpoint,
            config.merchant_id.clone(),
            config.access_key.clone(),
        )
        .map(|c| c.with_timeout(config.timeout))
        .and_then(|c| match &config.endpoints_directory {
            None => Ok(c),
            Some(url) => {
                let observed = metrics.clone();
                // One call, fail-overs included, stays within PAYLINE_TIMEOUT_MS: the pay's two
                // calls in a row must answer before the browser module's request timeout.
                let c = c
                    .with_failover_budget(config.timeout)
                    .with_failover_observer(FailoverObserver::new(move |event| {
                        observed.failover(&event.cause);
                    }));
                // Settings accept http only for a loopback sandbox (`require_tls`).
                let c = if url.starts_with("http://") {
                    c.allow_insecure_endpoints()
                } else {
                    c
                };
                c.with_endpoints_directory(url)
            }
        })
        .and_then(PaylineClient::new)
        .map_err(|e| tracing::error!(error = %e, "Payline client configuration refused"))
        .ok();
        Self {
            config: config.clone(),
            client,
            metrics,
        }
    }

    /// The settings.
    pub fn config(&self) -> &GatewayConfig {
        &self.config
    }

    /// Calls one operation.
    pub async fn call<R>(&self, request: &R) -> Result<R::Response, GatewayError>
    where
        R: Request,
        R::Response: HasResult,
    {
        let op = R::OPERATION.name();
        let Some(client) = &self.client else {
            return Err(GatewayError::NotSent(
                "Payline client not configured".into(),
            ));
        };
        let started = Instant::now();
        let res = client.call(request).await;
        let label = match &res {
            Ok(r) => r.result().code.as_str().to_owned(),
            Err(e) if e.needs_reconciliation() => "unknown".to_owned(),
            Err(e) if e.was_not_sent() => "not_sent".to_owned(),
            Err(_) => "failed".to_owned(),
        };
        self.metrics.gateway_call(op, &label, started.elapsed());
        tracing::info!(operation = op, result = %label, elapsed_ms = started.elapsed().as_millis() as u64, "payline call");
        res.map_err(GatewayError::from)
    }
}
