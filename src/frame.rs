//! Inside the isolated fields' iframe (`/fields/<version>/frame.html`, served by the payment
//! server from its own origin): the four inputs, the same [`Controller`] as the in-page mode, and
//! the frame's end of the channel (see `channel`). The shop page gets events, states and
//! results; the card itself is read, tokenized and paid for here and never leaves this document
//! except to the tokenizer.
//!
//! What the frame trusts: its own URL (the nonce and the shop's origin, checked against
//! `location.ancestorOrigins` where the browser has it) and its own origin. The options come from
//! the shop page and are checked as untrusted input: the session's pay and status URLs must be
//! this origin (the client secret goes nowhere else), the style passes the allow-list again, and
//! the frame document's CSP (`connect-src`: this origin and the configured tokenizer only) keeps
//! a forged tokenizer URL from ever receiving the card.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Object};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    Document, Element, HtmlElement, HtmlInputElement, MessageEvent, MessagePort, Window,
};

use crate::channel::{self, TO_FRAME};
use crate::controller::Controller;
use crate::dom::listener::EventListener;
use crate::events;
use crate::form::Field;
use crate::i18n::{self, Locale, Text};
use crate::js;
use crate::options::{MountOptions, Session};

/// What the frame keeps alive for the page's lifetime.
struct Frame {
    nonce: String,
    port: Option<MessagePort>,
    ctrl: Option<Rc<Controller>>,
    listeners: Vec<EventListener>,
}

thread_local! {
    static FRAME: RefCell<Option<Frame>> = const { RefCell::new(None) };
}

/// Starts the frame: says hello to the shop page and waits for its options. Does nothing outside
/// an iframe or with a malformed URL (the page shows its static notice then).
pub fn run() {
    let Some(w) = crate::dom::window() else {
        return;
    };
    let Some((nonce, parent_origin)) = w
        .location()
        .hash()
        .ok()
        .and_then(|h| channel::parse_fragment(&h))
    else {
        return;
    };
    let Ok(Some(parent)) = w.parent() else {
        return;
    };
    if JsValue::from(&parent) == JsValue::from(&w) || !ancestor_is(&w, &parent_origin) {
        return;
    }
    let hello = channel::message(channel::HELLO, &nonce, &[]);
    // Delivered only if the embedding page really is `parent_origin` (HTML postMessage
    // targetOrigin), so a page that framed us under another origin learns nothing.
    if parent.post_message(&hello, &parent_origin).is_err() {
        return;
    }
    let expected = nonce.clone();
    let listener = EventListener::new(w.unchecked_ref(), "message", move |e| {
        let Some(e) = e.dyn_ref::<MessageEvent>() else {
            return;
        };
        let from_parent = e
            .source()
            .is_some_and(|s| JsValue::from(s) == JsValue::from(&parent));
        if !from_parent || e.origin() != parent_origin {
            return;
        }
        if channel::check(&e.data(), &expected, &[channel::INIT]).is_none() {
            return;
        }
        let Some(port) = e.ports().get(0).dyn_into::<MessagePort>().ok() else {
            return;
        };
        init(&js::get(&e.data(), "options"), port);
    });
    FRAME.with(|f| {
        *f.borrow_mut() = Some(Frame {
            nonce,
            port: None,
            ctrl: None,
            listeners: vec![listener],
        });
    });
}

/// `location.ancestorOrigins[0]` (Chromium, WebKit) must be the origin the URL names; where the
/// browser has no such list, `frame-ancestors` in the frame's CSP and the postMessage target
/// origin still hold.
fn ancestor_is(w: &Window, origin: &str) -> bool {
    let list = js::get(&w.location(), "ancestorOrigins");
    if !list.is_object() {
        return true;
    }
    js::string(&list, "0").as_deref() == Some(origin)
}

/// Posts a message to the shop page over the channel.
fn post(kind: &str, fields: &[(&str, JsValue)]) {
    FRAME.with(|f| {
        if let Ok(f) = f.try_borrow()
            && let Some(frame) = f.as_ref()
            && let Some(port) = &frame.port
        {
            let _ = port.post_message(&channel::message(kind, &frame.nonce, fields));
        }
    });
}

fn failed(code: &str, message: &str) {
    post(
        "failed",
        &[("code", code.into()), ("message", message.into())],
    );
}

/// The first (and only) `init`: checks the options, builds the form, mounts the controller.
fn init(options: &JsValue, port: MessagePort) {
    let taken = FRAME.with(|f| {
        let mut f = f.borrow_mut();
        let Some(frame) = f.as_mut() else {
            return false;
        };
        if frame.port.is_some() {
            return false;
        }
        // The window listener goes: every later message comes on the channel or not at all.
        frame.listeners.clear();
        frame.port = Some(port.clone());
        true
    });
    if !taken {
        return;
    }
    let Some(doc) = crate::dom::document() else {
        return;
    };
    match mount(&doc, options) {
        Ok((ctrl, main)) => listen(ctrl, &main, port),
        Err((code, message)) => failed(code, &message),
    }
}

/// Checks the options and mounts the controller on the frame's own inputs.
fn mount(
    doc: &Document,
    options: &JsValue,
) -> Result<(Rc<Controller>, Element), (&'static str, String)> {
    let own = crate::dom::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let session_arg = js::get(options, "session");
    let session = Session::from_js(&session_arg).map_err(|m| ("invalid_options", m))?;
    // The client secret and the token go to this payment server only.
    let status_origin = web_sys::Url::new(&session.status_url)
        .map(|u| u.origin())
        .ok();
    if session.server_origin != own || status_origin.as_deref() != Some(own.as_str()) {
        return Err((
            "session_origin",
            "session.payUrl and statusUrl must be the fields frame's own origin".into(),
        ));
    }
    let style =
        channel::read_style(&js::get(options, "style")).map_err(|m| ("invalid_style", m))?;
    let locale = js::string(options, "locale")
        .and_then(|l| Locale::from_tag(&l))
        .unwrap_or(Locale::En);
    // The texts of a language the page loaded on demand (shown with textContent, never parsed
    // as markup). Refused whole when incomplete; the frame then shows English and says so.
    if let Some(texts) = js::get(options, "messages").dyn_ref::<js_sys::Array>() {
        let n = texts.length() as usize;
        let _ = i18n::register(locale, |i| {
            (i < n).then(|| texts.get(i as u32).as_string()).flatten()
        });
    }
    let root = doc
        .document_element()
        .ok_or(("no_document", String::new()))?;
    let _ = root.set_attribute("lang", locale.tag());
    if let Some(h) = root.dyn_ref::<HtmlElement>() {
        let css = h.style();
        for (name, value) in &style.vars {
            let _ = css.set_property(name, value);
        }
    }
    let form = build_form(doc, locale, style.layout.unwrap_or("stacked"))
        .ok_or(("no_document", String::new()))?;
    // Only the forwarded options, with the frame's own inputs: nothing the page sends can name
    // an element here.
    let opts = channel::forwarded(options);
    js::set(&opts, "locale", locale.tag());
    let fields = Object::new();
    for (field, input) in Field::ALL.into_iter().zip(&form.inputs) {
        js::set(&fields, field.name(), input.clone());
    }
    js::set(&opts, "fields", fields);
    let opts = MountOptions::from_js(doc, &opts).map_err(|m| ("invalid_options", m))?;
    let ctrl = Controller::mount(doc.clone(), opts).map_err(|m| ("invalid_options", m))?;
    FRAME.with(|f| {
        if let Some(frame) = f.borrow_mut().as_mut() {
            frame.ctrl = Some(ctrl.clone());
        }
    });
    Ok((ctrl, form.main))
}

struct Built {
    main: Element,
    inputs: Vec<HtmlInputElement>,
}

/// `<main class="cc-frame cc-layout-…"><form>` with a labelled input per field, in the
/// frame's language. One form: the browser's autofill fills all four inputs at once (HTML
/// autofill works per form owner, §4.10.18.7).
fn build_form(doc: &Document, locale: Locale, layout: &str) -> Option<Built> {
    let body = doc.body()?;
    let main = crate::dom::element(doc, "main", &js::cat(&["cc-frame cc-layout-", layout]))?;
    let form = crate::dom::element(doc, "form", "cc-frame-form")?;
    form.set_attribute("novalidate", "").ok()?;
    form.set_attribute("autocomplete", "on").ok()?;
    let mut inputs = Vec::new();
    for (field, label_text, name) in [
        (Field::Number, Text::LabelNumber, "cardnumber"),
        (Field::Expiry, Text::LabelExpiry, "exp-date"),
        (Field::Cvv, Text::LabelCvv, "cvc"),
        (Field::Holder, Text::LabelHolder, "ccname"),
    ] {
        let wrap = crate::dom::element(doc, "div", &js::cat(&["cc-f cc-f-", field.name()]))?;
        let id = js::cat(&["cc-", field.name()]);
        let label = crate::dom::element(doc, "label", "cc-label")?;
        label.set_attribute("for", &id).ok()?;
        label.set_text_content(Some(i18n::text(locale, label_text)));
        let input: HtmlInputElement = crate::dom::element(doc, "input", "cc-input")?
            .dyn_into()
            .ok()?;
        input.set_id(&id);
        input.set_type("text");
        input.set_name(name);
        if field == Field::Expiry {
            input.set_placeholder(i18n::text(locale, Text::ExpiryPlaceholder));
        }
        wrap.append_child(&label).ok()?;
        wrap.append_child(&input).ok()?;
        form.append_child(&wrap).ok()?;
        inputs.push(input);
    }
    main.append_child(&form).ok()?;
    body.append_child(&main).ok()?;
    Some(Built { main, inputs })
}

/// Relays the controller's events, the frame's size and the Enter key to the shop page, and
/// runs the shop page's commands.
fn listen(ctrl: Rc<Controller>, main: &Element, port: MessagePort) {
    for name in events::NAMES {
        let c = Rc::downgrade(&ctrl);
        let relay = Closure::<dyn Fn(JsValue)>::new(move |detail: JsValue| {
            let state = c.upgrade().map_or(JsValue::NULL, |c| c.state());
            post(
                "event",
                &[("name", name.into()), ("detail", detail), ("state", state)],
            );
        });
        ctrl.on(name, relay.into_js_value().unchecked_into::<Function>());
    }
    // Redirect mode: the shop page posts the ACS form in the top window (see `flow`).
    *ctrl.shared.navigate_top.borrow_mut() = Some(Box::new(|url, fields| {
        let list = Array::new();
        for (k, v) in fields {
            list.push(&Array::of2(&k.as_str().into(), &v.as_str().into()));
        }
        post("navigate", &[("url", url.into()), ("fields", list.into())]);
        true
    }));
    let mut listeners = Vec::new();
    // The frame is as tall as its content: the page sizes the iframe to it (ResizeObserver,
    // which also sees the messages and the brand choice come and go).
    {
        let measured = main.clone();
        let on_resize = Closure::<dyn Fn()>::new(move || {
            let height = measured.get_bounding_client_rect().height().ceil();
            post("resize", &[("height", height.into())]);
        });
        if let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
            observer.observe(main);
        }
        on_resize.forget();
        // Enter in a field submits the shop's form, as it would with in-page inputs (HTML
        // "implicit submission").
        listeners.push(EventListener::new(main.unchecked_ref(), "keydown", |e| {
            if e.dyn_ref::<web_sys::KeyboardEvent>()
                .is_some_and(|k| k.key() == "Enter")
            {
                e.prevent_default();
                post("enter", &[]);
            }
        }));
    }
    let c = ctrl.clone();
    listeners.push(EventListener::new(
        port.unchecked_ref(),
        "message",
        move |e| {
            if let Some(e) = e.dyn_ref::<MessageEvent>() {
                command(&c, &e.data());
            }
        },
    ));
    // The shop page went away (or removed the frame) mid-payment: the same as destroy(), which
    // abandons a 3-D Secure attempt with a keepalive request.
    let c = ctrl.clone();
    if let Some(w) = crate::dom::window() {
        listeners.push(EventListener::new(
            w.unchecked_ref(),
            "pagehide",
            move |_| {
                c.destroy();
            },
        ));
    }
    port.start();
    FRAME.with(|f| {
        if let Some(frame) = f.borrow_mut().as_mut() {
            frame.listeners = listeners;
        }
    });
}

/// One command from the shop page; anything malformed is ignored.
fn command(ctrl: &Rc<Controller>, data: &JsValue) {
    let nonce = FRAME.with(|f| f.borrow().as_ref().map(|f| f.nonce.clone()));
    let Some(kind) = nonce.and_then(|n| channel::check(data, &n, &TO_FRAME)) else {
        return;
    };
    match kind.as_str() {
        "submit" => submit(ctrl, data),
        "clear" => ctrl.clear(),
        "focus" => {
            let name = js::string(data, "field").unwrap_or_default();
            let field = Field::ALL.into_iter().find(|f| f.name() == name);
            focus_when_focused(ctrl, field.unwrap_or(Field::Number));
        }
        "blur" => ctrl.blur(),
        "destroy" => {
            ctrl.destroy();
            // A running submit settles first (its result is posted), then the page may remove
            // the frame.
            let running = ctrl.running.borrow().clone();
            match running {
                Some(p) => {
                    let done = Closure::<dyn FnMut(JsValue)>::new(|_| post("destroyed", &[]));
                    let _ = p.then(&done);
                    done.forget();
                }
                None => post("destroyed", &[]),
            }
        }
        _ => {}
    }
}

thread_local! {
    /// A field to focus once the page's focus reaches this frame (see [`focus_when_focused`]).
    static PENDING_FOCUS: RefCell<Option<EventListener>> = const { RefCell::new(None) };
}

/// Focuses `field`. The page has just focused the iframe, but with the frame in another
/// process that news may come after this command, and until then the browser refuses focus()
/// from a cross-origin frame without user activation: the field is then focused again when the
/// frame's window gets the focus (once).
fn focus_when_focused(ctrl: &Rc<Controller>, field: Field) {
    ctrl.focus(field);
    let Some(w) = crate::dom::window() else {
        return;
    };
    let focused = w
        .document()
        .and_then(|d| d.has_focus().ok())
        .unwrap_or(true);
    let c = Rc::downgrade(ctrl);
    let pending = (!focused).then(|| {
        EventListener::new(w.unchecked_ref(), "focus", move |_| {
            if let Some(c) = c.upgrade() {
                c.focus(field);
            }
            // Once: the listener is dropped after this call (wasm-bindgen defers freeing a
            // closure until it returns).
            PENDING_FOCUS.with(|p| p.borrow_mut().take());
        })
    });
    PENDING_FOCUS.with(|p| *p.borrow_mut() = pending);
}

fn submit(ctrl: &Rc<Controller>, data: &JsValue) {
    let Some(id) = js::get(data, "id").as_f64().filter(|n| n.is_finite()) else {
        return;
    };
    // The page sends one submit at a time (it answers a second click with its running
    // promise); one arriving anyway joins the running submit and is answered with it.
    let viewport = js::get(data, "viewport");
    let (w, h) = (
        js::get(&viewport, "width").as_f64(),
        js::get(&viewport, "height").as_f64(),
    );
    if let (Some(w), Some(h)) = (w, h)
        && w.is_finite()
        && h.is_finite()
    {
        ctrl.shared
            .viewport
            .set(Some((w.clamp(0.0, 1e5), h.clamp(0.0, 1e5))));
    }
    ctrl.save_choice.set(js::get(data, "saveCard").as_bool());
    let saved_card = js::string(data, "savedCard").filter(|c| !c.is_empty());
    let answer = Closure::<dyn FnMut(JsValue)>::new(move |r: JsValue| {
        post("result", &[("id", id.into()), ("result", r)]);
    });
    let _ = crate::controller::submit_once(ctrl, saved_card).then(&answer);
    // Runs once, when the submit settles; left to the page (one small closure per payment).
    answer.forget();
}
