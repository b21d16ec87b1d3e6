//! The one error type a caller matches on. `E` is the operation's typed error: an enum with a
//! variant per error status its spec declares, holding the decoded error envelope.

use std::fmt;

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
}

impl<E> Error<E> {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status()),
            Error::UnexpectedStatus(e) => Some(e.meta.status().as_u16()),
            Error::Decode(e) => e.status,
            _ => None,
        }
    }

    /// The response metadata, when the server answered.
    pub fn meta(&self) -> Option<&ResponseMeta> {
        match self {
            Error::Api(e) => Some(&e.meta),
            Error::UnexpectedStatus(e) => Some(&e.meta),
            _ => None,
        }
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
        }
    }
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => e.fmt(f),
            Error::UnexpectedStatus(e) => e.fmt(f),
            Error::InvalidRequest(e) => e.fmt(f),
            Error::Transport(e) => e.fmt(f),
            Error::Timeout(e) => e.fmt(f),
            Error::Decode(e) => e.fmt(f),
            Error::BodyTooLarge(e) => e.fmt(f),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(&e.source),
            _ => None,
        }
    }
}

/// A declared error status with its decoded body.
#[derive(Debug)]
pub struct ApiError<E> {
    /// The operation's typed error (its variant names the status).
    pub error: E,
    /// Status, headers, rate-limit state and request id.
    pub meta: ResponseMeta,
}

impl<E> ApiError<E> {
    pub fn status(&self) -> u16 {
        self.meta.status().as_u16()
    }
    pub fn request_id(&self) -> Option<&str> {
        self.meta.request_id()
    }
}

impl<E: fmt::Debug> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} answered {}: {:?}", self.meta.operation(), self.meta.status(), self.error)?;
        if let Some(id) = self.meta.request_id() {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

/// A status the spec does not declare for the operation.
#[derive(Debug, thiserror::Error)]
#[error("{} answered {}, which its spec does not declare; body starts: {excerpt:?}", meta.operation(), meta.status())]
pub struct UnexpectedStatus {
    pub meta: ResponseMeta,
    /// The first bytes of the body, lossily decoded.
    pub excerpt: String,
}

/// A parameter refused before sending.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid request for {operation}: parameter `{parameter}` {problem}")]
pub struct InvalidRequest {
    pub operation: &'static str,
    pub parameter: String,
    pub problem: String,
}

/// The connection failed or broke.
#[derive(Debug, thiserror::Error)]
#[error("{operation}: could not reach the server: {source}")]
pub struct TransportError {
    pub operation: &'static str,
    #[source]
    pub source: reqwest::Error,
}

/// Out of time.
#[derive(Debug, thiserror::Error)]
#[error("{operation}: timed out after {elapsed:?} ({what})")]
pub struct TimeoutError {
    pub operation: &'static str,
    pub elapsed: std::time::Duration,
    /// What ran out: one attempt, or the retry budget.
    pub what: &'static str,
}

/// A body that does not decode as the spec says.
#[derive(Debug, thiserror::Error)]
#[error("{operation}: could not decode the response{}: {message}; body starts: {excerpt:?}", status.map(|s| format!(" (status {s})")).unwrap_or_default())]
pub struct DecodeError {
    pub operation: &'static str,
    pub status: Option<u16>,
    pub message: String,
    /// The first bytes of the body, lossily decoded.
    pub excerpt: String,
}

/// A body over the cap.
#[derive(Debug, thiserror::Error)]
#[error("{operation}: response body exceeds the limit of {limit} bytes; raise it with `.max_response_bytes(…)` if this is expected")]
pub struct BodyTooLarge {
    pub operation: &'static str,
    pub limit: usize,
}

/// At most this many bytes of a body are quoted in an error.
pub const EXCERPT_BYTES: usize = 200;

/// The first [`EXCERPT_BYTES`] of a body, for error messages.
pub fn excerpt(body: &[u8]) -> String {
    let end = body.len().min(EXCERPT_BYTES);
    let mut text = String::from_utf8_lossy(&body[..end]).into_owned();
    if body.len() > end {
        text.push('…');
    }
    text
}
