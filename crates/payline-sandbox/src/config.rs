//! Sandbox configuration: the merchants it accepts and their contracts.
//!
//! The built-in merchant is the one documented in the README; a TOML file (`--config FILE`)
//! replaces it. Only these merchants are accepted: the sandbox never talks to real Payline and
//! never accepts anything but its own sandbox credentials.

use payline_protocol::secret::Secret;
use serde::Deserialize;

/// The whole configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Merchants accepted by the sandbox (`[[merchant]]` tables).
    #[serde(rename = "merchant")]
    pub merchants: Vec<MerchantConfig>,
    /// Base URL the buyer's browser uses to reach the sandbox (ACS pages). When absent, the
    /// `Host` header of the SOAP request that created the 3-D Secure session is used.
    #[serde(default)]
    pub public_url: Option<String>,
    /// Directory of the built card-capture browser module (`pkg/`). When it holds
    /// `card_capture.js`, the hosted payment page formats card entry with it; otherwise the page
    /// is a plain form.
    #[serde(default)]
    pub browser_module_dir: Option<std::path::PathBuf>,
    /// PEM file of extra root certificates trusted, besides the platform's, when a notification
    /// URL is `https` (Payline requires notification pages to be reachable over HTTPS; a local
    /// receiver usually has a self-signed or mkcert certificate).
    #[serde(default)]
    pub notification_ca_file: Option<std::path::PathBuf>,
    /// The `ttl` of the endpoint directory (`GET /services/servicesendpoints/SOAP/<merchantId>`),
    /// in seconds: how long a fail-over client caches its list (Payline PHP SDK default: 60).
    #[serde(default = "default_directory_ttl")]
    pub directory_ttl_secs: u64,
}

fn default_directory_ttl() -> u64 {
    60
}

/// One sandbox merchant account.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MerchantConfig {
    /// Merchant id (HTTP Basic user name), e.g. `12345678901234`.
    pub id: String,
    /// Access key (HTTP Basic password); also the Web2Token key (Payline Ajax API: SHA-256 of it).
    #[serde(deserialize_with = "de_secret")]
    pub access_key: Secret,
    /// Reference of the access key sent by the browser as `accessKeyRef`.
    pub access_key_ref: String,
    /// Point-of-sale contracts.
    #[serde(rename = "contract")]
    pub contracts: Vec<ContractConfig>,
    /// Notification URL of the point of sale (Payline admin centre setting, Payline notifications):
    /// TRS, TRSWALLET, WALLET and BILL notifications go there; WEBTRS and WEBWALLET go to the
    /// call's own `notificationURL` when given.
    #[serde(default)]
    pub notification_url: Option<String>,
}

/// One payment contract of a merchant.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractConfig {
    /// Contract number (`payment.contractNumber`).
    pub number: String,
    /// Payline card type names accepted on this contract (`CB`, `VISA`, …).
    pub brands: Vec<String>,
    /// Payline "Activate re-authorization" option (doReAuthorization, else `02619`).
    #[serde(default)]
    pub reauthorization: bool,
    /// 3-D Secure enabled on the contract.
    #[serde(default)]
    pub three_ds: bool,
}

fn de_secret<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Secret, D::Error> {
    String::deserialize(d).map(Secret::new)
}

/// Card types of the built-in contracts.
pub(crate) const BUILT_IN_BRANDS: [&str; 5] = ["CB", "VISA", "MASTERCARD", "AMEX", "MAESTRO"];

impl Default for Config {
    /// The built-in sandbox merchant (README "Credentials").
    fn default() -> Self {
        let brands: Vec<String> = BUILT_IN_BRANDS.iter().map(|b| (*b).to_owned()).collect();
        Self {
            merchants: vec![MerchantConfig {
                id: "12345678901234".to_owned(),
                access_key: Secret::new("SANDBOXACCESSKEY0001"),
                access_key_ref: "sandbox-ref-1".to_owned(),
                contracts: vec![
                    ContractConfig {
                        number: "1234567".to_owned(),
                        brands: brands.clone(),
                        reauthorization: true,
                        three_ds: true,
                    },
                    ContractConfig {
                        number: "7654321".to_owned(),
                        brands,
                        reauthorization: false,
                        three_ds: true,
                    },
                ],
                notification_url: None,
            }],
            public_url: None,
            browser_module_dir: None,
            notification_ca_file: None,
            directory_ttl_secs: default_directory_ttl(),
        }
    }
}

/// Why a configuration file was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The TOML text does not match the schema (sandbox-control contract: `[[merchant]]`, `[[merchant.contract]]`).
    #[error("invalid sandbox configuration: {0}")]
    Toml(#[from] toml::de::Error),
    /// The file parsed but is unusable (no merchant, duplicate ids, empty contract list).
    #[error("invalid sandbox configuration: {0}")]
    Invalid(&'static str),
    /// `notification_ca_file` cannot be read or holds no usable certificate.
    #[error("invalid sandbox configuration: notification_ca_file {path}: {reason}")]
    NotificationCa {
        /// The file named in the configuration.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl Config {
    /// Parses a TOML configuration and checks it is usable.
    pub fn from_toml(text: &str) -> Result<Self, ConfigError> {
        let config: Config = toml::from_str(text)?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if self.merchants.is_empty() {
            return Err(ConfigError::Invalid(
                "at least one [[merchant]] is required",
            ));
        }
        for (i, m) in self.merchants.iter().enumerate() {
            if m.id.is_empty() || m.access_key.is_empty() || m.access_key_ref.is_empty() {
                return Err(ConfigError::Invalid(
                    "merchant id, access_key and access_key_ref must not be empty",
                ));
            }
            if m.contracts.is_empty() {
                return Err(ConfigError::Invalid(
                    "every merchant needs a [[merchant.contract]]",
                ));
            }
            if self
                .merchants
                .iter()
                .skip(i + 1)
                .any(|o| o.id == m.id || o.access_key_ref == m.access_key_ref)
            {
                return Err(ConfigError::Invalid(
                    "merchant ids and access_key_ref values must be unique",
                ));
            }
        }
        Ok(())
    }

    /// The merchant with this id.
    pub fn merchant(&self, id: &str) -> Option<&MerchantConfig> {
        self.merchants.iter().find(|m| m.id == id)
    }

    /// The merchant owning this access key reference (Web2Token `accessKeyRef`).
    pub fn merchant_by_key_ref(&self, key_ref: &str) -> Option<&MerchantConfig> {
        self.merchants.iter().find(|m| m.access_key_ref == key_ref)
    }
}

impl MerchantConfig {
    /// The contract with this number.
    pub fn contract(&self, number: &str) -> Option<&ContractConfig> {
        self.contracts.iter().find(|c| c.number == number)
    }
}

impl ContractConfig {
    /// True when the contract accepts this Payline card type.
    pub fn accepts(&self, card_type: &str) -> bool {
        self.brands
            .iter()
            .any(|b| b.eq_ignore_ascii_case(card_type))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_contract_schema() {
        let c = Config::from_toml(
            r#"
            [[merchant]]
            id = "1"
            access_key = "K"
            access_key_ref = "r"
            [[merchant.contract]]
            number = "42"
            brands = ["CB"]
            reauthorization = true
            three_ds = false
            "#,
        );
        let c = c.expect("valid config");
        let m = c.merchant("1").expect("merchant");
        assert!(
            m.contract("42")
                .is_some_and(|k| k.reauthorization && !k.three_ds && k.accepts("cb"))
        );
        assert!(
            format!("{c:?}").contains("Secret(***)"),
            "access key must be masked in Debug"
        );
    }

    #[test]
    fn rejects_unusable_configs() {
        assert!(Config::from_toml("merchant = []").is_err());
        assert!(
            Config::from_toml(
                "[[merchant]]\nid='1'\naccess_key='k'\naccess_key_ref='r'\ncontract=[]"
            )
            .is_err()
        );
        assert!(Config::from_toml("bogus = 1").is_err());
    }

    #[test]
    fn built_in_merchant_matches_the_readme() {
        let c = Config::default();
        let m = c.merchant("12345678901234").expect("built-in merchant");
        assert_eq!(m.access_key.expose(), "SANDBOXACCESSKEY0001");
        assert_eq!(m.access_key_ref, "sandbox-ref-1");
        assert!(
            m.contract("1234567")
                .is_some_and(|k| k.reauthorization && k.three_ds)
        );
        assert!(
            m.contract("7654321")
                .is_some_and(|k| !k.reauthorization && k.three_ds)
        );
    }
}
