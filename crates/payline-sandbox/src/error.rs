//! The sandbox's error type and its HTTP mapping.
//!
//! Clients get a status and a generic message; the detail goes to the log and never contains a
//! request body (which may hold a card number).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Why a sandbox request or start-up failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// The SQLite database failed (disk full, locked beyond the busy timeout, corrupt file).
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    /// A file or socket operation failed (database directory, listener).
    #[error("i/o error: {0}")]
    Io(std::io::Error),
    /// Encrypting or decrypting a stored card number failed: the database was written with
    /// another vault key or was altered.
    #[error("card vault error")]
    Vault,
    /// The configuration is unusable.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// An invariant of the sandbox itself was broken: this is a bug.
    #[error("internal error (this is a bug): {0}")]
    Bug(&'static str),
}

impl IntoResponse for SandboxError {
    fn into_response(self) -> Response {
        tracing::error!(error = %self, "request failed");
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal sandbox error\n",
        )
            .into_response()
    }
}

/// Result alias of the crate.
pub(crate) type Result<T, E = SandboxError> = std::result::Result<T, E>;
