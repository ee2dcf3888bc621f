//! doReAuthorization, rules 1–11 of Payline's re-authorization page.

use crate::common::*;
use crate::soapkit::*;

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
