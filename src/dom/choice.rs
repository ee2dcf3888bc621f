//! The co-badge brand choice: a radio group with visible labels in a `<fieldset>` with a
//! `<legend>` (WAI-ARIA APG radio group; native radios are keyboard operable with the arrow
//! keys). Hidden (`hidden` attribute) unless the number is co-badged.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlInputElement};

use crate::form::BrandInfo;

/// The radio group.
#[derive(Debug)]
pub struct BrandChoice {
    /// The `<fieldset>`.
    pub root: Element,
    options: Element,
    name: String,
    shown: Vec<String>,
}

impl BrandChoice {
    /// Creates the group right after `after` (the number's message), or inside `container`.
    pub fn new(
        doc: &Document,
        after: &Element,
        container: Option<Element>,
        legend: &str,
    ) -> Option<Self> {
        let root = super::element(doc, "fieldset", "cc-brand-choice")?;
        root.set_attribute("hidden", "").ok()?;
        let legend_el = super::element(doc, "legend", "cc-brand-choice-legend")?;
        legend_el.set_text_content(Some(legend));
        root.append_child(&legend_el).ok()?;
        let options = super::element(doc, "div", "cc-brand-choice-options")?;
        root.append_child(&options).ok()?;
        match container {
            Some(c) => {
                c.append_child(&root).ok()?;
            }
            None => {
                after.insert_adjacent_element("afterend", &root).ok()?;
            }
        }
        Some(Self {
            root,
            options,
            name: super::unique_id("cc-brand"),
            shown: Vec::new(),
        })
    }

    /// Shows `brands` (when `visible`) with `chosen` checked.
    pub fn render(
        &mut self,
        doc: &Document,
        brands: &[BrandInfo],
        chosen: Option<&str>,
        visible: bool,
    ) {
        let mut wanted: Vec<String> = Vec::new();
        if visible {
            for b in brands {
                wanted.push(b.payline_type.clone());
            }
        }
        if wanted != self.shown {
            self.options.set_text_content(None);
            for b in brands.iter().filter(|_| visible) {
                let (Some(label), Ok(radio)) = (
                    super::element(doc, "label", "cc-brand-option"),
                    doc.create_element("input"),
                ) else {
                    continue;
                };
                let _ = radio.set_attribute("type", "radio");
                let _ = radio.set_attribute("name", &self.name);
                let _ = radio.set_attribute("value", &b.payline_type);
                let _ = label.append_child(&radio);
                let _ = label.append_with_str_1(&crate::js::cat(&[" ", &b.name]));
                let _ = self.options.append_child(&label);
            }
            self.shown = wanted;
        }
        if visible {
            let _ = self.root.remove_attribute("hidden");
        } else {
            let _ = self.root.set_attribute("hidden", "");
        }
        let radios = self.options.get_elements_by_tag_name("input");
        for i in 0..radios.length() {
            if let Some(r) = radios
                .item(i)
                .and_then(|r| r.dyn_into::<HtmlInputElement>().ok())
            {
                r.set_checked(Some(r.value().as_str()) == chosen);
            }
        }
    }

    /// Removes the group.
    pub fn remove(&self) {
        self.root.remove();
    }
}
