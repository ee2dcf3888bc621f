//! SOAP endpoint.

use axum::response::Response;
use axum::http::StatusCode;
use axum::response::IntoResponse;

/// `POST /V4/services/{api}`.
pub async fn handle() -> Response {
    StatusCode::NOT_IMPLEMENTED.into_response()
}
