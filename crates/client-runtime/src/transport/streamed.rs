//! Requests whose body is a stream, sent once (a stream cannot be replayed, so no retry loop):
//! to a storage origin without any credential ([`Transport::send_foreign`]), or to the API
//! itself with the key ([`Transport::execute_streamed`]).

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION, USER_AGENT};
use reqwest::{Method, StatusCode};
use tracing::Instrument;
use url::Url;

use super::{read_capped, Failure, Transport};
use crate::error::{Error, InvalidRequest, RateLimited};
use crate::redirect::may_send_key;
use crate::response::{RawResponse, ResponseMeta};
use crate::upload::StorageError;

/// Storage answers are small (an empty 204, an XML error); more than this is not read.
const FOREIGN_BODY_CAP: usize = 64 * 1024;

/// A request to another origin (a signed storage URL). It never carries the API key, a cookie
/// or any `Authorization`; its URL never appears in `Debug`, errors or logs.
pub struct ForeignRequest {
    pub method: Method,
    pub url: Url,
    /// Headers the API told the caller to send (for a signed `PUT`).
    pub headers: Vec<(String, String)>,
    pub body: ForeignBody,
    /// The whole exchange's time limit; `None`: only the connect timeout applies.
    pub timeout: Option<Duration>,
}

impl std::fmt::Debug for ForeignRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ForeignRequest")
            .field("method", &self.method)
            .field("origin", &self.url.origin().ascii_serialization())
            .field("headers", &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// The body of a [`ForeignRequest`].
pub enum ForeignBody {
    /// The raw bytes, with their content type.
    Raw { content_type: Option<String>, body: reqwest::Body },
    /// A `multipart/form-data` form (signed fields, then the file).
    Multipart(reqwest::multipart::Form),
}

/// What storage answered: status, headers and at most 64 KiB of body.
#[derive(Debug)]
pub struct ForeignResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Transport {
    /// Sends `request` to another origin with no credentials of any kind, once. Refused before
    /// sending: plain `http://` except to loopback, and headers that would carry a credential
    /// (`Authorization`, `Cookie`, the API's own key header, or any value holding the key).
    pub async fn send_foreign(&self, request: ForeignRequest) -> Result<ForeignResponse, StorageError> {
        let inner = &*self.inner;
        let loopback = match request.url.host() {
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        };
        if request.url.scheme() != "https" && !(request.url.scheme() == "http" && loopback) {
            return Err(StorageError::Refused("the storage URL is not https".into()));
        }
        let key_headers: Vec<&HeaderName> = inner.auth.iter().map(|(name, _)| name).collect();
        let mut headers = HeaderMap::with_capacity(request.headers.len() + 1);
        for (name, value) in &request.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| StorageError::Refused(format!("{name:?} is not a valid header name")))?;
            let carries_key = inner.secrets.iter().any(|k| !k.expose().is_empty() && value.contains(k.expose()));
            if [AUTHORIZATION, PROXY_AUTHORIZATION, COOKIE].contains(&name)
                || key_headers.contains(&&name)
                || carries_key
            {
                return Err(StorageError::Refused(format!("the storage request may not carry a `{name}` header")));
            }
            let value = HeaderValue::from_str(value)
                .map_err(|_| StorageError::Refused(format!("the `{name}` header cannot be sent")))?;
            headers.append(name, value);
        }
        headers.insert(USER_AGENT, inner.user_agent.clone());
        let mut builder = inner.http.request(request.method.clone(), request.url).headers(headers);
        builder = match request.body {
            ForeignBody::Raw { content_type, body } => {
                let builder = match content_type {
                    Some(ct) if !request.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-type")) => {
                        builder.header(reqwest::header::CONTENT_TYPE, ct)
                    }
                    _ => builder,
                };
                builder.body(body)
            }
            ForeignBody::Multipart(form) => builder.multipart(form),
        };
        let exchange = async {
            let response = builder.send().await.map_err(|e| foreign_failure(&e))?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = match read_capped(response, FOREIGN_BODY_CAP).await {
                Ok(body) => body,
                // An oversized or cut error body still says what the status says.
                Err(_) => Bytes::new(),
            };
            Ok(ForeignResponse { status, headers, body })
        };
        match request.timeout {
            Some(limit) => tokio::time::timeout(limit, exchange).await.map_err(|_| StorageError::Timeout(limit))?,
            None => exchange.await,
        }
    }

    /// Sends one authenticated request with a streamed multipart body to the API, paced like
    /// every request but sent once (the body cannot be replayed), redirects not followed.
    pub async fn execute_streamed<E>(
        &self,
        operation: &'static str,
        method: Method,
        path: &str,
        form: reqwest::multipart::Form,
    ) -> Result<RawResponse, Error<E>> {
        let span = super::telemetry::call_span(operation, &method);
        let result = self.send_streamed(operation, method, path, form, &span).instrument(span.clone()).await;
        super::telemetry::record_outcome(&span, &result);
        result
    }

    async fn send_streamed<E>(
        &self,
        operation: &'static str,
        method: Method,
        path: &str,
        form: reqwest::multipart::Form,
        span: &tracing::Span,
    ) -> Result<RawResponse, Error<E>> {
        let inner = &*self.inner;
        let base = inner.base_url.as_str().trim_end_matches('/');
        let url = Url::parse(&format!("{base}{path}")).map_err(|e| {
            Error::InvalidRequest(InvalidRequest {
                operation,
                parameter: "path".into(),
                problem: format!("gives an invalid URL: {e}"),
            })
        })?;
        super::telemetry::record_url(span, &url, inner.service.auth, &inner.secrets);
        let deadline = inner.config.max_total_time.and_then(|limit| tokio::time::Instant::now().checked_add(limit));
        let permit = inner.pacer.acquire(deadline).await.map_err(|held| {
            Error::RateLimited(RateLimited { operation, wait: held.wait, reason: held.by.to_string(), attempts: 0 })
        })?;
        let started = tokio::time::Instant::now();
        let mut builder = inner.http.request(method, url.clone()).header(USER_AGENT, inner.user_agent.clone());
        if may_send_key(&inner.base_url, &url) {
            for (name, value) in &inner.auth {
                builder = builder.header(name, value.clone());
            }
        }
        let exchange = async {
            let response = builder.multipart(form).send().await.map_err(|e| Failure::Http(e.without_url()))?;
            let meta = ResponseMeta::new(operation, response.status(), response.headers().clone(), 1);
            inner.pacer.observe(&meta);
            let body = read_capped(response, inner.config.max_response_bytes).await?;
            Ok::<_, Failure>(RawResponse::new(meta, body).with_secrets(&inner.secrets))
        };
        let outcome = match tokio::time::timeout(inner.config.timeout, exchange).await {
            Ok(outcome) => outcome,
            Err(_) => Err(Failure::TimedOut { total: false }),
        };
        drop(permit);
        super::telemetry::attempt_event(0, outcome.as_ref());
        outcome.map_err(|failure| failure.into_error(operation, 1, started.elapsed(), false))
    }
}

/// A reqwest failure, said without its URL (which carries the signature).
fn foreign_failure(e: &reqwest::Error) -> StorageError {
    let mut text = String::from(if e.is_connect() {
        "connection failed"
    } else if e.is_timeout() {
        "timed out"
    } else if e.is_body() {
        "the request body failed"
    } else {
        "the connection broke"
    });
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        // io errors from the file being read are worth naming; nothing here holds the URL.
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            return StorageError::Read(io.to_string());
        }
        source = cause.source();
    }
    if e.is_timeout() {
        text.push_str(" (reqwest timeout)");
    }
    StorageError::Transport(text)
}
