//! PCI hygiene and the shop webhook: full checkouts while every log line is captured, then a
//! scan of the logs and the database file for card numbers, token blobs, card tokens, the
//! access key and the admin token; signed webhook delivery with retries.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::{Value, json};

use crate::support::{self, ADMIN, Opts, client, pay, pay_body, tokenize};

#[derive(Clone, Default)]
pub(crate) struct Buf(pub(crate) Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every log line of this test process (one subscriber per process), shared with the hosted
/// page's scan.
pub(crate) fn logs() -> &'static Buf {
    static LOGS: OnceLock<Buf> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buf = Buf::default();
        let b2 = buf.clone();
        let filter = tracing_subscriber::EnvFilter::new(
            "payment_server=trace,payline_protocol=trace,sqlx=trace,axum=trace,tower_http=trace",
        );
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_ansi(false)
            .with_writer(move || b2.clone())
            .try_init();
        buf
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_card_data_or_secret_in_logs_or_database() {
    let logs = logs();
    let db_path = support::temp_path("pci.sqlite");
    let db_url = format!("sqlite://{}", db_path.display());
    let (sb, s) = support::start_with_sandbox(db_url).await;
    let key = payline_protocol::secret::Secret::new("SANDBOXACCESSKEY0001");
    let cards = [
        "4970101122334455",
        "4970105181818183",
        "4970107111111119",
        "5130000000000010",
    ];
    let mut forbidden: Vec<String> = cards.iter().map(|c| (*c).to_owned()).collect();
    forbidden.push("SANDBOXACCESSKEY0001".into());
    forbidden.push(ADMIN.into());
    for (i, pan) in cards.iter().enumerate() {
        for amount in [2599u64, 33305] {
            let cs =
                support::create_session(&s, json!({"amount": amount, "currency": "EUR"})).await;
            forbidden.push(cs["clientSecret"].as_str().unwrap().to_owned());
            let brand_cvv = "737";
            let blob = tokenize(&cs["tokenizer"], pan, "1230", Some(brand_cvv))
                .await
                .unwrap();
            let t = payline_protocol::web2token::decrypt_token_answer(&key, &blob).unwrap();
            forbidden.push(blob.clone());
            forbidden.push(t.token.expose().to_owned());
            let (_, v) = pay(&cs, &pay_body(&blob, &format!("k{i}{amount}"))).await;
            if v["status"] == "challenge" {
                support::run_challenge(&sb, &v, Some("1234")).await;
            }
            // The blob sent again (a replay) is refused, and logged as such without the blob.
            pay(&cs, &pay_body(&blob, "replay")).await;
        }
    }
    // Saved cards: each card saved in a wallet from its payment, paid with again (3-D Secure
    // included), charged without the buyer, then deleted.
    for (i, pan) in cards.iter().enumerate() {
        let customer = format!("pci-{i}");
        let cs = support::create_session(
            &s,
            json!({"amount": 1200, "currency": "EUR", "customer": {"id": customer}, "saveCard": "always"}),
        )
        .await;
        forbidden.push(cs["clientSecret"].as_str().unwrap().to_owned());
        let blob = tokenize(&cs["tokenizer"], pan, "1230", Some("737"))
            .await
            .unwrap();
        let t = payline_protocol::web2token::decrypt_token_answer(&key, &blob).unwrap();
        forbidden.push(blob.clone());
        forbidden.push(t.token.expose().to_owned());
        let (_, v) = pay(&cs, &pay_body(&blob, &format!("w{i}"))).await;
        if v["status"] == "challenge" {
            support::run_challenge(&sb, &v, Some("1234")).await;
        }
        let list: Value = client()
            .get(format!("{}/api/customers/{customer}/cards", s.url))
            .bearer_auth(ADMIN)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let card = list[0]["cardId"]
            .as_str()
            .unwrap_or_else(|| panic!("card {i} was not saved: {list}"));
        let again = support::create_session(
            &s,
            json!({"amount": 800, "currency": "EUR", "customer": {"id": customer}}),
        )
        .await;
        forbidden.push(again["clientSecret"].as_str().unwrap().to_owned());
        let mut body = pay_body("", &format!("ws{i}"));
        body.as_object_mut().unwrap().remove("tokenData");
        body["savedCard"] = json!(card);
        let (_, v) = pay(&again, &body).await;
        if v["status"] == "challenge" {
            support::run_challenge(&sb, &v, Some("1234")).await;
        }
        client()
            .post(format!(
                "{}/api/customers/{customer}/cards/{card}/charges",
                s.url
            ))
            .bearer_auth(ADMIN)
            .header("idempotency-key", format!("mit{i}"))
            .json(&json!({"amount": 300, "currency": "EUR"}))
            .send()
            .await
            .unwrap();
        client()
            .delete(format!("{}/api/customers/{customer}/cards/{card}", s.url))
            .bearer_auth(ADMIN)
            .send()
            .await
            .unwrap();
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let text = String::from_utf8_lossy(&logs.0.lock().unwrap()).to_string();
    assert!(
        text.contains("pay attempt started"),
        "the test must actually capture the server's logs"
    );
    let mut db = std::fs::read(&db_path).unwrap();
    if let Ok(wal) = std::fs::read(format!("{}-wal", db_path.display())) {
        db.extend_from_slice(&wal);
    }
    let db = String::from_utf8_lossy(&db).to_string();
    for f in &forbidden {
        assert!(
            !text.contains(f.as_str()),
            "a secret or card datum appears in the logs"
        );
        assert!(
            !db.contains(f.as_str()),
            "a secret or card datum appears in the database"
        );
    }
    // No Luhn-valid test-card-like digit run anywhere, in logs or database.
    assert!(
        !luhn_prefix_is_card(&text),
        "a card number appears in the logs"
    );
    assert!(
        !luhn_prefix_is_card(&db),
        "a card number appears in the database"
    );
}

/// True when `hay` holds a 13–19 digit run that passes Luhn and starts like a test card.
pub(crate) fn luhn_prefix_is_card(hay: &str) -> bool {
    let mut digits = String::new();
    for c in hay.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if (13..=19).contains(&digits.len())
            && ["4970", "5130", "3782"]
                .iter()
                .any(|p| digits.starts_with(p))
            && card_core::luhn_valid(&digits)
        {
            return true;
        }
        digits.clear();
    }
    false
}

#[tokio::test]
async fn webhook_is_signed_retried_and_every_attempt_recorded() {
    use axum::routing::post;
    let received: Arc<Mutex<Vec<(String, String, String)>>> = Arc::default();
    let r2 = received.clone();
    let app = axum::Router::new().route(
        "/hook",
        post(move |headers: axum::http::HeaderMap, body: String| {
            let r2 = r2.clone();
            async move {
                let mut g = r2.lock().unwrap();
                let h = |k: &str| {
                    headers
                        .get(k)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned()
                };
                g.push((
                    h("x-cardcapture-timestamp"),
                    h("x-cardcapture-signature"),
                    body,
                ));
                // The first delivery fails: the server must retry.
                if g.len() == 1 {
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    axum::http::StatusCode::OK
                }
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", l.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(l, app).await;
    });
    let sb = support::start_sandbox().await;
    let webhook = payment_server::config::WebhookConfig {
        url: hook,
        secret: payline_protocol::secret::Secret::new("whsec-test"),
        extra_roots: Vec::new(),
    };
    let s = support::start(Opts {
        gateway_base: Some(sb.url.clone()),
        sandbox_mode: true,
        webhook: Some(webhook),
        ..Opts::default()
    })
    .await;
    let cs = support::create_session(&s, json!({"amount": 2599, "currency": "EUR"})).await;
    let blob = tokenize(&cs["tokenizer"], "4970101122334455", "1230", Some("123"))
        .await
        .unwrap();
    let (_, v) = pay(&cs, &pay_body(&blob, "k")).await;
    assert_eq!(v["status"], "authorized");
    let http = payment_server::http::client(std::time::Duration::from_secs(5)).unwrap();
    let d = payment_server::webhook::deliver_due(&s.state, &http)
        .await
        .unwrap();
    assert_eq!(d, 0);
    // Not due before its backoff.
    let d = payment_server::webhook::deliver_due(&s.state, &http)
        .await
        .unwrap();
    assert_eq!(d, 0);
    s.clock.advance(1_000);
    let d = payment_server::webhook::deliver_due(&s.state, &http)
        .await
        .unwrap();
    assert_eq!(d, 1);
    let got = received.lock().unwrap().clone();
    assert_eq!(got.len(), 2);
    let (ts, sig, body) = &got[1];
    let ts: i64 = ts.parse().unwrap();
    assert_eq!(sig, &payment_server::webhook::sign("whsec-test", ts, body));
    let ev: Value = serde_json::from_str(body).unwrap();
    assert_eq!(ev["type"], "payment.authorized");
    assert_eq!(ev["payment"]["id"], v["paymentId"]);
    assert_eq!(ev["payment"]["amount"], 2599);
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhook_attempts")
        .fetch_one(s.state.store().pool())
        .await
        .unwrap();
    assert_eq!(n, 2);
    let _ = client;
}

/// The same flows on PostgreSQL, and the database dumped with pg_dump and scanned: a direct
/// checkout per test card (3-D Secure included), its card saved in the wallet, a payment with
/// the saved card, a merchant-initiated charge, instalments registered at the gateway, the card
/// deleted. No card number, card token, token blob, client secret or key in any row.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_card_data_or_secret_in_the_postgresql_database() {
    let pg = support::pg::PgCluster::start();
    let sb = support::start_sandbox().await;
    // Real dates: the schedule is registered at the gateway on today's date.
    let s = support::start(Opts {
        db_url: pg.url.clone(),
        gateway_base: Some(sb.url.clone()),
        sandbox_mode: true,
        clock: support::today_clock(),
        ..Opts::default()
    })
    .await;
    let key = payline_protocol::secret::Secret::new("SANDBOXACCESSKEY0001");
    let mut forbidden: Vec<String> = vec!["SANDBOXACCESSKEY0001".into(), ADMIN.into()];
    let cards = ["4970101122334455", "4970105181818183", "5130000000000010"];
    forbidden.extend(cards.iter().map(|c| (*c).to_owned()));
    for (i, pan) in cards.iter().enumerate() {
        let customer = format!("pg-pci-{i}");
        let cs = support::create_session(
            &s,
            json!({"amount": 3000, "currency": "EUR", "customer": {"id": customer},
                   "schedule": {"kind": "instalments", "count": 2, "every": "monthly"}}),
        )
        .await;
        forbidden.push(cs["clientSecret"].as_str().unwrap().to_owned());
        let blob = tokenize(&cs["tokenizer"], pan, "1230", Some("737"))
            .await
            .unwrap();
        let t = payline_protocol::web2token::decrypt_token_answer(&key, &blob).unwrap();
        forbidden.push(blob.clone());
        forbidden.push(t.token.expose().to_owned());
        let (_, v) = pay(&cs, &pay_body(&blob, &format!("pg{i}"))).await;
        if v["status"] == "challenge" {
            support::run_challenge(&sb, &v, Some("1234")).await;
        }
        let list: Value = client()
            .get(format!("{}/api/customers/{customer}/cards", s.url))
            .bearer_auth(ADMIN)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let card = list[0]["cardId"]
            .as_str()
            .unwrap_or_else(|| panic!("card {i} was not saved: {list}"))
            .to_owned();
        let again = support::create_session(
            &s,
            json!({"amount": 800, "currency": "EUR", "customer": {"id": customer}}),
        )
        .await;
        forbidden.push(again["clientSecret"].as_str().unwrap().to_owned());
        let mut body = pay_body("", &format!("pgs{i}"));
        body.as_object_mut().unwrap().remove("tokenData");
        body["savedCard"] = json!(card);
        let (_, v) = pay(&again, &body).await;
        if v["status"] == "challenge" {
            support::run_challenge(&sb, &v, Some("1234")).await;
        }
        let r = client()
            .post(format!(
                "{}/api/customers/{customer}/cards/{card}/charges",
                s.url
            ))
            .bearer_auth(ADMIN)
            .header("idempotency-key", format!("pgm{i}"))
            .json(&json!({"amount": 300, "currency": "EUR"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        client()
            .delete(format!("{}/api/customers/{customer}/cards/{card}", s.url))
            .bearer_auth(ADMIN)
            .send()
            .await
            .unwrap();
    }
    let dump = pg.dump();
    assert!(
        dump.contains("saved_cards") && dump.contains("schedules"),
        "the dump must hold the tables"
    );
    let n: (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM schedules WHERE payment_record_id IS NOT NULL")
            .fetch_one(s.state.store().pool())
            .await
            .unwrap();
    assert_eq!(n.0, 3, "every schedule was registered");
    for f in &forbidden {
        assert!(
            !dump.contains(f.as_str()),
            "a secret or card datum appears in the PostgreSQL database"
        );
    }
    assert!(
        !luhn_prefix_is_card(&dump),
        "a card number appears in the PostgreSQL database"
    );
}
