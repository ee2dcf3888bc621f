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
//! `submit()` validates and reads the card here, then hands over to `flow::run`. The running
//! flow parks whatever it waits on in the page (the 3-D Secure dialog or the 3DS Method iframe,
//! their listeners and timer) in [`Controller::shared`], so `destroy()` can remove it at once.
//! `destroy()` only takes the step out, drops it and resolves its latch: the flow resumes
//! later, in a microtask, never inside `destroy()`.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use card_core::{
    CardNumber, Cvv, Edit, YearMonth, Zeroizing, format_expiry, format_number, normalize_holder,
    parse_expiry,
};
use js_sys::{Array, Function, Object};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, HtmlInputElement};

use crate::dom::choice::BrandChoice;
use crate::dom::fields::CardInput;
use crate::dom::listener::EventListener;
use crate::flow::{self, Shared};
use crate::form::{Field, Form};
use crate::i18n::{self, Locale, Text};
use crate::js;
use crate::options::{MountOptions, Session, ThreeDsMode, Timeouts};
use crate::table::with_table;
use crate::transport::CardData;

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
    /// The merchant's "save this card" box (shown only when the session offers saving).
    pub save_card: Option<(web_sys::Element, HtmlInputElement)>,
    last_complete: bool,
}

/// A mounted checkout.
#[derive(Debug)]
pub struct Controller {
    /// The callbacks, and what the running submit waits on in the page (`destroy()` removes
    /// it); shared with the flow.
    pub shared: Shared,
    /// State (borrowed briefly, never across a callback or an await).
    pub inner: RefCell<Inner>,
    listeners: RefCell<Vec<EventListener>>,
    /// The running submit's promise: a second submit returns it.
    pub running: RefCell<Option<js_sys::Promise>>,
    ready: Cell<bool>,
    /// Isolated fields: the shop page's "save this card" box, read there and sent with the
    /// submit (the frame has no box of its own).
    pub save_choice: Cell<Option<bool>>,
}

/// The browser's current month (local time), or the test hook's; `None` only for a clock
/// outside 2000–9999.
fn today(hook: Option<YearMonth>) -> Option<YearMonth> {
    hook.or_else(|| {
        let now = js_sys::Date::new_0();
        YearMonth::new(
            u16::try_from(now.get_full_year()).ok()?,
            u8::try_from(now.get_month() + 1).ok()?,
        )
    })
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
        crate::options::show_save_box(
            opts.save_card.as_ref(),
            opts.session.as_ref().is_some_and(|s| s.offers_save),
        );
        let ctrl = Rc::new(Controller {
            shared: Shared::default(),
            inner: RefCell::new(Inner {
                form: Form::new(accepted, opts.default_brand),
                inputs,
                choice,
                doc: doc.clone(),
                locale: opts.locale,
                save_card: opts.save_card,
                session: opts.session,
                three_ds: opts.three_ds,
                timeouts: opts.timeouts,
                destroyed: false,
                today: opts.today,
                last_complete: false,
            }),
            listeners: RefCell::new(Vec::new()),
            running: RefCell::new(None),
            ready: Cell::new(false),
            save_choice: Cell::new(None),
        });
        ctrl.listen();
        // Values already there (browser-restored form, autofill before mount) are taken in.
        for field in Field::ALL {
            ctrl.refresh(field, None, false);
        }
        // `ready` fires after mount returns, so a handler registered right away sees it.
        let weak = Rc::downgrade(&ctrl);
        // Run as a promise's future like `submit`, so the futures runtime is linked once.
        let _ = js::promise(Box::pin(async move {
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
                    let f = with_table(|t| {
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
            let changes = with_table(|t| inner.form.update(t, field, &value, today));
            drop(value);
            if changes.cvv_rule && field != Field::Cvv {
                if let Some(cvv) = inner.inputs.get(Field::Cvv as usize) {
                    let v = Zeroizing::new(cvv.value());
                    with_table(|t| inner.form.update(t, Field::Cvv, &v, today));
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
            let changes = with_table(|t| inner.form.choose_brand(t, payline_type));
            if let (true, Some(today)) = (changes.cvv_rule, today(inner.today)) {
                if let Some(cvv) = inner.inputs.get(Field::Cvv as usize) {
                    let v = Zeroizing::new(cvv.value());
                    with_table(|t| inner.form.update(t, Field::Cvv, &v, today));
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
        self.shared.events.on(name, f);
    }

    /// Removes a callback registered with `on`.
    pub fn off(&self, name: &str, f: &Function) {
        self.shared.events.off(name, f);
    }

    fn has_handler(&self, name: &str) -> bool {
        self.shared.events.has(name)
    }

    /// Calls every callback of `name`. A throwing callback does not stop the others.
    fn emit(&self, name: &str, detail: &JsValue) {
        self.shared.events.emit(name, detail);
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

    /// `handle.focus(field)`: moves focus to a field (the number by default).
    pub fn focus(&self, field: Field) {
        if let Ok(inner) = self.inner.try_borrow()
            && let Some(input) = inner.inputs.get(field as usize)
            && !inner.destroyed
        {
            let _ = input.input.focus();
        }
    }

    /// `handle.blur()`: takes focus out of whichever field has it.
    pub fn blur(&self) {
        if let Ok(inner) = self.inner.try_borrow() {
            let active = inner.doc.active_element();
            for input in &inner.inputs {
                if active.as_ref() == Some(input.input.unchecked_ref()) {
                    let _ = input.input.blur();
                }
            }
        }
    }

    /// Empties the security code (after a result: it must not stay in the page).
    fn clear_cvv(&self) {
        if let Ok(inner) = self.inner.try_borrow()
            && let Some(cvv) = inner.inputs.get(Field::Cvv as usize)
        {
            cvv.clear();
        }
        self.refresh(Field::Cvv, None, true);
    }

    /// `handle.destroy()`: removes listeners and everything the module added, including an open
    /// 3-D Secure dialog or 3DS Method iframe; a running `submit()` then settles (see `flow`).
    /// Idempotent.
    pub fn destroy(&self) {
        // The input listeners go first: stopping the submit's step may give focus back to an
        // input, and nothing of ours must run then.
        self.listeners.borrow_mut().clear();
        self.shared.stop();
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

/// A submit ready to go: the job, the card, the chosen brand, the holder and the "save this
/// card" box (when the session offers it).
type Prepared = (flow::Job, CardData, String, String, Option<bool>);
/// A submit that stops here: its result, and the field to focus.
type Stopped = (JsValue, Option<web_sys::HtmlInputElement>);

/// Validates and collects the card.
fn prepare(ctrl: &Controller) -> Result<Prepared, Stopped> {
    let mut inner = ctrl.inner.borrow_mut();
    let inner = &mut *inner;
    let locale = inner.locale;
    if inner.destroyed {
        return Err((flow::result::destroyed(locale), None));
    }
    let Some(today) = today(inner.today) else {
        return Err((
            flow::result::error("clock", i18n::text(locale, Text::Server)),
            None,
        ));
    };
    // Re-read every field: a password manager may have changed values without events.
    for field in Field::ALL {
        if let Some(input) = inner.inputs.get(field as usize) {
            let v = Zeroizing::new(input.value());
            with_table(|t| inner.form.update(t, field, &v, today));
        }
    }
    inner.form.touch_all();
    for field in Field::ALL {
        render(inner, field);
    }
    if !inner.form.complete() {
        let fields = Object::new();
        let mut first = None;
        for field in Field::ALL {
            if let Some(p) = inner.form.view(field).message {
                js::set(&fields, field.name(), i18n::field_message(locale, field, p));
                if first.is_none() {
                    first = inner.inputs.get(field as usize).map(|i| i.input.clone());
                }
            }
        }
        let r = js::object(&[("status", "invalid".into()), ("fields", fields.into())]);
        return Err((r.into(), first));
    }
    let Some(session) = inner.session.clone() else {
        return Err((
            flow::result::error("no_session", i18n::text(locale, Text::NoSession)),
            None,
        ));
    };
    let brand = inner
        .form
        .chosen_brand()
        .map(|b| b.payline_type.clone())
        .unwrap_or_default();
    let cvv_rule = inner.form.cvv_rule();
    let read = |f: Field| {
        inner
            .inputs
            .get(f as usize)
            .map(|i| Zeroizing::new(i.value()))
    };
    let card = with_table(|t| {
        let number = CardNumber::parse(t, read(Field::Number)?.as_str()).ok()?;
        let expiry = parse_expiry(read(Field::Expiry)?.as_str(), today).ok()?;
        let cvv_text = read(Field::Cvv)?;
        let cvv = if cvv_text.is_empty() {
            None
        } else {
            Some(Cvv::parse(&cvv_text, cvv_rule).ok()?)
        };
        Some(CardData {
            number,
            expiry: Zeroizing::new(expiry.payline_mmyy()),
            cvv,
        })
    });
    let holder = read(Field::Holder)
        .map(|h| normalize_holder(&h))
        .unwrap_or_default();
    let Some(card) = card else {
        return Err((
            flow::result::error("invalid", i18n::text(locale, Text::Server)),
            None,
        ));
    };
    let save = inner
        .save_card
        .as_ref()
        .map(|(_, input)| input.checked())
        .or(ctrl.save_choice.get())
        .filter(|_| session.offers_save);
    Ok((job_of(inner, session), card, brand, holder, save))
}

fn job_of(inner: &Inner, session: Session) -> flow::Job {
    flow::Job {
        session,
        three_ds: inner.three_ds.clone(),
        timeouts: inner.timeouts,
        locale: inner.locale,
        doc: inner.doc.clone(),
    }
}

/// `handle.submit({savedCard})`: nothing to validate or tokenize, only a session to pay in.
fn prepare_saved(ctrl: &Controller) -> Result<flow::Job, JsValue> {
    let inner = ctrl.inner.borrow();
    let locale = inner.locale;
    if inner.destroyed {
        return Err(flow::result::destroyed(locale));
    }
    let Some(session) = inner.session.clone() else {
        return Err(flow::result::error(
            "no_session",
            i18n::text(locale, Text::NoSession),
        ));
    };
    Ok(job_of(&inner, session))
}

/// `handle.submit()` of a mounted form: the running submit's promise when there is one (one
/// payment, however many clicks), else a new submit. The submit clears `running` itself just
/// before it reports the result.
pub fn submit_once(ctrl: &Rc<Controller>, saved_card: Option<String>) -> js_sys::Promise {
    if let Some(p) = ctrl.running.borrow().as_ref() {
        return p.clone();
    }
    let promise = js::promise(Box::pin(submit(ctrl.clone(), saved_card)));
    *ctrl.running.borrow_mut() = Some(promise.clone());
    promise
}

/// `handle.submit()`: the whole checkout (the flow does the part after the form). Resolves
/// with a result; never rejects.
pub async fn submit(ctrl: Rc<Controller>, saved_card: Option<String>) -> JsValue {
    if let Some(card_id) = saved_card {
        let mut job = match prepare_saved(&ctrl) {
            Ok(j) => j,
            Err(r) => {
                finish(&ctrl, &r);
                return r;
            }
        };
        ctrl.emit("submit", &Object::new().into());
        let r = flow::run_saved(&ctrl.shared, &mut job, &card_id).await;
        if js::string(&r, "status").as_deref() == Some("error") {
            ctrl.emit("error", &r);
        }
        finish(&ctrl, &r);
        return r;
    }
    let (mut job, card, brand, holder, save) = match prepare(&ctrl) {
        Ok(x) => x,
        Err((r, focus)) => {
            if let Some(f) = focus {
                let _ = f.focus();
            }
            finish(&ctrl, &r);
            return r;
        }
    };
    ctrl.emit("submit", &Object::new().into());
    let r = flow::run(&ctrl.shared, &mut job, card, &brand, &holder, save).await;
    // The tokenizer data may have been swapped for a retry: keep it for the next submit.
    if let Ok(mut inner) = ctrl.inner.try_borrow_mut()
        && let Some(s) = inner.session.as_mut()
    {
        s.tokenizer = job.session.tokenizer.clone();
    }
    // After destroy() the inputs are the merchant's again: left alone.
    if !ctrl.shared.stopped() {
        ctrl.clear_cvv();
    }
    if js::string(&r, "status").as_deref() == Some("error") {
        ctrl.emit("error", &r);
    }
    finish(&ctrl, &r);
    r
}

/// Ends a submit: the next `submit()` (even one made by a `result` callback) starts afresh.
fn finish(ctrl: &Controller, r: &JsValue) {
    ctrl.running.borrow_mut().take();
    ctrl.emit("result", r);
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
fn render(inner: &mut Inner, field: Field) {
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
