//! The JavaScript API: the only file with `#[wasm_bindgen]` exports.
//!
//! Every function is synchronous once the module is initialised. Results are plain objects
//! whose TypeScript types are declared below. Validators never throw: a non-string input is
//! simply invalid. Only `setBinTable` throws, with a `BinTableError` carrying a stable `code`.

use std::cell::RefCell;

use card_core::{
    check_cvv, check_expiry, check_holder, check_number, format_expiry, format_number, BinTable, BinTableError, CvvRule,
    Edit, Formatted, TableMode, TableSpec, Validity, YearMonth,
};
use serde::Serialize;
use wasm_bindgen::prelude::*;

thread_local! {
    /// The brand table every export uses; `setBinTable` swaps it whole or not at all.
    static TABLE: RefCell<BinTable> = RefCell::new(BinTable::default());
}

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

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BrandOut<'a> {
    id: &'a str,
    name: &'a str,
    payline_type: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NumberOut<'a> {
    valid: bool,
    potentially_valid: bool,
    brands: Vec<BrandOut<'a>>,
    gaps: &'a [u8],
    lengths: &'a [u8],
    cvv_length: u8,
    cvv_required: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExpiryOut {
    valid: bool,
    potentially_valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    month: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    year: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payline: Option<String>,
}

fn to_js<T: Serialize>(value: &T) -> JsValue {
    // Serialising these plain structs cannot fail; `undefined` would show up in tests if it did.
    serde_wasm_bindgen::to_value(value).unwrap_or(JsValue::UNDEFINED)
}

fn validity_js(v: Validity) -> JsValue {
    to_js(&v)
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
    input_type.and_then(|t| t.as_string()).map_or(Edit::Unknown, |t| Edit::from_input_type(&t))
}

/// Validates a card number as typed (digits, spaces and dashes).
#[wasm_bindgen(js_name = validateNumber, unchecked_return_type = "NumberValidation")]
pub fn validate_number(#[wasm_bindgen(unchecked_param_type = "string")] input: JsValue) -> JsValue {
    let text = input.as_string();
    TABLE.with(|table| {
        let table = table.borrow();
        let check = check_number(&table, text.as_deref().unwrap_or("\u{0}"));
        to_js(&NumberOut {
            valid: check.validity.valid,
            potentially_valid: check.validity.potentially_valid,
            brands: check
                .brands
                .iter()
                .map(|b| BrandOut { id: b.id(), name: b.name(), payline_type: b.payline_type() })
                .collect(),
            gaps: check.gaps,
            lengths: &check.lengths,
            cvv_length: check.cvv_length,
            cvv_required: check.cvv_required,
        })
    })
}

/// Validates an expiry (`MM/YY`, `MM / YY`, `MM/YYYY`, `MMYY`, `M/YY`) against `today`
/// (default: the browser's current month, local time).
#[wasm_bindgen(js_name = validateExpiry, unchecked_return_type = "ExpiryValidation")]
pub fn validate_expiry(
    #[wasm_bindgen(unchecked_param_type = "string")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "YearMonth")] today: Option<JsValue>,
) -> JsValue {
    let invalid = ExpiryOut { valid: false, potentially_valid: false, month: None, year: None, payline: None };
    let (Some(text), Some(today)) = (input.as_string(), today_arg(today)) else {
        return to_js(&invalid);
    };
    let check = check_expiry(&text, today);
    to_js(&ExpiryOut {
        valid: check.validity.valid,
        potentially_valid: check.validity.potentially_valid,
        month: check.date.map(|d| d.month()),
        year: check.date.map(|d| d.year()),
        payline: check.date.map(|d| d.payline_mmyy()),
    })
}

/// `today` from JS, or the browser clock when absent. A malformed `today` gives `None`, which
/// makes the expiry invalid rather than silently using another date.
fn today_arg(today: Option<JsValue>) -> Option<YearMonth> {
    match today.filter(|t| !t.is_undefined() && !t.is_null()) {
        None => {
            let now = js_sys::Date::new_0();
            YearMonth::new(u16::try_from(now.get_full_year()).ok()?, u8::try_from(now.get_month() + 1).ok()?)
        }
        Some(t) => {
            let field = |name: &str| js_sys::Reflect::get(&t, &JsValue::from_str(name)).ok().and_then(|v| v.as_f64());
            let (year, month) = (field("year")?, field("month")?);
            if year.fract() != 0.0 || month.fract() != 0.0 {
                return None;
            }
            YearMonth::new(u16::try_from(year as i64).ok()?, u8::try_from(month as i64).ok()?)
        }
    }
}

/// Validates a CVV for a brand id (from `validateNumber`'s `brands`); without a known brand,
/// 3 or 4 digits are accepted.
#[wasm_bindgen(js_name = validateCvv, unchecked_return_type = "Validation")]
pub fn validate_cvv(
    #[wasm_bindgen(unchecked_param_type = "string")] input: JsValue,
    #[wasm_bindgen(js_name = brandId, unchecked_optional_param_type = "string")] brand_id: Option<JsValue>,
) -> JsValue {
    let Some(text) = input.as_string() else {
        return validity_js(Validity::INVALID);
    };
    let brand_id = brand_id.and_then(|b| b.as_string());
    TABLE.with(|table| {
        let table = table.borrow();
        let rule = brand_id.as_deref().and_then(|id| table.brand(id)).map_or_else(CvvRule::unknown_brand, CvvRule::for_brand);
        validity_js(check_cvv(&text, rule))
    })
}

/// Validates a cardholder name (2–45 characters: letters, spaces, `'`, `-`, `.`).
#[wasm_bindgen(js_name = validateHolder, unchecked_return_type = "Validation")]
pub fn validate_holder(#[wasm_bindgen(unchecked_param_type = "string")] input: JsValue) -> JsValue {
    validity_js(input.as_string().map_or(Validity::INVALID, |t| check_holder(&t)))
}

/// Formats a card number field as typed. `caret` is `selectionStart` after the edit (default:
/// the end); `inputType` is the `InputEvent.inputType`, which tells Backspace from Delete.
#[wasm_bindgen(js_name = formatNumber, unchecked_return_type = "Formatted")]
pub fn format_number_js(
    #[wasm_bindgen(unchecked_param_type = "string")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "number")] caret: Option<JsValue>,
    #[wasm_bindgen(js_name = inputType, unchecked_optional_param_type = "string")] input_type: Option<JsValue>,
) -> JsValue {
    let text = input.as_string().unwrap_or_default();
    let formatted = TABLE.with(|table| format_number(&table.borrow(), &text, caret_arg(caret), edit_arg(input_type)));
    formatted_js(&formatted)
}

/// Formats an expiry field as `MM / YY` as typed; arguments as for `formatNumber`.
#[wasm_bindgen(js_name = formatExpiry, unchecked_return_type = "Formatted")]
pub fn format_expiry_js(
    #[wasm_bindgen(unchecked_param_type = "string")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "number")] caret: Option<JsValue>,
    #[wasm_bindgen(js_name = inputType, unchecked_optional_param_type = "string")] input_type: Option<JsValue>,
) -> JsValue {
    let text = input.as_string().unwrap_or_default();
    formatted_js(&format_expiry(&text, caret_arg(caret), edit_arg(input_type)))
}

fn formatted_js(f: &Formatted) -> JsValue {
    to_js(f)
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
        Some(o) => {
            let mode = js_sys::Reflect::get(&o, &JsValue::from_str("mode")).ok().filter(|m| !m.is_undefined());
            match mode.map(|m| m.as_string()) {
                None => TableMode::Extend,
                Some(Some(m)) if m == "extend" => TableMode::Extend,
                Some(Some(m)) if m == "replace" => TableMode::Replace,
                Some(_) => return Err(table_error("invalid_mode", "mode must be \"extend\" or \"replace\"")),
            }
        }
    };
    reject_unknown_keys(&table)?;
    let spec: TableSpec = serde_wasm_bindgen::from_value(table).map_err(|e| {
        let detail: String = e.to_string().chars().take(200).collect();
        table_error("malformed_table", &format!("the table must be {{brands: [...]}} as documented: {detail}"))
    })?;
    TABLE.with(|current| {
        let next = current.borrow().apply(&spec.brands, mode).map_err(|e: BinTableError| table_error(e.code(), &e.to_string()))?;
        *current.borrow_mut() = next;
        Ok(())
    })
}

/// Field names of a table brand (`BrandSpec` in camelCase).
const BRAND_KEYS: &[&str] =
    &["id", "name", "paylineType", "ranges", "lengths", "gaps", "cvvLength", "cvvRequired", "luhn", "coBadge"];

/// serde-wasm-bindgen reads only the fields a struct names, so a misspelt key (`range`) would be
/// ignored silently; this check makes it an error, as `deny_unknown_fields` does for JSON.
fn reject_unknown_keys(table: &JsValue) -> Result<(), JsValue> {
    let unknown = |obj: &JsValue, allowed: &[&str]| -> Option<String> {
        let obj = obj.dyn_ref::<js_sys::Object>()?;
        js_sys::Object::keys(obj).iter().filter_map(|k| k.as_string()).find(|k| !allowed.contains(&k.as_str()))
    };
    let found = unknown(table, &["brands"]).or_else(|| {
        let brands = js_sys::Reflect::get(table, &JsValue::from_str("brands")).ok()?;
        let brands = brands.dyn_ref::<js_sys::Array>()?;
        brands.iter().find_map(|b| unknown(&b, BRAND_KEYS))
    });
    match found {
        Some(key) => {
            let key: String = key.chars().take(32).collect();
            Err(table_error("malformed_table", &format!("unknown field {key:?}")))
        }
        None => Ok(()),
    }
}

/// A JS `Error` named `BinTableError` with a stable `code` property, the code also leading the
/// message so that it shows in logs.
fn table_error(code: &str, message: &str) -> JsValue {
    let error = js_sys::Error::new(&format!("{code}: {message}"));
    error.set_name("BinTableError");
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&error, &JsValue::from_str("code"), &JsValue::from_str(code));
    error.into()
}
