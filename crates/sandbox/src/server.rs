//! The accept loop and the path every request takes: record, latency, faults, rate limit,
//! auth, handler, body faults, headers.
//!
//! The loop is written on hyper rather than `axum::serve` because a dropped connection must be
//! a real one: the connection task owns the socket and closes it when a handler asks.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use futures::StreamExt;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tower::ServiceExt;

use crate::faults::take;
use crate::providers::{refuse_unauthorized, status_error};
use crate::ratelimit::{unix_secs_at, Decision, RateState};
use crate::state::{lock, Shared};
use crate::stats::RecordedRequest;

pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>, router: Router, shutdown: watch::Receiver<bool>) {
    let mut stop = shutdown.clone();
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors and the like: wait rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            _ = stop.changed() => break,
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(connection(stream, shared.clone(), router.clone(), shutdown.clone()));
    }
}

async fn connection(
    stream: tokio::net::TcpStream,
    shared: Arc<Shared>,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    let kill = Arc::new(Notify::new());
    let service_kill = kill.clone();
    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
        let (shared, router, kill) = (shared.clone(), router.clone(), service_kill.clone());
        async move { Ok::<_, Infallible>(handle(shared, router, kill, req.map(Body::new)).await) }
    });
    let builder = auto::Builder::new(TokioExecutor::new());
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    // Leaving the select drops the connection future and with it the socket.
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = kill.notified() => {}
        _ = shutdown.changed() => {}
    }
}

#[derive(Debug)]
enum Injected {
    Drop,
    Redirect(String),
    Burst(u64),
    ServerError(u16),
}

async fn handle(shared: Arc<Shared>, router: Router, kill: Arc<Notify>, req: Request<Body>) -> Response {
    lock(&shared.stats).request(RecordedRequest::new(req.method(), req.uri(), req.headers()));
    let latency = lock(&shared.faults).latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    // One lock for all counters, so concurrent requests use up one unit each.
    let injected = {
        let mut f = lock(&shared.faults);
        if take(&mut f.drop_connections) {
            Some(Injected::Drop)
        } else if let Some(origin) = f.redirect_to.clone() {
            Some(Injected::Redirect(origin))
        } else if take(&mut f.rate_limit_burst) {
            Some(Injected::Burst(f.burst_retry_after_secs))
        } else if take(&mut f.server_errors) {
            Some(Injected::ServerError(f.server_error_status))
        } else {
            None
        }
    };
    if let Some(fault) = &injected {
        tracing::debug!(?fault, path = req.uri().path(), "sandbox injects a fault");
    }
    let peek = || lock(&shared.limiter).as_mut().and_then(|l| l.peek());
    let (response, rate) = match injected {
        Some(Injected::Drop) => {
            lock(&shared.stats).dropped();
            kill.notify_one();
            // The connection task drops this future along with the socket.
            return std::future::pending().await;
        }
        Some(Injected::Redirect(origin)) => {
            let target =
                format!("{}{}", origin.trim_end_matches('/'), req.uri().path_and_query().map_or("/", |p| p.as_str()));
            let mut resp = StatusCode::TEMPORARY_REDIRECT.into_response();
            if let Ok(v) = HeaderValue::from_str(&target) {
                resp.headers_mut().insert(header::LOCATION, v);
            }
            (resp, peek())
        }
        Some(Injected::Burst(retry_after)) => {
            let state = peek().map_or_else(
                || RateState {
                    limit: 60,
                    remaining: 0,
                    reset: unix_secs_at(std::time::Instant::now() + Duration::from_secs(retry_after)),
                },
                |s| RateState { remaining: 0, ..s },
            );
            (status_error(&shared, StatusCode::TOO_MANY_REQUESTS, Some(retry_after)), Some(state))
        }
        Some(Injected::ServerError(status)) => {
            // Only error statuses: a 1xx or 2xx here would confuse hyper or the test.
            let status = StatusCode::from_u16(status)
                .ok()
                .filter(|s| s.is_client_error() || s.is_server_error())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status_error(&shared, status, None), peek())
        }
        None => {
            let decision = lock(&shared.limiter).as_mut().and_then(|l| l.check());
            match decision {
                Some(Decision::Limited { state, retry_after }) => {
                    (status_error(&shared, StatusCode::TOO_MANY_REQUESTS, Some(retry_after)), Some(state))
                }
                allowed => {
                    let rate = match allowed {
                        Some(Decision::Allowed(s)) => Some(s),
                        _ => None,
                    };
                    let resp = match refuse_unauthorized(&shared, req.headers()) {
                        Some(resp) => resp,
                        None => {
                            let resp = router.oneshot(req).await.unwrap_or_else(|e| match e {});
                            body_fault(&shared, resp).await
                        }
                    };
                    (resp, rate)
                }
            }
        }
    };
    let mut response = response;
    if let Some(rate) = rate {
        rate.apply(response.headers_mut());
    }
    lock(&shared.stats).response(response.status().as_u16());
    response
}

#[derive(Debug)]
enum BodyFault {
    Truncate,
    Malformed,
    Oversized(usize),
}

/// Spoils a successful body if a body fault is pending.
async fn body_fault(shared: &Shared, resp: Response) -> Response {
    if !resp.status().is_success() {
        return resp;
    }
    let fault = {
        let mut f = lock(&shared.faults);
        if take(&mut f.truncate_bodies) {
            Some(BodyFault::Truncate)
        } else if take(&mut f.malformed_bodies) {
            Some(BodyFault::Malformed)
        } else if take(&mut f.oversized_bodies) {
            Some(BodyFault::Oversized(f.oversized_body_bytes))
        } else {
            None
        }
    };
    let Some(fault) = fault else {
        return resp;
    };
    tracing::debug!(?fault, "sandbox spoils a response body");
    let (mut parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    let body = match fault {
        BodyFault::Truncate => {
            // Announce the whole body, send half, then fail the stream: hyper closes the
            // connection, and the client sees a body cut short.
            parts.headers.insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
            let half = bytes.slice(..bytes.len() / 2);
            let head = futures::stream::once(async move { Ok::<Bytes, std::io::Error>(half) });
            let tail = futures::stream::once(async {
                // Let hyper flush the first half before the error tears the connection down.
                tokio::time::sleep(Duration::from_millis(50)).await;
                Err(std::io::Error::other("body truncated on purpose"))
            });
            Body::from_stream(head.chain(tail))
        }
        BodyFault::Malformed => {
            let mut text = bytes.slice(..bytes.len() / 2).to_vec();
            text.extend_from_slice(b"<!-- not json -->");
            Body::from(text)
        }
        BodyFault::Oversized(size) => {
            // JSON allows any amount of whitespace, so the body stays valid and only its size
            // is wrong.
            let mut text = bytes.to_vec();
            text.resize(size.max(text.len()), b' ');
            Body::from(text)
        }
    };
    Response::from_parts(parts, body)
}
