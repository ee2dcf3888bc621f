//! HTTP as a browser or a shop backend sees it: an answer, or a transport failure (refused,
//! reset, timed out) that is worth retrying.

use std::time::Duration;

use serde_json::Value;

/// What came back.
#[derive(Debug)]
pub enum Reply {
    /// An HTTP answer: status and JSON body (`Null` when not JSON).
    Http(u16, Value),
    /// No answer: connection refused or reset, timeout.
    Transport,
}

impl Reply {
    /// True for what a browser or a shop backend retries: no answer, a 5xx, or a request
    /// turned away by a rate limit.
    pub fn retryable(&self) -> bool {
        match self {
            Self::Transport => true,
            Self::Http(s, _) => *s >= 500 || (*s == 429 && self.error_code() == "rate_limited"),
        }
    }

    /// `error.code` of an error answer.
    pub fn error_code(&self) -> &str {
        match self {
            Self::Http(_, v) => v["error"]["code"].as_str().unwrap_or_default(),
            Self::Transport => "",
        }
    }
}

/// Sends and reads a JSON answer.
pub async fn send(rb: reqwest::RequestBuilder) -> Reply {
    match rb.send().await {
        Ok(r) => {
            let status = r.status().as_u16();
            match r.bytes().await {
                Ok(b) => Reply::Http(status, serde_json::from_slice(&b).unwrap_or(Value::Null)),
                // The head arrived, the body did not: the process died while answering.
                Err(_) => Reply::Transport,
            }
        }
        Err(_) => Reply::Transport,
    }
}

/// Sends and reads a text answer (`None`: no answer).
pub async fn send_text(rb: reqwest::RequestBuilder) -> Option<(u16, String)> {
    let r = rb.send().await.ok()?;
    let status = r.status().as_u16();
    Some((status, r.text().await.ok()?))
}

/// A pause that grows with the try number, as a retrying page or backend would wait.
pub async fn backoff(try_n: u32) {
    let ms = 250u64.saturating_mul(u64::from(try_n) + 1).min(2_000);
    tokio::time::sleep(Duration::from_millis(ms)).await;
}

/// The `action` and named fields of the first form of a page (the ACS pages and the auto-posting
/// pages that send the browser on).
pub fn form_of(html: &str) -> Option<(String, Vec<(String, String)>)> {
    fn attr(tag: &str, name: &str) -> Option<String> {
        let key = format!("{name}=\"");
        let i = tag.find(&key)? + key.len();
        let j = tag[i..].find('"')? + i;
        Some(unescape(&tag[i..j]))
    }
    let start = html.find("<form")?;
    let tag_end = html[start..].find('>')? + start;
    let action = attr(&html[start..tag_end], "action").unwrap_or_default();
    let form_end = html[tag_end..]
        .find("</form>")
        .map_or(html.len(), |i| i + tag_end);
    let mut fields = Vec::new();
    let mut rest = &html[tag_end..form_end];
    while let Some(i) = rest.find("<input") {
        let end = rest[i..].find('>').map_or(rest.len(), |e| e + i);
        let tag = &rest[i..end];
        if let (Some(n), Some(v)) = (attr(tag, "name"), attr(tag, "value")) {
            fields.push((n, v));
        }
        rest = &rest[end..];
    }
    Some((action, fields))
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// `fields` of a pay answer (`{name: value}`) as form pairs.
pub fn fields_of(v: &Value) -> Vec<(String, String)> {
    v.as_object()
        .map(|o| {
            o.iter()
                .map(|(k, x)| (k.clone(), x.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}
