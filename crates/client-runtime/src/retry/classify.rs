//! Which outcomes are worth another attempt: the [`ClassifyRetry`] policy and its default.

use std::fmt;

use crate::request::Request;
use crate::response::ResponseMeta;

/// What one attempt ended with, as the retry policies see it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum AttemptOutcome<'a> {
    /// The server answered, whatever the status. The meta holds the headers and, for an error
    /// status, the provider's code and message ([`ResponseMeta::error_code`],
    /// [`ResponseMeta::error_message`]).
    Response(&'a ResponseMeta),
    /// No answer to classify by status.
    Failure(FailureKind),
}

/// Why an attempt got no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FailureKind {
    /// No connection (refused, DNS, TLS handshake): nothing reached the server.
    Connect,
    /// The connection broke while sending or reading (reset, closed early).
    Connection,
    /// The attempt ran out of time.
    Timeout,
    /// Nothing another attempt could fix (body too large, unusable redirect, bad header value).
    Permanent,
}

/// Whether an outcome is worth another attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryClass {
    /// Trying again may succeed.
    Retryable,
    /// Trying again will not help, or is not safe.
    NotRetryable,
}

/// What a retry policy may know of the request an attempt sent: a read-only view, so the
/// request itself (generated code's to build) stays outside the documented API.
#[derive(Debug, Clone, Copy)]
pub struct AttemptRequest<'a> {
    request: &'a Request,
}

impl<'a> AttemptRequest<'a> {
    pub(crate) fn new(request: &'a Request) -> Self {
        Self { request }
    }
    /// The `operationId`.
    pub fn operation(&self) -> &'static str {
        self.request.operation()
    }
    /// The HTTP method.
    pub fn method(&self) -> &http::Method {
        self.request.method()
    }
    /// The expanded path, relative to the base URL.
    pub fn path(&self) -> &str {
        self.request.path()
    }
    /// Whether sending it twice does what sending it once does: GET, HEAD, PUT, DELETE and
    /// OPTIONS, a request with an idempotency key, or a step marked so (a PUT to storage).
    pub fn is_idempotent(&self) -> bool {
        self.request.is_idempotent()
    }
}

/// Decides which outcomes are worth another attempt.
pub trait ClassifyRetry: fmt::Debug + Send + Sync {
    /// Classifies one attempt's outcome for `request`.
    fn classify(&self, request: &AttemptRequest<'_>, outcome: &AttemptOutcome<'_>) -> RetryClass;
}

/// The default classifier. For a request that may be sent again ([`AttemptRequest::is_idempotent`]:
/// an idempotent method, an idempotency key, or a step marked so such as a PUT to storage) the
/// listed statuses (429, 502, 503, 504) and connection failures or timeouts are retryable. For
/// any other request only what proves the server did not act is: no connection at all, or a
/// listed 429 or 503 (a refusal to take the request). A POST whose answer was lost may have been
/// carried out, and sending it again could create a second media item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandardClassifier {
    statuses: Vec<u16>,
}

impl Default for StandardClassifier {
    fn default() -> Self {
        Self { statuses: vec![429, 502, 503, 504] }
    }
}

impl StandardClassifier {
    /// Retries these statuses instead of 429, 502, 503 and 504.
    pub fn with_statuses(statuses: impl Into<Vec<u16>>) -> Self {
        Self { statuses: statuses.into() }
    }
    /// The statuses retried.
    pub fn statuses(&self) -> &[u16] {
        &self.statuses
    }
}

impl ClassifyRetry for StandardClassifier {
    fn classify(&self, request: &AttemptRequest<'_>, outcome: &AttemptOutcome<'_>) -> RetryClass {
        let safe = request.is_idempotent();
        let retryable = match outcome {
            AttemptOutcome::Response(meta) => {
                let status = meta.status().as_u16();
                self.statuses.contains(&status) && (safe || matches!(status, 429 | 503))
            }
            AttemptOutcome::Failure(FailureKind::Connect) => true,
            AttemptOutcome::Failure(FailureKind::Connection | FailureKind::Timeout) => safe,
            AttemptOutcome::Failure(_) => false,
        };
        if retryable {
            RetryClass::Retryable
        } else {
            RetryClass::NotRetryable
        }
    }
}
