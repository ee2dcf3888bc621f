//! Thin wrappers over web-sys: RAII event listeners and timers, the card inputs, the co-badge
//! brand choice, hidden and modal iframes. Every browser resource created here is removed
//! when its Rust owner is dropped, so `destroy()` (or a finished 3-D Secure step) leaves the
//! merchant's page as it found it.
//!
//! Nothing here injects `style` attributes or scripts: state is shown with classes, `hidden`
//! and ARIA attributes, so a strict CSP (`style-src 'self'`, no `'unsafe-inline'`) holds and
//! the merchant's CSS decides the looks.

pub mod choice;
pub mod fields;
pub mod frames;
pub mod listener;

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement, Window};

/// The page's window; `None` outside a browser main thread (a worker, Node).
pub fn window() -> Option<Window> {
    web_sys::window()
}

/// The window's inner width and height in CSS px; `(0, 0)` outside a browser, which
/// sizes a 3-D Secure challenge window as full-screen.
pub fn viewport() -> (f64, f64) {
    let Some(w) = window() else {
        return (0.0, 0.0);
    };
    let num = |v: Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>| {
        v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0)
    };
    (num(w.inner_width()), num(w.inner_height()))
}

/// The page's document.
pub fn document() -> Option<Document> {
    window()?.document()
}

/// Creates `<tag class="class">`.
pub fn element(doc: &Document, tag: &str, class: &str) -> Option<Element> {
    let el = doc.create_element(tag).ok()?;
    el.set_class_name(class);
    Some(el)
}

/// Moves keyboard focus to `el` when it can take it.
pub fn focus(el: &Element) {
    if let Some(h) = el.dyn_ref::<HtmlElement>() {
        let _ = h.focus();
    }
}

/// A unique-enough id prefix for elements this module creates (several forms may be mounted
/// on one page).
pub fn unique_id(prefix: &str) -> String {
    thread_local! {
        static NEXT: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
    }
    let n = NEXT.with(|c| {
        let n = c.get().wrapping_add(1);
        c.set(n);
        n
    });
    crate::js::cat(&[prefix, "-", &crate::js::decimal(n)])
}
