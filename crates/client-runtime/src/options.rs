//! Per-call choices a request can carry: [`RequestOptions`].

use std::time::Duration;

use crate::retry::RetryPolicy;

/// What one call may change about how it is sent, whatever the client's configuration:
/// `client.list_media().options(RequestOptions::new().timeout(Duration::from_secs(5))).send()`.
///
/// Unset fields keep the client's choice. The header values here are sent only to the API's
/// origin (a redirect elsewhere drops them with every credential).
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct RequestOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) idempotency_key: Option<String>,
}

impl RequestOptions {
    /// No change from the client's configuration.
    pub fn new() -> Self {
        Self::default()
    }

    /// Limit on each attempt of this call, instead of the client's `.timeout(…)`.
    #[must_use]
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = Some(limit);
        self
    }

    /// Sends this call once: no retries.
    #[must_use]
    pub fn no_retries(mut self) -> Self {
        self.retry = Some(RetryPolicy::disabled());
        self
    }

    /// Retries this call by `policy` instead of the client's. The client's retry bucket still
    /// pays for the retries.
    #[must_use]
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// One more header for this call (added after the operation's own).
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sends `Idempotency-Key: key`, which makes the call safe to retry whatever its method: the
    /// server carries out one request per key, however often it arrives.
    #[must_use]
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// The per-attempt time limit, if set.
    pub fn timeout_value(&self) -> Option<Duration> {
        self.timeout
    }

    /// The retry policy, if set.
    pub fn retry_value(&self) -> Option<&RetryPolicy> {
        self.retry.as_ref()
    }

    /// The idempotency key, if set.
    pub fn idempotency_key_value(&self) -> Option<&str> {
        self.idempotency_key.as_deref()
    }

    /// `later` on top of `self`: its fields where set, headers appended.
    pub(crate) fn merge(mut self, later: RequestOptions) -> Self {
        self.timeout = later.timeout.or(self.timeout);
        self.retry = later.retry.or(self.retry);
        self.headers.extend(later.headers);
        self.idempotency_key = later.idempotency_key.or(self.idempotency_key);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Request;
    use reqwest::Method;

    #[test]
    fn options_merge_and_an_idempotency_key_makes_a_post_safe_to_retry() {
        let mut request = Request::new("uploadMedia", Method::POST, "/media".into());
        assert!(!request.is_idempotent());
        request.set_options(RequestOptions::new().timeout(Duration::from_secs(5)).header("X-A", "1"));
        request.set_options(RequestOptions::new().idempotency_key("k-1").header("X-B", "2").no_retries());
        let options = request.options();
        assert_eq!(options.timeout_value(), Some(Duration::from_secs(5)), "kept from the first");
        assert_eq!(options.idempotency_key_value(), Some("k-1"));
        assert_eq!(options.retry_value().map(RetryPolicy::max_attempts), Some(1));
        assert_eq!(options.headers.len(), 2);
        assert!(request.is_idempotent());
        request.set_idempotent(false);
        assert!(!request.is_idempotent(), "an explicit mark wins");
    }
}
