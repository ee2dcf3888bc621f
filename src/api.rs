//! The JavaScript API: the only file with `#[wasm_bindgen]` exports.
//!
//! Every function is synchronous once the module is initialised. Results are plain objects
//! whose TypeScript types are declared below. Validators never throw: a non-string input is
//! simply invalid. Only `setBinTable` throws, with a `BinTableError` carrying a stable `code`.
//!
//! Objects are built with `js_sys` and the BIN table is read field by field rather than through
//! serde-wasm-bindgen: serde's error path alone links float formatting, and the whole costs
//! about 30 KB of WebAssembly for four small result shapes.

use card_core::{
    BinTableError, BrandSpec, CvvRule, Edit, Formatted, TableMode, Validity, YearMonth, check_cvv,
    check_expiry, check_holder, check_number, format_expiry, format_number,
};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::controller::Controller;
use crate::events;
use crate::form::Field;
use crate::i18n::Locale;
use crate::isolated::Isolated;
use crate::js;
use crate::options::MountOptions;
use crate::table::{self, with_table};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** A card network, as detected from the number's prefix. */
export interface CardBrand {
  /** "visa" | "mastercard" | "amex" | "cb" | "maestro" | "discover" | "diners" | "jcb" | "unionpay" | "mir" | "elo" | "hipercard", or one added by setBinTable. */
  id: string;
  /** Name to show, e.g. "Cartes Bancaires". */
  name: string;
  /** Payline card.type code, e.g. "CB", "VISA"; for a co-badged card, the buyer's choice. */
  paylineType: string;
}

/** valid: complete and acceptable; potentiallyValid: more typing could still make it valid. */
export interface Validation {
  valid: boolean;
  potentiallyValid: boolean;
}

/** Result of validateNumber. */
export interface NumberValidation extends Validation {
  /** Detected brands, co-badge first (["cb", "visa"] lets the buyer choose); empty when unknown. */
  brands: CardBrand[];
  /** Digit counts after which a space is shown. */
  gaps: number[];
  /** Allowed lengths of the detected brand(s); empty when no brand can match. */
  lengths: number[];
  /** Expected CVV length (3 when unknown). */
  cvvLength: number;
  /** Whether the brand requires a CVV (true when unknown). */
  cvvRequired: boolean;
}

/** Result of validateExpiry; month, year and payline are present exactly when valid. */
export interface ExpiryValidation extends Validation {
  month?: number;
  /** Four-digit year. */
  year?: number;
  /** Payline's MMYY (card.expirationDate). */
  payline?: string;
}

/** A calendar month; month is 1-12. */
export interface YearMonth {
  year: number;
  month: number;
}

/** A formatted field value and its caret (UTF-16 code units, like selectionStart). */
export interface Formatted {
  value: string;
  caret: number;
}

/** One brand of a BIN table update (see the README for the rules). */
export interface BinTableBrand {
  id: string;
  name?: string;
  paylineType?: string;
  /** "4", "497010", "2221-2720". */
  ranges?: string[];
  lengths?: number[];
  gaps?: number[];
  cvvLength?: number;
  cvvRequired?: boolean;
  luhn?: boolean;
  coBadge?: boolean;
}

/** A BIN table update for setBinTable. */
export interface BinTable {
  brands: BinTableBrand[];
}

export interface SetBinTableOptions {
  /** "extend" (default): add ranges and brands; "replace": use only the given brands. */
  mode?: "extend" | "replace";
}

/** Error thrown by setBinTable (name "BinTableError"); the current table is unchanged. */
export interface BinTableError extends Error {
  name: "BinTableError";
  code: "malformed_table" | "invalid_mode" | "empty_table" | "too_large" | "invalid_brand_id" | "duplicate_brand" | "missing_field" | "invalid_range" | "invalid_lengths" | "invalid_gaps" | "invalid_cvv_length" | "invalid_text";
}
"#;

/// Property names of the result objects, made into JS strings once: building each key from a
/// Rust `&str` on every call (UTF-8 decoding in JS) would cost more than the validation.
#[derive(Clone, Copy)]
enum Key {
    Valid,
    PotentiallyValid,
    Brands,
    Gaps,
    Lengths,
    CvvLength,
    CvvRequired,
    Id,
    Name,
    PaylineType,
    Month,
    Year,
    Payline,
    Value,
    Caret,
}

const KEY_NAMES: [&str; 15] = [
    "valid",
    "potentiallyValid",
    "brands",
    "gaps",
    "lengths",
    "cvvLength",
    "cvvRequired",
    "id",
    "name",
    "paylineType",
    "month",
    "year",
    "payline",
    "value",
    "caret",
];

thread_local! {
    static KEYS: Vec<JsValue> = KEY_NAMES.iter().map(|k| JsValue::from_str(k)).collect();
}

#[wasm_bindgen]
extern "C" {
    /// A plain object written with `obj[key] = value`: unlike `Reflect.set` through js-sys,
    /// no exception wrapper per property (a fresh plain object cannot throw on assignment).
    #[wasm_bindgen(extends = Object)]
    type PlainObject;
    #[wasm_bindgen(method, indexing_setter)]
    fn set(this: &PlainObject, key: &JsValue, value: &JsValue);
}

/// A plain object from key/value pairs; `undefined` values are left out, so optional fields
/// are absent rather than present-and-undefined.
fn object(entries: &[(Key, JsValue)]) -> JsValue {
    let obj: PlainObject = Object::new().unchecked_into();
    KEYS.with(|keys| {
        for (key, value) in entries {
            if let (false, Some(key)) = (value.is_undefined(), keys.get(*key as usize)) {
                obj.set(key, value);
            }
        }
    });
    obj.into()
}

// Arrays are filled with `push` in a loop: `collect::<Array>()` instantiates js-sys's
// `Extend` once per item type.
fn numbers(values: &[u8]) -> JsValue {
    let array = Array::new();
    for &v in values {
        array.push(&v.into());
    }
    array.into()
}

fn validity_js(v: Validity) -> JsValue {
    object(&[
        (Key::Valid, v.valid.into()),
        (Key::PotentiallyValid, v.potentially_valid.into()),
    ])
}

fn formatted_js(f: &Formatted) -> JsValue {
    object(&[
        (Key::Value, JsValue::from_str(&f.value)),
        (Key::Caret, f.caret.into()),
    ])
}

/// A caret argument: a finite number, clamped to ≥ 0; anything else means "at the end".
fn caret_arg(caret: Option<JsValue>) -> Option<u32> {
    let c = caret?.as_f64()?;
    if !c.is_finite() {
        return None;
    }
    // Saturating float-to-int conversion: negative → 0, huge → u32::MAX (clamped later).
    Some(c as u32)
}

fn edit_arg(input_type: Option<JsValue>) -> Edit {
    input_type
        .and_then(|t| t.as_string())
        .map_or(Edit::Unknown, |t| Edit::from_input_type(&t))
}

/// Validates a card number as typed (digits, spaces and dashes). Like every validator, a
/// non-string input gives an invalid result instead of throwing.
#[wasm_bindgen(js_name = validateNumber, unchecked_return_type = "NumberValidation")]
pub fn validate_number(#[wasm_bindgen(unchecked_param_type = "string")] input: JsValue) -> JsValue {
    let text = input.as_string();
    with_table(|table| {
        // A non-string is checked as a NUL character: invalid, no brand.
        let check = check_number(table, text.as_deref().unwrap_or("\u{0}"));
        let brands = Array::new();
        for b in &check.brands {
            brands.push(&object(&[
                (Key::Id, JsValue::from_str(b.id())),
                (Key::Name, JsValue::from_str(b.name())),
                (Key::PaylineType, JsValue::from_str(b.payline_type())),
            ]));
        }
        object(&[
            (Key::Valid, check.validity.valid.into()),
            (
                Key::PotentiallyValid,
                check.validity.potentially_valid.into(),
            ),
            (Key::Brands, brands.into()),
            (Key::Gaps, numbers(check.gaps)),
            (Key::Lengths, numbers(&check.lengths)),
            (Key::CvvLength, check.cvv_length.into()),
            (Key::CvvRequired, check.cvv_required.into()),
        ])
    })
}

/// Validates an expiry (`MM/YY`, `MM / YY`, `MM/YYYY`, `MMYY`, `M/YY`) against `today`
/// (default: the browser's current month, local time). A `today` that is not
/// `{year: 2000–9999, month: 1–12}` of integers makes the expiry invalid.
#[wasm_bindgen(js_name = validateExpiry, unchecked_return_type = "ExpiryValidation")]
pub fn validate_expiry(
    #[wasm_bindgen(unchecked_param_type = "string")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "YearMonth")] today: Option<JsValue>,
) -> JsValue {
    let (Some(text), Some(today)) = (input.as_string(), today_arg(today)) else {
        return validity_js(Validity::INVALID);
    };
    let check = check_expiry(&text, today);
    let date = check.date;
    object(&[
        (Key::Valid, check.validity.valid.into()),
        (
            Key::PotentiallyValid,
            check.validity.potentially_valid.into(),
        ),
        (
            Key::Month,
            date.map_or(JsValue::UNDEFINED, |d| d.month().into()),
        ),
        (
            Key::Year,
            date.map_or(JsValue::UNDEFINED, |d| d.year().into()),
        ),
        (
            Key::Payline,
            date.map_or(JsValue::UNDEFINED, |d| JsValue::from_str(&d.payline_mmyy())),
        ),
    ])
}

/// `today` from JS, or the browser clock when absent. A malformed `today` gives `None`, which
/// makes the expiry invalid rather than silently using another date.
fn today_arg(today: Option<JsValue>) -> Option<YearMonth> {
    match today.filter(|t| !t.is_undefined() && !t.is_null()) {
        None => {
            let now = js_sys::Date::new_0();
            YearMonth::new(
                u16::try_from(now.get_full_year()).ok()?,
                u8::try_from(now.get_month() + 1).ok()?,
            )
        }
        Some(t) => {
            let field = |name: &str| {
                Reflect::get(&t, &JsValue::from_str(name))
                    .ok()
                    .and_then(|v| v.as_f64())
            };
            YearMonth::new(small_int(field("year")?)?, small_int(field("month")?)?)
        }
    }
}

/// An integral JS number that fits `T`.
fn small_int<T: TryFrom<i64>>(n: f64) -> Option<T> {
    if n.fract() != 0.0 || !n.is_finite() || n.abs() > 1e9 {
        return None;
    }
    T::try_from(n as i64).ok()
}

/// Validates a CVV for a brand id (from `validateNumber`'s `brands`); without a known brand,
/// 3 or 4 digits are accepted.
#[wasm_bindgen(js_name = validateCvv, unchecked_return_type = "Validation")]
pub fn validate_cvv(
    #[wasm_bindgen(unchecked_param_type = "string")] input: JsValue,
    #[wasm_bindgen(js_name = brandId, unchecked_optional_param_type = "string")] brand_id: Option<
        JsValue,
    >,
) -> JsValue {
    let Some(text) = input.as_string() else {
        return validity_js(Validity::INVALID);
    };
    let brand_id = brand_id.and_then(|b| b.as_string());
    with_table(|table| {
        let rule = brand_id
            .as_deref()
            .and_then(|id| table.brand(id))
            .map_or_else(CvvRule::unknown_brand, CvvRule::for_brand);
        validity_js(check_cvv(&text, rule))
    })
}

/// Validates a cardholder name (2–45 characters: letters, spaces, `'`, `-`, `.`).
#[wasm_bindgen(js_name = validateHolder, unchecked_return_type = "Validation")]
pub fn validate_holder(#[wasm_bindgen(unchecked_param_type = "string")] input: JsValue) -> JsValue {
    validity_js(
        input
            .as_string()
            .map_or(Validity::INVALID, |t| check_holder(&t)),
    )
}

/// Formats a card number field as typed. `caret` is `selectionStart` after the edit (default:
/// the end); `inputType` is the `InputEvent.inputType`, which tells Backspace from Delete.
#[wasm_bindgen(js_name = formatNumber, unchecked_return_type = "Formatted")]
pub fn format_number_js(
    #[wasm_bindgen(unchecked_param_type = "string")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "number")] caret: Option<JsValue>,
    #[wasm_bindgen(js_name = inputType, unchecked_optional_param_type = "string")]
    input_type: Option<JsValue>,
) -> JsValue {
    let text = input.as_string().unwrap_or_default();
    let formatted =
        with_table(|table| format_number(table, &text, caret_arg(caret), edit_arg(input_type)));
    formatted_js(&formatted)
}

/// Formats an expiry field as `MM / YY` as typed; arguments as for `formatNumber`.
#[wasm_bindgen(js_name = formatExpiry, unchecked_return_type = "Formatted")]
pub fn format_expiry_js(
    #[wasm_bindgen(unchecked_param_type = "string")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "number")] caret: Option<JsValue>,
    #[wasm_bindgen(js_name = inputType, unchecked_optional_param_type = "string")]
    input_type: Option<JsValue>,
) -> JsValue {
    let text = input.as_string().unwrap_or_default();
    formatted_js(&format_expiry(
        &text,
        caret_arg(caret),
        edit_arg(input_type),
    ))
}

/// Extends or replaces the brand table used by every function. A bad table throws a
/// `BinTableError` (with `code`) and changes nothing.
#[wasm_bindgen(js_name = setBinTable)]
pub fn set_bin_table(
    #[wasm_bindgen(unchecked_param_type = "BinTable")] table: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "SetBinTableOptions")] options: Option<JsValue>,
) -> Result<(), JsValue> {
    let mode = match options.filter(|o| !o.is_undefined() && !o.is_null()) {
        None => TableMode::Extend,
        Some(o) => match optional(&o, "mode").map(|m| m.as_string()) {
            None => TableMode::Extend,
            Some(Some(m)) if m == "extend" => TableMode::Extend,
            Some(Some(m)) if m == "replace" => TableMode::Replace,
            Some(_) => {
                return Err(table_error(
                    "invalid_mode",
                    "mode must be 'extend' or 'replace'",
                ));
            }
        },
    };
    let specs = read_table(&table).map_err(|message| table_error("malformed_table", &message))?;
    table::apply(&specs, mode, |e| table_error(e.code(), &table_message(&e)))
}

/// Field names of a table brand (`BrandSpec` in camelCase).
const BRAND_KEYS: &[&str] = &[
    "id",
    "name",
    "paylineType",
    "ranges",
    "lengths",
    "gaps",
    "cvvLength",
    "cvvRequired",
    "luhn",
    "coBadge",
];

/// A property that is neither `undefined` nor `null`.
fn optional(obj: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(obj, &JsValue::from_str(key))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

/// A plain object (not an array, not a primitive) whose own keys are all in `allowed`.
fn plain_object(value: &JsValue, allowed: &[&str], what: &str) -> Result<(), String> {
    let obj = value
        .dyn_ref::<Object>()
        .filter(|_| !Array::is_array(value))
        .ok_or_else(|| js::cat(&[what, " must be an object"]))?;
    for key in Object::keys(obj).iter() {
        if let Some(key) = key.as_string()
            && !allowed.contains(&key.as_str())
        {
            return Err(js::cat(&[
                what,
                " has an unknown field '",
                js::clip(&key, 32),
                "'",
            ]));
        }
    }
    Ok(())
}

/// Reads `{brands: [...]}` as documented in card-core's README; the message says what is wrong.
fn read_table(table: &JsValue) -> Result<Vec<BrandSpec>, String> {
    plain_object(table, &["brands"], "the table")?;
    let brands = optional(table, "brands").ok_or("the table needs 'brands'")?;
    let brands = brands
        .dyn_ref::<Array>()
        .ok_or("'brands' must be an array")?;
    let mut specs = Vec::new();
    for (i, brand) in brands.iter().enumerate() {
        let index = js::decimal(u32::try_from(i).unwrap_or(u32::MAX));
        plain_object(&brand, BRAND_KEYS, &js::cat(&["brands[", &index, "]"]))?;
        let b = BrandField {
            brand: &brand,
            index: &index,
        };
        let mut ranges = Vec::new();
        if let Some(list) = b.list("ranges")? {
            for v in list.iter() {
                ranges.push(
                    v.as_string()
                        .ok_or_else(|| b.error("ranges", " must hold strings"))?,
                );
            }
        }
        specs.push(BrandSpec {
            id: b
                .string("id")?
                .ok_or_else(|| b.error("id", " is required"))?,
            name: b.string("name")?,
            payline_type: b.string("paylineType")?,
            ranges,
            lengths: b.ints("lengths")?,
            gaps: b.ints("gaps")?,
            cvv_length: match optional(&brand, "cvvLength") {
                Some(v) => Some(b.int(&v, "cvvLength")?),
                None => None,
            },
            cvv_required: b.boolean("cvvRequired")?,
            luhn: b.boolean("luhn")?,
            co_badge: b.boolean("coBadge")?,
        });
    }
    Ok(specs)
}

/// The fields of `brands[index]`, each read by one plain method rather than a closure per
/// field kind: closures returning `Result<Option<_>, String>` were each instantiated with
/// their own `transpose`/`collect` code.
struct BrandField<'a> {
    brand: &'a JsValue,
    index: &'a str,
}

impl BrandField<'_> {
    /// `brands[i].field` and what is wrong with it.
    fn error(&self, field: &str, problem: &str) -> String {
        js::cat(&["brands[", self.index, "].", field, problem])
    }

    fn string(&self, field: &str) -> Result<Option<String>, String> {
        match optional(self.brand, field) {
            Some(v) => v
                .as_string()
                .map(Some)
                .ok_or_else(|| self.error(field, " must be a string")),
            None => Ok(None),
        }
    }

    fn boolean(&self, field: &str) -> Result<Option<bool>, String> {
        match optional(self.brand, field) {
            Some(v) => v
                .as_bool()
                .map(Some)
                .ok_or_else(|| self.error(field, " must be a boolean")),
            None => Ok(None),
        }
    }

    fn int(&self, v: &JsValue, field: &str) -> Result<u8, String> {
        v.as_f64()
            .and_then(small_int)
            .ok_or_else(|| self.error(field, " must hold integers 0-255"))
    }

    fn list(&self, field: &str) -> Result<Option<Array>, String> {
        match optional(self.brand, field) {
            Some(v) => v
                .dyn_into::<Array>()
                .map(Some)
                .map_err(|_| self.error(field, " must be an array")),
            None => Ok(None),
        }
    }

    fn ints(&self, field: &str) -> Result<Option<Vec<u8>>, String> {
        let Some(list) = self.list(field)? else {
            return Ok(None);
        };
        let mut out = Vec::new();
        for v in list.iter() {
            out.push(self.int(&v, field)?);
        }
        Ok(Some(out))
    }
}

/// `BinTableError`'s `Display` text, put together from its pieces: `to_string()` would link
/// `core::fmt`'s formatting machinery for these few strings.
fn table_message(e: &BinTableError) -> String {
    js::cat(&e.message_parts())
}

/// A JS `Error` named `BinTableError` with a stable `code` property, the code also leading the
/// message so that it shows in logs.
fn table_error(code: &str, message: &str) -> JsValue {
    let error = js_sys::Error::new(&js::cat(&[code, ": ", message]));
    error.set_name("BinTableError");
    // Setting a property on a fresh Error object cannot fail.
    let _ = Reflect::set(&error, &JsValue::from_str("code"), &JsValue::from_str(code));
    error.into()
}

#[wasm_bindgen(typescript_custom_section)]
const CHECKOUT_TYPES: &str = r#"
/** The payment server's checkout session answer (POST /api/checkout-sessions). */
export interface CheckoutSession {
  id: string;
  clientSecret: string;
  nonce: string;
  payUrl: string;
  statusUrl: string;
  tokenizer: { url: string; accessKeyRef: string; data: string };
  acceptedBrands?: string[];
  amount?: number;
  currency?: string;
  orderRef?: string;
  expiresAt?: string;
  /** With a customer: what the session offers for the card, and the customer's saved cards. */
  customer?: { id: string };
  saveCard?: "never" | "offer" | "always";
  savedCards?: SavedCard[];
}

/** A card in the customer's wallet; `expired` cards cannot pay. */
export interface SavedCard {
  cardId: string;
  /** Payline brand ("CB", "VISA", ...). */
  brand: string;
  last4: string;
  /** MMYY. */
  expiry: string;
  expired?: boolean;
}

export interface SubmitOptions {
  /** Pay with this saved card (a cardId of session.savedCards) instead of the fields. */
  savedCard?: string;
}

/** A CSS selector or the element itself. */
export type ElementRef = string | Element;

/** Languages of the buyer-facing texts: en and fr built in, the others loaded on demand. */
export type LocaleTag = "en" | "fr" | "de" | "es" | "it" | "nl" | "pt" | "pl";

export interface MountOptions {
  /** The merchant's own inputs. */
  fields: { number: ElementRef; expiry: ElementRef; cvv: ElementRef; holder: ElementRef };
  /** Checkout session; without one the form validates but submit() answers an error. */
  session?: CheckoutSession;
  /**
   * Messages language, a BCP 47 tag (a regional one gets its language: de-AT is German, pt-BR
   * Portuguese); default: <html lang>, then the browser's, then English. Languages other than
   * en and fr must be loaded first: loadLocale() of card-capture/locales.
   */
  locale?: LocaleTag | `${LocaleTag}-${string}`;
  /** 3-D Secure challenge in a dialog (default) or a full-page redirect + resume(). */
  threeDS?: { mode: "iframe"; challengeTimeout?: number } | { mode: "redirect"; returnUrl: string; challengeTimeout?: number };
  /** Payline brand preselected for co-badged cards ("CB", "VISA", ...). */
  defaultBrand?: string;
  /** Payline brands accepted; default: the session's acceptedBrands. */
  acceptedBrands?: string[];
  /** Existing elements for the messages; default: a <span class="cc-error"> after each input. */
  messages?: { number?: ElementRef; expiry?: ElementRef; cvv?: ElementRef; holder?: ElementRef };
  /** Where the co-badge brand choice goes; default: after the number's message. */
  brandChoice?: ElementRef;
  /**
   * The merchant's "save this card" checkbox, or an element holding one (e.g. its <label>):
   * shown only when the session offers saving (saveCard "offer"), hidden and unticked
   * otherwise; its state is sent with the payment.
   */
  saveCard?: ElementRef;
  /**
   * Milliseconds: each request but pay and continue (20 000); pay and continue (35 000, longer
   * than the payment server's own deadline); how long an undecided payment's status is read
   * before submit() resolves "pending" (120 000); the 3DS Method round (10 000); the challenge
   * (600 000).
   */
  timeouts?: { request?: number; pay?: number; pending?: number; method?: number; challenge?: number };
}

/**
 * Isolated fields: the four inputs in one iframe served by the payment server that issued the
 * session (`<payUrl origin>/fields/<version>/frame.html`), so no script of this page can read
 * the card. The page gets the same events and results as with its own inputs.
 */
export interface IsolatedMountOptions extends Omit<MountOptions, "fields" | "messages" | "brandChoice"> {
  isolated: true;
  /** Where the iframe goes; it takes the container's width and its content's height. */
  container: ElementRef;
  /** Required: the frame is served by the payment server its payUrl names. */
  session: CheckoutSession;
  /** Looks of the fields, checked against an allow-list (mount() throws otherwise). */
  style?: FieldsStyle;
}

/** A colour: #rgb, #rrggbb (with alpha), rgb()/rgba()/hsl()/hsla() or a colour name. */
export type CssColor = string;
/** A length in px, em or rem, within the property's range (0 allowed). */
export type CssLength = string;

/** What every state may set. */
export interface FieldsStateStyle {
  color?: CssColor;
  backgroundColor?: CssColor;
  borderColor?: CssColor;
  /** 0-4px. */
  borderWidth?: CssLength;
  outlineColor?: CssColor;
  labelColor?: CssColor;
}

/** The isolated fields' looks: a layout, then base and per-state properties. */
export interface FieldsStyle {
  /** "stacked" (default), "two-rows" (number, expiry, CVV; then the name) or "one-row"; below 420px wide every layout stacks. */
  layout?: "stacked" | "two-rows" | "one-row";
  base?: FieldsStateStyle & {
    placeholderColor?: CssColor;
    errorColor?: CssColor;
    /** Comma-separated families among system-ui, sans-serif, serif, monospace, Arial, Helvetica, Helvetica Neue, Verdana, Tahoma, Trebuchet MS, Segoe UI, Roboto, Georgia, Times New Roman, Courier New, Inter (no web font download). */
    fontFamily?: string;
    /** Up to 32px. */
    fontSize?: CssLength;
    fontWeight?: "normal" | "bold" | "100" | "200" | "300" | "400" | "500" | "600" | "700" | "800" | "900";
    /** A number from 1 to 3. */
    lineHeight?: string;
    /** Up to 24px. */
    borderRadius?: CssLength;
    /** One or two lengths, up to 32px each. */
    padding?: string;
    /** Space between the fields, up to 48px. */
    gap?: CssLength;
  };
  focus?: FieldsStateStyle;
  invalid?: FieldsStateStyle;
  complete?: FieldsStateStyle;
}

export type FieldName = "number" | "expiry" | "cvv" | "holder";

export interface FieldState {
  state: "empty" | "potentially-valid" | "valid" | "invalid";
  empty: boolean;
  valid: boolean;
  potentiallyValid: boolean;
  /** The problem shown to the buyer, if any. */
  error: null | "required" | "incomplete" | "invalid" | "brand_not_accepted" | "expired" | "too_far_ahead";
}

export interface BrandEvent {
  brands: CardBrand[];
  /** Payline brand the payment will use (the buyer's choice when co-badged). */
  brand: string | null;
  coBadged: boolean;
}

export interface ChangeEvent extends FieldState {
  field: FieldName;
  complete: boolean;
  brands: CardBrand[];
  brand: string | null;
}

export interface CheckoutState {
  complete: boolean;
  submitting: boolean;
  fields: Record<FieldName, FieldState>;
  brands: CardBrand[];
  brand: string | null;
}

export type CheckoutResult =
  /** savedCard: the saved card paid with, or the card just saved in the customer's wallet; scheduleId: the instalments or subscription this checkout started. */
  | { status: "authorized"; paymentId: string; transactionId: string; savedCard?: Omit<SavedCard, "expired">; scheduleId?: string }
  | { status: "refused"; paymentId: string; code: string; message: string }
  | { status: "invalid"; fields: Partial<Record<FieldName, string>> }
  /**
   * The payment server has not decided yet (its answer was lost or the gateway's is late, and
   * the status URL still said "processing" after timeouts.pending). It may still be authorized:
   * the buyer must not pay again; the shop learns the outcome from the payment server, and
   * resume(session) reads it. paymentId is "" when the status could not be read at all.
   */
  | { status: "pending"; paymentId: string; message: string }
  /**
   * code "destroyed": destroy() stopped the submit (a 3-D Secure attempt waiting in the page is
   * abandoned first). "fields_unavailable": the isolated fields' frame did not load in time or
   * refused its options (`reason` says why, for the developer). "insecure_tokenizer" / "insecure_url": the session's tokenizer / pay or
   * status URL is neither https nor http to a loopback host; nothing was sent.
   */
  | { status: "error"; code: string; message: string; gatewayCode?: string; reason?: string };

/** CheckoutHandle's event methods (merged with the class below). */
export interface CheckoutHandle {
  /** Registers a callback; an unknown event name throws. `ready` registered late is called at once. */
  on<K extends keyof CheckoutEvents>(event: K, callback: (detail: CheckoutEvents[K]) => void): void;
  /** Removes a callback registered with `on`. */
  off<K extends keyof CheckoutEvents>(event: K, callback: (detail: CheckoutEvents[K]) => void): void;
  /**
   * Validates, tokenizes, pays and runs 3-D Secure; with { savedCard }, pays with that saved
   * card instead (no card field is read). Never rejects; a second call while one runs returns
   * the same promise (one payment).
   */
  submit(options?: SubmitOptions): Promise<CheckoutResult>;
}

export interface CheckoutEvents {
  ready: {};
  change: ChangeEvent;
  brand: BrandEvent;
  focus: { field: FieldName };
  blur: { field: FieldName };
  complete: { complete: boolean };
  error: Extract<CheckoutResult, { status: "error" }>;
  submit: {};
  challenge: { phase: "start" | "end"; mode: "iframe" | "redirect" };
  /** The outcome was not known at the first status read: the module is checking it ("Checking your payment…"); `result` follows. */
  checking: {};
  result: CheckoutResult;
}
"#;

/// A mounted checkout form (`mount()`'s answer).
#[wasm_bindgen(js_name = CheckoutHandle)]
#[derive(Debug)]
pub struct CheckoutHandle {
    mode: Mode,
}

/// The merchant's own inputs, or the isolated fields' iframe.
#[derive(Debug)]
enum Mode {
    InPage(std::rc::Rc<Controller>),
    Isolated(std::rc::Rc<Isolated>),
}

#[wasm_bindgen(js_class = CheckoutHandle)]
impl CheckoutHandle {
    /// Registers `callback` for an event (`ready`, `change`, `brand`, `focus`, `blur`,
    /// `complete`, `error`, `submit`, `challenge`, `checking`, `result`). An unknown name
    /// throws.
    /// (Typed by the generic declaration in `CHECKOUT_TYPES`.)
    #[wasm_bindgen(skip_typescript)]
    pub fn on(
        &self,
        #[wasm_bindgen(unchecked_param_type = "keyof CheckoutEvents")] event: &str,
        #[wasm_bindgen(unchecked_param_type = "(detail: never) => void")]
        callback: js_sys::Function,
    ) -> Result<(), JsError> {
        if !events::NAMES.contains(&event) {
            return Err(JsError::new(&js::cat(&[
                "unknown event '",
                js::clip(event, 32),
                "'",
            ])));
        }
        match &self.mode {
            Mode::InPage(c) => c.on(event, callback),
            Mode::Isolated(i) => i.on(event, callback),
        }
        Ok(())
    }

    /// Removes a callback registered with `on`.
    #[wasm_bindgen(skip_typescript)]
    pub fn off(
        &self,
        #[wasm_bindgen(unchecked_param_type = "keyof CheckoutEvents")] event: &str,
        #[wasm_bindgen(unchecked_param_type = "(detail: never) => void")]
        callback: js_sys::Function,
    ) {
        match &self.mode {
            Mode::InPage(c) => c.off(event, &callback),
            Mode::Isolated(i) => i.off(event, &callback),
        }
    }

    /// Validates, tokenizes, pays and runs 3-D Secure; with `{savedCard}`, pays with that
    /// saved card instead of the fields. Never rejects; a second call while one runs returns
    /// the same promise (one payment).
    /// (Typed by the declaration in `CHECKOUT_TYPES`.)
    #[wasm_bindgen(skip_typescript)]
    pub fn submit(&self, options: JsValue) -> js_sys::Promise {
        match &self.mode {
            Mode::InPage(c) => crate::controller::submit_once(
                c,
                js::string(&options, "savedCard").filter(|c| !c.is_empty()),
            ),
            Mode::Isolated(i) => i.submit(&options),
        }
    }

    /// Validity of each field, the brands and whether a submit runs (isolated fields: `null`
    /// until the frame is ready).
    #[wasm_bindgen(unchecked_return_type = "CheckoutState | null")]
    pub fn state(&self) -> JsValue {
        match &self.mode {
            Mode::InPage(c) => c.state(),
            Mode::Isolated(i) => i.state(),
        }
    }

    /// Empties the fields.
    pub fn clear(&self) {
        match &self.mode {
            Mode::InPage(c) => c.clear(),
            Mode::Isolated(i) => i.clear(),
        }
    }

    /// Moves focus to a field (default: the number).
    pub fn focus(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "FieldName")] field: Option<String>,
    ) {
        let name = field.unwrap_or_default();
        match &self.mode {
            Mode::InPage(c) => {
                let field = Field::ALL.into_iter().find(|f| f.name() == name);
                c.focus(field.unwrap_or(Field::Number));
            }
            Mode::Isolated(i) => i.focus(&name),
        }
    }

    /// Takes focus out of the fields.
    pub fn blur(&self) {
        match &self.mode {
            Mode::InPage(c) => c.blur(),
            Mode::Isolated(i) => i.blur(),
        }
    }

    /// Detaches from the inputs (or removes the isolated fields' frame) and removes what the
    /// module added. Idempotent.
    pub fn destroy(&self) {
        match &self.mode {
            Mode::InPage(c) => c.destroy(),
            Mode::Isolated(i) => i.destroy(),
        }
    }
}

/// Attaches to the merchant's card inputs, or with `isolated: true` inserts the isolated
/// fields' iframe into `container` (after `init()`). Throws an `Error` when an option is wrong
/// (a missing input, a bad selector, a style outside the allow-list).
#[wasm_bindgen]
pub fn mount(
    #[wasm_bindgen(unchecked_param_type = "MountOptions | IsolatedMountOptions")] options: JsValue,
) -> Result<CheckoutHandle, JsError> {
    let doc = crate::dom::document().ok_or_else(|| JsError::new("mount() needs a document"))?;
    let mode = if js::get(&options, "isolated").as_bool() == Some(true) {
        Isolated::mount(&doc, &options).map(Mode::Isolated)
    } else {
        MountOptions::from_js(&doc, &options)
            .and_then(|opts| Controller::mount(doc, opts))
            .map(Mode::InPage)
    }
    .map_err(|m| JsError::new(&js::cat(&["card-capture mount: ", &m])))?;
    Ok(CheckoutHandle { mode })
}

/// The language `mount()` uses for this `locale` option: the option, `<html lang>`, the
/// browser's, English, as in [`MountOptions::from_js`]. `loadLocale()` of `card-capture/locales`
/// asks it, so the page loads the catalogue the form is about to show and no other.
#[wasm_bindgen(js_name = negotiateLocale, unchecked_return_type = "LocaleTag")]
pub fn negotiate_locale(
    #[wasm_bindgen(unchecked_param_type = "string | undefined")] option: JsValue,
) -> JsValue {
    let locale = match option.as_string().and_then(|l| Locale::from_tag(&l)) {
        Some(l) => l,
        None => crate::dom::document().map_or(Locale::En, |d| crate::options::page_locale(&d)),
    };
    JsValue::from_str(locale.tag())
}

/// Hands the module a language loaded on demand: `texts`, every message in the order of
/// `pkg/locales/<tag>.json` (its `Object.values`; `loadLocale()` of `card-capture/locales`
/// does this). Throws, storing nothing, when one is missing or empty, so a page never mixes
/// languages unnoticed; a language already loaded is left as it is.
#[wasm_bindgen(js_name = registerLocale)]
pub fn register_locale(
    #[wasm_bindgen(unchecked_param_type = "LocaleTag")] tag: &str,
    #[wasm_bindgen(unchecked_param_type = "string[]")] texts: js_sys::Array,
) {
    let outcome = match Locale::from_tag(tag) {
        Some(locale) => crate::i18n::register(locale, |i| {
            (i < texts.length() as usize)
                .then(|| texts.get(i as u32).as_string())
                .flatten()
        }),
        None => Err("no such locale"),
    };
    if let Err(m) = outcome {
        wasm_bindgen::throw_str(&js::cat(&["card-capture registerLocale: ", m]));
    }
}

/// Runs the isolated fields' frame document (`/fields/<version>/frame.html` calls it); not
/// part of the API a shop page uses.
#[wasm_bindgen(js_name = fieldsFrame, skip_typescript)]
pub fn fields_frame() {
    crate::frame::run();
}

/// After a full-page 3-D Secure redirect: reads the payment's outcome from the session's
/// status URL. Never rejects.
#[wasm_bindgen(unchecked_return_type = "Promise<CheckoutResult>")]
pub fn resume(
    #[wasm_bindgen(unchecked_param_type = "CheckoutSession")] session: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "LocaleTag | `${LocaleTag}-${string}`")]
    locale: Option<String>,
) -> js_sys::Promise {
    js::promise(Box::pin(crate::flow::resume(session, locale)))
}

#[cfg(test)]
mod tests {
    use card_core::BinTableError;

    #[test]
    fn table_messages_are_card_cores_texts_put_together() {
        // The pieces themselves are pinned in card-core; this checks they are joined whole.
        let e = BinTableError::MissingField {
            id: "my-brand".to_owned(),
            field: "lengths",
        };
        assert_eq!(
            super::table_message(&e),
            "new brand 'my-brand' needs 'lengths'"
        );
        assert_eq!(super::table_message(&e), e.to_string());
        assert_eq!(
            super::table_message(&BinTableError::EmptyTable),
            "the BIN table would hold no brand"
        );
    }
}
