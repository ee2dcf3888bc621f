//! Building wallet and payment-record requests.

use payline_protocol::messages::*;
use payline_protocol::objects::{Card, Recurring, Wallet, WalletIdList};
use payline_protocol::values::{Amount, BillingCycle, Mode};

use crate::common::*;
use crate::soapkit::*;

pub fn wallet_card(pan: &str, exp: &str) -> Card {
    let mut c = card_by_number(pan, "CB", Some("123"));
    c.expiration_date = Some(exp.parse().expect("exp"));
    c
}

pub fn create(wallet_id: &str, card: Card) -> CreateWalletRequest {
    let mut w = Wallet::new(wallet_id, card);
    w.last_name = Some("Martin".into());
    w.first_name = Some("Ada".into());
    CreateWalletRequest::new(CONTRACT, w)
}

pub fn update(wallet_id: &str, card_ind: Option<&str>, card: Card) -> UpdateWalletRequest {
    let mut req = UpdateWalletRequest::new(CONTRACT, Wallet::new(wallet_id, card));
    req.card_ind = card_ind.map(str::to_owned);
    req
}

pub fn empty_card() -> Card {
    let mut c = card_by_number("0", "CB", None);
    c.number = None;
    c.expiration_date = None;
    c
}

pub fn get(wallet_id: &str, card_ind: Option<&str>) -> GetWalletRequest {
    let mut req = GetWalletRequest::new(CONTRACT, wallet_id);
    req.card_ind = card_ind.map(str::to_owned);
    req
}

pub fn disable(ids: &[&str], card_ind: Option<&str>) -> DisableWalletRequest {
    DisableWalletRequest {
        contract_number: CONTRACT.into(),
        card_ind: card_ind.map(str::to_owned),
        wallet_id_list: WalletIdList {
            wallet_id: ids.iter().map(|s| (*s).to_owned()).collect(),
        },
    }
}

pub fn enable(id: &str) -> EnableWalletRequest {
    EnableWalletRequest {
        contract_number: CONTRACT.into(),
        card_ind: None,
        wallet_id: id.into(),
    }
}

pub fn immediate(
    wallet_id: &str,
    order_ref: &str,
    amount: u64,
    mode: Mode,
) -> DoImmediateWalletPaymentRequest {
    let mut p = payment(amount, 101, CONTRACT);
    p.mode = mode;
    DoImmediateWalletPaymentRequest::new(p, order(order_ref, amount), wallet_id)
}

pub fn recurring(amount: u64, cycle: u8, left: Option<u32>) -> Recurring {
    let mut r = Recurring::new(
        Amount::from_minor(amount).expect("amount"),
        format!("{cycle}").parse::<BillingCycle>().expect("cycle"),
    );
    r.billing_left = left.map(|l| l.to_string()).unwrap_or_default();
    r
}

/// `dd/mm/yyyy` of a date.
pub fn day(d: time::Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year())
}

pub fn recurrent(
    wallet_id: &str,
    order_ref: &str,
    total: u64,
    mode: Mode,
    rec: Recurring,
    scheduled: time::Date,
) -> DoRecurrentWalletPaymentRequest {
    let mut p = payment(total, 101, CONTRACT);
    p.mode = mode;
    DoRecurrentWalletPaymentRequest {
        version: "34".into(),
        payment: p,
        order_ref: order_ref.into(),
        order_date: "25/11/2026 10:00".parse().expect("date"),
        scheduled_date: day(scheduled).parse().expect("scheduled"),
        wallet_id: wallet_id.into(),
        card_ind: None,
        cvx: None,
        recurring: rec,
        private_data_list: None,
        order: None,
        media: None,
        authentication_3d_secure: None,
        linked_transaction_id: None,
    }
}

pub fn get_record(id: &str) -> GetPaymentRecordRequest {
    GetPaymentRecordRequest {
        version: "34".into(),
        contract_number: CONTRACT.into(),
        payment_record_id: id.into(),
    }
}

/// The sandbox's current date.
pub async fn sandbox_today(s: &TestSandbox) -> time::Date {
    let v = s
        .http
        .get(s.url("/sandbox/clock"))
        .basic_auth(MERCHANT, Some(ACCESS_KEY))
        .send()
        .await
        .expect("clock")
        .json::<serde_json::Value>()
        .await
        .expect("json");
    let now = time::OffsetDateTime::parse(
        v["now"].as_str().expect("now"),
        &time::format_description::well_known::Rfc3339,
    )
    .expect("rfc3339");
    now.date()
}

/// MMYY of the month `months` after `d`.
pub fn expiry_after(d: time::Date, months: i32) -> String {
    let index = d.year() * 12 + i32::from(u8::from(d.month())) - 1 + months;
    format!("{:02}{:02}", index % 12 + 1, (index / 12) % 100)
}

/// Creates a wallet with the test card (expiring in two years); returns its id.
pub async fn new_wallet(s: &TestSandbox, prefix: &str) -> String {
    let id = unique_ref(prefix);
    let r = call(s, &create(&id, wallet_card(CARD, &future_expiry()))).await;
    assert_eq!(code(&r), "02500", "createWallet");
    id
}
