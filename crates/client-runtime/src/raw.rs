//! Bodies that are not JSON: a request body sent as it is (bytes in memory, or a file streamed
//! from disk without being read whole, opened afresh for every attempt so retries resend it) and
//! `text/*` responses as a `String`.

use std::fmt;
use std::path::PathBuf;

use bytes::{Bytes, BytesMut};
use tokio::io::AsyncReadExt;

use crate::error::{DecodeError, Error};
use crate::request::{Body, Request};
use crate::response::{RawResponse, Response};

/// How much of a file is read into memory at a time.
const CHUNK: usize = 64 * 1024;

/// A raw request body (`application/octet-stream`, `image/*`, …): bytes, or a file streamed from
/// disk. Its media type defaults to the spec's, or `application/octet-stream` where the spec
/// allows any (`image/*`, `*/*`).
#[derive(Clone, PartialEq, Eq)]
pub struct RawBody {
    source: Source,
    content_type: Option<String>,
}

#[derive(Clone, PartialEq, Eq)]
enum Source {
    Bytes(Bytes),
    File(PathBuf),
}

impl RawBody {
    /// A body held in memory.
    pub fn from_bytes(data: impl Into<Bytes>) -> Self {
        Self { source: Source::Bytes(data.into()), content_type: None }
    }
    /// A file, streamed from disk each time the request is sent.
    pub fn from_file(path: impl Into<PathBuf>) -> Self {
        Self { source: Source::File(path.into()), content_type: None }
    }
    /// Sends it with this media type (such as `image/png`) instead of the spec's.
    #[must_use]
    pub fn content_type(mut self, mime: impl Into<String>) -> Self {
        self.content_type = Some(mime.into());
        self
    }
    /// The media type it was given, if any.
    pub fn media_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }
}

impl fmt::Debug for RawBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("RawBody");
        match &self.source {
            Source::Bytes(bytes) => s.field("bytes", &bytes.len()),
            Source::File(path) => s.field("file", path),
        };
        s.field("content_type", &self.content_type).finish()
    }
}

impl From<Vec<u8>> for RawBody {
    fn from(data: Vec<u8>) -> Self {
        Self::from_bytes(data)
    }
}

impl From<Bytes> for RawBody {
    fn from(data: Bytes) -> Self {
        Self::from_bytes(data)
    }
}

impl From<&'static [u8]> for RawBody {
    fn from(data: &'static [u8]) -> Self {
        Self::from_bytes(data)
    }
}

impl Request {
    /// Sets a raw body; `spec_type` is the media type the spec declares for it.
    pub fn raw_body(&mut self, spec_type: &'static str, body: RawBody) {
        let content_type = match &body.content_type {
            Some(chosen) => chosen.clone(),
            None if spec_type.contains('*') => "application/octet-stream".to_owned(),
            None => spec_type.to_owned(),
        };
        self.body = Body::Raw { content_type, body };
    }

    /// Sets a text body (`text/plain` and the like) of the spec's media type.
    pub fn text(&mut self, spec_type: &'static str, body: String) {
        self.raw_body(spec_type, RawBody::from_bytes(body));
    }
}

/// The body as reqwest sends it, and its length when known; a file is opened here, per attempt.
pub(crate) async fn reqwest_body(body: &RawBody) -> Result<(reqwest::Body, u64), String> {
    match &body.source {
        Source::Bytes(bytes) => Ok((reqwest::Body::from(bytes.clone()), bytes.len() as u64)),
        Source::File(path) => {
            let file = tokio::fs::File::open(path)
                .await
                .map_err(|e| format!("cannot open the file {}: {e}", path.display()))?;
            let len = file.metadata().await.map_err(|e| format!("cannot read {}: {e}", path.display()))?.len();
            let chunks = futures::stream::try_unfold(file, |mut file| async move {
                let mut chunk = BytesMut::with_capacity(CHUNK);
                let read = file.read_buf(&mut chunk).await?;
                Ok::<_, std::io::Error>((read > 0).then(|| (chunk.freeze(), file)))
            });
            Ok((reqwest::Body::wrap_stream(chunks), len))
        }
    }
}

impl RawResponse {
    /// A `text/*` success body as a `String`.
    pub fn text<E>(self) -> Result<Response<String>, Error<E>> {
        match String::from_utf8(self.body().to_vec()) {
            Ok(text) => Ok(Response::new(text, self.meta().clone())),
            Err(e) => Err(Error::Decode(DecodeError {
                operation: self.meta().operation,
                status: Some(self.status()),
                message: format!("the text body is not UTF-8: {e}"),
                excerpt: String::new(),
            })),
        }
    }
}
