//! Prometheus text metrics: HTTP requests, gateway calls by operation and result code, and
//! their latencies. A small hand-written registry: a handful of series, no exporter crate (the
//! crate README's design notes say why).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Upper bounds of the latency histograms, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Debug, Default, Clone)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, secs: f64) {
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                self.counts[i] += 1;
            }
        }
        self.sum += secs;
        self.count += 1;
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        for (i, b) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                out,
                "{name}_bucket{{{labels},le=\"{b}\"}} {}",
                self.counts[i]
            );
        }
        let _ = writeln!(out, "{name}_bucket{{{labels},le=\"+Inf\"}} {}", self.count);
        let _ = writeln!(out, "{name}_sum{{{labels}}} {}", self.sum);
        let _ = writeln!(out, "{name}_count{{{labels}}} {}", self.count);
    }
}

#[derive(Debug, Default)]
struct Registry {
    requests: BTreeMap<(String, String, u16), u64>,
    request_latency: BTreeMap<(String, String), Histogram>,
    gateway_calls: BTreeMap<(String, String), u64>,
    gateway_latency: BTreeMap<String, Histogram>,
    failovers: BTreeMap<String, u64>,
    webhook_deliveries: BTreeMap<String, u64>,
    money_events: BTreeMap<String, u64>,
    undecided_age_ms: i64,
}

/// The registry. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Metrics(Arc<Mutex<Registry>>);

/// Label values come from route templates, operation names and 5-character result codes; this
/// keeps anything else (a stray quote or newline) out of the exposition format.
fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || "/{}_-.:".contains(*c))
        .take(80)
        .collect()
}

impl Metrics {
    fn with<R>(&self, f: impl FnOnce(&mut Registry) -> R) -> R {
        let mut guard = match self.0.lock() {
            Ok(g) => g,
            // A panic elsewhere while holding the lock leaves plain counters, still usable.
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }

    /// One HTTP request on `route` (the route template, not the path: ids stay out).
    pub fn http_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let (m, r) = (clean(method), clean(route));
        self.with(|reg| {
            *reg.requests
                .entry((m.clone(), r.clone(), status))
                .or_default() += 1;
            reg.request_latency
                .entry((m, r))
                .or_default()
                .observe(elapsed.as_secs_f64());
        });
    }

    /// One gateway call and its result code (`timeout`, `network`, `fault` when none).
    pub fn gateway_call(&self, operation: &str, code: &str, elapsed: Duration) {
        let (op, c) = (clean(operation), clean(code));
        self.with(|reg| {
            *reg.gateway_calls.entry((op.clone(), c)).or_default() += 1;
            reg.gateway_latency
                .entry(op)
                .or_default()
                .observe(elapsed.as_secs_f64());
        });
    }

    /// One move of a Payline call to the next endpoint, by cause (`HTTP_503`, `CONNECT`,
    /// `TIMEOUT`, `APP_04901`, …).
    pub fn failover(&self, cause: &str) {
        let c = clean(cause);
        self.with(|reg| *reg.failovers.entry(c).or_default() += 1);
    }

    /// One webhook delivery attempt (`delivered`, `failed`).
    pub fn webhook(&self, outcome: &str) {
        let o = clean(outcome);
        self.with(|reg| *reg.webhook_deliveries.entry(o).or_default() += 1);
    }

    /// Counts a money-safety event (`authorization_unknown`, `orphan_found`,
    /// `orphan_cancelled`, `reconciled_<state>`, `operation_unknown`, …).
    pub fn money(&self, event: &str) {
        self.with(|r| *r.money_events.entry(clean(event)).or_default() += 1);
    }

    /// Age of the oldest undecided authorization (0: none).
    pub fn set_undecided_age(&self, ms: i64) {
        self.with(|r| r.undecided_age_ms = ms);
    }

    /// Prometheus text exposition format 0.0.4.
    pub fn render(&self) -> String {
        self.with(|reg| {
            let mut out = String::new();
            out.push_str("# HELP http_requests_total HTTP requests by method, route and status.\n");
            out.push_str("# TYPE http_requests_total counter\n");
            for ((m, r, s), n) in &reg.requests {
                let _ = writeln!(out, "http_requests_total{{method=\"{m}\",route=\"{r}\",status=\"{s}\"}} {n}");
            }
            out.push_str("# HELP http_request_duration_seconds HTTP request latency.\n");
            out.push_str("# TYPE http_request_duration_seconds histogram\n");
            for ((m, r), h) in &reg.request_latency {
                h.render(&mut out, "http_request_duration_seconds", &format!("method=\"{m}\",route=\"{r}\""));
            }
            out.push_str("# HELP payline_calls_total Payline web service calls by operation and result code.\n");
            out.push_str("# TYPE payline_calls_total counter\n");
            for ((op, c), n) in &reg.gateway_calls {
                let _ = writeln!(out, "payline_calls_total{{operation=\"{op}\",code=\"{c}\"}} {n}");
            }
            out.push_str("# HELP payline_call_duration_seconds Payline web service call latency.\n");
            out.push_str("# TYPE payline_call_duration_seconds histogram\n");
            for (op, h) in &reg.gateway_latency {
                h.render(&mut out, "payline_call_duration_seconds", &format!("operation=\"{op}\""));
            }
            out.push_str("# HELP payline_failovers_total Payline calls moved to the next endpoint, by cause.\n");
            out.push_str("# TYPE payline_failovers_total counter\n");
            for (c, n) in &reg.failovers {
                let _ = writeln!(out, "payline_failovers_total{{cause=\"{c}\"}} {n}");
            }
            out.push_str("# HELP shop_webhook_deliveries_total Shop webhook delivery attempts by outcome.\n");
            out.push_str("# TYPE shop_webhook_deliveries_total counter\n");
            for (o, n) in &reg.webhook_deliveries {
                let _ = writeln!(out, "shop_webhook_deliveries_total{{outcome=\"{o}\"}} {n}");
            }
            out.push_str("# HELP payment_safety_events_total Unknown outcomes, reconciliations and orphan authorizations found and cancelled.\n");
            out.push_str("# TYPE payment_safety_events_total counter\n");
            for (e, n) in &reg.money_events {
                let _ = writeln!(out, "payment_safety_events_total{{event=\"{e}\"}} {n}");
            }
            out.push_str("# HELP payment_undecided_oldest_seconds Age of the oldest authorization whose outcome is not decided yet.\n");
            out.push_str("# TYPE payment_undecided_oldest_seconds gauge\n");
            let _ = writeln!(out, "payment_undecided_oldest_seconds {}", reg.undecided_age_ms as f64 / 1000.0);
            out
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histograms() {
        let m = Metrics::default();
        m.http_request(
            "POST",
            "/api/checkout-sessions",
            201,
            Duration::from_millis(3),
        );
        m.gateway_call("doAuthorization", "00000", Duration::from_millis(20));
        m.gateway_call("doAuthorization\n\"x", "timeout", Duration::from_secs(11));
        let text = m.render();
        assert!(text.contains(
            "http_requests_total{method=\"POST\",route=\"/api/checkout-sessions\",status=\"201\"} 1"
        ));
        assert!(
            text.contains("payline_calls_total{operation=\"doAuthorization\",code=\"00000\"} 1")
        );
        assert!(text.contains(
            "payline_call_duration_seconds_bucket{operation=\"doAuthorization\",le=\"0.025\"} 1"
        ));
        assert!(
            text.contains("payline_calls_total{operation=\"doAuthorizationx\",code=\"timeout\"} 1")
        );
        assert!(!text.contains('\r'));
        m.failover("HTTP_503");
        m.failover("HTTP_503");
        assert!(
            m.render()
                .contains("payline_failovers_total{cause=\"HTTP_503\"} 2")
        );
    }
}
