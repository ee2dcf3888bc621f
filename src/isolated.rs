//! `mount({isolated: true, container, ...})` in the shop page: one iframe from the payment
//! server's origin holds the four inputs (see `frame`), and this side only relays. The handle
//! behaves as the in-page one: the same events (relayed from the frame, never a card digit),
//! `submit()` resolving with the frame's result, `state()`, `clear()`, `focus()`, `blur()`,
//! `destroy()`.
//!
//! The page's part of 3-D Secure: the challenge dialog is drawn inside the frame, so for the
//! time of a challenge the iframe covers the viewport and the rest of the page is `inert`;
//! in redirect mode the frame hands the ACS form to this side, which posts it in the top
//! window (a cross-origin iframe may not navigate its top window without user activation).

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use js_sys::{Array, Function, Object, Promise};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    Document, Element, HtmlElement, HtmlFormElement, HtmlIFrameElement, HtmlInputElement,
    MessageChannel, MessageEvent, MessagePort,
};

use crate::channel::{self, TO_PAGE};
use crate::dom::frames::post_form;
use crate::dom::listener::{EventListener, Timeout};
use crate::events::{self, Events};
use crate::flow::result;
use crate::i18n::{self, Locale, Text};
use crate::js;
use crate::options::{self, Session, Timeouts};

/// How long `destroy()` waits for a running submit in the frame to settle (it abandons a
/// 3-D Secure attempt first) before it removes the frame regardless.
const DESTROY_GRACE_MS: u32 = 5_000;
/// Largest frame height taken from the frame's messages (CSS px).
const MAX_HEIGHT: f64 = 4_000.0;

/// The shop page's side of isolated fields.
pub struct Isolated {
    events: Events,
    frame: HtmlIFrameElement,
    frame_origin: String,
    nonce: String,
    locale: Locale,
    init: JsValue,
    port: RefCell<Option<MessagePort>>,
    listeners: RefCell<Vec<EventListener>>,
    timer: RefCell<Option<Timeout>>,
    /// Commands written before the frame was ready, sent once it is.
    queued: RefCell<Vec<JsValue>>,
    /// Resolvers of running submits, by id.
    submits: RefCell<Vec<(f64, Function)>>,
    next_id: Cell<f64>,
    /// A second `submit()` while one runs gets the same promise.
    pub running: RefCell<Option<Promise>>,
    state: RefCell<JsValue>,
    ready: Cell<bool>,
    /// The error result every submit gets once the frame failed.
    failure: RefCell<Option<JsValue>>,
    destroyed: Cell<bool>,
    expanded: RefCell<Option<Expanded>>,
    height: Cell<f64>,
    save_card: Option<(Element, HtmlInputElement)>,
    offers_save: bool,
}

impl std::fmt::Debug for Isolated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Isolated")
            .field("frame_origin", &self.frame_origin)
            .field("ready", &self.ready)
            .field("destroyed", &self.destroyed)
            .finish_non_exhaustive()
    }
}

/// The page while the frame covers it for a challenge.
struct Expanded {
    inerted: Vec<Element>,
    previous_focus: Option<Element>,
}

fn style(el: &HtmlIFrameElement, name: &str, value: &str) {
    let _ = el
        .unchecked_ref::<HtmlElement>()
        .style()
        .set_property(name, value);
}

fn unstyle(el: &HtmlIFrameElement, name: &str) {
    let _ = el
        .unchecked_ref::<HtmlElement>()
        .style()
        .remove_property(name);
}

impl Isolated {
    /// Inserts the frame into `options.container` and starts the handshake. The options are
    /// checked here as well as in the frame, so a mistake throws from `mount()` at once.
    pub fn mount(doc: &Document, o: &JsValue) -> Result<Rc<Isolated>, String> {
        let container = options::element_arg(doc, &js::get(o, "container"), "container")?
            .ok_or("container is required with isolated: true")?;
        let session_arg = js::get(o, "session");
        if !session_arg.is_object() {
            return Err("session is required with isolated: true (the frame is served by the payment server it names)".into());
        }
        let session = Session::from_js(&session_arg)?;
        if !crate::transport::secure_url(&session.pay_url) {
            return Err(
                "session.payUrl must be https (or http on this machine) for isolated fields".into(),
            );
        }
        channel::read_style(&js::get(o, "style"))?;
        options::three_ds_from_js(&js::get(o, "threeDS"))?;
        let locale = js::string(o, "locale")
            .and_then(|l| Locale::from_tag(&l))
            .unwrap_or_else(|| options::page_locale(doc));
        let save_card = options::save_card_arg(doc, o)?;
        options::show_save_box(save_card.as_ref(), session.offers_save);
        let init = channel::forwarded(o);
        js::set(&init, "locale", locale.tag());
        // A language loaded on demand lives in this page's instance of the module only: its
        // texts go to the frame, whose own instance starts with English and French alone.
        if let Some(texts) = i18n::loaded(locale).filter(|_| !locale.built_in()) {
            let array = js_sys::Array::new();
            for t in texts {
                array.push(&JsValue::from_str(t));
            }
            js::set(&init, "messages", array);
        }
        let style_arg = js::get(o, "style");
        if !style_arg.is_undefined() {
            js::set(&init, "style", style_arg);
        }
        let page_origin = crate::dom::window()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default();
        let nonce = channel::nonce();
        let fragment = web_sys::UrlSearchParams::new().map_err(|_| "no URLSearchParams")?;
        fragment.append("n", &nonce);
        fragment.append("o", &page_origin);
        let src = js::cat(&[
            &session.server_origin,
            "/fields/",
            channel::VERSION,
            "/frame.html#",
            &String::from(fragment.to_string()),
        ]);
        let frame: HtmlIFrameElement = crate::dom::element(doc, "iframe", "cc-fields-frame")
            .and_then(|f| f.dyn_into().ok())
            .ok_or("could not create the iframe")?;
        frame.set_title(i18n::text(locale, Text::FieldsFrame));
        frame.set_src(&src);
        // Sized by CSSOM, which a strict CSP allows (no `style` attribute in markup): full
        // width, no border, and the content's height once the frame reports it.
        style(&frame, "display", "block");
        style(&frame, "width", "100%");
        style(&frame, "border", "0");
        style(&frame, "color-scheme", "normal");
        container
            .append_child(&frame)
            .map_err(|_| "could not insert the iframe into the container")?;
        let request_timeout = js::get(&js::get(o, "timeouts"), "request")
            .as_f64()
            .filter(|n| n.is_finite() && *n > 0.0)
            .map_or(Timeouts::default().request, |n| {
                n.min(f64::from(u32::MAX)) as u32
            });
        let iso = Rc::new(Isolated {
            events: Events::default(),
            frame,
            frame_origin: session.server_origin.clone(),
            nonce,
            locale,
            init: init.into(),
            port: RefCell::new(None),
            listeners: RefCell::new(Vec::new()),
            timer: RefCell::new(None),
            queued: RefCell::new(Vec::new()),
            submits: RefCell::new(Vec::new()),
            next_id: Cell::new(1.0),
            running: RefCell::new(None),
            state: RefCell::new(JsValue::NULL),
            ready: Cell::new(false),
            failure: RefCell::new(None),
            destroyed: Cell::new(false),
            expanded: RefCell::new(None),
            height: Cell::new(0.0),
            save_card,
            offers_save: session.offers_save,
        });
        iso.await_hello();
        let w = Rc::downgrade(&iso);
        *iso.timer.borrow_mut() = Some(Timeout::new(request_timeout, move || {
            with(&w, |i| {
                if !i.ready.get() {
                    i.fail("the fields frame did not answer in time");
                }
            });
        }));
        Ok(iso)
    }

    /// Waits for the frame's `hello` on the window, then opens the channel.
    fn await_hello(self: &Rc<Self>) {
        let Some(win) = crate::dom::window() else {
            return;
        };
        let w = Rc::downgrade(self);
        let listener = EventListener::new(win.unchecked_ref(), "message", move |e| {
            let Some(e) = e.dyn_ref::<MessageEvent>() else {
                return;
            };
            with(&w, |i| i.on_window_message(e));
        });
        self.listeners.borrow_mut().push(listener);
    }

    fn on_window_message(self: &Rc<Self>, e: &MessageEvent) {
        if self.port.borrow().is_some() || self.destroyed.get() {
            return;
        }
        let Some(content) = self.frame.content_window() else {
            return;
        };
        let from_frame = e
            .source()
            .is_some_and(|s| JsValue::from(s) == JsValue::from(&content));
        if !from_frame || e.origin() != self.frame_origin {
            return;
        }
        if channel::check(&e.data(), &self.nonce, &[channel::HELLO]).is_none() {
            return;
        }
        let Ok(channel_pair) = MessageChannel::new() else {
            return;
        };
        let port = channel_pair.port1();
        let w = Rc::downgrade(self);
        let listener = EventListener::new(port.unchecked_ref(), "message", move |e| {
            if let Some(e) = e.dyn_ref::<MessageEvent>() {
                let data = e.data();
                with(&w, |i| i.on_port_message(&data));
            }
        });
        port.start();
        let init = channel::message(
            channel::INIT,
            &self.nonce,
            &[("options", self.init.clone())],
        );
        // Only to the payment server's origin (HTML postMessage targetOrigin): if the iframe was
        // navigated elsewhere meanwhile, the options and the port are not delivered.
        let sent = content.post_message_with_transfer(
            &init,
            &self.frame_origin,
            &Array::of1(&channel_pair.port2()),
        );
        if sent.is_err() {
            return;
        }
        // The window listener is done: from now on only the channel counts.
        let mut listeners = self.listeners.borrow_mut();
        listeners.clear();
        listeners.push(listener);
        drop(listeners);
        *self.port.borrow_mut() = Some(port);
    }

    fn on_port_message(self: &Rc<Self>, data: &JsValue) {
        let Some(kind) = channel::check(data, &self.nonce, &TO_PAGE) else {
            return;
        };
        match kind.as_str() {
            "event" => self.on_event(data),
            "result" => {
                let id = js::get(data, "id").as_f64().unwrap_or(f64::NAN);
                let r = js::get(data, "result");
                // Focus to the first field in error, as in-page: the page's focus is on its own
                // Pay button, and a cross-origin frame may not take it by itself (browsers
                // block focus() from a frame without user activation), so the page focuses the
                // iframe and then has the frame focus the field.
                if js::string(&r, "status").as_deref() == Some("invalid") && !self.destroyed.get() {
                    let fields = js::get(&r, "fields");
                    let first = ["number", "expiry", "cvv", "holder"]
                        .into_iter()
                        .find(|f| !js::get(&fields, f).is_undefined());
                    if let Some(field) = first {
                        self.focus(field);
                    }
                }
                self.settle(Some(id), &r);
            }
            "resize" => {
                if let Some(h) = js::get(data, "height")
                    .as_f64()
                    .filter(|h| h.is_finite() && *h >= 0.0)
                {
                    let h = h.min(MAX_HEIGHT);
                    self.height.set(h);
                    if self.expanded.borrow().is_none() {
                        style(
                            &self.frame,
                            "height",
                            &js::cat(&[&js::decimal(h as u32), "px"]),
                        );
                    }
                }
            }
            "navigate" => self.navigate(data),
            "enter" => {
                // The shop's own form, as Enter in an in-page input would submit it.
                let form = self
                    .frame
                    .closest("form")
                    .ok()
                    .flatten()
                    .and_then(|f| f.dyn_into::<HtmlFormElement>().ok());
                if let Some(form) = form
                    && !self.destroyed.get()
                {
                    let _ = form.request_submit();
                }
            }
            "failed" => {
                let reason = js::string(data, "message").unwrap_or_default();
                self.fail(js::clip(&reason, 200));
            }
            "destroyed" => self.remove(),
            _ => {}
        }
    }

    fn on_event(self: &Rc<Self>, data: &JsValue) {
        let name = js::string(data, "name").unwrap_or_default();
        let Some(name) = events::NAMES.iter().find(|n| **n == name).copied() else {
            return;
        };
        let state = js::get(data, "state");
        if state.is_object() {
            *self.state.borrow_mut() = state;
        }
        let detail = js::get(data, "detail");
        match name {
            "ready" => {
                self.ready.set(true);
                self.timer.borrow_mut().take();
                let queued: Vec<JsValue> = self.queued.borrow_mut().drain(..).collect();
                for m in queued {
                    self.send(m);
                }
            }
            "challenge" if js::string(&detail, "mode").as_deref() == Some("iframe") => {
                if js::string(&detail, "phase").as_deref() == Some("start") {
                    self.expand();
                } else {
                    self.collapse();
                }
            }
            _ => {}
        }
        if !self.destroyed.get() {
            self.events.emit(name, &detail);
        }
    }

    /// Redirect mode: posts the ACS form the frame handed over in the top window, to an https
    /// URL only (or loopback http, for the sandbox), as the in-page flow would.
    fn navigate(&self, data: &JsValue) {
        let Some(url) = js::string(data, "url").filter(|u| crate::transport::secure_url(u)) else {
            return;
        };
        let Some(list) = js::get(data, "fields").dyn_into::<Array>().ok() else {
            return;
        };
        let mut fields = Vec::new();
        for pair in list.iter().take(16) {
            let (Some(k), Some(v)) = (js::string(&pair, "0"), js::string(&pair, "1")) else {
                return;
            };
            fields.push((k, v));
        }
        if let Some(doc) = crate::dom::document() {
            let _ = post_form(&doc, &url, "_top", &fields);
        }
    }

    /// The challenge is drawn in the frame: the frame covers the viewport, everything else in
    /// the page becomes `inert` (HTML "inert": no focus, no clicks, hidden from assistive
    /// technology), and focus moves into the frame.
    fn expand(&self) {
        if self.expanded.borrow().is_some() || self.destroyed.get() {
            return;
        }
        let Some(doc) = crate::dom::document() else {
            return;
        };
        let previous_focus = doc.active_element();
        let mut inerted = Vec::new();
        let mut node: Element = self.frame.clone().unchecked_into();
        while let Some(parent) = node.parent_element() {
            let children = parent.children();
            for i in 0..children.length() {
                if let Some(c) = children.item(i)
                    && c != node
                    && !c.has_attribute("inert")
                    && c.set_attribute("inert", "").is_ok()
                {
                    inerted.push(c);
                }
            }
            if parent.tag_name().eq_ignore_ascii_case("body") {
                break;
            }
            node = parent;
        }
        for (name, value) in [
            ("position", "fixed"),
            ("top", "0"),
            ("left", "0"),
            ("width", "100%"),
            ("height", "100%"),
            ("z-index", "2147483647"),
        ] {
            style(&self.frame, name, value);
        }
        let _ = self.frame.unchecked_ref::<HtmlElement>().focus();
        *self.expanded.borrow_mut() = Some(Expanded {
            inerted,
            previous_focus,
        });
    }

    fn collapse(&self) {
        let Some(expanded) = self.expanded.borrow_mut().take() else {
            return;
        };
        for name in ["position", "top", "left", "z-index"] {
            unstyle(&self.frame, name);
        }
        style(&self.frame, "width", "100%");
        style(
            &self.frame,
            "height",
            &js::cat(&[&js::decimal(self.height.get() as u32), "px"]),
        );
        for el in expanded.inerted {
            let _ = el.remove_attribute("inert");
        }
        if let Some(f) = expanded.previous_focus {
            crate::dom::focus(&f);
        }
    }

    /// Sends a command now, or once the frame is ready.
    fn send(&self, message: JsValue) {
        if !self.ready.get() {
            self.queued.borrow_mut().push(message);
            return;
        }
        if let Some(port) = self.port.borrow().as_ref() {
            let _ = port.post_message(&message);
        }
    }

    fn command(&self, kind: &str, fields: &[(&str, JsValue)]) {
        self.send(channel::message(kind, &self.nonce, fields));
    }

    /// The frame failed (did not load in time, or refused the options): an `error` event,
    /// and every submit resolves with `fields_unavailable`.
    fn fail(&self, reason: &str) {
        if self.failure.borrow().is_some() || self.destroyed.get() {
            return;
        }
        let r = result::error(
            "fields_unavailable",
            i18n::text(self.locale, Text::FieldsUnavailable),
        );
        if !reason.is_empty() {
            js::set(r.unchecked_ref::<Object>(), "reason", reason);
        }
        *self.failure.borrow_mut() = Some(r.clone());
        self.queued.borrow_mut().clear();
        self.settle(None, &r);
        self.events.emit("error", &r);
    }

    /// Resolves the submit `id` (every running one when `None`).
    fn settle(&self, id: Option<f64>, r: &JsValue) {
        let done: Vec<Function> = {
            let mut submits = self.submits.borrow_mut();
            let mut done = Vec::new();
            submits.retain(|(sid, f)| {
                if id.is_none_or(|id| id == *sid) {
                    done.push(f.clone());
                    false
                } else {
                    true
                }
            });
            done
        };
        if !done.is_empty() {
            self.running.borrow_mut().take();
            self.collapse();
        }
        for f in done {
            let _ = f.call1(&JsValue::NULL, r);
        }
    }

    /// `handle.submit(options)`.
    pub fn submit(self: &Rc<Self>, options: &JsValue) -> Promise {
        if let Some(p) = self.running.borrow().as_ref() {
            return p.clone();
        }
        if self.destroyed.get() {
            return Promise::resolve(&result::destroyed(self.locale));
        }
        if let Some(r) = self.failure.borrow().as_ref() {
            return Promise::resolve(r);
        }
        let id = self.next_id.get();
        self.next_id.set(id + 1.0);
        let mut resolver = None;
        let promise = Promise::new(&mut |resolve, _| resolver = Some(resolve));
        if let Some(f) = resolver {
            self.submits.borrow_mut().push((id, f));
        }
        let (width, height) = crate::dom::viewport();
        let viewport = js::object(&[("width", width.into()), ("height", height.into())]);
        let mut fields = vec![("id", JsValue::from(id)), ("viewport", viewport.into())];
        if let Some(card) = js::string(options, "savedCard").filter(|c| !c.is_empty()) {
            fields.push(("savedCard", card.into()));
        }
        if self.offers_save
            && let Some((_, input)) = &self.save_card
        {
            fields.push(("saveCard", input.checked().into()));
        }
        *self.running.borrow_mut() = Some(promise.clone());
        self.command("submit", &fields);
        promise
    }

    /// `handle.on(name, f)`; `ready` registered after the fact is called at once.
    pub fn on(&self, name: &str, f: Function) {
        if name == "ready" && self.ready.get() {
            let _ = f.call1(&JsValue::NULL, &Object::new());
        }
        self.events.on(name, f);
    }

    /// `handle.off(name, f)`.
    pub fn off(&self, name: &str, f: &Function) {
        self.events.off(name, f);
    }

    /// The last state the frame reported (`null` before it is ready), with `submitting` as
    /// this side knows it.
    pub fn state(&self) -> JsValue {
        let state = self.state.borrow().clone();
        if let Some(obj) = state.dyn_ref::<Object>() {
            let copy = Object::assign(&Object::new(), obj);
            js::set(&copy, "submitting", self.running.borrow().is_some());
            return copy.into();
        }
        state
    }

    /// `handle.clear()`.
    pub fn clear(&self) {
        if !self.destroyed.get() {
            self.command("clear", &[]);
        }
    }

    /// `handle.focus(field)`: into the frame, then onto the field.
    pub fn focus(&self, field: &str) {
        if self.destroyed.get() {
            return;
        }
        let _ = self.frame.unchecked_ref::<HtmlElement>().focus();
        self.command("focus", &[("field", field.into())]);
    }

    /// `handle.blur()`.
    pub fn blur(&self) {
        if !self.destroyed.get() {
            self.command("blur", &[]);
        }
    }

    /// `handle.destroy()`: no event after this; the page is given back at once (the covering
    /// frame and `inert` go); the frame is told to destroy its form, which abandons a waiting
    /// 3-D Secure attempt, and is removed once it has (or after a grace period). A running
    /// submit resolves with the frame's result (`destroyed`, or an outcome already decided).
    pub fn destroy(self: &Rc<Self>) {
        if self.destroyed.replace(true) {
            return;
        }
        self.events.clear();
        self.collapse();
        self.timer.borrow_mut().take();
        let _ = self.frame.set_attribute("hidden", "");
        if self.submits.borrow().is_empty() || self.port.borrow().is_none() {
            self.settle(None, &result::destroyed(self.locale));
            self.remove();
            return;
        }
        if let Some(port) = self.port.borrow().as_ref() {
            let _ = port.post_message(&channel::message("destroy", &self.nonce, &[]));
        }
        let w = Rc::downgrade(self);
        let locale = self.locale;
        *self.timer.borrow_mut() = Some(Timeout::new(DESTROY_GRACE_MS, move || {
            with(&w, |i| {
                i.settle(None, &result::destroyed(locale));
                i.remove();
            });
        }));
    }

    /// Removes the iframe and closes the channel.
    fn remove(&self) {
        self.frame.remove();
        self.listeners.borrow_mut().clear();
        if let Some(port) = self.port.borrow_mut().take() {
            port.close();
        }
        self.timer.borrow_mut().take();
        if self.destroyed.get() {
            self.settle(None, &result::destroyed(self.locale));
        }
    }
}

fn with(w: &Weak<Isolated>, f: impl FnOnce(&Rc<Isolated>)) {
    if let Some(i) = w.upgrade() {
        f(&i);
    }
}
