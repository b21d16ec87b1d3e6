//! Helpers shared by the pagination tests: clients with quick retries, id checks.
#![allow(dead_code)]

use std::collections::HashSet;
use std::hash::Hash;
use std::time::Duration;

use client_runtime::{Backoff, RetryPolicy};
use sandbox::{Provider, RunningSandbox, Sandbox, SandboxConfig};

/// Retries as in production, with delays scaled down.
pub fn quick_retries() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(10)
        .with_backoff(Backoff::exponential(Duration::from_millis(5), Duration::from_millis(40)))
}

pub async fn start(config: SandboxConfig) -> RunningSandbox {
    Sandbox::start(config).await.expect("sandbox starts")
}

pub async fn start_items(provider: Provider, items: usize) -> RunningSandbox {
    start(SandboxConfig::new(provider).items(items)).await
}

/// Every id once; returns them as a set.
pub fn unique<T: Eq + Hash + Clone + std::fmt::Debug>(ids: &[T]) -> HashSet<T> {
    let set: HashSet<T> = ids.iter().cloned().collect();
    assert_eq!(set.len(), ids.len(), "an item was yielded twice");
    set
}

/// A listing resumed after the collection changed: `rest` is exactly what `now` holds after the
/// last item read, and `read` + `rest` is the original listing `before`, nothing repeated.
pub fn assert_resumed(mut read: Vec<String>, rest: Vec<String>, now: &[String], before: &[String], context: &str) {
    let last = read.last().expect("some items were read before the checkpoint");
    let after = now.iter().position(|id| id == last).expect("the last item read is still there") + 1;
    assert_eq!(rest, now[after..], "{context}");
    read.extend(rest);
    unique(&read);
    assert_eq!(read, before, "{context}");
}

/// Turns every fault on for the next few requests.
pub fn all_faults(sb: &RunningSandbox) {
    let f = sb.faults();
    f.rate_limit_burst(2, 0);
    f.server_errors(2, 503);
    f.drop_connections(1);
    f.truncate_bodies(1);
}
