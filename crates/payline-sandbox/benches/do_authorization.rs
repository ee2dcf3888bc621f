//! doAuthorization calls per second against the sandbox on loopback.
//!
//! `cargo bench -p payline-sandbox --bench do_authorization [-- CALLS CONCURRENCY]`
//! (defaults 2000 calls, 8 in flight). The sandbox runs in-process on 127.0.0.1:0 with an
//! in-memory ledger, and is called through payline-protocol's client exactly as a merchant
//! server calls it: HTTP Basic auth, SOAP encode, decode. Bounded in count; loopback only.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    missing_docs
)]

use std::time::Instant;

use payline_protocol::client::{ClientConfig, PaylineClient};
use payline_protocol::messages::DoAuthorizationRequest;
use payline_protocol::objects::{Card, Order, Payment};
use payline_protocol::secret::Secret;
use payline_protocol::values::{Action, Amount, Currency, Mode};
use payline_sandbox::{Config, DbLocation, Sandbox};

fn request(n: usize) -> DoAuthorizationRequest {
    let mut payment = Payment::new(Currency::EUR, Action::AUTHORIZATION, Mode::CPT);
    payment.amount = Amount::from_minor(2599);
    payment.contract_number = Some("7654321".into());
    payment.card_brand = Some("CB".into());
    let mut card = Card::new("CB".parse().unwrap());
    card.number = Some(Secret::new("4970101122334455"));
    card.expiration_date = Some("1299".parse().unwrap());
    card.cvx = Some(Secret::new("123"));
    let mut order = Order::new(
        Amount::from_minor(2599).unwrap(),
        Currency::EUR,
        "25/11/2026 10:00".parse().unwrap(),
    );
    order.r#ref = format!("bench-{n}");
    order.country = Some("FR".into());
    DoAuthorizationRequest::new(payment, card, order)
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let calls = args.first().copied().unwrap_or(2000).min(100_000);
    let concurrency = args.get(1).copied().unwrap_or(8).clamp(1, 64);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let sandbox = Sandbox::open(Config::default(), &DbLocation::Memory).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(payline_sandbox::serve(listener, sandbox, std::future::pending()));
        let client =
            PaylineClient::new(ClientConfig::new(&base, "12345678901234", Secret::new("SANDBOXACCESSKEY0001")).unwrap())
                .unwrap();
        // Warm-up: connections and the first page of the database.
        for n in 0..50 {
            client.call(&request(usize::MAX - n)).await.unwrap();
        }
        let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let start = Instant::now();
        let workers: Vec<_> = (0..concurrency)
            .map(|_| {
                let client = client.clone();
                let next = next.clone();
                tokio::spawn(async move {
                    loop {
                        let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if n >= calls {
                            break;
                        }
                        let r = client.call(&request(n)).await.unwrap();
                        assert_eq!(r.result.code.as_str(), "00000");
                    }
                })
            })
            .collect();
        for w in workers {
            w.await.unwrap();
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "doAuthorization: {calls} calls, {concurrency} in flight, {secs:.2} s, {:.0} calls/s (loopback, in-memory ledger)",
            calls as f64 / secs
        );
    });
}
