//! HTTP routes, one module per resource; [`crate::app`] merges them.

pub mod assets;
pub mod pay;
pub mod payments;
pub mod threeds;
pub mod notify;
pub mod ops;
pub mod sessions;
