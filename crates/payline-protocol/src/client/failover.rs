//! Endpoint fail-over: Payline's endpoint directory, and when a call may move to the next
//! endpoint.
//!
//! # The directory
//!
//! Payline publishes, per merchant, a list of SOAP endpoints (Payline PHP SDK 4.x, the
//! "servicesendpoints" directory): `GET <directory>/<merchantId>` answers
//! `{"urls": ["https://host1", …], "ttl": 60}`; each url gets `/services/` appended and the API
//! name after it. The list is cached for `ttl` seconds. A directory that cannot be read, is not
//! that JSON, lists no url, or lists a url that is not `https` (unless
//! [`ClientConfig::allow_insecure_endpoints`](super::ClientConfig::allow_insecure_endpoints)) is
//! ignored with a warning and the fixed endpoint is used, as the SDK does; a failed read is
//! retried after [`DIRECTORY_RETRY_AFTER`]. The fetch has its own short timeout
//! ([`DIRECTORY_TIMEOUT`]), never follows a redirect (a redirect could point the payment
//! traffic, and the access key, anywhere) and reads at most [`MAX_DIRECTORY_BYTES`].
//!
//! # When a call moves to the next endpoint
//!
//! The SDK fails over the seven operations `doAuthorization`, `doReAuthorization`,
//! `doWebPayment`, `getWebPaymentDetails`, `doImmediateWalletPayment`, `verifyEnrollment` and
//! `verifyAuthentication` on HTTP 500/502/503/504/408, a timeout, and result codes `04901`
//! ("System error") and `02101` ("System internal error"). Every other operation always uses
//! the fixed endpoint. This client keeps the list of operations but not all the triggers:
//!
//! * **Money-moving operations** (`doAuthorization`, `doReAuthorization`,
//!   `doImmediateWalletPayment`) move on only when the request provably never reached the
//!   gateway: the connection could not be opened (refused, connect timeout, TLS handshake
//!   failure: nothing was written), or an HTTP 503 whose body is not a SOAP envelope, i.e. a
//!   load balancer or proxy saying it has no server to forward to (RFC 9110 §15.6.4: the server
//!   is "currently unable to handle the request"; Payline's services answer with a SOAP
//!   envelope, a Fault coming with HTTP 500 per SOAP 1.1 §6.2). After a 500, 502, 504, 408,
//!   a timeout once connected or a dropped connection the first endpoint may have authorized
//!   the payment: trying another endpoint could charge the buyer twice, so the call ends with
//!   an error for which [`ClientError::needs_reconciliation`](super::ClientError::needs_reconciliation)
//!   is true and the caller looks the order up first. Result codes `04901` and `02101` do not
//!   move these operations either: Payline documents them as system errors without saying that
//!   nothing was processed, so the answer is returned as it is.
//! * **`doWebPayment`** creates a hosted-page session and moves no money by itself: the buyer
//!   pays only on the page of the token returned to the caller, so a session left behind on the
//!   first endpoint is never shown to anyone and expires unpaid. It fails over on every SDK
//!   trigger.
//! * **`verifyEnrollment`, `getWebPaymentDetails`** only read or start 3-D Secure: every SDK
//!   trigger.
//! * **`verifyAuthentication`** reads the 3-D Secure result of a PaRes/CRes that the gateway
//!   may accept once. Sent again after the first endpoint processed it, the worst outcome is a
//!   refusal of the replay: no money moves, and without fail-over the call would have failed
//!   anyway. It fails over on every SDK trigger; a refusal after a fail-over is visible to the
//!   caller through [`FailoverEvent`]s.
//!
//! Each retry carries the SDK's headers: `x-failover-cause` (`HTTP_503`, `APP_04901`,
//! `TIMEOUT`, `CONNECT`), `x-failover-duration` (milliseconds of the failed try),
//! `x-failover-origin` (the services URL of the failed try) and `x-failover-index` (0-based
//! index, in the list, of the endpoint now called).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::Url;

use crate::enums::Operation;

/// Payline's endpoint directory on the homologation platform; the merchant id is appended
/// (Payline PHP SDK 4.x, `servicesendpoints`).
pub const HOMOLOGATION_DIRECTORY_URL: &str =
    "https://homologation-payment.payline.com/services/servicesendpoints/SOAP/";
/// Payline's endpoint directory on the production platform; the merchant id is appended.
pub const PRODUCTION_DIRECTORY_URL: &str =
    "https://payment.payline.com/services/servicesendpoints/SOAP/";

/// Timeout of the directory fetch: it sits in front of a payment call.
pub const DIRECTORY_TIMEOUT: Duration = Duration::from_secs(2);
/// Largest directory answer read (a handful of URLs).
pub const MAX_DIRECTORY_BYTES: usize = 16 * 1024;
/// How long a directory that could not be read is not asked again.
pub const DIRECTORY_RETRY_AFTER: Duration = Duration::from_secs(30);
/// The SDK's cache time when the directory gives none.
const DEFAULT_TTL: Duration = Duration::from_secs(60);
/// Longest cache time honoured, whatever the directory says.
const MAX_TTL: Duration = Duration::from_secs(24 * 3600);
/// The shortest time worth a try on a further endpoint within a fail-over budget.
pub const MIN_ATTEMPT: Duration = Duration::from_millis(500);
/// Most endpoints tried for one call.
pub const MAX_ENDPOINTS: usize = 8;

/// How an operation may fail over (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FailoverPolicy {
    /// Always the fixed endpoint.
    Never,
    /// Only when the request provably never reached the gateway (money-moving operations).
    NotProcessedOnly,
    /// On every trigger of Payline's SDK.
    AllTriggers,
}

/// The fail-over policy of `operation`.
pub fn policy(operation: Operation) -> FailoverPolicy {
    match operation {
        Operation::DoAuthorization
        | Operation::DoReAuthorization
        | Operation::DoImmediateWalletPayment => FailoverPolicy::NotProcessedOnly,
        Operation::DoWebPayment
        | Operation::GetWebPaymentDetails
        | Operation::VerifyEnrollment
        | Operation::VerifyAuthentication => FailoverPolicy::AllTriggers,
        _ => FailoverPolicy::Never,
    }
}

/// One move to the next endpoint, reported to the [`FailoverObserver`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FailoverEvent {
    /// The operation called.
    pub operation: Operation,
    /// Why: the `x-failover-cause` value (`HTTP_503`, `APP_04901`, `TIMEOUT`, `CONNECT`).
    pub cause: String,
    /// Services URL of the endpoint that failed.
    pub from: String,
    /// Index of the endpoint now called (0-based, in the directory's order).
    pub index: usize,
    /// Duration of the failed try.
    pub duration: Duration,
}

/// A callback told of every fail-over (e.g. to count them by cause). It must return quickly.
#[derive(Clone)]
pub struct FailoverObserver(Arc<dyn Fn(&FailoverEvent) + Send + Sync>);

impl FailoverObserver {
    /// An observer calling `f`.
    pub fn new(f: impl Fn(&FailoverEvent) + Send + Sync + 'static) -> Self {
        Self(Arc::new(f))
    }

    pub(super) fn notify(&self, event: &FailoverEvent) {
        (self.0)(event);
    }
}

impl core::fmt::Debug for FailoverObserver {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("FailoverObserver")
    }
}

/// Where the list of endpoints comes from.
#[derive(Debug, Clone)]
pub(super) enum EndpointSource {
    /// A directory URL, read and cached.
    Directory(Url),
    /// A fixed list of services URLs.
    List(Arc<Vec<Url>>),
}

/// The cached directory, shared by the clones of a client.
#[derive(Debug, Default)]
pub(super) struct DirectoryCache {
    // (valid until, services URLs); an empty list is a failed read (fixed endpoint).
    entry: Mutex<Option<(Instant, Arc<Vec<Url>>)>>,
}

impl DirectoryCache {
    pub(super) fn get(&self, now: Instant) -> Option<Arc<Vec<Url>>> {
        let guard = self.entry.lock().unwrap_or_else(|p| p.into_inner());
        guard
            .as_ref()
            .filter(|(until, _)| *until > now)
            .map(|(_, urls)| urls.clone())
    }

    pub(super) fn put(&self, until: Instant, urls: Arc<Vec<Url>>) {
        let mut guard = self.entry.lock().unwrap_or_else(|p| p.into_inner());
        *guard = Some((until, urls));
    }
}

/// The services URL of a directory entry: `<url>/services/` (the SDK appends `/services/`),
/// checked like the fixed base URL; `https` unless `allow_insecure`.
pub(super) fn endpoint_services_url(url: &str, allow_insecure: bool) -> Option<Url> {
    let mut parsed = Url::parse(url.trim()).ok()?;
    let scheme_ok = parsed.scheme() == "https" || (allow_insecure && parsed.scheme() == "http");
    if !scheme_ok
        || !parsed.username().is_empty()
        || parsed.password().is_some()
        || parsed.query().is_some()
        || parsed.fragment().is_some()
        || parsed.host_str().is_none()
    {
        return None;
    }
    let path = format!("{}/services/", parsed.path().trim_end_matches('/'));
    parsed.set_path(&path);
    Some(parsed)
}

/// Parses a directory answer into services URLs and the cache time. `Err` says why it is
/// ignored (for the log; never contains the answer).
pub(super) fn parse_directory(
    body: &[u8],
    allow_insecure: bool,
) -> Result<(Vec<Url>, Duration), &'static str> {
    #[derive(serde::Deserialize)]
    struct Directory {
        urls: Vec<String>,
        #[serde(default)]
        ttl: Option<u64>,
    }
    let directory: Directory = serde_json::from_slice(body).map_err(|_| "not the JSON expected")?;
    if directory.urls.is_empty() {
        return Err("lists no url");
    }
    let mut urls = Vec::with_capacity(directory.urls.len().min(MAX_ENDPOINTS));
    for url in directory.urls.iter().take(MAX_ENDPOINTS) {
        urls.push(
            endpoint_services_url(url, allow_insecure).ok_or("lists a url that is not https")?,
        );
    }
    let ttl = directory
        .ttl
        .map_or(DEFAULT_TTL, Duration::from_secs)
        .min(MAX_TTL);
    Ok((urls, ttl))
}

/// Why a try failed, when it is a fail-over trigger for `policy`.
pub(super) fn trigger(
    policy: FailoverPolicy,
    result: &Result<super::SoapReply, super::ClientError>,
) -> Option<String> {
    use super::{ClientError, TransportErrorKind};
    if policy == FailoverPolicy::Never {
        return None;
    }
    let all = policy == FailoverPolicy::AllTriggers;
    match result {
        // Nothing was written: safe for every operation.
        Err(ClientError::NotSent(e)) => Some(if e.is_timeout() {
            "TIMEOUT".to_owned()
        } else {
            "CONNECT".to_owned()
        }),
        Err(ClientError::OutcomeUnknown(e)) if all && e.kind() == TransportErrorKind::Timeout => {
            Some("TIMEOUT".to_owned())
        }
        Err(_) => None,
        Ok(reply) => {
            let status = reply.status;
            if matches!(status, 500 | 502 | 503 | 504 | 408) {
                let unforwarded = status == 503 && !crate::codec::is_soap_envelope(&reply.body);
                return (all || unforwarded).then(|| format!("HTTP_{status}"));
            }
            if !all {
                return None;
            }
            crate::codec::response_result_code(&reply.body)
                .filter(|code| code == "04901" || code == "02101")
                .map(|code| format!("APP_{code}"))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn directory_urls_get_services_appended_and_must_be_https() {
        let (urls, ttl) = parse_directory(
            br#"{"urls":["https://a.example","https://b.example/x/"],"ttl":5}"#,
            false,
        )
        .unwrap();
        assert_eq!(urls[0].as_str(), "https://a.example/services/");
        assert_eq!(urls[1].as_str(), "https://b.example/x/services/");
        assert_eq!(ttl, Duration::from_secs(5));
        assert!(parse_directory(br#"{"urls":["http://a.example"],"ttl":5}"#, false).is_err());
        assert!(parse_directory(br#"{"urls":["http://a.example"],"ttl":5}"#, true).is_ok());
        assert!(parse_directory(br#"{"urls":[],"ttl":5}"#, false).is_err());
        assert!(parse_directory(b"<html>", false).is_err());
        assert!(parse_directory(br#"{"urls":["https://u:p@a.example"]}"#, false).is_err());
        let (_, ttl) = parse_directory(br#"{"urls":["https://a.example"]}"#, false).unwrap();
        assert_eq!(ttl, DEFAULT_TTL);
    }

    #[test]
    fn only_the_sdks_seven_operations_fail_over_and_money_only_when_unsent() {
        assert_eq!(policy(Operation::DoCapture), FailoverPolicy::Never);
        assert_eq!(
            policy(Operation::GetTransactionDetails),
            FailoverPolicy::Never
        );
        assert_eq!(
            policy(Operation::DoAuthorization),
            FailoverPolicy::NotProcessedOnly
        );
        assert_eq!(
            policy(Operation::VerifyEnrollment),
            FailoverPolicy::AllTriggers
        );
        let reply = |status: u16, body: &str| {
            Ok(super::super::SoapReply {
                status,
                body: body.to_owned(),
            })
        };
        let money = FailoverPolicy::NotProcessedOnly;
        assert_eq!(trigger(money, &reply(503, "")).as_deref(), Some("HTTP_503"));
        assert_eq!(trigger(money, &reply(500, "")), None);
        assert_eq!(trigger(money, &reply(504, "")), None);
        let all = FailoverPolicy::AllTriggers;
        assert_eq!(trigger(all, &reply(504, "")).as_deref(), Some("HTTP_504"));
        assert_eq!(trigger(all, &reply(200, "")), None);
    }
}
