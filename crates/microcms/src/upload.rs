//! One call for `POST /api/v1/media`: the file streamed as the `file` part of one multipart
//! request (never read whole, read again from the start on a retry), refused before sending
//! when it is over the documented 5 MB.
//!
//! ```no_run
//! # async fn demo(client: microcms_client::Client) -> Result<(), Box<dyn std::error::Error>> {
//! let media = client.upload_file("photo.jpg").progress(|sent, total| eprintln!("{sent}/{total}")).await?;
//! println!("{}", media.url);
//! # Ok(()) }
//! ```

use std::future::{Future, IntoFuture};
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;

use client_runtime::__private::upload::{Progress, Upload};
use client_runtime::__private::{Request, StreamForm};
use client_runtime::http::Method;
use client_runtime::{Error, Response};

use crate::operations::{UploadMediaError, UploadMediaRequest};
use crate::types::UploadedMedia;
use crate::Client;

/// The largest file `POST /api/v1/media` accepts (the docs: 5 MB).
pub const MAX_UPLOAD_BYTES: u64 = 5 * 1024 * 1024;

/// The step an upload failed at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UploadStep {
    /// Checking the file: nothing was sent.
    Prepare,
    /// The multipart request: the media exists only if it answered 201.
    Upload,
}

/// Why an upload failed. microCMS creates the media in the one request, so a failed upload
/// leaves no media item behind (its URL is only ever in the 201 answer).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UploadError {
    #[error("upload refused before anything was sent: {0}")]
    Refused(String),
    #[error("the upload (POST /api/v1/media) failed")]
    Upload(#[source] Box<Error<UploadMediaError>>),
}

impl UploadError {
    pub fn step(&self) -> UploadStep {
        match self {
            UploadError::Refused(_) => UploadStep::Prepare,
            UploadError::Upload(_) => UploadStep::Upload,
        }
    }

    /// Always `None`: microCMS has no media item before the upload succeeded (kept for the same
    /// face as the other clients).
    pub fn media_id(&self) -> Option<&str> {
        None
    }
}

/// An upload being configured; `.await` it to send.
#[must_use = "an upload does nothing until it is awaited"]
pub struct UploadBuilder {
    client: Client,
    upload: Upload,
    file_name: Option<String>,
    content_type: Option<String>,
    progress: Option<Progress>,
}

impl std::fmt::Debug for UploadBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadBuilder")
            .field("upload", &self.upload)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Uploads a file from disk, streamed; the type comes from the extension unless
    /// [`content_type`](UploadBuilder::content_type) says otherwise.
    pub fn upload_file(&self, path: impl AsRef<Path>) -> UploadBuilder {
        self.upload_builder(Upload::Path(path.as_ref().to_path_buf()))
    }

    /// Uploads bytes from memory under `file_name`.
    pub fn upload_bytes(
        &self,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        bytes: impl Into<bytes::Bytes>,
    ) -> UploadBuilder {
        let upload =
            Upload::Bytes { file_name: file_name.into(), content_type: content_type.into(), bytes: bytes.into() };
        self.upload_builder(upload)
    }

    fn upload_builder(&self, upload: Upload) -> UploadBuilder {
        UploadBuilder { client: self.clone(), upload, file_name: None, content_type: None, progress: None }
    }
}

impl UploadBuilder {
    /// The part's MIME type, instead of the one the extension gives.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file name microCMS is told, instead of the path's.
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// Called with (bytes sent, total) while the file goes out.
    pub fn progress(mut self, report: impl Fn(u64, u64) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(report));
        self
    }

    async fn run(self) -> Result<Response<UploadedMedia>, UploadError> {
        let file = self.upload.prepare(self.file_name, self.content_type).await.map_err(UploadError::Refused)?;
        let size = file.source.len();
        if size > MAX_UPLOAD_BYTES {
            return Err(UploadError::Refused(format!(
                "{:?} is {size} bytes; microCMS accepts at most {MAX_UPLOAD_BYTES} bytes (5 MB) per file",
                file.file_name
            )));
        }
        // One request creates the item: a POST, retried only where microCMS cannot have acted
        // (no connection, a 429 or 503), the file read again from the start each time.
        let mut request = Request::new(UploadMediaRequest::OPERATION_ID, Method::POST, "/api/v1/media".to_owned());
        request.stream_form(StreamForm {
            fields: Vec::new(),
            file_field: "file".to_owned(),
            file_name: file.file_name,
            content_type: file.content_type,
            source: file.source,
            progress: self.progress,
        });
        let raw = self
            .client
            .transport()
            .execute::<UploadMediaError>(request)
            .await
            .map_err(|e| UploadError::Upload(Box::new(e)))?;
        // The statuses `uploadMedia` declares, decoded as its generated `send()` does.
        let decoded = match raw.status() {
            201 => raw.json(),
            400 => Err(raw.api_error(UploadMediaError::BadRequest)),
            403 => Err(raw.api_error(UploadMediaError::Forbidden)),
            429 => Err(raw.api_error(UploadMediaError::TooManyRequests)),
            500 => Err(raw.api_error(UploadMediaError::InternalServerError)),
            _ => Err(raw.unexpected()),
        };
        decoded.map_err(|e| UploadError::Upload(Box::new(e)))
    }
}

impl IntoFuture for UploadBuilder {
    type Output = Result<Response<UploadedMedia>, UploadError>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn oversized_uploads_are_refused_before_sending() {
        // Port 9 (discard) is never contacted: the check comes first.
        let client = Client::builder().base_url("http://127.0.0.1:9").api_key("k").build().expect("client");
        let big = vec![0u8; MAX_UPLOAD_BYTES as usize + 1];
        let error = client.upload_bytes("a.png", "image/png", big).await.expect_err("too big");
        assert_eq!(error.step(), UploadStep::Prepare);
        assert!(error.to_string().contains("at most 5242880 bytes"), "{error}");
    }
}
