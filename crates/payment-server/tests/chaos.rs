//! The fault-injection run as a test: at least 300 checkouts and back-office operations across
//! every fault kind of the proxy and SIGKILL restarts of the server, then every money
//! invariant checked against the sandbox ledger (see `payment-server-chaos --help` and the
//! README). The seed is fixed; `CHAOS_SEED=<n>` replays another one.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

use std::io::BufRead as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const DEFAULT_SEED: u64 = 20_261_204;
/// Far above the run's own bounds (traffic, then at most its settle deadline): only a hung
/// harness reaches it.
const WATCHDOG: Duration = Duration::from_secs(8 * 60);

#[test]
fn money_stays_safe_under_gateway_faults_and_server_kills() {
    let seed = std::env::var("CHAOS_SEED")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or(DEFAULT_SEED);
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_payment-server-chaos"))
        .args([
            "--seed",
            &seed.to_string(),
            "--checkouts",
            "300",
            // The settle phase ends as soon as every payment is decided: a longer deadline only
            // gives a slow or busy machine the time its reconciler needs, and costs nothing
            // otherwise.
            "--settle-secs",
            "180",
            "--server-bin",
            env!("CARGO_BIN_EXE_payment-server"),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("payment-server-chaos starts");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            // Shown by the test runner when the test fails.
            println!("{line}");
            let _ = tx.send(line);
        }
    });
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > WATCHDOG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("payment-server-chaos (seed {seed}) still running after {WATCHDOG:?}");
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    // The reader thread ends with the child's stdout.
    let lines: Vec<String> = rx.iter().collect();
    let summary: Value = lines
        .iter()
        .rev()
        .find_map(|l| {
            serde_json::from_str::<Value>(l)
                .ok()
                .filter(|v| v.get("seed").is_some())
        })
        .unwrap_or_else(|| panic!("no JSON summary (seed {seed}, exit {status})"));
    let n = |k: &str| {
        summary[k]
            .as_u64()
            .unwrap_or_else(|| panic!("summary has no {k}: {summary}"))
    };

    // The run covered what it must cover.
    assert!(n("checkouts") >= 300, "checkouts: {summary}");
    for kind in [
        "hold_answer",
        "reset_after_processing",
        "late_request",
        "unavailable_503",
        "error_500_after_processing",
    ] {
        assert!(
            summary["faults"][kind].as_u64().unwrap_or(0) > 0,
            "no {kind} fault injected (seed {seed}): {summary}"
        );
    }
    assert!(
        n("restarts") > 0,
        "the server was never killed (seed {seed}): {summary}"
    );

    // Money safety, as the gateway's ledger shows it.
    let invariants = [
        "doubles",
        "lost",
        "orphans",
        "undecided",
        "backofficeViolations",
    ]
    .map(|k| (k, n(k)));
    assert!(
        invariants.iter().all(|(_, v)| *v == 0),
        "money invariants broken with seed {seed} ({invariants:?}); the VIOLATION lines above name each session"
    );
    assert!(
        status.success(),
        "payment-server-chaos exited with {status} (seed {seed})"
    );
}
