//! PostEverywhere wraps every answer in `{data, error, meta}` and sends `created_at` as an
//! ISO 8601 UTC string; the spec can only type it as a string. These helpers parse it and reach
//! into the envelope.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::types::{MediaItem, MediaListEnvelope};

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

impl MediaListEnvelope {
    /// The request id from the envelope's `meta`; quote it to PostEverywhere support.
    pub fn request_id(&self) -> &str {
        &self.meta.request_id
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
    fn other_forms_are_refused() {
        assert!(parse_timestamp("2026-04-10 12:00:00").is_err());
    }
}
