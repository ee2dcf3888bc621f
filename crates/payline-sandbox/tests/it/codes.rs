//! The remaining documented codes, one test each.

use payline_protocol::objects::Authentication3DSecure;

use crate::common::*;
use crate::soapkit::*;

#[tokio::test]
async fn invalid_mode_02308() {
    let s = TestSandbox::start().await;
    let mut req = simple_auth(&unique_ref("m"), 1000, 100);
    req.payment.mode = payline_protocol::values::Mode::NX;
    assert_eq!(code(&call(&s, &req).await), "02308");
}

#[tokio::test]
async fn card_type_not_on_the_contract_02541() {
    let config = payline_sandbox::Config::from_toml(
        r#"
        [[merchant]]
        id = "12345678901234"
        access_key = "SANDBOXACCESSKEY0001"
        access_key_ref = "sandbox-ref-1"
        [[merchant.contract]]
        number = "1234567"
        brands = ["CB", "VISA"]
        "#,
    )
    .unwrap();
    let s = TestSandbox::start_with(config, payline_sandbox::DbLocation::Memory).await;
    let amex = card_by_number("378282246310005", "AMEX", Some("1234"));
    assert_eq!(
        code(&call(&s, &authorization(&unique_ref("b"), 1000, 100, amex)).await),
        "02541"
    );
    // The same contract without 3-D Secure: enrollment answers "not participating".
    let e = call(
        &s,
        &enrollment(
            &unique_ref("b"),
            1000,
            card_by_number("4970105181818183", "CB", None),
        ),
    )
    .await;
    assert_eq!(code(&e), "03002");
}

#[tokio::test]
async fn reset_of_a_reset_is_not_resettable_02603() {
    let s = TestSandbox::start().await;
    let a = call(&s, &simple_auth(&unique_ref("rr"), 1000, 100)).await;
    let r = call(&s, &reset(&a.transaction.id)).await;
    assert_eq!(code(&call(&s, &reset(&r.transaction.id)).await), "02603");
}

#[tokio::test]
async fn unknown_md_03004_and_unfinished_challenge_03030() {
    let s = TestSandbox::start().await;
    let a = Authentication3DSecure {
        md: Some("no-such-md".into()),
        ..Default::default()
    };
    assert_eq!(
        code(&call(&s, &with_3ds(simple_auth(&unique_ref("md"), 1000, 101), a)).await),
        "03004"
    );
    assert_eq!(
        code(&call(&s, &verify_authentication("no-such-md", "x")).await),
        "03004"
    );
    let e = call(
        &s,
        &enrollment(
            &unique_ref("md"),
            1000,
            card_by_number("4970105181818183", "CB", None),
        ),
    )
    .await;
    let md = e.md_field_value.unwrap();
    assert_eq!(
        code(&call(&s, &verify_authentication(&md, "anything")).await),
        "03030"
    );
}

#[tokio::test]
async fn soap_get_token_02500() {
    let s = TestSandbox::start().await;
    let req = payline_protocol::messages::GetTokenRequest {
        card_number: payline_protocol::secret::Secret::new("4970101122334455"),
        expiration_date: Some(future_expiry().parse().unwrap()),
        contract_number: CONTRACT.into(),
    };
    let t = call(&s, &req).await;
    assert_eq!(code(&t), "02500");
    assert_eq!(t.masked_card_number, "497010XXXXXX4455");
    assert!(
        t.token.starts_with("497010") && t.token.ends_with("4455") && t.token != "4970101122334455"
    );
    // The same card through the browser tokenizer gets the same token.
    let body = s
        .tokenize(
            &unique_ref("gt"),
            CONTRACT,
            "4970101122334455",
            &future_expiry(),
            Some("123"),
        )
        .await;
    let payline_protocol::web2token::ServletAnswer::Data(blob) =
        payline_protocol::web2token::ServletAnswer::parse(&body).unwrap()
    else {
        panic!("{body}")
    };
    let answer =
        payline_protocol::web2token::decrypt_token_answer(&TestSandbox::access_key(), &blob)
            .unwrap();
    assert_eq!(answer.token.expose(), t.token);
    let mut bad = req.clone();
    bad.card_number = payline_protocol::secret::Secret::new("4970101122334456");
    assert_eq!(code(&call(&s, &bad).await), "02614");
}

#[tokio::test]
async fn search_without_match_02310_and_too_long_02320() {
    let s = TestSandbox::start().await;
    let d = |y: u16, m: u8, day: u8| payline_protocol::values::Date::new(y, m, day).unwrap();
    let mut req =
        payline_protocol::messages::TransactionsSearchRequest::new(d(2026, 1, 1), d(2026, 1, 2));
    req.order_ref = Some("nothing".into());
    assert_eq!(code(&call(&s, &req).await), "02310");
    req.end_date = d(2026, 6, 1);
    assert_eq!(code(&call(&s, &req).await), "02320");
}

#[tokio::test]
async fn ledger_survives_a_restart() {
    let dir = std::env::temp_dir().join(unique_ref("sandbox-ledger"));
    let db = payline_sandbox::DbLocation::File(dir.join("ledger.sqlite"));
    let r = unique_ref("persist");
    let id = {
        let s = TestSandbox::start_with(payline_sandbox::Config::default(), db.clone()).await;
        call(&s, &simple_auth(&r, 1000, 100)).await.transaction.id
    };
    let s = TestSandbox::start_with(payline_sandbox::Config::default(), db).await;
    assert_eq!(code(&call(&s, &capture(&id, 1000)).await), "00000");
    assert_eq!(s.ledger(&r).await.len(), 2);
    let _ = std::fs::remove_dir_all(dir);
}
