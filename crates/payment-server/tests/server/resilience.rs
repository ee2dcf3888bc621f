//! Money safety when things go wrong: an answer lost after the gateway processed it, a restart
//! in the middle of a 3-D Secure flow, gateway notifications, the shop webhook, and a scan of
//! every log line and database row for card data and secrets.

use serde_json::{Value, json};

use crate::support::{
    self, ADMIN, Opts, client, ledger, pay, pay_body, sqlite_url, status, tokenize,
};

#[tokio::test]
async fn lost_authorization_answer_is_unknown_then_reconciled_never_authorized_twice() {
    let sb = support::start_sandbox().await;
    let proxy = support::fault_proxy(&sb.url).await;
    let s = support::start(Opts {
        gateway_base: Some(proxy.url.clone()),
        sandbox_mode: true,
        ..Opts::default()
    })
    .await;
    let cs = support::create_session(&s, json!({"amount": 2599, "currency": "EUR"})).await;
    // The tokenizer is reached directly by the browser; point it at the sandbox.
    let tk = support::at_sandbox(&sb, &cs["tokenizer"]);
    let blob = tokenize(&tk, "4970101122334455", "1230", Some("123"))
        .await
        .unwrap();
    *proxy.drop_action.lock().unwrap() = Some("doAuthorization");
    let (st, v) = pay(&cs, &pay_body(&blob, "k1")).await;
    assert_eq!(st, 504, "{v}");
    assert_eq!(v["error"]["code"], "gateway_timeout");
    assert_eq!(status(&cs).await["payment"]["status"], "unknown");
    // The gateway did authorize.
    let l = ledger(&sb, cs["orderRef"].as_str().unwrap()).await;
    assert_eq!(l.as_array().unwrap().len(), 1, "{l}");
    *proxy.drop_action.lock().unwrap() = None;
    // The browser retries with the same key: the server reconciles first and answers the
    // gateway's outcome, without a second authorization.
    let (st, v) = pay(&cs, &pay_body(&blob, "k1")).await;
    assert_eq!((st, v["status"].as_str()), (200, Some("authorized")), "{v}");
    let st = status(&cs).await;
    assert_eq!(st["status"], "authorized");
    let l = ledger(&sb, cs["orderRef"].as_str().unwrap()).await;
    assert_eq!(l.as_array().unwrap().len(), 1, "{l}");
}

#[tokio::test]
async fn background_reconciler_settles_unknown_payments() {
    let sb = support::start_sandbox().await;
    let proxy = support::fault_proxy(&sb.url).await;
    let s = support::start(Opts {
        gateway_base: Some(proxy.url.clone()),
        sandbox_mode: true,
        ..Opts::default()
    })
    .await;
    let cs = support::create_session(&s, json!({"amount": 2599, "currency": "EUR"})).await;
    let tk = support::at_sandbox(&sb, &cs["tokenizer"]);
    let blob = tokenize(&tk, "4970101122334455", "1230", Some("123"))
        .await
        .unwrap();
    *proxy.drop_action.lock().unwrap() = Some("doAuthorization");
    assert_eq!(pay(&cs, &pay_body(&blob, "k1")).await.0, 504);
    *proxy.drop_action.lock().unwrap() = None;
    let round = payment_server::background::run_once(&s.state)
        .await
        .unwrap();
    assert_eq!((round.checked, round.failed), (1, 0));
    assert_eq!(status(&cs).await["status"], "authorized");
}

#[tokio::test]
async fn restart_in_the_middle_of_a_challenge_loses_nothing() {
    let sb = support::start_sandbox().await;
    let db = sqlite_url();
    let cs;
    let answer;
    {
        let s = support::start(Opts {
            db_url: db.clone(),
            gateway_base: Some(sb.url.clone()),
            sandbox_mode: true,
            ..Opts::default()
        })
        .await;
        cs = support::create_session(&s, json!({"amount": 2599, "currency": "EUR"})).await;
        let blob = tokenize(&cs["tokenizer"], "4970105181818183", "1230", Some("123"))
            .await
            .unwrap();
        let (_, v) = pay(&cs, &pay_body(&blob, "k")).await;
        assert_eq!(v["status"], "challenge");
        answer = v;
    }
    // A new instance on the same database (a new port: the ACS posts to the URL the first one
    // gave, so the return goes to the new instance by rewriting it, as a load balancer would).
    let s2 = support::start(Opts {
        db_url: db,
        gateway_base: Some(sb.url.clone()),
        sandbox_mode: true,
        ..Opts::default()
    })
    .await;
    let fields: Vec<(String, String)> = answer["fields"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, x)| (k.clone(), x.as_str().unwrap().to_owned()))
        .collect();
    let page = client()
        .post(answer["url"].as_str().unwrap())
        .form(&fields)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (action, mut hidden) = support::form_of(&page);
    hidden.push(("code".into(), "1234".into()));
    hidden.push(("action".into(), "submit".into()));
    let auto = client()
        .post(format!("{}{action}", sb.url))
        .form(&hidden)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (_old_return, f) = support::form_of(&auto);
    client()
        .post(format!("{}/3ds/return", s2.url))
        .form(&f)
        .send()
        .await
        .unwrap();
    let r: Value = client()
        .get(format!(
            "{}/api/checkout-sessions/{}",
            s2.url,
            cs["id"].as_str().unwrap()
        ))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["status"], "authorized", "{r}");
}

#[tokio::test]
async fn trs_notification_fetches_the_authoritative_state() {
    let (sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let cs = support::create_session(&s, json!({"amount": 2599, "currency": "EUR"})).await;
    let blob = tokenize(&cs["tokenizer"], "4970101122334455", "1230", Some("123"))
        .await
        .unwrap();
    let (_, v) = pay(&cs, &pay_body(&blob, "k")).await;
    let (pid, txn) = (
        v["paymentId"].as_str().unwrap().to_owned(),
        v["transactionId"].as_str().unwrap().to_owned(),
    );
    // A capture made outside this server (the merchant administration centre).
    let cfg = payline_protocol::client::ClientConfig::new(
        &sb.url,
        "12345678901234",
        payline_protocol::secret::Secret::new("SANDBOXACCESSKEY0001"),
    )
    .unwrap();
    let c = payline_protocol::client::PaylineClient::new(cfg).unwrap();
    let mut p = payline_protocol::objects::Payment::new(
        payline_protocol::values::Currency::EUR,
        payline_protocol::values::Action::CAPTURE,
        payline_protocol::values::Mode::CPT,
    );
    p.amount = payline_protocol::values::Amount::from_minor(1000);
    let mut req = payline_protocol::messages::DoCaptureRequest::new(p);
    req.transaction_id = txn.clone();
    let res = c.call(&req).await.unwrap();
    assert_eq!(res.result.code.as_str(), "00000");
    for _ in 0..2 {
        let r = client()
            .get(format!("{}/payline/notify", s.url))
            .query(&[("notificationType", "TRS"), ("transactionId", txn.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let p: Value = support::payment(&s, &pid).await;
        assert_eq!(
            (p["status"].as_str(), p["capturedAmount"].as_i64()),
            (Some("captured"), Some(1000)),
            "{p}"
        );
    }
    let r = client()
        .get(format!("{}/payline/notify", s.url))
        .query(&[
            ("notificationType", "TRS"),
            ("transactionId", "99999999999999"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = client()
        .get(format!("{}/payline/notify", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn lost_capture_answer_is_kept_for_its_key_and_reconciled_from_the_gateway() {
    let sb = support::start_sandbox().await;
    let proxy = support::fault_proxy(&sb.url).await;
    let s = support::start(Opts {
        gateway_base: Some(proxy.url.clone()),
        sandbox_mode: true,
        ..Opts::default()
    })
    .await;
    let cs = support::create_session(&s, json!({"amount": 2599, "currency": "EUR"})).await;
    let tk = support::at_sandbox(&sb, &cs["tokenizer"]);
    let blob = tokenize(&tk, "4970101122334455", "1230", Some("123"))
        .await
        .unwrap();
    let (_, v) = pay(&cs, &pay_body(&blob, "k")).await;
    let pid = v["paymentId"].as_str().unwrap().to_owned();
    *proxy.drop_action.lock().unwrap() = Some("doCapture");
    let capture = || {
        client()
            .post(format!("{}/api/payments/{pid}/capture", s.url))
            .bearer_auth(ADMIN)
            .header("idempotency-key", "cap")
            .json(&json!({"amount": 1000}))
            .send()
    };
    let r = capture().await.unwrap();
    assert_eq!(r.status(), 504);
    *proxy.drop_action.lock().unwrap() = None;
    // The same key never captures a second time: it keeps its answer.
    assert_eq!(capture().await.unwrap().status(), 504);
    let captures = |l: Value| {
        l.as_array()
            .unwrap()
            .iter()
            .filter(|t| t["type"] == "CAPTURE")
            .count()
    };
    assert_eq!(
        captures(ledger(&sb, cs["orderRef"].as_str().unwrap()).await),
        1
    );
    // The worker reads the transaction's history and records the capture that happened.
    payment_server::background::run_once(&s.state)
        .await
        .unwrap();
    let p: Value = support::payment(&s, &pid).await;
    assert_eq!(
        (p["status"].as_str(), p["capturedAmount"].as_i64()),
        (Some("captured"), Some(1000)),
        "{p}"
    );
}

#[tokio::test]
async fn late_authorization_answer_times_out_to_unknown_then_reconciles() {
    let sb = support::start_sandbox().await;
    let proxy = support::fault_proxy(&sb.url).await;
    let s = support::start(Opts {
        gateway_base: Some(proxy.url.clone()),
        sandbox_mode: true,
        gateway_timeout_ms: 1_000,
        ..Opts::default()
    })
    .await;
    let cs = support::create_session(&s, json!({"amount": 2599, "currency": "EUR"})).await;
    let tk = support::at_sandbox(&sb, &cs["tokenizer"]);
    let blob = tokenize(&tk, "4970101122334455", "1230", Some("123"))
        .await
        .unwrap();
    *proxy.delay_action.lock().unwrap() = Some("doAuthorization");
    let (st, v) = pay(&cs, &pay_body(&blob, "k1")).await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (504, Some("gateway_timeout")),
        "{v}"
    );
    assert_eq!(status(&cs).await["payment"]["status"], "unknown");
    *proxy.delay_action.lock().unwrap() = None;
    let (st, v) = pay(&cs, &pay_body(&blob, "k1")).await;
    assert_eq!((st, v["status"].as_str()), (200, Some("authorized")), "{v}");
    assert_eq!(
        ledger(&sb, cs["orderRef"].as_str().unwrap())
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
