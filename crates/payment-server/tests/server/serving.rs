//! Serving www/ and pkg/, security headers, health, metrics, OpenAPI.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::support::{self, Opts, client, temp_path};

fn site() -> (String, String) {
    let root = temp_path("site");
    let (www, pkg) = (root.join("www"), root.join("pkg"));
    std::fs::create_dir_all(&www).unwrap();
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(www.join("index.html"), "<!doctype html><title>demo</title>").unwrap();
    std::fs::write(
        www.join("script-tag.html"),
        r#"<script src="/pkg/card-capture.js" integrity="{{integrity card-capture.js}}" crossorigin></script>"#,
    )
    .unwrap();
    std::fs::write(pkg.join("card_capture_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(pkg.join("card-capture.js"), "window.CardCapture = {};").unwrap();
    std::fs::write(
        pkg.join("integrity.json"),
        r#"{"card-capture.js": "sha384-AAAA"}"#,
    )
    .unwrap();
    std::fs::write(root.join("secret.txt"), "outside").unwrap();
    (www.display().to_string(), pkg.display().to_string())
}

#[tokio::test]
async fn serves_pages_and_module_with_the_right_types_and_sri() {
    let (www_dir, pkg_dir) = site();
    let s = support::start(Opts {
        www_dir,
        pkg_dir,
        ..Opts::default()
    })
    .await;
    let r = client().get(format!("{}/", s.url)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    // The 3-D Secure iframes navigate to this server's own /3ds/return and /3ds/method-notify
    // (CSP Level 3 frame-src governs those navigations), and redirect mode posts forms to the
    // ACS and back: both directives must allow this origin.
    let directive = |name: &str| {
        csp.split(';')
            .map(str::trim)
            .find_map(|d| d.strip_prefix(name).filter(|rest| rest.starts_with(' ')))
            .map(|rest| {
                rest.split_whitespace()
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    assert!(
        directive("frame-src").iter().any(|s| s == "'self'"),
        "{csp}"
    );
    assert!(
        directive("form-action").iter().any(|s| s == "'self'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(r.headers()["x-frame-options"], "DENY");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");

    let r = client()
        .get(format!("{}/script-tag.html", s.url))
        .send()
        .await
        .unwrap();
    let body = r.text().await.unwrap();
    assert!(body.contains(r#"integrity="sha384-AAAA""#), "{body}");

    let r = client()
        .get(format!("{}/pkg/card_capture_bg.wasm", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "application/wasm");
    assert_eq!(r.headers()["cache-control"], "no-cache");
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    let r = client()
        .get(format!("{}/pkg/card_capture_bg.wasm", s.url))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    let r = client()
        .get(format!("{}/pkg/card_capture_bg.wasm?v=0.1.0", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );

    for bad in [
        "/../secret.txt",
        "/pkg/../secret.txt",
        "/%2e%2e/secret.txt",
        "/nope.html",
    ] {
        let r = client()
            .get(format!("{}{bad}", s.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "{bad}");
        assert_eq!(
            r.json::<Value>().await.unwrap()["error"]["code"],
            "not_found"
        );
    }
}

/// `{{include FILE}}` pulls a fragment from www/ into a page (the demo pages share their form
/// markup this way); a fragment may carry `{{integrity …}}`; an include naming anything outside
/// www/ (or not an .html fragment) is a 500 that shows nothing of the file.
#[tokio::test]
async fn html_includes_are_expanded_and_cannot_leave_www() {
    let (www_dir, pkg_dir) = site();
    let www = std::path::Path::new(&www_dir);
    std::fs::create_dir_all(www.join("partials")).unwrap();
    std::fs::write(
        www.join("partials/form.html"),
        "<input id=\"cc-number\">\n<script src=\"/pkg/card-capture.js\" integrity=\"{{integrity card-capture.js}}\"></script>\n",
    )
    .unwrap();
    std::fs::write(
        www.join("page.html"),
        "<form>\n  {{include partials/form.html}}\n</form>\n",
    )
    .unwrap();
    // site() puts secret.txt next to www/; an .html one too, so only the path check stops it.
    std::fs::write(www.join("../secret.html"), "outside").unwrap();
    for (name, include) in [
        ("up.html", "../secret.html"),
        ("nested-up.html", "partials/../../secret.html"),
        ("absolute.html", "/etc/hostname.html"),
        ("not-html.html", "../secret.txt"),
        ("pkg.html", "../pkg/integrity.json"),
        ("missing.html", "partials/nope.html"),
    ] {
        std::fs::write(www.join(name), format!("<p>{{{{include {include}}}}}</p>")).unwrap();
    }
    let s = support::start(Opts {
        www_dir: www_dir.clone(),
        pkg_dir,
        ..Opts::default()
    })
    .await;
    let r = client()
        .get(format!("{}/page.html", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body = r.text().await.unwrap();
    assert_eq!(
        body,
        "<form>\n  <input id=\"cc-number\">\n<script src=\"/pkg/card-capture.js\" integrity=\"sha384-AAAA\"></script>\n</form>\n"
    );
    for name in [
        "up.html",
        "nested-up.html",
        "absolute.html",
        "not-html.html",
        "pkg.html",
        "missing.html",
    ] {
        let r = client()
            .get(format!("{}/{name}", s.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 500, "{name}");
        let body = r.text().await.unwrap();
        assert!(
            !body.contains("outside") && !body.contains("sha384"),
            "{name}: {body}"
        );
    }
}

#[tokio::test]
async fn health_metrics_openapi() {
    let s = support::start(Opts::default()).await;
    let r = client()
        .get(format!("{}/healthz", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "ok");
    let r = client()
        .get(format!("{}/metrics", s.url))
        .bearer_auth(support::ADMIN)
        .send()
        .await
        .unwrap();
    let text = r.text().await.unwrap();
    assert!(
        text.contains("http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"),
        "{text}"
    );
    let r = client()
        .get(format!("{}/openapi.json", s.url))
        .send()
        .await
        .unwrap();
    let doc: Value = r.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
}

/// The (METHOD, path) pairs that the checked-in openapi.json describes.
fn documented_routes() -> BTreeSet<(String, String)> {
    let doc: Value = serde_json::from_str(payment_server::openapi::DOCUMENT).unwrap();
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                out.insert((method.to_ascii_uppercase(), path.clone()));
            }
        }
    }
    out
}

/// The (METHOD, path) pairs that the route modules declare: every `.route("path", get(..)
/// .post(..))` of every file in src/routes/, so that a new module is covered without editing
/// this test.
fn declared_routes() -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir("src/routes").unwrap() {
        let src = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for part in src.split(".route(").skip(1) {
            let Some(rest) = part.trim_start().strip_prefix('"') else {
                continue;
            };
            let path = rest.split('"').next().unwrap();
            // The method router is everything up to the parenthesis closing `.route(`.
            let mut depth = 1;
            let args: String = part
                .chars()
                .take_while(|c| {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    depth > 0
                })
                .collect();
            for method in ["get", "post", "put", "patch", "delete"] {
                let called = args.match_indices(&format!("{method}(")).any(|(i, _)| {
                    !args[..i]
                        .chars()
                        .next_back()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_')
                });
                if called {
                    out.insert((method.to_ascii_uppercase(), path.to_owned()));
                }
            }
        }
    }
    out
}

/// openapi.json is kept by hand (no OpenAPI generator is available to the build): this test
/// fails on any drift between it and the routes, in paths or methods, both ways, and checks
/// against the running router that every documented route is served.
#[tokio::test]
async fn openapi_lists_every_route() {
    let documented = documented_routes();
    let declared = declared_routes();
    assert!(declared.len() >= 19, "found only {declared:?}");
    let undocumented: Vec<_> = declared.difference(&documented).collect();
    let unserved: Vec<_> = documented.difference(&declared).collect();
    assert!(
        undocumented.is_empty() && unserved.is_empty(),
        "openapi.json has drifted from src/routes/: add to openapi.json {undocumented:?}, \
         remove from it (or add the route) {unserved:?}"
    );
    // The running router matches each documented route to its template (the request metrics
    // label answers with the matched template, `unmatched` for the static-file fallback), with
    // a method it accepts (no 405).
    let s = support::start(Opts::default()).await;
    for (method, path) in &documented {
        client()
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                format!("{}{}", s.url, path.replace("{id}", "cs_probe")),
            )
            .send()
            .await
            .unwrap();
    }
    let text = client()
        .get(format!("{}/metrics", s.url))
        .bearer_auth(support::ADMIN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for (method, path) in &documented {
        let prefix = format!("http_requests_total{{method=\"{method}\",route=\"{path}\",status=\"");
        let served = text.lines().any(|l| {
            l.strip_prefix(&prefix)
                .is_some_and(|status| !status.starts_with("405"))
        });
        assert!(served, "the router does not serve {method} {path}:\n{text}");
    }
}

/// The isolated fields' frame: served under the built package's version only, framable by the
/// checkout origins and nothing else, its module files beside it, nothing else of pkg/.
#[tokio::test]
async fn serves_the_isolated_fields_frame_to_the_checkout_origins_only() {
    let (www_dir, pkg_dir) = site();
    let pkg = std::path::Path::new(&pkg_dir);
    std::fs::create_dir_all(pkg.join("fields")).unwrap();
    std::fs::write(
        pkg.join("package.json"),
        r#"{"name": "card-capture", "version": "9.8.7"}"#,
    )
    .unwrap();
    std::fs::write(
        pkg.join("fields/frame.html"),
        "<!doctype html><title>fields</title>",
    )
    .unwrap();
    std::fs::write(pkg.join("fields/frame.js"), "'use strict';").unwrap();
    let s = support::start(Opts {
        www_dir,
        pkg_dir,
        ..Opts::default()
    })
    .await;
    let get = |path: &str| client().get(format!("{}{path}", s.url)).send();
    let r = get("/fields/9.8.7/frame.html").await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    assert!(r.headers().get("x-frame-options").is_none(), "framable");
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let ancestors = csp
        .split(';')
        .map(str::trim)
        .find_map(|d| d.strip_prefix("frame-ancestors "))
        .unwrap_or_default()
        .to_owned();
    assert!(
        ancestors.split(' ').any(|o| o == support::CHECKOUT_ORIGIN),
        "{csp}"
    );
    assert!(
        !ancestors.contains('*') && !ancestors.contains("https:"),
        "{csp}"
    );
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"),
        "{csp}"
    );
    // The tokenizer is the only other origin the frame may send to: the card cannot be sent
    // anywhere else, whatever the page hands the frame.
    let connect = csp
        .split(';')
        .map(str::trim)
        .find_map(|d| d.strip_prefix("connect-src "))
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        connect.split(' ').count(),
        3,
        "'self', the public URL and the tokenizer: {csp}"
    );
    assert_eq!(get("/fields/9.8.7/frame.js").await.unwrap().status(), 200);
    let wasm = get("/fields/9.8.7/card_capture_bg.wasm").await.unwrap();
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    assert_eq!(
        wasm.headers()["x-frame-options"],
        "DENY",
        "only the frame document is framable"
    );
    for path in [
        "/fields/9.8.6/frame.html",
        "/fields/9.8.7/integrity.json",
        "/fields/9.8.7/../integrity.json",
        "/fields/9.8.7/fields/frame.html",
        "/fields//frame.html",
        "/fields/9.8.7/",
    ] {
        assert_eq!(get(path).await.unwrap().status(), 404, "{path}");
    }
}
