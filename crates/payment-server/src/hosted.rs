//! The hosted payment page (hosted-page contract): the buyer pays on the gateway's own page
//! (Payline WebPaymentAPI, doWebPayment) instead of the checkout page's card form.
//!
//! ```text
//!  shop ── POST /api/checkout-sessions {mode: "hosted", returnUrl} ──▶ intent stored ── doWebPayment ─▶
//!       ◀── {…, redirectUrl} ──────────────────────────────────── token + page URL stored ◀──
//!  buyer ── redirectUrl ─▶ gateway's page ── pays / cancels ──▶ GET /hosted/return/{session}
//!                                              getWebPaymentDetails(stored token) ─▶ outcome stored
//!  buyer ◀── 303 returnUrl?cardCaptureSession={id} ──
//!  gateway ── GET /payline/notify?notificationType=WEBTRS&token=… ─▶ the same reading, idempotent
//!  reconciler ── page still open: getWebPaymentDetails (or getTransactionDetails by order
//!               reference when the token was never stored) until the web session expires
//! ```
//!
//! The page is attempt 1 of the session's payment, in the attempt state `hosted`
//! ([`crate::machine`]): every outcome goes through [`repo::apply_attempt`], so the payment,
//! the session, the operation journal and the shop webhook change in one transaction, with a
//! compare-and-set on the attempt, exactly as for a direct checkout. Nothing the browser or the
//! notification carries is ever read as an outcome: the return route and the notification only
//! say "look now", and the answer comes from the gateway for the token this server stored.

use payline_protocol::Operation;
use payline_protocol::messages::{
    DoWebPaymentRequest, DoWebPaymentResponse, GetWebPaymentDetailsRequest,
    GetWebPaymentDetailsResponse,
};
use payline_protocol::objects::{Order, PaylineResult, Payment as PPayment};
use payline_protocol::values::{Action, Amount, Currency, Mode, Outcome, ReturnCode, outcome};
use serde_json::{Value, json};
use sqlx::any::AnyRow;

use crate::checkout::{self, Lookup};
use crate::error::{AppError, Result};
use crate::gateway::{GatewayError, HasResult, code_message};
use crate::machine::{self, Decision, Event};
use crate::model::AttemptStatus;
use crate::repo::{self, AttemptData, AttemptRef, AttemptRow};
use crate::sessions::Session;
use crate::state::AppState;
use crate::store::{int, opt_text, text};

impl HasResult for DoWebPaymentResponse {
    fn result(&self) -> &PaylineResult {
        &self.result
    }
}

impl HasResult for GetWebPaymentDetailsResponse {
    fn result(&self) -> &PaylineResult {
        &self.result
    }
}

/// The `mode` of a hosted checkout session.
pub const MODE: &str = "hosted";

/// How long the gateway keeps a web payment session usable after doWebPayment, as this server
/// assumes it (the sandbox's sessions last 15 minutes). A page with a stored token is closed only
/// when the gateway itself reports it expired (getWebPaymentDetails `02324` / `02534`); this
/// value bounds the cases without that answer: a page whose token was never stored is closed
/// when its order reference still shows nothing past it plus the grace window, and a refused
/// page is watched until then.
pub const WEB_SESSION_VALIDITY_MS: i64 = 15 * 60 * 1000;

/// When the reconciler first looks at a page nobody came back from: after the buyer had a
/// fair chance to finish, so that an ordinary checkout costs no extra gateway call (the return
/// or the notification reads the outcome first).
pub const FIRST_CHECK_MS: i64 = 60 * 1000;

/// The stored page of a hosted session.
#[derive(Debug, Clone)]
pub struct HostedPage {
    /// Checkout session.
    pub session_id: String,
    /// Its payment.
    pub payment_id: String,
    /// Payline order reference of the page.
    pub order_ref: String,
    /// `intent` (doWebPayment about to be or being sent) or `created` (token stored).
    pub status: String,
    /// Web session token (doWebPayment's answer).
    pub token: Option<String>,
    /// The gateway's page.
    pub redirect_url: Option<String>,
    /// When doWebPayment was sent, Unix ms.
    pub sent_at: i64,
    /// When the web session stops being usable, Unix ms.
    pub web_expires_at: i64,
}

impl HostedPage {
    fn from_row(r: &AnyRow) -> std::result::Result<Self, sqlx::Error> {
        Ok(Self {
            session_id: text(r, "session_id")?,
            payment_id: text(r, "payment_id")?,
            order_ref: text(r, "order_ref")?,
            status: text(r, "status")?,
            token: opt_text(r, "token")?,
            redirect_url: opt_text(r, "redirect_url")?,
            sent_at: int(r, "sent_at")?,
            web_expires_at: int(r, "web_expires_at")?,
        })
    }
}

/// The hosted page of a session, if it is a hosted session.
pub async fn load(state: &AppState, session_id: &str) -> Result<Option<HostedPage>> {
    let r = sqlx::query("SELECT * FROM hosted_pages WHERE session_id = $1")
        .bind(session_id)
        .fetch_optional(state.store().pool())
        .await?;
    Ok(r.as_ref().map(HostedPage::from_row).transpose()?)
}

/// The hosted page whose web session has this token.
pub async fn by_token(state: &AppState, token: &str) -> Result<Option<HostedPage>> {
    let r = sqlx::query("SELECT * FROM hosted_pages WHERE token = $1")
        .bind(token)
        .fetch_optional(state.store().pool())
        .await?;
    Ok(r.as_ref().map(HostedPage::from_row).transpose()?)
}

/// Reads the `mode` of a session request: `None` or `"direct"` for the checkout page's own form,
/// `"hosted"` for the gateway's page, which needs a `returnUrl` on one of `ALLOWED_ORIGINS`
/// (the buyer is sent there after the page; anything else would make the return route an
/// open redirect, OWASP "Unvalidated Redirects and Forwards").
pub fn requested(state: &AppState, mode: Option<&str>, return_url: Option<&str>) -> Result<bool> {
    match mode {
        None | Some("direct") => Ok(false),
        Some(MODE) => match return_url {
            Some(u) if checkout::on_allowed_origin(state, u) => Ok(true),
            _ => Err(AppError::invalid(
                "invalid_return_url",
                "a hosted session needs a returnUrl on an allowed origin",
            )),
        },
        Some(_) => Err(AppError::invalid(
            "invalid_mode",
            "mode must be direct or hosted",
        )),
    }
}

/// What a hosted session does not take yet: saving the card (`saveCard` other than `never`)
/// needs the wallet on the gateway's page (doWebPayment `buyer.walletId`), which is not wired
/// here; refusing it is better than a shop believing a card was kept. A `customer` alone is
/// recorded on the session as for a direct checkout.
pub fn check_options(hosted: bool, save_card: crate::model::SaveCard) -> Result<()> {
    // The buyer cannot tick the shop's "save this card" box on the gateway's page: a hosted
    // session saves the card when the shop's terms say so (`always`, as a schedule implies),
    // from the page's authorized payment, as a direct checkout does.
    if hosted && save_card == crate::model::SaveCard::Offer {
        return Err(AppError::invalid(
            "invalid_mode",
            "a hosted session cannot offer saving the card (the buyer is on the gateway's page): use saveCard always",
        ));
    }
    Ok(())
}

/// A hosted session takes no `pay`: the card is entered on the gateway's page (409).
pub async fn refuse_pay(state: &AppState, session_id: &str) -> Result<()> {
    if load(state, session_id).await?.is_some() {
        return Err(AppError::conflict(
            "hosted_session",
            "this checkout session is paid on the gateway's hosted page, not through pay",
        ));
    }
    Ok(())
}

fn payline_amount(minor: i64) -> Result<Amount> {
    u64::try_from(minor)
        .ok()
        .and_then(Amount::from_minor)
        .ok_or_else(|| AppError::Internal("stored amount".into()))
}

/// Opens the gateway's page for a session just created and adds `mode` and `redirectUrl` to its
/// creation answer.
///
/// The intent (payment, attempt 1 in `hosted`, the page row in `intent`, the session taken) is
/// committed before doWebPayment is sent, and the token and page URL in one transaction as soon
/// as it answers. doWebPayment moves no money: an answer lost on the way leaves at most a web
/// session nobody was ever sent to (its token never left the gateway, so no buyer can pay on
/// it) that the gateway expires unused. The intent row still lets the reconciler look the
/// order reference up (getTransactionDetails) until that session's validity has passed, then
/// close the attempt, so even that case ends decided rather than guessed.
pub async fn open(state: &AppState, session: &Session, answer: &mut Value) -> Result<()> {
    let now = state.now_ms();
    let g = state.settings().gateway.clone();
    let payment_id = crate::ids::new_id("pay_");
    let order_ref = session.attempt_order_ref(1);
    let web_expires_at = now + WEB_SESSION_VALIDITY_MS;
    // An instalment plan's page takes its first instalment.
    let checkout_amount =
        crate::schedules::checkout_amount(state, &session.id, session.amount).await?;
    let mut tx = repo::begin(state).await?;
    let taken = sqlx::query(
        "UPDATE checkout_sessions SET status = 'processing', payment_id = $1 \
         WHERE id = $2 AND status = 'open' AND attempt = 1 AND payment_id IS NULL",
    )
    .bind(&payment_id)
    .bind(&session.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if taken != 1 {
        tx.rollback().await?;
        return Err(AppError::conflict(
            "invalid_state",
            "the checkout session is no longer open",
        ));
    }
    sqlx::query(
        "INSERT INTO payments (id, session_id, status, amount, currency, order_ref, contract_number, created_at, updated_at) \
         VALUES ($1, $2, 'processing', $3, $4, $5, $6, $7, $7)",
    )
    .bind(&payment_id)
    .bind(&session.id)
    .bind(checkout_amount)
    .bind(&session.currency)
    .bind(&order_ref)
    .bind(&g.contract)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    // Checked first by the reconciler once a doWebPayment still unanswered counts as stalled.
    sqlx::query(
        "INSERT INTO attempts (payment_id, n, order_ref, status, three_ds_mode, return_url, sent_at, next_check_at, \
         created_at, updated_at) VALUES ($1, 1, $2, 'hosted', 'hosted', $3, $4, $5, $4, $4)",
    )
    .bind(&payment_id)
    .bind(&order_ref)
    .bind(session.return_url.as_deref())
    .bind(now)
    .bind(now + repo::stale_after(state))
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO hosted_pages (session_id, payment_id, order_ref, status, sent_at, web_expires_at, created_at, updated_at) \
         VALUES ($1, $2, $3, 'intent', $4, $5, $4, $4)",
    )
    .bind(&session.id)
    .bind(&payment_id)
    .bind(&order_ref)
    .bind(now)
    .bind(web_expires_at)
    .execute(&mut *tx)
    .await?;
    // The card to save with the payment, planned with it (its type, brand and expiry are known
    // only once the buyer paid on the page: the wallet's answer gives them).
    if let (Some(customer), crate::model::SaveCard::Always) =
        (&session.customer_id, session.save_card)
    {
        let save = crate::repo::PlannedSave {
            customer_id: customer,
            brand: "",
            card_type: "",
            expiry: "",
        };
        crate::repo::plan_save(&mut tx, &save, &payment_id, 1, now).await?;
    }
    tx.commit().await?;

    let currency: Currency = session
        .currency
        .parse()
        .map_err(|_| AppError::Internal("stored currency".into()))?;
    let amount = payline_amount(checkout_amount)?;
    // Payline doWebPayment: action 100 (authorization only, captured from the back office like
    // a direct checkout), mode CPT.
    let mut payment = PPayment::new(currency, Action::AUTHORIZATION, Mode::CPT);
    payment.amount = Some(amount);
    payment.contract_number = Some(g.contract.clone());
    let mut order = Order::new(amount, currency, crate::formats::order_date(now));
    order.r#ref = order_ref.clone();
    let base = &state.settings().public_url;
    // Payline sends the buyer to returnURL after the page and to cancelURL when they cancel:
    // both land on the same route, which reads the outcome from the gateway either way.
    let back = format!("{base}/hosted/return/{}", session.id);
    let mut req = DoWebPaymentRequest::new(payment, back.clone(), back, order);
    req.notification_url = Some(format!("{base}/payline/notify"));
    let key = AttemptRef {
        payment_id: payment_id.clone(),
        n: 1,
        session_id: session.id.clone(),
        order_ref: order_ref.clone(),
    };
    let res = match state.gateway().call(&req).await {
        Ok(r) => r,
        Err(e @ GatewayError::NotSent(_)) => {
            close(state, &key, Event::NotSent, None, "gateway unreachable").await?;
            return Err(AppError::GatewayError(e.to_string()));
        }
        Err(e) => {
            // Maybe a web session exists at the gateway; nobody has its token (see above).
            tracing::warn!(session = %session.id, order_ref = %order_ref, error = %e, "doWebPayment outcome unknown");
            return Err(AppError::GatewayUnknown(e.to_string()));
        }
    };
    let (code, message) = code_message(&res);
    let opened = matches!(
        outcome(Operation::DoWebPayment, res.result.code),
        Outcome::Accepted | Outcome::AcceptedWithWarning
    );
    let (Some(token), Some(url), true) = (
        res.token.clone().filter(|t| !t.is_empty()),
        res.redirect_url.clone().filter(|u| !u.is_empty()),
        opened,
    ) else {
        tracing::warn!(session = %session.id, code, "doWebPayment refused");
        close(state, &key, Event::CallFailed, Some(&code), &message).await?;
        return Err(AppError::GatewayError(format!(
            "doWebPayment refused: {code}"
        )));
    };
    let now = state.now_ms();
    let mut tx = repo::begin(state).await?;
    let stored = sqlx::query(
        "UPDATE hosted_pages SET status = 'created', token = $1, redirect_url = $2, updated_at = $3 \
         WHERE session_id = $4 AND status = 'intent'",
    )
    .bind(&token)
    .bind(&url)
    .bind(now)
    .bind(&session.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query(
        "UPDATE attempts SET next_check_at = $1, updated_at = $2 WHERE payment_id = $3 AND n = 1 AND status = 'hosted'",
    )
    .bind(now + FIRST_CHECK_MS)
    .bind(now)
    .bind(&payment_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    if stored != 1 {
        return Err(AppError::conflict(
            "invalid_state",
            "the hosted page was settled while it was being opened",
        ));
    }
    tracing::info!(session = %session.id, payment = %payment_id, order_ref = %order_ref, "hosted payment page opened");
    answer["mode"] = json!(MODE);
    answer["redirectUrl"] = json!(url);
    Ok(())
}

/// Closes a hosted attempt that can no longer be paid (no page, or nothing found).
async fn close(
    state: &AppState,
    key: &AttemptRef,
    event: Event,
    code: Option<&str>,
    message: &str,
) -> Result<bool> {
    let step = machine::next(AttemptStatus::Hosted, event)
        .map_err(|_| AppError::Internal("hosted transition".into()))?;
    let d = AttemptData {
        code: code.map(str::to_owned),
        message: Some(message.to_owned()),
        ..AttemptData::default()
    };
    repo::apply_attempt(state, key, AttemptStatus::Hosted, step, &d).await
}

/// Who asks for the page's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cue {
    /// The gateway sent the buyer back (returnURL / cancelURL): the web session has ended.
    Return,
    /// The gateway's WEBTRS notification: sent when the web session ends.
    Notification,
    /// The reconciler's periodic look, while the buyer may still be on the page.
    Reconciler,
}

/// What the gateway says about a page.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    /// Authorized.
    Accepted {
        transaction_id: String,
        code: String,
        message: String,
        masked_card: Option<String>,
        card_type: Option<String>,
        eci: Option<String>,
        authenticated: bool,
    },
    /// Refused by the bank, or cancelled by the buyer on the page (Payline 02319).
    Refused {
        transaction_id: Option<String>,
        code: String,
        message: String,
        /// Cancelled by the buyer: the web session is over at the gateway.
        cancelled: bool,
    },
    /// The web session ended without a payment (Payline 02324, 02534).
    Expired { code: String, message: String },
    /// Nothing at the gateway for the order reference.
    NotFound { past_grace: bool },
    /// The buyer may still pay: look again later.
    Pending,
}

/// getWebPaymentDetails for the page's token, as a verdict (Payline getWebPaymentDetails: the
/// authoritative outcome of a web session).
fn verdict_of(res: &GetWebPaymentDetailsResponse) -> Verdict {
    let (code, message) = code_message(res);
    let txn = Some(res.transaction.id.clone()).filter(|t| !t.is_empty());
    match outcome(Operation::GetWebPaymentDetails, res.result.code) {
        Outcome::Accepted | Outcome::AcceptedWithWarning => match txn {
            Some(transaction_id) => Verdict::Accepted {
                transaction_id,
                code,
                message,
                masked_card: res.card.number.clone().filter(|m| !m.is_empty()),
                card_type: res.card.r#type.as_ref().map(|t| t.as_str().to_owned()),
                eci: res
                    .authentication_3d_secure
                    .as_ref()
                    .and_then(|a| a.eci.clone()),
                authenticated: res.authentication_3d_secure.is_some(),
            },
            // Accepted without a transaction decides nothing.
            None => Verdict::Pending,
        },
        Outcome::Refused => Verdict::Refused {
            transaction_id: txn,
            code,
            message,
            cancelled: false,
        },
        Outcome::Cancelled if res.result.code == ReturnCode::CANCELLED_BY_BUYER => {
            Verdict::Refused {
                transaction_id: txn,
                code,
                message,
                cancelled: true,
            }
        }
        Outcome::Cancelled => Verdict::Expired { code, message },
        _ => Verdict::Pending,
    }
}

/// getTransactionDetails by order reference, for a page whose token was never stored (or a
/// token the gateway no longer knows once the page expired).
async fn verdict_by_order_ref(state: &AppState, page: &HostedPage) -> Result<Verdict> {
    let lookup = checkout::lookup_order_ref(state, &page.order_ref)
        .await
        .map_err(|e| AppError::GatewayError(e.to_string()))?;
    let grace = state.settings().money.not_found_grace_ms;
    Ok(match lookup {
        Lookup::Authorization {
            transaction_id,
            decision: Decision::Accepted,
            cancelled: false,
            code,
            message,
            masked_card,
        } => Verdict::Accepted {
            transaction_id,
            code,
            message,
            masked_card,
            card_type: None,
            eci: None,
            authenticated: false,
        },
        Lookup::Authorization {
            transaction_id,
            decision: Decision::Refused,
            code,
            message,
            ..
        } => Verdict::Refused {
            transaction_id: Some(transaction_id),
            code,
            message,
            cancelled: false,
        },
        Lookup::NotFound => Verdict::NotFound {
            past_grace: state.now_ms() >= page.web_expires_at + grace,
        },
        // An authorization cancelled since, or an answer that decides nothing.
        Lookup::Authorization { .. } | Lookup::Inconclusive => Verdict::Pending,
    })
}

/// Reads the page's outcome from the gateway and stores it (one transaction, compare-and-set on
/// the attempt still being `hosted`). Idempotent: a page already decided is not read again, so
/// a replayed return or notification changes nothing. Gateway trouble is an error and changes
/// nothing either (the reconciler looks again).
pub async fn settle(state: &AppState, page: &HostedPage, cue: Cue) -> Result<()> {
    let Some(a) = checkout::load_attempt(state, &page.payment_id, 1).await? else {
        return Ok(());
    };
    if a.status != AttemptStatus::Hosted {
        return Ok(());
    }
    let verdict = match &page.token {
        Some(token) => {
            let req = GetWebPaymentDetailsRequest::new(token.clone());
            let res = state
                .gateway()
                .call(&req)
                .await
                .map_err(|e| AppError::GatewayError(e.to_string()))?;
            match verdict_of(&res) {
                // A token the gateway does not know (02304) once the page can no longer be
                // used: the order reference decides.
                Verdict::Pending
                    if res.result.code == ReturnCode::NO_TRANSACTION_FOR_TOKEN
                        && state.now_ms() >= page.web_expires_at =>
                {
                    verdict_by_order_ref(state, page).await?
                }
                v => v,
            }
        }
        None => {
            // doWebPayment's answer was never stored: nobody has the page's token, so no
            // buyer pays until it expires; only the order reference can still tell.
            verdict_by_order_ref(state, page).await?
        }
    };
    apply(state, page, verdict, cue).await
}

async fn apply(state: &AppState, page: &HostedPage, verdict: Verdict, cue: Cue) -> Result<()> {
    let now = state.now_ms();
    let grace = state.settings().money.not_found_grace_ms;
    let key = AttemptRef {
        payment_id: page.payment_id.clone(),
        n: 1,
        session_id: page.session_id.clone(),
        order_ref: page.order_ref.clone(),
    };
    let (event, d) = match verdict {
        Verdict::Pending | Verdict::NotFound { past_grace: false } => return Ok(()),
        Verdict::NotFound { past_grace: true } => (
            Event::NotFound { past_grace: true },
            AttemptData {
                message: Some("no payment at the gateway for this hosted page".to_owned()),
                ..AttemptData::default()
            },
        ),
        Verdict::Expired { code, message } => (
            Event::WaitExpired,
            AttemptData {
                code: Some(code),
                message: Some(message),
                ..AttemptData::default()
            },
        ),
        // A bank refusal read while the web session is still usable, by the reconciler rather
        // than at the session's end (return, notification): the page may let the buyer try
        // another card, so it is not final yet.
        Verdict::Refused {
            cancelled: false, ..
        } if cue == Cue::Reconciler && now < page.web_expires_at => return Ok(()),
        Verdict::Refused {
            transaction_id,
            code,
            message,
            cancelled,
        } => {
            // Unless the buyer cancelled (the web session is over), the closed attempt is
            // watched until the web session can no longer be used: an authorization that still
            // appears under its order reference (a retry on the page after a forged early
            // return, say) is one nobody owns and is cancelled like any late landing.
            let watch = (!cancelled).then_some(page.web_expires_at.max(now) + grace);
            (
                Event::Authorization(Decision::Refused),
                AttemptData {
                    code: Some(code),
                    message: Some(message),
                    transaction_id,
                    watch_until: watch,
                    next_check_at: watch.map(|_| now + repo::backoff_ms(state, 0)),
                    ..AttemptData::default()
                },
            )
        }
        Verdict::Accepted {
            transaction_id,
            code,
            message,
            masked_card,
            card_type,
            eci,
            authenticated,
        } => {
            // Descriptive only (the card type the buyer paid with on the page), written before
            // the transition so that its webhook event carries it.
            if let Some(t) = &card_type {
                sqlx::query(
                    "UPDATE payments SET card_type = $1, brand = COALESCE(brand, $1) WHERE id = $2 AND card_type IS NULL",
                )
                .bind(t)
                .bind(&page.payment_id)
                .execute(state.store().pool())
                .await?;
            }
            let liability_shift =
                authenticated.then(|| i64::from(matches!(eci.as_deref(), Some("05" | "02"))));
            (
                Event::Authorization(Decision::Accepted),
                AttemptData {
                    code: Some(code),
                    message: Some(message.clone()),
                    transaction_id: Some(transaction_id.clone()),
                    authorized: Some(repo::Authorized {
                        transaction_id,
                        masked_card,
                        eci,
                        liability_shift,
                        authenticated,
                        journal_message: message,
                    }),
                    ..AttemptData::default()
                },
            )
        }
    };
    let step = machine::next(AttemptStatus::Hosted, event)
        .map_err(|_| AppError::Internal("hosted transition".into()))?;
    if repo::apply_attempt(state, &key, AttemptStatus::Hosted, step, &d).await? {
        tracing::info!(session = %page.session_id, payment = %page.payment_id, to = %step.to, "hosted payment page settled");
        if step.to == AttemptStatus::Authorized {
            // The card saved and the schedule registered now; trouble leaves them to the
            // reconciler.
            if let Err(e) = crate::checkout::after_authorized(state, &page.payment_id).await {
                tracing::warn!(payment = %page.payment_id, error = %e, "saving the card after the hosted page failed; retried later");
            }
        }
    }
    Ok(())
}

/// The gateway's web-payment notification (Payline notification `WEBTRS`, parameter `token`):
/// only a cue to read the page's outcome with getWebPaymentDetails; a token that is not one of
/// this server's pages changes nothing.
pub async fn notified(state: &AppState, token: &str) -> Result<()> {
    match by_token(state, token).await? {
        Some(page) => settle(state, &page, Cue::Notification).await,
        None => {
            tracing::info!("web payment notification for a token that is not ours");
            Ok(())
        }
    }
}

/// The reconciler's check of any attempt: a hosted page's here, with getWebPaymentDetails; a
/// direct checkout's by order reference ([`checkout::reconcile_attempt`]).
pub async fn reconcile_any(state: &AppState, row: &AttemptRow) -> Result<()> {
    if row.status == AttemptStatus::Hosted {
        reconcile(state, row).await
    } else {
        checkout::reconcile_attempt(state, row).await
    }
}

/// The reconciler's check of a page still `hosted` (a buyer who never came back, a
/// notification that never arrived, doWebPayment's answer never stored): the gateway is read
/// again at every check, with the reconciler's backoff, until the web session's expiry closes it.
pub async fn reconcile(state: &AppState, row: &AttemptRow) -> Result<()> {
    let Some(page) = load(state, &row.key.session_id).await? else {
        return repo::reschedule_attempt(state, row, None).await;
    };
    settle(state, &page, Cue::Reconciler).await
}
