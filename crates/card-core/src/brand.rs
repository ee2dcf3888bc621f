//! Card brands and the BIN (issuer identification number) table.
//!
//! One data table ([`BinTable`]) holds every brand rule: prefix ranges, allowed lengths,
//! display gaps, CVV length and whether a CVV is required, whether the number carries a Luhn
//! check digit, and the Payline `card.type` code (Payline `card` object, field `type`). The
//! table is a value: callers pass it in, and can extend or replace it at run time with
//! [`BinTable::apply`].
//!
//! # Co-badged Cartes Bancaires
//! French cards carry the domestic Cartes Bancaires network and Visa or Mastercard on the same
//! PAN; under the EU interchange fee regulation (2015/751, art. 8) the buyer may choose the
//! network. A brand marked `co_badge` (CB) is listed *next to* the international brand that
//! owns the same range, co-badge first: `["cb", "visa"]`. The buyer's choice maps to Payline's
//! `card.type` (`CB` or `VISA`).

use alloc::{borrow::ToOwned, string::String, vec::Vec};
use core::fmt;

/// Longest prefix a range may have: 8-digit BINs (ISO/IEC 7812-1:2017).
pub const MAX_PREFIX_DIGITS: usize = 8;
/// Longest card number any brand may allow (ISO/IEC 7812-1; Payline `card.number` is AN19).
pub const MAX_PAN_DIGITS: u8 = 19;
/// Shortest card number any brand may allow.
pub const MIN_PAN_DIGITS: u8 = 12;
/// Display gaps used when the brand is unknown or ambiguous: groups of four.
pub const DEFAULT_GAPS: &[u8] = &[4, 8, 12, 16];
/// Upper bound on brands in a table (bounds the work a hostile table can cause).
pub const MAX_BRANDS: usize = 64;
/// Upper bound on ranges per brand.
pub const MAX_RANGES_PER_BRAND: usize = 1024;

/// A range of card-number prefixes with the same number of digits, e.g. `2221-2720` or `4`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PrefixRange {
    lo: u32,
    hi: u32,
    digits: u8,
}

/// How a (possibly partial) card number relates to a prefix range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum RangeMatch {
    /// The number cannot fall in the range.
    None,
    /// The number is shorter than the prefix but could still fall in the range.
    Partial,
    /// The number starts with a prefix in the range; the value is the prefix length
    /// (longer prefixes are more specific).
    Full(u8),
}

impl PrefixRange {
    /// Parses `"4"`, `"497010"` or `"2221-2720"`: 1–8 ASCII digits, optionally a dash and a
    /// second bound with the same number of digits, not below the first.
    pub fn parse(text: &str) -> Option<Self> {
        let (lo_text, hi_text) = match text.split_once('-') {
            Some((lo, hi)) => (lo, hi),
            None => (text, text),
        };
        let digits = lo_text.len();
        if digits == 0 || digits > MAX_PREFIX_DIGITS || hi_text.len() != digits {
            return None;
        }
        let lo = parse_digits(lo_text)?;
        let hi = parse_digits(hi_text)?;
        if lo > hi {
            return None;
        }
        Some(Self {
            lo,
            hi,
            digits: u8::try_from(digits).ok()?,
        })
    }

    /// Number of digits of the prefixes in this range.
    #[must_use]
    pub fn digits(&self) -> u8 {
        self.digits
    }

    fn matches(&self, pan: &[u8]) -> RangeMatch {
        if pan.is_empty() {
            return RangeMatch::Partial;
        }
        let k = usize::from(self.digits);
        if pan.len() >= k {
            let prefix = digits_value(pan.get(..k).unwrap_or_default());
            if (self.lo..=self.hi).contains(&prefix) {
                RangeMatch::Full(self.digits)
            } else {
                RangeMatch::None
            }
        } else {
            // Compare the typed digits with the bounds cut to the same length: a contiguous
            // range of k-digit prefixes contains a completion of `pan` exactly then.
            let cut = 10u32.pow(u32::try_from(k - pan.len()).unwrap_or(0));
            let typed = digits_value(pan);
            if self.lo / cut <= typed && typed <= self.hi / cut {
                RangeMatch::Partial
            } else {
                RangeMatch::None
            }
        }
    }
}

impl fmt::Display for PrefixRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let w = usize::from(self.digits);
        if self.lo == self.hi {
            write!(f, "{:0w$}", self.lo)
        } else {
            write!(f, "{:0w$}-{:0w$}", self.lo, self.hi)
        }
    }
}

fn parse_digits(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(digits_value(text.as_bytes()))
}

/// Value of at most 8 ASCII digits (callers guarantee digits and length).
fn digits_value(digits: &[u8]) -> u32 {
    digits.iter().take(MAX_PREFIX_DIGITS).fold(0u32, |acc, b| {
        acc * 10 + u32::from(b.wrapping_sub(b'0') % 10)
    })
}

/// One card brand (network) and its rules.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct Brand {
    id: String,
    name: String,
    payline_type: String,
    #[cfg_attr(feature = "serde", serde(serialize_with = "ser_ranges"))]
    ranges: Vec<PrefixRange>,
    lengths: Vec<u8>,
    gaps: Vec<u8>,
    cvv_length: u8,
    cvv_required: bool,
    luhn: bool,
    co_badge: bool,
}

#[cfg(feature = "serde")]
fn ser_ranges<S: serde::Serializer>(ranges: &[PrefixRange], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(ranges.iter().map(alloc::string::ToString::to_string))
}

impl Brand {
    /// API id: `visa`, `mastercard`, `amex`, `cb`, `maestro`, `discover`, `diners`, `jcb`,
    /// `unionpay`, `mir`, `elo`, `hipercard`, or one added through [`BinTable::apply`].
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }
    /// Name to show the buyer, e.g. `Cartes Bancaires`.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Payline `card.type` code for this brand (`CB`, `VISA`, `MASTERCARD`, `AMEX`…); also the
    /// value of `payment.cardBrand` when the buyer picks this network of a co-badged card.
    #[must_use]
    pub fn payline_type(&self) -> &str {
        &self.payline_type
    }
    /// Prefix ranges that identify the brand.
    #[must_use]
    pub fn ranges(&self) -> &[PrefixRange] {
        &self.ranges
    }
    /// Allowed card-number lengths, ascending.
    #[must_use]
    pub fn lengths(&self) -> &[u8] {
        &self.lengths
    }
    /// Digit counts after which a space is shown, ascending (`[4, 10]` = Amex 4-6-5).
    #[must_use]
    pub fn gaps(&self) -> &[u8] {
        &self.gaps
    }
    /// CVV length (3, or 4 for Amex).
    #[must_use]
    pub fn cvv_length(&self) -> u8 {
        self.cvv_length
    }
    /// Whether a CVV must be given. Payline's samples omit `cardCvx` for Maestro, Diners and
    /// JCB (Payline Web2Token `getToken`, field `cardCvx`), so these default to `false`.
    #[must_use]
    pub fn cvv_required(&self) -> bool {
        self.cvv_required
    }
    /// Whether the last digit is a Luhn check digit (UnionPay issues some numbers without).
    #[must_use]
    pub fn luhn(&self) -> bool {
        self.luhn
    }
    /// A domestic network printed next to an international brand on the same card (CB).
    #[must_use]
    pub fn co_badge(&self) -> bool {
        self.co_badge
    }
    /// Longest allowed length.
    #[must_use]
    pub fn max_length(&self) -> u8 {
        self.lengths.last().copied().unwrap_or(MAX_PAN_DIGITS)
    }

    fn best_match(&self, pan: &[u8]) -> RangeMatch {
        self.ranges
            .iter()
            .map(|r| r.matches(pan))
            .max()
            .unwrap_or(RangeMatch::None)
    }
}

/// The brand table: every brand rule in one value.
///
/// [`BinTable::default`] is the built-in table. A table is never invalid: every way to build
/// one checks it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct BinTable {
    brands: Vec<Brand>,
}

/// Row of the built-in table:
/// (id, name, Payline card.type, ranges, lengths, gaps, cvv length, cvv required, luhn, co-badge).
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [u8],
    &'static [u8],
    u8,
    bool,
    bool,
    bool,
);

/// Built-in brand data. Ranges are the networks' published IIN ranges as collected by
/// braintree/credit-card-type (MIT), trimmed where a catch-all prefix would hide other brands;
/// CB holds the one range Payline's own documentation and test cards use (see README).
#[rustfmt::skip]
const BUILTIN: &[Row] = &[
    ("visa", "Visa", "VISA", &["4"], &[16, 18, 19], &[4, 8, 12, 16], 3, true, true, false),
    ("mastercard", "Mastercard", "MASTERCARD", &["51-55", "2221-2720"], &[16], &[4, 8, 12], 3, true, true, false),
    ("amex", "American Express", "AMEX", &["34", "37"], &[15], &[4, 10], 4, true, true, false),
    ("cb", "Cartes Bancaires", "CB", &["497010"], &[16], &[4, 8, 12], 3, true, true, true),
    (
        "maestro",
        "Maestro",
        "MAESTRO",
        &["493698", "500000-504174", "504176-506698", "506779-508999", "56-59", "63", "67"],
        &[12, 13, 14, 15, 16, 17, 18, 19],
        &[4, 8, 12, 16],
        3,
        false,
        true,
        false,
    ),
    ("discover", "Discover", "DISCOVER", &["6011", "644-649", "65"], &[16, 19], &[4, 8, 12, 16], 3, true, true, false),
    ("diners", "Diners Club", "DINERS", &["300-305", "36", "38-39"], &[14, 16, 19], &[4, 10], 3, false, true, false),
    ("jcb", "JCB", "JCB", &["2131", "1800", "3528-3589"], &[16, 17, 18, 19], &[4, 8, 12, 16], 3, false, true, false),
    ("unionpay", "UnionPay", "CUP", &["62", "81"], &[14, 15, 16, 17, 18, 19], &[4, 8, 12, 16], 3, true, false, false),
    ("mir", "Mir", "MIR", &["2200-2204"], &[16, 17, 18, 19], &[4, 8, 12, 16], 3, true, true, false),
    (
        "elo",
        "Elo",
        "ELO",
        &[
            "401178", "401179", "431274", "438935", "451416", "457393", "457631", "457632", "504175",
            "506699-506778", "509000-509999", "627780", "636297", "636368", "650031-650033",
            "650035-650051", "650405-650439", "650485-650538", "650541-650598", "650700-650718",
            "650720-650727", "650901-650978", "651652-651679", "655000-655019", "655021-655058",
        ],
        &[16],
        &[4, 8, 12],
        3,
        true,
        true,
        false,
    ),
    ("hipercard", "Hipercard", "HIPERCARD", &["384100", "384140", "384160", "606282"], &[16, 19], &[4, 8, 12, 16], 3, true, true, false),
];

impl Default for BinTable {
    fn default() -> Self {
        Self::builtin()
    }
}

impl BinTable {
    /// The built-in table (12 brands, see the crate README for sources and limits).
    #[must_use]
    pub fn builtin() -> Self {
        // Plain loops rather than `map`/`filter_map` + `collect`: each chain is an instance of
        // its own in the WebAssembly modules.
        let mut brands = Vec::with_capacity(BUILTIN.len());
        for &(
            id,
            name,
            payline,
            range_texts,
            lengths,
            gaps,
            cvv_length,
            cvv_required,
            luhn,
            co_badge,
        ) in BUILTIN
        {
            // Every literal above parses; `builtin_table_is_well_formed` checks it.
            let mut ranges = Vec::with_capacity(range_texts.len());
            for r in range_texts {
                if let Some(range) = PrefixRange::parse(r) {
                    ranges.push(range);
                }
            }
            brands.push(Brand {
                id: id.to_owned(),
                name: name.to_owned(),
                payline_type: payline.to_owned(),
                ranges,
                lengths: lengths.to_vec(),
                gaps: gaps.to_vec(),
                cvv_length,
                cvv_required,
                luhn,
                co_badge,
            });
        }
        Self { brands }
    }

    /// Builds a table from brand specifications, checked as [`TableMode::Replace`] does.
    pub fn from_specs(specs: &[BrandSpec]) -> Result<Self, BinTableError> {
        Self { brands: Vec::new() }.apply(specs, TableMode::Replace)
    }

    /// All brands, in table order.
    #[must_use]
    pub fn brands(&self) -> &[Brand] {
        &self.brands
    }

    /// The brand with this API id.
    #[must_use]
    pub fn brand(&self, id: &str) -> Option<&Brand> {
        self.brands.iter().find(|b| b.id == id)
    }

    /// The brand with this Payline `card.type` code (first in table order).
    #[must_use]
    pub fn brand_by_payline_type(&self, payline_type: &str) -> Option<&Brand> {
        self.brands.iter().find(|b| b.payline_type == payline_type)
    }

    /// Returns a new table with `specs` applied; `self` is never changed, so a bad table
    /// changes nothing.
    ///
    /// - [`TableMode::Extend`]: a spec whose `id` exists adds its `ranges` to that brand and
    ///   replaces every other field it gives; a spec with a new `id` adds a brand and must
    ///   give `name`, `paylineType`, `ranges`, `lengths` and `cvvLength`.
    /// - [`TableMode::Replace`]: the result holds exactly the brands in `specs`, each complete.
    pub fn apply(&self, specs: &[BrandSpec], mode: TableMode) -> Result<Self, BinTableError> {
        let mut brands = match mode {
            TableMode::Extend => self.brands.clone(),
            TableMode::Replace => Vec::new(),
        };
        let existing = brands.len();
        for spec in specs {
            let id = spec.id.as_str();
            if !valid_id(id) {
                return Err(BinTableError::InvalidBrandId { id: clip(id) });
            }
            let mut ranges = Vec::with_capacity(spec.ranges.len());
            for r in &spec.ranges {
                ranges.push(
                    PrefixRange::parse(r).ok_or_else(|| BinTableError::InvalidRange {
                        id: clip(id),
                        range: clip(r),
                    })?,
                );
            }
            let position = brands.iter().position(|b| b.id == id);
            match position {
                Some(i) if i < existing => {
                    // Extend mode, existing brand: add ranges, replace given fields.
                    if let Some(brand) = brands.get_mut(i) {
                        brand.ranges.extend(ranges);
                        overlay(brand, spec)?;
                    }
                }
                Some(_) => return Err(BinTableError::DuplicateBrand { id: clip(id) }),
                None => {
                    let missing = |field: &'static str| BinTableError::MissingField {
                        id: clip(id),
                        field,
                    };
                    let mut brand = Brand {
                        id: id.to_owned(),
                        name: spec.name.clone().ok_or_else(|| missing("name"))?,
                        payline_type: spec
                            .payline_type
                            .clone()
                            .ok_or_else(|| missing("paylineType"))?,
                        ranges,
                        lengths: spec.lengths.clone().ok_or_else(|| missing("lengths"))?,
                        gaps: DEFAULT_GAPS.to_vec(),
                        cvv_length: spec.cvv_length.ok_or_else(|| missing("cvvLength"))?,
                        cvv_required: true,
                        luhn: true,
                        co_badge: false,
                    };
                    if brand.ranges.is_empty() {
                        return Err(missing("ranges"));
                    }
                    overlay(&mut brand, spec)?;
                    brands.push(brand);
                }
            }
            if brands.len() > MAX_BRANDS {
                return Err(BinTableError::TooLarge);
            }
        }
        if brands.is_empty() {
            return Err(BinTableError::EmptyTable);
        }
        for brand in &mut brands {
            check_brand(brand)?;
        }
        Ok(Self { brands })
    }

    /// Brands a (possibly partial) card number belongs to; see [`detect_brands`].
    pub(crate) fn detect(&self, pan: &[u8]) -> Detection<'_> {
        let mut detection = Detection {
            brands: Vec::new(),
            lead: None,
        };
        if pan.is_empty() {
            return detection;
        }
        let mut best_primary: Option<(u8, &Brand)> = None;
        let mut co_badges: Vec<&Brand> = Vec::new();
        let mut partial: Vec<&Brand> = Vec::new();
        for brand in &self.brands {
            match brand.best_match(pan) {
                RangeMatch::Full(_) if brand.co_badge => co_badges.push(brand),
                RangeMatch::Full(strength) => {
                    // The longest matching prefix wins (Elo's 401178 inside Visa's 4);
                    // equal strength keeps table order.
                    if best_primary.is_none_or(|(s, _)| strength > s) {
                        best_primary = Some((strength, brand));
                    }
                }
                RangeMatch::Partial => partial.push(brand),
                RangeMatch::None => {}
            }
        }
        if best_primary.is_some() || !co_badges.is_empty() {
            // A complete prefix is known: brands that only might match are dropped, so
            // "4011" is Visa until "401178" makes it Elo.
            detection.brands = co_badges;
            match best_primary {
                Some((_, primary)) => {
                    detection.brands.push(primary);
                    detection.lead = Some(primary);
                }
                None => detection.lead = detection.brands.first().copied(),
            }
        } else {
            // The one primary brand, or the one brand when none is primary; no Vec of them.
            let mut primaries = partial.iter().copied().filter(|b| !b.co_badge);
            detection.lead = match (primaries.next(), primaries.next(), partial.as_slice()) {
                (Some(only), None, _) | (None, _, &[only]) => Some(only),
                _ => None,
            };
            detection.brands = partial;
        }
        detection
    }
}

/// Brands the digits of a (possibly partial) card number belong to, in display order: a
/// co-badging network first (`cb`), then the international brand (`visa`).
///
/// `digits` must hold ASCII digits only (use [`crate::normalize_number`] on buyer input);
/// anything else gives no brand. While the prefix is too short to decide, every brand that
/// could still match is listed in table order.
///
/// ```
/// let table = card_core::BinTable::default();
/// let ids: Vec<&str> = card_core::detect_brands(&table, "4970101122334455").iter().map(|b| b.id()).collect();
/// assert_eq!(ids, ["cb", "visa"]);
/// ```
#[must_use]
pub fn detect_brands<'t>(table: &'t BinTable, digits: &str) -> Vec<&'t Brand> {
    let bytes = digits.as_bytes();
    if bytes.len() > usize::from(MAX_PAN_DIGITS) || !bytes.iter().all(u8::is_ascii_digit) {
        return Vec::new();
    }
    table.detect(bytes).brands
}

/// Result of brand detection.
#[derive(Debug)]
pub(crate) struct Detection<'t> {
    /// Display order: co-badges first.
    pub(crate) brands: Vec<&'t Brand>,
    /// Brand whose rules (lengths, gaps, CVV, Luhn) apply; `None` when unknown or ambiguous.
    pub(crate) lead: Option<&'t Brand>,
}

fn overlay(brand: &mut Brand, spec: &BrandSpec) -> Result<(), BinTableError> {
    if let Some(v) = &spec.name {
        brand.name.clone_from(v);
    }
    if let Some(v) = &spec.payline_type {
        brand.payline_type.clone_from(v);
    }
    if let Some(v) = &spec.lengths {
        brand.lengths.clone_from(v);
    }
    if let Some(v) = &spec.gaps {
        brand.gaps.clone_from(v);
    }
    if let Some(v) = spec.cvv_length {
        brand.cvv_length = v;
    }
    if let Some(v) = spec.cvv_required {
        brand.cvv_required = v;
    }
    if let Some(v) = spec.luhn {
        brand.luhn = v;
    }
    if let Some(v) = spec.co_badge {
        brand.co_badge = v;
    }
    Ok(())
}

/// Sorts and dedups digit counts through a 256-bit set: the same result as `sort_unstable` +
/// `dedup` for `u8`, without linking the generic sort (about 4 KB of WebAssembly in the
/// browser module, for lists of a few lengths).
pub(crate) fn sort_dedup(values: &mut Vec<u8>) {
    let mut seen = [0u64; 4];
    for &v in values.iter() {
        seen[usize::from(v >> 6)] |= 1 << (v & 63);
    }
    values.clear();
    for v in 0..=u8::MAX {
        if seen[usize::from(v >> 6)] & (1 << (v & 63)) != 0 {
            values.push(v);
        }
    }
}

fn check_brand(brand: &mut Brand) -> Result<(), BinTableError> {
    let id = || clip(&brand.id);
    if !valid_text(&brand.name, 40) {
        return Err(BinTableError::InvalidText {
            id: id(),
            field: "name",
        });
    }
    // Payline card.type codes are short uppercase ASCII (`CB`, `AMEX-ONE CLICK`, `3XCB`).
    if brand.payline_type.is_empty()
        || brand.payline_type.len() > 30
        || !brand
            .payline_type
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b"_- ()".contains(&b))
    {
        return Err(BinTableError::InvalidText {
            id: id(),
            field: "paylineType",
        });
    }
    if brand.ranges.len() > MAX_RANGES_PER_BRAND {
        return Err(BinTableError::TooLarge);
    }
    sort_dedup(&mut brand.lengths);
    if brand.lengths.is_empty()
        || brand
            .lengths
            .iter()
            .any(|l| !(MIN_PAN_DIGITS..=MAX_PAN_DIGITS).contains(l))
    {
        return Err(BinTableError::InvalidLengths { id: id() });
    }
    let sorted = brand.gaps.windows(2).all(|w| matches!(w, [a, b] if a < b));
    if !sorted || brand.gaps.iter().any(|g| *g == 0 || *g >= MAX_PAN_DIGITS) {
        return Err(BinTableError::InvalidGaps { id: id() });
    }
    if !(3..=4).contains(&brand.cvv_length) {
        return Err(BinTableError::InvalidCvvLength { id: id() });
    }
    Ok(())
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 32
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn valid_text(text: &str, max_chars: usize) -> bool {
    let n = text.chars().count();
    n > 0 && n <= max_chars && !text.chars().any(char::is_control)
}

/// Error texts echo at most this much of the offending value.
fn clip(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().filter(|c| !c.is_control()).take(32) {
        out.push(c);
    }
    out
}

/// How [`BinTable::apply`] combines the given brands with the current table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize, serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum TableMode {
    /// Add ranges to existing brands, add new brands.
    #[default]
    Extend,
    /// Use only the given brands.
    Replace,
}

/// One brand of a BIN table update (the JSON accepted by the browser module's `setBinTable`).
///
/// Field names in JSON are camelCase; unknown fields are an error.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct BrandSpec {
    /// Brand id: 1–32 of `a-z`, `0-9`, `-`, `_`.
    pub id: String,
    /// Display name (1–40 characters, no control characters).
    #[cfg_attr(feature = "serde", serde(default))]
    pub name: Option<String>,
    /// Payline `card.type` code (1–30 of `A-Z`, `0-9`, `_ -()`).
    #[cfg_attr(feature = "serde", serde(default))]
    pub payline_type: Option<String>,
    /// Prefix ranges (`"4"`, `"2221-2720"`), added to an existing brand's ranges.
    #[cfg_attr(feature = "serde", serde(default))]
    pub ranges: Vec<String>,
    /// Allowed lengths, each 12–19.
    #[cfg_attr(feature = "serde", serde(default))]
    pub lengths: Option<Vec<u8>>,
    /// Strictly ascending gap positions, each 1–18 (default `[4, 8, 12, 16]`).
    #[cfg_attr(feature = "serde", serde(default))]
    pub gaps: Option<Vec<u8>>,
    /// CVV length, 3 or 4.
    #[cfg_attr(feature = "serde", serde(default))]
    pub cvv_length: Option<u8>,
    /// Whether a CVV is required (default `true`).
    #[cfg_attr(feature = "serde", serde(default))]
    pub cvv_required: Option<bool>,
    /// Whether the number has a Luhn check digit (default `true`).
    #[cfg_attr(feature = "serde", serde(default))]
    pub luhn: Option<bool>,
    /// Whether this is a co-badging network listed beside another brand (default `false`).
    #[cfg_attr(feature = "serde", serde(default))]
    pub co_badge: Option<bool>,
}

/// A BIN table update: `{"brands": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct TableSpec {
    /// Brands to add, extend or use.
    pub brands: Vec<BrandSpec>,
}

/// Why a BIN table update was refused. The current table is unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BinTableError {
    /// The resulting table would hold no brand.
    EmptyTable,
    /// More than [`MAX_BRANDS`] brands or [`MAX_RANGES_PER_BRAND`] ranges in one brand.
    TooLarge,
    /// A brand id is empty, too long or uses characters other than `a-z0-9-_`.
    InvalidBrandId {
        /// The id (clipped).
        id: String,
    },
    /// The same new brand id appears twice.
    DuplicateBrand {
        /// The id.
        id: String,
    },
    /// A new brand lacks a field it must give.
    MissingField {
        /// The brand id.
        id: String,
        /// The JSON field name.
        field: &'static str,
    },
    /// A range is not `D` or `D-D` with 1–8 digits on both sides and low ≤ high.
    InvalidRange {
        /// The brand id.
        id: String,
        /// The range text (clipped).
        range: String,
    },
    /// Lengths empty or outside 12–19.
    InvalidLengths {
        /// The brand id.
        id: String,
    },
    /// Gaps not strictly ascending within 1–18.
    InvalidGaps {
        /// The brand id.
        id: String,
    },
    /// CVV length other than 3 or 4.
    InvalidCvvLength {
        /// The brand id.
        id: String,
    },
    /// A name or Payline type is empty, too long or has forbidden characters.
    InvalidText {
        /// The brand id.
        id: String,
        /// The JSON field name.
        field: &'static str,
    },
}

impl BinTableError {
    /// Stable machine-readable code, e.g. `invalid_range`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::EmptyTable => "empty_table",
            Self::TooLarge => "too_large",
            Self::InvalidBrandId { .. } => "invalid_brand_id",
            Self::DuplicateBrand { .. } => "duplicate_brand",
            Self::MissingField { .. } => "missing_field",
            Self::InvalidRange { .. } => "invalid_range",
            Self::InvalidLengths { .. } => "invalid_lengths",
            Self::InvalidGaps { .. } => "invalid_gaps",
            Self::InvalidCvvLength { .. } => "invalid_cvv_length",
            Self::InvalidText { .. } => "invalid_text",
        }
    }

    /// The human-readable message as up to five pieces to concatenate (empty pieces at the end).
    /// The browser modules build their `Error` message from these instead of `Display`, so
    /// that they do not link `core::fmt`'s formatting machinery for a handful of strings.
    #[must_use]
    pub fn message_parts(&self) -> [&str; 5] {
        // `MAX_BRANDS` and `MAX_RANGES_PER_BRAND`, written out (pinned by a test).
        const LIMITS: &str = "at most 64 brands and 1024 ranges per brand";
        match self {
            Self::EmptyTable => ["the BIN table would hold no brand", "", "", "", ""],
            Self::TooLarge => [LIMITS, "", "", "", ""],
            Self::InvalidBrandId { id } => [
                "brand id '",
                id,
                "' must be 1-32 of a-z, 0-9, '-', '_'",
                "",
                "",
            ],
            Self::DuplicateBrand { id } => ["brand '", id, "' is given twice", "", ""],
            Self::MissingField { id, field } => ["new brand '", id, "' needs '", field, "'"],
            Self::InvalidRange { id, range } => [
                "brand '",
                id,
                "': range '",
                range,
                "' is not 1-8 digits or a low-high pair of equal length",
            ],
            Self::InvalidLengths { id } => ["brand '", id, "': lengths must be 12-19", "", ""],
            Self::InvalidGaps { id } => ["brand '", id, "': gaps must ascend within 1-18", "", ""],
            Self::InvalidCvvLength { id } => ["brand '", id, "': cvvLength must be 3 or 4", "", ""],
            Self::InvalidText { id, field } => [
                "brand '",
                id,
                "': ",
                field,
                " is empty, too long or has forbidden characters",
            ],
        }
    }
}

impl fmt::Display for BinTableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message_parts()
            .iter()
            .try_for_each(|part| f.write_str(part))
    }
}

impl core::error::Error for BinTableError {}

#[cfg(test)]
mod tests {
    use super::{BUILTIN, BinTable, BinTableError, PrefixRange, TableMode, sort_dedup};
    use super::{MAX_BRANDS, MAX_RANGES_PER_BRAND};

    #[test]
    fn too_large_message_names_the_real_limits() {
        let expected =
            format!("at most {MAX_BRANDS} brands and {MAX_RANGES_PER_BRAND} ranges per brand");
        assert_eq!(BinTableError::TooLarge.to_string(), expected);
        let e = BinTableError::InvalidRange {
            id: "x".into(),
            range: "12-3".into(),
        };
        assert_eq!(
            e.to_string(),
            "brand 'x': range '12-3' is not 1-8 digits or a low-high pair of equal length"
        );
    }

    #[test]
    fn sort_dedup_matches_sort_then_dedup() {
        let cases: [&[u8]; 5] = [
            &[],
            &[16],
            &[19, 16, 13, 16, 19, 0],
            &[255, 0, 64, 63, 128, 127, 64],
            &[7; 9],
        ];
        for case in cases {
            let mut expected = case.to_vec();
            expected.sort_unstable();
            expected.dedup();
            let mut got = case.to_vec();
            sort_dedup(&mut got);
            assert_eq!(got, expected, "{case:?}");
        }
    }

    /// `BinTable::builtin` drops a range literal that does not parse; none may.
    #[test]
    fn builtin_table_is_well_formed() {
        let table = BinTable::builtin();
        for (row, brand) in BUILTIN.iter().zip(table.brands()) {
            assert_eq!(row.3.len(), brand.ranges().len(), "{}", brand.id());
            for text in row.3 {
                assert_eq!(
                    PrefixRange::parse(text).map(|r| r.to_string()).as_deref(),
                    Some(*text)
                );
            }
        }
        // The checks `apply` makes hold for the built-in rows too.
        assert_eq!(table.apply(&[], TableMode::Extend), Ok(table.clone()));
    }
}
