//! The operations typed last: doCredit's refusals, doDebit, createWebWallet, updateWebWallet,
//! getMerchantSettings, isRegistered, getAlertDetails, and the services the sandbox answers
//! with `09201` (not enabled on the account) rather than a SOAP Fault.

use payline_protocol::messages::*;
use payline_protocol::objects::{Authorization, Buyer, Card};
use payline_protocol::values::{Action, Mode, ReturnCode};

use crate::common::*;
use crate::soapkit::*;
use crate::walletkit::*;

const RETURN: &str = "http://shop.example/return";
const CANCEL: &str = "http://shop.example/cancel";

fn credit(order_ref: &str, amount: u64, card: Card) -> DoCreditRequest {
    let mut r = DoCreditRequest::new(payment(amount, 422, CONTRACT), card);
    r.order = Some(order(order_ref, amount));
    r
}

fn debit(order_ref: &str, amount: u64, card: Card) -> DoDebitRequest {
    DoDebitRequest::new(
        payment(amount, 204, CONTRACT),
        card,
        order(order_ref, amount),
        Authorization {
            number: "A12345".into(),
            date: "25/11/2026 09:58".into(),
            ..Authorization::default()
        },
    )
}

fn test_card() -> Card {
    card_by_number(CARD, "CB", None)
}

/// The simulated bank refusal of Payline's homologation: 10th digit 9, code 01206.
const REFUSING_CARD: &str = "4970103469012066";

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Saves `pan` on the hosted wallet page of `token`; returns the HTTP status.
async fn save_on_page(s: &TestSandbox, redirect_url: &str, token: &str, pan: &str) -> u16 {
    let page = browser().get(redirect_url).send().await.expect("page");
    assert_eq!(page.status().as_u16(), 200);
    let exp = future_expiry();
    let exp = format!("{}/{}", &exp[..2], &exp[2..]);
    let form = [
        ("token", token),
        ("cardNumber", pan),
        ("expiryDate", exp.as_str()),
        ("securityCode", "123"),
        ("cardholderName", "Ada Martin"),
    ];
    browser()
        .post(s.url("/webpayment/wallet/save"))
        .form(&form)
        .send()
        .await
        .expect("save")
        .status()
        .as_u16()
}

fn code_of(r: &payline_protocol::objects::PaylineResult) -> &str {
    r.code.as_str()
}

#[tokio::test]
async fn do_credit_refusals() {
    let s = TestSandbox::start().await;
    let r = unique_ref("cr");
    let cases: Vec<(&str, DoCreditRequest, &str)> = vec![
        (
            "contract",
            {
                let mut c = credit(&r, 1500, test_card());
                c.payment.contract_number = Some("999".into());
                c
            },
            "02303",
        ),
        (
            "action",
            {
                let mut c = credit(&r, 1500, test_card());
                c.payment.action = Action::REFUND;
                c
            },
            "02321",
        ),
        (
            "mode",
            {
                let mut c = credit(&r, 1500, test_card());
                c.payment.mode = Mode::DIF;
                c
            },
            "02308",
        ),
        (
            "amount",
            {
                let mut c = credit(&r, 1500, test_card());
                c.payment.amount = None;
                c
            },
            "02305",
        ),
        (
            "luhn",
            credit(&r, 1500, card_by_number("4970101122334456", "CB", None)),
            "02614",
        ),
        (
            "expired",
            {
                let mut card = test_card();
                card.expiration_date = Some("0120".parse().unwrap());
                credit(&r, 1500, card)
            },
            "02624",
        ),
        (
            "unknown token",
            credit(
                &r,
                1500,
                card_by_token("497010ZZZZZZ0000", "CB", None, None),
            ),
            "02540",
        ),
    ];
    for (what, req, want) in cases {
        assert_eq!(code(&call(&s, &req).await), want, "{what}");
    }
    assert!(s.ledger(&r).await.is_empty(), "nothing stored");
    // A card the bank refuses: the refusal is a transaction of its own, refused.
    let refused_ref = unique_ref("cr-bank");
    let answer = call(
        &s,
        &credit(
            &refused_ref,
            1500,
            card_by_number(REFUSING_CARD, "CB", None),
        ),
    )
    .await;
    assert_eq!(code(&answer), "01206");
    assert!(!answer.transaction.id.is_empty());
    let ledger = s.ledger(&refused_ref).await;
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0]["type"], "CREDIT");
    assert_eq!(ledger[0]["state"], "REFUSED");
    // A refused credit cannot be cancelled.
    assert_eq!(
        code(&call(&s, &reset(&answer.transaction.id)).await),
        "02603"
    );
    // And the accepted path still credits.
    let ok_ref = unique_ref("cr-ok");
    assert_eq!(
        code(&call(&s, &credit(&ok_ref, 1500, test_card())).await),
        "00000"
    );
    assert_eq!(s.ledger(&ok_ref).await[0]["state"], "CREDITED");
}

#[tokio::test]
async fn do_debit_is_captured_at_once_then_cancelled_or_refunded() {
    let s = TestSandbox::start().await;
    let r = unique_ref("db");
    let d = call(&s, &debit(&r, 4200, test_card())).await;
    assert_eq!(code_of(&d.result), "00000");
    assert_eq!(d.card.number.as_deref(), Some("497010XXXXXX4455"));
    let e = &s.ledger(&r).await[0];
    assert_eq!(
        (e["type"].as_str(), e["state"].as_str()),
        (Some("DEBIT"), Some("CAPTURED"))
    );
    assert_eq!(e["amount"], 4200);
    // Already captured; refundable in part; cancellable before settlement.
    assert_eq!(
        code(&call(&s, &capture(&d.transaction.id, 100)).await),
        "02617"
    );
    assert_eq!(
        code(&call(&s, &refund(&d.transaction.id, 2000)).await),
        "00000"
    );
    assert_eq!(
        code(&call(&s, &refund(&d.transaction.id, 2201)).await),
        "02613"
    );
    let r2 = unique_ref("db2");
    let d2 = call(&s, &debit(&r2, 1000, test_card())).await;
    assert_eq!(code(&call(&s, &reset(&d2.transaction.id)).await), "00000");
    assert_eq!(
        s.ledger(&r2)
            .await
            .iter()
            .find(|e| e["type"] == "DEBIT")
            .unwrap()["state"],
        "CANCELLED"
    );
    // Not a re-authorizable transaction.
    assert_eq!(
        code(&call(&s, &reauth(&d.transaction.id, 1000, &unique_ref("db3"))).await),
        "02302"
    );
}

#[tokio::test]
async fn do_debit_refusals() {
    let s = TestSandbox::start().await;
    let r = unique_ref("dbx");
    let no_number = {
        let mut d = debit(&r, 4200, test_card());
        d.authorization.number = String::new();
        d
    };
    let no_date = {
        let mut d = debit(&r, 4200, test_card());
        d.authorization.date = String::new();
        d
    };
    let authorization_action = {
        let mut d = debit(&r, 4200, test_card());
        d.payment.action = Action::AUTHORIZATION_AND_CAPTURE;
        d
    };
    let mode = {
        let mut d = debit(&r, 4200, test_card());
        d.payment.mode = Mode::NX;
        d
    };
    let contract = {
        let mut d = debit(&r, 4200, test_card());
        d.payment.contract_number = Some("999".into());
        d
    };
    let cases = [
        ("no authorization number", no_number, "02305"),
        ("no authorization date", no_date, "02305"),
        ("no order reference", debit("", 4200, test_card()), "02305"),
        ("action 101", authorization_action, "02321"),
        ("mode NX", mode, "02308"),
        ("contract", contract, "02303"),
    ];
    for (what, req, want) in cases {
        assert_eq!(code_of(&call(&s, &req).await.result), want, "{what}");
    }
    assert!(s.ledger(&r).await.is_empty(), "nothing stored");
    let refused = call(
        &s,
        &debit(&r, 4200, card_by_number(REFUSING_CARD, "CB", None)),
    )
    .await;
    assert_eq!(code_of(&refused.result), "01206");
    assert_eq!(s.ledger(&r).await[0]["state"], "REFUSED");
}

fn create_web_wallet(wallet_id: &str) -> CreateWebWalletRequest {
    CreateWebWalletRequest::new(
        CONTRACT,
        Buyer {
            wallet_id: Some(wallet_id.to_owned()),
            ..Buyer::default()
        },
        RETURN,
        CANCEL,
    )
}

fn update_web_wallet(wallet_id: &str) -> UpdateWebWalletRequest {
    let mut r = UpdateWebWalletRequest::new(CONTRACT, wallet_id, RETURN, CANCEL);
    r.update_payment_details = Some("1".into());
    r
}

#[tokio::test]
async fn create_web_wallet_registers_a_new_wallet_only() {
    let s = TestSandbox::start().await;
    let wallet = unique_ref("cww");
    let r = call(&s, &create_web_wallet(&wallet)).await;
    assert_eq!(code_of(&r.result), "00000");
    assert!(r.redirect_url.contains("/webpayment/wallet?token="));
    assert_eq!(save_on_page(&s, &r.redirect_url, &r.token, CARD).await, 303);
    let w = call(&s, &GetWebWalletRequest::new(r.token.clone())).await;
    assert_eq!(code_of(&w.result), "02500");
    let g = call(&s, &get(&wallet, None)).await;
    assert_eq!(code(&g), "02500");
    // The wallet exists now: createWebWallet refuses it (02502), nothing opened.
    assert_eq!(
        code_of(&call(&s, &create_web_wallet(&wallet)).await.result),
        "02502"
    );
    // Without a walletId, or on an unknown contract, or without a return URL.
    assert_eq!(
        code_of(&call(&s, &create_web_wallet(" ")).await.result),
        "02513"
    );
    let mut bad = create_web_wallet(&unique_ref("cww2"));
    bad.contract_number = "999".into();
    assert_eq!(code_of(&call(&s, &bad).await.result), "02303");
    let mut bad = create_web_wallet(&unique_ref("cww3"));
    bad.return_url = String::new();
    assert_eq!(code_of(&call(&s, &bad).await.result), "02305");
}

#[tokio::test]
async fn update_web_wallet_replaces_the_card_of_an_existing_wallet() {
    let s = TestSandbox::start().await;
    assert_eq!(
        code_of(
            &call(&s, &update_web_wallet(&unique_ref("uww-none")))
                .await
                .result
        ),
        "02503"
    );
    let wallet = new_wallet(&s, "uww").await;
    let r = call(&s, &update_web_wallet(&wallet)).await;
    assert_eq!(code_of(&r.result), "00000");
    assert_eq!(
        save_on_page(&s, &r.redirect_url, &r.token, "4970100000000154").await,
        303
    );
    assert_eq!(
        code_of(
            &call(&s, &GetWebWalletRequest::new(r.token.clone()))
                .await
                .result
        ),
        "02500"
    );
    let g = call(&s, &get(&wallet, None)).await;
    assert_eq!(
        g.wallet
            .as_ref()
            .and_then(|w| w.card.number.as_ref())
            .map(|n| n.expose().to_owned())
            .as_deref(),
        Some("497010XXXXXX0154")
    );
    // Nothing chosen to update, another card index, no walletId, a disabled wallet.
    let mut nothing = update_web_wallet(&wallet);
    nothing.update_payment_details = Some("0".into());
    assert_eq!(code_of(&call(&s, &nothing).await.result), "02515");
    let mut second = update_web_wallet(&wallet);
    second.card_ind = Some("2".into());
    assert_eq!(code_of(&call(&s, &second).await.result), "02518");
    assert_eq!(
        code_of(&call(&s, &update_web_wallet("")).await.result),
        "02513"
    );
    call(&s, &disable(&[wallet.as_str()], None)).await;
    assert_eq!(
        code_of(&call(&s, &update_web_wallet(&wallet)).await.result),
        "02505"
    );
}

#[tokio::test]
async fn get_merchant_settings_lists_the_contracts() {
    let s = TestSandbox::start().await;
    let r = call(&s, &GetMerchantSettingsRequest::new()).await;
    assert_eq!(code_of(&r.result), "00000");
    let pos = &r.list_point_of_sell.point_of_sell;
    assert_eq!(pos.len(), 1);
    let contracts = &pos[0].contracts.contract;
    for number in [CONTRACT, CONTRACT_NO_REAUTH] {
        assert!(
            contracts
                .iter()
                .any(|c| c.contract_number.as_deref() == Some(number)
                    && c.card_type.as_deref() == Some("CB")),
            "{number}"
        );
    }
}

#[tokio::test]
async fn is_registered_answers_with_the_buyers_wallet() {
    let s = TestSandbox::start().await;
    let ask = |wallet: Option<&str>| {
        let mut r = IsRegisteredRequest::new(
            payment(1000, 101, CONTRACT),
            order(&unique_ref("isr"), 1000),
        );
        r.buyer = wallet.map(|w| Buyer {
            wallet_id: Some(w.to_owned()),
            ..Buyer::default()
        });
        r
    };
    let wallet = new_wallet(&s, "isr").await;
    let r = call(&s, &ask(Some(&wallet))).await;
    assert_eq!(code_of(&r.result), "02500");
    assert!(!r.token.is_empty());
    assert_eq!(r.data, "CB");
    assert_eq!(code_of(&call(&s, &ask(None)).await.result), "02513");
    assert_eq!(
        code_of(&call(&s, &ask(Some("nobody"))).await.result),
        "02503"
    );
    let mut other = ask(Some(&wallet));
    other.payment.contract_number = Some("999".into());
    assert_eq!(code_of(&call(&s, &other).await.result), "02303");
    call(&s, &disable(&[wallet.as_str()], None)).await;
    assert_eq!(
        code_of(&call(&s, &ask(Some(&wallet))).await.result),
        "02505"
    );
}

#[tokio::test]
async fn get_alert_details_finds_no_alert() {
    let s = TestSandbox::start().await;
    let a = call(&s, &simple_auth(&unique_ref("al"), 1000, 101)).await;
    let r = call(
        &s,
        &GetAlertDetailsRequest::new("ALERT-1", a.transaction.id.clone()),
    )
    .await;
    assert_eq!(code_of(&r.result), "04301");
    assert_eq!(
        (r.alert_id.as_str(), r.transaction_id.as_str()),
        ("ALERT-1", a.transaction.id.as_str())
    );
    let r = call(
        &s,
        &GetAlertDetailsRequest::new("", a.transaction.id.clone()),
    )
    .await;
    assert_eq!(code_of(&r.result), "04101");
}

#[tokio::test]
async fn services_the_account_does_not_have_answer_09201() {
    let s = TestSandbox::start().await;
    let want = ReturnCode::NO_PERMISSION;
    let r = unique_ref("ne");
    let redirect = DoAuthorizationRedirectRequest::new(
        payment(1000, 101, CONTRACT),
        card_by_number(CARD, "CB", Some("123")),
        RETURN,
        CANCEL,
        order(&r, 1000),
    );
    assert_eq!(call(&s, &redirect).await.result.code, want);
    let transfer = DoBankTransferRequest::new(
        payment(1000, 150, CONTRACT),
        payline_protocol::objects::Creditor::default(),
        r.as_str(),
    );
    assert_eq!(call(&s, &transfer).await.result.code, want);
    let cheque = DoScoringChequeRequest::new(
        payment(1000, 101, CONTRACT),
        payline_protocol::objects::Cheque::default(),
        order(&r, 1000),
    );
    assert_eq!(call(&s, &cheque).await.result.code, want);
    assert_eq!(
        call(&s, &GetEncryptionKeyRequest::new()).await.result.code,
        want
    );
    assert_eq!(
        call(&s, &GetBalanceRequest::new("GIFT-1", CONTRACT))
            .await
            .result
            .code,
        want
    );
    assert_eq!(
        call(&s, &UnBlockRequest::new("123")).await.result.code,
        want
    );
    assert_eq!(
        call(&s, &PrepareSessionRequest::new(CONTRACT, r.as_str()))
            .await
            .result
            .code,
        want
    );
    let answer = call(&s, &GetBalanceRequest::new("GIFT-1", CONTRACT)).await;
    assert_eq!(answer.result.short_message.as_deref(), Some("ERROR"));
    assert!(s.ledger(&r).await.is_empty(), "nothing stored");
}
