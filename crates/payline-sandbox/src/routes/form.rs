//! HTML helpers shared by the pages the sandbox serves itself (hosted payment page, ACS).

/// HTML escaping for text and double-quoted attribute values (HTML Living Standard, "Escaping a
/// string").
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A hidden form input carrying `value` back on submit.
pub(crate) fn hidden(name: &str, value: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
        esc(name),
        esc(value)
    )
}

/// One field of an `application/x-www-form-urlencoded` body; an empty value counts as absent.
pub(crate) fn field(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_both_quotes() {
        assert_eq!(
            esc(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn hidden_input_escapes_its_value() {
        assert_eq!(
            hidden("token", "a\"b"),
            "<input type=\"hidden\" name=\"token\" value=\"a&quot;b\">"
        );
    }

    #[test]
    fn empty_and_missing_fields_are_absent() {
        let body = b"a=1&b=&c=x%20y";
        assert_eq!(
            (
                field(body, "a"),
                field(body, "b"),
                field(body, "c"),
                field(body, "d")
            ),
            (Some("1".into()), None, Some("x y".into()), None)
        );
    }
}
