//! The send loop. It owns no policy: [`Pacer::acquire`] says when a request may go,
//! [`RetryPolicy::decide`](crate::retry::RetryPolicy::decide) whether and when to try again, `redirect.rs` where a redirect
//! leads and whether the key may follow. This file only sends, reads within the size cap, and
//! obeys.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, COOKIE, PROXY_AUTHORIZATION,
    USER_AGENT,
};
use reqwest::Method;
use tokio::time::Instant;
use tracing::{Instrument, Span};
use url::Url;

use crate::config::{resolve_base_url, ApiKey, BuildError, ClientConfig, ServiceSpec};
use crate::error::{Error, InvalidRequest, RateLimited, WaitTooLong};
use crate::pacing::{Pacer, Permit};
use crate::redirect::{is_followed, may_send_key, next_hop};
use crate::request::{Body, MultipartPart, Request};
use crate::response::{RawResponse, ResponseMeta};
use crate::retry::{AttemptOutcome, Bucket, GiveUpReason, RetryDecision, RetryState};

mod failure;
mod streamed;
mod telemetry;
use failure::Failure;
pub use streamed::{ForeignBody, ForeignRequest, ForeignResponse};

/// The shared part of a client. Cloning is cheap; clones share connections and the pacing budget.
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
}

struct Inner {
    service: &'static ServiceSpec,
    base_url: Url,
    api_key: Option<ApiKey>,
    /// Every key the client holds, blanked out of what a server echoes and refused on a
    /// request to storage.
    secrets: Vec<ApiKey>,
    /// The keys as headers, marked sensitive so no Debug or HPACK table ever shows them.
    auth: Vec<(HeaderName, HeaderValue)>,
    http: reqwest::Client,
    config: ClientConfig,
    user_agent: HeaderValue,
    pacer: Pacer,
    /// The retry budget every clone and concurrent request draws from.
    budget: Bucket,
    /// The longest wait a server may ask for.
    wait_cap: Duration,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Transport")
            .field("service", &inner.service.crate_name)
            .field("base_url", &inner.base_url.as_str())
            .field("auth", &inner.service.auth)
            .field("api_key", &inner.api_key)
            .field("config", &inner.config)
            .field("pacer", &inner.pacer)
            .field("retry_budget", &inner.budget.state())
            .finish()
    }
}

impl Transport {
    /// Checks `config` against `service` and builds the transport.
    pub fn new(service: &'static ServiceSpec, config: ClientConfig) -> Result<Self, BuildError> {
        let base_url = resolve_base_url(service, &config)?;
        let http = match &config.http_client {
            Some(client) => client.clone(),
            None => reqwest::Client::builder()
                .connect_timeout(config.connect_timeout)
                // Redirects are followed in `follow`, which decides hop by hop whether the key goes.
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(BuildError::Http)?,
        };
        let user_agent =
            format!("{}/{} client-runtime/{}", service.crate_name, service.crate_version, env!("CARGO_PKG_VERSION"));
        let user_agent =
            HeaderValue::from_str(&user_agent).unwrap_or_else(|_| HeaderValue::from_static("client-runtime"));
        let api_key = config.api_key.clone();
        let crate::credentials::Credentials { headers: auth, secrets } =
            crate::credentials::collect(service.auth, &config)?;
        let wait_cap = config.server_wait_cap(service);
        let pacer = Pacer::from_config(&config.pacing, service.rate_limits).with_wait_cap(wait_cap);
        let budget = Bucket::new(config.retry.budget().copied());
        let inner =
            Inner { service, base_url, api_key, secrets, auth, http, config, user_agent, pacer, budget, wait_cap };
        Ok(Self { inner: Arc::new(inner) })
    }

    /// The base URL requests are resolved against.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The service this transport talks to.
    pub fn service(&self) -> &'static ServiceSpec {
        self.inner.service
    }

    /// Sends the request, paced, retried and redirected as configured, and reads the whole body
    /// of the final response, whatever its status: the generated code decodes it.
    pub async fn execute<E>(&self, request: Request) -> Result<RawResponse, Error<E>> {
        self.execute_as(request, false).await
    }

    /// Like [`execute`](Self::execute), but a 2xx body is not read: the response holds it as a
    /// [`Download`](crate::Download) ([`RawResponse::download`]). Other statuses are read as
    /// usual (they carry the error), so retries and error decoding work unchanged.
    pub async fn download<E>(&self, request: Request) -> Result<RawResponse, Error<E>> {
        self.execute_as(request, true).await
    }

    async fn execute_as<E>(&self, request: Request, stream_success: bool) -> Result<RawResponse, Error<E>> {
        let span = telemetry::call_span(request.operation, &request.method);
        let result = self.run(request, stream_success, &span).instrument(span.clone()).await;
        telemetry::record_outcome(&span, &result);
        result
    }

    async fn run<E>(&self, request: Request, stream_success: bool, span: &Span) -> Result<RawResponse, Error<E>> {
        let inner = &*self.inner;
        let mut prepared = self.prepare(&request)?;
        prepared.stream_success = stream_success;
        let (scheme, key) = (inner.service.auth, inner.api_key.as_ref());
        let first_hop = crate::auth::hop_url(scheme, key, &inner.secrets, &prepared.url, prepared.authenticated);
        telemetry::record_url(span, &first_hop, scheme, &inner.secrets);
        let started = Instant::now();
        let deadline = inner.config.max_total_time.and_then(|limit| started.checked_add(limit));
        let mut state = RetryState::new(deadline).with_wait_cap(inner.wait_cap);
        let mut last = None;
        loop {
            let permit = match inner.pacer.acquire(deadline).await {
                Ok(permit) => permit,
                // A retry that cannot be paced in time returns what the last attempt got.
                Err(held) => match last {
                    Some(outcome) => {
                        return finish(&request, outcome, &state, started, GiveUpReason::OutOfTime { wait: held.wait })
                    }
                    None => {
                        return Err(Error::RateLimited(RateLimited {
                            operation: request.operation,
                            wait: held.wait,
                            reason: inner.pacer.explain(&held.by),
                            attempts: state.attempts(),
                        }))
                    }
                },
            };
            state.record_attempt();
            let (limit, by_deadline) = attempt_limit(inner.config.timeout, deadline);
            let outcome = match tokio::time::timeout(limit, self.follow(&prepared, permit)).await {
                Ok(outcome) => outcome,
                Err(_) => Err(Failure::TimedOut { total: by_deadline }),
            };
            telemetry::attempt_event(state.attempts().saturating_sub(1), outcome.as_ref());
            let view = match &outcome {
                Ok(raw) => AttemptOutcome::Response(raw.meta()),
                Err(failure) => AttemptOutcome::Failure(failure.kind()),
            };
            let decision = match inner.config.retry.decide(&request, &view, &state) {
                // One bucket for the whole client: an outage cannot multiply its retries.
                RetryDecision::RetryAfter(wait) => match inner.budget.try_retry() {
                    Ok(()) => RetryDecision::RetryAfter(wait),
                    Err(spent) => RetryDecision::GiveUp(GiveUpReason::BudgetSpent(spent)),
                },
                decision => decision,
            };
            match decision {
                RetryDecision::RetryAfter(wait) => {
                    tracing::info!(
                        http.request.resend_count = state.attempts(),
                        ?wait,
                        outcome = %describe(outcome.as_ref()),
                        "retrying"
                    );
                    tokio::time::sleep(wait).await;
                    state.record_wait(wait);
                    last = Some(outcome);
                }
                RetryDecision::GiveUp(reason) => {
                    if matches!(&outcome, Ok(raw) if raw.status() < 500 && raw.status() != 429) {
                        inner.budget.succeeded();
                    }
                    return finish(&request, outcome, &state, started, reason);
                }
            }
        }
    }

    /// One attempt: sends, follows redirects (the key only to the base origin), reads the body.
    async fn follow(&self, prepared: &Prepared<'_>, first: Permit<'_>) -> Result<RawResponse, Failure> {
        let inner = &*self.inner;
        // One permit covers the attempt and its redirect hops: taking another per hop could
        // wait on the quota while holding the first, and a chain of hops is one call.
        let permit = first;
        let mut url = prepared.url.clone();
        let mut method = prepared.method.clone();
        let mut with_body = true;
        let mut redirects = 0;
        loop {
            let to_origin = may_send_key(&inner.base_url, &url);
            let response = self.send(prepared, &url, &method, with_body, to_origin && prepared.authenticated).await?;
            if inner.config.http_client.is_some() && response.url() != &url {
                tracing::warn!(
                    "the reqwest::Client given to .http_client() followed a redirect itself; build it with \
                     redirect::Policy::none() so the key cannot follow a redirect to another origin"
                );
            }
            let status = response.status();
            let mut meta = ResponseMeta::with_request_id(
                prepared.operation,
                status,
                response.headers().clone(),
                0,
                &inner.service.request_id,
            );
            meta.url = Some(crate::auth::redacted(&url, inner.service.auth, &inner.secrets));
            meta.api_origin = Some(inner.base_url.origin());
            if to_origin {
                inner.pacer.observe(&meta);
            }
            let max = inner.config.max_redirects;
            if is_followed(status) && max > 0 {
                if redirects == max {
                    return Err(Failure::Redirect(format!("stopped after {max} redirects (see `.max_redirects(…)`)")));
                }
                let hop = next_hop(&url, &method, status, response.headers()).map_err(Failure::Redirect)?;
                drop(response);
                let keeps_key = may_send_key(&inner.base_url, &hop.url);
                tracing::debug!(%status, to = %hop.url.origin().ascii_serialization(), keeps_key, "following redirect");
                redirects += 1;
                url = hop.url;
                method = hop.method;
                with_body &= hop.keep_body;
                continue;
            }
            if prepared.stream_success && status.is_success() {
                drop(permit);
                // The attempt's timeout covers the headers; each chunk then gets as long again.
                let download = crate::download::Download::from_response(response, inner.config.timeout);
                return Ok(RawResponse::new(meta, Bytes::new()).with_download(download));
            }
            let body = read_capped(response, inner.config.max_response_bytes).await?;
            drop(permit);
            return Ok(RawResponse::with_request_id(meta, body, &inner.service.request_id).with_secrets(&inner.secrets));
        }
    }

    async fn send(
        &self,
        prepared: &Prepared<'_>,
        url: &Url,
        method: &Method,
        with_body: bool,
        with_key: bool,
    ) -> Result<reqwest::Response, Failure> {
        let inner = &*self.inner;
        let headers = if may_send_key(&inner.base_url, url) {
            prepared.headers.clone()
        } else {
            // Another origin gets no credentials of any kind, whoever set them.
            let mut headers = prepared.headers.clone();
            for name in [AUTHORIZATION, PROXY_AUTHORIZATION, COOKIE] {
                headers.remove(name);
            }
            for (name, _) in &inner.auth {
                headers.remove(name);
            }
            headers
        };
        let (scheme, key) = (inner.service.auth, inner.api_key.as_ref());
        let url = &crate::auth::hop_url(scheme, key, &inner.secrets, url, with_key);
        let mut headers = headers;
        crate::auth::add_cookie(scheme, key, &mut headers, with_key);
        let mut builder = inner.http.request(method.clone(), url.clone()).headers(headers);
        if with_key {
            for (name, value) in &inner.auth {
                builder = builder.header(name, value.clone());
            }
        }
        if with_body {
            builder = match prepared.body {
                Body::Empty => builder,
                Body::Json(bytes) => builder.header(CONTENT_TYPE, "application/json").body(bytes.clone()),
                Body::Form(bytes) => {
                    builder.header(CONTENT_TYPE, "application/x-www-form-urlencoded").body(bytes.clone())
                }
                Body::Multipart(parts) => builder.multipart(multipart_form(parts)?),
                Body::Raw { content_type, body } => {
                    let (body, len) = crate::raw::reqwest_body(body).await.map_err(Failure::Multipart)?;
                    builder.header(CONTENT_TYPE, content_type.as_str()).header(CONTENT_LENGTH, len).body(body)
                }
            };
        }
        // The URL helps a person see which call failed; a key in it reads `REDACTED`.
        builder.send().await.map_err(|e| Failure::Http(e.with_url(crate::auth::redacted(url, scheme, &inner.secrets))))
    }

    /// Everything about a request that does not change between attempts, checked once.
    fn prepare<'r, E>(&self, request: &'r Request) -> Result<Prepared<'r>, Error<E>> {
        let invalid = |parameter: &str, problem: String| {
            Error::InvalidRequest(InvalidRequest { operation: request.operation, parameter: parameter.into(), problem })
        };
        let mut url = match &request.url {
            // A next-page URL: checked again here, so no caller can point the pipeline elsewhere.
            Some(url) if !may_send_key(&self.inner.base_url, url) => {
                let origin = url.origin().ascii_serialization();
                return Err(invalid("url", format!("is on another origin ({origin}) than the base URL")));
            }
            Some(url) => url.clone(),
            None => {
                let base = self.inner.base_url.as_str().trim_end_matches('/');
                Url::parse(&format!("{base}{}", request.path))
                    .map_err(|e| invalid("path", format!("gives an invalid URL: {e}")))?
            }
        };
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(request.query.iter().map(|(k, v)| (k.as_ref(), v.as_str())));
        }
        let mut headers = HeaderMap::with_capacity(request.headers.len() + 1);
        for (name, value) in &request.headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| invalid(name, "is not a valid HTTP header name".into()))?;
            let value = HeaderValue::from_str(value).map_err(|_| {
                invalid(name, "contains characters an HTTP header cannot carry (such as a line break)".into())
            })?;
            headers.append(header, value);
        }
        if let Some(cookies) = request.cookie_header() {
            let value = HeaderValue::from_str(&cookies)
                .map_err(|_| invalid("Cookie", "cannot be sent as an HTTP header".into()))?;
            headers.insert(COOKIE, value);
        }
        headers.insert(USER_AGENT, self.inner.user_agent.clone());
        Ok(Prepared {
            operation: request.operation,
            method: request.method.clone(),
            url,
            headers,
            body: &request.body,
            authenticated: request.authenticated,
            stream_success: false,
        })
    }
}

struct Prepared<'r> {
    operation: &'static str,
    method: Method,
    url: Url,
    headers: HeaderMap,
    body: &'r Body,
    authenticated: bool,
    /// Hand a 2xx body over as a stream instead of reading it.
    stream_success: bool,
}

fn finish<E>(
    request: &Request,
    outcome: Result<RawResponse, Failure>,
    state: &RetryState,
    started: Instant,
    reason: GiveUpReason,
) -> Result<RawResponse, Error<E>> {
    let attempts = state.attempts();
    let span = tracing::Span::current();
    span.record("attempts", attempts);
    let spent = match reason {
        GiveUpReason::BudgetSpent(state) => Some(state),
        _ => None,
    };
    match outcome {
        Ok(mut raw) => {
            span.record("status", raw.status());
            raw.meta_mut().set_attempts(attempts);
            raw.meta_mut().retry_budget = spent;
            if let GiveUpReason::WaitTooLong { wait, cap } = reason {
                let meta = raw.into_meta();
                let header = meta.server_wait().header.clone().unwrap_or_else(|| "Retry-After".into());
                return Err(Error::WaitTooLong(WaitTooLong { wait, cap, header, meta: Box::new(meta) }));
            }
            Ok(raw)
        }
        Err(failure) => {
            tracing::debug!(?reason, failure = %describe(Err(&failure)), "giving up");
            let out_of_time = matches!(reason, GiveUpReason::OutOfTime { .. });
            let mut error = failure.into_error(request.operation, attempts, started.elapsed(), out_of_time);
            if let Error::Transport(e) = &mut error {
                e.retry_budget = spent;
            }
            Err(error)
        }
    }
}

/// For logs: a status, or what failed — never a URL or header.
fn describe(outcome: Result<&RawResponse, &Failure>) -> String {
    match outcome {
        Ok(raw) => raw.status().to_string(),
        Err(failure @ Failure::Http(e)) => format!("{:?}: {e}", failure.kind()),
        Err(failure) => format!("{:?}", failure.kind()),
    }
}

/// This attempt's time: the per-attempt timeout, or less when the call's deadline is nearer.
fn attempt_limit(timeout: Duration, deadline: Option<Instant>) -> (Duration, bool) {
    match deadline.map(|d| d.saturating_duration_since(Instant::now())) {
        Some(left) if left < timeout => (left, true),
        _ => (timeout, false),
    }
}

fn multipart_form(parts: &[MultipartPart]) -> Result<reqwest::multipart::Form, Failure> {
    let mut form = reqwest::multipart::Form::new();
    for part in parts {
        // `Bytes` to `Vec` copies; reqwest's `Part::stream` would avoid it but loses the length.
        let mut p = reqwest::multipart::Part::bytes(part.data.to_vec());
        if let Some(name) = &part.file_name {
            p = p.file_name(name.clone());
        }
        if let Some(content_type) = &part.content_type {
            p = p.mime_str(content_type).map_err(|_| {
                Failure::Multipart(format!("part `{}` has an invalid content type {content_type:?}", part.name))
            })?;
        }
        form = form.part(part.name, p);
    }
    Ok(form)
}

/// Reads the body, failing as soon as it is known to exceed `cap` — from `Content-Length` when
/// the server sends one, else while streaming — so an oversized body is never held in memory.
async fn read_capped(mut response: reqwest::Response, cap: usize) -> Result<Bytes, Failure> {
    if response.content_length().is_some_and(|len| len > cap as u64) {
        return Err(Failure::TooLarge(cap));
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| Failure::Http(e.without_url()))? {
        if body.len() + chunk.len() > cap {
            return Err(Failure::TooLarge(cap));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}
