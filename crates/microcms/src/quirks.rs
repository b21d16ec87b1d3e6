//! microCMS facts the spec cannot enforce: `createdAt`/`updatedAt` are RFC 3339 strings. (Uploads
//! over about 5 MB fail on the server: [`crate::upload`] checks that before sending.)

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::types::MediaV2;
#[cfg(test)]
use crate::Client;

pub use crate::upload::MAX_UPLOAD_BYTES;

/// A timestamp that is not RFC 3339.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("microCMS timestamp {value:?} is not RFC 3339: {reason}")]
pub struct TimestampError {
    pub value: String,
    pub reason: String,
}

fn parse(value: &str) -> Result<OffsetDateTime, TimestampError> {
    OffsetDateTime::parse(value, &Rfc3339)
        .map_err(|e| TimestampError { value: value.to_owned(), reason: e.to_string() })
}

impl MediaV2 {
    /// `createdAt` as a date and time (`None` when absent).
    pub fn created_at_datetime(&self) -> Option<Result<OffsetDateTime, TimestampError>> {
        self.created_at.as_deref().map(parse)
    }

    /// `updatedAt` as a date and time (`None` when absent).
    pub fn updated_at_datetime(&self) -> Option<Result<OffsetDateTime, TimestampError>> {
        self.updated_at.as_deref().map(parse)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_timestamps_parse() {
        let media: MediaV2 = serde_json::from_value(serde_json::json!({
            "id": "e803c1fa", "url": "https://images.microcms-assets.io/a.png",
            "createdAt": "2025-02-28T05:34:48.722Z", "updatedAt": "2026-04-08T01:32:39.694Z"
        }))
        .expect("the docs' example");
        let created = media.created_at_datetime().expect("present").expect("RFC 3339");
        assert_eq!(created.year(), 2025);
        assert!(media.updated_at_datetime().expect("present").is_ok());
    }

    #[test]
    fn the_service_domain_must_be_chosen() {
        use crate::ServerVariables;
        let error = Client::builder().api_key("k").build().expect_err("no default host exists");
        assert!(error.to_string().contains("serviceDomain"), "{error}");
        let client = Client::builder().service_domain("my-service").api_key("k").build().expect("a chosen domain");
        assert_eq!(client.transport().base_url().as_str(), "https://my-service.microcms-management.io/");
    }
}
