//! What the sandbox saw: a snapshot a test can assert on.

use std::collections::{BTreeMap, VecDeque};

use axum::http::{HeaderMap, Method, Uri};

/// How many recent requests [`Stats::recent`] keeps.
pub const RECENT_REQUESTS: usize = 256;

/// One request as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// Header names lowercased, in arrival order; non-UTF-8 values lossily decoded.
    pub headers: Vec<(String, String)>,
}

impl RecordedRequest {
    pub(crate) fn new(method: &Method, uri: &Uri, headers: &HeaderMap) -> Self {
        RecordedRequest {
            method: method.as_str().to_owned(),
            path: uri.path().to_owned(),
            query: uri.query().map(str::to_owned),
            headers: headers
                .iter()
                .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                .collect(),
        }
    }

    /// The first value of a header (name matched case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The first value of a query parameter, percent-decoded (`+` as a space).
    pub fn query_param(&self, name: &str) -> Option<String> {
        crate::providers::parse_query(self.query.as_deref().unwrap_or(""))
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }
}

/// A snapshot of what the sandbox has seen since it started (or since the last reset).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Every request received, including dropped and redirected ones.
    pub total_requests: u64,
    /// Requests per path (no query).
    pub requests_by_path: BTreeMap<String, u64>,
    /// Responses sent, by status (a dropped connection sends none).
    pub responses_by_status: BTreeMap<u16, u64>,
    /// 429s answered, by the rate limiter or a burst fault.
    pub rate_limited: u64,
    /// Connections closed on purpose without a response.
    pub dropped_connections: u64,
    /// The last request received.
    pub last_request: Option<RecordedRequest>,
    /// The last [`RECENT_REQUESTS`] requests, oldest first.
    pub recent: Vec<RecordedRequest>,
}

impl Stats {
    /// Requests received on `path` (e.g. `/v1/media`).
    pub fn requests_to(&self, path: &str) -> u64 {
        self.requests_by_path.get(path).copied().unwrap_or(0)
    }

    /// Responses sent with `status`.
    pub fn responses_with(&self, status: u16) -> u64 {
        self.responses_by_status.get(&status).copied().unwrap_or(0)
    }
}

#[derive(Default)]
pub(crate) struct Recorder {
    stats: Stats,
    recent: VecDeque<RecordedRequest>,
}

impl Recorder {
    pub fn request(&mut self, req: RecordedRequest) {
        self.stats.total_requests += 1;
        *self.stats.requests_by_path.entry(req.path.clone()).or_default() += 1;
        if self.recent.len() == RECENT_REQUESTS {
            self.recent.pop_front();
        }
        self.recent.push_back(req.clone());
        self.stats.last_request = Some(req);
    }

    pub fn response(&mut self, status: u16) {
        *self.stats.responses_by_status.entry(status).or_default() += 1;
        if status == 429 {
            self.stats.rate_limited += 1;
        }
    }

    pub fn dropped(&mut self) {
        self.stats.dropped_connections += 1;
    }

    pub fn snapshot(&self) -> Stats {
        Stats { recent: self.recent.iter().cloned().collect(), ..self.stats.clone() }
    }

    pub fn reset(&mut self) {
        *self = Recorder::default();
    }
}
