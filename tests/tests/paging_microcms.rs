//! `microcms_client` listings against the sandbox: v1 by offset (guarded at 10,000), v2 by
//! expiring token.

mod paging;

use std::collections::HashSet;
use std::time::Duration;

use futures::TryStreamExt;
use microcms_client::prelude::*;
use microcms_client::Client;
use paging::{all_faults, assert_resumed, quick_retries, start, start_items, unique};
use sandbox::{Provider, RunningSandbox, SandboxConfig};

fn client(sb: &RunningSandbox) -> Client {
    Client::builder()
        .base_url(sb.base_url())
        .api_key(sb.api_key())
        .retry_policy(quick_retries())
        .build()
        .expect("client")
}

async fn direct_v1(c: &Client, image_only: bool) -> Vec<String> {
    let mut ids = Vec::new();
    loop {
        let r = c
            .list_media_v1()
            .offset(ids.len() as i64)
            .limit(100)
            .set_image_only(image_only.then_some(true))
            .send()
            .await
            .expect("page");
        ids.extend(r.media.iter().map(|m| m.id.clone()));
        if r.media.len() < 100 {
            return ids;
        }
    }
}

async fn v1_ids(items: Items<ListMediaV1Paging>) -> Vec<String> {
    items.map_ok(|m| m.id).try_collect().await.expect("listing")
}

async fn v2_ids(items: Items<ListMediaV2Paging>) -> Vec<String> {
    items.map_ok(|m| m.id).try_collect().await.expect("listing")
}

#[tokio::test]
async fn v1_lists_everything_with_and_without_filters() {
    let sb = start_items(Provider::MicroCms, 1500).await;
    let c = client(&sb);
    let all = v1_ids(c.list_media_v1().items()).await;
    assert_eq!(all.len(), sb.item_count());
    assert_eq!(all, direct_v1(&c, false).await);
    let images = v1_ids(c.list_media_v1().image_only(true).limit(40).items()).await;
    assert_eq!(images, direct_v1(&c, true).await);
    assert!(images.len() < all.len());
}

#[tokio::test]
async fn v1_faults_shifts_and_resume() {
    let sb = start_items(Provider::MicroCms, 800).await;
    let c = client(&sb);
    let want = direct_v1(&c, false).await;
    let mut items = c.list_media_v1().limit(30).items();
    let mut got = Vec::new();
    for _ in 0..95 {
        got.push(items.try_next().await.unwrap().unwrap().id);
    }
    all_faults(&sb);
    let checkpoint = items.checkpoint().cloned().expect("checkpoint");
    drop(items);
    let json = serde_json::to_string(&checkpoint).unwrap();
    let resumed = c.list_media_v1().limit(30).items().resume_from(serde_json::from_str(&json).unwrap());
    got.extend(v1_ids(resumed).await);
    assert_eq!(got, want);

    for (insert, delete) in [(3, 0), (0, 2), (2, 1)] {
        let before: HashSet<String> = direct_v1(&c, false).await.into_iter().collect();
        sb.faults().insert_per_request(insert);
        sb.faults().delete_per_request(delete);
        let got = v1_ids(c.list_media_v1().limit(25).items()).await;
        sb.faults().clear();
        let got = unique(&got);
        let after: HashSet<String> = direct_v1(&c, false).await.into_iter().collect();
        for id in before.intersection(&after) {
            assert!(got.contains(id), "missed {id} (insert {insert}, delete {delete})");
        }
    }
}

#[tokio::test]
async fn v1_resumes_after_items_were_inserted_or_deleted_before_the_checkpoint() {
    for (insert, delete) in [(6, 0), (0, 6)] {
        let sb = start_items(Provider::MicroCms, 400).await;
        let c = client(&sb);
        let before = direct_v1(&c, false).await;
        let mut items = c.list_media_v1().limit(25).items();
        let mut got = Vec::new();
        for _ in 0..80 {
            got.push(items.try_next().await.unwrap().unwrap().id);
        }
        let checkpoint = items.checkpoint().cloned().expect("checkpoint");
        drop(items);
        sb.faults().insert_items(insert);
        sb.faults().delete_items(delete);
        let now = direct_v1(&c, false).await;
        let rest = v1_ids(c.list_media_v1().limit(25).items().resume_from(checkpoint)).await;
        assert_resumed(got, rest, &now, &before, &format!("insert {insert}, delete {delete}"));
    }
}

#[tokio::test]
async fn v1_refuses_to_read_past_offset_10000() {
    let sb = start_items(Provider::MicroCms, 10_400).await;
    let c = client(&sb);
    let mut items = c.list_media_v1().items();
    let mut ids = Vec::new();
    let err = loop {
        match items.try_next().await {
            Ok(Some(m)) => ids.push(m.id),
            Ok(None) => panic!("listing ended without the guard"),
            Err(e) => break e,
        }
    };
    unique(&ids);
    assert!(ids.len() > 10_000 && ids.len() < 10_400, "{}", ids.len());
    assert!(matches!(err.pagination(), Some(PaginationError::OffsetLimit { .. })), "{err}");
    assert!(err.to_string().contains("list_media_v2"), "{err}");
    // A collection that fits is read whole.
    let sb = start_items(Provider::MicroCms, 10_050).await;
    assert_eq!(v1_ids(client(&sb).list_media_v1().items()).await.len(), 10_050);
}

async fn direct_v2(c: &Client, tags: Option<Vec<String>>) -> Vec<String> {
    let mut ids = Vec::new();
    let mut r = c.list_media_v2().limit(100).set_tags(tags).send().await.expect("first");
    loop {
        ids.extend(r.media.iter().map(|m| m.id.clone()));
        if r.media.is_empty() || ids.len() as i64 >= r.total_count {
            return ids;
        }
        r = c.list_media_v2().token(r.token.clone()).send().await.expect("next");
    }
}

#[tokio::test]
async fn v2_lists_everything_and_sends_only_the_token() {
    let sb = start_items(Provider::MicroCms, 700).await;
    let c = client(&sb);
    let all = v2_ids(c.list_media_v2().items()).await;
    assert_eq!(all.len(), sb.item_count());
    assert_eq!(all, direct_v2(&c, None).await);
    let tags = vec!["animals".to_owned()];
    sb.reset_stats();
    let tagged = v2_ids(c.list_media_v2().tags(tags.clone()).image_only(true).limit(15).items()).await;
    let stats = sb.stats();
    for r in stats.recent.iter().filter(|r| r.query_param("token").is_some()) {
        assert!(r.query_param("limit").is_none() && r.query_param("imageOnly").is_none(), "{:?}", r.query);
    }
    unique(&tagged);
    assert!(!tagged.is_empty() && tagged.len() < all.len());
    let with_tags: HashSet<String> = direct_v2(&c, Some(tags)).await.into_iter().collect();
    assert!(tagged.iter().all(|id| with_tags.contains(id)));
}

#[tokio::test]
async fn v2_faults_lose_and_repeat_nothing() {
    let sb = start_items(Provider::MicroCms, 500).await;
    let c = client(&sb);
    let want = direct_v2(&c, None).await;
    let mut items = c.list_media_v2().limit(20).items();
    let mut got = vec![items.try_next().await.unwrap().unwrap().id];
    all_faults(&sb);
    while let Some(m) = items.try_next().await.expect("survives") {
        got.push(m.id);
    }
    assert_eq!(got, want);
}

#[tokio::test]
async fn v2_recovers_from_an_expired_token() {
    let config = SandboxConfig::new(Provider::MicroCms).items(120).token_ttl(Duration::from_secs(1));
    let sb = start(config).await;
    let c = client(&sb);
    let want = direct_v2(&c, None).await;
    let mut items = c.list_media_v2().limit(10).items();
    let mut got = Vec::new();
    while let Some(m) = items.try_next().await.expect("recovers") {
        got.push(m.id);
        if got.len() == 25 {
            tokio::time::sleep(Duration::from_millis(1500)).await; // a paused consumer
        }
    }
    assert_eq!(got, want);
    assert!(sb.stats().responses_with(400) >= 1, "the token did lapse");

    // Or, if asked, says so.
    let mut items = c.list_media_v2().limit(10).items().on_token_expired(TokenExpiry::Fail);
    for _ in 0..25 {
        items.try_next().await.unwrap().unwrap();
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let err = loop {
        match items.try_next().await {
            Ok(Some(_)) => continue,
            Ok(None) => panic!("no error"),
            Err(e) => break e,
        }
    };
    assert!(matches!(err.pagination(), Some(PaginationError::TokenExpired { .. })), "{err}");
}
