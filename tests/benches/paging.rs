//! `items()` against the loop a user would write by hand, over the in-process sandbox, for every
//! paging style. `cargo bench --bench paging` (from the workspace root); figures in BENCHMARKS.md.

mod common;

use std::time::Duration;

use common::{count_items, hand_loop, runtime, sandbox, Clients, Listing};
use criterion::{criterion_group, criterion_main, Criterion};

/// (listing, items, latency per response). microCMS v1 cannot read past offset 10,000, so it
/// has no 100,000-item row.
const CASES: [(Listing, usize, u64); 7] = [
    (Listing::Utage, 10_000, 20),
    (Listing::MicroCmsV1, 10_000, 20),
    (Listing::MicroCmsV2, 10_000, 20),
    (Listing::PostEverywhere, 10_000, 20),
    (Listing::Utage, 100_000, 0),
    (Listing::MicroCmsV2, 100_000, 0),
    (Listing::PostEverywhere, 100_000, 0),
];

fn bench(c: &mut Criterion) {
    let rt = runtime();
    for (listing, items, latency_ms) in CASES {
        let sb = rt.block_on(sandbox(listing.provider(), items, Duration::from_millis(latency_ms)));
        let clients = Clients::for_sandbox(&sb);
        let http = reqwest::Client::new();
        let (base, key) = (sb.base_url(), sb.api_key().to_owned());
        // Both sides must list everything (this also warms the sandbox's filter index).
        assert_eq!(rt.block_on(hand_loop(&http, listing, &base, &key)), items);
        let mut group = c.benchmark_group(format!("{}/{items}x{latency_ms}ms", listing.name()));
        group.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
        group.bench_function("hand_loop", |b| {
            b.to_async(&rt).iter(|| async { assert_eq!(hand_loop(&http, listing, &base, &key).await, items) })
        });
        group.bench_function("items", |b| {
            b.to_async(&rt).iter(|| async { assert_eq!(count_items(&clients, listing).await, items) })
        });
        group.finish();
        sb.shutdown();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
