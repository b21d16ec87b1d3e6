//! microCMS upload and delete against the sandbox: a multipart body on the wire, the 201 and 200
//! bodies decoded, a 404 decoded into its typed variant.

use client_runtime::FilePart;
use microcms_client::operations::DeleteMediaError;
use microcms_client::prelude::*;
use sandbox::{Provider, Sandbox, SandboxConfig};

#[tokio::test]
async fn upload_list_and_delete_a_file() {
    let sandbox = Sandbox::start(SandboxConfig::new(Provider::MicroCms).items(3)).await.expect("sandbox");
    let client = microcms_client::Client::builder()
        .base_url(sandbox.base_url())
        .api_key(sandbox.api_key())
        .build()
        .expect("client");

    let png =
        FilePart::new(b"\x89PNG\r\n\x1a\n not really".to_vec()).file_name("猫の写真.png").content_type("image/png");
    let uploaded = client.upload_file(png).expect("under 5 MB").send().await.expect("201");
    assert_eq!(uploaded.meta().status().as_u16(), 201);
    assert!(uploaded.url.ends_with(".png"), "{}", uploaded.url);

    let listed: Vec<_> = client.list_media_v2().items().try_collect().await.expect("listing");
    assert_eq!(listed.len(), 4);
    assert!(listed.iter().any(|m| m.url == uploaded.url), "the upload is listed");

    let deleted = client.delete_media(uploaded.url.clone()).send().await.expect("200");
    assert!(!deleted.id.is_empty());
    let again = client.delete_media(uploaded.url.clone()).send().await.expect_err("already deleted");
    assert!(matches!(again.api_error(), Some(DeleteMediaError::NotFound(_))), "{again}");
}
