//! The buyer's IP reaches Payline as `buyer.ip` (verifyEnrollment and doAuthorization): the TCP
//! peer, or the right-most untrusted `X-Forwarded-For` entry when the peer is a trusted proxy;
//! a header from anyone else is ignored.

use serde_json::json;

use crate::support::{self, CHECKOUT_ORIGIN, Opts, client, pay_body, tokenize};

/// Pays one session through the fault proxy with `forwarded_for`; returns the `<ip>` values of
/// the verifyEnrollment and doAuthorization requests the gateway received.
async fn buyer_ips(trusted: &[&str], forwarded_for: Option<&str>) -> Vec<(String, String)> {
    let sb = support::start_sandbox().await;
    let proxy = support::fault_proxy(&sb.url).await;
    let s = support::start(Opts {
        gateway_base: Some(proxy.url.clone()),
        sandbox_mode: true,
        trusted_proxies: trusted.iter().map(|t| (*t).to_owned()).collect(),
        ..Opts::default()
    })
    .await;
    let cs = support::create_session(&s, json!({"amount": 1999, "currency": "EUR"})).await;
    let mut tk = cs["tokenizer"].clone();
    tk["url"] = json!(format!("{}/webpayment/getToken", sb.url));
    // A card the sandbox authorizes without a challenge (frictionless 3-D Secure).
    let blob = tokenize(&tk, "4970101122334455", "1230", Some("123"))
        .await
        .unwrap();
    let mut req = client()
        .post(cs["payUrl"].as_str().unwrap())
        .bearer_auth(cs["clientSecret"].as_str().unwrap())
        .header("origin", CHECKOUT_ORIGIN)
        .json(&pay_body(&blob, "k1"));
    if let Some(xff) = forwarded_for {
        req = req.header("x-forwarded-for", xff);
    }
    let resp = req.send().await.unwrap();
    let st = resp.status().as_u16();
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(
        (st, body["status"].as_str()),
        (200, Some("authorized")),
        "{body}"
    );
    let requests = proxy.requests.lock().unwrap().clone();
    requests
        .iter()
        .filter(|(action, _)| action == "verifyEnrollment" || action == "doAuthorization")
        .map(|(action, xml)| {
            let ip = xml
                .split_once(":ip>")
                .and_then(|(_, rest)| rest.split_once('<'))
                .map(|(ip, _)| ip.to_owned());
            (
                action.clone(),
                ip.unwrap_or_else(|| panic!("no buyer ip in {action}: {xml}")),
            )
        })
        .collect()
}

#[tokio::test]
async fn direct_buyer_ip_is_sent_and_a_forged_forwarded_for_is_ignored() {
    let ips = buyer_ips(&[], Some("198.51.100.66")).await;
    assert!(ips.iter().any(|(a, _)| a == "doAuthorization"), "{ips:?}");
    for (action, ip) in &ips {
        assert_eq!(ip, "127.0.0.1", "{action}");
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_buyer() {
    // The buyer forged the first entry; the trusted proxy (loopback here) appended the real one.
    let ips = buyer_ips(
        &["127.0.0.0/8", "10.0.0.0/8"],
        Some("198.51.100.66, 203.0.113.9, 10.1.2.3"),
    )
    .await;
    assert!(ips.iter().any(|(a, _)| a == "verifyEnrollment"), "{ips:?}");
    for (action, ip) in &ips {
        assert_eq!(ip, "203.0.113.9", "{action}");
    }
}
