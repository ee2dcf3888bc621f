//! The codec as it was before it became one pass each way: serde through quick-xml over a
//! normalized body, and a second pass adding the namespace prefixes. Kept for the tests only,
//! as the reference the one-pass codec must agree with, byte for byte and error for error.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::reader::Reader;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{IMPL_NS, MAX_DEPTH, MAX_MESSAGE_BYTES, OBJ_NS, SOAP_ENV_NS, XSI_NS, check_chars};
use crate::enums::Operation;
use crate::error::{DecodeError, EncodeError, Fault};
use crate::messages::{AnyRequest, AnyResponse, Request, Response, ResponseVisitor};

fn se_error(e: quick_xml::SeError) -> EncodeError {
    EncodeError::Serializer(e.to_string())
}

fn into_string(bytes: Vec<u8>) -> Result<String, EncodeError> {
    String::from_utf8(bytes).map_err(|e| EncodeError::Serializer(e.to_string()))
}

pub(super) fn encode_body<T: Serialize>(
    operation: Operation,
    value: &T,
    suffix: &str,
) -> Result<String, EncodeError> {
    let mut root = String::new();
    root.push_str(operation.name());
    root.push_str(suffix);
    // Formerly `wire::to_body`.
    let body = quick_xml::se::to_string_with_root(&root, value).map_err(se_error)?;
    wrap(&body)
}

pub(super) fn encode_request<R: Request>(request: &R) -> Result<String, EncodeError> {
    encode_body(R::OPERATION, request, "Request")
}

pub(super) fn encode_response<T: Response>(response: &T) -> Result<String, EncodeError> {
    encode_body(T::OPERATION, response, "Response")
}

pub(super) fn encode_any_response(response: &AnyResponse) -> Result<String, EncodeError> {
    struct Encode;
    impl ResponseVisitor for Encode {
        type Output = Result<String, EncodeError>;
        fn visit<T: Response>(self, response: &T) -> Self::Output {
            encode_response(response)
        }
    }
    response.visit(Encode)
}

pub(super) fn decode_as<T: DeserializeOwned>(
    xml: &str,
    operation: Operation,
    suffix: &str,
) -> Result<T, DecodeError> {
    let body = read_body(xml)?;
    body.expect(operation, suffix)?;
    body.deserialize()
}

pub(super) fn decode_any_request(xml: &str) -> Result<AnyRequest, DecodeError> {
    let body = read_body(xml)?;
    let operation = body
        .name
        .strip_suffix("Request")
        .and_then(Operation::from_name)
        .ok_or_else(|| DecodeError::UnsupportedOperation(truncate(&body.name)))?;
    let mut de = quick_xml::de::Deserializer::from_str(&body.normalized);
    AnyRequest::decode_body(operation, &mut de)
        .ok_or_else(|| DecodeError::UnsupportedOperation(truncate(&body.name)))?
        .map_err(de_error)
}

pub(super) fn response_result_code(xml: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Code {
        code: String,
    }
    #[derive(serde::Deserialize)]
    struct WithResult {
        result: Code,
    }
    let body = read_body(xml).ok()?;
    if !body.name.ends_with("Response") {
        return None;
    }
    body.deserialize::<WithResult>()
        .ok()
        .map(|r| r.result.code.trim().to_owned())
}

/// An element of the body, reduced to what the messages use.
#[derive(Default)]
struct Node {
    name: String,
    /// Child elements. The `id` attribute (`functionParameter/@id`, the only attribute Payline's
    /// objects declare) becomes a child too, so that whether an element is empty depends on its
    /// content alone; every other attribute (`xmlns`, `xsi:type`, unknown ones) is dropped.
    children: Vec<Node>,
    text: String,
    nil: bool,
}

impl Node {
    /// Absent in Payline's sense: `xsi:nil="true"`, or neither child nor non-blank text.
    fn is_absent(&self) -> bool {
        self.nil || (self.children.is_empty() && self.text.trim().is_empty())
    }
}

/// The body element of an envelope: its local name and its normalized XML.
pub(super) struct Body {
    pub(super) name: String,
    pub(super) normalized: String,
}

impl Body {
    pub(super) fn expect(&self, operation: Operation, suffix: &str) -> Result<(), DecodeError> {
        let matches = self.name.strip_suffix(suffix) == Some(operation.name());
        if matches {
            Ok(())
        } else {
            let mut expected = operation.name().to_owned();
            expected.push_str(suffix);
            Err(DecodeError::UnexpectedElement {
                expected,
                found: truncate(&self.name),
            })
        }
    }

    pub(super) fn deserialize<T: DeserializeOwned>(&self) -> Result<T, DecodeError> {
        quick_xml::de::from_str(&self.normalized).map_err(de_error)
    }
}

pub(super) fn de_error(e: quick_xml::DeError) -> DecodeError {
    DecodeError::Invalid(e.to_string())
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

fn utf8<'a>(reader: &Reader<&[u8]>, b: &'a [u8]) -> Result<&'a str, DecodeError> {
    core::str::from_utf8(b).map_err(|_| malformed(reader, "invalid UTF-8"))
}

fn open(reader: &Reader<&[u8]>, e: &BytesStart<'_>) -> Result<Node, DecodeError> {
    let mut node = Node {
        name: utf8(reader, local(e.name().as_ref()))?.to_owned(),
        ..Node::default()
    };
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
            node.nil = matches!(v.trim(), "true" | "1");
        } else if key == b"id" {
            let v = attr
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| xml_error(reader, &e))?;
            let attribute = Node {
                name: utf8(reader, key)?.to_owned(),
                text: v.into_owned(),
                ..Node::default()
            };
            if !attribute.is_absent() {
                node.children.push(attribute);
            }
        }
    }
    Ok(node)
}

/// Reads the envelope and returns its first body element, normalized.
pub(super) fn read_body(xml: &str) -> Result<Body, DecodeError> {
    if xml.len() > MAX_MESSAGE_BYTES {
        return Err(DecodeError::TooLarge {
            actual: xml.len(),
            limit: MAX_MESSAGE_BYTES,
        });
    }
    let mut reader = Reader::from_str(xml);
    // Element path from the root: [Envelope, Body, payload, …]. `stack` holds the open payload
    // elements (depth ≥ 2).
    let mut path_len = 0usize;
    let mut in_body = false;
    let mut stack: Vec<Node> = Vec::new();
    let mut payload: Option<Node> = None;
    let mut seen_root = false;

    loop {
        let event = reader.read_event().map_err(|e| xml_error(&reader, &e))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_empty = matches!(event, Event::Empty(_));
                let name = local(e.name().as_ref()).to_vec();
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
                    _ if in_body && payload.is_none() => {
                        if path_len + 1 > MAX_DEPTH {
                            return Err(DecodeError::TooDeep(MAX_DEPTH));
                        }
                        let node = open(&reader, e)?;
                        if is_empty {
                            close(&mut stack, &mut payload, node);
                        } else {
                            stack.push(node);
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
                    && let Some(node) = stack.pop()
                {
                    close(&mut stack, &mut payload, node);
                }
            }
            Event::Text(ref t) => {
                if let Some(top) = stack.last_mut() {
                    let text = t
                        .xml10_content()
                        .map_err(|_| malformed(&reader, "invalid encoding"))?;
                    top.text.push_str(&text);
                } else if path_len == 0 && !t.iter().all(u8::is_ascii_whitespace) {
                    return Err(malformed(&reader, "text outside the root element"));
                }
            }
            Event::CData(ref t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(utf8(&reader, t)?);
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
                if let Some(top) = stack.last_mut() {
                    top.text.push(c);
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
    if path_len != 0 || !stack.is_empty() {
        return Err(malformed(&reader, "truncated document"));
    }
    let payload = payload.ok_or(DecodeError::NotSoap("the Body holds no element"))?;
    if payload.name == "Fault" {
        return Err(DecodeError::Fault(fault(&payload)));
    }
    let mut w = Writer::new(Vec::with_capacity(xml.len()));
    write_node(&mut w, &payload).map_err(|_| malformed(&reader, "cannot normalize"))?;
    let normalized =
        String::from_utf8(w.into_inner()).map_err(|_| malformed(&reader, "invalid UTF-8"))?;
    Ok(Body {
        name: payload.name,
        normalized,
    })
}

fn close(stack: &mut [Node], payload: &mut Option<Node>, node: Node) {
    match stack.last_mut() {
        Some(parent) => {
            if !node.is_absent() {
                parent.children.push(node);
            }
        }
        None => *payload = Some(node),
    }
}

fn write_node(w: &mut Writer<Vec<u8>>, node: &Node) -> std::io::Result<()> {
    w.write_event(Event::Start(BytesStart::new(node.name.as_str())))?;
    if node.children.is_empty() {
        w.write_event(Event::Text(BytesText::new(node.text.trim())))?;
    } else {
        for child in &node.children {
            write_node(w, child)?;
        }
    }
    w.write_event(Event::End(BytesEnd::new(node.name.as_str())))
}

fn fault(node: &Node) -> Fault {
    let child = |name: &str| {
        node.children.iter().find(|c| c.name == name).map(|c| {
            if c.children.is_empty() {
                c.text.trim().to_owned()
            } else {
                flatten_text(c)
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

fn flatten_text(node: &Node) -> String {
    let mut out = node.text.trim().to_owned();
    for c in &node.children {
        let t = flatten_text(c);
        if !t.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&t);
        }
    }
    out
}

/// Children of the operation element whose type is declared inline in the impl schema rather
/// than in the objects schema, so that their own children are `impl` elements as well
/// (WSDL `getMerchantSettingsResponse/listPointOfSell`, `getBalanceResponse/balance`).
const IMPL_ANONYMOUS: [&[u8]; 2] = [b"listPointOfSell", b"balance"];

/// Puts the serialized body in an envelope and qualifies its elements: depth 0 (operation
/// element) and 1 (its children) in `impl`, deeper in `obj`, except the children of the
/// elements of [`IMPL_ANONYMOUS`].
fn wrap(body: &str) -> Result<String, EncodeError> {
    check_chars(body)?;
    let io = |e: std::io::Error| EncodeError::Serializer(e.to_string());
    let xml = |e: quick_xml::Error| EncodeError::Serializer(e.to_string());
    let mut w = Writer::new(Vec::with_capacity(body.len() + body.len() / 2 + 400));
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .map_err(io)?;
    w.write_event(Event::Start(
        BytesStart::new("soapenv:Envelope").with_attributes([
            ("xmlns:soapenv", SOAP_ENV_NS),
            ("xmlns:impl", IMPL_NS),
            ("xmlns:obj", OBJ_NS),
            ("xmlns:xsi", XSI_NS),
        ]),
    ))
    .map_err(io)?;
    w.write_event(Event::Start(BytesStart::new("soapenv:Body")))
        .map_err(io)?;

    let mut reader = Reader::from_str(body);
    let mut depth = 0usize;
    let mut name = String::with_capacity(64);
    // The child of the operation element being written: the children of an anonymous type
    // declared in the impl schema are `impl` too.
    let mut parent = Vec::with_capacity(32);
    let mut qualify = |depth: usize, local: &[u8], parent: &[u8]| -> Result<String, EncodeError> {
        name.clear();
        let in_impl = depth < 2 || (depth == 2 && IMPL_ANONYMOUS.contains(&parent));
        name.push_str(if in_impl { "impl:" } else { "obj:" });
        name.push_str(
            core::str::from_utf8(local).map_err(|e| EncodeError::Serializer(e.to_string()))?,
        );
        Ok(name.clone())
    };
    loop {
        match reader.read_event().map_err(xml)? {
            Event::Start(e) => {
                if depth == 1 {
                    parent.clear();
                    parent.extend_from_slice(e.name().as_ref());
                }
                let q = qualify(depth, e.name().as_ref(), &parent)?;
                w.write_event(Event::Start(
                    BytesStart::new(q).with_attributes(e.attributes().flatten()),
                ))
                .map_err(io)?;
                depth += 1;
            }
            Event::Empty(e) => {
                let q = qualify(depth, e.name().as_ref(), &parent)?;
                w.write_event(Event::Empty(
                    BytesStart::new(q).with_attributes(e.attributes().flatten()),
                ))
                .map_err(io)?;
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                let q = qualify(depth, e.name().as_ref(), &parent)?;
                w.write_event(Event::End(BytesEnd::new(q))).map_err(io)?;
            }
            // Already escaped by the serializer: copied as is.
            ev @ (Event::Text(_) | Event::GeneralRef(_) | Event::CData(_)) => {
                w.write_event(ev).map_err(io)?
            }
            Event::Eof => break,
            _ => {}
        }
    }
    w.write_event(Event::End(BytesEnd::new("soapenv:Body")))
        .map_err(io)?;
    w.write_event(Event::End(BytesEnd::new("soapenv:Envelope")))
        .map_err(io)?;
    into_string(w.into_inner())
}
