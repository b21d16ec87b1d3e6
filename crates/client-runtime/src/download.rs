//! A binary response body (a media file, an export) handed over as it arrives rather than held
//! in memory: [`Download`] streams the chunks, says the content type and length the server
//! declared, and notices a body that stalls or ends short of its `Content-Length`.
//! [`Download::save_to`] writes a file that exists only once it is complete.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures::stream::{BoxStream, Stream, StreamExt};
use tokio::io::AsyncWriteExt;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Why a download did not deliver its whole body.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DownloadError {
    /// No bytes arrived for the client's timeout (a stuck server or connection).
    #[error("the download stalled: nothing arrived for {idle:?} after {received} bytes")]
    Stalled { idle: Duration, received: u64 },
    /// The connection broke mid-body; `source` says how.
    #[error("the download broke after {received} bytes")]
    Broken { received: u64, source: Box<dyn std::error::Error + Send + Sync> },
    /// The body ended before the length the server declared.
    #[error("the download ended after {received} of the {expected} bytes the server declared")]
    Truncated { expected: u64, received: u64 },
    /// [`Download::bytes`] was given a limit the body exceeds.
    #[error("the download is larger than the {limit} bytes allowed")]
    TooLarge { limit: usize },
    /// Writing the file failed (nothing is left at the path).
    #[error("could not write {}", path.display())]
    File { path: PathBuf, source: std::io::Error },
}

/// A response body streamed as it arrives. Read it with [`chunk`](Self::chunk), as a
/// [`Stream`] with [`into_stream`](Self::into_stream), into memory with
/// [`bytes`](Self::bytes) (capped), or to disk with [`save_to`](Self::save_to).
pub struct Download {
    content_type: Option<String>,
    content_length: Option<u64>,
    idle: Duration,
    received: u64,
    done: bool,
    body: BoxStream<'static, Result<Bytes, BoxError>>,
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("content_type", &self.content_type)
            .field("content_length", &self.content_length)
            .field("received", &self.received)
            .finish_non_exhaustive()
    }
}

impl Download {
    /// The body of `response`, each chunk awaited at most `idle`.
    pub(crate) fn from_response(response: reqwest::Response, idle: Duration) -> Self {
        let content_type =
            response.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let content_length = response.content_length();
        // reqwest's errors name the URL, which may carry what a log must not; keep their kind only.
        let body = response.bytes_stream().map(|chunk| chunk.map_err(|e| BoxError::from(e.without_url()))).boxed();
        Self { content_type, content_length, idle, received: 0, done: false, body }
    }

    /// A body already in memory (a response that was read whole), as a download.
    pub fn from_bytes(content_type: Option<String>, bytes: Bytes) -> Self {
        let content_length = Some(bytes.len() as u64);
        let body = futures::stream::iter([Ok(bytes)]).boxed();
        Self { content_type, content_length, idle: Duration::MAX, received: 0, done: false, body }
    }

    /// The `Content-Type` the server declared.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The `Content-Length` the server declared; the download fails if the body ends short of it.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// Bytes delivered so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// The next chunk, `None` once the whole body has arrived.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, DownloadError> {
        if self.done {
            return Ok(None);
        }
        let next = match tokio::time::timeout(self.idle, self.body.next()).await {
            Ok(next) => next,
            Err(_) => return self.fail(DownloadError::Stalled { idle: self.idle, received: self.received }),
        };
        match next {
            Some(Ok(chunk)) => {
                self.received = self.received.saturating_add(chunk.len() as u64);
                Ok(Some(chunk))
            }
            Some(Err(source)) => self.fail(DownloadError::Broken { received: self.received, source }),
            None => {
                self.done = true;
                match self.content_length {
                    Some(expected) if self.received < expected => {
                        Err(DownloadError::Truncated { expected, received: self.received })
                    }
                    _ => Ok(None),
                }
            }
        }
    }

    fn fail(&mut self, error: DownloadError) -> Result<Option<Bytes>, DownloadError> {
        // After an error the download is over: a stream that kept going could deliver a gap.
        self.done = true;
        Err(error)
    }

    /// The chunks as a stream, ending after the first error.
    pub fn into_stream(self) -> impl Stream<Item = Result<Bytes, DownloadError>> + Send {
        futures::stream::unfold(self, |mut download| async move {
            match download.chunk().await {
                Ok(Some(chunk)) => Some((Ok(chunk), download)),
                Ok(None) => None,
                Err(error) => Some((Err(error), download)),
            }
        })
    }

    /// The whole body in memory, refused past `limit` bytes (checked against the declared
    /// length first, so an oversized body is not read at all).
    pub async fn bytes(mut self, limit: usize) -> Result<Bytes, DownloadError> {
        if self.content_length.is_some_and(|len| len > limit as u64) {
            return Err(DownloadError::TooLarge { limit });
        }
        let mut body = BytesMut::new();
        while let Some(chunk) = self.chunk().await? {
            if body.len().saturating_add(chunk.len()) > limit {
                return Err(DownloadError::TooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }

    /// Writes the body to `path` and returns its length. The bytes go to a temporary file
    /// beside it, renamed to `path` only once the whole body has arrived: a failed download
    /// leaves no file, and never a truncated one, at `path`.
    pub async fn save_to(mut self, path: impl AsRef<Path>) -> Result<u64, DownloadError> {
        let path = path.as_ref();
        let partial = partial_path(path);
        let file_error = |source| DownloadError::File { path: path.to_owned(), source };
        let mut file = tokio::fs::File::create(&partial).await.map_err(file_error)?;
        let written = async {
            while let Some(chunk) = self.chunk().await? {
                file.write_all(&chunk).await.map_err(file_error)?;
            }
            file.flush().await.map_err(file_error)?;
            file.sync_all().await.map_err(file_error)?;
            drop(file);
            tokio::fs::rename(&partial, path).await.map_err(file_error)?;
            Ok(self.received)
        }
        .await;
        if written.is_err() {
            let _ = tokio::fs::remove_file(&partial).await;
        }
        written
    }
}

/// `dir/.name.partial`: hidden, beside the target so the rename stays on one file system.
fn partial_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "download".into());
    path.with_file_name(format!(".{name}.partial"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_body_in_memory_is_one_chunk_then_the_end() {
        let mut download = Download::from_bytes(Some("image/png".into()), Bytes::from_static(b"png"));
        assert_eq!(download.content_type(), Some("image/png"));
        assert_eq!(download.chunk().await.expect("a chunk"), Some(Bytes::from_static(b"png")));
        assert_eq!(download.chunk().await.expect("the end"), None);
        assert_eq!(download.received(), 3);
    }

    #[tokio::test]
    async fn a_limit_below_the_declared_length_refuses_before_reading() {
        let download = Download::from_bytes(None, Bytes::from_static(b"12345"));
        assert!(matches!(download.bytes(4).await, Err(DownloadError::TooLarge { limit: 4 })));
        let download = Download::from_bytes(None, Bytes::from_static(b"12345"));
        assert_eq!(download.bytes(5).await.expect("fits"), Bytes::from_static(b"12345"));
    }

    #[test]
    fn the_partial_file_sits_beside_the_target() {
        assert_eq!(partial_path(Path::new("/tmp/a/cat.png")), PathBuf::from("/tmp/a/.cat.png.partial"));
    }
}
