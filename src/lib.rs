//! card-capture: card validation, formatting, tokenization and 3-D Secure for Payline checkouts,
//! in the buyer's browser.
//!
//! The card rules live in the pure `card-core` crate; this crate is the WebAssembly module.
//! `api` is the only module with `#[wasm_bindgen]` exports.

mod api;

pub use api::{
    format_expiry_js, format_number_js, set_bin_table, validate_cvv, validate_expiry,
    validate_holder, validate_number,
};
