//! The pipeline every request goes through, whatever its body and wherever it goes:
//! `Transport::pipeline` (private). It owns no policy: the [pacer](crate::pacing::Pace) says when an
//! attempt may go, the [retry policy](crate::retry::RetryPolicy) (classifier and backoff) whether
//! and when to try again, the [retry bucket](crate::retry::RetryBucket) whether the client can
//! afford it, `redirect.rs` where a redirect leads and whether the key may follow. This module
//! only composes them, sends, reads within the size cap, and obeys.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};
use tokio::time::Instant;
use tracing::Instrument;
use url::Url;

use crate::config::{resolve_base_url, ApiKey, BuildError, ClientConfig, ServiceSpec};
use crate::error::{Error, RateLimited, WaitTooLong};
use crate::pacing::{Pace, PacePermit, Pacer};
use crate::request::{Request, Target};
use crate::response::RawResponse;
use crate::retry::{AttemptOutcome, CallRetries, GiveUpReason, RetryBucket, RetryDecision, RetryState};

mod attempt;
mod failure;
mod prepare;
mod streamed;
mod telemetry;
use failure::Failure;
use prepare::Prepared;
pub use streamed::{ForeignBody, ForeignRequest, ForeignResponse, STORAGE_OPERATION};

/// The shared part of a client. Cloning is cheap; clones share connections, the pacer and the
/// retry bucket.
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
    pacer: Arc<dyn Pace>,
    /// The retry budget every clone and concurrent request draws from.
    bucket: Arc<dyn RetryBucket>,
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
            .field("retry_budget", &inner.bucket.state())
            .finish()
    }
}

/// What the pipeline does with a 2xx body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Delivery {
    /// Read it whole (within the cap) for decoding.
    Read,
    /// Hand it over unread, as a [`Download`](crate::Download).
    Stream,
}

impl Transport {
    /// Checks `config` against `service` and builds the transport.
    pub(crate) fn new(service: &'static ServiceSpec, config: ClientConfig) -> Result<Self, BuildError> {
        let base_url = resolve_base_url(service, &config)?;
        let http = match &config.http_client {
            Some(client) => client.clone(),
            None => reqwest::Client::builder()
                .connect_timeout(config.connect_timeout)
                // Redirects are followed in `attempt`, which decides hop by hop whether the key goes.
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| BuildError::Http(Box::new(e)))?,
        };
        let user_agent =
            format!("{}/{} client-runtime/{}", service.crate_name, service.crate_version, env!("CARGO_PKG_VERSION"));
        let user_agent =
            HeaderValue::from_str(&user_agent).unwrap_or_else(|_| HeaderValue::from_static("client-runtime"));
        let api_key = config.api_key.clone();
        let crate::credentials::Credentials { headers: auth, secrets } =
            crate::credentials::collect(service.auth, &config)?;
        let wait_cap = config.server_wait_cap(service);
        let pacer: Arc<dyn Pace> = match &config.pacer {
            Some(pacer) => pacer.clone(),
            None => Arc::new(Pacer::from_config(&config.pacing, service.rate_limits).with_wait_cap(wait_cap)),
        };
        let bucket = config.retry.new_bucket();
        let inner =
            Inner { service, base_url, api_key, secrets, auth, http, config, user_agent, pacer, bucket, wait_cap };
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

    /// Sends the request through the pipeline (`Transport::pipeline`) and reads the whole body of
    /// the final response, whatever its status: the generated code decodes it.
    pub async fn execute<E>(&self, request: Request) -> Result<RawResponse, Error<E>> {
        self.pipeline(request, Delivery::Read).await
    }

    /// Like [`execute`](Self::execute), but a 2xx body is not read: the response holds it as a
    /// [`Download`](crate::Download) ([`RawResponse::download`]). Other statuses are read as
    /// usual (they carry the error), so retries and error decoding work unchanged.
    pub async fn download<E>(&self, request: Request) -> Result<RawResponse, Error<E>> {
        self.pipeline(request, Delivery::Stream).await
    }

    /// The one pipeline. Every request — JSON, form, multipart, a file or a stream, a download,
    /// the key-less request to signed storage — goes through these stages, in this order:
    /// credentials for the request's origin (`prepare`), a pacing permit (API requests only:
    /// storage does not count against the API's quotas), send, redirect policy (`attempt`),
    /// classify, retry with the body sent again (a file reopened, bytes cloned; a one-shot
    /// stream is sent once and the error says why it was not retried), the request id, the
    /// tracing span, and the body read for decoding.
    async fn pipeline<E>(&self, request: Request, delivery: Delivery) -> Result<RawResponse, Error<E>> {
        let span = telemetry::call_span(request.operation, &request.method);
        let result = self.stages(&request, delivery, &span).instrument(span.clone()).await;
        telemetry::record_outcome(&span, &result);
        result
    }

    async fn stages<E>(
        &self,
        request: &Request,
        delivery: Delivery,
        span: &tracing::Span,
    ) -> Result<RawResponse, Error<E>> {
        let inner = &*self.inner;
        let prepared = self.prepare(request, delivery)?;
        telemetry::record_url(span, &prepared.shown_url(inner), inner.service.auth, &inner.secrets);
        let to_storage = request.target == Target::Storage;
        let started = Instant::now();
        // A storage upload of a large file takes as long as it takes; each attempt keeps its limit.
        let deadline = match to_storage {
            true => None,
            false => inner.config.max_total_time.and_then(|limit| started.checked_add(limit)),
        };
        let mut state = RetryState::new(deadline).with_wait_cap(inner.wait_cap);
        if !request.is_replayable() {
            state = state.one_shot();
        }
        let policy = request.options.retry.as_ref().unwrap_or(&inner.config.retry);
        let mut retries = CallRetries::new(policy, &*inner.bucket, state);
        let attempt_timeout = match (request.options.timeout, to_storage) {
            (Some(limit), _) => Some(limit),
            (None, true) => None,
            (None, false) => Some(inner.config.timeout),
        };
        let mut last = None;
        loop {
            let permit = match to_storage {
                true => PacePermit::free(),
                false => match inner.pacer.acquire(deadline).await {
                    Ok(permit) => permit,
                    // A retry that cannot be paced in time returns what the last attempt got.
                    Err(held) => match last {
                        Some(outcome) => {
                            let reason = GiveUpReason::OutOfTime { wait: held.wait };
                            return finish(request, outcome, retries.state(), started, reason);
                        }
                        None => {
                            return Err(Error::RateLimited(RateLimited {
                                operation: request.operation,
                                wait: held.wait,
                                reason: inner.pacer.explain(&held.by),
                                attempts: retries.state().attempts(),
                            }))
                        }
                    },
                },
            };
            retries.record_attempt();
            let (limit, by_deadline) = attempt_limit(attempt_timeout, deadline);
            let exchange = self.attempt(&prepared, permit);
            let outcome = match limit {
                Some(limit) => match tokio::time::timeout(limit, exchange).await {
                    Ok(outcome) => outcome,
                    Err(_) => Err(Failure::TimedOut { total: by_deadline }),
                },
                None => exchange.await,
            };
            telemetry::attempt_event(retries.state().attempts().saturating_sub(1), outcome.as_ref());
            let view = match &outcome {
                Ok(raw) => AttemptOutcome::Response(raw.meta()),
                Err(failure) => AttemptOutcome::Failure(failure.kind()),
            };
            match retries.decide(request, &view) {
                RetryDecision::RetryAfter(wait) => {
                    tracing::info!(
                        http.request.resend_count = retries.state().attempts(),
                        ?wait,
                        outcome = %describe(outcome.as_ref()),
                        "retrying"
                    );
                    tokio::time::sleep(wait).await;
                    last = Some(outcome);
                }
                RetryDecision::GiveUp(reason) => {
                    retries.settle(&view);
                    return finish(request, outcome, retries.state(), started, reason);
                }
            }
        }
    }
}

fn finish<E>(
    request: &Request,
    outcome: Result<RawResponse, Failure>,
    state: &RetryState,
    started: Instant,
    reason: GiveUpReason,
) -> Result<RawResponse, Error<E>> {
    let attempts = state.attempts();
    let spent = match reason {
        GiveUpReason::BudgetSpent(state) => Some(state),
        _ => None,
    };
    match outcome {
        Ok(mut raw) => {
            raw.meta_mut().set_attempts(attempts);
            raw.meta_mut().retry_budget = spent;
            raw.meta_mut().not_retried = reason.not_retried();
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
                e.not_retried = reason.not_retried();
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

/// This attempt's time: its own limit, or less when the call's deadline is nearer; `None`: no
/// limit at all. The flag says the deadline set it.
fn attempt_limit(timeout: Option<Duration>, deadline: Option<Instant>) -> (Option<Duration>, bool) {
    match (deadline.map(|d| d.saturating_duration_since(Instant::now())), timeout) {
        (Some(left), Some(limit)) if left < limit => (Some(left), true),
        (Some(left), None) => (Some(left), true),
        (_, limit) => (limit, false),
    }
}
