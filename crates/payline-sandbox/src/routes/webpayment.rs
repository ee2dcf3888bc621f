//! Hosted pages (Payline WebPaymentAPI redirect pages).
//!
//! * `GET /webpayment/?token=…` — payment page: order summary, the saved card of
//!   `buyer.walletId` when there is one, a card form with labelled "Card number", "Expiry
//!   date", "Security code" and "Cardholder name", buttons "Pay" and "Cancel";
//! * `POST /webpayment/pay`, `POST /webpayment/cancel`, `POST /webpayment/3ds-return`;
//! * the 3DS Method step (EMV 3DS): a page with a hidden iframe where the ACS's method page
//!   runs; the ACS posts `threeDSMethodData` to `POST /webpayment/3ds-method-notify` inside that
//!   iframe, whose page tells its parent (`postMessage`, same origin); the page then posts
//!   `POST /webpayment/3ds-method-continue` (`methodCompleted` true, or false after 10 s);
//! * `GET /webpayment/wallet?token=…`, `POST /webpayment/wallet/save` — manageWebWallet page
//!   (an enrolled card goes through the same 3DS Method step, ACS and `3ds-return` first);
//! * `GET /webpayment/hosted.js` — the pages' only script (same origin, no inline script);
//! * `GET /webpayment/pkg/{file}` — the card-capture browser module when configured.
//!
//! The buyer's browser has no credentials: the session token is the capability.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use payline_protocol::secret::Secret;
use serde::Deserialize;

use crate::engine::ctx::Ctx;
use crate::engine::web::{self, CardForm, Next};
use crate::error::Result;
use crate::state::Sandbox;
use crate::store::web_sessions::{self, SessionKind, WebSession};

use super::form::{esc, field, hidden};

/// Hosted page routes.
pub(super) fn routes() -> Router<Sandbox> {
    Router::new()
        .route("/webpayment/", get(payment_page))
        .route("/webpayment", get(payment_page))
        .route("/webpayment/pay", post(pay))
        .route("/webpayment/cancel", post(cancel))
        .route("/webpayment/3ds-return", post(three_ds_return))
        .route("/webpayment/3ds-method-notify", post(method_notify))
        .route("/webpayment/3ds-method-continue", post(method_continue))
        .route("/webpayment/wallet", get(wallet_page))
        .route("/webpayment/wallet/save", post(save_wallet))
        .route("/webpayment/hosted.js", get(script))
        .route("/webpayment/pkg/{file}", get(module_file))
}

// WebAssembly compilation needs 'wasm-unsafe-eval'; the pages post to the ACS and the
// merchant, hence form-action *; the 3DS Method runs the ACS page (this sandbox) in an iframe,
// hence frame-src 'self'.
const CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; style-src 'self' 'unsafe-inline'; frame-src 'self'; form-action *";

fn module_available(sandbox: &Sandbox) -> bool {
    sandbox
        .config()
        .browser_module_dir
        .as_ref()
        .is_some_and(|d| d.join("card_capture.js").is_file())
}

fn page(sandbox: &Sandbox, status: StatusCode, title: &str, body: &str) -> Response {
    let module = if module_available(sandbox) {
        " data-module=\"/webpayment/pkg/card_capture.js\""
    } else {
        ""
    };
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head>\
         <body{module} style=\"font-family:sans-serif;max-width:30em;margin:1em auto\">{body}\
         <script type=\"module\" src=\"/webpayment/hosted.js\"></script></body></html>",
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

fn gone(sandbox: &Sandbox, message: &str) -> Response {
    page(
        sandbox,
        StatusCode::GONE,
        "Payment",
        &format!("<h1>Payment</h1><p role=\"alert\">{}</p>", esc(message)),
    )
}

fn money(minor: i64, currency: i64) -> String {
    let alpha = u16::try_from(currency)
        .ok()
        .and_then(payline_protocol::values::Currency::from_numeric)
        .and_then(|c| c.alpha())
        .unwrap_or("");
    format!("{}.{:02} {alpha}", minor / 100, minor % 100)
}

fn card_fields() -> &'static str {
    "<p><label for=\"cardNumber\">Card number</label><br>\
     <input id=\"cardNumber\" name=\"cardNumber\" inputmode=\"numeric\" autocomplete=\"cc-number\" required></p>\
     <p><label for=\"expiryDate\">Expiry date</label><br>\
     <input id=\"expiryDate\" name=\"expiryDate\" placeholder=\"MM / YY\" autocomplete=\"cc-exp\" required></p>\
     <p><label for=\"securityCode\">Security code</label><br>\
     <input id=\"securityCode\" name=\"securityCode\" inputmode=\"numeric\" autocomplete=\"cc-csc\"></p>\
     <p><label for=\"cardholderName\">Cardholder name</label><br>\
     <input id=\"cardholderName\" name=\"cardholderName\" autocomplete=\"cc-name\"></p>"
}

fn cancel_form(token: &str) -> String {
    format!(
        "<form method=\"post\" action=\"/webpayment/cancel\">{}<button type=\"submit\">Cancel</button></form>",
        hidden("token", token)
    )
}

async fn payment_form(
    sandbox: &Sandbox,
    s: &WebSession,
    message: Option<&str>,
) -> Result<Response> {
    let mut conn = sandbox.pool().acquire().await?;
    let saved = match &s.wallet_id {
        Some(w) => crate::engine::wallets::wallet_view(&mut conn, &s.merchant_id, w).await?,
        None => None,
    };
    drop(conn);
    let mut body = format!(
        "<h1>Payment</h1><section aria-label=\"Order summary\"><h2>Order summary</h2>\
         <p>Order <strong>{order}</strong></p><p>Amount <strong>{amount}</strong></p>{plan}</section>",
        order = esc(&s.order_ref),
        amount = esc(&money(s.amount, s.currency)),
        plan = if s.mode == "NX" || s.mode == "REC" {
            "<p>Paid in instalments: the first is charged now.</p>"
        } else {
            ""
        },
    );
    if let Some(m) = message {
        body.push_str(&format!("<p role=\"alert\">{}</p>", esc(m)));
    }
    if let Some(w) = saved {
        let masked = w
            .card
            .number
            .as_ref()
            .map(|n| n.expose().to_owned())
            .unwrap_or_default();
        body.push_str(&format!(
            "<form method=\"post\" action=\"/webpayment/pay\">{}{}<p>Saved card {}</p>\
             <button type=\"submit\">Pay with saved card</button></form><h2>Or another card</h2>",
            hidden("token", &s.token),
            hidden("savedCard", "1"),
            esc(&masked)
        ));
    }
    body.push_str(&format!(
        "<form method=\"post\" action=\"/webpayment/pay\">{}{}<button type=\"submit\">Pay</button></form>{}",
        hidden("token", &s.token),
        card_fields(),
        cancel_form(&s.token)
    ));
    Ok(page(sandbox, StatusCode::OK, "Payment", &body))
}

#[derive(Deserialize)]
pub(crate) struct TokenQuery {
    token: Option<String>,
}

async fn shown_session(
    sandbox: &Sandbox,
    token: &str,
    kind: SessionKind,
) -> Result<std::result::Result<WebSession, &'static str>> {
    let _guard = sandbox.lock().await;
    let now = sandbox.clock().now().await?;
    let mut conn = sandbox.pool().acquire().await?;
    match web::usable(&mut conn, token, now).await? {
        Ok(s) if s.kind == kind => {
            web_sessions::shown(&mut conn, token).await?;
            Ok(Ok(s))
        }
        Ok(_) => Ok(Err("This payment session does not exist.")),
        Err(m) => Ok(Err(m)),
    }
}

/// `GET /webpayment/?token=…`.
pub(crate) async fn payment_page(
    State(sandbox): State<Sandbox>,
    Query(q): Query<TokenQuery>,
) -> Result<Response> {
    let token = q.token.unwrap_or_default();
    match shown_session(&sandbox, &token, SessionKind::Payment).await? {
        Ok(s) => payment_form(&sandbox, &s, None).await,
        Err(m) => Ok(gone(&sandbox, m)),
    }
}

/// `GET /webpayment/wallet?token=…`.
pub(crate) async fn wallet_page(
    State(sandbox): State<Sandbox>,
    Query(q): Query<TokenQuery>,
) -> Result<Response> {
    let token = q.token.unwrap_or_default();
    match shown_session(&sandbox, &token, SessionKind::Wallet).await? {
        Ok(s) => Ok(wallet_form(&sandbox, &s, None)),
        Err(m) => Ok(gone(&sandbox, m)),
    }
}

fn wallet_form(sandbox: &Sandbox, s: &WebSession, message: Option<&str>) -> Response {
    let alert = message
        .map(|m| format!("<p role=\"alert\">{}</p>", esc(m)))
        .unwrap_or_default();
    let body = format!(
        "<h1>Your saved card</h1><p>Wallet <strong>{}</strong>. A 1.00 EUR check is authorized, never charged.</p>{alert}\
         <form method=\"post\" action=\"/webpayment/wallet/save\">{}{}<button type=\"submit\">Save</button></form>{}",
        esc(s.wallet_id.as_deref().unwrap_or_default()),
        hidden("token", &s.token),
        card_fields(),
        cancel_form(&s.token)
    );
    page(sandbox, StatusCode::OK, "Saved card", &body)
}

fn card_form(body: &[u8]) -> CardForm {
    CardForm {
        number: Secret::new(field(body, "cardNumber").unwrap_or_default()),
        expiry: field(body, "expiryDate").unwrap_or_default(),
        cvv: field(body, "securityCode").map(Secret::new),
        holder: field(body, "cardholderName"),
    }
}

fn public_base(sandbox: &Sandbox, headers: &HeaderMap) -> String {
    if let Some(u) = &sandbox.config().public_url {
        return u.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1:8081");
    format!("http://{host}")
}

enum Action {
    Pay(CardForm),
    PayWallet,
    Cancel,
    SaveWallet(CardForm),
    ThreeDsReturn { md: String, response: String },
    MethodContinue { completed: bool },
}

/// Runs a page action in one transaction under the write lock.
async fn run(
    sandbox: &Sandbox,
    headers: &HeaderMap,
    token: Option<String>,
    action: Action,
) -> Result<Response> {
    let base = public_base(sandbox, headers);
    let outcome = {
        let _guard = sandbox.lock().await;
        let now = sandbox.clock().now().await?;
        let mut tx = sandbox.pool().begin().await?;
        let session = match (&action, token) {
            (Action::ThreeDsReturn { md, .. }, _) => {
                match web_sessions::token_of_md(&mut tx, md).await? {
                    Some(t) => web::usable(&mut tx, &t, now).await?,
                    None => Err("No payment is waiting for this authentication."),
                }
            }
            (_, Some(t)) => web::usable(&mut tx, &t, now).await?,
            (_, None) => Err("This payment session does not exist."),
        };
        let s = match session {
            Ok(s) => s,
            Err(m) => return Ok(gone(sandbox, m)),
        };
        let Some(merchant) = sandbox.config().merchant(&s.merchant_id) else {
            return Ok(gone(sandbox, "Unknown merchant."));
        };
        let mut ctx = Ctx {
            conn: &mut tx,
            vault: sandbox.vault(),
            merchant,
            now,
            public_url: base.clone(),
        };
        let next = match action {
            Action::Pay(form) => web::pay_with_card(&mut ctx, &s, form, &base).await?,
            Action::PayWallet => web::pay_with_wallet(&mut ctx, &s, &base).await?,
            Action::Cancel => web::cancel(&mut ctx, &s).await?,
            Action::SaveWallet(form) => web::save_web_wallet(&mut ctx, &s, form, &base).await?,
            Action::ThreeDsReturn { md, response } => {
                web::three_ds_return(&mut ctx, &md, &response).await?
            }
            Action::MethodContinue { completed } => {
                web::method_continue(&mut ctx, &s, completed).await?
            }
        };
        tx.commit().await?;
        (s, next)
    };
    sandbox.wake();
    let (s, next) = outcome;
    Ok(match next {
        Next::Redirect(url) => Redirect::to(&url).into_response(),
        Next::Acs { url, fields } => {
            let inputs: String = fields.iter().map(|(k, v)| hidden(k, v)).collect();
            // manageWebWallet: a non-payment authentication of the card being saved.
            let what = if s.kind == SessionKind::Wallet {
                "saving this card"
            } else {
                "this payment"
            };
            let body = format!(
                "<h1>3-D Secure</h1><p>Your bank asks you to confirm {what}.</p>\
                 <form method=\"post\" action=\"{}\" data-autosubmit>{inputs}<button type=\"submit\">Continue</button></form>",
                esc(&url)
            );
            page(sandbox, StatusCode::OK, "3-D Secure", &body)
        }
        Next::Method { url, fields } => page(
            sandbox,
            StatusCode::OK,
            "3-D Secure",
            &method_body(&s.token, &url, &fields),
        ),
        Next::Retry(message) if s.kind == SessionKind::Wallet => {
            wallet_form(sandbox, &s, Some(&message))
        }
        Next::Retry(message) => payment_form(sandbox, &s, Some(&message)).await?,
        Next::Gone(m) => gone(sandbox, m),
    })
}

/// The 3DS Method step: the ACS's method page in a hidden iframe (`data-method` form, posted
/// there by `hosted.js`), and the form that continues (`data-method-continue`): hosted.js posts
/// it with `methodCompleted=true` when the notification page in the iframe reports back, or
/// `false` after `data-timeout` ms; without script its button continues with `false`.
fn method_body(token: &str, url: &str, fields: &[(String, String)]) -> String {
    let inputs: String = fields.iter().map(|(k, v)| hidden(k, v)).collect();
    format!(
        "<h1>3-D Secure</h1><p role=\"status\">Your bank is checking this device…</p>\
         <iframe name=\"threeDSMethodFrame\" title=\"3-D Secure device check\" hidden tabindex=\"-1\" aria-hidden=\"true\"></iframe>\
         <form method=\"post\" action=\"{u}\" target=\"threeDSMethodFrame\" data-method>{inputs}</form>\
         <form method=\"post\" action=\"/webpayment/3ds-method-continue\" data-method-continue data-timeout=\"{timeout}\">{t}\
         <input type=\"hidden\" name=\"methodCompleted\" value=\"false\"><button type=\"submit\">Continue</button></form>",
        u = esc(url),
        t = hidden("token", token),
        timeout = web::METHOD_TIMEOUT_MS,
    )
}

/// `POST /webpayment/3ds-method-notify`: the ACS's 3DS Method posts `threeDSMethodData`
/// (base64url JSON naming `threeDSServerTransID`) here, inside the hidden iframe. The answer is a
/// page whose script tells the parent page (same origin) that the method completed.
pub(crate) async fn method_notify(State(sandbox): State<Sandbox>, body: Bytes) -> Result<Response> {
    let md = field(&body, "threeDSMethodData")
        .and_then(|d| crate::engine::three_ds::json_b64(&d))
        .and_then(|v| v["threeDSServerTransID"].as_str().map(str::to_owned));
    let Some(md) = md else {
        return Ok(page(
            &sandbox,
            StatusCode::BAD_REQUEST,
            "3-D Secure",
            "<p role=\"alert\">threeDSMethodData is missing or not valid.</p>",
        ));
    };
    let noted = {
        let _guard = sandbox.lock().await;
        let mut tx = sandbox.pool().begin().await?;
        let noted = web_sessions::method_notified(&mut tx, &md).await?;
        tx.commit().await?;
        noted
    };
    if !noted {
        return Ok(page(
            &sandbox,
            StatusCode::GONE,
            "3-D Secure",
            "<p role=\"alert\">No device check is waiting for this notification.</p>",
        ));
    }
    Ok(page(
        &sandbox,
        StatusCode::OK,
        "3-D Secure",
        "<p data-method-notified>Device check complete.</p>",
    ))
}

/// `POST /webpayment/3ds-method-continue`: `token`, `methodCompleted` (`true` / `false`).
pub(crate) async fn method_continue(
    State(sandbox): State<Sandbox>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let completed = field(&body, "methodCompleted").as_deref() == Some("true");
    run(
        &sandbox,
        &headers,
        field(&body, "token"),
        Action::MethodContinue { completed },
    )
    .await
}

/// `POST /webpayment/pay`.
pub(crate) async fn pay(
    State(sandbox): State<Sandbox>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let action = if field(&body, "savedCard").is_some() {
        Action::PayWallet
    } else {
        Action::Pay(card_form(&body))
    };
    run(&sandbox, &headers, field(&body, "token"), action).await
}

/// `POST /webpayment/cancel`.
pub(crate) async fn cancel(
    State(sandbox): State<Sandbox>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    run(&sandbox, &headers, field(&body, "token"), Action::Cancel).await
}

/// `POST /webpayment/wallet/save`.
pub(crate) async fn save_wallet(
    State(sandbox): State<Sandbox>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    run(
        &sandbox,
        &headers,
        field(&body, "token"),
        Action::SaveWallet(card_form(&body)),
    )
    .await
}

/// `POST /webpayment/3ds-return`: `cres` + `threeDSSessionData` (3DS2) or `PaRes` + `MD`.
pub(crate) async fn three_ds_return(
    State(sandbox): State<Sandbox>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let md = field(&body, "threeDSSessionData")
        .or_else(|| field(&body, "MD"))
        .unwrap_or_default();
    let response = field(&body, "cres")
        .or_else(|| field(&body, "PaRes"))
        .unwrap_or_default();
    run(
        &sandbox,
        &headers,
        None,
        Action::ThreeDsReturn { md, response },
    )
    .await
}

/// `GET /webpayment/hosted.js`.
pub(crate) async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../../assets/hosted.js"),
    )
        .into_response()
}

/// `GET /webpayment/pkg/{file}`: the browser module's built files, when configured.
pub(crate) async fn module_file(
    State(sandbox): State<Sandbox>,
    Path(file): Path<String>,
) -> Response {
    const FILES: [(&str, &str); 3] = [
        ("card_capture.js", "text/javascript"),
        ("card_capture_bg.wasm", "application/wasm"),
        ("card-capture.css", "text/css"),
    ];
    let Some(dir) = sandbox.config().browser_module_dir.clone() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some((name, mime)) = FILES.iter().find(|(n, _)| *n == file) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match tokio::fs::read(dir.join(name)).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, *mime)], bytes).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}
