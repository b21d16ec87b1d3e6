//! Signed storage URLs, signed form fields and signed headers are secrets until they expire:
//! the generated types that carry them (marked `x-sensitive` in the spec or its overlay) print
//! them redacted in `Debug`, so a `{:?}` in a log line or an error never leaks them.

use std::collections::BTreeMap;

#[test]
fn posteverywhere_upload_ticket_debug_redacts_the_signed_url_and_headers() {
    use posteverywhere_client::types::{UploadHttpMethod, UploadMethod, UploadTicket};
    let ticket = UploadTicket {
        media_id: "m-1".into(),
        media_ids: None,
        upload_url: "https://storage.example.com/upload?X-Signature=s3cr3t-url".into(),
        upload_method: UploadMethod {
            method: UploadHttpMethod::Put,
            content_type: Some("image/png".into()),
            field_name: None,
            headers: Some(BTreeMap::from([("x-amz-signature".to_owned(), "s3cr3t-header".to_owned())])),
        },
        provider: None,
        expires_in: Some(900),
        max_size: None,
        next_step: None,
    };
    let text = format!("{ticket:?}");
    assert!(!text.contains("s3cr3t"), "{text}");
    assert!(text.contains("m-1") && text.contains("<redacted>"), "{text}");
}

#[test]
fn utage_presigned_post_debug_redacts_the_url_and_fields() {
    let post = utage_client::types::PresignedPost {
        url: "https://storage.example.com/bucket?sig=s3cr3t-url".into(),
        fields: BTreeMap::from([("policy".to_owned(), "s3cr3t-policy".to_owned())]),
    };
    let text = format!("{post:?}");
    assert!(!text.contains("s3cr3t"), "{text}");
    assert_eq!(text, r#"PresignedPost { url: "<redacted>", fields: "<redacted>" }"#);
}
