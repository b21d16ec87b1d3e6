//! One call for the three-step upload: `POST /media/upload` announces the file, the bytes go to
//! the signed `upload_url` (another origin: no API key) as `upload_method` says, and `POST
//! /media/{media_id}/complete` confirms it.
//!
//! ```no_run
//! # async fn demo(client: posteverywhere_client::Client) -> Result<(), Box<dyn std::error::Error>> {
//! let media = client.upload_file("clip.mp4").progress(|sent, total| eprintln!("{sent}/{total}")).await?;
//! println!("{:?} is {:?}", media.media_id, media.status);
//! # Ok(()) }
//! ```

use std::future::{Future, IntoFuture};
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use client_runtime::__private::upload::{
    presigned_upload, FlowOptions, MediaIdCallback, PreparedUpload, PresignedError, PresignedSteps, Progress,
    StorageTarget, Upload,
};
use client_runtime::Response;
use client_runtime::StorageError;

use crate::operations::{CompleteMediaUploadError, UploadMediaError};
use crate::types::{CompletedMedia, ErrorEnvelope, UploadHttpMethod, UploadMediaInput, UploadTicket};
use crate::{Client, Error};

/// Images (JPEG, PNG, GIF, WebP, HEIC, HEIF) and PDFs: 20 MB.
pub const MAX_IMAGE_BYTES: u64 = 20 * 1024 * 1024;
/// MP4 video (H.264): 500 MB.
pub const MAX_VIDEO_BYTES: u64 = 500 * 1024 * 1024;
/// The types PostEverywhere accepts (media-requirements page).
pub const SUPPORTED_TYPES: [&str; 8] =
    ["image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "image/heif", "video/mp4", "application/pdf"];

/// The step an upload failed at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UploadStep {
    /// Checking the file: nothing was sent.
    Prepare,
    /// `POST /media/upload`: no media item exists.
    Announce,
    /// Sending the bytes to storage: the media item exists, not completed.
    Storage,
    /// `POST /media/{media_id}/complete`: the media item exists, the bytes are in storage.
    Complete,
}

/// Why an upload failed, at which step, and the id of the media item if one exists.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UploadError {
    #[error("upload refused before anything was sent: {0}")]
    Refused(String),
    #[error("announcing the upload (POST /media/upload) failed; no media item exists")]
    Announce(#[source] Box<Error<UploadMediaError>>),
    #[error("sending the file to storage failed; media {media_id} exists, not completed")]
    Storage { media_id: String, source: StorageError },
    #[error("confirming the upload (POST /media/{media_id}/complete) failed; media {media_id} exists")]
    Complete { media_id: String, source: Box<Error<CompleteMediaUploadError>> },
    #[error("complete kept answering that the file is not in storage ({attempts} attempts); media {media_id} exists")]
    NotInStorage {
        media_id: String,
        attempts: u32,
        /// The last answer of complete, as the error's `source()`.
        #[source]
        last: Box<Error<CompleteMediaUploadError>>,
    },
}

impl UploadError {
    pub fn step(&self) -> UploadStep {
        match self {
            UploadError::Refused(_) => UploadStep::Prepare,
            UploadError::Announce(_) => UploadStep::Announce,
            UploadError::Storage { .. } => UploadStep::Storage,
            UploadError::Complete { .. } | UploadError::NotInStorage { .. } => UploadStep::Complete,
        }
    }

    /// The media item the failed upload left on the server, if it got that far.
    pub fn media_id(&self) -> Option<&str> {
        match self {
            UploadError::Refused(_) | UploadError::Announce(_) => None,
            UploadError::Storage { media_id, .. }
            | UploadError::Complete { media_id, .. }
            | UploadError::NotInStorage { media_id, .. } => Some(media_id),
        }
    }
}

/// An upload being configured; `.await` it to run the three steps.
#[must_use = "an upload does nothing until it is awaited"]
pub struct UploadBuilder {
    client: Client,
    upload: Upload,
    file_name: Option<String>,
    content_type: Option<String>,
    progress: Option<Progress>,
    width: Option<i64>,
    height: Option<i64>,
    duration: Option<f64>,
    storage_timeout: Option<Duration>,
    on_media_id: Option<MediaIdCallback>,
    complete_attempts: u32,
    complete_wait: Duration,
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
        UploadBuilder {
            client: self.clone(),
            upload,
            file_name: None,
            content_type: None,
            progress: None,
            width: None,
            height: None,
            duration: None,
            storage_timeout: None,
            on_media_id: None,
            complete_attempts: 6,
            complete_wait: Duration::from_millis(250),
        }
    }
}

impl UploadBuilder {
    /// The MIME type to announce, instead of the one the extension gives.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file name to announce, instead of the path's.
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// Called with (bytes sent, total) while the bytes go to storage.
    pub fn progress(mut self, report: impl Fn(u64, u64) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(report));
        self
    }

    /// Pixel dimensions to announce (optional).
    pub fn dimensions(mut self, width: i64, height: i64) -> Self {
        self.width = Some(width);
        self.height = Some(height);
        self
    }

    /// A video's length in seconds to announce (optional).
    pub fn duration(mut self, seconds: f64) -> Self {
        self.duration = Some(seconds);
        self
    }

    /// A time limit for each attempt to send the bytes to storage (none by default: large files
    /// take long). An attempt that runs out is retried like a dropped connection.
    pub fn storage_timeout(mut self, limit: Duration) -> Self {
        self.storage_timeout = Some(limit);
        self
    }

    /// How often `complete` is tried while it says the file has not reached storage (default 6,
    /// waits doubling from 250 ms).
    pub fn complete_attempts(mut self, attempts: u32, first_wait: Duration) -> Self {
        self.complete_attempts = attempts.max(1);
        self.complete_wait = first_wait;
        self
    }

    /// Called with the media id as soon as `POST /media/upload` assigned it, before any byte goes
    /// to storage: a caller that drops the upload midway still knows which item it left behind
    /// (delete it with `delete_media`, or complete it). Called again for a fresh URL's new item.
    pub fn on_media_id(mut self, report: impl Fn(&str) + Send + Sync + 'static) -> Self {
        self.on_media_id = Some(Arc::new(report));
        self
    }

    async fn run(self) -> Result<Response<CompletedMedia>, UploadError> {
        let file = self.upload.clone().prepare(self.file_name.clone(), self.content_type.clone()).await;
        let file = file.map_err(UploadError::Refused)?;
        check_limits(&file)?;
        let options = FlowOptions {
            progress: self.progress.clone(),
            storage_timeout: self.storage_timeout,
            on_media_id: self.on_media_id.clone(),
        };
        let transport = self.client.transport().clone();
        presigned_upload(&transport, &Steps(&self), &file, &options).await.map_err(|e| match e {
            PresignedError::Announce(e) => UploadError::Announce(Box::new(e)),
            PresignedError::Storage { media_id, source } => UploadError::Storage { media_id, source },
            PresignedError::Complete { source, .. } => source,
        })
    }

    async fn complete(&self, media_id: String) -> Result<Response<CompletedMedia>, UploadError> {
        let mut wait = self.complete_wait;
        let mut attempt = 1;
        loop {
            match self.client.complete_media_upload(media_id.clone()).send().await {
                Ok(response) => {
                    return Ok(response.map(|envelope| {
                        let mut media = envelope.data;
                        // The schema page's shape names it `id`; we know it either way.
                        if media.media_id.is_none() && media.id.is_none() {
                            media.media_id = Some(media_id.clone());
                        }
                        media
                    }));
                }
                Err(e) if not_in_storage(&e) && attempt < self.complete_attempts => {
                    tracing::debug!(attempt, ?wait, "complete: the file is not in storage yet");
                    tokio::time::sleep(wait).await;
                    wait = wait.saturating_mul(2).min(Duration::from_secs(8));
                    attempt += 1;
                }
                Err(e) if not_in_storage(&e) => {
                    return Err(UploadError::NotInStorage { media_id, attempts: attempt, last: Box::new(e) })
                }
                Err(source) => return Err(UploadError::Complete { media_id, source: Box::new(source) }),
            }
        }
    }
}

impl IntoFuture for UploadBuilder {
    type Output = Result<Response<CompletedMedia>, UploadError>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

/// PostEverywhere's part of the presigned flow: which operations, which fields.
struct Steps<'a>(&'a UploadBuilder);

impl PresignedSteps for Steps<'_> {
    type Ticket = UploadTicket;
    type Output = Response<CompletedMedia>;
    type AnnounceError = Error<UploadMediaError>;
    type CompleteError = UploadError;

    async fn announce(&self, file: &PreparedUpload) -> Result<UploadTicket, Error<UploadMediaError>> {
        let builder = self.0;
        let input = UploadMediaInput {
            filename: file.file_name.clone(),
            content_type: file.content_type.clone(),
            // Within the 500 MB limit checked before: always fits.
            size: i64::try_from(file.source.len()).unwrap_or(i64::MAX),
            width: builder.width,
            height: builder.height,
            duration: builder.duration,
            platforms: None,
        };
        Ok(builder.client.upload_media(input).send().await?.into_body().data)
    }

    fn media_id(&self, ticket: &UploadTicket) -> String {
        ticket.media_id.clone()
    }

    fn storage(&self, _file: &PreparedUpload, ticket: &UploadTicket) -> Result<StorageTarget, StorageError> {
        let how = &ticket.upload_method;
        match &how.method {
            UploadHttpMethod::Put => Ok(StorageTarget::Put {
                url: ticket.upload_url.clone(),
                headers: how.headers.iter().flatten().map(|(k, v)| (k.clone(), v.clone())).collect(),
                content_type: how.content_type.clone(),
            }),
            UploadHttpMethod::Post => Ok(StorageTarget::Post {
                url: ticket.upload_url.clone(),
                fields: Vec::new(),
                file_field: how.field_name.clone().unwrap_or_else(|| "file".to_owned()),
            }),
            other => Err(StorageError::Refused(format!(
                "the API asked for an upload method this client does not know ({other})"
            ))),
        }
    }

    async fn complete(&self, _file: &PreparedUpload, ticket: UploadTicket) -> Result<Self::Output, UploadError> {
        self.0.complete(ticket.media_id).await
    }

    /// The item whose URL expired is deleted rather than left behind.
    async fn abandon(&self, stale: UploadTicket) {
        if let Err(e) = self.0.client.delete_media(stale.media_id.clone()).send().await {
            tracing::warn!(media_id = %stale.media_id, error = %e, "could not delete the upload whose URL expired");
        }
    }
}

/// The documented limits, checked before anything is sent.
fn check_limits(file: &PreparedUpload) -> Result<(), UploadError> {
    let content_type = file.content_type.as_str();
    if !SUPPORTED_TYPES.contains(&content_type) {
        return Err(UploadError::Refused(format!(
            "{:?} is {content_type}; PostEverywhere accepts {} (convert other videos to H.264 MP4)",
            file.file_name,
            SUPPORTED_TYPES.join(", ")
        )));
    }
    let limit = if content_type == "video/mp4" { MAX_VIDEO_BYTES } else { MAX_IMAGE_BYTES };
    let size = file.source.len();
    if size > limit {
        return Err(UploadError::Refused(format!(
            "{:?} is {size} bytes; PostEverywhere accepts at most {limit} bytes for {content_type}",
            file.file_name
        )));
    }
    if size == 0 {
        return Err(UploadError::Refused(format!("{:?} is empty", file.file_name)));
    }
    Ok(())
}

/// Whether `complete` answered that the file has not reached storage yet. The docs give neither
/// status nor code for it (only that the vendor's SDK retries), so it is read from the error:
/// a 400, 404, 409 or 425 whose code or message says the file is not (yet) in storage.
fn not_in_storage(error: &Error<CompleteMediaUploadError>) -> bool {
    let envelope: Option<&ErrorEnvelope> = match error.api_error() {
        Some(CompleteMediaUploadError::NotFound(e) | CompleteMediaUploadError::Default(e)) => Some(e),
        _ => None,
    };
    let (Some(envelope), Some(status)) = (envelope, error.status()) else {
        return false;
    };
    let code = envelope.error.code.to_ascii_lowercase();
    let message = envelope.error.message.to_ascii_lowercase();
    matches!(status, 400 | 404 | 409 | 425)
        && (matches!(code.as_str(), "upload_incomplete" | "upload_not_found" | "file_not_uploaded" | "not_uploaded")
            || message.contains("not found in storage")
            || message.contains("not yet in storage")
            || message.contains("not reached storage"))
}
