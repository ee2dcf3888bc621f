//! Hosted pages (Payline doWebPayment, getWebPaymentDetails, manageWebWallet, getWebWallet),
//! driven over plain HTTP as a browser would.

use payline_protocol::messages::*;
use payline_protocol::objects::{Buyer, Recurring};
use payline_protocol::values::{Amount, Mode};
use payline_sandbox::{Config, DbLocation};

use crate::common::*;
use crate::soapkit::*;
use crate::walletkit::*;

const RETURN: &str = "http://shop.example/return";
const CANCEL: &str = "http://shop.example/cancel";

fn browser() -> reqwest::Client {
    let _ = client();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

fn web_payment(
    order_ref: &str,
    amount: u64,
    mode: Mode,
    recurring: Option<Recurring>,
    wallet_id: Option<&str>,
) -> DoWebPaymentRequest {
    let mut p = payment(amount, 101, CONTRACT);
    p.mode = mode;
    let mut req = DoWebPaymentRequest::new(p, RETURN, CANCEL, order(order_ref, amount));
    req.notification_url = Some("http://127.0.0.1:9/notify".into());
    req.buyer = wallet_id.map(|w| Buyer {
        wallet_id: Some(w.to_owned()),
        ..Buyer::default()
    });
    req.recurring = recurring;
    req
}

fn details(token: &str) -> GetWebPaymentDetailsRequest {
    GetWebPaymentDetailsRequest {
        version: "34".into(),
        token: token.into(),
    }
}

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

fn form_action(html: &str) -> String {
    let needle = "<form method=\"post\" action=\"";
    let start = html.find(needle).expect("form") + needle.len();
    let end = html[start..].find('"').expect("quote") + start;
    html[start..end].replace("&amp;", "&")
}

async fn open_page(_s: &TestSandbox, url: &str) -> (u16, String, reqwest::header::HeaderMap) {
    let r = browser().get(url).send().await.expect("page");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, r.text().await.expect("body"), headers)
}

async fn post(
    s: &TestSandbox,
    path_or_url: &str,
    form: &[(&str, &str)],
) -> (u16, String, Option<String>) {
    let url = if path_or_url.starts_with("http") {
        path_or_url.to_owned()
    } else {
        s.url(path_or_url)
    };
    let r = browser().post(url).form(form).send().await.expect("post");
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(str::to_owned);
    (status, r.text().await.expect("body"), location)
}

fn card_form<'a>(token: &'a str, pan: &'a str, exp: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("token", token),
        ("cardNumber", pan),
        ("expiryDate", exp),
        ("securityCode", "123"),
        ("cardholderName", "Ada Martin"),
    ]
}

fn slash(exp: &str) -> String {
    format!("{}/{}", &exp[..2], &exp[2..])
}

#[tokio::test]
async fn pay_on_the_hosted_page_then_read_the_outcome() {
    let s = TestSandbox::start().await;
    let order_ref = unique_ref("web");
    let r = call(&s, &web_payment(&order_ref, 10_000, Mode::CPT, None, None)).await;
    assert_eq!(code(&r), "00000");
    let token = r.token.clone().expect("token");
    let url = r.redirect_url.clone().expect("redirect");
    assert_eq!(url, s.url(&format!("/webpayment/?token={token}")));
    assert_eq!(
        code(&call(&s, &details(&token)).await),
        "02533",
        "buyer not redirected yet"
    );

    let (status, page, headers) = open_page(&s, &url).await;
    assert_eq!(status, 200);
    for label in [
        "Card number",
        "Expiry date",
        "Security code",
        "Cardholder name",
    ] {
        assert!(page.contains(&format!(">{label}</label>")), "{label}");
    }
    assert!(page.contains(">Pay</button>") && page.contains(">Cancel</button>"));
    assert!(
        page.contains(&order_ref) && page.contains("100.00 EUR"),
        "order summary"
    );
    assert!(!page.contains("<script>"), "no inline script");
    assert!(
        !page.contains("data-module"),
        "plain form without the browser module"
    );
    assert!(
        headers["content-security-policy"]
            .to_str()
            .expect("csp")
            .contains("script-src 'self'")
    );
    assert_eq!(
        code(&call(&s, &details(&token)).await),
        "02306",
        "buyer on the page"
    );

    // A bad card number shows the form again.
    let (status, again, _) = post(
        &s,
        "/webpayment/pay",
        &card_form(&token, "4970101122334456", &slash(&future_expiry())),
    )
    .await;
    assert_eq!(status, 200);
    assert!(again.contains("role=\"alert\"") && again.contains("02614"));

    let exp = slash(&future_expiry());
    let (status, _, location) = post(
        &s,
        "/webpayment/pay",
        &card_form(&token, "4970 1011 2233 4455", &exp),
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(
        location.as_deref(),
        Some(format!("{RETURN}?paylinetoken={token}").as_str())
    );
    let d = call(&s, &details(&token)).await;
    assert_eq!(code(&d), "00000");
    assert_eq!(d.card.number.as_deref(), Some("497010XXXXXX4455"));
    assert_eq!(d.transaction.id.len(), 14);
    assert_eq!(d.number_of_attempt.as_deref(), Some("2"));
    let ledger = s.ledger(&order_ref).await;
    assert_eq!(ledger.len(), 1);
    assert_eq!(
        (ledger[0]["amount"].as_i64(), ledger[0]["state"].as_str()),
        (Some(10_000), Some("CAPTURED"))
    );
    assert!(
        !serde_json::to_string(&ledger)
            .expect("json")
            .contains("4970101122334455"),
        "never a card number"
    );
    // The session is finished: the page and a second payment are refused.
    assert_eq!(open_page(&s, &url).await.0, 410);
    assert_eq!(
        post(
            &s,
            "/webpayment/pay",
            &card_form(&token, "4970101122334455", &exp)
        )
        .await
        .0,
        410
    );
    // WEBTRS to the call's notificationURL, with the token.
    let list: Vec<serde_json::Value> = s
        .http
        .get(s.url("/sandbox/notifications"))
        .basic_auth(MERCHANT, Some(ACCESS_KEY))
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    let webtrs = list
        .iter()
        .find(|n| n["notificationType"] == "WEBTRS")
        .expect("WEBTRS");
    assert_eq!(
        webtrs["url"],
        format!("http://127.0.0.1:9/notify?notificationType=WEBTRS&token={token}")
    );
    // getWebPaymentDetails was called: the receiver (unreachable here) is not retried.
    assert_eq!(webtrs["status"], "FETCHED");
}

#[tokio::test]
async fn cancel_expiry_and_request_codes() {
    let s = TestSandbox::start().await;
    let r = call(
        &s,
        &web_payment(&unique_ref("web"), 5_000, Mode::CPT, None, None),
    )
    .await;
    let token = r.token.expect("token");
    open_page(&s, &r.redirect_url.expect("url")).await;
    let (status, _, location) = post(&s, "/webpayment/cancel", &[("token", &token)]).await;
    assert_eq!(status, 303);
    assert_eq!(
        location.as_deref(),
        Some(format!("{CANCEL}?paylinetoken={token}").as_str())
    );
    assert_eq!(code(&call(&s, &details(&token)).await), "02319");

    // Not redirected, then expired.
    let r = call(
        &s,
        &web_payment(&unique_ref("web"), 5_000, Mode::CPT, None, None),
    )
    .await;
    let t2 = r.token.expect("token");
    s.advance(16 * 60).await;
    assert_eq!(code(&call(&s, &details(&t2)).await), "02534");
    assert_eq!(
        open_page(&s, &s.url(&format!("/webpayment/?token={t2}")))
            .await
            .0,
        410
    );
    assert_eq!(code(&call(&s, &details("unknown-token")).await), "02304");

    let mut bad = web_payment(&unique_ref("web"), 5_000, Mode::CPT, None, None);
    bad.payment.contract_number = Some("0000000".into());
    assert_eq!(code(&call(&s, &bad).await), "02303");
    let mut no_return = web_payment(&unique_ref("web"), 5_000, Mode::CPT, None, None);
    no_return.return_url = String::new();
    assert_eq!(code(&call(&s, &no_return).await), "02305");
    assert_eq!(
        code(
            &call(
                &s,
                &web_payment(
                    &unique_ref("web"),
                    30_001,
                    Mode::NX,
                    Some(recurring(10_000, 40, Some(3))),
                    None
                )
            )
            .await
        ),
        "02509"
    );
    assert_eq!(
        code(
            &call(
                &s,
                &web_payment(&unique_ref("web"), 30_000, Mode::NX, None, None)
            )
            .await
        ),
        "02509"
    );
}

#[tokio::test]
async fn three_d_secure_challenge_on_the_hosted_page() {
    let s = TestSandbox::start().await;
    let order_ref = unique_ref("web3ds");
    let r = call(&s, &web_payment(&order_ref, 2_599, Mode::CPT, None, None)).await;
    let token = r.token.expect("token");
    open_page(&s, &r.redirect_url.expect("url")).await;
    let (status, to_acs, _) = post(
        &s,
        "/webpayment/pay",
        &card_form(&token, "4970105181818183", &slash(&future_expiry())),
    )
    .await;
    assert_eq!(status, 200);
    assert!(to_acs.contains("data-autosubmit") && to_acs.contains(">Continue</button>"));
    let acs = form_action(&to_acs);
    assert_eq!(acs, s.url("/acs/challenge"));
    let md = hidden_value(&to_acs, "threeDSSessionData");
    let creq = hidden_value(&to_acs, "creq");
    let (status, challenge, _) =
        post(&s, &acs, &[("creq", &creq), ("threeDSSessionData", &md)]).await;
    assert_eq!(status, 200);
    assert!(challenge.contains("Verification code"));
    let (_, done, _) = post(
        &s,
        "/acs/challenge/submit",
        &[("session", &md), ("code", "1234"), ("action", "submit")],
    )
    .await;
    assert_eq!(form_action(&done), s.url("/webpayment/3ds-return"));
    let cres = hidden_value(&done, "cres");
    let (status, _, location) = post(
        &s,
        "/webpayment/3ds-return",
        &[("cres", &cres), ("threeDSSessionData", &md)],
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(
        location.as_deref(),
        Some(format!("{RETURN}?paylinetoken={token}").as_str())
    );
    let d = call(&s, &details(&token)).await;
    assert_eq!(code(&d), "00000");
    let ledger = s.ledger(&order_ref).await;
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0]["threeDSecure"], "Y", "{ledger:?}");
    // The return cannot be replayed.
    assert_eq!(
        post(
            &s,
            "/webpayment/3ds-return",
            &[("cres", &cres), ("threeDSSessionData", &md)]
        )
        .await
        .0,
        410
    );

    // A failed challenge: the payment is refused with the 3-D Secure code.
    let r = call(
        &s,
        &web_payment(&unique_ref("web3ds"), 2_599, Mode::CPT, None, None),
    )
    .await;
    let token = r.token.expect("token");
    let (_, to_acs, _) = post(
        &s,
        "/webpayment/pay",
        &card_form(&token, "4970105181818183", &slash(&future_expiry())),
    )
    .await;
    let md = hidden_value(&to_acs, "threeDSSessionData");
    post(
        &s,
        &form_action(&to_acs),
        &[
            ("creq", &hidden_value(&to_acs, "creq")),
            ("threeDSSessionData", &md),
        ],
    )
    .await;
    let (_, done, _) = post(
        &s,
        "/acs/challenge/submit",
        &[("session", &md), ("code", "0000"), ("action", "submit")],
    )
    .await;
    let (status, _, _) = post(
        &s,
        "/webpayment/3ds-return",
        &[
            ("cres", &hidden_value(&done, "cres")),
            ("threeDSSessionData", &md),
        ],
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(code(&call(&s, &details(&token)).await), "03003");
}

#[tokio::test]
async fn wallet_id_unknown_is_created_then_offered() {
    let s = TestSandbox::start().await;
    let wallet = unique_ref("webw");
    let r = call(
        &s,
        &web_payment(&unique_ref("web"), 1_000, Mode::CPT, None, Some(&wallet)),
    )
    .await;
    let token = r.token.expect("token");
    let (_, page, _) = open_page(&s, &r.redirect_url.expect("url")).await;
    assert!(!page.contains("Pay with saved card"));
    let (status, _, _) = post(
        &s,
        "/webpayment/pay",
        &card_form(&token, "5130000000000010", &slash(&future_expiry())),
    )
    .await;
    assert_eq!(status, 303);
    let d = call(&s, &details(&token)).await;
    assert_eq!(
        d.wallet.as_ref().map(|w| w.wallet_id.as_str()),
        Some(wallet.as_str())
    );
    let got = call(&s, &get(&wallet, None)).await;
    assert_eq!(code(&got), "02500");

    // Next purchase: the saved card is offered and pays.
    let order_ref = unique_ref("web");
    let r = call(
        &s,
        &web_payment(&order_ref, 2_000, Mode::CPT, None, Some(&wallet)),
    )
    .await;
    let token = r.token.expect("token");
    let (_, page, _) = open_page(&s, &r.redirect_url.expect("url")).await;
    assert!(
        page.contains("Saved card 513000XXXXXX0010")
            && page.contains(">Pay with saved card</button>")
    );
    let (status, _, _) = post(
        &s,
        "/webpayment/pay",
        &[("token", &token), ("savedCard", "1")],
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(code(&call(&s, &details(&token)).await), "00000");
    assert_eq!(
        s.ledger(&order_ref).await[0]["maskedCard"],
        "513000XXXXXX0010"
    );
}

#[tokio::test]
async fn nx_on_the_hosted_page_creates_the_payment_record() {
    let s = TestSandbox::start().await;
    let order_ref = unique_ref("webnx");
    let mut rec = recurring(10_000, 40, Some(3));
    rec.first_amount = Amount::from_minor(10_000);
    let r = call(
        &s,
        &web_payment(&order_ref, 30_000, Mode::NX, Some(rec), None),
    )
    .await;
    assert_eq!(code(&r), "00000");
    let token = r.token.expect("token");
    let (_, page, _) = open_page(&s, &r.redirect_url.expect("url")).await;
    assert!(page.contains("300.00 EUR"));
    let (status, _, _) = post(
        &s,
        "/webpayment/pay",
        &card_form(&token, "4970101122334455", &slash(&future_expiry())),
    )
    .await;
    assert_eq!(status, 303);
    let d = call(&s, &details(&token)).await;
    assert_eq!(code(&d), "00000");
    let record = d.payment_record_id.clone().expect("payment record");
    let list = d
        .billing_record_list
        .expect("billing records")
        .billing_record;
    assert_eq!(
        list.iter().map(|b| b.status.code()).collect::<Vec<_>>(),
        vec![1, 0, 0]
    );
    s.advance(70 * 86_400).await;
    let got = call(&s, &get_record(&record)).await;
    assert_eq!(
        got.billing_record_list
            .billing_record
            .iter()
            .map(|b| b.status.code())
            .collect::<Vec<_>>(),
        vec![1, 1, 1]
    );
    let ledger = s.ledger(&order_ref).await;
    assert_eq!(
        ledger
            .iter()
            .map(|e| e["amount"].as_i64().unwrap_or(0))
            .collect::<Vec<_>>(),
        vec![10_000, 10_000, 10_000]
    );
}

fn manage_web_wallet(wallet_id: &str) -> ManageWebWalletRequest {
    ManageWebWalletRequest {
        version: "34".into(),
        contract_number: CONTRACT.into(),
        selected_contract_list: None,
        update_personal_details: None,
        buyer: Buyer {
            wallet_id: Some(wallet_id.to_owned()),
            ..Buyer::default()
        },
        owner: None,
        language_code: None,
        custom_payment_page_code: None,
        security_mode: None,
        return_url: RETURN.into(),
        cancel_url: CANCEL.into(),
        notification_url: Some("http://127.0.0.1:9/notify".into()),
        private_data_list: None,
        custom_payment_template_url: None,
        contract_number_wallet_list: None,
        merchant_name: None,
        three_ds_info: None,
    }
}

#[tokio::test]
async fn manage_web_wallet_page_saves_a_card() {
    let s = TestSandbox::start().await;
    let wallet = unique_ref("mww");
    let r = call(&s, &manage_web_wallet(&wallet)).await;
    assert_eq!(r.result.code.as_str(), "00000");
    let get_web = GetWebWalletRequest {
        version: "34".into(),
        token: r.token.clone(),
    };
    assert_eq!(call(&s, &get_web).await.result.code.as_str(), "02533");
    let (status, page, _) = open_page(&s, &r.redirect_url).await;
    assert_eq!(status, 200);
    assert!(
        page.contains(">Card number</label>")
            && page.contains(">Save</button>")
            && page.contains(">Cancel</button>")
    );
    let (status, _, location) = post(
        &s,
        "/webpayment/wallet/save",
        &card_form(&r.token, "4970101122334455", &slash(&future_expiry())),
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(
        location.as_deref(),
        Some(format!("{RETURN}?paylinetoken={}", r.token).as_str())
    );
    let w = call(&s, &get_web).await;
    assert_eq!(w.result.code.as_str(), "02500");
    assert_eq!(
        w.wallet
            .as_ref()
            .and_then(|w| w.card.number.as_ref())
            .map(|n| n.expose().to_owned())
            .as_deref(),
        Some("497010XXXXXX4455")
    );
    assert_eq!(
        s.ledger(&format!("wallet-check:{wallet}")).await[0]["amount"],
        100
    );
}

#[tokio::test]
async fn the_browser_module_is_used_when_its_built_files_exist() {
    let dir = std::env::temp_dir().join(unique_ref("pkg"));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(
        dir.join("card_capture.js"),
        "export default async function init() {}\n",
    )
    .expect("write");
    let config = Config {
        browser_module_dir: Some(dir.clone()),
        ..Config::default()
    };
    let s = TestSandbox::start_with(config, DbLocation::Memory).await;
    let r = call(
        &s,
        &web_payment(&unique_ref("web"), 1_000, Mode::CPT, None, None),
    )
    .await;
    let (_, page, _) = open_page(&s, &r.redirect_url.expect("url")).await;
    assert!(page.contains("data-module=\"/webpayment/pkg/card_capture.js\""));
    assert!(
        page.contains(">Card number</label>"),
        "the plain form stays underneath"
    );
    let js = browser()
        .get(s.url("/webpayment/pkg/card_capture.js"))
        .send()
        .await
        .expect("js");
    assert_eq!(js.status(), 200);
    assert!(
        js.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/javascript")
    );
    assert_eq!(
        browser()
            .get(s.url("/webpayment/pkg/..%2Fsecret"))
            .send()
            .await
            .expect("js")
            .status(),
        404
    );
    let script = browser()
        .get(s.url("/webpayment/hosted.js"))
        .send()
        .await
        .expect("hosted.js")
        .text()
        .await
        .expect("text");
    assert!(script.contains("formatNumber") && script.contains("form[data-autosubmit]"));
    let _ = std::fs::remove_dir_all(dir);
}

/// `threeDSCompInd` and the authentication type the ACS saw, from getWebPaymentDetails'
/// `authentication3DSecure.resultContainer` (base64url JSON).
fn result_container(d: &GetWebPaymentDetailsResponse) -> serde_json::Value {
    use base64::Engine as _;
    let raw = d
        .authentication_3d_secure
        .as_ref()
        .and_then(|a| a.result_container.clone())
        .expect("resultContainer");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(raw.trim_end_matches('='))
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("json")
}

fn method_form_action(html: &str) -> String {
    let needle = "target=\"threeDSMethodFrame\"";
    let form = html
        .find(needle)
        .map(|i| &html[..i])
        .and_then(|h| h.rfind("action=\"").map(|a| &h[a + 8..]))
        .expect("method form");
    form[..form.find('"').expect("quote")].replace("&amp;", "&")
}

#[tokio::test]
async fn saved_wallet_card_goes_through_the_3ds_challenge() {
    let s = TestSandbox::start().await;
    let wallet = unique_ref("web3dsw");
    assert_eq!(
        code(
            &call(
                &s,
                &create(&wallet, wallet_card("4970105181818183", &future_expiry()))
            )
            .await
        ),
        "02500"
    );
    let order_ref = unique_ref("web3dsw");
    let r = call(
        &s,
        &web_payment(&order_ref, 2_599, Mode::CPT, None, Some(&wallet)),
    )
    .await;
    let token = r.token.expect("token");
    let (_, page, _) = open_page(&s, &r.redirect_url.expect("url")).await;
    assert!(page.contains("Saved card 497010XXXXXX8183"));
    let (status, to_acs, _) = post(
        &s,
        "/webpayment/pay",
        &[("token", &token), ("savedCard", "1")],
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        to_acs.contains("data-autosubmit"),
        "the saved card goes to the ACS like a typed one"
    );
    assert_eq!(form_action(&to_acs), s.url("/acs/challenge"));
    assert!(
        s.ledger(&order_ref).await.is_empty(),
        "nothing authorized before the authentication"
    );
    let md = hidden_value(&to_acs, "threeDSSessionData");
    let (status, challenge, _) = post(
        &s,
        &form_action(&to_acs),
        &[
            ("creq", &hidden_value(&to_acs, "creq")),
            ("threeDSSessionData", &md),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert!(challenge.contains("Verification code"));
    let (_, done, _) = post(
        &s,
        "/acs/challenge/submit",
        &[("session", &md), ("code", "1234"), ("action", "submit")],
    )
    .await;
    let (status, _, location) = post(
        &s,
        "/webpayment/3ds-return",
        &[
            ("cres", &hidden_value(&done, "cres")),
            ("threeDSSessionData", &md),
        ],
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(
        location.as_deref(),
        Some(format!("{RETURN}?paylinetoken={token}").as_str())
    );
    let d = call(&s, &details(&token)).await;
    assert_eq!(code(&d), "00000");
    assert_eq!(d.transaction.three_d_secure.as_deref(), Some("Y"));
    assert_eq!(result_container(&d)["effectiveAuthType"], "CH");
    let ledger = s.ledger(&order_ref).await;
    assert_eq!(ledger.len(), 1);
    assert_eq!(
        (
            ledger[0]["threeDSecure"].as_str(),
            ledger[0]["maskedCard"].as_str()
        ),
        (Some("Y"), Some("497010XXXXXX8183"))
    );

    // Cancel at the ACS: the saved-card payment is refused with 03022.
    let r = call(
        &s,
        &web_payment(
            &unique_ref("web3dsw"),
            2_599,
            Mode::CPT,
            None,
            Some(&wallet),
        ),
    )
    .await;
    let token = r.token.expect("token");
    let (_, to_acs, _) = post(
        &s,
        "/webpayment/pay",
        &[("token", &token), ("savedCard", "1")],
    )
    .await;
    let md = hidden_value(&to_acs, "threeDSSessionData");
    let (_, done, _) = post(
        &s,
        "/acs/challenge/submit",
        &[("session", &md), ("action", "cancel")],
    )
    .await;
    assert_eq!(
        post(
            &s,
            "/webpayment/3ds-return",
            &[
                ("cres", &hidden_value(&done, "cres")),
                ("threeDSSessionData", &md)
            ]
        )
        .await
        .0,
        303
    );
    assert_eq!(code(&call(&s, &details(&token)).await), "03022");
}

#[tokio::test]
async fn the_3ds_method_step_runs_before_the_authentication() {
    let s = TestSandbox::start().await;
    let order_ref = unique_ref("webm");
    let r = call(&s, &web_payment(&order_ref, 1_500, Mode::CPT, None, None)).await;
    let token = r.token.expect("token");
    open_page(&s, &r.redirect_url.expect("url")).await;
    let r = browser()
        .post(s.url("/webpayment/pay"))
        .form(&card_form(
            &token,
            "4970100000000113",
            &slash(&future_expiry()),
        ))
        .send()
        .await
        .expect("pay");
    assert_eq!(r.status(), 200);
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .expect("csp")
        .to_owned();
    let page = r.text().await.expect("body");
    // A hidden iframe, the ACS's method URL as its form target, a continue form; no inline script.
    assert!(
        csp.contains("frame-src 'self'") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    assert!(page.contains("<iframe name=\"threeDSMethodFrame\"") && page.contains(" hidden "));
    assert!(!page.contains("<script>") && !page.contains("data-autosubmit"));
    assert_eq!(method_form_action(&page), s.url("/acs/method"));
    assert!(
        page.contains("action=\"/webpayment/3ds-method-continue\"")
            && page.contains("data-timeout=\"10000\"")
    );
    assert!(
        page.contains("name=\"methodCompleted\" value=\"false\""),
        "without script, the button continues as not completed"
    );
    assert_eq!(code(&call(&s, &details(&token)).await), "02306");
    assert!(s.ledger(&order_ref).await.is_empty());

    // The ACS method page (in the iframe) posts to the sandbox's notification URL.
    let (status, acs, _) = post(
        &s,
        "/acs/method",
        &[(
            "threeDSMethodData",
            &hidden_value(&page, "threeDSMethodData"),
        )],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(form_action(&acs), s.url("/webpayment/3ds-method-notify"));
    let notification = hidden_value(&acs, "threeDSMethodData");
    let (status, notified, _) = post(
        &s,
        "/webpayment/3ds-method-notify",
        &[("threeDSMethodData", &notification)],
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        notified.contains("data-method-notified")
            && notified.contains("src=\"/webpayment/hosted.js\"")
    );
    assert_eq!(
        post(
            &s,
            "/webpayment/3ds-method-notify",
            &[("threeDSMethodData", &notification)]
        )
        .await
        .0,
        410,
        "notified once"
    );
    assert_eq!(
        post(
            &s,
            "/webpayment/3ds-method-notify",
            &[("threeDSMethodData", "bogus")]
        )
        .await
        .0,
        400
    );

    // Continue: the second verifyEnrollment (frictionless here) and the authorization.
    let (status, _, location) = post(
        &s,
        "/webpayment/3ds-method-continue",
        &[("token", &token), ("methodCompleted", "true")],
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(
        location.as_deref(),
        Some(format!("{RETURN}?paylinetoken={token}").as_str())
    );
    let d = call(&s, &details(&token)).await;
    assert_eq!(code(&d), "00000");
    assert_eq!(result_container(&d)["threeDSCompInd"], "Y");
    assert_eq!(s.ledger(&order_ref).await[0]["threeDSecure"], "Y");
    assert_eq!(
        post(
            &s,
            "/webpayment/3ds-method-continue",
            &[("token", &token), ("methodCompleted", "true")]
        )
        .await
        .0,
        410
    );
}

#[tokio::test]
async fn the_3ds_method_timeout_continues_as_not_completed() {
    let s = TestSandbox::start().await;
    for (claimed, with_wallet) in [("false", false), ("true", true)] {
        let order_ref = unique_ref("webmt");
        let wallet = unique_ref("webmtw");
        if with_wallet {
            assert_eq!(
                code(
                    &call(
                        &s,
                        &create(&wallet, wallet_card("4970100000000113", &future_expiry()))
                    )
                    .await
                ),
                "02500"
            );
        }
        let r = call(
            &s,
            &web_payment(
                &order_ref,
                1_500,
                Mode::CPT,
                None,
                with_wallet.then_some(wallet.as_str()),
            ),
        )
        .await;
        let token = r.token.expect("token");
        let form = if with_wallet {
            vec![("token", token.as_str()), ("savedCard", "1")]
        } else {
            card_form(&token, "4970100000000113", "12/30")
        };
        let (status, page, _) = post(&s, "/webpayment/pay", &form).await;
        assert_eq!(status, 200);
        assert!(
            page.contains("data-method-continue"),
            "the saved card runs the method step too: {with_wallet}"
        );
        // The notification never came (10 s timeout on the page, or a page claiming completion
        // without it): threeDSCompInd N, and the payment still goes on.
        let (status, _, _) = post(
            &s,
            "/webpayment/3ds-method-continue",
            &[("token", &token), ("methodCompleted", claimed)],
        )
        .await;
        assert_eq!(status, 303);
        let d = call(&s, &details(&token)).await;
        assert_eq!(code(&d), "00000");
        assert_eq!(
            result_container(&d)["threeDSCompInd"],
            "N",
            "claimed {claimed}"
        );
    }
}

fn get_web_wallet(token: &str) -> GetWebWalletRequest {
    GetWebWalletRequest {
        version: "34".into(),
        token: token.into(),
    }
}

/// The WEBWALLET notification of a manageWebWallet session, once recorded.
async fn webwallet_notification(s: &TestSandbox, token: &str) -> Option<serde_json::Value> {
    let list: Vec<serde_json::Value> = s
        .http
        .get(s.url("/sandbox/notifications"))
        .basic_auth(MERCHANT, Some(ACCESS_KEY))
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    list.into_iter().find(|n| {
        n["url"] == format!("http://127.0.0.1:9/notify?notificationType=WEBWALLET&token={token}")
    })
}

/// Opens a manageWebWallet page and saves `pan` on it; returns the session token and the
/// page the sandbox answered (the ACS step for an enrolled card).
async fn save_on_wallet_page(
    s: &TestSandbox,
    wallet: &str,
    pan: &str,
) -> (String, u16, String, Option<String>) {
    let r = call(s, &manage_web_wallet(wallet)).await;
    assert_eq!(r.result.code.as_str(), "00000");
    open_page(s, &r.redirect_url).await;
    let (status, page, location) = post(
        s,
        "/webpayment/wallet/save",
        &card_form(&r.token, pan, &slash(&future_expiry())),
    )
    .await;
    (r.token, status, page, location)
}

/// Drives the ACS challenge page the wallet page sent the buyer to: `code` + Submit, or Cancel.
async fn wallet_challenge(
    s: &TestSandbox,
    to_acs: &str,
    action: &str,
    code: &str,
) -> (u16, Option<String>) {
    assert!(
        to_acs.contains("data-autosubmit") && to_acs.contains("confirm saving this card"),
        "{to_acs}"
    );
    assert_eq!(form_action(to_acs), s.url("/acs/challenge"));
    let md = hidden_value(to_acs, "threeDSSessionData");
    let (status, challenge, _) = post(
        s,
        &form_action(to_acs),
        &[
            ("creq", &hidden_value(to_acs, "creq")),
            ("threeDSSessionData", &md),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert!(challenge.contains("Verification code"));
    let (_, done, _) = post(
        s,
        "/acs/challenge/submit",
        &[("session", &md), ("code", code), ("action", action)],
    )
    .await;
    assert_eq!(form_action(&done), s.url("/webpayment/3ds-return"));
    let (status, _, location) = post(
        s,
        "/webpayment/3ds-return",
        &[
            ("cres", &hidden_value(&done, "cres")),
            ("threeDSSessionData", &md),
        ],
    )
    .await;
    (status, location)
}

#[tokio::test]
async fn manage_web_wallet_runs_3ds_before_registering_the_card() {
    let s = TestSandbox::start().await;

    // Challenge passed: the wallet is created after the authentication, its check authenticated.
    let wallet = unique_ref("mww3ds");
    let (token, status, to_acs, _) = save_on_wallet_page(&s, &wallet, "4970105181818183").await;
    assert_eq!(status, 200);
    assert_eq!(
        call(&s, &get_web_wallet(&token)).await.result.code.as_str(),
        "02306",
        "on the page"
    );
    assert_eq!(
        code(&call(&s, &get(&wallet, None)).await),
        "02503",
        "nothing registered before the authentication"
    );
    assert!(
        s.ledger(&format!("wallet-check:{wallet}")).await.is_empty(),
        "no check before the authentication"
    );
    let md = hidden_value(&to_acs, "threeDSSessionData");
    let (status, location) = wallet_challenge(&s, &to_acs, "submit", "1234").await;
    assert_eq!(status, 303);
    assert_eq!(
        location.as_deref(),
        Some(format!("{RETURN}?paylinetoken={token}").as_str())
    );
    let w = call(&s, &get_web_wallet(&token)).await;
    assert_eq!(w.result.code.as_str(), "02500");
    assert_eq!(
        w.wallet
            .as_ref()
            .and_then(|w| w.card.number.as_ref())
            .map(|n| n.expose().to_owned())
            .as_deref(),
        Some("497010XXXXXX8183")
    );
    assert_eq!(code(&call(&s, &get(&wallet, None)).await), "02500");
    let check = s.ledger(&format!("wallet-check:{wallet}")).await;
    assert_eq!(check.len(), 1);
    assert_eq!(
        (
            check[0]["amount"].as_i64(),
            check[0]["threeDSecure"].as_str(),
            check[0]["eci"].as_str()
        ),
        (Some(100), Some("Y"), Some("05"))
    );
    assert!(
        webwallet_notification(&s, &token).await.is_some(),
        "WEBWALLET"
    );
    // The authentication was used once: the return cannot be replayed.
    assert_eq!(
        post(
            &s,
            "/webpayment/3ds-return",
            &[("cres", "x"), ("threeDSSessionData", &md)]
        )
        .await
        .0,
        410
    );

    // Challenge failed: nothing is registered; the session ends with 03003, notified.
    let failed = unique_ref("mww3ds-fail");
    let (token, _, to_acs, _) = save_on_wallet_page(&s, &failed, "4970105181818183").await;
    let (status, location) = wallet_challenge(&s, &to_acs, "submit", "0000").await;
    assert_eq!(status, 303);
    assert_eq!(
        location.as_deref(),
        Some(format!("{RETURN}?paylinetoken={token}").as_str())
    );
    let w = call(&s, &get_web_wallet(&token)).await;
    assert_eq!(
        (w.result.code.as_str(), w.wallet.is_none()),
        ("03003", true)
    );
    assert_eq!(code(&call(&s, &get(&failed, None)).await), "02503");
    assert!(s.ledger(&format!("wallet-check:{failed}")).await.is_empty());
    assert!(
        webwallet_notification(&s, &token).await.is_some(),
        "WEBWALLET"
    );
    assert_eq!(
        post(
            &s,
            "/webpayment/wallet/save",
            &card_form(&token, CARD, &slash(&future_expiry()))
        )
        .await
        .0,
        410,
        "finished"
    );

    // Cancelled at the ACS while replacing the card of an existing wallet: the old card stays.
    let existing = unique_ref("mww3ds-cancel");
    assert_eq!(
        code(&call(&s, &create(&existing, wallet_card(CARD, &future_expiry()))).await),
        "02500"
    );
    let (token, _, to_acs, _) = save_on_wallet_page(&s, &existing, "4970105181818183").await;
    let (status, _) = wallet_challenge(&s, &to_acs, "cancel", "").await;
    assert_eq!(status, 303);
    let w = call(&s, &get_web_wallet(&token)).await;
    assert_eq!(
        (w.result.code.as_str(), w.wallet.is_none()),
        ("03022", true)
    );
    let kept = call(&s, &get(&existing, None)).await;
    assert_eq!(
        kept.wallet
            .as_ref()
            .and_then(|w| w.card.number.as_ref())
            .map(|n| n.expose().to_owned())
            .as_deref(),
        Some("497010XXXXXX4455")
    );
    assert_eq!(
        s.ledger(&format!("wallet-check:{existing}")).await.len(),
        1,
        "only the createWallet check"
    );
    assert!(
        webwallet_notification(&s, &token).await.is_some(),
        "WEBWALLET"
    );

    // A bad security code is refused on the page, before any authentication.
    let bad = unique_ref("mww3ds-cvv");
    let r = call(&s, &manage_web_wallet(&bad)).await;
    open_page(&s, &r.redirect_url).await;
    let mut form = card_form(&r.token, "4970105181818183", "12/30");
    form[3] = ("securityCode", "12");
    let (status, page, _) = post(&s, "/webpayment/wallet/save", &form).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Card refused (01130)") && !page.contains("data-autosubmit"),
        "{page}"
    );
    assert_eq!(
        call(&s, &get_web_wallet(&r.token))
            .await
            .result
            .code
            .as_str(),
        "02306"
    );
}

#[tokio::test]
async fn manage_web_wallet_frictionless_and_the_3ds_method_step() {
    let s = TestSandbox::start().await;

    // Frictionless: registered at once, the check authenticated.
    let wallet = unique_ref("mwwfr");
    let (token, status, _, location) = save_on_wallet_page(&s, &wallet, "4970107111111119").await;
    assert_eq!(status, 303);
    assert_eq!(
        location.as_deref(),
        Some(format!("{RETURN}?paylinetoken={token}").as_str())
    );
    assert_eq!(
        call(&s, &get_web_wallet(&token)).await.result.code.as_str(),
        "02500"
    );
    assert_eq!(
        s.ledger(&format!("wallet-check:{wallet}")).await[0]["threeDSecure"],
        "Y"
    );

    // The ACS has a 3DS Method URL: the page runs it, then the second verifyEnrollment.
    let wallet = unique_ref("mwwm");
    let (token, status, page, _) = save_on_wallet_page(&s, &wallet, "4970100000000113").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("data-method-continue")
            && page.contains("<iframe name=\"threeDSMethodFrame\""),
        "{page}"
    );
    assert_eq!(method_form_action(&page), s.url("/acs/method"));
    assert_eq!(
        code(&call(&s, &get(&wallet, None)).await),
        "02503",
        "nothing registered during the device check"
    );
    let (_, acs, _) = post(
        &s,
        "/acs/method",
        &[(
            "threeDSMethodData",
            &hidden_value(&page, "threeDSMethodData"),
        )],
    )
    .await;
    let (status, _, _) = post(
        &s,
        "/webpayment/3ds-method-notify",
        &[(
            "threeDSMethodData",
            &hidden_value(&acs, "threeDSMethodData"),
        )],
    )
    .await;
    assert_eq!(status, 200);
    let (status, _, location) = post(
        &s,
        "/webpayment/3ds-method-continue",
        &[("token", &token), ("methodCompleted", "true")],
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(
        location.as_deref(),
        Some(format!("{RETURN}?paylinetoken={token}").as_str())
    );
    let w = call(&s, &get_web_wallet(&token)).await;
    assert_eq!(w.result.code.as_str(), "02500");
    assert_eq!(
        w.wallet
            .as_ref()
            .and_then(|w| w.card.number.as_ref())
            .map(|n| n.expose().to_owned())
            .as_deref(),
        Some("497010XXXXXX0113")
    );
    let check = s.ledger(&format!("wallet-check:{wallet}")).await;
    assert_eq!(
        (check.len(), check[0]["threeDSecure"].as_str()),
        (1, Some("Y"))
    );
    assert!(
        webwallet_notification(&s, &token).await.is_some(),
        "WEBWALLET"
    );
}
