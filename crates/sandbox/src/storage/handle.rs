//! [`StorageHandle`]: the storage origin's switches and records, for tests.

use std::sync::Arc;
use std::time::Duration;

use super::{Storage, StorageRecord, StoredObject};
use crate::state::lock;

/// Controls the storage origin and the upload switches of a running sandbox.
#[derive(Clone)]
pub struct StorageHandle {
    pub(crate) shared: Arc<crate::state::Shared>,
}

impl std::fmt::Debug for StorageHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StorageHandle").field("origin", &self.origin()).finish()
    }
}

impl StorageHandle {
    fn storage(&self) -> &Storage {
        &self.shared.storage
    }

    /// `http://127.0.0.1:PORT` of the storage server: another origin than the API's.
    pub fn origin(&self) -> String {
        self.storage().origin().to_owned()
    }

    /// Every request storage has seen, oldest first.
    pub fn records(&self) -> Vec<StorageRecord> {
        lock(&self.storage().state).records.clone()
    }

    pub fn reset_records(&self) {
        lock(&self.storage().state).records.clear();
    }

    /// Whether any credential, the API key or anything shaped like a key ever reached storage.
    pub fn api_key_seen(&self) -> bool {
        self.records().iter().any(|r| r.api_key_seen)
    }

    /// The file stored under `key` (the media id).
    pub fn object(&self, key: &str) -> Option<StoredObject> {
        self.storage().object(key)
    }

    /// Storage waits this long before answering each request.
    pub fn set_latency(&self, latency: Duration) {
        lock(&self.storage().faults).latency = latency;
    }

    /// The next `n` storage requests fail with `status` (an S3-style XML error).
    pub fn fail_next(&self, n: u32, status: u16) {
        let mut f = lock(&self.storage().faults);
        f.fail_next = n;
        f.fail_status = status;
    }

    /// The next `n` storage requests are refused as expired (403 `AccessDenied`, "Request has
    /// expired"), whatever their URL says.
    pub fn expire_next(&self, n: u32) {
        lock(&self.storage().faults).expire_next = n;
    }

    /// Each file's first storage request is answered `status` (S3's `SlowDown`, as storage under
    /// load answers a PUT) after its body was read; later requests for the same file go through.
    /// `None` turns it off and forgets which files were seen.
    pub fn fail_first_attempt(&self, status: Option<u16>) {
        let mut f = lock(&self.storage().faults);
        f.fail_first_attempt = status;
        f.attempted.clear();
    }

    /// The next `n` storage requests carrying a file are cut off mid-body: storage reads the
    /// first chunk and closes the connection without answering.
    pub fn drop_mid_body(&self, n: u32) {
        lock(&self.storage().faults).drop_mid_body = n;
    }

    /// How long the signed URLs handed out from now on stay valid (default an hour).
    pub fn set_url_ttl(&self, ttl: Duration) {
        lock(&self.storage().faults).url_ttl = ttl;
    }

    /// Attaches a media item to a scheduled post: deleting it then answers 409 `media_in_use`.
    pub fn attach_to_post(&self, media_id: &str, post_id: &str) {
        lock(&self.shared.uploads).attach(media_id, post_id);
    }

    /// The next `n` calls to `complete` answer that the file has not reached storage yet, even
    /// when it has.
    pub fn complete_not_ready(&self, n: u32) {
        lock(&self.shared.uploads).not_ready = n;
    }

    /// The next `n` calls to `complete` fail with `status` in the provider's error envelope.
    pub fn fail_complete(&self, n: u32, status: u16) {
        let mut uploads = lock(&self.shared.uploads);
        uploads.fail_complete = n;
        uploads.fail_complete_status = status;
    }
}
