//! The outgoing HTTP client of the server (shop webhook): rustls on the `ring` provider given
//! explicitly (no process-wide default provider), the platform's root certificates plus the
//! configured extra roots (`SHOP_WEBHOOK_CA_FILE`).

use std::sync::Arc;
use std::time::Duration;

/// Builds the client. `None` only when the platform's TLS roots cannot be loaded.
pub fn client(timeout: Duration) -> Option<reqwest::Client> {
    client_trusting(timeout, &[])
}

/// [`client`] that also trusts `extra_roots`.
pub fn client_trusting(
    timeout: Duration,
    extra_roots: &[rustls::pki_types::CertificateDer<'static>],
) -> Option<reqwest::Client> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(
        extra_roots.to_vec(),
        provider.clone(),
    )
    .ok()?;
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .ok()?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("payment-server/", env!("CARGO_PKG_VERSION")))
        .build()
        .ok()
}
