//! Browser-facing protections: security headers and CSP on every answer, CORS for the allowed
//! checkout origins only, bearer-token checks (admin API, metrics).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower::{Layer, ServiceExt};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;

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
    // The demo pages may be opened under another name of this server (`localhost` for
    // `127.0.0.1`, see `Settings::allowed_origins`), where the isolated fields' frame, served
    // from the public URL, is another origin than 'self'.
    let own = crate::config::origin_of(&s.public_url);
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self' {own} {tokenizer}; frame-src 'self' {own} {gateway}; \
         form-action 'self' {gateway}; base-uri 'none'; object-src 'none'; \
         require-trusted-types-for 'script'; trusted-types 'none'; frame-ancestors {frame_ancestors}"
    )
}

/// Puts the security headers on every answer of `router`, refusals included (tower-http's
/// `SetResponseHeaderLayer`, overriding whatever a handler set). The values are fixed by the
/// settings, so they are built once here rather than per request.
pub fn with_security_headers<S>(router: axum::Router<S>, state: &AppState) -> axum::Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let header_value = |v: String| HeaderValue::from_str(&v).ok();
    let framed_csp = header_value(content_security_policy(
        state,
        &state.settings().allowed_origins.join(" "),
    ));
    let unframed_csp = header_value(content_security_policy(state, "'none'"));
    let framable = |res: &Response| res.extensions().get::<FramableByCheckout>().is_some();
    let hsts = state
        .settings()
        .public_url
        .starts_with("https://")
        .then(|| HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    router
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            move |res: &Response| {
                if framable(res) {
                    framed_csp.clone()
                } else {
                    unframed_csp.clone()
                }
            },
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        // Only the 3-D Secure return page may be framed, by the checkout origins (its CSP
        // `frame-ancestors` says which); everything else refuses framing.
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            move |res: &Response| (!framable(res)).then(|| HeaderValue::from_static("DENY")),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("cross-origin-resource-policy"),
            HeaderValue::from_static("same-site"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            hsts,
        ))
}

/// CORS (Fetch standard) for the browser-facing API: the allowed origins and tower-http's
/// [`CorsLayer`], which writes the `Access-Control-*` headers.
#[derive(Debug, Clone)]
pub struct Cors {
    allowed: Arc<[String]>,
    layer: CorsLayer,
}

impl Cors {
    /// CORS for these origins (`ALLOWED_ORIGINS` plus the server's own).
    pub fn new(allowed_origins: &[String]) -> Self {
        // `AllowOrigin::list` panics on `*`; the configuration only ever holds checked URL
        // origins, and a `*` could never equal a browser's `Origin` anyway.
        let allowed: Arc<[String]> = allowed_origins
            .iter()
            .filter(|o| o.as_str() != "*")
            .cloned()
            .collect();
        let layer = CorsLayer::new()
            .allow_origin(AllowOrigin::list(
                allowed.iter().filter_map(|o| HeaderValue::from_str(o).ok()),
            ))
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                HeaderName::from_static("idempotency-key"),
            ])
            .max_age(Duration::from_secs(600))
            // Retry-After (429, 503) is not a CORS-safelisted response header: without this the
            // page could not read how long to wait.
            .expose_headers([header::RETRY_AFTER])
            .vary([header::ORIGIN]);
        Self { allowed, layer }
    }
}

/// Only `ALLOWED_ORIGINS` get the `Access-Control-Allow-*` headers (written by the
/// [`CorsLayer`]); a preflight from anywhere else gets a bare 403 and any other request from
/// elsewhere passes untouched. tower-http alone would answer every preflight 200 and put
/// `Vary`/`Access-Control-Expose-Headers` on every answer, so this gate keeps the
/// checkout-session contract's 204/403 preflights.
pub async fn cors(State(cors): State<Cors>, req: Request, next: Next) -> Response {
    let allowed = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .is_some_and(|o| cors.allowed.iter().any(|a| a == o));
    let preflight = req.method() == Method::OPTIONS;
    match (allowed, preflight) {
        (false, true) => StatusCode::FORBIDDEN.into_response(),
        (false, false) => next.run(req).await,
        (true, _) => {
            let Ok(mut res) = cors.layer.layer(next).oneshot(req).await;
            if preflight {
                *res.status_mut() = StatusCode::NO_CONTENT;
            }
            res
        }
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

/// Records every request: method, route template and status, and its latency.
pub async fn track_requests(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let started = std::time::Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let res = next.run(req).await;
    state.metrics().http_request(
        method.as_str(),
        &route,
        res.status().as_u16(),
        started.elapsed(),
    );
    res
}
