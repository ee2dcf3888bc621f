//! Customers and saved cards against the embedded sandbox (customers-and-saved-cards
//! contract): a card saved from an authorized payment into the customer's Payline wallet,
//! several cards per customer, paying with a saved card (3-D Secure included), merchant-
//! initiated charges with an Idempotency-Key, deletion, expiry, and every refusal.

use serde_json::{Value, json};

use crate::support::{
    self, ADMIN, Sandbox, Server, client, ledger, pay, pay_body, run_challenge, sqlite_url, status,
    tokenize,
};

const NOT_ENROLLED: &str = "4970101122334455";
const CHALLENGE: &str = "4970105181818183";
const MASTERCARD: &str = "5130000000000010";
/// Refused by the bank (sandbox: `…0002`-style refusal card).
const AMOUNT_REFUSED: u64 = 33305;

async fn session_for(s: &Server, customer: &str, save: &str, amount: u64) -> Value {
    support::create_session(
        s,
        json!({"amount": amount, "currency": "EUR",
               "customer": {"id": customer, "email": "jean@example.test", "firstName": "Jean", "lastName": "Dupont"},
               "saveCard": save}),
    )
    .await
}

/// Pays the session with a new card, ticking "save this card" when `tick`.
async fn pay_new(cs: &Value, pan: &str, exp: &str, tick: Option<bool>, key: &str) -> (u16, Value) {
    let blob = tokenize(&cs["tokenizer"], pan, exp, Some("123"))
        .await
        .unwrap();
    let mut body = pay_body(&blob, key);
    if let Some(t) = tick {
        body["saveCard"] = json!(t);
    }
    pay(cs, &body).await
}

fn saved_body(card: &str, key: &str) -> Value {
    let mut b = pay_body("", key);
    let o = b.as_object_mut().unwrap();
    o.remove("tokenData");
    o.remove("brand");
    o.remove("holder");
    o.insert("savedCard".into(), json!(card));
    b
}

async fn cards(s: &Server, customer: &str) -> (u16, Value) {
    let r = client()
        .get(format!("{}/api/customers/{customer}/cards", s.url))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

async fn charge(s: &Server, customer: &str, card: &str, key: &str, body: Value) -> (u16, Value) {
    let r = client()
        .post(format!(
            "{}/api/customers/{customer}/cards/{card}/charges",
            s.url
        ))
        .bearer_auth(ADMIN)
        .header("idempotency-key", key)
        .json(&body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

fn txs(l: &Value) -> Vec<Value> {
    l.as_array()
        .or_else(|| l["transactions"].as_array())
        .cloned()
        .unwrap_or_default()
}

/// Saves `pan` for `customer` through a checkout (with its 3-D Secure challenge when the card
/// asks for one); returns the saved card.
async fn save_card(sb: &Sandbox, s: &Server, customer: &str, pan: &str, exp: &str) -> Value {
    let cs = session_for(s, customer, "offer", 1500).await;
    let (st, v) = pay_new(&cs, pan, exp, Some(true), &format!("save-{pan}")).await;
    assert_eq!(st, 200, "{v}");
    if v["status"] == "challenge" {
        run_challenge(sb, &v, Some("1234")).await;
        let st = status(&cs).await;
        assert_eq!(st["status"], "authorized", "{st}");
        return st["payment"]["savedCard"].clone();
    }
    assert_eq!(v["status"], "authorized", "{v}");
    v["savedCard"].clone()
}

#[tokio::test]
async fn a_ticked_card_is_saved_from_the_payment_and_offered_next_time() {
    let (sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let cs = session_for(&s, "cust-1", "offer", 2599).await;
    // A customer without cards: the session offers saving and lists nothing yet.
    assert_eq!(cs["saveCard"], "offer");
    assert_eq!(cs["savedCards"], json!([]));
    let (st, v) = pay_new(&cs, NOT_ENROLLED, "1230", Some(true), "k1").await;
    assert_eq!((st, v["status"].as_str()), (200, Some("authorized")), "{v}");
    let card = &v["savedCard"];
    assert!(card["cardId"].as_str().unwrap().starts_with("card_"), "{v}");
    assert_eq!(card["brand"], "CB");
    assert_eq!(card["last4"], "4455");
    assert_eq!(card["expiry"], "1230");
    // The shop's list and the next session show it, not expired.
    let (st, list) = cards(&s, "cust-1").await;
    assert_eq!(st, 200);
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["cardId"], card["cardId"]);
    assert_eq!(list[0]["expired"], false);
    let next = session_for(&s, "cust-1", "offer", 990).await;
    assert_eq!(next["savedCards"][0]["cardId"], card["cardId"]);
    // The wallet was made from the payment's transaction: no second card check at the gateway
    // under the order reference, exactly one authorization.
    assert_eq!(
        txs(&ledger(&sb, cs["orderRef"].as_str().unwrap()).await).len(),
        1
    );
}

#[tokio::test]
async fn nothing_is_saved_unless_the_session_offers_it_and_the_buyer_ticks_it() {
    let (_sb, s) = support::start_with_sandbox(sqlite_url()).await;
    // Offered, not ticked.
    let cs = session_for(&s, "cust-2", "offer", 2599).await;
    let (_, v) = pay_new(&cs, NOT_ENROLLED, "1230", Some(false), "k1").await;
    assert_eq!(v["status"], "authorized");
    assert!(v.get("savedCard").is_none(), "{v}");
    // Ticked, but the session does not offer it.
    let cs = session_for(&s, "cust-2", "never", 2599).await;
    let (_, v) = pay_new(&cs, NOT_ENROLLED, "1230", Some(true), "k2").await;
    assert_eq!(v["status"], "authorized");
    assert!(v.get("savedCard").is_none(), "{v}");
    assert_eq!(cards(&s, "cust-2").await.1, json!([]));
    // `always`: saved without the box (the shop's terms say so).
    let cs = session_for(&s, "cust-2", "always", 2599).await;
    let (_, v) = pay_new(&cs, NOT_ENROLLED, "1230", None, "k3").await;
    assert_eq!(v["savedCard"]["last4"], "4455", "{v}");
    assert_eq!(cards(&s, "cust-2").await.1.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_refused_payment_saves_no_card() {
    let (_sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let cs = session_for(&s, "cust-3", "always", AMOUNT_REFUSED).await;
    let (_, v) = pay_new(&cs, NOT_ENROLLED, "1230", None, "k1").await;
    assert_eq!(v["status"], "refused", "{v}");
    assert_eq!(cards(&s, "cust-3").await.1, json!([]));
    let row: (String,) = sqlx::query_as("SELECT status FROM saved_cards")
        .fetch_one(s.state.store().pool())
        .await
        .unwrap();
    assert_eq!(row.0, "discarded");
}

#[tokio::test]
async fn several_cards_go_in_one_wallet_at_their_own_index() {
    let (sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let a = save_card(&sb, &s, "cust-4", NOT_ENROLLED, "1230").await;
    let b = save_card(&sb, &s, "cust-4", MASTERCARD, "1129").await;
    assert_ne!(a["cardId"], b["cardId"]);
    assert_eq!(b["last4"], "0010");
    let (_, list) = cards(&s, "cust-4").await;
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["cardId"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [a["cardId"].as_str().unwrap(), b["cardId"].as_str().unwrap()]
    );
    let inds: Vec<(i64,)> = sqlx::query_as("SELECT card_ind FROM saved_cards ORDER BY card_ind")
        .fetch_all(s.state.store().pool())
        .await
        .unwrap();
    assert_eq!(inds, [(1,), (2,)]);
    // Both pay: each is its own card at the gateway.
    for (c, key) in [(&a, "pa"), (&b, "pb")] {
        let cs = session_for(&s, "cust-4", "never", 700).await;
        let (st, v) = pay(&cs, &saved_body(c["cardId"].as_str().unwrap(), key)).await;
        assert_eq!((st, v["status"].as_str()), (200, Some("authorized")), "{v}");
        assert_eq!(v["savedCard"]["cardId"], c["cardId"]);
    }
}

#[tokio::test]
async fn a_saved_card_pays_with_a_3ds_challenge_like_a_new_card() {
    let (sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let card = save_card(&sb, &s, "cust-5", CHALLENGE, "1230").await;
    let cs = session_for(&s, "cust-5", "never", 4200).await;
    let (st, v) = pay(&cs, &saved_body(card["cardId"].as_str().unwrap(), "c1")).await;
    assert_eq!((st, v["status"].as_str()), (200, Some("challenge")), "{v}");
    run_challenge(&sb, &v, Some("1234")).await;
    let st = status(&cs).await;
    assert_eq!(st["status"], "authorized", "{st}");
    assert_eq!(st["payment"]["amount"], 4200);
    assert_eq!(st["payment"]["threeDS"]["version"], "2", "{st}");
    // The gateway recorded a wallet payment authenticated by 3-D Secure.
    let l = txs(&ledger(&sb, cs["orderRef"].as_str().unwrap()).await);
    assert_eq!(l.len(), 1, "{l:?}");
    assert_eq!(l[0]["amount"], 4200);
}

#[tokio::test]
async fn a_failed_challenge_on_a_saved_card_authorizes_nothing() {
    let (sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let card = save_card(&sb, &s, "cust-6", CHALLENGE, "1230").await;
    let cs = session_for(&s, "cust-6", "never", 4200).await;
    let (_, v) = pay(&cs, &saved_body(card["cardId"].as_str().unwrap(), "c1")).await;
    assert_eq!(v["status"], "challenge");
    run_challenge(&sb, &v, None).await;
    assert_eq!(status(&cs).await["status"], "refused");
    assert!(
        txs(&ledger(&sb, cs["orderRef"].as_str().unwrap()).await)
            .iter()
            .all(|t| t["state"] != "AUTHORIZED")
    );
}

#[tokio::test]
async fn merchant_initiated_charges_are_idempotent_and_need_no_buyer() {
    let (sb, s) = support::start_with_sandbox(sqlite_url()).await;
    // A card that always asks for a challenge when the buyer is there: a merchant-initiated
    // charge links to its first payment and is not authenticated.
    let card = save_card(&sb, &s, "cust-7", CHALLENGE, "1230").await;
    let id = card["cardId"].as_str().unwrap();
    let body = json!({"amount": 1299, "currency": "EUR", "orderRef": "SUB-2027-01"});
    let (st, p) = charge(&s, "cust-7", id, "mit-1", body.clone()).await;
    assert_eq!(st, 201, "{p}");
    assert_eq!(p["status"], "authorized", "{p}");
    assert_eq!(p["amount"], 1299);
    assert_eq!(p["savedCardId"], id);
    assert_eq!(p["orderRef"], "SUB-2027-01");
    // Same key: same answer, no second charge.
    let (st2, p2) = charge(&s, "cust-7", id, "mit-1", body.clone()).await;
    assert_eq!((st2, &p2["id"]), (201, &p["id"]));
    assert_eq!(txs(&ledger(&sb, "SUB-2027-01").await).len(), 1);
    // Same key, another body: refused, nothing charged.
    let (st3, e) = charge(
        &s,
        "cust-7",
        id,
        "mit-1",
        json!({"amount": 5, "currency": "EUR"}),
    )
    .await;
    assert_eq!(
        (st3, e["error"]["code"].as_str()),
        (409, Some("idempotency_key_reused")),
        "{e}"
    );
    // The payment is a normal one for the back office: capture it.
    let r = client()
        .post(format!(
            "{}/api/payments/{}/capture",
            s.url,
            p["id"].as_str().unwrap()
        ))
        .bearer_auth(ADMIN)
        .header("idempotency-key", "cap-1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    // Without the key: 400, nothing done.
    let r = client()
        .post(format!("{}/api/customers/cust-7/cards/{id}/charges", s.url))
        .bearer_auth(ADMIN)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn a_deleted_card_is_gone_for_payments_and_charges() {
    let (sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let card = save_card(&sb, &s, "cust-8", NOT_ENROLLED, "1230").await;
    let id = card["cardId"].as_str().unwrap();
    let del = || async {
        client()
            .delete(format!("{}/api/customers/cust-8/cards/{id}", s.url))
            .bearer_auth(ADMIN)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(del().await, 204);
    // Idempotent.
    assert_eq!(del().await, 204);
    assert_eq!(cards(&s, "cust-8").await.1, json!([]));
    let cs = session_for(&s, "cust-8", "never", 500).await;
    assert_eq!(cs["savedCards"], json!([]));
    let (st, v) = pay(&cs, &saved_body(id, "d1")).await;
    assert_eq!(st, 404, "{v}");
    let (st, _) = charge(
        &s,
        "cust-8",
        id,
        "d2",
        json!({"amount": 100, "currency": "EUR", "orderRef": "DEL-1"}),
    )
    .await;
    assert_eq!(st, 404);
    // Disabled at the gateway too: nothing was charged.
    assert!(txs(&ledger(&sb, "DEL-1").await).is_empty());
}

#[tokio::test]
async fn an_expired_card_is_shown_expired_and_refused_before_the_gateway() {
    let (sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let card = save_card(&sb, &s, "cust-9", NOT_ENROLLED, "1226").await;
    let id = card["cardId"].as_str().unwrap();
    // The server's clock moves past December 2026.
    s.clock.advance(10_000_000_000);
    let (_, list) = cards(&s, "cust-9").await;
    assert_eq!(list[0]["expired"], true, "{list}");
    let cs = session_for(&s, "cust-9", "never", 500).await;
    assert_eq!(cs["savedCards"][0]["expired"], true);
    let (st, v) = pay(&cs, &saved_body(id, "e1")).await;
    assert_eq!(st, 409, "{v}");
    assert_eq!(v["error"]["code"], "card_expired");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("12/2026"),
        "{v}"
    );
    let (st, v) = charge(
        &s,
        "cust-9",
        id,
        "e2",
        json!({"amount": 100, "currency": "EUR", "orderRef": "EXP-1"}),
    )
    .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (409, Some("card_expired"))
    );
    assert!(txs(&ledger(&sb, "EXP-1").await).is_empty());
    // The session is still open for a new card.
    assert_eq!(status(&cs).await["status"], "open");
}

#[tokio::test]
async fn bad_input_and_other_customers_cards_change_nothing() {
    let (sb, s) = support::start_with_sandbox(sqlite_url()).await;
    let card = save_card(&sb, &s, "alice", NOT_ENROLLED, "1230").await;
    let id = card["cardId"].as_str().unwrap();
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
    for (body, code) in [
        (
            json!({"amount": 1, "currency": "EUR", "customer": {"id": "a/b"}}),
            "invalid_customer",
        ),
        (
            json!({"amount": 1, "currency": "EUR", "customer": {"id": ""}}),
            "invalid_customer",
        ),
        (
            json!({"amount": 1, "currency": "EUR", "customer": {"id": "x".repeat(51)}}),
            "invalid_customer",
        ),
        (
            json!({"amount": 1, "currency": "EUR", "customer": {"id": "c", "email": "nope"}}),
            "invalid_customer",
        ),
        (
            json!({"amount": 1, "currency": "EUR", "saveCard": "offer"}),
            "customer_required",
        ),
        (
            json!({"amount": 1, "currency": "EUR", "customer": {"id": "c"}, "saveCard": "sometimes"}),
            "invalid_save_card",
        ),
        (
            json!({"amount": 1, "currency": "EUR", "customer": {"id": "c", "admin": true}}),
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
    // Bob cannot pay with Alice's card, nor can the shop charge it as Bob's.
    let cs = session_for(&s, "bob", "never", 500).await;
    let (st, _) = pay(&cs, &saved_body(id, "x1")).await;
    assert_eq!(st, 404);
    let (st, _) = charge(
        &s,
        "bob",
        id,
        "x2",
        json!({"amount": 100, "currency": "EUR"}),
    )
    .await;
    assert_eq!(st, 404);
    // A session without a customer has no saved cards.
    let anon = support::create_session(&s, json!({"amount": 500, "currency": "EUR"})).await;
    assert!(anon.get("savedCards").is_none());
    let (st, _) = pay(&anon, &saved_body(id, "x3")).await;
    assert_eq!(st, 404);
    // A saved card and a token at once, or a saved card with "save this card": 400.
    let mut both = saved_body(id, "x4");
    both["tokenData"] = json!("abc");
    let (st, v) = pay(&cs, &both).await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (400, Some("invalid_body")),
        "{v}"
    );
    // Unknown customer, no admin token.
    assert_eq!(cards(&s, "nobody").await.0, 404);
    let r = client()
        .get(format!("{}/api/customers/alice/cards", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = client()
        .get(format!("{}/api/customers/alice/cards", s.url))
        .bearer_auth(cs["clientSecret"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // Hostile charge bodies.
    for body in [
        json!({"amount": -1, "currency": "EUR"}),
        json!({"amount": "12", "currency": "EUR"}),
        json!({"amount": 100, "currency": "EURO"}),
        json!({"amount": 100, "currency": "EUR", "extra": 1}),
    ] {
        let (st, _) = charge(&s, "alice", id, "h1", body).await;
        assert_eq!(st, 400);
    }
    // Nothing of the above touched Alice's card.
    assert_eq!(cards(&s, "alice").await.1.as_array().unwrap().len(), 1);
    assert_eq!(status(&cs).await["status"], "open");
}

#[tokio::test]
async fn a_save_that_meets_a_gateway_outage_is_finished_by_the_reconciler() {
    let sb = support::start_sandbox().await;
    let proxy = support::fault_proxy(&sb.url).await;
    let s = support::start(support::Opts {
        gateway_base: Some(proxy.url.clone()),
        sandbox_mode: true,
        ..support::Opts::default()
    })
    .await;
    let cs = session_for(&s, "cust-10", "always", 2599).await;
    let tk = support::at_sandbox(&sb, &cs["tokenizer"]);
    let blob = tokenize(&tk, NOT_ENROLLED, "1230", Some("123"))
        .await
        .unwrap();
    // createWallet is processed by the gateway, but its answer never arrives.
    *proxy.drop_action.lock().unwrap() = Some("createWallet");
    let (st, v) = pay(&cs, &pay_body(&blob, "k1")).await;
    assert_eq!((st, v["status"].as_str()), (200, Some("authorized")), "{v}");
    assert!(v.get("savedCard").is_none(), "not saved yet: {v}");
    assert_eq!(cards(&s, "cust-10").await.1, json!([]));
    // The gateway is back; the reconciler's round finishes the save: the wallet exists
    // already (the lost createWallet), so the card is written again at its index, not twice.
    *proxy.drop_action.lock().unwrap() = None;
    s.clock.advance(120_000);
    payment_server::background::run_once(&s.state)
        .await
        .unwrap();
    let (_, list) = cards(&s, "cust-10").await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["last4"], "4455");
    let calls: Vec<String> = proxy
        .requests
        .lock()
        .unwrap()
        .iter()
        .map(|(a, _)| a.clone())
        .collect();
    assert_eq!(
        calls.iter().filter(|a| a.contains("createWallet")).count(),
        2,
        "{calls:?}"
    );
    assert!(
        calls.iter().any(|a| a.contains("updateWallet")),
        "{calls:?}"
    );
}

#[tokio::test]
async fn a_charge_whose_answer_is_lost_is_reconciled_never_sent_twice() {
    let sb = support::start_sandbox().await;
    let proxy = support::fault_proxy(&sb.url).await;
    let s = support::start(support::Opts {
        gateway_base: Some(proxy.url.clone()),
        sandbox_mode: true,
        ..support::Opts::default()
    })
    .await;
    let cs = session_for(&s, "cust-11", "always", 2599).await;
    let tk = support::at_sandbox(&sb, &cs["tokenizer"]);
    let blob = tokenize(&tk, NOT_ENROLLED, "1230", Some("123"))
        .await
        .unwrap();
    let (_, v) = pay(&cs, &pay_body(&blob, "k1")).await;
    let id = v["savedCard"]["cardId"].as_str().unwrap().to_owned();
    *proxy.drop_action.lock().unwrap() = Some("doImmediateWalletPayment");
    let body = json!({"amount": 1299, "currency": "EUR", "orderRef": "LOST-1"});
    let (st, p) = charge(&s, "cust-11", &id, "m1", body.clone()).await;
    assert_eq!((st, p["status"].as_str()), (202, Some("unknown")), "{p}");
    // A retry with the same key sends nothing.
    *proxy.drop_action.lock().unwrap() = None;
    let (st, p2) = charge(&s, "cust-11", &id, "m1", body).await;
    assert_eq!((st, &p2["id"]), (202, &p["id"]));
    // The reconciler finds the authorization the gateway made.
    s.clock.advance(120_000);
    payment_server::background::run_once(&s.state)
        .await
        .unwrap();
    let now = support::payment(&s, p["id"].as_str().unwrap()).await;
    assert_eq!(now["status"], "authorized", "{now}");
    assert_eq!(txs(&ledger(&sb, "LOST-1").await).len(), 1);
    let sent = proxy
        .requests
        .lock()
        .unwrap()
        .iter()
        .filter(|(a, _)| a.contains("doImmediateWalletPayment"))
        .count();
    assert_eq!(sent, 1);
}

#[tokio::test]
async fn saved_cards_work_on_postgresql() {
    let pg = support::pg::PgCluster::start();
    let (sb, s) = support::start_with_sandbox(pg.url.clone()).await;
    let card = save_card(&sb, &s, "pg-cust", NOT_ENROLLED, "1230").await;
    let second = save_card(&sb, &s, "pg-cust", MASTERCARD, "1129").await;
    assert_eq!(cards(&s, "pg-cust").await.1.as_array().unwrap().len(), 2);
    let cs = session_for(&s, "pg-cust", "never", 800).await;
    let (_, v) = pay(&cs, &saved_body(card["cardId"].as_str().unwrap(), "p1")).await;
    assert_eq!(v["status"], "authorized", "{v}");
    let (st, p) = charge(
        &s,
        "pg-cust",
        second["cardId"].as_str().unwrap(),
        "p2",
        json!({"amount": 100, "currency": "EUR"}),
    )
    .await;
    assert_eq!((st, p["status"].as_str()), (201, Some("authorized")), "{p}");
}

#[tokio::test]
async fn a_card_disabled_at_the_gateway_stops_being_offered_after_the_wallet_notification() {
    use payline_protocol::client::{ClientConfig, PaylineClient};
    use payline_protocol::messages::DisableWalletRequest;
    use payline_protocol::objects::WalletIdList;
    let (sb, s) = support::start_with_sandbox(sqlite_url()).await;
    save_card(&sb, &s, "cust-12", NOT_ENROLLED, "1230").await;
    let (wallet,): (String,) =
        sqlx::query_as("SELECT wallet_id FROM customers WHERE id = 'cust-12'")
            .fetch_one(s.state.store().pool())
            .await
            .unwrap();
    let notify = |wallet: String| {
        let url = format!("{}/payline/notify", s.url);
        async move {
            client()
                .get(url)
                .query(&[
                    ("notificationType", "WALLET"),
                    ("walletId", wallet.as_str()),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    // A notification alone changes nothing: the gateway still has the card.
    assert_eq!(notify(wallet.clone()).await, 200);
    assert_eq!(cards(&s, "cust-12").await.1.as_array().unwrap().len(), 1);
    // Disabled in the gateway's administration centre, then notified.
    let gw = PaylineClient::new(
        ClientConfig::new(
            &sb.url,
            payment_server::config::sandbox_merchant::MERCHANT_ID.to_owned(),
            payline_protocol::secret::Secret::new(
                payment_server::config::sandbox_merchant::ACCESS_KEY,
            ),
        )
        .unwrap(),
    )
    .unwrap();
    let mut req = DisableWalletRequest::new(
        payment_server::config::sandbox_merchant::CONTRACT.to_owned(),
        WalletIdList {
            wallet_id: vec![wallet.clone()],
        },
    );
    req.card_ind = Some("1".into());
    let res = gw.call(&req).await.unwrap();
    assert_eq!(res.result.code.as_str(), "02500");
    assert_eq!(notify(wallet).await, 200);
    assert_eq!(cards(&s, "cust-12").await.1, json!([]));
    // Someone else's wallet id: ignored.
    assert_eq!(notify("W-not-ours".into()).await, 200);
}
