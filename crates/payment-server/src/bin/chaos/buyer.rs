//! One buyer's checkout, as the browser module and the shop backend drive it: create the
//! session, tokenize at the gateway, pay, follow the 3DS Method and challenge steps, retry like a
//! browser (same idempotency key) when an answer is lost, and try another card after a refusal.

use std::time::Duration;

use rand::Rng;
use rand::rngs::StdRng;
use serde_json::{Value, json};

use crate::Ctx;
use crate::web::{Reply, backoff, fields_of, form_of, send, send_text};

/// Origin of the simulated checkout page (in the server's ALLOWED_ORIGINS).
pub const CHECKOUT_ORIGIN: &str = "http://shop.chaos.test";

/// How long a buyer keeps trying one attempt before closing the page.
const PATIENCE: Duration = Duration::from_secs(30);

/// Test cards of the sandbox (its README), by what they do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Card {
    /// verifyEnrollment `03001`: authorized without 3-D Secure.
    NotEnrolled,
    /// `03102`: frictionless authentication.
    Frictionless,
    /// `03101`: challenge at the ACS.
    Challenge,
    /// `03100`: 3DS Method round, then frictionless.
    Method,
    /// Refused by the bank (`01206`).
    Refused,
}

impl Card {
    fn pan(self) -> &'static str {
        match self {
            Self::NotEnrolled => "4970101122334455",
            Self::Frictionless => "4970107111111119",
            Self::Challenge => "4970105181818183",
            Self::Method => "4970100000000113",
            Self::Refused => "4970103469012066",
        }
    }

    /// Name in reports (never the number).
    pub fn name(self) -> &'static str {
        match self {
            Self::NotEnrolled => "not-enrolled",
            Self::Frictionless => "frictionless",
            Self::Challenge => "challenge",
            Self::Method => "3ds-method",
            Self::Refused => "refused",
        }
    }

    fn pick(rng: &mut StdRng) -> Self {
        match rng.random_range(0..100) {
            0..35 => Self::NotEnrolled,
            35..55 => Self::Frictionless,
            55..80 => Self::Challenge,
            80..86 => Self::Method,
            _ => Self::Refused,
        }
    }
}

/// A created checkout session, as the shop backend got it.
#[derive(Debug, Clone)]
pub struct Session {
    /// `cs_…`.
    pub id: String,
    secret: String,
    /// Order reference of attempt 1 (attempt n pays under `<base>-<n>`).
    pub base: String,
    /// Minor units.
    pub amount: i64,
    pay_url: String,
    status_url: String,
    tokenizer: Value,
}

/// How the buyer's checkout ended, as the buyer saw it.
#[derive(Debug, Clone, Default)]
pub enum Outcome {
    /// The session could not be created.
    #[default]
    NotCreated,
    /// Authorized.
    Authorized {
        /// The payment.
        payment_id: String,
    },
    /// Refused and the buyer stopped (or had no attempt left).
    Refused,
    /// The buyer closed the page in the middle of a challenge.
    WalkedAway,
    /// No answer could be had within the buyer's patience.
    GaveUp,
}

/// One back-office request and what it got.
#[derive(Debug, Clone)]
pub struct Op {
    /// `capture`, `refund` or `cancel`.
    pub kind: &'static str,
    /// Its idempotency key.
    pub key: String,
    /// Amount asked (cancel: none).
    pub amount: Option<i64>,
    /// Last HTTP status (`None`: never answered).
    pub status: Option<u16>,
}

/// Everything one simulated checkout did.
#[derive(Debug, Clone, Default)]
pub struct Checkout {
    /// Its number in the run.
    pub index: usize,
    /// Order references sent at session creation; a creation whose answer was lost leaves a
    /// session the buyer never saw, and its reference is checked at the gateway all the same.
    pub bases: Vec<String>,
    /// The session the buyer used.
    pub session: Option<Session>,
    /// The end.
    pub outcome: Outcome,
    /// Cards tried, in order.
    pub cards: Vec<&'static str>,
    /// Back-office requests.
    pub ops: Vec<Op>,
}

/// What a pay-like answer says, or that there is none usable.
#[derive(Debug)]
enum Step {
    Authorized {
        pid: String,
    },
    Refused {
        retry: Option<Value>,
    },
    Method {
        pid: String,
        url: String,
        fields: Value,
    },
    Challenge {
        pid: String,
        url: String,
        fields: Value,
    },
    TooManyAttempts,
    Expired,
    /// No decisive answer: ask the status URL.
    Unresolved,
}

fn step_of(v: &Value) -> Step {
    let pid = v["paymentId"].as_str().unwrap_or_default().to_owned();
    match v["status"].as_str() {
        Some("authorized") => Step::Authorized { pid },
        Some("refused") => Step::Refused {
            retry: v.get("retry").map(|r| r["tokenizer"].clone()),
        },
        Some("method") => Step::Method {
            pid,
            url: str_of(v, "url"),
            fields: v["fields"].clone(),
        },
        Some("challenge") => Step::Challenge {
            pid,
            url: str_of(v, "url"),
            fields: v["fields"].clone(),
        },
        _ => Step::Unresolved,
    }
}

fn str_of(v: &Value, k: &str) -> String {
    v[k].as_str().unwrap_or_default().to_owned()
}

/// Runs checkout `index`: creates its session, then pays until authorized, refused for good,
/// or out of patience.
pub async fn checkout(ctx: &Ctx, index: usize, rng: &mut StdRng) -> Checkout {
    let mut rec = Checkout {
        index,
        ..Checkout::default()
    };
    // 10.00 to 300.00: clear of the sandbox's 333.xx amounts that pick a bank answer.
    let amount = rng.random_range(1_000..=30_000);
    let Some(session) = create_session(ctx, index, amount, &mut rec).await else {
        return rec;
    };
    rec.session = Some(session.clone());
    let mut tokenizer = direct_tokenizer(ctx, &session.tokenizer);
    let mut card = Card::pick(rng);
    // A few buyers close the page at the challenge: only the server's 3-D Secure timeout can
    // end those attempts.
    let walks_away = rng.random_bool(0.03);
    for attempt in 1..=5u32 {
        rec.cards.push(card.name());
        let Some(blob) = tokenize(ctx, &tokenizer, card).await else {
            ctx.anomaly(format!("checkout {index}: tokenizer gave no blob"));
            rec.outcome = Outcome::GaveUp;
            return rec;
        };
        let key = format!("pay-{index}-{attempt}-{:08x}", rng.random::<u32>());
        // A buyer waits so long on one attempt, then closes the page, whatever is in flight.
        let end = match tokio::time::timeout(
            PATIENCE,
            drive(ctx, &session, &blob, &key, rng, walks_away),
        )
        .await
        {
            Ok(step) => step,
            Err(_) => Step::Unresolved,
        };
        match end {
            Step::Authorized { pid } => {
                rec.outcome = Outcome::Authorized { payment_id: pid };
                return rec;
            }
            Step::Refused { retry: Some(tk) } if tk.is_object() && rng.random_bool(0.7) => {
                tokenizer = direct_tokenizer(ctx, &tk);
                // After a refusal most buyers take another card.
                card = if card == Card::Refused && rng.random_bool(0.7) {
                    [Card::NotEnrolled, Card::Frictionless, Card::Challenge][rng.random_range(0..3)]
                } else {
                    Card::pick(rng)
                };
            }
            Step::Refused { .. } | Step::TooManyAttempts | Step::Expired => {
                rec.outcome = Outcome::Refused;
                return rec;
            }
            Step::Challenge { .. } => {
                rec.outcome = Outcome::WalkedAway;
                return rec;
            }
            Step::Method { .. } | Step::Unresolved => {
                rec.outcome = Outcome::GaveUp;
                return rec;
            }
        }
    }
    rec.outcome = Outcome::Refused;
    rec
}

/// Session creation by the shop backend. A lost answer is retried under a new order
/// reference: the reference is unique, and the lost session may exist.
async fn create_session(
    ctx: &Ctx,
    index: usize,
    amount: i64,
    rec: &mut Checkout,
) -> Option<Session> {
    for k in 0..8u32 {
        // No '-' in the base: attempt references are `<base>-<n>`.
        let base = format!("co{index}r{k}");
        rec.bases.push(base.clone());
        let rb = ctx
            .http
            .post(format!("{}/api/checkout-sessions", ctx.server))
            .bearer_auth(crate::ADMIN_TOKEN)
            .json(&json!({ "amount": amount, "currency": "EUR", "orderRef": base }));
        match send(rb).await {
            Reply::Http(201, v) => {
                return Some(Session {
                    id: str_of(&v, "id"),
                    secret: str_of(&v, "clientSecret"),
                    base,
                    amount,
                    pay_url: str_of(&v, "payUrl"),
                    status_url: str_of(&v, "statusUrl"),
                    tokenizer: v["tokenizer"].clone(),
                });
            }
            r if r.retryable() => backoff(k).await,
            Reply::Http(s, v) => {
                ctx.anomaly(format!(
                    "checkout {index}: session creation answered {s} {v}"
                ));
                return None;
            }
            Reply::Transport => backoff(k).await,
        }
    }
    None
}

/// The browser reaches the tokenizer at the gateway itself, not through the server's path to
/// it (the fault proxy sits only between the server and the gateway).
fn direct_tokenizer(ctx: &Ctx, tk: &Value) -> Value {
    let mut t = tk.clone();
    t["url"] = json!(format!("{}/webpayment/getToken", ctx.sandbox));
    t
}

async fn tokenize(ctx: &Ctx, tk: &Value, card: Card) -> Option<String> {
    let form = [
        ("data", tk["data"].as_str().unwrap_or_default()),
        (
            "accessKeyRef",
            tk["accessKeyRef"].as_str().unwrap_or_default(),
        ),
        ("cardNumber", card.pan()),
        ("cardExpirationDate", "1230"),
        ("cardCvx", "123"),
    ];
    for t in 0..3 {
        if let Some((200, body)) = send_text(
            ctx.http
                .post(tk["url"].as_str().unwrap_or_default())
                .form(&form),
        )
        .await
        {
            return body.strip_prefix("data=").map(str::to_owned);
        }
        backoff(t).await;
    }
    None
}

fn pay_body(blob: &str, key: &str) -> Value {
    json!({
        "tokenData": blob, "brand": "CB", "holder": "Jeanne Chaos",
        "browser": {"colorDepth": 24, "screenWidth": 1920, "screenHeight": 1080, "timeZoneOffset": -60,
                    "language": "fr-FR", "javaEnabled": false, "userAgent": "Mozilla/5.0 chaos", "challengeWindowSize": "05"},
        "threeDS": {"mode": "iframe"},
        "idempotencyKey": key,
    })
}

/// One attempt from pay to a decisive step: follows method and challenge steps and falls back
/// on the status URL whenever an answer is lost. Returns `Challenge` only for a buyer who
/// walked away.
async fn drive(
    ctx: &Ctx,
    s: &Session,
    blob: &str,
    key: &str,
    rng: &mut StdRng,
    walks_away: bool,
) -> Step {
    let mut step = pay(ctx, s, blob, key).await;
    // Bounded: a buyer's patience, and no loop on a server that keeps answering the same step.
    for _ in 0..8 {
        step = match step {
            Step::Method { pid, url, fields } => {
                run_method(ctx, &url, &fields).await;
                continue_after_method(ctx, s, &pid).await
            }
            Step::Challenge { pid, url, fields } => {
                if walks_away {
                    return Step::Challenge { pid, url, fields };
                }
                let code = match rng.random_range(0..10) {
                    0 => Some("0000"),
                    1 => None,
                    _ => Some("1234"),
                };
                run_challenge(ctx, &url, &fields, code).await;
                resolve(ctx, s, blob, key).await
            }
            Step::Unresolved => resolve(ctx, s, blob, key).await,
            decisive => return decisive,
        };
        if matches!(step, Step::Unresolved) {
            return step;
        }
    }
    step
}

/// POST pay, retried with the same key and blob as a browser retries after a lost answer.
async fn pay(ctx: &Ctx, s: &Session, blob: &str, key: &str) -> Step {
    let body = pay_body(blob, key);
    for t in 0..5u32 {
        let rb = ctx
            .http
            .post(&s.pay_url)
            .bearer_auth(&s.secret)
            .header("origin", CHECKOUT_ORIGIN)
            .json(&body);
        let r = send(rb).await;
        match &r {
            Reply::Http(200, v) => return step_of(v),
            Reply::Http(409, _)
                if matches!(
                    r.error_code(),
                    "payment_in_progress" | "idempotency_key_in_use"
                ) => {}
            // Load shedding, not a verdict on the payment: a browser tries again later.
            Reply::Http(429, _) if r.error_code() == "rate_limited" => {}
            // The blob is spent, the attempt moved on, or the session is already paid: the
            // status URL tells what happened.
            Reply::Http(409, _) => return Step::Unresolved,
            Reply::Http(429, _) => return Step::TooManyAttempts,
            Reply::Http(410, _) => return Step::Expired,
            r if r.retryable() => {}
            Reply::Http(st, v) => {
                ctx.anomaly(format!("pay answered {st} {}", v["error"]["code"]));
                return Step::Unresolved;
            }
            Reply::Transport => {}
        }
        backoff(t).await;
    }
    Step::Unresolved
}

/// The status URL, until it says something decisive; a payment left waiting for a 3-D Secure
/// step the buyer can no longer see is abandoned (the page's challenge timeout), and one whose
/// outcome is unknown gets the pay retried with the same key (which settles it first).
async fn resolve(ctx: &Ctx, s: &Session, blob: &str, key: &str) -> Step {
    let mut repaid = 0;
    for round in 0..16u32 {
        if let Some(v) = status(ctx, s).await {
            let payment = &v["payment"];
            let pid = payment["paymentId"].as_str().unwrap_or_default().to_owned();
            match v["status"].as_str() {
                Some("authorized") => return Step::Authorized { pid },
                Some("refused") => {
                    return Step::Refused {
                        retry: v.get("retry").map(|r| r["tokenizer"].clone()),
                    };
                }
                Some("expired") => return Step::Expired,
                Some("open") if repaid < 2 => {
                    // Nothing took effect: the browser sends the same pay again.
                    repaid += 1;
                    let step = pay(ctx, s, blob, key).await;
                    if !matches!(step, Step::Unresolved) {
                        return step;
                    }
                }
                // The pay keeps not taking effect: the page shows an error.
                Some("open") => return Step::Unresolved,
                Some("processing") => match payment["status"].as_str() {
                    Some("pending_3ds") if round >= 2 && !pid.is_empty() => {
                        if let Some(step) = abandon(ctx, s, &pid).await {
                            return step;
                        }
                    }
                    Some("unknown") if round % 4 == 3 && repaid < 3 => {
                        repaid += 1;
                        let step = pay(ctx, s, blob, key).await;
                        if !matches!(step, Step::Unresolved) {
                            return step;
                        }
                    }
                    _ => {}
                },
                _ => {}
            }
        }
        tokio::time::sleep(Duration::from_millis(300 + 100 * u64::from(round))).await;
    }
    Step::Unresolved
}

async fn status(ctx: &Ctx, s: &Session) -> Option<Value> {
    for t in 0..6u32 {
        match send(ctx.http.get(&s.status_url).bearer_auth(&s.secret)).await {
            Reply::Http(200, v) => return Some(v),
            r if r.retryable() => backoff(t).await,
            Reply::Http(st, v) => {
                ctx.anomaly(format!("status answered {st} {}", v["error"]["code"]));
                return None;
            }
            Reply::Transport => backoff(t).await,
        }
    }
    None
}

async fn abandon(ctx: &Ctx, s: &Session, pid: &str) -> Option<Step> {
    let url = format!("{}/abandon", s.pay_url.trim_end_matches("/pay"));
    for t in 0..4u32 {
        let rb = ctx
            .http
            .post(&url)
            .bearer_auth(&s.secret)
            .header("origin", CHECKOUT_ORIGIN)
            .json(&json!({ "paymentId": pid }));
        match send(rb).await {
            Reply::Http(200, v) => return Some(step_of(&v)),
            r if r.retryable() => backoff(t).await,
            _ => return None,
        }
    }
    None
}

/// The hidden 3DS Method iframe: posts the method data to the ACS, then its auto-posting page
/// on to the server's notification URL.
async fn run_method(ctx: &Ctx, url: &str, fields: &Value) {
    let Some((_, page)) = send_text(ctx.http.post(url).form(&fields_of(fields))).await else {
        return;
    };
    let Some((action, hidden)) = form_of(&page) else {
        return;
    };
    if action.starts_with("http") {
        let _ = send_text(ctx.http.post(action).form(&hidden)).await;
    }
}

/// `/continue` after the method. It has no idempotency key: a lost answer is followed by the
/// status URL, not by a second continue.
async fn continue_after_method(ctx: &Ctx, s: &Session, pid: &str) -> Step {
    let url = format!("{}/continue", s.pay_url.trim_end_matches("/pay"));
    let rb = ctx
        .http
        .post(url)
        .bearer_auth(&s.secret)
        .header("origin", CHECKOUT_ORIGIN)
        .json(&json!({ "paymentId": pid, "methodCompleted": true }));
    match send(rb).await {
        Reply::Http(200, v) => step_of(&v),
        _ => Step::Unresolved,
    }
}

/// The challenge iframe: the ACS page, the code (or Cancel), then the ACS's auto-post to the
/// server's return URL, posted again if the server was down.
async fn run_challenge(ctx: &Ctx, url: &str, fields: &Value, code: Option<&str>) {
    let Some((_, page)) = send_text(ctx.http.post(url).form(&fields_of(fields))).await else {
        return;
    };
    let Some((action, mut hidden)) = form_of(&page) else {
        return;
    };
    match code {
        Some(c) => {
            hidden.push(("code".into(), c.into()));
            hidden.push(("action".into(), "submit".into()));
        }
        None => hidden.push(("action".into(), "cancel".into())),
    }
    let action = if action.starts_with("http") {
        action
    } else {
        format!("{}{action}", ctx.sandbox)
    };
    let Some((_, auto)) = send_text(ctx.http.post(action).form(&hidden)).await else {
        return;
    };
    let Some((ret, fields)) = form_of(&auto) else {
        return;
    };
    for t in 0..6u32 {
        if send_text(ctx.http.post(&ret).form(&fields))
            .await
            .is_some_and(|(st, _)| st < 500)
        {
            return;
        }
        backoff(t).await;
    }
}
