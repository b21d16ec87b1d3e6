//! Tracing by the OpenTelemetry HTTP client semantic conventions: one span per call, one event
//! per attempt, with the conventions' field names so an OpenTelemetry exporter
//! (`tracing-opentelemetry`) maps them without configuration.
//!
//! A `tracing` span's name is fixed where it is written, so the span is named after the
//! operation through `otel.name`, the field `tracing-opentelemetry` takes the exported name from.
//! `url.full` is the URL the first hop goes to, with the key and signature parameters reading
//! `REDACTED`; headers are never recorded.

use reqwest::Method;
use tracing::field::Empty;
use tracing::Span;
use url::Url;

use super::Failure;
use crate::auth::{ApiKey, AuthScheme, REDACTED};
use crate::error::Error;
use crate::response::RawResponse;

/// Query parameters that carry a signature or a credential in URLs signed by storage services
/// (the conventions' default list, and its AWS and Google relatives).
const SIGNATURE_PARAMS: &[&str] = &[
    "AWSAccessKeyId",
    "Signature",
    "sig",
    "X-Goog-Signature",
    "X-Goog-Credential",
    "X-Amz-Signature",
    "X-Amz-Credential",
    "X-Amz-Security-Token",
    "access_token",
];

/// The span of one call: what is known before anything is sent; the rest is recorded later.
pub(super) fn call_span(operation: &'static str, method: &Method) -> Span {
    tracing::info_span!(
        "request",
        otel.name = operation,
        otel.kind = "client",
        otel.status_code = Empty,
        operation = operation,
        http.request.method = %method,
        server.address = Empty,
        server.port = Empty,
        url.full = Empty,
        http.response.status_code = Empty,
        http.request.resend_count = Empty,
        error.type = Empty,
    )
}

/// Records where the call goes, the key and signatures redacted.
pub(super) fn record_url(span: &Span, url: &Url, scheme: AuthScheme, secrets: &[ApiKey]) {
    if let Some(host) = url.host_str() {
        span.record("server.address", host);
    }
    if let Some(port) = url.port_or_known_default() {
        span.record("server.port", port);
    }
    span.record("url.full", shown_url(url, scheme, secrets).as_str());
}

/// `url` as a log may show it: the key's parameter, any value holding a secret, and signature
/// parameters read `REDACTED`; no user or password.
pub(crate) fn shown_url(url: &Url, scheme: AuthScheme, secrets: &[ApiKey]) -> Url {
    let mut shown = crate::auth::redacted(url, scheme, secrets);
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    let signed = |name: &str| SIGNATURE_PARAMS.iter().any(|p| p.eq_ignore_ascii_case(name));
    if shown.query_pairs().any(|(name, _)| signed(&name)) {
        let pairs: Vec<(String, String)> = shown
            .query_pairs()
            .map(|(k, v)| {
                let value = if signed(&k) { REDACTED.to_owned() } else { v.into_owned() };
                (k.into_owned(), value)
            })
            .collect();
        shown.set_query(None);
        shown.query_pairs_mut().extend_pairs(pairs);
    }
    shown
}

/// One event per attempt: its resend count and what it got (a status, or the failure's type).
pub(super) fn attempt_event(resend_count: u32, outcome: Result<&RawResponse, &Failure>) {
    match outcome {
        Ok(raw) => {
            let status = raw.status();
            let error_type = (status >= 400).then(|| status.to_string());
            tracing::debug!(
                http.request.resend_count = resend_count,
                http.response.status_code = status,
                error.type = error_type,
                "attempt"
            );
        }
        Err(failure) => {
            tracing::debug!(http.request.resend_count = resend_count, error.type = failure.error_type(), "attempt");
        }
    }
}

/// Records the call's outcome on its span: final status, resends, and `error.type` on failure.
pub(super) fn record_outcome<E>(span: &Span, result: &Result<RawResponse, Error<E>>) {
    let (status, attempts, error_type) = match result {
        Ok(raw) => (Some(raw.status()), raw.meta().attempts(), None),
        Err(error) => {
            let status = error.status();
            let attempts = match error {
                Error::Transport(e) => e.attempts,
                Error::Timeout(e) => e.attempts,
                Error::RateLimited(e) => e.attempts,
                Error::WaitTooLong(e) => e.meta.attempts(),
                _ => 1,
            };
            (status, attempts, Some(error_type(error)))
        }
    };
    if let Some(status) = status {
        span.record("http.response.status_code", status);
    }
    if attempts > 1 {
        span.record("http.request.resend_count", attempts - 1);
    }
    let error_type = error_type.or_else(|| status.filter(|s| *s >= 400).map(|s| s.to_string()));
    if let Some(error_type) = error_type {
        span.record("error.type", error_type.as_str());
        span.record("otel.status_code", "ERROR");
    }
}

/// A low-cardinality name for what failed, as the conventions ask of `error.type`.
fn error_type<E>(error: &Error<E>) -> String {
    let name = match error {
        Error::Transport(e) if e.source.is_connect() => "connect",
        Error::Transport(_) => "connection",
        Error::Timeout(_) => "timeout",
        Error::BodyTooLarge(_) => "body_too_large",
        Error::Redirect(_) => "redirect",
        Error::InvalidRequest(_) => "invalid_request",
        Error::RateLimited(_) => "rate_limited",
        Error::Decode(_) => "decode",
        Error::Api(_) | Error::UnexpectedStatus(_) | Error::WaitTooLong(_) => {
            return error.status().map(|s| s.to_string()).unwrap_or_else(|| "_OTHER".into())
        }
    };
    name.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_urls_hide_keys_and_signatures() {
        let secrets = [ApiKey::new("s3cret-key")];
        let url = Url::parse("https://a.test/x?api_key=s3cret-key&Signature=abc&X-Amz-Signature=def&page=2")
            .unwrap_or_else(|e| panic!("{e}"));
        let shown = shown_url(&url, AuthScheme::Query("api_key"), &secrets);
        assert_eq!(
            shown.as_str(),
            "https://a.test/x?api_key=REDACTED&Signature=REDACTED&X-Amz-Signature=REDACTED&page=2"
        );
    }
}
