//! Scheduler guarantees: every due date billed exactly once, in date order, across a crash
//! mid-advance and with two processes sharing one database.

use std::time::Duration;

use payline_protocol::values::Mode;
use payline_sandbox::{Config, DbLocation, Sandbox};

use crate::common::*;
use crate::soapkit::*;
use crate::walletkit::*;

const DAY: i64 = 86_400;

async fn billed(db: &std::path::Path) -> i64 {
    let opts = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(db)
        .read_only(true);
    let pool = sqlx::SqlitePool::connect_with(opts).await.expect("open");
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM billing_records WHERE status = 1")
        .fetch_one(&pool)
        .await
        .expect("count");
    pool.close().await;
    n
}

#[tokio::test]
async fn a_crash_in_the_middle_of_a_clock_move_never_bills_twice() {
    let dir = std::env::temp_dir().join(unique_ref("sched-crash"));
    std::fs::create_dir_all(&dir).expect("dir");
    let db = dir.join("sandbox.sqlite");
    let (mut child, base) = spawn_binary(&db).await;
    let s = TestSandbox::against(&base);
    let wallet = new_wallet(&s, "crash").await;
    let today = sandbox_today(&s).await;
    let order_ref = unique_ref("o");
    // 300 daily due dates: long enough for the kill to land while they are being billed.
    let r = call(
        &s,
        &recurrent(
            &wallet,
            &order_ref,
            30_000,
            Mode::NX,
            recurring(100, 10, Some(300)),
            today,
        ),
    )
    .await;
    assert_eq!(code(&r), "02500");

    let advance = {
        let http = s.http.clone();
        let url = s.url("/sandbox/clock");
        tokio::spawn(async move {
            let _ = http
                .post(url)
                .basic_auth(MERCHANT, Some(ACCESS_KEY))
                .json(&serde_json::json!({ "advance_seconds": 400 * DAY }))
                .send()
                .await;
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    child.kill().await.expect("kill");
    let _ = advance.await;
    let at_crash = billed(&db).await;
    eprintln!("billed when killed: {at_crash} of 300");

    // Restart on the same database: the clock offset survived; catch-up bills the rest.
    let (mut child, base) = spawn_binary(&db).await;
    let s = TestSandbox::against(&base);
    s.advance(0).await;
    let ledger = s.ledger(&order_ref).await;
    assert_eq!(ledger.len(), 300, "every due date billed exactly once");
    let mut days: Vec<String> = ledger
        .iter()
        .map(|e| e["createdAt"].as_str().unwrap_or_default()[..10].to_owned())
        .collect();
    let in_order = days.clone();
    days.sort();
    assert_eq!(days, in_order, "billed in date order");
    days.dedup();
    assert_eq!(days.len(), 300, "one billing per due date");
    let got = call(&s, &get_record(&r.payment_record_id)).await;
    assert!(
        got.billing_record_list
            .billing_record
            .iter()
            .all(|b| b.status.code() == 1 && b.nb_try.as_deref() == Some("1"))
    );
    child.kill().await.expect("kill");
    // Wallets and schedules keep the card only as its token: the number is in no file.
    for entry in std::fs::read_dir(&dir).expect("dir") {
        let bytes = std::fs::read(entry.expect("entry").path()).expect("read");
        assert!(
            !bytes.windows(CARD.len()).any(|w| w == CARD.as_bytes()),
            "card number stored in clear"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn two_processes_sharing_one_database_bill_each_due_date_once() {
    let dir = std::env::temp_dir().join(unique_ref("sched-two"));
    let db = DbLocation::File(dir.join("sandbox.sqlite"));
    let s = TestSandbox::start_with(Config::default(), db.clone()).await;
    let wallet = new_wallet(&s, "two").await;
    let today = sandbox_today(&s).await;
    let order_ref = unique_ref("o");
    let r = call(
        &s,
        &recurrent(
            &wallet,
            &order_ref,
            12_000,
            Mode::NX,
            recurring(100, 10, Some(120)),
            today,
        ),
    )
    .await;
    assert_eq!(code(&r), "02500");

    let a = Sandbox::open(Config::default(), &db).await.expect("a");
    let b = Sandbox::open(Config::default(), &db).await.expect("b");
    // The offset moves (shared by every process); both then race over the due dates.
    a.clock().advance(200 * DAY).await.expect("advance");
    let (ra, rb) = tokio::join!(
        payline_sandbox::scheduler::run_due_now(&a),
        payline_sandbox::scheduler::run_due_now(&b)
    );
    let (ra, rb) = (ra.expect("a"), rb.expect("b"));
    eprintln!("process a billed {ra}, process b billed {rb}");
    s.advance(0).await;
    let ledger = s.ledger(&order_ref).await;
    assert_eq!(ledger.len(), 120);
    let mut ids: Vec<&str> = ledger
        .iter()
        .filter_map(|e| e["createdAt"].as_str())
        .collect();
    ids.dedup();
    assert_eq!(ids.len(), 120, "no due date billed twice");
    let _ = std::fs::remove_dir_all(dir);
}
