//! The presigned-upload flow every provider with signed storage shares: ask the API for a URL,
//! send the bytes to storage (through the pipeline, retried with the file sent again), confirm.
//! A provider supplies its steps ([`PresignedSteps`]): which operations, which fields.
//!
//! Cancellation: the media id is handed to [`FlowOptions::on_media_id`] as soon as the API
//! assigned it, before any byte goes to storage, so a caller that drops the upload future midway
//! still knows which item it left behind; a failure says it in the error
//! ([`PresignedError::media_id`]).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;

use super::{storage_outcome, PreparedUpload, Progress, StorageError};
use crate::request::{Request, StreamForm};
use crate::transport::{Transport, STORAGE_OPERATION};
use crate::RequestOptions;

/// Called with a media item's id as soon as the API assigned it.
pub type MediaIdCallback = Arc<dyn Fn(&str) + Send + Sync>;

/// How the bytes go to storage, as the API's answer to "ask for a URL" says.
#[derive(Clone, PartialEq, Eq)]
pub enum StorageTarget {
    /// The file as the body of a signed PUT, with the headers the API handed out. `content_type`
    /// is sent unless those headers name one; `None`: the file's type.
    Put { url: String, headers: Vec<(String, String)>, content_type: Option<String> },
    /// A signed multipart POST: the fields in order, then the file in `file_field`. It names
    /// its object, so sending it again replaces rather than adds: it is retried like a PUT.
    Post { url: String, fields: Vec<(String, String)>, file_field: String },
}

impl std::fmt::Debug for StorageTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL's query and the fields are the signature: never shown.
        match self {
            StorageTarget::Put { .. } => f.write_str("StorageTarget::Put"),
            StorageTarget::Post { file_field, .. } => {
                f.debug_struct("StorageTarget::Post").field("file_field", file_field).finish_non_exhaustive()
            }
        }
    }
}

/// What a provider's upload does at each step. The flow calls `announce`, then `storage` to
/// learn where the bytes go, sends them, then `complete`; a URL that expired gets one fresh
/// `announce`, and the stale ticket goes to `abandon`.
pub trait PresignedSteps: Send + Sync {
    /// The API's answer to the announcement: the media id and where to send the bytes.
    type Ticket: Send + Sync;
    /// The finished media item.
    type Output: Send;
    /// Why announcing failed.
    type AnnounceError: Send;
    /// Why confirming failed.
    type CompleteError: Send;

    /// Asks the API for a signed URL (creates the media item).
    fn announce(&self, file: &PreparedUpload)
        -> impl Future<Output = Result<Self::Ticket, Self::AnnounceError>> + Send;
    /// The media id the ticket names.
    fn media_id(&self, ticket: &Self::Ticket) -> String;
    /// Where and how the bytes go; an error refuses the upload before sending.
    fn storage(&self, file: &PreparedUpload, ticket: &Self::Ticket) -> Result<StorageTarget, StorageError>;
    /// Confirms the upload.
    fn complete(
        &self,
        file: &PreparedUpload,
        ticket: Self::Ticket,
    ) -> impl Future<Output = Result<Self::Output, Self::CompleteError>> + Send;
    /// A ticket given up for a fresh one (its URL expired): remove its item where the API can.
    fn abandon(&self, ticket: Self::Ticket) -> impl Future<Output = ()> + Send {
        let _ = ticket;
        async {}
    }
}

/// The caller's choices for one upload.
#[derive(Clone, Default)]
pub struct FlowOptions {
    /// Told (bytes sent, total) as the bytes go to storage; from 0 again on a retry.
    pub progress: Option<Progress>,
    /// Each storage attempt's time limit (none by default: large files take long).
    pub storage_timeout: Option<Duration>,
    /// Told each media id as soon as the API assigned it.
    pub on_media_id: Option<MediaIdCallback>,
}

impl std::fmt::Debug for FlowOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FlowOptions")
            .field("progress", &self.progress.is_some())
            .field("storage_timeout", &self.storage_timeout)
            .field("on_media_id", &self.on_media_id.is_some())
            .finish()
    }
}

/// Which step of the flow failed, and the media id from the announcement on.
#[derive(Debug)]
pub enum PresignedError<A, C> {
    /// Asking for a URL failed: no media item was assigned to this upload.
    Announce(A),
    /// Sending the bytes failed (after the retries storage's answer allowed).
    Storage { media_id: String, source: StorageError },
    /// Confirming failed; the bytes are in storage.
    Complete { media_id: String, source: C },
}

impl<A, C> PresignedError<A, C> {
    /// The media item the failed upload left on the server, if it got that far.
    pub fn media_id(&self) -> Option<&str> {
        match self {
            PresignedError::Announce(_) => None,
            PresignedError::Storage { media_id, .. } | PresignedError::Complete { media_id, .. } => Some(media_id),
        }
    }
}

/// Runs the three steps of `steps` for `file`.
pub async fn presigned_upload<S: PresignedSteps>(
    transport: &Transport,
    steps: &S,
    file: &PreparedUpload,
    options: &FlowOptions,
) -> Result<S::Output, PresignedError<S::AnnounceError, S::CompleteError>> {
    let announce = || async {
        let ticket = steps.announce(file).await.map_err(PresignedError::Announce)?;
        if let Some(report) = &options.on_media_id {
            report(&steps.media_id(&ticket));
        }
        Ok(ticket)
    };
    let mut ticket = announce().await?;
    let mut fresh_url_used = false;
    loop {
        let sent = match steps.storage(file, &ticket) {
            Ok(target) => send(transport, file, target, options).await,
            Err(refused) => Err(refused),
        };
        match sent {
            Ok(()) => break,
            // An expired URL gets one fresh one; the stale item is the provider's to clean up.
            Err(StorageError::Expired) if !fresh_url_used => {
                fresh_url_used = true;
                let stale = std::mem::replace(&mut ticket, announce().await?);
                tracing::debug!(stale = %steps.media_id(&stale), "the signed URL expired; a fresh one is used");
                steps.abandon(stale).await;
            }
            Err(source) => return Err(PresignedError::Storage { media_id: steps.media_id(&ticket), source }),
        }
    }
    let media_id = steps.media_id(&ticket);
    steps.complete(file, ticket).await.map_err(|source| PresignedError::Complete { media_id, source })
}

/// The storage step as a request of the pipeline, its body replayable.
async fn send(
    transport: &Transport,
    file: &PreparedUpload,
    target: StorageTarget,
    options: &FlowOptions,
) -> Result<(), StorageError> {
    let invalid = || StorageError::Refused("the API handed out an invalid storage URL".into());
    let request = match target {
        StorageTarget::Put { url, headers, content_type } => {
            let mut request = Request::storage(STORAGE_OPERATION, Method::PUT, url.parse().map_err(|_| invalid())?);
            for (name, value) in headers {
                request.header_owned(name, value);
            }
            let content_type = content_type.unwrap_or_else(|| file.content_type.clone());
            request.stream_body(content_type, file.source.clone(), options.progress.clone());
            request
        }
        StorageTarget::Post { url, fields, file_field } => {
            let mut request = Request::storage(STORAGE_OPERATION, Method::POST, url.parse().map_err(|_| invalid())?);
            request.stream_form(StreamForm {
                fields,
                file_field,
                file_name: file.file_name.clone(),
                content_type: file.content_type.clone(),
                source: file.source.clone(),
                progress: options.progress.clone(),
            });
            request.set_idempotent(true);
            request
        }
    };
    let mut request = request;
    if let Some(limit) = options.storage_timeout {
        request.set_options(RequestOptions::new().timeout(limit));
    }
    let response = transport.send_storage(request).await?;
    storage_outcome(&response)
}
