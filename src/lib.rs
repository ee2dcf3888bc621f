//! card-capture: card validation, formatting, tokenization and 3-D Secure for Payline checkouts,
//! in the buyer's browser.
