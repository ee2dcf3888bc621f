//! Serving www/ and pkg/, security headers, health, metrics, OpenAPI.

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

/// Every route the server answers is described in /openapi.json.
#[test]
fn openapi_lists_every_route() {
    let doc: Value = serde_json::from_str(payment_server::openapi::DOCUMENT).unwrap();
    let src = [
        "sessions", "pay", "payments", "threeds", "notify", "ops", "hosted",
    ]
    .iter()
    .map(|m| std::fs::read_to_string(format!("src/routes/{m}.rs")).unwrap())
    .collect::<String>();
    let mut n = 0;
    for part in src.split(".route(\"").skip(1) {
        let path = part.split('"').next().unwrap();
        assert!(
            doc["paths"].get(path).is_some(),
            "{path} is missing from openapi.json"
        );
        n += 1;
    }
    assert!(n >= 18, "found only {n} routes");
}
