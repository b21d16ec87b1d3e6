//! `items()` against the hand-written sequential loop, over the in-process sandbox.
//! `cargo bench -p utage-client --bench paging`; figures in BENCHMARKS.md.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use futures::TryStreamExt;
use sandbox::{Provider, Sandbox, SandboxConfig};
use utage_client::prelude::*;

/// Every name has an extension, so this keyword lists the whole library (without a keyword or
/// folder, UTAGE lists the root folder only).
const ALL: &str = ".";

/// What a user would write by hand: reqwest, serde_json, one page after another.
async fn hand_loop(http: &reqwest::Client, base: &str, key: &str) -> usize {
    let mut ids = Vec::new();
    for page in 1.. {
        let body: serde_json::Value = http
            .get(format!("{base}/media"))
            .bearer_auth(key)
            .query(&[("keyword", ALL), ("page", &page.to_string()), ("per_page", "100")])
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        let data = body["data"].as_array().cloned().unwrap_or_default();
        ids.extend(data.iter().filter_map(|m| m["id"].as_str().map(str::to_owned)));
        if data.len() < 100 {
            break;
        }
    }
    ids.len()
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    // Every UTAGE listing is filtered (keyword, folder or root folder), so the sandbox scans its
    // whole library on each request: the 0 ms case uses 20,000 items to keep the run short.
    for (items, latency_ms) in [(10_000usize, 20u64), (20_000, 0)] {
        let sb = rt.block_on(Sandbox::start(SandboxConfig::new(Provider::Utage).items(items))).expect("sandbox");
        sb.faults().set_latency(Duration::from_millis(latency_ms));
        let client = utage_client::Client::builder()
            .base_url(sb.base_url())
            .api_key(sb.api_key())
            .no_pacing()
            .build()
            .expect("client");
        let http = reqwest::Client::new();
        let (base, key) = (sb.base_url(), sb.api_key().to_owned());
        let expected = rt.block_on(hand_loop(&http, &base, &key));
        assert_eq!(expected, items);
        let mut group = c.benchmark_group(format!("utage/{items}x{latency_ms}ms"));
        group.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
        group.bench_function("hand_loop", |b| {
            b.to_async(&rt).iter(|| async { assert_eq!(hand_loop(&http, &base, &key).await, items) })
        });
        group.bench_function("items", |b| {
            b.to_async(&rt).iter(|| async {
                let n =
                    client.list_media().keyword(ALL).items().try_fold(0usize, |n, _| async move { Ok(n + 1) }).await;
                assert_eq!(n.expect("listing"), items);
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
