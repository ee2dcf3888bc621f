//! doReAuthorization, rules 1–11 of Payline's re-authorization page.

use crate::common::*;
use crate::soapkit::*;
use payline_protocol::values::Action;

#[tokio::test]
async fn rules_1_2_5_6_8_9_on_authorizations_and_reauthorizations() {
    let s = TestSandbox::start().await;
    let r = unique_ref("ra");
    let a = call(&s, &simple_auth(&r, 1000, 100)).await;
    call(&s, &capture(&a.transaction.id, 400)).await; // rule 1: partly captured qualifies
    // Rule 6: same order reference within 24 h is a duplicate; rule 5 copies it when none given.
    let dup = call(&s, &reauth(&a.transaction.id, 1000, "")).await;
    assert_eq!(code(&dup), "02001");
    // A different reference is a transaction of its own; rule 9: any amount.
    let r2 = unique_ref("ra2");
    let re = call(&s, &reauth(&a.transaction.id, 5000, &r2)).await;
    assert_eq!(code(&re), "00000");
    let ledger = s.ledger(&r2).await;
    assert_eq!(ledger[0]["type"], "RE_AUTHORIZATION");
    assert_eq!(ledger[0]["state"], "CAPTURED");
    assert_eq!(ledger[0]["originalId"], a.transaction.id.as_str());
    // Rule 2: a re-authorization can be re-authorized.
    let re2 = call(&s, &reauth(&re.transaction.id, 700, &unique_ref("ra3"))).await;
    assert_eq!(code(&re2), "00000");
    // Rule 5 after the 24 h window: the original's reference is reused.
    s.advance(24 * 3600 + 60).await;
    let copied = call(&s, &reauth(&a.transaction.id, 1000, "")).await;
    assert_eq!(code(&copied), "00000");
    assert_eq!(
        s.ledger(&r)
            .await
            .iter()
            .filter(|e| e["type"] == "RE_AUTHORIZATION" && e["accepted"] == true)
            .count(),
        1
    );
}

#[tokio::test]
async fn rule_3_seven_days_then_eleven_months() {
    let s = TestSandbox::start().await;
    let a = call(&s, &simple_auth(&unique_ref("r3"), 1000, 100)).await;
    s.advance(8 * 86_400).await;
    assert_eq!(
        code(&call(&s, &capture(&a.transaction.id, 100)).await),
        "02602"
    );
    assert_eq!(
        code(&call(&s, &reauth(&a.transaction.id, 1000, &unique_ref("r3b"))).await),
        "00000"
    );
    s.advance(340 * 86_400).await;
    assert_eq!(
        code(&call(&s, &reauth(&a.transaction.id, 1000, &unique_ref("r3c"))).await),
        "02602"
    );
}

#[tokio::test]
async fn rule_4_same_contract_and_rule_11_option() {
    let s = TestSandbox::start().await;
    let a = call(&s, &simple_auth(&unique_ref("r4"), 1000, 100)).await;
    let mut other = reauth(&a.transaction.id, 1000, &unique_ref("r4b"));
    other.payment.contract_number = Some(CONTRACT_NO_REAUTH.into());
    assert_eq!(code(&call(&s, &other).await), "02303");
    let mut req = simple_auth(&unique_ref("r11"), 1000, 100);
    req.payment.contract_number = Some(CONTRACT_NO_REAUTH.into());
    let b = call(&s, &req).await;
    assert_eq!(code(&b), "00000");
    let mut re = reauth(&b.transaction.id, 1000, &unique_ref("r11b"));
    re.payment.contract_number = Some(CONTRACT_NO_REAUTH.into());
    let refused = call(&s, &re).await;
    assert_eq!(code(&refused), "02619");
    assert_eq!(
        refused.result.long_message.as_deref(),
        Some("You do not have the reauthorization option")
    );
}

#[tokio::test]
async fn rule_7_cancelled_and_rule_10_currency() {
    let s = TestSandbox::start().await;
    let a = call(&s, &simple_auth(&unique_ref("r7"), 1000, 100)).await;
    call(&s, &reset(&a.transaction.id)).await;
    assert_eq!(
        code(&call(&s, &reauth(&a.transaction.id, 1000, &unique_ref("r7b"))).await),
        "00000"
    );
    let r10 = unique_ref("r10");
    let mut usd = reauth(&a.transaction.id, 1000, &r10);
    usd.payment.currency = payline_protocol::values::Currency::USD;
    assert_eq!(code(&call(&s, &usd).await), "02620");
    assert!(s.ledger(&r10).await.is_empty(), "rule 10: nothing stored");
}

#[tokio::test]
async fn rule_8_no_liability_shift_after_3ds() {
    let s = TestSandbox::start().await;
    let r = unique_ref("r8");
    let card = || card_by_number("4970107111111119", "CB", Some("123"));
    let e = call(&s, &enrollment(&r, 1000, card())).await;
    let a = call(
        &s,
        &with_3ds(
            authorization(&r, 1000, 100, card()),
            e.authentication_3d_secure.unwrap(),
        ),
    )
    .await;
    assert_eq!(code(&a), "00000");
    let r2 = unique_ref("r8b");
    let re = call(&s, &reauth(&a.transaction.id, 1000, &r2)).await;
    assert_eq!(code(&re), "00000");
    assert_eq!(re.transaction.three_d_secure.as_deref(), Some("N"));
    assert_eq!(s.ledger(&r2).await[0]["liabilityShift"], false);
    assert_eq!(s.ledger(&r).await[0]["liabilityShift"], true);
}

#[tokio::test]
async fn refused_or_unknown_originals() {
    let s = TestSandbox::start().await;
    assert_eq!(
        code(&call(&s, &reauth("12345678901234", 1000, "x")).await),
        "02301"
    );
    let refused = call(&s, &simple_auth(&unique_ref("rr"), 33305, 100)).await;
    assert_eq!(
        code(
            &call(
                &s,
                &reauth(&refused.transaction.id, 1000, &unique_ref("rr2"))
            )
            .await
        ),
        "02302"
    );
}

/// The entry of type `kind` among the ledger entries of `order_ref`.
async fn entry(s: &TestSandbox, order_ref: &str, kind: &str) -> serde_json::Value {
    s.ledger(order_ref)
        .await
        .into_iter()
        .find(|e| e["type"] == kind)
        .unwrap_or_else(|| panic!("no {kind} for {order_ref}"))
}

#[tokio::test]
async fn action_100_is_an_authorization_captured_within_its_own_seven_days() {
    let s = TestSandbox::start().await;
    // The original is past its own 7 days: the re-authorization's validity is its own.
    let a = call(&s, &simple_auth(&unique_ref("a100"), 1000, 100)).await;
    s.advance(8 * 86_400).await;
    let r = unique_ref("a100b");
    let mut req = reauth(&a.transaction.id, 1200, &r);
    req.payment.action = Action::AUTHORIZATION;
    let re = call(&s, &req).await;
    assert_eq!(code(&re), "00000");
    let e = entry(&s, &r, "RE_AUTHORIZATION").await;
    assert_eq!(e["state"], "AUTHORIZED");
    // Nothing captured yet: nothing to refund.
    assert_eq!(
        code(&call(&s, &refund(&re.transaction.id, 100)).await),
        "02618"
    );
    // Captured in part with doCapture, up to its own amount.
    s.advance(6 * 86_400).await;
    assert_eq!(
        code(&call(&s, &capture(&re.transaction.id, 700)).await),
        "00000"
    );
    assert_eq!(
        code(&call(&s, &capture(&re.transaction.id, 600)).await),
        "02613"
    );
    assert_eq!(entry(&s, &r, "RE_AUTHORIZATION").await["state"], "CAPTURED");
    assert_eq!(
        code(&call(&s, &refund(&re.transaction.id, 700)).await),
        "00000"
    );

    // Another one left uncaptured expires 7 days after its own creation.
    let r2 = unique_ref("a100c");
    let mut req = reauth(&a.transaction.id, 900, &r2);
    req.payment.action = Action::AUTHORIZATION;
    let re2 = call(&s, &req).await;
    assert_eq!(code(&re2), "00000");
    s.advance(7 * 86_400 - 60).await;
    assert_eq!(
        code(&call(&s, &capture(&re2.transaction.id, 100)).await),
        "00000"
    );
    let r3 = unique_ref("a100d");
    let mut req = reauth(&a.transaction.id, 900, &r3);
    req.payment.action = Action::AUTHORIZATION;
    let re3 = call(&s, &req).await;
    s.advance(7 * 86_400).await;
    assert_eq!(
        code(&call(&s, &capture(&re3.transaction.id, 100)).await),
        "02602"
    );
    assert_eq!(entry(&s, &r3, "RE_AUTHORIZATION").await["state"], "EXPIRED");
    assert_eq!(code(&call(&s, &reset(&re3.transaction.id)).await), "02602");
}

#[tokio::test]
async fn action_101_and_202_capture_at_once() {
    let s = TestSandbox::start().await;
    let a = call(&s, &simple_auth(&unique_ref("a101"), 1000, 100)).await;
    for (action, tag) in [
        (Action::AUTHORIZATION_AND_CAPTURE, "a101b"),
        (Action::REAUTHORIZATION, "a202b"),
    ] {
        let r = unique_ref(tag);
        let mut req = reauth(&a.transaction.id, 1000, &r);
        req.payment.action = action;
        let re = call(&s, &req).await;
        assert_eq!(code(&re), "00000", "{action:?}");
        assert_eq!(entry(&s, &r, "RE_AUTHORIZATION").await["state"], "CAPTURED");
        assert_eq!(
            code(&call(&s, &capture(&re.transaction.id, 100)).await),
            "02617",
            "{action:?}: already captured"
        );
        assert_eq!(
            code(&call(&s, &refund(&re.transaction.id, 1000)).await),
            "00000"
        );
    }
}

#[tokio::test]
async fn another_action_is_refused_without_storing_anything() {
    let s = TestSandbox::start().await;
    let a = call(&s, &simple_auth(&unique_ref("aX"), 1000, 100)).await;
    let r = unique_ref("aXb");
    for action in [Action::CAPTURE, Action::REFUND, Action::DEBIT] {
        let mut req = reauth(&a.transaction.id, 1000, &r);
        req.payment.action = action;
        assert_eq!(code(&call(&s, &req).await), "02321", "{action:?}");
    }
    assert!(s.ledger(&r).await.is_empty());
}

#[tokio::test]
async fn rule_1_fully_captured_and_authorization_and_capture_originals() {
    let s = TestSandbox::start().await;
    // An authorization captured in full.
    let a = call(&s, &simple_auth(&unique_ref("f1"), 1000, 100)).await;
    assert_eq!(
        code(&call(&s, &capture(&a.transaction.id, 1000)).await),
        "00000"
    );
    let re = call(&s, &reauth(&a.transaction.id, 1000, &unique_ref("f1b"))).await;
    assert_eq!(code(&re), "00000");
    // An authorization with capture (action 101), re-authorized with either action.
    let b = call(&s, &simple_auth(&unique_ref("f2"), 1000, 101)).await;
    assert_eq!(code(&b), "00000");
    let re = call(&s, &reauth(&b.transaction.id, 1000, &unique_ref("f2b"))).await;
    assert_eq!(code(&re), "00000");
    let r = unique_ref("f2c");
    let mut req = reauth(&b.transaction.id, 1000, &r);
    req.payment.action = Action::AUTHORIZATION;
    assert_eq!(code(&call(&s, &req).await), "00000");
    assert_eq!(
        entry(&s, &r, "RE_AUTHORIZATION").await["state"],
        "AUTHORIZED"
    );
}
