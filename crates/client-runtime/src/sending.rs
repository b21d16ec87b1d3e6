//! What a request's `send()` returns, and the one async path every generated operation shares.
//!
//! An operation hands the runtime its built request and a plain function that decodes the
//! response by status; the waiting happens here, once. Written as an `async fn` per operation,
//! each `send()` was a state machine of its own whose `Send`-ness rustc proved again for every
//! operation: most of what a crate of a thousand operations cost to check, for code that differs
//! only in the decoding.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::BoxFuture;

use crate::error::{Error, InvalidRequest};
use crate::paginate::{FetchFuture, Fetched};
use crate::request::Request;
use crate::response::{RawResponse, Response, ResponseMeta};
use crate::transport::Transport;

/// The call a request's `send()` makes, run when awaited: nothing is sent before. It is `Send`,
/// so it can be spawned, and it can be stored by name.
#[must_use = "a request does nothing until its future is awaited"]
pub struct ResponseFuture<T, E> {
    call: BoxFuture<'static, Result<Response<T>, Error<E>>>,
}

impl<T, E> Future for ResponseFuture<T, E> {
    type Output = Result<Response<T>, Error<E>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.call.as_mut().poll(cx)
    }
}

impl<T, E> fmt::Debug for ResponseFuture<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

/// How an operation reads a response it received: by status, into its success type or its
/// typed error.
pub type Decode<T, E> = fn(RawResponse) -> Result<Response<T>, Error<E>>;

/// Sends `request` (reading the whole body) and decodes the response with `decode`. A request
/// that failed to build is the future's error, reported when awaited, as `send()` always did.
pub fn send<T, E>(
    transport: &Transport,
    request: Result<Request, InvalidRequest>,
    decode: Decode<T, E>,
) -> ResponseFuture<T, E>
where
    T: Send + 'static,
    E: Send + 'static,
{
    call(transport, request, decode, false)
}

/// [`send`] for an operation whose success body is a file: a 2xx body is handed over as it
/// arrives ([`Transport::download`]).
pub fn send_download<T, E>(
    transport: &Transport,
    request: Result<Request, InvalidRequest>,
    decode: Decode<T, E>,
) -> ResponseFuture<T, E>
where
    T: Send + 'static,
    E: Send + 'static,
{
    call(transport, request, decode, true)
}

fn call<T, E>(
    transport: &Transport,
    request: Result<Request, InvalidRequest>,
    decode: Decode<T, E>,
    streamed: bool,
) -> ResponseFuture<T, E>
where
    T: Send + 'static,
    E: Send + 'static,
{
    let transport = transport.clone();
    ResponseFuture {
        call: Box::pin(async move {
            let request = request.map_err(Error::InvalidRequest)?;
            let raw = match streamed {
                true => transport.download::<E>(request).await?,
                false => transport.execute::<E>(request).await?,
            };
            decode(raw)
        }),
    }
}

/// One window of a paged operation: its response, split by the operation's `split` into the
/// page's items and its paging facts.
pub fn fetch_page<I, B, E>(
    response: ResponseFuture<B, E>,
    split: fn(B, ResponseMeta) -> Fetched<I, B>,
) -> FetchFuture<I, B, E>
where
    I: Send + 'static,
    B: Send + 'static,
    E: Send + 'static,
{
    Box::pin(async move {
        let (body, meta) = response.await?.into_parts();
        Ok(split(body, meta))
    })
}

/// A next-URL listing's follow-up: `request` sent to `url` (absolute, on the API's origin, as
/// the engine resolved and checked it).
pub fn to_url(request: Result<Request, InvalidRequest>, url: &str) -> Result<Request, InvalidRequest> {
    let mut request = request?;
    request.set_url(url)?;
    Ok(request)
}
