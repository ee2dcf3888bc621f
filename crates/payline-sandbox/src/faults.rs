//! Outage rehearsal: faults injected on the SOAP endpoints, and what the fail-over clients sent.
//!
//! Faults live in memory (they are a test harness, not gateway state): a restart clears them.

use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How long a `timeout_*` fault holds its answer unless told otherwise: past any sensible
/// client timeout, under the sandbox's own request time limit (which then answers 408).
pub(crate) const DEFAULT_HOLD: Duration = Duration::from_secs(25);
/// Most `x-failover-*` header sets remembered (the oldest are dropped).
const MAX_SEEN: usize = 200;

/// What a fault does to a SOAP call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum FaultMode {
    /// HTTP 503 without a body, before anything is processed: a load balancer with no server.
    #[serde(rename = "http_503")]
    Http503,
    /// The operation is processed and committed, then the answer is HTTP 500 without a body.
    #[serde(rename = "http_500_after_processing")]
    Http500AfterProcessing,
    /// The answer is held past the client's timeout; nothing is processed.
    TimeoutBeforeProcessing,
    /// The operation is processed and committed, then the answer is held past the client's
    /// timeout.
    TimeoutAfterProcessing,
    /// The operation is processed and committed, then the connection is reset without answer.
    ResetAfterProcessing,
    /// A response with result code `04901` (system error); nothing is processed.
    #[serde(rename = "result_04901")]
    Result04901,
    /// A response with result code `02101` (internal error); nothing is processed.
    #[serde(rename = "result_02101")]
    Result02101,
    /// The endpoint directory answers 404.
    DirectoryNotFound,
    /// The endpoint directory answers something that is not its JSON.
    DirectoryMalformed,
    /// The endpoint directory lists no url.
    DirectoryEmpty,
    /// The endpoint directory answers with a redirect to itself (a client must not follow).
    DirectoryRedirect,
}

impl FaultMode {
    /// True for the faults of the directory rather than of SOAP calls.
    pub(crate) fn is_directory(self) -> bool {
        matches!(
            self,
            Self::DirectoryNotFound
                | Self::DirectoryMalformed
                | Self::DirectoryEmpty
                | Self::DirectoryRedirect
        )
    }
}

/// One fault and how often it struck.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Fault {
    /// Its id, in creation order.
    pub id: u64,
    /// Endpoint index it applies to; every endpoint when absent.
    pub endpoint: Option<usize>,
    /// SOAP operation it applies to; every operation when absent.
    pub operation: Option<String>,
    /// What it does.
    pub mode: FaultMode,
    /// Calls it may still hit; unlimited when absent.
    pub remaining: Option<u64>,
    /// Calls it hit.
    pub hits: u64,
    /// How long a `timeout_*` fault holds the answer, in milliseconds.
    pub hold_ms: u64,
}

/// The fail-over headers of one SOAP call (Payline PHP SDK `x-failover-*`).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SeenHeaders {
    /// Endpoint the call came in on.
    pub endpoint: usize,
    /// SOAP operation.
    pub operation: String,
    /// `x-failover-cause`.
    pub cause: Option<String>,
    /// `x-failover-duration`.
    pub duration: Option<String>,
    /// `x-failover-origin`.
    pub origin: Option<String>,
    /// `x-failover-index`.
    pub index: Option<String>,
}

#[derive(Debug, Default)]
struct Book {
    next_id: u64,
    faults: Vec<Fault>,
    seen: Vec<SeenHeaders>,
    directory_reads: u64,
}

/// Every fault, the headers seen and the directory reads. Shared by all endpoints.
#[derive(Debug, Default)]
pub(crate) struct FaultBook(Mutex<Book>);

/// What `GET /sandbox/faults` shows.
#[derive(Debug, Serialize)]
pub(crate) struct FaultsView {
    /// The faults, with their hits.
    pub faults: Vec<Fault>,
    /// `x-failover-*` headers received, oldest first.
    pub failover_headers_seen: Vec<SeenHeaders>,
    /// Reads of the endpoint directory.
    pub directory_reads: u64,
}

impl FaultBook {
    fn with<R>(&self, f: impl FnOnce(&mut Book) -> R) -> R {
        let mut guard = self.0.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    /// Adds a fault; returns it.
    pub(crate) fn add(
        &self,
        endpoint: Option<usize>,
        operation: Option<String>,
        mode: FaultMode,
        count: Option<u64>,
        hold: Duration,
    ) -> Fault {
        self.with(|book| {
            book.next_id += 1;
            let fault = Fault {
                id: book.next_id,
                endpoint,
                operation,
                mode,
                remaining: count,
                hits: 0,
                hold_ms: u64::try_from(hold.as_millis()).unwrap_or(u64::MAX),
            };
            book.faults.push(fault.clone());
            fault
        })
    }

    /// Removes every fault and forgets the headers seen and the directory reads.
    pub(crate) fn clear(&self) {
        self.with(|book| *book = Book::default());
    }

    /// A snapshot.
    pub(crate) fn view(&self) -> FaultsView {
        self.with(|book| FaultsView {
            faults: book.faults.clone(),
            failover_headers_seen: book.seen.clone(),
            directory_reads: book.directory_reads,
        })
    }

    /// The first SOAP fault for a call of `operation` on `endpoint` that still has hits left;
    /// counts the hit.
    pub(crate) fn strike(&self, endpoint: usize, operation: &str) -> Option<(FaultMode, Duration)> {
        self.with(|book| {
            let fault = book.faults.iter_mut().find(|f| {
                !f.mode.is_directory()
                    && f.endpoint.is_none_or(|e| e == endpoint)
                    && f.operation.as_deref().is_none_or(|o| o == operation)
                    && f.remaining != Some(0)
            })?;
            fault.hits += 1;
            if let Some(r) = fault.remaining.as_mut() {
                *r -= 1;
            }
            Some((fault.mode, Duration::from_millis(fault.hold_ms)))
        })
    }

    /// Counts a directory read and returns the directory fault in force, if any.
    pub(crate) fn directory_read(&self) -> Option<FaultMode> {
        self.with(|book| {
            book.directory_reads += 1;
            let fault = book
                .faults
                .iter_mut()
                .find(|f| f.mode.is_directory() && f.remaining != Some(0))?;
            fault.hits += 1;
            if let Some(r) = fault.remaining.as_mut() {
                *r -= 1;
            }
            Some(fault.mode)
        })
    }

    /// Remembers the fail-over headers of a call.
    pub(crate) fn saw(&self, headers: SeenHeaders) {
        self.with(|book| {
            if book.seen.len() >= MAX_SEEN {
                book.seen.remove(0);
            }
            book.seen.push(headers);
        });
    }
}
