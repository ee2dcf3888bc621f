//! The browser tokenizer, Payline Ajax API / Web2Token `POST /webpayment/getToken`.
//!
//! Form fields `data`, `accessKeyRef`, `cardNumber`, `cardExpirationDate`, `cardCvx`; answer
//! `200 text/plain`, `data=<blob>` or `errorCode=<code>`. `data` is decrypted with the access
//! key that `accessKeyRef` names; the answer is encrypted with the same key, exactly as
//! Payline's SDKs expect (payline-protocol `web2token`). The buyer's page is on another origin:
//! CORS is allowed for any origin (the servlet is public; the access key protects `data`).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use payline_protocol::secret::Secret;
use payline_protocol::values::ReturnCode;
use payline_protocol::web2token::{self, TokenAnswer};
use zeroize::Zeroizing;

use crate::cards;
use crate::error::Result;
use crate::state::Sandbox;
use crate::store::{ledger, tokens};

fn cors(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST, OPTIONS"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("Content-Type"),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

fn text(body: String) -> Response {
    cors(
        (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            body,
        )
            .into_response(),
    )
}

fn error_code(code: ReturnCode) -> Response {
    text(format!("errorCode={code}"))
}

/// `OPTIONS /webpayment/getToken`: CORS preflight (Fetch standard, CORS protocol).
pub(super) async fn preflight() -> Response {
    cors(StatusCode::NO_CONTENT.into_response())
}

#[derive(Default)]
struct Fields {
    data: Option<String>,
    access_key_ref: Option<String>,
    card_number: Option<Secret>,
    expiry: Option<String>,
    cvx: Option<Secret>,
}

fn parse(body: &[u8]) -> Fields {
    let mut f = Fields::default();
    for (k, v) in form_urlencoded::parse(body) {
        let v = Zeroizing::new(v.into_owned());
        match k.as_ref() {
            "data" => f.data = Some(v.to_string()),
            "accessKeyRef" => f.access_key_ref = Some(v.to_string()),
            // Buyers type spaces; the module sends digits only, Payline's samples too.
            "cardNumber" => {
                f.card_number = Some(Secret::new(
                    v.chars().filter(|c| *c != ' ').collect::<String>(),
                ))
            }
            "cardExpirationDate" => f.expiry = Some(v.to_string()),
            "cardCvx" => f.cvx = Some(Secret::new(v.as_str())),
            _ => {}
        }
    }
    f
}

/// `POST /webpayment/getToken`.
pub(super) async fn get_token(State(sandbox): State<Sandbox>, body: Bytes) -> Result<Response> {
    let f = parse(&body);
    let (Some(data), Some(key_ref), Some(pan), Some(expiry)) =
        (f.data, f.access_key_ref, f.card_number, f.expiry)
    else {
        return Ok(error_code(ReturnCode::INVALID_FIELD_FORMAT));
    };
    // An unknown key reference or data that does not decrypt under it: the caller does not hold
    // this merchant's access key (Payline 09101 "wrong login").
    let Some(merchant) = sandbox.config().merchant_by_key_ref(&key_ref) else {
        return Ok(error_code(ReturnCode::WRONG_LOGIN));
    };
    let Ok(request) = web2token::decrypt_request_data(&merchant.access_key, &data) else {
        return Ok(error_code(ReturnCode::WRONG_LOGIN));
    };
    if request.merchant_id != merchant.id {
        return Ok(error_code(ReturnCode::WRONG_LOGIN));
    }
    let Some(contract) = merchant.contract(&request.contract) else {
        return Ok(error_code(ReturnCode::INVALID_CONTRACT_NUMBER));
    };
    let _guard = sandbox.lock().await;
    let now = sandbox.clock().now().await?;
    let info = match cards::check_number(&pan)
        .and_then(|info| cards::check_expiry(&expiry, now.date()).map(|()| info))
        .and_then(|info| cards::check_cvv(f.cvx.as_ref(), &info).map(|()| info))
    {
        Ok(info) => info,
        Err(e) => return Ok(error_code(e.code())),
    };
    if !contract.accepts(&info.card_type) {
        return Ok(error_code(ReturnCode::CARD_NOT_ELIGIBLE));
    }
    let mut conn = sandbox.pool().acquire().await?;
    ledger::sweep(&mut conn, now).await?;
    let token = tokens::tokenize(
        &mut conn,
        sandbox.vault(),
        &merchant.id,
        &pan,
        &info.card_type,
        now,
    )
    .await?;
    let vcvv = tokens::issue_virtual_cvv(
        &mut conn,
        sandbox.vault(),
        &merchant.id,
        &token,
        &request.order_ref,
        info.cvv_length,
        now,
    )
    .await?;
    let answer = TokenAnswer {
        token: Secret::new(token),
        expiration_date: Secret::new(expiry),
        virtual_cvv: vcvv,
        order_ref: request.order_ref,
        card_type: info.card_type,
        virtual_card: Some("N".to_owned()),
        card_country: Some("FRA".to_owned()),
        card_product: Some("Sandbox test card".to_owned()),
        bank_code: Some("99999".to_owned()),
    };
    Ok(text(format!(
        "data={}",
        web2token::encrypt_token_answer(&merchant.access_key, &answer)
    )))
}
