//! The validation-only browser entry point of card-capture (`card-capture/validate`):
//! card-core's number, expiry, CVV and holder checks, as-you-type formatting and the run-time
//! BIN table, and nothing else (no DOM, no tokenization, no 3-D Secure).
//!
//! The exports below are raw: they take strings and numbers and answer packed numbers or flat
//! strings ([`pack`]). The public functions, with the same names, arguments, results and
//! TypeScript types as the full module's, are the small JavaScript wrapper `js/validate.js`
//! that the build puts around wasm-bindgen's glue. Building the result objects there rather
//! than through js-sys keeps the module a few kilobytes.
#![forbid(unsafe_code)]
// On wasm32 the module links `core` and `alloc` only: std's panic machinery (message
// formatting, hooks) and its allocator were most of the module's size. Native builds (the
// tests) keep std.
#![cfg_attr(all(target_arch = "wasm32", not(test)), no_std)]

extern crate alloc;

pub mod pack;

use alloc::{borrow::ToOwned, string::String, vec::Vec};

use card_core::{BinTable, BrandSpec, CvvRule, Edit, TableMode, check_cvv, check_holder};
use spin::mutex::SpinMutex;
use wasm_bindgen::prelude::*;

/// The brand table every export uses; `None` until first used (the built-in table). A lock
/// rather than a `RefCell` only because a `static` must be `Sync`: the module is
/// single-threaded, so `try_lock` always succeeds (and never spins).
static TABLE: SpinMutex<Option<BinTable>> = SpinMutex::new(None);
/// The brands of a `setBinTable` call being passed in, field by field.
static PENDING: SpinMutex<Vec<BrandSpec>> = SpinMutex::new(Vec::new());

/// Runs `f` with the current table.
fn with_table<R>(f: impl FnOnce(&mut BinTable) -> R) -> Option<R> {
    let mut slot = TABLE.try_lock()?;
    Some(f(slot.get_or_insert_with(BinTable::builtin)))
}

/// A panic cannot be reported anywhere useful from the browser module: it stops it at once
/// (the `unreachable` instruction traps, like `panic = "abort"`). card-core's functions are
/// total; this is for the bug that would prove otherwise.
#[cfg(all(target_arch = "wasm32", not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

/// Operation codes of [`run`], mirrored by `js/validate.js`.
pub mod op {
    /// `validateNumber(input)`: [`crate::pack::pack_number`].
    pub const NUMBER: u32 = 0;
    /// The table's brands: [`crate::pack::brand_list`].
    pub const BRANDS: u32 = 1;
    /// `validateExpiry(input, {year: a, month: b})`: one character, [`crate::pack::pack_expiry`]
    /// as a number (below 2^20, one character).
    pub const EXPIRY: u32 = 2;
    /// `validateCvv(input, extra)`: validity bits as one character; `extra` is the brand id,
    /// empty for an unknown brand (no brand has an empty id).
    pub const CVV: u32 = 3;
    /// `validateHolder(input)`: validity bits as one character.
    pub const HOLDER: u32 = 4;
    /// `formatNumber(input, a, extra)`: caret `a` (NaN: at the end), `inputType` `extra`;
    /// [`crate::pack::pack_formatted`].
    pub const FORMAT_NUMBER: u32 = 5;
    /// `formatExpiry(input, a, extra)`, as [`FORMAT_NUMBER`].
    pub const FORMAT_EXPIRY: u32 = 6;
    /// Starts a brand of a `setBinTable` update: id `input`, [`crate::pack::brand_spec`]'s
    /// options `a`; its text fields and ranges follow with [`FIELD`] and [`RANGE`].
    pub const BRAND: u32 = 7;
    /// Sets field `a` of the brand being passed to `input` ([`crate::pack::set_field`]).
    pub const FIELD: u32 = 8;
    /// Adds the range `input` to the brand being passed.
    pub const RANGE: u32 = 9;
    /// Applies the brands passed (`a` = 1: replace, else extend), all or nothing: `""` or
    /// `"<code>: <message>"` ([`crate::pack::table_error`]).
    pub const APPLY: u32 = 10;
}

/// The module's one export (one export keeps wasm-bindgen's glue to one function): runs
/// operation `op` ([`op`]) and answers a string, packed as [`pack`] describes.
#[wasm_bindgen]
#[must_use]
pub fn run(op: u32, input: &str, extra: &str, a: f64, b: f64) -> String {
    let bits = |v| pack::flag_char(pack::validity_bits(v));
    match op {
        op::NUMBER => with_table(|t| pack::pack_number(t, input)).unwrap_or_default(),
        op::BRANDS => with_table(|t| pack::brand_list(t)).unwrap_or_default(),
        op::EXPIRY => pack::flag_char(pack::pack_expiry(input, a, b)),
        op::CVV => with_table(|t| {
            let rule = t
                .brand(extra)
                .map_or_else(CvvRule::unknown_brand, CvvRule::for_brand);
            bits(check_cvv(input, rule))
        })
        .unwrap_or_default(),
        op::HOLDER => bits(check_holder(input)),
        op::FORMAT_NUMBER => with_table(|t| {
            pack::pack_formatted(&card_core::format_number(
                t,
                input,
                pack::caret_arg(a),
                Edit::from_input_type(extra),
            ))
        })
        .unwrap_or_default(),
        op::FORMAT_EXPIRY => pack::pack_formatted(&card_core::format_expiry(
            input,
            pack::caret_arg(a),
            Edit::from_input_type(extra),
        )),
        op::BRAND => {
            // Options are a u32 bit set from JS (bits 0–15).
            let spec = pack::brand_spec(input, a as u32);
            with_pending(|p| p.push(spec));
            String::new()
        }
        op::FIELD => {
            with_pending(|p| {
                if let Some(spec) = p.last_mut() {
                    pack::set_field(spec, a as u32, input);
                }
            });
            String::new()
        }
        op::RANGE => {
            with_pending(|p| {
                if let Some(spec) = p.last_mut() {
                    spec.ranges.push(input.to_owned());
                }
            });
            String::new()
        }
        op::APPLY => apply(a == 1.0),
        _ => String::new(),
    }
}

/// Runs `f` on the brands of the `setBinTable` update being passed. The wrapper reads and
/// checks the whole JS table before the first call, so an update is never left half-passed.
fn with_pending(f: impl FnOnce(&mut Vec<BrandSpec>)) {
    if let Some(mut p) = PENDING.try_lock() {
        f(&mut p);
    }
}

/// Applies the brands passed in (none: an update with an empty `brands`) to the table, all
/// or nothing. Answers `""`, or `"<code>: <message>"` ([`pack::table_error`]).
fn apply(replace: bool) -> String {
    let mut specs = Vec::new();
    with_pending(|p| specs = core::mem::take(p));
    let mode = if replace {
        TableMode::Replace
    } else {
        TableMode::Extend
    };
    with_table(|current| match current.apply(&specs, mode) {
        Ok(next) => {
            *current = next;
            String::new()
        }
        Err(e) => pack::table_error(&e),
    })
    .unwrap_or_default()
}

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: rlsf::SmallGlobalTlsf = rlsf::SmallGlobalTlsf::new();
