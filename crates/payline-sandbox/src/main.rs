//! `payline-sandbox [--listen ADDR] [--endpoints N] [--db PATH|:memory:] [--config FILE]
//! [--browser-module DIR] [--notification-ca FILE]`: runs the offline Payline gateway. The first
//! line on stdout is `payline-sandbox listening on http://HOST:PORT`; with `--endpoints N`, N-1
//! lines `payline-sandbox endpoint I on http://HOST:PORT` follow.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use payline_sandbox::{Config, DEFAULT_DB_PATH, DbLocation, Sandbox};

/// Command line and environment (the flag wins). `payline-sandbox --help` prints this.
///
/// The variables carry a `PAYLINE_SANDBOX_` prefix so that the payment server's own (`LISTEN`,
/// …) set in the same shell never move the sandbox.
#[derive(Debug, Parser)]
#[command(
    name = "payline-sandbox",
    version,
    about = "A stateful, offline Payline-compatible gateway for tests and demos (no money moves).",
    long_about = None
)]
struct Cli {
    /// Address to listen on (port 0: any free port). The first line on stdout is
    /// `payline-sandbox listening on http://HOST:PORT`.
    #[arg(
        long,
        value_name = "ADDR",
        env = "PAYLINE_SANDBOX_LISTEN",
        default_value = "127.0.0.1:8081"
    )]
    listen: String,

    /// Number of SOAP endpoints served at once, sharing one state: the first on `--listen`, the
    /// others on free ports of the same address. The endpoint directory
    /// (`/services/servicesendpoints/SOAP/<merchantId>`) lists them all, and `/sandbox/faults`
    /// names them by index, to rehearse a fail-over.
    #[arg(
        long,
        value_name = "N",
        env = "PAYLINE_SANDBOX_ENDPOINTS",
        default_value_t = 1,
        value_parser = clap::value_parser!(u16).range(1..=16),
    )]
    endpoints: u16,

    /// SQLite database file, created when missing (state survives restarts), or `:memory:` to
    /// keep everything in memory (tests). The default is the file the payment server's embedded
    /// sandbox uses.
    #[arg(
        long,
        value_name = "PATH|:memory:",
        env = "PAYLINE_SANDBOX_DB",
        default_value = DEFAULT_DB_PATH,
        value_parser = |arg: &str| Ok::<_, std::convert::Infallible>(DbLocation::parse(arg)),
    )]
    db: DbLocation,

    /// TOML file replacing the built-in merchant (`[[merchant]]`, `[[merchant.contract]]`); a
    /// file that does not have this shape stops the sandbox at start.
    #[arg(long, value_name = "FILE", env = "PAYLINE_SANDBOX_CONFIG")]
    config: Option<PathBuf>,

    /// Directory of the built card-capture browser module (`pkg/` after `npm run build`): the
    /// hosted payment page formats card entry with it. Overrides `browser_module_dir`.
    #[arg(long, value_name = "DIR", env = "PAYLINE_SANDBOX_BROWSER_MODULE")]
    browser_module: Option<PathBuf>,

    /// PEM file of extra roots trusted for https notification receivers, besides the
    /// platform's (a local receiver's own CA). Overrides `notification_ca_file`.
    #[arg(long, value_name = "FILE", env = "PAYLINE_SANDBOX_NOTIFICATION_CA")]
    notification_ca: Option<PathBuf>,
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}

async fn run(args: Cli) -> Result<(), String> {
    let config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Config::from_toml(&text).map_err(|e| e.to_string())?
        }
        None => Config::default(),
    };
    // The hosted page's card entry module (built `pkg/` of the browser module), when given.
    let config = match args.browser_module {
        Some(dir) => Config {
            browser_module_dir: Some(dir),
            ..config
        },
        None => config,
    };
    // Extra roots for https notification receivers (`notification_ca_file`), when given.
    let config = match args.notification_ca {
        Some(file) => Config {
            notification_ca_file: Some(file),
            ..config
        },
        None => config,
    };
    let sandbox = Sandbox::open(config, &args.db)
        .await
        .map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let mut listeners = vec![listener];
    for _ in 1..args.endpoints {
        let extra = tokio::net::TcpListener::bind((addr.ip(), 0))
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", addr.ip()))?;
        listeners.push(extra);
    }
    {
        // The first stdout line is a contract (sandbox-control contract): tests and the payment server read
        // the port from it.
        let mut out = std::io::stdout().lock();
        writeln!(out, "payline-sandbox listening on http://{addr}").map_err(|e| e.to_string())?;
        for (index, l) in listeners.iter().enumerate().skip(1) {
            let extra = l.local_addr().map_err(|e| e.to_string())?;
            writeln!(out, "payline-sandbox endpoint {index} on http://{extra}")
                .map_err(|e| e.to_string())?;
        }
        out.flush().map_err(|e| e.to_string())?;
    }
    payline_sandbox::serve_endpoints(listeners, sandbox, shutdown_signal())
        .await
        .map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    // A bad command line exits with status 2 and the usage on stderr; `--help` and
    // `--version` print to stdout and exit with 0.
    let args = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("payline-sandbox: {msg}");
            ExitCode::FAILURE
        }
    }
}
