//! PostEverywhere's three-step upload through `upload_file`/`upload_bytes`, against the sandbox
//! and its signed-storage origin over real HTTP: both transports, get, list, delete, expiry,
//! failures at each step with the media id, limits checked before sending, 409 on attached media.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use client_runtime::StorageError;
use posteverywhere_client::operations::{DeleteMediaError, GetMediaError};
use posteverywhere_client::prelude::*;
use posteverywhere_client::types::{MediaStatus, MediaType};
use posteverywhere_client::{Client, UploadError, UploadStep};
use sandbox::{Provider, RunningSandbox, Sandbox, SandboxConfig};

async fn setup() -> (RunningSandbox, Client) {
    let sandbox = Sandbox::start(SandboxConfig::new(Provider::PostEverywhere).items(5)).await.expect("sandbox");
    let client = Client::builder().base_url(sandbox.base_url()).api_key(sandbox.api_key()).build().expect("client");
    (sandbox, client)
}

fn content(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

#[tokio::test]
async fn a_file_goes_by_multipart_post_and_is_listed_got_and_deleted() {
    let (sandbox, client) = setup().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("商品 photo.png");
    let bytes = content(300_000);
    std::fs::write(&path, &bytes).expect("write");

    let sent = Arc::new(AtomicU64::new(0));
    let seen = sent.clone();
    let media = client
        .upload_file(&path)
        .progress(move |done, total| {
            assert_eq!(total, 300_000);
            seen.store(done, Ordering::SeqCst);
        })
        .await
        .expect("uploaded");
    let media_id = media.media_id.clone().expect("an id");
    assert_eq!(media.status, MediaStatus::Ready);
    assert_eq!(media.r#type, Some(MediaType::Image));
    assert_eq!(sent.load(Ordering::SeqCst), 300_000, "progress reached the total");

    let storage = sandbox.storage();
    let records = storage.records();
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!((records[0].method.as_str(), records[0].fields.as_slice()), ("POST", &["file".to_owned()][..]));
    assert!(!storage.api_key_seen(), "no key reached storage: {records:?}");
    assert_eq!(storage.object(&media_id).and_then(|o| o.content), Some(bytes));

    let got = client.get_media(media_id.clone()).send().await.expect("get");
    assert_eq!(got.data.filename, "商品 photo.png");
    assert_eq!(got.data.size, 300_000);
    assert_eq!(got.data.media_ids, vec![media_id.clone()]);

    let listed: Vec<_> = client.list_media().items().try_collect().await.expect("list");
    assert_eq!(listed.len(), 6);
    assert_eq!(listed[0].media_id, media_id, "the newest item is the upload");

    let deleted = client.delete_media(media_id.clone()).send().await.expect("delete");
    assert!(deleted.data.deleted);
    let gone = client.get_media(media_id).send().await.expect_err("deleted");
    assert!(matches!(gone.api_error(), Some(GetMediaError::NotFound(_))), "{gone}");
}

#[tokio::test]
async fn bytes_go_by_put_with_the_given_headers() {
    let (sandbox, client) = setup().await;
    let pdf = content(70_000);
    let media = client.upload_bytes("report.pdf", "application/pdf", pdf.clone()).await.expect("uploaded");
    let media_id = media.media_id.clone().expect("id");
    let records = sandbox.storage().records();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].method, "PUT");
    assert_eq!(records[0].content_type.as_deref(), Some("application/pdf"));
    assert!(records[0].credential_headers.is_empty() && !records[0].api_key_seen, "{records:?}");
    assert_eq!(sandbox.storage().object(&media_id).and_then(|o| o.content), Some(pdf));
    let got = client.get_media(media_id).send().await.expect("get");
    assert_eq!((got.data.r#type.clone(), got.data.size), (MediaType::Document, 70_000));
}

#[tokio::test]
async fn a_video_is_processing_after_complete() {
    let (sandbox, client) = setup().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("clip.mp4");
    std::fs::write(&path, content(2 * 1024 * 1024 + 17)).expect("write");
    let media = client.upload_file(&path).duration(12.5).await.expect("uploaded");
    assert_eq!(media.status, MediaStatus::Processing);
    assert_eq!(sandbox.storage().records()[0].bytes, 2 * 1024 * 1024 + 17);
}

#[tokio::test]
async fn an_expired_url_gets_one_fresh_one() {
    let (sandbox, client) = setup().await;
    let storage = sandbox.storage();
    storage.expire_next(1);
    let media = client.upload_bytes("a.jpg", "image/jpeg", content(1000)).await.expect("recovered");
    let records = storage.records();
    assert_eq!(records.iter().map(|r| r.status).collect::<Vec<_>>(), vec![403, 200]);
    assert_eq!(sandbox.stats().requests_to("/api/v1/media/upload"), 2, "announced again for a fresh URL");
    assert!(media.media_id.is_some());
    // The URL that expired belonged to another item, which was deleted rather than left behind.
    assert_eq!(sandbox.stats().responses_with(200), 2, "the stale item's delete and complete");

    storage.reset_records();
    storage.expire_next(2);
    let error = client.upload_bytes("b.jpg", "image/jpeg", content(1000)).await.expect_err("expired twice");
    assert_eq!(error.step(), UploadStep::Storage);
    assert!(matches!(error, UploadError::Storage { source: StorageError::Expired, .. }), "{error}");
    let media_id = error.media_id().expect("the item exists").to_owned();
    client.delete_media(media_id).send().await.expect("the reported item exists and can be cleaned up");
}

#[tokio::test]
async fn a_slow_storage_step_times_out_with_the_media_id() {
    let (sandbox, client) = setup().await;
    sandbox.storage().set_latency(Duration::from_secs(5));
    let error = client
        .upload_bytes("c.gif", "image/gif", content(10))
        .storage_timeout(Duration::from_millis(200))
        .await
        .expect_err("timed out");
    assert!(matches!(error, UploadError::Storage { source: StorageError::Timeout(_), .. }), "{error}");
    assert!(error.media_id().is_some());
}

#[tokio::test]
async fn failing_storage_and_failing_complete_name_the_media() {
    let (sandbox, client) = setup().await;
    let storage = sandbox.storage();
    storage.fail_next(1, 500);
    let error = client.upload_bytes("d.webp", "image/webp", content(500)).await.expect_err("storage fails");
    match &error {
        UploadError::Storage { media_id, source: StorageError::Status { status: 500, code } } => {
            assert!(!media_id.is_empty());
            assert_eq!(code.as_deref(), Some("InternalError"));
        }
        other => panic!("expected a storage error, got {other}"),
    }
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("signature") && !shown.contains(&storage.origin()), "no signed URL in errors: {shown}");

    storage.fail_complete(1, 500);
    let error = client.upload_bytes("e.png", "image/png", content(500)).await.expect_err("complete fails");
    assert_eq!(error.step(), UploadStep::Complete);
    let media_id = error.media_id().expect("id").to_owned();
    assert!(matches!(&error, UploadError::Complete { source, .. } if source.status() == Some(500)), "{error}");
    // Nothing was lost: completing again by hand finishes it, and it is listed.
    client.complete_media_upload(media_id.clone()).send().await.expect("complete again");
    let listed: Vec<_> = client.list_media().items().try_collect().await.expect("list");
    assert!(listed.iter().any(|m| m.media_id == media_id));
}

#[tokio::test]
async fn complete_is_retried_while_the_file_is_not_in_storage() {
    let (sandbox, client) = setup().await;
    let storage = sandbox.storage();
    storage.complete_not_ready(2);
    let fast = Duration::from_millis(5);
    let media = client.upload_bytes("f.png", "image/png", content(10)).complete_attempts(4, fast).await.expect("ok");
    assert!(media.media_id.is_some());
    assert_eq!(sandbox.stats().responses_with(409), 2);

    storage.complete_not_ready(10);
    let error =
        client.upload_bytes("g.png", "image/png", content(10)).complete_attempts(3, fast).await.expect_err("gives up");
    assert!(matches!(error, UploadError::NotInStorage { attempts: 3, .. }), "{error}");
}

#[tokio::test]
async fn limits_are_checked_before_anything_is_sent() {
    let (sandbox, client) = setup().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let video = dir.path().join("huge.mp4");
    std::fs::File::create(&video).and_then(|f| f.set_len(500 * 1024 * 1024 + 1)).expect("sparse file");
    let image = dir.path().join("big.jpg");
    std::fs::File::create(&image).and_then(|f| f.set_len(20 * 1024 * 1024 + 1)).expect("sparse file");
    let mov = dir.path().join("clip.mov");
    std::fs::write(&mov, b"x").expect("write");
    for (path, says) in [(&video, "at most 524288000"), (&image, "at most 20971520"), (&mov, "video/quicktime")] {
        let error = client.upload_file(path).await.expect_err("refused");
        assert_eq!(error.step(), UploadStep::Prepare);
        assert!(error.to_string().contains(says), "{error}");
    }
    let error = client.upload_file(dir.path().join("missing.png")).await.expect_err("no such file");
    assert!(matches!(error, UploadError::Refused(_)));
    let error = client.upload_bytes("x.bin", "application/octet-stream", vec![1]).await.expect_err("type");
    assert!(error.to_string().contains("application/octet-stream"), "{error}");
    assert_eq!(sandbox.stats().total_requests, 0, "nothing reached the API");
    assert!(sandbox.storage().records().is_empty(), "nothing reached storage");
}

#[tokio::test]
async fn attached_media_cannot_be_deleted() {
    let (sandbox, client) = setup().await;
    let media = client.upload_bytes("h.png", "image/png", content(10)).await.expect("uploaded");
    let media_id = media.media_id.clone().expect("id");
    sandbox.storage().attach_to_post(&media_id, "7c9e6679-7425-40de-944b-e07fc1f90ae7");
    let error = client.delete_media(media_id.clone()).send().await.expect_err("in use");
    match error.api_error() {
        Some(DeleteMediaError::Conflict(envelope)) => {
            assert_eq!(envelope.error.code, "media_in_use");
            assert_eq!(envelope.error.details.post_ids, vec!["7c9e6679-7425-40de-944b-e07fc1f90ae7".to_owned()]);
        }
        other => panic!("expected 409 media_in_use, got {other:?}"),
    }
    client.get_media(media_id).send().await.expect("still there");
}

#[tokio::test]
async fn upload_from_url_takes_images_only() {
    let (_sandbox, client) = setup().await;
    use posteverywhere_client::operations::UploadMediaFromUrlError;
    use posteverywhere_client::types::UploadFromUrlInput;
    let image = UploadFromUrlInput { url: "https://example.com/img/cat.jpg".into(), filename: None };
    let media = client.upload_media_from_url(image).send().await.expect("image");
    assert_eq!(media.data.filename.as_deref(), Some("cat.jpg"));
    let media_id = media.data.media_id.clone();
    client.get_media(media_id).send().await.expect("listed");
    let video = UploadFromUrlInput { url: "https://example.com/clip.mp4".into(), filename: None };
    let error = client.upload_media_from_url(video).send().await.expect_err("video");
    assert!(matches!(error.api_error(), Some(UploadMediaFromUrlError::UnsupportedMediaType(_))), "{error}");
    let private = UploadFromUrlInput { url: "https://127.0.0.1/cat.jpg".into(), filename: None };
    let error = client.upload_media_from_url(private).send().await.expect_err("loopback");
    assert!(matches!(error.api_error(), Some(UploadMediaFromUrlError::BadRequest(_))), "{error}");
}
