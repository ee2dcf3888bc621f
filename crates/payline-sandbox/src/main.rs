//! `payline-sandbox [--listen ADDR] [--db PATH] [--config FILE] [--browser-module DIR] [--notification-ca FILE]`: runs the offline Payline
//! gateway. The first line on stdout is `payline-sandbox listening on http://HOST:PORT`.

use std::io::Write as _;
use std::process::ExitCode;

use payline_sandbox::{Config, DbLocation, Sandbox};

const USAGE: &str = "usage: payline-sandbox [--listen ADDR] [--db PATH|:memory:] [--config FILE] [--browser-module DIR] [--notification-ca FILE]";

struct Args {
    listen: String,
    db: DbLocation,
    config: Option<String>,
    browser_module: Option<String>,
    notification_ca: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        listen: "127.0.0.1:8081".into(),
        db: DbLocation::parse("data/payline-sandbox.sqlite"),
        config: None,
        browser_module: None,
        notification_ca: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--listen" => args.listen = value()?,
            "--db" => args.db = DbLocation::parse(&value()?),
            "--config" => args.config = Some(value()?),
            "--browser-module" => args.browser_module = Some(value()?),
            "--notification-ca" => args.notification_ca = Some(value()?),
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    Ok(args)
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

async fn run(args: Args) -> Result<(), String> {
    let config = match &args.config {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
            Config::from_toml(&text).map_err(|e| e.to_string())?
        }
        None => Config::default(),
    };
    // The hosted page's card entry module (built `pkg/` of the browser module), when given.
    let config = match args.browser_module {
        Some(dir) => Config {
            browser_module_dir: Some(dir.into()),
            ..config
        },
        None => config,
    };
    // Extra roots for https notification receivers (`notification_ca_file`), when given.
    let config = match args.notification_ca {
        Some(file) => Config {
            notification_ca_file: Some(file.into()),
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
    {
        // The first stdout line is a contract (sandbox-control contract): tests and the payment server read
        // the port from it.
        let mut out = std::io::stdout().lock();
        writeln!(out, "payline-sandbox listening on http://{addr}").map_err(|e| e.to_string())?;
        out.flush().map_err(|e| e.to_string())?;
    }
    payline_sandbox::serve(listener, sandbox, shutdown_signal())
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
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
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
