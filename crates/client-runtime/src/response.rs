//! What came back: the decoded body with its metadata, or the raw response the generated code
//! decodes according to the statuses its operation declares.

use std::ops::Deref;
use std::time::SystemTime;

use bytes::Bytes;
use http::header::HeaderMap;
use http::StatusCode;
use serde::de::DeserializeOwned;

use crate::config::{ApiKey, RequestIdSource};
use crate::error::{excerpt_without, ApiError, DecodeError, Error, UnexpectedStatus};
use crate::error_detail::ErrorDetail;

mod wait;

#[cfg(test)]
use wait::parse_retry_after_at;
pub use wait::{parse_retry_after, RateLimit, ServerWait};

/// Status, headers, rate-limit state and request id of a response: what
/// [`Response::http`] gives.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ResponseMeta {
    pub(crate) operation: &'static str,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) rate_limit: RateLimit,
    pub(crate) server_wait: ServerWait,
    pub(crate) request_id: Option<String>,
    pub(crate) attempts: u32,
    pub(crate) retry_budget: Option<crate::retry::BudgetState>,
    /// The URL that answered (the key, in a query-key scheme, reads `REDACTED`).
    pub(crate) url: Option<url::Url>,
    /// The origin the client sends its key to: the base URL's.
    pub(crate) api_origin: Option<url::Origin>,
    /// The provider's code and message, read from an error status's JSON body.
    pub(crate) error_detail: Option<ErrorDetail>,
    /// Why an answer worth retrying was not retried (a one-shot body).
    pub(crate) not_retried: Option<&'static str>,
}

impl ResponseMeta {
    /// Reads the rate-limit state, the server's wait and the request id from the common
    /// headers ([`RequestIdSource::COMMON`]).
    pub fn new(operation: &'static str, status: StatusCode, headers: HeaderMap, attempts: u32) -> Self {
        Self::with_request_id(operation, status, headers, attempts, &RequestIdSource::COMMON)
    }

    /// Like [`new`](Self::new), with the request id from the headers `source` names.
    pub fn with_request_id(
        operation: &'static str,
        status: StatusCode,
        headers: HeaderMap,
        attempts: u32,
        source: &RequestIdSource,
    ) -> Self {
        let now = SystemTime::now();
        let rate_limit = RateLimit::from_headers_at(&headers, now);
        let server_wait = ServerWait::read(status, &headers, &rate_limit, now);
        let request_id =
            source.headers.iter().find_map(|name| headers.get(*name).and_then(|v| v.to_str().ok()).map(str::to_owned));
        Self {
            operation,
            status,
            headers,
            rate_limit,
            server_wait,
            request_id,
            attempts,
            retry_budget: None,
            url: None,
            api_origin: None,
            error_detail: None,
            not_retried: None,
        }
    }

    /// Records the URL that answered (relative next-page URLs resolve against it) and, unless
    /// already known, takes its origin as the API's (where next-page URLs may lead). The
    /// transport sets both on every response; a hand-built source sets them with this.
    #[must_use]
    pub fn with_url(mut self, url: url::Url) -> Self {
        if self.api_origin.is_none() {
            self.api_origin = Some(url.origin());
        }
        self.url = Some(url);
        self
    }

    /// The URL that answered, when known (always, for a response through the transport).
    pub fn url(&self) -> Option<&url::Url> {
        self.url.as_ref()
    }

    /// The API's origin (scheme, host, port of the base URL): the only one the key goes to.
    pub fn api_origin(&self) -> Option<&url::Origin> {
        self.api_origin.as_ref()
    }

    /// What the response says about waiting before the next request.
    pub fn server_wait(&self) -> &ServerWait {
        &self.server_wait
    }

    /// The client's retry budget when it stopped this call's retries, if it did.
    pub fn retry_budget(&self) -> Option<&crate::retry::BudgetState> {
        self.retry_budget.as_ref()
    }
    /// The `operationId` this response answers.
    pub fn operation(&self) -> &'static str {
        self.operation
    }
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// All response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
    /// The parsed `X-RateLimit-*` and `Retry-After` headers.
    pub fn rate_limit(&self) -> &RateLimit {
        &self.rate_limit
    }
    /// From the `X-Request-Id` header, or the body's `meta.request_id` where the provider puts it there.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    /// How many attempts the call took (1 without retries).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
    /// Why an answer worth retrying was not retried, when the request's body was a one-shot
    /// stream that could not be sent again.
    pub fn not_retried(&self) -> Option<&'static str> {
        self.not_retried
    }
    /// The provider's error code (`invalid_api_key`), when an error status's JSON body has one.
    pub fn error_code(&self) -> Option<&str> {
        self.error_detail.as_ref()?.code.as_deref()
    }
    /// The provider's error message, when an error status's JSON body has one: one line, at
    /// most 200 characters, any key the client holds blanked out.
    pub fn error_message(&self) -> Option<&str> {
        self.error_detail.as_ref()?.message.as_deref()
    }
    pub(crate) fn set_attempts(&mut self, attempts: u32) {
        self.attempts = attempts;
    }
}

/// A decoded success body with its metadata. Derefs to the body; the metadata is
/// [`http()`](Self::http).
#[derive(Clone, Debug)]
pub struct Response<T> {
    body: T,
    meta: ResponseMeta,
}

impl<T> Response<T> {
    /// Pairs a body with its metadata.
    pub fn new(body: T, meta: ResponseMeta) -> Self {
        Self { body, meta }
    }
    /// Converts the body, keeping the metadata.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response { body: f(self.body), meta: self.meta }
    }
    /// The decoded body.
    pub fn body(&self) -> &T {
        &self.body
    }
    /// The decoded body, dropping the metadata.
    pub fn into_body(self) -> T {
        self.body
    }
    /// The HTTP side of the response: status, headers, rate-limit state, request id, attempts.
    ///
    /// Named `http` rather than `meta` because the body is reached through `Deref`, and bodies
    /// often have a `meta` field of their own: `page.meta` is the body's, `page.http()` the
    /// response's.
    pub fn http(&self) -> &ResponseMeta {
        &self.meta
    }
    /// The HTTP side of the response.
    #[deprecated(
        since = "0.4.0",
        note = "use .http(): `page.meta()` read too much like the body's own `page.meta` field"
    )]
    pub fn meta(&self) -> &ResponseMeta {
        &self.meta
    }
    /// The body and the metadata.
    pub fn into_parts(self) -> (T, ResponseMeta) {
        (self.body, self.meta)
    }
}

impl<T> Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.body
    }
}

/// A response whose body has been read (within the size cap) but not decoded.
#[derive(Debug)]
pub struct RawResponse {
    meta: ResponseMeta,
    body: Bytes,
    /// Blanked out of body excerpts in errors, should the server echo them.
    secrets: Vec<ApiKey>,
    /// A 2xx body left unread for [`Transport::download`](crate::__private::Transport::download).
    download: Option<crate::Download>,
}

impl RawResponse {
    /// Wraps a read body.
    pub fn new(meta: ResponseMeta, body: Bytes) -> Self {
        Self { meta, body, secrets: Vec::new(), download: None }.with_error_detail()
    }

    /// Wraps a read body; finds the request id where `source` says the body carries it, when
    /// no header did.
    pub fn with_request_id(mut meta: ResponseMeta, body: Bytes, source: &RequestIdSource) -> Self {
        if meta.request_id.is_none() {
            meta.request_id = request_id_from_body(&body, source.body_pointers);
        }
        Self { meta, body, secrets: Vec::new(), download: None }.with_error_detail()
    }

    /// Reads the provider's code and message of an error status, the secrets blanked out.
    fn with_error_detail(mut self) -> Self {
        if !self.meta.status.is_success() {
            let secrets: Vec<&str> = self.secrets.iter().map(ApiKey::expose).collect();
            self.meta.error_detail = ErrorDetail::from_body(&self.body, &secrets);
        }
        self
    }
    pub(crate) fn with_download(mut self, download: crate::Download) -> Self {
        self.download = Some(download);
        self
    }
    pub(crate) fn with_secrets(mut self, secrets: &[ApiKey]) -> Self {
        self.secrets = secrets.to_vec();
        // Read again: the first reading, before the secrets were known, could quote one.
        self.with_error_detail()
    }
    pub(crate) fn meta_mut(&mut self) -> &mut ResponseMeta {
        &mut self.meta
    }
    pub(crate) fn into_meta(self) -> ResponseMeta {
        self.meta
    }
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.meta.status.as_u16()
    }
    /// Status, headers, rate-limit state, request id and attempts.
    pub fn meta(&self) -> &ResponseMeta {
        &self.meta
    }
    /// The undecoded body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Decodes a success body.
    pub fn json<T: DeserializeOwned, E>(self) -> Result<Response<T>, Error<E>> {
        let body = self.decode::<T, E>()?;
        Ok(Response::new(body, self.meta))
    }

    /// A success without a body to decode.
    pub fn empty(self) -> Response<()> {
        Response::new((), self.meta)
    }

    /// A success whose body is not JSON: its bytes as they came.
    pub fn bytes(self) -> Response<Vec<u8>> {
        Response::new(self.body.to_vec(), self.meta)
    }

    /// A success whose body is a file: streamed as it arrives when the response came from
    /// [`Transport::download`](crate::__private::Transport::download), else the bytes already read.
    pub fn download(self) -> Response<crate::Download> {
        let download = match self.download {
            Some(download) => download,
            None => {
                let content_type = self
                    .meta
                    .headers()
                    .get(http::header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                crate::Download::from_bytes(content_type, self.body)
            }
        };
        Response::new(download, self.meta)
    }

    /// Decodes a declared error status's body into the operation's typed error.
    pub fn api_error<B: DeserializeOwned, E>(self, wrap: impl FnOnce(B) -> E) -> Error<E> {
        match self.decode::<B, E>() {
            Ok(body) => Error::Api(ApiError { error: wrap(body), meta: Box::new(self.meta) }),
            Err(e) => e,
        }
    }

    /// A status the operation does not declare.
    pub fn unexpected<E>(self) -> Error<E> {
        Error::UnexpectedStatus(UnexpectedStatus { excerpt: self.excerpt(), meta: Box::new(self.meta) })
    }

    fn excerpt(&self) -> String {
        let secrets: Vec<&str> = self.secrets.iter().map(ApiKey::expose).collect();
        excerpt_without(&self.body, &secrets)
    }

    fn decode<T: DeserializeOwned, E>(&self) -> Result<T, Error<E>> {
        serde_json::from_slice(&self.body).map_err(|e| {
            Error::Decode(DecodeError {
                operation: self.meta.operation,
                status: Some(self.meta.status.as_u16()),
                // serde quotes offending values, which could be an echoed key.
                message: self
                    .secrets
                    .iter()
                    .map(ApiKey::expose)
                    .filter(|k| !k.is_empty())
                    .fold(e.to_string(), |text, key| text.replace(key, "<redacted>")),
                excerpt: self.excerpt(),
            })
        })
    }
}

/// The first string (or number) found at one of `pointers` (JSON pointers) in a JSON body.
///
/// Runs on every response without a request-id header, so it stays cheap: a byte search for
/// the pointer's last name rules out most bodies, and the parse that remains walks only the
/// pointer's path, skipping every other value with `IgnoredAny` and allocating only the id.
pub fn request_id_from_body(body: &[u8], pointers: &[&str]) -> Option<String> {
    if pointers.is_empty() || !body.trim_ascii_start().starts_with(b"{") {
        return None;
    }
    pointers.iter().find_map(|pointer| {
        let path = crate::json_pointer::segments(pointer)?;
        let last = path.last()?;
        let needle = format!("\"{last}\"");
        if !body.windows(needle.len()).any(|w| w == needle.as_bytes()) {
            return None;
        }
        crate::json_pointer::string_at(body, &path)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn request_ids_at_any_pointer_and_only_where_the_service_says() {
        let camel = br#"{"data":{"requestId":"x"},"meta":{"timestamp":"t","requestId":"c-1"}}"#;
        assert_eq!(request_id_from_body(camel, ENVELOPE), Some("c-1".into()));
        assert_eq!(request_id_from_body(camel, &[]), None, "no pointer: no lookup");
        assert_eq!(request_id_from_body(br#"{"a":[{"b~/c":7}]}"#, &["/a/0/b~0~1c"]), Some("7".into()));
        assert_eq!(request_id_from_body(br#"{"a":[{"b":7}]}"#, &["/a/1/b"]), None);
        assert_eq!(request_id_from_body(br#"{"meta":{"request_id":{"x":1}}}"#, ENVELOPE), None);
    }

    use super::*;
    use reqwest::header::HeaderValue;
    use std::time::{Duration, UNIX_EPOCH};

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            if let Ok(value) = HeaderValue::from_str(value) {
                map.insert(*name, value);
            }
        }
        map
    }

    #[test]
    fn retry_after_seconds_and_http_date() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after_at("120", now), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after_at(" 0 ", now), Some(Duration::ZERO));
        let date = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(parse_retry_after_at(&date, now), Some(Duration::from_secs(30)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(parse_retry_after_at(&past, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after_at("soon", now), None);
        assert_eq!(parse_retry_after_at("-5", now), None);
    }

    #[test]
    fn rate_limit_headers() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let rl = RateLimit::from_headers_at(
            &headers(&[
                ("x-ratelimit-limit", "60"),
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset", "1700000042"),
                ("retry-after", "7"),
            ]),
            now,
        );
        assert_eq!(rl.limit, Some(60));
        assert_eq!(rl.remaining, Some(0));
        assert_eq!(rl.reset, Some(now + Duration::from_secs(42)));
        assert_eq!(rl.retry_after, Some(Duration::from_secs(7)));
        // A small reset value is a delay; garbage is ignored rather than an error.
        let rl = RateLimit::from_headers_at(
            &headers(&[("x-ratelimit-reset", "30"), ("x-ratelimit-remaining", "many")]),
            now,
        );
        assert_eq!(rl.reset, Some(now + Duration::from_secs(30)));
        assert_eq!(rl.remaining, None);
    }

    const ENVELOPE: &[&str] = &["/meta/request_id", "/meta/requestId"];

    #[test]
    fn request_id_from_header_or_envelope() {
        let meta = ResponseMeta::new("op", StatusCode::OK, headers(&[("x-request-id", "h-1")]), 1);
        let source = RequestIdSource { headers: RequestIdSource::COMMON_HEADERS, body_pointers: ENVELOPE };
        let raw = RawResponse::with_request_id(meta, Bytes::from_static(br#"{"meta":{"request_id":"b-1"}}"#), &source);
        assert_eq!(raw.meta().request_id(), Some("h-1"));
        let body =
            br#"{"data":[{"id":1,"meta":{"x":[1,2]}}],"error":null,"meta":{"timestamp":"t","request_id":"b-2"}}"#;
        let meta = ResponseMeta::new("op", StatusCode::OK, HeaderMap::new(), 1);
        assert_eq!(
            RawResponse::with_request_id(meta, Bytes::from_static(body), &source).meta().request_id(),
            Some("b-2")
        );
        let both = ["/meta/request_id", "/meta/requestId"];
        assert_eq!(
            request_id_from_body(br#"{"meta":{"requestId":"req_abc123"}}"#, &both).as_deref(),
            Some("req_abc123")
        );
        for body in [&b"[1]"[..], b"{\"meta\":5,\"request_id\":1}", b"not json", b"{\"contents\":[]}"] {
            assert_eq!(request_id_from_body(body, ENVELOPE), None);
        }
    }
}
