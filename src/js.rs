//! Small JavaScript helpers every layer uses: plain objects (results, events, JSON answers),
//! read and built with `Reflect` so that no serde code is linked; strings built without
//! `core::fmt`; and the module's one Promise helper. A leaf: it knows no other module.

use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

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

/// The strings of an array (other items skipped); `None` when `v` is not an array. One
/// function for the session's and the mount options' `acceptedBrands`.
pub fn strings(v: &JsValue) -> Option<Vec<String>> {
    let array = v.dyn_ref::<js_sys::Array>()?;
    let mut out = Vec::new();
    for item in array.iter() {
        if let Some(s) = item.as_string() {
            out.push(s);
        }
    }
    Some(out)
}

/// `n` in decimal, without `to_string()`, whose `Display` path links `core::fmt`'s integer
/// formatting.
pub fn decimal(mut n: u32) -> String {
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    loop {
        i -= 1;
        if let Some(d) = digits.get_mut(i) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    let mut out = String::new();
    for &b in digits.get(i..).unwrap_or_default() {
        out.push(char::from(b));
    }
    out
}

/// The first `max` characters of `text` (error messages quote untrusted names), without
/// a `chars().take(n).collect()` instance per call site.
pub fn clip(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((end, _)) => text.get(..end).unwrap_or(text),
        None => text,
    }
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

/// `n` random bytes from the browser's CSPRNG (`crypto.getRandomValues`), in lowercase hex:
/// the idempotency key of a pay and the nonce of an isolated-fields mount.
pub fn random_hex<const N: usize>() -> String {
    let mut bytes = [0u8; N];
    if let Some(c) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = c.get_random_values_with_u8_array(&mut bytes);
    }
    hex(&bytes)
}

/// `bytes` in lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
        out.push(char::from_digit(u32::from(b & 15), 16).unwrap_or('0'));
    }
    out
}

/// A Promise resolved with what `future` gives. Not generic: `future_to_promise` and the task
/// it spawns are instantiated once for every future the module runs (`submit`, `resume`, the
/// `ready` event), rather than once per future type.
pub fn promise(future: std::pin::Pin<Box<dyn Future<Output = JsValue>>>) -> js_sys::Promise {
    wasm_bindgen_futures::future_to_promise(async move { Ok(future.await) })
}

#[cfg(test)]
mod tests {
    #[test]
    fn clip_is_take_collect() {
        for text in [
            "",
            "abc",
            "x".repeat(32).as_str(),
            "é".repeat(40).as_str(),
            "a\u{1F600}b",
        ] {
            for max in [0, 1, 2, 32] {
                let taken: String = text.chars().take(max).collect();
                assert_eq!(super::clip(text, max), taken, "{text} {max}");
            }
        }
    }

    #[test]
    fn hex_is_lowercase_two_digits_a_byte() {
        assert_eq!(super::hex(&[0, 1, 0xab, 0xff]), "0001abff");
    }

    #[test]
    fn decimal_is_to_string() {
        for n in [0, 7, 10, 19, 255, 1000, 65_535, 4_000_000_000, u32::MAX] {
            assert_eq!(super::decimal(n), n.to_string());
        }
    }
}
