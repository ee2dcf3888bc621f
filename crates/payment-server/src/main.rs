//! `payment-server`: reads the configuration, binds, serves with graceful shutdown.
//!
//! Run with `cargo run -p payment-server -- --sandbox` (offline demo) or with the `PAYLINE_*`
//! settings of a real Payline account (`--help` lists them).

use std::sync::Arc;

use clap::Parser;
use payment_server::config::Cli;
use payment_server::state::SystemClock;
use payment_server::store::Store;
use payment_server::{AppState, app};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.log_json);
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("payment-server: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn init_tracing(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    // Configuration errors come before anything is bound or started.
    let probe = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    if cli.sandbox {
        let sandbox_url = cli.sandbox_base()?;
        cli.settings(
            probe,
            Some(sandbox_url.as_deref().unwrap_or("http://127.0.0.1:0")),
        )?;
    } else {
        cli.settings(probe, None)?;
    }
    let listener = tokio::net::TcpListener::bind(cli.listen).await?;
    let bound = listener.local_addr()?;
    // Sandbox mode: the offline gateway runs in this process on a loopback port of its own.
    let sandbox = if cli.sandbox && cli.sandbox_url.is_none() {
        Some(embedded::open(bound).await?)
    } else {
        None
    };
    let sandbox_url = cli
        .sandbox_base()?
        .or_else(|| sandbox.as_ref().map(|e| format!("http://{}", e.addr)));
    let settings = cli.settings(bound, sandbox_url.as_deref())?;
    let store = Store::connect(&settings.database_url).await?;
    // With the embedded sandbox, the server follows the sandbox's clock.
    let clock: Arc<dyn payment_server::state::Clock> = match &sandbox {
        Some(e) => embedded::follow_clock(e),
        None => Arc::new(SystemClock),
    };
    let state = AppState::new(settings, store, clock);
    print_line(&format!("payment-server listening on http://{bound}"));
    if let Some(e) = sandbox {
        let addr = e.addr;
        print_line(&format!("payline-sandbox listening on http://{addr}"));
        tracing::warn!(
            "SANDBOX MODE: payments go to the offline payline-sandbox at http://{addr}, \
             not to Payline. Nothing is charged. Demo: http://{bound}/"
        );
        embedded::spawn(e);
    }
    let worker = payment_server::background::spawn(state.clone());
    // The peer address feeds the buyer's IP (client_ip: TRUSTED_PROXIES, X-Forwarded-For).
    let service = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown())
        .await?;
    worker.abort();
    Ok(())
}

/// Writes one line to stdout and flushes it (tests and `npm start` read the first lines).
fn print_line(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}

/// The payline-sandbox in this process (`--sandbox` without `--sandbox-url`), compiled in with
/// the default `sandbox` feature. A production build leaves the emulator out entirely
/// (`cargo build --release -p payment-server --no-default-features`).
#[cfg(feature = "sandbox")]
mod embedded {
    /// A bound, not yet serving, embedded sandbox.
    pub struct Embedded {
        pub addr: std::net::SocketAddr,
        listener: tokio::net::TcpListener,
        sandbox: payline_sandbox::Sandbox,
    }

    /// A clock that keeps the sandbox's offset, read again every 200 ms: after a
    /// `POST /sandbox/clock` the server's day follows within that time.
    pub fn follow_clock(e: &Embedded) -> std::sync::Arc<payment_server::state::OffsetClock> {
        let clock = std::sync::Arc::new(payment_server::state::OffsetClock::default());
        let (c, sandbox_clock) = (clock.clone(), e.sandbox.clock().clone());
        tokio::spawn(async move {
            loop {
                if let Ok(seconds) = sandbox_clock.offset().await {
                    c.set_offset_ms(seconds.saturating_mul(1000));
                }
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
        });
        clock
    }

    pub async fn open(
        server: std::net::SocketAddr,
    ) -> Result<Embedded, Box<dyn std::error::Error>> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        // A file beside ours, so that a restart can still reconcile with the sandbox's ledger.
        let db = payline_sandbox::DbLocation::File(payline_sandbox::DEFAULT_DB_PATH.into());
        let mut config = payline_sandbox::Config {
            public_url: Some(format!("http://{addr}")),
            ..Default::default()
        };
        // The gateway's notifications (transactions, web payments, wallets, schedule billings)
        // come to this server, over loopback, as Payline's do to the shop's notification URL.
        let port = server.port();
        for m in &mut config.merchants {
            m.notification_url = Some(format!("http://127.0.0.1:{port}/payline/notify"));
        }
        let sandbox = payline_sandbox::Sandbox::open(config, &db).await?;
        Ok(Embedded {
            addr,
            listener,
            sandbox,
        })
    }

    pub fn spawn(e: Embedded) {
        tokio::spawn(async move {
            if let Err(err) =
                payline_sandbox::serve(e.listener, e.sandbox, std::future::pending()).await
            {
                tracing::error!(error = %err, "embedded sandbox stopped");
            }
        });
    }
}

#[cfg(not(feature = "sandbox"))]
mod embedded {
    /// Never built: this binary has no embedded sandbox.
    pub struct Embedded {
        pub addr: std::net::SocketAddr,
    }

    pub fn follow_clock(_: &Embedded) -> std::sync::Arc<payment_server::state::OffsetClock> {
        std::sync::Arc::default()
    }

    pub async fn open(_: std::net::SocketAddr) -> Result<Embedded, Box<dyn std::error::Error>> {
        Err("this payment-server was built without the `sandbox` feature, so it has no embedded sandbox: \
             start payline-sandbox and pass --sandbox-url, or build with the default features"
            .into())
    }

    pub fn spawn(_: Embedded) {}
}
