//! One retry budget per client, after the token bucket of the AWS SDKs' "standard" retry mode:
//! every retry takes a token from a bucket shared by all clones of a client and all their
//! concurrent requests, every call that succeeds puts a fraction of one back. During an outage
//! the bucket runs dry and further failures are returned at once, so eight concurrent page
//! fetches add at most the bucket's size in retries to a failing server, not eight times their
//! attempts.

use std::fmt;
use std::sync::Mutex;

use super::AttemptOutcome;

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

/// A client's retry budget: whether one more retry may be made, and what a finished call puts
/// back. The transport only reports; what a retry costs and what a call earns back is the
/// bucket's own rule. Replace the default ([`TokenBucket`]) with
/// [`ClientBuilder::retry_bucket`](crate::ClientBuilder::retry_bucket) or
/// [`RetryPolicy::with_bucket`](crate::RetryPolicy::with_bucket).
pub trait RetryBucket: fmt::Debug + Send + Sync {
    /// Takes what the retry after `outcome` costs; the state when the budget cannot pay it.
    fn withdraw(&self, outcome: &AttemptOutcome<'_>) -> Result<(), BudgetState>;
    /// A call is over: `last` is its final outcome, after `retries` retries withdrawn here.
    fn settle(&self, last: &AttemptOutcome<'_>, retries: u32);
    /// The budget's state now (`None`: unlimited).
    fn state(&self) -> Option<BudgetState>;
}

/// The default [`RetryBucket`], after the AWS SDKs' standard mode: a retry takes a token; a
/// call that ends in an answer the server was willing to give (below 500, not 429) earns back a
/// fraction of one, and gives back the tokens its own retries took (they were well spent).
#[derive(Debug)]
pub struct TokenBucket {
    budget: Option<RetryBudget>,
    tenths: Mutex<u32>,
}

impl TokenBucket {
    /// A full bucket of `budget`'s size; `None`: unlimited.
    pub fn new(budget: Option<RetryBudget>) -> Self {
        let full = budget.map_or(0, |b| b.retries.saturating_mul(TENTHS));
        Self { budget, tenths: Mutex::new(full) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, u32> {
        self.tenths.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn put_back(&self, budget: RetryBudget, tenths: u32) {
        let mut held = self.lock();
        *held = held.saturating_add(tenths).min(budget.retries.saturating_mul(TENTHS));
    }
}

impl RetryBucket for TokenBucket {
    fn withdraw(&self, _outcome: &AttemptOutcome<'_>) -> Result<(), BudgetState> {
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

    fn settle(&self, last: &AttemptOutcome<'_>, retries: u32) {
        let Some(budget) = self.budget else {
            return;
        };
        let served = matches!(last, AttemptOutcome::Response(meta) if meta.status().as_u16() < 500 && meta.status().as_u16() != 429);
        if served {
            self.put_back(budget, budget.refill_tenths.saturating_add(retries.saturating_mul(TENTHS)));
        }
    }

    fn state(&self) -> Option<BudgetState> {
        self.budget.map(|b| BudgetState { available: *self.lock() / TENTHS, capacity: b.retries })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::ResponseMeta;
    use crate::retry::FailureKind;
    use reqwest::header::HeaderMap;
    use reqwest::StatusCode;

    fn answered(status: u16) -> ResponseMeta {
        ResponseMeta::new("op", StatusCode::from_u16(status).unwrap_or(StatusCode::IM_A_TEAPOT), HeaderMap::new(), 1)
    }

    #[test]
    fn retries_draw_from_one_bucket_that_successes_refill() {
        let bucket = TokenBucket::new(Some(RetryBudget::new(2).refill_per_success(5)));
        let failed = AttemptOutcome::Failure(FailureKind::Connect);
        let ok = answered(200);
        let ok = AttemptOutcome::Response(&ok);
        assert_eq!(bucket.withdraw(&failed), Ok(()));
        assert_eq!(bucket.withdraw(&failed), Ok(()));
        assert_eq!(bucket.withdraw(&failed), Err(BudgetState { available: 0, capacity: 2 }));
        bucket.settle(&ok, 0);
        assert_eq!(bucket.withdraw(&failed), Err(BudgetState { available: 0, capacity: 2 }), "half a token is not one");
        bucket.settle(&ok, 0);
        assert_eq!(bucket.state(), Some(BudgetState { available: 1, capacity: 2 }));
        assert_eq!(bucket.withdraw(&failed), Ok(()));
        for _ in 0..100 {
            bucket.settle(&ok, 0);
        }
        assert_eq!(bucket.state(), Some(BudgetState { available: 2, capacity: 2 }), "never above its size");
        let unlimited = TokenBucket::new(None);
        assert!((0..1_000).all(|_| unlimited.withdraw(&failed).is_ok()));
        assert_eq!(unlimited.state(), None);
        assert!(BudgetState { available: 0, capacity: 2 }.to_string().contains("0 of 2 retries"));
    }

    #[test]
    fn a_call_that_ends_served_gives_back_its_retries_and_a_failed_one_does_not() {
        let bucket = TokenBucket::new(Some(RetryBudget::new(3).refill_per_success(0)));
        let failed = AttemptOutcome::Failure(FailureKind::Connection);
        for _ in 0..2 {
            assert_eq!(bucket.withdraw(&failed), Ok(()));
        }
        let throttled = answered(429);
        bucket.settle(&AttemptOutcome::Response(&throttled), 2);
        bucket.settle(&failed, 2);
        assert_eq!(bucket.state(), Some(BudgetState { available: 1, capacity: 3 }), "a 429 or a failure earns nothing");
        let not_found = answered(404);
        bucket.settle(&AttemptOutcome::Response(&not_found), 2);
        assert_eq!(
            bucket.state(),
            Some(BudgetState { available: 3, capacity: 3 }),
            "a served call refunds its retries"
        );
    }
}
