//! PostEverywhere wraps every answer in `{data, error, meta}` and sends `created_at` as an
//! ISO 8601 UTC string; the spec can only type it as a string. These helpers parse it and reach
//! into the envelope.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::types::{CompletedMedia, ErrorDetail, MediaItem, MediaListEnvelope, Meta};

/// A timestamp that is not ISO 8601 / RFC 3339.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("PostEverywhere timestamp {value:?} is not RFC 3339: {reason}")]
pub struct TimestampError {
    pub value: String,
    pub reason: String,
}

/// Parses `2026-04-10T12:00:00.000Z`.
pub fn parse_timestamp(value: &str) -> Result<OffsetDateTime, TimestampError> {
    OffsetDateTime::parse(value, &Rfc3339)
        .map_err(|e| TimestampError { value: value.to_owned(), reason: e.to_string() })
}

impl MediaItem {
    /// `created_at` as a date and time.
    pub fn created_at_datetime(&self) -> Result<OffsetDateTime, TimestampError> {
        parse_timestamp(&self.created_at)
    }
}

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
    use super::parse_timestamp;

    #[test]
    fn documented_example_parses() {
        let t = parse_timestamp("2026-04-10T12:00:00.000Z").expect("the docs' example");
        assert_eq!(t.unix_timestamp(), 1_775_822_400);
    }

    #[test]
    fn both_spellings_of_the_request_id_are_read() {
        let meta = |v| serde_json::from_value::<crate::types::Meta>(v).expect("meta");
        assert_eq!(meta(serde_json::json!({"request_id": "a1b2c3d4", "timestamp": "t"})).id(), Some("a1b2c3d4"));
        assert_eq!(meta(serde_json::json!({"requestId": "req_abc123"})).id(), Some("req_abc123"));
    }

    #[test]
    fn other_forms_are_refused() {
        assert!(parse_timestamp("2026-04-10 12:00:00").is_err());
    }
}
