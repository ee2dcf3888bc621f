//! The outgoing HTTP client of the server (shop webhook): the workspace's one TLS client
//! builder ([`payline_protocol::tls`]: rustls on `ring`, the platform's root certificates plus
//! the configured extra roots (`SHOP_WEBHOOK_CA_FILE`), no redirects).

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
    payline_protocol::tls::client_builder(
        concat!("payment-server/", env!("CARGO_PKG_VERSION")),
        timeout,
        extra_roots.to_vec(),
    )
    .ok()?
    .build()
    .ok()
}
