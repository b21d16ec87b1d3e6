//! Peak memory of a process that streams a listing with `items()`: 100,000 and 1,000,000 items.
//!
//! The sandbox must not count, so this bench runs it here and re-executes itself as the consumer
//! (`PAGING_CONSUMER=<listing> <base url> <key> <items>`); the consumer streams every item and
//! reports its `VmHWM` from /proc/self/status. `cargo bench --bench memory` (from the workspace
//! root); figures in BENCHMARKS.md.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{count_items, peak_rss_kib, runtime, sandbox, Clients, Listing};

const CONSUMER: &str = "PAGING_CONSUMER";
const SIZES: [usize; 2] = [100_000, 1_000_000];

/// The child: streams the listing and prints "items peak_kib".
fn consume(spec: &str) {
    let parts: Vec<&str> = spec.split(' ').collect();
    let [name, base, key, expected] = parts[..] else { panic!("{CONSUMER}: want `listing base key items`") };
    let listing = Listing::from_name(name).expect("listing name");
    let expected: usize = expected.parse().expect("item count");
    let rt = runtime();
    let clients = Clients::new(base, key);
    let n = rt.block_on(count_items(&clients, listing));
    assert_eq!(n, expected, "every item listed");
    println!("{n} {}", peak_rss_kib().unwrap_or(0));
}

fn main() {
    if let Ok(spec) = std::env::var(CONSUMER) {
        return consume(&spec);
    }
    let rt = runtime();
    let exe = std::env::current_exe().expect("own path");
    println!("peak RSS (VmHWM) of the consumer process, items() with the default configuration, 0 ms latency");
    for listing in [Listing::Utage, Listing::PostEverywhere, Listing::MicroCmsV2] {
        for items in SIZES {
            let sb = rt.block_on(sandbox(listing.provider(), items, Duration::ZERO));
            let spec = format!("{} {} {} {items}", listing.name(), sb.base_url(), sb.api_key());
            let started = Instant::now();
            let out = Command::new(&exe).env(CONSUMER, spec).output().expect("consumer runs");
            assert!(out.status.success(), "consumer failed: {}", String::from_utf8_lossy(&out.stderr));
            let stdout = String::from_utf8_lossy(&out.stdout);
            let line = stdout.lines().last().unwrap_or_default();
            let peak_kib: u64 = line.split(' ').nth(1).and_then(|v| v.parse().ok()).unwrap_or(0);
            println!(
                "{:<15} {items:>9} items: peak {:.1} MiB ({:.1} s)",
                listing.name(),
                peak_kib as f64 / 1024.0,
                started.elapsed().as_secs_f64()
            );
            sb.shutdown();
        }
    }
}
