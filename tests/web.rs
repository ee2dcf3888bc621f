//! Browser tests of the JS API and of mount()'s DOM glue, run in headless Chromium:
//! `cargo test --target wasm32-unknown-unknown`.
//!
//! The exports are called with JS values, as a page calls them, and the results are read back
//! as plain JS objects.
#![cfg(target_arch = "wasm32")]

use card_capture::{
    format_expiry_js, format_number_js, set_bin_table, validate_cvv, validate_expiry,
    validate_holder, validate_number,
};
use card_core::BinTable;
use js_sys::{Array, JSON, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn s(text: &str) -> JsValue {
    JsValue::from_str(text)
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &s(key)).unwrap_or(JsValue::UNDEFINED)
}

fn flags(obj: &JsValue) -> (bool, bool) {
    (
        get(obj, "valid").as_bool().unwrap_or_default(),
        get(obj, "potentiallyValid").as_bool().unwrap_or_default(),
    )
}

fn json(value: &JsValue) -> String {
    JSON::stringify(value)
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

fn parse(text: &str) -> JsValue {
    JSON::parse(text).unwrap_or(JsValue::UNDEFINED)
}

fn brand_ids(result: &JsValue) -> Vec<String> {
    Array::from(&get(result, "brands"))
        .iter()
        .filter_map(|b| get(&b, "id").as_string())
        .collect()
}

thread_local! {
    /// What every live fixture guard (a [`PutBack`]) still has to put back, innermost last.
    static PUT_BACKS: std::cell::RefCell<Vec<fn()>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Guards a global fixture (the BIN table, a replaced `fetch` or `setTimeout`, a document
/// listener): the tests share one module instance and one page, so a test must leave them as
/// it found them, whether it passes or fails. Dropping the guard runs `put_back`. A failing
/// test does not unwind on wasm32 (the target aborts on panic, and no destructor runs), so
/// the guard also registers `put_back` with a panic hook, which runs every one still
/// registered, innermost first, before the abort.
#[must_use = "the fixture is put back when this is dropped"]
struct PutBack(fn());

impl PutBack {
    fn new(put_back: fn()) -> Self {
        static HOOK: std::sync::Once = std::sync::Once::new();
        HOOK.call_once(|| {
            // Chained after the harness's own hook, which reports the panic first.
            let report = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                report(info);
                let pending = PUT_BACKS.with(|p| p.take());
                for put_back in pending.into_iter().rev() {
                    put_back();
                }
            }));
        });
        PUT_BACKS.with(|p| p.borrow_mut().push(put_back));
        PutBack(put_back)
    }
}

impl Drop for PutBack {
    fn drop(&mut self) {
        PUT_BACKS.with(|p| {
            let mut p = p.borrow_mut();
            if let Some(i) = p.iter().rposition(|f| std::ptr::fn_addr_eq(*f, self.0)) {
                p.remove(i);
            }
        });
        (self.0)();
    }
}

/// Puts the built-in table back. No assert: it may run from the panic hook, where a second
/// panic would abort before the other fixtures are put back.
fn restore_builtin_table() {
    let builtin = serde_wasm_bindgen::to_value(&BinTable::default()).unwrap_or(JsValue::UNDEFINED);
    let replace = parse(r#"{"mode":"replace"}"#);
    let _ = set_bin_table(builtin, Some(replace));
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn validate_number_returns_the_documented_object() {
    let result = validate_number(s("4970 1011 2233 4455"));
    assert_eq!(
        json(&result),
        r#"{"valid":true,"potentiallyValid":true,"brands":[{"id":"cb","name":"Cartes Bancaires","paylineType":"CB"},{"id":"visa","name":"Visa","paylineType":"VISA"}],"gaps":[4,8,12,16],"lengths":[16,18,19],"cvvLength":3,"cvvRequired":true}"#
    );
    assert!(Array::is_array(&get(&result, "brands")));
    let amex = validate_number(s("3782 822463 10005"));
    assert_eq!(flags(&amex), (true, true));
    assert_eq!(brand_ids(&amex), ["amex"]);
    assert_eq!(get(&amex, "cvvLength").as_f64(), Some(4.0));
    assert_eq!(
        flags(&validate_number(s("4111 1111 1111 1112"))),
        (false, true)
    );
    assert_eq!(
        flags(&validate_number(s("4242a4242 4242 4242"))),
        (false, false)
    );
    assert_eq!(flags(&validate_number(s(""))), (false, true));
}

#[wasm_bindgen_test]
fn non_string_inputs_are_invalid_not_thrown() {
    let odd = [
        JsValue::UNDEFINED,
        JsValue::NULL,
        JsValue::from_f64(4111111111111111.0),
        JsValue::from_bool(true),
        Object::new().into(),
        Array::of1(&s("4111111111111111")).into(),
        js_sys::Symbol::for_("x").into(),
        js_sys::BigInt::from(4111111111111111u64).into(),
    ];
    for value in odd {
        assert_eq!(flags(&validate_number(value.clone())), (false, false));
        assert_eq!(flags(&validate_expiry(value.clone(), None)), (false, false));
        assert_eq!(flags(&validate_cvv(value.clone(), None)), (false, false));
        assert_eq!(flags(&validate_holder(value.clone())), (false, false));
        // Odd carets and input types are ignored; odd values format as empty.
        let f = format_number_js(value.clone(), Some(value.clone()), Some(value.clone()));
        assert_eq!(json(&f), r#"{"value":"","caret":0}"#);
        let f = format_expiry_js(value.clone(), Some(value.clone()), Some(value));
        assert_eq!(json(&f), r#"{"value":"","caret":0}"#);
    }
}

#[wasm_bindgen_test]
fn validate_expiry_with_given_today() {
    let today = parse(r#"{"year":2026,"month":11}"#);
    let ok = validate_expiry(s("12 / 28"), Some(today.clone()));
    assert_eq!(
        json(&ok),
        r#"{"valid":true,"potentiallyValid":true,"month":12,"year":2028,"payline":"1228"}"#
    );
    let past = validate_expiry(s("10/26"), Some(today.clone()));
    assert_eq!(json(&past), r#"{"valid":false,"potentiallyValid":false}"#);
    assert!(
        !Reflect::has(&past, &s("month")).unwrap_or(true),
        "absent, not undefined-valued"
    );
    assert_eq!(
        flags(&validate_expiry(s("12/2"), Some(today))),
        (false, true)
    );
    // A malformed `today` makes the expiry invalid rather than using another date.
    for bad in [
        r#"{"year":2026}"#,
        r#"{"year":2026,"month":13}"#,
        r#"{"year":"2026","month":11}"#,
        r#"{"year":2026.5,"month":1}"#,
    ] {
        assert_eq!(
            flags(&validate_expiry(s("12/28"), Some(parse(bad)))),
            (false, false),
            "{bad}"
        );
    }
}

#[wasm_bindgen_test]
fn validate_expiry_defaults_to_the_browser_clock() {
    let now = js_sys::Date::new_0();
    let (year, month) = (now.get_full_year(), now.get_month() + 1);
    let this_month = format!("{month:02}/{}", year % 100);
    let last_year = format!("{month:02}/{}", (year - 1) % 100);
    let result = validate_expiry(s(&this_month), None);
    assert_eq!(flags(&result), (true, true), "{this_month}");
    assert_eq!(get(&result, "year").as_f64(), Some(f64::from(year)));
    assert_eq!(flags(&validate_expiry(s(&last_year), None)), (false, false));
    // `undefined` and `null` also mean "use the clock".
    assert_eq!(
        flags(&validate_expiry(s(&this_month), Some(JsValue::UNDEFINED))),
        (true, true)
    );
    assert_eq!(
        flags(&validate_expiry(s(&this_month), Some(JsValue::NULL))),
        (true, true)
    );
}

#[wasm_bindgen_test]
fn validate_cvv_by_brand() {
    assert_eq!(flags(&validate_cvv(s("123"), None)), (true, true));
    assert_eq!(
        flags(&validate_cvv(s("1234"), Some(s("amex")))),
        (true, true)
    );
    assert_eq!(
        flags(&validate_cvv(s("123"), Some(s("amex")))),
        (false, true)
    );
    assert_eq!(
        flags(&validate_cvv(s("1234"), Some(s("visa")))),
        (false, false)
    );
    assert_eq!(
        flags(&validate_cvv(s(""), Some(s("maestro")))),
        (true, true)
    );
    assert_eq!(flags(&validate_cvv(s(""), Some(s("visa")))), (false, true));
    // An unknown brand id is treated as no brand.
    assert_eq!(
        flags(&validate_cvv(s("1234"), Some(s("nope")))),
        (true, true)
    );
}

#[wasm_bindgen_test]
fn validate_holder_flags() {
    assert_eq!(flags(&validate_holder(s("Zoë O'Brien"))), (true, true));
    assert_eq!(flags(&validate_holder(s("J"))), (false, true));
    assert_eq!(
        flags(&validate_holder(s("4970101122334455"))),
        (false, false)
    );
}

#[wasm_bindgen_test]
fn format_functions_return_value_and_caret() {
    let f = format_number_js(s("41111"), Some(JsValue::from_f64(5.0)), None);
    assert_eq!(json(&f), r#"{"value":"4111 1","caret":6}"#);
    let f = format_number_js(s("4111 1111"), None, None);
    assert_eq!(json(&f), r#"{"value":"4111 1111","caret":9}"#);
    // Backspace over the space, told by inputType.
    let f = format_number_js(
        s("41111111"),
        Some(JsValue::from_f64(4.0)),
        Some(s("deleteContentBackward")),
    );
    assert_eq!(json(&f), r#"{"value":"4111 111","caret":3}"#);
    let f = format_number_js(
        s("41111111"),
        Some(JsValue::from_f64(4.0)),
        Some(s("deleteContentForward")),
    );
    assert_eq!(json(&f), r#"{"value":"4111 111","caret":4}"#);
    // Negative, fractional and NaN carets.
    let f = format_number_js(s("4111"), Some(JsValue::from_f64(-3.0)), None);
    assert_eq!(get(&f, "caret").as_f64(), Some(0.0));
    let f = format_number_js(s("4111"), Some(JsValue::from_f64(f64::NAN)), None);
    assert_eq!(get(&f, "caret").as_f64(), Some(4.0));
    let f = format_expiry_js(s("4"), Some(JsValue::from_f64(1.0)), Some(s("insertText")));
    assert_eq!(json(&f), r#"{"value":"04 / ","caret":5}"#);
    let f = format_expiry_js(
        s("12 /"),
        Some(JsValue::from_f64(4.0)),
        Some(s("deleteContentBackward")),
    );
    assert_eq!(json(&f), r#"{"value":"12","caret":2}"#);
}

#[wasm_bindgen_test]
fn set_bin_table_extend_replace_and_errors() {
    let table = PutBack::new(restore_builtin_table);
    // Extend: a CB range on a Visa BIN.
    assert_eq!(brand_ids(&validate_number(s("4137 8900"))), ["visa"]);
    let extend = parse(r#"{"brands":[{"id":"cb","ranges":["413789"]}]}"#);
    assert!(set_bin_table(extend, Some(parse(r#"{"mode":"extend"}"#))).is_ok());
    assert_eq!(brand_ids(&validate_number(s("4137 8900"))), ["cb", "visa"]);
    assert_eq!(brand_ids(&validate_number(s("4970 10"))), ["cb", "visa"]);

    // Options may be omitted: extend.
    let bcmc = parse(
        r#"{"brands":[{"id":"bcmc","name":"Bancontact","paylineType":"BCMC","ranges":["6703"],"lengths":[16,17,18,19],"cvvLength":3,"cvvRequired":false}]}"#,
    );
    assert!(set_bin_table(bcmc, None).is_ok());
    let result = validate_number(s("6703"));
    assert_eq!(brand_ids(&result), ["bcmc"]);
    assert_eq!(get(&result, "cvvRequired").as_bool(), Some(false));

    // Errors: typed, with a stable code, and the table is unchanged.
    let cases = [
        (
            r#"{"brands":[{"id":"cb","ranges":["49x"]}]}"#,
            r#"{"mode":"extend"}"#,
            "invalid_range",
        ),
        (
            r#"{"brands":[{"id":"new"}]}"#,
            r#"{"mode":"extend"}"#,
            "missing_field",
        ),
        (r#"{"brands":[]}"#, r#"{"mode":"replace"}"#, "empty_table"),
        (
            r#"{"brands":[{"id":"visa","lengths":[25]}]}"#,
            r#"{"mode":"extend"}"#,
            "invalid_lengths",
        ),
        (
            r#"{"brands":[{"id":"visa","lengths":[300]}]}"#,
            r#"{"mode":"extend"}"#,
            "malformed_table",
        ),
        (
            r#"{"brandz":[]}"#,
            r#"{"mode":"extend"}"#,
            "malformed_table",
        ),
        (
            r#"{"brands":[{"id":"cb","range":["1"]}]}"#,
            r#"{"mode":"extend"}"#,
            "malformed_table",
        ),
        (r#"[1,2,3]"#, r#"{"mode":"extend"}"#, "malformed_table"),
        (r#"{"brands":[]}"#, r#"{"mode":"merge"}"#, "invalid_mode"),
    ];
    for (table, options, code) in cases {
        let err = set_bin_table(parse(table), Some(parse(options)))
            .err()
            .unwrap_or(JsValue::UNDEFINED);
        assert!(err.is_instance_of::<js_sys::Error>(), "{table}");
        assert_eq!(
            get(&err, "name").as_string().as_deref(),
            Some("BinTableError")
        );
        assert_eq!(
            get(&err, "code").as_string().as_deref(),
            Some(code),
            "{table}"
        );
        let message = get(&err, "message").as_string().unwrap_or_default();
        assert!(message.starts_with(code), "{message}");
        assert_eq!(
            brand_ids(&validate_number(s("4137 8900"))),
            ["cb", "visa"],
            "unchanged after {code}"
        );
        assert_eq!(
            brand_ids(&validate_number(s("6703"))),
            ["bcmc"],
            "unchanged after {code}"
        );
    }
    let err = set_bin_table(JsValue::UNDEFINED, None)
        .err()
        .unwrap_or(JsValue::UNDEFINED);
    assert_eq!(
        get(&err, "code").as_string().as_deref(),
        Some("malformed_table")
    );

    // Replace: only the given brands are known.
    let only_visa = parse(
        r#"{"brands":[{"id":"visa","name":"Visa","paylineType":"VISA","ranges":["4"],"lengths":[16],"cvvLength":3}]}"#,
    );
    assert!(set_bin_table(only_visa, Some(parse(r#"{"mode":"replace"}"#))).is_ok());
    assert_eq!(brand_ids(&validate_number(s("4970 10"))), ["visa"]);
    assert_eq!(
        flags(&validate_number(s("5555 5555 5555 4444"))),
        (false, false)
    );

    drop(table);
    assert_eq!(brand_ids(&validate_number(s("4137 8900"))), ["visa"]);
    assert_eq!(
        flags(&validate_number(s("5555 5555 5555 4444"))),
        (true, true)
    );
}

#[wasm_bindgen_test]
fn card_data_goes_only_to_https_or_loopback_http() {
    for url in [
        "https://homologation-webpayment.payline.com/webpayment/getToken",
        "https://pay.example:8443/api/checkout-sessions/cs_1/pay",
        "HTTPS://PAY.EXAMPLE/x",
        // Loopback over http: the offline sandbox and local development.
        "http://localhost/webpayment/getToken",
        "http://localhost:8081/webpayment/getToken",
        "HTTP://LOCALHOST:8081/",
        "http://127.0.0.1:8081/webpayment/getToken",
        "http://127.10.20.30/",
        "http://[::1]:8081/webpayment/getToken",
        "http://[0:0:0:0:0:0:0:1]/",
        // The URL parser's spellings of 127.0.0.1 (WHATWG URL: IPv4 number parsing).
        "http://0x7f.1/",
        "http://2130706433/",
        "http://127.0.0.1./",
    ] {
        assert!(card_capture::secure_url(url), "{url} is allowed");
    }
    for url in [
        "http://pay.example/webpayment/getToken",
        "http://10.0.0.1/",
        "http://192.168.1.10:8081/",
        // Hosts that only look like loopback.
        "http://127.0.0.1.nip.io/",
        "http://127.0.0.1@pay.example/",
        "http://localhost.pay.example/",
        "http://localhost@pay.example/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::2]/",
        // Other schemes, and what is not an absolute URL.
        "javascript:alert(1)",
        "JavaScript:fetch('https://pay.example')",
        "data:text/plain,x",
        "blob:https://pay.example/7d3b1c1e-0000-4000-8000-000000000000",
        "ftp://pay.example/",
        "ws://localhost/",
        "file:///etc/passwd",
        "//pay.example/getToken",
        "/webpayment/getToken",
        "",
    ] {
        assert!(!card_capture::secure_url(url), "{url} is refused");
    }
}

// ---------------------------------------------------------------------------------------------
// mount(): the DOM glue on real inputs

#[allow(clippy::expect_used)] // test fixtures: a missing document is a broken test run
mod checkout {
    use std::cell::RefCell;
    use std::rc::Rc;

    use card_capture::{CheckoutHandle, mount};
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::JsFuture;
    use wasm_bindgen_test::*;
    use web_sys::{Document, Element, Event, HtmlInputElement};

    use super::{PutBack, get, parse};

    const IDS: [&str; 4] = ["number", "expiry", "cvv", "holder"];

    fn doc() -> Document {
        web_sys::window()
            .and_then(|w| w.document())
            .expect("a document")
    }

    /// A merchant form with four inputs `#<prefix>-<field>`; the holder input already has its
    /// own `autocomplete` and `aria-describedby`, which must be kept.
    fn fixture(prefix: &str) -> Element {
        let d = doc();
        let form = d.create_element("form").expect("form");
        for id in IDS {
            let input = d.create_element("input").expect("input");
            input.set_id(&format!("{prefix}-{id}"));
            form.append_child(&input).expect("append");
        }
        let holder = form
            .query_selector(&format!("#{prefix}-holder"))
            .ok()
            .flatten()
            .expect("holder");
        holder.set_attribute("autocomplete", "name").expect("attr");
        holder
            .set_attribute("aria-describedby", "hint")
            .expect("attr");
        d.body().expect("body").append_child(&form).expect("append");
        form
    }

    fn input(prefix: &str, field: &str) -> HtmlInputElement {
        doc()
            .get_element_by_id(&format!("{prefix}-{field}"))
            .expect("input")
            .dyn_into()
            .expect("an input")
    }

    fn options(prefix: &str, extra: &str) -> JsValue {
        parse(&format!(
            r##"{{"fields": {{"number": "#{p}-number", "expiry": "#{p}-expiry", "cvv": "#{p}-cvv", "holder": "#{p}-holder"}}, "locale": "en", "today": {{"year": 2026, "month": 11}}{extra}}}"##,
            p = prefix
        ))
    }

    fn type_in(el: &HtmlInputElement, value: &str) {
        el.set_value(value);
        let _ = el.dispatch_event(&Event::new("input").expect("event"));
    }

    fn fire(el: &HtmlInputElement, kind: &str) {
        let _ = el.dispatch_event(&Event::new(kind).expect("event"));
    }

    fn message_of(el: &HtmlInputElement) -> String {
        let ids = el.get_attribute("aria-describedby").unwrap_or_default();
        let last = ids.split_whitespace().last().unwrap_or_default().to_owned();
        doc()
            .get_element_by_id(&last)
            .and_then(|m| m.text_content())
            .unwrap_or_default()
    }

    fn mounted(prefix: &str, extra: &str) -> (Element, CheckoutHandle) {
        let form = fixture(prefix);
        let handle = mount(options(prefix, extra)).expect("mounts");
        (form, handle)
    }

    #[wasm_bindgen_test]
    fn mount_sets_missing_autofill_attributes_and_keeps_the_merchants() {
        let (form, handle) = mounted("m1", "");
        let attr = |f: &str, a: &str| input("m1", f).get_attribute(a);
        assert_eq!(attr("number", "autocomplete").as_deref(), Some("cc-number"));
        assert_eq!(attr("expiry", "autocomplete").as_deref(), Some("cc-exp"));
        assert_eq!(attr("cvv", "autocomplete").as_deref(), Some("cc-csc"));
        assert_eq!(
            attr("holder", "autocomplete").as_deref(),
            Some("name"),
            "the merchant's value stays"
        );
        assert_eq!(attr("number", "inputmode").as_deref(), Some("numeric"));
        assert_eq!(attr("holder", "inputmode"), None);
        let described = attr("holder", "aria-describedby").unwrap_or_default();
        assert!(described.starts_with("hint "), "{described}");
        assert_eq!(attr("number", "data-cc-state").as_deref(), Some("empty"));
        handle.destroy();
        form.remove();
    }

    #[wasm_bindgen_test]
    fn typing_formats_and_sets_state_and_the_co_badge_choice() {
        let (form, handle) = mounted("m2", "");
        let number = input("m2", "number");
        type_in(&number, "4970101122334455");
        assert_eq!(number.value(), "4970 1011 2233 4455");
        assert!(number.class_list().contains("cc-valid"));
        assert_eq!(
            number.get_attribute("aria-invalid").as_deref(),
            Some("false")
        );
        let radios = form
            .query_selector_all("fieldset.cc-brand-choice:not([hidden]) input[type=radio]")
            .expect("query");
        assert_eq!(radios.length(), 2, "CB and Visa");
        let state = handle.state();
        assert_eq!(get(&state, "brand").as_string().as_deref(), Some("CB"));
        assert_eq!(
            get(&get(&get(&state, "fields"), "number"), "valid").as_bool(),
            Some(true)
        );
        handle.destroy();
        form.remove();
    }

    #[wasm_bindgen_test]
    fn incomplete_input_is_flagged_on_blur_not_while_typing() {
        let (form, handle) = mounted("m3", "");
        let expiry = input("m3", "expiry");
        type_in(&expiry, "12");
        assert_eq!(
            expiry.get_attribute("aria-invalid").as_deref(),
            Some("false")
        );
        assert_eq!(message_of(&expiry), "");
        fire(&expiry, "blur");
        assert_eq!(
            expiry.get_attribute("aria-invalid").as_deref(),
            Some("true")
        );
        assert!(expiry.class_list().contains("cc-invalid"));
        assert_eq!(message_of(&expiry), "Enter the expiry date as MM / YY.");
        type_in(&expiry, "12 / 34");
        assert_eq!(
            message_of(&expiry),
            "",
            "the message goes once the value is valid"
        );
        handle.destroy();
        form.remove();
    }

    #[wasm_bindgen_test]
    fn events_reach_the_callbacks_and_off_removes_them() {
        let (form, handle) = mounted("m4", "");
        let seen: Rc<RefCell<Vec<String>>> = Rc::default();
        let log = seen.clone();
        let cb = Closure::<dyn FnMut(JsValue)>::new(move |d: JsValue| {
            log.borrow_mut().push(
                get(&d, "field")
                    .as_string()
                    .unwrap_or_else(|| "brand".into()),
            );
        });
        let f: js_sys::Function = cb.as_ref().clone().unchecked_into();
        handle.on("change", f.clone()).expect("known event");
        handle.on("brand", f.clone()).expect("known event");
        assert!(handle.on("nope", f.clone()).is_err());
        type_in(&input("m4", "number"), "4111");
        assert_eq!(*seen.borrow(), ["brand", "number"]);
        handle.off("change", f.clone());
        handle.off("brand", f);
        type_in(&input("m4", "number"), "41111");
        assert_eq!(seen.borrow().len(), 2);
        handle.destroy();
        form.remove();
    }

    #[wasm_bindgen_test]
    fn destroy_gives_the_inputs_back_and_is_idempotent() {
        let (form, handle) = mounted("m5", "");
        let number = input("m5", "number");
        type_in(&number, "4970101122334455");
        handle.destroy();
        handle.destroy();
        assert_eq!(number.get_attribute("autocomplete"), None);
        assert_eq!(number.get_attribute("data-cc-state"), None);
        assert_eq!(number.get_attribute("aria-describedby"), None);
        assert!(!number.class_list().contains("cc-valid"));
        assert_eq!(
            form.query_selector_all(".cc-error, .cc-brand-choice")
                .expect("q")
                .length(),
            0
        );
        assert_eq!(
            input("m5", "holder")
                .get_attribute("aria-describedby")
                .as_deref(),
            Some("hint")
        );
        // Typing after destroy changes nothing.
        type_in(&number, "4111111111111111");
        assert_eq!(number.value(), "4111111111111111");
        form.remove();
    }

    #[wasm_bindgen_test]
    fn mount_errors_name_the_option() {
        let form = fixture("m6");
        let bad = parse(
            r##"{"fields": {"number": "#m6-number", "expiry": "#m6-expiry", "cvv": "#m6-cvv"}}"##,
        );
        let err = mount(bad).err().map(JsValue::from).expect("an error");
        let message = get(&err, "message").as_string().unwrap_or_default();
        assert!(message.contains("fields.holder"), "{message}");
        let err = mount(options("m6", r#", "threeDS": {"mode": "redirect"}"#))
            .err()
            .map(JsValue::from)
            .expect("an error");
        assert!(
            get(&err, "message")
                .as_string()
                .unwrap_or_default()
                .contains("returnUrl")
        );
        form.remove();
    }

    #[wasm_bindgen_test]
    async fn submit_never_rejects() {
        let (form, handle) = mounted("m7", "");
        // Empty form: invalid, every field listed, nothing sent.
        let r = JsFuture::from(handle.submit(JsValue::UNDEFINED))
            .await
            .expect("resolves");
        assert_eq!(get(&r, "status").as_string().as_deref(), Some("invalid"));
        for id in IDS {
            assert!(get(&get(&r, "fields"), id).is_string(), "{id}");
        }
        // Valid card, no session: an error result, not a rejection.
        type_in(&input("m7", "number"), "4970107111111119");
        type_in(&input("m7", "expiry"), "12 / 34");
        type_in(&input("m7", "cvv"), "123");
        type_in(&input("m7", "holder"), "Jeanne Martin");
        let r = JsFuture::from(handle.submit(JsValue::UNDEFINED))
            .await
            .expect("resolves");
        assert_eq!(get(&r, "status").as_string().as_deref(), Some("error"));
        assert_eq!(get(&r, "code").as_string().as_deref(), Some("no_session"));
        assert!(!super::json(&r).contains("4970"), "no card data in results");
        handle.destroy();
        form.remove();
    }

    // -----------------------------------------------------------------------------------------
    // 3-D Secure steps and destroy(), against a payment server played by a fake `fetch`
    // (installed on window; the module calls `window.fetch`). The bank's pages are about:blank.

    /// The card every flow test pays with (frictionless test card of the sandbox).
    const CARD: [(&str, &str); 4] = [
        ("number", "4970107111111119"),
        ("expiry", "12 / 34"),
        ("cvv", "123"),
        ("holder", "Jeanne Martin"),
    ];

    /// Puts the real `window.fetch` back (kept in `__ccRealFetch` by the first fake, which a
    /// fake installed over another never overwrites).
    fn restore_fetch() {
        let restore = js_sys::Function::new_no_args(
            "if (window.__ccRealFetch) window.fetch = window.__ccRealFetch;",
        );
        let _ = restore.call0(&JsValue::NULL);
    }

    /// Replaces `window.fetch` with one answering like the payment server: `pay` answers
    /// `pay_answer`, `continue` authorizes, `abandon` refuses 02319. Every call is recorded in
    /// `window.__ccCalls` as `{url, body, keepalive}`.
    fn fake_server(pay_answer: &str) -> PutBack {
        let install = js_sys::Function::new_with_args(
            "payAnswer",
            r#"
            const calls = [];
            window.__ccCalls = calls;
            window.__ccRealFetch = window.__ccRealFetch || window.fetch;
            const json = (v) => Promise.resolve(new Response(JSON.stringify(v),
              { headers: { 'Content-Type': 'application/json' } }));
            window.fetch = (url, init) => {
              url = String(url);
              calls.push({ url, body: init && typeof init.body === 'string' ? init.body : '',
                keepalive: !!(init && init.keepalive) });
              if (url.endsWith('/tokenize')) return Promise.resolve(new Response('data=TOKEN'));
              if (url.endsWith('/pay')) return json(JSON.parse(payAnswer));
              if (url.endsWith('/continue')) return json({ status: 'authorized', paymentId: 'pay_1', transactionId: 'tx_1' });
              if (url.endsWith('/abandon')) return json({ status: 'refused', paymentId: 'pay_1', code: '02319', message: 'Payment cancelled by the buyer' });
              return json({ id: 'cs_t', status: 'processing' });
            };
            "#,
        );
        install
            .call1(&JsValue::NULL, &JsValue::from_str(pay_answer))
            .expect("installs");
        PutBack::new(restore_fetch)
    }

    /// `(url suffix, body, keepalive)` of the recorded calls.
    fn calls() -> Vec<(String, String, bool)> {
        let window = web_sys::window().expect("window");
        js_sys::Array::from(&get(&window, "__ccCalls"))
            .iter()
            .map(|c| {
                let url = get(&c, "url").as_string().unwrap_or_default();
                let tail = url.rsplit('/').next().unwrap_or_default().to_owned();
                (
                    tail,
                    get(&c, "body").as_string().unwrap_or_default(),
                    get(&c, "keepalive").as_bool().unwrap_or_default(),
                )
            })
            .collect()
    }

    fn called(name: &str) -> Vec<(String, bool)> {
        calls()
            .into_iter()
            .filter(|(u, _, _)| u == name)
            .map(|(_, b, k)| (b, k))
            .collect()
    }

    /// Mount options with a session on this page's origin (so this page's own postMessage
    /// comes from the "payment server" origin) and `timeouts`.
    fn session_options(prefix: &str, timeouts: &str) -> String {
        let origin = web_sys::window()
            .expect("window")
            .location()
            .origin()
            .expect("origin");
        format!(
            r#", "timeouts": {timeouts}, "session": {{"id": "cs_t", "clientSecret": "secret", "nonce": "n-{prefix}",
            "payUrl": "{origin}/api/checkout-sessions/cs_t/pay", "statusUrl": "{origin}/api/checkout-sessions/cs_t",
            "tokenizer": {{"url": "{origin}/tokenize", "accessKeyRef": "ref", "data": "d"}}}}"#
        )
    }

    fn fill(prefix: &str) {
        for (field, value) in CARD {
            type_in(&input(prefix, field), value);
        }
    }

    /// One turn of the event loop, `n` ms from now: the polling interval of [`until`].
    async fn ms(n: i32) {
        let p = js_sys::Promise::new(&mut |ok, _| {
            let _ = web_sys::window()
                .expect("window")
                .set_timeout_with_callback_and_timeout_and_arguments_0(&ok, n);
        });
        let _ = JsFuture::from(p).await;
    }

    /// Waits until `done()` holds, checking every 20 ms; fails the test after 5 s, naming
    /// `what`. The tests wait on the condition itself rather than a guessed delay, so a slow
    /// machine only makes them slower, never wrong.
    async fn until(what: &str, mut done: impl FnMut() -> bool) {
        let deadline = js_sys::Date::now() + 5000.0;
        while !done() {
            assert!(
                js_sys::Date::now() < deadline,
                "timed out waiting for {what}"
            );
            ms(20).await;
        }
    }

    /// Waits until `selector` matches in the document (up to 5 s).
    async fn appears(selector: &str) {
        until(selector, || count(selector) > 0).await;
    }

    /// Waits until every message this page has posted to itself so far has been dispatched:
    /// posts a marker after them and waits for it (a window's messages to itself arrive in
    /// order). Whatever the module does about the earlier ones (its listener, then the
    /// microtasks the listener queued, such as a request) has happened by then, so the test
    /// can check that nothing happened without sleeping.
    async fn messages_delivered() {
        let barrier = js_sys::Function::new_no_args(
            r#"
            const marker = { ccMarker: Math.random() };
            return new Promise((ok) => {
              const seen = (e) => {
                if (e.data && e.data.ccMarker === marker.ccMarker) {
                  window.removeEventListener('message', seen);
                  ok();
                }
              };
              window.addEventListener('message', seen);
              window.postMessage(marker, '*');
            });
            "#,
        );
        let p: js_sys::Promise = barrier
            .call0(&JsValue::NULL)
            .expect("posts")
            .unchecked_into();
        JsFuture::from(p).await.expect("delivered");
    }

    /// Counts the page's pending `setTimeout` timers (set, neither fired nor cleared) until
    /// dropped, when the real functions are put back. The module's waits (backoff, 3-D Secure
    /// timeouts) are such timers: none pending means nothing of a stopped flow can run later.
    struct PendingTimers {
        _put_back: PutBack,
    }

    impl PendingTimers {
        fn track() -> Self {
            let install = js_sys::Function::new_no_args(
                r#"
                const real = { set: window.setTimeout, clear: window.clearTimeout };
                window.__ccRealTimers = window.__ccRealTimers || real;
                const { set, clear } = window.__ccRealTimers;
                const pending = new Set();
                window.__ccPendingTimers = pending;
                window.setTimeout = (f, ms, ...args) => {
                  const id = set.call(window, (...a) => { pending.delete(id); f(...a); }, ms, ...args);
                  pending.add(id);
                  return id;
                };
                window.clearTimeout = (id) => { pending.delete(id); clear.call(window, id); };
                "#,
            );
            install.call0(&JsValue::NULL).expect("installs");
            PendingTimers {
                _put_back: PutBack::new(restore_timers),
            }
        }

        fn count(&self) -> f64 {
            get(&web_sys::window().expect("window"), "__ccPendingTimers")
                .dyn_into::<js_sys::Set>()
                .map_or(-1.0, |set| f64::from(set.size()))
        }
    }

    fn restore_timers() {
        let restore = js_sys::Function::new_no_args(
            r#"
            const real = window.__ccRealTimers;
            if (real) { window.setTimeout = real.set; window.clearTimeout = real.clear; }
            "#,
        );
        let _ = restore.call0(&JsValue::NULL);
    }

    /// Counts the `load` events of iframes with class `class` until dropped (a capturing
    /// listener on the document: `load` does not bubble, but the capture phase sees it, and
    /// before the frame's own listeners).
    struct FrameLoads {
        _put_back: PutBack,
    }

    impl FrameLoads {
        fn count(class: &str) -> Self {
            let install = js_sys::Function::new_with_args(
                "cls",
                r#"
                window.__ccFrameLoads = 0;
                const count = (e) => {
                  if (e.target instanceof HTMLIFrameElement && e.target.classList.contains(cls)) {
                    window.__ccFrameLoads += 1;
                  }
                };
                document.addEventListener('load', count, true);
                window.__ccStopFrameLoads = () => document.removeEventListener('load', count, true);
                "#,
            );
            install
                .call1(&JsValue::NULL, &JsValue::from_str(class))
                .expect("installs");
            FrameLoads {
                _put_back: PutBack::new(stop_frame_loads),
            }
        }

        fn seen(&self) -> f64 {
            get(&web_sys::window().expect("window"), "__ccFrameLoads")
                .as_f64()
                .unwrap_or_default()
        }
    }

    fn stop_frame_loads() {
        let stop = js_sys::Function::new_no_args(
            "if (window.__ccStopFrameLoads) window.__ccStopFrameLoads();",
        );
        let _ = stop.call0(&JsValue::NULL);
    }

    fn count(selector: &str) -> u32 {
        doc().query_selector_all(selector).map_or(0, |l| l.length())
    }

    /// This page posts a message to itself (its origin is the session's server origin).
    fn post(kind: &str, nonce: &str) {
        let window = web_sys::window().expect("window");
        let msg = parse(&format!(
            r#"{{"type": "{kind}", "sessionId": "cs_t", "nonce": "{nonce}", "paymentId": "pay_1"}}"#
        ));
        window.post_message(&msg, "*").expect("posts");
    }

    fn status_code(r: &JsValue) -> (String, String) {
        (
            get(r, "status").as_string().unwrap_or_default(),
            get(r, "code").as_string().unwrap_or_default(),
        )
    }

    #[wasm_bindgen_test]
    async fn destroy_during_a_challenge_removes_the_dialog_and_settles_destroyed() {
        let _server = fake_server(
            r#"{"status": "challenge", "paymentId": "pay_1", "method": "POST", "url": "about:blank", "fields": {"creq": "c", "threeDSSessionData": "md"}}"#,
        );
        let (form, handle) = mounted("d1", &session_options("d1", "{}"));
        fill("d1");
        let pending = JsFuture::from(handle.submit(JsValue::UNDEFINED));
        appears(".cc-challenge iframe.cc-challenge-frame").await;
        assert!(count("body > [inert]") > 0, "the page behind is inert");
        handle.destroy();
        // At once, before the promise settles: nothing of the dialog is left.
        assert_eq!(count(".cc-challenge"), 0, "no dialog");
        assert_eq!(count("iframe"), 0, "no iframe");
        assert_eq!(count("[inert]"), 0, "no inert");
        let r = pending.await.expect("resolves, never rejects");
        assert_eq!(status_code(&r), ("error".into(), "destroyed".into()));
        assert!(get(&r, "message").is_string());
        // The attempt is abandoned on the server, with a request that survives an unload.
        assert_eq!(
            called("abandon"),
            [(r#"{"paymentId":"pay_1"}"#.to_owned(), true)]
        );
        // A late message from the bank's return page finds nobody listening.
        post("card-capture:3ds-complete", "n-d1");
        messages_delivered().await;
        assert!(called("cs_t").is_empty(), "no status read after destroy");
        assert_eq!(get(&handle.state(), "submitting").as_bool(), Some(false));
        handle.destroy();
        // A submit after destroy answers at once.
        let again = JsFuture::from(handle.submit(JsValue::UNDEFINED))
            .await
            .expect("resolves");
        assert_eq!(status_code(&again).1, "destroyed");
        form.remove();
    }

    #[wasm_bindgen_test]
    async fn destroy_from_the_challenge_callback_opens_no_dialog() {
        let _server = fake_server(
            r#"{"status": "challenge", "paymentId": "pay_1", "method": "POST", "url": "about:blank", "fields": {"creq": "c"}}"#,
        );
        let (form, handle) = mounted("d2", &session_options("d2", "{}"));
        fill("d2");
        let handle = Rc::new(handle);
        let h = handle.clone();
        let cb = Closure::<dyn FnMut(JsValue)>::new(move |_| h.destroy());
        handle
            .on("challenge", cb.as_ref().clone().unchecked_into())
            .expect("known event");
        let r = JsFuture::from(handle.submit(JsValue::UNDEFINED))
            .await
            .expect("resolves");
        assert_eq!(status_code(&r).1, "destroyed");
        assert_eq!(count(".cc-challenge, iframe, [inert]"), 0);
        assert_eq!(called("abandon").len(), 1);
        form.remove();
    }

    #[wasm_bindgen_test]
    async fn the_method_round_waits_for_the_notification_message_not_the_frame_load() {
        let _server = fake_server(
            r#"{"status": "method", "paymentId": "pay_1", "url": "about:blank", "fields": {"threeDSMethodData": "m"}}"#,
        );
        let (form, handle) = mounted("d3", &session_options("d3", r#"{"method": 10000}"#));
        fill("d3");
        let loads = FrameLoads::count("cc-method-frame");
        let pending = JsFuture::from(handle.submit(JsValue::UNDEFINED));
        appears("iframe.cc-method-frame[hidden]").await;
        // The frame has loaded: still waiting for the notification. (A listener reacting to
        // the load would have run in the same dispatch, and its request in the microtasks
        // after it, before this test's next poll.)
        until("the method frame's load", || loads.seen() >= 1.0).await;
        assert!(
            called("continue").is_empty(),
            "a load does not end the method"
        );
        assert_eq!(count("iframe.cc-method-frame"), 1);
        // Forged or mistaken messages change nothing: wrong nonce, wrong type.
        post("card-capture:3ds-method-complete", "guess");
        post("card-capture:3ds-complete", "n-d3");
        messages_delivered().await;
        assert!(called("continue").is_empty(), "forged messages are ignored");
        assert_eq!(count("iframe.cc-method-frame"), 1);
        post("card-capture:3ds-method-complete", "n-d3");
        let r = pending.await.expect("resolves");
        assert_eq!(get(&r, "status").as_string().as_deref(), Some("authorized"));
        assert_eq!(
            called("continue"),
            [(
                r#"{"paymentId":"pay_1","methodCompleted":true}"#.to_owned(),
                false
            )]
        );
        assert_eq!(count("iframe"), 0, "the method frame is removed");
        handle.destroy();
        form.remove();
    }

    #[wasm_bindgen_test]
    async fn a_method_without_notification_continues_not_completed_after_the_timeout() {
        let _server = fake_server(
            r#"{"status": "method", "paymentId": "pay_1", "url": "about:blank", "fields": {"threeDSMethodData": "m"}}"#,
        );
        let (form, handle) = mounted("d4", &session_options("d4", r#"{"method": 300}"#));
        fill("d4");
        let r = JsFuture::from(handle.submit(JsValue::UNDEFINED))
            .await
            .expect("resolves");
        assert_eq!(get(&r, "status").as_string().as_deref(), Some("authorized"));
        assert_eq!(
            called("continue"),
            [(
                r#"{"paymentId":"pay_1","methodCompleted":false}"#.to_owned(),
                false
            )]
        );
        assert_eq!(count("iframe"), 0);
        handle.destroy();
        form.remove();
    }

    #[wasm_bindgen_test]
    async fn destroy_during_the_method_round_removes_the_frame_and_abandons() {
        let _server = fake_server(
            r#"{"status": "method", "paymentId": "pay_1", "url": "about:blank", "fields": {"threeDSMethodData": "m"}}"#,
        );
        let (form, handle) = mounted("d5", &session_options("d5", r#"{"method": 10000}"#));
        fill("d5");
        let pending = JsFuture::from(handle.submit(JsValue::UNDEFINED));
        appears("iframe.cc-method-frame").await;
        handle.destroy();
        assert_eq!(count("iframe"), 0, "the method frame goes at once");
        let r = pending.await.expect("resolves");
        assert_eq!(status_code(&r), ("error".into(), "destroyed".into()));
        assert_eq!(called("abandon").len(), 1);
        // A notification after destroy starts nothing.
        post("card-capture:3ds-method-complete", "n-d5");
        messages_delivered().await;
        assert!(called("continue").is_empty());
        form.remove();
    }

    // -----------------------------------------------------------------------------------------
    // Unknown outcomes and the URL rule, against a scripted payment server.

    /// Replaces `window.fetch` with a payment server whose answers follow `script`: for `pay`,
    /// `continue`, `abandon` and `status` (any other URL of the server), a list of answers
    /// given in turn, the last one repeated. An answer is `{status?, body}`, `"reject"` (a
    /// network error) or `"hang"` (no answer until the request's signal aborts it). The
    /// tokenizer (`/tokenize`) answers a token. Calls are recorded as by `fake_server`, and the
    /// `checking` events counted in `window.__ccChecking`.
    fn scripted_server(script: &str) -> PutBack {
        let install = js_sys::Function::new_with_args(
            "scriptText",
            r#"
            const script = JSON.parse(scriptText);
            const calls = [];
            window.__ccCalls = calls;
            window.__ccChecking = 0;
            window.__ccRealFetch = window.__ccRealFetch || window.fetch;
            window.fetch = (url, init) => {
              url = String(url);
              calls.push({ url, body: init && typeof init.body === 'string' ? init.body : '',
                keepalive: !!(init && init.keepalive) });
              if (url.endsWith('/tokenize')) return Promise.resolve(new Response('data=TOKEN'));
              const name = ['pay', 'continue', 'abandon'].find((n) => url.endsWith('/' + n)) || 'status';
              const queue = script[name];
              const a = queue.length > 1 ? queue.shift() : queue[0];
              if (a === 'reject') return Promise.reject(new TypeError('Failed to fetch'));
              if (a === 'hang') {
                return new Promise((_, fail) => init.signal.addEventListener('abort', () => fail(init.signal.reason)));
              }
              return Promise.resolve(new Response(JSON.stringify(a.body),
                { status: a.status || 200, headers: { 'Content-Type': 'application/json' } }));
            };
            "#,
        );
        install
            .call1(&JsValue::NULL, &JsValue::from_str(script))
            .expect("installs");
        PutBack::new(restore_fetch)
    }

    fn checking_events() -> f64 {
        get(&web_sys::window().expect("window"), "__ccChecking")
            .as_f64()
            .unwrap_or_default()
    }

    fn count_checking(handle: &CheckoutHandle) {
        let f = js_sys::Function::new_no_args("window.__ccChecking += 1;");
        handle.on("checking", f).expect("known event");
    }

    const PROCESSING: &str = r#"{"body": {"id": "cs_t", "status": "processing", "payment": {"paymentId": "pay_1", "status": "unknown"}}}"#;
    const AUTHORIZED: &str = r#"{"body": {"id": "cs_t", "status": "authorized", "payment": {"paymentId": "pay_1", "status": "authorized", "transactionId": "tx_9"}}}"#;

    #[wasm_bindgen_test]
    async fn a_504_is_no_error_the_status_is_read_until_authorized() {
        let _server = scripted_server(&format!(
            r#"{{"pay": [{{"status": 504, "body": {{"error": {{"code": "gateway_timeout", "message": "x"}}}}}}],
                "status": [{PROCESSING}, {PROCESSING}, {AUTHORIZED}]}}"#
        ));
        let (form, handle) = mounted("u1", &session_options("u1", "{}"));
        count_checking(&handle);
        fill("u1");
        let r = JsFuture::from(handle.submit(JsValue::UNDEFINED))
            .await
            .expect("resolves");
        assert_eq!(
            super::json(&r),
            r#"{"status":"authorized","paymentId":"pay_1","transactionId":"tx_9"}"#
        );
        // The server answered: the pay is not sent again; its outcome comes from the status.
        assert_eq!(called("pay").len(), 1);
        assert_eq!(called("cs_t").len(), 3);
        assert_eq!(checking_events(), 1.0, "one checking event");
        handle.destroy();
        form.remove();
    }

    #[wasm_bindgen_test]
    async fn lost_answers_resend_the_same_key_then_read_the_status() {
        let _server = scripted_server(&format!(
            r#"{{"pay": ["reject"], "status": [{PROCESSING}, {AUTHORIZED}]}}"#
        ));
        let (form, handle) = mounted("u2", &session_options("u2", "{}"));
        fill("u2");
        let r = JsFuture::from(handle.submit(JsValue::UNDEFINED))
            .await
            .expect("resolves");
        assert_eq!(status_code(&r).0, "authorized", "{}", super::json(&r));
        let pays = called("pay");
        assert_eq!(pays.len(), 2, "one resend after a lost connection");
        assert_eq!(pays[0], pays[1], "same body, same idempotency key");
        assert!(pays[0].0.contains(r#""idempotencyKey":"cc_"#));
        assert_eq!(called("cs_t").len(), 2);
        handle.destroy();
        form.remove();
    }

    #[wasm_bindgen_test]
    async fn a_pay_timeout_reads_the_status_and_an_open_session_is_paid_again() {
        // 503 overloaded: the pay never ran. The status says so (open): sent again, same key.
        let _server = scripted_server(&format!(
            r#"{{"pay": [{{"status": 503, "body": {{"error": {{"code": "overloaded"}}}}}}, "hang",
                  {{"body": {{"status": "authorized", "paymentId": "pay_2", "transactionId": "tx_2"}}}}],
                "status": [{{"body": {{"id": "cs_t", "status": "open"}}}}, {AUTHORIZED}]}}"#
        ));
        let (form, handle) = mounted("u3", &session_options("u3", r#"{"pay": 300}"#));
        fill("u3");
        let r = JsFuture::from(handle.submit(JsValue::UNDEFINED))
            .await
            .expect("resolves");
        // The resent pay timed out (300 ms): the status then says authorized.
        assert_eq!(
            super::json(&r),
            r#"{"status":"authorized","paymentId":"pay_1","transactionId":"tx_9"}"#
        );
        let pays = called("pay");
        assert_eq!(pays.len(), 2, "sent again once only");
        assert_eq!(pays[0], pays[1]);
        handle.destroy();
        form.remove();
    }

    #[wasm_bindgen_test]
    async fn still_processing_at_the_bound_resolves_pending_and_destroy_stops_the_reads() {
        let _server = scripted_server(&format!(
            r#"{{"pay": ["reject"], "status": [{PROCESSING}]}}"#
        ));
        let (form, handle) = mounted("u4", &session_options("u4", r#"{"pending": 1500}"#));
        count_checking(&handle);
        fill("u4");
        let r = JsFuture::from(handle.submit(JsValue::UNDEFINED))
            .await
            .expect("resolves");
        assert_eq!(status_code(&r).0, "pending", "{}", super::json(&r));
        assert_eq!(get(&r, "paymentId").as_string().as_deref(), Some("pay_1"));
        assert!(get(&r, "message").is_string());
        // Read at once, after 1 s, and after 2 s more, past the 1.5 s bound: pending.
        assert_eq!(called("cs_t").len(), 3);
        assert_eq!(checking_events(), 1.0);
        handle.destroy();
        form.remove();

        // destroy() while the status is being read: destroyed at once, no more reads.
        let _server = scripted_server(&format!(
            r#"{{"pay": ["reject"], "status": [{PROCESSING}]}}"#
        ));
        let (form, handle) = mounted("u5", &session_options("u5", "{}"));
        fill("u5");
        let timers = PendingTimers::track();
        let pending = JsFuture::from(handle.submit(JsValue::UNDEFINED));
        until("the first status read", || !called("cs_t").is_empty()).await;
        // The flow now waits for its next read on a timer.
        until("the backoff's timer", || timers.count() > 0.0).await;
        handle.destroy();
        let r = pending.await.expect("resolves");
        assert_eq!(status_code(&r), ("error".into(), "destroyed".into()));
        // The read loop has returned (the result) and left no backoff timer behind: no read
        // can come later.
        assert_eq!(timers.count(), 0.0, "no timer left after destroy()");
        form.remove();
    }

    #[wasm_bindgen_test]
    async fn a_continue_without_answer_reads_the_status() {
        let _server = scripted_server(&format!(
            r#"{{"pay": [{{"body": {{"status": "method", "paymentId": "pay_1", "url": "about:blank", "fields": {{"threeDSMethodData": "m"}}}}}}],
                "continue": [{{"status": 502, "body": {{"error": {{"code": "gateway_error"}}}}}}],
                "status": [{AUTHORIZED}]}}"#
        ));
        let (form, handle) = mounted("u6", &session_options("u6", r#"{"method": 100}"#));
        fill("u6");
        let r = JsFuture::from(handle.submit(JsValue::UNDEFINED))
            .await
            .expect("resolves");
        assert_eq!(status_code(&r).0, "authorized", "{}", super::json(&r));
        assert_eq!(called("continue").len(), 1);
        assert_eq!(called("cs_t").len(), 1);
        handle.destroy();
        form.remove();
    }

    /// Mount options whose session names `tokenizer`, `pay` and `status` as its URLs.
    fn session_with(tokenizer: &str, pay: &str, status: &str) -> String {
        format!(
            r#", "session": {{"id": "cs_t", "clientSecret": "secret", "nonce": "n",
            "payUrl": "{pay}", "statusUrl": "{status}",
            "tokenizer": {{"url": "{tokenizer}", "accessKeyRef": "ref", "data": "d"}}}}"#
        )
    }

    #[wasm_bindgen_test]
    async fn an_insecure_session_url_sends_nothing() {
        let origin = web_sys::window()
            .expect("window")
            .location()
            .origin()
            .expect("origin");
        let pay = format!("{origin}/api/checkout-sessions/cs_t/pay");
        let status = format!("{origin}/api/checkout-sessions/cs_t");
        let tokenizer = format!("{origin}/tokenize");
        for (i, (t, p, s, code)) in [
            (
                "http://pay.example/tokenize",
                pay.as_str(),
                status.as_str(),
                "insecure_tokenizer",
            ),
            (
                "javascript:alert(1)//tokenize",
                pay.as_str(),
                status.as_str(),
                "insecure_tokenizer",
            ),
            (
                tokenizer.as_str(),
                "http://pay.example/api/checkout-sessions/cs_t/pay",
                status.as_str(),
                "insecure_url",
            ),
            (
                tokenizer.as_str(),
                pay.as_str(),
                "http://pay.example/api/checkout-sessions/cs_t",
                "insecure_url",
            ),
        ]
        .into_iter()
        .enumerate()
        {
            let _server = fake_server(
                r#"{"status": "authorized", "paymentId": "pay_1", "transactionId": "tx_1"}"#,
            );
            let prefix = format!("s{i}");
            let (form, handle) = mounted(&prefix, &session_with(t, p, s));
            fill(&prefix);
            let r = JsFuture::from(handle.submit(JsValue::UNDEFINED))
                .await
                .expect("resolves");
            assert_eq!(
                status_code(&r),
                ("error".into(), code.into()),
                "{t} {p} {s}"
            );
            assert!(calls().is_empty(), "nothing sent: {:?}", calls());
            handle.destroy();
            form.remove();
        }
        // The same session on loopback http (this test page's origin) pays.
        let _server = fake_server(
            r#"{"status": "authorized", "paymentId": "pay_1", "transactionId": "tx_1"}"#,
        );
        let (form, handle) = mounted("s9", &session_with(&tokenizer, &pay, &status));
        fill("s9");
        let r = JsFuture::from(handle.submit(JsValue::UNDEFINED))
            .await
            .expect("resolves");
        assert_eq!(status_code(&r).0, "authorized");
        handle.destroy();
        form.remove();
    }
}
