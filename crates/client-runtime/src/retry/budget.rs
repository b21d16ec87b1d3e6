//! One retry budget per client, after the token bucket of the AWS SDKs' "standard" retry mode:
//! every retry takes a token from a bucket shared by all clones of a client and all their
//! concurrent requests, every call that succeeds puts a fraction of one back. During an outage
//! the bucket runs dry and further failures are returned at once, so eight concurrent page
//! fetches add at most the bucket's size in retries to a failing server, not eight times their
//! attempts.

use std::fmt;
use std::sync::Mutex;

/// Tokens are counted in tenths, so a success can put back a tenth of a retry.
const TENTHS: u32 = 10;

/// The size and refill of a client's retry budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryBudget {
    retries: u32,
    refill_tenths: u32,
}

impl Default for RetryBudget {
    /// 10 retries; each successful call earns back a tenth of one.
    fn default() -> Self {
        Self { retries: 10, refill_tenths: 1 }
    }
}

impl RetryBudget {
    /// A bucket of `retries` retries (at least 1), full at the start.
    pub fn new(retries: u32) -> Self {
        Self { retries: retries.max(1), ..Self::default() }
    }
    /// Each successful call earns back `tenths` tenths of a retry (default 1).
    pub fn refill_per_success(mut self, tenths: u32) -> Self {
        self.refill_tenths = tenths;
        self
    }
    /// Retries the full bucket holds.
    pub fn retries(&self) -> u32 {
        self.retries
    }
}

/// The budget's state when it stopped a retry: shown in the call's error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BudgetState {
    /// Whole retries left in the bucket.
    pub available: u32,
    /// Retries the full bucket holds.
    pub capacity: u32,
}

impl fmt::Display for BudgetState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the client's retry budget is spent ({} of {} retries left; successful calls refill it)",
            self.available, self.capacity
        )
    }
}

/// The shared bucket, in a client's transport.
#[derive(Debug)]
pub(crate) struct Bucket {
    budget: Option<RetryBudget>,
    tenths: Mutex<u32>,
}

impl Bucket {
    pub(crate) fn new(budget: Option<RetryBudget>) -> Self {
        let full = budget.map_or(0, |b| b.retries.saturating_mul(TENTHS));
        Self { budget, tenths: Mutex::new(full) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, u32> {
        self.tenths.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes one retry's token; the state when there is none.
    pub(crate) fn try_retry(&self) -> Result<(), BudgetState> {
        let Some(budget) = self.budget else {
            return Ok(());
        };
        let mut tenths = self.lock();
        if *tenths < TENTHS {
            return Err(BudgetState { available: *tenths / TENTHS, capacity: budget.retries });
        }
        *tenths -= TENTHS;
        Ok(())
    }

    /// A call succeeded: part of a token goes back, up to the bucket's size.
    pub(crate) fn succeeded(&self) {
        if let Some(budget) = self.budget {
            let mut tenths = self.lock();
            *tenths = tenths.saturating_add(budget.refill_tenths).min(budget.retries.saturating_mul(TENTHS));
        }
    }

    /// The bucket's state now.
    pub(crate) fn state(&self) -> Option<BudgetState> {
        self.budget.map(|b| BudgetState { available: *self.lock() / TENTHS, capacity: b.retries })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_draw_from_one_bucket_that_successes_refill() {
        let bucket = Bucket::new(Some(RetryBudget::new(2).refill_per_success(5)));
        assert_eq!(bucket.try_retry(), Ok(()));
        assert_eq!(bucket.try_retry(), Ok(()));
        assert_eq!(bucket.try_retry(), Err(BudgetState { available: 0, capacity: 2 }));
        bucket.succeeded();
        assert_eq!(bucket.try_retry(), Err(BudgetState { available: 0, capacity: 2 }), "half a token is not one");
        bucket.succeeded();
        assert_eq!(bucket.state(), Some(BudgetState { available: 1, capacity: 2 }));
        assert_eq!(bucket.try_retry(), Ok(()));
        for _ in 0..100 {
            bucket.succeeded();
        }
        assert_eq!(bucket.state(), Some(BudgetState { available: 2, capacity: 2 }), "never above its size");
        let unlimited = Bucket::new(None);
        assert!((0..1_000).all(|_| unlimited.try_retry().is_ok()));
        assert_eq!(unlimited.state(), None);
        assert!(BudgetState { available: 0, capacity: 2 }.to_string().contains("0 of 2 retries"));
    }
}
