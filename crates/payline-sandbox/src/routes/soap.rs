//! The SOAP endpoint: `POST /V4/services/{DirectPaymentAPI,WebPaymentAPI,ExtendedAPI}` (and the
//! fail-over form `/services/...`). Dispatch is on the body element, as Payline's three WSDLs
//! each declare every binding. Errors speak Payline's dialect: a result code inside the
//! operation's response where one exists, a SOAP 1.1 Fault for transport-level problems
//! (malformed XML, unknown operation, oversized body), and nothing is changed in either case.
//!
//! Injected faults (`/sandbox/faults`) strike here, on the endpoint the call came in on: before
//! processing (503, result codes, held answer) or after the operation was processed and
//! committed (500, held answer, connection reset), as a gateway failing at that point would.

use axum::Extension;
use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use payline_protocol::codec::{IMPL_NS, OBJ_NS, SOAP_ENV_NS};
use payline_protocol::messages::{
    DoAuthorizationRedirectResponse, DoBankTransferResponse, DoScoringChequeResponse,
    GetBalanceResponse, GetEncryptionKeyResponse, PrepareSessionResponse, UnBlockResponse,
};
use payline_protocol::objects::PaylineResult;
use payline_protocol::values::ReturnCode;
use payline_protocol::{
    AnyRequest, AnyResponse, Fault, decode_any_request, encode_any_response, encode_fault,
};

use super::limits::MAX_BODY_BYTES;
use crate::auth::{authenticate, unauthorized};
use crate::config::MerchantConfig;
use crate::engine::ctx::Ctx;
use crate::engine::{account, payments, records, reports, three_ds, wallets, web};
use crate::error::Result;
use crate::faults::{FaultMode, SeenHeaders};
use crate::listener::Connection;
use crate::state::Sandbox;
use crate::store::ledger;

const SERVICES: [&str; 3] = ["DirectPaymentAPI", "WebPaymentAPI", "ExtendedAPI"];

fn xml(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
        body,
    )
        .into_response()
}

/// A SOAP 1.1 Fault; SOAP 1.1 §6.2 answers faults with HTTP 500.
fn fault(client: bool, text: &str) -> Response {
    let f = if client {
        Fault::client(text)
    } else {
        Fault::server(text)
    };
    match encode_fault(&f) {
        Ok(body) => xml(StatusCode::INTERNAL_SERVER_ERROR, body),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "SOAP fault").into_response(),
    }
}

/// The base URL the buyer's browser uses to reach this sandbox: the configured `public_url`, or
/// the `Host` the SOAP client used (the payment server embeds the sandbox on loopback).
fn public_url(sandbox: &Sandbox, headers: &HeaderMap) -> String {
    if let Some(u) = &sandbox.config().public_url {
        return u.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1:8081");
    format!("http://{host}")
}

/// An answer of `operation` carrying only a `result` with `code` (Payline result codes), as
/// Payline answers a system error without processing the request.
fn result_answer(operation: &str, code: &str, message: &str) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"{SOAP_ENV_NS}\" \
         xmlns:impl=\"{IMPL_NS}\" xmlns:obj=\"{OBJ_NS}\"><soapenv:Body><impl:{operation}Response>\
         <impl:result><obj:code>{code}</obj:code><obj:shortMessage>ERROR</obj:shortMessage>\
         <obj:longMessage>{message}</obj:longMessage></impl:result></impl:{operation}Response>\
         </soapenv:Body></soapenv:Envelope>"
    );
    xml(StatusCode::OK, body)
}

/// The element whose text a request may carry in a format the codec refuses, while Payline
/// answers it with a result code: the payment object's `dd/mm/yy` date.
const DIFFERED_ACTION_DATE: &str = "differedActionDate";

/// `text` with the content of every `differedActionDate` start tag removed (an empty element
/// is absent for the codec), or `None` when there is no such element with content.
fn without_differed_action_date(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut found = false;
    while let Some(i) = rest.find(DIFFERED_ACTION_DATE) {
        let end = i + DIFFERED_ACTION_DATE.len();
        let (head, tail) = rest.split_at(end);
        // A start tag: `<name` or `<prefix:name`, then `>` or an attribute.
        let opens = head[..i].rfind('<').is_some_and(|lt| {
            let prefix = &head[lt + 1..i];
            prefix.is_empty()
                || (prefix.ends_with(':')
                    && prefix[..prefix.len() - 1]
                        .chars()
                        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.')))
        }) && tail.starts_with(|c: char| c == '>' || c.is_whitespace());
        let content = opens
            .then(|| tail.find('>'))
            .flatten()
            .filter(|gt| !tail[..*gt].ends_with('/'))
            .and_then(|gt| tail[gt + 1..].find('<').map(|lt| (gt, gt + 1 + lt)));
        match content {
            Some((gt, lt)) => {
                out.push_str(head);
                out.push_str(&tail[..=gt]);
                found |= lt > gt + 1;
                rest = &tail[lt..];
            }
            None => {
                out.push_str(head);
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    found.then_some(out)
}

/// The operation of a request that decodes once its `differedActionDate` is emptied: the date
/// was the only part the codec refused.
fn operation_with_bad_differed_date(text: &str) -> Option<payline_protocol::Operation> {
    let blanked = without_differed_action_date(text)?;
    decode_any_request(&blanked).ok().map(|r| r.operation())
}

/// Remembers the `x-failover-*` headers of a call (Payline PHP SDK fail-over), if it has any.
fn record_failover_headers(sandbox: &Sandbox, endpoint: usize, operation: &str, h: &HeaderMap) {
    let get = |name: &str| {
        h.get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.chars().take(200).collect::<String>())
    };
    let seen = SeenHeaders {
        endpoint,
        operation: operation.to_owned(),
        cause: get("x-failover-cause"),
        duration: get("x-failover-duration"),
        origin: get("x-failover-origin"),
        index: get("x-failover-index"),
    };
    if seen.cause.is_some()
        || seen.duration.is_some()
        || seen.origin.is_some()
        || seen.index.is_some()
    {
        sandbox.faults().saw(seen);
    }
}

/// `POST /V4/services/{api}`.
pub(super) async fn handle(
    State(sandbox): State<Sandbox>,
    Path(api): Path<String>,
    connection: Option<Extension<ConnectInfo<Connection>>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response> {
    // Authentication first: a refused caller gets 401 and nothing is read or recorded.
    let Some(merchant) = authenticate(&headers, sandbox.config()) else {
        return Ok(unauthorized());
    };
    if !SERVICES.contains(&api.as_str()) {
        return Ok(fault(true, "Unknown service"));
    }
    let Ok(bytes) = to_bytes(body, MAX_BODY_BYTES).await else {
        return Ok(fault(true, "Request body too large"));
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return Ok(fault(true, "Request is not UTF-8"));
    };
    // The error text never echoes the request (it may hold a card number).
    let request = match decode_any_request(text) {
        Ok(r) => r,
        Err(payline_protocol::DecodeError::UnsupportedOperation(_)) => {
            return Ok(fault(true, "Unknown or unsupported operation"));
        }
        Err(payline_protocol::DecodeError::TooLarge { .. }) => {
            return Ok(fault(true, "Request body too large"));
        }
        Err(_) => {
            // A `payment.differedActionDate` that is not a `dd/mm/yy` date is a field in the
            // wrong format for Payline, answered with a result code like the other checks of
            // the payment object (Payline payment object), not a malformed message.
            if let Some(operation) = operation_with_bad_differed_date(text) {
                let r = PaylineResult::documented(ReturnCode::INVALID_FIELD_FORMAT);
                let message = r.long_message.unwrap_or_default();
                return Ok(result_answer(operation.name(), r.code.as_str(), &message));
            }
            return Ok(fault(true, "Malformed SOAP request"));
        }
    };
    let connection = connection.map(|Extension(ConnectInfo(c))| c);
    let endpoint = connection.as_ref().map_or(0, |c| c.endpoint);
    let operation = request.operation().name();
    record_failover_headers(&sandbox, endpoint, operation, &headers);
    let strike = sandbox.faults().strike(endpoint, operation);
    match strike {
        // A load balancer with no server to forward to: no SOAP body.
        Some((FaultMode::Http503, _)) => return Ok(StatusCode::SERVICE_UNAVAILABLE.into_response()),
        Some((FaultMode::Result04901, _)) => {
            return Ok(result_answer(operation, "04901", "System error"));
        }
        Some((FaultMode::Result02101, _)) => {
            return Ok(result_answer(operation, "02101", "Internal error"));
        }
        Some((FaultMode::TimeoutBeforeProcessing, hold)) => {
            tokio::time::sleep(hold).await;
            return Ok(StatusCode::SERVICE_UNAVAILABLE.into_response());
        }
        _ => {}
    }
    let response = process(&sandbox, merchant, &headers, request).await?;
    match strike {
        Some((FaultMode::Http500AfterProcessing, _)) => {
            Ok(StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
        Some((FaultMode::TimeoutAfterProcessing, hold)) => {
            tokio::time::sleep(hold).await;
            Ok(response)
        }
        Some((FaultMode::ResetAfterProcessing, _)) => match connection {
            Some(c) => {
                c.reset();
                Ok(response)
            }
            // A router served without the sandbox's listeners cannot reset its connection:
            // the closest answer is a 500 without a body, also after processing.
            None => Ok(StatusCode::INTERNAL_SERVER_ERROR.into_response()),
        },
        _ => Ok(response),
    }
}

/// Runs one operation in its own transaction, one at a time, and encodes its answer.
async fn process(
    sandbox: &Sandbox,
    merchant: &MerchantConfig,
    headers: &HeaderMap,
    request: AnyRequest,
) -> Result<Response> {
    let _guard = sandbox.lock().await;
    let now = sandbox.clock().now().await?;
    let mut tx = sandbox.pool().begin().await?;
    ledger::sweep(&mut tx, now).await?;
    let mut ctx = Ctx {
        conn: &mut tx,
        vault: sandbox.vault(),
        merchant,
        now,
        public_url: public_url(sandbox, headers),
    };
    let response: AnyResponse = match request {
        AnyRequest::DoAuthorization(r) => payments::do_authorization(&mut ctx, r).await?.into(),
        AnyRequest::DoCapture(r) => payments::do_capture(&mut ctx, r).await?.into(),
        AnyRequest::DoReset(r) => payments::do_reset(&mut ctx, r).await?.into(),
        AnyRequest::DoRefund(r) => payments::do_refund(&mut ctx, r).await?.into(),
        AnyRequest::DoCredit(r) => payments::do_credit(&mut ctx, r).await?.into(),
        AnyRequest::DoReAuthorization(r) => {
            payments::do_re_authorization(&mut ctx, r).await?.into()
        }
        AnyRequest::VerifyEnrollment(r) => three_ds::verify_enrollment(&mut ctx, r).await?.into(),
        AnyRequest::VerifyAuthentication(r) => {
            three_ds::verify_authentication(&mut ctx, r).await?.into()
        }
        AnyRequest::GetToken(r) => reports::get_token(&mut ctx, r).await?.into(),
        AnyRequest::GetTransactionDetails(r) => {
            reports::get_transaction_details(&mut ctx, r).await?.into()
        }
        AnyRequest::TransactionsSearch(r) => {
            reports::transactions_search(&mut ctx, r).await?.into()
        }
        AnyRequest::CreateWallet(r) => wallets::create_wallet(&mut ctx, r).await?.into(),
        AnyRequest::UpdateWallet(r) => wallets::update_wallet(&mut ctx, r).await?.into(),
        AnyRequest::GetWallet(r) => wallets::get_wallet(&mut ctx, r).await?.into(),
        AnyRequest::GetCards(r) => wallets::get_cards(&mut ctx, r).await?.into(),
        AnyRequest::DisableWallet(r) => wallets::disable_wallet(&mut ctx, r).await?.into(),
        AnyRequest::EnableWallet(r) => wallets::enable_wallet(&mut ctx, r).await?.into(),
        AnyRequest::DoImmediateWalletPayment(r) => {
            wallets::do_immediate_wallet_payment(&mut ctx, r)
                .await?
                .into()
        }
        AnyRequest::DoScheduledWalletPayment(r) => {
            records::do_scheduled_wallet_payment(&mut ctx, r)
                .await?
                .into()
        }
        AnyRequest::DoRecurrentWalletPayment(r) => {
            records::do_recurrent_wallet_payment(&mut ctx, r)
                .await?
                .into()
        }
        AnyRequest::GetPaymentRecord(r) => records::get_payment_record(&mut ctx, r).await?.into(),
        AnyRequest::DisablePaymentRecord(r) => {
            records::disable_payment_record(&mut ctx, r).await?.into()
        }
        AnyRequest::UpdatePaymentRecord(r) => {
            records::update_payment_record(&mut ctx, r).await?.into()
        }
        AnyRequest::GetBillingRecord(r) => records::get_billing_record(&mut ctx, r).await?.into(),
        AnyRequest::UpdateBillingRecord(r) => {
            records::update_billing_record(&mut ctx, r).await?.into()
        }
        AnyRequest::DoWebPayment(r) => web::do_web_payment(&mut ctx, r).await?.into(),
        AnyRequest::GetWebPaymentDetails(r) => {
            web::get_web_payment_details(&mut ctx, r).await?.into()
        }
        AnyRequest::ManageWebWallet(r) => web::manage_web_wallet(&mut ctx, r).await?.into(),
        AnyRequest::GetWebWallet(r) => web::get_web_wallet(&mut ctx, r).await?.into(),
        AnyRequest::CreateWebWallet(r) => web::create_web_wallet(&mut ctx, r).await?.into(),
        AnyRequest::UpdateWebWallet(r) => web::update_web_wallet(&mut ctx, r).await?.into(),
        AnyRequest::DoDebit(r) => payments::do_debit(&mut ctx, r).await?.into(),
        AnyRequest::GetMerchantSettings(r) => account::get_merchant_settings(&ctx, r).into(),
        AnyRequest::IsRegistered(r) => account::is_registered(&mut ctx, r).await?.into(),
        AnyRequest::GetAlertDetails(r) => account::get_alert_details(r).into(),
        // Services a card sandbox has no counterpart for: Payline's answer to an operation the
        // account is not allowed, not a SOAP Fault.
        AnyRequest::DoAuthorizationRedirect(_) => {
            DoAuthorizationRedirectResponse::new(account::not_enabled()).into()
        }
        AnyRequest::DoBankTransfer(_) => DoBankTransferResponse::new(account::not_enabled()).into(),
        AnyRequest::DoScoringCheque(_) => {
            DoScoringChequeResponse::new(account::not_enabled()).into()
        }
        AnyRequest::GetEncryptionKey(_) => {
            GetEncryptionKeyResponse::new(account::not_enabled()).into()
        }
        AnyRequest::GetBalance(_) => GetBalanceResponse::new(account::not_enabled()).into(),
        AnyRequest::UnBlock(_) => UnBlockResponse::new(account::not_enabled()).into(),
        AnyRequest::PrepareSession(_) => PrepareSessionResponse::new(account::not_enabled()).into(),
        // `AnyRequest` is non-exhaustive: an operation a later protocol version adds.
        _ => return Ok(fault(true, "Unknown or unsupported operation")),
    };
    match encode_any_response(&response) {
        Ok(body) => {
            tx.commit().await?;
            // Queued notifications go out in the background.
            sandbox.wake();
            Ok(xml(StatusCode::OK, body))
        }
        // Dropping the transaction rolls the operation back: the caller never saw an answer.
        Err(_) => Ok(fault(false, "Internal error while encoding the response")),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn empties_differed_action_date_elements_only() {
        let xml = "<a><impl:payment><obj:differedActionDate>31/02/26</obj:differedActionDate>\
                   <differedActionDate xsi:type=\"s\">x</differedActionDate>\
                   <obj:differedActionDate/><obj:note>differedActionDate</obj:note>\
                   </impl:payment></a>";
        assert_eq!(
            without_differed_action_date(xml).as_deref(),
            Some(
                "<a><impl:payment><obj:differedActionDate></obj:differedActionDate>\
                 <differedActionDate xsi:type=\"s\"></differedActionDate>\
                 <obj:differedActionDate/><obj:note>differedActionDate</obj:note>\
                 </impl:payment></a>"
            )
        );
        assert_eq!(
            without_differed_action_date("<obj:differedActionDate/>"),
            None
        );
        assert_eq!(without_differed_action_date("<a>b</a>"), None);
    }
}
