//! The entry points for requests with a streamed body or a storage origin, each a thin door into
//! [`Transport::pipeline`](super::Transport): [`Transport::send_storage`] (the key-less request to
//! signed storage, retried with its body sent again), [`Transport::send_foreign`] (the same for
//! a caller's one-shot body) and [`Transport::execute_streamed`] (a one-shot multipart body to
//! the API).

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use url::Url;

use super::{Delivery, Transport};
use crate::error::Error;
use crate::request::Request;
use crate::response::RawResponse;
use crate::upload::StorageError;

/// The `operation` a storage request is traced and reported under.
pub const STORAGE_OPERATION: &str = "storage";

/// A request to another origin (a signed storage URL) with a body sent once. It never carries
/// the API key, a cookie or any `Authorization`; its URL never appears in `Debug`, errors or logs.
/// For a body that is retried, build a [`Request::storage`] and use
/// [`Transport::send_storage`].
pub struct ForeignRequest {
    pub method: Method,
    pub url: Url,
    /// Headers the API told the caller to send (for a signed `PUT`).
    pub headers: Vec<(String, String)>,
    pub body: ForeignBody,
    /// Each attempt's time limit; `None`: only the connect timeout applies.
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

/// The body of a [`ForeignRequest`]: sent once, never retried (the error says so).
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
    /// Sends a [`Request::storage`] through the pipeline: no credential of any kind, redirects
    /// by the same policy, retried by the client's retry policy when its body can be sent again
    /// (a PUT is idempotent; mark a signed POST to a fixed key with
    /// [`Request::set_idempotent`]). Refused before sending: plain `http://` except to loopback,
    /// and headers that would carry a credential (`Authorization`, `Cookie`, the API's own key
    /// header, or any value holding the key).
    pub async fn send_storage(&self, request: Request) -> Result<ForeignResponse, StorageError> {
        let timeout = request.options().timeout_value();
        match self.pipeline::<()>(request, Delivery::Read).await {
            Ok(raw) => {
                let meta = raw.meta();
                let (status, headers) = (meta.status(), meta.headers().clone());
                Ok(ForeignResponse { status, headers, body: Bytes::copy_from_slice(raw.body()) })
            }
            Err(error) => Err(storage_error(error, timeout)),
        }
    }

    /// Sends `request`, with its one-shot body, to another origin with no credentials of any
    /// kind: the pipeline of [`send_storage`](Self::send_storage), without retries.
    pub async fn send_foreign(&self, request: ForeignRequest) -> Result<ForeignResponse, StorageError> {
        let mut storage = Request::storage(STORAGE_OPERATION, request.method, request.url);
        for (name, value) in request.headers {
            storage.header_owned(name, value);
        }
        match request.body {
            ForeignBody::Raw { content_type, body } => storage.one_shot_body(content_type, body),
            ForeignBody::Multipart(form) => storage.one_shot_form(form),
        }
        if let Some(limit) = request.timeout {
            storage.set_options(crate::RequestOptions::new().timeout(limit));
        }
        self.send_storage(storage).await
    }

    /// Sends one authenticated request with a one-shot multipart body to the API through the
    /// pipeline: paced, redirected and traced like every request, sent once (the error says
    /// why it was not retried). A body that can be sent again is better given as
    /// [`Request::stream_form`] to [`execute`](Self::execute), which retries it.
    pub async fn execute_streamed<E>(
        &self,
        operation: &'static str,
        method: Method,
        path: &str,
        form: reqwest::multipart::Form,
    ) -> Result<RawResponse, Error<E>> {
        let mut request = Request::new(operation, method, path.to_owned());
        request.one_shot_form(form);
        self.execute(request).await
    }
}

/// The pipeline's error as the storage step's: never the URL (its query is the signature).
fn storage_error(error: Error<()>, timeout: Option<Duration>) -> StorageError {
    match error {
        Error::InvalidRequest(e) if e.parameter == "file" => StorageError::Read(e.problem),
        Error::InvalidRequest(e) if e.parameter == "url" => {
            StorageError::Refused(format!("the storage URL {}", e.problem))
        }
        Error::InvalidRequest(e) if e.problem.contains("credential") => {
            StorageError::Refused(format!("the storage request may not carry a `{}` header", e.parameter))
        }
        Error::InvalidRequest(e) => StorageError::Refused(e.problem),
        Error::Timeout(e) => StorageError::Timeout(timeout.unwrap_or(e.elapsed)),
        Error::Transport(e) => {
            let mut failure = transport_failure(&e.source);
            if let (StorageError::Transport(text), Some(why)) = (&mut failure, e.not_retried) {
                text.push_str(&format!(" (not retried: {why})"));
            }
            failure
        }
        Error::WaitTooLong(e) => {
            let status = e.meta.status().as_u16();
            StorageError::Status { status, code: None }
        }
        Error::Redirect(e) => StorageError::Transport(format!("a redirect could not be followed: {}", e.problem)),
        Error::BodyTooLarge(_)
        | Error::Decode(_)
        | Error::RateLimited(_)
        | Error::Api(_)
        | Error::UnexpectedStatus(_) => StorageError::Transport("the answer could not be read".into()),
    }
}

/// A reqwest failure, said without its URL (which carries the signature).
fn transport_failure(e: &reqwest::Error) -> StorageError {
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
            if io.kind() != std::io::ErrorKind::BrokenPipe && io.kind() != std::io::ErrorKind::ConnectionReset {
                return StorageError::Read(io.to_string());
            }
        }
        source = cause.source();
    }
    if e.is_timeout() {
        text.push_str(" (reqwest timeout)");
    }
    StorageError::Transport(text)
}
