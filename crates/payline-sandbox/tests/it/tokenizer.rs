//! Browser tokenizer (Payline Ajax API / Web2Token) round trips with the merchant-side crypto.

use payline_protocol::web2token::{self, ServletAnswer};

use crate::common::*;

fn decrypt(body: &str) -> web2token::TokenAnswer {
    match ServletAnswer::parse(body).expect("servlet answer") {
        ServletAnswer::Data(blob) => {
            web2token::decrypt_token_answer(&TestSandbox::access_key(), &blob).expect("decrypt")
        }
        ServletAnswer::ErrorCode(code) => panic!("tokenizer refused: {code}"),
    }
}

#[tokio::test]
async fn round_trip_with_merchant_side_crypto() {
    let s = TestSandbox::start().await;
    let order = unique_ref("tok");
    let body = s
        .tokenize(
            &order,
            CONTRACT,
            "4970101122334455",
            &future_expiry(),
            Some("123"),
        )
        .await;
    let answer = decrypt(&body);
    let token = answer.token.expose().to_owned();
    assert_eq!(token.len(), 16);
    assert!(token.starts_with("497010") && token.ends_with("4455") && token != "4970101122334455");
    assert_eq!(answer.expiration_date.expose(), future_expiry());
    assert_eq!(answer.virtual_cvv.expose().len(), 3);
    assert!(
        answer
            .virtual_cvv
            .expose()
            .bytes()
            .all(|b| b.is_ascii_digit())
    );
    assert_eq!(answer.order_ref, order);
    assert_eq!(answer.card_type, "CB");

    // Same card, same token; a fresh virtual CVV each time.
    let again = decrypt(
        &s.tokenize(
            &unique_ref("tok"),
            CONTRACT,
            "4970101122334455",
            &future_expiry(),
            Some("123"),
        )
        .await,
    );
    assert_eq!(again.token.expose(), token);
    // Amex: 4-digit CVV.
    let amex = decrypt(
        &s.tokenize(
            &order,
            CONTRACT,
            "378282246310005",
            &future_expiry(),
            Some("1234"),
        )
        .await,
    );
    assert_eq!(amex.card_type, "AMEX");
    assert_eq!(amex.virtual_cvv.expose().len(), 4);
}

#[tokio::test]
async fn card_checks_answer_error_codes() {
    let s = TestSandbox::start().await;
    let exp = future_expiry();
    let cases: &[(&str, &str, Option<&str>, &str)] = &[
        (
            "4970101122334456",
            exp.as_str(),
            Some("123"),
            "errorCode=02614",
        ),
        ("49701011", exp.as_str(), Some("123"), "errorCode=02625"),
        ("4970101122334455", "0120", Some("123"), "errorCode=02624"),
        ("4970101122334455", "1320", Some("123"), "errorCode=02305"),
        (
            "4970101122334455",
            exp.as_str(),
            Some("12"),
            "errorCode=01130",
        ),
        ("4970101122334455", exp.as_str(), None, "errorCode=01130"),
        (
            "378282246310005",
            exp.as_str(),
            Some("123"),
            "errorCode=01130",
        ),
    ];
    for (pan, e, cvx, want) in cases {
        assert_eq!(
            s.tokenize("o-1", CONTRACT, pan, e, *cvx).await,
            *want,
            "{pan} {e} {cvx:?}"
        );
    }
    assert_eq!(
        s.tokenize("o-1", "0000000", "4970101122334455", &exp, Some("123"))
            .await,
        "errorCode=02303"
    );
}

#[tokio::test]
async fn data_must_decrypt_with_the_named_access_key() {
    let s = TestSandbox::start().await;
    let other_key = payline_protocol::secret::Secret::new("NOTTHESANDBOXKEY0000");
    let data = web2token::encrypt_request_data(&other_key, MERCHANT, "o-2", CONTRACT);
    let form = [
        ("data", data.as_str()),
        ("accessKeyRef", KEY_REF),
        ("cardNumber", "4970101122334455"),
        ("cardExpirationDate", "1230"),
        ("cardCvx", "123"),
    ];
    let body = s
        .http
        .post(s.url("/webpayment/getToken"))
        .form(&form)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(body, "errorCode=09101");
    let good =
        web2token::encrypt_request_data(&TestSandbox::access_key(), MERCHANT, "o-2", CONTRACT);
    let form = [
        ("data", good.as_str()),
        ("accessKeyRef", "unknown-ref"),
        ("cardNumber", "4970101122334455"),
        ("cardExpirationDate", "1230"),
    ];
    let body = s
        .http
        .post(s.url("/webpayment/getToken"))
        .form(&form)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(body, "errorCode=09101");
    let body = s
        .http
        .post(s.url("/webpayment/getToken"))
        .form(&[("data", "x")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(body, "errorCode=02305");
}

#[tokio::test]
async fn cors_preflight_and_headers() {
    let s = TestSandbox::start().await;
    let pre = s
        .http
        .request(reqwest::Method::OPTIONS, s.url("/webpayment/getToken"))
        .header("Origin", "http://shop.example")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type")
        .send()
        .await
        .unwrap();
    assert!(pre.status().is_success());
    assert_eq!(pre.headers()["access-control-allow-origin"], "*");
    assert!(
        pre.headers()["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .contains("POST")
    );
    assert!(
        pre.headers()["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .to_ascii_lowercase()
            .contains("content-type")
    );
    let r = s
        .http
        .post(s.url("/webpayment/getToken"))
        .header("Origin", "http://shop.example")
        .form(&[("a", "b")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["access-control-allow-origin"], "*");
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
}
