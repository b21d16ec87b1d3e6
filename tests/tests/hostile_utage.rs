//! `utage_client` against a sandbox that breaks its own docs: a page number it ignores, totals
//! and page sizes near `i64::MAX` or negative, an absurd `Retry-After`.

mod paging;

use std::time::Duration;

use client_runtime::paginate::STALL_LIMIT;
use client_runtime::Error;
use paging::{quick_retries, start_items, unique};
use sandbox::{Provider, RunningSandbox};
use utage_client::operations::ListMediaError;
use utage_client::prelude::*;
use utage_client::Client;

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
            Ok(Some(m)) => ids.push(m.id.unwrap_or_default()),
            Ok(None) => return (ids, None),
            Err(e) => return (ids, Some(e)),
        }
    }
}

#[tokio::test]
async fn a_server_ignoring_the_page_number_ends_the_listing_with_a_typed_error() {
    let sb = start_items(Provider::Utage, 1200).await;
    sb.hostile().ignore_position();
    let (ids, err) = drain(client(&sb).list_media().items()).await;
    let err = err.expect("the listing ends with an error, not silently short");
    assert!(matches!(err.pagination(), Some(PaginationError::Stalled { yielded: 100, .. })), "{err}");
    assert_eq!(unique(&ids).len(), 100, "the first page stays delivered, each item once");
    // Page 1, then the windows in flight (concurrency 8) once the total was known.
    let requests = sb.stats().requests_to("/v1/media");
    assert!(requests <= 1 + 8 + u64::from(STALL_LIMIT), "{requests} requests");
}

#[tokio::test]
async fn totals_and_page_sizes_near_i64_max_or_negative_neither_overflow_nor_stop_short() {
    let sb = start_items(Provider::Utage, 1200).await;
    let (expected, err) = drain(client(&sb).list_media().items()).await;
    assert!(err.is_none() && expected.len() > 100);
    for (total, per_page) in [(i64::MAX, i64::MAX), (-5, -1), (i64::MAX - 1, 0), (i64::MIN, i64::MAX)] {
        let h = sb.hostile();
        h.set(Default::default());
        h.number("/meta/total", total);
        h.number("/meta/per_page", per_page);
        sb.reset_stats();
        let (ids, err) = drain(client(&sb).list_media().items()).await;
        assert!(err.is_none(), "total {total}, per_page {per_page}: {err:?}");
        assert_eq!(ids, expected, "total {total}, per_page {per_page}");
        let pages = expected.len().div_ceil(100) as u64;
        let requests = sb.stats().requests_to("/v1/media");
        assert!(requests <= pages + 8, "total {total}: {requests} requests for {pages} pages");
    }
}

#[tokio::test]
async fn an_absurd_retry_after_fails_at_once_showing_the_header() {
    let sb = start_items(Provider::Utage, 10).await;
    sb.hostile().header("Retry-After", "18446744073709551615");
    sb.hostile().refuse(1);
    match client(&sb).list_media().send().await {
        Err(Error::WaitTooLong(e)) => {
            assert_eq!(e.cap, Duration::from_secs(86_400), "UTAGE documents a daily quota");
            assert!(e.to_string().contains("Retry-After: 18446744073709551615"), "{e}");
        }
        other => panic!("expected WaitTooLong, got {other:?}"),
    }
    assert_eq!(sb.stats().requests_to("/v1/media"), 1, "not retried");
}
