//! What every provider's one-call upload shares: the file or bytes to send (streamed in chunks,
//! never read whole, opened again for each attempt), progress reports, content types from
//! extensions, the storage step's error, and the presigned flow itself ([`presigned_upload`]:
//! ask for a URL, send to storage, confirm), which the provider crates parameterize with their
//! own steps. A single-request upload (microCMS) is a [`Request`](crate::__private::Request) with a
//! [`StreamForm`](crate::__private::StreamForm) body through [`Transport::execute`](crate::__private::Transport::execute).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use futures::Stream;
use tokio::io::AsyncReadExt;

mod presigned;
pub use presigned::{presigned_upload, FlowOptions, MediaIdCallback, PresignedError, PresignedSteps, StorageTarget};

/// Chunks of this size are read from disk and handed to the connection: memory stays flat
/// whatever the file's size.
pub const CHUNK_BYTES: usize = 64 * 1024;

/// Called with (bytes sent so far, total bytes) as the body goes out; again from 0 when a step is
/// repeated (a fresh signed URL).
pub type Progress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// The content of an upload: a file on disk (opened again for each attempt) or bytes in memory.
#[derive(Clone)]
pub enum UploadSource {
    File { path: PathBuf, len: u64 },
    Bytes(Bytes),
}

impl fmt::Debug for UploadSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UploadSource::File { path, len } => f.debug_struct("File").field("path", path).field("len", len).finish(),
            UploadSource::Bytes(b) => f.debug_struct("Bytes").field("len", &b.len()).finish(),
        }
    }
}

impl UploadSource {
    /// A file: its size is read now, its bytes only while they are sent.
    pub async fn file(path: impl AsRef<Path>) -> std::io::Result<Self> {
        let path = path.as_ref().to_path_buf();
        let meta = tokio::fs::metadata(&path).await?;
        if !meta.is_file() {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file"));
        }
        Ok(UploadSource::File { path, len: meta.len() })
    }

    /// The number of bytes to send.
    pub fn len(&self) -> u64 {
        match self {
            UploadSource::File { len, .. } => *len,
            UploadSource::Bytes(b) => b.len() as u64,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The content as a stream of chunks that reports progress; a file is opened now and must
    /// still have the size it had (a file that changes under an upload is an error, not a
    /// corrupt upload).
    pub async fn stream(
        &self,
        progress: Option<Progress>,
    ) -> std::io::Result<impl Stream<Item = std::io::Result<Bytes>> + Send + 'static> {
        let total = self.len();
        let reader = match self {
            UploadSource::File { path, .. } => Chunks::File(tokio::fs::File::open(path).await?),
            UploadSource::Bytes(bytes) => Chunks::Memory(bytes.clone()),
        };
        let state = (reader, 0u64, progress);
        Ok(futures::stream::try_unfold(state, move |(mut reader, sent, progress)| async move {
            let Some(chunk) = reader.next(total - sent).await? else {
                if sent != total {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        format!("the file shrank while it was sent ({sent} of {total} bytes)"),
                    ));
                }
                return Ok(None);
            };
            let sent = sent + chunk.len() as u64;
            if let Some(report) = &progress {
                report(sent, total);
            }
            Ok(Some((chunk, (reader, sent, progress))))
        }))
    }

    /// The content as a request body of known length.
    pub async fn body(&self, progress: Option<Progress>) -> std::io::Result<reqwest::Body> {
        Ok(reqwest::Body::wrap_stream(self.stream(progress).await?))
    }

    /// The content as one multipart part of known length (so the form has a `Content-Length`).
    pub async fn part(
        &self,
        file_name: &str,
        content_type: &str,
        progress: Option<Progress>,
    ) -> std::io::Result<reqwest::multipart::Part> {
        let part = reqwest::multipart::Part::stream_with_length(self.body(progress).await?, self.len())
            .file_name(file_name.to_owned());
        part.mime_str(content_type)
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidInput, "invalid content type"))
    }
}

enum Chunks {
    File(tokio::fs::File),
    Memory(Bytes),
}

impl Chunks {
    /// The next chunk, at most `left` bytes (reading past the announced size would send more
    /// than the server was told).
    async fn next(&mut self, left: u64) -> std::io::Result<Option<Bytes>> {
        let want = usize::try_from(left).unwrap_or(usize::MAX).min(CHUNK_BYTES);
        if want == 0 {
            return Ok(None);
        }
        match self {
            Chunks::Memory(rest) => Ok((!rest.is_empty()).then(|| rest.split_to(want.min(rest.len())))),
            Chunks::File(file) => {
                let mut buf = BytesMut::zeroed(want);
                let n = file.read(&mut buf).await?;
                buf.truncate(n);
                Ok((n > 0).then(|| buf.freeze()))
            }
        }
    }
}

/// What the caller handed to `upload_file` or `upload_bytes`, before it is checked.
#[derive(Clone)]
pub enum Upload {
    Path(PathBuf),
    Bytes { file_name: String, content_type: String, bytes: Bytes },
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Upload::Path(path) => f.debug_tuple("Path").field(path).finish(),
            Upload::Bytes { file_name, content_type, bytes } => f
                .debug_struct("Bytes")
                .field("file_name", file_name)
                .field("content_type", content_type)
                .field("len", &bytes.len())
                .finish(),
        }
    }
}

/// A checked upload: the content, the name the server is told, and its MIME type.
#[derive(Clone, Debug)]
pub struct PreparedUpload {
    pub source: UploadSource,
    pub file_name: String,
    pub content_type: String,
}

impl Upload {
    /// Resolves the file's size, name and content type (overrides first, then the extension).
    /// The error says what is missing, for the caller's "refused before sending" error.
    pub async fn prepare(
        self,
        file_name: Option<String>,
        content_type: Option<String>,
    ) -> Result<PreparedUpload, String> {
        let (source, name, given_type) = match self {
            Upload::Path(path) => {
                let source =
                    UploadSource::file(&path).await.map_err(|e| format!("{} cannot be read: {e}", path.display()))?;
                let name = file_name.or_else(|| file_name_of(&path));
                (source, name, content_type)
            }
            Upload::Bytes { file_name: name, content_type: ct, bytes } => {
                (UploadSource::Bytes(bytes), file_name.or(Some(name)), content_type.or(Some(ct)))
            }
        };
        let file_name = name.filter(|n| !n.is_empty()).ok_or("the upload has no file name")?;
        let content_type = match given_type.filter(|t| !t.is_empty()) {
            Some(t) => t,
            None => content_type_for(&file_name)
                .ok_or_else(|| {
                    format!("the type of {file_name:?} cannot be told from its extension; set .content_type(…)")
                })?
                .to_owned(),
        };
        Ok(PreparedUpload { source, file_name, content_type })
    }
}

/// Storage's answer as the storage step's outcome: any 2xx is done; an error says whether the
/// URL expired, and S3's `<Code>` at most.
pub fn storage_outcome(response: &crate::transport::ForeignResponse) -> Result<(), StorageError> {
    let status = response.status.as_u16();
    if response.status.is_success() {
        Ok(())
    } else if says_expired(status, &response.body) {
        Err(StorageError::Expired)
    } else {
        Err(StorageError::Status { status, code: storage_error_code(&response.body) })
    }
}

/// The MIME type of a file name's extension, for the kinds of files media libraries hold.
pub fn content_type_for(file_name: &str) -> Option<&'static str> {
    let ext = file_name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "jpg" | "jpeg" | "jpe" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "heic" => "image/heic",
        "heif" => "image/heif",
        "svg" => "image/svg+xml",
        "avif" => "image/avif",
        "bmp" => "image/bmp",
        "ico" => "image/x-icon",
        "tif" | "tiff" => "image/tiff",
        "mp4" | "m4v" => "video/mp4",
        "mov" => "video/quicktime",
        "webm" => "video/webm",
        "avi" => "video/x-msvideo",
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "wav" => "audio/wav",
        "ogg" => "audio/ogg",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "json" => "application/json",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "html" | "htm" => "text/html",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _ => return None,
    })
}

/// The last path component, as the file name a server is told.
pub fn file_name_of(path: &Path) -> Option<String> {
    path.file_name().and_then(|n| n.to_str()).map(str::to_owned)
}

/// Why the storage step (the bytes sent to a signed URL on another origin) failed. Never holds
/// the URL, its query or the signed form fields.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// The URL or the headers the API handed out were refused before sending.
    #[error("the storage request was not sent: {0}")]
    Refused(String),
    /// The signed URL had expired (by the storage's answer or by its announced lifetime).
    #[error("the signed storage URL had expired")]
    Expired,
    /// Storage answered an error status.
    #[error("storage answered {status}{}", code.as_ref().map(|c| format!(" ({c})")).unwrap_or_default())]
    Status {
        status: u16,
        /// S3-style `<Code>` of the error body, when there is one.
        code: Option<String>,
    },
    /// The connection failed or the answer could not be read.
    #[error("storage could not be reached: {0}")]
    Transport(String),
    /// The storage request ran out of time.
    #[error("storage did not answer within {0:?}")]
    Timeout(std::time::Duration),
    /// The file could not be read while it was sent.
    #[error("the file could not be read: {0}")]
    Read(String),
}

/// The `<Code>` of an S3-style XML error body, or the `code`/`error` of a JSON one: enough to
/// say what happened without echoing a body that may quote the signature.
pub fn storage_error_code(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body.get(..body.len().min(4096))?).ok()?;
    let from_xml = text.split_once("<Code>").and_then(|(_, rest)| rest.split_once("</Code>")).map(|(c, _)| c);
    let code = from_xml.map(str::to_owned).or_else(|| {
        let value: serde_json::Value = serde_json::from_str(text).ok()?;
        let code = value.get("code").or_else(|| value.get("error").and_then(|e| e.get("code")).or(value.get("error")));
        code?.as_str().map(str::to_owned)
    })?;
    let safe = code.len() <= 64 && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    safe.then_some(code)
}

/// Whether a storage error answer says the signed URL expired (S3: 403 `AccessDenied`,
/// "Request has expired"; others: `ExpiredToken`, `expired`).
pub fn says_expired(status: u16, body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body.get(..body.len().min(4096)).unwrap_or_default()).to_ascii_lowercase();
    matches!(status, 400 | 401 | 403 | 410) && text.contains("expired")
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::TryStreamExt;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[test]
    fn content_types_come_from_extensions() {
        assert_eq!(content_type_for("Photo.JPG"), Some("image/jpeg"));
        assert_eq!(content_type_for("clip.mp4"), Some("video/mp4"));
        assert_eq!(content_type_for("report.pdf"), Some("application/pdf"));
        assert_eq!(content_type_for("noext"), None);
        assert_eq!(content_type_for("archive.xyz"), None);
    }

    #[tokio::test]
    async fn bytes_stream_in_chunks_with_progress() {
        let data = Bytes::from(vec![7u8; CHUNK_BYTES * 2 + 5]);
        let seen = Arc::new(AtomicU64::new(0));
        let report = seen.clone();
        let progress: Progress = Arc::new(move |sent, total| {
            assert_eq!(total, (CHUNK_BYTES * 2 + 5) as u64);
            report.store(sent, Ordering::SeqCst);
        });
        let source = UploadSource::Bytes(data.clone());
        let chunks: Vec<Bytes> = source.stream(Some(progress)).await.expect("stream").try_collect().await.expect("ok");
        assert_eq!(chunks.len(), 3);
        assert_eq!(chunks.concat(), data.to_vec());
        assert_eq!(seen.load(Ordering::SeqCst), data.len() as u64);
    }

    #[tokio::test]
    async fn a_file_that_shrinks_is_an_error() {
        let dir = std::env::temp_dir().join(format!("upload-shrink-{}", std::process::id()));
        std::fs::write(&dir, vec![1u8; 1000]).expect("write");
        let source = UploadSource::file(&dir).await.expect("file");
        std::fs::write(&dir, vec![1u8; 10]).expect("shrink");
        let result: Result<Vec<Bytes>, _> = source.stream(None).await.expect("open").try_collect().await;
        let _ = std::fs::remove_file(&dir);
        assert!(result.expect_err("shrank").to_string().contains("shrank"));
    }

    #[test]
    fn storage_codes_and_expiry_are_read_without_echoing_bodies() {
        let xml = b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>";
        assert_eq!(storage_error_code(xml).as_deref(), Some("AccessDenied"));
        assert!(says_expired(403, xml));
        assert!(!says_expired(500, xml));
        assert_eq!(storage_error_code(b"<Code>a b?sig=1</Code>"), None);
    }
}
