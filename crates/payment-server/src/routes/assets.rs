//! Serves the demo pages (`www/` at `/`) and the built module (`pkg/` at `/pkg/`).
//!
//! - `.wasm` is `application/wasm` (WebAssembly Web API: `instantiateStreaming` rejects any
//!   other type).
//! - HTML pages may contain `{{include FILE}}`, replaced by the text of FILE, an `.html`
//!   fragment under `www/` (e.g. `partials/card-fields.html`), so the demo pages share their form
//!   markup without any script building it (the pages keep a strict CSP). FILE passes the same
//!   checks as a URL path (no `..`, no hidden file, no backslash) and cannot name `pkg/`;
//!   fragments are not expanded again, so includes cannot loop. `scripts/serve.mjs` does the same.
//! - HTML pages may contain `{{integrity FILE}}`, replaced by FILE's `sha384-…` from
//!   `pkg/integrity.json` (written by the build), so a `<script integrity>` always matches the
//!   file being served (W3C Subresource Integrity).
//! - Caching (RFC 9111): a request naming a version (`?v=…`) may be cached for a year
//!   (`immutable`); everything else is `no-cache` with a strong `ETag`, revalidated with
//!   `If-None-Match` → 304.

use std::path::{Component, Path, PathBuf};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::state::AppState;

fn mime(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
    {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "ts" | "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Maps a URL path to a file under www/ or pkg/; `None` for anything that tries to leave them
/// (`..`, hidden files, backslashes, NUL).
pub fn resolve(www: &Path, pkg: &Path, url_path: &str) -> Option<PathBuf> {
    let (base, rel) = match url_path.strip_prefix("/pkg") {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => (pkg, rest),
        _ => (www, url_path),
    };
    let mut rel = rel.trim_start_matches('/').to_owned();
    if rel.is_empty() || rel.ends_with('/') {
        rel.push_str("index.html");
    }
    inside(&rel).map(|p| base.join(p))
}

/// `rel` as a relative path made of plain names only (no `..`, `.`, root, hidden file,
/// backslash or NUL), or `None`.
fn inside(rel: &str) -> Option<&Path> {
    if rel.contains(['\\', '\0']) {
        return None;
    }
    let p = Path::new(rel);
    for c in p.components() {
        match c {
            Component::Normal(s) if !s.to_string_lossy().starts_with('.') => {}
            _ => return None,
        }
    }
    Some(p)
}

/// The file an `{{include NAME}}` names: an `.html` fragment under www/, or `None` for a name
/// that tries to leave it.
pub fn include_path(www: &Path, name: &str) -> Option<PathBuf> {
    if !name.ends_with(".html") {
        return None;
    }
    inside(name).map(|p| www.join(p))
}

const INCLUDE: &str = "{{include ";

/// Replaces every `{{include NAME}}` with its fragment (one level: a fragment's own directives
/// other than `{{integrity …}}` are left as they are, so no include can recurse).
async fn expand_includes(html: &str, www: &Path) -> Result<String, AppError> {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(INCLUDE) {
        out.push_str(&rest[..start]);
        let after = &rest[start + INCLUDE.len()..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let name = after[..end].trim();
        let file = include_path(www, name).ok_or_else(|| {
            AppError::Internal(format!("include {name:?}: not an .html file under www/"))
        })?;
        let text = tokio::fs::read_to_string(&file)
            .await
            .map_err(|e| AppError::Internal(format!("include {name:?}: {e}")))?;
        // The directive sits on its own line: the fragment's final newline would double it.
        out.push_str(text.strip_suffix('\n').unwrap_or(&text));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

async fn render_html(bytes: Vec<u8>, www: &Path, pkg: &Path) -> Result<Vec<u8>, AppError> {
    let Ok(html) = String::from_utf8(bytes.clone()) else {
        return Ok(bytes);
    };
    let html = if html.contains(INCLUDE) {
        expand_includes(&html, www).await?
    } else {
        html
    };
    if !html.contains("{{integrity ") {
        return Ok(html.into_bytes());
    }
    let table = tokio::fs::read_to_string(pkg.join("integrity.json"))
        .await
        .map_err(|e| {
            AppError::Internal(format!("pkg/integrity.json: {e} (run `npm run build`)"))
        })?;
    let table: serde_json::Value = serde_json::from_str(&table)
        .map_err(|e| AppError::Internal(format!("pkg/integrity.json: {e}")))?;
    let mut out = String::with_capacity(html.len());
    let mut rest = html.as_str();
    while let Some(start) = rest.find("{{integrity ") {
        out.push_str(&rest[..start]);
        let after = &rest[start + "{{integrity ".len()..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let name = after[..end].trim();
        let value = table[name].as_str().ok_or_else(|| {
            AppError::Internal(format!("no integrity for {name} in pkg/integrity.json"))
        })?;
        out.push_str(value);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out.into_bytes())
}

/// What `/fields/<version>/<name>` serves: the isolated fields' frame document, its script and
/// styles, and the module files it loads by relative URL (they must sit beside it).
const FIELDS_FILES: [(&str, &str); 6] = [
    ("frame.html", "fields/frame.html"),
    ("frame.js", "fields/frame.js"),
    ("fields.css", "fields/fields.css"),
    ("card-capture.js", "card-capture.js"),
    ("card-capture.css", "card-capture.css"),
    ("card_capture_bg.wasm", "card_capture_bg.wasm"),
];

/// `/fields/<version>/<name>` → the pkg/ file, when `<version>` is the built package's (a page
/// must get the frame of the module it runs) and `<name>` is one of [`FIELDS_FILES`].
pub fn fields_file(pkg: &Path, url_path: &str, pkg_version: &str) -> Option<PathBuf> {
    let rest = url_path.strip_prefix("/fields/")?;
    let (version, name) = rest.split_once('/')?;
    if version != pkg_version || version.is_empty() {
        return None;
    }
    FIELDS_FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, file)| pkg.join(file))
}

/// The `version` of pkg/package.json, written by the build.
async fn pkg_version(pkg: &Path) -> Option<String> {
    let text = tokio::fs::read_to_string(pkg.join("package.json"))
        .await
        .ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["version"].as_str().map(str::to_owned)
}

/// The fallback handler: static files for GET and HEAD.
pub async fn serve(State(state): State<AppState>, req: Request) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return AppError::NotFound("route").into_response();
    }
    let s = state.settings();
    let (www, pkg) = (PathBuf::from(&s.www_dir), PathBuf::from(&s.pkg_dir));
    let path = req.uri().path();
    let is_fields = path.starts_with("/fields/");
    let file = if is_fields {
        match pkg_version(&pkg).await {
            Some(v) => fields_file(&pkg, path, &v),
            None => None,
        }
    } else {
        resolve(&www, &pkg, path)
    };
    let Some(file) = file else {
        return AppError::NotFound("file").into_response();
    };
    let bytes = match tokio::fs::read(&file).await {
        Ok(b) => b,
        Err(_) => return AppError::NotFound("file").into_response(),
    };
    let is_html = file.extension().is_some_and(|e| e == "html");
    // The frame document is the build's own output, hashes included: served as it is.
    let bytes = if is_html && !is_fields {
        match render_html(bytes, &www, &pkg).await {
            Ok(b) => b,
            Err(e) => return e.into_response(),
        }
    } else {
        bytes
    };
    let etag = format!("\"{}\"", &crate::ids::sha256_hex(&bytes)[..32]);
    let versioned = req
        .uri()
        .query()
        .is_some_and(|q| q.split('&').any(|kv| kv.starts_with("v=")));
    // A versioned fields path never changes content in production; the sandbox serves a
    // package being rebuilt under the same version, so it revalidates.
    let cache = if versioned || (is_fields && !s.sandbox) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let not_modified = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut res = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else if req.method() == Method::HEAD {
        let mut r = Response::new(Body::empty());
        if let Ok(v) = HeaderValue::from_str(&bytes.len().to_string()) {
            r.headers_mut().insert(header::CONTENT_LENGTH, v);
        }
        r
    } else {
        Response::new(Body::from(bytes))
    };
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime(&file)));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if is_fields && is_html {
        // The isolated fields are framed by the checkout pages: its CSP names them in
        // `frame-ancestors` (every other page refuses framing).
        res.extensions_mut()
            .insert(crate::security::FramableByCheckout);
    } else if is_html {
        // The checkout page frames the ACS itself; isolating its browsing context group keeps
        // other windows from scripting it (HTML "cross-origin opener policies").
        h.insert(
            axum::http::HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        );
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_stays_inside() {
        let (w, p) = (Path::new("/w"), Path::new("/p"));
        assert_eq!(resolve(w, p, "/"), Some(PathBuf::from("/w/index.html")));
        assert_eq!(resolve(w, p, "/demo.js"), Some(PathBuf::from("/w/demo.js")));
        assert_eq!(
            resolve(w, p, "/pkg/card_capture_bg.wasm"),
            Some(PathBuf::from("/p/card_capture_bg.wasm"))
        );
        assert_eq!(resolve(w, p, "/pkgx.js"), Some(PathBuf::from("/w/pkgx.js")));
        for bad in [
            "/../etc/passwd",
            "/pkg/../x",
            "/.git/config",
            "/a\\b",
            "/pkg/./x",
        ] {
            assert_eq!(resolve(w, p, bad), None, "{bad}");
        }
    }

    #[test]
    fn includes_stay_inside_www() {
        let w = Path::new("/w");
        assert_eq!(
            include_path(w, "partials/card-fields.html"),
            Some(PathBuf::from("/w/partials/card-fields.html"))
        );
        for bad in [
            "../secret.html",
            "partials/../../secret.html",
            "/etc/passwd.html",
            "./index.html",
            ".hidden.html",
            "a\\b.html",
            "partials/card-fields.txt",
            "",
        ] {
            assert_eq!(include_path(w, bad), None, "{bad}");
        }
    }
}
