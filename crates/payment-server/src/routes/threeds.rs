//! The 3-D Secure endpoints the ACS and the 3DS Method page post to (3-D Secure and return-page contracts).

use axum::Router;
use axum::extract::{Form, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::checkout;
use crate::security::FramableByCheckout;
use crate::sessions::Session;
use crate::state::AppState;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/3ds/method-notify", post(method_notify))
        .route("/3ds/return", post(three_ds_return))
        .route("/3ds/return.js", get(return_script))
}

/// The return page's script: an external file (the CSP allows no inline script). It reads the
/// values from data attributes and either posts to the parent window, with the exact target
/// origin recorded at pay time, or sends the top window back to the shop (redirect mode).
const RETURN_JS: &str = r#""use strict";
(function () {
  var el = document.getElementById("cc-return");
  if (!el) return;
  var d = el.dataset;
  if (d.mode === "redirect" && d.redirect) {
    window.top.location.href = d.redirect;
    return;
  }
  if (window.parent && window.parent !== window && d.origin) {
    window.parent.postMessage(
      { type: "card-capture:3ds-complete", sessionId: d.session, nonce: d.nonce, paymentId: d.payment },
      d.origin
    );
  }
})();
"#;

async fn return_script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")],
        RETURN_JS,
    )
}

/// The 3DS Method page posts `threeDSMethodData` here when it is done; the page's own timer
/// and `/continue` carry the result, so this only acknowledges.
async fn method_notify() -> Response {
    let mut r = html("<!doctype html><meta charset=utf-8><title>3-D Secure</title>".to_owned());
    r.extensions_mut().insert(FramableByCheckout);
    r
}

#[derive(Debug, Deserialize)]
struct AcsAnswer {
    cres: Option<String>,
    #[serde(rename = "threeDSSessionData")]
    three_ds_session_data: Option<String>,
    #[serde(rename = "PaRes")]
    pares: Option<String>,
    #[serde(rename = "MD")]
    md: Option<String>,
}

fn escape(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&#39;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

fn html(body: String) -> Response {
    let mut r = body.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// The return page (return-page contract).
pub fn return_page(session: Option<&Session>, mode: &str, return_url: Option<&str>) -> Response {
    let attrs = match session {
        Some(s) => {
            let redirect = return_url
                .map(|u| {
                    let sep = if u.contains('?') { '&' } else { '?' };
                    format!("{u}{sep}cardCaptureSession={}", s.id)
                })
                .unwrap_or_default();
            format!(
                r#" data-session="{}" data-nonce="{}" data-payment="{}" data-origin="{}" data-mode="{}" data-redirect="{}""#,
                escape(&s.id),
                escape(&s.nonce),
                escape(s.payment_id.as_deref().unwrap_or_default()),
                escape(s.checkout_origin.as_deref().unwrap_or_default()),
                escape(mode),
                escape(&redirect),
            )
        }
        None => String::new(),
    };
    let page = format!(
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>3-D Secure</title>\
         <script src=\"/3ds/return.js\" defer></script></head>\
         <body><p id=\"cc-return\"{attrs}>Returning to the shop…</p></body></html>"
    );
    let mut r = html(page);
    r.extensions_mut().insert(FramableByCheckout);
    r
}

async fn three_ds_return(State(state): State<AppState>, Form(f): Form<AcsAnswer>) -> Response {
    let (md, pares) = match (f.three_ds_session_data, f.cres, f.md, f.pares) {
        (Some(md), Some(cres), _, _) => (md, cres),
        (_, _, Some(md), Some(pares)) => (md, pares),
        _ => return return_page(None, "iframe", None),
    };
    let attempt = checkout::attempt_by_md(&state, &md).await.ok().flatten();
    let (mode, return_url) = attempt
        .as_ref()
        .map(|a| (a.three_ds_mode.clone().unwrap_or_else(|| "iframe".into()), a.return_url.clone()))
        .unwrap_or_else(|| ("iframe".into(), None));
    match checkout::three_ds_return(&state, &md, &pares).await {
        Ok(session) => return_page(session.as_ref(), &mode, return_url.as_deref()),
        Err(e) => {
            tracing::error!(error = %e, "3-D Secure return failed");
            return_page(None, &mode, None)
        }
    }
}
