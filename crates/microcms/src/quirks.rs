//! microCMS facts the spec cannot enforce. Uploads over about 5 MB fail on the server:
//! [`crate::upload`] checks that before sending. (`createdAt`/`updatedAt` are RFC 3339, which the
//! spec says with `format: date-time`: the fields are [`client_runtime::DateTime`] and need no
//! helper here.)

#[cfg(test)]
use crate::Client;

pub use crate::upload::MAX_UPLOAD_BYTES;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::MediaV2;

    #[test]
    fn documented_timestamps_parse() {
        let media: MediaV2 = serde_json::from_value(serde_json::json!({
            "id": "e803c1fa", "url": "https://images.microcms-assets.io/a.png",
            "createdAt": "2025-02-28T05:34:48.722Z", "updatedAt": "2026-04-08T01:32:39.694Z"
        }))
        .expect("the docs' example");
        let created = media.created_at.as_ref().and_then(|t| t.get()).expect("present, RFC 3339");
        assert_eq!(created.year(), 2025);
        assert!(media.updated_at.as_ref().is_some_and(|t| t.is_parsed()));
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
