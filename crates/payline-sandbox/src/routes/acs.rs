//! 3-D Secure ACS simulator pages (3-D Secure contract).
//!
//! * `POST /acs/method` — 3DS Method page: records that it ran and posts `threeDSMethodData` to
//!   the merchant's `threeDSMethodNotificationURL`.
//! * `POST /acs/challenge` (`creq`, `threeDSSessionData`) and `POST /acs/pareq` (`PaReq`, `MD`,
//!   `TermUrl`) — the challenge page: a labelled "Verification code" input, Submit and Cancel.
//! * `POST /acs/challenge/submit` — code `1234` authenticates, another code fails, Cancel
//!   cancels; the page then posts `cres` + `threeDSSessionData` (3DS2) or `PaRes` + `MD` (3DS1)
//!   to the returnURL / TermUrl. A session finishes once: a replayed submit is refused.
//!
//! The pages are meant for an iframe: no `X-Frame-Options`, no `frame-ancestors`. Their only
//! script is the same-origin `/acs/acs.js`.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::engine::three_ds::{b64_json, json_b64};
use crate::error::Result;
use crate::scenarios::CHALLENGE_CODE;
use crate::state::Sandbox;
use crate::store::three_ds_sessions::{self as three_ds, Flow, Status};

use super::form::{esc, field, hidden};

/// ACS routes.
pub(super) fn routes() -> Router<Sandbox> {
    Router::new()
        .route("/acs/acs.js", get(script))
        .route("/acs/method", post(method))
        .route("/acs/challenge", post(challenge))
        .route("/acs/pareq", post(pareq))
        .route("/acs/challenge/submit", post(submit))
}

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; form-action *";

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head>\
         <body style=\"font-family:sans-serif;max-width:28em;margin:1em auto\">{body}\
         <script src=\"/acs/acs.js\"></script></body></html>",
        t = esc(title)
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
}

fn refused(message: &str) -> Response {
    page(
        StatusCode::BAD_REQUEST,
        "3-D Secure",
        &format!("<h1>3-D Secure</h1><p role=\"alert\">{}</p>", esc(message)),
    )
}

fn is_http_url(u: &str) -> bool {
    u.starts_with("http://") || u.starts_with("https://")
}

fn auto_post(url: &str, fields: &[(&str, &str)], title: &str) -> Response {
    let inputs: String = fields.iter().map(|(k, v)| hidden(k, v)).collect();
    page(
        StatusCode::OK,
        title,
        &format!(
            "<h1>{t}</h1><form method=\"post\" action=\"{u}\" data-autosubmit>{inputs}\
             <button type=\"submit\">Continue</button></form>",
            t = esc(title),
            u = esc(url)
        ),
    )
}

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=300"),
        ],
        include_str!("../../assets/acs.js"),
    )
        .into_response()
}

/// 3DS Method (EMV 3DS: the ACS fingerprints the browser in a hidden iframe, then notifies).
async fn method(State(sandbox): State<Sandbox>, body: Bytes) -> Result<Response> {
    let Some(data) = field(&body, "threeDSMethodData") else {
        return Ok(refused("threeDSMethodData is missing."));
    };
    let Some(md) =
        json_b64(&data).and_then(|v| v["threeDSServerTransID"].as_str().map(str::to_owned))
    else {
        return Ok(refused("threeDSMethodData is not valid."));
    };
    let _guard = sandbox.lock().await;
    let mut conn = sandbox.pool().acquire().await?;
    let Some(session) = three_ds::get(&mut conn, &md).await? else {
        return Ok(refused("Unknown 3-D Secure session."));
    };
    if session.flow != Flow::Method || !three_ds::method_completed(&mut conn, &md).await? {
        return Ok(refused("This 3DS Method has already run."));
    }
    let answer = b64_json(&serde_json::json!({ "threeDSServerTransID": md }));
    match session.method_notification_url.filter(|u| is_http_url(u)) {
        Some(url) => Ok(auto_post(
            &url,
            &[("threeDSMethodData", &answer)],
            "3DS Method",
        )),
        None => Ok(page(
            StatusCode::OK,
            "3DS Method",
            "<p>3DS Method complete.</p>",
        )),
    }
}

fn challenge_page(md: &str, version: &str) -> Response {
    page(
        StatusCode::OK,
        "3-D Secure verification",
        &format!(
            "<h1>Payline sandbox ACS</h1><p>Enter the verification code sent to you (sandbox: 1234).</p>\
             <form method=\"post\" action=\"/acs/challenge/submit\">{}{}\
             <p><label for=\"code\">Verification code</label><br>\
             <input id=\"code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\"></p>\
             <p><button type=\"submit\" name=\"action\" value=\"submit\">Submit</button> \
             <button type=\"submit\" name=\"action\" value=\"cancel\">Cancel</button></p></form>",
            hidden("session", md),
            hidden("version", version)
        ),
    )
}

/// 3DS2 challenge: `creq` (base64url JSON naming the session) and `threeDSSessionData`.
async fn challenge(State(sandbox): State<Sandbox>, body: Bytes) -> Result<Response> {
    let (Some(creq), Some(md)) = (field(&body, "creq"), field(&body, "threeDSSessionData")) else {
        return Ok(refused("creq and threeDSSessionData are required."));
    };
    if json_b64(&creq)
        .and_then(|v| v["threeDSServerTransID"].as_str().map(str::to_owned))
        .as_deref()
        != Some(md.as_str())
    {
        return Ok(refused("The CReq does not match the session."));
    }
    let mut conn = sandbox.pool().acquire().await?;
    match three_ds::get(&mut conn, &md).await? {
        Some(s) if s.flow == Flow::Challenge && s.status == Status::Pending => {
            Ok(challenge_page(&md, "2"))
        }
        Some(_) => Ok(refused("This authentication has already been completed.")),
        None => Ok(refused("Unknown 3-D Secure session.")),
    }
}

/// 3DS1-style ACS: `PaReq`, `MD`, `TermUrl`.
async fn pareq(State(sandbox): State<Sandbox>, body: Bytes) -> Result<Response> {
    let (Some(pareq), Some(md), Some(term)) = (
        field(&body, "PaReq"),
        field(&body, "MD"),
        field(&body, "TermUrl"),
    ) else {
        return Ok(refused("PaReq, MD and TermUrl are required."));
    };
    if json_b64(&pareq)
        .and_then(|v| v["md"].as_str().map(str::to_owned))
        .as_deref()
        != Some(md.as_str())
    {
        return Ok(refused("The PaReq does not match the MD."));
    }
    if !is_http_url(&term) {
        return Ok(refused("TermUrl must be an http(s) URL."));
    }
    let _guard = sandbox.lock().await;
    let mut conn = sandbox.pool().acquire().await?;
    match three_ds::get(&mut conn, &md).await? {
        Some(s) if s.flow == Flow::Redirect && s.status == Status::Pending => {
            three_ds::set_term_url(&mut conn, &md, &term).await?;
            Ok(challenge_page(&md, "1"))
        }
        Some(_) => Ok(refused("This authentication has already been completed.")),
        None => Ok(refused("Unknown 3-D Secure session.")),
    }
}

/// The cardholder's answer.
async fn submit(State(sandbox): State<Sandbox>, body: Bytes) -> Result<Response> {
    let Some(md) = field(&body, "session") else {
        return Ok(refused("Missing session."));
    };
    let cancel = field(&body, "action").as_deref() == Some("cancel");
    let code = field(&body, "code").unwrap_or_default();
    let _guard = sandbox.lock().await;
    // Read the clock before holding a connection: an in-memory database has only one.
    let now = sandbox.clock().now().await?.unix_timestamp();
    let mut conn = sandbox.pool().acquire().await?;
    let Some(session) = three_ds::get(&mut conn, &md).await? else {
        return Ok(refused("Unknown 3-D Secure session."));
    };
    if session.expires_at <= now {
        return Ok(refused("This authentication has expired."));
    }
    let (new_status, trans_status) = if cancel {
        (Status::AcsCancelled, "N")
    } else if code.trim() == CHALLENGE_CODE {
        (Status::AcsAuthenticated, "Y")
    } else {
        (Status::AcsFailed, "N")
    };
    let mut nonce = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut nonce);
    let response = b64_json(&serde_json::json!({
        "threeDSServerTransID": md,
        "acsTransID": md,
        "messageType": if session.flow == Flow::Redirect { "PARes" } else { "CRes" },
        "messageVersion": if session.flow == Flow::Redirect { "1.0.2" } else { "2.2.0" },
        "transStatus": trans_status,
        "challengeCancel": if cancel { Some("01") } else { None },
        "nonce": nonce.iter().map(|b| format!("{b:02x}")).collect::<String>(),
    }));
    // Only a PENDING session can finish: a replayed submit is refused here.
    if !three_ds::finish_challenge(&mut conn, &md, new_status, &response).await? {
        return Ok(refused("This authentication has already been completed."));
    }
    let Some(url) = session.return_url.filter(|u| is_http_url(u)) else {
        return Ok(page(
            StatusCode::OK,
            "3-D Secure",
            "<p>Authentication finished; no return URL was given.</p>",
        ));
    };
    if session.flow == Flow::Redirect {
        Ok(auto_post(
            &url,
            &[("PaRes", &response), ("MD", &md)],
            "3-D Secure",
        ))
    } else {
        Ok(auto_post(
            &url,
            &[("cres", &response), ("threeDSSessionData", &md)],
            "3-D Secure",
        ))
    }
}
