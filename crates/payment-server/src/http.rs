//! The outgoing HTTP client of the server (shop webhook): rustls on the `ring` provider given
//! explicitly (no process-wide default provider), the platform's root certificates.

use std::sync::Arc;
use std::time::Duration;

/// Builds the client. `None` only when the platform's TLS roots cannot be loaded.
pub fn client(timeout: Duration) -> Option<reqwest::Client> {
    use rustls_platform_verifier::BuilderVerifierExt as _;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .ok()?
        .with_platform_verifier()
        .ok()?
        .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("payment-server/", env!("CARGO_PKG_VERSION")))
        .build()
        .ok()
}
