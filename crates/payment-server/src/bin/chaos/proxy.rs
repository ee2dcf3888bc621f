//! The fault-injecting proxy between the payment server and the gateway.
//!
//! It speaks just enough HTTP/1.1 over raw TCP to forward one request per connection (every
//! answer says `connection: close`, so the server's client never reuses a connection the proxy
//! may have cut, which would add failures nobody counted). Working at the socket level is
//! what lets it cut a connection with a real TCP reset in the middle of an answer.
//!
//! Each SOAP call draws from the seeded generator whether it gets a fault and which one:
//!
//! | kind | the gateway processed it? | the caller sees |
//! |---|---|---|
//! | `hold_answer` | yes | nothing until its timeout (the answer comes later, to nobody) |
//! | `reset_after_processing` | yes | half an answer, then a connection reset |
//! | `late_request` | yes, after the caller gave up | nothing until its timeout |
//! | `unavailable_503` | no | HTTP 503 |
//! | `error_500_after_processing` | yes | HTTP 500 with an HTML body |

use std::collections::BTreeMap;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::net::{TcpListener, TcpStream};

/// The fault kinds, in the order of the summary.
pub const KINDS: [Fault; 5] = [
    Fault::HoldAnswer,
    Fault::ResetAfterProcessing,
    Fault::LateRequest,
    Fault::Unavailable,
    Fault::ErrorAfterProcessing,
];

/// One kind of injected failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fault {
    /// Forwarded and processed; the answer is held past the caller's timeout.
    HoldAnswer,
    /// Forwarded and processed; the answer is cut halfway by a TCP reset.
    ResetAfterProcessing,
    /// The request itself is held past the caller's timeout, then delivered.
    LateRequest,
    /// 503 without forwarding.
    Unavailable,
    /// Forwarded and processed, then answered 500 with a body that is not SOAP.
    ErrorAfterProcessing,
}

impl Fault {
    /// Name in the summary.
    pub fn name(self) -> &'static str {
        match self {
            Self::HoldAnswer => "hold_answer",
            Self::ResetAfterProcessing => "reset_after_processing",
            Self::LateRequest => "late_request",
            Self::Unavailable => "unavailable_503",
            Self::ErrorAfterProcessing => "error_500_after_processing",
        }
    }
}

/// Counters of the proxy.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// SOAP calls seen, by operation.
    pub calls: BTreeMap<String, u64>,
    /// Faults injected, by kind then operation.
    pub faults: BTreeMap<Fault, BTreeMap<String, u64>>,
    /// Late requests delivered before the server's not-found grace had passed.
    pub late_within_grace: u64,
    /// Late requests delivered after it.
    pub late_after_grace: u64,
}

impl Stats {
    /// Faults of one kind, all operations.
    pub fn total(&self, kind: Fault) -> u64 {
        self.faults
            .get(&kind)
            .map(|m| m.values().sum())
            .unwrap_or(0)
    }
}

/// How the proxy misbehaves.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Share of SOAP calls that get a fault (0–1).
    pub rate: f64,
    /// The caller's per-call timeout: holds are longer.
    pub caller_timeout: Duration,
    /// The server's not-found grace: late requests land on both sides of it.
    pub grace: Duration,
}

struct Shared {
    upstream: String,
    client: reqwest::Client,
    settings: Settings,
    enabled: AtomicBool,
    rng: Mutex<StdRng>,
    stats: Mutex<Stats>,
    in_flight: AtomicUsize,
}

/// A running proxy (clones share it).
#[derive(Clone)]
pub struct Proxy {
    /// Its base URL.
    pub url: String,
    shared: Arc<Shared>,
}

impl Proxy {
    /// Starts a proxy in front of `upstream` on a loopback port.
    pub async fn start(
        upstream: &str,
        seed: u64,
        settings: Settings,
    ) -> Result<Self, Box<dyn std::error::Error>> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let client =
            payment_server::http::client(Duration::from_secs(60)).ok_or("no HTTP client")?;
        let shared = Arc::new(Shared {
            upstream: upstream.trim_end_matches('/').to_owned(),
            client,
            settings,
            enabled: AtomicBool::new(true),
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
            stats: Mutex::new(Stats::default()),
            in_flight: AtomicUsize::new(0),
        });
        let s = shared.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let s = s.clone();
                // Each connection runs to its end in its own task, never cancelled: a request
                // the caller gave up on still reaches the gateway, as it would over a network.
                tokio::spawn(async move { handle(&s, stream).await });
            }
        });
        Ok(Self {
            url: format!("http://{addr}"),
            shared,
        })
    }

    /// Turns fault injection on or off (requests already held keep their fate).
    pub fn set_enabled(&self, on: bool) {
        self.shared.enabled.store(on, Ordering::SeqCst);
    }

    /// Requests being held or forwarded right now.
    pub fn in_flight(&self) -> usize {
        self.shared.in_flight.load(Ordering::SeqCst)
    }

    /// A copy of the counters.
    pub fn stats(&self) -> Stats {
        self.shared
            .stats
            .lock()
            .map(|s| s.clone())
            .unwrap_or_default()
    }
}

/// Counts a request in flight for as long as it lives.
struct InFlight<'a>(&'a AtomicUsize);

impl<'a> InFlight<'a> {
    fn new(n: &'a AtomicUsize) -> Self {
        n.fetch_add(1, Ordering::SeqCst);
        Self(n)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

struct Request {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The SOAP operation: the `SOAPAction` header, else the first element inside the SOAP
    /// Body (`doAuthorizationRequest` → `doAuthorization`).
    fn operation(&self) -> Option<String> {
        if let Some(a) = self
            .header("soapaction")
            .map(|a| a.trim().trim_matches('"'))
            .filter(|a| !a.is_empty())
        {
            return Some(a.rsplit(['/', '#']).next().unwrap_or(a).to_owned());
        }
        let text = String::from_utf8_lossy(&self.body);
        let after_body = &text[text.find("Body")?..];
        let start = after_body.find('<')? + 1;
        let tag: String = after_body[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == ':' || *c == '_')
            .collect();
        let local = tag.rsplit(':').next().unwrap_or(&tag);
        Some(local.strip_suffix("Request").unwrap_or(local).to_owned())
    }
}

struct Answer {
    status: u16,
    content_type: String,
    body: Vec<u8>,
}

async fn handle(s: &Shared, stream: TcpStream) {
    let _guard = InFlight::new(&s.in_flight);
    let Ok(Some(req)) = read_request(&stream).await else {
        return;
    };
    let op = req.operation().filter(|_| req.path.contains("/services/"));
    let fault = match &op {
        Some(op) => decide(s, op),
        None => None,
    };
    match fault {
        None => {
            let answer = forward(s, &req).await;
            let _ = write_answer(&stream, &answer, None).await;
        }
        Some((Fault::HoldAnswer, hold)) => {
            let answer = forward(s, &req).await;
            tokio::time::sleep(hold).await;
            // The caller has given up: this write goes nowhere, or fails.
            let _ = write_answer(&stream, &answer, None).await;
        }
        Some((Fault::ResetAfterProcessing, _)) => {
            let answer = forward(s, &req).await;
            let half = answer.body.len() / 2;
            let _ = write_answer(&stream, &answer, Some(half)).await;
            // SO_LINGER 0: closing sends a TCP reset instead of a clean end of stream.
            let _ = stream.set_zero_linger();
            drop(stream);
        }
        Some((Fault::LateRequest, hold)) => {
            tokio::time::sleep(hold).await;
            // Delivered after the caller's timeout; its answer has nowhere to go.
            let _ = forward(s, &req).await;
            if let Ok(mut st) = s.stats.lock() {
                if hold < s.settings.grace {
                    st.late_within_grace += 1;
                } else {
                    st.late_after_grace += 1;
                }
            }
        }
        Some((Fault::Unavailable, _)) => {
            let answer = Answer {
                status: 503,
                content_type: "text/plain".into(),
                body: b"Service Unavailable".to_vec(),
            };
            let _ = write_answer(&stream, &answer, None).await;
        }
        Some((Fault::ErrorAfterProcessing, _)) => {
            let _ = forward(s, &req).await;
            let answer = Answer {
                status: 500,
                content_type: "text/html".into(),
                body: b"<html><body><h1>500 Internal Server Error</h1></body></html>".to_vec(),
            };
            let _ = write_answer(&stream, &answer, None).await;
        }
    }
}

/// Counts the call and draws its fault (with how long to hold, for the holding kinds).
fn decide(s: &Shared, op: &str) -> Option<(Fault, Duration)> {
    let enabled = s.enabled.load(Ordering::SeqCst);
    let drawn = {
        let mut rng = s.rng.lock().ok()?;
        // Drawn whether or not faults are on, so that turning them off changes no later draw.
        let hit = rng.random_bool(s.settings.rate.clamp(0.0, 1.0));
        let kind = KINDS[rng.random_range(0..KINDS.len())];
        let timeout = s.settings.caller_timeout.as_millis() as u64;
        let grace = s.settings.grace.as_millis() as u64;
        let hold = match kind {
            // Past the caller's timeout, by a margin that still lets the answer arrive while
            // the caller's next request may be running.
            Fault::HoldAnswer => timeout + rng.random_range(300..=1500),
            // From just past the caller's timeout to twice the grace: some requests land while
            // the server must still treat "not found" as "maybe later", others after it decided.
            Fault::LateRequest => rng.random_range(timeout + 200..=(2 * grace).max(timeout + 400)),
            _ => 0,
        };
        (hit, kind, Duration::from_millis(hold))
    };
    if let Ok(mut st) = s.stats.lock() {
        *st.calls.entry(op.to_owned()).or_default() += 1;
        if enabled && drawn.0 {
            *st.faults
                .entry(drawn.1)
                .or_default()
                .entry(op.to_owned())
                .or_default() += 1;
        }
    }
    (enabled && drawn.0).then_some((drawn.1, drawn.2))
}

async fn forward(s: &Shared, req: &Request) -> Answer {
    let url = format!("{}{}", s.upstream, req.path);
    let method =
        reqwest::Method::from_bytes(req.method.as_bytes()).unwrap_or(reqwest::Method::POST);
    let mut rb = s.client.request(method, url);
    for (k, v) in &req.headers {
        let skip = ["host", "content-length", "connection", "transfer-encoding"]
            .iter()
            .any(|h| k.eq_ignore_ascii_case(h));
        if !skip {
            rb = rb.header(k.as_str(), v.as_str());
        }
    }
    let bad_gateway = |why: &str| Answer {
        status: 502,
        content_type: "text/plain".into(),
        body: why.as_bytes().to_vec(),
    };
    let res = match rb.body(req.body.clone()).send().await {
        Ok(r) => r,
        Err(_) => return bad_gateway("upstream unreachable"),
    };
    let status = res.status().as_u16();
    let content_type = res
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("text/xml; charset=utf-8")
        .to_owned();
    match res.bytes().await {
        Ok(b) => Answer {
            status,
            content_type,
            body: b.to_vec(),
        },
        Err(_) => bad_gateway("upstream answer lost"),
    }
}

/// Reads one request (head, then a `content-length` body). `None` when the peer closed first.
async fn read_request(stream: &TcpStream) -> io::Result<Option<Request>> {
    const MAX_HEAD: usize = 64 * 1024;
    const MAX_BODY: usize = 4 * 1024 * 1024;
    let mut buf = Vec::with_capacity(8192);
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_HEAD {
            return Err(io::Error::other("request head too large"));
        }
        let n = read_some(stream, &mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or("POST").to_owned();
    let path = first.next().unwrap_or("/").to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let len = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    if len > MAX_BODY {
        return Err(io::Error::other("request body too large"));
    }
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < len {
        let n = read_some(stream, &mut chunk).await?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "body cut short",
            ));
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(len);
    Ok(Some(Request {
        method,
        path,
        headers,
        body,
    }))
}

/// Writes an answer; with `cut_at`, only that many body bytes (the head announces them all).
async fn write_answer(stream: &TcpStream, a: &Answer, cut_at: Option<usize>) -> io::Result<()> {
    let reason = match a.status {
        200 => "OK",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    };
    let head = format!(
        "HTTP/1.1 {} {reason}\r\ncontent-type: {}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        a.status,
        a.content_type,
        a.body.len()
    );
    write_all(stream, head.as_bytes()).await?;
    let body = match cut_at {
        Some(n) => &a.body[..n.min(a.body.len())],
        None => &a.body[..],
    };
    write_all(stream, body).await
}

// Readiness-based I/O: the crate's tokio has no `io-util` feature, and these two loops are all
// the proxy needs.
async fn read_some(stream: &TcpStream, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        stream.readable().await?;
        match stream.try_read(buf) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => return Err(e),
        }
    }
}

async fn write_all(stream: &TcpStream, mut data: &[u8]) -> io::Result<()> {
    while !data.is_empty() {
        stream.writable().await?;
        match stream.try_write(data) {
            Ok(n) => data = &data[n..],
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
