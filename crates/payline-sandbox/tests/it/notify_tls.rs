//! Notifications to an `https` receiver (Payline: the notification page must be reachable over
//! HTTPS): verified against the configured `notification_ca_file`, refused with the TLS reason
//! recorded when the certificate does not verify, and a bad CA file stops the sandbox at start.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use payline_sandbox::{Config, DbLocation, Sandbox};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::common::*;
use crate::soapkit::*;

/// A CA (PEM) and a `localhost` / `127.0.0.1` server certificate it signed.
struct Pki {
    ca_pem: String,
    server_cert: CertificateDer<'static>,
    server_key: PrivateKeyDer<'static>,
}

fn pki() -> Pki {
    let ca_key = KeyPair::generate().expect("ca key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("ca params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "card-capture test receiver CA");
    let ca_cert = ca_params.self_signed(&ca_key).expect("ca cert");
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().expect("server key");
    let params = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
        .expect("server params");
    let cert = params.signed_by(&key, &issuer).expect("server cert");
    Pki {
        ca_pem: ca_cert.pem(),
        server_cert: cert.der().clone(),
        server_key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    }
}

/// An https receiver answering 200 to every request; returns its URL and the request lines seen.
async fn start_tls_receiver(pki: &Pki) -> (String, Arc<Mutex<Vec<String>>>) {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(vec![pki.server_cert.clone()], pki.server_key.clone_key())
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let log = log.clone();
            tokio::spawn(async move {
                // A handshake the client aborts (untrusted certificate) ends here.
                let Ok(mut stream) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut buf = vec![0_u8; 4096];
                let mut len = 0;
                while !buf[..len].windows(4).any(|w| w == b"\r\n\r\n") && len < buf.len() {
                    match stream.read(&mut buf[len..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => len += n,
                    }
                }
                let head = String::from_utf8_lossy(&buf[..len]).into_owned();
                log.lock()
                    .expect("lock")
                    .push(head.lines().next().unwrap_or_default().to_owned());
                let _ = stream
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (format!("https://localhost:{}/notify", addr.port()), seen)
}

fn config_notifying(url: &str, ca_file: Option<std::path::PathBuf>) -> Config {
    let mut config = Config::default();
    for m in &mut config.merchants {
        m.notification_url = Some(url.to_owned());
    }
    config.notification_ca_file = ca_file;
    config
}

async fn wait_for_attempt(s: &TestSandbox) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let resp = s
            .http
            .get(s.url("/sandbox/notifications"))
            .basic_auth(MERCHANT, Some(ACCESS_KEY))
            .send()
            .await
            .expect("list");
        let list: Vec<Value> = resp.json().await.expect("json");
        if let Some(n) = list
            .first()
            .filter(|n| n["attempts"].as_array().is_some_and(|a| !a.is_empty()))
        {
            return n.clone();
        }
        assert!(
            Instant::now() < deadline,
            "no notification attempt: {list:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn ca_file(dir: &str, pem: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!(
        "payline-sandbox-{dir}-{}-ca.pem",
        std::process::id()
    ));
    std::fs::write(&path, pem).expect("write ca");
    path
}

#[tokio::test]
async fn https_receiver_trusted_through_the_configured_ca_gets_the_notification() {
    let pki = pki();
    let (url, seen) = start_tls_receiver(&pki).await;
    let ca = ca_file("trusted", &pki.ca_pem);
    let s =
        TestSandbox::start_with(config_notifying(&url, Some(ca.clone())), DbLocation::Memory).await;

    let answer = call(&s, &simple_auth("tls-1", 1500, 101)).await;
    let id = answer.transaction.id.clone();
    let n = wait_for_attempt(&s).await;
    assert_eq!(n["notificationType"], "TRS");
    assert_eq!(n["attempts"][0]["httpStatus"], 200, "{n}");
    assert_eq!(n["status"], "DELIVERED");
    let lines = seen.lock().expect("lock").clone();
    assert_eq!(
        lines,
        vec![format!(
            "GET /notify?notificationType=TRS&transactionId={id} HTTP/1.1"
        )]
    );
    let _ = std::fs::remove_file(ca);
}

#[tokio::test]
async fn https_receiver_with_an_unknown_issuer_is_a_failed_attempt_with_the_tls_reason() {
    let pki = pki();
    let (url, seen) = start_tls_receiver(&pki).await;
    // The platform's roots only: the receiver's CA is unknown.
    let s = TestSandbox::start_with(config_notifying(&url, None), DbLocation::Memory).await;

    call(&s, &simple_auth("tls-2", 1500, 101)).await;
    let n = wait_for_attempt(&s).await;
    assert_eq!(
        n["status"], "PENDING",
        "retried later like any failure: {n}"
    );
    assert!(n["attempts"][0]["httpStatus"].is_null());
    let error = n["attempts"][0]["error"].as_str().expect("error");
    assert!(
        error.starts_with("TLS: ") && error.contains("UnknownIssuer"),
        "{error}"
    );
    assert!(
        seen.lock().expect("lock").is_empty(),
        "no request may cross an unverified connection"
    );
}

#[tokio::test]
async fn unusable_notification_ca_file_stops_the_sandbox_at_start() {
    let missing = std::env::temp_dir().join("payline-sandbox-no-such-ca.pem");
    let err = Sandbox::open(
        config_notifying("https://localhost/notify", Some(missing)),
        &DbLocation::Memory,
    )
    .await
    .expect_err("missing file");
    assert!(err.to_string().contains("notification_ca_file"), "{err}");

    let not_pem = ca_file("garbage", "this is not a certificate\n");
    let err = Sandbox::open(
        config_notifying("https://localhost/notify", Some(not_pem.clone())),
        &DbLocation::Memory,
    )
    .await
    .expect_err("no PEM block");
    assert!(err.to_string().contains("no CERTIFICATE block"), "{err}");
    let _ = std::fs::remove_file(not_pem);

    // The TOML key is accepted and parsed as a path.
    let text = "notification_ca_file = \"/etc/ssl/receiver-ca.pem\"\n[[merchant]]\nid = \"m\"\naccess_key = \"k\"\naccess_key_ref = \"r\"\n\
                [[merchant.contract]]\nnumber = \"1\"\nbrands = [\"CB\"]\n";
    let config = Config::from_toml(text).expect("toml");
    assert_eq!(
        config.notification_ca_file.as_deref(),
        Some(std::path::Path::new("/etc/ssl/receiver-ca.pem"))
    );
}
