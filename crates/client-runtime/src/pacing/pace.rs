//! The pacing policy as a value: [`Pace`], which the transport's pipeline asks for a slot before
//! each attempt to the API and tells every answer. [`Pacer`] is the default; a caller replaces it
//! with [`ClientBuilder::pacer`](crate::ClientBuilder::pacer) (a shared limiter across processes,
//! a stricter quota, none at all).

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use tokio::time::Instant;

use super::{Held, HeldBy, Pacer};
use crate::response::ResponseMeta;

/// A slot to send one attempt (its redirect hops included). Dropping it tells the pacer the
/// attempt is over, which is when it starts to age out of the quota windows.
#[must_use = "the slot is released when the permit is dropped"]
pub struct PacePermit<'a> {
    _slot: Option<Box<dyn Send + Sync + 'a>>,
}

impl<'a> PacePermit<'a> {
    /// A permit that releases its slot by dropping `slot`.
    pub fn new(slot: impl Send + Sync + 'a) -> Self {
        Self { _slot: Some(Box::new(slot)) }
    }
    /// A permit that holds nothing back (for requests the pacer does not count).
    pub fn free() -> Self {
        Self { _slot: None }
    }
}

impl fmt::Debug for PacePermit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PacePermit")
    }
}

/// The future [`Pace::acquire`] returns.
pub type Acquire<'a> = Pin<Box<dyn Future<Output = Result<PacePermit<'a>, Held>> + Send + 'a>>;

/// Decides when a request to the API may go. Shared by every clone of a client.
pub trait Pace: fmt::Debug + Send + Sync {
    /// Waits until an attempt may be sent and takes its slot; fails at once with what holds it
    /// back when the slot would only come after `deadline`. Dropping the future gives up nothing.
    fn acquire(&self, deadline: Option<Instant>) -> Acquire<'_>;
    /// Takes in an answer from the API (its `X-RateLimit-*`, `Retry-After`), while the attempt's
    /// permit is still held.
    fn observe(&self, meta: &ResponseMeta);
    /// What holds a request back, in words for [`Error::RateLimited`](crate::Error::RateLimited).
    fn explain(&self, by: &HeldBy) -> String {
        by.to_string()
    }
}

impl Pace for Pacer {
    fn acquire(&self, deadline: Option<Instant>) -> Acquire<'_> {
        Box::pin(async move { Pacer::acquire(self, deadline).await.map(PacePermit::new) })
    }
    fn observe(&self, meta: &ResponseMeta) {
        Pacer::observe(self, meta);
    }
    fn explain(&self, by: &HeldBy) -> String {
        Pacer::explain(self, by)
    }
}

/// Never holds a request back and learns nothing: what `.no_pacing()` amounts to, as a value.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPacing;

impl Pace for NoPacing {
    fn acquire(&self, _deadline: Option<Instant>) -> Acquire<'_> {
        Box::pin(async { Ok(PacePermit::free()) })
    }
    fn observe(&self, _meta: &ResponseMeta) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Quota;
    use std::time::Duration;

    // Paused time: a pacer that wrongly waits reaches its deadline at once and fails the test
    // instead of hanging it.
    #[tokio::test(start_paused = true)]
    async fn the_default_pacer_holds_a_request_past_its_quota_through_the_trait() {
        let pacer: &dyn Pace = &Pacer::new(vec![Quota::new(1, Duration::from_secs(60))], false);
        let first = pacer.acquire(Some(Instant::now() + Duration::from_secs(1))).await.expect("the first slot is free");
        assert_eq!(format!("{first:?}"), "PacePermit");
        drop(first);
        let soon = Some(Instant::now() + Duration::from_millis(10));
        let held = pacer.acquire(soon).await.expect_err("the quota is used up");
        assert_eq!(held.by, HeldBy::Quota(Quota::new(1, Duration::from_secs(60))));
        assert!(pacer.explain(&held.by).contains("1 requests per minute"), "{}", pacer.explain(&held.by));
        let free: &dyn Pace = &NoPacing;
        for _ in 0..3 {
            assert!(free.acquire(soon).await.is_ok());
        }
    }
}
