//! A mounted checkout: the merchant's inputs, the pure [`Form`], and the buyer-facing events.
//!
//! ```text
//!  DOM event (input, change, focus, blur, brand radio)
//!    └─▶ Controller::on_* ── borrow ──▶ format (card-core) ─▶ Form::update ─▶ render (dom/)
//!                          ── release ─▶ emit events to handle.on(...) callbacks
//! ```
//!
//! Callbacks run only after every borrow is released: a callback may call back into the
//! handle (`state()`, `clear()`, even `destroy()`) without a re-entrancy panic.
//!
//! A running `submit()` parks whatever it waits on in the page (the 3-D Secure dialog or the
//! 3DS Method iframe, their listeners and timer) in [`Controller::step`], so `destroy()` can
//! remove it at once. `destroy()` only takes the step out, drops it and resolves its latch:
//! the flow resumes later, in a microtask, never inside `destroy()`.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use card_core::{Edit, YearMonth, Zeroizing, format_expiry, format_number};
use js_sys::{Array, Function, Object};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlInputElement};

use crate::dom::choice::BrandChoice;
use crate::dom::fields::CardInput;
use crate::dom::listener::EventListener;
use crate::form::{Field, Form};
use crate::i18n::{self, Locale, Text};
use crate::js;
use crate::transport::Tokenizer;

/// How 3-D Secure challenges are shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThreeDsMode {
    /// In a dialog over the checkout page (default).
    Iframe,
    /// The whole page goes to the bank and comes back to `return_url`; then `resume()`.
    Redirect {
        /// Where the payment server sends the buyer back.
        return_url: String,
    },
}

/// Time limits, in milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// Each HTTP request other than pay and continue (tokenizer, status, abandon).
    pub request: u32,
    /// Pay and continue. Longer than the payment server's own deadline for them (it answers
    /// within 30 s, its request timeout: at most two gateway calls of up to 12 s each, plus
    /// its database work), so the server has answered, with an outcome or a 5xx such as 504
    /// `gateway_timeout`, before the page gives up. A shorter wait would stop listening while a
    /// doAuthorization may still succeed, and an answer missed that way can only be recovered
    /// from the status URL.
    pub pay: u32,
    /// How long `submit()` keeps reading the status URL of a payment whose outcome is not
    /// known yet (reconciliation can take minutes) before it resolves `pending`.
    pub pending: u32,
    /// The 3DS Method round (EMV 3DS: 10 s, then `threeDSCompInd = N`).
    pub method: u32,
    /// The challenge (EMV 3DS challenge timeout: 10 minutes, as Adyen's).
    pub challenge: u32,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            request: 20_000,
            pay: 35_000,
            pending: 120_000,
            method: 10_000,
            challenge: 600_000,
        }
    }
}

/// The checkout session answer of the payment server (checkout-session contract), as the page needs it.
#[derive(Debug, Clone)]
pub struct Session {
    /// `cs_…`.
    pub id: String,
    /// Bearer token of the browser-facing calls.
    pub client_secret: String,
    /// Echoed by the 3-D Secure return page; messages without it are ignored.
    pub nonce: String,
    /// `POST` here to pay.
    pub pay_url: String,
    /// `GET` here for the outcome.
    pub status_url: String,
    /// Origin of `pay_url`: the only origin whose messages are accepted.
    pub server_origin: String,
    /// Tokenizer of the current attempt (swapped after a refusal with `retry`).
    pub tokenizer: Tokenizer,
    /// Payline brand names the session accepts.
    pub accepted: Option<Vec<String>>,
}

impl Session {
    /// Reads the session answer; the message names the first missing field.
    pub fn from_js(v: &JsValue) -> Result<Session, String> {
        let need = |obj: &JsValue, key: &str| {
            js::string(obj, key)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| js::cat(&["session.", key, " is missing"]))
        };
        let tok = js::get(v, "tokenizer");
        let pay_url = need(v, "payUrl")?;
        let server_origin = web_sys::Url::new(&pay_url)
            .map(|u| u.origin())
            .map_err(|_| "session.payUrl is not an absolute URL".to_owned())?;
        let accepted = js::strings(&js::get(v, "acceptedBrands"));
        Ok(Session {
            id: need(v, "id")?,
            client_secret: need(v, "clientSecret")?,
            nonce: need(v, "nonce")?,
            status_url: need(v, "statusUrl")?,
            pay_url,
            server_origin,
            tokenizer: tokenizer_from_js(&tok).ok_or("session.tokenizer is incomplete")?,
            accepted,
        })
    }

    /// `…/{id}/continue` and `…/{id}/abandon`, beside `…/{id}/pay`.
    pub fn sibling_url(&self, name: &str) -> String {
        match self.pay_url.strip_suffix("/pay") {
            Some(base) => js::cat(&[base, "/", name]),
            None => js::cat(&[self.pay_url.trim_end_matches('/'), "/", name]),
        }
    }
}

/// `{url, accessKeyRef, data}`.
pub fn tokenizer_from_js(tok: &JsValue) -> Option<Tokenizer> {
    Some(Tokenizer {
        url: js::string(tok, "url")?,
        access_key_ref: js::string(tok, "accessKeyRef")?,
        data: js::string(tok, "data")?,
    })
}

/// Mutable state of a mounted form.
#[derive(Debug)]
pub struct Inner {
    /// Pure form state.
    pub form: Form,
    /// The four inputs, in [`Field::ALL`] order.
    pub inputs: Vec<CardInput>,
    /// Co-badge brand choice.
    pub choice: Option<BrandChoice>,
    /// The page's document.
    pub doc: Document,
    /// Language of messages.
    pub locale: Locale,
    /// Checkout session (none: validation only).
    pub session: Option<Session>,
    /// Challenge presentation.
    pub three_ds: ThreeDsMode,
    /// Time limits.
    pub timeouts: Timeouts,
    /// `destroy()` was called.
    pub destroyed: bool,
    /// Test hook: the month used as "today" instead of the browser's.
    pub today: Option<YearMonth>,
    last_complete: bool,
}

/// A mounted checkout.
#[derive(Debug)]
pub struct Controller {
    /// State (borrowed briefly, never across a callback or an await).
    pub inner: RefCell<Inner>,
    handlers: RefCell<Vec<(String, Function)>>,
    listeners: RefCell<Vec<EventListener>>,
    /// The running submit's promise: a second submit returns it.
    pub running: RefCell<Option<js_sys::Promise>>,
    /// What the running submit waits on in the page; `destroy()` removes it.
    pub step: RefCell<Option<crate::flow::Step>>,
    stopped: Cell<bool>,
    ready: Cell<bool>,
}

/// Event names `on` accepts.
pub const EVENTS: [&str; 11] = [
    "ready",
    "change",
    "brand",
    "focus",
    "blur",
    "complete",
    "error",
    "submit",
    "challenge",
    "checking",
    "result",
];

/// The browser's current month (local time), or the test hook's; `None` only for a clock
/// outside 2000–9999.
pub fn today(hook: Option<YearMonth>) -> Option<YearMonth> {
    hook.or_else(|| {
        let now = js_sys::Date::new_0();
        YearMonth::new(
            u16::try_from(now.get_full_year()).ok()?,
            u8::try_from(now.get_month() + 1).ok()?,
        )
    })
}

/// Mount options, read from the JS object.
#[derive(Debug)]
pub struct MountOptions {
    /// The four inputs.
    pub inputs: [HtmlInputElement; 4],
    /// Merchant message elements, per field.
    pub messages: [Option<Element>; 4],
    /// Where the brand choice goes.
    pub brand_choice: Option<Element>,
    /// Session.
    pub session: Option<Session>,
    /// Locale.
    pub locale: Locale,
    /// 3-D Secure presentation.
    pub three_ds: ThreeDsMode,
    /// Preselected co-badge brand.
    pub default_brand: Option<String>,
    /// Accepted brands (overrides the session's).
    pub accepted: Option<Vec<String>>,
    /// Time limits.
    pub timeouts: Timeouts,
    /// Fixed "today" (tests).
    pub today: Option<YearMonth>,
}

fn element_arg(doc: &Document, v: &JsValue, what: &str) -> Result<Option<Element>, String> {
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    if let Some(sel) = v.as_string() {
        return doc
            .query_selector(&sel)
            .map_err(|_| js::cat(&[what, ": '", &sel, "' is not a valid selector"]))?
            .map(Some)
            .ok_or_else(|| js::cat(&[what, ": nothing matches '", &sel, "'"]));
    }
    v.clone()
        .dyn_into::<Element>()
        .map(Some)
        .map_err(|_| js::cat(&[what, " must be a selector or an element"]))
}

fn ms_arg(obj: &JsValue, key: &str, default: u32) -> u32 {
    js::get(obj, key)
        .as_f64()
        .filter(|n| n.is_finite() && *n >= 0.0)
        .map_or(default, |n| n.min(f64::from(u32::MAX)) as u32)
}

impl MountOptions {
    /// Reads `mount(options)`; the message says what is wrong.
    pub fn from_js(doc: &Document, o: &JsValue) -> Result<MountOptions, String> {
        if !o.is_object() {
            return Err("mount(options): options must be an object".into());
        }
        let fields = js::get(o, "fields");
        let messages_arg = js::get(o, "messages");
        let mut inputs = Vec::new();
        let mut messages = Vec::new();
        for field in Field::ALL {
            let what = js::cat(&["fields.", field.name()]);
            let el = element_arg(doc, &js::get(&fields, field.name()), &what)?
                .ok_or_else(|| js::cat(&[&what, " is required"]))?;
            let input = el
                .dyn_into::<HtmlInputElement>()
                .map_err(|_| js::cat(&[&what, " must be an <input>"]))?;
            inputs.push(input);
            messages.push(element_arg(
                doc,
                &js::get(&messages_arg, field.name()),
                &js::cat(&["messages.", field.name()]),
            )?);
        }
        let session_arg = js::get(o, "session");
        let session = if session_arg.is_object() {
            Some(Session::from_js(&session_arg)?)
        } else {
            None
        };
        let locale = js::string(o, "locale")
            .and_then(|l| Locale::from_tag(&l))
            .unwrap_or_else(|| page_locale(doc));
        let t = js::get(o, "threeDS");
        let three_ds = match js::string(&t, "mode").as_deref() {
            None | Some("iframe") => ThreeDsMode::Iframe,
            Some("redirect") => ThreeDsMode::Redirect {
                return_url: js::string(&t, "returnUrl")
                    .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
                    .ok_or("threeDS.returnUrl (an absolute URL) is required in redirect mode")?,
            },
            Some(_) => return Err("threeDS.mode must be 'iframe' or 'redirect'".into()),
        };
        let accepted = js::strings(&js::get(o, "acceptedBrands"));
        let today_arg = js::get(o, "today");
        let today = if today_arg.is_object() {
            let n = |k: &str| js::get(&today_arg, k).as_f64().unwrap_or(0.0);
            YearMonth::new(n("year") as u16, n("month") as u8)
        } else {
            None
        };
        let defaults = Timeouts::default();
        let to = js::get(o, "timeouts");
        let timeouts = Timeouts {
            request: ms_arg(&to, "request", defaults.request),
            pay: ms_arg(&to, "pay", defaults.pay),
            pending: ms_arg(&to, "pending", defaults.pending),
            method: ms_arg(&to, "method", defaults.method),
            challenge: ms_arg(
                &t,
                "challengeTimeout",
                ms_arg(&to, "challenge", defaults.challenge),
            ),
        };
        let [number, expiry, cvv, holder]: [HtmlInputElement; 4] = inputs
            .try_into()
            .map_err(|_| "four fields are required".to_owned())?;
        let [m0, m1, m2, m3]: [Option<Element>; 4] = messages
            .try_into()
            .map_err(|_| "four fields are required".to_owned())?;
        Ok(MountOptions {
            inputs: [number, expiry, cvv, holder],
            messages: [m0, m1, m2, m3],
            brand_choice: element_arg(doc, &js::get(o, "brandChoice"), "brandChoice")?,
            session,
            locale,
            three_ds,
            default_brand: js::string(o, "defaultBrand"),
            accepted,
            timeouts,
            today,
        })
    }
}

/// The page's language (`<html lang>`), then the browser's; English otherwise.
fn page_locale(doc: &Document) -> Locale {
    doc.document_element()
        .and_then(|e| e.get_attribute("lang"))
        .and_then(|l| Locale::from_tag(&l))
        .or_else(|| {
            crate::dom::window()
                .and_then(|w| w.navigator().language())
                .and_then(|l| Locale::from_tag(&l))
        })
        .unwrap_or(Locale::En)
}

impl Controller {
    /// Attaches to the inputs and starts listening.
    pub fn mount(doc: Document, opts: MountOptions) -> Result<Rc<Controller>, String> {
        let accepted = opts
            .accepted
            .clone()
            .or_else(|| opts.session.as_ref().and_then(|s| s.accepted.clone()));
        let mut inputs = Vec::new();
        let [m0, m1, m2, m3] = opts.messages;
        let [i0, i1, i2, i3] = opts.inputs;
        // One array of triples rather than two `zip`s (each an iterator instance of its own).
        for (field, input, message) in [
            (Field::Number, i0, m0),
            (Field::Expiry, i1, m1),
            (Field::Cvv, i2, m2),
            (Field::Holder, i3, m3),
        ] {
            inputs.push(
                CardInput::attach(&doc, input, field, message)
                    .ok_or_else(|| js::cat(&["fields.", field.name(), ": could not attach"]))?,
            );
        }
        let choice = inputs.first().and_then(|n| {
            BrandChoice::new(
                &doc,
                &n.message,
                opts.brand_choice,
                i18n::text(opts.locale, Text::BrandChoice),
            )
        });
        let ctrl = Rc::new(Controller {
            inner: RefCell::new(Inner {
                form: Form::new(accepted, opts.default_brand),
                inputs,
                choice,
                doc: doc.clone(),
                locale: opts.locale,
                session: opts.session,
                three_ds: opts.three_ds,
                timeouts: opts.timeouts,
                destroyed: false,
                today: opts.today,
                last_complete: false,
            }),
            handlers: RefCell::new(Vec::new()),
            listeners: RefCell::new(Vec::new()),
            running: RefCell::new(None),
            step: RefCell::new(None),
            stopped: Cell::new(false),
            ready: Cell::new(false),
        });
        ctrl.listen();
        // Values already there (browser-restored form, autofill before mount) are taken in.
        for field in Field::ALL {
            ctrl.refresh(field, None, false);
        }
        // `ready` fires after mount returns, so a handler registered right away sees it.
        let weak = Rc::downgrade(&ctrl);
        // Run as a promise's future like `submit`, so the futures runtime is linked once.
        let _ = crate::api::promise(Box::pin(async move {
            if let Some(c) = weak.upgrade() {
                c.ready.set(true);
                c.emit("ready", &Object::new().into());
            }
            JsValue::UNDEFINED
        }));
        Ok(ctrl)
    }

    fn listen(self: &Rc<Self>) {
        let inner = self.inner.borrow();
        let mut listeners = Vec::new();
        for (field, input) in Field::ALL.into_iter().zip(&inner.inputs) {
            let target: &web_sys::EventTarget = input.input.unchecked_ref();
            let w = Rc::downgrade(self);
            listeners.push(EventListener::new(target, "input", move |e| {
                let kind = e
                    .dyn_ref::<web_sys::InputEvent>()
                    .map(web_sys::InputEvent::input_type);
                with(&w, |c| c.refresh(field, kind.as_deref(), true));
            }));
            // Some autofill and password managers fire only `change` (adyen-web PR #3279).
            let w = Rc::downgrade(self);
            listeners.push(EventListener::new(target, "change", move |_| {
                with(&w, |c| c.refresh(field, None, true));
            }));
            let w = Rc::downgrade(self);
            listeners.push(EventListener::new(target, "focus", move |_| {
                with(&w, |c| c.on_focus(field, true));
            }));
            let w = Rc::downgrade(self);
            listeners.push(EventListener::new(target, "blur", move |_| {
                with(&w, |c| c.on_focus(field, false));
            }));
        }
        if let Some(choice) = &inner.choice {
            let w = Rc::downgrade(self);
            listeners.push(EventListener::new(
                choice.root.unchecked_ref(),
                "change",
                move |e| {
                    let value = e
                        .target()
                        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                        .map(|i| i.value());
                    if let Some(v) = value {
                        with(&w, |c| c.on_choose(&v));
                    }
                },
            ));
        }
        drop(inner);
        *self.listeners.borrow_mut() = listeners;
    }

    /// Re-reads a field after an edit: formats it (number, expiry), checks it, renders, emits.
    pub fn refresh(&self, field: Field, input_type: Option<&str>, emit: bool) {
        let mut events: Vec<(&'static str, JsValue)> = Vec::new();
        {
            let Ok(mut inner) = self.inner.try_borrow_mut() else {
                return;
            };
            if inner.destroyed {
                return;
            }
            let inner = &mut *inner;
            let Some(today) = today(inner.today) else {
                return;
            };
            let Some(input) = inner.inputs.get(field as usize) else {
                return;
            };
            let focused = input.has_focus();
            let value = Zeroizing::new(input.value());
            let edit = input_type.map_or(Edit::Unknown, Edit::from_input_type);
            let caret = input.caret();
            let value = match field {
                Field::Number | Field::Expiry => {
                    let f = crate::api::with_table(|t| {
                        if field == Field::Number {
                            format_number(t, &value, caret, edit)
                        } else {
                            format_expiry(&value, caret, edit)
                        }
                    });
                    input.set_formatted(&f.value, f.caret, focused);
                    Zeroizing::new(f.value)
                }
                _ => value,
            };
            let changes = crate::api::with_table(|t| inner.form.update(t, field, &value, today));
            drop(value);
            if changes.cvv_rule && field != Field::Cvv {
                if let Some(cvv) = inner.inputs.get(Field::Cvv as usize) {
                    let v = Zeroizing::new(cvv.value());
                    crate::api::with_table(|t| inner.form.update(t, Field::Cvv, &v, today));
                }
                follow_cvv_rule(inner);
                render(inner, Field::Cvv);
            }
            if field == Field::Number {
                let max = inner.form.number_max_chars();
                if let Some(n) = inner.inputs.first() {
                    n.set_max_length(max);
                }
            }
            if changes.brands {
                render_choice(inner);
                if emit {
                    events.push(("brand", brand_detail(&inner.form)));
                }
            }
            render(inner, field);
            if emit && self.has_handler("change") {
                events.push(("change", change_detail(&inner.form, field)));
            }
            let complete = inner.form.complete();
            if complete != inner.last_complete {
                inner.last_complete = complete;
                if emit {
                    events.push((
                        "complete",
                        js::object(&[("complete", complete.into())]).into(),
                    ));
                }
            }
        }
        for (name, detail) in events {
            self.emit(name, &detail);
        }
    }

    fn on_focus(&self, field: Field, focused: bool) {
        let mut events: Vec<(&'static str, JsValue)> = Vec::new();
        {
            let Ok(mut inner) = self.inner.try_borrow_mut() else {
                return;
            };
            if inner.destroyed {
                return;
            }
            let inner = &mut *inner;
            if focused {
                inner.form.focus(field);
            } else {
                inner.form.blur(field);
            }
            render(inner, field);
            let detail: JsValue = js::object(&[("field", field.name().into())]).into();
            events.push((if focused { "focus" } else { "blur" }, detail));
            if !focused && self.has_handler("change") {
                events.push(("change", change_detail(&inner.form, field)));
            }
        }
        for (name, detail) in events {
            self.emit(name, &detail);
        }
    }

    fn on_choose(&self, payline_type: &str) {
        let detail = {
            let Ok(mut inner) = self.inner.try_borrow_mut() else {
                return;
            };
            let inner = &mut *inner;
            let changes = crate::api::with_table(|t| inner.form.choose_brand(t, payline_type));
            if let (true, Some(today)) = (changes.cvv_rule, today(inner.today)) {
                if let Some(cvv) = inner.inputs.get(Field::Cvv as usize) {
                    let v = Zeroizing::new(cvv.value());
                    crate::api::with_table(|t| inner.form.update(t, Field::Cvv, &v, today));
                }
                follow_cvv_rule(inner);
                render(inner, Field::Cvv);
            }
            if !changes.brands {
                return;
            }
            render_choice(inner);
            brand_detail(&inner.form)
        };
        self.emit("brand", &detail);
    }

    /// Registers a callback; `ready` registered after the fact is called at once.
    pub fn on(&self, name: &str, f: Function) {
        if name == "ready" && self.ready.get() {
            let _ = f.call1(&JsValue::NULL, &Object::new());
        }
        self.handlers.borrow_mut().push((name.to_owned(), f));
    }

    /// Removes a callback registered with `on`.
    pub fn off(&self, name: &str, f: &Function) {
        self.handlers
            .borrow_mut()
            .retain(|(n, g)| !(n == name && JsValue::from(g) == JsValue::from(f)));
    }

    fn has_handler(&self, name: &str) -> bool {
        self.handlers.borrow().iter().any(|(n, _)| n == name)
    }

    /// Calls every callback of `name`. A throwing callback does not stop the others.
    pub fn emit(&self, name: &str, detail: &JsValue) {
        let mut fs: Vec<Function> = Vec::new();
        for (n, f) in self.handlers.borrow().iter() {
            if n == name {
                fs.push(f.clone());
            }
        }
        for f in fs {
            let _ = f.call1(&JsValue::NULL, detail);
        }
    }

    /// `handle.state()`.
    pub fn state(&self) -> JsValue {
        let Ok(inner) = self.inner.try_borrow() else {
            return JsValue::NULL;
        };
        let fields = Object::new();
        for field in Field::ALL {
            js::set(&fields, field.name(), field_state(&inner.form, field));
        }
        let out = js::object(&[
            ("complete", inner.form.complete().into()),
            ("fields", fields.into()),
            ("submitting", self.running.borrow().is_some().into()),
        ]);
        let brand = brand_detail(&inner.form);
        js::set(&out, "brands", js::get(&brand, "brands"));
        js::set(&out, "brand", js::get(&brand, "brand"));
        out.into()
    }

    /// `handle.clear()`: empties the inputs and forgets their state.
    pub fn clear(&self) {
        {
            let Ok(mut inner) = self.inner.try_borrow_mut() else {
                return;
            };
            if inner.destroyed {
                return;
            }
            let inner = &mut *inner;
            for input in &inner.inputs {
                input.clear();
            }
            inner.form.reset();
            inner.last_complete = false;
            render_choice(inner);
            for field in Field::ALL {
                render(inner, field);
            }
        }
        for field in Field::ALL {
            self.refresh(field, None, false);
        }
    }

    /// Empties the security code (after a result: it must not stay in the page).
    pub fn clear_cvv(&self) {
        if let Ok(inner) = self.inner.try_borrow()
            && let Some(cvv) = inner.inputs.get(Field::Cvv as usize)
        {
            cvv.clear();
        }
        self.refresh(Field::Cvv, None, true);
    }

    /// Whether `destroy()` was called (readable at any time, borrow-free).
    pub fn stopped(&self) -> bool {
        self.stopped.get()
    }

    /// `handle.destroy()`: removes listeners and everything the module added, including an open
    /// 3-D Secure dialog or 3DS Method iframe; a running `submit()` then settles (see `flow`).
    /// Idempotent.
    pub fn destroy(&self) {
        self.stopped.set(true);
        self.listeners.borrow_mut().clear();
        self.handlers.borrow_mut().clear();
        // Taken out before it is dropped: dropping the dialog gives focus back (with the input
        // listeners and callbacks already gone, nothing of ours runs), and nothing must find
        // the cell borrowed meanwhile.
        let step = self.step.try_borrow_mut().ok().and_then(|mut s| s.take());
        if let Some(step) = step {
            step.stop();
        }
        let Ok(mut inner) = self.inner.try_borrow_mut() else {
            return;
        };
        if inner.destroyed {
            return;
        }
        inner.destroyed = true;
        for input in &mut inner.inputs {
            input.detach();
        }
        if let Some(choice) = inner.choice.take() {
            choice.remove();
        }
    }
}

fn with(w: &Weak<Controller>, f: impl FnOnce(&Controller)) {
    if let Some(c) = w.upgrade() {
        f(&c);
    }
}

/// The CVV input follows the brand's rule: its length, and whether it may stay empty.
fn follow_cvv_rule(inner: &mut Inner) {
    let max = u32::from(inner.form.cvv_max_length());
    let required = if inner.form.cvv_required() {
        "true"
    } else {
        "false"
    };
    if let Some(cvv) = inner.inputs.get_mut(Field::Cvv as usize) {
        cvv.set_owned_attribute("maxlength", &js::decimal(max));
        cvv.set_owned_attribute("aria-required", required);
    }
}

/// Renders one field from the form state.
pub fn render(inner: &mut Inner, field: Field) {
    let view = inner.form.view(field);
    let focused = inner.form.focused(field);
    let text = view
        .message
        .map(|p| i18n::field_message(inner.locale, field, p));
    if let Some(input) = inner.inputs.get_mut(field as usize) {
        input.render(view, focused, text);
    }
}

fn render_choice(inner: &mut Inner) {
    let chosen = inner.form.chosen_brand().map(|b| b.payline_type.clone());
    let co = inner.form.co_badged();
    if let Some(choice) = &mut inner.choice {
        choice.render(&inner.doc, inner.form.brands(), chosen.as_deref(), co);
    }
}

/// `{brands: [{id, name, paylineType}], brand: paylineType | null, coBadged}`.
fn brand_detail(form: &Form) -> JsValue {
    // Filled with `push`, as in api.rs: no `collect::<Array>()` instance.
    let brands = Array::new();
    for b in form.brands() {
        brands.push(&js::object(&[
            ("id", b.id.as_str().into()),
            ("name", b.name.as_str().into()),
            ("paylineType", b.payline_type.as_str().into()),
        ]));
    }
    let brand = form
        .chosen_brand()
        .map_or(JsValue::NULL, |b| b.payline_type.as_str().into());
    js::object(&[
        ("brands", brands.into()),
        ("brand", brand),
        ("coBadged", form.co_badged().into()),
    ])
    .into()
}

fn field_state(form: &Form, field: Field) -> JsValue {
    let (validity, empty) = form.validity(field);
    let view = form.view(field);
    js::object(&[
        ("state", view.look.name().into()),
        ("empty", empty.into()),
        ("valid", (form.problem(field).is_none()).into()),
        ("potentiallyValid", validity.potentially_valid.into()),
        (
            "error",
            view.message.map_or(JsValue::NULL, |p| p.code().into()),
        ),
    ])
    .into()
}

/// `{field, state, empty, valid, potentiallyValid, error, complete, brands, brand}`.
fn change_detail(form: &Form, field: Field) -> JsValue {
    let detail: Object = field_state(form, field).unchecked_into();
    js::set(&detail, "field", field.name());
    js::set(&detail, "complete", form.complete());
    let brand = brand_detail(form);
    js::set(&detail, "brands", js::get(&brand, "brands"));
    js::set(&detail, "brand", js::get(&brand, "brand"));
    detail.into()
}
