//! `microcms_client` against a sandbox that breaks its own docs: an ignored `offset`, new
//! tokens for items already listed, a `totalCount` near `i64::MAX` or negative, an absurd
//! `X-RateLimit-Reset`.

mod paging;

use std::time::Duration;

use client_runtime::paginate::STALL_LIMIT;
use client_runtime::Error;
use microcms_client::prelude::*;
use microcms_client::Client;
use paging::{quick_retries, start_items, unique};
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

/// Reads a listing to its end: the ids delivered and the error it ended with.
async fn drain<S, I>(mut items: Items<S>, id: impl Fn(I) -> String) -> (Vec<String>, Option<PageError<S::Error>>)
where
    S: client_runtime::paginate::Source<Item = I>,
{
    let mut ids = Vec::new();
    loop {
        match items.try_next().await {
            Ok(Some(m)) => ids.push(id(m)),
            Ok(None) => return (ids, None),
            Err(e) => return (ids, Some(e)),
        }
    }
}

#[tokio::test]
async fn v1_against_a_server_ignoring_offset_ends_with_a_typed_error() {
    let sb = start_items(Provider::MicroCms, 650).await;
    sb.hostile().ignore_position();
    let (ids, err) = drain(client(&sb).list_media_v1().items(), |m| m.id).await;
    let err = err.expect("the listing ends with an error, not silently short");
    assert!(matches!(err.pagination(), Some(PaginationError::Stalled { yielded: 100, .. })), "{err}");
    assert_eq!(unique(&ids).len(), 100);
    let requests = sb.stats().requests_to("/api/v1/media");
    assert!(requests <= 1 + 8 + u64::from(STALL_LIMIT), "{requests} requests");
}

#[tokio::test]
async fn v2_against_new_tokens_for_the_same_items_ends_with_a_typed_error() {
    let sb = start_items(Provider::MicroCms, 650).await;
    sb.hostile().fresh_tokens();
    let (ids, err) = drain(client(&sb).list_media_v2().items(), |m| m.id).await;
    let err = err.expect("the listing ends with an error, not never");
    assert!(matches!(err.pagination(), Some(PaginationError::Stalled { yielded: 100, .. })), "{err}");
    assert!(err.to_string().contains("new tokens"), "{err}");
    assert_eq!(unique(&ids).len(), 100, "the first page stays delivered, each item once");
    // The first page, then one request ahead of each page that added nothing.
    let requests = sb.stats().requests_to("/api/v2/media");
    assert!(requests <= 2 + u64::from(STALL_LIMIT), "{requests} requests");
}

#[tokio::test]
async fn v1_total_counts_near_i64_max_or_negative_neither_overflow_nor_stop_short() {
    let sb = start_items(Provider::MicroCms, 450).await;
    let (expected, err) = drain(client(&sb).list_media_v1().items(), |m| m.id).await;
    assert!(err.is_none() && expected.len() == 450);
    for total in [i64::MAX, -1, i64::MIN] {
        let h = sb.hostile();
        h.set(Default::default());
        h.number("/totalCount", total);
        sb.reset_stats();
        let (ids, err) = drain(client(&sb).list_media_v1().items(), |m| m.id).await;
        assert!(err.is_none(), "totalCount {total}: {err:?}");
        assert_eq!(ids, expected, "totalCount {total}");
        let requests = sb.stats().requests_to("/api/v1/media");
        assert!(requests <= 5 + 8 + u64::from(STALL_LIMIT), "totalCount {total}: {requests} requests");
    }
    // v2 with a lying total: the tokens still lead through every item once.
    let (v2_expected, _) = drain(client(&sb).list_media_v2().items(), |m| m.id).await;
    assert_eq!(unique(&v2_expected).len(), 450);
}

#[tokio::test]
async fn an_absurd_reset_on_a_429_fails_at_once_showing_the_header() {
    let sb = start_items(Provider::MicroCms, 10).await;
    sb.hostile().header("X-RateLimit-Remaining", "0");
    sb.hostile().header("X-RateLimit-Reset", "99999999999");
    sb.hostile().refuse(1);
    match client(&sb).list_media_v1().send().await {
        Err(Error::WaitTooLong(e)) => {
            assert_eq!(e.cap, Duration::from_secs(3_600), "no documented window: an hour");
            assert_eq!(e.header, "X-RateLimit-Reset: 99999999999");
            assert!(e.wait > Duration::from_secs(86_400 * 365 * 1_000), "{:?}", e.wait);
        }
        other => panic!("expected WaitTooLong, got {other:?}"),
    }
    assert_eq!(sb.stats().requests_to("/api/v1/media"), 1, "not retried");
}
