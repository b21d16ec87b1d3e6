//! What a response says about waiting: its `X-RateLimit-*` state and `Retry-After`, read once.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::header::HeaderMap;
use http::StatusCode;

/// The `X-RateLimit-*` state a response advertised.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// `X-RateLimit-Limit`: requests allowed in the window.
    pub limit: Option<u64>,
    /// `X-RateLimit-Remaining`: requests left in the window.
    pub remaining: Option<u64>,
    /// `X-RateLimit-Reset`: when the window resets (a UNIX timestamp on the wire; values too
    /// small to be one are read as seconds from now).
    pub reset: Option<SystemTime>,
    /// `Retry-After`, as a delay from when the response arrived.
    pub retry_after: Option<Duration>,
}

impl RateLimit {
    /// Reads the `X-RateLimit-*` and `Retry-After` headers; malformed values count as absent.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        Self::from_headers_at(headers, SystemTime::now())
    }

    pub(crate) fn from_headers_at(headers: &HeaderMap, now: SystemTime) -> Self {
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
        let number = |name: &str| text(name).and_then(|v| v.parse::<u64>().ok());
        Self {
            limit: number("x-ratelimit-limit"),
            remaining: number("x-ratelimit-remaining"),
            reset: number("x-ratelimit-reset").map(|value| reset_time(value, now)),
            retry_after: text("retry-after").and_then(|v| parse_retry_after_at(v, now)),
        }
    }
}

/// Values below this are read as seconds from now: no window resets before 2001, and some servers
/// send a delay in this header despite the UNIX timestamp the specs document.
const RESET_EPOCH_THRESHOLD: u64 = 1_000_000_000;

fn reset_time(value: u64, now: SystemTime) -> SystemTime {
    let at = if value < RESET_EPOCH_THRESHOLD {
        now.checked_add(Duration::from_secs(value))
    } else {
        UNIX_EPOCH.checked_add(Duration::from_secs(value))
    };
    // Only absurd values overflow SystemTime; treat them as "far in the future".
    at.unwrap_or(now + Duration::from_secs(86_400 * 365))
}

/// `Retry-After` is either delay-seconds or an HTTP date; a date in the past means no wait.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    parse_retry_after_at(value, SystemTime::now())
}

pub(super) fn parse_retry_after_at(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// What a response says about waiting before the next request, read once when it arrives:
/// the retry policy and the pacer both take it from here.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerWait {
    /// `Retry-After`, from when the response arrived.
    pub retry_after: Option<Duration>,
    /// Until `X-RateLimit-Reset`, from when the response arrived (zero once it is past).
    pub until_reset: Option<Duration>,
    /// Whether the response says the window is used up: a 429, or `X-RateLimit-Remaining: 0`.
    pub exhausted: bool,
    /// The header the wait comes from, as the server sent it (`Retry-After: 120`), for errors.
    pub header: Option<String>,
}

impl ServerWait {
    /// Reads the wait from a response's status and headers, at `now`.
    pub(crate) fn read(status: StatusCode, headers: &HeaderMap, rate_limit: &RateLimit, now: SystemTime) -> Self {
        let exhausted = rate_limit.remaining == Some(0) || status == StatusCode::TOO_MANY_REQUESTS;
        let until_reset = rate_limit.reset.map(|reset| reset.duration_since(now).unwrap_or(Duration::ZERO));
        let quoted = |name: &str| {
            let value = headers.get(name).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())?;
            // A header is quoted in errors: a few dozen characters say what it asked.
            let value: String = value.chars().take(64).collect();
            Some(format!("{name}: {value}"))
        };
        let header = if rate_limit.retry_after.is_some() {
            quoted("Retry-After")
        } else if exhausted && until_reset.is_some() {
            quoted("X-RateLimit-Reset")
        } else {
            None
        };
        Self { retry_after: rate_limit.retry_after, until_reset, exhausted, header }
    }

    /// The wait asked for before the next request: `Retry-After`, or — when the window is used
    /// up — the time until `X-RateLimit-Reset`.
    pub fn wait(&self) -> Option<Duration> {
        self.retry_after.or(self.until_reset.filter(|_| self.exhausted))
    }
}
