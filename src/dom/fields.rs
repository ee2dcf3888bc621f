//! One card input of the merchant's form: its attributes, state classes, ARIA and the message
//! element under it.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlInputElement};

use crate::form::{Field, FieldView, Look};

/// State classes (`cc-<look>`), also written to `data-cc-state`.
const LOOKS: [Look; 4] = [
    Look::Empty,
    Look::PotentiallyValid,
    Look::Valid,
    Look::Invalid,
];

/// A merchant input driven by the module.
#[derive(Debug)]
pub struct CardInput {
    /// The input itself.
    pub input: HtmlInputElement,
    /// Where its message goes (`aria-describedby` points at it).
    pub message: Element,
    message_created: bool,
    /// Attributes this module added (removed again by `detach`).
    added: Vec<&'static str>,
    described_by: Option<String>,
    last_look: Option<Look>,
}

/// `autocomplete` tokens of the HTML autofill field names (HTML §4.10.18.7.1), which let the
/// browser fill all four fields at once from a saved card.
fn autocomplete(field: Field) -> &'static str {
    match field {
        Field::Number => "cc-number",
        Field::Expiry => "cc-exp",
        Field::Cvv => "cc-csc",
        Field::Holder => "cc-name",
    }
}

impl CardInput {
    /// Takes over `input`: sets the missing autofill and keyboard attributes, links a message
    /// element (`message`, or a new `<span class="cc-error">` right after the input).
    pub fn attach(
        doc: &Document,
        input: HtmlInputElement,
        field: Field,
        message: Option<Element>,
    ) -> Option<Self> {
        let mut added = Vec::new();
        let mut set_missing = |name: &'static str, value: &str| {
            if !input.has_attribute(name) && input.set_attribute(name, value).is_ok() {
                added.push(name);
            }
        };
        set_missing("autocomplete", autocomplete(field));
        if field != Field::Holder {
            // Numeric keypad on phones without type=number, whose spinners and lost leading
            // zeros do not suit card data (HTML "inputmode" attribute).
            set_missing("inputmode", "numeric");
        }
        set_missing("spellcheck", "false");
        set_missing(
            "autocapitalize",
            if field == Field::Holder {
                "characters"
            } else {
                "off"
            },
        );
        let message_created = message.is_none();
        let message = match message {
            Some(m) => m,
            None => {
                let span = super::element(doc, "span", "cc-error")?;
                span.set_id(&super::unique_id(&crate::js::cat(&[
                    "cc-",
                    field.name(),
                    "-error",
                ])));
                input.insert_adjacent_element("afterend", &span).ok()?;
                span
            }
        };
        if message.id().is_empty() {
            message.set_id(&super::unique_id(&crate::js::cat(&[
                "cc-",
                field.name(),
                "-error",
            ])));
        }
        // A polite live region: the message is read out when it appears, without interrupting
        // (WAI-ARIA 1.2 aria-live); it stays in the tree while empty so that additions are
        // announced.
        let _ = message.set_attribute("aria-live", "polite");
        let described_by = input.get_attribute("aria-describedby");
        let ids = match &described_by {
            Some(d) if d.split_whitespace().any(|t| t == message.id()) => d.clone(),
            Some(d) => crate::js::cat(&[d, " ", &message.id()]),
            None => message.id(),
        };
        let _ = input.set_attribute("aria-describedby", &ids);
        let _ = input.class_list().add_1("cc-field");
        Some(Self {
            input,
            message,
            message_created,
            added,
            described_by,
            last_look: None,
        })
    }

    /// The current text.
    pub fn value(&self) -> String {
        self.input.value()
    }

    /// Replaces the text (when it differs) and puts the caret where the formatter says, but
    /// only while the input has focus: moving the selection of an unfocused input would steal
    /// focus in some browsers.
    pub fn set_formatted(&self, value: &str, caret: u32, focused: bool) {
        if self.input.value() != value {
            self.input.set_value(value);
        }
        if focused {
            let _ = self.input.set_selection_range(caret, caret);
        }
    }

    /// The caret position (`selectionStart`), if the input has one.
    pub fn caret(&self) -> Option<u32> {
        self.input.selection_start().ok().flatten()
    }

    /// Whether the input is the focused element.
    pub fn has_focus(&self) -> bool {
        super::document()
            .and_then(|d| d.active_element())
            .is_some_and(|a| a == *self.input.unchecked_ref::<Element>())
    }

    /// Shows a state: classes, `data-cc-state`, `aria-invalid` and the message text.
    pub fn render(&mut self, view: FieldView, focused: bool, text: Option<&str>) {
        let classes = self.input.class_list();
        if self.last_look != Some(view.look) {
            for look in LOOKS {
                let _ = classes
                    .toggle_with_force(&crate::js::cat(&["cc-", look.name()]), look == view.look);
            }
            let _ = self.input.set_attribute("data-cc-state", view.look.name());
            let _ = self.input.set_attribute(
                "aria-invalid",
                if view.message.is_some() {
                    "true"
                } else {
                    "false"
                },
            );
            self.last_look = Some(view.look);
        }
        let _ = classes.toggle_with_force("cc-focused", focused);
        let text = text.unwrap_or("");
        if self.message.text_content().as_deref().unwrap_or("") != text {
            self.message.set_text_content(Some(text));
        }
    }

    /// `maxlength`, or none.
    pub fn set_max_length(&self, max: Option<u32>) {
        match max {
            Some(m) => {
                let _ = self
                    .input
                    .set_attribute("maxlength", &crate::js::decimal(m));
            }
            None => {
                let _ = self.input.remove_attribute("maxlength");
            }
        }
    }

    /// Sets an attribute, remembering to remove it on `detach` if it was not there.
    pub fn set_owned_attribute(&mut self, name: &'static str, value: &str) {
        if !self.added.contains(&name) && !self.input.has_attribute(name) {
            self.added.push(name);
        }
        let _ = self.input.set_attribute(name, value);
    }

    /// Empties the input.
    pub fn clear(&self) {
        self.input.set_value("");
    }

    /// Gives the input back as it was: classes, ARIA, added attributes, created message.
    pub fn detach(&mut self) {
        let classes = self.input.class_list();
        for look in LOOKS {
            let _ = classes.remove_1(&crate::js::cat(&["cc-", look.name()]));
        }
        let _ = classes.remove_1("cc-focused");
        let _ = classes.remove_1("cc-field");
        for name in ["data-cc-state", "aria-invalid", "maxlength"]
            .into_iter()
            .chain(self.added.drain(..))
        {
            let _ = self.input.remove_attribute(name);
        }
        match &self.described_by {
            Some(d) => {
                let _ = self.input.set_attribute("aria-describedby", d);
            }
            None => {
                let _ = self.input.remove_attribute("aria-describedby");
            }
        }
        if self.message_created {
            self.message.remove();
        } else {
            self.message.set_text_content(None);
        }
    }
}
