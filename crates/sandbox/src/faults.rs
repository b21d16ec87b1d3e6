//! Fault switches: what can go wrong on purpose, set at start or while a test runs.

use std::sync::Arc;
use std::time::Duration;

use crate::config::RateLimitConfig;
use crate::ratelimit::RateLimiter;
use crate::state::{lock, Shared};

/// The default size of an oversized body: over the ~5 MB that microCMS documents as its limit
/// and over 5 MiB, so a client's cap at either figure trips.
pub const DEFAULT_OVERSIZED_BODY_BYTES: usize = 6 * 1024 * 1024;

/// The fault switches. Counters (`rate_limit_burst`, `server_errors`, …) are used up one per
/// request. Each request meets them in this order: latency, dropped connection, redirect, 429
/// burst, 5xx run, then the real rate limit and the key check. The body faults (truncated,
/// malformed, oversized) apply to the next successful responses only, so an auth failure does
/// not use them up; at most one fault of each group hits one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Faults {
    /// Added before every request is answered.
    pub latency: Duration,
    /// The next N requests get a 429 in the provider's envelope, whatever the rate limit says.
    pub rate_limit_burst: u32,
    /// The `Retry-After` (seconds) of those 429s.
    pub burst_retry_after_secs: u64,
    /// The next N requests get `server_error_status` in the provider's envelope.
    pub server_errors: u32,
    /// 500, 502, 503 or 504 (default 503).
    pub server_error_status: u16,
    /// The next N requests are read and then the connection is closed with no response at all.
    pub drop_connections: u32,
    /// The next N successful responses announce their full `Content-Length`, send half the body
    /// and close the connection.
    pub truncate_bodies: u32,
    /// The next N successful responses are complete HTTP messages whose JSON does not parse.
    pub malformed_bodies: u32,
    /// The next N successful responses are valid JSON padded to `oversized_body_bytes`.
    pub oversized_bodies: u32,
    pub oversized_body_bytes: usize,
    /// After each list request, K new items appear at the front (newest first), so a client
    /// paging by offset sees items again.
    pub insert_per_request: usize,
    /// After each list request, the K items at the front disappear, so a client paging by
    /// offset skips items.
    pub delete_per_request: usize,
    /// Answer every request with a 307 to the same path and query on this origin
    /// (`http://127.0.0.1:PORT`), as a hostile or misconfigured server would.
    pub redirect_to: Option<String>,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            latency: Duration::ZERO,
            rate_limit_burst: 0,
            burst_retry_after_secs: 1,
            server_errors: 0,
            server_error_status: 503,
            drop_connections: 0,
            truncate_bodies: 0,
            malformed_bodies: 0,
            oversized_bodies: 0,
            oversized_body_bytes: DEFAULT_OVERSIZED_BODY_BYTES,
            insert_per_request: 0,
            delete_per_request: 0,
            redirect_to: None,
        }
    }
}

/// Uses up one unit of a counter; says whether there was one.
pub(crate) fn take(counter: &mut u32) -> bool {
    if *counter > 0 {
        *counter -= 1;
        true
    } else {
        false
    }
}

/// Changes the faults (and the data, and the rate limits) of a running sandbox. Cheap to clone;
/// every clone controls the same server.
#[derive(Clone)]
pub struct FaultHandle {
    pub(crate) shared: Arc<Shared>,
}

impl std::fmt::Debug for FaultHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaultHandle").field("faults", &self.get()).finish()
    }
}

impl FaultHandle {
    fn update(&self, change: impl FnOnce(&mut Faults)) {
        change(&mut lock(&self.shared.faults));
    }

    /// The switches as they are now (counters show what is left).
    pub fn get(&self) -> Faults {
        lock(&self.shared.faults).clone()
    }

    /// Replaces every switch.
    pub fn set(&self, faults: Faults) {
        self.update(|f| *f = faults);
    }

    /// Turns every fault off.
    pub fn clear(&self) {
        self.set(Faults::default());
    }

    pub fn set_latency(&self, latency: Duration) {
        self.update(|f| f.latency = latency);
    }

    /// The next `n` requests get a 429 with `Retry-After: retry_after_secs`.
    pub fn rate_limit_burst(&self, n: u32, retry_after_secs: u64) {
        self.update(|f| {
            f.rate_limit_burst = n;
            f.burst_retry_after_secs = retry_after_secs;
        });
    }

    /// The next `n` requests get `status` (500, 502, 503, 504, …).
    pub fn server_errors(&self, n: u32, status: u16) {
        self.update(|f| {
            f.server_errors = n;
            f.server_error_status = status;
        });
    }

    /// The next `n` requests are answered by closing the connection.
    pub fn drop_connections(&self, n: u32) {
        self.update(|f| f.drop_connections = n);
    }

    /// The next `n` successful bodies are cut in half and the connection closed.
    pub fn truncate_bodies(&self, n: u32) {
        self.update(|f| f.truncate_bodies = n);
    }

    /// The next `n` successful bodies are not valid JSON.
    pub fn malformed_bodies(&self, n: u32) {
        self.update(|f| f.malformed_bodies = n);
    }

    /// The next `n` successful bodies are padded to `bytes` bytes.
    pub fn oversized_bodies(&self, n: u32, bytes: usize) {
        self.update(|f| {
            f.oversized_bodies = n;
            f.oversized_body_bytes = bytes;
        });
    }

    /// After each list request, `k` new items appear at the front.
    pub fn insert_per_request(&self, k: usize) {
        self.update(|f| f.insert_per_request = k);
    }

    /// After each list request, the `k` front items disappear.
    pub fn delete_per_request(&self, k: usize) {
        self.update(|f| f.delete_per_request = k);
    }

    /// Redirects every request (307) to the same path on `origin`; `None` stops it.
    pub fn redirect_to(&self, origin: Option<String>) {
        self.update(|f| f.redirect_to = origin);
    }

    /// Adds `k` new items at the front of the library now.
    pub fn insert_items(&self, k: usize) {
        lock(&self.shared.store).insert_front(k);
    }

    /// Deletes the `k` front items of the library now.
    pub fn delete_items(&self, k: usize) {
        lock(&self.shared.store).delete_front(k);
    }

    /// Replaces the rate limits (`None`: off, no headers); the windows start afresh.
    pub fn set_rate_limit(&self, limits: Option<RateLimitConfig>) {
        *lock(&self.shared.limiter) = limits.map(RateLimiter::new);
    }
}
