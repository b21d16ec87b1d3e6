//! Pacing, seen from the server: it records when each request arrives.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use client_runtime::{Error, Quota};
use tokio::time::Instant;

use crate::common::{client, lock, serve, shared, Bearer, Paced};

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
}

#[tokio::test]
async fn remaining_zero_holds_the_next_request_until_the_reset() {
    // (arrival, the reset that response advertised)
    let log = shared::<Vec<(SystemTime, u64)>>();
    let seen = log.clone();
    let app = Router::new().route(
        "/v1/media",
        get(move || {
            let seen = seen.clone();
            async move {
                let mut seen = lock(&seen);
                let reset = unix_now() + 2;
                let remaining = if seen.is_empty() { "0" } else { "59" };
                seen.push((SystemTime::now(), reset));
                (
                    StatusCode::OK,
                    [
                        ("x-ratelimit-limit", "60".to_owned()),
                        ("x-ratelimit-remaining", remaining.to_owned()),
                        ("x-ratelimit-reset", reset.to_string()),
                    ],
                    "{}",
                )
            }
        }),
    );
    let addr = serve(app).await;
    let client = client::<Bearer>(addr).build().expect("client");
    let first = client.get("/media").await.expect("first");
    assert_eq!(first.http().rate_limit().remaining, Some(0));
    // Through a clone: the advice is shared.
    client.clone().get("/media").await.expect("second");
    let log = lock(&log);
    let reset = UNIX_EPOCH + Duration::from_secs(log[0].1);
    assert!(log[1].0 >= reset, "second request arrived {:?} before the reset", reset.duration_since(log[1].0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documented_quota_holds_under_concurrency() {
    let arrivals = shared::<Vec<Instant>>();
    let seen = arrivals.clone();
    let app = Router::new().route(
        "/v1/media",
        get(move || {
            lock(&seen).push(Instant::now());
            async { "{}" }
        }),
    );
    let addr = serve(app).await;
    // `Paced` documents 5 requests per second.
    let client = client::<Paced>(addr).build().expect("client");
    let jobs = Arc::new(AtomicU32::new(15));
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let client = client.clone();
            let jobs = jobs.clone();
            tokio::spawn(async move {
                while jobs.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok() {
                    client.get("/media").await.expect("paced request");
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("task");
    }
    let mut seen = lock(&arrivals).clone();
    seen.sort();
    assert_eq!(seen.len(), 15);
    for pair in seen.windows(6) {
        let span = pair[5] - pair[0];
        assert!(span >= Duration::from_secs(1), "6 requests within {span:?}");
    }
}

#[tokio::test]
async fn custom_quotas_replace_the_documented_ones_and_fail_fast_past_the_time_limit() {
    let count = Arc::new(AtomicU32::new(0));
    let counter = count.clone();
    let app = Router::new().route(
        "/v1/media",
        get(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            async { "{}" }
        }),
    );
    let addr = serve(app).await;
    let client = client::<Paced>(addr)
        .rate_limits(vec![Quota::per_hour(2)])
        .max_total_time(Duration::from_secs(5))
        .build()
        .expect("client");
    client.get("/media").await.expect("1");
    client.get("/media").await.expect("2");
    let started = Instant::now();
    match client.get("/media").await {
        Err(Error::RateLimited(e)) => {
            assert!(e.wait > Duration::from_secs(3500), "{:?}", e.wait);
            let text = e.to_string();
            assert!(text.contains("2 requests per hour") && text.contains(".max_total_time("), "{text}");
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(1), "failed at once instead of waiting");
    assert_eq!(count.load(Ordering::SeqCst), 2, "the third request was never sent");
}
