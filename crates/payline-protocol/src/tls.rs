//! TLS for the outgoing HTTP clients of the payment server (shop webhook) and the sandbox
//! (notification receivers): one loader for PEM files of extra roots and one reqwest client
//! builder, so both trust the same roots the same way.
//!
//! The builder uses rustls on the `ring` provider given explicitly (no process-wide default
//! provider), verifies against the platform's roots plus the extra ones, and follows no
//! redirect: a webhook or a notification is one request to the URL given, never to wherever
//! that URL points.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub use rustls::pki_types::CertificateDer;

/// Why a PEM file of root certificates was refused. Its text is the reason alone: callers name
/// the file (or the setting) themselves.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PemError {
    /// The file cannot be read, or a PEM section in it is malformed.
    #[error("{0}")]
    Pem(#[from] rustls::pki_types::pem::Error),
    /// The file holds no `CERTIFICATE` block (a key or an empty file given by mistake).
    #[error("no CERTIFICATE block")]
    NoCertificate,
}

/// The certificates of a PEM file; at least one.
pub fn read_pem_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, PemError> {
    use rustls::pki_types::pem::PemObject as _;
    let certs = CertificateDer::pem_file_iter(path)?.collect::<Result<Vec<_>, _>>()?;
    if certs.is_empty() {
        return Err(PemError::NoCertificate);
    }
    Ok(certs)
}

/// Why [`client_builder`] could not set up TLS.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientTlsError {
    /// The platform's root certificates (or an extra root) cannot be loaded.
    #[error("{0}")]
    Roots(rustls::Error),
    /// The `ring` provider offers none of rustls' safe default protocol versions.
    #[error("rustls protocol versions")]
    ProtocolVersions,
}

/// A reqwest client builder for `user_agent`: TLS as described in the module documentation,
/// trusting the platform's roots plus `extra_roots`, `timeout` per request (connection,
/// sending and answer together), no redirect followed. The caller adds what is its own (such
/// as `no_proxy`) and builds it.
pub fn client_builder(
    user_agent: &'static str,
    timeout: Duration,
    extra_roots: Vec<CertificateDer<'static>>,
) -> Result<reqwest::ClientBuilder, ClientTlsError> {
    Ok(base_builder(user_agent, extra_roots)?.timeout(timeout))
}

/// [`client_builder`] without a client-wide timeout, for a caller that sets one per request
/// (the SOAP client: each call has its own, and the connection its own connect timeout).
pub fn base_builder(
    user_agent: &'static str,
    extra_roots: Vec<CertificateDer<'static>>,
) -> Result<reqwest::ClientBuilder, ClientTlsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier =
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra_roots, provider.clone())
            .map_err(ClientTlsError::Roots)?;
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|_| ClientTlsError::ProtocolVersions)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok(reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(user_agent))
}
