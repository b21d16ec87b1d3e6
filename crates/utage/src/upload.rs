//! One call for the normal-media upload (`specs/utage/overlays/10-media-upload.yaml` says where
//! each fact comes from): `POST /media/upload-url` announces the file, a multipart POST sends the
//! signed `fields` and then the file to `presigned_post.url` (another origin: no API key; storage
//! answers 204), and `POST /media/complete` confirms it and answers the `Media`.
//!
//! ```no_run
//! # async fn demo(client: utage_client::Client) -> Result<(), Box<dyn std::error::Error>> {
//! let media = client.upload_file("banner.png").folder_id("fld_123").await?;
//! println!("{:?} at {:?}", media.id, media.url);
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

use crate::operations::{CompleteMediaUploadError, CreateMediaUploadUrlError};
use crate::types::{Media, MediaCompleteInput, MediaUploadUrl, MediaUploadUrlInput};
use crate::{Client, Error};

/// The step an upload failed at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UploadStep {
    /// Checking the file: nothing was sent.
    Prepare,
    /// `POST /media/upload-url`: no media item exists.
    Announce,
    /// Sending the file to storage: the media id exists, the upload is not completed.
    Storage,
    /// `POST /media/complete`: the media id exists and the file is in storage.
    Complete,
}

/// Why an upload failed, at which step, and the media id if one was handed out.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UploadError {
    #[error("upload refused before anything was sent: {0}")]
    Refused(String),
    #[error("asking for an upload URL (POST /media/upload-url) failed; no media item exists")]
    Announce(#[source] Box<Error<CreateMediaUploadUrlError>>),
    #[error("sending the file to storage failed; media {media_id} was announced, not completed")]
    Storage { media_id: String, source: StorageError },
    #[error("confirming the upload (POST /media/complete) failed; media {media_id} is in storage")]
    Complete { media_id: String, source: Box<Error<CompleteMediaUploadError>> },
}

impl UploadError {
    pub fn step(&self) -> UploadStep {
        match self {
            UploadError::Refused(_) => UploadStep::Prepare,
            UploadError::Announce(_) => UploadStep::Announce,
            UploadError::Storage { .. } => UploadStep::Storage,
            UploadError::Complete { .. } => UploadStep::Complete,
        }
    }

    /// The media id the failed upload was given, if it got that far.
    pub fn media_id(&self) -> Option<&str> {
        match self {
            UploadError::Refused(_) | UploadError::Announce(_) => None,
            UploadError::Storage { media_id, .. } | UploadError::Complete { media_id, .. } => Some(media_id),
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
    folder_id: Option<String>,
    progress: Option<Progress>,
    storage_timeout: Option<Duration>,
    on_media_id: Option<MediaIdCallback>,
}

impl std::fmt::Debug for UploadBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadBuilder")
            .field("upload", &self.upload)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("folder_id", &self.folder_id)
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
            folder_id: None,
            progress: None,
            storage_timeout: None,
            on_media_id: None,
        }
    }
}

impl UploadBuilder {
    /// The MIME type (`filetype`) to announce, instead of the one the extension gives.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file name to announce, instead of the path's.
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// The folder to upload into (the root folder otherwise).
    pub fn folder_id(mut self, folder_id: impl Into<String>) -> Self {
        self.folder_id = Some(folder_id.into());
        self
    }

    /// Called with (bytes sent, total) while the file goes to storage.
    pub fn progress(mut self, report: impl Fn(u64, u64) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(report));
        self
    }

    /// A time limit for each attempt to send the file to storage (none by default: large files
    /// take long). An attempt that runs out is retried like a dropped connection.
    pub fn storage_timeout(mut self, limit: Duration) -> Self {
        self.storage_timeout = Some(limit);
        self
    }

    /// Called with the media id as soon as `POST /media/upload-url` assigned it, before any byte
    /// goes to storage: a caller that drops the upload midway still knows which id it left
    /// uncompleted (UTAGE shows no upload until `complete`). Called again for a fresh URL's id.
    pub fn on_media_id(mut self, report: impl Fn(&str) + Send + Sync + 'static) -> Self {
        self.on_media_id = Some(Arc::new(report));
        self
    }

    async fn run(self) -> Result<Response<Media>, UploadError> {
        let file = self.upload.clone().prepare(self.file_name.clone(), self.content_type.clone()).await;
        let file = file.map_err(UploadError::Refused)?;
        if file.source.is_empty() {
            return Err(UploadError::Refused(format!("{:?} is empty", file.file_name)));
        }
        let options = FlowOptions {
            progress: self.progress.clone(),
            storage_timeout: self.storage_timeout,
            on_media_id: self.on_media_id.clone(),
        };
        let transport = self.client.transport().clone();
        presigned_upload(&transport, &Steps(&self), &file, &options).await.map_err(|e| match e {
            PresignedError::Announce(e) => UploadError::Announce(Box::new(e)),
            PresignedError::Storage { media_id, source } => UploadError::Storage { media_id, source },
            PresignedError::Complete { media_id, source } => {
                UploadError::Complete { media_id, source: Box::new(source) }
            }
        })
    }
}

/// UTAGE's part of the presigned flow: which operations, which fields. UTAGE documents no
/// delete, so a ticket whose POST expired is left uncompleted (the guide: an upload without
/// `complete` never appears).
struct Steps<'a>(&'a UploadBuilder);

impl PresignedSteps for Steps<'_> {
    type Ticket = MediaUploadUrl;
    type Output = Response<Media>;
    type AnnounceError = Error<CreateMediaUploadUrlError>;
    type CompleteError = Error<CompleteMediaUploadError>;

    async fn announce(&self, file: &PreparedUpload) -> Result<MediaUploadUrl, Self::AnnounceError> {
        let input = MediaUploadUrlInput {
            filename: file.file_name.clone(),
            filetype: file.content_type.clone(),
            folder_id: self.0.folder_id.clone(),
        };
        Ok(self.0.client.create_media_upload_url(input).send().await?.into_body())
    }

    fn media_id(&self, ticket: &MediaUploadUrl) -> String {
        ticket.media_id.clone()
    }

    /// The signed fields first, then the file: storage reads the policy before the bytes.
    fn storage(&self, _file: &PreparedUpload, ticket: &MediaUploadUrl) -> Result<StorageTarget, StorageError> {
        let post = &ticket.presigned_post;
        let fields = post.fields.iter().map(|(name, value)| (name.clone(), value.clone())).collect();
        Ok(StorageTarget::Post { url: post.url.clone(), fields, file_field: "file".to_owned() })
    }

    async fn complete(
        &self,
        _file: &PreparedUpload,
        ticket: MediaUploadUrl,
    ) -> Result<Response<Media>, Self::CompleteError> {
        self.0.client.complete_media_upload(MediaCompleteInput { media_id: ticket.media_id }).send().await
    }
}

impl IntoFuture for UploadBuilder {
    type Output = Result<Response<Media>, UploadError>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}
