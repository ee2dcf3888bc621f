//! Wallets (Payline createWallet, updateWallet, getWallet, getCards, disableWallet,
//! enableWallet, doImmediateWalletPayment) and their 025xx codes.

use payline_protocol::values::Mode;
use payline_protocol::web2token::{self, ServletAnswer};

use crate::common::*;
use crate::soapkit::*;
use crate::walletkit::*;

#[tokio::test]
async fn create_checks_the_card_with_1_eur_never_captured_and_answers_masked_number_and_token() {
    let s = TestSandbox::start().await;
    let id = unique_ref("w");
    let r = call(&s, &create(&id, wallet_card(CARD, &future_expiry()))).await;
    assert_eq!(code(&r), "02500");
    assert_eq!(r.card.number.as_deref(), Some("497010XXXXXX4455"));
    let token = r.card.token.clone().expect("token");
    assert!(token.starts_with("497010") && token.ends_with("4455") && token != CARD);

    let check = s.ledger(&format!("wallet-check:{id}")).await;
    assert_eq!(check.len(), 1);
    assert_eq!(
        (
            check[0]["type"].as_str(),
            check[0]["amount"].as_i64(),
            check[0]["currency"].as_i64()
        ),
        (Some("AUTHORIZATION"), Some(100), Some(978))
    );
    assert_eq!(
        check[0]["state"], "AUTHORIZED",
        "the check is never captured"
    );
    assert_eq!(check[0]["action"], 100);
    // Eight days later it has expired, still uncaptured.
    s.advance(8 * 86_400).await;
    assert_eq!(
        s.ledger(&format!("wallet-check:{id}")).await[0]["state"],
        "EXPIRED"
    );

    // Same id again: 02502; nothing checked twice.
    assert_eq!(
        code(&call(&s, &create(&id, wallet_card(CARD, &future_expiry()))).await),
        "02502"
    );
    assert_eq!(s.ledger(&format!("wallet-check:{id}")).await.len(), 1);

    let got = call(&s, &get(&id, None)).await;
    assert_eq!(code(&got), "02500");
    let w = got.wallet.expect("wallet");
    assert_eq!(w.wallet_id, id);
    assert_eq!(
        w.card
            .number
            .as_ref()
            .map(|n| n.expose().to_owned())
            .as_deref(),
        Some("497010XXXXXX4455")
    );
    assert_eq!(w.card.token.as_deref(), Some(token.as_str()));
    assert_eq!(w.last_name.as_deref(), Some("Martin"));
    assert_eq!(got.is_disabled.as_deref(), Some("0"));
}

#[tokio::test]
async fn refused_cards_create_nothing() {
    let s = TestSandbox::start().await;
    // Expired card.
    let id = unique_ref("w");
    assert_eq!(
        code(&call(&s, &create(&id, wallet_card(CARD, "0120"))).await),
        "02624"
    );
    assert_eq!(code(&call(&s, &get(&id, None)).await), "02503");
    // Check authorization refused by the bank (homologation card-number convention 01206).
    let id = unique_ref("w");
    assert_eq!(
        code(
            &call(
                &s,
                &create(&id, wallet_card("4970103469012066", &future_expiry()))
            )
            .await
        ),
        "01206"
    );
    assert_eq!(code(&call(&s, &get(&id, None)).await), "02503");
    let check = s.ledger(&format!("wallet-check:{id}")).await;
    assert_eq!(check[0]["state"], "REFUSED");
    // Bad Luhn.
    let id = unique_ref("w");
    assert_eq!(
        code(
            &call(
                &s,
                &create(&id, wallet_card("4970101122334456", &future_expiry()))
            )
            .await
        ),
        "02614"
    );
}

#[tokio::test]
async fn card_by_token_and_virtual_cvv_from_the_tokenizer() {
    let s = TestSandbox::start().await;
    let id = unique_ref("w");
    // The tokenizer's virtual CVV is bound to the order reference: the wallet id here.
    let body = s
        .tokenize(
            &id,
            CONTRACT,
            "5130000000000010",
            &future_expiry(),
            Some("123"),
        )
        .await;
    let answer = match ServletAnswer::parse(&body).expect("answer") {
        ServletAnswer::Data(blob) => {
            web2token::decrypt_token_answer(&TestSandbox::access_key(), &blob).expect("decrypt")
        }
        ServletAnswer::ErrorCode(c) => panic!("tokenizer refused {c}"),
    };
    let card = card_by_token(
        answer.token.expose(),
        "MASTERCARD",
        Some(&future_expiry()),
        Some(answer.virtual_cvv.expose()),
    );
    let r = call(&s, &create(&id, card.clone())).await;
    assert_eq!(code(&r), "02500");
    assert_eq!(r.card.number.as_deref(), Some("513000XXXXXX0010"));
    // The virtual CVV is single-use.
    assert_eq!(
        code(&call(&s, &update(&id, Some("2"), card)).await),
        "01130"
    );
    // Unknown token.
    let bad = card_by_token(
        "4970100000004455",
        "CB",
        Some(&future_expiry()),
        Some("123"),
    );
    assert_eq!(
        code(&call(&s, &create(&unique_ref("w"), bad)).await),
        "02540"
    );
}

#[tokio::test]
async fn several_cards_per_wallet_and_disable_enable() {
    let s = TestSandbox::start().await;
    let id = new_wallet(&s, "multi").await;
    // A second card at cardInd 2 (new 1 EUR check).
    let r = call(
        &s,
        &update(
            &id,
            Some("2"),
            wallet_card("5130000000000010", &future_expiry()),
        ),
    )
    .await;
    assert_eq!(code(&r), "02500");
    assert_eq!(r.card.number.as_deref(), Some("513000XXXXXX0010"));
    assert_eq!(s.ledger(&format!("wallet-check:{id}")).await.len(), 2);
    // Owner fields only: the card is kept, nothing checked.
    let mut only_names = update(&id, None, empty_card());
    only_names.wallet.email = Some("ada@example.test".into());
    let r = call(&s, &only_names).await;
    assert_eq!(code(&r), "02500");
    assert_eq!(r.card.number.as_deref(), Some("497010XXXXXX4455"));
    assert_eq!(s.ledger(&format!("wallet-check:{id}")).await.len(), 2);

    let cards = call(
        &s,
        &payline_protocol::messages::GetCardsRequest {
            version: "34".into(),
            contract_number: CONTRACT.into(),
            wallet_id: id.clone(),
            card_ind: None,
        },
    )
    .await;
    assert_eq!(code(&cards), "02500");
    let list = cards.cards_list.expect("cards").cards;
    assert_eq!(
        list.iter()
            .map(|c| c.card_ind.clone().unwrap_or_default())
            .collect::<Vec<_>>(),
        vec!["1", "2"]
    );
    assert_eq!(
        list[1]
            .card
            .number
            .as_ref()
            .map(|n| n.expose().to_owned())
            .as_deref(),
        Some("513000XXXXXX0010")
    );
    assert_eq!(list[0].email.as_deref(), Some("ada@example.test"));
    assert_eq!(code(&call(&s, &get(&id, Some("2"))).await), "02500");
    assert_eq!(code(&call(&s, &get(&id, Some("3"))).await), "02503");

    // Pay with card 2.
    let mut pay = immediate(&id, &unique_ref("o"), 2_500, Mode::CPT);
    pay.card_ind = Some("2".into());
    let r = call(&s, &pay).await;
    assert_eq!(code(&r), "00000");
    let ledger = s.ledger(&pay.order.r#ref).await;
    assert_eq!(ledger[0]["maskedCard"], "513000XXXXXX0010");

    // Disable: isDisabled / disableDate, payments refused 02505, disabling again 02516.
    assert_eq!(code(&call(&s, &disable(&[&id], None)).await), "02500");
    let got = call(&s, &get(&id, None)).await;
    assert_eq!(got.is_disabled.as_deref(), Some("1"));
    assert!(
        got.disable_date.as_deref().is_some_and(|d| d.len() == 14),
        "{:?}",
        got.disable_date
    );
    assert_eq!(
        code(&call(&s, &immediate(&id, &unique_ref("o"), 1_000, Mode::CPT)).await),
        "02505"
    );
    let again = call(&s, &disable(&[&id, "nope"], None)).await;
    assert_eq!(code(&again), "02516");
    assert_eq!(again.wallet_id_list.wallet_id.len(), 2);
    assert_eq!(
        code(&call(&s, &update(&id, None, empty_card())).await),
        "02505"
    );
    // Enable, then pay.
    assert_eq!(code(&call(&s, &enable(&id)).await), "02500");
    assert_eq!(code(&call(&s, &enable(&id)).await), "02519");
    assert_eq!(code(&call(&s, &enable("nope")).await), "02503");
    assert_eq!(
        code(&call(&s, &immediate(&id, &unique_ref("o"), 1_000, Mode::CPT)).await),
        "00000"
    );
    // Only card 2 disabled: card 1 still pays, card 2 refused.
    let partial = call(&s, &disable(&[&id, "nope"], Some("2"))).await;
    assert_eq!(code(&partial), "02517");
    assert_eq!(partial.wallet_id_list.wallet_id, vec!["nope".to_owned()]);
    let mut pay2 = immediate(&id, &unique_ref("o"), 1_000, Mode::CPT);
    pay2.card_ind = Some("2".into());
    assert_eq!(code(&call(&s, &pay2).await), "02505");
    assert_eq!(
        code(&call(&s, &immediate(&id, &unique_ref("o"), 1_000, Mode::CPT)).await),
        "00000"
    );
}

#[tokio::test]
async fn immediate_wallet_payment_codes() {
    let s = TestSandbox::start().await;
    let id = new_wallet(&s, "pay").await;
    let order_ref = unique_ref("o");
    let r = call(&s, &immediate(&id, &order_ref, 4_200, Mode::CPT)).await;
    assert_eq!(code(&r), "00000");
    let tid = r.transaction.expect("transaction").id;
    let ledger = s.ledger(&order_ref).await;
    assert_eq!(ledger.len(), 1);
    assert_eq!(
        (
            ledger[0]["id"].as_str(),
            ledger[0]["amount"].as_i64(),
            ledger[0]["state"].as_str()
        ),
        (Some(tid.as_str()), Some(4_200), Some("CAPTURED"))
    );
    // DIF accepted too (an authorization, action 100, captured by the gateway on
    // payment.differedActionDate); NX / REC only through payment records: 02308.
    let capture_on = sandbox_today(&s).await + time::Duration::days(1);
    let mut dif = immediate(&id, &unique_ref("o"), 1_000, Mode::DIF);
    dif.payment.action = payline_protocol::values::Action::from_code(100).expect("action");
    dif.payment.differed_action_date = Some(
        payline_protocol::values::ShortDate::new(
            u8::try_from(capture_on.year() % 100).expect("year"),
            u8::from(capture_on.month()),
            capture_on.day(),
        )
        .expect("date"),
    );
    assert_eq!(code(&call(&s, &dif).await), "00000");
    assert_eq!(
        code(&call(&s, &immediate(&id, &unique_ref("o"), 1_000, Mode::NX)).await),
        "02308"
    );
    assert_eq!(
        code(&call(&s, &immediate(&id, &unique_ref("o"), 1_000, Mode::REC)).await),
        "02308"
    );
    assert_eq!(
        code(
            &call(
                &s,
                &immediate("unknown-wallet", &unique_ref("o"), 1_000, Mode::CPT)
            )
            .await
        ),
        "02503"
    );
    // Bank refusal by amount (homologation 333.05 → 01100).
    let refused = call(&s, &immediate(&id, &unique_ref("o"), 33_305, Mode::CPT)).await;
    assert_eq!(code(&refused), "01100");
    assert_eq!(
        code(&call(&s, &update("unknown-wallet", None, empty_card())).await),
        "02503"
    );
}

/// A wallet card from an earlier payment (`transactionID` instead of a card): that payment's
/// card, no second card check; an unknown or refused transaction saves nothing.
#[tokio::test]
async fn a_wallet_is_made_from_an_accepted_authorization() {
    let s = TestSandbox::start().await;
    let paid = unique_ref("paid");
    let auth = call(&s, &simple_auth(&paid, 2599, 100)).await;
    assert_eq!(code(&auth), "00000");
    let id = unique_ref("w");
    let mut req = create(&id, empty_card());
    req.transaction_id = Some(auth.transaction.id.clone());
    let r = call(&s, &req).await;
    assert_eq!(code(&r), "02500");
    assert_eq!(r.card.number.as_deref(), Some("497010XXXXXX4455"));
    // The payment was the card check: nothing recorded under the wallet's check reference.
    assert!(s.ledger(&format!("wallet-check:{id}")).await.is_empty());
    // A second card from the same payment at index 2.
    let mut up = update(&id, Some("2"), empty_card());
    up.transaction_id = Some(auth.transaction.id.clone());
    assert_eq!(code(&call(&s, &up).await), "02500");
    // Unknown and refused transactions.
    let mut unknown = create(&unique_ref("w"), empty_card());
    unknown.transaction_id = Some("99999999999999".into());
    assert_eq!(code(&call(&s, &unknown).await), "02301");
    let refused = call(&s, &simple_auth(&unique_ref("r"), 33305, 100)).await;
    assert_eq!(code(&refused), "01100");
    let mut from_refused = create(&unique_ref("w"), empty_card());
    from_refused.transaction_id = Some(refused.transaction.id.clone());
    assert_eq!(code(&call(&s, &from_refused).await), "02302");
}

/// A merchant-initiated wallet payment names the card's first payment in
/// `linkedTransactionId`: no 3-D Secure is asked for. Without the link, an enrolled card on a
/// 3-D Secure contract is a soft decline; a link to another card's payment is refused.
#[tokio::test]
async fn a_linked_wallet_payment_is_merchant_initiated() {
    let s = TestSandbox::start().await;
    const ENROLLED: &str = "4970105181818183";
    let id = unique_ref("w");
    let r = call(&s, &create(&id, wallet_card(ENROLLED, &future_expiry()))).await;
    assert_eq!(code(&r), "02500");
    // The card check is the card's first, accepted authorization.
    let check = s.ledger(&format!("wallet-check:{id}")).await;
    let first = check[0]["id"]
        .as_str()
        .or(check[0]["transactionId"].as_str())
        .unwrap_or_else(|| panic!("no id in {check:?}"))
        .to_owned();
    let mut p = immediate(&id, &unique_ref("mit"), 1299, Mode::CPT);
    assert_eq!(code(&call(&s, &p).await), "01131");
    p.order.r#ref = unique_ref("mit");
    p.linked_transaction_id = Some(first.clone());
    let r = call(&s, &p).await;
    assert_eq!(code(&r), "00000");
    assert_eq!(r.linked_transaction_id, Some(first));
    // Another card's payment is no link for this one.
    let other = call(&s, &simple_auth(&unique_ref("o"), 500, 100)).await;
    assert_eq!(code(&other), "00000");
    p.order.r#ref = unique_ref("mit");
    p.linked_transaction_id = Some(other.transaction.id.clone());
    assert_eq!(code(&call(&s, &p).await), "02302");
}
