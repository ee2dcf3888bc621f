//! card-capture: card validation, formatting, tokenization and 3-D Secure for Payline checkouts,
//! in the buyer's browser.
//!
//! ```text
//!  api.rs ─── the only #[wasm_bindgen] file: validators, mount(), resume(), CheckoutHandle
//!    │
//!  controller.rs ── a mounted form: DOM events → form → render → handle.on(...) events;
//!    │              submit() validates and reads the card, then hands over to flow::run
//!  flow.rs ──────── tokenize → pay → 3-D Secure → result (never rejects); resume()
//!    │
//!  leaves (each knows none of the modules above):
//!    options.rs (mount options, session)   events.rs (callbacks)   table.rs (BIN table)
//!    js.rs (objects, strings, the promise helper)   transport.rs (fetch)
//!    dom/ (RAII listeners, inputs, brand choice, iframes)
//!    form.rs  i18n.rs  browser.rs           ── pure, tested on the host ──
//!    │
//!  card-core (card rules, formatting)
//! ```
//!
//! Dependencies only point down this map: `api` uses `controller`, `flow` (for `resume`) and
//! the leaves; `controller` uses `flow` and the leaves; `flow` uses only leaves. What two
//! layers share (the BIN table, the promise helper, the session and options types, the event
//! callbacks) lives in a leaf rather than in one of them, so no module reaches back up.
//!
//! The card rules live in the pure `card-core` crate. `form`, `i18n` and `browser` are pure
//! too (no web-sys) and run under plain `cargo test`; `dom`, `transport`, `controller` and
//! `flow` need a browser and are covered by `tests/web.rs` and the end-to-end tests.
//!
//! The exchanges with the tokenizer and the payment server that comments name ("pay contract",
//! "status contract", "return-page contract", …) are described in `docs/interfaces.md`.

mod api;
mod browser;
mod channel;
mod controller;
mod dom;
mod events;
mod flow;
mod form;
mod frame;
mod i18n;
mod isolated;
mod js;
mod options;
mod style;
mod table;
mod transport;

/// rlsf's TLSF allocator instead of std's dlmalloc: about 7 KB less WebAssembly, and its
/// `GlobalAlloc` implementation keeps the `unsafe` code out of this crate. The module runs on
/// one thread (the page's), as the allocator requires.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: rlsf::SmallGlobalTlsf = rlsf::SmallGlobalTlsf::new();

/// The URL rule of every request carrying card data or the session's secret; public for the
/// browser tests only (not a JavaScript export).
#[doc(hidden)]
pub use transport::secure_url;

pub use api::{
    CheckoutHandle, fields_frame, format_expiry_js, format_number_js, mount, resume, set_bin_table,
    validate_cvv, validate_expiry, validate_holder, validate_number,
};
