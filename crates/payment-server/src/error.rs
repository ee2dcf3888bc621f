//! The one error shape of the REST API: `{"error": {"code", "message"}}` with a stable code.
//!
//! Client mistakes pass through with their status and a fixed message; internal failures answer
//! a generic message and the cause goes to the log (never a request body, token or card data).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Crate-wide result.
pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// The request is malformed or a field is out of range (400). `code` is stable.
    #[error("{message}")]
    Invalid {
        /// Stable code, e.g. `invalid_amount`.
        code: &'static str,
        /// Human-readable text (no user data echoed).
        message: String,
    },
    /// Missing or wrong bearer token (401).
    #[error("missing or invalid credentials")]
    Unauthorized,
    /// The credentials are valid but not for this resource (403).
    #[error("{0}")]
    Forbidden(&'static str),
    /// Unknown resource (404).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The resource is not in a state that allows this operation (409).
    #[error("{message}")]
    Conflict {
        /// Stable code, e.g. `invalid_state`.
        code: &'static str,
        /// Human-readable text.
        message: String,
    },
    /// The checkout session has expired (410).
    #[error("the checkout session has expired")]
    Expired,
    /// The body is larger than allowed (413).
    #[error("request body too large")]
    TooLarge,
    /// Too many pay attempts on this session (429).
    #[error("no pay attempt left for this checkout session")]
    TooManyAttempts,
    /// The gateway refused a back-office operation (422, the Payline code in `error.code`).
    #[error("{message}")]
    GatewayRefused {
        /// Payline result code (5 characters).
        code: String,
        /// Payline long message.
        message: String,
    },
    /// The gateway failed without a usable answer, and nothing was done (502).
    #[error("payment gateway error")]
    GatewayError(String),
    /// The gateway did not answer in time or the connection dropped after sending: the outcome
    /// is unknown and the payment gets reconciled (504).
    #[error("payment gateway timeout, the outcome is being reconciled")]
    GatewayUnknown(String),
    /// Storage failure (500).
    #[error("internal error")]
    Storage(#[from] sqlx::Error),
    /// A bug (500).
    #[error("internal error")]
    Internal(String),
    /// The stored error answer of an idempotent request, replayed as it was.
    #[error("replayed answer")]
    Replayed(StatusCode, serde_json::Value),
}

impl AppError {
    /// 400 with a stable code.
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            code,
            message: message.into(),
        }
    }

    /// 409 with a stable code.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }

    /// HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Invalid { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Expired => StatusCode::GONE,
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            Self::GatewayRefused { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::GatewayError(_) => StatusCode::BAD_GATEWAY,
            Self::GatewayUnknown(_) => StatusCode::GATEWAY_TIMEOUT,
            Self::Storage(e) if storage_unavailable(e) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Storage(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Replayed(s, _) => *s,
        }
    }

    /// Stable machine-readable code.
    pub fn code(&self) -> String {
        match self {
            Self::Invalid { code, .. } | Self::Conflict { code, .. } => (*code).to_owned(),
            Self::Unauthorized => "unauthorized".into(),
            Self::Forbidden(_) => "forbidden".into(),
            Self::NotFound(_) => "not_found".into(),
            Self::Expired => "session_expired".into(),
            Self::TooLarge => "body_too_large".into(),
            Self::TooManyAttempts => "too_many_attempts".into(),
            Self::GatewayRefused { code, .. } => code.clone(),
            Self::GatewayError(_) => "gateway_error".into(),
            Self::GatewayUnknown(_) => "gateway_timeout".into(),
            Self::Storage(e) if storage_unavailable(e) => "storage_unavailable".into(),
            Self::Storage(_) | Self::Internal(_) => "internal_error".into(),
            Self::Replayed(_, b) => b["error"]["code"].as_str().unwrap_or("replayed").to_owned(),
        }
    }

    /// The JSON body.
    pub fn body(&self) -> serde_json::Value {
        if let Self::Replayed(_, b) = self {
            return b.clone();
        }
        let message = match self {
            Self::Storage(e) if storage_unavailable(e) => {
                "the payment database is unavailable; retry later".to_owned()
            }
            _ => self.to_string(),
        };
        json!({ "error": { "code": self.code(), "message": message } })
    }
}

/// True when the database could not be reached or written at all (file locked or read-only,
/// disk full, server down or restarting): a 503 the client may retry, as opposed to a bug. Every
/// write of the money paths is one transaction, so such a failure leaves nothing half-written.
pub fn storage_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_) => true,
        sqlx::Error::Database(db) => {
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            match code.parse::<i64>() {
                // SQLite result codes (the primary code is the low byte of an extended one):
                // BUSY 5, LOCKED 6, READONLY 8, IOERR 10, FULL 13, CANTOPEN 14.
                Ok(n) => matches!(n & 0xff, 5 | 6 | 8 | 10 | 13 | 14),
                // PostgreSQL SQLSTATE: class 08 connection exception, 53 insufficient
                // resources, 57P01–57P03 shutdown / cannot connect now.
                Err(_) => {
                    code.starts_with("08")
                        || code.starts_with("53")
                        || matches!(code.as_str(), "57P01" | "57P02" | "57P03")
                }
            }
        }
        _ => false,
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            // Details stay in the log; the client sees the generic text.
            Self::Storage(e) if storage_unavailable(e) => {
                tracing::warn!(error = %e, "storage unavailable")
            }
            Self::Storage(e) => tracing::error!(error = %e, "storage error"),
            Self::Internal(e) => tracing::error!(error = %e, "internal error"),
            Self::GatewayError(e) => tracing::warn!(error = %e, "gateway error"),
            Self::GatewayUnknown(e) => tracing::warn!(error = %e, "gateway outcome unknown"),
            _ => {}
        }
        let mut r = (self.status(), Json(self.body())).into_response();
        if r.status() == StatusCode::SERVICE_UNAVAILABLE {
            // RFC 9110 §10.2.3: when to try again.
            r.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("2"),
            );
        }
        r
    }
}

/// JSON body extractor whose rejections use the error shape above.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonBody<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for JsonBody<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, AppError> {
        use axum::extract::rejection::JsonRejection;
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(Self(v)),
            Err(JsonRejection::BytesRejection(b))
                if b.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                Err(AppError::TooLarge)
            }
            Err(JsonRejection::MissingJsonContentType(_)) => Err(AppError::invalid(
                "invalid_content_type",
                "expected Content-Type: application/json",
            )),
            // serde's message names the field and the expected type, never the value for the
            // types we use (strings are not echoed by serde_json's type errors).
            Err(JsonRejection::JsonDataError(e)) => {
                Err(AppError::invalid("invalid_body", e.body_text()))
            }
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(AppError::TooLarge),
            Err(_) => Err(AppError::invalid(
                "invalid_json",
                "the body is not valid JSON",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_statuses_are_stable() {
        let cases: Vec<(AppError, u16, &str)> = vec![
            (
                AppError::invalid("invalid_amount", "x"),
                400,
                "invalid_amount",
            ),
            (AppError::Unauthorized, 401, "unauthorized"),
            (AppError::NotFound("session"), 404, "not_found"),
            (
                AppError::conflict("invalid_state", "x"),
                409,
                "invalid_state",
            ),
            (AppError::Expired, 410, "session_expired"),
            (AppError::TooLarge, 413, "body_too_large"),
            (AppError::TooManyAttempts, 429, "too_many_attempts"),
            (
                AppError::GatewayRefused {
                    code: "02613".into(),
                    message: "m".into(),
                },
                422,
                "02613",
            ),
            (AppError::GatewayError("x".into()), 502, "gateway_error"),
            (AppError::GatewayUnknown("x".into()), 504, "gateway_timeout"),
            (AppError::Internal("bug".into()), 500, "internal_error"),
        ];
        for (e, status, code) in cases {
            assert_eq!(e.status().as_u16(), status);
            assert_eq!(e.body()["error"]["code"], code);
        }
    }

    #[test]
    fn internal_detail_is_not_in_the_body() {
        let e = AppError::Internal("connection string postgres://u:pw@h".into());
        assert_eq!(e.body()["error"]["message"], "internal error");
    }
}
