//! The storage step under faults, PostEverywhere and UTAGE alike: a PUT or signed POST answered
//! 503 `SlowDown` once, or cut off mid-body, is sent again from the start and the upload ends in
//! exactly one media item; the media id reaches the caller before any byte goes to storage, so
//! an upload dropped midway leaves nothing the caller cannot name.

use std::time::Duration;

use sandbox::{Provider, RunningSandbox, Sandbox, SandboxConfig, StorageHandle};

fn content(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 13 % 251) as u8).collect()
}

async fn start(provider: Provider) -> RunningSandbox {
    Sandbox::start(SandboxConfig::new(provider).items(3)).await.expect("sandbox")
}

/// Announcements the API saw (each one assigns a media id).
fn announcements(sandbox: &RunningSandbox, suffix: &str) -> u64 {
    sandbox.stats().requests_by_path.iter().filter(|(path, _)| path.ends_with(suffix)).map(|(_, n)| n).sum()
}

/// The statuses storage answered, in order, and that no credential ever reached it.
fn storage_statuses(storage: &StorageHandle) -> Vec<u16> {
    let records = storage.records();
    assert!(records.iter().all(|r| !r.api_key_seen && r.credential_headers.is_empty()), "{records:?}");
    records.iter().map(|r| r.status).collect()
}

mod posteverywhere {
    use super::*;
    use posteverywhere_client::prelude::*;
    use posteverywhere_client::Client;

    async fn setup() -> (RunningSandbox, Client) {
        let sandbox = start(Provider::PostEverywhere).await;
        let client = Client::builder().base_url(sandbox.base_url()).api_key(sandbox.api_key()).build().expect("client");
        (sandbox, client)
    }

    async fn items_named(client: &Client, name: &str) -> usize {
        let listed: Vec<_> = client.list_media().items().try_collect().await.expect("list");
        listed.iter().filter(|m| m.filename == name).count()
    }

    #[tokio::test]
    async fn a_put_answered_503_once_ends_in_one_media_item() {
        let (sandbox, client) = setup().await;
        let storage = sandbox.storage();
        storage.fail_first_attempt(Some(503));
        let pdf = content(300_000);
        let media = client.upload_bytes("slow.pdf", "application/pdf", pdf.clone()).await.expect("retried");
        let media_id = media.media_id.clone().expect("id");
        assert_eq!(storage_statuses(&storage), [503, 200]);
        assert_eq!(storage.object(&media_id).and_then(|o| o.content), Some(pdf), "the whole file, sent again");
        assert_eq!(announcements(&sandbox, "/media/upload"), 1);
        assert_eq!(items_named(&client, "slow.pdf").await, 1);
    }

    #[tokio::test]
    async fn a_multipart_post_cut_mid_body_ends_in_one_media_item() {
        let (sandbox, client) = setup().await;
        let storage = sandbox.storage();
        storage.drop_mid_body(1);
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("cut.png");
        let png = content(400_000);
        std::fs::write(&path, &png).expect("write");
        let media = client.upload_file(&path).await.expect("retried");
        let media_id = media.media_id.clone().expect("id");
        // The cut request got no answer, so storage recorded only the one that went through.
        assert_eq!(storage_statuses(&storage), [200]);
        assert_eq!(storage.object(&media_id).and_then(|o| o.content), Some(png), "the file read again");
        assert_eq!(announcements(&sandbox, "/media/upload"), 1);
        assert_eq!(items_named(&client, "cut.png").await, 1);
    }

    #[tokio::test]
    async fn a_put_cut_mid_body_ends_in_one_media_item() {
        let (sandbox, client) = setup().await;
        let storage = sandbox.storage();
        storage.drop_mid_body(1);
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("cut.mp4");
        std::fs::write(&path, content(1_500_000)).expect("write");
        let media = client.upload_file(&path).await.expect("retried");
        let media_id = media.media_id.clone().expect("id");
        assert_eq!(storage.object(&media_id).map(|o| o.size), Some(1_500_000));
        assert_eq!(announcements(&sandbox, "/media/upload"), 1);
        assert_eq!(items_named(&client, "cut.mp4").await, 1);
    }

    #[tokio::test]
    async fn an_upload_dropped_during_storage_has_told_its_media_id() {
        let (sandbox, client) = setup().await;
        // Storage never answers in time: the upload is stuck in the storage step until dropped.
        sandbox.storage().set_latency(Duration::from_secs(600));
        let (told, mut heard) = tokio::sync::mpsc::unbounded_channel::<String>();
        let upload = client.upload_bytes("left.gif", "image/gif", content(100)).on_media_id(move |id| {
            let _ = told.send(id.to_owned());
        });
        let task = tokio::spawn(async move { upload.await });
        let media_id = heard.recv().await.expect("the id is told before storage");
        task.abort();
        let _ = task.await;
        // The caller can name the item it left behind (announced, never completed) and clean it
        // up; a second delete finds nothing, so the first removed a real pending item.
        let deleted = client.delete_media(media_id.clone()).send().await.expect("the pending item is deleted");
        assert!(deleted.data.deleted);
        assert!(client.delete_media(media_id).send().await.is_err(), "gone");
    }
}

mod utage {
    use super::*;
    use utage_client::prelude::*;
    use utage_client::Client;

    async fn setup() -> (RunningSandbox, Client) {
        let sandbox = start(Provider::Utage).await;
        let client = Client::builder().base_url(sandbox.base_url()).api_key(sandbox.api_key()).build().expect("client");
        (sandbox, client)
    }

    async fn items_named(client: &Client, name: &str) -> usize {
        let listed: Vec<_> = client.list_media().keyword(name).items().try_collect().await.expect("list");
        listed.iter().filter(|m| m.name.as_deref() == Some(name)).count()
    }

    #[tokio::test]
    async fn a_signed_post_answered_503_once_ends_in_one_media_item() {
        let (sandbox, client) = setup().await;
        let storage = sandbox.storage();
        storage.fail_first_attempt(Some(503));
        let png = content(250_000);
        let media = client.upload_bytes("slow.png", "image/png", png.clone()).await.expect("retried");
        let id = media.id.clone().expect("id");
        assert_eq!(storage_statuses(&storage), [503, 204]);
        assert_eq!(storage.object(&id).and_then(|o| o.content), Some(png));
        assert_eq!(announcements(&sandbox, "/media/upload-url"), 1);
        assert_eq!(items_named(&client, "slow.png").await, 1);
    }

    #[tokio::test]
    async fn a_signed_post_cut_mid_body_ends_in_one_media_item() {
        let (sandbox, client) = setup().await;
        let storage = sandbox.storage();
        storage.drop_mid_body(1);
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("cut.png");
        let png = content(400_000);
        std::fs::write(&path, &png).expect("write");
        let told = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let record = told.clone();
        let media = client
            .upload_file(&path)
            .on_media_id(move |id| record.lock().unwrap_or_else(|e| e.into_inner()).push(id.to_owned()))
            .await
            .expect("retried");
        let id = media.id.clone().expect("id");
        assert_eq!(storage_statuses(&storage), [204]);
        assert_eq!(storage.object(&id).and_then(|o| o.content), Some(png));
        assert_eq!(announcements(&sandbox, "/media/upload-url"), 1);
        assert_eq!(*told.lock().unwrap_or_else(|e| e.into_inner()), [id], "told once, the same id");
        assert_eq!(items_named(&client, "cut.png").await, 1);
    }
}
