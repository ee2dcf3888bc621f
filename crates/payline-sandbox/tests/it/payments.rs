//! Authorization life cycle and its documented result codes (Payline doAuthorization, doCapture,
//! doReset, doRefund, doCredit).

use serde_json::Value;

use crate::common::*;
use crate::soapkit::*;

fn states(ledger: &[Value]) -> Vec<(String, String, i64)> {
    ledger
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap().to_owned(),
                e["state"].as_str().unwrap().to_owned(),
                e["amount"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn full_life_cycle() {
    let s = TestSandbox::start().await;
    let r = unique_ref("life");
    let mut req = simple_auth(&r, 10_000, 100);
    // The buyer chose VISA on a co-badged CB/VISA card.
    req.payment.card_brand = Some("VISA".into());
    let auth = call(&s, &req).await;
    assert_eq!(code(&auth), "00000");
    assert_eq!(auth.result.short_message.as_deref(), Some("ACCEPTED"));
    assert_eq!(auth.card.number.as_deref(), Some("497010XXXXXX4455"));
    assert!(!auth.authorization.number.is_empty());
    let id = auth.transaction.id.clone();
    assert_eq!(id.len(), 14);

    // Partial capture, then the rest; beyond the authorized amount: 02613.
    assert_eq!(code(&call(&s, &capture(&id, 4_000)).await), "00000");
    assert_eq!(code(&call(&s, &capture(&id, 6_000)).await), "00000");
    assert_eq!(code(&call(&s, &capture(&id, 1)).await), "02613");
    // Partial refunds up to the captured amount; beyond: 02613.
    assert_eq!(code(&call(&s, &refund(&id, 3_000)).await), "00000");
    assert_eq!(code(&call(&s, &refund(&id, 7_000)).await), "00000");
    assert_eq!(code(&call(&s, &refund(&id, 1)).await), "02613");

    let ledger = s.ledger(&r).await;
    assert_eq!(
        states(&ledger),
        vec![
            ("AUTHORIZATION".into(), "CAPTURED".into(), 10_000),
            ("CAPTURE".into(), "CAPTURED".into(), 4_000),
            ("CAPTURE".into(), "CAPTURED".into(), 6_000),
            ("REFUND".into(), "REFUNDED".into(), 3_000),
            ("REFUND".into(), "REFUNDED".into(), 7_000),
        ]
    );
    assert!(
        ledger
            .iter()
            .skip(1)
            .all(|e| e["originalId"] == id.as_str())
    );
    assert_eq!(ledger[0]["cardType"], "CB");
    assert_eq!(ledger[0]["cardBrand"], "VISA");
    let text = serde_json::to_string(&ledger).unwrap();
    assert!(!text.contains(CARD), "ledger must never show a card number");
    assert!(!text.contains("\"123\""), "ledger must never show a CVV");
}

#[tokio::test]
async fn duplicate_order_ref_within_24h_is_refused_02001() {
    let s = TestSandbox::start().await;
    let r = unique_ref("dup");
    assert_eq!(code(&call(&s, &simple_auth(&r, 2_599, 101)).await), "00000");
    let dup = call(&s, &simple_auth(&r, 2_599, 101)).await;
    assert_eq!(code(&dup), "02001");
    assert_eq!(dup.transaction.is_duplicated.as_deref(), Some("1"));
    let accepted: Vec<_> = s
        .ledger(&r)
        .await
        .into_iter()
        .filter(|e| e["accepted"] == true)
        .collect();
    assert_eq!(accepted.len(), 1, "nothing charged twice");
    s.advance(24 * 3600 + 1).await;
    assert_eq!(code(&call(&s, &simple_auth(&r, 2_599, 101)).await), "00000");
}

#[tokio::test]
async fn number_and_token_together_02538() {
    let s = TestSandbox::start().await;
    let mut card = card_by_number(CARD, "CB", Some("123"));
    card.token = Some("497010AbCdEf4455".into());
    assert_eq!(
        code(&call(&s, &authorization(&unique_ref("nt"), 1000, 100, card)).await),
        "02538"
    );
}

#[tokio::test]
async fn card_checks_map_to_payline_codes() {
    let s = TestSandbox::start().await;
    let luhn = card_by_number("4970101122334456", "CB", Some("123"));
    assert_eq!(
        code(&call(&s, &authorization(&unique_ref("c"), 1000, 100, luhn)).await),
        "02614"
    );
    let mut expired = card_by_number(CARD, "CB", Some("123"));
    expired.expiration_date = Some("0120".parse().unwrap());
    assert_eq!(
        code(&call(&s, &authorization(&unique_ref("c"), 1000, 100, expired)).await),
        "02624"
    );
    let cvv = card_by_number(CARD, "CB", Some("12"));
    assert_eq!(
        code(&call(&s, &authorization(&unique_ref("c"), 1000, 100, cvv)).await),
        "01130"
    );
    assert_eq!(code(&call(&s, &simple_auth("", 1000, 100)).await), "02305");
    let mut bad_contract = simple_auth(&unique_ref("c"), 1000, 100);
    bad_contract.payment.contract_number = Some("999".into());
    assert_eq!(code(&call(&s, &bad_contract).await), "02303");
    let bad_action = simple_auth(&unique_ref("c"), 1000, 421);
    assert_eq!(code(&call(&s, &bad_action).await), "02321");
}

#[tokio::test]
async fn homologation_amounts_and_card_numbers() {
    let s = TestSandbox::start().await;
    for (amount, want) in [
        (33300u64, "00000"),
        (33305, "01100"),
        (33351, "01116"),
        (33394, "01913"),
    ] {
        assert_eq!(
            code(&call(&s, &simple_auth(&unique_ref("amt"), amount, 100)).await),
            want,
            "{amount}"
        );
    }
    // Payline's documented example card: 10th digit 9, code 01206 in digits 11-15.
    let card = card_by_number("4970103469012066", "CB", Some("123"));
    let r = call(&s, &authorization(&unique_ref("pan"), 1000, 100, card)).await;
    assert_eq!(code(&r), "01206");
    assert_eq!(r.result.short_message.as_deref(), Some("REFUSED"));
}

#[tokio::test]
async fn capture_rules() {
    let s = TestSandbox::start().await;
    assert_eq!(
        code(&call(&s, &capture("12345678901234", 100)).await),
        "02301"
    );
    let refused = call(&s, &simple_auth(&unique_ref("cr"), 33305, 100)).await;
    assert_eq!(
        code(&call(&s, &capture(&refused.transaction.id, 100)).await),
        "02302"
    );
    let captured = call(&s, &simple_auth(&unique_ref("cr"), 1000, 101)).await;
    assert_eq!(
        code(&call(&s, &capture(&captured.transaction.id, 100)).await),
        "02617"
    );
    let auth = call(&s, &simple_auth(&unique_ref("cr"), 1000, 100)).await;
    s.advance(7 * 86_400).await;
    assert_eq!(
        code(&call(&s, &capture(&auth.transaction.id, 100)).await),
        "02602"
    );
}

#[tokio::test]
async fn reset_before_settlement_refund_after() {
    let s = TestSandbox::start().await;
    // Cancel an authorization.
    let r1 = unique_ref("rs");
    let a = call(&s, &simple_auth(&r1, 1000, 100)).await;
    assert_eq!(code(&call(&s, &reset(&a.transaction.id)).await), "00000");
    assert_eq!(code(&call(&s, &reset(&a.transaction.id)).await), "02601");
    assert_eq!(
        code(&call(&s, &capture(&a.transaction.id, 100)).await),
        "02302"
    );
    assert_eq!(s.ledger(&r1).await[0]["state"], "CANCELLED");
    // Cancel a capture not yet settled.
    let r2 = unique_ref("rs");
    let b = call(&s, &simple_auth(&r2, 1000, 100)).await;
    let c = call(&s, &capture(&b.transaction.id, 1000)).await;
    assert_eq!(code(&call(&s, &reset(&c.transaction.id)).await), "00000");
    assert_eq!(
        code(&call(&s, &refund(&b.transaction.id, 100)).await),
        "02618"
    );
    // Settled at the next sandbox midnight: reset refused, refund accepted.
    let d = call(&s, &capture(&b.transaction.id, 1000)).await;
    s.advance(86_400).await;
    assert_eq!(code(&call(&s, &reset(&d.transaction.id)).await), "02105");
    assert_eq!(
        code(&call(&s, &refund(&b.transaction.id, 1000)).await),
        "00000"
    );
    let ledger = s.ledger(&r2).await;
    assert!(
        ledger
            .iter()
            .any(|e| e["type"] == "CAPTURE" && e["state"] == "SETTLED")
    );
    assert_eq!(code(&call(&s, &reset("00000000000000")).await), "02604");
}

#[tokio::test]
async fn refund_needs_a_capture_02618() {
    let s = TestSandbox::start().await;
    let a = call(&s, &simple_auth(&unique_ref("rf"), 1000, 100)).await;
    assert_eq!(
        code(&call(&s, &refund(&a.transaction.id, 100)).await),
        "02618"
    );
}

#[tokio::test]
async fn tokenizer_token_and_virtual_cvv_once() {
    use payline_protocol::web2token::{ServletAnswer, decrypt_token_answer};
    let s = TestSandbox::start().await;
    let r = unique_ref("tk");
    let body = s
        .tokenize(&r, CONTRACT, CARD, &future_expiry(), Some("123"))
        .await;
    let ServletAnswer::Data(blob) = ServletAnswer::parse(&body).unwrap() else {
        panic!("{body}")
    };
    let t = decrypt_token_answer(&TestSandbox::access_key(), &blob).unwrap();
    let card = |cvx: &str| {
        card_by_token(
            t.token.expose(),
            "CB",
            Some(t.expiration_date.expose()),
            Some(cvx),
        )
    };
    // Wrong order ref: the virtual CVV was issued for `r` only.
    assert_eq!(
        code(
            &call(
                &s,
                &authorization(
                    &unique_ref("other"),
                    1000,
                    100,
                    card(t.virtual_cvv.expose())
                )
            )
            .await
        ),
        "01130"
    );
    let ok = call(
        &s,
        &authorization(&r, 1000, 100, card(t.virtual_cvv.expose())),
    )
    .await;
    assert_eq!(code(&ok), "00000");
    assert_eq!(ok.card.token.as_deref(), Some(t.token.expose()));
    // Used once.
    assert_eq!(
        code(
            &call(
                &s,
                &authorization(
                    &unique_ref("again"),
                    1000,
                    100,
                    card(t.virtual_cvv.expose())
                )
            )
            .await
        ),
        "01130"
    );
    // Token errors.
    assert_eq!(
        code(
            &call(
                &s,
                &authorization(
                    &unique_ref("t"),
                    1000,
                    100,
                    card_by_token("497010ZzZzZz4455", "CB", Some("1230"), Some("123"))
                )
            )
            .await
        ),
        "02540"
    );
    assert_eq!(
        code(
            &call(
                &s,
                &authorization(
                    &unique_ref("t"),
                    1000,
                    100,
                    card_by_token(t.token.expose(), "CB", None, Some("123"))
                )
            )
            .await
        ),
        "02539"
    );
}

#[tokio::test]
async fn virtual_cvv_expires_after_15_minutes() {
    use payline_protocol::web2token::{ServletAnswer, decrypt_token_answer};
    let s = TestSandbox::start().await;
    let r = unique_ref("tk15");
    let body = s
        .tokenize(&r, CONTRACT, CARD, &future_expiry(), Some("123"))
        .await;
    let ServletAnswer::Data(blob) = ServletAnswer::parse(&body).unwrap() else {
        panic!("{body}")
    };
    let t = decrypt_token_answer(&TestSandbox::access_key(), &blob).unwrap();
    s.advance(15 * 60).await;
    let card = card_by_token(
        t.token.expose(),
        "CB",
        Some(t.expiration_date.expose()),
        Some(t.virtual_cvv.expose()),
    );
    assert_eq!(
        code(&call(&s, &authorization(&r, 1000, 100, card)).await),
        "01130"
    );
}

#[tokio::test]
async fn credit_and_details_and_search() {
    let s = TestSandbox::start().await;
    let credit = payline_protocol::messages::DoCreditRequest {
        version: "34".into(),
        payment: payment(500, 422, CONTRACT),
        card: card_by_number(CARD, "CB", None),
        comment: None,
        order: Some(order(&unique_ref("cred"), 500)),
        buyer: None,
        owner: None,
        private_data_list: None,
        misc_data: None,
        media: None,
        sub_merchant: None,
    };
    let c = call(&s, &credit).await;
    assert_eq!(code(&c), "00000");
    let r = unique_ref("det");
    let a = call(&s, &simple_auth(&r, 1000, 100)).await;
    call(&s, &capture(&a.transaction.id, 400)).await;
    let d = call(
        &s,
        &payline_protocol::messages::GetTransactionDetailsRequest {
            version: "34".into(),
            transaction_id: Some(a.transaction.id.clone()),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(code(&d), "00000");
    assert_eq!(
        d.associated_transactions_list
            .unwrap()
            .associated_transactions
            .len(),
        1
    );
    let today = time::OffsetDateTime::now_utc().date();
    let date = payline_protocol::values::Date::new(
        today.year() as u16,
        u8::from(today.month()),
        today.day(),
    )
    .unwrap();
    let mut search = payline_protocol::messages::TransactionsSearchRequest::new(date, date);
    search.order_ref = Some(r.clone());
    let found = call(&s, &search).await;
    assert_eq!(code(&found), "00000");
    assert_eq!(found.transaction_list.unwrap().transaction.len(), 2);
}
