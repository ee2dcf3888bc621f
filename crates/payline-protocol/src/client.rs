//! Async HTTP client for Payline's SOAP services (cargo feature `client`).
//!
//! A thin transport over the pure codec: one `POST <base>/<API>` per call with HTTP Basic
//! `merchantId:accessKey`, a `SOAPAction` header and a `text/xml` body (Payline SOAP binding,
//! Payline web services: SOAP binding and authentication). TLS is rustls on the `ring` provider with the platform's root
//! certificates; no process-wide crypto provider is installed.
//!
//! How to read the result of a call is described in [`ClientError`]: a Payline refusal is an
//! `Ok` response whose `result.code` says so; an `Err` means no usable answer came back.
//!
//! # Endpoint fail-over
//!
//! With an endpoint directory ([`ClientConfig::with_endpoints_directory`],
//! [`ClientConfig::with_payline_endpoints_directory`]) or a fixed list
//! ([`ClientConfig::with_failover_endpoints`]), seven operations may move to the next endpoint
//! when one fails, as Payline's PHP SDK does, but a money-moving call only when the request
//! provably never reached the gateway: a retry elsewhere after the first endpoint may have
//! authorized would charge the buyer twice. The rule, operation by operation, and its reasons
//! are in [`failover`]. Each move is reported to the
//! [`FailoverObserver`] of the configuration.

mod error;
pub mod failover;

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::Url;
use reqwest::header::{self, HeaderMap, HeaderValue};

pub use error::{ClientError, TransportError, TransportErrorKind};
pub use failover::{FailoverEvent, FailoverObserver, FailoverPolicy};

use failover::{DirectoryCache, EndpointSource};

use crate::error::{DecodeError, Fault};
use crate::messages::{
    CreateWalletRequest, CreateWalletResponse, DisablePaymentRecordRequest,
    DisablePaymentRecordResponse, DisableWalletRequest, DisableWalletResponse,
    DoImmediateWalletPaymentRequest, DoImmediateWalletPaymentResponse,
    DoRecurrentWalletPaymentRequest, DoRecurrentWalletPaymentResponse,
    DoScheduledWalletPaymentRequest, DoScheduledWalletPaymentResponse, DoWebPaymentRequest,
    DoWebPaymentResponse, EnableWalletRequest, EnableWalletResponse, GetBillingRecordRequest,
    GetBillingRecordResponse, GetCardsRequest, GetCardsResponse, GetPaymentRecordRequest,
    GetPaymentRecordResponse, GetWalletRequest, GetWalletResponse, GetWebPaymentDetailsRequest,
    GetWebPaymentDetailsResponse, GetWebWalletRequest, GetWebWalletResponse,
    ManageWebWalletRequest, ManageWebWalletResponse, UpdateBillingRecordRequest,
    UpdateBillingRecordResponse, UpdatePaymentRecordRequest, UpdatePaymentRecordResponse,
    UpdateWalletRequest, UpdateWalletResponse,
};
use crate::messages::{
    DoAuthorizationRequest, DoAuthorizationResponse, DoCaptureRequest, DoCaptureResponse,
    DoCreditRequest, DoCreditResponse, DoReAuthorizationRequest, DoReAuthorizationResponse,
    DoRefundRequest, DoRefundResponse, DoResetRequest, DoResetResponse, GetTokenRequest,
    GetTokenResponse, GetTransactionDetailsRequest, GetTransactionDetailsResponse, Request,
    TransactionsSearchRequest, TransactionsSearchResponse, VerifyAuthenticationRequest,
    VerifyAuthenticationResponse, VerifyEnrollmentRequest, VerifyEnrollmentResponse,
};
use crate::secret::Secret;

/// Payline's homologation (test) SOAP services; the API name is appended (Payline hosts).
pub const HOMOLOGATION_URL: &str = "https://homologation.payline.com/V4/services/";
/// Payline's production SOAP services; the API name is appended (Payline hosts).
pub const PRODUCTION_URL: &str = "https://services.payline.com/V4/services/";

/// Per-call timeout unless [`ClientConfig::with_timeout`] or [`PaylineClient::with_timeout`]
/// says otherwise. An authorization goes to the card network, which can take several seconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Connect (and TLS handshake) timeout: kept short and separate from the call timeout, because
/// a call that times out while connecting is known not to have been sent.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The largest answer read: the codec's own limit, so an answer is never cut short of what
/// it would decode.
const MAX_RESPONSE_BYTES: usize = crate::codec::MAX_MESSAGE_BYTES;

/// Where and as whom to call Payline.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    base_url: Url,
    merchant_id: String,
    access_key: Secret,
    timeout: Duration,
    connect_timeout: Duration,
    system_proxy: bool,
    endpoints: Option<EndpointSource>,
    allow_insecure_endpoints: bool,
    observer: Option<FailoverObserver>,
    failover_budget: Option<Duration>,
}

impl ClientConfig {
    /// A configuration for the services at `base_url`.
    ///
    /// `base_url` is the services base the API name is appended to, e.g. [`HOMOLOGATION_URL`];
    /// a bare origin such as `http://127.0.0.1:8081` means `<origin>/V4/services/`.
    /// It must be http or https, without credentials, query or fragment (the URL appears in
    /// transport errors, so it must hold nothing secret).
    pub fn new(
        base_url: &str,
        merchant_id: impl Into<String>,
        access_key: Secret,
    ) -> Result<Self, ClientError> {
        let merchant_id = merchant_id.into();
        if merchant_id.is_empty() || merchant_id.contains(':') || !is_header_safe(&merchant_id) {
            return Err(ClientError::Config(
                "merchant id must be printable ASCII without ':'",
            ));
        }
        if access_key.is_empty() || !is_header_safe(access_key.expose()) {
            return Err(ClientError::Config("access key must be printable ASCII"));
        }
        Ok(Self {
            base_url: services_base(base_url)?,
            merchant_id,
            access_key,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            system_proxy: true,
            endpoints: None,
            allow_insecure_endpoints: false,
            observer: None,
            failover_budget: None,
        })
    }

    /// Payline's homologation (test) platform.
    pub fn homologation(
        merchant_id: impl Into<String>,
        access_key: Secret,
    ) -> Result<Self, ClientError> {
        Self::new(HOMOLOGATION_URL, merchant_id, access_key)
    }

    /// Payline's production platform.
    pub fn production(
        merchant_id: impl Into<String>,
        access_key: Secret,
    ) -> Result<Self, ClientError> {
        Self::new(PRODUCTION_URL, merchant_id, access_key)
    }

    /// The default per-call timeout (connect, send and read the whole answer).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The connect timeout (TCP and TLS).
    #[must_use]
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Ignores the proxy settings of the environment (`HTTPS_PROXY`, `HTTP_PROXY`, …), which
    /// are honoured by default: for a gateway on loopback, or a network where the proxy must
    /// not see payment traffic.
    #[must_use]
    pub fn without_system_proxy(mut self) -> Self {
        self.system_proxy = false;
        self
    }

    /// Reads the fail-over endpoints from Payline's endpoint directory at `url` (the whole
    /// URL, merchant id included), cached for the `ttl` it gives. The fixed base URL stays in
    /// use for the operations that never fail over and whenever the directory cannot be used
    /// (see [`failover`]). `url` must be https unless
    /// [`allow_insecure_endpoints`](Self::allow_insecure_endpoints).
    pub fn with_endpoints_directory(mut self, url: &str) -> Result<Self, ClientError> {
        let url = Url::parse(url.trim())
            .map_err(|_| ClientError::Config("endpoint directory URL does not parse"))?;
        if !matches!(url.scheme(), "http" | "https")
            || !url.username().is_empty()
            || url.password().is_some()
        {
            return Err(ClientError::Config(
                "endpoint directory URL must be http(s) without credentials",
            ));
        }
        self.endpoints = Some(EndpointSource::Directory(url));
        Ok(self)
    }

    /// Payline's own endpoint directory for this merchant when the base URL is Payline's
    /// homologation or production services base ([`HOMOLOGATION_URL`], [`PRODUCTION_URL`]);
    /// unchanged otherwise.
    #[must_use]
    pub fn with_payline_endpoints_directory(self) -> Self {
        match Self::payline_directory_url(self.base_url.as_str(), &self.merchant_id) {
            Some(url) => match self.clone().with_endpoints_directory(&url) {
                Ok(config) => config,
                Err(_) => self,
            },
            None => self,
        }
    }

    /// The URL of Payline's endpoint directory for `merchant_id` when `base_url` is Payline's
    /// homologation or production services base.
    pub fn payline_directory_url(base_url: &str, merchant_id: &str) -> Option<String> {
        let base = services_base(base_url).ok()?;
        let directory = if base.as_str() == HOMOLOGATION_URL {
            failover::HOMOLOGATION_DIRECTORY_URL
        } else if base.as_str() == PRODUCTION_URL {
            failover::PRODUCTION_DIRECTORY_URL
        } else {
            return None;
        };
        Some(format!("{directory}{merchant_id}"))
    }

    /// A fixed list of fail-over endpoints, in the directory's form (`https://host`, to which
    /// `/services/<API>` is appended), instead of a directory.
    pub fn with_failover_endpoints(mut self, urls: &[&str]) -> Result<Self, ClientError> {
        let mut list = Vec::with_capacity(urls.len());
        for url in urls.iter().take(failover::MAX_ENDPOINTS) {
            list.push(
                failover::endpoint_services_url(url, self.allow_insecure_endpoints).ok_or(
                    ClientError::Config("fail-over endpoint must be an https URL"),
                )?,
            );
        }
        if list.is_empty() {
            return Err(ClientError::Config("fail-over endpoint list is empty"));
        }
        self.endpoints = Some(EndpointSource::List(Arc::new(list)));
        Ok(self)
    }

    /// Accepts `http` for the endpoint directory and the endpoints it lists: for a sandbox on
    /// loopback only (PCI DSS 4.2.1 wants strong cryptography on open networks). Call it before
    /// [`with_failover_endpoints`](Self::with_failover_endpoints).
    #[must_use]
    pub fn allow_insecure_endpoints(mut self) -> Self {
        self.allow_insecure_endpoints = true;
        self
    }

    /// Tells `observer` of every fail-over (to count them by cause, for instance).
    #[must_use]
    pub fn with_failover_observer(mut self, observer: FailoverObserver) -> Self {
        self.observer = Some(observer);
        self
    }

    /// The longest one call may take across all the endpoints it tries: a further endpoint is
    /// tried only while at least [`failover::MIN_ATTEMPT`] of it is left, with what is left as
    /// its timeout. Without it each endpoint gets the whole per-call timeout, as in Payline's
    /// PHP SDK, so a call that times out everywhere takes that many timeouts: a caller with a
    /// deadline of its own (a buyer's page waiting) sets it.
    #[must_use]
    pub fn with_failover_budget(mut self, budget: Duration) -> Self {
        self.failover_budget = Some(budget);
        self
    }

    /// True when fail-over endpoints (a directory or a list) are configured.
    pub fn has_failover(&self) -> bool {
        self.endpoints.is_some()
    }

    /// The services base URL, ending in `/`.
    pub fn base_url(&self) -> &str {
        self.base_url.as_str()
    }

    /// The merchant id.
    pub fn merchant_id(&self) -> &str {
        &self.merchant_id
    }

    /// The URL of one service, e.g. `…/V4/services/DirectPaymentAPI`.
    pub fn service_url(&self, api: &str) -> Result<Url, ClientError> {
        self.base_url
            .join(api)
            .map_err(|_| ClientError::Config("API name does not form a URL"))
    }
}

/// The raw answer to a SOAP call: its HTTP status and body.
#[derive(Clone, PartialEq, Eq)]
pub struct SoapReply {
    /// HTTP status code.
    pub status: u16,
    /// The body, UTF-8.
    pub body: String,
}

impl core::fmt::Debug for SoapReply {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // The body of a getToken or verifyEnrollment answer can hold card data.
        f.debug_struct("SoapReply")
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// A Payline SOAP client. Cheap to clone (the connection pool is shared).
#[derive(Clone)]
pub struct PaylineClient {
    http: reqwest::Client,
    config: Arc<ClientConfig>,
    authorization: HeaderValue,
    timeout: Duration,
    directory: Arc<DirectoryCache>,
}

impl core::fmt::Debug for PaylineClient {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PaylineClient")
            .field("config", &self.config)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl PaylineClient {
    /// A client for `config`.
    pub fn new(config: ClientConfig) -> Result<Self, ClientError> {
        // The one TLS setup of the workspace (crate::tls): rustls on `ring`, the platform's
        // roots, and no redirect followed (a redirected POST would be resent elsewhere or
        // turned into a GET: never wanted).
        let mut builder = crate::tls::base_builder(
            concat!("payline-protocol/", env!("CARGO_PKG_VERSION")),
            Vec::new(),
        )
        .map_err(|e| match e {
            crate::tls::ClientTlsError::Roots(_) => ClientError::Config("TLS root certificates"),
            _ => ClientError::Config("TLS protocol versions"),
        })?;
        if !config.system_proxy {
            builder = builder.no_proxy();
        }
        let http = builder
            .connect_timeout(config.connect_timeout)
            .build()
            .map_err(|_| ClientError::Config("HTTP client could not be built"))?;
        let authorization = basic_authorization(&config.merchant_id, &config.access_key)?;
        Ok(Self {
            http,
            timeout: config.timeout,
            config: Arc::new(config),
            authorization,
            directory: Arc::new(DirectoryCache::default()),
        })
    }

    /// The same client with another per-call timeout, for the calls made through it:
    /// `client.with_timeout(Duration::from_secs(5)).do_capture(&request)`.
    #[must_use]
    pub fn with_timeout(&self, timeout: Duration) -> Self {
        Self {
            timeout,
            ..self.clone()
        }
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Calls the operation of `request` and decodes its response.
    ///
    /// `Ok` whenever Payline answered with a response message, whatever its `result.code`
    /// (a refusal is an answer) and whatever the HTTP status it came with.
    pub async fn call<R: Request>(&self, request: &R) -> Result<R::Response, ClientError> {
        let envelope = crate::codec::encode_request(request).map_err(ClientError::Encode)?;
        let reply = self.post_with_failover(R::OPERATION, envelope).await?;
        read_reply::<R>(&reply)
    }

    /// Posts a SOAP envelope to `<base>/<api>` with `SOAPAction: "<soap_action>"` and returns
    /// the answer whatever its HTTP status (a SOAP Fault comes with HTTP 500).
    ///
    /// This is the transport under the typed operation methods, for operations this crate
    /// has no types for yet. It always uses the fixed base URL (no fail-over).
    pub async fn post_soap(
        &self,
        api: &str,
        soap_action: &str,
        envelope: String,
    ) -> Result<SoapReply, ClientError> {
        let url = self.config.service_url(api)?;
        self.post_to(url, soap_action, envelope, HeaderMap::new(), self.timeout)
            .await
    }

    /// Calls `operation` on the fail-over endpoints when it may fail over and some are
    /// configured (see [`failover`]), else on the fixed base URL.
    async fn post_with_failover(
        &self,
        operation: crate::Operation,
        envelope: String,
    ) -> Result<SoapReply, ClientError> {
        let api = operation.api().name();
        let action = operation.soap_action();
        let policy = failover::policy(operation);
        let endpoints = match policy {
            FailoverPolicy::Never => None,
            _ => self.endpoints().await,
        };
        let Some(endpoints) = endpoints else {
            return self.post_soap(api, action, envelope).await;
        };
        let mut failed: Option<(String, Duration, &Url)> = None;
        let deadline = self.config.failover_budget.map(|b| Instant::now() + b);
        for (index, base) in endpoints.iter().enumerate() {
            // Within the budget, a further endpoint gets what is left of it.
            let timeout = match deadline {
                Some(deadline) if index > 0 => deadline
                    .saturating_duration_since(Instant::now())
                    .min(self.timeout),
                _ => self.timeout,
            };
            let url = base
                .join(api)
                .map_err(|_| ClientError::Config("API name does not form a URL"))?;
            let mut extra = HeaderMap::new();
            if let Some((cause, duration, origin)) = &failed {
                // The PHP SDK's fail-over headers, so Payline can tell a retry from a first try.
                let values = [
                    ("x-failover-cause", cause.clone()),
                    ("x-failover-duration", duration.as_millis().to_string()),
                    ("x-failover-origin", origin.to_string()),
                    ("x-failover-index", index.to_string()),
                ];
                for (name, value) in values {
                    if let Ok(value) = HeaderValue::from_str(&value) {
                        extra.insert(name, value);
                    }
                }
            }
            let started = Instant::now();
            let result = self
                .post_to(url, action, envelope.clone(), extra, timeout)
                .await;
            // A further endpoint, and, within a budget, enough of it left to be worth a try.
            let more = index + 1 < endpoints.len()
                && deadline.is_none_or(|d| {
                    d.saturating_duration_since(Instant::now()) >= failover::MIN_ATTEMPT
                });
            match failover::trigger(policy, &result).filter(|_| more) {
                Some(cause) => {
                    let duration = started.elapsed();
                    tracing::warn!(
                        operation = operation.name(),
                        cause = %cause,
                        endpoint = %base,
                        "Payline endpoint failed, trying the next one"
                    );
                    if let Some(observer) = &self.config.observer {
                        observer.notify(&FailoverEvent {
                            operation,
                            cause: cause.clone(),
                            from: base.to_string(),
                            index: index + 1,
                            duration,
                        });
                    }
                    failed = Some((cause, duration, base));
                }
                None => return result,
            }
        }
        Err(ClientError::Config("no fail-over endpoint"))
    }

    /// The fail-over endpoints (services URLs), `None` for the fixed base URL.
    async fn endpoints(&self) -> Option<Arc<Vec<Url>>> {
        let url = match &self.config.endpoints {
            None => return None,
            Some(EndpointSource::List(urls)) => return Some(urls.clone()),
            Some(EndpointSource::Directory(url)) => url,
        };
        if let Some(urls) = self.directory.get(Instant::now()) {
            return (!urls.is_empty()).then_some(urls);
        }
        // Two calls at the expiry may both read the directory: harmless, the last one wins.
        let (urls, ttl) = match self.read_directory(url).await {
            Ok(read) => read,
            Err(reason) => {
                tracing::warn!(
                    directory = %url,
                    reason,
                    "Payline endpoint directory ignored, using the fixed endpoint"
                );
                (Vec::new(), failover::DIRECTORY_RETRY_AFTER)
            }
        };
        let urls = Arc::new(urls);
        self.directory.put(Instant::now() + ttl, urls.clone());
        (!urls.is_empty()).then_some(urls)
    }

    /// Reads the endpoint directory: a GET without credentials (the SDK sends none), its own
    /// short timeout, no redirect (the client follows none), a bounded body.
    async fn read_directory(&self, url: &Url) -> Result<(Vec<Url>, Duration), &'static str> {
        let insecure = self.config.allow_insecure_endpoints;
        if url.scheme() != "https" && !insecure {
            return Err("directory URL is not https");
        }
        let mut response = self
            .http
            .get(url.clone())
            .header(header::ACCEPT, "application/json")
            .timeout(failover::DIRECTORY_TIMEOUT)
            .send()
            .await
            .map_err(|_| "could not be read")?;
        if !response.status().is_success() {
            return Err("answered with an HTTP error or a redirect");
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|_| "could not be read")? {
            if body.len() + chunk.len() > failover::MAX_DIRECTORY_BYTES {
                return Err("answer too large");
            }
            body.extend_from_slice(&chunk);
        }
        failover::parse_directory(&body, insecure)
    }

    /// Posts an envelope to one service URL.
    async fn post_to(
        &self,
        url: Url,
        soap_action: &str,
        envelope: String,
        extra: HeaderMap,
        timeout: Duration,
    ) -> Result<SoapReply, ClientError> {
        // PHP's SoapClient quotes the action, and Payline serves the PHP SDK (Payline web services, SOAP binding).
        let action = HeaderValue::from_str(&format!("\"{soap_action}\""))
            .map_err(|_| ClientError::Config("SOAP action is not a valid header value"))?;
        let mut headers = extra;
        headers.insert(header::AUTHORIZATION, self.authorization.clone());
        headers.insert("SOAPAction", action);
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/xml; charset=utf-8"),
        );
        headers.insert(header::ACCEPT, HeaderValue::from_static("text/xml"));

        let mut response = self
            .http
            .post(url)
            .headers(headers)
            .timeout(timeout)
            .body(envelope)
            .send()
            .await
            .map_err(send_error)?;

        let status = response.status().as_u16();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(read_error)? {
            let actual = body.len() + chunk.len();
            if actual > MAX_RESPONSE_BYTES {
                let source = DecodeError::TooLarge {
                    actual,
                    limit: MAX_RESPONSE_BYTES,
                };
                return Err(ClientError::Decode { status, source });
            }
            body.extend_from_slice(&chunk);
        }
        let body = String::from_utf8(body).map_err(|e| ClientError::Decode {
            status,
            source: DecodeError::Malformed {
                position: e.utf8_error().valid_up_to() as u64,
                reason: "answer is not UTF-8",
            },
        })?;
        Ok(SoapReply { status, body })
    }
}

/// One method per operation, each a [`PaylineClient::call`] with the message types fixed.
macro_rules! operations {
    ($($(#[$doc:meta])* $method:ident($request:ty) -> $response:ty;)*) => {
        impl PaylineClient {
            $(
                $(#[$doc])*
                pub async fn $method(&self, request: &$request) -> Result<$response, ClientError> {
                    self.call(request).await
                }
            )*
        }
    };
}

operations! {
    /// `doAuthorization` (DirectPaymentAPI): authorize, or authorize and capture, a card payment.
    do_authorization(DoAuthorizationRequest) -> DoAuthorizationResponse;
    /// `doCapture` (DirectPaymentAPI): capture an authorized transaction.
    do_capture(DoCaptureRequest) -> DoCaptureResponse;
    /// `doReset` (DirectPaymentAPI): cancel an authorization or a capture not yet remitted.
    do_reset(DoResetRequest) -> DoResetResponse;
    /// `doRefund` (DirectPaymentAPI): refund a remitted capture, fully or partly.
    do_refund(DoRefundRequest) -> DoRefundResponse;
    /// `doCredit` (DirectPaymentAPI): stand-alone credit to a card.
    do_credit(DoCreditRequest) -> DoCreditResponse;
    /// `doReAuthorization` (DirectPaymentAPI): re-authorize an expired authorization.
    do_re_authorization(DoReAuthorizationRequest) -> DoReAuthorizationResponse;
    /// `verifyEnrollment` (DirectPaymentAPI): start 3-D Secure for a card.
    verify_enrollment(VerifyEnrollmentRequest) -> VerifyEnrollmentResponse;
    /// `verifyAuthentication` (DirectPaymentAPI): read the 3-D Secure authentication result.
    verify_authentication(VerifyAuthenticationRequest) -> VerifyAuthenticationResponse;
    /// `getToken` (DirectPaymentAPI): tokenize a card number server-side.
    get_token(GetTokenRequest) -> GetTokenResponse;
    /// `getTransactionDetails` (ExtendedAPI): one transaction, e.g. to reconcile an unknown outcome.
    get_transaction_details(GetTransactionDetailsRequest) -> GetTransactionDetailsResponse;
    /// `transactionsSearch` (ExtendedAPI): transactions by order reference, date range, ….
    transactions_search(TransactionsSearchRequest) -> TransactionsSearchResponse;
    /// `createWallet` (DirectPaymentAPI): store a buyer's card, checked by a 1 EUR authorization never captured.
    create_wallet(CreateWalletRequest) -> CreateWalletResponse;
    /// `updateWallet` (DirectPaymentAPI): change a wallet's buyer data or card.
    update_wallet(UpdateWalletRequest) -> UpdateWalletResponse;
    /// `getWallet` (DirectPaymentAPI): a wallet with its masked card and token.
    get_wallet(GetWalletRequest) -> GetWalletResponse;
    /// `getCards` (DirectPaymentAPI): the cards of a wallet.
    get_cards(GetCardsRequest) -> GetCardsResponse;
    /// `disableWallet` (DirectPaymentAPI): disable wallets.
    disable_wallet(DisableWalletRequest) -> DisableWalletResponse;
    /// `enableWallet` (DirectPaymentAPI): enable a disabled wallet.
    enable_wallet(EnableWalletRequest) -> EnableWalletResponse;
    /// `doImmediateWalletPayment` (DirectPaymentAPI): pay now with a wallet's card.
    do_immediate_wallet_payment(DoImmediateWalletPaymentRequest) -> DoImmediateWalletPaymentResponse;
    /// `doScheduledWalletPayment` (DirectPaymentAPI): pay once on a later date with a wallet's card.
    do_scheduled_wallet_payment(DoScheduledWalletPaymentRequest) -> DoScheduledWalletPaymentResponse;
    /// `doRecurrentWalletPayment` (DirectPaymentAPI): instalments or a subscription billed by the gateway.
    do_recurrent_wallet_payment(DoRecurrentWalletPaymentRequest) -> DoRecurrentWalletPaymentResponse;
    /// `getPaymentRecord` (DirectPaymentAPI): a schedule and its billing records.
    get_payment_record(GetPaymentRecordRequest) -> GetPaymentRecordResponse;
    /// `disablePaymentRecord` (DirectPaymentAPI): stop a schedule.
    disable_payment_record(DisablePaymentRecordRequest) -> DisablePaymentRecordResponse;
    /// `updatePaymentRecord` (DirectPaymentAPI): change the remaining due dates of a schedule.
    update_payment_record(UpdatePaymentRecordRequest) -> UpdatePaymentRecordResponse;
    /// `getBillingRecord` (DirectPaymentAPI): one due date of a schedule.
    get_billing_record(GetBillingRecordRequest) -> GetBillingRecordResponse;
    /// `updateBillingRecord` (DirectPaymentAPI): change one due date.
    update_billing_record(UpdateBillingRecordRequest) -> UpdateBillingRecordResponse;
    /// `doWebPayment` (WebPaymentAPI): open a hosted payment page session.
    do_web_payment(DoWebPaymentRequest) -> DoWebPaymentResponse;
    /// `getWebPaymentDetails` (WebPaymentAPI): the authoritative result of a hosted page session.
    get_web_payment_details(GetWebPaymentDetailsRequest) -> GetWebPaymentDetailsResponse;
    /// `manageWebWallet` (WebPaymentAPI): open a hosted page where the buyer manages a wallet.
    manage_web_wallet(ManageWebWalletRequest) -> ManageWebWalletResponse;
    /// `getWebWallet` (WebPaymentAPI): the wallet a buyer managed on a hosted page.
    get_web_wallet(GetWebWalletRequest) -> GetWebWalletResponse;
}

/// Reads a reply as the response to `R`: a response message is `Ok` whatever the HTTP status
/// (the Java SDK's fixtures show technical errors as a normal response with code `XXXXX`),
/// a Fault is [`ClientError::Fault`], and an error status without a readable message is
/// [`ClientError::Http`].
fn read_reply<R: Request>(reply: &SoapReply) -> Result<R::Response, ClientError> {
    let success = (200..300).contains(&reply.status);
    match crate::codec::decode_response::<R>(&reply.body) {
        Ok(response) => Ok(response),
        Err(DecodeError::Fault(fault)) => Err(ClientError::Fault(masked_fault(fault))),
        Err(_) if !success => Err(ClientError::Http {
            status: reply.status,
        }),
        Err(source) => Err(ClientError::Decode {
            status: reply.status,
            source: masked_decode_error(source),
        }),
    }
}

/// The codec's errors name elements found in the answer; a hostile or broken server could
/// put anything there, so digit runs are masked as in faults.
fn masked_decode_error(error: DecodeError) -> DecodeError {
    match error {
        DecodeError::UnexpectedElement { expected, found } => DecodeError::UnexpectedElement {
            expected,
            found: error::mask_card_numbers(&found),
        },
        DecodeError::UnsupportedOperation(name) => {
            DecodeError::UnsupportedOperation(error::mask_card_numbers(&name))
        }
        DecodeError::Invalid(reason) => DecodeError::Invalid(error::mask_card_numbers(&reason)),
        other => other,
    }
}

fn masked_fault(fault: Fault) -> Fault {
    Fault {
        code: error::mask_card_numbers(&fault.code),
        string: error::mask_card_numbers(&fault.string),
        actor: fault.actor.as_deref().map(error::mask_card_numbers),
        detail: fault.detail.as_deref().map(error::mask_card_numbers),
    }
}

/// `Authorization: Basic base64(merchantId:accessKey)` (Payline service authentication),
/// marked sensitive so HTTP-level debugging never prints it.
fn basic_authorization(merchant_id: &str, access_key: &Secret) -> Result<HeaderValue, ClientError> {
    let credentials = zeroize::Zeroizing::new(format!("{merchant_id}:{}", access_key.expose()));
    let encoded = zeroize::Zeroizing::new(format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(credentials.as_bytes())
    ));
    let mut value = HeaderValue::from_str(&encoded)
        .map_err(|_| ClientError::Config("credentials are not a valid header value"))?;
    value.set_sensitive(true);
    Ok(value)
}

fn is_header_safe(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_graphic())
}

/// The services base: http(s), no credentials, query or fragment, ending in `/`; a bare
/// origin gets Payline's `/V4/services/` path.
fn services_base(base_url: &str) -> Result<Url, ClientError> {
    let mut url =
        Url::parse(base_url.trim()).map_err(|_| ClientError::Config("base URL does not parse"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ClientError::Config("base URL must be http or https"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ClientError::Config("base URL must not carry credentials"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ClientError::Config(
            "base URL must not have a query or fragment",
        ));
    }
    if url.path() == "/" {
        url.set_path("/V4/services/");
    } else if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// Classifies a failure of `send()`: connecting failed (nothing sent) or anything later
/// (the request may have been written). A timeout that fires while still connecting is
/// reported by reqwest as a timeout too; it is counted as unknown, the safe side.
fn send_error(e: reqwest::Error) -> ClientError {
    if e.is_connect() {
        ClientError::NotSent(TransportError::new(TransportErrorKind::Connect, e))
    } else if e.is_builder() {
        ClientError::Config("request could not be built")
    } else {
        read_error(e)
    }
}

/// A failure after the request was (possibly) written.
fn read_error(e: reqwest::Error) -> ClientError {
    let kind = if e.is_timeout() {
        TransportErrorKind::Timeout
    } else {
        TransportErrorKind::ConnectionLost
    };
    ClientError::OutcomeUnknown(TransportError::new(kind, e))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn basic_authorization_matches_paylines_documented_example() {
        // Payline "Service Authentication Access Key" example.
        let value = basic_authorization("111111111", &Secret::new("AFju9XHplQzvamffO72L"));
        let value = value.ok().and_then(|v| v.to_str().ok().map(str::to_owned));
        assert_eq!(
            value.as_deref(),
            Some("Basic MTExMTExMTExOkFGanU5WEhwbFF6dmFtZmZPNzJM")
        );
    }

    #[test]
    fn services_base_accepts_origins_and_service_bases() {
        let cases = [
            (
                "http://127.0.0.1:8081",
                "http://127.0.0.1:8081/V4/services/",
            ),
            (
                "http://127.0.0.1:8081/",
                "http://127.0.0.1:8081/V4/services/",
            ),
            (HOMOLOGATION_URL, HOMOLOGATION_URL),
            ("https://services.payline.com/V4/services", PRODUCTION_URL),
            (
                "http://sandbox.local/services/",
                "http://sandbox.local/services/",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                services_base(input).map(|u| u.to_string()).ok().as_deref(),
                Some(want),
                "{input}"
            );
        }
    }

    #[test]
    fn services_base_rejects_urls_that_could_leak_or_mislead() {
        for bad in [
            "ftp://host/",
            "https://user:pw@host/",
            "https://host/V4/services/?x=1",
            "https://host/#f",
            "not a url",
            "",
        ] {
            assert!(
                matches!(services_base(bad), Err(ClientError::Config(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn service_url_appends_the_api_name() {
        let config = ClientConfig::homologation("1", Secret::new("k"));
        let url = config.and_then(|c| c.service_url("DirectPaymentAPI"));
        assert_eq!(
            url.map(|u| u.to_string()).ok().as_deref(),
            Some("https://homologation.payline.com/V4/services/DirectPaymentAPI")
        );
    }

    #[test]
    fn config_rejects_credentials_that_cannot_be_sent() {
        assert!(ClientConfig::new(HOMOLOGATION_URL, "12:34", Secret::new("k")).is_err());
        assert!(ClientConfig::new(HOMOLOGATION_URL, "", Secret::new("k")).is_err());
        assert!(ClientConfig::new(HOMOLOGATION_URL, "1", Secret::new("")).is_err());
        assert!(ClientConfig::new(HOMOLOGATION_URL, "1", Secret::new("k\r\nX: y")).is_err());
    }
}
