//! The OpenAPI 3.1 description of the REST API, served at `/openapi.json`.

/// The document (kept next to the code it describes; a test checks that every route is in it).
pub const DOCUMENT: &str = include_str!("../openapi.json");
