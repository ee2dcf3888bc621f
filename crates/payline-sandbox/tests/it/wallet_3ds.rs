//! 3-D Secure on wallet operations (Payline authentication3DSecure on createWallet,
//! updateWallet, doImmediateWalletPayment, doScheduledWalletPayment, doRecurrentWalletPayment)
//! and verifyEnrollment of a wallet card by walletId + walletCardInd, with the ACS pages driven
//! over HTTP.

use base64::Engine as _;
use payline_protocol::messages::*;
use payline_protocol::objects::Authentication3DSecure;
use payline_protocol::values::Mode;

use crate::common::*;
use crate::soapkit::*;
use crate::walletkit::*;

const FRICTIONLESS: &str = "4970107111111119";
const CHALLENGE: &str = "4970105181818183";
const DAY: i64 = 86_400;

fn hidden_value(html: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&needle)
        .unwrap_or_else(|| panic!("{name} in {html}"))
        + needle.len();
    let end = html[start..].find('"').expect("quote") + start;
    html[start..end]
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

async fn post_form(s: &TestSandbox, url: &str, form: &[(&str, &str)]) -> (u16, String) {
    let r = s.http.post(url).form(form).send().await.expect("post");
    (r.status().as_u16(), r.text().await.expect("body"))
}

/// Creates a wallet holding `pan` (no authentication: optional on registration).
async fn wallet_with(s: &TestSandbox, prefix: &str, pan: &str) -> String {
    let id = unique_ref(prefix);
    let r = call(s, &create(&id, wallet_card(pan, &future_expiry()))).await;
    assert_eq!(code(&r), "02500", "createWallet {pan}");
    id
}

/// verifyEnrollment of a wallet card: `card` carries only its type, walletId + walletCardInd
/// name the card.
fn enrollment_by_wallet(
    wallet_id: &str,
    card_ind: Option<&str>,
    order_ref: &str,
    amount: u64,
) -> VerifyEnrollmentRequest {
    let mut e = enrollment(order_ref, amount, empty_card());
    e.wallet_id = Some(wallet_id.to_owned());
    e.wallet_card_ind = card_ind.map(str::to_owned);
    e
}

/// Drives a 3DS2 challenge through the ACS pages with `code`, then verifyAuthentication.
async fn challenge(
    s: &TestSandbox,
    e: &VerifyEnrollmentResponse,
    form_code: &str,
) -> VerifyAuthenticationResponse {
    assert_eq!(code(e), "03101");
    let md = e.md_field_value.clone().expect("md");
    let (status, page) = post_form(
        s,
        e.action_url.as_deref().expect("actionUrl"),
        &[
            ("creq", e.pareq_field_value.as_deref().expect("creq")),
            ("threeDSSessionData", &md),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert!(page.contains("Verification code"));
    let (_, done) = post_form(
        s,
        &s.url("/acs/challenge/submit"),
        &[("session", &md), ("code", form_code), ("action", "submit")],
    )
    .await;
    call(s, &verify_authentication(&md, &hidden_value(&done, "cres"))).await
}

fn with_auth(
    mut r: DoImmediateWalletPaymentRequest,
    a: &Authentication3DSecure,
) -> DoImmediateWalletPaymentRequest {
    r.authentication_3d_secure = Some(a.clone());
    r
}

fn container(a: &Authentication3DSecure) -> serde_json::Value {
    let raw = a.result_container.as_deref().expect("resultContainer");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(raw.trim_end_matches('='))
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("json")
}

#[tokio::test]
async fn immediate_wallet_payment_of_an_enrolled_card_needs_its_authentication() {
    let s = TestSandbox::start().await;
    let wallet = wallet_with(&s, "w3ds", CHALLENGE).await;
    let r = unique_ref("w3ds-pay");

    // The buyer is present: without authentication an enrolled card is a soft decline, recorded.
    let soft = call(&s, &immediate(&wallet, &r, 2_599, Mode::CPT)).await;
    assert_eq!(code(&soft), "01131");
    let ledger = s.ledger(&r).await;
    assert_eq!(
        (
            ledger.len(),
            ledger[0]["resultCode"].as_str(),
            ledger[0]["accepted"].as_bool()
        ),
        (1, Some("01131"), Some(false))
    );

    // verifyEnrollment by walletId + walletCardInd, challenge through the ACS.
    let e = call(&s, &enrollment_by_wallet(&wallet, Some("1"), &r, 2_599)).await;
    let stored = call(&s, &get(&wallet, None)).await;
    assert_eq!(
        e.token,
        stored.wallet.as_ref().and_then(|w| w.card.token.clone()),
        "the wallet card was authenticated"
    );
    let v = challenge(&s, &e, "1234").await;
    assert_eq!(code(&v), "03000");
    let a = v.authentication_3d_secure.expect("authentication3DSecure");

    // Mismatches and tampering change nothing and keep the authentication usable.
    assert_eq!(
        code(&call(&s, &with_auth(immediate(&wallet, &r, 2_600, Mode::CPT), &a)).await),
        "03010",
        "amount"
    );
    let mut usd = with_auth(immediate(&wallet, &r, 2_599, Mode::CPT), &a);
    usd.payment.currency = payline_protocol::values::Currency::USD;
    assert_eq!(code(&call(&s, &usd).await), "03010", "currency");
    assert_eq!(
        code(
            &call(
                &s,
                &with_auth(
                    immediate(&wallet, &unique_ref("other"), 2_599, Mode::CPT),
                    &a
                )
            )
            .await
        ),
        "03010",
        "order ref"
    );
    let mut other_contract = with_auth(immediate(&wallet, &r, 2_599, Mode::CPT), &a);
    other_contract.payment.contract_number = Some(CONTRACT_NO_REAUTH.into());
    assert_eq!(code(&call(&s, &other_contract).await), "03010", "contract");
    let other_wallet = new_wallet(&s, "w3ds-other").await;
    assert_eq!(
        code(
            &call(
                &s,
                &with_auth(immediate(&other_wallet, &r, 2_599, Mode::CPT), &a)
            )
            .await
        ),
        "03010",
        "another card"
    );
    let mut bad_cavv = a.clone();
    bad_cavv.cavv = Some("AAAAAAAAAAAAAAAAAAAAAAAAAAA=".into());
    assert_eq!(
        code(
            &call(
                &s,
                &with_auth(immediate(&wallet, &r, 2_599, Mode::CPT), &bad_cavv)
            )
            .await
        ),
        "03006"
    );
    let mut bad_eci = a.clone();
    bad_eci.eci = Some("07".into());
    assert_eq!(
        code(
            &call(
                &s,
                &with_auth(immediate(&wallet, &r, 2_599, Mode::CPT), &bad_eci)
            )
            .await
        ),
        "03006"
    );
    let unknown = Authentication3DSecure {
        md: Some("00000000-0000-0000-0000-000000000000".into()),
        ..Default::default()
    };
    assert_eq!(
        code(
            &call(
                &s,
                &with_auth(immediate(&wallet, &r, 2_599, Mode::CPT), &unknown)
            )
            .await
        ),
        "03004"
    );
    assert!(
        s.ledger(&r).await.iter().all(|e| e["accepted"] == false),
        "nothing authorized so far"
    );

    // The right one: authorized, recorded with 3-D Secure, echoed.
    let ok = call(&s, &with_auth(immediate(&wallet, &r, 2_599, Mode::CPT), &a)).await;
    assert_eq!(code(&ok), "00000");
    assert_eq!(
        ok.transaction
            .as_ref()
            .and_then(|t| t.three_d_secure.as_deref()),
        Some("Y")
    );
    let echoed = ok
        .authentication_3d_secure
        .expect("authentication3DSecure echoed");
    assert_eq!(
        (
            echoed.md.as_deref(),
            echoed.eci.as_deref(),
            echoed.cavv.as_deref()
        ),
        (a.md.as_deref(), Some("05"), a.cavv.as_deref())
    );
    let accepted: Vec<_> = s
        .ledger(&r)
        .await
        .into_iter()
        .filter(|e| e["accepted"] == true)
        .collect();
    assert_eq!(accepted.len(), 1);
    assert_eq!(
        (
            accepted[0]["threeDSecure"].as_str(),
            accepted[0]["eci"].as_str()
        ),
        (Some("Y"), Some("05"))
    );
    assert_eq!(accepted[0]["liabilityShift"], true);

    // Replayed: refused.
    let replay = call(
        &s,
        &with_auth(
            immediate(&wallet, &unique_ref("w3ds-replay"), 2_599, Mode::CPT),
            &a,
        ),
    )
    .await;
    assert_eq!(code(&replay), "03011");

    // A failed challenge refuses the payment with its code.
    let r2 = unique_ref("w3ds-fail");
    let e = call(&s, &enrollment_by_wallet(&wallet, None, &r2, 1_000)).await;
    let v = challenge(&s, &e, "0000").await;
    assert_eq!(code(&v), "03003");
    let failed = Authentication3DSecure {
        md: e.md_field_value.clone(),
        ..Default::default()
    };
    assert_eq!(
        code(
            &call(
                &s,
                &with_auth(immediate(&wallet, &r2, 1_000, Mode::CPT), &failed)
            )
            .await
        ),
        "03003"
    );

    // A card that is not enrolled needs no authentication.
    let plain = new_wallet(&s, "w3ds-plain").await;
    assert_eq!(
        code(
            &call(
                &s,
                &immediate(&plain, &unique_ref("w3ds-plain"), 1_000, Mode::CPT)
            )
            .await
        ),
        "00000"
    );
}

#[tokio::test]
async fn verify_enrollment_by_wallet_card() {
    let s = TestSandbox::start().await;
    let wallet = wallet_with(&s, "w3ds-ve", FRICTIONLESS).await;
    // A second card, enrolled for a challenge, at cardInd 2.
    let add = call(
        &s,
        &update(&wallet, Some("2"), wallet_card(CHALLENGE, &future_expiry())),
    )
    .await;
    assert_eq!(code(&add), "02500");
    let r = unique_ref("w3ds-ve");
    let e1 = call(&s, &enrollment_by_wallet(&wallet, None, &r, 1_000)).await;
    assert_eq!(code(&e1), "03102", "cardInd defaults to 1");
    let e2 = call(&s, &enrollment_by_wallet(&wallet, Some("2"), &r, 1_000)).await;
    assert_eq!(code(&e2), "03101");
    assert_eq!(
        code(
            &call(
                &s,
                &enrollment_by_wallet(&unique_ref("nowallet"), None, &r, 1_000)
            )
            .await
        ),
        "02503"
    );
    assert_eq!(
        code(&call(&s, &enrollment_by_wallet(&wallet, Some("7"), &r, 1_000)).await),
        "02503"
    );
    assert_eq!(
        code(&call(&s, &disable(&[&wallet], Some("2"))).await),
        "02500"
    );
    assert_eq!(
        code(&call(&s, &enrollment_by_wallet(&wallet, Some("2"), &r, 1_000)).await),
        "02505"
    );
    // Card data, when given, wins over the wallet.
    let mut typed = enrollment(&r, 1_000, card_by_number("4970101122334455", "CB", None));
    typed.wallet_id = Some(wallet.clone());
    assert_eq!(code(&call(&s, &typed).await), "03001");

    // The frictionless authentication of the wallet card pays with it, once.
    let a = e1
        .authentication_3d_secure
        .expect("frictionless authentication");
    let ok = call(&s, &with_auth(immediate(&wallet, &r, 1_000, Mode::CPT), &a)).await;
    assert_eq!(code(&ok), "00000");
    assert_eq!(
        container(&ok.authentication_3d_secure.expect("echo"))["effectiveAuthType"],
        "FR"
    );
}

#[tokio::test]
async fn wallet_registration_takes_a_non_payment_authentication() {
    let s = TestSandbox::start().await;
    // verifyEnrollment of the card for the wallet (order reference = walletId), amount 0.
    let wallet = unique_ref("w3ds-reg");
    let e = call(
        &s,
        &enrollment(&wallet, 0, card_by_number(FRICTIONLESS, "CB", None)),
    )
    .await;
    assert_eq!(code(&e), "03102");
    let a = e.authentication_3d_secure.expect("authentication");
    let mut req = create(&wallet, wallet_card(FRICTIONLESS, &future_expiry()));
    req.authentication_3d_secure = Some(a.clone());
    assert_eq!(code(&call(&s, &req).await), "02500");
    let check = s.ledger(&format!("wallet-check:{wallet}")).await;
    assert_eq!(check.len(), 1);
    assert_eq!(
        (
            check[0]["threeDSecure"].as_str(),
            check[0]["eci"].as_str(),
            check[0]["amount"].as_i64()
        ),
        (Some("Y"), Some("05"), Some(100))
    );

    // Replayed on updateWallet: refused, the stored card unchanged, no new check.
    let mut replay = update(
        &wallet,
        Some("2"),
        wallet_card(FRICTIONLESS, &future_expiry()),
    );
    replay.authentication_3d_secure = Some(a);
    assert_eq!(code(&call(&s, &replay).await), "03011");
    assert_eq!(code(&call(&s, &get(&wallet, Some("2"))).await), "02503");
    assert_eq!(s.ledger(&format!("wallet-check:{wallet}")).await.len(), 1);

    // An authentication of the 1 EUR check amount adds the card at cardInd 2.
    let e = call(
        &s,
        &enrollment(&wallet, 100, card_by_number(CHALLENGE, "CB", None)),
    )
    .await;
    let v = challenge(&s, &e, "1234").await;
    let mut add = update(&wallet, Some("2"), wallet_card(CHALLENGE, &future_expiry()));
    add.authentication_3d_secure = v.authentication_3d_secure.clone();
    assert_eq!(code(&call(&s, &add).await), "02500");
    assert_eq!(code(&call(&s, &get(&wallet, Some("2"))).await), "02500");

    // Bound to the wallet: one made for another order reference (or another card) is refused
    // and nothing is created.
    let other = unique_ref("w3ds-reg");
    let e = call(
        &s,
        &enrollment("some-order", 0, card_by_number(FRICTIONLESS, "CB", None)),
    )
    .await;
    let mut wrong_ref = create(&other, wallet_card(FRICTIONLESS, &future_expiry()));
    wrong_ref.authentication_3d_secure = e.authentication_3d_secure.clone();
    assert_eq!(code(&call(&s, &wrong_ref).await), "03010");
    let e = call(
        &s,
        &enrollment(&other, 0, card_by_number(FRICTIONLESS, "CB", None)),
    )
    .await;
    let mut wrong_card = create(&other, wallet_card(CHALLENGE, &future_expiry()));
    wrong_card.authentication_3d_secure = e.authentication_3d_secure.clone();
    assert_eq!(code(&call(&s, &wrong_card).await), "03010");
    let mut wrong_amount = create(&other, wallet_card(FRICTIONLESS, &future_expiry()));
    let e2 = call(
        &s,
        &enrollment(&other, 2_500, card_by_number(FRICTIONLESS, "CB", None)),
    )
    .await;
    wrong_amount.authentication_3d_secure = e2.authentication_3d_secure.clone();
    assert_eq!(code(&call(&s, &wrong_amount).await), "03010");
    // A tampered one.
    let mut tampered = e.authentication_3d_secure.clone().expect("authentication");
    tampered.cavv = Some("AAAAAAAAAAAAAAAAAAAAAAAAAAA=".into());
    let mut req = create(&other, wallet_card(FRICTIONLESS, &future_expiry()));
    req.authentication_3d_secure = Some(tampered);
    assert_eq!(code(&call(&s, &req).await), "03006");
    assert_eq!(code(&call(&s, &get(&other, None)).await), "02503");
    assert!(
        s.ledger(&format!("wallet-check:{other}")).await.is_empty(),
        "no check without a valid authentication"
    );

    // "3DS failed": a failed challenge refuses the registration.
    let e = call(
        &s,
        &enrollment(&other, 0, card_by_number(CHALLENGE, "CB", None)),
    )
    .await;
    let v = challenge(&s, &e, "0000").await;
    assert_eq!(code(&v), "03003");
    let mut failed = create(&other, wallet_card(CHALLENGE, &future_expiry()));
    failed.authentication_3d_secure = Some(Authentication3DSecure {
        md: e.md_field_value.clone(),
        ..Default::default()
    });
    assert_eq!(code(&call(&s, &failed).await), "03003");
    assert_eq!(code(&call(&s, &get(&other, None)).await), "02503");
    // Without authentication an enrolled card can still be registered (the check moves no money).
    assert_eq!(
        code(
            &call(
                &s,
                &create(&other, wallet_card(CHALLENGE, &future_expiry()))
            )
            .await
        ),
        "02500"
    );
}

#[tokio::test]
async fn schedules_take_the_authentication_of_their_registration_only() {
    let s = TestSandbox::start().await;
    let today = sandbox_today(&s).await;
    let wallet = wallet_with(&s, "w3ds-nx", CHALLENGE).await;

    // No authentication needed to register a schedule, even for an enrolled card.
    let r0 = unique_ref("w3ds-nx0");
    assert_eq!(
        code(
            &call(
                &s,
                &recurrent(
                    &wallet,
                    &r0,
                    3_000,
                    Mode::NX,
                    recurring(1_000, 40, Some(3)),
                    today
                )
            )
            .await
        ),
        "02500"
    );
    assert_eq!(s.ledger(&r0).await[0]["threeDSecure"], "N");

    // With it: verified (bound to payment.amount), recorded on the due date billed in the call.
    let r = unique_ref("w3ds-nx");
    let e = call(&s, &enrollment_by_wallet(&wallet, None, &r, 3_000)).await;
    let v = challenge(&s, &e, "1234").await;
    let a = v.authentication_3d_secure.expect("authentication");
    let mut wrong = recurrent(
        &wallet,
        &r,
        3_300,
        Mode::NX,
        recurring(1_100, 40, Some(3)),
        today,
    );
    wrong.authentication_3d_secure = Some(a.clone());
    assert_eq!(code(&call(&s, &wrong).await), "03010");
    let mut tampered = recurrent(
        &wallet,
        &r,
        3_000,
        Mode::NX,
        recurring(1_000, 40, Some(3)),
        today,
    );
    let mut t = a.clone();
    t.xid = Some("AAAAAAAAAAAAAAAAAAAAAAAAAAA=".into());
    tampered.authentication_3d_secure = Some(t);
    assert_eq!(code(&call(&s, &tampered).await), "03006");
    assert!(
        s.ledger(&r).await.is_empty(),
        "nothing created on a refused authentication"
    );

    let mut req = recurrent(
        &wallet,
        &r,
        3_000,
        Mode::NX,
        recurring(1_000, 40, Some(3)),
        today,
    );
    req.authentication_3d_secure = Some(a.clone());
    let ok = call(&s, &req).await;
    assert_eq!(code(&ok), "02500");
    let first = s.ledger(&r).await;
    assert_eq!(first.len(), 1);
    assert_eq!(
        (first[0]["threeDSecure"].as_str(), first[0]["eci"].as_str()),
        (Some("Y"), Some("05"))
    );
    assert_eq!(first[0]["liabilityShift"], true);
    // The next due dates are merchant-initiated: no 3-D Secure, no liability shift.
    s.advance(70 * DAY).await;
    let all = s.ledger(&r).await;
    assert_eq!(all.len(), 3);
    assert_eq!(all.iter().filter(|e| e["threeDSecure"] == "Y").count(), 1);
    assert!(all.iter().all(|e| e["accepted"] == true));
    // Replayed on another schedule: refused.
    let mut again = recurrent(
        &wallet,
        &unique_ref("w3ds-nx"),
        3_000,
        Mode::NX,
        recurring(1_000, 40, Some(3)),
        sandbox_today(&s).await,
    );
    again.authentication_3d_secure = Some(a);
    assert_eq!(code(&call(&s, &again).await), "03011");

    // doScheduledWalletPayment: the same rules.
    let today = sandbox_today(&s).await;
    let rs = unique_ref("w3ds-sched");
    let e = call(&s, &enrollment_by_wallet(&wallet, None, &rs, 4_000)).await;
    let v = challenge(&s, &e, "1234").await;
    let scheduled = |amount: u64, a: Option<Authentication3DSecure>| {
        let mut p = payment(amount, 101, CONTRACT);
        p.mode = Mode::CPT;
        DoScheduledWalletPaymentRequest {
            version: "34".into(),
            payment: p,
            order_ref: Some(rs.clone()),
            order_date: None,
            scheduled_date: day(today).parse().expect("date"),
            wallet_id: wallet.clone(),
            card_ind: None,
            order: None,
            recurring: None,
            authentication_3d_secure: a,
            private_data_list: None,
            media: None,
            sub_merchant: None,
            linked_transaction_id: None,
        }
    };
    assert_eq!(
        code(&call(&s, &scheduled(4_100, v.authentication_3d_secure.clone())).await),
        "03010"
    );
    assert_eq!(
        code(&call(&s, &scheduled(4_000, v.authentication_3d_secure.clone())).await),
        "02500"
    );
    let ledger = s.ledger(&rs).await;
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0]["threeDSecure"], "Y");
    assert_eq!(
        code(&call(&s, &scheduled(4_000, v.authentication_3d_secure.clone())).await),
        "03011"
    );
}

/// The tokenizer's answer for `pan`, issued for `order_ref`: (token, virtual CVV).
async fn virtual_cvv(s: &TestSandbox, order_ref: &str, pan: &str) -> (String, String) {
    use payline_protocol::web2token::{ServletAnswer, decrypt_token_answer};
    let body = s
        .tokenize(
            order_ref,
            CONTRACT,
            pan,
            &future_expiry(),
            Some(if pan.len() == 15 { "1234" } else { "123" }),
        )
        .await;
    let ServletAnswer::Data(blob) = ServletAnswer::parse(&body).expect("servlet answer") else {
        panic!("tokenizer: {body}")
    };
    let t = decrypt_token_answer(&TestSandbox::access_key(), &blob).expect("decrypt");
    (
        t.token.expose().to_owned(),
        t.virtual_cvv.expose().to_owned(),
    )
}

fn with_cvx(mut r: DoImmediateWalletPaymentRequest, cvx: &str) -> DoImmediateWalletPaymentRequest {
    r.cvx = Some(cvx.into());
    r
}

#[tokio::test]
async fn immediate_wallet_payment_checks_its_cvx() {
    let s = TestSandbox::start().await;
    let wallet = new_wallet(&s, "wcvx").await;
    let issued_for = unique_ref("wcvx-pay");
    let (token, vcvv) = virtual_cvv(&s, &issued_for, CARD).await;
    let stored = call(&s, &get(&wallet, None)).await;
    assert_eq!(
        stored.wallet.as_ref().and_then(|w| w.card.token.as_deref()),
        Some(token.as_str()),
        "the same card, the same token"
    );

    // A virtual CVV issued for another order reference: refused, recorded as a refused payment.
    let other = unique_ref("wcvx-other");
    let refused = call(
        &s,
        &with_cvx(immediate(&wallet, &other, 1_000, Mode::CPT), &vcvv),
    )
    .await;
    assert_eq!(code(&refused), "01130");
    assert!(
        refused
            .transaction
            .as_ref()
            .is_some_and(|t| !t.id.is_empty()),
        "the refusal is a transaction"
    );
    let ledger = s.ledger(&other).await;
    assert_eq!(
        (
            ledger.len(),
            ledger[0]["resultCode"].as_str(),
            ledger[0]["state"].as_str()
        ),
        (1, Some("01130"), Some("REFUSED"))
    );

    // For its own order reference: accepted, once.
    assert_eq!(
        code(
            &call(
                &s,
                &with_cvx(immediate(&wallet, &issued_for, 1_000, Mode::CPT), &vcvv)
            )
            .await
        ),
        "00000"
    );
    let replay = unique_ref("wcvx-replay");
    assert_eq!(
        code(
            &call(
                &s,
                &with_cvx(immediate(&wallet, &replay, 1_000, Mode::CPT), &vcvv)
            )
            .await
        ),
        "01130",
        "used up"
    );
    assert_eq!(s.ledger(&replay).await[0]["resultCode"], "01130");

    // The card's own CVV: the brand's length (3 for this Visa / CB card). (A value the
    // tokenizer issued for this card is a virtual CVV, never a plain one.)
    let plain = if vcvv == "123" { "456" } else { "123" };
    assert_eq!(
        code(
            &call(
                &s,
                &with_cvx(
                    immediate(&wallet, &unique_ref("wcvx-2"), 1_000, Mode::CPT),
                    "12"
                )
            )
            .await
        ),
        "01130"
    );
    assert_eq!(
        code(
            &call(
                &s,
                &with_cvx(
                    immediate(&wallet, &unique_ref("wcvx-4"), 1_000, Mode::CPT),
                    "1234"
                )
            )
            .await
        ),
        "01130"
    );
    assert_eq!(
        code(
            &call(
                &s,
                &with_cvx(
                    immediate(&wallet, &unique_ref("wcvx-a"), 1_000, Mode::CPT),
                    "12a"
                )
            )
            .await
        ),
        "01130"
    );
    assert_eq!(
        code(
            &call(
                &s,
                &with_cvx(
                    immediate(&wallet, &unique_ref("wcvx-3"), 1_000, Mode::CPT),
                    plain
                )
            )
            .await
        ),
        "00000"
    );
    // Absent: a merchant-initiated payment on the stored card.
    assert_eq!(
        code(
            &call(
                &s,
                &immediate(&wallet, &unique_ref("wcvx-none"), 1_000, Mode::CPT)
            )
            .await
        ),
        "00000"
    );

    // Amex: 4 digits.
    let amex = unique_ref("wcvx-amex");
    let mut amex_card = wallet_card("378282246310005", &future_expiry());
    amex_card.cvx = Some("1234".into());
    assert_eq!(code(&call(&s, &create(&amex, amex_card)).await), "02500");
    assert_eq!(
        code(
            &call(
                &s,
                &with_cvx(
                    immediate(&amex, &unique_ref("wcvx-x3"), 1_000, Mode::CPT),
                    "123"
                )
            )
            .await
        ),
        "01130"
    );
    assert_eq!(
        code(
            &call(
                &s,
                &with_cvx(
                    immediate(&amex, &unique_ref("wcvx-x4"), 1_000, Mode::CPT),
                    "1234"
                )
            )
            .await
        ),
        "00000"
    );

    // A virtual CVV expires after 15 minutes of sandbox time.
    let late = unique_ref("wcvx-late");
    let (_, late_cvv) = virtual_cvv(&s, &late, CARD).await;
    s.advance(15 * 60).await;
    assert_eq!(
        code(
            &call(
                &s,
                &with_cvx(immediate(&wallet, &late, 1_000, Mode::CPT), &late_cvv)
            )
            .await
        ),
        "01130"
    );
}

#[tokio::test]
async fn recurrent_wallet_payment_checks_its_cvx() {
    let s = TestSandbox::start().await;
    let wallet = new_wallet(&s, "wcvx-rec").await;
    let today = sandbox_today(&s).await;
    let plan = |order_ref: &str, cvx: Option<&str>| {
        let mut r = recurrent(
            &wallet,
            order_ref,
            3_000,
            Mode::NX,
            recurring(1_000, 40, Some(3)),
            today,
        );
        r.cvx = cvx.map(Into::into);
        r
    };
    // The virtual CVV is bound to orderRef.
    let issued_for = unique_ref("wcvx-rec");
    let (_, vcvv) = virtual_cvv(&s, &issued_for, CARD).await;
    let other = unique_ref("wcvx-rec-other");
    let refused = call(&s, &plan(&other, Some(&vcvv))).await;
    assert_eq!(code(&refused), "01130");
    assert!(refused.payment_record_id.is_empty(), "no payment record");
    assert!(s.ledger(&other).await.is_empty(), "no due date billed");

    let ok = call(&s, &plan(&issued_for, Some(&vcvv))).await;
    assert_eq!(code(&ok), "02500");
    assert!(!ok.payment_record_id.is_empty());
    assert_eq!(
        s.ledger(&issued_for).await.len(),
        1,
        "the first due date, today"
    );

    // Replayed: refused, nothing created.
    let replay = unique_ref("wcvx-rec-replay");
    let again = call(&s, &plan(&replay, Some(&vcvv))).await;
    assert_eq!(
        (code(&again).as_str(), again.payment_record_id.as_str()),
        ("01130", "")
    );
    assert!(s.ledger(&replay).await.is_empty());

    // A plain CVV of the wrong length; the right length; none.
    let short = unique_ref("wcvx-rec-short");
    assert_eq!(code(&call(&s, &plan(&short, Some("12"))).await), "01130");
    assert!(s.ledger(&short).await.is_empty());
    let plain = if vcvv == "123" { "456" } else { "123" };
    assert_eq!(
        code(&call(&s, &plan(&unique_ref("wcvx-rec-3"), Some(plain))).await),
        "02500"
    );
    assert_eq!(
        code(&call(&s, &plan(&unique_ref("wcvx-rec-none"), None)).await),
        "02500"
    );
}
