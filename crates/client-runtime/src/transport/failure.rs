//! Why an attempt got no response, and the [`Error`] a caller sees when it is the last one.

use std::time::Duration;

use crate::error::{BodyTooLarge, Error, InvalidRequest, RedirectError, TimeoutError, TimeoutKind, TransportError};
use crate::retry::FailureKind;

/// Why an attempt got no response to hand back.
#[derive(Debug)]
pub(crate) enum Failure {
    Http(reqwest::Error),
    TimedOut {
        total: bool,
    },
    TooLarge(usize),
    Redirect(String),
    Multipart(String),
    /// The body's file or stream could not be read before sending.
    Read(String),
}

impl Failure {
    pub(crate) fn kind(&self) -> FailureKind {
        match self {
            Failure::Http(e) if e.is_timeout() => FailureKind::Timeout,
            Failure::Http(e) if e.is_connect() => FailureKind::Connect,
            Failure::Http(e) if e.is_builder() => FailureKind::Permanent,
            Failure::Http(_) => FailureKind::Connection,
            Failure::TimedOut { .. } => FailureKind::Timeout,
            Failure::TooLarge(_) | Failure::Redirect(_) | Failure::Multipart(_) | Failure::Read(_) => {
                FailureKind::Permanent
            }
        }
    }

    /// A low-cardinality name for tracing's `error.type`.
    pub(crate) fn error_type(&self) -> &'static str {
        match self {
            Failure::Http(e) if e.is_timeout() => "timeout",
            Failure::Http(e) if e.is_connect() => "connect",
            Failure::Http(_) => "connection",
            Failure::TimedOut { .. } => "timeout",
            Failure::TooLarge(_) => "body_too_large",
            Failure::Redirect(_) => "redirect",
            Failure::Multipart(_) | Failure::Read(_) => "invalid_request",
        }
    }

    pub(crate) fn into_error<E>(
        self,
        operation: &'static str,
        attempts: u32,
        elapsed: Duration,
        out_of_time: bool,
    ) -> Error<E> {
        let timeout = |kind| Error::Timeout(TimeoutError { operation, elapsed, kind, attempts });
        match self {
            Failure::TimedOut { total } if total || out_of_time => timeout(TimeoutKind::Total),
            Failure::TimedOut { .. } => timeout(TimeoutKind::Attempt),
            Failure::Http(e) if e.is_timeout() => timeout(TimeoutKind::Attempt),
            Failure::Http(source) => {
                Error::Transport(TransportError { operation, attempts, source, retry_budget: None, not_retried: None })
            }
            Failure::TooLarge(limit) => Error::BodyTooLarge(BodyTooLarge { operation, limit }),
            Failure::Redirect(problem) => Error::Redirect(RedirectError { operation, problem }),
            Failure::Read(problem) => {
                Error::InvalidRequest(InvalidRequest { operation, parameter: "file".into(), problem })
            }
            Failure::Multipart(problem) => {
                Error::InvalidRequest(InvalidRequest { operation, parameter: "body".into(), problem })
            }
        }
    }
}
