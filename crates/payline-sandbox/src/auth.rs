//! HTTP Basic authentication of sandbox merchants (Payline "Service Authentication Access
//! Key": `Authorization: Basic base64(merchantId:accessKey)` on every call).
//!
//! Only merchants of the sandbox configuration are accepted. A refused call is answered 401
//! before anything is read or recorded, and the header is never echoed or logged.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::config::{Config, MerchantConfig};

/// The merchant named by a valid `Authorization` header.
pub(crate) fn authenticate<'c>(
    headers: &HeaderMap,
    config: &'c Config,
) -> Option<&'c MerchantConfig> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = Zeroizing::new(
        base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .ok()?,
    );
    let text = std::str::from_utf8(&decoded).ok()?;
    let (id, key) = text.split_once(':')?;
    let merchant = config.merchant(id)?;
    // Constant-time comparison: the response time must not reveal how much of the key matched.
    bool::from(
        merchant
            .access_key
            .expose()
            .as_bytes()
            .ct_eq(key.as_bytes()),
    )
    .then_some(merchant)
}

/// The 401 answer (RFC 7617 challenge), the same for a missing, malformed or wrong header.
pub(crate) fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Basic realm=\"payline-sandbox\"")],
        "Unauthorized\n",
    )
        .into_response()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Ok(v) = HeaderValue::from_str(v) {
            h.insert(header::AUTHORIZATION, v);
        }
        h
    }

    fn basic(s: &str) -> String {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(s)
        )
    }

    #[test]
    fn accepts_only_sandbox_credentials() {
        let c = Config::default();
        assert!(
            authenticate(&headers(&basic("12345678901234:SANDBOXACCESSKEY0001")), &c).is_some()
        );
        assert!(
            authenticate(&headers(&basic("12345678901234:SANDBOXACCESSKEY0002")), &c).is_none()
        );
        assert!(authenticate(&headers(&basic("12345678901234:")), &c).is_none());
        assert!(authenticate(&headers(&basic("99:SANDBOXACCESSKEY0001")), &c).is_none());
        assert!(authenticate(&headers("Bearer x"), &c).is_none());
        assert!(authenticate(&headers("Basic !!!"), &c).is_none());
        assert!(authenticate(&HeaderMap::new(), &c).is_none());
    }
}
