//! The money-safety invariants, checked against the gateway's ledger (the sandbox's
//! `/sandbox/transactions`), not against what the server believes.

use std::collections::HashMap;

use serde_json::Value;

use crate::Ctx;
use crate::buyer::Checkout;
use crate::web::{Reply, backoff, send};

/// Payment statuses in which the server holds the authorization as its own.
const OWNED: [&str; 4] = ["authorized", "captured", "partially_refunded", "refunded"];
/// Final payment statuses; any other (`processing`, `unknown`, `pending_3ds`, or a pending
/// state the server may add) is not a decision.
const DECIDED: [&str; 6] = [
    "authorized",
    "captured",
    "partially_refunded",
    "refunded",
    "cancelled",
    "refused",
];
/// Session statuses that are not `processing` (nor a state the server may add).
const SETTLED_SESSION: [&str; 4] = ["open", "authorized", "refused", "expired"];
/// Ledger states of an authorization that holds no money.
const DEAD: [&str; 3] = ["CANCELLED", "REFUSED", "EXPIRED"];
/// Attempt references checked per session: `<base>`, then `<base>-2` … `<base>-6` (one past
/// the server's five attempts, so that an attempt it should never have made is seen too).
const LAST_ATTEMPT: u32 = 6;

/// Which invariant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Two live authorizations for one checkout.
    Double,
    /// The server reports money the gateway does not hold for it.
    Lost,
    /// A live authorization the server does not own.
    Orphan,
    /// A payment still undecided after the deadline.
    Undecided,
    /// Captures or refunds beyond their limits, amounts that disagree, or one key applied twice.
    BackOffice,
}

impl Kind {
    /// Name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Self::Double => "double",
            Self::Lost => "lost",
            Self::Orphan => "orphan",
            Self::Undecided => "undecided",
            Self::BackOffice => "back-office",
        }
    }
}

/// One broken invariant.
#[derive(Debug, Clone)]
pub struct Violation {
    /// Which.
    pub kind: Kind,
    /// Session id (or what stands for it).
    pub session: String,
    /// The order reference concerned.
    pub order_ref: String,
    /// What is wrong.
    pub detail: String,
}

/// What the server reports at the end.
#[derive(Debug, Default)]
pub struct ServerView {
    /// Session status by session id.
    pub sessions: HashMap<String, String>,
    /// The payment (admin view) by session id.
    pub payments: HashMap<String, Value>,
}

/// Reads the server's view of every session the buyers created; `None` while the server does
/// not answer.
pub async fn server_view(ctx: &Ctx, checkouts: &[Checkout]) -> Option<ServerView> {
    let mut view = ServerView::default();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{}/api/payments?limit=200", ctx.server);
        if let Some(c) = &cursor {
            url.push_str("&cursor=");
            url.push_str(c);
        }
        let v = admin_get(ctx, &url).await?;
        for p in v["items"].as_array().into_iter().flatten() {
            if let Some(sid) = p["sessionId"].as_str() {
                view.payments.insert(sid.to_owned(), p.clone());
            }
        }
        match v["nextCursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    for s in checkouts.iter().filter_map(|c| c.session.as_ref()) {
        let v = admin_get(
            ctx,
            &format!("{}/api/checkout-sessions/{}", ctx.server, s.id),
        )
        .await?;
        view.sessions.insert(
            s.id.clone(),
            v["status"].as_str().unwrap_or_default().to_owned(),
        );
    }
    Some(view)
}

async fn admin_get(ctx: &Ctx, url: &str) -> Option<Value> {
    for t in 0..8u32 {
        match send(ctx.http.get(url).bearer_auth(crate::ADMIN_TOKEN)).await {
            Reply::Http(200, v) => return Some(v),
            _ => backoff(t).await,
        }
    }
    None
}

/// Sessions the server has not decided yet.
pub fn undecided(view: &ServerView, checkouts: &[Checkout]) -> Vec<Violation> {
    let mut out = Vec::new();
    for s in checkouts.iter().filter_map(|c| c.session.as_ref()) {
        let session_status = view
            .sessions
            .get(&s.id)
            .map(String::as_str)
            .unwrap_or("missing");
        let p = view.payments.get(&s.id);
        let payment_status = p.and_then(|p| p["status"].as_str()).unwrap_or("none");
        let payment_decided = p.is_none() || DECIDED.contains(&payment_status);
        if !SETTLED_SESSION.contains(&session_status) || !payment_decided {
            let order_ref = p
                .and_then(|p| p["orderRef"].as_str())
                .unwrap_or(&s.base)
                .to_owned();
            out.push(Violation {
                kind: Kind::Undecided,
                session: s.id.clone(),
                order_ref,
                detail: format!("session {session_status}, payment {payment_status}"),
            });
        }
    }
    out
}

/// Figures of the final state.
#[derive(Debug, Default, Clone, Copy)]
pub struct Figures {
    /// Sessions the server reports authorized (whatever happened to the payment since).
    pub authorized: usize,
    /// Sessions refused or expired.
    pub refused: usize,
    /// Sessions still open (a buyer who never got a pay through).
    pub open: usize,
}

/// Every invariant, for every session and every order reference the run created.
pub async fn check(
    ctx: &Ctx,
    view: &ServerView,
    checkouts: &[Checkout],
) -> Result<(Vec<Violation>, Figures), String> {
    let mut violations = undecided(view, checkouts);
    let mut figures = Figures::default();
    for c in checkouts {
        let known = c.session.as_ref();
        for base in &c.bases {
            let entries = ledger_of(ctx, base).await?;
            match known.filter(|s| &s.base == base) {
                Some(s) => {
                    match view.sessions.get(&s.id).map(String::as_str) {
                        Some("authorized") => figures.authorized += 1,
                        Some("refused" | "expired") => figures.refused += 1,
                        Some("open") => figures.open += 1,
                        _ => {}
                    }
                    session_invariants(
                        &s.id,
                        view.payments.get(&s.id),
                        &entries,
                        c,
                        &mut violations,
                    );
                }
                // A session whose creation answer was lost: nobody could pay on it.
                None => {
                    for l in live(&entries) {
                        violations.push(Violation {
                            kind: Kind::Orphan,
                            session: format!("(unseen session {base})"),
                            order_ref: str_of(l, "orderRef"),
                            detail: format!(
                                "live authorization {} on a session no buyer saw",
                                str_of(l, "id")
                            ),
                        });
                    }
                }
            }
        }
    }
    Ok((violations, figures))
}

fn str_of(v: &Value, k: &str) -> String {
    v[k].as_str().unwrap_or_default().to_owned()
}

fn is(e: &Value, kind: &str) -> bool {
    e["type"].as_str() == Some(kind) && e["accepted"].as_bool() == Some(true)
}

fn live(entries: &[Value]) -> impl Iterator<Item = &Value> {
    entries.iter().filter(|e| {
        is(e, "AUTHORIZATION") && !DEAD.contains(&e["state"].as_str().unwrap_or_default())
    })
}

fn session_invariants(
    sid: &str,
    payment: Option<&Value>,
    entries: &[Value],
    c: &Checkout,
    out: &mut Vec<Violation>,
) {
    let status = payment.and_then(|p| p["status"].as_str()).unwrap_or("none");
    let txn = payment
        .and_then(|p| p["transactionId"].as_str())
        .unwrap_or_default();
    let owned = OWNED.contains(&status);
    let live: Vec<&Value> = live(entries).collect();
    let describe = |l: &[&Value]| {
        l.iter()
            .map(|e| {
                format!(
                    "{} {} ({})",
                    str_of(e, "orderRef"),
                    str_of(e, "id"),
                    str_of(e, "state")
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let v = |kind, order_ref: String, detail: String| Violation {
        kind,
        session: sid.to_owned(),
        order_ref,
        detail,
    };
    if live.len() > 1 {
        out.push(v(
            Kind::Double,
            str_of(live[0], "orderRef"),
            format!("{} live authorizations: {}", live.len(), describe(&live)),
        ));
    }
    if owned {
        let matching = live
            .iter()
            .filter(|e| e["id"].as_str() == Some(txn))
            .count();
        if matching != 1 {
            let order_ref = payment.map(|p| str_of(p, "orderRef")).unwrap_or_default();
            out.push(v(
                Kind::Lost,
                order_ref,
                format!(
                    "server reports {status} on transaction {txn}; live at the gateway: [{}]",
                    describe(&live)
                ),
            ));
        }
    }
    for l in &live {
        if !(owned && l["id"].as_str() == Some(txn)) {
            out.push(v(
                Kind::Orphan,
                str_of(l, "orderRef"),
                format!(
                    "live authorization {} ({}, {}) not owned: server payment {status}{}",
                    str_of(l, "id"),
                    str_of(l, "state"),
                    l["amount"],
                    if txn.is_empty() {
                        String::new()
                    } else {
                        format!(" on {txn}")
                    }
                ),
            ));
        }
    }
    let Some(p) = payment else { return };
    if !(owned || status == "cancelled") {
        return;
    }
    let Some(auth) = entries
        .iter()
        .find(|e| is(e, "AUTHORIZATION") && e["id"].as_str() == Some(txn))
    else {
        return;
    };
    let order_ref = str_of(auth, "orderRef");
    let follows = |kind: &str| -> Vec<&Value> {
        entries
            .iter()
            .filter(|e| is(e, kind) && e["originalId"].as_str() == Some(txn))
            .collect()
    };
    let sum = |l: &[&Value]| {
        l.iter()
            .filter(|e| e["state"].as_str() != Some("CANCELLED"))
            .map(|e| e["amount"].as_i64().unwrap_or(0))
            .sum::<i64>()
    };
    let (captures, refunds) = (follows("CAPTURE"), follows("REFUND"));
    let (captured, refunded) = (sum(&captures), sum(&refunds));
    let authorized = auth["amount"].as_i64().unwrap_or(0);
    if captured > authorized {
        out.push(v(
            Kind::BackOffice,
            order_ref.clone(),
            format!("captured {captured} > authorized {authorized}"),
        ));
    }
    if refunded > captured {
        out.push(v(
            Kind::BackOffice,
            order_ref.clone(),
            format!("refunded {refunded} > captured {captured}"),
        ));
    }
    let (sc, sr) = (
        p["capturedAmount"].as_i64().unwrap_or(-1),
        p["refundedAmount"].as_i64().unwrap_or(-1),
    );
    if sc != captured || sr != refunded {
        out.push(v(
            Kind::BackOffice,
            order_ref.clone(),
            format!("server reports captured {sc} refunded {sr} ({status}); the gateway has captured {captured} refunded {refunded}"),
        ));
    }
    // Amounts are distinct per payment, so each entry names its key.
    for op in c.ops.iter().filter(|o| o.kind != "cancel") {
        let list = if op.kind == "capture" {
            &captures
        } else {
            &refunds
        };
        let n = list
            .iter()
            .filter(|e| e["amount"].as_i64() == op.amount)
            .count();
        if n > 1 {
            out.push(v(
                Kind::BackOffice,
                order_ref.clone(),
                format!(
                    "{} key {}: {n} {}s of {:?} at the gateway",
                    op.kind, op.key, op.kind, op.amount
                ),
            ));
        }
    }
}

/// The ledger entries of every attempt reference of a base order reference.
async fn ledger_of(ctx: &Ctx, base: &str) -> Result<Vec<Value>, String> {
    let mut all = Vec::new();
    for n in 1..=LAST_ATTEMPT {
        let r = if n == 1 {
            base.to_owned()
        } else {
            format!("{base}-{n}")
        };
        let url = format!("{}/sandbox/transactions?orderRef={r}", ctx.sandbox);
        let rb = ctx
            .http
            .get(url)
            .basic_auth(crate::SANDBOX_MERCHANT, Some(crate::SANDBOX_KEY));
        match send(rb).await {
            Reply::Http(200, Value::Array(a)) => all.extend(a),
            other => return Err(format!("sandbox ledger for {r}: {other:?}")),
        }
    }
    Ok(all)
}
