//! `posteverywhere_client` listings against the sandbox: offsets, no total, short last page.

mod paging;

use std::collections::HashSet;

use futures::TryStreamExt;
use paging::{all_faults, quick_retries, start_items, unique};
use posteverywhere_client::prelude::*;
use posteverywhere_client::types::MediaType;
use posteverywhere_client::Client;
use sandbox::{Provider, RunningSandbox};

fn client(sb: &RunningSandbox) -> Client {
    Client::builder()
        .base_url(sb.base_url())
        .api_key(sb.api_key())
        .retry_policy(quick_retries())
        .no_pacing()
        .build()
        .expect("client")
}

async fn direct(c: &Client, kind: Option<MediaType>) -> Vec<String> {
    let mut ids = Vec::new();
    loop {
        let r = c.list_media().set_type(kind.clone()).offset(ids.len() as i64).limit(100).send().await.expect("page");
        ids.extend(r.data.items.iter().map(|m| m.media_id.clone()));
        if r.data.items.len() < 100 {
            return ids;
        }
    }
}

async fn ids(items: Items<ListMediaPaging>) -> Vec<String> {
    items.map_ok(|m| m.media_id).try_collect().await.expect("listing")
}

#[tokio::test]
async fn lists_everything_with_and_without_filters() {
    let sb = start_items(Provider::PostEverywhere, 650).await;
    let c = client(&sb);
    let all = ids(c.list_media().items()).await;
    assert_eq!(all.len(), sb.item_count());
    assert_eq!(all, direct(&c, None).await);
    let images = ids(c.list_media().r#type(MediaType::Image).limit(30).items()).await;
    assert_eq!(images, direct(&c, Some(MediaType::Image)).await);
    assert!(!images.is_empty() && images.len() < all.len());
}

#[tokio::test]
async fn pages_carry_their_media_ids() {
    let sb = start_items(Provider::PostEverywhere, 130).await;
    let c = client(&sb);
    let pages: Vec<_> = c.list_media().limit(50).pages().try_collect().await.expect("pages");
    assert_eq!(pages.len(), 3);
    for page in &pages {
        for item in page.items() {
            assert!(page.body().data.media_ids.contains(&item.media_id));
        }
    }
    assert_eq!(pages.iter().map(|p| p.items().len()).sum::<usize>(), 130);
}

#[tokio::test]
async fn faults_shifts_and_resume() {
    let sb = start_items(Provider::PostEverywhere, 600).await;
    let c = client(&sb);
    let want = direct(&c, None).await;
    let mut items = c.list_media().limit(40).items();
    let mut got = Vec::new();
    for _ in 0..77 {
        got.push(items.try_next().await.unwrap().unwrap().media_id);
    }
    all_faults(&sb);
    let checkpoint = serde_json::to_value(items.checkpoint().unwrap()).unwrap();
    drop(items);
    let resumed = c.list_media().limit(40).items().resume_from(serde_json::from_value(checkpoint).unwrap());
    got.extend(ids(resumed).await);
    assert_eq!(got, want);

    for (insert, delete) in [(3, 0), (0, 3), (2, 2)] {
        let before: HashSet<String> = direct(&c, None).await.into_iter().collect();
        sb.faults().insert_per_request(insert);
        sb.faults().delete_per_request(delete);
        let got = ids(c.list_media().limit(30).items()).await;
        sb.faults().clear();
        let got = unique(&got);
        let after: HashSet<String> = direct(&c, None).await.into_iter().collect();
        for id in before.intersection(&after) {
            assert!(got.contains(id), "missed {id} (insert {insert}, delete {delete})");
        }
    }
}
