//! One doAuthorization (authorization + capture, 25.99 EUR) against a Payline endpoint.
//!
//! Run with:
//!
//! ```text
//! cargo run -p payline-protocol --features client --example do_authorization
//! ```
//!
//! By default it calls the sandbox at `http://127.0.0.1:8081` with the sandbox's built-in
//! merchant. Set `PAYLINE_ENDPOINT` (a bare origin or a services base such as
//! `https://homologation.payline.com/V4/services/`), `PAYLINE_MERCHANT_ID`,
//! `PAYLINE_ACCESS_KEY` and `PAYLINE_CONTRACT` to call another one; `PAYLINE_CARD`,
//! `PAYLINE_EXPIRY` (MMYY), `PAYLINE_CVV` and `PAYLINE_AMOUNT` (minor units) change the payment.

#![allow(clippy::print_stdout, reason = "an example reports on stdout")]

use std::time::{SystemTime, UNIX_EPOCH};

use payline_protocol::client::{ClientConfig, PaylineClient};
use payline_protocol::messages::{DoAuthorizationRequest, Operation};
use payline_protocol::objects::{Card, Order, Payment};
use payline_protocol::secret::Secret;
use payline_protocol::values::{
    Action, Amount, CardExpiry, CardType, Currency, Date, DateTimeMinutes, Mode, outcome,
};

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = env_or("PAYLINE_ENDPOINT", "http://127.0.0.1:8081");
    let merchant_id = env_or("PAYLINE_MERCHANT_ID", "12345678901234");
    let access_key = Secret::new(env_or("PAYLINE_ACCESS_KEY", "SANDBOXACCESSKEY0001"));
    let contract = env_or("PAYLINE_CONTRACT", "1234567");

    let amount: Amount = env_or("PAYLINE_AMOUNT", "2599").parse()?;
    let mut payment = Payment::new(Currency::EUR, Action::AUTHORIZATION_AND_CAPTURE, Mode::CPT);
    payment.amount = Some(amount);
    payment.contract_number = Some(contract);

    let mut card = Card::new(CardType::CB);
    card.number = Some(Secret::new(env_or("PAYLINE_CARD", "4970100000000154")));
    card.expiration_date = Some(env_or("PAYLINE_EXPIRY", "1230").parse::<CardExpiry>()?);
    card.cvx = Some(Secret::new(env_or("PAYLINE_CVV", "123")));

    let (now, unix_secs) = now_utc()?;
    let mut order = Order::new(amount, Currency::EUR, now);
    // Payline checks duplicates on the order reference: a fresh one per run.
    order.r#ref = format!("EXAMPLE-{unix_secs}");

    let request = DoAuthorizationRequest::new(payment, card, order);
    let client = PaylineClient::new(ClientConfig::new(&endpoint, merchant_id, access_key)?)?;
    println!(
        "doAuthorization {} at {}",
        request.order.r#ref,
        client.config().base_url()
    );

    match client.do_authorization(&request).await {
        Ok(response) => {
            let code = response.result.code;
            println!("result.code   {}", code.as_str());
            println!(
                "outcome       {:?}",
                outcome(Operation::DoAuthorization, code)
            );
            if let Some(message) = &response.result.long_message {
                println!("message       {message}");
            }
            println!("transaction   {}", response.transaction.id);
            println!("authorization {}", response.authorization.number);
            Ok(())
        }
        Err(err) if err.needs_reconciliation() => {
            // The payment may exist: look it up by order reference before trying again.
            println!(
                "outcome unknown, reconcile order {}: {err}",
                request.order.r#ref
            );
            Err(err.into())
        }
        Err(err) => Err(err.into()),
    }
}

/// The current UTC time as Payline's `dd/mm/yyyy HH:mm` order date, and the Unix time.
fn now_utc() -> Result<(DateTimeMinutes, u64), Box<dyn std::error::Error>> {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let days = i64::try_from(secs / 86_400)?;
    // Days since 1970-01-01 to a civil date (H. Hinnant, "chrono-Compatible Low-Level Date
    // Algorithms", civil_from_days).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let minute_of_day = (secs % 86_400) / 60;
    let date = Date::new(
        u16::try_from(year)?,
        u8::try_from(month)?,
        u8::try_from(day)?,
    )
    .ok_or("date out of range")?;
    let time = DateTimeMinutes::new(
        date,
        u8::try_from(minute_of_day / 60)?,
        u8::try_from(minute_of_day % 60)?,
    )
    .ok_or("time out of range")?;
    Ok((time, secs))
}
