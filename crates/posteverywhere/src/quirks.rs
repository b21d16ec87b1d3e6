//! PostEverywhere wraps every answer in `{data, error, meta}`; these helpers reach into the
//! envelope. (`created_at` is ISO 8601 UTC, which the spec says with `format: date-time`: the
//! field is a [`client_runtime::DateTime`] and needs no helper here.)

use crate::types::{CompletedMedia, ErrorDetail, MediaListEnvelope, Meta};

impl Meta {
    /// The request id, spelt `request_id` on most pages of the docs and `requestId` on others.
    pub fn id(&self) -> Option<&str> {
        self.request_id.as_deref().or(self.request_id2.as_deref())
    }
}

impl MediaListEnvelope {
    /// The request id from the envelope's `meta`; quote it to PostEverywhere support.
    pub fn request_id(&self) -> Option<&str> {
        self.meta.id()
    }
}

impl CompletedMedia {
    /// The media id, from `media_id` (complete-media-upload page) or `id` (schema page).
    pub fn id(&self) -> Option<&str> {
        self.media_id.as_deref().or(self.id.as_deref())
    }
}

impl ErrorDetail {
    /// `details.post_ids` of a `409 media_in_use`: the scheduled posts holding the media.
    pub fn post_ids(&self) -> Vec<&str> {
        let ids = self.details.as_ref().and_then(|d| d.get("post_ids")).and_then(|v| v.as_array());
        ids.map(|ids| ids.iter().filter_map(|v| v.as_str()).collect()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn documented_example_parses() {
        let t: client_runtime::DateTime =
            serde_json::from_value(serde_json::json!("2026-04-10T12:00:00.000Z")).expect("the docs' example");
        assert_eq!(t.get().map(|t| t.unix_timestamp()), Some(1_775_822_400));
    }

    #[test]
    fn both_spellings_of_the_request_id_are_read() {
        let meta = |v| serde_json::from_value::<crate::types::Meta>(v).expect("meta");
        assert_eq!(meta(serde_json::json!({"request_id": "a1b2c3d4", "timestamp": "t"})).id(), Some("a1b2c3d4"));
        assert_eq!(meta(serde_json::json!({"requestId": "req_abc123"})).id(), Some("req_abc123"));
    }

    #[test]
    fn other_forms_are_kept_as_text() {
        let meta =
            serde_json::from_value::<crate::types::Meta>(serde_json::json!({"timestamp": "2026-04-10 12:00:00"}));
        let timestamp = meta.expect("meta").timestamp.expect("present");
        assert_eq!((timestamp.get(), timestamp.raw()), (None, Some("2026-04-10 12:00:00")));
    }
}
