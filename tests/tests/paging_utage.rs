//! `utage_client` listings against the sandbox: page numbers, clamped `per_page`, `meta.total`.

mod paging;

use std::collections::HashSet;

use futures::TryStreamExt;
use paging::{all_faults, assert_resumed, quick_retries, start_items, unique};
use sandbox::{Provider, RunningSandbox};
use utage_client::prelude::*;
use utage_client::Client;

fn client(sb: &RunningSandbox) -> Client {
    Client::builder()
        .base_url(sb.base_url())
        .api_key(sb.api_key())
        .retry_policy(quick_retries())
        .build()
        .expect("client")
}

/// The listing a caller would get by hand, page by page.
async fn direct(client: &Client, keyword: Option<&str>) -> Vec<String> {
    let mut ids = Vec::new();
    for page in 1.. {
        let r = client
            .list_media()
            .set_keyword(keyword.map(str::to_owned))
            .page(page)
            .per_page(100)
            .send()
            .await
            .expect("page");
        let data = r.data.clone().unwrap_or_default();
        ids.extend(data.iter().filter_map(|m| m.id.clone()));
        if data.len() < 100 {
            break;
        }
    }
    ids
}

async fn ids(items: Items<ListMediaPaging>) -> Vec<String> {
    items.map_ok(|m| m.id.unwrap_or_default()).try_collect().await.expect("listing")
}

#[tokio::test]
async fn lists_everything_with_and_without_filters() {
    let sb = start_items(Provider::Utage, 1200).await;
    let c = client(&sb);
    let all = ids(c.list_media().items()).await;
    assert!(all.len() > 100, "root folder holds {} items", all.len());
    assert_eq!(all, direct(&c, None).await);
    unique(&all);
    let some = ids(c.list_media().keyword("a").per_page(30).items()).await;
    assert_eq!(some, direct(&c, Some("a")).await);
    assert!(!some.is_empty());
    // Sequential gives the same.
    assert_eq!(ids(c.list_media().items().concurrency(1)).await, all);
}

#[tokio::test]
async fn uses_the_page_size_the_server_reports() {
    let sb = start_items(Provider::Utage, 600).await;
    let c = client(&sb);
    let want = direct(&c, Some("e")).await;
    // A page size above the clamp (through the engine's knob, so it is not refused up front).
    let got = ids(c.list_media().keyword("e").items().page_size(250)).await;
    assert_eq!(got, want);
}

#[tokio::test]
async fn faults_lose_and_repeat_nothing() {
    let sb = start_items(Provider::Utage, 900).await;
    let c = client(&sb);
    let want = direct(&c, Some("a")).await;
    let mut items = c.list_media().keyword("a").per_page(20).items();
    let mut got = vec![items.try_next().await.expect("first").expect("an item").id.unwrap_or_default()];
    all_faults(&sb);
    while let Some(m) = items.try_next().await.expect("listing survives the faults") {
        got.push(m.id.unwrap_or_default());
    }
    assert_eq!(got, want);
}

#[tokio::test]
async fn inserts_and_deletes_while_paging() {
    for (insert, delete) in [(2, 0), (0, 2), (1, 1)] {
        let sb = start_items(Provider::Utage, 600).await;
        let c = client(&sb);
        let before: HashSet<String> = direct(&c, Some("a")).await.into_iter().collect();
        sb.faults().insert_per_request(insert);
        sb.faults().delete_per_request(delete);
        let got = ids(c.list_media().keyword("a").per_page(25).items()).await;
        sb.faults().clear();
        let got = unique(&got);
        let after: HashSet<String> = direct(&c, Some("a")).await.into_iter().collect();
        // Every item there from start to end came once.
        for id in before.intersection(&after) {
            assert!(got.contains(id), "missed {id} (insert {insert}, delete {delete})");
        }
    }
}

#[tokio::test]
async fn resumes_from_a_checkpoint() {
    let sb = start_items(Provider::Utage, 700).await;
    let c = client(&sb);
    let want = direct(&c, Some("a")).await;
    let mut items = c.list_media().keyword("a").per_page(20).items();
    let mut got = Vec::new();
    for _ in 0..47 {
        got.push(items.try_next().await.unwrap().unwrap().id.unwrap());
    }
    let saved = serde_json::to_string(items.checkpoint().expect("a checkpoint")).unwrap();
    drop(items);
    let checkpoint: Checkpoint = serde_json::from_str(&saved).unwrap();
    assert_eq!(checkpoint.position, 47);
    got.extend(ids(c.list_media().keyword("a").per_page(20).items().resume_from(checkpoint)).await);
    assert_eq!(got, want);
}

#[tokio::test]
async fn resumes_after_items_were_inserted_or_deleted_before_the_checkpoint() {
    for (insert, delete, read) in [(7, 0, 47), (0, 7, 47), (5, 0, 60), (0, 5, 60)] {
        let sb = start_items(Provider::Utage, 700).await;
        let c = client(&sb);
        let before = direct(&c, None).await;
        let mut items = c.list_media().per_page(20).items();
        let mut got = Vec::new();
        for _ in 0..read {
            got.push(items.try_next().await.unwrap().unwrap().id.unwrap());
        }
        let checkpoint = items.checkpoint().cloned().expect("a checkpoint");
        drop(items);
        sb.faults().insert_items(insert);
        sb.faults().delete_items(delete);
        let now = direct(&c, None).await;
        let rest = ids(c.list_media().per_page(20).items().resume_from(checkpoint)).await;
        assert_resumed(got, rest, &now, &before, &format!("insert {insert}, delete {delete}, read {read}"));
    }
}

#[tokio::test]
async fn invalid_parameters_fail_before_sending() {
    let sb = start_items(Provider::Utage, 50).await;
    let c = client(&sb);
    let err = c.list_media().per_page(0).items().try_next().await.expect_err("refused");
    assert!(matches!(err.request(), Some(utage_client::Error::InvalidRequest(_))), "{err}");
    assert_eq!(sb.stats().total_requests, 0);
}
