//! `items()` (v1 by offset, v2 by token) against the hand-written sequential loop, over the
//! in-process sandbox. `cargo bench -p microcms-client --bench paging`; figures in BENCHMARKS.md.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use futures::TryStreamExt;
use microcms_client::prelude::*;
use sandbox::{Provider, Sandbox, SandboxConfig};

async fn get(http: &reqwest::Client, url: &str, key: &str, query: &[(&str, String)]) -> serde_json::Value {
    let r = http.get(url).header("X-MICROCMS-API-KEY", key).query(query).send().await.expect("send");
    r.json().await.expect("json")
}

/// v1 by hand: offset += 100 until a short page.
async fn hand_v1(http: &reqwest::Client, base: &str, key: &str) -> usize {
    let url = format!("{base}/api/v1/media");
    let mut n = 0;
    loop {
        let body = get(http, &url, key, &[("offset", n.to_string()), ("limit", "100".into())]).await;
        let got = body["media"].as_array().map_or(0, Vec::len);
        n += got;
        if got < 100 {
            return n;
        }
    }
}

/// v2 by hand: follow the token until an empty page or totalCount.
async fn hand_v2(http: &reqwest::Client, base: &str, key: &str) -> usize {
    let url = format!("{base}/api/v2/media");
    let mut body = get(http, &url, key, &[("limit", "100".into())]).await;
    let mut n = 0;
    loop {
        let got = body["media"].as_array().map_or(0, Vec::len);
        n += got;
        if got == 0 || n as u64 >= body["totalCount"].as_u64().unwrap_or(0) {
            return n;
        }
        let token = body["token"].as_str().unwrap_or_default().to_owned();
        body = get(http, &url, key, &[("token", token)]).await;
    }
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    for (items, latency_ms) in [(10_000usize, 20u64), (100_000, 0)] {
        let sb = rt.block_on(Sandbox::start(SandboxConfig::new(Provider::MicroCms).items(items))).expect("sandbox");
        sb.faults().set_latency(Duration::from_millis(latency_ms));
        let client = microcms_client::Client::builder()
            .base_url(sb.base_url())
            .api_key(sb.api_key())
            .no_pacing()
            .build()
            .expect("client");
        let http = reqwest::Client::new();
        let (base, key) = (sb.base_url(), sb.api_key().to_owned());
        let mut group = c.benchmark_group(format!("microcms/{items}x{latency_ms}ms"));
        group.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
        // v1 cannot read past offset 10,000: compare it on the 10,000-item library only.
        if items <= 10_000 {
            group.bench_function("v1_hand_loop", |b| {
                b.to_async(&rt).iter(|| async { assert_eq!(hand_v1(&http, &base, &key).await, items) })
            });
            group.bench_function("v1_items", |b| {
                b.to_async(&rt).iter(|| async {
                    let n = client.list_media_v1().items().try_fold(0usize, |n, _| async move { Ok(n + 1) }).await;
                    assert_eq!(n.expect("listing"), items);
                })
            });
        }
        group.bench_function("v2_hand_loop", |b| {
            b.to_async(&rt).iter(|| async { assert_eq!(hand_v2(&http, &base, &key).await, items) })
        });
        group.bench_function("v2_items", |b| {
            b.to_async(&rt).iter(|| async {
                let n = client.list_media_v2().items().try_fold(0usize, |n, _| async move { Ok(n + 1) }).await;
                assert_eq!(n.expect("listing"), items);
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
