//! `items()` against the hand-written sequential loop, over the in-process sandbox.
//! `cargo bench -p posteverywhere-client --bench paging`; figures in BENCHMARKS.md.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use futures::TryStreamExt;
use posteverywhere_client::prelude::*;
use sandbox::{Provider, Sandbox, SandboxConfig};

/// What a user would write by hand: offset += 100 until a short page.
async fn hand_loop(http: &reqwest::Client, base: &str, key: &str) -> usize {
    let mut n = 0;
    loop {
        let body: serde_json::Value = http
            .get(format!("{base}/media"))
            .bearer_auth(key)
            .query(&[("offset", n.to_string()), ("limit", "100".into())])
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        let got = body["data"]["items"].as_array().map_or(0, Vec::len);
        n += got;
        if got < 100 {
            return n;
        }
    }
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    for (items, latency_ms) in [(10_000usize, 20u64), (100_000, 0)] {
        let sb =
            rt.block_on(Sandbox::start(SandboxConfig::new(Provider::PostEverywhere).items(items))).expect("sandbox");
        sb.faults().set_latency(Duration::from_millis(latency_ms));
        let client = posteverywhere_client::Client::builder()
            .base_url(sb.base_url())
            .api_key(sb.api_key())
            .no_pacing()
            .build()
            .expect("client");
        let http = reqwest::Client::new();
        let (base, key) = (sb.base_url(), sb.api_key().to_owned());
        let mut group = c.benchmark_group(format!("posteverywhere/{items}x{latency_ms}ms"));
        group.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
        group.bench_function("hand_loop", |b| {
            b.to_async(&rt).iter(|| async { assert_eq!(hand_loop(&http, &base, &key).await, items) })
        });
        group.bench_function("items", |b| {
            b.to_async(&rt).iter(|| async {
                let n = client.list_media().items().try_fold(0usize, |n, _| async move { Ok(n + 1) }).await;
                assert_eq!(n.expect("listing"), items);
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
