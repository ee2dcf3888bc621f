//! HTTP routes, one module per resource; [`crate::app`] merges them.

pub mod assets;
pub mod customers;
pub mod demo;
pub mod hosted;
pub mod notify;
pub mod ops;
pub mod pay;
pub mod payments;
pub mod schedules;
pub mod sessions;
pub mod threeds;
