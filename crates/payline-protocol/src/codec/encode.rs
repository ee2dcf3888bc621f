//! One-pass encoding: a serde `Serializer` that writes the envelope, qualified element names
//! and escaped text straight into the output.
//!
//! The output is what quick-xml's serializer with a root tag wrote, qualified afterwards: no
//! declaration of its own, no indentation, an empty value or a struct without children
//! self-closed (`<x/>`), `@`-prefixed fields as attributes, `&`, `<` and `>` escaped in text
//! (and `"` in attributes), a sequence as one element per item. Writing the prefixes with the
//! names saves re-reading the body to add them.

use core::fmt::{self, Write as _};

use serde::Serialize;
use serde::ser::{self, Impossible};

use super::{IMPL_NS, OBJ_NS, SOAP_ENV_NS, XSI_NS};
use crate::error::EncodeError;

/// The message `value` as the body element `<impl:{name}{suffix}>` of a SOAP envelope.
pub(super) fn envelope<T: Serialize + ?Sized>(
    name: &str,
    suffix: &str,
    value: &T,
) -> Result<String, EncodeError> {
    let mut w = Out {
        // Enough for the common messages (a doAuthorization request is about 1.9 KB), so that
        // the buffer is allocated once.
        buf: String::with_capacity(2048),
        invalid: None,
    };
    w.buf
        .push_str(r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv=""#);
    w.buf.push_str(SOAP_ENV_NS);
    w.buf.push_str(r#"" xmlns:impl=""#);
    w.buf.push_str(IMPL_NS);
    w.buf.push_str(r#"" xmlns:obj=""#);
    w.buf.push_str(OBJ_NS);
    w.buf.push_str(r#"" xmlns:xsi=""#);
    w.buf.push_str(XSI_NS);
    w.buf.push_str(r#""><soapenv:Body>"#);
    value
        .serialize(Element {
            out: &mut w,
            name,
            suffix,
            level: Level::Operation,
        })
        .map_err(|e| EncodeError::Serializer(e.0))?;
    // As before: a serializer error wins over a character XML cannot carry, which is reported
    // once the whole message has been written.
    if let Some(c) = w.invalid {
        return Err(EncodeError::InvalidCharacter(c));
    }
    w.buf.push_str("</soapenv:Body></soapenv:Envelope>");
    Ok(w.buf)
}

/// Error of the serializer: a type this format cannot represent (never one of the messages).
#[derive(Debug)]
pub(super) struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

fn unsupported(what: &str) -> Error {
    Error(format!("cannot serialize {what}"))
}

/// The output and the first character found that XML 1.0 cannot carry.
struct Out {
    buf: String,
    invalid: Option<u32>,
}

/// What a byte of a value needs: 0 nothing, 1 an entity in text and attributes, 2 an entity in
/// attributes only, 3 a check: a control character XML 1.0 forbids, or the lead byte of
/// U+FFFE / U+FFFF.
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        if b != b'\t' as usize && b != b'\n' as usize && b != b'\r' as usize {
            t[b] = 3;
        }
        b += 1;
    }
    t[b'&' as usize] = 1;
    t[b'<' as usize] = 1;
    t[b'>' as usize] = 1;
    t[b'"' as usize] = 2;
    t[0xEF] = 3;
    t
};

impl Out {
    /// Writes `s` escaped (`"` too when `attribute`), noting the first character XML 1.0
    /// cannot carry (`check_chars`' rule).
    fn escaped(&mut self, s: &str, attribute: bool) {
        let bytes = s.as_bytes();
        let mut from = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let class = CLASS[usize::from(b)];
            if class == 0 || (class == 2 && !attribute) {
                continue;
            }
            if class == 3 {
                self.check(&s[i..]);
                continue;
            }
            self.buf.push_str(&s[from..i]);
            self.buf.push_str(match b {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                _ => "&quot;",
            });
            from = i + 1;
        }
        self.buf.push_str(&s[from..]);
    }

    /// `rest` starts with a byte of class 3: records it if it starts a forbidden character.
    #[cold]
    fn check(&mut self, rest: &str) {
        if self.invalid.is_some() {
            return;
        }
        if let Some(c) = rest.chars().next()
            && matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
        {
            self.invalid = Some(u32::from(c));
        }
    }
}

/// Display output escaped on its way into the buffer.
struct EscapeFmt<'a>(&'a mut Out);

impl fmt::Write for EscapeFmt<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.escaped(s, false);
        Ok(())
    }
}

/// Where an element sits, which decides its namespace (see `codec`): the operation element
/// and its children are `impl`, so are the children of the [`IMPL_ANONYMOUS`] children of the
/// operation element, everything else is `obj`.
#[derive(Clone, Copy)]
enum Level {
    Operation,
    Child,
    ImplGrandChild,
    Deep,
}

/// Children of the operation element whose type is declared inline in the impl schema rather
/// than in the objects schema, so that their own children are `impl` elements as well
/// (WSDL `getMerchantSettingsResponse/listPointOfSell`, `getBalanceResponse/balance`).
const IMPL_ANONYMOUS: [&str; 2] = ["listPointOfSell", "balance"];

impl Level {
    fn prefix(self) -> &'static str {
        match self {
            Level::Operation | Level::Child | Level::ImplGrandChild => "impl:",
            Level::Deep => "obj:",
        }
    }

    /// The level of the children of the element `name` at this level.
    fn children(self, name: &str) -> Level {
        match self {
            Level::Operation => Level::Child,
            Level::Child if IMPL_ANONYMOUS.contains(&name) => Level::ImplGrandChild,
            _ => Level::Deep,
        }
    }
}

/// Serializes a value as the element `name` (plus `suffix`, for the operation element).
struct Element<'w> {
    out: &'w mut Out,
    name: &'w str,
    suffix: &'w str,
    level: Level,
}

impl Element<'_> {
    /// `<p:name` (the caller closes the tag).
    fn open(&mut self) {
        let buf = &mut self.out.buf;
        buf.push('<');
        buf.push_str(self.level.prefix());
        buf.push_str(self.name);
        buf.push_str(self.suffix);
    }

    fn close(&mut self) {
        let buf = &mut self.out.buf;
        buf.push_str("</");
        buf.push_str(self.level.prefix());
        buf.push_str(self.name);
        buf.push_str(self.suffix);
        buf.push('>');
    }

    fn empty(mut self) -> Result<(), Error> {
        self.open();
        self.out.buf.push_str("/>");
        Ok(())
    }

    /// `<p:name>` + what `write` puts in + `</p:name>`, or `<p:name/>` when it puts nothing.
    fn wrapped(mut self, write: impl FnOnce(&mut Out)) -> Result<(), Error> {
        self.open();
        self.out.buf.push('>');
        let start = self.out.buf.len();
        write(self.out);
        if self.out.buf.len() == start {
            self.out.buf.truncate(start - 1);
            self.out.buf.push_str("/>");
        } else {
            self.close();
        }
        Ok(())
    }

    fn display(self, v: impl fmt::Display) -> Result<(), Error> {
        self.wrapped(|out| {
            // Writing into a String does not fail.
            let _ = write!(EscapeFmt(out), "{v}");
        })
    }
}

impl<'w> ser::Serializer for Element<'w> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Seq<'w>;
    type SerializeTuple = Seq<'w>;
    type SerializeTupleStruct = Seq<'w>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Struct<'w>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.display(v)
    }

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.wrapped(|out| out.escaped(v, false))
    }

    fn collect_str<T: fmt::Display + ?Sized>(self, v: &T) -> Result<(), Error> {
        self.display(v)
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
        Err(unsupported("bytes"))
    }

    fn serialize_none(self) -> Result<(), Error> {
        self.empty()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        self.empty()
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        self.empty()
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.wrapped(|out| out.escaped(variant, false))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        Err(unsupported("an enum newtype variant"))
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Seq<'w>, Error> {
        Ok(Seq { item: self })
    }

    fn serialize_tuple(self, _: usize) -> Result<Seq<'w>, Error> {
        Ok(Seq { item: self })
    }

    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Seq<'w>, Error> {
        Ok(Seq { item: self })
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(unsupported("an enum tuple variant"))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(unsupported("a map"))
    }

    fn serialize_struct(mut self, _: &'static str, _: usize) -> Result<Struct<'w>, Error> {
        self.open();
        Ok(Struct {
            element: self,
            children: false,
        })
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(unsupported("an enum struct variant"))
    }
}

/// A repeated element: each item is an element of the sequence's name.
struct Seq<'w> {
    item: Element<'w>,
}

impl Seq<'_> {
    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(Element {
            out: self.item.out,
            name: self.item.name,
            suffix: self.item.suffix,
            level: self.item.level,
        })
    }
}

impl ser::SerializeSeq for Seq<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.item(value)
    }
    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

impl ser::SerializeTuple for Seq<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.item(value)
    }
    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

impl ser::SerializeTupleStruct for Seq<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.item(value)
    }
    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

/// A struct: its start tag is open, `@` fields become attributes, the others child elements.
struct Struct<'w> {
    element: Element<'w>,
    /// Whether a child element has been written (and the start tag closed).
    children: bool,
}

impl ser::SerializeStruct for Struct<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let out = &mut *self.element.out;
        if let Some(attribute) = key.strip_prefix('@') {
            // The start tag is written as the fields come; the messages declare their
            // attributes before any element.
            if self.children {
                return Err(Error(format!("attribute {attribute} after an element")));
            }
            out.buf.push(' ');
            out.buf.push_str(attribute);
            out.buf.push_str("=\"");
            value.serialize(Attribute { out: &mut *out })?;
            out.buf.push('"');
            return Ok(());
        }
        // Closes the start tag for this child, or takes the `>` back if the field writes
        // nothing (an empty sequence), as the struct may still end self-closed.
        let mark = out.buf.len();
        if !self.children {
            out.buf.push('>');
        }
        let before = out.buf.len();
        value.serialize(Element {
            out: &mut *out,
            name: key,
            suffix: "",
            level: self.element.level.children(self.element.name),
        })?;
        if out.buf.len() == before {
            out.buf.truncate(mark);
        } else {
            self.children = true;
        }
        Ok(())
    }

    fn end(mut self) -> Result<(), Error> {
        if self.children {
            self.element.close();
        } else {
            self.element.out.buf.push_str("/>");
        }
        Ok(())
    }
}

/// An attribute value.
struct Attribute<'w> {
    out: &'w mut Out,
}

impl Attribute<'_> {
    fn display(self, v: impl fmt::Display) -> Result<(), Error> {
        struct AttrFmt<'a>(&'a mut Out);
        impl fmt::Write for AttrFmt<'_> {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                self.0.escaped(s, true);
                Ok(())
            }
        }
        // Writing into a String does not fail.
        let _ = write!(AttrFmt(self.out), "{v}");
        Ok(())
    }
}

impl ser::Serializer for Attribute<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.out.escaped(v, true);
        Ok(())
    }
    fn collect_str<T: fmt::Display + ?Sized>(self, v: &T) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
        Err(unsupported("bytes"))
    }
    fn serialize_none(self) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.out.escaped(variant, true);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        Err(unsupported("an enum newtype variant in an attribute"))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(unsupported("a sequence in an attribute"))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(unsupported("a tuple in an attribute"))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(unsupported("a tuple in an attribute"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(unsupported("an enum tuple variant in an attribute"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(unsupported("a map in an attribute"))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(unsupported("a struct in an attribute"))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(unsupported("an enum struct variant in an attribute"))
    }
}
