//! The payment server under test: the real binary as a child process, killed with SIGKILL and
//! restarted on the same database and port.

use std::io::BufRead as _;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// What the first stdout line of a ready server starts with.
const READY: &str = "payment-server listening on http://";

/// How the child is started.
#[derive(Debug, Clone)]
pub struct Launch {
    /// The `payment-server` executable.
    pub bin: PathBuf,
    /// Working directory (database and log live here).
    pub dir: PathBuf,
    /// Listening port, the same across restarts (the ACS posts to the URL given at pay time).
    pub port: u16,
    /// Base URL the server reaches the gateway at (the fault proxy).
    pub gateway_url: String,
    /// Environment of the child, on top of a cleared one.
    pub env: Vec<(String, String)>,
}

/// The supervised child.
pub struct Server {
    launch: Launch,
    child: Mutex<Option<Child>>,
    /// Kills followed by a restart.
    pub restarts: AtomicU64,
    /// Times the child was found dead without having been killed.
    pub crashes: AtomicU64,
    /// Milliseconds from spawn to "listening", every start.
    pub start_ms: Mutex<Vec<u64>>,
}

impl Server {
    /// A supervisor; nothing runs until [`Server::start`].
    pub fn new(launch: Launch) -> Self {
        Self {
            launch,
            child: Mutex::new(None),
            restarts: AtomicU64::new(0),
            crashes: AtomicU64::new(0),
            start_ms: Mutex::new(Vec::new()),
        }
    }

    /// The base URL of the server.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.launch.port)
    }

    /// The server's log file (stderr of every run, appended).
    pub fn log_path(&self) -> PathBuf {
        self.launch.dir.join("server.log")
    }

    /// Starts the child and waits for its "listening" line.
    pub async fn start(&self) -> Result<(), String> {
        let l = &self.launch;
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path())
            .map_err(|e| format!("server log: {e}"))?;
        let mut cmd = Command::new(&l.bin);
        cmd.args([
            "--sandbox",
            "--sandbox-url",
            &l.gateway_url,
            "--listen",
            &format!("127.0.0.1:{}", l.port),
        ])
        .arg("--database-url")
        .arg(format!("sqlite://{}", l.dir.join("ps.db").display()))
        // Only what the run sets: a setting inherited from the caller's environment (a
        // webhook URL, another database) must not change the server under test.
        .env_clear()
        .envs(l.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .current_dir(&l.dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log));
        for k in ["PATH", "HOME", "TMPDIR"] {
            if let Ok(v) = std::env::var(k) {
                cmd.env(k, v);
            }
        }
        let spawned = std::time::Instant::now();
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", l.bin.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        // Drains stdout for the child's whole life, so that it never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if line.starts_with(READY)
                    && let Some(tx) = tx.take()
                {
                    let _ = tx.send(());
                }
            }
        });
        if let Ok(mut slot) = self.child.lock() {
            *slot = Some(child);
        }
        match tokio::time::timeout(Duration::from_secs(90), rx).await {
            Ok(Ok(())) => {
                if let Ok(mut v) = self.start_ms.lock() {
                    v.push(spawned.elapsed().as_millis() as u64);
                }
                Ok(())
            }
            Ok(Err(_)) => Err(format!(
                "payment-server exited before listening; see {}",
                self.log_path().display()
            )),
            Err(_) => Err(format!(
                "payment-server did not listen within 90 s; see {}",
                self.log_path().display()
            )),
        }
    }

    /// SIGKILL (no graceful shutdown: requests in flight die with it), then a restart on the
    /// same database and port.
    pub async fn kill_and_restart(&self, down_for: Duration) -> Result<(), String> {
        self.kill();
        tokio::time::sleep(down_for).await;
        self.restarts.fetch_add(1, Ordering::SeqCst);
        self.start().await
    }

    /// Restarts the child when it died on its own; true when it had.
    pub async fn revive_if_dead(&self) -> Result<bool, String> {
        let dead = match self.child.lock() {
            Ok(mut slot) => match slot.as_mut().map(Child::try_wait) {
                Some(Ok(Some(_))) | None => true,
                Some(Ok(None)) => false,
                Some(Err(_)) => true,
            },
            Err(_) => false,
        };
        if dead {
            self.crashes.fetch_add(1, Ordering::SeqCst);
            self.start().await?;
        }
        Ok(dead)
    }

    /// Kills the child (SIGKILL on Unix) and reaps it.
    pub fn kill(&self) {
        if let Ok(mut slot) = self.child.lock()
            && let Some(mut c) = slot.take()
        {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// The last `n` lines of the log.
    pub fn log_tail(&self, n: usize) -> String {
        let text = std::fs::read_to_string(self.log_path()).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(n)..].join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}
