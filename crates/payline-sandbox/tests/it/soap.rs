//! Transport-level errors: wrong credentials, malformed XML, unknown operation, huge body — a
//! 401 or a SOAP Fault, and nothing changes.

use crate::common::*;
use crate::soapkit::*;

async fn raw(
    s: &TestSandbox,
    path: &str,
    auth: Option<(&str, &str)>,
    body: String,
) -> (u16, String) {
    let mut req = s
        .http
        .post(s.url(path))
        .header("Content-Type", "text/xml; charset=utf-8")
        .body(body);
    if let Some((u, p)) = auth {
        req = req.basic_auth(u, Some(p));
    }
    let r = req.send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn wrong_credentials_401_and_nothing_recorded() {
    let s = TestSandbox::start().await;
    let r = unique_ref("cred");
    let body = payline_protocol::encode_request(&simple_auth(&r, 1000, 101)).unwrap();
    for auth in [
        None,
        Some((MERCHANT, "WRONGKEY")),
        Some(("99999999999999", ACCESS_KEY)),
    ] {
        let (status, text) = raw(&s, "/V4/services/DirectPaymentAPI", auth, body.clone()).await;
        assert_eq!(status, 401);
        assert!(!text.contains(CARD));
    }
    assert!(s.ledger(&r).await.is_empty());
}

#[tokio::test]
async fn malformed_unknown_and_oversized_get_a_fault() {
    let s = TestSandbox::start().await;
    let auth = Some((MERCHANT, ACCESS_KEY));
    let (status, text) = raw(
        &s,
        "/V4/services/DirectPaymentAPI",
        auth,
        "<soapenv:Envelope><oops".into(),
    )
    .await;
    assert_eq!(status, 500);
    assert!(text.contains("Fault") && text.contains("faultcode"));
    let unknown = "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:im=\"http://impl.ws.payline.experian.com\"><soapenv:Body><im:doFlyRequest/></soapenv:Body></soapenv:Envelope>";
    let (status, text) = raw(&s, "/services/DirectPaymentAPI", auth, unknown.into()).await;
    assert_eq!(status, 500);
    assert!(text.contains("Unknown or unsupported operation"));
    // A real request padded beyond the limit.
    let r = unique_ref("huge");
    let mut req = simple_auth(&r, 1000, 101);
    req.transient = Some("x".repeat(300 * 1024));
    let body = payline_protocol::encode_request(&req).unwrap();
    let (status, text) = raw(&s, "/V4/services/DirectPaymentAPI", auth, body).await;
    assert!(status == 500 || status == 413, "{status}");
    if status == 500 {
        assert!(text.contains("Fault"));
    }
    assert!(s.ledger(&r).await.is_empty());
    let (status, _) = raw(&s, "/V4/services/NoSuchAPI", auth, "<x/>".into()).await;
    assert_eq!(status, 500);
}

#[tokio::test]
async fn both_paths_and_all_three_services_answer() {
    let s = TestSandbox::start().await;
    for path in [
        "/V4/services/WebPaymentAPI",
        "/services/ExtendedAPI",
        "/services/DirectPaymentAPI",
    ] {
        let r = unique_ref("path");
        let body = payline_protocol::encode_request(&simple_auth(&r, 1000, 101)).unwrap();
        let (status, text) = raw(&s, path, Some((MERCHANT, ACCESS_KEY)), body).await;
        assert_eq!(status, 200, "{path}");
        let resp = payline_protocol::decode_response::<
            payline_protocol::messages::DoAuthorizationRequest,
        >(&text)
        .unwrap();
        assert_eq!(code(&resp), "00000");
    }
}
