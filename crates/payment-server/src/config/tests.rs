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
    assert!(matches!(
        err,
        ConfigError::MissingGatewaySetting("PAYLINE_ENDPOINT")
    ));
    assert!(err.to_string().contains("--sandbox"));
}

#[test]
fn rejects_each_missing_gateway_setting() {
    let full = [
        (
            "--payline-endpoint",
            "https://homologation.payline.com/V4/services/",
        ),
        ("--payline-merchant-id", "111"),
        ("--payline-access-key", "KEY"),
        ("--payline-access-key-ref", "ref"),
        ("--payline-contract", "1234567"),
        (
            "--payline-tokenizer-url",
            "https://homologation-webpayment.payline.com/webpayment/getToken",
        ),
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
        assert!(
            matches!(err, ConfigError::MissingGatewaySetting(_)),
            "{err}"
        );
    }
    let mut args = Vec::new();
    for (flag, value) in full {
        args.push(flag);
        args.push(value);
    }
    // Outside the sandbox PUBLIC_URL has no http default.
    let err = cli(&args)
        .settings(bound(), None)
        .expect_err("no PUBLIC_URL");
    assert!(matches!(err, ConfigError::PublicUrlRequired), "{err}");
    args.extend(["--public-url", "https://pay.shop.example/"]);
    let s = cli(&args).settings(bound(), None).expect("complete");
    assert_eq!(
        s.gateway.endpoint,
        "https://homologation.payline.com/V4/services/"
    );
    assert_eq!(s.public_url, "https://pay.shop.example");
    assert_eq!(
        s.gateway.timeout,
        std::time::Duration::from_millis(PAYLINE_TIMEOUT_MS_DEFAULT)
    );
}

#[test]
fn sandbox_uses_builtin_merchant_and_refuses_public_url_off_loopback() {
    let s = cli(&["--sandbox"])
        .settings(bound(), Some("http://127.0.0.1:9999"))
        .expect("sandbox settings");
    assert_eq!(s.gateway.merchant_id, sandbox_merchant::MERCHANT_ID);
    assert_eq!(s.gateway.endpoint, "http://127.0.0.1:9999/V4/services/");
    assert_eq!(
        s.gateway.tokenizer_url,
        "http://127.0.0.1:9999/webpayment/getToken"
    );
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
    for yes in [
        "http://127.0.0.1:8080",
        "http://localhost",
        "https://[::1]:4/x",
        "http://127.9.9.9",
    ] {
        assert!(is_loopback_url(yes), "{yes}");
    }
    assert!(is_loopback_url("http://LOCALHOST:8080/"));
    for no in [
        "http://example.com",
        "https://10.0.0.1",
        "ftp://127.0.0.1",
        "http://localhost.evil.com",
        // The host comes after the user information (RFC 3986 section 3.2).
        "http://127.0.0.1:80@evil.example/",
        "http://localhost@evil.example",
        "http://[::1]@evil.example",
        "http://",
    ] {
        assert!(!is_loopback_url(no), "{no}");
    }
}

#[test]
fn own_origin_is_allowed_and_origins_validated() {
    let s = cli(&[
        "--sandbox",
        "--allowed-origins",
        "http://shop.test:3000, https://a.example",
    ])
    .settings(bound(), Some("http://127.0.0.1:1"))
    .expect("ok");
    assert_eq!(
        s.allowed_origins,
        vec![
            "http://shop.test:3000",
            "https://a.example",
            "http://127.0.0.1:8080",
            // The sandbox's other loopback name, where the demo shows isolated fields.
            "http://localhost:8080"
        ]
    );
    let err = cli(&["--sandbox", "--allowed-origins", "shop.test"])
        .settings(bound(), Some("http://127.0.0.1:1"))
        .expect_err("bad origin");
    assert!(matches!(err, ConfigError::InvalidUrl { .. }));
}

#[test]
fn access_key_never_in_debug() {
    let s = cli(&[
        "--payline-endpoint",
        "https://x.example/V4/services",
        "--payline-merchant-id",
        "1",
        "--payline-access-key",
        "TOPSECRETKEY123",
        "--payline-access-key-ref",
        "r",
        "--payline-contract",
        "c",
        "--payline-tokenizer-url",
        "https://x.example/getToken",
        "--public-url",
        "https://pay.x.example",
        "--admin-token",
        "ADMINTOKEN999",
        "--metrics-token",
        "METRICSTOKEN777",
    ])
    .settings(bound(), None)
    .expect("ok");
    let dbg = format!("{s:?}");
    assert!(!dbg.contains("TOPSECRETKEY123"));
    assert!(!dbg.contains("ADMINTOKEN999"));
    assert!(!dbg.contains("METRICSTOKEN777"));
}

#[test]
fn webhook_needs_both_halves() {
    let err = cli(&["--sandbox", "--shop-webhook-url", "http://127.0.0.1:1/hook"])
        .settings(bound(), Some("http://127.0.0.1:1"))
        .expect_err("half");
    assert!(matches!(err, ConfigError::WebhookHalfConfigured));
}

/// A complete production command line with `overrides` replacing (or adding) flags.
fn production(overrides: &[(&'static str, &'static str)]) -> Cli {
    let mut flags: Vec<(&str, &str)> = vec![
        (
            "--payline-endpoint",
            "https://homologation.payline.com/V4/services/",
        ),
        ("--payline-merchant-id", "111"),
        ("--payline-access-key", "KEY"),
        ("--payline-access-key-ref", "ref"),
        ("--payline-contract", "1234567"),
        (
            "--payline-tokenizer-url",
            "https://homologation-webpayment.payline.com/webpayment/getToken",
        ),
        ("--public-url", "https://pay.shop.example"),
    ];
    for (flag, value) in overrides {
        match flags.iter_mut().find(|(f, _)| f == flag) {
            Some(slot) => slot.1 = value,
            None => flags.push((flag, value)),
        }
    }
    cli(&flags.iter().flat_map(|(f, v)| [*f, *v]).collect::<Vec<_>>())
}

#[test]
fn plain_http_is_refused_outside_the_sandbox_even_on_loopback() {
    production(&[]).settings(bound(), None).expect("all https");
    for (flag, name) in [
        ("--payline-endpoint", "PAYLINE_ENDPOINT"),
        ("--payline-tokenizer-url", "PAYLINE_TOKENIZER_URL"),
        ("--public-url", "PUBLIC_URL"),
        ("--allowed-origins", "ALLOWED_ORIGINS"),
    ] {
        for url in [
            "http://gateway.example/path?key=SECRET",
            "http://127.0.0.1:8081/path",
        ] {
            let err = production(&[(flag, url)])
                .settings(bound(), None)
                .expect_err("http refused");
            assert!(
                matches!(err, ConfigError::InsecureUrl { name: n, .. } if n == name),
                "{flag}: {err}"
            );
            let text = err.to_string();
            assert!(
                text.starts_with(name) && text.contains("PCI DSS 4.2.1"),
                "{text}"
            );
            assert!(
                !text.contains("SECRET"),
                "the path and query stay out of the message: {text}"
            );
        }
    }
    let err = production(&[
        ("--shop-webhook-url", "http://shop.example/hook"),
        ("--shop-webhook-secret", "s"),
    ])
    .settings(bound(), None)
    .expect_err("http webhook refused");
    assert!(
        matches!(
            err,
            ConfigError::InsecureUrl {
                name: "SHOP_WEBHOOK_URL",
                ..
            }
        ),
        "{err}"
    );
    production(&[
        ("--shop-webhook-url", "https://shop.example/hook"),
        ("--shop-webhook-secret", "s"),
    ])
    .settings(bound(), None)
    .expect("https webhook");
}

#[test]
fn sandbox_accepts_http_only_on_loopback() {
    let sb = Some("http://127.0.0.1:9999");
    cli(&[
        "--sandbox",
        "--shop-webhook-url",
        "http://127.0.0.1:1/hook",
        "--shop-webhook-secret",
        "s",
    ])
    .settings(bound(), sb)
    .expect("loopback http webhook in sandbox");
    let err = cli(&[
        "--sandbox",
        "--shop-webhook-url",
        "http://shop.example/hook",
        "--shop-webhook-secret",
        "s",
    ])
    .settings(bound(), sb)
    .expect_err("off-machine http webhook");
    assert!(
        matches!(
            err,
            ConfigError::InsecureUrl {
                name: "SHOP_WEBHOOK_URL",
                ..
            }
        ),
        "{err}"
    );
    cli(&[
        "--sandbox",
        "--shop-webhook-url",
        "https://shop.example/hook",
        "--shop-webhook-secret",
        "s",
    ])
    .settings(bound(), sb)
    .expect("https webhook in sandbox");
    // The sandbox itself must be on this machine.
    let err = cli(&["--sandbox"])
        .settings(bound(), Some("http://10.0.0.5:8081"))
        .expect_err("remote sandbox");
    assert!(matches!(err, ConfigError::SandboxUrl(_)), "{err}");
    let c = cli(&["--sandbox", "--sandbox-url", "http://192.0.2.1:8081/"]);
    assert!(matches!(c.sandbox_base(), Err(ConfigError::SandboxUrl(_))));
    let c = cli(&[
        "--sandbox",
        "--sandbox-url",
        "http://127.0.0.1:80@evil.example/",
    ]);
    assert!(matches!(c.sandbox_base(), Err(ConfigError::SandboxUrl(_))));
    let c = cli(&["--sandbox", "--sandbox-url", "http://127.0.0.1:8081/"]);
    assert_eq!(
        c.sandbox_base().expect("loopback").as_deref(),
        Some("http://127.0.0.1:8081")
    );
}

#[test]
fn payline_timeout_is_bounded() {
    for ok in ["1000", "10000", "12000"] {
        let s = production(&[("--payline-timeout-ms", ok)])
            .settings(bound(), None)
            .expect(ok);
        assert_eq!(s.gateway.timeout.as_millis().to_string(), ok);
    }
    for bad in ["0", "999", "12001", "20000"] {
        let err = production(&[("--payline-timeout-ms", bad)])
            .settings(bound(), None)
            .expect_err(bad);
        assert!(
            matches!(
                err,
                ConfigError::OutOfRange {
                    name: "PAYLINE_TIMEOUT_MS",
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("1000..=12000"), "{err}");
    }
}

#[test]
fn limits_are_read_and_checked() {
    let s = production(&[]).settings(bound(), None).expect("defaults");
    assert_eq!(
        s.limits.max_concurrent_requests,
        crate::config::DEFAULT_MAX_CONCURRENT_REQUESTS
    );
    assert_eq!(
        s.limits.rate_limit_per_minute,
        crate::config::DEFAULT_RATE_LIMIT_PER_MINUTE
    );
    assert_eq!(
        s.limits.notify_rate_limit_per_minute,
        crate::config::DEFAULT_NOTIFY_RATE_LIMIT_PER_MINUTE
    );
    assert_eq!(s.limits.request_timeout, crate::config::REQUEST_TIMEOUT);
    let s = production(&[
        ("--max-concurrent-requests", "8"),
        ("--rate-limit-per-minute", "0"),
        ("--notify-rate-limit-per-minute", "30"),
    ])
    .settings(bound(), None)
    .expect("set");
    assert_eq!(
        (
            s.limits.max_concurrent_requests,
            s.limits.rate_limit_per_minute,
            s.limits.notify_rate_limit_per_minute
        ),
        (8, 0, 30)
    );
    let err = production(&[("--max-concurrent-requests", "0")])
        .settings(bound(), None)
        .expect_err("zero");
    assert!(
        matches!(
            err,
            ConfigError::OutOfRange {
                name: "MAX_CONCURRENT_REQUESTS",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn endpoints_directory_follows_the_payline_platform_unless_set() {
    let gateway = |endpoint: &'static str, extra: &[&'static str]| {
        let mut args = vec![
            "--payline-endpoint",
            endpoint,
            "--payline-merchant-id",
            "111",
            "--payline-access-key",
            "KEY",
            "--payline-access-key-ref",
            "ref",
            "--payline-contract",
            "1234567",
            "--payline-tokenizer-url",
            "https://homologation-webpayment.payline.com/webpayment/getToken",
            "--public-url",
            "https://pay.shop.example",
        ];
        args.extend_from_slice(extra);
        cli(&args).settings(bound(), None)
    };
    let dir = |endpoint, extra| {
        gateway(endpoint, extra)
            .expect("settings")
            .gateway
            .endpoints_directory
    };
    assert_eq!(
        dir("https://homologation.payline.com/V4/services/", &[]).as_deref(),
        Some("https://homologation-payment.payline.com/services/servicesendpoints/SOAP/111")
    );
    assert_eq!(
        dir("https://services.payline.com/V4/services", &[]).as_deref(),
        Some("https://payment.payline.com/services/servicesendpoints/SOAP/111")
    );
    // Another gateway (a proxy in front of Payline, say): no directory unless one is named.
    assert_eq!(
        dir("https://payline-proxy.shop.example/V4/services/", &[]),
        None
    );
    assert_eq!(
        dir(
            "https://homologation.payline.com/V4/services/",
            &["--payline-endpoints-directory", "off"]
        ),
        None
    );
    assert_eq!(
        dir(
            "https://payline-proxy.shop.example/V4/services/",
            &[
                "--payline-endpoints-directory",
                "https://dir.shop.example/SOAP/111"
            ]
        )
        .as_deref(),
        Some("https://dir.shop.example/SOAP/111")
    );
    let err = gateway(
        "https://homologation.payline.com/V4/services/",
        &["--payline-endpoints-directory", "http://127.0.0.1:8081/dir"],
    )
    .expect_err("http directory");
    assert!(matches!(err, ConfigError::InsecureUrl { .. }), "{err}");
    // With the sandbox: off unless named, and a loopback http directory is accepted.
    let sandbox = |extra: &[&'static str]| {
        let mut args = vec!["--sandbox"];
        args.extend_from_slice(extra);
        cli(&args)
            .settings(bound(), Some("http://127.0.0.1:9999"))
            .map(|s| s.gateway.endpoints_directory)
    };
    assert_eq!(sandbox(&[]).expect("sandbox"), None);
    assert_eq!(
        sandbox(&[
            "--payline-endpoints-directory",
            "http://127.0.0.1:9999/services/servicesendpoints/SOAP/12345678901234"
        ])
        .expect("loopback directory")
        .as_deref(),
        Some("http://127.0.0.1:9999/services/servicesendpoints/SOAP/12345678901234")
    );
    assert!(
        sandbox(&[
            "--payline-endpoints-directory",
            "http://192.0.2.1/services/servicesendpoints/SOAP/1"
        ])
        .is_err()
    );
}
