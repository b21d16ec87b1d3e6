//! `posteverywhere_client` against a sandbox that breaks its own docs: a listing still ends by
//! itself, absurd waits fail fast quoting the header, and an outage costs a bounded number of
//! retries whatever the concurrency.

mod paging;

use std::time::Duration;

use client_runtime::paginate::STALL_LIMIT;
use client_runtime::Error;
use paging::{quick_retries, start_items, unique};
use posteverywhere_client::operations::ListMediaError;
use posteverywhere_client::prelude::*;
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

/// Reads a listing to its end: the ids delivered and the error it ended with.
async fn drain(mut items: Items<ListMediaPaging>) -> (Vec<String>, Option<PageError<ListMediaError>>) {
    let mut ids = Vec::new();
    loop {
        match items.try_next().await {
            Ok(Some(m)) => ids.push(m.media_id),
            Ok(None) => return (ids, None),
            Err(e) => return (ids, Some(e)),
        }
    }
}

#[tokio::test]
async fn a_server_ignoring_offset_ends_the_listing_with_a_typed_error() {
    let sb = start_items(Provider::PostEverywhere, 650).await;
    sb.hostile().ignore_position();
    let (ids, err) = drain(client(&sb).list_media().items()).await;
    let err = err.expect("the listing ends with an error, not silently and not never");
    assert!(matches!(err.pagination(), Some(PaginationError::Stalled { yielded: 100, .. })), "{err}");
    assert!(err.to_string().contains("ignoring the offset"), "{err}");
    assert_eq!(unique(&ids).len(), 100, "the first page stays delivered, each item once");
    // No total: after the first window the listing reads ahead, 8 windows (the default
    // concurrency) in flight, among which the stall shows; none is sent past them.
    let requests = sb.stats().requests_to("/api/v1/media");
    assert!(requests <= 1 + u64::from(STALL_LIMIT).max(8), "{requests} requests");
    assert!(sb.hostile().rewritten() > 0);
}

#[tokio::test]
async fn an_absurd_retry_after_fails_at_once_showing_the_header() {
    let sb = start_items(Provider::PostEverywhere, 10).await;
    sb.hostile().header("Retry-After", "315360000");
    sb.hostile().refuse(1);
    match client(&sb).list_media().send().await {
        Err(Error::WaitTooLong(e)) => {
            assert_eq!(e.wait, Duration::from_secs(315_360_000));
            assert_eq!(e.cap, Duration::from_secs(86_400), "the longest documented window: a day");
            assert_eq!(e.header, "Retry-After: 315360000");
            assert!(e.to_string().contains("Retry-After: 315360000"), "{e}");
        }
        other => panic!("expected WaitTooLong, got {other:?}"),
    }
    assert_eq!(sb.stats().requests_to("/api/v1/media"), 1, "not retried");
}

#[tokio::test]
async fn an_absurd_reset_holds_the_client_no_longer_than_the_cap() {
    let sb = start_items(Provider::PostEverywhere, 10).await;
    // Remaining 0 until the year 5138.
    sb.hostile().header("X-RateLimit-Remaining", "0");
    sb.hostile().header("X-RateLimit-Reset", "99999999999");
    let c = Client::builder().base_url(sb.base_url()).api_key(sb.api_key()).build().expect("client");
    c.list_media().send().await.expect("the answer itself is fine");
    match c.list_media().send().await {
        Err(Error::RateLimited(e)) => {
            assert!(e.wait <= Duration::from_secs(86_400) + Duration::from_secs(1), "{:?}", e.wait);
            assert!(e.reason.contains("X-RateLimit-Reset: 99999999999"), "{}", e.reason);
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert_eq!(sb.stats().requests_to("/api/v1/media"), 1, "the second call was held, not sent");
    // A caller's own cap is the limit.
    let short = Client::builder()
        .base_url(sb.base_url())
        .api_key(sb.api_key())
        .max_server_wait(Duration::from_millis(300))
        .build()
        .expect("client");
    short.list_media().send().await.expect("first");
    short.list_media().send().await.expect("held at most 300 ms, then sent");
}

#[tokio::test]
async fn eight_concurrent_calls_share_one_retry_budget_in_an_outage() {
    let sb = start_items(Provider::PostEverywhere, 10).await;
    sb.faults().server_errors(1_000, 503);
    let c = client(&sb);
    let calls = (0..8).map(|_| {
        let c = c.clone();
        async move { c.list_media().send().await }
    });
    let results = futures::future::join_all(calls).await;
    let budget = client_runtime::RetryBudget::default().retries();
    let requests = sb.stats().requests_to("/api/v1/media");
    // Each call alone would make 10 attempts: 80 requests. The shared budget allows 10 retries.
    assert!(requests <= 8 + u64::from(budget), "{requests} requests");
    let spent = results.iter().filter_map(|r| r.as_ref().err()).filter_map(|e| e.http()?.retry_budget()).count();
    assert!(spent > 0, "some call says the budget stopped it");
    let shown = results.iter().filter_map(|r| r.as_ref().err()).map(ToString::to_string);
    assert!(shown.clone().any(|s| s.contains("retry budget is spent")), "{:?}", shown.collect::<Vec<_>>());
}
