//! Browser-facing protections: security headers and CSP on every answer, CORS for the allowed
//! checkout origins only, bearer-token checks (admin API, metrics).

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::ids;
use crate::state::AppState;

/// Marks a response whose `frame-ancestors` must list the allowed checkout origins (the 3-D
/// Secure return page, return-page contract); every other page may not be framed at all.
#[derive(Debug, Clone, Copy)]
pub struct FramableByCheckout;

/// The Content-Security-Policy of pages this server serves (W3C CSP Level 3). The demo page
/// talks to the tokenizer (`connect-src`) and shows the ACS in an iframe or posts a form to it
/// (`frame-src`, `form-action`); the gateway origins are the sandbox's in sandbox mode and any
/// https origin otherwise, since Payline's ACS hosts are the issuers'.
///
/// `frame-src` must also list `'self'`: the ACS answers by posting its form to the server's own
/// `/3ds/return` (and the 3DS Method page to `/3ds/method-notify`) inside the same iframe, and
/// CSP Level 3 checks every navigation of a nested browsing context against the embedding
/// page's `frame-src`, so without it the same-origin return page is blocked and the checkout
/// never learns the outcome. `form-action` lists `'self'` for the same reason in redirect mode
/// and 3DS1, where the top window posts to the ACS and comes back to this origin.
pub fn content_security_policy(state: &AppState, frame_ancestors: &str) -> String {
    let s = state.settings();
    let gateway = if s.sandbox {
        crate::config::origin_of(&s.gateway.tokenizer_url)
    } else {
        "https:".to_owned()
    };
    let tokenizer = crate::config::origin_of(&s.gateway.tokenizer_url);
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self' {tokenizer}; frame-src 'self' {gateway}; \
         form-action 'self' {gateway}; base-uri 'none'; object-src 'none'; \
         require-trusted-types-for 'script'; trusted-types 'none'; frame-ancestors {frame_ancestors}"
    )
}

/// Adds the security headers to every response and records request metrics.
pub async fn headers_and_metrics(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let started = std::time::Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let mut res = next.run(req).await;
    let framable = res.extensions().get::<FramableByCheckout>().is_some();
    let ancestors = if framable {
        state.settings().allowed_origins.join(" ")
    } else {
        "'none'".into()
    };
    let csp = content_security_policy(&state, &ancestors);
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if !framable {
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    h.insert(
        HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("same-site"),
    );
    if state.settings().public_url.starts_with("https://") {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    state.metrics().http_request(
        method.as_str(),
        &route,
        res.status().as_u16(),
        started.elapsed(),
    );
    res
}

/// CORS (Fetch standard) for the browser-facing API: only `ALLOWED_ORIGINS` get the
/// `Access-Control-Allow-*` headers; preflights from anywhere else get a bare 403.
pub async fn cors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .map(str::to_owned);
    let allowed = origin
        .as_deref()
        .filter(|o| state.settings().allowed_origins.iter().any(|a| a == o))
        .map(str::to_owned);
    if req.method() == Method::OPTIONS {
        let Some(o) = allowed else {
            return StatusCode::FORBIDDEN.into_response();
        };
        let mut res = StatusCode::NO_CONTENT.into_response();
        let h = res.headers_mut();
        put(h, header::ACCESS_CONTROL_ALLOW_ORIGIN, &o);
        put(h, header::ACCESS_CONTROL_ALLOW_METHODS, "GET, POST");
        put(
            h,
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            "authorization, content-type, idempotency-key",
        );
        put(h, header::ACCESS_CONTROL_MAX_AGE, "600");
        put(h, header::VARY, "Origin");
        return res;
    }
    let mut res = next.run(req).await;
    if let Some(o) = allowed {
        let h = res.headers_mut();
        put(h, header::ACCESS_CONTROL_ALLOW_ORIGIN, &o);
        // Retry-After (429, 503) is not a CORS-safelisted response header: without this the
        // page could not read how long to wait.
        put(h, header::ACCESS_CONTROL_EXPOSE_HEADERS, "Retry-After");
        h.append(header::VARY, HeaderValue::from_static("Origin"));
    }
    res
}

fn put(h: &mut HeaderMap, name: HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        h.insert(name, v);
    }
}

/// The bearer token of a request, if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
        .filter(|t| !t.is_empty())
}

/// True when the request carries `ADMIN_TOKEN`.
pub fn is_admin(state: &AppState, headers: &HeaderMap) -> bool {
    match (bearer(headers), &state.settings().admin_token) {
        (Some(t), Some(admin)) => ids::secrets_equal(t, admin.expose()),
        _ => false,
    }
}

/// True when the request may read `/metrics`: it carries `ADMIN_TOKEN` or `METRICS_TOKEN`.
/// The metrics name routes, result codes and volumes, which is operational information an
/// outsider has no business reading; a scraper gets its own token so that it need not hold the
/// admin token, which moves money.
pub fn may_read_metrics(state: &AppState, headers: &HeaderMap) -> bool {
    if is_admin(state, headers) {
        return true;
    }
    match (bearer(headers), &state.settings().metrics_token) {
        (Some(t), Some(token)) => ids::secrets_equal(t, token.expose()),
        _ => false,
    }
}

/// Requires `ADMIN_TOKEN` (401 otherwise).
pub fn require_admin(state: &AppState, headers: &HeaderMap) -> Result<(), AppError> {
    if is_admin(state, headers) {
        Ok(())
    } else {
        Err(AppError::Unauthorized)
    }
}
