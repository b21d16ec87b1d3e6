//! microCMS facts the spec cannot enforce: uploads over about 5 MB fail on the server (checked
//! here before sending, so the caller gets a typed error instead of a wasted upload), and
//! `createdAt`/`updatedAt` are RFC 3339 strings.

use client_runtime::{FilePart, InvalidRequest};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::operations::{UploadMediaForm, UploadMediaRequest};
use crate::types::MediaV2;
use crate::Client;

/// The largest file `POST /api/v1/media` accepts.
pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;

impl Client {
    /// Starts `uploadMedia` for one file, refusing files over [`MAX_UPLOAD_BYTES`] before anything
    /// is sent.
    pub fn upload_file(&self, file: FilePart) -> Result<UploadMediaRequest, InvalidRequest> {
        if file.data.len() > MAX_UPLOAD_BYTES {
            return Err(InvalidRequest {
                operation: UploadMediaRequest::OPERATION_ID,
                parameter: "file".into(),
                problem: format!(
                    "is {} bytes; microCMS accepts at most {MAX_UPLOAD_BYTES} bytes (5 MB) per file",
                    file.data.len()
                ),
            });
        }
        Ok(self.upload_media(UploadMediaForm { file }))
    }
}

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

    #[test]
    fn oversized_uploads_are_refused_before_sending() {
        let client = Client::builder().base_url("http://127.0.0.1:9").api_key("k").build().expect("client");
        let error = client.upload_file(FilePart::new(vec![0u8; MAX_UPLOAD_BYTES + 1])).expect_err("too big");
        assert_eq!(error.parameter, "file");
        assert!(error.to_string().contains("at most 5242880 bytes"), "{error}");
        assert!(client.upload_file(FilePart::new(vec![0u8; 16]).file_name("a.png")).is_ok());
    }
}
