//! Durable state on SQLite or PostgreSQL, through `sqlx::Any`.
//!
//! Why `Any` rather than two backends behind a trait: the schema uses only `TEXT` and `BIGINT`,
//! the queries use `$n` placeholders, `ON CONFLICT … DO NOTHING` and `RETURNING`, which both
//! SQLite (≥ 3.35) and PostgreSQL accept, so one SQL text serves both and the storage tests
//! exercise the very code that runs in production on either database. The price is the `Any`
//! type set (integers, text, bytes), which is all this schema needs.
//!
//! Race rules are enforced by the database, never by an in-process lock, so they hold across
//! several instances: a primary key decides who claims an idempotency key or consumes a token
//! blob, and every state transition is a compare-and-set `UPDATE … WHERE status = $old`.

use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};

/// Which database runs behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file (the default, one instance).
    Sqlite,
    /// PostgreSQL (several instances may share it).
    Postgres,
}

/// Connection pool plus the backend it talks to.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// SQLite has one writer at a time; its write transactions queue here, in the process,
    /// rather than in SQLite's busy handler, which sleeps in steps of up to 100 ms between
    /// tries (sqlite3 `sqliteDefaultBusyCallback`) and so leaves the database idle while
    /// writers wait. One instance per SQLite file (see `Backend::Sqlite`), so this lock is the
    /// only one that matters.
    writer: std::sync::Arc<tokio::sync::Mutex<()>>,
}

/// SQLite's busy timeout (`PRAGMA busy_timeout`), milliseconds; also the longest wait for the
/// in-process writer turn.
const SQLITE_BUSY_TIMEOUT_MS: u64 = 10_000;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl Store {
    /// Waits for this process's turn to write (SQLite only; `None` on PostgreSQL, whose row
    /// locks let writers work side by side). Waiting longer than SQLite's own busy timeout is
    /// the same failure a locked database gives, a 503 (`storage_unavailable`), so a writer
    /// that never finishes cannot hold the others forever.
    pub async fn writer_turn(
        &self,
    ) -> Result<Option<tokio::sync::OwnedMutexGuard<()>>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => tokio::time::timeout(
                std::time::Duration::from_millis(SQLITE_BUSY_TIMEOUT_MS),
                self.writer.clone().lock_owned(),
            )
            .await
            .map(Some)
            .map_err(|_| sqlx::Error::PoolTimedOut),
            Backend::Postgres => Ok(None),
        }
    }

    /// Connects (creating a SQLite file and its directory when needed) and runs the
    /// migrations. Several instances may start at once on PostgreSQL: the migrator takes an
    /// advisory lock.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(sqlx::Error::Configuration(
                "DATABASE_URL must start with sqlite: or postgres://".into(),
            ));
        };
        let mut url = url.to_owned();
        if backend == Backend::Sqlite {
            let path = url
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:");
            let path = path.split('?').next().unwrap_or_default().to_owned();
            if path != ":memory:" {
                if let Some(dir) = std::path::Path::new(&path).parent()
                    && !dir.as_os_str().is_empty()
                {
                    std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
                }
                if !url.contains('?') {
                    url.push_str("?mode=rwc");
                }
            }
        }
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            // A database that is down must give a quick 503, not hold the request until the
            // router's timeout: a connection that cannot be had in 5 s will not come sooner.
            .acquire_timeout(std::time::Duration::from_secs(5))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the writer; the busy timeout makes a
                        // second writer wait instead of failing with SQLITE_BUSY.
                        sqlx::query("PRAGMA journal_mode = WAL")
                            .execute(&mut *conn)
                            .await?;
                        sqlx::query("PRAGMA busy_timeout = 10000")
                            .execute(&mut *conn)
                            .await?;
                        sqlx::query("PRAGMA synchronous = NORMAL")
                            .execute(&mut *conn)
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(Self {
            pool,
            backend,
            writer: std::sync::Arc::new(tokio::sync::Mutex::new(())),
        })
    }

    /// The pool, for the feature modules' queries.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A cheap round trip, for `/healthz`.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }
}

/// Reads a nullable text column.
pub(crate) fn opt_text(row: &AnyRow, col: &str) -> Result<Option<String>, sqlx::Error> {
    row.try_get::<Option<String>, _>(col)
}

/// Reads a text column.
pub(crate) fn text(row: &AnyRow, col: &str) -> Result<String, sqlx::Error> {
    row.try_get::<String, _>(col)
}

/// Reads a bigint column.
pub(crate) fn int(row: &AnyRow, col: &str) -> Result<i64, sqlx::Error> {
    row.try_get::<i64, _>(col)
}

/// Reads a nullable bigint column.
pub(crate) fn opt_int(row: &AnyRow, col: &str) -> Result<Option<i64>, sqlx::Error> {
    row.try_get::<Option<i64>, _>(col)
}
