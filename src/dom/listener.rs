//! RAII DOM event listeners and timers (gloo-events / gloo-timers shape): dropping one removes
//! it, so nothing outlives the object that registered it.

use js_sys::Function;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Event, EventTarget};

/// An event listener removed on drop.
#[must_use = "the listener is removed as soon as this value is dropped"]
pub struct EventListener {
    target: EventTarget,
    kind: &'static str,
    capture: bool,
    closure: Closure<dyn FnMut(Event)>,
}

impl std::fmt::Debug for EventListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EventListener({})", self.kind)
    }
}

impl EventListener {
    /// Listens to `kind` events on `target` (bubbling phase).
    pub fn new(target: &EventTarget, kind: &'static str, f: impl FnMut(Event) + 'static) -> Self {
        Self::with_capture(target, kind, false, f)
    }

    /// Listens in the capture phase when `capture` (focus trapping must see `focusin` first).
    pub fn with_capture(
        target: &EventTarget,
        kind: &'static str,
        capture: bool,
        f: impl FnMut(Event) + 'static,
    ) -> Self {
        Self::boxed(target, kind, capture, Box::new(f))
    }

    // Not generic, so the registration code exists once rather than once per call site's
    // closure type.
    fn boxed(
        target: &EventTarget,
        kind: &'static str,
        capture: bool,
        f: Box<dyn FnMut(Event)>,
    ) -> Self {
        let closure = Closure::wrap(f);
        let _ = target.add_event_listener_with_callback_and_bool(
            kind,
            closure.as_ref().unchecked_ref(),
            capture,
        );
        Self {
            target: target.clone(),
            kind,
            capture,
            closure,
        }
    }
}

impl Drop for EventListener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback_and_bool(
            self.kind,
            self.closure.as_ref().unchecked_ref(),
            self.capture,
        );
    }
}

/// A `setTimeout` cleared on drop.
#[must_use = "the timer is cleared as soon as this value is dropped"]
pub struct Timeout {
    id: Option<i32>,
    // The listeners' closure type, called with no argument: one closure type less for
    // wasm-bindgen to generate its conversion and call shims for.
    _closure: Closure<dyn FnMut(Event)>,
}

impl std::fmt::Debug for Timeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Timeout({:?})", self.id)
    }
}

impl Timeout {
    /// Calls `f` once after `ms` milliseconds.
    pub fn new(ms: u32, f: impl FnOnce() + 'static) -> Self {
        let mut f = Some(f);
        Self::boxed(
            ms,
            Box::new(move |_: Event| {
                if let Some(f) = f.take() {
                    f();
                }
            }),
        )
    }

    // Not generic, for the same reason as `EventListener::boxed`.
    fn boxed(ms: u32, f: Box<dyn FnMut(Event)>) -> Self {
        let closure = Closure::wrap(f);
        let id = super::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(
                closure.as_ref().unchecked_ref(),
                i32::try_from(ms).unwrap_or(i32::MAX),
            )
            .ok()
        });
        Self {
            id,
            _closure: closure,
        }
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        if let (Some(id), Some(w)) = (self.id, super::window()) {
            w.clear_timeout_with_handle(id);
        }
    }
}

/// A one-shot rendezvous: a Promise whose `resolve` any callback may call; the first value
/// wins (Promise semantics), later ones are ignored.
#[derive(Debug, Clone)]
pub struct Latch {
    promise: js_sys::Promise,
    resolve: Option<Function>,
}

impl Latch {
    /// A new, unresolved latch.
    pub fn new() -> Self {
        let mut resolve = None;
        let promise = js_sys::Promise::new(&mut |res, _rej| resolve = Some(res));
        Self { promise, resolve }
    }

    /// Resolves the latch with `value` (no effect once resolved).
    pub fn fire(&self, value: &str) {
        if let Some(r) = &self.resolve {
            let _ = r.call1(
                &wasm_bindgen::JsValue::NULL,
                &wasm_bindgen::JsValue::from_str(value),
            );
        }
    }

    /// Waits for the first `fire`.
    pub async fn wait(&self) -> String {
        wasm_bindgen_futures::JsFuture::from(self.promise.clone())
            .await
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    }
}

impl Default for Latch {
    fn default() -> Self {
        Self::new()
    }
}

/// Waits `ms` milliseconds.
pub async fn sleep(ms: u32) {
    let latch = Latch::new();
    let l = latch.clone();
    let _timer = Timeout::new(ms, move || l.fire(""));
    latch.wait().await;
}
