//! Payment records processed day by day on the sandbox clock (Payline
//! doRecurrentWalletPayment, doScheduledWalletPayment, getPaymentRecord, disablePaymentRecord,
//! updatePaymentRecord, getBillingRecord, updateBillingRecord).

use payline_protocol::messages::*;
use payline_protocol::objects::BillingRecordForUpdate;
use payline_protocol::values::{Amount, Mode};
use serde_json::Value;
use time::{Date, Duration, Month};

use crate::common::*;
use crate::soapkit::*;
use crate::walletkit::*;

const DAY: i64 = 86_400;

fn last_day(year: i32, month: Month) -> Date {
    Date::from_calendar_date(year, month, month.length(year)).expect("date")
}

fn statuses(r: &GetPaymentRecordResponse) -> Vec<(String, u64, u8, String, String)> {
    r.billing_record_list
        .billing_record
        .iter()
        .map(|b| {
            (
                b.date.to_string(),
                b.amount.minor(),
                b.status.code(),
                b.nb_try.clone().unwrap_or_default(),
                b.rank.clone().unwrap_or_default(),
            )
        })
        .collect()
}

fn authorizations(ledger: &[Value]) -> Vec<(String, i64, String)> {
    ledger
        .iter()
        .map(|e| {
            (
                e["createdAt"].as_str().unwrap_or_default()[..10].to_owned(),
                e["amount"].as_i64().unwrap_or(0),
                e["state"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

#[tokio::test]
async fn three_instalment_nx_plan() {
    let s = TestSandbox::start().await;
    let wallet = new_wallet(&s, "nx").await;
    let today = sandbox_today(&s).await;
    let order_ref = unique_ref("nx");
    let mut rec = recurring(10_000, 40, Some(3));
    rec.first_amount = Amount::from_minor(10_001);
    let r = call(
        &s,
        &recurrent(&wallet, &order_ref, 30_001, Mode::NX, rec, today),
    )
    .await;
    assert_eq!(code(&r), "02500");
    assert_eq!(r.payment_record_id.len(), 12);
    let list = &r.billing_record_list.billing_record;
    assert_eq!(list.len(), 3);
    // The first due date is today: billed at once.
    assert_eq!(
        (
            list[0].status.code(),
            list[0].amount.minor(),
            list[0].nb_try.as_deref()
        ),
        (1, 10_001, Some("1"))
    );
    assert!(list[0].transaction.is_some());
    assert_eq!((list[1].status.code(), list[2].status.code()), (0, 0));

    // 100 days later: three billings, never a fourth.
    s.advance(100 * DAY).await;
    let got = call(&s, &get_record(&r.payment_record_id)).await;
    assert_eq!(code(&got), "02500");
    assert_eq!(got.wallet_id, wallet);
    assert_eq!(got.is_disabled.as_deref(), Some("0"));
    let rows = statuses(&got);
    assert_eq!(
        rows.iter()
            .map(|r| (r.1, r.2, r.3.as_str(), r.4.as_str()))
            .collect::<Vec<_>>(),
        vec![
            (10_001, 1, "1", "1"),
            (10_000, 1, "1", "2"),
            (10_000, 1, "1", "3")
        ]
    );
    let ledger = s.ledger(&order_ref).await;
    assert_eq!(ledger.len(), 3);
    assert!(
        ledger
            .iter()
            .all(|e| e["type"] == "AUTHORIZATION" && e["action"] == 101 && e["mode"] == "NX")
    );
    let total: i64 = ledger
        .iter()
        .map(|e| e["amount"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(total, 30_001);
    // Each billing carries its own due date.
    let dates: Vec<String> = got
        .billing_record_list
        .billing_record
        .iter()
        .map(|b| b.date.to_string())
        .collect();
    let ledger_dates: Vec<String> = authorizations(&ledger).into_iter().map(|a| a.0).collect();
    let want: Vec<String> = dates
        .iter()
        .map(|d| format!("{}-{}-{}", &d[6..10], &d[3..5], &d[0..2]))
        .collect();
    assert_eq!(ledger_dates, want);
}

#[tokio::test]
async fn nx_amount_rule_and_refusals() {
    let s = TestSandbox::start().await;
    let wallet = new_wallet(&s, "nxr").await;
    let today = sandbox_today(&s).await;
    // 02509: 3 × 100.00 ≠ 299.99.
    let r = call(
        &s,
        &recurrent(
            &wallet,
            &unique_ref("o"),
            29_999,
            Mode::NX,
            recurring(10_000, 40, Some(3)),
            today,
        ),
    )
    .await;
    assert_eq!(code(&r), "02509");
    assert!(r.payment_record_id.is_empty());
    // NX without billingLeft: 02509; unknown cycle: 02509.
    assert_eq!(
        code(
            &call(
                &s,
                &recurrent(
                    &wallet,
                    &unique_ref("o"),
                    30_000,
                    Mode::NX,
                    recurring(10_000, 40, None),
                    today
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
                &recurrent(
                    &wallet,
                    &unique_ref("o"),
                    30_000,
                    Mode::NX,
                    recurring(10_000, 45, Some(3)),
                    today
                )
            )
            .await
        ),
        "02509"
    );
    // Modes other than NX / REC: 02308.
    assert_eq!(
        code(
            &call(
                &s,
                &recurrent(
                    &wallet,
                    &unique_ref("o"),
                    30_000,
                    Mode::CPT,
                    recurring(10_000, 40, Some(3)),
                    today
                )
            )
            .await
        ),
        "02308"
    );
    // Unknown / disabled wallet.
    assert_eq!(
        code(
            &call(
                &s,
                &recurrent(
                    "nope",
                    &unique_ref("o"),
                    30_000,
                    Mode::NX,
                    recurring(10_000, 40, Some(3)),
                    today
                )
            )
            .await
        ),
        "02503"
    );
    assert_eq!(code(&call(&s, &disable(&[&wallet], None)).await), "02500");
    assert_eq!(
        code(
            &call(
                &s,
                &recurrent(
                    &wallet,
                    &unique_ref("o"),
                    30_000,
                    Mode::NX,
                    recurring(10_000, 40, Some(3)),
                    today
                )
            )
            .await
        ),
        "02505"
    );
}

#[tokio::test]
async fn monthly_subscription_over_13_months_with_billing_day_31() {
    let s = TestSandbox::start().await;
    let wallet = new_wallet(&s, "rec").await;
    let today = sandbox_today(&s).await;
    let order_ref = unique_ref("rec");
    let mut rec = recurring(999, 40, Some(13));
    rec.billing_day = Some("31".into());
    let r = call(
        &s,
        &recurrent(&wallet, &order_ref, 999, Mode::REC, rec, today),
    )
    .await;
    assert_eq!(
        code(&r),
        "02500",
        "the card (two years) covers every due date"
    );
    let id = r.payment_record_id.clone();

    // Expected: today, then the last day of each of the next 12 months.
    let mut want = vec![today];
    let (mut y, mut m) = (today.year(), today.month());
    for _ in 0..12 {
        m = m.next();
        if m == Month::January {
            y += 1;
        }
        want.push(last_day(y, m));
    }
    assert!(
        want.iter().any(|d| d.month() == Month::February),
        "the plan crosses a February"
    );

    // Month by month: exactly one more billing each time the clock passes a due date.
    for (i, due) in want.iter().enumerate().skip(1) {
        let before = s.ledger(&order_ref).await.len();
        assert_eq!(before, i, "billings before {due}");
        let now = sandbox_today(&s).await;
        let secs = (*due - now).whole_days() * DAY;
        s.advance(secs).await;
        assert_eq!(s.ledger(&order_ref).await.len(), i + 1, "billed on {due}");
    }
    s.advance(400 * DAY).await;
    let got = call(&s, &get_record(&id)).await;
    let rows = statuses(&got);
    assert_eq!(rows.len(), 13);
    let want_days: Vec<String> = want.iter().map(|d| day(*d)).collect();
    assert_eq!(
        rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>(),
        want_days
    );
    assert!(rows.iter().all(|r| r.1 == 999 && r.2 == 1 && r.3 == "1"));
    let ledger = s.ledger(&order_ref).await;
    assert_eq!(ledger.len(), 13, "exactly 13 billings, each once");
    assert_eq!(
        authorizations(&ledger)
            .into_iter()
            .map(|a| a.0)
            .collect::<Vec<_>>(),
        want.iter().map(|d| iso(*d)).collect::<Vec<_>>()
    );
    assert!(
        ledger
            .iter()
            .all(|e| e["state"] == "SETTLED" && e["mode"] == "REC")
    );
    // One getBillingRecord.
    let b = call(
        &s,
        &GetBillingRecordRequest {
            contract_number: CONTRACT.into(),
            payment_record_id: id.clone(),
            billing_record_id: "0".into(),
        },
    )
    .await;
    assert_eq!(code(&b), "02507");
    let b = call(
        &s,
        &GetBillingRecordRequest {
            contract_number: CONTRACT.into(),
            payment_record_id: id.clone(),
            billing_record_id: "13".into(),
        },
    )
    .await;
    assert_eq!(code(&b), "02500");
    let b = b.billing_record.expect("billing record");
    assert_eq!(
        (b.date.to_string(), b.status.code(), b.rank.as_deref()),
        (day(want[12]), 1, Some("13"))
    );
    assert!(b.transaction.is_some());
}

#[tokio::test]
async fn a_card_expiring_mid_plan_warns_02506_and_later_due_dates_are_refused() {
    let s = TestSandbox::start().await;
    let today = sandbox_today(&s).await;
    let wallet = unique_ref("exp");
    // The card expires at the end of the month after next.
    let exp = expiry_after(today, 2);
    assert_eq!(
        code(&call(&s, &create(&wallet, wallet_card(CARD, &exp))).await),
        "02500"
    );
    let order_ref = unique_ref("o");
    let r = call(
        &s,
        &recurrent(
            &wallet,
            &order_ref,
            30_000,
            Mode::NX,
            recurring(5_000, 40, Some(6)),
            today,
        ),
    )
    .await;
    assert_eq!(code(&r), "02506", "warning: the record is still created");
    assert_eq!(r.payment_record_id.len(), 12);
    assert_eq!(r.billing_record_list.billing_record.len(), 6);
    // Three fitting plans are fine.
    let ok = call(
        &s,
        &recurrent(
            &wallet,
            &unique_ref("o"),
            15_000,
            Mode::NX,
            recurring(5_000, 10, Some(3)),
            today,
        ),
    )
    .await;
    assert_eq!(code(&ok), "02500");

    s.advance(200 * DAY).await;
    let got = call(&s, &get_record(&r.payment_record_id)).await;
    // Due dates within the card's validity (this month and the next two) are paid; later ones
    // are refused by the gateway (card expired, 02624): status 2, not retried.
    let rows = statuses(&got);
    assert_eq!(
        rows.iter().map(|r| r.2).collect::<Vec<_>>(),
        vec![1, 1, 1, 2, 2, 2],
        "{rows:?}"
    );
    for b in &got.billing_record_list.billing_record[3..] {
        assert_eq!(
            b.result
                .as_ref()
                .map(|r| r.code.as_str().to_owned())
                .as_deref(),
            Some("02624")
        );
        assert_eq!(b.nb_try.as_deref(), Some("1"));
    }
}

#[tokio::test]
async fn bank_refusals_are_retried_daily_three_times_then_status_4() {
    let s = TestSandbox::start().await;
    let wallet = new_wallet(&s, "retry").await;
    let today = sandbox_today(&s).await;
    let order_ref = unique_ref("o");
    // 333.05 → 01100 (homologation amount): every try refused.
    let r = call(
        &s,
        &recurrent(
            &wallet,
            &order_ref,
            33_305,
            Mode::REC,
            recurring(33_305, 40, Some(2)),
            today,
        ),
    )
    .await;
    assert_eq!(code(&r), "02500");
    let first = &r.billing_record_list.billing_record[0];
    assert_eq!(
        (first.status.code(), first.nb_try.as_deref()),
        (3, Some("1"))
    );
    assert_eq!(
        first
            .result
            .as_ref()
            .map(|r| r.code.as_str().to_owned())
            .as_deref(),
        Some("01100")
    );
    s.advance(DAY).await;
    let got = call(&s, &get_record(&r.payment_record_id)).await;
    assert_eq!(statuses(&got)[0].2, 3);
    assert_eq!(statuses(&got)[0].3, "2");
    s.advance(DAY).await;
    let got = call(&s, &get_record(&r.payment_record_id)).await;
    assert_eq!(
        (statuses(&got)[0].2, statuses(&got)[0].3.as_str()),
        (4, "3")
    );
    s.advance(DAY).await;
    assert_eq!(s.ledger(&order_ref).await.len(), 3, "no fourth try");
    assert!(
        s.ledger(&order_ref)
            .await
            .iter()
            .all(|e| e["state"] == "REFUSED" && e["resultCode"] == "01100")
    );
}

#[tokio::test]
async fn disable_update_and_billing_records() {
    let s = TestSandbox::start().await;
    let wallet = new_wallet(&s, "upd").await;
    let today = sandbox_today(&s).await;
    let order_ref = unique_ref("o");
    let start = today + Duration::days(1);
    let mut rec = recurring(1_000, 20, None);
    rec.start_date = Some(day(start).parse().expect("date"));
    let r = call(
        &s,
        &recurrent(&wallet, &order_ref, 1_000, Mode::REC, rec, today),
    )
    .await;
    assert_eq!(
        code(&r),
        "02506",
        "an open-ended schedule outlives any card"
    );
    let id = r.payment_record_id.clone();
    assert_eq!(r.billing_record_list.billing_record.len(), 1);
    assert_eq!(r.billing_record_list.billing_record[0].status.code(), 0);

    // Weekly: three weeks → start, +7, +14 billed; the next one waits.
    s.advance(15 * DAY).await;
    let got = call(&s, &get_record(&id)).await;
    assert_eq!(statuses(&got).iter().filter(|r| r.2 == 1).count(), 3);
    assert_eq!(statuses(&got).last().map(|r| r.2), Some(0));

    // newAmount from a date on; billingLeft 5 ends the schedule.
    let from = start + Duration::days(21);
    let upd = UpdatePaymentRecordRequest {
        version: Some("34".into()),
        contract_number: CONTRACT.into(),
        payment_record_id: id.clone(),
        recurring: payline_protocol::objects::RecurringForUpdate {
            billing_left: Some("5".into()),
            billing_day: None,
            end_date: None,
            new_amount: Amount::from_minor(1_500),
            amount_modification_date: Some(format!("{} 00:00", day(from)).parse().expect("date")),
        },
    };
    assert_eq!(code(&call(&s, &upd).await), "02500");
    s.advance(30 * DAY).await;
    let got = call(&s, &get_record(&id)).await;
    assert_eq!(
        statuses(&got)
            .iter()
            .map(|r| (r.1, r.2))
            .collect::<Vec<_>>(),
        vec![(1_000, 1), (1_000, 1), (1_000, 1), (1_500, 1), (1_500, 1)]
    );

    // getBillingRecord / updateBillingRecord on a second record.
    let r2 = call(
        &s,
        &recurrent(
            &wallet,
            &unique_ref("o"),
            2_000,
            Mode::REC,
            recurring(1_000, 40, Some(2)),
            sandbox_today(&s).await,
        ),
    )
    .await;
    let id2 = r2.payment_record_id.clone();
    // billingRecordId: the rank.
    let second = "2".to_owned();
    let upd_b = UpdateBillingRecordRequest {
        contract_number: CONTRACT.into(),
        payment_record_id: id2.clone(),
        billing_record_id: second.clone(),
        billing_record_for_update: BillingRecordForUpdate {
            amount: Amount::from_minor(777),
            ..Default::default()
        },
    };
    let ub = call(&s, &upd_b).await;
    assert_eq!(code(&ub), "02500");
    assert_eq!(
        ub.billing_record.as_ref().map(|b| b.amount.minor()),
        Some(777)
    );
    let gb = call(
        &s,
        &GetBillingRecordRequest {
            contract_number: CONTRACT.into(),
            payment_record_id: id2.clone(),
            billing_record_id: second.clone(),
        },
    )
    .await;
    assert_eq!(code(&gb), "02500");
    assert_eq!(
        gb.billing_record
            .as_ref()
            .map(|b| (b.amount.minor(), b.status.code(), b.rank.clone())),
        Some((777, 0, Some("2".into())))
    );
    // The paid first record cannot be changed.
    let mut paid = upd_b.clone();
    paid.billing_record_id = "1".into();
    assert_eq!(code(&call(&s, &paid).await), "02509");

    // disablePaymentRecord: nothing more is billed; twice → 02508.
    let dis = DisablePaymentRecordRequest {
        contract_number: CONTRACT.into(),
        payment_record_id: id2.clone(),
    };
    assert_eq!(code(&call(&s, &dis).await), "02500");
    assert_eq!(code(&call(&s, &dis).await), "02508");
    assert_eq!(code(&call(&s, &upd_b).await), "02508");
    s.advance(60 * DAY).await;
    let got = call(&s, &get_record(&id2)).await;
    assert_eq!(got.is_disabled.as_deref(), Some("1"));
    assert_eq!(
        statuses(&got).iter().map(|r| r.2).collect::<Vec<_>>(),
        vec![1, 0]
    );
    assert_eq!(code(&call(&s, &get_record("999999999999")).await), "02507");
    let unknown = DisablePaymentRecordRequest {
        contract_number: CONTRACT.into(),
        payment_record_id: "1".into(),
    };
    assert_eq!(code(&call(&s, &unknown).await), "02507");
}

#[tokio::test]
async fn scheduled_wallet_payment_runs_on_its_date() {
    let s = TestSandbox::start().await;
    let wallet = new_wallet(&s, "sch").await;
    let today = sandbox_today(&s).await;
    let order_ref = unique_ref("o");
    let mut p = payment(4_000, 101, CONTRACT);
    p.mode = Mode::CPT;
    let req = DoScheduledWalletPaymentRequest {
        version: "34".into(),
        payment: p,
        order_ref: Some(order_ref.clone()),
        order_date: None,
        scheduled_date: day(today + Duration::days(10)).parse().expect("date"),
        wallet_id: wallet.clone(),
        card_ind: None,
        order: None,
        recurring: None,
        authentication_3d_secure: None,
        private_data_list: None,
        media: None,
        sub_merchant: None,
        linked_transaction_id: None,
    };
    let r = call(&s, &req).await;
    assert_eq!(code(&r), "02500");
    s.advance(9 * DAY).await;
    assert!(s.ledger(&order_ref).await.is_empty());
    s.advance(DAY).await;
    let ledger = s.ledger(&order_ref).await;
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0]["amount"], 4_000);
    // After the card's expiry: 02506, nothing created.
    let mut late = req.clone();
    late.scheduled_date = day(today + Duration::days(4 * 365)).parse().expect("date");
    assert_eq!(code(&call(&s, &late).await), "02506");
    let mut nx = req.clone();
    nx.payment.mode = Mode::NX;
    assert_eq!(code(&call(&s, &nx).await), "02308");
}

#[tokio::test]
async fn card_type_not_accepted_on_the_contract_is_refused_02541() {
    let mut config = payline_sandbox::Config::default();
    for m in &mut config.merchants {
        for c in &mut m.contracts {
            if c.number == CONTRACT_NO_REAUTH {
                c.brands = vec!["CB".into()];
            }
        }
    }
    let s = TestSandbox::start_with(config, payline_sandbox::DbLocation::Memory).await;
    let wallet = unique_ref("mc");
    let mc = {
        let mut c = wallet_card("5130000000000010", &future_expiry());
        c.r#type = "MASTERCARD".parse().expect("type");
        c
    };
    assert_eq!(code(&call(&s, &create(&wallet, mc)).await), "02500");
    let today = sandbox_today(&s).await;
    let mut req = recurrent(
        &wallet,
        &unique_ref("o"),
        3_000,
        Mode::NX,
        recurring(1_000, 40, Some(3)),
        today,
    );
    req.payment.contract_number = Some(CONTRACT_NO_REAUTH.into());
    assert_eq!(code(&call(&s, &req).await), "02541");
    req.payment.contract_number = Some("0000000".into());
    assert_eq!(code(&call(&s, &req).await), "02303");
    let mut pay = immediate(&wallet, &unique_ref("o"), 1_000, Mode::CPT);
    pay.payment.contract_number = Some(CONTRACT_NO_REAUTH.into());
    assert_eq!(code(&call(&s, &pay).await), "02541");
}
