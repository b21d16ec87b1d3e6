//! The library's side of multi-step uploads: announced uploads waiting for `complete`, the
//! metadata of completed ones (what the seeded data cannot derive: the real size and type), and
//! which media are attached to scheduled posts.
//!
//! A completed upload becomes an item of the seeded [`Store`](crate::data::Store) (a fresh
//! serial, so every listing shows it) and keeps its announced id here, so list, get and delete
//! agree on it.

use std::collections::HashMap;

use crate::data::Kind;

/// An upload announced but not completed.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub filename: String,
    pub content_type: String,
    /// The size announced (PostEverywhere); `None` where the API is not told (UTAGE).
    pub size: Option<u64>,
    pub width: Option<u64>,
    pub height: Option<u64>,
    pub duration: Option<f64>,
    pub folder_id: Option<String>,
}

/// A completed upload, as every listing shows it.
#[derive(Debug, Clone)]
pub(crate) struct Uploaded {
    pub media_id: String,
    pub filename: String,
    pub content_type: String,
    pub kind: Kind,
    pub size: u64,
    pub width: Option<u64>,
    pub height: Option<u64>,
    pub duration: Option<f64>,
    pub folder_id: Option<String>,
    pub created_ms: i64,
    pub status: &'static str,
}

#[derive(Default)]
pub(crate) struct Uploads {
    pending: HashMap<String, Pending>,
    by_serial: HashMap<u64, Uploaded>,
    by_id: HashMap<String, u64>,
    attached: HashMap<String, Vec<String>>,
    next: u64,
    /// Switch: the next N completes say the file has not reached storage.
    pub not_ready: u32,
    /// Switch: the next N completes fail with this status.
    pub fail_complete: u32,
    pub fail_complete_status: u16,
}

pub(crate) fn kind_of(content_type: &str) -> Kind {
    if content_type.starts_with("image/") {
        Kind::Image
    } else if content_type.starts_with("video/") {
        Kind::Video
    } else {
        Kind::Document
    }
}

impl Uploads {
    /// A fresh id for an announced upload; `format` turns a counter hash into the provider's id.
    pub fn announce(&mut self, pending: Pending, id: impl FnOnce(u64) -> String) -> String {
        self.next += 1;
        let media_id = id(self.next);
        self.pending.insert(media_id.clone(), pending);
        media_id
    }

    pub fn pending(&self, media_id: &str) -> Option<&Pending> {
        self.pending.get(media_id)
    }

    pub fn forget_pending(&mut self, media_id: &str) -> bool {
        self.pending.remove(media_id).is_some()
    }

    /// Moves an announced upload into the library under `serial`.
    pub fn complete(&mut self, media_id: &str, serial: u64, size: u64, created_ms: i64) -> Option<Uploaded> {
        let p = self.pending.remove(media_id)?;
        let kind = kind_of(&p.content_type);
        let uploaded = Uploaded {
            media_id: media_id.to_owned(),
            kind,
            status: if kind == Kind::Video { "processing" } else { "ready" },
            filename: p.filename,
            content_type: p.content_type,
            size,
            width: p.width,
            height: p.height,
            duration: p.duration,
            folder_id: p.folder_id,
            created_ms,
        };
        self.by_id.insert(media_id.to_owned(), serial);
        self.by_serial.insert(serial, uploaded.clone());
        Some(uploaded)
    }

    /// A completed upload by its library serial.
    pub fn by_serial(&self, serial: u64) -> Option<&Uploaded> {
        self.by_serial.get(&serial)
    }

    pub fn serial_of(&self, media_id: &str) -> Option<u64> {
        self.by_id.get(media_id).copied()
    }

    pub fn remove(&mut self, media_id: &str) {
        if let Some(serial) = self.by_id.remove(media_id) {
            self.by_serial.remove(&serial);
        }
        self.attached.remove(media_id);
    }

    pub fn attach(&mut self, media_id: &str, post_id: &str) {
        self.attached.entry(media_id.to_owned()).or_default().push(post_id.to_owned());
    }

    /// The posts holding `media_id`, if any.
    pub fn posts_of(&self, media_id: &str) -> Option<&[String]> {
        self.attached.get(media_id).map(Vec::as_slice).filter(|p| !p.is_empty())
    }

    /// Uses up one unit of the "not in storage yet" switch.
    pub fn take_not_ready(&mut self) -> bool {
        let hit = self.not_ready > 0;
        self.not_ready = self.not_ready.saturating_sub(1);
        hit
    }

    /// Uses up one unit of the failing-complete switch.
    pub fn take_fail_complete(&mut self) -> Option<u16> {
        let hit = self.fail_complete > 0;
        self.fail_complete = self.fail_complete.saturating_sub(1);
        hit.then_some(self.fail_complete_status)
    }
}
