//! What every operation runs with.

use sqlx::SqliteConnection;
use time::OffsetDateTime;

use crate::config::MerchantConfig;
use crate::vault::Vault;

/// What an operation runs with.
#[derive(Debug)]
pub(crate) struct Ctx<'a> {
    /// Database connection (operations run one at a time, see `Sandbox::lock`).
    pub(crate) conn: &'a mut SqliteConnection,
    /// Card vault.
    pub(crate) vault: &'a Vault,
    /// The authenticated merchant.
    pub(crate) merchant: &'a MerchantConfig,
    /// Sandbox now.
    pub(crate) now: OffsetDateTime,
    /// Base URL of the sandbox as the buyer's browser reaches it (ACS pages).
    pub(crate) public_url: String,
}
