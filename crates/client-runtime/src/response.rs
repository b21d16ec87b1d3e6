//! What came back: the decoded body with its metadata, or the raw response the generated code
//! decodes according to the statuses its operation declares.

use std::ops::Deref;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::{excerpt, ApiError, DecodeError, Error, UnexpectedStatus};

/// The `X-RateLimit-*` state a response advertised.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RateLimit {
    /// `X-RateLimit-Limit`: requests allowed in the window.
    pub limit: Option<u64>,
    /// `X-RateLimit-Remaining`: requests left in the window.
    pub remaining: Option<u64>,
    /// `X-RateLimit-Reset`: when the window resets (a UNIX timestamp on the wire).
    pub reset: Option<SystemTime>,
    /// `Retry-After`, as a delay from when the response arrived.
    pub retry_after: Option<Duration>,
}

impl RateLimit {
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let number = |name: &str| {
            headers.get(name).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok())
        };
        Self {
            limit: number("x-ratelimit-limit"),
            remaining: number("x-ratelimit-remaining"),
            reset: number("x-ratelimit-reset").map(|secs| UNIX_EPOCH + Duration::from_secs(secs)),
            retry_after: headers
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_retry_after),
        }
    }
}

/// `Retry-After` is either delay-seconds or an HTTP date.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}

/// Status, headers, rate-limit state and request id of a response.
#[derive(Clone, Debug)]
pub struct ResponseMeta {
    pub(crate) operation: &'static str,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) rate_limit: RateLimit,
    pub(crate) request_id: Option<String>,
    pub(crate) attempts: u32,
}

impl ResponseMeta {
    pub fn new(operation: &'static str, status: StatusCode, headers: HeaderMap, attempts: u32) -> Self {
        let rate_limit = RateLimit::from_headers(&headers);
        let request_id = ["x-request-id", "request-id", "x-amzn-requestid"]
            .iter()
            .find_map(|name| headers.get(*name).and_then(|v| v.to_str().ok()).map(str::to_owned));
        Self { operation, status, headers, rate_limit, request_id, attempts }
    }
    /// The `operationId` this response answers.
    pub fn operation(&self) -> &'static str {
        self.operation
    }
    pub fn status(&self) -> StatusCode {
        self.status
    }
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
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
}

/// A decoded success body with its metadata. Derefs to the body.
#[derive(Clone, Debug)]
pub struct Response<T> {
    body: T,
    meta: ResponseMeta,
}

impl<T> Response<T> {
    pub fn new(body: T, meta: ResponseMeta) -> Self {
        Self { body, meta }
    }
    pub fn body(&self) -> &T {
        &self.body
    }
    pub fn into_body(self) -> T {
        self.body
    }
    pub fn meta(&self) -> &ResponseMeta {
        &self.meta
    }
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
}

impl RawResponse {
    pub fn new(mut meta: ResponseMeta, body: Bytes) -> Self {
        if meta.request_id.is_none() {
            meta.request_id = request_id_from_body(&body);
        }
        Self { meta, body }
    }
    pub fn status(&self) -> u16 {
        self.meta.status.as_u16()
    }
    pub fn meta(&self) -> &ResponseMeta {
        &self.meta
    }
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Decodes a success body.
    pub fn json<T: DeserializeOwned, E>(self) -> Result<Response<T>, Error<E>> {
        let body = self.decode::<T, E>()?;
        Ok(Response::new(body, self.meta))
    }

    /// A success without a body to decode.
    pub fn empty<E>(self) -> Response<()> {
        Response::new((), self.meta)
    }

    /// Decodes a declared error status's body into the operation's typed error.
    pub fn api_error<B: DeserializeOwned, E>(self, wrap: impl FnOnce(B) -> E) -> Error<E> {
        match self.decode::<B, E>() {
            Ok(body) => Error::Api(ApiError { error: wrap(body), meta: self.meta }),
            Err(e) => e,
        }
    }

    /// A status the operation does not declare.
    pub fn unexpected<E>(self) -> Error<E> {
        Error::UnexpectedStatus(UnexpectedStatus { excerpt: excerpt(&self.body), meta: self.meta })
    }

    fn decode<T: DeserializeOwned, E>(&self) -> Result<T, Error<E>> {
        serde_json::from_slice(&self.body).map_err(|e| {
            Error::Decode(DecodeError {
                operation: self.meta.operation,
                status: Some(self.meta.status.as_u16()),
                message: e.to_string(),
                excerpt: excerpt(&self.body),
            })
        })
    }
}

/// Providers that send no request-id header put it in the envelope's `meta.request_id`.
fn request_id_from_body(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Envelope {
        meta: Option<Meta>,
    }
    #[derive(serde::Deserialize)]
    struct Meta {
        request_id: Option<String>,
    }
    if !body.starts_with(b"{") {
        return None;
    }
    serde_json::from_slice::<Envelope>(body).ok()?.meta?.request_id
}
