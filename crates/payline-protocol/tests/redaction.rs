//! No card number, CVV or access key in any `Debug` or error text.
//!
//! Each test first proves the secret really is inside the value (through `expose()` or the
//! encoded message), then that its `Debug`/`Display` do not show it: a test that passes
//! because the field was silently dropped would prove nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use payline_protocol::messages::{
    DoAuthorizationRequest, GetTokenRequest, TransactionsSearchRequest, VerifyEnrollmentRequest,
};
use payline_protocol::secret::Secret;
use payline_protocol::web2token::{self, TokenAnswer};
use payline_protocol::{DecodeError, decode_request, decode_response, encode_request};

// ---------------------------------------------------------------------------------------------
// Helpers

const PAN: &str = "4970100000000154";
const CVV: &str = "847";
const CARD_PASSWORD: &str = "PWD-7731";
const ACCESS_KEY: &str = "SANDBOXACCESSKEY0001";

/// Fails when any of `secrets` appears in `shown`, naming what leaked.
fn assert_hidden(what: &str, shown: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!shown.contains(secret), "{what} shows {secret:?}: {shown}");
    }
}

fn envelope(body: &str) -> String {
    format!(
        r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:im="http://impl.ws.payline.experian.com" xmlns:ob="http://obj.ws.payline.experian.com"><soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>"#
    )
}

/// Every card field of the WSDL `card` type filled, the PAN, CVV and password included.
fn card_xml() -> String {
    format!(
        "<im:card><ob:number>{PAN}</ob:number><ob:type>CB</ob:type>\
         <ob:expirationDate>1230</ob:expirationDate><ob:cvx>{CVV}</ob:cvx>\
         <ob:ownerBirthdayDate>010190</ob:ownerBirthdayDate><ob:password>{CARD_PASSWORD}</ob:password>\
         <ob:cardPresent>0</ob:cardPresent><ob:cardholder>Jeanne Martin</ob:cardholder>\
         <ob:par>PAR123</ob:par><ob:last4>0154</ob:last4><ob:panType>FPAN</ob:panType></im:card>"
    )
}

const PAYMENT: &str = "<im:payment><ob:amount>2599</ob:amount><ob:currency>978</ob:currency>\
    <ob:action>101</ob:action><ob:mode>CPT</ob:mode><ob:contractNumber>1234567</ob:contractNumber>\
    <ob:softDescriptor>SHOP</ob:softDescriptor></im:payment>";

const ORDER: &str = "<im:order><ob:ref>CMD-2025-0001</ob:ref><ob:origin>web</ob:origin>\
    <ob:country>FR</ob:country><ob:amount>2599</ob:amount><ob:currency>978</ob:currency>\
    <ob:date>14/02/2025 09:30</ob:date></im:order>";

const BUYER: &str = "<im:buyer><ob:title>4</ob:title><ob:lastName>Martin</ob:lastName>\
    <ob:firstName>Jeanne</ob:firstName><ob:email>jeanne@example.com</ob:email>\
    <ob:billingAddress><ob:street1>1 rue de la Paix</ob:street1><ob:cityName>Paris</ob:cityName>\
    <ob:zipCode>75002</ob:zipCode><ob:country>FR</ob:country></ob:billingAddress>\
    <ob:ip>192.0.2.10</ob:ip><ob:customerId>C-42</ob:customerId></im:buyer>";

const PRIVATE_DATA: &str = "<im:privateDataList><ob:privateData><ob:key>shop</ob:key>\
    <ob:value>demo</ob:value></ob:privateData></im:privateDataList>";

const THREE_DS_INFO: &str = "<im:threeDSInfo><ob:challengeInd>01</ob:challengeInd>\
    <ob:browser><ob:acceptHeader>text/html</ob:acceptHeader><ob:javaEnabled>false</ob:javaEnabled>\
    <ob:language>fr-FR</ob:language><ob:colorDepth>24</ob:colorDepth><ob:screenHeight>1080</ob:screenHeight>\
    <ob:screenWidth>1920</ob:screenWidth><ob:timeZoneOffset>-60</ob:timeZoneOffset>\
    <ob:userAgent>Mozilla/5.0</ob:userAgent></ob:browser></im:threeDSInfo>";

fn do_authorization_xml() -> String {
    envelope(&format!(
        "<im:doAuthorizationRequest><im:version>34</im:version>{PAYMENT}<im:bankAccountData/>{card}{ORDER}{BUYER}\
         <im:owner><ob:lastName>Martin</ob:lastName><ob:firstName>Jeanne</ob:firstName></im:owner>\
         {PRIVATE_DATA}<im:authentication3DSecure><ob:eci>05</ob:eci><ob:cavv>AAABBBCCC</ob:cavv></im:authentication3DSecure>\
         <im:media>Computer</im:media><im:linkedTransactionId>25045093012345</im:linkedTransactionId>\
         {THREE_DS_INFO}</im:doAuthorizationRequest>",
        card = card_xml()
    ))
}

fn verify_enrollment_xml() -> String {
    envelope(&format!(
        "<im:verifyEnrollmentRequest><im:version>34</im:version>{card}{PAYMENT}\
         <im:orderRef>CMD-2025-0001</im:orderRef><im:mdFieldValue>MD-1</im:mdFieldValue>\
         <im:userAgent>Mozilla/5.0</im:userAgent><im:generateVirtualCvx>true</im:generateVirtualCvx>\
         <im:merchantName>Demo shop</im:merchantName><im:merchantURL>https://shop.example</im:merchantURL>\
         <im:merchantCountryCode>FR</im:merchantCountryCode><im:returnURL>https://shop.example/3ds</im:returnURL>\
         {ORDER}{BUYER}{THREE_DS_INFO}{PRIVATE_DATA}</im:verifyEnrollmentRequest>",
        card = card_xml()
    ))
}

fn sample_answer() -> TokenAnswer {
    TokenAnswer {
        token: Secret::new("497010Ab3Xz94455"),
        expiration_date: Secret::new("1230"),
        virtual_cvv: Secret::new("618204"),
        order_ref: "ORDER-0001".into(),
        card_type: "CB".into(),
        virtual_card: Some("N".into()),
        card_country: Some("FRA".into()),
        card_product: Some("Visa Classic".into()),
        bank_code: Some("20041".into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Requests

#[test]
fn do_authorization_request_debug_hides_pan_cvv_and_password() {
    let request: DoAuthorizationRequest =
        decode_request(&do_authorization_xml()).expect("fixture decodes");
    let card = &request.card;
    assert_eq!(card.number.as_ref().map(Secret::expose), Some(PAN));
    assert_eq!(card.cvx.as_ref().map(Secret::expose), Some(CVV));
    assert_eq!(
        card.password.as_ref().map(Secret::expose),
        Some(CARD_PASSWORD)
    );
    let encoded = encode_request(&request).expect("encodes");
    assert!(
        encoded.contains(PAN) && encoded.contains(CVV),
        "the secrets do reach Payline"
    );

    let shown = format!("{request:?}");
    assert!(
        shown.contains("CMD-2025-0001") && shown.contains("Jeanne"),
        "Debug shows the rest: {shown}"
    );
    assert_hidden(
        "DoAuthorizationRequest Debug",
        &shown,
        &[PAN, CVV, CARD_PASSWORD],
    );
    assert_hidden(
        "DoAuthorizationRequest Debug",
        &format!("{request:#?}"),
        &[PAN, CVV, CARD_PASSWORD],
    );
}

#[test]
fn verify_enrollment_request_debug_hides_pan_cvv_and_password() {
    let request: VerifyEnrollmentRequest =
        decode_request(&verify_enrollment_xml()).expect("fixture decodes");
    assert_eq!(request.card.number.as_ref().map(Secret::expose), Some(PAN));
    assert_eq!(request.card.cvx.as_ref().map(Secret::expose), Some(CVV));
    let shown = format!("{request:?}");
    assert!(shown.contains("Demo shop"), "Debug shows the rest: {shown}");
    assert_hidden(
        "VerifyEnrollmentRequest Debug",
        &shown,
        &[PAN, CVV, CARD_PASSWORD],
    );
}

#[test]
fn requests_carrying_a_bare_card_number_hide_it() {
    let get_token = GetTokenRequest {
        card_number: Secret::new(PAN),
        ..GetTokenRequest::default()
    };
    assert_hidden("GetTokenRequest Debug", &format!("{get_token:?}"), &[PAN]);

    let search: TransactionsSearchRequest = decode_request(&envelope(&format!(
        "<im:transactionsSearchRequest><im:version>34</im:version><im:orderRef>CMD-1</im:orderRef>\
         <im:startDate>01/01/2025</im:startDate><im:endDate>31/01/2025</im:endDate>\
         <im:cardNumber>{PAN}</im:cardNumber></im:transactionsSearchRequest>"
    )))
    .expect("search decodes");
    assert_eq!(search.card_number.as_ref().map(Secret::expose), Some(PAN));
    assert_hidden(
        "TransactionsSearchRequest Debug",
        &format!("{search:?}"),
        &[PAN],
    );
}

// ---------------------------------------------------------------------------------------------
// Decode errors from bodies that contain a card number

#[test]
fn decode_errors_never_quote_the_body() {
    let pan_element = format!("<ob:number>{PAN}</ob:number>");
    let bodies = [
        // Truncated in the middle of the card.
        do_authorization_xml()[..do_authorization_xml().find(CVV).expect("cvv in fixture")]
            .to_owned(),
        // Mismatched tag right after the PAN.
        do_authorization_xml().replace(&pan_element, &format!("<ob:number>{PAN}</ob:numbr>")),
        // The PAN where a number is expected.
        do_authorization_xml().replace(
            "<ob:amount>2599</ob:amount>",
            &format!("<ob:amount>{PAN}x</ob:amount>"),
        ),
        do_authorization_xml().replace(
            "<ob:expirationDate>1230",
            &format!("<ob:expirationDate>{PAN}"),
        ),
        // The PAN as an entity.
        envelope(&format!(
            "<im:doAuthorizationRequest>&{PAN};</im:doAuthorizationRequest>"
        )),
        // Not a SOAP envelope at all.
        format!("<html>{PAN} {CVV}</html>"),
        format!("{PAN};{CVV}"),
    ];
    for body in &bodies {
        let errors: [Option<DecodeError>; 2] = [
            decode_request::<DoAuthorizationRequest>(body).err(),
            decode_response::<DoAuthorizationRequest>(body).err(),
        ];
        for err in errors.into_iter().flatten() {
            assert_hidden("DecodeError", &format!("{err} / {err:?}"), &[PAN]);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Web2Token

#[test]
fn token_answer_debug_hides_token_expiry_and_virtual_cvv() {
    let answer = sample_answer();
    let shown = format!("{answer:?}");
    assert!(shown.contains("ORDER-0001"), "{shown}");
    assert_hidden(
        "TokenAnswer Debug",
        &shown,
        &["497010Ab3Xz94455", "618204", "1230"],
    );
}

#[test]
fn web2token_errors_hide_decrypted_fields() {
    let key = Secret::new(ACCESS_KEY);
    let bad = TokenAnswer {
        expiration_date: Secret::new(PAN),
        ..sample_answer()
    };
    let blob = web2token::encrypt_token_answer(&key, &bad);
    let err = web2token::decrypt_token_answer(&key, &blob).expect_err("PAN is no MMYY");
    assert_hidden(
        "Web2TokenError",
        &format!("{err} / {err:?}"),
        &[PAN, "618204", ACCESS_KEY],
    );
}

// ---------------------------------------------------------------------------------------------
// Client configuration and errors

#[cfg(feature = "client")]
mod client {
    use std::time::Duration;

    use payline_protocol::client::{ClientConfig, ClientError, PaylineClient};
    use payline_protocol::decode_request;
    use payline_protocol::messages::DoAuthorizationRequest;
    use payline_protocol::secret::Secret;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::{ACCESS_KEY, CVV, PAN, assert_hidden, do_authorization_xml, envelope};

    /// base64("12345678901234:SANDBOXACCESSKEY0001"), the Basic credentials.
    const BASIC: &str = "MTIzNDU2Nzg5MDEyMzQ6U0FOREJPWEFDQ0VTU0tFWTAwMDE=";

    /// Answers every connection with `status` and `body` after reading the request headers
    /// and body.
    async fn answer_with(status: u16, body: String) -> String {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let body = body.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 8192];
                    loop {
                        let Ok(n) = stream.read(&mut chunk).await else {
                            return;
                        };
                        if n == 0 {
                            return;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                        let text = String::from_utf8_lossy(&buf);
                        if let Some(end) = text.find("\r\n\r\n") {
                            let length = text[..end]
                                .lines()
                                .find_map(|l| {
                                    l.to_ascii_lowercase()
                                        .strip_prefix("content-length:")
                                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                                })
                                .unwrap_or(0);
                            if buf.len() >= end + 4 + length {
                                break;
                            }
                        }
                    }
                    let head = format!(
                        "HTTP/1.1 {status} X\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = stream.write_all(head.as_bytes()).await;
                    let _ = stream.write_all(body.as_bytes()).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        format!("http://{addr}")
    }

    fn client(base: &str) -> PaylineClient {
        let config = ClientConfig::new(base, "12345678901234", Secret::new(ACCESS_KEY))
            .expect("config")
            .with_timeout(Duration::from_secs(5))
            .without_system_proxy();
        PaylineClient::new(config).expect("client")
    }

    fn request() -> DoAuthorizationRequest {
        decode_request(&do_authorization_xml()).expect("fixture decodes")
    }

    #[test]
    fn config_and_client_debug_hide_the_access_key() {
        let config = ClientConfig::new(
            "http://127.0.0.1:8081",
            "12345678901234",
            Secret::new(ACCESS_KEY),
        )
        .expect("config");
        let shown = format!("{config:?}");
        assert!(shown.contains("12345678901234"), "{shown}");
        assert_hidden("ClientConfig Debug", &shown, &[ACCESS_KEY, BASIC]);
        let client = PaylineClient::new(config).expect("client");
        assert_hidden(
            "PaylineClient Debug",
            &format!("{client:?} {client:#?}"),
            &[ACCESS_KEY, BASIC],
        );
    }

    async fn error_for(status: u16, body: String) -> ClientError {
        let base = answer_with(status, body).await;
        client(&base)
            .do_authorization(&request())
            .await
            .expect_err("no usable answer")
    }

    fn assert_error_hidden(err: &ClientError) {
        let mut shown = format!("{err} / {err:?}");
        let mut source = std::error::Error::source(err);
        while let Some(s) = source {
            shown.push_str(&format!(" / {s} / {s:?}"));
            source = s.source();
        }
        assert_hidden("ClientError", &shown, &[PAN, ACCESS_KEY, BASIC]);
    }

    #[tokio::test]
    async fn fault_quoting_the_card_number_is_masked() {
        let fault = envelope(&format!(
            "<soapenv:Fault><faultcode>soapenv:Client</faultcode>\
             <faultstring>Invalid card number {PAN} with cvx {CVV}</faultstring>\
             <detail>card={PAN}</detail></soapenv:Fault>"
        ));
        let err = error_for(500, fault).await;
        assert!(matches!(err, ClientError::Fault(_)), "{err:?}");
        assert!(
            format!("{err}").contains("Invalid card number"),
            "the rest of the fault stays readable"
        );
        assert_error_hidden(&err);
    }

    #[tokio::test]
    async fn undecodable_answers_do_not_quote_the_body() {
        let bodies = [
            (200, format!("<html>{PAN}</html>")),
            (
                200,
                envelope(&format!(
                    "<im:doAuthorizationResponse><im:result><ob:code>{PAN}</ob:code>"
                )),
            ),
            (
                200,
                envelope(&format!(
                    "<im:doCaptureResponse><ob:number>{PAN}</ob:number></im:doCaptureResponse>"
                )),
            ),
            // A server that names its body element after the card number.
            (200, envelope(&format!("<im:x{PAN}Response/>"))),
            (401, format!("Unauthorized {PAN}")),
            (502, format!("<html>bad gateway {PAN}</html>")),
        ];
        for (status, body) in bodies {
            let err = error_for(status, body).await;
            assert!(
                matches!(err, ClientError::Decode { .. } | ClientError::Http { .. }),
                "{err:?}"
            );
            assert_error_hidden(&err);
        }
    }

    #[tokio::test]
    async fn transport_errors_hide_credentials() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        drop(listener);
        let err = client(&format!("http://{addr}"))
            .do_authorization(&request())
            .await
            .expect_err("refused");
        assert!(err.was_not_sent(), "{err:?}");
        assert_error_hidden(&err);
    }
}
