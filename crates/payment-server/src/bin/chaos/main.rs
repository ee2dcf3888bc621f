//! `payment-server-chaos`: a fault-injection run that checks money safety against the gateway's
//! own ledger.
//!
//! ```text
//!  buyers + shop backend ──HTTP──▶ payment-server (child process, SIGKILLed and restarted)
//!        │                               │ SOAP
//!        │ tokenizer, ACS                ▼
//!        └──────────────────────▶ fault proxy (seeded) ──▶ payline-sandbox (in this process)
//! ```
//!
//! The run: a sandbox and a fault proxy start in this process, the real `payment-server` binary
//! runs as a child that is killed with SIGKILL at seeded random moments and restarted on the
//! same database and port, simulated buyers pay (not enrolled, frictionless, 3DS Method,
//! challenge and refused cards) and the shop backend captures, refunds and cancels. Then the
//! faults stop, the server gets time to reconcile, and every checkout is checked against the
//! sandbox ledger: at most one live authorization, none the server does not own, every
//! authorization the server reports present at the gateway, nothing left undecided, and back
//! office amounts that agree. Exit status 1 when an invariant fails.
//!
//! The seed fixes each buyer's choices, the fault sequence and the kill schedule; the
//! interleaving of concurrent requests still depends on timing, so a replay reproduces the same
//! mix of events rather than the same run byte for byte.
//!
//! `cargo run --release -p payment-server --bin payment-server-chaos -- --checkouts 1000`

// A command-line report: stdout is its interface.
#![allow(clippy::print_stdout)]

mod backoffice;
mod buyer;
mod check;
mod proxy;
mod server;
mod web;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use crate::buyer::{Checkout, Outcome};
use crate::check::Kind;

/// Shop backend token given to the server under test.
pub const ADMIN_TOKEN: &str = "chaos-admin-token-0123456789";
/// The sandbox's built-in merchant (its ledger view takes HTTP Basic).
pub const SANDBOX_MERCHANT: &str = payment_server::config::sandbox_merchant::MERCHANT_ID;
/// Its access key.
pub const SANDBOX_KEY: &str = payment_server::config::sandbox_merchant::ACCESS_KEY;

/// Command line.
#[derive(Debug, Parser)]
#[command(
    name = "payment-server-chaos",
    about = "Fault injection against payment-server, checked against the gateway ledger."
)]
struct Args {
    /// Seed of every random choice (default: from the clock; printed first either way).
    #[arg(long)]
    seed: Option<u64>,
    /// Checkouts to run.
    #[arg(long, default_value_t = 300)]
    checkouts: usize,
    /// Soak mode: start checkouts for this many seconds instead of a fixed number (use with
    /// `--fault-rate 0 --no-kill` to measure the server under steady load).
    #[arg(long)]
    seconds: Option<u64>,
    /// Buyers in flight at once.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Share of SOAP calls that get a fault.
    #[arg(long, default_value_t = 0.12)]
    fault_rate: f64,
    /// Shortest time between two SIGKILLs, milliseconds.
    #[arg(long, default_value_t = 2_500)]
    kill_min_ms: u64,
    /// Longest time between two SIGKILLs, milliseconds.
    #[arg(long, default_value_t = 7_000)]
    kill_max_ms: u64,
    /// Never kill the server.
    #[arg(long)]
    no_kill: bool,
    /// The server's PAYLINE_TIMEOUT_MS.
    #[arg(long, default_value_t = 1_500)]
    payline_timeout_ms: u64,
    /// The server's PAYLINE_NOT_FOUND_GRACE_MS; late requests land on both sides of it.
    #[arg(long, default_value_t = 3_000)]
    grace_ms: u64,
    /// The server's RECONCILE_INTERVAL_MS.
    #[arg(long, default_value_t = 200)]
    reconcile_interval_ms: u64,
    /// The server's THREE_DS_TIMEOUT_SECS.
    #[arg(long, default_value_t = 20)]
    three_ds_timeout_secs: u64,
    /// The server's LEASE_MS (idempotency keys and reconciler claims of a killed instance).
    #[arg(long, default_value_t = 5_000)]
    lease_ms: u64,
    /// How long the server gets, once faults stop, to decide everything and clean up.
    #[arg(long, default_value_t = 90)]
    settle_secs: u64,
    /// Share of authorized payments that get back-office operations.
    #[arg(long, default_value_t = 0.5)]
    backoffice_share: f64,
    /// The payment-server executable (default: `payment-server` beside this one).
    #[arg(long)]
    server_bin: Option<PathBuf>,
    /// The server's port (default: a free one, kept across restarts).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Keep the working directory (databases, server log) even when every invariant holds.
    #[arg(long)]
    keep: bool,
}

/// What every simulated party shares.
#[derive(Debug)]
pub struct Ctx {
    /// Client of buyers and shop backend.
    pub http: reqwest::Client,
    /// The payment server's base URL.
    pub server: String,
    /// The sandbox's own base URL (tokenizer, ACS, ledger).
    pub sandbox: String,
    anomalies: Mutex<Vec<String>>,
}

impl Ctx {
    /// An answer the protocol does not foresee (not a money invariant, but worth reading).
    pub fn anomaly(&self, what: String) {
        if let Ok(mut a) = self.anomalies.lock() {
            a.push(what);
        }
    }
}

/// Independent random streams from one seed (SplitMix64), so that a buyer's choices do not
/// depend on how many draws other buyers made before it.
fn stream(seed: u64, n: u64) -> StdRng {
    let mut z = seed ^ n.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    StdRng::seed_from_u64(z ^ (z >> 31))
}

const PROXY_STREAM: u64 = u64::MAX;
const KILL_STREAM: u64 = u64::MAX - 1;
const BACKOFFICE_STREAM: u64 = 1 << 40;

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("payment-server-chaos: {e}");
            ExitCode::from(2)
        }
    }
}

async fn run(args: Args) -> Result<bool, Box<dyn std::error::Error>> {
    let started = Instant::now();
    let seed = args.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1)
    });
    println!("chaos: seed {seed} (replay with --seed {seed})");
    let dir = std::env::temp_dir().join(format!(
        "payment-server-chaos-{}-{seed}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir)?;

    // The gateway, with its real URL as public URL so that the ACS pages post where they should.
    let sl = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let sandbox_url = format!("http://{}", sl.local_addr()?);
    let config = payline_sandbox::Config {
        public_url: Some(sandbox_url.clone()),
        ..Default::default()
    };
    let sb = payline_sandbox::Sandbox::open(
        config,
        &payline_sandbox::DbLocation::File(dir.join("sandbox.db")),
    )
    .await?;
    tokio::spawn(async move {
        let _ = payline_sandbox::serve(sl, sb, std::future::pending()).await;
    });

    let timeout = Duration::from_millis(args.payline_timeout_ms);
    let grace = Duration::from_millis(args.grace_ms);
    let proxy = proxy::Proxy::start(
        &sandbox_url,
        stream(seed, PROXY_STREAM).random(),
        proxy::Settings {
            rate: args.fault_rate,
            caller_timeout: timeout,
            grace,
        },
    )
    .await?;

    let port = match args.port {
        0 => std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port(),
        p => p,
    };
    let bin = match &args.server_bin {
        Some(b) => b.clone(),
        None => std::env::current_exe()?
            .with_file_name(format!("payment-server{}", std::env::consts::EXE_SUFFIX)),
    };
    let env = [
        ("ADMIN_TOKEN", ADMIN_TOKEN.to_owned()),
        ("ALLOWED_ORIGINS", buyer::CHECKOUT_ORIGIN.to_owned()),
        ("PAYLINE_TIMEOUT_MS", args.payline_timeout_ms.to_string()),
        ("PAYLINE_NOT_FOUND_GRACE_MS", args.grace_ms.to_string()),
        (
            "RECONCILE_INTERVAL_MS",
            args.reconcile_interval_ms.to_string(),
        ),
        (
            "THREE_DS_TIMEOUT_SECS",
            args.three_ds_timeout_secs.to_string(),
        ),
        // A killed holder's idempotency key and claimed rows come free within the settle time.
        ("LEASE_MS", args.lease_ms.to_string()),
        // Every simulated buyer comes from 127.0.0.1: a per-client limit would turn the run
        // into a test of the rate limiter.
        ("RATE_LIMIT_PER_MINUTE", "0".to_owned()),
        ("RUST_LOG", "info".to_owned()),
    ];
    let server = Arc::new(server::Server::new(server::Launch {
        bin,
        dir: dir.clone(),
        port,
        gateway_url: proxy.url.clone(),
        env: env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    }));
    if let Err(e) = server.start().await {
        return Err(format!("{e}\n{}", server.log_tail(20)).into());
    }
    println!(
        "chaos: {} checkouts, {} buyers at once, faults on {:.0}% of SOAP calls, server on {} (work dir {})",
        args.checkouts,
        args.concurrency,
        args.fault_rate * 100.0,
        server.url(),
        dir.display()
    );

    // A client timeout well above what one pay may take on the server (a few gateway calls,
    // each up to the Payline timeout), so that the client does not give up on a healthy call.
    let client_timeout = timeout * 4 + Duration::from_secs(4);
    let ctx = Arc::new(Ctx {
        http: payment_server::http::client(client_timeout).ok_or("no HTTP client")?,
        server: server.url(),
        sandbox: sandbox_url.clone(),
        anomalies: Mutex::new(Vec::new()),
    });

    // SIGKILL at seeded random moments, whatever is in flight.
    let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
    let killer = {
        let server = server.clone();
        let (min, max, no_kill) = (
            args.kill_min_ms,
            args.kill_max_ms.max(args.kill_min_ms),
            args.no_kill,
        );
        tokio::spawn(async move {
            let mut rng = stream(seed, KILL_STREAM);
            loop {
                let wait = if no_kill {
                    1_000
                } else {
                    rng.random_range(min..=max)
                };
                let down = Duration::from_millis(rng.random_range(0..300));
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_millis(wait)) => {}
                    _ = stop_rx.changed() => return Ok::<(), String>(()),
                }
                let with_log = |e: String| format!("{e}\n{}", server.log_tail(20));
                if server.revive_if_dead().await.map_err(with_log)? || no_kill {
                    continue;
                }
                server.kill_and_restart(down).await.map_err(with_log)?;
            }
        })
    };

    // Buyers, then the shop backend on a share of their authorized payments.
    let done = Arc::new(AtomicUsize::new(0));
    let sem = Arc::new(tokio::sync::Semaphore::new(args.concurrency.max(1)));
    let mut set = tokio::task::JoinSet::new();
    // Whole checkout durations (session, card, pay, 3-D Secure, final answer), milliseconds.
    let latencies: Arc<Mutex<Vec<f64>>> = Arc::default();
    let until = args
        .seconds
        .map(|s| Instant::now() + Duration::from_secs(s));
    let total = if until.is_some() {
        usize::MAX
    } else {
        args.checkouts
    };
    let mut i = 0;
    while i < total && until.is_none_or(|u| Instant::now() < u) {
        // The permit is taken before the task exists, so a timed run never queues more
        // buyers than it lets in.
        let permit = sem.clone().acquire_owned().await?;
        let (ctx, done, latencies) = (ctx.clone(), done.clone(), latencies.clone());
        let share = args.backoffice_share;
        set.spawn(async move {
            let _permit = permit;
            let mut rng = stream(seed, i as u64);
            let t0 = Instant::now();
            let mut rec = buyer::checkout(&ctx, i, &mut rng).await;
            if let Ok(mut l) = latencies.lock() {
                l.push(t0.elapsed().as_secs_f64() * 1000.0);
            }
            if let (Outcome::Authorized { payment_id }, Some(s)) = (&rec.outcome, &rec.session) {
                let mut bo = stream(seed, BACKOFFICE_STREAM + i as u64);
                if bo.random_bool(share.clamp(0.0, 1.0)) {
                    rec.ops = backoffice::run(&ctx, &mut bo, i, payment_id, s.amount).await;
                }
            }
            done.fetch_add(1, Ordering::SeqCst);
            rec
        });
        i += 1;
    }
    let progress = {
        let (done, server, n) = (done.clone(), server.clone(), args.checkouts);
        let proxy = proxy.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(15)).await;
                let faults: u64 = proxy.stats().faults.values().flat_map(|m| m.values()).sum();
                println!(
                    "chaos: {}/{n} checkouts, {faults} faults, {} restarts",
                    done.load(Ordering::SeqCst),
                    server.restarts.load(Ordering::SeqCst)
                );
            }
        })
    };
    let mut checkouts: Vec<Checkout> = Vec::with_capacity(args.checkouts);
    while let Some(r) = set.join_next().await {
        checkouts.push(r?);
    }
    checkouts.sort_by_key(|c| c.index);
    progress.abort();
    let traffic_secs = started.elapsed().as_secs_f64();

    // Calm: no more kills, no more faults (requests already held still land, late).
    let _ = stop_tx.send(true);
    killer.await??;
    server.revive_if_dead().await?;
    proxy.set_enabled(false);
    println!("chaos: traffic done in {traffic_secs:.1} s; faults off, letting the server settle");

    let settle_from = Instant::now();
    let deadline = settle_from + Duration::from_secs(args.settle_secs);
    while proxy.in_flight() > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    loop {
        let pending = match check::server_view(&ctx, &checkouts).await {
            Some(v) => check::undecided(&v, &checkouts).len(),
            None => usize::MAX,
        };
        if pending == 0 || Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    // Decided is not yet clean: an authorization that landed after the server gave up on it is
    // found and cancelled by the server's own rounds. Give it the grace and a few rounds before
    // the first look, then look again until the deadline.
    let quiet =
        grace + Duration::from_millis(args.reconcile_interval_ms * 5) + Duration::from_secs(1);
    tokio::time::sleep(quiet.min(deadline.saturating_duration_since(Instant::now()))).await;
    let mut check_secs;
    let (violations, figures) = loop {
        let t = Instant::now();
        let view = check::server_view(&ctx, &checkouts)
            .await
            .ok_or("the server does not answer after the run")?;
        let (violations, figures) = check::check(&ctx, &view, &checkouts).await?;
        check_secs = t.elapsed().as_secs_f64();
        if violations.is_empty() || Instant::now() >= deadline {
            break (violations, figures);
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    };
    let settle_secs = settle_from.elapsed().as_secs_f64();

    let stats = proxy.stats();
    let count = |k: Kind| violations.iter().filter(|v| v.kind == k).count();
    let (doubles, lost, orphans, undecided, bo) = (
        count(Kind::Double),
        count(Kind::Lost),
        count(Kind::Orphan),
        count(Kind::Undecided),
        count(Kind::BackOffice),
    );
    let created = checkouts.iter().filter(|c| c.session.is_some()).count();
    let ops: usize = checkouts.iter().map(|c| c.ops.len()).sum();
    let ok = violations.is_empty();
    let anomalies = ctx.anomalies.lock().map(|a| a.clone()).unwrap_or_default();
    let duration = started.elapsed().as_secs_f64();

    // Human summary.
    println!();
    println!(
        "chaos: seed {seed}: {created} checkouts in {duration:.1} s ({traffic_secs:.1} s of traffic)"
    );
    println!(
        "  sessions: {} authorized, {} refused or expired, {} open; buyers: {} walked away at a challenge, {} gave up",
        figures.authorized,
        figures.refused,
        figures.open,
        checkouts
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::WalkedAway))
            .count(),
        checkouts
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::GaveUp))
            .count(),
    );
    println!("  SOAP calls: {}", fmt_map(&stats.calls));
    for k in proxy::KINDS {
        let by_op = stats.faults.get(&k).cloned().unwrap_or_default();
        println!(
            "  fault {:<27} {:>4}  ({})",
            k.name(),
            stats.total(k),
            fmt_map(&by_op)
        );
    }
    println!(
        "  late requests: {} within the grace, {} after it",
        stats.late_within_grace, stats.late_after_grace
    );
    let starts = server
        .start_ms
        .lock()
        .map(|v| v.clone())
        .unwrap_or_default();
    let mean_start = starts.iter().sum::<u64>() / (starts.len().max(1) as u64);
    println!(
        "  server: {} SIGKILL restarts, {} deaths of its own; start to listening {mean_start} ms on average, {} ms at most",
        server.restarts.load(Ordering::SeqCst),
        server.crashes.load(Ordering::SeqCst),
        starts.iter().max().copied().unwrap_or(0)
    );
    println!("  settle: {settle_secs:.1} s after the traffic, last ledger check {check_secs:.1} s");
    let mut answers: BTreeMap<String, u64> = BTreeMap::new();
    for o in checkouts.iter().flat_map(|c| &c.ops) {
        let k = format!(
            "{} {}",
            o.kind,
            o.status.map_or("no answer".to_owned(), |s| s.to_string())
        );
        *answers.entry(k).or_default() += 1;
    }
    println!("  back office: {ops} requests ({})", fmt_map(&answers));
    let mut lat = latencies.lock().map(|l| l.clone()).unwrap_or_default();
    lat.sort_by(f64::total_cmp);
    let pct = |q: f64| {
        lat.get(((lat.len() as f64 - 1.0) * q).round().max(0.0) as usize)
            .copied()
            .unwrap_or(0.0)
    };
    let (p50, p99) = (pct(0.50), pct(0.99));
    let per_sec = created as f64 / traffic_secs.max(0.001);
    println!(
        "  checkout duration (buyer's view, all steps): p50 {p50:.0} ms, p99 {p99:.0} ms; {per_sec:.1} checkouts/s"
    );
    println!(
        "  invariants: doubles {doubles}, lost {lost}, orphans {orphans}, undecided {undecided}, back office {bo}"
    );
    for v in &violations {
        println!(
            "  VIOLATION {:<11} session {} order {}: {}",
            v.kind.name(),
            v.session,
            v.order_ref,
            v.detail
        );
    }
    if !anomalies.is_empty() {
        println!(
            "  {} unexpected answers (not invariants), first ones:",
            anomalies.len()
        );
        for a in anomalies.iter().take(10) {
            println!("    {a}");
        }
    }
    if ok && !args.keep {
        server.kill();
        let _ = std::fs::remove_dir_all(&dir);
    } else {
        println!(
            "  work dir kept: {} (server log: {})",
            dir.display(),
            server.log_path().display()
        );
    }
    println!(
        "  {}",
        if ok {
            "every invariant holds"
        } else {
            "INVARIANTS FAILED"
        }
    );

    let faults: BTreeMap<&str, u64> = proxy::KINDS
        .iter()
        .map(|k| (k.name(), stats.total(*k)))
        .collect();
    let by_op: BTreeMap<&str, Value> = stats
        .faults
        .iter()
        .map(|(k, m)| (k.name(), json!(m)))
        .collect();
    let line = json!({
        "seed": seed,
        "checkouts": created,
        "authorized": figures.authorized,
        "refused": figures.refused,
        "faults": faults,
        "faultsByOperation": by_op,
        "lateWithinGrace": stats.late_within_grace,
        "lateAfterGrace": stats.late_after_grace,
        "soapCalls": stats.calls,
        "restarts": server.restarts.load(Ordering::SeqCst),
        "meanStartMs": mean_start,
        "crashes": server.crashes.load(Ordering::SeqCst),
        "backofficeOps": ops,
        "doubles": doubles,
        "lost": lost,
        "orphans": orphans,
        "undecided": undecided,
        "backofficeViolations": bo,
        "anomalies": anomalies.len(),
        "checkoutP50Ms": p50.round(),
        "checkoutP99Ms": p99.round(),
        "checkoutsPerSec": (per_sec * 10.0).round() / 10.0,
        "durationSecs": (duration * 10.0).round() / 10.0,
        "ok": ok,
    });
    println!("{line}");
    Ok(ok)
}

fn fmt_map(m: &BTreeMap<String, u64>) -> String {
    m.iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}
