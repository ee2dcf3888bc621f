//! The shop webhook over https: a shop backend behind its own CA is trusted through
//! `SHOP_WEBHOOK_CA_FILE`; without it the event is not delivered (and nothing crosses the
//! unverified connection); an unusable CA file stops the server at start.

use std::sync::{Arc, Mutex};

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::support::{self, Opts, pay, pay_body, tokenize};

/// An https receiver for `localhost` with a certificate of a fresh CA; returns the CA (PEM),
/// the URL and the request heads seen.
async fn tls_receiver() -> (String, String, Arc<Mutex<Vec<String>>>) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_pem = ca_params.self_signed(&ca_key).unwrap().pem();
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&key, &issuer)
        .unwrap();
    let tls = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![CertificateDer::from(cert.der().to_vec())],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    )
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, log) = (acceptor.clone(), log.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut buf = vec![0_u8; 64 * 1024];
                let mut len = 0;
                // Head and the JSON body (small) usually arrive together; read until the head is
                // complete, which is all this test looks at.
                while !buf[..len].windows(4).any(|w| w == b"\r\n\r\n") && len < buf.len() {
                    match tls.read(&mut buf[len..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => len += n,
                    }
                }
                log.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&buf[..len]).into_owned());
                let _ = tls
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (ca_pem, format!("https://localhost:{port}/hook"), seen)
}

/// One authorized checkout with the webhook pointed at `url`, then one background round with a
/// client trusting `roots`; returns how many events were delivered.
async fn deliver(url: &str, roots: Vec<CertificateDer<'static>>) -> u64 {
    let sb = support::start_sandbox().await;
    let webhook = payment_server::config::WebhookConfig {
        url: url.to_owned(),
        secret: payline_protocol::secret::Secret::new("whsec-test"),
        extra_roots: roots.clone(),
    };
    let s = support::start(Opts {
        gateway_base: Some(sb.url.clone()),
        sandbox_mode: true,
        webhook: Some(webhook),
        ..Opts::default()
    })
    .await;
    let cs = support::create_session(&s, json!({"amount": 1250, "currency": "EUR"})).await;
    let blob = tokenize(&cs["tokenizer"], "4970101122334455", "1230", Some("123"))
        .await
        .unwrap();
    assert_eq!(
        pay(&cs, &pay_body(&blob, "k")).await.1["status"],
        "authorized"
    );
    let http =
        payment_server::http::client_trusting(std::time::Duration::from_secs(5), &roots).unwrap();
    let delivered = payment_server::webhook::deliver_due(&s.state, &http)
        .await
        .unwrap();
    u64::try_from(delivered).unwrap()
}

fn pem_file(name: &str, pem: &str) -> std::path::PathBuf {
    let path = support::temp_path(name);
    std::fs::write(&path, pem).unwrap();
    path
}

#[tokio::test]
async fn https_webhook_is_delivered_when_its_ca_is_configured() {
    let (ca_pem, url, seen) = tls_receiver().await;
    // The same path the server takes: SHOP_WEBHOOK_CA_FILE read by the configuration.
    let file = pem_file("shop-ca.pem", &ca_pem);
    let cli = <payment_server::config::Cli as clap::Parser>::try_parse_from([
        "payment-server",
        "--sandbox",
        "--shop-webhook-url",
        &url,
        "--shop-webhook-secret",
        "whsec-test",
        "--shop-webhook-ca-file",
        file.to_str().unwrap(),
    ])
    .unwrap();
    let settings = cli
        .settings(
            "127.0.0.1:8080".parse().unwrap(),
            Some("http://127.0.0.1:9"),
        )
        .unwrap();
    let roots = settings.webhook.unwrap().extra_roots;
    assert_eq!(roots.len(), 1);
    assert_eq!(deliver(&url, roots).await, 1);
    let heads = seen.lock().unwrap().clone();
    assert_eq!(heads.len(), 1);
    assert!(
        heads[0].starts_with("POST /hook HTTP/1.1\r\n"),
        "{}",
        heads[0]
    );
    assert!(
        heads[0]
            .to_ascii_lowercase()
            .contains("x-cardcapture-signature: "),
        "{}",
        heads[0]
    );
}

#[tokio::test]
async fn https_webhook_of_an_unknown_ca_is_not_delivered() {
    let (_, url, seen) = tls_receiver().await;
    assert_eq!(deliver(&url, Vec::new()).await, 0);
    assert!(
        seen.lock().unwrap().is_empty(),
        "no request may cross an unverified connection"
    );
}

#[test]
fn unusable_ca_file_stops_the_server() {
    let parse = |file: &str| {
        <payment_server::config::Cli as clap::Parser>::try_parse_from([
            "payment-server",
            "--sandbox",
            "--shop-webhook-url",
            "https://shop.test/hook",
            "--shop-webhook-secret",
            "s",
            "--shop-webhook-ca-file",
            file,
        ])
        .unwrap()
        .settings(
            "127.0.0.1:8080".parse().unwrap(),
            Some("http://127.0.0.1:9"),
        )
        .unwrap_err()
        .to_string()
    };
    let missing = support::temp_path("no-such-ca.pem");
    assert!(parse(missing.to_str().unwrap()).starts_with("SHOP_WEBHOOK_CA_FILE "));
    let garbage = pem_file("garbage-ca.pem", "not a certificate\n");
    assert!(parse(garbage.to_str().unwrap()).ends_with("no CERTIFICATE block"));
}
