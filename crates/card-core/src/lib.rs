//! Pure payment card rules shared by the browser module, the sandbox gateway and the payment
//! server: Luhn, the brand (BIN) table with co-badged Cartes Bancaires, card number, expiry,
//! CVV and cardholder name validation, and as-you-type formatting with caret tracking.
//!
//! # Design
//! - **Pure.** No I/O, no clock (the expiry check takes `today`), no global state: the brand
//!   table is a value ([`BinTable`]) passed to the functions that need it.
//! - **Total.** Every function accepts any `&str` (empty, 10,000 characters, control
//!   characters, any Unicode) and answers; nothing panics.
//! - **Two flags.** Checks return [`Validity`]: `valid` (complete and acceptable) and
//!   `potentially_valid` (more typing could still make it valid).
//! - **Secrets are types.** [`CardNumber`] and [`Cvv`] are built only by parsing, print masked
//!   in `Debug`, have no `Display`, are read through `peek()`, and are wiped on drop.
//!
//! # Example
//! ```
//! use card_core::{check_expiry, check_number, BinTable, CardNumber, YearMonth};
//!
//! let table = BinTable::default();
//! let check = check_number(&table, "4970 1011 2233 4455");
//! assert!(check.validity.valid);
//! let choices: Vec<&str> = check.brands.iter().map(|b| b.payline_type()).collect();
//! assert_eq!(choices, ["CB", "VISA"]); // co-badged: the buyer may choose
//!
//! let pan = CardNumber::parse(&table, "4970101122334455")?;
//! assert_eq!(format!("{pan:?}"), "CardNumber(****4455)");
//!
//! let today = YearMonth::new(2026, 11).ok_or("bad month")?;
//! assert_eq!(check_expiry("12/28", today).date.map(|d| d.payline_mmyy()).as_deref(), Some("1228"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs, missing_debug_implementations)]
#![forbid(unsafe_code)]
// `core` + `alloc` only: the validation-only browser module (crates/card-validate-wasm) links
// no `std`, so none of its panic and formatting machinery. Nothing here needs an OS.
#![cfg_attr(not(test), no_std)]

extern crate alloc;

mod brand;
mod cvv;
mod expiry;
mod format;
mod holder;
mod luhn;
mod number;
mod validity;

pub use brand::{
    BinTable, BinTableError, Brand, BrandSpec, DEFAULT_GAPS, MAX_BRANDS, MAX_PAN_DIGITS,
    MAX_PREFIX_DIGITS, MAX_RANGES_PER_BRAND, MIN_PAN_DIGITS, PrefixRange, TableMode, TableSpec,
    detect_brands,
};
pub use cvv::{Cvv, CvvError, CvvRule, check_cvv};
pub use expiry::{
    ExpiryCheck, ExpiryDate, ExpiryError, MAX_YEARS_AHEAD, YearMonth, check_expiry, parse_expiry,
};
pub use format::{Edit, Formatted, format_expiry, format_number};
pub use holder::{
    HOLDER_MAX, HOLDER_MAX_AUTHORIZATION, HOLDER_MIN, check_holder, holder_for_authorization,
    normalize_holder,
};
pub use luhn::{luhn_check_digit, luhn_valid};
pub use number::{CardNumber, NumberCheck, NumberError, check_number, normalize_number};
pub use validity::Validity;
/// Re-exported for [`normalize_number`]'s return type.
pub use zeroize::Zeroizing;
