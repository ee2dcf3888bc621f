//! A reader for the plain, well-formed shape every Payline peer writes, about four times
//! faster than quick-xml's reader, feeding the same tree builder.
//!
//! It accepts a strict subset of what quick-xml accepts, and for that subset produces the
//! events quick-xml would: ASCII names, attributes `name="value"` or `name='value'` separated
//! by whitespace and not repeated, values without `<`, `&` or line breaks, text with the five
//! predefined entities and character references, CDATA, comments without `--` inside, an XML
//! declaration at the very start, end tags `</name>` matching their start tag. Anything
//! else, and every document the codec would reject (not an envelope, truncated, too deep, a
//! second root, text outside the root…), makes it give up (`None`): the caller then reads the
//! document again with quick-xml, which gives the same result for what this reader accepts
//! and the exact error for the rest. A wrong guess costs time, never a different answer.

use std::borrow::Cow;

use super::{Body, Builder, MAX_DEPTH, local, normalize_eols};

/// The document's body, or `None` when the document is outside the subset this reader
/// handles or is to be rejected.
pub(super) fn read(xml: &str) -> Option<Body<'_>> {
    let s = xml.as_bytes();
    let mut i = 0;
    if s.starts_with(b"<?xml") {
        // The declaration: quick-xml does not read its content here either.
        let end = find(s, i + 5, b"?>")?;
        if !is_space(*s.get(i + 5)?) || s.get(i + 5..end)?.iter().any(|&c| c == b'<' || c == b'>') {
            return None;
        }
        i = end + 2;
    }
    let mut b = Builder::new(xml);
    // Element path from the root, as in the quick-xml reader, with the full names of the open
    // elements for the end tags.
    let mut path_len = 0usize;
    let mut in_body = false;
    let mut seen_root = false;
    let mut names: [(usize, usize); MAX_DEPTH] = [(0, 0); MAX_DEPTH];

    loop {
        // Text up to the next markup, with its references.
        let mut from = i;
        loop {
            let rel = memchr::memchr2(b'<', b'&', s.get(i..)?);
            let end = rel.map_or(s.len(), |r| i + r);
            if end > from {
                text(&mut b, xml, from, end, path_len)?;
            }
            i = end;
            if s.get(i) != Some(&b'&') {
                break;
            }
            let semi = i + 1 + s.get(i + 1..)?.iter().take(12).position(|&c| c == b';')?;
            let c = reference(s.get(i + 1..semi)?)?;
            if let Some(top) = b.top() {
                b.text(top, Cow::Owned(String::from(c)));
            } else if path_len == 0 {
                return None;
            }
            i = semi + 1;
            from = i;
        }
        if i >= s.len() {
            break;
        }
        // Markup at i.
        let rest = s.get(i..)?;
        if rest.starts_with(b"</") {
            let name_end = i + 2 + name_len(s.get(i + 2..)?)?;
            if s.get(name_end) != Some(&b'>') || path_len == 0 {
                return None;
            }
            let (open_from, open_to) = *names.get(path_len - 1)?;
            if s.get(i + 2..name_end)? != s.get(open_from..open_to)? {
                return None;
            }
            i = name_end + 1;
            path_len -= 1;
            if path_len == 1 {
                in_body = false;
            }
            if path_len >= 2
                && let Some(node) = b.top()
            {
                b.open -= 1;
                b.close(b.top(), node);
            }
        } else if rest.starts_with(b"<!--") {
            let end = find(s, i + 4, b"-->")?;
            let content = s.get(i + 4..end)?;
            // Also away from any reading of `<!-->` or `<!--->` as a complete comment.
            if content.starts_with(b"-")
                || content.starts_with(b">")
                || content.ends_with(b"-")
                || find(content, 0, b"--").is_some()
            {
                return None;
            }
            i = end + 3;
        } else if rest.starts_with(b"<![CDATA[") {
            let end = find(s, i + 9, b"]]>")?;
            if let Some(top) = b.top() {
                b.text(top, Cow::Borrowed(xml.get(i + 9..end)?));
            } else if path_len == 0 {
                return None;
            }
            i = end + 3;
        } else if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            return None;
        } else {
            // A start tag.
            let name_from = i + 1;
            let name_to = name_from + name_len(s.get(name_from..)?)?;
            let mut at = name_to;
            let mut attrs: [(usize, usize, usize, usize); 8] = [(0, 0, 0, 0); 8];
            let mut n_attrs = 0;
            let is_empty = loop {
                let spaced = s.get(at).is_some_and(|&c| is_space(c));
                while s.get(at).is_some_and(|&c| is_space(c)) {
                    at += 1;
                }
                match s.get(at)? {
                    b'>' => break false,
                    b'/' => {
                        if s.get(at + 1) != Some(&b'>') {
                            return None;
                        }
                        at += 1;
                        break true;
                    }
                    _ if spaced => {
                        let key_to = at + name_len(s.get(at..)?)?;
                        let quote = *s.get(key_to + 1)?;
                        if s.get(key_to) != Some(&b'=') || (quote != b'"' && quote != b'\'') {
                            return None;
                        }
                        let value_from = key_to + 2;
                        let value_to =
                            value_from + s.get(value_from..)?.iter().position(|&c| c == quote)?;
                        let value = s.get(value_from..value_to)?;
                        if value
                            .iter()
                            .any(|&c| matches!(c, b'<' | b'&' | b'\t' | b'\n' | b'\r'))
                        {
                            return None;
                        }
                        let key = s.get(at..key_to)?;
                        for &(k_from, k_to, _, _) in attrs.get(..n_attrs)? {
                            if s.get(k_from..k_to)? == key {
                                return None;
                            }
                        }
                        *attrs.get_mut(n_attrs)? = (at, key_to, value_from, value_to);
                        n_attrs += 1;
                        at = value_to + 1;
                    }
                    _ => return None,
                }
            };
            i = at + 1;
            let qname = s.get(name_from..name_to)?;
            let name = local(qname);
            match path_len {
                0 => {
                    if seen_root || name != b"Envelope" {
                        return None;
                    }
                    seen_root = true;
                }
                1 => in_body = name == b"Body",
                _ if path_len + 1 > MAX_DEPTH => return None,
                _ if in_body && b.payload.is_none() => {
                    let mut nil = false;
                    let mut id = None;
                    for &(k_from, k_to, v_from, v_to) in attrs.get(..n_attrs)? {
                        let key = s.get(k_from..k_to)?;
                        if key == b"xmlns" || key.starts_with(b"xmlns:") {
                            continue;
                        }
                        if local(key) == b"nil" && key.contains(&b':') {
                            nil = matches!(xml.get(v_from..v_to)?.trim(), "true" | "1");
                        } else if key == b"id" {
                            id = Some(Cow::Borrowed(xml.get(v_from..v_to)?));
                        }
                    }
                    let local_from = name_to - name.len();
                    let node = b.element(Cow::Borrowed(xml.get(local_from..name_to)?), nil, id);
                    if is_empty {
                        b.close(b.top(), node);
                    } else {
                        *b.stack.get_mut(b.open)? = node;
                        b.open += 1;
                    }
                }
                _ => {}
            }
            if !is_empty {
                *names.get_mut(path_len)? = (name_from, name_to);
                path_len += 1;
            }
        }
    }
    if !seen_root || path_len != 0 || b.open != 0 {
        return None;
    }
    let payload = b.payload?;
    Some(Body {
        nodes: b.nodes,
        payload,
    })
}

/// Text `xml[from..to]` (no markup, no reference): given to the open payload element, line
/// ends normalized as quick-xml does for each text event; outside the root only whitespace
/// is accepted.
fn text<'a>(
    b: &mut Builder<'a>,
    xml: &'a str,
    from: usize,
    to: usize,
    path_len: usize,
) -> Option<()> {
    let piece = xml.get(from..to)?;
    if let Some(top) = b.top() {
        if !b.keeps_text(top) {
            return Some(());
        }
        let piece = if piece.as_bytes().contains(&b'\r') {
            Cow::Owned(normalize_eols(piece))
        } else {
            Cow::Borrowed(piece)
        };
        b.text(top, piece);
    } else if path_len == 0 && !piece.bytes().all(|c| c.is_ascii_whitespace()) {
        return None;
    }
    Some(())
}

/// The character of a reference (`amp`, `#38`, `#x26`…), `None` for any other.
fn reference(name: &[u8]) -> Option<char> {
    let code = match name {
        b"amp" => return Some('&'),
        b"lt" => return Some('<'),
        b"gt" => return Some('>'),
        b"quot" => return Some('"'),
        b"apos" => return Some('\''),
        [b'#', b'x', hex @ ..] if !hex.is_empty() && hex.iter().all(u8::is_ascii_hexdigit) => {
            u32::from_str_radix(core::str::from_utf8(hex).ok()?, 16).ok()?
        }
        [b'#', dec @ ..] if !dec.is_empty() && dec.iter().all(u8::is_ascii_digit) => {
            core::str::from_utf8(dec).ok()?.parse().ok()?
        }
        _ => return None,
    };
    if code == 0 {
        return None;
    }
    char::from_u32(code)
}

/// Bytes of a name: 1 may start it (`[A-Za-z_:]`), 2 only follow (`[0-9.-]`).
const NAME: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if b.is_ascii_alphabetic() || b == b'_' || b == b':' {
            t[c] = 1;
        } else if b.is_ascii_digit() || b == b'.' || b == b'-' {
            t[c] = 2;
        }
        c += 1;
    }
    t
};

/// Length of the ASCII name at the start of `s` (`[A-Za-z_:][A-Za-z0-9_.:-]*`), `None` if
/// there is none.
fn name_len(s: &[u8]) -> Option<usize> {
    if NAME[usize::from(*s.first()?)] != 1 {
        return None;
    }
    Some(
        s.iter()
            .position(|&c| NAME[usize::from(c)] == 0)
            .unwrap_or(s.len()),
    )
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

/// Position of `needle` in `s` from `from`.
fn find(s: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    s.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}
