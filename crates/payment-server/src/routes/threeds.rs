//! The 3-D Secure endpoints the ACS and the 3DS Method page post to (3-D Secure and return-page contracts).

use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use serde::Deserialize;

use crate::checkout;
use crate::security::FramableByCheckout;
use crate::sessions::Session;
use crate::state::AppState;
use crate::{payments, sessions};

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/3ds/method-notify", post(method_notify))
        .route("/3ds/return", post(three_ds_return))
        .route("/3ds/return.js", get(return_script))
}

/// The script of the return page and of the 3DS Method notification page: an external file (the
/// CSP allows no inline script). It reads the values from data attributes and either posts to
/// the parent window, with the exact target origin recorded at pay time, or sends the top window
/// back to the shop (redirect mode).
const RETURN_JS: &str = r#""use strict";
(function () {
  var el = document.getElementById("cc-return");
  if (!el) return;
  var d = el.dataset;
  if (d.mode === "redirect" && d.redirect) {
    window.top.location.href = d.redirect;
    return;
  }
  // The 3DS Method notification page says "method done"; the challenge return page says
  // "look at the status now". Both carry the session's nonce, which the module checks.
  var type = d.mode === "method" ? "card-capture:3ds-method-complete" : "card-capture:3ds-complete";
  if (window.parent && window.parent !== window && d.origin) {
    window.parent.postMessage(
      { type: type, sessionId: d.session, nonce: d.nonce, paymentId: d.payment },
      d.origin
    );
  }
})();
"#;

async fn return_script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        RETURN_JS,
    )
}

/// What the ACS posts to the `threeDSMethodNotificationURL`.
#[derive(Debug, Deserialize)]
struct MethodAnswer {
    #[serde(rename = "threeDSMethodData")]
    three_ds_method_data: Option<String>,
}

/// The ACS posts `threeDSMethodData` here, in the hidden iframe, once its 3DS Method has run
/// (EMV 3DS: the method is complete only when this notification arrives, not when the ACS page
/// loads). The answer is the return page in `method` mode: its script tells the checkout page,
/// with the session's nonce and to the origin recorded at pay time, that the method completed,
/// so `/continue` is sent with `methodCompleted: true`. Data that names no known attempt gives
/// a page that says nothing, and the checkout page continues after its 10 s timeout with
/// `methodCompleted: false` (EMV 3DS `threeDSCompInd = N`).
async fn method_notify(
    State(state): State<AppState>,
    form: Result<Form<MethodAnswer>, FormRejection>,
) -> Response {
    let trans_id = form
        .ok()
        .and_then(|Form(f)| f.three_ds_method_data)
        .and_then(|d| method_trans_id(&d));
    let session = match trans_id {
        Some(id) => session_of_method(&state, &id).await,
        None => None,
    };
    return_page(session.as_ref(), "method", None)
}

/// `threeDSServerTransID` of `threeDSMethodData` (EMV 3DS: base64url of a JSON object; some
/// ACSs keep the `=` padding).
fn method_trans_id(data: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(data.trim().trim_end_matches('='))
        .ok()?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    v.get("threeDSServerTransID")?
        .as_str()
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The session whose attempt waits on this 3DS Method (the gateway's `threeDSServerTransID` is
/// the attempt's MD, recorded when verifyEnrollment answered `03100`).
async fn session_of_method(state: &AppState, trans_id: &str) -> Option<Session> {
    let attempt = checkout::attempt_by_md(state, trans_id)
        .await
        .ok()
        .flatten()?;
    let payment = payments::load(state, &attempt.payment_id)
        .await
        .ok()
        .flatten()?;
    sessions::load(state, &payment.session_id)
        .await
        .ok()
        .flatten()
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
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// The return page (return-page contract); `mode` is `iframe`, `redirect`, or `method` for the
/// 3DS Method notification.
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
        .map(|a| {
            (
                a.three_ds_mode.clone().unwrap_or_else(|| "iframe".into()),
                a.return_url.clone(),
            )
        })
        .unwrap_or_else(|| ("iframe".into(), None));
    match checkout::three_ds_return(&state, &md, &pares).await {
        Ok(session) => return_page(session.as_ref(), &mode, return_url.as_deref()),
        Err(e) => {
            tracing::error!(error = %e, "3-D Secure return failed");
            return_page(None, &mode, None)
        }
    }
}
