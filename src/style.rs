//! The `style` option of isolated fields, checked against an allow-list. Pure: tested on the
//! host, and run on both sides of the frame boundary (the shop page, so `mount()` throws at
//! once; the fields frame, which trusts nothing it is sent).
//!
//! A style becomes CSS custom properties on the frame's root element
//! (`--cc-<state>-<property>`), which the frame's own stylesheet reads with `var()`: no style
//! text is ever parsed as a rule, and every value matches a small grammar (colours, lengths in a
//! range, a few keywords, fonts from a list), so nothing can load a resource (`url()`,
//! `image-set()`, `@import`), run an expression or break out of its declaration. CSS Custom
//! Properties Level 1 §2: an invalid value only makes its property "invalid at computed-value
//! time", it never spills into another one.

/// States a style can target; `base` applies always, the others on top of it.
pub const STATES: [&str; 4] = ["base", "focus", "invalid", "complete"];

/// Layouts of the four fields.
pub const LAYOUTS: [&str; 3] = ["stacked", "two-rows", "one-row"];

/// Font families that need no download (system and web-safe fonts): a web font would need a
/// `url()` the frame's CSP does not allow.
pub const FONTS: [&str; 16] = [
    "system-ui",
    "sans-serif",
    "serif",
    "monospace",
    "Arial",
    "Helvetica",
    "Helvetica Neue",
    "Verdana",
    "Tahoma",
    "Trebuchet MS",
    "Segoe UI",
    "Roboto",
    "Georgia",
    "Times New Roman",
    "Courier New",
    "Inter",
];

/// What a property's value may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Color,
    /// A length between 0 and `max` px (em and rem count 16 px).
    Length {
        max: u32,
    },
    /// One or two lengths (padding: vertical, horizontal).
    Lengths {
        max: u32,
    },
    Font,
    Weight,
    LineHeight,
}

/// `(option name, CSS custom property suffix, kind, only in base)`.
const PROPERTIES: [(&str, &str, Kind, bool); 14] = [
    ("color", "color", Kind::Color, false),
    ("backgroundColor", "background", Kind::Color, false),
    ("borderColor", "border-color", Kind::Color, false),
    (
        "borderWidth",
        "border-width",
        Kind::Length { max: 4 },
        false,
    ),
    ("outlineColor", "outline-color", Kind::Color, false),
    ("labelColor", "label-color", Kind::Color, false),
    ("placeholderColor", "placeholder-color", Kind::Color, true),
    ("errorColor", "error-color", Kind::Color, true),
    ("fontFamily", "font-family", Kind::Font, true),
    ("fontSize", "font-size", Kind::Length { max: 32 }, true),
    ("fontWeight", "font-weight", Kind::Weight, true),
    ("lineHeight", "line-height", Kind::LineHeight, true),
    ("borderRadius", "radius", Kind::Length { max: 24 }, true),
    ("padding", "padding", Kind::Lengths { max: 32 }, true),
];

/// The gap between fields, a base-only property named apart because it is not a field's look.
const GAP: (&str, &str) = ("gap", "gap");

/// Longest value accepted (a colour or a font list); longer is refused before it is read.
const MAX_VALUE: usize = 120;

/// Why a style was refused: where (`style.base.color`) and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StyleError {
    /// `style.<state>.<property>`, `style.layout` or `style`.
    pub path: String,
    /// What the value should be.
    pub problem: &'static str,
}

impl StyleError {
    fn new(path: &[&str], problem: &'static str) -> Self {
        let mut p = String::from("style");
        for part in path {
            p.push('.');
            p.push_str(part);
        }
        Self { path: p, problem }
    }

    /// `style.base.color: must be a colour (#rgb, rgb(), hsl() or a name)`.
    pub fn message(&self) -> String {
        let mut m = self.path.clone();
        m.push_str(": ");
        m.push_str(self.problem);
        m
    }
}

/// A checked style: the layout and the custom properties to set, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Style {
    /// One of [`LAYOUTS`].
    pub layout: Option<&'static str>,
    /// `(--cc-…, value)`.
    pub vars: Vec<(String, String)>,
}

/// Checks one state's property and adds its custom property to `style`.
pub fn add(style: &mut Style, state: &str, property: &str, value: &str) -> Result<(), StyleError> {
    let state = STATES.iter().find(|s| **s == state).ok_or_else(|| {
        StyleError::new(
            &[crate::js::clip(state, 32)],
            "is not a state (base, focus, invalid, complete)",
        )
    })?;
    let base = *state == "base";
    let (suffix, kind) = if property == GAP.0 && base {
        (GAP.1, Kind::Length { max: 48 })
    } else {
        let (_, suffix, kind, base_only) = PROPERTIES
            .iter()
            .find(|(name, ..)| *name == property)
            .ok_or_else(|| {
            StyleError::new(
                &[state, crate::js::clip(property, 32)],
                "is not an allowed property",
            )
        })?;
        if *base_only && !base {
            return Err(StyleError::new(
                &[state, property],
                "can only be set in base",
            ));
        }
        (*suffix, *kind)
    };
    let value = value.trim();
    if value.len() > MAX_VALUE {
        return Err(StyleError::new(&[state, property], "is too long"));
    }
    let checked =
        match kind {
            Kind::Color => color(value)
                .ok_or("must be a colour (#rgb, #rrggbb, rgb(), hsl() or a colour name)"),
            Kind::Length { max } => length(value, max)
                .ok_or("must be a length in px, em or rem within the allowed range"),
            Kind::Lengths { max } => lengths(value, max)
                .ok_or("must be one or two lengths in px, em or rem within the allowed range"),
            Kind::Font => font(value).ok_or("must be a list of allowed font families"),
            Kind::Weight => weight(value).ok_or("must be normal, bold or 100-900"),
            Kind::LineHeight => line_height(value).ok_or("must be a number between 1 and 3"),
        }
        .map_err(|problem| StyleError::new(&[state, property], problem))?;
    let mut var = String::from("--cc-");
    var.push_str(state);
    var.push('-');
    var.push_str(suffix);
    style.vars.retain(|(v, _)| *v != var);
    style.vars.push((var, checked));
    Ok(())
}

/// Checks the layout name.
pub fn layout(name: &str) -> Result<&'static str, StyleError> {
    LAYOUTS
        .iter()
        .find(|l| **l == name)
        .copied()
        .ok_or_else(|| StyleError::new(&["layout"], "must be stacked, two-rows or one-row"))
}

/// `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`, `rgb()`/`rgba()`/`hsl()`/`hsla()` of numbers and
/// percentages, or a colour keyword (letters only: CSS ignores an unknown one, and letters
/// alone can express nothing but a keyword).
fn color(v: &str) -> Option<String> {
    if let Some(hex) = v.strip_prefix('#') {
        return (matches!(hex.len(), 3 | 4 | 6 | 8) && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| v.to_ascii_lowercase());
    }
    let lower = v.to_ascii_lowercase();
    for f in ["rgb(", "rgba(", "hsl(", "hsla("] {
        if let Some(args) = lower.strip_prefix(f) {
            let args = args.strip_suffix(')')?;
            let parts: Vec<&str> = args
                .split([',', ' ', '/'])
                .filter(|p| !p.is_empty())
                .collect();
            let ok = (3..=4).contains(&parts.len())
                && parts.iter().all(|p| {
                    let n = p
                        .strip_suffix('%')
                        .or_else(|| p.strip_suffix("deg"))
                        .unwrap_or(p);
                    !n.is_empty()
                        && n.len() <= 8
                        && n.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                });
            return ok.then_some(lower);
        }
    }
    (!lower.is_empty() && lower.len() <= 24 && lower.bytes().all(|b| b.is_ascii_lowercase()))
        .then_some(lower)
}

/// A length: `0`, or a non-negative number with `px`, `em` or `rem`, at most `max_px` (16 px
/// to the em).
fn length(v: &str, max_px: u32) -> Option<String> {
    if v == "0" {
        return Some("0".into());
    }
    let (number, px_per_unit) = if let Some(n) = v.strip_suffix("rem") {
        (n, 16)
    } else if let Some(n) = v.strip_suffix("em") {
        (n, 16)
    } else {
        (v.strip_suffix("px")?, 1)
    };
    let milli = decimal(number)?;
    (milli * px_per_unit <= u64::from(max_px) * 1000).then(|| v.to_owned())
}

fn lengths(v: &str, max_px: u32) -> Option<String> {
    let parts: Vec<&str> = v.split_ascii_whitespace().collect();
    if parts.is_empty() || parts.len() > 2 {
        return None;
    }
    let mut out = Vec::new();
    for p in parts {
        out.push(length(p, max_px)?);
    }
    Some(out.join(" "))
}

/// A plain non-negative decimal (`12`, `0.875`), no sign, no exponent, in thousandths (read
/// by hand: `str::parse::<f64>` would link the float parser into the WebAssembly).
fn decimal(s: &str) -> Option<u64> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() || int.len() > 4 || frac.len() > 3 || (s.contains('.') && frac.is_empty()) {
        return None;
    }
    let mut milli: u64 = 0;
    for b in int.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        milli = milli * 10 + u64::from(b - b'0');
    }
    milli *= 1000;
    let mut scale = 100;
    for b in frac.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        milli += u64::from(b - b'0') * scale;
        scale /= 10;
    }
    Some(milli)
}

/// A comma-separated list of [`FONTS`], quoted or not; written back quoted where a name has a
/// space (CSS Fonts Level 4 §2.1: family names with spaces should be quoted).
fn font(v: &str) -> Option<String> {
    let mut out = Vec::new();
    for name in v.split(',') {
        let name = name.trim().trim_matches(|c| c == '"' || c == '\'');
        let known = FONTS.iter().find(|f| f.eq_ignore_ascii_case(name))?;
        out.push(if known.contains(' ') {
            let mut q = String::from("\"");
            q.push_str(known);
            q.push('"');
            q
        } else {
            (*known).to_owned()
        });
    }
    (!out.is_empty() && out.len() <= 6).then(|| out.join(", "))
}

fn weight(v: &str) -> Option<String> {
    match v {
        "normal" | "bold" | "100" | "200" | "300" | "400" | "500" | "600" | "700" | "800"
        | "900" => Some(v.to_owned()),
        _ => None,
    }
}

fn line_height(v: &str) -> Option<String> {
    let milli = decimal(v)?;
    (1000..=3000).contains(&milli).then(|| v.to_owned())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn one(state: &str, prop: &str, value: &str) -> Result<Vec<(String, String)>, String> {
        let mut s = Style::default();
        add(&mut s, state, prop, value).map_err(|e| e.message())?;
        Ok(s.vars)
    }

    #[test]
    fn allowed_values_become_custom_properties() {
        assert_eq!(
            one("base", "color", "#1A2b3C").unwrap(),
            [("--cc-base-color".to_owned(), "#1a2b3c".to_owned())]
        );
        assert_eq!(
            one("focus", "borderColor", "rgb(10, 20, 30)").unwrap()[0].1,
            "rgb(10, 20, 30)"
        );
        assert_eq!(
            one("invalid", "color", "hsl(0 80% 40% / 50%)").unwrap()[0].1,
            "hsl(0 80% 40% / 50%)"
        );
        assert_eq!(
            one("complete", "color", "SeaGreen").unwrap()[0].1,
            "seagreen"
        );
        assert_eq!(
            one("base", "fontSize", "1.125rem").unwrap()[0].1,
            "1.125rem"
        );
        assert_eq!(one("base", "padding", "8px 12px").unwrap()[0].1, "8px 12px");
        assert_eq!(
            one("base", "gap", "0").unwrap()[0],
            ("--cc-base-gap".into(), "0".into())
        );
        assert_eq!(
            one("base", "fontFamily", "'Helvetica Neue', arial, sans-serif").unwrap()[0].1,
            "\"Helvetica Neue\", Arial, sans-serif"
        );
        assert_eq!(one("base", "fontWeight", "600").unwrap()[0].1, "600");
        assert_eq!(one("base", "lineHeight", "1.4").unwrap()[0].1, "1.4");
    }

    #[test]
    fn anything_that_could_load_or_escape_is_refused() {
        for bad in [
            "url(https://evil.example/x)",
            "red;background:url(x)",
            "expression(alert(1))",
            "var(--x)",
            "rgb(1,2,3);x",
            "rgb(calc(1),2,3)",
            "image-set(\"x\" 1x)",
            "#12345",
            "#ggg",
            "red blue",
            "\\72 ed",
            "",
            "red}",
            "attr(value)",
        ] {
            assert!(one("base", "color", bad).is_err(), "{bad}");
        }
        for bad in [
            "12",
            "-4px",
            "100px",
            "1e3px",
            "3em",
            "calc(1px)",
            "8px 8px 8px",
            "1..2px",
        ] {
            assert!(one("base", "padding", bad).is_err(), "{bad}");
        }
        for bad in ["Comic Sans MS", "url(x)", "", "Arial;", "serif,,"] {
            assert!(one("base", "fontFamily", bad).is_err(), "{bad}");
        }
        assert!(one("base", "lineHeight", "9").is_err());
        assert!(one("base", "fontWeight", "heavy").is_err());
    }

    #[test]
    fn unknown_names_and_misplaced_properties_say_where() {
        assert_eq!(
            one("base", "behavior", "x").unwrap_err(),
            "style.base.behavior: is not an allowed property"
        );
        assert_eq!(
            one("hover", "color", "red").unwrap_err(),
            "style.hover: is not a state (base, focus, invalid, complete)"
        );
        assert_eq!(
            one("focus", "fontSize", "16px").unwrap_err(),
            "style.focus.fontSize: can only be set in base"
        );
        assert!(
            one("base", "color", &"a".repeat(200))
                .unwrap_err()
                .contains("too long")
        );
        assert_eq!(layout("two-rows"), Ok("two-rows"));
        assert!(layout("grid").is_err());
    }

    #[test]
    fn a_property_set_twice_keeps_the_last_value() {
        let mut s = Style::default();
        add(&mut s, "base", "color", "red").unwrap();
        add(&mut s, "base", "color", "blue").unwrap();
        assert_eq!(s.vars, [("--cc-base-color".to_owned(), "blue".to_owned())]);
    }
}
