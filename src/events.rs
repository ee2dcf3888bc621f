//! The buyer-facing events: the callbacks registered with `handle.on(...)`. A leaf, so that the
//! mounted form (input events) and the submit flow (`checking`, `challenge`) both emit through
//! it without knowing each other's types.

use std::cell::RefCell;

use js_sys::Function;
use wasm_bindgen::JsValue;

/// Event names `on` accepts.
pub const NAMES: [&str; 11] = [
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

/// The registered callbacks, in registration order.
#[derive(Debug, Default)]
pub struct Events {
    handlers: RefCell<Vec<(String, Function)>>,
}

// `#[inline]` on the small methods: without it LLVM (opt-level "z") keeps them out of line
// and wasm-opt inlines them afterwards with a stack frame of their own, about 20 bytes each
// more than the same code written in the caller.
impl Events {
    /// Registers a callback.
    #[inline]
    pub fn on(&self, name: &str, f: Function) {
        self.handlers.borrow_mut().push((name.to_owned(), f));
    }

    /// Removes a callback registered with `on`.
    #[inline]
    pub fn off(&self, name: &str, f: &Function) {
        self.handlers
            .borrow_mut()
            .retain(|(n, g)| !(n == name && JsValue::from(g) == JsValue::from(f)));
    }

    /// Whether any callback listens to `name` (details that cost work are only built then).
    #[inline]
    pub fn has(&self, name: &str) -> bool {
        self.handlers.borrow().iter().any(|(n, _)| n == name)
    }

    /// Calls every callback of `name`. A throwing callback does not stop the others. The
    /// callbacks are copied out first: one may call `on`, `off` or `destroy()`.
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

    /// Forgets every callback (`destroy()`).
    #[inline]
    pub fn clear(&self) {
        self.handlers.borrow_mut().clear();
    }
}
