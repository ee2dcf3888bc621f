//! `submit()` once the form is read, and `resume()`: tokenize → pay → 3-D Secure → result
//! (JS API, tokenizer, pay, 3-D Secure, return-page and status contracts). Every path ends in a result object; nothing here rejects.
//! The form's half of `submit()` (validate, read the card, report the result) is in
//! `controller`, which calls [`run`]; the flow sees the form only through [`Shared`], so the
//! dependency goes one way.
//!
//! ```text
//!  validate (controller) ─invalid─▶ {status: "invalid"}
//!     │
//!  tokenize (gateway getToken) ─errorCode / network / timeout─▶ {status: "error"}
//!     │
//!  pay (payment server) ──▶ authorized | refused(+retry) ──────────────▶ result
//!     │  no answer / 502-504 ──▶ GET status, backoff ─▶ authorized | refused | pending
//!     │  method ──▶ hidden iframe ─ postMessage(origin, nonce) or 10 s ─▶ continue ──▶ (again)
//!     │  challenge ──▶ dialog iframe ─ postMessage(origin, nonce) ─▶ GET status ─▶ result
//!     │                    └─ Cancel / timeout ──▶ abandon ──▶ refused
//!     └─ challenge, redirect mode ──▶ top window to the ACS … resume() on return
//!
//!  destroy() at any point ──▶ {status: "error", code: "destroyed"}
//!     (a method or challenge waiting: abandoned first, best effort; a payment the server had
//!      already decided: that result instead)
//! ```

use std::cell::{Cell, RefCell};

use card_core::Zeroizing;
use js_sys::{Array, Object};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::MessageEvent;

use crate::dom::frames::{ChallengeDialog, DialogTexts, HiddenFrame, post_form};
use crate::dom::listener::{EventListener, Latch, Timeout, sleep};
use crate::events::Events;
use crate::i18n::{self, Locale, Text};
use crate::js;
use crate::options::{Session, ThreeDsMode, Timeouts, tokenizer_from_js};
use crate::transport::{self, CardData, TokenAnswer, TransportError};

/// Message type posted by the payment server's 3-D Secure return page (return-page contract).
const THREE_DS_COMPLETE: &str = "card-capture:3ds-complete";
/// Message type posted by the payment server's 3DS Method notification page.
const METHOD_COMPLETE: &str = "card-capture:3ds-method-complete";
/// What a [`Step`]'s latch says when `destroy()` stopped it.
const DESTROYED: &str = "destroyed";

/// What a submit waits on in the page: a latch, and what may fire it (listeners, a timer) or
/// shows it (the 3DS Method iframe, the challenge dialog). Parked in [`Shared`] while waited
/// on, so that `destroy()` removes it all at once; dropping it removes the
/// listeners and timer first, then the iframe and the dialog (with its `inert` and focus trap).
#[derive(Debug)]
pub struct Step {
    latch: Latch,
    listeners: Vec<EventListener>,
    timer: Option<Timeout>,
    frame: Option<HiddenFrame>,
    dialog: Option<ChallengeDialog>,
}

impl Step {
    fn new() -> Self {
        Self {
            latch: Latch::new(),
            listeners: Vec::new(),
            timer: None,
            frame: None,
            dialog: None,
        }
    }

    /// `destroy()`: wakes the waiting flow with [`DESTROYED`] (it resumes in a later microtask,
    /// never inside `destroy()`) and removes everything on drop.
    fn stop(self) {
        self.latch.fire(DESTROYED);
    }
}

/// What a mounted form shares with its running submit: the buyer's callbacks, the [`Step`]
/// the submit waits on in the page, and whether `destroy()` came. The form owns it and the
/// flow borrows it, so the flow never needs the form's own type.
#[derive(Default)]
pub struct Shared {
    /// The `handle.on(...)` callbacks.
    pub events: Events,
    step: RefCell<Option<Step>>,
    stopped: Cell<bool>,
    /// Isolated fields: the frame cannot navigate the shop's top window (HTML "allowed to
    /// navigate": a cross-origin iframe needs user activation it does not have), so a redirect
    /// to the ACS is handed to the shop page, which posts the same form itself.
    pub navigate_top: RefCell<Option<TopNavigation>>,
    /// Isolated fields: the shop page's viewport, which sizes the challenge window (the
    /// frame's own viewport is only as big as the fields).
    pub viewport: Cell<Option<(f64, f64)>>,
}

/// Posts an ACS form in the top window on the flow's behalf (isolated fields).
pub type TopNavigation = Box<dyn Fn(&str, &[(String, String)]) -> bool>;

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("events", &self.events)
            .field("stopped", &self.stopped)
            .finish_non_exhaustive()
    }
}

impl Shared {
    /// Whether `destroy()` was called (readable at any time, borrow-free).
    pub fn stopped(&self) -> bool {
        self.stopped.get()
    }

    /// `destroy()`'s part: no callback is called any more, and what the submit waits on is
    /// taken out and stopped. Taken out before it is dropped: dropping the dialog gives focus
    /// back (with the callbacks already gone, nothing of ours runs), and nothing must find the
    /// cell borrowed meanwhile. (`#[inline]`: see `Events`; out of line, 20 bytes more.)
    #[inline]
    pub fn stop(&self) {
        self.stopped.set(true);
        self.events.clear();
        let step = self.step.try_borrow_mut().ok().and_then(|mut s| s.take());
        if let Some(step) = step {
            step.stop();
        }
    }
}

/// Parks `step` in `shared`, waits for its latch, then removes it. [`DESTROYED`] when
/// `destroy()` came first, or came while the flow was about to resume.
async fn wait(shared: &Shared, step: Step) -> String {
    if shared.stopped() {
        return DESTROYED.into();
    }
    let latch = step.latch.clone();
    // The borrows last one statement each; whatever is replaced or taken is dropped after.
    let previous = shared
        .step
        .try_borrow_mut()
        .ok()
        .and_then(|mut slot| slot.replace(step));
    drop(previous);
    let outcome = latch.wait().await;
    let done = shared
        .step
        .try_borrow_mut()
        .ok()
        .and_then(|mut slot| slot.take());
    drop(done);
    if shared.stopped() {
        return DESTROYED.into();
    }
    outcome
}

/// Waits `ms` milliseconds; false when `destroy()` came meanwhile.
async fn pause(shared: Option<&Shared>, ms: u32) -> bool {
    let Some(shared) = shared else {
        sleep(ms).await;
        return true;
    };
    let mut step = Step::new();
    let l = step.latch.clone();
    step.timer = Some(Timeout::new(ms, move || l.fire("")));
    wait(shared, step).await != DESTROYED
}

/// Result objects (JS API contract).
pub mod result {
    use super::*;

    pub fn authorized(payment_id: &str, transaction_id: &str) -> JsValue {
        js::object(&[
            ("status", "authorized".into()),
            ("paymentId", payment_id.into()),
            ("transactionId", transaction_id.into()),
        ])
        .into()
    }

    /// [`authorized`], with the saved card it paid with or saved (`{cardId, brand, last4,
    /// expiry}`) and the schedule it started, copied from the server's answer when there are.
    pub fn authorized_from(payment_id: &str, answer: &JsValue) -> JsValue {
        let r = authorized(
            payment_id,
            &js::string(answer, "transactionId").unwrap_or_default(),
        );
        if let Some(o) = r.dyn_ref::<Object>() {
            let card = js::get(answer, "savedCard");
            if card.is_object() {
                js::set(o, "savedCard", card);
            }
            // The instalments or subscription this checkout started.
            if let Some(id) = js::string(answer, "scheduleId") {
                js::set(o, "scheduleId", id.as_str());
            }
        }
        r
    }

    pub fn refused(payment_id: &str, code: &str, message: &str) -> JsValue {
        js::object(&[
            ("status", "refused".into()),
            ("paymentId", payment_id.into()),
            ("code", code.into()),
            ("message", message.into()),
        ])
        .into()
    }

    pub fn error(code: &str, message: &str) -> JsValue {
        js::object(&[
            ("status", "error".into()),
            ("code", code.into()),
            ("message", message.into()),
        ])
        .into()
    }

    /// The form was destroyed before the payment had an outcome.
    pub fn destroyed(locale: Locale) -> JsValue {
        error("destroyed", i18n::text(locale, Text::Destroyed))
    }

    /// The payment server has not decided yet; it will without the page (reconciliation).
    pub fn pending(payment_id: &str, locale: Locale) -> JsValue {
        js::object(&[
            ("status", "pending".into()),
            ("paymentId", payment_id.into()),
            ("message", i18n::text(locale, Text::Pending).into()),
        ])
        .into()
    }
}

/// A transport failure as an `error` result.
fn transport_error(locale: Locale, e: &TransportError) -> JsValue {
    match e {
        TransportError::Network => {
            result::error("network_error", i18n::text(locale, Text::Network))
        }
        TransportError::Timeout => result::error("timeout", i18n::text(locale, Text::Timeout)),
        TransportError::Http { status: 410, .. } => {
            result::error("session_expired", i18n::text(locale, Text::Expired))
        }
        TransportError::Http { status: 429, .. } => result::error(
            "too_many_attempts",
            i18n::text(locale, Text::TooManyAttempts),
        ),
        TransportError::Http { code, .. } => result::error(
            code.as_deref().unwrap_or("server_error"),
            i18n::text(locale, Text::Server),
        ),
        TransportError::BadAnswer => result::error("bad_answer", i18n::text(locale, Text::Server)),
    }
}

/// What the flow needs, copied out of the mounted form so no borrow spans an await.
#[derive(Debug)]
pub struct Job {
    /// The checkout session (its tokenizer swapped after a refusal with `retry`).
    pub session: Session,
    /// Challenge presentation.
    pub three_ds: ThreeDsMode,
    /// Time limits.
    pub timeouts: Timeouts,
    /// Language of messages.
    pub locale: Locale,
    /// The page's document.
    pub doc: web_sys::Document,
}

/// Tokenizes the card, pays and follows 3-D Secure to a result (`handle.submit()` after the
/// form was validated and read). `job.session.tokenizer` is the one to use for the next
/// submit when this returns (a refusal may offer another).
pub async fn run(
    shared: &Shared,
    job: &mut Job,
    card: CardData,
    brand: &str,
    holder: &str,
    save_card: Option<bool>,
) -> JsValue {
    let locale = job.locale;
    // A `submit` callback may have destroyed the form already.
    if shared.stopped() {
        return result::destroyed(locale);
    }
    // Checked on every submit: the tokenizer may come from a refusal's `retry`.
    if let Some(code) = insecure(&job.session) {
        return result::error(code, i18n::text(locale, Text::Insecure));
    }
    let token = match transport::tokenize(&job.session.tokenizer, card, job.timeouts.request).await
    {
        Ok(TokenAnswer::Token(t)) => Zeroizing::new(t),
        Ok(TokenAnswer::Refused(code)) => {
            let r = result::error("tokenizer_refused", i18n::text(locale, Text::Tokenizer));
            if let Some(o) = r.dyn_ref::<Object>() {
                js::set(o, "gatewayCode", code.as_str());
            }
            return r;
        }
        Err(e) => return transport_error(locale, &e),
    };
    if shared.stopped() {
        // Destroyed while tokenizing: the token is dropped unused, nothing was paid.
        return result::destroyed(locale);
    }
    let body = js::object(&[
        ("tokenData", token.as_str().into()),
        ("brand", brand.into()),
        ("holder", holder.into()),
        ("browser", browser_info(shared).into()),
        ("threeDS", three_ds_json(&job.three_ds).into()),
        ("idempotencyKey", idempotency_key().into()),
    ]);
    drop(token);
    // The buyer's "save this card" box, sent only when the session offers saving
    // (customers-and-saved-cards contract).
    if let Some(save) = save_card {
        js::set(&body, "saveCard", save);
    }
    send_pay(shared, job, &body).await
}

/// Pays with one of the customer's saved cards (`handle.submit({savedCard})`): no card data
/// leaves the page; 3-D Secure runs as for a new card.
pub async fn run_saved(shared: &Shared, job: &mut Job, card_id: &str) -> JsValue {
    let locale = job.locale;
    if shared.stopped() {
        return result::destroyed(locale);
    }
    if let Some(code) = insecure(&job.session) {
        return result::error(code, i18n::text(locale, Text::Insecure));
    }
    let body = js::object(&[
        ("savedCard", card_id.into()),
        ("browser", browser_info(shared).into()),
        ("threeDS", three_ds_json(&job.three_ds).into()),
        ("idempotencyKey", idempotency_key().into()),
    ]);
    match send_pay(shared, job, &body).await {
        // The card is gone (deleted, or not this customer's) or past its expiry: said so, in
        // the buyer's words, with the server's code.
        r if js::string(&r, "code").as_deref() == Some("not_found") => result::error(
            "saved_card_unavailable",
            i18n::text(locale, Text::SavedCardGone),
        ),
        r if js::string(&r, "code").as_deref() == Some("card_expired") => {
            result::error("card_expired", i18n::text(locale, Text::SavedCardExpired))
        }
        r => r,
    }
}

/// Sends the pay `body` and follows the answers to a result.
async fn send_pay(shared: &Shared, job: &mut Job, body: &Object) -> JsValue {
    let locale = job.locale;
    // The same `body`, so the same idempotency key, for every send: the server answers a
    // resent pay with the stored outcome (or settles an unknown one first) and never runs a
    // second gateway operation (pay contract). A loop, so that the request future is built and
    // awaited at one place in the state machine.
    let mut resent = false;
    loop {
        let e = match transport::post_json(
            &job.session.pay_url,
            &job.session.client_secret,
            body,
            job.timeouts.pay,
            false,
        )
        .await
        {
            Ok(a) => return handle_answer(shared, job, a).await,
            Err(e) if !e.undecided() => return transport_error(locale, &e),
            Err(e) => e,
        };
        // A connection lost at once: resent, which also recovers a stored 3-D Secure answer
        // (method, challenge) that the status URL cannot give.
        if matches!(e, TransportError::Network) && !resent {
            if !pause(Some(shared), 500).await {
                return result::destroyed(locale);
            }
            resent = true;
            continue;
        }
        // Otherwise the payment may be authorizing: its outcome comes from the status URL.
        // A session still open: the pay never reached the server, so it is sent once more.
        let r = read_status(Some(shared), job, !resent).await;
        if !r.is_undefined() {
            return r;
        }
        resent = true;
    }
}

/// The first URL of the session that may not carry what it would be sent, by its error code.
fn insecure(s: &Session) -> Option<&'static str> {
    if !transport::secure_url(&s.tokenizer.url) {
        Some("insecure_tokenizer")
    } else if !transport::secure_url(&s.pay_url) || !transport::secure_url(&s.status_url) {
        Some("insecure_url")
    } else {
        None
    }
}

/// Follows the payment server's answers until a final result.
async fn handle_answer(shared: &Shared, job: &mut Job, mut answer: JsValue) -> JsValue {
    // A method round leads to one more answer; more than a few is a server bug.
    for _ in 0..4 {
        let status = js::string(&answer, "status").unwrap_or_default();
        let payment_id = js::string(&answer, "paymentId").unwrap_or_default();
        // Destroyed while a request was out: an attempt now waiting for 3-D Secure is closed;
        // an outcome the server already decided (authorized, refused) is reported as it is.
        if shared.stopped() && matches!(status.as_str(), "method" | "challenge") {
            return stop(job, &payment_id).await;
        }
        match status.as_str() {
            "authorized" => return result::authorized_from(&payment_id, &answer),
            "refused" => return refused(job, &answer),
            "method" => {
                let Some(completed) = method_round(shared, job, &answer).await else {
                    return stop(job, &payment_id).await;
                };
                let body = js::object(&[
                    ("paymentId", payment_id.as_str().into()),
                    ("methodCompleted", completed.into()),
                ]);
                let s = &job.session;
                match transport::post_json(
                    &s.sibling_url("continue"),
                    &s.client_secret,
                    &body,
                    job.timeouts.pay,
                    false,
                )
                .await
                {
                    Ok(a) => answer = a,
                    // As for pay: the continue may have led to an authorization.
                    Err(e) if e.undecided() => return read_status(Some(shared), job, false).await,
                    Err(e) => return transport_error(job.locale, &e),
                }
            }
            "challenge" => return challenge(shared, job, &answer, &payment_id).await,
            _ => break,
        }
    }
    result::error("bad_answer", i18n::text(job.locale, Text::Server))
}

/// A refusal: takes the retry tokenizer data when the server offers another attempt.
fn refused(job: &mut Job, answer: &JsValue) -> JsValue {
    let retry = js::get(&js::get(answer, "retry"), "tokenizer");
    if let Some(t) = tokenizer_from_js(&retry) {
        job.session.tokenizer = t;
    }
    result::refused(
        &js::string(answer, "paymentId").unwrap_or_default(),
        &js::string(answer, "code").unwrap_or_default(),
        &js::string(answer, "message").unwrap_or_default(),
    )
}

fn fields_of(answer: &JsValue) -> Vec<(String, String)> {
    let fields = js::get(answer, "fields");
    let Some(obj) = fields.dyn_ref::<Object>() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for pair in Object::entries(obj).iter() {
        let Ok(pair) = pair.dyn_into::<Array>() else {
            continue;
        };
        if let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
            out.push((name, value));
        }
    }
    out
}

/// Listens for the payment server's page posting `kind` (the challenge return page, the 3DS
/// Method notification page) and fires `complete` on `latch`. Only the payment server's origin,
/// with this session's nonce and id (return-page contract); anything else (another origin, a
/// forged or replayed message) is ignored. The message only says "done": outcomes are read
/// from the server.
fn session_message(job: &Job, kind: &'static str, latch: &Latch) -> Option<EventListener> {
    let w = job.doc.default_view()?;
    let l = latch.clone();
    let origin = job.session.server_origin.clone();
    let nonce = job.session.nonce.clone();
    let id = job.session.id.clone();
    Some(EventListener::new(w.unchecked_ref(), "message", move |e| {
        let Some(m) = e.dyn_ref::<MessageEvent>() else {
            return;
        };
        let data = m.data();
        if m.origin() == origin
            && js::string(&data, "type").as_deref() == Some(kind)
            && js::string(&data, "nonce").as_deref() == Some(nonce.as_str())
            && js::string(&data, "sessionId").as_deref() == Some(id.as_str())
        {
            l.fire("complete");
        }
    }))
}

/// The 3DS Method: the gateway's page in a hidden iframe. By EMV 3DS the method is complete
/// when the ACS posts to the `threeDSMethodNotificationURL` (the payment server's
/// `/3ds/method-notify`), not when the iframe first loads: that load may be the ACS's own page,
/// still fingerprinting. So `Some(true)` only once the notification page has posted its
/// message, `Some(false)` after the timeout (`threeDSCompInd = N`), `None` when `destroy()`
/// stopped it.
async fn method_round(shared: &Shared, job: &Job, answer: &JsValue) -> Option<bool> {
    let Some(url) = js::string(answer, "url") else {
        return Some(false);
    };
    let mut step = Step::new();
    step.frame = HiddenFrame::new(&job.doc, i18n::text(job.locale, Text::MethodFrame));
    let Some(name) = step.frame.as_ref().map(|f| f.frame.name()) else {
        return Some(false);
    };
    step.listeners
        .extend(session_message(job, METHOD_COMPLETE, &step.latch));
    let l = step.latch.clone();
    step.timer = Some(Timeout::new(job.timeouts.method, move || l.fire("timeout")));
    if post_form(&job.doc, &url, &name, &fields_of(answer)).is_none() {
        return Some(false);
    }
    match wait(shared, step).await.as_str() {
        DESTROYED => None,
        outcome => Some(outcome == "complete"),
    }
}

/// The challenge: in the dialog (iframe mode) or the top window (redirect mode).
async fn challenge(shared: &Shared, job: &mut Job, answer: &JsValue, payment_id: &str) -> JsValue {
    let Some(url) = js::string(answer, "url") else {
        return result::error("bad_answer", i18n::text(job.locale, Text::Server));
    };
    let fields = fields_of(answer);
    let locale = job.locale;
    let redirect = matches!(job.three_ds, ThreeDsMode::Redirect { .. });
    let mode = if redirect { "redirect" } else { "iframe" };
    shared.events.emit(
        "challenge",
        &js::object(&[("phase", "start".into()), ("mode", mode.into())]).into(),
    );
    // A `challenge` callback may have destroyed the form.
    if shared.stopped() {
        return stop(job, payment_id).await;
    }
    let mut step = Step::new();
    let l = step.latch.clone();
    step.timer = Some(Timeout::new(job.timeouts.challenge, move || {
        l.fire("timeout")
    }));
    if redirect {
        // The page leaves; this promise only settles if the navigation never happens.
        let sent = match shared.navigate_top.borrow().as_ref() {
            Some(navigate) => navigate(&url, &fields),
            None => post_form(&job.doc, &url, "_top", &fields).is_some(),
        };
        if !sent {
            step.latch.fire("failed");
        }
    } else {
        let texts = DialogTexts {
            title: i18n::text(locale, Text::ChallengeTitle),
            loading: i18n::text(locale, Text::ChallengeLoading),
            cancel: i18n::text(locale, Text::Cancel),
            frame: i18n::text(locale, Text::ChallengeFrame),
        };
        let Some(dialog) = ChallengeDialog::open(&job.doc, texts, window_size(shared)) else {
            return result::error("dialog_failed", i18n::text(locale, Text::Server));
        };
        let (frame, status) = (dialog.frame.clone(), dialog.status.clone());
        step.listeners.push(EventListener::new(
            dialog.frame.unchecked_ref(),
            "load",
            move |_| ChallengeDialog::show_frame(&frame, &status),
        ));
        let l = step.latch.clone();
        step.listeners.push(EventListener::new(
            dialog.cancel.unchecked_ref(),
            "click",
            move |_| l.fire("cancel"),
        ));
        let l = step.latch.clone();
        step.listeners.push(EventListener::new(
            dialog.root.unchecked_ref(),
            "keydown",
            move |e| {
                if e.dyn_ref::<web_sys::KeyboardEvent>()
                    .is_some_and(|k| k.key() == "Escape")
                {
                    l.fire("cancel");
                }
            },
        ));
        step.listeners
            .extend(session_message(job, THREE_DS_COMPLETE, &step.latch));
        if post_form(&job.doc, &url, &dialog.frame.name(), &fields).is_none() {
            step.latch.fire("failed");
        }
        step.dialog = Some(dialog);
    }
    let outcome = wait(shared, step).await;
    let r = match outcome.as_str() {
        "complete" => read_status(Some(shared), job, false).await,
        // Redirect mode: the buyer is at the bank in the top window, and this page is going
        // away (a destroy() from pagehide); abandoning would cancel the challenge being
        // answered there.
        DESTROYED if redirect => result::destroyed(locale),
        DESTROYED => stop(job, payment_id).await,
        _ => abandon(shared, job, payment_id, &outcome).await,
    };
    shared.events.emit(
        "challenge",
        &js::object(&[("phase", "end".into()), ("mode", mode.into())]).into(),
    );
    r
}

/// `destroy()` stopped the flow while the attempt waits for 3-D Secure (a method round or a
/// challenge). The attempt is abandoned on the payment server, best effort, as the Cancel
/// button does: otherwise the session stays pending until it expires, and a late answer from
/// the bank could still authorize a payment no page shows any more. `keepalive`, so the request
/// leaves even when `destroy()` runs as the page unloads. Its answer does not change the result:
/// if the bank answered first (409), the payment server has the outcome, for the merchant's
/// server to read.
async fn stop(job: &Job, payment_id: &str) -> JsValue {
    let s = &job.session;
    let body = js::object(&[("paymentId", payment_id.into())]);
    let _ = transport::post_json(
        &s.sibling_url("abandon"),
        &s.client_secret,
        &body,
        job.timeouts.request,
        true,
    )
    .await;
    result::destroyed(job.locale)
}

/// The buyer cancelled or the challenge timed out: the attempt is closed on the server, so a
/// late answer from the bank can never authorize it (pay contract: abandon).
async fn abandon(shared: &Shared, job: &mut Job, payment_id: &str, why: &str) -> JsValue {
    let s = job.session.clone();
    let body = js::object(&[("paymentId", payment_id.into())]);
    match transport::post_json(
        &s.sibling_url("abandon"),
        &s.client_secret,
        &body,
        job.timeouts.request,
        false,
    )
    .await
    {
        Ok(a) => {
            let r = refused(job, &a);
            if why == "timeout"
                && let Some(o) = r.dyn_ref::<Object>()
            {
                js::set(o, "message", i18n::text(job.locale, Text::ChallengeTimeout));
            }
            r
        }
        // 409: the bank answered first; its outcome stands.
        Err(TransportError::Http { status: 409, .. }) => {
            read_status(Some(shared), job, false).await
        }
        Err(e) => transport_error(job.locale, &e),
    }
}

/// Reads the outcome from the status URL (status contract) until the payment server has
/// decided: after a 3-D Secure step, and after a pay or continue whose answer is unknown (the
/// server reconciles a lost doAuthorization in the background, possibly minutes later). Reads
/// at once, then after 1, 2, 4, then every 5 s (exponential backoff, so a payment server busy
/// reconciling is not flooded), for `timeouts.pending` in all; then `pending`: the server
/// still decides, the page no longer waits. Stops when `destroy()` comes. A failed read is
/// read again, unless it is final (401, 404, 410…). A session `open` has no payment being
/// made: `undefined` when `open_to_caller` (the pay is sent again), else `no_payment` (the
/// buyer may pay again).
async fn read_status(shared: Option<&Shared>, job: &mut Job, open_to_caller: bool) -> JsValue {
    let s = job.session.clone();
    let locale = job.locale;
    let deadline = js_sys::Date::now() + f64::from(job.timeouts.pending);
    let mut delay = 1000;
    let mut pid = String::new();
    loop {
        match transport::get_json(&s.status_url, &s.client_secret, job.timeouts.request).await {
            Ok(answer) => {
                let payment = js::get(&answer, "payment");
                pid = js::string(&payment, "paymentId").unwrap_or_default();
                match js::string(&answer, "status").as_deref() {
                    Some("authorized") => return result::authorized_from(&pid, &payment),
                    Some("refused") => {
                        let retry = js::get(&js::get(&answer, "retry"), "tokenizer");
                        if let Some(t) = tokenizer_from_js(&retry) {
                            job.session.tokenizer = t;
                        }
                        return result::refused(
                            &pid,
                            &js::string(&payment, "code").unwrap_or_default(),
                            &js::string(&payment, "message").unwrap_or_default(),
                        );
                    }
                    Some("expired") => {
                        return result::error("session_expired", i18n::text(locale, Text::Expired));
                    }
                    Some("open") if open_to_caller => return JsValue::UNDEFINED,
                    Some("open") => {
                        return result::error("no_payment", i18n::text(locale, Text::Server));
                    }
                    _ => {}
                }
            }
            Err(e) if !e.undecided() => return transport_error(locale, &e),
            Err(_) => {}
        }
        if js_sys::Date::now() >= deadline {
            return result::pending(&pid, locale);
        }
        // Not decided at the first read: the page can say that the payment is being checked.
        if delay == 1000
            && let Some(s) = shared
        {
            s.events.emit("checking", &Object::new().into());
        }
        if !pause(shared, delay).await {
            return result::destroyed(locale);
        }
        delay = (delay * 2).min(5000);
    }
}

/// `resume(sessionAnswer)`: after a full-page 3-D Secure redirect, the outcome.
pub async fn resume(session: JsValue, locale: Option<String>) -> JsValue {
    let doc = crate::dom::document();
    let locale = locale
        .and_then(|l| Locale::from_tag(&l))
        .or_else(|| {
            doc.as_ref()
                .and_then(|d| d.document_element())
                .and_then(|e| e.get_attribute("lang"))
                .and_then(|l| Locale::from_tag(&l))
        })
        .unwrap_or(Locale::En);
    let (Ok(session), Some(doc)) = (Session::from_js(&session), doc) else {
        return result::error("no_session", i18n::text(locale, Text::NoSession));
    };
    if !transport::secure_url(&session.status_url) {
        return result::error("insecure_url", i18n::text(locale, Text::Insecure));
    }
    let mut job = Job {
        session,
        three_ds: ThreeDsMode::Iframe,
        timeouts: Timeouts::default(),
        locale,
        doc,
    };
    read_status(None, &mut job, false).await
}

fn three_ds_json(mode: &ThreeDsMode) -> Object {
    match mode {
        ThreeDsMode::Iframe => js::object(&[("mode", "iframe".into())]),
        ThreeDsMode::Redirect { return_url } => js::object(&[
            ("mode", "redirect".into()),
            ("returnUrl", return_url.as_str().into()),
        ]),
    }
}

fn window_size(shared: &Shared) -> &'static str {
    let (width, height) = shared.viewport.get().unwrap_or_else(crate::dom::viewport);
    crate::browser::challenge_window_size(width, height)
}

/// What JavaScript can tell about the browser for 3-D Secure 2 (EMV 3DS browser fields); the
/// server adds the Accept header and the IP address itself.
fn browser_info(shared: &Shared) -> Object {
    let Some(w) = crate::dom::window() else {
        return Object::new();
    };
    let nav = w.navigator();
    let (depth, width, height) = w.screen().map_or((24.0, 0, 0), |s| {
        (
            f64::from(s.color_depth().unwrap_or(24)),
            s.width().unwrap_or(0),
            s.height().unwrap_or(0),
        )
    });
    js::object(&[
        ("colorDepth", crate::browser::emv_color_depth(depth).into()),
        ("screenWidth", width.into()),
        ("screenHeight", height.into()),
        (
            "timeZoneOffset",
            js_sys::Date::new_0().get_timezone_offset().into(),
        ),
        ("language", nav.language().unwrap_or_default().into()),
        ("javaEnabled", false.into()),
        ("userAgent", nav.user_agent().unwrap_or_default().into()),
        ("challengeWindowSize", window_size(shared).into()),
    ])
}

/// 128 random bits, hex: one key per submit, so a retried request is recognised.
fn idempotency_key() -> String {
    js::cat(&["cc_", &js::random_hex::<16>()])
}
