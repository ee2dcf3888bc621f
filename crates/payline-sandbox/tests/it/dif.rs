//! Deferred capture (Payline mode DIF): an authorization (action 100) with
//! `payment.differedActionDate`, captured by the gateway on that date, exactly once, unless the
//! merchant captured or cancelled it first; through doAuthorization, doImmediateWalletPayment,
//! doScheduledWalletPayment and the hosted page.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{RawQuery, State};
use payline_protocol::messages::*;
use payline_protocol::objects::BillingRecordForUpdate;
use payline_protocol::values::{Mode, ShortDate};
use payline_sandbox::{Config, DbLocation, Sandbox};
use serde_json::Value;
use time::Date;

use crate::common::*;
use crate::soapkit::*;
use crate::walletkit::*;

const DAY: i64 = 86_400;
const RETURN: &str = "http://shop.example/return";

fn short(d: Date) -> ShortDate {
    ShortDate::new(
        u8::try_from(d.year() % 100).expect("year"),
        u8::from(d.month()),
        d.day(),
    )
    .expect("date")
}

fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// RFC 3339 of 00:00 UTC on `d`, as the ledger view prints instants.
fn midnight(d: Date) -> String {
    d.midnight()
        .assume_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .expect("rfc3339")
}

/// doAuthorization mode DIF, action 100, capture on `date`.
fn dif_auth(order_ref: &str, amount: u64, date: Option<Date>) -> DoAuthorizationRequest {
    let mut req = simple_auth(order_ref, amount, 100);
    req.payment.mode = Mode::DIF;
    req.payment.differed_action_date = date.map(short);
    req
}

fn details(id: &str) -> GetTransactionDetailsRequest {
    GetTransactionDetailsRequest {
        version: "34".into(),
        transaction_id: Some(id.to_owned()),
        ..Default::default()
    }
}

fn search(order_ref: &str, from: Date, to: Date) -> TransactionsSearchRequest {
    let mut req = TransactionsSearchRequest::new(
        day(from).parse().expect("from"),
        day(to).parse().expect("to"),
    );
    req.order_ref = Some(order_ref.to_owned());
    req
}

fn captures(ledger: &[Value]) -> Vec<&Value> {
    ledger.iter().filter(|e| e["type"] == "CAPTURE").collect()
}

/// A notification receiver on a loopback port: records every query string.
async fn receiver() -> (String, Arc<Mutex<Vec<String>>>) {
    async fn receive(
        State(seen): State<Arc<Mutex<Vec<String>>>>,
        RawQuery(q): RawQuery,
    ) -> &'static str {
        seen.lock().expect("lock").push(q.unwrap_or_default());
        "OK"
    }
    let seen = Arc::new(Mutex::new(Vec::new()));
    let app = axum::Router::new()
        .route("/notify", axum::routing::get(receive))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/notify"), seen)
}

async fn sandbox_notifying(url: &str) -> TestSandbox {
    let mut config = Config::default();
    for m in &mut config.merchants {
        m.notification_url = Some(url.to_owned());
    }
    TestSandbox::start_with(config, DbLocation::Memory).await
}

/// Waits (real time, bounded) until the receiver got a query containing every part.
async fn received(seen: &Arc<Mutex<Vec<String>>>, parts: &[&str]) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let found = seen
            .lock()
            .expect("lock")
            .iter()
            .find(|q| parts.iter().all(|p| q.contains(p)))
            .cloned();
        if let Some(q) = found {
            return q;
        }
        assert!(
            Instant::now() < deadline,
            "no notification with {parts:?}: {:?}",
            seen.lock().expect("lock")
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn do_authorization_dif_is_captured_once_on_its_date() {
    let (url, seen) = receiver().await;
    let s = sandbox_notifying(&url).await;
    let today = sandbox_today(&s).await;
    let date = today + time::Duration::days(3);
    let order_ref = unique_ref("dif");
    let a = call(&s, &dif_auth(&order_ref, 12_345, Some(date))).await;
    assert_eq!(code(&a), "00000");
    let auth_id = a.transaction.id.clone();
    assert_eq!(
        a.authorization.authorized_amount.map(|x| x.minor()),
        Some(12_345)
    );

    // Authorized, not captured; the planned date is on the ledger entry.
    let ledger = s.ledger(&order_ref).await;
    assert_eq!(ledger.len(), 1);
    let e = &ledger[0];
    assert_eq!(
        (e["type"].as_str(), e["action"].as_i64(), e["mode"].as_str()),
        (Some("AUTHORIZATION"), Some(100), Some("DIF"))
    );
    assert_eq!(e["state"], "AUTHORIZED");
    assert_eq!(e["differedActionDate"], iso(date));
    assert_eq!(e["deferredCapture"]["status"], "PENDING");
    assert_eq!(e["deferredCapture"]["dueAt"], midnight(date));
    let d = call(&s, &details(&auth_id)).await;
    assert_eq!(code(&d), "00000");
    let p = d.payment.clone().expect("payment");
    assert_eq!(
        (p.mode, p.differed_action_date),
        (Mode::DIF, Some(short(date)))
    );
    assert!(
        d.associated_transactions_list.is_none(),
        "nothing captured yet"
    );

    // Two days later: the date is not reached.
    s.advance(2 * DAY).await;
    assert_eq!(s.ledger(&order_ref).await.len(), 1);
    assert_eq!(s.ledger(&order_ref).await[0]["state"], "AUTHORIZED");

    // Past 00:00 of the date: one capture of the full amount, dated at that midnight, settling
    // at the next one.
    s.advance(DAY).await;
    let ledger = s.ledger(&order_ref).await;
    let caps = captures(&ledger);
    assert_eq!(caps.len(), 1, "{ledger:?}");
    let c = caps[0];
    assert_eq!(
        (
            c["action"].as_i64(),
            c["amount"].as_i64(),
            c["currency"].as_i64()
        ),
        (Some(201), Some(12_345), Some(978))
    );
    assert_eq!(c["originalId"], auth_id.as_str());
    assert_eq!(c["createdAt"], midnight(date));
    assert_eq!(c["settlesAt"], midnight(date + time::Duration::days(1)));
    assert_eq!(c["state"], "CAPTURED");
    assert_eq!(ledger[0]["state"], "CAPTURED");
    assert_eq!(ledger[0]["deferredCapture"]["status"], "CAPTURED");
    assert_eq!(ledger[0]["deferredCapture"]["captureId"], c["id"]);
    let capture_id = c["id"].as_str().expect("id").to_owned();

    // TRS notification of the capture to the point of sale's URL.
    received(
        &seen,
        &[
            "notificationType=TRS",
            &format!("transactionId={capture_id}"),
        ],
    )
    .await;

    // Days later: still one capture, now settled; the reports agree.
    s.advance(5 * DAY).await;
    let ledger = s.ledger(&order_ref).await;
    assert_eq!(captures(&ledger).len(), 1);
    assert_eq!(captures(&ledger)[0]["state"], "SETTLED");
    let d = call(&s, &details(&auth_id)).await;
    let assoc = d
        .associated_transactions_list
        .expect("follow-ups")
        .associated_transactions;
    assert_eq!(assoc.len(), 1);
    assert_eq!(
        (
            assoc[0].transaction_id.as_str(),
            assoc[0].r#type.as_str(),
            assoc[0].amount.as_str()
        ),
        (capture_id.as_str(), "CAPTURE", "12345")
    );
    assert_eq!(assoc[0].status, "SETTLED");
    let found = call(&s, &search(&order_ref, today, date)).await;
    assert_eq!(code(&found), "00000");
    let list = found.transaction_list.expect("list").transaction;
    assert_eq!(list.len(), 2);
    let auth = list
        .iter()
        .find(|t| t.id == auth_id)
        .expect("authorization listed");
    let p = auth.payment.clone().expect("payment");
    assert_eq!(
        (p.mode, p.differed_action_date),
        (Mode::DIF, Some(short(date)))
    );
    // A refund now works on the captured amount, as for any capture.
    assert_eq!(code(&call(&s, &refund(&auth_id, 12_345)).await), "00000");
}

#[tokio::test]
async fn a_merchant_capture_or_reset_before_the_date_wins() {
    let s = TestSandbox::start().await;
    let today = sandbox_today(&s).await;
    let date = today + time::Duration::days(2);
    let captured_ref = unique_ref("dif-cap");
    let reset_ref = unique_ref("dif-reset");
    let a = call(&s, &dif_auth(&captured_ref, 1_000, Some(date))).await;
    let b = call(&s, &dif_auth(&reset_ref, 2_000, Some(date))).await;
    assert_eq!(
        (code(&a), code(&b)),
        ("00000".to_owned(), "00000".to_owned())
    );

    // doCapture before the date still works (partial), and replaces the gateway's capture.
    assert_eq!(
        code(&call(&s, &capture(&a.transaction.id, 600)).await),
        "00000"
    );
    assert_eq!(code(&call(&s, &reset(&b.transaction.id)).await), "00000");
    let ledger = s.ledger(&captured_ref).await;
    assert_eq!(
        (
            ledger[0]["deferredCapture"]["status"].as_str(),
            ledger[0]["deferredCapture"]["reason"].as_str()
        ),
        (Some("SKIPPED"), Some("MERCHANT_CAPTURE"))
    );

    s.advance(4 * DAY).await;
    let ledger = s.ledger(&captured_ref).await;
    let caps = captures(&ledger);
    assert_eq!(caps.len(), 1, "only the merchant's capture: {ledger:?}");
    assert_eq!(caps[0]["amount"], 600);
    assert_eq!(ledger[0]["state"], "CAPTURED");
    let ledger = s.ledger(&reset_ref).await;
    assert!(captures(&ledger).is_empty(), "{ledger:?}");
    assert_eq!(ledger[0]["state"], "CANCELLED");
    assert_eq!(
        (
            ledger[0]["deferredCapture"]["status"].as_str(),
            ledger[0]["deferredCapture"]["reason"].as_str()
        ),
        (Some("SKIPPED"), Some("CANCELLED"))
    );
    // The rest of the authorization stays capturable by the merchant within the 7 days.
    assert_eq!(
        code(&call(&s, &capture(&a.transaction.id, 400)).await),
        "00000"
    );
}

#[tokio::test]
async fn dif_request_codes_change_nothing() {
    let s = TestSandbox::start().await;
    let today = sandbox_today(&s).await;
    let days = |n: i64| today + time::Duration::days(n);
    let refused = [
        (
            "no date",
            dif_auth(&unique_ref("dif-bad"), 1_000, None),
            "02305",
        ),
        (
            "yesterday",
            dif_auth(&unique_ref("dif-bad"), 1_000, Some(days(-1))),
            "02305",
        ),
        (
            "authorization date + 7",
            dif_auth(&unique_ref("dif-bad"), 1_000, Some(days(7))),
            "02305",
        ),
        (
            "action 101",
            {
                let mut r = dif_auth(&unique_ref("dif-bad"), 1_000, Some(days(2)));
                r.payment.action = payline_protocol::values::Action::AUTHORIZATION_AND_CAPTURE;
                r
            },
            "02321",
        ),
        (
            "date with CPT",
            {
                let mut r = simple_auth(&unique_ref("dif-bad"), 1_000, 100);
                r.payment.differed_action_date = Some(short(days(2)));
                r
            },
            "02305",
        ),
        (
            "mode NX",
            {
                let mut r = dif_auth(&unique_ref("dif-bad"), 1_000, Some(days(2)));
                r.payment.mode = Mode::NX;
                r
            },
            "02308",
        ),
    ];
    for (what, req, want) in refused {
        let order_ref = req.order.r#ref.clone();
        assert_eq!(code(&call(&s, &req).await), want, "{what}");
        assert!(
            s.ledger(&order_ref).await.is_empty(),
            "{what}: nothing recorded"
        );
    }
    // A date that is not a dd/mm/yy date is a field in the wrong format: 02305 as a result
    // code (HTTP 200, no SOAP Fault), nothing recorded; the same for every operation with a
    // payment object.
    for bad_date in ["31/02/26", "2026-12-01", "1/12/26", "soon"] {
        let order_ref = unique_ref("dif-bad");
        let body = payline_protocol::encode_request(&dif_auth(&order_ref, 1_000, Some(days(2))))
            .expect("encode");
        let bad = body.replace(&short(days(2)).to_string(), bad_date);
        assert_ne!(bad, body);
        let r = s
            .http
            .post(s.url("/V4/services/DirectPaymentAPI"))
            .basic_auth(MERCHANT, Some(ACCESS_KEY))
            .header("Content-Type", "text/xml; charset=utf-8")
            .body(bad)
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 200, "{bad_date}");
        let text = r.text().await.expect("body");
        assert!(!text.contains("faultcode"), "{bad_date}: {text}");
        let answer = payline_protocol::decode_response::<
            payline_protocol::messages::DoAuthorizationRequest,
        >(&text)
        .expect("a doAuthorizationResponse");
        assert_eq!(code(&answer), "02305", "{bad_date}");
        assert!(s.ledger(&order_ref).await.is_empty(), "{bad_date}");
    }
    // A malformed message elsewhere stays a SOAP Fault even with a bad date in it.
    let order_ref = unique_ref("dif-bad");
    let body = payline_protocol::encode_request(&dif_auth(&order_ref, 1_000, Some(days(2))))
        .expect("encode")
        .replace(&short(days(2)).to_string(), "31/02/26")
        .replace(
            "<obj:currency>978</obj:currency>",
            "<obj:currency>EURO</obj:currency>",
        );
    let r = s
        .http
        .post(s.url("/V4/services/DirectPaymentAPI"))
        .basic_auth(MERCHANT, Some(ACCESS_KEY))
        .header("Content-Type", "text/xml; charset=utf-8")
        .body(body)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 500);
    assert!(r.text().await.expect("body").contains("faultcode"));
    assert!(s.ledger(&order_ref).await.is_empty());

    // The bounds are inclusive: authorization date + 6, and today (captured at the next run).
    let six = unique_ref("dif-six");
    assert_eq!(
        code(&call(&s, &dif_auth(&six, 1_000, Some(days(6)))).await),
        "00000"
    );
    let same_day = unique_ref("dif-today");
    assert_eq!(
        code(&call(&s, &dif_auth(&same_day, 1_000, Some(today))).await),
        "00000"
    );
    // A refused DIF authorization plans nothing (homologation amount 333.05 → 01100).
    let bank_refused = unique_ref("dif-refused");
    assert_eq!(
        code(&call(&s, &dif_auth(&bank_refused, 33_305, Some(days(1)))).await),
        "01100"
    );
    s.advance(0).await;
    let ledger = s.ledger(&same_day).await;
    assert_eq!(
        captures(&ledger).len(),
        1,
        "a date of today is captured at once"
    );
    assert_eq!(captures(&ledger)[0]["createdAt"], ledger[0]["createdAt"]);
    s.advance(7 * DAY).await;
    let ledger = s.ledger(&six).await;
    assert_eq!(captures(&ledger).len(), 1);
    assert_eq!(captures(&ledger)[0]["createdAt"], midnight(days(6)));
    assert_eq!(
        ledger[0]["state"], "CAPTURED",
        "captured inside the 7-day validity, never expired"
    );
    let ledger = s.ledger(&bank_refused).await;
    assert_eq!(ledger.len(), 1);
    assert_eq!(
        (
            ledger[0]["state"].as_str(),
            ledger[0]["deferredCapture"].as_str()
        ),
        (Some("REFUSED"), None)
    );
}

fn scheduled(
    wallet: &str,
    order_ref: &str,
    amount: u64,
    on: Date,
    capture_on: Option<Date>,
) -> DoScheduledWalletPaymentRequest {
    let mut p = payment(amount, 100, CONTRACT);
    p.mode = Mode::DIF;
    p.differed_action_date = capture_on.map(short);
    let mut req = DoScheduledWalletPaymentRequest::new(p, day(on).parse().expect("date"), wallet);
    req.order_ref = Some(order_ref.to_owned());
    req
}

#[tokio::test]
async fn wallet_payments_in_dif() {
    let (url, seen) = receiver().await;
    let s = sandbox_notifying(&url).await;
    let wallet = new_wallet(&s, "dif").await;
    let today = sandbox_today(&s).await;
    let days = |n: i64| today + time::Duration::days(n);

    // doImmediateWalletPayment: authorized now, captured on the date, TRSWALLET.
    let immediate_ref = unique_ref("dif-wallet");
    let mut req = immediate(&wallet, &immediate_ref, 4_200, Mode::DIF);
    req.payment.action = payline_protocol::values::Action::AUTHORIZATION;
    req.payment.differed_action_date = Some(short(days(1)));
    assert_eq!(code(&call(&s, &req).await), "00000");
    let mut no_date = req.clone();
    no_date.order.r#ref = unique_ref("dif-wallet");
    no_date.payment.differed_action_date = None;
    assert_eq!(code(&call(&s, &no_date).await), "02305");
    let mut capture_at_once = req.clone();
    capture_at_once.order.r#ref = unique_ref("dif-wallet");
    capture_at_once.payment.action = payline_protocol::values::Action::AUTHORIZATION_AND_CAPTURE;
    assert_eq!(code(&call(&s, &capture_at_once).await), "02321");
    assert!(
        s.ledger(&no_date.order.r#ref).await.is_empty()
            && s.ledger(&capture_at_once.order.r#ref).await.is_empty()
    );
    let ledger = s.ledger(&immediate_ref).await;
    assert_eq!(
        (
            ledger.len(),
            ledger[0]["state"].as_str(),
            ledger[0]["mode"].as_str()
        ),
        (1, Some("AUTHORIZED"), Some("DIF"))
    );

    // doScheduledWalletPayment: authorized on the scheduled date, captured on the DIF date.
    let scheduled_ref = unique_ref("dif-sched");
    let r = call(
        &s,
        &scheduled(&wallet, &scheduled_ref, 7_700, days(2), Some(days(4))),
    )
    .await;
    assert_eq!(code(&r), "02500");
    for (capture_on, why) in [
        (days(1), "before the scheduled date"),
        (days(9), "scheduled date + 7"),
    ] {
        let bad = call(
            &s,
            &scheduled(
                &wallet,
                &unique_ref("dif-sched"),
                7_700,
                days(2),
                Some(capture_on),
            ),
        )
        .await;
        assert_eq!(code(&bad), "02305", "{why}");
        assert!(bad.payment_record_id.is_empty());
    }
    // A capture date more than 6 days after the authorization the moved due date makes: the
    // authorization expires before the date, and the capture is skipped.
    let moved_ref = unique_ref("dif-moved");
    let moved = call(
        &s,
        &scheduled(&wallet, &moved_ref, 5_000, days(3), Some(days(9))),
    )
    .await;
    assert_eq!(code(&moved), "02500");
    let upd = UpdateBillingRecordRequest {
        contract_number: CONTRACT.into(),
        payment_record_id: moved.payment_record_id.clone(),
        billing_record_id: "1".into(),
        billing_record_for_update: BillingRecordForUpdate {
            date: day(days(1)).parse().ok(),
            ..Default::default()
        },
    };
    assert_eq!(code(&call(&s, &upd).await), "02500");

    s.advance(DAY).await;
    let ledger = s.ledger(&immediate_ref).await;
    let caps = captures(&ledger);
    assert_eq!(caps.len(), 1);
    assert_eq!(
        (caps[0]["amount"].as_i64(), caps[0]["createdAt"].as_str()),
        (Some(4_200), Some(midnight(days(1)).as_str()))
    );
    let capture_id = caps[0]["id"].as_str().expect("id").to_owned();
    received(
        &seen,
        &[
            "notificationType=TRSWALLET",
            &format!("transactionId={capture_id}"),
            &format!("walletId={wallet}"),
        ],
    )
    .await;

    s.advance(DAY).await;
    let ledger = s.ledger(&scheduled_ref).await;
    assert_eq!(ledger.len(), 1, "the due date authorizes only: {ledger:?}");
    assert_eq!(
        (ledger[0]["action"].as_i64(), ledger[0]["state"].as_str()),
        (Some(100), Some("AUTHORIZED"))
    );
    assert_eq!(ledger[0]["createdAt"], midnight(days(2)));
    assert_eq!(ledger[0]["differedActionDate"], iso(days(4)));
    let record = call(&s, &get_record(&r.payment_record_id)).await;
    assert_eq!(
        record.billing_record_list.billing_record[0].status.code(),
        1
    );

    s.advance(2 * DAY).await;
    let ledger = s.ledger(&scheduled_ref).await;
    let caps = captures(&ledger);
    assert_eq!(caps.len(), 1);
    assert_eq!(
        (caps[0]["amount"].as_i64(), caps[0]["createdAt"].as_str()),
        (Some(7_700), Some(midnight(days(4)).as_str()))
    );

    s.advance(6 * DAY).await;
    let ledger = s.ledger(&moved_ref).await;
    assert_eq!(ledger[0]["createdAt"], midnight(days(1)));
    assert!(captures(&ledger).is_empty(), "{ledger:?}");
    assert_eq!(ledger[0]["state"], "EXPIRED");
    assert_eq!(
        (
            ledger[0]["deferredCapture"]["status"].as_str(),
            ledger[0]["deferredCapture"]["reason"].as_str()
        ),
        (Some("SKIPPED"), Some("EXPIRED"))
    );
    // Nothing else was captured twice along the way.
    assert_eq!(captures(&s.ledger(&immediate_ref).await).len(), 1);
    assert_eq!(captures(&s.ledger(&scheduled_ref).await).len(), 1);
}

fn web_dif(order_ref: &str, amount: u64, date: Option<Date>) -> DoWebPaymentRequest {
    let mut p = payment(amount, 100, CONTRACT);
    p.mode = Mode::DIF;
    p.differed_action_date = date.map(short);
    DoWebPaymentRequest::new(
        p,
        RETURN,
        "http://shop.example/cancel",
        order(order_ref, amount),
    )
}

#[tokio::test]
async fn hosted_page_in_dif() {
    let s = TestSandbox::start().await;
    let today = sandbox_today(&s).await;
    let date = today + time::Duration::days(2);
    assert_eq!(
        code(&call(&s, &web_dif(&unique_ref("web-dif"), 3_000, None)).await),
        "02305"
    );
    let order_ref = unique_ref("web-dif");
    let r = call(&s, &web_dif(&order_ref, 3_000, Some(date))).await;
    assert_eq!(code(&r), "00000");
    let token = r.token.expect("token");
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page = browser
        .get(r.redirect_url.expect("url"))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 200);
    let exp = future_expiry();
    let form = [
        ("token", token.as_str()),
        ("cardNumber", CARD),
        ("expiryDate", &format!("{}/{}", &exp[..2], &exp[2..])),
        ("securityCode", "123"),
        ("cardholderName", "Ada Martin"),
    ];
    let paid = browser
        .post(s.url("/webpayment/pay"))
        .form(&form)
        .send()
        .await
        .expect("pay");
    assert_eq!(paid.status(), 303);

    let d = call(
        &s,
        &GetWebPaymentDetailsRequest {
            version: "34".into(),
            token: token.clone(),
        },
    )
    .await;
    assert_eq!(code(&d), "00000");
    let p = d.payment.clone().expect("payment");
    assert_eq!(
        (p.mode, p.differed_action_date, p.action.code()),
        (Mode::DIF, Some(short(date)), 100)
    );
    let ledger = s.ledger(&order_ref).await;
    assert_eq!(
        (ledger.len(), ledger[0]["state"].as_str()),
        (1, Some("AUTHORIZED"))
    );

    s.advance(3 * DAY).await;
    let ledger = s.ledger(&order_ref).await;
    let caps = captures(&ledger);
    assert_eq!(caps.len(), 1);
    assert_eq!(
        (caps[0]["amount"].as_i64(), caps[0]["originalId"].as_str()),
        (Some(3_000), Some(d.transaction.id.as_str()))
    );
    assert_eq!(caps[0]["createdAt"], midnight(date));
    // The same answer afterwards: the payment's outcome does not change with its capture.
    let again = call(
        &s,
        &GetWebPaymentDetailsRequest {
            version: "34".into(),
            token,
        },
    )
    .await;
    assert_eq!(
        (code(&again), again.transaction.id),
        ("00000".to_owned(), d.transaction.id)
    );
}

#[tokio::test]
async fn two_processes_sharing_one_database_capture_each_authorization_once() {
    let dir = std::env::temp_dir().join(unique_ref("dif-two"));
    let path = dir.join("sandbox.sqlite");
    let db = DbLocation::File(path.clone());
    let s = TestSandbox::start_with(Config::default(), db.clone()).await;
    let today = sandbox_today(&s).await;
    let n = 60;
    for i in 0..n {
        let date = today + time::Duration::days(1 + i % 6);
        assert_eq!(
            code(
                &call(
                    &s,
                    &dif_auth(
                        &unique_ref("dif-two"),
                        1_000 + u64::try_from(i).expect("i"),
                        Some(date)
                    )
                )
                .await
            ),
            "00000"
        );
    }
    let a = Sandbox::open(Config::default(), &db).await.expect("a");
    let b = Sandbox::open(Config::default(), &db).await.expect("b");
    a.clock().advance(8 * DAY).await.expect("advance");
    let (ra, rb) = tokio::join!(
        payline_sandbox::scheduler::run_due_now(&a),
        payline_sandbox::scheduler::run_due_now(&b)
    );
    let (ra, rb) = (ra.expect("a"), rb.expect("b"));
    eprintln!("process a captured {ra}, process b captured {rb}");
    s.advance(0).await;

    let opts = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .read_only(true);
    let pool = sqlx::SqlitePool::connect_with(opts).await.expect("open");
    let (captures, authorizations, amounts_match): (i64, i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT c.original_id), SUM(c.amount = a.amount) FROM transactions c \
         JOIN transactions a ON a.id = c.original_id WHERE c.kind = 'CAPTURE'",
    )
    .fetch_one(&pool)
    .await
    .expect("count");
    assert_eq!(
        (captures, authorizations, amounts_match),
        (n, n, n),
        "each authorization captured exactly once, in full"
    );
    let (pending,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM deferred_captures WHERE status <> 'CAPTURED'")
            .fetch_one(&pool)
            .await
            .expect("status");
    assert_eq!(pending, 0);
    // In date order: capture instants never go back as capture rows were written.
    let instants: Vec<(i64,)> =
        sqlx::query_as("SELECT created_at FROM transactions WHERE kind = 'CAPTURE' ORDER BY rowid")
            .fetch_all(&pool)
            .await
            .expect("rows");
    assert!(
        instants.windows(2).all(|w| w[0].0 <= w[1].0),
        "captured in date order"
    );
    pool.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

async fn count(db: &std::path::Path, sql: &str) -> i64 {
    let opts = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(db)
        .read_only(true);
    let pool = sqlx::SqlitePool::connect_with(opts).await.expect("open");
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&pool).await.expect("count");
    pool.close().await;
    n
}

#[tokio::test]
async fn a_crash_in_the_middle_of_a_clock_move_never_captures_twice() {
    let dir = std::env::temp_dir().join(unique_ref("dif-crash"));
    std::fs::create_dir_all(&dir).expect("dir");
    let db = dir.join("sandbox.sqlite");
    let (mut child, base) = spawn_binary(&db).await;
    let s = TestSandbox::against(&base);
    let today = sandbox_today(&s).await;
    let n: i64 = 300;
    for i in 0..n {
        let date = today + time::Duration::days(1 + i % 6);
        assert_eq!(
            code(&call(&s, &dif_auth(&unique_ref("dif-crash"), 1_000, Some(date))).await),
            "00000"
        );
    }
    let advance = {
        let http = s.http.clone();
        let url = s.url("/sandbox/clock");
        tokio::spawn(async move {
            let _ = http
                .post(url)
                .basic_auth(MERCHANT, Some(ACCESS_KEY))
                .json(&serde_json::json!({ "advance_seconds": 8 * DAY }))
                .send()
                .await;
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    child.kill().await.expect("kill");
    let _ = advance.await;
    let at_crash = count(
        &db,
        "SELECT COUNT(*) FROM transactions WHERE kind = 'CAPTURE'",
    )
    .await;
    eprintln!("captured when killed: {at_crash} of {n}");

    // Restarted on the same database: the clock offset survived; the start catches up (the
    // rest of the move is made in case the kill landed before the offset was written).
    let (mut child, base) = spawn_binary(&db).await;
    let s = TestSandbox::against(&base);
    let moved = s.advance(0).await["offset_seconds"]
        .as_i64()
        .expect("offset");
    s.advance((8 * DAY - moved).max(0)).await;
    child.kill().await.expect("kill");
    let captures = count(
        &db,
        "SELECT COUNT(*) FROM transactions WHERE kind = 'CAPTURE'",
    )
    .await;
    let distinct = count(
        &db,
        "SELECT COUNT(DISTINCT original_id) FROM transactions WHERE kind = 'CAPTURE'",
    )
    .await;
    let done = count(&db, "SELECT COUNT(*) FROM deferred_captures WHERE status = 'CAPTURED' AND capture_id IS NOT NULL").await;
    assert_eq!(
        (captures, distinct, done),
        (n, n, n),
        "every authorization captured exactly once"
    );
    let _ = std::fs::remove_dir_all(dir);
}
