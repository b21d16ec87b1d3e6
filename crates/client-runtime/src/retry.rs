//! Retries as policy objects, after smithy-rs: a [classifier](ClassifyRetry) says whether an
//! attempt's outcome is worth another try, a [backoff](ComputeBackoff) says how long to wait, a
//! [retry bucket](RetryBucket) whether the client can afford it, and [`RetryPolicy::decide`]
//! combines the first two with the server's own wait (`Retry-After`, `X-RateLimit-Reset`) and the
//! attempt and time budgets. Each is a value of its own, tested alone and replaceable through the
//! builder; the transport's pipeline only asks them, through one value per call, and obeys.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::request::Request;
use crate::response::ResponseMeta;

mod backoff;
mod budget;
mod classify;

pub use backoff::{Backoff, ComputeBackoff, ConstantBackoff, Jitter};
pub use budget::{BudgetState, RetryBucket, RetryBudget, TokenBucket};
pub use classify::{AttemptOutcome, AttemptRequest, ClassifyRetry, FailureKind, RetryClass, StandardClassifier};

/// The wait a response asks for: `Retry-After`, or — when it says the window is used up (a 429
/// or `X-RateLimit-Remaining: 0`) — the time until `X-RateLimit-Reset`. Read once, when the
/// response arrived ([`ResponseMeta::server_wait`]).
pub(crate) fn server_wait(meta: &ResponseMeta) -> Option<Duration> {
    meta.server_wait().wait()
}

/// Where a call stands: attempts made, the last wait, the call's deadline, the longest wait it
/// accepts from a server.
#[derive(Debug, Clone, Copy)]
pub struct RetryState {
    attempts: u32,
    previous_delay: Duration,
    deadline: Option<Instant>,
    wait_cap: Option<Duration>,
    replayable: bool,
}

impl RetryState {
    /// A call that has made no attempt yet and must end by `deadline`.
    pub fn new(deadline: Option<Instant>) -> Self {
        Self { attempts: 0, previous_delay: Duration::ZERO, deadline, wait_cap: None, replayable: true }
    }
    /// The request's body cannot be sent again (a one-shot stream): a retryable outcome gives
    /// up with [`GiveUpReason::NotReplayable`] instead.
    pub fn one_shot(mut self) -> Self {
        self.replayable = false;
        self
    }
    /// A server asking for a longer wait than `cap` is not waited for: the call gives up at
    /// once ([`GiveUpReason::WaitTooLong`]).
    pub fn with_wait_cap(mut self, cap: Duration) -> Self {
        self.wait_cap = Some(cap);
        self
    }
    /// Attempts made so far.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
    /// When the call must be over.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }
    /// Counts an attempt about to be made.
    pub fn record_attempt(&mut self) {
        self.attempts = self.attempts.saturating_add(1);
    }
    /// Records the wait before the next attempt (decorrelated jitter grows from it).
    pub fn record_wait(&mut self, wait: Duration) {
        self.previous_delay = wait;
    }
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Wait this long, then try again.
    RetryAfter(Duration),
    /// Return this outcome to the caller.
    GiveUp(GiveUpReason),
}

/// Why an outcome is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GiveUpReason {
    /// A success, or a failure the classifier does not retry.
    NotRetryable,
    /// The attempt budget is spent.
    AttemptsExhausted,
    /// The wait before the next attempt would end past the call's deadline.
    OutOfTime {
        /// The wait that did not fit.
        wait: Duration,
    },
    /// The server asked for a wait longer than the client accepts from a server.
    WaitTooLong {
        /// What it asked for.
        wait: Duration,
        /// The longest wait accepted.
        cap: Duration,
    },
    /// The client's retry budget, shared by all its requests, is spent.
    BudgetSpent(BudgetState),
    /// The outcome was retryable but the body was a one-shot stream, sent once.
    NotReplayable,
}

impl GiveUpReason {
    /// Why a retryable outcome was not retried, in words for an error; `None` when it was not
    /// retryable or the attempts ran out (the error says those by itself).
    pub fn not_retried(&self) -> Option<&'static str> {
        match self {
            GiveUpReason::NotReplayable => {
                Some("the request body was a one-shot stream, which cannot be sent again; give a file or bytes to have it retried")
            }
            _ => None,
        }
    }
}

/// When and how a call's failed attempts are retried. Cheap to clone.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    max_attempts: u32,
    backoff: Arc<dyn ComputeBackoff>,
    classifier: Arc<dyn ClassifyRetry>,
    budget: Option<RetryBudget>,
    bucket: Option<Arc<dyn RetryBucket>>,
}

impl Default for RetryPolicy {
    /// 4 attempts in all, [`Backoff::default`], [`StandardClassifier`], [`RetryBudget::default`].
    fn default() -> Self {
        Self {
            max_attempts: 4,
            backoff: Arc::new(Backoff::default()),
            classifier: Arc::new(StandardClassifier::default()),
            budget: Some(RetryBudget::default()),
            bucket: None,
        }
    }
}

impl RetryPolicy {
    /// One attempt, never retried.
    pub fn disabled() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }
    /// Attempts in all, the first included (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }
    /// Replaces the backoff: a [`Backoff`] or any [`ComputeBackoff`].
    pub fn with_backoff(mut self, backoff: impl ComputeBackoff + 'static) -> Self {
        self.backoff = Arc::new(backoff);
        self
    }
    /// Replaces the classifier.
    pub fn with_classifier(mut self, classifier: impl ClassifyRetry + 'static) -> Self {
        self.classifier = Arc::new(classifier);
        self
    }
    /// Replaces the client's retry budget (shared by every clone and concurrent request).
    pub fn with_budget(mut self, budget: RetryBudget) -> Self {
        self.budget = Some(budget);
        self
    }
    /// No shared budget: each call retries up to its own attempts.
    pub fn without_budget(mut self) -> Self {
        self.budget = None;
        self.bucket = None;
        self
    }
    /// Replaces the client's [`TokenBucket`] with `bucket`, which decides what a retry costs
    /// and what a call gives back. It is used as given: clients built from this policy share it.
    pub fn with_bucket(mut self, bucket: impl RetryBucket + 'static) -> Self {
        self.bucket = Some(Arc::new(bucket));
        self
    }
    /// The bucket a client built from this policy draws from: the one given to
    /// [`with_bucket`](Self::with_bucket), else a new [`TokenBucket`] of [`budget`](Self::budget).
    pub fn new_bucket(&self) -> Arc<dyn RetryBucket> {
        match &self.bucket {
            Some(bucket) => bucket.clone(),
            None => Arc::new(TokenBucket::new(self.budget)),
        }
    }
    /// The client's retry budget, if any.
    pub fn budget(&self) -> Option<&RetryBudget> {
        self.budget.as_ref()
    }
    /// Attempts in all, the first included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }
    /// The backoff.
    pub fn backoff(&self) -> &dyn ComputeBackoff {
        &*self.backoff
    }

    /// Decides what follows the attempt `state` last counted.
    pub fn decide(
        &self,
        request: &AttemptRequest<'_>,
        outcome: &AttemptOutcome<'_>,
        state: &RetryState,
    ) -> RetryDecision {
        self.decide_with(request, outcome, state, Instant::now(), rand::random::<f64>())
    }

    /// [`decide`](Self::decide) at a given moment and random draw, for tests.
    pub fn decide_with(
        &self,
        request: &AttemptRequest<'_>,
        outcome: &AttemptOutcome<'_>,
        state: &RetryState,
        now: Instant,
        unit: f64,
    ) -> RetryDecision {
        if self.classifier.classify(request, outcome) == RetryClass::NotRetryable {
            return RetryDecision::GiveUp(GiveUpReason::NotRetryable);
        }
        if state.attempts >= self.max_attempts {
            return RetryDecision::GiveUp(GiveUpReason::AttemptsExhausted);
        }
        if !state.replayable {
            return RetryDecision::GiveUp(GiveUpReason::NotReplayable);
        }
        let backoff = self.backoff.compute(state.attempts, state.previous_delay, unit);
        let asked = match outcome {
            AttemptOutcome::Response(meta) => server_wait(meta),
            AttemptOutcome::Failure(_) => None,
        };
        if let (Some(asked), Some(cap)) = (asked, state.wait_cap) {
            if asked > cap {
                return RetryDecision::GiveUp(GiveUpReason::WaitTooLong { wait: asked, cap });
            }
        }
        // The server knows when it will take requests again; backoff only spreads retries out
        // when it does not say.
        let wait = asked.map_or(backoff, |asked| asked.max(backoff));
        match state.deadline {
            Some(deadline) if now.checked_add(wait).is_none_or(|at| at >= deadline) => {
                RetryDecision::GiveUp(GiveUpReason::OutOfTime { wait })
            }
            _ => RetryDecision::RetryAfter(wait),
        }
    }
}

/// One call's retries: asks the policy after each attempt and pays each retry from the
/// client's bucket, then settles with it. What the transport's pipeline holds per call.
#[derive(Debug)]
pub(crate) struct CallRetries<'p> {
    policy: &'p RetryPolicy,
    bucket: &'p dyn RetryBucket,
    state: RetryState,
    withdrawn: u32,
}

impl<'p> CallRetries<'p> {
    /// A call under `policy`, paying from `bucket`, in `state` (deadline, wait cap, body).
    pub fn new(policy: &'p RetryPolicy, bucket: &'p dyn RetryBucket, state: RetryState) -> Self {
        Self { policy, bucket, state, withdrawn: 0 }
    }
    /// Where the call stands.
    pub fn state(&self) -> &RetryState {
        &self.state
    }
    /// Counts an attempt about to be made.
    pub fn record_attempt(&mut self) {
        self.state.record_attempt();
    }
    /// What follows the attempt just made: a retry is granted only when the bucket pays for it.
    pub fn decide(&mut self, request: &Request, outcome: &AttemptOutcome<'_>) -> RetryDecision {
        match self.policy.decide(&AttemptRequest::new(request), outcome, &self.state) {
            RetryDecision::RetryAfter(wait) => match self.bucket.withdraw(outcome) {
                Ok(()) => {
                    self.withdrawn = self.withdrawn.saturating_add(1);
                    self.state.record_wait(wait);
                    RetryDecision::RetryAfter(wait)
                }
                Err(spent) => RetryDecision::GiveUp(GiveUpReason::BudgetSpent(spent)),
            },
            decision => decision,
        }
    }
    /// The call is over with `last`: the bucket settles it by its own rule.
    pub fn settle(&self, last: &AttemptOutcome<'_>) {
        self.bucket.settle(last, self.withdrawn);
    }
}

#[cfg(test)]
mod tests;
