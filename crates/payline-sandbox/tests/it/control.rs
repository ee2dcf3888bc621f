//! Clock and ledger control endpoints (sandbox-control contract), authentication, and the binary's start-up line and command line.

use serde_json::Value;

use crate::common::*;

#[tokio::test]
async fn clock_requires_sandbox_credentials() {
    let s = TestSandbox::start().await;
    let none = s.http.get(s.url("/sandbox/clock")).send().await.unwrap();
    assert_eq!(none.status(), 401);
    let wrong = s
        .http
        .get(s.url("/sandbox/clock"))
        .basic_auth(MERCHANT, Some("WRONG"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let post = s
        .http
        .post(s.url("/sandbox/clock"))
        .basic_auth(MERCHANT, Some("WRONG"))
        .json(&serde_json::json!({"advance_seconds": 86400}))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 401);
    // The refused POST did not move the clock.
    let ok: Value = s
        .http
        .get(s.url("/sandbox/clock"))
        .basic_auth(MERCHANT, Some(ACCESS_KEY))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ok["offset_seconds"], 0);
}

#[tokio::test]
async fn clock_moves_forward_only() {
    let s = TestSandbox::start().await;
    let before = time::OffsetDateTime::now_utc();
    let moved = s.advance(86_400 * 3).await;
    let now = time::OffsetDateTime::parse(
        moved["now"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert!(now - before >= time::Duration::days(3));
    assert!(now - before < time::Duration::days(3) + time::Duration::minutes(1));

    for bad in [
        serde_json::json!({"advance_seconds": -1}),
        serde_json::json!({"seconds": 1}),
        serde_json::json!("x"),
    ] {
        let r = s
            .http
            .post(s.url("/sandbox/clock"))
            .basic_auth(MERCHANT, Some(ACCESS_KEY))
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{bad}");
    }
    let got: Value = s
        .http
        .get(s.url("/sandbox/clock"))
        .basic_auth(MERCHANT, Some(ACCESS_KEY))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got["offset_seconds"], 86_400 * 3);
}

#[tokio::test]
async fn clock_offset_survives_a_restart() {
    let dir = std::env::temp_dir().join(unique_ref("sandbox-db"));
    let db = payline_sandbox::DbLocation::File(dir.join("ledger.sqlite"));
    {
        let s = TestSandbox::start_with(payline_sandbox::Config::default(), db.clone()).await;
        s.advance(3600).await;
    }
    let s = TestSandbox::start_with(payline_sandbox::Config::default(), db).await;
    let got: Value = s
        .http
        .get(s.url("/sandbox/clock"))
        .basic_auth(MERCHANT, Some(ACCESS_KEY))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got["offset_seconds"], 3600);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn ledger_requires_credentials_and_an_order_ref() {
    let s = TestSandbox::start().await;
    let r = s
        .http
        .get(s.url("/sandbox/transactions?orderRef=x"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = s
        .http
        .get(s.url("/sandbox/transactions"))
        .basic_auth(MERCHANT, Some(ACCESS_KEY))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(s.ledger("nothing-here").await.is_empty());
}

#[tokio::test]
async fn binary_prints_its_address_first_and_listens() {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_payline-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--db", ":memory:"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let first = tokio::time::timeout(std::time::Duration::from_secs(20), lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let base = first
        .strip_prefix("payline-sandbox listening on http://")
        .expect(&first);
    let port: u16 = base.rsplit(':').next().unwrap().parse().unwrap();
    assert_ne!(port, 0);
    let r = client()
        .get(format!("http://{base}/sandbox/clock"))
        .basic_auth(MERCHANT, Some(ACCESS_KEY))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    child.kill().await.unwrap();
}

#[tokio::test]
async fn binary_rejects_a_bad_config_file() {
    let path = std::env::temp_dir()
        .join(unique_ref("bad-config"))
        .with_extension("toml");
    std::fs::write(&path, "merchant = 3").unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_payline-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--db", ":memory:", "--config"])
        .arg(&path)
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let _ = std::fs::remove_file(path);
}

#[tokio::test]
async fn binary_logs_never_show_card_data() {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_payline-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--db", ":memory:"])
        .env("RUST_LOG", "trace")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let first = tokio::io::BufReader::new(stdout)
        .lines()
        .next_line()
        .await
        .unwrap()
        .unwrap();
    let base = first
        .strip_prefix("payline-sandbox listening on ")
        .unwrap()
        .to_owned();
    let config = payline_protocol::client::ClientConfig::new(
        &base,
        MERCHANT,
        payline_protocol::secret::Secret::new(ACCESS_KEY),
    )
    .unwrap();
    let client = payline_protocol::client::PaylineClient::new(config).unwrap();
    let r = client
        .call(&crate::soapkit::simple_auth(&unique_ref("log"), 1000, 101))
        .await
        .unwrap();
    assert_eq!(r.result.code.as_str(), "00000");
    let bad = crate::soapkit::authorization(
        &unique_ref("log"),
        1000,
        101,
        crate::soapkit::card_by_number("4970101122334456", "CB", Some("987")),
    );
    client.call(&bad).await.unwrap();
    child.start_kill().unwrap();
    let out = child.wait_with_output().await.unwrap();
    let logs = String::from_utf8_lossy(&out.stderr);
    for secret in [
        "4970101122334455",
        "4970101122334456",
        "SANDBOXACCESSKEY0001",
    ] {
        assert!(!logs.contains(secret), "{secret} leaked into the logs");
    }
    // A 3-digit CVV could match any timestamp; what must never appear is a request body.
    assert!(
        !logs.to_ascii_lowercase().contains("cvx"),
        "a request body reached the logs"
    );
}

#[tokio::test]
async fn binary_help_names_every_flag_and_its_variable() {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_payline-sandbox"))
        .arg("--help")
        .output()
        .await
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for (flag, var) in [
        ("--listen", "PAYLINE_SANDBOX_LISTEN"),
        ("--db", "PAYLINE_SANDBOX_DB"),
        ("--config", "PAYLINE_SANDBOX_CONFIG"),
        ("--browser-module", "PAYLINE_SANDBOX_BROWSER_MODULE"),
        ("--notification-ca", "PAYLINE_SANDBOX_NOTIFICATION_CA"),
        ("--endpoints", "PAYLINE_SANDBOX_ENDPOINTS"),
    ] {
        assert!(
            help.contains(flag) && help.contains(var),
            "{flag} {var}:\n{help}"
        );
    }
    assert!(help.contains(payline_sandbox::DEFAULT_DB_PATH), "{help}");
}

#[tokio::test]
async fn binary_refuses_an_unknown_flag_with_status_2() {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_payline-sandbox"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--db",
            ":memory:",
            "--no-such-flag",
        ])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--no-such-flag"));
}

#[tokio::test]
async fn binary_reads_its_settings_from_the_environment() {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_payline-sandbox"))
        .env("PAYLINE_SANDBOX_LISTEN", "127.0.0.1:0")
        .env("PAYLINE_SANDBOX_DB", ":memory:")
        // Were the variable ignored, the default file would land here, not in the source tree.
        .current_dir(std::env::temp_dir())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let first = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        tokio::io::BufReader::new(stdout).lines().next_line(),
    )
    .await
    .unwrap()
    .unwrap()
    .unwrap();
    let port = first
        .strip_prefix("payline-sandbox listening on http://127.0.0.1:")
        .expect(&first);
    // A free port the system picked, not the default 8081: the variable was read.
    assert!(port != "0" && port != "8081", "{first}");
    child.kill().await.unwrap();
}
