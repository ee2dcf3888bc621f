//! The checkout form as a pure state machine: no web-sys, no clock, no card values kept.
//!
//! The DOM layer feeds it each field's current text (`update`), focus changes and the submit;
//! the form answers with what each field should look like (`view`) and which message, if any,
//! the buyer should see. Only derived facts are stored (validity, detected brands, lengths),
//! never the number or the CVV themselves.
//!
//! When a message appears follows the usual inline-validation advice (WCAG 2.2 SC 3.3.1, and
//! card-validator's `potentiallyValid` idea): input that can still become valid is not flagged
//! while the buyer types; it is flagged once they leave the field or submit. Input that can
//! never become valid (a letter in the number, month 13) is flagged at once.

use card_core::{
    BinTable, CvvRule, ExpiryError, Validity, YearMonth, check_cvv, check_expiry, check_holder,
    check_number, parse_expiry,
};

/// The four card inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Card number.
    Number,
    /// Expiry date.
    Expiry,
    /// Security code.
    Cvv,
    /// Cardholder name.
    Holder,
}

impl Field {
    /// Every field, in form order.
    pub const ALL: [Field; 4] = [Field::Number, Field::Expiry, Field::Cvv, Field::Holder];

    /// The name used in options, events and results.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Field::Number => "number",
            Field::Expiry => "expiry",
            Field::Cvv => "cvv",
            Field::Holder => "holder",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Why a field is not valid; each has a message in every locale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Nothing typed and the field is required.
    Required,
    /// Could still become valid with more typing.
    Incomplete,
    /// Can never become valid as it stands.
    Invalid,
    /// The number belongs to a brand the checkout session does not accept.
    BrandNotAccepted,
    /// Expiry before the current month.
    Expired,
    /// Expiry more than 20 years ahead.
    TooFarAhead,
}

impl Problem {
    /// Stable code, used in `change` events.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Problem::Required => "required",
            Problem::Incomplete => "incomplete",
            Problem::Invalid => "invalid",
            Problem::BrandNotAccepted => "brand_not_accepted",
            Problem::Expired => "expired",
            Problem::TooFarAhead => "too_far_ahead",
        }
    }
}

/// What a field looks like, for classes and `data-cc-state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    /// Nothing typed (and no message shown).
    Empty,
    /// Not valid yet, but not flagged: the buyer may still be typing.
    PotentiallyValid,
    /// Complete and acceptable.
    Valid,
    /// Flagged, with a message.
    Invalid,
}

impl Look {
    /// The name used in classes (`cc-<name>`) and `data-cc-state`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Look::Empty => "empty",
            Look::PotentiallyValid => "potentially-valid",
            Look::Valid => "valid",
            Look::Invalid => "invalid",
        }
    }
}

/// How a field is rendered: its look and the message to show, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldView {
    /// Look.
    pub look: Look,
    /// Message shown under the field (`aria-invalid="true"` exactly when `Some`).
    pub message: Option<Problem>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Status {
    empty: bool,
    validity: Validity,
    problem: Option<Problem>,
    /// Left non-empty, or submitted: incomplete input is flagged from now on.
    touched: bool,
    focused: bool,
}

/// A brand as the form reports it (owned: the table may be replaced while the form lives).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrandInfo {
    /// card-core brand id (`cb`, `visa`…).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Payline `card.type` / `payment.cardBrand`.
    pub payline_type: String,
}

/// The form's state. Values are passed in on every update and never kept.
#[derive(Debug, Clone)]
pub struct Form {
    accepted: Option<Vec<String>>,
    default_brand: Option<String>,
    status: [Status; 4],
    /// Detected brands that the session accepts, in display order.
    brands: Vec<BrandInfo>,
    /// Several brands for one number (CB + Visa…): the buyer chooses (EU IFR 2015/751 art. 8).
    co_badged: bool,
    chosen: Option<String>,
    cvv_rule: CvvRule,
    /// The brand's CVV length (4 while unknown: Amex prints 4).
    cvv_max: u8,
    /// Digit count of the number, and whether it is one the brand issues.
    number_at_full_length: bool,
    /// Longest formatted number for the brand (digits plus separators), if known.
    number_max_chars: Option<u32>,
}

/// What changed in an update, so the DOM layer touches only what it must.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Changes {
    /// The detected brands or the chosen one changed.
    pub brands: bool,
    /// The CVV rule changed: re-check the CVV.
    pub cvv_rule: bool,
}

impl Form {
    /// A new form. `accepted`: Payline brand names the session accepts (`None`: all);
    /// `default_brand`: the merchant's preselected brand for co-badged cards.
    #[must_use]
    pub fn new(accepted: Option<Vec<String>>, default_brand: Option<String>) -> Self {
        let mut status = [Status::default(); 4];
        for s in &mut status {
            s.empty = true;
            s.problem = Some(Problem::Required);
        }
        Self {
            accepted,
            default_brand,
            status,
            brands: Vec::new(),
            co_badged: false,
            chosen: None,
            cvv_rule: CvvRule::unknown_brand(),
            cvv_max: 4,
            number_at_full_length: false,
            number_max_chars: None,
        }
    }

    fn accepts(&self, payline_type: &str) -> bool {
        self.accepted
            .as_ref()
            .is_none_or(|list| list.iter().any(|a| a.eq_ignore_ascii_case(payline_type)))
    }

    /// Re-checks `field` with its current text. `today` is the buyer's current month.
    pub fn update(
        &mut self,
        table: &BinTable,
        field: Field,
        value: &str,
        today: YearMonth,
    ) -> Changes {
        let mut changes = Changes::default();
        let empty = value.trim().is_empty();
        let (validity, problem) = match field {
            Field::Number => {
                let check = check_number(table, value);
                // Loops rather than `map`/`filter` + `collect` chains: each chain is its own
                // instance of the iterator and collection code in the WebAssembly.
                let co_badged = check.brands.first().is_some_and(|b| b.co_badge());
                let mut accepted: Vec<BrandInfo> = Vec::new();
                for b in &check.brands {
                    if self.accepts(b.payline_type()) {
                        accepted.push(BrandInfo {
                            id: b.id().to_owned(),
                            name: b.name().to_owned(),
                            payline_type: b.payline_type().to_owned(),
                        });
                    }
                }
                let refused = !check.brands.is_empty() && accepted.is_empty();
                let digits = value.bytes().filter(u8::is_ascii_digit).count();
                self.number_at_full_length =
                    check.lengths.iter().any(|&l| usize::from(l) == digits);
                self.number_max_chars = (!check.brands.is_empty()).then(|| {
                    let max = check.lengths.iter().copied().max().unwrap_or(19);
                    let gaps = check.gaps.iter().filter(|&&g| g < max).count();
                    u32::from(max) + gaps as u32
                });
                if accepted != self.brands || co_badged != self.co_badged {
                    changes.brands = true;
                    self.co_badged = co_badged && accepted.len() > 1;
                    self.brands = accepted;
                    self.chosen = self.pick_default();
                }
                changes.cvv_rule = self.follow_rule(table);
                if refused {
                    (Validity::INVALID, Some(Problem::BrandNotAccepted))
                } else {
                    (check.validity, None)
                }
            }
            Field::Expiry => {
                let check = check_expiry(value, today);
                let problem = match (check.validity.valid, parse_expiry(value, today)) {
                    (false, Err(ExpiryError::Expired)) => Some(Problem::Expired),
                    (false, Err(ExpiryError::TooFarAhead)) => Some(Problem::TooFarAhead),
                    _ => None,
                };
                (check.validity, problem)
            }
            Field::Cvv => {
                if empty && !self.cvv_rule.required() {
                    (
                        Validity {
                            valid: true,
                            potentially_valid: true,
                        },
                        None,
                    )
                } else {
                    (check_cvv(value, self.cvv_rule), None)
                }
            }
            Field::Holder => (check_holder(value), None),
        };
        let s = &mut self.status[field.index()];
        s.empty = empty;
        s.validity = validity;
        s.problem = if validity.valid {
            None
        } else if empty {
            Some(Problem::Required)
        } else {
            problem.or(Some(if validity.potentially_valid {
                Problem::Incomplete
            } else {
                Problem::Invalid
            }))
        };
        // A number of a length its brand issues that still fails (a 16-digit Visa with a typo)
        // stays "potentially valid" for card-core, as Visa also issues 19 digits; once the
        // buyer has left the field it is reported as wrong rather than incomplete.
        if field == Field::Number
            && s.touched
            && self.number_at_full_length
            && s.problem == Some(Problem::Incomplete)
        {
            s.problem = Some(Problem::Invalid);
        }
        changes
    }

    /// Takes the chosen brand's CVV rule; true when it changed.
    fn follow_rule(&mut self, table: &BinTable) -> bool {
        let (rule, max) = self.current_rule(table);
        let changed = rule != self.cvv_rule || max != self.cvv_max;
        self.cvv_rule = rule;
        self.cvv_max = max;
        changed
    }

    /// The chosen brand's CVV rule and length, or the lenient rule while no single brand is
    /// known.
    fn current_rule(&self, table: &BinTable) -> (CvvRule, u8) {
        let id = match (&self.chosen, self.brands.as_slice()) {
            (Some(p), _) => self
                .brands
                .iter()
                .find(|b| &b.payline_type == p)
                .map(|b| b.id.as_str()),
            (None, [only]) => Some(only.id.as_str()),
            _ => None,
        };
        id.and_then(|id| table.brand(id))
            .map_or((CvvRule::unknown_brand(), 4), |b| {
                (CvvRule::for_brand(b), b.cvv_length())
            })
    }

    fn pick_default(&self) -> Option<String> {
        if self.brands.len() == 1 {
            return self.brands.first().map(|b| b.payline_type.clone());
        }
        if !self.co_badged {
            return None;
        }
        let wanted = self.default_brand.as_ref().and_then(|d| {
            self.brands
                .iter()
                .find(|b| b.payline_type.eq_ignore_ascii_case(d))
        });
        wanted
            .or(self.brands.first())
            .map(|b| b.payline_type.clone())
    }

    /// The buyer picked a brand of a co-badged card. Returns the changes (the CVV rule may
    /// follow); an unknown brand changes nothing.
    pub fn choose_brand(&mut self, table: &BinTable, payline_type: &str) -> Changes {
        let mut changes = Changes::default();
        if !self.co_badged || !self.brands.iter().any(|b| b.payline_type == payline_type) {
            return changes;
        }
        if self.chosen.as_deref() != Some(payline_type) {
            self.chosen = Some(payline_type.to_owned());
            changes.brands = true;
        }
        changes.cvv_rule = self.follow_rule(table);
        changes
    }

    /// Focus entered a field.
    pub fn focus(&mut self, field: Field) {
        self.status[field.index()].focused = true;
    }

    /// Focus left a field: from now on incomplete input is flagged (an empty field is not:
    /// tabbing through the form should not paint it red).
    pub fn blur(&mut self, field: Field) {
        let s = &mut self.status[field.index()];
        s.focused = false;
        if !s.empty {
            s.touched = true;
        }
        if field == Field::Number
            && self.number_at_full_length
            && s.problem == Some(Problem::Incomplete)
        {
            s.problem = Some(Problem::Invalid);
        }
    }

    /// Submit: every field is judged, empty ones included.
    pub fn touch_all(&mut self) {
        for field in Field::ALL {
            let s = &mut self.status[field.index()];
            s.touched = true;
            if field == Field::Number
                && self.number_at_full_length
                && s.problem == Some(Problem::Incomplete)
            {
                s.problem = Some(Problem::Invalid);
            }
        }
    }

    /// Forgets what was typed: every field empty and untouched, no brand.
    pub fn reset(&mut self) {
        *self = Self::new(self.accepted.take(), self.default_brand.take());
    }

    /// How `field` should look now.
    #[must_use]
    pub fn view(&self, field: Field) -> FieldView {
        let s = &self.status[field.index()];
        let flagged = match s.problem {
            None => false,
            Some(Problem::Required) => s.touched && s.empty,
            Some(Problem::Incomplete) => s.touched,
            Some(_) => true,
        };
        let look = if flagged {
            Look::Invalid
        } else if s.validity.valid && !s.empty {
            Look::Valid
        } else if s.empty {
            Look::Empty
        } else {
            Look::PotentiallyValid
        };
        FieldView {
            look,
            message: if flagged { s.problem } else { None },
        }
    }

    /// The field's validity (`valid`, `potentiallyValid`) and whether it is empty.
    #[must_use]
    pub fn validity(&self, field: Field) -> (Validity, bool) {
        let s = &self.status[field.index()];
        (s.validity, s.empty)
    }

    /// Whether focus is in the field.
    #[must_use]
    pub fn focused(&self, field: Field) -> bool {
        self.status[field.index()].focused
    }

    /// The problem of a field, shown or not.
    #[must_use]
    pub fn problem(&self, field: Field) -> Option<Problem> {
        self.status[field.index()].problem
    }

    /// Every field valid.
    #[must_use]
    pub fn complete(&self) -> bool {
        self.status.iter().all(|s| s.problem.is_none())
    }

    /// The detected brands the session accepts.
    #[must_use]
    pub fn brands(&self) -> &[BrandInfo] {
        &self.brands
    }

    /// Whether the buyer must be offered a brand choice.
    #[must_use]
    pub fn co_badged(&self) -> bool {
        self.co_badged
    }

    /// The Payline brand the payment will use (the buyer's choice for a co-badged card).
    #[must_use]
    pub fn chosen_brand(&self) -> Option<&BrandInfo> {
        let chosen = self.chosen.as_deref()?;
        self.brands.iter().find(|b| b.payline_type == chosen)
    }

    /// CVV length the chosen brand prints (4 while unknown: Amex prints 4).
    #[must_use]
    pub fn cvv_max_length(&self) -> u8 {
        self.cvv_max
    }

    /// Whether the CVV is required.
    #[must_use]
    pub fn cvv_required(&self) -> bool {
        self.cvv_rule.required()
    }

    /// The rule the CVV is checked against.
    #[must_use]
    pub fn cvv_rule(&self) -> CvvRule {
        self.cvv_rule
    }

    /// Longest formatted number for the detected brand, for `maxlength`; `None` while unknown
    /// (a paste into an empty field must not be cut before it is formatted).
    #[must_use]
    pub fn number_max_chars(&self) -> Option<u32> {
        self.number_max_chars
    }
}

#[cfg(test)]
mod tests;
