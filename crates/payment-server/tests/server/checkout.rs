//! The checkout over HTTP as the browser drives it: session → sandbox tokenizer → pay →
//! (3-D Secure) → status, against the embedded sandbox (session, pay, 3-D Secure, return-page and status contracts).

use serde_json::{Value, json};

use crate::support::{self, client, ledger, pay, pay_body, sqlite_url, status, tokenize};

const NOT_ENROLLED: &str = "4970101122334455";
const FRICTIONLESS: &str = "4970107111111119";
const CHALLENGE: &str = "4970105181818183";
const REDIRECT_3DS1: &str = "4970100000000030";
const METHOD_THEN_FRICTIONLESS: &str = "4970100000000113";

async fn session(s: &support::Server, amount: u64) -> Value {
    support::create_session(s, json!({"amount": amount, "currency": "EUR"})).await
}

#[tokio::test]
async fn not_enrolled_card_is_authorized_for_the_session_amount() {
    let (sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let cs = session(&s, 2599).await;
    let blob = tokenize(&cs["tokenizer"], NOT_ENROLLED, "1230", Some("123"))
        .await
        .unwrap();
    let (st, v) = pay(&cs, &pay_body(&blob, "k1")).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["status"], "authorized", "{v}");
    let pid = v["paymentId"].as_str().unwrap();
    assert!(!v["transactionId"].as_str().unwrap().is_empty());
    let st = status(&cs).await;
    assert_eq!(st["status"], "authorized");
    assert_eq!(st["payment"]["paymentId"], pid);
    assert_eq!(st["payment"]["amount"], 2599);
    assert_eq!(st["payment"]["currency"], "EUR");
    assert_eq!(st["payment"]["brand"], "CB");
    let masked = st["payment"]["maskedCard"].as_str().unwrap();
    assert!(
        masked.ends_with("4455") && !masked.contains("1122334"),
        "{masked}"
    );
    // The gateway saw exactly one authorization, of the session's amount, with the brand.
    let l = ledger(&sb, cs["orderRef"].as_str().unwrap()).await;
    let txs = l
        .as_array()
        .or_else(|| l["transactions"].as_array())
        .cloned()
        .unwrap_or_default();
    assert_eq!(txs.len(), 1, "{l}");
    let t = &txs[0];
    assert_eq!(t["amount"], 2599, "{t}");
    assert_eq!(t["cardBrand"], "CB", "{t}");
}

#[tokio::test]
async fn the_browser_cannot_set_the_amount() {
    let (_sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let cs = session(&s, 2599).await;
    let blob = tokenize(&cs["tokenizer"], NOT_ENROLLED, "1230", Some("123"))
        .await
        .unwrap();
    let mut body = pay_body(&blob, "k1");
    body["amount"] = json!(1);
    let (st, v) = pay(&cs, &body).await;
    assert_eq!(st, 400);
    assert_eq!(v["error"]["code"], "invalid_body");
    // Nothing changed: the same blob still pays, for the session's amount.
    let (st, v) = pay(&cs, &pay_body(&blob, "k2")).await;
    assert_eq!((st, v["status"].as_str()), (200, Some("authorized")), "{v}");
}

#[tokio::test]
async fn same_idempotency_key_same_answer_one_authorization_and_a_blob_is_used_once() {
    let (sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let cs = session(&s, 2599).await;
    let blob = tokenize(&cs["tokenizer"], NOT_ENROLLED, "1230", Some("123"))
        .await
        .unwrap();
    let body = pay_body(&blob, "same-key");
    // Two identical requests race.
    let (a, b) = tokio::join!(pay(&cs, &body), pay(&cs, &body));
    assert_eq!(a, b);
    assert_eq!(a.1["status"], "authorized", "{:?}", a);
    let (st, again) = pay(&cs, &body).await;
    assert_eq!((st, &again), (200, &a.1));
    // The same blob under another key is refused.
    let (st, v) = pay(&cs, &pay_body(&blob, "other-key")).await;
    assert_eq!(st, 409);
    assert!(
        ["token_already_used", "already_authorized"]
            .contains(&v["error"]["code"].as_str().unwrap()),
        "{v}"
    );
    let l = ledger(&sb, cs["orderRef"].as_str().unwrap()).await;
    let n = l
        .as_array()
        .or_else(|| l["transactions"].as_array())
        .map_or(0, Vec::len);
    assert_eq!(n, 1, "{l}");
}

#[tokio::test]
async fn refused_attempts_get_a_new_order_ref_until_the_limit_then_429() {
    let (_sb, s) = support::start_with_sandbox(sqlite_url()).await;
    // 333.05 EUR: Payline homologation amount answering 01100 (Payline homologation test amounts).
    let cs = session(&s, 33305).await;
    let key = payline_protocol::secret::Secret::new("SANDBOXACCESSKEY0001");
    let mut tokenizer = cs["tokenizer"].clone();
    let first_blob = tokenize(&tokenizer, NOT_ENROLLED, "1230", Some("123"))
        .await
        .unwrap();
    let mut blob = first_blob.clone();
    for n in 1..=5 {
        let (st, v) = pay(&cs, &pay_body(&blob, &format!("k{n}"))).await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["status"], "refused", "{v}");
        assert_eq!(v["code"], "01100", "{v}");
        if n < 5 {
            tokenizer = v["retry"]["tokenizer"].clone();
            let d = payline_protocol::web2token::decrypt_request_data(
                &key,
                tokenizer["data"].as_str().unwrap(),
            )
            .unwrap();
            assert_eq!(
                d.order_ref,
                format!("{}-{}", cs["orderRef"].as_str().unwrap(), n + 1)
            );
            if n == 1 {
                // A blob of the previous attempt no longer fits.
                let (st, v) = pay(&cs, &pay_body(&first_blob, "old")).await;
                assert_eq!(st, 409, "{v}");
            }
            blob = tokenize(&tokenizer, NOT_ENROLLED, "1230", Some("123"))
                .await
                .unwrap();
        } else {
            assert!(v.get("retry").is_none(), "{v}");
        }
    }
    let (st, v) = pay(&cs, &pay_body(&blob, "k6")).await;
    assert_eq!(st, 429, "{v}");
    assert_eq!(status(&cs).await["status"], "refused");
}

#[tokio::test]
async fn frictionless_carries_the_authentication() {
    let (_sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let cs = session(&s, 2599).await;
    let blob = tokenize(&cs["tokenizer"], FRICTIONLESS, "1230", Some("123"))
        .await
        .unwrap();
    let (st, v) = pay(&cs, &pay_body(&blob, "k")).await;
    assert_eq!((st, v["status"].as_str()), (200, Some("authorized")), "{v}");
    let st = status(&cs).await;
    assert!(st["payment"]["threeDS"].is_object(), "{st}");
}

#[tokio::test]
async fn challenge_through_the_acs_then_return_page_and_status() {
    let (sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let cs = session(&s, 2599).await;
    let blob = tokenize(&cs["tokenizer"], CHALLENGE, "1230", Some("123"))
        .await
        .unwrap();
    let (st, v) = pay(&cs, &pay_body(&blob, "k")).await;
    assert_eq!((st, v["status"].as_str()), (200, Some("challenge")), "{v}");
    assert_eq!(v["method"], "POST");
    assert!(
        v["fields"]["creq"].is_string() && v["fields"]["threeDSSessionData"].is_string(),
        "{v}"
    );
    assert_eq!(status(&cs).await["status"], "processing");
    let page = support::run_challenge(&sb, &v, Some("1234")).await;
    // The return page: external script only, the nonce and the checkout origin for postMessage.
    assert!(page.contains(r#"<script src="/3ds/return.js""#), "{page}");
    assert!(!page.contains("<script>"));
    assert!(page.contains(&format!(
        r#"data-nonce="{}""#,
        cs["nonce"].as_str().unwrap()
    )));
    assert!(page.contains(&format!(r#"data-origin="{}""#, support::CHECKOUT_ORIGIN)));
    let st = status(&cs).await;
    assert_eq!(st["status"], "authorized", "{st}");
    assert_eq!(st["payment"]["threeDS"]["version"], "2");
    // The return page may be framed by the checkout origin only.
    let r = client()
        .post(format!("{}/3ds/return", s.url))
        .form(&[("cres", "x"), ("threeDSSessionData", "unknown")])
        .send()
        .await
        .unwrap();
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains(&format!("frame-ancestors {}", support::CHECKOUT_ORIGIN)),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"));
}

#[tokio::test]
async fn failed_or_cancelled_challenge_is_refused_with_a_retry() {
    let (sb, s) = support::start_with_sandbox(sqlite_url()).await;
    for code in [Some("0000"), None] {
        let cs = session(&s, 2599).await;
        let blob = tokenize(&cs["tokenizer"], CHALLENGE, "1230", Some("123"))
            .await
            .unwrap();
        let (_, v) = pay(&cs, &pay_body(&blob, "k")).await;
        support::run_challenge(&sb, &v, code).await;
        let st = status(&cs).await;
        assert_eq!(st["status"], "refused", "{st}");
        assert!(
            ["03003", "03022"].contains(&st["payment"]["code"].as_str().unwrap()),
            "{st}"
        );
    }
}

#[tokio::test]
async fn status_of_a_challenge_refused_through_the_return_page_offers_the_next_attempt() {
    let (sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let key = payline_protocol::secret::Secret::new("SANDBOXACCESSKEY0001");
    let cs = session(&s, 2599).await;
    let first = tokenize(&cs["tokenizer"], CHALLENGE, "1230", Some("123"))
        .await
        .unwrap();
    let (_, v) = pay(&cs, &pay_body(&first, "k1")).await;
    assert_eq!(v["status"], "challenge", "{v}");
    // While the challenge is open there is nothing to retry.
    let st = status(&cs).await;
    assert_eq!(st["status"], "processing", "{st}");
    assert!(st.get("retry").is_none(), "{st}");
    // A wrong code: the ACS posts to /3ds/return and the page only learns the outcome from
    // the status URL, which must carry the next attempt's tokenizer data.
    support::run_challenge(&sb, &v, Some("0000")).await;
    let st = status(&cs).await;
    assert_eq!(st["status"], "refused", "{st}");
    let tokenizer = st["retry"]["tokenizer"].clone();
    assert_eq!(tokenizer["url"], cs["tokenizer"]["url"], "{st}");
    assert_eq!(
        tokenizer["accessKeyRef"], cs["tokenizer"]["accessKeyRef"],
        "{st}"
    );
    let d = payline_protocol::web2token::decrypt_request_data(
        &key,
        tokenizer["data"].as_str().unwrap(),
    )
    .unwrap();
    assert_eq!(
        d.order_ref,
        format!("{}-2", cs["orderRef"].as_str().unwrap())
    );
    // The old attempt's token is refused; another card tokenized with the retry data pays.
    let (st_code, v) = pay(&cs, &pay_body(&first, "k2")).await;
    assert_eq!(st_code, 409, "{v}");
    let second = tokenize(&tokenizer, NOT_ENROLLED, "1230", Some("123"))
        .await
        .unwrap();
    let (st_code, v) = pay(&cs, &pay_body(&second, "k3")).await;
    assert_eq!(
        (st_code, v["status"].as_str()),
        (200, Some("authorized")),
        "{v}"
    );
    let st = status(&cs).await;
    assert_eq!(st["status"], "authorized", "{st}");
    assert!(st.get("retry").is_none(), "{st}");
}

#[tokio::test]
async fn status_of_a_session_out_of_attempts_offers_no_retry() {
    let (_sb, s) = support::start_with_sandbox(sqlite_url()).await;
    // 333.05 EUR: Payline homologation amount answering 01100 (Payline homologation test amounts).
    let cs = session(&s, 33305).await;
    let mut tokenizer = cs["tokenizer"].clone();
    for n in 1..=5 {
        let blob = tokenize(&tokenizer, NOT_ENROLLED, "1230", Some("123"))
            .await
            .unwrap();
        let (_, v) = pay(&cs, &pay_body(&blob, &format!("k{n}"))).await;
        assert_eq!(v["status"], "refused", "{v}");
        let st = status(&cs).await;
        assert_eq!(st["status"], "refused", "{st}");
        if n < 5 {
            assert_eq!(
                st["retry"]["tokenizer"]["url"], cs["tokenizer"]["url"],
                "{st}"
            );
            tokenizer = st["retry"]["tokenizer"].clone();
        } else {
            assert!(st.get("retry").is_none(), "{st}");
        }
    }
}

#[tokio::test]
async fn abandoned_challenge_is_never_authorized_later() {
    let (sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let cs = session(&s, 2599).await;
    let blob = tokenize(&cs["tokenizer"], CHALLENGE, "1230", Some("123"))
        .await
        .unwrap();
    let (_, v) = pay(&cs, &pay_body(&blob, "k")).await;
    let r = client()
        .post(format!("{}/abandon", cs["statusUrl"].as_str().unwrap()))
        .bearer_auth(cs["clientSecret"].as_str().unwrap())
        .json(&json!({"paymentId": v["paymentId"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let a: Value = r.json().await.unwrap();
    assert_eq!(a["status"], "refused");
    assert!(a["retry"]["tokenizer"]["data"].is_string());
    // The buyer finishes the challenge anyway: the return is refused, nothing authorized.
    support::run_challenge(&sb, &v, Some("1234")).await;
    let st = status(&cs).await;
    assert_eq!(st["status"], "refused", "{st}");
    let l = ledger(&sb, cs["orderRef"].as_str().unwrap()).await;
    let n = l
        .as_array()
        .or_else(|| l["transactions"].as_array())
        .map_or(0, Vec::len);
    assert_eq!(n, 0, "{l}");
}

#[tokio::test]
async fn three_ds1_redirect_flow() {
    let (sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let cs = session(&s, 2599).await;
    let blob = tokenize(&cs["tokenizer"], REDIRECT_3DS1, "1230", Some("123"))
        .await
        .unwrap();
    let mut body = pay_body(&blob, "k");
    body["threeDS"] = json!({"mode": "redirect", "returnUrl": "http://shop.test:3000/checkout"});
    let (_, v) = pay(&cs, &body).await;
    assert_eq!(v["status"], "challenge", "{v}");
    assert!(v["fields"]["PaReq"].is_string() && v["fields"]["MD"].is_string());
    assert_eq!(v["fields"]["TermUrl"], format!("{}/3ds/return", s.url));
    let page = support::run_challenge(&sb, &v, Some("1234")).await;
    assert!(
        page.contains(&format!(
            "data-redirect=\"http://shop.test:3000/checkout?cardCaptureSession={}\"",
            cs["id"].as_str().unwrap()
        )),
        "{page}"
    );
    assert_eq!(status(&cs).await["status"], "authorized");
}

#[tokio::test]
async fn three_ds_method_round_then_continue() {
    let (sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let cs = session(&s, 2599).await;
    let blob = tokenize(
        &cs["tokenizer"],
        METHOD_THEN_FRICTIONLESS,
        "1230",
        Some("123"),
    )
    .await
    .unwrap();
    let (_, v) = pay(&cs, &pay_body(&blob, "k")).await;
    assert_eq!(v["status"], "method", "{v}");
    // The hidden iframe posts the method data; the ACS notifies our method-notify URL.
    let fields: Vec<(String, String)> = v["fields"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, x)| (k.clone(), x.as_str().unwrap().to_owned()))
        .collect();
    let page = client()
        .post(v["url"].as_str().unwrap())
        .form(&fields)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (notify, nf) = support::form_of(&page);
    assert_eq!(notify, format!("{}/3ds/method-notify", s.url));
    let r = client().post(&notify).form(&nf).send().await.unwrap();
    assert_eq!(r.status(), 200);
    // The notification page tells the checkout page (nonce, exact origin, external script only)
    // that the method completed: only then does the page continue with methodCompleted: true.
    let page = r.text().await.unwrap();
    assert!(page.contains(r#"<script src="/3ds/return.js""#), "{page}");
    assert!(!page.contains("<script>"));
    assert!(page.contains(r#"data-mode="method""#), "{page}");
    assert!(
        page.contains(&format!(
            r#"data-nonce="{}""#,
            cs["nonce"].as_str().unwrap()
        )),
        "{page}"
    );
    assert!(
        page.contains(&format!(r#"data-session="{}""#, cs["id"].as_str().unwrap())),
        "{page}"
    );
    assert!(
        page.contains(&format!(r#"data-origin="{}""#, support::CHECKOUT_ORIGIN)),
        "{page}"
    );
    let script = client()
        .get(format!("{}/3ds/return.js", s.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        script.contains("card-capture:3ds-method-complete"),
        "{script}"
    );
    // Method data naming no attempt (or none at all): a page that tells nothing, so the
    // checkout page continues after its timeout with methodCompleted: false.
    for body in [
        vec![(
            "threeDSMethodData",
            "eyJ0aHJlZURTU2VydmVyVHJhbnNJRCI6Im5vcGUifQ",
        )],
        vec![("threeDSMethodData", "%%%")],
        vec![],
    ] {
        let page = client()
            .post(&notify)
            .form(&body)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!page.contains("data-nonce"), "{page}");
    }
    let _ = sb;
    let r = client()
        .post(format!("{}/continue", cs["statusUrl"].as_str().unwrap()))
        .bearer_auth(cs["clientSecret"].as_str().unwrap())
        .json(&json!({"paymentId": v["paymentId"], "methodCompleted": true}))
        .send()
        .await
        .unwrap();
    let c: Value = r.json().await.unwrap();
    assert_eq!(c["status"], "authorized", "{c}");
}

#[tokio::test]
async fn wrong_client_secret_or_foreign_origin_changes_nothing() {
    let (_sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let cs = session(&s, 2599).await;
    let blob = tokenize(&cs["tokenizer"], NOT_ENROLLED, "1230", Some("123"))
        .await
        .unwrap();
    let r = client()
        .post(cs["payUrl"].as_str().unwrap())
        .bearer_auth("wrong")
        .json(&pay_body(&blob, "k"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = client()
        .post(cs["payUrl"].as_str().unwrap())
        .bearer_auth(cs["clientSecret"].as_str().unwrap())
        .header("origin", "http://evil.test")
        .json(&pay_body(&blob, "k"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let (st, v) = pay(&cs, &pay_body(&blob, "k")).await;
    assert_eq!((st, v["status"].as_str()), (200, Some("authorized")), "{v}");
}

#[tokio::test]
async fn expired_session_is_410() {
    let (_sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let cs = session(&s, 2599).await;
    let blob = tokenize(&cs["tokenizer"], NOT_ENROLLED, "1230", Some("123"))
        .await
        .unwrap();
    s.clock.advance(31 * 60 * 1000);
    let (st, v) = pay(&cs, &pay_body(&blob, "k")).await;
    assert_eq!(st, 410, "{v}");
    assert_eq!(v["error"]["code"], "session_expired");
}
