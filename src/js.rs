//! Small helpers for plain JavaScript objects (results, events, JSON answers), read and built
//! with `Reflect` so that no serde code is linked.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

/// `obj[key]`, `undefined` when absent or when `obj` is not an object.
pub fn get(obj: &JsValue, key: &str) -> JsValue {
    if !obj.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `obj[key]` if it is a string.
pub fn string(obj: &JsValue, key: &str) -> Option<String> {
    get(obj, key).as_string()
}

/// `obj[key] = value` (a fresh plain object never throws on assignment).
pub fn set(obj: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), &value.into());
}

/// A plain object from pairs.
pub fn object(entries: &[(&str, JsValue)]) -> Object {
    let obj = Object::new();
    for (k, v) in entries {
        set(&obj, k, v.clone());
    }
    obj
}

/// The parts joined into one string. Used instead of `format!` for messages, ids and class
/// names: each `format!` call site adds `core::fmt` argument plumbing to the WebAssembly.
pub fn cat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}
