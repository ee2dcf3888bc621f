use super::*;

fn cli(args: &[&str]) -> Cli {
    let mut all = vec!["payment-server"];
    all.extend_from_slice(args);
    Cli::try_parse_from(all).expect("valid command line")
}

fn bound() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8080))
}

#[test]
fn rejects_missing_gateway_setting_without_sandbox() {
    let c = cli(&[]);
    let err = c.settings(bound(), None).expect_err("must refuse");
    assert!(matches!(err, ConfigError::MissingGatewaySetting("PAYLINE_ENDPOINT")));
    assert!(err.to_string().contains("--sandbox"));
}

#[test]
fn rejects_each_missing_gateway_setting() {
    let full = [
        ("--payline-endpoint", "https://homologation.payline.com/V4/services/"),
        ("--payline-merchant-id", "111"),
        ("--payline-access-key", "KEY"),
        ("--payline-access-key-ref", "ref"),
        ("--payline-contract", "1234567"),
        ("--payline-tokenizer-url", "https://homologation-webpayment.payline.com/webpayment/getToken"),
    ];
    for skip in 0..full.len() {
        let mut args = Vec::new();
        for (i, (flag, value)) in full.iter().enumerate() {
            if i != skip {
                args.push(*flag);
                args.push(*value);
            }
        }
        let err = cli(&args).settings(bound(), None).expect_err("must refuse");
        assert!(matches!(err, ConfigError::MissingGatewaySetting(_)), "{err}");
    }
    let mut args = Vec::new();
    for (flag, value) in full {
        args.push(flag);
        args.push(value);
    }
    let s = cli(&args).settings(bound(), None).expect("complete");
    assert_eq!(s.gateway.endpoint, "https://homologation.payline.com/V4/services/");
    assert_eq!(s.public_url, "http://127.0.0.1:8080");
}

#[test]
fn sandbox_uses_builtin_merchant_and_refuses_public_url_off_loopback() {
    let s = cli(&["--sandbox"])
        .settings(bound(), Some("http://127.0.0.1:9999"))
        .expect("sandbox settings");
    assert_eq!(s.gateway.merchant_id, sandbox_merchant::MERCHANT_ID);
    assert_eq!(s.gateway.endpoint, "http://127.0.0.1:9999/V4/services/");
    assert_eq!(s.gateway.tokenizer_url, "http://127.0.0.1:9999/webpayment/getToken");
    let err = cli(&["--sandbox", "--public-url", "https://shop.example.com"])
        .settings(bound(), Some("http://127.0.0.1:9999"))
        .expect_err("must refuse");
    assert!(matches!(err, ConfigError::SandboxPublicUrl(_)));
    cli(&["--sandbox", "--public-url", "http://localhost:3000"])
        .settings(bound(), Some("http://127.0.0.1:9999"))
        .expect("loopback name accepted");
}

#[test]
fn loopback_detection() {
    for yes in ["http://127.0.0.1:8080", "http://localhost", "https://[::1]:4/x", "http://127.9.9.9"] {
        assert!(is_loopback_url(yes), "{yes}");
    }
    for no in ["http://example.com", "https://10.0.0.1", "ftp://127.0.0.1", "http://localhost.evil.com"] {
        assert!(!is_loopback_url(no), "{no}");
    }
}

#[test]
fn own_origin_is_allowed_and_origins_validated() {
    let s = cli(&["--sandbox", "--allowed-origins", "http://shop.test:3000, https://a.example"])
        .settings(bound(), Some("http://127.0.0.1:1"))
        .expect("ok");
    assert_eq!(
        s.allowed_origins,
        vec!["http://shop.test:3000", "https://a.example", "http://127.0.0.1:8080"]
    );
    let err = cli(&["--sandbox", "--allowed-origins", "shop.test"])
        .settings(bound(), Some("http://127.0.0.1:1"))
        .expect_err("bad origin");
    assert!(matches!(err, ConfigError::InvalidUrl { .. }));
}

#[test]
fn access_key_never_in_debug() {
    let s = cli(&[
        "--payline-endpoint", "https://x.example/V4/services",
        "--payline-merchant-id", "1",
        "--payline-access-key", "TOPSECRETKEY123",
        "--payline-access-key-ref", "r",
        "--payline-contract", "c",
        "--payline-tokenizer-url", "https://x.example/getToken",
        "--admin-token", "ADMINTOKEN999",
    ])
    .settings(bound(), None)
    .expect("ok");
    let dbg = format!("{s:?}");
    assert!(!dbg.contains("TOPSECRETKEY123"));
    assert!(!dbg.contains("ADMINTOKEN999"));
}

#[test]
fn webhook_needs_both_halves() {
    let err = cli(&["--sandbox", "--shop-webhook-url", "http://127.0.0.1:1/hook"])
        .settings(bound(), Some("http://127.0.0.1:1"))
        .expect_err("half");
    assert!(matches!(err, ConfigError::WebhookHalfConfigured));
}
