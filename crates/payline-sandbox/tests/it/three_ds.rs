//! 3-D Secure flows, with the ACS pages driven over HTTP like a browser would.

use payline_protocol::objects::Authentication3DSecure;

use crate::common::*;
use crate::soapkit::*;

fn hidden_value(html: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&needle)
        .unwrap_or_else(|| panic!("{name} in {html}"))
        + needle.len();
    let end = html[start..].find('"').unwrap() + start;
    html[start..end]
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

async fn post_form(
    s: &TestSandbox,
    url: &str,
    form: &[(&str, &str)],
) -> (u16, String, reqwest::header::HeaderMap) {
    let r = s.http.post(url).form(form).send().await.unwrap();
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, r.text().await.unwrap(), headers)
}

#[tokio::test]
async fn not_enrolled_and_frictionless() {
    let s = TestSandbox::start().await;
    for pan in ["4970101122334455", "5130000000000010"] {
        let t = if pan.starts_with('5') {
            "MASTERCARD"
        } else {
            "CB"
        };
        let e = call(
            &s,
            &enrollment(&unique_ref("ne"), 1000, card_by_number(pan, t, None)),
        )
        .await;
        assert_eq!(code(&e), "03001", "{pan}");
    }
    let amex = call(
        &s,
        &enrollment(
            &unique_ref("ne"),
            1000,
            card_by_number("378282246310005", "AMEX", None),
        ),
    )
    .await;
    assert_eq!(code(&amex), "03001");

    let r = unique_ref("fl");
    let card = || card_by_number("4970107111111119", "CB", Some("123"));
    let e = call(&s, &enrollment(&r, 1000, card())).await;
    assert_eq!(code(&e), "03102");
    let a3ds = e.authentication_3d_secure.clone().unwrap();
    assert!(a3ds.result_container.is_some() && a3ds.cavv.is_some());
    let auth = call(
        &s,
        &with_3ds(authorization(&r, 1000, 101, card()), a3ds.clone()),
    )
    .await;
    assert_eq!(code(&auth), "00000");
    assert_eq!(auth.transaction.three_d_secure.as_deref(), Some("Y"));
    let ledger = s.ledger(&r).await;
    assert_eq!(ledger[0]["liabilityShift"], true);
    // The MD's authentication is consumed once.
    let again = call(
        &s,
        &with_3ds(authorization(&unique_ref("x"), 1000, 101, card()), a3ds),
    )
    .await;
    assert_eq!(code(&again), "03011");
}

#[tokio::test]
async fn enrolled_card_without_authentication_is_a_soft_decline() {
    let s = TestSandbox::start().await;
    let auth = call(
        &s,
        &authorization(
            &unique_ref("sd"),
            1000,
            101,
            card_by_number("4970105181818183", "CB", Some("123")),
        ),
    )
    .await;
    assert_eq!(code(&auth), "01131");
}

#[tokio::test]
async fn challenge_through_the_acs_pages() {
    let s = TestSandbox::start().await;
    let r = unique_ref("ch");
    let card = || card_by_number("4970105181818183", "CB", Some("123"));
    let e = call(&s, &enrollment(&r, 2599, card())).await;
    assert_eq!(code(&e), "03101");
    assert_eq!(e.pareq_field_name.as_deref(), Some("creq"));
    assert_eq!(e.md_field_name.as_deref(), Some("threeDSSessionData"));
    let md = e.md_field_value.clone().unwrap();
    let (status, page, headers) = post_form(
        &s,
        e.action_url.as_deref().unwrap(),
        &[
            ("creq", e.pareq_field_value.as_deref().unwrap()),
            ("threeDSSessionData", &md),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert!(page.contains("<label for=\"code\">Verification code</label>"));
    assert!(page.contains(">Submit</button>") && page.contains(">Cancel</button>"));
    assert!(
        headers.get("x-frame-options").is_none(),
        "ACS pages must work inside an iframe"
    );
    assert!(
        !headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors")
    );
    assert!(!page.contains("<script>"), "no inline script");

    let (status, done, _) = post_form(
        &s,
        &s.url("/acs/challenge/submit"),
        &[("session", &md), ("code", "1234"), ("action", "submit")],
    )
    .await;
    assert_eq!(status, 200);
    assert!(done.contains("action=\"http://shop.example/3ds/return\""));
    let cres = hidden_value(&done, "cres");
    assert_eq!(hidden_value(&done, "threeDSSessionData"), md);
    // Replaying the submit is refused.
    let (status, _, _) = post_form(
        &s,
        &s.url("/acs/challenge/submit"),
        &[("session", &md), ("code", "1234"), ("action", "submit")],
    )
    .await;
    assert_eq!(status, 400);

    // A tampered CRes is refused, the real one accepted once.
    let tampered = format!("{}A", &cres[..cres.len() - 1]);
    assert_eq!(
        code(&call(&s, &verify_authentication(&md, &tampered)).await),
        "03006"
    );
    let v = call(&s, &verify_authentication(&md, &cres)).await;
    assert_eq!(code(&v), "03000");
    assert_eq!(
        code(&call(&s, &verify_authentication(&md, &cres)).await),
        "03011"
    );
    let a3ds: Authentication3DSecure = v.authentication_3d_secure.unwrap();

    // Wrong amount: nothing authorized; the right one: authorized with 3-D Secure.
    assert_eq!(
        code(
            &call(
                &s,
                &with_3ds(authorization(&r, 2600, 101, card()), a3ds.clone())
            )
            .await
        ),
        "03010"
    );
    let mut bad_cavv = a3ds.clone();
    bad_cavv.cavv = Some("AAAAAAAAAAAAAAAAAAAAAAAAAAA=".into());
    assert_eq!(
        code(
            &call(
                &s,
                &with_3ds(authorization(&r, 2599, 101, card()), bad_cavv)
            )
            .await
        ),
        "03006"
    );
    let ok = call(&s, &with_3ds(authorization(&r, 2599, 101, card()), a3ds)).await;
    assert_eq!(code(&ok), "00000");
    assert_eq!(
        s.ledger(&r)
            .await
            .iter()
            .filter(|e| e["accepted"] == true)
            .count(),
        1
    );
}

#[tokio::test]
async fn wrong_code_fails_and_cancel_cancels() {
    let s = TestSandbox::start().await;
    for (form_code, action, want) in [("0000", "submit", "03003"), ("", "cancel", "03022")] {
        let r = unique_ref("chf");
        let e = call(
            &s,
            &enrollment(&r, 1000, card_by_number("4970105181818183", "CB", None)),
        )
        .await;
        let md = e.md_field_value.clone().unwrap();
        let (_, done, _) = post_form(
            &s,
            &s.url("/acs/challenge/submit"),
            &[("session", &md), ("code", form_code), ("action", action)],
        )
        .await;
        let cres = hidden_value(&done, "cres");
        assert_eq!(
            code(&call(&s, &verify_authentication(&md, &cres)).await),
            want
        );
        let a = Authentication3DSecure {
            md: Some(md.clone()),
            ..Default::default()
        };
        let auth = call(
            &s,
            &with_3ds(
                authorization(
                    &r,
                    1000,
                    101,
                    card_by_number("4970105181818183", "CB", Some("123")),
                ),
                a,
            ),
        )
        .await;
        assert_eq!(code(&auth), want, "nothing authorized after a {action}");
    }
}

#[tokio::test]
async fn three_ds1_redirect_with_pares_in_do_authorization() {
    let s = TestSandbox::start().await;
    let r = unique_ref("3ds1");
    let card = || card_by_number("4970100000000030", "CB", Some("123"));
    let e = call(&s, &enrollment(&r, 1500, card())).await;
    assert_eq!(code(&e), "03000");
    assert_eq!(
        (
            e.pareq_field_name.as_deref(),
            e.md_field_name.as_deref(),
            e.term_url_name.as_deref()
        ),
        (Some("PaReq"), Some("MD"), Some("TermUrl"))
    );
    let md = e.md_field_value.clone().unwrap();
    let (status, page, _) = post_form(
        &s,
        e.action_url.as_deref().unwrap(),
        &[
            ("PaReq", e.pareq_field_value.as_deref().unwrap()),
            ("MD", &md),
            ("TermUrl", "http://shop.example/3ds/return"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert!(page.contains("Verification code"));
    let (_, done, _) = post_form(
        &s,
        &s.url("/acs/challenge/submit"),
        &[("session", &md), ("code", "1234"), ("action", "submit")],
    )
    .await;
    let pares = hidden_value(&done, "PaRes");
    assert_eq!(hidden_value(&done, "MD"), md);
    let a = Authentication3DSecure {
        md: Some(md.clone()),
        pares: Some(pares.clone()),
        ..Default::default()
    };
    assert_eq!(
        code(
            &call(
                &s,
                &with_3ds(authorization(&r, 1500, 101, card()), a.clone())
            )
            .await
        ),
        "00000"
    );
    assert_eq!(
        code(
            &call(
                &s,
                &with_3ds(authorization(&unique_ref("r"), 1500, 101, card()), a)
            )
            .await
        ),
        "03011"
    );
}

#[tokio::test]
async fn method_then_frictionless() {
    let s = TestSandbox::start().await;
    let r = unique_ref("m");
    let card = || card_by_number("4970100000000113", "CB", Some("123"));
    let e = call(&s, &enrollment(&r, 1000, card())).await;
    assert_eq!(code(&e), "03100");
    let transient = e.transient.clone().unwrap();
    let (status, page, _) = post_form(
        &s,
        e.action_url.as_deref().unwrap(),
        &[("threeDSMethodData", e.pareq_field_value.as_deref().unwrap())],
    )
    .await;
    assert_eq!(status, 200);
    assert!(page.contains("action=\"http://shop.example/3ds/method-notify\""));
    assert!(page.contains("name=\"threeDSMethodData\""));
    let mut second = enrollment(&r, 1000, card());
    second.transient = Some(transient);
    second
        .three_ds_info
        .as_mut()
        .unwrap()
        .three_ds_method_result = Some("Y".into());
    let e2 = call(&s, &second).await;
    assert_eq!(code(&e2), "03102");
    let mut bogus = enrollment(&r, 1000, card());
    bogus.transient = Some("nope".into());
    assert_eq!(code(&call(&s, &bogus).await), "03200");
    let auth = call(
        &s,
        &with_3ds(
            authorization(&r, 1000, 101, card()),
            e2.authentication_3d_secure.unwrap(),
        ),
    )
    .await;
    assert_eq!(code(&auth), "00000");
}
