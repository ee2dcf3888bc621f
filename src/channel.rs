//! The messages between the shop page and the isolated fields' frame (JS API contract,
//! "isolated fields"). A leaf: both sides (`isolated` in the shop page, `frame` inside the
//! iframe) build and check them here, with one schema.
//!
//! ```text
//!  shop page (origin A)                              fields frame (payment server, origin B)
//!    mount({isolated}) ── iframe src=B/fields/<v>/frame.html#n=<nonce>&o=<A>
//!                     ◀── window.postMessage(hello{nonce}, targetOrigin A) ─── frame loaded
//!    check: source = the iframe, origin = B, nonce
//!    init{nonce, options} + MessagePort ─ postMessage(targetOrigin B) ─▶ check: source = parent,
//!                                                                        origin = A, nonce
//!    ◀═══════════ MessageChannel: every message carries the nonce, checked both ways ═══════▶
//!    submit / clear / focus / blur / destroy  ──▶
//!                   ◀── ready / failed / event / result / resize / navigate / enter / destroyed
//! ```
//!
//! HTML's `postMessage` delivers a window message only to a window of the target origin, and
//! every receiver checks `event.origin` and `event.source` (HTML "Cross-document messaging",
//! security considerations): a message from any other window, origin, mount or version is
//! ignored. After the handshake both sides listen only to their end of the channel, which no
//! other script holds. No message from the frame ever carries a card digit: only events, states
//! and results, which the in-page mode already keeps free of card data.

use js_sys::Object;
use wasm_bindgen::{JsCast, JsValue};

use crate::js;
use crate::style::{self, Style};

/// Marks this protocol and its version; a message without it is someone else's.
pub const TAG: &str = "card-capture/fields@1";

/// Window messages before the channel exists.
pub const HELLO: &str = "hello";
/// Window message carrying the channel's port and the options.
pub const INIT: &str = "init";

/// Shop page → frame over the channel.
pub const TO_FRAME: [&str; 5] = ["submit", "clear", "focus", "blur", "destroy"];
/// Frame → shop page over the channel.
pub const TO_PAGE: [&str; 8] = [
    "ready",
    "failed",
    "event",
    "result",
    "resize",
    "navigate",
    "enter",
    "destroyed",
];

/// Mount options that cross into the frame; anything else the shop page passes (selectors,
/// elements) stays out, so the page can never point the frame's code at its own elements.
pub const FORWARDED_OPTIONS: [&str; 7] = [
    "session",
    "locale",
    "threeDS",
    "defaultBrand",
    "acceptedBrands",
    "timeouts",
    "today",
];

/// The version segment of the frame's path (`/fields/<version>/frame.html`): the frame must
/// run the same module as the page that mounts it, and a versioned URL can be cached for good.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A message of this protocol: `{cc: TAG, type, nonce, ...fields}`.
pub fn message(kind: &str, nonce: &str, fields: &[(&str, JsValue)]) -> JsValue {
    let obj = js::object(&[
        ("cc", TAG.into()),
        ("type", kind.into()),
        ("nonce", nonce.into()),
    ]);
    for (k, v) in fields {
        js::set(&obj, k, v.clone());
    }
    obj.into()
}

/// The message's type when `data` is one of ours, for this mount (`nonce`), and of a type in
/// `allowed`; `None` for anything else, which the caller then ignores.
pub fn check(data: &JsValue, nonce: &str, allowed: &[&str]) -> Option<String> {
    if !data.is_object() || js::string(data, "cc").as_deref() != Some(TAG) {
        return None;
    }
    if js::string(data, "nonce").as_deref() != Some(nonce) {
        return None;
    }
    let kind = js::string(data, "type")?;
    allowed.contains(&kind.as_str()).then_some(kind)
}

/// 128 random bits in hex: the mount's nonce.
pub fn nonce() -> String {
    js::random_hex::<16>()
}

/// Whether `nonce` looks like one of ours (32 lowercase hex digits): the frame refuses to run
/// with anything else in its URL.
pub fn well_formed_nonce(nonce: &str) -> bool {
    nonce.len() == 32
        && nonce
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A copy of the forwarded options only (see [`FORWARDED_OPTIONS`]).
pub fn forwarded(options: &JsValue) -> Object {
    let out = Object::new();
    for key in FORWARDED_OPTIONS {
        let v = js::get(options, key);
        if !v.is_undefined() {
            js::set(&out, key, v);
        }
    }
    out
}

/// Reads and checks the `style` option (see `style`); `Ok(default)` when absent.
pub fn read_style(v: &JsValue) -> Result<Style, String> {
    let mut out = Style::default();
    if v.is_undefined() || v.is_null() {
        return Ok(out);
    }
    let Some(obj) = v
        .dyn_ref::<Object>()
        .filter(|_| !js_sys::Array::is_array(v))
    else {
        return Err("style must be an object".into());
    };
    for key in Object::keys(obj).iter() {
        let key = key.as_string().unwrap_or_default();
        let value = js::get(v, &key);
        if key == "layout" {
            let name = value.as_string().unwrap_or_default();
            out.layout = Some(style::layout(&name).map_err(|e| e.message())?);
            continue;
        }
        if !style::STATES.contains(&key.as_str()) {
            return Err(js::cat(&[
                "style.",
                js::clip(&key, 32),
                ": is not layout or a state (base, focus, invalid, complete)",
            ]));
        }
        let Some(props) = value
            .dyn_ref::<Object>()
            .filter(|_| !js_sys::Array::is_array(&value))
        else {
            return Err(js::cat(&["style.", &key, " must be an object"]));
        };
        for prop in Object::keys(props).iter() {
            let prop = prop.as_string().unwrap_or_default();
            let Some(text) = js::get(&value, &prop).as_string() else {
                return Err(js::cat(&[
                    "style.",
                    js::clip(&key, 32),
                    ".",
                    js::clip(&prop, 32),
                    " must be a string",
                ]));
            };
            style::add(&mut out, &key, &prop, &text).map_err(|e| e.message())?;
        }
    }
    Ok(out)
}

/// `#n=<nonce>&o=<origin>` → `(nonce, origin)`; the origin is percent-encoded by the page.
pub fn parse_fragment(hash: &str) -> Option<(String, String)> {
    let params = web_sys::UrlSearchParams::new_with_str(hash.strip_prefix('#')?).ok()?;
    let nonce = params.get("n")?;
    let origin = params.get("o")?;
    well_formed_nonce(&nonce).then_some((nonce, origin))
}

#[cfg(test)]
mod tests {
    #[test]
    fn nonces_are_hex_of_128_bits() {
        assert!(super::well_formed_nonce(&crate::js::hex(&[0x5a; 16])));
        assert!(!super::well_formed_nonce("0123"));
        assert!(!super::well_formed_nonce(&"A".repeat(32)));
        assert!(!super::well_formed_nonce(&"g".repeat(32)));
    }
}
