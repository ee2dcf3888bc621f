//! Limits every route runs under.

use std::time::Duration;

/// Largest request body accepted (Payline `transient` is up to 100 KB).
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Time limit of one request.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
