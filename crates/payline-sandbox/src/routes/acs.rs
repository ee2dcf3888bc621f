//! 3-D Secure ACS simulator pages.

use axum::Router;

use crate::Sandbox;

/// ACS routes.
pub fn routes() -> Router<Sandbox> {
    Router::new()
}
