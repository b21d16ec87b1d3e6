//! UTAGE's normal-media upload through `upload_file`/`upload_bytes`, against the sandbox and its
//! signed-storage origin over real HTTP: the signed fields before the file, 204, complete, the
//! new item listed; expiry, failures with the media id, refusals before sending.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use client_runtime::StorageError;
use sandbox::{Provider, RunningSandbox, Sandbox, SandboxConfig};
use utage_client::prelude::*;
use utage_client::{Client, UploadError, UploadStep};

async fn setup() -> (RunningSandbox, Client) {
    let sandbox = Sandbox::start(SandboxConfig::new(Provider::Utage).items(60)).await.expect("sandbox");
    let client = Client::builder().base_url(sandbox.base_url()).api_key(sandbox.api_key()).build().expect("client");
    (sandbox, client)
}

fn content(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 253) as u8).collect()
}

#[tokio::test]
async fn a_file_is_posted_with_its_signed_fields_and_listed() {
    let (sandbox, client) = setup().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("キャンペーン banner.png");
    let bytes = content(150_000);
    std::fs::write(&path, &bytes).expect("write");
    let sent = Arc::new(AtomicU64::new(0));
    let seen = sent.clone();
    let media =
        client.upload_file(&path).progress(move |done, _| seen.store(done, Ordering::SeqCst)).await.expect("ok");
    let id = media.id.clone().expect("an id");
    assert_eq!(media.name.as_deref(), Some("キャンペーン banner.png"));
    assert_eq!((media.size, media.mime_type.as_deref()), (Some(150_000), Some("image/png")));
    assert_eq!(media.notice, None, "no notice for an image");
    assert_eq!(sent.load(Ordering::SeqCst), 150_000);

    let storage = sandbox.storage();
    let records = storage.records();
    assert_eq!(records.len(), 1);
    assert_eq!((records[0].method.as_str(), records[0].path.as_str(), records[0].status), ("POST", "/bucket", 204));
    // Every signed field, then the file last (the fields' order among themselves is free).
    let (file, signed) = records[0].fields.split_last().expect("fields");
    assert_eq!(file, "file");
    let mut signed = signed.to_vec();
    signed.sort();
    assert_eq!(signed, ["Content-Type", "expires", "key", "policy", "x-amz-signature"]);
    assert!(!storage.api_key_seen(), "{records:?}");
    assert_eq!(storage.object(&id).and_then(|o| o.content), Some(bytes));

    let found: Vec<_> = client.list_media().keyword("キャンペーン").items().try_collect().await.expect("list");
    assert_eq!(found.iter().filter_map(|m| m.id.clone()).collect::<Vec<_>>(), vec![id.clone()]);
    let root: Vec<_> = client.list_media().items().try_collect().await.expect("root folder");
    assert!(root.iter().any(|m| m.id.as_deref() == Some(id.as_str())), "uploaded to the root folder");
}

#[tokio::test]
async fn bytes_go_into_a_folder_and_a_video_gets_the_notice() {
    let (_sandbox, client) = setup().await;
    let any: Vec<_> = client.list_media().keyword("_").items().try_collect().await.expect("list");
    let folder = any.iter().find_map(|m| m.folder_id.clone()).expect("some item sits in a folder");
    let media = client
        .upload_bytes("slides.pdf", "application/pdf", content(4096))
        .folder_id(folder.clone())
        .await
        .expect("ok");
    let in_folder: Vec<_> = client.list_media().folder_id(folder.clone()).items().try_collect().await.expect("folder");
    assert!(in_folder.iter().any(|m| m.id == media.id), "listed in its folder");

    let video = client.upload_bytes("clip.mp4", "video/mp4", content(2048)).await.expect("ok");
    assert!(video.notice.is_some(), "the vendor's schema documents a notice for video MIME types");
}

#[tokio::test]
async fn an_expired_post_gets_one_fresh_one() {
    let (sandbox, client) = setup().await;
    let storage = sandbox.storage();
    storage.expire_next(1);
    client.upload_bytes("a.png", "image/png", content(100)).await.expect("recovered");
    assert_eq!(storage.records().iter().map(|r| r.status).collect::<Vec<_>>(), vec![403, 204]);
    assert_eq!(sandbox.stats().requests_to("/v1/media/upload-url"), 2);

    storage.expire_next(2);
    let error = client.upload_bytes("b.png", "image/png", content(100)).await.expect_err("expired twice");
    assert!(matches!(error, UploadError::Storage { source: StorageError::Expired, .. }), "{error}");
    assert!(error.media_id().is_some());
}

#[tokio::test]
async fn failing_storage_and_failing_complete_name_the_media() {
    let (sandbox, client) = setup().await;
    let storage = sandbox.storage();
    // A 503 is retried (the default policy's 4 attempts); one that persists fails the step.
    storage.fail_next(4, 503);
    let error = client.upload_bytes("c.png", "image/png", content(100)).await.expect_err("storage fails");
    assert_eq!(error.step(), UploadStep::Storage);
    assert_eq!(storage.records().len(), 4, "every attempt sent the form again");
    assert!(matches!(&error, UploadError::Storage { source: StorageError::Status { status: 503, .. }, .. }), "{error}");
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("x-amz-signature") && !shown.contains(&storage.origin()), "{shown}");

    storage.fail_complete(1, 500);
    let error = client.upload_bytes("d.png", "image/png", content(100)).await.expect_err("complete fails");
    assert_eq!(error.step(), UploadStep::Complete);
    let media_id = error.media_id().expect("id").to_owned();
    // Loss-free: the file is in storage, and completing by hand finishes the job.
    let done = client
        .complete_media_upload(utage_client::types::MediaCompleteInput { media_id: media_id.clone() })
        .send()
        .await
        .expect("complete again");
    assert_eq!(done.id.as_deref(), Some(media_id.as_str()));
    let listed: Vec<_> = client.list_media().keyword("d.png").items().try_collect().await.expect("list");
    assert_eq!(listed.len(), 1);
}

#[tokio::test]
async fn unusable_files_are_refused_before_any_request() {
    let (sandbox, client) = setup().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = dir.path().join("empty.png");
    std::fs::write(&empty, b"").expect("write");
    let unknown = dir.path().join("data.qqq");
    std::fs::write(&unknown, b"x").expect("write");
    for path in [&empty, &unknown, &dir.path().join("missing.png")] {
        let error = client.upload_file(path).await.expect_err("refused");
        assert_eq!(error.step(), UploadStep::Prepare, "{error}");
    }
    assert_eq!(sandbox.stats().total_requests, 0);
    assert!(sandbox.storage().records().is_empty());
}
