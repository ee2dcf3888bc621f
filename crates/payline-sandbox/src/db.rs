//! SQLite storage: opening, schema and the sandbox clock.
//!
//! Queries are written at run time (no compile-time database). The schema lives in
//! `migrations/`, applied in order at start; `schema_migrations` records each one applied, so a
//! migration runs once per database (it may then add columns, which is not idempotent).

use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use time::OffsetDateTime;

use crate::error::SandboxError;

const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_initial",
        include_str!("../migrations/0001_initial.sql"),
    ),
    (
        "0002_state_index",
        include_str!("../migrations/0002_state_index.sql"),
    ),
    (
        "0003_wallets_schedules_notifications",
        include_str!("../migrations/0003_wallets_schedules_notifications.sql"),
    ),
    (
        "0004_web_sessions",
        include_str!("../migrations/0004_web_sessions.sql"),
    ),
    (
        "0005_deferred_capture",
        include_str!("../migrations/0005_deferred_capture.sql"),
    ),
    (
        "0006_expiry_index",
        include_str!("../migrations/0006_expiry_index.sql"),
    ),
];

/// Where the ledger lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbLocation {
    /// A private in-memory database (tests); gone when the sandbox stops.
    Memory,
    /// A SQLite file, created when missing.
    File(std::path::PathBuf),
}

/// The database file of the `payline-sandbox` binary and of the sandbox embedded in the payment
/// server: one name in the one data folder (`data/`), beside `data/payment-server.db`, so both
/// ways of running the sandbox keep the same ledger.
pub const DEFAULT_DB_PATH: &str = "data/payline-sandbox.db";

impl DbLocation {
    /// `:memory:` or a file path, as given to `--db`.
    pub fn parse(arg: &str) -> Self {
        if arg == ":memory:" {
            Self::Memory
        } else {
            Self::File(arg.into())
        }
    }
}

/// Opens the database and applies the schema.
pub(crate) async fn open(location: &DbLocation) -> Result<SqlitePool, SandboxError> {
    let pool = match location {
        DbLocation::Memory => {
            // One connection kept forever: each new in-memory connection would be a new, empty
            // database.
            let opts = SqliteConnectOptions::from_str("sqlite::memory:")?;
            SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with(opts)
                .await?
        }
        DbLocation::File(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(SandboxError::Io)?;
            }
            let opts = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(5));
            SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(opts)
                .await?
        }
    };
    migrate(&pool).await?;
    Ok(pool)
}

async fn migrate(pool: &SqlitePool) -> Result<(), SandboxError> {
    sqlx::query("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY)")
        .execute(pool)
        .await?;
    for (name, sql) in MIGRATIONS {
        // The claim is the transaction's first statement: it takes SQLite's write lock, so of
        // two processes opening one file at once only one applies the migration, and the other
        // finds it recorded.
        let mut tx = pool.begin().await?;
        let claimed = sqlx::query("INSERT OR IGNORE INTO schema_migrations (name) VALUES (?)")
            .bind(name)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        if claimed {
            sqlx::raw_sql(sql).execute(&mut *tx).await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

/// The sandbox clock: the real time plus an offset stored in the database (sandbox-control contract), so
/// that every process sharing the database sees the same time and the offset survives restarts.
#[derive(Debug, Clone)]
pub struct Clock {
    pool: SqlitePool,
}

impl Clock {
    /// A clock over this database.
    pub fn new(pool: SqlitePool) -> Self {
        Self { pool }
    }

    /// Sandbox now. The only place in the sandbox that reads the system clock; every date rule
    /// (7-day validity, 11-month re-authorization window, 24 h duplicates, midnight settlement,
    /// 15-minute virtual CVV) takes the value this returns.
    pub async fn now(&self) -> Result<OffsetDateTime, SandboxError> {
        let offset = self.offset().await?;
        let real = OffsetDateTime::now_utc();
        Ok(real + time::Duration::seconds(offset))
    }

    /// Current offset in seconds.
    pub async fn offset(&self) -> Result<i64, SandboxError> {
        let (offset,): (i64,) = sqlx::query_as("SELECT offset_seconds FROM clock WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(offset)
    }

    /// Moves the clock forward.
    pub async fn advance(&self, seconds: i64) -> Result<(), SandboxError> {
        sqlx::query("UPDATE clock SET offset_seconds = offset_seconds + ? WHERE id = 1")
            .bind(seconds)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
