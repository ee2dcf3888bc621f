//! What `mount(options)` and the checkout session say, read from their JS objects into Rust
//! types: the option parsing of a mounted form, apart from the form itself. A leaf over `js`,
//! `dom`, `form`, `i18n` and `transport`, so that the form (`controller`) and the submit flow
//! (`flow`) share these types without depending on each other.

use card_core::YearMonth;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlInputElement};

use crate::form::Field;
use crate::i18n::Locale;
use crate::js;
use crate::transport::Tokenizer;

/// How 3-D Secure challenges are shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThreeDsMode {
    /// In a dialog over the checkout page (default).
    Iframe,
    /// The whole page goes to the bank and comes back to `return_url`; then `resume()`.
    Redirect {
        /// Where the payment server sends the buyer back.
        return_url: String,
    },
}

/// Time limits, in milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// Each HTTP request other than pay and continue (tokenizer, status, abandon).
    pub request: u32,
    /// Pay and continue. Longer than the payment server's own deadline for them (it answers
    /// within 30 s, its request timeout: at most two gateway calls of up to 12 s each, plus
    /// its database work), so the server has answered, with an outcome or a 5xx such as 504
    /// `gateway_timeout`, before the page gives up. A shorter wait would stop listening while a
    /// doAuthorization may still succeed, and an answer missed that way can only be recovered
    /// from the status URL.
    pub pay: u32,
    /// How long `submit()` keeps reading the status URL of a payment whose outcome is not
    /// known yet (reconciliation can take minutes) before it resolves `pending`.
    pub pending: u32,
    /// The 3DS Method round (EMV 3DS: 10 s, then `threeDSCompInd = N`).
    pub method: u32,
    /// The challenge (EMV 3DS challenge timeout: 10 minutes, as Adyen's).
    pub challenge: u32,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            request: 20_000,
            pay: 35_000,
            pending: 120_000,
            method: 10_000,
            challenge: 600_000,
        }
    }
}

/// The checkout session answer of the payment server (checkout-session contract), as the page needs it.
#[derive(Debug, Clone)]
pub struct Session {
    /// `cs_…`.
    pub id: String,
    /// Bearer token of the browser-facing calls.
    pub client_secret: String,
    /// Echoed by the 3-D Secure return page; messages without it are ignored.
    pub nonce: String,
    /// `POST` here to pay.
    pub pay_url: String,
    /// `GET` here for the outcome.
    pub status_url: String,
    /// Origin of `pay_url`: the only origin whose messages are accepted.
    pub server_origin: String,
    /// Tokenizer of the current attempt (swapped after a refusal with `retry`).
    pub tokenizer: Tokenizer,
    /// Payline brand names the session accepts.
    pub accepted: Option<Vec<String>>,
    /// The session offers "save this card" to the buyer (`saveCard: "offer"`).
    pub offers_save: bool,
}

impl Session {
    /// Reads the session answer; the message names the first missing field.
    pub fn from_js(v: &JsValue) -> Result<Session, String> {
        let need = |obj: &JsValue, key: &str| {
            js::string(obj, key)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| js::cat(&["session.", key, " is missing"]))
        };
        let tok = js::get(v, "tokenizer");
        let pay_url = need(v, "payUrl")?;
        let server_origin = web_sys::Url::new(&pay_url)
            .map(|u| u.origin())
            .map_err(|_| "session.payUrl is not an absolute URL".to_owned())?;
        let accepted = js::strings(&js::get(v, "acceptedBrands"));
        Ok(Session {
            id: need(v, "id")?,
            client_secret: need(v, "clientSecret")?,
            nonce: need(v, "nonce")?,
            status_url: need(v, "statusUrl")?,
            pay_url,
            server_origin,
            tokenizer: tokenizer_from_js(&tok).ok_or("session.tokenizer is incomplete")?,
            accepted,
            offers_save: js::string(v, "saveCard").as_deref() == Some("offer"),
        })
    }

    /// `…/{id}/continue` and `…/{id}/abandon`, beside `…/{id}/pay`.
    pub fn sibling_url(&self, name: &str) -> String {
        match self.pay_url.strip_suffix("/pay") {
            Some(base) => js::cat(&[base, "/", name]),
            None => js::cat(&[self.pay_url.trim_end_matches('/'), "/", name]),
        }
    }
}

/// `{url, accessKeyRef, data}`.
pub fn tokenizer_from_js(tok: &JsValue) -> Option<Tokenizer> {
    Some(Tokenizer {
        url: js::string(tok, "url")?,
        access_key_ref: js::string(tok, "accessKeyRef")?,
        data: js::string(tok, "data")?,
    })
}

/// Mount options, read from the JS object.
#[derive(Debug)]
pub struct MountOptions {
    /// The four inputs.
    pub inputs: [HtmlInputElement; 4],
    /// Merchant message elements, per field.
    pub messages: [Option<Element>; 4],
    /// Where the brand choice goes.
    pub brand_choice: Option<Element>,
    /// Session.
    pub session: Option<Session>,
    /// Locale.
    pub locale: Locale,
    /// 3-D Secure presentation.
    pub three_ds: ThreeDsMode,
    /// Preselected co-badge brand.
    pub default_brand: Option<String>,
    /// Accepted brands (overrides the session's).
    pub accepted: Option<Vec<String>>,
    /// Time limits.
    pub timeouts: Timeouts,
    /// Fixed "today" (tests).
    pub today: Option<YearMonth>,
    /// The merchant's "save this card" box: the element shown or hidden, and its checkbox.
    pub save_card: Option<(Element, HtmlInputElement)>,
}

/// A selector or an element option; `None` when absent.
pub fn element_arg(doc: &Document, v: &JsValue, what: &str) -> Result<Option<Element>, String> {
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    if let Some(sel) = v.as_string() {
        return doc
            .query_selector(&sel)
            .map_err(|_| js::cat(&[what, ": '", &sel, "' is not a valid selector"]))?
            .map(Some)
            .ok_or_else(|| js::cat(&[what, ": nothing matches '", &sel, "'"]));
    }
    v.clone()
        .dyn_into::<Element>()
        .map(Some)
        .map_err(|_| js::cat(&[what, " must be a selector or an element"]))
}

fn ms_arg(obj: &JsValue, key: &str, default: u32) -> u32 {
    js::get(obj, key)
        .as_f64()
        .filter(|n| n.is_finite() && *n >= 0.0)
        .map_or(default, |n| n.min(f64::from(u32::MAX)) as u32)
}

impl MountOptions {
    /// Reads `mount(options)`; the message says what is wrong.
    pub fn from_js(doc: &Document, o: &JsValue) -> Result<MountOptions, String> {
        if !o.is_object() {
            return Err("mount(options): options must be an object".into());
        }
        let fields = js::get(o, "fields");
        let messages_arg = js::get(o, "messages");
        let mut inputs = Vec::new();
        let mut messages = Vec::new();
        for field in Field::ALL {
            let what = js::cat(&["fields.", field.name()]);
            let el = element_arg(doc, &js::get(&fields, field.name()), &what)?
                .ok_or_else(|| js::cat(&[&what, " is required"]))?;
            let input = el
                .dyn_into::<HtmlInputElement>()
                .map_err(|_| js::cat(&[&what, " must be an <input>"]))?;
            inputs.push(input);
            messages.push(element_arg(
                doc,
                &js::get(&messages_arg, field.name()),
                &js::cat(&["messages.", field.name()]),
            )?);
        }
        let session_arg = js::get(o, "session");
        let session = if session_arg.is_object() {
            Some(Session::from_js(&session_arg)?)
        } else {
            None
        };
        let locale = js::string(o, "locale")
            .and_then(|l| Locale::from_tag(&l))
            .unwrap_or_else(|| page_locale(doc));
        let t = js::get(o, "threeDS");
        let three_ds = three_ds_from_js(&t)?;
        let accepted = js::strings(&js::get(o, "acceptedBrands"));
        let today_arg = js::get(o, "today");
        let today = if today_arg.is_object() {
            let n = |k: &str| js::get(&today_arg, k).as_f64().unwrap_or(0.0);
            YearMonth::new(n("year") as u16, n("month") as u8)
        } else {
            None
        };
        let defaults = Timeouts::default();
        let to = js::get(o, "timeouts");
        let timeouts = Timeouts {
            request: ms_arg(&to, "request", defaults.request),
            pay: ms_arg(&to, "pay", defaults.pay),
            pending: ms_arg(&to, "pending", defaults.pending),
            method: ms_arg(&to, "method", defaults.method),
            challenge: ms_arg(
                &t,
                "challengeTimeout",
                ms_arg(&to, "challenge", defaults.challenge),
            ),
        };
        let [number, expiry, cvv, holder]: [HtmlInputElement; 4] = inputs
            .try_into()
            .map_err(|_| "four fields are required".to_owned())?;
        let [m0, m1, m2, m3]: [Option<Element>; 4] = messages
            .try_into()
            .map_err(|_| "four fields are required".to_owned())?;
        let save_card = save_card_arg(doc, o)?;
        Ok(MountOptions {
            save_card,
            inputs: [number, expiry, cvv, holder],
            messages: [m0, m1, m2, m3],
            brand_choice: element_arg(doc, &js::get(o, "brandChoice"), "brandChoice")?,
            session,
            locale,
            three_ds,
            default_brand: js::string(o, "defaultBrand"),
            accepted,
            timeouts,
            today,
        })
    }
}

/// `threeDS`: `{mode: "iframe"}` (default) or `{mode: "redirect", returnUrl}`.
pub fn three_ds_from_js(t: &JsValue) -> Result<ThreeDsMode, String> {
    Ok(match js::string(t, "mode").as_deref() {
        None | Some("iframe") => ThreeDsMode::Iframe,
        Some("redirect") => ThreeDsMode::Redirect {
            return_url: js::string(t, "returnUrl")
                .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
                .ok_or("threeDS.returnUrl (an absolute URL) is required in redirect mode")?,
        },
        Some(_) => return Err("threeDS.mode must be 'iframe' or 'redirect'".into()),
    })
}

/// `saveCard`: the checkbox itself, or an element holding one (a `<label>`, so that its text is
/// shown and hidden with it).
pub fn save_card_arg(
    doc: &Document,
    o: &JsValue,
) -> Result<Option<(Element, HtmlInputElement)>, String> {
    let Some(el) = element_arg(doc, &js::get(o, "saveCard"), "saveCard")? else {
        return Ok(None);
    };
    let input = match el.clone().dyn_into::<HtmlInputElement>() {
        Ok(i) => Some(i),
        Err(_) => el
            .query_selector("input[type=checkbox]")
            .ok()
            .flatten()
            .and_then(|i| i.dyn_into::<HtmlInputElement>().ok()),
    };
    match input {
        Some(i) if i.type_() == "checkbox" => Ok(Some((el, i))),
        _ => Err("saveCard must be a checkbox or hold one".into()),
    }
}

/// The merchant's "save this card" box is shown only when the session offers saving
/// (customers-and-saved-cards contract), and unticked otherwise: a hidden box never saves a
/// card. Both modes keep the box in the shop page.
pub fn show_save_box(save_card: Option<&(Element, HtmlInputElement)>, offered: bool) {
    if let Some((el, input)) = save_card {
        if offered {
            let _ = el.remove_attribute("hidden");
        } else {
            let _ = el.set_attribute("hidden", "");
            input.set_checked(false);
        }
    }
}

/// The page's language (`<html lang>`), then the browser's; English otherwise.
pub fn page_locale(doc: &Document) -> Locale {
    doc.document_element()
        .and_then(|e| e.get_attribute("lang"))
        .and_then(|l| Locale::from_tag(&l))
        .or_else(|| {
            crate::dom::window()
                .and_then(|w| w.navigator().language())
                .and_then(|l| Locale::from_tag(&l))
        })
        .unwrap_or(Locale::En)
}
