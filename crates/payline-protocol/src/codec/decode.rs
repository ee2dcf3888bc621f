//! Tolerant reading of an envelope into a tree of its body element, and the serde
//! `Deserializer` the messages are read with, straight from that tree.
//!
//! The reader parses the input once. What it keeps of the body is what the messages use:
//! elements by local name, their trimmed text, the `id` attribute as a child; nil and empty
//! elements are dropped as they close. Names and most texts are borrowed from the input.
//!
//! The deserializer maps the tree the way quick-xml's serde deserializer mapped the same body
//! written out as XML (which the codec used to do): a struct from an element's children
//! (unknown ones ignored, an element with only text gives no field), a value from an
//! element's text (an error if it has children), `Option` as `Some` for every present
//! element, a sequence field from every child of its name, wherever they stand among the
//! others, and line ends in text normalized once more (`\r\n` and `\r` to `\n`).

use core::cell::Cell;
use core::fmt;
use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;
use serde::de::{self, DeserializeSeed, Visitor};

use super::{MAX_DEPTH, MAX_MESSAGE_BYTES};
use crate::enums::Operation;
use crate::error::{DecodeError, Fault};

mod fast;

/// No node (end of a list of children).
const NONE: u32 = u32::MAX;

/// An element of the body, reduced to what the messages use.
struct Node<'a> {
    name: Cow<'a, str>,
    /// Text content, of which only the trimmed form is ever read. Once the element has a
    /// child, its text is no longer kept (only a Fault reads text beside children), and blank
    /// text before the first non-blank piece is dropped, so that most texts are one borrowed
    /// piece of the input.
    text: Cow<'a, str>,
    /// First and last child kept, and the next sibling: children are a linked list in
    /// document order. The `id` attribute (`functionParameter/@id`, the only attribute
    /// Payline's objects declare) is a child too, first, so that whether an element is empty
    /// depends on its content alone; every other attribute (`xmlns`, `xsi:type`, unknown
    /// ones) is dropped.
    first: u32,
    last: u32,
    next: u32,
    nil: bool,
    /// Taken by the deserializer: read as a field, or as an item of a sequence field.
    taken: Cell<bool>,
}

impl<'a> Node<'a> {
    fn new(name: Cow<'a, str>) -> Self {
        Node {
            name,
            text: Cow::Borrowed(""),
            first: NONE,
            last: NONE,
            next: NONE,
            nil: false,
            taken: Cell::new(false),
        }
    }

    /// Absent in Payline's sense: `xsi:nil="true"`, or neither child nor non-blank text.
    fn is_absent(&self) -> bool {
        self.nil || (self.first == NONE && self.text.trim().is_empty())
    }
}

/// The body element of an envelope.
pub(super) struct Body<'a> {
    nodes: Vec<Node<'a>>,
    payload: u32,
}

impl<'a> Body<'a> {
    /// The body element's local name.
    pub(super) fn name(&self) -> &str {
        self.node(self.payload).map_or("", |n| &n.name)
    }

    fn node(&self, i: u32) -> Option<&Node<'a>> {
        self.nodes.get(i as usize)
    }

    pub(super) fn expect(&self, operation: Operation, suffix: &str) -> Result<(), DecodeError> {
        let name = self.name();
        if name.strip_suffix(suffix) == Some(operation.name()) {
            Ok(())
        } else {
            let mut expected = operation.name().to_owned();
            expected.push_str(suffix);
            Err(DecodeError::UnexpectedElement {
                expected,
                found: truncate(name),
            })
        }
    }

    /// The body element as a serde deserializer.
    pub(super) fn deserializer(&self) -> Value<'_, 'a> {
        Value {
            body: self,
            node: self.payload,
            field: false,
        }
    }

    pub(super) fn deserialize<T: de::Deserialize<'a>>(&self) -> Result<T, DecodeError> {
        T::deserialize(self.deserializer()).map_err(de_error)
    }

    /// The children of `node`, with their indices.
    fn children(&self, node: u32) -> impl Iterator<Item = (u32, &Node<'a>)> {
        let mut at = self.node(node).map_or(NONE, |n| n.first);
        core::iter::from_fn(move || {
            let i = at;
            let n = self.node(i)?;
            at = n.next;
            Some((i, n))
        })
    }
}

pub(super) fn de_error(e: Error) -> DecodeError {
    DecodeError::Invalid(e.0)
}

pub(super) fn truncate(s: &str) -> String {
    s.chars().take(64).collect()
}

fn malformed(reader: &Reader<&[u8]>, reason: &'static str) -> DecodeError {
    DecodeError::Malformed {
        position: reader.buffer_position(),
        reason,
    }
}

fn xml_error(reader: &Reader<&[u8]>, e: &quick_xml::Error) -> DecodeError {
    use quick_xml::Error as E;
    let reason = match e {
        E::Io(_) => "read error",
        E::Syntax(_) => "syntax error",
        E::IllFormed(_) => "ill-formed document",
        E::InvalidAttr(_) => "invalid attribute",
        E::Encoding(_) => "invalid encoding",
        E::Escape(_) => "invalid character or entity reference",
        E::Namespace(_) => "invalid namespace",
    };
    malformed(reader, reason)
}

fn local(qname: &[u8]) -> &[u8] {
    match qname.iter().position(|&b| b == b':') {
        Some(i) => qname.get(i + 1..).unwrap_or_default(),
        None => qname,
    }
}

fn utf8<'b>(reader: &Reader<&[u8]>, b: &'b [u8]) -> Result<&'b str, DecodeError> {
    core::str::from_utf8(b).map_err(|_| malformed(reader, "invalid UTF-8"))
}

/// `part`, text the reader handed out, as text of `input` (with the input's lifetime) when it
/// lies there, which is how the reader over a `&str` hands out names and values; a copy
/// otherwise.
fn borrowed<'a>(input: &'a str, part: &str) -> Cow<'a, str> {
    let start = (part.as_ptr() as usize).wrapping_sub(input.as_ptr() as usize);
    match input.get(start..start.wrapping_add(part.len())) {
        Some(s) if s.as_ptr() == part.as_ptr() => Cow::Borrowed(s),
        _ => Cow::Owned(part.to_owned()),
    }
}

/// The tree being built: the nodes and the open payload elements (depth ≥ 2).
struct Builder<'a> {
    input: &'a str,
    nodes: Vec<Node<'a>>,
    stack: [u32; MAX_DEPTH],
    open: usize,
    payload: Option<u32>,
    /// Whether the payload is a Fault, whose text beside children is read.
    fault: bool,
}

impl<'a> Builder<'a> {
    fn new(input: &'a str) -> Self {
        Builder {
            input,
            // About one element per 40 bytes of a typical message.
            nodes: Vec::with_capacity(input.len() / 40 + 4),
            stack: [NONE; MAX_DEPTH],
            open: 0,
            payload: None,
            fault: false,
        }
    }

    fn top(&self) -> Option<u32> {
        self.open
            .checked_sub(1)
            .and_then(|i| self.stack.get(i))
            .copied()
    }

    fn push_node(&mut self, node: Node<'a>) -> u32 {
        // MAX_MESSAGE_BYTES bounds the number of elements far below u32::MAX.
        let i = self.nodes.len() as u32;
        self.nodes.push(node);
        i
    }

    /// Links `child` under `parent`, or makes it the payload when there is no parent.
    fn close(&mut self, parent: Option<u32>, child: u32) {
        let Some(parent) = parent else {
            self.payload = Some(child);
            return;
        };
        if self.nodes.get(child as usize).is_none_or(Node::is_absent) {
            return;
        }
        let last = match self.nodes.get_mut(parent as usize) {
            Some(p) => {
                let last = p.last;
                p.last = child;
                if last == NONE {
                    p.first = child;
                }
                last
            }
            None => return,
        };
        if let Some(l) = self.nodes.get_mut(last as usize) {
            l.next = child;
        }
    }

    /// Whether text given to the open element `node` is kept.
    fn keeps_text(&self, node: u32) -> bool {
        self.fault
            || self
                .nodes
                .get(node as usize)
                .is_some_and(|n| n.first == NONE)
    }

    /// Appends text to the open element `node`.
    fn text(&mut self, node: u32, piece: Cow<'a, str>) {
        if !self.keeps_text(node) {
            return;
        }
        let Some(n) = self.nodes.get_mut(node as usize) else {
            return;
        };
        // Only the trimmed text is ever read, and blank text before it trims away.
        if n.text.trim().is_empty() {
            n.text = piece;
        } else {
            n.text.to_mut().push_str(&piece);
        }
    }

    /// Opens a payload element, its attributes read by quick-xml.
    fn open(&mut self, reader: &Reader<&[u8]>, e: &BytesStart<'_>) -> Result<u32, DecodeError> {
        let qname = e.name();
        let name = utf8(reader, local(qname.as_ref()))?;
        let name = borrowed(self.input, name);
        let mut nil = false;
        let mut id = None;
        for attr in e.attributes() {
            let attr = attr.map_err(|_| malformed(reader, "invalid attribute"))?;
            let key = attr.key.as_ref();
            if key == b"xmlns" || key.starts_with(b"xmlns:") {
                continue;
            }
            if local(key) == b"nil" && key.contains(&b':') {
                let v = attr
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(|e| xml_error(reader, &e))?;
                nil = matches!(v.trim(), "true" | "1");
            } else if key == b"id" {
                // The reader rejects a repeated attribute, so there is one `id` at most.
                let v = attr
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(|e| xml_error(reader, &e))?;
                id = Some(match v {
                    Cow::Borrowed(v) => borrowed(self.input, v),
                    Cow::Owned(v) => Cow::Owned(v),
                });
            }
        }
        Ok(self.element(name, nil, id))
    }

    /// Opens a payload element: its node, with its `id` attribute as a child.
    fn element(&mut self, name: Cow<'a, str>, nil: bool, id: Option<Cow<'a, str>>) -> u32 {
        if self.payload.is_none() && self.open == 0 {
            self.fault = name == "Fault";
        }
        let mut node = Node::new(name);
        node.nil = nil;
        let i = self.push_node(node);
        if let Some(id) = id {
            let mut attribute = Node::new(Cow::Borrowed("id"));
            attribute.text = id;
            let a = self.push_node(attribute);
            self.close(Some(i), a);
        }
        i
    }
}

/// Reads the envelope and returns its first body element.
pub(super) fn read_body(xml: &str) -> Result<Body<'_>, DecodeError> {
    if xml.len() > MAX_MESSAGE_BYTES {
        return Err(DecodeError::TooLarge {
            actual: xml.len(),
            limit: MAX_MESSAGE_BYTES,
        });
    }
    let body = match fast::read(xml) {
        Some(body) => body,
        None => read_with_quick_xml(xml)?,
    };
    if body.name() == "Fault" {
        return Err(DecodeError::Fault(fault(&body)));
    }
    Ok(body)
}

/// The reader for every input: quick-xml's, whose errors (kind and position) the codec
/// reports.
fn read_with_quick_xml(xml: &str) -> Result<Body<'_>, DecodeError> {
    let mut reader = Reader::from_str(xml);
    // Element path from the root: [Envelope, Body, payload, …]. The builder's stack holds
    // the open payload elements (depth ≥ 2).
    let mut path_len = 0usize;
    let mut in_body = false;
    let mut seen_root = false;
    let mut b = Builder::new(xml);

    loop {
        let event = reader.read_event().map_err(|e| xml_error(&reader, &e))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_empty = matches!(event, Event::Empty(_));
                let qname = e.name();
                let name = local(qname.as_ref());
                match path_len {
                    0 => {
                        if seen_root {
                            return Err(malformed(&reader, "more than one root element"));
                        }
                        seen_root = true;
                        if name != b"Envelope" {
                            return Err(DecodeError::NotSoap("the root element is not Envelope"));
                        }
                    }
                    1 => in_body = name == b"Body",
                    _ if in_body && b.payload.is_none() => {
                        if path_len + 1 > MAX_DEPTH {
                            return Err(DecodeError::TooDeep(MAX_DEPTH));
                        }
                        let node = b.open(&reader, e)?;
                        if is_empty {
                            b.close(b.top(), node);
                        } else if let Some(slot) = b.stack.get_mut(b.open) {
                            *slot = node;
                            b.open += 1;
                        }
                    }
                    // Headers, or elements after the payload: only checked for nesting depth.
                    _ if path_len + 1 > MAX_DEPTH => return Err(DecodeError::TooDeep(MAX_DEPTH)),
                    _ => {}
                }
                if !is_empty {
                    path_len += 1;
                }
            }
            Event::End(_) => {
                path_len = path_len.saturating_sub(1);
                if path_len == 1 {
                    in_body = false;
                }
                if path_len >= 2
                    && let Some(node) = b.top()
                {
                    b.open -= 1;
                    b.close(b.top(), node);
                }
            }
            Event::Text(ref t) => {
                if let Some(top) = b.top() {
                    let text = t
                        .xml10_content()
                        .map_err(|_| malformed(&reader, "invalid encoding"))?;
                    b.text(top, text);
                } else if path_len == 0 && !t.iter().all(u8::is_ascii_whitespace) {
                    return Err(malformed(&reader, "text outside the root element"));
                }
            }
            Event::CData(ref t) => {
                if let Some(top) = b.top() {
                    let text = t
                        .decode()
                        .map_err(|_| malformed(&reader, "invalid UTF-8"))?;
                    b.text(top, text);
                }
            }
            Event::GeneralRef(ref r) => {
                let c = match r.resolve_char_ref().map_err(|e| xml_error(&reader, &e))? {
                    Some(c) => c,
                    None => match r.as_ref() {
                        b"amp" => '&',
                        b"lt" => '<',
                        b"gt" => '>',
                        b"quot" => '"',
                        b"apos" => '\'',
                        _ => return Err(malformed(&reader, "unknown entity reference")),
                    },
                };
                if let Some(top) = b.top() {
                    b.text(top, Cow::Owned(String::from(c)));
                }
            }
            // Entity declarations could expand without bound; SOAP forbids a DTD (SOAP 1.1 §3).
            Event::DocType(_) => {
                return Err(malformed(&reader, "DTD not allowed in SOAP messages"));
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    if !seen_root {
        return Err(DecodeError::NotSoap("no root element"));
    }
    if path_len != 0 || b.open != 0 {
        return Err(malformed(&reader, "truncated document"));
    }
    let payload = b
        .payload
        .ok_or(DecodeError::NotSoap("the Body holds no element"))?;
    Ok(Body {
        nodes: b.nodes,
        payload,
    })
}

fn fault(body: &Body<'_>) -> Fault {
    let child = |name: &str| {
        body.children(body.payload)
            .find(|(_, c)| c.name == name)
            .map(|(i, c)| {
                if c.first == NONE {
                    c.text.trim().to_owned()
                } else {
                    flatten_text(body, i)
                }
            })
    };
    Fault {
        code: child("faultcode").unwrap_or_default(),
        string: child("faultstring").unwrap_or_default(),
        actor: child("faultactor"),
        detail: child("detail"),
    }
}

fn flatten_text(body: &Body<'_>, node: u32) -> String {
    let mut out = body
        .node(node)
        .map_or(String::new(), |n| n.text.trim().to_owned());
    for (i, _) in body.children(node) {
        let t = flatten_text(body, i);
        if !t.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&t);
        }
    }
    out
}

/// A deserialization error: the message as serde or the value type words it.
#[derive(Debug)]
pub(super) struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

/// The error quick-xml gave for an element where text was expected, with the same words.
fn unexpected_start(name: &str) -> Error {
    let mut s = String::from("unexpected `Event::Start(\"");
    for b in name.bytes() {
        match b {
            32..=33 | 35..=126 => s.push(char::from(b)),
            34 => s.push_str("\\\""),
            _ => s.push_str(&format!("{b:#02X}")),
        }
    }
    s.push_str("\")`");
    Error(s)
}

/// Text of a value: borrowed from the input, from the tree, or made here.
enum Text<'t, 'a> {
    Input(&'a str),
    Tree(&'t str),
    Made(String),
}

impl Text<'_, '_> {
    fn as_str(&self) -> &str {
        match self {
            Text::Input(s) | Text::Tree(s) => s,
            Text::Made(s) => s,
        }
    }
}

/// `\r\n` and lone `\r` as `\n` (XML 1.0 §2.11): a `\r` in the tree's text came from a
/// character reference or CDATA, and the body written out as XML lost it when read again.
fn normalize_eols(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

/// An element of the body as a serde deserializer.
#[derive(Clone, Copy)]
pub(super) struct Value<'t, 'a> {
    body: &'t Body<'a>,
    node: u32,
    /// A field of a struct, which as a sequence is every child of its name.
    field: bool,
}

impl<'t, 'a> Value<'t, 'a> {
    fn element(&self) -> Result<&'t Node<'a>, Error> {
        self.body
            .node(self.node)
            .ok_or_else(|| Error("no such element".to_owned()))
    }

    /// The element's text: trimmed, line ends normalized; an error if it has children.
    fn text(&self) -> Result<Text<'t, 'a>, Error> {
        let node = self.element()?;
        if let Some(child) = self.body.node(node.first) {
            return Err(unexpected_start(&child.name));
        }
        let text = match node.text {
            Cow::Borrowed(s) => Text::Input(s.trim()),
            Cow::Owned(ref s) => Text::Tree(s.trim()),
        };
        if text.as_str().contains('\r') {
            return Ok(Text::Made(normalize_eols(text.as_str())));
        }
        Ok(text)
    }

    fn visit_text<V: Visitor<'a>>(&self, visitor: V) -> Result<V::Value, Error> {
        match self.text()? {
            Text::Input(s) => visitor.visit_borrowed_str(s),
            Text::Tree(s) => visitor.visit_str(s),
            Text::Made(s) => visitor.visit_string(s),
        }
    }
}

/// Numbers and booleans: parsed from the text, or the text itself handed to the visitor when
/// it does not parse (so the error names what was found, as before).
macro_rules! parsed {
    ($($method:ident => $visit:ident,)*) => {
        $(
            fn $method<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
                match self.text()?.as_str().parse() {
                    Ok(v) => visitor.$visit(v),
                    Err(_) => self.visit_text(visitor),
                }
            }
        )*
    };
}

impl<'a> de::Deserializer<'a> for Value<'_, 'a> {
    type Error = Error;

    parsed! {
        deserialize_i8 => visit_i8,
        deserialize_i16 => visit_i16,
        deserialize_i32 => visit_i32,
        deserialize_i64 => visit_i64,
        deserialize_u8 => visit_u8,
        deserialize_u16 => visit_u16,
        deserialize_u32 => visit_u32,
        deserialize_u64 => visit_u64,
        deserialize_f32 => visit_f32,
        deserialize_f64 => visit_f64,
        deserialize_char => visit_char,
    }

    fn deserialize_bool<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.text()?.as_str() {
            "true" | "1" => visitor.visit_bool(true),
            "false" | "0" => visitor.visit_bool(false),
            _ => self.visit_text(visitor),
        }
    }

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_str<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        self.visit_text(visitor)
    }

    fn deserialize_string<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        self.visit_text(visitor)
    }

    fn deserialize_bytes<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    /// Every element in the tree is present: nil and empty ones were dropped.
    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_unit<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'a>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    /// A sequence field: this element and every later sibling of its name not yet read.
    fn deserialize_seq<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        if !self.field {
            return Err(Error(
                "a sequence is only supported as a struct field".to_owned(),
            ));
        }
        let name = &self.element()?.name;
        visitor.visit_seq(Items {
            body: self.body,
            name,
            first: true,
            at: self.node,
        })
    }

    fn deserialize_tuple<V: Visitor<'a>>(self, _: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_map(Fields {
            body: self.body,
            next: self.element()?.first,
            current: NONE,
        })
    }

    fn deserialize_struct<V: Visitor<'a>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'a>>(
        self,
        name: &'static str,
        _: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Error> {
        Err(Error(format!("enum {name} is not supported")))
    }

    fn deserialize_identifier<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        self.visit_text(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

/// The children of an element as the fields of a struct, in document order, skipping those a
/// sequence field has already taken.
struct Fields<'t, 'a> {
    body: &'t Body<'a>,
    next: u32,
    current: u32,
}

impl<'t, 'a> de::MapAccess<'a> for Fields<'t, 'a> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        while let Some(node) = self.body.node(self.next) {
            let at = self.next;
            self.next = node.next;
            if node.taken.replace(true) {
                continue;
            }
            self.current = at;
            let key = match node.name {
                Cow::Borrowed(s) => {
                    seed.deserialize(de::value::BorrowedStrDeserializer::<Error>::new(s))?
                }
                Cow::Owned(ref s) => {
                    seed.deserialize(de::value::StrDeserializer::<Error>::new(s))?
                }
            };
            return Ok(Some(key));
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value, Error> {
        seed.deserialize(Value {
            body: self.body,
            node: self.current,
            field: true,
        })
    }
}

/// The items of a sequence field: the field's element, then its later siblings of the same
/// name, each taken so that the struct does not read it again.
struct Items<'t, 'a> {
    body: &'t Body<'a>,
    name: &'t str,
    first: bool,
    at: u32,
}

impl<'t, 'a> de::SeqAccess<'a> for Items<'t, 'a> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'a>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        while let Some(node) = self.body.node(self.at) {
            let at = self.at;
            self.at = node.next;
            let first = core::mem::replace(&mut self.first, false);
            if node.name != self.name || (!first && node.taken.replace(true)) {
                continue;
            }
            return seed
                .deserialize(Value {
                    body: self.body,
                    node: at,
                    field: false,
                })
                .map(Some);
        }
        Ok(None)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    /// The tree below `node`, as text.
    fn dump(body: &Body<'_>, node: u32, out: &mut String) {
        let n = body.node(node).unwrap();
        out.push_str(&format!(
            "<{} nil={} text={:?}>",
            n.name,
            n.nil,
            n.text.trim()
        ));
        for (i, _) in body.children(node) {
            dump(body, i, out);
        }
        out.push_str("</>");
    }

    fn tree(body: &Body<'_>) -> String {
        let mut out = String::new();
        dump(body, body.payload, &mut out);
        out
    }

    /// The fast reader takes every fixture, and builds the tree quick-xml's reader builds.
    #[test]
    fn fast_reader_builds_the_same_tree() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut count = 0;
        for dir in std::fs::read_dir(&root).unwrap() {
            let dir = dir.unwrap().path();
            if !dir.is_dir() {
                continue;
            }
            for file in std::fs::read_dir(&dir).unwrap() {
                let file = file.unwrap().path();
                let xml = std::fs::read_to_string(&file).unwrap();
                let fast = fast::read(&xml)
                    .unwrap_or_else(|| panic!("{}: not read by the fast reader", file.display()));
                let slow = read_with_quick_xml(&xml).unwrap();
                assert_eq!(tree(&fast), tree(&slow), "{}", file.display());
                count += 1;
            }
        }
        assert!(count > 80);
    }

    /// What the fast reader leaves to quick-xml's reader.
    #[test]
    fn fast_reader_gives_up_outside_its_subset() {
        let body = "<S:Body><a>1</a></S:Body>";
        let ok = format!("<S:Envelope xmlns:S='x'>{body}</S:Envelope>");
        assert!(fast::read(&ok).is_some());
        for xml in [
            format!("<!DOCTYPE x><S:Envelope>{body}</S:Envelope>"),
            format!(" <?xml version='1.0'?><S:Envelope>{body}</S:Envelope>"),
            format!("<S:Envelope>{body}</S:Envelope >"),
            format!("<S:Envelope a='1'b='2'>{body}</S:Envelope>"),
            format!("<S:Envelope a='1' a='2'>{body}</S:Envelope>"),
            format!("<S:Envelope a='&amp;'>{body}</S:Envelope>"),
            format!("<S:Envelope a = '1'>{body}</S:Envelope>"),
            format!("<S:Envelope><!-- a -- b -->{body}</S:Envelope>"),
            format!("<S:Envelope><!-->{body}-->{body}</S:Envelope>"),
            format!("<S:Envelope>&bogus;{body}</S:Envelope>"),
            format!("<S:Envelope>&#X41;{body}</S:Envelope>"),
            format!("<S:Envelope>&#0;{body}</S:Envelope>"),
            format!("<S:Envelope>{body}</S:Envelope>x"),
            format!("<S:Envelope>{body}</S:Envelope><S:Envelope/>"),
            format!("<S:Envelope>{body}"),
            format!("<S:Envelope><é/>{body}</S:Envelope>"),
            "<S:Envelope><S:Body/></S:Envelope>".to_owned(),
            "<Other><S:Body><a>1</a></S:Body></Other>".to_owned(),
        ] {
            assert!(fast::read(&xml).is_none(), "{xml}");
        }
    }
}
