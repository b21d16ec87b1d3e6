//! microCMS upload and delete against the sandbox: `upload_file` streams the file as one
//! multipart request, `upload_bytes` sends bytes; the 201 and 200 bodies decoded, a 404 decoded
//! into its typed variant, files over 5 MB refused before any request.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use microcms_client::operations::{DeleteMediaError, UploadMediaError};
use microcms_client::prelude::*;
use microcms_client::{UploadError, UploadStep};
use sandbox::{Provider, Sandbox, SandboxConfig};

async fn setup() -> (sandbox::RunningSandbox, microcms_client::Client) {
    let sandbox = Sandbox::start(SandboxConfig::new(Provider::MicroCms).items(3)).await.expect("sandbox");
    let client = microcms_client::Client::builder()
        .base_url(sandbox.base_url())
        .api_key(sandbox.api_key())
        .build()
        .expect("client");
    (sandbox, client)
}

#[tokio::test]
async fn upload_list_and_delete_a_file() {
    let (sandbox, client) = setup().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("猫の写真.png");
    std::fs::write(&path, vec![0x89u8; 1_000_000]).expect("write");
    let sent = Arc::new(AtomicU64::new(0));
    let seen = sent.clone();
    let uploaded = client
        .upload_file(&path)
        .progress(move |done, total| {
            assert_eq!(total, 1_000_000);
            seen.store(done, Ordering::SeqCst);
        })
        .await
        .expect("201");
    assert_eq!(uploaded.http().status().as_u16(), 201);
    assert!(uploaded.url.ends_with(".png"), "{}", uploaded.url);
    assert_eq!(sent.load(Ordering::SeqCst), 1_000_000);
    let request = sandbox.stats().last_request.expect("recorded");
    assert_eq!(request.header("x-microcms-api-key"), Some(sandbox.api_key()), "the key goes to the API itself");
    assert!(request.header("content-type").is_some_and(|t| t.starts_with("multipart/form-data")));

    let from_memory = client.upload_bytes("notes.txt", "text/plain", b"hello".to_vec()).await.expect("201");
    assert!(from_memory.url.ends_with("notes.txt"), "{}", from_memory.url);

    let listed: Vec<_> = client.list_media_v2().items().try_collect().await.expect("listing");
    assert_eq!(listed.len(), 5);
    assert!(listed.iter().any(|m| m.url == uploaded.url), "the upload is listed");

    let deleted = client.delete_media(uploaded.url.clone()).send().await.expect("200");
    assert!(!deleted.id.is_empty());
    let again = client.delete_media(uploaded.url.clone()).send().await.expect_err("already deleted");
    assert!(matches!(again.api_error(), Some(DeleteMediaError::NotFound(_))), "{again}");
}

#[tokio::test]
async fn files_over_5_mb_are_refused_before_any_request() {
    let (sandbox, client) = setup().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("big.jpg");
    std::fs::File::create(&path).and_then(|f| f.set_len(5 * 1024 * 1024 + 1)).expect("sparse file");
    let error = client.upload_file(&path).await.expect_err("too big");
    assert_eq!(error.step(), UploadStep::Prepare);
    assert!(error.to_string().contains("at most 5242880 bytes"), "{error}");
    let error = client.upload_file(dir.path().join("nothing.png")).await.expect_err("missing");
    assert!(matches!(error, UploadError::Refused(_)));
    assert_eq!(sandbox.stats().total_requests, 0);
}

#[tokio::test]
async fn a_refused_key_is_a_typed_error() {
    let (sandbox, _) = setup().await;
    let client =
        microcms_client::Client::builder().base_url(sandbox.base_url()).api_key("wrong").build().expect("client");
    let error = client.upload_bytes("a.png", "image/png", vec![1u8; 10]).await.expect_err("403");
    match error {
        UploadError::Upload(e) => assert!(matches!(e.api_error(), Some(UploadMediaError::Forbidden(_))), "{e}"),
        other => panic!("expected the upload step, got {other}"),
    }
}
