//! The HTTP client against a real HTTP server on loopback (no mocked HTTP library): what it
//! sends (path, Basic auth, SOAPAction, body) and how each network failure is classified.
//!
//! The server is a raw `TcpListener` so that each test can misbehave at an exact point:
//! refuse the connection, drop it after reading the request, stall, or cut the answer short.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
#![cfg(feature = "client")]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use payline_protocol::client::{ClientConfig, ClientError, PaylineClient, TransportErrorKind};
use payline_protocol::messages::{DoAuthorizationRequest, GetTransactionDetailsRequest};
use payline_protocol::secret::Secret;
use payline_protocol::{Fault, decode_request, encode_fault};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

// ---------------------------------------------------------------------------------------------
// Loopback server

const MERCHANT: &str = "12345678901234";
const ACCESS_KEY: &str = "SANDBOXACCESSKEY0001";
const ENVELOPE: &str = "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body/></soapenv:Envelope>";

/// What the server does once it has read a whole request.
#[derive(Clone)]
enum Behaviour {
    Answer {
        status: u16,
        body: Vec<u8>,
    },
    /// Never answers (the client's timeout must fire).
    Stall,
    /// Closes the connection without a byte of answer.
    Drop,
    /// Sends headers announcing `declared` bytes, then `sent` bytes of body, then closes.
    Truncate {
        declared: usize,
        sent: usize,
    },
    /// Sends headers and part of the body, then stalls.
    StallMidBody,
}

/// The request as the server read it.
#[derive(Debug)]
struct Seen {
    request_line: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

async fn read_request(stream: &mut TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[header_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Seen {
        request_line,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn head(status: u16, length: usize) -> String {
    format!(
        "HTTP/1.1 {status} X\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
    )
}

/// Serves one connection with `behaviour`; the handle yields the request it read.
async fn serve_once(behaviour: Behaviour) -> (SocketAddr, JoinHandle<Option<Seen>>) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    let handle = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.ok()?;
        let seen = read_request(&mut stream).await?;
        match behaviour {
            Behaviour::Answer { status, body } => {
                stream
                    .write_all(head(status, body.len()).as_bytes())
                    .await
                    .ok()?;
                stream.write_all(&body).await.ok()?;
                stream.shutdown().await.ok()?;
            }
            Behaviour::Stall => tokio::time::sleep(Duration::from_secs(30)).await,
            Behaviour::Drop => drop(stream),
            Behaviour::Truncate { declared, sent } => {
                stream
                    .write_all(head(200, declared).as_bytes())
                    .await
                    .ok()?;
                stream.write_all(&vec![b'<'; sent]).await.ok()?;
                drop(stream);
            }
            Behaviour::StallMidBody => {
                stream.write_all(head(200, 100).as_bytes()).await.ok()?;
                stream.write_all(b"<soapenv:Envelope").await.ok()?;
                tokio::time::sleep(Duration::from_secs(30)).await;
            }
        }
        Some(seen)
    });
    (addr, handle)
}

fn client(base: &str, timeout: Duration) -> PaylineClient {
    let config = ClientConfig::new(base, MERCHANT, Secret::new(ACCESS_KEY))
        .expect("valid config")
        .with_timeout(timeout)
        .with_connect_timeout(Duration::from_millis(500))
        // A proxy from the environment must not stand between the test and its server.
        .without_system_proxy();
    PaylineClient::new(config).expect("client builds")
}

async fn post(client: &PaylineClient) -> Result<payline_protocol::client::SoapReply, ClientError> {
    client
        .post_soap("DirectPaymentAPI", "doAuthorization", ENVELOPE.to_owned())
        .await
}

fn unknown_kind(err: &ClientError) -> Option<TransportErrorKind> {
    match err {
        ClientError::OutcomeUnknown(t) => Some(t.kind()),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// What goes on the wire

#[tokio::test]
async fn sends_basic_auth_soap_action_and_envelope_to_the_service_path() {
    let answer = b"<soapenv:Envelope/>".to_vec();
    let (addr, server) = serve_once(Behaviour::Answer {
        status: 200,
        body: answer.clone(),
    })
    .await;
    let reply = post(&client(&format!("http://{addr}"), Duration::from_secs(5)))
        .await
        .expect("answered");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body.as_bytes(), answer.as_slice());

    let seen = server
        .await
        .expect("server task")
        .expect("server read a request");
    assert_eq!(
        seen.request_line,
        "POST /V4/services/DirectPaymentAPI HTTP/1.1"
    );
    // base64("12345678901234:SANDBOXACCESSKEY0001")
    assert_eq!(
        seen.header("authorization"),
        Some("Basic MTIzNDU2Nzg5MDEyMzQ6U0FOREJPWEFDQ0VTU0tFWTAwMDE=")
    );
    assert_eq!(seen.header("soapaction"), Some("\"doAuthorization\""));
    assert_eq!(seen.header("content-type"), Some("text/xml; charset=utf-8"));
    assert_eq!(seen.body, ENVELOPE);
}

#[tokio::test]
async fn keeps_an_explicit_services_base() {
    let (addr, server) = serve_once(Behaviour::Answer {
        status: 200,
        body: b"ok".to_vec(),
    })
    .await;
    let c = client(&format!("http://{addr}/services/"), Duration::from_secs(5));
    c.post_soap("ExtendedAPI", "getTransactionDetails", ENVELOPE.to_owned())
        .await
        .expect("answered");
    let seen = server.await.expect("server task").expect("request read");
    assert_eq!(seen.request_line, "POST /services/ExtendedAPI HTTP/1.1");
    assert_eq!(seen.header("soapaction"), Some("\"getTransactionDetails\""));
}

#[tokio::test]
async fn returns_error_statuses_with_their_body() {
    // A SOAP Fault comes with HTTP 500; the raw transport hands it over for decoding.
    let (addr, _server) = serve_once(Behaviour::Answer {
        status: 500,
        body: b"<fault/>".to_vec(),
    })
    .await;
    let reply = post(&client(&format!("http://{addr}"), Duration::from_secs(5)))
        .await
        .expect("answered");
    assert_eq!((reply.status, reply.body.as_str()), (500, "<fault/>"));
}

#[tokio::test]
async fn rejects_a_body_that_is_not_utf8() {
    let (addr, _server) = serve_once(Behaviour::Answer {
        status: 200,
        body: vec![b'<', 0xff, 0xfe],
    })
    .await;
    let err = post(&client(&format!("http://{addr}"), Duration::from_secs(5)))
        .await
        .expect_err("bad body");
    assert!(
        matches!(err, ClientError::Decode { status: 200, .. }),
        "{err:?}"
    );
    // Payline answered 2xx: it processed the call even though we cannot read the result.
    assert!(err.needs_reconciliation());
}

// ---------------------------------------------------------------------------------------------
// Never sent

#[tokio::test]
async fn refused_connection_was_not_sent() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener); // nothing listens on addr any more
    let err = post(&client(&format!("http://{addr}"), Duration::from_secs(5)))
        .await
        .expect_err("refused");
    assert!(
        matches!(&err, ClientError::NotSent(t) if t.kind() == TransportErrorKind::Connect),
        "{err:?}"
    );
    assert!(err.was_not_sent());
    assert!(!err.needs_reconciliation());
}

#[tokio::test]
async fn unreachable_host_was_not_sent() {
    // TEST-NET-1 (RFC 5737) is never routed: either the connect timeout fires or the network
    // stack refuses at once; both are "never left".
    let started = Instant::now();
    let err = post(&client("http://192.0.2.1:9", Duration::from_secs(20)))
        .await
        .expect_err("unreachable");
    assert!(matches!(err, ClientError::NotSent(_)), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "connect timeout, not the call timeout"
    );
}

#[tokio::test]
async fn bad_base_url_is_a_config_error() {
    let err = ClientConfig::new(
        "http://user:pw@127.0.0.1/",
        MERCHANT,
        Secret::new(ACCESS_KEY),
    )
    .expect_err("creds in URL");
    assert!(matches!(err, ClientError::Config(_)));
    assert!(err.was_not_sent());
}

// ---------------------------------------------------------------------------------------------
// Outcome unknown

#[tokio::test]
async fn timeout_after_sending_is_outcome_unknown() {
    let (addr, server) = serve_once(Behaviour::Stall).await;
    let started = Instant::now();
    let err = post(&client(
        &format!("http://{addr}"),
        Duration::from_millis(300),
    ))
    .await
    .expect_err("timeout");
    assert_eq!(
        unknown_kind(&err),
        Some(TransportErrorKind::Timeout),
        "{err:?}"
    );
    assert!(err.needs_reconciliation() && !err.was_not_sent());
    assert!(started.elapsed() < Duration::from_secs(5));
    server.abort();
}

#[tokio::test]
async fn per_call_timeout_overrides_the_configured_one() {
    let (addr, server) = serve_once(Behaviour::Stall).await;
    let slow = client(&format!("http://{addr}"), Duration::from_secs(60));
    let started = Instant::now();
    let err = post(&slow.with_timeout(Duration::from_millis(200)))
        .await
        .expect_err("timeout");
    assert_eq!(
        unknown_kind(&err),
        Some(TransportErrorKind::Timeout),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    server.abort();
}

#[tokio::test]
async fn connection_dropped_after_request_is_outcome_unknown() {
    let (addr, server) = serve_once(Behaviour::Drop).await;
    let err = post(&client(&format!("http://{addr}"), Duration::from_secs(5)))
        .await
        .expect_err("dropped");
    assert_eq!(
        unknown_kind(&err),
        Some(TransportErrorKind::ConnectionLost),
        "{err:?}"
    );
    assert!(err.needs_reconciliation());
    // The server did receive the whole request: exactly why a retry could charge twice.
    assert!(server.await.expect("server task").is_some());
}

#[tokio::test]
async fn truncated_answer_is_outcome_unknown() {
    let (addr, _server) = serve_once(Behaviour::Truncate {
        declared: 1000,
        sent: 10,
    })
    .await;
    let err = post(&client(&format!("http://{addr}"), Duration::from_secs(5)))
        .await
        .expect_err("truncated");
    assert_eq!(
        unknown_kind(&err),
        Some(TransportErrorKind::ConnectionLost),
        "{err:?}"
    );
}

#[tokio::test]
async fn stall_in_the_middle_of_the_answer_is_outcome_unknown() {
    let (addr, server) = serve_once(Behaviour::StallMidBody).await;
    let err = post(&client(
        &format!("http://{addr}"),
        Duration::from_millis(300),
    ))
    .await
    .expect_err("stall");
    assert_eq!(
        unknown_kind(&err),
        Some(TransportErrorKind::Timeout),
        "{err:?}"
    );
    server.abort();
}

// ---------------------------------------------------------------------------------------------
// Typed operations

/// Payline SOAP envelopes's minimal doAuthorization request.
const AUTHORIZATION_REQUEST: &str = r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:im="http://impl.ws.payline.experian.com" xmlns:ob="http://obj.ws.payline.experian.com"><soapenv:Body><im:doAuthorizationRequest><im:version>34</im:version><im:payment><ob:amount>2599</ob:amount><ob:currency>978</ob:currency><ob:action>101</ob:action><ob:mode>CPT</ob:mode><ob:contractNumber>1234567</ob:contractNumber></im:payment><im:bankAccountData/><im:card><ob:number>4970100000000154</ob:number><ob:type>CB</ob:type><ob:expirationDate>1230</ob:expirationDate><ob:cvx>123</ob:cvx></im:card><im:order><ob:ref>CMD-2025-0001</ob:ref><ob:amount>2599</ob:amount><ob:currency>978</ob:currency><ob:date>14/02/2025 09:30</ob:date></im:order></im:doAuthorizationRequest></soapenv:Body></soapenv:Envelope>"#;

fn authorization_response(code: &str, short: &str) -> Vec<u8> {
    format!(
        r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><im:doAuthorizationResponse xmlns:im="http://impl.ws.payline.experian.com" xmlns:ob="http://obj.ws.payline.experian.com"><im:result><ob:code>{code}</ob:code><ob:shortMessage>{short}</ob:shortMessage></im:result><im:transaction><ob:id>25045093012345</ob:id><ob:date>14/02/25 09:30:12</ob:date><ob:isDuplicated>0</ob:isDuplicated><ob:isPossibleFraud>0</ob:isPossibleFraud></im:transaction><im:authorization><ob:number>A55A</ob:number><ob:date>14/02/25 09:30:12</ob:date></im:authorization><im:card><ob:number>497010XXXXXX0154</ob:number><ob:type>CB</ob:type><ob:expirationDate>1230</ob:expirationDate></im:card><im:extendedCard><ob:country>FRA</ob:country></im:extendedCard><im:contractNumber>1234567</im:contractNumber></im:doAuthorizationResponse></soapenv:Body></soapenv:Envelope>"#
    )
    .into_bytes()
}

fn authorization_request() -> DoAuthorizationRequest {
    decode_request(AUTHORIZATION_REQUEST).expect("the documented example decodes")
}

#[tokio::test]
async fn do_authorization_sends_the_encoded_request_and_decodes_the_answer() {
    let answer = authorization_response("00000", "ACCEPTED");
    let (addr, server) = serve_once(Behaviour::Answer {
        status: 200,
        body: answer,
    })
    .await;
    let request = authorization_request();
    let response = client(&format!("http://{addr}"), Duration::from_secs(5))
        .do_authorization(&request)
        .await
        .expect("accepted");
    assert_eq!(response.result.code.as_str(), "00000");
    assert_eq!(response.transaction.id, "25045093012345");

    let seen = server.await.expect("server task").expect("request read");
    assert_eq!(
        seen.request_line,
        "POST /V4/services/DirectPaymentAPI HTTP/1.1"
    );
    assert_eq!(seen.header("soapaction"), Some("\"doAuthorization\""));
    // What reached the server is the request, card number included.
    let received: DoAuthorizationRequest = decode_request(&seen.body).expect("server decodes it");
    assert_eq!(received, request);
}

#[tokio::test]
async fn a_refusal_is_an_answer_not_an_error() {
    let answer = authorization_response("01116", "REFUSED");
    let (addr, _server) = serve_once(Behaviour::Answer {
        status: 200,
        body: answer,
    })
    .await;
    let response = client(&format!("http://{addr}"), Duration::from_secs(5))
        .do_authorization(&authorization_request())
        .await
        .expect("refusal is Ok");
    assert_eq!(response.result.code.as_str(), "01116");
}

#[tokio::test]
async fn a_response_with_an_error_status_is_still_an_answer() {
    // Payline's technical errors are a normal response with result code XXXXX.
    let answer = authorization_response("XXXXX", "EXCEPTION");
    let (addr, _server) = serve_once(Behaviour::Answer {
        status: 500,
        body: answer,
    })
    .await;
    let response = client(&format!("http://{addr}"), Duration::from_secs(5))
        .do_authorization(&authorization_request())
        .await
        .expect("answer");
    assert_eq!(response.result.code.as_str(), "XXXXX");
}

#[tokio::test]
async fn soap_fault_is_a_typed_error() {
    let fault = encode_fault(&Fault::client("Unmarshalling Error"))
        .expect("fault encodes")
        .into_bytes();
    let (addr, _server) = serve_once(Behaviour::Answer {
        status: 500,
        body: fault,
    })
    .await;
    let err = client(&format!("http://{addr}"), Duration::from_secs(5))
        .do_authorization(&authorization_request())
        .await
        .expect_err("fault");
    let ClientError::Fault(fault) = &err else {
        panic!("expected a fault, got {err:?}")
    };
    assert_eq!(fault.string, "Unmarshalling Error");
    assert!(!err.needs_reconciliation() && !err.was_not_sent());
}

#[tokio::test]
async fn unauthorized_is_an_http_error() {
    let (addr, _server) = serve_once(Behaviour::Answer {
        status: 401,
        body: b"Unauthorized".to_vec(),
    })
    .await;
    let err = client(&format!("http://{addr}"), Duration::from_secs(5))
        .do_authorization(&authorization_request())
        .await
        .expect_err("401");
    assert!(matches!(err, ClientError::Http { status: 401 }), "{err:?}");
    assert!(!err.needs_reconciliation());
}

#[tokio::test]
async fn gateway_timeout_from_a_proxy_needs_reconciliation() {
    let (addr, _server) = serve_once(Behaviour::Answer {
        status: 504,
        body: b"<html/>".to_vec(),
    })
    .await;
    let err = client(&format!("http://{addr}"), Duration::from_secs(5))
        .do_authorization(&authorization_request())
        .await
        .expect_err("504");
    assert!(
        matches!(err, ClientError::Http { status: 504 }) && err.needs_reconciliation(),
        "{err:?}"
    );
}

/// A 500 or 503 without a SOAP answer proves nothing: the service may have acted before it
/// failed, or a balancer may have forwarded the request. Only a Fault or a 4xx does.
#[tokio::test]
async fn server_errors_without_a_soap_answer_need_reconciliation() {
    for status in [500, 503, 408] {
        let (addr, _server) = serve_once(Behaviour::Answer {
            status,
            body: b"<html>busy</html>".to_vec(),
        })
        .await;
        let err = client(&format!("http://{addr}"), Duration::from_secs(5))
            .do_authorization(&authorization_request())
            .await
            .expect_err("error status");
        assert!(
            matches!(err, ClientError::Http { .. })
                && err.needs_reconciliation()
                && !err.was_not_sent(),
            "{status}: {err:?}"
        );
    }
}

#[tokio::test]
async fn answer_of_another_operation_is_a_decode_error_needing_reconciliation() {
    let answer = b"<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body><doCaptureResponse/></soapenv:Body></soapenv:Envelope>".to_vec();
    let (addr, _server) = serve_once(Behaviour::Answer {
        status: 200,
        body: answer,
    })
    .await;
    let err = client(&format!("http://{addr}"), Duration::from_secs(5))
        .do_authorization(&authorization_request())
        .await
        .expect_err("wrong element");
    assert!(
        matches!(err, ClientError::Decode { status: 200, .. }),
        "{err:?}"
    );
    assert!(err.needs_reconciliation());
}

#[tokio::test]
async fn extended_api_operations_go_to_their_service() {
    let (addr, server) = serve_once(Behaviour::Answer {
        status: 200,
        body: b"<x/>".to_vec(),
    })
    .await;
    let request: GetTransactionDetailsRequest = decode_request(
        r#"<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body><getTransactionDetailsRequest><version>34</version><transactionId>25045093012345</transactionId></getTransactionDetailsRequest></Body></Envelope>"#,
    )
    .expect("decodes");
    let err = client(&format!("http://{addr}"), Duration::from_secs(5))
        .get_transaction_details(&request)
        .await
        .expect_err("<x/> is no answer");
    assert!(matches!(err, ClientError::Decode { .. }), "{err:?}");
    let seen = server.await.expect("server task").expect("request read");
    assert_eq!(seen.request_line, "POST /V4/services/ExtendedAPI HTTP/1.1");
    assert_eq!(seen.header("soapaction"), Some("\"getTransactionDetails\""));
}

#[tokio::test]
async fn hosted_page_and_wallet_operations_go_to_their_service() {
    use payline_protocol::encode_response;
    use payline_protocol::messages::{
        DoWebPaymentRequest, DoWebPaymentResponse, GetWalletRequest, GetWalletResponse,
    };
    use payline_protocol::objects::{Order, PaylineResult, Payment};
    use payline_protocol::values::{Action, Amount, Currency, Mode, ReturnCode};

    let mut answer = DoWebPaymentResponse::new(PaylineResult::documented(ReturnCode::APPROVED));
    answer.token = Some("1fGx2TOKEN".into());
    let (addr, server) = serve_once(Behaviour::Answer {
        status: 200,
        body: encode_response(&answer).expect("encodes").into_bytes(),
    })
    .await;
    let amount = Amount::from_minor(2599).expect("amount");
    let mut payment = Payment::new(Currency::EUR, Action::AUTHORIZATION_AND_CAPTURE, Mode::CPT);
    payment.amount = Some(amount);
    let order = Order::new(
        amount,
        Currency::EUR,
        "04/03/2025 10:00".parse().expect("date"),
    );
    let request = DoWebPaymentRequest::new(payment, "https://s/return", "https://s/cancel", order);
    let got = client(&format!("http://{addr}"), Duration::from_secs(5))
        .do_web_payment(&request)
        .await
        .expect("answer");
    assert_eq!(got, answer);
    let seen = server.await.expect("server task").expect("request read");
    assert_eq!(
        seen.request_line,
        "POST /V4/services/WebPaymentAPI HTTP/1.1"
    );
    assert_eq!(seen.header("soapaction"), Some("\"doWebPayment\""));
    assert_eq!(
        decode_request::<DoWebPaymentRequest>(&seen.body).expect("decodes"),
        request
    );

    let unknown =
        GetWalletResponse::new(PaylineResult::documented(ReturnCode::WALLET_DOES_NOT_EXIST));
    let (addr, server) = serve_once(Behaviour::Answer {
        status: 200,
        body: encode_response(&unknown).expect("encodes").into_bytes(),
    })
    .await;
    let got = client(&format!("http://{addr}"), Duration::from_secs(5))
        .get_wallet(&GetWalletRequest::new("1234567", "W-404"))
        .await
        .expect("a 025xx code is an answer");
    assert_eq!(got.result.code, ReturnCode::WALLET_DOES_NOT_EXIST);
    let seen = server.await.expect("server task").expect("request read");
    assert_eq!(
        seen.request_line,
        "POST /V4/services/DirectPaymentAPI HTTP/1.1"
    );
    assert_eq!(seen.header("soapaction"), Some("\"getWallet\""));
}
