//! The OpenAPI 3.1 description of the REST API, served at `/openapi.json`.

/// The document, kept by hand next to the code it describes (no OpenAPI generator is
/// available offline). `openapi_lists_every_route` in `tests/server/serving.rs` fails on any
/// drift in paths or methods between it and the routes.
pub const DOCUMENT: &str = include_str!("../openapi.json");
