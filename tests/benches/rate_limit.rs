//! Paging under the documented rate limits, scaled in time by 20 (60/min becomes 60 per 3 s):
//! every page listed with pacing on, zero 429s, and the time against the best schedule the limit
//! allows. `cargo bench --bench rate_limit` (from the workspace root); figures in BENCHMARKS.md.

mod common;

use std::time::{Duration, Instant};

use client_runtime::{Pacing, Quota};
use common::{runtime, sandbox_with, Listing, UTAGE_ALL};
use sandbox::SandboxConfig;

/// 60/min scaled by 20.
const SCALE: f64 = 20.0;
const LIMIT: u64 = 60;
const WINDOW: Duration = Duration::from_secs(3);
/// Items of the library: 170 pages of 100, so three windows' worth of requests.
const ITEMS: usize = 17_000;
const LATENCY: Duration = Duration::from_millis(20);
const RUNS: usize = 3;

/// Lists everything once with pacing on (learning from the headers too, or not); returns
/// (items, requests, 429s, time).
async fn run(listing: Listing, learn: bool) -> (usize, u64, u64, Duration) {
    let config = SandboxConfig::new(listing.provider()).items(ITEMS).documented_rate_limit(SCALE);
    let sb = sandbox_with(config, LATENCY).await;
    let pacing = Pacing::quotas(vec![Quota::new(LIMIT as u32, WINDOW)]).learn_from_headers(learn);
    let started = Instant::now();
    let items = match listing {
        Listing::Utage => {
            use utage_client::prelude::*;
            let client = utage_client::Client::builder()
                .base_url(sb.base_url())
                .api_key(sb.api_key())
                .pacing(pacing)
                .build()
                .expect("client");
            client
                .list_media()
                .keyword(UTAGE_ALL)
                .items()
                .try_fold(0, |n, _| async move { Ok(n + 1) })
                .await
                .map_err(|e| e.to_string())
        }
        _ => {
            use posteverywhere_client::prelude::*;
            let client = posteverywhere_client::Client::builder()
                .base_url(sb.base_url())
                .api_key(sb.api_key())
                .pacing(pacing)
                .build()
                .expect("client");
            client.list_media().items().try_fold(0, |n, _| async move { Ok(n + 1) }).await.map_err(|e| e.to_string())
        }
    };
    let elapsed = started.elapsed();
    let items = items.unwrap_or_else(|e| panic!("{} listing failed: {e}", listing.name()));
    let stats = sb.stats();
    (items, stats.total_requests, stats.rate_limited, elapsed)
}

fn main() {
    let rt = runtime();
    println!(
        "rate limits {LIMIT} per {WINDOW:?} (documented limits scaled by {SCALE}), {ITEMS} items, {LATENCY:?} latency"
    );
    for (listing, learn) in [
        (Listing::Utage, true),
        (Listing::PostEverywhere, true),
        (Listing::Utage, false),
        (Listing::PostEverywhere, false),
    ] {
        let mut times = Vec::new();
        let name = format!("{}{}", listing.name(), if learn { "" } else { " (quota only)" });
        for _ in 0..RUNS {
            let (items, requests, limited, elapsed) = rt.block_on(run(listing, learn));
            assert_eq!(items, ITEMS, "every item listed");
            assert_eq!(limited, 0, "no request refused with 429");
            let windows = requests.div_ceil(LIMIT);
            // The earliest the last request can go out is the start of the last window; the
            // issue's yardstick counts that last window whole.
            let best = WINDOW * (windows - 1) as u32 + LATENCY;
            let whole = WINDOW * windows as u32;
            println!(
                "{name:<28} {requests} requests, {limited} x 429, {:.3} s; best possible {:.3} s (ratio {:.3}); {windows} whole windows {:.1} s (ratio {:.3})",
                elapsed.as_secs_f64(),
                best.as_secs_f64(),
                elapsed.as_secs_f64() / best.as_secs_f64(),
                whole.as_secs_f64(),
                elapsed.as_secs_f64() / whole.as_secs_f64(),
            );
            if listing == Listing::PostEverywhere {
                // No total, so one page at a time: the requests of the last window follow one
                // another, a round trip (at least the latency) each.
                let last = requests - (windows - 1) * LIMIT;
                let sequential = WINDOW * (windows - 1) as u32 + LATENCY * last as u32;
                println!(
                    "{name:<28} sequential best {:.3} s (ratio {:.3})",
                    sequential.as_secs_f64(),
                    elapsed.as_secs_f64() / sequential.as_secs_f64(),
                );
            }
            times.push(elapsed);
        }
        times.sort();
        println!("{name:<28} median {:.3} s", times[RUNS / 2].as_secs_f64());
    }
}
