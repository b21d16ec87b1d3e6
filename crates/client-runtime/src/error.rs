//! The one error type a caller matches on. `E` is the operation's typed error: an enum with a
//! variant per error status its spec declares, holding the decoded error envelope.

use std::fmt;
use std::time::Duration;

use crate::response::ResponseMeta;

/// Everything that can go wrong with one call (or one paged listing).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The API answered with an error status its spec declares; the body is decoded.
    Api(ApiError<E>),
    /// The API answered with a status its spec does not declare.
    UnexpectedStatus(UnexpectedStatus),
    /// A parameter was refused before anything was sent.
    InvalidRequest(InvalidRequest),
    /// The request could not be sent or its response not read (DNS, connection refused or reset…).
    Transport(TransportError),
    /// An attempt, or the whole call with its retries, ran out of time.
    Timeout(TimeoutError),
    /// The response body did not match the spec.
    Decode(DecodeError),
    /// The response body was larger than the configured cap.
    BodyTooLarge(BodyTooLarge),
    /// Pacing held the request back longer than the call's time limit allows; nothing was sent.
    RateLimited(RateLimited),
    /// A redirect could not be followed.
    Redirect(RedirectError),
    /// The server asked to wait longer than the client accepts from a server; not retried.
    WaitTooLong(WaitTooLong),
}

impl<E> Error<E> {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status()),
            Error::UnexpectedStatus(e) => Some(e.meta.status().as_u16()),
            Error::Decode(e) => e.status,
            Error::WaitTooLong(e) => Some(e.meta.status().as_u16()),
            _ => None,
        }
    }

    /// The HTTP side of the response (status, headers, request id, rate limit, attempts), when
    /// the server answered.
    pub fn http(&self) -> Option<&ResponseMeta> {
        match self {
            Error::Api(e) => Some(&e.meta),
            Error::UnexpectedStatus(e) => Some(&e.meta),
            Error::WaitTooLong(e) => Some(&e.meta),
            _ => None,
        }
    }

    /// The HTTP side of the response, when the server answered.
    #[deprecated(since = "0.4.0", note = "use .http(), the name `Response` uses too")]
    pub fn meta(&self) -> Option<&ResponseMeta> {
        self.http()
    }

    /// The operation's typed error body, when the API answered with a declared error status.
    pub fn api_error(&self) -> Option<&E> {
        match self {
            Error::Api(e) => Some(&e.error),
            _ => None,
        }
    }

    /// Converts the typed error part, keeping everything else.
    pub fn map_api<F>(self, f: impl FnOnce(E) -> F) -> Error<F> {
        match self {
            Error::Api(e) => Error::Api(ApiError { error: f(e.error), meta: e.meta }),
            Error::UnexpectedStatus(e) => Error::UnexpectedStatus(e),
            Error::InvalidRequest(e) => Error::InvalidRequest(e),
            Error::Transport(e) => Error::Transport(e),
            Error::Timeout(e) => Error::Timeout(e),
            Error::Decode(e) => Error::Decode(e),
            Error::BodyTooLarge(e) => Error::BodyTooLarge(e),
            Error::RateLimited(e) => Error::RateLimited(e),
            Error::Redirect(e) => Error::Redirect(e),
            Error::WaitTooLong(e) => Error::WaitTooLong(e),
        }
    }
}

// Each variant is the error itself, not a wrapper around it: `Display` and `source()` are the
// inner error's, so a chain printed with `{:#}` says every level once.
impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => e.fmt(f),
            Error::UnexpectedStatus(e) => e.fmt(f),
            Error::InvalidRequest(e) => e.fmt(f),
            Error::Transport(e) => e.fmt(f),
            Error::Timeout(e) => e.fmt(f),
            Error::Decode(e) => e.fmt(f),
            Error::BodyTooLarge(e) => e.fmt(f),
            Error::RateLimited(e) => e.fmt(f),
            Error::Redirect(e) => e.fmt(f),
            Error::WaitTooLong(e) => e.fmt(f),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Api(_) | Error::UnexpectedStatus(_) => None,
            Error::InvalidRequest(e) => e.source(),
            Error::Transport(e) => e.source(),
            Error::Timeout(e) => e.source(),
            Error::Decode(e) => e.source(),
            Error::BodyTooLarge(e) => e.source(),
            Error::RateLimited(e) => e.source(),
            Error::Redirect(e) => e.source(),
            Error::WaitTooLong(e) => e.source(),
        }
    }
}

/// A declared error status with its decoded body.
#[derive(Debug)]
#[non_exhaustive]
pub struct ApiError<E> {
    /// The operation's typed error (its variant names the status).
    pub error: E,
    /// Status, headers, rate-limit state and request id (boxed: it would make every
    /// `Result<_, Error<E>>` a few hundred bytes wide).
    pub meta: Box<ResponseMeta>,
}

impl<E> ApiError<E> {
    /// The typed error `error` that arrived with the response `meta` (for tests of code that
    /// handles errors; the client builds its own).
    pub fn new(error: E, meta: ResponseMeta) -> Self {
        Self { error, meta: Box::new(meta) }
    }
    /// Status, headers, rate-limit state and request id of the response.
    pub fn http(&self) -> &ResponseMeta {
        &self.meta
    }
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.meta.status().as_u16()
    }
    /// The provider's request id, to quote when asking its support.
    pub fn request_id(&self) -> Option<&str> {
        self.meta.request_id()
    }
    /// The provider's error code, when the error body has one (see [`ResponseMeta::error_code`]).
    pub fn code(&self) -> Option<&str> {
        self.meta.error_code()
    }
    /// The provider's error message, when the error body has one (see [`ResponseMeta::error_message`]).
    pub fn message(&self) -> Option<&str> {
        self.meta.error_message()
    }
}

/// In words: the status, the provider's code and message, a hint, the request id. The typed
/// body `E` is not printed: its `Debug` is a dump, and what it says is in the code and message.
impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} answered {}", self.meta.operation(), self.meta.status())?;
        write_provider_words(f, &self.meta)?;
        write_outcome_details(f, &self.meta)
    }
}

impl<E: fmt::Debug> std::error::Error for ApiError<E> {}

/// `, error invalid_api_key: "Invalid API key"` — what the provider's own body says, if anything.
fn write_provider_words(f: &mut fmt::Formatter<'_>, meta: &ResponseMeta) -> fmt::Result {
    if let Some(code) = meta.error_code() {
        write!(f, ", error {code}")?;
    }
    if let Some(message) = meta.error_message() {
        write!(f, ": {message:?}")?;
    }
    Ok(())
}

/// What a person can do about a status, after how many attempts, and which request id to quote.
fn write_outcome_details(f: &mut fmt::Formatter<'_>, meta: &ResponseMeta) -> fmt::Result {
    let hint = match meta.status().as_u16() {
        401 => Some("check the API key"),
        403 => Some("the key lacks permission for this operation or resource"),
        429 => Some("rate limited by the server"),
        500..=599 => Some("the server failed; try again later"),
        _ => None,
    };
    if let Some(hint) = hint {
        write!(f, "; {hint}")?;
    }
    if meta.attempts() > 1 {
        write!(f, " (after {} attempts)", meta.attempts())?;
    }
    if let Some(wait) = meta.rate_limit().retry_after {
        write!(f, "; the server asks to wait {}", human_duration(wait))?;
    }
    if let Some(budget) = meta.retry_budget() {
        write!(f, "; not retried: {budget}")?;
    }
    if let Some(id) = meta.request_id() {
        write!(f, " (request id {id})")?;
    }
    Ok(())
}

/// A server asked for a wait past the longest one the client accepts (the longest window the
/// provider documents, or `.max_server_wait(…)`): the call ends at once rather than sleep, and
/// says which header asked.
#[derive(Debug)]
#[non_exhaustive]
pub struct WaitTooLong {
    /// What the server asked for.
    pub wait: Duration,
    /// The longest wait the client accepts.
    pub cap: Duration,
    /// The header that asked, as sent (`Retry-After: 315360000`).
    pub header: String,
    /// The response that asked (boxed, as in [`ApiError`]).
    pub meta: Box<ResponseMeta>,
}

impl fmt::Display for WaitTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} answered {} asking to wait {} ({}), longer than the {} this client waits for a server at most; not retried (raise `.max_server_wait(…)` if the server means it)",
            self.meta.operation(),
            self.meta.status(),
            human_duration(self.wait),
            self.header,
            human_duration(self.cap),
        )?;
        if self.meta.attempts() > 1 {
            write!(f, " (after {} attempts)", self.meta.attempts())?;
        }
        if let Some(id) = self.meta.request_id() {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for WaitTooLong {}

/// A status the spec does not declare for the operation.
#[derive(Debug)]
#[non_exhaustive]
pub struct UnexpectedStatus {
    /// Status, headers, rate-limit state and request id (boxed, as in [`ApiError`]).
    pub meta: Box<ResponseMeta>,
    /// The first bytes of the body, lossily decoded, the key blanked out.
    pub excerpt: String,
}

impl fmt::Display for UnexpectedStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} answered {}, which its spec does not declare", self.meta.operation(), self.meta.status())?;
        write_provider_words(f, &self.meta)?;
        write_outcome_details(f, &self.meta)?;
        // The excerpt is for bodies the provider's words could not be read from.
        if self.meta.error_code().is_none() && self.meta.error_message().is_none() {
            write!(f, "; body starts: {:?}", self.excerpt)?;
        }
        Ok(())
    }
}

impl std::error::Error for UnexpectedStatus {}

/// A parameter refused before sending.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid request for {operation}: parameter `{parameter}` {problem}")]
#[non_exhaustive]
pub struct InvalidRequest {
    /// The `operationId`.
    pub operation: &'static str,
    /// The parameter's name as the spec spells it.
    pub parameter: String,
    /// What is wrong, phrased to follow the parameter's name.
    pub problem: String,
}

impl InvalidRequest {
    /// `parameter` of `operation` refused because it `problem` (phrased to follow the name:
    /// "is 0, below the minimum 1").
    pub fn new(operation: &'static str, parameter: impl Into<String>, problem: impl Into<String>) -> Self {
        Self { operation, parameter: parameter.into(), problem: problem.into() }
    }
}

/// The connection failed or broke. The cause (connection refused, a reset, DNS) is
/// [`source()`](std::error::Error::source).
#[derive(Debug)]
#[non_exhaustive]
pub struct TransportError {
    pub(crate) operation: &'static str,
    pub(crate) attempts: u32,
    /// The HTTP library's error (its URL removed): private, so the library is not part of the API.
    pub(crate) source: reqwest::Error,
    pub(crate) retry_budget: Option<crate::retry::BudgetState>,
    pub(crate) not_retried: Option<&'static str>,
}

impl TransportError {
    /// The `operationId`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }
    /// Attempts made, retries included.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
    /// The client's retry budget, when it is what stopped the retries.
    pub fn retry_budget(&self) -> Option<&crate::retry::BudgetState> {
        self.retry_budget.as_ref()
    }
    /// Why a failure worth retrying was not retried (a one-shot body), when that is the reason.
    pub fn not_retried(&self) -> Option<&'static str> {
        self.not_retried
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: could not reach the server", self.operation)?;
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        if let Some(budget) = &self.retry_budget {
            write!(f, " (not retried: {budget})")?;
        }
        if let Some(why) = self.not_retried {
            write!(f, " (not retried: {why})")?;
        }
        // The cause ("connection refused", "dns error") is `source()`'s to say: printed here too,
        // `{:#}` and error reporters would say it twice.
        Ok(())
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Which limit ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// One attempt's limit ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    Attempt,
    /// The whole call's ([`ClientBuilder::max_total_time`](crate::ClientBuilder::max_total_time)).
    Total,
}

/// Out of time.
#[derive(Debug)]
#[non_exhaustive]
pub struct TimeoutError {
    /// The `operationId`.
    pub operation: &'static str,
    /// Time spent on the call when it was given up.
    pub elapsed: Duration,
    /// Which limit ran out.
    pub kind: TimeoutKind,
    /// Attempts made, retries included.
    pub attempts: u32,
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let elapsed = human_duration(self.elapsed);
        match self.kind {
            TimeoutKind::Attempt => write!(
                f,
                "{}: the server did not answer in time ({elapsed} in all, {} attempt(s)); raise `.timeout(…)` if it is slow",
                self.operation, self.attempts
            ),
            TimeoutKind::Total => write!(
                f,
                "{}: gave up after {elapsed} and {} attempt(s), the call's time limit; raise `.max_total_time(…)` to keep trying longer",
                self.operation, self.attempts
            ),
        }
    }
}

impl std::error::Error for TimeoutError {}

/// A body that does not decode as the spec says.
#[derive(Debug, thiserror::Error)]
#[error("{operation}: could not decode the response{}: {message}; body starts: {excerpt:?}", status.map(|s| format!(" (status {s})")).unwrap_or_default())]
#[non_exhaustive]
pub struct DecodeError {
    /// The `operationId`.
    pub operation: &'static str,
    /// The HTTP status of the undecodable response.
    pub status: Option<u16>,
    /// serde's message, with the line and column.
    pub message: String,
    /// The first bytes of the body, lossily decoded, the key blanked out.
    pub excerpt: String,
}

/// A body over the cap.
#[derive(Debug, thiserror::Error)]
#[error("{operation}: response body exceeds the limit of {limit} bytes; raise it with `.max_response_bytes(…)` if this is expected")]
#[non_exhaustive]
pub struct BodyTooLarge {
    /// The `operationId`.
    pub operation: &'static str,
    /// The cap in bytes.
    pub limit: usize,
}

/// Pacing would have waited past the call's time limit, so nothing was sent.
#[derive(Debug, thiserror::Error)]
#[error("{operation}: not sent: {reason} allows the next request in {}, past the call's time limit; raise `.max_total_time(…)` to wait for it, or change `.pacing(…)`", human_duration(*wait))]
#[non_exhaustive]
pub struct RateLimited {
    /// The `operationId`.
    pub operation: &'static str,
    /// How long until a request may be sent.
    pub wait: Duration,
    /// Which limit holds it back.
    pub reason: String,
    /// Attempts made before this one was held back.
    pub attempts: u32,
}

/// A redirect that cannot be followed.
#[derive(Debug, thiserror::Error)]
#[error("{operation}: {problem}")]
#[non_exhaustive]
pub struct RedirectError {
    /// The `operationId`.
    pub operation: &'static str,
    /// What went wrong (no `Location`, too many redirects…).
    pub problem: String,
}

#[cfg(test)]
mod chain_tests;
mod text;
#[cfg(test)]
pub(crate) use text::{excerpt_redacted, EXCERPT_BYTES};
pub(crate) use text::{excerpt_without, human_duration};
