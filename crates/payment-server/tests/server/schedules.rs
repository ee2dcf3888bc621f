//! Instalments and subscriptions against a sandbox that sends its notifications to the server
//! (schedules contract): the checkout pays the first payment, the gateway bills the rest as
//! the sandbox clock moves, and the server reads each billing from the gateway. A year of a
//! subscription runs in seconds.

use std::time::Duration;

use serde_json::{Value, json};

use crate::support::{self, ADMIN, Opts, Server, client, ledger, pay, pay_body, tokenize};

const NOT_ENROLLED: &str = "4970101122334455";

/// A sandbox whose merchant notifies `notify` (the server's /payline/notify).
struct Gateway {
    sb: support::Sandbox,
}

async fn sandbox_notifying(listener: tokio::net::TcpListener, server_url: &str) -> Gateway {
    let addr = listener.local_addr().unwrap();
    let mut config = payline_sandbox::Config {
        public_url: Some(format!("http://{addr}")),
        ..Default::default()
    };
    for m in &mut config.merchants {
        m.notification_url = Some(format!("{server_url}/payline/notify"));
    }
    let sb = payline_sandbox::Sandbox::open(config, &payline_sandbox::DbLocation::Memory)
        .await
        .unwrap();
    let task = tokio::spawn(async move {
        let _ = payline_sandbox::serve(listener, sb, std::future::pending()).await;
    });
    Gateway {
        sb: support::Sandbox {
            url: format!("http://{addr}"),
            task,
        },
    }
}

/// A server and a sandbox notifying it; `via` puts a fault proxy between the server's SOAP
/// calls and the sandbox.
async fn start(db_url: String, with_proxy: bool) -> (Gateway, Server, Option<support::FaultProxy>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sb_url = format!("http://{}", listener.local_addr().unwrap());
    let proxy = if with_proxy {
        Some(support::fault_proxy(&sb_url).await)
    } else {
        None
    };
    let s = support::start(Opts {
        db_url,
        gateway_base: Some(proxy.as_ref().map_or(sb_url.clone(), |p| p.url.clone())),
        sandbox_mode: true,
        webhook: support::webhook_outbox(),
        // The gateway's dates are the real ones: the server's clock starts from the same day.
        clock: support::today_clock(),
        ..Opts::default()
    })
    .await;
    let g = sandbox_notifying(listener, &s.url).await;
    (g, s, proxy)
}

async fn advance_sandbox(sb: &support::Sandbox, days: i64) {
    let r = client()
        .post(format!("{}/sandbox/clock", sb.url))
        .basic_auth(
            payment_server::config::sandbox_merchant::MERCHANT_ID,
            Some(payment_server::config::sandbox_merchant::ACCESS_KEY),
        )
        .json(&json!({"advance_seconds": days * 86_400}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
}

async fn schedule(s: &Server, id: &str) -> Value {
    client()
        .get(format!("{}/api/schedules/{id}", s.url))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Waits until the schedule satisfies `ok` (the gateway's notifications are asynchronous).
async fn until(s: &Server, id: &str, what: &str, ok: impl Fn(&Value) -> bool) -> Value {
    let mut last = Value::Null;
    for _ in 0..100 {
        last = schedule(s, id).await;
        if ok(&last) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("schedule never {what}: {last}");
}

fn statuses(v: &Value) -> Vec<String> {
    v["payments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["status"].as_str().unwrap().to_owned())
        .collect()
}

/// The shop events queued, in the order they were written (SQLite's rowid).
async fn events(s: &Server) -> Vec<(String, Value)> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT event_type, body FROM webhook_events ORDER BY rowid")
            .fetch_all(s.state.store().pool())
            .await
            .unwrap();
    rows.into_iter()
        .map(|(t, b)| (t, serde_json::from_str(&b).unwrap()))
        .collect()
}

async fn count(s: &Server, kind: &str) -> usize {
    events(s).await.iter().filter(|(t, _)| t == kind).count()
}

/// Creates a session with `schedule` for `customer`, pays it with `pan`; returns the session,
/// the pay answer.
async fn checkout(
    s: &Server,
    customer: &str,
    amount: u64,
    schedule: Value,
    pan: &str,
    exp: &str,
) -> (Value, Value) {
    let cs = support::create_session(
        s,
        json!({"amount": amount, "currency": "EUR", "customer": {"id": customer}, "schedule": schedule}),
    )
    .await;
    let blob = tokenize(&cs["tokenizer"], pan, exp, Some("123"))
        .await
        .unwrap();
    let (st, v) = pay(&cs, &pay_body(&blob, "k1")).await;
    assert_eq!((st, v["status"].as_str()), (200, Some("authorized")), "{v}");
    (cs, v)
}

#[tokio::test]
async fn three_monthly_instalments_add_up_to_the_session_amount_and_complete() {
    let (g, s, _) = start(support::sqlite_url(), false).await;
    let (cs, v) = checkout(
        &s,
        "nx-1",
        10_000,
        json!({"kind": "instalments", "count": 3, "every": "monthly"}),
        NOT_ENROLLED,
        "1230",
    )
    .await;
    // The session shows the plan; the checkout paid the first instalment only.
    assert_eq!(cs["schedule"]["kind"], "instalments");
    assert_eq!(cs["saveCard"], "always");
    let id = v["scheduleId"].as_str().unwrap().to_owned();
    assert_eq!(v["savedCard"]["last4"], "4455");
    let p = support::payment(&s, v["paymentId"].as_str().unwrap()).await;
    assert_eq!(p["amount"], 3_334);
    let sch = schedule(&s, &id).await;
    assert_eq!(sch["status"], "active", "{sch}");
    assert_eq!(statuses(&sch), ["paid", "scheduled", "scheduled"], "{sch}");
    let amounts: i64 = sch["payments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["amount"].as_i64().unwrap())
        .sum();
    assert_eq!(amounts, 10_000, "{sch}");
    // A month later the gateway bills the second; then the third, and the plan is complete.
    advance_sandbox(&g.sb, 32).await;
    until(&s, &id, "billed once", |v| {
        statuses(v) == ["paid", "paid", "scheduled"]
    })
    .await;
    advance_sandbox(&g.sb, 31).await;
    let done = until(&s, &id, "completed", |v| v["status"] == "completed").await;
    assert_eq!(statuses(&done), ["paid", "paid", "paid"]);
    assert!(done["payments"][2]["transactionId"].is_string(), "{done}");
    assert_eq!(count(&s, "schedule.payment_succeeded").await, 2);
    assert_eq!(count(&s, "schedule.completed").await, 1);
    // The gateway billed each instalment once, under the schedule's order reference.
    let billed = ledger(&g.sb, sch["orderRef"].as_str().unwrap()).await;
    let billed = billed.as_array().cloned().unwrap_or_default();
    assert_eq!(billed.len(), 2, "{billed:?}");
    assert!(billed.iter().all(|t| t["amount"] == 3_333));
}

#[tokio::test]
async fn a_monthly_subscription_runs_a_year_in_seconds_then_is_cancelled() {
    let (g, s, _) = start(support::sqlite_url(), false).await;
    let (_, v) = checkout(
        &s,
        "rec-1",
        990,
        json!({"kind": "subscription", "amount": 990, "every": "monthly"}),
        NOT_ENROLLED,
        "1230",
    )
    .await;
    let id = v["scheduleId"].as_str().unwrap().to_owned();
    for month in 1..=12 {
        advance_sandbox(&g.sb, 31).await;
        until(&s, &id, "billed for the month", |v| {
            statuses(v).iter().filter(|s| *s == "paid").count() == 1 + month
        })
        .await;
    }
    assert_eq!(count(&s, "schedule.payment_succeeded").await, 12);
    // Cancelled: nothing more is billed.
    let r = client()
        .delete(format!("{}/api/schedules/{id}", s.url))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let sch: Value = r.json().await.unwrap();
    assert_eq!(sch["status"], "cancelled", "{sch}");
    assert_eq!(count(&s, "schedule.cancelled").await, 1);
    let order_ref = sch["orderRef"].as_str().unwrap().to_owned();
    let before = ledger(&g.sb, &order_ref).await.as_array().unwrap().len();
    advance_sandbox(&g.sb, 62).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        ledger(&g.sb, &order_ref).await.as_array().unwrap().len(),
        before
    );
    // Cancelling again is a no-op.
    let r = client()
        .delete(format!("{}/api/schedules/{id}", s.url))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(count(&s, "schedule.cancelled").await, 1);
}

#[tokio::test]
async fn a_refused_payment_is_retried_by_the_gateway_then_fails() {
    let (g, s, _) = start(support::sqlite_url(), false).await;
    // 333.05 is refused by the bank (01100) every time: the gateway tries a due date three
    // times, a day apart.
    let (_, v) = checkout(
        &s,
        "rec-2",
        1_000,
        json!({"kind": "subscription", "amount": 33_305, "every": "monthly"}),
        NOT_ENROLLED,
        "1230",
    )
    .await;
    let id = v["scheduleId"].as_str().unwrap().to_owned();
    // To the first due date exactly (a month after today): its first try is refused.
    let due = schedule(&s, &id).await["payments"][1]["dueDate"]
        .as_str()
        .unwrap()
        .to_owned();
    let today = time::OffsetDateTime::now_utc().date();
    let f = time::macros::format_description!("[year]-[month]-[day]");
    let days = (time::Date::parse(&due, &f).unwrap() - today).whole_days();
    advance_sandbox(&g.sb, days).await;
    let r = until(&s, &id, "retrying", |v| {
        statuses(v).get(1).map(String::as_str) == Some("retrying")
    })
    .await;
    assert_eq!(r["payments"][1]["code"], "01100", "{r}");
    advance_sandbox(&g.sb, 1).await;
    advance_sandbox(&g.sb, 1).await;
    let failed = until(&s, &id, "failed", |v| v["status"] == "failed").await;
    assert_eq!(statuses(&failed)[1], "failed", "{failed}");
    assert_eq!(failed["payments"][1]["tries"], 3, "{failed}");
    let ev = events(&s).await;
    let fails: Vec<&Value> = ev
        .iter()
        .filter(|(t, _)| t == "schedule.payment_failed")
        .map(|(_, b)| b)
        .collect();
    // One event per refusal the server saw (the notifications are asynchronous: two tries
    // read at once give one event), the last one final.
    assert!((2..=3).contains(&fails.len()), "{fails:?}");
    assert_eq!(fails[0]["schedulePayment"]["retrying"], true);
    let last = fails[fails.len() - 1];
    assert_eq!(last["schedulePayment"]["retrying"], false);
    assert_eq!(last["schedulePayment"]["tries"], 3);
}

#[tokio::test]
async fn a_card_expiring_before_the_last_instalment_is_reported() {
    let (_g, s, _) = start(support::sqlite_url(), false).await;
    // The card expires at the end of next month; 12 monthly instalments outlive it (02506).
    let today = time::OffsetDateTime::now_utc().date();
    let next = today.month().next();
    let year = if next == time::Month::January {
        today.year() + 1
    } else {
        today.year()
    };
    let exp = format!("{:02}{:02}", u8::from(next), year % 100);
    let (_, v) = checkout(
        &s,
        "nx-2",
        12_000,
        json!({"kind": "instalments", "count": 12, "every": "monthly"}),
        NOT_ENROLLED,
        &exp,
    )
    .await;
    let id = v["scheduleId"].as_str().unwrap();
    assert_eq!(schedule(&s, id).await["status"], "active");
    let ev = events(&s).await;
    let expiring: Vec<&Value> = ev
        .iter()
        .filter(|(t, _)| t == "card.expiring")
        .map(|(_, b)| b)
        .collect();
    assert_eq!(expiring.len(), 1, "{ev:?}");
    assert_eq!(expiring[0]["schedule"]["id"], id);
    assert_eq!(expiring[0]["card"]["expiry"], exp);
}

#[tokio::test]
async fn a_subscription_amount_and_next_date_change_at_the_gateway() {
    let (g, s, _) = start(support::sqlite_url(), false).await;
    let (_, v) = checkout(
        &s,
        "rec-3",
        990,
        json!({"kind": "subscription", "amount": 990, "every": "monthly", "count": 6}),
        NOT_ENROLLED,
        "1230",
    )
    .await;
    let id = v["scheduleId"].as_str().unwrap().to_owned();
    let first_due = schedule(&s, &id).await["payments"][1]["dueDate"]
        .as_str()
        .unwrap()
        .to_owned();
    let later = support_date_plus(&first_due, 3);
    let r = client()
        .patch(format!("{}/api/schedules/{id}", s.url))
        .bearer_auth(ADMIN)
        .json(&json!({"amount": 1290, "nextDate": later}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let sch = schedule(&s, &id).await;
    assert_eq!(sch["amount"], 1290);
    assert_eq!(sch["payments"][1]["dueDate"], later, "{sch}");
    assert_eq!(sch["payments"][1]["amount"], 1290, "{sch}");
    advance_sandbox(&g.sb, 35).await;
    let billed = until(&s, &id, "billed", |v| statuses(v)[1] == "paid").await;
    assert_eq!(billed["payments"][1]["amount"], 1290);
    // Bad changes: nothing sent.
    for (body, status) in [
        (json!({}), 400),
        (json!({"amount": 0}), 400),
        (json!({"nextDate": "2020-01-01"}), 400),
        (json!({"nextDate": "tomorrow"}), 400),
        (json!({"amount": 100, "extra": true}), 400),
    ] {
        let r = client()
            .patch(format!("{}/api/schedules/{id}", s.url))
            .bearer_auth(ADMIN)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), status, "{body}");
    }
}

fn support_date_plus(iso: &str, days: i64) -> String {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    let d = time::Date::parse(iso, &f).unwrap() + time::Duration::days(days);
    d.format(&f).unwrap()
}

#[tokio::test]
async fn a_registration_whose_answer_is_lost_is_settled_by_the_first_billing_never_sent_twice() {
    let (g, s, proxy) = start(support::sqlite_url(), true).await;
    let proxy = proxy.unwrap();
    let cs = support::create_session(
        &s,
        json!({"amount": 9_000, "currency": "EUR", "customer": {"id": "nx-3"},
               "schedule": {"kind": "instalments", "count": 3, "every": "weekly"}}),
    )
    .await;
    let tk = support::at_sandbox(&g.sb, &cs["tokenizer"]);
    let blob = tokenize(&tk, NOT_ENROLLED, "1230", Some("123"))
        .await
        .unwrap();
    *proxy.drop_action.lock().unwrap() = Some("doRecurrentWalletPayment");
    let (_, v) = pay(&cs, &pay_body(&blob, "k1")).await;
    assert_eq!(v["status"], "authorized", "{v}");
    let id = v["scheduleId"].as_str().unwrap().to_owned();
    *proxy.drop_action.lock().unwrap() = None;
    // Not known yet: shown as active (the plan stands), registered nowhere twice.
    let row: (String,) = sqlx::query_as("SELECT status FROM schedules WHERE id = $1")
        .bind(&id)
        .fetch_one(s.state.store().pool())
        .await
        .unwrap();
    assert_eq!(row.0, "unknown");
    s.clock.advance(60_000);
    payment_server::background::run_once(&s.state)
        .await
        .unwrap();
    let sent = proxy
        .requests
        .lock()
        .unwrap()
        .iter()
        .filter(|(a, _)| a.contains("doRecurrentWalletPayment"))
        .count();
    assert_eq!(sent, 1, "never sent again");
    // A week later the gateway bills the record and names its order reference: adopted.
    advance_sandbox(&g.sb, 8).await;
    let sch = until(&s, &id, "adopted", |v| {
        statuses(v).get(1).map(String::as_str) == Some("paid")
    })
    .await;
    assert!(sch["paymentRecordId"].is_string(), "{sch}");
    assert_eq!(sch["status"], "active");
}

#[tokio::test]
async fn a_registration_lost_without_any_billing_fails_after_the_first_due_date() {
    let (_g, s, proxy) = start(support::sqlite_url(), true).await;
    let proxy = proxy.unwrap();
    // The record is never created: the proxy refuses the registration's connection... here the
    // answer is lost and the gateway never bills (the wallet card is gone before the due date
    // is not modelled); the reconciler gives up after the first due date.
    let cs = support::create_session(
        &s,
        json!({"amount": 9_000, "currency": "EUR", "customer": {"id": "nx-4"},
               "schedule": {"kind": "instalments", "count": 3, "every": "weekly"}}),
    )
    .await;
    let blob = tokenize(
        &support::at_sandbox(&_g.sb, &cs["tokenizer"]),
        NOT_ENROLLED,
        "1230",
        Some("123"),
    )
    .await
    .unwrap();
    *proxy.drop_action.lock().unwrap() = Some("doRecurrentWalletPayment");
    let (_, v) = pay(&cs, &pay_body(&blob, "k1")).await;
    let id = v["scheduleId"].as_str().unwrap().to_owned();
    // The server's clock passes the first due date (a week) and a day and a half.
    s.clock.advance(9 * 86_400_000);
    payment_server::background::run_once(&s.state)
        .await
        .unwrap();
    let sch = schedule(&s, &id).await;
    assert_eq!(sch["status"], "failed", "{sch}");
    assert_eq!(count(&s, "schedule.failed").await, 1);
}

#[tokio::test]
async fn bad_schedules_and_other_mistakes_are_refused() {
    let (_g, s, _) = start(support::sqlite_url(), false).await;
    let create = |body: Value| {
        let url = format!("{}/api/checkout-sessions", s.url);
        async move {
            let r = client()
                .post(url)
                .bearer_auth(ADMIN)
                .json(&body)
                .send()
                .await
                .unwrap();
            let st = r.status().as_u16();
            (st, r.json::<Value>().await.unwrap())
        }
    };
    let c = json!({"id": "c"});
    for (body, code) in [
        (
            json!({"amount": 900, "currency": "EUR", "schedule": {"kind": "instalments", "count": 3, "every": "monthly"}}),
            "customer_required",
        ),
        (
            json!({"amount": 900, "currency": "EUR", "customer": c, "schedule": {"kind": "weekly", "every": "monthly"}}),
            "invalid_schedule",
        ),
        (
            json!({"amount": 900, "currency": "EUR", "customer": c, "schedule": {"kind": "instalments", "count": 1, "every": "monthly"}}),
            "invalid_schedule",
        ),
        (
            json!({"amount": 900, "currency": "EUR", "customer": c, "schedule": {"kind": "instalments", "count": 3, "every": "fortnightly"}}),
            "invalid_schedule",
        ),
        (
            json!({"amount": 900, "currency": "EUR", "customer": c, "schedule": {"kind": "instalments", "count": 3, "every": "monthly", "amount": 5}}),
            "invalid_schedule",
        ),
        (
            json!({"amount": 900, "currency": "EUR", "customer": c, "schedule": {"kind": "subscription", "every": "monthly"}}),
            "invalid_schedule",
        ),
        (
            json!({"amount": 900, "currency": "EUR", "customer": c, "schedule": {"kind": "subscription", "amount": 900, "every": "monthly", "startDate": "2001-01-01"}}),
            "invalid_schedule",
        ),
        (
            json!({"amount": 900, "currency": "EUR", "customer": c, "schedule": {"kind": "subscription", "amount": 900, "every": "monthly", "extra": 1}}),
            "invalid_body",
        ),
    ] {
        let (st, v) = create(body.clone()).await;
        assert_eq!(
            (st, v["error"]["code"].as_str()),
            (400, Some(code)),
            "{body} → {v}"
        );
    }
    // Nothing was created by the refusals.
    let n: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM schedules")
        .fetch_one(s.state.store().pool())
        .await
        .unwrap();
    assert_eq!(n.0, 0);
    // Unknown schedule, no token, list without a customer.
    assert_eq!(
        client()
            .get(format!("{}/api/schedules/sch_nope", s.url))
            .bearer_auth(ADMIN)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        client()
            .get(format!("{}/api/schedules/sch_nope", s.url))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        client()
            .get(format!("{}/api/schedules", s.url))
            .bearer_auth(ADMIN)
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    // A customer's list.
    let (_, v) = checkout(
        &s,
        "lister",
        990,
        json!({"kind": "subscription", "amount": 990, "every": "yearly"}),
        NOT_ENROLLED,
        "1230",
    )
    .await;
    let list: Value = client()
        .get(format!("{}/api/schedules?customerId=lister", s.url))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], v["scheduleId"]);
}

#[tokio::test]
async fn instalments_on_postgresql() {
    let pg = support::pg::PgCluster::start();
    let (g, s, _) = start(pg.url.clone(), false).await;
    let (_, v) = checkout(
        &s,
        "pg-nx",
        6_000,
        json!({"kind": "instalments", "count": 2, "every": "weekly"}),
        NOT_ENROLLED,
        "1230",
    )
    .await;
    let id = v["scheduleId"].as_str().unwrap().to_owned();
    advance_sandbox(&g.sb, 8).await;
    let done = until(&s, &id, "completed", |v| v["status"] == "completed").await;
    assert_eq!(statuses(&done), ["paid", "paid"]);
}
