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

/// Puts the built-in table back (tests share one module instance).
fn restore_builtin_table() {
    let builtin = serde_wasm_bindgen::to_value(&BinTable::default()).unwrap_or(JsValue::UNDEFINED);
    let replace = parse(r#"{"mode":"replace"}"#);
    assert!(set_bin_table(builtin, Some(replace)).is_ok());
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

    restore_builtin_table();
    assert_eq!(brand_ids(&validate_number(s("4137 8900"))), ["visa"]);
    assert_eq!(
        flags(&validate_number(s("5555 5555 5555 4444"))),
        (true, true)
    );
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

    use super::{get, parse};

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
        let r = JsFuture::from(handle.submit()).await.expect("resolves");
        assert_eq!(get(&r, "status").as_string().as_deref(), Some("invalid"));
        for id in IDS {
            assert!(get(&get(&r, "fields"), id).is_string(), "{id}");
        }
        // Valid card, no session: an error result, not a rejection.
        type_in(&input("m7", "number"), "4970107111111119");
        type_in(&input("m7", "expiry"), "12 / 34");
        type_in(&input("m7", "cvv"), "123");
        type_in(&input("m7", "holder"), "Jeanne Martin");
        let r = JsFuture::from(handle.submit()).await.expect("resolves");
        assert_eq!(get(&r, "status").as_string().as_deref(), Some("error"));
        assert_eq!(get(&r, "code").as_string().as_deref(), Some("no_session"));
        assert!(!super::json(&r).contains("4970"), "no card data in results");
        handle.destroy();
        form.remove();
    }
}
