//! Iframes for 3-D Secure: the hidden 3DS Method frame and the challenge dialog, plus the
//! POST of the gateway's fields into a frame (or the top window, in redirect mode).

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlFormElement, HtmlIFrameElement};

use super::listener::EventListener;

/// Posts `fields` to `action` in the browsing context named `target` (`_top` for a full-page
/// redirect) with a temporary form: the gateway expects a form POST (EMV 3DS CReq, 3DS Method
/// and 3-D Secure 1 PaReq are all `application/x-www-form-urlencoded`).
pub fn post_form(
    doc: &Document,
    action: &str,
    target: &str,
    fields: &[(String, String)],
) -> Option<()> {
    let form: HtmlFormElement = super::element(doc, "form", "cc-post")?.dyn_into().ok()?;
    form.set_method("post");
    form.set_action(action);
    form.set_target(target);
    form.set_attribute("hidden", "").ok()?;
    for (name, value) in fields {
        let input = doc.create_element("input").ok()?;
        input.set_attribute("type", "hidden").ok()?;
        input.set_attribute("name", name).ok()?;
        input.set_attribute("value", value).ok()?;
        form.append_child(&input).ok()?;
    }
    doc.body()?.append_child(&form).ok()?;
    let sent = form.submit();
    form.remove();
    sent.ok()
}

fn iframe(doc: &Document, class: &str, title: &str) -> Option<HtmlIFrameElement> {
    let frame: HtmlIFrameElement = super::element(doc, "iframe", class)?.dyn_into().ok()?;
    frame.set_name(&super::unique_id("cc-frame"));
    frame.set_title(title);
    Some(frame)
}

/// The hidden iframe of the 3DS Method (EMV 3DS: the ACS fingerprints the browser there).
/// Removed on drop.
#[derive(Debug)]
pub struct HiddenFrame {
    /// The iframe.
    pub frame: HtmlIFrameElement,
}

impl HiddenFrame {
    /// Appends a hidden iframe to the body.
    pub fn new(doc: &Document, title: &str) -> Option<Self> {
        let frame = iframe(doc, "cc-method-frame", title)?;
        frame.set_attribute("hidden", "").ok()?;
        // Kept out of the tab order and the accessibility tree: nothing to see there.
        frame.set_attribute("tabindex", "-1").ok()?;
        frame.set_attribute("aria-hidden", "true").ok()?;
        doc.body()?.append_child(&frame).ok()?;
        Some(Self { frame })
    }
}

impl Drop for HiddenFrame {
    fn drop(&mut self) {
        self.frame.remove();
    }
}

/// The challenge dialog: a labelled modal (WAI-ARIA APG "Dialog (Modal)") holding the bank's
/// page in an iframe, a processing message until it has loaded, and a Cancel button. The rest
/// of the page is made `inert` while it is open, which keeps focus and assistive technology
/// inside; focus returns where it was when it closes (on drop).
#[derive(Debug)]
pub struct ChallengeDialog {
    /// The dialog element.
    pub root: Element,
    /// The bank's iframe.
    pub frame: HtmlIFrameElement,
    /// The Cancel button.
    pub cancel: Element,
    /// The processing message.
    pub status: Element,
    inerted: Vec<Element>,
    previous_focus: Option<Element>,
    _trap: Option<EventListener>,
}

/// Texts of the dialog, in the buyer's language.
#[derive(Debug, Clone, Copy)]
pub struct DialogTexts<'a> {
    /// Heading, also the dialog's accessible name.
    pub title: &'a str,
    /// Processing message.
    pub loading: &'a str,
    /// Cancel button.
    pub cancel: &'a str,
    /// Iframe title.
    pub frame: &'a str,
}

impl ChallengeDialog {
    /// Opens the dialog; `size` is the EMV challenge window size (`01`–`05`), given to CSS as
    /// the class `cc-size-<size>`.
    pub fn open(doc: &Document, texts: DialogTexts<'_>, size: &str) -> Option<Self> {
        let body = doc.body()?;
        let root = super::element(doc, "div", "cc-challenge")?;
        let title_id = super::unique_id("cc-challenge-title");
        let status_id = super::unique_id("cc-challenge-status");
        root.set_attribute("role", "dialog").ok()?;
        root.set_attribute("aria-modal", "true").ok()?;
        root.set_attribute("aria-labelledby", &title_id).ok()?;
        root.set_attribute("aria-describedby", &status_id).ok()?;
        let bx = super::element(
            doc,
            "div",
            &crate::js::cat(&["cc-challenge-box cc-size-", size]),
        )?;
        let title = super::element(doc, "h2", "cc-challenge-title")?;
        title.set_id(&title_id);
        title.set_attribute("tabindex", "-1").ok()?;
        title.set_text_content(Some(texts.title));
        let status = super::element(doc, "p", "cc-challenge-status")?;
        status.set_id(&status_id);
        status.set_attribute("role", "status").ok()?;
        status.set_text_content(Some(texts.loading));
        let frame = iframe(doc, "cc-challenge-frame", texts.frame)?;
        // Shown once the bank's page has loaded; until then the processing message stands.
        frame.set_attribute("hidden", "").ok()?;
        let cancel = super::element(doc, "button", "cc-challenge-cancel")?;
        cancel.set_attribute("type", "button").ok()?;
        cancel.set_text_content(Some(texts.cancel));
        for child in [&title, &status, frame.unchecked_ref::<Element>(), &cancel] {
            bx.append_child(child).ok()?;
        }
        root.append_child(&bx).ok()?;
        let previous_focus = doc.active_element();
        // Everything else becomes inert (HTML "inert" attribute): not focusable, not clickable,
        // hidden from assistive technology, so focus stays in the dialog.
        let mut inerted = Vec::new();
        let children = body.children();
        for i in 0..children.length() {
            if let Some(c) = children.item(i)
                && !c.has_attribute("inert")
                && c.set_attribute("inert", "").is_ok()
            {
                inerted.push(c);
            }
        }
        body.append_child(&root).ok()?;
        // Belt and braces for browsers without `inert`: focus landing outside goes back in.
        let trap_root = root.clone();
        let trap_title = title.clone();
        let trap = EventListener::with_capture(doc, "focusin", true, move |e| {
            let inside = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
                .is_some_and(|n| trap_root.contains(Some(&n)));
            if !inside {
                super::focus(&trap_title);
            }
        });
        super::focus(&title);
        Some(Self {
            root,
            frame,
            cancel,
            status,
            inerted,
            previous_focus,
            _trap: Some(trap),
        })
    }

    /// The bank's page has loaded: show it instead of the processing message.
    pub fn show_frame(frame: &HtmlIFrameElement, status: &Element) {
        let _ = frame.remove_attribute("hidden");
        status.set_text_content(None);
        let _ = status.set_attribute("hidden", "");
    }
}

impl Drop for ChallengeDialog {
    fn drop(&mut self) {
        self._trap = None;
        self.root.remove();
        for el in self.inerted.drain(..) {
            let _ = el.remove_attribute("inert");
        }
        if let Some(f) = self.previous_focus.take() {
            super::focus(&f);
        }
    }
}
